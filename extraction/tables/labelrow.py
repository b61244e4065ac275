"""Table 二's rows read from the values right after their own label, one value a block (raw ``pdftotext``).

Chromium's raw reading of table 二 mixes the two orders within one table: some groups column by column
(the column headers, the group's labels, then one block of the group's values per column), some rows
row by row — the row's label, then each of its values as a block of its own (``规章 / (empty) / 2 /
(empty) / 2 / (empty) / 3 / (empty) / 规范性文件 …``). The column stream (``activestream``) gave up on
such a table (those values divide among no headers), and the row reader (``active``) finds the values
on the label's lines only, so such rows, and the column groups beside them, stayed null.

Table 二 has no arithmetic, so a row is read this way only where its label and the count alone fix the
values: a block of label lines (row and group labels) whose first row it is, then exactly as many
single-value blocks as the row has columns, and no value right after them (more values may be another
row's written row by row after its label drawn elsewhere: left alone). Values on consecutive lines (a
column block) are never taken. The first column gets the first value, the others only where their values
are the same (pdftotext may write a middle column's value last). ``activestream`` sets whole groups read
so apart before dividing the columns (``groups_read_by_row``); ``label_row_values`` fills rows still
wholly null after it, only with values no other cell holds. The cells are ``inferred`` (placed by order
next to their label, not under a header).
"""
from __future__ import annotations

from .activeevents import _Event, _events, _group_label, template_slots
from ..templates import TableSpec
from .base import Cell, Region
from .result import MONEY_COLS, TableResult


def single_value_blocks(events: list[_Event], start: int, k: int) -> list[Cell] | None:
    """The ``k`` values of the blocks from ``events[start]`` on, each one value alone between empty
    lines, with no value after the ``k``-th (past empty lines); None where the events are not that.
    ``start``: the event right after a row label."""
    cells: list[Cell] = []
    i = start
    while len(cells) < k:
        if i >= len(events) or events[i].kind != "B":
            return None  # a value not set apart by an empty line (a column block's next value)
        while i < len(events) and events[i].kind == "B":
            i += 1
        if i >= len(events) or events[i].kind != "V" or events[i].cell is None:
            return None
        cells.append(events[i].cell)  # type: ignore[arg-type]
        i += 1
    while i < len(events) and events[i].kind == "B":
        i += 1
    return cells if i >= len(events) or events[i].kind != "V" else None


def _line_blocks(events: list[_Event]) -> list[tuple[int, int]]:
    """(start, end) event indices of each block of lines between empty ones (``B`` events)."""
    out = []
    n = 0
    while n < len(events):
        if events[n].kind == "B":
            n += 1
            continue
        end = n
        while end < len(events) and events[end].kind != "B":
            end += 1
        out.append((n, end))
        n = end
    return out


def labelled_blocks(events: list[_Event]) -> list[tuple[str, int]]:
    """(row, index of the event after the block) for each block of label lines (lines between empty
    ones) made of row labels and group labels (第二十条第（X）项, 信息内容: they print no value): the
    block's first row. Where a block names several rows (a row one line tall, the labels of the rows
    below drawn with it), the values right after it are its first row's (Chromium seeds 1 and 2: 37
    of 37 where their count fits that row; seed-1 doc 18 ``其他对外管理服务事项 / 第二十条第（六）项 /
    信息内容 / 行政处罚`` then 其他's three values), the others' come elsewhere."""
    out = []
    for n, end in _line_blocks(events):
        block = events[n:end]
        rows = [e.row for e in block if e.kind == "R"]
        if rows and all(e.kind == "R" or (e.kind == "T" and _group_label(e.text)) for e in block):
            out.append((rows[0], end))
    return out


def label_line_rows(events: list[_Event]) -> list[tuple[str, int, int]]:
    """(row, index of its value event, index of the event after the block) for each block of lines
    (between empty ones) that starts with a row label holding one value on its line (``_events``
    splits ``其他对外管理服务事项 88`` into the label and the value) and goes on with group labels only
    (``第二十条第（六）项``): Chromium draws the first value column beside the labels, and the
    longest label joins its value on their baseline; the row's other values may follow it one a
    block (seed-1 docs 6, 7, 33)."""
    out = []
    for n, end in _line_blocks(events):
        block = events[n:end]
        if (len(block) >= 2 and block[0].kind == "R" and block[1].kind == "V" and block[1].cell is not None
                and all(e.kind == "T" and _group_label(e.text) for e in block[2:])):  # fmt: skip
            out.append((block[0].row, n + 1, end))
    return out


def _row_blocks(events: list[_Event], spec: TableSpec) -> list[tuple[str, list[Cell], list[int]]]:
    """(row, its cells in print order, the indices of their value events) for every row written row
    by row after its own label: a labelled block then one single-value block per column
    (``labelled_blocks``), or a label with its first value on its line then one per other column
    (``label_line_rows``; its cells are the first column's only, the indices all the row's)."""
    out = []
    for row, n in labelled_blocks(events):
        k = len(spec.row(row).cols)
        cells = single_value_blocks(events, n, k)
        if cells is not None:
            out.append((row, cells, [i for i in range(n, len(events)) if events[i].kind == "V"][:k]))
    for row, v, n in label_line_rows(events):
        k = len(spec.row(row).cols)
        rest = single_value_blocks(events, n, k - 1) if k > 1 else None
        if rest is not None:
            at = [v, *[i for i in range(n, len(events)) if events[i].kind == "V"][: k - 1]]
            # only the value on the label's line is the row's for certain: the blocks after it may be
            # another row's written late where a cell is blank (seed-1 doc 84, ``其他对外管理服务事项 92``
            # then normative documents' ``9 / 9``); they are set apart, not placed
            out.append((row, [events[v].cell], at))  # type: ignore[list-item]
    return sorted(out, key=lambda t: t[2][0])


def groups_read_by_row(events: list[_Event], spec: TableSpec) -> dict[str, tuple[list[Cell], list[int]]]:
    """The rows of the groups whose every row is written row by row after its own label (see
    ``labelled_blocks``, ``single_value_blocks``): row → (its cells in print order, the indices of
    their value events). The column stream reads the rest of the table once these values are set
    apart (a whole group: a column with nothing under its header is then no longer open to them)."""
    found: dict[str, tuple[list[Cell], list[int]]] = {}
    for row, cells, at in _row_blocks(events, spec):
        if row not in found:
            found[row] = (cells, at)
    groups: dict[str, list[str]] = {}
    for r in spec.rows:
        groups.setdefault(r.group or r.key, []).append(r.key)
    whole = {r for rows in groups.values() if all(x in found for x in rows) for r in rows}
    return {r: v for r, v in found.items() if r in whole}


def _same(a: Cell, b: Cell) -> bool:
    return a.value == b.value and a.unit == b.unit


def row_cells(cols: tuple[str, ...], cells: list[Cell]) -> dict[str, Cell]:
    """The cells of a row read from its ``cells`` in print order (one per column of ``cols``) that the
    order does not leave open: the first column's value comes first (pdftotext starts a row at its left
    cell), but the other columns may come in another order (a middle column's value after the last one:
    seed-1 Chromium doc 18, ``0 / 1730925 / 6`` for 0 | 6 | 1730925), so they are placed only where their
    values are all the same; otherwise (or where ``cells`` holds the first column's only) only the first
    column is."""
    out = {cols[0]: cells[0]}
    if len(cells) == len(cols) and all(_same(c, cells[1]) for c in cells[2:]):
        out.update(zip(cols[1:], cells[1:]))
    return out


def row_order(res: TableResult, row: str, cells: list[Cell]) -> dict[str, Cell]:
    """A row's ``cells`` (its values written row by row after its label) by column: as the row reader
    (``res``) placed these very values where it placed each of them (a blank mark too: read in place on
    the row's lines),
    else those ``row_cells`` leaves determined."""
    cols = res.spec.row(row).cols
    by_start = {c.start: c for c in cells}
    got = {c: (res.provenance.get(row) or {}).get(c, {}).get("start") for c in cols}
    if all(got[c] in by_start for c in cols) and len(set(got.values())) == len(cols):
        return {c: by_start[got[c]] for c in cols}  # type: ignore[index]
    return row_cells(cols, cells)


def _taken(res: TableResult) -> set[int]:
    """Text offsets of the values ``res`` already placed (a value is never read twice)."""
    return {p["start"] for cols in res.provenance.values() for p in cols.values() if "start" in p}


def label_row_values(res: TableResult, region: Region, fmt: str) -> int:
    """Fill, in place, table 二's rows still wholly null from the single-value blocks right after their
    own label (see the module's docstring); returns the number of cells placed. ``res``: the table as
    the row or stream reader left it; ``region``: its text."""
    events = _events(region, {s.col for s in template_slots(res)}, fmt)
    if events is None:
        return 0
    taken = _taken(res)
    placed = 0
    unsure: list[str] = []
    for row, cells, _ in _row_blocks(events, res.spec):
        cols = res.spec.row(row).cols
        if MONEY_COLS.intersection(cols):
            continue  # an amount's unit is read from its header (``activestream``): not here
        if any(res.values.get(row, {}).get(c) is not None for c in cols):
            continue
        if any(c.start in taken for c in cells):
            continue
        for col, cell in row_cells(cols, cells).items():
            res.put(row, col, cell, inferred=True)
            placed += 1
        taken.update(c.start for c in cells)
        res.found(row)
        if len(row_cells(cols, cells)) < len(cols):
            unsure.append(row)
    if placed:
        res.warn(f"{placed} value(s) read row by row from the single-value blocks right after their row's label")
    if unsure:
        res.warn("values after the first column read row by row may come in another order (pdftotext's reading "
                 f"order puts a middle column last); where they differ they are null: rows {', '.join(unsure)}")
    return placed
