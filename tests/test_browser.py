"""The report in a real browser: headless Chromium (Debian's ``chromium``) through Playwright.

Skips with the reason when Chromium or Playwright is missing, except under CI=true, where
.ci/run installs both and a missing one is a failure.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import FIGURES_DRAWN_JS, PageLog, chromium, find_chromium, open_report
from .report_helpers import BIG_FOLDER, SEED, full_report, hostile_thread, report_for


def _require_browser() -> str:
    executable = find_chromium()
    missing = []
    if executable is None:
        missing.append("Chromium (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright for Python (pip install playwright; the test extra)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true: .ci/run must install them")
        pytest.skip(reason)
    assert executable is not None
    return executable


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(_require_browser()) as context:
        yield context


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    seed = folder / "seed.html"
    seed.write_text(full_report(SEED)[1], encoding="utf-8")
    hostile = folder / "hostile.html"
    hostile.write_text(report_for(hostile_thread()), encoding="utf-8")
    return {"seed": seed, "hostile": hostile}


def assert_clean(log: PageLog) -> None:
    assert log.console_errors == []
    assert log.page_errors == []
    assert log.dialogs == []
    assert log.external_requests == []


def assert_figures_drawn(page: Any, expected: int) -> None:
    assert page.evaluate("document.body.dataset.ready") == "1"
    figures = page.evaluate(FIGURES_DRAWN_JS)
    assert len(figures) == expected
    for figure in figures:
        assert figure["traces"] > 0, figure
        assert figure["svgTraces"] > 0 or figure["glCanvas"] > 0, figure
        assert figure["height"] > 200, figure


def visible_rows(page: Any, table: str) -> list[str]:
    return page.eval_on_selector_all(f"#{table} tbody tr", "rows => rows.map(r => r.innerText)")


def test_seed_report_in_chromium(browser: Any, reports: dict[str, Path]) -> None:
    page, log, _ = open_report(browser, reports["seed"])
    assert_figures_drawn(page, 13)
    assert page.inner_text("#posts .count") == "41 of 41 rows"
    # Filtering the posts table by text.
    page.fill("#posts-table input[type=search]", "logiccat")
    rows = visible_rows(page, "posts-table")
    assert rows and all("logiccat" in row.lower() for row in rows)
    assert page.inner_text("#posts .count").endswith("of 41 rows")
    # Filtering and sorting the participants table.
    page.fill("#participants-table input[type=search]", "哈利谢顿")
    assert len(visible_rows(page, "participants-table")) == 1
    page.fill("#participants-table input[type=search]", "")
    page.click("#participants-table th:nth-child(2) button")  # Posts: sorted descending already → ascending
    first = visible_rows(page, "participants-table")[0]
    assert "\t1\t" in first
    # A name in the participants table lists that person's posts.
    page.click("#participants-table th:nth-child(2) button")
    page.click("#participants-table tbody tr:first-child button.linklike")
    rows = visible_rows(page, "posts-table")
    assert len(rows) == 4 and all("哈利谢顿" in row for row in rows)
    # A floor link from the overview reveals and scrolls to the row, clearing the filter.
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#overview a[href='#floor-15']")
    page.wait_for_function("location.hash === '#floor-15'")
    page.wait_for_selector("#floor-15")
    assert page.evaluate("window.scrollY") > 1000
    box = page.evaluate("document.getElementById('floor-15').getBoundingClientRect().top")
    assert 0 <= box <= page.viewport_size["height"]
    assert_clean(log)


def test_floor_anchor_opens_the_right_page(browser: Any, reports: dict[str, Path]) -> None:
    page, log, _ = open_report(browser, reports["seed"], fragment="#floor-37")
    page.wait_for_selector("#floor-37")
    top = page.evaluate("document.getElementById('floor-37').getBoundingClientRect().top")
    assert 0 <= top <= page.viewport_size["height"]
    assert page.evaluate("window.scrollY") > 1000
    assert_clean(log)


def test_hostile_report_runs_nothing(browser: Any, reports: dict[str, Path]) -> None:
    page, log, _ = open_report(browser, reports["hostile"])
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    # Draw a hover label on every figure (plotly builds its HTML-subset labels then) and open
    # every post text.
    hovered = page.evaluate("""() => Array.from(document.querySelectorAll('div.plot')).map(div => {
        const trace = div._fullData.findIndex(t => t.hoverinfo !== 'skip' && t.visible === true);
        Plotly.Fx.hover(div, [{curveNumber: trace, pointNumber: 0}]);
        return div.querySelector('.hoverlayer').textContent;
    })""")
    assert any("<b onmouseover" in label for label in hovered)  # a hostile name, shown as text
    for text in page.query_selector_all("#posts-table .text"):
        text.click()
    assert page.evaluate("window.__pwned") is None
    body = page.inner_text("#posts-table")
    assert "<script>window.__pwned = 'script'; alert('script')</script>" in body
    assert '<img src=x onerror="window.__pwned=\'img\'; alert(\'img\')">' in body
    injected = "main img, main iframe, main svg script, #posts-table a[href^=javascript]"
    assert page.query_selector_all(injected) == []
    assert "</title><script>window.__pwned='title'</script>" in page.inner_text("h1")
    assert_clean(log)


def test_big_thread_in_chromium(browser: Any, fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(full_report(fixtures / BIG_FOLDER)[1], encoding="utf-8")
    page, log, _ = open_report(browser, path, fragment="#floor-2500")
    assert_figures_drawn(page, 14)
    canvases = "document.querySelectorAll('#fig-sentiment-by-floor canvas.gl-canvas-context').length"
    assert page.evaluate(canvases) > 0
    top = page.evaluate("document.getElementById('floor-2500').getBoundingClientRect().top")
    assert 0 <= top <= page.viewport_size["height"]
    assert page.inner_text("#posts .count") == "3011 of 3011 rows"
    assert len(visible_rows(page, "posts-table")) == 50  # paged
    page.select_option("#posts-table select[data-key=status]", "banned")
    assert page.inner_text("#posts .count") == "195 of 3011 rows"
    assert_clean(log)


#: A real document of every other forum family: each report must open cleanly with every figure drawn.
FORUM_SAMPLES: dict[str, list[str]] = {
    "discourse": ["forums/discourse/criticalfallibilism-2144-posts.json",
                  "forums/discourse/criticalfallibilism-2144-posts-pn41.json"],
    "discourse-urho3d-5371": ["forums/discourse/urho3d-5371-about-all-the-drama-around-here.json"],
    "discourse-urho3d-5265": ["forums/discourse/urho3d-5265-pre-release-tagging.json"],
    "discourse-urho3d-6482-pages": ["forums/discourse/urho3d-6482-github-in-decay-page-1.json",
                                    "forums/discourse/urho3d-6482-github-in-decay-page-2.json"],
    "reddit": ["forums/reddit/self-1cebxh-thread-trimmed.json"],
    "reddit-permalink": ["forums/reddit/self-1cebxh-permalink-c9fs5bj-context2.json"],
    "discuz7": ["discuz7-4d4y-572737-page-1.html"],
    "discuz6": ["discuz6-1984bbs-41876.html"],
    "table": ["table-agi-empire.csv"],
}


@pytest.mark.parametrize("forum", sorted(FORUM_SAMPLES))
def test_other_forums_reports_open_cleanly(browser: Any, tmp_path: Path, forum: str) -> None:
    from .conftest import SAMPLES
    from .report_helpers import report_data

    _, html = full_report([SAMPLES / name for name in FORUM_SAMPLES[forum]])
    path = tmp_path / f"{forum}.html"
    path.write_text(html, encoding="utf-8")
    page, log, _ = open_report(browser, path)
    assert_figures_drawn(page, len(report_data(html)["figures"]))
    assert_clean(log)


def test_english_thread_labels_in_chromium(browser: Any, tmp_path: Path) -> None:
    """A real English thread's report, as a reader sees it: its exchanges figure is drawn under an
    English title (Analysis.language), and no 对线 is on the page."""
    from .conftest import SAMPLES

    _, html = full_report(SAMPLES / FORUM_SAMPLES["discourse-urho3d-5371"][0])
    path = tmp_path / "english.html"
    path.write_text(html, encoding="utf-8")
    page, log, _ = open_report(browser, path)
    assert page.inner_text("#card-debates h3") == "Back-and-forth exchanges: people trading replies"
    assert "对线" not in page.inner_text("body")
    assert page.evaluate("document.querySelectorAll('#fig-debates .scatterlayer .trace').length") > 0
    assert_clean(log)
