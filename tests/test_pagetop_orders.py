"""A page's row group whose column blocks come in an order its headers do not tell (raw pdftotext of
LibreOffice's PDFs: the header printed whole, then the group's blocks, 商业企业's after 法律服务's)."""
import shutil

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetop import MAX_ORDERS, _block_orders, _blocks, reorderings
from govreport.extraction.tables.streamorder import block_starts, lone_numbers

# a group of three rows (自然人 … 其他, 总计): (0 0 0 0 0 0 0), (3 1 0 0 0 0 4), (0 0 0 0 0 0 0), its
# blocks printed 自然人, 科研机构, 社会公益, 法律服务, 商业企业, 其他, 总计
PAGE = ("申请人情况\n自然人\n法人或其他组织\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n总计\n\n"
        "0\n3\n0\n\n0\n0\n0\n\n0\n0\n0\n\n0\n0\n0\n\n0\n1\n0\n\n0\n0\n0\n\n0\n4\n0\n")  # fmt: skip


def _stream(text):
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    return doc, lines, cells, block_starts(cells, lines)


def test_every_order_of_the_unnamed_blocks_that_meets_the_rows_totals():
    doc, lines, cells, starts = _stream(PAGE)
    values = [c.value for c in cells]
    blocks = _blocks(starts)
    assert [len(b) for b in blocks] == [3] * 7
    orders = _block_orders(blocks, {}, 0, values)
    rows = {tuple(tuple(values[i] for i in seq[j::3]) for j in range(3)) for seq in orders}
    # the middle row's 4 can only be its 总计; its 3 and 1 go to any two of the six applicant columns
    assert len(orders) == len(rows) == 30
    assert ((0,) * 7, (3, 1, 0, 0, 0, 0, 4), (0,) * 7) in rows
    assert all(r[1][6] == 4 for r in rows)
    # as printed the rows' totals hold too; only the table's column identities tell the orders apart
    assert ((0,) * 7, (3, 0, 0, 0, 1, 0, 4), (0,) * 7) in rows


def test_a_header_s_block_keeps_its_column_and_too_many_orders_give_none():
    doc, lines, cells, starts = _stream(PAGE)
    values = [c.value for c in cells]
    blocks = _blocks(starts)
    # 总计's block named by its header: only the applicant columns are ordered (the same 30)
    assert len(_block_orders(blocks, {6: 6}, 0, values)) == 30
    # a row of 1, 2, 3, 4, two zeros and 10: 360 orders meet its total, more than MAX_ORDERS: none tried
    values = [1, 2, 3, 4, 0, 0, 10]
    assert 360 > MAX_ORDERS
    assert _block_orders([[i] for i in range(7)], {}, 0, values) == []
    # named 自然人 … 社会公益 by their headers: the zeros' order is one sequence
    assert _block_orders([[i] for i in range(7)], {0: 0, 1: 1, 2: 2, 3: 3}, 0, values) == [list(range(7))]


def test_the_rewrites_are_tried_only_when_asked():
    doc, lines, cells, starts = _stream(PAGE)
    # no header printed among the values: the ordinary rewrites have nothing to do
    assert reorderings(doc, lines, cells, starts) == []
    assert len(reorderings(doc, lines, cells, starts, permute=True)) == 30


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("soffice") is None,
                    reason="needs pdftotext and LibreOffice (apt-get install poppler-utils libreoffice-writer-nogui)")  # fmt: skip
def test_a_libreoffice_reading_whose_last_page_prints_a_column_out_of_order():
    """LibreOffice's PDF through raw pdftotext: table 三's last page prints its three rows' 商业企业
    block after 法律服务's and the 总计 column past the next heading; the column identities choose
    the order: every cell gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 31)], ["lo-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
    statuses = {s for cols in out["cell_status"]["applications"].values() for s in cols.values()}
    assert "inferred" in statuses


# a page's first row among the header's cut pieces (in column order, 社会公益 … 其他 named by their
# pieces), then the second row as LibreOffice's PDF reads: 自然人, 社会公益, 法律服务, 其他, 总计,
# 商业企业, 科研机构 (the last two's header cells were read with the first row)
SECOND = ("申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n31\n3\n0\n\n社会公\n益组织\n0\n\n法律服\n务机构\n1\n\n"
          "其他\n0\n\n35\n\n3\n\n0\n\n0\n\n0\n\n3\n\n0\n\n0\n\n总计\n")  # fmt: skip


def test_a_page_s_second_row_whose_order_breaks_its_total_is_tried_in_every_fitting_order():
    from govreport.extraction.tables.pagetop import _row_orders

    doc, lines, cells, starts = _stream(SECOND)
    values = [c.value for c in cells]
    assert values == [31, 3, 0, 0, 1, 0, 35, 3, 0, 0, 0, 3, 0, 0]
    # the first row meets its total as printed: nothing to try
    assert _row_orders(values, {}, 0) == []
    # the second: 3 + 0 + 0 + 0 + 3 + 0 ≠ 0; a 3 is 总计, the other any of the six applicant columns
    rows = {tuple(values[i] for i in seq) for seq in _row_orders(values, {}, 7)}
    assert rows == {tuple(3 if c in (a, 6) else 0 for c in range(7)) for a in range(6)}
    # the rewrites of the whole stream: each such order of the second row, the first row kept
    rewrites = reorderings(doc, lines, cells, starts, permute=True)
    assert len(rewrites) == 6
    assert all(perm[:7] == list(range(7)) and moved == frozenset(range(7, 14)) for perm, moved in rewrites)


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("soffice") is None,
                    reason="needs pdftotext and LibreOffice (apt-get install poppler-utils libreoffice-writer-nogui)")  # fmt: skip
def test_a_libreoffice_reading_whose_page_s_second_row_comes_out_of_order():
    """LibreOffice's PDF through raw pdftotext: the second row of table 三's first page comes 自然人,
    社会公益, 法律服务, 其他, 总计, 商业企业, 科研机构; the column identities choose its order."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 38)], ["lo-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("soffice") is None,
                    reason="needs pdftotext and LibreOffice (apt-get install poppler-utils libreoffice-writer-nogui)")  # fmt: skip
def test_a_libreoffice_reading_whose_total_column_is_drawn_among_table_four():
    """LibreOffice's PDF through raw pdftotext: table 三's last page ends a page; its 总计 column (the
    header and the last group's three values) comes among table 四's lines, and the group's other
    blocks out of column order: the column appended (lastcolumn), the blocks in every order, every cell gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 139)], ["lo-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
