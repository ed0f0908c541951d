"""The in-domain S1 models (issue 9): shipped files load from the package, real posts are
scored, and the dev macro-F1 of tests/gold/s1-replies.json stays above its floors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from threadscope.load import load_thread
from threadscope.nlp import s1model
from threadscope.nlp.scorers import score_thread

GOLD = Path(__file__).resolve().parent / "gold" / "s1-replies.json"
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "thread-agi-empire.md"

#: Just under the dev figures of s1-sentiment-lr/2 and s1-stance-lr/2 (docs/quality.md; nothing
#: of either model was tuned on dev): a change that loses more than ~0.02 macro-F1 on the unseen
#: dev threads fails here.
SENTIMENT_DEV_F1 = 0.605  # measured 0.627
STANCE_DEV_F1 = 0.55  # measured 0.573


def macro_f1(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        wrong = sum((g == label) != (p == label) for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / max(2 * tp + wrong, 1))
    return sum(scores) / len(scores)


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return [i for i in json.loads(GOLD.read_text(encoding="utf-8"))["items"] if i["split"] == "dev"]


def test_model_files_load_from_the_package() -> None:
    sentiment, stance = s1model.load_sentiment(), s1model.load_stance()
    assert sentiment.labels == s1model.SENTIMENTS and stance.labels == s1model.STANCES
    assert sentiment.temperature > 0 and stance.temperature > 0
    # the unlabelled-text knowledge ships folded into both models
    assert sentiment.folded is not None and stance.folded is not None
    assert (sentiment.folded.emb_rows >= 0).sum() > 10000
    folder = Path(s1model.__file__).parent / "models"
    assert sum(f.stat().st_size for f in folder.glob("s1-*.npz")) < 40 * 2**20


def test_scores_real_posts_of_the_sample_thread() -> None:
    thread = load_thread(SAMPLE)
    frame = score_thread(thread, scorers=[s1model.S1SentimentScorer(), s1model.S1StanceScorer()])
    scored = frame[frame["sentiment"].notna()]
    assert len(scored) >= 10
    assert set(scored["sentiment"]) <= set(s1model.SENTIMENTS)
    assert scored["sentiment_score"].between(-1, 1).all()
    assert scored["sentiment_confidence"].between(1 / 3, 1).all()
    stance = frame[frame["stance"].notna()]
    assert len(stance) >= 5 and set(stance["stance"]) <= set(s1model.STANCES)
    assert set(frame["stance_op"].dropna()) <= set(s1model.STANCES)
    assert "s1-sentiment-lr/2" in frame.attrs["scorers"] and "s1-stance-lr/2" in frame.attrs["scorers"]
    assert not [c for c in frame.columns if c.startswith("_")]


def test_obvious_posts() -> None:
    probs = s1model.sentiment_probabilities(["太好看了，这集神了", "这也太烂了，又跳票了，烦", "几点开播？"])
    assert [s1model.SENTIMENTS[int(p.argmax())] for p in probs] == ["pos", "neg", "neu"]
    pairs = [s1model.Pair("确实，说得对", "这游戏的数值设计太差了", False),
             s1model.Pair("不是这样的，你在说什么", "这游戏的数值设计太差了", False)]
    labels = [s1model.STANCES[int(p.argmax())] for p in s1model.stance_probabilities(pairs)]
    assert labels == ["agree", "disagree"]


def test_dev_macro_f1_floors(dev: list[dict]) -> None:
    items = [i for i in dev if i["sentiment"]]
    probs = s1model.sentiment_probabilities([i["text"] for i in items])
    pred = [s1model.SENTIMENTS[int(p.argmax())] for p in probs]
    sentiment = macro_f1([i["sentiment"] for i in items], pred, s1model.SENTIMENTS)
    items = [i for i in dev if i["stance"]]
    pairs = [s1model.Pair(i["text"], i["target"], i["target_kind"] == "op", i["title"]) for i in items]
    probs = s1model.stance_probabilities(pairs)
    assert np.allclose(probs.sum(axis=1), 1.0)
    pred = [s1model.STANCES[int(p.argmax())] for p in probs]
    stance = macro_f1([i["stance"] for i in items], pred, s1model.STANCES)
    assert sentiment >= SENTIMENT_DEV_F1, sentiment
    assert stance >= STANCE_DEV_F1, stance
