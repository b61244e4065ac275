"""One test per messiness kind of real reports (issue: End-to-end extraction), rule tagger."""
from __future__ import annotations

import copy
import re

import pytest

from govreport.extraction.normalize import to_traditional
from govreport.extraction.layout import display_width
from tests.reportkit import (
    ACTIVE_EXPECTED,
    ACTIVE_2021,
    APP_HEADER,
    APP_LABELS_2021,
    COLS,
    REVIEW_COLS,
    REVIEW_HEADER,
    REVIEW_KEYS,
    REVIEW_VALUES,
    applications_2021,
    applications_tab,
    fmt_num,
    report,
    review_expected,
)

ACTIVE_VALUES = dict(r0=3, r1=5, r2=74, n0=564, n1=984, n2=4185, lic=11398, pen=6937, coe=166, fee=31.5)


def full_report(app_text=None, active_text=None, review_text=None, **kw) -> str:
    return report(
        active=active_text if active_text is not None else ACTIVE_2021.format(**ACTIVE_VALUES),
        applications=app_text if app_text is not None else applications_tab(applications_2021()),
        review=review_text if review_text is not None else REVIEW_HEADER + "\n" + "\t".join(map(str, REVIEW_VALUES)),
        **kw,
    )


def test_baseline_tab_grid(extract):
    out = extract(full_report())
    assert out["template"] == "2021" and out["year"] == 2022 and out["organ"] == "某某市交通运输局"
    assert out["tables"]["applications"] == applications_2021()
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED
    assert out["tables"]["review_litigation"] == review_expected()
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]
    assert all(c["ok"] for c in out["checks"]) and len(out["checks"]) > 30


def test_stray_tabs_from_merged_cells(extract):
    t = applications_2021()
    lines = []
    for key, label in APP_LABELS_2021:
        extra = "\t\t" if key in ("new_received", "carried_forward") else ""
        lines.append(label + extra + "\t" + "\t".join(fmt_num(t[key][c]) for c in COLS) + "\t")
    out = extract(full_report("\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_only_total_filled_and_blanks_mid_row(extract):
    t = applications_2021()
    for c in COLS[:6]:
        t["granted"][c] = None
    t["carried_over"]["research_institution"] = None
    t["carried_over"]["legal_service_org"] = None
    out = extract(full_report(applications_tab(t)))
    assert out["tables"]["applications"]["granted"] == t["granted"]
    assert out["tables"]["applications"]["carried_over"] == t["carried_over"]


def test_one_cell_per_line(extract):
    t = applications_2021()
    lines = []
    for key, label in APP_LABELS_2021:
        for part in label.split("\t"):
            if part:
                lines.append(part + "  ")
        lines += [fmt_num(t[key][c]) + " " for c in COLS]
    out = extract(full_report("自然人 \n商业企业 \n总计 \n" + "\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_space_aligned_layout_with_wrapped_labels(extract):
    t = applications_2021()
    lines = ["                         自然人   商业企业  科研机构  社会公益组织  法律服务机构  其他    总计"]
    for key, label in APP_LABELS_2021:
        text = label.split("\t")[-1]
        vals = "".join(f"{fmt_num(t[key][c]):>9}" for c in COLS)
        if len(text) > 14:  # wrapped: first half above, values, rest below
            lines += [f"   {text[:10]}", " " * 40 + vals, f"   {text[10:]}"]
        else:
            lines.append("   " + text + " " * (37 - display_width(text)) + vals)
    out = extract(full_report("\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_vertical_group_labels(extract):
    t = applications_2021()
    chars = list("三、本年度办理结果")
    lines = []
    for i, (key, label) in enumerate(APP_LABELS_2021):
        parts = [p for p in label.split("\t") if p and not p.startswith("三、")]
        side = chars[i - 2] if 2 <= i < 2 + len(chars) else ""
        lines.append("\t".join([side] + parts + [fmt_num(t[key][c]) for c in COLS]))
    out = extract(full_report("\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_labels_displaced_from_values(extract):
    t = applications_2021()
    labels = [label.split("\t")[-1] for _, label in APP_LABELS_2021]
    values = ["\t".join(fmt_num(t[k][c]) for c in COLS) for k, _ in APP_LABELS_2021]
    scrambled_header = "申请人情况\n总计\t自然人\t其他\t商业企业\t法律服务机构\t科研机构\t社会公益组织\n"
    out = extract(full_report(scrambled_header + "\n".join(labels) + "\n" + "\n".join(values)))
    assert out["tables"]["applications"] == t


def test_label_split_by_page_break_and_repeated_header(extract):
    t = applications_2021()
    text = applications_tab(t)
    text = text.replace(
        "\t\t6.属于四类过程性信息\t",
        "\t\t6.属于四类过\t",
    )
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if "属于四类过" in ln)
    lines[i + 1 : i + 1] = ["", "- 3 -", "", "\t\t程性信息", "\t\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    out = extract(full_report("\n".join(lines)))
    assert out["tables"]["applications"] == t


def test_spaced_out_and_split_headers(extract):
    t = applications_2021()
    text = applications_tab(t).replace("自然人", "自 然 人").replace("商业企业", "商业企\n\t\t\t\t业")
    out = extract(full_report(text))
    assert out["tables"]["applications"] == t


def test_traditional_characters(extract):
    text = to_traditional(full_report())
    assert "總計" in text and "辦理結果" in text
    out = extract(text)
    assert out["tables"]["applications"] == applications_2021()
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]


def test_markdown_marks_brackets_and_numbering(extract):
    t = applications_2021()
    text = applications_tab(t).replace("（一）", "(一)").replace("1.属于", "1、属于")
    out = extract(
        full_report(
            text,
            headings={1: "## 一、总体情况", 2: "**二、主动公开政府信息情况**", 4: "#### 四、因政府信息公开产生的行政复议、行政诉讼情况", 6: "## **六、其他需要报告的事项**"},
        )
    )
    assert out["tables"]["applications"] == t
    titles = {s["index"]: s["title"] for s in out["sections"]}
    assert titles[1] == "一、总体情况" and titles[6] == "六、其他需要报告的事项"
    assert titles[4] == "四、因政府信息公开产生的行政复议、行政诉讼情况"


def test_header_wording_variants_and_typos(extract):
    text = ACTIVE_2021.format(**ACTIVE_VALUES).replace("本年废止件数", "本年度止件数").replace("规章\t", "规章（市政府令）\t")
    out = extract(full_report(active_text=text))
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED


def test_units_separators_fullwidth_and_negative(extract):
    active_2019 = (
        "第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t１２\n规范性文件\t1,234\t5\t2\n"
        "第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t40\t-3\t1,200\n其他对外管理服务事项\t7\t－2\t-\n"
        "第二十条第（六）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t5\t0\t３\n行政强制\t—\t0\t0\n"
        "第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费\t2\t0\n"
        "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t3\t251000元\n"
    )
    out = extract(full_report(active_text=active_2019, year=2020))
    a = out["tables"]["active_disclosure"]
    assert out["template"] == "2019"
    assert a["regulations"] == {"new_made": 0, "new_published": 0, "total_published": 12}
    assert a["normative_documents"]["new_made"] == 1234
    assert a["administrative_license"] == {"prev_year_items": 40, "change": -3, "decisions": 1200}
    assert a["other_external_services"] == {"prev_year_items": 7, "change": -2, "decisions": None}
    assert a["administrative_coercion"]["prev_year_items"] is None
    assert a["centralized_procurement"] == {"projects": 3, "amount": pytest.approx(25.1)}
    out2 = extract(full_report(active_text=active_2019.replace("251000元", "966.0898 万元"), year=2020))
    assert out2["tables"]["active_disclosure"]["centralized_procurement"]["amount"] == pytest.approx(966.0898)


def test_extra_subtotal_column(extract):
    t = applications_2021()
    lines = [APP_HEADER.replace("法人或其他组织", "法人或其他组织\t小计").rstrip("\n")]
    for key, label in APP_LABELS_2021:
        row = t[key]
        sub = sum(row[c] for c in COLS[1:6])
        vals = [row["natural_person"], sub] + [row[c] for c in COLS[1:]]
        lines.append(label + "\t" + "\t".join(map(str, vals)))
    out = extract(full_report("\n".join(lines)))
    assert out["tables"]["applications"] == t
    assert any("subtotal" in w for w in out["warnings"])
    assert any(c["rule"].startswith("applications.legal_person_subtotal") and c["ok"] for c in out["checks"])


def test_review_row_with_one_value_too_many(extract):
    values = "\t".join(map(str, REVIEW_VALUES)) + "\t0"
    out = extract(full_report(review_text=REVIEW_HEADER + "\n" + values))
    assert out["tables"]["review_litigation"] == review_expected()
    assert any("16 values" in w for w in out["warnings"])


def test_truncated_table_and_garbage(extract):
    t = applications_2021()
    text = report(active=ACTIVE_2021.format(**ACTIVE_VALUES), applications=None, review=None)
    text = text.split("三、收到和处理政府信息公开申请情况")[0]
    body = applications_tab(t).split("\n")
    cut = body[: 3 + 13]  # the 3 header lines and 13 rows, then half a row: the text stops there
    text += "三、收到和处理政府信息公开申请情况\n错误！未指定文件名。\n" + "\n".join(cut) + "\n\t\t2.没有现成信息需要另行制作\t5\t3"
    out = extract(text)
    app = out["tables"]["applications"]
    assert app is not None
    assert app["unable_not_held"] == t["unable_not_held"]
    assert app["unable_needs_creation"] == {**{c: None for c in COLS}, "natural_person": 5, "commercial_enterprise": 3}
    assert app["total_handled"] == {c: None for c in COLS}
    assert out["tables"]["review_litigation"] is None
    assert any("cut off" in w for w in out["warnings"])


def test_missing_tables(extract):
    text = report(active=ACTIVE_2021.format(**ACTIVE_VALUES), applications=None, review=None)
    text = re.sub(r"四、政府信息公开行政复议、行政诉讼情况\n", "", text)
    out = extract(text)
    assert out["tables"]["applications"] is None
    assert out["tables"]["review_litigation"] is None
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 5, 6]
    assert any("table is missing" in w for w in out["warnings"])


def test_numbers_in_prose_and_web_junk(extract):
    text = full_report(tail="相關詞條\n熱門詞條 2023 12 45\n分享到：")
    text = text.replace(
        "三、收到和处理政府信息公开申请情况\n",
        "三、收到和处理政府信息公开申请情况\n全年共收到申请 1234 件，较上年增加 56 件，办结率 100%。\n",
    )
    out = extract(text)
    assert out["tables"]["applications"] == applications_2021()
    assert out["tables"]["review_litigation"] == review_expected()


def test_row_labels_never_taken_for_sections(extract):
    out = extract(full_report())
    starts = {s["index"]: s["start"] for s in out["sections"]}
    text = full_report()
    assert text[starts[4] :].startswith("四、政府信息公开行政复议")
    assert text[starts[1] :].startswith("一、总体情况")


def test_arithmetic_errors_reported_not_corrected(extract):
    t = applications_2021()
    bad = copy.deepcopy(t)
    bad["granted"]["total"] += 1
    out = extract(full_report(applications_tab(bad)))
    assert out["tables"]["applications"]["granted"]["total"] == t["granted"]["total"] + 1
    failed = {c["rule"] for c in out["checks"] if not c["ok"]}
    assert "applications.row_total[granted]" in failed
    assert "applications.results_total[total]" in failed


def test_displaced_labels_with_blank_cells_and_an_all_blank_row(extract):
    t = applications_2021()
    t["granted"] = {c: None for c in COLS}
    t["carried_over"]["commercial_enterprise"] = None
    labels = [label.split("\t")[-1] for _, label in APP_LABELS_2021]
    values = ["\t".join(fmt_num(t[k][c]) for c in COLS) for k, _ in APP_LABELS_2021]
    out = extract(full_report("\n".join(labels) + "\n" + "\n".join(values)))
    assert out["tables"]["applications"] == t


@pytest.mark.parametrize("blank", ["", "\t".join([""] * 15), "\t".join(["—"] * 15)])
def test_review_table_printed_with_every_cell_blank_is_present(extract, blank):
    """The header printed and no value: the table is in the report, every cell null (a null table
    would mean the report has no such table)."""
    out = extract(full_report(review_text=REVIEW_HEADER + "\n" + blank))
    assert out["tables"]["review_litigation"] == {g: {c: None for c in REVIEW_COLS} for g in REVIEW_KEYS}
    if not blank.strip("\t"):  # nothing printed under the header: said in a warning
        assert any("every cell is null" in w for w in out["warnings"])


def test_heading_without_its_table_is_still_absent(extract):
    out = extract(full_report(review_text="本年度未发生政府信息公开行政复议、行政诉讼。"))
    assert out["tables"]["review_litigation"] is None
    assert any("table is missing" in w for w in out["warnings"])
