"""Discuz! 6 and 7 desktop ``viewthread.php`` pages → ``Page``.

Two real layouts (both GBK, both in samples/ with their provenance):

* Discuz! 7.2 (4d4y.com, 2010): ``div#postlist > div#post_PID > table#pidPID``; author in
  ``td.postauthor div.postinfo > a[href*=uid]``; floor ``a#postnumPID > em N + sup #``; time
  ``em#authorpostonPID`` "发表于 2010-3-5 15:31"; body ``td.t_msgfont#postmessage_PID``; a banned
  author's post has ``div.locked`` "提示: 作者被禁止或删除 内容自动屏蔽" instead of a body.
* Discuz! 6 template (1984bbs.com, 2009–2010): one ``div.mainbox.viewthread > table#pidPID``
  per post; author ``td.postauthor cite > a``; floor ``strong#postnumPID`` "12楼"; time as text
  "发表于 2009-8-13 13:25" in ``div.postinfo``; body ``div.t_msgfont#postmessage_PID``.

Quotes (``<div class="quote">[<h5>引用:</h5>]<blockquote>原帖由 <i>NAME</i> 于 TIME 发表 …``) and
every other body markup go to ``clean``; who answers whom to the Discuz resolver. Posts are keyed
on ``table#pidPID`` so a post without a body (banned, hidden) is kept with its status.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from threadscope.adapters.base import MAX_FLOOR, Document, Page, bounded_int, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.clean import clean_element
from threadscope.forums.discuz.common import (
    INLINE_TID_RE,
    DiscuzAdapter,
    author_name,
    authorid_from_hrefs,
    body_fields,
    floor_from_label,
    forum_of,
    inner_html,
    majority_tid,
    parse_html,
    relative_time,
    status_from_locked,
    text_of,
    time_problem,
    title_from_head,
    uid_from_href,
    warn,
)
from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, parse_time
from threadscope.model import ParseWarning, Post, PostStatus

# --- detection ---------------------------------------------------------------------------------
# The body element of Discuz 6/7 carries both `id="postmessage_PID"` and `class="t_msgfont"`, in
# either order (7.2: td class first; 6: div id first). X2+ writes `td.t_f` instead [tpl X2/X3].
BODY_MARKER_RE = re.compile(
    r"""<(?:td|div)\s[^>]*(?:id=["']?postmessage_\d+["']?[^>]*class=["']?t_msgfont"""
    r"""|class=["']?t_msgfont["']?[^>]*id=["']?postmessage_\d+)"""
)
POST_TABLE_RE = re.compile(r"""<table[^>]*\sid=["']?pid\d+""")

# --- per post ----------------------------------------------------------------------------------
POST_TABLES = etree.XPath('//table[starts-with(@id, "pid")]')
PID_ID_RE = re.compile(r"^pid(\d+)$")
# the first profile link in the author column (6: cite > a; 7: div.postinfo > a); pm/buddy links
# of the pop-up card come later and are not `space` links
_POSTAUTHOR = 'td[contains(concat(" ", normalize-space(@class), " "), " postauthor ")]'
AUTHOR_CELL = etree.XPath(f"./tr/{_POSTAUTHOR} | ./tbody/tr/{_POSTAUTHOR}")
AUTHOR_LINK = etree.XPath('.//a[contains(@href, "space")][normalize-space()]')
AUTHOR_NAME = etree.XPath('.//cite | .//div[contains(@class, "postinfo")]')
AUTHORID_HREFS = etree.XPath('.//a[contains(@href, "authorid=")]/@href')
POSTINFO = etree.XPath('.//td[contains(@class, "postcontent")]//div[contains(@class, "postinfo")]')
LOCKED = etree.XPath('.//div[contains(@class, "locked")]')
# attachment images listed after the body (7.2 `dl.t_attachlist img[file]`) [4d4y page]
ATTACHED_IMAGES = etree.XPath('.//dl[contains(@class, "t_attachlist")]//img/@file')
# "12楼" (1984bbs's Discuz 6 theme) besides "12#" / 楼主 / 沙发 (common.floor_from_label)
FLOOR_LOU_RE = re.compile(r"^\s*(\d+)\s*楼\s*$")
POSTED_AT_RE = re.compile(r"发表于\s*([^\n|]*)")
ANONYMOUS_NAME = "匿名"

# --- page level --------------------------------------------------------------------------------
# 7.2: `div#threadtitle h1`; 6: the first `div.mainbox.viewthread h1` [samples]
THREAD_TITLE = etree.XPath('//div[@id="threadtitle"]/h1 | //div[contains(@class, "viewthread")]/h1')
# `div.pages > strong` is the current page in both (X writes `div.pg`) [samples]
CURRENT_PAGE = etree.XPath('//div[contains(concat(" ", normalize-space(@class), " "), " pages ")]/strong')


class DiscuzLegacyAdapter(DiscuzAdapter):
    """Discuz! 6 / 7 desktop ``viewthread.php`` pages (GBK or UTF-8)."""

    name = "discuz7"
    description = ("Discuz! 6/7 desktop viewthread.php page (td.postauthor, postmessage_PID.t_msgfont; "
                   "GBK or UTF-8)")

    def sniff(self, doc: Document) -> bool:
        text = doc.text
        return BODY_MARKER_RE.search(text) is not None and POST_TABLE_RE.search(text) is not None

    def parse(self, doc: Document) -> Page:
        warnings: list[ParseWarning] = []
        root = parse_html(doc, warnings)
        posts: list[Post] = []
        seen: set[str] = set()
        for table in POST_TABLES(root):
            match = PID_ID_RE.match(table.get("id", ""))
            pid = id_text(match.group(1)) if match else None
            if pid is None:
                continue
            if pid in seen:
                warnings.append(warn(doc, "repeated_post", f"post pid {pid} appears twice on this page; "
                                     "kept the first copy"))
                continue
            post = _read_post(doc, table, pid, warnings)
            if post is not None:
                seen.add(pid)
                posts.append(post)
        if not posts:
            raise NotAThreadError(doc.path, "no posts found: no table#pidPID with a floor label "
                                            "(not a Discuz 6/7 viewthread page)")
        first = next((p for p in posts if p.floor == 1), None)
        starter, starter_uid = (first.author, first.uid) if first else (None, None)
        if starter_uid is not None:
            posts = [p.with_changes(is_op=True) if p.uid == starter_uid and not p.is_op else p for p in posts]
        return Page(
            source=doc.path, posts=tuple(posts), forum=forum_of(doc, root), tid=_tid(doc, root),
            title=_title(root), starter=starter, starter_uid=starter_uid, timezone=DISCUZ_TIMEZONE,
            order=_page(root), warnings=tuple(warnings),
        )


def _tid(doc: Document, root: Any) -> str | None:
    match = INLINE_TID_RE.search(doc.text)
    if match and id_text(match.group(1)) is not None:
        return id_text(match.group(1))
    return majority_tid(root.xpath('//a[contains(@href, "tid=")]/@href'))


def _title(root: Any) -> str | None:
    for h1 in THREAD_TITLE(root):
        title = text_of(h1)
        if title:
            return title
    return title_from_head(root)


def _page(root: Any) -> int:
    for strong in CURRENT_PAGE(root):
        number = bounded_int(text_of(strong), 1, MAX_FLOOR)
        if number is not None:
            return number
    return 1


def _floor(doc: Document, table: Any, pid: str, warnings: list[ParseWarning]) -> int | None:
    labels = table.xpath(f'.//*[@id="postnum{pid}"]')
    if not labels:
        warnings.append(warn(doc, "no_floor", f"post pid {pid} has no #postnum{pid} floor label; skipped"))
        return None
    label = text_of(labels[0])
    lou = FLOOR_LOU_RE.match(label)
    floor = bounded_int(lou.group(1), 1, MAX_FLOOR) if lou else floor_from_label(label)
    if floor is None:
        warnings.append(warn(doc, "no_floor", f"post pid {pid}: unknown floor label {label!r}; skipped"))
    return floor


def _read_post(doc: Document, table: Any, pid: str, warnings: list[ParseWarning]) -> Post | None:
    floor = _floor(doc, table, pid, warnings)
    if floor is None:
        return None
    meta: dict[str, Any] = {}
    author, uid = _author(table, meta)
    time = _time(doc, table, pid, floor, meta, warnings)
    status: PostStatus = "normal"
    fields: dict[str, Any] = {}
    bodies = table.xpath(f'.//*[@id="postmessage_{pid}"]')
    body_el = bodies[0] if bodies else None
    if body_el is None:
        locked = " ".join(text_of(div) for div in LOCKED(table))
        status = status_from_locked(locked) or "hidden"
        meta["locked"] = locked
        if not locked:
            warnings.append(warn(doc, "no_body", f"post pid {pid} has neither a body nor a 提示 "
                                 "placeholder; kept with status hidden", floor))
    else:
        body = clean_element(body_el)
        fields = body_fields(body)
        fields["html"] = inner_html(body_el)
        meta.update(fields.pop("meta"))
        status = body.status
        attached = [src for src in ATTACHED_IMAGES(table) if src]
        if attached:
            fields["images"] = (*fields["images"], *(s for s in attached if s not in fields["images"]))
    return Post(floor=floor, pid=pid, author=author, uid=uid, time=time, is_op=floor == 1,
                status=status, meta=meta, **fields)


def _author(table: Any, meta: dict[str, Any]) -> tuple[str | None, str | None]:
    cells = AUTHOR_CELL(table)
    cell = cells[0] if cells else table
    links = AUTHOR_LINK(cell)
    if links:
        return text_of(links[0]) or None, uid_from_href(links[0].get("href"))
    names = AUTHOR_NAME(cell)
    name = author_name(text_of(names[0]) if names else "", meta)
    if name == ANONYMOUS_NAME:
        meta["anonymous"] = True
    return name, authorid_from_hrefs(AUTHORID_HREFS(table))


def _time(doc: Document, table: Any, pid: str, floor: int, meta: dict[str, Any],
          warnings: list[ParseWarning]) -> Any:
    ems = table.xpath(f'.//em[@id="authorposton{pid}"]')
    if ems:
        text = text_of(ems[0])
    else:
        infos = POSTINFO(table)
        match = POSTED_AT_RE.search(text_of(infos[0])) if infos else None
        text = match.group(1).strip() if match else ""
    time = parse_time(text)
    if time is not None:
        return time
    warning = relative_time(doc, text, floor, meta) or time_problem(doc, text, floor)
    if warning is not None:
        warnings.append(warning)
    return None
