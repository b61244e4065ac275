"""A division of table 三 laid out from the division alone (column index × pitch, widths from the
characters, rows in order) and sorted by the reading-order model (``training/synth/orderfit.py``):
the orders it gives for small grids are those ``pdftotext`` 22.12 writes for drawn ones
(``tests/test_readingorder.py``), the check it makes pins a blank among distinct values and not
among equal ones, and the measurement on a generated WPS-style PDF runs."""
from __future__ import annotations

import shutil

import pytest

from govreport.training.synth.orderfit import (PlacedBlock, division_boxes, identities_met, measure, order_fits,
                                               row_tops)
from govreport.training.synth.readingorder import MODELLED_POPPLER, poppler_version, reading_order

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None or (poppler_version() or ())[:2] != MODELLED_POPPLER,
                                     reason="pdftotext 22.12 not installed: apt-get install poppler-utils (Debian bookworm)")


def grid(blank: set[tuple[int, int]], n: int = 3, m: int = 3, value: str | None = None) -> list[PlacedBlock]:
    """One one-line block per printed cell, row by row: ``value`` or the cell's row and column (``12``)."""
    return [PlacedBlock(c, (r,), (value or f"{r + 1}{c + 1}",)) for r in range(n) for c in range(m) if (r, c) not in blank]


def sorted_texts(blocks: list[PlacedBlock], n: int = 3) -> list[str]:
    order = reading_order(division_boxes(blocks, row_tops([2] * n)))
    return [blocks[i].lines[0] for i in order]


def test_a_full_division_sorts_row_by_row():
    assert sorted_texts(grid(set())) == ["11", "12", "13", "21", "22", "23", "31", "32", "33"]


def test_a_division_with_a_blank_sorts_as_pdftotext_writes_the_drawn_grid():
    # the orders test_readingorder.py asserts for drawn grids (and pdftotext writes)
    assert sorted_texts(grid({(1, 1)})) == ["11", "12", "21", "31", "13", "23", "32", "33"]
    assert sorted_texts(grid({(1, 0)})) == ["11", "31", "12", "13", "22", "23", "32", "33"]


def test_a_block_over_two_rows_is_one_box_spanning_them():
    boxes = division_boxes([PlacedBlock(0, (0, 1), ("1", "2")), PlacedBlock(1, (1,), ("3",))], row_tops([1, 1]))
    assert boxes[0].y0 == boxes[1].y0 - 1.35 * 9.0 and boxes[0].y1 == boxes[1].y1
    assert boxes[1].x0 > boxes[0].x1


def reading_of(blocks: list[PlacedBlock], n: int = 3) -> list[PlacedBlock]:
    """The blocks in the order the model writes them (a reading of the division)."""
    order = reading_order(division_boxes(blocks, row_tops([2] * n)))
    return [blocks[i] for i in order]


def test_the_order_pins_a_blank_among_distinct_values():
    written = reading_of(grid({(1, 1)}))
    assert order_fits(written, row_tops([2] * 3), skip=0)
    # the same blocks read with the blank in the first column (21 in the middle): another order
    moved = [PlacedBlock(1, (1,), b.lines) if b.lines == ("21",) else b for b in written]
    assert not order_fits(moved, row_tops([2] * 3), skip=0)
    # the grid's row order is not what the model writes around a blank
    assert not order_fits(grid({(1, 1)}), row_tops([2] * 3), skip=0)


def test_the_order_cannot_place_a_blank_among_equal_values():
    written = reading_of(grid({(1, 1)}, value="0"))
    moved = [PlacedBlock(1, (1,), b.lines) if (b.column, b.rows) == (0, (1,)) else b for b in written]
    assert order_fits(moved, row_tops([2] * 3), skip=0)  # 0 in 三's middle cell or its first: the text is alike


def test_the_first_rows_of_a_page_are_not_compared():
    written = reading_of(grid({(1, 1)}))
    swapped = [written[1], written[0], *written[2:]]  # 12 before 11: the first row
    assert not order_fits(swapped, row_tops([2] * 3), skip=0)
    assert order_fits(swapped, row_tops([2] * 3), skip=1)


def table(**rows: list[str]) -> dict[str, list[str]]:
    base = {k: ["", "", "", "", "", "", "0"] for k in ("new_received", "carried_over", "granted", "total_handled",
                                                        "carried_forward")}  # fmt: skip
    base.update(rows)
    return base


def test_identities_met_counts_blanks_and_marks_as_zero():
    ok = table(new_received=["2", "", "—", "", "", "1", "3"], granted=["2", "", "", "", "", "1", "3"],
               total_handled=["2", "无", "", "", "", "1", "3"])  # fmt: skip
    met = identities_met(ok)
    assert ("row", "new_received") in met and ("sum", 0) in met and ("balance", 5) in met and ("balance", 6) in met
    wrong = table(new_received=["2", "", "", "", "", "1", "4"], granted=["2", "", "", "", "", "1", "3"],
                  total_handled=["2", "", "", "", "", "1", "3"])  # fmt: skip
    met = identities_met(wrong)
    assert ("row", "new_received") not in met and ("balance", 6) not in met and ("balance", 0) in met


def test_the_typesetter_records_table_three_rows_by_page():
    from govreport.training.synth.documents import _PdfLayout, make_document

    lay = _PdfLayout(make_document(1, 3))
    lay.render()
    rows = [r for r in lay.drawn if r.table == "applications"]
    assert rows and rows[0].key == "new_received" and rows[-1].key == "carried_forward"
    assert all(len(r.cells) == len(rows[0].cells) for r in rows)
    assert [r.page for r in rows] == sorted(r.page for r in rows)
    assert all(x0 < x1 for (_, x0, _), (_, x1, _) in zip(rows[0].cells, rows[0].cells[1:]))


@needs_pdftotext
def test_measure_reads_every_page_of_a_generated_table():
    pages = measure(1, 3)
    assert pages is not None and pages
    for p in pages:
        assert p.rows > 0 and p.blocks > 0
        assert p.alternatives_fit <= p.alternatives and p.alternatives_fit_late <= p.alternatives_fit
