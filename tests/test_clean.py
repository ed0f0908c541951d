"""threadscope.forums.discuz.clean on real bodies: the 536 S1 desktop bodies, RSSHub descriptions,
API messages, the text archive seed and the csolbbs Discuz X3.3 pages. Expected values were read off the raw
fixtures by hand (file and pid in each row)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from threadscope.forums.discuz.clean import Body, clean_body, clean_element
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.load import load_thread
from threadscope.model import Post, Thread

from .conftest import SAMPLES

BODIES = "s1-post-bodies/stage1stcrawler-uid555493.html"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=DISCUZ_TZ)


# ---------------------------------------------------------------------------------------------
# loaders
# ---------------------------------------------------------------------------------------------


@cache
def _cell_list(path: Path) -> list[lxml.html.HtmlElement]:
    return lxml.html.parse(str(path)).getroot().xpath('//td[starts-with(@id, "postmessage_")]')


def _body_cells(path: Path) -> dict[int, lxml.html.HtmlElement]:
    return {int(td.get("id").split("_")[1]): td for td in _cell_list(path)}


@pytest.fixture(scope="module")
def cells(fixtures: Path) -> dict[int, lxml.html.HtmlElement]:
    return _body_cells(fixtures / BODIES)


@pytest.fixture(scope="module")
def bodies(cells: dict[int, lxml.html.HtmlElement]) -> dict[int, Body]:
    return {pid: clean_element(td) for pid, td in cells.items()}


def rss_body(fixtures: Path, name: str, pid: int) -> Body:
    for item in etree.parse(str(fixtures / "s1-rss" / name)).iter("item"):
        if f"pid={pid}" in item.findtext("link"):
            return clean_body(item.findtext("description"))
    raise AssertionError(f"pid {pid} not in {name}")


def api_post(fixtures: Path, name: str, pid: int) -> dict:
    text = (fixtures / "s1-api" / name).read_text(encoding="utf-8-sig")
    # the s1nyan files are re-indented with U+00A0 between tokens; strings hold none
    data = json.loads(text.replace("\u00a0", " "))
    for post in data["Variables"]["postlist"]:
        if post["pid"] == str(pid):
            return post
    raise AssertionError(f"pid {pid} not in {name}")


def api_body(fixtures: Path, name: str, pid: int, *, with_attachments: bool = True) -> Body:
    post = api_post(fixtures, name, pid)
    attachments = {aid: a["url"] + a["attachment"] for aid, a in (post.get("attachments") or {}).items()}
    return clean_body(post.get("message"), attachments=attachments if with_attachments else None)


_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def seed_floor(floor: int) -> str:
    """Body of one floor of the seed thread, with markdown links turned into <a> the way the
    text-archive adapter does; raw newlines stay (the cleaner treats them as line breaks)."""
    # the samples' copy is in every clone (test_load checks it equals ../shared/seeds'), so no skip
    text = (SAMPLES / "thread-agi-empire.md").read_text(encoding="utf-8-sig")
    match = re.search(rf"^##### {floor}#[^\n]*\n(.*?)\n\*\*\*\*\*", text, re.S | re.M)
    assert match, floor
    return _MD_LINK.sub(r'<a href="\2">\1</a>', match.group(1))


# ---------------------------------------------------------------------------------------------
# the 536 desktop bodies
# ---------------------------------------------------------------------------------------------

LEAKS = re.compile(
    r"本帖最后由|下载附件|下载次数|\d 上传|发表于 \d{4}|复制代码|—— 来自|来自 .*S1Fun|s1fun\.koalcat"
)


def test_all_536_bodies_found_and_clean(fixtures: Path, bodies: dict[int, Body]) -> None:
    # 536 cells; the scraper saved pids 57719814 (3 times) and 57739578 (twice) more than once
    assert len(_cell_list(fixtures / BODIES)) == 536
    assert len(bodies) == 533
    dirty = {pid: body.text for pid, body in bodies.items() if LEAKS.search(body.text)}
    assert dirty == {}
    for body in bodies.values():
        for quote in body.quotes:
            assert not LEAKS.search(quote.excerpt), quote
            assert quote.author and quote.time and quote.pid


def test_536_counts(fixtures: Path) -> None:
    bodies = {i: clean_element(td) for i, td in enumerate(_cell_list(fixtures / BODIES))}
    # counted in the raw file: 96 div.quote, 24 i.pstatus, 24 inline images (the 25th img.zoom
    # sits in a div.pattl after its td),
    # 165 "—— 来自 <a …s1fun…>S1Fun</a>" tails outside quotes, 1 div.locked [hide]
    assert sum(len(body.quotes) for body in bodies.values()) == 96
    assert sum(body.edit is not None for body in bodies.values()) == 24
    assert sum(len(body.images) for body in bodies.values()) == 24
    assert sum(body.client == "S1Fun" for body in bodies.values()) == 165
    assert [i for i, body in bodies.items() if body.hidden_content] == [
        i for i, td in enumerate(_cell_list(fixtures / BODIES)) if td.get("id") == "postmessage_56634141"
    ]
    assert all(body.status == "normal" for body in bodies.values())


def test_clean_body_matches_clean_element(
    cells: dict[int, lxml.html.HtmlElement], bodies: dict[int, Body]
) -> None:
    for pid, td in cells.items():
        assert clean_body(lxml.html.tostring(td, encoding="unicode")) == bodies[pid], pid


@pytest.mark.parametrize(
    ("pid", "author", "time", "quoted_pid", "excerpt", "text"),
    [
        (
            61500555,
            "yayn135",
            "2023-07-01 07:47",
            61500515,
            "因为要上班，昨晚太兴奋了搞得四点睡人都要噶了",
            "摸摸sensei，辛苦啦~",
        ),
        (57946039, "怎么起名嘛", "2022-10-16 23:03", 57945962, "别走好吗", "摸摸sensei~吾辈不会走的啦~~"),
        # quoted S1Next tail, the body's own S1Fun tail
        (56802103, "天空塔书记官", "2022-07-26 07:38", 56802023, "早…", "sensei早安~"),
        # quoted tail cut short by Discuz: "—— 来自 vivo V2012A, Android 12上的 S1Nex ..."
        (
            56666330,
            "并没有人在乎",
            "2022-07-16 08:49",
            56666116,
            "方便为什么不屯面包在房间里，手撕面包或者夹心吐司",
            "以前也买过一箱面包，发现面包太大太占地方了！\n而且那时候天天吃吃腻了ww",
        ),
        (56049769, "nyog_", "2022-05-30 09:22", 56049717, "可以抱抱我吗", "抱抱sensei~"),
        # quoted "  -- 来自 能看大图的 Stage1官方 Android客户端 ..."
        (
            55976930,
            "443421870",
            "2022-05-24 23:35",
            55976872,
            "说起来恋诗夜有几个微博号啊，我搜怎么搜不到呢。。",
            "目前在tape上活动，叫:宇宙超キラキラ天使",
        ),
    ],
)
def test_desktop_quotes(
    bodies: dict[int, Body], pid: int, author: str, time: str, quoted_pid: int, excerpt: str, text: str
) -> None:
    body = bodies[pid]
    assert len(body.quotes) == 1
    quote = body.quotes[0]
    assert (quote.author, quote.time, quote.pid, quote.excerpt) == (
        author, at(time), None if quoted_pid is None else str(quoted_pid), excerpt)
    assert body.text == text


@pytest.mark.parametrize(
    ("pid", "by", "time", "text_start"),
    [
        (61587268, "恋诗夜Koхia", "2023-07-07 16:47", "为了让明天和sensei有话聊（划）\n评论区征集"),
        (61561939, "恋诗夜Koхia", "2023-07-05 20:11", "唉，悲伤的一天；；"),
        (61523772, "恋诗夜Koхia", "2023-07-03 00:04", "一直喜欢本体"),
    ],
)
def test_desktop_edits(bodies: dict[int, Body], pid: int, by: str, time: str, text_start: str) -> None:
    body = bodies[pid]
    assert body.edit is not None
    assert (body.edit.by, body.edit.at) == (by, at(time))
    assert body.text.startswith(text_start)


@pytest.mark.parametrize(
    ("pid", "client", "text"),
    [
        (57946039, "S1Fun", "摸摸sensei~吾辈不会走的啦~~"),
        (55976930, "S1Fun", "目前在tape上活动，叫:宇宙超キラキラ天使"),
        (56049769, None, "抱抱sensei~"),  # only the quote carries a tail
    ],
)
def test_desktop_tails(bodies: dict[int, Body], pid: int, client: str | None, text: str) -> None:
    body = bodies[pid]
    assert (body.client, body.text) == (client, text)
    assert "https://s1fun.koalcat.com" not in body.links


@pytest.mark.parametrize(
    ("pid", "images", "text"),
    [
        (
            61506381,
            ("https://img.saraba1st.com/forum/202307/01/181147runqxg6wqbyo7q99.png",),
            "技术性调整！改到8号啦~",
        ),
        (
            61505335,
            ("https://img.saraba1st.com/forum/202307/01/163054drhqaegzct5clr9v.png",),
            "今天的联动由于各种原因换到7月7号啦！\n摸摸鱼也摸摸sensei~~~",
        ),
    ],
)
def test_desktop_attachments(bodies: dict[int, Body], pid: int, images: tuple[str, ...], text: str) -> None:
    body = bodies[pid]
    assert body.images == images
    assert body.text.startswith(text)
    assert "图片.png" not in body.text


def test_desktop_hidden_content(bodies: dict[int, Body]) -> None:
    body = bodies[56634141]  # <div class="locked">以下内容需要积分高于 10 才可浏览</div>
    assert body.hidden_content
    assert body.text == "sensei，喜欢~"


# ---------------------------------------------------------------------------------------------
# RSSHub descriptions
# ---------------------------------------------------------------------------------------------


def test_rss_edit_tail_hidden_image_link(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1944003.xml", 47983476)
    assert body.edit is not None and (body.edit.by, body.edit.at) == ("zmw_831110", at("2020-06-28 13:22"))
    assert (body.client, body.client_device, body.client_version) == (
        "S1Next-鹅版",
        "HMD Global Nokia 7 plus, Android 9",
        "v2.2.2.1",
    )
    assert body.hidden_content
    assert "积分" not in body.text
    # RSSHub's src=".../2b/undefined": the real URL is in file=
    assert body.images == (
        "https://p.sda1.dev/0/24eaa0d50499db85df76283237ee5c20/IMG_9918351EE8F15D8A0FACF193EDC88EE5.jpeg",
    )
    assert body.links == ("https://bbs.saraba1st.com/2b/thread-1783949-0-1.html",)
    assert body.text.startswith("看到13楼，噗嗤一下笑出声了")
    assert body.text.endswith("打破了冈田世界里无胸罩的传说！")


def test_rss_quote_of_banned_author(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1944643.xml", 48038173)
    (quote,) = body.quotes
    assert (quote.author, quote.time, quote.pid) == ("######", at("2020-07-02 10:00"), "48032460")
    assert quote.excerpt == "**** 作者被禁止或删除 内容自动屏蔽 ****"
    assert body.status == "normal"
    assert body.text == "很多B150根本不用屏蔽，直接接，隐患？你B85都N年板子了还谈什么隐患"


def test_rss_edit_then_quote(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1944003.xml", 47970244)
    assert body.edit is not None and body.edit.by == "不能放过孩子"
    (quote,) = body.quotes
    assert (quote.author, quote.pid) == ("主机玩家", "47956767")
    assert quote.excerpt.endswith("能不能来点正常的逆推纯 ...")
    assert body.smileys == ("[s:143]",)
    assert body.text.endswith("太顶了\n[s:143]")


def test_rss_code_block(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1946457.xml", 48113291)
    lines = body.text.split("\n")
    assert "复制代码" not in body.text
    assert "  static const bool value = sizeof(subclassCheck(t)) == sizeof(YesType);" in lines
    assert "int main() {" in lines
    assert lines[lines.index("int main() {") + 2] == "}"
    assert body.text.rstrip().endswith("确实是我现在找到的最好实现。")


def test_rss_table_and_smiley_sets(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1905721.xml", 46065337)
    assert "名称\t图像\t暂时效果\t研究后效果\t研究时间\t关联" in body.text.split("\n")
    assert "下载次数" not in body.text
    other = rss_body(fixtures, "stage1starchive-1944711.xml", 48006536)
    assert other.smileys == ("[s:carton2017/295]",)
    assert other.text == "[s:carton2017/295]真是可爱呢"
    assert other.client == "S1Next-鹅版"


def test_rss_link_around_image(fixtures: Path) -> None:
    body = rss_body(fixtures, "stage1starchive-1944643.xml", 48030949)
    assert body.links == ("https://sm.ms/image/94upZ37WarC5mEh",)
    assert body.images == ("https://i.loli.net/2020/07/02/94upZ37WarC5mEh.jpg",)
    assert body.text == "这价位捡洋垃圾吧[s:037]"


# ---------------------------------------------------------------------------------------------
# API messages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pid", "author", "time", "quoted_pid", "excerpt", "text"),
    [
        # legacy phpwind "引用第2楼lyb952037于2013-06-22 16:36发表的" with a job.php?action=topost link
        (
            "s1nyan-post.json",
            21567606,
            "lyb952037",
            "2013-06-22 16:36",
            21567548,
            "[s:face/119]小黄本和魔改可以吗 ? 有福了",
            "日本方面毫无问题，问题在于中国海关，没收不负责。。",
        ),
        # <p>引用:</p> + linked header
        (
            "s1nyan-thread1.json",
            22729820,
            "真红之闪电",
            "2013-08-11 23:19",
            22729662,
            "我觉得是拼写反规则……那个r跟n的出现跟发音规则太奇怪了……\n初中开始就写错这俩…… ...",
            "二月发音和拼写没什么问题啊\n倒是星期三里面的那个d没在发音里出现过比较难写……",
        ),
        # <p>引用:</p> + header without a link (mobile quote)
        (
            "s1nyan-thread1.json",
            22728912,
            "mychoxa9",
            "2013-08-11 21:52",
            None,
            "看不懂草老婆花园地上挖洞那个。",
            "杀妻埋了吧。",
        ),
        (
            "s1nyan-post2.json",
            24137226,
            "lentrody",
            "2014-01-07 21:17",
            24136804,
            "直接百度识图结果也挺正常的啊\n这货用的啥奇葩算法",
            "识图和识别图还是有点差别的，更别说这货还是手机拍的",
        ),
    ],
)
def test_api_quotes(
    fixtures: Path,
    name: str,
    pid: int,
    author: str,
    time: str,
    quoted_pid: int | None,
    excerpt: str,
    text: str,
) -> None:
    body = api_body(fixtures, name, pid)
    (quote,) = body.quotes
    assert (quote.author, quote.time, quote.pid, quote.excerpt) == (
        author, at(time), None if quoted_pid is None else str(quoted_pid), excerpt)
    assert body.text == text
    assert body.images == ()  # phpwind's back.gif is not an image


def test_api_quote_without_header(fixtures: Path) -> None:
    body = api_body(fixtures, "s1nyan-thread1.json", 22728291)  # OP quoting an introduction
    assert body.edit is not None and (body.edit.by, body.edit.at) == ("周愚", at("2013-08-11 21:07"))
    (quote,) = body.quotes
    assert (quote.author, quote.time, quote.pid) == (None, None, None)
    assert quote.excerpt.startswith("http://sickipedia.org\n英国佬开的百无禁忌的笑话聚合站。")
    assert "英国佬" not in body.text
    assert "http://sickipedia.org/" not in body.links


def test_api_attach_token(fixtures: Path) -> None:
    body = api_body(fixtures, "s1nyan-post2.json", 24136804)
    assert body.images == ("http://img.saraba1st.com/attachments/forum/201401/07/214726rtd4ev48m9b7kmez.jpg",)
    assert body.text == "直接百度识图结果也挺正常的啊\n这货用的啥奇葩算法"
    assert body.edit is not None and body.edit.by == "lentrody"
    bare = api_body(fixtures, "s1nyan-post2.json", 24136804, with_attachments=False)
    assert bare.images == ("attach:245666",)


@pytest.mark.parametrize(
    ("name", "pid", "smileys", "text"),
    [
        (
            "s1nyan-post.json",
            21567654,
            ("[s:face/41]", "[s:face/41]"),
            "[s:face/41] [s:face/41] 怎么和TGFC的一样啊。。是不是同一个人啊",
        ),
        ("s1nyan-post2.json", 24136118, ("[s:nq/010]",), "[s:nq/010]粉色的小猪"),
        ("s1nyan-thread1.json", 22728845, ("[s:goose/b200]",), "[s:goose/b200]每周期待的又来了"),
    ],
)
def test_api_smileys(fixtures: Path, name: str, pid: int, smileys: tuple[str, ...], text: str) -> None:
    body = api_body(fixtures, name, pid)
    assert (body.smileys, body.text) == (smileys, text)


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("reader-floorlist-1.json", 42787580),  # message absent
        ("s1nyan-post2.json", 24136267),
    ],
)  # message null
def test_api_missing_message(fixtures: Path, name: str, pid: int) -> None:
    assert api_body(fixtures, name, pid) == Body(text="")


# ---------------------------------------------------------------------------------------------
# text archive (seed thread) and Discuz X3.3
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("floor", "author", "time", "quoted_pid", "excerpt_start", "text_start"),
    [
        (10, "黑哥啥时改密码", "2025-11-12 15:48", None, "这个新闻看起来就纯ai生成的", "应该是AI跑的书摘"),
        (
            15,
            "哈利谢顿",
            "2025-11-12 15:42",
            68712897,
            "ＡＧＩ这玩意到底多久才能落地没人知道",
            "老美那边的策略",
        ),
        (17, "哈利谢顿", "2025-11-12 15:50", None, "劳动力还是有价格的", "白领一年也就输出"),
    ],
)
def test_archive_blockquotes(
    floor: int, author: str, time: str, quoted_pid: int | None, excerpt_start: str, text_start: str
) -> None:
    body = clean_body(seed_floor(floor))
    (quote,) = body.quotes
    assert (quote.author, quote.time, quote.pid) == (
        author, at(time), None if quoted_pid is None else str(quoted_pid))
    assert quote.excerpt.startswith(excerpt_start)
    assert body.text.startswith(text_start)
    assert body.links == ()


def test_archive_edit_and_tails() -> None:
    edited = clean_body(seed_floor(16))
    assert edited.edit is not None and (edited.edit.by, edited.edit.at) == ("勿徊哉", at("2025-11-12 16:04"))
    assert edited.text.startswith("目前看来问题不大")
    goose = clean_body(seed_floor(20))
    assert (goose.client, goose.client_device, goose.client_version) == (
        "鹅球",
        "Xiaomi 25060RK16C, Android 16",
        "v3.5.99",
    )
    assert "pgyer" not in " ".join(goose.links)
    helper = clean_body(seed_floor(6))
    assert (helper.client, helper.client_device, helper.text) == ("论坛助手", "iPhone", "最近开始放空消息了")
    assert helper.links == ()


@pytest.mark.parametrize(
    ("page", "pid", "text", "smileys"),
    [
        (
            "csolbbs-page-1.html",
            53937,
            "莲花能自动蓄能恢复……这*点就可以重新站起来了（强烈复议）[s:default/victory]",
            ("[s:default/victory]",),
        ),
        ("csolbbs-page-1.html", 53885, "顶你，鼠神真的是太*了，攻击低，*太少，玩灾变居然还要自己买*", ()),
    ],
)
def test_discuz_x33_bodies(fixtures: Path, page: str, pid: int, text: str, smileys: tuple[str, ...]) -> None:
    cell = _body_cells(fixtures / "discuz-x33-pages" / page)[pid]
    body = clean_element(cell)
    assert (body.text, body.smileys) == (text, smileys)


# ---------------------------------------------------------------------------------------------
# whole threads through load_thread: every source of the adapters, cleaned here
# ---------------------------------------------------------------------------------------------

VIVID = "s1-text/1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]"


@cache
def _thread(path: Path) -> Thread:
    return load_thread(path)


def _floors(path: Path) -> dict[int, Post]:
    return {post.floor: post for post in _thread(path).posts}


#: Leftovers of tails and page noise in post text, as the sweep over every fixture looked for.
TAIL_OR_NOISE = re.compile(
    r"(?:^|\n)\s*(?:[—–\-―]\s*)+(?:来自|來自|发送自|from)\s.*(?:Android|S1|客户端|Goose|Nyan)"
    r"|来自\s*[:：]\s*\S*客户端|下载附件|下载次数|本帖最[后後]由|复制代码|查看全部评分|自动关闭"
)


@pytest.mark.parametrize("floor", [1228, 1318, 1500, 1590, 1856, 1963, 2021, 2137, 2283])
def test_s1nyan_tail(fixtures: Path, floor: int) -> None:
    # "—— from [S1 Nyan](http://126.am/S1Nyan) (Microsoft RM-1105_12716)来自: WindowsPhone客户端"
    post = _floors(fixtures / VIVID)[floor]
    assert (post.client, post.meta["client_device"]) == ("S1 Nyan", "Microsoft RM-1105_12716")
    assert "S1 Nyan" not in post.text and "from" not in post.text.split("\n")[-1]
    assert "http://126.am/S1Nyan" not in post.links


def test_s1nyan_tail_text(fixtures: Path) -> None:
    post = _floors(fixtures / VIVID)[1318]
    assert post.text == "Vivid漫画84话汉化出了，哈喵从卢芬回来后人渣化的速度也太快了吧"


@pytest.mark.parametrize(
    ("floor", "text_end"),
    [
        (470, "小霸王丢掉太子妃地位，说白了还是门第太低"),
        (559, "不要拿第一次变身就能飞的怪物比啊，新人辈主角群到现在都没人会飞呢"),
        (561, "而且也就是仅仅能飞。"),
    ],
)
def test_original_s1next_tail(fixtures: Path, floor: int, text_end: str) -> None:
    # the archive has no link text after the device: "—— 来自 Xiaomi MI 5s, Android 6.0.1" is the
    # whole tail, the original S1 Next's "—— 来自 %1$s" signature
    post = _floors(fixtures / VIVID)[floor]
    assert (post.client, post.meta["client_device"]) == ("S1 Next", "Xiaomi MI 5s, Android 6.0.1")
    assert post.text.endswith(text_end)
    assert post.quotes  # each replies to a quote, which stays a quote


def test_s1next_goose_v3_tail_without_device(fixtures: Path) -> None:
    # "— from [S1 Next Goose](https://www.pgyer.com/GcUxKd4w) v3.2.91"
    path = next((fixtures / "s1-text").glob("2205326-01*.md"))
    post = _floors(path)[5]
    assert (post.client, post.meta.get("client_device"), post.meta["client_version"]) == (
        "S1 Next Goose", None, "v3.2.91")
    assert post.text == "200不去差不多了还800，当打发那啥。"
    assert post.links == ()


def test_dash_attribution_is_not_a_tail(fixtures: Path) -> None:
    # s1nyan-thread1 quotes sickipedia jokes signed "——来自网络", "——Rocket11": the author's text
    thread = _thread(fixtures / "s1-api" / "s1nyan-thread1.json")
    texts = "\n".join(post.text for post in thread.posts)
    assert "——来自网络" in texts and "——Rocket11" in texts


@pytest.mark.parametrize(
    "name",
    ["thread-agi-empire.md", "s1-2267042-page-1.html", "s1-2267042-page-1-gbk.html",
     "s1-2267042-touch-1.html", "s1-2267042-touch-x32-1.html"],
)
def test_cronclosethread_box_is_noise(name: str) -> None:
    # <div class="cronclosethread_getbox">此帖将于2025-12-12 15:39自动关闭</div> opens floor 1
    post = _floors(SAMPLES / name)[1]
    assert "自动关闭" not in post.text
    assert post.text.startswith("https://weibo.com/ttarticle/x/m/show#/id=2309405232119529210155")


def _all_sources(fixtures: Path) -> list[Path]:
    return [
        *sorted((fixtures / "s1-text").iterdir()),
        *(path for path in sorted((fixtures / "s1-api").glob("*.json")) if "empty" not in path.name),
        *sorted((fixtures / "s1-rss").glob("*.xml")),
        *sorted((fixtures / "discuz-x33-pages").glob("*.html")),
        *sorted(SAMPLES.glob("*.html")), *sorted(SAMPLES.glob("*.json")), SAMPLES / "thread-agi-empire.md",
    ]


def test_no_tail_or_noise_left_anywhere(fixtures: Path) -> None:
    sources = _all_sources(fixtures)
    assert len(sources) == 29  # 6 text, 4 API, 6 RSS, 2 X3.3, 11 samples (2 Discuz 6/7 pages)
    dirty = {
        (path.name, post.floor): post.text
        for path in sources for post in _thread(path).posts if TAIL_OR_NOISE.search(post.text)
    }
    assert dirty == {}
    clients = {
        client for path in sources for post in _thread(path).posts if (client := post.client)
    }
    assert {"S1 Nyan", "S1 Next", "S1 Next Goose", "S1Next-鹅版", "鹅球", "S1Fun"} <= clients
    assert "WindowsPhone客户端" not in clients


# ---------------------------------------------------------------------------------------------
# forms not in the fixtures (markup from the cited sources)
# ---------------------------------------------------------------------------------------------


# Real tails from ainopara/Stage1st-Reader StripTailTests.swift
@pytest.mark.parametrize(
    ("tail", "client", "device", "version"),
    [
        (
            "—— 來自 OnePlus ONEPLUS A3010, Android 8.0.0上的 "
            '<a href="https://github.com/ykrank/S1-Next/releases" '
            'target="_blank">S1Next-鵝版</a> v2.0-play',
            "S1Next-鹅版",
            "OnePlus ONEPLUS A3010, Android 8.0.0",
            "v2.0-play",
        ),
        (
            "— from samsung SM-G930F, Android 8.0.0 of "
            '<a href="https://pan.baidu.com/s/1mi43uRm" target="_blank">'
            "S1 Next Goose</a> v2.0-play",
            "S1 Next Goose",
            "samsung SM-G930F, Android 8.0.0",
            "v2.0-play",
        ),
        (
            '<a href="https://www.coolapk.com/apk/140634" target="_blank">'
            '<font color="#999999">  -- 来自 有消息提醒的 '
            "Stage1官方 Android客户端</font></a>",
            "Stage1官方 Android客户端",
            None,
            None,
        ),
        (
            '----发送自 <a href="http://saraba1st.com/2b/?1.0" target="_blank">STAGE1 Mobile</a>',
            "STAGE1 Mobile",
            None,
            None,
        ),
        ('—— 来自 <a href="https://s1fun.koalcat.com" target="_blank">S1Fun</a>', "S1Fun", None, None),
        (
            '<a href="https://bbs.saraba1st.com/2b/forum.php?mod=viewthread&amp;tid=2029836" target="_blank">'
            "论坛助手,iPhone</a>",
            "论坛助手",
            "iPhone",
            None,
        ),
        (
            '—— 来自 <a href="https://www.pgyer.com/GcUxKd4w" target="_blank">鹅球</a> v3.2.91',
            "鹅球",
            None,
            "v3.2.91",
        ),
        (
            '——来自&nbsp;&nbsp;HUAWEI Mate 60 OpenHarmony-5.0.4.150(16) 上的 <a href="https://stage1st.com/2b/forum.php?'
            'mod=viewthread&amp;tid=2244111" target="_blank">S1 Orange</a> 1.3.0',
            "S1 Orange",
            "HUAWEI Mate 60 OpenHarmony-5.0.4.150(16)",
            "1.3.0",
        ),
        # S1 text archive 1336720, as its adapter renders them
        (
            "\xa0 \xa0 —— from <a href=\"http://126.am/S1Nyan\">S1 Nyan</a> (Microsoft RM-1105_12716)"
            "来自: WindowsPhone客户端",
            "S1 Nyan",
            "Microsoft RM-1105_12716",
            None,
        ),
        ("—— 来自 Xiaomi MI 5s, Android 6.0.1", "S1 Next", "Xiaomi MI 5s, Android 6.0.1", None),
        # S1 text archive 2205326
        (
            '— from <a href="https://www.pgyer.com/GcUxKd4w">S1 Next Goose</a> v3.2.91',
            "S1 Next Goose",
            None,
            "v3.2.91",
        ),
        # 5j4m app, from the S1 text archive: link text is the device or the app
        (
            '----发送自 <a href="http://stage1.5j4m.com/?1.37">samsung SM-S9180,Android 14</a>',
            "STAGE1 App for Android",
            "samsung SM-S9180,Android 14",
            None,
        ),
        (
            '----发送自 <a href="http://stage1.5j4m.com/?1.44">STAGE1 App for Android.</a>',
            "STAGE1 App for Android",
            None,
            None,
        ),
    ],
)
def test_client_tails(tail: str, client: str, device: str | None, version: str | None) -> None:
    body = clean_body(f"Test<br />\r\n<br />\r\n{tail}")
    assert (body.text, body.client, body.client_device, body.client_version) == (
        "Test",
        client,
        device,
        version,
    )
    assert body.links == ()


def test_inline_client_mark() -> None:
    # S1 text archive 2205326: "…800有点过分吧……来自: iPhone客户端"
    body = clean_body("不联系了还要随800有点过分吧……来自: iPhone客户端")
    assert (body.text, body.client) == ("不联系了还要随800有点过分吧……", "iPhone客户端")


def test_reply_form() -> None:
    html = (
        '<strong>回复 <a href="forum.php?mod=redirect&amp;goto=findpost&amp;pid=123456&amp;ptid=2267042" '
        'target="_blank">3#</a> <i>酱狐狸</i> </strong><br />\r\n<br />\r\n说得对'
    )
    body = clean_body(html)
    assert (body.reply_to, body.reply_pid, body.reply_name, body.text) == (3, "123456", "酱狐狸", "说得对")
    assert body.links == ()
    plain = clean_body("回复 3# 酱狐狸\n\n说得对")
    assert (plain.reply_to, plain.reply_name, plain.text) == (3, "酱狐狸", "说得对")


@pytest.mark.parametrize(
    ("html", "status", "text", "moderator"),
    [
        ('<div class="locked">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>', "banned", "", False),
        ("提示: <em>作者被禁止或删除 内容自动屏蔽</em>", "banned", "", False),  # API v4 message
        ('<div class="locked">提示: <em>该帖被管理员或版主屏蔽</em></div>', "banned", "", False),
        ('<div class="locked">此帖仅作者可见</div>', "hidden", "", False),
        (
            '<div class="quote">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>',
            "banned",
            "",
            False,
        ),  # touch
        (
            '<div class="locked">提示: <em>作者被禁止或删除 内容自动屏蔽，'
            "只有管理员或有管理权限的成员可见</em></div>"
            "正文在此",
            "banned",
            "正文在此",
            True,
        ),
        # S1 text archive 2145734 floor 14: the placeholder plus leaked tooltip text
        (
            "提示: 作者被禁止或删除 内容自动屏蔽\n\n<strong>image.png</strong> "
            "(111.4 KB, 下载次数: 0)\n\n下载附件\n\n"
            "2024-3-22 09:59 上传",
            "banned",
            "",
            False,
        ),
    ],
)
def test_status_placeholders(html: str, status: str, text: str, moderator: bool) -> None:
    body = clean_body(html)
    assert (body.status, body.text, body.moderator_view) == (status, text, moderator)


def test_jammer_and_hidden_spans() -> None:
    # discuzcode() jammer() replaces each "\r\n" after nl2br's <br />: with
    # <font class="jammer">…</font>\r\n or \r\n<span style="display:none">…</span>
    html = (
        '第一行<br /><font class="jammer">7 @/ A5 |, [&nbsp;&nbsp;e/</font>\r\n第二行<br />\r\n'
        '<span style="display:none">H\' k</span>第三行'
    )
    assert clean_body(html).text == "第一行\n第二行\n第三行"


def test_converter_scheme_bug_repaired() -> None:
    body = clean_body('看这里 <a href="httphttps://stage1st.com/2b/thread-1-1-1.html">链接</a>')
    assert body.links == ("https://stage1st.com/2b/thread-1-1-1.html",)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' \n&;#abdivqutelockr本帖最后由于编辑发表来自—[]")))
    | st.text()
)
def test_never_raises(html: str) -> None:
    assert isinstance(clean_body(html), Body)


def test_plain_lines_render_as_the_parsed_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies of text lines skip libxml2 (``clean._plain_lines``): on every such body of the real
    archive files in tests/data the result equals the parsed tree's."""
    from threadscope.forums.discuz import clean
    from threadscope.forums.discuz.s1text import archive_to_html, split_rating

    files = sorted((SAMPLES.parent / "tests" / "data").rglob("*.md"))
    bodies = [archive_to_html(split_rating(part.split("\n\n", 1)[1].strip("\n"))[0])[0]
              for file in files if "README" not in file.name
              for part in file.read_text(encoding="utf-8").split("\n*****\n") if "\n\n" in part]
    plain = [html for html in bodies if clean._plain_lines(html) is not None]
    fast = [clean_body(html) for html in plain]
    monkeypatch.setattr(clean, "_plain_lines", lambda html: None)
    assert len(plain) > 500 and len(plain) < len(bodies)
    assert fast == [clean_body(html) for html in plain]
    assert any("\n" in body.text for body in fast)  # multi-line bodies are among them
