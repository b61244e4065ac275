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

Where a row's end is pinned (a non-zero 总计), the next row's start is too, and the walk goes on
through rows that a run of seven does not fit: a run of blank marks and a 0 that no fewer of its
values meet, a row group with blank marks (a block of marks one short: that column's cells are
blank in every row either way), a row printing fewer values whose count is the only one meeting a
non-zero 总计 and whose cells every placement agrees on (``short_row``), a row printing one 0 or
blank mark before a non-zero value (``lone_zero``: its place pinned, its cell's column not), and a
row of zeros whose every cell a header piece names (``named_row``: drawn among a page top's header).
A blank mark drawn among the column header's pieces is read as the first row's cell there
(``lone_numbers(header_marks=True)``).

Rows sharing a merged label are often written column by column: ``APP_COLS`` blocks (raw
``pdftotext`` ends a block at an empty line) of one value per row each (``column_group``). Such a
group is taken where it stands in the leading rows (the rows before it pinned by a non-zero run),
and at the very end of the stream (nothing of table 三 printed after it), where its rows are the
template's last rows, with the runs of seven before it read backwards from the first with two
non-zero applicant values (``stream_tail_rows``), kept only where the column identities do not
contradict them.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankcells import APP_COLS, TOL, contract_slot, meets_total
from .blankdivision import short_row_placements
from .lastcolumn import PAGE_ORDERS, subtotal_slot, without_review_rows
from .result import BLANK, TableResult
from .chromelead import late_label_value, late_second_order
from .streamorder import SUBTOTAL_SLOTS, block_starts, header_lead, label_joins, lone_numbers, subtotal_header


def column_blocks(starts: Sequence[bool], at: int, count: int = APP_COLS) -> list[tuple[int, int]] | None:
    """The ``count`` consecutive blocks of values from index ``at``: ``(start, end)`` index pairs
    (end exclusive), a block running from a value that opens one (``starts[i]``,
    ``streamorder.block_starts``) to the next; None where fewer than ``count`` blocks follow or
    ``at`` opens none."""
    n = len(starts)
    bounds: list[tuple[int, int]] = []
    i = at
    for _ in range(count):
        if i >= n or not starts[i]:
            return None
        j = i + 1
        while j < n and not starts[j]:
            j += 1
        bounds.append((i, j))
        i = j
    return bounds


def printed_fits(run: Sequence[Cell], sub: int | None = None) -> bool:
    """Does a printed row meet its arithmetic: 总计 = the six applicant columns, and with the
    8-column variant's 小计 at printed slot ``sub`` (``streamorder.SUBTOTAL_SLOTS``) also 小计 = its
    five organisation columns (a blank mark 0)?"""
    values = [c.value for c in run]
    if sub is None:
        return meets_total(values)
    row = values[:sub] + values[sub + 1 :]
    return meets_total(row) and abs(sum(v or 0 for v in row[1:6]) - (values[sub] or 0)) <= TOL


def contract_cells(run: Sequence[Cell], sub: int | None = None) -> list[Cell]:
    """A printed row's seven contract cells: its 小计 at printed slot ``sub`` left out."""
    return list(run) if sub is None else [c for k, c in enumerate(run) if k != sub]


def hints_agree(hints: Sequence[int | None], sub: int | None = None) -> bool:
    """Does every header hint over a printed row's slots name the column its slot is (none over the
    8-column variant's 小计 at ``sub``: no applicant column header names it)?"""
    return not any(h is not None and h != contract_slot(k, sub) for k, h in enumerate(hints))


def column_group(cells: Sequence[Cell], starts: Sequence[bool], hints: Sequence[int | None], at: int,
                 marks: bool = False, sub: int | None = None) -> list[list[Cell]] | None:
    """The rows of a row group written column by column from ``cells[at]``: ``APP_COLS`` consecutive
    blocks (``starts[i]``: ``cells[i]`` opens a block, ``streamorder.block_starts``) of the same
    size r >= 2, the i-th value of each block the i-th row's; every value a number, every row
    meeting 总计, and a header hint in block k naming column k. With ``marks``, a blank mark (``—``,
    ``无``) may stand in a block of size r (each row prints its cell there, in row order) and a block
    may hold r - 1 values that are all blank marks (one row's cell empty, the others marks: every
    row's cell of that column is blank either way, given as a mark). ``sub``: the 8-column
    variant's 小计 slot, eight blocks then and each row meeting its 小计 too (``printed_fits``).
    Returns the r rows of ``APP_COLS`` cells (the 小计 left out), or None where the blocks from
    ``at`` are no such group."""
    bounds = column_blocks(starts, at, APP_COLS + (sub is not None))
    if bounds is None:
        return None
    r = max(b - a for a, b in bounds)
    if r < 2:
        return None  # blocks of one value are values apart, not a group's columns
    short = [k for k, (a, b) in enumerate(bounds) if b - a != r]
    if short and not (marks and all(b - a == r - 1 and all(c.value is None for c in cells[a:b])
                                    for a, b in (bounds[k] for k in short))):  # fmt: skip
        return None
    if any(not hints_agree([h if j == k else None for j in range(len(bounds))], sub)
           for k, (a, b) in enumerate(bounds) for h in hints[a:b]):  # fmt: skip
        return None
    rows = [[cells[a + min(i, b - a - 1)] for a, b in bounds] for i in range(r)]
    if not marks and any(c.value is None for row in rows for c in row):
        return None  # a blank mark in a column block: which row it is in is not printed
    if not all(printed_fits(row, sub) for row in rows):
        return None
    return [contract_cells(row, sub) for row in rows]


def block_orders(count: int) -> list[tuple[int, ...]]:
    """The orders of ``count`` consecutive column blocks other than their own (``order[col]``: the
    block drawn for column col): every move of one block to another place (LibreOffice draws a
    column after the 总计 column, or before the others), and LibreOffice's page orders
    (``lastcolumn.PAGE_ORDERS``: 商业企业 and 科研机构, whose header cells wrap, drawn after 其他;
    the blocks past the six applicant ones in place)."""
    orders = set()
    for src in range(count):
        rest = [k for k in range(count) if k != src]
        for dst in range(count):
            orders.add(tuple(rest[:dst] + [src] + rest[dst:]))
    for page in PAGE_ORDERS:
        orders.add(tuple(page.index(col) for col in range(len(page))) + tuple(range(len(page), count)))
    orders.discard(tuple(range(count)))
    return sorted(orders)


def _same_cell(a: Cell, b: Cell) -> bool:
    """Do two readings give a cell alike: both blank marks, or values equal within ``TOL``?"""
    return (a.value is None) == (b.value is None) and (a.value is None or abs(a.value - b.value) <= TOL)


def _agreed(fits: Sequence[list[list[Cell]]]) -> list[list[Cell | None]]:
    """The rows of the first placement with each cell the placements give differently None (open)."""
    return [[c if all(_same_cell(c, f[k][col]) for f in fits) else None for col, c in enumerate(row)]
            for k, row in enumerate(fits[0])]


def moved_column_group(cells: Sequence[Cell], starts: Sequence[bool], hints: Sequence[int | None],
                       at: int, admit: Callable[[list[list[Cell]]], bool] | None = None) -> list[list[Cell | None]] | None:
    """The rows of a row group written column by column from ``cells[at]`` whose ``APP_COLS``
    blocks of one size r >= 2 (values or blank marks) are in the columns' order but for one block
    drawn elsewhere among them (LibreOffice draws a column after the 总计 column, or before
    the others), or in LibreOffice's page order (商业企业 and 科研机构 after 其他; ``block_orders``):
    every such order that has each row meet 总计
    (and every header hint in a block name the column it lands in, and ``admit`` accept the rows:
    the column identities with the rows already known) is a placement. An applicant block moved
    among the applicant columns meets every 总计 wherever it lands, so without hints or identities
    the arithmetic pins the 总计 column and little else: a cell all placements give alike is the
    group's, one they disagree on is None (open). None where the blocks are not so or no such
    order fits; the caller tries the blocks' own order first."""
    bounds = column_blocks(starts, at)
    if bounds is None:
        return None
    r = bounds[0][1] - bounds[0][0]
    if r < 2 or any(b - a != r for a, b in bounds):
        return None
    fits: list[list[list[Cell]]] = []
    for order in block_orders(APP_COLS):
        if any(h is not None and h != col for col, b in enumerate(order) for h in hints[bounds[b][0] : bounds[b][1]]):
            continue
        rows = [[cells[bounds[b][0] + k] for b in order] for k in range(r)]
        if all(meets_total([c.value for c in row]) for row in rows) and (admit is None or admit(rows)):
            fits.append(rows)
    return _agreed(fits) if fits else None


def _group_missing_column(cells: Sequence[Cell], starts: Sequence[bool], hints: Sequence[int | None],
                          at: int, admit: Callable[[list[list[Cell]]], bool]) -> list[list[Cell | None]]:
    """The stream's last row group written column by column with one column's block drawn apart
    (WPS draws a page's first column as one block, the rows above the group's with it): six
    blocks of one size r >= 2 from ``cells[at]`` to the stream's end, all numbers, in the columns'
    order but one. For each column the six may leave out, that column's cells follow from each
    row's 总计 (the 总计 column: the sum; an applicant column: 总计 less the others', never
    negative), and the rows must pass the header hints and ``admit`` (the column identities with
    the rows known: 一 <= (七)总计 + 四, …). Kept only where one column fits and its r cells are
    printed earlier in the stream as the last r values of one block, in row order (the column
    drawn apart; its cells are those values) with one of them not 0. ``[]`` otherwise."""
    bounds = column_blocks(starts, at, APP_COLS - 1) if at >= 1 else None
    if bounds is None:
        return []
    r = bounds[0][1] - bounds[0][0]
    if r < 2 or any(b - a != r for a, b in bounds) or any(c.value is None for c in cells[at:]):
        return []
    fits: list[list[list[Cell]]] = []
    for gap in range(APP_COLS):
        cols = [k for k in range(APP_COLS) if k != gap]
        if any(h is not None and h != col for col, (a, b) in zip(cols, bounds) for h in hints[a:b]):
            continue
        need: list[float] = []
        for k in range(r):
            vals = {col: cells[a + k].value for col, (a, b) in zip(cols, bounds)}
            v = sum(vals.values()) if gap == APP_COLS - 1 else vals[APP_COLS - 1] - sum(
                x for col, x in vals.items() if col != APP_COLS - 1)
            need.append(v)
        if any(v < -TOL for v in need) or all(abs(v) <= TOL for v in need):
            continue
        # the column drawn apart: the last r values of an earlier block, in row order
        printed = None
        for e in range(at, r - 1, -1):  # e: where the block holding the r values ends
            run = cells[e - r : e]
            if (e == at or starts[e]) and not any(starts[e - r + 1 : e]) and all(
                    c.value is not None and abs(c.value - v) <= TOL for c, v in zip(run, need)):
                printed = list(run)
                break
        if printed is None:
            continue
        rows = [[printed[k] if col == gap else cells[bounds[cols.index(col)][0] + k] for col in range(APP_COLS)]
                for k in range(r)]
        if admit(rows):
            fits.append(rows)
    return fits[0] if len(fits) == 1 else []


def row_counts(cells: Sequence[Cell], at: int) -> list[int]:
    """The counts m of values from ``cells[at]`` (one to ``APP_COLS``) whose last, a number, is the
    sum of the ones before it (a blank mark 0): where a row starting there may end at its 总计."""
    out = []
    for m in range(1, min(APP_COLS, len(cells) - at) + 1):
        run = cells[at : at + m]
        if run[-1].value is not None and abs(sum(c.value or 0 for c in run[:-1]) - run[-1].value) <= TOL:
            out.append(m)
    return out


def short_row(cells: Sequence[Cell], hints: Sequence[int | None], starts: Sequence[bool],
              at: int) -> tuple[int, list[Cell]] | None:
    """A row printing fewer than ``APP_COLS`` values from ``cells[at]`` (its first value's place in
    the stream pinned by the rows before it): the only count of values from one to seven whose last,
    a number, is the sum of the ones before it (a blank mark 0), each value a block of its own
    (``starts``; a row group's column blocks hold more) as is the value after it, and every
    order-keeping placement of the values under the columns that meets 总计 with the last in 总计
    (``blankdivision.short_row_placements``; a header piece keeps a value in its column) giving
    each column the same value or none. Returns (values taken, the row's ``APP_COLS`` cells: an
    empty column a blank ``Cell`` with no value) or None."""
    n = len(cells)
    fits = row_counts(cells, at)
    if len(fits) != 1 or fits[0] == APP_COLS:
        return None
    m = fits[0]
    if abs(cells[at + m - 1].value) <= TOL:
        return None  # a row of zeros may leave its 总计 empty: its 0 may be another column's
    if not all(starts[i] for i in range(at, min(at + m + 1, n))):
        return None
    run = list(cells[at : at + m])
    placements = [p for p in short_row_placements([c.value for c in run], list(hints[at : at + m]))
                  if p[-1] == APP_COLS - 1]  # fmt: skip
    if not placements:
        return None
    row: list[Cell | None] = [None] * APP_COLS
    for slots in placements:
        taken = dict(zip(slots, run))
        for k in range(APP_COLS):
            c = taken.get(k)
            # an empty column and a blank mark are both blank: the same cell
            if c is not None and c.value is None:
                c = None
            if slots is placements[0]:
                row[k] = c
            elif (row[k] is None) != (c is None) or (c is not None and row[k] is not c and row[k].value != c.value):
                return None
    empty = Cell(None, "", run[-1].end, run[-1].end, run[-1].line, 0, 0, 1.0)
    return m, [c if c is not None else empty for c in row]


# the header pieces a row drawn among the column header's pieces prints before its values: its first
# three cells one block before the 社会公益组织 piece, then one piece before each of its other cells
_NAMED = (None, None, None, 3, 4, 5, APP_COLS - 1)


def named_row(hints: Sequence[int | None], starts: Sequence[bool] | None, at: int) -> bool:
    """Are the ``APP_COLS`` values from ``at`` a row drawn among the column header's pieces, each cell
    under its own header: the first three one block of the reading (``starts``) right before the
    社会公益组织 piece, and a piece naming each later column (the 总计 piece among them) right before
    its value? Then a blank cell would leave its column's piece without a value after it (the next
    piece, or a value named by another column, would follow), so the row printed seven cells, zeros or
    not, and ends at the value after the 总计 piece."""
    if starts is None or at + APP_COLS > len(hints) or tuple(hints[at : at + APP_COLS]) != _NAMED:
        return False
    return starts[at] and not starts[at + 1] and not starts[at + 2] and starts[at + 3]


def lone_zero(cells: Sequence[Cell], starts: Sequence[bool], at: int) -> bool:
    """Does a row starting at ``cells[at]`` print that one value, a 0 or a blank mark, and nothing
    else? So where the value after it is a non-zero number that opens a block of the reading
    (``starts``) and no other count of values from ``cells[at]`` has its last the sum of the ones
    before (``row_counts``): a row taking more would break 总计 = the six applicant columns with its
    总计 printed, and with its 总计 left empty its values would all be 0 or blank. Which column the
    value is in is not printed (a row printing only 总计 0, or one cell with the others empty). The
    next value opening a block keeps out a row group's column block starting there (``column_group``)."""
    n = len(cells)
    if at + 1 >= n or (cells[at].value is not None and abs(cells[at].value) > TOL):
        return False
    nxt = cells[at + 1].value
    return nxt is not None and abs(nxt) > TOL and starts[at + 1] and set(row_counts(cells, at)) <= {1}


def stream_lead_rows(cells: Sequence[Cell], hints: Sequence[int | None], rows: int,
                     starts: Sequence[bool] | None = None, at: int = 0,
                     after_pinned: bool = False, sub: int | None = None) -> list[list[Cell] | None]:
    """The leading rows the value stream ``cells`` (one value a line, in order; ``hints[i]`` the
    column a header piece printed just before ``cells[i]`` names, or None) pins: runs of
    ``APP_COLS`` values from the first (a blank mark ``—``/``无``, value None, is a printed blank
    cell: 0 in the arithmetic), each meeting 总计 and agreeing with every hint, at most ``rows`` of
    them; cut after the last run whose 总计 is not 0 (``[]`` when none is). With ``starts`` (block
    starts, ``column_group``), a row group written column by column right after a non-zero run
    gives its rows in place of runs, and right after a pinned row (a non-zero 总计, or one of
    the three kinds that follow) the walk goes on where no run of seven fits, and these rows are pinned
    too: a run of seven whose values no fewer of meet 总计 (blank marks before its 0) or whose every
    cell a header piece names (``named_row``, also as the first row), a row group with blank marks
    (``column_group(marks=True)``), a row printing fewer values whose count and cells are pinned
    (``short_row``), a row printing one 0 or mark before a non-zero value (``lone_zero``: an entry
    None, its place pinned but not its cell's column). Returns one list of
    ``APP_COLS`` cells per template row from the first, or None for a row whose cells are not
    pinned although its place is: a run of rows totalling 0 that holds a blank mark (rows sharing
    a merged label cell are written column by column, so where the mark stands among the zeros
    is not known; its rows' count is). ``at``: where the walk starts (``cells[at]`` the first
    row's first value); ``after_pinned``: the rows before ``cells[at]`` were read elsewhere and
    the last of them is pinned (its end known: the walk may take a group or go on past a run that
    does not fit right away, as after a pinned row of its own). ``sub``: the 8-column variant's
    小计 slot (``streamorder.SUBTOTAL_SLOTS``): runs and groups eight values wide meeting their 小计
    too (``printed_fits``), the 小计 left out of the rows returned; only runs, row groups and row
    groups with blank marks are read there (the other kinds of row are the seven columns')."""
    width = APP_COLS + (sub is not None)
    seven = sub is None
    runs: list[list[Cell]] = []
    marked: list[bool] = []  # per row kept: it printed a blank mark (its 小计 too)
    anchor: list[bool] = []  # per row kept: its end is pinned (a later row's place follows from it)
    open_rows: set[int] = set()  # rows whose place is pinned but not their cells (``lone_zero``)

    def pinned() -> bool:
        # right after a pinned row: a run of zeros before may have moved the stream by a value
        return starts is not None and (anchor[-1] if anchor else after_pinned)

    while len(runs) < rows:
        # a group only after a non-zero run: a leading run of zeros may be a later row (row 一
        # printing only its 总计, drawn apart), which would move the group's rows by one
        group = column_group(cells, starts, hints, at, sub=sub) \
            if starts is not None and (any(anchor) or after_pinned) else None  # fmt: skip
        if group is not None and len(runs) + len(group) <= rows:
            for row in group:
                runs.append(row)
                marked.append(False)
                anchor.append(abs(row[-1].value) > TOL)
            at += width * len(group)
            continue
        run = list(cells[at : at + width])
        values = [c.value for c in run]
        if len(run) == width and printed_fits(run, sub) and hints_agree(hints[at : at + width], sub):
            # a run of zeros is pinned too where no fewer of its values meet 总计 (blank marks before its 0),
            # or where the header's pieces name every one of its cells (``named_row``)
            anchor.append((values[-1] is not None and abs(values[-1]) > TOL)
                          or (seven and pinned() and row_counts(cells, at) == [APP_COLS])
                          or (seven and (pinned() or not runs) and named_row(hints, starts, at)))  # fmt: skip
            runs.append(contract_cells(run, sub))
            marked.append(any(v is None for v in values))
            at += width
            continue
        # no run of seven: a group with blank marks (``column_group(marks=True)``), or a row printing
        # fewer values (blank cells leave no line) where its length and its cells are pinned (``short_row``)
        group = column_group(cells, starts, hints, at, marks=True, sub=sub) if pinned() else None
        if group is not None and len(runs) + len(group) <= rows:
            runs.extend(group)
            marked.extend([False] * len(group))
            anchor.extend([True] * len(group))  # its blocks pin its rows and where the next row starts
            at = column_blocks(starts, at, width)[-1][1]  # type: ignore[index]  # the group was read there
            continue
        short = short_row(cells, hints, starts, at) if seven and pinned() else None
        if short is not None:
            used, row = short
            runs.append(row)
            marked.append(False)
            anchor.append(True)  # no other count of values meets 总计 there
            at += used
            continue
        if not (seven and pinned() and lone_zero(cells, starts, at)):
            break
        runs.append([cells[at]])
        marked.append(False)
        anchor.append(True)  # the next row starts at the non-zero value after it
        open_rows.add(len(runs) - 1)
        at += 1
    last = max((k for k, a in enumerate(anchor) if a), default=-1)
    out: list[list[Cell] | None] = [None if k in open_rows else run for k, run in enumerate(runs[: last + 1])]
    zero = [not a for a in anchor[: last + 1]]
    k = 0
    while k < len(out):
        if not zero[k]:
            k += 1
            continue
        end = k
        while end < len(out) and zero[end]:
            end += 1
        if any(c.value is None for r in runs[k:end] for c in r) or any(marked[k:end]):
            out[k:end] = [None] * (end - k)
        k = end
    return out


def strong_run(run: Sequence[Cell]) -> bool:
    """Does a run of seven meeting 总计 hold two or more non-zero applicant values? Moved by a
    value or more (a row printing fewer between it and the stream's end), such a run breaks its
    总计 but by chance; a run of zeros, or one value and its equal 总计, still meets it."""
    return sum(c.value is not None and abs(c.value) > TOL for c in run[:-1]) >= 2


def stream_tail_rows(cells: Sequence[Cell], starts: Sequence[bool], hints: Sequence[int | None],
                     rows: int, admit: Callable[[list[list[Cell]]], bool] | None = None,
                     late_second: bool = False) -> list[list[Cell | None]]:  # fmt: skip
    """The template's last rows that the end of the value stream ``cells`` pins (at most ``rows``;
    ``[]`` for none): a row group written column by column (``column_group``) whose last block
    ends the stream (a group's blocks hold one value per row, so a row short of a value would make
    its column's block shorter; a blank mark in a block is so its own row's cell, None), and before
    it runs of seven meeting 总计 read backwards, kept from the earliest run with two non-zero
    applicant values on (``strong_run``: a row printing fewer values later in the stream would have
    moved it and broken its 总计; the runs after it are so pinned too: k rows in 7k values each
    print seven, so a blank mark among them is its own row's cell, 0 in 总计). Where the group's 总计 block is longer than its other blocks
    (``_group_after_lone_totals``: totals of rows printing only 总计 above it) the group alone, an
    entry None for a cell it leaves open. Nothing where every row kept totals 0: the identities
    confirm nothing there. With ``late_second``, where no group ends the stream, its last row may have
    its 商业企业 cell written last (``chromelead.late_second_column``: the stream's last value a block of
    its own, the seven values breaking 总计 in the printed order and meeting it so), a run like the
    others. The caller checks the rows against the identities."""
    n = len(cells)
    first = n - 1
    while first > 0 and not starts[first]:
        first -= 1
    r = n - first
    group: list[list[Cell | None]] = []
    if 2 <= r <= rows and APP_COLS * r <= n:
        # a blank mark in a block of r values is its row's cell: every block holds one value per row
        found = column_group(cells, starts, hints, n - APP_COLS * r, marks=True)
        if found is not None and admit is not None and not admit(found):
            found = None  # the columns' order breaks the identities: the blocks drawn in another order
        if found is None:
            found = moved_column_group(cells, starts, hints, n - APP_COLS * r, admit)
        group = found if found is not None and len(found) == r else []
    lone_totals = False
    end = n - APP_COLS * len(group)
    if not group:
        group = _group_after_lone_totals(cells, starts, hints, first, rows, admit)
        lone_totals = bool(group)
        end = n - APP_COLS * len(group)
    if not group and 2 <= r <= rows and admit is not None:
        group = _group_missing_column(cells, starts, hints, n - (APP_COLS - 1) * r, admit)
        end = n - (APP_COLS - 1) * r
    runs: list[list[Cell]] = []
    if late_second and not group and rows >= 1 and n >= APP_COLS and starts[n - 1]:
        last = list(cells[n - APP_COLS :])
        order = late_second_order([c.value for c in last])
        if order is not None:
            runs.append([last[i] for i in order])
            end = n - APP_COLS
    # with earlier rows' totals inside the group's 总计 block, the rows just before the group
    # are drawn partly after its first columns: runs of seven before it are not theirs
    while not lone_totals and len(group) + len(runs) < rows and end >= APP_COLS:
        run = list(cells[end - APP_COLS : end])
        if not meets_total([c.value for c in run]):
            break
        if any(h is not None and h != k for k, h in enumerate(hints[end - APP_COLS : end])):
            break
        runs.insert(0, run)
        end -= APP_COLS
    strong = next((k for k, run in enumerate(runs) if strong_run(run)), len(runs))
    out = runs[strong:] + group
    if all(row[-1] is None or abs(row[-1].value or 0) <= TOL for row in out):
        return []  # rows of zeros: every placement of them meets the identities, none is confirmed
    return out


def _group_after_lone_totals(cells: Sequence[Cell], starts: Sequence[bool], hints: Sequence[int | None],
                             first: int, rows: int,
                             admit: Callable[[list[list[Cell]]], bool] | None = None) -> list[list[Cell | None]]:
    """The stream's last row group written column by column where its 总计 block (the last,
    from ``cells[first]``) is longer than the six applicant blocks before it, all of one size r:
    rows printing only their 总计 just above the group draw that value in the same column, so
    poppler writes it in the 总计 column's block, before the group's own totals. The group is the
    six blocks and the last r values of the 总计 block (``column_group``'s checks on them; a
    header piece in the 总计 block naming another column rules it out). ``[]`` where the blocks
    are not so. An applicant column whose cells in the group are all 0 is left open (None): the
    rows printing only 总计 may have printed those zeros. Where the six blocks in the columns' order
    break the identities (``admit``), the other orders LibreOffice draws (``block_orders``) that
    ``admit`` accepts, a cell they give differently open."""
    n = len(cells)
    a = first - 1
    while a > 0 and not starts[a]:
        a -= 1
    r = first - a
    if not (2 <= r <= rows and n - first > r and first >= APP_COLS - 1 and APP_COLS * r <= n):
        return []
    if any(h is not None and h != APP_COLS - 1 for h in hints[first:n]):
        return []
    at = first - (APP_COLS - 1) * r
    if at < 0:
        return []
    def group(order: Sequence[int]) -> list[list[Cell]] | None:
        # order[col]: the applicant block drawn for column col; the group's totals end the 总计 block
        picked = [at + order[col] * r + k for col in range(APP_COLS - 1) for k in range(r)] + list(range(n - r, n))
        sub_starts = [starts[i] for i in picked]
        sub_starts[(APP_COLS - 1) * r] = True  # the group's own totals: the rest of the 总计 block
        found = column_group([cells[i] for i in picked], sub_starts, [hints[i] for i in picked], 0)
        return found if found is not None and len(found) == r else None

    found: list[list[Cell | None]] | None = group(range(APP_COLS - 1))
    if found is not None and admit is not None and not admit(found):  # type: ignore[arg-type]
        # the columns' order breaks the identities: the blocks drawn in another order, each kept
        # where the identities admit it, a cell they give differently open
        fits = [rows for order in block_orders(APP_COLS - 1) if (rows := group(order)) is not None and admit(rows)]
        found = _agreed(fits) if fits else None
    if found is None:
        return []
    # a row printing only its 总计 may print zeros too, drawn in their columns' blocks, and a row of
    # the group a blank there keeps the block's size: an applicant column of zeros does not say
    # which of its zeros are the group's (a shifted zero breaks no 总计)
    zero = [all(c is None or abs(c.value or 0) <= TOL for c in (row[k] for row in found)) for k in range(APP_COLS - 1)]
    return [[None if k < APP_COLS - 1 and zero[k] else c for k, c in enumerate(row)] for row in found]


def conflicts(res: TableResult, cols: Sequence[str], placed: Sequence[tuple[str, Sequence[Cell | None] | None]]) -> bool:
    """Does a cell already determined (not null, not a guess) hold another value than ``placed``?"""
    for key, run in placed:
        for col, cell in zip(cols, run or []):
            if cell is None:
                continue  # a cell the reading leaves open: nothing placed there
            now = res.values.get(key, {}).get(col)
            if now is not None and (key, col) not in res.ambiguous and (cell.value is None or abs(now - cell.value) > TOL):
                return True
    return False


def place_rows(res: TableResult, cols: Sequence[str], placed: Sequence[tuple[str, Sequence[Cell | None] | None]]) -> list[str]:
    """Give the rows ``placed`` their cells (inferred; a blank mark a blank cell) where ``res``
    holds none or a guess; returns the rows changed."""
    out = []
    for key, run in placed:
        if run is None:
            continue
        changed = False
        for col, cell in zip(cols, run):
            if cell is None:
                continue  # left as it was (null, or a flagged guess)
            now = res.values.get(key, {}).get(col)
            if now is None or (key, col) in res.ambiguous:
                if cell.value is None:
                    res.null(key, col, BLANK)  # a blank mark: printed empty
                else:
                    res.put(key, col, cell, inferred=True)
                res.ambiguous.discard((key, col))
                changed = True
        if all(cell is not None for cell in run):
            res.by_order.discard(key)
        if changed:
            out.append(key)
    return out


def _determined(res: TableResult, key: str, col: str) -> float | None:
    """A cell's value where it is determined (a number, not a guess), else None."""
    v = res.values.get(key, {}).get(col)
    return None if (key, col) in res.ambiguous or key in res.by_order or not isinstance(v, (int, float)) else v


def tail_contradicted(res: TableResult, cols: Sequence[str], tail: dict[str, Sequence[Cell]]) -> bool:
    """Do the rows ``tail`` (template row -> cells) break a column identity with the rows ``res``
    determines: 一+二 = (七)总计+四 where all four are known, 一 <= (七)总计+四 and 二 <= (七)总计+四
    where those three are, (七)总计 >= each row of 三(一)…(六)
    (values are counts)? A group taken as the last rows that is not (a last row printing
    nothing) breaks them unless its values are all zeros."""
    keys = list(res.spec.row_keys)
    def value(key: str, k: int) -> float | None:
        cell = tail[key][k] if key in tail else None
        return cell.value if cell is not None else _determined(res, key, cols[k])
    for k in range(APP_COLS):
        four = [value(key, k) for key in ("new_received", "carried_over", "total_handled", "carried_forward")]
        if all(v is not None for v in four) and abs(four[0] + four[1] - four[2] - four[3]) > TOL:
            return True
        if four[2] is not None and four[3] is not None and any(
                v is not None and v > four[2] + four[3] + TOL for v in four[:2]):
            return True  # 一 or 二 alone larger than (七)总计 + 四: the other is a count, not negative
        total = value("total_handled", k)
        if total is not None:
            for key in keys[keys.index("granted") : keys.index("total_handled")]:
                v = value(key, k)
                if v is not None and v > total + TOL:
                    return True
    return False


def _before_stray(res: TableResult, cols: Sequence[str], cells: Sequence[Cell], starts: Sequence[bool],
                  hints: Sequence[int | None], rows: int,
                  admit: Callable[[list[list[Cell]]], bool] | None = None) -> list[list[Cell | None]]:
    """The stream's last rows (``stream_tail_rows``) read before its last value, a block of its own
    after them (a value of another table, or a page's stray, drawn after table 三's last row
    group), only where that value cannot be table 三's: were it a later row's, the rows read would
    be the template's rows one earlier, and there they break a column identity with the rows
    ``res`` determines (``tail_contradicted``: (七)总计 >= each row of 三(一)…(六), …). ``[]``
    otherwise (``admit``: as ``stream_tail_rows``'s)."""
    group = stream_tail_rows(cells[:-1], starts[:-1], hints[:-1], rows - 1, admit)
    keys = list(res.spec.row_keys)
    if not group or len(group) + 1 > rows:
        return []
    earlier = dict(zip(keys[len(keys) - len(group) - 1 : -1], group))
    return group if tail_contradicted(res, cols, earlier) else []


def _eight_column_lead(cells: Sequence[Cell], hints: Sequence[int | None], rows: int, starts: Sequence[bool],
                       said: int | None) -> list[list[Cell | None] | None]:
    """The leading rows of the 8-column variant (a 小计 header printed): the stream walked with its
    小计 after 自然人 and after 其他 (``streamorder.SUBTOTAL_SLOTS``; ``stream_lead_rows(sub=…)``).
    The rows both walks pin are kept, a cell the two give differently open (None: a row of values
    that meets both slots' arithmetic, ``3 2 0 0 0 0 2 5``, does not say whether its 2 is 商业企业's or
    其他's); the rows only the longer walk pins are kept where the header lines put the 小计 at that
    walk's slot (``said``, ``lastcolumn.subtotal_slot``): the other slot's walk stopped there, its
    row breaking that slot's arithmetic, and the header says the same."""
    walks = {sub: stream_lead_rows(cells, hints, rows, starts, sub=sub) for sub in SUBTOTAL_SLOTS}
    first, second = (walks[sub] for sub in SUBTOTAL_SLOTS)
    out: list[list[Cell | None] | None] = []
    for a, b in zip(first, second):
        if a is None or b is None:
            out.append(None)
            continue
        out.append([x if _same_cell(x, y) else None for x, y in zip(a, b)])
    longer = max(SUBTOTAL_SLOTS, key=lambda sub: len(walks[sub]))
    if said == longer:
        out += walks[longer][len(out) :]
    return out


def lead_rows(res: TableResult, doc: Document, lines: Sequence[Line], whole: Sequence[Line] | None = None) -> list[str]:
    """Table 三 read by order (``streamorder.distrust_order``) given the rows its value stream in
    ``lines`` pins from its start (``stream_lead_rows``) and from its end (``stream_tail_rows``,
    over ``whole``: the region with its continuation past the next heading, where there is one):
    their cells take the run's values (``inferred``, no longer guesses). Nothing changes at the
    start where values are drawn before the column header (the stream does not start with the
    first row), nothing anywhere where the table is not seven columns wide, and a part is dropped
    where a cell already determined (not null, not a guess) holds another value (the two readings
    disagree) or, at the end, where the rows contradict a column identity. ``res`` is changed in
    place; returns the rows set (warned)."""
    spec = res.spec
    cols = list(spec.rows[0].cols)
    if len(cols) != APP_COLS or not {"new_received", "carried_over", "granted", "total_handled",
                                     "carried_forward"} <= set(spec.row_keys):
        return []
    # a blank mark drawn among the column header's pieces is the first row's cell (a mark table's
    # row 一 at the first page top: ``法律服 / 务机构 / — / 其他``)
    cells, hints = lone_numbers(doc, lines, header_marks=True)
    if not cells:
        return []
    placed: list[str] = []
    nlead = 0  # rows the start pins (changed or not): the end's rows come after them
    if not header_lead(doc, lines, cells):
        starts = block_starts(cells, lines)
        if any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
            runs = _eight_column_lead(cells, hints, len(spec.row_keys), starts, subtotal_slot(doc.text, lines))
        else:
            runs = stream_lead_rows(cells, hints, len(spec.row_keys), starts)
        lead = list(zip(spec.row_keys, runs))
        if not conflicts(res, cols, lead):
            placed, nlead = place_rows(res, cols, lead), len(runs)
    if placed:
        res.warn("rows read from the start of the value stream, seven values a row each meeting 总计 (up to a row "
                 "with a non-zero 总计, so no earlier row printed fewer values): " + ", ".join(placed))
    # table 四's rows drawn among table 三's last values (its group word, header pieces and their
    # values) are not table 三's: the stream's end is before them
    span = without_review_rows(doc.text, lines if whole is None else whole)
    cells, hints = lone_numbers(doc, span)
    starts = block_starts(cells, span)
    free = len(spec.row_keys) - nlead

    def admit(rows: list[list[Cell]]) -> bool:
        # a group's blocks put in another order: the template's last rows, within the identities
        return not tail_contradicted(res, cols, dict(zip(spec.row_keys[len(spec.row_keys) - len(rows):], rows)))

    # the last row's 商业企业 cell written last, not on or under a label's line (a 自然人 cell there)
    late = bool(cells) and not late_label_value(label_joins(doc, cells, span))
    group = stream_tail_rows(cells, starts, hints, free, admit, late_second=late)
    if not group and len(cells) > 1 and starts[-1]:
        # a value of its own after them: read before it where it cannot be a later row's
        group = _before_stray(res, cols, cells, starts, hints, free, admit)
    tail = list(zip(spec.row_keys[len(spec.row_keys) - len(group):], group))
    if group and not conflicts(res, cols, tail) and not tail_contradicted(res, cols, dict(tail)):
        done = place_rows(res, cols, tail)
        if done:
            res.warn("rows read from the end of the value stream, nothing of the table after them (a row group written "
                     "column by column ending it, a block of one value per row for each column; before it runs of seven "
                     "values meeting 总计, from one with two non-zero applicant values on): " + ", ".join(done))
        placed += done
    return placed
