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
from .blankdivision import blank_identities_result
from .labelheights import label_heights
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
    starts = block_starts(cells, lines)
    # lone values were seen joined across a taller row (the divisions used allow it); where the
    # reading is not divided without such a join, it joins values outside what the heights say
    # (searched first: the stricter search is the cheaper, and without it nothing is filled)
    strict = TableResult.empty(spec)
    memo: dict = {}  # the two searches' steps are alike (only which of them fit the heights differs): worked out once
    if blank_identities_result(strict, cells, hints, lead, pages, breaks=True, starts=starts, tops=tops,
                               heights=heights, strict=True, step_memo=memo) is None or any(_PAST_LIMIT in w for w in strict.warnings):
        return []
    scratch = TableResult.empty(spec)
    built = blank_identities_result(scratch, cells, hints, lead, pages, breaks=True, starts=starts, tops=tops,
                                    heights=heights, step_memo=memo)
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
    for row, col in fills:
        res.values[row][col] = built.values[row][col]
        res.status.setdefault(row, {})[col] = INFERRED
        if row in built.provenance and col in built.provenance[row]:
            res.provenance.setdefault(row, {})[col] = built.provenance[row][col]
        res.found(row)
    names = [f"{row}.{col}" for row, col in fills]
    if names:
        res.warn("values read one per line with blank cells unprinted: placed by the division whose row groups are "
                 "the rows raw pdftotext joins (a row whose label takes one line joins the next row's cells of each "
                 f"column; a taller row ends a block): {', '.join(names)}")
    return names
