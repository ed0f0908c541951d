"""Writing result files: one place that creates folders and turns OS errors into ``OutputError``."""

from __future__ import annotations

from pathlib import Path

from threadscope.errors import OutputError


def write_output(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8) to ``path``, creating its folder; returns the path."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target
