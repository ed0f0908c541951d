"""The whole pipeline in one call: parse → graph → scores → measures → report.

Data flows one way; each stage reads only what the stages before it produced, and links are
resolved once (the scorers take their targets from the same links the graph and report use).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from threadscope.graph import ThreadGraph, build_graphs
from threadscope.links import resolve_links
from threadscope.load import PathArg, load_thread
from threadscope.measures import link_table
from threadscope.model import Thread

#: Stage names in run order, as reported to a ``progress`` callback.
STAGES: tuple[str, ...] = ("parse", "links", "scores", "graph", "report")

#: Called once when each stage starts, with the stage name from ``STAGES``.
Progress = Callable[[str], None]

#: Default report folder and the longest title part of a default report name (file names over
#: ~255 bytes fail; 40 CJK characters are 120 bytes in UTF-8).
REPORTS_DIR = Path("reports")
SLUG_CHARS = 40
#: Letters (CJK included: ``\w`` is Unicode-aware) and digits stay; punctuation and spaces go.
_UNSAFE_IN_NAME = re.compile(r"[^\w-]+")


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline computed for one thread."""

    thread: Thread
    graph: ThreadGraph
    links: pd.DataFrame
    scores: pd.DataFrame
    measures: dict[str, pd.DataFrame] = field(default_factory=dict)


def analyze(paths: PathArg | Sequence[PathArg], *, format: str = "auto", snownlp: bool = True,
            progress: Progress | None = None) -> Analysis:
    """Parse one thread from files and compute its graph, scores and measures (no report yet)."""
    step = progress or (lambda _stage: None)
    step("parse")
    return analyze_thread(load_thread(paths, format=format), snownlp=snownlp, progress=progress)


def analyze_thread(thread: Thread, *, snownlp: bool = True, progress: Progress | None = None) -> Analysis:
    """Links, scores, graphs and measures of an already parsed thread (from any adapter)."""
    from threadscope.nlp.scorers import primary_targets, score_thread
    from threadscope.report import report_measures

    step = progress or (lambda _stage: None)
    step("links")
    links = resolve_links(thread)
    step("scores")
    scores = score_thread(thread, snownlp=snownlp, targets=primary_targets(thread, links))
    step("graph")
    graph = build_graphs(thread, links=links, stance=edge_stances(scores))
    return Analysis(thread=thread, graph=graph, links=link_table(thread, links), scores=scores,
                    measures=report_measures(graph))


def edge_stances(scores: pd.DataFrame) -> dict[tuple[int, int], str]:
    """(floor, target floor) → stance label, for the scored posts that have both."""
    known = scores.dropna(subset=["target_floor", "stance"])
    return {(int(floor), int(target)): str(stance)
            for floor, target, stance in zip(known["floor"], known["target_floor"], known["stance"],
                                             strict=True)}


def _report_inputs(analysis: Analysis) -> dict[str, Any]:
    return {"links": analysis.links, "scores": analysis.scores, "measures": analysis.measures}


def render_analysis(analysis: Analysis, *, title: str | None = None, anonymize: bool = False) -> str:
    """The self-contained HTML report of an analysis, as a string."""
    from threadscope.report import render_report

    return render_report(analysis.thread, **_report_inputs(analysis), title=title, anonymize=anonymize)


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
    from threadscope.report import write_report

    target = path or default_report_path(analysis.thread)
    return write_report(analysis.thread, target, **_report_inputs(analysis), **options)
