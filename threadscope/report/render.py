"""``render_report``: a thread and its frames in, one self-contained HTML report out.

Inputs (all but the thread optional; a section whose data is missing says so instead of a figure):

``thread``
    the ``Thread`` from ``threadscope.load.load_thread``.
``posts``
    ``threadscope.frames.posts_frame(thread)``; built from ``thread`` when omitted.
``links``
    reply links, a DataFrame with ``source_floor, target_floor, kind, confidence`` (the graph
    issue's CSV columns) or the ``Link`` records of ``threadscope.graph`` (``source``/``target``).
``scores``
    per-floor scores with ``floor, sentiment, sentiment_score, sentiment_confidence, snownlp,
    stance, stance_confidence, stance_op`` (the scoring issue's columns); ``snownlp`` may be empty.
``measures``
    graph measures by name, as ``report_measures(graph)`` returns them from ``threadscope.measures``:
    ``users`` (one row per ``user``: centrality, reciprocity, ``community`` — which colors the
    network; its columns join the participants table) and ``debates`` (``user_a, user_b, floors``).
    With neither ``links`` nor ``measures`` given, both are computed from the thread
    (``threadscope.graph.build_graphs``); with ``links`` alone the 对线 figure, which needs the
    ``debates`` measure, is left out.
``anonymize``
    replace user names everywhere (thread, frames, text mentions) with stable pseudonyms
    (``threadscope.report.anonymize``).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from threadscope import __version__
from threadscope.frames import posts_frame
from threadscope.graph import build_graphs
from threadscope.model import Thread
from threadscope.output import write_output
from threadscope.report import figures as F
from threadscope.report.anonymize import Pseudonyms
from threadscope.report.data import (
    ANSWER_KINDS,
    answer_links,
    has_columns,
    links_frame,
    participants_frame,
    report_frame,
)
from threadscope.report.keywords import extract_keywords
from threadscope.report.page import Column, Fact, PageContent, format_time, render_page, table_data

Progress = Callable[[str], None]

#: Posts table columns, in order (only those the frame has are shown). ``floor`` must stay first.
POST_TABLE: tuple[Column, ...] = (
    Column("floor", "Floor", "int"),
    Column("author", "Author", "user"),
    Column("time", "Time ({zone})", "text", nowrap=True),
    Column("text", "Text", "longtext"),
    Column("sentiment", "Sentiment", "tag"),
    Column("sentiment_score", "Score", "num", title="our sentiment score, −1 … +1"),
    Column("snownlp", "snownlp", "num", title="snownlp's raw value, 0 … 1"),
    Column("stance", "Stance", "tag", title="toward the post it answers"),
    Column("stance_op", "To OP", "tag", title="stance toward the thread starter"),
    Column("target", "Answers", "floor", title="the post this one answers"),
    Column("link_kind", "Via", "tag", title="how the target was found: quote, reply, implicit, op"),
    Column("answered_by", "Answered by", "floors", title="floors that answer this post"),
    Column("rating_total", "Rating", "int", title="sum of 战斗力 ratings"),
    Column("is_op", "OP", "bool", title="written by the thread starter"),
    Column("status", "Status", "tag", quiet="normal"),
)
PARTICIPANT_TABLE: tuple[Column, ...] = (
    Column("author", "Participant", "user"),
    Column("posts", "Posts", "int"),
    Column("is_op", "OP", "bool"),
    Column("first_floor", "First", "floor"),
    Column("last_floor", "Last", "floor"),
    Column("first_time", "First post ({zone})", "text", nowrap=True),
    Column("last_time", "Last post ({zone})", "text", nowrap=True),
    Column("chars", "Chars", "int", title="characters of own text"),
    Column("answers_given", "Answers given", "int"),
    Column("answers_received", "Answers received", "int"),
    Column("mean_sentiment", "Mean score", "num"),
    Column("mean_snownlp", "Mean snownlp", "num"),
    Column("agree", "Agree", "int", title="posts agreeing with what they answer"),
    Column("disagree", "Disagree", "int", title="posts disagreeing with what they answer"),
)
#: How many people and posts the overview names.
OVERVIEW_TOP = 3


def render_report(
    thread: Thread,
    *,
    posts: pd.DataFrame | None = None,
    links: pd.DataFrame | Iterable[Any] | None = None,
    scores: pd.DataFrame | None = None,
    measures: Mapping[str, pd.DataFrame] | None = None,
    title: str | None = None,
    anonymize: bool = False,
    keywords: bool = True,
    progress: Progress | None = None,
) -> str:
    """The report as one HTML string (see the module docstring for the inputs)."""
    say = progress or (lambda _step: None)
    if links is None and measures is None:
        say("graph")
        graph = build_graphs(thread)
        links, measures = graph.links, report_measures(graph)
    links_df = links_frame(links)
    measures = dict(measures or {})
    if anonymize:
        names = Pseudonyms.for_thread(thread)
        thread = names.thread(thread)
        posts = None  # rebuilt from the anonymized thread
        links_df = names.frame(links_df)
        scores = names.frame(scores)
        measures = {k: names.frame(v) for k, v in measures.items()}
        title = names.text(title) if title else title
    if posts is None:
        posts = posts_frame(thread)
    answers = answer_links(links_df, posts)
    frame = report_frame(posts, links_df, scores, answers)
    users = measures.get("users")
    participants = participants_frame(frame, answers if links_df is not None else None, users)

    say("figures")
    specs: list[F.FigureSpec | None] = [
        F.posts_over_time(frame), F.posts_by_hour(frame), F.top_posters(participants),
        F.sentiment_by_floor(frame), F.sentiment_over_time(frame), F.sentiment_distribution(frame),
        F.sentiment_by_participant(frame),
        F.stance_over_thread(frame), F.disputed_posts(frame),
    ]
    if links_df is not None:
        specs += [F.user_network(frame, answers, users), F.reply_trees(frame, answers)]
        if "debates" in measures:
            specs.append(F.debates(frame, measures["debates"]))
    if keywords:
        say("keywords")
        found = extract_keywords(frame)
        specs += [F.keyword_bars(found), F.keyword_shift(found)]
    figures = [s for s in specs if s is not None]

    say("page")
    content = PageContent(
        title=title or thread.title or f"Thread {thread.tid}",
        subtitle=_subtitle(thread, anonymize),
        facts=_facts(thread, frame, participants, links_df),
        warnings=[str(w) for w in thread.warnings],
        figures=figures,
        notes=_notes(frame, links_df, keywords, {s.section for s in figures}),
        posts=table_data(frame, _zoned(POST_TABLE, thread.zone_label)),
        participants=table_data(participants, [*_zoned(PARTICIPANT_TABLE, thread.zone_label),
                                               *_extra_user_columns(participants)]),
        footer=f"threadscope {__version__} · generated {time.strftime('%Y-%m-%d %H:%M')} · "
               "one self-contained file: it loads nothing from the network",
    )
    return render_page(content)


def report_measures(graph: Any) -> dict[str, pd.DataFrame]:
    """The measures the report reads, from a ``threadscope.graph.ThreadGraph``."""
    from threadscope import measures

    users = measures.user_centrality(graph.users)
    for extra in (measures.reciprocity(graph.users), measures.communities(graph.users)):
        users = users.merge(extra[[c for c in extra.columns if c == "user" or c not in users.columns]],
                            on="user", how="left")
    return {"users": users, "debates": measures.debates(graph.posts)}


def write_report(thread: Thread, path: str | Path, **options: Any) -> Path:
    """Render the report and write it to ``path`` (folders created); returns the path."""
    return write_output(path, render_report(thread, **options))


def _zoned(columns: Iterable[Column], zone: str) -> list[Column]:
    """Column titles naming the clock the times are on (``{zone}`` → ``UTC+8``)."""
    return [replace(column, label=column.label.format(zone=zone)) for column in columns]


def _extra_user_columns(participants: pd.DataFrame) -> list[Column]:
    known = {c.key for c in PARTICIPANT_TABLE}
    extra = []
    for column in participants.columns:
        if column in known or not pd.api.types.is_numeric_dtype(participants[column]):
            continue
        integer = pd.api.types.is_integer_dtype(participants[column])
        extra.append(Column(column, column.replace("_", " "), "int" if integer else "num", digits=3))
    return extra


def _subtitle(thread: Thread, anonymized: bool) -> str:
    parts = [thread.forum]
    if thread.tid is not None:
        parts.append(f"tid {thread.tid}")
    if thread.format:
        parts.append(f"format {thread.format}")
    if anonymized:
        parts.append("names replaced by pseudonyms")
    return " · ".join(parts)


def _floor_link(floor: int, label: str | None = None) -> str:
    return f'<a href="#floor-{int(floor)}">{html.escape(label or f"#{int(floor)}")}</a>'


def _facts(thread: Thread, frame: pd.DataFrame, participants: pd.DataFrame,
           links: pd.DataFrame | None) -> list[Fact]:
    esc = html.escape
    counts = thread.status_counts()
    floors = [f"{len(thread.posts)} floors"]
    floors += [f"{counts[s]} {s}" for s in ("deleted", "banned", "hidden") if counts[s]]
    if thread.missing_floors:
        floors.append(f"{len(thread.missing_floors)} missing")
    span = thread.span
    facts = [
        Fact("Floors", esc(floors[0])
             + (f"<br><small>{esc(', '.join(floors[1:]))}</small>" if floors[1:] else ""), big=True),
        Fact("Participants", esc(str(len(participants))), big=True),
        Fact(f"Span ({thread.zone_label})",
             esc(" → ".join(str(format_time(end.astimezone(thread.zone))) for end in span)) +
             f"<br><small>{esc(_duration(span[1] - span[0]))}</small>" if span else "(no times)"),
        Fact("Thread starter", esc(thread.starter or "(unknown)") +
             f"<br><small>{int(frame['is_op'].sum())} post(s)</small>"),
    ]
    top = participants.head(OVERVIEW_TOP)
    active = "".join(f"<li>{esc(str(a))} ({int(n)})</li>"
                     for a, n in zip(top["author"], top["posts"], strict=True))
    facts.append(Fact("Most active", f"<ul>{active}</ul>"))
    if links is not None:
        answered = frame[frame["answered_by"].notna()]
        n_answers = answered["answered_by"].map(len)
        # A stable sort keeps floor order among ties: the earlier post is named first.
        most = answered.loc[n_answers.sort_values(ascending=False, kind="stable").index[:OVERVIEW_TOP]]
        items = "".join(
            f"<li>{_floor_link(f)} {esc(str(a))} ({len(by)} answer(s))</li>"
            for f, a, by in zip(most["floor"], most["author"], most["answered_by"], strict=True))
        facts.append(Fact("Most answered", f"<ul>{items}</ul>" if items else "(no answers found)"))
        facts.append(Fact("Links", esc(_link_summary(links, frame))))
    facts.append(Fact("Sources", "<ul>" + "".join(f"<li><code>{esc(Path(s).name)}</code></li>"
                                                  for s in thread.sources) + "</ul>"))
    return facts


def _link_summary(links: pd.DataFrame, frame: pd.DataFrame) -> str:
    kinds = links["kind"].value_counts()
    resolved = links["target_floor"].notna()
    parts = [f"{int(kinds.get(k, 0))} {k}" for k in ("quote", "reply", "implicit") if kinds.get(k, 0)]
    unresolved = int((~resolved & links["kind"].isin(ANSWER_KINDS)).sum())
    op_floors = set(frame.loc[frame["is_op"], "floor"])
    to_op = int((resolved & links["target_floor"].isin(op_floors)).sum())
    total = int(resolved.sum())
    text = ", ".join(parts) or "no answers"
    if unresolved:
        text += f"; {unresolved} unresolved"
    if total:
        text += f"; {to_op / total:.0%} of posts answer the starter, {1 - to_op / total:.0%} each other"
    return text


def _duration(delta: pd.Timedelta) -> str:
    days = delta.days
    hours = delta.seconds // 3600
    minutes = delta.seconds % 3600 // 60
    if days >= 2:
        return f"{days} days"
    if days or hours:
        return f"{days * 24 + hours} h {minutes} min"
    return f"{minutes} min"


def _notes(frame: pd.DataFrame, links: pd.DataFrame | None, keywords: bool,
           shown: set[str]) -> dict[str, str]:
    notes: dict[str, str] = {}
    if not has_columns(frame, "sentiment_score"):
        notes["sentiment"] = "No sentiment scores were given to the report (pass scores=…)."
    if not has_columns(frame, "stance"):
        notes["stance"] = "No stance scores were given to the report (pass scores=…)."
    if links is None:
        notes["conversation"] = "No reply links were given to the report (pass links=…)."
    elif "conversation" not in shown:
        notes["conversation"] = "No post answers another in this thread."
    if not keywords:
        notes["keywords"] = "Keywords were not computed."
    elif "keywords" not in shown:
        notes["keywords"] = "Too little text for keywords."
    if "activity" not in shown:
        notes["activity"] = "The posts carry no times."
    return notes
