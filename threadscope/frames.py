"""pandas views of a thread, one builder per table, each with its column order declared once.

Later stages add their own columns (graph targets, scores) by joining on ``floor``; nothing here
computes anything the model does not already hold.
"""

from __future__ import annotations

import pandas as pd

from threadscope.model import Thread

#: Column order of ``posts_frame``.
POST_COLUMNS: tuple[str, ...] = (
    "floor", "pid", "author", "uid", "time", "is_op", "status", "text", "n_chars", "n_quotes",
    "quoted_authors", "reply_to", "edited_by", "edited_at", "rating_total", "n_ratings", "client",
    "n_smileys", "n_images", "n_links",
)


def posts_frame(thread: Thread) -> pd.DataFrame:
    """One row per post, indexed by nothing (``floor`` is a column), in floor order."""
    rows = [
        (
            post.floor, post.pid, post.author, post.uid, post.time, post.is_op, post.status, post.text,
            len(post.text), len(post.quotes), tuple(q.author for q in post.quotes if q.author),
            post.reply_to, post.edit.by if post.edit else None, post.edit.at if post.edit else None,
            sum(r.score for r in post.ratings), len(post.ratings), post.client, len(post.smileys),
            len(post.images), len(post.links),
        )
        for post in thread.posts
    ]
    frame = pd.DataFrame.from_records(rows, columns=list(POST_COLUMNS))
    for column in ("pid", "uid", "reply_to"):
        frame[column] = frame[column].astype("Int64")
    # one zone for the column: the forum's, whose wall clock the report shows
    frame["time"] = pd.to_datetime(frame["time"], utc=True).dt.tz_convert(thread.zone)
    return frame
