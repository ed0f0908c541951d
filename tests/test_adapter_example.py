"""docs/adapter-example.md: the phpBB example adapter, taken from the page as written, installed
through the ``threadscope.adapters`` entry point (a module and a dist-info folder, as pip leaves
them) and run through the CLI and the library."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadscope import load_thread
from threadscope.adapters import base
from threadscope.cli import cli
from threadscope.links import resolve_links

from .conftest import ROOT

DOC = ROOT / "docs" / "adapter-example.md"
#: The markup phpBB 3.3's prosilver ``viewtopic_body.html`` writes for each post, reduced to
#: three posts (constructed for this test, not a saved page).
TOPIC = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Kernel 6.8 - Example Board</title></head>
<body><h2 class="topic-title"><a href="./viewtopic.php?t=42">Kernel 6.8</a></h2>
<form><input type="hidden" name="start" value="0"></form>
<div id="p101" class="post has-profile bg2"><div class="inner"><div class="postbody">
<p class="author"><a class="username" href="./memberlist.php?u=2">alice</a> &raquo;
<time datetime="2024-03-11T09:15:00+00:00">Mon Mar 11, 2024 9:15 am</time></p>
<div class="content">Is 6.8 stable on ARM yet?<br>Asking before I upgrade.</div>
</div></div></div>
<div id="p102" class="post has-profile bg1"><div class="inner"><div class="postbody">
<p class="author"><a class="username-coloured" href="./memberlist.php?u=3">bob</a> &raquo;
<time datetime="2024-03-11T10:02:00+00:00">Mon Mar 11, 2024 10:02 am</time></p>
<div class="content"><blockquote><cite><a href="./viewtopic.php?p=101#p101" data-post-id="101">alice</a>
wrote:</cite>Is 6.8 stable on ARM yet?</blockquote>
Not for me: see <a href="https://example.org/bug">this bug</a>.
</div></div></div></div>
<div id="p103" class="post has-profile bg2"><div class="inner"><div class="postbody">
<p class="author"><a class="username" href="./memberlist.php?u=2">alice</a> &raquo;
<time datetime="2024-03-11T11:30:00+00:00">Mon Mar 11, 2024 11:30 am</time></p>
<div class="content">Thanks, I'll wait.</div></div></div></div>
</body></html>"""


@pytest.fixture()
def installed_phpbb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert code is not None
    assert len(code.group(1).splitlines()) < 60
    (tmp_path / "threadscope_phpbb.py").write_text(code.group(1), encoding="utf-8")
    info = tmp_path / "threadscope_phpbb-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: threadscope-phpbb\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[threadscope.adapters]\nphpbb = threadscope_phpbb:PhpbbAdapter\n",
                                           encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(base, "_ENTRY_POINTS_LOADED", False)
    yield "phpbb"
    base.unregister("phpbb")


def test_the_documented_phpbb_adapter_installs_and_reads_a_topic(installed_phpbb: str,
                                                                 tmp_path: Path) -> None:
    page = tmp_path / "viewtopic.html"
    page.write_text(TOPIC, encoding="utf-8")
    runner = CliRunner()
    listed = runner.invoke(cli, ["adapters"])
    assert listed.exit_code == 0 and "phpbb" in listed.output and "example plugin" in listed.output
    thread = load_thread(page)
    assert thread.format == "phpbb" and thread.title == "Kernel 6.8"
    assert [(p.floor, p.pid, p.author) for p in thread.posts] == [(1, "101", "alice"), (2, "102", "bob"),
                                                                 (3, "103", "alice")]
    reply = thread.post(2)
    assert reply is not None and reply.quotes[0].pid == "101" and reply.quotes[0].author == "alice"
    assert reply.text == "Not for me: see this bug." and reply.links == ("https://example.org/bug",)
    assert thread.post(1).text == "Is 6.8 stable on ARM yet?\nAsking before I upgrade."  # type: ignore[union-attr]
    links = resolve_links(thread)
    assert (2, 1, "quote") in [(link.source, link.target, link.kind) for link in links]
    report = tmp_path / "topic.html"
    result = runner.invoke(cli, ["analyze", str(page), "--no-snownlp", "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert report.stat().st_size > 0
