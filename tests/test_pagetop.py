"""Table 三's first rows on a page printed among the page's column headers (raw pdftotext of WPS PDFs)."""
import shutil

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetop import reorderings
from govreport.extraction.tables.streamorder import block_starts, lone_numbers, solve_stream

from .reportkit import assert_right_or_null

# rows (自然人, 商业企业, 科研机构, 社会公益, 法律服务, 其他, 总计)
R1 = [20, 4, 3, 2, 1, 0, 30]
R2 = [7, 1, 0, 0, 0, 0, 8]
# as raw pdftotext writes a page that starts with the header and these two single rows: 自然人 and
# 商业企业 of the first row, the second row's 自然人 (7), 法律服务's value in its header's block,
# 其他's header a block of its own (an empty line) before 科研机构's value, 社会公益's value in its
# block, then 其他 and 总计, and the second row's other values in order
PAGE = (
    "申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构\n\n一、本年新收政府信息公开申请\n数量\n"
    "二、上年结转政府信息公开申请\n数量\n\n20\n\n4\n\n7\n\n总计\n法律服务\n机构\n1\n\n其他\n\n3\n\n"
    "社会公益\n组织\n2\n\n0\n\n30\n\n1\n\n0\n\n0\n\n0\n\n0\n\n8\n\n"
)


def _stream(text):
    doc = Document(text)
    lines = split_lines(text)
    cells, hints = lone_numbers(doc, lines)
    return doc, lines, cells, hints, block_starts(cells, lines)


def test_a_page_s_first_row_printed_among_its_headers_is_put_in_column_order():
    doc, lines, cells, hints, starts = _stream(PAGE)
    values = [c.value for c in cells]
    assert values == [20, 4, 7, 1, 3, 2, 0, 30, 1, 0, 0, 0, 0, 8]
    # as printed no division fits, with the headers' hints or without
    assert solve_stream(values, 2, hints=hints, starts=starts) is None
    assert solve_stream(values, 2) is None
    fits = []
    for perm, moved in reorderings(doc, lines, cells, starts):
        sol = solve_stream([values[i] for i in perm], 2, starts=[starts[i] for i in perm])
        if sol is not None:
            fits.append((sol.rows, moved))
    # exactly one rewrite divides: the second row's 自然人 moved after the first row, 法律服务 and
    # 社会公益 from their headers' blocks, 科研机构 (after the lone 其他 header) in printed order
    assert [rows for rows, _ in fits] == [[R1, R2]]
    assert fits[0][1] == frozenset(range(8))


def test_a_header_with_an_empty_line_before_the_value_names_no_column():
    from govreport.extraction.tables.pagetop import _attached_header

    doc, lines, cells, _, _ = _stream(PAGE)
    pos = {ln.index: k for k, ln in enumerate(lines)}
    named = {c.raw: _attached_header(doc, lines, pos, c) for c in cells[:8]}
    # 法律服务 (4) and 社会公益 (3) hold their values in their blocks; 其他 stands apart
    assert named == {"20": None, "4": None, "7": None, "1": 4, "3": None, "2": 3, "0": None, "30": None}


def test_no_rewrite_without_values_among_the_headers():
    # the header printed whole before the values: nothing to rewrite
    text = "申请人情况\n自然人\n商业企业\n科研机构\n社会公益\n组织\n法律服务\n机构\n其他\n总计\n\n" + "\n\n".join(
        str(v) for v in R1 + R2) + "\n"  # fmt: skip
    doc, lines, cells, _, starts = _stream(text)
    assert reorderings(doc, lines, cells, starts) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_wps_readings_with_rows_among_the_repeated_header_rebuilt_without_wrong_numbers():
    """WPS-style PDFs whose every page of table 三 starts with its header (rows among the header
    pieces): the rewritten stream divides; every value is gold's, and most cells are read."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    extractor = Extractor(get_tagger("rules"))
    for r in read_routes([make_document(1, i) for i in (9, 36)], ["wps-pdf:pdftotext"]):
        out = extractor.extract_text(r.text).output
        assert any("printed among its repeated column headers" in w for w in out["warnings"]), r.id
        assert_right_or_null(out["tables"]["applications"], r.gold["tables"]["applications"], 0.9, r.id)


# the same page when the table ends it: 社会公益's header cell with its value is written after the next
# section's heading and its opening line (past the other blocks of the page)
PAGE_ENDING = (
    "申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构\n\n一、本年新收政府信息公开申请\n数量\n"
    "二、上年结转政府信息公开申请\n数量\n\n20\n\n4\n\n7\n\n总计\n法律服务\n机构\n1\n\n其他\n\n3\n\n0\n\n30\n\n"
    "1\n\n0\n\n0\n\n0\n\n0\n\n8\n\n四、政府信息公开行政复议和行政诉讼情况\n具体情况如下：\n\n总计\n社会公益\n组织\n2\n\n"
)


def test_a_header_cell_with_its_value_past_the_next_heading_joins_the_page_s_first_row():
    doc, lines, cells, hints, starts = _stream(PAGE_ENDING)
    values = [c.value for c in cells]
    assert values == [20, 4, 7, 1, 3, 0, 30, 1, 0, 0, 0, 0, 8, 2]
    heading = next(ln.index for ln in lines if PAGE_ENDING[ln.start : ln.end].startswith("四、"))

    def fits(past):
        out = []
        for perm, _ in reorderings(doc, lines, cells, starts, past):
            sol = solve_stream([values[i] for i in perm], 2, starts=[starts[i] for i in perm])
            if sol is not None:
                out.append(sol.rows)
        return out

    # the value past the heading (2, named by its header) is 社会公益's of the page's first row
    assert fits(heading) == [[R1, R2]]
    # read as printed, with the 2 left to the next table, no rewrite divides
    assert fits(None) == []


# a page that starts with two single rows and then a group of two rows: the second row's 自然人 (7)
# and the group's 自然人 block (9, 5) both stand beside the tall header cells, before the first row's
# right-hand values; the second row's other values follow the first row, then the group's columns
R3 = [9, 2, 0, 1, 0, 0, 12]
R4 = [5, 1, 0, 0, 0, 0, 6]
PAGE_TWO_MOVED = (
    "申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构\n\n一、本年新收政府信息公开申请\n数量\n"
    "二、上年结转政府信息公开申请\n数量\n\n20\n\n4\n\n7\n\n9\n5\n\n总计\n法律服务\n机构\n1\n\n其他\n\n3\n\n"
    "社会公益\n组织\n2\n\n0\n\n30\n\n1\n\n0\n\n0\n\n0\n\n0\n\n8\n\n2\n1\n\n0\n0\n\n1\n0\n\n0\n0\n\n0\n0\n\n12\n6\n\n"
)


def test_the_next_two_groups_first_columns_among_the_headers_are_each_moved_before_their_group():
    doc, lines, cells, hints, starts = _stream(PAGE_TWO_MOVED)
    values = [c.value for c in cells]

    def fits(moves):
        out = []
        for perm, moved in reorderings(doc, lines, cells, starts, moves=moves):
            sol = solve_stream([values[i] for i in perm], 4, starts=[starts[i] for i in perm])
            if sol is not None:
                out.append(sol.rows)
        return out

    # one block among the headers taken for the next row's first column: no rewrite divides
    assert solve_stream(values, 4, hints=hints, starts=starts) is None
    assert fits(1) == []
    # two: the second row's 自然人 after the first row, the group's after the second row
    assert fits(2) == [[R1, R2, R3, R4]]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_a_wps_reading_whose_page_top_holds_two_groups_first_columns_reads_whole():
    """WPS reading 132 of seed 1: its last page starts with two single rows of zeros and a group of
    three rows, whose 自然人 blocks stand among the headers; every cell comes back, each gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 132)], ["wps-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert any("printed among its repeated column headers" in w for w in out["warnings"])
    assert_right_or_null(out["tables"]["applications"], r.gold["tables"]["applications"], 1.0, r.id)


# a page whose narrow header cells the reader joins into one line (商业企业 科研机构 社会公益): the
# values right under them come in the header's block row by row (the first row's four, then the
# second row's), 法律服务 and 其他 the same under their joined line, then the 总计 column
Q1 = [20, 4, 3, 2, 1, 5, 35]
Q2 = [7, 1, 0, 0, 2, 0, 10]
PAGE_JOINED_HEADERS = (
    "申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构 社会公益\n组织\n20\n4\n3\n2\n7\n1\n0\n0\n\n"
    "法律服务 其他\n机构\n1\n5\n2\n0\n\n35\n10\n\n"
)


def test_values_under_header_cells_joined_into_one_line_are_read_row_by_row():
    from govreport.extraction.tables.pagetop import _attached_columns, rewritten_streams

    doc, lines, cells, hints, starts = _stream(PAGE_JOINED_HEADERS)
    values = [c.value for c in cells]
    assert values == [20, 4, 3, 2, 7, 1, 0, 0, 1, 5, 2, 0, 35, 10]
    pos = {ln.index: k for k, ln in enumerate(lines)}
    # the joined lines name the columns of their blocks; a header line naming one column names none
    assert _attached_columns(doc, lines, pos, cells[0]) == [0, 1, 2, 3]
    assert _attached_columns(doc, lines, pos, cells[8]) == [4, 5]
    assert _attached_columns(doc, lines, pos, cells[12]) == []
    # row labels naming 其他 and 总计 on one line are no header line
    doc2, lines2, cells2, _, _ = _stream("（六）其他处理 （七）总计\n5\n")
    assert _attached_columns(doc2, lines2, {ln.index: k for k, ln in enumerate(lines2)}, cells2[0]) == []
    # as printed no division fits, with the blocks or without
    assert solve_stream(values, 2, hints=hints, starts=starts) is None
    assert solve_stream(values, 2) is None
    fits = []
    for perm, moved, new_starts in rewritten_streams(doc, lines, cells, starts):
        sol = solve_stream([values[i] for i in perm], 2, starts=new_starts)
        if sol is not None:
            fits.append(sol.rows)
    # the rows column by column, a block per column
    assert fits == [[Q1, Q2]]


def test_a_joined_header_line_whose_block_does_not_hold_whole_rows_is_not_rewritten():
    # seven values under four joined columns: no count of rows fits, nothing rewritten
    text = PAGE_JOINED_HEADERS.replace("7\n1\n0\n0\n\n", "7\n1\n0\n\n")
    doc, lines, cells, _, starts = _stream(text)
    assert reorderings(doc, lines, cells, starts) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_a_wps_reading_whose_page_top_joins_its_header_cells_reads_whole():
    """WPS reading 100 of seed 1: its first page's header cells joined into lines, the first group's
    two rows written row by row under them; the report's own 总计 of 本年度办理结果 is wrong, so the
    rows come by the blocks (flagged): every cell gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 100)], ["wps-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert_right_or_null(out["tables"]["applications"], r.gold["tables"]["applications"], 1.0, r.id)
    assert {s for row in out["cell_status"]["applications"].values() for s in row.values()} == {"inferred"}
