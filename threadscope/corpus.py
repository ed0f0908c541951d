"""Corpus mode: every thread of a folder tree (a board, a year of the S1 archive) analysed on all
cores or on a Dask cluster, the results streamed to Parquet tables in an output folder.

What it does, in order:

1. ``discover`` groups files into threads. S1 plain-text archive names carry the thread id
   (``TID-PART[TITLE].md``, ``TID[TITLE]/TID-NN[TITLE].md``, the older ``TID[TITLE]-NN.md``):
   every file of one tid in one board is one thread, wherever it sits in the board (a flat part
   next to a folder of parts, a copy under ``0无法访问``). Saved Discuz pages named
   ``thread-TID-PAGE-1.html`` are grouped by tid within their folder. Any other file is a thread
   of its own (one JSON, HTML or RSS file per thread); tids are not read from file contents.
2. ``content_hash`` hashes each thread's files (names and bytes). The manifest in ``OUT``
   (``manifest.jsonl``, one JSON line per finished thread, the last line of a key wins) says which
   threads are done with which hash and options: those are skipped.
3. ``analyze_source`` (the one per-thread function both engines run) parses the files
   (``load``), runs ``analysis.analyze_thread`` (links, scores, measures; no keywords) and returns
   Arrow tables for that thread, or the error.
4. The client writes each thread's tables as one Parquet file per table
   (``OUT/<table>/<thread id>.parquet``, written to a dot-file and renamed: readers skip
   dot-files) and then appends the thread to the manifest. An interrupted run leaves at most
   unregistered threads whose parts are rewritten under the same names next time: nothing is
   duplicated or lost. A failing thread gets a ``failures`` row (its old rows removed) and the
   run goes on.
5. At the end ``users`` (per author across threads) is aggregated from the per-thread
   ``thread_users`` parts, streaming one column set.

Each table is a folder of Parquet files with one schema: ``pandas.read_parquet(OUT / "posts")``
and DuckDB's ``read_parquet('OUT/posts/*.parquet')`` read it whole. Memory is bounded by the
threads in flight (``IN_FLIGHT_PER_WORKER`` per worker), never by the corpus.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from threadscope.analysis import analyze_thread, choose_scorers
from threadscope.errors import InputError, ThreadscopeError
from threadscope.load import FOLDER_SUFFIXES, assemble, document_from_bytes, parse_document, read_limited
from threadscope.model import Thread

#: The tables written to OUT, one folder each. ``thread_users`` is ``Analysis.users`` per thread
#: (the input of ``users``, useful on its own); ``users`` is aggregated across threads at the end.
TABLES: tuple[str, ...] = ("threads", "posts", "links", "thread_users", "users", "failures")
#: The tables written per thread (``users`` is built from ``thread_users``).
THREAD_TABLES: tuple[str, ...] = ("threads", "posts", "links", "thread_users")
MANIFEST = "manifest.jsonl"
#: Version of the tables' columns: raised when a column changes, so a re-run redoes every thread.
TABLES_VERSION = 1

#: S1 plain-text archive names (TomoeMami/S1PlainTextArchive, 2022 and 2023 archives): a part
#: file ``TID-NN[TITLE].md``, the older ``TID[TITLE]-NN.md`` (2022 漫区/98922), a single file
#: ``TID[TITLE].md``, and a thread folder ``TID[TITLE]``.
ARCHIVE_NAME = re.compile(r"^(?P<tid>\d+)(?:-\d+)?\[.*\](?:-\d+)?\.(?:md|txt)$", re.DOTALL)
THREAD_FOLDER = re.compile(r"^\d+\[.*\]$", re.DOTALL)
#: Folders inside a board that hold threads in a state, not a board: the archive moves threads
#: that became unreachable to ``0无法访问`` (2022 and 2023 archives, every board).
STATUS_FOLDERS = frozenset({"0无法访问"})
#: Saved Discuz pages ``thread-TID-PAGE-1.html`` (Discuz's static URL rule): pages of one thread.
DISCUZ_PAGE_NAME = re.compile(r"^thread-(?P<tid>\d+)-\d+-\d+\.html?$")

#: Threads submitted ahead of the finished ones, per worker: enough to keep every worker busy
#: while the client writes, few enough that results waiting in memory stay a handful of threads.
IN_FLIGHT_PER_WORKER = 2
#: Bytes read at a time when hashing (files are read whole only by the worker that parses them).
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ThreadSource:
    """The files of one thread, as discovered."""

    #: board/tid for archive threads, board/relative path otherwise; unique in a run
    key: str
    board: str
    tid: str | None
    files: tuple[str, ...]
    #: a file sits under a status folder (``STATUS_FOLDERS``): the thread became unreachable
    inaccessible: bool = False

    @property
    def id(self) -> str:
        """The thread's part-file name: stable across runs, safe on every file system."""
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class CorpusOptions:
    """What the per-thread analysis runs with; part of the manifest's fingerprint."""

    snownlp: bool = True
    scorers: tuple[str, ...] | None = None
    format: str = "auto"

    def fingerprint(self) -> str:
        """Options and the scorers' names and versions: a thread done otherwise is done again."""
        chosen = choose_scorers(list(self.scorers) if self.scorers else None, snownlp=self.snownlp)
        return json.dumps({"tables": TABLES_VERSION, "format": self.format,
                           "scorers": [f"{s.name}/{s.version}" for s in chosen]}, sort_keys=True)


@dataclass(frozen=True)
class ThreadResult:
    """What a worker sends back: the thread's Arrow tables, or its error."""

    source: ThreadSource
    hash: str
    tables: dict[str, Any] = field(default_factory=dict)
    posts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class CorpusSummary:
    """The outcome of ``run_corpus``; ``read`` loads a table as a DataFrame."""

    out: Path
    threads: int
    analyzed: int
    skipped: int
    failed: int
    posts: int
    seconds: float
    failures: tuple[tuple[str, str], ...] = ()
    #: the corpus report, when asked for
    report: Path | None = None

    def read(self, table: str) -> pd.DataFrame:
        return read_table(self.out, table)

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


#: Called after every thread: (threads done, threads to do, posts analysed so far, seconds).
CorpusProgress = Callable[[int, int, int, float], None]


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # the submodule, used as pyarrow.parquet
    except ImportError:
        raise ThreadscopeError("corpus mode needs pyarrow: pip install 'threadscope[corpus]'") from None
    return pyarrow


# ---------------------------------------------------------------------------------------------
# discovery


def _board(parts: Sequence[str], root_name: str) -> str:
    """The board of a file from the folders above it: the first one that is neither a thread
    folder nor a status folder, else the folder the run started from."""
    names = [p for p in parts if not THREAD_FOLDER.match(p) and p not in STATUS_FOLDERS]
    return names[0] if names else root_name


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .git, .github of the clones
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in FOLDER_SUFFIXES:
                yield Path(folder) / name


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[ThreadSource]:
    """Threads under ``paths`` (folders are walked; hidden folders and files skipped), in key order."""
    groups: dict[str, dict[str, Any]] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            # a thread folder given alone belongs to the board above it
            root_name = root.resolve().parent.name if THREAD_FOLDER.match(root.name) else root.name
            root_name = (root.resolve().parent.parent.name
                         if root.name in STATUS_FOLDERS else root_name)
            files = [(path, path.relative_to(root).parts[:-1]) for path in _walk(root)]
        elif root.exists():
            # a file given alone: its board is the nearest folder above it that is neither a thread
            # folder nor a status folder; the folders between stay in ``parts`` (0无法访问 is seen)
            ups = [p.name for p in root.resolve().parents]
            at = next((i for i, name in enumerate(ups)
                       if not THREAD_FOLDER.match(name) and name not in STATUS_FOLDERS), len(ups))
            root_name = ups[at] if at < len(ups) else ""
            files = [(root, (root_name, *reversed(ups[:at])))]
        else:
            raise InputError(str(given), "no such file or folder")
        for path, parts in files:
            board = _board(parts, root_name) or root_name
            archive = ARCHIVE_NAME.match(path.name)
            page = DISCUZ_PAGE_NAME.match(path.name)
            if archive:
                tid: str | None = archive["tid"]
                key = f"{board}/{tid}"
            elif page:
                tid = page["tid"]
                key = f"{board}/{path.parent.relative_to(root) if root.is_dir() else path.parent.name}/{tid}"
            else:
                tid = None
                key = f"{board}/{path.relative_to(root) if root.is_dir() else path.name}"
            group = groups.setdefault(key, {"board": board, "tid": tid, "files": [], "inaccessible": False})
            group["files"].append(str(path))
            group["inaccessible"] |= any(p in STATUS_FOLDERS for p in parts)
    if not groups:
        raise InputError(", ".join(map(str, paths)) or "(no input)",
                         f"no thread files found ({', '.join(FOLDER_SUFFIXES)})")
    return [ThreadSource(key=key, board=g["board"], tid=g["tid"], inaccessible=g["inaccessible"],
                         files=tuple(sorted(dict.fromkeys(g["files"])))) for key, g in sorted(groups.items())]


def content_hash(source: ThreadSource) -> str:
    """BLAKE2b of the thread's file names (without folders) and bytes, in order."""
    digest = hashlib.blake2b(digest_size=16)
    for file in source.files:
        digest.update(Path(file).name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(file, "rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    digest.update(chunk)
        except OSError as exc:  # the worker reports it properly; the hash just marks it unreadable
            digest.update(f"unreadable: {exc}".encode())
        digest.update(b"\0\0")
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# the per-thread function (both engines)


def _load(source: ThreadSource, data: Sequence[bytes] | None, format: str) -> Thread:
    """``load.load_thread`` over the source's files, from bytes when the client sent them."""
    blobs = data if data is not None else [read_limited(file) for file in source.files]
    parsed = [parse_document(document_from_bytes(file, blob), format)
              for file, blob in zip(source.files, blobs, strict=True)]
    return assemble([page for page, _ in parsed], formats=[name for _, name in parsed])


def analyze_source(source: ThreadSource, digest: str, options: CorpusOptions,
                   data: Sequence[bytes] | None = None) -> ThreadResult:
    """Parse and analyse one thread; its tables as Arrow tables, or the error as text. Never raises
    for a bad thread (a failure is a result), so one thread cannot stop a run."""
    try:
        thread = _load(source, data, options.format)
        analysis = analyze_thread(thread, scorers=list(options.scorers) if options.scorers else None,
                                  snownlp=options.snownlp, keywords=False, workers=1, cache=False)
        frames = thread_frames(source, digest, thread, analysis.posts, analysis.links, analysis.users,
                               debates=len(analysis.measures["debates"]), scorers=analysis.scorers)
        return ThreadResult(source, digest, {name: to_arrow(frame, name) for name, frame in frames.items()},
                            posts=len(thread.posts))
    except ThreadscopeError as exc:
        return ThreadResult(source, digest, error=str(exc))
    except Exception as exc:  # a bug on one thread is recorded, named, and the run goes on
        return ThreadResult(source, digest,
                            error=f"{source.files[0]}: internal error: {type(exc).__name__}: {exc}")


#: ``threads`` columns, in order.
THREAD_COLUMNS: tuple[str, ...] = (
    "forum", "thread", "board", "tid", "title", "floors", "normal_posts", "deleted", "missing_floors",
    "participants", "span_start", "span_end", "mean_sentiment", "stance_posts", "disagree",
    "disagreement_share", "debates", "debate_density", "warnings", "files", "inaccessible", "format",
    "scorers", "key", "hash", "sources",
)


def thread_frames(source: ThreadSource, digest: str, thread: Thread, posts: pd.DataFrame,
                  links: pd.DataFrame, users: pd.DataFrame, *, debates: int,
                  scorers: str = "") -> dict[str, pd.DataFrame]:
    """The per-thread tables: one ``threads`` row, and the analysis frames with a ``board`` column."""
    times = posts["time"].dropna()
    stance = posts["stance"] if "stance" in posts else pd.Series(dtype=object)
    labelled = int(stance.notna().sum())
    disagree = int((stance == "disagree").sum())
    row = {
        "forum": thread.forum, "thread": thread.key, "board": source.board, "tid": thread.tid or source.tid,
        "title": thread.title, "floors": len(thread.posts),
        "normal_posts": int((posts["status"] == "normal").sum()),
        "deleted": int((posts["status"] == "deleted").sum()), "missing_floors": len(thread.missing_floors),
        "participants": int(posts["author"].dropna().nunique()),
        "span_start": times.min() if len(times) else pd.NaT,
        "span_end": times.max() if len(times) else pd.NaT,
        "mean_sentiment": float(posts["sentiment_score"].mean()) if "sentiment_score" in posts else None,
        "stance_posts": labelled, "disagree": disagree,
        "disagreement_share": disagree / labelled if labelled else None,
        # 对线 per 100 floors: a long thread has more pairs by size alone
        "debates": debates, "debate_density": 100 * debates / len(thread.posts),
        "warnings": len(thread.warnings), "files": len(source.files), "inaccessible": source.inaccessible,
        "format": thread.format, "scorers": scorers, "key": source.key, "hash": digest,
        "sources": list(source.files),
    }
    board_at = 2  # after forum, thread

    def with_board(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy(deep=False)  # copy-on-write: the analysis's frame stays as it was
        frame.insert(board_at, "board", source.board)
        return frame

    return {"threads": pd.DataFrame([row], columns=list(THREAD_COLUMNS)), "posts": with_board(posts),
            "links": with_board(links), "thread_users": with_board(users)}


#: Columns whose values are lists (everything else object-typed is text).
LIST_COLUMNS: dict[str, str] = {"quoted_authors": "string", "answered_by": "int64", "sources": "string"}
#: Columns typed explicitly because a thread can hold only nulls in them.
TYPED_COLUMNS: dict[str, str] = {
    "tid": "string", "title": "string", "mean_sentiment": "float64", "disagreement_share": "float64",
    "scorers": "string", "span_start": "timestamp", "span_end": "timestamp",
}


@functools.cache
def _arrow_type(name: str, dtype: Any) -> Any:
    """One Arrow type per column across all threads: times in UTC (threads of different forums
    have different zones), nullable integers as int64, objects as text. Cached per column name
    and dtype: the pandas type checks cost more than converting a small thread's column."""
    pa = _pyarrow()
    if name in LIST_COLUMNS:
        return pa.list_(pa.string() if LIST_COLUMNS[name] == "string" else pa.int64())
    hinted = TYPED_COLUMNS.get(name)
    if hinted == "timestamp" or pd.api.types.is_datetime64_any_dtype(dtype):
        return pa.timestamp("us", tz="UTC")
    if hinted:
        return getattr(pa, hinted)() if hinted != "float64" else pa.float64()
    if pd.api.types.is_bool_dtype(dtype):
        return pa.bool_()
    if pd.api.types.is_integer_dtype(dtype):
        return pa.int64()
    if pd.api.types.is_float_dtype(dtype):
        return pa.float64()
    return pa.string()


def _column(series: pd.Series, kind: Any) -> Any:
    pa = _pyarrow()
    if pa.types.is_timestamp(kind):
        values = pd.to_datetime(series, utc=True)
        return pa.array(values, type=kind, from_pandas=True)
    if pa.types.is_list(kind):
        return pa.array([None if v is None or (isinstance(v, float) and v != v) else list(v) for v in series],
                        type=kind)
    if pa.types.is_string(kind) and series.dtype == object:
        return pa.array([None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)
                         for v in series], type=kind)
    return pa.array(series, type=kind, from_pandas=True)


def to_arrow(frame: pd.DataFrame, table: str = "") -> Any:
    """An Arrow table with the corpus schema for ``frame`` (see ``_arrow_type``)."""
    pa = _pyarrow()
    schema = pa.schema([(name, _arrow_type(name, dtype)) for name, dtype in frame.dtypes.items()])
    try:  # one conversion in Arrow's C++: per-column conversion cost ~0.3 ms × 100 columns a thread
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(None)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects: the column by column way says how
        return pa.table({name: _column(frame[name], schema.field(name).type) for name in frame.columns})


# ---------------------------------------------------------------------------------------------
# the output folder


def read_table(out: str | os.PathLike[str], table: str) -> pd.DataFrame:
    """One table of a corpus output folder as a DataFrame (empty when nothing was written)."""
    _pyarrow()
    folder = Path(out) / table
    if not folder.is_dir() or not any(p.suffix == ".parquet" for p in folder.iterdir()):
        return pd.DataFrame()
    return pd.read_parquet(folder)


class Store:
    """The output folder: per-thread parts written atomically, and the manifest."""

    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            for table in TABLES:
                (out / table).mkdir(parents=True, exist_ok=True)
                for stale in (out / table).glob(".*.tmp"):  # parts cut off by an interruption
                    stale.unlink()
        except OSError as exc:
            raise ThreadscopeError(f"{out}: cannot write the output folder: {exc.strerror or exc}") from None
        self.manifest_path = out / MANIFEST
        self.done: dict[str, dict[str, Any]] = {}
        if self.manifest_path.exists():
            with open(self.manifest_path, encoding="utf-8") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:  # a line cut by a crash: that thread is redone
                        continue
                    self.done[entry["key"]] = entry

    def is_done(self, source: ThreadSource, digest: str, fingerprint: str) -> bool:
        entry = self.done.get(source.key)
        return bool(entry and entry["hash"] == digest and entry["config"] == fingerprint
                    and entry["status"] == "ok")

    def _write(self, table: str, part_id: str, data: Any) -> None:
        pq = _pyarrow().parquet
        final = self.out / table / f"{part_id}.parquet"
        temporary = final.with_name(f".{part_id}.parquet.tmp")
        pq.write_table(data, temporary, compression="zstd")
        os.replace(temporary, final)

    def _remove(self, table: str, part_id: str) -> None:
        (self.out / table / f"{part_id}.parquet").unlink(missing_ok=True)

    def _register(self, entry: dict[str, Any]) -> None:
        with open(self.manifest_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.done[entry["key"]] = entry

    def save(self, result: ThreadResult, fingerprint: str) -> None:
        """Write a thread's parts (``threads`` last), then register it: a crash before the manifest
        line means the thread is redone and its parts overwritten, never duplicated."""
        source = result.source
        try:
            if result.error is None:
                for table in THREAD_TABLES:
                    self._write(table, source.id, result.tables[table])
                self._remove("failures", source.id)
            else:
                pa = _pyarrow()
                for table in THREAD_TABLES:  # rows of an older, readable version are stale now
                    self._remove(table, source.id)
                self._write("failures", source.id, pa.table({
                    "key": [source.key], "board": [source.board], "file": [source.files[0]],
                    "files": [len(source.files)], "error": [result.error]}))
        except OSError as exc:
            raise ThreadscopeError(
                f"{self.out}: cannot write results (disk full?): {exc.strerror or exc}") from None
        self._register({"key": source.key, "id": source.id, "hash": result.hash, "config": fingerprint,
                        "status": "ok" if result.error is None else "failed", "posts": result.posts})

    def write_users(self) -> None:
        """``users``: per (forum, author) across threads, from the ``thread_users`` parts."""
        pa = _pyarrow()
        folder = self.out / "thread_users"
        if not any(p.suffix == ".parquet" for p in folder.iterdir()):
            self._remove("users", "users")
            return
        import pyarrow.dataset as ds

        columns = ["forum", "board", "thread", "author", "posts", "is_op", "first_time", "last_time", "chars",
                   "replies_given", "replies_received", "mean_sentiment", "agree", "disagree"]
        per_thread = ds.dataset(folder, format="parquet").to_table(columns=columns).to_pandas()
        self._write("users", "users", pa.Table.from_pandas(aggregate_users(per_thread), preserve_index=False))


#: ``users`` columns, in order.
CORPUS_USER_COLUMNS: tuple[str, ...] = (
    "forum", "author", "threads", "boards", "posts", "threads_started", "first_time", "last_time", "chars",
    "replies_given", "replies_received", "mean_sentiment", "agree", "disagree",
)


def aggregate_users(per_thread: pd.DataFrame) -> pd.DataFrame:
    """Per-thread user rows summed per (forum, author); ``mean_sentiment`` weighted by posts."""
    frame = per_thread.assign(weighted=per_thread["mean_sentiment"] * per_thread["posts"],
                              scored_posts=per_thread["posts"].where(per_thread["mean_sentiment"].notna(), 0))
    grouped = frame.groupby(["forum", "author"], sort=False)
    table = grouped.agg(threads=("thread", "nunique"), boards=("board", "nunique"), posts=("posts", "sum"),
                        threads_started=("is_op", "sum"), first_time=("first_time", "min"),
                        last_time=("last_time", "max"), chars=("chars", "sum"),
                        replies_given=("replies_given", "sum"), replies_received=("replies_received", "sum"),
                        weighted=("weighted", "sum"), scored_posts=("scored_posts", "sum"),
                        agree=("agree", "sum"), disagree=("disagree", "sum")).reset_index()
    table["mean_sentiment"] = (table["weighted"] / table["scored_posts"]).where(table["scored_posts"] > 0)
    table["threads_started"] = table["threads_started"].astype("int64")
    table = table.sort_values(["posts", "author"], ascending=[False, True]).reset_index(drop=True)
    return table[list(CORPUS_USER_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# engines


Task = tuple[ThreadSource, str]


def _read_bytes(source: ThreadSource) -> list[bytes] | None:
    try:
        return [read_limited(file) for file in source.files]
    except ThreadscopeError:
        return None  # the worker reads the files again and reports the error with the file's name


def _isolated(task: Task, options: CorpusOptions) -> ThreadResult:
    """One thread alone in a fresh worker: if that worker dies, this thread killed it."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(analyze_source, task[0], task[1], options).result()
        except BrokenProcessPool:
            return ThreadResult(task[0], task[1], error=f"{task[0].files[0]}: the worker process died on "
                                "this thread (out of memory or killed)")


def _run_local(tasks: list[Task], options: CorpusOptions, workers: int) -> Iterator[ThreadResult]:
    """A process pool over ``workers`` cores (in this process when ``workers`` is 0). When a
    worker dies the pool breaks and every thread in flight fails with it: those are run again one
    by one in a fresh worker each (so only the thread that kills its worker is recorded as a
    failure), then the rest continue on a new pool."""
    if workers == 0:
        for source, digest in tasks:
            yield analyze_source(source, digest, options)
        return
    pending = list(reversed(tasks))
    while pending:
        suspects: list[Task] = []
        broken = False
        with ProcessPoolExecutor(max_workers=workers) as pool:
            try:
                running: dict[Future[ThreadResult], Task] = {}
                while pending or running:
                    while pending and len(running) < workers * IN_FLIGHT_PER_WORKER and not broken:
                        task = pending.pop()
                        try:
                            running[pool.submit(analyze_source, task[0], task[1], options)] = task
                        except BrokenProcessPool:  # broke before its futures told us: not a suspect
                            pending.append(task)
                            broken = True
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        task = running.pop(future)
                        try:
                            yield future.result()
                        except BrokenProcessPool:
                            suspects.append(task)
                            broken = True
            except BaseException:  # Ctrl-C, or the caller stopped reading: drop queued threads
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        for task in suspects:
            yield _isolated(task, options)


def _run_dask(tasks: list[Task], options: CorpusOptions, workers: int, scheduler: str | None,
              send_bytes: bool, processes: bool) -> Iterator[ThreadResult]:
    """The same per-thread function on dask.distributed: an existing cluster at ``scheduler``,
    else a LocalCluster of ``workers`` single-threaded workers. Results come back to this client,
    which writes them: workers need threadscope installed and, unless ``send_bytes``, the input."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ThreadscopeError(
            "--engine dask needs dask.distributed: pip install 'threadscope[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=processes,
                                   dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise ThreadscopeError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None
    try:
        window = max(workers, len(client.scheduler_info().get("workers", {})), 1) * IN_FLIGHT_PER_WORKER
        queue = iter(tasks)

        def submit(task: Task) -> Any:
            data = _read_bytes(task[0]) if send_bytes else None
            return client.submit(analyze_source, task[0], task[1], options, data, pure=False)

        running: dict[str, Task] = {}
        futures = as_completed()
        for task in itertools.islice(queue, window):
            future = submit(task)
            running[future.key] = task
            futures.add(future)
        for future in futures:
            task = running.pop(future.key)
            try:
                yield future.result()
            except Exception as exc:  # dask gave up on the task (its workers kept dying)
                yield ThreadResult(task[0], task[1], error=f"{task[0].files[0]}: dask worker failed: "
                                   f"{type(exc).__name__}: {exc}")
            future.release()
            for task in itertools.islice(queue, 1):
                future = submit(task)
                running[future.key] = task
                futures.add(future)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


ENGINES = ("local", "dask")


def run_corpus(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
               engine: str = "local", workers: int | None = None, scheduler: str | None = None,
               snownlp: bool = True, scorers: Sequence[str] | None = None, format: str = "auto",
               limit: int | None = None, send_bytes: bool = False, dask_processes: bool = True,
               report: bool = False, progress: CorpusProgress | None = None) -> CorpusSummary:
    """Analyse every thread under ``paths`` into the tables of ``out`` (see the module doc).

    ``workers``: processes (default: every core; 0 runs in this process). ``limit``: the first N
    threads in key order (sampling a year). ``send_bytes``: the Dask client reads the files and
    ships their bytes (workers without the input). Returns counts; ``CorpusSummary.read`` loads
    a table. ``report``: also write ``OUT/corpus-report.html`` (``write_corpus_report``).
    """
    _pyarrow()
    if engine not in ENGINES:
        raise ThreadscopeError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    sources = discover(paths)
    if limit is not None:
        sources = sources[:limit]
    options = CorpusOptions(snownlp=snownlp, scorers=tuple(scorers) if scorers else None, format=format)
    fingerprint = options.fingerprint()
    store = Store(Path(out))
    tasks: list[Task] = []
    skipped = 0
    for source in sources:
        digest = content_hash(source)
        if store.is_done(source, digest, fingerprint):
            skipped += 1
        else:
            tasks.append((source, digest))
    count = workers if workers is not None else (os.cpu_count() or 1)
    results = (_run_local(tasks, options, count) if engine == "local"
               else _run_dask(tasks, options, count, scheduler, send_bytes, dask_processes))
    posts = 0
    failures: list[tuple[str, str]] = []
    for done, result in enumerate(results, start=1):
        store.save(result, fingerprint)
        posts += result.posts
        if result.error is not None:
            failures.append((result.source.files[0], result.error))
        if progress is not None:
            progress(done, len(tasks), posts, time.perf_counter() - started)
    if tasks or not (Path(out) / "users" / "users.parquet").exists():
        store.write_users()
    return CorpusSummary(out=Path(out), threads=len(sources), analyzed=len(tasks) - len(failures),
                         skipped=skipped, failed=len(failures), posts=posts,
                         seconds=time.perf_counter() - started, failures=tuple(failures),
                         report=write_corpus_report(out) if report else None)


#: The corpus report's file name in OUT, and the folder of the per-thread reports it links to.
REPORT_NAME = "corpus-report.html"
THREAD_REPORTS = "reports"
#: The most heated threads that get their own report (a full analysis each, keywords included).
HEATED_REPORTS = 10


def _batches(out: Path, table: str, columns: list[str]) -> Iterator[pd.DataFrame]:
    """A table's columns, a record batch at a time (memory bounded by a batch, not the corpus)."""
    import pyarrow.dataset as ds

    folder = out / table
    if not folder.is_dir() or not any(p.suffix == ".parquet" for p in folder.iterdir()):
        return
    dataset = ds.dataset(folder, format="parquet")
    present = [c for c in columns if c in dataset.schema.names]
    for batch in dataset.to_batches(columns=present):
        yield batch.to_pandas()


def _reduce(parts: list[pd.DataFrame], keys: list[str], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=[*keys, *columns])
    return pd.concat(parts).groupby(keys, as_index=False)[columns].sum()


def reply_pairs(out: Path) -> pd.DataFrame:
    """source_author, target_author, replies: replies between two people, summed over threads."""
    parts = []
    for links in _batches(out, "links", ["source_author", "target_author", "is_reply"]):
        replies = links[links["is_reply"] & (links["source_author"] != links["target_author"])]
        parts.append(replies.groupby(["source_author", "target_author"], as_index=False).size()
                     .rename(columns={"size": "replies"}))
    return _reduce(parts, ["source_author", "target_author"], ["replies"])


def board_activity(out: Path) -> pd.DataFrame:
    """board, day (UTC), posts, sentiment_sum, sentiment_n."""
    parts = []
    for posts in _batches(out, "posts", ["board", "time", "sentiment_score"]):
        score = (posts["sentiment_score"] if "sentiment_score" in posts
                 else pd.Series(float("nan"), index=posts.index))
        frame = pd.DataFrame({"board": posts["board"],
                              "day": pd.to_datetime(posts["time"], utc=True).dt.floor("D"), "posts": 1,
                              "sentiment_sum": score.fillna(0.0), "sentiment_n": score.notna().astype(int)})
        parts.append(frame.dropna(subset=["day"]).groupby(["board", "day"], as_index=False).sum())
    return _reduce(parts, ["board", "day"], ["posts", "sentiment_sum", "sentiment_n"])


def write_corpus_report(out: str | os.PathLike[str], path: str | os.PathLike[str] | None = None, *,
                        thread_reports: int = HEATED_REPORTS) -> Path:
    """Render the corpus report of an output folder (``report.corpus``) to ``path`` (default
    ``OUT/corpus-report.html``), with reports of the ``thread_reports`` most heated threads in
    ``OUT/reports/`` (the default scorers without snownlp; keywords included) linked from it."""
    from threadscope.report import write_report
    from threadscope.report.corpus import CorpusReportData, heated_threads, render_corpus_report

    folder = Path(out)
    target = Path(path) if path is not None else folder / REPORT_NAME
    threads = read_table(folder, "threads")
    links: dict[str, str] = {}
    for row in heated_threads(threads).head(thread_reports).itertuples(index=False):
        source = ThreadSource(key=str(row.key), board=str(row.board), tid=row.tid, files=tuple(row.sources))
        try:
            analysis = analyze_thread(_load(source, None, "auto"), snownlp=False, keywords=True)
        except ThreadscopeError:  # its files changed or went away since the run: no link
            continue
        write_report(analysis, folder / THREAD_REPORTS / f"{source.id}.html")
        links[source.key] = f"{THREAD_REPORTS}/{source.id}.html"
    if not threads.empty:
        threads = threads.assign(report=threads["key"].map(links))
    data = CorpusReportData(threads=threads, users=read_table(folder, "users"), pairs=reply_pairs(folder),
                            activity=board_activity(folder), title=f"Corpus: {folder.name}")
    html = render_corpus_report(data)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_text(html, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        raise ThreadscopeError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
    return target
