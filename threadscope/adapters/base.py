"""The adapter protocol and registry.

An adapter turns one decoded source file into a ``Page``: the posts that file holds plus what
it says about the thread. ``threadscope.load`` decodes files, picks an adapter by ``sniff``
(or by ``--format``), and merges the pages of one thread with ``assemble``. Other forums plug
in by registering an adapter here or through the ``threadscope.adapters`` entry point group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from threadscope.errors import UnknownChoiceError
from threadscope.model import ParseWarning, Post


@dataclass(frozen=True, slots=True)
class Document:
    """A source file as read from disk: its path, raw bytes and decoded text."""

    path: str
    data: bytes
    text: str
    encoding: str


@dataclass(frozen=True, slots=True)
class Page:
    """What one source file says: its posts and what it knows about the thread."""

    source: str
    posts: tuple[Post, ...]
    forum: str = "stage1st"
    tid: int | None = None
    title: str | None = None
    starter: str | None = None
    starter_uid: int | None = None
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

    def sniff(self, doc: Document) -> bool:
        """Cheap check: does this document look like this adapter's format?"""
        ...

    def parse(self, doc: Document) -> Page:
        """Parse the document; raise an ``InputError`` subclass naming ``doc.path`` on failure."""
        ...


_REGISTRY: dict[str, Adapter] = {}
_ENTRY_POINTS_LOADED = False


def register(adapter: Adapter) -> Adapter:
    """Add an adapter (replacing one of the same name). Returns it, so it works as a decorator
    on an adapter instance's factory result."""
    _REGISTRY[adapter.name] = adapter
    return adapter


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for entry in entry_points(group="threadscope.adapters"):
        register(entry.load()())


def adapters() -> tuple[Adapter, ...]:
    """Every registered adapter, built-ins first, in sniffing order."""
    from threadscope.adapters import _register_builtins

    _register_builtins()
    _load_entry_points()
    return tuple(_REGISTRY.values())


def get_adapter(name: str) -> Adapter:
    """The adapter called ``name``; an ``UnknownChoiceError`` listing the known names otherwise."""
    known = {adapter.name: adapter for adapter in adapters()}
    if name not in known:
        raise UnknownChoiceError("format", name, ["auto", *known])
    return known[name]
