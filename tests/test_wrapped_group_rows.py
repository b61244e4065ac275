"""Table 三 printed by a browser (Chromium print-to-PDF, then ``pdftotext -layout``): the group
column is so narrow that a group label's pieces stand beside the row labels, on their lines or on
the values' own line (``开   0 0 0 …`` from （三）不予公开). Such a piece must not shift the rows
below it; and a printed row that comes back with nothing in it, beside values that went to no row,
is flagged with the rows between."""
from __future__ import annotations

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import report

HEADER = (
    "                           申请人情况\n"
    "                     自然 商业 科研 社会公 法律服 其    总计\n"
    "                     人 企业 机构 益组织 务机构 他\n"
)
TOP = (
    "一、本年新收政府信息公开申请数量        11   2   0     0   0   1   14\n"
    "二、上年结转政府信息公开申请数量        0    0   0     0   0   0   0\n"
    "      （一）予以公开           2    1   0     0   0   1   4\n"
    "三、本年度 （二）部分公开     0    0   0     0   0   0   0\n"
    "             1.属于国家秘密   0    0   0     0   0   0   0\n"
)
# the group label （三）不予公开 wrapped in its narrow column: 开 on row 2's values line
DENIED = (
    "      （三）不予公 2.其他法\n"
    "      开                 0    0   0     0   0   0   0\n"
    "             律行政法规禁止公开\n"
    "             3.危及“三安全一稳\n"
    "                        1    0   0     0   0   0   1\n"
    "             定”\n"
    "             4.保护第三方合法权\n"
    "                        2    0   0     0   0   0   2\n"
    "             益\n"
    "             5.属于三类内部事务\n"
    "                        1    0   0     0   0   0   1\n"
    "             信息\n"
    "             6.属于四类过程性信息 0     0       0   0       0       0   0\n"
    "             7.属于行政执法案卷 0     0       0   0       0       0   0\n"
    "             8.属于行政查询事项 0     0       0   0       0       0   0\n"
)
REST = (
    "      （四）无法提供 1.本机关不掌握相关政府信息 0    0   0     0   0   0   0\n"
    "             2.没有现成信息需要另行制作 0    0   0     0   0   0   0\n"
    "             3.补正后申请内容仍不明确 0    0   0     0   0   0   0\n"
    "      （五）不予处理 1.信访举报投诉类申请 1    0   0     0   0   0   1\n"
    "             2.重复申请 1    0   0     0   0   0   1\n"
    "             3.要求提供公开出版物 0    0   0     0   0   0   0\n"
    "      （五）不\n"
    "             4.无正当\n"
    "      予处理            0    1   0     0   0   0   1\n"
    "             理由大量反复申请\n"
    "             5.要求行政机关确认或重新出具已获取信息 0    0   0     0   0   0   0\n"
    "      （六）其他处理           1    0   0     0   0   0   1\n"
    "      （七）总计               9    2   0     0   0   1   12\n"
    "四、结转下年度继续办理            2    0   0     0   0   0   2\n"
)
EXPECTED = {
    "denied_prohibited_by_law": [0, 0, 0, 0, 0, 0, 0],
    "denied_security_stability": [1, 0, 0, 0, 0, 0, 1],
    "denied_third_party_rights": [2, 0, 0, 0, 0, 0, 2],
    "denied_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_publication": [0, 0, 0, 0, 0, 0, 0],
    "not_processed_excessive": [0, 1, 0, 0, 0, 0, 1],
    "not_processed_reconfirmation": [0, 0, 0, 0, 0, 0, 0],
}


# A5: the group label's first piece on the line of the row label's last character (出版 / 物)
REST_A5 = REST.replace(
    "             3.要求提供公开出版物 0    0   0     0   0   0   0\n"
    "      （五）不\n"
    "             4.无正当\n"
    "      予处理            0    1   0     0   0   0   1\n"
    "             理由大量反复申请\n",
    "             3.要求提供公开出版\n"
    "                        0    0   0     0   0   0   0\n"
    "      （五）不予处 物\n"
    "      理\n"
    "             4.无正当理由大量反\n"
    "                        0    1   0     0   0   0   1\n"
    "             复申请\n",
)


def _text(denied: str = DENIED, rest: str = REST) -> str:
    # the first lines of the (2020, 2019-format) table with a heading of the section's own
    return report(applications=HEADER + TOP + denied + rest, year=2020)


@pytest.mark.parametrize("rest", [REST, REST_A5], ids=["piece-on-values-line", "piece-beside-label-tail"])
@pytest.mark.parametrize("tagger", ["rules", "model"])
def test_a_group_label_piece_on_a_values_line_does_not_shift_the_rows_below(tagger, rest):
    assert rest.count("\n") > 10
    out = Extractor(get_tagger(tagger)).extract_text(_text(rest=rest)).output
    table = out["tables"]["applications"]
    for row, values in EXPECTED.items():
        assert list(table[row].values()) == values, row
    assert not [c for c in out["checks"] if c["rule"].startswith("applications.") and c["status"] != "pass"]
    assert "ambiguous_cell" not in {r["code"] for r in out["review_reasons"]}


ROW5_VALUES = "                        1    0   0     0   0   0   1\n             信息\n"
ROW8 = "             8.属于行政查询事项 0     0       0   0       0       0   0\n"


def test_a_row_with_nothing_in_it_beside_values_that_went_to_no_row_flags_the_rows_between():
    # row 5 prints its label only and a values line too many stands further down: the rows between
    # may have shifted (a label's values taken by its neighbour leaves exactly this)
    denied = DENIED.replace(ROW5_VALUES, "             信息\n").replace(ROW8, ROW8 * 2)
    out = Extractor(get_tagger("rules")).extract_text(_text(denied)).output
    status = out["cell_status"]["applications"]
    reasons = {r["code"]: r for r in out["review_reasons"]}
    assert out["needs_review"] is True
    # the empty row is not claimed printed blank (a value that went nowhere may be its own)
    assert set(status["denied_internal_affairs"].values()) == {"unreadable"}
    assert "applications.denied_internal_affairs.total" in reasons["unreadable_cell"]["cells"]
    # the rows between the empty row and the values that went nowhere may each hold their neighbour's
    assert "applications.denied_process_information.total" in reasons["ambiguous_cell"]["cells"]
    assert status["denied_enforcement_case_file"]["total"] == "inferred"
    assert any("stand between values that went to no row and a row that got none" in w for w in out["warnings"])


def test_a_row_a_report_leaves_empty_is_no_reason_of_its_own():
    out = Extractor(get_tagger("rules")).extract_text(_text(DENIED.replace(ROW5_VALUES, "             信息\n"))).output
    assert set(out["cell_status"]["applications"]["denied_internal_affairs"].values()) == {"blank"}
    assert out["review_reasons"] == [] or "ambiguous_cell" not in {r["code"] for r in out["review_reasons"]}


# govreport's own reading of a Chromium-printed A5 page: 其他 and 总计 printed upright, one
# character a line (其 / 他, 总 / 计), so their header centres stand two columns apart; every row
# prints one 0 (its 总计) among blank marks
UPRIGHT = (
    "    具体情况如下：\n"
    "                                          申请人情况\n"
    "                                          自\n"
    "                                                                        总\n"
    "                                          然  法人或其他组织\n"
    "                                                                        计\n"
    "（本列数据的勾稽关系为：第一项加第二项之 人\n"
    "和，等于第三项加第四项之和）\n"
    "                                              商业 科研 社会公 法律服 其\n"
    "                                              企业 机构 益组织 务机构 他\n"
    "一、本年新收政府信息公开申请数量              —                         0\n"
    "二、上年结转政府信息公开申请数量          —            -                0\n"
    "三、本年度\n"
    "办理结果   （一）予以公开                         无                    0\n"
    "           （二）部分公开（区分处理的，只\n"
    "                                                                        0\n"
    "           计这一情形，不计其他情形）\n"
    "                     1.属于国家秘密       无                            0\n"
)


def test_a_header_whose_columns_stand_too_close_places_no_value_silently():
    out = Extractor(get_tagger("rules")).extract_text(report(applications=UPRIGHT, year=2019)).output
    table, status = out["tables"]["applications"], out["cell_status"]["applications"]
    flagged = {c for r in out["review_reasons"] for c in r["cells"]}
    for row in ("new_received", "carried_over", "granted", "partially_granted", "denied_state_secret"):
        zero = [c for c, v in table[row].items() if v == 0]
        assert len(zero) == 1, row
        # the 0 is the row's 总计, or where it went is flagged: never read into 其他 silently
        assert zero == ["total"] or (status[row][zero[0]] != "read" and f"applications.{row}.{zero[0]}" in flagged), row
