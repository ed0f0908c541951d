"""The report's figures: pure functions from an analysis's tables to plotly figures with a caption.

Each builder takes frames of ``threadscope.analysis.Analysis`` (``posts``, ``users``, a table of
``measures``) and draws them; it computes no measure of its own (binning and layout are drawing).
It returns a ``FigureSpec``, or ``None`` when the columns it needs are absent or empty, so the
page simply leaves it out.

Every string that comes from the thread (names, post text, keywords) goes through ``esc``:
plotly renders text as a small HTML subset (``<b>``, ``<a href>``, ``<br>``…) and decodes
``&lt;``/``&gt;``/``&amp;``, so escaped text shows as typed and cannot become markup.

Clicks: a point whose ``customdata`` is a floor number (or a list starting with one) jumps to
that floor in the posts table; ``["user", NAME]`` filters the posts table to that author. The
page wires this once for every figure.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from threadscope.keywords import Keywords
from threadscope.model import utc_offset_label
from threadscope.text import strip_bidi

Section = Literal["activity", "sentiment", "stance", "conversation", "keywords"]

#: System fonts only (the report loads no web font): macOS, Windows, then Linux CJK families.
FONT_FAMILY = ('-apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
               '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')

#: Above this many points a scatter uses WebGL (scattergl). plotly's docs put SVG's limit at a
#: few thousand points; below it SVG keeps small reports working where WebGL is off.
WEBGL_MIN_POINTS = 1000

#: Colors: one meaning each, across all figures (ColorBrewer RdYlBu ends + neutral greys).
OP_COLOR = "#e66101"
OTHERS_COLOR = "#5e81ac"
SENTIMENT_COLORS = {"neg": "#d7301f", "neu": "#9e9e9e", "pos": "#1a9850"}
STANCE_COLORS = {"agree": "#1a9850", "neutral": "#b0b0b0", "disagree": "#d7301f"}
OTHER_CATEGORY_COLOR = "#cccccc"
SNOWNLP_COLOR = "#7b3294"
MEAN_COLOR = "#222222"
TREE_COLORS = ("#1f77b4", "#e6550d", "#31a354", "#756bb1", "#de2d26", "#636363", "#3182bd", "#fd8d3c")
COMMUNITY_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                    "#ff9da7", "#9c755f", "#bab0ac")

#: Opening words shown on hover: enough to recognise a post, short enough for 20,000 of them.
HOVER_CHARS = 40
#: How many bars of a time histogram fit the busy part of a thread, and the most bins at all.
TARGET_TIME_BINS = 60
MAX_TIME_BINS = 2000
TIME_BIN_WIDTHS: tuple[tuple[str, str], ...] = (
    ("1min", "minute"), ("5min", "5 minutes"), ("15min", "15 minutes"), ("30min", "30 minutes"),
    ("1h", "hour"), ("3h", "3 hours"), ("6h", "6 hours"), ("12h", "12 hours"), ("1D", "day"),
    ("7D", "week"), ("30D", "30 days"), ("365D", "365 days"),
)
#: When the central 98% of posts fill less than this share of the span, the x axis opens on it.
ZOOM_IF_CORE_BELOW = 0.5
#: Rolling-mean window: a thirtieth of the posts, within these bounds.
ROLLING_MIN, ROLLING_MAX = 5, 200
#: Floor bins of the stance-over-thread figure.
STANCE_BINS = 40
TOP_AUTHORS = 20
TOP_DISPUTED = 15
NETWORK_MAX_USERS = 40
#: Names written beside the dots (the most active); the rest show on hover, so labels stay legible.
NETWORK_LABELS = 25
TREE_ROOTS = 5
MAX_DEBATES = 12


@dataclass(frozen=True)
class FigureSpec:
    """A figure and what the page needs around it."""

    key: str
    section: Section
    title: str
    caption: str
    figure: go.Figure
    height: int = 380


# --- Helpers ---------------------------------------------------------------------------------

def has_columns(frame: pd.DataFrame | None, *columns: str) -> bool:
    """True when ``frame`` exists and holds every column with at least one value."""
    return frame is not None and all(c in frame.columns and frame[c].notna().any() for c in columns)


def esc(value: object) -> str:
    """Thread text made inert for plotly's HTML-subset labels (``&``, ``<``, ``>`` escaped,
    bidirectional controls dropped)."""
    return html.escape(strip_bidi("" if value is None or value is pd.NA else str(value)), quote=False)


def opening(text: object, chars: int = HOVER_CHARS) -> str:
    """The first ``chars`` characters on one line, escaped."""
    flat = " ".join(str(text or "").split())
    return esc(flat if len(flat) <= chars else flat[:chars] + "…")


def post_label(floor: int, author: object, text: object, chars: int = HOVER_CHARS) -> str:
    return f"<b>#{floor}</b> {esc(author or '(no author)')}<br>{opening(text, chars)}"


def forum_time(times: pd.Series) -> pd.Series:
    """Times (in the forum's zone: ``frames.posts_frame``) as naive wall-clock times, which plotly
    shows as they are."""
    if getattr(times.dt, "tz", None) is not None:
        return times.dt.tz_localize(None)
    return times


def zone_of(times: pd.Series) -> str:
    """The clock the times are on, ``UTC+8`` style."""
    known = times.dropna()
    return utc_offset_label(known.iloc[0].utcoffset() if len(known) and known.dt.tz is not None else None)


def rolling_window(n: int) -> int:
    return max(ROLLING_MIN, min(ROLLING_MAX, n // 30))


def scatter(n_points: int) -> type[go.Scatter] | type[go.Scattergl]:
    return go.Scattergl if n_points >= WEBGL_MIN_POINTS else go.Scatter


def _layout(fig: go.Figure, height: int, **extra: Any) -> go.Figure:
    base: dict[str, Any] = {
        "template": "plotly_white", "height": height, "font": {"family": FONT_FAMILY, "size": 12},
        "margin": {"l": 56, "r": 16, "t": 28, "b": 44}, "hovermode": "closest",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "hoverlabel": {"font": {"family": FONT_FAMILY}, "align": "left"},
    }
    fig.update_layout(**{**base, **extra})
    return fig


def _normal(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "normal"]


def _category_color(palette: dict[str, str], value: str) -> str:
    return palette.get(value, OTHER_CATEGORY_COLOR)


def _ordered_categories(values: pd.Series, known: Sequence[str]) -> list[str]:
    present = [v for v in values.dropna().unique().tolist()]
    return [k for k in known if k in present] + sorted(v for v in present if v not in known)


# --- Activity --------------------------------------------------------------------------------

def choose_time_bin(times: pd.Series) -> tuple[str, str]:
    """The narrowest bin width giving at most TARGET_TIME_BINS bins over the central 98% of
    posts and at most MAX_TIME_BINS over the whole span: a burst and a long tail both read."""
    core = times.quantile(0.99) - times.quantile(0.01)
    span = times.max() - times.min()
    for freq, label in TIME_BIN_WIDTHS:
        width = pd.Timedelta(freq)
        if core / width <= TARGET_TIME_BINS and span / width <= MAX_TIME_BINS:
            return freq, label
    return TIME_BIN_WIDTHS[-1]


def posts_over_time(frame: pd.DataFrame) -> FigureSpec | None:
    timed = frame[frame["time"].notna()]
    if timed.empty:
        return None
    times = forum_time(timed["time"])
    freq, label = choose_time_bin(times)
    width = pd.Timedelta(freq)
    bins = times.dt.floor(freq)
    fig = go.Figure()
    for is_op, name, color in ((False, "others", OTHERS_COLOR), (True, "OP (thread starter)", OP_COLOR)):
        part = timed[timed["is_op"] == is_op]
        if part.empty:
            continue
        grouped = part.groupby(bins[part.index])["floor"].agg(["size", "min", "max"])
        hover = [f"{start:%Y-%m-%d %H:%M} · {n} post(s), #{lo}–#{hi}"
                 for start, n, lo, hi in zip(grouped.index, grouped["size"], grouped["min"], grouped["max"],
                                             strict=True)]
        fig.add_trace(go.Bar(
            x=grouped.index + width / 2, y=grouped["size"], width=width.total_seconds() * 1000 * 0.95,
            name=name, marker_color=color, hovertext=hover, hoverinfo="text",
            customdata=grouped["min"].to_numpy(),
        ))
    _layout(fig, 340, barmode="stack", bargap=0, yaxis_title=f"posts per {label}")
    if span_share := _core_share(times):
        lo, hi = times.quantile(0.01) - width, times.quantile(0.99) + width
        fig.update_xaxes(range=[lo, hi])
        note = f" The axis opens on the busiest 98% ({span_share:.0%} of the span); double-click to see all."
    else:
        note = ""
    return FigureSpec(
        "posts-over-time", "activity", "Posts over time",
        f"Bars count posts per {label} (forum time, {zone_of(timed['time'])}); orange is the thread starter. "
        f"Click a bar to read its first floor.{note}",
        fig, 340,
    )


def _core_share(times: pd.Series) -> float | None:
    span = times.max() - times.min()
    if span <= pd.Timedelta(0):
        return None
    share = (times.quantile(0.99) - times.quantile(0.01)) / span
    return share if share < ZOOM_IF_CORE_BELOW else None


def posts_by_hour(frame: pd.DataFrame) -> FigureSpec | None:
    timed = frame[frame["time"].notna()]
    if timed.empty:
        return None
    hours = forum_time(timed["time"]).dt.hour
    fig = go.Figure()
    for is_op, name, color in ((False, "others", OTHERS_COLOR), (True, "OP (thread starter)", OP_COLOR)):
        counts = hours[timed["is_op"] == is_op].value_counts().reindex(range(24), fill_value=0)
        if counts.sum():
            fig.add_trace(go.Bar(x=list(range(24)), y=counts.to_numpy(), name=name, marker_color=color,
                                 hovertemplate="%{x}:00–%{x}:59 · %{y} post(s)<extra></extra>"))
    zone = zone_of(timed["time"])
    _layout(fig, 300, barmode="stack", xaxis={"title": f"hour of day ({zone})", "dtick": 2},
            yaxis_title="posts")
    return FigureSpec("posts-by-hour", "activity", "Posts by hour of day",
                      f"When people post: bars count posts per hour of the day in forum time ({zone}); "
                      "orange is the thread starter.", fig, 300)


def top_posters(participants: pd.DataFrame, top: int = TOP_AUTHORS) -> FigureSpec | None:
    if participants.empty:
        return None
    head = participants.head(top).iloc[::-1]
    received = head["replies_received"] if "replies_received" in head else pd.Series(np.nan, index=head.index)
    hover = [f"{esc(a)}<br>{p} post(s), floors #{f}–#{last}"
             + (f"<br>replied to {int(r)}×" if pd.notna(r) else "")
             for a, p, f, last, r in zip(head["author"], head["posts"], head["first_floor"],
                                         head["last_floor"], received, strict=True)]
    fig = go.Figure(go.Bar(
        x=head["posts"], y=[esc(a) for a in head["author"]], orientation="h",
        marker_color=[OP_COLOR if op else OTHERS_COLOR for op in head["is_op"]],
        hovertext=hover, hoverinfo="text", customdata=[["user", a] for a in head["author"]],
    ))
    height = max(260, 22 * len(head) + 80)
    _layout(fig, height, xaxis_title="posts", yaxis={"automargin": True})
    return FigureSpec("top-posters", "activity", "Most active participants",
                      f"Posts per participant, the {len(head)} most active; orange is the thread starter. "
                      "Click a bar to list that person's posts.", fig, height)


# --- Sentiment -------------------------------------------------------------------------------

def _scored(frame: pd.DataFrame) -> pd.DataFrame:
    if not has_columns(frame, "sentiment_score"):
        return frame.iloc[0:0]
    return frame[(frame["status"] == "normal") & frame["sentiment_score"].notna()]


def _sentiment_figure(scored: pd.DataFrame, x: pd.Series) -> go.Figure:
    """The scored posts as dots along ``x`` with our running mean and snownlp's (on −1…+1)."""
    fig = go.Figure()
    _sentiment_points(fig, scored, x)
    _rolling(fig, x, scored["sentiment_score"], "our score", MEAN_COLOR)
    if has_columns(scored, "snownlp"):
        _rolling(fig, x, scored["snownlp"] * 2 - 1, "snownlp ×2−1", SNOWNLP_COLOR, dash="dot")
    return fig


def _sentiment_points(fig: go.Figure, scored: pd.DataFrame, x: pd.Series) -> None:
    hover_base = [post_label(f, a, t) for f, a, t in zip(scored["floor"], scored["author"], scored["text"],
                                                         strict=True)]
    trace = scatter(len(scored))
    labels = scored["sentiment"] if "sentiment" in scored else pd.Series("neu", index=scored.index)
    snow = scored["snownlp"] if "snownlp" in scored else pd.Series(np.nan, index=scored.index)
    for label in _ordered_categories(labels, list(SENTIMENT_COLORS)):
        mask = (labels == label).to_numpy()
        hover = [f"{h}<br>score {s:+.2f}" + (f" · snownlp {n:.2f}" if pd.notna(n) else "")
                 for h, s, n, m in zip(hover_base, scored["sentiment_score"], snow, mask, strict=True) if m]
        fig.add_trace(trace(
            x=x[mask], y=scored["sentiment_score"][mask], mode="markers", name=label,
            marker={"color": _category_color(SENTIMENT_COLORS, label), "size": 6, "opacity": 0.7},
            hovertext=hover, hoverinfo="text", customdata=scored["floor"][mask].to_numpy(),
        ))


def _rolling(fig: go.Figure, x: pd.Series, y: pd.Series, name: str, color: str, *,
             dash: str | None = None) -> None:
    window = rolling_window(len(y))
    mean = y.rolling(window, center=True, min_periods=1).mean()
    fig.add_trace(scatter(len(y))(
        x=x, y=mean, mode="lines", name=f"{name} (rolling mean of {window})",
        line={"color": color, "width": 2.5, "dash": dash}, hoverinfo="skip",
    ))


def sentiment_by_floor(frame: pd.DataFrame) -> FigureSpec | None:
    scored = _scored(frame)
    if scored.empty:
        return None
    fig = _sentiment_figure(scored, scored["floor"])
    _layout(fig, 380, xaxis_title="floor", yaxis={"title": "sentiment (−1 … +1)",
                                                  "range": [-1.08, 1.08], "zeroline": True})
    return FigureSpec(
        "sentiment-by-floor", "sentiment", "Sentiment per floor",
        "Each dot is a post (red negative, grey neutral, green positive; hover for author and opening "
        "words, click to read it); the black line is the running mean"
        + (", the dotted purple line snownlp's on the same −1…+1 scale." if has_columns(scored, "snownlp")
           else "."), fig, 380)


def sentiment_over_time(frame: pd.DataFrame) -> FigureSpec | None:
    scored = _scored(frame)
    scored = scored[scored["time"].notna()].sort_values(["time", "floor"])
    if scored.empty:
        return None
    times = forum_time(scored["time"])
    fig = _sentiment_figure(scored, times)
    _layout(fig, 360, yaxis={"title": "sentiment", "range": [-1.08, 1.08]})
    if _core_share(times) is not None:
        fig.update_xaxes(range=[times.quantile(0.01), times.quantile(0.99)])
    return FigureSpec(
        "sentiment-over-time", "sentiment", "Sentiment over time",
        f"The same posts on a clock ({zone_of(scored['time'])}): the line is the running mean in time "
        "order, so a mood that "
        "turns shows as a slope; double-click to see the whole span.", fig, 360)


def sentiment_distribution(frame: pd.DataFrame) -> FigureSpec | None:
    scored = _scored(frame)
    if scored.empty:
        return None
    bins = {"start": -1.0, "end": 1.0001, "size": 0.05}
    fig = go.Figure(go.Histogram(x=scored["sentiment_score"], xbins=bins, name="our score",
                                 marker_color=MEAN_COLOR, opacity=0.65,
                                 hovertemplate="score %{x}: %{y} post(s)<extra>our score</extra>"))
    if has_columns(scored, "snownlp"):
        fig.add_trace(go.Histogram(x=scored["snownlp"].dropna() * 2 - 1, xbins=bins, name="snownlp ×2−1",
                                   marker_color=SNOWNLP_COLOR, opacity=0.55,
                                   hovertemplate="score %{x}: %{y} post(s)<extra>snownlp</extra>"))
    _layout(fig, 320, barmode="overlay", xaxis_title="sentiment (−1 … +1)", yaxis_title="posts")
    return FigureSpec(
        "sentiment-distribution", "sentiment", "How scores are spread",
        "Posts per score band: our score in black"
        + (", snownlp (its 0…1 mapped to −1…+1) in purple — snownlp piling up at the ends is its "
           "saturation on long and sarcastic posts." if has_columns(scored, "snownlp") else "."), fig, 320)


def sentiment_by_participant(frame: pd.DataFrame, users: pd.DataFrame,
                             top: int = TOP_AUTHORS) -> FigureSpec | None:
    scored = _scored(frame)
    if scored.empty or "sentiment" not in scored:
        return None
    authors = scored["author"].value_counts().head(top).index.tolist()[::-1]
    subset = scored[scored["author"].isin(authors)]
    shares = pd.crosstab(subset["author"], subset["sentiment"], normalize="index").reindex(authors)
    counts = subset["author"].value_counts().reindex(authors)
    people = users.set_index("author")
    means = people["mean_sentiment"].reindex(authors)
    snow = people["mean_snownlp"].reindex(authors) if has_columns(users, "mean_snownlp") else None
    labels = [f"{esc(a)} ({n})" for a, n in zip(authors, counts, strict=True)]
    fig = go.Figure()
    for label in _ordered_categories(subset["sentiment"], list(SENTIMENT_COLORS)):
        values = shares[label].fillna(0) if label in shares else pd.Series(0.0, index=authors)
        hover = [f"{esc(a)}: {v:.0%} {label}<br>mean score {m:+.2f}"
                 + (f" · snownlp {snow[a]:.2f}" if snow is not None and pd.notna(snow[a]) else "")
                 for a, v, m in zip(authors, values, means, strict=True)]
        fig.add_trace(go.Bar(x=values, y=labels, orientation="h", name=label, hovertext=hover,
                             hoverinfo="text", marker_color=_category_color(SENTIMENT_COLORS, label),
                             customdata=[["user", a] for a in authors]))
    height = max(260, 22 * len(authors) + 80)
    _layout(fig, height, barmode="stack", xaxis={"title": "share of the person's posts", "tickformat": ".0%"},
            yaxis={"automargin": True})
    return FigureSpec(
        "sentiment-by-participant", "sentiment", "Sentiment per participant",
        f"For the {len(authors)} most active people (post count in brackets): the share of their posts "
        "that read negative, neutral or positive; click a bar to list their posts.", fig, height)


# --- Stance ----------------------------------------------------------------------------------

def _floor_bins(floors: pd.Series, bins: int) -> pd.Series:
    """Equal-width floor bins labelled by their first floor."""
    lo, hi = int(floors.min()), int(floors.max())
    width = max(1, math.ceil((hi - lo + 1) / bins))
    return lo + (floors - lo) // width * width


def stance_over_thread(frame: pd.DataFrame) -> FigureSpec | None:
    if not has_columns(frame, "stance"):
        return None
    rows = [("stance", "toward the post answered")]
    if has_columns(frame, "stance_op"):
        rows.append(("stance_op", "toward the thread starter"))
    normal = _normal(frame)
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[title for _, title in rows])
    width = max(1, math.ceil((normal["floor"].max() - normal["floor"].min() + 1) / STANCE_BINS))
    for row, (column, _) in enumerate(rows, start=1):
        part = normal[normal[column].notna()]
        if part.empty:
            continue
        bins = _floor_bins(part["floor"], STANCE_BINS)
        table = pd.crosstab(bins, part[column])
        totals = table.sum(axis=1)
        for label in _ordered_categories(part[column], list(STANCE_COLORS)):
            counts = table[label] if label in table else pd.Series(0, index=table.index)
            hover = [f"floors #{b}–#{b + width - 1}: {c} of {t} {label}" for b, c, t in
                     zip(table.index, counts, totals, strict=True)]
            fig.add_trace(go.Bar(
                x=table.index + (width - 1) / 2, y=counts / totals, width=width, name=label,
                legendgroup=label, showlegend=row == 1, marker_color=_category_color(STANCE_COLORS, label),
                hovertext=hover, hoverinfo="text", customdata=table.index.to_numpy(), marker_line_width=0,
            ), row=row, col=1)
        fig.update_yaxes(tickformat=".0%", range=[0, 1], row=row, col=1)
    height = 220 + 160 * len(rows)
    _layout(fig, height, barmode="stack", bargap=0, margin={"l": 56, "r": 16, "t": 64, "b": 44},
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.1, "x": 0})
    fig.update_xaxes(title_text="floor", row=len(rows), col=1)
    return FigureSpec(
        "stance-over-thread", "stance", "Agreement over the thread",
        f"Share of posts in each run of {width} floor(s) that agree (green), disagree (red) or are neutral "
        "(grey)" + (" toward the post they answer (top) and toward the thread starter (bottom)"
                    if len(rows) == 2 else " toward the post they answer") + "; click to read the run.",
        fig, height)


def disputed_posts(disputed: pd.DataFrame, top: int = TOP_DISPUTED) -> FigureSpec | None:
    """``disputed``: ``measures.disputed_posts`` (most disagreed-with first)."""
    if disputed.empty:
        return None
    table = disputed.head(top).iloc[::-1].set_index("floor")
    labels = [f"#{f} {esc(a or '')}" for f, a in zip(table.index, table["author"], strict=True)]
    openings = [opening(t, 60) for t in table["excerpt"]]
    fig = go.Figure()
    for label in ("disagree", "neutral", "agree"):
        if not table[label].any():
            continue
        hover = [f"{lab}: {n} {label} repl{'y' if n == 1 else 'ies'}<br>{o}"
                 for lab, n, o in zip(labels, table[label], openings, strict=True)]
        fig.add_trace(go.Bar(x=table[label], y=labels, orientation="h", name=label, hovertext=hover,
                             hoverinfo="text", marker_color=_category_color(STANCE_COLORS, label),
                             customdata=table.index.to_numpy()))
    height = max(260, 24 * len(table) + 90)
    _layout(fig, height, barmode="stack", xaxis_title="replies",
            yaxis={"automargin": True, "type": "category"})
    return FigureSpec(
        "disputed-posts", "stance", "Most disputed posts",
        "Posts with the most disagreeing replies (red), with their agreeing (green) and neutral (grey) "
        "replies — quotes, 回复 and pointers like 楼上; posts that only answer the thread are left out. "
        "Click a bar to read the post.", fig, height)


# --- Conversation ----------------------------------------------------------------------------

def user_network(pairs: pd.DataFrame, users: pd.DataFrame,
                 max_users: int = NETWORK_MAX_USERS) -> FigureSpec | None:
    """``pairs``: ``measures.user_pairs``; ``users``: the users frame (posts, is_op, community)."""
    if pairs.empty:
        return None
    posts = users.set_index("author")["posts"]
    degree = pd.concat([pairs.set_index("user_a")["replies"], pairs.set_index("user_b")["replies"]])
    degree = degree.groupby(level=0).sum()
    ranked = (degree.add(posts, fill_value=0)).sort_values(ascending=False)
    keep = set(ranked.head(max_users).index)
    edges = pairs[pairs["user_a"].isin(keep) & pairs["user_b"].isin(keep)].rename(
        columns={"user_a": "a", "user_b": "b", "replies": "n", "first_floor": "first"})
    if edges.empty:
        return None
    graph = nx.Graph()
    # log weights: one busy pair should not pull everyone into a knot.
    graph.add_weighted_edges_from((a, b, math.log1p(n)) for a, b, n in edges[["a", "b", "n"]].itertuples(
        index=False, name=None))
    # Seeded so the same thread always draws the same picture.
    pos = nx.spring_layout(graph, seed=7, weight="weight", k=2.5 / math.sqrt(max(graph.number_of_nodes(), 1)),
                           iterations=100)
    fig = go.Figure()
    groups = edges.assign(
        tone=np.select([edges["disagree"] > edges["agree"], edges["agree"] > edges["disagree"]],
                       ["disagree", "agree"], "neutral"),
        width=pd.cut(edges["n"], [0, 1, 3, 7, np.inf], labels=[1.0, 2.0, 3.5, 5.5]).astype(float),
    )
    for (tone, width), group in groups.groupby(["tone", "width"]):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in zip(group["a"], group["b"], strict=True):
            xs += [pos[a][0], pos[b][0], None]
            ys += [pos[a][1], pos[b][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"color": _category_color(STANCE_COLORS, tone), "width": width},
                                 opacity=0.55))
    # Invisible midpoints carry the edges' hover text (plotly lines have none between points).
    mid = edges.assign(x=[(pos[a][0] + pos[b][0]) / 2 for a, b in zip(edges["a"], edges["b"], strict=True)],
                       y=[(pos[a][1] + pos[b][1]) / 2 for a, b in zip(edges["a"], edges["b"], strict=True)])
    fig.add_trace(go.Scatter(
        x=mid["x"], y=mid["y"], mode="markers", marker={"size": 8, "opacity": 0}, showlegend=False,
        hovertext=[f"{esc(a)} ⇄ {esc(b)}: {n} repl(ies), {ag} agree, {d} disagree<br>first at #{f}"
                   for a, b, n, ag, d, f in mid[["a", "b", "n", "agree", "disagree", "first"]].itertuples(
                       index=False, name=None)],
        hoverinfo="text", customdata=mid["first"].to_numpy(),
    ))
    nodes = list(graph.nodes)
    labelled = set(sorted(nodes, key=lambda n: -posts.get(n, 0))[:NETWORK_LABELS])
    community = _communities(users, nodes)
    op_names = set(users.loc[users["is_op"].fillna(False).astype(bool), "author"])
    max_posts = max(int(posts.get(n, 1)) for n in nodes)
    sizes = [10 + 26 * math.sqrt(posts.get(n, 1) / max_posts) for n in nodes]
    colors = [COMMUNITY_COLORS[community[n] % len(COMMUNITY_COLORS)] if community else
              (OP_COLOR if n in op_names else OTHERS_COLOR) for n in nodes]
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text",
        text=[esc(n) if n in labelled else "" for n in nodes], textposition="top center",
        textfont={"size": 10},
        marker={"size": sizes, "color": colors,
                "line": {"color": [OP_COLOR if n in op_names else "#ffffff" for n in nodes], "width": 2}},
        hovertext=[f"<b>{esc(n)}</b>{' (OP)' if n in op_names else ''}<br>{int(posts.get(n, 0))} post(s), "
                   f"{int(degree.get(n, 0))} repl(ies) given+received"
                   + (f"<br>community {community[n] + 1}" if community else "") for n in nodes],
        hoverinfo="text", showlegend=False, customdata=[["user", n] for n in nodes],
    ))
    hidden = max(0, len(ranked) - len(keep))
    _layout(fig, 560, xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
            margin={"l": 10, "r": 10, "t": 20, "b": 10})
    colored = "color is the community" if community else "the orange ring marks the thread starter"
    return FigureSpec(
        "user-network", "conversation", "Who answers whom",
        f"People (dot size = posts; {colored}) joined when one answers the other; thicker = more "
        "exchanges, red = mostly disagreeing, green = mostly agreeing; click a person to list their posts"
        + (f"; the {hidden} least connected people are left out." if hidden else "."), fig, 560)


def _communities(users: pd.DataFrame | None, nodes: Sequence[str]) -> dict[str, int]:
    if users is None or "community" not in users:
        return {}
    key = "author" if "author" in users else "user"
    mapping = users.set_index(key)["community"].dropna()
    return {n: int(mapping[n]) for n in nodes if n in mapping.index} if len(mapping) else {}


def reply_trees(frame: pd.DataFrame, trees: pd.DataFrame, top: int = TREE_ROOTS) -> FigureSpec | None:
    """The largest reply trees: x = floor, y = depth below the root. ``frame`` is the posts frame,
    whose ``reply_parent`` (``measures.reply_parents``) makes each conversation a tree; ``trees``
    is ``measures.reply_trees`` (largest first), which names the roots drawn."""
    if trees.empty or "reply_parent" not in frame:
        return None
    linked = frame[frame["reply_parent"].notna()]
    parents = pd.Series(linked["reply_parent"].astype("int64").to_numpy(), index=linked["floor"].to_numpy())
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(int(parent), []).append(int(child))
    roots = [int(root) for root in trees["root_floor"].head(top)]
    by_floor = frame.set_index("floor")
    fig = go.Figure()
    for index, root in enumerate(roots):
        depth = {root: 0}
        order = [root]
        for node in order:
            for child in children.get(node, []):
                if child not in depth:
                    depth[child] = depth[node] + 1
                    order.append(child)
        color = TREE_COLORS[index % len(TREE_COLORS)]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for node in order[1:]:
            parent = int(parents[node])
            xs += [parent, node, None]
            ys += [depth[parent], depth[node], None]
        name = f"#{root} {esc(by_floor.at[root, 'author'] if root in by_floor.index else '')}"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 1}, opacity=0.5,
                                 hoverinfo="skip", legendgroup=str(root), showlegend=False))
        fig.add_trace(scatter(len(order))(
            x=order, y=[depth[n] for n in order], mode="markers", name=f"{name} ({len(order) - 1} below)",
            legendgroup=str(root),
            marker={"color": color, "size": [14 if n == root else 8 for n in order], "symbol":
                    ["diamond" if n == root else "circle" for n in order]},
            hovertext=[post_label(n, by_floor.at[n, "author"] if n in by_floor.index else None,
                                  by_floor.at[n, "text"] if n in by_floor.index else "")
                       + (f"<br>answers #{int(parents[n])}" if n in parents.index and n != root else "")
                       for n in order],
            hoverinfo="text", customdata=order,
        ))
    if not fig.data:
        return None
    deepest = max((y for t in fig.data for y in (t.y or ()) if y is not None), default=0)
    _layout(fig, 420, xaxis_title="floor", yaxis={"title": "reply depth", "dtick": 1 if deepest <= 12 else 2,
                                                  "range": [deepest + 0.5, -0.5]})
    return FigureSpec(
        "reply-trees", "conversation", "The largest reply trees",
        "Each diamond starts a conversation (a post answering no other post); the dots of its color are the "
        "replies below it "
        "(down = replies to replies, right = later floors); click a dot to read it.", fig, 420)


#: What the debates figure calls a back-and-forth exchange, by the thread's main language
#: (``Analysis.language``): 对线 is Stage1st slang, meaningless to readers of an English thread.
DEBATE_TITLES = {
    "zh": "对线: people trading replies",
    "en": "Back-and-forth exchanges: people trading replies",
}


def debates(frame: pd.DataFrame, table: pd.DataFrame, limit: int = MAX_DEBATES,
            language: str = "zh") -> FigureSpec | None:
    """对线: each row is a pair of people trading replies; dots are their floors. The title is
    ``DEBATE_TITLES`` of ``language`` (the analysis's; English for any language but Chinese, as the
    rest of the report is).

    ``table``: one row per debate (an episode of one pair), columns ``user_a, user_b, floors``
    (``threadscope.measures.debates``); a pair's episodes share a row, pairs with the most debate
    floors first.
    """
    if table is None or table.empty:
        return None
    by_floor = frame.set_index("floor")
    pairs: dict[frozenset[str], dict[str, Any]] = {}
    for a, b, floors in table[["user_a", "user_b", "floors"]].itertuples(index=False, name=None):
        pair = pairs.setdefault(frozenset((a, b)), {"a": a, "b": b, "episodes": []})
        pair["episodes"].append([int(f) for f in floors if int(f) in by_floor.index])
    ranked = sorted(pairs.values(), key=lambda p: -sum(len(e) for e in p["episodes"]))[:limit][::-1]
    fig = go.Figure()
    rows = []
    for pair in ranked:
        a, b = pair["a"], pair["b"]
        rows.append(f"{esc(a)} ⇄ {esc(b)}")
        for episode in pair["episodes"]:
            if episode:
                fig.add_trace(go.Scatter(x=[min(episode), max(episode)], y=[rows[-1]] * 2, mode="lines",
                                         line={"color": "#cccccc", "width": 3}, hoverinfo="skip",
                                         showlegend=False))
        floors = sorted({f for episode in pair["episodes"] for f in episode})
        for who, color in ((a, TREE_COLORS[0]), (b, TREE_COLORS[1])):
            mine = [f for f in floors if by_floor.at[f, "author"] == who]
            fig.add_trace(go.Scatter(
                x=mine, y=[rows[-1]] * len(mine), mode="markers", showlegend=False,
                marker={"color": color, "size": 9, "line": {"color": "#fff", "width": 1}},
                hovertext=[post_label(f, who, by_floor.at[f, "text"]) for f in mine], hoverinfo="text",
                customdata=mine,
            ))
    height = max(240, 30 * len(rows) + 90)
    _layout(fig, height, xaxis_title="floor", yaxis={"automargin": True, "type": "category",
                                                     "categoryorder": "array", "categoryarray": rows})
    return FigureSpec(
        "debates", "conversation", DEBATE_TITLES.get(language, DEBATE_TITLES["en"]),
        "Each row is two people answering each other back and forth (blue = the first named, orange = the "
        "second); grey bars span each exchange, dots are their floors — click one to read it.", fig, height)


# --- Keywords --------------------------------------------------------------------------------

#: How the keywords were found, by the thread's main language (``Keywords.language``).
KEYWORD_CAPTIONS = {
    "zh": "The words the most posts use (jieba's words and Latin words, each counted once per post, "
          "weighted toward words rare in ordinary Chinese; function words left out).",
    "en": "The words the most posts use (English words, each counted once per post; English stop words "
          "left out).",
}


def keyword_bars(keywords: Keywords) -> FigureSpec | None:
    overall = keywords.overall
    if overall.empty:
        return None
    head = overall.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=head["posts"], y=[esc(t) for t in head["term"]], orientation="h", marker_color=OTHERS_COLOR,
        hovertext=[f"{esc(t)}: in {n} post(s) ({s:.1%})" for t, n, s in
                   zip(head["term"], head["posts"], head["share"], strict=True)], hoverinfo="text",
    ))
    height = max(260, 20 * len(head) + 80)
    _layout(fig, height, xaxis_title="posts using the term", yaxis={"automargin": True, "type": "category"})
    return FigureSpec(
        "keywords", "keywords", "Keywords",
        KEYWORD_CAPTIONS.get(keywords.language, KEYWORD_CAPTIONS["zh"]), fig, height)


def keyword_shift(keywords: Keywords) -> FigureSpec | None:
    shift = keywords.shift
    if shift.empty or shift.shape[1] < 2:
        return None
    segments = keywords.segments
    terms = [esc(t) for t in shift.index]
    hover = [[f"{esc(t)} in {label}: {v:.0%} of {n} posts" for label, v, n in
              zip(shift.columns, shift.loc[t], segments["posts"], strict=True)] for t in shift.index]
    fig = go.Figure(go.Heatmap(
        z=shift.to_numpy() * 100, x=list(shift.columns), y=terms, colorscale="Blues",
        colorbar={"title": "% of posts", "thickness": 12}, hovertext=hover, hoverinfo="text",
        customdata=[segments["first_floor"].tolist()] * len(terms), xgap=1, ygap=1,
    ))
    height = max(300, 20 * len(terms) + 110)
    _layout(fig, height, xaxis={"title": "floors (equal shares of the posts)", "type": "category"},
            yaxis={"autorange": "reversed", "type": "category", "automargin": True})
    return FigureSpec(
        "keyword-shift", "keywords", "How the topics shift",
        "Rows are terms, columns equal slices of the thread; darker = more of that slice's posts use the "
        "term, so a dark diagonal is a conversation moving on. Click a cell to read the slice's first floor.",
        fig, height)
