"""Table 三 printed by Chromium (its header upright: ``自`` / ``然`` / ``人``, ``其`` / ``他``, ``总`` /
``计``) and read by ``pdftotext -layout``: the reading's character grid moves a line's values by a
few columns, so the complete rows the column positions are learnt from disagree by about a column's
width, and the narrow 其他 and 总计 columns stand two characters apart. A short row (blank cells
among zeros) whose values do not stand clearly under one column each is never read silently into
the wrong columns: the report's arithmetic places it, or its cells in doubt are flagged.

The inputs are a few lines of one generated report's reading (``chrome-pdf:pdftotext-layout``,
seed 23, document 15), cut down to the lines that still show it."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import report

# 一、 stands on another grid than 1. and 2. (29 3 0 0 0 three columns left of theirs), so the learnt
# positions of the middle columns fall between the two; 部分公开's second 0 (x 35) is about as near
# the 科研机构 position as the 社会公益组织 one
OFF_GRID = (
    "一、本年新收政府信息公开申请数量       29 3  0  0  0            0 32\n"
    "年 分公开（区分处理的，只计这一情形，不计      4       0        0       4\n"
    "办       1.属于国家秘密           1   0   0   0    －   0   1\n"
    "理       2.其他法律行政法规禁止公开     0   0   0   0    0   0   0\n"
)
# no complete row: the columns would be the clusters of the values' positions, but 其他 (x 68) and
# 总计 (x 70) stand two characters apart and merge into one cluster, while the label lines' first
# values (x 23, 24) make a cluster of their own: seven clusters that are not the seven columns
CLUSTERED = (
    "             1.信访举报投诉类申请        1               0       0       0   0 1\n"
    "         2.重复申请                 1               0       0       0   0 1\n"
    "    （五）不 3.要求提供公开出版物            0       0               —       0     0\n"
    "       纳费用、行政机关不再处理其政府 2                0               0       0     2\n"
    "       3.其他             1               1       0                   0 2\n"
    "  （七）总计                 30              2       0       -             32\n"
)
COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total")  # fmt: skip


def _extract(table: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(applications=table, year=2020)).output


def _read_wrong(out: dict, row: str, printed: tuple) -> list[str]:
    """The cells of ``row`` read (unflagged) with another value than the one printed there."""
    values = out["tables"]["applications"][row]
    status = out["cell_status"]["applications"][row]
    return [c for c, v in zip(COLS, printed) if status[c] == "read" and values[c] != v]


def test_a_short_row_between_two_columns_positions_is_not_read_silently():
    out = _extract(OFF_GRID)
    # printed: 4 | (blank) | 0 | (blank) | 0 | (blank) | 4
    assert _read_wrong(out, "partially_granted", (4, None, 0, None, 0, None, 4)) == []
    status = out["cell_status"]["applications"]["partially_granted"]
    assert any(status[c] in ("inferred", "unreadable") for c in COLS[1:4])
    assert any("grid drifts" in w or "positions break" in w for w in out["warnings"])
    # the complete rows keep their values, read
    assert list(out["tables"]["applications"]["denied_prohibited_by_law"].values()) == [0] * 7
    assert set(out["cell_status"]["applications"]["denied_prohibited_by_law"].values()) == {"read"}


def test_clusters_merging_two_values_of_one_line_are_not_taken_for_columns():
    out = _extract(CLUSTERED)
    printed = {
        "not_processed_publication": (0, 0, None, None, 0, None, 0),
        "total_handled": (30, 2, 0, None, None, None, 32),
    }
    for row, values in printed.items():
        assert _read_wrong(out, row, values) == [], row
