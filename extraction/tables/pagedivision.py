"""Table 三 divided page by page where some pages' values are in no order the stream model reads.

Raw ``pdftotext`` writes each page of table 三 on its own (a page break, ``\f``, between them), and
a page holds a run of the template's rows. Where the whole stream divides into rows under no model
(``streamorder``, ``blankdivision``, ``pagetop``) the rows are paired with their values by order
(``streamorder.distrust_order``: flagged guesses). Often a page alone leaves the model (LibreOffice
draws a column or a row's last cells late; a blank cell moves values on a WPS-style page) while the
others follow it. ``paged_divisions`` takes such pages *whole* (fewest first): a page's values are
one run of rows whose cells are not read, and the other pages' values are divided into the rows
around it under every row's 总计, the column identities the page's rows do not enter, and, where
one combination of the identities takes all of the page's rows with one sign, that combination in
the 总计 column with the page's rows adding to half its values' sum
(``blankdivision.solve_blank_identities(holes=)``). ``refine_by_pages`` then corrects the guesses:
a cell every division gives one value takes it, a guess no division gives its cell is null; the
rows of a page taken whole, and the rows next to them (a row may break across a page), keep their
guesses, flagged as before.
"""
from __future__ import annotations

from itertools import combinations
from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankdivision import (
    _EMPTY,
    HOLE,
    IDENTITY_STATE_LIMIT,
    BlankSolution,
    _merge_blank,
    solve_blank_identities,
)
from .pagelabels import late_header, page_first_rows
from .result import BLANK, READ, TableResult
from .streamblocks import APP_COLS
from .streamorder import _page_numbers, block_starts, header_lead, lone_numbers, page_tops, subtotal_header

# the most pages of table 三 divided so (checked before any search): every choice of pages taken
# whole, fewest first, is one search
MAX_PAGES = 6
# the most states all those searches may take together (each checked before a state is taken)
PAGED_STATE_BUDGET = 4 * IDENTITY_STATE_LIMIT


def _joined(runs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Index ranges in order, adjacent ones joined into one (two pages taken whole one after the
    other are one run of rows)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(runs):
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def page_runs(doc: Document, cells: Sequence[Cell]) -> list[tuple[int, int]]:
    """The runs of ``cells`` (lone numbers in text order) that stand on one page: ``[start, end)``
    index ranges, a new one after each page break (``\\f``) that stands between two cells."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(cells)):
        if "\f" in doc.text[cells[i - 1].end : cells[i].start]:
            runs.append((start, i))
            start = i
    if cells:
        runs.append((start, len(cells)))
    return runs


def paged_divisions(res: TableResult, doc: Document,
                    lines: Sequence[Line]) -> tuple[list[Cell], BlankSolution, list[tuple[int, int]]] | None:  # fmt: skip
    """The divisions of table 三's stream of one-value lines (raw ``pdftotext``) around pages taken
    whole (see the module's docstring), the fewest pages first: (the lone numbers, the divisions'
    options per cell as indices into them, the index ranges taken whole). ``None`` where most of
    ``res``'s rows were not paired with their values by order (``TableResult.by_order``: rows read
    with their labels are not the content stream), the table prints a 小计 or another width, it
    stands on one page or on more than ``MAX_PAGES``, no choice of pages lets the others divide, or the searches pass
    ``PAGED_STATE_BUDGET`` states together (a warning on ``res``: a division left out could disagree)."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS or any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        return None
    with_values = {row for row, st in res.status.items() if any(x != BLANK for x in st.values())}
    if not res.by_order or 2 * len(res.by_order) < len(with_values):
        return None
    cells, hints = lone_numbers(doc, lines, among=True)
    runs = page_runs(doc, cells)
    if not 2 <= len(runs) <= MAX_PAGES:
        return None
    values = [c.value for c in cells]
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    starts = block_starts(cells, lines)
    tops = page_tops(doc, lines, cells)
    # the rows each page holds, from their labels' pages (``pagelabels.page_first_rows``): a page
    # taken whole then holds exactly its labelled rows, and the pages around it theirs. Not where a
    # column header's piece stands among a page's later values (LibreOffice's 总计 header drawn
    # after the page's rows): that page's values are not in its rows' order (as ``fill_from_joined_rows``).
    # A 总计 header with a row's values before it and more than one after it on its page is no such
    # piece: drawn between the page's rows (LibreOffice: after its first rows, a row group written
    # column by column after it), it names no value and leaves the rows' order (``lone_numbers(among=True)``)
    firsts = page_first_rows(doc, lines, cells, tops, [row.label for row in spec.rows])
    if late_header(cells, hints, tops):
        firsts = {}
    sol: BlankSolution | None = None
    taken: list[tuple[int, int]] = []
    spent: list[int] = []
    # the fewest pages taken whole first; more only where no such choice lets the others divide
    for size in range(1, len(runs)):
        for chosen in combinations(range(len(runs)), size):
            holes = _joined([runs[w] for w in chosen])
            left = PAGED_STATE_BUDGET - sum(spent)
            # the page after a page taken whole may start with the rest of a row broken across the
            # page break: a value printed after a header cell there need not be that row's
            after = {i for w in chosen if w + 1 < len(runs) and w + 1 not in chosen for i in range(*runs[w + 1])}
            named = [None if i in after else h for i, h in enumerate(hints)]
            got = solve_blank_identities(values, spec.row_keys, pages, named, lead, starts=starts, tops=tops,
                                         holes=holes, limit=min(left, IDENTITY_STATE_LIMIT), spent=spent,
                                         page_rows=firsts)  # fmt: skip
            if got is not None and got.exceeded:
                res.warn(f"values read one per line, divided around pages taken whole: more than {PAGED_STATE_BUDGET} "
                         "states to search; none is used")
                return None
            if got is not None:
                taken += holes
                sol = got if sol is None else _merge_blank(sol, got)
        if sol is not None:
            return cells, sol, sorted(set(taken))
    return None


def refine_by_pages(res: TableResult, doc: Document, lines: Sequence[Line]) -> bool:
    """Table 三 read by order (``streamorder.distrust_order``: its rows' values flagged guesses)
    corrected by the divisions around pages taken whole (``paged_divisions``): a guess's cell that
    every division gives one value takes that value (``inferred``, no longer a guess), or is blank
    where every division leaves it empty; a guess no division gives its cell is null
    (``unreadable``); a cell of a page taken whole keeps its guess (its page's values are in no
    order the rows can be read from), as does a cell read in place. Warnings name what changed.
    ``res`` is changed in place; False where no division was found (nothing changed)."""
    found = paged_divisions(res, doc, lines)
    if found is None:
        return False
    cells, sol, holes = found
    spec = res.spec
    placed: list[str] = []
    nulled: list[str] = []
    holed = [any(HOLE in o for o in row) for row in sol.cells]
    for r, key in enumerate(spec.row_keys):
        if any(holed[q] for q in (r - 1, r + 1) if 0 <= q < len(holed)):
            # a row next to a page taken whole: a row may break across a page (its first cells
            # on one page, the rest on the next), so part of its values may stand in the hole
            continue
        for c, col in enumerate(spec.rows[0].cols):
            opts = sol.cells[r][c]
            st = res.status.get(key, {}).get(col)
            if HOLE in opts or st == READ:
                continue
            numbers = {v for v in opts if v is not _EMPTY and v is not None}
            now = res.values.get(key, {}).get(col)
            if len(opts) == 1:
                (v, idx), = opts.items()
                if v is _EMPTY:
                    res.null(key, col, BLANK)
                else:
                    res.put(key, col, cells[idx], inferred=True)  # type: ignore[index]
                res.ambiguous.discard((key, col))
                placed.append(f"{key}.{col}")
            elif now is not None and not any(isinstance(x, (int, float)) and abs(x - now) < 1e-6 for x in numbers):
                res.null(key, col)
                nulled.append(f"{key}.{col}")
    pages = ", ".join(f"values {a + 1}-{b}" for a, b in holes)
    res.warn("values read one per line in the PDF's content order divided page by page: the pages whose values are "
             f"in no order the rows can be read from taken whole ({pages}), their rows' guesses kept; the other "
             "rows where every row meets its 总计 and every column the identities those rows enter"
             + (f"; placed so: {', '.join(placed)}" if placed else ""))
    if nulled:
        res.warn(f"values read one per line divided page by page: no division gives these cells the value read by order; null: {', '.join(nulled)}")
    return True
