"""Score threads against hand labels: accuracy and macro-F1 for sentiment, stance and reply target,
next to plain snownlp (value >= 0.5 = pos, else neg) measured in the same run.

A gold file is either one thread (``{"thread": PATH, "labels": [...]}``, the format of
``../shared/gold/seed-thread-labels.json``) or several (``{"threads": [{"thread": …, "labels": …}]}``).
``PATH`` is looked up relative to the gold file's folder and its parents, then ``root``.

A gold file of labelled replies (``{"items": [{"id", "text", "target", "target_kind",
"sentiment", "stance", "split"}, …]}``, the format of ``tests/gold/s1-replies.json`` and
``tests/gold/en-replies.json``) is scored item by item: each reply's text with the scorers, its
``target`` text as the stance target (``evaluate_items``; ``--split dev`` by default).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from threadscope.errors import ThreadscopeError
from threadscope.load import load_thread
from threadscope.model import Post, Thread
from threadscope.nlp.scorers import score_thread
from threadscope.nlp.sentiment import LABELS as SENTIMENTS
from threadscope.nlp.stance import STANCES

#: snownlp's own cut: its value is P(positive) (issue 4's baseline).
SNOWNLP_CUT = 0.5


class GoldFileError(ThreadscopeError):
    """A gold file that cannot be read or names a thread that cannot be found."""


def _label(value: Any, default: str) -> str:
    return value if isinstance(value, str) else default


def accuracy(gold: Sequence[Any], predicted: Sequence[Any]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else math.nan


def macro_f1(gold: Sequence[str], predicted: Sequence[str | None], labels: Iterable[str]) -> float:
    """Mean F1 over ``labels`` (a class never predicted and never gold is skipped)."""
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else math.nan


@dataclass
class Evaluation:
    """Pairs (gold, predicted) per task over every labelled floor of every thread."""

    threads: list[str] = field(default_factory=list)
    sentiment: list[tuple[str, str]] = field(default_factory=list)
    snownlp: list[tuple[str, str]] = field(default_factory=list)
    stance: list[tuple[str, str]] = field(default_factory=list)
    stance_gold_targets: list[tuple[str, str]] = field(default_factory=list)
    target: list[tuple[int | None, int | None]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, dict[str, float]]:
        def pair(rows: list[tuple[Any, Any]], labels: Sequence[str] | None) -> dict[str, float]:
            gold, pred = [g for g, _ in rows], [p for _, p in rows]
            out = {"n": float(len(rows)), "accuracy": accuracy(gold, pred)}
            if labels:
                out["macro_f1"] = macro_f1(gold, pred, labels)
            return out

        return {
            "sentiment": pair(self.sentiment, SENTIMENTS),
            "snownlp_baseline": pair(self.snownlp, SENTIMENTS),
            "stance": pair(self.stance, STANCES),
            "stance_with_gold_targets": pair(self.stance_gold_targets, STANCES),
            "target": pair(self.target, None),
        }


def _find(thread: str, gold_path: Path, root: Path | None) -> Path:
    candidates = [folder / thread for folder in (gold_path.parent, *gold_path.parents)]
    if root is not None:
        candidates.insert(0, root / thread)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise GoldFileError(f"{gold_path}: thread {thread!r} not found next to the gold file or its parents"
                        + (f" or under {root}" if root else "") + "; pass --root FOLDER")


#: Largest gold file read: the hand-labelled sets are 7-540 KB (../shared/gold); 20 MB is room
#: for thousands of threads and still read in well under a second.
MAX_GOLD_BYTES = 20 * 1024 * 1024
#: Label values a gold row may carry (the GUIDELINE's classes); ``None`` means "not labelled".
GOLD_FIELDS: dict[str, tuple[str, ...]] = {"sentiment": tuple(SENTIMENTS), "stance": tuple(STANCES)}


def _check_row(path: Path, where: str, row: Any) -> dict[str, Any]:
    """A label row with an int ``floor`` (``"12"`` is read as 12), or a ``GoldFileError`` saying
    what is wrong where (no silent skip: a floor the scorer never sees would make n = 0)."""
    if not isinstance(row, dict):
        raise GoldFileError(f"{path}: {where} is {type(row).__name__}, expected an object with 'floor'")
    if "floor" not in row:
        raise GoldFileError(f"{path}: {where} has no 'floor'")
    floor = row["floor"]
    if isinstance(floor, str) and floor.strip().isascii() and floor.strip().isdigit() and len(floor) < 10:
        floor = int(floor)
    if isinstance(floor, bool) or not isinstance(floor, int) or floor < 1:
        raise GoldFileError(f"{path}: {where}: floor {floor!r} is not a positive whole number")
    target = row.get("target_floor")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int)):
        raise GoldFileError(f"{path}: {where}: target_floor {target!r} is not a whole number or null")
    for name, allowed in GOLD_FIELDS.items():
        value = row.get(name)
        if value not in (None, "") and value not in allowed:
            raise GoldFileError(f"{path}: {where}: {name} {value!r} is not one of {', '.join(allowed)}")
    return {**row, "floor": floor}


def read_gold(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """(thread path, label rows) per gold thread; a ``GoldFileError`` naming the place of any
    problem (not JSON, nested too deeply, wrong shape, a bad floor)."""
    from threadscope.load import read_limited

    try:
        data = json.loads(read_limited(path, MAX_GOLD_BYTES).decode("utf-8-sig"))
    except ThreadscopeError as exc:
        raise GoldFileError(f"cannot read gold file: {exc}") from None
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise GoldFileError(f"{path}: not a JSON gold file ({reason})") from None
    if not isinstance(data, dict):
        raise GoldFileError(f"{path}: top level is {type(data).__name__}; expected {{'thread', 'labels'}} "
                            "or {'threads': [...]}")
    multi = "threads" in data
    entries = data["threads"] if multi else [data]
    if not isinstance(entries, list) or not entries:
        raise GoldFileError(f"{path}: 'threads' must be a non-empty list")
    gold: list[tuple[str, list[dict[str, Any]]]] = []
    for index, entry in enumerate(entries):
        where = f"threads[{index}]" if multi else "top level"
        if not isinstance(entry, dict):
            raise GoldFileError(f"{path}: {where} is {type(entry).__name__}, expected an object")
        thread, labels = entry.get("thread"), entry.get("labels")
        if not isinstance(thread, str) or not thread.strip():
            raise GoldFileError(f"{path}: {where}: 'thread' must be a file path (text), got {thread!r}")
        if not isinstance(labels, list):
            raise GoldFileError(f"{path}: {where}: 'labels' must be a list, got {type(labels).__name__}")
        prefix = f"{where}.labels" if multi else "labels"
        gold.append((thread, [_check_row(path, f"{prefix}[{n}]", row) for n, row in enumerate(labels)]))
    return gold


def _read_json(path: Path) -> Any:
    from threadscope.load import read_limited

    try:
        return json.loads(read_limited(path, MAX_GOLD_BYTES).decode("utf-8-sig"))
    except ThreadscopeError as exc:
        raise GoldFileError(f"cannot read gold file: {exc}") from None
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise GoldFileError(f"{path}: not a JSON gold file ({reason})") from None


def is_items_file(path: Path) -> bool:
    """Whether a gold file holds labelled replies (``{"items": [...]}``) rather than threads."""
    data = _read_json(Path(path))
    return isinstance(data, dict) and "items" in data and "threads" not in data and "thread" not in data


def read_items(path: Path, *, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled replies of an items gold file (those of ``split`` when given); a
    ``GoldFileError`` naming the item of any problem."""
    data = _read_json(path)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise GoldFileError(f"{path}: expected {{'items': [...]}} with labelled replies")
    chosen = []
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            raise GoldFileError(f"{path}: {where} is {type(item).__name__}, expected an object")
        for name in ("text", "target"):
            if not isinstance(item.get(name, ""), str):
                raise GoldFileError(f"{path}: {where}: {name!r} must be text")
        for name, allowed in GOLD_FIELDS.items():
            value = item.get(name)
            if value not in (None, "") and value not in allowed:
                raise GoldFileError(f"{path}: {where}: {name} {value!r} is not one of {', '.join(allowed)}")
        if split is None or item.get("split") == split:
            chosen.append(item)
    if not chosen:
        raise GoldFileError(f"{path}: no items" + (f" in split {split!r}" if split else ""))
    return chosen


def _item_layout(items: Sequence[dict[str, Any]]) -> tuple[str | None, list[tuple[int, int]]]:
    """Where each item sits in its thread: the opening post's text (the target of the items whose
    ``target_kind`` is ``op``) and per item ``(target floor, reply floor)``. The opening post is
    floor 1 and every reply to it answers floor 1, as in a parsed thread (the stance model reads
    a reply to floor 1 without a quote as a reply to the thread); each other item is a target post
    and its reply on the next two floors (never floor 1)."""
    op_text = next((str(i.get("target") or "") for i in items if i.get("target_kind") == "op"), None)
    floor = 1  # floor 1 is the opening post's even when no item answers it: no other target sits there
    layout = []
    for item in items:
        if op_text is not None and item.get("target_kind") == "op" and (item.get("target") or "") == op_text:
            floor += 1
            layout.append((1, floor))
        else:
            floor += 2
            layout.append((floor - 1, floor))
    return op_text, layout


def _item_thread(key: str, items: Sequence[dict[str, Any]]) -> tuple[Thread, dict[int, int | None]]:
    """One thread per source thread of the items (``_item_layout``). The scorers see the items of
    one thread together, as in a parsed thread (language is decided per thread for short posts)."""
    op_text, layout = _item_layout(items)
    posts: list[Post] = []
    targets: dict[int, int | None] = {}
    if op_text is not None:
        posts.append(Post(floor=1, text=op_text, is_op=True))
        targets[1] = None
    for item, (target_floor, reply_floor) in zip(items, layout, strict=True):
        if target_floor != 1:
            posts.append(Post(floor=target_floor, text=item.get("target") or "",
                              is_op=item.get("target_kind") == "op"))
            targets[target_floor] = None
        posts.append(Post(floor=reply_floor, text=item.get("text") or ""))
        targets[reply_floor] = target_floor
    # the source thread's title, when the items carry it (the stance model reads the thread type)
    title = next((str(i["title"]) for i in items if i.get("title")), None)
    return Thread(forum="gold", tid=key, title=title, sources=(), posts=tuple(posts)), targets


def evaluate_items(gold_path: Path, *, split: str | None = "dev", snownlp: bool = True,
                   scorers: Sequence[str] | None = None) -> Evaluation:
    """Score the labelled replies of an items gold file (``split`` only, when given)."""
    gold_path = Path(gold_path)
    result = Evaluation()
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in read_items(gold_path, split=split):
        # one thread per source thread: the id's thread part, else the item's file
        key = str(item.get("id") or "").split("#")[0] or str(item.get("file") or "")
        groups.setdefault(key, []).append(item)
    result.threads.append(f"{gold_path.name} ({split or 'all'}: {sum(map(len, groups.values()))} items, "
                          f"{len(groups)} threads)")
    for key, items in groups.items():
        thread, targets = _item_thread(key, items)
        _, layout = _item_layout(items)
        chosen = None if scorers is None else [*scorers, *(["snownlp"] if snownlp else [])]
        frame = score_thread(thread, scorers=chosen, snownlp=snownlp, targets=targets).set_index("floor")
        for item, (_, reply_floor) in zip(items, layout, strict=True):
            got = frame.loc[reply_floor]
            if item.get("sentiment"):
                result.sentiment.append((item["sentiment"], _label(got["sentiment"], "neu")))
                value = got.get("snownlp")
                if snownlp and value is not None and not pd.isna(value):
                    result.snownlp.append((item["sentiment"], "pos" if value >= SNOWNLP_CUT else "neg"))
                if got["sentiment"] != item["sentiment"]:
                    result.errors.append({"id": item.get("id"), "task": "sentiment",
                                          "gold": item["sentiment"],
                                          "got": got["sentiment"], "score": got["sentiment_score"]})
            if item.get("stance"):
                pair = (item["stance"], _label(got["stance"], "neutral"))
                result.stance.append(pair)
                result.stance_gold_targets.append(pair)  # the gold target is the only one here
                if pair[0] != pair[1]:
                    result.errors.append({"id": item.get("id"), "task": "stance", "gold": pair[0],
                                          "got": pair[1]})
    return result


def evaluate(gold_path: Path, *, root: Path | None = None, snownlp: bool = True,
             scorers: Sequence[str] | None = None) -> Evaluation:
    """Score each gold thread twice (graph targets, gold targets) and collect label pairs.
    ``scorers``: names of the sentiment and stance scorers (the default set when ``None``)."""
    gold_path = Path(gold_path)
    result = Evaluation()
    for thread_name, labels in read_gold(gold_path):
        thread = load_thread([_find(thread_name, gold_path, root)])
        result.threads.append(thread_name)
        chosen = None if scorers is None else [*scorers, *(["snownlp"] if snownlp else [])]
        frame = score_thread(thread, scorers=chosen, snownlp=snownlp).set_index("floor")
        gold_targets = {row["floor"]: row.get("target_floor") for row in labels}
        by_gold_target = score_thread(thread, scorers=scorers, snownlp=False, targets={
            p.floor: gold_targets.get(p.floor) for p in thread.posts}).set_index("floor")
        for row in labels:
            floor = row["floor"]
            if floor not in frame.index:
                result.errors.append({"thread": thread_name, "floor": floor, "error": "floor not parsed"})
                continue
            got = frame.loc[floor]
            target = got["target_floor"]
            result.target.append((row.get("target_floor"), None if pd.isna(target) else int(target)))
            if row.get("sentiment"):
                result.sentiment.append((row["sentiment"], _label(got["sentiment"], "neu")))
                value = got["snownlp"]
                if snownlp and not pd.isna(value):
                    result.snownlp.append((row["sentiment"], "pos" if value >= SNOWNLP_CUT else "neg"))
                if got["sentiment"] != row["sentiment"]:
                    result.errors.append({"thread": thread_name, "floor": floor, "task": "sentiment",
                                          "gold": row["sentiment"], "got": got["sentiment"],
                                          "score": got["sentiment_score"]})
            if row.get("stance"):
                result.stance.append((row["stance"], _label(got["stance"], "neutral")))
                by_gold = _label(by_gold_target.loc[floor, "stance"], "neutral")
                result.stance_gold_targets.append((row["stance"], by_gold))
                if got["stance"] != row["stance"]:
                    result.errors.append({"thread": thread_name, "floor": floor, "task": "stance",
                                          "gold": row["stance"], "got": got["stance"]})
    return result


def format_report(evaluation: Evaluation) -> str:
    """The table ``threadscope eval`` prints."""
    metrics = evaluation.metrics()
    lines = [f"Gold threads: {', '.join(evaluation.threads)}",
             f"{'task':28} {'n':>4} {'accuracy':>9} {'macro-F1':>9}"]
    for task, values in metrics.items():
        if task == "target" and not values["n"]:
            continue  # an items file gives each reply's target: nothing to measure
        f1 = values.get("macro_f1")
        lines.append(f"{task:28} {int(values['n']):>4} {values['accuracy']:>9.3f} "
                     f"{'' if f1 is None else format(f1, '9.3f'):>9}")
    return "\n".join(lines)
