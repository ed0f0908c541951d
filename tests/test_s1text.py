"""The S1PlainTextArchive adapter on the real archive files and the seed thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from threadscope.adapters import Document, Page, adapters
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.s1text import S1TextAdapter, archive_to_html, split_rating
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.load import load_thread, read_document
from threadscope.model import Post, Rating

from .conftest import ARTICLES, DATA, SAMPLES, SNAPSHOTS

SEED = SAMPLES / "thread-agi-empire.md"
VIVID = "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]"
ADAPTER = S1TextAdapter()

#: file → (floors parsed, first floor, last floor, tid, part, title prefix)
FILES = {
    f"{VIVID}/1336720-01[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完].md":
        (1480, 1, 1480, 1336720, 1, "10月番ViVid Strike!"),
    f"{VIVID}/1336720-02[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完].md":
        (1480, 1481, 2960, 1336720, 2, "10月番ViVid Strike!"),
    f"{VIVID}/1336720-03[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完].md":
        (51, 2961, 3011, 1336720, 3, "10月番ViVid Strike!"),
    "1558768-02[『宝石之国／宝石の国』原作漫画讨论楼暂定].md": (90, 1754, 1843, 1558768, 2, "『宝石之国"),
    "2145734-01[全国超大、特大城市名单来了！].md": (114, 1, 114, 2145734, 1, "全国超大、特大城市名单来了！"),
    "2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md": (75, 1, 75, 2176899, 1, "龙之信条2"),
    "2180859-01[感觉老玩家的有些观点还是听听就行，不必太放在心上].md": (43, 1, 43, 2180859, 1, "感觉老玩家"),
    "2205326-01[小十年不联系的同学突然通知婚礼的上中下策分别是什么].md": (142, 1, 142, 2205326, 1, "小十年"),
}


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=DISCUZ_TZ)


def parse(path: Path) -> Page:
    return ADAPTER.parse(read_document(path))


@pytest.fixture(scope="module")
def text_dir(fixtures: Path) -> Path:
    return fixtures / "s1-text"


@pytest.fixture(scope="module")
def page_of(text_dir: Path) -> Callable[[str], Page]:
    cache: dict[str, Page] = {}

    def get(name: str) -> Page:
        if name not in cache:
            cache[name] = parse(text_dir / name)
        return cache[name]

    return get


@pytest.fixture(scope="module")
def seed() -> Page:
    return parse(SEED)


def by_floor(page: Page) -> dict[int, Post]:
    return {post.floor: post for post in page.posts}


# --- files, floors, dedupe ------------------------------------------------------------------


def test_registered_as_text() -> None:
    assert "text" in [adapter.name for adapter in adapters()]


@pytest.mark.parametrize("name", FILES, ids=lambda name: name.split("[")[0][-10:])
def test_floor_counts_and_file_name(page_of: Callable[[str], Page], name: str) -> None:
    count, first, last, tid, part, title = FILES[name]
    page = page_of(name)
    floors = [post.floor for post in page.posts]
    assert (len(floors), floors[0], floors[-1]) == (count, first, last)
    assert floors == sorted(set(floors)), "one post per floor, in floor order"
    assert (page.tid, page.order, page.forum) == (str(tid), part, "stage1st")
    assert page.title is not None and page.title.startswith(title)


def test_vivid_parts_cover_3011_floors_without_gaps(page_of: Callable[[str], Page]) -> None:
    floors = [post.floor for name in FILES if name.startswith(VIVID) for post in page_of(name).posts]
    assert floors == list(range(1, 3012))


def test_six_snapshots_are_deduplicated_last_copy_wins(page_of: Callable[[str], Page]) -> None:
    # tests/data keeps part 2's last snapshot only, and 60 of its floors in its last three snapshots
    sample = parse(next(SNAPSHOTS.glob("1336720-02*.md")))
    (warning,) = [w for w in sample.warnings if w.code == "duplicate_floors"]
    assert warning.message.startswith("120 repeated post block(s) for 60 floor(s) (up to 3 copies")
    assert "2 repeat(s) differed" in warning.message
    # floor 2627's image id changes in every snapshot; the last copy is kept
    assert 'id="aimg_d2pmU"' in by_floor(sample)[2627].html
    part2 = page_of(next(name for name in FILES if "1336720-02" in name))
    assert by_floor(sample)[2627].html == by_floor(part2)[2627].html
    assert not [w for w in part2.warnings if w.code == "duplicate_floors"]
    part3 = page_of(next(name for name in FILES if "1336720-03" in name))
    (warning,) = [w for w in part3.warnings if w.code == "duplicate_floors"]
    assert warning.message.startswith("250 repeated post block(s) for 50 floor(s)")
    assert by_floor(part3)[3011].author == "ネロ"  # only in the last snapshot


def test_overlapping_floors_in_one_file(page_of: Callable[[str], Page]) -> None:
    page = page_of("2205326-01[小十年不联系的同学突然通知婚礼的上中下策分别是什么].md")
    (warning,) = [w for w in page.warnings if w.code == "duplicate_floors"]
    assert warning.message.startswith("3 repeated post block(s) for 3 floor(s) (up to 2 copies")
    assert by_floor(page)[64].time == at("2024-11-1 14:26")


def test_files_without_repeats_have_no_duplicate_warning(page_of: Callable[[str], Page]) -> None:
    page = page_of("2145734-01[全国超大、特大城市名单来了！].md")
    assert not [w for w in page.warnings if w.code == "duplicate_floors"]


# --- the seed -------------------------------------------------------------------------------


def test_seed_floors_authors_times(seed: Page) -> None:
    assert len(seed.posts) == 41
    assert [p.floor for p in seed.posts] == list(range(1, 42))
    posts = by_floor(seed)
    assert (posts[1].author, posts[1].time) == ("哈利谢顿", at("2025-11-12 15:41"))
    assert (posts[6].author, posts[20].author) == ("i0ncube_R", "tonyunreal")
    assert (posts[41].author, posts[41].time) == ("飞侠小黑", at("2025-11-12 19:44"))
    assert all(post.status == "normal" for post in seed.posts)


def test_seed_thread_fields(seed: Page) -> None:
    # no tid in the name "thread-agi-empire.md": it comes from the quote links' ptid
    assert (seed.tid, seed.title, seed.order, seed.starter) == ("2267042", None, None, "哈利谢顿")


def test_op_flags(seed: Page, page_of: Callable[[str], Page]) -> None:
    assert [p.floor for p in seed.posts if p.is_op] == [1, 2, 10, 12]
    dragon = page_of("2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md")
    assert [p.floor for p in dragon.posts if p.is_op][:8] == [1, 2, 6, 11, 22, 40, 46, 69]
    assert dragon.starter == "蓝雉"
    # a later part has no floor 1 and no 楼主| marker at all
    assert page_of(next(name for name in FILES if "1336720-02" in name)).starter is None


def test_html_is_the_archive_body(seed: Page) -> None:
    post = by_floor(seed)[6]
    assert post.html == (
        "最近开始放空消息了\n\n"
        "[论坛助手,iPhone](https://stage1st.com/2b//forum.php?mod=viewthread&amp;tid=2029836)"
    )


# --- rebuilding the Discuz HTML -------------------------------------------------------------


def test_markdown_links_become_anchors_and_newlines_br(seed: Page) -> None:
    html, status = archive_to_html(by_floor(seed)[20].html)
    assert status == "normal"
    assert html == (
        "定义学发力就行了<br />说量子霸权就量子霸权，说AGI就AGI<br /><br />"
        '—— 来自 Xiaomi 25060RK16C, Android 16, '
        '<a href="https://www.pgyer.com/GcUxKd4w" target="_blank">鹅球</a> v3.5.99'
    )


def test_quote_links_lose_the_converter_bugs(seed: Page, page_of: Callable[[str], Page]) -> None:
    html, _ = archive_to_html(by_floor(seed)[15].html)
    assert html.startswith(
        '<div class="quote"><blockquote><a href="https://stage1st.com/2b/forum.php?mod=redirect'
        '&amp;goto=findpost&amp;pid=68712897&amp;ptid=2267042" target="_blank">'
        "哈利谢顿 发表于 2025-11-12 15:42</a><br /><br />ＡＧＩ这玩意到底多久才能落地没人知道"
        "</blockquote></div>老美那边"
    )
    vivid = page_of(next(name for name in FILES if "1336720-01" in name))
    doubled = [p for p in vivid.posts if "&amp;amp;" in p.html]
    assert doubled, "1336720 has quote links with &amp;amp;"
    for post in doubled:
        html, _ = archive_to_html(split_rating(post.html)[0])
        assert "&amp;amp;" not in html and "httphttp" not in html


def test_edit_notice_becomes_pstatus(seed: Page) -> None:
    html, _ = archive_to_html(by_floor(seed)[16].html)
    assert html.startswith(
        '<i class="pstatus"> 本帖最后由 勿徊哉 于 2025-11-12 16:04 编辑 </i><br />目前看来')


def test_attachment_tooltips_are_removed(page_of: Callable[[str], Page]) -> None:
    gems = by_floor(page_of("1558768-02[『宝石之国／宝石の国』原作漫画讨论楼暂定].md"))
    # bare file-name form: "-9lddQ….jpg\n(60.65 KB, 下载次数: 0)\n\n下载附件\n\n2024-4-25 19:54 上传"
    html, _ = archive_to_html(gems[1814].html)
    assert html == (
        '看完感想<br /><br /><br /><img src="https://img.saraba1st.com/forum/202404/25/'
        '195456ih6cueeybuwbe6y6.jpg" referrerpolicy="no-referrer">'
    )
    cities = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))
    html, _ = archive_to_html(cities[1].html)  # <strong>image.png</strong> (109.03 KB, …) form
    assert "下载" not in html and "上传" not in html and "image.png" not in html


def test_every_tooltip_in_the_fixtures_is_removed(page_of: Callable[[str], Page]) -> None:
    for name in FILES:
        for post in page_of(name).posts:
            if "下载次数" in post.html:
                html, _ = archive_to_html(split_rating(post.html)[0])
                assert "下载次数" not in html and "下载附件" not in html, (name, post.floor)


# --- ratings and statuses -------------------------------------------------------------------


def test_ratings(page_of: Callable[[str], Page], seed: Page) -> None:
    cities = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))
    assert cities[44].ratings == (Rating("收缩压", 1, "学习了"),)
    assert "﹍﹍﹍" in cities[44].html  # html keeps the archive body as it was
    dragon = by_floor(page_of("2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md"))
    assert dragon[1].ratings == (
        Rating("寅就一个字", 1, "好评加鹅"), Rating("游浪", 1, "该骂骂，该玩玩"),
        Rating("z692689995", 1, ""), Rating("萨格摩多桑", 1, ""),
    )
    assert dragon[2].ratings == (Rating("Hqchan", 2, ""), Rating("李喜睡", -2, "欢乐多"))
    assert dragon[15].ratings == (Rating("Merdesony", -1, "拉偏架"),)
    assert by_floor(seed)[25].ratings == (Rating("gold013", 1, "好评加鹅"),)
    rated = sum(1 for name in FILES for post in page_of(name).posts if post.ratings)
    assert rated == 7  # every 评分 block in the fixtures


def test_rating_block_is_cut_from_the_body(page_of: Callable[[str], Page]) -> None:
    post = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))[44]
    body, block = split_rating(post.html)
    assert block is not None and "| 收缩压| + 1|学习了|" in block
    html, _ = archive_to_html(body)
    assert html.endswith("（不算四个县级市600万也能上榜）")
    assert "评分" not in html and "﹍" not in html


def test_banned_floors(page_of: Callable[[str], Page]) -> None:
    cities = page_of("2145734-01[全国超大、特大城市名单来了！].md")
    banned = [post.floor for post in cities.posts if post.status == "banned"]
    assert banned[:8] == [11, 12, 14, 19, 30, 38, 42, 59]
    assert len(banned) == 19
    floor11 = by_floor(cities)[11]
    assert (floor11.author, floor11.time) == ("芦中人", at("2023-7-24 23:01"))
    assert archive_to_html(floor11.html) == (
        '<div class="locked">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>', "banned")


def test_moderator_blocked_floors_are_banned(page_of: Callable[[str], Page]) -> None:
    vivid = [post for name in FILES if name.startswith(VIVID) for post in page_of(name).posts]
    blocked = [post for post in vivid if post.html.strip() == "提示: 该帖被管理员或版主屏蔽"]
    assert blocked and all(post.status == "banned" for post in blocked)
    assert sum(post.status == "banned" for post in vivid) == 98 + 94 + 3


# --- encoding, sniffing, bad input ----------------------------------------------------------


def test_bom_is_ignored(text_dir: Path) -> None:
    path = text_dir / "2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with_bom = Document(path=str(path), data=data, text=data.decode("utf-8"), encoding="utf-8")
    assert with_bom.text.startswith("\ufeff")
    assert ADAPTER.sniff(with_bom)
    assert ADAPTER.parse(with_bom).posts == parse(path).posts


def test_bom_added_to_the_seed(seed: Page) -> None:
    data = b"\xef\xbb\xbf" + SEED.read_bytes()
    doc = Document(path=str(SEED), data=data, text=data.decode("utf-8"), encoding="utf-8")
    assert ADAPTER.parse(doc).posts == seed.posts


def test_sniff_rejects_articles_and_other_formats() -> None:
    assert len(ARTICLES) == 4
    for article in ARTICLES:
        assert not ADAPTER.sniff(read_document(article)), article
    assert ADAPTER.sniff(read_document(SEED))


def test_sniff_claims_exactly_the_text_archive_fixtures(fixtures: Path) -> None:
    for path in sorted(p for p in fixtures.rglob("*") if p.is_file()):
        assert ADAPTER.sniff(read_document(path)) == (path.parent.name == "s1-text" or
                                                      path.parent.parent.name == "s1-text"), path


def test_forced_on_an_article_says_no_posts_found() -> None:
    article = ARTICLES[0]
    with pytest.raises(NotAThreadError, match="no posts found"):
        ADAPTER.parse(read_document(article))


def test_a_body_line_of_asterisks_stays_in_its_post(seed: Page) -> None:
    text = SEED.read_text(encoding="utf-8").replace("一股子谷歌黑屁openai的味道", "一股子\n*****\n味道")
    page = ADAPTER.parse(Document(path="seed-edited.md", data=b"", text=text, encoding="utf-8"))
    assert len(page.posts) == 41
    assert by_floor(page)[9].html == "一股子\n*****\n味道"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_body_stays_one_post(body: str) -> None:
    body = body.replace("\r", "")
    assume("\n*****\n" not in f"\n{body}\n" and "####" not in body)
    head = "\n*****\n\n####  酱狐狸  \n##### 3#       发表于 2025-11-12 15:42\n\n"
    page = ADAPTER.parse(Document(path="one.md", data=b"", text=head + body + "\n\n", encoding="utf-8"))
    (post,) = page.posts
    assert (post.floor, post.author, post.time) == (3, "酱狐狸", at("2025-11-12 15:42"))
    assert post.html == body.strip("\n")


def test_a_floor_line_without_time_still_starts_a_post() -> None:
    text = SEED.read_text(encoding="utf-8").replace("##### 9#       发表于 2025-11-12 15:49", "##### 9#")
    posts = by_floor(ADAPTER.parse(Document(path="seed-edited.md", data=b"", text=text, encoding="utf-8")))
    assert len(posts) == 41
    assert (posts[9].author, posts[9].time) == ("日参省乎己", None)
    assert posts[9].html == "一股子谷歌黑屁openai的味道"


# --- cleaned fields (through threadscope.forums.discuz.clean) --------------------------------------------


def test_quotes_with_and_without_link(seed: Page, page_of: Callable[[str], Page]) -> None:
    posts = by_floor(seed)
    (quote,) = posts[15].quotes
    assert (quote.author, quote.time, quote.pid) == ("哈利谢顿", at("2025-11-12 15:42"), "68712897")
    assert quote.excerpt == "ＡＧＩ这玩意到底多久才能落地没人知道"
    assert posts[15].text == "老美那边的策略是强行硬闯AGI，用炼金术制造一个神，神当然可以横扫凡人的一切，" \
        "我们这边是用魔法解决具体问题，提升当前的能力。\n\n老美有点太过末日决战思维了"
    (quote,) = posts[10].quotes  # <blockquote>NAME 发表于 TIME\nTEXT</blockquote>, no link
    assert (quote.author, quote.time, quote.pid) == ("黑哥啥时改密码", at("2025-11-12 15:48"), None)
    assert (quote.excerpt, posts[10].text) == ("这个新闻看起来就纯ai生成的", "应该是AI跑的书摘")
    (quote,) = posts[22].quotes
    assert (quote.author, quote.time, quote.pid) == ("logiccat", at("2025-11-12 16:01"), "68713018")
    cities = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))
    (quote,) = cities[44].quotes
    assert (quote.author, quote.time, quote.pid) == ("lindley", at("2023-7-25 00:11"), "61776567")


def test_double_escaped_quote_links_keep_their_pid(page_of: Callable[[str], Page]) -> None:
    vivid = by_floor(page_of(next(name for name in FILES if "1336720-01" in name)))
    assert "&amp;amp;pid=33768079" in vivid[88].html
    (quote,) = vivid[88].quotes
    assert (quote.author, quote.time, quote.pid) == ("kiralzb", at("2016-10-04 16:00"), "33768079")


def test_edit_notices(seed: Page, page_of: Callable[[str], Page]) -> None:
    post = by_floor(seed)[16]
    assert post.edit is not None and (post.edit.by, post.edit.at) == ("勿徊哉", at("2025-11-12 16:04"))
    assert post.text.startswith("目前看来问题不大")
    cities = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))
    assert cities[44].edit is not None
    assert (cities[44].edit.by, cities[44].edit.at) == ("0WHan0", at("2023-7-25 02:26"))
    assert cities[1].edit is not None
    assert (cities[1].edit.by, cities[1].edit.at) == ("大番薯", at("2023-7-24 22:56"))
    assert cities[44].text.endswith("（不算四个县级市600万也能上榜）")  # no rating block


def test_client_tails(seed: Page) -> None:
    posts = by_floor(seed)
    assert posts[20].client == "鹅球"
    assert dict(posts[20].meta) == {
        "client_device": "Xiaomi 25060RK16C, Android 16", "client_version": "v3.5.99"}
    assert posts[20].text == "定义学发力就行了\n说量子霸权就量子霸权，说AGI就AGI"
    assert posts[20].links == ()
    assert (posts[6].client, posts[6].meta["client_device"]) == ("论坛助手", "iPhone")
    assert posts[6].text == "最近开始放空消息了"
    assert posts[21].client == "论坛助手"
    assert posts[21].links == ("https://view.inews.qq.com/k/20250703A03RNZ00?web_channel=wap&no-redirect=1",)


def test_smileys_and_images(seed: Page, page_of: Callable[[str], Page]) -> None:
    posts = by_floor(seed)
    assert (posts[3].smileys, posts[3].text) == (("[s:001]",), "[s:001]美国的未来≠全人类的未来")
    assert posts[8].smileys == ("[s:067]",)
    assert posts[22].smileys == ("[s:003]",)
    assert posts[3].images == ()
    gems = by_floor(page_of("1558768-02[『宝石之国／宝石の国』原作漫画讨论楼暂定].md"))
    assert gems[1814].images == ("https://img.saraba1st.com/forum/202404/25/195456ih6cueeybuwbe6y6.jpg",)
    assert gems[1814].text == "看完感想"
    cities = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))
    assert cities[1].images == ("https://img.saraba1st.com/forum/202307/24/225331lchz3ez6to3hcceh.png",)
    assert "下载附件" not in cities[1].text and "image.png" not in cities[1].text


def test_flattened_plugin_style_is_not_text(seed: Page) -> None:
    op = by_floor(seed)[1]
    assert ".cronclosethread_getbox" in op.html
    assert "cronclosethread" not in op.text and "{border" not in op.text
    assert op.links == ("https://weibo.com/ttarticle/x/m/show#/id=2309405232119529210155&_wb_client_=1",)


def test_banned_floor_text_is_empty(page_of: Callable[[str], Page]) -> None:
    post = by_floor(page_of("2145734-01[全国超大、特大城市名单来了！].md"))[12]
    assert (post.status, post.author, post.text) == ("banned", "MareTranquilli", "")


def test_no_archive_noise_left_in_any_text(page_of: Callable[[str], Page], seed: Page) -> None:
    noise = ("下载次数", "下载附件", "﹍﹍﹍", "查看全部评分", "本帖最后由", "httphttp", "](http",
             "<blockquote", "{border")
    for page in [*(page_of(name) for name in FILES), seed]:
        for post in page.posts:
            for word in noise:
                assert word not in post.text, (page.source, post.floor, word)


def test_title_from_an_escaped_file_name() -> None:
    """The archive writes titles HTML-escaped into file names (101 names in 2022–2023); the
    thread's title is the forum's text, which the report escapes once."""
    folder = next((DATA / "corpus" / "漫区").glob("1586260*"))
    assert "&amp;" in folder.name
    thread = load_thread(folder)
    assert thread.title == "『关于我转生变成史莱姆这档事』2期&转生日记 延期放送"
