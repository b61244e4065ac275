"""Table 四 cut in two by the next section's heading (raw pdftotext): the rows past it that add up."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

HEAD = (
    "2020年某某县人民政府政府信息公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n二、主动公开政府信息情况\n无。\n"
    "三、收到和处理政府信息公开申请情况\n无。\n四、政府信息公开行政复议、行政诉讼情况\n"
)
TAIL = "（一）存在的主要问题：信息更新不够及时，公开内容的全面性有待加强。\n六、其他需要报告的事项\n无。\n"
# the first row whole (one line of five values), the next ones' values after the 五 heading
FIRST = "行政复议\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n1\t0\t0\t2\t3\n行政诉讼\n未经复议直接起诉\n"


def _table(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(text).output["tables"]["review_litigation"]


def test_rows_printed_after_the_next_heading_are_taken_when_they_add_up():
    after = "结果维持\n2\n结果纠正\n0\n其他结果\n1\n尚未审结\n0\n总计\n3\n复议后起诉\n结果维持\n0\n结果纠正\n1\n其他结果\n0\n尚未审结\n0\n总计\n1\n\n"
    got = _table(HEAD + FIRST + "五、存在的主要问题及改进情况\n" + after + TAIL)
    assert got["administrative_review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 2, "total": 3}
    assert got["litigation_direct"] == {"upheld": 2, "corrected": 0, "other": 1, "pending": 0, "total": 3}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}


def test_a_row_past_the_heading_that_does_not_add_up_is_not_taken():
    # 2 + 0 + 1 + 0 ≠ 4: the order of the stream is not the table's; that row keeps the shorter reading
    after = "结果维持\n2\n结果纠正\n0\n其他结果\n1\n尚未审结\n0\n总计\n4\n\n"
    got = _table(HEAD + FIRST + "五、存在的主要问题及改进情况\n" + after + TAIL)
    assert got["administrative_review"]["total"] == 3
    assert got["litigation_direct"]["total"] is None


def test_prose_after_the_heading_is_not_taken():
    # the heading's own prose comes first: the values after it are not the table's continuation
    after = "本年度存在的问题如下。\n结果维持\n2\n结果纠正\n0\n其他结果\n1\n尚未审结\n0\n总计\n3\n"
    got = _table(HEAD + FIRST + "五、存在的主要问题及改进情况\n" + after + TAIL)
    assert got["litigation_direct"]["total"] is None


# raw pdftotext of a drawn table 四: 行政复议's five values after all its header pieces, in an
# order of their own (维持, 其他, 纠正, 总计, 尚未); the 行政诉讼 rows' values after the pieces naming them
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
    # 0 0 1 2 1: 总计 is 2, but which of 维持/纠正/其他/尚未 hold the two 1s is not printed
    out = Extractor(get_tagger("rules")).extract_text(
        HEAD + STREAM.format(review="0\n0\n1\n2\n1") + "五、存在的主要问题及改进情况\n" + TAIL).output
    got = out["tables"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": None, "corrected": None, "other": None, "pending": None, "total": 2}
    assert got["litigation_direct"]["total"] == 2
    assert any("more than one order" in w for w in out["warnings"])
