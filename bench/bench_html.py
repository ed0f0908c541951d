"""Posts per second of the desktop adapter vs a plain BeautifulSoup walk, on the 30-post sample.

Baseline: ``BeautifulSoup(html, "html.parser")``, find every post container and ``get_text`` of
each body — it does no cleaning at all, so the adapter does strictly more work. Run by hand:
``python bench/bench_html.py [PAGE] [--repeat N]``; target: adapter >= 5x the baseline.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from threadscope.adapters.base import Document
from threadscope.forums.discuz.desktop import DiscuzHtmlAdapter

DEFAULT_PAGE = Path(__file__).resolve().parent.parent / "samples" / "s1-2267042-page-1.html"
POST_ID = re.compile(r"^post_\d+$")
BODY_ID = re.compile(r"^postmessage_\d+$")


def baseline(doc: Document) -> int:
    soup = BeautifulSoup(doc.text, "html.parser")
    count = 0
    for container in soup.find_all("div", id=POST_ID):
        body = container.find("td", id=BODY_ID)
        if body is not None:
            body.get_text()
            count += 1
    return count


def adapter(doc: Document) -> int:
    return len(DiscuzHtmlAdapter().parse(doc).posts)


def measure(run: Callable[[Document], int], doc: Document, repeat: int) -> tuple[int, float]:
    run(doc)  # warm-up (imports, compiled XPath)
    best = float("inf")
    posts = 0
    for _ in range(repeat):
        start = time.perf_counter()
        posts = run(doc)
        best = min(best, time.perf_counter() - start)
    return posts, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    data = args.page.read_bytes()
    doc = Document(str(args.page), data, data.decode("utf-8"), "utf-8")
    rows = [("BeautifulSoup html.parser walk (baseline)", *measure(baseline, doc, args.repeat)),
            ("threadscope html adapter (lxml + clean)", *measure(adapter, doc, args.repeat))]
    base_rate = rows[0][1] / rows[0][2]
    print(f"{args.page.name}: {len(data):,} bytes, best of {args.repeat}")
    print(f"{'method':44} {'posts':>5} {'ms/page':>9} {'posts/s':>9} {'speed-up':>8}")
    for name, posts, seconds in rows:
        rate = posts / seconds
        print(f"{name:44} {posts:5d} {seconds * 1000:9.2f} {rate:9.0f} {rate / base_rate:7.1f}x")


if __name__ == "__main__":
    main()
