"""Render the seed thread into saved Stage1st pages: the samples the HTML/touch tests read.

No complete saved S1 page exists among the fixtures, so these are built from
``samples/thread-agi-empire.md`` (a copy of ../shared/seeds/thread-agi-empire.md, S1
text-archive format, tid 2267042, 41 floors) in the Discuz X3.5 markup documented in
../shared/reference/discuz-structure.md §1–2 and seen in the csolbbs X3.3 pages:

* ``s1-2267042-page-1.html`` — desktop floors 1–30, raw server source ("HTML only": no
  ``<tbody>``), S1 postno (floor 1 reads 楼主, others ``<em>N</em><sup>#</sup>``);
* ``s1-2267042-page-2.html`` — desktop floors 31–41 as a browser "complete" save (``saved
  from url`` comment, ``<tbody>`` inserted), ``#tath`` thread author;
* ``s1-2267042-page-1-gbk.html`` — page 1 re-encoded as GBK with ``<meta charset=gbk>``;
* ``s1-2267042-touch-1.html`` — X3.5 touch (``mobile=2``) page, floors 1–30;
* ``s1-2267042-touch-x32-1.html`` — the same floors in the X3.2–3.4 touch markup.

What the seed does not hold is made up, deterministically: pids other than the four the quote
links name (68712897, 68713018, 68713307, 68713540) are interpolated between them; uids are
derived from the user name (CRC32); smiley ``smilieid`` values follow the offset of the real
``face2017/009.gif`` → 723 (s1-post-bodies fixture); the title and fid are invented (the seed
has neither). Quotes without a link in the seed get a findpost link to the quoted floor's pid.
The 评分 block of floor 25 (gold013, +1, 好评加鹅) is rendered as the desktop ``table.ratl`` and
the touch ``li.flex-box`` rows; the archive prints the same block shape as floor 44 of
fixtures/s1-text/2145734-01 (参与人数 1战斗力 +1 / 收缩压 + 1 学习了).

Run: ``python samples/build_samples.py`` (rewrites the files; output is byte-identical per run).
"""

# ruff: noqa: E501  (the page templates below are markup lines, kept whole for readability)
from __future__ import annotations

import html
import re
import shutil
import zlib
from collections.abc import Sequence
from pathlib import Path

from threadscope.forums.discuz.s1text import archive_to_html, split_rating
from threadscope.load import load_thread
from threadscope.model import Post, Thread

HERE = Path(__file__).resolve().parent
SEED = HERE / "thread-agi-empire.md"
SHARED_SEED = HERE.parent.parent / "shared" / "seeds" / "thread-agi-empire.md"

TID = 2267042
FID = 75  # invented: S1 外野
FORUM_NAME = "外野"
TITLE = "Karen Hao《Empire of AI》：AGI造福全人类的信仰与真实账单"  # invented; the seed has no title
SITE = "https://stage1st.com/2b/"
PAGES = ((1, range(1, 31)), (2, range(31, 42)))
VIEWS, REPLIES = 4821, 40
#: pids named by the seed's quote links (floor → pid)
KNOWN_PIDS = {2: 68712897, 15: 68713018, 23: 68713307, 30: 68713540}
SMILIEID_OFFSET = 714  # face2017/009.gif carries smilieid="723" in the s1-post-bodies fixture

SEED_SMILEY = re.compile(r'<img src="(https://static\.stage1st\.com/image/smiley/face2017/(\d+)\.(?:png|gif))"'
                         r'[^>]*>')
QUOTE_OPEN = '<div class="quote"><blockquote>'
QUOTE_HEADER = re.compile(
    re.escape(QUOTE_OPEN)
    + r'(?:<a href="[^"]*?pid=(?P<pid>\d+)[^"]*" target="_blank">(?P<linked>[^<]*)</a>|(?P<plain>[^<]*?))'
    r"(?:<br />)+"
)
HEADER_TEXT = re.compile(r"^(?P<name>.*) 发表于 (?P<time>\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2})$")


def seed_thread() -> Thread:
    if SHARED_SEED.is_file() and not SEED.is_file():
        shutil.copyfile(SHARED_SEED, SEED)
    return load_thread(SEED)


def assign_pids(floors: Sequence[int]) -> dict[int, int]:
    """Increasing pids through the known ones; steps before/after extrapolate the nearest gap."""
    anchors = sorted(KNOWN_PIDS.items())
    pids: dict[int, int] = {}
    for floor in floors:
        below = [a for a in anchors if a[0] <= floor]
        above = [a for a in anchors if a[0] >= floor]
        if below and above:
            (f0, p0), (f1, p1) = below[-1], above[0]
            pids[floor] = p0 if f0 == f1 else p0 + (p1 - p0) * (floor - f0) // (f1 - f0)
        elif above:  # before the first anchor
            (f0, p0), (f1, p1) = anchors[0], anchors[1]
            pids[floor] = p0 - (p1 - p0) * (f0 - floor) // (f1 - f0)
        else:  # after the last anchor
            (f0, p0), (f1, p1) = anchors[-2], anchors[-1]
            pids[floor] = p1 + (p1 - p0) * (floor - f1) // (f1 - f0)
    return pids


def uid_of(name: str) -> int:
    return 100000 + zlib.crc32(name.encode("utf-8")) % 800000


def findpost(pid: int) -> str:
    return f"{SITE}forum.php?mod=redirect&amp;goto=findpost&amp;pid={pid}&amp;ptid={TID}"


def body_html(post: Post, thread: Thread, pids: dict[int, int]) -> str:
    """The S1 ``td.t_f`` inner HTML of a seed post."""
    text, _rating = split_rating(post.html.strip("\n"))
    body, _status = archive_to_html(text)
    body = SEED_SMILEY.sub(
        lambda m: f'<img src="{m[1]}" smilieid="{SMILIEID_OFFSET + int(m[2])}" border="0" alt="" />', body)

    def quote(match: re.Match[str]) -> str:
        header = html.unescape(match["linked"] or match["plain"] or "").strip()
        parts = HEADER_TEXT.match(header)
        pid = int(match["pid"]) if match["pid"] else None
        if pid is None and parts:
            quoted = next((p for p in thread.posts if p.author == parts["name"]
                           and p.time and p.time.strftime("%Y-%m-%d %H:%M") == _zero_pad(parts["time"])),
                          None)
            pid = pids[quoted.floor] if quoted else None
        head = f'<font color="#999999">{html.escape(header, quote=False)}</font>'
        if pid is not None:
            head = f'<a href="{findpost(pid)}" target="_blank">{head}</a>'
        return f'{QUOTE_OPEN}<font size="2">{head}</font><br />'

    body = QUOTE_HEADER.sub(quote, body)
    if post.edit is not None:
        # S1 stores the notice as [i=s] followed by a blank line: `</i><br />\r\n<br />\r\n`
        body = re.sub(r"</i>(?:<br />)*", "</i><br /><br />", body, count=1)
    return body.replace("<br />", "<br />\r\n")


def _zero_pad(time: str) -> str:
    day, clock = time.split(" ")
    y, m, d = day.split("-")
    hh, mm = clock.split(":")
    return f"{y}-{int(m):02d}-{int(d):02d} {int(hh):02d}:{mm}"


def post_time(post: Post) -> str:
    t = post.time
    assert t is not None
    return f"{t.year}-{t.month}-{t.day} {t.hour:02d}:{t.minute:02d}"


def floor_label(floor: int) -> str:
    # S1 cache_custominfo_postno ["<sup>#</sup>","楼主",""]: floor 1 is 楼主, others N#
    return "楼主" if floor == 1 else f"<em>{floor}</em><sup>#</sup>"


# --- desktop ---------------------------------------------------------------------------------------

def desktop_rating(post: Post, pid: int) -> str:
    if not post.ratings:
        return f'<div id="post_rate_div_{pid}"></div>\n'
    total = sum(r.score for r in post.ratings)
    rows = "".join(
        f'<tr id="rate_{pid}_{uid_of(r.user)}">\n'
        f'<td><a href="space-uid-{uid_of(r.user)}.html" target="_blank" class="avt">'
        f'<img src="https://avatar.stage1st.com/images/noavatar_small.gif" /></a> '
        f'<a href="space-uid-{uid_of(r.user)}.html" target="_blank">{html.escape(r.user)}</a></td>\n'
        f'<td class="{"xi1" if r.score > 0 else "xg1"}">{" + " if r.score > 0 else ""}{r.score}</td>\n'
        f'<td class="xg1">{html.escape(r.reason)}</td>\n</tr>\n'
        for r in post.ratings
    )
    view = f"forum.php?mod=misc&amp;action=viewratings&amp;tid={TID}&amp;pid={pid}"
    return (
        '<h3 class="psth xs1"><span class="icon_ring vm"></span>评分</h3>\n'
        f'<dl id="ratelog_{pid}" class="rate">\n<dd style="margin:0">\n<div id="post_rate_{pid}"></div>\n'
        '<table class="ratl">\n<tr>\n'
        f'<th class="xw1" width="120"><a href="{view}" title="查看全部评分" '
        f"onclick=\"showWindow('viewratings', this.href)\"> 参与人数 "
        f'<span class="xi1">{len(post.ratings)}</span></a></th>\n'
        f'<th class="xw1" width="80">战斗力 <i><span class="xi1">{total:+d}</span></i></th>\n'
        '<th><a href="javascript:;" onclick="show_rate_reason()" class="y xi2">收起</a>'
        '<i class="txt_h">理由</i></th>\n</tr>\n'
        f'<tbody class="ratl_l">\n{rows}</tbody>\n</table>\n'
        f'<p class="ratc"><a href="{view}" title="查看全部评分" '
        f"onclick=\"showWindow('viewratings', this.href)\" class=\"xi2\">查看全部评分</a></p>\n"
        "</dd>\n</dl>\n"
    )


def desktop_post(post: Post, thread: Thread, pids: dict[int, int], tbody: bool) -> str:
    pid, uid, name = pids[post.floor], uid_of(post.author or ""), html.escape(post.author or "")
    href = (f"forum.php?mod=viewthread&amp;tid={TID}" if post.floor == 1
            else f"forum.php?mod=redirect&amp;goto=findpost&amp;ptid={TID}&amp;pid={pid}")
    op_mark = ('<em class="authicn fico-person fic4 fc-p" title="楼主"></em>&nbsp;楼主<span class="pipe">|</span>\n'
               if post.is_op and post.floor != 1 else "")
    tb_open, tb_close = ("<tbody>", "</tbody>") if tbody else ("", "")
    return f"""<div id="post_{pid}"><table id="pid{pid}" class="plhin" summary="pid{pid}" cellspacing="0" cellpadding="0">
{tb_open}<tr>
<td class="pls" rowspan="2">
<div id="favatar{pid}" class="pls favatar">
<div class="pi">
<div class="authi"><a href="space-uid-{uid}.html" target="_blank" class="xw1">{name}</a>
</div>
</div>
<div><div class="avatar"><a href="space-uid-{uid}.html" class="avtm" target="_blank"><img src="https://avatar.stage1st.com/images/noavatar_middle.gif" /></a></div></div>
<p><em><a href="home.php?mod=spacecp&amp;ac=usergroup&amp;gid=13" target="_blank">战斗力 鹅</a></em></p>
</div>
</td>
<td class="plc">
<div class="pi">
<strong>
<a href="{href}" id="postnum{pid}" onclick="setCopy(this.href, '帖子地址复制成功');return false;">
{floor_label(post.floor)}</a>
</strong>
<div class="pti">
<div class="pdbt">
</div>
<div class="authi">
{op_mark}<em id="authorposton{pid}">发表于 {post_time(post)}</em>
<span class="pipe">|</span>
<a href="forum.php?mod=viewthread&amp;tid={TID}&amp;page=1&amp;authorid={uid}" rel="nofollow">只看该作者</a>
</div>
</div>
</div><div class="pct"><div class="pcb">
<div class="t_fsz">
<table cellspacing="0" cellpadding="0">{tb_open}<tr><td class="t_f" id="postmessage_{pid}">
{body_html(post, thread, pids)}</td></tr>{tb_close}</table>
</div>
<div id="comment_{pid}" class="cm">
</div>
{desktop_rating(post, pids[post.floor])}</div>
</div>
</td></tr>
<tr><td class="plc plm">
</td>
</tr>
<tr id="_postposition{pid}"></tr>
<tr>
<td class="pls"></td>
<td class="plc" style="overflow:visible;">
<div class="po hin">
<div class="pob cl">
<em>
<a class="fastre" href="forum.php?mod=post&amp;action=reply&amp;fid={FID}&amp;tid={TID}&amp;repquote={pid}&amp;extra=&amp;page=1" onclick="showWindow('reply', this.href)">回复</a>
</em>
</div>
</div>
</td>
</tr>
<tr class="ad">
<td class="pls">
</td>
<td class="plc">
</td>
</tr>
{tb_close}</table>
</div>"""


def pager(page: int, last: int, url: str) -> str:
    links = "".join(f"<strong>{n}</strong>" if n == page else f'<a href="{url.format(n)}">{n}</a>'
                    for n in range(1, last + 1))
    prev = f'<a href="{url.format(page - 1)}" class="prev">&nbsp;&nbsp;</a>' if page > 1 else ""
    nxt = f'<a href="{url.format(page + 1)}" class="nxt">下一页</a>' if page < last else ""
    return (f'<div class="pg">{prev}{links}<label><input type="text" name="custompage" class="px" size="2" '
            f'title="输入页码，按回车快速跳转" value="{page}" /><span title="共 {last} 页"> / {last} 页</span>'
            f"</label>{nxt}</div>")


def desktop_page(thread: Thread, pids: dict[int, int], page: int, floors: range) -> str:
    last = len(PAGES)
    dom_save = page > 1  # page 2 imitates a browser "complete" save
    posts = "".join(desktop_post(thread.post(f), thread, pids, dom_save) for f in floors)  # type: ignore[arg-type]
    url = f"thread-{TID}-{{}}-1.html"
    saved = (f"<!-- saved from url=(00{len(SITE + url.format(page)):02d}){SITE}{url.format(page)} -->\n"
             if dom_save else "")
    header_td = (
        f'<div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">{VIEWS}</span>'
        f'<span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">{REPLIES}</span></div>'
        if page == 1 else
        f'<div class="hm ptn" id="tath"><span class="xg1">楼主:</span> <a href="space-uid-{uid_of(thread.starter or "")}'
        f'.html" title="{thread.starter}">{thread.starter}</a></div>'
    )
    return f"""{saved}<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{TITLE} - {FORUM_NAME} - Stage1st - stage1/s1 游戏动漫论坛</title>
<link href="{SITE}thread-{TID}-1-1.html" rel="canonical" />
<meta name="generator" content="Discuz! X3.5" />
<base href="{SITE}" /><script type="text/javascript">var STYLEID = '6', STATICURL = 'static/', IMGDIR = 'static/image/common', VERHASH = 'Nq6', charset = 'utf-8', discuz_uid = '0', cookiepre = 'B7Y9_2132_', SITEURL = '{SITE}';</script>
</head>
<body id="nv_forum" class="pg_viewthread" onkeydown="if(event.keyCode==27) return false;">
<div id="wp" class="wp">
<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">Stage1st</a> <em>&rsaquo;</em> <a href="forum.php">论坛</a> <em>&rsaquo;</em> <a href="forum-{FID}-1.html">{FORUM_NAME}</a> <em>&rsaquo;</em> <a href="thread-{TID}-1-1.html">{TITLE}</a></div></div>
<script type="text/javascript">var fid = parseInt('{FID}'), tid = parseInt('{TID}');</script>
<div id="ct" class="wp cl">
<div id="pgt" class="pgs mbm cl ">
{pager(page, last, url)}
<span class="y pgb"><a href="forum-{FID}-1.html">返回列表</a></span>
</div>
<div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0">{"<tbody>" if dom_save else ""}<tr>
<td class="pls ptn pbn">
{header_td}
</td>
<td class="plc ptm pbn vwthd">
<h1 class="ts">
<span id="thread_subject">{TITLE}</span>
</h1>
</td>
</tr>{"</tbody>" if dom_save else ""}</table>
{posts}<div id="postlistreply" class="pl"><div id="post_new" class="viewthread_table" style="display: none"></div></div>
</div>
<div class="pgs mtm mbm cl">
{pager(page, last, url)}
</div>
</div>
</div>
</body>
</html>
"""


# --- touch ---------------------------------------------------------------------------------------

def touch_rating(post: Post, pid: int) -> str:
    if not post.ratings:
        return f'<div id="post_rate_div_{pid}"></div>\n'
    total = sum(r.score for r in post.ratings)
    view = f"forum.php?mod=misc&amp;action=viewratings&amp;tid={TID}&amp;pid={pid}"
    rows = "".join(
        f'<li class="flex-box mli p0">\n<div class="flex-2 xs1 xg1"><span class="z">'
        f'<a href="home.php?mod=space&amp;uid={uid_of(r.user)}" target="_blank">{html.escape(r.user)}</a>'
        f'</span></div>\n<div class="flex-2 xs1 {"xi1" if r.score > 0 else "xg1"} xw1">'
        f'{" + " if r.score > 0 else ""}{r.score}</div>\n'
        f'<div class="flex-3 xs1 xg1">{html.escape(r.reason)}</div>\n</li>\n'
        for r in post.ratings
    )
    return (
        '<h3 class="psth xs1"><span class="icon_ring vm"></span>评分</h3>\n'
        f'<div id="ratelog_{pid}">\n<dd style="margin:0">\n<div id="post_rate_{pid}"></div>\n'
        '<ul class="post_box cl">\n<li class="flex-box mli p0">\n'
        f'<div class="flex-2 xs1 xg1 xw1"><span class="z"><a href="{view}" class="dialog" '
        f'title="查看全部评分"> 参与人数 <span class="xi1">{len(post.ratings)}</span></a></span></div>\n'
        f'<div class="flex-2 xs1 xg1 xw1">战斗力 <i><span class="xi1">{total:+d}</span></i></div>\n'
        '<div class="flex-3 xs1 xg1 xw1">理由</div>\n</li>\n'
        f'{rows}<li class="flex-box mli p0"><div class="flex xs2 xg1 xw1"><a href="{view}" '
        'title="查看全部评分" class="dialog">查看全部评分</a></div></li>\n</ul>\n</dd>\n</div>\n'
    )


def touch_post(post: Post, thread: Thread, pids: dict[int, int]) -> str:
    pid, uid, name = pids[post.floor], uid_of(post.author or ""), html.escape(post.author or "")
    label = "楼主" if post.floor == 1 else f"{post.floor}<sup>#</sup>"
    counters = (f'<span class="y"><i class="dm-eye"></i><em>{VIEWS}</em><i class="dm-chat-s"></i>'
                f"<em>{REPLIES}</em></span>" if post.floor == 1 else "")
    first_extra = (f'<div class="discuz_x cl"></div>\n<div class="txtlist cl"><div class="mtit cl">'
                   f'<a href="forum.php?mod=viewthread&amp;tid={TID}&amp;extra=&amp;ordertype=1" class="ytxt">倒序浏览</a>'
                   f'<a href="forum.php?mod=viewthread&amp;tid={TID}&amp;page=1&amp;authorid={uid}" rel="nofollow" '
                   f'class="ytxt">只看楼主</a>全部回复<em>{REPLIES}</em></div></div>\n'
                   if post.floor == 1 else "")
    return f"""<div class="plc cl" id="pid{pid}">
<div class="avatar"><img src="https://avatar.stage1st.com/images/noavatar_small.gif" /></div>
<div class="display pi{" pione" if post.floor == 1 else ""}" href="#replybtn_{pid}">
<ul class="authi">
<li class="mtit">
<span class="y">
{label}
</span>
<span class="z">
<a href="home.php?mod=space&amp;uid={uid}">{name}</a>
</span>
</li>
<li class="mtime">
{counters}{post_time(post)}
</li>
</ul>
<div class="message">
{body_html(post, thread, pids)}
</div>
<div id="comment_{pid}">
</div>
{touch_rating(post, pid)}</div>
<div class="threadlist_foot cl"><ul></ul></div>
</div>
{first_extra}"""


def touch_old_post(post: Post, thread: Thread, pids: dict[int, int]) -> str:
    pid, uid, name = pids[post.floor], uid_of(post.author or ""), html.escape(post.author or "")
    label = "楼主" if post.floor == 1 else f"{post.floor}<sup>#</sup>"
    return f"""<div class="plc cl" id="pid{pid}">
<span class="avatar"><img src="https://avatar.stage1st.com/images/noavatar_small.gif" style="width:32px;height:32px;" /></span>
<div class="display pi" href="#replybtn_{pid}">
<ul class="authi">
<li class="grey">
<em>{label}</em>
<b><a href="home.php?mod=space&amp;uid={uid}" class="blue">{name}</a></b>
</li>
<li class="grey rela">
{post_time(post)}
</li>
</ul>
<div class="message">
{body_html(post, thread, pids)}
</div>
</div>
</div>
"""


def touch_page(thread: Thread, pids: dict[int, int], floors: range, old: bool) -> str:
    url = f"forum.php?mod=viewthread&amp;tid={TID}&amp;page={{}}&amp;mobile=2"
    if old:
        posts = "".join(touch_old_post(thread.post(f), thread, pids) for f in floors)  # type: ignore[arg-type]
        content = f'<div class="postlist">\n<h2>\n{TITLE}\n</h2>\n{posts}</div>\n'
    else:
        posts = "".join(touch_post(thread.post(f), thread, pids) for f in floors)  # type: ignore[arg-type]
        content = f'<div class="viewthread">\n<div class="view_tit">\n{TITLE}\n</div>\n{posts}</div>\n'
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no" />
<title>{TITLE} - {FORUM_NAME} -  Stage1st - stage1/s1 游戏动漫论坛 - 手机版 - Powered by Discuz!</title>
<base href="{SITE}" />
</head>
<body class="bg">
<div class="header cl"><div class="mz"><a href="javascript:history.back();"><i class="dm-c-left"></i></a></div>
<h2><a href="forum.php?mod=forumdisplay&amp;fid={FID}&amp;">{FORUM_NAME}</a></h2></div>
{content}{pager(1, len(PAGES), url)}
<input type="hidden" id="multipage_url" value="forum.php?mod=viewthread&amp;tid={TID}&amp;mobile=2" />
<div class="foot foot_reply flex-box cl"><a href="forum.php?mod=post&amp;action=reply&amp;fid={FID}&amp;tid={TID}&amp;reppost={pids[1]}&amp;page=1" class="flex"><i class="dm-chat-s"></i>回复</a></div>
</body>
</html>
"""


def gbk_copy(page: str) -> bytes:
    """Page 1 as a GBK build of Discuz would send it: declared gbk, NCRs for what GBK lacks."""
    page = page.replace("charset=utf-8", "charset=gbk").replace("charset = 'utf-8'", "charset = 'gbk'")
    return page.encode("gbk", errors="xmlcharrefreplace")


def build() -> list[Path]:
    thread = seed_thread()
    floors = [post.floor for post in thread.posts]
    assert floors == list(range(1, 42)), floors
    pids = assign_pids(floors)
    outputs: dict[str, bytes] = {}
    for page, page_floors in PAGES:
        outputs[f"s1-{TID}-page-{page}.html"] = desktop_page(thread, pids, page, page_floors).encode()
    outputs[f"s1-{TID}-page-1-gbk.html"] = gbk_copy(outputs[f"s1-{TID}-page-1.html"].decode())
    outputs[f"s1-{TID}-touch-1.html"] = touch_page(thread, pids, PAGES[0][1], old=False).encode()
    outputs[f"s1-{TID}-touch-x32-1.html"] = touch_page(thread, pids, PAGES[0][1], old=True).encode()
    written = []
    for name, data in outputs.items():
        path = HERE / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size:,} bytes)")
