"""A table of posts (CSV/TSV or JSON Lines) → ``Page``. The schema is docs/table-import.md:

==========  ========  ==========================================================================
column      needed    meaning
==========  ========  ==========================================================================
id          yes       the post's id, unique in the file (becomes ``Post.id``/``pid``)
author      yes       display name (empty: unknown author)
time        yes       ISO 8601 (with an offset or ``Z``; without one it is read as UTC) or unix
                      seconds (values of 10^11 and more are read as milliseconds); may be empty
text        yes       the post's text, as is
reply_to    no        the ``id`` of the row this post answers → ``Post.parent`` (a link of
                      confidence 1.0 in ``threadscope.links``)
title       no        the thread's title: the first non-empty value
thread      no        the thread's id; a file whose rows name several threads is refused
==========  ========  ==========================================================================

Floors are row order (the first data row is floor 1): the table's author decided the order, and
sorting by time would silently reorder posts whose clocks disagree. Column names are matched
case-insensitively after trimming; other columns go into ``Post.meta`` as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from threadscope.adapters.base import MAX_FLOOR, Document, Page
from threadscope.errors import InputError
from threadscope.model import ParseWarning, Post

#: The columns every table needs, in the order error messages list them.
REQUIRED_COLUMNS = ("id", "author", "time", "text")
OPTIONAL_COLUMNS = ("reply_to", "title", "thread")
#: A header is a posts table when it names ``id`` and at least this many of author/time/text:
#: enough for a table missing one column to reach the parser and be told which one (instead of
#: "not a forum thread"), too many for a JSON object that merely has an ``id``.
SNIFF_MIN_NAMED = 2
#: Delimiters tried on the header line, in this order (CSV, TSV, the ";" of spreadsheet locales
#: that write decimal commas).
DELIMITERS = (",", "\t", ";")
#: Unix times at or above this are milliseconds: 10^11 seconds is the year 5138.
MILLISECONDS_FROM = 10 ** 11
UNIX_TIME_RE = re.compile(r"^[+]?\d{1,16}(?:\.\d+)?$")
#: Keys that mark a line of ``threadscope parse -o`` output (``Post.to_dict``): not a table, since its
#: ``reply_to`` is a floor number (tests/test_plugins.py reads it back through a plugin adapter).
PARSE_OUTPUT_KEYS = frozenset({"floor", "id", "parent", "is_op", "status", "quotes"})
#: How many thread values a "several threads" error lists.
THREADS_LISTED = 10
#: Per-row problems listed one by one before they are summed up.
WARNINGS_LISTED = 20


class TableError(InputError):
    """A table that cannot be read as one thread (missing column, duplicate id, several threads)."""


def _norm(name: object) -> str:
    return str(name).strip().lstrip("\ufeff").strip().lower()


def _first_line(text: str) -> str:
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return line
    return ""


def _csv_header(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, column names) of the first delimiter that makes ``line`` a posts header."""
    for delimiter in DELIMITERS:
        if delimiter not in line:
            continue
        try:
            names = [_norm(name) for name in next(csv.reader([line], delimiter=delimiter))]
        except (csv.Error, StopIteration):
            continue
        if _looks_like_posts(names):
            return delimiter, names
    return None


def _looks_like_posts(names: Sequence[str]) -> bool:
    named = set(names)
    return "id" in named and len(named & set(REQUIRED_COLUMNS[1:])) >= SNIFF_MIN_NAMED


def _jsonl_keys(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        first = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return [_norm(key) for key in first] if isinstance(first, dict) else None


class TableAdapter:
    """CSV/TSV or JSON Lines with ``id, author, time, text`` (and ``reply_to, title, thread``)."""

    name = "table"
    description = ("table of posts: CSV/TSV or JSON Lines with columns id, author, time, text "
                   "[, reply_to, title, thread] (docs/table-import.md)")

    def sniff(self, doc: Document) -> bool:
        line = _first_line(doc.text[:65536])
        keys = _jsonl_keys(line)
        if keys is not None:
            # `threadscope parse -o` output is no table (its reply_to is a floor): left to a plugin
            return _looks_like_posts(keys) and not set(keys) >= PARSE_OUTPUT_KEYS
        return _csv_header(line) is not None

    def parse(self, doc: Document) -> Page:
        line = _first_line(doc.text[:65536])
        keys = _jsonl_keys(line)
        if keys is not None and set(keys) >= PARSE_OUTPUT_KEYS:
            raise TableError(doc.path, "this is `threadscope parse -o` output, not a posts table (its "
                             "reply_to is a floor number); see docs/table-import.md")
        rows = _jsonl_rows(doc) if keys is not None else _csv_rows(doc)
        return _page(doc, rows)


def _csv_rows(doc: Document) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV/TSV file, with the header's names normalized."""
    header = _csv_header(_first_line(doc.text))
    if header is None:
        raise TableError(doc.path, "the first line is not a posts header (columns id, author, time, text)")
    delimiter, names = header
    _check_columns(doc, names)
    reader = csv.reader(io.StringIO(doc.text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        next(reader)  # the header
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank line
            if len(values) > len(names):
                raise TableError(doc.path, f"line {reader.line_num}: {len(values)} fields but the header "
                                 f"names {len(names)} columns (a delimiter inside an unquoted field?)")
            yield reader.line_num, dict(zip(names, values, strict=False))
    except csv.Error as exc:
        raise TableError(doc.path, f"line {reader.line_num}: not valid CSV ({exc})") from None


def _jsonl_rows(doc: Document) -> Iterator[tuple[int, dict[str, str]]]:
    checked = False
    for number, line in enumerate(doc.text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise TableError(doc.path, f"line {number}: not a JSON object ({exc})") from None
        if not isinstance(record, dict):
            raise TableError(doc.path, f"line {number}: a JSON {type(record).__name__}, not an object")
        row = {_norm(key): _cell(value) for key, value in record.items()}
        if not checked:
            _check_columns(doc, list(row))
            checked = True
        missing = [name for name in REQUIRED_COLUMNS if name not in row]
        if missing:
            raise TableError(doc.path, f"line {number}: missing key {_names(missing)}")
        yield number, row


def _cell(value: Any) -> str:
    """A JSON value as table text: null → "", numbers and booleans as written, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _names(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _check_columns(doc: Document, names: Sequence[str]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise TableError(doc.path, f"missing {noun} {_names(missing)} (the header has: "
                         f"{', '.join(n for n in names if n) or 'nothing'}; a posts table needs "
                         f"{', '.join(REQUIRED_COLUMNS)})")


def parse_table_time(value: str) -> datetime | None:
    """ISO 8601 (naive = UTC) or unix seconds (≥ 10^11: milliseconds) → aware datetime; ``None``
    for empty text; ``ValueError`` for anything else."""
    text = value.strip()
    if not text:
        return None
    if UNIX_TIME_RE.match(text):
        number = float(text)
        if number >= MILLISECONDS_FROM:
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError("a unix time out of range") from None
    parsed = datetime.fromisoformat(text.replace(" UTC", "Z") if text.endswith(" UTC") else text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _page(doc: Document, rows: Iterator[tuple[int, dict[str, str]]]) -> Page:
    posts: list[Post] = []
    warnings: list[ParseWarning] = []
    problems: list[str] = []
    line_of: dict[str, int] = {}
    threads: dict[str, int] = {}
    title: str | None = None
    for line, row in rows:
        floor = len(posts) + 1
        if floor > MAX_FLOOR:
            raise TableError(doc.path, f"more than {MAX_FLOOR:,} rows; split the table")
        post_id = row.get("id", "").strip()
        if not post_id:
            raise TableError(doc.path, f"line {line}: empty id (every row needs one)")
        if post_id in line_of:
            raise TableError(doc.path, f"line {line}: id {post_id!r} again (first on line "
                             f"{line_of[post_id]}); ids must be unique")
        line_of[post_id] = line
        thread = row.get("thread", "").strip()
        threads[thread] = threads.get(thread, 0) + 1
        if title is None and row.get("title", "").strip():
            title = " ".join(row["title"].split())
        try:
            time = parse_table_time(row.get("time", ""))
        except ValueError:
            time = None
            problems.append(f"line {line} (id {post_id}): time {row['time'][:40]!r} is neither ISO 8601 nor "
                            "unix seconds; time left empty")
        parent = row.get("reply_to", "").strip() or None
        if parent == post_id:
            problems.append(f"line {line} (id {post_id}): reply_to names the row itself; ignored")
            parent = None
        meta = {key: value for key, value in row.items()
                if key and key not in REQUIRED_COLUMNS and key not in OPTIONAL_COLUMNS and value != ""}
        author = row.get("author", "").strip() or None
        posts.append(Post(floor=floor, pid=post_id, parent=parent, author=author, time=time,
                          text=row.get("text", ""), meta=meta))
    if not posts:
        raise TableError(doc.path, "the table has a header but no rows")
    if len(threads) > 1:
        shown = ", ".join(f"{name or '(empty)'!r} ({count} rows)"
                          for name, count in list(threads.items())[:THREADS_LISTED])
        more = f" and {len(threads) - THREADS_LISTED} more" if len(threads) > THREADS_LISTED else ""
        raise TableError(doc.path, f"rows of {len(threads)} threads ({shown}{more}); one file is one thread: "
                         "split the table by its thread column")
    for message in problems[:WARNINGS_LISTED]:
        warnings.append(ParseWarning("table_row", message, doc.path))
    if len(problems) > WARNINGS_LISTED:
        warnings.append(ParseWarning("table_row", f"{len(problems) - WARNINGS_LISTED} more row problems "
                                     "like the above", doc.path))
    unknown = sorted({p.parent for p in posts if p.parent is not None} - set(line_of))
    if unknown:
        warnings.append(ParseWarning("reply_to_missing", f"{len(unknown)} reply_to ids name no row of this "
                                     f"table (e.g. {unknown[0]!r}); those posts answer a post not here",
                                     doc.path))
    starter = posts[0].author
    posts = [post.with_changes(is_op=post.floor == 1 or (starter is not None and post.author == starter))
             for post in posts]
    tid = next(iter(threads)) or None
    return Page(source=doc.path, posts=tuple(posts), forum="table", tid=tid, title=title,
                starter=starter, warnings=tuple(warnings))


def rows_to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text of ``rows`` in ``columns`` order (fixture generators and docs use it)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row.get(key) for key in columns})
    return out.getvalue()
