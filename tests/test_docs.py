"""The README opens with the two set-up commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re

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
