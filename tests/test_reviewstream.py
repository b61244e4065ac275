"""Table 四 in content-stream order (raw pdftotext), also cut in two by the next section's heading."""
import shutil

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

HEAD = (
    "2020年某某县人民政府政府信息公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n二、主动公开政府信息情况\n无。\n"
    "三、收到和处理政府信息公开申请情况\n无。\n四、政府信息公开行政复议、行政诉讼情况\n"
)
TAIL = "（一）存在的主要问题：信息更新不够及时，公开内容的全面性有待加强。\n六、其他需要报告的事项\n无。\n"


def _table(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(text).output["tables"]["review_litigation"]


# raw pdftotext of a drawn table 四: 行政复议's five values after all its header pieces, in an
# order of their own (LibreOffice's PDFs: 维持, 其他, 尚未, 总计, 纠正); the 行政诉讼 rows' values after
# the pieces naming them
STREAM = (
    "行政复议\n结果 结果\n维持 纠正\n其他\n结果\n尚未\n审结\n总计\n{review}\n行政诉讼\n未经复议直接起诉\n"
    "结果 结果 其他\n维持 纠正 结果\n1\n0\n0\n尚未\n审结\n1\n总计\n2\n复议后起诉\n结果 结果\n维持 纠正\n0\n0\n"
    "其他\n结果\n1\n尚未\n审结\n0\n总计\n1\n"
)


def test_values_after_the_header_pieces_naming_them_and_a_whole_row_placed_by_its_total():
    # 1 1 4 1 1: only 4 can be 总计 (= the other four); the four others are 1 whatever their order
    got = _table(HEAD + STREAM.format(review="1\n1\n4\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL)
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert got["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1}


def test_a_whole_row_whose_order_the_total_cannot_tell_leaves_those_cells_null():
    # 2 6 1 3 0: neither the header's order nor LibreOffice's meets 总计; 6 = 2 + 1 + 3 + 0 is 总计,
    # but which of 维持/纠正/其他/尚未 hold 2, 1, 3 and 0 is not printed
    out = Extractor(get_tagger("rules")).extract_text(
        HEAD + STREAM.format(review="2\n6\n1\n3\n0") + "五、存在的主要问题及改进情况\n" + TAIL).output
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": None, "corrected": None, "other": None, "pending": None, "total": 6}
    assert got["litigation_direct"]["total"] == 2
    assert any("more than one order" in w for w in out["warnings"])



def test_a_whole_row_whose_own_arithmetic_is_wrong_keeps_what_the_readers_orders_agree_on_flagged():
    # 0 0 0 1 0 (the report's 总计 1, its four results 0): no order meets 总计; the header's order and
    # LibreOffice's (维持, 其他, 尚未, 总计, 纠正) agree that 维持, 纠正 and 其他 are 0 and disagree on
    # 尚未 and 总计 (null)
    out = Extractor(get_tagger("rules")).extract_text(
        HEAD + STREAM.format(review="0\n0\n0\n1\n0") + "五、存在的主要问题及改进情况\n" + TAIL).output
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": None, "total": None}
    status = out["cell_status"]["review_litigation"]["administrative_review"]
    assert all(status[c] != "read" for c in ("upheld", "corrected", "other"))  # flagged: no check confirms them
    assert got["litigation_direct"]["total"] == 2


HEADING = "五、存在的主要问题及改进情况\n"
# the table's last pieces printed after the next section's heading (a table that ends a page)
SPLIT = STREAM.format(review="1\n1\n4\n1\n1").replace("其他\n结果\n1\n尚未", HEADING + "其他\n结果\n1\n尚未")


def test_the_part_printed_after_the_next_heading_is_read_with_the_rest():
    assert SPLIT.count(HEADING) == 1
    got = _table(HEAD + SPLIT + TAIL)
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1}


def test_a_row_placed_by_its_pieces_that_does_not_add_up_is_kept_each_cell_a_guess():
    # 复议后起诉: 0 + 0 + 1 + 0 ≠ 5 (the report's arithmetic, or a value that is not the row's): the
    # values stay where the pieces name them, each a guess, and the row's check fails
    text = HEAD + SPLIT[: SPLIT.rindex("总计\n1\n")] + "总计\n5\n" + TAIL
    out = Extractor(get_tagger("rules")).extract_text(text).output
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 5}
    assert set(status["litigation_after_review"].values()) == {"inferred"}
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert any("litigation_after_review" in w and "break 总计" in w for w in out["warnings"])
    check = next(c for c in out["checks"] if c["rule"] == "review_litigation.total[litigation_after_review]")
    assert check["status"] == "fail"
    assert any(r["code"] == "ambiguous_cell" for r in out["review_reasons"])


def test_a_group_whose_values_in_text_order_break_its_total_is_null_when_the_stream_does_not_divide():
    # one value too many in 行政复议's whole row (3 1 1 1 1 1): the stream does not divide, so the
    # values are placed in text order; 行政复议 there (3 1 1 1 1) breaks 总计 and no order of the
    # values tells which is which: its cells are null, never a guess. The 行政诉讼 groups meet 总计
    # in text order: kept, each flagged a guess, none ``read``
    text = HEAD + STREAM.format(review="3\n1\n1\n1\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL
    out = Extractor(get_tagger("rules")).extract_text(text).output
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert got["administrative_review"] == dict.fromkeys(("upheld", "corrected", "other", "pending", "total"))
    assert set(status["administrative_review"].values()) == {"unreadable"}
    assert got["litigation_direct"] == {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2}
    assert set(status["litigation_direct"].values()) == {"inferred"}
    assert any(w.startswith("review_litigation") and "cannot be placed, null: administrative_review.upheld" in w
               for w in out["warnings"])
    assert not any("printed but not a number" in w for w in out["warnings"])  # the nulled values are no markers


def test_a_group_with_a_cell_that_has_no_line_is_null_when_the_stream_does_not_divide():
    # 行政复议's whole row short of two values (a blank cell leaves no line): 13 values placed from the
    # left in text order; no group both has five lines and meets 总计, so every cell is null
    text = HEAD + STREAM.format(review="3\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL
    out = Extractor(get_tagger("rules")).extract_text(text).output
    got = out["tables"]["review_litigation"]
    assert all(v is None for cols in got.values() for v in cols.values()), got
    assert set(s for cols in out["cell_status"]["review_litigation"].values() for s in cols.values()) == {"unreadable"}


def test_prose_after_the_heading_ends_the_table():
    prose = SPLIT.replace(HEADING, HEADING + "本年度存在的问题如下。\n")
    out = Extractor(get_tagger("rules")).extract_text(HEAD + prose + TAIL).output
    assert not any(w.startswith("review_litigation") and "content order" in w for w in out["warnings"])


def test_values_before_the_first_header_piece_are_another_table_s_and_passed_over():
    # table 三's last values drawn after table 四's heading, before its header pieces
    text = HEAD + "126\n6\n\n4145\n" + STREAM.format(review="1\n1\n4\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL
    out = Extractor(get_tagger("rules")).extract_text(text).output
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1}
    assert 4145 not in [v for row in got.values() for v in row.values()]


def test_a_header_piece_before_the_table_s_own_header_is_another_table_s():
    # table 三's 总计 drawn after table 四's heading, before 行政复议: it names no column of table 四
    text = HEAD + "总计\n\f" + STREAM.format(review="1\n1\n4\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL
    got = _table(text)
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert got["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}


def test_two_values_on_one_line_are_two_values():
    # Chromium's PDF draws two neighbouring cells as one run of text: raw pdftotext writes ``1 4``
    # on one line; each is a value of its own (never header text), in line order
    got = _table(HEAD + STREAM.format(review="1\n1 4\n1\n1") + "五、存在的主要问题及改进情况\n" + TAIL)
    assert got["administrative_review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert got["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}



@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_line_of_two_values_among_one_a_line_keeps_the_stream_order_flagged():
    # a generated WPS-style PDF read by raw pdftotext, one value line of 未经复议直接起诉 turned into
    # ``0 0`` (one value more than its cells): still the content order, so no cell is ``read`` in
    # place — before, a line of two values made it a row-per-line text and its printed 总计 came
    # back as an unflagged 0
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(9, 20)], ["wps-pdf:pdftotext"])
    lines = r.text.split("\n")
    at = lines.index("未经复议直接起诉")
    k = next(i for i in range(at, len(lines)) if lines[i] == "0")
    lines[k] = "0 0"
    out = Extractor(get_tagger("rules")).extract_text("\n".join(lines)).output
    gold = r.gold["tables"]["review_litigation"]
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    for row, cols in got.items():
        for col, v in cols.items():
            if status[row][col] == "read":
                assert v == gold[row][col], (row, col, v, gold[row][col])
    assert any(w.startswith("review_litigation") for w in out["warnings"])


def test_values_mixing_lone_values_and_partial_runs_are_placed_by_order_flagged():
    # Chromium's PDF through raw pdftotext: the whole header first, then the values in its drawing
    # order, some alone on a line, some two to a line (``1 2``) — neither a cell a line nor a row a
    # line, so the text order is no row order: no value may be ``read`` in place (the rendered rows
    # were 行政复议 all blank, 未经复议 (—, —, 1, —, 1), 复议后 (2, 2, 1, 2, 7))
    table = (
        "行政复议\n\n行政诉讼\n\n未经复议直接起诉\n复议后起诉\n结果 结果 其他 尚未 总\n"
        "维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总\n维持 纠正 结果 审结 计 维持 纠正 结果 审结 计\n"
        "—\n1\n1 2\n2\n1\n2\n7\n－\n无\n无\n－ －\n－\n－\n\n"
    )
    out = Extractor(get_tagger("rules")).extract_text(HEAD + table + "五、存在的主要问题及改进情况\n" + TAIL).output
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    numbers = [(row, col) for row, cols in got.items() for col, v in cols.items() if v is not None]
    assert all(status[row][col] != "read" for row, col in numbers), status
    # in text order 行政复议 (blank as rendered) would take 1 2 2 1 2, which breaks its 总计: null, not a guess
    assert all(v is None for v in got["administrative_review"].values()), got
    assert any(w.startswith("review_litigation") and "cannot be placed, null" in w for w in out["warnings"])
