"""Make the table-import samples from real threads (run from the project root):

    python samples/build_table_samples.py

* ``table-agi-empire.csv``: the seed thread (samples/thread-agi-empire.md, S1 tid 2267042, 41
  floors) as parsed by threadscope, written in the table schema of docs/table-import.md. ``id`` is
  the floor as text (the archive carries no pids), ``time`` ISO 8601 with the +08:00 offset,
  ``reply_to`` the id of the post a quote or ``回复 N#`` of the post points at (links of kind
  quote/reply that ``threadscope.links`` resolves; textual hints such as 楼上 are left out), ``title``
  on the first row only, ``thread`` the tid on every row.
* ``table-1984bbs-41876.jsonl``: the real Discuz 6 page samples/discuz6-1984bbs-41876.html the same
  way as JSON Lines, with ``id`` the pid, ``time`` in unix seconds, ``reply_to`` from its quotes'
  findpost pids, and the extra column ``uid`` (kept in ``Post.meta``).

The output is byte-identical per run; tests/test_table.py reads both back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from threadscope import load_thread  # noqa: E402
from threadscope.forums.table.reader import rows_to_csv  # noqa: E402
from threadscope.links import primary_links, resolve_links  # noqa: E402
from threadscope.model import Thread  # noqa: E402

COLUMNS = ("id", "author", "time", "text", "reply_to", "title", "thread")


def answered_ids(thread: Thread) -> dict[int, str]:
    """floor → id of the post its quote / 回复 link answers."""
    found: dict[int, str] = {}
    for floor, link in primary_links(resolve_links(thread)).items():
        target = thread.post(link.target) if link.target is not None else None
        if link.kind in ("quote", "reply") and target is not None:
            found[floor] = target.id
    return found


def main() -> None:
    seed = load_thread(HERE / "thread-agi-empire.md")
    answers = answered_ids(seed)
    rows = [{"id": post.id, "author": post.author, "time": post.time.isoformat() if post.time else "",
             "text": post.text, "reply_to": answers.get(post.floor, ""),
             "title": seed.title if post.floor == 1 else "", "thread": seed.tid}
            for post in seed.posts]
    (HERE / "table-agi-empire.csv").write_text(rows_to_csv(rows, COLUMNS), encoding="utf-8")

    page = load_thread(HERE / "discuz6-1984bbs-41876.html")
    answers = answered_ids(page)
    lines = [json.dumps({"id": post.id, "author": post.author, "uid": post.uid,
                         "time": int(post.time.timestamp()) if post.time else None, "text": post.text,
                         "reply_to": answers.get(post.floor),
                         "title": page.title if post.floor == 1 else None,
                         "thread": page.tid}, ensure_ascii=False)
             for post in page.posts]
    (HERE / "table-1984bbs-41876.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
