"""The corpus report: one offline HTML file over a corpus run's tables (``threadscope.corpus``).

It draws what the corpus tables hold, with the thread report's page (``page.render_page``: the
same CSP, inlined plotly, escaping) and helpers (``figures``): activity and sentiment by board
over time, the most active and the most answered users, who answers whom across threads, and the
most heated threads (disagreement share, 对线 density) linked to their per-thread reports.
The caller (``corpus.write_corpus_report``) aggregates the big tables column by column; this
module receives small frames only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from threadscope.measures import DEBATE_MIN_TURNS
from threadscope.report import figures as F
from threadscope.report.page import Column, Fact, PageContent, render_page, table_data

#: Users shown in the activity bars and in the who-answers-whom matrix.
TOP_USERS = 20
MATRIX_USERS = 20
#: Threads listed as the most heated.
HEATED_THREADS = 25
#: A thread needs this many posts with a stance before its disagreement share ranks it: a share of
#: 1/1 says nothing (the median S1 thread of the 2023 archive has ~40 floors).
MIN_STANCE_POSTS = 20
#: Bin of the over-time figures: a week smooths a board's daily rhythm and keeps a year at 52 points.
TIME_BIN = "7D"

PALETTE = F.COMMUNITY_COLORS

USER_TABLE: tuple[Column, ...] = (
    Column("author", "user"), Column("posts", "posts", "int"), Column("threads", "threads", "int"),
    Column("boards", "boards", "int"), Column("threads_started", "started", "int"),
    Column("replies_given", "replies given", "int"), Column("replies_received", "replies received", "int"),
    Column("mean_sentiment", "mean sentiment", "num"), Column("agree", "agree", "int"),
    Column("disagree", "disagree", "int"),
)


@dataclass(frozen=True)
class CorpusReportData:
    """Small frames the corpus report draws.

    ``threads``: the threads table (+ ``report``, a relative link to the thread's report or
    ``None``); ``users``: the users table; ``pairs``: source_author, target_author, replies (replies
    between two different people, summed over threads); ``activity``: board, day, posts,
    sentiment_sum, sentiment_n."""

    threads: pd.DataFrame
    users: pd.DataFrame
    pairs: pd.DataFrame
    activity: pd.DataFrame
    title: str = "Corpus"


def _weekly(activity: pd.DataFrame) -> pd.DataFrame:
    frame = activity.assign(week=pd.to_datetime(activity["day"], utc=True).dt.floor(TIME_BIN))
    return frame.groupby(["board", "week"], as_index=False)[["posts", "sentiment_sum", "sentiment_n"]].sum()


def _board_lines(weekly: pd.DataFrame, value: str, title: str, key: str, section: F.Section,
                 caption: str) -> F.FigureSpec | None:
    if weekly.empty:
        return None
    fig = go.Figure()
    for index, (board, group) in enumerate(weekly.groupby("board", sort=True)):
        points = group.dropna(subset=[value])
        if points.empty:
            continue
        fig.add_trace(go.Scatter(x=points["week"], y=points[value], mode="lines+markers", name=F.esc(board),
                                 line={"color": PALETTE[index % len(PALETTE)]},
                                 hovertemplate=f"{F.esc(board)} · %{{x|%Y-%m-%d}} · %{{y:.3g}}"
                                               "<extra></extra>"))
    if not fig.data:
        return None
    F._layout(fig, 360, yaxis_title=title)
    return F.FigureSpec(key, section, title.capitalize() + " by board", caption, fig, 360)


def _user_bars(users: pd.DataFrame, column: str, key: str, title: str, caption: str,
               section: F.Section) -> F.FigureSpec | None:
    if users.empty or column not in users or not users[column].sum():
        return None
    head = users.sort_values([column, "author"], ascending=[False, True]).head(TOP_USERS).iloc[::-1]
    fig = go.Figure(go.Bar(x=head[column], y=[F.esc(a) for a in head["author"]], orientation="h",
                           marker_color=F.OTHERS_COLOR,
                           hovertext=[f"{F.esc(a)}: {n} · {t} thread(s)" for a, n, t in
                                      zip(head["author"], head[column], head["threads"], strict=True)],
                           hoverinfo="text"))
    height = max(260, 22 * len(head) + 80)
    F._layout(fig, height, xaxis_title=column.replace("_", " "), yaxis={"automargin": True})
    return F.FigureSpec(key, section, title, caption, fig, height)


def _answer_matrix(pairs: pd.DataFrame) -> F.FigureSpec | None:
    if pairs.empty:
        return None
    volume = pd.concat([pairs.groupby("source_author")["replies"].sum(),
                        pairs.groupby("target_author")["replies"].sum()]).groupby(level=0).sum()
    people = list(volume.sort_values(ascending=False).head(MATRIX_USERS).index)
    inner = pairs[pairs["source_author"].isin(people) & pairs["target_author"].isin(people)]
    if inner.empty:
        return None
    matrix = inner.pivot_table(index="source_author", columns="target_author", values="replies",
                               aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=people, columns=people, fill_value=0)
    labels = [F.esc(p) for p in people]
    fig = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=labels, y=labels, colorscale="Blues",
                               hovertemplate="%{y} → %{x}: %{z} repl(ies)<extra></extra>"))
    F._layout(fig, 560, xaxis={"title": "answered", "automargin": True},
              yaxis={"title": "answering", "automargin": True, "autorange": "reversed"})
    return F.FigureSpec("answer-matrix", "conversation", "Who answers whom across threads",
                        f"Replies from each of the {len(people)} busiest people (rows) to each other "
                        "(columns), summed over every thread.", fig, 560)


def heated_threads(threads: pd.DataFrame) -> pd.DataFrame:
    """The most heated threads: disagreement share among posts with a stance (at least
    ``MIN_STANCE_POSTS`` of them), then 对线 per 100 floors."""
    if threads.empty:
        return threads
    ranked = threads[threads["stance_posts"] >= MIN_STANCE_POSTS]
    return ranked.sort_values(["disagreement_share", "debate_density", "key"],
                              ascending=[False, False, True]).head(HEATED_THREADS)


def _heated_figure(heated: pd.DataFrame) -> F.FigureSpec | None:
    if heated.empty:
        return None
    rows = heated.iloc[::-1]
    names = [F.esc(f"{b} · {t or k}"[:40]) for b, t, k in zip(rows["board"], rows["title"], rows["key"],
                                                             strict=True)]
    fig = go.Figure(go.Bar(x=rows["disagreement_share"], y=names, orientation="h",
                           marker_color=F.STANCE_COLORS["disagree"],
                           hovertext=[f"{n}<br>{d:.0%} disagree of {s} · {c} exchanges in {f} floors"
                                      for n, d, s, c, f in zip(names, rows["disagreement_share"],
                                                               rows["stance_posts"], rows["debates"],
                                                               rows["floors"], strict=True)],
                           hoverinfo="text"))
    height = max(260, 22 * len(rows) + 80)
    F._layout(fig, height, xaxis={"title": "disagreement share", "tickformat": ".0%"},
              yaxis={"automargin": True})
    return F.FigureSpec("heated-threads", "stance", "Most heated threads",
                        f"Share of posts disagreeing with the post they answer, threads with at least "
                        f"{MIN_STANCE_POSTS} posts with a stance.", fig, height)


def _heated_table(heated: pd.DataFrame) -> str:
    """The heated threads as escaped markup, each linked to its thread report when there is one."""
    if heated.empty:
        return '<p class="note">No thread has enough posts with a stance to rank.</p>'
    esc = html.escape
    head = ("<tr><th>board</th><th>thread</th><th>floors</th><th>participants</th><th>disagree</th>"
            "<th>exchanges (对线)</th><th>per 100 floors</th></tr>")
    rows = []
    for row in heated.itertuples(index=False):
        name = esc(str(row.title or row.key))
        link = getattr(row, "report", None)
        cell = f'<a href="{esc(link, quote=True)}">{name}</a>' if isinstance(link, str) and link else name
        numbers = (row.floors, row.participants, f"{row.disagreement_share:.0%}", row.debates,
                   f"{row.debate_density:.1f}")
        cells = "".join(f'<td class="num">{value}</td>' for value in numbers)
        rows.append(f"<tr><td>{esc(str(row.board))}</td><td>{cell}</td>{cells}</tr>")
    return ('<p class="caption note">Ranked by disagreement share, then back-and-forth exchanges (two people '
            f'answering each other in at least {DEBATE_MIN_TURNS} turns; 对线 on Stage1st) per 100 floors; '
            'a linked title opens the thread\'s own report.</p>'
            f'<table class="static">{head}{"".join(rows)}</table>')


def render_corpus_report(data: CorpusReportData) -> str:
    """The corpus report as one HTML string."""
    threads, users = data.threads, data.users
    weekly = _weekly(data.activity) if not data.activity.empty else data.activity
    if not weekly.empty:
        weekly["mean_sentiment"] = ((weekly["sentiment_sum"] / weekly["sentiment_n"])
                                    .where(weekly["sentiment_n"] > 0))
    heated = heated_threads(threads)
    specs = [
        _board_lines(weekly, "posts", "posts per week", "board-activity", "activity",
                     "Posts per week in each board (UTC weeks), every thread of the corpus."),
        _user_bars(users, "posts", "top-users", "Most active users",
                   f"The {TOP_USERS} people with the most posts across all threads.", "activity"),
        _board_lines(weekly, "mean_sentiment", "mean sentiment", "board-sentiment", "sentiment",
                     "Mean sentiment score (-1..1) of each board's posts per week."),
        _heated_figure(heated),
        _user_bars(users, "replies_received", "most-answered", "Most answered users",
                   f"The {TOP_USERS} people others answered most often, across all threads.", "conversation"),
        _answer_matrix(data.pairs),
    ]
    span = (pd.to_datetime(threads["span_start"]).min(), pd.to_datetime(threads["span_end"]).max()) \
        if not threads.empty else (None, None)
    facts = [
        Fact("threads", f"{len(threads):,}", big=True),
        Fact("posts", f"{int(threads['floors'].sum()) if not threads.empty else 0:,}", big=True),
        Fact("boards", html.escape(", ".join(sorted(map(str, threads["board"].unique()))) if not threads.empty
                                   else "")),
        Fact("people", f"{len(users):,}"),
        Fact("span", html.escape(" – ".join(f"{t:%Y-%m-%d}" for t in span if t is not None and pd.notna(t)))),
    ]
    user_table = table_data(users.head(500), USER_TABLE) if not users.empty else None
    content = PageContent(
        title=data.title, subtitle=f"{len(threads):,} threads · threadscope corpus report",
        facts=facts, warnings=[], figures=[s for s in specs if s is not None],
        participants=user_table, posts=None, tables=False,
        extra_sections=(("threads", "Most heated threads", _heated_table(heated)),
                        ("people", "People (the 500 most active)",
                         '<div id="participants-table"></div>' if user_table else "")),
        footer="threadscope corpus report · offline, nothing loaded from the network",
    )
    return render_page(content)
