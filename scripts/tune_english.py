"""Choose the English sentiment band on the train split of the English gold set; report dev.

    python scripts/tune_english.py tests/gold/en-replies.json

Prints macro-F1 of VADER's label per ``NEUTRAL_BAND`` candidate on the train split, the best one,
and dev's figures at that band (dev is reported, never tuned on). Set
``threadscope.nlp.english.NEUTRAL_BAND`` to the printed value.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from threadscope.nlp import english
from threadscope.nlp.evaluate import macro_f1, read_items
from threadscope.nlp.sentiment import LABELS

#: Bands tried: VADER's own 0.05 up to a wide 0.6.
BANDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def f1_at(items: list[dict], scores: list[float], band: float) -> float:
    predicted = ["neu" if abs(s) < band else ("pos" if s > 0 else "neg") for s in scores]
    return macro_f1([i["sentiment"] for i in items], predicted, LABELS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path)
    args = parser.parse_args()
    splits = {}
    for split in ("train", "dev"):
        items = [i for i in read_items(args.gold, split=split) if i.get("sentiment")]
        splits[split] = (items, [english.sentiment_score(i["text"]) for i in items])
    train_items, train_scores = splits["train"]
    results = {band: f1_at(train_items, train_scores, band) for band in BANDS}
    for band, f1 in results.items():
        print(f"band {band:.2f}: train macro-F1 {f1:.3f}")
    best = max(results, key=lambda band: results[band])
    dev_items, dev_scores = splits["dev"]
    print(f"best band {best:.2f}: train {results[best]:.3f}, dev {f1_at(dev_items, dev_scores, best):.3f} "
          f"(n train {len(train_items)}, dev {len(dev_items)})")


if __name__ == "__main__":
    main()
