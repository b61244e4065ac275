"""Table 二 rebuilt from one-value lines in content-stream order (raw pdftotext): labels and order only."""
import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

# raw pdftotext writes the groups' row labels as one block, then each column header with its
# group's values under it (2019 template)
LABELS = (
    "第二十条第（一）项\n信息内容\n规章\n规范性文件\n第二十条第（五）项\n信息内容\n行政许可\n其他对外管理服务事项\n"
    "第二十条第（六）项\n信息内容\n行政处罚\n行政强制\n第二十条第（八）项\n信息内容\n行政事业性收费\n"
    "第二十条第（九）项\n信息内容\n政府集中采购\n\n"
)
FIRST = "本年新制作\n数量\n1\n2\n\n本年新公开\n数量\n3\n4\n\n对外公开总\n数量\n5\n6\n\n"
GOLD = {
    "regulations": {"new_made": 1, "new_published": 3, "total_published": 5},
    "normative_documents": {"new_made": 2, "new_published": 4, "total_published": 6},
    "administrative_license": {"prev_year_items": 7, "change": -1, "decisions": 9},
    "other_external_services": {"prev_year_items": 8, "change": 0, "decisions": 10},
    "administrative_penalty": {"prev_year_items": 11, "change": 2, "decisions": 13},
    "administrative_coercion": {"prev_year_items": 12, "change": None, "decisions": 14},
    "administrative_fees": {"prev_year_items": 15, "change": -3},
    "centralized_procurement": {"projects": 16, "amount": 17.5},
}
# every header followed by its values, in the table's order (LibreOffice-made PDFs)
IN_ORDER = (
    "上一年项目数量\n7\n8\n\n本年增/减\n-1\n0\n\n处理决定数量\n9\n10\n\n"
    "上一年项目数量\n11\n12\n\n本年增/减\n2\n—\n\n处理决定数量\n13\n14\n\n"
    "上一年项目数量\n15\n\n本年增/减\n-3\n\n采购项目数量\n16\n\n采购总金额（单位：万\n元）\n17.5\n"
)
# WPS-drawn: 本年增/减 and 采购总金额 printed with nothing under them, their values later as blocks
SCRAMBLED = (
    "上一年项目数量\n7\n8\n\n本年增/减\n\n处理决定数量\n9\n10\n\n上一年项目数量\n11\n12\n\n本年增/减\n\n处理决定数量\n13\n14\n\n"
    "上一年项目数量\n15\n\n本年增/减\n\n采购项目数量\n16\n\n采购总金额\n\n-1\n0\n\n2\n—\n\n-3\n\n17.5 万元\n"
)
# ... and the headers themselves out of the table's order: the two 处理决定数量 after 采购总金额
OUT_OF_ORDER = (
    "上一年项目数量\n7\n8\n\n本年增/减\n\n上一年项目数量\n11\n12\n\n本年增/减\n\n上一年项目数量\n15\n\n本年增/减\n\n"
    "采购项目数量\n16\n\n采购总金额\n\n-1\n0\n\n2\n—\n\n处理决定数量\n9\n10\n处理决定数量\n13\n14\n\n-3\n\n17.5 万元\n"
)


def _extract(table: str) -> dict:
    text = (
        "2020年某某县人民政府政府信息公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n二、主动公开政府信息情况\n"
        + table
        + "\n三、收到和处理政府信息公开申请情况\n无。\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
        "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
    )
    return Extractor(get_tagger("rules")).extract_text(text).output


@pytest.mark.parametrize("body", [IN_ORDER, SCRAMBLED], ids=["in-order", "headers-without-values"])
def test_values_placed_by_their_headers_and_the_group_order(body):
    out = _extract(LABELS + FIRST + body)
    assert out["tables"]["active_disclosure"] == GOLD
    assert any("content order" in w for w in out["warnings"])
    # a printed dash is a blank cell, not a guess
    assert out["cell_status"]["active_disclosure"]["administrative_coercion"]["change"] == "blank"


def test_a_header_with_fewer_values_than_rows_leaves_its_cells_null():
    # 本年新公开数量 has one value for two rows: a blank cell left no line; which row is unknown
    out = _extract(LABELS + FIRST.replace("3\n4\n", "3\n") + IN_ORDER)
    got = out["tables"]["active_disclosure"]
    assert got["regulations"]["new_published"] is None and got["normative_documents"]["new_published"] is None
    assert got["regulations"]["new_made"] == 1 and got["administrative_license"]["decisions"] == 9
    assert out["cell_status"]["active_disclosure"]["regulations"]["new_published"] == "unreadable"
    assert any("regulations.new_published" in w for w in out["warnings"])


def test_headers_out_of_the_tables_order_leave_the_cells_two_groups_may_swap_null():
    # (五) and (六) both have two rows under 上一年项目数量/本年增/减/处理决定数量. The headers are in
    # the table's order up to (五)'s 本年增/减, so (五)'s 上一年项目数量 and 本年增/减 are the first of
    # their wordings and (六)'s the second; past that point the two 处理决定数量 may be in either
    # order, so the cells in which they differ are null
    out = _extract(LABELS + FIRST + OUT_OF_ORDER)
    got = out["tables"]["active_disclosure"]
    for row in ("administrative_license", "other_external_services", "administrative_penalty", "administrative_coercion"):
        assert got[row]["decisions"] is None, row
        assert out["cell_status"]["active_disclosure"][row]["decisions"] == "unreadable"
        for col in ("prev_year_items", "change"):
            assert got[row][col] == GOLD[row][col], (row, col)
    # a group of its own size (八: one row) and wordings printed once are still placed
    assert got["administrative_fees"] == GOLD["administrative_fees"]
    assert got["centralized_procurement"] == GOLD["centralized_procurement"]
    assert got["regulations"] == GOLD["regulations"]
    assert any("either order" in w for w in out["warnings"])


def test_a_reading_in_row_order_is_not_taken_for_the_stream():
    # one cell per line in row order (label, then its values): the ordinary assembly reads it
    rows = (
        "本年新制作数量\n本年新公开数量\n对外公开总数量\n规章\n1\n3\n5\n规范性文件\n2\n4\n6\n"
    )
    out = _extract("第二十条第（一）项\n" + rows)
    assert not any("content order" in w for w in out["warnings"])
    got = out["tables"]["active_disclosure"]
    assert got["regulations"] == {"new_made": 1, "new_published": 3, "total_published": 5}


def test_headers_side_by_side_take_their_values_row_by_row():
    # WPS: 上一年项目 本年增/减 on one line, 数量 under them, then (五)'s rows: 7 -1 | 8 0
    side = IN_ORDER.replace("上一年项目数量\n7\n8\n\n本年增/减\n-1\n0\n\n", "上一年项目 本年增/减\n数量\n7\n-1\n8\n0\n\n")
    assert side != IN_ORDER
    out = _extract(LABELS + FIRST + side)
    assert out["tables"]["active_disclosure"] == GOLD


def test_blocks_under_no_header_are_not_placed_when_a_header_s_own_values_do_not_fit():
    # the three (一) headers side by side with one value under them (blanks left no line): the
    # block under no header (5) may be theirs, so it is not given to the header without values
    text = (
        "本年制发件 本年废止件 现行有效件\n数\n数\n数\n无\n\n5\n\n本年处理决定数量\n\n本年处理决定数量\n8\n1\n\n"
        "本年收费金额（单位：万元）\n-\n"
    )
    labels = ("第二十条第（一）项\n信息内容\n规章\n行政规范性文件\n第二十条第（五）项\n信息内容\n行政许可\n"
              "第二十条第（六）项\n信息内容\n行政处罚\n行政强制\n\n")
    out = _extract(labels + text).get("tables")
    got = out["active_disclosure"]
    assert got["administrative_license"]["decisions"] is None
    assert got["regulations"] == {"issued": None, "repealed": None, "in_force": None}
    assert got["administrative_penalty"]["decisions"] == 8 and got["administrative_coercion"]["decisions"] == 1


def test_a_division_search_cut_short_gives_no_division():
    # twelve one-row headers with nothing under them and six one-value blocks after them: each
    # header takes a block or is blank, C(12, 6) = 924 divisions; the search stops at _MAX_PARSES,
    # and a division it did not reach could disagree with the ones found, so it gives none
    from govreport.extraction.tables import activestream
    from govreport.extraction.tables.base import Cell

    slots = [activestream._Slot("decisions", [f"r{i}"], f"r{i}") for i in range(12)]
    pos = {id(s): i for i, s in enumerate(slots)}
    runs = [(20 + 2 * i, [Cell(i, str(i), 0, 1, 0, 0, 0, 1.0)]) for i in range(6)]
    assert activestream._parses(list(enumerate(slots)), runs, pos) == []
    # as many blocks as headers: one division, found in a few steps (the rest pruned)
    runs = [(20 + 2 * i, [Cell(i, str(i), 0, 1, 0, 0, 0, 1.0)]) for i in range(12)]
    (only,) = activestream._parses(list(enumerate(slots)), runs, pos)
    assert [only[id(s)][0].value for s in slots] == list(range(12))


def test_a_form_feed_inside_a_line_after_a_label_is_no_crash():
    # a form feed (a page break pdftotext writes) inside the line after a label: the line was matched
    # without it, then looked up with it, and raised ValueError "substring not found"
    text = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t\f本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t1\t2\t3\n"
    res = Extractor(tagger=get_tagger("rules")).extract_text(text, filename="r.txt")
    assert res.output["tables"]["active_disclosure"] is not None
