"""Stance toward the answered post on real replies, the OP-chain rule, and the eval floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscope.load import load_thread
from threadscope.nlp.evaluate import evaluate
from threadscope.nlp.features import normalize
from threadscope.nlp.scorers import SCORE_COLUMNS, Scorer, SentimentScorer, score_thread
from threadscope.nlp.stance import StanceInput, compose, negated_echo, stance_of

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "thread-agi-empire.md"
SEED_GOLD = SEED.parent.parent / "gold" / "seed-thread-labels.json"
S1TEXT_GOLD = Path(__file__).resolve().parent / "gold" / "s1text-labels.json"

#: Measured when this was written; below the issue's 0.6 target (see the report): CI keeps them.
SEED_STANCE_F1 = 0.54
S1TEXT_STANCE_F1 = 0.49
SEED_TARGET_ACCURACY = 0.95


@pytest.fixture(scope="module")
def seed(fixtures: Path):
    return load_thread([SEED])


@pytest.fixture(scope="module")
def frame(seed):
    return score_thread(seed, snownlp=False).set_index("floor")


def test_negated_echoes_on_real_replies(seed) -> None:
    # floor 26 answers 23 ("…什么坦克飞机轮船全都不用造了") with "不是不用造，…"
    assert negated_echo(normalize(seed.post(26).text), normalize(seed.post(23).text)) == "不用造"
    # floor 38 rejects 27's "未来之星" with "什么未来之星"
    assert negated_echo(normalize(seed.post(38).text), normalize(seed.post(27).text)) == "未来之星"
    # floor 22 scoffs at 15's "决战" with "决战啥啊"
    assert negated_echo(normalize(seed.post(22).text), normalize(seed.post(15).text)) == "决战"


@pytest.mark.parametrize(("floor", "stance"), [
    (22, "disagree"),  # 决战啥啊
    (26, "disagree"),  # 不是不用造
    (38, "disagree"),  # 什么未来之星
    (35, "agree"),     # 没错，…
    (37, "agree"),     # 同上
    (7, "disagree"),   # 这个新闻看起来就纯ai生成的
    (18, "disagree"),  # 我觉得是谷歌软文
    (14, "neutral"),   # 星际之门还继续吗
])
def test_seed_replies(frame, floor: int, stance: str) -> None:
    assert frame.loc[floor, "stance"] == stance
    assert 0.5 <= frame.loc[floor, "stance_confidence"] <= 0.9


def test_frame_columns_and_versions(frame) -> None:
    assert tuple(frame.reset_index().columns) == SCORE_COLUMNS
    assert frame.attrs["scorers"].startswith(
        "threadscope-default/1 (char123-lr+s1-lexicon/1+s1-stance-rules/1")
    assert frame.loc[1, "stance"] is None or frame.loc[1, "stance"] != frame.loc[1, "stance"]  # OP: none
    assert frame.loc[38, "target_floor"] == 27


def test_calm_rebuttal_and_cue_agreement() -> None:
    rebuttal = stance_of(StanceInput(text="你说的不对，其实劳动力还是有价格的", target_text="劳动力定价为0",
                                     sentiment=0.2, target_sentiment=-0.1))
    assert rebuttal.label == "disagree"
    agree = stance_of(StanceInput(text="+1", target_text="说得好", sentiment=0.1, target_sentiment=0.5))
    assert agree.label == "agree"


def test_op_chain_rule() -> None:
    assert compose("agree", "disagree") == "disagree"
    assert compose("disagree", "agree") == "disagree"
    assert compose("disagree", "disagree") == "neutral"  # not agreement by default
    assert compose("neutral", "agree") == "neutral" and compose("agree", None) is None


def test_custom_scorer_plugs_in(seed) -> None:
    class Length:
        name, version, columns = "length", "0", ("n_chars",)

        def score(self, context):
            return {"n_chars": [len(p.text) for p in context.posts]}

    assert isinstance(Length(), Scorer)
    frame = score_thread(seed, scorers=[SentimentScorer(), Length()]).set_index("floor")
    assert frame.loc[7, "n_chars"] == len(seed.post(7).text) and "length/0" in frame.attrs["scorers"]


def test_eval_floors(fixtures: Path) -> None:
    seed_eval = evaluate(SEED_GOLD, snownlp=False).metrics()
    assert seed_eval["stance"]["macro_f1"] >= SEED_STANCE_F1
    assert seed_eval["target"]["accuracy"] >= SEED_TARGET_ACCURACY
    s1text = evaluate(S1TEXT_GOLD, snownlp=False).metrics()
    assert s1text["stance"]["n"] >= 100 and s1text["stance"]["macro_f1"] >= S1TEXT_STANCE_F1
