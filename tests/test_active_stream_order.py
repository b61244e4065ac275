"""Table 二 as raw ``pdftotext`` writes it (each column header, then its group's values, one a
line; ``activestream``): header wordings with a note or cut over lines, headers out of the
table's order past some point, values under no header (a column printed apart from its header,
a two-row group's second row written row-wise, a value right after a one-row group's label), and
the next table's header printed before its heading."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import applications_2021, applications_tab, report

LABELS_2021 = ["第二十条第（一）项", "信息内容", "规章", "行政规范性文件", "第二十条第（五）项", "信息内容", "行政许可",
               "第二十条第（六）项", "信息内容", "行政处罚", "行政强制", "第二十条第（八）项", "信息内容", "行政事业性收费"]  # fmt: skip
LABELS_2019 = ["第二十条第（一）项", "信息内容", "规章", "规范性文件", "第二十条第（五）项", "信息内容", "行政许可",
               "其他对外管理服务事项", "第二十条第（六）项", "信息内容", "行政处罚", "行政强制", "第二十条第（八）项", "信息内容",
               "行政事业性收费", "第二十条第（九）项", "信息内容", "政府集中采购"]  # fmt: skip
REGULATIONS_2021 = ["本年制发件数", "0", "3", "", "本年废止件数", "13", "14", "", "现行有效件数", "1", "4", ""]
EXPECTED_2021 = {"regulations": {"issued": 0, "repealed": 13, "in_force": 1},
                 "normative_documents": {"issued": 3, "repealed": 14, "in_force": 4},
                 "administrative_license": {"decisions": 2}, "administrative_penalty": {"decisions": 245},
                 "administrative_coercion": {"decisions": 857}, "administrative_fees": {"amount": 0.25}}  # fmt: skip
EXPECTED_2019 = {"regulations": {"new_made": 0, "new_published": 2, "total_published": 4},
                 "normative_documents": {"new_made": 1, "new_published": 3, "total_published": 5},
                 "administrative_license": {"prev_year_items": 6, "change": 8, "decisions": 18},
                 "other_external_services": {"prev_year_items": 7, "change": 9, "decisions": 19},
                 "administrative_penalty": {"prev_year_items": 10, "change": 12, "decisions": 20},
                 "administrative_coercion": {"prev_year_items": 11, "change": 13, "decisions": 21},
                 "administrative_fees": {"prev_year_items": 14, "change": 15},
                 "centralized_procurement": {"projects": 16, "amount": 17}}  # fmt: skip


def _active(lines: list[str], year: int = 2022) -> dict:
    out = Extractor(get_tagger("rules")).extract_text(report(active="\n".join(lines), year=year)).output
    return out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"], out["warnings"]


def _regulations_2019() -> list[str]:
    return ["本年新制作数量", "0", "1", "", "本年新公开数量", "2", "3", "", "对外公开总数量", "4", "5", ""]


def test_a_header_with_a_note_that_holds_figures_is_its_column_s_header():
    # ``保留 2 位小数`` puts figures on the header's line; ``单位：元`` gives the unit
    lines = LABELS_2021 + [""] + REGULATIONS_2021 + ["本年处理决定数量", "2", "本年处理决定数量", "245", "857", "",
                                                    "本年收费金额（单位：元，保留 2 位小数）", "2,500.00"]  # fmt: skip
    got, _, _ = _active(lines)
    assert got == EXPECTED_2021


def test_a_header_cut_over_two_lines_whose_second_piece_names_the_column_too():
    # ``定数量`` alone would be read as a second 处理决定数量 header
    lines = LABELS_2021 + [""] + REGULATIONS_2021 + ["本年处理决", "定数量", "2", "", "本年处理决", "定数量", "245", "857", "",
                                                    "本年收费金额（单位：元）", "2500"]  # fmt: skip
    got, _, _ = _active(lines)
    assert got == EXPECTED_2021


def _out_of_order_2019() -> list[str]:
    # in the table's order up to 行政许可's 本年增/减; then 行政处罚's columns come before
    # 行政许可's 处理决定数量, whose two headers come last (a WPS drawing)
    return LABELS_2019 + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "上一年项目数量", "10", "11", "", "本年增/减", "12", "13", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17", "",
        "处理决定数量", "18", "19", "", "处理决定数量", "20", "21"]  # fmt: skip


def test_headers_in_the_table_s_order_up_to_a_point_settle_their_groups():
    got, status, warnings = _active(_out_of_order_2019(), year=2019)
    doubtful = {("administrative_license", "decisions"), ("other_external_services", "decisions"),
                ("administrative_penalty", "decisions"), ("administrative_coercion", "decisions")}  # fmt: skip
    for row, cols in EXPECTED_2019.items():
        for col, v in cols.items():
            if (row, col) in doubtful:
                # the two 处理决定数量 headers past the point may be in either order: null, flagged
                assert got[row][col] is None and status[row][col] == "unreadable"
            else:
                assert got[row][col] == v, (row, col)
    assert any("either order" in w for w in warnings)


def test_headers_of_one_wording_past_that_point_that_agree_are_read():
    lines = [v if v not in ("20", "21") else {"20": "18", "21": "19"}[v] for v in _out_of_order_2019()]
    got, _, _ = _active(lines, year=2019)
    assert got["administrative_license"]["decisions"] == got["administrative_penalty"]["decisions"] == 18
    assert got["other_external_services"]["decisions"] == got["administrative_coercion"]["decisions"] == 19


def test_a_two_row_group_s_second_row_written_row_wise_after_the_labels():
    # 规章's cells under the headers; 行政规范性文件's three values after the group labels, one a
    # block; the first row's empty 本年废止件数 prints nothing under its header
    lines = ["第二十条第（一）项", "信息内容", "规章", "", "本年制发件数", "0", "", "本年废止件数", "", "现行有效件数", "1", "",
             *LABELS_2021[3:], "", "3", "", "14", "", "4", "",
             "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "", "本年收费金额（元）", "2500"]  # fmt: skip
    got, status, _ = _active(lines)
    expected = {**EXPECTED_2021, "regulations": {"issued": 0, "repealed": None, "in_force": 1}}
    assert got == expected
    assert status["normative_documents"]["repealed"] == "inferred"


def test_values_under_no_header_that_do_not_divide_are_left_out():
    # two values after the labels for a second row of three columns: no placement, null
    lines = ["第二十条第（一）项", "信息内容", "规章", "", "本年制发件数", "0", "", "本年废止件数", "5", "", "现行有效件数", "1", "",
             *LABELS_2021[3:], "", "3", "", "4", "",
             "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "", "本年收费金额（元）", "2500"]  # fmt: skip
    got, _, warnings = _active(lines)
    assert got["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    assert got["regulations"] == {"issued": None, "repealed": None, "in_force": None}
    assert got["administrative_fees"] == {"amount": 0.25}
    assert any("under no column header were left out" in w for w in warnings)


def test_a_value_right_after_a_one_row_group_s_label_is_that_row_s():
    # 采购项目数量's 16 printed after 政府集中采购's label, before 行政处罚's 本年增/减 block that
    # belongs to a header printed earlier: order alone would give 行政处罚's header the 16
    lines = LABELS_2019[:-1] + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "11", "", "本年增/减", "", "政府集中采购", "", "16", "", "12", "13", "", "处理决定数量", "20", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, status, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019
    assert status["centralized_procurement"]["projects"] == "inferred"


def test_the_next_table_s_header_before_its_heading_ends_table_two():
    # 采购总金额's value printed apart from it, then table 三's header and first values before
    # the heading 三: those are not table 二's values under no header
    lines = LABELS_2019 + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "11", "", "本年增/减", "12", "13", "", "处理决定数量", "20", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "", "17", "",
        "申请人情况", "自然人", "5", "0"]  # fmt: skip
    got, _, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019


def test_columns_after_the_next_heading_among_the_next_table_s_header_lines():
    # 本年废止件数 and 现行有效件数 written after the heading 三, between table 三's note and header
    # pieces; table 三's values after its header are not table 二's
    apps = applications_2021()
    before = LABELS_2021 + ["", "本年制发件", "数", "0", "3", "", "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "",
                            "本年收费金额（元）", "2500"]  # fmt: skip
    after = ["（本列数据的勾稽关系为：第一", "项加第二项之和，等于第三项加", "第四项之和）", "", "本年废止件", "数", "13", "14", "",
             "申请人情况", "", "现行有效件", "数", "1", "4", "", "自然人"]  # fmt: skip
    text = report(active="\n".join(before), applications="\n".join(after) + "\n" + applications_tab(apps))
    out = Extractor(get_tagger("rules")).extract_text(text).output
    assert out["tables"]["active_disclosure"] == EXPECTED_2021
    assert out["tables"]["applications"] == apps


def test_a_side_by_side_header_short_of_values_keeps_the_value_under_no_header():
    # 规章's row under three side-by-side headers prints one mark: the headers cannot divide it, and
    # the 5 after it may be theirs, not 行政许可's (whose header has nothing under it)
    lines = LABELS_2021[:11] + ["", "本年制发件 本年废止件 现行有效件", "数", "数", "数", "无", "", "5", "", "本年处理决定数量", "",
                                "本年处理决定数量", "8", "1", "", *LABELS_2021[11:], "", "本年收费金额（单位：万元）", "-"]  # fmt: skip
    got, _, _ = _active(lines)
    assert got["administrative_license"]["decisions"] is None
    assert got["administrative_penalty"]["decisions"] == 8


def test_a_group_s_second_row_apart_and_a_first_row_value_in_a_block_of_its_own():
    # 行政处罚's 本年增/减 printed apart from its header (a block of one value); 行政强制's row
    # written row-wise after the labels: the 12 cannot be 行政强制's (it stands before the
    # group's last header), so 行政处罚's 本年增/减 is 12, not empty
    lines = LABELS_2019[:11] + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "", "本年增/减", "", "12", "", "处理决定数量", "20", "",
        *LABELS_2019[11:], "", "11", "", "13", "", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, status, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019
    assert status["administrative_penalty"]["change"] == status["administrative_coercion"]["decisions"] == "inferred"


def test_a_first_row_value_in_a_block_of_its_own_that_two_columns_may_own_is_null():
    # 行政处罚's 本年增/减 and 处理决定数量 both print nothing under their headers and one 12 stands
    # apart before 行政强制's row: it is one of them and the other is empty; which is not printed
    lines = LABELS_2019[:11] + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "", "本年增/减", "", "处理决定数量", "", "12", "",
        *LABELS_2019[11:], "", "11", "", "13", "", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, status, warnings = _active(lines, year=2019)
    assert got["administrative_penalty"] == {"prev_year_items": 10, "change": None, "decisions": None}
    assert status["administrative_penalty"]["change"] == status["administrative_penalty"]["decisions"] == "unreadable"
    assert got["administrative_coercion"] == {"prev_year_items": 11, "change": 13, "decisions": 21}
    assert any("administrative_penalty.change" in w and "administrative_penalty.decisions" in w for w in warnings)


def test_side_by_side_headers_after_the_next_heading():
    # the whole table after the heading 三; 规章's group prints its three headers on one line, cut
    # (``数`` below each), and the values row by row
    apps = applications_2021()
    after = ["本年制发件 本年废止件 现行有效件", "数", "数", "数", "0", "13", "1", "3", "14", "4", "",
             "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "", "本年收费金额（单位：元，保留 2 位小数）", "2500"]  # fmt: skip
    text = report(active="\n".join(LABELS_2021), applications="\n".join(after) + "\n" + applications_tab(apps))
    out = Extractor(get_tagger("rules")).extract_text(text).output
    assert out["tables"]["active_disclosure"] == EXPECTED_2021
    assert out["tables"]["applications"] == apps


def test_most_columns_printed_apart_from_their_headers_divide_exactly():
    # only 本年收费金额 has its value right under it; every other column's values follow in
    # blocks, in the headers' order: the stream is read because they divide exactly
    lines = ["本年制发件数", "", "本年废止件数", "", "现行有效件数", "", *LABELS_2021, "", "0", "3", "", "13", "14", "", "1", "4", "",
             "本年处理决定数量", "", "本年处理决定数量", "", "本年收费金额（元）", "2500", "", "2", "", "245", "857"]  # fmt: skip
    got, status, _ = _active(lines)
    assert got == EXPECTED_2021
    assert status["regulations"]["issued"] == "inferred"


def test_the_next_table_s_header_pieces_after_the_heading_are_no_columns_of_table_two():
    # the whole table after the heading 三, then table 三's header: ``三、本年 （一）予以公开`` is
    # cut before a bracket like a header with a note, but ``本年`` alone is no 本年增/减
    after = _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "11", "", "本年增/减", "12", "13", "", "处理决定数量", "20", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17", "",
        "申请人情况", "", "一、本年新收政府信息公开申请", "数量", "三、本年 （一）予以公开", "度办理结 （二）部分公开"]  # fmt: skip
    text = report(active="\n".join(LABELS_2019), applications="\n".join(after), year=2019)
    out = Extractor(get_tagger("rules")).extract_text(text).output
    assert out["tables"]["active_disclosure"] == EXPECTED_2019


def test_a_header_cut_over_two_lines_whose_first_piece_names_no_column():
    # ``本年制定件`` alone is no column's wording (it reads like none closely enough); joined with
    # ``数`` it is 本年制发件数's: the header, and 0 / 3 under it are its values
    lines = LABELS_2021 + ["", "本年制定件", "数", "0", "3", ""] + REGULATIONS_2021[4:] + [
        "本年处理决定数量", "2", "本年处理决定数量", "245", "857", "", "本年收费金额（单位：元）", "2500"]  # fmt: skip
    got, status, _ = _active(lines)
    assert got == EXPECTED_2021
    assert status["regulations"]["issued"] == "read"


def test_side_by_side_headers_whose_one_wording_wraps_onto_the_next_line():
    # ``上一年度项 本年增/减`` / ``目数量``: two header cells side by side, the left one's wording cut
    # (``目数量`` names 上一年项目数量 by itself, but here it is the left cell's rest); their values
    # come row by row
    lines = LABELS_2019 + [""] + _regulations_2019() + [
        "上一年度项 本年增/减", "目数量", "6", "8", "7", "9", "", "处理决定数量", "18", "19", "",
        "上一年度项 本年增/减", "目数量", "10", "12", "11", "13", "", "处理决定数量", "20", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, _, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019


def test_a_row_written_apart_with_a_one_row_group_s_label_and_value_among_its_blocks():
    # 行政强制's row written row-wise after the labels (11, 13, 21, a block each), and among its
    # blocks 政府集中采购's label with its 采购项目数量 (16) right after it (a page's next rows
    # drawn among them): the 16 is that row's, the rest 行政强制's
    lines = LABELS_2019[:11] + [""] + _regulations_2019() + [
        "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
        "上一年项目数量", "10", "", "本年增/减", "12", "", "处理决定数量", "20", "",
        *LABELS_2019[11:-1], "", "11", "", "13", "", "政府集中采购", "", "16", "", "21", "",
        "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, status, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019
    assert status["administrative_coercion"]["decisions"] == status["centralized_procurement"]["projects"] == "inferred"


def test_side_by_side_headers_over_one_row_s_values_and_the_second_row_written_apart():
    # three headers side by side with three values under them: 规章's row, row by row; 规范性文件's
    # row written apart after the labels, a block a value, group labels among them
    lines = ["第二十条第（一）项", "信息内容", "规章", "", "本年新制作 本年新公开 对外公开总", "数量", "数量", "数量", "0", "2", "4", "",
             "规范性文件", "第二十条第（五）项", "信息内容", "", "1", "", *LABELS_2019[6:-1], "", "3", "", "5", "",
             "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
             "上一年项目数量", "10", "11", "", "本年增/减", "12", "13", "", "处理决定数量", "20", "21", "",
             "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, status, _ = _active(lines, year=2019)
    assert got == EXPECTED_2019
    assert status["normative_documents"]["total_published"] == "inferred"


def test_side_by_side_headers_over_one_row_s_values_with_no_row_apart_are_null():
    # the same three values with nothing written apart: which row they are is not known
    lines = ["第二十条第（一）项", "信息内容", "规章", "规范性文件", "", "本年新制作 本年新公开 对外公开总", "数量", "数量", "数量",
             "0", "2", "4", "", *LABELS_2019[4:],
             "", "上一年项目数量", "6", "7", "", "本年增/减", "8", "9", "", "处理决定数量", "18", "19", "",
             "上一年项目数量", "10", "11", "", "本年增/减", "12", "13", "", "处理决定数量", "20", "21", "",
             "上一年项目数量", "14", "", "本年增/减", "15", "", "采购项目数量", "16", "", "采购总金额（万元）", "17"]  # fmt: skip
    got, _, _ = _active(lines, year=2019)
    assert all(v is None for row in ("regulations", "normative_documents") for v in got[row].values()), got
    assert got["administrative_license"] == EXPECTED_2019["administrative_license"]


def test_a_header_with_nothing_under_it_and_no_block_left_for_it_is_a_blank_cell():
    # 行政许可's 本年处理决定数量 prints nothing (a blank cell leaves no line) and every block under no
    # header is 行政规范性文件's row written apart: the blank is no value, the rest is read
    lines = LABELS_2021[:9] + ["", "本年制发件数", "", "本年废止件数", "13", "", "现行有效件数", "44", "", "98", "", "5", "", "98", "",
                               "本年处理决定数量", "", *LABELS_2021[9:], "", "本年处理决定数量", "245", "857",
                               "本年收费金额（单位：元）", "2500"]  # fmt: skip
    got, status, _ = _active(lines)
    assert got["normative_documents"] == {"issued": 98, "repealed": 5, "in_force": 98}
    assert got["regulations"] == {"issued": None, "repealed": 13, "in_force": 44}
    assert got["administrative_license"]["decisions"] is None
    assert got["administrative_penalty"]["decisions"] == 245


def test_a_block_before_a_header_with_nothing_under_it_is_not_that_column_s():
    # the lone 2 stands before 行政许可's header (after 规范性文件's label): it is not that column's,
    # and with nothing else to tell whose it is, no cell takes it
    lines = ["第二十条第（一）项", "信息内容", "规章", "", "本年制发件数", "", "行政规范性文件", "", "2", "",
             "第二十条第（五）项", "信息内容", "行政许可", "", "本年处理决定数量", "", "第二十条第（六）项", "信息内容", "行政处罚", "",
             "本年处理决定数量", "", "行政强制", "", "本年废止件数", "", "现行有效件数", "2", "2", "",
             "第二十条第（八）项", "信息内容", "行政事业性收费", "", "本年收费金额（元）", "10000"]  # fmt: skip
    got, _, _ = _active(lines)
    assert got["administrative_license"]["decisions"] is None  # a guard: blank-or-run would give it the 2
