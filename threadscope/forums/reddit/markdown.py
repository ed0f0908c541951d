"""A Reddit markdown body (``body`` / ``selftext``) → text, quotes, links and images.

Reddit's JSON escapes ``&``, ``<`` and ``>`` in bodies as HTML entities (``&gt;`` quote markers in
the samples: samples/forums/reddit/), so bodies are unescaped first. Quote blocks are lines
starting with ``>``; a quote names no post, so it becomes a ``Quote`` without pid.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from threadscope.model import Quote

#: ``[label](url)`` and ``[label](url "title")``: the label stays in the text, the URL is a link.
MD_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: Bare URLs (Reddit autolinks them).
BARE_URL = re.compile(r"(?<![(\[<])\bhttps?://[^\s)\]>]+")
#: Links to pictures: Reddit's own image hosts and common image endings.
IMAGE_URL = re.compile(
    r"(?:\.(?:jpe?g|png|gif|webp)(?:\?\S*)?$)|//(?:i\.redd\.it|preview\.redd\.it|i\.imgur\.com)/",
    re.IGNORECASE)
QUOTE_LINE = re.compile(r"^\s{0,3}>\s?(.*)$")
#: Emphasis and strike markers, headings and superscript carets carry no words.
MD_MARKS = re.compile(r"(\*\*|__|~~|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|^#{1,6}\s+|\^)", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    quotes: tuple[Quote, ...]
    links: tuple[str, ...]
    images: tuple[str, ...]


def _plain(text: str, links: list[str]) -> str:
    def label(match: re.Match[str]) -> str:
        links.append(match.group(2))
        return match.group(1)

    text = MD_LINK.sub(label, text)
    links += BARE_URL.findall(text)
    return MD_MARKS.sub("", text)


def read_markdown(body: str) -> Body:
    """Split ``body`` into the author's own text and its quote blocks."""
    source = html.unescape(body).replace("\r\n", "\n")
    own: list[str] = []
    quotes: list[Quote] = []
    block: list[str] = []
    links: list[str] = []

    def close_block() -> None:
        if block:
            excerpt = _plain("\n".join(block), []).strip()
            if excerpt:
                quotes.append(Quote(author=None, time=None, pid=None, excerpt=excerpt))
            block.clear()

    for line in source.split("\n"):
        match = QUOTE_LINE.match(line)
        if match:
            block.append(match.group(1))
        elif block and line.strip():
            block.append(line)  # a lazy continuation line belongs to the open quote
        else:
            close_block()
            own.append(line)
    close_block()
    text = _BLANK_LINES.sub("\n\n", _plain("\n".join(own), links)).strip()
    unique = tuple(dict.fromkeys(links))
    images = tuple(url for url in unique if IMAGE_URL.search(url))
    return Body(text=text, quotes=tuple(quotes), links=tuple(u for u in unique if u not in images),
                images=images)
