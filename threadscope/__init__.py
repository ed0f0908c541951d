"""threadscope: turn a saved forum thread into an analysis a person can explore.

The public API is the names in ``__all__``; everything else may change between versions.
"""

from __future__ import annotations

import logging

from threadscope.adapters import Adapter, Document, Page, register
from threadscope.errors import ThreadscopeError
from threadscope.load import load_thread
from threadscope.model import Edit, ParseWarning, Post, Quote, Rating, Thread

__version__ = "0.1.0"

__all__ = [
    "Adapter",
    "Document",
    "Edit",
    "Page",
    "ParseWarning",
    "Post",
    "Quote",
    "Rating",
    "Thread",
    "ThreadscopeError",
    "__version__",
    "load_thread",
    "register",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
