"""`threadscope export`: the tables round-trip, and the ConvoKit corpus follows ConvoKit's format
(read by ConvoKit's own reader when convokit is installed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import threadscope
from threadscope.analysis import Analysis
from threadscope.cli import cli
from threadscope.errors import ThreadscopeError
from threadscope.exports import CONVOKIT_FILES, TABLES, read_table, write_export

from .conftest import FIXTURES, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"
#: the same thread as saved desktop pages: real pids, a title, times to the minute
PAGES = [SAMPLES / "s1-2267042-page-1.html", SAMPLES / "s1-2267042-page-2.html"]
#: a second real thread (the text archive format, from ../shared)
OTHER = FIXTURES / "s1-text" / "2180859-01[感觉老玩家的有些观点还是听听就行，不必太放在心上].md"


def _analyze(paths: Any) -> Analysis:
    return threadscope.analyze(paths, snownlp=False, keywords=False, workers=1, cache=False)


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return _analyze(SEED)


@pytest.fixture(scope="module")
def pages() -> Analysis:
    return _analyze(PAGES)


@pytest.fixture(scope="module")
def other(fixtures: Path) -> Analysis:
    return _analyze(OTHER)


# --- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["parquet", "csv", "jsonl"])
def test_tables_round_trip(seed: Analysis, pages: Analysis, tmp_path: Path, to: str) -> None:
    for analysis in (seed, pages):
        folder = tmp_path / analysis.thread.format
        write_export(analysis, folder, to)
        for name in TABLES:
            original = getattr(analysis, name)
            back = read_table(folder, name)
            # values and dtypes: lists stay lists, tuples tuples, times keep their zone, Int64 stays
            pd.testing.assert_frame_equal(back, original.reset_index(drop=True), check_exact=True)


@pytest.mark.parametrize("to", ["parquet", "csv", "jsonl"])
def test_tables_read_by_plain_pandas(pages: Analysis, tmp_path: Path, to: str) -> None:
    """Without threadscope: the columns, the lists and the times are there as written."""
    write_export(pages, tmp_path, to)
    path = tmp_path / f"posts.{to}"
    raw = (pd.read_parquet(path) if to == "parquet" else pd.read_csv(path) if to == "csv"
           else pd.read_json(path, lines=True, dtype=False))
    assert list(raw.columns) == list(pages.posts.columns)
    floor10 = raw[raw["floor"] == 10].iloc[0]
    quoted = floor10["quoted_authors"]
    assert list(json.loads(quoted) if to == "csv" else quoted) == ["黑哥啥时改密码"]
    first = raw[raw["floor"] == 1].iloc[0]["time"]
    assert (first.isoformat() if to == "parquet" else first) == "2025-11-12T15:41:00+08:00"


def test_tables_of_several_threads_concatenate(pages: Analysis, other: Analysis, tmp_path: Path) -> None:
    write_export([pages, other], tmp_path, "csv")
    posts = read_table(tmp_path, "posts")
    assert posts.groupby("thread").size().to_dict() == {
        pages.thread.key: len(pages.posts), other.thread.key: len(other.posts)}
    pd.testing.assert_frame_equal(posts[posts["thread"] == other.thread.key].reset_index(drop=True),
                                  other.posts.reset_index(drop=True))


def test_parquet_without_pyarrow_is_one_clear_error(seed: Analysis, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    with pytest.raises(ThreadscopeError, match=r"threadscope\[parquet\]"):
        write_export(seed, tmp_path, "parquet")
    assert not list(tmp_path.iterdir())


# --- ConvoKit ---------------------------------------------------------------------------------


def _corpus(folder: Path) -> dict[str, Any]:
    return {
        "utterances": [json.loads(line)
                       for line in (folder / "utterances.jsonl").read_text("utf-8").splitlines()],
        **{name: json.loads((folder / f"{name}.json").read_text("utf-8"))
           for name in ("speakers", "conversations", "corpus", "index")},
    }


def test_convokit_follows_the_documented_format(pages: Analysis, tmp_path: Path) -> None:
    """https://convokit.cornell.edu/documentation/data_format.html and convokit 5.0's
    corpus_helpers/ConvoKitIndex: six mandatory utterance fields plus meta; speakers and
    conversations keyed by id with meta; index.json's four indexes, version and vectors."""
    write_export(pages, tmp_path, "convokit")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CONVOKIT_FILES)
    corpus = _corpus(tmp_path)
    utterances = corpus["utterances"]
    assert len(utterances) == len(pages.thread.posts)  # every post, deleted ones included
    for u in utterances:
        assert {"id", "speaker", "conversation_id", "reply_to", "timestamp", "text", "meta"} <= set(u)
        assert u["speaker"] in corpus["speakers"]
        assert u["conversation_id"] in corpus["conversations"]
    ids = {u["meta"]["floor"]: u["id"] for u in utterances}
    root = ids[1]
    assert {u["conversation_id"] for u in utterances} == {root}
    assert [u["id"] for u in utterances if u["reply_to"] is None] == [root]
    posts = pages.posts.set_index("floor")
    for u in utterances:
        target = posts.loc[u["meta"]["floor"], "target"]
        if u["id"] != root:  # our resolved target, else the thread's first post
            assert u["reply_to"] == (ids[int(target)] if pd.notna(target) else root)
        assert u["meta"]["sentiment"] == posts.loc[u["meta"]["floor"], "sentiment"]
    floor10 = next(u for u in utterances if u["meta"]["floor"] == 10)
    assert floor10["reply_to"] == ids[7] and floor10["meta"]["link_kind"] == "quote"
    assert floor10["meta"]["quoted_authors"] == ["黑哥啥时改密码"]
    assert floor10["timestamp"] == int(pages.thread.post(10).time.timestamp())  # type: ignore[union-attr]
    index = corpus["index"]
    assert set(index) == {"utterances-index", "speakers-index", "conversations-index", "overall-index",
                          "version", "vectors"}
    assert index["utterances-index"]["floor"] == ["<class 'int'>"]
    assert index["utterances-index"]["sentiment_score"] == ["<class 'float'>"]
    assert set(index["utterances-index"]) == set(floor10["meta"])
    conversation = corpus["conversations"][root]["meta"]
    assert conversation["title"] == pages.thread.title and conversation["n_posts"] == len(pages.thread.posts)
    speaker = corpus["speakers"][floor10["speaker"]]["meta"]
    posts_by_speaker = int((pages.posts["author"] == speaker["name"]).sum())
    assert speaker["threads"][pages.thread.key]["posts"] == posts_by_speaker


def test_convokit_refuses_a_thread_given_twice(seed: Analysis, tmp_path: Path) -> None:
    with pytest.raises(ThreadscopeError, match="twice"):
        write_export([seed, seed], tmp_path, "convokit")


def test_convokit_reads_the_export(pages: Analysis, other: Analysis, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """ConvoKit's own reader: every utterance, one conversation per thread, each a valid tree."""
    monkeypatch.setenv("HOME", str(tmp_path))  # convokit writes ~/.convokit/config.yml on first use
    convokit = pytest.importorskip("convokit")
    write_export([pages, other], tmp_path / "corpus", "convokit")
    corpus = convokit.Corpus(filename=str(tmp_path / "corpus"))
    assert len(list(corpus.iter_utterances())) == len(pages.posts) + len(other.posts)
    conversations = list(corpus.iter_conversations())
    assert len(conversations) == 2
    assert all(c.check_integrity(verbose=False) for c in conversations)
    utterance = corpus.get_utterance(f"stage1st:{pages.thread.key}:{pages.thread.post(10).id}")  # type: ignore[union-attr]
    assert utterance.reply_to == f"stage1st:{pages.thread.key}:{pages.thread.post(7).id}"  # type: ignore[union-attr]
    assert utterance.meta["link_kind"] == "quote"
    frame = corpus.get_utterances_dataframe()
    stances = pages.posts["stance"].notna().sum() + other.posts["stance"].notna().sum()
    assert frame["meta.stance"].notna().sum() == stances


# --- the command ------------------------------------------------------------------------------


def test_cli_export_groups_files_by_thread(tmp_path: Path, fixtures: Path) -> None:
    result = CliRunner().invoke(cli, ["export", *map(str, PAGES), str(OTHER), "--to", "jsonl",
                                      "-o", str(tmp_path), "--no-snownlp"])
    assert result.exit_code == 0, result.output
    posts = read_table(tmp_path, "posts")
    assert posts["thread"].nunique() == 2 and "Wrote jsonl" in result.output


def test_cli_export_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "empty.html"
    bad.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(bad), "--to", "csv", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and str(bad) in result.output


def test_api_names_survive_submodule_imports() -> None:
    """``threadscope.load`` is the function even after ``threadscope.load`` the module (and
    ``threadscope.export``, the graph writer) are imported elsewhere."""
    import importlib

    importlib.import_module("threadscope.load")
    importlib.import_module("threadscope.export")
    assert callable(threadscope.load) and threadscope.load(SEED).tid == "2267042"
    assert callable(threadscope.export_threads) and callable(threadscope.render_report)
    assert {"load", "analyze", "render_report", "export_threads"} <= set(threadscope.__all__)
