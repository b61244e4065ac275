"""Converter damage (issue 15): the normalised view and the smallest reports that carry each kind.

The view maps every original character to one character or to nothing; every offset of the
result is on the original text.
"""
from __future__ import annotations

import re

import pytest

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import Label
from govreport.extraction.normalize import clean_view
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger
from govreport.extraction.textview import view_document

from .reportkit import REVIEW_HEADER, REVIEW_VALUES, applications_2021, applications_tab, report, review_expected


def _view(text: str) -> str:
    return clean_view(text).text


def _assert_maps_back(text: str) -> None:
    """Every view character comes from the original character its index names (or is its repair)."""
    v = clean_view(text)
    assert len(v.index) == len(v.text) + 1 and v.index[-1] == len(text)
    assert list(v.index[:-1]) == sorted(set(v.index[:-1]))  # one to one or to nothing, in order
    repaired = {i for r in v.repairs for i in range(r.start, r.end)}
    for k, i in enumerate(v.index[:-1]):
        assert v.text[k] == text[i] or i in repaired, (k, i, v.text[k], text[i])


# --- the view, smallest inputs ------------------------------------------------------------------------
@pytest.mark.parametrize("ch", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_are_skipped_not_deleted(ch: str) -> None:
    text = f"规{ch}章\t136{ch}12{ch}\n"
    v = clean_view(text)
    assert v.text == "规章\t13612\n"
    assert v.start_to_original(v.text.index("1")) == text.index("1")
    assert v.end_to_original(v.text.index("\n")) == text.index("2") + 1  # the figure ends at its last digit
    assert {r.kind for r in v.repairs} == {"invisible"}
    _assert_maps_back(text)


def test_kangxi_radicals_and_compatibility_ideographs_read_as_ideographs() -> None:
    assert _view("⼀、总体情况") == "一、总体情况"  # U+2F00 KANGXI RADICAL ONE
    assert _view("⼆、主动公开") == "二、主动公开"
    assert _view("⾏政许可") == "行政许可"
    assert _view("⾏行政许可") == "行政许可"  # radical + its ideograph: read once
    assert _view("\uf967") == "不"  # CJK COMPATIBILITY IDEOGRAPH-F967
    assert _view("行行") == "行行"  # two ordinary ideographs stay two
    _assert_maps_back("⾏行政⼀、")


def test_no_break_space_is_a_space_and_ideographic_space_stays() -> None:
    assert _view("万\u00a0元") == "万 元"
    assert _view("规章\u3000\u30003") == "规章\u3000\u30003"


def test_faux_bold_line_read_once() -> None:
    v = clean_view("（（七七））总总计计\t1133336644\t00\n")
    assert v.text == "（七）总计\t13364\t0\n"
    assert v.start_to_original(v.text.index("1")) == 11  # the first 1 of 1133336644
    assert v.end_to_original(v.text.index("\t", 6)) == 21  # through the last 4
    _assert_maps_back("（（七七））总总计计\t1133336644\t00\n")


def test_faux_bold_row_one_cell_per_line() -> None:
    assert _view("（（七七））总总计计\n1133336644\n00\n55\n（八）其他\n11\n") == "（七）总计\n13364\n0\n5\n（八）其他\n11\n"


def test_faux_bold_whole_document() -> None:
    text = "\n".join(["一一、、总总体体情情况况", "二二、、主主动动公公开开", "规规章章\t33\t55", "1122", "三三、、收收到到申申请请", "-- 33 --"])
    assert _view(text) == "一、总体情况\n二、主动公开\n规章\t3\t5\n12\n三、收到申请\n- 3 -"


LAYOUTS = ("tab_grid", "html_copy", "space_aligned", "one_cell_per_line")


def _ideographs_twice(text: str) -> str:
    """Faux bold as some PDF readings leave it: only the ideographs drawn twice."""
    return re.sub(r"([\u3400-\u9fff])", r"\1\1", text)


def test_faux_bold_of_the_ideographs_only_read_once() -> None:
    """Digits and punctuation drawn once, the ideographs twice: the line is read once; so is a
    line of one pair once the text shows the pattern; the figures stay as printed."""
    text = ("三三、本本  （一一）予予以以公公开开   0\n请请数数量量\n11\n3.危危      53\n二二、上上年年结结转转申申请请  31  3\n"
            "（二二）部部分分公公开开  267\n")
    v = clean_view(text)
    assert v.text == "三、本  （一）予以公开   0\n请数量\n11\n3.危      53\n二、上年结转申请  31  3\n（二）部分公开  267\n"
    assert {r.kind for r in v.repairs} == {"doubled"}
    assert v.start_to_original(v.text.index("53")) == text.index("53")
    _assert_maps_back(text)


def test_figures_drawn_once_keep_their_doubled_digits() -> None:
    """Where bold lines print their figures once, ``33`` on a line that looks all doubled is 33."""
    text = ("规规章章\t0\t10\t0\n行行政政规规范范性性文文件件\t25\t0\t25\n行行政政许许可可\t12\n"
            "行行政政强强制制\t33\n（一一）予予以以公公开开\t267\n")
    assert _view(text) == "规章\t0\t10\t0\n行政规范性文件\t25\t0\t25\n行政许可\t12\n行政强制\t33\n（一）予以公开\t267\n"
    _assert_maps_back(text)


def test_faux_bold_of_all_but_the_digits_read_once() -> None:
    assert _view("（（三三））  1..属属于于   17\n行行政政许许可可  40  --29\n") == "（三）  1.属于   17\n行政许可  40  -29\n"


@pytest.mark.parametrize("text", ["谢谢 12\n", "常常\t3\n", "总计 11 22\n"])
def test_one_doubled_ideograph_alone_is_not_faux_bold(text: str) -> None:
    assert _view(text) == text


@pytest.mark.parametrize("text", ["11\n22\n", "谢谢\n", "规章\t11\t22\n", "总计\t1133\n"])
def test_no_doubling_without_the_pattern(text: str) -> None:
    """A lone 11 is eleven; a label that is not doubled makes its figures ordinary."""
    assert _view(text) == text


def test_ocr_letters_in_figures_read_as_digits() -> None:
    v = clean_view("规章\t3O75\tl29\t1o\tI0\n")
    assert v.text == "规章\t3075\t129\t10\t10\n"
    reps = [(r.original, r.read_as) for r in v.repairs if r.kind == "ocr_digit"]
    assert reps == [("3O75", "3075"), ("l29", "129"), ("1o", "10"), ("I0", "10")]
    assert len(v.text) == len("规章\t3O75\tl29\t1o\tI0\n")  # one to one


@pytest.mark.parametrize("text", ["Office 2O", "O\tl\tI", "│3│4│", "| 12 | 3 |", "COVID-19", "l", "2O2Ox"])
def test_ocr_letters_left_alone_outside_figures(text: str) -> None:
    assert _view(text) == text


def test_ocr_bar_between_digits_is_a_one_but_a_grid_bar_is_not() -> None:
    assert _view("行政许可\t1|2\n") == "行政许可\t112\n"
    assert _view("|行政许可|1|2|\n") == "|行政许可|1|2|\n"


def test_measure_words_after_counts_skipped() -> None:
    assert _view("行政许可\t13612件\t3个\t5项\t6条\n") == "行政许可\t13612\t3\t5\t6\n"
    assert _view("规章 12件 3件\n") == "规章 12 3\n"


@pytest.mark.parametrize("text", ["第20条第（一）项", "共12件，其中", "12件次较多", "（单位：件）"])
def test_measure_words_kept_outside_counts(text: str) -> None:
    assert _view(text) == text


def test_changes_in_words_read_as_signed_figures() -> None:
    assert _view("行政许可\t10\t增加3\t1\n") == "行政许可\t10\t+3\t1\n"
    assert _view("行政许可\t10\t减少3\t1\n") == "行政许可\t10\t-3\t1\n"
    assert _view("行政许可\t10\t减少 3\t1\n") == "行政许可\t10\t-3\t1\n"
    assert _view("行政许可\t10\t减3\t1\n") == "行政许可\t10\t-3\t1\n"
    assert _view("行政许可\t10\t- 3\t1\n") == "行政许可\t10\t-3\t1\n"
    assert _view("行政许可  10  - 3  1\n") == "行政许可  10  -3  1\n"
    assert _view("- 3 \n") == "-3 \n"  # one cell per line, trailing space


def test_a_blank_mark_one_space_before_a_figure_is_two_cells() -> None:
    """``－ 0``: no change has a sign on zero; ``－ 3`` on a line printing other blank cells as
    dashes: a blank mark, then the next cell (a reading that puts one space between cells)."""
    assert _view("保护第三方合法权益   －      0   －   0   0   － 0\n") == "保护第三方合法权益   －      0   －   0   0   － 0\n"
    assert _view("不再处理其政府 3        —   —   —   —   － 3\n") == "不再处理其政府 3        —   —   —   —   － 3\n"
    assert _view("行政许可\t10\t- 0\t1\n") == "行政许可\t10\t- 0\t1\n"
    assert _view("行政许可  10  - 3  1\n其他  —  —  —\n") == "行政许可  10  -3  1\n其他  —  —  —\n"  # another line's dashes
    # a row of table 三 (five figures besides): no value there has a sign
    assert _view("2.其他法律行政法规禁止公开   0   1   0   0   0   － 1\n") == "2.其他法律行政法规禁止公开   0   1   0   0   0   － 1\n"


@pytest.mark.parametrize("text", ["- 3 -", "较上年减少3件。", "0 - 3 5", "第 3 页"])
def test_changes_left_alone_outside_cells(text: str) -> None:
    assert _view(text) == text


def test_clean_text_is_its_own_view() -> None:
    text = "规章\t3\t5\n二、主动公开\n- 3 -\n"
    v = clean_view(text)
    assert v.identity and v.index == tuple(range(len(text) + 1)) and not v.repairs


def test_view_document_carries_spans_into_the_view() -> None:
    text = "总\u200b计\t13612件"
    a = text.index("1")
    doc = Document.from_text(text).with_spans(
        [Span(0, 3, Label.ROW), Span(a, a + 5, Label.CELL), Span(a + 5, a + 6, Label.UNIT)]
    )
    vdoc, view = view_document(doc)
    assert vdoc.text == "总计\t13612" and vdoc.origin == doc.origin
    # the label keeps both characters, the figure its digits, the skipped measure word no span
    assert [(vdoc.text[s.start : s.end], s.label) for s in vdoc.spans] == [("总计", Label.ROW), ("13612", Label.CELL)]


# --- the smallest reports: values right, offsets on the original ------------------------------------
def _extract(text: str):
    return Extractor(RuleTagger()).extract_text(text, filename="t.txt")


def _apps_report(mutate) -> tuple[str, dict]:
    table = applications_2021()
    return report(applications=mutate(applications_tab(table))), table


def _provenance_points_at_original(res) -> None:
    text = res.document.text
    for table, rows in res.output["provenance"].items():
        for row, cols in rows.items():
            for col, p in cols.items():
                assert text[p["start"] : p["end"]] == p["text"], (table, row, col, p)
    for s in res.output["sections"]:
        assert 0 <= s["start"] < s["end"] <= len(text)
    for sp in res.document.spans:
        assert 0 <= sp.start < sp.end <= len(text)


def test_zero_width_space_after_figures_and_in_labels() -> None:
    def damage(t: str) -> str:
        t = re.sub(r"(\d)(?=\t|\n|$)", "\\1\u200b", t)
        return t.replace("予以公开", "予以\u200b公开").replace("总计", "总\ufeff计")

    text, table = _apps_report(damage)
    text = text.replace("三、收到", "三、\u00ad收到")
    res = _extract(text)
    assert res.output["tables"]["applications"] == table
    assert [s["index"] for s in res.output["sections"]] == [1, 2, 3, 4, 5, 6]
    _provenance_points_at_original(res)
    total = res.output["provenance"]["applications"]["total_handled"]["total"]
    assert text[total["start"] : total["end"]] == str(table["total_handled"]["total"])


def test_faux_bold_headings_and_bold_row() -> None:
    """Headings and the review table's header drawn twice, and its value row: table 四 is there."""
    bold = lambda s: "".join(c if c.isspace() else c + c for c in s)  # noqa: E731
    text = report(review=bold(REVIEW_HEADER) + "\n" + bold("\t".join(str(v) for v in REVIEW_VALUES)))
    for h in ("一、总体情况", "四、政府信息公开行政复议、行政诉讼情况"):
        text = text.replace(h, bold(h))
    res = _extract(text)
    assert res.output["tables"]["review_litigation"] == review_expected()
    secs = {s["index"]: s for s in res.output["sections"]}
    assert set(secs) == {1, 2, 3, 4, 5, 6}
    assert text[secs[4]["start"] :].startswith("四四、、政政府府")  # the heading's first character
    assert secs[4]["title"] == "四、政府信息公开行政复议、行政诉讼情况"
    _provenance_points_at_original(res)
    assert any("faux-bold" in w for w in res.output["warnings"])


def test_faux_bold_whole_report() -> None:
    text, table = _apps_report(lambda t: t)
    doubled = "\n".join("".join(c if c.isspace() else c + c for c in line) for line in text.split("\n"))
    res = _extract(doubled)
    assert res.output["tables"]["applications"] == table
    assert res.output["year"] == 2022 and res.output["organ"] == "某某市交通运输局"
    assert len(res.output["sections"]) == 6
    _provenance_points_at_original(res)


def test_table_drawn_with_its_ideographs_twice_is_read() -> None:
    """Table 三 and its heading with only the ideographs doubled (a ``pdftotext -layout`` reading of
    a faux-bold PDF): the table is read, never reported absent."""
    text, table = _apps_report(_ideographs_twice)
    text = re.sub(r"^三、收到.*$", lambda m: _ideographs_twice(m.group(0)), text, flags=re.M)
    res = _extract(text)
    assert res.output["tables"]["applications"] == table
    assert 3 in [s["index"] for s in res.output["sections"]]
    _provenance_points_at_original(res)


@pytest.mark.parametrize("index", range(6))
def test_generated_faux_bold_partial_reports_read_exactly(index: int) -> None:
    """``faux_bold_partial`` (training/synth) over the layouts it draws: every table as gold."""
    from govreport.training.synth.generator import make_report

    r = make_report(21, index, kinds=["faux_bold_partial", LAYOUTS[index % len(LAYOUTS)]])
    assert re.search(r"([\u4e00-\u9fff])\1([\u4e00-\u9fff])\2", r.text)  # the damage is there
    out = _extract(r.text).output
    assert out["tables"] == r.gold["tables"], r.id


def test_kangxi_headings_found() -> None:
    text, table = _apps_report(lambda t: t.replace("一、本年新收", "⼀、本年新收"))
    text = text.replace("一、总体情况", "⼀、总体情况").replace("二、主动公开", "⼆、主动公开").replace("行政复议", "⾏行政复议")
    res = _extract(text)
    assert [s["index"] for s in res.output["sections"]] == [1, 2, 3, 4, 5, 6]
    assert res.output["tables"]["applications"] == table
    secs = {s["index"]: s for s in res.output["sections"]}
    assert text[secs[1]["start"]] == "⼀" and secs[1]["title"] == "一、总体情况"


def test_ocr_letters_in_a_figure_are_inferred_with_a_warning() -> None:
    table = applications_2021()
    table["new_received"]["natural_person"] = 3075
    table["new_received"]["total"] = sum(table["new_received"][c] for c in list(table["new_received"])[:6])
    tab = applications_tab(table).replace("\t3075\t", "\t3O75\t", 1)
    res = _extract(report(applications=tab))
    assert res.output["tables"]["applications"]["new_received"]["natural_person"] == 3075
    p = res.output["provenance"]["applications"]["new_received"]["natural_person"]
    assert p["text"] == "3O75" and p["read_as"] == "3075" and p["repairs"] == ["ocr_digit"]
    assert res.document.text[p["start"] : p["end"]] == "3O75"
    cell = [s for s in res.document.spans if s.label == Label.CELL and s.start == p["start"]]
    assert cell and cell[0].repairs == ("ocr_digit",)
    warn = [w for w in res.output["warnings"] if "3O75" in w]
    assert warn and "inferred" in warn[0] and "applications.new_received.natural_person" in warn[0]
    # the row is not shifted: every other value of the table is right
    got = res.output["tables"]["applications"]
    assert got == table


def test_measure_word_does_not_shift_a_row() -> None:
    text, table = _apps_report(lambda t: re.sub(r"(?m)^(\t（七）总计\t\d+)", r"\1件", t))
    assert "件" in text.split("（七）总计")[1].split("\n")[0]
    res = _extract(text)
    assert res.output["tables"]["applications"] == table
    _provenance_points_at_original(res)


ACTIVE_2019 = (
    "第二十条第（一）项\t\t\t\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
    "规章\t1\t1\t10\n规范性文件\t2\t2\t20\n"
    "第二十条第（五）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
    "行政许可\t10\t增加3\t100\n其他对外管理服务事项\t5\t减少 2\t7\n"
    "第二十条第（六）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
    "行政处罚\t8\t- 3\t9\n行政强制\t4\t+4\t1\n"
    "第二十条第（八）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t\n行政事业性收费\t6\t－2\t\n"
    "第二十条第（九）项\t\t\t\n信息内容\t采购项目数量\t采购总金额\t\n政府集中采购\t3\t12.5\t"
)


def test_changes_in_words() -> None:
    res = _extract(report(active=ACTIVE_2019, year=2020))
    t = res.output["tables"]["active_disclosure"]
    assert res.output["template"] == "2019"
    got = {r: t[r]["change"] for r in ("administrative_license", "other_external_services", "administrative_penalty",
                                        "administrative_coercion", "administrative_fees")}  # fmt: skip
    assert got == {"administrative_license": 3, "other_external_services": -2, "administrative_penalty": -3,
                   "administrative_coercion": 4, "administrative_fees": -2}  # fmt: skip
    assert t["administrative_license"]["decisions"] == 100 and t["centralized_procurement"]["amount"] == 12.5
    _provenance_points_at_original(res)
    p = res.output["provenance"]["active_disclosure"]["other_external_services"]["change"]
    assert p["text"] == "减少 2" and p["read_as"] == "-2"


def test_ocr_figures_next_to_each_other_are_all_read() -> None:
    """Other OCR-damaged figures on the line are no Latin words."""
    assert _view("一、本年新收\t2IOI\t6I\tl8\n") == "一、本年新收\t2101\t61\t18\n"


def test_measure_word_in_prose_is_kept() -> None:
    assert _view("行政诉讼4505件，其中1091件\n被纠正。") == "行政诉讼4505件，其中1091件\n被纠正。"


def test_tag_original_puts_the_spans_of_the_view_on_the_original() -> None:
    """Label Studio pre-annotations and the ML backend tag without assembling: same view."""
    from govreport.extraction.textview import tag_original

    table = applications_2021()
    text = report(applications=applications_tab(table)).replace("（七）总计", "（（七七））总总计计").replace("总体情况", "总体\u200b情况")
    doc = tag_original(RuleTagger(), Document.from_text(text))
    assert doc.text == text
    sections = [text[s.start : s.end] for s in doc.spans if s.label == Label.SECTION]
    assert "一、总体\u200b情况" in sections
    rows = [text[s.start : s.end] for s in doc.spans if s.label == Label.ROW]
    assert "（（七七））总总计计" in rows


def _ocr_letters_only(table: dict, sep: str) -> str:
    """Table 三 with every 0 and 1 an OCR read as ``O`` / ``l`` (``10`` -> ``lO``): figures left
    without a digit, a row of zeros ``O O O O O O O``; ``sep`` between cells (pdfplumber: one space)."""
    lines = []
    for line in applications_tab(table).split("\n")[3:]:
        label, *vals = [c for c in line.split("\t") if c]
        lines.append(label + sep + sep.join(v.translate(str.maketrans("01", "Ol")) if set(v) <= set("01") else v
                                            for v in vals))  # fmt: skip
    return applications_tab(table).split("\n", 3)[0] + "\n" + "\n".join(lines)


@pytest.mark.parametrize("sep", ["\t", " "])
def test_figures_an_ocr_read_as_letters_only_are_unreadable_never_blank(sep: str) -> None:
    """``O``, ``l``, ``lO``: printed figures that cannot be read are flagged, never taken as blank
    cells (the row's other values stay where they are, or the row is null where only the
    arithmetic could place them)."""
    table = applications_2021()
    table["granted"] = {c: 0 for c in table["granted"]}
    table["carried_over"]["natural_person"] = 10
    table["carried_over"]["total"] = sum(table["carried_over"][c] for c in list(table["carried_over"])[:6])
    text = _ocr_letters_only(table, sep)
    assert "（一）予以公开" + sep + sep.join("O" * 7) in text and sep + "lO" + sep in text
    out = _extract(report(applications=text)).output
    status = out["cell_status"]["applications"]
    printed = [(r, c) for r, row in table.items() for c, v in row.items() if v is not None and set(str(v)) <= set("01")]
    assert printed and all(status[r][c] == "unreadable" for r, c in printed)
    unreadable = next(r for r in out["review_reasons"] if r["code"] == "unreadable_cell")
    assert {f"applications.{r}.{c}" for r, c in printed} <= set(unreadable["cells"])
    blank = [(r, c) for r, row in status.items() for c, s in row.items() if s == "blank"]
    assert not blank


ACTIVE_2019_JOINED = ACTIVE_2019.replace("行政处罚\t8\t- 3\t9\n行政强制", "行政处罚\t8\t- 3\t9行政强制")


def test_a_value_glued_to_the_next_rows_label_by_a_line_join_is_the_rows_value() -> None:
    """Two table lines joined without a break (``…\\t9行政强制\\t4…``): the digits are the row's last
    value and the rest the next row's label, for the rule tagger (and so the model's rule channel);
    digits leading a label at a line start stay the label's (numbering)."""
    res = _extract(report(active=ACTIVE_2019_JOINED, year=2020))
    t = res.output["tables"]["active_disclosure"]
    assert t["administrative_penalty"]["decisions"] == 9
    assert t["administrative_coercion"] == {"prev_year_items": 4, "change": 4, "decisions": 1}
    text = "二、主动公开政府信息情况\n行政处罚\t0\t3\t3行政强制\t0\n3行政强制\t0\n"
    doc = RuleTagger()(Document.from_text(text))
    got = [(s.label, text[s.start : s.end]) for s in doc.spans if s.label in (Label.ROW, Label.CELL)]
    assert got[3:5] == [(Label.CELL, "3"), (Label.ROW, "行政强制")]
    assert (Label.ROW, "3行政强制") in got  # at a line start: not split


def test_nul_is_skipped_and_inside_a_figure_makes_it_inferred() -> None:
    v = clean_view("规\x00章\t136\x0012\x00\n")
    assert v.text == "规章\t13612\n" and {r.kind for r in v.repairs} == {"nul"}
    assert v.start_to_original(v.text.index("章")) == 2
    _assert_maps_back("规\x00章\t136\x0012\x00\n")


def test_a_report_with_stray_nuls_reads_as_without_them_and_says_so() -> None:
    # ingest refused any NUL as binary; a converter's stray few are now skipped like invisible
    # characters, and a figure with one inside is inferred (it may have stood for a separator)
    def damage(t: str) -> str:
        t = t.replace("予以公开", "予以\x00公开", 1).replace("总计", "总\x00计", 1)
        return re.sub(r"(\d)(?=\t|\n|$)", "\\1\x00", t, count=1)

    text, table = _apps_report(damage)
    text = text.replace("三、收到", "三、\x00收到")
    res = _extract(text)
    assert res.document.text == text and text.count("\x00") == 4  # offsets stay on the input
    assert res.output["tables"]["applications"] == table
    assert [s["index"] for s in res.output["sections"]] == [1, 2, 3, 4, 5, 6]
    _provenance_points_at_original(res)
    assert any(w.startswith("4 NUL character(s) ignored") for w in res.output["warnings"]), res.output["warnings"]
    status = res.output["cell_status"]["applications"]
    assert all(s == "read" for cols in status.values() for s in cols.values())  # no NUL inside a figure

    inside, table = _apps_report(lambda t: t)
    total = str(table["total_handled"]["total"])
    assert len(total) >= 2 and inside.count(f"\t{total}\n") == 1
    inside = inside.replace(f"\t{total}\n", f"\t{total[0]}\x00{total[1:]}\n")
    res = _extract(inside)
    assert res.output["tables"]["applications"]["total_handled"]["total"] == table["total_handled"]["total"]
    assert res.output["cell_status"]["applications"]["total_handled"]["total"] == "inferred"
    prov = res.output["provenance"]["applications"]["total_handled"]["total"]
    assert prov["repairs"] == ["nul"] and prov["read_as"] == total
    assert any("a NUL character inside a figure" in w for w in res.output["warnings"])
