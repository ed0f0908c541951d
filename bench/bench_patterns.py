"""Worst-case inputs for the patterns applied to post text (issue 12: the attachment-tooltip
pattern took 25-31 s on a 240 KB post). Each case runs in its own interpreter with a 60 s limit.

Run: ``python bench/bench_patterns.py [--size BYTES]``. Prints seconds per case at n and 4n; a
linear pattern takes about 4x as long at 4n, a quadratic one about 16x (or hits the limit).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

#: Per-case limit: minutes if quadratic at 1 MB, well under a second if linear.
LIMIT_SECONDS = 60

#: (name, code building ``text`` of about ``n`` characters, call to time).
CASES: tuple[tuple[str, str, str], ...] = (
    ("attachment tooltip, CJK run", "text = '字' * n + 'a.png (1 KB, 下载次数: 1)'",
     "clean.replace_attachment_tips(text, blank=True)"),
    ("attachment tooltip, repeated cores", "text = 'x.png(1B,下载次数:1)' * (n // 17)",
     "clean.replace_attachment_tips(text, blank=True)"),
    ("clean_body, CJK run with tooltip", "text = '字' * n + 'a.png (1 KB, 下载次数: 1)'",
     "clean.clean_body(text)"),
)


def run(setup: str, call: str, n: int) -> float | None:
    code = ("import time\nfrom threadscope.forums.discuz import clean\n"
            f"n = {n}\n{setup}\nstart = time.perf_counter()\n{call}\nprint(time.perf_counter() - start)")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=LIMIT_SECONDS, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=250_000, help="n in characters (4n is also run)")
    n = parser.parse_args().size
    print(f"{'case':40} {'n s':>8} {'4n s':>8} {'ratio':>6}")
    for name, setup, call in CASES:
        small, large = run(setup, call, n), run(setup, call, 4 * n)
        ratio = f"{large / small:6.1f}" if small and large else "   -"
        show = [f"{t:8.3f}" if t is not None else f">{LIMIT_SECONDS:>7}" for t in (small, large)]
        print(f"{name:40} {show[0]} {show[1]} {ratio}")


if __name__ == "__main__":
    main()
