"""The whole run in one call: read files → ``analysis.analyze_thread`` → the report.

This is the top of the library (only the CLI sits above it): it joins the reader, the analysis and
the report, which know nothing of each other beyond the ``Thread`` and ``Analysis`` records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from threadscope.analysis import ANALYSIS_STAGES, Analysis, Progress, analyze_thread
from threadscope.exports import write_export
from threadscope.load import PathArg, load, load_threads
from threadscope.model import Thread
from threadscope.nlp.scorers import Scorer
from threadscope.report import render_report, write_report

#: Stage names in run order, as reported to a ``progress`` callback.
STAGES: tuple[str, ...] = ("parse", *ANALYSIS_STAGES, "report")

#: Default report folder and the longest title part of a default report name (file names over
#: ~255 bytes fail; 40 CJK characters are 120 bytes in UTF-8).
REPORTS_DIR = Path("reports")
SLUG_CHARS = 40
#: Letters (CJK included: ``\w`` is Unicode-aware) and digits stay; punctuation and spaces go.
_UNSAFE_IN_NAME = re.compile(r"[^\w-]+")


def analyze(paths: PathArg | Sequence[PathArg], *, format: str | None = None,
            scorers: Sequence[Scorer | str] | None = None, snownlp: bool = True, keywords: bool = True,
            workers: int | None = None, cache: bool = True, progress: Progress | None = None) -> Analysis:
    """Parse one thread from files and analyse it (see ``analysis.analyze_thread``). On one thread
    the snownlp column uses every core (``workers=None``) and the on-disk cache by default.
    ``format`` None (or ``"auto"``) detects each file's format."""
    step = progress or (lambda _stage: None)
    step("parse")
    return analyze_thread(load(paths, format=format), scorers=scorers, snownlp=snownlp,
                          keywords=keywords, workers=workers, cache=cache, progress=progress)


def export_threads(paths: PathArg | Sequence[PathArg], folder: str | Path, *, to: str,
                   format: str | None = None, scorers: Sequence[Scorer | str] | None = None,
                   snownlp: bool = True, progress: Progress | None = None) -> list[Path]:
    """Analyse the threads in ``paths`` (grouped by ``load.load_threads``) and export them into
    ``folder`` as ``to`` (``exports.EXPORT_FORMATS``); returns the files written."""
    step = progress or (lambda _stage: None)
    step("parse")
    analyses = [analyze_thread(thread, scorers=scorers, snownlp=snownlp, keywords=False, workers=None,
                               cache=True, progress=progress)
                for thread in load_threads(paths, format=format)]
    step("export")
    return write_export(analyses, folder, to)


def render_analysis(analysis: Analysis, *, title: str | None = None, anonymize: bool = False) -> str:
    """The self-contained HTML report of an analysis, as a string."""
    return render_report(analysis, title=title, anonymize=anonymize)


def default_report_path(thread: Thread, folder: Path = REPORTS_DIR) -> Path:
    """``reports/<tid>-<slug>.html``; the slug is the title cut to ``SLUG_CHARS`` safe characters."""
    slug = _UNSAFE_IN_NAME.sub("-", thread.title or "").strip("-")[:SLUG_CHARS].strip("-")
    if thread.tid is not None:
        stem = f"{thread.tid}-{slug}" if slug else str(thread.tid)
    else:
        stem = slug or Path(thread.sources[0]).stem
    return folder / f"{stem}.html"


def write_analysis_report(analysis: Analysis, path: Path | None = None, **options: Any) -> Path:
    """Render and write the report (default path from ``default_report_path``); returns the path."""
    return write_report(analysis, path or default_report_path(analysis.thread), **options)
