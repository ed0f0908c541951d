"""Discourse: topic JSON (``/t/SLUG/ID.json``) and post-stream JSON (``/t/ID/posts.json``) → ``Page``.

``adapter`` reads the envelope (post numbers, users, times, post types, pages of one topic),
``cooked`` turns a post's rendered HTML into text, quotes, links and emoji tokens, and
``resolver`` reads who answers whom from ``reply_to_post_number`` and quoted post numbers.
Floors are Discourse post numbers, so a deleted post is a gap in the floors.
"""
