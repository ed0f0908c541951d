"""Who answers whom on a Discuz thread: quotes, ``回复 N#`` and textual pointers to a floor.

A Stage1st thread is flat floors; the conversation is in quotes (``div.quote``), Discuz's
``回复 N# NAME`` form and words like 楼上. ``DiscuzResolver.resolve`` turns each post into ``Link``
records (kind, confidence, and a reason when the target cannot be found), in one pass over the
posts in floor order with indexes of what came before (pid, author+minute, minute, the leading
characters of each text), so the work grows with the text, not with the square of the posts.

Kinds: ``quote`` (a quoted post), ``reply`` (``回复 N#``), ``implicit`` (楼上, ``N楼``, ``#N``,
``@NAME``, an echoed phrase), ``op`` (no target: the post answers the thread, floor 1).
The thread starter's own posts without a target continue the opening post and get no link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta

from threadscope.forums.discuz.times import DISCUZ_TZ
from threadscope.model import (
    AMBIGUOUS,
    NOT_IN_PAGES,
    TARGET_DELETED,
    Link,
    LinkKind,
    Post,
    Quote,
    Thread,
)
from threadscope.text import SMILEY_TOKEN, URL_IN_TEXT

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
    return value.astimezone(DISCUZ_TZ).replace(second=0, microsecond=0)


# --- The index of earlier posts ------------------------------------------------------------------

class _Seen:
    """Indexes of the posts already passed, filled as the pass moves down the thread."""

    def __init__(self, thread: Thread) -> None:
        # pids are known for the whole thread up front (desktop, API); text archives have none,
        # so pids learned from resolved quotes are added as the pass goes.
        self.pid_floor: dict[str, int] = {p.pid: p.floor for p in thread.posts if p.pid is not None}
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
    if isinstance(reply_pid, str) and reply_pid in seen.pid_floor:
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


class DiscuzResolver:
    """The ``Resolver`` of every Discuz source (desktop, touch, API, RSS, text archive)."""

    def resolve(self, thread: Thread) -> tuple[Link, ...]:
        """Every post's links, in floor order, in one pass (see the module docstring)."""
        seen = _Seen(thread)
        title = skeleton(thread.title or "")
        first_floor = 1 if thread.post(1) is not None else None
        links: list[Link] = []
        for post in thread.posts:
            links += _links_of(post, seen, title, first_floor)
            seen.add(post)
        return tuple(links)
