"""The thread model: frozen records that every adapter produces and every later stage reads.

Vocabulary (after ConvoKit): a ``Thread`` holds ``Post`` records ordered by floor; a post has an
``author``, a ``time`` and the things found in its body (quotes, edit notice, ratings, client
tail, smileys, images, links). Scores are not fields here: they are columns of frames keyed by
floor. Nothing here knows a forum: a forum's package (``threadscope.forums``) maps its markup
onto these records.

Identity and order are apart: ``id`` names a post (the forum's post id when the source has one,
else the floor as text), ``floor`` is its position (1 = the opening post; Discuz floor numbers,
Discourse post numbers, a Reddit thread's depth-first order). Forum ids (post, user, thread)
are strings, whatever the forum makes them of. Times are timezone-aware; ``Thread.timezone`` is
the zone the forum displays (Asia/Shanghai on Stage1st), in which the report shows clock times.

Field list of ``Post`` (also the JSON Lines schema of ``threadscope parse``):

==========  =====================================================================================
floor       position in the thread, 1 = the opening post
id          the post's identity: ``pid`` when known, else the floor as text
pid         the forum's post id, when the source carries it
parent      id of the post this one answers, when the source states it (Discourse
            ``reply_to_post_number``, Reddit ``parent_id``); becomes a link of confidence 1.0
author      display name (``None`` for deleted floors whose author is not shown)
uid         the forum's user id, when known
time        post time, timezone-aware; ``None`` when the source has none
is_op       written by the thread starter
status      ``normal`` / ``deleted`` (无效楼层) / ``banned`` (作者被禁止或删除, 该帖被屏蔽) /
            ``hidden`` (only visible to some viewers: 仅作者可见, blacklisted by the saver)
text        the author's own words: no quotes, edit notice, client tail, attachment tooltips or
            rating blocks; smileys as tokens like ``[s:067]``; ``<br>`` as newlines
html        the original body as found in the source
quotes      ``Quote`` records, in body order
reply_to    floor the post says it answers (Discuz's ``回复 N# NAME`` form), when present
edit        ``Edit`` (by, at) from ``本帖最后由 NAME 于 TIME 编辑``
ratings     ``Rating`` records: who rated the post, by how much, why (Discuz's 评分 table)
client      the client tail (``鹅球 v3.5.99 (Xiaomi …, Android 16)``), when present
smileys     smiley tokens in body order
images      image URLs (real URLs: ``file``/``zoomfile`` over lazy ``src`` placeholders)
links       link URLs in the author's own text (not the tail's, not the quote headers')
meta        source-specific extras (e.g. ``hidden_content``, ``relative_time``)
==========  =====================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The zone of a thread whose source does not say which zone its forum displays.
DEFAULT_TIMEZONE = "UTC"

PostStatus = Literal["normal", "deleted", "banned", "hidden"]
POST_STATUSES: tuple[PostStatus, ...] = ("normal", "deleted", "banned", "hidden")

#: How a post answers another (``threadscope.links``): a quote, an explicit reply (the source's
#: parent id, Discuz's ``回复 N#`` form), a textual pointer (楼上, N楼, @name, an echo), or none
#: found (it answers the thread, floor 1).
LinkKind = Literal["quote", "reply", "implicit", "op"]
LINK_KINDS: tuple[LinkKind, ...] = ("quote", "reply", "implicit", "op")


def utc_offset_label(offset: timedelta | None) -> str:
    """``UTC+8``, ``UTC-3:30``, ``UTC``: how the report and the CLI name a zone's clock."""
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _time_to_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time_from_json(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted post inside a body: who and when (from the header), and the shown excerpt."""

    author: str | None
    time: datetime | None
    pid: str | None
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {"author": self.author, "time": _time_to_json(self.time), "pid": self.pid,
                "excerpt": self.excerpt}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quote:
        return cls(author=data.get("author"), time=_time_from_json(data.get("time")),
                   pid=data.get("pid"), excerpt=data.get("excerpt", ""))


@dataclass(frozen=True, slots=True)
class Edit:
    """The ``本帖最后由 NAME 于 TIME 编辑`` notice."""

    by: str
    at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "at": _time_to_json(self.at)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edit:
        return cls(by=data["by"], at=_time_from_json(data.get("at")))


@dataclass(frozen=True, slots=True)
class Rating:
    """One rating of a post: rater, score (a Discuz 评分 row: 战斗力 on S1), reason."""

    user: str
    score: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "score": self.score, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rating:
        return cls(user=data["user"], score=int(data["score"]), reason=data.get("reason", ""))


@dataclass(frozen=True, slots=True)
class Post:
    """One floor of a thread. See the module docstring for the field list."""

    floor: int
    id: str = ""
    pid: str | None = None
    parent: str | None = None
    author: str | None = None
    uid: str | None = None
    time: datetime | None = None
    is_op: bool = False
    status: PostStatus = "normal"
    text: str = ""
    html: str = ""
    quotes: tuple[Quote, ...] = ()
    reply_to: int | None = None
    edit: Edit | None = None
    ratings: tuple[Rating, ...] = ()
    client: str | None = None
    smileys: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self.pid or str(self.floor))
        if self.status not in POST_STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {POST_STATUSES}")
        if self.time is not None and self.time.tzinfo is None:
            raise ValueError(f"floor {self.floor}: time must be timezone-aware")
        if not isinstance(self.meta, MappingProxyType):
            object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def to_dict(self, *, with_html: bool = False) -> dict[str, Any]:
        """The JSON form, in the documented field order."""
        data: dict[str, Any] = {
            "floor": self.floor, "id": self.id, "pid": self.pid, "parent": self.parent,
            "author": self.author, "uid": self.uid,
            "time": _time_to_json(self.time), "is_op": self.is_op, "status": self.status,
            "text": self.text,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "reply_to": self.reply_to,
            "edit": self.edit.to_dict() if self.edit else None,
            "ratings": [rating.to_dict() for rating in self.ratings],
            "client": self.client, "smileys": list(self.smileys), "images": list(self.images),
            "links": list(self.links),
        }
        if with_html:
            data["html"] = self.html
        if self.meta:
            data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Post:
        return cls(
            floor=int(data["floor"]), id=data.get("id") or "", pid=data.get("pid"),
            parent=data.get("parent"), author=data.get("author"),
            uid=data.get("uid"), time=_time_from_json(data.get("time")),
            is_op=bool(data.get("is_op", False)), status=data.get("status", "normal"),
            text=data.get("text", ""), html=data.get("html", ""),
            quotes=tuple(Quote.from_dict(q) for q in data.get("quotes", ())),
            reply_to=data.get("reply_to"),
            edit=Edit.from_dict(data["edit"]) if data.get("edit") else None,
            ratings=tuple(Rating.from_dict(r) for r in data.get("ratings", ())),
            client=data.get("client"), smileys=tuple(data.get("smileys", ())),
            images=tuple(data.get("images", ())), links=tuple(data.get("links", ())),
            meta=data.get("meta", {}),
        )

    def with_changes(self, **changes: Any) -> Post:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something dropped or doubtful while parsing, with where and why."""

    code: str
    message: str
    source: str | None = None
    floor: int | None = None

    def __str__(self) -> str:
        floor = f"floor {self.floor}" if self.floor else None
        where = ", ".join(part for part in (self.source, floor) if part)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Thread:
    """A whole thread: posts ordered by floor, from one or more source files."""

    forum: str
    tid: str | None
    title: str | None
    sources: tuple[str, ...]
    posts: tuple[Post, ...]
    starter: str | None = None
    starter_uid: str | None = None
    warnings: tuple[ParseWarning, ...] = ()
    missing_floors: tuple[int, ...] = ()
    format: str = ""
    #: IANA name of the zone the forum displays times in (``Asia/Shanghai`` on Stage1st)
    timezone: str = DEFAULT_TIMEZONE
    _by_floor: Mapping[int, Post] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_floor", MappingProxyType({p.floor: p for p in self.posts}))

    @property
    def key(self) -> str:
        """The thread's name in frames that hold many threads: its id, else its first source."""
        return self.tid if self.tid is not None else self.sources[0] if self.sources else ""

    @property
    def zone_label(self) -> str:
        """The zone's clock as ``UTC+8`` (its offset when the thread starts)."""
        span = self.span
        at = span[0] if span else datetime(2000, 1, 1, tzinfo=self.zone)
        return utc_offset_label(at.astimezone(self.zone).utcoffset())

    @property
    def zone(self) -> ZoneInfo:
        """``timezone`` as a ``ZoneInfo`` (UTC when the name is unknown to this machine)."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(DEFAULT_TIMEZONE)

    def __len__(self) -> int:
        return len(self.posts)

    def post(self, floor: int) -> Post | None:
        """The post at ``floor``, or ``None``."""
        return self._by_floor.get(floor)

    @property
    def participants(self) -> tuple[str, ...]:
        """Distinct authors in order of first appearance."""
        seen: dict[str, None] = {}
        for post in self.posts:
            if post.author:
                seen.setdefault(post.author, None)
        return tuple(seen)

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        times = [post.time for post in self.posts if post.time is not None]
        return (min(times), max(times)) if times else None

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(POST_STATUSES, 0)
        for post in self.posts:
            counts[post.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        data["posts"] = [post.to_dict() for post in self.posts]
        data["warnings"] = [warning.to_dict() for warning in self.warnings]
        data["sources"] = list(self.sources)
        data["missing_floors"] = list(self.missing_floors)
        return data


#: Why a link has no target floor.
NOT_IN_PAGES = "target not in these pages"
AMBIGUOUS = "ambiguous"
TARGET_DELETED = "target deleted"


@dataclass(frozen=True, slots=True)
class Link:
    """One post answering another: ``source`` floor → ``target`` floor (``None`` when not found,
    with ``reason``), how it was found (``evidence``) and how sure that is (``confidence``).
    Links join positions (floors) within one thread; ``Thread.post(floor).id`` names the post."""

    source: int
    target: int | None
    kind: LinkKind
    confidence: float
    reason: str | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "kind": self.kind,
                "confidence": self.confidence, "reason": self.reason, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Link:
        return cls(source=int(data["source"]),
                   target=None if data.get("target") is None else int(data["target"]),
                   kind=data["kind"], confidence=float(data["confidence"]),
                   reason=data.get("reason"), evidence=data.get("evidence", ""))


@runtime_checkable
class Resolver(Protocol):
    """Finds what each post answers. The source's explicit parent ids are turned into links by
    ``threadscope.links`` for every forum; a forum's resolver adds what its markup and habits say
    (Discuz: quotes by pid or header, ``回复 N#``, 楼上/N楼/@name). An adapter names its resolver in
    its ``resolver`` attribute."""

    def resolve(self, thread: Thread) -> tuple[Link, ...]:
        """Every post's links, in floor order."""
        ...
