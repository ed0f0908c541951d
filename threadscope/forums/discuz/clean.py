"""Post body HTML → the author's own text and the things around it.

One cleaner serves every Discuz source (desktop ``td.t_f``, touch ``div.message``, API
``message``, RSS ``description``, and the text archive after its adapter turns it into HTML).

Entry points
------------
``clean_body(html, attachments=...)``
    Parse a body fragment with lxml (libxml2, never an HTML5 tree builder: see
    ../shared/reference/discuz-structure.md trap 9) and clean it.
``clean_element(element, attachments=...)``
    Clean a body element of an already parsed page (``td.t_f``, ``div.message``). The element is
    only read, never modified, so callers may keep using the tree; it is documented as "may be
    consumed" so that a later version is free to detach parts for speed.

Neither raises on malformed HTML: anything lxml cannot parse comes back as the tag-stripped text.

What ends up where
------------------
``text``
    The author's own words. Removed: quotes, the edit notice, the ``回复 N# NAME`` reply form, the
    client tail, attachment tooltips (``div.tip``/``aimg_tip``: "xxx.png (46.98 KB, 下载次数: 0)
    下载附件 … 上传"), jammer noise (``font.jammer``, ``display:none``), ``复制代码``, the
    ``[hide]`` placeholder sentences, ``[attach]`` tokens and the cronclosethread plugin's
    "此帖将于 … 自动关闭" box. ``<br>`` and block ends become
    newlines, runs of blank lines collapse to one, code blocks keep one line per ``li``, table
    cells are separated by a tab. Images leave no trace in the text; smileys become tokens.

Smiley tokens
    ``[s:NAME]`` for S1's current default set ``face2017`` (``face2017/067.png`` → ``[s:067]``),
    ``[s:SET/NAME]`` for every other set (``face/119.gif`` → ``[s:face/119]``,
    ``carton2017/295.png`` → ``[s:carton2017/295]``, ``goose/b200.gif`` → ``[s:goose/b200]``),
    ``[s:#ID]`` when only the ``smilieid`` attribute identifies it. NAME is the file name without
    extension, SET the directory right under ``smiley/``.

``client`` / ``client_device`` / ``client_version``
    The canonical app name from ``CLIENT_TAILS`` (e.g. ``S1Next-鹅版``), the device text the tail
    names (``Xiaomi MI 8 Lite, Android 10``) and the version (``v2.2.2.1``), when present.

``images``
    Real image URLs (``zoomfile``/``file`` before ``src``; ``none.gif`` and RSSHub's
    ``…/undefined`` placeholders never), plus ``[attach]AID[/attach]`` / ``aimg_AID`` images
    resolved through ``attachments`` or written ``attach:AID``. Smileys are not images.
``files``
    Download links of non-inline attachments (``dl.tattl``).
``links``
    ``<a href>`` targets and bare URLs in the author's own text, in order, de-duplicated, with the
    archive converter's ``httphttps://`` repaired. Never quote-header, tail or attachment links.
``status``
    ``banned`` when the body is the ``作者被禁止或删除 内容自动屏蔽`` / ``该帖被管理员或版主屏蔽``
    placeholder, ``hidden`` for ``此帖仅作者可见``. The moderator view
    (``…内容自动屏蔽，只有管理员或有管理权限的成员可见`` followed by the body) keeps the text,
    sets ``status="banned"`` and ``moderator_view=True``.
``hidden_content``
    True when a ``[hide]`` placeholder (``以下内容需要积分高于 10 才可浏览``, ``游客，本帖隐藏的内容
    需要积分高于 500 才可浏览，您当前积分为 0``, …) was present; the sentence is not in ``text``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from lxml import etree

from threadscope.forums.discuz.times import parse_time
from threadscope.model import Edit, PostStatus, Quote

# ----------------------------------------------------------------------------------------------
# Named data. Provenance tags as in ../shared/reference/discuz-structure.md:
# [S1] real Stage1st fixtures, [X3.3] csolbbs pages, [tpl] Discuz X3.5 templates/language files,
# [client] S1 client code (ainopara/Stage1st-Reader StripTailTests.swift, ykrank/S1-Next).
# ----------------------------------------------------------------------------------------------

#: A Discuz time as printed in quote headers and edit notices: ``2024-2-10 00:04`` [S1],
#: ``2024-4-5 23:20:45`` [X3.3]; legacy phpwind quotes zero-pad (``2013-06-22 16:36``) [S1 API].
_TIME = r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?"

#: Quote header ``{author} 发表于 {time}`` — lang_misc ``post_reply_quote`` [tpl] (traditional
#: ``發表於`` in the TC build [tpl]). The time may be relative in 2013–14 pages [S1 API], so a
#: header with an unparseable time still names the author.
QUOTE_HEADER = re.compile(r"^(?P<author>.+?)\s+(?:发表于|發表於)\s+(?P<time>.+?)\s*$")

#: Legacy phpwind quote header ``引用第2楼lyb952037于2013-06-22 16:36发表的&nbsp;&nbsp;:`` [S1 API],
#: still written by the 5j4m Android app in 2025 [S1 text archive].
LEGACY_QUOTE_HEADER = re.compile(
    rf"^引用第\s*(?P<floor>\d+)\s*楼(?P<author>.+?)于(?P<time>{_TIME})发表的\s*[:：]?\s*"
)

#: Discuz 6/7 quote header ``原帖由 <i>NAME</i> 于 2009-12-17 22:53 发表`` (lang ``post_reply_quote``
#: of 6.x/7.x; traditional ``原帖由 NAME 於 … 發表``), then a findpost link around a back.gif icon
#: or nothing [Discuz 6 1984bbs.com 2010, Discuz 7.2 4d4y.com 2010 pages in samples/].
OLD_QUOTE_HEADER = re.compile(
    rf"^原帖由\s*(?P<author>.+?)\s*[于於]\s*(?P<time>{_TIME})\s*[发發]表\s*"
)

#: ``<p>引用:</p>`` prefix of 2013–14 quotes [S1 API]; Discuz 6 ``<h5>引用:</h5>`` [1984bbs].
QUOTE_LABEL = re.compile(r"^\s*引用\s*[:：]\s*$")

#: Edit notice, ``[i=s] 本帖最后由 {editor} 于 {edittime} 编辑 [/i]`` (lang_misc ``post_edit``),
#: with BBCode off ``[ 本帖最后由 … 编辑 ]`` [tpl]; traditional and English builds [tpl].
EDIT_NOTICE = re.compile(
    rf"^\s*\[?\s*(?:本帖最[后後]由\s*(?P<by>.+?)\s*[于於]\s*(?P<at>{_TIME})\s*[编編][辑輯]"
    rf"|This post was last edited by\s+(?P<by_en>.+?)\s+at\s+(?P<at_en>{_TIME}))\s*\]?[ \t]*\n?"
)

#: Discuz 6/7 print the edit notice at the **end** of the body: ``[<i> 本帖最后由 NAME 于 TIME 编辑 </i>]``
#: [Discuz 7.2 4d4y page floor 12].
TRAILING_EDIT_NOTICE = re.compile(
    rf"\[\s*本帖最[后後]由\s*(?P<by>.+?)\s*[于於]\s*(?P<at>{_TIME})\s*[编編][辑輯]\s*\]\s*$"
)

#: Discuz's reply form, BBCode ``[b]回复 [url=…goto=findpost&pid=P&ptid=T]N#[/url] [i]NAME[/i] [/b]``
#: (Discuz 7/X reply button; the same string is built by hi-pda clients [client]); rendered as
#: ``<strong>回复 <a href=…>N#</a> <i>NAME</i> </strong>``. As text (converted archives) it is
#: the first line ``回复 N# NAME``. Not seen in any S1 fixture.
REPLY_FORM_TEXT = re.compile(r"^\s*回复\s*(?P<floor>\d+)\s*#\s*(?P<name>[^\n]*?)\s*(?:\n|$)")
REPLY_FORM_FLOOR = re.compile(r"^\s*(\d+)\s*#\s*$")

#: ``goto=findpost`` links carry the quoted/replied pid, ``pid``/``ptid`` in either order,
#: ``&amp;`` possibly double-escaped [S1 API], absolute or relative [S1], phpwind
#: ``job.php?action=topost&tid=…&pid=…`` [S1 API].
FINDPOST_LINK = re.compile(r"goto=findpost|action=topost")
PID_PARAM = re.compile(r"(?:^|[?&;])pid=(\d+)")

#: The S1PlainTextArchive converter prefixes ``http`` to absolute links: ``httphttps://`` [S1].
DOUBLED_SCHEME = re.compile(r"^\s*http(?=https?://)", re.IGNORECASE)

#: Bare URLs in text. Stops at white space, quotes, brackets and CJK punctuation.
BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}，。！？、；：“”‘’（）【】《》…]+", re.IGNORECASE)
URL_TRAILING_PUNCT = ".,;:!?"

#: Smiley images: ``static/image/smiley/face2017/034.png`` with ``smilieid`` [S1], relative
#: ``static/image/smiley/face/119.gif`` [S1 API], ``smiley/default/victory.gif`` [X3.3]; Discuz 6/7
#: ``images/smilies/default/funk.gif`` [Discuz 7.2 4d4y page].
SMILEY_PATH = re.compile(r"/smil(?:ey|ies)/(?P<set>[^/]+)/(?P<name>[^/?#]+?)(?:\.\w+)?(?:[?#].*)?$")
DEFAULT_SMILEY_SET = "face2017"


#: Image URLs that are placeholders, never content: lazy-load ``none.gif`` [S1], RSSHub's
#: ``…/2b/undefined`` [S1 RSS], Discuz chrome icons under ``image/common``/``image/filetype``
#: [tpl], and phpwind's ``http://images/back.gif`` quote-jump icon [S1 API].
IMAGE_PLACEHOLDER = re.compile(
    r"(?:none\.gif|/undefined|/image/common/[^/]*|/image/filetype/[^/]*|//images/back\.gif)$", re.I
)

#: Inline attachment markers: API v1 ``[attach]AID[/attach]`` [S1 API], ``img#aimg_AID`` [S1].
ATTACH_TOKEN = re.compile(r"\[attach(?:img)?\]\s*(\d+)\s*\[/attach(?:img)?\]", re.I)
AIMG_ID = re.compile(r"^aimg_(\d+)$")

#: Elements whose content is never text (with their tails kept).
SKIP_TAGS = frozenset({"script", "style", "title", "head", "meta", "link", "noscript", "template",
                       "iframe", "embed", "object", "input", "button", "textarea", "select"})
#: Classes that mark noise inside a body: attachment tooltips ``div.tip.tip_4.aimg_tip`` [S1],
#: ``div.tip_horn``, jammer ``font.jammer`` [tpl function_discuzcode.php jammer()], and the
#: cronclosethread plugin's ``<div class="cronclosethread_getbox">此帖将于 TIME 自动关闭</div>`` at
#: the top of floor 1 [S1 2267042 desktop and touch pages; rebuilt by the text adapter from the seed].
NOISE_CLASSES = frozenset({"tip", "aimg_tip", "tip_horn", "jammer", "cronclosethread_getbox"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)
#: ``<em onclick="copycode($('code_Noz'));">复制代码</em>`` after code blocks [S1 RSS][tpl].
COPYCODE_ONCLICK = "copycode"

#: Elements that break lines before and after.
BLOCK_TAGS = frozenset({"div", "p", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
                        "tbody", "thead", "tfoot", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                        "hr", "pre", "center", "section", "article", "header", "footer",
                        "ignore_js_op", "form", "fieldset", "address", "figure"})
CELL_TAGS = frozenset({"td", "th"})

#: Whole-body placeholders → status [tpl viewthread_node locked block, lang_misc post_banned /
#: post_single_banned, message_ishidden_hiddenreplies][S1 text archive, S1 RSS quotes].
BANNED_PLACEHOLDER = re.compile(
    r"^\s*(?:提示\s*[:：])?\s*\**\s*(?:作者被禁止或删除\s*内容自动屏蔽|该帖被管理员或版主屏蔽|该帖被屏蔽)"
    r"\s*\**\s*$"
)
HIDDEN_PLACEHOLDER = re.compile(r"^\s*(?:提示\s*[:：])?\s*此帖仅作者可见\s*$")
#: Moderator view: the notice, then the body [tpl].
MODERATOR_VIEW = re.compile(
    r"^\s*(?:提示\s*[:：])?\s*作者被禁止或删除\s*内容自动屏蔽\s*[，,]\s*只有管理员或有管理权限的成员可见\s*"
)

#: ``[hide]`` placeholders inside a visible body: ``div.locked`` "以下内容需要积分高于 10 才可浏览"
#: [S1 bodies], "游客，本帖隐藏的内容需要积分高于 500 才可浏览，您当前积分为 0" [S1 RSS], the
#: reply-to-see form and ``**** 本内容被作者隐藏 ****`` (lang_misc ``post_hidden``) [tpl].
HIDE_PLACEHOLDER = re.compile(
    r"(?:游客\s*[，,]\s*)?(?:本帖)?(?:隐藏的内容|以下内容)需要积分高于\s*\d+\s*才可浏览"
    r"(?:\s*[，,]\s*您当前积分为\s*-?\d+)?"
    r"|(?:游客\s*[，,]\s*)?(?:如果您要查看本帖隐藏内容请|本帖隐藏的内容需要)回复(?:才可以浏览)?"
    r"|\*{2,}\s*本内容被作者隐藏\s*\*{2,}"
)
#: Every ``HIDE_PLACEHOLDER`` match contains one of these (one per alternative): a substring test
#: skips the regex scan on the many bodies without them.
HIDE_PLACEHOLDER_HINTS = ("需要积分高于", "回复", "本内容被作者隐藏")


#: Attachment tooltip text that leaked into text sources: "图片.png (46.98 KB, 下载次数: 0)
#: 下载附件 2023-7-1 18:11 上传" with any line breaks between [S1 text archive]; the element form
#: (``div.tip``) is dropped by class. The match starts at the literal ``(``: the optional file
#: name before it was once a leading ``[^\s()（）]+`` that the regex engine re-scanned from every
#: position of a run without white space (quadratic: a 240 KB post took 25-31 s, issue 12). The
#: name is now matched backwards from the ``(`` (``ATTACHMENT_NAME_REVERSED``), so every
#: character is looked at a bounded number of times.
ATTACHMENT_TIP_CORE = re.compile(
    rf"\(\s*[\d.]+\s*[KMGT]?B\s*,\s*下载次数\s*[:：]\s*\d+\s*\)(?:\s*下载附件)?(?:\s*{_TIME}\s*上传)?"
)
#: Longest attachment file name read before the tooltip: 255, the file-name limit of every
#: common file system (and of Discuz's ``filename`` column, varchar(255)).
MAX_ATTACHMENT_NAME = 255
#: Blanks allowed between the file name and ``(`` (the fixtures have 0 or 1).
MAX_NAME_GAP = 8
#: The file name ``NAME.EXT`` right before the tooltip, read on the reversed text ending at the
#: ``(``: gap, reversed extension, dot, reversed name. Bounded repeats only.
ATTACHMENT_NAME_REVERSED = re.compile(
    rf"\s{{0,{MAX_NAME_GAP}}}[A-Za-z0-9]{{2,5}}\.[^\s()（）]{{1,{MAX_ATTACHMENT_NAME}}}"
)
#: The literal every tooltip contains (a cheap test that skips the scan on most bodies).
ATTACHMENT_TIP_HINTS = ("下载次数",)


def attachment_tips(text: str) -> list[tuple[int, int]]:
    """(start, end) of every attachment tooltip in ``text``, its file name included. Linear: the
    core regex starts at a literal, and each name is matched on a window of bounded length."""
    spans: list[tuple[int, int]] = []
    if not _may_match(text, ATTACHMENT_TIP_HINTS):
        return spans
    done = 0
    for core in ATTACHMENT_TIP_CORE.finditer(text):
        start = core.start()
        window = text[max(done, start - MAX_ATTACHMENT_NAME - MAX_NAME_GAP - 6):start][::-1]
        name = ATTACHMENT_NAME_REVERSED.match(window)
        if name:
            start -= name.end()
        spans.append((start, core.end()))
        done = core.end()
    return spans


def replace_attachment_tips(text: str, blank: bool) -> str:
    """``text`` without its attachment tooltips: cut out, or blanked to spaces (keeping line
    breaks and offsets) when ``blank``."""
    spans = attachment_tips(text)
    if not spans:
        return text
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        pieces.append(text[at:start])
        if blank:
            pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class ClientTail:
    """One known client tail: canonical app name and the regex its last line fullmatches.

    Groups ``device`` and ``version`` are optional; ``client`` overrides ``name`` when present.
    """

    name: str
    pattern: re.Pattern[str]


_DASH = r"(?:[—–\-―]\s*){1,6}"
_FROM = r"(?:来自|來自)"
_FROM_HINTS = ("来自", "來自")
_VER = r"(?P<version>v?\d[\w.\-()]*)"

#: Client tails as their last line reads after rendering (links become their text). Sources:
#: [S1 bodies/RSS/text archive] and [client StripTailTests.swift]. Order matters: specific first.
CLIENT_TAILS: tuple[ClientTail, ...] = (
    # —— 来自 HMD Global Nokia 7 plus, Android 9上的 <a …S1-Next/releases>S1Next-鹅版</a> v2.2.2.1
    ClientTail("S1Next-鹅版", re.compile(
        rf"{_DASH}{_FROM}\s*(?P<device>.*?)\s*上的\s*S1Next-[鹅鵝]版\s*{_VER}?")),
    # — from samsung SM-G930F, Android 8.0.0 of <a …>S1 Next Goose</a> v2.0-play  [client];
    # v3 drops the device: — from <a …pgyer…>S1 Next Goose</a> v3.2.91  [S1 text archive 2205326]
    ClientTail("S1 Next Goose", re.compile(
        rf"{_DASH}from\s+(?:(?P<device>.*?)\s+of\s+)?S1 Next Goose\s*{_VER}?", re.I)),
    # —— from <a href="http://126.am/S1Nyan">S1 Nyan</a> (Microsoft RM-1105_12716)来自: WindowsPhone客户端
    # (S1 Nyan for Windows Phone; Discuz's own mobile mark glued on) [S1 text archive 1336720]
    ClientTail("S1 Nyan", re.compile(
        rf"{_DASH}from\s+S1\s*Nyan\s*(?:[(（]\s*(?P<device>[^)）]*?)\s*[)）])?"
        rf"(?:\s*{_FROM}\s*[:：]\s*[\w ]{{0,20}}客户端)?", re.I)),
    # —— 来自 Xiaomi 25060RK16C, Android 16, <a …pgyer…>鹅球</a> v3.5.99 ; —— 来自 鹅球 v3.2.91
    ClientTail("鹅球", re.compile(
        rf"{_DASH}{_FROM}\s*(?:(?P<device>.*?)\s*[,，]\s*)?[鹅鵝]球\s*{_VER}?")),
    # ——来自&nbsp;&nbsp;HUAWEI Mate 60 OpenHarmony-5.0.4.150(16) 上的 <a>S1 Orange</a> 1.3.0
    ClientTail("S1 Orange", re.compile(
        rf"{_DASH}{_FROM}\s*(?P<device>.*?)\s*上的\s*S1 Orange\s*{_VER}?", re.I)),
    # —— 来自 <a href="https://s1fun.koalcat.com">S1Fun</a>  [S1 bodies]
    ClientTail("S1Fun", re.compile(rf"{_DASH}{_FROM}\s*(?:(?P<device>.*?)\s*上的\s*)?S1Fun\s*{_VER}?")),
    # <a href="…tid=2029836">论坛助手,iPhone</a>  [S1 text archive][client]
    ClientTail("论坛助手", re.compile(rf"(?:{_DASH}{_FROM}\s*)?论坛助手\s*[,，]\s*(?P<device>.+?)")),
    # <a …coolapk.com/apk/140634><font>  -- 来自 有消息提醒的 Stage1官方 Android客户端</font></a>
    ClientTail("Stage1官方 Android客户端", re.compile(
        rf"{_DASH}{_FROM}\s*(?:\S+的\s*)?Stage1官方\s*Android\s*客户端")),
    # ----发送自 <a href="http://saraba1st.com/2b/?1.0">STAGE1 Mobile</a>  [client]
    ClientTail("STAGE1 Mobile", re.compile(r"-{2,}\s*发送自\s*STAGE1 Mobile", re.I)),
    # ----发送自 <a href="http://stage1.5j4m.com/?1.44">STAGE1 App for Android.</a>  or
    # ----发送自 <a href="http://stage1.5j4m.com/?1.37">samsung SM-S9180,Android 14</a> [S1 archive]
    ClientTail("STAGE1 App for Android", re.compile(
        r"-{2,}\s*发送自\s*(?:STAGE1 App for Android\.?|(?P<device>.+?,\s*Android\s*[\d.]+))", re.I)),
    # The original S1 Next (floating-cat, 2015–16; ykrank's S1Next-鹅版 forked it) signs with the
    # device only: values-zh-rCN "signature" = "—— 来自 %1$s", values "— from %1$s", %1$s being
    # "MANUFACTURER MODEL, Android RELEASE" (AppDeviceUtil) [client]; "—— 来自 Xiaomi MI 5s,
    # Android 6.0.1" [S1 text archive 1336720 floors 470, 559, 561]. The ", Android N" is required
    # so that an attribution like "——来自网络" stays text.
    ClientTail("S1 Next", re.compile(
        rf"{_DASH}(?:{_FROM}|from)\s*(?P<device>[^,，]+?[,，]\s*Android\s*\d[\d.]*)", re.I)),
    # Any other "—— 来自 DEVICE上的 APP vX" tail: the app is named as written.
    ClientTail("", re.compile(
        rf"{_DASH}{_FROM}\s*(?P<device>.*?)\s*上的\s*(?P<client>[^\s,，][^,，]*?)\s*{_VER}?")),
)

#: Every ``CLIENT_TAILS`` pattern needs a dash (``_DASH``, ``-{2,}``) or 论坛助手: lines without any
#: skip the table. A new tail form without one of these must add its literal here.
CLIENT_TAIL_HINTS = ("—", "–", "-", "―", "论坛助手")

#: Old apps append ``来自: iPhone客户端`` to the last line itself [S1 text archive 2205326].
INLINE_TAIL = re.compile(rf"(?:{_DASH})?{_FROM}\s*[:：]\s*(?P<client>[\w ]{{0,20}}客户端)\s*$")

#: A tail copied into a quote is usually cut short by Discuz (``—— 来自 vivo V2012A, Android 12上的
#: S1Nex ...``) [S1 bodies], so inside quotes any last line opening like a tail goes.
QUOTED_TAIL = re.compile(
    rf"^\s*(?:{_DASH}\s*(?:{_FROM}|发送自|from\s)|(?:{_DASH})?论坛助手\s*[,，]).*$", re.I
)


@dataclass(frozen=True, slots=True)
class Body:
    """A cleaned body. See the module docstring for what each field holds."""

    text: str
    quotes: tuple[Quote, ...] = ()
    edit: Edit | None = None
    reply_to: int | None = None
    client: str | None = None
    smileys: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    status: PostStatus = "normal"
    hidden_content: bool = False
    #: pid of the post named by the ``回复 N# NAME`` form (from its findpost link)
    reply_pid: str | None = None
    #: name in the ``回复 N# NAME`` form
    reply_name: str | None = None
    #: device text of the client tail (``Xiaomi MI 8 Lite, Android 10``)
    client_device: str | None = None
    #: version of the client tail (``v2.2.2.1``)
    client_version: str | None = None
    #: download links of non-inline attachments (``dl.tattl``)
    files: tuple[str, ...] = ()
    #: the body follows a "只有管理员或有管理权限的成员可见" notice (a moderator's view of a ban)
    moderator_view: bool = False
    #: the markup nests deeper than libxml2 builds a tree for: read as tag-stripped text instead
    markup_too_deep: bool = False


# ----------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------

#: White space as the renderer collapses it (HTML's plus U+00A0, which S1 bodies use as spaces).
_WS_CHARS = " \t\r\n\f\v\xa0"
_WS_RUN = re.compile(r"[ \t\r\n\f\v\xa0]+")
_WS_NEWLINE_RUN = re.compile(r"[ \t\r\f\v\xa0]*\n[ \t\r\n\f\v\xa0]*")
_WS_INLINE_RUN = re.compile(r"[ \t\r\f\v\xa0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_SPACE_BEFORE_TAB = re.compile(r" *\t *")
_BLANK_RUNS = re.compile(r"\n{3,}")
_NOT_NEWLINE = re.compile(r"[^\n]")


_NO_CLASSES: frozenset[str] = frozenset()


def _classes(el: etree._Element) -> AbstractSet[str]:
    value = el.get("class")
    return set(value.split()) if value else _NO_CLASSES


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _repair_url(url: str) -> str:
    return DOUBLED_SCHEME.sub("", url.strip()).replace("&amp;", "&")


def _pid_of(href: str) -> str | None:
    if not FINDPOST_LINK.search(href):
        return None
    match = PID_PARAM.search(href.replace("&amp;", "&"))
    return str(int(match.group(1))) if match else None


def _smiley_token(src: str, smilieid: str | None) -> str | None:
    match = SMILEY_PATH.search(src)
    if match:
        name, smiley_set = match["name"], match["set"]
        return f"[s:{name}]" if smiley_set == DEFAULT_SMILEY_SET else f"[s:{smiley_set}/{name}]"
    return f"[s:#{smilieid}]" if smilieid else None


class _Renderer:
    """One pass over a body element: text with offsets of links, plus what was pulled out."""

    def __init__(self, attachments: Mapping[str, str] | None, *, in_quote: bool = False) -> None:
        self.attachments = attachments or {}
        self.in_quote = in_quote
        self.parts: list[str] = []
        self.size = 0
        self.last = ""  # last emitted character ("" at start)
        self.links: list[tuple[int, str]] = []
        self.images: list[tuple[int, str]] = []
        self.smileys: list[tuple[int, str]] = []
        self.files: list[str] = []
        self.quotes: list[Quote] = []
        self.edit: Edit | None = None
        self.reply: tuple[int, str | None, str | None] | None = None
        self.hidden_content = False
        self.locked_status: PostStatus | None = None
        self.cell_depth = 0

    # -- output --------------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.size += len(text)
            self.last = text[-1]

    def newline(self) -> None:
        """A soft line break: never doubles one already there, never leads the text."""
        if self.last and self.last != "\n":
            self.emit("\n")

    def space(self) -> None:
        if self.last and self.last not in " \n\t":
            self.emit(" ")

    def text(self, text: str | None) -> None:
        if not text:
            return
        if "[" in text and ATTACH_TOKEN.search(text):
            pos = 0
            for match in ATTACH_TOKEN.finditer(text):
                self.text(text[pos:match.start()])
                self.add_image(self.attachment_url(match.group(1)))
                pos = match.end()
            text = text[pos:]
            if not text:
                return
        # A white space run collapses to one space as in HTML, or to a newline when it holds one
        # (outside table cells; see the docs). Only a leading run depends on what came before:
        # any other run follows non-space text, so whole-string substitutions do the rest.
        lead = _WS_RUN.match(text) if text[0] in _WS_CHARS else None
        if lead:
            if "\n" in lead.group(0) and not self.cell_depth:
                self.newline()
            elif self.last and self.last not in " \n":
                self.emit(" ")
            text = text[lead.end():]
            if not text:
                return
        if not self.cell_depth and "\n" in text:
            text = _WS_NEWLINE_RUN.sub("\n", text)
        self.emit(_WS_RUN.sub(" ", text) if self.cell_depth else _WS_INLINE_RUN.sub(" ", text))

    def attachment_url(self, aid: str) -> str:
        return self.attachments.get(aid) or f"attach:{aid}"

    def add_image(self, url: str | None) -> None:
        if url:
            self.images.append((self.size, url))

    # -- walking -------------------------------------------------------------------------------
    def walk_children(self, el: etree._Element) -> None:
        # lxml builds a new str on each .text/.tail access: read once, skip the call when empty
        text = el.text
        if text:
            self.text(text)
        for child in el:
            self.walk(child)
            tail = child.tail
            if tail:
                self.text(tail)

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return
        tag = tag.lower()
        if tag in SKIP_TAGS:
            return
        classes = _classes(el)
        if classes & NOISE_CLASSES:
            return
        style = el.get("style")
        if style and HIDDEN_STYLE.search(style):
            return
        if tag == "br":
            if self.cell_depth:
                self.space()
            else:
                self.emit("\n")
            return
        if tag == "img":
            self.image(el)
            return
        if tag == "em" and COPYCODE_ONCLICK in (el.get("onclick") or ""):
            return
        if tag == "i" and "pstatus" in classes and not self.in_quote:
            self.edit_notice(el)
            return
        if not self.in_quote:
            if (tag == "blockquote" or (tag == "div" and classes & {"quote", "reply_wrap"})):
                self.quote(el, tag, classes)
                return
            if tag in ("strong", "b") and self.reply is None and self.reply_form(el):
                return
        if tag == "div" and "locked" in classes:
            self.locked(el)
            return
        if tag == "div" and "blockcode" in classes:
            self.code_block(el)
            return
        if tag == "dl" and "tattl" in classes:
            for link in el.iter("a"):
                href = link.get("href")
                if href and "mod=attachment" in href:
                    self.files.append(_repair_url(href))
                    break
            return
        if tag == "a":
            href = el.get("href")
            if href and not href.lower().startswith(("javascript:", "#")):
                self.links.append((self.size, _repair_url(href)))
            self.walk_children(el)
            return
        if tag in CELL_TAGS:
            # one table row per line, cells split by a tab; blocks inside a cell stay inline
            if self.last and self.last not in "\n\t":
                self.emit("\t")
            self.cell_depth += 1
            self.walk_children(el)
            self.cell_depth -= 1
            return
        if tag in BLOCK_TAGS and self.cell_depth and tag not in ("tr", "table"):
            self.space()
            self.walk_children(el)
            self.space()
            return
        if tag in BLOCK_TAGS:
            self.newline()
            self.walk_children(el)
            self.newline()
            return
        self.walk_children(el)

    # -- special elements ----------------------------------------------------------------------
    def image(self, el: etree._Element) -> None:
        src = el.get("src") or ""
        smilieid = el.get("smilieid")
        if smilieid is not None or "/smiley/" in src:
            token = _smiley_token(src, smilieid)
            if token:
                self.smileys.append((self.size, token))
                self.emit(token)
                return
        for attr in ("zoomfile", "file", "src"):
            url = el.get(attr)
            if url and url.strip() and not IMAGE_PLACEHOLDER.search(url.strip()):
                self.add_image(_repair_url(url))
                return
        aid = el.get("aid")
        if not aid:
            match = AIMG_ID.match(el.get("id") or "")
            aid = match.group(1) if match else None
        if aid:
            self.add_image(self.attachment_url(aid))

    def edit_notice(self, el: etree._Element) -> None:
        match = EDIT_NOTICE.match(_text_of(el))
        if match:
            self.edit = _edit_from(match)

    def locked(self, el: etree._Element) -> None:
        content = _text_of(el)
        if HIDE_PLACEHOLDER.search(content):
            self.hidden_content = True
            rest = HIDE_PLACEHOLDER.sub("", content).strip()
            if rest:
                self.text(rest)
            return
        if BANNED_PLACEHOLDER.match(content) or MODERATOR_VIEW.match(content):
            self.locked_status = "banned"
            self.emit_placeholder(content)
            return
        if HIDDEN_PLACEHOLDER.match(content):
            self.locked_status = "hidden"
            self.emit_placeholder(content)
            return
        self.newline()
        self.walk_children(el)
        self.newline()

    def emit_placeholder(self, content: str) -> None:
        # status is decided on the whole text later; keep the placeholder on its own line
        self.newline()
        self.text(content)
        self.newline()

    def code_block(self, el: etree._Element) -> None:
        lines = [_code_line(li) for li in el.iter("li")]
        if not lines:  # no ol/li: plain content
            lines = [_code_line(el)]
        while lines and not lines[-1].strip():
            lines.pop()
        self.newline()
        self.emit("\n".join(lines))
        self.newline()

    def reply_form(self, el: etree._Element) -> bool:
        lead = (el.text or "").strip()
        if not lead.startswith("回复"):
            return False
        for link in el.iter("a"):
            match = REPLY_FORM_FLOOR.match(_text_of(link))
            if not match:
                continue
            name_el = next(iter(el.iter("i")), None)
            name = _text_of(name_el).strip() if name_el is not None else None
            self.reply = (int(match.group(1)), _pid_of(link.get("href") or ""), name or None)
            return True
        return False

    def quote(self, el: etree._Element, tag: str, classes: AbstractSet[str]) -> None:
        inner = _Renderer(self.attachments, in_quote=True)
        inner.walk_children(el)
        raw = "".join(inner.parts)
        if tag == "div" and "quote" in classes and el.find(".//blockquote") is None and (
            BANNED_PLACEHOLDER.match(raw) or HIDDEN_PLACEHOLDER.match(raw)
        ):
            # touch template: div.message > div.quote holds the 提示 of a banned post [tpl]
            self.locked_status = "banned" if BANNED_PLACEHOLDER.match(raw) else "hidden"
            self.emit_placeholder(raw)
            return
        pid = next((p for p in (_pid_of(href) for _, href in inner.links) if p), None)
        self.quotes.append(_parse_quote(raw, pid))
        self.newline()


def _code_line(el: etree._Element) -> str:
    """One code line: the element's text with ``<br>``/raw line ends dropped, spaces kept.

    Tags libxml2 invented from unescaped ``<iostream>`` in RSSHub code blocks come back as
    text, approximately.
    """
    out: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            out.append(node.text)
        for child in node:
            tag = child.tag
            if isinstance(tag, str):
                if tag == "em" and COPYCODE_ONCLICK in (child.get("onclick") or ""):
                    pass
                elif tag not in KNOWN_TAGS:
                    attrs = " ".join(k if not v else f"{k}={v}" for k, v in child.attrib.items())
                    out.append(f"<{tag}{' ' + attrs if attrs else ''}>")
                    walk(child)
                elif tag != "br":
                    walk(child)
            if child.tail:
                out.append(child.tail)

    walk(el)
    return "".join(out).replace("\r", "").replace("\xa0", " ").strip("\n")


#: HTML tags libxml2 knows; anything else in a code block was source text like ``<iostream>``.
KNOWN_TAGS = frozenset({
    "a", "abbr", "b", "big", "blockquote", "br", "center", "code", "del", "div", "em", "font",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
    "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "tt", "u", "ul",
})


def _edit_from(match: re.Match[str]) -> Edit:
    by = (match["by"] or match["by_en"] or "").strip()
    return Edit(by=by, at=parse_time(match["at"] or match["at_en"] or ""))


def _normalize(text: str) -> str:
    # each substitution is skipped when the literal every match contains is absent
    text = text.replace("\r", "")
    if " \n" in text or "\t\n" in text:
        text = _TRAILING_SPACE.sub("\n", text)
    if "\t" in text:
        text = _SPACE_BEFORE_TAB.sub("\t", text)
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def _strip_quoted_tail(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and QUOTED_TAIL.match(lines[-1]):
        lines.pop()
    return lines


def _parse_quote(raw: str, pid: str | None) -> Quote:
    lines = raw.replace("\r", "").split("\n")
    while lines and (not lines[0].strip() or QUOTE_LABEL.match(lines[0])):
        lines.pop(0)
    author: str | None = None
    time = None
    if lines:
        head = lines[0].strip()
        legacy = LEGACY_QUOTE_HEADER.match(head) or OLD_QUOTE_HEADER.match(head)
        header = QUOTE_HEADER.match(head) if not legacy else None
        if legacy:
            author, time = legacy["author"].strip(), parse_time(legacy["time"])
            rest = head[legacy.end():].strip()
            lines = ([rest] if rest else []) + lines[1:]
        elif header:
            author, time = header["author"].strip(), parse_time(header["time"])
            lines = lines[1:]
    excerpt = "\n".join(_strip_quoted_tail(lines))
    excerpt = replace_attachment_tips(excerpt, blank=False)
    edit = EDIT_NOTICE.match(excerpt)
    if edit:
        excerpt = excerpt[edit.end():]
    return Quote(author=author or None, time=time, pid=pid, excerpt=_normalize(excerpt))


def _match_tail(line: str) -> tuple[str, str | None, str | None] | None:
    if not _may_match(line, CLIENT_TAIL_HINTS):
        return None
    for tail in CLIENT_TAILS:
        match = tail.pattern.fullmatch(line)
        if match:
            groups = match.groupdict()
            name = (groups.get("client") or tail.name).strip()
            device = (groups.get("device") or "").strip(" ,，") or None
            return name, device, groups.get("version") or None
    return None


def _bare_urls(text: str, start: int, end: int) -> list[tuple[int, str]]:
    found = []
    for match in BARE_URL.finditer(text, start, end):
        url = match.group(0).rstrip(URL_TRAILING_PUNCT)
        if url.lower().startswith("www."):
            url = "http://" + url
        found.append((match.start(), _repair_url(url)))
    return found


def _ordered_unique(items: list[tuple[int, str]], start: int, end: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for offset, value in sorted(items, key=lambda item: item[0]):
        if start <= offset < end:
            seen.setdefault(value, None)
    return tuple(seen)


def _may_match(text: str, hints: tuple[str, ...]) -> bool:
    # a plain loop: any() over a generator costs more for 1–5 hints (hot: every body)
    for hint in hints:  # noqa: SIM110
        if hint in text:
            return True
    return False


def _blank(pattern: re.Pattern[str], hints: tuple[str, ...], text: str) -> tuple[str, int]:
    """Blank out matches, keeping offsets (link and smiley offsets index into the text).

    ``hints``: literals one of which every match contains; without them there is nothing to do.
    """
    if not _may_match(text, hints):
        return text, 0
    return pattern.subn(lambda match: _NOT_NEWLINE.sub(" ", match.group(0)), text)


def _tail_of(raw: str, start: int) -> tuple[int, tuple[str, str | None, str | None]] | None:
    """Where the client tail starts in ``raw`` and what it names, or None."""
    body_end = len(raw.rstrip())
    line_start = max(raw.rfind("\n", start, body_end) + 1, start)
    last_line = raw[line_start:body_end].strip()
    if not last_line:
        return None
    tail = _match_tail(last_line)
    if tail:
        return line_start, tail
    inline = INLINE_TAIL.search(raw, line_start, body_end) if _may_match(last_line, _FROM_HINTS) else None
    if inline:
        return inline.start(), (inline["client"].strip(), None, None)
    return None


def _finish(r: _Renderer) -> Body:
    raw = "".join(r.parts)
    status: PostStatus = r.locked_status or "normal"
    moderator_view = False
    raw, hides = _blank(HIDE_PLACEHOLDER, HIDE_PLACEHOLDER_HINTS, raw)
    raw = replace_attachment_tips(raw, blank=True)

    # placeholders that make up the whole body
    stripped = raw.strip()
    if BANNED_PLACEHOLDER.match(stripped):
        return Body(text="", status="banned", quotes=tuple(r.quotes), edit=r.edit)
    if HIDDEN_PLACEHOLDER.match(stripped):
        return Body(text="", status="hidden", quotes=tuple(r.quotes), edit=r.edit)

    # cuts at the start (moderator notice, edit notice, reply form) move ``start``; leading
    # white space does not, or a link wrapping a leading image would be lost
    start, end = 0, len(raw)
    moderator = MODERATOR_VIEW.match(raw, start)
    if moderator:
        status, moderator_view, start = "banned", True, moderator.end()
    edit = r.edit
    if edit is None:
        match = EDIT_NOTICE.match(raw, start)
        if match:
            edit, start = _edit_from(match), match.end()
    if edit is None and "本帖最" in raw:
        trailing = TRAILING_EDIT_NOTICE.search(raw, start)
        if trailing:
            edit, raw = _edit_from(trailing), raw[:trailing.start()]
    reply = r.reply
    if reply is None:
        match = REPLY_FORM_TEXT.match(raw, start)
        if match:
            pid = next((_pid_of(h) for o, h in r.links if start <= o < match.end() and _pid_of(h)), None)
            reply = (int(match["floor"]), pid, match["name"] or None)
            start = match.end()

    client = device = version = None
    tail = _tail_of(raw, start)
    if tail:
        end, (client, device, version) = tail

    links = _ordered_unique(r.links + _bare_urls(raw, start, end), start, end)
    return Body(
        text=_normalize(raw[start:end]),
        quotes=tuple(r.quotes),
        edit=edit,
        reply_to=reply[0] if reply else None,
        reply_pid=reply[1] if reply else None,
        reply_name=reply[2] if reply else None,
        client=client,
        client_device=device,
        client_version=version,
        smileys=tuple(token for offset, token in r.smileys if start <= offset < end),
        images=tuple(url for _, url in r.images),
        links=links,
        files=tuple(r.files),
        status=status,
        hidden_content=r.hidden_content or hides > 0,
        moderator_view=moderator_view,
    )


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------

# plain etree parser: lxml.html's element-class lookup costs ~20% here and is not needed.
# huge_tree: libxml2 stops building the tree past 256 nested elements without raising (the text
# came back '' silently, issue 12); with it the bound is 2048, and past that the error log says
# so and the body is read as tag-stripped text.
_HTML_PARSER = etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True, huge_tree=True)
#: libxml2's error text when it gives up on nesting depth.
DEPTH_LIMIT_ERROR = "Excessive depth"
_TAG = re.compile(r"<[^>]*>")


def clean_element(
    element: etree._Element, *, attachments: Mapping[str, str] | None = None
) -> Body:
    """Clean a body element of an already parsed page (``td.t_f``, ``div.message``).

    ``attachments`` maps attachment ids to URLs for ``[attach]AID[/attach]`` and ``aimg_AID``.
    The element is read, not modified; callers must still treat it as possibly consumed.
    """
    renderer = _Renderer(attachments)
    try:
        renderer.walk_children(element)
    except RecursionError:  # absurdly deep nesting: fall back to flat text
        renderer = _Renderer(attachments)
        renderer.text(_text_of(element))
    return _finish(renderer)


#: The only markup of a body that is plain lines of text (a text archive's usual post).
LINE_BREAK = "<br />"


def _plain_lines(html: str) -> list[str] | None:
    """The lines of a body that holds nothing but text and ``<br />`` (no other tag, no entity,
    no carriage return, which libxml2 would rewrite), else ``None``. Rendering those lines
    directly gives what the parsed tree gives (all 48,194 such bodies of 300 archive threads of
    2022–2023 compared; tests/test_clean.py compares those in tests/data) at half the cost: about
    a third of archive posts are such bodies."""
    if "&" in html or "\r" in html:
        return None
    lines = html.split(LINE_BREAK)
    return None if any("<" in line for line in lines) else lines


def clean_body(html: str | None, *, attachments: Mapping[str, str] | None = None) -> Body:
    """Clean one post body given as an HTML fragment. Never raises on malformed HTML."""
    if not html or not html.strip():
        return Body(text="")
    html = _CONTROL.sub("", html)
    lines = _plain_lines(html)
    if lines is not None:
        renderer = _Renderer(attachments)
        for number, line in enumerate(lines):
            if number:
                renderer.emit("\n")  # what walking a <br> outside a table cell emits
            renderer.text(line)
        return _finish(renderer)
    try:
        root = etree.fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return _finish_plain(html, attachments)
    if any(DEPTH_LIMIT_ERROR in entry.message for entry in _HTML_PARSER.error_log):
        return dataclasses.replace(_finish_plain(html, attachments), markup_too_deep=True)
    if root is None:
        return _finish_plain(html, attachments)
    body = root.find("body")
    element = body if body is not None else root
    # a fragment that is one body cell (``<td class="t_f">…</td>``) is that cell's content
    while (len(element) == 1 and element[0].tag in CELL_TAGS and not (element.text or "").strip()
           and not (element[0].tail or "").strip()):
        element = element[0]
    return clean_element(element, attachments=attachments)


def _finish_plain(html: str, attachments: Mapping[str, str] | None) -> Body:
    renderer = _Renderer(attachments)
    renderer.text(_TAG.sub(" ", html))
    return _finish(renderer)
