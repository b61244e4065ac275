"""Table 四 as raw ``pdftotext`` writes LibreOffice's PDFs: 行政复议's values after all its header
pieces in the reader's order (维持, 其他, 尚未, 总计, 纠正), its 纠正 perhaps printed after the next
group's first value; another table's 总计 and values among the pieces (``tables/reviewstream.py``)."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import report
from .test_reviewstream import HEAD, TAIL

COLS = ("upheld", "corrected", "other", "pending", "total")
WHOLE = ["行政复议", "结果 结果", "维持 纠正", "其他", "结果", "尚未", "审结", "总计"]
# the two 行政诉讼 groups, each value after the pieces naming it: 4 1 2 0 7 and 0 3 0 1 4
LITIGATION = ["行政诉讼", "未经复议直接起诉", "结果 结果 其他", "维持 纠正 结果", "4", "1", "2", "尚未", "审结", "0", "总计",
              "7", "复议后起诉", "结果 结果", "维持 纠正", "0", "3", "其他", "结果", "0", "尚未", "审结", "1", "总计", "4"]  # fmt: skip
DIRECT = dict(zip(COLS, (4, 1, 2, 0, 7)))
AFTER = dict(zip(COLS, (0, 3, 0, 1, 4)))
CUT = ["结果维", "持"], ["结果纠", "正"], ["其他结", "果"], ["尚未审", "结"], ["总计"]


def _out(lines: list[str]) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(review="\n".join(lines))).output


def _split(review: list[str], direct: list[str], after: list[str], stray: list[str] = ()) -> list[str]:
    """行政复议's header, the 行政诉讼 header words, 行政复议's first four values, then 未经复议直接起诉's
    first value and 行政复议's fifth, the rest of the values each after the cut pieces naming it."""
    lines = ["行政复议", *[p for c in CUT for p in c], "行政诉讼", "未经复议直接起诉", *review[:4], *CUT[0], direct[0], review[4]]
    for k, (piece, v) in enumerate(zip(CUT[1:], direct[1:])):
        lines += [*(stray if k == 0 else []), *(["复议后起诉"] if k == 1 else []), *piece, v]
    for piece, v in zip(CUT, after):
        lines += [*piece, v]
    return lines


def test_a_whole_group_in_the_order_libreoffice_pdfs_are_read_in():
    # 1 2 0 6 3: 维持 1, 其他 2, 尚未 0, 总计 6, 纠正 3 (the header's own order breaks 总计)
    got = _out([*WHOLE, "1", "2", "0", "6", "3", *LITIGATION])["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (1, 3, 2, 0, 6)))
    assert got["litigation_direct"] == DIRECT and got["litigation_after_review"] == AFTER


def test_where_both_known_orders_meet_the_total_the_cells_they_disagree_on_are_null():
    # 0 0 0 1 1: the header's order puts 1 under 尚未, LibreOffice's under 纠正; 维持, 其他, 总计 agree
    out = _out([*WHOLE, "0", "0", "0", "1", "1", *LITIGATION])
    got = out["tables"]["review_litigation"]["administrative_review"]
    assert got == {"upheld": 0, "corrected": None, "other": 0, "pending": None, "total": 1}
    assert out["cell_status"]["review_litigation"]["administrative_review"]["pending"] == "unreadable"
    assert any("more than one order" in w for w in out["warnings"])


def test_in_an_order_neither_known_one_fits_only_the_total_is_placed():
    # 2 6 1 3 0: neither known order meets 总计; only 6 = 2 + 1 + 3 + 0 can be it
    got = _out([*WHOLE, "2", "6", "1", "3", "0", *LITIGATION])["tables"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": None, "corrected": None, "other": None, "pending": None, "total": 6}


def test_the_fifth_value_printed_after_the_next_group_s_first():
    # 42 5 29 82 | 结果维持 0 | 6: 行政复议 is 42 6 5 29 82 (纠正 after 未经复议直接起诉's 维持)
    out = _out(_split(["42", "5", "29", "82", "6"], ["0", "0", "0", "0", "0"], ["1", "0", "0", "0", "1"]))
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (42, 6, 5, 29, 82)))
    assert got["litigation_direct"] == dict.fromkeys(COLS, 0)
    assert got["litigation_after_review"] == dict(zip(COLS, (1, 0, 0, 0, 1)))
    assert set(out["cell_status"]["review_litigation"]["administrative_review"].values()) == {"inferred"}


def test_another_table_s_total_and_values_before_the_header_are_passed_over():
    # table 三's 总计 and last values drawn after table 四's heading, before 行政复议
    got = _out(["总计", "0", "4", "0", "\f行政复议", *WHOLE[1:], "1", "1", "1", "1", "4", *LITIGATION])["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (1, 1, 1, 1, 4)))
    assert got["litigation_direct"] == DIRECT and got["litigation_after_review"] == AFTER


def test_a_total_piece_followed_by_other_pieces_names_nothing():
    # table 三's 总计 header drawn among table 四's pieces, right before 复议后起诉's first ones
    at = LITIGATION.index("复议后起诉") + 1
    got = _out([*WHOLE, "1", "1", "1", "1", "4", *LITIGATION[:at], "总计", *LITIGATION[at:]])["tables"]["review_litigation"]
    assert got["litigation_direct"] == DIRECT and got["litigation_after_review"] == AFTER
    # in the LibreOffice layout: between 未经复议直接起诉's 维持 and 纠正
    lines = _split(["9", "0", "0", "12", "3"], ["1", "0", "0", "1", "2"], ["0", "0", "0", "2", "2"], stray=["总计"])
    got = _out(lines)["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (9, 3, 0, 0, 12)))
    assert got["litigation_direct"] == dict(zip(COLS, (1, 0, 0, 1, 2)))


def test_a_column_header_with_three_values_among_the_pieces_is_another_table_s():
    # table 三's 总计 header and three of its values drawn between 复议后起诉's 其他 and 尚未
    at = LITIGATION.index("尚未", LITIGATION.index("复议后起诉"))
    lines = [*WHOLE, "1", "1", "1", "1", "4", *LITIGATION[:at], "总计", "4", "42", "5", *LITIGATION[at:]]
    got = _out(lines)["tables"]["review_litigation"]
    assert got["litigation_direct"] == DIRECT and got["litigation_after_review"] == AFTER


def test_values_after_another_table_s_applicant_header_are_that_table_s():
    # table 三's 法律服务机构 (cut in a narrow cell), its value and its 其他 / 总计 with theirs, drawn
    # before 复议后起诉's pieces
    at = LITIGATION.index("复议后起诉")
    lines = [*WHOLE, "1", "1", "1", "1", "4", *LITIGATION[:at], "法律服", "务机构", "0", "其他", "1", "总计", "19",
             *LITIGATION[at:]]  # fmt: skip
    got = _out(lines)["tables"]["review_litigation"]
    assert got["litigation_direct"] == DIRECT and got["litigation_after_review"] == AFTER


def test_a_blank_cell_leaves_no_line_the_total_tells_which_where_it_can():
    # 复议后起诉: 结果维持 and 结果纠正 2 and 0, then 其他, 尚未, 总计 with one value: only 总计 = 2 fits
    # (其他 and 尚未 blank); 未经复议直接起诉: one value under 结果维持 and 结果纠正, either fits (null)
    direct = ["行政诉讼", "未经复议直接起诉", "结果 结果", "维持 纠正", "2", "其他", "结果", "1", "尚未", "审结", "0", "总计", "3"]
    after = ["复议后起诉", "结果 结果", "维持 纠正", "2", "0", "其他", "结果", "尚未", "审结", "总计", "2"]
    out = _out([*WHOLE, "1", "1", "1", "1", "4", *direct, *after])
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert got["litigation_after_review"] == {"upheld": 2, "corrected": 0, "other": None, "pending": None, "total": 2}
    assert status["litigation_after_review"]["other"] == status["litigation_after_review"]["pending"] == "blank"
    assert got["litigation_direct"] == {"upheld": None, "corrected": None, "other": 1, "pending": 0, "total": 3}
    assert status["litigation_direct"]["upheld"] == status["litigation_direct"]["corrected"] == "unreadable"


def test_a_group_s_total_printed_after_the_next_group_s_first_values_is_that_group_s():
    # 未经复议直接起诉's 总计 (4) drawn after 复议后起诉's 结果维持 and 结果纠正: it goes to the first
    # group still without a 总计; 复议后起诉's own 总计 comes last
    lines = [*WHOLE, "1", "1", "1", "1", "4", "行政诉讼", "未经复议直接起诉的", "结果 结果 其他", "维持 纠正 结果", "1", "1", "1",
             "尚未", "审结", "1", "复议后起诉", "结果 结果", "维持 纠正", "1", "2", "总计", "4",
             "本年度因政府信息公开引发的行政诉讼案件均已审结。", "其他", "结果", "0", "尚未", "审结", "1", "总计", "4"]  # fmt: skip
    got = _out(lines)["tables"]["review_litigation"]
    assert got["litigation_direct"] == dict(zip(COLS, (1, 1, 1, 1, 4)))
    assert got["litigation_after_review"] == dict(zip(COLS, (1, 2, 0, 1, 4)))
    # where that reading breaks a group's 总计, nothing is placed from the stream
    out = _out([*lines[:-1], "5"])
    assert not any(w.startswith("review_litigation") and "content order" in w for w in out["warnings"])


def test_values_drawn_before_the_table_s_heading_are_read_last():
    # a page's last lines: 复议后起诉's first pieces and values, then the heading 四、 and the rest
    head, heading = HEAD.rsplit("四、", 1)
    before = ["复议后起诉", "结果 结果", "维持 纠正", "160", "18", "其他", "结果", "29"]
    after = [*WHOLE, "1", "1", "1", "1", "4", *LITIGATION[: LITIGATION.index("复议后起诉")], "尚未", "审结", "36", "总计",
             "243"]  # fmt: skip
    text = head + "\n".join(before) + "\n四、" + heading + "\n".join(after) + "\n五、存在的主要问题及改进情况\n" + TAIL
    got = Extractor(get_tagger("rules")).extract_text(text).output["tables"]["review_litigation"]
    assert got["litigation_after_review"] == dict(zip(COLS, (160, 18, 29, 36, 243)))
    assert got["litigation_direct"] == DIRECT


def test_values_of_another_table_after_the_rows_drawn_before_the_heading_are_not_table_four_s():
    # table 三's last columns drawn on the same page after 复议后起诉's first pieces and values (each
    # column a block of its own after an empty line): they end the part read with table 四
    head, heading = HEAD.rsplit("四、", 1)
    before = ["复议后起诉", "结果 结果", "维持 纠正", "160", "18", "", "其他", "结果", "29", "", "61", "360", "27", "", "0", "0", "0", ""]
    after = [*WHOLE, "1", "1", "1", "1", "4", *LITIGATION[: LITIGATION.index("复议后起诉")], "尚未", "审结", "36", "总计",
             "243"]  # fmt: skip
    text = head + "\n".join(before) + "\n四、" + heading + "\n".join(after) + "\n五、存在的主要问题及改进情况\n" + TAIL
    got = Extractor(get_tagger("rules")).extract_text(text).output["tables"]["review_litigation"]
    assert got["litigation_after_review"] == dict(zip(COLS, (160, 18, 29, 36, 243)))
    assert got["litigation_direct"] == DIRECT


def test_chromium_s_table_four_with_a_group_s_total_right_before_the_first_复议后起诉_header():
    # Chromium draws 行政复议 and 未经复议直接起诉 (their header, then one value a line with empty lines
    # between), then 复议后起诉's header, then the last two groups' values, the narrow 总计 and 维持
    # cells on one line (``8 0``): the 6 before 复议后起诉 is 行政复议's 总计, not a page number
    # (复议后起诉 is printed there for the first time, and no page breaks there)
    lines = ["行政复议", "", "行政诉讼", "", "结果 结果 其他 尚未 总", "未经复议直接起诉", "维持 纠正 结果 审结 计", "",
             "2", "", "1", "", "2", "", "1", "", "6", "", "复议后起诉", "", "结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
             "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计", "4", "2", "2", "0", "8 0", "0", "0", "0", "0", ""]  # fmt: skip
    got = _out(lines)["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (2, 1, 2, 1, 6)))
    assert got["litigation_direct"] == dict(zip(COLS, (4, 2, 2, 0, 8)))
    assert got["litigation_after_review"] == dict(zip(COLS, (0, 0, 0, 0, 0)))


def test_a_lone_number_before_a_repeated_table_four_header_still_closes_a_page():
    # the same number before a header printed above it already (repeated after a page break):
    # the page's number, as before
    from govreport.extraction.document import Document
    from govreport.extraction.labels import Label
    from govreport.extraction.taggers.rules import RuleTagger

    lines = ["行政复议", "", "行政诉讼", "", "结果 结果 其他 尚未 总", "未经复议直接起诉", "维持 纠正 结果 审结 计", "",
             "2", "", "1", "", "2", "", "1", "", "6", "", "复议后起诉", "", "4", "", "23", "", "复议后起诉", ""]  # fmt: skip
    text = report(review="\n".join(lines))
    doc = RuleTagger()(Document(text=text))
    at = text.index("\n23\n") + 1
    assert any(s.start == at and s.label == Label.NOISE for s in doc.spans)
    six = text.index("\n6\n") + 1
    assert any(s.start == six and s.label == Label.CELL for s in doc.spans)


def test_another_table_s_values_between_the_heading_and_table_four_s_header_are_left_out():
    # table 三's last values drawn after table 四's heading (Chromium's PDF), then the whole header
    # and the fifteen values one a line: those after the header are the table, its groups' totals
    # confirm them
    values = ["0", "1", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    lines = ["0", "", "1", "3", "0", "3", "", "具体情况见下表。", "行政复议", "", "行政诉讼", "", "结果 结果 其他 尚未 总",
             "未经复议直接起诉", "维持 纠正 结果 审结 计", "", "复议后起诉", "", "结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
             "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计", *[x for v in values for x in (v, "")]]  # fmt: skip
    out = _out(lines)
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == dict(zip(COLS, (0, 1, 0, 0, 1)))
    assert got["litigation_direct"] == dict(zip(COLS, (0,) * 5)) and got["litigation_after_review"] == dict(zip(COLS, (0,) * 5))
    assert any("before the table's header left out" in w for w in out["warnings"])
    # the values after the header break a group's 总计: nothing is left out that way
    broken = [*lines[:-30], *[x for v in ["0", "1", "0", "0", "2", *values[5:]] for x in (v, "")]]
    assert not any("before the table's header left out" in w for w in _out(broken)["warnings"])
