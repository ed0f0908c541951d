"""The table import (``table`` adapter) on tables made from real threads by
samples/build_table_samples.py, and its refusals (missing column, several threads, duplicate id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from threadscope import load_thread
from threadscope.errors import InputError
from threadscope.forums.table.reader import TableAdapter, TableError, parse_table_time
from threadscope.links import resolve_links
from threadscope.load import parse_document, read_document

CSV = SAMPLES / "table-agi-empire.csv"
JSONL = SAMPLES / "table-1984bbs-41876.jsonl"


def _links(path: Path) -> set[tuple[int, int | None, str]]:
    return {(link.source, link.target, link.kind) for link in resolve_links(load_thread(path))
            if link.kind in ("quote", "reply")}


def test_csv_from_the_seed_thread_round_trips() -> None:
    seed, table = load_thread(SAMPLES / "thread-agi-empire.md"), load_thread(CSV)
    assert (table.format, table.forum, table.tid, len(table)) == ("table", "table", "2267042", 41)
    assert [p.author for p in table.posts] == [p.author for p in seed.posts]
    assert [p.text for p in table.posts] == [p.text for p in seed.posts]
    assert [p.time for p in table.posts] == [p.time for p in seed.posts]
    assert table.warnings == () and table.missing_floors == ()
    # every reply_to became a parent link of confidence 1.0 onto the post the seed's quote/回复 named
    parents = {(p.floor, p.parent) for p in table.posts if p.parent}
    assert parents and all(link.confidence == 1.0 for link in resolve_links(table) if link.kind == "reply")
    assert {(s, t) for s, t, _ in _links(CSV)} == {(f, int(pid)) for f, pid in parents}


def test_jsonl_from_the_discuz6_page_keeps_its_quote_links() -> None:
    table = load_thread(JSONL)
    assert (table.title, table.tid, len(table)) == ("郁闷一下下", "41876", 13)
    assert table.post(1).time == datetime(2010, 3, 31, 15, 16, tzinfo=UTC)
    assert table.post(1).meta["uid"] == "1333"  # an extra column, kept as text
    assert [p.floor for p in table.posts if p.is_op] == [1, 6, 7]
    page = load_thread(SAMPLES / "discuz6-1984bbs-41876.html")
    assert {(s, t) for s, t, _ in _links(JSONL)} == {(s, t) for s, t, _ in _links(
        SAMPLES / "discuz6-1984bbs-41876.html")}
    assert len(page) == len(table)


def test_parse_output_is_not_taken_for_a_table(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from threadscope.cli import cli
    out = tmp_path / "posts.jsonl"
    page = SAMPLES / "discuz6-1984bbs-41876.html"
    assert CliRunner().invoke(cli, ["parse", str(page), "-o", str(out)]).exit_code == 0
    assert not TableAdapter().sniff(read_document(out))
    with pytest.raises(TableError, match="parse -o` output, not a posts table"):
        TableAdapter().parse(read_document(out))


def _table(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_column_names_the_column_and_the_file(tmp_path: Path) -> None:
    path = _table(tmp_path, "id,author,text\n1,a,hello\n")
    with pytest.raises(TableError, match=r"t\.csv: missing column 'time' \(the header has: id, author, text"):
        load_thread(path)


def test_several_threads_are_refused_with_their_names(tmp_path: Path) -> None:
    path = _table(tmp_path, "id,author,time,text,thread\n1,a,,x,t1\n2,b,,y,t2\n3,c,,z,t1\n")
    with pytest.raises(TableError, match=r"rows of 2 threads \('t1' \(2 rows\), 't2' \(1 rows\)\)"):
        load_thread(path)


def test_duplicate_id_and_bad_lines_are_errors(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="line 3: id '1' again"):
        load_thread(_table(tmp_path, "id,author,time,text\n1,a,,x\n1,b,,y\n"))
    with pytest.raises(TableError, match="line 2: not a JSON object"):
        load_thread(_table(tmp_path, '{"id": 1, "author": "a", "time": 0, "text": "x"}\n{oops\n', "t.jsonl"))


def test_times_iso_naive_utc_unix_and_bad(tmp_path: Path) -> None:
    east8 = timezone(timedelta(hours=8))
    assert parse_table_time("2024-05-01T10:00:00+08:00") == datetime(2024, 5, 1, 10, tzinfo=east8)
    assert parse_table_time("2024-05-01 10:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_table_time("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    may1 = datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_table_time("1714557600") == parse_table_time("1714557600000") == may1
    assert parse_table_time("") is None
    text = "id;author;time;text;reply_to\n1;a;yesterday;x;\n2;b;1714557600;y;1\n"
    thread = load_thread(_table(tmp_path, text))
    assert thread.post(1).time is None and thread.post(2).parent == "1"
    assert "time 'yesterday' is neither ISO 8601 nor unix seconds" in str(thread.warnings[0])


def test_sniffing_takes_tables_only() -> None:
    adapter = TableAdapter()
    for path in [*SAMPLES.glob("*.html"), *SAMPLES.glob("*.json"), SAMPLES / "thread-agi-empire.md"]:
        doc = read_document(path)
        assert not adapter.sniff(doc), path.name
        assert parse_document(doc)[1] != "table"
    assert adapter.sniff(read_document(CSV)) and adapter.sniff(read_document(JSONL))


def test_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="header but no rows"):
        load_thread(_table(tmp_path, "id,author,time,text\n"))


# --- A real forum export (samples/table-cinder-forum-export.csv, provenance in samples/README.md)

EXPORT = SAMPLES / "table-cinder-forum-export.csv"


def test_a_real_export_without_ids_is_refused_in_one_line() -> None:
    from threadscope.errors import FormatMismatchError, NotAThreadError

    with pytest.raises(NotAThreadError, match=r"table-cinder-forum-export\.csv: no posts found"):
        load_thread(EXPORT)
    with pytest.raises(FormatMismatchError, match=r"columns id, author, time, text"):
        load_thread(EXPORT, format="table")


def test_the_docs_recipe_turns_the_real_export_into_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """docs/table-import.md's pandas block, as written: every exported message becomes a post."""
    import csv
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "table-import.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "cinder" in b)
    (tmp_path / "samples").symlink_to(SAMPLES)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(block, "docs/table-import.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert out == "13 posts of Paleodictyon / paleodictyon from 2013-03-06 15:06:00-08:00\n"
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    thread = load_thread(tmp_path / "cinder-paleodictyon.csv")
    assert [p.author for p in thread.posts] == [row["Author"] for row in rows]  # every row, in export order
    assert thread.warnings == () and thread.missing_floors == ()
    pacific = timezone(timedelta(hours=-8))
    assert {p.time for p in thread.posts} == {datetime(2013, 3, 6, 15, 6, tzinfo=pacific)}  # the topic's
    assert not any("<" in p.text and ">" in p.text for p in thread.posts)  # HTML bodies made plain
    opening = thread.post(5)
    assert opening is not None and opening.author == "simongeilfus"
    assert opening.text.startswith("Hi Folks,\nI'd like to share with you one of the last project")
    links = resolve_links(thread)
    assert {(lk.target, lk.kind) for lk in links} == {(1, "op")} and len(links) == 12
