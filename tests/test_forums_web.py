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

@pytest.mark.parametrize("paths", [[TOPIC_PAGE_1, TOPIC_PAGE_41], [THREAD], [PERMALINK]],
                         ids=["discourse", "reddit", "reddit-permalink"])
def test_analysis_and_report(paths: list[Path]) -> None:
    analysis = analyze(paths, snownlp=False, keywords=False)
    thread = analysis.thread
    assert len(analysis.posts) == len(thread.posts)
    html = render_report(analysis)
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype html>")


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
