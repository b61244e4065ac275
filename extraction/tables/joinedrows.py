"""Table 三's open cells filled from the division that follows the rows raw ``pdftotext`` joins.

A table of zeros (or of few values) read one value a line meets every identity whatever rows the
values are given to, so the reading by order is kept and most of its cells stay open
(``ordercells``); the division under the identities (``blankdivision``) leaves them open too,
because any run of rows may be a row group with empty cells. The rows' labels say which rows
raw pdftotext joins (``labelheights``): a row whose label stands on one line joins the next row's
cells of each column, a taller one ends a block. Under that model the division pins more; its
cells fill the cells the table left open."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankdivision import blank_identities_result
from .labelheights import label_heights
from .pagelabels import late_header, page_first_rows
from .pagetotal import first_totals_moved
from .result import BLANK, INFERRED, MISSING, UNREADABLE, TableResult
from .streamblocks import APP_COLS
from .streamorder import _page_numbers, block_starts, header_lead, lone_numbers, page_tops

_PAST_LIMIT = "more than"  # the division's warning where its search passes a limit


def fill_from_joined_rows(res: TableResult, doc: Document, lines: Sequence[Line]) -> list[str]:
    """Fill ``res``'s null cells of table 三 (seven columns, raw pdftotext's one value a line in
    ``lines``) from the division under the identities constrained by the rows' heights
    (``labelheights.label_heights``, every row's read): the cells every such division gives one
    value, ``inferred``. Nothing is changed where a row's height is not read, no division fits
    (the reading joins values outside the model), the search passes its limits, or a division's
    cell disagrees with a value ``res`` holds (one of the two readings is not the report's).
    A page's first row's 总计 drawn with the 总计 header after the page's rows is read back after
    that row (``pagetotal.first_totals_moved``), and the values among a page's column header
    pieces are its first row's (``_header_values``).
    Returns the cells filled (``row.col``), with a warning on ``res`` naming them."""
    spec = res.spec
    cols = spec.rows[0].cols
    if len(cols) != APP_COLS:
        return []
    held = res.statuses()
    if not any(res.values.get(row, {}).get(col) is None and held.get(row, {}).get(col, MISSING) in (UNREADABLE, MISSING)
               for row in spec.row_keys for col in cols):
        return []  # no cell left open: whatever the divisions give, nothing is filled (their searches cost most)
    heights = label_heights([doc.text[ln.start : ln.end] for ln in lines], [row.label for row in spec.rows])
    if any(h is None for h in heights):
        return []
    cells, hints = lone_numbers(doc, lines)
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    if len(cells) - lead - len(pages) >= len(spec.row_keys) * APP_COLS:
        return []  # every cell printed: the stream's own divisions (``assemble_from_stream``)
    if any(c.value != 0 for i, c in enumerate(cells) if i >= lead and i not in pages):
        # a table of zeros only: where the table prints other values (or blank marks), a reading that
        # joins them outside the model could leave a wrong division standing
        return []
    tops = page_tops(doc, lines, cells)
    if late_header(cells, hints, tops) and (moved := first_totals_moved(doc, lines, APP_COLS)) is not None:
        # a page's first row's 总计 drawn with the 总计 header after the page's rows (LibreOffice
        # draws the header cell's text last): put back after that row, the reading is then in
        # its rows' order (the bounds below hold where no other header piece stands late)
        lines = moved
        cells, hints = lone_numbers(doc, lines)
        lead, pages, tops = header_lead(doc, lines, cells), _page_numbers(doc, cells), page_tops(doc, lines, cells)
    starts = block_starts(cells, lines)
    # which rows each page holds (their labels' page) and that rows joined print a column as one block
    firsts, whole = page_first_rows(doc, lines, cells, tops, [row.label for row in spec.rows]), True
    if late_header(cells, hints, tops):
        # a column header's piece drawn among a page's later values (LibreOffice's 总计 header after
        # the page's rows, a value after it): the page's values are not written in its rows' order,
        # so neither bound holds there
        firsts, whole = {}, False
    # the values among a page's column header pieces are drawn at the header's height: its first row's
    take = _header_values(cells, hints, tops) if whole else {}
    # lone values were seen joined across a taller row (the divisions used allow it); where the
    # reading is not divided without such a join, it joins values outside what the heights say
    # (searched first: the stricter search is the cheaper, and without it nothing is filled)
    strict = TableResult.empty(spec)
    memo: dict = {}  # the two searches' steps are alike (only which of them fit the heights differs): worked out once
    if blank_identities_result(strict, cells, hints, lead, pages, breaks=True, starts=starts, tops=tops,
                               heights=heights, strict=True, step_memo=memo, page_rows=firsts, whole_columns=whole, top_take=take) is None or any(_PAST_LIMIT in w for w in strict.warnings):
        return []
    scratch = TableResult.empty(spec)
    reach: list[set[int]] = []
    built = blank_identities_result(scratch, cells, hints, lead, pages, breaks=True, starts=starts, tops=tops,
                                    heights=heights, step_memo=memo, page_rows=firsts, whole_columns=whole,
                                    row_positions=reach, top_take=take)
    if built is None or any(_PAST_LIMIT in w for w in scratch.warnings):
        return []
    fills: list[tuple[str, str]] = []
    for row in spec.row_keys:
        if any(built.status.get(row, {}).get(col) == UNREADABLE for col in cols):
            # the divisions disagree on how many cells the row prints: its cells they agree on rest on
            # where the others end, which in a table of zeros the text does not print
            continue
        for col in cols:
            if built.status.get(row, {}).get(col) != INFERRED or built.values[row][col] is None:
                continue
            have, st = res.values.get(row, {}).get(col), held[row][col]
            if have is not None or st == BLANK:
                if have != built.values[row][col]:
                    return []  # the division contradicts what the table holds: not used
            elif st in (UNREADABLE, MISSING):
                fills.append((row, col))
    opened = _open_guesses(res, built, reach, tops, starts, len(cells))
    for row, col in fills:
        res.values[row][col] = built.values[row][col]
        res.status.setdefault(row, {})[col] = INFERRED
        if row in built.provenance and col in built.provenance[row]:
            res.provenance.setdefault(row, {})[col] = built.provenance[row][col]
        res.found(row)
    if opened:
        res.warn("values read one per line with blank cells unprinted: rows placed by order whose cells the divisions "
                 "under the rows raw pdftotext joins leave open (a 0 or an empty cell: which rows print fewer cells "
                 f"is not printed); null: {', '.join(f'{row}.{col}' for row, col in opened)}")
    names = [f"{row}.{col}" for row, col in fills]
    if names:
        res.warn("values read one per line with blank cells unprinted: placed by the division whose row groups are "
                 "the rows raw pdftotext joins (a row whose label takes one line joins the next row's cells of each "
                 f"column; a taller row ends a block): {', '.join(names)}")
    return names


def _header_values(cells: Sequence[Cell], hints: Sequence[int | None], tops: frozenset[int]) -> dict[int, int]:
    """Per page top (index into ``cells``), how many of the page's first values stand among its
    column header pieces: up to the last one a header piece names (``hints``) within a row's width,
    and the values put back after them (out of the text's order: a 总计 drawn with its header after
    the page's rows, ``first_totals_moved``)."""
    out: dict[int, int] = {}
    for t in tops:
        named = [i for i in range(t, min(t + APP_COLS, len(cells))) if hints[i] is not None]
        if not named:
            continue
        k = named[-1] + 1
        while k + 1 < len(cells) and k - t < APP_COLS and cells[k].start > cells[k + 1].start:
            k += 1
        out[t] = k - t
    return out


def _open_guesses(res: TableResult, built: TableResult, reach: Sequence[set[int]], tops: frozenset[int],
                  starts: Sequence[bool], n: int) -> list[tuple[str, str]]:
    """Null (``unreadable``) the cells of ``res``'s rows placed by order alone that hold a guess
    (``inferred``) where every division ``built`` leaves the cell open: in a table of zeros a cell is
    0 or empty, and the divisions say which rows print fewer cells only as far as the text does.
    Kept: the rows a division gives a value of a page's first block (``reach``: per row the stream
    positions divisions give it; ``tops``, ``starts``): the values drawn among a page's column headers
    are the page's first rows', as printed there, which the reading by order pairs with those rows.
    Returns the cells nulled."""
    head = {i for t in tops for i in range(t, next((q for q in range(t + 1, n) if starts[q]), n))}
    cols = res.spec.rows[0].cols
    held = res.statuses()
    out: list[tuple[str, str]] = []
    for r, row in enumerate(res.spec.row_keys):
        if row not in res.by_order or (r < len(reach) and reach[r] & head):
            continue
        for col in cols:
            if (built.status.get(row, {}).get(col) == UNREADABLE and res.values.get(row, {}).get(col) is not None
                    and held[row][col] == INFERRED):
                res.values[row][col] = None
                res.status.setdefault(row, {})[col] = UNREADABLE
                out.append((row, col))
    return out
