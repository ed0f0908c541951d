"""Report benchmark: file size, render time and browser load time, on real and synthetic threads.

    python bench/bench_report.py [--posts 20000] [--no-browser]

Threads: the bundled seed (41 floors), the 3,011-floor s1-text fixture (if ../shared is there),
and a synthetic thread of ``--posts`` posts made by cycling the fixture's real post texts over
800 invented authors, a reply to an earlier floor on every third post, times over 30 days.
Each goes through parse/graph/scores (no snownlp) → ``render_report``; then headless Chromium
opens the file and we time until every figure is drawn (``data-ready``), and a table filter.
Run by hand; nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadscope.analysis import analyze_thread  # noqa: E402
from threadscope.forums.discuz.times import DISCUZ_TZ  # noqa: E402
from threadscope.load import load_thread  # noqa: E402
from threadscope.model import Post, Thread  # noqa: E402
from threadscope.report import render_report  # noqa: E402

SEED = ROOT / "samples" / "thread-agi-empire.md"
BIG = (ROOT.parent / "shared" / "fixtures" / "s1-text"
       / "1336720[10月番ViVid Strike! 动画专楼 第12话 在紧牵着的手中完]")
SYNTHETIC_AUTHORS = 800
#: Every REPLY_EVERY-th post answers an earlier one (Discuz's 回复 N# form), within REPLY_REACH floors.
REPLY_EVERY = 3
REPLY_REACH = 60


def synthetic_thread(n_posts: int, source: Thread) -> Thread:
    rng = random.Random(20000)
    texts = [p.text for p in source.posts if p.status == "normal" and p.text.strip()]
    authors = [f"用户{i:04d}" for i in range(SYNTHETIC_AUTHORS)]
    weights = [1 / (i + 1) for i in range(SYNTHETIC_AUTHORS)]  # a few very active people, a long tail
    start = datetime(2024, 1, 1, 8, 0, tzinfo=DISCUZ_TZ)
    step = timedelta(days=30) / n_posts
    posts = []
    for floor in range(1, n_posts + 1):
        author = authors[0] if floor == 1 else rng.choices(authors, weights)[0]
        replies = floor > 1 and floor % REPLY_EVERY == 0
        reply_to = rng.randint(max(1, floor - REPLY_REACH), floor - 1) if replies else None
        posts.append(Post(floor=floor, author=author, time=start + step * floor, is_op=floor == 1,
                          text=texts[floor % len(texts)], reply_to=reply_to))
    return Thread(forum="stage1st", tid="9999999", title=f"合成的 {n_posts} 楼测试帖", sources=("synthetic",),
                  posts=tuple(posts), starter=authors[0], format="synthetic", timezone="Asia/Shanghai")


def render(thread: Thread) -> tuple[str, float, float]:
    """(html, seconds for the analysis (links, scores, graphs, frames, measures, keywords), seconds
    for the report)."""
    start = time.perf_counter()
    analysis = analyze_thread(thread, snownlp=False)
    middle = time.perf_counter()
    html = render_report(analysis)
    return html, middle - start, time.perf_counter() - middle


def browser_times(path: Path) -> tuple[float, float, int]:
    """(seconds until every figure is drawn, seconds for a filter over the posts table, console errors)."""
    from tests.browser import chromium, open_report

    with chromium() as context:
        page, log, seconds = open_report(context, path)
        start = time.perf_counter()
        page.fill("#posts-table input[type=search]", "的")
        page.wait_for_function("document.querySelector('#posts .count').textContent.indexOf(' of ') > 0")
        filtered = time.perf_counter() - start
        return seconds, filtered, len(log.console_errors) + len(log.page_errors) + len(log.external_requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    threads = [("seed", load_thread(SEED))]
    if BIG.is_dir():
        big = load_thread(BIG)
        threads += [("s1-text 1336720", big), (f"synthetic {args.posts}", synthetic_thread(args.posts, big))]
    print(f"{'thread':22} {'posts':>6} {'analysis':>12} {'report':>8} {'size MB':>8} {'load s':>7} "
          f"{'filter s':>8} {'errors':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for name, thread in threads:
            html, prepare, report = render(thread)
            path = Path(folder) / f"{name.split()[0]}.html"
            path.write_text(html, encoding="utf-8")
            size = path.stat().st_size / 1e6
            load = filtered = errors = float("nan")
            if not args.no_browser:
                load, filtered, errors = browser_times(path)
            print(f"{name:22} {len(thread.posts):6d} {prepare:12.2f} {report:8.2f} {size:8.2f} {load:7.2f} "
                  f"{filtered:8.3f} {errors:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
