"""No silent wrong number in readings in content-stream order (raw ``pdftotext``, no ``-layout``):
a value placed by order alone is never ``read``, and where the table's arithmetic does not
confirm the order it is flagged as a guess (docs/trust.md)."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import APP_LABELS_2021, COLS, applications_2021, report

APP_HEADS = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _labels() -> list[str]:
    return [piece for _, label in APP_LABELS_2021 for piece in label.split("\t") if piece]


def _extract(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(text).output


def _stream(table: dict, column_major: tuple[str, str] | None = None) -> list[str]:
    """The values one a line in row order; the two rows ``column_major`` written column by column
    (rows that share a merged label cell, as raw pdftotext writes them)."""
    out: list[str] = []
    keys = [k for k, _ in APP_LABELS_2021]
    for k in keys:
        if column_major and k == column_major[1]:
            continue
        if column_major and k == column_major[0]:
            out += [str(table[r][c]) for c in COLS for r in column_major]
        else:
            out += [str(table[k][c]) for c in COLS]
    return out


def test_values_placed_by_order_under_a_block_of_labels_are_flagged_when_the_arithmetic_breaks():
    t = applications_2021()
    t["carried_forward"]["total"] += 1  # the report's own arithmetic is wrong: no order fits it
    body = "\n".join(_labels() + APP_HEADS + _stream(t, ("granted", "partially_granted")))
    out = _extract(report(applications=body))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    wrong = [(r, c) for r, cols in t.items() for c, v in cols.items() if got[r][c] is not None and got[r][c] != v]
    assert not [(r, c) for r, c in wrong if status[r][c] == "read"]
    # the two rows written column by column are misread by order, and the row whose own sum is
    # wrong reads as they do: seven values breaking 总计 are not known to be one row's: null, not a guess
    for r in ("granted", "partially_granted", "carried_forward"):
        assert all(got[r][c] is None and status[r][c] == "unreadable" for c in COLS)
    assert any("break 总计" in w and "granted.natural_person" in w for w in out["warnings"])
    # every value placed by order is a guess the review names
    assert out["needs_review"]
    amb = next(x for x in out["review_reasons"] if x["code"] == "ambiguous_cell")
    assert {f"applications.{r}.{c}" for r, c in wrong} <= set(amb["cells"])
    assert "applications.denied_state_secret.natural_person" in amb["cells"]
    assert any("placed by order alone" in w for w in out["warnings"])


def test_values_right_under_their_own_label_stay_read_when_the_report_s_arithmetic_is_wrong():
    # one cell per line, each label right above its values: the layout places them, not order
    t = applications_2021()
    t["carried_forward"]["total"] += 1
    lines = APP_HEADS[:]
    for k, label in APP_LABELS_2021:
        lines += [label.replace("\t", "")] + [str(t[k][c]) for c in COLS]
    out = _extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"] == t
    status = out["cell_status"]["applications"]
    assert all(st == "read" for cols in status.values() for st in cols.values())
    assert not any(x["code"] == "ambiguous_cell" for x in out["review_reasons"])
    assert any(c["rule"].startswith("applications.") and c["ok"] is False for c in out["checks"])


def test_values_placed_by_order_that_meet_the_arithmetic_are_inferred_not_read():
    t = applications_2021()
    body = "\n".join(_labels() + APP_HEADS + _stream(t))
    out = _extract(report(applications=body))
    assert out["tables"]["applications"] == t
    status = out["cell_status"]["applications"]
    assert not [st for cols in status.values() for st in cols.values() if st == "read"]
    assert not any(x["code"] == "ambiguous_cell" for x in out["review_reasons"])


def test_unflagged_wrong_numbers_are_wrong_numbers_whose_cell_is_read():
    from govreport.extraction.evaluate import aggregate, score_report
    from govreport.training.synth.realism import routes_markdown

    gold = {"template": "2021", "tables": {"review_litigation": {"administrative_review": {"upheld": 1, "corrected": 2, "other": None}}}}
    pred = {"template": "2021", "tables": {"review_litigation": {"administrative_review": {"upheld": 9, "corrected": 8, "other": 7}}},
            "cell_status": {"review_litigation": {"administrative_review": {"upheld": "read", "corrected": "inferred", "other": "read"}}}}  # fmt: skip
    sc = score_report(pred, gold, "")
    assert (sc.wrong_numbers, sc.unflagged_wrong) == (3, 2)
    # a prediction without statuses (an older result) counts none as unflagged
    assert score_report({**pred, "cell_status": None}, gold, "").unflagged_wrong == 0
    agg = aggregate([sc, sc])
    assert agg["unflagged_wrong"] == 4
    md = "\n".join(routes_markdown({"n": 2, "seed": 1, "seconds": 0.0, "skipped": {}, "order": ["docx"],
                                    "routes": {"docx": {**agg, "unlocated_per_report": 0.0}}}, "cmd"))  # fmt: skip
    assert "| wrong numbers | 6 |" in md and "| unflagged wrong numbers | 4 |" in md


# table 四 as raw pdftotext writes it: each group's header pieces, then its values, one a line
REVIEW_PIECES = ["行政复议", "结果 结果", "维持 纠正"]
REVIEW_TAIL = ["其他", "结果", "尚未", "审结", "总计", "行政诉讼", "未经复议直接起诉", "结果", "维持", "结果", "纠正", "其他", "结果",
               "尚未", "审结", "总计", "复议后起诉", "结果", "维持", "结果", "纠正", "其他", "结果", "尚未", "审结", "总计"]  # fmt: skip


def _first_group_among_pieces(first_total: int) -> str:
    """Table 四 as raw pdftotext writes it: the first group's values (3 1 | 2 0 | ``first_total``)
    among the header's pieces, the other groups' after them."""
    rest = [4, 0, 1, 2, 7, 1, 1, 0, 0, 2]
    return "\n".join(REVIEW_PIECES + ["3", "1"] + REVIEW_TAIL[:2] + ["2"] + REVIEW_TAIL[2:4] + ["0"]
                     + REVIEW_TAIL[4:5] + [str(first_total)] + REVIEW_TAIL[5:] + [str(v) for v in rest])  # fmt: skip


def test_table_four_values_among_its_header_pieces_are_flagged_when_no_order_meets_the_totals():
    from .reportkit import REVIEW_KEYS

    # the first group's values (3 1 | 2 0 | 7: 3+1+2+0 is not 7) among the pieces, the rest after them
    out = _extract(report(review=_first_group_among_pieces(7)))
    status = out["cell_status"]["review_litigation"]
    assert not [st for g in REVIEW_KEYS for st in status[g].values() if st == "read"]
    # that group breaks 总计 in text order and no order of its values is known to fit: null, not a guess
    assert set(status["administrative_review"].values()) == {"unreadable"}
    assert all(v is None for v in out["tables"]["review_litigation"]["administrative_review"].values())
    # the groups that meet 总计 in text order are kept, each flagged a guess
    amb = next(x for x in out["review_reasons"] if x["code"] == "ambiguous_cell")
    assert "review_litigation.litigation_direct.total" in amb["cells"]
    assert any("among the header's pieces" in w for w in out["warnings"])


def test_table_four_one_value_a_line_after_its_whole_header_stays_read():
    from .reportkit import REVIEW_HEADER, REVIEW_KEYS

    values = [3, 1, 2, 0, 7, 4, 0, 1, 2, 7, 1, 1, 0, 0, 2]  # the report's own 总计 of the first group is wrong
    head = [w for w in REVIEW_HEADER.replace("\t", "\n").split("\n") if w]
    out = _extract(report(review="\n".join(head + [str(v) for v in values])))
    status = out["cell_status"]["review_litigation"]
    assert all(st == "read" for g in REVIEW_KEYS for st in status[g].values())
    assert out["tables"]["review_litigation"]["administrative_review"]["total"] == 7
    assert not any(x["code"] == "ambiguous_cell" for x in out["review_reasons"])


def test_table_two_value_beside_its_label_in_a_one_value_a_line_reading_is_not_placed_by_its_position():
    # raw pdftotext: the headers one space apart, each value on its own line; ``行政规范性文件 564``
    # puts 564 where the label's length ends, under 本年废止件数 by position: no column is shown
    active = "\n".join(["第二十条第（一）项", "信息内容", "本年制发件数 本年废止件数 现行有效件数", "规章", "3",
                        "行政规范性文件 564", "5", "74"])  # fmt: skip
    out = _extract(report(active=active))
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert t["normative_documents"]["repealed"] != 564
    assert st["normative_documents"] == {"issued": "unreadable", "repealed": "unreadable", "in_force": "unreadable"}
    assert out["needs_review"]


def test_empty_lines_between_header_lines_are_spacing_not_blank_cells():
    # every block followed by an empty line (raw pdftotext): the empty line under 行政许可 is no cell
    lines = ["第二十条第（一）项", "信息内容", "规章", "规范性文件", "第二十条第（五）项", "信息内容", "",
             "本年新制作数量", "", "本年新公开数量", "", "对外公开总数量", "", "上一年项目数量", "", "本年增/减", "",
             "处理决定数量", "", "行政许可", "", "122", ""]  # fmt: skip
    out = _extract(report(active="\n".join(lines), year=2019))
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert t["administrative_license"]["change"] != 122
    assert st["administrative_license"]["change"] != "read"


def test_one_cell_per_line_blank_cells_still_keep_their_places():
    # no empty line among the header lines: an empty line among values is a blank cell (read in place)
    lines = ["第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政许可", "", "122", "7"]
    out = _extract(report(active="\n".join(lines), year=2019))
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert t["administrative_license"] == {"prev_year_items": None, "change": 122, "decisions": 7}
    assert st["administrative_license"]["change"] == "read"


def test_table_two_rows_under_a_block_of_labels_are_placed_by_order_not_read():
    active = "\n".join(["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "行政规范性文件",
                        "3", "5", "74", "564", "984", "4185"])  # fmt: skip
    out = _extract(report(active=active))
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    for row in ("regulations", "normative_documents"):
        assert all(v != "read" for v in st[row].values()), (row, st[row])
        assert all(t[row][c] is None or st[row][c] == "inferred" for c in t[row])


def test_table_four_values_among_its_header_pieces_that_meet_the_totals_are_placed_by_order():
    from .reportkit import REVIEW_KEYS

    out = _extract(report(review=_first_group_among_pieces(6)))
    status = out["cell_status"]["review_litigation"]
    assert {st for g in REVIEW_KEYS for st in status[g].values()} == {"inferred"}
    assert not any(x["code"] == "ambiguous_cell" for x in out["review_reasons"])


def test_a_space_aligned_table_two_with_one_value_a_row_keeps_its_positions():
    # no line holds two values, but the value stands after a run of spaces: a grid, placed by position
    active = "\n".join([
        "第二十条第（一）项",
        "      信息内容          本年制发件数    本年废止件数    现行有效件数",
        "规章                                                      22",
        "行政规范性文件                            4",
    ])  # fmt: skip
    out = _extract(report(active=active))
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert t["regulations"] == {"issued": None, "repealed": None, "in_force": 22}
    assert t["normative_documents"] == {"issued": None, "repealed": 4, "in_force": None}
    assert st["regulations"]["in_force"] == "read"


def test_values_that_went_to_no_row_leave_no_cell_claimed_printed_blank():
    active = ("第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t3\t\t74\n"
              "行政规范性文件\t564\t984\t4185\n\t7\t8\t9\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t11398")
    out = _extract(report(active=active))
    st = out["cell_status"]["active_disclosure"]
    assert out["tables"]["active_disclosure"]["regulations"] == {"issued": 3, "repealed": None, "in_force": 74}
    assert st["regulations"]["repealed"] == "unreadable"  # 7, 8 or 9 may belong there
    assert any("went to no row" in w and "'7'" in w for w in out["warnings"])
    assert out["needs_review"]
    # without the stray values the empty tab field is a printed blank
    out = _extract(report(active=active.replace("\t7\t8\t9\n", "")))
    assert out["cell_status"]["active_disclosure"]["regulations"]["repealed"] == "blank"


def test_a_stream_table_three_whose_rows_go_by_order_claims_no_blank_cell():
    # blank cells of raw pdftotext leave no line: short runs under a block of labels
    t = applications_2021()
    t["carried_forward"]["total"] += 1
    stream = _stream(t)
    del stream[3], stream[9]  # two values not printed (blank cells)
    out = _extract(report(applications="\n".join(_labels() + APP_HEADS + stream)))
    status = out["cell_status"]["applications"]
    assert not [st for cols in status.values() for st in cols.values() if st in ("blank", "read")]
    assert any("not known to be blank" in w for w in out["warnings"])


def test_one_cell_per_line_with_a_stray_line_under_one_label_and_a_blank_cell_needs_no_review():
    # a page footer between a label and its values: that row is placed by order (inferred), but the
    # table's arithmetic holds as far as its cells go (one blank cell) and most rows are under their labels
    t = applications_2021()
    lines = APP_HEADS[:]
    for k, label in APP_LABELS_2021:
        vals = [str(t[k][c]) for c in COLS]
        if k == "granted":
            lines += [label.replace("\t", ""), "第 2 页 共 5 页"] + vals
        elif k == "carried_over":
            lines += [label.replace("\t", "")] + vals[:2] + [""] + vals[3:]  # research_institution blank
        else:
            lines += [label.replace("\t", "")] + vals
    out = _extract(report(applications="\n".join(lines)))
    status = out["cell_status"]["applications"]
    assert status["granted"]["natural_person"] == "inferred"
    assert status["carried_over"]["research_institution"] == "blank"
    assert not any(x["code"] == "ambiguous_cell" for x in out["review_reasons"])


def test_a_row_without_any_label_placed_by_order_is_inferred():
    from .reportkit import applications_tab

    t = applications_2021()
    labels = [(k, "\t\t" if k == "denied_internal_affairs" else label) for k, label in APP_LABELS_2021]
    out = _extract(report(applications=applications_tab(t, labels)))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert got == t  # order places it right here, but nothing printed says which row it is
    assert set(status["denied_internal_affairs"].values()) == {"inferred"}
    assert set(status["denied_third_party_rights"].values()) == {"read"}


def test_table_two_values_written_before_their_labels_are_not_read_under_the_label_before_them():
    # Chromium's PDF through raw pdftotext: each row's values come before its label, so the 0 0 0
    # before 规章 went to no row and 规范性文件 got none; 6 6 6 between the two labels may be either's
    text = (
        "二、主动公开政府信息的情况\n第二十条第（一）项\n本年新制作数 本年新公开数\n对外公开总数量\n量\n量\n"
        "0\n0\n0\n规章\n6\n6\n6\n规范性文件\n\n三、收到和处理政府信息公开申请情况\n"
    )
    out = _extract(text)
    status = out["cell_status"]["active_disclosure"]
    cells = ("new_made", "new_published", "total_published")
    # never 'read': the 6s are flagged (in doubt between the two rows) or null
    assert all(status["regulations"][c] != "read" for c in cells)
    assert all(out["tables"]["active_disclosure"]["normative_documents"][c] is None for c in cells)
    assert any("went to no row" in w and "regulations" in w for w in out["warnings"])


def test_values_placed_by_the_empty_lines_between_them_are_a_guess_unless_the_total_confirms():
    """Empty lines as empty cells is a cell-a-line reader's convention; raw pdftotext of Chromium's
    PDF also writes them between blocks (``一、本年新收… / / 4 / / 2 / / 0``: the first row's first
    three values, the rest elsewhere), so a placement by them that 总计 does not confirm is flagged."""
    from pathlib import Path

    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.tables.applications import _blank_lines_hold
    from govreport.extraction.tables.base import Cell
    from govreport.extraction.taggers import get_tagger

    def cells(*values):
        return [Cell(v, str(v), 0, 0, 0, 0, 0, 1.0) for v in values]

    assert not _blank_lines_hold(cells(4, 2, 0), [1, 3, 5], 7)  # no 总计 printed: nothing confirms
    assert not _blank_lines_hold(cells(4, 2, 7), [0, 2, 4], 7)  # each apart, no 总计
    assert _blank_lines_hold(cells(4, 2, 6), [0, 2, 4], 7) is False  # each apart, 总计 not printed
    assert _blank_lines_hold(cells(4, 2, 6), [0, 2, 6], 7)  # an empty line here and there: cells
    assert _blank_lines_hold(cells(1, 2, 4, 5, 6, 21), [0, 1, 3, 4, 5, 6], 7)  # its own check says the rest
    assert _blank_lines_hold(cells(9), [6], 7)  # a row printing only 总计
    assert not _blank_lines_hold(cells(0), [6], 7)  # a lone 0: 总计 of empty cells in any column
    assert not _blank_lines_hold(cells(0), [7], 8)  # the same with the 小计 column printed
    # a generated reading (chrome-pdf:pdftotext, seed 1, report 39) whose first row came so; its
    # rendered row: 4 2 0 (blank) 0 0 | 6
    text = (Path(__file__).parent / "data" / "chrome_raw_blank_lines.txt").read_text(encoding="utf-8")
    out = Extractor(get_tagger("rules")).extract_text(text, filename="r.txt").output
    printed = dict(zip(("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                        "legal_service_org", "other_org", "total"), (4, 2, 0, None, 0, 0, 6)))  # fmt: skip
    row, status = out["tables"]["applications"]["new_received"], out["cell_status"]["applications"]["new_received"]
    wrong = [c for c, v in row.items() if v is not None and v != printed[c]]
    assert all(status[c] != "read" for c in wrong)


def test_a_row_of_zeros_read_after_its_label_is_flagged_where_a_column_identity_it_is_in_fails():
    # seven zeros meet 总计 whichever row's they are (Chromium's raw pdftotext: the label of (七)总计
    # followed by zeros of the rows below it); in a table the stream did not rebuild, some of whose
    # rows were placed by order, they confirm nothing where (七)总计 = the sum of 三(一)…(六) fails
    from govreport.extraction.tables.result import READ, TableResult
    from govreport.extraction.tables.streamorder import _unconfirmed_rows
    from govreport.extraction.templates import table_spec

    def result(t: dict) -> TableResult:
        res = TableResult(table_spec("2021", "applications"), {r: dict(cols) for r, cols in t.items()})
        res.status = {r: {c: READ for c in cols} for r, cols in t.items()}
        res.by_order = {"granted"}
        return res

    t = applications_2021()
    for c in COLS:  # a zero row in a table whose identities hold
        for r in ("total_handled", "new_received"):
            t[r][c] -= t["denied_state_secret"][c]
        t["denied_state_secret"][c] = 0
    held = result(t)
    assert _unconfirmed_rows(held) == []  # the identities hold: a zero row stays read
    t["total_handled"] = {c: 0 for c in COLS}
    res = result(t)
    flagged = _unconfirmed_rows(res)
    assert {r for r, _ in flagged} == {"total_handled", "denied_state_secret"}
    assert all(res.status["total_handled"][c] == "inferred" for c in COLS)
    assert res.values["total_handled"] == {c: 0 for c in COLS}  # the values stay
    assert res.status["new_received"]["total"] == READ  # a row that is not zeros is not flagged by this
    assert any("rows of seven zeros" in w and "total_handled" in w for w in res.warnings)
