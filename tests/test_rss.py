"""The ``rss`` adapter on real RSSHub feeds of S1 threads (../shared/fixtures/s1-rss)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from threadscope import load_thread
from threadscope.adapters import get_adapter
from threadscope.adapters.base import Page
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.rss import RssAdapter
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.load import read_document

from .conftest import SAMPLES

ADAPTER = RssAdapter()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=DISCUZ_TZ)  # type: ignore[arg-type, misc]


@pytest.fixture(scope="module")
def rss(fixtures: Path) -> Path:
    return fixtures / "s1-rss"


def page_of(path: Path) -> Page:
    doc = read_document(path)
    assert ADAPTER.sniff(doc)
    return ADAPTER.parse(doc)


def test_registered_and_detected(rss: Path) -> None:
    assert isinstance(get_adapter("rss"), RssAdapter)
    for path in sorted(rss.glob("*.xml")):
        assert load_thread(path).format == "rss", path.name


def test_small_feed_floors_authors_times(rss: Path) -> None:
    page = page_of(rss / "stage1starchive-1100155.xml")
    assert (page.tid, page.forum) == ("1100155", "stage1st")
    assert page.title == "这5.0能跟CM11那样修改从主页键往上划出的快捷方式吗"
    # items come newest first (#6 … #2); posts are ordered by floor
    assert [(p.floor, p.pid, p.author) for p in page.posts] == [
        (2, "28197335", "ge1"), (3, "28198252", "hisousihou"), (4, "28198461", "ryans233"),
        (5, "28199714", "小天使与ntr"), (6, "28202659", "塞尔达公主"),
    ]
    # pubDate is GMT: "Fri, 27 Feb 2015 14:37:00 GMT" is 22:37 in Shanghai
    assert page.posts[0].time == at(2015, 2, 27, 22, 37)
    assert page.posts[4].time == at(2015, 2, 28, 13, 13)
    assert page.expected_floors == (2, 3, 4, 5, 6)
    assert page.starter is None and page.order is None
    assert [(w.code, w.message) for w in page.warnings] == [(
        "partial_feed",
        "an RSS feed holds only the latest posts: floors 2-6 (5 items); earlier floors are not in this file",
    )]


def test_quote_points_at_an_earlier_floor_of_the_feed(rss: Path) -> None:
    posts = {p.floor: p for p in page_of(rss / "stage1starchive-1100155.xml").posts}
    (quote,) = posts[6].quotes
    # the quote header time agrees with floor 5's pubDate converted to Shanghai time
    assert (quote.author, quote.pid, quote.time) == ("小天使与ntr", posts[5].pid, posts[5].time)
    assert posts[6].text.strip() == "谢发片"
    edit = posts[5].edit
    assert edit is not None and (edit.by, edit.at) == ("小天使与ntr", at(2015, 2, 28, 9, 2))


def test_missing_floors_before_the_feed_are_reported(rss: Path) -> None:
    thread = load_thread(rss / "stage1starchive-1905721.xml")
    assert [p.floor for p in thread.posts] == list(range(38, 48))
    assert thread.missing_floors == tuple(range(1, 38))
    assert thread.title == "【极乐迪斯科中文VG百科】系列攻略贴：1.3更新阵营"
    assert [p.author for p in thread.posts].count("五月.com") == 4


def test_item_without_floor_number_is_placed_between_its_neighbours(rss: Path) -> None:
    page = page_of(rss / "stage1starchive-1946457.xml")
    assert [p.floor for p in page.posts] == list(range(23, 33))
    posts = {p.floor: p for p in page.posts}
    # title "懂C++模板的进来一下，有偿求助 #" between #26 and #24; its pid lies between theirs too
    assert (posts[25].pid, posts[25].author) == ("48113291", "暴力炸鱼")
    assert posts[24].pid < posts[25].pid < posts[26].pid
    assert [(w.code, w.floor) for w in page.warnings] == [("floor_inferred", 25), ("partial_feed", None)]
    assert "#include <iostream>" in posts[25].text and "复制代码" not in posts[25].text


def test_masked_authors_and_quote_of_a_banned_user(rss: Path) -> None:
    posts = {p.floor: p for p in page_of(rss / "stage1starchive-1944643.xml").posts}
    masked = [floor for floor, post in posts.items() if post.meta.get("author_masked")]
    assert masked == [53, 54, 56]
    assert all(posts[floor].author == "######" for floor in masked)
    assert posts[53].edit is not None and posts[53].edit.by == "######"
    (quote,) = posts[57].quotes
    assert (quote.author, quote.pid, quote.time) == ("######", "48032460", at(2020, 7, 2, 10, 0))
    assert posts[53].pid == "48032460"  # the quoted post is in the feed, shown before the ban
    assert "作者被禁止或删除" not in posts[57].text
    assert posts[57].status == "normal"


def test_hidden_content_edit_and_client_tail(rss: Path) -> None:
    posts = {p.floor: p for p in page_of(rss / "stage1starchive-1944003.xml").posts}
    last = posts[29]
    assert (last.pid, last.author, last.time) == ("47983476", "zmw_831110", at(2020, 6, 28, 13, 4))
    assert last.meta.get("hidden_content") is True
    assert last.edit is not None and (last.edit.by, last.edit.at) == ("zmw_831110", at(2020, 6, 28, 13, 22))
    assert last.client == "S1Next-鹅版"
    assert last.meta.get("client_device") == "HMD Global Nokia 7 plus, Android 9"
    # RSSHub lazy image: the real URL is in `file`, src is ".../undefined"
    assert last.images == (
        "https://p.sda1.dev/0/24eaa0d50499db85df76283237ee5c20/IMG_9918351EE8F15D8A0FACF193EDC88EE5.jpeg",
    )
    assert "S1Next" not in last.text and "积分高于" not in last.text
    assert [(q.author, q.pid) for q in posts[22].quotes] == [("主机玩家", "47956767")]


def test_other_formats_are_not_sniffed(rss: Path) -> None:
    assert not ADAPTER.sniff(read_document(SAMPLES / "api-s1nyan-thread1.json"))
    assert not ADAPTER.sniff(read_document(SAMPLES / "thread-agi-empire.md"))
    # an RSS feed of another site (a real feed with the S1 names taken out)
    text = (rss / "stage1starchive-1100155.xml").read_text(encoding="utf-8")
    other = text.replace("saraba1st", "example").replace("stage1st", "example")
    doc = read_document(rss / "stage1starchive-1100155.xml")
    assert not ADAPTER.sniff(type(doc)(path="other.xml", data=other.encode(), text=other, encoding="utf-8"))


def test_entities_are_not_expanded(rss: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    text = (rss / "stage1starchive-1100155.xml").read_text(encoding="utf-8")
    doctype = (f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">'
               '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n')
    text = text.replace("<rss ", doctype + "<rss ", 1).replace(
        "<author><![CDATA[ge1]]></author>", "<author>ge1&xxe;&b;</author>")
    path = tmp_path / "feed.xml"
    path.write_text(text, encoding="utf-8")
    page = page_of(path)
    assert page.posts[0].author == "ge1"
    assert not any("TOP-SECRET" in (p.author or "") + p.text for p in page.posts)


def test_feed_without_items(rss: Path, tmp_path: Path) -> None:
    text = (rss / "stage1starchive-1100155.xml").read_text(encoding="utf-8")
    head = text.split("<item>", 1)[0] + "</channel></rss>"
    path = tmp_path / "empty-feed.xml"
    path.write_text(head, encoding="utf-8")
    with pytest.raises(NotAThreadError, match=r"no posts found: the feed has no items$"):
        load_thread(path)
