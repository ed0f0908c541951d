"""The raw snownlp sentiment value (``snownlp`` column), kept so users can compare.

snownlp is slow (``import`` ~3.9 s / ~430 MB; ~70 posts/s per core, >99% in its pure-Python word
segmenter, issue 4), so this module imports it lazily, runs it over all cores, and caches every
value on disk by SHA-1 of the text: a second run over the same thread costs a cache read only.

Memory (issue 4: < 1 GB for the 2,961-floor thread): snownlp's models are ~400 MB of Python dicts
per process that loads them, so a pool whose workers each import it costs 135 MB + 2 × 485 MB on
two cores. Instead the parent imports snownlp once, freezes the garbage collector (a collection
would write to every model object's header and unshare its page), then forks ``workers - 1``
children that inherit the loaded models copy-on-write, and scores a share of the texts itself.
Only pages a child writes to (reference counts of the entries it reads) get copied.
The cache is one SQLite file (``$THREADSCOPE_CACHE`` or ``~/.cache/threadscope``), keyed also by
snownlp's version so an upgrade cannot serve stale values.

Engines: ``fast`` (default, ``threadscope.nlp.snownlp_fast``) re-implements snownlp's sentiment path
on snownlp's own model files and returns the identical float (tested equal on every fixture post),
16-19× faster per core, +26 MB resident after start-up instead of +405 MB (plus bounded caches,
~45 MB after a 3,000-post thread); ``reference`` calls snownlp itself. Pick
one with ``engine=`` or ``$THREADSCOPE_SNOWNLP_ENGINE``; both fill the same cache (same values).
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

from threadscope.errors import UnknownChoiceError

#: Below this many uncached texts extra processes cost more than they save (forking and collecting
#: a worker's results is ~0.1 s), so one process does the work: snownlp scores ~70 texts/s per
#: core (issue 4), the fast engine ~2,300-2,600 (bench/bench_scores.py on the 3,011-floor thread).
POOL_MIN_TEXTS = {"reference": 200, "fast": 1000}
ENGINES = ("fast", "reference")
#: Environment variable naming the engine when ``snownlp_scores`` gets none.
ENGINE_ENV = "THREADSCOPE_SNOWNLP_ENGINE"
#: Texts per share: shares are dealt round-robin (share i to process i % n) so long and short
#: posts spread evenly over the processes without a task queue.
CHUNK = 64
CACHE_FILE = "snownlp-cache.sqlite"


def cache_dir() -> Path:
    root = os.environ.get("THREADSCOPE_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "threadscope"


def snownlp_version() -> str:
    try:
        return metadata.version("snownlp")
    except metadata.PackageNotFoundError:
        return "missing"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def default_engine() -> str:
    """``$THREADSCOPE_SNOWNLP_ENGINE`` if set (``fast`` or ``reference``), else ``fast``."""
    chosen = os.environ.get(ENGINE_ENV, "").strip().lower() or "fast"
    if chosen not in ENGINES:
        raise UnknownChoiceError(f"snownlp engine (${ENGINE_ENV})", chosen, ENGINES)
    return chosen


def _classifier(engine: str = "reference") -> Callable[[Sequence[str]], list[float]]:
    """The batch scorer of an engine, loaded on first call (children forked later inherit it)."""
    if engine == "fast":
        from threadscope.nlp import snownlp_fast  # lazy: ~4 s of model loading, ~35 MB resident

        snownlp_fast.engine()
        return snownlp_fast.classify_many
    if engine != "reference":
        raise UnknownChoiceError("snownlp engine", engine, ENGINES)
    from snownlp import sentiment  # lazy: ~3.9 s and ~430 MB, only where it is needed

    # what SnowNLP(text).sentiments calls
    return lambda texts: [sentiment.classify(text) for text in texts]


def _score_texts(texts: Sequence[str], engine: str = "reference") -> list[float]:
    return [float(value) for value in _classifier(engine)(texts)]


def _deal(count: int, shares: int) -> list[list[int]]:
    """Indices ``0..count-1`` in CHUNK-sized runs dealt round-robin to ``shares`` processes."""
    dealt: list[list[int]] = [[] for _ in range(shares)]
    for number, start in enumerate(range(0, count, CHUNK)):
        dealt[number % shares].extend(range(start, min(start + CHUNK, count)))
    return dealt


def _score_parallel(texts: Sequence[str], workers: int, engine: str = "reference") -> list[float]:
    """Score in this process and ``workers - 1`` forked children sharing the loaded models."""
    _classifier(engine)  # load before forking: the children inherit the models
    frozen = not gc.isenabled() or gc.get_freeze_count() > 0
    if not frozen:
        gc.collect()
        gc.freeze()
    try:
        dealt = _deal(len(texts), workers)
        with ProcessPoolExecutor(max_workers=workers - 1,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_score_texts, [texts[i] for i in share], engine) for share in dealt[1:]]
            results = [_score_texts([texts[i] for i in dealt[0]], engine)] + [f.result() for f in futures]
    finally:
        if not frozen:
            gc.unfreeze()
    values = [math.nan] * len(texts)
    for share, scores in zip(dealt, results, strict=True):
        for index, value in zip(share, scores, strict=True):
            values[index] = value
    return values


class SnowNLPCache:
    """``text hash → value`` in SQLite; safe to share between runs."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / CACHE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("CREATE TABLE IF NOT EXISTS sentiment (key TEXT PRIMARY KEY, value REAL)")
        self._prefix = snownlp_version() + ":"

    def get_many(self, keys: Sequence[str]) -> dict[str, float]:
        found: dict[str, float] = {}
        full = [self._prefix + key for key in keys]
        for start in range(0, len(full), 500):  # SQLite's bound-parameter limit
            batch = full[start:start + 500]
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, value FROM sentiment WHERE key IN ({marks})"
            for key, value in self._db.execute(query, batch):
                found[key[len(self._prefix):]] = value
        return found

    def put_many(self, items: dict[str, float]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO sentiment VALUES (?, ?)",
                                 [(self._prefix + key, value) for key, value in items.items()])

    def close(self) -> None:
        self._db.close()


def snownlp_scores(texts: Sequence[str], *, workers: int | None = None, cache: bool = True,
                   cache_path: Path | None = None, engine: str | None = None) -> list[float]:
    """snownlp's value for each text (NaN for empty text), cached and computed in parallel.

    ``engine``: ``"fast"`` or ``"reference"`` (snownlp itself); default ``default_engine()``.
    """
    engine = engine or default_engine()
    if engine not in ENGINES:
        raise UnknownChoiceError("snownlp engine", engine, ENGINES)
    keys = [text_key(text) for text in texts]
    store = SnowNLPCache(cache_path) if cache else None
    known = store.get_many(sorted(set(keys))) if store else {}
    todo: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in known and text.strip():
            todo.setdefault(key, text)
    if todo:
        pending = list(todo.items())
        workers = workers or os.cpu_count() or 1
        texts_todo = [text for _, text in pending]
        fork_ok = "fork" in multiprocessing.get_all_start_methods()
        if workers > 1 and len(pending) >= POOL_MIN_TEXTS[engine] and fork_ok:
            values = _score_parallel(texts_todo, workers, engine)
        else:
            values = _score_texts(texts_todo, engine)
        fresh = {key: value for (key, _), value in zip(pending, values, strict=True)}
        known.update(fresh)
        if store:
            store.put_many(fresh)
    if store:
        store.close()
    return [known.get(key, math.nan) for key in keys]
