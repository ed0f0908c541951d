"""Each post's language, Chinese (``zh``), English (``en``) or ``other``: by script and a word list.

No model and no network: a post is read as English when enough of its Latin words are common
English function words (``lexicons/en-common.txt``; function words are what tells English from
French or German, whose content words look alike) and its Latin words outnumber its Chinese
characters; as Chinese when it has Chinese characters otherwise; as ``other`` when it has letters
of another script (kana, hangul, Cyrillic, …) or several Latin words none of which is English.

Short posts say too little ("lol", "+1", a smiley, "source?"): they take the thread's main
language, the most common language among its decided posts (``zh`` when none is decided: the
project's forums were Chinese first, and Chinese scoring of such a post is what it had before).
So "lol" in a Stage1st thread keeps the Chinese scorers, "+1" in a Reddit thread is English.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

from threadscope.text import SMILEY_TOKEN, URL_IN_TEXT

LANGUAGES = ("zh", "en", "other")
#: Main language of a thread none of whose posts decides (see module docstring).
DEFAULT_LANGUAGE = "zh"
#: English evidence: at least this many common English words, making up at least this share of
#: the post's Latin words. Three words is the shortest English sentence that is rarely a stray
#: phrase in a Chinese post ("I agree" and "lol what" stay undecided and follow the thread);
#: a quarter: English running text is ~40-50% function words, the top-140 list covers ~45% of
#: the Reddit/Discourse replies in tests/gold/en-replies, romanised names and code far less.
EN_MIN_HITS = 3
EN_MIN_SHARE = 0.25
#: Several Latin words (this many) with no English word among them: another Latin-script language
#: (fewer is often a name, a title or a bare link: "VS Xmas live.bilibili.com/10112", s1-text 1336720 #2226).
OTHER_MIN_WORDS = 6
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
LATIN_WORD_RE = re.compile(r"[a-z]+(?:['’][a-z]+)?")
#: Letters of scripts other than Latin and Han (kana, hangul, Cyrillic, Greek, Arabic, Thai, …).
OTHER_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\uac00-\ud7af\u0400-\u04ff\u0370-\u03ff\u0600-\u06ff"
                             r"\u0590-\u05ff\u0e00-\u0e7f\u0900-\u097f]")
MENTION_RE = re.compile(r"@[\w.-]+")
LEXICON_PACKAGE = "threadscope.nlp.lexicons"


@cache
def english_words() -> frozenset[str]:
    text = resources.files(LEXICON_PACKAGE).joinpath("en-common.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def latin_words(text: str) -> list[str]:
    """Lower-case Latin words of a text (apostrophes kept: "don't"), URLs and smileys left out."""
    text = MENTION_RE.sub(" ", SMILEY_TOKEN.sub(" ", URL_IN_TEXT.sub(" ", text)))
    return LATIN_WORD_RE.findall(text.lower().replace("’", "'"))


def detect_language(text: str) -> str | None:
    """``zh``, ``en`` or ``other`` when the post's own words decide, else ``None`` (too short)."""
    clean = URL_IN_TEXT.sub(" ", SMILEY_TOKEN.sub(" ", text or ""))
    han = len(HAN_RE.findall(clean))
    words = latin_words(clean)
    hits = sum(word in english_words() for word in words)
    if hits >= EN_MIN_HITS and hits >= EN_MIN_SHARE * len(words) and len(words) > han:
        return "en"
    if han:
        return "zh"
    if OTHER_SCRIPT_RE.search(clean) or (len(words) >= OTHER_MIN_WORDS and hits == 0):
        return "other"
    return None


def main_language(decided: Iterable[str | None]) -> str:
    """The most common decided language (ties: ``LANGUAGES`` order), ``DEFAULT_LANGUAGE`` if none."""
    counts = Counter(lang for lang in decided if lang is not None)
    if not counts:
        return DEFAULT_LANGUAGE
    return max(LANGUAGES, key=lambda lang: (counts[lang], -LANGUAGES.index(lang)))


def detect_languages(texts: Sequence[str]) -> list[str]:
    """One language per text; undecided (short) texts take the main language of all of them."""
    decided = [detect_language(text) for text in texts]
    main = main_language(decided)
    return [lang or main for lang in decided]


def snownlp_note(languages: Iterable[str | None]) -> str | None:
    """Why snownlp's column is empty for some posts (it reads Chinese only), or ``None``."""
    counts = Counter(lang for lang in languages if lang and lang != "zh")
    if not counts:
        return None
    parts = [f"{counts[lang]} {'English' if lang == 'en' else 'other-language'} post"
             f"{'' if counts[lang] == 1 else 's'}" for lang in ("en", "other") if counts[lang]]
    return f"snownlp reads Chinese only: {' and '.join(parts)} left empty"
