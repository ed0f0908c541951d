"""The desktop adapter on the real csolbbs X3.3 pages, the S1 post-body fragments, and the S1
sample pages built from the seed thread (samples/build_samples.py)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from threadscope.adapters import get_adapter
from threadscope.adapters.base import Document, Page
from threadscope.errors import MixedThreadsError, NotAThreadError
from threadscope.forums.discuz.common import floor_from_label
from threadscope.forums.discuz.desktop import DiscuzHtmlAdapter
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.forums.discuz.touch import DiscuzTouchAdapter
from threadscope.load import load_thread, pick_adapter, read_document
from threadscope.model import Rating

from .conftest import SAMPLES

ADAPTER = DiscuzHtmlAdapter()
PAGE_1 = SAMPLES / "s1-2267042-page-1.html"
PAGE_2 = SAMPLES / "s1-2267042-page-2.html"
PAGE_1_GBK = SAMPLES / "s1-2267042-page-1-gbk.html"
SEED = SAMPLES / "thread-agi-empire.md"


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=DISCUZ_TZ)  # type: ignore[misc]


def parse_file(path: Path) -> Page:
    return ADAPTER.parse(read_document(path))


def parse_text(text: str, path: str = "edited.html") -> Page:
    return ADAPTER.parse(Document(path, text.encode(), text, "utf-8"))


def sample_text() -> str:
    return PAGE_1.read_text(encoding="utf-8")


def container(text: str, pid: int) -> tuple[int, int]:
    """Start and end offsets of ``div#post_PID`` in a sample page (the builder writes each
    container as one block ending before the next ``<div id="post_`` or ``postlistreply``)."""
    start = text.index(f'<div id="post_{pid}">')
    end = min(i for i in (text.find('<div id="post_', start + 1), text.find('<div id="postlistreply"'))
              if i != -1)
    return start, end


# --- real csolbbs pages (Discuz! X3.3) ---------------------------------------------------------

@pytest.fixture(scope="module")
def csol_1(fixtures: Path) -> Page:
    return parse_file(fixtures / "discuz-x33-pages" / "csolbbs-page-1.html")


@pytest.fixture(scope="module")
def csol_2(fixtures: Path) -> Page:
    return parse_file(fixtures / "discuz-x33-pages" / "csolbbs-page-2.html")


def test_csolbbs_page_1_thread_fields(csol_1: Page) -> None:
    assert (csol_1.tid, csol_1.title, csol_1.forum, csol_1.order) == (
        "38672", "建议对鼠神进行改版", "反恐精英Online-官方论坛", 1)
    assert (csol_1.starter, csol_1.starter_uid) == ("前程往事", "142839")
    assert csol_1.warnings == ()


def test_csolbbs_page_1_posts_and_floor_labels(csol_1: Page) -> None:
    # a#postnum reads 楼主/沙发/板凳/地板 on this forum; floor 1's link is the viewthread href
    rows = [(p.floor, p.pid, p.author, p.uid, p.time, p.is_op, p.status) for p in csol_1.posts]
    assert rows == [
        (1, "53876", "前程往事", "142839", at(2024, 4, 5, 23, 20, 45), True, "normal"),
        (2, "53885", "横财天降", "66382", at(2024, 4, 11, 11, 52, 24), False, "normal"),
        (3, "53888", "縋原啊反", "81043", at(2024, 4, 14, 11, 32, 4), False, "normal"),
        (4, "53937", "故乡故事里的故人", "88572", at(2024, 5, 6, 12, 47, 42), False, "normal"),
    ]
    assert csol_1.posts[2].text == "同质化太严重了就没意思了"
    assert csol_1.posts[3].smileys == ("[s:default/victory]",)
    assert csol_1.posts[0].text.count("\n") == 3
    assert 'id="postmessage_53876"' not in csol_1.posts[0].html  # inner HTML of td.t_f
    assert "莲花雷变成可以自动恢复的" in csol_1.posts[0].html


def test_csolbbs_page_2_relative_time_uses_span_title(csol_2: Page) -> None:
    # floor 2 shows "6 天前" with <span title="2024-5-21 11:01:32">
    assert (csol_2.tid, csol_2.title, csol_2.order) == ("38733", "游戏全屏问题，希望大家能出个主意！！", 1)
    rows = [(p.floor, p.pid, p.author, p.uid, p.time) for p in csol_2.posts]
    assert rows == [
        (1, "53961", "1657811359", "144122", at(2024, 5, 18, 19, 27, 0)),
        (2, "53963", "大虾米点", "78194", at(2024, 5, 21, 11, 1, 32)),
    ]
    assert csol_2.posts[1].text == "我知道，只有回去翻下之前的网页浏览记录了，大概半年前调过的"
    assert "relative_time" not in csol_2.posts[1].meta


def test_csolbbs_pages_are_two_threads_and_do_not_merge(fixtures: Path) -> None:
    # The two real files are page 1 of tid 38672 and page 1 of tid 38733, not pages of one thread.
    pages = sorted((fixtures / "discuz-x33-pages").glob("csolbbs-page-*.html"))
    assert len(load_thread(pages[0])) == 4
    assert len(load_thread(pages[1])) == 2
    with pytest.raises(MixedThreadsError, match=r"38672.*38733|38733.*38672"):
        load_thread(pages)


def test_title_falls_back_to_title_tag_without_site_and_forum(fixtures: Path) -> None:
    text = (fixtures / "discuz-x33-pages" / "csolbbs-page-1.html").read_text(encoding="utf-8")
    text = text.replace('id="thread_subject"', 'id="subject_removed"')
    assert parse_text(text).title == "建议对鼠神进行改版"


def test_sniffing(fixtures: Path) -> None:
    csol = read_document(fixtures / "discuz-x33-pages" / "csolbbs-page-1.html")
    fragments = read_document(fixtures / "s1-post-bodies" / "stage1stcrawler-uid555493.html")
    touch = read_document(SAMPLES / "s1-2267042-touch-1.html")
    assert ADAPTER.sniff(csol) and ADAPTER.sniff(fragments) and ADAPTER.sniff(read_document(PAGE_1))
    assert not ADAPTER.sniff(touch)
    assert not DiscuzTouchAdapter().sniff(csol) and not DiscuzTouchAdapter().sniff(read_document(PAGE_2))
    assert pick_adapter(csol).name == "html" and get_adapter("html").name == "html"


def test_page_without_posts_is_not_a_thread() -> None:
    with pytest.raises(NotAThreadError, match="no posts found"):
        parse_text('<html><body id="nv_forum"><div id="postlist"></div></body></html>')


@pytest.mark.parametrize(("label", "floor"), [
    ("楼主", 1), ("沙发", 2), ("板凳", 3), ("地板", 4), ("17#", 17), ("17", 17),
    ("来自 5#", 5), ("推荐", None), ("", None),
])
def test_floor_labels(label: str, floor: int | None) -> None:
    assert floor_from_label(label) == floor


# --- fragments (S1 post bodies without #postlist) ----------------------------------------------

@pytest.fixture(scope="module")
def fragments(fixtures: Path) -> Page:
    return parse_file(fixtures / "s1-post-bodies" / "stage1stcrawler-uid555493.html")


def test_fragments_floors_are_file_positions(fragments: Page) -> None:
    assert len(fragments.posts) == 536
    assert [p.floor for p in fragments.posts] == list(range(1, 537))
    assert fragments.tid is None and fragments.title is None and fragments.forum == "stage1st"
    assert [w.code for w in fragments.warnings] == ["fragments"]
    assert "positions in this file" in fragments.warnings[0].message
    assert {p.author for p in fragments.posts} == {"恋诗夜Koхia"}
    assert {p.uid for p in fragments.posts} == {"555493"}
    assert all(p.time is not None for p in fragments.posts)


def test_fragments_real_posts(fragments: Page) -> None:
    first, last = fragments.posts[0], fragments.posts[-1]
    assert (first.pid, first.time) == ("63930236", at(2024, 2, 10, 0, 4))
    assert first.text == "sensei新年快乐！！！✿✿ヽ(°▽°)ノ✿"
    assert (last.pid, last.time) == ("55934054", at(2022, 5, 21, 18, 30))
    edited = next(p for p in fragments.posts if p.pid == "61587268")
    assert edited.floor == 7 and edited.edit is not None
    assert (edited.edit.by, edited.edit.at) == ("恋诗夜Koхia", at(2023, 7, 7, 16, 47))
    quoting = next(p for p in fragments.posts if p.pid == "55934181")
    assert [(q.author, q.pid, q.excerpt) for q in quoting.quotes] == [("逸yi", "55934109", "是本人吗")]
    # the attachment link inside a body is also a.xw1: it must not become an author
    assert sum(1 for p in fragments.posts if p.quotes) == 96
    assert sum(1 for p in fragments.posts if p.edit) == 24


# --- the S1 sample pages built from the seed ----------------------------------------------------

@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return load_thread(SEED)


@pytest.fixture(scope="module")
def sample_thread():  # type: ignore[no-untyped-def]
    return load_thread([PAGE_2, PAGE_1])


def test_sample_pages_thread_fields() -> None:
    page_1, page_2 = parse_file(PAGE_1), parse_file(PAGE_2)
    assert [p.floor for p in page_1.posts] == list(range(1, 31))
    assert [p.floor for p in page_2.posts] == list(range(31, 42))
    assert (page_1.order, page_2.order) == (1, 2)
    for page in (page_1, page_2):
        assert (page.tid, page.forum) == ("2267042", "stage1st")
        assert page.title == "Karen Hao《Empire of AI》：AGI造福全人类的信仰与真实账单"
        assert page.warnings == ()
    # page 2 has no floor 1: the starter comes from #tath
    assert (page_2.starter, page_2.starter_uid) == ("哈利谢顿", page_1.starter_uid)
    assert page_1.posts[14].pid == "68713018" and page_1.posts[29].pid == "68713540"


def test_sample_pages_merge_into_the_seed_thread(seed, sample_thread) -> None:  # type: ignore[no-untyped-def]
    assert len(sample_thread) == 41 and sample_thread.missing_floors == ()
    assert (sample_thread.tid, sample_thread.format) == ("2267042", "html")
    assert sample_thread.starter == "哈利谢顿"
    fields = ("author", "time", "is_op", "status", "text", "edit", "ratings", "client", "smileys",
              "links", "reply_to")
    for ours, theirs in zip(sample_thread.posts, seed.posts, strict=True):
        assert ours.floor == theirs.floor
        for name in fields:
            assert getattr(ours, name) == getattr(theirs, name), (ours.floor, name)
        assert [(q.author, q.time, q.excerpt) for q in ours.quotes] == [
            (q.author, q.time, q.excerpt) for q in theirs.quotes], ours.floor
        assert ours.meta.get("client_device") == theirs.meta.get("client_device")
    assert [p.floor for p in sample_thread.posts if p.is_op] == [1, 2, 10, 12]


def test_sample_quotes_edit_rating_tail(sample_thread) -> None:  # type: ignore[no-untyped-def]
    pid_of = {p.pid: p.floor for p in sample_thread.posts}
    # every findpost link resolves to the quoted floor on these pages
    quoted = {p.floor: [pid_of[q.pid] for q in p.quotes] for p in sample_thread.posts if p.quotes}
    assert quoted == {10: [7], 12: [11], 15: [2], 17: [12], 22: [15], 23: [22], 24: [15], 26: [23],
                      33: [15], 35: [30]}
    floor_16 = sample_thread.post(16)
    assert floor_16.edit is not None
    assert (floor_16.edit.by, floor_16.edit.at) == ("勿徊哉", at(2025, 11, 12, 16, 4))
    assert floor_16.text.startswith("目前看来问题不大")
    assert sample_thread.post(25).ratings == (Rating("gold013", 1, "好评加鹅"),)
    assert sample_thread.post(25).meta["rating_credit"] == "战斗力"
    assert sample_thread.post(25).meta["rating_participants"] == 1
    assert sample_thread.post(20).client == "鹅球"
    assert sample_thread.post(20).meta["client_device"] == "Xiaomi 25060RK16C, Android 16"
    assert sample_thread.post(20).text == "定义学发力就行了\n说量子霸权就量子霸权，说AGI就AGI"
    assert sample_thread.post(8).smileys == ("[s:067]",)


def test_gbk_copy_decodes_to_the_same_posts() -> None:
    doc = read_document(PAGE_1_GBK)
    assert doc.encoding == "gb18030"
    assert b"charset=gbk" in doc.data[:600]
    gbk, utf8 = ADAPTER.parse(doc), parse_file(PAGE_1)
    assert [(p.author, p.text, p.time) for p in gbk.posts] == [(p.author, p.text, p.time) for p in utf8.posts]
    assert gbk.title == utf8.title


# --- statuses and damage, on edited copies of the sample page ----------------------------------

def test_cut_file_drops_the_cut_post_and_says_so() -> None:
    text = sample_text()
    pid = parse_file(PAGE_1).posts[11].pid  # floor 12
    assert pid is not None
    body = text.index(f'id="postmessage_{pid}"')
    page = parse_text(text[: body + 60], "cut.html")
    assert [p.floor for p in page.posts] == list(range(1, 12))
    assert [(w.code, w.floor) for w in page.warnings] == [("truncated", 12)]
    assert str(pid) in page.warnings[0].message


def test_file_cut_after_a_complete_post_keeps_it() -> None:
    text = sample_text()
    pid = parse_file(PAGE_1).posts[11].pid
    end = text.index(f'<tr id="_postposition{pid}"></tr>') + 40
    page = parse_text(text[:end], "cut.html")
    assert [p.floor for p in page.posts] == list(range(1, 13))
    assert [(w.code, w.floor) for w in page.warnings] == [("truncated", None)]
    assert "ends before </body>" in page.warnings[0].message


def test_deleted_banned_and_blacklisted_posts_are_kept() -> None:
    text = sample_text()
    posts = parse_file(PAGE_1).posts
    pid_5, pid_6, pid_7 = posts[4].pid, posts[5].pid, posts[6].pid
    start, end = container(text, pid_5)  # type: ignore[arg-type]
    deleted = (f'<div id="post_{pid_5}"><table id="pid{pid_5}" summary="pid{pid_5}" cellspacing="0" '
               'cellpadding="0"><tr><td class="pls"></td><td class="plc"><div class="pi"><strong><a>'
               '<em>5</em><sup>#</sup></a></strong></div><div class="pct">无效楼层，该帖已经被删除</div>'
               '</td></tr><tr class="ad"><td class="pls"></td><td class="plc"></td></tr></table></div>')
    text = text[:start] + deleted + text[end:]
    start, end = container(text, pid_6)  # type: ignore[arg-type]
    banned = re.sub(r'<div class="t_fsz">.*?</table>\s*</div>',
                    '<div class="locked">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>',
                    text[start:end], count=1, flags=re.S)
    text = text[:start] + banned + text[end:]
    text = text.replace(f'<div id="post_{pid_7}">', f'<div id="post_{pid_7}" style="display:none;">')
    page = parse_text(text)
    assert [p.floor for p in page.posts] == list(range(1, 31))
    floor_5, floor_6, floor_7 = page.posts[4:7]
    assert (floor_5.status, floor_5.author, floor_5.text, floor_5.pid) == ("deleted", None, "", pid_5)
    assert (floor_6.status, floor_6.author, floor_6.text) == ("banned", "i0ncube_R", "")
    assert floor_6.meta["locked"] == "提示: 作者被禁止或删除 内容自动屏蔽"
    assert (floor_7.status, floor_7.author, dict(floor_7.meta)) == (
        "hidden", "黑哥啥时改密码", {"hidden_by_viewer": True})
    assert floor_7.text == "这个新闻看起来就纯ai生成的"


def test_relative_time_without_title_keeps_the_post() -> None:
    text = sample_text().replace("发表于 2025-11-12 15:42</em>", "发表于 3&nbsp;小时前</em>", 1)
    page = parse_text(text)
    floor_2 = page.posts[1]
    assert (floor_2.floor, floor_2.time, floor_2.meta["relative_time"]) == (2, None, "3 小时前")
    assert [(w.code, w.floor) for w in page.warnings] == [("relative_time", 2)]


def test_stuck_and_recommended_labels() -> None:
    text = sample_text()
    pid_3 = parse_file(PAGE_1).posts[2].pid
    start, end = container(text, pid_3)  # type: ignore[arg-type]
    post = text[start:end]
    # a recommended (推荐) copy of floor 3 above the replies, and floor 3 itself shown stuck
    copy = post.replace(f"post_{pid_3}", "post_99").replace(f"pid{pid_3}", "pid99").replace(
        f"postnum{pid_3}", "postnum99").replace("<em>3</em><sup>#</sup>", "推荐")
    stuck = post.replace("<em>3</em><sup>#</sup>", '<img src="static/image/common/settop.png" /> 来自 3#')
    page = parse_text(text[:start] + copy + stuck + text[end:])
    assert [p.floor for p in page.posts] == list(range(1, 31))
    assert page.posts[2].pid == pid_3
    assert [w.code for w in page.warnings] == ["recommended_copy"]


def test_page_one_alone_says_the_thread_goes_on() -> None:
    """The header's 回复 count (40) tells how many floors the thread has beyond page 1."""
    thread = load_thread(SAMPLES / "s1-2267042-page-1.html")
    assert len(thread.posts) == 30
    assert [w.message for w in thread.warnings if w.code == "partial_thread"] == [
        "the forum counts 41 floors; floors 31-41 are on pages not given"]


def test_deleted_user_name_without_link() -> None:
    # §1.3 author name: a deleted user shows as `NAME <em>该用户已被删除</em>` with no profile link
    text = sample_text()
    start, end = container(text, parse_file(PAGE_1).posts[1].pid)  # type: ignore[arg-type]
    post = re.sub(r'<div class="authi"><a href="space-uid-\d+\.html" target="_blank" class="xw1">(.*?)</a>',
                  r'<div class="authi">\1 <em>该用户已被删除</em>', text[start:end], count=1)
    post = re.sub(r'<a href="[^"]*authorid=\d+[^"]*"[^>]*>[^<]*</a>', "", post)
    floor_2 = parse_text(text[:start] + post + text[end:]).posts[1]
    assert (floor_2.floor, floor_2.author, floor_2.uid) == (2, "哈利谢顿", None)
    assert floor_2.meta["author_deleted"] is True
