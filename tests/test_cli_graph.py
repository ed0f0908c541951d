"""``threadscope graph`` and the export module: formats, columns, exit codes, error lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from threadscope.cli import cli
from threadscope.errors import OutputError, UnknownChoiceError
from threadscope.export import USER_EDGE_COLUMNS, exportable, render_graph, write_graph
from threadscope.graph import build_graphs
from threadscope.load import load_thread

from .conftest import FIXTURES, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"
CSV_HEADER = ("forum,thread,source_floor,target_floor,kind,confidence,source_author,target_author,reason,"
              "evidence,is_reply,stance")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["graph", *args])
    return result.exit_code, result.stdout, result.stderr


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_edge_list(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    code, _, err = run(str(SEED), "--to", "csv", "-o", str(out))
    assert code == 0, err
    assert err == (f"Wrote csv posts graph (41 nodes, 39 edges; 0 unresolved links, 0 link problems)"
                   f" to {out}\n")
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == CSV_HEADER
    rows = read_csv(text)
    assert len(rows) == 39
    assert rows[[r["source_floor"] for r in rows].index("10")] == {
        "forum": "stage1st", "thread": "2267042", "source_floor": "10", "target_floor": "7", "kind": "quote",
        "confidence": "0.95", "source_author": "哈利谢顿", "target_author": "黑哥啥时改密码", "reason": "",
        "evidence": "author+time 黑哥啥时改密码 2025-11-12 15:48", "is_reply": "True", "stance": ""}


def test_csv_keeps_unresolved_links_with_a_reason(fixtures: Path) -> None:
    code, out, _ = run(str(FIXTURES / "s1-rss" / "stage1starchive-1944003.xml"), "--to", "csv", "-o", "-")
    assert code == 0
    unresolved = [r for r in read_csv(out) if not r["target_floor"] and r["kind"] == "quote"]
    assert [(r["source_floor"], r["reason"]) for r in unresolved][:2] == [
        ("20", "target not in these pages"), ("22", "target not in these pages")]


def test_gexf_opens_as_a_digraph(tmp_path: Path) -> None:
    out = tmp_path / "seed.gexf"  # format taken from the ending
    code, _, _ = run(str(SEED), "-o", str(out))
    assert code == 0
    graph = nx.read_gexf(out)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (41, 39)
    assert graph.nodes["38"]["label"] == "38# 碧空之歌P"
    assert graph.nodes["38"]["time"] == "2025-11-12T19:25:00+08:00"
    assert graph.edges["38", "27"]["kind"] == "implicit"


def test_graphml_user_graph(tmp_path: Path) -> None:
    out = tmp_path / "users.graphml"
    code, _, _ = run(str(SEED), "--nodes", "users", "-o", str(out))
    assert code == 0
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == 34
    assert graph.edges["Unbiquitous", "哈利谢顿"]["weight"] == 2


def test_pages_of_one_thread_together(tmp_path: Path) -> None:
    out = tmp_path / "pages.csv"
    pages = [SAMPLES / "s1-2267042-page-1.html", SAMPLES / "s1-2267042-page-2.html"]
    code, _, err = run(*map(str, pages), "-o", str(out))
    assert code == 0, err
    rows = read_csv(out.read_text(encoding="utf-8"))
    assert {r["source_floor"]: r["target_floor"] for r in rows if r["kind"] == "quote"}["35"] == "30"


@pytest.mark.parametrize(("args", "message"), [
    (["does/not/exist.md"], "Error: does/not/exist.md: no such file\n"),
    ([str(SEED), "--format", "api"], None),
])
def test_bad_input_is_one_line_exit_1(tmp_path: Path, args: list[str], message: str | None) -> None:
    code, out, err = run(*args, "-o", str(tmp_path / "x.csv"))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Error: ")
    if message:
        assert err == message
    assert not (tmp_path / "x.csv").exists()


def test_unwritable_output_is_one_line_exit_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(str(SEED), "-o", str(blocker / "links.csv"))
    assert code == 1
    assert err.startswith(f"Error: {blocker / 'links.csv'}: cannot write: ") and err.count("\n") == 1


@pytest.mark.parametrize(("args", "fragment"), [
    (["--to", "pdf", "-o", "x"], "'pdf' is not one of 'gexf', 'graphml', 'csv'"),
    (["--nodes", "floors", "-o", "x"], "'floors' is not one of 'posts', 'users'"),
    ([], "Missing option '-o'"),
])
def test_usage_errors_exit_2(args: list[str], fragment: str) -> None:
    code, _, err = run(str(SEED), *args)
    assert code == 2
    assert fragment in err


# --- The library side --------------------------------------------------------------------------

def test_render_rejects_unknown_choices() -> None:
    graphs = build_graphs(load_thread(SEED))
    with pytest.raises(UnknownChoiceError, match="graph format 'dot'; choose one of: gexf, graphml, csv"):
        render_graph(graphs, "dot")
    with pytest.raises(UnknownChoiceError, match="unknown graph 'floors'"):
        render_graph(graphs, "csv", nodes="floors")


def test_user_edge_csv() -> None:
    text = render_graph(build_graphs(load_thread(SEED)), "csv", nodes="users").decode("utf-8")
    assert text.splitlines()[0] == ",".join(USER_EDGE_COLUMNS)
    assert "Jagdpanther,鸳鸳相抱,1,1,0,0,0" in text.splitlines()


def test_write_graph_creates_folders_and_wraps_os_errors(tmp_path: Path) -> None:
    graphs = build_graphs(load_thread(SEED))
    path = write_graph(graphs, tmp_path / "new" / "seed.graphml", "graphml")
    assert nx.read_graphml(path).number_of_edges() == 39
    (tmp_path / "taken").write_text("")
    with pytest.raises(OutputError, match="cannot write"):
        write_graph(graphs, tmp_path / "taken" / "x.gexf", "gexf")


def test_exportable_drops_none_and_control_characters() -> None:
    graph = nx.DiGraph(title=None)
    graph.add_node(1, author=None, text="a\x0bb", pid=5)
    copy = exportable(graph)
    assert copy.graph == {} and copy.nodes[1] == {"text": "ab", "pid": 5}
    nx.write_gexf(copy, io.BytesIO())
