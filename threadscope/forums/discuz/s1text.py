"""The plain-text archive format of TomoeMami/S1PlainTextArchive (``TID-PART[TITLE].md``).

A file is a run of post blocks separated by ``*****`` lines::

    ####  NAME
    ##### N#       [楼主 | \\xa0楼主|] 发表于 Y-M-D H:M

    BODY (Discuz body HTML with ``<br />`` turned into newlines and links into markdown)

The archiver appends whole snapshots of a thread to the same file, so a file can hold every
floor several times (``1336720-0N`` parts: six copies); the last copy of a floor wins. This
adapter turns each kept body back into the HTML Discuz served (newlines → ``<br />``, markdown
links → ``<a>``, the edit line → ``i.pstatus``, placeholders → ``div.locked``), cuts out the
rating block and the attachment-tooltip text, and leaves every other cleaning step to
``threadscope.forums.discuz.clean.clean_body``.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from pathlib import PurePath
from typing import Any

from threadscope.adapters.base import MAX_FLOOR, Document, Page, bounded_int, id_text
from threadscope.errors import NotAThreadError
from threadscope.forums.discuz.clean import clean_body
from threadscope.forums.discuz.common import S1_FORUM, DiscuzAdapter, body_fields
from threadscope.forums.discuz.times import DISCUZ_TIMEZONE, invalid_time, parse_time
from threadscope.model import ParseWarning, Post, PostStatus, Rating

BOM = "\ufeff"

#: Post blocks are separated by a line of exactly five asterisks (every fixture and the seed).
SEPARATOR = "\n*****\n"

#: Head of a post block: ``####  NAME  `` then ``##### N#  [楼主|楼主|]  发表于 TIME``. Floor 1
#: reads ``楼主`` (space padded), later OP floors ``\xa0楼主|`` (all fixtures, the seed). The rest
#: of the floor line is read loosely (marker by substring, time by ``parse_time``) so a line
#: without a time still starts a post instead of gluing it to the one before. The body starts
#: on the next line (floor 1815 of 1558768-02 has no blank line before it).
POST_HEAD = re.compile(
    r"\s*####[ \t]+(?P<author>[^\n]*?)[ \t]*\n#####[ \t]*(?P<floor>\d+)[ \t]*#(?P<rest>[^\n]*)(?:\n|\Z)"
)
#: A chunk that starts like a post head but that ``POST_HEAD`` cannot read (``#####4x1#``,
#: a floor line cut off): reported as a damaged head instead of glued silently to the floor before.
DAMAGED_HEAD = re.compile(r"\s*####[ \t]+[^\n]*\n#####")
OP_MARKER = "楼主"

#: What ``sniff`` looks for in the head of a file: an author line followed by a floor line.
SNIFF = re.compile(r"^####[ \t]+[^\n]*\n#####[ \t]+\d+#[^\n]*发表于", re.MULTILINE)
#: Chars of the head searched by ``sniff``: the first block of the seed and fixtures ends well
#: inside 64 KiB even for long opening posts (longest first block seen: ~7 KiB, the seed).
SNIFF_CHARS = 65536

#: ``TID-PART[TITLE].md`` (the archive's naming, every fixture), ``TID[TITLE]`` (its folders), or
#: the older ``TID[TITLE]-PART.md`` (2022 archive, 漫区/98922: parts 01-35 named so, 35-40 the new way).
FILE_NAME = re.compile(
    r"^(?P<tid>\d+)(?:-(?P<part>\d+))?\[(?P<title>.*)\](?:-(?P<oldpart>\d+))?(?:\.\w+)?$")
#: A quote's findpost link carries the thread id (``ptid=``): the seed's only tid source.
PTID = re.compile(r"[?&;]ptid=(\d+)")

#: The rating block the archiver appends after the body (2145734 floor 44, 2176899, 2180859,
#: the seed): ``﹍﹍﹍``, ``评分``, `` 参与人数 N战斗力 ±S``, a markdown table, ``查看全部评分``.
RATING_BLOCK = re.compile(r"(?:^|\n)[ \t]*﹍﹍﹍[ \t]*\n\s*评分[ \t]*\n(?P<block>.*)\Z", re.DOTALL)
RATING_PARTICIPANTS = re.compile(r"参与人数\s*(\d+)")
#: ``| 收缩压| + 1|学习了|`` or ``| 李喜睡|-2|欢乐多|`` (2176899 floor 2); header rows skipped.
RATING_ROW = re.compile(
    r"^\|(?P<user>[^|\n]*)\|\s*(?P<sign>[+-])\s*(?P<score>\d+)\s*\|(?P<reason>[^\n]*?)\|?[ \t]*$",
    re.MULTILINE,
)

#: Attachment tooltip text leaked from the hidden ``div.aimg_tip`` (reference trap 7): a file
#: name (``<strong>NAME</strong>`` or a bare line, 1336720 floor 896, 1558768 floor 1814), then
#: ``(SIZE, 下载次数: N)``, ``下载附件``, ``TIME 上传``, on lines separated by blank lines.
ATTACHMENT_TIP = re.compile(
    r"(?:^|\n)[^\S\n]*(?:<strong>[^<\n]*</strong>[^\S\n]*|[^\n<]+\n[^\S\n]*)?"
    r"\(\d+(?:\.\d+)?\s*[KMG]?B,\s*下载次数:\s*\d+\)\s*\n"
    r"\s*下载附件\s*\n"
    r"\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s*上传[^\S\n]*(?=\n|\Z)"
)

#: Body placeholders the archive writes as one line where Discuz had ``div.locked`` and no
#: ``td.t_f`` (reference §1.4; 973 + 216 such lines in the fixtures; 2145734 floors 11, 12…).
#: The status is kept here too so a floor is marked even if the cleaner misses the markup.
PLACEHOLDERS: dict[str, tuple[str, PostStatus]] = {
    "提示: 作者被禁止或删除 内容自动屏蔽":
        ('<div class="locked">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>', "banned"),
    "提示: 该帖被管理员或版主屏蔽":
        ('<div class="locked">提示: <em>该帖被管理员或版主屏蔽</em></div>', "banned"),
    "此帖仅作者可见": ('<div class="locked">此帖仅作者可见</div>', "hidden"),  # [tpl], not in fixtures
}

#: The edit notice on the body's first line, `` 本帖最后由 NAME 于 TIME 编辑 `` (1,166 lines in the
#: fixtures, repeats included, all of this form); Discuz stored it as ``<i class="pstatus">``
#: from ``[i=s]``.
EDIT_LINE = re.compile(
    r"\A[^\S\n]*(本帖最后由 [^\n]+? 于 \d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(?::\d{2})? 编辑)[^\S\n]*(?:\n|\Z)"
)

#: A plugin's ``<style>`` flattened to a text line, e.g. the seed's floor 1
#: ``.cronclosethread_getbox{border: 1px dashed #FF9A9A;…}`` (a class rule with declarations).
STYLE_LINE = re.compile(r"^[^\S\n]*(\.[\w-]+[^\S\n]*\{[^{}\n]*:[^{}\n]*;[^{}\n]*\})[^\S\n]*$", re.MULTILINE)
#: The auto-close plugin box that follows that style in the seed: ``此帖将于 TIME 自动关闭``,
#: rebuilt as the ``div.cronclosethread_getbox`` its style names.
CRON_CLOSE_BOX = re.compile(r"(</style>)\s*(此帖将于[^\n<]*?自动关闭)[^\S\n]*\n?")

#: ``[text](url)``: every ``<a>`` outside a quote header became this (tails, links). Allows one
#: level of brackets in the text and of parentheses in the URL.
MARKDOWN_LINK = re.compile(
    r"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\((?P<url>(?:[^\s()]|\([^\s()]*\))*)\)"
)
#: The converter's URL bugs: ``httphttps://`` (8,535 hrefs) and ``&amp;amp;`` (58 distinct quote
#: links of 1336720, 348 with the repeats), fixed inside href values only.
HREF = re.compile(r'href="([^"]*)"')
DOUBLE_SCHEME = re.compile(r"^http(https?://)")

#: A line break straight after a block element is the converter's, not a ``<br />``.
AFTER_BLOCK = re.compile(r"</blockquote>[^\S\n]*\n")


def _fix_href(match: re.Match[str]) -> str:
    url = DOUBLE_SCHEME.sub(r"\1", match.group(1)).replace("&amp;amp;", "&amp;")
    return f'href="{url}"'


def _markdown_link(match: re.Match[str]) -> str:
    return f'<a href="{match["url"]}" target="_blank">{match["text"]}</a>'


def parse_ratings(block: str) -> tuple[tuple[Rating, ...], int | None]:
    """Rows of an archived 评分 block, and the participant count it states."""
    ratings = tuple(
        Rating(user=row["user"].strip(), score=score * (-1 if row["sign"] == "-" else 1),
               reason=row["reason"].strip())
        for row in RATING_ROW.finditer(block)
        for score in [bounded_int(row["score"])] if score is not None
    )
    participants = RATING_PARTICIPANTS.search(block)
    return ratings, bounded_int(participants.group(1)) if participants else None


def split_rating(body: str) -> tuple[str, str | None]:
    """(body without the rating block, the block) — the block is ``None`` when absent."""
    match = RATING_BLOCK.search(body)
    if not match:
        return body, None
    return body[: match.start()], match["block"]


def archive_to_html(body: str) -> tuple[str, PostStatus]:
    """Rebuild the Discuz body HTML from an archived body (rating block already cut off).

    Returns the HTML and the status a placeholder line implies (``normal`` otherwise).
    """
    stripped = body.strip()
    placeholder = PLACEHOLDERS.get(stripped)
    if placeholder is not None:
        return placeholder
    body = ATTACHMENT_TIP.sub("", body).strip("\n")
    edit = EDIT_LINE.match(body)
    head = ""
    if edit:
        head = f'<i class="pstatus"> {edit.group(1)} </i>'
        body = body[edit.end():]
    body = STYLE_LINE.sub(r"<style>\1</style>", body)
    body = CRON_CLOSE_BOX.sub(r'\1<div class="cronclosethread_getbox">\2</div>', body)
    body = MARKDOWN_LINK.sub(_markdown_link, body)
    body = HREF.sub(_fix_href, body)
    body = AFTER_BLOCK.sub("</blockquote>", body)
    body = body.replace("<blockquote>", '<div class="quote"><blockquote>').replace(
        "</blockquote>", "</blockquote></div>")
    html = (head + body).strip("\n")
    return html.replace("\r\n", "\n").replace("\n", "<br />"), "normal"


def _name_info(path: str) -> tuple[str | None, int | None, str | None]:
    """(tid, part, title) from ``TID-PART[TITLE].md``, or from the folder ``TID[TITLE]``."""
    pure = PurePath(path)
    for name in (pure.name, pure.parent.name):
        match = FILE_NAME.match(name)
        if match:
            part = match["part"] or match["oldpart"]
            # the archive writes the title HTML-escaped into the name (`S1结婚花费统计&amp;经验分享`:
            # 101 of the 2022–2023 archives' file names); the title is the forum's text
            title = unescape(match["title"]) or None
            return id_text(match["tid"]), bounded_int(part) if part else None, title
    return None, None, None


def _blocks(text: str) -> tuple[list[tuple[re.Match[str], str]], list[str], list[str]]:
    """Split into (head match, raw body) blocks; text between separators that has no post
    head is glued back to the block before it (a body line of ``*****``) or reported. Also
    returns the chunks whose head is damaged (reported, never glued)."""
    blocks: list[tuple[re.Match[str], str]] = []
    stray: list[str] = []
    damaged: list[str] = []
    # A part file may start with the separator itself (real archive parts do, after the BOM):
    # the leading newline makes that first line a separator too, so floor 1 is not stray text.
    for chunk in ("\n" + text).split(SEPARATOR):
        head = POST_HEAD.match(chunk)
        if head:
            blocks.append((head, chunk))
        elif DAMAGED_HEAD.match(chunk):
            damaged.append(chunk)
        elif blocks:
            match, previous = blocks[-1]
            blocks[-1] = (match, previous + SEPARATOR + chunk)
        elif chunk.strip(" \t\r\n*"):
            stray.append(chunk)
    return blocks, stray, damaged


class S1TextAdapter(DiscuzAdapter):
    """Stage1st threads saved by the S1PlainTextArchive converter (markdown-ish ``.md``)."""

    name = "text"
    description = "Stage1st plain-text archive (S1PlainTextArchive .md: '*****' blocks, '##### N#' floors)"

    def sniff(self, doc: Document) -> bool:
        return SNIFF.search(doc.text[:SNIFF_CHARS].lstrip(BOM)) is not None

    def parse(self, doc: Document) -> Page:
        text = doc.text.lstrip(BOM).replace("\r\n", "\n")
        blocks, stray, damaged = _blocks(text)
        if not blocks and not damaged:
            raise NotAThreadError(
                doc.path, "no posts found: no '##### N#  发表于 …' floor lines (text format)")
        warnings: list[ParseWarning] = []
        for chunk in damaged:
            head_lines = " / ".join(line.strip() for line in chunk.strip().split("\n")[:2])
            warnings.append(ParseWarning(
                "damaged_floor_header", f"a post block's head is damaged ({head_lines[:80]!r}): its floor "
                "number cannot be read, so that post is not read", doc.path))
        if not blocks:
            raise NotAThreadError(doc.path, "no posts found: every post block's head is damaged "
                                            "(text format)")

        # Dedupe on the raw blocks first so each kept body is converted and cleaned once.
        kept: dict[int, tuple[re.Match[str], str]] = {}
        changed = 0
        in_range: list[tuple[re.Match[str], str]] = []
        for head, chunk in blocks:
            if bounded_int(head["floor"], 1, MAX_FLOOR) is None:
                digits = head["floor"]
                shown = digits if len(digits) <= 20 else f"{digits[:12]}… ({len(digits)} digits)"
                warnings.append(ParseWarning(
                    "floor_out_of_range", f"post by {head['author'].strip()!r} has floor number {shown}, "
                    f"outside 1-{MAX_FLOOR:,}; skipped", doc.path))
                continue
            in_range.append((head, chunk))
        if not in_range:
            raise NotAThreadError(doc.path, "no posts found: every floor number is out of range "
                                            "(text format)")
        blocks = in_range
        for head, chunk in blocks:
            floor = int(head["floor"])
            earlier = kept.get(floor)
            if earlier is not None and earlier[1] != chunk:
                changed += 1
            kept[floor] = (head, chunk)
        repeats = len(blocks) - len(kept)
        if repeats:
            copies = Counter(int(head["floor"]) for head, _ in blocks)
            warnings.append(ParseWarning(
                "duplicate_floors",
                f"{repeats} repeated post block(s) for {sum(1 for n in copies.values() if n > 1)} floor(s) "
                f"(up to {max(copies.values())} copies: the archive appends snapshots); kept the last copy, "
                f"{changed} repeat(s) differed from the copy before",
                doc.path,
            ))
        for chunk in stray:
            warnings.append(ParseWarning(
                "unparsed_block", f"text outside any post skipped: {chunk.strip()[:60]!r}", doc.path))

        posts: list[Post] = []
        starter: str | None = None
        for floor in sorted(kept):
            head, chunk = kept[floor]
            post = self._post(head, chunk[head.end():])
            bad_time = invalid_time(head["rest"])
            if bad_time is not None:
                warnings.append(ParseWarning("invalid_time", f"post time {bad_time!r} is not a valid date "
                                             "and time; time left empty", doc.path, floor))
            posts.append(post)
            if starter is None and post.is_op and post.author:
                starter = post.author

        tid, part, title = _name_info(doc.path)
        ptids = Counter(tid for _, chunk in kept.values() for m in PTID.findall(chunk)
                        for tid in [id_text(m)] if tid is not None)
        link_tid = ptids.most_common(1)[0][0] if ptids else None
        if tid is None:
            tid = link_tid
        elif link_tid is not None and link_tid != tid:
            warnings.append(ParseWarning(
                "tid_mismatch", f"file name says tid {tid}, quote links mostly ptid {link_tid}", doc.path))
        return Page(
            source=doc.path, posts=tuple(posts), forum=S1_FORUM, tid=tid, title=title,
            timezone=DISCUZ_TIMEZONE,
            starter=starter, order=part, warnings=tuple(warnings),
        )

    @staticmethod
    def _post(head: re.Match[str], raw: str) -> Post:
        body_text = raw.strip("\n")
        body, rating_block = split_rating(body_text)
        ratings: tuple[Rating, ...] = ()
        meta: dict[str, Any] = {}
        if rating_block is not None:
            ratings, participants = parse_ratings(rating_block)
            if participants is not None and participants > len(ratings):
                meta["rating_participants"] = participants
        html, placeholder_status = archive_to_html(body)
        cleaned = clean_body(html)
        status = cleaned.status if cleaned.status != "normal" else placeholder_status
        fields = body_fields(cleaned)
        meta.update(fields.pop("meta"))
        author = head["author"].strip() or None
        return Post(
            floor=int(head["floor"]), author=author, time=parse_time(head["rest"]),
            is_op=OP_MARKER in head["rest"], status=status, html=body_text, ratings=ratings,
            meta=meta, **fields,
        )
