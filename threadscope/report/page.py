"""One self-contained HTML file: markup, CSS, plotly.js (inlined once), the data as JSON, our JS.

Nothing is loaded from anywhere: plotly.js comes from the installed plotly package, fonts are
the system's, and a Content-Security-Policy forbids every network load and every script but the
two inline ones (by hash), so even a slip in escaping could not run injected code.

Escaping, the only way thread text reaches the page:
- markup written here goes through ``html.escape``;
- data goes into one ``<script type="application/json">`` via ``json_for_html``, which escapes
  ``<``, ``>``, ``&`` and U+2028/U+2029 as ``\\uXXXX`` (so ``</script>`` cannot end the element),
  and the JS puts it on the page with ``textContent`` only;
- figure labels are escaped by ``figures.esc`` (plotly's labels are an HTML subset);
- bidirectional controls (``text.BIDI_CONTROLS``) are dropped from all three: an override in a
  name would reorder what a table row or label shows.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio
from plotly.io.json import to_json_plotly

from threadscope.report.figures import FigureSpec
from threadscope.text import strip_bidi

#: Rows per table page: a screenful that renders instantly even for 20,000 posts.
PAGE_SIZE = 50

#: The sections, in page order: anchor id, heading, and the note shown when a section is empty.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("activity", "Activity"),
    ("sentiment", "Sentiment"),
    ("stance", "Stance"),
    ("conversation", "Conversation"),
    ("keywords", "Keywords and topics"),
)

#: Figures drawn across the whole width (the rest share rows two by two on wide screens).
WIDE_FIGURES = frozenset({"posts-over-time", "sentiment-by-floor", "stance-over-thread", "user-network",
                          "reply-trees", "sentiment-over-time", "debates"})

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_TABLE = str.maketrans(_JSON_ESCAPES)


def json_for_html(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9 left."""
    text = value if isinstance(value, str) else _dumps(value)
    return text.translate(_JSON_ESCAPE_TABLE)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (datetime, pd.Timestamp)):
        return format_time(value)
    if isinstance(value, (tuple, set, np.ndarray)):
        return list(value)
    raise TypeError(f"cannot put {type(value).__name__} in the report data")


def _dumps(value: Any) -> str:
    # allow_nan=False: a NaN would make the whole blob invalid JSON; plain() turns them into null.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default,
                      allow_nan=False)


def format_time(value: Any) -> str | None:
    """Wall-clock time ``YYYY-MM-DD HH:MM`` in the value's own zone (the forum's: see
    ``frames.posts_frame``), or ``None``."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def plain(value: Any) -> Any:
    """A cell value as JSON-ready Python: NA → None, numpy → builtin, times → text, text without
    bidirectional controls (``text.strip_bidi``: they would reorder what the table shows)."""
    if isinstance(value, str):
        return strip_bidi(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return format_time(value)
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Column:
    """A table column: frame column ``key``, header ``label``, cell ``type`` (see report.js)."""

    key: str
    label: str
    type: str = "text"
    title: str = ""
    digits: int | None = None
    nowrap: bool = False
    #: A value shown blank (still filterable): the usual case that would only add noise.
    quiet: str | None = None

    def spec(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.digits is not None:
            data["digits"] = self.digits
        if self.nowrap:
            data["nowrap"] = True
        if self.quiet is not None:
            data["quiet"] = self.quiet
        return data


def table_data(frame: pd.DataFrame, columns: Sequence[Column]) -> dict[str, Any]:
    """``{"columns": [...], "rows": [[...], ...]}`` for the columns ``frame`` has."""
    present = [c for c in columns if c.key in frame.columns]
    rows = [[plain(v) for v in record] for record in frame[[c.key for c in present]].itertuples(index=False)]
    return {"columns": [c.spec() for c in present], "rows": rows}


def figure_json(spec: FigureSpec) -> str:
    """The figure as JSON (its template left out: the page carries one copy for all)."""
    fig = spec.figure
    data = json.loads(pio.to_json(fig, validate=False))
    data["layout"].pop("template", None)
    # every string of the figure (labels, hover text, click data) without bidirectional controls
    return strip_bidi(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def template_json(figures: Iterable[FigureSpec]) -> str:
    """The template all figures share (``figures._layout`` sets the same one on each), once."""
    first = next(iter(figures), None)
    if first is None:
        return "null"
    return to_json_plotly(first.figure.layout.template.to_plotly_json())


@dataclass
class Fact:
    """One box of the overview: a label and its value as already-escaped HTML."""

    label: str
    html: str
    big: bool = False


@dataclass
class PageContent:
    title: str
    subtitle: str
    facts: list[Fact]
    warnings: list[str]
    figures: list[FigureSpec]
    notes: Mapping[str, str] = field(default_factory=dict)
    posts: dict[str, Any] | None = None
    participants: dict[str, Any] | None = None
    footer: str = ""
    #: Sections of markup the caller built with ``html.escape`` (the corpus report's thread list),
    #: after the figures: (anchor id, heading, markup).
    extra_sections: Sequence[tuple[str, str, str]] = ()
    #: Leave out the posts and participants tables (a report without them: the corpus report).
    tables: bool = True


def _asset(name: str) -> str:
    return resources.files("threadscope.report").joinpath("assets", name).read_text(encoding="utf-8")


def plotly_js() -> str:
    """plotly.min.js from the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _script(code: str) -> str:
    # Our JS and plotly.min.js contain no "</script"; checked so a future plotly cannot break out.
    if "</script" in code.lower():
        raise RuntimeError("inline script contains '</script'")
    return f"<script>{code}</script>"


def _widths(specs: list[FigureSpec]) -> list[bool]:
    """Which cards span the row: the wide figures, and a half card that would sit alone."""
    wide = [s.key in WIDE_FIGURES for s in specs]
    run: list[int] = []
    for index, is_wide in enumerate([*wide, True]):
        if not is_wide:
            run.append(index)
            continue
        if len(run) % 2:
            wide[run[-1]] = True
        run = []
    return wide


def _figure_card(spec: FigureSpec, is_wide: bool) -> str:
    wide = " wide" if is_wide else ""
    return (f'<div class="card{wide}" id="card-{spec.key}"><h3>{html.escape(spec.title)}</h3>'
            f'<p class="caption">{html.escape(spec.caption)}</p>'
            f'<div class="plot" id="fig-{spec.key}" style="height:{spec.height}px"></div></div>')


def render_page(content: PageContent) -> str:
    """The whole report as one HTML string."""
    def esc(value: str) -> str:
        return html.escape(strip_bidi(value))

    by_section: dict[str, list[FigureSpec]] = {}
    for spec in content.figures:
        by_section.setdefault(spec.section, []).append(spec)

    parts: list[str] = []
    nav = ['<a href="#overview">Overview</a>']
    nav += [f'<a href="#{key}">{esc(name)}</a>' for key, name in SECTIONS]
    nav += [f'<a href="#{key}">{esc(name)}</a>' for key, name, _ in content.extra_sections]
    if content.tables:
        nav += ['<a href="#participants">Participants</a>', '<a href="#posts">Posts</a>']

    facts = "".join(
        f'<div class="fact"><div class="k">{esc(f.label)}</div>'
        f'<div class="v{" big" if f.big else ""}">{f.html}</div></div>'
        for f in content.facts
    )
    warnings = ""
    if content.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in content.warnings)
        warnings = (f'<details class="warnings"{" open" if len(content.warnings) <= 3 else ""}>'
                    f"<summary>{len(content.warnings)} parsing warning(s)</summary>"
                    f"<ul>{items}</ul></details>")
    parts.append(f'<section class="block" id="overview"><h2>Overview</h2><div class="facts">{facts}</div>'
                 f"{warnings}</section>")

    for key, name in SECTIONS:
        specs = by_section.get(key, [])
        wide = _widths(specs)
        note = content.notes.get(key)
        body = "".join(_figure_card(s, w) for s, w in zip(specs, wide, strict=True))
        note_html = f'<p class="note">{esc(note)}</p>' if note else ""
        if not specs and not note:
            continue
        parts.append(f'<section class="block" id="{key}"><h2>{esc(name)}</h2>{note_html}'
                     f'<div class="grid">{body}</div></section>')

    parts += [f'<section class="block" id="{esc(key)}"><h2>{esc(name)}</h2>{markup}</section>'
              for key, name, markup in content.extra_sections]

    def table_note(key: str) -> str:
        """The note of a table section (``notes[key]``), shown above its own caption."""
        note = content.notes.get(key)
        return f'<p class="note">{esc(note)}</p>' if note else ""

    if content.tables:
        parts.append('<section class="block" id="participants"><h2>Participants</h2>'
                     + table_note("participants")
                     + '<p class="caption note">Sortable (click a header) and filterable; click a name to '
                     'list that person\'s posts.</p><div id="participants-table"></div></section>')
        parts.append('<section class="block" id="posts"><h2>Posts</h2>' + table_note("posts")
                     + '<p class="caption note">Every floor has an anchor (<code>#floor-N</code>); click a '
                     'text to open it whole, a floor number to jump to it.</p><div id="posts-table"></div>'
                     '</section>')

    data_parts = [
        f'"pageSize":{PAGE_SIZE}',
        f'"template":{template_json(content.figures)}',
        '"figures":{' + ",".join(f'{json.dumps(s.key)}:{figure_json(s)}' for s in content.figures) + "}",
        f'"posts":{_dumps(content.posts)}',
        f'"participants":{_dumps(content.participants)}',
    ]
    data = json_for_html("{" + ",".join(data_parts) + "}")
    plotly = plotly_js()
    app = _asset("report.js")
    csp = ("default-src 'none'; "
           # 'unsafe-eval': regl (scattergl's WebGL layer) compiles its draw calls with Function
           f"script-src {_csp_hash(plotly)} {_csp_hash(app)} 'unsafe-eval'; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(content.title)} · threadscope</title>",
        f"<style>{_asset('report.css')}</style></head><body>",
        f'<header class="top"><h1>{esc(content.title)}</h1>'
        f'<div class="sub">{esc(content.subtitle)}</div></header>',
        f'<nav class="sections">{"".join(nav)}</nav>',
        f"<main>{''.join(parts)}</main>",
        f"<footer>{esc(content.footer)}</footer>",
        '<div id="toast" role="status"></div>',
        f'<script type="application/json" id="ts-data">{data}</script>',
        _script(plotly),
        _script(app),
        "</body></html>\n",
    ])
