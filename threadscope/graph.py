"""Who answers whom: resolve every quote, reply and textual pointer to a floor, and build graphs.

A Stage1st thread is flat floors; the conversation is in quotes (``div.quote``), Discuz's
``回复 N# NAME`` form and words like 楼上. ``resolve_links`` turns each post into ``Link``
records (kind, confidence, and a reason when the target cannot be found), in one pass over the
posts in floor order with indexes of what came before (pid, author+minute, minute, the leading
characters of each text), so the work grows with the text, not with the square of the posts.
``check_links`` validates links before graphs are built (ConvoKit's integrity check: self-links,
links to later floors, dangling floors) and reports problems instead of raising.
``build_graphs`` returns the post graph and the user graph as networkx ``DiGraph``s.

Kinds: ``quote`` (a quoted post), ``reply`` (``回复 N#``), ``implicit`` (楼上, ``N楼``, ``#N``,
``@NAME``, an echoed phrase), ``op`` (no target: the post answers the thread, floor 1).
The thread starter's own posts without a target continue the opening post and get no link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import networkx as nx

from threadscope.clean import SMILEY_TOKEN, URL_IN_TEXT
from threadscope.model import FORUM_TZ, LINK_KINDS, LinkKind, ParseWarning, Post, Quote, Thread

#: Why a link has no target floor (the issue's three reasons).
NOT_IN_PAGES = "target not in these pages"
AMBIGUOUS = "ambiguous"
TARGET_DELETED = "target deleted"

# --- Confidence of each way of finding a target -------------------------------------------
# Ordered by how much can go wrong. A findpost pid names the post; author + minute is unique
# on the fixtures except when one author posts twice in a minute (then the excerpt decides);
# an excerpt alone can hit a post that repeats the same words; implicit cues are guesses
# (the gold seed's 同上 at floor 37 is labelled "ambiguous with 36"); a post with no cue is
# assumed to answer the thread.
CONFIDENCE: Mapping[str, float] = {
    "pid": 1.0,
    "author_time": 0.95,
    "author_time_excerpt": 0.9,
    "author_time_shifted": 0.9,  # the quoter's time zone moved the header by whole hours
    "author_time_duplicate": 0.8,  # the author posted the same text twice in that minute
    "time_excerpt": 0.85,  # same minute, matching excerpt, quoted name differs (a rename)
    "excerpt": 0.75,
    "excerpt_short": 0.5,  # excerpt shorter than EXCERPT_SHORT_CHARS
    "reply_pid": 1.0,
    "reply_floor": 0.95,
    "floor_ref": 0.7,
    "upstairs": 0.6,
    "mention": 0.6,
    "echo": 0.4,
    "op": 0.5,
}

# --- Text normalization for excerpt and echo matching ----------------------------------------
#: Smiley tokens written by clean.py (``[s:067]``) carry no words; URLs are copied unreliably
#: (the archive's ``httphttps://`` bug) and are left out of the comparison.
NON_WORD = re.compile(r"[\W_]+")
#: Discuz cuts the quoted message (``messagecutstr``, 100 chars on S1) and appends `` ...``.
TRUNCATION = re.compile(r"\s*(?:\.{3}|…+)\s*$")
#: Client tails copied into quotes (discuz-structure.md §1.3 "client tails": 鹅球, S1Next,
#: 论坛助手, STAGE1 Mobile, Stage1官方 Android客户端…); the excerpt is cut at the first one.
QUOTE_TAIL = re.compile(
    r"(?:[—–-]{1,4}\s*(?:来自|來自|发送自|發送自|from)\s|[—–-]{1,4}\s*来自|论坛助手\s*,\s*iPhone|"
    r"来自:\s*iPhone客户端).*$",
    re.DOTALL | re.IGNORECASE,
)
#: Quotes of banned or deleted authors show this placeholder instead of text (§1.3 quotes (d)).
DELETED_EXCERPT = re.compile(r"作者被禁止或删除|内容自动屏蔽|该帖被管理员或版主屏蔽|无效楼层")

#: Length of the character n-grams compared between an excerpt and a post. Four CJK
#: characters are rarely shared by chance within one thread yet short enough for brief
#: replies (the seed's 未来之星).
SHINGLE = 4
#: Posts are indexed by their first HEAD_KEY skeleton chars: Discuz's excerpt is the start of
#: the quoted message, and on the s1-text fixtures the first 6 chars agree for 1,612 of the
#: 1,624 same-author quotes whose target has text (the rest: posts edited after quoting).
HEAD_KEY = 6
#: When no post starts like the excerpt, this many preceding posts are compared n-gram by
#: n-gram (an edited head); a bounded window keeps the fallback linear.
FUZZY_WINDOW = 100
#: Whole-hour offsets tried when the quoted author has no post at the quoted minute. Quote
#: headers are rendered in the quoting user's time zone (1336720 floor 643 quotes kiralzb
#: "09:51" for floor 641 at 16:51, a UTC+1 setting). Settings run from UTC-12 to UTC+14, so
#: the post is 6 hours earlier to 20 hours later than the header; nearest shifts first.
TIME_ZONE_SHIFTS: tuple[int, ...] = tuple(sorted(range(-6, 21), key=abs))
#: Only the head of an excerpt is compared: the tail may be cut mid-word or hold a copied tail.
EXCERPT_HEAD = 40
#: Share of the excerpt head's n-grams a candidate must contain (1.0 when the head is a
#: substring). Below 0.8 unrelated posts in the 1336720 fixture (episode chatter) start to tie.
EXCERPT_MIN_SCORE = 0.8
#: Excerpts with fewer skeleton chars than this resolve with the lower ``excerpt_short``.
EXCERPT_SHORT_CHARS = 8
#: Candidates checked per head key: the most recent ones. Bounds the work per quote so a text
#: repeated in thousands of posts (哈哈哈哈哈哈) cannot make resolution quadratic.
MAX_CANDIDATES = 64

# --- Implicit cues ---------------------------------------------------------------------------
#: 楼上 / 上楼 / 同上 point at the previous post (the issue's rule). 同上 and 上楼 count only
#: at the start of the post: inside a text 同上 is "ditto" within the author's own list
#: (2205326 floor 45: ``中策： 同上``).
UPSTAIRS = re.compile(r"楼上|樓上|^\s*(?:同上|上楼|上樓)")
#: ...except when they address everyone above (楼上各位), mean a building (楼上楼下, 上楼梯)
#: or count floors (楼上的楼上): no single target, so no link.
UPSTAIRS_NOT_ONE = re.compile(r"楼上(?:们|各位|诸位|几位|的各位|的诸位|楼下|的楼上|说的都)|上楼梯|楼楼上")
#: Posts of the same author skipped when looking for "the previous post" (the issue: the one
#: before when the previous is by the same author); beyond this the cue is left unresolved.
UPSTAIRS_MAX_SKIP = 3
#: ``N楼`` / ``NL`` / ``N#`` anywhere, ``#N`` only at the start of a line, naming an earlier
#: floor. ``楼`` followed by 主/层/梯… is a word (楼主) or a building; a number inside a longer
#: number, a URL or a version is not a floor. Mid-text ``#N`` is an episode or issue number
#: (1336720 floor 1537: ``新作OVA #13``), so it is not taken there.
FLOOR_REFS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![\w.#/:=&-])(\d{1,5})\s*(?:楼|樓|[Ll](?![A-Za-z0-9]))(?![主层層梯房顶盘市道下上])"),
    re.compile(r"(?:^|\n)[^\S\n]*#[^\S\n]?(\d{1,5})(?![\w.])"),
    re.compile(r"(?<![\w#.])(\d{1,5})#(?![\w#])"),
)
#: ``@NAME``: the name ends at white space or punctuation; the longest prefix that is an
#: earlier author wins (names may contain letters right after the mention).
MENTION = re.compile(r"@([^\s@，,。.：:；;！!？?、（）()\[\]【】<>\"“”]{1,24})")
#: An echo answers a post by repeating its phrase: ``什么未来之星`` answering ``…未来之星…``
#: (the issue's example). Candidates are a first clause opened by a dismissive lead, or a
#: phrase in quotation marks; they must occur in exactly one recent post by another author,
#: in that post's own words: a phrase the earlier post also put in quotation marks is a
#: citation both made (1336720 floors 2733 and 2775 both cite “不适合打拳” from the show).
ECHO_LEAD = re.compile(r"^(?:什么|甚么|啥|所谓|哪门子|哪来的)(?=\S)")
ECHO_QUOTED = re.compile(r"[“「『\"‘]([^“”「」『』\"‘’\n]{2,24})[”」』\"’]")
CLAUSE_END = re.compile(r"[\s，,。.！!？?；;：:、…~～]")
#: Echo phrase length in skeleton chars: 4 is the shortest that is not everyday words (未来之星);
#: above 16 it is a quotation, not an echo, and a quote would have been used.
ECHO_MIN_CHARS = 4
ECHO_MAX_CHARS = 16
#: Echoes look back this many floors at most: on the 3,011-floor fixture a phrase seen 100
#: floors earlier is a running joke, not an answer.
ECHO_WINDOW = 50


@dataclass(frozen=True, slots=True)
class Link:
    """One post answering another: ``source`` floor → ``target`` floor (``None`` when not found,
    with ``reason``), how it was found (``evidence``) and how sure that is (``confidence``)."""

    source: int
    target: int | None
    kind: LinkKind
    confidence: float
    reason: str | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "kind": self.kind,
                "confidence": self.confidence, "reason": self.reason, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Link:
        return cls(source=int(data["source"]),
                   target=None if data.get("target") is None else int(data["target"]),
                   kind=data["kind"], confidence=float(data["confidence"]),
                   reason=data.get("reason"), evidence=data.get("evidence", ""))


@dataclass(frozen=True, slots=True)
class ThreadGraph:
    """A thread with its resolved links, the problems the integrity check found, and graphs."""

    thread: Thread
    links: tuple[Link, ...]
    problems: tuple[ParseWarning, ...]
    posts: nx.DiGraph
    users: nx.DiGraph


# --- Text helpers ------------------------------------------------------------------------------

def skeleton(text: str) -> str:
    """Words only: NFKC (ＡＧＩ → AGI), lower case, no smileys, URLs, spaces or punctuation."""
    text = NON_WORD.sub("", URL_IN_TEXT.sub("", SMILEY_TOKEN.sub("", text)))
    # punctuation (most of what NFKC changes in Chinese text) is gone; the check is much
    # cheaper than normalizing, and only full-width letters and digits are left to fold
    if not unicodedata.is_normalized("NFKC", text):
        text = NON_WORD.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()


def excerpt_skeleton(excerpt: str) -> str:
    """The comparable part of a quote excerpt: no copied tail, no truncation mark."""
    return skeleton(TRUNCATION.sub("", QUOTE_TAIL.sub("", excerpt)))


def _shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def _minute(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(FORUM_TZ).replace(second=0, microsecond=0)


# --- The index of earlier posts ------------------------------------------------------------------

class _Seen:
    """Indexes of the posts already passed, filled as the pass moves down the thread."""

    def __init__(self, thread: Thread) -> None:
        # pids are known for the whole thread up front (desktop, API); text archives have none,
        # so pids learned from resolved quotes are added as the pass goes.
        self.pid_floor: dict[int, int] = {p.pid: p.floor for p in thread.posts if p.pid is not None}
        self.by_author_minute: dict[tuple[str, datetime], list[Post]] = {}
        self.by_minute: dict[datetime, list[Post]] = {}
        self.by_head: dict[str, list[int]] = {}
        self._grams: dict[int, set[str]] = {}
        self.skel: dict[int, str] = {}
        self.latest_by_author: dict[str, Post] = {}
        self.author_of: dict[int, str | None] = {}
        self.minute_of: dict[int, datetime | None] = {}
        self.order: list[Post] = []

    def add(self, post: Post) -> None:
        minute = _minute(post.time)
        self.author_of[post.floor] = post.author
        self.minute_of[post.floor] = minute
        self.order.append(post)
        if minute is not None:
            self.by_minute.setdefault(minute, []).append(post)
            if post.author:
                self.by_author_minute.setdefault((post.author, minute), []).append(post)
        if post.author:
            self.latest_by_author[post.author] = post
        skel = skeleton(post.text)
        self.skel[post.floor] = skel
        self.by_head.setdefault(skel[:HEAD_KEY], []).append(post.floor)

    def grams(self, floor: int) -> set[str]:
        """The post's n-grams, computed when first compared (most posts never are)."""
        if floor not in self._grams:
            self._grams[floor] = _shingles(self.skel.get(floor, ""))
        return self._grams[floor]

    def score(self, floor: int, head: str, head_grams: set[str]) -> float:
        """How well the excerpt head matches the post at ``floor`` (1.0: a substring)."""
        if head in self.skel.get(floor, ""):
            return 1.0
        if not head_grams:
            return 0.0
        return len(head_grams & self.grams(floor)) / len(head_grams)

    def starting_like(self, excerpt: str) -> list[int]:
        """The recent posts whose text starts like ``excerpt`` (for a short excerpt: is it)."""
        return self.by_head.get(excerpt[:HEAD_KEY], [])[-MAX_CANDIDATES:]

    def recent(self) -> list[int]:
        return [post.floor for post in self.order[-FUZZY_WINDOW:]]

    def best_by_excerpt(self, excerpt: str, floors: Iterable[int]) -> tuple[list[int], float]:
        """The floors among ``floors`` that best match ``excerpt`` (ties kept) and their score."""
        head = excerpt[:EXCERPT_HEAD]
        head_grams = _shingles(head)
        best: list[int] = []
        best_score = 0.0
        for floor in floors:
            value = self.score(floor, head, head_grams)
            if value > best_score:
                best, best_score = [floor], value
            elif value == best_score and value > 0:
                best.append(floor)
        return best, best_score


# --- Resolution ------------------------------------------------------------------------------------

def _link(post: Post, target: int, kind: LinkKind, how: str, evidence: str) -> Link:
    return Link(post.floor, target, kind, CONFIDENCE[how], None, evidence)


def _unresolved(post: Post, kind: LinkKind, how: str, reason: str, evidence: str) -> Link:
    return Link(post.floor, None, kind, CONFIDENCE[how], reason, evidence)


def _listing(floors: Iterable[int]) -> str:
    return ", ".join(map(str, floors))


def _quote_label(quote: Quote) -> str:
    when = f"{_minute(quote.time):%Y-%m-%d %H:%M}" if quote.time else "?"
    return f"{quote.author or '?'} {when}"


def _resolve_quote(post: Post, quote: Quote, seen: _Seen) -> Link:
    excerpt = excerpt_skeleton(quote.excerpt)
    if quote.pid is not None and quote.pid in seen.pid_floor:
        return _link(post, seen.pid_floor[quote.pid], "quote", "pid", f"pid {quote.pid}")
    link = _by_header(post, quote, excerpt, seen) or _by_excerpt(post, quote, excerpt, seen)
    if link.target is not None and quote.pid is not None:
        seen.pid_floor.setdefault(quote.pid, link.target)
    return link


def _by_header(post: Post, quote: Quote, excerpt: str, seen: _Seen) -> Link | None:
    """Author + minute, with the excerpt to pick among several; or minute + excerpt (renames)."""
    minute = _minute(quote.time)
    if minute is None:
        return None
    label = _quote_label(quote)
    same = seen.by_author_minute.get((quote.author, minute), []) if quote.author else []
    if len(same) == 1:
        return _link(post, same[0].floor, "quote", "author_time", f"author+time {label}")
    if same:
        best, value = seen.best_by_excerpt(excerpt, (p.floor for p in same))
        if len(best) == 1 and value >= EXCERPT_MIN_SCORE:
            return _link(post, best[0], "quote", "author_time_excerpt", f"author+time+excerpt {label}")
        if len(best) > 1 and value >= EXCERPT_MIN_SCORE and len({seen.skel[f] for f in best}) == 1:
            # the same text posted twice (a double submit): either floor is the quoted message
            return _link(post, best[0], "quote", "author_time_duplicate",
                         f"author+time {label}: identical floors {_listing(best)}, took the first")
        return _unresolved(post, "quote", "author_time", AMBIGUOUS,
                           f"{label} matches floors {_listing(p.floor for p in same)}")
    shifted = _by_shifted_time(post, quote, excerpt, minute, seen)
    if shifted is not None:
        return shifted
    others = [p for p in seen.by_minute.get(minute, []) if p.author != quote.author]
    if others and len(excerpt) >= SHINGLE:
        best, value = seen.best_by_excerpt(excerpt, (p.floor for p in others))
        if len(best) == 1 and value >= EXCERPT_MIN_SCORE:
            author = next(p.author for p in others if p.floor == best[0])
            return _link(post, best[0], "quote", "time_excerpt",
                         f"time+excerpt {label} (posted as {author})")
    return None


def _by_shifted_time(post: Post, quote: Quote, excerpt: str, minute: datetime, seen: _Seen) -> Link | None:
    """The quoted author's post at the same minute some whole hours away, confirmed by the
    excerpt: Discuz writes the quote header in the quoting user's time zone setting."""
    if not quote.author or len(excerpt) < SHINGLE:
        return None
    found = [p.floor for hours in TIME_ZONE_SHIFTS if hours
             for p in seen.by_author_minute.get((quote.author, minute + timedelta(hours=hours)), ())]
    best, value = seen.best_by_excerpt(excerpt, found)
    if len(best) != 1 or value < EXCERPT_MIN_SCORE:
        return None
    shift = round((seen.minute_of[best[0]] - minute).total_seconds() / 3600)  # type: ignore[operator]
    return _link(post, best[0], "quote", "author_time_shifted",
                 f"author+time {_quote_label(quote)} shifted {shift:+d}h, excerpt agrees")


def _by_excerpt(post: Post, quote: Quote, excerpt: str, seen: _Seen) -> Link:
    label = _quote_label(quote)
    if DELETED_EXCERPT.search(quote.excerpt) or (quote.author is None and not excerpt):
        return _unresolved(post, "quote", "excerpt", TARGET_DELETED, f"quote of {label}")
    if not excerpt:
        return _unresolved(post, "quote", "excerpt", NOT_IN_PAGES, f"quote of {label}")
    best, value = seen.best_by_excerpt(excerpt, (f for f in seen.starting_like(excerpt)
                                                 if _header_allows(quote, seen, f)))
    if value < EXCERPT_MIN_SCORE and len(excerpt) >= SHINGLE:
        best, value = seen.best_by_excerpt(excerpt, (f for f in seen.recent()
                                                     if _header_allows(quote, seen, f)))
    if value < EXCERPT_MIN_SCORE or not best:
        return _unresolved(post, "quote", "excerpt", NOT_IN_PAGES, f"quote of {label}")
    if len(best) > 1:
        return _unresolved(post, "quote", "excerpt", AMBIGUOUS,
                           f"excerpt of {label} in floors {_listing(best)}")
    how = "excerpt" if len(excerpt) >= EXCERPT_SHORT_CHARS else "excerpt_short"
    return _link(post, best[0], "quote", how, f"excerpt of {label}")


def _header_allows(quote: Quote, seen: _Seen, floor: int) -> bool:
    """An excerpt match may overrule the quoted name (renames) or the time (relative dates),
    not both: a post by another author *and* at another time is a different post."""
    if quote.author is None or quote.time is None:
        return True
    when = seen.minute_of.get(floor)
    return seen.author_of.get(floor) == quote.author or when is None or when == _minute(quote.time)


def _resolve_reply(post: Post, seen: _Seen) -> Link | None:
    """Discuz's ``回复 N# NAME`` form: by its pid when the cleaner kept it, else by floor."""
    reply_pid = post.meta.get("reply_pid")
    if isinstance(reply_pid, int) and reply_pid in seen.pid_floor:
        return _link(post, seen.pid_floor[reply_pid], "reply", "reply_pid", f"回复 pid {reply_pid}")
    if post.reply_to is None:
        return None
    evidence = f"回复 {post.reply_to}#"
    if post.reply_to in seen.author_of or post.reply_to >= post.floor:
        # a later floor is kept as written: the integrity check reports it
        return _link(post, post.reply_to, "reply", "reply_floor", evidence)
    return _unresolved(post, "reply", "reply_floor", NOT_IN_PAGES, evidence)


def _cue_text(text: str) -> str:
    return SMILEY_TOKEN.sub(" ", URL_IN_TEXT.sub(" ", text))


def _previous_other(post: Post, seen: _Seen) -> int | None:
    """The floor just above ``post`` by someone else (skipping the author's own posts);
    ``None`` when that floor is not in these pages."""
    expected = post.floor - 1
    for skipped, previous in enumerate(reversed(seen.order)):
        if previous.floor != expected or skipped > UPSTAIRS_MAX_SKIP:
            return None
        if previous.author is None or previous.author != post.author:
            return previous.floor
        expected -= 1
    return None


def _floor_refs(post: Post, text: str, seen: _Seen) -> Iterator[Link]:
    for pattern in FLOOR_REFS:
        for match in pattern.finditer(text):
            floor = int(match.group(1))
            if not 1 <= floor < post.floor:
                continue
            evidence = f"text {match.group(0).strip()!r}"
            if floor in seen.author_of:
                yield _link(post, floor, "implicit", "floor_ref", evidence)
            else:
                yield _unresolved(post, "implicit", "floor_ref", NOT_IN_PAGES, evidence)


def _mentions(post: Post, text: str, seen: _Seen) -> Iterator[Link]:
    for match in MENTION.finditer(text):
        name = match.group(1)
        for end in range(len(name), 1, -1):
            target = seen.latest_by_author.get(name[:end])
            if target is not None:
                if target.author != post.author:
                    yield _link(post, target.floor, "implicit", "mention", f"text '@{name[:end]}'")
                break


def _echo_phrases(text: str) -> Iterator[str]:
    stripped = text.strip()
    first = CLAUSE_END.split(stripped, maxsplit=1)[0]
    lead = ECHO_LEAD.match(first)
    phrases = [first[lead.end():]] if lead else []
    phrases += ECHO_QUOTED.findall(stripped)
    for phrase in phrases:
        skel = skeleton(phrase)
        if ECHO_MIN_CHARS <= len(skel) <= ECHO_MAX_CHARS:
            yield skel


def _echoes(post: Post, text: str, seen: _Seen, title: str, first_floor: int | None) -> Iterator[Link]:
    """A phrase found in exactly one of the last ECHO_WINDOW posts (by someone else), and not
    in the opening post or the title, repeated."""
    opening = seen.skel.get(first_floor, "") if first_floor is not None else ""
    recent = seen.order[-ECHO_WINDOW:]
    for phrase in _echo_phrases(text):
        if phrase in title or phrase in opening:
            continue
        holders = [p for p in recent if phrase in seen.skel[p.floor]]
        if len(holders) != 1 or holders[0].author == post.author or holders[0].floor == first_floor:
            continue
        if any(phrase in skeleton(cited) for cited in ECHO_QUOTED.findall(holders[0].text)):
            continue
        yield _link(post, holders[0].floor, "implicit", "echo", f"echo {phrase!r}")


def _implicit(post: Post, seen: _Seen, title: str, first_floor: int | None) -> list[Link]:
    text = _cue_text(post.text)
    found: list[Link] = []
    upstairs = UPSTAIRS.search(text)
    if upstairs and not UPSTAIRS_NOT_ONE.search(text):
        word = upstairs.group(0)
        previous = _previous_other(post, seen)
        if previous is not None:
            found.append(_link(post, previous, "implicit", "upstairs", f"text {word!r}"))
        else:
            found.append(_unresolved(post, "implicit", "upstairs", NOT_IN_PAGES, f"text {word!r}"))
    found += _floor_refs(post, text, seen)
    found += _mentions(post, text, seen)
    if not found:
        found += _echoes(post, text, seen, title, first_floor)
    return found


def _dedupe(links: Iterable[Link]) -> list[Link]:
    """One link per target (the first, most explicit one); unresolved links all kept."""
    kept: list[Link] = []
    targets: set[int] = set()
    for link in links:
        if link.target is not None:
            if link.target in targets:
                continue
            targets.add(link.target)
        kept.append(link)
    return kept


#: Statuses whose content is not shown: what such a post answered is unknown, so it gets no
#: link (a banned floor with no visible quote is not "answering the thread").
UNKNOWN_CONTENT = frozenset({"deleted", "banned", "hidden"})


def _links_of(post: Post, seen: _Seen, title: str, first_floor: int | None) -> list[Link]:
    found = [_resolve_quote(post, quote, seen) for quote in post.quotes]
    reply = _resolve_reply(post, seen)
    if reply is not None:
        found.append(reply)
    if found or post.floor == first_floor or post.status in UNKNOWN_CONTENT:
        return _dedupe(found)
    found = _implicit(post, seen, title, first_floor)
    if not found and not post.is_op:
        evidence = "no quote, reply or cue"
        if first_floor == 1:
            found = [_link(post, 1, "op", "op", evidence)]
        else:
            found = [_unresolved(post, "op", "op", NOT_IN_PAGES, evidence)]
    return _dedupe(found)


def resolve_links(thread: Thread) -> tuple[Link, ...]:
    """Every post's links, in floor order, in one pass (see the module docstring)."""
    seen = _Seen(thread)
    title = skeleton(thread.title or "")
    first_floor = 1 if thread.post(1) is not None else None
    links: list[Link] = []
    for post in thread.posts:
        links += _links_of(post, seen, title, first_floor)
        seen.add(post)
    return tuple(links)


# --- Integrity check and graphs --------------------------------------------------------------------

def _problem(link: Link, floors: set[int]) -> tuple[str, str] | None:
    if link.source not in floors:
        return "dangling_source", f"link from floor {link.source}, which is not in these pages"
    if link.target is None:
        return None
    if link.target == link.source:
        return "self_link", "links to itself"
    if link.target not in floors:
        return "dangling_target", f"{link.kind} link to floor {link.target}, which is not in these pages"
    if link.target > link.source:
        return "later_target", f"{link.kind} link to a later floor ({link.target})"
    return None


#: On equal confidence the more explicit kind names the post a reply answers.
KIND_RANK: Mapping[str, int] = {"quote": 3, "reply": 2, "implicit": 1, "op": 0}


def answered_floor(link: Link) -> int | None:
    """The floor a link answers. A post answering the thread answers floor 1 even when floor 1 is
    not in the files (a later part of a long thread): its target is known, only its text is not."""
    return link.target if link.target is not None else 1 if link.kind == "op" else None


def primary_links(links: Iterable[Link]) -> dict[int, Link]:
    """Each post's one answered post, the rule every stage uses (scores, the report's "Answers",
    reply trees): the most confident link, then the more explicit kind (``KIND_RANK``), then the
    later floor. Links that answer no known floor are passed over."""
    best: dict[int, tuple[tuple[float, int, int], Link]] = {}
    for link in links:
        floor = answered_floor(link)
        if floor is None:
            continue
        key = (link.confidence, KIND_RANK[link.kind], floor)
        if link.source not in best or key > best[link.source][0]:
            best[link.source] = (key, link)
    return {source: link for source, (_, link) in best.items()}


def check_links(thread: Thread, links: Iterable[Link]) -> tuple[ParseWarning, ...]:
    """Problems that would corrupt a graph (self-links, later or missing floors), as warnings."""
    floors = {post.floor for post in thread.posts}
    problems: list[ParseWarning] = []
    for link in links:
        found = _problem(link, floors)
        if found is not None:
            problems.append(ParseWarning(found[0], found[1], None, link.source))
    return tuple(problems)


def post_graph(thread: Thread, links: Sequence[Link], *,
               stance: Mapping[tuple[int, int], str] | None = None) -> nx.DiGraph:
    """One node per post (model fields as attributes), one edge per valid resolved link.

    Links the integrity check rejects are left out (``check_links`` lists them); unresolved
    links are counted in the source node's ``unresolved`` attribute. ``stance`` ((source floor,
    target floor) → label, once scores exist) becomes the ``stance`` edge attribute: a stance is
    measured toward one target, so other edges of the same post carry none.
    """
    graph = nx.DiGraph(forum=thread.forum, tid=thread.tid, title=thread.title)
    for post in thread.posts:
        graph.add_node(post.floor, label=f"{post.floor}# {post.author or '?'}", author=post.author,
                       uid=post.uid, pid=post.pid, time=post.time,
                       is_op=post.is_op, status=post.status, text=post.text, n_chars=len(post.text),
                       unresolved=0)
    floors = {post.floor for post in thread.posts}
    for link in links:
        if _problem(link, floors) is not None:
            continue
        if link.target is None:
            graph.nodes[link.source]["unresolved"] += 1
            continue
        old = graph.get_edge_data(link.source, link.target)
        if old is not None and old["confidence"] >= link.confidence:
            continue
        # ``weight`` is what Gephi and networkx algorithms read; here it is the confidence
        attrs: dict[str, Any] = {"kind": link.kind, "confidence": link.confidence,
                                 "weight": link.confidence, "evidence": link.evidence}
        if stance is not None and (link.source, link.target) in stance:
            attrs["stance"] = stance[link.source, link.target]
        graph.add_edge(link.source, link.target, **attrs)
    return graph


def user_graph(posts: nx.DiGraph) -> nx.DiGraph:
    """Authors, with an edge A → B weighted by how often A's posts answer B's, and per-kind
    counts (``quote``, ``reply``, ``implicit``, ``op``). Answers to oneself are not edges;
    they are counted in the node's ``self_links``. Posts without an author are left out."""
    graph = nx.DiGraph(**posts.graph)
    for floor, data in posts.nodes(data=True):
        author = data.get("author")
        if not author:
            continue
        if author not in graph:
            graph.add_node(author, posts=0, is_op=False, first_floor=floor, self_links=0)
        node = graph.nodes[author]
        node["posts"] += 1
        node["is_op"] = node["is_op"] or bool(data.get("is_op"))
    for source, target, data in posts.edges(data=True):
        a, b = posts.nodes[source].get("author"), posts.nodes[target].get("author")
        if not a or not b:
            continue
        if a == b:
            graph.nodes[a]["self_links"] += 1
            continue
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, weight=0, **dict.fromkeys(LINK_KINDS, 0))
        edge = graph.edges[a, b]
        edge["weight"] += 1
        edge[data["kind"]] += 1
    return graph


def build_graphs(thread: Thread, *, links: Sequence[Link] | None = None,
                 stance: Mapping[tuple[int, int], str] | None = None) -> ThreadGraph:
    """Resolve links (unless given), check them, and build the post and user graphs."""
    links = tuple(resolve_links(thread) if links is None else links)
    posts = post_graph(thread, links, stance=stance)
    return ThreadGraph(thread=thread, links=links, problems=check_links(thread, links),
                       posts=posts, users=user_graph(posts))
