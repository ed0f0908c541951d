"""snownlp's sentiment value, bit for bit, without snownlp's slow code (issue 4).

``classify(text)`` returns exactly what ``snownlp.SnowNLP(text).sentiments`` returns (the same
Python float), from snownlp's own model files loaded the way snownlp loads them (gzip + marshal of
``seg/seg.marshal.3`` and ``sentiment/sentiment.marshal.3``, ``normal/stopwords.txt`` through
``codecs``); no new data.

snownlp's pipeline (0.12.3): ``seg.seg`` splits the text into runs of CJK (U+4E00–U+9FA5), which its
character-based generative model (``seg/y09_2047.py``: a second-order HMM over b/m/e/s tags,
interpolated uni/bi/tri-gram counts) tags by Viterbi, and other runs on whitespace; stop words are
dropped (``normal.filter_stop``); a two-class naive Bayes (``classification/bayes.py``) sums
``log(count / total)`` per word. >99% of its time is the Viterbi: per character 64 ``log_prob``
calls, each building tuples and doing 6 dict look-ups, plus a copy of every partial tag path.

What is done differently, and why the value cannot change:

- The three count tables (13k / 346k / 928k tuple-keyed entries, ~380 MB as Python objects) become
  sorted int64 arrays keyed by (character ids, tags), ~25 MB, looked up with ``searchsorted``.
  The interpolation terms ``l2*bi/uni`` and ``l3*tri/bi`` are precomputed from them with numpy:
  IEEE multiplication and division are correctly rounded, so numpy's float64 and Python's float
  give the same bits (``tests/test_snownlp_fast.py`` checks every entry against snownlp's formula).
- A trigram absent from the counts adds ``0`` or ``0.0`` to ``uni + bi + tri``, and ``x + 0.0 == x``
  exactly for ``x >= 0``; so where a character trigram has no counts (~70% of positions in forum
  text) the 64 log-probabilities are 16 that depend on the character bigram only, computed once per
  bigram (``math.log``, as snownlp) and cached.
- The Viterbi keeps 16 scores (previous tag × current tag), the order of snownlp's ``now`` list
  (its ``stage`` dict's insertion order), and snownlp's tie rules: the first of equal maxima wins
  (``p > best``), an unknown character keeps the *last* predecessor's score (snownlp overwrites
  ``stage`` there), the final ``max`` takes the first best. Where the 4 candidates of a state share
  one log-probability ``c``, the best sum is ``max(scores) + c`` (float rounding is monotonic, no
  candidate can exceed it). Instead of copying every partial path, the back-pointer of the one
  state on the best path is recovered at the end as the first candidate whose sum equals the kept
  score: the candidate snownlp kept.
- Character runs of a batch of texts are looked up together (one ``searchsorted`` per table);
  tagged runs and Bayes' ``log(count / total)`` per word are cached; all sums run in snownlp's order.
- ``classify("")`` is ``snownlp.sentiment.classify("")`` (the class priors): ``SnowNLP("")`` itself
  raises ZeroDivisionError in its BM25 index before reaching ``sentiments``.

Speed and memory (bench/bench_scores.py, 2,816 posts of the 3,011-floor thread, one core):
2,260 to 2,600 posts/s over runs against snownlp's 137 (16-19×); start-up ~3.9 s against ~2.1 s
(snownlp's own marshal loading is ~1.9 s of it). The transient peak is that loading of
``seg.marshal.3`` (~380 MB of objects, as in snownlp); each n-gram dict is dropped as soon as it is
converted and the freed heap handed back to the OS (``malloc_trim``), leaving +26 MB resident after
start-up (snownlp: +405 MB) plus the caches (~45 MB after the whole 3,011-floor thread, bounded by
``CACHE_LIMIT``).
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import gc
import gzip
import importlib.util
import marshal
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from math import exp, log
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

#: snownlp's CJK run pattern (``snownlp/seg/__init__.py``'s ``re_zh``), the same class.
RE_ZH = re.compile("([\u4E00-\u9FA5]+)")
#: snownlp's tag set in its ``status`` order (``y09_2047.py``); BOS is the sentence-start pseudo
#: tag of ``('', 'BOS')`` (index 4, only before the first two characters).
TAGS = ("b", "m", "e", "s")
BOS = 4
#: Tag combinations per character bigram / trigram in the array keys (tags 0..4 incl. BOS).
BI_WIDTH, TRI_WIDTH = 25, 125
#: Bound of the per-bigram, per-run and per-word caches (entries each); past it a cache is cleared.
#: Measured on the 3,011-floor thread: 47,809 bigrams take ~30 MB, 15,189 runs ~11 MB.
CACHE_LIMIT = 50_000

NEG_INF = float("-inf")
#: An unknown character keeps, for each (previous, current) tag, the score of predecessor (3, prev).
_UNKNOWN_FROM = [12 + a for a in range(4) for _ in range(4)]
#: snownlp's final ``max`` visits its states current-tag major, previous-tag minor.
_FINAL_ORDER = [a * 4 + s for s in range(4) for a in range(4)]


def snownlp_dir() -> Path:
    """snownlp's package folder, found without importing it (the import loads all its models)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("snownlp is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _load_marshal(fname: Path) -> dict[str, Any]:
    """What snownlp's ``load(fname, iszip=True)`` reads on Python 3 (``fname + '.3'``)."""
    path = str(fname) + ".3"
    try:
        with gzip.open(path, "rb") as f:
            return marshal.loads(f.read())
    except OSError:  # snownlp's ``except IOError``: a file that is not gzipped
        with open(path, "rb") as f:
            return marshal.loads(f.read())


def _load_stop_words(path: Path) -> frozenset[str]:
    # codecs' line splitting (str.splitlines rules), exactly as normal/__init__.py reads it
    with codecs.open(str(path), "r", "utf-8") as fr:
        return frozenset(word.strip() for word in fr)


@dataclass
class SegArrays:
    """y09_2047's model as arrays. Characters have ids (0 = BOS's ``''``), tags 0..3 = b m e s and
    4 = BOS; ``bi_keys`` = ``(c1*n + c2)*25 + t1*5 + t2`` sorted, ``bi_value`` = ``l2*bi/uni(c1,t1)``;
    ``tri_keys`` = ``((c1*n + c2)*n + c3)*125 + (t1*5 + t2)*5 + t3``, ``tri_value`` = ``l3*tri/bi``."""

    alphabet: str  # characters 1..n-1 in id order (one string: no per-character objects)
    l1: float
    uni_total: float
    uni_count: np.ndarray  # [char id * 5 + tag]
    bi_keys: np.ndarray
    bi_value: np.ndarray
    tri_keys: np.ndarray
    tri_value: np.ndarray


def _pair_codes(table: dict[Any, Any], width: int, pairs: dict[tuple[str, str], int],
                tag_id: dict[str, int]) -> np.ndarray:
    """``char id * 5 + tag`` of every (char, tag) of the keys of an n-gram table, shape (len, width)."""
    count = len(table) * width
    try:
        flat = np.fromiter(map(pairs.__getitem__, chain.from_iterable(table)), np.int64, count)
    except KeyError:  # a pair only in bi/tri (never in snownlp's model): give it an id, retry
        chars = {char: code // 5 for (char, _), code in pairs.items()}
        for pair in chain.from_iterable(table):
            if pair not in pairs:
                char_code = chars.setdefault(pair[0], max(chars.values()) + 1)
                pairs[pair] = char_code * 5 + tag_id[pair[1]]
        flat = np.fromiter(map(pairs.__getitem__, chain.from_iterable(table)), np.int64, count)
    return flat.reshape(-1, width)


def build_arrays(data: dict[str, Any]) -> SegArrays:
    """Arrays from the marshalled model (``seg.marshal.3``'s dict), vectorised. Consumes ``data``:
    each n-gram dict is dropped as soon as it is converted, so the peak stays the loading's."""
    if tuple(data["status"]) != TAGS:
        raise ValueError(f"unexpected snownlp tag set {data['status']!r}")
    tag_id = {t: i for i, t in enumerate(TAGS)} | {"BOS": BOS}
    l1, l2, l3 = data["l1"], data["l2"], data["l3"]
    uni_total, bi_none = data["uni"]["total"], data["bi"]["none"]
    uni = data.pop("uni")["d"]
    char_ids: dict[str, int] = {"": 0}
    pairs: dict[tuple[str, str], int] = {}
    for pair in uni:
        pairs[pair] = char_ids.setdefault(pair[0], len(char_ids)) * 5 + tag_id[pair[1]]
    bi = data.pop("bi")["d"]
    bi_pairs = _pair_codes(bi, 2, pairs, tag_id)
    bi_count = np.fromiter(bi.values(), np.int64, len(bi))
    del bi
    tri = data.pop("tri")["d"]
    tri_pairs = _pair_codes(tri, 3, pairs, tag_id)
    tri_count = np.fromiter(tri.values(), np.int64, len(tri))
    del tri
    n = max(code // 5 for code in pairs.values()) + 2  # + one id for characters the model lacks
    by_id = [""] * (n - 1)
    for (character, _), code in pairs.items():
        by_id[code // 5] = character
    uni_count = np.zeros(n * 5, np.int64)
    uni_count[np.fromiter(map(pairs.__getitem__, uni), np.int64, len(uni))] = np.fromiter(
        uni.values(), np.int64, len(uni))
    del uni

    char, tag = bi_pairs // 5, bi_pairs % 5
    bi_keys = (char[:, 0] * n + char[:, 1]) * BI_WIDTH + tag[:, 0] * 5 + tag[:, 1]
    order = np.argsort(bi_keys)
    bi_keys, bi_count, bi_uni = bi_keys[order], bi_count[order], uni_count[bi_pairs[order, 0]]
    char, tag = tri_pairs // 5, tri_pairs % 5
    del tri_pairs
    tri_keys = (((char[:, 0] * n + char[:, 1]) * n + char[:, 2]) * TRI_WIDTH
                + (tag[:, 0] * 5 + tag[:, 1]) * 5 + tag[:, 2])
    context = (char[:, 0] * n + char[:, 1]) * BI_WIDTH + tag[:, 0] * 5 + tag[:, 1]
    del char, tag
    at = np.minimum(np.searchsorted(bi_keys, context), len(bi_keys) - 1)
    tri_bi = np.where(bi_keys[at] == context, bi_count[at], bi_none)
    order = np.argsort(tri_keys)
    if (bi_uni == 0).any() or (tri_bi == 0).any():  # snownlp's div() would give 0: never in its model
        raise ValueError("snownlp's segmentation model has an n-gram whose context count is 0")
    # snownlp's div(l2*bi, uni) and div(l3*tri, bi): float * then /, as Python does them
    return SegArrays(
        alphabet="".join(by_id[1:]), l1=l1, uni_total=uni_total, uni_count=uni_count, bi_keys=bi_keys,
        bi_value=(l2 * bi_count.astype(np.float64)) / bi_uni.astype(np.float64), tri_keys=tri_keys[order],
        tri_value=(l3 * tri_count[order].astype(np.float64)) / tri_bi[order].astype(np.float64))


def _release_freed_memory() -> None:
    """Give the freed model tables back to the OS: glibc keeps freed heap memory otherwise (measured:
    RSS 131 MB before, 57 MB after, numpy included). A no-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Segmenter:
    """y09_2047's ``CharacterBasedGenerativeModel.tag`` on many CJK runs at once."""

    def __init__(self, arrays: SegArrays) -> None:
        self.arrays = arrays
        self.char_id = {ch: i for i, ch in enumerate(arrays.alphabet, 1)}
        self.n_chars = n = len(arrays.alphabet) + 2
        self.unknown = n - 1
        counts = arrays.uni_count.tolist()
        l1, total = arrays.l1, arrays.uni_total
        # l1 * uni.freq((c, s)) in snownlp's operand order
        self.uni_term = [[l1 * (float(counts[c * 5 + s]) / total) for s in range(4)] for c in range(n)]
        self.known = [any(counts[c * 5 + s] for s in range(4)) for c in range(n)]
        self._bigrams: dict[int, tuple[list[float], list[float]]] = {}
        self._unigrams: dict[int, tuple[list[float], list[float]]] = {}

    def clear_cache(self) -> None:
        self._bigrams.clear()
        self._unigrams.clear()

    def _unigram_table(self, char: int) -> tuple[list[float], list[float]]:
        """The bigram tables of ``(c1, char)`` when the bigram has no counts, shared by all ``c1``."""
        found = self._unigrams.get(char)
        if found is None:
            ub = self.uni_term[char] * 5
            found = self._unigrams[char] = (ub, [log(x) if x != 0 else NEG_INF for x in ub[:4]] * 5)
        return found

    def _bigram_tables(self, keys: list[int]) -> list[tuple[list[float], list[float]]]:
        """Per character bigram ``(c1, c)``: ``ub[a*4+s] = uni + bi`` and ``lb = log(ub)`` (-inf for 0),
        ``a`` the previous tag 0..4 (4 = BOS), ``s`` the tag 0..3 of ``c``."""
        cache = self._bigrams
        missing = list({k for k in keys if k not in cache})
        if len(cache) + len(missing) > CACHE_LIMIT:
            cache.clear()
            self._unigrams.clear()
            missing = list(set(keys))
        if missing:
            bi_keys = self.arrays.bi_keys
            bases = np.array(missing, dtype=np.int64) * BI_WIDTH
            lo = np.searchsorted(bi_keys, bases)
            hi = np.searchsorted(bi_keys, bases + BI_WIDTH)
            hits = lo < hi
            n = self.n_chars
            for key, has in zip(missing, hits.tolist(), strict=True):
                if not has:  # no bigram counts: bi adds nothing, the table is the character's
                    cache[key] = self._unigram_table(key % n)
            for key, start, stop in zip(np.array(missing)[hits].tolist(), lo[hits].tolist(),
                                        hi[hits].tolist(), strict=True):
                uni_term = self.uni_term[key % n]
                ub = uni_term * 5
                for combo, value in zip((bi_keys[start:stop] % BI_WIDTH).tolist(),
                                        self.arrays.bi_value[start:stop].tolist(), strict=True):
                    a, s = divmod(combo, 5)
                    if s < 4:
                        ub[a * 4 + s] = uni_term[s] + value
                cache[key] = (ub, [log(x) if x != 0 else NEG_INF for x in ub])
        return [cache[k] for k in keys]

    def _trigram_hits(self, bases: list[int]) -> dict[int, list[tuple[int, int, int, float]]]:
        """Position → ``[(z, a, s, l3*tri/bi), ...]`` where the character trigram has counts."""
        tri_keys = self.arrays.tri_keys
        base_array = np.array(bases, dtype=np.int64) * TRI_WIDTH
        lo = np.searchsorted(tri_keys, base_array)
        hi = np.searchsorted(tri_keys, base_array + TRI_WIDTH)
        where = np.flatnonzero(lo < hi)
        found: dict[int, list[tuple[int, int, int, float]]] = {}
        if not len(where):
            return found
        starts, counts = lo[where], (hi - lo)[where]
        # indices start..stop-1 of every hit, concatenated
        spans = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        combos = (tri_keys[spans] % TRI_WIDTH).tolist()
        values = self.arrays.tri_value[spans].tolist()
        j = 0
        for position, count in zip(where.tolist(), counts.tolist(), strict=True):
            entries = []
            for combo, value in zip(combos[j:j + count], values[j:j + count], strict=True):
                za, s = divmod(combo, 5)
                if s < 4:
                    entries.append((za // 5, za % 5, s, value))
            j += count
            if entries:
                found[position] = entries
        return found

    def tag_many(self, runs: Sequence[str]) -> list[list[int]]:
        """Tag ids (0..3 = b m e s) of each CJK run, as snownlp's ``tag()`` would give."""
        char_id, unknown, n = self.char_id, self.unknown, self.n_chars
        ids = [char_id.get(ch, unknown) for run in runs for ch in run]
        prev1: list[int] = []
        prev2: list[int] = []
        for run in runs:  # BOS ('' = id 0) before each run
            start = len(prev1)
            prev1 += [0, *ids[start:start + len(run) - 1]]
            prev2 += [0, 0, *ids[start:start + len(run) - 2]][:len(run)]
        tables = self._bigram_tables([p * n + c for p, c in zip(prev1, ids, strict=True)])
        hits = self._trigram_hits([(z * n + p) * n + c for z, p, c in zip(prev2, prev1, ids, strict=True)])
        known = [self.known[i] for i in ids]
        tagged = []
        offset = 0
        for run in runs:
            tagged.append(_viterbi(known, tables, hits, offset, len(run)))
            offset += len(run)
        return tagged


def _lp_steady(table: tuple[list[float], list[float]], entries: list[tuple[int, int, int, float]]
               ) -> list[float]:
    """log_prob at ``z*16 + a*4 + s`` (tags 0..3): the bigram's ``lb``, and ``log(uni + bi + tri)``
    (``ub + tri``, snownlp's addition order) where the trigram has a count."""
    ub, lb = table
    full = lb[:16] * 4
    for z, a, s, t in entries:
        total = ub[a * 4 + s] + t
        full[z * 16 + a * 4 + s] = log(total) if total != 0 else NEG_INF
    return full


def _lp_start(table: tuple[list[float], list[float]], entries: list[tuple[int, int, int, float]] | None,
              z: int, a: int, s: int) -> float:
    """log_prob at the first two positions (z = BOS; a = BOS too at the first)."""
    ub, lb = table
    for tz, ta, ts, t in entries or ():
        if (tz, ta, ts) == (z, a, s):
            total = ub[a * 4 + s] + t
            return log(total) if total != 0 else NEG_INF
    return lb[a * 4 + s]


def _viterbi(known: list[bool], tables: list[tuple[list[float], list[float]]],
             hits: dict[int, list[tuple[int, int, int, float]]], offset: int, length: int) -> list[int]:
    """snownlp's ``tag()`` on positions ``offset .. offset+length-1`` of the batch.

    ``score[a*4 + s]`` is the best log-probability of a path whose last two tags are ``a, s`` (its
    ``now`` entry). A known character's score is ``max over z of score[z*4 + a] + lp(z, a, s)``;
    the back-pointer (snownlp keeps the first of equal maxima) is recovered on the way back as the
    first ``z`` whose sum equals it, from the kept scores and log-prob tables.
    """
    i = offset
    if not known[i]:
        first = [0.0] * 4
    elif i in hits:
        first = [0.0 + _lp_start(tables[i], hits[i], BOS, BOS, s) for s in range(4)]
    else:
        first = [0.0 + x for x in tables[i][1][16:20]]
    if length == 1:
        return [_first_max(first, range(4))]
    i = offset + 1
    if not known[i]:
        score = [first[a] for a in range(4) for _ in range(4)]
    elif i in hits:
        score = [first[a] + _lp_start(tables[i], hits[i], BOS, a, s) for a in range(4) for s in range(4)]
    else:
        lb = tables[i][1]
        score = [first[k >> 2] + lb[k] for k in range(16)]
    scores = [score]
    # per position >= 2: the lp table (64 entries, z*16 + a*4 + s), the bigram's lb (20 entries,
    # a*4 + s: lp does not depend on z) or None (unknown character)
    steps: list[list[float] | None] = []
    for i in range(offset + 2, offset + length):
        if not known[i]:
            score = [score[k] for k in _UNKNOWN_FROM]
            steps.append(None)
            scores.append(score)
            continue
        lb = tables[i][1]
        # where lp does not depend on z, the best sum is max over z of score, + lp: rounding is
        # monotonic, so no other candidate can exceed it
        t0, t1, t2, t3 = map(max, (score[0::4], score[1::4], score[2::4], score[3::4]))
        new = list(map(add, (t0, t0, t0, t0, t1, t1, t1, t1, t2, t2, t2, t2, t3, t3, t3, t3), lb))
        entries = hits.get(i)
        if entries is None:
            steps.append(lb)
        else:
            lp = _lp_steady(tables[i], entries)
            for k in {a * 4 + s for _, a, s, _ in entries}:
                a = k >> 2
                new[k] = max(score[a] + lp[k], score[4 + a] + lp[16 + k], score[8 + a] + lp[32 + k],
                             score[12 + a] + lp[48 + k])
            steps.append(lp)
        score = new
        scores.append(score)
    best_index = _first_max(score, _FINAL_ORDER)
    tags = [0] * length
    tags[-2], tags[-1] = divmod(best_index, 4)
    for j in range(length - 1, 1, -1):
        a, s = tags[j - 1], tags[j]
        step = steps[j - 2]
        if step is None:  # unknown character: snownlp kept the last predecessor, z = 3
            tags[j - 2] = 3
            continue
        k = a * 4 + s
        previous, best = scores[j - 2], scores[j - 1][k]
        width = 16 if len(step) == 64 else 0
        tags[j - 2] = next(z for z in range(4) if previous[z * 4 + a] + step[z * width + k] == best)
    return tags


def _first_max(values: Sequence[float], order: Iterable[int]) -> int:
    """Index of Python ``max()``'s pick: the first of the largest values in ``order``."""
    best_index = -1
    best = 0.0
    for index in order:
        if best_index < 0 or values[index] > best:
            best_index, best = index, values[index]
    return best_index


def _words_of_tags(run: str, tags: list[int]) -> list[str]:
    """snownlp's ``Seg.seg``: b/s open a word, e closes it, m continues it."""
    words = []
    tmp = ""
    for ch, tag in zip(run, tags, strict=True):
        if tag == 2:
            words.append(tmp + ch)
            tmp = ""
        elif tag in (0, 3):
            if tmp:
                words.append(tmp)
            tmp = ch
        else:
            tmp += ch
    if tmp:
        words.append(tmp)
    return words


class FastSentiment:
    """``classify(text)`` == ``snownlp.sentiment.classify(text)`` (== ``SnowNLP(text).sentiments``)."""

    def __init__(self, root: Path | None = None) -> None:
        root = root or snownlp_dir()
        arrays = build_arrays(_load_marshal(root / "seg" / "seg.marshal"))
        gc.collect()  # the marshalled tables (~380 MB) are garbage now: free them before anything else
        _release_freed_memory()
        self.segmenter = _Segmenter(arrays)
        self.stop = _load_stop_words(root / "normal" / "stopwords.txt")
        bayes = _load_marshal(root / "sentiment" / "sentiment.marshal")
        self.total = bayes["total"]
        # classes in the file's order: snownlp's loops (and its tie rule) follow it
        self.classes = list(bayes["d"])
        self.counts = [bayes["d"][k]["d"] for k in self.classes]
        self.class_totals = [bayes["d"][k]["total"] for k in self.classes]
        self.nones = [bayes["d"][k]["none"] for k in self.classes]
        self.prior = [log(t) - log(self.total) for t in self.class_totals]
        self._word_logs: dict[str, tuple[float, ...]] = {}
        self._runs: dict[str, list[str]] = {}

    def clear_caches(self) -> None:
        """Forget tagged runs, bigram tables and word log-probabilities (benchmarks of cold runs)."""
        self._runs.clear()
        self._word_logs.clear()
        self.segmenter.clear_cache()

    def words_many(self, texts: Sequence[str]) -> list[list[str]]:
        """snownlp's ``seg.seg(text)`` of each text; CJK runs are tagged together."""
        pieces: list[list[tuple[bool, str]]] = []
        runs = self._runs
        new_runs: dict[str, None] = {}
        for text in texts:
            parts = []
            for s in RE_ZH.split(text):
                s = s.strip()
                if not s:
                    continue
                if RE_ZH.match(s):
                    parts.append((True, s))
                    if s not in runs:
                        new_runs[s] = None
                else:
                    parts.append((False, s))
            pieces.append(parts)
        if new_runs:
            if len(runs) + len(new_runs) > CACHE_LIMIT:
                runs.clear()
                new_runs = {s: None for parts in pieces for is_run, s in parts if is_run}
            fresh = list(new_runs)
            for run, tags in zip(fresh, self.segmenter.tag_many(fresh), strict=True):
                runs[run] = _words_of_tags(run, tags)
        result = []
        for parts in pieces:
            words: list[str] = []
            for is_run, s in parts:
                if is_run:
                    words += runs[s]
                else:
                    for word in s.split():
                        word = word.strip()
                        if word:
                            words.append(word)
            result.append(words)
        return result

    def _logs(self, word: str) -> tuple[float, ...]:
        # AddOneProb.freq: float(count, or `none` = 1 when unseen) / class total
        found = self._word_logs.get(word)
        if found is None:
            if len(self._word_logs) > CACHE_LIMIT:
                self._word_logs.clear()
            found = self._word_logs[word] = tuple(
                log(float(counts.get(word, none)) / total)
                for counts, none, total in zip(self.counts, self.nones, self.class_totals, strict=True))
        return found

    def _bayes(self, words: list[str]) -> float:
        """``Sentiment.classify`` after segmentation: ``Bayes.classify`` of the words that are not
        stop words, then P(pos) or 1 - P(neg) (snownlp's own code path, same order)."""
        stop = self.stop
        tmp = list(self.prior)
        for word in words:
            if word in stop:
                continue
            logs = self._logs(word)
            for k in range(len(tmp)):
                tmp[k] += logs[k]
        ret: Any = 0
        prob: Any = 0
        for k, name in enumerate(self.classes):
            now: Any = 0
            try:
                for other in tmp:
                    now += exp(other - tmp[k])
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                ret, prob = name, now
        if ret == "pos":
            return prob
        return 1 - prob

    def classify_many(self, texts: Sequence[str]) -> list[float]:
        return [self._bayes(words) for words in self.words_many(texts)]

    def classify(self, text: str) -> float:
        return self.classify_many([text])[0]


_ENGINE: FastSentiment | None = None


def engine() -> FastSentiment:
    """The process-wide engine, loaded on first use (forked workers inherit it)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = FastSentiment()
    return _ENGINE


def classify(text: str) -> float:
    """Exactly ``snownlp.SnowNLP(text).sentiments``."""
    return engine().classify(text)


def classify_many(texts: Sequence[str]) -> list[float]:
    """``[SnowNLP(t).sentiments for t in texts]``, with the texts' CJK runs tagged together."""
    return engine().classify_many(texts)
