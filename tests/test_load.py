"""Loading: decoding, format detection, bad input, merging and floor accounting."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from threadscope import load_thread
from threadscope.adapters import Page
from threadscope.errors import (
    BinaryInputError,
    EmptyInputError,
    FormatMismatchError,
    InputError,
    MixedThreadsError,
    NotAThreadError,
    ThreadNotFoundError,
    ThreadscopeError,
    UnknownChoiceError,
)
from threadscope.load import assemble, decode
from threadscope.model import Post

from .conftest import ARTICLES, SAMPLES, SEED_GOLD, SHARED

SEED = SAMPLES / "thread-agi-empire.md"


#: sha256 of ../shared/seeds/thread-agi-empire.md (tests/data/README.md)
SHARED_SEED_SHA256 = "5b281b62ff63671dec2b8f1aa6104879f951981772e0dc4cdf744083e29328bf"


def test_seed_sample_is_the_shared_seed() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SHARED_SEED_SHA256
    assert SEED.read_bytes() == (SEED_GOLD.parent.parent / "seeds" / "thread-agi-empire.md").read_bytes()
    shared_seed = SHARED / "seeds" / "thread-agi-empire.md"
    if shared_seed.is_file():  # the extended check, where ../shared is beside the project
        assert SEED.read_bytes() == shared_seed.read_bytes()


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_news_articles_are_not_threads(article: Path) -> None:
    with pytest.raises(NotAThreadError) as info:
        load_thread(article)
    assert str(info.value) == f"{article}: no posts found: not a forum thread (no known format matched)"


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for name, content in (("empty.md", b""), ("blank.html", b" \n\r\n\t ")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(EmptyInputError, match=f"^{re.escape(str(path))}: empty file$"):
            load_thread(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "thread.md.gz"
    path.write_bytes(gzip.compress(SEED.read_bytes()))
    with pytest.raises(BinaryInputError, match=f"^{re.escape(str(path))}: binary file"):
        load_thread(path)


def test_json_of_another_kind(fixtures: Path) -> None:
    gold = SEED_GOLD
    with pytest.raises(NotAThreadError, match="no posts found: not a forum thread"):
        load_thread(gold)


def test_missing_thread_api_response(fixtures: Path) -> None:
    path = fixtures / "s1-api" / "reader-floorlist-2-empty.json"
    with pytest.raises(ThreadNotFoundError) as info:
        load_thread(path)
    assert str(info.value).startswith(f"{path}: ")


def test_missing_file_and_bad_format_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such file$"):
        load_thread(tmp_path / "nope.md")
    with pytest.raises(UnknownChoiceError, match="unknown format 'pdf'; choose one of: auto, "):
        load_thread(SEED, format="pdf")


def test_forced_format_that_does_not_fit() -> None:
    with pytest.raises(FormatMismatchError, match=r"does not look like --format api .*try --format auto$"):
        load_thread(SEED, format="api")


def test_every_error_is_a_threadscope_error() -> None:
    for cls in (BinaryInputError, EmptyInputError, FormatMismatchError, NotAThreadError,
                ThreadNotFoundError, MixedThreadsError, UnknownChoiceError):
        assert issubclass(cls, ThreadscopeError)


def test_bom_and_gb18030_decode_like_utf8(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    reference = load_thread(SEED)
    for name, data in (("bom.md", b"\xef\xbb\xbf" + text.encode("utf-8")),
                       ("gb.md", text.encode("gb18030"))):
        path = tmp_path / name
        path.write_bytes(data)
        thread = load_thread(path)
        assert [p.text for p in thread.posts] == [p.text for p in reference.posts]


def test_declared_gbk_charset_is_read_as_gb18030() -> None:
    page = '<html><head><meta charset="gbk"></head><body>楼主 发表于 2025-11-12 15:41 ≠</body></html>'
    text, encoding = decode(page.encode("gb18030"), "x.html")
    assert encoding == "gb18030"
    assert "楼主 发表于" in text and "≠" in text


def _page(source: str, floors: list[int], tid: int | None = 1, order: int | None = None) -> Page:
    return Page(source=source, posts=tuple(Post(floor=f, author=f"u{f}", uid=f) for f in floors),
                tid=tid, order=order)


def test_assemble_reports_gaps_and_duplicates() -> None:
    thread = assemble([_page("b", [4, 5, 9], order=2), _page("a", [1, 2, 4], order=1)])
    assert [p.floor for p in thread.posts] == [1, 2, 4, 5, 9]
    assert thread.missing_floors == (3, 6, 7, 8)
    codes = [w.code for w in thread.warnings]
    assert codes.count("duplicate_floor") == 1 and "missing_floors" in codes
    missing = next(w for w in thread.warnings if w.code == "missing_floors")
    assert missing.message == "4 floor(s) not in these files: 3, 6-8"
    assert thread.starter_uid == 1 and [p.is_op for p in thread.posts] == [True] + [False] * 4


def test_assemble_refuses_mixed_threads() -> None:
    with pytest.raises(MixedThreadsError, match=r"a is tid 1; b is tid 2"):
        assemble([_page("a", [1], tid=1), _page("b", [2], tid=2)])


def test_folder_of_parts_is_one_thread(fixtures: Path) -> None:
    folder = next((fixtures / "s1-text").glob("1336720*"))
    parts = sorted(folder.iterdir())
    from_folder = load_thread(folder)
    from_files = load_thread(list(reversed(parts)))
    assert len(from_folder.posts) == len(from_files.posts)
    assert from_folder.tid == "1336720"
    assert [p.floor for p in from_folder.posts] == [p.floor for p in from_files.posts]
    accounted = len(from_folder.posts) + len(from_folder.missing_floors)
    assert accounted == max(p.floor for p in from_folder.posts)


def test_partial_download_says_what_the_forum_has_beyond_it() -> None:
    thread = load_thread(SAMPLES / "api-s1nyan-thread1.json")
    assert [p.floor for p in thread.posts] == list(range(1, 31))
    partial = [w for w in thread.warnings if w.code == "partial_thread"]
    assert [w.message for w in partial] == ["the forum counts 33 floors; floors 31-33 are on pages not given"]
    assert thread.missing_floors == ()
