"""Table 二 rows written row by row, one value a block right after their own label (Chromium's PDF through
raw ``pdftotext``), in a table whose other groups come column by column: the row's values are read where
the label and the count fix them, the columns after the first only where their order cannot matter."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.activeevents import _Event
from govreport.extraction.tables.labelrow import labelled_blocks, row_cells
from govreport.extraction.taggers import get_tagger

from .reportkit import report

COLS = ("prev_year_items", "change", "decisions")

# seed-1 Chromium doc 64's table 二 as read: 规章/规范性文件 and 行政许可/其他 column by column, 行政处罚 and 行政强制
# row by row after their labels, 行政事业性收费's values after it with the next group's labels stacked under it
ACTIVE = (
    "第二十条第（一）项\n信息内容\n规章\n规范性文件\n\n本年新制作数量\n0\n83\n\n本年新公开数量\n0\n83\n\n对外公开总数量\n15\n944\n\n"
    "\x0c第二十条第（五）项\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n处理决定数量\n\n行政许可\n其他对外管理服务事项\n"
    "第二十条第（六）项\n\n2\n2\n\n10\n1\n\n4\n0\n\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n处理决定数量\n\n"
    "行政处罚\n\n0\n\n0\n\n0\n\n行政强制\n\n40\n\n0\n\n38\n\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n"
    "行政事业性收费\n第二十条第（九）项\n信息内容\n\n0\n\n0\n\n采购项目数量\n\n采购总金额（万元）\n\n政府集中采购\n\n4\n\n"
    "744.8341\n\n第二十条第（八）项\n"
)


def _cells(*values: int) -> list[Cell]:
    return [Cell(value=v, raw=str(v), start=3 * n, end=3 * n + len(str(v)), line=n, field=0, x=0, score=1.0)
            for n, v in enumerate(values)]  # fmt: skip


def test_a_row_s_later_columns_are_placed_only_where_their_order_cannot_matter():
    assert {c: x.value for c, x in row_cells(COLS, _cells(0, 0, 0)).items()} == dict(zip(COLS, (0, 0, 0)))
    # pdftotext may write a middle column's value last (0 / 1730925 / 6 for 0 | 6 | 1730925): only the first
    assert {c: x.value for c, x in row_cells(COLS, _cells(0, 1730925, 6)).items()} == {"prev_year_items": 0}
    assert {c: x.value for c, x in row_cells(COLS[:2], _cells(3, 9)).items()} == {"prev_year_items": 3, "change": 9}


def test_rows_written_one_value_a_block_after_their_own_label_are_read():
    out = Extractor(get_tagger("rules")).extract_text(report(active=ACTIVE)).output
    table, status = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert table["administrative_penalty"] == {"prev_year_items": 0, "change": 0, "decisions": 0}
    assert table["administrative_fees"] == {"prev_year_items": 0, "change": 0}  # group labels stacked under its label
    assert table["administrative_coercion"] == {"prev_year_items": 40, "change": None, "decisions": None}
    assert status["administrative_penalty"] == dict.fromkeys(COLS, "inferred")  # placed by order, not a header
    assert any("read row by row" in w for w in out["warnings"])
    # the groups written column by column are read from the columns once those rows are set apart
    assert table["normative_documents"] == {"new_made": 83, "new_published": 83, "total_published": 944}
    assert table["other_external_services"] == {"prev_year_items": 2, "change": 1, "decisions": 0}
    assert table["centralized_procurement"] == {"projects": 4, "amount": 744.8341}


def test_a_row_after_its_label_is_read_where_the_columns_do_not_divide():
    # a lone value left under no header (行政许可's first column block one short): the column stream gives up
    # and the rows after their own labels are read alone
    out = Extractor(get_tagger("rules")).extract_text(report(active=ACTIVE.replace("\n2\n2\n", "\n2\n"))).output
    table = out["tables"]["active_disclosure"]
    assert table["administrative_penalty"] == {"prev_year_items": 0, "change": 0, "decisions": 0}
    assert table["administrative_fees"] == {"prev_year_items": 0, "change": 0}
    assert any("read row by row from the single-value blocks right after their row's label" in w for w in out["warnings"])


# seed-1 Chromium doc 50's table 二 (the 2017-style template) as read: 行政规范性文件's values after a block of
# labels naming four rows; 行政许可's and 行政处罚's 本年处理决定数量 each under a header of its own
ACTIVE_2017 = (
    "单位：条、件\n第二十条第（一）项\n信息内容\n\n本年制发件数\n\n本年废止件数\n\n现行有效件数\n\n规章\n\n0\n\n0\n\n3\n\n"
    "行政规范性文件\n第二十条第（五）项\n信息内容\n行政许可\n第二十条第（六）项\n信息内容\n行政处罚\n行政强制\n\n0\n\n0\n\n25\n\n"
    "本年处理决定数量\n0\n本年处理决定数量\n0\n\n\x0c第二十条第（八）项\n信息内容\n\n本年收费金额（单位：万元）\n\n行政事业性收费\n\n702\n\n"
)


def test_values_after_a_block_of_labels_naming_several_rows_are_its_first_row_s():
    events = [_Event("B"), _Event("R", row="other_external_services"), _Event("T", text="第二十条第（六）项"),
              _Event("T", text="信息内容"), _Event("R", row="administrative_penalty"), _Event("B")]  # fmt: skip
    assert labelled_blocks(events) == [("other_external_services", 5)]
    assert labelled_blocks([*events[:4], _Event("T", text="本年度共主动公开"), _Event("B")]) == []  # other text: no block
    out = Extractor(get_tagger("rules")).extract_text(report(active=ACTIVE_2017)).output
    table = out["tables"]["active_disclosure"]
    # 行政规范性文件 set apart, the rest does not divide (two 本年处理决定数量 for three rows in two groups) where the row reader
    # read that column: the reading as before keeps 行政处罚's
    assert table["administrative_penalty"] == {"decisions": 0}
