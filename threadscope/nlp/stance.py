"""Stance of a reply toward the post it answers (agree / disagree / neutral), and toward the OP.

Evidence is summed on one axis (positive = agree), then cut at ``STANCE_THRESHOLD``:

- cue words (``lexicons/stance-cues.tsv``): 没错 同上 +1 … / 不是 未必 胡扯 就这 …; a cue at the
  start of the post counts more (replies open with their verdict);
- negated echoes: the reply repeats the target's words after a negator or as ``什么X`` /
  ``X啥啊`` (``不是不用造`` against "…都不用造了"; ``什么未来之星``) — a strong rebuttal form;
- rhetorical questions (你确定…吗, 难道, 凭什么) disagree; a plain question stays neutral;
- criticism of the answered post itself (article, news, OP, AI-written: ``meta-target.tsv``) in a
  negative reply to the thread starter;
- ratings the target's author gave the reply (好评 from the person answered = agreement); other
  raters' reasons say nothing about the direction and are ignored;
- polarity alignment, the weakest: a polar reply to a polar target agrees when both lean the same
  way, disagrees otherwise (a critical reply to a critical article is agreement).

Confidence is capped at ``MAX_CONFIDENCE``: published stance systems reach F 0.71 (NLPCC 2016)
and 62–64% accuracy (DEBAGREEMENT), so no rule here is sure.

Stance toward the thread starter (``stance_op``) follows reply chains with ``compose``:
agree with X → X's stance to the OP; disagree with an OP-agreer → disagree; disagree with an
OP-disagreer → neutral (the enemy of my enemy is not a friend by default); neutral → neutral.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from threadscope.nlp.features import normalize
from threadscope.nlp.lexicon import Matcher, read_tsv

StanceLabel = str  # "agree" | "disagree" | "neutral"
STANCES = ("agree", "disagree", "neutral")

#: Total evidence beyond ±this is a stance; chosen on the s1-text gold, checked on the seed gold.
STANCE_THRESHOLD = 0.5
#: Replies put their verdict first (没错，… / 不是，…): cues this close to the start count x1.5.
STANCE_LEAD_CHARS = 4
LEAD_FACTOR = 1.5
#: Disagreement words later in a post often describe a third party ("…是胡扯", "凭什么养人类"), not
#: the answered post: they count half. Measured on both gold sets: seed stance macro-F1 0.53 → see
#: docs in tests/test_stance.py for the current floor.
BODY_DISAGREE_FACTOR = 0.5
#: Negated echo: negator or 什么/啥 + a phrase (>= ECHO_MIN chars) found in the target's text.
NEGATORS = ("不是", "并不", "并非", "哪里", "哪有", "不", "没", "什么", "啥")
ECHO_MIN = 2
ECHO_MAX = 8
ECHO_WEIGHT = -1.5
#: "X啥啊" / "X什么啊": the echoed X stands before the scoffing question word.
SCOFF_AFTER_RE = re.compile(r"(啥|什么)[啊呀呢]")
#: Rhetorical questions assert the opposite; plain questions ask.
RHETORICAL_RE = re.compile(r"不是.{1,12}吗")  # 你确定/难道/凭什么/怎么可能 are cue words already
RHETORICAL_WEIGHT = -0.8
QUESTION_RE = re.compile(r"[?？]")
#: Share of polarity alignment: at most this much evidence from sentiment agreement alone.
ALIGN_WEIGHT = 1.2
#: Polar means |sentiment score| beyond this (threadscope.nlp.sentiment.NEUTRAL_BAND).
ALIGN_MIN = 0.35
#: Rating of the reply by the target's own author: score sign times this.
RATING_WEIGHT = 0.8
MAX_CONFIDENCE = 0.9


@cache
def cue_matcher() -> Matcher:
    return Matcher(read_tsv("stance-cues.tsv"))


@cache
def meta_matcher() -> Matcher:
    return Matcher(read_tsv("meta-target.tsv"))


def _cjk_ok(phrase: str) -> bool:
    """An echo worth counting: no spaces or punctuation, not only digits or Latin letters."""
    return all(ch.isalnum() for ch in phrase) and any("\u4e00" <= ch <= "\u9fff" for ch in phrase)


def negated_echo(reply: str, target: str) -> str | None:
    """The target phrase the reply negates or scoffs at, if any (both texts normalised)."""
    if not target:
        return None
    for negator in NEGATORS:
        start = reply.find(negator)
        while start != -1:
            after = start + len(negator)
            for size in range(min(ECHO_MAX, len(reply) - after), ECHO_MIN - 1, -1):
                phrase = reply[after:after + size]
                # single-character negators (不, 没) need a longer echo: 不+2 chars is often just a word
                if len(negator) == 1 and size < 3:
                    break
                if _cjk_ok(phrase) and phrase in target:
                    return phrase
            start = reply.find(negator, after)
    for match in SCOFF_AFTER_RE.finditer(reply):
        for size in range(min(ECHO_MAX, match.start()), ECHO_MIN - 1, -1):
            phrase = reply[match.start() - size:match.start()]
            if _cjk_ok(phrase) and phrase in target:
                return phrase
    return None


@dataclass(frozen=True, slots=True)
class StanceInput:
    """What stance needs about one reply: its own text, the target's own text, both sentiment
    scores, whether the target is the thread starter's, and the target author's ratings of it."""

    text: str
    target_text: str
    sentiment: float
    target_sentiment: float
    target_is_op: bool = False
    rating_by_target_author: int = 0


@dataclass(frozen=True, slots=True)
class Stance:
    label: StanceLabel
    confidence: float
    evidence: float


def cue_evidence(norm: str) -> float:
    total = 0.0
    for position, entry in cue_matcher().find(norm):
        if position < STANCE_LEAD_CHARS:
            total += entry.weight * LEAD_FACTOR
        else:
            total += entry.weight * (BODY_DISAGREE_FACTOR if entry.weight < 0 else 1.0)
    return total


def stance_of(item: StanceInput) -> Stance:
    """Stance of one reply toward its target."""
    norm = normalize(item.text)
    if not norm:
        return Stance("neutral", 0.5, 0.0)
    target = normalize(item.target_text)
    evidence = cue_evidence(norm)
    strong = abs(evidence) >= 1.0
    if negated_echo(norm, target):
        evidence += ECHO_WEIGHT
        strong = True
    if RHETORICAL_RE.search(norm):
        evidence += RHETORICAL_WEIGHT
    if item.target_is_op and item.sentiment <= -ALIGN_MIN:
        meta = meta_matcher().total(norm)
        if meta:
            evidence += meta
            strong = True
    if item.rating_by_target_author:
        evidence += RATING_WEIGHT * (1 if item.rating_by_target_author > 0 else -1)
    if not strong and abs(item.sentiment) >= ALIGN_MIN and abs(item.target_sentiment) >= ALIGN_MIN:
        same = (item.sentiment > 0) == (item.target_sentiment > 0)
        strength = min(abs(item.sentiment), abs(item.target_sentiment))
        evidence += ALIGN_WEIGHT * (0.5 + strength) * (1 if same else -1)
    if not strong and QUESTION_RE.search(norm) and not RHETORICAL_RE.search(norm):
        evidence *= 0.5
    return _decide(evidence)


def _decide(evidence: float) -> Stance:
    margin = abs(evidence) - STANCE_THRESHOLD
    if margin < 0:
        return Stance("neutral", round(0.5 + 0.3 * (-margin / STANCE_THRESHOLD), 3), evidence)
    label = "agree" if evidence > 0 else "disagree"
    return Stance(label, round(min(MAX_CONFIDENCE, 0.5 + 0.4 * (1 - 1 / (1 + margin))), 3), evidence)


def compose(to_target: StanceLabel | None, target_to_op: StanceLabel | None) -> StanceLabel | None:
    """Stance toward the OP of a reply with stance ``to_target`` toward a post whose own stance
    toward the OP is ``target_to_op`` (the rule in the module docstring)."""
    if to_target is None or target_to_op is None:
        return None
    if to_target == "neutral" or target_to_op == "neutral":
        return "neutral"
    if to_target == "agree":
        return target_to_op
    return "disagree" if target_to_op == "agree" else "neutral"


def stances(items: Sequence[StanceInput]) -> list[Stance]:
    return [stance_of(item) for item in items]
