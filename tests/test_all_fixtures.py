"""Every real fixture parses, and every floor in it is accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscope import load_thread
from threadscope.errors import ThreadNotFoundError

from .conftest import FIXTURES, SAMPLES, SNAPSHOTS

#: The one fixture that is a forum's answer for a missing thread, not a thread.
NOT_FOUND = {"reader-floorlist-2-empty.json"}


def _inputs() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    found = [p for p in sorted(FIXTURES.glob("*/*")) if p.name not in NOT_FOUND] + sorted(SNAPSHOTS.glob("*"))
    return found + sorted(p for p in SAMPLES.iterdir()
                          if p.suffix in {".md", ".html", ".json"} and p.name != "README.md")


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: f"{p.parent.name}/{p.name[:40]}")
def test_fixture_parses_with_every_floor_accounted_for(path: Path, fixtures: Path) -> None:
    thread = load_thread(path)
    assert thread.posts
    floors = [post.floor for post in thread.posts]
    assert floors == sorted(set(floors)) and floors[0] >= 1
    top = max(floors)
    assert len(floors) + len([f for f in thread.missing_floors if f <= top]) == top
    if thread.missing_floors:
        assert any(w.code == "missing_floors" for w in thread.warnings)
    for post in thread.posts:
        assert post.status in {"normal", "deleted", "banned", "hidden"}
        if post.status == "normal":
            assert post.author, f"floor {post.floor} has no author"
        # the missing-floor count above holds by construction in assemble; times are read per post
        if post.status != "deleted":
            assert post.time is not None or "relative_time" in post.meta, f"floor {post.floor} has no time"


def test_missing_thread_fixture_is_reported(fixtures: Path) -> None:
    with pytest.raises(ThreadNotFoundError):
        load_thread(fixtures / "s1-api" / "reader-floorlist-2-empty.json")
