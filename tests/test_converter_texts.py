"""Texts that converters write of a report: LibreOffice's "Text" export of a Word file (one cell
per line in row order) and ``html2text``'s Markdown of a web page laid out in a table."""
from __future__ import annotations

import pytest

from govreport.extraction.normalize import clean_view
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import (
    ACTIVE_2021,
    ACTIVE_EXPECTED,
    APP_HEADER,
    APP_LABELS_2021,
    COLS,
    applications_2021,
    applications_tab,
    fmt_num,
    report,
)


def cell_per_line(table: dict) -> str:
    """Table 三 as LibreOffice writes it to text: every cell of a row on its own line, in row
    order; the continuation of a merged group cell (三、本年度办理结果, （三）不予公开) an empty line."""
    lines = APP_HEADER.rstrip("\n").replace("\t", "\n").split("\n")
    for key, label in APP_LABELS_2021:
        lines += label.split("\t")
        lines += [fmt_num(table[key][c]) for c in COLS]
    return "\n".join(lines)


def test_last_value_before_a_numbered_row_named_like_a_column_is_a_value(extract):
    """``…\\n4\\n\\n（七）总计``, ``…\\n4\\n\\n\\n3.其他``: the row's 总计 above the empty lines is a
    value, not a page number closing a page before a repeated header (总计 and 其他 are column
    headers, but a numbered line is a row's label)."""
    t = applications_2021()
    for key in ("other_unpaid_fee", "other_other"):  # 1-3 digit totals, like a page number
        assert 1 <= t[key]["total"] <= 999
    text = cell_per_line(t)
    assert "\n\n\n3.其他\n" in text and "\n\n（七）总计\n" in text
    out = extract(report(applications=text))
    assert out["tables"]["applications"] == t
    assert not [r for r in out["review_reasons"] if "applications" in r["tables"]], out["review_reasons"]
    assert not any("content order" in w for w in out["warnings"])


ACTIVE_VALUES = dict(r0=3, r1=5, r2=74, n0=564, n1=984, n2=4185, lic=11398, pen=6937, coe=166, fee=31.5)


def html2text_page(table: dict) -> str:
    """What ``html2text`` writes of a report page laid out in a table (``<table><td>`` around the
    content): the title, the prose and the inline headings up to the first real table in one
    Markdown cell, that table's first row after a bar; the tables as Markdown rows."""
    def md(tab_text: str) -> str:
        rows = [" | ".join(c.strip() for c in ln.split("\t")) + "  " for ln in tab_text.split("\n")]
        return rows[0] + "\n---|---  \n" + "\n".join(rows[1:])

    active = md(ACTIVE_2021.format(**ACTIVE_VALUES)).split("\n", 2)
    return (
        "[首页](/) > [政务公开](/zwgk/)\n\n"
        "**某某市交通运输局2022年政府信息公开工作年度报告** 本报告根据《中华人民共和国政府信息公开条例》编制，"
        "数据统计期限为2022年1月1日至12月31日。 **一、总体情况** 2022年，本机关共主动公开政府信息1234条，"
        "办理申请56件。     1.主动公开。坚持以公开为常态、不公开为例外。 **二、主动公开政府信息情况** 具体情况如下： | "
        + active[0].replace(" |  |  | ", "")
        + "\n---  \n" + active[2] + "\n\n**三、收到和处理政府信息公开申请情况**\n\n"
        + md(applications_tab(table))
        + "\n\n**四、政府信息公开行政复议、行政诉讼情况**\n\n无。\n\n**五、存在的主要问题及改进情况**\n\n"
        "存在的问题主要是公开质量有待提高。\n\n**六、其他需要报告的事项**\n\n无。\n"
    )


def test_the_view_breaks_a_line_after_a_markdown_cell_of_prose():
    text = html2text_page(applications_2021())
    view = clean_view(text)
    prose_end = text.index("具体情况如下： |") + len("具体情况如下： ")
    assert view.text[prose_end] == "\n" and [r.kind for r in view.repairs] == ["cell_break"]
    # a table's rows (short cells) and a line without 。 keep their bars
    assert clean_view(applications_tab(applications_2021()).replace("\t", " | ")).identity
    assert clean_view("第二十条" * 40 + " | 3").identity


@pytest.mark.parametrize("tagger", ["rules", "model"])
def test_html2text_page_laid_out_in_a_table_gives_title_sections_and_tables(tagger):
    t = applications_2021()
    out = Extractor(get_tagger(tagger)).extract_text(html2text_page(t)).output
    assert (out["organ"], out["year"]) == ("某某市交通运输局", 2022)
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]
    reasons = {r["code"] for r in out["review_reasons"]}
    assert not reasons & {"title_missing", "organ_missing", "year_missing"}
    assert out["tables"]["applications"] == t
    active = out["tables"]["active_disclosure"]
    for row, cols in ACTIVE_EXPECTED.items():
        assert active[row] == cols


def test_the_view_skips_a_page_number_between_run_on_lines_only():
    run_on = "政府集中采购094.24三、收到和处理政府信息公开申请情况" * 4
    text = run_on + "0000000\n- 3 -\n（三）不予公开1.属于国家秘密0000000" + run_on
    view = clean_view(text)
    assert "0000000（三）不予公开" in view.text and [r.kind for r in view.repairs] == ["page_number"]
    # a layout reading's rows (runs of spaces) and a prose paragraph (no figure at its end) keep their lines
    row = "一、本年新收政府信息公开申请数量" + "     23    0    0    0    0    0   23" * 3
    assert clean_view(row + "\n  3\n" + row).identity
    assert clean_view(run_on + "。\n3\n" + run_on).identity
