"""Pluggable per-post scorers and the scores frame.

A scorer is anything with ``name``, ``version``, ``columns`` and ``score(context) -> dict`` of
column → one value per post of ``context.posts`` (floor order). Scorers run in order; each sees the
columns written before it in ``context.columns`` (stance reads sentiment). Bring another model by
passing your own list to ``score_thread(thread, scorers=[...])``.

The default set is ``DEFAULT_SET`` (name/version in ``frame.attrs["scorers"]`` and, in JSON Lines,
the ``scorers`` field): char123-lr sentiment + S1 lexicons, the rule-based stance, and snownlp's raw
value. Only the author's own text is scored (``Post.text``: no quotes, tails, edit notices, rating
blocks). Deleted, banned and hidden floors keep their row with empty scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pandas as pd

from threadscope.model import Post, Thread
from threadscope.nlp import sentiment as sentiment_mod
from threadscope.nlp import stance as stance_mod

if TYPE_CHECKING:
    from threadscope.model import Link

#: Column order of the scores frame (the issue's JSON Lines schema), then the scorer-set tag.
SCORE_COLUMNS: tuple[str, ...] = (
    "floor", "pid", "author", "target_floor", "sentiment", "sentiment_score", "sentiment_confidence",
    "snownlp", "stance", "stance_confidence", "stance_op",
)
DEFAULT_SET_NAME = "threadscope-default"
DEFAULT_SET_VERSION = "1"


@dataclass
class ScoringContext:
    """What scorers see: the thread, the scored posts, each post's target floor, earlier columns."""

    thread: Thread
    posts: Sequence[Post]
    targets: Mapping[int, int | None]
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def column(self, name: str) -> list[Any]:
        if name not in self.columns:
            raise KeyError(f"column {name!r} is not computed yet; "
                           f"scorers so far wrote {sorted(self.columns)}")
        return self.columns[name]


@runtime_checkable
class Scorer(Protocol):
    name: str
    version: str
    columns: tuple[str, ...]

    def score(self, context: ScoringContext) -> dict[str, list[Any]]: ...


def primary_targets(thread: Thread, links: Iterable[Link] | None = None) -> dict[int, int | None]:
    """Each post's target floor by ``threadscope.graph.primary_links`` (links resolved here when
    not given); ``None`` for the OP's own continuations."""
    from threadscope.links import answered_floor, primary_links, resolve_links

    best = primary_links(resolve_links(thread) if links is None else links)
    return {post.floor: answered_floor(best[post.floor]) if post.floor in best else None
            for post in thread.posts}


class SentimentScorer:
    name = "char123-lr+s1-lexicon"
    version = "2"  # 2: no forum shift, short-post and question calibration, slang additions/removals
    columns = ("sentiment", "sentiment_score", "sentiment_confidence")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        posts = context.posts
        result = sentiment_mod.score_sentiment([p.text for p in posts])
        return {"sentiment": list(result.label),
                "sentiment_score": [round(float(s), 4) for s in result.score],
                "sentiment_confidence": [round(float(c), 4) for c in result.confidence]}


class SnowNLPScorer:
    name = "snownlp"
    version = "raw"
    columns = ("snownlp",)

    def __init__(self, *, workers: int | None = None, cache: bool = True) -> None:
        self.workers, self.cache = workers, cache

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        from threadscope.nlp.snownlp_engine import snownlp_scores

        values = snownlp_scores([p.text for p in context.posts], workers=self.workers, cache=self.cache)
        return {"snownlp": [None if math.isnan(v) else round(v, 6) for v in values]}


class StanceScorer:
    name = "s1-stance-rules"
    # 2: clause-position cues, questions/answers, contrast, calibrated confidence;
    # 3: replies to the OP that do not push back agree (no OP polarity alignment), shared questions
    version = "3"
    columns = ("stance", "stance_confidence", "stance_op")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        scores = dict(zip((p.floor for p in context.posts), context.column("sentiment_score"), strict=True))
        by_floor = {p.floor: p for p in context.posts}
        starter = context.thread.starter
        op_floors = {p.floor for p in context.thread.posts if p.is_op or (starter and p.author == starter)}
        labels, confidences, to_op = [], [], []
        stance_op: dict[int, str | None] = {}
        for post in context.posts:
            target_floor = context.targets.get(post.floor)
            if target_floor is None:
                labels.append(None)
                confidences.append(None)
                stance_op[post.floor] = None
                to_op.append(None)
                continue
            # A target outside the files (floor 1 of a later part) is judged on the reply alone.
            target = by_floor.get(target_floor)
            target_author = target.author if target is not None else None
            rating = sum(r.score for r in post.ratings if target_author and r.user == target_author)
            target_is_op = target_floor in op_floors or target_floor == 1
            result = stance_mod.stance_of(stance_mod.StanceInput(
                text=post.text, target_text=target.text if target is not None else "",
                sentiment=scores[post.floor], target_sentiment=scores.get(target_floor, 0.0),
                target_is_op=target_is_op, rating_by_target_author=rating))
            labels.append(result.label)
            confidences.append(result.confidence)
            if target_is_op:
                stance_op[post.floor] = result.label
            else:
                stance_op[post.floor] = stance_mod.compose(result.label, stance_op.get(target_floor))
            to_op.append(stance_op[post.floor])
        return {"stance": labels, "stance_confidence": confidences, "stance_op": to_op}


def default_scorers(*, snownlp: bool = True, workers: int | None = None,
                    cache: bool = True) -> list[Scorer]:
    """The default set, in run order (sentiment before stance, which reads it)."""
    chosen: list[Scorer] = [SentimentScorer(), StanceScorer()]
    if snownlp:
        chosen.append(SnowNLPScorer(workers=workers, cache=cache))
    return chosen


def scorer_tag(scorers: Sequence[Scorer]) -> str:
    parts = "+".join(f"{s.name}/{s.version}" for s in scorers)
    return f"{DEFAULT_SET_NAME}/{DEFAULT_SET_VERSION} ({parts})"


def score_thread(thread: Thread, *, scorers: Sequence[Scorer] | None = None, snownlp: bool = True,
                 targets: Mapping[int, int | None] | None = None) -> pd.DataFrame:
    """Scores of every floor as a DataFrame in ``SCORE_COLUMNS`` order (+ columns of custom scorers).

    ``targets`` (floor → answered floor) defaults to the graph module's resolution.
    """
    chosen = list(scorers) if scorers is not None else default_scorers(snownlp=snownlp)
    all_targets = dict(targets) if targets is not None else primary_targets(thread)
    scored = [p for p in thread.posts if p.status == "normal"]
    context = ScoringContext(thread=thread, posts=scored, targets=all_targets)
    for scorer in chosen:
        for name, values in scorer.score(context).items():
            if len(values) != len(scored):
                raise RuntimeError(f"scorer {scorer.name} returned {len(values)} values for {name!r}, "
                                   f"expected {len(scored)}")
            context.columns[name] = list(values)
    rows = {p.floor: i for i, p in enumerate(scored)}
    data: dict[str, list[Any]] = {
        "floor": [p.floor for p in thread.posts], "pid": [p.pid for p in thread.posts],
        "author": [p.author for p in thread.posts],
        "target_floor": [all_targets.get(p.floor) for p in thread.posts],
    }
    extra = [name for name in context.columns if name not in SCORE_COLUMNS]
    for name in (*SCORE_COLUMNS[4:], *extra):
        values = context.columns.get(name)
        data[name] = [values[rows[p.floor]] if values is not None and p.floor in rows else None
                      for p in thread.posts]
    frame = pd.DataFrame(data)
    for column in ("pid", "target_floor"):
        frame[column] = frame[column].astype("Int64")
    for column in ("sentiment_score", "sentiment_confidence", "snownlp", "stance_confidence"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame.attrs["scorers"] = scorer_tag(chosen)
    return frame
