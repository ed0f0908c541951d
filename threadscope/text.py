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
#: Bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the
#: LRM/RLM/ALM marks. In a name or text they reorder what follows them on the line, so a table
#: row or a label can show something else than it holds (issue 12). Displays drop them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional control characters (``BIDI_CONTROLS``), for display."""
    return text.translate(_NO_BIDI)
