"""Discuz! X3.x desktop ``viewthread`` pages (Stage1st and other Discuz forums) → ``Page``.

Reads both a browser "save page, complete" DOM (``<tbody>`` inserted, lazy images swapped)
and the raw "HTML only" server source; the layout is §1 of
../shared/reference/discuz-structure.md. Posts are keyed on ``div#post_PID`` directly holding
``table#pidPID`` so that deleted floors (no ``.plhin``) and banned floors (no ``td.t_f``) are
kept. Flags:

* deleted floor (无效楼层) → status ``deleted``, no author;
* ``div.locked`` instead of a body → ``banned`` (作者被禁止或删除 / 该帖被屏蔽) or ``hidden``
  (仅作者可见, pay/password), ``meta["locked"]`` holds the placeholder text;
* a post the saver blacklisted (``div#post_PID`` with ``display:none``) is kept with its body
  and status ``hidden``, ``meta["hidden_by_viewer"] = True`` (the model's definition of
  ``hidden``: visible only to some viewers);
* a file cut off inside a post: the cut post is dropped and named in a ``truncated`` warning.

A second mode reads "fragments": HTML holding ``td.t_f#postmessage_PID`` bodies with their
``em#authorposton PID`` and ``a.xw1`` author but no ``#postlist`` (e.g. a crawler's dump of one
user's posts from many threads). Floors are then file positions and ``tid`` is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from threadscope.adapters.base import MAX_FLOOR, Document, Page, bounded_int, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.clean import HIDDEN_STYLE, clean_element
from threadscope.forums.discuz.common import (
    CANONICAL,
    DESKTOP_MARKER_RE,
    INLINE_TID_RE,
    RECOMMENDED_LABEL,
    DiscuzAdapter,
    author_name,
    authorid_from_hrefs,
    body_fields,
    floor_from_label,
    floor_problem,
    forum_from_urls,
    forum_of,
    has_class,
    inner_html,
    majority_tid,
    make_rating,
    page_number,
    parse_html,
    rating_header,
    relative_time,
    status_from_locked,
    text_of,
    thread_size,
    time_problem,
    title_from_head,
    uid_from_href,
    warn,
)
from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, parse_time
from threadscope.model import ParseWarning, Post, PostStatus, Rating

# --- detection (§0 "Template detection": body#nv_forum.pg_viewthread plus div#postlist) -------
POST_MARKER_RE = re.compile(r"""id=["']?post_\d+""")
# fragments mode: fixtures/s1-post-bodies/stage1stcrawler-uid555493.html
FRAGMENT_MARKERS = ("postmessage_", "authorposton")

# --- page level (§1.1) -------------------------------------------------------------------------
THREAD_AUTHOR = etree.XPath('descendant-or-self::a[contains(@href, "uid")]')
PAGER_CURRENT = etree.XPath('.//div[contains(concat(" ", normalize-space(@class), " "), " pg ")]/strong')
# a file that ends properly (the csolbbs DOM saves end in `</body>` without `</html>`)
DOCUMENT_END_RE = re.compile(r"</(?:body|html)>\s*$", re.I)

# --- per post (§1.2–1.4) -----------------------------------------------------------------------
# One traversal in document order collects the containers, the id-marked parts of each post
# (`a#postnumPID`, `em#authorpostonPID`, `td#postmessage_PID`, `div#favatarPID`,
# `dl#ratelog_PID`, `tr#_postpositionPID`: each belongs to the container before it) and the
# thread-level anchors. Measured on the 30-post sample (bench/bench_html.py): a union of `//`
# paths walks the tree once per branch (0.8 ms), `descendant::*[@id]` plus a Python filter on
# the ~300 hits takes 0.25 ms.
ID_NODES = etree.XPath("descendant::*[@id]")
ANCHOR_IDS = frozenset({"thread_subject", "tath", "pgt"})
POST_ID_RE = re.compile(r"^post_\d+$")
PART_ID_RE = re.compile(r"(postnum|authorposton|postmessage_|favatar|ratelog_|_postposition)\d+$")
DELETED_FLOOR_NUMBER = etree.XPath('.//div[contains(@class, "pi")]//strong//em')
DELETED_TEXT = "无效楼层"
AUTHOR_LINK = etree.XPath('.//div[contains(@class, "authi")]//a[contains(@class, "xw1")]')
AUTHOR_COLUMN = etree.XPath('.//div[contains(@class, "authi")]')
# author column on the right / missing: the name link next to em#authorposton
AUTHOR_LINK_FALLBACK = etree.XPath('.//a[contains(@href, "uid")][not(contains(@href, "authorid"))]')
AUTHORID_HREFS = etree.XPath('.//a[contains(@href, "authorid=")]/@href')
LOCKED = etree.XPath('.//div[contains(@class, "pcb")]//div[contains(@class, "locked")]')
# checked once per page so that pages without any placeholder skip the per-post search
LOCKED_MARK_RE = re.compile(r"""class=["']?(?:[^"'>]*\s)?locked\b""")
RATE_TABLE = etree.XPath('.//table[contains(@class, "ratl")]')
RATE_HEADERS = etree.XPath('.//th')
RATE_ROWS = etree.XPath('.//tr[starts-with(@id, "rate_")] | .//tbody[contains(@class, "ratl_l")]/tr')
RATE_CELLS = etree.XPath("./td")
ANONYMOUS_NAME = "匿名"
# OP marker on later floors: X3.5 `em.authicn[title=楼主]`, older `img[src*=ico_lz]`, text "楼主|"
OP_ICON = etree.XPath('.//*[contains(@class, "authicn")][@title="楼主"] | .//img[contains(@src, "ico_lz")]')
OP_TEXT_RE = re.compile(r"^\s*楼主\s*\|")

# --- fragments mode ----------------------------------------------------------------------------
FRAGMENT_NODES = etree.XPath(
    '//a[contains(concat(" ", normalize-space(@class), " "), " xw1 ")][contains(@href, "uid")]'
    ' | //em[starts-with(@id, "authorposton")] | //td[starts-with(@id, "postmessage_")]'
)
FRAGMENT_PID_RE = re.compile(r"(\d+)$")


Parts = dict[str, Any]


@dataclass
class _Draft:
    """A post's page-level fields before the thread starter is known."""

    floor: int | None
    pid: str
    status: PostStatus = "normal"
    author: str | None = None
    uid: str | None = None
    op_marker: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


class DiscuzHtmlAdapter(DiscuzAdapter):
    """Discuz! X3.x desktop viewthread pages, and bare post-body fragments."""

    name = "html"
    description = ("Discuz! X3.x desktop viewthread page (saved complete or HTML only); also bare "
                   "td.t_f post-body fragments")

    def sniff(self, doc: Document) -> bool:
        text = doc.text
        if DESKTOP_MARKER_RE.search(text) and POST_MARKER_RE.search(text):
            return True
        return all(marker in text for marker in FRAGMENT_MARKERS)

    def parse(self, doc: Document) -> Page:
        warnings: list[ParseWarning] = []
        root = parse_html(doc, warnings)
        index = _index(root)
        containers = index.posts
        if not containers:
            if all(marker in doc.text for marker in FRAGMENT_MARKERS):
                return _parse_fragments(doc, root, warnings)
            raise NotAThreadError(doc.path, "no posts found: no div#post_PID holding table#pidPID "
                                            "(not a Discuz desktop viewthread page)")
        containers, cut_warning = _drop_cut_post(doc, containers)
        if cut_warning:
            warnings.append(cut_warning)
        drafts: list[_Draft] = []
        seen: set[str] = set()
        has_locked = LOCKED_MARK_RE.search(doc.text) is not None
        for container, parts in containers:
            draft = _read_post(doc, container, parts, has_locked, warnings)
            if draft is not None and draft.pid in seen:
                warnings.append(warn(doc, "repeated_post", f"post pid {draft.pid} appears twice on this "
                                     "page; kept the first copy", draft.floor))
            if draft is None or draft.pid in seen:
                continue
            seen.add(draft.pid)
            drafts.append(draft)
        if not drafts:
            raise NotAThreadError(doc.path, "no posts found: every post container was unreadable")

        starter, starter_uid = _starter(index, drafts)
        posts = tuple(_finish(draft, starter_uid) for draft in drafts)
        return Page(
            source=doc.path, posts=posts, forum=forum_of(doc, root), tid=_tid(doc, root, index),
            timezone=DISCUZ_TIMEZONE,
            title=_title(index, root), starter=starter, starter_uid=starter_uid,
            order=_page(index, root), total_floors=thread_size(root),
            warnings=tuple(warnings),
        )


# --- page level ---------------------------------------------------------------------------------

@dataclass
class _Index:
    """What the one traversal found: post containers with their parts, thread-level anchors."""

    posts: list[tuple[Any, Parts]] = field(default_factory=list)
    anchors: dict[str, Any] = field(default_factory=dict)


def _index(root: Any) -> _Index:
    index = _Index()
    for element in ID_NODES(root):
        element_id = element.get("id", "")
        if element_id.startswith("post_") and POST_ID_RE.match(element_id):
            table = element.find("table")
            if element.tag == "div" and table is not None and table.get("id", "").startswith("pid"):
                index.posts.append((element, {}))
            continue
        match = PART_ID_RE.match(element_id)
        if match:
            if index.posts:
                index.posts[-1][1].setdefault(match.group(1), element)
        elif element_id in ANCHOR_IDS:
            index.anchors.setdefault(element_id, element)
    return index


def _drop_cut_post(doc: Document, containers: list[tuple[Any, Parts]]
                   ) -> tuple[list[tuple[Any, Parts]], ParseWarning | None]:
    """Drop the last post when the file ends inside it.

    libxml2 closes every open element at end of file, so a cut post still parses. A complete
    post either has content after it (the next post, ``div#postlistreply``, the page footer) or
    reaches its ``tr#_postpositionPID`` row, which the template emits after the body, the
    rating log and the signature; a deleted floor is complete once its 无效楼层 text is there.
    """
    last, parts = containers[-1]
    pid = last.get("id", "")[len("post_"):]
    complete = (
        _has_following_content(last)
        or "_postposition" in parts
        or DELETED_TEXT in text_of(last)
    )
    if complete:
        if not DOCUMENT_END_RE.search(doc.text[-200:]):
            return containers, warn(doc, "truncated", "the file ends before </body>: posts after the "
                                    "last complete one on this page may be missing")
        return containers, None
    label = text_of(parts["postnum"]) if "postnum" in parts else "?"
    floor = floor_from_label(label)
    return containers[:-1], warn(
        doc, "truncated",
        f"the file ends inside post pid {pid} (floor label {label!r}); that post is dropped and "
        "any later floors of this page are missing", floor=floor,
    )


def _has_following_content(element: Any) -> bool:
    node = element
    while node is not None:
        if node.getnext() is not None:
            return True
        node = node.getparent()
        if node is not None and node.tag == "body":
            return False
    return False


def _tid(doc: Document, root: Any, index: _Index) -> str | None:
    match = INLINE_TID_RE.search(doc.text)
    if match and id_text(match.group(1)) is not None:
        return id_text(match.group(1))
    tid = majority_tid(CANONICAL(root))
    if tid is not None:
        return tid
    return majority_tid(parts["postnum"].get("href", "") for _, parts in index.posts
                        if "postnum" in parts)


def _title(index: _Index, root: Any) -> str | None:
    subject = index.anchors.get("thread_subject")
    if subject is not None:
        return text_of(subject) or None
    return title_from_head(root)


def _page(index: _Index, root: Any) -> int:
    pager = index.anchors.get("pgt")
    if pager is not None:
        for strong in PAGER_CURRENT(pager):
            number = bounded_int(text_of(strong), 1, MAX_FLOOR)
            if number is not None:
                return number
    return page_number(root)


def _starter(index: _Index, drafts: list[_Draft]) -> tuple[str | None, str | None]:
    first = next((d for d in drafts if d.floor == 1 and d.status != "deleted"), None)
    if first is not None:
        return first.author, first.uid
    tath = index.anchors.get("tath")
    for link in THREAD_AUTHOR(tath) if tath is not None else ():
        return text_of(link) or None, uid_from_href(link.get("href"))
    return None, None


def _finish(draft: _Draft, starter_uid: str | None) -> Post:
    is_op = draft.floor == 1 or draft.op_marker or (
        starter_uid is not None and draft.uid == starter_uid)
    meta = {**draft.fields.pop("meta", {}), **draft.meta}
    return Post(floor=draft.floor or 0, pid=draft.pid, author=draft.author, uid=draft.uid,
                is_op=is_op, status=draft.status, meta=meta, **draft.fields)


# --- per post -----------------------------------------------------------------------------------

def _read_post(doc: Document, container: Any, parts: Parts, has_locked: bool,
               warnings: list[ParseWarning]) -> _Draft | None:
    table = container.find("table")
    pid_text = (table.get("id") or "")[len("pid"):]
    pid = id_text(pid_text)
    if pid is None:
        return None

    if not has_class(table, "plhin") and DELETED_TEXT in text_of(table):
        numbers = [text_of(em) for em in DELETED_FLOOR_NUMBER(table)]
        floor = next((f for n in numbers for f in [bounded_int(n, 1, MAX_FLOOR)] if f is not None), None)
        if floor is None:
            warnings.append(warn(doc, "no_floor", f"deleted post pid {pid} shows no floor number"))
            return None
        return _Draft(floor=floor, pid=pid, status="deleted")

    floor = _floor(doc, parts.get("postnum"), pid_text, warnings)
    if floor is None:
        return None
    draft = _Draft(floor=floor, pid=pid)
    _read_author(container, parts, draft)
    _read_time(doc, parts.get("authorposton"), draft, warnings)
    _read_body(container, parts.get("postmessage_"), has_locked, draft)
    if "ratelog_" in parts:
        ratings = _ratings(parts["ratelog_"], draft)
        if ratings:
            draft.fields["ratings"] = ratings
    if HIDDEN_STYLE.search(container.get("style") or ""):
        draft.meta["hidden_by_viewer"] = True
        if draft.status == "normal":
            draft.status = "hidden"
    return draft


def _floor(doc: Document, link: Any, pid: str, warnings: list[ParseWarning]) -> int | None:
    if link is None:
        warnings.append(warn(doc, "no_floor", f"post pid {pid} has no a#postnum{pid}; skipped"))
        return None
    label = text_of(link)
    floor = floor_from_label(label)
    # The first post links to the thread itself instead of redirect&goto=findpost.
    href = link.get("href") or ""
    if floor is None and "goto=findpost" not in href and "tid=" in href:
        floor = 1
    if floor is None:
        if label == RECOMMENDED_LABEL:
            warnings.append(warn(doc, "recommended_copy", f"post pid {pid} is a 推荐 copy shown above "
                                 "the replies; its own floor carries it"))
        elif floor_problem(label):
            warnings.append(warn(doc, "floor_out_of_range", f"post pid {pid}: {floor_problem(label)}; "
                                 "skipped"))
        else:
            warnings.append(warn(doc, "no_floor", f"post pid {pid}: unknown floor label {label!r}; skipped"))
    return floor


def _read_author(container: Any, parts: Parts, draft: _Draft) -> None:
    column = parts.get("favatar")
    time_em = parts.get("authorposton")
    # div.pti > div.authi around em#authorposton: OP marker, fallback name link, 只看该作者
    authi = time_em.getparent() if time_em is not None else None
    links = AUTHOR_LINK(column) if column is not None else []
    if not links and authi is not None:
        links = AUTHOR_LINK_FALLBACK(authi.getparent().getparent())
    if links:
        draft.author = text_of(links[0]) or None
        draft.uid = uid_from_href(links[0].get("href"))
    else:
        names = AUTHOR_COLUMN(column) if column is not None else []
        draft.author = author_name(text_of(names[0]) if names else "", draft.meta)
        if draft.author == ANONYMOUS_NAME:
            draft.meta["anonymous"] = True
    if draft.uid is None:
        # 只看该作者 link: authorid= is the post author's uid
        draft.uid = authorid_from_hrefs(AUTHORID_HREFS(authi if authi is not None else container))
    if authi is not None and (OP_ICON(authi) or OP_TEXT_RE.match(text_of(authi))):
        draft.op_marker = True


def _read_time(doc: Document, em: Any, draft: _Draft, warnings: list[ParseWarning]) -> None:
    if em is None:
        return
    titled = em.xpath(".//span[@title]/@title")
    time = parse_time(titled[0]) if titled else None
    text = text_of(em)
    if time is None:
        time = parse_time(text)
    if time is not None:
        draft.fields["time"] = time
        return
    warning = relative_time(doc, text, draft.floor, draft.meta) or time_problem(
        doc, titled[0] if titled else text, draft.floor)
    if warning is not None:
        warnings.append(warning)


def _read_body(container: Any, body_el: Any, has_locked: bool, draft: _Draft) -> None:
    # `div.locked` inside the body marks [hide] content: that is the cleaner's business.
    locked = " ".join(text_of(div) for div in LOCKED(container)
                      if body_el is None or not _is_inside(div, body_el)) if has_locked else ""
    if body_el is None:
        draft.status = status_from_locked(locked) or "hidden"
        draft.meta["locked"] = locked
        return
    if locked:
        # a moderator's save: the banned flag sits above a body that stays readable
        draft.meta["locked"] = locked
        draft.status = status_from_locked(locked) or "normal"
    html = inner_html(body_el)
    body = clean_element(body_el)
    draft.fields.update(body_fields(body), html=html)
    if body.status != "normal" and draft.status == "normal":
        draft.status = body.status


def _is_inside(element: Any, ancestor: Any) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _ratings(ratelog: Any, draft: _Draft) -> tuple[Rating, ...]:
    tables = RATE_TABLE(ratelog)
    if not tables:
        return ()
    table = tables[0]
    headers = [text_of(th) for th in RATE_HEADERS(table)]
    if headers:
        rating_header(headers[0], headers[1:-1], draft.meta)
    ratings: list[Rating] = []
    for row in RATE_ROWS(table):
        cells = RATE_CELLS(row)
        if len(cells) < 2:
            continue
        reason = text_of(cells[-1]) if len(cells) >= 3 else ""
        rating = make_rating(text_of(cells[0]), text_of(cells[1]), reason)
        if rating is not None:
            ratings.append(rating)
    return tuple(ratings)


# --- fragments ----------------------------------------------------------------------------------

def _parse_fragments(doc: Document, root: Any, warnings: list[ParseWarning]) -> Page:
    """Bodies glued together without the page around them: author link, time, body in order."""
    posts: list[Post] = []
    author: str | None = None
    uid: str | None = None
    author_href: str | None = None
    pending: tuple[str, Any] | None = None  # (pid, time) of the last em#authorposton
    for node in FRAGMENT_NODES(root):
        if node.tag == "a":
            author_href = node.get("href")
            author, uid = text_of(node) or None, uid_from_href(author_href)
        elif node.tag == "em":
            match = FRAGMENT_PID_RE.search(node.get("id", ""))
            pending = (id_text(match.group(1)) or "", parse_time(text_of(node))) if match else None
        else:
            match = FRAGMENT_PID_RE.search(node.get("id", ""))
            pid = id_text(match.group(1)) if match else None
            if pid is None:
                continue
            time = pending[1] if pending and pending[0] == pid else None
            body = clean_element(node)
            fields = body_fields(body)
            html = inner_html(node)
            status = body.status
            posts.append(Post(floor=len(posts) + 1, pid=pid, author=author, uid=uid, time=time,
                              status=status, html=html, **fields))
            pending = None
    if not posts:
        raise NotAThreadError(doc.path, "no posts found: no td.t_f#postmessage_PID bodies")
    warning = warn(doc, "fragments", f"no #postlist: {len(posts)} bare post bodies read in file order; "
                   "floor numbers are positions in this file, not thread floors, and the thread id is "
                   "unknown (the posts may come from many threads)")
    return Page(source=doc.path, posts=tuple(posts),
                forum=forum_from_urls([author_href]) or "discuz", tid=None, title=None,
                timezone=DISCUZ_TIMEZONE,
                order=None, warnings=(*warnings, warning))
