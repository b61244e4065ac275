"""Table 三's rows paired with their values by order alone, checked against the page their label is on.

When table 三 is read one value a line with its row labels apart (raw ``pdftotext``) and no division of
the value stream fits the model (``streamorder.distrust_order``), each row keeps the run of values the
reading by order gave it: a guess (``inferred`` and ``ambiguous_cell``). A row's values are drawn from
the row's top, on its label's first line (``labelheights.label_lines``), so a row and its values stand
on one page of the reading (a row continued on the next page continues only its label there). A guess
whose value stands on another page than its row's label is therefore not the row's value: the pairing
by order went wrong before it (a blank cell leaves no line, so the values slid from one row to the next).
``off_page_guesses`` nulls such guesses where the row holds a value other than 0; what the reading puts
there is not known. (A row of zeros is kept flagged: the slide refutes its pairing, not its value.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from ..layout import Line
from .labelheights import label_pages
from .result import TableResult
from .streamblocks import APP_COLS


def off_page_guesses(res: TableResult, doc: Document, lines: Sequence[Line]) -> list[tuple[str, str]]:
    """Null (``unreadable``) every guess of ``res`` (table 三 of seven columns: an ambiguous cell of a
    row paired by order, ``res.by_order``) whose value stands on another page than its row's label in
    ``lines``; the row's other guesses too (its run of values is not its own). Rows whose label is not
    found, and rows whose values are all zeros (or null), are left as they are. Returns the cells nulled, with a warning on ``res`` naming them."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS or not res.ambiguous:
        return []
    pages = dict(zip(spec.row_keys, label_pages(doc, lines, [row.label for row in spec.rows])))
    text = doc.text
    off: set[str] = set()
    for row, col in res.ambiguous:
        prov = res.provenance.get(row, {}).get(col)
        if row not in res.by_order or prov is None or pages.get(row) is None:
            continue
        if text.count("\f", 0, prov["end"]) != pages[row]:
            off.add(row)
    # a row of zeros off its page is kept, flagged as before: zeros slid from another row are the row's
    # own value wherever its cells are zeros too, and which are is what the blocks decide (measured:
    # nulling them turned right cells null, docs/realism.md session 21)
    off = {row for row in off if any(v not in (None, 0) for v in res.values[row].values())}
    out = sorted((row, col) for row, col in res.ambiguous if row in off and res.values[row][col] is not None)
    for row, col in out:
        res.null(row, col)
    if out:
        res.warn(
            "rows placed by order alone whose values stand on another page than their label (a row's values "
            "are drawn at its label's first line): the pairing slid before them; null: " + ", ".join(f"{r}.{c}" for r, c in out)
        )
    return out
