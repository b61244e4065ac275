"""Table 三 read by ``pdftotext -layout`` where two neighbouring cells stood closer than a space:
their figures run together (``1024710`` for the 法人或其他组织 小计 ``1024`` beside 商业企业 ``710``,
Chromium's PDF, seed 23). The row is one value short; placed by position, the values after the
joined figure land one column left and a wrong number is read in place. The row's arithmetic
(总计 = the six applicant columns; 小计 = the five organisation columns) splits the figure where
exactly one split fits (``inferred``, warned); where several fit, the cells they disagree on are
null; a short row whose arithmetic already holds with an empty cell is never split."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.joinedcells import joined_splits
from govreport.extraction.taggers import get_tagger
from tests.reportkit import report

COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total")  # fmt: skip

# eight printed columns (a 小计 after 自然人); the 总计 row's 小计 and 商业企业 joined
SUBTOTAL = (
    "                                  申请人情况\n"
    "                                        法人或其他组织\n"
    "                           自然人  小计 商业企业 科研机构 社会公益组织 法律服务机构 其他  总计\n"
    "一、本年新收政府信息公开申请数量      5846  1038  728    0      0       275     35  6884\n"
    "二、上年结转政府信息公开申请数量       310    54   33    0      0        18      3   364\n"
    "（七）总计                         5966 1024710    0      0       281     33  6990\n"
    "四、结转下年度继续办理                190    68   51    0      0        12      5   258\n"
)
# seven printed columns; 其他 and 总计 joined; 一、's row has two splits meeting its 总计 (1|12, 11|2)
PLAIN = (
    "                                  申请人情况\n"
    "                           自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他  总计\n"
    "一、本年新收政府信息公开申请数量      112        0      0       0       0    13\n"
    "二、上年结转政府信息公开申请数量        5      1      0      0       0      0    6\n"
    "（七）总计                            5      1      0      0       0    39\n"
    "四、结转下年度继续办理                  0             0      0       0      0    0\n"
)


def _extract(table: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(applications=table, year=2020)).output


def _read_wrong(out: dict, row: str, printed: tuple) -> list[str]:
    """The cells of ``row`` read or inferred with another value than the one printed there."""
    values = out["tables"]["applications"][row]
    status = out["cell_status"]["applications"][row]
    return [c for c, v in zip(COLS, printed) if status[c] in ("read", "inferred") and values[c] != v]


def test_a_joined_subtotal_and_commercial_figure_is_split_by_the_row_arithmetic():
    out = _extract(SUBTOTAL)
    printed = (5966, 710, 0, 0, 281, 33, 6990)
    assert _read_wrong(out, "total_handled", printed) == []
    assert out["tables"]["applications"]["total_handled"]["commercial_enterprise"] == 710
    assert out["cell_status"]["applications"]["total_handled"]["commercial_enterprise"] == "inferred"
    assert any("'1024710' read as two cells, '1024' and '710'" in w for w in out["warnings"])
    # the complete rows keep their printed values
    assert _read_wrong(out, "carried_over", (310, 33, 0, 0, 18, 3, 364)) == []
    assert out["tables"]["applications"]["carried_over"]["commercial_enterprise"] == 33


def test_a_joined_last_figure_of_seven_columns_is_split():
    out = _extract(PLAIN)
    assert _read_wrong(out, "total_handled", (5, 1, 0, 0, 0, 3, 9)) == []
    assert out["tables"]["applications"]["total_handled"]["other_org"] == 3
    assert out["tables"]["applications"]["total_handled"]["total"] == 9


def test_a_figure_with_two_fitting_splits_leaves_the_cells_they_disagree_on_null():
    out = _extract(PLAIN)
    values = out["tables"]["applications"]["new_received"]
    status = out["cell_status"]["applications"]["new_received"]
    assert _read_wrong(out, "new_received", (1, 12, 0, 0, 0, 0, 13)) == []
    assert _read_wrong(out, "new_received", (11, 2, 0, 0, 0, 0, 13)) == []
    assert values["natural_person"] is None and status["natural_person"] == "unreadable"
    assert values["total"] == 13


def _cells(values: list[int]) -> list[Cell]:
    return [Cell(v, str(v), 10 * i, 10 * i + len(str(v)), 0, i, 10 * i, 1.0) for i, v in enumerate(values)]


def test_no_split_where_an_empty_cell_already_meets_the_arithmetic():
    # 5 | (blank) | 0 0 0 0 | 5 holds with the blank as 0: nothing says a figure was joined
    assert joined_splits(_cells([5, 0, 0, 0, 10, 15]), 7) == []
    # 10 | 5 | 0 0 0 0 | 15 one value short: '15' does not split into two meeting 总计 with 10
    assert joined_splits(_cells([10, 0, 0, 0, 0, 15]), 7) == []
    # a row of the right length is not touched
    assert joined_splits(_cells([1, 2, 0, 0, 0, 0, 3]), 7) == []


def test_the_split_parts_keep_their_share_of_the_offsets():
    (split,) = joined_splits(_cells([5, 1, 0, 0, 0, 39]), 7)
    a, b = split.cells[5], split.cells[6]
    assert (a.value, a.raw, a.start, a.end) == (3, "3", 50, 51)
    assert (b.value, b.raw, b.start, b.end) == (9, "9", 51, 52)
