"""Page-level helpers shared by the Discuz desktop (``html``) and touch (``touch``) adapters;
``body_fields``, ``warn`` and the URL helpers serve the API, RSS and text adapters as well.

Everything here reads page chrome: floor labels, uids, thread ids, hosts, rating rows,
``div.locked`` placeholders. Post bodies go to ``threadscope.forums.discuz.clean`` and nowhere else.
References are to ../shared/reference/discuz-structure.md (§ numbers).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from threadscope.adapters.base import MAX_FLOOR, Document, bounded_int, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.clean import Body
from threadscope.forums.discuz.resolver import DiscuzResolver
from threadscope.forums.discuz.times import invalid_time, is_relative_time
from threadscope.model import ParseWarning, PostStatus, Rating

# Profile links: plain `home.php?mod=space&uid=N` (csolbbs X3.3) and rewritten
# `space-uid-N.html` (S1, `home_space` in setting_rewritestatus) — §1.3 "author uid".
UID_RE = re.compile(r"(?:[?&;]uid=|space-uid-)(\d+)")
# "只看该作者" / "只看楼主" links carry the author's uid in `authorid=` (§1.3, §2).
AUTHORID_RE = re.compile(r"[?&;]authorid=(\d+)")
# Thread ids in hrefs: `tid=`/`ptid=` (forum.php routes) and rewritten `thread-T-P-1.html`.
TID_RE = re.compile(r"(?:[?&;]p?tid=|thread-)(\d+)")
# Inline JS on every X3 desktop page: `var fid = parseInt('37'), tid = parseInt('38672');` [X3.3]
INLINE_TID_RE = re.compile(r"\btid\s*=\s*parseInt\(\s*'(\d+)'\s*\)")

# postno labels (cache_custominfo_postno): S1 2013 and csolbbs X3.3 use 楼主/沙发/板凳/地板 (§1.3).
FLOOR_LABELS: Mapping[str, int] = {"楼主": 1, "沙发": 2, "板凳": 3, "地板": 4}
# A stuck reply (置顶回复) reads "来自 N#" (template `{lang from} {$post[number]}{$postnostick}`).
STUCK_FLOOR_RE = re.compile(r"来自\s*(\d+)\s*#")
# A recommended (hot) reply repeated at the top of page 1 has number -1 and the label 推荐.
RECOMMENDED_LABEL = "推荐"
FLOOR_NUMBER_RE = re.compile(r"^\s*(\d+)\s*#?\s*$")

# Desktop viewthread pages have `div#postlist` (§0 "Template detection"); touch pages never do.
DESKTOP_MARKER_RE = re.compile(r"""id=["']?postlist\b""")

# A deleted user's name reads `NAME <em>该用户已被删除</em>` in both templates (§1.3 author name, §2).
DELETED_USER_MARK = "该用户已被删除"

# Hosts that are Stage1st (old bbs.saraba1st.com/2b and 2025– stage1st.com/2b, §0).
S1_HOST_RE = re.compile(r"(?:^|\.)(?:saraba1st|stage1st)\.com$")
S1_FORUM = "stage1st"

# `div.locked` / touch `div.quote` placeholder texts → status (§1.4, template lang_message).
LOCKED_STATUSES: tuple[tuple[re.Pattern[str], PostStatus], ...] = (
    (re.compile(r"作者被禁止或删除|该帖被管理员或版主屏蔽"), "banned"),
    (re.compile(r"仅作者可见|需要积分高于|密码|购买|付费"), "hidden"),
)
# The moderator's view keeps the body after the flag ("…，只有管理员或有管理权限的成员可见").
MODERATOR_VIEW_RE = re.compile(r"只有管理员或有管理权限的成员可见")

# Rating score cells: " + 1", "-2", "+10" (table.ratl / touch li.flex-box, §1.3 ratings).
SCORE_RE = re.compile(r"([+-])?\s*(\d+)")
# Rating header cells (§1.3 ratings, §2): "参与人数 N", then per credit "战斗力 +N" (the credit's
# name is what is left once the sum is cut off).
RATING_COUNT_RE = re.compile(r"\d+")
RATING_SUM_RE = re.compile(r"\s*[+-]?\s*\d+\s*$")


class DiscuzAdapter:
    """What every Discuz source shares beyond its page chrome: who-answers-whom is read the
    Discuz way (quotes by pid or header, ``回复 N#``, 楼上/N楼/@name)."""

    resolver = DiscuzResolver()


def warn(doc: Document, code: str, message: str, floor: int | None = None) -> ParseWarning:
    return ParseWarning(code=code, message=message, source=doc.path, floor=floor)


#: libxml2 stops building the tree past 256 nested elements and drops the rest of the file
#: without an exception (issue 12: one 300-deep post made 29 of 30 floors vanish). XML_PARSE_HUGE
#: (lxml's ``huge_tree``) raises the bound to 2048; past that the parser's error log carries
#: this text and the adapter warns that the rest of the file was not read.
DEPTH_LIMIT_ERROR = "Excessive depth"


def depth_warning(doc: Document, parser: etree.HTMLParser) -> ParseWarning | None:
    """A warning when libxml2 gave up on nesting depth (what follows that point is not read)."""
    for entry in parser.error_log:
        if DEPTH_LIMIT_ERROR in entry.message:
            return warn(doc, "too_deep", f"markup nested deeper than libxml2 reads (line {entry.line}): "
                        "the rest of the file after that point is not read; floors there are missing")
    return None


def parse_html(doc: Document, warnings: list[ParseWarning] | None = None) -> lxml.html.HtmlElement:
    """The document tree via libxml2 (keeps stray ``<td>`` in malformed files, trap 9). A
    ``too_deep`` warning goes to ``warnings`` when the nesting stopped the parser."""
    text = doc.text
    if not text.strip():
        raise NotAThreadError(doc.path, "no posts found: the file is empty")
    # lxml refuses str input with an XML encoding declaration; HTML files rarely have one.
    if text.lstrip().startswith("<?xml"):
        text = text.split("?>", 1)[1]
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        # e.g. an unclosed "<!--" (a damaged save) turns the whole file into one comment
        raise NotAThreadError(doc.path, f"no posts found: the HTML has no readable content ({exc})") from None
    too_deep = depth_warning(doc, parser)
    if too_deep is not None and warnings is not None:
        warnings.append(too_deep)
    return root


def has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def text_of(element: etree._Element | None) -> str:
    """Whitespace-collapsed text content (``&nbsp;`` counts as space)."""
    if element is None:
        return ""
    return " ".join(element.text_content().replace("\xa0", " ").split())


def inner_html(element: etree._Element) -> str:
    """The element's content as HTML (one serialization; the start and end tags cut off)."""
    html = etree.tostring(element, encoding="unicode", method="html", with_tail=False)
    start = html.find(">") + 1
    end = html.rfind("</")
    return html[start:end] if end >= start else html[start:]


def own_text(element: etree._Element) -> str:
    """Whitespace-collapsed text of the element itself, without its children's text."""
    return " ".join(" ".join(part.split()) for part in element.xpath("./text()") if part.strip())


def uid_from_href(href: str | None) -> str | None:
    match = UID_RE.search(href or "")
    return id_text(match.group(1)) if match else None


def authorid_from_hrefs(hrefs: Iterable[str]) -> str | None:
    """The uid of the first 只看该作者/只看楼主 link with a non-zero ``authorid=``."""
    for href in hrefs:
        match = AUTHORID_RE.search(href)
        uid = id_text(match.group(1)) if match else None
        if uid is not None:
            return uid
    return None


def author_name(text: str, meta: dict[str, Any]) -> str | None:
    """A name shown without a profile link; a deleted user's mark goes to ``meta["author_deleted"]``."""
    if DELETED_USER_MARK in text:
        meta["author_deleted"] = True
        text = text.replace(DELETED_USER_MARK, "").strip()
    return text or None


def floor_from_label(label: str) -> int | None:
    """Map a floor label (``12#``, ``楼主``, ``沙发``, ``来自 5#``) to a floor number; ``None``
    also for a number outside 1..MAX_FLOOR (``floor_problem`` says which)."""
    label = " ".join(label.replace("\xa0", " ").split())
    match = FLOOR_NUMBER_RE.match(label) or STUCK_FLOOR_RE.search(label)
    if match:
        return bounded_int(match.group(1), 1, MAX_FLOOR)
    return FLOOR_LABELS.get(label)


def floor_problem(label: str) -> str | None:
    """Why a numeric floor label gives no floor (out of range), for the adapters' warnings."""
    label = " ".join(label.replace("\xa0", " ").split())
    match = FLOOR_NUMBER_RE.match(label) or STUCK_FLOOR_RE.search(label)
    if match and bounded_int(match.group(1), 1, MAX_FLOOR) is None:
        digits = match.group(1)
        shown = digits if len(digits) <= 20 else f"{digits[:12]}… ({len(digits)} digits)"
        return f"floor number {shown} is outside 1-{MAX_FLOOR:,}"
    return None


def time_problem(doc: Document, text: str, floor: int | None) -> ParseWarning | None:
    """A warning when ``text`` holds a time-shaped string that is no real moment (``2025-02-30
    25:61``): the post keeps no time, and says why."""
    bad = invalid_time(text)
    if bad is None:
        return None
    return warn(doc, "invalid_time", f"post time {bad!r} is not a valid date and time; time left empty",
                floor=floor)


def status_from_locked(text: str) -> PostStatus | None:
    for pattern, status in LOCKED_STATUSES:
        if pattern.search(text):
            return status
    return None


def score_of(text: str) -> int | None:
    match = SCORE_RE.search(text.replace("\xa0", " "))
    if not match:
        return None
    value = bounded_int(match.group(2))
    if value is None:
        return None
    return -value if match.group(1) == "-" else value


def make_rating(user: str, score_text: str, reason: str) -> Rating | None:
    score = score_of(score_text)
    if not user or score is None:
        return None
    return Rating(user=user, score=score, reason=reason)


def rating_header(participants: str, credits: list[str], meta: dict[str, Any]) -> None:
    """``meta["rating_participants"]`` and ``meta["rating_credit"]`` from the rating header cells."""
    count = RATING_COUNT_RE.search(participants)
    participants_count = bounded_int(count.group()) if count else None
    if participants_count is not None:
        meta["rating_participants"] = participants_count
    if credits:
        meta["rating_credit"] = RATING_SUM_RE.sub("", credits[0])


def relative_time(doc: Document, text: str, floor: int | None, meta: dict[str, Any]) -> ParseWarning | None:
    """For a post time the page prints only relatively (``3 小时前``, no absolute title): the text
    in ``meta["relative_time"]`` and the warning that the time is left empty; else ``None``."""
    if not is_relative_time(text):
        return None
    meta["relative_time"] = text.removeprefix("发表于").strip()
    return warn(doc, "relative_time", f"the page shows only the relative post time {text!r} and no "
                "absolute one; time left empty", floor=floor)


def forum_from_urls(urls: Iterable[str | None]) -> str | None:
    """``stage1st`` for saraba1st/stage1st hosts, else the first host seen."""
    for url in urls:
        if not url:
            continue
        host = (urlsplit(url.strip()).hostname or "").lower()
        if not host:
            continue
        return S1_FORUM if S1_HOST_RE.search(host) else host
    return None


def majority_tid(hrefs: Iterable[str]) -> str | None:
    """The thread id most page links point at (quotes can point at other threads)."""
    counts = Counter(tid for href in hrefs for m in [TID_RE.search(href)] if m
                     for tid in [id_text(m.group(1))] if tid is not None)
    return counts.most_common(1)[0][0] if counts else None


#: Body fields that are Post fields; every other non-empty Body field goes into Post.meta.
POST_BODY_FIELDS = ("text", "quotes", "edit", "reply_to", "client", "smileys", "images", "links")
# computed once: calling dataclasses.fields() on every body cost ~1.6 µs more per post (timeit)
_META_BODY_FIELDS = tuple(item.name for item in dataclasses.fields(Body)
                          if item.name not in POST_BODY_FIELDS and item.name != "status")


def body_fields(body: Body) -> dict[str, Any]:
    """Post keyword arguments from a cleaned body; the cleaner's extras (``reply_pid``,
    ``client_device``, ``hidden_content``, …) into ``meta``."""
    fields: dict[str, Any] = {name: getattr(body, name) for name in POST_BODY_FIELDS}
    meta: dict[str, Any] = {}
    for name in _META_BODY_FIELDS:
        value = getattr(body, name)
        if value not in (None, False, (), ""):
            meta[name] = list(value) if isinstance(value, tuple) else value
    fields["meta"] = meta
    return fields


# --- thread-level fields shared by desktop and touch pages (§1.1, §2) ---------------------------
# in <head> only: a `//` search would walk the whole page for these
CANONICAL = etree.XPath('/html/head/link[@rel="canonical"]/@href'
                        ' | /html/head/meta[@property="og:url"]/@content')
BASE_HREF = etree.XPath("/html/head/base/@href")
# Chrome/Firefox "complete" saves start with `<!-- saved from url=(0071)https://… -->` (§0)
SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->")
# desktop inline JS `SITEURL = 'https://csolbbs.tiancity.com/'` [X3.3]
SITEURL_RE = re.compile(r"SITEURL\s*=\s*'([^']+)'")
# page number: `div.pg > strong` (absent when the thread fits on one page) [tpl]
CURRENT_PAGE = etree.XPath('//div[contains(concat(" ", normalize-space(@class), " "), " pg ")]/strong')
TITLE = etree.XPath("/html/head/title")
# <title> suffixes: "SUBJECT - FORUM - Stage1st - stage1/s1 游戏动漫论坛" [S1 link texts];
# "SUBJECT - FORUM -  SITE -  Powered by Discuz! ; 世纪天成" [X3.3].
POWERED_BY_RE = re.compile(r"\s+-\s+Powered by Discuz!.*$", re.S)
S1_TITLE_SUFFIX_RE = re.compile(r"\s+-\s+Stage1st\s+-\s+stage1/s1 游戏动漫论坛\s*$")
TITLE_SEPARATOR = " - "
APPLICATION_NAME = etree.XPath('/html/head/meta[@name="application-name"]/@content')


def title_from_head(root: etree._Element) -> str | None:
    """The subject from ``<title>``: the site and forum suffixes removed."""
    titles = TITLE(root)
    if not titles:
        return None
    title = POWERED_BY_RE.sub("", text_of(titles[0]))
    title = S1_TITLE_SUFFIX_RE.sub("", title)
    for site in APPLICATION_NAME(root):
        suffix = f"{TITLE_SEPARATOR}{' '.join(site.split())}"
        if title.endswith(suffix):
            title = title[: -len(suffix)]
    parts = title.rsplit(TITLE_SEPARATOR, 1)  # what is left ends in " - FORUM"
    return (parts[0] if len(parts) == 2 else title).strip() or None


# The site's own name, in the order tried (issue 10: csolbbs pages came out as their host):
# X2+ heads carry `<meta name="application-name" content="SITE">` [X3.3 csolbbs, X2 skykiwi];
# Discuz 6/7/X put `<link rel="archives" title="SITE" href=…/archiver/>` in the head [X3.3,
# Discuz 7.2 4d4y, Discuz 6 1984bbs]; the logo is `div#hd h2 > a > img[alt=SITE]` (X) or
# `div#header h2 > a > img[alt=SITE]` (6/7). Last the `<title>`'s last part before "Powered by".
ARCHIVES_TITLE = etree.XPath('/html/head/link[@rel="archives"]/@title')
LOGO_ALT = etree.XPath('//div[@id="hd" or @id="header"]//h2/a/img/@alt'
                       ' | //div[@id="hd" or @id="header"]//h2/a/@title')
#: longest site name believed (a longer "name" is a sentence someone put in the logo's alt)
MAX_SITE_NAME = 60


def site_name(root: etree._Element) -> str | None:
    """The forum's name as the page states it (application-name, archiver link, logo, title)."""
    candidates = [*APPLICATION_NAME(root), *ARCHIVES_TITLE(root), *LOGO_ALT(root)]
    titles = TITLE(root)
    if titles:
        # "SUBJECT - FORUM - SITE - Powered by Discuz! ; 世纪天成": the operator after "Powered by"
        # is not the site [X3.3]; a title without " - " names no site
        parts = POWERED_BY_RE.sub("", text_of(titles[0])).split(TITLE_SEPARATOR)
        if len(parts) >= 2:
            candidates.append(parts[-1])
    for candidate in candidates:
        name = " ".join(str(candidate).split())
        if name and len(name) <= MAX_SITE_NAME:
            return name
    return None


def forum_of(doc: Document, root: etree._Element) -> str:
    """Forum name: ``stage1st`` for S1 (by host or by its name in the page, so S1 threads keep one
    name whatever the save), else the name the page gives itself (``site_name``), else the host
    of the page's own URL, else ``discuz``."""
    saved = SAVED_FROM_RE.search(doc.text[:2000])
    site = SITEURL_RE.search(doc.text[:20000])
    urls = [*CANONICAL(root), *BASE_HREF(root), saved.group(1) if saved else None,
            site.group(1) if site else None]
    host = forum_from_urls(urls)
    if host == S1_FORUM or (host is None and ("saraba1st.com" in doc.text or "stage1st.com" in doc.text)):
        return S1_FORUM
    return site_name(root) or host or "discuz"


# Thread header row on every page: `td.pls > div.hm > span.xi1` ×2 = 查看 (views), 回复 (replies)
# (§1.1) [tpl][X3.3 csolbbs-page-1: 3481 / 3].
THREAD_COUNTS = etree.XPath('//div[@id="postlist"]/table[1]//td[contains(@class, "pls")]'
                            '/div[contains(@class, "hm")]/span[contains(@class, "xi1")]')


def thread_size(root: etree._Element) -> int | None:
    """Floors in the whole thread by the page header's reply count (replies + the first post)."""
    counts = [text_of(span) for span in THREAD_COUNTS(root)]
    replies = bounded_int(counts[1], 0, MAX_FLOOR - 1) if len(counts) == 2 else None
    return None if replies is None else replies + 1


def page_number(root: etree._Element) -> int:
    for strong in CURRENT_PAGE(root):
        number = bounded_int(text_of(strong), 1, MAX_FLOOR)
        if number is not None:
            return number
    return 1  # no pager: the whole thread is on one page
