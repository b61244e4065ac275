"""Table 二 whose columns raw ``pdftotext`` wrote after the next section's heading (a table that
ends a page is written in its blocks' order: the labels before the heading, some or all column
headers with their values after it): those columns are read with the table
(``activestream.continuation``), never taken for table 三's."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import applications_2021, applications_tab, report

LABELS = ["第二十条第（一）项", "信息内容", "规章", "行政规范性文件", "第二十条第（五）项", "信息内容", "行政许可",
          "第二十条第（六）项", "信息内容", "行政处罚", "行政强制", "第二十条第（八）项", "信息内容", "行政事业性收费"]  # fmt: skip
COLUMNS = ["本年制发件", "数", "0", "3", "", "本年废止件", "数", "13", "14", "", "现行有效件", "数", "0", "4", "",
           "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "本年收费金额（单位：万元）", "10,673.62", ""]  # fmt: skip
EXPECTED = {"regulations": {"issued": 0, "repealed": 13, "in_force": 0},
            "normative_documents": {"issued": 3, "repealed": 14, "in_force": 4},
            "administrative_license": {"decisions": 2}, "administrative_penalty": {"decisions": 245},
            "administrative_coercion": {"decisions": 857}, "administrative_fees": {"amount": 10673.62}}  # fmt: skip


def _extract(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(text).output


def test_every_column_after_the_next_heading():
    apps = applications_2021()
    out = _extract(report(active="\n".join(LABELS), applications="\n".join(COLUMNS) + "\n" + applications_tab(apps)))
    assert out["tables"]["active_disclosure"] == EXPECTED
    assert out["tables"]["applications"] == apps


def test_some_columns_before_the_heading_the_rest_after_it():
    apps = applications_2021()
    before, after = COLUMNS[:15], COLUMNS[15:]
    out = _extract(report(active="\n".join(LABELS + [""] + before), applications="\n".join(after) + "\n" + applications_tab(apps)))
    assert out["tables"]["active_disclosure"] == EXPECTED
    assert out["tables"]["applications"] == apps


def test_lines_after_the_heading_that_are_no_table_two_columns_are_not_taken():
    # the values after the heading stand under no header of table 二: they are not its
    apps = applications_2021()
    out = _extract(report(active="\n".join(LABELS + [""] + COLUMNS[:15]), applications="申请人情况\n7\n" + applications_tab(apps)))
    got = out["tables"]["active_disclosure"]
    assert 7 not in [v for cols in got.values() for v in cols.values()]
    assert got["administrative_license"]["decisions"] is None


def test_the_section_s_opening_line_before_the_columns_is_passed_over():
    apps = applications_2021()
    before, after = COLUMNS[:15], COLUMNS[15:]
    body = "\n".join(["统计情况如下表所示。", *after]) + "\n" + applications_tab(apps)
    out = _extract(report(active="\n".join(LABELS + [""] + before), applications=body))
    assert out["tables"]["active_disclosure"] == EXPECTED
