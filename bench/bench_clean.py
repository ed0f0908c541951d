"""Throughput of threadscope.forums.discuz.clean over the 536 real S1 bodies
(../shared/fixtures/s1-post-bodies).

Run: ``python bench/bench_clean.py``. Prints bodies/s for ``clean_body`` (parse + clean of each
body's HTML), for ``clean_element`` on an already parsed page, and for a plain
``BeautifulSoup(html, "html.parser")`` walk (``get_text``) of the same fragments, the baseline
of the parse issue's >= 5x target (``bench/bench_html.py`` measures it on a whole page).
"""

from __future__ import annotations

import time
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup

from threadscope.forums.discuz.clean import clean_body, clean_element

FIXTURE = (Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "s1-post-bodies"
           / "stage1stcrawler-uid555493.html")
ROUNDS = 5


def _best(fn, items) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def main() -> None:
    root = lxml.html.parse(str(FIXTURE)).getroot()
    cells = root.xpath('//td[starts-with(@id, "postmessage_")]')
    fragments = [lxml.html.tostring(td, encoding="unicode") for td in cells]
    print(f"{len(fragments)} bodies, best of {ROUNDS} rounds")
    body_rate = _best(clean_body, fragments)
    element_rate = _best(clean_element, cells)
    soup_rate = _best(lambda html: BeautifulSoup(html, "html.parser").get_text(), fragments)
    print(f"clean_body      {body_rate:10.0f} bodies/s")
    print(f"clean_element   {element_rate:10.0f} bodies/s")
    print(f"bs4 html.parser {soup_rate:10.0f} bodies/s  (clean_body is {body_rate / soup_rate:.1f}x)")


if __name__ == "__main__":
    main()
