"""The analysis as tables: one row per post, per link, per person, each carrying ``forum`` and
``thread`` columns so that frames of many threads concatenate. Column sets are declared once here
(and documented in the README); every later reader (the report, exports, corpus mode) takes
them as they are.

``posts``
    ``POST_COLUMNS``: what the model holds, flattened; then ``LINK_POST_COLUMNS``: the post it
    answers (``target``, the rule every stage shares: ``links.primary_links``), how
    (``link_kind``, ``link_confidence``), its parent in the reply trees (``reply_parent``:
    ``measures.reply_parents``) and the floors that reply to it (``answered_by``); then the
    scorers' columns (``threadscope.nlp.scorers``).
``links``
    ``LINK_COLUMNS``: every link, unresolved ones included (``target_floor`` empty, with
    ``reason``); ``is_reply`` marks a quote/reply/implicit link between two different posts that
    are both here (``measures.REPLY_KINDS``), ``stance`` the source post's stance when this link
    is the one it was measured toward.
``users``
    ``USER_COLUMNS``: per author, activity and scores from the posts frame, replies given and
    received from the links frame, and the graph measures (centrality, reciprocity, community).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from threadscope import measures
from threadscope.links import answered_floor
from threadscope.model import Link, Thread

#: The thread a row belongs to: the forum's name and the thread's key (``Thread.key``).
KEY_COLUMNS: tuple[str, ...] = ("forum", "thread")

#: Model fields of ``posts``, in order.
POST_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS, "floor", "id", "pid", "parent", "author", "uid", "time", "is_op", "status", "text",
    "n_chars", "n_quotes", "quoted_authors", "reply_to", "edited_by", "edited_at", "rating_total",
    "n_ratings", "client", "n_smileys", "n_images", "n_links",
)
#: What ``posts`` says about each post's place in the conversation.
LINK_POST_COLUMNS: tuple[str, ...] = ("target", "link_kind", "link_confidence", "reply_parent", "answered_by")
LINK_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS, "source_floor", "target_floor", "kind", "confidence", "source_author", "target_author",
    "reason", "evidence", "is_reply", "stance",
)
USER_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS, "author", "posts", "is_op", "first_floor", "last_floor", "first_time", "last_time", "chars",
    "replies_given", "replies_received", "mean_sentiment", "mean_snownlp", "agree", "disagree",
    "links_given", "links_received", "out_degree", "in_degree", "betweenness",
    "answers_users", "answered_by_users", "mutual_users", "reciprocity", "community", "community_size",
)


def _with_key(frame: pd.DataFrame, thread: Thread) -> pd.DataFrame:
    frame.insert(0, "thread", thread.key)
    frame.insert(0, "forum", thread.forum)
    return frame


def _model_columns(thread: Thread) -> dict[str, Any]:
    """``POST_COLUMNS`` (without the key columns) as lists, in floor order."""
    posts = thread.posts
    return {
        "floor": [p.floor for p in posts], "id": [p.id for p in posts], "pid": [p.pid for p in posts],
        "parent": [p.parent for p in posts], "author": [p.author for p in posts],
        "uid": [p.uid for p in posts], "time": [p.time for p in posts], "is_op": [p.is_op for p in posts],
        "status": [p.status for p in posts],
        "text": [p.text for p in posts], "n_chars": [len(p.text) for p in posts],
        "n_quotes": [len(p.quotes) for p in posts],
        "quoted_authors": [tuple(q.author for q in p.quotes if q.author) for p in posts],
        "reply_to": pd.array([p.reply_to for p in posts], dtype="Int64"),
        "edited_by": [p.edit.by if p.edit else None for p in posts],
        "edited_at": [p.edit.at if p.edit else None for p in posts],
        "rating_total": [sum(r.score for r in p.ratings) for p in posts],
        "n_ratings": [len(p.ratings) for p in posts], "client": [p.client for p in posts],
        "n_smileys": [len(p.smileys) for p in posts], "n_images": [len(p.images) for p in posts],
        "n_links": [len(p.links) for p in posts],
    }


def _frame_of(thread: Thread, columns: dict[str, Any]) -> pd.DataFrame:
    """One DataFrame from the columns, the key columns first and times on the forum's clock (the
    zone whose wall clock the report shows). Built in one call: per-column inserts into a frame
    cost ~1 ms each, more than the data of a small thread."""
    columns["time"] = pd.to_datetime(pd.Series(columns["time"], dtype=object), utc=True).dt.tz_convert(
        thread.zone)
    count = len(columns["floor"])
    return pd.DataFrame({"forum": [thread.forum] * count, "thread": [thread.key] * count, **columns})


def model_frame(thread: Thread) -> pd.DataFrame:
    """``POST_COLUMNS`` for every post, in floor order; times on the forum's clock."""
    return _frame_of(thread, _model_columns(thread))


def posts_frame(thread: Thread, *, targets: Mapping[int, Link], post_graph: nx.DiGraph,
                scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The posts table: ``model_frame`` + ``LINK_POST_COLUMNS`` + the score columns of ``scores``
    (``nlp.scorers.score_thread``), joined on floor. ``targets`` is ``links.primary_links``."""
    columns = _model_columns(thread)
    answered: dict[int, list[int]] = {}
    for source, target, kind in sorted(post_graph.edges(data="kind")):
        if kind in measures.REPLY_KINDS:
            answered.setdefault(target, []).append(source)
    parents = measures.reply_parents(post_graph)
    floors = columns["floor"]
    columns["target"] = pd.array([answered_floor(targets[f]) if f in targets else None for f in floors],
                                 dtype="Int64")
    columns["link_kind"] = [targets[f].kind if f in targets else None for f in floors]
    columns["link_confidence"] = pd.array([targets[f].confidence if f in targets else None for f in floors],
                                          dtype="Float64")
    columns["reply_parent"] = pd.array([parents.get(f) for f in floors], dtype="Int64")
    columns["answered_by"] = [answered.get(f) for f in floors]
    scored = None
    if scores is not None:
        scored = scores.drop(columns=[c for c in ("pid", "author", "target_floor") if c in scores.columns])
        if scored["floor"].tolist() == floors:  # the usual case: rows in floor order already
            columns.update({name: scored[name].array for name in scored.columns if name != "floor"})
            scored = None
    frame = _frame_of(thread, columns)
    return frame if scored is None else frame.merge(scored, on="floor", how="left")


def links_frame(thread: Thread, links: Iterable[Link], *, targets: Mapping[int, Link] | None = None,
                stances: Mapping[int, str | None] | None = None) -> pd.DataFrame:
    """The links table (``LINK_COLUMNS``). ``targets`` (``links.primary_links``) and ``stances``
    (floor → its stance label) fill ``stance`` on each post's primary link."""
    def author(floor: int | None) -> str | None:
        post = thread.post(floor) if floor is not None else None
        return post.author if post is not None else None

    rows = []
    for link in links:
        present = link.target is not None and thread.post(link.target) is not None
        is_reply = link.kind in measures.REPLY_KINDS and present and link.target != link.source
        primary = targets is not None and targets.get(link.source) == link
        stance = stances.get(link.source) if primary and stances is not None else None
        rows.append((link.source, link.target, link.kind, link.confidence, author(link.source),
                     author(link.target), link.reason, link.evidence, is_reply, stance))
    frame = pd.DataFrame.from_records(rows, columns=list(LINK_COLUMNS[len(KEY_COLUMNS):]))
    frame["target_floor"] = frame["target_floor"].astype("Int64")
    frame["is_reply"] = frame["is_reply"].astype(bool)
    return _with_key(frame, thread)


#: How pandas stores a missing time on its integer clock.
NAT_TICKS = np.iinfo(np.int64).min


def _times_per_author(times: pd.Series, rows: list[list[int]],
                      reduce: Callable[[list[int]], int]) -> pd.Series:
    """``reduce`` (min or max) of each row group's times, skipping missing ones; on the integer
    clock (UTC ticks of the column's unit) because Timestamps cost ~10 ms a thread to rebuild."""
    ticks = times.array.asi8
    values = np.array([reduce(found) if (found := [int(ticks[i]) for i in group if ticks[i] != NAT_TICKS])
                       else NAT_TICKS for group in rows], dtype=np.int64)
    utc = pd.Series(values.view(f"M8[{times.dt.unit}]")).dt.tz_localize("UTC")
    return utc.dt.tz_convert(times.dt.tz)


def users_frame(thread: Thread, posts: pd.DataFrame, links: pd.DataFrame,
                user_graph: nx.DiGraph) -> pd.DataFrame:
    """The people table (``USER_COLUMNS``), most active first.

    Built by one pass over plain column lists rather than pandas groupbys and merges: a corpus
    builds this table for every thread, and for a thread of a few hundred posts the pandas
    version spent ~100 ms in fixed costs, more than parsing the thread."""
    authors = posts["author"].tolist()
    rows: dict[str, list[int]] = {}  # author → row positions, in order of first post
    for position, author in enumerate(authors):
        if isinstance(author, str):
            rows.setdefault(author, []).append(position)
    names = list(rows)

    def per_author(column: str, reduce: Callable[[list[Any]], Any]) -> list[Any]:
        values = posts[column].tolist()
        return [reduce([values[i] for i in rows[name]]) for name in names]

    def present(values: list[Any]) -> list[Any]:
        return [value for value in values if not pd.isna(value)]

    def mean(values: list[Any]) -> float:
        found = present(values)
        return sum(found) / len(found) if found else math.nan

    table: dict[str, Any] = {
        "author": names, "posts": [len(rows[name]) for name in names],
        "is_op": per_author("is_op", any), "first_floor": per_author("floor", min),
        "last_floor": per_author("floor", max),
        "first_time": _times_per_author(posts["time"], [rows[name] for name in names], min),
        "last_time": _times_per_author(posts["time"], [rows[name] for name in names], max),
        "chars": per_author("n_chars", sum),
    }
    given: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for source, target, is_reply in zip(links["source_author"].tolist(), links["target_author"].tolist(),
                                        links["is_reply"].tolist(), strict=True):
        if is_reply and source != target:
            given[source] += 1
            received[target] += 1
    table["replies_given"] = [given[name] for name in names]
    table["replies_received"] = [received[name] for name in names]
    for column, source_column in (("mean_sentiment", "sentiment_score"), ("mean_snownlp", "snownlp")):
        table[column] = (per_author(source_column, mean) if source_column in posts
                         else [math.nan] * len(names))
    stances = per_author("stance", Counter) if "stance" in posts else [Counter()] * len(names)
    for label in ("agree", "disagree"):
        table[label] = [tally[label] for tally in stances]
    graph_values, betweenness = measures.user_graph_measures(user_graph)
    missing = (math.nan,) * len(measures.USER_GRAPH_COLUMNS)
    for index, column in enumerate(measures.USER_GRAPH_COLUMNS):
        table[column] = [graph_values.get(name, missing)[index] for name in names]
    frame = pd.DataFrame(table)
    frame = frame.sort_values(["posts", "first_floor"], ascending=[False, True]).reset_index(drop=True)
    frame = _with_key(frame, thread)[list(USER_COLUMNS)]
    frame.attrs["betweenness"] = betweenness  # how the betweenness column was computed
    return frame
