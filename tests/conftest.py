"""Shared test paths. ``FIXTURES`` is tests/data/fixtures: the real fixtures of ../shared/fixtures
carried in the project (trimmed where tests/data/README.md says), so a fresh clone tests itself.
``SHARED`` is ../shared beside the project: only optional extended checks read it, and they skip
with the reason when it is absent. ``SAMPLES`` is the project's own samples/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = ROOT / "tests" / "data"
FIXTURES = DATA / "fixtures"
#: hand labels of the seed thread (../shared/gold/seed-thread-labels.json, copied)
SEED_GOLD = DATA / "gold" / "seed-thread-labels.json"
#: news articles (first lines) that must be refused as "not a thread"
ARTICLES = sorted((DATA / "seeds").glob("article-*.md"))
#: the last three snapshots of 60 floors of 1336720 part 2 (the archive's repeated copies)
SNAPSHOTS = DATA / "snapshots"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """tests/data/fixtures (part of the project: its absence is an error, never a skip)."""
    if not FIXTURES.is_dir():
        raise RuntimeError(f"{FIXTURES} is missing: it is part of the project")
    return FIXTURES


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared, for optional extended checks only; skips (with the reason) when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"optional extended check: {SHARED} not present")
    return SHARED
