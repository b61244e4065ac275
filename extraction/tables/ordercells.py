"""Which cells of table 三's rows paired with their values by order alone the reading determines.

When table 三 is read one value a line with its row labels apart (raw ``pdftotext``) and the stream
does not divide into the template's rows (``streamorder.distrust_order``), each row keeps the run of
values the ordinary reading gave it, placed by order. A row given fewer values than columns prints
its empty cells as nothing at all in such a reading, so where its values stand is not in the text:
"placed from the left" (or by empty lines between them) is one placement among several. What the
row's values do determine is what every order-preserving placement meeting the report's arithmetic
gives (``blankcells.place_short_rows``: the row's 总计 = the six applicant columns, and the column
identities with the table's other rows; an empty cell counts 0). A value the placements disagree on
is not determined: ``undetermined_by_order`` names those cells so that the caller reports them null;
so are the values of a row given seven values that break its 总计.
"""
from __future__ import annotations

from dataclasses import dataclass

from .blankcells import APP_COLS, TOL, Number, meets_total, place_short_rows, row_values
from .digitruns import application_identities
from .result import BLANK, TableResult


@dataclass(frozen=True)
class Token:
    """A value of a row as printed, without its place in the text (``blankcells.Valued``)."""

    value: Number | None


@dataclass
class Undetermined:
    """Cells ``(row, column)`` of rows placed by order alone that hold a value the reading does not
    determine: ``short``, of rows given fewer values than columns, where an order-preserving
    placement of the row's values that meets the arithmetic puts another value (or none) there;
    ``broken``, of rows given seven values that break their 总计."""

    short: list[tuple[str, str]]
    broken: list[tuple[str, str]]


def undetermined_by_order(res: TableResult) -> Undetermined:
    """The cells of ``res``'s rows paired with their values by order (``res.by_order``) that hold a
    value the reading does not determine (``Undetermined``). A row has fewer values than columns
    where a cell has no status (it was given none); a printed cell holding no number counts as a
    value whose number is unknown, and a short row with one cannot be placed by the arithmetic, so
    every cell of it holding a value is named. A row of seven values that breaks 总计 = the six is
    not known to be one printed row's values (values of two rows run together meet no 总计; the
    report's own sum may be wrong too, and the reading cannot tell which): all seven are named. (A
    column identity does not confirm them: its other rows are placed by order too, and rows of
    zeros or two rows run together make it hold by chance.) Empty for a table that is not table
    三's seven columns. ``res`` is not changed."""
    cols = list(res.spec.rows[0].cols)
    if len(cols) != APP_COLS:
        return Undetermined([], [])
    short: dict[str, list[Token]] = {}
    unplaceable: list[str] = []
    broken: list[str] = []
    fixed: dict[str, list[Number | None]] = {}
    for row in res.spec.row_keys:
        status = res.status.get(row, {})
        values = [res.values.get(row, {}).get(c) for c in cols]
        printed = [c in status and status[c] != BLANK for c in cols]
        if row in res.by_order and all(v is not None for v in values) and not meets_total(values):
            broken.append(row)
        elif row in res.by_order and any(printed) and not all(printed):
            tokens = [Token(v) for v, p in zip(values, printed) if p]
            if any(t.value is None for t in tokens):
                unplaceable.append(row)
            else:
                short[row] = tokens
        elif all(v is not None or c not in status for v, c in zip(values, cols)) and row in res.printed_rows:
            # every cell a value or given none (a blank, 0 in the arithmetic): a row the column
            # identities may use; a row with a cell not read leaves its identities unassessed
            fixed[row] = values
    idents = application_identities(res.spec.row_keys)
    out = Undetermined([(row, c) for row in unplaceable for c in cols if res.values[row][c] is not None],
                       [(row, c) for row in broken for c in cols])
    if not short:
        return out
    placed = place_short_rows(fixed, short, idents)
    for row, tokens in short.items():
        kept = [row_values(tokens, slots) for slots in placed[row].candidates]
        for k, c in enumerate(cols):
            v = res.values[row][c]
            if v is not None and any(rv[k] is None or abs(rv[k] - v) > TOL for rv in kept):
                out.short.append((row, c))
    return out

