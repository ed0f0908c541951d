"""Choose the English sentiment parameters on the train split of an English gold set; CV on train.

    python scripts/tune_english.py tests/gold/en-replies.json
    python scripts/tune_english.py tests/gold/en-replies.json --report-dev   # once, for the docs

Grid over ``FIRST_WEIGHT`` (first sentence against sentence mean), ``NEG_BAND`` and ``POS_BAND`` of
``threadscope.nlp.english``. Prints the best train macro-F1, and the cross-validated macro-F1 of the
whole selection procedure (pick on the other folds, score the held-out fold) over 5 × 5 folds grouped
by thread (a new thread is what a user brings), with per-class figures and the confusion matrix. The dev split
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


def grouped_folds(threads: list[str], seed: int) -> list[set[int]]:
    """Row indices of ``FOLDS`` folds that never split a thread: threads shuffled, then each given to
    the fold with the fewest rows so far (folds of similar size although threads are 1-90 rows)."""
    sizes = Counter(threads)
    order = sorted(sizes)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda t: -sizes[t])  # big threads first, ties in shuffled order
    folds: list[set[str]] = [set() for _ in range(FOLDS)]
    rows_in = [0] * FOLDS
    for thread in order:
        smallest = rows_in.index(min(rows_in))
        folds[smallest].add(thread)
        rows_in[smallest] += sizes[thread]
    return [{i for i, t in enumerate(threads) if t in fold} for fold in folds]


def cross_validate(rows: list[tuple[list[float], bool, str]], threads: list[str]
                   ) -> tuple[float, list[str], list[str]]:
    """Grouped CV of the whole selection (choose on the other folds, predict the held-out fold):
    ``REPEATS`` × ``FOLDS`` folds by thread, so a held-out thread is never seen in tuning (a new thread
    is what a user brings). Returns the mean macro-F1 over repeats and the pooled (gold, predicted)
    of all repeats for per-class figures."""
    scores, gold, predicted = [], [], []
    for repeat in range(REPEATS):
        labels: list[str | None] = [None] * len(rows)
        for held_ids in grouped_folds(threads, SEED + repeat):
            params = choose([r for i, r in enumerate(rows) if i not in held_ids])[0]
            for i in held_ids:
                labels[i] = predict(rows[i][0], rows[i][1], params)
        done = [str(label) for label in labels]
        scores.append(macro_f1([g for _, _, g in rows], done, LABELS))
        gold += [g for _, _, g in rows]
        predicted += done
    return sum(scores) / len(scores), gold, predicted


def report(name: str, gold: list[str], predicted: list[str]) -> None:
    print(f"{name}: n {len(gold)}, macro-F1 {macro_f1(gold, predicted, LABELS):.3f}")
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


def report_at(name: str, rows: list[tuple[list[float], bool, str]], params: Params) -> None:
    report(name, [g for _, _, g in rows], [predict(p, s, params) for p, s, _ in rows])


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
    cv_f1, cv_gold, cv_predicted = cross_validate(rows, threads)
    print(f"chosen on train: FIRST_WEIGHT {params[0]}, NEG_BAND {params[1]}, POS_BAND {params[2]} "
          f"(train macro-F1 {train_f1:.3f}, {len(set(threads))} threads)")
    report(f"train CV of the choice ({REPEATS}x{FOLDS} folds grouped by thread, mean macro-F1 "
           f"{cv_f1:.3f}; pooled over repeats)", cv_gold, cv_predicted)
    current = (english.FIRST_WEIGHT, english.NEG_BAND, english.POS_BAND)
    report_at(f"train at the module's parameters {current}", rows, current)
    if args.report_dev:
        dev = [i for i in read_items(args.gold, split="dev") if i.get("sentiment")]
        dev_rows = [(*english.sentiment_parts(i["text"]), i["sentiment"]) for i in dev]
        report_at(f"dev at the module's parameters {current}", dev_rows, current)

if __name__ == "__main__":
    main()
