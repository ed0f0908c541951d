"""The error hierarchy. Every failure a user can cause is a ThreadscopeError.

The CLI prints ``Error: <message>`` and exits with ``exit_code``; library users catch the
class that fits. Messages name the file, the bad value and, where there is one, the fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class ThreadscopeError(Exception):
    """Base class of every error threadscope raises on purpose."""

    exit_code = 1


class InputError(ThreadscopeError):
    """A file given as input cannot be turned into a thread."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class EmptyInputError(InputError):
    """The file is empty (or only white space)."""


class BinaryInputError(InputError):
    """The file is not text."""


class NotAThreadError(InputError):
    """The file is text but holds no forum posts."""


class ThreadNotFoundError(InputError):
    """The file is a forum response saying the thread does not exist (e.g. an empty API postlist)."""


class FormatMismatchError(InputError):
    """A forced ``--format`` does not fit the file."""


class MixedThreadsError(ThreadscopeError):
    """Files given together belong to different threads."""


class UnknownChoiceError(ThreadscopeError):
    """A named option got a value outside its allowed set."""

    def __init__(self, what: str, value: str, allowed: Iterable[str]) -> None:
        self.what = what
        self.value = value
        self.allowed = tuple(allowed)
        super().__init__(f"unknown {what} {value!r}; choose one of: {', '.join(self.allowed)}")


class OutputError(ThreadscopeError):
    """An output file cannot be written (the message names the file and the system's reason)."""
