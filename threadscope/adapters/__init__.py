"""Source adapters: the protocol and the registry (``base``); the adapters themselves live in
their forum's package under ``threadscope.forums``."""

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
