"""The ``api`` adapter on real S1 app API responses (samples/ and ../shared/fixtures/s1-api)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from threadscope import load_thread
from threadscope.adapters import get_adapter
from threadscope.adapters.base import Document, Page
from threadscope.errors import FormatMismatchError, NotAThreadError, ThreadNotFoundError
from threadscope.forums.discuz.api import DiscuzApiAdapter
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.load import read_document

from .conftest import SAMPLES, SEED_GOLD

THREAD1 = SAMPLES / "api-s1nyan-thread1.json"
TRADE = SAMPLES / "api-reader-floorlist-1.json"
V4 = SAMPLES / "api-v4-derived-s1nyan-post2.json"
ADAPTER = DiscuzApiAdapter()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=DISCUZ_TZ)  # type: ignore[arg-type, misc]


def page_of(path: Path) -> Page:
    doc = read_document(path)
    assert ADAPTER.sniff(doc)
    return ADAPTER.parse(doc)


def doc_of(path: Path, text: str) -> Document:
    return Document(path=str(path), data=text.encode("utf-8"), text=text, encoding="utf-8")


def test_registered_and_detected() -> None:
    assert isinstance(get_adapter("api"), DiscuzApiAdapter)
    for path in (THREAD1, TRADE, V4):
        assert load_thread(path).format == "api"


# --- envelope: s1nyan-thread1 (Version 1, U+00A0 indentation, relative datelines) ---------------

def test_nbsp_indented_file_needs_repair_and_parses() -> None:
    text = read_document(THREAD1).text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    page = page_of(THREAD1)
    assert (page.tid, page.title, page.forum) == ("945736", "[周常]Sickipedia没品笑话集/20130811", "stage1st")
    assert (page.starter, page.starter_uid) == ("周愚", "14526")
    assert [post.floor for post in page.posts] == list(range(1, 31))
    # ppp 30 and allreplies 32 (33 floors): page 1 holds floors 1-30; no request URL, no order.
    assert page.expected_floors == tuple(range(1, 31))
    assert page.order is None
    assert page.warnings == ()


def test_thread1_posts_times_and_relative_datelines() -> None:
    posts = {post.floor: post for post in page_of(THREAD1).posts}
    op = posts[1]
    assert (op.pid, op.author, op.uid, op.is_op) == ("22728291", "周愚", "14526", True)
    # dbdateline 1376226466; the display dateline was "3&nbsp;天前".
    assert op.time == at(2013, 8, 11, 21, 7, 46)
    assert op.meta["relative_time"] == "3 天前"
    assert (posts[2].author, posts[2].uid, posts[2].is_op) == ("viruswho", "179801", False)
    assert posts[2].time == at(2013, 8, 11, 21, 4, 45)  # before the OP's (edited) dbdateline
    # "前天&nbsp;01:06" and dbdateline 1376240766 agree.
    assert posts[27].meta["relative_time"] == "前天 01:06"
    assert posts[27].time == at(2013, 8, 12, 1, 6, 6)
    last = posts[30]
    assert (last.author, last.pid, last.time) == ("sagat.raid", "22731220", at(2013, 8, 12, 7, 45, 13))
    # post status 8 = sent from a phone
    assert posts[4].meta.get("from_mobile") is True and "from_mobile" not in posts[2].meta
    assert all(post.status == "normal" for post in posts.values())


def test_thread1_quotes_with_and_without_link() -> None:
    posts = {post.floor: post for post in page_of(THREAD1).posts}
    linked = posts[10].quotes
    assert [(q.author, q.pid, q.time) for q in linked] == [
        ("drizzt2010", "22728482", at(2013, 8, 11, 21, 11))]
    assert posts[10].text.strip() == "意思是才吹了21根就吹不动了吧……"
    # S1 output without the findpost link: header and text in grey <font> only.
    unlinked = posts[18].quotes
    assert [(q.author, q.pid, q.time) for q in unlinked] == [("mychoxa9", None, at(2013, 8, 11, 21, 52))]
    assert "看不懂草老婆花园地上挖洞那个" in unlinked[0].excerpt
    assert posts[18].text.strip() == "杀妻埋了吧。"
    assert posts[6].quotes == ()


def test_thread1_edit_notice_of_the_op() -> None:
    op = page_of(THREAD1).posts[0]
    assert op.edit is not None and (op.edit.by, op.edit.at) == ("周愚", at(2013, 8, 11, 21, 7))
    assert "本帖最后由" not in op.text


# --- reader-floorlist-1: trade thread, message absent, attachments --------------------------------

def test_absent_message_keeps_the_floor_with_a_warning() -> None:
    page = page_of(TRADE)
    assert (page.tid, page.title) == ("1814693", "固态硬盘 内存")
    assert (page.starter, page.starter_uid) == ("sonic3908", "137121")
    first, second = page.posts
    assert (first.floor, first.pid, first.text, first.html, first.status) == (1, "42787580", "", "", "normal")
    assert first.time == at(2019, 3, 3, 23, 27, 35)
    # two image attachments not placed in any message: shown under the post
    assert first.images == (
        "https://img.saraba1st.com/forum/201903/03/232440u27tr24xzblc1kyb.jpeg",
        "https://img.saraba1st.com/forum/201903/03/232439c7zzndb331rylnnv.jpeg",
    )
    assert [(w.code, w.floor) for w in page.warnings] == [("missing_message", 1)]
    assert "message is absent" in page.warnings[0].message
    assert (second.floor, second.pid, second.is_op) == (2, "42787586", True)
    assert second.text == ("for手机用户：闪迪SSD PLUS 120G全新未拆，150 三星DDR3 1600，8G*2，380 "
                           "单买不包邮，全部打包包邮 有意者短消息或者留言")
    assert second.meta.get("from_mobile") is True  # status 1032 = 1024 + 8
    # maxposition 3 counts the trade item (pid 42787581), which is not a floor: allreplies 1 → floors 1-2
    assert page.expected_floors == (1, 2)
    assert load_thread(TRADE).missing_floors == ()


# --- Version 4 (derived from s1nyan-post2, see samples/README.md) --------------------------------

def test_v4_position_reply_wrap_quotes_and_attach_token() -> None:
    page = page_of(V4)
    assert (page.tid, page.title) == ("988123", "百度手機翻譯屌炸天")
    assert (page.starter, page.starter_uid) == ("schachfeld", "245446")
    posts = {post.floor: post for post in page.posts}
    assert sorted(posts) == list(range(1, 16))
    assert page.expected_floors == tuple(range(1, 16))
    # div.reply_wrap quotes (Version 4 markup) with their findpost pids
    quotes = [(q.author, q.pid, q.time) for q in posts[14].quotes]
    assert quotes == [("橙七七", "24136830", at(2014, 1, 7, 21, 19))]
    assert posts[14].text.strip() == "猪狗不如于是晋升为一句赞美？"
    assert [(q.author, q.pid) for q in posts[15].quotes] == [("lentrody", "24136804")]
    assert "reply_wrap" in posts[15].html
    # the quoted pids are floors 12 and 11 of this page
    assert (posts[12].pid, posts[11].pid) == ("24136830", "24136804")
    # [attach]245666[/attach] → the attachment URL (url + attachment path); edit notice kept apart
    eleven = posts[11]
    assert "http://img.saraba1st.com/attachments/forum/201401/07/214726rtd4ev48m9b7kmez.jpg" in eleven.images
    assert "[attach]" not in eleven.text
    assert eleven.edit is not None
    assert (eleven.edit.by, eleven.edit.at) == ("lentrody", at(2014, 1, 7, 21, 47))
    assert (eleven.author, eleven.uid, eleven.time) == ("lentrody", "216595", at(2014, 1, 7, 21, 17, 33))
    assert posts[11].meta["relative_time"] == "半小时前" and posts[1].meta["relative_time"] == "1 小时前"


def test_null_message_keeps_the_floor() -> None:
    page = page_of(V4)
    fourth = page.posts[3]
    assert (fourth.floor, fourth.pid, fourth.author, fourth.uid) == (4, "24136267", "中已矣", "206418")
    assert (fourth.text, fourth.status, fourth.time) == ("", "normal", at(2014, 1, 7, 20, 27, 17))
    assert [(w.code, w.floor) for w in page.warnings] == [("missing_message", 4)]
    assert "message is null" in page.warnings[0].message


# --- the other real fixtures ---------------------------------------------------------------------

def test_v1_original_of_the_v4_sample_reads_the_same(fixtures: Path) -> None:
    v1 = page_of(fixtures / "s1-api" / "s1nyan-post2.json")
    v4 = page_of(V4)
    assert [(p.floor, p.pid, p.author, p.time, p.text, p.quotes) for p in v1.posts] == [
        (p.floor, p.pid, p.author, p.time, p.text, p.quotes) for p in v4.posts
    ]


def test_nbsp_inside_values_survives_the_repair(fixtures: Path) -> None:
    posts = {post.floor: post for post in page_of(fixtures / "s1-api" / "s1nyan-post.json").posts}
    assert len(posts) == 20 and (posts[1].author, posts[1].pid) == ("S1代购店", "22684802")
    # floor 11 carries raw U+00A0 in the legacy quote header ("发表的\xa0\xa0:")
    assert "铅笔画于2013-06-22 16:50发表的\u00a0\u00a0:" in posts[11].html
    assert posts[3].time == at(2013, 6, 22, 16, 36, 49)


def test_empty_postlist_is_thread_not_found(fixtures: Path) -> None:
    path = fixtures / "s1-api" / "reader-floorlist-2-empty.json"
    doc = read_document(path)
    assert ADAPTER.sniff(doc)  # it is a viewthread response, just an empty one
    with pytest.raises(ThreadNotFoundError) as info:
        ADAPTER.parse(doc)
    assert str(info.value) == (
        f"{path}: thread not found: the API returned an empty postlist (deleted, moved or no permission); "
        "the server said: 抱歉，指定的主题不存在或已被删除或正在被审核"
    )


def test_json_of_another_kind_is_not_claimed(fixtures: Path, tmp_path: Path) -> None:
    gold = SEED_GOLD
    doc = read_document(gold)
    assert not ADAPTER.sniff(doc)
    with pytest.raises(FormatMismatchError, match=r"JSON but not an S1 viewthread API response .*: thread"):
        ADAPTER.parse(doc)
    with pytest.raises(FormatMismatchError, match=r"does not look like --format api"):
        load_thread(gold, format="api")
    # A forumdisplay-like response (Variables without postlist), made from a real one.
    data = json.loads(TRADE.read_text(encoding="utf-8"))
    data["Variables"]["forum_threadlist"] = data["Variables"].pop("postlist")
    other = tmp_path / "forumdisplay.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    assert not ADAPTER.sniff(read_document(other))
    with pytest.raises(NotAThreadError):
        load_thread(other)


def test_text_that_is_not_json() -> None:
    doc = read_document(SAMPLES / "thread-agi-empire.md")
    assert not ADAPTER.sniff(doc)
    with pytest.raises(FormatMismatchError, match="not an S1 API response: invalid JSON"):
        ADAPTER.parse(doc)


def test_request_page_in_the_file_name_gives_the_order(tmp_path: Path) -> None:
    named = tmp_path / "index.php?module=viewthread&tid=945736&page=1.json"
    named.write_bytes(THREAD1.read_bytes())
    assert page_of(named).order == 1


def test_repeated_unnumbered_copy_and_junk_entries_are_skipped(tmp_path: Path) -> None:
    # the real trade thread with its floor 2 listed again first without a number (as Discuz lists a
    # recommended reply on top of page 1) and a stray non-object entry
    data = json.loads(TRADE.read_text(encoding="utf-8"))
    postlist = data["Variables"]["postlist"]
    postlist[:0] = [{**postlist[1], "number": "-1"}, "junk"]
    path = tmp_path / "repeated.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    page = page_of(path)
    assert [(post.floor, post.pid) for post in page.posts] == [(1, "42787580"), (2, "42787586")]
    assert [w.code for w in page.warnings] == ["bad_post", "repeated_post", "missing_message"]


def test_banned_author_placeholder_gives_status_banned(tmp_path: Path) -> None:
    # The exact message S1 sends for a banned author (S1-Next `Post.filterReply` compares it
    # verbatim), put on the real floor 2 of the trade thread.
    data = json.loads(TRADE.read_text(encoding="utf-8"))
    data["Variables"]["postlist"][1]["message"] = "提示: <em>作者被禁止或删除 内容自动屏蔽</em>"
    path = tmp_path / "banned.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    second = page_of(path).posts[1]
    assert (second.floor, second.author, second.status) == (2, "sonic3908", "banned")
    assert "作者被禁止或删除" not in second.text
