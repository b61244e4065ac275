"""Narrative checks: figures the prose states about the tables, compared with the table cells."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport.extraction.narrative import find_prose_figures
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import ACTIVE_2021, REVIEW_HEADER, REVIEW_VALUES, applications_2021, applications_tab, report

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "data" / "narrative_golden.json"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(get_tagger("rules"))


def _review() -> str:
    return REVIEW_HEADER + "\n" + "\t".join(str(v) for v in REVIEW_VALUES)


def _active() -> str:
    return ACTIVE_2021.format(r0=3, r1=5, r2=74, n0=564, n1=984, n2=4185, lic=11398, pen=6937, coe=166, fee=31.5)


def _with_prose(prose: str, table: dict | None = None, year: int = 2022) -> str:
    table = table or applications_2021()
    text = report(_active(), applications_tab(table), _review(), year=year)
    # the prose goes at the end of section 一 (before 二's heading)
    return text.replace("二、主动公开政府信息情况", prose + "\n二、主动公开政府信息情况", 1)


def _narrative(out: dict) -> list[dict]:
    return [c for c in out["checks"] if c["rule"].startswith("narrative.")]


def test_consistent_prose_passes_every_narrative_check(extractor: Extractor) -> None:
    t = applications_2021()
    denied = sum(v["total"] for k, v in t.items() if k.startswith("denied_"))
    prose = (f"2022年，本机关共收到政府信息公开申请{t['new_received']['total']}件，"
             f"其中予以公开及部分公开{t['granted']['total'] + t['partially_granted']['total']}件，"
             f"不予公开{denied}件。全年发生行政复议案件6件、行政诉讼案件9件。"
             f"本年度制发行政规范性文件564件，现行有效规范性文件4185件。")
    res = extractor.extract_text(_with_prose(prose, t))
    checks = _narrative(res.output)
    rules = {c["rule"] for c in checks}
    assert rules == {"narrative.applications.new_received", "narrative.applications.granted_and_partial",
                     "narrative.applications.denied", "narrative.review_litigation.administrative_review",
                     "narrative.review_litigation.litigation", "narrative.active_disclosure.normative_documents.issued",
                     "narrative.active_disclosure.normative_documents.in_force"}
    assert all(c["status"] == "pass" and c["ok"] is True for c in checks), checks
    text = res.document.text
    for c in checks:  # both offsets point at what they name
        p = c["prose"]
        assert text[p["start"]:p["end"]] == str(p["value"])
        for cell in c["cells"]:
            assert text[cell["start"]:cell["end"]].strip() == str(cell["value"])
    granted = next(c for c in checks if c["rule"].endswith("granted_and_partial"))
    assert [x["row"] for x in granted["cells"]] == ["granted", "partially_granted"]


def test_a_wrong_prose_figure_fails_and_never_changes_the_table(extractor: Extractor) -> None:
    t = applications_2021()
    right = t["new_received"]["total"]
    good = extractor.extract_text(_with_prose(f"本年度共受理政府信息公开申请{right}件。", t)).output
    bad = extractor.extract_text(_with_prose(f"本年度共受理政府信息公开申请{right + 10}件。", t)).output
    assert good["tables"] == bad["tables"]
    (check,) = _narrative(bad)
    assert check["status"] == "fail" and check["ok"] is False
    assert check["prose"]["value"] == right + 10 and check["cells"][0]["value"] == right
    assert str(right + 10) in check["detail"] and str(right) in check["detail"]
    assert _narrative(good)[0]["status"] == "pass"
    codes = [r["code"] for r in bad["review_reasons"]]
    assert "narrative_mismatch" in codes and "check_failed" not in codes
    (why,) = [r for r in bad["review_reasons"] if r["code"] == "narrative_mismatch"]
    assert why["cells"] == ["applications.new_received.total"] and "正文" in why["message_zh"]
    assert "narrative_mismatch" not in [r["code"] for r in good["review_reasons"]]


def test_received_may_include_the_applications_carried_over(extractor: Extractor) -> None:
    t = applications_2021()
    both = t["new_received"]["total"] + t["carried_over"]["total"]
    (check,) = _narrative(extractor.extract_text(_with_prose(f"全年共受理政府信息公开申请{both}件。", t)).output)
    assert check["status"] == "pass"
    assert [c["row"] for c in check["cells"]] == ["new_received", "carried_over"]


@pytest.mark.parametrize("prose", [
    "2021年，本机关共收到政府信息公开申请999件。",           # another year
    "本年度收到政府信息公开申请数量比上年增加999件。",        # a comparison
    "较上年度，行政复议案件减少999件。",
    "共收到政府信息公开申请999次。",                          # not a count of 件
    "本机关办理申请999件。",                                   # 办理: too vague to name a row
])
def test_figures_that_do_not_name_this_years_quantity_are_not_used(extractor: Extractor, prose: str) -> None:
    assert _narrative(extractor.extract_text(_with_prose(prose)).output) == []


def test_a_null_table_operand_makes_the_check_not_assessable(extractor: Extractor) -> None:
    t = applications_2021()
    t["granted"]["total"] = None  # printed blank
    out = extractor.extract_text(_with_prose("其中予以公开及部分公开15件。", t)).output
    (check,) = _narrative(out)
    assert check["status"] == "not_assessable" and check["ok"] is None
    assert check["not_assessable"] == ["applications.granted.total"]


def test_figures_inside_a_table_are_not_prose() -> None:
    text = "一、总体情况\n收到申请12件。\n三、收到和处理政府信息公开申请情况\n收到申请\t34件\t5件\n"
    lines = text.split("\n")
    table_start = text.index(lines[3])
    figs = find_prose_figures(text, "2021", 2022, exclude=[(table_start, len(text))])
    assert [(f.quantity.key, int(f.value)) for f in figs] == [("applications.new_received", 12)]
    assert text[figs[0].start:figs[0].end] == "12"


def test_money_in_yuan_is_compared_in_wan_yuan() -> None:
    (fig,) = find_prose_figures("全年行政事业性收费315000元。", "2021", 2022)
    assert float(fig.value) == 31.5


def test_corpus_narrative_checks_match_the_golden_file(extractor: Extractor) -> None:
    """Every corpus report's narrative checks (rule, status, prose figure, offsets) as recorded; the
    golden file is reviewed by hand when it changes (regenerate: python -m tests.test_narrative)."""
    assert _corpus_narrative(extractor) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def _corpus_narrative(extractor: Extractor) -> dict[str, list[dict]]:
    out = {}
    for path in sorted((REPO / "tests" / "data" / "corpus").glob("*.txt")):
        res = extractor.extract_path(path).output
        out[path.name] = [{"rule": c["rule"], "status": c["status"], "prose": c["prose"]["text"],
                           "start": c["prose"]["start"], "value": c["prose"]["value"],
                           "table": [x["value"] for x in c["cells"]]} for c in _narrative(res)]
    return out


if __name__ == "__main__":  # regenerate the golden file
    GOLDEN.write_text(json.dumps(_corpus_narrative(Extractor(get_tagger("rules"))), ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")


def test_generated_prose_restates_the_tables_and_planted_mismatches_are_found(extractor: Extractor) -> None:
    from govreport.training.synth import make_report

    checked = 0
    for i in range(12):
        r = make_report(31, i, kinds=["prose_numbers"])
        out = extractor.extract_document(r.to_document()).output
        if out["tables"] != r.gold["tables"]:
            continue
        narr = _narrative(out)
        checked += len(narr)
        assert [c["detail"] for c in narr if c["status"] == "fail"] == [], r.id
    assert checked >= 12
    for i in range(6):
        r = make_report(32, i, kinds=["prose_mismatch"])
        out = extractor.extract_document(r.to_document()).output
        failed = [c for c in _narrative(out) if c["status"] == "fail"]
        assert [c["rule"] for c in failed] == ["narrative.applications.new_received"], r.id
        assert failed[0]["prose"]["value"] != r.gold["tables"]["applications"]["new_received"]["total"]
