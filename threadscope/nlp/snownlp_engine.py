"""The raw snownlp sentiment value (``snownlp`` column), kept so users can compare.

snownlp is slow (``import`` ~3.9 s / ~430 MB; ~70 posts/s per core, >99% in its pure-Python word
segmenter, issue 4), so this module imports it lazily, runs it over all cores, and caches every
value on disk by SHA-1 of the text: a second run over the same thread costs a cache read only.
The cache is one SQLite file (``$THREADSCOPE_CACHE`` or ``~/.cache/threadscope``), keyed also by
snownlp's version so an upgrade cannot serve stale values.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

#: Below this many uncached texts a process pool costs more (each worker imports snownlp, ~4 s).
POOL_MIN_TEXTS = 200
#: Texts per task sent to a worker: big enough to amortise pickling, small enough to balance.
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


def _score_chunk(texts: Sequence[str]) -> list[float]:
    from snownlp import SnowNLP  # lazy: ~3.9 s and ~430 MB, only where it is needed

    return [float(SnowNLP(text).sentiments) for text in texts]


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
                   cache_path: Path | None = None) -> list[float]:
    """snownlp's value for each text (NaN for empty text), cached and computed in parallel."""
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
        if workers > 1 and len(pending) >= POOL_MIN_TEXTS:
            chunks = [texts_todo[i:i + CHUNK] for i in range(0, len(texts_todo), CHUNK)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                values = [v for chunk in pool.map(_score_chunk, chunks) for v in chunk]
        else:
            values = _score_chunk(texts_todo)
        fresh = {key: value for (key, _), value in zip(pending, values, strict=True)}
        known.update(fresh)
        if store:
            store.put_many(fresh)
    if store:
        store.close()
    return [known.get(key, math.nan) for key in keys]
