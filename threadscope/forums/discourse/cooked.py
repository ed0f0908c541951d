"""A Discourse post's ``cooked`` HTML → the author's own text, quotes, links, images and emoji.

Markup from Discourse's cooker (``lib/pretty_text``) as seen in the samples
(samples/forums/discourse/): quotes are ``<aside class="quote" data-username data-post
data-topic>`` with a ``div.title`` header and a ``blockquote``; emoji are ``img.emoji`` with a
``:name:`` title; uploaded images sit in ``div.lightbox-wrapper`` with a ``div.meta`` caption;
link previews are ``aside.onebox``; mentions are ``a.mention``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from threadscope.model import Quote

#: Elements whose end is a line break in the text.
BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr",
                        "table", "details", "summary", "hr"})
#: Image captions (file name, size) and the quote header are page chrome, not the author's words.
CHROME_CLASSES = frozenset({"meta", "title", "quote-controls", "lightbox-meta"})
#: ``:smile:`` → ``[s:smile]`` (threadscope.text.SMILEY_TOKEN).
EMOJI_NAME = re.compile(r"^:([^:\s]{1,40}):$")
#: The quote header's text when the aside has no ``data-username`` (older cooked HTML, e.g. the
#: Urho3D topic 5254 sample's post 6: ``<div class="title">… weitjong:</div>``): the name before ":".
QUOTE_TITLE_NAME = re.compile(r"^\s*([^\s:][^:\n]{0,60}?)\s*:\s*$")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Cooked:
    """What a cooked body holds. ``quoted`` gives, per quote, (post number, topic id) when the
    quote names them (``data-post``, ``data-topic``)."""

    text: str
    quotes: tuple[Quote, ...]
    quoted: tuple[tuple[int | None, str | None], ...]
    links: tuple[str, ...]
    images: tuple[str, ...]
    smileys: tuple[str, ...]


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class _Walker:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.quotes: list[Quote] = []
        self.quoted: list[tuple[int | None, str | None]] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.smileys: list[str] = []

    def walk_children(self, el: etree._Element) -> None:
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.parts.append(child.tail)

    def walk(self, el: etree._Element) -> None:
        if not isinstance(el.tag, str):  # comments, processing instructions
            return
        tag, classes = el.tag.lower(), _classes(el)
        if tag == "aside" and "quote" in classes:
            self.quote(el)
        elif tag == "aside" and "onebox" in classes:
            # a preview of a linked page: its URL is the author's, its text is the page's
            source = el.get("data-onebox-src") or next(
                (a.get("href") for a in el.iter("a") if a.get("href")), None)
            if source:
                self.links.append(source)
                self.parts.append(f"\n{source}\n")
        elif tag == "blockquote":
            # a markdown quote of something outside the topic (a blog, a book): no post to link
            excerpt = _tidy(el.text_content())
            self.quotes.append(Quote(author=None, time=None, pid=None, excerpt=excerpt))
            self.quoted.append((None, None))
            self.parts.append("\n")
        elif classes & CHROME_CLASSES:
            return
        elif tag == "img":
            self.image(el, classes)
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            href = el.get("href")
            if href and "mention" not in classes and "hashtag" not in classes and not href.startswith("#"):
                self.links.append(href)
            self.walk_children(el)
        else:
            block = tag in BLOCK_TAGS
            if block:
                self.parts.append("\n")
            self.walk_children(el)
            if block:
                self.parts.append("\n")

    def image(self, el: etree._Element, classes: set[str]) -> None:
        title = el.get("title") or el.get("alt") or ""
        name = EMOJI_NAME.match(title)
        if "emoji" in classes and name:
            token = f"[s:{name.group(1)}]"
            self.smileys.append(token)
            self.parts.append(token)
        elif "avatar" not in classes and el.get("src"):
            self.images.append(el.get("src") or "")

    def quote(self, el: etree._Element) -> None:
        number = el.get("data-post")
        post_number = int(number) if number and number.isdigit() and len(number) < 10 else None
        body = next(el.iter("blockquote"), None)
        excerpt = _tidy(body.text_content()) if body is not None else ""
        author = el.get("data-username") or _title_name(el)
        self.quotes.append(Quote(author=author, time=None, pid=None, excerpt=excerpt))
        self.quoted.append((post_number, el.get("data-topic")))
        self.parts.append("\n")


def _title_name(aside: etree._Element) -> str | None:
    title = next((div for div in aside.iter("div") if "title" in _classes(div)), None)
    match = QUOTE_TITLE_NAME.match(title.text_content()) if title is not None else None
    return match.group(1) if match else None


def read_cooked(html: str) -> Cooked:
    """Parse one ``cooked`` string (an HTML fragment; empty for some small actions)."""
    walker = _Walker()
    if html.strip():
        try:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            walker.walk_children(root)
    return Cooked(text=_tidy("".join(walker.parts)), quotes=tuple(walker.quotes), quoted=tuple(walker.quoted),
                  links=tuple(dict.fromkeys(walker.links)), images=tuple(dict.fromkeys(walker.images)),
                  smileys=tuple(walker.smileys))
