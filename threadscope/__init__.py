"""threadscope: turn a saved forum thread into an analysis a person can explore.

Data flows one way: ``load_thread`` (parse) → ``build_graphs`` (who answers whom) →
``score_thread`` (sentiment, stance) → ``render_report``; ``analyze`` runs them all. The public
API is the names in ``__all__``; everything else may change between versions.
"""

from __future__ import annotations

import logging

#: Set before the imports below: submodules read it while this package is still initializing.
__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

from threadscope.adapters import Adapter, Document, Page, register
from threadscope.errors import ThreadscopeError
from threadscope.load import load_thread
from threadscope.model import Edit, ParseWarning, Post, Quote, Rating, Thread

if TYPE_CHECKING:
    from threadscope.graph import ThreadGraph, build_graphs
    from threadscope.nlp.scorers import score_thread
    from threadscope.pipeline import (
        Analysis,
        analyze,
        analyze_thread,
        render_analysis,
        write_analysis_report,
    )

#: Names whose modules pull in pandas and networkx: imported on first use, so that parsing
#: does not pay for them.
_LAZY = {
    "ThreadGraph": "threadscope.graph", "build_graphs": "threadscope.graph",
    "score_thread": "threadscope.nlp.scorers",
    "Analysis": "threadscope.pipeline", "analyze": "threadscope.pipeline",
    "analyze_thread": "threadscope.pipeline",
    "render_analysis": "threadscope.pipeline", "write_analysis_report": "threadscope.pipeline",
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
    "Page",
    "ParseWarning",
    "Post",
    "Quote",
    "Rating",
    "Thread",
    "ThreadGraph",
    "ThreadscopeError",
    "__version__",
    "analyze",
    "analyze_thread",
    "build_graphs",
    "load_thread",
    "register",
    "render_analysis",
    "score_thread",
    "write_analysis_report",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
