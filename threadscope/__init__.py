"""threadscope: turn a saved forum thread into an analysis a person can explore.

Data flows one way: ``load`` / ``load_thread`` (read → model) → ``analyze_thread`` (links → scores → graphs
→ frames → measures, one ``Analysis``) → ``render_report``; ``analyze`` runs them all from files.
The public API is the names in ``__all__``; everything else may change between versions.
"""

from __future__ import annotations

import logging

#: Set before the imports below: submodules read it while this package is still initializing.
__version__ = "0.2.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

from threadscope.adapters import Adapter, Document, Page, register
from threadscope.errors import ThreadscopeError

# ``load`` (the function) replaces the attribute the submodule ``threadscope.load`` set here:
# ``threadscope.load(...)`` is the API; the module is ``sys.modules["threadscope.load"]``.
from threadscope.load import load, load_thread
from threadscope.model import Edit, Link, ParseWarning, Post, Quote, Rating, Resolver, Thread

if TYPE_CHECKING:
    from threadscope.analysis import Analysis, analyze_thread
    from threadscope.graph import ThreadGraph, build_graphs
    from threadscope.links import resolve_links
    from threadscope.nlp.scorers import available_scorers, score_thread
    from threadscope.pipeline import analyze, export_threads, render_analysis, write_analysis_report
    from threadscope.report import render_report

#: Names whose modules pull in pandas and networkx: imported on first use, so that parsing
#: does not pay for them.
_LAZY = {
    "ThreadGraph": "threadscope.graph", "build_graphs": "threadscope.graph",
    "resolve_links": "threadscope.links",
    "score_thread": "threadscope.nlp.scorers", "available_scorers": "threadscope.nlp.scorers",
    "Analysis": "threadscope.analysis", "analyze_thread": "threadscope.analysis",
    "analyze": "threadscope.pipeline", "export_threads": "threadscope.pipeline",
    "render_analysis": "threadscope.pipeline", "write_analysis_report": "threadscope.pipeline",
    "render_report": "threadscope.report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'threadscope' has no attribute {name!r}")


__all__ = [
    "Adapter",
    "Analysis",
    "Document",
    "Edit",
    "Link",
    "Page",
    "ParseWarning",
    "Post",
    "Quote",
    "Rating",
    "Resolver",
    "Thread",
    "ThreadGraph",
    "ThreadscopeError",
    "__version__",
    "analyze",
    "analyze_thread",
    "available_scorers",
    "build_graphs",
    "export_threads",
    "load",
    "load_thread",
    "register",
    "render_analysis",
    "render_report",
    "resolve_links",
    "score_thread",
    "write_analysis_report",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
