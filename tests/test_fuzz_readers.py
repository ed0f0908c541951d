"""Issue 12's fuzz test: every reader, fed inputs generated from the real samples (truncation at any
byte, byte flips, deep nesting, huge numbers in floor labels and API fields, control characters
and lone surrogates in names, duplicated floors, UTF-16 / GBK re-encodings), either reads a thread
or raises a ``ThreadscopeError``; nothing else escapes. In a text-archive input, every floor label
is accounted for: parsed, listed as missing, or named by a warning.

Derandomized (the same examples on every run) and bounded so the file runs in well under 30 s."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadscope.adapters import adapters
from threadscope.errors import ThreadscopeError
from threadscope.forums.discuz.api import _load
from threadscope.load import load_thread, parse_document, read_document
from threadscope.model import Thread

from .conftest import FIXTURES, SAMPLES

SEED = SAMPLES / "thread-agi-empire.md"
API = SAMPLES / "api-s1nyan-thread1.json"
SOURCES = {
    "text": SEED,
    "api": API,
    "html": SAMPLES / "s1-2267042-page-1.html",
    "html-gbk": SAMPLES / "s1-2267042-page-1-gbk.html",
    "touch": SAMPLES / "s1-2267042-touch-1.html",
    "rss": FIXTURES / "s1-rss" / "stage1starchive-1944003.xml",
}
RAW = {name: path.read_bytes() for name, path in SOURCES.items()}
FORMATS = [adapter.name for adapter in adapters()]
#: a floor label as the test reads it: an author line, then ``##### N#``
LABEL = re.compile(r"(?m)^####[ \t]+[^\n]*\n#####[ \t]*(\d+)[ \t]*#")
RANGE = re.compile(r"(\d+)-(\d+)")
#: warnings that name a floor label in their message (skipped, repeated, damaged, stray blocks)
FLOOR_WARNINGS = {"floor_out_of_range", "duplicate_floor", "duplicate_floors", "damaged_floor_header",
                  "unparsed_block", "pid_conflict"}
HOSTILE_CHARS = st.sampled_from(["\x00", "\x07", "\x1b]0;x\x07", "\x1b[2J", "\ud800", "\udfff", "\u202e",
                                 "\x85", "\ufeff", "\r", "\x7f", "&#0;", "]]>", "<"])
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_all(path: Path) -> Thread | None:
    """load_thread plus every adapter forced on the file; only ThreadscopeError may escape."""
    for fmt in FORMATS:
        with contextlib.suppress(ThreadscopeError):
            parse_document(read_document(path), fmt)
    try:
        return load_thread(path)
    except ThreadscopeError:
        return None


def accounted(thread: Thread, text: str) -> None:
    """Every floor label of an archive text is parsed, missing, or named by a warning."""
    floors = {post.floor for post in thread.posts}
    missing = set(thread.missing_floors)
    ranges = [(int(a), int(b)) for w in thread.warnings if w.code == "missing_floors"
              for a, b in RANGE.findall(w.message)]
    about = [w for w in thread.warnings if w.code in FLOOR_WARNINGS]
    named = {w.floor for w in thread.warnings} | {
        int(n) for w in about for n in re.findall(r"\d{1,30}", w.message)}
    for match in LABEL.finditer(text):
        label = match.group(1)
        floor = int(label) if len(label) < 30 else -1
        assert (floor in floors or floor in missing or floor in named
                or any(a <= floor <= b for a, b in ranges)
                or any(label[:12] in w.message for w in about)), (
            f"floor label {label[:20]} neither parsed, missing nor warned about")


def check(workdir: Path, data: bytes, name: str, archive_text: str | None = None) -> None:
    path = workdir / name
    path.write_bytes(data)
    thread = read_all(path)
    if thread is not None and archive_text is not None and thread.posts:
        accounted(thread, archive_text)


def archive_text_of(data: bytes) -> str | None:
    """The text the archive check reads, where it can be known (valid UTF-8 with or without BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# --- generators ------------------------------------------------------------------------------------

@FUZZ
@given(source=st.sampled_from(sorted(RAW)), data=st.data())
def test_truncated_at_any_byte(workdir: Path, source: str, data: st.DataObject) -> None:
    raw = RAW[source]
    cut = data.draw(st.integers(0, len(raw)))
    text = archive_text_of(raw[:cut]) if source == "text" else None
    check(workdir, raw[:cut], f"cut-{source}{SOURCES[source].suffix}", text)


@FUZZ
@given(source=st.sampled_from(sorted(RAW)), data=st.data())
def test_byte_flips(workdir: Path, source: str, data: st.DataObject) -> None:
    raw = bytearray(RAW[source])
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), max_size=20))
    for position, mask in flips:
        raw[position] ^= mask
    text = archive_text_of(bytes(raw)) if source == "text" else None
    check(workdir, bytes(raw), f"flip-{source}{SOURCES[source].suffix}", text)


@FUZZ
@given(source=st.sampled_from(sorted(RAW)), depth=st.integers(1, 3000),
       opener=st.sampled_from(["<div>", "<blockquote>", "[", "{\"a\":", "<![CDATA[", "<b><i>"]),
       data=st.data())
def test_deep_nesting(workdir: Path, source: str, depth: int, opener: str, data: st.DataObject) -> None:
    raw = RAW[source]
    at = data.draw(st.integers(0, len(raw)))
    mutated = raw[:at] + (opener * depth).encode() + raw[at:]
    check(workdir, mutated, f"deep-{source}{SOURCES[source].suffix}")


HUGE = st.one_of(st.integers(0, 10 ** 30).map(str), st.integers(1, 6000).map(lambda n: "9" * n),
                 st.sampled_from(["-1", "0", "00041", "1e9", "4294967296", "NaN"]))


@FUZZ
@given(floor=st.integers(1, 41), label=HUGE)
def test_huge_floor_labels(workdir: Path, floor: int, label: str) -> None:
    text = re.sub(rf"(?m)^##### {floor}#", f"##### {label}#", SEED.read_text(encoding="utf-8"), count=1)
    check(workdir, text.encode("utf-8"), "huge-floor.md", text)


@FUZZ
@given(field=st.sampled_from(["number", "position", "dbdateline", "pid", "authorid", "first"]),
       top=st.sampled_from(["ppp", "allreplies", "maxposition", "replies"]),
       index=st.integers(0, 20), value=HUGE, data=st.data())
def test_huge_api_fields(workdir: Path, field: str, top: str, index: int, value: str,
                         data: st.DataObject) -> None:
    tree = json.loads(json.dumps(_load(API.read_text(encoding="utf-8-sig"))))
    variables = tree["Variables"]
    post = variables["postlist"][index % len(variables["postlist"])]
    as_number = data.draw(st.booleans())
    post[field] = int(value) if as_number and value.lstrip("-").isdigit() and len(value) < 4000 else value
    (variables["thread"] if top != "ppp" else variables)[top] = value
    check(workdir, json.dumps(tree).encode("ascii"), "huge-api.json")


@FUZZ
@given(source=st.sampled_from(["text", "api", "html", "touch", "rss"]),
       junk=st.lists(HOSTILE_CHARS, min_size=1, max_size=4).map("".join), data=st.data())
def test_control_characters_and_lone_surrogates_in_names(workdir: Path, source: str, junk: str,
                                                         data: st.DataObject) -> None:
    if source == "api":
        tree = json.loads(json.dumps(_load(API.read_text(encoding="utf-8-sig"))))
        posts = tree["Variables"]["postlist"]
        post = posts[data.draw(st.integers(0, len(posts) - 1))]
        post["author"] = f"A{junk}B"
        check(workdir, json.dumps(tree).encode("ascii"), "names.json")
        return
    text = RAW[source].decode("utf-8-sig") if source != "rss" else RAW[source].decode("utf-8")
    names = {"text": r"(?m)^(####[ \t]+)", "html": r'(class="xw1"[^>]*>)', "touch": r'(class="blue"[^>]*>)',
             "rss": r"(<author>(?:<!\[CDATA\[)?)"}[source]
    spots = [m.end() for m in re.finditer(names, text)] or [0]
    at = spots[data.draw(st.integers(0, len(spots) - 1))]
    mutated = text[:at] + junk + text[at:]
    encoded = mutated.encode("utf-8", errors="surrogatepass")
    check(workdir, encoded, f"names-{source}{SOURCES[source].suffix}",
          archive_text_of(encoded) if source == "text" else None)


@FUZZ
@given(picks=st.lists(st.integers(0, 40), min_size=1, max_size=8), data=st.data())
def test_duplicated_floors(workdir: Path, picks: list[int], data: st.DataObject) -> None:
    text = SEED.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\*{5}\s*$)", text)
    for pick in picks:
        block = blocks[pick % len(blocks)]
        blocks.insert(data.draw(st.integers(0, len(blocks))), block)
    mutated = "".join(blocks)
    check(workdir, mutated.encode("utf-8"), "dup.md", mutated)


@FUZZ
@given(source=st.sampled_from(["text", "api", "html", "touch", "rss"]),
       encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "gbk", "gb18030", "utf-8-sig"]),
       cut=st.one_of(st.none(), st.integers(0, 4000)))
def test_reencodings(workdir: Path, source: str, encoding: str, cut: int | None) -> None:
    text = RAW[source].decode("utf-8-sig")
    data = text.encode(encoding, errors="replace")
    if cut is not None:
        data = data[: len(data) - cut]
    check(workdir, data, f"enc-{source}{SOURCES[source].suffix}")
    if source == "text" and cut is None and encoding in {"utf-16", "gbk", "gb18030", "utf-8-sig"}:
        # a re-encoded archive reads as the original (GBK lacks a few characters: '?' then)
        thread = load_thread(workdir / f"enc-{source}{SOURCES[source].suffix}")
        assert [post.floor for post in thread.posts] == list(range(1, 42))
