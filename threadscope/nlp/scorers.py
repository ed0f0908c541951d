"""Pluggable per-post scorers and the scores frame.

A scorer is anything with ``name``, ``version``, ``columns`` and ``score(context) -> dict`` of
column → one value per post of ``context.posts`` (floor order). Scorers run in order; each sees the
columns written before it in ``context.columns`` (stance reads sentiment). Bring another model by
passing your own list to ``score_thread(thread, scorers=[...])``, by naming scorers
(``--scorers sentiment,stance``; ``available_scorers()``), or by declaring one under the
``threadscope.scorers`` entry point group. A scorer computes; parallel workers and caches are the
caller's (``SnowNLPScorer(workers=…, cache=…)`` is told them by the pipeline).

The default set is ``DEFAULT_SET`` (name/version in ``frame.attrs["scorers"]`` and, in JSON Lines,
the ``scorers`` field): char123-lr sentiment + S1 lexicons, the rule-based stance, and snownlp's raw
value. Only the author's own text is scored (``Post.text``: no quotes, tails, edit notices, rating
blocks). Deleted, banned and hidden floors keep their row with empty scores.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from threadscope.errors import ThreadscopeError, UnknownChoiceError
from threadscope.links import primary_targets, resolve_links
from threadscope.model import Post, Thread
from threadscope.nlp import english as english_mod
from threadscope.nlp import language as language_mod
from threadscope.nlp import sentiment as sentiment_mod
from threadscope.nlp import stance as stance_mod

#: Column order of the scores frame (the issue's JSON Lines schema), then the scorer-set tag.
SCORE_COLUMNS: tuple[str, ...] = (
    "floor", "pid", "author", "target_floor", "language", "sentiment", "sentiment_score",
    "sentiment_confidence", "snownlp", "stance", "stance_confidence", "stance_op",
)
#: Scorers read at most this many characters of a post's text (its head). A 50 MB post needed
#: 7.8 GB to analyze (issue 12); the longest post of every fixture and sample is far shorter (the
#: 3,872-char floor 1 of the seed), so real posts are scored whole. The floors cut are listed in
#: ``frame.attrs["truncated_floors"]`` and the report says how many.
MAX_SCORED_CHARS = 20_000
DEFAULT_SET_NAME = "threadscope-default"
#: 2: the language scorer first, English posts scored in English, and the in-domain models
#: (nlp/s1model.py, trained on labelled S1 replies) for the rest; 1: lexicon + rules
DEFAULT_SET_VERSION = "2"


@dataclass
class ScoringContext:
    """What scorers see: the thread, the scored posts (each text cut to ``MAX_SCORED_CHARS``), each
    post's target floor, earlier columns."""

    thread: Thread
    posts: Sequence[Post]
    targets: Mapping[int, int | None]
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def column(self, name: str) -> list[Any]:
        if name not in self.columns:
            raise MissingColumnError(name)
        return self.columns[name]


class MissingColumnError(KeyError):
    """A scorer read a column no earlier scorer wrote."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.column = column


class ScorerError(ThreadscopeError):
    """A scorer cannot run as chosen (a missing input column, a plugin of the wrong shape)."""


@runtime_checkable
class Scorer(Protocol):
    name: str
    version: str
    columns: tuple[str, ...]

    def score(self, context: ScoringContext) -> dict[str, list[Any]]: ...


def scored_languages(context: ScoringContext) -> list[str]:
    """Each scored post's language (the ``language`` scorer's column; all ``zh`` without it, as
    before that scorer existed)."""
    return [str(lang) for lang in context.columns.get("language") or ["zh"] * len(context.posts)]


class LanguageScorer:
    """zh / en / other per post (``nlp.language``): the scorers after it read each post in its language."""

    name = "script+wordlist-language"
    version = "1"
    columns = ("language",)

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        return {"language": language_mod.detect_languages([p.text for p in context.posts])}


def sentiment_columns(context: ScoringContext,
                      rows: list[tuple[Any, float, float]]) -> dict[str, list[Any]]:
    """The sentiment columns from one (label, score, confidence) row per post, English posts'
    rows replaced by the English scorer's: every sentiment scorer reads Chinese its own way and
    English the same way."""
    english = [i for i, lang in enumerate(scored_languages(context)) if lang == "en"]
    rows = list(rows)
    for i, row in zip(english, english_mod.score_sentiment([context.posts[i].text for i in english]),
                      strict=True):
        rows[i] = row
    return {"sentiment": [r[0] for r in rows], "sentiment_score": [r[1] for r in rows],
            "sentiment_confidence": [r[2] for r in rows]}


class SentimentScorer:
    name = "char123-lr+s1-lexicon"
    # 2: no forum shift, short-post and question calibration, slang additions/removals;
    # 3: English posts by the forum-adapted VADER of nlp.english (sentence weights, train cut-offs)
    version = "3"
    columns = ("sentiment", "sentiment_score", "sentiment_confidence")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        languages = scored_languages(context)
        chinese = [i for i, lang in enumerate(languages) if lang != "en"]  # zh, and other as before
        result = sentiment_mod.score_sentiment([context.posts[i].text for i in chinese])
        rows: list[tuple[Any, float, float]] = [("neu", 0.0, 0.0)] * len(languages)
        for i, label, score, confidence in zip(chinese, result.label, result.score, result.confidence,
                                               strict=True):
            rows[i] = (label, round(float(score), 4), round(float(confidence), 4))
        return sentiment_columns(context, rows)


class SnowNLPScorer:
    name = "snownlp"
    version = "raw"
    columns = ("snownlp",)

    def __init__(self, *, workers: int | None = 1, cache: bool = False) -> None:
        # one process and no disk cache unless the caller (the pipeline, a corpus engine) says so
        self.workers, self.cache = workers, cache

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        from threadscope.nlp.snownlp_engine import snownlp_scores

        # snownlp reads Chinese only: other posts keep an empty value (score_thread notes why)
        chinese = [i for i, lang in enumerate(scored_languages(context)) if lang == "zh"]
        values = snownlp_scores([context.posts[i].text for i in chinese], workers=self.workers,
                                cache=self.cache)
        column: list[float | None] = [None] * len(context.posts)
        for i, value in zip(chinese, values, strict=True):
            column[i] = None if math.isnan(value) else round(value, 6)
        return {"snownlp": column}


class StanceScorer:
    name = "s1-stance-rules"
    # 2: clause-position cues, questions/answers, contrast, calibrated confidence;
    # 3: replies to the OP that do not push back agree (no OP polarity alignment), shared questions;
    # 4: English stance forms of nlp.english taken from the train replies
    version = "4"
    columns = ("stance", "stance_confidence", "stance_op")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        scores = dict(zip((p.floor for p in context.posts), context.column("sentiment_score"), strict=True))
        by_floor = {p.floor: p for p in context.posts}
        op_floors = starter_floors(context.thread)
        labels: list[str | None] = []
        confidences: list[float | None] = []
        for post, language in zip(context.posts, scored_languages(context), strict=True):
            target_floor = context.targets.get(post.floor)
            if target_floor is None:
                labels.append(None)
                confidences.append(None)
                continue
            # A target outside the files (floor 1 of a later part) is judged on the reply alone.
            target = by_floor.get(target_floor)
            target_author = target.author if target is not None else None
            rating = sum(r.score for r in post.ratings if target_author and r.user == target_author)
            target_is_op = target_floor in op_floors or target_floor == 1
            rules = english_mod.stance_of if language == "en" else stance_mod.stance_of
            result = rules(stance_mod.StanceInput(
                text=post.text, target_text=target.text if target is not None else "",
                sentiment=scores[post.floor], target_sentiment=scores.get(target_floor, 0.0),
                target_is_op=target_is_op, rating_by_target_author=rating))
            labels.append(result.label)
            confidences.append(result.confidence)
        return {"stance": labels, "stance_confidence": confidences, "stance_op": toward_op(context, labels)}


def starter_floors(thread: Thread) -> set[int]:
    """Floors written by the thread starter: a reply to one of them answers the OP."""
    starter = thread.starter
    return {p.floor for p in thread.posts if p.is_op or (starter and p.author == starter)}


def toward_op(context: ScoringContext, labels: Sequence[str | None]) -> list[str | None]:
    """``stance_op``: each post's stance toward the thread starter, from its stance toward its
    target (``labels``, one per scored post), composed along reply chains (``stance.compose``:
    agreeing inherits the target's stance, disagreeing with a disagreer is neutral)."""
    op_floors = starter_floors(context.thread)
    stance_op: dict[int, str | None] = {}
    for post, label in zip(context.posts, labels, strict=True):
        target_floor = context.targets.get(post.floor)
        if target_floor is None or label is None:
            stance_op[post.floor] = None
        elif target_floor in op_floors or target_floor == 1:
            stance_op[post.floor] = label
        else:
            stance_op[post.floor] = stance_mod.compose(label, stance_op.get(target_floor))
    return [stance_op[post.floor] for post in context.posts]


#: The default set, by the names ``--scorers`` takes, in run order (stance reads sentiment).
DEFAULT_SCORERS: tuple[str, ...] = ("language", "sentiment", "stance", "snownlp")
#: The built-in scorers by name: a short name for the current model of each task, and each
#: model's own name, so that an older model stays selectable beside a newer default.
def _s1_sentiment() -> Scorer:
    from threadscope.nlp.s1model import S1SentimentScorer  # loads its model on first use

    return S1SentimentScorer()


def _s1_stance() -> Scorer:
    from threadscope.nlp.s1model import S1StanceScorer

    return S1StanceScorer()


BUILTIN_SCORERS: Mapping[str, Callable[[], Any]] = {
    "sentiment": _s1_sentiment, "s1-sentiment-lr": _s1_sentiment,
    "stance": _s1_stance, "s1-stance-lr": _s1_stance,
    # the set of version 1 (lexicon + rules), selectable for comparison
    SentimentScorer.name: SentimentScorer, StanceScorer.name: StanceScorer,
    "snownlp": SnowNLPScorer,
    "language": LanguageScorer, LanguageScorer.name: LanguageScorer,
}

logger = logging.getLogger(__name__)


@cache
def _plugin_scorers() -> dict[str, Callable[[], Scorer]]:
    """Scorers other packages declare under the ``threadscope.scorers`` entry point group (each
    entry: a scorer class or factory). A broken plugin is skipped with a logged warning."""
    found: dict[str, Callable[[], Scorer]] = {}
    for entry in entry_points(group="threadscope.scorers"):
        try:
            factory = entry.load()
        except Exception as exc:  # any failure inside third-party code
            logger.warning("scorer plugin %s (%s) not loaded: %s", entry.name, entry.value, exc)
            continue
        found[entry.name] = factory
    return found


def available_scorers() -> dict[str, Callable[[], Scorer]]:
    """Every scorer ``--scorers`` can name: the built-ins, then the entry-point plugins."""
    return {**BUILTIN_SCORERS, **_plugin_scorers()}


def get_scorers(names: Iterable[str]) -> list[Scorer]:
    """Scorer instances for ``names``, in that order; ``UnknownChoiceError`` lists the known names."""
    known = available_scorers()
    chosen: list[Scorer] = []
    for name in names:
        if name not in known:
            raise UnknownChoiceError("scorer", name, known)
        scorer = known[name]()
        if not isinstance(scorer, Scorer):
            raise ScorerError(f"scorer {name!r} lacks name/version/columns/score()")
        chosen.append(scorer)
    return chosen


def default_scorers(*, snownlp: bool = True) -> list[Scorer]:
    """The default set, in run order (sentiment before stance, which reads it)."""
    return get_scorers(name for name in DEFAULT_SCORERS if snownlp or name != "snownlp")


def resolve_scorers(scorers: Sequence[Scorer | str] | None, *, snownlp: bool = True) -> list[Scorer]:
    """Scorer instances from names or objects, in order; the default set when ``None``."""
    if scorers is None:
        return default_scorers(snownlp=snownlp)
    return [get_scorers([s])[0] if isinstance(s, str) else s for s in scorers]


def scorer_tag(scorers: Sequence[Scorer]) -> str:
    parts = "+".join(f"{s.name}/{s.version}" for s in scorers)
    with_snownlp = any(isinstance(s, SnowNLPScorer) for s in scorers)
    default = [type(s) for s in default_scorers(snownlp=with_snownlp)]
    is_default = [type(s) for s in scorers] == default
    set_name = f"{DEFAULT_SET_NAME}/{DEFAULT_SET_VERSION}" if is_default else "custom"
    return f"{set_name} ({parts})"


def score_thread(thread: Thread, *, scorers: Sequence[Scorer | str] | None = None, snownlp: bool = True,
                 targets: Mapping[int, int | None] | None = None) -> pd.DataFrame:
    """Scores of every floor as a DataFrame in ``SCORE_COLUMNS`` order (+ columns of custom scorers).

    ``scorers``: scorer objects or names (``available_scorers``); the default set otherwise
    (``snownlp=False`` leaves its column out). ``targets`` (floor → answered floor) defaults to
    ``links.primary_targets``.
    """
    chosen = resolve_scorers(scorers, snownlp=snownlp)
    all_targets = dict(targets) if targets is not None else primary_targets(thread, resolve_links(thread))
    scored = [p for p in thread.posts if p.status == "normal"]
    truncated = [p.floor for p in scored if len(p.text) > MAX_SCORED_CHARS]
    context = ScoringContext(thread=thread, posts=[
        replace(p, text=p.text[:MAX_SCORED_CHARS]) if len(p.text) > MAX_SCORED_CHARS else p for p in scored],
        targets=all_targets)
    for scorer in chosen:
        try:
            written = scorer.score(context)
        except MissingColumnError as exc:
            raise ScorerError(f"scorer {scorer.name} needs column {exc.column!r}, which no scorer before it "
                              f"writes; put the scorer that writes it first") from None
        for name, values in written.items():
            if len(values) != len(scored):
                raise ScorerError(f"scorer {scorer.name} returned {len(values)} values for {name!r}, "
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
        values_of = context.columns.get(name)
        data[name] = [values_of[rows[p.floor]] if values_of is not None and p.floor in rows else None
                      for p in thread.posts]
    frame = pd.DataFrame(data)
    # pid stays text, as in the model (Reddit's ids are base 36); floors are numbers
    frame["target_floor"] = frame["target_floor"].astype("Int64")
    for column in ("sentiment_score", "sentiment_confidence", "snownlp", "stance_confidence"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame.attrs["scorers"] = scorer_tag(chosen)
    if "snownlp" in context.columns and "language" in context.columns:
        note = language_mod.snownlp_note(context.columns["language"])
        frame.attrs["notes"] = [note] if note else []
    frame.attrs["truncated_floors"] = tuple(truncated)  # scored on their first MAX_SCORED_CHARS
    return frame
