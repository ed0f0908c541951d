"""The report's language-dependent labels follow the thread's main language, decided once by the
analysis (``Analysis.language``) and only drawn by the report: an English thread's back-and-forth
exchanges are not captioned with the Stage1st slang 对线."""

from __future__ import annotations

from dataclasses import replace

from threadscope import analyze, render_report
from threadscope.report import figures as F

from .conftest import FIXTURES, SAMPLES

#: Real English threads with a back-and-forth exchange (samples/forums/README.md): Urho3D topic 5371,
#: 1vanK and Bluemoon on floors 13-20.
ENGLISH = SAMPLES / "forums" / "discourse" / "urho3d-5371-about-all-the-drama-around-here.json"
#: A real Chinese one: Discuz! 6 page of 1984bbs (samples/README.md), one exchange.
CHINESE = SAMPLES / "discuz6-1984bbs-41876.html"


def test_english_thread_gets_an_english_exchange_label() -> None:
    analysis = analyze(ENGLISH, snownlp=False)
    assert analysis.language == "en"
    assert analysis.keywords is not None and analysis.keywords.language == "en"  # decided once, followed
    assert not analysis.measures["debates"].empty
    html = render_report(analysis)
    assert F.DEBATE_TITLES["en"] in html
    assert "对线" not in html


def test_chinese_thread_keeps_its_label() -> None:
    analysis = analyze(CHINESE, snownlp=False, keywords=False)
    assert analysis.language == "zh" and not analysis.measures["debates"].empty
    html = render_report(analysis)
    assert F.DEBATE_TITLES["zh"] in html and F.DEBATE_TITLES["en"] not in html


def test_the_report_draws_the_analysis_language_and_computes_none() -> None:
    # the same tables, told another language: only the label changes, so the report decided nothing
    analysis = analyze(CHINESE, snownlp=False, keywords=False)
    relabelled = render_report(replace(analysis, language="en"))
    assert F.DEBATE_TITLES["en"] in relabelled and "对线" not in relabelled


def test_language_of_a_chinese_fixture_thread() -> None:
    path = next((FIXTURES / "s1-text").glob("2180859-01*.md"))
    analysis = analyze(path, snownlp=False, keywords=False)
    assert analysis.language == "zh"
    spec = F.debates(analysis.posts, analysis.measures["debates"], language=analysis.language)
    assert spec is not None and spec.title == F.DEBATE_TITLES["zh"]
