"""The adapter protocol and registry.

An adapter turns one decoded source file into a ``Page``: the posts that file holds plus what
it says about the thread. ``threadscope.load`` decodes files, picks an adapter by ``sniff``
(or by ``--format``), and merges the pages of one thread with ``assemble``. Other forums plug
in by registering an adapter here or through the ``threadscope.adapters`` entry point group.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from threadscope.errors import FormatMismatchError, UnknownChoiceError
from threadscope.model import DEFAULT_TIMEZONE, ParseWarning, Post

#: Floors are 1..MAX_FLOOR. Stage1st's longest threads run to a few hundred thousand floors
#: (the fixtures' longest: 3,011); a label past a million in a saved file is damage or an attack
#: (issue 12: 99,999,999 allocated a set of every floor). Adapters warn and skip such a post.
MAX_FLOOR = 1_000_000
#: Digits read from a number in a file: 18 keeps every int a machine word and far below
#: Python's 4,300-digit int-from-string limit (a 5,000-digit label raised ValueError).
MAX_DIGITS = 18


def bounded_int(text: object, low: int = 0, high: int = 10 ** MAX_DIGITS - 1) -> int | None:
    """``text`` as an int in ``low``..``high``, or ``None`` (junk, empty, too many digits, out of range).

    Every number read from a file goes through here so no file can make int() raise or
    return a value the caller would allocate by.
    """
    digits = str(text).strip() if isinstance(text, (str, int)) and not isinstance(text, bool) else ""
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-").lstrip("0") or ("0" if digits.strip("+-") else "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_DIGITS:
        return None
    value = sign * int(digits)
    return value if low <= value <= high else None


def id_text(digits: str) -> str | None:
    """A numeric id (pid, uid, tid) as text without leading zeros; ``None`` when not a positive id."""
    value = bounded_int(digits, 1)
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Document:
    """A source file as read from disk: its path, raw bytes and decoded text."""

    path: str
    data: bytes
    text: str
    encoding: str
    #: what reading and decoding changed (control bytes dropped, a cut character, …)
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """What one source file says: its posts and what it knows about the thread."""

    source: str
    posts: tuple[Post, ...]
    forum: str = "unknown"
    tid: str | None = None
    title: str | None = None
    starter: str | None = None
    starter_uid: str | None = None
    #: IANA name of the zone the forum displays times in
    timezone: str = DEFAULT_TIMEZONE
    #: sort key among pages of one thread (page number, part number); None when unknown
    order: int | None = None
    #: floors this page ought to hold (e.g. 1..30 on page 1) when the source says so
    expected_floors: tuple[int, ...] = ()
    #: how many floors the whole thread has by the source's own count (API ``allreplies`` + 1),
    #: so that a partial download says what it leaves out
    total_floors: int | None = None
    warnings: tuple[ParseWarning, ...] = field(default=())


@runtime_checkable
class Adapter(Protocol):
    """A parser for one source format."""

    #: short name used by ``--format`` and in ``Thread.format``
    name: str
    #: one line for ``threadscope adapters`` and ``--help``
    description: str
    # An adapter may also carry ``resolver``: the ``threadscope.model.Resolver`` that finds what
    # its posts answer beyond their explicit parents (``threadscope.links.resolver_for``).

    def sniff(self, doc: Document) -> bool:
        """Cheap check: does this document look like this adapter's format?"""
        ...

    def parse(self, doc: Document) -> Page:
        """Parse the document; raise an ``InputError`` subclass naming ``doc.path`` on failure."""
        ...


logger = logging.getLogger(__name__)


# --- JSON sources: decoded once, whichever adapter sniffs and then parses them ---------------

@lru_cache(maxsize=4)
def _decoded(text: str) -> Any:
    # keyed by the document's text object: sniff and parse of one file decode it once
    return json.loads(text)


def sniff_json(doc: Document, opening: str, markers: Iterable[str], shape: Callable[[Any], object]) -> bool:
    """Cheap checks first (the first character, marker strings), then whether the decoded JSON has
    the ``shape`` the adapter reads (``shape`` returns ``None`` when it has not)."""
    text = doc.text
    if not re.match(r"\s*" + re.escape(opening), text) or not all(marker in text for marker in markers):
        return False
    try:
        return shape(_decoded(text)) is not None
    except (ValueError, RecursionError):
        return False


def parse_json(doc: Document) -> Any:
    """The decoded JSON of ``doc``; a ``FormatMismatchError`` naming the file when it is not JSON."""
    try:
        return _decoded(doc.text)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise FormatMismatchError(doc.path, f"not valid JSON ({reason})") from None

_REGISTRY: dict[str, Adapter] = {}
_BUILTINS_REGISTERED = False
_ENTRY_POINTS_LOADED = False

#: (module, class) of the built-in adapters in sniffing order: most specific formats first.
#: Each forum's adapters live in its package under ``threadscope.forums``.
BUILTIN_ADAPTERS: tuple[tuple[str, str], ...] = (
    ("threadscope.forums.discourse.adapter", "DiscourseAdapter"),
    ("threadscope.forums.reddit.adapter", "RedditAdapter"),
    ("threadscope.forums.discuz.api", "DiscuzApiAdapter"),
    ("threadscope.forums.discuz.rss", "RssAdapter"),
    ("threadscope.forums.discuz.touch", "DiscuzTouchAdapter"),
    # before "html": a Discuz 7.2 page also has div#postlist > div#post_PID
    ("threadscope.forums.discuz.legacy", "DiscuzLegacyAdapter"),
    ("threadscope.forums.discuz.desktop", "DiscuzHtmlAdapter"),
    ("threadscope.forums.discuz.s1text", "S1TextAdapter"),
    # last: a posts table is decided by its header line, after every forum's own format had its say
    ("threadscope.forums.table.reader", "TableAdapter"),
)


def register(adapter: Adapter) -> Adapter:
    """Add an adapter (replacing one of the same name). Returns it, so it works as a decorator
    on an adapter instance's factory result."""
    _REGISTRY[adapter.name] = adapter
    return adapter


def unregister(name: str) -> None:
    """Remove the adapter called ``name`` (no error when there is none)."""
    _REGISTRY.pop(name, None)


def _register_builtins() -> None:
    global _BUILTINS_REGISTERED
    if _BUILTINS_REGISTERED:
        return
    _BUILTINS_REGISTERED = True
    for module_name, class_name in BUILTIN_ADAPTERS:
        register(getattr(import_module(module_name), class_name)())


def _load_entry_points() -> None:
    """Register the adapters other packages declare under the ``threadscope.adapters`` entry point
    group (each entry: an adapter class or factory). A broken plugin is skipped with a logged
    warning: it must not stop threadscope from reading the formats it knows."""
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for entry in entry_points(group="threadscope.adapters"):
        try:
            adapter = entry.load()()
        except Exception as exc:  # any failure inside third-party code
            logger.warning("adapter plugin %s (%s) not loaded: %s", entry.name, entry.value, exc)
            continue
        if not isinstance(adapter, Adapter):
            logger.warning("adapter plugin %s (%s) lacks name/description/sniff/parse; not loaded",
                           entry.name, entry.value)
            continue
        register(adapter)


def adapters() -> tuple[Adapter, ...]:
    """Every registered adapter, built-ins first, in sniffing order."""
    _register_builtins()
    _load_entry_points()
    return tuple(_REGISTRY.values())


def get_adapter(name: str) -> Adapter:
    """The adapter called ``name``; an ``UnknownChoiceError`` listing the known names otherwise."""
    known = {adapter.name: adapter for adapter in adapters()}
    if name not in known:
        raise UnknownChoiceError("format", name, ["auto", *known])
    return known[name]
