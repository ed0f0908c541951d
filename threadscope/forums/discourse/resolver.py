"""Who answers whom on a Discourse topic, from the document's own fields.

A post's ``reply_to_post_number`` and the post numbers its quotes name (``data-post`` of an
``aside.quote`` in the same topic) are exact: floors are post numbers, so both resolve across
the pages of a topic even when the answered post is on another page. The adapter keeps them in
``Post.meta`` (``reply_to_post_number``, ``quoted_post_numbers``) and sets ``Post.parent`` when
the answered post is in the same response; links.py turns that parent into a link, so this
resolver adds the reply link only for posts without one.
"""

from __future__ import annotations

from collections.abc import Mapping

from threadscope.model import NOT_IN_PAGES, Link, Post, Thread

#: A post number named by the source itself: as sure as a parent id.
EXPLICIT = 1.0
#: No reply field, no quote: taken to answer the topic (as links.BasicResolver does).
ANSWERS_TOPIC = 0.5
#: Post types that are not conversation: moderator actions and small actions (closed, pinned,
#: split, …). They answer no one; whispers (4) are replies seen only by staff and are linked.
ACTION_TYPES = frozenset({"moderator_action", "small_action"})


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class DiscourseResolver:
    """Reply and quote links by post number; otherwise the post answers the topic."""

    def resolve(self, thread: Thread) -> tuple[Link, ...]:
        links: list[Link] = []
        for post in thread.posts:
            links += self._links(thread, post)
        return tuple(links)

    def _links(self, thread: Thread, post: Post) -> list[Link]:
        meta: Mapping[str, object] = post.meta
        found: list[Link] = []
        reply_to = _number(meta.get("reply_to_post_number"))
        if reply_to is not None and post.parent is None:
            staff = "moderator post, " if meta.get("post_type") == "moderator_action" else ""
            found.append(self._to(thread, post, reply_to, "reply", f"{staff}reply_to_post_number {reply_to}"))
        quoted = meta.get("quoted_post_numbers")
        for number in quoted if isinstance(quoted, (list, tuple)) else ():
            number = _number(number)
            if number is not None and number != post.floor:
                found.append(self._to(thread, post, number, "quote", f"quote of post number {number}"))
        if (not found and post.parent is None and post.floor != 1 and post.status == "normal"
                and meta.get("post_type") not in ACTION_TYPES):
            first = thread.post(1)
            found.append(Link(post.floor, 1 if first is not None else None, "op", ANSWERS_TOPIC,
                              None if first is not None else NOT_IN_PAGES, "no reply or quote"))
        return found

    @staticmethod
    def _to(thread: Thread, post: Post, number: int, kind: str, evidence: str) -> Link:
        present = thread.post(number) is not None
        return Link(post.floor, number if present else None, kind,  # type: ignore[arg-type]
                    EXPLICIT, None if present else NOT_IN_PAGES, evidence)
