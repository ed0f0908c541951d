"""Discuz time strings → timezone-aware datetimes (Asia/Shanghai).

Forms seen (see ../shared/reference/discuz-structure.md §1.3 and trap 3): ``2024-2-10 00:04``
(month/day not zero-padded, no seconds: S1 2022–2024), ``2024-4-5 23:20:45`` (csolbbs X3.3),
unix timestamps (API ``dbdateline``), and relative forms (``3&nbsp;天前``, ``半小时前``,
``昨天&nbsp;12:30``), which are only recognised: a saved page does not say when it was saved, so
adapters keep them as text in ``meta["relative_time"]``.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

#: Discuz sites read here display Beijing time; China has kept UTC+8 without DST since 1991.
DISCUZ_TIMEZONE = "Asia/Shanghai"
DISCUZ_TZ = ZoneInfo(DISCUZ_TIMEZONE)

ABSOLUTE_TIME = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
)

# dgmdate(..., 'u') output in Discuz X3 source/function/function_core.php
RELATIVE_TIME = re.compile(
    r"(?:(?P<n>\d+)\s*(?P<unit>秒|分钟|小时|天)前|(?P<half>半小时前)|(?P<now>刚刚)"
    r"|(?P<day>昨天|前天)\s*(?P<H>\d{1,2}):(?P<M>\d{2}))"
)


def parse_time(text: str) -> datetime | None:
    """The first absolute Discuz time in ``text``, or ``None``."""
    match = ABSOLUTE_TIME.search(text.replace("\xa0", " "))
    if not match:
        return None
    try:
        return datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"]),
            int(match["S"] or 0), tzinfo=DISCUZ_TZ,
        )
    except ValueError:
        return None


def from_timestamp(value: str | int | float | None) -> datetime | None:
    """A unix timestamp (API ``dbdateline``) in forum time; ``None`` for empty or zero."""
    try:
        seconds = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, tz=DISCUZ_TZ) if seconds > 0 else None


def is_relative_time(text: str) -> bool:
    return RELATIVE_TIME.search(text.replace("\xa0", " ")) is not None

