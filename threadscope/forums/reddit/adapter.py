"""Reddit thread JSON → one ``Page``.

``/r/SUB/comments/ID.json`` returns a two-element array of listings: the submission (``t3``),
then the comments (``t1``) with their answers nested in ``replies`` and ``more`` stubs where
Reddit left comments out (samples/forums/reddit/, a 2013 r/self thread from turnage/graw's
test data). A permalink view (``/comments/ID/_/COMMENT.json?context=N``) has the same shape
but holds one comment's subtree and N of its ancestors.

- floor 1 = the submission (text = ``selftext``, or the title for a link post; the URL of a
  link post is in ``links``); comments follow depth-first in the order Reddit lists them,
  floors 2..N.
- pid = the thing's id without its ``t1_``/``t3_`` kind prefix (``c9ftsjg``, ``1cebxh``);
  ``Post.parent`` = ``parent_id`` without the prefix, so ``t3_…`` is the submission's post.
- ``created_utc`` → aware UTC times; ``[deleted]`` bodies → ``deleted``, ``[removed]`` bodies →
  ``banned`` (removed by moderators), kept as posts; a ``[deleted]`` author is ``None``.
- ``more`` stubs → one ``more_comments`` warning each, with the count and the stub's ids;
  ``partial_view`` when comments hang from parents not in the file (a permalink view) and
  ``missing_comments`` when the submission counts more comments than the file accounts for.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from threadscope.adapters.base import MAX_FLOOR, Document, Page, parse_json, sniff_json
from threadscope.errors import NotAThreadError
from threadscope.forums.reddit.markdown import read_markdown
from threadscope.model import ParseWarning, Post, PostStatus

REDDIT_TIMEZONE = "UTC"
FORUM_PREFIX = "reddit"
#: The placeholders Reddit shows for a body or author that is gone.
DELETED = "[deleted]"
REMOVED = "[removed]"
#: Reddit's kind prefixes (https://www.reddit.com/dev/api, "fullnames").
COMMENT, SUBMISSION, MORE = "t1", "t3", "more"
#: Stub ids shown in a ``more_comments`` warning before "… (N more)".
MAX_IDS_SHOWN = 10
#: Cheap pre-check before a JSON parse: a thread response is an array holding a t3 listing.
_MARKERS = ('"Listing"', '"t3"')
#: A saved permalink URL in a file name: ``comments/ID/_/COMMENT`` or ``…?context=N``.
PERMALINK_NAME = re.compile(r"comments[/_+]\w+[/_+](?:_|[^/]*)[/_+]\w+|context=\d+")



def _things(listing: Any) -> list[Any]:
    data = listing.get("data") if isinstance(listing, Mapping) else None
    children = data.get("children") if isinstance(data, Mapping) else None
    return children if isinstance(children, list) else []


def _submission(data: Any) -> Mapping[str, Any] | None:
    if not isinstance(data, list) or len(data) != 2:
        return None
    first = _things(data[0])
    if not first or not isinstance(first[0], Mapping) or first[0].get("kind") != SUBMISSION:
        return None
    inner = first[0].get("data")
    return inner if isinstance(inner, Mapping) else None


def _bare(fullname: Any) -> str | None:
    """``t1_abc`` → ``abc``; a bare id stays as it is."""
    if not isinstance(fullname, str) or not fullname.strip():
        return None
    kind, sep, rest = fullname.partition("_")
    return rest if sep and re.fullmatch(r"t\d", kind) else fullname


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


def _time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _walk(things: list[Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(kind, data) of every thing, depth-first in listing order, without recursion (threads nest
    hundreds deep)."""
    stack: list[Iterator[Any]] = [iter(things)]
    while stack:
        thing = next(stack[-1], None)
        if thing is None:
            stack.pop()
            continue
        if not isinstance(thing, Mapping) or not isinstance(thing.get("data"), Mapping):
            yield "", {}
            continue
        kind, data = str(thing.get("kind")), thing["data"]
        yield kind, data
        if kind == COMMENT and isinstance(data.get("replies"), Mapping):
            stack.append(iter(_things(data["replies"])))


def _status(author: str | None, body: str) -> PostStatus:
    if body.strip() == REMOVED:
        return "banned"
    if body.strip() == DELETED:
        return "deleted"
    return "normal"


class RedditAdapter:
    """Reddit thread JSON (``/r/SUB/comments/ID.json``, full or permalink view)."""

    name = "reddit"
    description = "Reddit thread JSON (/r/SUB/comments/ID.json, full thread or permalink view)"

    def sniff(self, doc: Document) -> bool:
        return sniff_json(doc, "[", _MARKERS, _submission)

    def parse(self, doc: Document) -> Page:
        data = parse_json(doc)
        submission = _submission(data)
        if submission is None:
            raise NotAThreadError(doc.path, "not a Reddit thread listing (a two-element array whose first "
                                  "listing holds the t3 submission)")
        warnings: list[ParseWarning] = []
        op = self._submission_post(submission)
        posts = [op]
        floor_of = {op.id: 1}
        more_count = 0
        for kind, raw in _walk(_things(data[1])):
            if kind == COMMENT:
                if len(posts) >= MAX_FLOOR:
                    warnings.append(ParseWarning(
                        "floor_out_of_range", f"more than {MAX_FLOOR:,} comments; the rest are not read",
                        doc.path))
                    break
                post = self._comment(raw, len(posts) + 1, op)
                floor_of.setdefault(post.id, post.floor)
                posts.append(post)
            elif kind == MORE:
                more_count += self._more(raw, floor_of, doc.path, warnings)
            else:
                warnings.append(ParseWarning(
                    "unknown_thing", f"a listing entry of kind {kind or '?'!r} is neither a comment nor a "
                    "more stub; skipped", doc.path))
        orphans = sorted({p.parent for p in posts[1:]
                          if p.parent is not None and p.parent not in floor_of})
        if orphans or PERMALINK_NAME.search(doc.path):
            warnings.append(ParseWarning(
                "partial_view", "a permalink view: the file holds one comment's subtree"
                + (f"; its parent comment(s) {', '.join(orphans[:MAX_IDS_SHOWN])} are not in the file"
                   if orphans else "") + " (load the full thread JSON for the rest)", doc.path))
        counted = submission.get("num_comments")
        in_file = len(posts) - 1
        if isinstance(counted, int) and not isinstance(counted, bool) and counted > in_file + more_count:
            warnings.append(ParseWarning(
                "missing_comments", f"the submission counts {counted} comments; this file holds "
                f"{len(posts) - 1} and its more stubs {more_count}: "
                f"{counted - in_file - more_count} not accounted for (removed, or outside this view)",
                doc.path))
        subreddit = submission.get("subreddit")
        return Page(
            source=doc.path, posts=tuple(posts),
            forum=(f"{FORUM_PREFIX}:r/{subreddit}" if isinstance(subreddit, str) and subreddit
                   else FORUM_PREFIX),
            tid=op.pid, title=submission.get("title") if isinstance(submission.get("title"), str) else None,
            starter=op.author, timezone=REDDIT_TIMEZONE, order=1, warnings=tuple(warnings),
        )

    @staticmethod
    def _author(raw: Mapping[str, Any]) -> str | None:
        author = raw.get("author")
        return author if isinstance(author, str) and author and author != DELETED else None

    def _submission_post(self, raw: Mapping[str, Any]) -> Post:
        selftext = _text(raw, "selftext")
        body = read_markdown(selftext)
        title = _text(raw, "title")
        url = _text(raw, "url") if not raw.get("is_self") else ""
        links = body.links + ((url,) if url and url not in body.links else ())  # a link post's target
        meta = {"title": title, "score": raw.get("score"), "kind": SUBMISSION}
        return Post(
            floor=1, pid=_bare(raw.get("id") or raw.get("name")), author=self._author(raw),
            uid=_bare(raw.get("author_fullname")), time=_time(raw.get("created_utc")), is_op=True,
            status=_status(self._author(raw), selftext), text=body.text or html.unescape(title),
            html=selftext, quotes=body.quotes, images=body.images, links=links,
            meta={k: v for k, v in meta.items() if v is not None},
        )

    def _comment(self, raw: Mapping[str, Any], floor: int, op: Post) -> Post:
        body_md = _text(raw, "body")
        status = _status(self._author(raw), body_md)
        body = read_markdown(body_md) if status == "normal" else None
        meta: dict[str, Any] = {"kind": COMMENT}
        for key in ("score", "depth", "distinguished", "is_submitter"):
            if raw.get(key) is not None:
                meta[key] = raw[key]
        if raw.get("author") == DELETED and status == "normal":
            meta["author_deleted"] = True  # the account is gone, the words stay
        return Post(
            floor=floor, pid=_bare(raw.get("id") or raw.get("name")), parent=_bare(raw.get("parent_id")),
            author=self._author(raw), uid=_bare(raw.get("author_fullname")),
            time=_time(raw.get("created_utc")), status=status, text=body.text if body else "", html=body_md,
            quotes=body.quotes if body else (), images=body.images if body else (),
            links=body.links if body else (), meta=meta,
        )

    @staticmethod
    def _more(raw: Mapping[str, Any], floor_of: Mapping[str, int], path: str,
              warnings: list[ParseWarning]) -> int:
        count = raw["count"] if isinstance(raw.get("count"), int) else 0
        children = [c for c in raw.get("children") or [] if isinstance(c, str)]
        parent = _bare(raw.get("parent_id"))
        under = floor_of.get(parent) if parent else None
        where = "the submission" if under == 1 else f"comment {parent}" if parent else "an unknown parent"
        if not children:
            # "continue this thread": Reddit's depth limit, the replies are on the comment's own page
            message = f"replies under {where} are cut at Reddit's depth limit (continue-this-thread stub)"
        else:
            shown = ", ".join(children[:MAX_IDS_SHOWN]) + (f", … ({len(children) - MAX_IDS_SHOWN} more)"
                                                          if len(children) > MAX_IDS_SHOWN else "")
            message = (f"{max(count, len(children))} more comment(s) under {where} are not in this file "
                       f"(more stub, ids {shown})")
        warnings.append(ParseWarning("more_comments", message, path, under))
        return max(count, len(children))
