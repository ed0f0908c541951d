"""Sample English replies from real public Reddit and Discourse JSON for hand labelling (issue 10).

    python scripts/sample_english.py --praw PRAW_GIT_DIR --discourse XERTROV_GIT_DIR \
        -o tests/gold/en-replies/batch-en.items.jsonl
    python scripts/sample_english.py --round 2 --praw PRAW_GIT_DIR --asyncpraw ASYNCPRAW_GIT_DIR \
        --urho3d URHO3D_GIT_DIR --exclude tests/gold/en-replies/batch-en.items.jsonl \
        -o /work/labelling/en2/batch-en2.items.jsonl

Round 2 (more items for the English gold set) adds: two more Reddit threads from the cassettes of
praw-dev/asyncpraw (57dw9a r/IAmA, fjn0j9 r/pics), more replies of PRAW's three threads (none
already in ``--exclude``), and replies from topics of SirNate0/Urho3D-Discourse-Archive
(``posts/json/*.json``: full ``/t/SLUG/ID.json`` topics of discourse.urho3d.io, saved 2022).
Threads of round 1 keep their split; a new thread's split comes from a hash of its key (about half
dev), so dev threads are never tuned on.

PRAW_GIT_DIR is a clone (git directory) of praw-dev/praw: its integration-test cassettes hold
real Reddit API responses (``GET /comments/ID/`` = the two-element thread listing).
XERTROV_GIT_DIR is a clone of XertroV/discourse-rss-auto-archive-linked-content: its
``api-examples/`` hold real ``/t/ID/posts.json`` pages of discuss.criticalfallibilism.com.
The JSON is read directly here (the forum adapters are written separately); no scorer runs:
labels come from two people reading the items under ``tests/gold/GUIDELINE.md``.

A reply's text is the author's own words: Reddit ``>`` quote lines and Discourse
``aside.quote``/``blockquote`` blocks are removed. Its target is the Reddit parent (comment or
submission), or the Discourse post it quotes, else ``reply_to_post_number``, else the opening post.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html

#: The Reddit threads in PRAW's cassettes with a full comment tree (the others are test posts of
#: 0-6 comments): (cassette, interaction index of its ``GET /comments/ID/``). Found by scanning
#: every cassette for such requests (fo7p5b 492 comments, n49rw 485, 3hahrw 476).
REDDIT_CASSETTES = (
    ("tests/integration/cassettes/TestPollData.test_get_attrs.json", 1),
    ("tests/integration/cassettes/TestCommentForest.test_replace__all_large.json", 1),
    ("tests/integration/cassettes/TestMore.test_comments__continue_thread_type.json", 2),
)
#: Discourse topic pages: several overlapping ``posts.json`` windows of the same topic.
DISCOURSE_PAGES = {
    "2108": ("api-examples/t_2108_posts.json", "api-examples/t_2108_posts_pn_21.json",
             "api-examples/t_2108_posts_pn_41.json", "api-examples/t_2108_posts_pn_61.json",
             "api-examples/t_2108_posts_pn_81.json"),
    "2144": ("api-examples/t_2144_posts.json", "api-examples/t_2144_posts_pn_41.json"),
}
DISCOURSE_FORUM = "discuss.criticalfallibilism.com"
#: Items per Reddit thread (random among its replies); Discourse topics give every reply (they
#: hold 20-80 posts each). 3 × 62 + ~100 ≈ 290 items, above the 260 asked for after losses.
PER_REDDIT_THREAD = 62
#: What an annotator reads (as scripts/sample_replies.py): reply cut at 400 characters, target at 300.
REPLY_CHARS = 400
TARGET_CHARS = 300
#: Split by thread, about half the items each way, both forums in both splits.
DEV_THREADS = frozenset({"reddit/n49rw", "reddit/3hahrw", "discourse/2144"})
#: Bodies that are no author's words.
GONE = frozenset({"[deleted]", "[removed]", ""})
BOT_AUTHORS = frozenset({"AutoModerator"})
SEED = 10
#: Round 2: asyncpraw cassettes holding other full threads (found by scanning every cassette for a
#: ``GET /comments/ID/`` response with more than 60 comments: 57dw9a 143, fjn0j9 114).
ASYNCPRAW_CASSETTES = (
    ("tests/integration/cassettes/TestCommentForest.test_replace__on_direct_comment.json", 2),
    ("tests/integration/cassettes/TestSubreddit.test_sticky.json", 2),
)
#: Round 2 draws: replies per asyncpraw thread, more per PRAW thread, Urho3D topics and replies per
#: topic (many topics of a few replies: the split by thread then means something).
ROUND2_PER_NEW_REDDIT_THREAD = 60
ROUND2_PER_OLD_REDDIT_THREAD = 30
ROUND2_URHO3D_TOPICS = 70
ROUND2_PER_URHO3D_TOPIC = 3
URHO3D_FORUM = "discourse.urho3d.io"
#: Threads of round 1 keep their split (DEV_THREADS); the others are dev when this hash bit is set.
TRAIN_THREADS = frozenset({"reddit/fo7p5b", "discourse/2108"})


def split_of(thread_key: str) -> str:
    if thread_key in DEV_THREADS:
        return "dev"
    if thread_key in TRAIN_THREADS:
        return "train"
    return "dev" if hashlib.sha1(thread_key.encode()).digest()[0] % 2 else "train"


def _git_show(git_dir: Path, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True,
                          capture_output=True, text=True).stdout


def _head(git_dir: Path) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


def _cut(text: str, limit: int) -> str:
    text = re.sub(r"\n{3,}", "\n\n", text.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reddit_own_words(body: str) -> str:
    """The comment without its ``>`` quoted lines (markdown quotes of the parent)."""
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">")).strip()


def reddit_items(git_dir: Path, rng: random.Random, *,
                 cassettes: tuple[tuple[str, int], ...] = REDDIT_CASSETTES,
                 per_thread: int = PER_REDDIT_THREAD, exclude: frozenset[str] = frozenset(),
                 repo: str = "praw-dev/praw") -> Iterator[dict[str, Any]]:
    commit = _head(git_dir)
    for path, index in cassettes:
        interaction = json.loads(_git_show(git_dir, path))["interactions"][index]
        listing = json.loads(interaction["response"]["body"]["string"])
        submission = listing[0]["data"]["children"][0]["data"]
        thread_id, board, title = submission["id"], submission["subreddit"], submission["title"]
        op_text = (submission.get("selftext") or "").strip() or title
        comments: list[dict[str, Any]] = []

        def walk(children: list[dict[str, Any]], comments: list[dict[str, Any]] = comments) -> None:
            for child in children:
                if child["kind"] != "t1":
                    continue  # "more" stubs: not loaded in this response
                comments.append(child["data"])
                replies = child["data"].get("replies")
                if replies:
                    walk(replies["data"]["children"])

        walk(listing[1]["data"]["children"])
        floors = {c["name"]: n for n, c in enumerate(comments, start=2)}  # submission is floor 1
        texts = {c["name"]: _reddit_own_words(c["body"]) for c in comments}
        texts[submission["name"]] = op_text
        candidates = []
        for comment in comments:
            text, parent = texts[comment["name"]], comment["parent_id"]
            if (text in GONE or comment["body"] in GONE or comment.get("author") in BOT_AUTHORS
                    or texts.get(parent, "") in GONE or parent not in texts
                    or f"reddit/{thread_id}#{floors[comment['name']]}" in exclude):
                continue
            candidates.append(comment)
        for comment in sorted(rng.sample(candidates, min(per_thread, len(candidates))),
                              key=lambda c: floors[c["name"]]):
            parent = comment["parent_id"]
            is_op = parent.startswith("t3_")
            yield {"id": f"reddit/{thread_id}#{floors[comment['name']]}", "board": f"r/{board}",
                   "title": title, "floor": floors[comment["name"]],
                   "target_kind": "op" if is_op else "reply", "target_floor": 1 if is_op else floors[parent],
                   "target": _cut(texts[parent], TARGET_CHARS),
                   "text": _cut(texts[comment["name"]], REPLY_CHARS),
                   "split": split_of(f"reddit/{thread_id}"), "source": f"{repo}/{path}@{commit}"}


def _discourse_own_words(cooked: str) -> tuple[str, int | None]:
    """Text of a post without quote blocks, and the post number of its first same-topic quote."""
    root = lxml.html.fragment_fromstring(cooked, create_parent="div")
    quoted: int | None = None
    for aside in root.xpath(".//aside[contains(@class, 'quote')]"):
        if quoted is None and aside.get("data-post", "").isdigit():
            quoted = int(aside.get("data-post"))
        aside.drop_tree()
    for node in root.xpath(".//blockquote | .//aside | .//div[contains(@class, 'lightbox-wrapper')]"):
        node.drop_tree()
    lines = [line.strip() for line in root.text_content().splitlines()]
    return "\n".join(line for line in lines if line).strip(), quoted


def discourse_items(git_dir: Path) -> Iterator[dict[str, Any]]:
    commit = _head(git_dir)
    for topic, pages in DISCOURSE_PAGES.items():
        posts: dict[int, dict[str, Any]] = {}
        sources: dict[int, str] = {}
        for page in pages:
            for post in json.loads(_git_show(git_dir, page))["post_stream"]["posts"]:
                if post.get("topic_id") not in (None, int(topic)) or post.get("post_type", 1) != 1:
                    continue  # whispers, moderator actions
                posts.setdefault(post["post_number"], post)
                sources.setdefault(post["post_number"], page)
        own = {n: _discourse_own_words(p["cooked"]) for n, p in posts.items()}
        first = posts.get(1, {})
        title = first.get("topic_title") or first.get("topic_slug", "").replace("-", " ")
        for number in sorted(posts):
            if number == 1:
                continue
            text, quoted = own[number]
            reply_to = posts[number].get("reply_to_post_number")
            if quoted is not None and quoted != number:
                kind, target = "quote", quoted
            elif reply_to:
                kind, target = "reply", reply_to
            else:
                kind, target = "op", 1
            if not text or target not in own or not own[target][0]:
                continue  # target outside the saved pages, or an empty post
            yield {"id": f"discourse/{topic}#{number}", "board": DISCOURSE_FORUM, "title": title,
                   "floor": number, "target_kind": kind, "target_floor": target,
                   "target": _cut(own[target][0], TARGET_CHARS), "text": _cut(text, REPLY_CHARS),
                   "split": "dev" if f"discourse/{topic}" in DEV_THREADS else "train",
                   "source": f"XertroV/discourse-rss-auto-archive-linked-content/{sources[number]}@{commit}"}


def urho3d_items(git_dir: Path, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Replies of random Urho3D forum topics (full topic JSON, one file per topic)."""
    commit = _head(git_dir)
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", "HEAD",
                              "posts/json"], check=True, capture_output=True, text=True).stdout.split()
    taken = 0
    for path in rng.sample(sorted(listing), len(listing)):
        if taken == ROUND2_URHO3D_TOPICS:
            return
        topic = json.loads(_git_show(git_dir, path))
        posts = {p["post_number"]: p for p in topic["post_stream"]["posts"] if p.get("post_type", 1) == 1}
        own = {n: _discourse_own_words(p["cooked"]) for n, p in posts.items()}
        key = f"urho3d/{topic['id']}"
        candidates = []
        for number in sorted(posts):
            if number == 1:
                continue
            text, quoted = own[number]
            reply_to = posts[number].get("reply_to_post_number")
            kind, target = (("quote", quoted) if quoted is not None and quoted != number
                            else ("reply", reply_to) if reply_to else ("op", 1))
            if text and target in own and own[target][0]:
                candidates.append((number, kind, target, text))
        if not candidates:
            continue  # a topic without replies
        taken += 1
        for number, kind, target, text in sorted(rng.sample(candidates, min(ROUND2_PER_URHO3D_TOPIC,
                                                                            len(candidates)))):
            yield {"id": f"{key}#{number}", "board": URHO3D_FORUM, "title": topic.get("title", ""),
                   "floor": number, "target_kind": kind, "target_floor": target,
                   "target": _cut(own[target][0], TARGET_CHARS), "text": _cut(text, REPLY_CHARS),
                   "split": split_of(key), "source": f"SirNate0/Urho3D-Discourse-Archive/{path}@{commit}"}


def round2_items(args: argparse.Namespace, rng: random.Random) -> list[dict[str, Any]]:
    exclude = frozenset(json.loads(line)["id"] for path in args.exclude
                        for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [*reddit_items(args.asyncpraw, rng, cassettes=ASYNCPRAW_CASSETTES,
                          per_thread=ROUND2_PER_NEW_REDDIT_THREAD, repo="praw-dev/asyncpraw"),
            *reddit_items(args.praw, rng, per_thread=ROUND2_PER_OLD_REDDIT_THREAD, exclude=exclude),
            *urho3d_items(args.urho3d, rng)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--praw", type=Path, required=True, help="git directory of praw-dev/praw")
    parser.add_argument("--discourse", type=Path,
                        help="git directory of XertroV/discourse-rss-auto-archive-linked-content (round 1)")
    parser.add_argument("--round", type=int, choices=(1, 2), default=1)
    parser.add_argument("--asyncpraw", type=Path, help="git directory of praw-dev/asyncpraw (round 2)")
    parser.add_argument("--urho3d", type=Path,
                        help="git directory of SirNate0/Urho3D-Discourse-Archive (round 2)")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="items files already sampled")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    needed = ("discourse",) if args.round == 1 else ("asyncpraw", "urho3d")
    if missing := [name for name in needed if getattr(args, name) is None]:
        parser.error(f"round {args.round} needs --{' --'.join(missing)}")
    rng = random.Random(SEED + args.round - 1)
    if args.round == 1:
        items = [*reddit_items(args.praw, rng), *discourse_items(args.discourse)]
    else:
        items = round2_items(args, rng)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    by_split = {s: sum(i["split"] == s for i in items) for s in ("dev", "train")}
    print(f"{len(items)} items ({by_split}) -> {args.output}")


if __name__ == "__main__":
    main()
