"""`threadscope analyze`: the whole pipeline from the command line to one report file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from threadscope.cli import cli
from threadscope.load import load_thread
from threadscope.pipeline import STAGES, analyze, default_report_path

from .conftest import ARTICLES, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"


def test_analyze_writes_one_report_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "seed.html"
    result = CliRunner().invoke(cli, ["analyze", str(SEED), "-o", str(out), "--no-snownlp",
                                      "--title", "AGI <帝国>"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"Report: {out} (41 floors)")
    page = out.read_text(encoding="utf-8")
    assert "AGI &lt;帝国&gt;" in page and "AGI <帝国>" not in page
    assert "哈利谢顿" in page


def test_analyze_default_path_is_under_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["analyze", str(SEED), "--no-snownlp"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "2267042.html").is_file()


def test_default_report_path_uses_tid_and_a_safe_title(fixtures: Path) -> None:
    thread = load_thread(fixtures / "s1-text" / "2145734-01[全国超大、特大城市名单来了！].md")
    assert default_report_path(thread) == Path("reports/2145734-全国超大-特大城市名单来了.html")


def test_anonymized_report_has_no_real_names(tmp_path: Path) -> None:
    out = tmp_path / "anon.html"
    result = CliRunner().invoke(cli, ["analyze", str(SEED), "-o", str(out), "--no-snownlp", "--anonymize"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for name in load_thread(SEED).participants:
        assert name not in page, name


def test_pipeline_reports_every_stage_once() -> None:
    seen: list[str] = []
    analysis = analyze(SEED, snownlp=False, progress=seen.append)
    assert seen == list(STAGES[:-1])
    assert len(analysis.posts) == len(analysis.thread.posts) == 41
    assert set(analysis.links["kind"]) >= {"quote", "op"}
    scored = analysis.posts.dropna(subset=["stance", "target"])
    edges = analysis.post_graph.edges
    assert len(scored) > 30
    for floor, target, stance in zip(scored["floor"], scored["target"], scored["stance"], strict=True):
        assert edges[int(floor), int(target)]["stance"] == stance


def test_analyze_bad_input_is_one_clean_line() -> None:
    article = next(path for path in ARTICLES if path.name == "article-musk-altman-stargate.md")
    result = CliRunner().invoke(cli, ["analyze", str(article), "--no-snownlp"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {article}: no posts found: not a forum thread (no known format matched)")
