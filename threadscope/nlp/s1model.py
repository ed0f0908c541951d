"""In-domain S1 sentiment and stance models (issue 9): features, numpy inference and the scorers.

Trained by ``scripts/train_s1_model.py`` on the labelled replies of ``tests/gold/s1-replies.json``
(train split) with knowledge from the unlabelled posts of the 2022–2023 S1 archives:

- ``vectors``: character 1–2-gram embeddings (PPMI + SVD over the archive posts, hashed buckets);
  a post is the mean of its n-grams' vectors, so words never seen in the labelled set still land
  near the labelled words they are used like;
- ``distant``: which smiley would the author add? A character 1–3-gram model trained on archive
  posts to predict their face2017 smiley (among the most used ones) from the text with the smileys
  removed (DeepMoji's idea): its scores per smiley are features of the classifiers.

Both classifiers are multinomial logistic regressions over hashed n-gram namespaces plus dense
features (the old scorers' outputs and evidence parts are features here, not verdicts). Stance
reads the reply (whole text, its opening clause), the target's text, whether the reply answers the
thread itself or a post, the thread's title, the overlap of the two texts and both sentiment
distributions. Both models' per-class logit biases and softmax temperature were chosen on
out-of-fold predictions of a grouped-by-thread CV inside the train split; the dev split is only
measured (``docs/quality.md``).

Model files live in ``threadscope/nlp/models/s1-*.npz`` (float16 weights) and load on first use.
The unlabelled-text knowledge (``Shared``) is only needed for training: both parts are linear in
the classifiers, so the shipped files carry them folded into per-bucket tables (``Folded``).
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from threadscope.nlp import english as english_mod
from threadscope.nlp import sentiment as old_sentiment
from threadscope.nlp import stance as old_stance
from threadscope.nlp.features import hashed_ngrams, normalize
from threadscope.nlp.scorers import scored_languages, sentiment_columns, starter_floors, toward_op

if TYPE_CHECKING:
    from threadscope.model import Post
    from threadscope.nlp.scorers import ScoringContext

SENTIMENTS = ("neg", "neu", "pos")
STANCES = ("agree", "disagree", "neutral")
#: Buckets per hashed namespace.
BITS = 17
NS = 1 << BITS
#: What the annotators read: the reply cut at 400 characters, the target at 300.
REPLY_CHARS = 400
TARGET_CHARS = 300
#: Marks of the start and end of a post, so that n-grams know "opens the post" / "closes it".
START, END = "\u0002", "\u0003"
#: The opening words of a reply (its verdict, if any): this many characters of the first clause.
LEAD_CHARS = 8
#: Stance namespaces: 0-6 are the reply, its lead and the target's closing words; these follow.
#: The title's 1-2-grams (the thread's type) were the best of six pair additions measured by
#: 3-fold CV inside train (macro-F1 0.581 against 0.576 without; the target's whole text, the
#: reply's closing clause, the lead when the target asks, the second clause's lead, the lead
#: against the target's polarity: 0.576-0.580, within the folds' noise), so only it ships.
BASE_NAMESPACES = 7
STANCE_EXTRAS: tuple[str, ...] = ("title",)
SENTIMENT_FILE = "s1-sentiment.npz"
STANCE_FILE = "s1-stance.npz"


def smiley_string(text: str) -> str:
    """Each smiley of ``text`` as one private-use character (its id hashed), for unigram features."""
    return "".join(chr(0xE000 + zlib.crc32(sid.encode()) % 4096) for sid in old_sentiment.smiley_ids(text))


def class_sums(doc: np.ndarray, table_t: np.ndarray, index: np.ndarray, weight: np.ndarray | None,
               n: int) -> np.ndarray:
    """(n, k) sums over occurrences of ``table_t[:, index]`` (times ``weight``) per ``doc``:
    one bincount per class over a contiguous row of the transposed table."""
    out = np.empty((n, table_t.shape[0]))
    for c, row in enumerate(table_t):
        values = row[index]
        out[:, c] = np.bincount(doc, weights=values * weight if weight is not None else values, minlength=n)
    return out


def segment_sum(doc: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Row sums of ``values`` (m, k) grouped by ``doc`` (m,) into an (n, k) array."""
    out = np.zeros((n, values.shape[1]), dtype=np.float64)
    if doc.size:
        order = np.argsort(doc, kind="stable")
        doc, values = doc[order], values[order]
        starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
        out[doc[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


def _sparse(texts: Sequence[str], namespace: int, orders: Sequence[int] = (1, 2, 3),
            scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    doc, bucket, weight = hashed_ngrams(texts, bits=BITS, orders=orders)
    return doc, bucket + namespace * NS, weight * scale


@dataclass
class Shared:
    """The unlabelled-text knowledge: embedding table of hashed char 1–2-grams, distant model."""

    emb_rows: np.ndarray  # int32 bucket -> row (-1: none)
    emb: np.ndarray  # float32 rows x dim
    distant_w: np.ndarray  # float32 buckets x smileys
    distant_b: np.ndarray  # float32 smileys

    def embed(self, norms: Sequence[str]) -> np.ndarray:
        """Mean embedding of each text's char 1–2-grams in the vocabulary (zeros when none is)."""
        doc, bucket, _ = hashed_ngrams(norms, bits=BITS, orders=(1, 2))
        rows = self.emb_rows[bucket]
        keep = rows >= 0
        doc, rows = doc[keep], rows[keep]
        out = segment_sum(doc, self.emb[rows], len(norms))
        return out / np.maximum(np.bincount(doc, minlength=len(norms)), 1.0)[:, None]

    def distant(self, norms: Sequence[str]) -> np.ndarray:
        """(n, smileys) scores of the smiley-prediction model."""
        doc, bucket, weight = hashed_ngrams(norms, bits=BITS)
        return segment_sum(doc, self.distant_w[bucket] * weight[:, None], len(norms)) + self.distant_b


def sentiment_inputs(texts: Sequence[str], shared: Shared | None) -> tuple[list, np.ndarray, list[str]]:
    """Sparse parts ``[(doc, col, value), …]``, the dense matrix and the normalised texts of the
    sentiment model. With ``shared`` (training) the dense matrix ends with the smiley scores and
    the mean embedding; the shipped models have both folded into per-bucket tables (``Folded``)."""
    cut = [t[:REPLY_CHARS] for t in texts]
    norms = [normalize(t) for t in cut]
    marked = [START + n + END for n in norms]
    parts = [_sparse(marked, 0), _sparse([smiley_string(t) for t in cut], 1, orders=(1,))]
    review = old_sentiment.load_model().logits(norms)
    dense = np.zeros((len(texts), 8))
    for i, (text, norm) in enumerate(zip(cut, norms, strict=True)):
        lex, hit = old_sentiment.forum_logit(text, norm)
        asks = old_sentiment.question_dominant(norm)
        dense[i, :8] = (math.tanh(lex / 3.0), float(hit), math.tanh(review[i] / 3.0),
                        _old_score(text, norm, lex, hit, asks, float(review[i])), float(asks),
                        float(bool(old_sentiment.RHETORICAL_RE.search(norm))),
                        math.log1p(len(norm)) / 5.0, float(not norm))
    if shared is not None:
        dense = np.hstack([dense, shared.distant(norms), shared.embed(norms)])
    return parts, dense, norms


def _old_score(text: str, norm: str, lex: float, hit: bool, asks: bool, review: float) -> float:
    """``sentiment.score_sentiment``'s score from its parts, computed once here (the same
    arithmetic: bounded review logit shrunk on short posts + bounded lexicon logit, damped on
    questions without a lexicon hit)."""
    if not norm and not old_sentiment.SMILEY_TOKEN.search(text):
        return 0.0
    lex = old_sentiment.LEXICON_BOUND * math.tanh(lex / old_sentiment.LEXICON_BOUND)
    z = 0.0
    if norm:
        bound = old_sentiment.MODEL_BOUND
        z = bound * math.tanh(review * old_sentiment.MODEL_SCALE / bound)
        z *= len(norm) / (len(norm) + old_sentiment.SHORT_TEXT_CHARS)
    if not hit and asks:
        z *= old_sentiment.QUESTION_DAMPING
        lex *= old_sentiment.QUESTION_DAMPING
    return math.tanh((z + lex) / 2.0)


@dataclass(frozen=True, slots=True)
class Pair:
    """One reply and what it answers, as the stance model reads it."""

    text: str
    target: str
    to_thread: bool
    #: The thread's title (its type: episode, news, question, argument), "" when unknown.
    title: str = ""


def _bigrams(text: str) -> set[str]:
    return set(map(str.__add__, text, text[1:]))


def _overlap(reply: str, target_grams: set[str]) -> tuple[float, float]:
    """Share and number of the reply's character bigrams found in the target."""
    grams = _bigrams(reply)
    if not grams or not target_grams:
        return 0.0, 0.0
    shared = len(grams & target_grams)
    return shared / len(grams), float(shared)


def _pair_parts(pairs: Sequence[Pair], extras: Sequence[str]) -> list:
    """The hashed namespaces after the first ``BASE_NAMESPACES``, in ``extras`` order."""
    parts = []
    for number, extra in enumerate(extras, start=BASE_NAMESPACES):
        if extra == "title":  # the thread's type: episode, news, question, argument thread
            # a thread's pairs share one title: its n-grams once, repeated for each pair
            index: dict[str, int] = {}
            of_pair = np.array([index.setdefault(p.title, len(index)) for p in pairs], dtype=np.int64)
            doc, col, val = _sparse([START + normalize(t) + END for t in index], number, orders=(1, 2),
                                    scale=0.5)
            order = np.argsort(doc, kind="stable")
            doc, col, val = doc[order], col[order], val[order]
            counts = np.bincount(doc, minlength=len(index))
            starts = np.cumsum(counts) - counts
            lengths = counts[of_pair]
            first = np.repeat(starts[of_pair] - (np.cumsum(lengths) - lengths), lengths)
            rows = first + np.arange(int(lengths.sum()))
            parts.append((np.repeat(np.arange(len(pairs)), lengths), col[rows], val[rows]))
        else:
            raise ValueError(f"unknown stance feature namespace {extra!r}")
    return parts


def stance_inputs(pairs: Sequence[Pair], reply_probs: np.ndarray, target_probs: np.ndarray,
                  shared: Shared | None, extras: Sequence[str] | None = None
                  ) -> tuple[list, np.ndarray, list[str]]:
    """Sparse parts, dense matrix and normalised replies of the stance model; ``*_probs`` are
    sentiment distributions (neg, neu, pos) of the replies and of their targets."""
    extras = STANCE_EXTRAS if extras is None else extras
    replies = [normalize(p.text[:REPLY_CHARS]) for p in pairs]
    seen: dict[str, str] = {}  # most replies answer the same few posts (the OP above all)
    for pair in pairs:
        if pair.target not in seen:
            seen[pair.target] = normalize(pair.target[:TARGET_CHARS])
    targets = [seen[p.target] for p in pairs]
    grams = {raw: _bigrams(norm) for raw, norm in seen.items()}
    marked = [START + r + END for r in replies]
    to_thread = np.array([p.to_thread for p in pairs], dtype=bool)
    leads = [START + r[:old_stance.first_clause_end(r)][:LEAD_CHARS] for r in replies]
    doc, col, val = _sparse(marked, 0)
    parts = [(doc, col, val), (doc, col + NS * (1 + (~to_thread[doc]).astype(np.int64)), val)]
    # 0: every reply, 1: replies to the thread, 2: replies to a post
    parts.append(_sparse(leads, 3, orders=(1, 2, 3)))
    doc, col, val = _sparse(leads, 4, orders=(2, 3))
    parts.append((doc, col + NS * (~to_thread[doc]).astype(np.int64), val))  # 4 / 5: lead by kind
    parts.append(_sparse([START + t[-40:] + END for t in targets], 6, orders=(1, 2), scale=0.5))
    parts += _pair_parts(pairs, extras)
    dense = np.zeros((len(pairs), 26))
    for i, (pair, reply, target) in enumerate(zip(pairs, replies, targets, strict=True)):
        sent = float(reply_probs[i, 2] - reply_probs[i, 0])
        target_sent = float(target_probs[i, 2] - target_probs[i, 0])
        # normalised texts: normalize() is idempotent, and this saves evidence_of redoing it
        item = old_stance.StanceInput(text=reply, target_text=target, sentiment=sent,
                                      target_sentiment=target_sent, target_is_op=pair.to_thread)
        ev = old_stance.evidence_of(item)
        verdict = old_stance._decide(ev.total).label
        share, count = _overlap(reply, grams[pair.target])
        dense[i, :20] = (
            float(pair.to_thread), float(not target), ev.cues, ev.echo, ev.contrast, ev.rhetorical, ev.meta,
            ev.align, float(ev.asks), float(ev.target_asks), float(ev.strong), math.tanh(ev.total),
            float(verdict == "agree"), float(verdict == "disagree"), share, math.log1p(count) / 3.0,
            math.log1p(len(reply)) / 5.0, math.log1p(len(target)) / 6.0,
            float(bool(old_stance.RHETORICAL_ASK_RE.search(reply))), sent * target_sent)
    dense[:, 20:23] = reply_probs
    dense[:, 23:26] = target_probs
    if shared is not None:
        dense = np.hstack([dense, shared.distant(replies), shared.embed(replies)])
    return parts, dense, replies


@dataclass
class Folded:
    """The smiley scores and the mean embedding enter the classifiers linearly, so their part of
    the logits is folded into per-bucket tables at export: ``distant`` (n-gram bucket -> class,
    weighted like the smiley model) and ``emb`` (vocabulary row -> class, averaged)."""

    distant: np.ndarray  # float32 NS x classes
    emb_rows: np.ndarray  # int32 NS -> row or -1
    emb: np.ndarray  # float32 rows x classes

    def logits(self, norms: Sequence[str]) -> np.ndarray:
        doc, bucket, weight = hashed_ngrams(norms, bits=BITS)
        z = class_sums(doc, self.distant_t, bucket, weight, len(norms))
        doc, bucket, _ = hashed_ngrams(norms, bits=BITS, orders=(1, 2))
        rows = self.emb_rows[bucket]
        keep = rows >= 0
        doc = doc[keep]
        counts = np.maximum(np.bincount(doc, minlength=len(norms)), 1.0)[:, None]
        return z + class_sums(doc, self.emb_t, rows[keep], None, len(norms)) / counts

    def __post_init__(self) -> None:
        self.distant_t = np.ascontiguousarray(self.distant.T)
        self.emb_t = np.ascontiguousarray(self.emb.T)


@dataclass
class LinearModel:
    """Multinomial logistic regression over hashed namespaces + standardised dense features."""

    sparse_w: np.ndarray  # float32 (namespaces * NS) x classes
    dense_w: np.ndarray  # float32 dense x classes
    mean: np.ndarray
    scale: np.ndarray
    bias: np.ndarray  # intercept + chosen per-class offsets
    temperature: float
    labels: tuple[str, ...]
    meta: dict[str, Any]
    folded: Folded | None = None

    def __post_init__(self) -> None:
        self.sparse_t = np.ascontiguousarray(self.sparse_w.T)

    def logits(self, parts: list, dense: np.ndarray, norms: Sequence[str] = ()) -> np.ndarray:
        n = dense.shape[0]
        doc = np.concatenate([p[0] for p in parts])
        col = np.concatenate([p[1] for p in parts])
        val = np.concatenate([p[2] for p in parts])
        z = class_sums(doc, self.sparse_t, col, val, n)
        z += ((dense - self.mean) / self.scale) @ self.dense_w
        if self.folded is not None:
            z += self.folded.logits(norms)
        return z + self.bias

    def probabilities(self, parts: list, dense: np.ndarray, norms: Sequence[str] = ()) -> np.ndarray:
        z = self.logits(parts, dense, norms) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def _open(name: str) -> Any:
    handle = resources.files("threadscope.nlp.models").joinpath(name).open("rb")
    with handle:
        data = np.load(handle)
        return {key: data[key] for key in data.files}


def _linear(name: str) -> LinearModel:
    return linear_from(_open(name))


def linear_from(data: dict[str, np.ndarray]) -> LinearModel:
    meta = json.loads(str(data["meta"]))
    # sparse weights are stored only for buckets seen in training (index + float16 rows)
    sparse_w = np.zeros((int(meta["sparse_rows"]), len(meta["labels"])), dtype=np.float32)
    sparse_w[data["sparse_index"].astype(np.int64)] = data["sparse_values"].astype(np.float32)
    folded = None
    if "distant_index" in data:
        k = len(meta["labels"])
        distant = np.zeros((NS, k), dtype=np.float32)
        distant[data["distant_index"].astype(np.int64)] = data["distant_values"].astype(np.float32)
        rows = np.full(NS, -1, dtype=np.int32)
        rows[data["emb_buckets"].astype(np.int64)] = np.arange(len(data["emb_buckets"]), dtype=np.int32)
        folded = Folded(distant=distant, emb_rows=rows, emb=data["emb_values"].astype(np.float32))
    return LinearModel(sparse_w=sparse_w, dense_w=data["dense_w"].astype(np.float64),
                       mean=data["mean"].astype(np.float64), scale=data["scale"].astype(np.float64),
                       bias=data["bias"].astype(np.float64), temperature=float(meta["temperature"]),
                       labels=tuple(meta["labels"]), meta=meta, folded=folded)


def shared_from(data: dict[str, np.ndarray]) -> Shared:
    rows = np.full(NS, -1, dtype=np.int32)
    rows[data["emb_buckets"].astype(np.int64)] = np.arange(len(data["emb_buckets"]), dtype=np.int32)
    values = data["distant_values"].astype(np.float32)
    distant = np.zeros((NS, values.shape[1]), dtype=np.float32)
    distant[data["distant_index"].astype(np.int64)] = values
    return Shared(emb_rows=rows, emb=data["emb"].astype(np.float32), distant_w=distant,
                  distant_b=data["distant_bias"].astype(np.float32))


@cache
def load_sentiment() -> LinearModel:
    return _linear(SENTIMENT_FILE)


@cache
def load_stance() -> LinearModel:
    return _linear(STANCE_FILE)


def sentiment_probabilities(texts: Sequence[str]) -> np.ndarray:
    """(n, 3) probabilities of neg, neu, pos for the authors' own texts."""
    if not texts:
        return np.zeros((0, 3))
    parts, dense, norms = sentiment_inputs(texts, None)
    return load_sentiment().probabilities(parts, dense, norms)


def stance_probabilities(pairs: Sequence[Pair], reply_probs: np.ndarray | None = None,
                         target_probs: np.ndarray | None = None) -> np.ndarray:
    """(n, 3) probabilities of agree, disagree, neutral; sentiment distributions are computed
    when not given."""
    if not pairs:
        return np.zeros((0, 3))
    if reply_probs is None:
        reply_probs = sentiment_probabilities([p.text for p in pairs])
    if target_probs is None:
        target_probs = sentiment_probabilities([p.target for p in pairs])
    parts, dense, norms = stance_inputs(pairs, reply_probs, target_probs, None)
    return load_stance().probabilities(parts, dense, norms)


#: The last batch's sentiment probabilities: the stance scorer runs right after the sentiment
#: scorer on the same posts and reads them again instead of recomputing them.
_LAST: list[Any] = [None, None]


def _cached_sentiment(texts: list[str]) -> np.ndarray:
    key = tuple(texts)
    if _LAST[0] != key:
        _LAST[:] = [key, sentiment_probabilities(texts)]
    return _LAST[1]


def _to_thread(post: Post, target_floor: int) -> bool:
    """A reply to the thread itself: it answers floor 1 without quoting or naming it."""
    return target_floor == 1 and not post.quotes and post.reply_to is None


class S1SentimentScorer:
    """Sentiment from the in-domain model: label, score P(pos) - P(neg), confidence max P."""

    name = "s1-sentiment-lr"
    version = "2"
    columns: tuple[str, ...] = ("sentiment", "sentiment_score", "sentiment_confidence")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        probs = _cached_sentiment([p.text for p in context.posts])
        best = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=int)
        rows = [(SENTIMENTS[b], round(float(p[2] - p[0]), 4), round(float(p.max()), 4))
                for b, p in zip(best, probs, strict=True)]
        return sentiment_columns(context, rows)  # the model read S1's Chinese; English is read in English


class S1StanceScorer:
    """Stance from the in-domain pair model; ``stance_op`` composed along reply chains."""

    name = "s1-stance-lr"
    version = "2"
    columns: tuple[str, ...] = ("stance", "stance_confidence", "stance_op")

    def score(self, context: ScoringContext) -> dict[str, list[Any]]:
        posts = list(context.posts)
        by_floor = {p.floor: p for p in context.thread.posts}
        probs = _cached_sentiment([p.text for p in posts])
        prob_of = {p.floor: probs[i] for i, p in enumerate(posts)}
        rows, pairs, target_rows, missing = [], [], [], []
        title = context.thread.title or ""
        for i, post in enumerate(posts):
            target_floor = context.targets.get(post.floor)
            if target_floor is None:
                continue
            target = by_floor.get(target_floor)
            text = target.text if target is not None and target.status == "normal" else ""
            rows.append(i)
            pairs.append(Pair(post.text, text, _to_thread(post, target_floor), title))
            if target_floor in prob_of:
                target_rows.append(prob_of[target_floor])
            else:
                missing.append(len(target_rows))
                target_rows.append(None)
        if missing:
            extra = sentiment_probabilities([pairs[j].target for j in missing])
            for j, row in zip(missing, extra, strict=True):
                target_rows[j] = row
        labels: list[str | None] = [None] * len(posts)
        confidences: list[float | None] = [None] * len(posts)
        if pairs:
            stance = stance_probabilities(pairs, probs[rows], np.array(target_rows))
            for i, p in zip(rows, stance, strict=True):
                labels[i] = STANCES[int(p.argmax())]
                confidences[i] = round(float(p.max()), 4)
        op_floors = starter_floors(context.thread)
        scores = {p.floor: float(probs[i][2] - probs[i][0]) for i, p in enumerate(posts)}
        for i, language in enumerate(scored_languages(context)):
            target_floor = context.targets.get(posts[i].floor)
            if language != "en" or target_floor is None:
                continue
            target = by_floor.get(target_floor)
            result = english_mod.stance_of(old_stance.StanceInput(
                text=posts[i].text, target_text=target.text if target is not None else "",
                sentiment=scores[posts[i].floor], target_sentiment=scores.get(target_floor, 0.0),
                target_is_op=target_floor in op_floors or target_floor == 1, rating_by_target_author=0))
            labels[i], confidences[i] = result.label, result.confidence
        return {"stance": labels, "stance_confidence": confidences, "stance_op": toward_op(context, labels)}
