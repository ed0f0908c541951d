"""The README opens with the two set-up commands, and CI runs the second one verbatim; every
command is documented and the library example runs as written."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT


def _first_shell_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```(?:sh|bash|shell|console)\n(.*?)```", readme, re.S)
    assert match, "README.md needs a fenced shell block"
    return [line for line in match.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_setup_commands() -> None:
    commands = _first_shell_block()
    assert len(commands) == 2
    demo, tests = commands
    assert demo.startswith("pip install ") and "threadscope analyze samples/" in demo
    assert re.search(r"-o reports/\S+\.html$", demo), "the demo writes the report into reports/"
    assert tests.startswith("pip install ") and "[test]" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f'TEST_COMMAND="{_first_shell_block()[1]}"' in ci


def test_readme_demo_sample_exists() -> None:
    demo = _first_shell_block()[0]
    for sample in re.findall(r"samples/\S+", demo):
        assert (ROOT / sample).exists(), sample


def test_readme_documents_every_command() -> None:
    from threadscope.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in cli.commands:
        assert f"threadscope {command}" in readme, command


def test_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python block, verbatim, from the project folder (its paths are samples/)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```python\n(.*?)```", readme, re.S)
    assert match, "README.md needs a Python example"
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)
    assert capsys.readouterr().out.startswith("1 哈利谢顿 2025-11-12 15:41:00+08:00")
    html = namespace["html"]
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>") and "AGI" in html
