"""What each post answers, for every forum: explicit parents, the forum's resolver, one rule for
"the" post a reply answers, and the integrity check that runs before graphs are built.

``resolve_links(thread)`` turns every post's ``parent`` (the source's own reply field: Discourse
``reply_to_post_number``, Reddit ``parent_id``) into a ``reply`` link of confidence 1.0, then
adds what the forum's ``Resolver`` finds (named by the adapter that read the thread; Discuz's
reads quotes, ``回复 N#`` and 楼上). Sources without a resolver of their own get ``BasicResolver``:
quotes by post id, ``reply_to`` floors, and otherwise an answer to the thread.
``check_links`` validates links (ConvoKit's integrity check: self-links, links to later floors,
dangling floors) and reports problems instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from threadscope.adapters import adapters
from threadscope.model import NOT_IN_PAGES, Link, ParseWarning, Post, Resolver, Thread

#: Confidence of a link the source states itself (a parent id, a quote naming the post's id).
EXPLICIT = 1.0
#: A ``reply_to`` floor: the source names a position, which a renumbered copy can shift.
REPLY_FLOOR = 0.95
#: A post with no stated target is taken to answer the thread: a guess, as in the Discuz resolver.
ANSWERS_THREAD = 0.5


def explicit_links(thread: Thread) -> dict[int, Link]:
    """Per floor, the link its ``parent`` id states (unresolved when that post is not here)."""
    floor_of = {post.id: post.floor for post in thread.posts}
    found: dict[int, Link] = {}
    for post in thread.posts:
        if post.parent is None:
            continue
        target = floor_of.get(post.parent)
        evidence = f"parent {post.parent}"
        found[post.floor] = (Link(post.floor, target, "reply", EXPLICIT, None, evidence) if target is not None
                             else Link(post.floor, None, "reply", EXPLICIT, NOT_IN_PAGES, evidence))
    return found


class BasicResolver:
    """Quotes that name a post id, ``reply_to`` floors, else the thread: what any forum's fields
    say without forum-specific reading of the text."""

    def resolve(self, thread: Thread) -> tuple[Link, ...]:
        floor_of = {post.id: post.floor for post in thread.posts}
        first = thread.post(1)
        links: list[Link] = []
        for post in thread.posts:
            found = [self._quote(post, quote.pid, floor_of) for quote in post.quotes if quote.pid]
            if post.reply_to is not None:
                found.append(Link(post.floor, post.reply_to if thread.post(post.reply_to) else None, "reply",
                                  REPLY_FLOOR, None if thread.post(post.reply_to) else NOT_IN_PAGES,
                                  f"reply to floor {post.reply_to}"))
            if not found and post.floor != 1 and not post.is_op and post.status == "normal":
                found.append(Link(post.floor, 1 if first is not None else None, "op", ANSWERS_THREAD,
                                  None if first is not None else NOT_IN_PAGES, "no quote or reply"))
            links += found
        return tuple(links)

    @staticmethod
    def _quote(post: Post, pid: str, floor_of: Mapping[str, int]) -> Link:
        target = floor_of.get(pid)
        return Link(post.floor, target, "quote", EXPLICIT, None if target is not None else NOT_IN_PAGES,
                    f"quote of post {pid}")


def resolver_for(thread: Thread) -> Resolver:
    """The resolver of the adapter that read the thread (the first with one), else ``BasicResolver``."""
    by_name = {adapter.name: adapter for adapter in adapters()}
    for name in thread.format.split("+"):
        resolver = getattr(by_name.get(name), "resolver", None)
        if isinstance(resolver, Resolver):
            return resolver
    return BasicResolver()


def resolve_links(thread: Thread, resolver: Resolver | None = None) -> tuple[Link, ...]:
    """Every post's links in floor order: its explicit parent, then what the resolver finds. A post
    whose parent is known does not also "answer the thread"."""
    explicit = explicit_links(thread)
    found = (resolver or resolver_for(thread)).resolve(thread)
    merged = [*explicit.values(),
              *(link for link in found if not (link.kind == "op" and link.source in explicit))]
    order = {post.floor: index for index, post in enumerate(thread.posts)}
    return tuple(sorted(merged, key=lambda link: order.get(link.source, len(order))))


def link_problem(link: Link, floors: set[int]) -> tuple[str, str] | None:
    """What would corrupt a graph: a (code, message) pair, or ``None`` for a sound link."""
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


def primary_targets(thread: Thread, links: Iterable[Link]) -> dict[int, int | None]:
    """Each post's answered floor by ``primary_links`` (``None`` for the OP's own continuations
    and posts whose target is unknown): what the scorers measure stance toward."""
    best = primary_links(links)
    return {post.floor: answered_floor(best[post.floor]) if post.floor in best else None
            for post in thread.posts}


def check_links(thread: Thread, links: Iterable[Link]) -> tuple[ParseWarning, ...]:
    """Problems that would corrupt a graph (self-links, later or missing floors), as warnings."""
    floors = {post.floor for post in thread.posts}
    problems: list[ParseWarning] = []
    for link in links:
        found = link_problem(link, floors)
        if found is not None:
            problems.append(ParseWarning(found[0], found[1], None, link.source))
    return tuple(problems)
