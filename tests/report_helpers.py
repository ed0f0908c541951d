"""Shared by the report tests: the full pipeline on a thread, a hostile thread, and HTML helpers."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, DISCUZ_TZ
from threadscope.load import load_thread
from threadscope.model import Post, Quote, Thread
from threadscope.pipeline import analyze_thread, render_analysis

from .conftest import SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"
BIG_FOLDER = "s1-text/1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]"

#: Text that would run code if it reached the page as markup, one vector per post.
HOSTILE_TEXTS = (
    "<script>window.__pwned = 'script'; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\">",
    '<a href="javascript:window.__pwned=\'link\'">click me</a>',
    "</script><script>window.__pwned = 'json'; alert('json')</script>",
    "<svg onload=\"window.__pwned='svg'\"></svg> &lt;b&gt; & \u2028 line \u2029 para",
    '<iframe src="https://evil.example/"></iframe><link rel=stylesheet href="https://evil.example/x.css">',
)
HOSTILE_AUTHOR = '<b onmouseover="window.__pwned=\'name\'">evil</b>'


def full_report(paths: Path | str | list[Any], **options: Any) -> tuple[Thread, str]:
    """parse → graph → scores (without snownlp: slow to import) → report."""
    thread = load_thread(paths)
    return thread, report_for(thread, **options)


def report_for(thread: Thread, **options: Any) -> str:
    return render_analysis(analyze_thread(thread, snownlp=False), **options)


def hostile_thread() -> Thread:
    """A thread whose names, texts, quote and title are all attack strings (replies so the
    graph, network and trees draw them too)."""
    start = datetime(2024, 5, 1, 20, 0, tzinfo=DISCUZ_TZ)
    authors = ["楼主甲", HOSTILE_AUTHOR, "乙<script>x</script>", "丙"]
    opening = "正常的开头 <i>斜体?</i> 讨论一下"
    posts = [Post(floor=1, author=authors[0], time=start, is_op=True, text=opening)]
    for index, text in enumerate(HOSTILE_TEXTS, start=2):
        author = authors[1 + index % 3]
        previous = posts[-1]
        posts.append(Post(
            floor=index, author=author, time=start + timedelta(minutes=index), text=text,
            quotes=(Quote(author=previous.author, time=previous.time, pid=None, excerpt=previous.text[:20]),),
        ))
    # read as the text archive would give it, so the Discuz resolver links the quotes by header
    return Thread(forum="s1", tid="666", title="</title><script>window.__pwned='title'</script>",
                  sources=("hostile<script>.md",), posts=tuple(posts), starter=authors[0], format="text",
                  timezone=DISCUZ_TIMEZONE)


SCRIPT_BLOCK = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def scripts(html: str) -> list[tuple[str, str]]:
    """(attributes, body) of every <script> element."""
    return SCRIPT_BLOCK.findall(html)


def markup_outside_scripts(html: str) -> str:
    """The document with every script body removed: the markup a parser would build elements from."""
    return SCRIPT_BLOCK.sub("<script></script>", html)


def report_data(html: str) -> dict[str, Any]:
    """The embedded JSON blob, parsed."""
    for attributes, body in scripts(html):
        if 'id="ts-data"' in attributes:
            return json.loads(body)
    raise AssertionError("no ts-data script")


def table_rows(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    table = data[name]
    keys = [column["key"] for column in table["columns"]]
    return [dict(zip(keys, row, strict=True)) for row in table["rows"]]


def strings_in(value: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every string inside a JSON value (keys included), except under the keys in ``skip``."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in skip for s in (k, *strings_in(v, skip))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v, skip)]
    return []
