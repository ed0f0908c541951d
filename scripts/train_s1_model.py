"""Rebuild the in-domain S1 sentiment and stance models (issue 9): threadscope/nlp/models/s1-*.npz.

Stages (the corpus is cached under ``--work``, default ``.s1-train/``; delete it to start over):

1. ``corpus``: the authors' own words of the posts of a fixed share of the 2022 and 2023 plain-text
   archives (``threadscope.load_thread``). Threads of the labelled dev split are skipped, so the
   unlabelled text never contains a dev thread. The 2024 archive is held out and refused.
2. ``vectors`` and ``distant``: domain knowledge from the unlabelled posts (see the functions).
3. ``fit``: classifiers on the labelled train split of ``tests/gold/s1-replies.json``. Each
   model's per-class logit biases and confidence temperature are chosen on out-of-fold predictions
   of a grouped-by-thread cross-validation inside train (sentiment 2 folds, stance 5 folds); the
   dev split is only measured, nothing is tuned on it. The vectors and the smiley model are cached
   in ``--work`` too (``s1-shared.npz``, keyed by the corpus file and their parameters).

Archives: clone the public ``TomoeMami/S1PlainTextArchive2022`` and ``…2023`` (GitHub), e.g. to
``/work/archives/2022`` and ``/work/archives/2023``, then::

    PYTHONPATH=. python scripts/train_s1_model.py /work/archives/2022 /work/archives/2023

Training needs numpy, scipy and scikit-learn (GroupKFold; inference is numpy only). Fixed seed:
the same archives and labelled file give the same model files. Time on this machine (2 cores
shared with other jobs, load ~5): corpus 22 min (4,984 files, 1.48 million posts), smiley model
2 min, vectors 8 min, the two classifiers 4 min (sentiment 2-fold CV + fit 18 s, stance 5-fold
CV + fit 3.5 min): about 35 minutes from nothing, 4 minutes with ``--work`` kept (corpus, vectors
and smiley model reused). Peak memory ~4 GB (vectors), 1 GB for the fit stage. ``--report``
prints the dev tables of docs/quality.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from threadscope.nlp.s1model import NS, STANCE_EXTRAS

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "s1-replies.json"
MODELS = ROOT / "threadscope" / "nlp" / "models"
SEED = 20261202
#: Share of the archive files read for the unlabelled corpus (by tid hash): 0.2 is ~5,000 files,
#: ~1.7 million posts, ~30 minutes on two busy cores. Files are read in a shuffled order, so a
#: corpus cut short (``--corpus-posts``) is still a random sample.
CORPUS_SHARE = 0.2


def _share(tid: str) -> float:
    return int.from_bytes(hashlib.sha256(f"corpus/{tid}".encode()).digest()[:4], "big") / 2**32


def _posts_of(path: Path) -> list[str]:
    from threadscope import load_thread
    from threadscope.errors import ThreadscopeError

    try:
        thread = load_thread(path)
    except (ThreadscopeError, ValueError, OSError):
        return []
    return [json.dumps([str(thread.tid), post.floor, post.text], ensure_ascii=False)
            for post in thread.posts if post.status == "normal" and post.text.strip()]


def build_corpus(archives: list[Path], out: Path, share: float = CORPUS_SHARE, workers: int = 2) -> None:
    """One JSON line ``[tid, floor, text]`` per post of the chosen files; dev threads skipped."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from sample_replies import split_of

    files = []
    for archive in archives:
        if "2024" in str(archive):
            sys.exit(f"{archive}: the 2024 archive is held out for evaluation")
        for path in sorted(archive.rglob("*.md")):
            tid = path.name.split("-")[0].split("[")[0]
            if _share(tid) < share and split_of(tid) == "train":
                files.append(path)
    import random

    random.Random(SEED).shuffle(files)
    started, count = time.time(), 0
    partial = out.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as handle, Pool(workers) as pool:
        for number, lines in enumerate(pool.imap(_posts_of, files, chunksize=8)):
            for line in lines:
                handle.write(line + "\n")
            count += len(lines)
            if number % 500 == 0:
                print(f"corpus: {number}/{len(files)} files, {count} posts, {time.time() - started:.0f}s",
                      file=sys.stderr, flush=True)
    partial.rename(out)


# ---------------------------------------------------------------------------------------------
# Labelled data and the classifiers


def gold_items() -> list[dict]:
    return json.loads(GOLD.read_text(encoding="utf-8"))["items"]


def design(parts: list, dense: np.ndarray, namespaces: int, mean: np.ndarray | None = None,
           scale: np.ndarray | None = None):
    """Sparse design matrix: hashed namespaces, then the standardised dense block."""
    from scipy import sparse

    n = dense.shape[0]
    doc = np.concatenate([p[0] for p in parts])
    col = np.concatenate([p[1] for p in parts])
    val = np.concatenate([p[2] for p in parts])
    hashed = sparse.csr_matrix((val, (doc, col)), shape=(n, namespaces * NS))
    if mean is None:
        mean, scale = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    block = sparse.csr_matrix((dense - mean) / scale)
    return sparse.hstack([hashed, block], format="csr"), mean, scale


@dataclass
class Softmax:
    coef_: np.ndarray  # classes x features
    intercept_: np.ndarray

    def decision_function(self, x) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_


def fit_lr(x, y: np.ndarray, c: float, weights: np.ndarray | None = None) -> Softmax:
    """Multinomial logistic regression, L2 penalty ``1/c`` on the summed loss (scikit-learn's C),
    fitted with L-BFGS from zeros (deterministic). ``weights``: per-class loss weights."""
    # columns no training row uses keep weight 0 under the L2 penalty, and n-grams of a single
    # row mostly memorise it: fit only columns of >= MIN_ROWS rows (the optimizer's cost is
    # linear in the columns, and most hashed buckets are empty or seen once)
    full = x.shape[1]
    used = np.flatnonzero(np.diff(x.tocsc().indptr) >= MIN_ROWS)
    x = x[:, used]
    d = x.shape[1]
    k = int(y.max()) + 1
    target = np.eye(k)[y]
    if weights is not None:
        target = target * weights[y][:, None]
    xt = x.T.tocsr()

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[: d * k].reshape(d, k), params[d * k:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        err = np.exp(logp) * target.sum(axis=1, keepdims=True) - target
        value = -(target * logp).sum() + 0.5 * (w * w).sum() / c
        grad = np.concatenate([(xt @ err + w / c).ravel(), err.sum(axis=0)])
        return value, grad

    params = lbfgs(loss, np.zeros(d * k + k), maxiter=MAX_ITER, gtol=1e-3)
    w = np.zeros((full, k))
    w[used] = params[: d * k].reshape(d, k)
    return Softmax(coef_=w.T.copy(), intercept_=params[d * k:].copy())


#: A column (n-gram bucket) gets a weight when at least this many training rows have it.
MIN_ROWS = 2
#: L-BFGS iterations per fit (the classifiers are near their optimum well before: dev moved
#: < 0.005 between 100 and 150 on the first models).
MAX_ITER = 150


def lbfgs(loss, start: np.ndarray, maxiter: int, gtol: float, memory: int = 10) -> np.ndarray:
    """Plain L-BFGS (two-loop recursion, Armijo backtracking) in numpy: scipy's L-BFGS-B spends
    ~1 s per iteration on its bound bookkeeping at a million parameters, this ~0.02 s."""
    x = start
    value, grad = loss(x)
    history: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(maxiter):
        if np.abs(grad).max() < gtol:
            break
        q = grad.copy()
        alphas = []
        for s, y, rho in reversed(history):
            a = rho * (s @ q)
            q -= a * y
            alphas.append(a)
        if history:
            s, y, _ = history[-1]
            q *= (s @ y) / (y @ y)
        else:
            q /= max(np.linalg.norm(grad), 1.0)
        for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
            q += s * (a - rho * (y @ q))
        direction = -q
        slope = grad @ direction
        if slope >= 0:  # not a descent direction: restart from the gradient
            history.clear()
            direction = -grad / max(np.linalg.norm(grad), 1.0)
            slope = grad @ direction
        step = 1.0
        while True:
            new_x = x + step * direction
            new_value, new_grad = loss(new_x)
            if new_value <= value + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        s, y = new_x - x, new_grad - grad
        if s @ y > 1e-10:
            history.append((s, y, 1.0 / (s @ y)))
            del history[:-memory]
        x, value, grad = new_x, new_value, new_grad
    return x


def class_f1(gold: np.ndarray, pred: np.ndarray, k: int) -> list[float]:
    scores = []
    for c in range(k):
        tp = np.sum((gold == c) & (pred == c))
        fp = np.sum((gold != c) & (pred == c))
        fn = np.sum((gold == c) & (pred != c))
        scores.append(float(2 * tp / max(2 * tp + fp + fn, 1)))
    return scores


def macro_f1(gold: np.ndarray, pred: np.ndarray, k: int) -> float:
    return float(np.mean(class_f1(gold, pred, k)))


def choose_bias(logits: np.ndarray, y: np.ndarray, ref: int) -> np.ndarray:
    """Per-class offsets (the reference class stays 0) maximising macro-F1 of ``logits``."""
    k = logits.shape[1]
    others = [c for c in range(k) if c != ref]
    grid = np.round(np.arange(-1.5, 2.51, 0.1), 2)
    best, best_f1 = np.zeros(k), -1.0
    for a in grid:
        for b in grid:
            bias = np.zeros(k)
            bias[others[0]], bias[others[1]] = a, b
            f1 = macro_f1(y, (logits + bias).argmax(axis=1), k)
            # ties: the smaller shift
            if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(bias).sum() < abs(best).sum()):
                best, best_f1 = bias, f1
    return best


def choose_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best, best_nll = 1.0, math.inf
    for t in np.arange(0.5, 3.01, 0.05):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(y)), y].mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def cross_validate(x, y: np.ndarray, groups: np.ndarray, c: float, folds: int = 3,
                   weights: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold logits (decision function) of a grouped-by-thread k-fold inside train."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros((x.shape[0], int(y.max()) + 1))
    for fit_rows, test_rows in GroupKFold(folds).split(x, y, groups):
        model = fit_lr(x[fit_rows], y[fit_rows], c, weights)
        out[test_rows] = model.decision_function(x[test_rows])
    return out


def export(model, mean, scale, bias, temperature, labels, namespaces, meta, shared, base) -> dict:
    """The model as shipped: hashed weights of the buckets seen in training (float16), the first
    ``base`` dense columns, and the smiley-score and embedding columns folded into tables."""
    coef = model.coef_.T.astype(np.float64)  # features x classes
    sparse_w, dense_w = coef[: namespaces * NS], coef[namespaces * NS:]
    index = np.flatnonzero(np.abs(sparse_w).max(axis=1) > 1e-4).astype(np.int32)
    intercept = model.intercept_ + bias
    files = {}
    if shared is not None:
        k_d = shared.distant_w.shape[1]
        w_d = dense_w[base:base + k_d] / scale[base:base + k_d, None]
        w_e = dense_w[base + k_d:] / scale[base + k_d:, None]
        intercept = intercept - mean[base:] @ np.vstack([w_d, w_e]) + shared.distant_b @ w_d
        distant = shared.distant_w.astype(np.float64) @ w_d
        keep = np.flatnonzero(np.abs(distant).max(axis=1) > 1e-5).astype(np.int32)
        buckets = np.flatnonzero(shared.emb_rows >= 0)
        buckets = buckets[np.argsort(shared.emb_rows[buckets])].astype(np.int32)
        emb = (shared.emb.astype(np.float64) @ w_e).astype(np.float16)
        files = {"distant_index": keep, "distant_values": distant[keep].astype(np.float16),
                 "emb_buckets": buckets, "emb_values": emb}
    meta = {**meta, "labels": list(labels), "temperature": temperature, "sparse_rows": namespaces * NS}
    return {"sparse_index": index, "sparse_values": sparse_w[index].astype(np.float16),
            "dense_w": dense_w[:base].astype(np.float32), "mean": mean[:base].astype(np.float32),
            "scale": scale[:base].astype(np.float32), "bias": intercept.astype(np.float32),
            "meta": np.array(json.dumps(meta, ensure_ascii=False)), **files}


SENTIMENT_NS = 2
STANCE_NS = 7 + len(STANCE_EXTRAS)
#: Dense columns before the smiley scores and the embedding (s1model.sentiment_inputs / stance_inputs).
SENTIMENT_BASE = 8
STANCE_BASE = 26
#: L2 strength (scikit-learn's C): 1.0 beat 0.33 on a train hold-out of sentiment (0.53 vs 0.50).
C = 1.0
#: Grouped-by-thread CV inside train: its out-of-fold logits choose each model's per-class biases
#: and temperature (nothing is tuned on dev). Sentiment: 2 folds (its out-of-fold probabilities
#: also feed stance training). Stance: 5 folds.
FOLDS = 2
STANCE_FOLDS = 5
#: Stance's loss weights per class: (n / (3 n_class)) ** power; 0 = unweighted.
STANCE_WEIGHT_POWER = 0.0


def _fit_task(name, inputs, y, groups, namespaces, labels, ref, shared, base, c=C, folds=FOLDS,
              weights: np.ndarray | None = None, calibrate: np.ndarray | None = None):
    """Out-of-fold logits of a grouped-by-thread k-fold inside train choose the per-class biases
    and the temperature; the final model is fitted on all of train. ``calibrate`` marks the rows
    that choose them: the randomly sampled items, whose class shares are the forum's (the
    ``posts-only`` items over-represent agree/disagree on purpose, and biases chosen with them
    would carry that prior into every prediction). Returns the model files and the out-of-fold
    logits (biases added)."""
    parts, dense, _ = inputs
    x, mean, scale = design(parts, dense, namespaces)
    started = time.time()
    oof = cross_validate(x, y, groups, c, folds, weights)
    rows = np.ones(len(y), dtype=bool) if calibrate is None else calibrate
    bias = choose_bias(oof[rows], y[rows], ref)
    pred = (oof[rows] + bias).argmax(axis=1)
    cv_f1 = macro_f1(y[rows], pred, len(labels))
    per_class = [round(f, 4) for f in class_f1(y[rows], pred, len(labels))]
    temperature = choose_temperature(oof[rows] + bias, y[rows])
    print(f"{name}: {folds}-fold out-of-fold macro-F1 {macro_f1(y, oof.argmax(axis=1), len(labels)):.3f}, "
          f"with biases {bias.round(2)} {cv_f1:.3f}, temperature {temperature:.2f}, "
          f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
    started = time.time()
    model = fit_lr(x, y, c, weights)
    print(f"{name}: final fit {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    meta = {"C": c, "folds": folds, "cv_macro_f1": round(cv_f1, 4), "cv_f1": per_class,
            "class_weights": None if weights is None else [round(float(w), 4) for w in weights],
            "bias_from": f"out-of-fold, {folds}-fold grouped by thread inside train, randomly sampled items",
            "train_items": len(y), "seed": SEED}
    files = export(model, mean, scale, bias, temperature, labels, namespaces, meta, shared, base)
    return files, oof + bias


def _random_sample(items: list[dict]) -> np.ndarray:
    """Rows of items drawn at random (not the ``posts-only`` additions to train)."""
    return np.array([item.get("sample") != "posts-only" for item in items])


def fit_models(shared, out: Path) -> None:
    """Fit both models on the train split (``shared``: the unlabelled-text knowledge or None)."""
    from threadscope.nlp import s1model

    items = gold_items()
    train = [i for i in items if i["split"] == "train"]
    # sentiment
    sent_items = [i for i in train if i["sentiment"]]
    y = np.array([s1model.SENTIMENTS.index(i["sentiment"]) for i in sent_items])
    groups = np.array([i["tid"] for i in sent_items])
    inputs = s1model.sentiment_inputs([i["text"] for i in sent_items], shared)
    files, oof = _fit_task("sentiment", inputs, y, groups, SENTIMENT_NS, s1model.SENTIMENTS, 1, shared,
                           base=SENTIMENT_BASE, calibrate=_random_sample(sent_items))
    np.savez_compressed(out / s1model.SENTIMENT_FILE, **files)
    sentiment = s1model.linear_from(files)
    oof_probs = {i["id"]: p for i, p in zip(sent_items, _softmax(oof / files_t(files)), strict=True)}

    def probs(texts):
        parts, dense, norms = s1model.sentiment_inputs(texts, None)
        return sentiment.probabilities(parts, dense, norms)

    # stance: the reply's sentiment is out-of-fold where the reply was a sentiment training item
    st_items = [i for i in train if i["stance"]]
    reply = probs([i["text"] for i in st_items])
    for row, item in enumerate(st_items):
        if item["id"] in oof_probs:
            reply[row] = oof_probs[item["id"]]
    target = probs([i["target"] for i in st_items])
    pairs = [pair_of(i) for i in st_items]
    y = np.array([s1model.STANCES.index(i["stance"]) for i in st_items])
    groups = np.array([i["tid"] for i in st_items])
    inputs = s1model.stance_inputs(pairs, reply, target, shared)
    weights = (len(y) / (3 * np.bincount(y, minlength=3))) ** STANCE_WEIGHT_POWER
    files, _ = _fit_task("stance", inputs, y, groups, STANCE_NS, s1model.STANCES, 2, shared,
                         base=STANCE_BASE, folds=STANCE_FOLDS,
                         weights=weights if STANCE_WEIGHT_POWER else None, calibrate=_random_sample(st_items))
    np.savez_compressed(out / s1model.STANCE_FILE, **files)


def pair_of(item: dict):
    """The stance model's reading of a labelled item (as the scorer builds it from a thread)."""
    from threadscope.nlp import s1model

    return s1model.Pair(item["text"], item["target"], item["target_kind"] == "op", item.get("title") or "")


def files_t(files: dict) -> float:
    return float(json.loads(str(files["meta"]))["temperature"])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def evaluate_dev(folder: Path) -> dict:
    """Dev macro-F1 of the model files in ``folder``, through the inference path."""
    from threadscope.nlp import s1model

    def read(name):
        with np.load(folder / name) as data:
            return s1model.linear_from({key: data[key] for key in data.files})

    sentiment, stance = read(s1model.SENTIMENT_FILE), read(s1model.STANCE_FILE)
    dev = [i for i in gold_items() if i["split"] == "dev"]
    result = {}
    items = [i for i in dev if i["sentiment"]]
    p = sentiment.probabilities(*s1model.sentiment_inputs([i["text"] for i in items], None))
    y = np.array([s1model.SENTIMENTS.index(i["sentiment"]) for i in items])
    result["sentiment"] = macro_f1(y, p.argmax(axis=1), 3)
    items = [i for i in dev if i["stance"]]
    pr = [sentiment.probabilities(*s1model.sentiment_inputs(texts, None))
          for texts in ([i["text"] for i in items], [i["target"] for i in items])]
    pairs = [pair_of(i) for i in items]
    p = stance.probabilities(*s1model.stance_inputs(pairs, pr[0], pr[1], None))
    y = np.array([s1model.STANCES.index(i["stance"]) for i in items])
    result["stance"] = macro_f1(y, p.argmax(axis=1), 3)
    return result


# ---------------------------------------------------------------------------------------------
# Knowledge from the unlabelled posts

#: Embeddings: the VOCAB most frequent hashed char 1–2-grams, contexts the CONTEXTS most frequent
#: characters within WINDOW positions; PPMI with context smoothing 0.75, SVD to DIM dimensions.
VOCAB = 40000
CONTEXTS = 4000
WINDOW = 3
DIM = 64
#: Distant labels: the SMILEYS most used face2017 smileys; at most PER_SMILEY posts each.
SMILEYS = 24
PER_SMILEY = 25000
NB_ALPHA = 0.5
#: Buckets seen fewer times than this in the smiley posts carry no weight (and are not shipped).
NB_MIN_COUNT = 5
CHUNK = 100000
#: Posts read for the embeddings (the first ones of the shuffled corpus).
VECTOR_POSTS = 700000


def corpus_texts(path: Path, limit: int | None = None) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)[2])
            if limit and len(texts) >= limit:
                break
    return texts


def _positions(norms: list[str]):
    """Per character position: code, doc id, separator flag, and hashed uni/bigram buckets."""
    from threadscope.nlp.features import hashed_ngrams

    joined = "\x00".join(norms) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    is_sep = codes == 0
    uni = np.full(codes.size, -1, dtype=np.int64)
    big = np.full(codes.size, -1, dtype=np.int64)
    _, bucket, _ = hashed_ngrams(norms, orders=(1,), bits=17)
    uni[np.flatnonzero(~is_sep)] = bucket
    _, bucket, _ = hashed_ngrams(norms, orders=(2,), bits=17)
    big[np.flatnonzero(~is_sep[:-1] & ~is_sep[1:])] = bucket
    return uni, big


def build_vectors(texts: list[str]) -> dict[str, np.ndarray]:
    """PPMI-SVD embeddings of hashed char 1–2-gram buckets."""
    from scipy import sparse
    from scipy.sparse.linalg import svds

    from threadscope.nlp.features import normalize

    started = time.time()
    freq = np.zeros(NS, dtype=np.int64)
    char_freq = np.zeros(NS, dtype=np.int64)
    chunks = [[normalize(t) for t in texts[i:i + CHUNK]] for i in range(0, len(texts), CHUNK)]
    for norms in chunks:
        uni, big = _positions(norms)
        char_freq += np.bincount(uni[uni >= 0], minlength=NS)
        freq += np.bincount(uni[uni >= 0], minlength=NS) + np.bincount(big[big >= 0], minlength=NS)
    vocab = np.argsort(-freq, kind="stable")[:VOCAB]
    vocab = vocab[freq[vocab] >= 5]
    contexts = np.argsort(-char_freq, kind="stable")[:CONTEXTS]
    row_of = np.full(NS, -1, dtype=np.int64)
    row_of[vocab] = np.arange(len(vocab))
    ctx_of = np.full(NS, -1, dtype=np.int64)
    ctx_of[contexts] = np.arange(len(contexts))
    counts = np.zeros(len(vocab) * len(contexts), dtype=np.float64)
    for norms in chunks:
        uni, big = _positions(norms)
        size = uni.size
        seps = np.cumsum(uni < 0)  # posts are separated by one non-text position
        found = []
        for units, width in ((uni, 1), (big, 2)):
            rows = np.where(units >= 0, row_of[np.maximum(units, 0)], -1)
            for offset in (*range(-WINDOW, 0), *range(width, width + WINDOW)):
                src = np.arange(max(0, -offset), min(size, size - offset))
                ctx_units = uni[src + offset]
                ok = (rows[src] >= 0) & (ctx_units >= 0) & (seps[src] == seps[src + offset])
                ctx = np.where(ok, ctx_of[np.maximum(ctx_units, 0)], -1)
                ok &= ctx >= 0
                found.append(rows[src][ok] * len(contexts) + ctx[ok])
        counts += np.bincount(np.concatenate(found), minlength=counts.size)
    matrix = counts.reshape(len(vocab), len(contexts)).astype(np.float64)
    total = matrix.sum()
    row_p = matrix.sum(axis=1, keepdims=True) / total
    ctx_p = matrix.sum(axis=0, keepdims=True) ** 0.75
    ctx_p /= ctx_p.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(matrix / total / (row_p * ctx_p))
    ppmi = sparse.csr_matrix(np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0))
    u, s, _ = svds(ppmi, k=DIM, random_state=SEED)
    vectors = u * np.sqrt(s)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    print(f"vectors: {len(vocab)} units x {DIM}, {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    return {"emb_buckets": vocab.astype(np.int32), "emb": vectors.astype(np.float16)}


def build_distant(texts: list[str]) -> dict[str, np.ndarray]:
    """Smiley prediction: posts with face2017 smileys among the SMILEYS most used, labelled with
    their first such smiley, read without smileys; multinomial naive Bayes over hashed char
    1–3-grams (log-count ratios against all labelled posts, additive smoothing ``NB_ALPHA``)."""
    from collections import Counter

    from threadscope.nlp import s1model
    from threadscope.nlp.features import normalize
    from threadscope.nlp.sentiment import smiley_ids

    started = time.time()
    found = [(smiley_ids(t), t) for t in texts if "[s:" in t]
    top = [sid for sid, _ in Counter(s for ids, _ in found for s in set(ids)).most_common(SMILEYS)]
    index = {sid: k for k, sid in enumerate(top)}
    rng = np.random.default_rng(SEED)
    taken: Counter = Counter()
    chosen, labels = [], []
    for i in rng.permutation(len(found)):
        ids, text = found[i]
        first = next((s for s in ids if s in index), None)
        norm = normalize(text)
        if first is None or len(norm) < 2 or taken[first] >= PER_SMILEY:
            continue
        taken[first] += 1
        chosen.append(norm)
        labels.append(index[first])
    labels_arr = np.array(labels)
    doc, col, _ = s1model._sparse(chosen, 0)
    counts = np.zeros((NS, len(top)))
    np.add.at(counts, (col, labels_arr[doc]), 1.0)
    prob = (counts + NB_ALPHA) / (counts.sum(axis=0, keepdims=True) + NB_ALPHA * NS)
    w = np.log(prob)
    w -= w.mean(axis=1, keepdims=True)  # what a bucket says about one smiley against the others
    seen = np.flatnonzero(counts.sum(axis=1) >= NB_MIN_COUNT).astype(np.int32)
    print(f"distant: {len(chosen)} posts, {len(top)} smileys, {len(seen)} buckets, "
          f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
    return {"distant_index": seen, "distant_values": w[seen].astype(np.float16),
            "distant_bias": np.zeros(len(top), dtype=np.float32), "distant_smileys": np.array(top)}


# ---------------------------------------------------------------------------------------------
# Dev report (docs/quality.md) and the command line


def _table(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> list[str]:
    lines = ["| class | precision | recall | F1 | gold | predicted |", "|---|---|---|---|---|---|"]
    f1s = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        n_pred, n_gold = pred.count(label), gold.count(label)
        prec, rec = tp / max(n_pred, 1), tp / max(n_gold, 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        f1s.append(f1)
        lines.append(f"| {label} | {prec:.3f} | {rec:.3f} | {f1:.3f} | {n_gold} | {n_pred} |")
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    lines.append(f"| **macro** | | | **{np.mean(f1s):.3f}** | {len(gold)} | accuracy {accuracy:.3f} |")
    return lines


def _confusion(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> list[str]:
    lines = ["| gold \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for g in labels:
        row = [sum(1 for a, b in zip(gold, pred, strict=True) if a == g and b == p) for p in labels]
        lines.append(f"| {g} | " + " | ".join(map(str, row)) + " |")
    return lines


def _reliability(gold: list[str], pred: list[str], confidence: np.ndarray) -> list[str]:
    lines = ["| confidence | items | accuracy | mean confidence |", "|---|---|---|---|"]
    for lo, hi in ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        rows = [i for i, c in enumerate(confidence) if lo <= c < hi]
        if rows:
            acc = np.mean([gold[i] == pred[i] for i in rows])
            lines.append(f"| {lo:.1f}–{min(hi, 1.0):.1f} | {len(rows)} | {acc:.3f} | "
                         f"{np.mean(confidence[rows]):.3f} |")
    return lines


def quality_report() -> str:
    """Markdown tables of the shipped models and the old scorers on the dev split."""
    from threadscope.nlp import s1model
    from threadscope.nlp import stance as old_stance
    from threadscope.nlp.sentiment import score_sentiment

    dev = [i for i in gold_items() if i["split"] == "dev"]
    out = []
    items = [i for i in dev if i["sentiment"]]
    gold = [i["sentiment"] for i in items]
    probs = s1model.sentiment_probabilities([i["text"] for i in items])
    pred = [s1model.SENTIMENTS[int(p.argmax())] for p in probs]
    old = score_sentiment([i["text"] for i in items])
    out += ["### Sentiment: s1-sentiment-lr/2", "", *_table(gold, pred, s1model.SENTIMENTS), "",
            *_confusion(gold, pred, s1model.SENTIMENTS), "", "Reliability (dev):", "",
            *_reliability(gold, pred, probs.max(axis=1)), "",
            "### Sentiment: char123-lr+s1-lexicon/2 (old)", "", *_table(gold, old.label, s1model.SENTIMENTS),
            "", *_confusion(gold, old.label, s1model.SENTIMENTS), ""]
    items = [i for i in dev if i["stance"]]
    gold = [i["stance"] for i in items]
    pairs = [pair_of(i) for i in items]
    probs = s1model.stance_probabilities(pairs)
    pred = [s1model.STANCES[int(p.argmax())] for p in probs]
    replies = score_sentiment([i["text"] for i in items]).score
    targets = score_sentiment([i["target"] for i in items]).score
    old_pred = [old_stance.stance_of(old_stance.StanceInput(
        text=i["text"], target_text=i["target"], sentiment=float(a), target_sentiment=float(b),
        target_is_op=i["target_kind"] == "op" or i["target_floor"] == 1)).label
        for i, a, b in zip(items, replies, targets, strict=True)]
    out += ["### Stance: s1-stance-lr/2", "", *_table(gold, pred, s1model.STANCES), "",
            *_confusion(gold, pred, s1model.STANCES), "", "Reliability (dev):", "",
            *_reliability(gold, pred, probs.max(axis=1)), "",
            "### Stance: s1-stance-rules/3 (old)", "", *_table(gold, old_pred, s1model.STANCES), "",
            *_confusion(gold, old_pred, s1model.STANCES), ""]
    by_kind = {}
    for kind in ("op", "quote"):
        rows = [k for k, i in enumerate(items) if (i["target_kind"] == "op") == (kind == "op")]
        by_kind[kind] = macro_f1(np.array([s1model.STANCES.index(gold[k]) for k in rows]),
                                 np.array([s1model.STANCES.index(pred[k]) for k in rows]), 3)
    out.append(f"Stance macro-F1 by target: replies to the thread {by_kind['op']:.3f}, "
               f"replies to a post {by_kind['quote']:.3f}.")
    out += ["", "### Cross-validation inside train (out-of-fold, biases chosen on the same predictions)", "",
            "| model | folds | items | macro-F1 | per class |", "|---|---|---|---|---|"]
    for name, model, labels in (("s1-sentiment-lr/2", s1model.load_sentiment(), s1model.SENTIMENTS),
                                ("s1-stance-lr/2", s1model.load_stance(), s1model.STANCES)):
        meta = model.meta
        per = ", ".join(f"{label} {f:.3f}" for label, f in zip(labels, meta["cv_f1"], strict=True))
        out.append(f"| {name} | {meta['folds']} | {meta['train_items']} | {meta['cv_macro_f1']:.3f} "
                   f"| {per} |")
    return "\n".join(out)


def _shared_key(corpus: Path) -> dict:
    """What the cached vectors and smiley model depend on: the corpus file and the parameters."""
    stat = corpus.stat()
    return {"corpus": [stat.st_size, int(stat.st_mtime)], "seed": SEED,
            "vectors": [VOCAB, CONTEXTS, WINDOW, DIM, VECTOR_POSTS, CHUNK],
            "distant": [SMILEYS, PER_SMILEY, NB_ALPHA, NB_MIN_COUNT]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archives", nargs="*", type=Path)
    parser.add_argument("--work", type=Path, default=ROOT / ".s1-train")
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--report", action="store_true", help="print the dev tables of the shipped models")
    args = parser.parse_args()
    if args.report:
        print(quality_report())
        return
    from threadscope.nlp import s1model

    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / "corpus.jsonl"
    if not corpus.exists():
        if not args.archives:
            sys.exit("give the 2022 and 2023 archive folders (the corpus is not built yet)")
        started = time.time()
        build_corpus(args.archives, corpus)
        print(f"corpus stage: {time.time() - started:.0f}s", file=sys.stderr)
    shared_path = args.work / "s1-shared.npz"
    key = np.array(json.dumps(_shared_key(corpus)))
    if shared_path.exists():
        with np.load(shared_path) as data:
            files = {name: data[name] for name in data.files}
        if str(files.get("key")) != str(key):
            files = {}
    else:
        files = {}
    if files:
        print(f"vectors/distant: reused {shared_path}", file=sys.stderr, flush=True)
    else:
        started = time.time()
        texts = corpus_texts(corpus)
        print(f"corpus: {len(texts)} posts", file=sys.stderr)
        files = {**build_distant(texts), **build_vectors(texts[:VECTOR_POSTS]), "key": key}
        print(f"vectors/distant stage: {time.time() - started:.0f}s", file=sys.stderr)
        del texts
        np.savez_compressed(shared_path, **files)
    shared = s1model.shared_from(files)
    started = time.time()
    fit_models(shared, args.out)
    print(f"fit: {time.time() - started:.0f}s", file=sys.stderr)
    print(evaluate_dev(args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
