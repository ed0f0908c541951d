"""Issue 12, the readers' half: hostile and broken input gives one clear error or a thread with
every floor accounted for. Inputs are generated from the real samples (small edits, no blobs)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from threadscope import load_thread
from threadscope.cli import cli, safe
from threadscope.errors import InputError, ThreadscopeError
from threadscope.forums.discuz import clean
from threadscope.forums.discuz.api import _load
from threadscope.load import MAX_MISSING_LISTED
from threadscope.nlp.evaluate import GoldFileError, read_gold

from .conftest import SAMPLES

sre_parse = re._parser  # type: ignore[attr-defined]  # the public sre_parse alias is deprecated
sre_constants = re._constants  # type: ignore[attr-defined]

SEED = SAMPLES / "thread-agi-empire.md"
API = SAMPLES / "api-s1nyan-thread1.json"
PAGE = SAMPLES / "s1-2267042-page-1.html"
TOUCH = SAMPLES / "s1-2267042-touch-1.html"


def codes(thread: Any) -> list[str]:
    return [w.code for w in thread.warnings]


# --- generators over the real samples ------------------------------------------------------------

def seed_with(tmp_path: Path, edit: Any, name: str = "thread.md") -> Path:
    path = tmp_path / name
    path.write_text(edit(SEED.read_text(encoding="utf-8")), encoding="utf-8", errors="surrogatepass")
    return path


def relabel(text: str, floor: int, label: str) -> str:
    return re.sub(rf"^##### {floor}#", f"##### {label}#", text, count=1, flags=re.M)


def api_with(tmp_path: Path, edit: Any) -> Path:
    data = _load(API.read_text(encoding="utf-8-sig"))
    data = json.loads(json.dumps(data))  # a private copy (the loader caches)
    edit(data["Variables"])
    path = tmp_path / "api.json"
    path.write_text(json.dumps(data), encoding="ascii")  # "\ud800" stays an escape, as in the issue
    return path


# --- absurd numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["99999999", "9" * 5000])
def test_absurd_floor_label_is_reported_not_allocated(tmp_path: Path, label: str) -> None:
    thread = load_thread(seed_with(tmp_path, lambda t: relabel(t, 41, label)))
    assert len(thread.posts) == 40 and "floor_out_of_range" in codes(thread)
    assert len(thread.missing_floors) < 100


def test_missing_floors_are_ranges_and_capped(tmp_path: Path) -> None:
    thread = load_thread(seed_with(tmp_path, lambda t: relabel(t, 41, "999999")))
    assert len(thread.posts) == 41
    assert len(thread.missing_floors) == MAX_MISSING_LISTED and thread.missing_floors[0] == 41
    warning = next(w for w in thread.warnings if w.code == "missing_floors")
    assert warning.message == "999958 floor(s) not in these files: 41-999998"
    assert "missing_floors_capped" in codes(thread)


@pytest.mark.parametrize("field", ["number", "ppp", "allreplies"])
def test_absurd_api_numbers(tmp_path: Path, field: str) -> None:
    def edit(variables: dict) -> None:
        if field == "number":
            variables["postlist"][3]["number"] = "900000000"
        elif field == "ppp":
            variables["ppp"] = "900000000"
        else:
            variables["thread"]["allreplies"] = "900000000"

    thread = load_thread(api_with(tmp_path, edit))
    assert len(thread.posts) == (29 if field == "number" else 30)
    assert len(thread.missing_floors) <= MAX_MISSING_LISTED
    assert {"floor_out_of_range", "bad_number"} & set(codes(thread))


@pytest.mark.parametrize("stamp", ["1" * 14, "9" * 30])
def test_absurd_timestamps_warn(tmp_path: Path, stamp: str) -> None:
    def edit(variables: dict) -> None:
        variables["postlist"][2]["dbdateline"] = stamp
        variables["postlist"][2]["dateline"] = stamp

    thread = load_thread(api_with(tmp_path, edit))
    assert thread.post(3).time is None and "invalid_time" in codes(thread)


def test_invalid_time_warns(tmp_path: Path) -> None:
    bad = "发表于 2025-02-30 25:61"
    thread = load_thread(seed_with(tmp_path, lambda t: t.replace("发表于 2025-11-12 15:41", bad)))
    assert thread.post(1).time is None
    assert any(w.code == "invalid_time" and w.floor == 1 for w in thread.warnings)


# --- deep nesting --------------------------------------------------------------------------------

def test_deep_json_thread_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"Variables": {"postlist": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    with pytest.raises(ThreadscopeError, match="nested too deeply"):
        load_thread(path)


def test_deep_json_gold_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "gold.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(GoldFileError, match="nested too deeply"):
        read_gold(path)


def test_300_deep_post_keeps_every_floor_of_the_page(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    text = text.replace('id="postmessage_68712897">', 'id="postmessage_68712897">' + "<div>" * 300 + "深处"
                        + "</div>" * 300, 1)
    path = tmp_path / "page.html"
    path.write_text(text, encoding="utf-8")
    thread = load_thread(path)
    assert len(thread.posts) == 30 and "深处" in thread.post(2).text


def test_too_deep_body_is_read_as_text_with_a_flag() -> None:
    body = clean.clean_body("<div>" * 3000 + "深处" + "</div>" * 3000 + "<p>之后</p>")
    assert "深处" in body.text and "之后" in body.text and body.markup_too_deep


# --- damaged and duplicated floors ---------------------------------------------------------------

def test_part_file_starting_with_bom_and_separator_keeps_floor_one(tmp_path: Path) -> None:
    path = tmp_path / "thread.md"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes().lstrip(b"\n"))
    assert path.read_bytes()[3:9] == b"*****\n"
    thread = load_thread(path)
    assert len(thread.posts) == 41 and thread.post(1).author == "哈利谢顿"


def test_header_without_space_is_read(tmp_path: Path) -> None:
    thread = load_thread(seed_with(tmp_path, lambda t: t.replace("##### 41#", "#####41#")))
    assert len(thread.posts) == 41 and thread.missing_floors == ()


@pytest.mark.parametrize("floor", [20, 41])
def test_damaged_header_is_reported(tmp_path: Path, floor: int) -> None:
    thread = load_thread(seed_with(tmp_path, lambda t: t.replace(f"##### {floor}#", f"##### 4x{floor}#")))
    assert floor not in {p.floor for p in thread.posts}
    assert "damaged_floor_header" in codes(thread)
    before = thread.post(floor - 1)
    assert before is not None and "##### 4x" not in before.text


def test_same_floor_twice_in_one_api_file(tmp_path: Path) -> None:
    thread = load_thread(api_with(tmp_path, lambda v: v["postlist"][4].update(number="4")))
    assert any(w.code == "duplicate_floor" and w.floor == 4 for w in thread.warnings)


def test_same_floor_twice_on_one_touch_page(tmp_path: Path) -> None:
    text = TOUCH.read_text(encoding="utf-8")
    start = text.index('<div class="plc cl" id="pid68712897">')
    text = text[:start] + text[start:].replace("\n3<sup>#</sup>", "\n2<sup>#</sup>", 1)
    path = tmp_path / "touch.html"
    path.write_text(text, encoding="utf-8")
    thread = load_thread(path)
    assert any(w.code == "duplicate_floor" and w.floor == 2 for w in thread.warnings)


# --- bytes: NUL, encodings, cut files, special files ---------------------------------------------

def test_a_few_nul_bytes_are_dropped_with_a_warning(tmp_path: Path) -> None:
    # in floor 1, inside the first 4 KiB: where the old "any NUL = binary" test looked
    data = SEED.read_bytes().replace("编辑：倾倾".encode(), "编辑\x00\x00：倾\x00倾\x00".encode(), 1)
    assert data.index(b"\x00") < 4096
    path = tmp_path / "thread.md"
    path.write_bytes(data)
    thread = load_thread(path)
    assert len(thread.posts) == 41 and "control_characters" in codes(thread)
    assert not any("\x00" in p.text for p in thread.posts)


def test_binary_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "thread.md"
    path.write_bytes(bytes(range(256)) * 200)
    with pytest.raises(InputError, match="binary"):
        load_thread(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "thread.md"
    bom = "\ufeff" if encoding.endswith("be") else ""
    path.write_bytes((bom + SEED.read_text(encoding="utf-8")).encode(encoding))
    assert len(load_thread(path).posts) == 41


def test_file_cut_inside_a_character(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    cut = data.rindex("的".encode()) + 1
    path = tmp_path / "thread.md"
    path.write_bytes(data[:cut])
    thread = load_thread(path)
    assert len(thread.posts) == 41 and "cut_character" in codes(thread)


def test_special_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(InputError, match="not a regular file"):
            load_thread(path)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the module object: ``threadscope.load`` names the function (the library API)
    monkeypatch.setattr(sys.modules["threadscope.load"], "MAX_INPUT_BYTES", 1000)
    with pytest.raises(InputError, match="too large"):
        load_thread(SEED)


def test_cli_unreadable_and_special_files_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    for args in (["parse", "/dev/zero"], ["eval", "/dev/zero"], ["eval", str(tmp_path / "none.json")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1 and result.output.startswith("Error: "), (args, result.output)
    real_open = open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(SEED):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    result = runner.invoke(cli, ["parse", str(SEED)])
    assert result.exit_code == 1 and "Permission denied" in result.output


# --- eval gold files of the wrong shape ----------------------------------------------------------

@pytest.mark.parametrize(("gold", "message"), [
    ({"thread": "x.md", "labels": {}}, "'labels' must be a list"),
    ({"thread": "x.md", "labels": [3]}, r"labels\[0\] is int"),
    ({"thread": "x.md", "labels": [{"sentiment": "pos"}]}, r"labels\[0\] has no 'floor'"),
    ({"thread": "x.md", "labels": [{"floor": [1]}]}, "not a positive whole number"),
    ({"thread": "x.md", "labels": [{"floor": "one"}]}, "not a positive whole number"),
    ({"thread": None, "labels": []}, "'thread' must be a file path"),
    ({"thread": 5, "labels": []}, "'thread' must be a file path"),
    ({"threads": [{"thread": "x.md", "labels": [{"floor": 1, "stance": "yes"}]}]},
     r"threads\[0\]\.labels\[0\]"),
])
def test_gold_file_shape_errors(tmp_path: Path, gold: Any, message: str) -> None:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold))
    with pytest.raises(GoldFileError, match=message):
        read_gold(path)


def test_gold_floor_as_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"thread": "x.md", "labels": [{"floor": "1", "sentiment": "pos"}]}))
    assert read_gold(path)[0][1][0]["floor"] == 1


# --- names that cannot be written ---------------------------------------------------------------

def test_lone_surrogate_and_controls_in_names_write_valid_files(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from lxml import etree

    def edit(variables: dict) -> None:
        variables["postlist"][0]["author"] = "AAA\ud800BBB"
        variables["postlist"][1]["author"] = "OP\x1b]0;x\x07\x1b[2J\x01"

    source = api_with(tmp_path, edit)
    runner = CliRunner()
    jsonl = tmp_path / "posts.jsonl"
    assert runner.invoke(cli, ["parse", str(source), "-o", str(jsonl)]).exit_code == 0
    assert "AAA\ufffdBBB" in jsonl.read_text(encoding="utf-8")
    for suffix in ("gexf", "graphml"):
        out = tmp_path / f"users.{suffix}"
        result = runner.invoke(cli, ["graph", str(source), "--nodes", "users", "-o", str(out)])
        assert result.exit_code == 0, result.output
        etree.parse(str(out))  # well-formed XML


def test_parse_summary_prints_no_escape_sequences(tmp_path: Path) -> None:
    from click.testing import CliRunner

    source = api_with(tmp_path, lambda v: v["postlist"][0].update(author="OP\x1b]0;owned\x07\x1b[2J\x9b"))
    result = CliRunner().invoke(cli, ["parse", str(source)])
    assert result.exit_code == 0 and "\x1b" not in result.output and "\x07" not in result.output
    assert "OP (1)" in result.output
    assert safe("a\x1b[31mred\x1b[0m\nb\x1bP1;2|x\x1b\\") == "aredb"


# --- linear patterns (a structural proof; timings live in bench/bench_patterns.py) ---------------

def _unbounded_repeats(pattern: re.Pattern[str]) -> list[Any]:
    found = []

    def walk(items: Any) -> None:
        for op, arg in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                if arg[1] == sre_constants.MAXREPEAT:
                    found.append(arg)
                walk(arg[2])
            elif op == sre_constants.SUBPATTERN:
                walk(arg[3])
            elif op == sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)

    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return found


def test_attachment_tooltip_patterns_are_linear() -> None:
    # The search pattern starts at a literal "(" (so no position is a start of a long scan) and
    # the file name before it is matched backwards with bounded repeats only.
    first = sre_parse.parse(clean.ATTACHMENT_TIP_CORE.pattern)[0]
    assert first == (sre_constants.LITERAL, ord("("))
    assert _unbounded_repeats(clean.ATTACHMENT_NAME_REVERSED) == []
    text = "看图 图片.png (46.98 KB, 下载次数: 0)\n下载附件\n2023-7-1 18:11 上传 后"
    assert clean.replace_attachment_tips(text, blank=False) == "看图 \n后".replace("\n", " ")
