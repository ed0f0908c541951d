"""Discourse topic JSON → one ``Page``.

Reads ``/t/SLUG/ID.json`` (the topic: ``post_stream.posts`` plus ``title``, ``id``,
``highest_post_number``) and ``/t/ID/posts.json`` (the same ``post_stream`` without the topic's
fields), one response per file; several responses of one topic (``?page=N``,
``?post_number=N``) are merged by ``threadscope.load.assemble`` in post-number order. Field
meanings: https://docs.discourse.org (Topics → Get a single topic) and the samples in
samples/forums/discourse/ (discuss.criticalfallibilism.com topic 2144).

- floor = ``post_number``, pid = ``id``, author = ``username``, uid = ``user_id``,
  time = ``created_at`` (UTC).
- ``reply_to_post_number`` → ``Post.parent`` (the id of that post when it is in this response)
  and ``meta["reply_to_post_number"]``, which ``resolver.DiscourseResolver`` resolves across pages.
- ``post_type`` 2/3/4 (moderator action, small action, whisper) are kept with
  ``meta["post_type"]`` (and ``meta["action_code"]``); whispers are ``hidden`` (staff only); a
  ``staff_posts`` note lists them by floor, so none passes for an ordinary reply unseen.
- ``deleted_at`` / ``user_deleted`` → ``deleted``; ``hidden`` (flagged) → ``hidden``. Posts
  deleted for good are absent: their post numbers are gaps, reported by ``assemble``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from threadscope.adapters.base import MAX_FLOOR, Document, Page, parse_json, sniff_json
from threadscope.errors import NotAThreadError
from threadscope.forums.discourse.cooked import read_cooked
from threadscope.forums.discourse.resolver import DiscourseResolver
from threadscope.model import ParseWarning, Post, PostStatus, Quote

#: Discourse's ``Post.types`` (app/models/post.rb): 1 regular, 2 moderator_action,
#: 3 small_action, 4 whisper.
POST_TYPES: Mapping[int, str] = {1: "regular", 2: "moderator_action", 3: "small_action", 4: "whisper"}
#: How the ``staff_posts`` note names each type that is not an ordinary reply. Moderator actions
#: are staff-coloured posts and notices (a reply among them keeps its ``reply_to_post_number`` link,
#: marked as a moderator post); small actions (closed, pinned, …) answer no one; whispers are
#: ``hidden`` (staff only). Seen in the Urho3D samples: topic 5265 floor 3 (type 2), 7 and 9 (type 3).
STAFF_TYPE_NAMES: Mapping[str, str] = {"moderator_action": "moderator actions",
                                       "small_action": "small actions", "whisper": "whispers"}
#: Times are ISO 8601 in UTC (``2026-01-08T19:23:48.342Z``); the forum shows each reader's zone.
DISCOURSE_TIMEZONE = "UTC"
#: Cheap pre-check before a JSON parse: every topic and posts.json response has both keys.
_MARKERS = ('"post_stream"', '"post_number"')
#: The site's host appears in avatar paths (``/user_avatar/HOST/NAME/{size}/…``) and in absolute
#: URLs inside cooked HTML; a topic JSON carries no other trace of where it came from.
AVATAR_HOST = re.compile(r"/user_avatar/([A-Za-z0-9.-]+\.[A-Za-z]{2,})/")
COOKED_HOST = re.compile(r"https?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})/(?:user_avatar|uploads|t/)")
FORUM_PREFIX = "discourse"


def _posts_of(data: Any) -> list[Any] | None:
    if not isinstance(data, Mapping):
        return None
    stream = data.get("post_stream")
    posts = stream.get("posts") if isinstance(stream, Mapping) else None
    return posts if isinstance(posts, list) else None


def _int(value: Any, high: int = 10**18) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= high else None


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _host(data: Mapping[str, Any], posts: list[Any]) -> str | None:
    for raw in posts:
        if not isinstance(raw, Mapping):
            continue
        for text, pattern in ((raw.get("avatar_template"), AVATAR_HOST), (raw.get("cooked"), COOKED_HOST)):
            match = pattern.search(text) if isinstance(text, str) else None
            if match:
                return match.group(1).lower()
    return None


def _staff_posts(posts: list[Post], path: str) -> ParseWarning | None:
    """One note naming every post that is not an ordinary reply (moderator actions, small actions,
    whispers), so that they are reported rather than read as conversation unseen."""
    found: dict[str, list[str]] = {kind: [] for kind in STAFF_TYPE_NAMES}
    for post in posts:
        kind = post.meta.get("post_type")
        if isinstance(kind, str) and kind in found:
            code = post.meta.get("action_code")
            found[kind].append(f"{post.floor} ({code})" if code else str(post.floor))
    parts = [f"{STAFF_TYPE_NAMES[kind]}: floor(s) {', '.join(floors)}"
             for kind, floors in found.items() if floors]
    total = sum(len(floors) for floors in found.values())
    if not total:
        return None
    return ParseWarning("staff_posts", f"{total} post(s) are not ordinary replies: " + "; ".join(parts), path)


def _status(raw: Mapping[str, Any], post_type: str) -> PostStatus:
    if raw.get("deleted_at") or raw.get("user_deleted"):
        return "deleted"
    if raw.get("hidden") or post_type == "whisper":
        return "hidden"
    return "normal"


class DiscourseAdapter:
    """Discourse topic JSON (``/t/SLUG/ID.json`` or ``/t/ID/posts.json``)."""

    name = "discourse"
    description = "Discourse topic JSON (/t/SLUG/ID.json, /t/ID/posts.json; several pages merge)"
    resolver = DiscourseResolver()

    def sniff(self, doc: Document) -> bool:
        return sniff_json(doc, "{", _MARKERS, _posts_of)

    def parse(self, doc: Document) -> Page:
        data = parse_json(doc)
        posts = _posts_of(data)
        if posts is None:
            raise NotAThreadError(doc.path, "no post_stream.posts: not a Discourse topic JSON")
        warnings: list[ParseWarning] = []
        rows = [raw for raw in posts if isinstance(raw, Mapping)]
        if len(rows) < len(posts):
            warnings.append(ParseWarning(
                "bad_post", f"{len(posts) - len(rows)} entry(ies) of post_stream.posts are not objects; "
                "skipped", doc.path))
        id_of = {_int(raw.get("post_number"), MAX_FLOOR): str(raw["id"]) for raw in rows
                 if _int(raw.get("id")) is not None}
        topic = _int(data.get("id")) or next(
            (_int(raw.get("topic_id")) for raw in rows if raw.get("topic_id")), None)
        built: list[Post] = []
        for raw in rows:
            post = self._post(raw, id_of, str(topic) if topic else None, doc.path, warnings)
            if post is not None:
                built.append(post)
        built.sort(key=lambda post: post.floor)
        staff = _staff_posts(built, doc.path)
        if staff is not None:
            warnings.append(staff)
        host = _host(data, rows)
        title = _str(data.get("title")) or next((_str(raw.get("topic_slug")) for raw in rows), None)
        highest = _int(data.get("highest_post_number"), MAX_FLOOR)
        return Page(
            source=doc.path, posts=tuple(built),
            forum=f"{FORUM_PREFIX}:{host}" if host else FORUM_PREFIX,
            tid=str(topic) if topic else None, title=title,
            starter=_str(((data.get("details") or {}).get("created_by") or {}).get("username"))
            if isinstance(data.get("details"), Mapping) else None,
            timezone=DISCOURSE_TIMEZONE,
            order=built[0].floor if built else None,
            total_floors=highest,
            warnings=tuple(warnings),
        )

    @staticmethod
    def _post(raw: Mapping[str, Any], id_of: Mapping[int | None, str], topic: str | None, path: str,
              warnings: list[ParseWarning]) -> Post | None:
        floor = _int(raw.get("post_number"), MAX_FLOOR)
        if floor is None:
            warnings.append(ParseWarning(
                "bad_post", f"a post (id {raw.get('id')!r}) has no usable post_number "
                f"({raw.get('post_number')!r}); not read", path))
            return None
        type_code = raw.get("post_type")
        post_type = POST_TYPES.get(type_code, "regular") if isinstance(type_code, int) else "regular"
        if isinstance(type_code, int) and type_code not in POST_TYPES:
            warnings.append(ParseWarning("unknown_post_type", f"post_type {type_code} is not one of "
                                         f"{sorted(POST_TYPES)}; read as a regular post", path, floor))
        cooked_html = raw["cooked"] if isinstance(raw.get("cooked"), str) else ""
        body = read_cooked(cooked_html)
        quoted = [number if number is not None and (theirs is None or theirs == topic) else None
                  for number, theirs in body.quoted]
        quotes = tuple(Quote(q.author, q.time, id_of.get(number) if number is not None else None, q.excerpt)
                       for q, number in zip(body.quotes, quoted, strict=True))  # pid: when in this response
        reply_to = _int(raw.get("reply_to_post_number"), MAX_FLOOR)
        meta: dict[str, Any] = {"post_type": post_type}
        if reply_to is not None:
            meta["reply_to_post_number"] = reply_to
        if any(number is not None for number in quoted):
            meta["quoted_post_numbers"] = [number for number in quoted if number is not None]
        if _str(raw.get("action_code")):
            meta["action_code"] = raw["action_code"]
        if _str(raw.get("name")):
            meta["display_name"] = raw["name"]
        text = body.text
        if not text and post_type in ("small_action", "moderator_action") and _str(raw.get("action_code")):
            text = f"[{raw['action_code']}]"  # a small action's only content is its code (closed.enabled, …)
        pid = str(raw["id"]) if _int(raw.get("id")) is not None else None
        # a moderator post's answer is linked by the resolver, with evidence that says what it is
        parent = id_of.get(reply_to) if reply_to is not None and post_type != "moderator_action" else None
        return Post(
            floor=floor, pid=pid, parent=parent,
            author=_str(raw.get("username")), uid=str(raw["user_id"]) if _int(raw.get("user_id")) else None,
            time=_time(raw.get("created_at")), status=_status(raw, post_type),
            text=text, html=cooked_html, quotes=quotes, smileys=body.smileys, images=body.images,
            links=body.links, meta=meta,
        )
