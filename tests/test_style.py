"""ruff keeps the code base clean; it runs as a test so CI's one command checks it."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ruff is missing under CI=true: the test extra must install it")
        pytest.skip("ruff is not installed (it comes with the test extra)")
    folders = [name for name in ("threadscope", "tests", "bench", "scripts", "samples")
               if (ROOT / name).is_dir()]
    result = subprocess.run([ruff, "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
