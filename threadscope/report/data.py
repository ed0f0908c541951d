"""The report's tables: the posts frame joined with reply targets and scores, and per-participant rows.

Inputs follow the other stages' declared columns, so wiring is a join on ``floor``:

- ``posts``: ``threadscope.frames.posts_frame`` (``POST_COLUMNS``).
- ``links``: one row per resolved or unresolved link, columns ``source_floor, target_floor, kind,
  confidence`` (the graph issue's CSV columns; ``source``/``target`` are accepted as aliases, so the
  frame of ``threadscope.graph.Link`` records works as is). ``target_floor`` is empty for an
  unresolved quote.
- ``scores``: one row per floor, columns ``floor, sentiment, sentiment_score, sentiment_confidence,
  snownlp, stance, stance_confidence, stance_op`` (the scoring issue's output; extra columns kept).

Any of ``links``/``scores`` may be ``None``; the columns they would add are then absent and the
report leaves out the sections that need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

import pandas as pd

from threadscope.errors import ThreadscopeError
from threadscope.links import answered_floor, primary_links
from threadscope.model import Link

#: Link kinds that are a real answer to a post. ``op`` (a post with no target answers the thread)
#: is counted apart: every thread would otherwise have floor 1 as its "most answered" post.
ANSWER_KINDS: frozenset[str] = frozenset({"quote", "reply", "implicit"})

#: Score columns the report reads (the scoring issue's JSON Lines fields minus the keys).
SCORE_COLUMNS: tuple[str, ...] = (
    "sentiment", "sentiment_score", "sentiment_confidence", "snownlp", "stance", "stance_confidence",
    "stance_op",
)

#: Aliases of link columns: ``threadscope.graph.Link`` fields -> the CSV column names.
LINK_ALIASES: Mapping[str, str] = {"source": "source_floor", "target": "target_floor"}


class ReportDataError(ThreadscopeError):
    """A frame handed to the report lacks the columns its stage declares."""


def links_frame(links: pd.DataFrame | Iterable[Any] | None) -> pd.DataFrame | None:
    """Normalize links (a DataFrame, or an iterable of ``Link``-like dataclasses) to the CSV columns."""
    if links is None:
        return None
    if not isinstance(links, pd.DataFrame):
        rows = [asdict(link) if is_dataclass(link) else dict(link) for link in links]
        links = pd.DataFrame(rows, columns=None if rows else ["source_floor", "target_floor", "kind",
                                                              "confidence"])
    frame = links.rename(columns={k: v for k, v in LINK_ALIASES.items() if v not in links.columns})
    missing = {"source_floor", "target_floor", "kind", "confidence"} - set(frame.columns)
    if missing:
        raise ReportDataError(f"links frame lacks columns {sorted(missing)} (has {list(frame.columns)})")
    frame = frame.copy()
    frame["source_floor"] = frame["source_floor"].astype("int64")
    frame["target_floor"] = pd.to_numeric(frame["target_floor"], errors="coerce").astype("Int64")
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").astype(float)
    return frame


def answer_links(links: pd.DataFrame | None, posts: pd.DataFrame) -> pd.DataFrame:
    """Resolved answers (quote/reply/implicit) between two floors present in ``posts``, with authors.

    Columns: ``source_floor, target_floor, kind, confidence, source_author, target_author``; a
    post answering two posts gives two rows.
    """
    columns = ["source_floor", "target_floor", "kind", "confidence", "source_author", "target_author"]
    if links is None or links.empty:
        return pd.DataFrame(columns=columns)
    answers = links[links["kind"].isin(ANSWER_KINDS) & links["target_floor"].notna()]
    answers = answers[answers["source_floor"] != answers["target_floor"]]
    authors = posts.set_index("floor")["author"]
    answers = answers.assign(
        target_floor=answers["target_floor"].astype("int64"),
        source_author=answers["source_floor"].map(authors),
        target_author=answers["target_floor"].astype("int64").map(authors),
    )
    answers = answers[answers["target_floor"].isin(authors.index)]
    return answers[columns].drop_duplicates(["source_floor", "target_floor"]).reset_index(drop=True)


def primary_targets(links: pd.DataFrame | None) -> pd.DataFrame:
    """Per source floor, the one link the posts table shows, chosen by ``graph.primary_links`` (the
    rule the scorers use, so "Answers" names the post the stance was measured against)."""
    columns = ["floor", "target", "link_kind", "link_confidence"]
    if links is None or links.empty:
        return pd.DataFrame(columns=columns)
    records = [Link(int(source), None if pd.isna(target) else int(target), kind, float(confidence))
               for source, target, kind, confidence in zip(
                   links["source_floor"], links["target_floor"], links["kind"], links["confidence"],
                   strict=True)]
    chosen = sorted(primary_links(records).values(), key=lambda link: link.source)
    return pd.DataFrame([(link.source, answered_floor(link), link.kind, link.confidence) for link in chosen],
                        columns=columns)


def report_frame(posts: pd.DataFrame, links: pd.DataFrame | None, scores: pd.DataFrame | None,
                 answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """``posts`` plus ``target, link_kind, link_confidence, answered_by`` (from links) and the score
    columns.

    ``answered_by`` lists the floors that answer each post (quote/reply/implicit), ascending;
    ``answers`` is ``answer_links(links, posts)`` when the caller already has it.
    """
    frame = posts.copy()
    if links is not None:
        frame = frame.merge(primary_targets(links), on="floor", how="left")
        frame["target"] = frame["target"].astype("Int64")
        answers = answer_links(links, posts) if answers is None else answers
        answered_by = answers.sort_values("source_floor").groupby("target_floor")["source_floor"].agg(list)
        frame["answered_by"] = frame["floor"].map(answered_by)
    if scores is not None:
        keep = ["floor", *(c for c in SCORE_COLUMNS if c in scores.columns)]
        if "target_floor" in scores.columns and "target" not in frame.columns:
            keep.append("target_floor")
        scored = scores[keep].drop_duplicates("floor").rename(columns={"target_floor": "target"})
        frame = frame.merge(scored, on="floor", how="left")
        if "target" in frame.columns:
            frame["target"] = pd.to_numeric(frame["target"], errors="coerce").astype("Int64")
    return frame


def has_columns(frame: pd.DataFrame | None, *columns: str) -> bool:
    """True when ``frame`` exists and holds every column with at least one value."""
    return frame is not None and all(c in frame.columns and frame[c].notna().any() for c in columns)


def participants_frame(frame: pd.DataFrame, answers: pd.DataFrame | None,
                       users: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per author: posts, first/last floor and time, chars, answers given/received, scores.

    ``answers`` is ``answer_links`` (``None`` when there are no links: no answer columns).
    ``users`` (optional, from the graph measures) is merged on ``author`` (or ``user``) and adds
    whatever per-user columns it has (degree, betweenness, community, …).
    """
    authored = frame[frame["author"].notna()]
    grouped = authored.groupby("author", sort=False)
    table = pd.DataFrame({
        "posts": grouped.size(),
        "is_op": grouped["is_op"].any(),
        "first_floor": grouped["floor"].min(),
        "last_floor": grouped["floor"].max(),
        "first_time": grouped["time"].min(),
        "last_time": grouped["time"].max(),
        "chars": grouped["n_chars"].sum(),
    })
    if answers is not None:
        answers = answers[answers["source_author"] != answers["target_author"]]
        table["answers_given"] = answers.groupby("source_author").size().reindex(table.index).fillna(0)
        table["answers_received"] = answers.groupby("target_author").size().reindex(table.index).fillna(0)
        table["answers_given"] = table["answers_given"].astype("int64")
        table["answers_received"] = table["answers_received"].astype("int64")
    if has_columns(frame, "sentiment_score"):
        table["mean_sentiment"] = grouped["sentiment_score"].mean()
    if has_columns(frame, "snownlp"):
        table["mean_snownlp"] = grouped["snownlp"].mean()
    if has_columns(frame, "stance"):
        for stance in ("agree", "disagree"):
            table[stance] = grouped["stance"].agg(lambda s, stance=stance: int((s == stance).sum()))
    table = table.reset_index().rename(columns={"index": "author"})
    if users is not None and not users.empty:
        key = "author" if "author" in users.columns else "user" if "user" in users.columns else None
        if key is not None:
            extra = users.rename(columns={key: "author"})
            extra = extra[["author", *(c for c in extra.columns if c not in table.columns)]]
            table = table.merge(extra.drop_duplicates("author"), on="author", how="left")
    return table.sort_values(["posts", "first_floor"], ascending=[False, True]).reset_index(drop=True)


