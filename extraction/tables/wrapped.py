"""Figures a narrow cell of table 三 or 四 wrapped onto the next line (``６７７`` / ``７``).

A PDF of a Word table wraps a figure that is wider than its cell: ``pdftotext -layout`` prints the
first digits on the row's line and the rest under them on the next line, beside the row label's
continuation (``请数量``). Full-width digits (``６７７７``) are twice as wide and wrap far more
often. The piece below goes to no row; the value above would read as its first digits, a wrong
number. Here that value is nulled (``unreadable``, with a warning naming the piece), never guessed
whole: the join is likely but not certain (table 二 has its own, ``active._wrapped_digits``).
"""
from __future__ import annotations

import re

from ..layout import column_width
from ..normalize import normalize
from .base import Cell, Region
from .result import INFERRED, READ, UNREADABLE, TableResult
from .rows import keeps_positions

_DIGITS = re.compile(r"[0-9]+")


def null_wrapped_figures(res: TableResult, region: Region) -> None:
    """Null each placed value of ``res`` with a bare-digit piece that went to no row right below it
    (the line after the value's, overlapping its columns or touching them), or right above it (the
    row took the wrapped end and left its first digits out); such pieces are fewer than the row's
    values (as many is a row of its own that went to no row). Only in a reading that
    keeps column positions (a space-aligned grid): elsewhere nothing tells which value a piece
    continues. A lone piece on its line beside an empty line or a page break is a page number."""
    if region.has_tabs or not keeps_positions(region):
        return
    width = column_width(region.text)
    placed: dict[int, tuple[str, str]] = {p["start"]: (row, col) for row, cols in res.provenance.items()
                                          for col, p in cols.items()}  # fmt: skip
    by_line: dict[int, list[Cell]] = {}
    for c in region.cells:
        by_line.setdefault(c.line, []).append(c)
    read = {c.start for c in res.left_out}  # a row's 小计, read and left out: no wrapped end
    for piece in region.cells:
        if piece.start in placed or piece.start in read or not _DIGITS.fullmatch(normalize(piece.raw)) or _page_number(region, piece, by_line):
            continue
        own = by_line[piece.line]
        loose = sum(c.start not in placed for c in own)
        for step, how in ((-1, "goes on with {} on the next line"), (1, "is the end of {} on the line above")):
            row_cells = [c for c in by_line.get(piece.line + step, []) if c.start in placed]
            # the wrapped ends are fewer than the row's values: as many is a row of its own that
            # went nowhere (below), a row's line below holds more than its wrapped ends (above)
            # (one each: the end is the shorter)
            near = [c for c in row_cells if _touches(c, piece, width)]
            if len(near) != 1 or not _DIGITS.fullmatch(normalize(near[0].raw)):
                continue
            upper, lower = (near[0], piece) if step < 0 else (piece, near[0])
            one_each = len(row_cells) == 1 and (loose if step < 0 else len(own)) == 1 and len(lower.raw) < len(upper.raw)
            if not one_each and ((step < 0 and loose >= len(row_cells)) or (step > 0 and len(row_cells) >= len(own))):
                continue
            row, col = placed[near[0].start]
            if res.status.get(row, {}).get(col) not in (READ, INFERRED):
                continue
            res.values[row][col] = None
            res.status[row][col] = UNREADABLE
            res.ambiguous.discard((row, col))
            res.unplaced = [u for u in res.unplaced if u.start != piece.start]
            res.warn(f"row {row}: {near[0].raw!r} in {col} {how.format(repr(piece.raw))} "
                     "(digits wrapped in a narrow cell); the value is null")  # fmt: skip
            break


def _touches(above: Cell, piece: Cell, width) -> bool:  # type: ignore[no-untyped-def]
    """Does ``piece`` overlap ``above``'s columns, or stand right beside them (one column apart)?"""
    a0, a1 = above.x, above.x + width(above.raw)
    p0, p1 = piece.x, piece.x + width(piece.raw)
    return p0 < a1 + 1 and a0 < p1 + 1


def _page_number(region: Region, piece: Cell, by_line: dict[int, list[Cell]]) -> bool:
    """A piece alone on its line (no label, no other value) next to an empty line or a page break."""
    idx = region.lines[0].index
    k = piece.line - idx
    line = region.lines[k]
    if region.text[line.start : line.end].strip() != piece.raw.strip() or len(by_line.get(piece.line, [])) != 1:
        return False
    for j in (k - 1, k + 1):
        if 0 <= j < len(region.lines):
            s = region.text[region.lines[j].start : region.lines[j].end]
            if not s.strip() or "\f" in s:
                return True
    return "\f" in region.text[line.start - 1 : line.end + 1]
