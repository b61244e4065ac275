"""What reading one input may cost: limits on the decoded text, and the time left to the caller.

The byte limit (``max_bytes``) bounds what is uploaded; these bound what it *becomes*. A 600 KB
DOCX can unpack to 190 MB of XML and 37 M characters, and the model's cost grows with the
characters (~25 s and ~0.5 GB per million on one core), so every reader counts as it goes and
stops at the first limit passed (``TextTooLarge``, HTTP 413), before the text is tagged.

The deadline is per thread (a ``contextvars`` variable): the service sets it for the request a
pool thread is working on; readers give their worker process no more than the time left, and
the tagger checks it between batches of windows, so work past a 504 stops instead of keeping
its slot (``DeadlinePassed``).
"""

from __future__ import annotations

import contextvars
import math
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator

from .errors import InputError, InputTooLarge

MiB = 1024 * 1024
# The largest single input, in bytes: one setting for the Python API, the CLI, batch runs and the
# service (``ServiceSettings.max_bytes`` defaults to it); ``GOVREPORT_MAX_BYTES`` overrides it.
DEFAULT_MAX_BYTES = 10 * MiB
MAX_BYTES_ENV = "GOVREPORT_MAX_BYTES"


class TextTooLarge(InputTooLarge):
    """The decoded text passes a limit (characters, lines, pages, table cells, unpacked bytes)."""

    code = "text_too_large"
    http_status = 413


class DeadlinePassed(InputError):
    """The caller's time limit passed while the input was being read or tagged."""

    code = "timeout"
    http_status = 504


class ReaderFailed(InputError):
    """The reader process died or ran out of its memory allowance: refused, not retried."""

    code = "too_complex"
    http_status = 422


@dataclass(frozen=True)
class ReadLimits:
    """Limits on one input's decoded text; every count is checked while reading.

    - ``max_chars``: characters of the decoded text (a long report has ~40 k; 300 k is ~7 s of
      model time on one core);
    - ``max_lines``: lines of the decoded text;
    - ``max_pages``: PDF pages (checked before any page is read);
    - ``max_page_chars``: characters on one PDF page (checked before its glyphs are laid out:
      a dense A4 page holds ~5 k; 400 k text runs on one page cost GBs to lay out);
    - ``max_cells``: table cells (DOCX and HTML rows);
    - ``max_unpacked_bytes``: bytes a DOCX unpacks to, measured while inflating (its ZIP header
      may lie about them);
    - ``read_timeout_s``: seconds a DOCX/PDF reader process may run;
    - ``reader_memory_bytes``: address space of a reader process (a bomb fails there, not in the
      caller); 0 = no cap;
    - ``isolate``: read DOCX and PDF in a separate, killable process (``reader_pool``).
    """

    max_chars: int = 300_000
    max_lines: int = 30_000
    max_pages: int = 300
    max_page_chars: int = 20_000
    max_cells: int = 50_000
    max_unpacked_bytes: int = 64 * MiB
    read_timeout_s: float = 60.0
    reader_memory_bytes: int = 768 * MiB
    isolate: bool = True

    def with_(self, **changes: object) -> "ReadLimits":
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_LIMITS = ReadLimits()
_default: ReadLimits | None = None
# GOVREPORT_* variables the CLI and batch runs read (the service reads the same through its settings).
_ENV = {
    "max_chars": ("GOVREPORT_MAX_CHARS", int, 1),
    "max_lines": ("GOVREPORT_MAX_LINES", int, 1),
    "max_pages": ("GOVREPORT_MAX_PAGES", int, 1),
    "max_page_chars": ("GOVREPORT_MAX_PAGE_CHARS", int, 1),
    "max_cells": ("GOVREPORT_MAX_CELLS", int, 1),
    "max_unpacked_bytes": ("GOVREPORT_MAX_UNPACKED_MB", int, MiB),
    "read_timeout_s": ("GOVREPORT_READ_TIMEOUT_S", float, 1),
    "reader_memory_bytes": ("GOVREPORT_READER_MEMORY_MB", int, MiB),
}


def limits_from_env(environ: dict[str, str] | None = None) -> ReadLimits:
    """``ReadLimits`` with every ``GOVREPORT_*`` limit variable that is set; ValueError on a bad value."""
    env = os.environ if environ is None else environ
    changes: dict[str, object] = {}
    for field_name, (var, kind, unit) in _ENV.items():
        raw = env.get(var, "").strip()
        if raw:
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{var}={raw!r} is not a number") from None
            if not math.isfinite(value):  # float("nan") passed every comparison below
                raise ValueError(f"{var}={raw!r} is not a finite number")
            if value < 0 or (value == 0 and field_name != "reader_memory_bytes"):
                raise ValueError(f"{var}={raw!r} must be positive")
            changes[field_name] = value * unit
    return replace(DEFAULT_LIMITS, **changes)  # type: ignore[arg-type]


def max_bytes_from_env(environ: dict[str, str] | None = None) -> int:
    """The largest input in bytes: ``GOVREPORT_MAX_BYTES`` when set, else ``DEFAULT_MAX_BYTES``
    (10 MiB), so the Python API, extract, batch and the service refuse the same files.
    ValueError on a value that is not a positive integer."""
    raw = (os.environ if environ is None else environ).get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MAX_BYTES_ENV}={raw!r} is not a whole number of bytes") from None
    if value <= 0:
        raise ValueError(f"{MAX_BYTES_ENV}={raw!r} must be positive")
    return value


def default_limits() -> ReadLimits:
    """The limits readers use when the caller gives none: the defaults with any ``GOVREPORT_*``
    limit variables applied (the service passes its own settings explicitly)."""
    global _default
    if _default is None:
        _default = limits_from_env()
    return _default


def set_default_limits(limits: ReadLimits) -> None:
    global _default
    _default = limits


class TextBudget:
    """Counts what a reader has produced and raises ``TextTooLarge`` at the first limit passed."""

    def __init__(self, limits: ReadLimits, name: str):
        self.limits = limits
        self.name = name
        self.chars = self.lines = self.cells = 0

    def _over(self, what: str, n: int, limit: int, setting: str) -> TextTooLarge:
        return TextTooLarge(
            f"{self.name} has more than {limit} {what} (at least {n}); the limit is {limit} "
            f"(setting {setting}): split the report or raise the limit"
        )

    def add(self, chars: int = 0, lines: int = 0, cells: int = 0) -> None:
        self.chars += chars
        self.lines += lines
        self.cells += cells
        lim = self.limits
        if self.chars > lim.max_chars:
            raise self._over("characters", self.chars, lim.max_chars, "GOVREPORT_MAX_CHARS")
        if self.lines > lim.max_lines:
            raise self._over("lines", self.lines, lim.max_lines, "GOVREPORT_MAX_LINES")
        if self.cells > lim.max_cells:
            raise self._over("table cells", self.cells, lim.max_cells, "GOVREPORT_MAX_CELLS")

    def pages(self, n: int) -> None:
        if n > self.limits.max_pages:
            raise self._over("pages", n, self.limits.max_pages, "GOVREPORT_MAX_PAGES")

    def page_chars(self, page: int, n: int) -> None:
        if n > self.limits.max_page_chars:
            raise TextTooLarge(
                f"{self.name}: page {page} has {n} characters; the limit is {self.limits.max_page_chars} "
                "(setting GOVREPORT_MAX_PAGE_CHARS): a real page holds a few thousand"
            )
        self.add(chars=n)


def check_text(text: str, limits: ReadLimits, name: str) -> None:
    """The whole decoded text against the character and line limits."""
    budget = TextBudget(limits, name)
    if len(text) > limits.max_chars:
        budget.add(chars=len(text))
    budget.add(lines=text.count("\n"))


# ---------------------------------------------------------------- deadline

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("govreport_deadline", default=None)


@contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Work in this block (this thread / context) must finish by ``deadline`` (``time.monotonic()``)."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> float | None:
    """Seconds to the current deadline (None: no deadline); never below 0."""
    d = _DEADLINE.get()
    return None if d is None else max(0.0, d - time.monotonic())


def check_deadline(what: str = "the work") -> None:
    """Raise ``DeadlinePassed`` when the current deadline has passed (a cooperative stop point)."""
    left = time_left()
    if left is not None and left <= 0:
        raise DeadlinePassed(f"the time limit passed during {what}; it was stopped")
