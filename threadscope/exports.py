"""Open formats out: analyses as a ConvoKit corpus or as ``posts``/``links``/``users`` tables.

``write_export(analyses, folder, to)`` is the ``threadscope export`` command's one library call.
It only reads ``Analysis`` records (this module sits beside the report, above the analysis).

``convokit``
    A corpus folder in ConvoKit's documented format (https://convokit.cornell.edu/documentation/
    data_format.html; checked against convokit 5.0's reader, ``convokit/model/corpus_helpers.py``):
    ``utterances.jsonl`` (one line per post: ``id, speaker, conversation_id, reply_to, timestamp,
    text, meta, vectors``), ``speakers.json`` and ``conversations.json`` (``{id: {"meta": {…},
    "vectors": []}}``), ``corpus.json`` (the corpus meta) and ``index.json`` (the meta fields'
    Python types, as ConvoKit's ``ConvoKitIndex.to_dict`` writes them). One conversation per thread;
    ``reply_to`` is the post our analysis says each post answers (``Analysis.posts["target"]``).
``parquet`` / ``csv`` / ``jsonl``
    ``posts``, ``links`` and ``users`` (``threadscope.frames``: the frames of every thread,
    concatenated) plus ``tables.json``, the dtype of every column, so that ``read_table`` gives
    back the frames as they were: lists stay lists, times keep their zone, nullable integers stay
    integers.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.errors import OutputError, ThreadscopeError, UnknownChoiceError
from threadscope.output import encodable, write_output

if TYPE_CHECKING:  # imported where used: the CLI reads this module's choices at start-up
    import pandas as pd

    from threadscope.analysis import Analysis

EXPORT_FORMATS: tuple[str, ...] = ("convokit", "parquet", "csv", "jsonl")
#: The tables of a table export, each an ``Analysis`` attribute (``threadscope.frames``).
TABLES: tuple[str, ...] = ("posts", "links", "users")
TABLE_SUFFIXES: dict[str, str] = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
#: The dtype sidecar of a table export (column → dtype, and which object columns hold lists).
SCHEMA_FILE = "tables.json"

#: ConvoKit's file names and the ``version`` we write into ``index.json`` (ConvoKit counts its own
#: dumps from 1; the reader only stores the number).
CONVOKIT_FILES: tuple[str, ...] = (
    "utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json",
)
CONVOKIT_INDEX_VERSION = 1
#: ``speaker`` of a post without an author (a deleted or hidden post whose name the page omits):
#: ConvoKit needs a speaker on every utterance, and every post stays in the corpus.
UNKNOWN_SPEAKER = "[unknown]"
#: Posts columns that are ConvoKit's own fields rather than meta (the author's name stays in meta
#: as ``author``: ``speaker`` is qualified by the forum).
CONVOKIT_TOP_LEVEL: tuple[str, ...] = ("text",)


def _version() -> str:
    """threadscope's version, for the provenance of an export (read from the loaded package: an
    import of ``threadscope`` itself would, to the layer check, import every layer)."""
    return str(getattr(sys.modules.get("threadscope"), "__version__", "unknown"))


class MissingDependencyError(ThreadscopeError):
    """An optional package an export format needs is not installed."""


# ---------------------------------------------------------------------------------------------
# JSON-safe values


def plain(value: Any) -> Any:
    """``value`` as JSON holds it: NA → ``None``, times → ISO 8601 (with offset), numpy scalars
    → Python ones, tuples and arrays → lists."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):  # pd.Timestamp is a datetime
        return value.isoformat()
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return encodable(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    return [{column: plain(value) for column, value in zip(columns, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)]


# ---------------------------------------------------------------------------------------------
# ConvoKit


def utterance_id(forum: str, thread: str, post_id: str) -> str:
    """A post's utterance id, unique across forums and threads (ConvoKit requires corpus-wide
    unique ids, and two exports of different forums can then be merged)."""
    return f"{forum}:{thread}:{post_id}"


def speaker_id(forum: str, author: str | None) -> str:
    """The same name in two forums is two people; in two threads of one forum, one."""
    return f"{forum}:{author if author is not None else UNKNOWN_SPEAKER}"


def _type_name(value: Any) -> str:
    """How ConvoKit's index names a meta value's type (``str(type(value))``)."""
    return str(type(value))


def _index(records: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """ConvoKit's meta index: every key, with the types its non-null values have (``[]`` when
    all are null: ConvoKit's "any")."""
    index: dict[str, list[str]] = {}
    for record in records:
        for key, value in record.items():
            types = index.setdefault(key, [])
            if value is not None and _type_name(value) not in types:
                types.append(_type_name(value))
    return index


def _reply_to(ids: Mapping[int, str], floor: int, target: int | None, root: str | None) -> str | None:
    """Our resolved answer (``posts.target``) as an utterance id. ConvoKit wants one tree per
    conversation (one root, every ``reply_to`` inside it: ``Conversation.check_integrity``), so
    a later post with no target of its own (the starter continuing, a target on a floor the
    files lack, or on a later floor) hangs under the thread's first post, as it does on the forum page;
    ``meta.target`` keeps what the analysis found (empty there)."""
    own = ids[floor]
    if own == root:
        return None
    # only earlier floors: then the chain always ends at the root (no cycle, which ConvoKit's tree
    # walks would not survive, even if an edited post quotes a later one)
    answered = ids.get(target) if target is not None and target < floor else None
    return answered or root


def convokit_corpus(analyses: Sequence[Analysis]) -> dict[str, Any]:
    """The five ConvoKit files as Python data: ``{"utterances": [line, …], "speakers": {…},
    "conversations": {…}, "corpus": {…}, "index": {…}}``."""
    utterances: list[dict[str, Any]] = []
    conversations: dict[str, dict[str, Any]] = {}
    speakers: dict[str, dict[str, Any]] = {}
    for analysis in analyses:
        thread = analysis.thread
        forum, key = thread.forum, thread.key
        ids = {post.floor: utterance_id(forum, key, post.id) for post in thread.posts}
        root = ids[thread.posts[0].floor] if thread.posts else None
        for record in _records(analysis.posts):
            floor, target = record["floor"], record["target"]
            meta = {name: value for name, value in record.items() if name not in CONVOKIT_TOP_LEVEL}
            post = thread.post(floor)
            time = post.time if post is not None else None
            utterances.append({
                "id": ids[floor],
                "speaker": speaker_id(forum, record["author"]),
                "conversation_id": root,
                "reply_to": _reply_to(ids, floor, target, root),
                "timestamp": int(time.timestamp()) if time is not None else None,
                "text": record["text"],
                "meta": meta,
                "vectors": [],
            })
        if root is not None:
            counts = thread.status_counts()
            conversations[root] = {"meta": {
                "forum": forum, "thread": key, "tid": thread.tid, "title": thread.title,
                "format": thread.format, "sources": list(thread.sources), "timezone": thread.zone_label,
                "starter": thread.starter, "n_posts": len(thread.posts),
                "status_counts": {str(status): int(n) for status, n in counts.items()},
                "missing_floors": list(thread.missing_floors), "scorers": analysis.scorers,
            }, "vectors": []}
        for record in _records(analysis.users):
            sid = speaker_id(forum, record["author"])
            entry = speakers.setdefault(sid, {"meta": {"forum": forum, "name": record["author"],
                                                       "threads": {}}, "vectors": []})
            entry["meta"]["threads"][key] = {name: value for name, value in record.items()
                                             if name not in ("forum", "thread", "author")}
    seen: set[str] = set()
    for utterance in utterances:
        if utterance["id"] in seen:  # ConvoKit would keep the last and drop the other silently
            raise ThreadscopeError(f"post {utterance['id']} appears twice: the same thread was given "
                                   "twice; export each thread once")
        seen.add(utterance["id"])
    for utterance in utterances:  # authorless posts, and anyone the users frame left out
        speakers.setdefault(utterance["speaker"], {
            "meta": {"forum": utterance["speaker"].split(":", 1)[0], "name": utterance["meta"]["author"],
                     "threads": {}}, "vectors": []})
    corpus = {
        "name": "threadscope export", "threadscope_version": _version(),
        "threads": [{"forum": a.thread.forum, "thread": a.thread.key, "title": a.thread.title}
                    for a in analyses],
        "reply_to": "the post each post answers, as threadscope resolved it (quote, reply, textual "
                    "pointer, else the thread's first post); meta.target is its floor, empty where "
                    "threadscope found none",
    }
    index = {
        "utterances-index": _index(u["meta"] for u in utterances),
        "speakers-index": _index(s["meta"] for s in speakers.values()),
        "conversations-index": _index(c["meta"] for c in conversations.values()),
        "overall-index": _index([corpus]),
        "version": CONVOKIT_INDEX_VERSION,
        "vectors": [],
    }
    return {"utterances": utterances, "speakers": speakers, "conversations": conversations,
            "corpus": corpus, "index": index}


def write_convokit(analyses: Sequence[Analysis], folder: Path) -> list[Path]:
    """Write the corpus folder (``Corpus(filename=str(folder))`` loads it); returns the files."""
    corpus = convokit_corpus(analyses)

    def dump(data: Any) -> str:
        return json.dumps(data, ensure_ascii=False)

    return [
        write_output(folder / "utterances.jsonl", "".join(dump(u) + "\n" for u in corpus["utterances"])),
        write_output(folder / "speakers.json", dump(corpus["speakers"])),
        write_output(folder / "conversations.json", dump(corpus["conversations"])),
        write_output(folder / "corpus.json", dump(corpus["corpus"])),
        write_output(folder / "index.json", dump(corpus["index"])),
    ]


# ---------------------------------------------------------------------------------------------
# Tables


def table(analyses: Sequence[Analysis], name: str) -> pd.DataFrame:
    """One table (``posts``, ``links`` or ``users``) of every analysis, concatenated."""
    import pandas as pd

    if name not in TABLES:
        raise UnknownChoiceError("table", name, TABLES)
    frames = [getattr(analysis, name) for analysis in analyses]
    return pd.concat(frames, ignore_index=True) if len(frames) != 1 else frames[0].reset_index(drop=True)


def _schema(frame: pd.DataFrame) -> dict[str, str]:
    """column → dtype name; object columns of lists/tuples are ``list``/``tuple``."""
    schema = {}
    for column in frame.columns:
        dtype = str(frame[column].dtype)
        if dtype == "object":
            sample = next((v for v in frame[column] if isinstance(v, (list, tuple))), None)
            dtype = type(sample).__name__ if sample is not None else "object"
        schema[str(column)] = dtype
    return schema


def _parquet() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "the parquet export needs pyarrow: pip install 'threadscope[parquet]' (or pyarrow)") from None


def _flat(frame: pd.DataFrame, schema: Mapping[str, str], *, lists_as_json: bool) -> pd.DataFrame:
    """Times as ISO 8601 text (with their offset); for CSV, lists as JSON arrays."""
    out = frame.copy()
    for column, dtype in schema.items():
        if dtype.startswith("datetime64"):
            out[column] = [plain(v) for v in frame[column]]
        elif dtype in ("list", "tuple") and lists_as_json:
            out[column] = [None if v is None else json.dumps(plain(v), ensure_ascii=False)
                           for v in frame[column]]
    return out


def write_table(frame: pd.DataFrame, path: Path, to: str) -> Path:
    """One table in one format (parquet keeps native types; CSV and JSON Lines write times as
    ISO 8601 and CSV writes lists as JSON arrays)."""
    schema = _schema(frame)
    if to == "parquet":
        _parquet()
        import io

        buffer = io.BytesIO()
        out = frame.copy()
        for column, dtype in schema.items():  # tuples → lists: pyarrow writes both as list<…>
            if dtype in ("list", "tuple"):
                out[column] = [None if v is None else list(v) for v in frame[column]]
        out.to_parquet(buffer, index=False)
        return write_output(path, buffer.getvalue())
    if to == "csv":
        text = _flat(frame, schema, lists_as_json=True).to_csv(index=False, lineterminator="\n")
        return write_output(path, text)
    if to == "jsonl":
        lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in _records(frame))
        return write_output(path, lines)
    raise UnknownChoiceError("table format", to, tuple(TABLE_SUFFIXES))


def write_tables(analyses: Sequence[Analysis], folder: Path, to: str) -> list[Path]:
    """``posts``, ``links`` and ``users`` in ``to``'s format, and ``tables.json``."""
    if to == "parquet":
        _parquet()
    written, schemas = [], {}
    for name in TABLES:
        frame = table(analyses, name)
        schemas[name] = _schema(frame)
        written.append(write_table(frame, folder / f"{name}{TABLE_SUFFIXES[to]}", to))
    written.append(write_output(folder / SCHEMA_FILE, json.dumps(
        {"format": to, "threadscope_version": _version(), "tables": schemas},
        ensure_ascii=False, indent=1)))
    return written


def read_table(folder: str | PathLike[str], name: str) -> pd.DataFrame:
    """A table of a table export, with the dtypes it was written with (``tables.json``)."""
    import pandas as pd

    base = Path(folder)
    try:
        meta = json.loads((base / SCHEMA_FILE).read_text(encoding="utf-8"))
        to, schema = meta["format"], meta["tables"][name]
    except (OSError, ValueError, KeyError) as exc:
        raise ThreadscopeError(f"{base / SCHEMA_FILE}: not a threadscope table export ({exc})") from None
    path = base / f"{name}{TABLE_SUFFIXES[to]}"
    try:
        if to == "parquet":
            _parquet()
            frame = pd.read_parquet(path)
        elif to == "csv":
            text_columns = {c: "object" for c, d in schema.items()
                            if d in ("object", "list", "tuple") or d.startswith("datetime64")}
            # only an empty field is missing: "NA" or "null" may be someone's post
            frame = pd.read_csv(path, dtype=text_columns, keep_default_na=False,
                                na_values={c: [""] for c in schema})
        else:
            frame = pd.read_json(path, lines=True, dtype=False, precise_float=True)
    except (OSError, ValueError) as exc:
        raise ThreadscopeError(f"{path}: cannot read: {exc}") from None
    for column, dtype in schema.items():
        values = frame[column]
        if dtype in ("list", "tuple"):
            container = tuple if dtype == "tuple" else list
            frame[column] = [
                None if v is None or (isinstance(v, float) and math.isnan(v))
                else container(json.loads(v) if isinstance(v, str) else list(v)) for v in values]
        elif dtype == "object":
            frame[column] = values.astype(object).where(values.notna(), None)
        elif dtype.startswith("datetime64") and "," in dtype:
            zone = dtype.split(",", 1)[1].strip(" ]")
            times = pd.to_datetime(values, utc=True, format="ISO8601")
            frame[column] = times.dt.tz_convert(zone).astype(dtype)
        else:
            frame[column] = values.astype(dtype)
    return frame[list(schema)]


# ---------------------------------------------------------------------------------------------


def write_export(analyses: Analysis | Sequence[Analysis], folder: str | PathLike[str], to: str) -> list[Path]:
    """Export analyses into ``folder`` as ``to`` (``EXPORT_FORMATS``); returns the files written."""
    from threadscope.analysis import Analysis

    if to not in EXPORT_FORMATS:
        raise UnknownChoiceError("export format", to, EXPORT_FORMATS)
    chosen = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    if to == "convokit":
        return write_convokit(chosen, target)
    return write_tables(chosen, target, to)
