"""Choose the English sentiment parameters on the train split of an English gold set; CV on train.

    python scripts/tune_english.py tests/gold/en-replies.json
    python scripts/tune_english.py tests/gold/en-replies.json --report-dev   # once, for the docs

Grid over ``FIRST_WEIGHT`` (first sentence against sentence mean), ``NEG_BAND`` and ``POS_BAND`` of
``threadscope.nlp.english``. Prints the best train macro-F1, and the cross-validated macro-F1 of the
whole selection procedure (pick on the other folds, score the held-out fold) for two fold kinds:
leave-one-thread-out (a new thread is what a user brings) and 5 × 5 stratified folds. The dev split
is scored only with ``--report-dev``, at the parameters chosen on all of train, never tuned on.
Set the printed values in ``threadscope/nlp/english.py``.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from pathlib import Path

from threadscope.nlp import english
from threadscope.nlp.evaluate import macro_f1, read_items
from threadscope.nlp.sentiment import LABELS

FIRST_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
BANDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
FOLDS, REPEATS, SEED = 5, 5, 0

Params = tuple[float, float, float]


def predict(parts: list[float], sarcastic: bool, params: Params) -> str:
    weight, neg, pos = params
    score = english.combine(parts, sarcastic, first_weight=weight, neg_band=neg)
    return "pos" if score >= pos else ("neg" if score <= -neg else "neu")


def f1(rows: list[tuple[list[float], bool, str]], params: Params) -> float:
    return macro_f1([g for _, _, g in rows], [predict(p, s, params) for p, s, _ in rows], LABELS)


def choose(rows: list[tuple[list[float], bool, str]]) -> tuple[Params, float]:
    """Best train macro-F1; ties go to the middle weight and the narrower bands (listed first)."""
    grid = sorted(itertools.product(FIRST_WEIGHTS, BANDS, BANDS),
                  key=lambda p: (abs(p[0] - 0.5), p[1] + p[2]))
    best = max(grid, key=lambda params: f1(rows, params))
    return best, f1(rows, best)


def cross_validate(rows: list[tuple[list[float], bool, str]], threads: list[str]) -> tuple[float, float]:
    by_thread = []
    for thread in sorted(set(threads)):
        held = [r for r, t in zip(rows, threads, strict=True) if t == thread]
        rest = [r for r, t in zip(rows, threads, strict=True) if t != thread]
        by_thread.append(f1(held, choose(rest)[0]))
    rng, stratified = random.Random(SEED), []
    for _ in range(REPEATS):
        order = sorted(range(len(rows)), key=lambda i: (rows[i][2], rng.random()))
        for fold in range(FOLDS):
            held_ids = set(order[fold::FOLDS])
            held = [r for i, r in enumerate(rows) if i in held_ids]
            rest = [r for i, r in enumerate(rows) if i not in held_ids]
            stratified.append(f1(held, choose(rest)[0]))
    return sum(by_thread) / len(by_thread), sum(stratified) / len(stratified)


def report(name: str, rows: list[tuple[list[float], bool, str]], params: Params) -> None:
    gold = [g for _, _, g in rows]
    predicted = [predict(p, s, params) for p, s, _ in rows]
    print(f"{name}: n {len(rows)}, macro-F1 {macro_f1(gold, predicted, LABELS):.3f}")
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_gold, n_pred = gold.count(label), predicted.count(label)
        precision, recall = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"  {label}: gold {n_gold}, predicted {n_pred}, P {precision:.2f} R {recall:.2f} F1 {f:.2f}")
    confusion = Counter(zip(gold, predicted, strict=True))
    print("  gold \\ predicted  " + "  ".join(f"{p:>4}" for p in LABELS))
    for g in LABELS:
        print(f"  {g:>16}  " + "  ".join(f"{confusion[g, p]:>4}" for p in LABELS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--report-dev", action="store_true",
                        help="also score the dev split (for the docs; never to tune on)")
    args = parser.parse_args()
    train = [i for i in read_items(args.gold, split="train") if i.get("sentiment")]
    rows = [(*english.sentiment_parts(i["text"]), i["sentiment"]) for i in train]
    threads = [i["id"].split("#")[0] for i in train]
    params, train_f1 = choose(rows)
    by_thread, stratified = cross_validate(rows, threads)
    print(f"chosen on train: FIRST_WEIGHT {params[0]}, NEG_BAND {params[1]}, POS_BAND {params[2]} "
          f"(train macro-F1 {train_f1:.3f})")
    print(f"train CV of the choice: leave-one-thread-out {by_thread:.3f}, "
          f"{REPEATS}x{FOLDS} stratified {stratified:.3f}")
    current = (english.FIRST_WEIGHT, english.NEG_BAND, english.POS_BAND)
    report(f"train at the module's parameters {current}", rows, current)
    if args.report_dev:
        dev = [i for i in read_items(args.gold, split="dev") if i.get("sentiment")]
        dev_rows = [(*english.sentiment_parts(i["text"]), i["sentiment"]) for i in dev]
        report(f"dev at the module's parameters {current}", dev_rows, current)


if __name__ == "__main__":
    main()
