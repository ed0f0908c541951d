"""``render_report``: an ``Analysis`` in, one self-contained HTML report out.

The report draws what ``threadscope.analysis.analyze_thread`` computed and recomputes nothing: the
posts table is ``Analysis.posts``, the participants table ``Analysis.users``, the overview reads
the thread, the users frame and the ``audience``, ``most_answered`` and link tables, and every
figure draws a frame or a measure (``threadscope.report.figures``). ``anonymize`` replaces user
names everywhere (thread, frames, measures, keywords) with stable pseudonyms
(``threadscope.report.anonymize``).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from threadscope import measures
from threadscope.analysis import Analysis
from threadscope.nlp.language import snownlp_note
from threadscope.nlp.scorers import MAX_SCORED_CHARS
from threadscope.output import write_output
from threadscope.report import figures as F
from threadscope.report.anonymize import Pseudonyms
from threadscope.report.page import Column, Fact, PageContent, format_time, render_page, table_data
from threadscope.text import strip_bidi

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
    Column("replies_given", "Replies given", "int", title="posts answering someone else's post"),
    Column("replies_received", "Replies received", "int", title="posts of others answering theirs"),
    Column("mean_sentiment", "Mean score", "num"),
    Column("mean_snownlp", "Mean snownlp", "num"),
    Column("agree", "Agree", "int", title="posts agreeing with what they answer"),
    Column("disagree", "Disagree", "int", title="posts disagreeing with what they answer"),
)
#: How many people and posts the overview names.
OVERVIEW_TOP = 3


def render_report(analysis: Analysis, *, title: str | None = None, anonymize: bool = False,
                  progress: Progress | None = None) -> str:
    """The report of ``analysis`` as one HTML string."""
    say = progress or (lambda _step: None)
    if anonymize:
        analysis = Pseudonyms.for_thread(analysis.thread).analysis(analysis)
        title = Pseudonyms.for_thread(analysis.thread).text(title) if title else title
    thread, posts, users, tables = analysis.thread, analysis.posts, analysis.users, analysis.measures

    say("figures")
    specs: list[F.FigureSpec | None] = [
        F.posts_over_time(posts), F.posts_by_hour(posts), F.top_posters(users),
        F.sentiment_by_floor(posts), F.sentiment_over_time(posts), F.sentiment_distribution(posts),
        F.sentiment_by_participant(posts, users),
        F.stance_over_thread(posts), F.disputed_posts(tables["disputed"]),
        F.user_network(tables["user_pairs"], users), F.reply_trees(posts, tables["reply_trees"]),
        F.debates(posts, tables["debates"], language=analysis.language),
    ]
    if analysis.keywords is not None:
        specs += [F.keyword_bars(analysis.keywords), F.keyword_shift(analysis.keywords)]
    figures = [s for s in specs if s is not None]

    say("page")
    zone = thread.zone_label
    score_extras = [Column(c, c.replace("_", " "), _cell_type(posts[c]), digits=3)
                    for c in analysis.score_columns if c not in {col.key for col in POST_TABLE}]
    content = PageContent(
        title=title or thread.title or f"Thread {thread.tid}",
        subtitle=_subtitle(analysis, anonymize),
        facts=_facts(analysis),
        # files by their name only: a path names the user and folders of the machine that made it
        warnings=[str(replace(w, source=Path(w.source).name if w.source else w.source))
                  for w in thread.warnings],
        figures=figures,
        notes=_notes(analysis, {s.section for s in figures}),
        posts=table_data(posts, [*_zoned(POST_TABLE, zone), *score_extras]),
        participants=table_data(users, [*_zoned(PARTICIPANT_TABLE, zone), *_extra_user_columns(users)]),
        footer=f"threadscope {version('threadscope')} · generated {time.strftime('%Y-%m-%d %H:%M')} · "
               "one self-contained file: it loads nothing from the network",
    )
    return render_page(content)


def _cell_type(column: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(column):
        return "int"
    return "num" if pd.api.types.is_numeric_dtype(column) else "text"


def write_report(analysis: Analysis, path: str | Path, **options: Any) -> Path:
    """Render the report and write it to ``path`` (folders created); returns the path."""
    return write_output(path, render_report(analysis, **options))


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


def _subtitle(analysis: Analysis, anonymized: bool) -> str:
    thread = analysis.thread
    parts = [thread.forum]
    if thread.tid is not None:
        parts.append(f"tid {thread.tid}")
    if thread.format:
        parts.append(f"format {thread.format}")
    if analysis.scorers:
        parts.append(f"scorers {analysis.scorers}")
    if "language" in analysis.posts and "snownlp" in analysis.posts:
        note = snownlp_note(analysis.posts["language"].dropna())
        if note:
            parts.append(note)
    if anonymized:
        parts.append("names replaced by pseudonyms")
    return " · ".join(parts)


def _floor_link(floor: int, label: str | None = None) -> str:
    return f'<a href="#floor-{int(floor)}">{html.escape(label or f"#{int(floor)}")}</a>'


def _facts(analysis: Analysis) -> list[Fact]:
    def esc(value: str) -> str:
        return html.escape(strip_bidi(value))

    thread, users, tables = analysis.thread, analysis.users, analysis.measures
    counts = thread.status_counts()
    floors = [f"{len(thread.posts)} floors"]
    floors += [f"{counts[s]} {s}" for s in ("deleted", "banned", "hidden") if counts[s]]
    if thread.missing_floors:
        floors.append(f"{len(thread.missing_floors)} missing")
    span = thread.span
    starter = users[users["author"] == thread.starter]
    facts = [
        Fact("Floors", esc(floors[0])
             + (f"<br><small>{esc(', '.join(floors[1:]))}</small>" if floors[1:] else ""), big=True),
        Fact("Participants", esc(str(len(users))), big=True),
        Fact(f"Span ({thread.zone_label})",
             esc(" → ".join(str(format_time(end.astimezone(thread.zone))) for end in span)) +
             f"<br><small>{esc(_duration(span[1] - span[0]))}</small>" if span else "(no times)"),
        Fact("Thread starter", esc(thread.starter or "(unknown)") +
             (f"<br><small>{int(starter['posts'].iloc[0])} post(s)</small>" if len(starter) else "")),
    ]
    top = users.head(OVERVIEW_TOP)
    active = "".join(f"<li>{esc(str(a))} ({int(n)})</li>"
                     for a, n in zip(top["author"], top["posts"], strict=True))
    facts.append(Fact("Most active", f"<ul>{active}</ul>"))
    answered = tables["most_answered"]
    # replies only (answers to the thread would always put floor 1 first); a stable sort keeps
    # the measure's floor order among ties
    most = answered[answered["replies"] > 0].sort_values("replies", ascending=False, kind="stable")
    most = most.head(OVERVIEW_TOP)
    items = "".join(f"<li>{_floor_link(f)} {esc(str(a))} ({int(n)} repl{'y' if n == 1 else 'ies'})</li>"
                    for f, a, n in zip(most["floor"], most["author"], most["replies"], strict=True))
    facts.append(Fact("Most answered", f"<ul>{items}</ul>" if items else "(no replies found)"))
    facts.append(Fact("Links", esc(_link_summary(tables["link_counts"], tables["audience"]))))
    facts.append(Fact("Sources", "<ul>" + "".join(f"<li><code>{esc(Path(s).name)}</code></li>"
                                                  for s in thread.sources) + "</ul>"))
    return facts


def _link_summary(counts: pd.DataFrame, audience: pd.DataFrame) -> str:
    """The link counts and who the links answer, both as the measures give them."""
    by_kind = counts.set_index("kind")
    parts = [f"{int(by_kind.at[k, 'links'])} {k}" for k in ("quote", "reply", "implicit")
             if by_kind.at[k, "links"]]
    unresolved = int(by_kind.loc[["quote", "reply", "implicit"], "unresolved"].sum())
    text = ", ".join(parts) or "no replies"
    if unresolved:
        text += f"; {unresolved} unresolved"
    share = audience.set_index("audience")["share"]
    if audience["links"].sum():
        text += (f"; of all links {share['thread']:.0%} answer the thread, {share['op']:.0%} the starter's "
                 f"posts, {share['each_other']:.0%} each other")
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


def _notes(analysis: Analysis, shown: set[str]) -> dict[str, str]:
    notes: dict[str, str] = {}
    posts = analysis.posts
    if not F.has_columns(posts, "sentiment_score"):
        notes["sentiment"] = "No sentiment scorer was run (see --scorers)."
    if not F.has_columns(posts, "stance"):
        notes["stance"] = "No stance scorer was run (see --scorers)."
    if "conversation" not in shown:
        notes["conversation"] = "No post answers another in this thread."
    if analysis.keywords is None:
        notes["keywords"] = "Keywords were not computed."
    elif "keywords" not in shown:
        notes["keywords"] = "Too little text for keywords."
    if "activity" not in shown:
        notes["activity"] = "The posts carry no times."
    cut = analysis.posts.attrs.get("truncated_floors", ())
    if cut:
        notes["posts"] = (f"{len(cut):,} post(s) were scored on their first {MAX_SCORED_CHARS:,} characters "
                          f"(floor {', '.join(map(str, cut[:10]))}{', …' if len(cut) > 10 else ''}): "
                          "longer texts are cut for the scorers.")
    method = analysis.users.attrs.get("betweenness", "exact")
    if method != "exact":
        notes["participants"] = (
            f"Betweenness is {method}: with {len(analysis.users):,} participants (more than "
            f"{measures.EXACT_BETWEENNESS_MAX_USERS:,}) it is estimated from a sample of users, as exact "
            "betweenness would take minutes.")
    return notes
