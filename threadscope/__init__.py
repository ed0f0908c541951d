"""threadscope: turn a saved forum thread into an analysis a person can explore.

Data flows one way: ``load_thread`` (parse) → ``build_graphs`` (who answers whom) →
``score_thread`` (sentiment, stance) → ``render_report``; ``analyze`` runs them all. The public
API is the names in ``__all__``; everything else may change between versions.
"""

from __future__ import annotations

import logging

#: Set before the imports below: submodules read it while this package is still initializing.
__version__ = "0.1.0"

from threadscope.adapters import Adapter, Document, Page, register
from threadscope.errors import ThreadscopeError
from threadscope.graph import ThreadGraph, build_graphs
from threadscope.load import load_thread
from threadscope.model import Edit, ParseWarning, Post, Quote, Rating, Thread
from threadscope.nlp.scorers import score_thread
from threadscope.pipeline import Analysis, analyze, render_analysis, write_analysis_report

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
    "build_graphs",
    "load_thread",
    "register",
    "render_analysis",
    "score_thread",
    "write_analysis_report",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
