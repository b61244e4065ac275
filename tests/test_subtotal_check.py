"""The 8-column table 三 (a 法人或其他组织 小计 column): its check is shaped like every other check."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import APP_LABELS_2021, COLS, applications_2021, fmt_num, report

HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\n"
    "\t\t\t自然人\t法人或其他组织\t\t\t\t\t\t总计\n"
    "\t\t\t\t小计\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
)


def eight_columns(table: dict, subtotal: dict[str, str] | None = None, blank: tuple[str, str] | None = None) -> str:
    lines = [HEADER.rstrip("\n")]
    for key, label in APP_LABELS_2021:
        row = dict(table[key])
        if blank and blank[0] == key:
            row[blank[1]] = None
        sub = (subtotal or {}).get(key, str(sum(table[key][c] for c in COLS[1:6])))
        vals = [fmt_num(row["natural_person"]), sub] + [fmt_num(row[c]) for c in COLS[1:]]
        lines.append(label + "\t" + "\t".join(vals))
    return "\n".join(lines)


def checks_of(text: str) -> dict[str, dict]:
    out = Extractor(get_tagger("rules")).extract_text(report(applications=text)).output
    return {c["rule"]: c for c in out["checks"] if "legal_person_subtotal" in c["rule"]}, out


def test_every_row_gets_a_subtotal_check_with_status_and_operands():
    checks, out = checks_of(eight_columns(applications_2021()))
    assert len(checks) == len(APP_LABELS_2021)
    granted = checks["applications.legal_person_subtotal[granted]"]
    assert granted["status"] == "pass" and granted["ok"] is True
    assert granted["operands"] == [f"applications.granted.{c}" for c in COLS[1:6]] + [
        "applications.granted.legal_person_subtotal"
    ]
    assert out["needs_review"] is False or "check_failed" not in {r["code"] for r in out["review_reasons"]}


def test_a_wrong_subtotal_fails_naming_its_cells():
    table = applications_2021()
    wrong = str(sum(table["granted"][c] for c in COLS[1:6]) + 1)
    checks, out = checks_of(eight_columns(table, {"granted": wrong}))
    failed = checks["applications.legal_person_subtotal[granted]"]
    assert failed["status"] == "fail" and failed["ok"] is False
    reason = {r["code"]: r for r in out["review_reasons"]}["check_failed"]
    assert "applications.granted.legal_person_subtotal" in reason["cells"]
    assert "applications.granted.commercial_enterprise" in reason["cells"]


def test_a_blank_operand_makes_the_subtotal_check_not_assessable_not_absent():
    checks, _ = checks_of(eight_columns(applications_2021(), blank=("granted", "research_institution")))
    check = checks["applications.legal_person_subtotal[granted]"]
    assert check["status"] == "not_assessable" and check["ok"] is None
    assert check["not_assessable"] == ["applications.granted.research_institution"]
