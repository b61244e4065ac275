"""Table 四 under a stacked header (总计 on a line of its own, LibreOffice's or Chromium's PDF of
the HTML form read by ``pdftotext -layout``) with one blank cell, and the check that a blank
operand cannot save."""
from __future__ import annotations

from govreport.extraction.checks import review_checks
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import APP_LABELS_2021, COLS, applications_2021, report

STACKED = (
    "行政复议                    行政诉讼\n"
    "\n"
    "                        未经复议直接起诉                复议后起诉\n"
    "结果 结果 其他 尚未\n"
    "            总计\n"
    "维持 纠正 结果 审结    结果 结果 其他 尚未    结果 结果 其他 尚未\n"
    "                           总计             总计\n"
    "               维持 纠正 结果 审结    维持 纠正 结果 审结\n"
    "\n"
    # 2 0 1 0 3 | 0 0 0 0 0 | 1 0 0 _ 1: litigation_after_review.pending printed blank
    "2   0    1    0     3   0   0   0       0   0   1       0       0       1\n"
)


def layout_applications() -> str:
    """Table 三 as ``pdftotext -layout`` prints it: every glyph one column of the page's grid, so
    the values stand at one character position whatever the label's length (the document's grid)."""
    table = applications_2021()
    lines = []
    for key, label in APP_LABELS_2021:
        label = label.replace("\t", " ").strip()[:30]
        lines.append(label + " " * (34 - len(label)) + "".join(f"{table[key][c]:>5}" for c in COLS))
    return "\n".join(lines)


def test_a_blank_cell_under_a_stacked_header_is_never_read_into_the_wrong_column():
    out = Extractor(get_tagger("rules")).extract_text(report(applications=layout_applications(), review=STACKED)).output
    table, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    gold = {"administrative_review": [2, 0, 1, 0, 3], "litigation_direct": [0, 0, 0, 0, 0],
            "litigation_after_review": [1, 0, 0, None, 1]}  # fmt: skip
    flagged = {cell for x in out["review_reasons"] for cell in x["cells"]}
    for row, values in gold.items():
        for col, want in zip(table[row], values):
            got = table[row][col]
            # the printed value, or a cell named in a review reason: never a silent other value
            assert got == want or f"review_litigation.{row}.{col}" in flagged, (row, col, got)
    assert status["administrative_review"]["total"] in ("read", "inferred") and table["administrative_review"]["total"] == 3
    assert out["needs_review"] is True


def test_a_check_whose_known_operands_already_break_it_fails_despite_a_blank():
    table = {
        "administrative_review": {"upheld": 2, "corrected": 0, "other": None, "pending": 1, "total": 0},
        "litigation_direct": {"upheld": 0, "corrected": None, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": None},
    }
    checks = {c["rule"].split("[")[1].rstrip("]"): c for c in review_checks(table)}
    broken = checks["administrative_review"]
    assert broken["status"] == "fail" and broken["ok"] is False
    assert "review_litigation.administrative_review.other" in broken["not_assessable"]
    assert "2+0+?+1" in broken["detail"]
    assert checks["litigation_direct"]["status"] == "not_assessable"  # 0+?+0+0 vs 0: the blank may be 0
    assert checks["litigation_after_review"]["status"] == "not_assessable"  # a blank total may hold anything ≥ 1
