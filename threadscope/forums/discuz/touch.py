"""Discuz! touch pages (``viewthread&mobile=2``) → ``Page``.

Two markups (§2 of ../shared/reference/discuz-structure.md): the X3.5 template
(``div.viewthread > div.plc.cl#pidPID``, ``li.mtit`` floor/author, ``li.mtime`` date) and the
X3.2–3.4 one (``li.grey > em FLOOR + b > a.blue NAME``, ``li.grey.rela`` date). The body is
``div.message``; banned and hidden posts show a ``div.quote`` placeholder there instead of a
quote, which is taken off before the body goes to the cleaner.

Mobile pages print recent dates only relatively ("3&nbsp;小时前") with no absolute title:
such a post is kept with ``time=None``, ``meta["relative_time"]`` and a warning.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from threadscope.adapters.base import Document, Page, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.clean import clean_element
from threadscope.forums.discuz.common import (
    DESKTOP_MARKER_RE,
    MODERATOR_VIEW_RE,
    RECOMMENDED_LABEL,
    DiscuzAdapter,
    author_name,
    authorid_from_hrefs,
    body_fields,
    floor_from_label,
    floor_problem,
    forum_of,
    inner_html,
    majority_tid,
    make_rating,
    own_text,
    page_number,
    parse_html,
    rating_header,
    relative_time,
    status_from_locked,
    text_of,
    time_problem,
    title_from_head,
    uid_from_href,
    warn,
)
from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, parse_time
from threadscope.model import ParseWarning, Post, PostStatus, Rating

# --- detection: touch/forum/viewthread.htm [tpl X3.5]; X3.2–3.4 `li.grey` markup -----------------
TOUCH_POST_RE = re.compile(r"""<div[^>]*\bid=["']?pid\d+""")
TOUCH_BODY_RE = re.compile(r"""class=["']?message\b""")

POSTS = etree.XPath('//div[contains(concat(" ", normalize-space(@class), " "), " plc ")]'
                    '[starts-with(@id, "pid")]')
# X3.5: li.mtit > span.y FLOOR, span.z > a NAME; li.mtime DATE
NEW_FLOOR = etree.XPath('.//li[contains(@class, "mtit")]/span[contains(@class, "y")]')
NEW_AUTHOR = etree.XPath('.//li[contains(@class, "mtit")]/span[contains(@class, "z")]')
NEW_TIME = etree.XPath('.//li[contains(@class, "mtime")]')
# X3.2–3.4: li.grey > em FLOOR, b > a.blue NAME; li.grey.rela DATE
OLD_HEAD = etree.XPath('.//li[contains(@class, "grey")][not(contains(@class, "rela"))]')
OLD_TIME = etree.XPath('.//li[contains(@class, "grey")][contains(@class, "rela")]')
MESSAGE = etree.XPath('.//div[contains(concat(" ", normalize-space(@class), " "), " message ")]')
# Placeholders inside div.message: `div.quote` (X3.5) / `div.grey.quote` (older) with the 提示 text,
# `span.quote` 警告 notice, `h2 > strong` reply subject [tpl].
PLACEHOLDER = etree.XPath('./div[contains(@class, "quote")][not(.//blockquote)]')
WARNED = etree.XPath('./span[contains(@class, "quote")]')
REPLY_SUBJECT = etree.XPath('./h2[strong]')
# 评分: div#ratelog_PID > dd > ul.post_box > li.flex-box rows (ratelogon) [tpl][client s1er]
RATE_ROWS = etree.XPath('.//*[@id=concat("ratelog_", $pid)]//li[contains(@class, "flex-box")]')
RATE_CELLS = etree.XPath('./div')
# without ratelogon: li.b0 > a.murl > p.mtit NAME, p.mtit > em.xi1 "战斗力 + 1"
RATE_AVATAR_ROWS = etree.XPath('.//*[@id=concat("ratelog_", $pid)]//li[contains(@class, "b0")]')
PARTICIPANTS_LABEL = "参与人数"
# thread title: X3.5 `div.view_tit` (type/sort prefixes in <em>, state in <span>); older `h2`
VIEW_TITLE = etree.XPath('//div[contains(@class, "view_tit")]')
OLD_TITLE = etree.XPath('//div[contains(@class, "postlist")]/h2 | //div[@class="vt"]//h2')
# "只看楼主": a[href*=authorid=] outside the posts' bodies gives the thread author's uid (§2)
AUTHORID_LINKS = etree.XPath('//a[contains(@href, "authorid=")]'
                             '[not(ancestor::div[contains(@class, "message")])]/@href')
THREAD_LINKS = etree.XPath('//a[contains(@href, "tid=") or contains(@href, "thread-")]'
                           '[not(ancestor::div[contains(@class, "message")])]/@href')


class DiscuzTouchAdapter(DiscuzAdapter):
    """Discuz! touch (mobile=2) viewthread pages, X3.5 and X3.2–3.4 markup."""

    name = "touch"
    description = "Discuz! touch viewthread page (mobile=2; X3.5 div.plc and X3.2–3.4 li.grey markup)"

    def sniff(self, doc: Document) -> bool:
        text = doc.text
        return (TOUCH_POST_RE.search(text) is not None and TOUCH_BODY_RE.search(text) is not None
                and DESKTOP_MARKER_RE.search(text) is None)

    def parse(self, doc: Document) -> Page:
        warnings: list[ParseWarning] = []
        root = parse_html(doc, warnings)
        posts: list[Post] = []
        seen: set[str | None] = set()
        for element in POSTS(root):
            post = _read_post(doc, element, warnings)
            if post is not None and post.pid in seen:
                warnings.append(warn(doc, "repeated_post", f"post pid {post.pid} appears twice on this "
                                     "page; kept the first copy", post.floor))
            elif post is not None:
                seen.add(post.pid)
                posts.append(post)
        if not posts:
            raise NotAThreadError(doc.path, "no posts found: no div.plc#pidPID with a floor label "
                                            "(not a Discuz touch viewthread page)")
        starter, starter_uid = _starter(posts)
        if starter_uid is None:
            starter_uid = authorid_from_hrefs(AUTHORID_LINKS(root))
        # the page names its starter; load.assemble settles every post's is_op from it
        return Page(
            source=doc.path, posts=tuple(posts), forum=forum_of(doc, root), timezone=DISCUZ_TIMEZONE,
            tid=majority_tid(THREAD_LINKS(root)), title=_title(root), starter=starter,
            starter_uid=starter_uid, order=page_number(root), warnings=tuple(warnings),
        )


def _title(root: Any) -> str | None:
    for div in VIEW_TITLE(root):
        # the subject is the div's own text; <em>[type]</em> and <span>(审核中)</span> are extras
        own = own_text(div)
        if own:
            return own
    for h2 in OLD_TITLE(root):
        return text_of(h2) or None
    return title_from_head(root)


def _starter(posts: list[Post]) -> tuple[str | None, str | None]:
    first = next((p for p in posts if p.floor == 1 and p.status != "deleted"), None)
    return (first.author, first.uid) if first else (None, None)


def _head(element: Any) -> tuple[str, Any, Any] | None:
    """(floor label, author holder, time holder) in either markup."""
    floors = NEW_FLOOR(element)
    if floors:
        authors, times = NEW_AUTHOR(element), NEW_TIME(element)
        return text_of(floors[0]), authors[0] if authors else None, times[0] if times else None
    heads = OLD_HEAD(element)
    if heads:
        head = heads[0]
        em, bold = head.find("em"), head.find("b")
        times = OLD_TIME(element)
        return text_of(em), bold if bold is not None else head, times[0] if times else None
    return None


def _read_post(doc: Document, element: Any, warnings: list[ParseWarning]) -> Post | None:
    pid_text = element.get("id", "")[len("pid"):]
    pid = id_text(pid_text)
    if pid is None:
        return None
    head = _head(element)
    if head is None:
        warnings.append(warn(doc, "no_floor", f"post pid {pid_text} has no floor label; skipped"))
        return None
    label, author_el, time_el = head
    floor = floor_from_label(label)
    if floor is None:
        problem = floor_problem(label)
        code = ("recommended_copy" if label == RECOMMENDED_LABEL
                else "floor_out_of_range" if problem else "no_floor")
        reason = problem or f"floor label {label!r} has no number"
        warnings.append(warn(doc, code, f"post pid {pid}: {reason}; skipped"))
        return None
    meta: dict[str, Any] = {}
    author, uid = _author(author_el, meta)
    time = _time(doc, time_el, floor, meta, warnings)
    status: PostStatus = "normal"
    fields: dict[str, Any] = {}
    messages = MESSAGE(element)
    if messages:
        status, fields = _body(messages[0], meta)
    ratings = _ratings(element, pid_text, meta)
    fields_meta = fields.pop("meta", {})
    return Post(floor=floor, pid=pid, author=author, uid=uid, time=time, status=status,
                ratings=ratings, meta={**fields_meta, **meta}, **fields)


def _author(holder: Any, meta: dict[str, Any]) -> tuple[str | None, str | None]:
    if holder is None:
        return None, None
    links = holder.xpath('.//a[contains(@href, "uid")]')
    if links:
        return text_of(links[0]) or None, uid_from_href(links[0].get("href"))
    return author_name(text_of(holder), meta), None


def _time(doc: Document, holder: Any, floor: int, meta: dict[str, Any],
          warnings: list[ParseWarning]) -> Any:
    if holder is None:
        return None
    # The date is the li's own text: li.mtime also holds floor 1's views/replies (span.y) and
    # manage/edit links (em.mgl, div.manage).
    text = own_text(holder) or text_of(holder)
    time = parse_time(text) or parse_time(text_of(holder))
    if time is None:
        warning = relative_time(doc, text, floor, meta) or time_problem(doc, text, floor)
        if warning is not None:
            warnings.append(warning)
    return time


def _body(message: Any, meta: dict[str, Any]) -> tuple[PostStatus, dict[str, Any]]:
    status: PostStatus = "normal"
    for placeholder in PLACEHOLDER(message):
        text = text_of(placeholder)
        found = status_from_locked(text)
        if found is None:
            continue
        meta["locked"] = text
        # a moderator's view keeps the body after the flag; otherwise the flag is all there is
        status = found
        _drop_keep_tail(placeholder)
        if MODERATOR_VIEW_RE.search(text):
            break
    for notice in WARNED(message):
        meta["warned"] = text_of(notice)
        _drop_keep_tail(notice)
    for subject in REPLY_SUBJECT(message):
        meta["subject"] = text_of(subject)
        _drop_keep_tail(subject)
    html = inner_html(message)
    if status != "normal" and not text_of(message):
        return status, {"html": html}
    body = clean_element(message)
    fields = body_fields(body)
    fields["html"] = html
    if body.status != "normal" and status == "normal":
        status = body.status
    return status, fields


def _drop_keep_tail(element: Any) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _ratings(element: Any, pid: str, meta: dict[str, Any]) -> tuple[Rating, ...]:
    ratings: list[Rating] = []
    for row in RATE_ROWS(element, pid=pid):
        cells = RATE_CELLS(row)
        texts = [text_of(cell) for cell in cells]
        if texts and texts[0].startswith(PARTICIPANTS_LABEL):
            rating_header(texts[0], texts[1:-1], meta)
            continue
        if len(cells) < 3:  # the 查看全部评分 link row
            continue
        rating = make_rating(texts[0], texts[1], texts[-1])
        if rating is not None:
            ratings.append(rating)
    for row in RATE_AVATAR_ROWS(element, pid=pid):
        names = row.xpath('.//p[contains(@class, "mtit")][not(.//em) and not(.//span)]')
        scores = row.xpath('.//p[contains(@class, "mtit")][.//em or .//span]')
        if names and scores:
            rating = make_rating(text_of(names[0]), text_of(scores[0]), "")
            if rating is not None:
                ratings.append(rating)
    return tuple(ratings)

