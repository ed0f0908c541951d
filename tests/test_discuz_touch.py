"""The touch (mobile=2) adapter on the sample pages built from the seed thread, X3.5 and
X3.2–3.4 markup, compared with the seed (samples/thread-agi-empire.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from threadscope.adapters.base import Document, Page
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.desktop import DiscuzHtmlAdapter
from threadscope.forums.discuz.touch import DiscuzTouchAdapter
from threadscope.load import assemble, load_thread, pick_adapter, read_document
from threadscope.model import Post, Rating, Thread

from .conftest import SAMPLES

ADAPTER = DiscuzTouchAdapter()
TOUCH = SAMPLES / "s1-2267042-touch-1.html"
TOUCH_OLD = SAMPLES / "s1-2267042-touch-x32-1.html"
SEED = SAMPLES / "thread-agi-empire.md"
COMPARED = ("author", "time", "is_op", "status", "text", "edit", "client", "smileys", "links", "reply_to")


def parse_file(path: Path) -> Page:
    return ADAPTER.parse(read_document(path))


def parse_text(text: str) -> Page:
    return ADAPTER.parse(Document("edited.html", text.encode(), text, "utf-8"))


@pytest.fixture(scope="module")
def seed() -> Thread:
    return load_thread(SEED)


@pytest.fixture(scope="module")
def touch() -> Page:
    return parse_file(TOUCH)


def settled(page: Page) -> tuple[Post, ...]:
    """The page's posts as a thread holds them: ``load.assemble`` settles who is the OP."""
    return assemble([page], formats=["touch"]).posts


def assert_matches_seed(page: Page, seed: Thread, fields: tuple[str, ...]) -> None:
    assert [p.floor for p in page.posts] == list(range(1, 31))
    for ours in settled(page):
        theirs = seed.post(ours.floor)
        assert theirs is not None
        for name in fields:
            assert getattr(ours, name) == getattr(theirs, name), (ours.floor, name)
        assert [(q.author, q.time, q.excerpt) for q in ours.quotes] == [
            (q.author, q.time, q.excerpt) for q in theirs.quotes], ours.floor


def test_touch_thread_fields(touch: Page) -> None:
    assert (touch.tid, touch.forum, touch.order) == ("2267042", "stage1st", 1)
    assert touch.title == "Karen Hao《Empire of AI》：AGI造福全人类的信仰与真实账单"
    assert touch.starter == "哈利谢顿" and touch.starter_uid is not None
    assert touch.warnings == ()


def test_touch_page_parses_back_to_the_seed(touch: Page, seed: Thread) -> None:
    assert_matches_seed(touch, seed, (*COMPARED, "ratings"))
    assert [p.floor for p in settled(touch) if p.is_op] == [1, 2, 10, 12]
    assert touch.posts[24].ratings == (Rating("gold013", 1, "好评加鹅"),)
    assert touch.posts[24].meta["rating_credit"] == "战斗力"
    assert touch.posts[15].edit is not None and touch.posts[15].edit.by == "勿徊哉"
    assert touch.posts[19].meta["client_device"] == "Xiaomi 25060RK16C, Android 16"


def test_touch_and_desktop_agree(touch: Page) -> None:
    desktop = DiscuzHtmlAdapter().parse(read_document(SAMPLES / "s1-2267042-page-1.html"))
    assert [(p.pid, p.uid, p.text, p.quotes) for p in touch.posts] == [
        (p.pid, p.uid, p.text, p.quotes) for p in desktop.posts]


def test_old_touch_markup(seed: Thread) -> None:
    page = parse_file(TOUCH_OLD)
    assert_matches_seed(page, seed, COMPARED)  # this template has no rating rows
    assert page.title == "Karen Hao《Empire of AI》：AGI造福全人类的信仰与真实账单"
    assert page.tid == "2267042"


def test_sniff_and_load() -> None:
    doc = read_document(TOUCH)
    assert ADAPTER.sniff(doc) and ADAPTER.sniff(read_document(TOUCH_OLD))
    assert not DiscuzHtmlAdapter().sniff(doc)
    assert pick_adapter(doc).name == "touch"
    thread = load_thread(TOUCH)
    assert (len(thread), thread.format, thread.missing_floors) == (30, "touch", ())


def test_relative_time_only_keeps_the_post_with_a_warning() -> None:
    # mobile pages print recent dates as "半小时前" with no absolute title (§2)
    text = TOUCH.read_text(encoding="utf-8")
    text = re.sub(r"(<li class=\"mtime\">\n)2025-11-12 17:28", r"\g<1>半小时前", text, count=1)
    page = parse_text(text)
    floor_30 = page.posts[29]
    assert (floor_30.floor, floor_30.author, floor_30.time) == (30, "影法师", None)
    assert floor_30.meta["relative_time"] == "半小时前"
    assert [(w.code, w.floor) for w in page.warnings] == [("relative_time", 30)]


def test_banned_placeholder_is_not_a_quote(touch: Page) -> None:
    text = TOUCH.read_text(encoding="utf-8")
    pid = touch.posts[6].pid
    start = text.index(f'id="pid{pid}"')
    message = text.index('<div class="message">', start)
    end = text.index("</div>", message)
    placeholder = '<div class="quote">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>'
    text = text[:message] + f'<div class="message">\n{placeholder}\n' + text[end:]
    floor_7 = parse_text(text).posts[6]
    assert (floor_7.floor, floor_7.status, floor_7.text, floor_7.quotes) == (7, "banned", "", ())
    assert floor_7.meta["locked"] == "提示: 作者被禁止或删除 内容自动屏蔽"


def test_page_without_posts_is_not_a_thread() -> None:
    with pytest.raises(NotAThreadError, match="no posts found"):
        parse_text('<html><body><div class="viewthread"><div class="message"></div></div></body></html>')


def test_deleted_user_name_without_link() -> None:
    # §2: `span.z` holds `NAME <em>该用户已被删除</em>` and no profile link for a deleted user
    text = TOUCH.read_text(encoding="utf-8").replace(
        '<a href="home.php?mod=space&amp;uid=211790">哈利谢顿</a>', "哈利谢顿 <em>该用户已被删除</em>")
    page = parse_text(text)
    op_floors = [p for p in page.posts if p.author == "哈利谢顿"]
    assert [p.floor for p in op_floors] == [1, 2, 10, 12]
    assert all(p.uid is None and p.meta["author_deleted"] is True for p in op_floors)
