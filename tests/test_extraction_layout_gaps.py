"""Hand-written cases for the pipeline gaps found by the realism loop (tests/test_synth_pipeline_gaps.py):
blank cells in pdftotext layout, page numbers inside one-cell-per-line tables, displaced and wrapped
labels in pdftotext layout, and an amount header wrapped over three lines. Rule tagger."""
from __future__ import annotations

import pytest

from govreport.extraction.document import Document
from govreport.extraction.labels import Label
from govreport.extraction.layout import display_width
from govreport.extraction.taggers.rules import RuleTagger
from tests.reportkit import (
    APP_LABELS_2021,
    COLS,
    REVIEW_COLS,
    REVIEW_KEYS,
    applications_2021,
    fmt_num,
    report,
)


def at(*items: tuple[int, str]) -> str:
    """One pdftotext -layout line: each text starting at its display column."""
    line = ""
    for x, s in sorted(items):
        pad = x - display_width(line)
        assert pad >= (2 if line else 0), f"{s!r} would touch the text before it"
        line += " " * pad + s
    return line


def centred(left: int, width: int, s: str) -> tuple[int, str]:
    return left + (width - display_width(s)) // 2, s


def right(left: int, width: int, s: str) -> tuple[int, str]:
    return left + width - display_width(s), s


# ---------------------------------------------------------------- 1. blank cells, pdftotext layout
REVIEW_LEAVES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def review_space(values: list[int | None], pitch: int = 10, width: int = 8) -> str:
    """Table 四 as pdftotext prints it: three header lines, one value line, blank cells left empty."""
    col = [k * pitch for k in range(15)]
    span = lambda a, b: (col[a], col[b] + width - col[a])  # noqa: E731 - columns a..b as (left, width)
    top = at(centred(*span(0, 4), "行政复议"), centred(*span(5, 14), "行政诉讼"))
    mid = at(*[centred(col[k], width, REVIEW_LEAVES[k]) for k in range(5)],
             centred(*span(5, 9), "未经复议直接起诉"), centred(*span(10, 14), "复议后起诉"))  # fmt: skip
    low = at(*[centred(col[k], width, REVIEW_LEAVES[k % 5]) for k in range(5, 15)])
    vals = at(*[right(col[k], width, str(v)) for k, v in enumerate(values) if v is not None])
    return "\n".join([top, mid, low, vals])


@pytest.mark.parametrize("blanks", [(2, 6, 10), (0,), (14,), (0, 7, 14)], ids=str)
def test_review_blank_cells_in_pdftotext_layout(extract, blanks):
    values: list[int | None] = [3, 1, 0, 0, 4, 2, 0, 1, 0, 3, 0, 1, 1, 0, 2]
    for k in blanks:
        values[k] = None
    out = extract(report(review=review_space(values)))
    expected = {g: {c: values[i * 5 + j] for j, c in enumerate(REVIEW_COLS)} for i, g in enumerate(REVIEW_KEYS)}
    assert out["tables"]["review_litigation"] == expected
    assert not [w for w in out["warnings"] if w.startswith("review_litigation")]


LABEL_W, PITCH, VAL_W = 70, 14, 12  # label area, then seven value columns


def app_header_space() -> list[str]:
    """Table 三's header as pdftotext prints it; the caption wraps inside the label area."""
    col = [LABEL_W + 2 + k * PITCH for k in range(7)]
    orgs = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    return [
        at((0, "（本列数据的勾稽关系为：第一项加第二项之和，"), centred(col[0], col[6] + VAL_W - col[0], "申请人情况")),
        at((0, "等于第三项加第四项之和）"), centred(col[0], VAL_W, "自然人"),
           centred(col[1], col[5] + VAL_W - col[1], "法人或其他组织"), centred(col[6], VAL_W, "总计")),  # fmt: skip
        at(*[centred(col[k + 1], VAL_W, o) for k, o in enumerate(orgs)]),
    ]


def app_row_space(label: str, row: dict, cols=COLS) -> str:
    col = [LABEL_W + 2 + k * PITCH for k in range(7)]
    return at((0, label), *[right(col[k], VAL_W, fmt_num(row[c])) for k, c in enumerate(cols) if row[c] is not None])


def test_applications_blank_in_every_row_pdftotext(extract):
    """No complete row to learn the columns from: the header's columns place the values."""
    t = applications_2021()
    for i, (key, _) in enumerate(APP_LABELS_2021):
        t[key][COLS[i % 6]] = None  # one blank applicant cell in every row, moving along
        if i % 4 == 0:
            t[key][COLS[(i + 3) % 6]] = None
    lines = app_header_space() + [app_row_space(label.split("\t")[-1], t[key]) for key, label in APP_LABELS_2021]
    out = extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"] == t


# ---------------------------------------------------------------- 2. page numbers, one cell per line
def one_per_line(t: dict) -> list[str]:
    lines = []
    for key, label in APP_LABELS_2021:
        lines += [p for p in label.split("\t") if p]
        lines += [fmt_num(t[key][c]) for c in COLS]
    return lines


def insert_after(lines: list[str], label: str, k: int, new: list[str]) -> None:
    """Put ``new`` after the k-th line following the line ``label``."""
    i = lines.index(label) + k
    lines[i + 1 : i + 1] = new


def test_bare_page_numbers_between_cells_one_per_line(extract):
    t = applications_2021()
    lines = one_per_line(t)
    insert_after(lines, "（一）予以公开", 3, ["", "12", ""])  # mid-row, empty lines around it
    insert_after(lines, "2.重复申请", 7, ["", "13"])  # after the row's last value, before the next label
    insert_after(lines, "4.保护第三方合法权益", 0, ["", "14", ""])  # between a label and its values
    out = extract(report(applications="自然人\n商业企业\n总计\n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_page_number_with_running_header_one_per_line(extract):
    t = applications_2021()
    lines = one_per_line(t)
    insert_after(lines, "1.属于国家秘密", 5, ["", "7", "某某市交通运输局", ""])
    insert_after(lines, "2.重复申请", 2, ["- 8 -", "某某市交通运输局2022年政府信息公开工作年度报告"])
    out = extract(report(applications="自然人\n商业企业\n总计\n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_zero_above_a_printed_page_mark_stays_a_value(extract):
    t = applications_2021()
    assert t["partially_granted"]["other_org"] == 0
    lines = one_per_line(t)
    insert_after(lines, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 6, ["", "第 2 页", ""])
    out = extract(report(applications="自然人\n商业企业\n总计\n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_a_value_that_looks_like_a_page_number_is_kept(extract):
    """A row of the right length keeps a lone small number beside an empty line: it is a value."""
    t = applications_2021()
    lines = one_per_line(t)
    i = lines.index("1.属于国家秘密")
    assert lines[i + 7] == str(t["denied_state_secret"]["total"]) and t["denied_state_secret"]["total"] > 0
    lines[i + 8 : i + 8] = [""]  # an empty line after the row's total
    out = extract(report(applications="自然人\n商业企业\n总计\n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


# ---------------------------------------------------------------- 3. displaced + wrapped labels, pdftotext
DISPLACED_LABELS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年", "度办理结", "果",
    "（一）予以公开", "（二）部分公开（区分处理的，", "只计这一情形，不计其他情形）", "（三）不", "予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "（四）无", "法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "（五）不", "予处理", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具", "已获取信息", "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
    "四、结转下年度继续办理",
]  # fmt: skip


def test_displaced_and_wrapped_labels_pdftotext(extract):
    """Row labels listed first (group labels wrapped in their narrow column), then the value rows."""
    t = applications_2021()
    rows = [app_row_space("", t[key]) for key, _ in APP_LABELS_2021]
    lines = app_header_space() + DISPLACED_LABELS_2021 + rows
    out = extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"] == t


# ---------------------------------------------------------------- 4. amount header wrapped over three lines
ACTIVE_2019_SPACE = """\
第二十条第（一）项
                         本年新    本年新    对外公
     信息内容            制作数    公开数    开总数
                           量        量        量
规章                        2         0        15
规范性文件                 31        28       406
第二十条第（九）项
                                             采购总
     信息内容             采购项目数量       金额（
                                             {unit}
政府集中采购                      4         {amount}"""


@pytest.mark.parametrize(
    ("unit", "amount", "expected"),
    [("元）", "251000", 25.1), ("万元）", "25.1", 25.1), ("万元）", "966.0898", 966.0898)],
)
def test_amount_header_wrapped_over_three_lines(extract, unit, amount, expected):
    text = ACTIVE_2019_SPACE.format(unit=unit.ljust(6), amount=amount.rjust(6))
    out = extract(report(active=text, year=2019))
    a = out["tables"]["active_disclosure"]
    assert out["template"] == "2019"
    assert a["regulations"] == {"new_made": 2, "new_published": 0, "total_published": 15}
    assert a["centralized_procurement"]["projects"] == 4
    assert a["centralized_procurement"]["amount"] == pytest.approx(expected)


# ---------------------------------------------------------------- tagger: what the fixes rely on
def _labels(text: str) -> dict[str, Label]:
    doc = RuleTagger()(Document.from_text(text))
    return {text[s.start : s.end]: s.label for s in doc.spans}


def test_tagger_wrapped_caption_and_running_header():
    t = applications_2021()
    lines = app_header_space() + [app_row_space(label.split("\t")[-1], t[key]) for key, label in APP_LABELS_2021[:3]]
    lines[4:4] = ["", "- 3 -", "某某市交通运输局2022年政府信息公开工作年度报告", ""]
    text = report(applications="\n".join(lines))
    got = _labels(text)
    assert "等于第三项加第四项之和）" not in got  # the caption's second line: no row label
    assert got["总计"] == Label.COL  # the header after it is still header
    assert got["- 3 -"] == Label.NOISE
    assert got["某某市交通运输局2022年政府信息公开工作年度报告"] == Label.NOISE


# ---------------------------------------------------------------- found on the way (realism loop)
APP_ROW_LABELS = [label.split("\t")[-1] for _, label in APP_LABELS_2021]
TOTAL_ONLY = {"granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law", "other_other"}


def _total_only_table() -> dict:
    t = applications_2021()
    for key in TOTAL_ONLY:
        for c in COLS[:6]:
            t[key][c] = None
    return t


def test_displaced_labels_with_total_only_rows_tab(extract):
    """A lone value after six tabs is a row that prints only 总计, not one cell of a one-per-line run."""
    t = _total_only_table()
    values = ["\t".join(fmt_num(t[k][c]) for c in COLS) for k, _ in APP_LABELS_2021]
    out = extract(report(applications="\n".join(APP_ROW_LABELS + values)))
    assert out["tables"]["applications"] == t


def test_displaced_labels_with_total_only_rows_pdftotext(extract):
    t = _total_only_table()
    rows = [app_row_space("", t[key]) for key, _ in APP_LABELS_2021]
    out = extract(report(applications="\n".join(app_header_space() + APP_ROW_LABELS + rows)))
    assert out["tables"]["applications"] == t


ACTIVE_2021_ONE_PER_LINE = [
    "第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
    "规章", "", "", "",  # every cell blank
    "行政规范性文件", "12", "", "",  # blanks after the last value
    "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "",  # its one cell blank
    "第二十条第（六）项", "信息内容", "本年处理决定数量", "行政处罚", "7", "行政强制", "",
    "第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", "3.5",
]  # fmt: skip


def test_active_blank_cells_one_per_line(extract):
    out = extract(report(active="\n".join(ACTIVE_2021_ONE_PER_LINE)))
    assert out["tables"]["active_disclosure"] == {
        "regulations": {"issued": None, "repealed": None, "in_force": None},
        "normative_documents": {"issued": 12, "repealed": None, "in_force": None},
        "administrative_license": {"decisions": None},
        "administrative_penalty": {"decisions": 7},
        "administrative_coercion": {"decisions": None},
        "administrative_fees": {"amount": 3.5},
    }


ACTIVE_2019_ONE_PER_LINE = [
    "第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
    "行政许可", "40", "", "7", "其他对外管理服务事项", "", "2", "9",
    "第二十条第（八）项", "信息内容", "上一年项目数量", "本年增/减", "行政事业性收费", "", "4",
    "第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额（万元）", "政府集中采购", "3", "",
]  # fmt: skip


def test_active_blank_cells_one_per_line_two_columns(extract):
    """Rows of two columns (2019 format) with a blank printed as an empty line."""
    a = extract(report(active="\n".join(ACTIVE_2019_ONE_PER_LINE), year=2019))["tables"]["active_disclosure"]
    assert a["administrative_license"] == {"prev_year_items": 40, "change": None, "decisions": 7}
    assert a["other_external_services"] == {"prev_year_items": None, "change": 2, "decisions": 9}
    assert a["administrative_fees"] == {"prev_year_items": None, "change": 4}
    assert a["centralized_procurement"] == {"projects": 3, "amount": None}


ACTIVE_2019_SPACE_BLANKS = """\
第二十条第（一）项
                         本年新    本年新    对外公
     信息内容            制作数    公开数    开总数
                           量        量        量
规章                        2                  15
规范性文件                           28       406
第二十条第（五）项
                        上一年    本年增    处理决
     信息内容           项目数     /减      定数量
                          量
行政许可                  40         -3
其他对外管理服务事项                  2         9
第二十条第（九）项
                        采购    采购总金额（
     信息内容           项目        万元）
                        数量
政府集中采购                        0.31"""


def test_active_blank_cells_pdftotext(extract):
    """Blank cells in table 二 under wrapped headers; the 采购 header follows its block's label."""
    out = extract(report(active=ACTIVE_2019_SPACE_BLANKS, year=2019))
    a = out["tables"]["active_disclosure"]
    assert a["regulations"] == {"new_made": 2, "new_published": None, "total_published": 15}
    assert a["normative_documents"] == {"new_made": None, "new_published": 28, "total_published": 406}
    assert a["administrative_license"] == {"prev_year_items": 40, "change": -3, "decisions": None}
    assert a["other_external_services"] == {"prev_year_items": None, "change": 2, "decisions": 9}
    assert a["centralized_procurement"] == {"projects": None, "amount": 0.31}


def test_active_label_split_by_a_page_break(extract):
    """``行政`` / page break with the header repeated / ``规范性文件``: one label, one row."""
    text = (
        "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1\t0\t3\n"
        "行政\t2\t0\t5\n\n- 4 -\n\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规范性文件\n"
        "第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t6\n"
        "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n行政事\t1.5\n\n- 5 -\n\n业性收费\n"
    )
    a = extract(report(active=text))["tables"]["active_disclosure"]
    assert a["regulations"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert a["normative_documents"] == {"issued": 2, "repealed": 0, "in_force": 5}
    assert a["administrative_license"] == {"decisions": 6}
    assert a["administrative_fees"] == {"amount": 1.5}


def test_page_number_left_of_a_pdftotext_grid(extract):
    """Displaced labels: a page number between the labels takes no label's row of values."""
    t = applications_2021()
    labels = list(DISPLACED_LABELS_2021)
    labels[12:12] = ["", "5", ""]  # pdftotext: the page's number at the left margin
    rows = [app_row_space("", t[key]) for key, _ in APP_LABELS_2021]
    out = extract(report(applications="\n".join(app_header_space() + labels + rows)))
    assert out["tables"]["applications"] == t


def test_page_break_empty_line_is_not_a_blank_cell_one_per_line(extract):
    t = applications_2021()
    t["not_processed_duplicate"]["research_institution"] = None
    lines = one_per_line(t)
    i = lines.index("2.重复申请")
    assert lines[i + 3] == ""  # the blank cell, printed as an empty line
    lines[i + 2 : i + 2] = ["", "第 6 页 共 11 页"]  # a page break after the first value
    out = extract(report(applications="自然人\n商业企业\n总计\n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


@pytest.mark.parametrize("blanks", [(0, 1, 2), (12, 13, 14), (0, 5, 14)], ids=str)
def test_review_one_per_line_blank_cells_at_the_ends(extract, blanks):
    values: list[int | None] = [3, 1, 0, 0, 4, 2, 0, 1, 0, 3, 0, 1, 1, 0, 2]
    for k in blanks:
        values[k] = None
    header = "行政复议\n行政诉讼\n" + "\n".join(REVIEW_LEAVES) + "\n未经复议直接起诉\n复议后起诉\n" + "\n".join(REVIEW_LEAVES * 2)
    out = extract(report(review=header + "\n" + "\n".join(fmt_num(v) for v in values)))
    expected = {g: {c: values[i * 5 + j] for j, c in enumerate(REVIEW_COLS)} for i, g in enumerate(REVIEW_KEYS)}
    assert out["tables"]["review_litigation"] == expected
