"""Table 三 in the orders raw ``pdftotext`` gives Chromium's PDF: the labels' column, long groups, joined pairs.

Chromium draws an HTML table row by row, each cell's text as one or more lines. Raw ``pdftotext``
(no ``-layout``) does not keep that order: it joins lines that stand close into blocks and writes the
blocks in its reading order. Table 三's 自然人 column stands right beside the row labels, so its values
join the labels' block, one value between two labels' lines (``三、…予以公开`` / ``5`` / ``（二）部分公开…``
/ ``0``), or on a label's own line when label and value share a baseline (``3.危及“三安全一稳定” 0``); a
one-line label and its value may also stand apart, the value a block of its own between two labels.
The rows' other six columns come as a run of their own, before or after those values, a row a block
each (``0`` / ``0`` / …) or a few rows column by column (each column's values of those rows one block,
as for any row group, ``_fits_blocks``); and where a page's labels' block is cut, the
first column's values of a run of rows come partly before that run and partly after it.

Rows that share no label may also come column by column: more of them than a merged label spans
(four, six, nine rows whose lines stand close: one block a column), and two narrow adjacent cells
(其他 and 总计, or 自然人 and 商业企业) drawn on one baseline come as one line a row (``0 11``), so those
two columns come row by row inside a group written column by column.

``chromium_groups`` lists, for a stream position, every such group that the blocks allow and whose
rows each meet 总计 = the six applicant columns; ``streamorder.solve_stream`` takes them as row groups
besides its own, so a cell the divisions disagree on stays null, never a guess, and the column
identities are still asked of the whole division (``streamorder.solve_checked``).
``chromium_index_groups`` gives the same without the sums to ``blockorder`` (reports whose own sums
are wrong, divided by the blocks alone, the identities deciding).
The search is bounded before it runs: at most ``MAX_LEAD`` rows a run and ``MAX_LEAD_DIVISIONS``
divisions of a run's other columns (more: none, since a subset could agree on a cell the rest would not).
"""
from __future__ import annotations

from typing import Callable, Sequence

from .blankcells import meets_total
from .digitruns import _holds
from .streamblocks import APP_COLS, MAX_GROUP
from .streamblocks import fits_blocks as _fits_blocks

Number = int | float
Row = list[tuple[Number, int]]  # (value, stream index) per column
# the most rows of one run (a page of table 三 holds all its rows at most), and the most divisions of a
# run's other columns kept
MAX_LEAD = 26
MAX_LEAD_DIVISIONS = 64


def chromium_groups(values: Sequence[Number], p: int, left: int, starts: Sequence[bool],
                    joined: Sequence[int]) -> list[tuple[int, list[Row]]]:  # fmt: skip
    """(values taken, rows) of every row group in Chromium's orders (``chromium_index_groups``) that
    may start at stream position ``p`` with at most ``left`` rows, each row meeting its 总计."""

    def meets(row: Sequence[int]) -> bool:
        v = [0 if values[i] is None else values[i] for i in row]
        return _holds(v[:6], v[6:7]) is True

    return [(used, [[(values[i], i) for i in row] for row in rows])
            for used, rows in chromium_index_groups(len(values), p, left, starts, joined, meets)]  # fmt: skip


def chromium_index_groups(n: int, p: int, left: int, starts: Sequence[bool], joined: Sequence[int],
                          keep: Callable[[Sequence[int]], bool] = lambda row: True,
                          lines: bool = True) -> list[tuple[int, list[list[int]]]]:  # fmt: skip
    """(values taken, rows as the stream indices of their seven columns) of every row group of a
    stream of ``n`` values that may start at ``p`` (at most ``left`` rows) in the orders raw
    ``pdftotext`` gives Chromium's table and the template's groups do not cover: runs whose first
    column came with the labels (``lead_runs``), and groups of rows column by column (``k`` > 1) that
    are longer than ``streamorder.MAX_GROUP`` or whose two adjacent columns come joined, a line per
    row, or a column on one line (``_layouts``); a row only where ``keep`` takes it. ``lines``: a
    column's values may stand on one line (without the rows' sums, as ``blockorder`` divides, such
    a line is as well one row's cells: left out there)."""
    out = lead_runs(n, p, left, starts, joined, keep, lines)
    for k in range(1, min(MAX_LEAD, left) + 1):
        if p + k * APP_COLS > n:
            break
        for plain, rows in _layouts(p, k, APP_COLS, starts, joined, lines):
            if (not plain or k > MAX_GROUP) and all(keep(r) for r in rows):
                out.append((k * APP_COLS, rows))
    return out


def lead_runs(n: int, p: int, left: int, starts: Sequence[bool], joined: Sequence[int],
              keep: Callable[[Sequence[int]], bool] = lambda row: True,
              lines: bool = True) -> list[tuple[int, list[list[int]]]]:  # fmt: skip
    """(values taken, rows as the stream indices of their seven columns) of every run of ``m`` rows
    (2 ≤ ``m`` ≤ min(``left``, ``MAX_LEAD``)) of a stream of ``n`` values that may start at position
    ``p`` with its first column among the labels (module docstring): the first ``s`` rows'
    first-column values, then the run's other six columns, then the remaining ``m - s`` rows'
    first-column values (``s`` from 0 to ``m``); a row only where ``keep`` takes it (the report's
    arithmetic, or none: ``blockorder``). ``starts`` and ``joined`` are per value
    (``streamorder.block_starts``, ``streamorder.label_joins``)."""
    out: list[tuple[int, list[list[int]]]] = []
    for m in range(2, min(MAX_LEAD, left) + 1):
        end = p + m * APP_COLS
        if end > n or len(joined) < end or len(starts) < end:
            break
        for s in range(m, -1, -1):
            before, after = list(range(p, p + s)), list(range(end - (m - s), end))
            if not all(_labels_run(joined, starts, part) for part in (before, after) if part):
                continue
            out.extend((m * APP_COLS, rows) for rows in _other_columns(before + after, p + s, starts, joined, keep, lines))
    return out


def _labels_run(joined: Sequence[int], starts: Sequence[bool], run: Sequence[int]) -> bool:
    """The values at ``run`` (consecutive indices) stand among label text: label text before each but
    the first and no value right after another with an empty line alone between them (``joined`` 0)
    or on its line, label text before at least one; and the value after them starts a new block."""
    last = run[-1]
    if any(joined[i] == 0 for i in run[1:]) or not any(joined[i] >= 2 for i in run):
        return False
    if any(_same_line(starts, joined, i) for i in run[1:]):
        return False  # two values on one line: a row's cells (one column gives a label one value)
    return last + 1 >= len(starts) or starts[last + 1]


def _other_columns(leads: Sequence[int], rest: int, starts: Sequence[bool], joined: Sequence[int],
                   keep: Callable[[Sequence[int]], bool], lines: bool = True) -> list[list[list[int]]]:  # fmt: skip
    """Rows (stream indices) of a run whose first column's values stand at ``leads`` (row order), the
    other six columns from ``rest``, in every division the blocks allow (row groups of ``k`` rows
    column by column, ``_layouts``) whose rows ``keep`` takes; none when there are more than
    ``MAX_LEAD_DIVISIONS``."""
    m = len(leads)
    out: list[list[list[int]]] = []

    def parts(q: int, j: int, acc: list[list[int]]) -> None:
        if len(out) > MAX_LEAD_DIVISIONS:
            return
        if j == m:
            out.append(acc)
            return
        for k in range(1, m - j + 1):
            for _, lay in _layouts(q, k, APP_COLS - 1, starts, joined, lines):
                rows = [[leads[j + jj]] + lay[jj] for jj in range(k)]
                if all(keep(r) for r in rows):
                    parts(q + k * (APP_COLS - 1), j + k, acc + rows)

    parts(rest, 0, [])
    return out if len(out) <= MAX_LEAD_DIVISIONS else []


def _same_line(starts: Sequence[bool], joined: Sequence[int], i: int) -> bool:
    """Value ``i`` stands on the previous value's line (``0 0``: two cells' text on one baseline,
    which raw pdftotext joins): nothing between them (``joined`` 1) and yet a block start (the next
    line would not be one, ``streamorder.block_starts``)."""
    return i < len(starts) and joined[i] == 1 and starts[i]


def _row_block(q: int, width: int, starts: Sequence[bool], joined: Sequence[int]) -> bool:
    """The ``width`` values from ``q`` are one row's cells drawn as one block of their own: Chromium
    draws a row's cells on one baseline, and raw pdftotext may keep them as the lines of one block,
    some joined on a line (``31 3`` / ``0`` / ``0`` / ``1`` / ``0 35``). Told from a column's block of
    a group by holding both: values on one line and values on the next line; the value after them
    starts a block of its own."""
    end = q + width
    if not starts[q] or (end < len(starts) and (not starts[end] or _same_line(starts, joined, end))):
        return False
    same = [_same_line(starts, joined, i) for i in range(q + 1, end)]
    if any(starts[i] and not same[i - q - 1] for i in range(q + 1, end)):
        return False  # another block inside
    return any(same) and not all(same)


def _segments(width: int) -> list[tuple[int, ...]]:
    """Every division of ``width`` adjacent columns into parts of one column or two, as part widths."""
    if width <= 1:
        return [(1,) * width]
    return [(1,) + rest for rest in _segments(width - 1)] + [(2,) + rest for rest in _segments(width - 2)]


def _layouts(q: int, k: int, width: int, starts: Sequence[bool], joined: Sequence[int],
             lines: bool = True) -> list[tuple[bool, list[list[int]]]]:  # fmt: skip
    """The ways a group of ``k`` rows of ``width`` columns from stream position ``q`` may stand in
    the blocks, as (whether it is the plain layout, rows of stream indices): column by column, each
    column's ``k`` values one block (``streamblocks.fits_blocks``: the plain layout); or, for ``k`` >
    1, with pairs of adjacent columns joined a line per row (``0 2`` / ``0 11`` / …: Chromium draws
    two narrow cells' text close enough for pdftotext to make one line of them, and those lines one
    block), or with columns whose ``k`` values stand on one line of their own (``4 5 11 8``: raw
    pdftotext joins the cells of a column of short rows into one line), every other column a block.
    The value after the group starts a block; ``lines``: whether a column may be one line."""
    end = q + k * width
    if end > len(starts):
        return []
    out: list[tuple[bool, list[list[int]]]] = []
    if _fits_blocks(starts, q, k, width):
        out.append((True, [[q + c * k + jj for c in range(width)] for jj in range(k)]))
    elif k == 1 and lines and _row_block(q, width, starts, joined):
        out.append((False, [list(range(q, end))]))
    if k < 2 or (end < len(starts) and (not starts[end] or _same_line(starts, joined, end))):
        return out

    def block(at: int) -> bool:  # a column's k values one block, none on another's line
        return starts[at] and not _same_line(starts, joined, at) and not any(starts[at + t] for t in range(1, k))

    def line(at: int) -> bool:  # a column's k values one line of their own
        return not _same_line(starts, joined, at) and all(_same_line(starts, joined, at + t) for t in range(1, k))

    def pairs(at: int) -> bool:  # k lines of two values, one block
        return all(_same_line(starts, joined, at + 2 * t + 1) and not _same_line(starts, joined, at + 2 * t)
                   and starts[at + 2 * t] == (t == 0) for t in range(k))  # fmt: skip

    for parts in _segments(width):
        rows: list[list[int]] = [[] for _ in range(k)]
        at = q
        as_lines = 0
        for w in parts:
            if w == 1 and lines and line(at):
                as_lines += 1
            elif not (block(at) if w == 1 else pairs(at)):
                break
            for jj in range(k):
                rows[jj] += [at + jj] if w == 1 else [at + 2 * jj, at + 2 * jj + 1]
            at += w * k
        else:
            if 2 in parts or as_lines:
                out.append((False, rows))
    return out


def late_second_column(values: Sequence[Number | None], p: int, left: int, starts: Sequence[bool],
                       joined: Sequence[int]) -> list[tuple[int, list[Row]]]:  # fmt: skip
    """The table's last row from stream position ``p`` with its 商业企业 cell written after its 总计:
    the last value of the stream, a block of its own (Chromium's PDF through raw pdftotext: after the
    row's other six cells and the labels of the rows above it), as (values taken, rows). Only for the
    last template row (``left`` 1) whose seven values end the stream, where the row in the printed
    order does not meet its 总计 and in this order does (a row of both would leave its cells open),
    and not where the value stands on or right under a label's line (``joined`` 2: there it is a
    row's 自然人 cell written with the labels, ``lead_runs``, and either reading meets 总计)."""
    n = len(values)
    if left != 1 or p + APP_COLS != n or len(starts) != n or not starts[n - 1] or late_label_value(joined):
        return []
    order = late_second_order(values[p:n])
    if order is None:
        return []
    return [(APP_COLS, [[(values[p + i], p + i) for i in order]])]


def late_second_order(row: Sequence[Number | None]) -> list[int] | None:
    """Where a row's seven stream values (empty cells 0) break 总计 = the six applicant columns in the
    printed order and meet it with the last value as the row's 商业企业 cell (Chromium writes that
    cell after the 总计), the positions in column order: ``[0, 6, 1, 2, 3, 4, 5]``; else None (a row
    meeting 总计 both ways leaves its cells open, so the printed order stays)."""
    if len(row) != APP_COLS or meets_total(row):
        return None
    order = [0, APP_COLS - 1, *range(1, APP_COLS - 1)]
    return order if meets_total([row[i] for i in order]) else None


def late_label_value(joined: Sequence[int]) -> bool:
    """The stream's last value stands on or right under a label's line, no empty line between
    (``joined`` 2): where Chromium's PDF puts a row's 自然人 value written with the labels."""
    return bool(joined) and joined[-1] == 2
