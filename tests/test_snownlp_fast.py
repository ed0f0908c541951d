"""The fast snownlp engine returns snownlp's own value, bit for bit (``==``, never approx): on every
post text and quote excerpt of every fixture thread and sample, on all of the 1336720 thread's
posts, on edge cases and on generated text; its arrays hold snownlp's own n-gram terms."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadscope.errors import ThreadscopeError, UnknownChoiceError
from threadscope.load import load_thread
from threadscope.nlp import snownlp_engine, snownlp_fast
from threadscope.nlp.snownlp_engine import _score_parallel, snownlp_scores

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: The 3,011-floor thread (a folder of page files); its 2,809 non-empty posts take ~20 s in snownlp.
BIG_THREAD = "s1-text/1336720*"


@pytest.fixture(scope="module")
def reference():
    from snownlp import SnowNLP, sentiment  # ~2-4 s and ~430 MB: only this module pays it

    # SnowNLP("") raises ZeroDivisionError (its BM25 index of zero characters) before reaching
    # ``sentiments``; the function that property calls is the reference there
    return lambda text: SnowNLP(text).sentiments if text else sentiment.classify(text)


@pytest.fixture(scope="module")
def fast() -> snownlp_fast.FastSentiment:
    return snownlp_fast.engine()


def _texts_of(paths: list[Path]) -> list[str]:
    """Post texts and quote excerpts of each file read as one thread (files that are no thread,
    like the empty API answer, have none)."""
    texts: list[str] = []
    for path in paths:
        try:
            thread = load_thread([path])
        except ThreadscopeError:
            continue
        for post in thread.posts:
            texts.append(post.text)
            texts.extend(quote.excerpt for quote in post.quotes)
    return texts


def _assert_identical(texts: list[str], fast: snownlp_fast.FastSentiment, reference) -> None:
    expected = [reference(text) for text in texts]
    got = fast.classify_many(texts)
    mismatched = [(text[:60], g, e) for text, g, e in zip(texts, got, expected, strict=True)
                  if g != e or type(g) is not type(e)]
    assert not mismatched, f"{len(mismatched)} of {len(texts)} differ, e.g. {mismatched[:3]}"
    # one at a time (no batching across texts, cold or warm caches) gives the same
    assert [fast.classify(text) for text in texts[:50]] == expected[:50]


def test_every_post_of_every_small_fixture_and_sample(fixtures: Path, fast, reference) -> None:
    paths = [p for group in ("s1-text/*.md", "s1-api/*.json", "s1-rss/*.xml", "discuz-x33-pages/*",
                             "s1-post-bodies/*") for p in sorted(fixtures.glob(group))]
    paths += sorted(p for p in SAMPLES.iterdir() if p.suffix in (".html", ".json", ".md"))
    texts = list(dict.fromkeys(t for t in _texts_of(paths) if t.strip()))
    assert len(texts) > 1000  # ~1,300 posts and ~300 quotes, many of them long
    _assert_identical(texts, fast, reference)


def test_every_post_of_the_3011_floor_thread(fixtures: Path, fast, reference) -> None:
    thread = load_thread(sorted(fixtures.glob(f"{BIG_THREAD}/*.md")))
    assert len(thread.posts) >= 2961
    texts = [post.text for post in thread.posts if post.text.strip()]
    _assert_identical(texts, fast, reference)


def _unseen_cjk(fast: snownlp_fast.FastSentiment, count: int) -> str:
    """The first characters of snownlp's CJK range its segmentation model never saw."""
    chars = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in fast.segmenter.char_id]
    return "".join(chars[:count])


def test_edge_cases(fast, reference) -> None:
    unseen = _unseen_cjk(fast, 6)
    long_text = "前面说得对，但是这个结局我觉得还是有问题。[s:067] 看了三遍！" * 120
    cases = [
        "", " ", "\n\t\u3000", "，。！？……", "!!!???", "[s:067]", "[s:067] [s:1][f:002]", "hello world",
        "Latin only, with punctuation: OK? 100%", "12345", "好", "的", "了吗", "不好", "哈" * 500,
        long_text, "AGI确实就是未来之星", "我信你个鬼", "孝死了 赢麻了 就这？",
        unseen, unseen[0], unseen[:2], f"好{unseen[0]}", f"{unseen[0]}好", f"这是{unseen[:2]}的东西",
        f"今天{unseen[0]}天气{unseen[1]}{unseen[2]}真好", "𠀀𠀁 扩展区汉字", "繁體中文測試，說得對",
        "表情😀😂不算汉字", "中文english混合mixed文本", "一 二 三 四", "句子。\n\n另一句子！\r\n第三句",
    ]
    _assert_identical(cases, fast, reference)
    # no words: Bayes' class priors alone, P(pos) = 516508 / 981520 words of snownlp's training
    assert fast.classify("") == reference("") and round(fast.classify(""), 4) == 0.5262
    assert len(unseen) == 6  # the unknown-character paths of the Viterbi are exercised


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list("的是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去"
                                     "之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方"
                                     "又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美"
                                     "点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四"
                                     "第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体"
                                     "別龘齉鬱，。！？ ab1")), max_size=40).map("".join))
def test_generated_text(fast, reference, text: str) -> None:
    # common characters, a few rare or unseen ones, punctuation and latin in any order: every
    # tag-path tie and unknown-character branch the fixtures might not reach
    assert fast.classify(text) == reference(text)


def test_arrays_hold_snownlps_own_ngram_terms(fast) -> None:
    """Every bi/tri entry: snownlp's div(l2*bi, uni) and div(l3*tri, bi), computed by its own
    code on its loaded model, equals the array value bit for bit; every count is there."""
    from snownlp.seg import segger

    model = segger.segger
    seg = fast.segmenter
    arrays, n, char_id = seg.arrays, seg.n_chars, {**seg.char_id, "": 0}
    tag = {"b": 0, "m": 1, "e": 2, "s": 3, "BOS": 4}

    def lookup(keys: list[int], sorted_keys: np.ndarray) -> np.ndarray:
        at = np.searchsorted(sorted_keys, keys)
        assert (sorted_keys[at] == keys).all()
        return at

    bi = model.bi.d
    keys = [(char_id[p1[0]] * n + char_id[p2[0]]) * 25 + tag[p1[1]] * 5 + tag[p2[1]] for p1, p2 in bi]
    expected = np.array([model.div(model.l2 * count, model.uni.get(p1)[1]) for (p1, _), count in bi.items()])
    assert len(arrays.bi_keys) == len(bi)
    assert np.array_equal(arrays.bi_value[lookup(keys, arrays.bi_keys)], expected)

    tri = model.tri.d
    keys = [((char_id[p1[0]] * n + char_id[p2[0]]) * n + char_id[p3[0]]) * 125
            + (tag[p1[1]] * 5 + tag[p2[1]]) * 5 + tag[p3[1]] for p1, p2, p3 in tri]
    expected = np.array([model.div(model.l3 * count, model.bi.get((p1, p2))[1])
                         for (p1, p2, _), count in tri.items()])
    assert len(arrays.tri_keys) == len(tri)
    assert np.array_equal(arrays.tri_value[lookup(keys, arrays.tri_keys)], expected)

    # uni: l1 * freq per (char, tag) and the "known character" test of snownlp's tag()
    for char, t in model.uni.d:
        if t != "BOS":
            c = char_id[char]
            assert seg.uni_term[c][tag[t]] == model.l1 * model.uni.freq((char, t))
            assert seg.known[c] == any(model.uni.freq((char, s)) != 0 for s in model.status)


def test_engine_choice_and_shared_cache(tmp_path: Path, monkeypatch) -> None:
    texts = ["这个东西真不错，我很喜欢", "垃圾，退钱", "", "[s:067]", "垃圾，退钱"]
    cache = tmp_path / "cache.sqlite"
    fast_values = snownlp_scores(texts, cache=False, engine="fast")
    reference_values = snownlp_scores(texts, cache=False, engine="reference")
    assert fast_values[:2] == reference_values[:2] and fast_values[3:] == reference_values[3:]
    assert math.isnan(fast_values[2]) and math.isnan(reference_values[2])
    assert fast_values[1] == fast_values[4] < 0.5 < fast_values[0]
    # the reference engine fills the cache, the fast one reads the same values from it
    snownlp_scores(texts, cache_path=cache, engine="reference")
    monkeypatch.setattr(snownlp_engine, "_score_texts", lambda *a, **k: pytest.fail("cache missed"))
    cached = snownlp_scores(texts, cache_path=cache)
    assert cached[:2] == reference_values[:2] and cached[3:] == reference_values[3:]
    monkeypatch.undo()

    monkeypatch.setenv(snownlp_engine.ENGINE_ENV, "reference")
    assert snownlp_engine.default_engine() == "reference"
    monkeypatch.setenv(snownlp_engine.ENGINE_ENV, "")
    assert snownlp_engine.default_engine() == "fast"
    monkeypatch.setenv(snownlp_engine.ENGINE_ENV, "turbo")
    with pytest.raises(UnknownChoiceError, match="turbo"):
        snownlp_scores(["好"], cache=False)
    with pytest.raises(UnknownChoiceError, match="snownlp engine"):
        snownlp_scores(["好"], cache=False, engine="jieba")


def test_forked_fast_workers_give_snownlps_values(fixtures: Path, reference) -> None:
    thread = load_thread(sorted(fixtures.glob("s1-text/2205326*.md")))
    texts = [post.text for post in thread.posts if post.text.strip()]
    assert _score_parallel(texts, workers=2, engine="fast") == [reference(text) for text in texts]


def test_bounded_caches_clear_between_and_within_batches(fixtures: Path, reference, monkeypatch) -> None:
    # past CACHE_LIMIT entries the bigram, run and word caches are cleared; a batch that needs
    # entries cached by the previous one must still find (recompute) them
    thread = load_thread(sorted(fixtures.glob("s1-text/2176899*.md")))
    texts = [post.text for post in thread.posts if post.text.strip()]
    engine = snownlp_fast.FastSentiment()
    monkeypatch.setattr(snownlp_fast, "CACHE_LIMIT", 40)
    batches = [texts[start:start + 7] for start in range(0, len(texts), 7)]
    assert [value for batch in batches for value in engine.classify_many(batch)] == [
        reference(text) for text in texts]
