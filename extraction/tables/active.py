"""Table 二 (主动公开政府信息情况): rows with their own columns, headers repeated per group."""
from __future__ import annotations

from ..labels import Label
from ..layout import display_width
from ..lexicon import match_col, row_lexicon
from ..normalize import normalize
from ..templates import table_spec
from .base import Cell, Frag, Region
from .result import TableResult
from .columns import header_centers, slot_by_columns
from .rows import align_rows, blank_line_slots, build_groups, slot_by_label

MONEY_COLS = ("amount",)


def _header_above(region: Region, line: int, allowed: tuple[str, ...]) -> list[tuple[Frag, str]]:
    """The nearest header line above ``line`` whose headers name this row's columns."""
    for ln in range(line - 1, region.lines[0].index - 1, -1):
        cols = region.frags_on(ln, Label.COL)
        named = []
        for f in cols:
            m = match_col(f.text, "active_disclosure")
            if m and m.score >= 0.6 and m.key in allowed:
                named.append((f, m.key))
        if named:
            return named
        if region.cells_on(ln):
            break
    return []


def _header_only(region: Region, ln: int) -> bool:
    """A line of column headers only: no values, no row labels (a group label ends the header)."""
    return bool(region.frags_on(ln, Label.COL)) and not region.cells_on(ln) and not region.frags_on(ln, Label.ROW)


def _block_header_line(region: Region, line: int, allowed: tuple[str, ...]) -> int | None:
    """The header line of the block ``line`` belongs to: above it, past the block's other rows,
    before the block's group label (第二十条第（X）项)."""
    for ln in range(line - 1, region.lines[0].index - 1, -1):
        if any(f.group and f.label == Label.ROW for f in region.frags_on(ln)):
            return None
        for f in region.frags_on(ln, Label.COL):
            m = match_col(f.text, "active_disclosure")
            if m and m.score >= 0.6 and m.key in allowed:
                return ln
    return None


def _slots_under_header(region: Region, cells: list[Cell], row_cols: tuple[str, ...]) -> list[int] | None:
    """Space-aligned row with blank cells: each value under its column of the header block above."""
    if region.has_tabs or len({c.line for c in cells}) != 1:
        return None
    top = _block_header_line(region, cells[0].line, row_cols)
    if top is None:
        return None
    while top - 1 >= region.lines[0].index and _header_only(region, top - 1):
        top -= 1
    centers = header_centers(region, cells[0].line, frozenset(row_cols), len(row_cols), top=top)
    return slot_by_columns(cells, centers) if centers else None


def _stacked_text(region: Region, head: Frag, below: int) -> str:
    """A header cell's whole text when it wraps over several lines (``采购总`` / ``金额（`` / ``元）``):
    the header pieces of the contiguous header lines around ``head`` (above ``below``, the row's
    line) in the same tab field, or overlapping it horizontally in a space-aligned layout."""
    lo = hi = head.line
    while lo - 1 >= region.lines[0].index and _header_only(region, lo - 1):
        lo -= 1
    while hi + 1 < below and _header_only(region, hi + 1):
        hi += 1
    tabs = region.has_tabs or any(f.field > 0 for f in region.frags_on(head.line))
    a, b = head.x, head.x + display_width(head.text)
    parts = []
    for ln in range(lo, hi + 1):
        for f in region.frags_on(ln, Label.COL):
            if f is head:
                parts.append(f.text)
            elif tabs:
                if f.field == head.field:
                    parts.append(f.text)
            elif f.x < b and a < f.x + display_width(f.text):
                parts.append(f.text)
    return "".join(parts)


def _to_wanyuan(value, cell: Cell, header_text: str | None):
    """Money is reported in 万元; a value or header in 元 is converted."""
    if value is None:
        return None
    unit = cell.unit
    if unit is None and header_text:
        h = normalize(header_text)
        if "万元" in h:
            unit = "万元"
        elif "元" in h:
            unit = "元"
    if unit == "元":
        return round(value / 10000, 8)
    return value


def assemble_active(region: Region, fmt: str, truncated: bool) -> TableResult:
    spec = table_spec(fmt, "active_disclosure")
    res = TableResult.empty(spec)
    lexicon = row_lexicon(fmt, "active_disclosure")
    groups = build_groups(region, lexicon, 3)
    assignments = align_rows(groups, spec.row_keys, lexicon)
    for a in assignments:
        row_cols = spec.row(a.row).cols
        k = len(row_cols)
        cells = a.group.cells
        if not cells:  # a printed row of blanks
            continue
        header = _header_above(region, a.group.lines[0], row_cols)
        header_text = {key: _stacked_text(region, f, a.group.lines[0]) for f, key in header}
        placed: list[tuple[Cell, str]] = []
        if len(cells) >= k:
            if len(cells) > k:
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns; the extra ones were left out")
            placed = list(zip(cells[:k], row_cols))
        else:
            # headers may be scrambled by the flattening: the row's own tab fields come first
            slots = slot_by_label(cells, a.group.evidence, a.group.same_line, k)
            by_field = {f.field: key for f, key in header}
            if slots is not None:
                placed = [(c, row_cols[s]) for c, s in zip(cells, slots)]
            elif header and region.has_tabs and all(c.field in by_field for c in cells):
                placed = [(c, by_field[c.field]) for c in cells]
            elif (by_x := _slots_under_header(region, cells, row_cols)) is not None:
                placed = [(c, row_cols[s]) for c, s in zip(cells, by_x)]  # blank cells, space-aligned
            elif (by_blank := blank_line_slots(region, a.group, k)) is not None:
                placed = [(c, row_cols[s]) for c, s in zip(cells, by_blank)]  # one per line, empty lines
            else:
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns, placed from the left")
                placed = list(zip(cells, row_cols))
        for cell, col in placed:
            value = cell.value
            if col in MONEY_COLS:
                value = _to_wanyuan(value, cell, header_text.get(col))
            res.put(a.row, col, cell, a.score, value=value)
    res.rows_found = len(assignments)
    found = {a.row for a in assignments}
    missing = [r for r in spec.row_keys if r not in found]
    if missing and assignments:
        res.warn(
            ("the table is cut off; " if truncated else "")
            + f"rows not found: {', '.join(missing)}; their cells are null"
        )
    return res
