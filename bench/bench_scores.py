"""Speed and memory of the default scorers (issue 4 targets: >= 2,000 posts/s per core after
start-up on the 2,961-floor thread; peak memory < 1 GB). Run by hand, not in CI:

    python bench/bench_scores.py [THREAD...] [--snownlp [--engine fast|reference|both]]

Without arguments it scores ../shared/fixtures/s1-text/1336720[…]/ (3,011 floors). Start-up
(loading the model and lexicons) is timed apart; the rate is over the scoring passes, single
process (the default scorers without snownlp are single-threaded numpy + Python). ``--snownlp``
also times the snownlp column per engine (``fast``, the default, or snownlp's own ``reference``;
``both`` runs fast first, then reference, in this process): its start-up (model loading, and the
resident memory it adds), a cold pass on one core without cache (the engine's rate per core), then
the default scorers with snownlp twice: cold (all cores, fills the cache) and warm (cache only).
Peak memory is sampled every ``SAMPLE_SECONDS`` over the whole process tree (this process and
its snownlp workers) from ``/proc``: the peak of the summed RSS (counts pages shared copy-on-write
once per process, so it over-states) and of the summed PSS (shared pages split between the
processes that map them: the memory the tree really holds). ``getrusage`` max RSS is printed too.
"""

from __future__ import annotations

import argparse
import glob
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadscope.model import Thread

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted(glob.glob(str(ROOT.parent / "shared" / "fixtures" / "s1-text" / "1336720*" / "*.md")))
REPEATS = 3
#: Sampling period of the process-tree memory monitor: the snownlp pool lives for seconds.
SAMPLE_SECONDS = 0.05


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        kids = [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []
    return kids + [k for kid in kids for k in _children(kid)]


def _rss_pss_kib(pid: int) -> tuple[int, int]:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        fields = dict(line.split(":", 1) for line in lines)
    except OSError:
        return 0, 0
    return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])


class TreeMemory(threading.Thread):
    """Peak summed RSS and PSS (MiB) of this process and all its descendants."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_rss = self.peak_pss = 0.0
        self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = [os.getpid(), *_children(os.getpid())]
            sizes = [_rss_pss_kib(pid) for pid in pids]
            rss, pss = sum(r for r, _ in sizes) / 1024, sum(p for _, p in sizes) / 1024
            if pss > self.peak_pss:
                self.peak_processes = len(pids)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def rss_mb() -> float:
    return _rss_pss_kib(os.getpid())[0] / 1024


def bench_snownlp(thread: Thread, targets: dict[int, int | None], engine: str, n_scored: int) -> None:
    from threadscope.nlp.scorers import default_scorers, score_thread
    from threadscope.nlp.snownlp_engine import ENGINE_ENV, _classifier, snownlp_scores

    texts = [p.text for p in thread.posts if p.status == "normal"]
    os.environ[ENGINE_ENV] = engine
    before = rss_mb()
    started = time.perf_counter()
    _classifier(engine)
    print(f"snownlp [{engine}] start-up: {time.perf_counter() - started:.2f}s, "
          f"resident +{rss_mb() - before:.0f} MB")
    started = time.perf_counter()
    snownlp_scores(texts, workers=1, cache=False, engine=engine)
    elapsed = time.perf_counter() - started
    print(f"snownlp [{engine}] column alone, cold, one core: {elapsed:.2f}s "
          f"= {n_scored / elapsed:,.0f} posts/s")
    if engine == "fast":  # its in-memory caches of tagged runs and words would make "cold" warm
        from threadscope.nlp import snownlp_fast

        snownlp_fast.engine().clear_caches()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["THREADSCOPE_CACHE"] = cache
        for run in ("cold", "warm"):
            started = time.perf_counter()
            score_thread(thread, scorers=default_scorers(snownlp=True), targets=targets)
            elapsed = time.perf_counter() - started
            print(f"with snownlp [{engine}], {run} cache ({os.cpu_count()} cores): {elapsed:.2f}s "
                  f"= {n_scored / elapsed:,.0f} posts/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT)
    parser.add_argument("--snownlp", action="store_true")
    parser.add_argument("--engine", choices=("fast", "reference", "both"), default="fast")
    args = parser.parse_args()
    monitor = TreeMemory()
    monitor.start()
    from threadscope.links import primary_targets, resolve_links
    from threadscope.load import load_thread
    from threadscope.nlp import sentiment, stance
    from threadscope.nlp.scorers import score_thread

    started = time.perf_counter()
    thread = load_thread(args.paths)
    targets = primary_targets(thread, resolve_links(thread))
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
        for engine in ("fast", "reference") if args.engine == "both" else (args.engine,):
            bench_snownlp(thread, targets, engine, n_scored)
    monitor.stop()
    child = max_rss_mb(resource.RUSAGE_CHILDREN)
    print(f"peak RSS (getrusage): this process {max_rss_mb():.0f} MB; largest child {child:.0f} MB")
    print(f"peak of the process tree: RSS sum {monitor.peak_rss:.0f} MB, PSS sum {monitor.peak_pss:.0f} MB "
          f"({monitor.peak_processes} processes at the PSS peak)")
    sys.exit(0)


if __name__ == "__main__":
    main()
