"""Sample replies from the public S1 plain-text archives for hand labelling (issue 9).

    python scripts/sample_replies.py ARCHIVE_2022 ARCHIVE_2023 --count 10000 --batch 400 \
        --exclude ../shared/gold/s1-2023-replies.json -o tests/gold/s1-replies

ARCHIVE_* are clones of TomoeMami/S1PlainTextArchive2022 and …2023 (the 2024 archive is held out
for evaluation and never read here). Threads are drawn at random within each board (quotas in
``BOARD_SHARE``), then up to ``PER_THREAD`` replies at random within each thread: a reply is any
post after the opening post that has a visible text and answers a post (the resolver's primary
link) or the thread. The target's text is the answered post's own words, or the quote excerpt
when that post is not in the file. No scorer runs here: labels come from people reading the
batch files this writes (``batch-NN.items.jsonl``) under ``tests/gold/GUIDELINE.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

from threadscope import load_thread
from threadscope.errors import ThreadscopeError
from threadscope.links import primary_links, resolve_links

#: Share of the sampled threads per board. Proportional sampling would give 手游专楼 1% of the
#: items (its share of the 2023 archive's files); the quotas keep every board large enough to
#: report on while 外野, the busiest board, stays the largest.
BOARD_SHARE = {"外野": 0.45, "游戏区": 0.20, "漫区": 0.17, "虚拟主播区专楼": 0.10, "手游专楼": 0.08}
#: Replies taken per thread: two, as in ../shared/gold/s1-2023-replies.json, so that no thread
#: dominates and dev/train split by thread stays balanced.
PER_THREAD = 2
#: What an annotator reads: the reply cut at 400 characters, the target at 300 (the shared set
#: cut both at 300; 90% of replies are under 100 characters).
REPLY_CHARS = 400
TARGET_CHARS = 300
#: Threads whose tid hashes into the lowest DEV_SHARE of the range form the dev split.
DEV_SHARE = 0.15
SEED = 20261201


def split_of(tid: int | str) -> str:
    """``dev`` or ``train``, by thread, stable across runs and across sampled sets."""
    digest = hashlib.sha256(str(tid).encode()).digest()
    return "dev" if int.from_bytes(digest[:4], "big") / 2**32 < DEV_SHARE else "train"


def excluded_tids(path: Path) -> set[str]:
    """Thread ids already sampled: in a labelled set's ``items`` or a folder of batch files."""
    if path.is_dir():
        items = [json.loads(line) for batch in sorted(path.glob("batch-*.items.jsonl"))
                 for line in batch.read_text(encoding="utf-8").splitlines()]
        return {str(item["tid"]) for item in items}
    return {item["file"].split("/")[-1].split("-")[0].split("[")[0]
            for item in json.loads(path.read_text(encoding="utf-8"))["items"]}


def thread_files(archive: Path) -> dict[str, list[Path]]:
    """Per board, the files of the archive (one part of a thread each)."""
    return {board: sorted((archive / board).rglob("*.md")) for board in BOARD_SHARE}


def replies_of(path: Path, archive: Path, year: str, rng: random.Random,
               posts_only: bool = False) -> list[dict[str, object]]:
    try:
        thread = load_thread(path)
    except ThreadscopeError:
        return []
    best = primary_links(resolve_links(thread))
    candidates = []
    for post in thread.posts:
        link = best.get(post.floor)
        if post.floor <= 1 or post.status != "normal" or not post.text.strip() or link is None:
            continue
        target_floor = link.target if link.target is not None else 1
        if posts_only and target_floor <= 1:
            continue
        target = thread.post(target_floor)
        if target is not None and target.text.strip():
            target_text = target.text
        elif link.kind == "quote":
            excerpt = next((q.excerpt for q in post.quotes if q.excerpt), "")
            target_text = excerpt
        else:
            target_text = ""
        candidates.append((post, link.kind, target_floor, target_text))
    chosen = rng.sample(candidates, min(PER_THREAD, len(candidates)))
    relative = path.relative_to(archive).as_posix()
    return [{
        "id": f"{year}/{thread.tid}#{post.floor}", "year": year, "board": relative.split("/")[0],
        "file": relative, "tid": thread.tid, "title": thread.title, "floor": post.floor,
        "target_kind": kind, "target_floor": target_floor, "target": target_text[:TARGET_CHARS],
        "text": post.text[:REPLY_CHARS], "split": split_of(thread.tid or relative),
        **({"sample": "posts-only"} if posts_only else {}),
    } for post, kind, target_floor, target_text in sorted(chosen, key=lambda c: c[0].floor)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archives", nargs="+", type=Path)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=400)
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="a labelled set (JSON with items) or a folder of batch files: "
                             "their threads are skipped")
    parser.add_argument("--split", choices=("train", "dev"),
                        help="only threads of this split (extra train items never change dev)")
    parser.add_argument("--posts-only", action="store_true",
                        help="only replies that answer a post, not the thread: they carry most "
                             "agree/disagree labels, the classes the random sample has fewest of")
    parser.add_argument("--first-batch", type=int, default=1, help="number of the first batch file written")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    for archive in args.archives:
        if "2024" in archive.name:
            sys.exit(f"{archive}: the 2024 archive is held out for evaluation")
    rng = random.Random(SEED)
    skip = {tid for path in args.exclude for tid in excluded_tids(path)}
    pools = {board: [(archive, path) for archive in args.archives for path in thread_files(archive)[board]]
             for board in BOARD_SHARE}
    for pool in pools.values():
        rng.shuffle(pool)
    items: list[dict[str, object]] = []
    seen_tids: set[object] = set()
    shortfall = 0
    # smallest boards first: what they cannot fill passes to the larger boards after them
    for board, share in sorted(BOARD_SHARE.items(), key=lambda pair: pair[1]):
        quota, taken = round(args.count * share) + shortfall, 0
        for archive, path in pools[board]:
            if taken >= quota:
                break
            tid = path.name.split("-")[0].split("[")[0]
            if tid in skip or tid in seen_tids or (args.split and split_of(tid) != args.split):
                continue  # one part per thread: parts of a long thread would crowd the sample
            found = replies_of(path, archive, archive.name[-4:], rng, args.posts_only)
            if found:
                seen_tids.add(tid)
                found = found[: quota - taken]
                items += found
                taken += len(found)
        shortfall = quota - taken
        print(f"{board}: {taken} replies", file=sys.stderr)
    rng.shuffle(items)
    args.out.mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, len(items), args.batch), args.first_batch):
        with open(args.out / f"batch-{number:02d}.items.jsonl", "w", encoding="utf-8") as handle:
            for item in items[start:start + args.batch]:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} replies in {number} batches under {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
