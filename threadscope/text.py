"""The conventions of ``Post.text`` that every forum's cleaner writes and every later stage reads.

A forum package turns its markup into plain text; what cannot be text becomes a token of one
form for all forums, so that link resolution, scorers and keywords need not know any forum.
"""

from __future__ import annotations

import re

#: A smiley, emote or emoji image: ``[s:NAME]`` for the forum's default set, ``[s:SET/NAME]``
#: otherwise (the Discuz cleaner: ``face2017/067.png`` → ``[s:067]``). Smileys carry tone but
#: no words: matching and keywords leave them out, sentiment reads them.
SMILEY_TOKEN = re.compile(r"\[s:[^\]\s]{1,40}\]")
#: A URL inside text, which later stages leave out of comparisons, n-grams and keywords.
URL_IN_TEXT = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
