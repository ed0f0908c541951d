"""Stance toward the answered post on real replies, the OP-chain rule, and the eval floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscope.load import load_thread
from threadscope.nlp.evaluate import evaluate
from threadscope.nlp.features import normalize
from threadscope.nlp.scorers import SCORE_COLUMNS, Scorer, SentimentScorer, score_thread
from threadscope.nlp.stance import StanceInput, compose, meta_evidence, negated_echo, stance_of

from .conftest import FIXTURES, SAMPLES, SEED_GOLD

SEED = SAMPLES / "thread-agi-empire.md"
S1TEXT_GOLD = Path(__file__).resolve().parent / "gold" / "s1text-labels.json"
S1TEXT = FIXTURES / "s1-text"

#: Just under what s1-stance-rules/3 measures (seed 0.619; s1-text 0.583 on the labels relabelled
#: under the guideline in 2026-12, 0.699 on the 2025 labels; rules/2 was 0.620 / 0.586, rules/1
#: 0.549 / 0.494 on those); CI fails if a change drops below them.
SEED_STANCE_F1 = 0.61
S1TEXT_STANCE_F1 = 0.57
#: Replies of the s1-text gold whose stance both relabelling passes agreed on.
S1TEXT_STANCE_N = 98
SEED_TARGET_ACCURACY = 0.95
#: Stance confidence range: neutral 0.4–0.5 (no evidence is a coin toss), polar up to 0.85.
MIN_CONFIDENCE, MAX_CONFIDENCE = 0.4, 0.85
#: The rules this file pins: the scorer set of version 1 (lexicon + rules), selectable by name
#: beside the default in-domain models (tests/test_s1model.py).
RULES = ["language", "char123-lr+s1-lexicon", "s1-stance-rules"]


@pytest.fixture(scope="module")
def seed(fixtures: Path):
    return load_thread([SEED])


@pytest.fixture(scope="module")
def frame(seed):
    return score_thread(seed, scorers=RULES).set_index("floor")


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
    (12, "disagree"),  # "劳动力还是有价格的" to 11's "劳动力定价为0": contrastive restatement
    (27, "disagree"),  # "AGI确实就是未来之星…问题是…": 确实 mid-clause asserts, it does not agree
                       # (the gold label is disagree; rules/2 said neutral)
    (40, "agree"),     # "等有…的新闻再说吧": some future news, not criticism of this one
])
def test_seed_replies(frame, floor: int, stance: str) -> None:
    assert frame.loc[floor, "stance"] == stance
    assert MIN_CONFIDENCE <= frame.loc[floor, "stance_confidence"] <= MAX_CONFIDENCE


def test_no_evidence_neutral_is_a_coin_toss(frame) -> None:
    assert frame.loc[14, "stance_confidence"] == 0.5  # a plain question: no evidence at all


def test_replies_to_a_question_answer_it(fixtures: Path) -> None:
    # The OP reposts news and closes with its own question ("这是下一个10年的房地产城市吗？"):
    # negative remarks about cities answer it, they are not disagreement (rules/1 said disagree).
    news = score_thread(load_thread([S1TEXT / "2145734-01[全国超大、特大城市名单来了！].md"]),
                        scorers=RULES).set_index("floor")
    for floor in (2, 7, 17, 29):  # 东莞的GDP排名不咋高 / 成都才这么点人吗 / … / 北上的人口密度真离谱
        assert news.loc[floor, "target_floor"] == 1 and news.loc[floor, "stance"] == "neutral"
    # "是的,游戏公司" to "是在游戏公司吗…": a yes-answer, not 是的 = agreement
    game = score_thread(load_thread([S1TEXT / "2176899-01[龙之信条2目前的结果算是皆大欢喜吧].md"]),
                        scorers=RULES).set_index("floor")
    assert game.loc[22, "target_floor"] == 21 and game.loc[22, "stance"] == "neutral"


def test_meta_words_need_to_point_at_the_post() -> None:
    assert meta_evidence(normalize("这个新闻看起来就纯ai生成的")) < 0   # seed 7: this news
    assert meta_evidence(normalize("笑死了 这种程度的文章也有人破防")) < 0  # seed 36
    assert meta_evidence(normalize("等有背后中八枪的新闻再说吧")) == 0    # seed 40: future news
    assert meta_evidence(normalize("一股子谷歌黑屁openai的味道")) < 0    # seed 9: 黑屁 by itself


def test_frame_columns_and_versions(frame) -> None:
    assert tuple(frame.reset_index().columns) == SCORE_COLUMNS
    assert frame.attrs["scorers"] == (
        "custom (script+wordlist-language/1+char123-lr+s1-lexicon/3+s1-stance-rules/4)")
    assert score_thread(load_thread([SEED]), snownlp=False).attrs["scorers"] == (
        "threadscope-default/2 (script+wordlist-language/1+s1-sentiment-lr/2+s1-stance-lr/2)")
    assert frame.loc[1, "stance"] is None or frame.loc[1, "stance"] != frame.loc[1, "stance"]  # OP: none
    assert frame.loc[38, "target_floor"] == 27


def test_calm_rebuttal_and_cue_agreement() -> None:
    rebuttal = stance_of(StanceInput(text="你说的不对，其实劳动力还是有价格的", target_text="劳动力定价为0",
                                     sentiment=0.2, target_sentiment=-0.1))
    assert rebuttal.label == "disagree"
    agree = stance_of(StanceInput(text="+1", target_text="说得好", sentiment=0.1, target_sentiment=0.5))
    assert agree.label == "agree"


@pytest.mark.parametrize("floor", [4, 8, 41])
def test_replies_to_the_op_that_do_not_push_back_go_along(frame, floor: int) -> None:
    # The OP reposts an article critical of the US AGI push. Floors 4 (生产关系不调整，做再多也没用)
    # and 8 (…我信你能造福人类个鬼) are negative, and rules/2 called them disagree by polarity
    # alignment with the article's (positive-scored) text; 41 (llm能搞出AGI的话，奥特曼就是真神) had
    # no evidence. All three go along with the OP (gold: agree), at low confidence.
    assert frame.loc[floor, "target_floor"] == 1 and frame.loc[floor, "stance"] == "agree"
    assert frame.loc[floor, "stance_confidence"] < 0.6


def test_pushback_to_the_op_is_not_overridden(frame) -> None:
    assert frame.loc[18, "target_floor"] == 1 and frame.loc[18, "stance"] == "disagree"  # 谷歌软文


def test_negated_agreement_words_disagree() -> None:
    for text in ("我不同意你的看法", "你说得对，但是这游戏本来就难", "此言差矣"):
        result = stance_of(StanceInput(text=text, target_text="这游戏很简单", sentiment=0.0,
                                       target_sentiment=0.3))
        assert result.label == "disagree", text
    assert stance_of(StanceInput(text="同感", target_text="这游戏很简单", sentiment=0.0,
                                 target_sentiment=0.3)).label == "agree"


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
    seed_eval = evaluate(SEED_GOLD, snownlp=False, scorers=RULES).metrics()
    assert seed_eval["stance"]["macro_f1"] >= SEED_STANCE_F1
    assert seed_eval["target"]["accuracy"] >= SEED_TARGET_ACCURACY
    s1text = evaluate(S1TEXT_GOLD, snownlp=False, scorers=RULES).metrics()
    assert s1text["stance"]["n"] == S1TEXT_STANCE_N and s1text["stance"]["macro_f1"] >= S1TEXT_STANCE_F1


def test_no_default_agreement_with_an_op_not_in_the_files(fixtures: Path) -> None:
    """Part 2 of a long thread lacks floor 1: replies to the thread still answer floor 1, but
    with the opening post unseen there is no position to agree with by default."""
    part = load_thread(next((fixtures / "s1-text").glob("1558768-02*.md")))
    assert part.post(1) is None
    frame = score_thread(part, scorers=RULES)
    to_op = frame[frame["target_floor"] == 1]
    assert len(to_op) > 40
    assert (to_op["stance"] == "agree").sum() == 0


def test_scorers_read_at_most_max_scored_chars_of_a_post() -> None:
    from dataclasses import replace

    from threadscope.nlp.scorers import MAX_SCORED_CHARS

    thread = load_thread([SEED])
    head = "这个观点完全正确，说得太好了，赞同楼主。" * 1000  # 20,000 chars exactly
    assert len(head) == MAX_SCORED_CHARS
    long_post = replace(thread.posts[4], text=head + "垃圾，胡说八道，完全错误。" * 5000)
    cut_post = replace(thread.posts[4], text=head)
    scored = {}
    for name, post in (("long", long_post), ("cut", cut_post)):
        posts = (*thread.posts[:4], post, *thread.posts[5:])
        scored[name] = score_thread(replace(thread, posts=posts), snownlp=False)
    assert scored["long"].attrs["truncated_floors"] == (5,)
    assert scored["cut"].attrs["truncated_floors"] == ()
    columns = ["sentiment", "sentiment_score", "stance", "stance_confidence"]
    assert scored["long"][columns].equals(scored["cut"][columns])
