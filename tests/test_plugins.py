"""Other forums plug in through the adapter protocol: a registered adapter is sniffed, parsed
and analysed like a built-in one; entry-point plugins load once, and a broken one is skipped."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
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


WORD_COUNT_SCORER = '''
class WordCount:
    """Counts the words of each post: the smallest scorer there is."""

    name, version, columns = "word-count", "1", ("n_words",)

    def score(self, context):
        return {"n_words": [len(post.text.split()) for post in context.posts]}
'''


@pytest.fixture()
def installed_scorer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A scorer package installed the way pip leaves one: a module and a dist-info folder whose
    entry_points.txt declares it in the ``threadscope.scorers`` group."""
    from threadscope.nlp import scorers

    (tmp_path / "ts_word_count.py").write_text(WORD_COUNT_SCORER, encoding="utf-8")
    info = tmp_path / "ts_word_count-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ts-word-count\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[threadscope.scorers]\nwords = ts_word_count:WordCount\n",
                                           encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    scorers._plugin_scorers.cache_clear()
    yield "words"
    scorers._plugin_scorers.cache_clear()


def test_an_installed_scorer_shows_in_score_output_and_the_report(installed_scorer: str,
                                                                  tmp_path: Path) -> None:
    from .report_helpers import report_data, table_rows

    runner = CliRunner()
    listed = runner.invoke(cli, ["scorers"])
    assert listed.exit_code == 0 and "words" in listed.output and "word-count/1: n_words" in listed.output
    result = runner.invoke(cli, ["score", str(SEED), "--scorers", f"sentiment,stance,{installed_scorer}",
                                 "-o", "-"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    seed = load_thread(SEED)
    assert [row["n_words"] for row in rows[:3]] == [len(seed.post(f).text.split()) for f in (1, 2, 3)]
    assert rows[0]["scorers"] == "custom (s1-sentiment-lr/2+s1-stance-lr/2+word-count/1)"
    report = tmp_path / "seed.html"
    result = runner.invoke(cli, ["analyze", str(SEED), "--scorers", f"sentiment,stance,{installed_scorer}",
                                 "-o", str(report)])
    assert result.exit_code == 0, result.output
    data = report_data(report.read_text(encoding="utf-8"))
    assert table_rows(data, "posts")[2]["n_words"] == len(seed.post(3).text.split())


def test_an_unknown_scorer_is_one_line_naming_the_known_ones() -> None:
    result = CliRunner().invoke(cli, ["score", str(SEED), "--scorers", "sentiment,nope", "-o", "-"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: unknown scorer 'nope'; choose one of: sentiment,")
