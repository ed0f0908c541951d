"""The command line: help for every command, exit codes, and one clean error line."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from threadscope import __version__
from threadscope.cli import cli

from .conftest import ARTICLES, ROOT, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"


def _commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_real_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    doc = cli.commands[command].help or ""
    assert len(doc.split()) >= 6, f"`threadscope {command}` needs a real help text"


def test_top_level_help_lists_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in _commands():
        assert command in result.output


def test_parse_summary() -> None:
    result = CliRunner().invoke(cli, ["parse", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "tid 2267042" in result.output
    assert "Floors:       41 parsed" in result.output
    assert "Starter:      哈利谢顿" in result.output


def test_parse_jsonl_fields(tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    result = CliRunner().invoke(cli, ["parse", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 41
    assert list(rows[0])[:17] == [
        "floor", "id", "pid", "parent", "author", "uid", "time", "is_op", "status", "text", "quotes",
        "reply_to", "edit", "ratings", "client", "smileys", "images"]
    assert rows[9]["time"] == "2025-11-12T15:49:00+08:00"
    assert rows[9]["quotes"][0]["author"] == "黑哥啥时改密码"


BAD_INPUTS = [
    ("article", ARTICLES[0], "no posts found: not a forum thread"),
    ("missing", Path("does/not/exist.md"), "no such file"),
]


@pytest.mark.parametrize(("name", "path", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_exit_1(name: str, path: Path, reason: str) -> None:
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output == f"Error: {path}: {reason}" + (
        " (no known format matched)\n" if name == "article" else "\n")
    assert "Traceback" not in result.output


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["parse", str(SEED), "--format", "pdf"])
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.output


def test_click_group_is_the_entry_point() -> None:
    """The installed script and ``python -m threadscope`` both run this group, and the version it
    prints is the package's (pyproject.toml and ``__version__`` hold it twice)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"threadscope": "threadscope.cli:main"}
    assert project["version"] == __version__
    assert isinstance(cli, click.Group)
    result = subprocess.run([sys.executable, "-m", "threadscope", "--version"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, f"threadscope, version {__version__}\n")
