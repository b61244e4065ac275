"""Which row opens each page of table 三 in a raw ``pdftotext`` reading, from the pages of the rows' labels.

A row's values are drawn from the row's top, on its label's first line (``labelheights.label_lines``),
so a row and its values share a page: the row labelled first on a page is the first whose values stand
there. Used by the stream's divisions (``streamorder.assemble_from_stream``), the division under the
rows' heights (``joinedrows``) and the pages taken whole (``pagedivision``, ``pagerows``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .labelheights import label_pages
from .streamblocks import APP_COLS


def _pages_between(found: Sequence[int | None], first: int, last: int) -> list[int | None]:
    """Per template row, the page of its label (``found``: None where the label is not found, e.g.
    another wording) with each label not found given the page its neighbours share: rows stand in
    template order, so a row between two rows found on one page (the table's first page ``first``
    before the first row, its last page ``last`` after the last row) stands on that page too. The
    others stay None (the row could open a page or end one)."""
    out = list(found)
    for r, page in enumerate(found):
        if page is not None:
            continue
        before = next((x for x in reversed(found[:r]) if x is not None), first)
        after = next((x for x in found[r + 1 :] if x is not None), last)
        out[r] = before if before == after else None
    return out


def late_header(cells: Sequence[Cell], hints: Sequence[int | None], tops: frozenset[int]) -> bool:
    """Does a column header's piece stand among a page's later values: a value ``hints`` names
    (the header piece before it) more than a row's width past every page top (``tops``)?"""
    return any(h is not None and not any(0 <= i - t < APP_COLS for t in tops) for i, h in enumerate(hints))


def page_first_rows(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], tops: frozenset[int],
                    labels: Sequence[str]) -> dict[int, int]:
    """Per page top of table 三 (``tops``: index into ``cells`` of a page's first value), the
    template row whose label stands first on that page (``labels``: the rows' wordings;
    ``labelheights.label_lines``; pages by the reading's form feeds). A row's values are drawn
    from its top, on its label's first line, so a row and its values share a page (a row
    continued on the next page continues only its label there). Empty where that is not read
    whole: a row's label not found, labels whose pages go back, two page tops on one page, or a
    page top whose page labels no row."""
    found = label_pages(doc, lines, labels)
    if not tops or all(x is None for x in found):
        return {}
    text = doc.text
    pages = [text.count("\f", 0, cells[t].end) for t in tops]
    label_page = _pages_between(found, min(pages), max(pages))
    if any(x is None for x in label_page):
        return {}
    if any(x > y for x, y in zip(label_page, label_page[1:])):  # type: ignore[operator]
        return {}
    out: dict[int, int] = {}
    seen: set[int] = set()
    for t in sorted(tops):
        page = text.count("\f", 0, cells[t].end)
        row = next((r for r, x in enumerate(label_page) if x == page), None)
        if row is None or page in seen:
            return {}
        seen.add(page)
        out[t] = row
    return out
