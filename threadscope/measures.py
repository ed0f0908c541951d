"""Every measure of a thread, as pandas DataFrames with their column order declared once.

Graph measures take a graph built by ``threadscope.graph`` (the post graph or the user graph);
the others take the frames of ``threadscope.frames``. Nothing here changes its input, and the
report only draws what these functions return: a number shown in two places comes from one
function here. Vocabulary: a link's ``kind`` is ``quote``, ``reply``, ``implicit`` or ``op``
(answering the thread); a *reply* is a link of the first three kinds between two posts (an answer
to a post, not to the thread).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from itertools import pairwise

import networkx as nx
import pandas as pd

from threadscope.links import primary_links
from threadscope.model import LINK_KINDS, Link

#: Column order of each frame.
MOST_ANSWERED_COLUMNS: tuple[str, ...] = (
    "floor", "author", "answers", "replies", *LINK_KINDS, "answering_users", "excerpt",
)
REPLY_TREE_COLUMNS: tuple[str, ...] = (
    "root_floor", "root_author", "posts", "users", "depth", "width", "longest_chain",
)
DEBATE_COLUMNS: tuple[str, ...] = (
    "user_a", "user_b", "turns", "links", "first_floor", "last_floor", "floors",
)
RECIPROCITY_COLUMNS: tuple[str, ...] = (
    "user", "answers_users", "answered_by_users", "mutual_users", "reciprocity",
)
CENTRALITY_COLUMNS: tuple[str, ...] = (
    "user", "posts", "links_given", "links_received", "out_degree", "in_degree", "betweenness",
)
COMMUNITY_COLUMNS: tuple[str, ...] = ("user", "community", "community_size", "posts")
AUDIENCE_COLUMNS: tuple[str, ...] = ("audience", "links", "posts", "share")
LINK_COUNT_COLUMNS: tuple[str, ...] = ("kind", "links", "resolved", "unresolved")
USER_PAIR_COLUMNS: tuple[str, ...] = ("user_a", "user_b", "replies", "agree", "disagree", "first_floor")
DISPUTED_COLUMNS: tuple[str, ...] = ("floor", "author", "disagree", "neutral", "agree", "replies", "excerpt")

#: Link kinds that answer a post rather than the thread.
REPLY_KINDS: frozenset[str] = frozenset({"quote", "reply", "implicit"})

#: The audiences of ``audience``, in display order: the thread itself (kind ``op``), the
#: starter's posts answered directly, other users' posts, and links whose target is unknown.
AUDIENCES: tuple[str, ...] = ("thread", "op", "each_other", "unresolved")

#: A 对线 debate: two users answering each other with at least this many turns (A→B, B→A,
#: A→B is three), as the issue defines it.
DEBATE_MIN_TURNS = 3
#: A pause of more than one S1 page (50 floors) between two answers of a pair ends a debate:
#: on the 3,011-floor fixture the busiest pair answers each other from floor 87 to 1649, which
#: is many exchanges, not one.
DEBATE_MAX_GAP = 50
#: Louvain starts from a random node order; a fixed seed makes communities repeatable.
LOUVAIN_SEED = 20240521
#: Exact betweenness is O(users × links): 2,500 users (a 50,000-floor thread) took 30 s, most of
#: ``analyze``. Above this many users it is estimated from ``BETWEENNESS_SAMPLES`` source users
#: (networkx's k-sample approximation, seeded: repeatable), which keeps ``analyze`` near-linear
#: (bench/bench_scale.py). Every fixture and sample has far fewer users and stays exact.
EXACT_BETWEENNESS_MAX_USERS = 1_000
BETWEENNESS_SAMPLES = 256
BETWEENNESS_SEED = 20240521
#: Characters of a post's text shown in ``most_answered``.
EXCERPT_CHARS = 40


def _frame(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=list(columns))


def most_answered(posts: nx.DiGraph, *, top: int | None = None) -> pd.DataFrame:
    """Posts by how many links point at them, with per-kind counts and distinct answering users."""
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    users: dict[int, set[str]] = defaultdict(set)
    for source, target, kind in posts.edges(data="kind"):
        kinds[target][kind] += 1
        author = posts.nodes[source].get("author")
        if author:
            users[target].add(author)
    rows = []
    for floor, counts in kinds.items():
        node = posts.nodes[floor]
        rows.append((floor, node.get("author"), counts.total(), counts.total() - counts["op"],
                     *(counts[k] for k in LINK_KINDS), len(users[floor]),
                     (node.get("text") or "")[:EXCERPT_CHARS]))
    frame = _frame(rows, MOST_ANSWERED_COLUMNS).sort_values(["answers", "floor"], ascending=[False, True])
    frame = frame.reset_index(drop=True)
    return frame.head(top) if top is not None else frame


def reply_parents(posts: nx.DiGraph) -> dict[int, int]:
    """Each post's conversational parent: its reply (non-``op``) link chosen by
    ``links.primary_links``. Reply trees, their figure and the posts frame's ``reply_parent`` all
    read this one map."""
    links = [Link(source, target, data["kind"], data["confidence"])
             for source, target, data in posts.edges(data=True) if data["kind"] != "op"]
    return {source: link.target for source, link in primary_links(links).items()
            if link.target is not None}


def reply_trees(posts: nx.DiGraph) -> pd.DataFrame:
    """Conversations below the thread level: trees of posts joined by quote/reply/implicit
    links (each post under its most confident target), with size, distinct users, depth
    (links on the longest chain), width (most posts at one depth) and that longest chain."""
    children: dict[int, list[int]] = defaultdict(list)
    parents = reply_parents(posts)
    for child, parent in sorted(parents.items()):
        children[parent].append(child)
    rows = []
    for root in sorted(children):
        if root in parents:
            continue
        level, depth_of, order = [root], {root: 0}, [root]
        widths = [1]
        while level:
            level = [child for node in level for child in children.get(node, ())]
            for child in level:
                depth_of[child] = len(widths)
            if level:
                widths.append(len(level))
                order += level
        deepest = max(order, key=lambda node: (depth_of[node], -node))
        chain = [deepest]
        while chain[-1] != root:
            chain.append(parents[chain[-1]])
        users = {posts.nodes[node].get("author") for node in order} - {None}
        rows.append((root, posts.nodes[root].get("author"), len(order), len(users), len(widths) - 1,
                     max(widths), tuple(reversed(chain))))
    frame = _frame(rows, REPLY_TREE_COLUMNS)
    return frame.sort_values(["posts", "root_floor"], ascending=[False, True]).reset_index(drop=True)


def debates(posts: nx.DiGraph, *, min_turns: int = DEBATE_MIN_TURNS,
            max_gap: int = DEBATE_MAX_GAP) -> pd.DataFrame:
    """对线: two users answering each other back and forth at least ``min_turns`` times.

    Links of kind ``op`` are not exchanges. A turn is a run of links in one direction, in
    floor order; a gap of more than ``max_gap`` floors starts a new exchange. ``user_a`` is
    who answered first; ``floors`` are the answering posts.
    """
    pairs: dict[frozenset[str], list[tuple[int, str]]] = defaultdict(list)
    for source, target, data in posts.edges(data=True):
        a, b = posts.nodes[source].get("author"), posts.nodes[target].get("author")
        if data["kind"] == "op" or not a or not b or a == b:
            continue
        pairs[frozenset((a, b))].append((source, a))
    rows = []
    for pair, items in pairs.items():
        items.sort()
        episode = [items[0]]
        for item in [*items[1:], None]:
            if item is not None and item[0] - episode[-1][0] <= max_gap:
                episode.append(item)
                continue
            turns = 1 + sum(1 for (_, x), (_, y) in pairwise(episode) if x != y)
            if turns >= min_turns:
                first = episode[0][1]
                floors = tuple(dict.fromkeys(floor for floor, _ in episode))
                rows.append((first, next(iter(pair - {first})), turns, len(episode), floors[0],
                             floors[-1], floors))
            if item is not None:
                episode = [item]
    frame = _frame(rows, DEBATE_COLUMNS)
    return frame.sort_values(["turns", "first_floor"], ascending=[False, True]).reset_index(drop=True)


def _reciprocity_rows(users: nx.DiGraph) -> list[tuple[str, int, int, int, float]]:
    """``RECIPROCITY_COLUMNS`` rows in node order. A user's reciprocity is networkx's node
    reciprocity (2 × mutual / (answered + answering)), taken from the same neighbour sets."""
    rows = []
    for user in users.nodes:
        out, into = set(users.successors(user)), set(users.predecessors(user))
        mutual = len(out & into)
        total = len(out) + len(into)
        rows.append((user, len(out), len(into), mutual, 2 * mutual / total if total else 0.0))
    return rows


def reciprocity(users: nx.DiGraph) -> pd.DataFrame:
    """Per user: how many users they answer, are answered by, and both (networkx's node
    reciprocity). The whole graph's ``overall_reciprocity`` is in ``frame.attrs['overall']``."""
    frame = _frame(_reciprocity_rows(users), RECIPROCITY_COLUMNS)
    frame = frame.sort_values(["mutual_users", "user"], ascending=[False, True]).reset_index(drop=True)
    frame.attrs["overall"] = nx.overall_reciprocity(users) if users.number_of_edges() else 0.0
    return frame


def betweenness(graph: nx.DiGraph, *, k: int | None = None, seed: int | None = None) -> dict[str, float]:
    """``nx.betweenness_centrality(graph, k=k, seed=seed)`` (normalised, unweighted, endpoints
    excluded; networkx 3.6's scaling of sampled sources) with the same values to the last bit:
    Brandes' algorithm in networkx's order of sources, neighbours and accumulation, on
    integer-indexed lists instead of per-source dicts over every node, which made it 4× slower
    on the user graphs of archive threads (a corpus computes one per thread)."""
    nodes = list(graph)
    n = len(nodes)
    if n <= 2:  # no node can lie between two others
        return dict.fromkeys(nodes, 0.0)
    index = {node: number for number, node in enumerate(nodes)}
    successors = [[index[w] for w in graph[node]] for node in nodes]
    sampled = None if k is None or k >= n else [index[node] for node in random.Random(seed).sample(nodes, k)]
    total = [0.0] * n
    for source in range(n) if sampled is None else sampled:
        order: list[int] = []
        parents: dict[int, list[int]] = {source: []}
        paths = [0.0] * n
        distance = [-1] * n
        paths[source], distance[source] = 1.0, 0
        queue = deque([source])
        while queue:
            v = queue.popleft()
            order.append(v)
            next_distance, paths_v = distance[v] + 1, paths[v]
            for w in successors[v]:
                if distance[w] < 0:
                    queue.append(w)
                    distance[w] = next_distance
                    parents[w] = []
                if distance[w] == next_distance:
                    paths[w] += paths_v
                    parents[w].append(v)
        dependency = dict.fromkeys(order, 0.0)
        while order:
            w = order.pop()
            coefficient = (1 + dependency[w]) / paths[w]
            for v in parents[w]:
                dependency[v] += paths[v] * coefficient
            if w != source:
                total[w] += dependency[w]
    pairs = n - 2  # targets other than the source and the node itself
    if sampled is None:
        scales = [1 / ((n - 1) * pairs)] * n
    else:
        # a sampled source cannot lie between itself and a target: its share has one source fewer
        sources = set(sampled)
        scales = [1 / ((len(sampled) - 1) * pairs) if number in sources else 1 / (len(sampled) * pairs)
                  for number in range(n)]
    return {node: total[number] * scales[number] for number, node in enumerate(nodes)}


def _centrality_rows(users: nx.DiGraph) -> tuple[list[tuple[str, int, int, int, int, int, float]], str]:
    """``CENTRALITY_COLUMNS`` rows in node order, and how betweenness was computed."""
    method = "exact"
    if users.number_of_nodes() <= EXACT_BETWEENNESS_MAX_USERS:
        between = betweenness(users)
    else:
        k = min(BETWEENNESS_SAMPLES, users.number_of_nodes())
        between = betweenness(users, k=k, seed=BETWEENNESS_SEED)
        method = f"approximate (k={k}, seed={BETWEENNESS_SEED})"
    rows = [
        (user, data.get("posts", 0), users.out_degree(user, weight="weight"),
         users.in_degree(user, weight="weight"), users.out_degree(user), users.in_degree(user),
         between.get(user, 0.0))
        for user, data in users.nodes(data=True)
    ]
    return rows, method


def user_centrality(users: nx.DiGraph) -> pd.DataFrame:
    """Per user: posts, links given and received (answers to the thread included: they point at
    the starter), distinct users answered (out-degree) and answering (in-degree), and
    betweenness on the unweighted graph: exact up to ``EXACT_BETWEENNESS_MAX_USERS`` users, else
    estimated; ``frame.attrs["betweenness"]`` says which ("exact" or "approximate (k=…, seed=…)")."""
    rows, method = _centrality_rows(users)
    frame = _frame(rows, CENTRALITY_COLUMNS)
    frame = frame.sort_values(["links_received", "user"], ascending=[False, True]).reset_index(drop=True)
    frame.attrs["betweenness"] = method
    return frame


def _community_rows(users: nx.DiGraph, *, seed: int = LOUVAIN_SEED,
                    resolution: float = 1.0) -> list[tuple[str, int, int, int]]:
    """``COMMUNITY_COLUMNS`` rows, community by community (see ``communities``)."""
    undirected = nx.Graph()
    undirected.add_nodes_from(users.nodes)
    for a, b, data in users.edges(data=True):
        earlier = undirected.edges[a, b]["weight"] if undirected.has_edge(a, b) else 0
        undirected.add_edge(a, b, weight=earlier + data.get("weight", 1))
    groups = nx.community.louvain_communities(undirected, weight="weight", resolution=resolution, seed=seed)

    def first_floor(group: set[str]) -> int:
        return min(users.nodes[user].get("first_floor", 0) for user in group)

    ordered = sorted(groups, key=lambda group: (-len(group), first_floor(group)))
    return [(user, number, len(group), users.nodes[user].get("posts", 0))
            for number, group in enumerate(ordered)
            for user in sorted(group, key=lambda u: users.nodes[u].get("first_floor", 0))]


def communities(users: nx.DiGraph, *, seed: int = LOUVAIN_SEED, resolution: float = 1.0) -> pd.DataFrame:
    """Louvain communities of the user graph taken as undirected (weights of A→B and B→A
    summed). Communities are numbered from 0 by size, then by their earliest post."""
    return _frame(_community_rows(users, seed=seed, resolution=resolution), COMMUNITY_COLUMNS)


#: The graph columns of the users table (``frames.USER_COLUMNS``), from ``user_centrality``,
#: ``reciprocity`` and ``communities``.
USER_GRAPH_COLUMNS: tuple[str, ...] = (
    *CENTRALITY_COLUMNS[2:], *RECIPROCITY_COLUMNS[1:], *COMMUNITY_COLUMNS[1:3],
)


def user_graph_measures(users: nx.DiGraph) -> tuple[dict[str, tuple[object, ...]], str]:
    """Per user, the ``USER_GRAPH_COLUMNS`` values: the same rows as ``user_centrality``,
    ``reciprocity`` and ``communities``, joined by user without building three frames (the users
    table of every thread of a corpus needs them); and how betweenness was computed."""
    centrality, method = _centrality_rows(users)
    reciprocal = {row[0]: row[1:] for row in _reciprocity_rows(users)}
    community = {row[0]: row[1:3] for row in _community_rows(users)}
    return {row[0]: (*row[2:], *reciprocal[row[0]], *community[row[0]]) for row in centrality}, method


def audience(posts: nx.DiGraph) -> pd.DataFrame:
    """How much of the thread answers the OP versus each other: links by audience (see
    ``AUDIENCES``), the distinct posts making them, and each audience's share of all links."""
    links: Counter[str] = Counter()
    sources: dict[str, set[int]] = defaultdict(set)
    for source, target, data in posts.edges(data=True):
        if data["kind"] == "op":
            kind = "thread"
        elif posts.nodes[target].get("is_op"):
            kind = "op"
        else:
            kind = "each_other"
        links[kind] += 1
        sources[kind].add(source)
    for floor, data in posts.nodes(data=True):
        if data.get("unresolved"):
            links["unresolved"] += data["unresolved"]
            sources["unresolved"].add(floor)
    total = sum(links.values())
    return _frame(((name, links[name], len(sources[name]), links[name] / total if total else 0.0)
                   for name in AUDIENCES), AUDIENCE_COLUMNS)


def user_pairs(links: pd.DataFrame) -> pd.DataFrame:
    """Who replies to whom, per unordered pair of people: replies both ways, how many of them
    agree or disagree with what they answer, and the first floor. ``links`` is the links frame
    (``frames.LINK_COLUMNS``); only replies between two different people count."""
    pairs: dict[tuple[str, str], list[int]] = {}  # (user_a, user_b) → replies, agree, disagree, first
    for source_floor, source, target, is_reply, stance in zip(
            links["source_floor"].tolist(), links["source_author"].tolist(), links["target_author"].tolist(),
            links["is_reply"].tolist(), links["stance"].tolist(), strict=True):
        if not (is_reply and isinstance(source, str) and isinstance(target, str) and source != target):
            continue
        counts = pairs.setdefault((min(source, target), max(source, target)), [0, 0, 0, source_floor])
        counts[0] += 1
        counts[1] += stance == "agree"
        counts[2] += stance == "disagree"
        counts[3] = min(counts[3], source_floor)
    ordered = sorted(pairs.items(), key=lambda pair: (-pair[1][0], pair[1][3], pair[0]))
    return _frame(((a, b, *counts) for (a, b), counts in ordered), USER_PAIR_COLUMNS)


def disputed_posts(posts: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Posts by how many replies disagree with them, with their neutral and agreeing replies.

    A reply counts toward the post its stance was measured against (``target``) when it reached
    it by a reply link: a post that only answers the thread says nothing about the opening post in
    particular, and counted in, floor 1 would dwarf every real dispute (1,200 on 1336720)."""
    if "stance" not in posts or "target" not in posts:
        return _frame((), DISPUTED_COLUMNS)
    floors = posts["floor"].tolist()
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for floor, target, stance, kind in zip(floors, posts["target"].tolist(), posts["stance"].tolist(),
                                           posts["link_kind"].tolist(), strict=True):
        if isinstance(stance, str) and not pd.isna(target) and target != floor and kind in REPLY_KINDS:
            counts[int(target)][stance] += 1
    row_of = {floor: row for row, floor in enumerate(floors)}
    authors, texts = posts["author"].tolist(), posts["text"].tolist()
    rows = [(floor, authors[row_of[floor]] if floor in row_of else None,
             tally["disagree"], tally["neutral"], tally["agree"],
             tally["disagree"] + tally["neutral"] + tally["agree"],
             str(texts[row_of[floor]])[:EXCERPT_CHARS] if floor in row_of else "")
            for floor, tally in sorted(counts.items()) if tally["disagree"] > 0]
    rows.sort(key=lambda row: (-row[2], -row[5], row[0]))
    return _frame(rows[:top] if top is not None else rows, DISPUTED_COLUMNS)


def link_counts(links: pd.DataFrame) -> pd.DataFrame:
    """Links per kind (``LINK_KINDS`` order), and how many found their target."""
    total: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    for kind, target in zip(links["kind"].tolist(), links["target_floor"].tolist(), strict=True):
        total[kind] += 1
        resolved[kind] += not pd.isna(target)
    return _frame(((kind, total[kind], resolved[kind], total[kind] - resolved[kind]) for kind in LINK_KINDS),
                  LINK_COUNT_COLUMNS)
