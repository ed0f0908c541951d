"""The interactive report: one self-contained, offline HTML file per thread.

``render_report(analysis, *, title, anonymize)`` returns the HTML of a
``threadscope.analysis.Analysis`` as a string (for notebooks and other programs);
``write_report(analysis, path, **same)`` writes it. ``anonymize_thread`` gives the thread with
stable pseudonyms. See ``render`` for what is drawn from where, ``figures`` for the figures,
``page`` for the HTML and its escaping rules.
"""

from __future__ import annotations

from threadscope.report.anonymize import Pseudonyms, anonymize_thread
from threadscope.report.render import render_report, write_report

__all__ = ["Pseudonyms", "anonymize_thread", "render_report", "write_report"]
