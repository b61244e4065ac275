"""Table 三's stream divided by raw ``pdftotext``'s blocks where the report's own arithmetic is wrong.

``streamorder.solve_stream`` divides the one-value lines into row groups under which every row meets
its 总计; a report whose arithmetic is wrong (a row's 总计 not the sum of its columns, a column
identity broken) has no such division, and its table was left to the ordinary reading (values by
order, a flagged guess). Raw ``pdftotext`` ends every block with an empty line, and a row group's
cells of one column are one block of ``k`` lines (``streamblocks.fits_blocks``): the blocks alone
tell the groups. ``divide_by_blocks`` lists every division the blocks allow (values of another table
before the header or after the last row, page numbers between groups passed over as in
``solve_stream``) and keeps those that break the fewest identities; cells they disagree on are null.
The rows are placed by the blocks, not by their sums, so every cell is ``inferred``, and the
identities that fail stay failed checks of the report (``checks.all_checks``), never hidden.
"""
from __future__ import annotations

from itertools import combinations, product
from typing import Sequence

from ..document import Document
from ..layout import Line
from .chromelead import chromium_index_groups
from .digitruns import _holds, application_identities
from .pagetop import TooManyWindows, rewritten_streams, warn_once
from .result import TableResult
from .streamblocks import APP_COLS, MAX_GROUP, Number, _hinted_group, _hinted_order
from .streamblocks import fits_blocks as _fits_blocks
from .streamorder import (
    MAX_LEAD_DIVISIONS,
    MAX_LEAD_WIDTH,
    SUBTOTAL_SLOTS,
    StreamSolution,
    agree_all,
    _page_numbers,
    block_starts,
    header_lead,
    lead_divisions,
    label_joins,
    lead_rows,
    lone_numbers,
    stream_result,
    subtotal_header,
)

# the most divisions listed per stream (values passed over multiply them)
MAX_DIVISIONS = 256
# the most identities (row 总计 and column identities, per column) a division kept may break: one
# wrong printed 总计 breaks up to three (its row, both identities of its column)
MAX_BROKEN = 6
# the most wrong printed cells (rows whose 总计 fails) that explain a division's broken identities
MAX_WRONG_CELLS = 2


def _rows(starts: Sequence[bool], hints: Sequence[int | None], p: int, k: int,
          sub: int | None = None) -> list[list[int]] | None:  # fmt: skip
    """Stream indices of a group of ``k`` rows from ``p``, row by row in column order, if the
    blocks allow it (``streamblocks.fits_blocks``); a group among the column headers (a header
    printed between its values names a column: a page's first rows, which raw ``pdftotext`` joins
    with the header pieces into blocks of their own) is placed by the headers as in
    ``streamblocks._group``. ``sub``: each row prints an eighth value, the 8-column variant's 小计,
    at that slot (0-based; the rows returned keep it: eight indices a row)."""
    width = APP_COLS if sub is None else APP_COLS + 1
    if any(h is not None for h in hints[p : p + k * width]):
        if k == 1 or sub is not None:
            # a single row whose headers name some of its columns (the 8-column variant: only so)
            order = _hinted_order(hints, p, sub) if k == 1 else None
            return [order] if order is not None else None
        return _hinted_group(hints, p, k, starts)
    if not _fits_blocks(starts, p, k, width):
        return None
    return [[p + c * k + j for c in range(width)] for j in range(k)]


def _divisions(n: int, starts: Sequence[bool], hints: Sequence[int | None], nrows: int,
               skippable: frozenset[int], lead: int, joined: Sequence[int] = (),
               sub: int | None = None) -> list[list[tuple[int, list[list[int]]]]]:  # fmt: skip
    """Every division of a stream of ``n`` values into ``nrows`` rows by the blocks alone (at most
    ``MAX_DIVISIONS``): per division, its groups as (first row, the rows' stream indices); given
    ``joined`` (``streamorder.label_joins``), also runs whose first column came with the labels
    and Chromium's other orders (``chromelead.chromium_index_groups``). ``sub``: the 8-column
    variant's 小计 slot (``_rows``; eight values a row, no Chromium orders)."""
    reach: dict[tuple[int, int], bool] = {}
    width = APP_COLS if sub is None else APP_COLS + 1
    # rows whose first columns came with their labels, per count of such columns (``lead_rows``)
    wide = {w: lead_rows(joined, w) for w in range(2, MAX_LEAD_WIDTH + 1)} if joined else {}

    def step(p: int, r: int) -> list[tuple[int, list[list[int]]]]:
        out = []
        for k in range(1, min(MAX_GROUP, nrows - r) + 1):
            if p + k * width <= n:
                rows = _rows(starts, hints, p, k, sub)
                if rows is not None:
                    out.append((p + k * width, rows))
        for lead, runs in wide.items():
            for m in range(2, nrows - r + 1):
                out.extend((p + m * width, rows) for rows in _wide_lead_rows(n, starts, p, m, lead, width, runs))
        if joined and sub is None:
            out.extend((p + used, rows) for used, rows in chromium_index_groups(n, p, nrows - r, starts, joined, lines=False))
        return out

    def skip(p: int, r: int) -> bool:
        return p < n and (p in skippable or (r == 0 and p < lead))

    def ok(p: int, r: int) -> bool:
        # the goal is reachable from (p, r): values after the last row belong to the next table
        if r == nrows:
            return True
        if (p, r) not in reach:
            reach[(p, r)] = (skip(p, r) and ok(p + 1, r)) or any(ok(e, r + len(rows)) for e, rows in step(p, r))
        return reach[(p, r)]

    out: list[list[tuple[int, list[list[int]]]]] = []

    def walk(p: int, r: int, path: list[tuple[int, list[list[int]]]]) -> None:
        if len(out) >= MAX_DIVISIONS:
            return
        if r == nrows:
            out.append(list(path))
            return
        if skip(p, r) and ok(p + 1, r):
            walk(p + 1, r, path)
        for end, rows in step(p, r):
            if ok(end, r + len(rows)):
                path.append((r, rows))
                walk(end, r + len(rows), path)
                path.pop()

    if ok(0, 0):
        walk(0, 0, [])
    return out


def _wide_lead_rows(n: int, starts: Sequence[bool], p: int, m: int, lead: int, width: int,
                    runs: Sequence[int]) -> list[list[list[int]]]:  # fmt: skip
    """Stream indices (a row's ``width`` printed columns) of ``m`` rows from ``p`` whose first
    ``lead`` columns came with their labels (``streamorder._wide_lead``: ``runs`` from
    ``streamorder.lead_rows``), their other columns after them or before them, a row a block each
    or a few rows column by column (``fits_blocks``), in every division the blocks allow; the
    sums are not asked (the report's may be wrong). None at all past ``MAX_LEAD_DIVISIONS``
    divisions (a subset could agree on a cell the others would not: a guess)."""
    rest_width = width - lead
    if p + m * width > n:
        return []
    out: list[list[list[int]]] = []
    for first, rest in ((p, p + m * lead), (p + m * rest_width, p)):
        after = first + m * lead
        if runs[first] >= m and (after >= len(starts) or starts[after]):
            found = lead_divisions(first, rest, m, lead, rest_width, starts, lambda row: row)
            if found is None:
                return []
            out += found
    return out if len(out) <= MAX_LEAD_DIVISIONS else []


def _solution(values: Sequence[Number | None], nrows: int, groups: list[tuple[int, list[list[int]]]],
              sub: int | None = None) -> StreamSolution | None:  # fmt: skip
    """The division's rows (seven columns); with ``sub`` (the 8-column variant) each row's 小计
    left out, ``None`` where a printed 小计 is not its five organisation columns' sum (a division
    that breaks the variant's own identity is not the report's: its rows' columns are shifted)."""
    rows: list[list[Number | None]] = [[None] * APP_COLS for _ in range(nrows)]
    index: list[list[int | None]] = [[None] * APP_COLS for _ in range(nrows)]
    grouped: set[int] = set()
    for r, idx in groups:
        for j, row in enumerate(idx):
            if sub is not None:
                row = list(row)
                x = values[row.pop(sub)]
                if _holds([0 if values[i] is None else values[i] for i in row[1:6]], [0 if x is None else x]) is not True:
                    return None
            rows[r + j] = [values[i] for i in row]
            index[r + j] = list(row)
            if len(idx) > 1:
                grouped.add(r + j)
    return StreamSolution(rows, grouped, 0, index)


def _sum(xs: Sequence[Number]) -> Number:
    return sum(xs) if xs else 0


def _failures(at: dict[str, list[Number]], row_keys: Sequence[str]) -> tuple[list[str], int]:
    """The rows whose 总计 is not their six columns' sum, and the count of column identities (per
    column) that fail."""
    rows = [key for key in row_keys if _holds(at[key][:6], at[key][6:7]) is False]
    cols = sum(_holds([at[r][c] for r in left], [at[r][c] for r in right]) is False
               for left, right in application_identities(row_keys) for c in range(APP_COLS))  # fmt: skip
    return rows, cols


def broken(sol: StreamSolution, row_keys: Sequence[str]) -> int | None:
    """How many identities the division breaks (rows whose 总计 is not their six columns' sum, and
    column identities per column; a printed blank, — or 无, counts 0), or ``None`` where no wrong
    printed cells explain them: a report's error is a cell printed wrong, which breaks its row's
    总计 and its column's identities by the same amount, so setting one cell of each broken row
    (at most ``MAX_WRONG_CELLS`` rows) to what its row's sum asks must make every identity hold.
    Values a division put in the wrong columns break column identities no row shows (a row's sum
    does not depend on its order), a value put in the wrong row breaks two rows by amounts that
    cancel, and a shifted division breaks too many rows."""
    at = {key: [0 if v is None else v for v in row] for key, row in zip(row_keys, sol.rows)}
    rows, cols = _failures(at, row_keys)
    if not rows and not cols:
        return 0
    if not rows or len(rows) > MAX_WRONG_CELLS:
        return None
    offs = [_sum(at[key][:6]) - at[key][6] for key in rows]
    for pick in product(range(APP_COLS), repeat=len(rows)):
        changes = [off if c == 6 else -off for c, off in zip(pick, offs)]
        if len(changes) == 2 and abs(changes[0] + changes[1]) < 1e-6:
            # a value the division moved from one cell to another in another row: two changes that
            # cancel are not taken for the report's errors
            continue
        fixed = {key: list(row) for key, row in at.items()}
        for key, c, change in zip(rows, pick, changes):
            fixed[key][c] += change
        still_rows, still_cols = _failures(fixed, row_keys)
        if not still_rows and not still_cols:
            return len(rows) + cols
    if len(rows) == 1 and _two_cells_mend(at, rows[0], row_keys):
        return len(rows) + cols
    return None


def _two_cells_mend(at: dict[str, list[Number]], key: str, row_keys: Sequence[str]) -> bool:
    """Whether two wrong printed cells of row ``key`` (the one row whose 总计 fails) explain every
    broken identity: for two of its columns, each cell set to what its column's identity asks (the
    identity of that column the row enters that fails) mends every row and column identity. A
    report's two errors can stand in one row (a cell and the row's 总计, or two cells); one cell
    alone did not mend them (``broken``)."""
    asked: dict[int, Number] = {}
    for c in range(APP_COLS):
        for left, right in application_identities(row_keys):
            if key not in left + right or _holds([at[r][c] for r in left], [at[r][c] for r in right]) is not False:
                continue
            diff = _sum([at[r][c] for r in right]) - _sum([at[r][c] for r in left])
            asked[c] = diff if key in left else -diff
            break
    for c1, c2 in combinations(sorted(asked), 2):
        fixed = {k: list(row) for k, row in at.items()}
        fixed[key][c1] += asked[c1]
        fixed[key][c2] += asked[c2]
        if _failures(fixed, row_keys) == ([], 0):
            return True
    return False


def divide_by_blocks(values: Sequence[Number | None], starts: Sequence[bool], row_keys: Sequence[str],
                     hints: Sequence[int | None] = (), skippable: frozenset[int] = frozenset(),
                     lead: int = 0, joined: Sequence[int] = (),
                     sub: int | None = None) -> tuple[StreamSolution, int] | None:  # fmt: skip
    """The divisions of the stream the blocks allow that break at most ``MAX_BROKEN`` identities,
    each explained by a wrong printed cell (``broken``), as one solution: the cells they all agree on, the others ``None``; with the
    fewest identities any of them breaks. ``None`` when the blocks allow no such division. ``sub``:
    the 8-column variant's 小计 slot (every row's 小计 must be its five organisation columns' sum)."""
    nrows = len(row_keys)
    kept: list[tuple[StreamSolution, int]] = []
    for groups in _divisions(len(values), starts, hints or [None] * len(values), nrows, skippable, lead, joined, sub):
        sol = _solution(values, nrows, groups, sub)
        if sol is None:
            continue
        b = broken(sol, row_keys)
        if b is not None and b <= MAX_BROKEN:
            kept.append((sol, b))
    if not kept:
        return None
    return agree_all([s for s, _ in kept]), min(b for _, b in kept)


def assemble_by_blocks(res: TableResult, doc: Document, lines: Sequence[Line],
                       past: int | None = None) -> TableResult | None:  # fmt: skip
    """Table 三 rebuilt from the region's one-value lines by the blocks alone (``divide_by_blocks``),
    the stream as printed and each rewrite of a page's first rows (``pagetop.reorderings``) tried
    alike: the cells every division that breaks the fewest identities agrees on, ``inferred``; the
    others ``unreadable``. ``None`` when the table has no blocks (every value joined, or none), or
    no division breaks at most ``MAX_BROKEN`` identities, or the header is printed too often to try
    the rewrites (``pagetop.TooManyWindows``: its warning added to ``res``). ``past``: the next
    section's heading line where ``lines`` run on past it (``pagetop.reorderings``). The 8-column
    variant (a 小计 header printed) is divided with its 小计 after 自然人 and after 其他
    (``streamorder.SUBTOTAL_SLOTS``), the stream as printed only (the page-top rewrites are the
    seven columns'), the divisions of both slots having their say alike."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS:
        return None
    wide = any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines)
    cells, hints = lone_numbers(doc, lines)
    starts = block_starts(cells, lines)
    if not cells:
        return None
    joined = label_joins(doc, cells, lines)  # the stream as printed: a first column among the labels
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    try:
        rewrites = rewritten_streams(doc, lines, cells, starts, past) if not wide else []
    except TooManyWindows as exc:
        # the stream as printed alone is no division every plausible order had its say on
        warn_once(res, str(exc))
        return None
    found: list[tuple[StreamSolution, int]] = []
    for sub in SUBTOTAL_SLOTS if wide else (None,):
        for perm, moved, new_starts in [(list(range(len(cells))), frozenset(), list(starts))] + rewrites:
            new_at = {old: new for new, old in enumerate(perm)}
            got = divide_by_blocks([cells[i].value for i in perm], new_starts, spec.row_keys,
                                   [None if i in moved else hints[i] for i in perm],
                                   frozenset(new_at[i] for i in pages), lead,
                                   joined if not moved else (), sub)  # fmt: skip
            if got is not None:
                sol, b = got
                sol.index = [[None if x is None else perm[x] for x in row] for row in sol.index]
                found.append((sol, b))
    if not found:
        return None
    # every plausible division (the stream as printed, each rewrite) has its say: cells they
    # disagree on are null, never the likeliest guess
    fewest = min(b for _, b in found)
    sol = agree_all([s for s, _ in found])
    out = stream_result(spec, cells, sol, frozenset(range(len(cells))))
    out.warn(f"no division of the values meets the table's arithmetic; rows placed by the PDF's text blocks alone "
             f"({fewest} of the report's sums fail as printed)")
    return out
