"""Graphs of who answers whom: the post graph and the user graph as networkx ``DiGraph``s.

``build_graphs`` resolves links (``threadscope.links``) unless given, checks them, and builds both
graphs; links the integrity check rejects are left out of the graphs and listed as problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from threadscope.links import check_links, link_problem, resolve_links
from threadscope.model import LINK_KINDS, Link, ParseWarning, Thread


@dataclass(frozen=True, slots=True)
class ThreadGraph:
    """A thread with its resolved links, the problems the integrity check found, and graphs."""

    thread: Thread
    links: tuple[Link, ...]
    problems: tuple[ParseWarning, ...]
    posts: nx.DiGraph
    users: nx.DiGraph


def post_graph(thread: Thread, links: Sequence[Link], *,
               stance: Mapping[tuple[int, int], str] | None = None) -> nx.DiGraph:
    """One node per post (model fields as attributes), one edge per valid resolved link.

    Links the integrity check rejects are left out (``check_links`` lists them); unresolved
    links are counted in the source node's ``unresolved`` attribute. ``stance`` ((source floor,
    target floor) → label, once scores exist) becomes the ``stance`` edge attribute: a stance is
    measured toward one target, so other edges of the same post carry none.
    """
    graph = nx.DiGraph(forum=thread.forum, tid=thread.tid, title=thread.title)
    for post in thread.posts:
        graph.add_node(post.floor, label=f"{post.floor}# {post.author or '?'}", author=post.author,
                       uid=post.uid, pid=post.pid, time=post.time,
                       is_op=post.is_op, status=post.status, text=post.text, n_chars=len(post.text),
                       unresolved=0)
    floors = {post.floor for post in thread.posts}
    for link in links:
        if link_problem(link, floors) is not None:
            continue
        if link.target is None:
            graph.nodes[link.source]["unresolved"] += 1
            continue
        old = graph.get_edge_data(link.source, link.target)
        if old is not None and old["confidence"] >= link.confidence:
            continue
        # ``weight`` is what Gephi and networkx algorithms read; here it is the confidence
        attrs: dict[str, Any] = {"kind": link.kind, "confidence": link.confidence,
                                 "weight": link.confidence, "evidence": link.evidence}
        if stance is not None and (link.source, link.target) in stance:
            attrs["stance"] = stance[link.source, link.target]
        graph.add_edge(link.source, link.target, **attrs)
    return graph


def user_graph(posts: nx.DiGraph) -> nx.DiGraph:
    """Authors, with an edge A → B weighted by how often A's posts answer B's, and per-kind
    counts (``quote``, ``reply``, ``implicit``, ``op``). Answers to oneself are not edges;
    they are counted in the node's ``self_links``. Posts without an author are left out."""
    graph = nx.DiGraph(**posts.graph)
    for floor, data in posts.nodes(data=True):
        author = data.get("author")
        if not author:
            continue
        if author not in graph:
            graph.add_node(author, posts=0, is_op=False, first_floor=floor, self_links=0)
        node = graph.nodes[author]
        node["posts"] += 1
        node["is_op"] = node["is_op"] or bool(data.get("is_op"))
    for source, target, data in posts.edges(data=True):
        a, b = posts.nodes[source].get("author"), posts.nodes[target].get("author")
        if not a or not b:
            continue
        if a == b:
            graph.nodes[a]["self_links"] += 1
            continue
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, weight=0, **dict.fromkeys(LINK_KINDS, 0))
        edge = graph.edges[a, b]
        edge["weight"] += 1
        edge[data["kind"]] += 1
    return graph


def build_graphs(thread: Thread, *, links: Sequence[Link] | None = None,
                 stance: Mapping[tuple[int, int], str] | None = None) -> ThreadGraph:
    """Resolve links (unless given), check them, and build the post and user graphs."""
    links = tuple(resolve_links(thread) if links is None else links)
    posts = post_graph(thread, links, stance=stance)
    return ThreadGraph(thread=thread, links=links, problems=check_links(thread, links),
                       posts=posts, users=user_graph(posts))
