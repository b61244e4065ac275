"""Raw ``pdftotext``'s block order (poppler's reading-order sort) re-implemented: a grid of values drawn
cell by cell is written row by row only while every cell is printed; a blank cell breaks poppler's
table detection around it and the values near it come in another order. The expected orders below
are what ``pdftotext`` 22.12 writes for these grids (the last tests draw and read them)."""
from __future__ import annotations

import itertools
import shutil
import subprocess

import pytest

from govreport.training.synth.readingorder import (TextBox, bbox_layout, compare_pages, creation_order, page_boxes,
                                                   reading_order)

from govreport.training.synth.readingorder import MODELLED_POPPLER, poppler_version

# the orders compared with a real pdftotext are poppler 22.12's (another version may sort otherwise)
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None or (poppler_version() or ())[:2] != MODELLED_POPPLER,
                                     reason="pdftotext 22.12 not installed: apt-get install poppler-utils (Debian bookworm)")

SIZE = 9.0


def boxes_of(rows: list[list[str | None]], x0: float = 210.0, pitch_x: float = 45.0, top: float = 100.0,
             pitch_y: float = 36.0) -> list[TextBox]:  # fmt: skip
    """One block per printed cell of a grid (None: a blank cell), as a table drawn cell by cell."""
    out = []
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                x, y = x0 + c * pitch_x, top + r * pitch_y
                out.append(TextBox(x, y, x + 5.0 * len(v), y + SIZE, SIZE, x, y + 0.8 * SIZE, v))
    return out


def order(rows: list[list[str | None]]) -> list[str]:
    boxes = boxes_of(rows)
    return [boxes[i].text for i in reading_order(boxes)]


def numbered(nrows: int, ncols: int, blank: tuple[int, int] | None = None) -> list[list[str | None]]:
    rows: list[list[str | None]] = [[str(10 * (r + 1) + c + 1) for c in range(ncols)] for r in range(nrows)]
    if blank is not None:
        rows[blank[0]][blank[1]] = None
    return rows


def test_a_grid_with_every_cell_printed_is_written_row_by_row():
    assert order(numbered(3, 3)) == ["11", "12", "13", "21", "22", "23", "31", "32", "33"]
    assert order(numbered(4, 7)) == [v for row in numbered(4, 7) for v in row]


def test_a_blank_cell_in_the_middle_sends_the_rows_below_it_up_column_by_column():
    # the middle row's left value, then the last row's, before the first row's right-hand value
    assert order(numbered(3, 3, blank=(1, 1))) == ["11", "12", "21", "31", "13", "23", "32", "33"]


def test_a_blank_first_cell_writes_the_next_rows_first_value_before_the_rows_right_hand_values():
    assert order(numbered(3, 3, blank=(1, 0))) == ["11", "31", "12", "13", "22", "23", "32", "33"]
    # the last column: its first row's value comes after the rows below (no cell to its right)
    assert order(numbered(3, 3, blank=(1, 2))) == ["11", "12", "21", "22", "31", "32", "13", "33"]


def test_blocks_are_made_from_the_top_the_left_most_of_four_baseline_bins_first():
    # a block starting 8 pt lower but further left is made before one on the first line (4 pt bins)
    high = TextBox(300, 100, 320, 109, SIZE, 300, 107.2, "high")
    low = TextBox(100, 108, 120, 117, SIZE, 100, 115.2, "low")
    far = TextBox(50, 140, 70, 149, SIZE, 50, 147.2, "far")
    assert [[high, low, far][i].text for i in creation_order([high, low, far])] == ["low", "high", "far"]


def _drawn(rows: list[list[str | None]], wps: bool) -> bytes:
    """The grid drawn as a PDF, each cell its own text: plain, or as WPS Office draws (a scaled text
    matrix, one glyph per operation)."""
    from govreport.training.synth.pdf_quirks import QuirkCanvas, Quirks

    c = QuirkCanvas(Quirks(matrix_scale=0.05, per_glyph=True) if wps else Quirks())
    height = c.pagesize[1]
    for r, row in enumerate(rows):
        for k, v in enumerate(row):
            if v is not None:
                c.text(210 + 45 * k, height - (100 + 36 * r) - SIZE, v, size=SIZE)
    c.show_page()
    return c.save()


@needs_pdftotext
@pytest.mark.parametrize("wps", [False, True])
def test_the_model_orders_drawn_grids_with_a_blank_cell_as_pdftotext_writes_them(wps):
    seen = set()
    for r, c in itertools.product(range(4), range(4)):
        pdf = _drawn(numbered(4, 4, blank=(r, c)), wps)
        written = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split()
        (boxes,) = page_boxes(bbox_layout(pdf))
        assert [boxes[i].text for i in reading_order(boxes)] == written, (r, c)
        seen.add(tuple(written))
    assert len(seen) > 1  # the blank moves values: not one order for every grid


@needs_pdftotext
def test_the_model_orders_every_page_of_a_generated_wps_report_as_pdftotext():
    from govreport.training.synth.documents import make_document, render_quirk_pdf

    # a WPS-style report whose table 三 has blank cells (a row of 商业企业 … with one left empty)
    pages = compare_pages(bbox_layout(render_quirk_pdf(make_document(1, 54))))
    assert len(pages) >= 3 and pages == [None] * len(pages)


def _with_header(rows: list[list[str | None]]) -> list[TextBox]:
    """A table 三-like page: the column header's first block, then one block per printed cell below."""
    head = TextBox(200.0, 60.0, 245.0, 69.0, SIZE, 200.0, 67.2, "申请人情况")
    return [head, *boxes_of(rows)]


def test_values_out_of_unit_order_counts_what_a_blank_cell_moves_past_the_page_top():
    from govreport.training.synth.readingorder import values_out_of_unit_order

    def written(rows):
        boxes = _with_header(rows)
        return [boxes[i] for i in reading_order(boxes)]

    assert values_out_of_unit_order(written(numbered(5, 4))) == 0
    # a blank in the fourth row: its row's right-hand values come after the fifth row's first ones
    assert values_out_of_unit_order(written(numbered(5, 4, blank=(3, 1)))) > 0
    # in the first two rows (the page top, another matter) it is not counted
    assert values_out_of_unit_order(written(numbered(5, 4, blank=(0, 1)))) == 0


def test_blocks_stacked_close_below_each_other_are_one_flow_the_texts_block():
    from govreport.training.synth.readingorder import flows

    def box(x, y, text, size=SIZE):
        return TextBox(x, y, x + 5.0 * len(text), y + size, size, x, y + 0.8 * size, text)

    # a column's values 12 pt apart (one flow: pdftotext writes no empty line between them), a value
    # 40 pt lower (a flow of its own), then a bigger font right below it (a new flow again)
    boxes = [box(210, 100, "12"), box(210, 112, "0"), box(210, 152, "7"), box(210, 163, "9", size=14.0)]
    assert flows(boxes, [0, 1, 2, 3], 595.0) == [[0, 1], [2], [3]]
    # a block beside the first one narrows its free space: the next value, wider than that, starts a flow
    beside = box(222, 100, "x")
    wide = box(205, 112, "1000")
    assert flows([boxes[0], wide], [0, 1], 595.0) == [[0, 1]]
    assert flows([boxes[0], beside, wide], [0, 2, 1], 595.0) == [[0], [2], [1]]


@needs_pdftotext
def test_the_texts_empty_lines_are_where_the_model_ends_a_flow():
    pdf = _drawn(numbered(4, 4, blank=(1, 2)), wps=True)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    written = [blk.split() for blk in text.replace("\f", "").split("\n\n") if blk.strip()]
    from govreport.training.synth.readingorder import flows, page_widths

    layout = bbox_layout(pdf)
    (boxes,) = page_boxes(layout)
    model = [[boxes[i].text for i in f] for f in flows(boxes, reading_order(boxes), page_widths(layout)[0])]
    assert model == written
