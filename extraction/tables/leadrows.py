"""Table 三's first rows read from the start of its value stream where the whole table does not divide.

Raw ``pdftotext`` (no ``-layout``) writes table 三 one value a line in content-stream order. When no
division of the whole stream meets the report's arithmetic (a page drawn in another order, a stray
cell, a page top read short), ``streamorder.distrust_order`` falls back to pairing rows with their
values by order and nulls what that does not determine — also rows the stream prints plainly at its
start. ``lead_rows`` keeps those: from the stream's first value, consecutive runs of seven values
that each meet 总计 = the six applicant columns are the template's rows in order, as long as every
run does (and a header piece printed among them names the column its position gives). A run is
kept only up to the last run with a non-zero 总计: the rows before it then printed exactly seven
values each (a row printing fewer would shift every later run by its missing values, and a shifted
non-zero row breaks its 总计), whereas a trailing run of zeros may hold a row with a blank cell and
so is not known to be those rows'.
"""
from __future__ import annotations

from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankcells import APP_COLS, TOL, meets_total
from .result import BLANK, TableResult
from .streamorder import header_lead, lone_numbers


def stream_lead_rows(cells: Sequence[Cell], hints: Sequence[int | None], rows: int) -> list[list[Cell] | None]:
    """The leading rows the value stream ``cells`` (one value a line, in order; ``hints[i]`` the
    column a header piece printed just before ``cells[i]`` names, or None) pins: runs of
    ``APP_COLS`` values from the first (a blank mark ``—``/``无``, value None, is a printed blank
    cell: 0 in the arithmetic), each meeting 总计 and agreeing with every hint, at most ``rows`` of
    them; cut after the last run whose 总计 is not 0 (``[]`` when none is). Returns one list of
    ``APP_COLS`` cells per template row from the first, or None for a row whose cells are not
    pinned although its place is: a run of rows totalling 0 that holds a blank mark (rows sharing
    a merged label cell are written column by column, so where the mark stands among the zeros
    is not known; its rows' count is)."""
    runs: list[list[Cell]] = []
    last = -1
    while len(runs) < rows and APP_COLS * (len(runs) + 1) <= len(cells):
        at = APP_COLS * len(runs)
        run = list(cells[at : at + APP_COLS])
        values = [c.value for c in run]
        if not meets_total(values):
            break
        if any(h is not None and h != k for k, h in enumerate(hints[at : at + APP_COLS])):
            break  # a header piece names another column: the values are not in the columns' order
        runs.append(run)
        if values[-1] is not None and abs(values[-1]) > TOL:
            last = len(runs) - 1
    out: list[list[Cell] | None] = list(runs[: last + 1])
    zero = [not (r[-1].value is not None and abs(r[-1].value) > TOL) for r in runs[: last + 1]]
    k = 0
    while k < len(out):
        if not zero[k]:
            k += 1
            continue
        end = k
        while end < len(out) and zero[end]:
            end += 1
        if any(c.value is None for r in runs[k:end] for c in r):
            out[k:end] = [None] * (end - k)
        k = end
    return out


def lead_rows(res: TableResult, doc: Document, lines: Sequence[Line]) -> list[str]:
    """Table 三 read by order (``streamorder.distrust_order``) given the rows its value stream in
    ``lines`` pins from its start (``stream_lead_rows``): their cells take the run's values
    (``inferred``, no longer guesses). Nothing changes where values are drawn before the column
    header (the stream does not start with the first row), the table is not seven columns wide, or
    a cell already determined (not null, not a guess) holds another value: the two readings
    disagree, so the stream's start is not known to be those rows. ``res`` is changed in place;
    returns the rows set (warned)."""
    spec = res.spec
    cols = list(spec.rows[0].cols)
    if len(cols) != APP_COLS:
        return []
    cells, hints = lone_numbers(doc, lines)
    if not cells or header_lead(doc, lines, cells):
        return []
    runs = stream_lead_rows(cells, hints, len(spec.row_keys))
    for key, run in zip(spec.row_keys, runs):
        for col, cell in zip(cols, run or []):
            now = res.values.get(key, {}).get(col)
            if now is not None and (key, col) not in res.ambiguous and (cell.value is None or abs(now - cell.value) > TOL):
                return []
    placed = []
    for key, run in zip(spec.row_keys, runs):
        if run is None:
            continue
        changed = False
        for col, cell in zip(cols, run):
            now = res.values.get(key, {}).get(col)
            if now is None or (key, col) in res.ambiguous:
                if cell.value is None:
                    res.null(key, col, BLANK)  # a blank mark: printed empty
                else:
                    res.put(key, col, cell, inferred=True)
                res.ambiguous.discard((key, col))
                changed = True
        res.by_order.discard(key)
        if changed:
            placed.append(key)
    if placed:
        res.warn("rows read from the start of the value stream, seven values a row each meeting 总计 (up to a row "
                 "with a non-zero 总计, so no earlier row printed fewer values): " + ", ".join(placed))
    return placed
