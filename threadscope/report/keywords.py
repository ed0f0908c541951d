"""Keywords of a thread and how they shift, without a word segmenter.

snownlp's TextRank (``SnowNLP(text).keywords``) runs its pure-Python segmenter over every
character (~3,500 chars/s measured in the scoring issue: minutes for a 20,000-post thread), and
jieba is not a dependency. Forum keywords are mostly names and short phrases, so character
n-grams do the job: every CJK 2–4-gram and Latin word of a post is a candidate, counted once per
post (a post repeating a word 30 times is one vote), function words are dropped, and a shorter
gram that only ever occurs inside a longer one gives way to it. The shift over the thread is the
share of each segment's posts using a term; the terms shown for a segment are the ones that are
over-represented there (log-odds with an informative Dirichlet prior, Monroe et al. 2008,
"Fightin' Words").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: CJK Unified Ideographs and extension A: the characters n-grams are taken from.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
#: Latin words and model names like GPT-4o, C++ (letters first, so bare numbers are left out).
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#\-]*[A-Za-z0-9+#]")
#: Removed before counting: URLs, smiley tokens ``[s:067]`` (clean.py's form), CSS left in
#: uncleaned text archives (floor 1 of the seed thread), e-mail addresses.
NOISE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|\[s:[^\]\s]{1,16}\]|\.[\w-]+\{[^}]*\}|\S+@\S+\.\w+")
#: Only the head of a very long post is read: the 3,872-char floor 1 of the seed thread is one
#: vote either way, and a 20,000-post thread must not spend seconds on copied articles.
MAX_CHARS_PER_POST = 600
NGRAM_SIZES = (2, 3, 4)

#: A term must be used by this many posts (and this share of them) to count.
MIN_POSTS = 3
MIN_SHARE = 0.002
#: A shorter gram is dropped when a longer gram containing it covers this share of its posts.
SUBSUMED_SHARE = 0.7
#: The prior's total strength in the log-odds of a segment against the rest.
PRIOR_STRENGTH = 200.0
#: z above which a term is "over-represented" in a segment (two-sided 95%).
MIN_Z = 1.96

def _words(text: str) -> frozenset[str]:
    """A word list written as white-space separated text."""
    return frozenset(text.split())


#: Characters that rarely start or end a content word (particles, pronouns, copulas, measure
#: words). A gram beginning or ending with one straddles a word boundary, e.g. 的手, 是个, 了吧.
EDGE_CHARS = frozenset(
    "的了是在和与也都就还又而且或被把给让对从向到着过吗呢吧啊呀哦哈嘛么个之其这那我你他她它们谁啥"
    "很太更最挺真不没别要会能可得地但却才只已再并及等"
)
#: Frequent words of ordinary chat that say nothing about the topic (a hand list from the most
#: frequent 2–3-grams of the s1-text fixtures that are not topical).
STOP_WORDS = _words(
    """
    什么 怎么 为什么 这个 那个 一个 这些 那些 这种 那种 这样 那样 这么 那么 没有 不是 就是 还是
    但是 因为 所以 如果 虽然 然后 而且 其实 真的 感觉 觉得 知道 应该 已经 时候 一下 一样 出来 起来
    可能 只是 可以 自己 现在 以后 之前 之后 以前 不过 还有 不会 不能 不要 不用 不知道 没什么 有点
    有些 一些 一点 一直 一定 一起 一次 一般 这里 那里 哪里 大家 别人 人家 东西 事情 问题 地方 今天
    明天 昨天 今年 去年 看看 说说 好像 比较 非常 特别 完全 当然 估计 反正 确实 难道 还好 不错 感谢
    谢谢 哈哈 哈哈哈 卧槽 我觉得 我感觉 我们 你们 他们 她们 楼上 楼主 发表 发表于 回复 引用 编辑
    本帖 最后 作者 删除 禁止 屏蔽 内容 自动 无效 楼层 附件 下载 上传 评分 战斗力 鹅球 论坛 帖子
    这帖 同上 多少 之类 的话 的时候 出现 还要 需要 表示 看到 看了 看着 说的 做的 来说 来看 的人
    的是 的东西 直接 肯定 毕竟 结果 基本 目前 方面 主要 简单 继续 开始 只有 只要 同样 而已 甚至
    至少 果然 居然 竟然 突然 终于 当时 后来 最近 以为 认为 希望 喜欢 第一 有一 一个人 怎么说 什么的
    好的 好了 image
    """
)
#: Latin tokens that are markup, client tails or the archive's placeholders, not words.
LATIN_STOP = _words(
    """
    image http https www com cn net org html htm php jpg png gif the and for you are this that with
    not but have was from android iphone ios
    """
)


@dataclass(frozen=True, slots=True)
class Keywords:
    """``overall``: term, posts, share (of posts with text), best first.
    ``segments``: segment, label, first_floor, last_floor, posts, start, end.
    ``shift``: share (0–1) of each segment's posts using a term; index term, columns segment labels,
    rows ordered by the segment where each term peaks."""

    overall: pd.DataFrame
    segments: pd.DataFrame
    shift: pd.DataFrame


def post_terms(text: str) -> set[str]:
    """The candidate terms of one post (each once)."""
    text = NOISE.sub(" ", text[:MAX_CHARS_PER_POST])
    terms: set[str] = set()
    for run in CJK_RUN.findall(text):
        for size in NGRAM_SIZES:
            for start in range(len(run) - size + 1):
                gram = run[start:start + size]
                if gram[0] not in EDGE_CHARS and gram[-1] not in EDGE_CHARS and gram not in STOP_WORDS:
                    terms.add(gram)
    for word in LATIN_WORD.findall(text):
        lowered = word.lower()
        if lowered not in LATIN_STOP and len(lowered) >= 2:
            terms.add(lowered)
    return terms


def _overlaps(a: str, b: str) -> bool:
    """Two grams that are one phrase seen twice: one contains the other, or they are shifted by one."""
    return a in b or b in a or (len(a) == len(b) >= 3 and (a[1:] == b[:-1] or b[1:] == a[:-1]))


def _select(df: Counter[str], limit: int) -> list[str]:
    """Frequent terms, best first; a term overlapping a kept one with nearly its posts is a copy."""
    chosen: list[str] = []
    for term, count in sorted(df.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])):
        if any(_overlaps(term, kept) and count >= SUBSUMED_SHARE * df[kept] for kept in chosen):
            continue
        chosen.append(term)
        if len(chosen) >= limit:
            break
    return chosen


def _prefer_longer(df: Counter[str]) -> Counter[str]:
    """Drop a gram when a one-char-longer gram containing it covers SUBSUMED_SHARE of its posts."""
    kept = Counter(df)
    for term, count in df.items():
        if len(term) < 2 or len(term) >= max(NGRAM_SIZES):
            continue
        # Only CJK grams extend; Latin words are whole.
        if not CJK_RUN.fullmatch(term):
            continue
        best = max((n for t, n in df.items() if len(t) == len(term) + 1 and term in t), default=0)
        if best >= SUBSUMED_SHARE * count:
            kept.pop(term, None)
    return kept


def _latin_display(texts: Sequence[str], keys: set[str]) -> dict[str, str]:
    """The most frequent spelling of each lower-cased Latin term (AGI over agi, OpenAI over openai)."""
    if not keys:
        return {}
    spellings: Counter[str] = Counter()
    for text in texts:
        spellings.update(w for w in LATIN_WORD.findall(NOISE.sub(" ", text[:MAX_CHARS_PER_POST]))
                         if w.lower() in keys)
    display: dict[str, str] = {}
    for word, _ in spellings.most_common():
        display.setdefault(word.lower(), word)
    return display


def segment_bounds(n_posts: int, segments: int) -> list[tuple[int, int]]:
    """``segments`` contiguous index ranges of near-equal size covering ``n_posts``."""
    segments = max(1, min(segments, n_posts))
    edges = [round(i * n_posts / segments) for i in range(segments + 1)]
    return [(edges[i], edges[i + 1]) for i in range(segments) if edges[i + 1] > edges[i]]


def extract_keywords(frame: pd.DataFrame, *, top: int = 25, segments: int = 8,
                     per_segment: int = 3) -> Keywords:
    """Keywords of the posts in ``frame`` (columns ``floor``, ``text``, optional ``time``)."""
    usable = frame[frame["text"].fillna("").str.strip() != ""].sort_values("floor")
    texts = usable["text"].tolist()
    term_sets = [post_terms(text) for text in texts]
    n_posts = len(term_sets)
    df: Counter[str] = Counter()
    for terms in term_sets:
        df.update(terms)
    min_posts = max(MIN_POSTS, math.ceil(MIN_SHARE * n_posts))
    df = Counter({t: n for t, n in df.items() if n >= min_posts})
    df = _prefer_longer(df)
    display = _latin_display(texts, {t for t in df if not CJK_RUN.fullmatch(t)})
    vocabulary = _select(df, max(top * 6, 150))
    overall = pd.DataFrame({"term": vocabulary[:top], "posts": [df[t] for t in vocabulary[:top]]})
    overall["term"] = overall["term"].map(lambda t: display.get(t, t))
    overall["share"] = overall["posts"] / max(n_posts, 1)

    bounds = segment_bounds(n_posts, segments if n_posts >= 4 * segments else max(1, n_posts // 4))
    floors = usable["floor"].tolist()
    times = usable["time"].tolist() if "time" in usable.columns else [None] * n_posts
    counts = [Counter(t for terms in term_sets[lo:hi] for t in terms if t in df) for lo, hi in bounds]
    seg_rows = []
    for index, (lo, hi) in enumerate(bounds):
        label = f"#{floors[lo]}–{floors[hi - 1]}"
        seg_rows.append({"segment": index, "label": label, "first_floor": floors[lo],
                         "last_floor": floors[hi - 1], "posts": hi - lo, "start": times[lo],
                         "end": times[hi - 1]})
    segment_frame = pd.DataFrame(seg_rows, columns=["segment", "label", "first_floor", "last_floor", "posts",
                                                    "start", "end"])
    shown = list(dict.fromkeys([*vocabulary[:10], *_distinctive(counts, bounds, vocabulary, per_segment)]))
    shares = pd.DataFrame(
        [[counts[i][term] / (hi - lo) for i, (lo, hi) in enumerate(bounds)] for term in shown],
        index=pd.Index([display.get(t, t) for t in shown], name="term"),
        columns=segment_frame["label"].tolist(),
    )
    if not shares.empty:
        peak = shares.to_numpy().argmax(axis=1)
        shares = shares.iloc[sorted(range(len(shown)), key=lambda i: (peak[i], -shares.iloc[i].max()))]
    return Keywords(overall=overall, segments=segment_frame, shift=shares)


def _distinctive(counts: Sequence[Counter[str]], bounds: Sequence[tuple[int, int]],
                 vocabulary: Sequence[str], per_segment: int) -> list[str]:
    """Per segment, the terms most over-represented there against the other segments."""
    if len(counts) < 2:
        return []
    total_posts = sum(hi - lo for lo, hi in bounds)
    totals = Counter()
    for counter in counts:
        totals.update(counter)
    picked: list[str] = []
    for index, (lo, hi) in enumerate(bounds):
        inside, outside = hi - lo, total_posts - (hi - lo)
        scored = []
        for term in vocabulary:
            prior = PRIOR_STRENGTH * totals[term] / total_posts
            a, b = counts[index][term], totals[term] - counts[index][term]
            if a == 0:
                continue
            # Presence counts against absence counts, smoothed by the thread-wide rate.
            log_odds = (math.log((a + prior) / (inside - a + PRIOR_STRENGTH - prior + 0.5))
                        - math.log((b + prior) / (outside - b + PRIOR_STRENGTH - prior + 0.5)))
            variance = 1 / (a + prior) + 1 / (b + prior)
            scored.append((log_odds / math.sqrt(variance), term))
        scored.sort(reverse=True)
        picked += [term for z, term in scored[:per_segment] if z > MIN_Z]
    return picked
