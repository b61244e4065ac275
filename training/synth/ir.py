"""The generator's intermediate form: lines of labelled segments, and table grids.

A report is rendered into ``Line``s of ``Seg``s; the text is the lines joined by "\\n" and every
labelled segment becomes one span, so offsets are exact by construction. Transforms edit lines and
segments (never raw text), and the gold tables/sections are read back from the segments that
survive (a truncated cell's segment is gone, so its gold value is ``null``).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from govreport.extraction.labels import Label

NL = object()  # a line break inside an emitted row (a <br>, a wrapped cell)


@dataclass
class Seg:
    text: str
    label: Label | None = None
    key: tuple[str, ...] | None = None  # ("cell", table, row, col) | ("section", "3") | ("title",)
    value: Any = None  # gold value of a keyed CELL segment (None for a blank marker)

    def copy(self, **kw: Any) -> "Seg":
        return replace(self, **kw)


@dataclass
class Line:
    segs: list[Seg]
    role: str = "prose"  # blank | title | heading | prose | table | noise
    table: str | None = None
    part: str | None = None  # header | group | data | labels | values (table lines)
    block: int | None = None  # the physical lines of one table row share a block
    cont: tuple[str, str] = ("", "")  # how a continuation line of this row is padded (prefix, suffix)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs)


def O(text: str) -> Seg:  # noqa: E743 - "outside" segment, as in BIO
    return Seg(text)


def blank_line() -> Line:
    return Line([], role="blank")


def split_rows(items: Iterable[Seg | object], **line_kw: Any) -> list[Line]:
    """Turn a stream of segments with NL markers into physical lines sharing ``line_kw``."""
    lines: list[Line] = [Line([], **line_kw)]
    for it in items:
        if it is NL:
            lines.append(Line([], **line_kw))
        else:
            assert isinstance(it, Seg)
            if it.text:
                lines[-1].segs.append(it)
    return lines


def width(s: str) -> int:
    """Display width (CJK and full-width characters count 2), the unit of a pdftotext layout."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


# --- table grids (HTML semantics: a cell starts in one row and may span rows and columns) --------------
@dataclass
class GCell:
    lines: list[list[Seg]] = field(default_factory=list)  # content lines; [] is an empty cell
    rowspan: int = 1
    colspan: int = 1
    kind: str = "empty"  # row | col | val | caption | empty
    vertical: bool = False

    @property
    def empty(self) -> bool:
        return not any(seg.text for line in self.lines for seg in line)

    def text(self) -> str:
        return "".join(s.text for line in self.lines for s in line)


@dataclass
class GRow:
    cells: list[GCell]
    part: str  # header | group | data
    key: str | None = None  # the template row key of a data row


@dataclass
class Grid:
    table: str
    ncols: int
    rows: list[GRow]
    nlabel: int  # leading label columns

    def placed(self) -> list[list[tuple[int, GCell]]]:
        """For every row, (start column, cell) of the cells that start in it."""
        taken: dict[tuple[int, int], bool] = {}
        out: list[list[tuple[int, GCell]]] = []
        for r, row in enumerate(self.rows):
            col, placed = 0, []
            for cell in row.cells:
                while taken.get((r, col)):
                    col += 1
                placed.append((col, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[(r + dr, col + dc)] = True
                col += cell.colspan
            out.append(placed)
        return out

    def covered(self) -> list[dict[int, str]]:
        """For every row, the columns covered by a cell starting elsewhere: 'left' (colspan) or 'above'."""
        cov: list[dict[int, str]] = [{} for _ in self.rows]
        for r, placed in enumerate(self.placed()):
            for col, cell in placed:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            if r + dr < len(cov):
                                cov[r + dr][col + dc] = "above" if dr else "left"
        return cov
