"""Discuz time strings → timezone-aware datetimes (Asia/Shanghai).

Forms seen (see ../shared/reference/discuz-structure.md §1.3 and trap 3): ``2024-2-10 00:04``
(month/day not zero-padded, no seconds: S1 2022–2024), ``2024-4-5 23:20:45`` (csolbbs X3.3),
unix timestamps (API ``dbdateline``), and relative forms (``3&nbsp;天前``, ``半小时前``,
``昨天&nbsp;12:30``) which only resolve against a known "now".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from threadscope.model import FORUM_TZ

ABSOLUTE_TIME = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
)

# dgmdate(..., 'u') output in Discuz X3 source/function/function_core.php
RELATIVE_TIME = re.compile(
    r"(?:(?P<n>\d+)\s*(?P<unit>秒|分钟|小时|天)前|(?P<half>半小时前)|(?P<now>刚刚)"
    r"|(?P<day>昨天|前天)\s*(?P<H>\d{1,2}):(?P<M>\d{2}))"
)
_UNIT_SECONDS = {"秒": 1, "分钟": 60, "小时": 3600, "天": 86400}


def parse_time(text: str) -> datetime | None:
    """The first absolute Discuz time in ``text``, or ``None``."""
    match = ABSOLUTE_TIME.search(text.replace("\xa0", " "))
    if not match:
        return None
    try:
        return datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"]),
            int(match["S"] or 0), tzinfo=FORUM_TZ,
        )
    except ValueError:
        return None


def from_timestamp(value: str | int | float | None) -> datetime | None:
    """A unix timestamp (API ``dbdateline``) in forum time; ``None`` for empty or zero."""
    try:
        seconds = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, tz=FORUM_TZ) if seconds > 0 else None


def is_relative_time(text: str) -> bool:
    return RELATIVE_TIME.search(text.replace("\xa0", " ")) is not None


def parse_relative_time(text: str, now: datetime) -> datetime | None:
    """Resolve a relative Discuz time against ``now`` (the moment the page was saved)."""
    match = RELATIVE_TIME.search(text.replace("\xa0", " "))
    if not match:
        return None
    now = now.astimezone(FORUM_TZ)
    if match["now"]:
        return now
    if match["half"]:
        return now - timedelta(minutes=30)
    if match["n"]:
        return now - timedelta(seconds=int(match["n"]) * _UNIT_SECONDS[match["unit"]])
    days = 1 if match["day"] == "昨天" else 2
    day = (now - timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, int(match["H"]), int(match["M"]), tzinfo=FORUM_TZ)
