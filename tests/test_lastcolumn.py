"""Table 三's last 总计 column drawn last on its page, past table 四 (raw pdftotext)."""

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.lastcolumn import later_columns, region_with_later_total, reordered_last_page
from govreport.extraction.tables.streamorder import block_starts, lone_numbers, solve_stream
from tests.routekit import needs_routes

# the end of a table-三 region (a group of three rows written column by column, six columns: its
# 总计 column missing), then table 四 with the column printed inside it after the next heading
TAIL = (
    "其他\n\n3\n34\n4\n\n0\n0\n0\n\n0\n3\n0\n\n0\n0\n0\n\n1\n5\n1\n\n0\n0\n0\n\n"
    "四、政府信息公开行政复议和行政诉讼情况\n行政复议\n结果 结果\n维持 纠正\n\n总计\n\n0\n\n0\n\n"
    "总计\n1\n\n其他\n结果\n1\n\n总计\n\n4\n42\n5\n\n尚未\n审结\n0\n"
)


def _heading(lines, text):
    return next(ln.index for ln in lines if text[ln.start : ln.end].startswith("四、"))


def test_the_block_of_as_many_values_as_the_region_lacks_after_a_total_header():
    lines = split_lines(TAIL)
    hi = _heading(lines, TAIL)
    blocks = later_columns(TAIL, lines, hi, 3)
    assert blocks is not None and [[TAIL[ln.start : ln.end] for ln in b] for b in blocks] == [["总计", "4", "42", "5"]]
    # table 四's 总计 with one value, or with values a block each, is no such block
    assert later_columns(TAIL, lines, hi, 1) is None  # two one-value blocks: which one is a guess
    assert later_columns(TAIL, lines, hi, 2) is None
    # on the next page the block was drawn apart from this page's table
    paged = TAIL.replace("其他\n结果\n1\n", "\f其他\n结果\n1\n")
    assert later_columns(paged, split_lines(paged), hi, 3) is None
    # also where the form feed stands alone on an empty line between the header and the values
    fed = TAIL.replace("总计\n\n4\n42\n5\n", "总计\n\f\n4\n42\n5\n")
    assert fed != TAIL and later_columns(fed, split_lines(fed), hi, 3) is None


def test_the_region_with_the_block_divides_into_the_last_group():
    doc = Document(TAIL)
    lines = split_lines(TAIL)
    hi = _heading(lines, TAIL)
    # the tail alone stands for a region of three rows (21 cells, 18 printed in it)
    _, values, starts = _divides_into_the_last_group(doc, lines, hi)
    # without the block the region does not divide
    assert solve_stream(values[:18], 3, starts=starts[:18]) is None


def _divides_into_the_last_group(doc, lines, hi):
    """The region with the appended block(s) of the tail: its values, divided into the last group of three
    rows (the appended values a block of their own: the group's seventh column); (cells, values, starts)."""
    region = region_with_later_total(doc, lines, 0, hi, 3)
    assert region is not None
    cells, _ = lone_numbers(doc, region)
    values = [c.value for c in cells]
    assert values == [3, 34, 4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1, 5, 1, 0, 0, 0, 4, 42, 5]
    starts = block_starts(cells, region)
    sol = solve_stream(values, 3, starts=starts)
    assert sol is not None and sol.ambiguous == 0
    assert sol.rows == [[3, 0, 0, 0, 1, 0, 4], [34, 0, 3, 0, 5, 0, 42], [4, 0, 0, 0, 1, 0, 5]]
    return cells, values, starts



@needs_routes("lo-pdf:pdftotext")
def test_a_libreoffice_reading_with_its_last_total_column_past_table_four_read_whole():
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 166)], ["lo-pdf:pdftotext"])
    text = r.text
    # the last group's 总计 values printed after table 四's header pieces
    assert text.index("\n总计\n\n0\n4\n0\n") > text.index("行政复议")
    out = Extractor(get_tagger("rules")).extract_text(text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]


# the same tail with the group's 其他 column drawn last too: its header and values inside table 四's
# pieces before the 总计 column (LibreOffice's PDFs, the two right-hand columns of the last page)
TAIL_TWO = (
    "其他\n\n3\n34\n4\n\n0\n0\n0\n\n0\n3\n0\n\n0\n0\n0\n\n1\n5\n1\n\n"
    "四、政府信息公开行政复议和行政诉讼情况\n行政复议\n结果 结果\n维持 纠正\n\n其他\n0\n0\n0\n\n总计\n1\n\n"
    "其他\n结果\n1\n\n总计\n\n4\n42\n5\n\n尚未\n审结\n0\n"
)


def test_the_other_and_total_columns_both_drawn_last_are_appended_in_the_table_s_order():
    doc = Document(TAIL_TWO)
    lines = split_lines(TAIL_TWO)
    hi = _heading(lines, TAIL_TWO)
    blocks = later_columns(TAIL_TWO, lines, hi, 6)
    assert blocks is not None
    assert [[TAIL_TWO[ln.start : ln.end] for ln in b] for b in blocks] == [["其他", "0", "0", "0"], ["总计", "4", "42", "5"]]
    _divides_into_the_last_group(doc, lines, hi)


def test_other_and_total_blocks_out_of_the_table_s_order_or_twice_are_not_taken():
    # the 总计 block printed before the 其他 block: not the columns drawn left to right
    swapped = TAIL_TWO.replace("其他\n0\n0\n0\n\n", "").replace("尚未\n审结\n0\n", "尚未\n审结\n0\n其他\n0\n0\n0\n")
    lines = split_lines(swapped)
    assert later_columns(swapped, lines, _heading(lines, swapped), 6) is None
    # two 其他 blocks of the size: which one is the column's is a guess
    twice = TAIL_TWO.replace("总计\n\n4\n42\n5\n", "其他\n0\n1\n0\n\n总计\n\n4\n42\n5\n")
    lines = split_lines(twice)
    assert later_columns(twice, lines, _heading(lines, twice), 6) is None
    # the single 总计 column as before: three values missing
    lines = split_lines(TAIL_TWO)
    assert [TAIL_TWO[ln.start : ln.end] for ln in later_columns(TAIL_TWO, lines, _heading(lines, TAIL_TWO), 3)[0]] == ["总计", "4", "42", "5"]


# the last page of table 三 as LibreOffice can draw it: the six applicant columns of the last
# group (三 rows, one block each) in the order 自然人, 社会公益组织, 法律服务机构, 其他, 商业企业,
# 科研机构, a row of table 四 drawn among them, the 总计 column past the heading
LAST_PAGE = (
    "（七）总计\n四、结转下年度继续办理\n\n申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n\n"
    "社会公\n益组织\n\n法律服\n务机构\n\n其他\n\n0\n41\n8\n\n0\n0\n0\n\n0\n1\n1\n\n0\n2\n0\n\n"
    "复议后起诉\n结果 结果\n维持 纠正\n0\n0\n\n其他\n结果\n0\n\n0\n5\n3\n\n0\n0\n0\n\n"
    "四、政府信息公开行政复议和行政诉讼情况\n\n总计\n\n0\n49\n12\n"
)


def test_the_last_page_s_columns_drawn_in_libreoffice_s_other_order_are_put_in_the_table_s_order():
    doc = Document(LAST_PAGE)
    lines = split_lines(LAST_PAGE)
    (span,) = reordered_last_page(doc, lines)
    cells, _ = lone_numbers(doc, span)
    # table 四's 0 0 / 0 left out; 商业企业 (0 5 3) and 科研机构 (0 0 0) moved before 社会公益组织
    assert [c.value for c in cells] == [0, 41, 8, 0, 5, 3, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 2, 0, 0, 49, 12]
    # each column a block of its own, as printed
    assert block_starts(cells, span) == [k % 3 == 0 for k in range(21)]
    # the text past the run is kept (the heading and the 总计 column after it)
    filled = [t for ln in span if (t := LAST_PAGE[ln.start : ln.end])]
    assert filled[-5:] == ["四、政府信息公开行政复议和行政诉讼情况", "总计", "0", "49", "12"]


def test_a_span_ending_in_the_appended_total_column_is_reordered_before_it_and_fewer_blocks_are_not():
    # the 总计 column appended as a seventh block (``region_with_later_total``): the six before it
    text = LAST_PAGE.replace("\n四、政府信息公开行政复议和行政诉讼情况\n\n总计\n", "")
    doc = Document(text)
    spans = reordered_last_page(doc, split_lines(text))
    values = [[c.value for c in lone_numbers(doc, s)[0]] for s in spans]
    assert [0, 41, 8, 0, 5, 3, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 2, 0, 0, 49, 12] in values
    # five blocks: no last page of six columns to put in order
    short = LAST_PAGE.replace("0\n2\n0\n\n", "")
    assert reordered_last_page(Document(short), split_lines(short)) == []
    # blocks of different sizes are no group's columns
    uneven = LAST_PAGE.replace("0\n0\n0\n\n四、", "0\n0\n\n四、")
    assert reordered_last_page(Document(uneven), split_lines(uneven)) == []


@needs_routes("lo-pdf:pdftotext")
@pytest.mark.parametrize(
    ("index", "drawn"),
    [
        # the last group's 其他 and 总计 columns both past table 四 and the next heading
        (12, lambda t: t.index("\n其他\n0\n0\n0\n") > t.index("五、")),
        # the last page's columns 自然人, 社会公益组织, 法律服务机构, 其他, 商业企业, 科研机构
        (141, lambda t: "\n0\n4120\n82\n\n0\n0\n0\n\n0\n176\n1\n\n0\n154\n0\n\n0\n558\n38\n" in t),
    ],
)
def test_libreoffice_readings_whose_last_page_draws_its_columns_apart_read_whole(index, drawn):
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, index)], ["lo-pdf:pdftotext"])
    assert drawn(r.text)
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
