"""Table 三 printed by Chromium and read by ``pdftotext -layout``: the browser's PDF leaves so little
room that the reading squeezes an empty cell's gap, and the values after it stand under the column
before (``13   0     0   1   0 14``: 14 under 其他, 总计 empty). Such a row is never read silently into
the wrong columns: the report's arithmetic places it, or its cells are flagged.

The inputs are a few lines of one generated report's reading (``chrome-pdf:pdftotext-layout``,
seed 1, document 18), cut down to the lines that still show it."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import report

# enough rows for the reading's character grid to be recognised; 3.危及 prints six values, its
# research-institution cell empty, and the squeeze leaves its 14 under 其他
SQUEEZED_TOTAL = (
    "理         1.属于国家秘密     32   6   0 1   3   1 43\n"
    "                       38   2   2 1   1   2 46\n"
    "          3.危及“三安全一稳定” 13   0     0   1   0 14\n"
    "          4.保护第三方合法权益 32    5   0 0   1   1 39\n"
    "  理      1.信访举报投诉类申请 0        0    0   0     0     0   0\n"
    "                       17     1    0   0     1     1   20\n"
)
# 7.属于行政执法案卷 prints three zeros (its 总计 the last); the squeeze leaves it under 其他
SQUEEZED_ZEROS = (
    "理         1.属于国家秘密     32   6   0 1   3   1 43\n"
    "          4.保护第三方合法权益 32    5   0 0   1   1 39\n"
    "          6.属于四类过程性信息 30    7   － 0   0   1 38\n"
    "          7.属于行政执法案卷        0   0            0\n"
    "                       17     1    0   0     1     1   20\n"
)


def _extract(table: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(applications=table, year=2020)).output


def test_a_squeezed_row_that_breaks_its_total_is_placed_by_the_arithmetic():
    out = _extract(SQUEEZED_TOTAL)
    row = out["tables"]["applications"]["denied_security_stability"]
    status = out["cell_status"]["applications"]["denied_security_stability"]
    # 14 is the row's 总计 (13 + 0 + 0 + 1 + 0); which applicant cell is empty the fragment cannot tell
    assert row["total"] == 14 and status["total"] == "inferred"
    assert row["other_org"] != 14
    for col, v in row.items():
        assert v is None or status[col] != "read", col
    assert all(status[c] == "unreadable" for c, v in row.items() if v is None)
    assert any("positions break the report's arithmetic" in w for w in out["warnings"])
    # the rows that meet their own 总计 stay read as printed
    full = out["tables"]["applications"]["denied_state_secret"]
    assert list(full.values()) == [32, 6, 0, 1, 3, 1, 43]
    assert set(out["cell_status"]["applications"]["denied_state_secret"].values()) == {"read"}


def test_a_squeezed_row_of_zeros_is_not_read_silently():
    out = _extract(SQUEEZED_ZEROS)
    row = out["tables"]["applications"]["denied_enforcement_case_file"]
    status = out["cell_status"]["applications"]["denied_enforcement_case_file"]
    reasons = {r["code"]: r for r in out["review_reasons"]}
    placed = [c for c, v in row.items() if v is not None]
    assert len(placed) == 3
    if row["total"] is None:  # the last zero went elsewhere: where is in doubt, and said so
        assert out["needs_review"]
        for col in placed:
            assert status[col] != "read", col
            assert f"applications.denied_enforcement_case_file.{col}" in reasons["ambiguous_cell"]["cells"]
