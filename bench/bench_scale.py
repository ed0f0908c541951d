"""Scaling of ``analyze``: threadscope.analysis.analyze_thread (snownlp=False) on synthetic threads
of 12,500, 25,000 and 50,000 floors built from real posts.

    python bench/bench_scale.py [--floors 12500 25000 50000] [--users-per-floor 0.05]

Threads cycle the real post texts of the 3,011-floor s1-text thread (tests/data) over invented
authors, one per 20 floors by default (50,000 floors: 2,500 users, the case of issue 12 where
exact betweenness took 30 s), a few very active and a long tail; every third post answers one of
the 60 before it (Discuz's 回复 N#); times spread over 30 days. Prints the seconds per size, the
seconds per 1,000 floors, how betweenness was computed and the ratio of the largest to the
smallest time next to the ratio of their sizes (near-linear: the two are close). Run by hand;
nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadscope.analysis import analyze_thread  # noqa: E402
from threadscope.forums.discuz.times import DISCUZ_TZ  # noqa: E402
from threadscope.load import load_thread  # noqa: E402
from threadscope.model import Post, Thread  # noqa: E402

SOURCE = (ROOT / "tests" / "data" / "fixtures" / "s1-text"
          / "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]")
REPLY_EVERY = 3
REPLY_REACH = 60


def synthetic_thread(n_floors: int, texts: list[str], users_per_floor: float) -> Thread:
    rng = random.Random(n_floors)
    n_users = max(2, round(n_floors * users_per_floor))
    authors = [f"用户{i:05d}" for i in range(n_users)]
    weights = [1 / (i + 1) for i in range(n_users)]  # a few very active people, a long tail
    start = datetime(2024, 1, 1, 8, 0, tzinfo=DISCUZ_TZ)
    step = timedelta(days=30) / n_floors
    posts = []
    for floor in range(1, n_floors + 1):
        # every user posts at least once (the first n_users floors), then by weight
        author = authors[0] if floor == 1 else authors[floor - 1] if floor <= n_users else \
            rng.choices(authors, weights)[0]
        replies = floor > 1 and floor % REPLY_EVERY == 0
        reply_to = rng.randint(max(1, floor - REPLY_REACH), floor - 1) if replies else None
        posts.append(Post(floor=floor, author=author, time=start + step * floor, is_op=floor == 1,
                          text=texts[floor % len(texts)], reply_to=reply_to))
    return Thread(forum="stage1st", tid="9999999", title=f"合成的 {n_floors} 楼测试帖",
                  sources=("synthetic",), posts=tuple(posts), starter=authors[0], format="synthetic",
                  timezone="Asia/Shanghai")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floors", type=int, nargs="+", default=[12_500, 25_000, 50_000])
    parser.add_argument("--users-per-floor", type=float, default=0.05)
    args = parser.parse_args()
    source = load_thread(SOURCE)
    texts = [p.text for p in source.posts if p.status == "normal" and p.text.strip()]
    print(f"{'floors':>7} {'users':>6} {'analyze s':>10} {'s/1k floors':>11}  betweenness")
    times = {}
    for n in args.floors:
        thread = synthetic_thread(n, texts, args.users_per_floor)
        begin = time.perf_counter()
        analysis = analyze_thread(thread, snownlp=False)
        times[n] = time.perf_counter() - begin
        print(f"{n:7d} {len(analysis.users):6d} {times[n]:10.2f} {times[n] / n * 1000:11.3f}  "
              f"{analysis.users.attrs.get('betweenness', '?')}", flush=True)
    small, large = min(times), max(times)
    print(f"time ratio {large:,}/{small:,} floors: {times[large] / times[small]:.2f} "
          f"(size ratio {large / small:.2f}; linear would match it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
