"""Table 三's first page drawn before its own heading (raw pdftotext keeps the page's drawing order)."""
import shutil

import pytest

from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetop import preceding

# table 二's last values, table 三's note and column header with the first row's values among the
# header's cut pieces, then table 三's heading and its row labels
TEXT = ("政府集中采购\n0\n9 万元\n（本列数据的勾稽关系为：第\n项加第四项之和）\n申请人情况\n自然人\n法人或其他组织\n"
        "商业企\n科研机\n业\n构\n5\n0\n0\n社会公\n益组织\n0\n法律服\n务机构\n0\n其他\n0\n5\n\n0\n0\n"
        "三、收到和处理政府信息公开申请的情况\n一、本年新收政府信息公开申\n请数量\n")  # fmt: skip


def _heading(text, lines):
    return next(ln.index for ln in lines if text[ln.start : ln.end].startswith("三、"))


def test_the_first_page_drawn_before_the_heading_starts_at_its_column_header():
    lines = split_lines(TEXT)
    start = preceding(TEXT, lines, _heading(TEXT, lines))
    # from 申请人情况 on: table 二's values (0, 9 万元) and the note before it are not taken
    assert TEXT[lines[start].start : lines[start].end] == "申请人情况"


def test_nothing_is_taken_without_values_or_without_the_header():
    # the column header alone before the heading (its values after it): nothing moves
    text = "9 万元\n申请人情况\n自然人\n商业企业\n三、收到和处理政府信息公开申请的情况\n"
    lines = split_lines(text)
    assert preceding(text, lines, _heading(text, lines)) == _heading(text, lines)
    # lone values before the heading but no column header: another table's
    text = "采购总金额\n0\n5\n\n0\n三、收到和处理政府信息公开申请的情况\n"
    lines = split_lines(text)
    assert preceding(text, lines, _heading(text, lines)) == _heading(text, lines)
    # a prose line between the header and the heading ends the walk
    text = "申请人情况\n自然人\n5\n本年度共收到申请 5 件。\n0\n三、收到和处理政府信息公开申请的情况\n"
    lines = split_lines(text)
    assert preceding(text, lines, _heading(text, lines)) == _heading(text, lines)


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("soffice") is None,
                    reason="needs pdftotext and LibreOffice (apt-get install poppler-utils libreoffice-writer-nogui)")  # fmt: skip
def test_a_libreoffice_reading_whose_first_page_of_table_three_precedes_its_heading():
    """LibreOffice's PDF read by raw pdftotext: table 三's first page (its header and 40 values) comes
    before the heading; read with the table, every cell is gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 3)], ["lo-pdf:pdftotext"])
    head = r.text.find("三、收到和处理")
    assert r.text.rfind("申请人情况", 0, head) > r.text.rfind("9 万元", 0, head) > 0  # the case this test is about
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
