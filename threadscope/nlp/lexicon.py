"""Weighted term lists (``lexicons/*.tsv``) and a leftmost-longest matcher over them.

A TSV line is ``term<TAB>weight[<TAB>note]``; ``#`` lines are comments (provenance lives there).
Matching scans the text once, and at each position takes the longest term starting there, so
idioms shadow their parts (``不是不行`` is read, ``不行`` inside it is not). Pure Python, but the
scan only looks up positions whose character starts some term: ~10 µs for a 100-character post.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from threadscope.nlp.features import normalize

LEXICON_PACKAGE = "threadscope.nlp.lexicons"


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    weight: float
    source: str


def read_tsv(name: str, *, normalize_terms: bool = True) -> list[Entry]:
    """Entries of ``lexicons/NAME`` (shipped package data); terms normalised like the texts
    they are matched on, unless ``normalize_terms`` is false (ids, not words)."""
    text = resources.files(LEXICON_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            # same form as the text they are matched on (normalize: NFKC, lower case, digits → 0)
            term = (normalize(parts[0]) or parts[0]) if normalize_terms else parts[0]
            entries.append(Entry(term, float(parts[1]), name))
        except (IndexError, ValueError) as exc:  # a packaging bug, not user input
            raise RuntimeError(f"{name}:{number}: expected 'term<TAB>weight', got {line!r}") from exc
    return entries


class Matcher:
    """Leftmost-longest, non-overlapping matching of many literal terms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._by_first: dict[str, list[Entry]] = {}
        for entry in entries:  # later files override earlier ones for the same term
            bucket = self._by_first.setdefault(entry.term[0], [])
            bucket[:] = [e for e in bucket if e.term != entry.term]
            bucket.append(entry)
        for bucket in self._by_first.values():
            bucket.sort(key=lambda e: -len(e.term))

    def find(self, text: str) -> Iterator[tuple[int, Entry]]:
        """``(position, entry)`` of each match, left to right."""
        by_first = self._by_first
        i, n = 0, len(text)
        while i < n:
            bucket = by_first.get(text[i])
            if bucket is not None:
                for entry in bucket:
                    if text.startswith(entry.term, i):
                        yield i, entry
                        i += len(entry.term)
                        break
                else:
                    i += 1
            else:
                i += 1


@cache
def sentiment_matcher() -> Matcher:
    """Slang, negation idioms and emoji together (one scan, idioms shadow their parts)."""
    return Matcher([*read_tsv("s1-slang.tsv"), *read_tsv("emoji.tsv"), *read_tsv("negation.tsv")])


@cache
def smiley_tones() -> dict[str, float]:
    """face2017 id (``"067"``) → tone weight."""
    return {entry.term: entry.weight for entry in read_tsv("smileys-face2017.tsv", normalize_terms=False)}
