"""Read files, decode them, pick an adapter, and merge the pages of one thread into a ``Thread``.

Every input byte goes through ``read_document`` (one place for encodings and bad input), every
page through ``assemble`` (one place for merging, OP detection and floor accounting), so no
adapter has to repeat either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path

from threadscope.adapters import Adapter, Document, Page, adapters, get_adapter
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
#: Real fixtures have none; a PNG or a zip decoded as GB18030 has well over 5%.
MAX_CONTROL_SHARE = 0.02
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _declared_charset(data: bytes) -> str | None:
    match = DECLARED_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data`` and return (text, encoding). Order: BOM, declared charset, UTF-8, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if b"\x00" in data[:CHARSET_SNIFF_BYTES]:
        raise BinaryInputError(path, "binary file (NUL bytes), not a saved forum thread")
    declared = _declared_charset(data)
    candidates: list[str] = []
    if declared in GB_FAMILY:
        candidates.append("gb18030")
    elif declared:
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if text and len(CONTROL_CHARS.findall(text[:65536])) > MAX_CONTROL_SHARE * min(len(text), 65536):
            break
        return text, encoding
    raise BinaryInputError(path, "binary file (not decodable as UTF-8 or GB18030 text)")


def read_document(path: PathArg) -> Document:
    """Read and decode one file; ``InputError`` subclasses name the file on failure."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder; give its files or the folder alone") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise EmptyInputError(name, "empty file")
    text, encoding = decode(data, name)
    return Document(path=name, data=data, text=text, encoding=encoding)


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
    page = adapter.parse(doc)
    if not page.posts:
        raise NotAThreadError(doc.path, f"no posts found: not a forum thread ({adapter.name} format)")
    return page, adapter.name


def load_thread(paths: PathArg | Sequence[PathArg], *, format: str = "auto") -> Thread:
    """Parse one thread from files (pages, parts, or a folder of them) of any supported format."""
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    parsed = [parse_document(read_document(path), format) for path in expand_paths(paths)]
    return assemble([page for page, _ in parsed], formats=[name for _, name in parsed])


def _format_ranges(numbers: Sequence[int]) -> str:
    ranges: list[str] = []
    start = prev = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        ranges.append(f"{start}" if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    return ", ".join(ranges)


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
            if post.floor in by_floor and source_of[post.floor] != page.source:
                warnings.append(ParseWarning(
                    "duplicate_floor", f"also in {source_of[post.floor]}; kept this later copy",
                    page.source, post.floor))
            if post.pid is not None and pid_floor.setdefault(post.pid, post.floor) != post.floor:
                warnings.append(ParseWarning(
                    "pid_conflict", f"pid {post.pid} is floor {pid_floor[post.pid]} elsewhere",
                    page.source, post.floor))
            by_floor[post.floor] = post
            source_of[post.floor] = page.source
    posts = [by_floor[floor] for floor in sorted(by_floor)]

    def first(attr: str) -> object:
        return next((getattr(page, attr) for page in ordered if getattr(page, attr) is not None), None)

    starter, starter_uid = first("starter"), first("starter_uid")
    if posts[0].floor == 1 and posts[0].status == "normal":
        starter = starter or posts[0].author
        starter_uid = starter_uid or posts[0].uid
    posts = [_settle_op(post, starter, starter_uid) for post in posts]  # type: ignore[arg-type]

    expected = {floor for page in ordered for floor in page.expected_floors}
    present = set(by_floor)
    missing = sorted((set(range(1, max(present) + 1)) | expected) - present)
    if missing:
        warnings.append(ParseWarning(
            "missing_floors",
            f"{len(missing)} floor(s) not in these files: {_format_ranges(missing)}",
        ))
    total = max((page.total_floors for page in ordered if page.total_floors), default=None)
    if total is not None and total > max(present):
        warnings.append(ParseWarning(
            "partial_thread",
            f"the forum counts {total} floors; floors {max(present) + 1}-{total} are on pages not given",
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
