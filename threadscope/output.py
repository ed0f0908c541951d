"""Writing result files: one place that creates folders and turns OS errors into ``OutputError``."""

from __future__ import annotations

import re
from pathlib import Path

from threadscope.errors import OutputError

#: Lone UTF-16 surrogates: JSON escapes such as ``"AAA\ud800BBB"`` (issue 12) decode to them and
#: no UTF-8 writer can encode them; they become U+FFFD, the replacement character.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so it can be written as UTF-8."""
    return LONE_SURROGATE.sub("\ufffd", text)


def write_output(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8) to ``path``, creating its folder; returns the path."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encodable(data).encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target
