"""Reply resolution + graphs + measures vs parsing, on the 3,011-floor ViVid Strike thread.

Run: ``python bench/bench_graph.py [PATH...] [--rounds N]`` (default: the 3-part 1336720 folder
of ../shared/fixtures/s1-text). Prints the best of N rounds for parsing (``load_thread``),
link resolution, building both graphs, and all measures, and the graph stages' share of the
parse time (target: well under 1x). A scaling check runs all three graph stages on the first half
of the thread: linear work takes about twice as long for twice the posts.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from threadscope import measures
from threadscope.graph import build_graphs
from threadscope.links import resolve_links
from threadscope.load import load_thread
from threadscope.model import Thread

DEFAULT = (Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "s1-text"
           / "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]")


def best(rounds: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    fastest, result = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, result


def all_measures(posts: Any, users: Any) -> None:
    for on_posts in (measures.most_answered, measures.reply_trees, measures.debates, measures.audience):
        on_posts(posts)
    for on_users in (measures.reciprocity, measures.user_centrality, measures.communities):
        on_users(users)


def graph_stages(thread: Thread) -> None:
    graphs = build_graphs(thread)
    all_measures(graphs.posts, graphs.users)


def half(thread: Thread) -> Thread:
    posts = thread.posts[: len(thread.posts) // 2]
    return replace(thread, posts=posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    parse_s, thread = best(args.rounds, lambda: load_thread(args.paths))
    resolve_s, links = best(args.rounds, lambda: resolve_links(thread))
    graphs_s, graphs = best(args.rounds, lambda: build_graphs(thread, links=links))
    posts, users = graphs.posts, graphs.users
    measures_s, _ = best(args.rounds, lambda: all_measures(posts, users))
    first_half = half(thread)
    half_s, _ = best(args.rounds, lambda: graph_stages(first_half))

    quotes = sum(len(post.quotes) for post in thread.posts)
    print(f"{len(thread.posts)} posts, {quotes} quotes, {len(links)} links; best of {args.rounds} rounds")
    print(f"parse        {parse_s * 1000:8.1f} ms")
    print(f"resolve      {resolve_s * 1000:8.1f} ms")
    print(f"graphs       {graphs_s * 1000:8.1f} ms  ({posts.number_of_edges()} post edges, "
          f"{users.number_of_edges()} user edges)")
    print(f"measures     {measures_s * 1000:8.1f} ms")
    total = resolve_s + graphs_s + measures_s
    print(f"graph stages {total * 1000:8.1f} ms = {total / parse_s:.2f}x the parse time")
    print(f"half thread  {half_s * 1000:8.1f} ms  (all graph stages; whole / half = {total / half_s:.2f}, "
          "linear ≈ 2)")


if __name__ == "__main__":
    main()
