"""Table 二's first value column written with the row labels (Chromium's PDF through raw ``pdftotext``):
Chromium draws that column right beside the labels, so each row's first value comes with its label — on
the label's own line where the label is long (``其他对外管理服务事项 1``), else on the next line — and the
group's other columns as blocks of their own. Such a value is its row's first column; nothing else about
the row is guessed from it."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.activeevents import _Event
from govreport.extraction.tables.activestream import beside_labels
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.labelrow import label_line_rows
from govreport.extraction.taggers import get_tagger
from govreport.extraction.templates import table_spec

from .reportkit import report

# seed-1 Chromium doc 13's table 二 as read: 行政许可 / 0 and 其他对外管理服务事项 1 (the 上一年项目数量 column
# beside the labels), then 本年增/减 as a block (14 / 1) and 处理决定数量 under its header
BESIDE = (
    "第二十条第（一）项\n信息内容\n规章\n规范性文件\n第二十条第（五）项\n\n本年新制作数量 本年新公开数量 对外公开总数量\n"
    "0\n0\n5\n66\n66\n66\n\n信息内容\n\n上一年项目数量 本年增/减\n\n行政许可\n0\n其他对外管理服务事项 1\n第二十条第（六）项\n\n"
    "14\n1\n\n处理决定数量\n5\n50\n\n信息内容\n\n上一年项目数量 本年增/减\n\n处理决定数量\n\n行政处罚\n\n43\n\n1\n\n44\n\n"
    "行政强制\n\n8\n\n0\n\n0\n\n第二十条第（八）项\n信息内容\n行政事业性收费\n\n上一年项目数量\n3\n\n本年增/减\n-2\n\n"
    "\x0c第二十条第（九）项\n信息内容\n\n采购项目数量\n\n采购总金额（单位：万元）\n\n政府集中采购\n\n90\n\n3692.94\n\n"
)

# seed-1 Chromium doc 7's: 行政许可 row by row after its label, 其他对外管理服务事项 with its first value on its
# line and its other two one a block after it
LABEL_LINE = (
    "第二十条第（一）项\n信息内容\n规章\n规范性文件\n第二十条第（五）项\n\n本年新制作数量 本年新公开数量 对外公开总数量\n"
    "0\n0\n0\n0\n0\n208\n\n信息内容\n\n上一年项目数量 本年增/减\n\n行政许可\n\n59\n\n－51\n\n0\n\n其他对外管理服务事项 2\n"
    "第二十条第（六）项\n\n－2\n\n13\n\n处理决定数量\n\n\x0c信息内容\n\n上一年项目数量 本年增/减\n\n处理决定数量\n\n行政处罚\n\n"
    "0\n\n2\n\n0\n\n行政强制\n\n147\n\n0\n\n0\n\n第二十条第（八）项\n信息内容\n行政事业性收费\n第二十条第（九）项\n\n"
    "上一年项目数量\n0\n\n本年增/减\n0\n\n信息内容\n\n采购项目数量\n\n采购总金额（单位：万元）\n\n政府集中采购\n\n0\n\n743.4229\n\n"
)


def _extract(active: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(active=active)).output


def _v(value: int) -> _Event:
    return _Event("V", cell=Cell(value=value, raw=str(value), start=value, end=value + 1, line=0, field=0, x=0, score=1.0))


def test_a_group_s_first_column_beside_its_labels_is_read_and_the_columns_divide_around_it():
    out = _extract(BESIDE)
    table, status = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert table["administrative_license"] == {"prev_year_items": 0, "change": 14, "decisions": 5}
    assert table["other_external_services"] == {"prev_year_items": 1, "change": 1, "decisions": 50}
    assert status["other_external_services"]["prev_year_items"] == "inferred"  # placed by order, not under a header
    assert any("read from the values written with each row's label" in w for w in out["warnings"])
    # the table's other groups, unreadable while a value stood on a label's line, are read
    assert table["normative_documents"] == {"new_made": 66, "new_published": 66, "total_published": 66}
    assert table["administrative_penalty"] == {"prev_year_items": 43, "change": 1, "decisions": 44}
    assert table["centralized_procurement"] == {"projects": 90, "amount": 3692.94}


def test_a_group_is_read_beside_its_labels_only_where_every_row_has_exactly_one_value_there():
    spec = table_spec("2019", "active_disclosure")
    lic, other = _Event("R", row="administrative_license"), _Event("R", row="other_external_services")
    group = _Event("T", text="第二十条第（六）项")
    assert {r: [c.value for c in cells] for r, (cells, _) in beside_labels([lic, _v(0), other, _v(1), group], spec).items()} == {
        "administrative_license": [0], "other_external_services": [1]}
    # a value written before its label (seed-1 doc 2: ``33 / 行政许可 / 其他对外管理服务事项 0``): nothing
    assert beside_labels([_v(33), lic, other, _v(0), group], spec) == {}
    # two values after each label: the first two columns (seed-1 doc 16: 行政许可 / 234 / 0 / 其他对外管理服务事项 22 / 0)
    got = beside_labels([lic, _v(234), _v(0), other, _v(22), _v(0), _Event("B")], spec)
    assert {r: [c.value for c in cells] for r, (cells, _) in got.items()} == {
        "administrative_license": [234, 0], "other_external_services": [22, 0]}
    # two after one label, one after the other: nothing
    assert beside_labels([lic, _v(234), _v(0), other, _v(22), _Event("B")], spec) == {}
    # as many as the row's columns: a reading in row order, not this
    assert beside_labels([lic, _v(1), _v(2), _v(3), other, _v(4), _v(5), _v(6), _Event("B")], spec) == {}


# seed-1 Chromium doc 47's first two groups: 本年新制作数量 and 本年新公开数量 (上一年项目数量 and 本年增/减) with each
# label, the third column a block after them (对外公开总数量) or under its header (处理决定数量)
TWO_BESIDE = (
    "第二十条第（一）项\n信息内容\n\n本年新制作数量 本年新公开数量 对外公开总数量\n\n规章\n0\n0\n规范性文件\n0\n0\n"
    "第二十条第（五）项\n信息内容\n上一年项目数量 本年增/减\n行政许可\n2\n0\n其他对外管理服务事项\n0\n0\n\n0\n3\n"
    "处理决定数量\n2\n3\n\n第二十条第（六）项\n信息内容\n行政处罚\n行政强制\n\n上一年项目数量 本年增/减\n48\n2\n0\n2\n\n"
    "处理决定数量\n0\n0\n\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n行政事业性收费\n\n122\n\n2\n\n第二十条第（九）项\n"
    "信息内容\n\n采购项目数量\n\n采购总金额（单位：万元）\n\n政府集中采购\n\n211\n\n0\n\n第二十条第（八）项\n\n"
)


def test_a_group_s_first_two_columns_beside_its_labels_are_read():
    table = _extract(TWO_BESIDE)["tables"]["active_disclosure"]
    assert table["regulations"] == {"new_made": 0, "new_published": 0, "total_published": 0}
    assert table["normative_documents"] == {"new_made": 0, "new_published": 0, "total_published": 3}
    assert table["administrative_license"] == {"prev_year_items": 2, "change": 0, "decisions": 2}
    assert table["other_external_services"] == {"prev_year_items": 0, "change": 0, "decisions": 3}


def test_values_with_the_labels_are_not_read_so_where_the_group_s_other_column_is_found_nowhere():
    # LibreOffice's row order with a blank cell (``规章 / 0 / 0``: which of the three is blank is open), and
    # no values for a third column anywhere: not read beside the labels
    table = _extract(TWO_BESIDE.replace("\n\n0\n3\n处理决定数量", "\n\n处理决定数量"))["tables"]["active_disclosure"]
    assert table["regulations"]["new_made"] is None and table["normative_documents"]["new_published"] is None


def test_a_value_on_its_label_s_line_is_the_row_s_first_column_and_only_that():
    out = _extract(LABEL_LINE)
    table = out["tables"]["active_disclosure"]
    # the later two (－2, 13) may be another row's written late where a cell is blank: not placed
    assert table["other_external_services"] == {"prev_year_items": 2, "change": None, "decisions": None}
    # set apart, the group's row-by-row rows let the columns of the others divide
    assert table["normative_documents"] == {"new_made": 0, "new_published": 0, "total_published": 208}
    assert table["administrative_fees"] == {"prev_year_items": 0, "change": 0}
    events = [_Event("B"), _Event("R", row="other_external_services"), _v(2), _Event("T", text="第二十条第（六）项"),
              _Event("B"), _v(3)]  # fmt: skip
    assert label_line_rows(events) == [("other_external_services", 2, 4)]
    assert label_line_rows([*events[:3], _Event("T", text="本年度共主动公开"), _Event("B")]) == []  # other text: no row
