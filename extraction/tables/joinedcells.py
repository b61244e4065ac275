"""Two neighbouring cells of a table 三 row that a reading printed as one figure.

``pdftotext -layout`` writes a line of cells with at least one space between them, except where
two cells stand closer than one space on the page: then their figures run together
(``5966 1024710 0 0 281 33 6990`` for the 小计 ``1024`` beside 商业企业 ``710``). The row is one value
short and the values after the joined figure move one column left, so a placement by position
reads a wrong number in place.

The signal is the row's own arithmetic: a row one value short where splitting one figure into
two makes it hold (总计 = the six applicant columns; with a 小计 column, also 小计 = the five
organisation columns), and where no placement with one empty cell makes it hold. Exactly one
such split: the row is rebuilt (``inferred``); more than one: the cells the splits disagree on
cannot be told. Where nothing splits so, the row is left to the other placements.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from ..normalize import normalize
from .base import Cell
from .digitruns import enumerate_splits

TOL = 1e-6
APPLICANT_COLS = 6  # 自然人 and the five organisation columns
MAX_DIGITS = 12  # longer runs are not two counts: left alone


@dataclass(frozen=True)
class JoinedSplit:
    """One way to read a short row as ``ncols`` cells: ``cells`` (the joined figure replaced by its
    two parts), ``index`` of the joined figure among the printed cells."""

    cells: tuple[Cell, ...]
    index: int


def _holds(v: Sequence[float], sub: int | None) -> bool:
    """A full printed row (``ncols`` values, the 小计 at ``sub``) meets its arithmetic."""
    if sub is None:
        return abs(sum(v[:APPLICANT_COLS]) - v[APPLICANT_COLS]) < TOL
    subtotal = v[sub]
    rest = list(v[:sub]) + list(v[sub + 1 :])
    orgs = sum(rest[1:APPLICANT_COLS])
    return abs(orgs - subtotal) < TOL and abs(rest[0] + orgs - rest[APPLICANT_COLS]) < TOL


def _parts(cell: Cell) -> list[tuple[Cell, Cell]]:
    """Every way to read ``cell``'s figure as two printed cells (each ``0`` or a number without a
    leading zero); the parts keep the figure's line and their share of its offsets."""
    raw = normalize(cell.raw).strip()
    if not raw.isdigit() or not 2 <= len(raw) <= MAX_DIGITS:
        return []
    exact = len(cell.raw) == len(raw) and cell.end - cell.start == len(raw)
    out = []
    for left, right in enumerate_splits([raw], 2):
        k = left.end
        at = cell.start + k if exact else cell.start
        a = replace(cell, value=left.value, raw=cell.raw[:k] if exact else raw[:k], end=at if exact else cell.end)
        b = replace(cell, value=right.value, raw=cell.raw[k:] if exact else raw[k:], start=at, x=cell.x + k)
        out.append((a, b))
    return out


def joined_splits(cells: Sequence[Cell], ncols: int, sub: int | None = None) -> list[JoinedSplit]:
    """The readings of a row one value short (``ncols`` printed columns, the 小计 at ``sub`` or
    None) that split one figure into two and meet the row's arithmetic; empty where the row is
    not one value short, holds a value that is no number, or where a placement with one empty
    cell (as 0) already meets the arithmetic (then nothing says a figure was joined)."""
    if len(cells) != ncols - 1 or any(c.value is None for c in cells):
        return []
    values = [float(c.value) for c in cells]  # type: ignore[arg-type]
    for empty in range(ncols):
        if _holds(values[:empty] + [0.0] + values[empty:], sub):
            return []
    out: list[JoinedSplit] = []
    for i, cell in enumerate(cells):
        for a, b in _parts(cell):
            row = list(cells[:i]) + [a, b] + list(cells[i + 1 :])
            if _holds([float(c.value) for c in row], sub):  # type: ignore[arg-type]
                out.append(JoinedSplit(tuple(row), i))
    return out


def agreed(splits: Sequence[JoinedSplit]) -> list[Cell | None]:
    """Per printed column: the cell every split gives the same value, else None."""
    first = splits[0].cells
    return [c if all(s.cells[k].value == c.value for s in splits[1:]) else None for k, c in enumerate(first)]
