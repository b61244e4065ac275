"""The fallbacks that rewrite a table's stream in several ways (a late column put back:
``latecolumn``; a page's staircase undone: ``staircase``) keep a reading only where every rewrite
that fits the arithmetic gives the same values: two that differ are a guess between them."""

from __future__ import annotations

from typing import Sequence

from .result import TableResult


def warn_once(res: TableResult, msg: str) -> None:
    """``res.warn(msg)`` unless ``res`` says it already (the fallbacks try each span of the region)."""
    if f"{res.spec.name}: {msg}" not in res.warnings:
        res.warn(msg)


def agreed_reading(res: TableResult, fits: Sequence[TableResult], ambiguous: str) -> TableResult | None:
    """The first of ``fits`` when all of them hold the same values; None when there is none, and
    None with the warning ``ambiguous`` on ``res`` (once) when two of them differ."""
    if not fits:
        return None
    if any(r.values != fits[0].values for r in fits[1:]):
        warn_once(res, ambiguous)
        return None
    return fits[0]
