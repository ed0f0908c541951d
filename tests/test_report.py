"""The HTML report: structure, real values, escaping of hostile text, offline-ness, anonymization,
keywords. The browser half is tests/test_browser.py."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import escape as html_escape
from pathlib import Path

import pandas as pd
import pytest

from threadscope import measures
from threadscope.analysis import analyze_thread
from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.frames import model_frame
from threadscope.keywords import extract_keywords
from threadscope.load import load_thread
from threadscope.model import Edit, ParseWarning, Post, Quote, Rating, Thread
from threadscope.report import Pseudonyms, anonymize_thread, render_report, write_report
from threadscope.report.page import json_for_html, plotly_js

from .report_helpers import (
    BIG_FOLDER,
    HOSTILE_AUTHOR,
    HOSTILE_TEXTS,
    SEED,
    full_report,
    hostile_thread,
    markup_outside_scripts,
    report_data,
    report_for,
    scripts,
    strings_in,
    table_rows,
)

#: Figures the seed thread (41 floors, with links and scores) must have. It has no 对线 debate.
SEED_FIGURES = {
    "posts-over-time", "posts-by-hour", "top-posters", "sentiment-by-floor", "sentiment-over-time",
    "sentiment-distribution", "sentiment-by-participant", "stance-over-thread", "disputed-posts",
    "user-network", "reply-trees", "keywords", "keyword-shift",
}
#: src/href attributes, and CSS url()/@import, that would load something from a network.
REMOTE_LOAD = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data|action)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def seed() -> tuple[object, str]:
    return full_report(SEED)


@pytest.fixture(scope="module")
def hostile() -> str:
    return report_for(hostile_thread())


def test_seed_report_structure(seed: tuple[object, str]) -> None:
    _, html = seed
    assert html.startswith("<!DOCTYPE html>")
    data = report_data(html)
    assert set(data["figures"]) == SEED_FIGURES
    for key in SEED_FIGURES:
        # Each figure has its container and a one-line caption in a card.
        card = re.search(rf'<div class="card[^"]*" id="card-{key}"><h3>([^<]+)</h3>'
                         rf'<p class="caption">([^<]+)</p><div class="plot" id="fig-{key}"', html)
        assert card, key
        assert len(card.group(2)) > 40 and "\n" not in card.group(2)
        assert data["figures"][key]["data"], key
    for section in ("overview", "activity", "sentiment", "stance", "conversation", "keywords", "participants",
                    "posts"):
        assert f'<section class="block" id="{section}">' in html


def test_seed_report_values(seed: tuple[object, str]) -> None:
    _, html = seed
    data = report_data(html)
    posts = table_rows(data, "posts")
    assert [p["floor"] for p in posts] == list(range(1, 42))
    assert posts[0]["author"] == "哈利谢顿" and posts[0]["is_op"] is True
    assert posts[2]["author"] == "酱狐狸" and "美国的未来≠全人类的未来" in posts[2]["text"]
    assert posts[0]["time"] == "2025-11-12 15:41"
    # Floor 15 (logiccat) is the most quoted post of the seed: three floors answer it.
    assert posts[14]["author"] == "logiccat" and len(posts[14]["answered_by"]) == 3
    assert {p["sentiment"] for p in posts} <= {"neg", "neu", "pos", None}
    assert any(p["stance"] == "disagree" for p in posts)
    people = {row["author"]: row for row in table_rows(data, "participants")}
    assert len(people) == 34
    assert people["哈利谢顿"]["posts"] == 4 and people["哈利谢顿"]["is_op"] is True
    assert people["logiccat"]["replies_received"] == 3
    assert "community" in people["logiccat"]
    assert '<a href="#floor-15">#15</a> logiccat (3 replies)' in html
    assert "41 floors" in html and "tid 2267042" in html


def test_plotly_is_inlined_once_and_nothing_loads_remotely(seed: tuple[object, str]) -> None:
    _, html = seed
    bundle = plotly_js()
    assert html.count(bundle) == 1
    assert len(scripts(html)) == 3  # data, plotly.js, report.js
    markup = markup_outside_scripts(html)
    assert REMOTE_LOAD.findall(markup) == []
    assert "<link" not in markup.lower()
    assert "default-src 'none'" in html and "connect-src 'none'" in html


def test_hostile_text_stays_text(hostile: str) -> None:
    markup = markup_outside_scripts(hostile)
    # Only our three script elements; no element built from thread text.
    assert len(scripts(hostile)) == 3
    for tag in ("<img", "<svg", "<iframe", "<a href=\"javascript", "<b onmouseover", "<link", "<i>"):
        assert tag not in markup.lower(), tag
    assert "&lt;/title&gt;&lt;script&gt;" in markup  # the title, escaped in <title> and <h1>
    assert REMOTE_LOAD.findall(markup) == []
    data_body = next(body for attrs, body in scripts(hostile) if 'id="ts-data"' in attrs)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in data_body, repr(raw)
    # The JSON still carries the exact text: readers see what was written.
    data = report_data(hostile)
    texts = [row["text"] for row in table_rows(data, "posts")]
    assert texts[1:] == list(HOSTILE_TEXTS)
    assert HOSTILE_AUTHOR in [row["author"] for row in table_rows(data, "participants")]


def test_hostile_text_is_escaped_inside_figures(hostile: str) -> None:
    data = report_data(hostile)
    # customdata is never drawn: it carries raw names for the click handler (["user", NAME]).
    labels = strings_in(data["figures"], skip=frozenset({"customdata"}))
    assert any("&lt;b onmouseover" in s for s in labels)  # the name is there, escaped
    for s in labels:
        for tag in ("<script", "<img", "<svg", "<iframe", "<a ", "<b on", "<i>"):
            assert tag not in s.lower(), (tag, s)


def test_json_for_html_escapes_what_html_parsers_see() -> None:
    text = json_for_html({"t": "</script><!-- & \u2028\u2029 >"})
    assert text == '{"t":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}'
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029 >"}


def test_report_without_scores_says_what_is_missing() -> None:
    html = render_report(analyze_thread(load_thread(SEED), scorers=[]))
    data = report_data(html)
    assert set(data["figures"]) == {"posts-over-time", "posts-by-hour", "top-posters", "keywords",
                                    "keyword-shift", "user-network", "reply-trees"}
    assert "No sentiment scorer was run" in html and "No stance scorer was run" in html
    assert len(table_rows(data, "posts")) == 41


def test_overview_reply_trees_and_network_agree_with_the_measures() -> None:
    """The report draws the analysis's numbers: nothing it shows is counted a second way."""
    analysis = analyze_thread(load_thread(SEED), snownlp=False, keywords=False)
    html = render_report(analysis)
    data = report_data(html)
    # Overview: the audience measure's shares, the most-answered measure's reply counts.
    share = analysis.measures["audience"].set_index("audience")["share"]
    assert html_escape(f"of all links {share['thread']:.0%} answer the thread, {share['op']:.0%} the "
                       f"starter's posts, {share['each_other']:.0%} each other") in html
    assert "69% answer the thread, 5% the starter" in html
    most = analysis.measures["most_answered"].set_index("floor")
    assert f'<a href="#floor-15">#15</a> logiccat ({most.at[15, "replies"]} replies)' in html
    # Reply trees: each post drawn under its reply_parent (measures.reply_parents), roots as measured.
    parents = measures.reply_parents(analysis.post_graph)
    trees = data["figures"]["reply-trees"]["data"]
    roots = [int(t["customdata"][0]) for t in trees if t.get("mode") == "markers"]
    assert roots == analysis.measures["reply_trees"]["root_floor"].head(len(roots)).tolist()
    for lines in (t for t in trees if t.get("mode") == "lines"):
        xs = lines["x"]
        for parent, child in zip(xs[0::3], xs[1::3], strict=True):
            assert parents[child] == parent
    # Network: one hover per pair, with the user_pairs measure's counts.
    pairs = analysis.measures["user_pairs"]
    hovers = [h for t in data["figures"]["user-network"]["data"] for h in (t.get("hovertext") or [])
              if "⇄" in h]
    assert len(hovers) == len(pairs)
    for a, b, n in pairs[["user_a", "user_b", "replies"]].itertuples(index=False):
        assert any(h.startswith(f"{a} ⇄ {b}: {n} repl(ies)") for h in hovers)


def test_a_custom_scorer_shows_in_the_posts_table() -> None:
    class Length:
        name, version, columns = "length", "0", ("n_words",)

        def score(self, context: object) -> dict[str, list[int]]:
            return {"n_words": [len(post.text.split()) for post in context.posts]}  # type: ignore[attr-defined]

    analysis = analyze_thread(load_thread(SEED), scorers=["sentiment", "stance", Length()], keywords=False)
    data = report_data(render_report(analysis))
    assert "n_words" in [c["key"] for c in data["posts"]["columns"]]
    rows = table_rows(data, "posts")
    assert rows[2]["n_words"] == len(load_thread(SEED).post(3).text.split())
    assert analysis.scorers == "custom (s1-sentiment-lr/2+s1-stance-lr/2+length/0)"


def test_write_report(tmp_path: Path) -> None:
    analysis = analyze_thread(load_thread(SEED), snownlp=False, keywords=False)
    target = write_report(analysis, tmp_path / "sub" / "seed.html", title="自定义 <标题>")
    html = target.read_text(encoding="utf-8")
    assert "<h1>自定义 &lt;标题&gt;</h1>" in html


def test_anonymize_replaces_every_name(seed: tuple[object, str]) -> None:
    thread, _ = seed
    html = report_for(thread, anonymize=True)
    names = {p.author for p in thread.posts if p.author} | {q.author for p in thread.posts for q in p.quotes
                                                             if q.author}
    visible = markup_outside_scripts(html) + "".join(b for a, b in scripts(html) if 'id="ts-data"' in a)
    decoded = json.dumps(report_data(html), ensure_ascii=False)
    for name in names:
        assert name not in visible and name not in decoded, name
    people = table_rows(report_data(html), "participants")
    assert len(people) == 34 and all(re.fullmatch(r"U\d{3}", row["author"]) for row in people)
    assert "names replaced by pseudonyms" in html


def test_pseudonyms_are_stable_and_reach_quotes_and_text() -> None:
    thread = load_thread(SEED)
    first, second = Pseudonyms.for_thread(thread), Pseudonyms.for_thread(thread)
    assert first.mapping == second.mapping
    assert first.mapping["哈利谢顿"] == "U001"  # the starter, first to appear
    anonymous = anonymize_thread(thread)
    quoted = [q for p in anonymous.posts for q in p.quotes]
    assert quoted and all(q.author in first.mapping.values() for q in quoted if q.author)
    assert all(p.uid is None and p.html == "" for p in anonymous.posts)
    # Floor 10 quotes 黑哥啥时改密码 (floor 7's author); no seed text names anyone, so text
    # replacement is checked on a built thread below.
    assert thread.post(10).quotes[0].author == "黑哥啥时改密码"
    assert anonymous.post(10).quotes[0].author == first.mapping["黑哥啥时改密码"]
    assert anonymous.starter == "U001"


def test_anonymize_thread_replaces_names_in_every_text_field() -> None:
    """Names written in text, excerpts, rating reasons, the edit note, title, meta and warnings."""
    start = datetime(2024, 5, 1, 20, 0, tzinfo=DISCUZ_TZ)
    opening = Post(floor=1, author="楼主甲", uid="11", time=start, is_op=True, text="大家好",
                   html="<a>楼主甲</a>", meta={"subject": "问问乙某某", "nested": ["@丙"]})
    answer = Post(
        floor=2, author="乙某某", uid="12", time=start, text="回复 楼主甲：同意，@丙 怎么看",
        quotes=(Quote(author="楼主甲", time=start, pid=None, excerpt="楼主甲说大家好"),),
        edit=Edit(by="丙", at=start), ratings=(Rating(user="丙", score=1, reason="乙某某说得对"),),
    )
    thread = Thread(forum="s1", tid="1", title="楼主甲和乙某某", sources=("x.md",), posts=(opening, answer),
                    starter="楼主甲", starter_uid="11",
                    warnings=(ParseWarning(code="w", message="乙某某 的楼层缺失"),))
    anonymous = anonymize_thread(thread)
    assert [p.author for p in anonymous.posts] == ["U001", "U002"]
    assert anonymous.title == "U001和U002" and anonymous.starter == "U001" and anonymous.starter_uid is None
    first, second = anonymous.posts
    assert first.meta == {"subject": "问问U002", "nested": ["@U003"]} and first.html == ""
    assert second.text == "回复 U001：同意，@U003 怎么看"
    assert second.quotes[0].author == "U001" and second.quotes[0].excerpt == "U001说大家好"
    assert second.edit is not None and second.edit.by == "U003"
    assert (second.ratings[0].user, second.ratings[0].reason) == ("U003", "U002说得对")
    assert anonymous.warnings[0].message == "U002 的楼层缺失"
    for name in ("楼主甲", "乙某某"):
        assert name not in repr(anonymous), name


def test_pseudonym_frames_map_name_columns() -> None:
    names = Pseudonyms({"甲乙": "U001", "x": "U002"})
    frame = pd.DataFrame({"author": ["甲乙", "x"], "text": ["问甲乙和 x 和 @x", "-"], "uid": [1, 2]})
    mapped = names.frame(frame)
    assert mapped["author"].tolist() == ["U001", "U002"]
    # One-character names are replaced in text only after @.
    assert mapped["text"].tolist() == ["问U001和 x 和 @U002", "-"]
    assert "uid" not in mapped


def test_keywords_of_the_seed_thread() -> None:
    found = extract_keywords(model_frame(load_thread(SEED)))
    top = found.overall["term"].tolist()
    assert top[:2] == ["AGI", "AI"]
    # jieba words, checked against the text: 人类 in floors 1 3 8 30 31 37 (also inside 全人类 and
    # 造福人类), 老美 in 15 23 24 39 (jieba cuts it 老 / 美), AGI in 15 posts (floor 2's ＡＧＩ too).
    posts = dict(zip(found.overall["term"], found.overall["posts"], strict=True))
    assert posts["人类"] == 6 and posts["老美"] == 4 and posts["AGI"] == 15
    assert {"美国", "决战", "OpenAI", "造福人类"} <= set(top)
    # The character n-grams it replaced gave 造一 and 搞出 here.
    assert not {"造一", "搞出", "楼主", "感觉"} & set(top)
    assert len(found.segments) == 8 and found.segments["posts"].sum() == 41
    assert "AGI" in found.shift.index


def test_report_without_keywords_says_so() -> None:
    html = render_report(analyze_thread(load_thread(SEED), snownlp=False, keywords=False))
    data = report_data(html)
    assert {"user-network", "reply-trees"} <= set(data["figures"])
    assert "keywords" not in data["figures"] and "Keywords were not computed." in html
    posts = table_rows(data, "posts")
    assert next(p for p in posts if p["floor"] == 10)["target"] == 7


def test_big_thread_report(fixtures: Path) -> None:
    thread, html = full_report(fixtures / BIG_FOLDER)
    data = report_data(html)
    posts = table_rows(data, "posts")
    assert len(posts) == len(thread.posts) == 3011
    assert sum(p["status"] == "banned" for p in posts) == 195
    # Thousands of points are drawn with WebGL.
    kinds = {t["type"] for t in data["figures"]["sentiment-by-floor"]["data"]}
    assert kinds == {"scattergl"}
    assert "debates" in data["figures"]
    overall = extract_keywords(model_frame(thread)).overall
    top = overall["term"].tolist()[:5]
    # 太子 (Vivio) is in 602 of the 3,011 posts; 少侠 alone is dropped, it is nearly always 风少侠.
    assert top[0] == "太子" and overall["posts"].iloc[0] == 602
    assert {"奈叶", "菲特", "风少", "霸王"} <= set(top)
    assert "风少侠" in set(overall["term"]) and "少侠" not in set(overall["term"])
    assert len(html.encode("utf-8")) < 12_000_000


def test_disputed_posts_count_real_replies_not_answers_to_the_thread(seed: tuple[object, str]) -> None:
    """Seed replies that only answer the thread (kind op) would put floor 1 on top with 27 bars."""
    _, html = seed
    bars = report_data(html)["figures"]["disputed-posts"]["data"]
    floors = {int(label.split()[0].lstrip("#")) for trace in bars for label in trace["y"]}
    assert 1 not in floors
    assert 11 in floors  # floor 12 (the OP) rebuts 11's quoted claim


def test_answers_column_names_the_post_the_stance_is_toward(fixtures: Path) -> None:
    """One rule (links.primary_links) picks a post's target for the scores and for the table,
    also in a later part of a thread where floor 1 is not in the files."""
    from threadscope.links import primary_targets, resolve_links
    from threadscope.nlp.scorers import score_thread

    part = load_thread(next((fixtures / "s1-text").glob("1558768-02*.md")))
    analysis = analyze_thread(part, snownlp=False)
    rows = table_rows(report_data(render_report(analysis)), "posts")
    shown = {row["floor"]: row["target"] for row in rows}
    scores = score_thread(part, snownlp=False, targets=primary_targets(part, resolve_links(part)))
    scored = {int(f): (None if pd.isna(t) else int(t))
              for f, t in zip(scores["floor"], scores["target_floor"], strict=True)}
    assert shown == scored
    assert sum(target == 1 for target in shown.values()) > 40


def test_report_says_when_betweenness_is_estimated(monkeypatch: pytest.MonkeyPatch) -> None:
    thread = load_thread(SEED)
    assert "Betweenness is" not in report_for(thread)
    monkeypatch.setattr(measures, "EXACT_BETWEENNESS_MAX_USERS", 10)
    monkeypatch.setattr(measures, "BETWEENNESS_SAMPLES", 12)
    analysis = analyze_thread(thread, snownlp=False)
    assert analysis.users.attrs["betweenness"].startswith("approximate (k=12, seed=")
    html = render_report(analysis)
    participants = html[html.index('id="participants"'):html.index('id="participants-table"')]
    assert "Betweenness is approximate (k=12, seed=" in participants
    anonymized = render_report(analysis, anonymize=True)
    assert "Betweenness is approximate" in anonymized


def test_report_says_which_posts_were_scored_on_their_head_only() -> None:
    from dataclasses import replace

    from threadscope.nlp.scorers import MAX_SCORED_CHARS

    thread = load_thread(SEED)
    long_post = replace(thread.posts[6], text="长" * (MAX_SCORED_CHARS + 1))
    thread = replace(thread, posts=(*thread.posts[:6], long_post, *thread.posts[7:]))
    analysis = analyze_thread(thread, snownlp=False)
    assert analysis.posts.attrs["truncated_floors"] == (7,)
    for html in (render_report(analysis), render_report(analysis, anonymize=True)):
        section = html[html.index('id="posts"'):html.index('id="posts-table"')]
        assert "1 post(s) were scored on their first 20,000 characters (floor 7)" in section
    assert "were scored on their first" not in report_for(load_thread(SEED))


def test_sources_and_warnings_name_files_only_and_are_pseudonymized(tmp_path: Path) -> None:
    # a folder and a file named after users (哈利谢顿 starts the seed thread), one warning from it
    folder = tmp_path / "Unbiquitous的存档"
    folder.mkdir()
    path = folder / "哈利谢顿-2267042.md"
    text = SEED.read_text(encoding="utf-8")
    last = text[text.rindex("\n*****"):]
    path.write_text(text + last, encoding="utf-8")  # floor 41 twice: a duplicate_floors warning
    thread = load_thread(path)
    assert [w.code for w in thread.warnings] == ["duplicate_floors"]
    analysis = analyze_thread(thread, snownlp=False)
    plain = render_report(analysis)
    assert str(tmp_path) not in plain and "Unbiquitous的存档" not in plain  # no folders of the machine
    assert "<code>哈利谢顿-2267042.md</code>" in plain
    assert "<li>哈利谢顿-2267042.md: 1 repeated post block(s)" in plain
    anonymized = render_report(analysis, anonymize=True)
    assert str(tmp_path) not in anonymized
    assert "哈利谢顿" not in anonymized and "Unbiquitous" not in anonymized
    pseudonym = Pseudonyms.for_thread(thread).mapping["哈利谢顿"]
    assert f"<code>{pseudonym}-2267042.md</code>" in anonymized
    assert f"<li>{pseudonym}-2267042.md: 1 repeated post block(s)" in anonymized


def test_bidirectional_controls_are_dropped_from_everything_the_report_shows() -> None:
    from dataclasses import replace

    from threadscope.text import BIDI_CONTROLS

    thread = load_thread(SEED)
    starter = thread.starter
    hostile = "evil\u202egnp.exe\u2066x\u2069\u200f\u061c"  # shows as "evilexe.png…" unneutralized
    rename = {starter: hostile}
    posts = tuple(replace(p, author=rename.get(p.author, p.author),
                          text=p.text + ("\u202eNOT FLIPPED\u202c" if p.floor == 2 else ""))
                  for p in thread.posts)
    thread = replace(thread, posts=posts, starter=hostile, title="\u202e" + (thread.title or ""))
    html = report_for(thread)
    data = report_data(html)  # tables and figures
    for text in (markup_outside_scripts(html), *strings_in(data)):
        assert not [c for c in BIDI_CONTROLS if c in text], text[:80]
    authors = {row["author"] for row in table_rows(data, "participants")}
    assert "evilgnp.exex" in authors
    assert any("NOT FLIPPED" in (row["text"] or "") for row in table_rows(data, "posts"))
    assert "<li>evilgnp.exex (" in html  # most active, in the overview's facts
