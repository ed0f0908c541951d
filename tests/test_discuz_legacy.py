"""Discuz! 6 and 7 desktop pages (``discuz7`` adapter) on two real GBK pages in samples/, and the
forum's name read from the page on the real csolbbs X3.3 pages. Values were read off the raw
HTML of each page (see samples/README.md for where the pages come from)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from threadscope import load_thread
from threadscope.adapters import Page
from threadscope.adapters.base import adapters
from threadscope.forums.discuz.common import forum_of, parse_html, site_name
from threadscope.forums.discuz.legacy import DiscuzLegacyAdapter
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.links import resolve_links
from threadscope.load import parse_document, read_document

D7 = SAMPLES / "discuz7-4d4y-572737-page-1.html"
D6 = SAMPLES / "discuz6-1984bbs-41876.html"


def _parse(path: Path) -> Page:
    return DiscuzLegacyAdapter().parse(read_document(path))


@pytest.mark.parametrize("path", [D7, D6])
def test_pages_are_gbk_and_sniffed_as_discuz7(path: Path) -> None:
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    page, fmt = parse_document(doc)
    assert fmt == "discuz7" and page.posts


def test_adapter_is_listed_before_the_x3_desktop_adapter() -> None:
    names = [adapter.name for adapter in adapters()]
    assert names.index("discuz7") < names.index("html")


def test_discuz7_thread_fields() -> None:
    page = _parse(D7)
    assert (page.forum, page.tid, page.title, page.order) == ("4D4Y", "572737", "你觉得可以这样穿着出门吗", 1)
    assert (page.starter, page.starter_uid) == ("走马亭", "246499")
    assert page.warnings == ()


def test_discuz7_every_floor_accounted_for() -> None:
    page = _parse(D7)
    assert [p.floor for p in page.posts] == list(range(1, 16))
    assert page.posts[0].pid == "7495936" and page.posts[-1].pid == "7691927"
    # floor 4: 提示: 作者被禁止或删除 内容自动屏蔽 instead of a body
    banned = page.posts[3]
    assert (banned.status, banned.author, banned.uid, banned.text) == ("banned", "诸事不宜", "518558", "")
    assert "作者被禁止或删除" in banned.meta["locked"]
    assert [p.floor for p in page.posts if p.status != "normal"] == [4]


def test_discuz7_post_fields() -> None:
    first, second = _parse(D7).posts[:2]
    assert first.time == datetime(2010, 3, 5, 15, 31, tzinfo=DISCUZ_TZ)
    assert first.is_op and first.text.startswith("以前夏天的时候经常看见有的人穿着短衬衫+黑色打底裤+鞋子")
    assert first.smileys == ("[s:default/funk]",)
    # the two attachment images below the body (`file`, not the none.gif `src`)
    assert first.images == ("https://img02.4d4y.com/forum/attachments/day_100305/0000_SoI9JkPb6iRa.jpg",
                            "https://img02.4d4y.com/forum/attachments/day_100305/00_Ae0RiWEyhbj2.jpg")
    assert (second.author, second.uid, second.is_op) == ("木风", "769", False)


def test_discuz7_quotes_without_links_resolve_by_author_and_time() -> None:
    thread = load_thread(D7)
    quote = thread.post(13).quotes[0]
    assert (quote.author, quote.pid, quote.excerpt) == ("lycheejet", None, "camel toe")
    assert thread.post(13).text == "同意。你也看过天气预报员啊！"
    quotes = {(link.source, link.target) for link in resolve_links(thread) if link.kind == "quote"}
    assert quotes == {(13, 6), (15, 14)}


def test_discuz6_thread_fields_and_floors() -> None:
    page = _parse(D6)
    assert (page.forum, page.tid, page.title) == ("1984bbs.com", "41876", "郁闷一下下")
    assert [p.floor for p in page.posts] == list(range(1, 14))
    assert [p.pid for p in page.posts][:3] == ["542131", "545158", "545160"]
    assert page.posts[0].time == datetime(2010, 3, 31, 23, 16, tzinfo=DISCUZ_TZ)
    assert (page.posts[0].author, page.posts[0].uid) == ("废种豆豉", "1333")
    # the starter's later posts are his (by uid)
    assert [p.floor for p in page.posts if p.is_op] == [1, 6, 7]
    assert page.warnings == ()


def test_discuz6_quotes_resolve_by_findpost_pid() -> None:
    thread = load_thread(D6)
    quote = thread.post(5).quotes[0]
    assert (quote.author, quote.pid) == ("mrstation", "545160")
    assert quote.time == datetime(2010, 4, 2, 19, 29, tzinfo=DISCUZ_TZ)
    assert thread.post(5).text == "这个网站被汇报有恶意软件"
    links = {(link.source, link.target, link.confidence) for link in resolve_links(thread)
             if link.kind == "quote"}
    assert links == {(5, 3, 1.0), (8, 5, 1.0), (9, 8, 1.0), (10, 9, 1.0), (11, 8, 1.0), (13, 11, 1.0)}


def test_s1_desktop_pages_are_not_taken_by_the_legacy_adapter() -> None:
    for path in sorted(SAMPLES.glob("s1-2267042-*.html")):
        assert not DiscuzLegacyAdapter().sniff(read_document(path)), path.name


# --- the forum's name from the page -----------------------------------------------------------

def test_csolbbs_pages_are_named_by_the_site(fixtures: Path) -> None:
    for path in sorted((fixtures / "discuz-x33-pages").glob("csolbbs-page-*.html")):
        thread = load_thread(path)
        assert thread.forum == "反恐精英Online-官方论坛", path.name


def test_site_name_fallbacks_read_the_page() -> None:
    # only a logo (Discuz 6/7 #header) or only the title suffix
    logo = read_document(D7)
    root = parse_html(logo)
    assert site_name(root) == "4D4Y"
    html = "<html><head><title>主题 - 版块 - 某某论坛 - Powered by Discuz!</title></head><body></body></html>"
    doc = logo.__class__(path="t.html", data=html.encode(), text=html, encoding="utf-8")
    assert site_name(parse_html(doc)) == "某某论坛"
    assert forum_of(doc, parse_html(doc)) == "某某论坛"


def test_s1_keeps_its_name() -> None:
    assert {load_thread(p).forum for p in sorted(SAMPLES.glob("s1-2267042-*.html"))} == {"stage1st"}


def test_discuz7_edit_notice_at_the_end_of_the_body() -> None:
    post = _parse(D7).posts[11]
    assert post.edit is not None and post.edit.by == "老兵-猫族"
    assert post.edit.at == datetime(2010, 3, 28, 2, 7, tzinfo=DISCUZ_TZ)
    assert post.text.endswith("不显品位啊。。。。") and "本帖最后由" not in post.text
