"""Graph export: GEXF (opens in Gephi), GraphML, or the CSV edge list.

``render_graph`` turns a ``ThreadGraph`` into the bytes of one format; ``write_graph`` writes
them to a file (the ``threadscope graph`` command's one library call). The CSV of the post graph
is the links frame (``frames.LINK_COLUMNS``: unresolved links included, with an empty
``target_floor`` and a ``reason``); the CSV of the user graph is its weighted edge list
(``USER_EDGE_COLUMNS``).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.errors import UnknownChoiceError
from threadscope.model import LINK_KINDS
from threadscope.output import write_output

if TYPE_CHECKING:  # imported where used: the CLI reads this module's choices at start-up
    import networkx as nx
    import pandas as pd

    from threadscope.graph import ThreadGraph

GRAPH_FORMATS: tuple[str, ...] = ("gexf", "graphml", "csv")
#: File endings that name a format when none is given.
GRAPH_SUFFIXES: dict[str, str] = {".gexf": "gexf", ".graphml": "graphml", ".xml": "graphml", ".csv": "csv"}
#: Which graph to export: one node per post, or one node per author.
GRAPH_NODES: tuple[str, ...] = ("posts", "users")
USER_EDGE_COLUMNS: tuple[str, ...] = ("source_user", "target_user", "weight", *LINK_KINDS)

#: Characters XML 1.0 forbids; forum text can carry them (pasted control codes) and networkx's
#: writers would emit a file Gephi refuses.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: Float format of ``confidence`` in the CSV (the values are multiples of 0.05).
CSV_FLOAT_FORMAT = "%.2f"


def _plain(value: Any) -> Any:
    """An attribute value GEXF and GraphML can hold, or ``None`` to leave it out."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    return XML_INVALID.sub("", str(value))


def exportable(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy with only XML-safe scalar attributes (datetimes as ISO 8601, ``None`` dropped)."""
    import networkx as nx

    def clean(attrs: dict[str, Any]) -> dict[str, Any]:
        return {key: plain for key, value in attrs.items() if (plain := _plain(value)) is not None}

    # Node keys are written as XML attributes too (user names in the user graph): made XML-safe,
    # with a numeric suffix if two names differ only in what was dropped.
    keys: dict[Any, Any] = {}
    taken: set[Any] = set()
    for node in graph.nodes:
        key = XML_INVALID.sub("", node) if isinstance(node, str) else node
        base, n = key, 1
        while key in taken:
            n += 1
            key = f"{base}~{n}"
        keys[node] = key
        taken.add(key)
    copy = nx.DiGraph(**clean(dict(graph.graph)))
    copy.add_nodes_from((keys[node], clean(data)) for node, data in graph.nodes(data=True))
    copy.add_edges_from((keys[a], keys[b], clean(data)) for a, b, data in graph.edges(data=True))
    return copy


def user_edge_table(users: nx.DiGraph) -> pd.DataFrame:
    """The user graph's edges: who answers whom, how often, by kind."""
    import pandas as pd

    rows = [(a, b, data.get("weight", 0), *(data.get(kind, 0) for kind in LINK_KINDS))
            for a, b, data in users.edges(data=True)]
    return pd.DataFrame.from_records(rows, columns=list(USER_EDGE_COLUMNS))


def render_graph(graphs: ThreadGraph, format: str, *, nodes: str = "posts") -> bytes:
    """The post or user graph of ``graphs`` as GEXF, GraphML or CSV (UTF-8)."""
    import networkx as nx

    from threadscope.frames import links_frame

    if format not in GRAPH_FORMATS:
        raise UnknownChoiceError("graph format", format, GRAPH_FORMATS)
    if nodes not in GRAPH_NODES:
        raise UnknownChoiceError("graph", nodes, GRAPH_NODES)
    graph = graphs.posts if nodes == "posts" else graphs.users
    if format == "csv":
        table = links_frame(graphs.thread, graphs.links) if nodes == "posts" else user_edge_table(graph)
        return table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    if format == "gexf":
        nx.write_gexf(exportable(graph), buffer, encoding="utf-8")
    else:
        nx.write_graphml(exportable(graph), buffer, encoding="utf-8")
    return buffer.getvalue()


def write_graph(graphs: ThreadGraph, path: str | PathLike[str], format: str, *,
                nodes: str = "posts") -> Path:
    """Write the post or user graph to ``path`` (folders created); returns the path."""
    return write_output(Path(path), render_graph(graphs, format, nodes=nodes))
