"""The interactive report: one self-contained, offline HTML file per thread.

``render_report(thread, *, posts, links, scores, measures, title, anonymize)`` returns the HTML as
a string (for notebooks and other programs); ``write_report(thread, path, **same)`` writes it.
``anonymize_thread`` gives the thread with stable pseudonyms. See ``render`` for the inputs,
``figures`` for the figures, ``page`` for the HTML and its escaping rules.
"""

from __future__ import annotations

from threadscope.report.anonymize import Pseudonyms, anonymize_thread
from threadscope.report.render import render_report, report_measures, write_report

__all__ = ["Pseudonyms", "anonymize_thread", "render_report", "report_measures", "write_report"]
