"""Table 三's last row group's 总计 column drawn last on its page (raw ``pdftotext``).

A PDF converter can draw the right-hand column of a table's last page after everything else on
that page: raw ``pdftotext`` then writes the 总计 header cell and the last row group's 总计 values
after the next table and even after the next section's heading and prose (LibreOffice's PDFs:
``… 其他 / 结果 / 1 / 总计 / (empty) / 4 / 42 / 5 / 尚未 / 审结 …`` inside table 四's pieces). The region
of table 三 then holds a few values fewer than its cells, and no division of it fits.

``later_total_column`` finds such a block: a line holding only ``总计``, then (after empty lines)
exactly as many lone numbers, one a line with nothing between them, as the region lacks, on the
same page. The caller divides the region's values with the block appended; the division must
meet every row's 总计 and the column identities as usual, so a block that is not table 三's
(table 四's 总计 and its value) fits only where its values are the ones the rows' sums give.
"""
from __future__ import annotations

from typing import Sequence

from ..document import Document
from ..layout import Line
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP
from .streamorder import lone_numbers

# the most values a block may hold: the rows of one row group
MAX_BLOCK = MAX_GROUP
# the most lines looked at past the region (a page of text), checked as the scan goes
MAX_LINES = 400


def _lone_value(raw: str) -> bool:
    """A line holding one number and nothing else, on the same page (no form feed)."""
    return "\f" not in raw and LONE_NUMBER.fullmatch(raw.strip()) is not None


def later_total_column(text: str, lines: Sequence[Line], hi: int, missing: int) -> list[Line] | None:
    """The ``总计`` line and the ``missing`` value lines of table 三's last 总计 column printed
    after its region (which ends at line index ``hi``) on the same page; None unless exactly one
    such block is there (two would leave the choice to a guess) or ``missing`` is not 1 to
    ``MAX_BLOCK``."""
    if not 1 <= missing <= MAX_BLOCK:
        return None
    found: list[list[Line]] = []
    scan = lines[hi : hi + MAX_LINES]
    k = 0
    while k < len(scan):
        raw = text[scan[k].start : scan[k].end]
        if "\f" in raw and k:
            break  # the next page: its lines were drawn apart from this page's table
        if raw.strip() != "总计":
            k += 1
            continue
        j = k + 1
        # an empty line may hold the form feed (a page starting with an empty line): past it, the
        # values were drawn on the next page, apart from this page's table
        while j < len(scan) and not (gap := text[scan[j].start : scan[j].end]).strip() and "\f" not in gap:
            j += 1
        block = []
        while j < len(scan) and _lone_value(text[scan[j].start : scan[j].end]):
            block.append(scan[j])
            j += 1
        if len(block) == missing:
            found.append([scan[k], *block])
        k = max(j, k + 1)
    return found[0] if len(found) == 1 else None


def region_with_later_total(doc: Document, lines: Sequence[Line], lo: int, hi: int, nrows: int) -> list[Line] | None:
    """Table 三's region lines ``lines[lo:hi]`` with its last 总计 column printed later on the
    page appended (``later_total_column``), where the region's lone numbers fall short of its
    ``nrows`` × 7 cells by the block's size; None where no such block is found."""
    values, _ = lone_numbers(doc, lines[lo:hi])
    block = later_total_column(doc.text, lines, hi, nrows * APP_COLS - len(values))
    if block is None:
        return None
    # the values follow an empty line (a block of their own, ``block_starts``), without the header
    # line: a header printed between values names a page's first rows' columns (``_header_column``),
    # which these, the last group's column written column-major, are not
    gap = next((ln for ln in lines[hi : block[0].index] if not doc.text[ln.start : ln.end].strip()), None)
    return None if gap is None else [*lines[lo:hi], gap, *block[1:]]
