"""Rebuild tests/data/ from ../shared (the real fixtures beside the project).

    python scripts/build_test_data.py [--shared ../shared]

Copies every fixture the tests read, byte for byte, except two trims that keep tests/data small
(tests/data/README.md gives provenance per file):

- the 3,011-floor thread 1336720 repeats each part six times (archiver snapshots, ~8 MB): parts 1
  and 2 keep only their last snapshot (the one the reader keeps: last copy wins); part 3 (176 KB)
  is kept whole, six snapshots, so the real repeated file stays tested;
- ``snapshots/`` holds a small real repeated sample: floors 2598-2657 of part 2 as its last three
  snapshots wrote them (floor 2627's image id differs in each copy);
- the seed thread is copied whole beside the gold labels that name it (``seeds/…``);
- the four news articles (inputs that must be refused as "not a thread") keep their first 40 lines.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
VIVID = "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]"
SEPARATOR = b"*****"
#: floors of part 2 and how many of its (last) snapshots the repeated sample keeps
SAMPLE_FLOORS, SAMPLE_COPIES = range(2598, 2658), 3
ARTICLE_LINES = 40


def blocks(data: bytes) -> tuple[bytes, list[tuple[int, bytes]]]:
    """The bytes before the first separator line and each (floor, block) from a separator on."""
    lines = data.split(b"\n")
    starts = [i for i, line in enumerate(lines) if line.rstrip(b"\r") == SEPARATOR]
    head = b"\n".join(lines[: starts[0]]) + b"\n"
    found = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        text = b"\n".join(lines[a:b]) + (b"\n" if b < len(lines) else b"")
        match = re.search(rb"^##### (\d+)#", text, re.M)
        found.append((int(match.group(1)) if match else -1, text))
    return head, found


def snapshots(found: list[tuple[int, bytes]]) -> list[list[tuple[int, bytes]]]:
    """Split blocks where the floor number falls back (a new snapshot starts)."""
    runs: list[list[tuple[int, bytes]]] = [[]]
    for floor, text in found:
        if runs[-1] and floor < runs[-1][-1][0]:
            runs.append([])
        runs[-1].append((floor, text))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    shared = parser.parse_args().shared
    fixtures = shared / "fixtures"
    for path in sorted(fixtures.rglob("*")):
        if path.is_file() and VIVID not in str(path):
            target = DATA / "fixtures" / path.relative_to(fixtures)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    folder = DATA / "fixtures" / "s1-text" / VIVID
    folder.mkdir(parents=True, exist_ok=True)
    for part in sorted((fixtures / "s1-text" / VIVID).glob("*.md")):
        data = part.read_bytes()
        if part.name.startswith("1336720-03"):
            (folder / part.name).write_bytes(data)
            continue
        head, found = blocks(data)
        runs = snapshots(found)
        (folder / part.name).write_bytes(head + b"".join(text for _, text in runs[-1]))
        if part.name.startswith("1336720-02"):
            sample = b"".join(text for run in runs[-SAMPLE_COPIES:] for floor, text in run
                              if floor in SAMPLE_FLOORS)
            (DATA / "snapshots").mkdir(parents=True, exist_ok=True)
            # the file's last block ends at the end of the file, like the copies before it end at
            # the next separator (without this one newline more it would count as a changed copy)
            (DATA / "snapshots" / part.name).write_bytes(head + sample[:-1])
    (DATA / "gold").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared / "gold" / "seed-thread-labels.json", DATA / "gold" / "seed-thread-labels.json")
    (DATA / "seeds").mkdir(parents=True, exist_ok=True)
    # the gold file names its thread as seeds/thread-agi-empire.md, found beside the gold folder
    shutil.copyfile(shared / "seeds" / "thread-agi-empire.md", DATA / "seeds" / "thread-agi-empire.md")
    for article in sorted((shared / "seeds").glob("article-*.md")):
        lines = article.read_bytes().split(b"\n")[:ARTICLE_LINES]
        (DATA / "seeds" / article.name).write_bytes(b"\n".join(lines) + b"\n")


if __name__ == "__main__":
    main()
