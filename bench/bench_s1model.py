"""Speed and memory of the in-domain S1 scorers (issue 9 target: >= 2,000 posts/s per core after
start-up, well under 1 GB). Run by hand, not in CI:

    PYTHONPATH=. python bench/bench_s1model.py [THREAD_FOLDER_OR_FILES...]

Without arguments it scores ../shared/fixtures/s1-text/1336720[…]/ (3,011 floors). Start-up
(loading the three model files) is timed apart; the rate is over ``REPEATS`` scoring passes of
``S1SentimentScorer`` + ``S1StanceScorer`` in one process (numpy + Python, single-threaded: BLAS
threads are pinned to one). The reply targets are resolved once, outside the timing. Peak memory
is ``getrusage`` max RSS of the process. The process CPU time is printed too: on a busy shared
machine the wall-clock rate counts time spent waiting for a core.
"""

from __future__ import annotations

import glob
import os
import resource
import sys
import time
from pathlib import Path

for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(name, "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted(glob.glob(str(ROOT.parent / "shared" / "fixtures" / "s1-text" / "1336720*")))
REPEATS = 3


def main() -> None:
    from threadscope import load_thread
    from threadscope.links import primary_targets, resolve_links
    from threadscope.nlp import s1model
    from threadscope.nlp.scorers import score_thread

    paths = sys.argv[1:] or DEFAULT
    if not paths:
        sys.exit("no thread given and ../shared/fixtures/s1-text/1336720* is missing")
    thread = load_thread(paths[0] if len(paths) == 1 else paths)
    targets = primary_targets(thread, resolve_links(thread))
    scorers = [s1model.S1SentimentScorer(), s1model.S1StanceScorer()]
    started = time.perf_counter()
    s1model.load_sentiment(), s1model.load_stance()
    startup = time.perf_counter() - started
    posts = sum(1 for p in thread.posts if p.status == "normal")
    times, cpu = [], []
    for _ in range(REPEATS):
        s1model._LAST[:] = [None, None]  # no reuse between passes
        started, cpu_started = time.perf_counter(), time.process_time()
        frame = score_thread(thread, scorers=scorers, targets=targets)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    best = min(times)
    print(f"thread: {thread.title} ({len(thread.posts)} floors, {posts} scored)")
    print(f"start-up (model files): {startup:.2f}s")
    print(f"scoring: best {best:.2f}s of {REPEATS} -> {posts / best:,.0f} posts/s on one core "
          f"(median {sorted(times)[len(times) // 2]:.2f}s)")
    # on a shared machine wall time includes waiting for the core: CPU time is the per-core cost
    print(f"CPU time: best {min(cpu):.2f}s -> {posts / min(cpu):,.0f} posts/s per core")
    print(f"labels: {frame['sentiment'].value_counts().to_dict()} / "
          f"{frame['stance'].value_counts().to_dict()}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
