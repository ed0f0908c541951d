"""Stable pseudonyms for user names, for sharing research data.

Every name the thread holds (authors, the starter, quoted authors, editors, raters) gets a
pseudonym ``U001``, ``U002``… in order of first appearance (floor order; within a post: author,
quoted authors, editor, raters), so the same input always gives the same mapping and the
pseudonyms say nothing about the names (a hash of a name could be reversed by hashing a list of
guessed names). Names are also replaced where they appear in text: post text, quote excerpts,
rating reasons, the title, string values of ``meta``, source file paths and parsing warnings
(their messages and files). User ids are dropped, and the original body HTML is emptied (it
repeats names in profile links and avatars the text replacement cannot see).

Limits: a name of one character is replaced in text only after ``@`` (a lone character is too
often an ordinary word); a name inside a URL (percent-encoded) is not found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from threadscope.model import Post, Quote, Rating, Thread

if TYPE_CHECKING:
    from threadscope.analysis import Analysis

#: Pseudonym form; the number is zero-padded to at least this many digits so names sort.
PSEUDONYM = "U{number:0{width}d}"
MIN_WIDTH = 3
#: Names shorter than this are replaced in free text only when written as ``@name``.
MIN_TEXT_NAME_CHARS = 2

#: Columns of the other stages' frames that hold user names.
NAME_COLUMNS: tuple[str, ...] = (
    "author", "user", "source_author", "target_author", "user_a", "user_b", "starter", "edited_by",
    "quoted_authors", "users",
)
#: Columns that hold free text that may mention names.
TEXT_COLUMNS: tuple[str, ...] = ("text", "excerpt", "evidence", "reason")


def _names_in_order(thread: Thread) -> list[str]:
    names: dict[str, None] = {}

    def add(name: str | None) -> None:
        if name:
            names.setdefault(name, None)

    add(thread.starter)
    for post in thread.posts:
        add(post.author)
        for quote in post.quotes:
            add(quote.author)
        if post.edit:
            add(post.edit.by)
        for rating in post.ratings:
            add(rating.user)
    return list(names)


@dataclass(frozen=True)
class Pseudonyms:
    """A name → pseudonym mapping with the text replacer built from it."""

    mapping: Mapping[str, str]

    @classmethod
    def for_thread(cls, thread: Thread) -> Pseudonyms:
        names = _names_in_order(thread)
        width = max(MIN_WIDTH, len(str(len(names))))
        return cls({name: PSEUDONYM.format(number=i + 1, width=width) for i, name in enumerate(names)})

    def __post_init__(self) -> None:
        long_names = sorted((n for n in self.mapping if len(n) >= MIN_TEXT_NAME_CHARS), key=len, reverse=True)
        short_names = [n for n in self.mapping if len(n) < MIN_TEXT_NAME_CHARS]
        # Longest first, so a name containing another name is replaced whole.
        alternatives = [re.escape(n) for n in long_names] + [f"(?<=@){re.escape(n)}" for n in short_names]
        pattern = re.compile("|".join(alternatives)) if alternatives else None
        object.__setattr__(self, "_pattern", pattern)

    def name(self, value: str | None) -> str | None:
        """The pseudonym of ``value`` (an unknown name is treated as text)."""
        if value is None:
            return None
        return self.mapping.get(value) or self.text(value)

    def text(self, value: str) -> str:
        """``value`` with every known name replaced."""
        pattern: re.Pattern[str] | None = self._pattern  # type: ignore[attr-defined]
        if pattern is None or not value:
            return value
        return pattern.sub(lambda m: self.mapping[m.group(0)], value)

    def _any(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self._any(v) for v in value)
        if isinstance(value, Mapping):
            return {k: self._any(v) for k, v in value.items()}
        return value

    def post(self, post: Post) -> Post:
        return replace(
            post,
            author=self.name(post.author),
            uid=None,
            text=self.text(post.text),
            html="",
            quotes=tuple(Quote(author=self.name(q.author), time=q.time, pid=q.pid,
                               excerpt=self.text(q.excerpt)) for q in post.quotes),
            edit=replace(post.edit, by=self.name(post.edit.by) or "") if post.edit else None,
            ratings=tuple(Rating(user=self.name(r.user) or "", score=r.score, reason=self.text(r.reason))
                          for r in post.ratings),
            meta=self._any(dict(post.meta)),
        )

    def thread(self, thread: Thread) -> Thread:
        return replace(
            thread,
            title=self.text(thread.title) if thread.title else thread.title,
            posts=tuple(self.post(post) for post in thread.posts),
            starter=self.name(thread.starter),
            starter_uid=None,
            # file names may carry user names (a folder per user, a title naming someone)
            sources=tuple(self.text(source) for source in thread.sources),
            warnings=tuple(replace(w, message=self.text(w.message),
                                   source=self.text(w.source) if w.source else w.source)
                           for w in thread.warnings),
        )

    def frame(self, frame: pd.DataFrame | None, *, names: Iterable[str] = NAME_COLUMNS,
              texts: Iterable[str] = TEXT_COLUMNS) -> pd.DataFrame | None:
        """A copy of ``frame`` with name columns mapped and text columns rewritten; ``uid`` dropped."""
        if frame is None:
            return None
        frame = frame.drop(columns=[c for c in ("uid",) if c in frame.columns])
        if "html" in frame.columns:
            frame = frame.assign(html="")
        for column in names:
            if column in frame.columns:
                frame[column] = frame[column].map(self._any_name)
        for column in texts:
            if column in frame.columns:
                frame[column] = frame[column].map(lambda v: self.text(v) if isinstance(v, str) else v)
        return frame

    def _any_name(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.name(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self._any_name(v) for v in value)
        return value


    def analysis(self, analysis: Analysis) -> Analysis:
        """The analysis with every name replaced: thread, frames, measures and keywords. The
        graphs are left as they were: the report draws from the frames only."""
        keywords = analysis.keywords
        if keywords is not None:
            keywords = replace(
                keywords, overall=self.frame(keywords.overall, texts=("term",)),
                shift=keywords.shift.rename(index=self.text))
        return replace(
            analysis, thread=self.thread(analysis.thread),
            posts=self._frame(analysis.posts), links=self._frame(analysis.links),
            users=self._frame(analysis.users),
            measures={name: self._frame(table) for name, table in analysis.measures.items()},
            keywords=keywords)

    def _frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        mapped = self.frame(frame)
        assert mapped is not None
        return mapped


def anonymize_thread(thread: Thread) -> Thread:
    """``thread`` with every user name replaced by its stable pseudonym (see the module docstring)."""
    return Pseudonyms.for_thread(thread).thread(thread)
