"""Other forums plug in through the adapter protocol: a registered adapter is sniffed, parsed
and analysed like a built-in one; entry-point plugins load once, and a broken one is skipped."""

from __future__ import annotations

import json
import logging
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadscope import Page, Post, analyze, load_thread, register
from threadscope.adapters import Document, adapters, base, unregister
from threadscope.cli import cli

from .conftest import SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"


class JsonLinesAdapter:
    """Reads back what ``threadscope parse -o`` writes: one post per line."""

    name = "jsonl"
    description = "threadscope parse output (JSON Lines)"

    def sniff(self, doc: Document) -> bool:
        first = doc.text.lstrip().split("\n", 1)[0]
        try:
            record = json.loads(first)
        except ValueError:
            return False
        return isinstance(record, dict) and {"floor", "author", "text"} <= set(record)

    def parse(self, doc: Document) -> Page:
        posts = tuple(Post.from_dict(json.loads(line)) for line in doc.text.splitlines() if line.strip())
        return Page(source=doc.path, posts=posts, forum="stage1st")


class Broken:
    def __init__(self) -> None:
        raise RuntimeError("plugin bug")


@pytest.fixture()
def jsonl_seed(tmp_path: Path) -> Path:
    out = tmp_path / "seed.jsonl"
    result = CliRunner().invoke(cli, ["parse", str(SEED), "-o", str(out), "--with-html"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def jsonl_adapter() -> object:
    adapter = register(JsonLinesAdapter())
    yield adapter
    unregister(adapter.name)


def test_registered_adapter_round_trips_the_parse_output(jsonl_seed: Path, jsonl_adapter: object) -> None:
    assert adapters()[-1] is jsonl_adapter
    original, again = load_thread(SEED), load_thread(jsonl_seed)
    assert again.format == "jsonl"
    assert again.posts == original.posts
    analysis = analyze(jsonl_seed, snownlp=False)
    assert len(analysis.posts) == 41 and analysis.post_graph.number_of_edges() > 30


def test_unregistered_format_is_not_a_thread(jsonl_seed: Path) -> None:
    with pytest.raises(Exception, match="no posts found: not a forum thread"):
        load_thread(jsonl_seed)


def test_entry_point_plugins_load_once_and_broken_ones_are_skipped(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    group = "threadscope.adapters"
    plugins = [EntryPoint("jsonl", f"{__name__}:JsonLinesAdapter", group),
               EntryPoint("broken", f"{__name__}:Broken", group),
               EntryPoint("missing", "no_such_module_here:Adapter", group)]
    monkeypatch.setattr(base, "entry_points", lambda group: plugins)
    monkeypatch.setattr(base, "_ENTRY_POINTS_LOADED", False)
    try:
        with caplog.at_level(logging.WARNING, logger="threadscope.adapters.base"):
            names = [adapter.name for adapter in adapters()]
        assert names[-1] == "jsonl" and "broken" not in names
        assert "adapter plugin broken" in caplog.text and "plugin bug" in caplog.text
        assert "adapter plugin missing" in caplog.text
    finally:
        unregister("jsonl")
