"""Table 三's 8-column variant (a 法人或其他组织 小计 column) through the rebuilds raw pdftotext needs:
the last page's columns in LibreOffice's other order, its 总计 column past the next heading, and a
report whose own sums are wrong (doc 178 of seed 1 has all three; its WPS-style reading writes each
row's first three columns beside its label)."""

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.lastcolumn import (
    PAGE_ORDERS,
    page_orders,
    region_with_later_total,
    reordered_last_page,
    subtotal_slot,
)
from govreport.extraction.tables.streamorder import lone_numbers
from tests.routekit import skip_without_routes

# the last page of an 8-column table (小计 worded 合计, after 其他): the header, then the last group
# of three rows drawn 自然人, 社会公益, 法律服务, 其他, 合计, 商业企业, 科研机构 (a block each), the 总计
# column past the next heading
LAST_PAGE = ("申请人情况\n自然人 法人或其他组织\n商业企 科研机\n业\n构\n\n社会公\n益组织\n\n法律服\n务机构\n\n其他\n\n合计\n\n"
             "46\n228\n4\n\n0\n1\n0\n\n3\n10\n3\n\n0\n0\n0\n\n8\n38\n3\n\n5\n27\n0\n\n0\n0\n0\n\n"
             "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n统计情况如下表所示。\n\n总计\n\n54\n266\n7\n\n行政复议\n")
# the rows in the table's printed order: 自然人, 商业企业, 科研机构, 社会公益, 法律服务, 其他, 合计, 总计
ROWS = [[46, 5, 0, 0, 3, 0, 8, 54], [228, 27, 0, 1, 10, 0, 38, 266], [4, 0, 0, 0, 3, 0, 3, 7]]


def test_libreoffice_s_page_order_over_the_eight_printed_columns():
    assert page_orders(None) == PAGE_ORDERS
    # the 小计 after 其他: drawn in its place, 商业企业 and 科研机构 (headers that wrap) after it
    assert page_orders(6) == ((0, 3, 4, 5, 6, 1, 2),)
    # the 小计 after 自然人: the same rule
    assert page_orders(1) == ((0, 1, 4, 5, 6, 2, 3),)


def test_the_subtotal_slot_from_the_header_lines():
    lines = split_lines(LAST_PAGE)
    assert subtotal_slot(LAST_PAGE, lines) == 6
    before = LAST_PAGE.replace("其他\n\n合计\n\n", "其他\n\n").replace("自然人 法人或其他组织\n", "自然人 法人或其他组织\n小计\n")
    assert subtotal_slot(before, split_lines(before)) == 1
    # no 其他 line: the headers do not say
    bare = LAST_PAGE.replace("其他\n\n合计", "合计")
    assert subtotal_slot(bare, split_lines(bare)) is None


def test_the_last_page_of_the_eight_column_variant_reordered_with_its_total_column_appended():
    doc = Document(LAST_PAGE)
    lines = split_lines(LAST_PAGE)
    hi = next(ln.index for ln in lines if LAST_PAGE[ln.start : ln.end].startswith("四、"))
    # three rows of eight printed columns: the region lacks the 总计 column's three values (counted
    # over seven columns the region has more values than cells, and nothing is appended)
    assert region_with_later_total(doc, lines, 0, hi, 3) is None
    late = region_with_later_total(doc, lines, 0, hi, 3, width=8)
    assert late is not None
    assert [c.value for c in lone_numbers(doc, late)[0]][-3:] == [54, 266, 7]
    spans = [[c.value for c in lone_numbers(doc, span)[0]] for span in reordered_last_page(doc, late)]
    # the seven blocks before the appended one re-ordered: column by column in the table's order (the
    # other span re-orders the run's last seven blocks, the appended one among them: the caller's
    # division rejects it)
    assert len(spans) == 2 and [ROWS[j][c] for c in range(8) for j in range(3)] in spans


def test_without_a_subtotal_slot_the_eight_column_last_page_is_not_reordered():
    bare = LAST_PAGE.replace("其他\n\n合计", "合计")
    doc, lines = Document(bare), split_lines(bare)
    assert reordered_last_page(doc, lines) == []



@pytest.mark.parametrize("route", ["lo-pdf:pdftotext", "wps-pdf:pdftotext"])
def test_a_reading_of_the_variant_with_a_wrong_total_and_its_last_total_column_drawn_apart_read_whole(route):
    """Doc 178: 合计 after 其他, 二's 总计 printed 2 (its row's sum 0), the 总计 column of the last
    group past heading 四 — LibreOffice: its header with it, the last page's columns in LibreOffice's
    other order; WPS-style: each row's first three columns beside its label, the 总计 header drawn at
    the page's top. Every cell gold's, each flagged (placed by the blocks, not by sums that hold),
    the wrong sum a failed check."""
    skip_without_routes(route)
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 178)], [route])
    assert "\n合计\n" in r.text and "arithmetic_errors" in r.kinds
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
    assert {s for cols in out["cell_status"]["applications"].values() for s in cols.values()} == {"inferred"}
    failed = [c["rule"] for c in out["checks"] if c["status"] == "fail" and c["rule"].startswith("applications.")]
    assert any("carried_over" in rule for rule in failed), failed
