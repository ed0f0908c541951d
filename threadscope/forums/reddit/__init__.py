"""Reddit: thread JSON (``/r/SUB/comments/ID.json``, also permalink views of one comment's
subtree) → ``Page``. ``adapter`` walks the listing (submission, nested ``replies``, ``more``
stubs); ``markdown`` turns a comment's markdown body into text, ``>`` quotes, links and images.
Reply links come from ``parent_id`` alone (``Post.parent``), so no resolver of its own is needed.
"""
