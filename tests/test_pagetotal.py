"""A page's first row's 总计 drawn with the 总计 header cell at the page's end (raw pdftotext)."""

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetotal import first_totals_moved, table_width
from govreport.extraction.tables.streamorder import block_starts, lone_numbers, solve_stream
from tests.routekit import needs_routes

# a page of the 8-column variant (小计 after 其他): the column header, the first row's seven values
# (its 小计 in the 小计 header's block), the second row, and only then the 总计 header with the first
# row's 总计; then the next page
PAGE = ("申请人情况\n自然人\n\n4\n\n1\n\n0\n\n0\n\n0\n\n0\n\n法人或\n其他组\n织小计\n1\n\n"
        "2\n\n0\n\n0\n\n0\n\n0\n\n0\n\n0\n\n2\n\n总计\n\n5\n\n\f（本列数据的勾稽关系）\n")
FIRST = [4, 1, 0, 0, 0, 0, 5]
SECOND = [2, 0, 0, 0, 0, 0, 2]


def _stream(doc, span):
    cells, _ = lone_numbers(doc, span)
    return [c.value for c in cells], block_starts(cells, span)


def test_the_total_at_the_page_s_end_goes_back_after_the_page_s_first_row():
    doc, lines = Document(PAGE), split_lines(PAGE)
    assert table_width(doc, lines) == 8
    values, starts = _stream(doc, lines)
    assert values == [4, 1, 0, 0, 0, 0, 1] + [2, 0, 0, 0, 0, 0, 0, 2] + [5]
    # as printed no division fits (the first row's 总计 is not where its row ends)
    assert solve_stream(values, 2, starts=starts, sub=6) is None
    moved = first_totals_moved(doc, lines, 8)
    assert moved is not None
    values, starts = _stream(doc, moved)
    assert values == [4, 1, 0, 0, 0, 0, 1, 5] + [2, 0, 0, 0, 0, 0, 0, 2]
    # the moved value is a block of its own, and so is the second row's first value after it
    assert starts[7] and starts[8]
    sol = solve_stream(values, 2, starts=starts, sub=6)
    assert sol is not None and sol.rows == [FIRST, SECOND] and sol.ambiguous == 0
    # the 总计 header line is dropped: no header stands between values any more
    assert "总计" not in "".join(PAGE[ln.start : ln.end] for ln in moved)


def test_a_seven_column_page_moves_the_total_after_six_values():
    text = PAGE.replace("法人或\n其他组\n织小计\n1\n\n", "").replace("2\n\n0\n\n", "2\n\n", 1)
    doc, lines = Document(text), split_lines(text)
    assert table_width(doc, lines) == 7
    moved = first_totals_moved(doc, lines, 7)
    assert moved is not None
    values, starts = _stream(doc, moved)
    assert values == [4, 1, 0, 0, 0, 0, 5] + [2, 0, 0, 0, 0, 0, 2]
    sol = solve_stream(values, 2, starts=starts)
    assert sol is not None and sol.rows == [FIRST, SECOND]


@pytest.mark.parametrize("text", [
    # the 总计 header and its value are not the page's last lines
    PAGE.replace("总计\n\n5\n\n\f", "总计\n\n5\n\n其他文字\n\f"),
    # no 总计 header before the trailing value
    PAGE.replace("总计\n\n5\n", "5\n"),
    # the page prints no column header: its first row is not known
    PAGE.replace("申请人情况\n自然人\n", "一、本年新收\n"),
    # fewer values before the 总计 header than the first row's other columns
    "申请人情况\n自然人\n\n4\n\n1\n\n0\n\n总计\n\n5\n\f",
    # more values after the header than a row group has rows
    PAGE.replace("总计\n\n5\n", "总计\n\n5\n5\n5\n5\n"),
])  # fmt: skip
def test_no_move_where_the_page_does_not_end_in_a_total_header_and_its_values(text):
    doc = Document(text)
    assert first_totals_moved(doc, split_lines(text), table_width(doc, split_lines(text))) is None



@needs_routes("lo-pdf:pdftotext")
def test_a_libreoffice_reading_of_the_eight_column_variant_with_its_first_total_at_the_page_s_end_read_whole():
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 53)], ["lo-pdf:pdftotext"])
    # the first page's first row's 总计 (2557) after the page's last row, with the 总计 header
    assert "\n233\n\n总计\n\n2557\n\n\f" in r.text
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
