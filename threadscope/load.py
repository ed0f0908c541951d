"""Read files, decode them, pick an adapter, and merge the pages of one thread into a ``Thread``.

Every input byte goes through ``read_document`` (one place for encodings and bad input), every
page through ``assemble`` (one place for merging, OP detection and floor accounting), so no
adapter has to repeat either.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path

from threadscope.adapters import Adapter, Document, Page, adapters, get_adapter
from threadscope.adapters.base import MAX_FLOOR
from threadscope.errors import (
    BinaryInputError,
    EmptyInputError,
    FormatMismatchError,
    InputError,
    MixedThreadsError,
    NotAThreadError,
)
from threadscope.model import DEFAULT_TIMEZONE, ParseWarning, Post, Thread

PathArg = str | PathLike[str]

#: File endings read when a folder is given (a split text-archive thread, a folder of saved pages).
FOLDER_SUFFIXES = (".md", ".txt", ".html", ".htm", ".json", ".xml")

#: How much of the head is searched for a declared charset: Discuz puts <meta> in the first
#: ~600 bytes (csolbbs pages); 4 KiB leaves room for a "saved from" comment and scripts.
CHARSET_SNIFF_BYTES = 4096
DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["']|charset\s*=\s*')([-\w]+)""",
    re.IGNORECASE,
)
#: GBK/GB2312 pages are decoded as GB18030, their superset (discuz-structure.md §0).
GB_FAMILY = {"gbk", "gb2312", "gb18030", "gb_2312-80", "x-gbk", "cp936"}

#: Share of control characters (other than tab/newline/CR) above which decoded text is binary.
#: Real fixtures have none but one 2023 archive thread carries 4 NUL bytes in one post (of
#: 43 KB); a PNG or a zip decoded as GB18030 has well over 5%. Fewer are dropped with a warning.
MAX_CONTROL_SHARE = 0.02
#: How much of the head the binary test looks at (a zip's or PNG's header region is all there).
BINARY_SNIFF_CHARS = 65536
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: "Save as Unicode" on Windows writes UTF-16 with a byte-order mark.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: A UTF-8 character is at most 4 bytes: a file cut inside one fails only in its last 3 bytes.
UTF8_MAX_CUT = 3

#: ``Thread.missing_floors`` stays a tuple of ints (the model's type) but lists at most this many;
#: the ``missing_floors`` warning names every run and ``missing_floors_capped`` says it was cut.
#: 10,000 is 3x the largest real thread in the fixtures (1336720: 3,011 floors).
MAX_MISSING_LISTED = 10_000
#: Runs shown in the ``missing_floors`` warning before "… (N more runs)".
MAX_RANGES_SHOWN = 50

#: Largest input file read: the largest real file is a 4.2 MB text-archive part (1336720-02);
#: parsing costs ~36x the file in memory (issue 12: a 50 MB post needs 1.8 GB), so 100 MiB is
#: already several GB of work. Larger files are refused, never read whole.
MAX_INPUT_BYTES = 100 * 1024 * 1024


def _declared_charset(data: bytes) -> str | None:
    match = DECLARED_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def _strip_controls(text: str, path: str) -> tuple[str, list[ParseWarning]]:
    """Text with stray control characters dropped (with a warning); binary data refused."""
    head = text[:BINARY_SNIFF_CHARS]
    if text and len(CONTROL_CHARS.findall(head)) > MAX_CONTROL_SHARE * len(head):
        raise BinaryInputError(path, f"binary file (over {MAX_CONTROL_SHARE:.0%} control characters), "
                                     "not a saved forum thread")
    count = len(CONTROL_CHARS.findall(text))
    if not count:
        return text, []
    return CONTROL_CHARS.sub("", text), [ParseWarning(
        "control_characters", f"dropped {count} stray control character(s) (NUL and the like)", path)]


def _decode_utf8_cut(data: bytes, path: str) -> tuple[str, list[ParseWarning]] | None:
    """UTF-8 text whose last character is cut off (an interrupted save), else ``None``."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data" or exc.start < len(data) - UTF8_MAX_CUT:
            return None
        return data[: exc.start].decode("utf-8"), [ParseWarning(
            "cut_character", f"the file ends inside a UTF-8 character ({len(data) - exc.start} byte(s) "
            "dropped): it was cut off; the last floor may be incomplete", path)]


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data`` and return (text, encoding). Order: BOM, declared charset, UTF-8, GB18030."""
    text, encoding, _ = decode_with_warnings(data, path)
    return text, encoding


def decode_with_warnings(data: bytes, path: str) -> tuple[str, str, list[ParseWarning]]:
    """``decode`` plus the warnings about what decoding dropped (control bytes, a cut character).

    Binary is judged by the share of control characters after decoding, not by any NUL byte.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, warnings = _strip_controls(data[3:].decode("utf-8", errors="replace"), path)
        return text, "utf-8-sig", warnings
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
            extra: list[ParseWarning] = []
        except UnicodeDecodeError:
            text = data[: len(data) // 2 * 2].decode("utf-16", errors="replace")
            extra = [ParseWarning("bad_bytes", "the UTF-16 text has undecodable bytes (replaced by �)",
                                  path)]
        text, warnings = _strip_controls(text, path)
        return text, "utf-16", extra + warnings
    declared = _declared_charset(data)
    candidates: list[str] = []
    if declared in GB_FAMILY:
        candidates.append("gb18030")
    elif declared:
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        if encoding in ("utf-8", "utf8"):
            decoded = _decode_utf8_cut(data, path)
            if decoded is None:
                continue
            text, cut = decoded
        else:
            try:
                text, cut = data.decode(encoding), []
            except (UnicodeDecodeError, LookupError):
                continue
        text, warnings = _strip_controls(text, path)
        return text, encoding, cut + warnings
    raise BinaryInputError(path, "binary file (not decodable as UTF-8 or GB18030 text)")


def read_limited(path: PathArg, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default ``MAX_INPUT_BYTES``);
    an ``InputError`` naming it otherwise.

    Devices (``/dev/zero``), FIFOs and sockets are refused before opening (a FIFO would block
    forever), and at most ``limit`` + 1 bytes are read, so a file growing meanwhile cannot
    exhaust memory either.
    """
    name = str(path)
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(name, "is a folder; give its files or the folder alone")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(name, "not a regular file (a device, FIFO or socket); give a saved file")
        if info.st_size > limit:
            raise InputError(name, f"too large ({info.st_size:,} bytes; the limit is {limit:,})")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder; give its files or the folder alone") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(name, f"too large (over {limit:,} bytes)")
    return data


def read_document(path: PathArg) -> Document:
    """Read and decode one file; ``InputError`` subclasses name the file on failure."""
    return document_from_bytes(str(path), read_limited(path))


def document_from_bytes(name: str, data: bytes) -> Document:
    """A decoded ``Document`` from bytes already read (``read_document`` without the file; corpus
    mode sends a thread's bytes to workers that cannot see the files)."""
    if not data.strip():
        raise EmptyInputError(name, "empty file")
    text, encoding, warnings = decode_with_warnings(data, name)
    if not text.strip():
        raise EmptyInputError(name, "empty file")
    return Document(path=name, data=data, text=text, encoding=encoding, warnings=tuple(warnings))


def expand_paths(paths: Iterable[PathArg]) -> list[str]:
    """Files named, with folders replaced by their thread files (sorted by name)."""
    files: list[str] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            inside = sorted(
                p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES
            )
            if not inside:
                raise InputError(str(path), f"folder holds no thread files ({', '.join(FOLDER_SUFFIXES)})")
            files += [str(p) for p in inside]
        else:
            files.append(str(path))
    if not files:
        raise InputError("(no input)", "no files given")
    return files


def pick_adapter(doc: Document, format: str = "auto") -> Adapter:
    """The adapter for ``doc``: the forced one (checked by its sniff) or the first that sniffs it."""
    if format != "auto":
        adapter = get_adapter(format)
        if not adapter.sniff(doc):
            raise FormatMismatchError(
                doc.path, f"does not look like --format {format} ({adapter.description}); try --format auto"
            )
        return adapter
    for adapter in adapters():
        if adapter.sniff(doc):
            return adapter
    raise NotAThreadError(doc.path, "no posts found: not a forum thread (no known format matched)")


def parse_document(doc: Document, format: str = "auto") -> tuple[Page, str]:
    """Parse one document into a ``Page``; returns it with the adapter's name."""
    adapter = pick_adapter(doc, format)
    try:
        page = adapter.parse(doc)
    except RecursionError:  # nesting deeper than any parser's stack (JSON, markup)
        raise InputError(doc.path, f"nested too deeply to read ({adapter.name} format)") from None
    if not page.posts:
        raise NotAThreadError(doc.path, f"no posts found: not a forum thread ({adapter.name} format)")
    deep = [post.floor for post in page.posts if post.meta.get("markup_too_deep")]
    if doc.warnings or deep:
        page = replace(page, warnings=(*doc.warnings, *page.warnings, *(ParseWarning(
            "too_deep", "the post's markup nests deeper than the HTML parser reads; its text is the "
            "tag-stripped markup (quotes, links and images not told apart)", doc.path, floor)
            for floor in deep)))
    return page, adapter.name


def load_thread(paths: PathArg | Sequence[PathArg], *, format: str = "auto") -> Thread:
    """Parse one thread from files (pages, parts, or a folder of them) of any supported format."""
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    parsed = [parse_document(read_document(path), format) for path in expand_paths(paths)]
    return assemble([page for page, _ in parsed], formats=[name for _, name in parsed])


def load(path_or_paths: PathArg | Sequence[PathArg], *, format: str | None = None) -> Thread:
    """One thread from files of any supported format (``format`` None: detected per file);
    ``threadscope.load``."""
    return load_thread(path_or_paths, format=format or "auto")


def load_threads(paths: PathArg | Sequence[PathArg], *, format: str | None = None) -> list[Thread]:
    """Several threads from their files, in the order first seen: pages that name a thread
    (forum and tid) are grouped by it; a file that names none is a thread of its own."""
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    groups: dict[tuple[str, str], list[tuple[Page, str]]] = {}
    for path in expand_paths(paths):
        page, name = parse_document(read_document(path), format or "auto")
        key = (page.forum, page.tid) if page.tid is not None else ("", page.source)
        groups.setdefault(key, []).append((page, name))
    return [assemble([page for page, _ in group], formats=[name for _, name in group])
            for group in groups.values()]


def _ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted distinct ``numbers`` as inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _missing_runs(present: Sequence[int], expected: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of floors in 1..max(present) or in an expected run that no page holds.

    Computed on runs, never on a set of every floor, so a floor label of 9,999,999 costs as
    much as one of 10.
    """
    wanted = sorted([(1, max(present)), *expected])
    merged: list[tuple[int, int]] = []
    for first, last in wanted:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    have = _ranges(present)
    missing: list[tuple[int, int]] = []
    index = 0
    for first, last in merged:
        cursor = first
        while index < len(have) and have[index][1] < cursor:
            index += 1
        probe = index
        while probe < len(have) and have[probe][0] <= last:
            if have[probe][0] > cursor:
                missing.append((cursor, have[probe][0] - 1))
            cursor = max(cursor, have[probe][1] + 1)
            probe += 1
        if cursor <= last:
            missing.append((cursor, last))
    return missing


def _format_ranges(runs: Sequence[tuple[int, int]], limit: int = MAX_RANGES_SHOWN) -> str:
    shown = [f"{first}" if first == last else f"{first}-{last}" for first, last in runs[:limit]]
    if len(runs) > limit:
        shown.append(f"… ({len(runs) - limit} more runs)")
    return ", ".join(shown)


def _check_one_thread(pages: Sequence[Page]) -> None:
    tids = {page.tid for page in pages if page.tid is not None}
    if len(tids) > 1:
        listing = "; ".join(f"{page.source} is tid {page.tid}" for page in pages if page.tid is not None)
        raise MixedThreadsError(f"files belong to different threads ({listing}); give one thread's files")


def assemble(pages: Sequence[Page], *, formats: Sequence[str] = ()) -> Thread:
    """Merge pages of one thread: last copy of a floor wins, OP flags settled, gaps reported."""
    if not pages:
        raise InputError("(no input)", "no pages to assemble")
    _check_one_thread(pages)
    ordered = sorted(pages, key=lambda page: (page.order is None, page.order or 0))
    warnings: list[ParseWarning] = [w for page in ordered for w in page.warnings]

    by_floor: dict[int, Post] = {}
    source_of: dict[int, str] = {}
    pid_floor: dict[str, int] = {}
    for page in ordered:
        for post in page.posts:
            if not 1 <= post.floor <= MAX_FLOOR:
                warnings.append(ParseWarning(
                    "floor_out_of_range", f"a post (pid {post.pid}, author {post.author!r}) has floor "
                    f"{post.floor}, outside 1-{MAX_FLOOR:,}; not read as a floor", page.source))
                continue
            if post.floor in by_floor and source_of[post.floor] != page.source:
                warnings.append(ParseWarning(
                    "duplicate_floor", f"also in {source_of[post.floor]}; kept this later copy",
                    page.source, post.floor))
            elif post.floor in by_floor:
                # two posts under one floor label in one file (a damaged or forged page): the
                # later one is kept and the earlier one named, never dropped unseen
                earlier = by_floor[post.floor]
                warnings.append(ParseWarning(
                    "duplicate_floor", f"two posts carry this floor number in one file (pid "
                    f"{earlier.pid}, author {earlier.author!r} and pid {post.pid}, author "
                    f"{post.author!r}); kept the later one", page.source, post.floor))
            if post.pid is not None and pid_floor.setdefault(post.pid, post.floor) != post.floor:
                warnings.append(ParseWarning(
                    "pid_conflict", f"pid {post.pid} is floor {pid_floor[post.pid]} elsewhere",
                    page.source, post.floor))
            by_floor[post.floor] = post
            source_of[post.floor] = page.source
    if not by_floor:
        raise NotAThreadError(ordered[0].source, "no posts found: every floor number is out of range")
    posts = [by_floor[floor] for floor in sorted(by_floor)]

    def first(attr: str) -> object:
        return next((getattr(page, attr) for page in ordered if getattr(page, attr) is not None), None)

    starter, starter_uid = first("starter"), first("starter_uid")
    if posts[0].floor == 1 and posts[0].status == "normal":
        starter = starter or posts[0].author
        starter_uid = starter_uid or posts[0].uid
    posts = [_settle_op(post, starter, starter_uid) for post in posts]  # type: ignore[arg-type]

    present = sorted(by_floor)
    expected = _ranges(floor for page in ordered for floor in page.expected_floors)
    runs = _missing_runs(present, expected)
    count = sum(high - low + 1 for low, high in runs)
    missing: list[int] = []
    for low, high in runs:
        missing += range(low, min(high, low + MAX_MISSING_LISTED - len(missing) - 1) + 1)
        if len(missing) >= MAX_MISSING_LISTED:
            break
    if runs:
        warnings.append(ParseWarning(
            "missing_floors", f"{count} floor(s) not in these files: {_format_ranges(runs)}"))
    if count > len(missing):
        warnings.append(ParseWarning(
            "missing_floors_capped", f"Thread.missing_floors lists the first {len(missing):,} of the "
            f"{count:,} missing floors (the missing_floors warning gives every run)"))
    total = max((page.total_floors for page in ordered if page.total_floors), default=None)
    if total is not None and total > present[-1]:
        warnings.append(ParseWarning(
            "partial_thread",
            f"the forum counts {total} floors; floors {present[-1] + 1}-{total} are on pages not given",
        ))
    return Thread(
        forum=str(first("forum") or "unknown"),
        tid=first("tid"),  # type: ignore[arg-type]
        title=first("title"),  # type: ignore[arg-type]
        sources=tuple(dict.fromkeys(page.source for page in pages)),
        posts=tuple(posts),
        starter=starter,  # type: ignore[arg-type]
        starter_uid=starter_uid,  # type: ignore[arg-type]
        warnings=tuple(warnings),
        missing_floors=tuple(missing),
        format="+".join(dict.fromkeys(formats)),
        timezone=str(first("timezone") or DEFAULT_TIMEZONE),
    )


def _settle_op(post: Post, starter: str | None, starter_uid: str | None) -> Post:
    if post.status == "deleted":
        return post
    if starter_uid is not None and post.uid is not None:
        is_op = post.uid == starter_uid
    else:
        is_op = post.is_op or (starter is not None and post.author == starter)
    is_op = is_op or post.floor == 1
    return post if is_op == post.is_op else replace(post, is_op=is_op)
