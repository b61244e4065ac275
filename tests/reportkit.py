"""Small hand-built reports for the extraction tests: one table rendered in a chosen layout,
wrapped in a minimal report, with the expected values beside it."""
from __future__ import annotations

from typing import Any

from govreport.extraction.templates import table_spec

APP_LABELS_2021 = [
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果\t（一）予以公开"),
    ("partially_granted", "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "\t（三）不予公开\t1.属于国家秘密"),
    ("denied_prohibited_by_law", "\t\t2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "\t\t3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "\t\t4.保护第三方合法权益"),
    ("denied_internal_affairs", "\t\t5.属于三类内部事务信息"),
    ("denied_process_information", "\t\t6.属于四类过程性信息"),
    ("denied_enforcement_case_file", "\t\t7.属于行政执法案卷"),
    ("denied_administrative_inquiry", "\t\t8.属于行政查询事项"),
    ("unable_not_held", "\t（四）无法提供\t1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "\t\t2.没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", "\t\t3.补正后申请内容仍不明确"),
    ("not_processed_petition", "\t（五）不予处理\t1.信访举报投诉类申请"),
    ("not_processed_duplicate", "\t\t2.重复申请"),
    ("not_processed_publication", "\t\t3.要求提供公开出版物"),
    ("not_processed_excessive", "\t\t4.无正当理由大量反复申请"),
    ("not_processed_reconfirmation", "\t\t5.要求行政机关确认或重新出具已获取信息"),
    ("other_overdue_correction", "\t（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "\t\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "\t\t3.其他"),
    ("total_handled", "\t（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
APP_HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\n"
    "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
)
COLS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total"]


def applications_2021() -> dict[str, dict[str, Any]]:
    """A consistent table with distinct numbers (so a misplaced value is caught)."""
    spec = table_spec("2021", "applications")
    rows = [r.key for r in spec.rows]
    results = rows[rows.index("granted") : rows.index("total_handled")]
    t: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(results):
        t[r] = {c: (i * 7 + j * 3 + 1) % 23 for j, c in enumerate(COLS[:6])}
    t["total_handled"] = {c: sum(t[r][c] for r in results) for c in COLS[:6]}
    t["carried_forward"] = {c: j + 2 for j, c in enumerate(COLS[:6])}
    t["carried_over"] = {c: j + 1 for j, c in enumerate(COLS[:6])}
    t["new_received"] = {
        c: t["total_handled"][c] + t["carried_forward"][c] - t["carried_over"][c] for c in COLS[:6]
    }
    for r in t.values():
        r["total"] = sum(r[c] for c in COLS[:6])
    return {r: t[r] for r in rows}


def fmt_num(v: Any) -> str:
    return "" if v is None else str(v)


def applications_tab(table: dict, labels=APP_LABELS_2021) -> str:
    lines = [APP_HEADER.rstrip("\n")]
    for key, label in labels:
        lines.append(label + "\t" + "\t".join(fmt_num(table[key][c]) for c in COLS))
    return "\n".join(lines)


ACTIVE_2021 = (
    "第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    "规章\t{r0}\t{r1}\t{r2}\n行政规范性文件\t{n0}\t{n1}\t{n2}\n"
    "第二十条第（五）项\t\t\t\n信息内容\t本年处理决定数量\t\t\n行政许可\t{lic}\t\t\n"
    "第二十条第（六）项\t\t\t\n信息内容\t本年处理决定数量\t\t\n行政处罚\t{pen}\t\t\n行政强制\t{coe}\t\t\n"
    "第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元）\t\t\n行政事业性收费\t{fee}\t\t"
)
REVIEW_HEADER = (
    "行政复议\t\t\t\t\t行政诉讼\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计"
)
REVIEW_VALUES = [3, 1, 2, 0, 6, 4, 0, 1, 2, 7, 1, 1, 0, 0, 2]
REVIEW_KEYS = ["administrative_review", "litigation_direct", "litigation_after_review"]
REVIEW_COLS = ["upheld", "corrected", "other", "pending", "total"]


def review_expected(values=REVIEW_VALUES) -> dict:
    return {g: {c: values[i * 5 + k] for k, c in enumerate(REVIEW_COLS)} for i, g in enumerate(REVIEW_KEYS)}


def report(
    active: str | None = None,
    applications: str | None = None,
    review: str | None = None,
    *,
    organ: str = "某某市交通运输局",
    year: int = 2022,
    headings: dict[int, str] | None = None,
    tail: str = "",
) -> str:
    """A minimal report; a table argument of None leaves the table out (its heading stays)."""
    h = {
        1: "一、总体情况",
        2: "二、主动公开政府信息情况",
        3: "三、收到和处理政府信息公开申请情况",
        4: "四、政府信息公开行政复议、行政诉讼情况",
        5: "五、存在的主要问题及改进情况",
        6: "六、其他需要报告的事项",
    }
    h.update(headings or {})
    parts = [
        f"{organ}{year}年政府信息公开工作年度报告",
        "",
        f"本报告根据《中华人民共和国政府信息公开条例》编制，数据统计期限为{year}年1月1日至12月31日。",
        h[1],
        f"{year}年，本机关共主动公开政府信息1234条，办理申请56件。",
        h[2],
        active or "",
        h[3],
        applications or "",
        h[4],
        review or "",
        h[5],
        "存在的问题主要是公开质量有待提高。",
        h[6],
        "无。",
    ]
    return "\n".join(p for p in parts) + ("\n" + tail if tail else "") + "\n"


# what the active-disclosure table of the hand-written reports holds (test_extraction_kinds, _grids)
ACTIVE_EXPECTED = {
    "regulations": {"issued": 3, "repealed": 5, "in_force": 74},
    "normative_documents": {"issued": 564, "repealed": 984, "in_force": 4185},
    "administrative_license": {"decisions": 11398},
    "administrative_penalty": {"decisions": 6937},
    "administrative_coercion": {"decisions": 166},
    "administrative_fees": {"amount": 31.5},
}


def assert_right_or_null(got: dict[str, dict[str, Any]], gold: dict[str, dict[str, Any]], share: float, where: str) -> None:
    """Every cell of a predicted table is gold's value or null (no wrong number), and at least
    ``share`` of gold's non-null cells came back."""
    from govreport.extraction.evaluate import values_equal

    right = 0
    for row, cols in gold.items():
        for col, v in cols.items():
            assert got[row][col] is None or values_equal(got[row][col], v), (where, row, col)
            right += got[row][col] is not None
    assert right >= share * sum(v is not None for cols in gold.values() for v in cols.values()), where
