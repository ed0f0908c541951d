"""ruff, the layer contract (import-linter) and mypy keep the code base clean; they run as tests
so CI's one command checks them."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT


def test_ruff_clean() -> None:
    ruff = _tool("ruff")
    folders = [name for name in ("threadscope", "tests", "bench", "scripts", "samples")
               if (ROOT / name).is_dir()]
    result = subprocess.run([ruff, "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing under CI=true: the test extra must install it")
        pytest.skip(f"{name} is not installed (it comes with the test extra)")
    return found


def test_layers_are_kept() -> None:
    """The import contract in pyproject.toml: no module imports a layer above its own."""
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


def test_types_check() -> None:
    """The library API other forums build on is typed in fact: mypy over the package."""
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
