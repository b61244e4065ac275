"""Year-on-year checks between one body's consecutive reports."""
from __future__ import annotations

import copy

import pytest

from govreport.extraction.crosscheck import ReportRef, organ_key, summary_table, year_on_year
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import ACTIVE_2021, REVIEW_HEADER, REVIEW_VALUES, applications_2021, applications_tab, report


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(get_tagger("rules"))


def _text(year: int, app: dict, in_force: tuple[int, int], issued: tuple[int, int] = (3, 564),
          repealed: tuple[int, int] = (5, 984), organ: str = "某某市交通运输局") -> str:
    active = ACTIVE_2021.format(r0=issued[0], r1=repealed[0], r2=in_force[0], n0=issued[1], n1=repealed[1],
                                n2=in_force[1], lic=11, pen=6, coe=1, fee=31.5)
    review = REVIEW_HEADER + "\n" + "\t".join(str(v) for v in REVIEW_VALUES)
    return report(active, applications_tab(app), review, year=year, organ=organ)


def _next_year(prev: dict) -> dict:
    """An applications table whose 上年结转 is ``prev``'s 结转下年度 (and still balances)."""
    t = copy.deepcopy(prev)
    for c, v in prev["carried_forward"].items():
        t["carried_over"][c] = v
        if c != "total":
            t["new_received"][c] = t["total_handled"][c] + t["carried_forward"][c] - v
    t["new_received"]["total"] = sum(v for c, v in t["new_received"].items() if c != "total")
    return t


def _refs(extractor: Extractor, *texts: tuple[str, str]) -> list[ReportRef]:
    return [ReportRef(name, extractor.extract_text(t).output) for name, t in texts]


def test_consistent_consecutive_years_pass(extractor: Extractor) -> None:
    a = applications_2021()
    refs = _refs(extractor, ("2021.txt", _text(2021, a, (74, 4185))),
                 ("2022.txt", _text(2022, _next_year(a), (74 + 3 - 5, 4185 + 564 - 984), organ="某某市 交通运输局")))
    entries = year_on_year(refs)
    rules = [e["rule"] for e in entries]
    assert "year_on_year.applications.carry[total]" in rules
    assert "year_on_year.active_disclosure.in_force[normative_documents]" in rules
    assert len(rules) == 7 + 2
    assert all(e["status"] == "pass" for e in entries), [e for e in entries if e["status"] != "pass"]
    carry = next(e for e in entries if e["rule"].endswith("carry[total]"))
    assert carry["years"] == [2021, 2022]
    assert carry["left"][0]["report"] == "2022.txt" and carry["right"][0]["report"] == "2021.txt"
    assert "start" in carry["left"][0] and "start" in carry["right"][0]


def test_a_broken_carry_and_stock_fail_with_both_sources(extractor: Extractor) -> None:
    a = applications_2021()
    refs = _refs(extractor, ("a", _text(2021, a, (74, 4185))), ("b", _text(2022, a, (74, 9999))))
    entries = {e["rule"]: e for e in year_on_year(refs)}
    stock = entries["year_on_year.active_disclosure.in_force[normative_documents]"]
    assert stock["status"] == "fail" and stock["ok"] is False
    assert [x["value"] for x in stock["left"]] == [9999]
    assert [(x["value"], x["sign"]) for x in stock["right"]] == [(4185, 1), (564, 1), (984, -1)]
    carry = entries["year_on_year.applications.carry[total]"]
    assert carry["status"] == ("pass" if a["carried_over"]["total"] == a["carried_forward"]["total"] else "fail")
    assert summary_table(list(entries.values()))[0]["fail"] >= 1


def test_a_year_gap_a_duplicate_year_and_another_body_are_not_paired(extractor: Extractor) -> None:
    a = applications_2021()
    refs = _refs(extractor, ("a", _text(2020, a, (74, 4185))), ("b", _text(2022, a, (74, 4185))),
                 ("c", _text(2022, a, (74, 4185))), ("d", _text(2021, a, (74, 4185), organ="另一个县财政局")))
    entries = year_on_year(refs)
    assert [e["rule"] for e in entries] == ["year_on_year.ambiguous"]
    assert entries[0]["reports"] == ["b", "c"]


def test_an_unread_operand_is_not_assessable(extractor: Extractor) -> None:
    a = applications_2021()
    b = _next_year(a)
    b["carried_over"]["total"] = None
    refs = _refs(extractor, ("a", _text(2021, a, (74, 4185))), ("b", _text(2022, b, (72, 3765))))
    carry = next(e for e in year_on_year(refs) if e["rule"].endswith("carry[total]"))
    assert carry["status"] == "not_assessable" and carry["not_assessable"] == ["2022:applications.carried_over.total"]


def test_organ_key_ignores_spacing_punctuation_and_variants() -> None:
    assert organ_key("平潭綜合實驗區") == organ_key("平潭综合实验区 ") == organ_key("平潭（综合）实验区")
    assert organ_key(None) is None and organ_key(" ") is None


def test_batch_writes_crosscheck_and_a_summary_table(tmp_path) -> None:
    import json

    from govreport.service.batch import run_batch

    a = applications_2021()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "y2021.txt").write_text(_text(2021, a, (74, 4185)), encoding="utf-8")
    (inputs / "y2022.txt").write_text(_text(2022, _next_year(a), (72, 4000)), encoding="utf-8")
    summary = run_batch(inputs, tmp_path / "out", tagger="rules", workers=1)
    lines = (tmp_path / "out" / "crosscheck.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(x) for x in lines]
    assert len(entries) == 9 and {e["organ"] for e in entries} == {"某某市交通运输局"}
    stock = next(e for e in entries if e["rule"].endswith("in_force[normative_documents]"))
    assert stock["status"] == "fail" and stock["left"][0]["report"].endswith("y2022.txt")
    (row,) = summary["year_on_year"]
    assert row["years"] == [2021, 2022] and row["fail"] == 1 and row["pass"] == 8
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["year_on_year"] == summary["year_on_year"]


def test_the_api_crosschecks_several_reports_of_one_body(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from govreport.service.app import create_app
    from govreport.service.settings import ServiceSettings

    a = applications_2021()
    items = [{"text": _text(2021, a, (74, 4185)), "filename": "y2021.txt"},
             {"text": _text(2022, _next_year(a), (72, 4000)), "filename": "y2022.txt"},
             {"text": "not a report at all", "filename": "junk.txt"}]
    settings = ServiceSettings(tagger="rules", models_dir=tmp_path / "models", reload_poll_s=0)
    with TestClient(create_app(settings)) as client:
        r = client.post("/v1/crosscheck", json={"items": items})
        assert r.status_code == 200, r.text
        body = r.json()
        assert [x["ok"] for x in body["reports"]] == [True, True, False]
        failed = [e for e in body["checks"] if e["status"] == "fail"]
        assert [e["rule"] for e in failed] == ["year_on_year.active_disclosure.in_force[normative_documents]"]
        assert body["summary"] == [{"organ": "某某市交通运输局", "years": [2021, 2022], "pass": 8, "fail": 1,
                                    "not_assessable": 0, "failed_rules": [failed[0]["rule"]]}]
        for rep in body["reports"][:2]:  # both reports hold a cell of the failed identity
            codes = [x["code"] for x in rep["result"]["review_reasons"]]
            assert "year_on_year_mismatch" in codes and rep["result"]["needs_review"] is True
        assert client.post("/v1/crosscheck", json={"items": []}).status_code in (400, 422)
