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


#: Unix timestamps read from a file are 1..MAX_TIMESTAMP: 2^32 - 1 (year 2106) is what Discuz's
#: ``int(10) unsigned`` dateline columns hold; 14- or 30-digit values raised OverflowError.
MAX_TIMESTAMP = 2**32 - 1
#: At most this many digits are read from a timestamp field (10 cover every valid one).
TIMESTAMP_DIGITS = 12


def _absolute(text: str) -> tuple[re.Match[str] | None, datetime | None]:
    match = ABSOLUTE_TIME.search(text.replace("\xa0", " "))
    if not match:
        return None, None
    try:
        return match, datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"]),
            int(match["S"] or 0), tzinfo=DISCUZ_TZ,
        )
    except ValueError:
        return match, None


def parse_time(text: str) -> datetime | None:
    """The first absolute Discuz time in ``text``, or ``None`` (also for an impossible date)."""
    return _absolute(text)[1]


def invalid_time(text: str) -> str | None:
    """The time-shaped text in ``text`` when it names no real moment (``2025-02-30 25:61``), else
    ``None``: adapters warn with it instead of leaving the time empty silently."""
    match, time = _absolute(text)
    return match.group(0) if match is not None and time is None else None


def timestamp_problem(value: object) -> str | None:
    """Why ``value`` is not a usable unix timestamp (``None`` when it is one, empty or zero)."""
    if value is None or str(value).strip() in ("", "0"):
        return None
    usable = isinstance(value, str | int | float) and from_timestamp(value) is not None
    return None if usable else f"timestamp {str(value)[:40]!r} is out of range"


def from_timestamp(value: str | int | float | None) -> datetime | None:
    """A unix timestamp (API ``dbdateline``) in forum time; ``None`` for empty, zero, junk or a
    value outside 1..MAX_TIMESTAMP."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float):
        value = int(value) if value == value and abs(value) < 10**TIMESTAMP_DIGITS else ""
    digits = str(value).strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > TIMESTAMP_DIGITS:
        return None
    seconds = int(digits)
    return datetime.fromtimestamp(seconds, tz=DISCUZ_TZ) if 0 < seconds <= MAX_TIMESTAMP else None


def is_relative_time(text: str) -> bool:
    return RELATIVE_TIME.search(text.replace("\xa0", " ")) is not None

