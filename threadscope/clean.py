"""Post body HTML → the author's own text and the things around it.

One cleaner serves every Discuz source (desktop ``td.t_f``, touch ``div.message``, API
``message``, RSS ``description``, and the text archive after its adapter turns it into HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

from threadscope.model import Edit, PostStatus, Quote


@dataclass(frozen=True, slots=True)
class Body:
    """A cleaned body. ``status`` is ``normal`` unless the body is itself a placeholder
    (``作者被禁止或删除 内容自动屏蔽`` → banned, ``此帖仅作者可见`` → hidden)."""

    text: str
    quotes: tuple[Quote, ...] = ()
    edit: Edit | None = None
    reply_to: int | None = None
    client: str | None = None
    smileys: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    status: PostStatus = "normal"
    hidden_content: bool = False


def clean_body(html: str) -> Body:
    """Clean one post body. Never raises on malformed HTML."""
    raise NotImplementedError("being written")
