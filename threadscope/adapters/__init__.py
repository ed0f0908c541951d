"""Built-in source adapters; see ``base`` for the protocol."""

from __future__ import annotations

from threadscope.adapters.base import (
    Adapter,
    Document,
    Page,
    adapters,
    get_adapter,
    register,
    unregister,
)

__all__ = ["Adapter", "Document", "Page", "adapters", "get_adapter", "register", "unregister"]

_BUILTINS_REGISTERED = False

#: (module, class) of the built-in adapters in sniffing order: most specific formats first.
_BUILTINS = (
    ("threadscope.adapters.discuz_api", "DiscuzApiAdapter"),
    ("threadscope.adapters.rss", "RssAdapter"),
    ("threadscope.adapters.discuz_touch", "DiscuzTouchAdapter"),
    ("threadscope.adapters.discuz_html", "DiscuzHtmlAdapter"),
    ("threadscope.adapters.s1text", "S1TextAdapter"),
)


def _register_builtins() -> None:
    global _BUILTINS_REGISTERED
    if _BUILTINS_REGISTERED:
        return
    _BUILTINS_REGISTERED = True
    from importlib import import_module

    for module_name, class_name in _BUILTINS:
        register(getattr(import_module(module_name), class_name)())
