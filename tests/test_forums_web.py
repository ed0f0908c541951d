"""Discourse and Reddit adapters on real responses (samples/forums/, provenance in its README):
every post accounted for, every reply and quote link from the document's own fields resolved,
and the analysis and report built like an S1 thread's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadscope import analyze, load_thread
from threadscope.adapters import adapters
from threadscope.cli import cli
from threadscope.errors import FormatMismatchError, NotAThreadError
from threadscope.forums.reddit.markdown import read_markdown
from threadscope.links import check_links, resolve_links
from threadscope.report import render_report

from .conftest import SAMPLES

DISCOURSE = SAMPLES / "forums" / "discourse"
TOPIC_PAGE_1 = DISCOURSE / "criticalfallibilism-2144-posts.json"
TOPIC_PAGE_41 = DISCOURSE / "criticalfallibilism-2144-posts-pn41.json"
DRAMA = DISCOURSE / "urho3d-5371-about-all-the-drama-around-here.json"
TAGGING = DISCOURSE / "urho3d-5265-pre-release-tagging.json"
DECAY = [DISCOURSE / f"urho3d-6482-github-in-decay-page-{page}.json" for page in (1, 2)]
#: sha256 of the archive's merged github-in-decay.6482.json (samples/forums/README.md)
DECAY_ARCHIVED_SHA256 = "5c832cb23b6324591f30f0dcb8654534917cbac0d9c1843d99567fb378a58472"
REDDIT = SAMPLES / "forums" / "reddit"
THREAD = REDDIT / "self-1cebxh-thread-trimmed.json"
PERMALINK = REDDIT / "self-1cebxh-permalink-c9fs5bj-context2.json"


def _unresolved(thread):  # type: ignore[no-untyped-def]
    return [link for link in resolve_links(thread) if link.target is None]


# --- Discourse ------------------------------------------------------------------------------

def test_discourse_page_posts_floors_and_forum() -> None:
    thread = load_thread(TOPIC_PAGE_1)
    assert thread.format == "discourse" and thread.forum == "discourse:discuss.criticalfallibilism.com"
    assert thread.tid == "2144" and thread.title == "kpop-demon-hunters" and thread.timezone == "UTC"
    assert [p.floor for p in thread.posts] == [*range(1, 7), *range(8, 22)]
    assert thread.missing_floors == (7,)  # post 7 was deleted: a gap in the post numbers
    first = thread.post(1)
    assert first is not None and first.pid == "20089" and first.author == "Elliot" and first.uid == "1"
    assert first.time == datetime(2026, 1, 8, 19, 23, 48, 342000, tzinfo=UTC)
    assert first.links == ("https://curi.us/2607-kpop-demon-hunters",)


def test_discourse_quotes_leave_the_text_and_resolve_to_the_quoted_post() -> None:
    thread = load_thread(TOPIC_PAGE_1)
    post = thread.post(2)
    assert post is not None and len(post.quotes) == 4
    assert {q.author for q in post.quotes} == {"Elliot"} and {q.pid for q in post.quotes} == {"20089"}
    assert post.quotes[0].excerpt.startswith("I find it interesting that people love this theme")
    assert "I find it interesting" not in post.text and post.text.startswith("~yeah idk how people")
    assert "Elliot:" not in post.text  # the quote header is chrome
    # floor 4 quotes a blog post with a bare markdown blockquote: a quote without a post
    blog = thread.post(4)
    assert blog is not None and len(blog.quotes) == 3 and {q.pid for q in blog.quotes} == {None}
    links = resolve_links(thread)
    assert [(link.target, link.kind) for link in links if link.source == 2] == [(1, "quote")] * 4


def test_discourse_reply_to_post_number_is_the_parent() -> None:
    thread = load_thread(TOPIC_PAGE_1)
    post = thread.post(8)
    assert post is not None and post.meta["reply_to_post_number"] == 4 and post.parent == "20110"
    links = resolve_links(thread)
    assert (8, 4, "reply", 1.0) in [(lk.source, lk.target, lk.kind, lk.confidence) for lk in links]
    assert _unresolved(thread) == [] and check_links(thread, links) == ()


def test_discourse_pages_stitch_in_post_number_order_and_resolve_across_pages() -> None:
    thread = load_thread([TOPIC_PAGE_41, TOPIC_PAGE_1])
    assert [p.floor for p in thread.posts] == [*range(1, 7), *range(8, 31)]
    assert thread.missing_floors == (7,)
    # floor 13 (second response) answers post 3 (first response only): parent unknown to the
    # adapter, resolved by post number
    post = thread.post(13)
    assert post is not None and post.parent is None and post.meta["reply_to_post_number"] == 3
    links = resolve_links(thread)
    assert (13, 3, "reply") in [(lk.source, lk.target, lk.kind) for lk in links]
    assert _unresolved(thread) == [] and check_links(thread, links) == ()
    overlap = [w for w in thread.warnings if w.code == "duplicate_floor"]
    assert sorted(w.floor for w in overlap) == list(range(11, 22))  # reported, never silent


def test_discourse_post_types_are_kept_with_their_type(tmp_path: Path) -> None:
    # derived from the real page: post 3 made a small action, post 6 a whisper, post 9 deleted,
    # and a reply to the deleted post 7 added to post 10
    data = json.loads(TOPIC_PAGE_1.read_text(encoding="utf-8"))
    posts = {p["post_number"]: p for p in data["post_stream"]["posts"]}
    posts[3].update(post_type=3, action_code="closed.enabled", cooked="")
    posts[6].update(post_type=4)
    posts[9].update(deleted_at="2026-01-12T00:00:00.000Z")
    posts[10].update(reply_to_post_number=7)
    path = tmp_path / "derived.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    thread = load_thread(path)
    assert len(thread.posts) == 20
    small = thread.post(3)
    assert small is not None and small.meta["post_type"] == "small_action"
    assert small.text == "[closed.enabled]"
    whisper = thread.post(6)
    assert whisper is not None and whisper.status == "hidden" and whisper.meta["post_type"] == "whisper"
    deleted = thread.post(9)
    assert deleted is not None and deleted.status == "deleted"
    links = resolve_links(thread)
    assert not [lk for lk in links if lk.source == 3]  # an action answers no one
    missing = [lk for lk in links if lk.source == 10 and lk.kind == "reply"]
    assert [(lk.target, lk.reason) for lk in missing] == [(None, "target not in these pages")]
    staff = [w.message for w in thread.warnings if w.code == "staff_posts"]
    assert staff == ["2 post(s) are not ordinary replies: small actions: floor(s) 3 (closed.enabled); "
                     "whispers: floor(s) 6"]


# --- Discourse: full topics of the Urho3D forum archive ----------------------------------------

def _raw_posts(paths: list[Path]) -> dict[int, dict]:  # type: ignore[type-arg]
    return {raw["post_number"]: raw for path in paths
            for raw in json.loads(path.read_text(encoding="utf-8"))["post_stream"]["posts"]}


def _document_links(paths: list[Path]) -> set[tuple[int, int, str]]:
    """Every answer the documents' own fields name: reply_to_post_number and aside.quote data-post."""
    import lxml.html

    named: set[tuple[int, int, str]] = set()
    for number, raw in _raw_posts(paths).items():
        if raw.get("reply_to_post_number"):
            named.add((number, raw["reply_to_post_number"], "reply"))
        if raw["cooked"].strip():
            for aside in lxml.html.fragment_fromstring(raw["cooked"], create_parent="div").iter("aside"):
                if "quote" in (aside.get("class") or "").split() and aside.get("data-post"):
                    named.add((number, int(aside.get("data-post")), "quote"))
    return named


@pytest.mark.parametrize("paths", [[DRAMA], [TAGGING], DECAY, list(reversed(DECAY))],
                         ids=["5371", "5265", "6482-pages", "6482-pages-reversed"])
def test_urho3d_topics_every_post_and_every_named_link(paths: list[Path]) -> None:
    raw = _raw_posts(paths)
    thread = load_thread(paths)
    assert thread.forum == "discourse:discourse.urho3d.io" and thread.format == "discourse"
    # every post accounted for: each post number read once, every other number up to the
    # highest a reported gap
    assert [p.floor for p in thread.posts] == sorted(raw)
    highest = json.loads(paths[0].read_text(encoding="utf-8"))["highest_post_number"]
    assert set(thread.missing_floors) == set(range(1, highest + 1)) - set(raw)
    assert f"{len(thread.missing_floors)} floor(s) not in these files" in " ".join(map(str, thread.warnings))
    links = resolve_links(thread)
    found = {(lk.source, lk.target, lk.kind) for lk in links}
    named = _document_links(paths)
    assert named and named <= found  # every reply and quote the document names, resolved
    assert _unresolved(thread) == [] and check_links(thread, links) == ()


def test_urho3d_topic_5371_posts_gaps_and_the_closing_action() -> None:
    thread = load_thread(DRAMA)
    assert thread.tid == "5371" and thread.title == "About all the drama around here"
    assert thread.starter == "GoldenThumbs" and len(thread.posts) == 19 and thread.missing_floors == (3, 4)
    post = thread.post(11)
    assert post is not None and post.author == "1vanK" and post.parent == "45807"
    assert post.text.startswith("Should I be upset that you stopped using the engine or what?")
    quoting = thread.post(16)
    assert quoting is not None and [(q.author, q.pid) for q in quoting.quotes] == [("1vanK", "45847")]
    closing = thread.post(21)
    assert closing is not None
    assert closing.meta == {"post_type": "small_action", "action_code": "closed.enabled"}
    assert closing.text == "[closed.enabled]"
    assert not [lk for lk in resolve_links(thread) if lk.source == 21]  # closing answers no one
    staff = [str(w) for w in thread.warnings if w.code == "staff_posts"]
    assert staff == [f"{DRAMA}: 1 post(s) are not ordinary replies: small actions: floor(s) 21 "
                     "(closed.enabled)"]


def test_urho3d_moderator_action_is_reported_and_marked_not_an_ordinary_reply() -> None:
    thread = load_thread(TAGGING)
    assert len(thread.posts) == 20 and thread.missing_floors == (8,)
    mod = thread.post(3)
    assert mod is not None and mod.meta["post_type"] == "moderator_action" and mod.author == "weitjong"
    assert mod.text.startswith("If you don’t know the fact about this project")
    assert mod.parent is None  # not a plain parent link: the resolver marks it
    links = resolve_links(thread)
    assert [(lk.target, lk.kind, lk.confidence, lk.evidence) for lk in links if lk.source == 3] == [
        (2, "reply", 1.0, "moderator post, reply_to_post_number 2")]
    # small actions, with text (7) or without (9), answer no one and are kept with their code
    for floor, code in ((7, "closed.enabled"), (9, "closed.disabled")):
        post = thread.post(floor)
        assert post is not None and post.meta["action_code"] == code
        assert not [lk for lk in links if lk.source == floor]
    assert thread.post(7).text == "Probably I should kill my own time in my own fork."  # type: ignore[union-attr]
    staff = [w.message for w in thread.warnings if w.code == "staff_posts"]
    assert staff == ["3 post(s) are not ordinary replies: moderator actions: floor(s) 3; "
                     "small actions: floor(s) 7 (closed.enabled), 9 (closed.disabled)"]
    analysis = analyze(TAGGING, snownlp=False, keywords=False)
    row = analysis.links[analysis.links["source_floor"] == 3].iloc[0]
    assert row["evidence"].startswith("moderator post") and row["target_author"] == "Leith"


def test_urho3d_pages_stitch_back_to_the_archived_topic() -> None:
    import hashlib

    first, second = (json.loads(path.read_text(encoding="utf-8")) for path in DECAY)
    merged = dict(first, post_stream=dict(first["post_stream"], posts=first["post_stream"]["posts"]
                                          + second["post_stream"]["posts"]))
    assert hashlib.sha256(json.dumps(merged).encode()).hexdigest() == DECAY_ARCHIVED_SHA256
    thread = load_thread(list(reversed(DECAY)))
    assert len(thread.posts) == 35 and thread.missing_floors == (5, 23, 28)
    assert not [w for w in thread.warnings if w.code == "duplicate_floor"]
    answer = thread.post(22)  # first post of page 2 answers the last of page 1
    assert answer is not None and answer.parent is None and answer.meta["reply_to_post_number"] == 21
    links = [(lk.source, lk.target, lk.kind, lk.confidence) for lk in resolve_links(thread)]
    assert (22, 21, "reply", 1.0) in links
    actions = {p.floor: p.meta.get("action_code") for p in thread.posts if p.meta["post_type"] != "regular"}
    assert actions == {8: "pinned.enabled", 37: "closed.enabled", 38: "pinned.disabled"}


def test_quote_without_username_takes_the_header_name() -> None:
    # post 6 of Urho3D topic 5254 (archive file quick-reminder-for-the-newbies-subclassing-from-ui-
    # elements.5254.json): an aside without data-username, the name only in its title
    from threadscope.forums.discourse.cooked import read_cooked

    cooked = read_cooked(
        '<aside class="quote no-group" data-post="4" data-topic="5254">\n<div class="title">\n'
        '<div class="quote-controls"></div>\n<img alt width="20" height="20" src="https://sjc6.discourse-cdn.com/'
        'standard17/user_avatar/discourse.urho3d.io/weitjong/40/4_2.png" class="avatar"> weitjong:</div>\n'
        '<blockquote>\n<p>The <code>SetStyleAuto()</code> is just a shorthand for calling '
        '<code>SetStyle()</code> with the class name as parameter.</p>\n</blockquote>\n</aside>\n'
        '<p><em>That</em> seems to be the case.</p>')
    assert [(q.author, q.excerpt[:20]) for q in cooked.quotes] == [("weitjong", "The SetStyleAuto() i")]
    assert cooked.quoted == ((4, "5254"),) and cooked.text == "That seems to be the case."


# --- Reddit ---------------------------------------------------------------------------------

def test_reddit_thread_floors_parents_and_statuses() -> None:
    thread = load_thread(THREAD)
    assert thread.format == "reddit" and thread.forum == "reddit:r/self" and thread.tid == "1cebxh"
    assert thread.title is not None and thread.title.startswith("my wife passed away eight months ago")
    assert len(thread.posts) == 23 and thread.missing_floors == ()
    op = thread.post(1)
    assert op is not None and op.pid == "1cebxh" and op.author == "hglkgkjd" and op.is_op
    assert op.time == datetime(2013, 4, 15, 16, 44, 39, tzinfo=UTC)
    # depth-first as Reddit lists them: c9ftsjg, its reply c9fwx7a, that one's reply c9g6iq2, …
    assert [p.id for p in thread.posts[1:5]] == ["c9ftsjg", "c9fwx7a", "c9g6iq2", "c9h8wz5"]
    assert [p.parent for p in thread.posts[1:5]] == ["1cebxh", "c9ftsjg", "c9fwx7a", "c9g6iq2"]
    deleted, removed = thread.post(11), thread.post(17)
    assert deleted is not None and deleted.status == "deleted" and deleted.author is None
    assert removed is not None and removed.status == "banned" and removed.id == "c9fsi2e"
    kept_words = thread.post(5)  # author [deleted], words kept
    assert kept_words is not None and kept_words.status == "normal" and kept_words.meta["author_deleted"]
    gif = thread.post(16)
    assert gif is not None and gif.images == ("http://i.imgur.com/nRGuj.gif",)
    assert gif.text == "we are the nicest sub around"
    links = resolve_links(thread)
    assert _unresolved(thread) == [] and check_links(thread, links) == ()
    assert {(lk.kind, lk.confidence) for lk in links} == {("reply", 1.0)}


def test_reddit_more_stubs_are_reported_with_counts_and_ids() -> None:
    thread = load_thread(THREAD)
    more = [w for w in thread.warnings if w.code == "more_comments"]
    assert len(more) == 21
    last = [w for w in more if "739 more comment(s) under the submission" in w.message]
    assert len(last) == 1 and "ids c9gzz0k, c9hbcau" in last[0].message and last[0].floor == 1
    assert any("continue-this-thread" in w.message and w.floor == 16 for w in more)
    counted = [w for w in thread.warnings if w.code == "missing_comments"]
    assert len(counted) == 1 and "counts 1655 comments; this file holds 22" in counted[0].message


def test_reddit_permalink_view_is_partial_and_says_so() -> None:
    thread = load_thread(PERMALINK)
    assert len(thread.posts) == 11
    assert [w.code for w in thread.warnings].count("partial_view") == 1
    assert "c9forp9 are not in the file" in next(str(w) for w in thread.warnings if w.code == "partial_view")
    unresolved = _unresolved(thread)
    assert [(lk.source, lk.evidence) for lk in unresolved] == [(2, "parent c9forp9")]


def test_reddit_markdown_quotes_and_links_on_real_bodies() -> None:
    # c9h4qf2 and c9fsnvf of the same thread (graw thread.json), bodies as Reddit escapes them
    quoted = read_markdown("&gt;because &lt;3\n\nWell said. Manly tears falling.\n\nEdit: Well, not so much "
                           "'falling' as slowly sliding down a stoic cheek.")
    assert [q.excerpt for q in quoted.quotes] == ["because <3"] and quoted.quotes[0].pid is None
    assert quoted.text.startswith("Well said. Manly tears falling.")
    linked = read_markdown("Your comment reminded me of [this scene from Good Will Hunting]"
                           "(http://www.youtube.com/watch?v=6WAylnO5gtA). ")
    assert linked.text == "Your comment reminded me of this scene from Good Will Hunting."
    assert linked.links == ("http://www.youtube.com/watch?v=6WAylnO5gtA",)


# --- Through the library and the CLI --------------------------------------------------------

@pytest.mark.parametrize("paths", [[TOPIC_PAGE_1, TOPIC_PAGE_41], [DRAMA], [TAGGING], DECAY, [THREAD],
                                   [PERMALINK]],
                         ids=["discourse", "discourse-5371", "discourse-5265", "discourse-6482-pages",
                              "reddit", "reddit-permalink"])
def test_analysis_and_report(paths: list[Path]) -> None:
    analysis = analyze(paths, snownlp=False, keywords=False)
    thread = analysis.thread
    assert len(analysis.posts) == len(thread.posts)
    html = render_report(analysis)
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize("paths", [[DRAMA], [TAGGING], DECAY], ids=["5371", "5265", "6482-pages"])
def test_cli_analyze_writes_a_report_for_each_urho3d_topic(paths: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["analyze", *map(str, paths), "--no-snownlp", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.lower().startswith("<!doctype html>") and "discourse.urho3d.io" in html


def test_adapters_command_lists_both() -> None:
    result = CliRunner().invoke(cli, ["adapters"])
    assert result.exit_code == 0
    assert "discourse" in result.output and "reddit" in result.output
    names = [adapter.name for adapter in adapters()]
    assert names.index("discourse") < names.index("text") and names.index("reddit") < names.index("text")


def test_wrong_format_and_wrong_shape_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FormatMismatchError, match="does not look like --format reddit"):
        load_thread(TOPIC_PAGE_1, format="reddit")
    odd = tmp_path / "listing.json"
    odd.write_text('[{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {}}]}}, "t3"]',
                   encoding="utf-8")
    with pytest.raises(NotAThreadError, match=r"listing\.json"):
        load_thread(odd)
