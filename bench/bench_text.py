"""Speed of the plain-text archive adapter on the largest fixture: 1336720 (3 parts, ~8 MB,
each part holding six snapshots of its floors).

Run: ``python bench/bench_text.py [FOLDER] [--repeat N]``. Prints a table of

* whole process: ``python -m threadscope parse FOLDER`` (summary) and ``… -o FILE`` (JSON Lines)
  in a fresh interpreter, best of N wall-clock runs; import cost shown separately;
* in process: read + decode, then ``S1TextAdapter.parse`` per part, best of N, with floors/s
  (kept floors) and blocks/s (every snapshot block split and deduplicated).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from threadscope.forums.discuz.clean import clean_body
from threadscope.forums.discuz.s1text import S1TextAdapter, _blocks, archive_to_html, split_rating
from threadscope.load import expand_paths, read_document

ROOT = Path(__file__).resolve().parent.parent
#: The largest fixture: 2 × 1,480 + 51 floors, six snapshots per part.
DEFAULT = ROOT.parent / "shared" / "fixtures" / "s1-text" / (
    "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]")


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """(best, median) wall-clock seconds of ``run`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def subprocess_row(args: list[str], repeat: int) -> tuple[float, float]:
    def run() -> None:
        subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)

    return best_of(repeat, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    folder: Path = options.folder
    if not folder.is_dir():
        sys.exit(f"{folder} not found (../shared/fixtures is needed)")
    files = expand_paths([folder])
    size_mb = sum(Path(f).stat().st_size for f in files) / 1e6
    adapter = S1TextAdapter()

    rows: list[tuple[str, float, float, str]] = []
    best, median = subprocess_row(["-c", "import threadscope.cli"], options.repeat)
    rows.append(("process: python -c 'import threadscope.cli'", best, median, ""))
    best, median = subprocess_row(["-m", "threadscope", "parse", str(folder)], options.repeat)
    rows.append(("process: threadscope parse FOLDER (summary)", best, median, f"{size_mb:.1f} MB"))
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "posts.jsonl")
        best, median = subprocess_row(["-m", "threadscope", "parse", str(folder), "-o", out], options.repeat)
        lines = Path(out).read_text(encoding="utf-8").count("\n")
    rows.append(("process: threadscope parse FOLDER -o FILE", best, median, f"{lines} posts written"))

    docs = [read_document(f) for f in files]
    best, median = best_of(options.repeat, lambda: [read_document(f) for f in files])
    rows.append(("in process: read + decode 3 parts", best, median, f"{size_mb / best:.0f} MB/s"))
    best, median = best_of(options.repeat, lambda: [_blocks(doc.text) for doc in docs])
    blocks = sum(len(_blocks(doc.text)[0]) for doc in docs)
    rows.append(("in process: split into blocks only", best, median, f"{blocks / best:,.0f} blocks/s"))
    total_floors = 0
    total_best = 0.0
    for doc in docs:
        floors = len(adapter.parse(doc).posts)
        best, median = best_of(options.repeat, lambda doc=doc: adapter.parse(doc))  # type: ignore[misc]
        total_floors += floors
        total_best += best
        rows.append((f"in process: parse {Path(doc.path).name[:10]}", best, median,
                     f"{floors} floors, {floors / best:,.0f} floors/s"))
    rows.append(("in process: parse all parts (sum of bests)", total_best, float("nan"),
                 f"{total_floors} floors, {total_floors / total_best:,.0f} floors/s, "
                 f"{blocks / total_best:,.0f} blocks/s"))

    # the cleaner's share, and the bs4 reference walk the desktop target is measured against
    bodies = [archive_to_html(split_rating(post.html)[0])[0]
              for doc in docs for post in adapter.parse(doc).posts]
    best, median = best_of(options.repeat, lambda: [clean_body(html) for html in bodies])
    rows.append(("in process: clean_body on the kept bodies", best, median,
                 f"{len(bodies) / best:,.0f} bodies/s"))
    try:
        from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
    except ImportError:
        pass
    else:
        warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)  # URL-only bodies
        best, median = best_of(options.repeat,
                               lambda: [BeautifulSoup(html, "html.parser").get_text() for html in bodies])
        rows.append(("reference: BeautifulSoup html.parser get_text", best, median,
                     f"{len(bodies) / best:,.0f} bodies/s"))

    width = max(len(name) for name, *_ in rows)
    print(f"{'step':<{width}}  {'best s':>8}  {'median s':>8}  note")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 8}  ----")
    for name, best, median, note in rows:
        print(f"{name:<{width}}  {best:8.3f}  {median:8.3f}  {note}")
    print(f"\n{len(files)} files, {size_mb:.1f} MB, {blocks} blocks, {total_floors} floors; "
          f"python {sys.version.split()[0]}; repeat {options.repeat}")


if __name__ == "__main__":
    main()
