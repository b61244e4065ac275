"""A page's first rows written by raw pdftotext as a staircase, and a page's first row's 总计 after its
rows without a 总计 line (``extraction/tables/staircase.py``, ``pagetotal.unmarked_totals_moved``)."""

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetotal import first_totals_moved, unmarked_totals_moved
from govreport.extraction.tables.staircase import staircase_spans
from govreport.extraction.tables.streamorder import block_starts, label_joins, lone_numbers, solve_stream
from tests.routekit import needs_routes

# three rows of the 8-column variant (小计 after 其他), each row's 自然人 read with its label, then
# the column header and the other seven columns: 商业企业 科研机构 社会公益 法律服务 其他 小计 总计
ROWS = [[4, 1, 0, 0, 0, 0, 1, 5], [2, 0, 1, 0, 0, 0, 1, 3], [1, 2, 0, 0, 0, 0, 2, 3]]
LABELS = "一、本年新收政府信息公开申 4\n请数量\n二、上年结转政府信息公开申 2\n请数量\n（一）予以公开 1\n"
HEADER = "法人或其他组织\n商业企\n业\n科研机\n构\n社会公\n益组织\n法律服\n务机构\n其他\n\n总计\n"


def _page(order: list[tuple[int, int]]) -> str:
    """The page with the rows' columns right of 自然人 written in ``order`` ((row, column) pairs,
    column 0 = 商业企业), a block each."""
    return "申请人情况\n自然人\n" + LABELS + HEADER + "".join(f"\n{ROWS[r][c + 1]}\n" for r, c in order) + "\f"


# the staircase: the first row's first three columns, the second's first two, the third's first,
# then each row's other columns in row order
STAIRCASE = ([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)]
             + [(0, c) for c in range(3, 7)] + [(1, c) for c in range(2, 7)] + [(2, c) for c in range(1, 7)])  # fmt: skip
IN_ORDER = [(r, c) for r in range(3) for c in range(7)]


def _solve(doc, span):
    cells, _ = lone_numbers(doc, span)
    values = [c.value for c in cells]
    return values, solve_stream(values, 3, starts=block_starts(cells, span), sub=6, joined=label_joins(doc, cells, span))


def test_a_page_s_first_rows_read_with_the_labels_divide_in_the_eight_column_variant():
    # the first column with the labels (``_lead_column``) with a 小计 in every row: on main only
    # the seven-column table was read so
    text = _page(IN_ORDER)
    doc = Document(text)
    values, sol = _solve(doc, split_lines(text))
    assert values == [4, 2, 1] + [v for row in ROWS for v in row[1:]]
    assert sol is not None and sol.ambiguous == 0
    assert sol.rows == [row[:6] + row[7:] for row in ROWS]  # the 小计 left out


def test_a_page_of_more_than_ten_rows_whose_first_column_came_with_the_labels_divides():
    # seventeen rows on a page (a WPS page of table 三's upper rows): every 自然人 with its label
    rows = [[r + 1, r % 3, 0, 1, 0, 0, 0] for r in range(17)]
    for row in rows:
        row[6] = sum(row[:6])
    labels = "".join(f"第{r}行标签文字 {row[0]}\n续行\n" for r, row in enumerate(rows))
    text = ("申请人情况\n自然人\n" + labels + "商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n\n总计\n"
            + "".join(f"\n{v}\n" for row in rows for v in row[1:]) + "\f")
    doc, lines = Document(text), split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    assert values == [row[0] for row in rows] + [v for row in rows for v in row[1:]]
    sol = solve_stream(values, 17, starts=block_starts(cells, lines), joined=label_joins(doc, cells, lines))
    assert sol is not None and sol.rows == rows and sol.ambiguous == 0


def test_a_staircase_page_is_written_back_in_row_order():
    text = _page(STAIRCASE)
    doc, lines = Document(text), split_lines(text)
    # as printed the rows do not divide
    assert _solve(doc, lines)[1] is None
    rewritten = staircase_spans(doc, lines, 8)
    assert rewritten
    solved = [sol for span in rewritten if (sol := _solve(doc, span)[1]) is not None]
    # exactly the staircase of three rows (3, 2, 1 columns first) divides, into the page's rows
    assert len(solved) == 1 and solved[0].rows == [row[:6] + row[7:] for row in ROWS]
    # every line of the page kept, each once
    for span in rewritten:
        assert sorted(ln.index for ln in span) == [ln.index for ln in lines]


def test_a_page_in_row_order_or_without_a_header_before_its_values_gets_no_staircase():
    text = _page(IN_ORDER)
    doc = Document(text)
    # rows already in order: no rewrite whose rows meet their 小计 moves a value
    for span in staircase_spans(doc, split_lines(text), 8):
        cells, _ = lone_numbers(doc, span)
        assert [c.value for c in cells] == [4, 2, 1] + [v for row in ROWS for v in row[1:]]
    text = _page(STAIRCASE).replace(HEADER, "见下表\n")
    assert staircase_spans(Document(text), split_lines(text), 8) == []


# a page of seven-column rows whose 总计 header cell stands at the page's top: its first row's 总计
# comes after the page's last row, with no 总计 line before it
TOP = ("申请人情况\n自然人\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n总计\n"
       "\n4\n\n1\n\n0\n\n0\n\n0\n\n0\n\n2\n\n0\n\n0\n\n0\n\n0\n\n0\n\n2\n\n5\n\f")


def test_a_page_s_first_total_after_its_rows_without_a_total_line_goes_back():
    doc, lines = Document(TOP), split_lines(TOP)
    assert first_totals_moved(doc, lines, 7) is None  # no 总计 line before it: main's rewrite does not apply
    (moved,) = unmarked_totals_moved(doc, lines, 7)
    cells, _ = lone_numbers(doc, moved)
    values = [c.value for c in cells]
    assert values == [4, 1, 0, 0, 0, 0, 5, 2, 0, 0, 0, 0, 0, 2]
    sol = solve_stream(values, 2, starts=block_starts(cells, moved))
    assert sol is not None and sol.rows == [[4, 1, 0, 0, 0, 0, 5], [2, 0, 0, 0, 0, 0, 2]]


@pytest.mark.parametrize("text", [
    TOP.replace("申请人情况\n自然人\n", "一、本年新收\n"),  # no column header: the first row is not known
    TOP.replace("\n2\n\n5\n\f", "\n2\n5\n6\n7\n\f"),  # the last block holds more than a row group's totals
    TOP.replace("\n2\n\n5\n\f", "\n2\n5\n\f"),  # the last block is the whole trailing run of values
])  # fmt: skip
def test_no_unmarked_total_moved_where_the_page_does_not_end_so(text):
    doc = Document(text)
    assert unmarked_totals_moved(doc, split_lines(text), 7) == []



@needs_routes("wps-pdf:pdftotext")
def test_a_wps_reading_of_the_eight_column_variant_with_a_staircase_page_reads_whole():
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 53)], ["wps-pdf:pdftotext"])
    # the staircase of the first page (84 6 39 110 / 11 2 5 / 0 8 / 0 2 / 3, then the rows' rest) and
    # the next page's first row's 总计 (25) after the table's last row
    assert "\n84\n\n6\n\n39\n\n110\n\n11\n\n2\n\n5\n\n0\n8\n\n0\n2\n\n3\n\n67\n" in r.text
    assert "\n2774\n41\n\n25\n" in r.text
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
    assert any("staircase" in w for w in out["warnings"])
