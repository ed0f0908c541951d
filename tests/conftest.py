"""Shared test paths. ``SHARED`` is ../shared beside the project (present in CI);
``SAMPLES`` is the project's own samples/ (present in every clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """../shared/fixtures; skips (with the reason) when the folder is absent outside CI."""
    import os

    if not FIXTURES.is_dir():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{FIXTURES} is missing under CI=true")
        pytest.skip(f"{FIXTURES} not present (tests on ../shared fixtures need it)")
    return FIXTURES
