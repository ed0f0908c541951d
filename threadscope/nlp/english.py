"""Sentiment and stance of English posts (the ``language`` column's ``en`` rows).

Sentiment: VADER (``vaderSentiment``, Hutto & Gilbert 2014), a rule and lexicon model made for
social media text; its lexicon ships inside its wheel, so nothing is downloaded. Its ``compound``
(in [-1, 1]) is the ``sentiment_score``; ``|compound| < NEUTRAL_BAND`` is ``neu``. A question
(closing "?") without strong words is pulled toward neutral, as the Chinese scorer does.

Stance toward the answered post, under ``tests/gold/GUIDELINE.md``, from the cue rules in
``lexicons/stance-cues-en.tsv`` (agree / disagree / concession / question forms, verdicts at the
start weigh more) and negated echoes (the reply repeats the target's words after a negator:
"it's not a bug" against "this is a bug"). A reply to the thread's opening post is neutral unless
a cue takes a side (the guideline's rule); a question takes no side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from threadscope.nlp.stance import MAX_CONFIDENCE, STANCE_THRESHOLD, Stance, StanceInput
from threadscope.text import URL_IN_TEXT

#: ``|compound|`` below this is ``neu``. VADER's authors cut at 0.05 for tweets; forum replies carry
#: many mildly worded informational posts the guideline calls ``neu`` ("mixed or very mild tone"),
#: so the band is wider: ``scripts/tune_english.py`` picked 0.5 on the train split of
#: tests/gold/en-replies.json (train macro-F1 0.341 against 0.284 at 0.3; dev then 0.432).
NEUTRAL_BAND = 0.5
#: A post whose closing words ask keeps this share of its compound (a question asks, it rarely
#: judges; the Chinese scorer's QUESTION_DAMPING).
QUESTION_DAMPING = 0.5
CLOSING_QUESTION_RE = re.compile(r"\?[\s.!)\"']*$")
#: Markdown links keep their text: "[Relevant](https://…)" reads "Relevant".
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")

#: Cues beyond the first sentence count this share (they often judge a third party).
BODY_FACTOR = 0.5
#: A ``start`` cue may follow this many words of its sentence ("Yeah, exactly", "Honestly, no.").
START_PREFIX_WORDS = 1
#: Yes/no words answer a target that asks ("Is it down?" "No, it works": reddit n49rw #43), they do
#: not judge it (the Chinese rules' ANSWER_CUES).
ANSWER_CUES = frozenset({"yes[,.! ]", "yep", "yeah[,.! ]", "no[,.!]", "nope", "nah"})
TARGET_ASKS_RE = re.compile(r"\?[\s.!)\"']*$")
#: The first sentence: up to the first sentence end or line break.
SENTENCE_END_RE = re.compile(r"[.!?\n]")
#: Negated echo: a negator + the next 1-2 words, found (without the negator) in the target.
NEGATOR_RE = re.compile(r"\b(?:not|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|never|no longer)\s+"
                        r"((?:a |an |the )?[a-z][a-z'-]+(?: [a-z][a-z'-]+)?)")
ECHO_WEIGHT = -1.5
#: A one-word echo needs this many letters ("bug" yes, "it" no).
ECHO_MIN_CHARS = 3
#: Echoed words this common say nothing ("not that", "don't know").
ECHO_STOP = frozenset({"a", "an", "the", "that", "this", "it", "so", "really", "sure", "know", "think", "be",
                       "have", "even", "just", "very", "too", "much", "going", "want", "need", "get", "like",
                       "to", "if", "all", "only", "one", "many", "more", "been", "as", "in", "on", "for"})
LEXICON_PACKAGE = "threadscope.nlp.lexicons"


def clean(text: str) -> str:
    """What the English rules read: links reduced to their text, URLs out, straight apostrophes."""
    text = URL_IN_TEXT.sub(" ", MARKDOWN_LINK_RE.sub(r"\1", text or ""))
    return text.replace("’", "'").replace("‘", "'").strip()


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def label_of(score: float) -> str:
    return "neu" if abs(score) < NEUTRAL_BAND else ("pos" if score > 0 else "neg")


def confidence_of(score: float) -> float:
    """0.5 at the class boundary, 1.0 at the far end of the class (±1, or exactly 0 for neu)."""
    distance = abs(score)
    if distance < NEUTRAL_BAND:
        return 0.5 + 0.5 * (1 - distance / NEUTRAL_BAND)
    return 0.5 + 0.5 * (distance - NEUTRAL_BAND) / (1 - NEUTRAL_BAND)


def sentiment_score(text: str) -> float:
    """VADER's compound for the post, damped when the post closes with a question."""
    body = clean(text)
    if not body:
        return 0.0
    compound = float(_vader().polarity_scores(body)["compound"])
    if CLOSING_QUESTION_RE.search(body):
        compound *= QUESTION_DAMPING
    return compound


def score_sentiment(texts: Sequence[str]) -> list[tuple[str, float, float]]:
    """``(label, score, confidence)`` per text."""
    out = []
    for text in texts:
        score = sentiment_score(text)
        out.append((label_of(score), round(score, 4), round(confidence_of(score), 4)))
    return out


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float
    start_only: bool
    source: str


@cache
def cues() -> tuple[Cue, ...]:
    """The rules of ``lexicons/stance-cues-en.tsv``, longest pattern first (it wins overlaps)."""
    text = resources.files(LEXICON_PACKAGE).joinpath("stance-cues-en.tsv").read_text(encoding="utf-8")
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            pattern = re.compile(r"(?<![\w+])" + parts[0] + (r"(?!\w)" if parts[0][-1].isalnum() else ""))
            found.append(Cue(pattern, float(parts[1]), parts[2].strip() == "start", parts[0]))
        except (IndexError, ValueError, re.error) as exc:  # a packaging bug, not user input
            raise RuntimeError(f"stance-cues-en.tsv:{number}: expected 'regex<TAB>weight<TAB>start|any', "
                               f"got {line!r}") from exc
    return tuple(sorted(found, key=lambda cue: -len(cue.source)))


def cue_evidence(body: str, *, target_asks: bool = False) -> tuple[float, bool]:
    """(summed cue weight, whether a question cue matched) over non-overlapping matches; yes/no
    words are answers, not verdicts, when the target asks."""
    lower = body.lower()
    first_end = (m.start() if (m := SENTENCE_END_RE.search(lower, 1)) else len(lower))
    taken: list[tuple[int, int]] = []
    total, asks = 0.0, False
    for cue in cues():
        for match in cue.pattern.finditer(lower):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            in_first = start <= first_end
            if cue.start_only and not (in_first and len(lower[:start].split()) <= START_PREFIX_WORDS):
                continue
            taken.append((start, end))
            if target_asks and cue.source in ANSWER_CUES:
                continue
            if cue.weight == 0:
                asks = True
            total += cue.weight * (1.0 if in_first else BODY_FACTOR)
    return total, asks


def negated_echo(body: str, target: str) -> str | None:
    """The target's words the reply repeats after a negator ("not a bug" against "a bug"), if any."""
    target_lower = " " + re.sub(r"\s+", " ", clean(target).lower()) + " "
    for match in NEGATOR_RE.finditer(body.lower()):
        phrase = match.group(1).strip()
        # the whole phrase, then without its second word ("not a bug, it is…" → "a bug")
        shorter = phrase.rsplit(" ", 1)[0] if phrase.count(" ") > 1 else phrase
        for candidate in dict.fromkeys((phrase, shorter)):
            words = [w for w in candidate.split() if w not in ECHO_STOP]
            if not words or (len(words) == 1 and len(words[0]) < ECHO_MIN_CHARS):
                continue
            at = target_lower.find(" " + candidate + " ")
            if at < 0 or re.search(r"\b(?:not|n't|never|no)\s*$", target_lower[max(0, at - 12):at]):
                continue  # absent, or the target says "not X" too (an agreement, not an echo)
            return candidate
    return None


def stance_of(item: StanceInput) -> Stance:
    """Stance of an English reply toward its target (the module docstring's rules)."""
    body = clean(item.text)
    evidence, asks = cue_evidence(body, target_asks=bool(TARGET_ASKS_RE.search(clean(item.target_text))))
    if negated_echo(body, item.target_text):
        evidence += ECHO_WEIGHT
    if asks and abs(evidence) < STANCE_THRESHOLD * 2:
        evidence = 0.0  # a question (source? what do you mean?) takes no side
    if abs(evidence) <= STANCE_THRESHOLD:
        return Stance("neutral", 0.5, round(evidence, 3))
    margin = abs(evidence) - STANCE_THRESHOLD
    label = "agree" if evidence > 0 else "disagree"
    confidence = min(MAX_CONFIDENCE, 0.5 + 0.4 * (1 - 1 / (1 + margin)))  # as nlp.stance
    return Stance(label, round(confidence, 3), round(evidence, 3))
