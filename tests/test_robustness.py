"""Hostile and damaged input never escapes as anything but a ThreadscopeError.

Every sample is cut at arbitrary points and has bytes flipped; loading must give a Thread or a
ThreadscopeError (which the CLI prints as one line), never another exception.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadscope import load_thread
from threadscope.errors import ThreadscopeError

from .conftest import SAMPLES

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".md", ".html", ".json"}
                      and p.name != "README.md")


def _load_or_refuse(path: Path) -> None:
    try:
        thread = load_thread(path)
    except ThreadscopeError as exc:
        assert str(exc).startswith(f"{path}: ")
        assert "\n" not in str(exc)
        return
    floors = [post.floor for post in thread.posts]
    assert floors == sorted(set(floors)) and floors


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(min_value=0.0, max_value=1.0), flips=st.lists(st.integers(min_value=0), max_size=8))
def test_cut_and_damaged_samples(sample: Path, cut: float, flips: list[int], tmp_path: Path) -> None:
    data = bytearray(sample.read_bytes()[: int(len(sample.read_bytes()) * cut)])
    for position in flips:
        if data:
            data[position % len(data)] ^= 0x5A
    damaged = tmp_path / sample.name
    damaged.write_bytes(bytes(data))
    _load_or_refuse(damaged)


#: Fragments of every format's markers, so that random text reaches the adapters' deeper paths.
MARKERS = [
    "*****", "####  名字  ", "##### 3#  楼主|  发表于 2025-11-12 15:50", "<blockquote>", "</blockquote>",
    '<div id="post_1"><table id="pid1" class="plhin">', '<td class="t_f" id="postmessage_1">',
    '{"Variables": {"thread": {"tid": "1"}, "postlist": [{"pid": "1", "number": "1"',
    "<rss><channel><item><title>t #2</title>", '<div class="plc cl" id="pid9">', "发表于 ",
    '<div class="message">', "\n", "提示: 作者被禁止或删除 内容自动屏蔽", "本帖最后由 a 于 2024-1-1 1:1 编辑",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(st.sampled_from(MARKERS), st.text(max_size=30)), max_size=40),
       suffix=st.sampled_from([".md", ".html", ".json", ".xml"]))
def test_random_marker_soup(parts: list[str], suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"soup{suffix}"
    path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
    _load_or_refuse(path)


#: Pieces of real archive bodies: quotes (with the converter's httphttps:// link), smileys, tails,
#: a rating block, an edit notice, attachment noise and hostile markup.
BODY_BITS = [
    "<blockquote>", "</blockquote>", '<a href="httphttps://x/forum.php?mod=redirect&goto=findpost&pid=5">',
    "</a>", "a 发表于 2025-1-1 10:00", " ...", '<img src="https://static.stage1st.com/image/smiley/face2017/067.png">',
    "—— 来自 ", "[鹅球](https://x) v3", "<strong>", "| x| + 1|好|", "下载附件", "\n", '<div class="quote">',
    "﹍﹍﹍\n\n评分\n\n 参与人数 1战斗力 +1\n\n|昵称|战斗力|理由|\n|----|---|---|\n",
    " 本帖最后由 b 于 2025-1-1 10:00 编辑 ", "</div>", "<script>alert(1)</script>", "&amp;", "<", ">", "&",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(st.lists(st.one_of(st.sampled_from(BODY_BITS), st.text(max_size=12)), max_size=25),
                       min_size=1, max_size=6))
def test_text_archive_with_random_bodies(bodies: list[list[str]], tmp_path: Path) -> None:
    blocks = [f"\n*****\n\n####  user{n}  \n##### {n}#       发表于 2025-11-12 15:{n:02d}\n\n"
              f"{''.join(body)}\n" for n, body in enumerate(bodies, start=1)]
    path = tmp_path / "thread.md"
    path.write_text("".join(blocks), encoding="utf-8", errors="surrogatepass")
    try:
        thread = load_thread(path)
    except ThreadscopeError:
        return
    accounted = {post.floor for post in thread.posts} | set(thread.missing_floors)
    assert accounted >= set(range(1, len(bodies) + 1))
