"""Graph measures on the seed thread (small enough to check by hand) and the 3,011-floor
ViVid Strike thread of the text archive."""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from threadscope import frames, measures
from threadscope.graph import ThreadGraph, build_graphs
from threadscope.load import load_thread

from .conftest import FIXTURES, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"
VIVID = FIXTURES / "s1-text" / "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]"


@cache
def graphs_of(path: Path) -> ThreadGraph:
    return build_graphs(load_thread(path))


@pytest.fixture(scope="module")
def seed() -> ThreadGraph:
    return graphs_of(SEED)


@pytest.fixture(scope="module")
def vivid(fixtures: Path) -> ThreadGraph:
    return graphs_of(VIVID)


def row(frame: pd.DataFrame, column: str, value: object) -> dict:
    [found] = frame[frame[column] == value].to_dict("records")
    return found


@pytest.mark.parametrize(("function", "graph", "columns"), [
    (measures.most_answered, "posts", measures.MOST_ANSWERED_COLUMNS),
    (measures.reply_trees, "posts", measures.REPLY_TREE_COLUMNS),
    (measures.debates, "posts", measures.DEBATE_COLUMNS),
    (measures.audience, "posts", measures.AUDIENCE_COLUMNS),
    (measures.reciprocity, "users", measures.RECIPROCITY_COLUMNS),
    (measures.user_centrality, "users", measures.CENTRALITY_COLUMNS),
    (measures.communities, "users", measures.COMMUNITY_COLUMNS),
])
def test_declared_column_order(seed: ThreadGraph, function, graph: str, columns: tuple[str, ...]) -> None:
    assert tuple(function(getattr(seed, graph)).columns) == columns


def test_links_frame(seed: ThreadGraph) -> None:
    table = frames.links_frame(seed.thread, seed.links)
    assert tuple(table.columns) == frames.LINK_COLUMNS == (
        "forum", "thread", "source_floor", "target_floor", "kind", "confidence", "source_author",
        "target_author", "reason", "evidence", "is_reply", "stance")
    assert len(table) == 39
    assert row(table, "source_floor", 38) == {
        "forum": "stage1st", "thread": "2267042", "source_floor": 38, "target_floor": 27, "kind": "implicit",
        "confidence": 0.4, "source_author": "碧空之歌P", "target_author": "ackroyd", "reason": None,
        "evidence": "echo '未来之星'", "is_reply": True, "stance": None}
    assert int(table["is_reply"].sum()) == 12  # 10 quotes and 2 implicit; 27 answer the thread


def test_most_answered(seed: ThreadGraph) -> None:
    frame = measures.most_answered(seed.posts)
    assert frame.iloc[0][["floor", "answers", "op", "answering_users"]].tolist() == [1, 27, 27, 27]
    top = row(frame, "floor", 15)  # logiccat, quoted by 22, 24 and 33
    assert (top["author"], top["answers"], top["quote"], top["answering_users"]) == ("logiccat", 3, 3, 3)
    assert list(measures.most_answered(seed.posts, top=2)["floor"]) == [1, 15]


def test_reply_trees(seed: ThreadGraph) -> None:
    frame = measures.reply_trees(seed.posts)
    assert frame.iloc[0].to_dict() == {"root_floor": 2, "root_author": "哈利谢顿", "posts": 7, "users": 5,
                                       "depth": 4, "width": 3, "longest_chain": (2, 15, 22, 23, 26)}
    assert row(frame, "root_floor", 11)["longest_chain"] == (11, 12, 17)
    assert sorted(frame["root_floor"]) == [2, 7, 11, 27, 30, 36]


def test_reply_trees_on_a_long_thread(vivid: ThreadGraph) -> None:
    frame = measures.reply_trees(vivid.posts)
    assert frame["posts"].sum() <= vivid.posts.number_of_nodes()
    biggest = frame.iloc[0]
    assert (biggest["root_floor"], biggest["posts"], biggest["depth"]) == (2889, 42, 20)
    assert len(biggest["longest_chain"]) == biggest["depth"] + 1


def test_no_debates_on_the_seed(seed: ThreadGraph) -> None:
    assert measures.debates(seed.posts).empty


def test_debates_on_a_long_thread(vivid: ThreadGraph) -> None:
    frame = measures.debates(vivid.posts)
    first = frame.iloc[0]
    assert (first["user_a"], first["user_b"], first["turns"]) == ("Case", "CNFH1984", 36)
    assert (first["first_floor"], first["last_floor"]) == (2854, 2993)
    assert (frame["turns"] >= measures.DEBATE_MIN_TURNS).all()
    # a pause of more than a page splits the busiest pair's exchanges
    pair = frame[(frame["user_a"] == "kiralzb") & (frame["user_b"] == "煌·大和")]
    assert len(pair) > 1
    assert all(max(b - a for a, b in pairwise(f)) <= measures.DEBATE_MAX_GAP
               for f in frame["floors"])


def test_reciprocity(seed: ThreadGraph) -> None:
    frame = measures.reciprocity(seed.users)
    assert frame.attrs["overall"] == pytest.approx(6 / 38)  # 3 mutual pairs among 38 edges
    op = row(frame, "user", "哈利谢顿")
    assert (op["answers_users"], op["answered_by_users"], op["mutual_users"]) == (2, 28, 2)
    assert row(frame, "user", "Unbiquitous")["reciprocity"] == 1.0


def test_user_centrality(seed: ThreadGraph) -> None:
    frame = measures.user_centrality(seed.users)
    op = frame.iloc[0].to_dict()
    assert (op["user"], op["posts"], op["links_given"], op["links_received"]) == ("哈利谢顿", 4, 2, 29)
    assert (op["out_degree"], op["in_degree"]) == (2, 28)
    assert frame["betweenness"].idxmax() == 0


def test_communities_are_repeatable(vivid: ThreadGraph) -> None:
    first = measures.communities(vivid.users)
    assert first.equals(measures.communities(vivid.users))
    assert sorted(first["user"]) == sorted(vivid.users.nodes)
    sizes = first.groupby("community")["user"].count()
    assert (sizes == first.groupby("community")["community_size"].first()).all()
    assert list(sizes) == sorted(sizes, reverse=True)


def test_audience(seed: ThreadGraph, vivid: ThreadGraph) -> None:
    frame = measures.audience(seed.posts)
    assert frame.set_index("audience")["links"].to_dict() == {
        "thread": 27, "op": 2, "each_other": 10, "unresolved": 0}
    assert frame["share"].sum() == pytest.approx(1.0)
    long = measures.audience(vivid.posts).set_index("audience")
    assert long.loc["unresolved", "links"] == 6
    assert long.loc["each_other", "share"] > long.loc["thread", "share"]


def test_betweenness_is_exact_on_small_graphs_and_estimated_past_the_threshold(
        seed: ThreadGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = measures.user_centrality(seed.users)
    assert exact.attrs["betweenness"] == "exact"
    monkeypatch.setattr(measures, "EXACT_BETWEENNESS_MAX_USERS", 10)
    monkeypatch.setattr(measures, "BETWEENNESS_SAMPLES", 12)
    estimated = measures.user_centrality(seed.users)
    assert estimated.attrs["betweenness"] == f"approximate (k=12, seed={measures.BETWEENNESS_SEED})"
    assert estimated.equals(measures.user_centrality(seed.users))  # seeded: repeatable
    assert estimated["betweenness"].idxmax() == 0  # the starter still bridges the thread


@pytest.mark.parametrize("samples", [None, 5])
def test_betweenness_equals_networkx(seed: ThreadGraph, vivid: ThreadGraph, samples: int | None) -> None:
    """Our Brandes gives networkx's betweenness to the last bit, exact and sampled (seeded)."""
    for graph in (seed.users, vivid.users):
        ours = measures.betweenness(graph, k=samples, seed=measures.BETWEENNESS_SEED)
        assert ours == nx.betweenness_centrality(graph, k=samples, seed=measures.BETWEENNESS_SEED)
        assert any(value > 0 for value in ours.values())
