"""Keywords of a thread and how they shift: jieba words, scored against jieba's own corpus.

Candidates are the words jieba (``jieba.lcut``, HMM on, so unknown names such as 奈叶 or 风少侠
are found) cuts from the posts, plus Latin words (AGI, OpenAI, GPT-5) taken by regex before
jieba sees the text (it would cut GPT-5 into GPT / - / 5). A word is dropped when jieba's
dictionary tags it as a function word (adverb, pronoun, particle, numeral… see DROP_TAGS), when
it is in STOP_WORDS, or, for a word jieba's HMM made up, when it starts or ends with a particle
(不去, 发个). Each post is one vote for a word however often it repeats it; the score is posts ×
sqrt(idf), idf taken from jieba's dictionary frequencies, so 时间 or 发现 used by many posts give
way to the thread's own names. The shift over the thread is the share of each segment's posts
using a word; the words shown for a segment are the ones over-represented there (log-odds with
an informative Dirichlet prior, Monroe et al. 2008, "Fightin' Words").

Speed: jieba cuts ~385,000 chars/s here (the 3,011-floor fixture: 195,000 chars in 0.5 s), so a
20,000-post thread would spend ~3.6 s cutting. Words are therefore *found* on at most
SEGMENT_BUDGET_CHARS of posts (all of them for threads up to ~3,000 floors, an evenly spread
sample above) and *counted* in every post as substrings (~0.3 s for 20,000 posts), so a post
saying 全人类 uses 人类 too; a word nearly always inside a longer one (少侠 in 风少侠) is dropped.

English threads (main language ``en``: the posts frame's ``language`` column, else
``nlp.language``) are not cut by jieba: their words are the Latin words (``EN_WORD``: apostrophes
kept, "don't"), less the English stop words shipped in ``nlp/lexicons/en-stop-words.txt``, each
weighing the same (jieba's Chinese frequencies say nothing about English words).
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import pandas as pd

from threadscope.nlp.language import detect_language, main_language
from threadscope.nlp.snownlp_engine import cache_dir
from threadscope.text import SMILEY_TOKEN, URL_IN_TEXT

#: CJK Unified Ideographs and extension A: a word must be made of these (or be a Latin word).
CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
#: Latin words and model names like GPT-4o, C++ (letters first, so bare numbers are left out).
#: Taken out of the text before jieba cuts it; text is NFKC-normalized first so the full-width
#: ＡＧＩ of the seed thread's floor 2 is AGI.
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#\-]*[A-Za-z0-9+#]")
#: Removed before counting: URLs and smiley tokens ``[s:067]`` (the cleaner's patterns for them),
#: CSS left in uncleaned text archives (floor 1 of the seed thread), e-mail addresses.
NOISE = re.compile("|".join((URL_IN_TEXT.pattern, SMILEY_TOKEN.pattern, r"\.[\w-]+\{[^}]*\}",
                             r"\S+@\S+\.\w+")), re.IGNORECASE)
#: Only the head of a very long post is read (cut, cleaned, counted, its Latin words spelled):
#: the 3,872-char floor 1 of the seed thread is one vote either way, copied articles must not eat
#: the cutting budget, and a 50 MB post costs what 600 characters do.
MAX_CHARS_PER_POST = 600
#: Characters of posts jieba cuts to find the words (~0.65 s at the ~385,000 chars/s measured on
#: the 3,011-floor fixture, whose 195,000 chars all fit); bigger threads are sampled evenly.
SEGMENT_BUDGET_CHARS = 250_000
#: Words kept from the cut posts, best first, for counting in every post and for the shift.
VOCABULARY_SIZE = 200

#: A word must be used by this many posts (and this share of them) to count.
MIN_POSTS = 3
MIN_SHARE = 0.002
#: A word is dropped when one longer word containing it is in this share of its posts: 少侠 is
#: nearly always 风少侠 (117 of 151 posts of the 3,011-floor fixture), 霸王 is not 小霸王 (114 of 270).
SUBSUMED_SHARE = 0.7
#: Weight of a word jieba's dictionary does not know (HMM-found names, Latin words): the idf of
#: a dictionary word seen this many times in its corpus, i.e. rarer than all but its long tail.
UNKNOWN_WORD_FREQ = 20
#: The prior's total strength in the log-odds of a segment against the rest.
PRIOR_STRENGTH = 200.0
#: z above which a term is "over-represented" in a segment (two-sided 95%).
MIN_Z = 1.96

#: jieba POS tags (first letter, from its dict.txt, ICTCLAS set) of words that never name a
#: topic: d adverb, r pronoun, c conjunction, p preposition, u particle, y modal, e interjection,
#: o onomatopoeia, m numeral, q measure word, f direction (后面, 上面), t time word (现在, 未来).
DROP_TAGS = frozenset("drcpuyeomqft")


def _words(text: str) -> frozenset[str]:
    """A word list written as white-space separated text."""
    return frozenset(text.split())


#: Characters a made-up (HMM) word may not start or end with: particles, negations, pronouns,
#: measure words. Such a "word" straddles a boundary, e.g. 不去, 发个, 了吧 (seen on the s1-text
#: wedding thread).
EDGE_CHARS = frozenset(
    "的了是在和与也都就还又而且或被把给让对从向到着过吗呢吧啊呀哦哈嘛么个之其这那我你他她它们谁啥"
    "很太更最挺真不没别要会能可得地但却才只已再并及等"
)
#: Words that say nothing about a thread's topic. Where it came from: the old n-gram method's hand
#: list (most frequent non-topical 2–3-grams of the s1-text fixtures), then the words this module
#: kept that are among the most used in at least four of the seven threads (seed + s1-text
#: fixtures) and are not topical there (只能, 就算, 差不多, 变成…), then S1's own vocabulary
#: about posting (楼主, 楼上, 泥潭, 回帖, 战斗力, 鹅球). Function words mostly go by DROP_TAGS.
STOP_WORDS = _words(
    """
    什么 怎么 为什么 这个 那个 一个 这些 那些 这种 那种 这样 那样 这么 那么 就是
    还是 但是 因为 所以 如果 虽然 然后 而且 其实 真的 感觉 觉得 知道 应该 已经
    时候 一下 一样 出来 起来 可能 只是 可以 自己 现在 以后 之前 之后 以前 还有
    有点 有些 一些 一点 一直 一定 一起 一次 一般 这里 那里 哪里 大家 别人 人家
    东西 事情 问题 地方 今天 明天 昨天 今年 去年 看看 说说 好像 比较 非常 特别
    完全 当然 估计 反正 确实 难道 还好 感谢 谢谢 哈哈 哈哈哈 卧槽 我觉得 我感觉
    我们 你们 他们 她们 楼上 楼下 楼主 发表 发表于 回复 引用 编辑 本帖 最后 作者
    删除 禁止 屏蔽 内容 自动 无效 楼层 附件 下载 上传 评分 战斗力 鹅球 论坛 帖子
    这帖 同上 多少 之类 的话 的时候 出现 还要 需要 表示 看到 看了 看着 说的 做的
    来说 来看 的人 的是 的东西 直接 肯定 毕竟 结果 基本 目前 方面 主要 简单 继续
    开始 只有 只要 同样 而已 甚至 至少 果然 居然 竟然 突然 终于 当时 后来 最近
    以为 认为 希望 喜欢 第一 有一 一个人 怎么说 什么的 好的 好了 泥潭 坛友 回帖
    发帖 水楼 二楼 沙发 板凳 顶楼 只能 就算 差不多 根本 变成 实现 能力 得到 就行了
    才能 是不是 记得 发现 理解 顺便 存在 比如 意思 明显 时间 前提 唯一 基本上 普通
    考虑 看来 重要 像是 情况 处理 重新 最好 奇怪 怎么办 成为 打算 可惜 有没有 方式
    受到 实际 实在 说不定 所有 算是 符合 容易 具体 毫无 相信 属于 想到 明白 一大
    有所 有时候 过于 强调 提到 程度 剩下 适合 注意 坚持 默认 结合 影响 发出 部分
    整个 有人 东东 搞出
    """
)
#: A word starting with a negation is a negated verb or adjective (不想, 不来, 没用), not a topic.
NEGATIONS = frozenset("不没")
#: Latin tokens that are markup, client tails or the archive's placeholders, not words.
LATIN_STOP = _words(
    """
    image http https www com cn net org html htm php jpg png gif the and for you are this that with
    not but have was from android iphone ios
    """
)


#: English words: letters first, apostrophes and hyphens inside ("don't", "open-source"), at least
#: ENGLISH_MIN_CHARS long (two-letter words are nearly all function words or abbreviations).
EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'’\-]*[A-Za-z0-9+#]")
ENGLISH_MIN_CHARS = 3


@cache
def english_stop_words() -> frozenset[str]:
    """``nlp/lexicons/en-stop-words.txt``: function words and forum filler, lower case."""
    path = resources.files("threadscope.nlp.lexicons").joinpath("en-stop-words.txt")
    text = path.read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def english_terms(text: str) -> set[str]:
    """The English words of a cleaned post, lower-cased (each once), stop words left out."""
    stop = english_stop_words()
    words = (m.lower().replace("’", "'") for m in EN_WORD.findall(text))
    return {w for w in words if len(w) >= ENGLISH_MIN_CHARS and w not in stop and w not in LATIN_STOP}


def thread_language(frame: pd.DataFrame) -> str:
    """The main language of the posts in ``frame``: its ``language`` column, else detected."""
    if "language" in frame.columns and frame["language"].notna().any():
        return main_language(frame["language"].dropna().astype(str))
    return main_language(detect_language(str(t)) for t in frame["text"].fillna(""))


@dataclass(frozen=True, slots=True)
class Keywords:
    """``overall``: term, posts, share (of posts with text), best first.
    ``segments``: segment, label, first_floor, last_floor, posts, start, end.
    ``shift``: share (0–1) of each segment's posts using a term; index term, columns segment labels,
    rows ordered by the segment where each term peaks.
    ``language``: the thread's main language (``zh``: jieba words; ``en``: English words)."""

    overall: pd.DataFrame
    segments: pd.DataFrame
    shift: pd.DataFrame
    language: str = "zh"


@dataclass(frozen=True, slots=True)
class _Jieba:
    """What the module needs from jieba, loaded once: the cutter, POS tags, word frequencies."""

    cut: Callable[[str], list[str]]
    tags: dict[str, str]
    freq: dict[str, int]
    total: int


@cache
def _jieba() -> _Jieba:
    """Import jieba (~0.8 s with its cache: dictionary, then POS tags) on first use only."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # it logs "Building prefix dict…" to stderr at DEBUG
    # jieba pickles its prefix dictionary (~9 MB) to tmp_dir on first use; without this it would
    # be the system temp dir, so keep it with the project's other caches.
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = type(folder)(tempfile.gettempdir())
    jieba.dt.tmp_dir = str(folder)
    jieba.dt.initialize()
    tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
    return _Jieba(cut=jieba.dt.lcut, tags=tags, freq=jieba.dt.FREQ, total=jieba.dt.total)


def _clean(text: str) -> str:
    return NOISE.sub(" ", unicodedata.normalize("NFKC", text[:MAX_CHARS_PER_POST]))


def latin_terms(text: str) -> set[str]:
    """The Latin words of a cleaned post, lower-cased (each once)."""
    return {w for w in (m.lower() for m in LATIN_WORD.findall(text)) if w not in LATIN_STOP}


def _keep(word: str, jb: _Jieba) -> bool:
    if not CJK_WORD.fullmatch(word) or word in STOP_WORDS or word[0] in NEGATIONS:
        return False
    tag = jb.tags.get(word)
    if tag is None:  # made up by the HMM: trust it only if it does not straddle a particle
        return word not in jb.freq and word[0] not in EDGE_CHARS and word[-1] not in EDGE_CHARS
    return tag[0] not in DROP_TAGS


def _with_split_nouns(tokens: list[str], jb: _Jieba) -> list[str]:
    """``tokens`` plus the nouns jieba cut into single characters: a rare dictionary noun loses to
    its two characters' own frequencies (老美 → 老 / 美 on the seed thread), and the HMM leaves
    dictionary words alone."""
    merged = [a + b for a, b in pairwise(tokens) if len(a) == len(b) == 1]
    return tokens + [w for w in merged if jb.tags.get(w, "")[:1] == "n"]


def _subsumed(term: str, df: Counter[str]) -> bool:
    """Whether a longer counted word containing ``term`` covers SUBSUMED_SHARE of its posts."""
    return any(len(w) > len(term) and term in w and n >= SUBSUMED_SHARE * df[term] for w, n in df.items())


def _weight(term: str, jb: _Jieba) -> float:
    """sqrt(idf) from jieba's dictionary counts: full idf would let a name four posts use beat 美国
    used by five (seed thread); none would leave 时间, 发现 on top of every thread."""
    freq = jb.freq.get(term) or UNKNOWN_WORD_FREQ
    return math.sqrt(math.log(jb.total / freq))


def _sample(lengths: Sequence[int], budget: int) -> list[int]:
    """Indices of evenly spread posts whose lengths add up to about ``budget``."""
    total = sum(lengths)
    if total <= budget:
        return list(range(len(lengths)))
    step = total / budget
    return [i for i in range(len(lengths)) if math.floor(i / step) != math.floor((i - 1) / step) or i == 0]


def _latin_display(texts: Sequence[str], keys: set[str]) -> dict[str, str]:
    """The most frequent spelling of each lower-cased Latin term (AGI over agi, OpenAI over openai)."""
    spellings: Counter[str] = Counter()
    for text in texts:
        spellings.update(w for w in LATIN_WORD.findall(text) if w.lower() in keys)
    display: dict[str, str] = {}
    for word, _ in spellings.most_common():
        display.setdefault(word.lower(), word)
    return display


def segment_bounds(n_posts: int, segments: int) -> list[tuple[int, int]]:
    """``segments`` contiguous index ranges of near-equal size covering ``n_posts``."""
    segments = max(1, min(segments, n_posts))
    edges = [round(i * n_posts / segments) for i in range(segments + 1)]
    return [(edges[i], edges[i + 1]) for i in range(segments) if edges[i + 1] > edges[i]]


def _vocabulary(cleaned: Sequence[str], min_share: float, jb: _Jieba) -> list[str]:
    """The CJK words worth counting, best first, found by cutting a sample of the posts."""
    picked = _sample([len(t) for t in cleaned], SEGMENT_BUDGET_CHARS)
    df: Counter[str] = Counter()
    for i in picked:
        df.update({w for w in _with_split_nouns(jb.cut(LATIN_WORD.sub(" ", cleaned[i])), jb) if _keep(w, jb)})
    # Half the final threshold: a word is only *found* here; every post's count decides below.
    floor = max(2, math.ceil(min_share * len(picked) / 2))
    frequent = [w for w, n in df.items() if n >= floor]
    frequent.sort(key=lambda w: (-df[w] * _weight(w, jb), w))
    return frequent[:VOCABULARY_SIZE]


def extract_keywords(frame: pd.DataFrame, *, top: int = 25, segments: int = 8,
                     per_segment: int = 3, language: str | None = None) -> Keywords:
    """Keywords of the posts in ``frame`` (columns ``floor``, ``text``, optional ``time``).
    ``language``: the thread's main language when the caller has decided it (``Analysis.language``),
    else ``thread_language`` of the posts with text."""
    # isspace() stops at the first other character: a huge post is not copied just to test it
    text = frame["text"].fillna("")
    usable = frame[(text != "") & ~text.str.isspace()].sort_values("floor")
    cleaned = [_clean(t) for t in usable["text"]]
    n_posts = len(cleaned)
    if language is None:
        language = thread_language(usable) if n_posts else "zh"
    english = language == "en"
    jb = None if english else _jieba()
    min_posts = max(MIN_POSTS, math.ceil(MIN_SHARE * n_posts))
    if jb is None:
        term_sets = [english_terms(t) for t in cleaned]
    else:
        words = _vocabulary(cleaned, min_posts / max(n_posts, 1), jb) if n_posts else []
        # Counted in every post as substrings (C-speed ``in``, ~0.3 s for 200 words × 20,000 posts), so
        # a post saying 全人类 or 造福人类 uses 人类 too: 6 posts of the seed thread, 2 as a jieba word.
        term_sets = [{w for w in words if w in t} | latin_terms(t) for t in cleaned]
    df: Counter[str] = Counter()
    for terms in term_sets:
        df.update(terms)
    df = Counter({t: n for t, n in df.items() if n >= min_posts and not _subsumed(t, df)})
    display = _latin_display(cleaned, {t for t in df if not CJK_WORD.fullmatch(t)})
    ranked = sorted(df, key=lambda t: (-df[t] * (1.0 if jb is None else _weight(t, jb)), t))
    vocabulary = ranked[:max(top * 6, 150)]
    overall = pd.DataFrame({"term": vocabulary[:top], "posts": [df[t] for t in vocabulary[:top]]})
    overall["term"] = overall["term"].map(lambda t: display.get(t, t))
    overall["share"] = overall["posts"] / max(n_posts, 1)

    bounds = segment_bounds(n_posts, segments if n_posts >= 4 * segments else max(1, n_posts // 4))
    floors = usable["floor"].tolist()
    times = usable["time"].tolist() if "time" in usable.columns else [None] * n_posts
    counts = [Counter(t for terms in term_sets[lo:hi] for t in terms if t in df) for lo, hi in bounds]
    seg_rows: list[dict[str, Any]] = []
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
    return Keywords(overall=overall, segments=segment_frame, shift=shares, language=language)


def _distinctive(counts: Sequence[Counter[str]], bounds: Sequence[tuple[int, int]],
                 vocabulary: Sequence[str], per_segment: int) -> list[str]:
    """Per segment, the terms most over-represented there against the other segments."""
    if len(counts) < 2:
        return []
    total_posts = sum(hi - lo for lo, hi in bounds)
    totals: Counter[str] = Counter()
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
