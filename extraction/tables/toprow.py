"""Table 三's first row at its first page's top where the whole table does not divide (raw ``pdftotext``).

When no division of table 三's value stream meets the arithmetic, ``streamorder.distrust_order``
pairs rows with values by order and nulls what that does not determine, and ``leadrows.lead_rows``
keeps the rows the stream prints plainly from its start. Two things the stream's start shows
before its rows that neither reads:

- **Another table's values before the column header, a page earlier** (``page_past_lead``): the
  heading 三 stands at a page's end after table 二's last cells (``现行有效件数 / 4 / 149``), and
  the table's column header opens the next page. Table 三 draws nothing above its column header,
  so values on an earlier page than the header are not its cells; its stream starts at the header.
  (Values before the header on the header's own page may be the table's first row, drawn at the
  header's height: those still stop ``lead_rows``.)
- **WPS's first page top** (``wps_top_row``): the column header's ``商业企业 科研机构`` on one line,
  poppler writes the first row's 自然人 and 商业企业 values first (each a block, the next rows' first
  columns after them: the staircase of ``staircase.py``), then the header pieces ``总计`` /
  ``法律服务机构`` and the first row's other five cells in this order: 法律服务机构, 科研机构 (after
  the piece ``其他``), 社会公益组织 (after the piece ``社会公益组织``), 其他, 总计. The row is
  kept only where the header pieces stand exactly so (hint 4, 5, 3 on three consecutive values, no
  header piece before them after the column header nor on the two after them) and its seven values
  meet a non-zero 总计. Where the page top draws no staircase (no value between 自然人's and the
  header pieces), the row comes in column order, the piece ``总计`` before its 商业企业 value and
  each of 社会公益组织 / 法律服务机构 / 其他 before its own: kept where the pieces stand exactly so
  and the seven values meet a non-zero 总计. A blank mark (``－``, ``无``) is a printed cell: it
  stands where a value would (also in a header piece's block: ``机构`` / ``－``), 0 in the sums.
- **The staircase with its first row group** (``wps_top_walk``): what the page top draws out of
  order ends with row 二 and the next unit. Row 二's 自然人 follows 一's two values; its other
  cells come after 一's 总计, each a block of its own, left to right (column order). Either 二's
  商业企业 stands before the pieces too (a block of its own), or 二's 自然人 shares one block with
  the next unit's 自然人 column (a row group's r rows, or one row) and, after 二's six, the unit's
  six other columns come as blocks of r values each, in column order. From there the stream is in
  row order, and ``leadrows.stream_lead_rows`` walks on. Only where the blocks stand exactly so
  and every row meets 总计; rows of zeros only where a group's blocks or a later non-zero row pin
  their place. (Seen in poppler's reading of the generator's WPS-style PDFs: ``pdftotext
  -bbox-layout`` shows 一's cells joined with the header pieces' blocks, the others each a flow of
  its own, ordered left to right within a row; nothing here is checked against WPS Office's own
  PDFs.)
"""
from __future__ import annotations

from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankcells import APP_COLS, TOL, meets_total
from .leadrows import column_blocks, column_group, conflicts, place_rows, stream_lead_rows
from .result import TableResult
from .streamorder import COLUMN_HEADERS, block_starts, lone_numbers

# the hints (``streamorder._header_column``) WPS's first page top prints before the first row's
# 法律服务机构, 科研机构 and 社会公益组织 values: the pieces 法律服务机构, 其他, 社会公益组织
_WPS_TOP_HINTS = (4, 5, 3)
# the first row's cells in template column order, as positions in the values ``[a, b, *after]``
# where ``a, b`` are the stream's first two values and ``after`` the five from the 法律服务机构 one
_WPS_TOP_ORDER = (0, 1, 3, 4, 2, 5, 6)
# the hints on the first row's seven values where WPS's first page top draws no staircase (the
# rows' next columns not before the header pieces): the row in column order, the piece ``总计``
# written before 商业企业's value and 社会公益组织 / 法律服务机构 / 其他 each before its own
_WPS_TOP_PLAIN = (None, 6, None, 3, 4, 5, None)


def page_past_lead(doc: Document, lines: Sequence[Line]) -> Sequence[Line]:
    """``lines`` (table 三's region) from its first line naming the 自然人 column where every value
    before that line stands on an earlier page (a form feed between the last of them and the
    header line); ``lines`` unchanged otherwise (no such header, no value before it, or one on the
    header's page)."""
    text = doc.text
    at = next((k for k, ln in enumerate(lines) if COLUMN_HEADERS[0] in text[ln.start : ln.end]), None)
    if at is None:
        return lines
    cells, _ = lone_numbers(doc, lines[:at])
    if not cells:
        return lines
    if "\f" not in text[cells[-1].end : lines[at].start]:
        return lines
    return lines[at:]


def wps_top_run(cells: Sequence[Cell], hints: Sequence[int | None]) -> list[Cell] | None:
    """The first row's ``APP_COLS`` cells in template column order where the value stream ``cells``
    (from the column header on; ``hints[i]`` the column a header piece just before ``cells[i]``
    names) starts as WPS's first page top (module docstring): the first seven values' hints are
    ``_WPS_TOP_PLAIN`` (the row in column order), or the first header pieces among the values are
    ``_WPS_TOP_HINTS`` on three consecutive values at position ``j ≥ 2``, none on the two after
    them (``cells[0], cells[1]`` with the five from ``j``, ``_WPS_TOP_ORDER``); and the row meets a
    non-zero 总计 (no blank mark among them). None otherwise."""
    if len(cells) >= APP_COLS and tuple(hints[:APP_COLS]) == _WPS_TOP_PLAIN:
        run = list(cells[:APP_COLS])  # no staircase: the row in column order, 总计's piece before 商业企业
    else:
        j = next((k for k, h in enumerate(hints) if h is not None), None)
        if j is None or j < 2 or j + 5 > len(cells):
            return None
        if tuple(hints[j : j + 3]) != _WPS_TOP_HINTS or any(h is not None for h in hints[j + 3 : j + 5]):
            return None
        drawn = [cells[0], cells[1], *cells[j : j + 5]]
        run = [drawn[k] for k in _WPS_TOP_ORDER]
    values = [c.value for c in run]
    if values[-1] is None or not meets_total(values) or abs(values[-1]) <= TOL:
        return None  # a blank mark is a printed cell (its place as a value's), 0 in the sum; 总计 a number
    return run


def wps_second_run(cells: Sequence[Cell], hints: Sequence[int | None], zeros: bool = False) -> list[Cell] | None:
    """Row 二's ``APP_COLS`` cells in template column order where WPS's first page top draws the
    first row as a staircase (``wps_top_run``: the header pieces from position ``j``, the first
    row's other five cells there): 二's 自然人 is the stream's third value; its other cells are
    either its 商业企业 as the fourth value (``j >= 4``) and the five values after the first row's
    总计, in column order (科研机构, 社会公益组织, 法律服务机构, 其他, 总计), or the six values after
    that 总计 in column order from its 商业企业 (the values before the pieces being the next rows'
    自然人). Each reading is kept where no header piece stands among its values, none is a
    blank mark and the seven meet 总计 (a non-zero one unless ``zeros``); None unless exactly one
    reading is kept or all kept agree."""
    j = next((k for k, h in enumerate(hints) if h is not None), None)
    if j is None or j < 3 or tuple(hints[:APP_COLS]) == _WPS_TOP_PLAIN or wps_top_run(cells, hints) is None:
        return None
    kept: list[list[Cell]] = []
    for short in (True, False):
        after = j + 5
        if short and j < 4:
            continue
        drawn = [cells[2], cells[3]] if short else [cells[2]]
        need = APP_COLS - len(drawn)
        if after + need > len(cells) or any(h is not None for h in hints[after : after + need]):
            continue
        # 二's cells after 一's 总计 stand apart from the header pieces, each a block of its own, and
        # poppler writes them left to right: column order (not 一's order among the pieces)
        run = drawn + list(cells[after : after + need])
        values = [c.value for c in run]
        if any(v is None for v in values) or not meets_total(values) or (not zeros and abs(values[-1]) <= TOL):
            continue
        kept.append(run)
    if not kept or any([c.value for c in run] != [c.value for c in kept[0]] for run in kept):
        return None
    return kept[0]


def _wps_top_units(cells: Sequence[Cell], hints: Sequence[int | None],
                   starts: Sequence[bool]) -> tuple[list[list[Cell]], list[bool], int] | None:
    """The rows WPS's first page top draws out of order, read with the first row group after them
    (module docstring, "the staircase with its first row group"): (the rows from the first, per row
    whether its place is pinned, the stream position after them), or None where the stream does not
    start so. ``starts``: ``streamorder.block_starts``."""
    first = wps_top_run(cells, hints)
    if first is None:
        return None
    if tuple(hints[:APP_COLS]) == _WPS_TOP_PLAIN:
        return [first], [True], APP_COLS
    j = next(k for k, h in enumerate(hints) if h is not None)
    after = j + 5  # past the first row's five cells after the header pieces
    if not (starts[0] and starts[1] and starts[2]):
        return None
    if j == 4 and starts[3]:
        # 二's 自然人 and 商业企业 apart before the pieces, its other five after 一's 总计; not where
        # 二 read as its 自然人 and the six after 一's 总计 also meets 总计 with other values
        top = [[cells[2], cells[3], *cells[after : after + 5]]]
        r, at = 0, after + 5
        other = [cells[2], *cells[after : after + 6]]
        if len(other) == APP_COLS and other[-1].value is not None and meets_total([c.value for c in other]) \
                and [c.value for c in other] != [c.value for c in top[0]]:
            return None
    elif not any(starts[3:j]):
        # 二's 自然人 in one block with the next unit's r 自然人 values (a group's column block, or
        # a single row's value), 二's other six after 一's 总计, then the unit's six columns' blocks
        r, at = j - 3, after + 6
        top = [[cells[2], *cells[after:at]]]
        if at + APP_COLS * r - r > len(cells):
            return None
        if r:
            blocks = column_blocks(starts, at, APP_COLS - 1)
            if blocks is None or any(b - a != r for a, b in blocks):
                return None
        top += [[cells[3 + i], *(cells[at + k * r + i] for k in range(APP_COLS - 1))] for i in range(r)]
        at += (APP_COLS - 1) * r
    else:
        return None
    if any(len(row) != APP_COLS or row[-1].value is None or not meets_total([c.value for c in row]) for row in top):
        return None
    if any(h is not None for h in hints[after:at]):
        return None  # a header piece among the values after the first row's 总计: not this order
    # a group's blocks pin its rows' places and 二's before them; a single row by a non-zero 总计
    pinned = [True] + [r >= 2 or abs(row[-1].value) > TOL for row in top]
    return [first, *top], pinned, at


def wps_top_walk(cells: Sequence[Cell], hints: Sequence[int | None], starts: Sequence[bool],
                 rows: int) -> list[list[Cell] | None]:
    """The template's rows from the first that WPS's first page top (``_wps_top_units``) and the
    stream in row order after it pin: ``leadrows.stream_lead_rows`` walks on from the top's end.
    Rows are kept up to the last pinned one (a group's row, a non-zero 总计): a row of zeros fits
    any order. Returns one entry per row from the first (None: a row whose place but not cells is
    pinned), ``[]`` where the stream does not start so."""
    got = _wps_top_units(cells, hints, starts)
    if got is None:
        return []
    top, pinned, at = got
    top, pinned = top[:rows], pinned[:rows]
    if not pinned[-1] and column_group(cells, starts, hints, at, marks=True) is not None:
        pinned[-1] = True  # a row group's column blocks start right after it: its end is where the walk starts
    walk = stream_lead_rows(cells, hints, rows - len(top), starts, at=at, after_pinned=pinned[-1]) if rows > len(top) else []
    if walk:
        return [*top, *walk]
    last = max(k for k, p in enumerate(pinned) if p)
    return list(top[: last + 1])


def wps_top_row(res: TableResult, doc: Document, lines: Sequence[Line]) -> bool:
    """Table 三 read by order given its first row where ``lines`` (its region from ``page_past_lead``:
    values on an earlier page than the column header left out) start as WPS's first page top
    (``wps_top_run``): the row's null or guessed cells take those values (``inferred``). Nothing
    changes where the table is not seven columns wide or a determined cell of the row (not null,
    not a guess) holds another value. ``res`` is changed in place; returns whether a cell was set
    (warned)."""
    spec = res.spec
    cols = list(spec.rows[0].cols)
    if len(cols) != APP_COLS or not spec.row_keys:
        return False
    text = doc.text
    at = next((k for k, ln in enumerate(lines) if COLUMN_HEADERS[0] in text[ln.start : ln.end]), None)
    if at is None:
        return False
    # WPS draws the first row's cells in the header pieces' blocks, a blank cell's mark too
    cells, hints = lone_numbers(doc, lines, header_marks=True)
    first = sum(c.start < lines[at].start for c in cells)
    if first:
        return False  # values before the header on its own page: the stream's start is not the row's
    run = wps_top_run(cells, hints)
    if run is None:
        return False
    key = spec.row_keys[0]
    if conflicts(res, cols, [(key, run)]):
        return False
    changed = bool(place_rows(res, cols, [(key, run)]))
    if changed:
        res.warn(f"{key}: read from WPS's first page top (自然人 and 商业企业 first, the other five after the "
                 "header pieces 法律服务机构 / 其他 / 社会公益组织), its seven values meeting 总计")
    second = wps_second_run(cells, hints) if len(spec.row_keys) > 1 else None
    if second is not None and not conflicts(res, cols, [(spec.row_keys[1], second)]):
        if place_rows(res, cols, [(spec.row_keys[1], second)]):
            changed = True
            res.warn(f"{spec.row_keys[1]}: read from WPS's first page top (its 自然人 in the staircase before the "
                     "header pieces, its other cells after the first row's 总计), its seven values meeting 总计")
    walk = list(zip(spec.row_keys, wps_top_walk(cells, hints, block_starts(cells, lines), len(spec.row_keys))))[1:]
    if walk and not conflicts(res, cols, walk):
        done = place_rows(res, cols, walk)
        if done:
            changed = True
            res.warn("rows read from the value stream after WPS's first page top (its rows drawn out of order there, "
                     "the stream in row order after them; seven values a row meeting 总计, row groups written column "
                     "by column, up to a row with a non-zero 总计): " + ", ".join(done))
    return changed
