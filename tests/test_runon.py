"""Crawler run-on text: headings inside one line, cells run together, split by the report's arithmetic.

Every input here is the smallest text that shows one behaviour; the three real crawls are in the
corpus (tests/data/corpus/pingtan*_crawl.txt, tests/test_golden.py).
"""
from __future__ import annotations

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.digitruns import (
    agreement,
    enumerate_splits,
    solve_applications,
    solve_review,
    TooManySplits,
)
from govreport.extraction.taggers import get_tagger

TITLE = "标题: 某市某局2022年政府信息公开工作年度报告\n"
HEAD_2 = "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
HEAD_3 = ("三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构"
          "社会公益组织法律服务机构其他")  # fmt: skip
HEAD_4 = "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(get_tagger("rules"))


def _values(parts):
    return [None if p is None else p.value for p in parts]


# --- splitting a run -----------------------------------------------------------------------------------------
def test_a_run_splits_only_into_printable_numbers() -> None:
    # no leading zero: "000" into three cells is 0 0 0, nothing else
    assert [_values(s) for s in enumerate_splits(["000"], 3)] == [[0, 0, 0]]
    # "350" into two cells: 3|50 or 35|0
    assert sorted(_values(s) for s in enumerate_splits(["350"], 2)) == [[3, 50], [35, 0]]
    # a space is a cell boundary: "23 0" cannot join 3 and 0
    assert [_values(s) for s in enumerate_splits(["23", "0"], 2)] == [[23, 0]]
    # the decimal part stays with its number; a sign only leads a number
    assert sorted(_values(s) for s in enumerate_splits(["12.5"], 2)) == [[1, 2.5]]
    assert [_values(s) for s in enumerate_splits(["-3"], 1)] == [[-3]]
    assert enumerate_splits(["12"], 3) == []


def test_blank_marks_run_together_keep_one_length_per_run() -> None:
    # "————" is four blanks of — or two of ——
    assert sorted(len(s) for s in enumerate_splits(["————"], 4)) == [4]
    assert sorted(len(s) for s in enumerate_splits(["————"], 2)) == [2]
    assert enumerate_splits(["———"], 2) == []


def test_too_many_splits_is_said_not_guessed() -> None:
    with pytest.raises(TooManySplits):
        enumerate_splits(["1" * 40], 15, limit=100)


def test_agreement_keeps_only_cells_every_split_shares() -> None:
    cands = enumerate_splits(["350"], 2)
    assert _values(agreement(cands, 2)) == [None, None]
    assert _values(agreement(enumerate_splits(["1005"], 3), 3)) == [10, 0, 5]


def test_review_groups_choose_the_split() -> None:
    # 17 digits for 15 cells; only one split has every 总计 = the four results
    cands, held = solve_review(["12000121000100000"], 15)
    assert held and cands is not None
    assert _values(agreement(cands, 15)) == [12, 0, 0, 0, 12, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_application_column_identities_choose_between_row_fits() -> None:
    # 一 '191000020' fits its row total twice (19+1 = 20, 1+9+10 = 20); 一+二 = (七)+四 per
    # column decides (七 prints 19 1 … 20 with spaces)
    rows = {
        "new_received": enumerate_splits(["191000020"], 7),
        "carried_over": enumerate_splits(["0000000"], 7),
        "total_handled": enumerate_splits(["19", "1", "0", "0", "0", "0", "20"], 7),
        "carried_forward": enumerate_splits(["0000000"], 7),
    }
    keys = ("new_received", "carried_over", "granted", "total_handled", "carried_forward")
    choice = solve_applications(rows, keys)
    assert _values(agreement(choice["new_received"].splits, 7)) == [19, 1, 0, 0, 0, 0, 20]


def test_a_blank_leaves_an_identity_unassessed() -> None:
    # the applicant cells are blank (a report that prints only 总计): the row total cannot choose
    choice = solve_applications({"new_received": enumerate_splits(["——————", "314"], 7)}, ("new_received",))
    assert _values(agreement(choice["new_received"].splits, 7)) == [None] * 6 + [314]


# --- through the pipeline --------------------------------------------------------------------------------------
def test_headings_inside_one_line_have_exact_offsets(extractor: Extractor) -> None:
    body = (
        "前言。 一、总体情况 本年度工作平稳。" + HEAD_2 + "规章000行政规范性文件123"
        + "四、结转下年度继续办理0000000" + HEAD_4 + "000000000000000"
        + " 五、存在的主要问题及改进情况 无。 六、其他需要报告的事项 无。"
    )  # fmt: skip
    text = TITLE + body
    out = extractor.extract_text(text).output
    got = {s["index"]: s for s in out["sections"]}
    assert sorted(got) == [1, 2, 4, 5, 6]
    for s in out["sections"]:
        assert text[s["start"] :].startswith(s["title"])
    assert got[2]["title"] == "二、主动公开政府信息情况"
    # the row 四、结转… is no heading; the section heading after it is
    assert text[got[4]["start"] :].startswith("四、政府信息公开行政复议")
    assert out["organ"] == "某市某局" and out["year"] == 2022


def test_table_two_run_without_arithmetic_is_null_with_a_warning(extractor: Extractor) -> None:
    text = TITLE + "一、总体情况 无。" + HEAD_2 + "规章000行政规范性文件8855698 三、收到和处理政府信息公开申请情况 无。"
    out = extractor.extract_text(text).output
    t = out["tables"]["active_disclosure"]
    assert t["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert t["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    assert any("8855698" in w and "15 splits fit" in w for w in out["warnings"])
    # printed but not determinable: unreadable (not blank), and the report goes to review
    assert set(out["cell_status"]["active_disclosure"]["normative_documents"].values()) == {"unreadable"}
    assert set(out["cell_status"]["active_disclosure"]["regulations"].values()) == {"read"}
    assert out["needs_review"] is True


def test_numbering_of_the_next_row_is_not_a_value(extractor: Extractor) -> None:
    text = (
        TITLE + "一、总体情况 无。" + HEAD_3
        + "一、本年新收政府信息公开申请数量 713000074二、上年结转政府信息公开申请数量 1000001"
        + "三、本年度办理结果（一）予以公开 72300007（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开 0000000"
        + "（七）总计 723000075四、结转下年度继续办理 0000000 " + HEAD_4 + "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
    )  # fmt: skip
    out = extractor.extract_text(text).output
    app = out["tables"]["applications"]
    assert app["denied_state_secret"]["total"] == 0  # "00000002.其他…": the 2 numbers the next row
    assert app["new_received"] == {"natural_person": 71, "commercial_enterprise": 3, "research_institution": 0,
                                   "social_welfare_org": 0, "legal_service_org": 0, "other_org": 0, "total": 74}  # fmt: skip
    assert out["tables"]["review_litigation"]["administrative_review"]["total"] == 2
    prov = out["provenance"]["applications"]["new_received"]["total"]
    assert text[prov["start"] : prov["end"]] == "74"


def test_prose_numbers_around_a_run_on_table_are_not_cells(extractor: Extractor) -> None:
    text = (
        TITLE + "一、总体情况 无。" + HEAD_4 + " 本年度行政复议284件、行政诉讼2209件。 "
        + "000000000000000 2021年共发生行政复议3件。 五、存在的主要问题及改进情况 无。"
    )  # fmt: skip
    out = extractor.extract_text(text).output
    review = out["tables"]["review_litigation"]
    assert all(v == 0 for row in review.values() for v in row.values())
    assert not any("run together" in w for w in out["warnings"])


def test_a_wrong_identity_after_assembly_fails_a_check(extractor: Extractor) -> None:
    # 15 tokens, one per cell (no choice): the printed 总计 2 is not 0+1+0+0
    text = TITLE + "一、总体情况 无。" + HEAD_4 + "0 1 0 0 2 1 0 0 0 1 0 0 0 0 0 五、存在的主要问题及改进情况 无。"
    out = extractor.extract_text(text).output
    failed = [c for c in out["checks"] if not c["ok"]]
    assert [c["rule"] for c in failed] == ["review_litigation.total[administrative_review]"]


# --- the generator kind ------------------------------------------------------------------------------------------
def _cell(table: str, row: str, col: str, text: str, value):
    from govreport.extraction.labels import Label
    from govreport.training.synth.ir import Seg

    return Seg(text, Label.CELL, ("cell", table, row, col), value)


def test_crawler_flatten_runs_cells_together_and_nulls_what_the_text_cannot_tell() -> None:
    import random

    from govreport.extraction.labels import Label
    from govreport.training.synth.crawler import flatten
    from govreport.training.synth.ir import Line, O, Seg

    t = "active_disclosure"
    lines = [
        Line([Seg("某局2022年政府信息公开工作年度报告", Label.TITLE, ("title",))], role="title"),
        Line([], role="blank"),
        Line([Seg("二、主动公开政府信息情况", Label.SECTION, ("section", "2"))], role="heading"),
        Line([Seg("规章", Label.ROW), O("\t"), _cell(t, "regulations", "issued", "0", 0), O("\t"),
              _cell(t, "regulations", "repealed", "0", 0), O("\t"), _cell(t, "regulations", "in_force", "0", 0)],
             role="table", table=t, part="data", block=1),
        Line([Seg("行政规范性文件", Label.ROW), O("\t"), _cell(t, "normative_documents", "issued", "88", 88), O("\t"),
              _cell(t, "normative_documents", "repealed", "55", 55), O("\t"),
              _cell(t, "normative_documents", "in_force", "698", 698)],
             role="table", table=t, part="data", block=2),
    ]  # fmt: skip
    out = flatten(lines, "2021", "某局", 2022, random.Random(0))
    body = out[-1]
    assert "规章000行政规范性文件8855698" in body.text and "\t" not in body.text
    gold = {s.key[2:]: s.value for s in body.segs if s.key and s.key[0] == "cell"}
    assert gold[("regulations", "issued")] == 0  # one split only: 0 0 0
    assert gold[("normative_documents", "issued")] is None  # 15 splits: the text cannot tell
    assert gold[("normative_documents", "in_force")] is None


def test_crawler_kind_reports_are_one_body_line_with_exact_spans() -> None:
    from govreport.training.synth.generator import make_report

    for i in range(4):
        r = make_report(3, i, kinds=["crawler_text"])
        assert r.transforms == ["crawler_text"]
        lines = r.text.split("\n")
        body = max(range(len(lines)), key=lambda k: len(lines[k]))
        assert {v for v in r.gold["sections"].values() if v is not None} == {body + 1}
        for s in r.spans:
            piece = r.text[s.start : s.end]
            assert piece and piece == piece.strip()
        assert any(t is not None for t in r.gold["tables"].values())


def test_a_run_on_table_whose_heading_is_missing_is_found_by_its_anchor(extractor: Extractor) -> None:
    # no 三、 heading: table 三 runs on inside section 二's text, table 二's range ends where it starts
    text = (
        TITLE + "一、总体情况 无。" + HEAD_2 + "规章000行政规范性文件111"
        + "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        + "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1" + HEAD_4 + "000000000000000"
    )  # fmt: skip
    out = extractor.extract_text(text).output
    assert out["tables"]["active_disclosure"]["normative_documents"] == {"issued": 1, "repealed": 1, "in_force": 1}
    assert out["tables"]["applications"]["new_received"]["total"] == 1
    assert out["tables"]["applications"]["carried_over"]["total"] is None


def test_a_sentence_listing_the_sections_heads_none(extractor: Extractor) -> None:
    text = (
        TITLE + "本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况。"
        + " 一、总体情况 无。" + HEAD_2 + "规章000行政规范性文件111"
    )  # fmt: skip
    out = extractor.extract_text(text).output
    got = {s["index"]: s["start"] for s in out["sections"]}
    assert got[1] == text.index(" 一、总体情况 无") + 1 and got[2] == text.index(HEAD_2)
