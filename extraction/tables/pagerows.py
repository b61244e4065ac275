"""Table 三's rows read from each page's start and end where the whole table does not divide.

Raw ``pdftotext`` (no ``-layout``) writes each page of table 三 on its own: the page's rows'
labels, its column header, then its values one a line in content-stream order. Where no division
of the whole stream meets the arithmetic (``streamorder.distrust_order``), ``leadrows.lead_rows``
keeps the rows the stream pins from its start and its end; the rows in between stay paired by
order and are nulled (``ordercells``) even where a page prints them plainly.

A page's rows are named by its labels: a row's values are drawn from the row's top, on its label's
first line, so the first row whose label stands on a page is the first row of the page's values
and the row before the next page's first is its last (``pagelabels.page_first_rows``). A later
page's first value after its column header is so a row's start as the stream's first value is, and
the same walk (``leadrows.stream_lead_rows``: runs of seven meeting 总计, row groups written column
by column, kept up to the last row with a non-zero 总计) pins the page's leading rows; a page's
last value before the next page ends its last row as the stream's last value ends the table's, and
the walk back from there (``leadrows.stream_tail_rows``: a row group ending it, runs of seven
meeting 总计 from one with two non-zero applicant values on) pins its last rows — but a row of
zeros and blank marks there, whose cells meet 总计 in any order, is placed without its cells
(LibreOffice may draw a page's 总计 column out of the columns' order).

Nothing is read on a page whose labels' pages are not read whole; from a page's start where a value
of the page stands before its column header (``streamorder.header_lead``); on a page where a column
header's piece stands among its later values while its first row holds none (LibreOffice draws
the 总计 header after the page's rows and the page's first row's 总计 after it: its values are not
in its rows' order; a first row drawn at the header's height, the header's pieces among its
values, is the page's first row as printed); in the 8-column variant (a 小计 column: eight values a
row); and a page's rows are dropped where they break a column identity with the rows already
determined or hold another value than a determined cell.
"""
from __future__ import annotations

from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankcells import APP_COLS, TOL
from .pagelabels import page_first_rows
from .leadrows import strong_run, tail_contradicted, conflicts, place_rows, stream_lead_rows, stream_tail_rows
from .result import TableResult
from .streamorder import _page_numbers, block_starts, lone_numbers, page_tops, subtotal_header


def page_walks(doc: Document, lines: Sequence[Line], labels: Sequence[str],
               rows: int) -> list[tuple[int, list[list | None], bool]]:
    """The rows each page of table 三 pins (``lines``: its region, one value a line; ``labels``: the
    rows' wordings; ``rows``: the template's row count), as ``(first template row's index, rows,
    at_end)``: ``stream_lead_rows`` from a later page's first value (``at_end`` False), and
    ``stream_tail_rows`` back from the last value of a page followed by another (True); a row
    entry None where its place is pinned but not its cells. ``[]`` where the labels' pages are not
    read whole or the table is the 8-column variant (see the module's docstring)."""
    text = doc.text
    if any(subtotal_header(text[ln.start : ln.end].strip()) for ln in lines):
        return []  # the 8-column variant: a row prints a subtotal too, eight values, not seven
    cells, hints = lone_numbers(doc, lines, header_marks=True)
    if not cells:
        return []
    tops = page_tops(doc, lines, cells)
    firsts = page_first_rows(doc, lines, cells, tops, labels)
    if not firsts:
        return []
    starts = block_starts(cells, lines)
    page = [text.count("\f", 0, c.end) for c in cells]
    order = sorted(firsts)
    out: list[tuple[int, list[list | None], bool]] = []
    numbers = _page_numbers(doc, cells)
    for k, t in enumerate(order):
        first = firsts[t]
        last = firsts[order[k + 1]] if k + 1 < len(order) else rows
        own = next((i for i in range(t, len(cells)) if page[i] != page[t]), len(cells))
        # the last page: its values may run on past the next heading
        end = len(cells) if k + 1 == len(order) else own
        count = last - first
        if count <= 0:
            continue
        if any(h is not None for h in hints[t + APP_COLS : own]) and all(h is None for h in hints[t : t + APP_COLS]):
            # a column header's piece drawn after the page's first row (LibreOffice's 总计 header
            # after the page's rows, the page's first row's 总计 after it): the page's values are
            # not written in its rows' order; where the first row is drawn among the header's
            # pieces (at the header's height) it is the page's first row as printed
            continue
        if first > 0 and t > 0 and page[t - 1] != page[t]:
            # (not the stream's start: ``lead_rows``; nor a page with a value before its header)
            runs = stream_lead_rows(cells[t:end], hints[t:end], count, starts[t:end])
            if runs:
                out.append((first, runs, False))
        if k + 1 < len(order):
            # a page before another: its last value ends the last row its labels name (or, where
            # no rows end there, is the page's number: printed as one, beside the page break)
            tail = stream_tail_rows(cells[t:own], starts[t:own], hints[t:own], count)
            if not tail and own - 1 in numbers:
                tail = stream_tail_rows(cells[t : own - 1], starts[t : own - 1], hints[t : own - 1], count)
            tail = _from_first_pinned(tail, cells)
            # a row of zeros and blank marks meets 总计 in any order of its cells: which one is its
            # 0 is not pinned where LibreOffice draws a page's 总计 column out of the columns' order
            tail = [None if row is not None and _marked_zero_row(row) else row for row in tail]
            if any(row is not None for row in tail):
                out.append((last - len(tail), tail, True))
    return out


def _from_first_pinned(tail: list[list[Cell | None]], cells: Sequence[Cell]) -> list[list[Cell | None]]:
    """The rows read back from a page's end (``stream_tail_rows``) from the first whose start is
    pinned: a row of a group written column by column (its blocks pin it), or a run of seven
    consecutive values with two non-zero applicant values whose first is a non-zero number. A run
    starting with 0 or a blank mark meets 总计 also without that value (a row printing six, the 0
    the row before's): its start, and so the rows after it, are not pinned by it."""
    at = {id(c): i for i, c in enumerate(cells)}
    for k, row in enumerate(tail):
        idx = [at.get(id(c), -1) for c in row if c is not None]
        run = len(idx) == APP_COLS and idx == list(range(idx[0], idx[0] + APP_COLS))
        if not run:
            return tail[k:]
        first = row[0].value if row[0] is not None else None
        if strong_run(row) and first is not None and abs(first) > TOL:
            return tail[k:]
    return []


def _marked_zero_row(row: Sequence[Cell | None]) -> bool:
    """Is ``row`` a row of zeros holding a blank mark (a cell printed with no number)?"""
    return any(c is not None and c.value is None for c in row) and all(
        c is None or c.value is None or abs(c.value) <= TOL for c in row)


def page_lead_rows(res: TableResult, doc: Document, lines: Sequence[Line]) -> list[str]:
    """Table 三 read by order (``streamorder.distrust_order``) given the rows each page's values
    pin from a later page's start and back from a page's end (``page_walks``): their cells take
    the run's values (``inferred``; a blank mark a blank cell). A page's part is dropped where a
    cell already determined holds another value or where its rows break a column identity with the
    determined rows (``leadrows.tail_contradicted``). Nothing where the table is not seven columns
    wide. ``res`` is changed in place; returns the rows set (each part warned)."""
    spec = res.spec
    cols = list(spec.rows[0].cols)
    if len(cols) != APP_COLS or not {"new_received", "carried_over", "granted", "total_handled",
                                     "carried_forward"} <= set(spec.row_keys):
        return []
    keys = list(spec.row_keys)
    placed: list[str] = []
    ends: list[str] = []
    for first, runs, at_end in page_walks(doc, lines, [row.label for row in spec.rows], len(keys)):
        part = list(zip(keys[first:], runs))
        kept = {key: run for key, run in part if run is not None}
        if conflicts(res, cols, part) or tail_contradicted(res, cols, kept):
            continue
        (ends if at_end else placed).extend(place_rows(res, cols, part))
    if placed:
        res.warn("rows read from the start of a later page's values (the first row whose label stands on the page), "
                 "seven values a row each meeting 总计 (up to a row with a non-zero 总计): " + ", ".join(placed))
    if ends:
        res.warn("rows read back from the end of a page's values (the last row whose label stands on the page; a row "
                 "group written column by column ending it, runs of seven meeting 总计 from one with two non-zero "
                 "applicant values on): " + ", ".join(ends))
    return placed + ends
