"""Table 四 in raw ``pdftotext``'s order: header words cut in narrow cells (``结果维`` / ``结果纠`` /
``持`` / ``正``) still name the values' columns, and a group whose own 总计 is wrong (the report's
arithmetic) no longer stops the other groups from being read: its cells the readers' known orders
disagree on are null (the ones they agree on flagged guesses), the other groups placed by their header pieces (``tables/reviewstream.py``)."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import report

GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")
CUT = ["结果维", "结果纠", "持", "正"]


def _extract(lines: list[str]) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(review="\n".join(lines))).output


def _lines(first: list[str]) -> list[str]:
    """行政复议 printed whole-header-first with ``first`` after it, the two 行政诉讼 groups with
    their values after the cut pieces naming them."""
    return (["行政复议", *CUT, "其他结", "果", "尚未审", "结", "总计", *first, "行政诉讼", "未经复议直接起诉", *CUT,
             "4", "1", "其他结", "果", "2", "尚未审", "结", "0", "总计", "7", "复议后起诉", *CUT, "0", "3", "其他结", "果",
             "0", "尚未审", "结", "1", "总计", "4"])  # fmt: skip


def test_cut_header_pieces_name_their_columns():
    # table 三's tail (2 / 15 / 0) before the header: the order of the lines alone misplaces all
    out = _extract(["2", "15", "0", *_lines(["0", "0", "0", "0", "0"])])
    got = out["tables"]["review_litigation"]
    assert got["litigation_direct"] == {"upheld": 4, "corrected": 1, "other": 2, "pending": 0, "total": 7}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 3, "other": 0, "pending": 1, "total": 4}
    assert got["administrative_review"] == dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), 0)


def test_a_group_whose_own_total_is_wrong_is_null_and_the_others_are_read():
    # 0 0 0 1 0 after the whole header: no order meets 总计 = the four results (the report's error);
    # the readers' known orders (the header's, LibreOffice's) disagree on 尚未 and 总计 (null) and
    # agree on 维持, 纠正, 其他 (0): those placed as guesses, flagged, never read
    out = _extract(_lines(["0", "0", "0", "1", "0"]))
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert got["administrative_review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": None, "total": None}
    assert status["administrative_review"]["pending"] == status["administrative_review"]["total"] == "unreadable"
    assert "read" not in status["administrative_review"].values()
    assert got["litigation_direct"] == {"upheld": 4, "corrected": 1, "other": 2, "pending": 0, "total": 7}
    assert got["litigation_after_review"] == {"upheld": 0, "corrected": 3, "other": 0, "pending": 1, "total": 4}
