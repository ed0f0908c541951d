"""Merge two independent labelling passes into the labelled reply set (issue 9).

    python scripts/merge_labels.py tests/gold/s1-replies --shared ../shared/gold/s1-2023-replies.json \
        -o tests/gold/s1-replies.json

The folder holds ``batch-NN.items.jsonl`` (from ``sample_replies.py``) and, per batch, the two
annotators' ``batch-NN.pass-a.tsv`` and ``batch-NN.pass-b.tsv`` (``id<TAB>sentiment<TAB>stance``).
Only batches with both passes complete are merged. A label is kept where both annotators agree,
else it is null; Cohen's kappa is reported per task over all merged items. ``--shared`` adds the
doubly labelled set from ../shared/gold (same convention), each item given its split by thread.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_replies import split_of

SENTIMENTS = ("neg", "neu", "pos")
STANCES = ("agree", "disagree", "neutral")


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Agreement beyond chance between two annotators' labels of the same items."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def read_pass(path: Path) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item_id, sentiment, stance = (part.strip() for part in line.split("\t"))
        if sentiment not in SENTIMENTS or stance not in STANCES:
            sys.exit(f"{path}:{number}: labels {sentiment!r}/{stance!r} are not in {SENTIMENTS}/{STANCES}")
        labels[item_id] = (sentiment, stance)
    return labels


def merged_batches(folder: Path, pattern: str = "batch-[0-9]*.items.jsonl") -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for batch in sorted(folder.glob(pattern)):
        stem = batch.name.removesuffix(".items.jsonl")
        passes = [folder / f"{stem}.pass-{name}.tsv" for name in ("a", "b")]
        rows = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines()]
        if not all(path.exists() for path in passes):
            print(f"{stem}: not both passes yet, left out", file=sys.stderr)
            continue
        first, second = (read_pass(path) for path in passes)
        missing = [row["id"] for row in rows if row["id"] not in first or row["id"] not in second]
        if missing:
            print(f"{stem}: {len(missing)} items lack a label, left out", file=sys.stderr)
            continue
        for row in rows:
            a, b = first[row["id"]], second[row["id"]]
            row["sentiment"] = a[0] if a[0] == b[0] else None
            row["stance"] = a[1] if a[1] == b[1] else None
            row["annotators"] = {"sentiment": [a[0], b[0]], "stance": [a[1], b[1]]}
            items.append(row)
    return items


def shared_items(path: Path) -> list[dict[str, object]]:
    items = []
    for row in json.loads(path.read_text(encoding="utf-8"))["items"]:
        tid = row["file"].split("/")[-1].split("-")[0].split("[")[0]
        items.append({"id": f"2023/{tid}#{row['floor']}", "year": "2023", "tid": tid, **row,
                      "split": split_of(tid)})
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shared", type=Path)
    parser.add_argument("--batches", default="batch-[0-9]*.items.jsonl", help="which batch files to merge")
    parser.add_argument("--about", help="the merged file's description (default: the S1 replies')")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    items = merged_batches(args.folder, args.batches)
    if args.shared:
        items += shared_items(args.shared)
    kappa = {task: round(cohen_kappa([str(i["annotators"][task][0]) for i in items],  # type: ignore[index]
                                     [str(i["annotators"][task][1]) for i in items]), 3)  # type: ignore[index]
             for task in ("sentiment", "stance")}
    counts = {task: dict(Counter(str(i[task]) for i in items)) for task in ("sentiment", "stance")}
    splits = dict(Counter(str(i["split"]) for i in items))
    about = (
        "Replies sampled at random from Stage1st threads of the 2022 and 2023 plain-text archives "
        "(scripts/sample_replies.py), each labelled by two independent annotators under "
        "tests/gold/GUIDELINE.md; `sentiment`/`stance` hold the label where both agreed, else null, "
        "`annotators` both labels. `text` is the reply's own words (cut at 400 characters), `target` "
        "the answered post's words or, for replies to the thread, the opening post (cut at 300). "
        "`split` is by thread (dev: 15% of threads by tid hash). Includes ../shared/gold/"
        "s1-2023-replies.json. Items with `sample` = `posts-only` (batches 29-34) were drawn from train "
        "threads only among replies that answer a post (`--split train --posts-only`), to add the rarer "
        "agree/disagree classes to train; the dev split stays a random sample. Never labelled from any "
        "scorer's output."
    )
    head = json.dumps({"about": args.about or about, "kappa": kappa, "counts": counts, "splits": splits},
                      ensure_ascii=False, indent=1)[:-2]
    # one item per line: reviewable in a diff, a third of the size of an indented file
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    args.out.write_text(f'{head},\n "items": [\n{body}\n]}}\n', encoding="utf-8")
    print(f"{len(items)} items, kappa {kappa}, splits {splits}", file=sys.stderr)


if __name__ == "__main__":
    main()
