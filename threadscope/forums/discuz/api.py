"""S1 app API JSON (``api/mobile/index.php?module=viewthread``, Version 1 and 4) → one ``Page``.

The envelope is read here; every ``message`` goes to ``threadscope.forums.discuz.clean``. Field meanings and
traps: ../shared/reference/discuz-structure.md §3 (real S1 responses in fixtures/s1-api).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from threadscope.adapters.base import MAX_FLOOR, Document, Page, bounded_int
from threadscope.errors import FormatMismatchError, ThreadNotFoundError
from threadscope.forums.discuz import clean
from threadscope.forums.discuz.common import S1_FORUM, DiscuzAdapter, body_fields, forum_from_urls, warn
from threadscope.forums.discuz.times import (
    DISCUZ_TIMEZONE,
    from_timestamp,
    invalid_time,
    is_relative_time,
    parse_time,
    timestamp_problem,
)
from threadscope.model import ParseWarning, Post, PostStatus

#: The S1Nyan fixtures are indented with U+00A0 (and start with a BOM): JSON allows neither as
#: whitespace. A string literal is matched first so U+00A0 *inside* values is kept as is.
_LITERAL_OR_FOREIGN_SPACE = re.compile(r'("(?:[^"\\]|\\.)*")|[\u00a0\ufeff]+')
#: Lone UTF-16 surrogates from JSON escapes (``"AAA\ud800BBB"``): no UTF-8 writer can encode
#: them, so every string read from the response has them replaced by U+FFFD.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: A viewthread response is a JSON object; anything else is rejected before a full parse.
_JSON_OBJECT_START = re.compile(r"^[\s\u00a0\ufeff]*\{")
#: Keys every viewthread response has (all five S1 fixtures, Discuz mobile plugin v1/v4).
_REQUIRED_MARKERS = ('"Variables"', '"postlist"')
#: Versions whose shape is known: 1 (all fixtures), 4 (§3: adds ``position``, quotes as
#: ``div.reply_wrap``). Others are parsed the same way with a warning.
KNOWN_VERSIONS = ("1", "4")
#: A request URL kept in the file name (``…viewthread&tid=T&page=P``) gives the page order.
_REQUEST_PAGE_RE = re.compile(r"[?&]page=(\d+)")
#: Discuz user groups 4 (禁止发言) and 5 (禁止访问) and ``memberstatus -1`` (deleted) show the
#: 作者被禁止或删除 placeholder (§1.4); bit 1 of a post's ``status`` is a single banned post.
BANNED_GROUPS = frozenset({"4", "5"})
BANNED_MEMBERSTATUS = "-1"
POST_STATUS_BANNED = 1
#: Bit 4 of the post ``status`` (value 8) is "posted from a phone" (来自手机, §1.3 post time);
#: status 8 on s1nyan-thread1 floor 4, 1032 (= 1024 + 8) on reader-floorlist-1 floor 2.
POST_STATUS_MOBILE = 8
#: Posts per page: Discuz's admin panel accepts 1-100 (``postperpage``, S1 uses 30, the API
#: fixtures say 30 or 40); a larger ``ppp`` is damage and would make the page's expected floors
#: huge (issue 12), so it is ignored with a warning.
MAX_PPP = 100


def _strict_or_repaired_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        if "\u00a0" not in text and "\ufeff" not in text:
            raise
    return json.loads(_LITERAL_OR_FOREIGN_SPACE.sub(lambda m: m.group(1) or " ", text))


def _scrub(data: Any) -> Any:
    """Replace lone surrogates in every string value, in place (iteratively: no recursion limit)."""
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(items):
            if isinstance(value, str):
                if _LONE_SURROGATE.search(value):
                    node[key] = _LONE_SURROGATE.sub("\ufffd", value)
            elif isinstance(value, (dict, list)):
                stack.append(value)
    return data


@lru_cache(maxsize=4)
def _load(text: str) -> Any:
    """Parsed JSON; cached so ``sniff`` and ``parse`` of one document decode it once."""
    data = _strict_or_repaired_json(text)
    return _scrub(data) if "\\ud" in text.lower() else data


def _viewthread_variables(data: Any) -> Mapping[str, Any] | None:
    """``Variables`` when ``data`` is a viewthread response, else ``None``."""
    if not isinstance(data, Mapping):
        return None
    variables = data.get("Variables")
    if not isinstance(variables, Mapping):
        return None
    if not isinstance(variables.get("postlist"), (list, Mapping)):
        return None
    if not isinstance(variables.get("thread"), Mapping):
        return None
    return variables


def _int(value: Any) -> int | None:
    """API numbers are strings ("1376226466"); empty, null, junk and more than 18 digits give ``None``."""
    return bounded_int(value, -(10**18) + 1)


def _positive(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and number > 0 else None


def _floor_number(value: Any) -> int | None:
    """A ``position``/``number`` within 1..MAX_FLOOR, else ``None``."""
    number = _positive(value)
    return number if number is not None and number <= MAX_FLOOR else None


def _out_of_range(raw: Mapping[str, Any]) -> str | None:
    """``position N`` / ``number N`` when a post's floor field is a number past MAX_FLOOR."""
    for key in ("position", "number"):
        text = str(raw.get(key, "")).strip().lstrip("0")
        if text.isascii() and text.isdigit() and (len(text) > len(str(MAX_FLOOR)) or int(text) > MAX_FLOOR):
            return f"{key} {text if len(text) <= 20 else f'{text[:12]}… ({len(text)} digits)'}"
    return None


def _id(value: Any) -> str | None:
    """A Discuz id (pid, uid, tid) as text: a positive number, else ``None``."""
    number = _positive(value)
    return str(number) if number is not None else None


def _text(value: Any) -> str | None:
    """A display string (names, subjects): Discuz stores them HTML-escaped."""
    if not isinstance(value, str) or not value.strip():
        return None
    return html.unescape(value).strip()


def _rows(value: Any) -> list[Any]:
    """PHP arrays with gaps in their keys come out as JSON objects: take the values in order."""
    if isinstance(value, Mapping):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def _attachments(raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """aid → {url, image, filename} from ``attachments`` (url = ``url`` + ``attachment``)."""
    found: dict[str, dict[str, Any]] = {}
    table = raw.get("attachments")
    if not isinstance(table, Mapping):  # an empty one is `[]`
        return found
    for key, item in table.items():
        if not isinstance(item, Mapping):
            continue
        aid = str(item.get("aid") or key)
        prefix, path = item.get("url"), item.get("attachment")
        if not isinstance(prefix, str) or not isinstance(path, str) or not path:
            continue
        found[aid] = {
            "url": prefix + path,
            "image": str(item.get("isimage", "1")) not in ("0", ""),
            "filename": _text(item.get("filename")),
        }
    return found


def _floor_of(raw: Mapping[str, Any]) -> int | None:
    """v4 carries the stored floor in ``position``; v1 only the computed ``number`` (§3)."""
    return _floor_number(raw.get("position")) or _floor_number(raw.get("number"))


def _banned_without_message(raw: Mapping[str, Any]) -> bool:
    status = _int(raw.get("status")) or 0
    return (str(raw.get("groupid")) in BANNED_GROUPS
            or str(raw.get("memberstatus")) == BANNED_MEMBERSTATUS
            or bool(status & POST_STATUS_BANNED))


def _clean(message: str, attachments: Mapping[str, Mapping[str, Any]]) -> clean.Body:
    """The shared cleaner, with ``[attach]AID[/attach]`` resolved to ``url`` + ``attachment``."""
    return clean.clean_body(message, attachments={aid: item["url"] for aid, item in attachments.items()})


class DiscuzApiAdapter(DiscuzAdapter):
    """S1 app API ``viewthread`` JSON responses."""

    name = "api"
    description = "S1 app API JSON (api/mobile/index.php?module=viewthread, Version 1 or 4)"

    def sniff(self, doc: Document) -> bool:
        text = doc.text
        if not _JSON_OBJECT_START.match(text) or not all(key in text for key in _REQUIRED_MARKERS):
            return False
        try:
            return _viewthread_variables(_load(text)) is not None
        except ValueError:
            return False
        except RecursionError:  # it has the markers: claim it, so parse says what is wrong
            return True

    def parse(self, doc: Document) -> Page:
        try:
            data = _load(doc.text)
        except ValueError as exc:
            raise FormatMismatchError(doc.path, f"not an S1 API response: invalid JSON ({exc})") from None
        except RecursionError:
            raise FormatMismatchError(doc.path, "not an S1 API response: the JSON is nested too deeply "
                                                "to read") from None
        variables = _viewthread_variables(data)
        if variables is None:
            keys = ", ".join(list(data)[:6]) if isinstance(data, Mapping) else type(data).__name__
            raise FormatMismatchError(
                doc.path,
                f"JSON but not an S1 viewthread API response (no Variables.thread/postlist; "
                f"top level: {keys})",
            )
        raw_posts = _rows(variables["postlist"])
        if not raw_posts:
            server = data.get("Message")
            said = server.get("messagestr") if isinstance(server, Mapping) else None
            reason = "thread not found: the API returned an empty postlist (deleted, moved or no permission)"
            raise ThreadNotFoundError(doc.path, f"{reason}; the server said: {said}" if said else reason)

        thread = variables["thread"]
        warnings: list[ParseWarning] = []
        version = str(data.get("Version", ""))
        if version not in KNOWN_VERSIONS:
            warnings.append(warn(doc, "api_version", f"API Version {version or '(none)'} is untested; "
                                 f"read as Version {' / '.join(KNOWN_VERSIONS)}"))
        starter = _text(thread.get("author"))
        starter_uid = _id(thread.get("authorid"))
        rows = [raw for raw in raw_posts if isinstance(raw, Mapping)]
        if len(rows) < len(raw_posts):
            warnings.append(warn(doc, "bad_post", f"{len(raw_posts) - len(rows)} postlist entries are "
                                 "not objects; skipped"))
        numbered = {raw.get("pid") for raw in rows if _floor_of(raw) is not None}
        posts: list[Post] = []
        urls: list[str | None] = [variables.get("member_avatar")]
        for raw in rows:
            bad = _out_of_range(raw)
            if bad is not None and _floor_of(raw) is None:
                warnings.append(warn(doc, "floor_out_of_range", f"pid {raw.get('pid')}: {bad} is outside "
                                     f"1-{MAX_FLOOR:,}; skipped"))
                continue
            if _floor_of(raw) is None and raw.get("pid") in numbered:
                warnings.append(warn(doc, "repeated_post", f"pid {raw.get('pid')} is listed again without "
                                     "a floor number (a 推荐/置顶 copy); kept the numbered one"))
                continue
            post = self._post(doc, raw, posts[-1].floor if posts else None, starter_uid, warnings)
            posts.append(post)
            urls += [item["url"] for item in _attachments(raw).values()]
            if starter is None and raw.get("first") == "1":
                starter, starter_uid = post.author, post.uid

        ppp = _positive(variables.get("ppp"))
        if ppp is not None and ppp > MAX_PPP:
            warnings.append(warn(doc, "bad_number", f"ppp (posts per page) {ppp} is over {MAX_PPP}; "
                                 "ignored, so this page's expected floors are unknown"))
            ppp = None
        size = _thread_size(thread)
        if size is None and _int(thread.get("allreplies", thread.get("replies"))) is not None:
            warnings.append(warn(doc, "bad_number", "the reply count (allreplies) is outside "
                                 f"0-{MAX_FLOOR - 1:,}; ignored"))
        request_page = _REQUEST_PAGE_RE.search(doc.path)
        return Page(
            source=doc.path,
            posts=tuple(posts),
            forum=forum_from_urls(urls) or S1_FORUM, timezone=DISCUZ_TIMEZONE,
            tid=_id(thread.get("tid")) or next((_id(raw.get("tid")) for raw in rows), None),
            title=_text(thread.get("subject")),
            starter=starter,
            starter_uid=starter_uid,
            order=int(request_page.group(1)) if request_page else None,
            expected_floors=self._expected_floors(posts, thread, ppp),
            total_floors=_thread_size(thread),
            warnings=tuple(warnings),
        )

    def _post(self, doc: Document, raw: Mapping[str, Any], previous_floor: int | None,
              starter_uid: str | None, warnings: list[ParseWarning]) -> Post:
        floor = _floor_of(raw)
        if floor is None:
            floor = (previous_floor or 0) + 1
            warnings.append(warn(doc, "floor_inferred", f"pid {raw.get('pid')} has no floor number; "
                                 f"placed after floor {previous_floor or 0}", floor))
        uid = _id(raw.get("authorid"))
        attachments = _attachments(raw)
        message = raw.get("message")
        status: PostStatus = "normal"
        fields: dict[str, Any] = {"meta": {}}
        if isinstance(message, str):
            body = _clean(message, attachments)
            fields = body_fields(body)
            status = body.status
        else:
            state = "null" if "message" in raw else "absent"
            warnings.append(warn(doc, "missing_message", f"message is {state} in the API response; "
                                 "kept the floor with empty text", floor))
            if _banned_without_message(raw):
                status = "banned"
        meta: dict[str, Any] = dict(fields.pop("meta"))
        shown = html.unescape(raw["dateline"]) if isinstance(raw.get("dateline"), str) else None
        if shown and is_relative_time(shown):
            meta["relative_time"] = shown.replace("\u00a0", " ")
        if str(raw.get("anonymous", "0")) not in ("0", ""):
            meta["anonymous"] = True
        if (_int(raw.get("status")) or 0) & POST_STATUS_MOBILE:
            meta["from_mobile"] = True
        files = [{"aid": aid, "url": item["url"], "filename": item["filename"]}
                 for aid, item in attachments.items() if not item["image"]]
        if files:
            meta["attachments"] = files
        # Image attachments not placed inline are shown under the post (div.pattl, §1.3).
        images = tuple(dict.fromkeys([*fields.pop("images", ()),
                                      *(item["url"] for item in attachments.values() if item["image"])]))
        time = from_timestamp(raw.get("dbdateline"))
        problem = timestamp_problem(raw.get("dbdateline"))
        if time is None and shown:
            time = parse_time(shown)
        if time is None and (problem or (shown and invalid_time(shown))):
            reason = problem or f"post time {invalid_time(shown or '')!r} is not a valid date and time"
            warnings.append(warn(doc, "invalid_time", f"{reason}; time left empty", floor))
        return Post(
            floor=floor,
            pid=_id(raw.get("pid")),
            author=_text(raw.get("author")),
            uid=uid,
            time=time,
            is_op=raw.get("first") == "1" or (uid is not None and uid == starter_uid),
            status=status,
            html=message if isinstance(message, str) else "",
            images=images,
            meta=meta,
            **fields,
        )

    @staticmethod
    def _expected_floors(posts: Sequence[Post], thread: Mapping[str, Any],
                         ppp: int | None) -> tuple[int, ...]:
        """Floors this page ought to hold: its ``ppp`` slot, cut at the thread's last floor.

        The slot start comes from the first floor number, not page×ppp (trap 13). The thread
        size is ``allreplies``+1: ``maxposition`` counts trade items that are not floors
        (reader-floorlist-1: maxposition 3, two floors), and ``replies`` leaves them out too far
        (there: 0).
        """
        size = _thread_size(thread)
        if not posts or ppp is None or size is None:
            return ()
        floors = [post.floor for post in posts]
        start = (min(floors) - 1) // ppp * ppp + 1
        last = min(start + ppp - 1, max(size, max(floors)))
        return tuple(range(start, last + 1))


def _thread_size(thread: Mapping[str, Any]) -> int | None:
    """Floors in the whole thread: ``allreplies`` + 1 (see ``_expected_floors`` for why not
    ``maxposition``), ``replies`` + 1 when the response lacks ``allreplies``."""
    replies = _int(thread.get("allreplies"))
    if replies is None:
        replies = _int(thread.get("replies"))
    return None if replies is None or not 0 <= replies < MAX_FLOOR else replies + 1
