"""The thread model: frozen records that every adapter produces and every later stage reads.

Vocabulary (after ConvoKit): a ``Thread`` holds ``Post`` records ordered by floor; a post has an
``author``, a ``time`` and the things found in its body (quotes, edit notice, ratings, client
tail, smileys, images, links). Scores are not fields here: they are columns of frames keyed by
floor. Times are timezone-aware in Asia/Shanghai, the zone every Discuz forum here displays.

Field list of ``Post`` (also the JSON Lines schema of ``threadscope parse``):

==========  =====================================================================================
floor       floor number, 1 = the thread's first post
pid         Discuz post id, when the source carries it
author      display name (``None`` for deleted floors whose author is not shown)
uid         Discuz user id, when known
time        post time, timezone-aware (Asia/Shanghai); ``None`` when the source has none
is_op       written by the thread starter
status      ``normal`` / ``deleted`` (无效楼层) / ``banned`` (作者被禁止或删除, 该帖被屏蔽) /
            ``hidden`` (only visible to some viewers: 仅作者可见, blacklisted by the saver)
text        the author's own words: no quotes, edit notice, client tail, attachment tooltips or
            rating blocks; smileys as tokens like ``[s:067]``; ``<br>`` as newlines
html        the original body as found in the source
quotes      ``Quote`` records, in body order
reply_to    floor named by Discuz's ``回复 N# NAME`` form, when present
edit        ``Edit`` (by, at) from ``本帖最后由 NAME 于 TIME 编辑``
ratings     ``Rating`` records from the 评分 table (credit 战斗力 on S1)
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
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo

#: Discuz sites shown here display Beijing time; China has kept UTC+8 without DST since 1991.
FORUM_TZ = ZoneInfo("Asia/Shanghai")

PostStatus = Literal["normal", "deleted", "banned", "hidden"]
POST_STATUSES: tuple[PostStatus, ...] = ("normal", "deleted", "banned", "hidden")

#: How a post answers another (``threadscope.graph``): a quote, Discuz's ``回复 N#`` form, a textual
#: pointer (楼上, N楼, @name, an echo), or none found (it answers the thread, floor 1).
LinkKind = Literal["quote", "reply", "implicit", "op"]
LINK_KINDS: tuple[LinkKind, ...] = ("quote", "reply", "implicit", "op")


def _time_to_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time_from_json(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=FORUM_TZ)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted post inside a body: who and when (from the header), and the shown excerpt."""

    author: str | None
    time: datetime | None
    pid: int | None
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
    """One row of the 评分 table: rater, score (战斗力 on S1), reason."""

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
    pid: int | None = None
    author: str | None = None
    uid: int | None = None
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
        if self.status not in POST_STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {POST_STATUSES}")
        if self.time is not None and self.time.tzinfo is None:
            raise ValueError(f"floor {self.floor}: time must be timezone-aware")
        if not isinstance(self.meta, MappingProxyType):
            object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def to_dict(self, *, with_html: bool = False) -> dict[str, Any]:
        """The JSON form, in the documented field order."""
        data: dict[str, Any] = {
            "floor": self.floor, "pid": self.pid, "author": self.author, "uid": self.uid,
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
            floor=int(data["floor"]), pid=data.get("pid"), author=data.get("author"),
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
    tid: int | None
    title: str | None
    sources: tuple[str, ...]
    posts: tuple[Post, ...]
    starter: str | None = None
    starter_uid: int | None = None
    warnings: tuple[ParseWarning, ...] = ()
    missing_floors: tuple[int, ...] = ()
    format: str = ""
    _by_floor: Mapping[int, Post] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_floor", MappingProxyType({p.floor: p for p in self.posts}))

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
        counts = {status: 0 for status in POST_STATUSES}
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
