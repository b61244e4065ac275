"""Table 三's first row at its first page's top where the whole table does not divide
(``extraction/tables/toprow.py``, after ``streamorder.distrust_order`` and ``leadrows.lead_rows``)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.toprow import page_past_lead, wps_second_run, wps_top_run, wps_top_walk
from govreport.extraction.taggers import get_tagger

from .reportkit import APP_LABELS_2021, COLS, applications_2021, report


def _cells(*values: int | None) -> list[Cell]:
    return [Cell(value=v, raw="—" if v is None else str(v), start=0, end=1, line=0, field=0, x=0, score=1.0) for v in values]


def test_wps_first_page_top_gives_the_first_row_in_column_order():
    # 自然人 3734, 商业企业 222, two values of the next rows, then after the pieces 法律服务机构 /
    # 其他 / 社会公益组织: 法律服务机构 180, 科研机构 12, 社会公益组织 56, then 其他 132 and 总计 4336
    cells = _cells(3734, 222, 0, 0, 180, 12, 56, 132, 4336, 0, 0)
    hints = [None, None, None, None, 4, 5, 3, None, None, None, None]
    assert [c.value for c in wps_top_run(cells, hints)] == [3734, 222, 12, 56, 180, 132, 4336]


def test_wps_first_page_top_without_a_staircase_gives_the_row_in_column_order():
    # 自然人 4, the piece 总计, 商业企业 1, 科研机构 0, then 社会公益组织 / 法律服务机构 / 其他 each after its piece
    cells = _cells(4, 1, 0, 0, 0, 0, 5, 0, 0)
    assert [c.value for c in wps_top_run(cells, [None, 6, None, 3, 4, 5, None, None, None])] == [4, 1, 0, 0, 0, 0, 5]
    # the pieces anywhere else, or the row breaking 总计: none
    assert wps_top_run(cells, [None, 6, None, 3, 5, 4, None, None, None]) is None
    assert wps_top_run(_cells(4, 1, 0, 0, 0, 0, 6), [None, 6, None, 3, 4, 5, None]) is None


def test_no_wps_first_row_where_the_header_pieces_or_the_total_say_otherwise():
    cells = _cells(3734, 222, 0, 0, 180, 12, 56, 132, 4336)
    # LibreOffice's first row: the pieces in column order (社会公益组织, 法律服务机构, 其他)
    assert wps_top_run(cells, [None, None, None, None, 3, 4, 5, None, None]) is None
    # a header piece on the values after them, or before them
    assert wps_top_run(cells, [None, None, None, None, 4, 5, 3, 6, None]) is None
    assert wps_top_run(cells, [None, 1, None, None, 4, 5, 3, None, None]) is None
    # the seven values break 总计, or 总计 is 0 (zeros fit any order) or a blank mark
    assert wps_top_run(_cells(3734, 222, 0, 0, 180, 12, 56, 132, 4335), [None] * 4 + [4, 5, 3, None, None]) is None
    assert wps_top_run(_cells(0, 0, 0, 0, 0, 0, 0, 0, 0), [None] * 4 + [4, 5, 3, None, None]) is None
    assert wps_top_run(_cells(3, 1, 0, 0, 1, 0, 0, 0, None), [None] * 4 + [4, 5, 3, None, None]) is None
    # a blank mark among the applicant cells is a printed blank cell, where a value would stand
    assert [c.value for c in wps_top_run(_cells(3, None, 0, 0, 1, 0, 0, 0, 4), [None] * 4 + [4, 5, 3, None, None])] \
        == [3, None, 0, 0, 1, 0, 4]
    # fewer than two values before the pieces: not the page top's 自然人 and 商业企业
    assert wps_top_run(_cells(3, 1, 0, 0, 0, 4), [None, 4, 5, 3, None, None]) is None


def _lines(text: str):
    doc = Document.from_text(text)
    return doc, list(split_lines(text))


def test_values_a_page_before_the_column_header_are_not_the_stream_s_start():
    doc, lines = _lines("现行有效件数\n4\n149\n\n\f（本列数据的勾稽关系为：…）\n申请人情况\n自然人\n13\n3\n")
    assert doc.text[page_past_lead(doc, lines)[0].start :].startswith("自然人")
    # on the header's own page they may be the table's first row: kept
    doc, lines = _lines("4\n149\n申请人情况\n自然人\n13\n3\n")
    assert page_past_lead(doc, lines) == lines


def _broken_stream() -> tuple[dict, list[str], list[str], list[str]]:
    """Table 三 whose stream no division meets (三(三)2 one value short, the last 总计 one too many):
    its values a row each in template order, its row labels and keys."""
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    labels = [piece for _, label in APP_LABELS_2021 for piece in label.split("\t") if piece]
    t["carried_forward"]["total"] += 1
    rows = [[str(t[k][c]) for c in COLS] for k in keys]
    rows[keys.index("denied_prohibited_by_law")] = rows[keys.index("denied_prohibited_by_law")][1:]
    return t, keys, labels, rows


def test_a_report_whose_first_page_follows_table_two_s_last_values_gets_its_leading_rows():
    t, keys, labels, rows = _broken_stream()
    # heading 三 at a page's end after table 二's last cells; the table opens the next page
    lead = ["现行有效件数", "4", "149", "", "\f申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
            "社会公益组织", "法律服务机构", "其他", "总计"]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(lead + [v for r in rows for v in r] + labels))).output
    got = out["tables"]["applications"]
    assert [got["new_received"][c] for c in COLS] == [t["new_received"][c] for c in COLS]
    assert any("rows read from the start of the value stream" in w for w in out["warnings"])


def test_a_wps_first_page_top_gives_the_first_row_where_the_table_falls_back_to_order():
    t, keys, labels, rows = _broken_stream()
    one = rows[0]  # 自然人 商业企业 科研机构 社会公益 法律服务 其他 总计
    top = ["申请人情况", "自然人", "法人或其他组织", "商业企业 科研机构", "", *labels, "", one[0], "", one[1], "",
           "总计", "法律服务", "机构", one[4], "", "其他", "", one[2], "", "社会公益", "组织", one[3], "", one[5], "",
           one[6], ""]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(top + [v for r in rows[1:] for v in r]))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert [got["new_received"][c] for c in COLS] == [t["new_received"][c] for c in COLS]
    assert set(status["new_received"].values()) == {"inferred"}
    assert any("read from WPS's first page top" in w for w in out["warnings"])


def test_wps_first_page_top_gives_row_two_in_either_staircase_shape():
    # 一's 自然人 451 and 商业企业 47, 二's 自然人 1 and 商业企业 2, the pieces with 一's other five;
    # after 一's 总计 502: 二's 科研机构, 社会公益组织, 法律服务机构, 其他 and 总计 in column order
    # (二's cells stand apart from the header pieces, each a block of its own, written left to right)
    hints = [None] * 4 + [4, 5, 3] + [None] * 8
    cells = _cells(451, 47, 1, 2, 0, 0, 2, 2, 502, 3, 0, 5, 0, 11, 182)
    assert [c.value for c in wps_top_run(cells, hints)] == [451, 47, 0, 2, 0, 2, 502]
    assert [c.value for c in wps_second_run(cells, hints)] == [1, 2, 3, 0, 5, 0, 11]
    # the next rows' 自然人 before the pieces (33 二's, 101 and 104 三(一)'s and 三(二)'s): 二's
    # 商业企业 comes first after 一's 总计, then its other five
    hints = [None] * 5 + [4, 5, 3] + [None] * 8
    cells = _cells(704, 64, 33, 101, 104, 11, 0, 4, 0, 783, 7, 1, 2, 3, 0, 46)
    assert [c.value for c in wps_second_run(cells, hints)] == [33, 7, 1, 2, 3, 0, 46]


def test_no_wps_row_two_where_the_shapes_disagree_or_its_total_is_zero():
    hints = [None] * 4 + [4, 5, 3] + [None] * 8
    # both shapes meet 总计 with other cells (二 1 0 0 0 0 0 1, or 1 0 0 0 0 1 2): which is not printed
    cells = _cells(451, 47, 1, 0, 0, 0, 2, 2, 502, 0, 0, 0, 0, 1, 2)
    assert wps_second_run(cells, hints) is None
    # a row of zeros fits any order: not placed; nor a header piece among its values
    cells = _cells(451, 47, 0, 0, 0, 0, 2, 2, 502, 0, 0, 0, 0, 0, 9)
    assert wps_second_run(cells, hints) is None
    cells = _cells(451, 47, 1, 2, 0, 0, 2, 2, 502, 0, 0, 0, 0, 3, 182)
    assert wps_second_run(cells, hints[:10] + [6] + hints[11:]) is None
    # no first row read from the page top (the row breaks 总计): no second either
    cells = _cells(451, 47, 1, 2, 0, 0, 2, 2, 503, 0, 0, 0, 0, 3, 182)
    assert wps_second_run(cells, hints) is None


def test_a_wps_first_page_top_gives_row_two_where_the_table_falls_back_to_order():
    t, keys, labels, rows = _broken_stream()
    one, two = rows[0], rows[1]  # 自然人 商业企业 科研机构 社会公益 法律服务 其他 总计
    top = ["申请人情况", "自然人", "法人或其他组织", "商业企业 科研机构", "", *labels, "", one[0], "", one[1], "",
           two[0], "", two[1], "", "总计", "法律服务", "机构", one[4], "", "其他", "", one[2], "", "社会公益", "组织",
           one[3], "", one[5], "", one[6], "", two[2], "", two[3], "", two[4], "", two[5], "", two[6], ""]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(top + [v for r in rows[2:] for v in r]))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert [got["carried_over"][c] for c in COLS] == [t["carried_over"][c] for c in COLS]
    assert set(status["carried_over"].values()) == {"inferred"}
    assert any("carried_over: read from WPS's first page top" in w for w in out["warnings"])


def _starts(*sizes: int) -> list[bool]:
    """Block starts for consecutive blocks of these sizes (raw pdftotext: an empty line ends a block)."""
    return [k == 0 for n in sizes for k in range(n)]


# WPS's first page top with its first row group (geometry of the generator's WPS-style PDF read by
# poppler): 一's 自然人 and 商业企业 each a block, then one block of 二's 自然人 and the group's
# 自然人 column, the header pieces with 一's other five, 二's other six in column order, the group's
# other six columns as blocks of one value per row, then the rows after it in row order
_GROUP_TOP = (704, 64, 33, 101, 104, 11, 0, 4, 0, 783, 7, 0, 0, 0, 0, 40,
              7, 12, 0, 0, 2, 0, 1, 1, 0, 0, 111, 117, 30, 5, 0, 1, 1, 0, 37)
_GROUP_HINTS = [None] * 5 + [4, 5, 3] + [None] * 27
_GROUP_STARTS = _starts(1, 1, 3, *[1] * 11, 2, 2, 2, 2, 2, 2, *[1] * 7)


def test_wps_first_page_top_with_its_first_row_group_gives_the_rows_in_order():
    rows = wps_top_walk(_cells(*_GROUP_TOP), _GROUP_HINTS, _GROUP_STARTS, 25)
    assert [[c.value for c in r] for r in rows] == [
        [704, 64, 0, 4, 11, 0, 783], [33, 7, 0, 0, 0, 0, 40], [101, 7, 0, 2, 1, 0, 111],
        [104, 12, 0, 0, 1, 0, 117], [30, 5, 0, 1, 1, 0, 37]]
    # a single row in place of the group (二's 自然人 and its 自然人 one block): 346 10 0 0 18 3 377
    cells = _cells(622, 16, 0, 346, 28, 0, 0, 4, 670, 0, 0, 0, 0, 0, 0, 10, 0, 0, 18, 3, 377)
    rows = wps_top_walk(cells, [None] * 4 + [4, 5, 3] + [None] * 14, _starts(1, 1, 2, *[1] * 17), 25)
    assert [[c.value for c in r] for r in rows] == [
        [622, 16, 0, 0, 28, 4, 670], [0, 0, 0, 0, 0, 0, 0], [346, 10, 0, 0, 18, 3, 377]]


def test_no_wps_top_group_where_its_blocks_or_sums_do_not_say_so():
    # the group's column blocks of unequal size (a block of three, one of one): not one group
    starts = _starts(1, 1, 3, *[1] * 11, 3, 1, 2, 2, 2, 2, *[1] * 7)
    assert wps_top_walk(_cells(*_GROUP_TOP), _GROUP_HINTS, starts, 25) == []
    # 二's 自然人 apart from the values after it (two blocks): not a group's column after it
    starts = _starts(1, 1, 1, 2, *[1] * 11, 2, 2, 2, 2, 2, 2, *[1] * 7)
    assert wps_top_walk(_cells(*_GROUP_TOP), _GROUP_HINTS, starts, 25) == []
    # a group row breaking 总计 (its 社会公益组织 2 read as 3)
    values = list(_GROUP_TOP)
    values[20] = 3
    assert wps_top_walk(_cells(*values), _GROUP_HINTS, _GROUP_STARTS, 25) == []
    # a header piece among the values after 一's 总计
    hints = list(_GROUP_HINTS)
    hints[12] = 6
    assert wps_top_walk(_cells(*_GROUP_TOP), hints, _GROUP_STARTS, 25) == []


def test_a_wps_row_two_of_zeros_is_kept_only_where_what_follows_pins_its_end():
    # 一 5381 at the top, 二 0 … 0 (its 自然人 before the pieces, its other six after 一's 总计), then a
    # group of two rows written column by column: its blocks start right after 二's seven values
    cells = _cells(4341, 732, 0, 249, 0, 27, 32, 5381, 0, 0, 0, 0, 0, 0,
                   2758, 243, 456, 35, 0, 0, 17, 1, 166, 7, 17, 2, 3414, 288)
    hints = [None] * 3 + [4, 5, 3] + [None] * 22
    rows = wps_top_walk(cells, hints, _starts(*[1] * 14, 2, 2, 2, 2, 2, 2, 2), 25)
    assert [[c.value for c in r] for r in rows] == [
        [4341, 732, 0, 27, 249, 32, 5381], [0] * 7, [2758, 456, 0, 17, 166, 17, 3414], [243, 35, 0, 1, 7, 2, 288]]
    # the same with runs of zeros after 二 and nothing pinning a row: 二 not kept (a row of zeros fits anywhere)
    cells = _cells(4341, 732, 0, 249, 0, 27, 32, 5381, *[0] * 20)
    rows = wps_top_walk(cells, hints, _starts(*[1] * 28), 25)
    assert [[c.value for c in r] for r in rows] == [[4341, 732, 0, 27, 249, 32, 5381]]


def test_a_wps_first_page_top_with_its_first_row_group_is_read_where_the_table_falls_back_to_order():
    t, keys, labels, rows = _broken_stream()
    one, two, g1, g2 = rows[0], rows[1], rows[2], rows[3]  # 自然人 商业企业 科研机构 社会公益 法律服务 其他 总计
    top = ["申请人情况", "自然人", "法人或其他组织", "商业企业 科研机构", "", *labels, "", one[0], "", one[1], "",
           two[0], g1[0], g2[0], "", "总计", "法律服务", "机构", one[4], "", "其他", "", one[2], "", "社会公益", "组织",
           one[3], "", one[5], "", one[6], "", *(x for v in two[1:] for x in (v, "")),
           *(x for k in range(1, 7) for x in (g1[k], g2[k], ""))]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(top + [v for r in rows[4:] for v in r]))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for key in ("carried_over", "granted", "partially_granted", "denied_state_secret"):
        assert [got[key][c] for c in COLS] == [t[key][c] for c in COLS], key
        assert set(status[key].values()) == {"inferred"}
    assert any("after WPS's first page top" in w for w in out["warnings"])


def test_a_blank_mark_in_a_header_piece_s_block_is_a_value_at_wps_s_page_top_and_in_a_label_part_of_it():
    from govreport.extraction.tables.streamorder import lone_numbers

    # WPS's first page top: row 一's blank 法律服务机构 and 科研机构 cells drawn with the header pieces
    doc, lines = _lines("自然人\n10\n\n总计\n法律服务\n机构\n－\n\n其他\n\n－\n\n社会公益\n组织\n0\n")
    cells, hints = lone_numbers(doc, lines, header_marks=True)
    assert [c.raw for c in cells] == ["10", "－", "－", "0"] and hints[1:] == [4, 5, 3]
    # elsewhere (LibreOffice's header cells, other routes) such a mark stays with the words
    assert [c.raw for c in lone_numbers(doc, lines)[0]] == ["10", "0"]
    # a label cut around 无 (（四）无 / 法提供) keeps it: no header cell ends before it
    doc, lines = _lines("自然人\n3\n（四）\n无\n法提供\n4\n")
    cells, _ = lone_numbers(doc, lines, header_marks=True)
    assert [c.raw for c in cells] == ["3", "4"]


def test_a_wps_first_page_top_with_a_blank_mark_among_the_header_pieces_is_read_where_the_table_falls_back_to_order():
    t, keys, labels, rows = _broken_stream()
    # row 一's 法律服务机构 cell blank, printed as a mark in the header piece's block
    t["new_received"]["total"] -= t["new_received"]["legal_service_org"]
    t["new_received"]["legal_service_org"] = None
    one, two = [str(t["new_received"][c]) if t["new_received"][c] is not None else "—" for c in COLS], rows[1]
    top = ["申请人情况", "自然人", "法人或其他组织", "商业企业 科研机构", "", *labels, "", one[0], "", one[1], "",
           two[0], "", "总计", "法律服务", "机构", one[4], "", "其他", "", one[2], "", "社会公益", "组织",
           one[3], "", one[5], "", one[6], "", *(x for v in two[1:] for x in (v, ""))]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(top + [v for r in rows[2:] for v in r]))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert [got["new_received"][c] for c in COLS] == [t["new_received"][c] for c in COLS]
    assert set(status["new_received"][c] for c in COLS if c != "legal_service_org") == {"inferred"}
    for key in ("carried_over", "granted", "partially_granted", "denied_state_secret"):
        assert [got[key][c] for c in COLS] == [t[key][c] for c in COLS], key


def test_no_wps_top_walk_where_row_two_s_two_readings_disagree():
    # 二's 自然人 1 and 商业企业 0 apart before the pieces: 二 = 1 0 0 0 0 0 1 after 一's 总计 502 ... but
    # 1 with the six after 502 (0 0 0 0 1 2) meets 总计 too: which is printed is not known
    cells = _cells(451, 47, 1, 0, 0, 0, 2, 2, 502, 0, 0, 0, 0, 1, 2, 5, 0, 0, 0, 0, 0, 5)
    hints = [None] * 4 + [4, 5, 3] + [None] * 15
    assert wps_top_walk(cells, hints, _starts(*[1] * 22), 25) == []
    # where only the reading with 商业企业 before the pieces meets 总计, it is read
    cells = _cells(451, 47, 1, 2, 0, 0, 2, 2, 502, 0, 0, 0, 0, 3, 5, 0, 0, 0, 0, 0, 5)
    rows = wps_top_walk(cells, hints[:21], _starts(*[1] * 21), 25)
    assert [[c.value for c in r] for r in rows] == [[451, 47, 0, 2, 0, 2, 502], [1, 2, 0, 0, 0, 0, 3], [5, 0, 0, 0, 0, 0, 5]]
