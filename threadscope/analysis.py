"""One analysis result per thread: links, scores, graphs, frames and measures, computed once.

``analyze_thread`` is pure (a ``Thread`` in, an ``Analysis`` out; it reads no file and draws
nothing): links are resolved once (``links.resolve_links``), each post's answered post chosen once
(``links.primary_links``), the scorers measure stance toward that post, the graphs carry the
stances on their edges, and the frames and measures are built from those. The report
(``threadscope.report``) and the exports only read an ``Analysis``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import networkx as nx
import pandas as pd

from threadscope import frames, measures
from threadscope.graph import ThreadGraph, build_graphs
from threadscope.keywords import Keywords, extract_keywords, thread_language
from threadscope.links import answered_floor, primary_links, resolve_links
from threadscope.model import Link, ParseWarning, Thread
from threadscope.nlp.scorers import Scorer, SnowNLPScorer, resolve_scorers, score_thread

#: Called once when each stage starts, with the stage's name.
Progress = Callable[[str], None]
#: The stages of ``analyze_thread``, in run order.
ANALYSIS_STAGES: tuple[str, ...] = ("links", "scores", "graph", "measures")


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one thread. ``posts``, ``links`` and ``users`` are the frames of
    ``threadscope.frames`` (columns ``POST_COLUMNS`` + ``LINK_POST_COLUMNS`` + scores,
    ``LINK_COLUMNS``, ``USER_COLUMNS``); ``measures`` holds the other tables by name
    (``MEASURES``)."""

    thread: Thread
    posts: pd.DataFrame
    links: pd.DataFrame
    users: pd.DataFrame
    measures: Mapping[str, pd.DataFrame]
    graph: ThreadGraph
    #: name/version of the scorer set, e.g. ``threadscope-default/1 (char123-lr+s1-lexicon/2+…)``
    scorers: str
    #: the keywords of the thread's text, ``None`` when not asked for
    keywords: Keywords | None = None
    score_columns: tuple[str, ...] = field(default=())
    #: the thread's main language (``zh``, ``en``, ``other``: ``keywords.thread_language`` of the
    #: posts with text), decided once here; the keywords and the report's language-dependent labels
    #: (e.g. what the 对线 figure is called) follow it
    language: str = "zh"

    @property
    def post_graph(self) -> nx.DiGraph:
        return self.graph.posts

    @property
    def user_graph(self) -> nx.DiGraph:
        return self.graph.users

    @property
    def link_records(self) -> tuple[Link, ...]:
        return self.graph.links

    @property
    def problems(self) -> tuple[ParseWarning, ...]:
        """What the integrity check found wrong with the links (left out of the graphs)."""
        return self.graph.problems


#: The tables of ``Analysis.measures``, each from one function of ``threadscope.measures``.
MEASURES: tuple[str, ...] = (
    "most_answered", "reply_trees", "debates", "audience", "link_counts", "user_pairs", "disputed",
)


class MeasureTables(Mapping[str, pd.DataFrame]):
    """``Analysis.measures``: each table computed the first time it is read, then kept. A corpus
    reads one of the seven tables per thread; the report reads them all. Either way each table
    is computed once, by one function."""

    def __init__(self, compute: Mapping[str, Callable[[], pd.DataFrame]]) -> None:
        self._compute = dict(compute)
        self._tables: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = self._compute[name]()  # KeyError names the unknown table
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._compute)

    def __len__(self) -> int:
        return len(self._compute)

    def __repr__(self) -> str:
        return f"MeasureTables({', '.join(self._compute)})"


def choose_scorers(scorers: Sequence[Scorer | str] | None, *, snownlp: bool = True,
                   workers: int | None = 1, cache: bool = False) -> list[Scorer]:
    """Scorer instances from names or objects (the default set when ``None``). The snownlp column
    gets the caller's parallelism and cache: a scorer has none of its own."""
    return [SnowNLPScorer(workers=workers, cache=cache) if isinstance(s, SnowNLPScorer) else s
            for s in resolve_scorers(scorers, snownlp=snownlp)]


def analyze_thread(thread: Thread, *, scorers: Sequence[Scorer | str] | None = None, snownlp: bool = True,
                   keywords: bool = True, workers: int | None = 1, cache: bool = False,
                   progress: Progress | None = None) -> Analysis:
    """Links, scores, graphs, frames and measures of a parsed thread (from any adapter).

    ``scorers``: names (``nlp.scorers.available_scorers``) or scorer objects; the default set when
    ``None`` (``snownlp=False`` drops its column). ``workers``/``cache``: the snownlp column's
    process count and on-disk cache. ``keywords``: also extract the thread's keywords (jieba).
    """
    step = progress or (lambda _stage: None)
    step("links")
    links = resolve_links(thread)
    targets = primary_links(links)
    answered = {floor: answered_floor(link) for floor, link in targets.items()}
    step("scores")
    chosen = choose_scorers(scorers, snownlp=snownlp, workers=workers, cache=cache)
    scores = score_thread(thread, scorers=chosen, targets=answered)
    stance = _stances(scores)
    step("graph")
    graph = build_graphs(thread, links=links, stance={
        (floor, target): label for floor, label in stance.items()
        if label is not None and (target := answered.get(floor)) is not None})
    step("measures")
    posts = frames.posts_frame(thread, targets=targets, post_graph=graph.posts, scores=scores)
    posts.attrs["truncated_floors"] = scores.attrs.get("truncated_floors", ())
    links_table = frames.links_frame(thread, links, targets=targets, stances=stance)
    users = frames.users_frame(thread, posts, links_table, graph.users)
    tables = MeasureTables({
        "most_answered": partial(measures.most_answered, graph.posts),
        "reply_trees": partial(measures.reply_trees, graph.posts),
        "debates": partial(measures.debates, graph.posts),
        "audience": partial(measures.audience, graph.posts),
        "link_counts": partial(measures.link_counts, links_table),
        "user_pairs": partial(measures.user_pairs, links_table),
        "disputed": partial(measures.disputed_posts, posts),
    })
    score_columns = tuple(c for c in scores.columns if c not in ("floor", "pid", "author", "target_floor"))
    language = _language(posts)
    return Analysis(thread=thread, posts=posts, links=links_table, users=users, measures=tables, graph=graph,
                    scorers=str(scores.attrs.get("scorers", "")), score_columns=score_columns,
                    keywords=extract_keywords(posts, language=language) if keywords else None,
                    language=language)


def _language(posts: pd.DataFrame) -> str:
    """The thread's main language, of the posts that have text (an empty post says nothing)."""
    text = posts["text"].fillna("")
    usable = posts[(text != "") & ~text.str.isspace()]
    return thread_language(usable) if len(usable) else "zh"


def _stances(scores: pd.DataFrame) -> dict[int, str | None]:
    """floor → stance label toward its answered post (``None`` where there is none)."""
    if "stance" not in scores:
        return {}
    return {int(floor): (None if pd.isna(label) else str(label))
            for floor, label in zip(scores["floor"], scores["stance"], strict=True)}
