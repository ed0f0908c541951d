"""Open a report in headless Chromium (Playwright) and record what a reader's browser would do.

Used by ``tests/test_browser.py`` and ``bench/bench_report.py``; also handy to check a report by
hand: ``python -m tests.browser REPORT.html [SCREENSHOT.png]`` from the project folder. It lives
with the tests, not in the package, because Playwright is a test extra that readers of a report
never need. Playwright drives the system's Chromium through ``executable_path`` (Debian's
``chromium``); ``playwright install`` (which downloads browsers) is never needed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Chromium is looked for: $THREADSCOPE_CHROMIUM, then these names on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags that work in containers without a GPU or a sandbox, and keep Chromium from calling home
#: (so any request the test sees comes from the report). SwiftShader gives WebGL without a GPU:
#: scattergl traces need it.
CHROMIUM_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
)
#: How long a report may take to draw every figure before the load counts as failed.
READY_TIMEOUT_MS = 120_000

#: JS: for each figure container, whether plotly drew it (traces in its full data, and drawn
#: trace groups in the SVG or a WebGL canvas).
FIGURES_DRAWN_JS = """
() => Array.from(document.querySelectorAll('div.plot')).map(div => ({
  id: div.id,
  traces: (div._fullData || []).length,
  svgTraces: div.querySelectorAll('.trace, .hm, .heatmaplayer image, .barlayer .point').length,
  glCanvas: div.querySelectorAll('canvas.gl-canvas-context').length,
  height: div.getBoundingClientRect().height,
}))
"""


def find_chromium() -> str | None:
    """The Chromium executable, or ``None``."""
    configured = os.environ.get("THREADSCOPE_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLog:
    """What happened while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        """Requests to anything but the report file itself (file://, data:, blob: and about: are local)."""
        return [url for url in self.requests if not url.startswith(("file://", "data:", "blob:", "about:"))]


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Any]:
    """A launched Playwright Chromium browser with a fresh profile; closed on exit."""
    from playwright.sync_api import sync_playwright

    path = executable or find_chromium()
    if path is None:
        raise FileNotFoundError("no Chromium found (install Debian's chromium or set THREADSCOPE_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="threadscope-chromium-") as profile, sync_playwright() as play:
        context = play.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=list(CHROMIUM_ARGS),
            viewport={"width": 1366, "height": 900}, service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


def open_report(context: Any, path: str | Path, *, fragment: str = "",
                timeout_ms: int = READY_TIMEOUT_MS) -> tuple[Any, PageLog, float]:
    """Open ``path`` in a new page, wait until every figure is drawn; returns (page, log, seconds)."""
    page = context.new_page()
    log = PageLog()
    page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on("request", lambda request: log.requests.append(request.url))

    def on_dialog(dialog: Any) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    url = Path(path).resolve().as_uri() + fragment
    start = time.perf_counter()
    page.goto(url, wait_until="load", timeout=timeout_ms)
    page.wait_for_function("document.body.dataset.ready !== undefined", timeout=timeout_ms)
    return page, log, time.perf_counter() - start


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.browser REPORT.html [SCREENSHOT.png]", file=sys.stderr)
        return 2
    with chromium() as context:
        page, log, seconds = open_report(context, argv[0])
        print(f"ready={page.evaluate('document.body.dataset.ready')} in {seconds:.2f}s")
        for figure in page.evaluate(FIGURES_DRAWN_JS):
            print(figure)
        print("console errors:", log.console_errors, "page errors:", log.page_errors)
        print("external requests:", log.external_requests)
        if len(argv) > 1:
            page.screenshot(path=argv[1], full_page=True)
            print("screenshot:", argv[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
