"""Corpus mode (issue 11) on a small real corpus (tests/data/corpus, 10 threads of the 2023 S1
archive in 3 boards): discovery of the archive layouts, complete tables (the same floors as
``load_thread``), skipping unchanged threads, resuming an interrupted run, failures recorded,
the Dask engine's tables equal to the local engine's, and the DuckDB query of docs/corpus.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("pyarrow")

from threadscope import corpus as corpus_module
from threadscope.cli import cli
from threadscope.corpus import MANIFEST, discover, read_table, run_corpus, write_corpus_report
from threadscope.load import load_thread

from .report_helpers import markup_outside_scripts, report_data, scripts

CORPUS = Path(__file__).parent / "data" / "corpus"
BOARDS = [CORPUS / "外野", CORPUS / "游戏区", CORPUS / "漫区"]
#: Row order of every table, for comparisons across runs and engines.
ORDER = {"threads": ["key"], "posts": ["board", "thread", "floor"],
         "links": ["board", "thread", "source_floor", "kind", "target_floor"],
         "thread_users": ["board", "thread", "author"], "users": ["forum", "author"]}


def _copy_corpus(tmp_path: Path) -> list[Path]:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return [tmp_path / "corpus" / board.name for board in BOARDS]


def _sorted(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    return frame.sort_values(ORDER[table]).reset_index(drop=True)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("corpus-out")
    return out, run_corpus(BOARDS, out, workers=0, snownlp=False)


def test_discovery_groups_parts_and_names_boards() -> None:
    sources = {s.key: s for s in discover(BOARDS)}
    assert sorted(sources) == [
        "外野/2058932", "外野/2137575", "外野/2151356", "外野/2152067", "外野/2160471",
        "游戏区/1983526", "游戏区/2120793", "游戏区/2128723", "漫区/1586260", "漫区/2151942"]
    assert len(sources["游戏区/1983526"].files) == 2  # a thread folder of two parts
    both = sources["漫区/2151942"]  # flat and under 0无法访问: one thread, marked unreachable
    assert len(both.files) == 2 and both.inaccessible
    assert sources["外野/2152067"].inaccessible and not sources["外野/2151356"].inaccessible
    # files given alone: the board is the folder above the thread and status folders
    alone = discover([*sources["漫区/2151942"].files, *sources["游戏区/1983526"].files])
    assert [(s.key, s.inaccessible, len(s.files)) for s in alone] == [
        ("游戏区/1983526", False, 2), ("漫区/2151942", True, 2)]
    # the archive root: boards are its folders, this README is not a thread of a board
    assert {s.board for s in discover([CORPUS])} == {"外野", "游戏区", "漫区", "corpus"}


def test_discovery_reads_the_older_part_naming(tmp_path: Path) -> None:
    # 2022 archive, 漫区/98922: parts named TID[TITLE]-NN.md beside TID-NN[TITLE].md
    folder = tmp_path / "漫区" / "1983526[战地2042专楼]"
    folder.mkdir(parents=True)
    parts = sorted((CORPUS / "游戏区").glob("1983526*/*.md"))
    shutil.copy(parts[0], folder / "1983526[战地2042专楼]-01.md")
    shutil.copy(parts[1], folder / "1983526-02[战地2042专楼].md")
    (source,) = discover([tmp_path / "漫区"])
    assert source.key == "漫区/1983526" and len(source.files) == 2
    assert len(load_thread(list(source.files)).posts) == len(load_thread(parts).posts)


def test_tables_hold_every_floor_that_parse_reads(corpus_run: tuple[Path, object]) -> None:
    out, summary = corpus_run
    assert summary.threads == summary.analyzed == 10 and summary.failed == 0  # type: ignore[attr-defined]
    threads, posts = read_table(out, "threads"), read_table(out, "posts")
    assert len(threads) == 10 and read_table(out, "failures").empty
    for source in discover(BOARDS):
        thread = load_thread(list(source.files))
        row = threads[threads["key"] == source.key].iloc[0]
        assert row["floors"] == len(thread.posts), source.key
        assert row["missing_floors"] == len(thread.missing_floors)
        assert row["warnings"] == len(thread.warnings)
        mine = posts[(posts["board"] == source.board) & (posts["thread"] == thread.key)]
        assert sorted(mine["floor"]) == [post.floor for post in thread.posts], source.key
    assert len(posts) == summary.posts == threads["floors"].sum()  # type: ignore[attr-defined]
    assert not posts.duplicated(["board", "thread", "floor"]).any()
    # real values: the two-part 游戏区 thread, the lone part 02 of 外野/2058932
    two_parts = threads.set_index("key").loc["游戏区/1983526"]
    assert two_parts["files"] == 2 and two_parts["title"].startswith("战地2042专楼")
    lone = threads.set_index("key").loc["外野/2058932"]
    assert (lone["floors"], lone["missing_floors"]) == (1, 1520)


def test_users_are_aggregated_across_threads(corpus_run: tuple[Path, object]) -> None:
    out, _ = corpus_run
    users, per_thread = read_table(out, "users"), read_table(out, "thread_users")
    assert users["posts"].sum() == per_thread["posts"].sum()
    assert not users.duplicated(["forum", "author"]).any()
    many = users[users["threads"] > 1]
    assert not many.empty  # someone posts in two of these threads
    name = many.iloc[0]["author"]
    assert many.iloc[0]["posts"] == per_thread.loc[per_thread["author"] == name, "posts"].sum()


def test_rerun_skips_everything_and_changes_nothing(tmp_path: Path) -> None:
    boards = _copy_corpus(tmp_path)
    out = tmp_path / "out"
    first = run_corpus(boards, out, workers=0, snownlp=False)
    before = {t: _sorted(read_table(out, t), t) for t in ORDER}
    again = run_corpus(boards, out, workers=0, snownlp=False)
    assert (again.analyzed, again.skipped, again.posts) == (0, first.threads, 0)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(_sorted(read_table(out, table), table), frame)
    # one changed file: only its thread runs again
    part = next((tmp_path / "corpus" / "游戏区").glob("2128723*.md"))
    part.write_bytes(part.read_bytes().rsplit(b"\n*****\n", 1)[0] + b"\n")
    changed = run_corpus(boards, out, workers=0, snownlp=False)
    assert (changed.analyzed, changed.skipped) == (1, first.threads - 1)
    threads = read_table(out, "threads").set_index("key")
    assert threads.loc["游戏区/2128723", "floors"] == len(load_thread(part).posts)
    assert len(read_table(out, "posts")) == threads["floors"].sum()


def test_an_interrupted_run_resumes_without_duplicates(tmp_path: Path) -> None:
    boards = _copy_corpus(tmp_path)
    out = tmp_path / "out"
    run_corpus(boards, out, workers=0, snownlp=False)
    complete = {t: _sorted(read_table(out, t), t) for t in ORDER}
    # the state a kill leaves: the last 3 threads' parts written (one cut off as a dot-file) but
    # their manifest lines missing, the last line half written
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    (out / MANIFEST).write_text("\n".join(lines[:-3]) + "\n" + lines[-3][:20], encoding="utf-8")
    (out / "posts" / ".cut.parquet.tmp").write_bytes(b"PAR1 cut off")
    resumed = run_corpus(boards, out, workers=0, snownlp=False)
    assert (resumed.analyzed, resumed.skipped) == (3, 7)
    assert not (out / "posts" / ".cut.parquet.tmp").exists()
    for table, frame in complete.items():
        pd.testing.assert_frame_equal(_sorted(read_table(out, table), table), frame)


def test_a_failing_thread_is_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    boards = _copy_corpus(tmp_path)
    (boards[0] / "2999999-01[空文件].md").write_bytes(b"")
    (boards[0] / "2999998-01[不是帖子].md").write_text("只是一段文字，没有楼层。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["corpus", *map(str, boards), "-o", str(out), "--workers", "1",
                                      "--no-snownlp"])
    assert result.exit_code == 1, result.output
    assert "2 of 12 threads failed" in result.output and "empty file" in result.output
    failures = read_table(out, "failures")
    assert sorted(failures["key"]) == ["外野/2999998", "外野/2999999"]
    assert len(read_table(out, "threads")) == 10
    # failures are retried; the good threads are not
    again = run_corpus(boards, out, workers=0, snownlp=False)
    assert (again.analyzed, again.failed, again.skipped) == (0, 2, 10)


def test_cli_summary_and_skip(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["corpus", str(BOARDS[2]), "-o", str(out), "--workers", "1", "--no-snownlp"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "2 threads: 2 analysed" in first.output
    second = CliRunner().invoke(cli, args)
    assert "2 threads: 0 analysed" in second.output and "2 unchanged and skipped" in second.output


def test_dask_engine_tables_equal_the_local_ones(tmp_path: Path, corpus_run: tuple[Path, object]) -> None:
    pytest.importorskip("dask.distributed")
    local, _ = corpus_run
    out = tmp_path / "dask"
    result = run_corpus(BOARDS, out, engine="dask", workers=2, dask_processes=False, send_bytes=True,
                        snownlp=False)
    assert (result.analyzed, result.failed) == (10, 0)
    for table in ORDER:
        pd.testing.assert_frame_equal(_sorted(read_table(out, table), table),
                                      _sorted(read_table(local, table), table))


def test_duckdb_query_of_the_docs(corpus_run: tuple[Path, object]) -> None:
    duckdb = pytest.importorskip("duckdb")
    out, _ = corpus_run
    top = duckdb.sql(f"""
        SELECT board, title, floors, disagreement_share FROM (
            SELECT *, row_number() OVER (PARTITION BY board ORDER BY disagreement_share DESC) AS rank
            FROM read_parquet('{out}/threads/*.parquet') WHERE stance_posts >= 20)
        WHERE rank <= 10 ORDER BY board, disagreement_share DESC""").df()
    threads = read_table(out, "threads")
    assert set(top["board"]) == set(threads.loc[threads["stance_posts"] >= 20, "board"])
    for board, group in top.groupby("board"):
        best = threads[(threads["board"] == board) & (threads["stance_posts"] >= 20)]
        assert group["disagreement_share"].iloc[0] == best["disagreement_share"].max()


def test_manifest_lines_are_json(corpus_run: tuple[Path, object]) -> None:
    out, _ = corpus_run
    entries = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    assert {e["status"] for e in entries} == {"ok"} and len({e["key"] for e in entries}) == 10


def test_corpus_report_is_offline_escaped_and_links_thread_reports(tmp_path: Path) -> None:
    boards = _copy_corpus(tmp_path)
    # a hostile name and title (real text otherwise): they must arrive as text, never as markup
    part = next((tmp_path / "corpus" / "游戏区").glob("2120793*.md"))
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    part.write_text(part.read_text(encoding="utf-8").replace("####  ", f"####  {hostile}", 3),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["corpus", *map(str, boards), "-o", str(out), "--workers", "1",
                                      "--no-snownlp", "--report"])
    assert result.exit_code == 0, result.output
    page = (out / "corpus-report.html").read_text(encoding="utf-8")
    assert f"Report: {out / 'corpus-report.html'}" in result.output
    markup = markup_outside_scripts(page)
    assert len(scripts(page)) == 3  # the data block, plotly, the app: nothing else
    assert hostile not in page and "<img" not in markup.lower()
    people = report_data(page)["participants"]["rows"]  # the names arrive, as JSON text
    assert any(str(row[0]).startswith(hostile) for row in people)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", markup)
    assert "default-src 'none'" in page and "connect-src 'none'" in page
    for key in ("board-activity", "board-sentiment", "top-users", "most-answered", "answer-matrix",
                "heated-threads"):
        assert f'id="fig-{key}"' in page, key
    linked = re.findall(r'href="(reports/[0-9a-f]+\.html)"', page)
    assert linked and all((out / link).is_file() for link in linked)


def test_corpus_report_in_chromium(corpus_run: tuple[Path, object]) -> None:
    from .browser import FIGURES_DRAWN_JS, chromium, find_chromium, open_report

    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium (tests/browser.py)")
    out, _ = corpus_run
    path = write_corpus_report(out, out / "browser-report.html", thread_reports=1)
    with chromium(executable) as context:
        page, log, _ = open_report(context, path)
        assert page.evaluate("document.body.dataset.ready") == "1"
        figures = page.evaluate(FIGURES_DRAWN_JS)
        assert len(figures) == 6 and all(f["traces"] > 0 and f["height"] > 200 for f in figures), figures
        assert len(page.eval_on_selector_all("#participants-table tbody tr", "rows => rows")) > 10
        assert (log.console_errors, log.page_errors, log.dialogs, log.external_requests) == ([], [], [], [])


def _dies_on_one_thread(source, digest, options, data=None):  # type: ignore[no-untyped-def]
    """``analyze_source``, except that the worker process dies on 漫区/1586260 (an OOM kill)."""
    if source.key == "漫区/1586260":
        os._exit(9)
    return ORIGINAL_ANALYZE(source, digest, options, data)


ORIGINAL_ANALYZE = corpus_module.analyze_source


def test_a_dying_worker_fails_only_its_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the pool's workers are forked from this process, so they run the patched function
    monkeypatch.setattr(corpus_module, "analyze_source", _dies_on_one_thread)
    result = run_corpus([BOARDS[2], BOARDS[1]], tmp_path / "out", workers=1, snownlp=False)
    assert (result.threads, result.analyzed, result.failed) == (5, 4, 1)
    assert "worker process died" in result.failures[0][1] and "1586260" in result.failures[0][0]
    assert sorted(read_table(tmp_path / "out", "failures")["key"]) == ["漫区/1586260"]


def test_ctrl_c_then_rerun_gives_the_complete_tables(tmp_path: Path, corpus_run: tuple[Path, object]) -> None:
    complete, _ = corpus_run
    out = tmp_path / "out"
    command = [sys.executable, "-m", "threadscope", "corpus", *map(str, BOARDS), "-o", str(out),
               "--workers", "1", "--no-snownlp"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)  # a process group of its own, like a terminal's job
    manifest = out / MANIFEST
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 3:
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the command and its workers
    _, err = process.communicate(timeout=120)
    done = len(manifest.read_text(encoding="utf-8").splitlines())
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt")
    assert process.returncode == 130 and "Interrupted" in err and "Traceback" not in err, err
    resumed = run_corpus(BOARDS, out, workers=0, snownlp=False)
    assert resumed.skipped == done and resumed.analyzed == 10 - done
    for table in ORDER:
        pd.testing.assert_frame_equal(_sorted(read_table(out, table), table),
                                      _sorted(read_table(complete, table), table))


def test_mixed_object_column_is_written_as_text() -> None:
    """A custom scorer's column may mix types; Arrow's one-call conversion refuses it, and the
    column-by-column path writes it as text rather than failing the thread."""
    frame = pd.DataFrame({"floor": [1, 2, 3], "plugin_label": pd.Series(["a", 7, None], dtype=object)})
    table = corpus_module.to_arrow(frame, "posts")
    assert str(table.schema.field("plugin_label").type) == "string"
    assert table.column("plugin_label").to_pylist() == ["a", "7", None]
    assert table.column("floor").to_pylist() == [1, 2, 3]
