"""Speed and memory of the default scorers (issue 4 targets: >= 2,000 posts/s per core after
start-up on the 2,961-floor thread; peak memory < 1 GB). Run by hand, not in CI:

    python bench/bench_scores.py [THREAD...] [--snownlp]

Without arguments it scores ../shared/fixtures/s1-text/1336720[…]/ (2,961 floors). Start-up
(loading the model and lexicons) is timed apart; the rate is over the scoring passes, single
process (the default scorers without snownlp are single-threaded numpy + Python). ``--snownlp``
also times the snownlp column twice: cold (all cores, fills the cache) and warm (cache only).
Peak memory is the process's max RSS (``resource.getrusage``; children counted separately).
"""

from __future__ import annotations

import argparse
import glob
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted(glob.glob(str(ROOT.parent / "shared" / "fixtures" / "s1-text" / "1336720*" / "*.md")))
REPEATS = 3


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT)
    parser.add_argument("--snownlp", action="store_true")
    args = parser.parse_args()
    from threadscope.load import load_thread
    from threadscope.nlp import sentiment, stance
    from threadscope.nlp.scorers import default_scorers, primary_targets, score_thread

    started = time.perf_counter()
    thread = load_thread(args.paths)
    targets = primary_targets(thread)
    print(f"load + graph: {len(thread.posts)} floors in {time.perf_counter() - started:.2f}s")
    started = time.perf_counter()
    sentiment.load_model(), sentiment.sentiment_matcher(), stance.cue_matcher(), stance.meta_matcher()
    print(f"start-up (model + lexicons): {time.perf_counter() - started:.3f}s")
    n_scored = sum(p.status == "normal" for p in thread.posts)
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        frame = score_thread(thread, snownlp=False, targets=targets)
        best = min(best, time.perf_counter() - started)
    print(f"default scorers (no snownlp): {n_scored} posts in {best:.3f}s = {n_scored / best:,.0f} posts/s "
          f"(one core); {frame.attrs['scorers']}")
    if args.snownlp:
        with tempfile.TemporaryDirectory() as cache:
            os.environ["THREADSCOPE_CACHE"] = cache
            for run in ("cold", "warm"):
                started = time.perf_counter()
                score_thread(thread, scorers=default_scorers(snownlp=True), targets=targets)
                elapsed = time.perf_counter() - started
                print(f"with snownlp, {run} cache ({os.cpu_count()} cores): {elapsed:.2f}s "
                      f"= {n_scored / elapsed:,.0f} posts/s")
    child = max_rss_mb(resource.RUSAGE_CHILDREN)
    print(f"peak RSS: this process {max_rss_mb():.0f} MB; largest child {child:.0f} MB")
    sys.exit(0)


if __name__ == "__main__":
    main()
