"""RSSHub feeds of one Stage1st thread (``/saraba1st/thread/TID``) → one ``Page``.

A feed holds the latest posts only, newest first: one ``item`` per floor with the title
``SUBJECT #N``, the body HTML in ``description``, ``pubDate`` in GMT and a findpost link with
``pid``/``ptid`` (fixtures/s1-rss, from AEmpire/stage1starchive). Bodies go to
``threadscope.forums.discuz.clean``. The XML is parsed without entity expansion, DTD loading or network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from threadscope.adapters.base import MAX_FLOOR, Document, Page, bounded_int, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz import clean
from threadscope.forums.discuz.common import (
    S1_FORUM,
    DiscuzAdapter,
    body_fields,
    forum_from_urls,
    majority_tid,
    warn,
)
from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, DISCUZ_TZ
from threadscope.model import ParseWarning, Post

#: How far into the file sniff looks: the channel head (title, link, atom:link) ends before
#: byte ~900 in every fixture; 4 KiB leaves room for a stylesheet line or comments.
SNIFF_CHARS = 4096
_RSS_ROOT_RE = re.compile(r"<rss\b")
#: RSSHub's channel link is bbs.saraba1st.com/2b/thread-T…; newer S1 hosts are stage1st.com (§0).
_S1_RE = re.compile(r"saraba1st|stage1st")
#: Item titles are "SUBJECT #N"; one fixture item (1946457, between #26 and #24) reads "SUBJECT #".
_ITEM_FLOOR_RE = re.compile(r"\s*#(\d*)\s*$")
#: Channel titles are "Stage1 论坛 - SUBJECT" (all six fixtures).
_CHANNEL_PREFIX_RE = re.compile(r"^\s*Stage1\s*论坛\s*-\s*")
#: S1 shows a banned user's name as ###### (1944643 floors 53, 54, 56; quoted in floor 57 with
#: the 作者被禁止或删除 placeholder, §1.3 quote variant d).
_MASKED_AUTHOR_RE = re.compile(r"^#{3,}$")
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

# No entity expansion (billion laughs), no DTD fetch, no network: feeds are untrusted input.
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_PARSER = etree.XMLParser(encoding="utf-8", **_SAFE)
_LENIENT_PARSER = etree.XMLParser(recover=True, encoding="utf-8", **_SAFE)


def _text(element: etree._Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _pub_time(value: str) -> datetime | None:
    """RFC 822 ``pubDate`` (GMT in RSSHub) in forum time."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:  # "-0000" means UTC with unknown local zone
        return None if parsed is None else parsed.replace(tzinfo=DISCUZ_TZ)
    return parsed.astimezone(DISCUZ_TZ)


def _infer_floors(floors: Sequence[int | None]) -> list[int | None]:
    """Fill a missing item number when its neighbours in the feed are exactly two floors apart."""
    filled = list(floors)
    for index, floor in enumerate(floors):
        if floor is not None or index == 0 or index == len(floors) - 1:
            continue
        newer, older = floors[index - 1], floors[index + 1]
        if newer is not None and older is not None and newer - older == 2:
            filled[index] = older + 1
    return filled


class RssAdapter(DiscuzAdapter):
    """RSSHub feeds of a Stage1st thread."""

    name = "rss"
    description = "RSSHub feed of a Stage1st thread (/saraba1st/thread/TID): the latest posts only"

    def sniff(self, doc: Document) -> bool:
        head = doc.text[:SNIFF_CHARS]
        return bool(_RSS_ROOT_RE.search(head) and _S1_RE.search(head))

    def parse(self, doc: Document) -> Page:
        warnings: list[ParseWarning] = []
        root = self._root(doc, warnings)
        channel = root.find("channel")
        if channel is None:
            raise NotAThreadError(doc.path, "no posts found: RSS without a channel")
        items = channel.findall("item")
        if not items:
            raise NotAThreadError(doc.path, "no posts found: the feed has no items")

        numbers = [_ITEM_FLOOR_RE.search(_text(item, "title")) for item in items]
        given = [bounded_int(m.group(1), 1, MAX_FLOOR) if m and m.group(1) else None for m in numbers]
        for item, match, floor in zip(items, numbers, given, strict=True):
            if match and match.group(1) and floor is None:
                digits = match.group(1)
                shown = digits if len(digits) <= 20 else f"{digits[:12]}… ({len(digits)} digits)"
                warnings.append(warn(doc, "floor_out_of_range", f"item {_text(item, 'link')!r}: floor "
                                     f"number {shown} is outside 1-{MAX_FLOOR:,}"))
        floors = _infer_floors(given)
        posts: list[Post] = []
        links: list[str] = []
        for item, stated, floor in zip(items, given, floors, strict=True):
            link = _text(item, "link") or _text(item, "guid")
            links.append(link)
            if floor is None:
                warnings.append(warn(doc, "floor_unknown", f"item {_text(item, 'title')!r} ({link}) has "
                                     "no floor number and its neighbours do not pin one; skipped"))
                continue
            if stated is None:
                warnings.append(warn(doc, "floor_inferred", "the item title has no floor number; "
                                     "placed between its neighbours in the feed", floor))
            posts.append(self._post(item, floor, link))
        if not posts:
            raise NotAThreadError(doc.path, "no posts found: no feed item has a floor number")
        posts.sort(key=lambda post: post.floor)

        low, high = posts[0].floor, posts[-1].floor
        earlier = "earlier floors are not in this file" if low > 1 else "it starts at the first floor"
        warnings.append(warn(doc, "partial_feed", f"an RSS feed holds only the latest posts: floors "
                             f"{low}-{high} ({len(posts)} items); {earlier}"))
        channel_title = _text(channel, "title")
        title = _CHANNEL_PREFIX_RE.sub("", channel_title) if channel_title else ""
        if not title and numbers[0]:
            title = _text(items[0], "title")[: numbers[0].start()]
        starter = posts[0].author if low == 1 else None
        if starter is not None:
            posts = [post.with_changes(is_op=post.author == starter) for post in posts]
        channel_link = _text(channel, "link")
        return Page(
            source=doc.path,
            posts=tuple(posts),
            forum=forum_from_urls([channel_link, *links]) or S1_FORUM, timezone=DISCUZ_TIMEZONE,
            tid=majority_tid([*links, channel_link]),
            title=title.strip() or None,
            starter=starter,
            order=None,
            expected_floors=tuple(range(low, high + 1)),
            warnings=tuple(warnings),
        )

    @staticmethod
    def _root(doc: Document, warnings: list[ParseWarning]) -> etree._Element:
        # the decoded text (control bytes dropped, UTF-16 or a cut character handled by load), as
        # UTF-8 bytes: the parsers are told so, whatever the declaration says
        data = doc.text.encode("utf-8", errors="replace")
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            root = etree.fromstring(data, _LENIENT_PARSER)
            if root is None:
                raise NotAThreadError(doc.path, f"no posts found: unreadable RSS XML ({exc})") from None
            warnings.append(warn(doc, "malformed_xml",
                                 f"the XML is malformed ({exc}); read what libxml2 recovered"))
            return root

    @staticmethod
    def _post(item: etree._Element, floor: int, link: str) -> Post:
        description = _text(item, "description")
        body = clean.clean_body(description)
        fields: dict[str, Any] = body_fields(body)
        author = _text(item, "author") or _text(item, _DC_CREATOR) or None
        meta = dict(fields.pop("meta"))
        if author and _MASKED_AUTHOR_RE.match(author):
            meta["author_masked"] = True
        pid = clean.PID_PARAM.search(link)  # the item link is a findpost link
        return Post(
            floor=floor,
            pid=id_text(pid.group(1)) if pid else None,
            author=author,
            time=_pub_time(_text(item, "pubDate")),
            status=body.status,
            html=description,
            meta=meta,
            **fields,
        )
