"""Page furniture inside a table region: page numbers and the empty lines of a page break.

The tagger marks the page marks it recognises on its own (``- 3 -``, ``第3页``, a bare number
before a repeated header) as noise; what is left here needs the table's structure to be told
apart from values: a bare ``12`` is a page number when its row has one value too many, or when it
sits where no value of a space-aligned grid can be.
"""
from __future__ import annotations

import re

from ..labels import Label
from ..layout import Line
from ..normalize import normalize
from .base import Cell, Group, Region

PAGE_NUMBER = re.compile(r"\s*[1-9]\d{0,2}\s*")  # no 0, sign, unit or decimals


def _line_at(region: Region, ln: int) -> Line | None:
    idx = region.lines[0].index
    return region.lines[ln - idx] if idx <= ln < idx + len(region.lines) else None


def _empty(region: Region, ln: int) -> bool:
    line = _line_at(region, ln)
    return line is not None and not region.text[line.start : line.end].strip() and not region.frags_on(ln)


def _furniture_line(region: Region, ln: int) -> bool:
    """Text but no values and no labels: a page mark or a running header the tagger took as noise."""
    line = _line_at(region, ln)
    return (
        line is not None
        and bool(region.text[line.start : line.end].strip())
        and not region.cells_on(ln)
        and not region.frags_on(ln)
    )


def _bare_number_line(region: Region, cell: Cell) -> bool:
    """Is the cell a page-number-like token alone on its line?"""
    line = _line_at(region, cell.line)
    if line is None or not PAGE_NUMBER.fullmatch(normalize(cell.raw)):
        return False
    return normalize(region.text[line.start : line.end]).strip() == normalize(cell.raw).strip()


def drop_page_number(region: Region, run: Group, blanks: list[int]) -> list[int] | None:
    """A run of one-value lines with one value too many: drop the one that is a page number.

    A page number is a bare 1-3 digit line beside the page break's empty line(s). Several such
    lines: only one with empty lines on both sides is taken. Returns the run's empty lines without
    those of the page break, or None if nothing was dropped.
    """
    cands: list[tuple[int, int]] = []  # (position in the run, empty neighbours)
    for k, c in enumerate(run.cells):
        if _bare_number_line(region, c):
            near = _empty(region, c.line - 1) + _empty(region, c.line + 1)
            if near:
                cands.append((k, near))
    if len(cands) > 1:
        cands = [t for t in cands if t[1] == 2]
    if len(cands) != 1:
        return None
    k = cands[0][0]
    page_line = run.cells[k].line
    del run.cells[k], run.lines[k]
    # the page break's empty line on either side goes with it
    return [b for b in blanks if b not in (page_line - 1, page_line + 1)]


def page_number_aside(region: Region, cell: Cell, grid_x: int) -> bool:
    """A lone 1-3 digit line, beside an empty line, left of a space-aligned grid's value columns
    (``grid_x``): no value of the grid sits there, a page number does."""
    if cell.field > 0 or cell.x >= grid_x - 1 or not _bare_number_line(region, cell):
        return False
    return _empty(region, cell.line - 1) or _empty(region, cell.line + 1)


def furniture_between(region: Region, a: int, b: int) -> bool:
    """Only page furniture between lines a and b (empty lines, page marks, a repeated header): no
    values and no row labels, so a label piece below still belongs to the row above (a page break
    inside a label)."""
    if _line_at(region, a) is None:
        return False
    return all(not region.cells_on(ln) and not region.frags_on(ln, Label.ROW) for ln in range(a + 1, b))


def cell_blanks(region: Region, blanks: list[int]) -> list[int]:
    """Empty lines that stand for blank cells: not those beside page furniture (a page break's)."""
    return [b for b in blanks if not _furniture_line(region, b - 1) and not _furniture_line(region, b + 1)]
