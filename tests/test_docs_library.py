"""docs/library.md runs as written: its ```python blocks, in order, in one namespace, from a folder
that holds the project's samples/ (so that its exports land in a temporary folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT

DOC = ROOT / "docs" / "library.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_library_session_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks()
    assert len(blocks) >= 8, "the session covers load, analyze, tables, a measure, graphs, report, export"
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/library.md (python block {number})", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("stage1st 2267042 41 floors, started by 哈利谢顿\n"
                          "1 哈利谢顿 2025-11-12 15:41:00+08:00\n")
    assert "\nTrue\n" in out  # read_table gives the posts frame back
    html = namespace["html"]
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>")
    for name in ("utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json"):
        assert (tmp_path / "exports" / "agi-empire-convokit" / name).is_file()
    assert (tmp_path / "exports" / "agi-empire-jsonl" / "posts.jsonl").is_file()
    # the other forums: a Discourse topic in two pages and a Reddit thread, the same calls
    assert "discourse:discourse.urho3d.io 6482 35 posts, missing (5, 23, 28)\n" in out
    assert ("staff_posts - 2 post(s) are not ordinary replies: small actions: floor(s) 37 (closed.enabled), "
            "38 (pinned.disabled)\n") in out
    assert "\nen\n" in out and "35 posts, 31 links; 5 people\n" in out
    assert "reddit:r/self 1cebxh 23 posts; 21 more stubs\n" in out and "22 reply links\n" in out
    for name in ("discourse_html", "reddit_html"):
        page = namespace[name]
        assert isinstance(page, str) and page.startswith("<!DOCTYPE html>") and "对线" not in page
    every_post = namespace["every_post"]
    assert every_post.groupby("forum").size().to_dict() == {  # type: ignore[attr-defined]
        "discourse:discourse.urho3d.io": 35, "reddit:r/self": 23, "stage1st": 41}


def test_library_doc_walks_through_other_forums() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "## Other forums" in text and "### A Discourse topic" in text and "### A Reddit thread" in text
    assert "To come" not in text
