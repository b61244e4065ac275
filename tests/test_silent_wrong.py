"""Wrong values that used to come back with no flag (``read``, ``needs_review`` false).

Each test takes the smallest input that showed one (the clean tab-separated corpus report with
one line changed, or a minimal hand-built report) and asserts the cells' statuses and the
report's verdict; the value only where reading it is certain."""
from __future__ import annotations

from pathlib import Path

import pytest

from govreport.extraction.export_text import FAILED_MARK, summary_text
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.generator import make_report
from tests.reportkit import ACTIVE_2021, REVIEW_HEADER, report

CORPUS = Path(__file__).parent / "data" / "corpus"
ACTIVE = "active_disclosure"


@pytest.fixture(scope="module")
def rules() -> Extractor:
    return Extractor(get_tagger("rules"))


@pytest.fixture(scope="module")
def hangzhou() -> str:
    return (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")


def mutate(text: str, old: str, new: str) -> str:
    assert old in text, "precondition: the report prints " + old
    return text.replace(old, new)


def codes(out: dict) -> dict[str, dict]:
    return {r["code"]: r for r in out["review_reasons"]}


def test_the_clean_corpus_report_needs_no_review(rules, hangzhou):
    out = rules.extract_text(hangzhou).output
    assert out["needs_review"] is False
    assert out["tables"][ACTIVE]["normative_documents"] == {"issued": 564, "repealed": 984, "in_force": 4185}


@pytest.mark.parametrize("old,new,row", [
    ("行政规范性文件\t564\t984\t4185", "行政规范性文件\t564\t4185", "normative_documents"),
    ("规章\t3\t5\t74", "规章\t3\t74", "regulations"),
])  # fmt: skip
def test_a_tab_row_short_of_a_value_is_placed_by_order_and_flagged(rules, hangzhou, old, new, row):
    out = rules.extract_text(mutate(hangzhou, old, new)).output
    status = out["cell_status"][ACTIVE][row]
    assert status["issued"] == status["repealed"] == "inferred"  # placed by order, not read in place
    reason = codes(out).get("ambiguous_cell")
    assert out["needs_review"] is True and reason is not None
    assert f"{ACTIVE}.{row}.repealed" in reason["cells"]
    assert any(f"row {row}: 2 values for 3 columns" in w for w in out["warnings"])


def test_a_blank_cell_that_keeps_its_tab_field_is_still_read_in_place(rules, hangzhou):
    out = rules.extract_text(mutate(hangzhou, "行政规范性文件\t564\t984\t4185", "行政规范性文件\t564\t\t4185")).output
    assert out["tables"][ACTIVE]["normative_documents"] == {"issued": 564, "repealed": None, "in_force": 4185}
    assert out["cell_status"][ACTIVE]["normative_documents"] == {"issued": "read", "repealed": "blank", "in_force": "read"}
    assert "ambiguous_cell" not in codes(out)


def test_a_review_row_short_of_a_tab_field_is_placed_by_order_and_flagged(rules):
    row = "\t".join(["3", "1", "2", "0", "6", "4", "0", "1", "2", "7", "1", "1", "0", "2"])  # 14 fields for 15 columns
    out = rules.extract_text(report(review=REVIEW_HEADER + "\n" + row)).output
    assert out["cell_status"]["review_litigation"]["administrative_review"]["upheld"] == "inferred"
    assert "ambiguous_cell" in codes(out)


def test_an_extra_value_one_per_line_is_warned_about_and_flagged(rules, hangzhou):
    text = mutate(hangzhou, "规章\t3\t5\t74\n行政规范性文件\t564\t984\t4185",
                  "规章\n5\n74\n行政规范性文件\n564\n3\n984\n4185")  # fmt: skip
    out = rules.extract_text(text).output
    assert any("row normative_documents: 4 values for 3 columns" in w for w in out["warnings"])
    reason = codes(out).get("ambiguous_cell")
    assert reason is not None
    assert {f"{ACTIVE}.normative_documents.{c}" for c in ("issued", "repealed", "in_force")} <= set(reason["cells"])
    assert set(out["cell_status"][ACTIVE]["normative_documents"].values()) == {"inferred"}


def test_a_negative_count_is_unreadable_and_flagged(rules, hangzhou):
    out = rules.extract_text(mutate(hangzhou, "行政许可\t11398889", "行政许可\t-5")).output
    assert out["tables"][ACTIVE]["administrative_license"]["decisions"] is None
    assert out["cell_status"][ACTIVE]["administrative_license"]["decisions"] == "unreadable"
    assert out["provenance"][ACTIVE]["administrative_license"]["decisions"]["text"] == "-5"
    assert f"{ACTIVE}.administrative_license.decisions" in codes(out)["unreadable_cell"]["cells"]


def test_a_negative_change_of_the_2019_format_is_read(rules):
    rep = make_report(3, 0, kinds=["negative_values"], fmt="2019", bare=True)
    gold = rep.gold["tables"][ACTIVE]
    negative = [(r, c) for r, cols in gold.items() for c, v in cols.items() if isinstance(v, (int, float)) and v < 0]
    assert negative and all(c == "change" for _, c in negative), "precondition: the kind prints a negative 本年增/减"
    out = rules.extract_text(rep.text).output
    for r, c in negative:
        assert out["tables"][ACTIVE][r][c] == gold[r][c]
        assert out["cell_status"][ACTIVE][r][c] == "read"


@pytest.mark.parametrize("zero", ["零", "〇"])
def test_zero_as_a_word_is_read_as_0(rules, zero):
    active = ACTIVE_2021.format(r0=3, r1=5, r2=74, n0=564, n1=984, n2=4185, lic=zero, pen=2753, coe=12, fee=0)
    out = rules.extract_text(report(active)).output
    assert out["tables"][ACTIVE]["administrative_license"]["decisions"] == 0
    assert out["cell_status"][ACTIVE]["administrative_license"]["decisions"] == "read"


def test_a_trailing_extra_review_value_is_explained_and_not_shown_as_a_failed_check(rules):
    values = [3, 1, 2, 0, 6, 4, 0, 1, 2, 7, 1, 1, 0, 0, 2, 16]  # a 16th value after the 15 columns
    out = rules.extract_text(report(review=REVIEW_HEADER + "\n" + "\t".join(map(str, values)))).output
    assert out["tables"]["review_litigation"]["litigation_after_review"]["total"] == 2
    # one drop restores the arithmetic: a single-candidate inference, no reason of its own
    assert not [r for r in out["review_reasons"] if "review_litigation" in r["tables"]]
    assert out["cell_status"]["review_litigation"]["administrative_review"]["upheld"] == "inferred"
    warning = next(w for w in out["warnings"] if w.startswith("review_litigation"))
    assert "the 16th value (16) printed after the 15 columns was left out: the totals add up without it" in warning
    summary = summary_text(out)
    warning_lines = [ln for ln in summary.splitlines() if "16th value" in ln]
    assert warning_lines and not any(ln.strip().startswith(FAILED_MARK) for ln in warning_lines)



def test_an_extra_review_value_beside_a_blank_mark_is_an_undetermined_drop(rules):
    # a blank printed as ``—`` adds 0 to its group, like an empty cell: leaving out the ``—`` or
    # any one of the zeros restores the arithmetic, so whether 结果维持 is blank or 0 is a guess
    # (leaving out the ``—`` came back 0 with no reason to review)
    values = ["—"] + ["0"] * 15
    out = rules.extract_text(report(review=REVIEW_HEADER + "\n" + "\t".join(values))).output
    assert out["needs_review"]
    assert "review_litigation.administrative_review.upheld" in codes(out)["ambiguous_cell"]["cells"]
    assert "more than one choice fits" in next(w for w in out["warnings"] if w.startswith("review_litigation"))


def test_an_extra_applications_value_beside_a_blank_mark_is_an_undetermined_drop(rules, hangzhou):
    # the same in table 三: ``—`` and seven zeros under seven columns; leaving out the ``—`` or a
    # zero both restore 总计, so which cell is blank is a guess (it came back with no review reason)
    text = mutate(hangzhou, "3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0", "3.要求提供公开出版物\t—\t0\t0\t0\t0\t0\t0\t0")
    out = rules.extract_text(text).output
    assert "applications.not_processed_publication.natural_person" in codes(out)["ambiguous_cell"]["cells"]

# A wrapped header whose lines stand at other positions (WPS's PDF read by govreport's reader:
# each glyph placed on its own, ``本年制发件`` over ``数`` a few columns further left): the one
# value of 规章 stands nearer the first header word by the first line and right under the second
# column's ``数`` by the second; which column it is cannot be told.
ACTIVE_WRAPPED_HEADER = (
    "第二十条第（一）项\n"
    "信息内容                                        本年制发件  本年废止件  现行有效件\n"
    "                                                数       数       数\n"
    "规章                                                     3\n"
    "行政规范性文件                                  —        1\n"
    "第二十条第（五）项\n"
    "信息内容                                        本年处理决定数量\n"
    "行政许可                                        3\n"
)


def test_a_lone_value_that_a_wrapped_header_s_lines_place_under_different_columns_is_flagged(rules):
    out = rules.extract_text(report(active=ACTIVE_WRAPPED_HEADER), filename="r.txt").output
    placed = [c for c, v in out["tables"][ACTIVE]["regulations"].items() if v == 3]
    assert placed and all(out["cell_status"][ACTIVE]["regulations"][c] != "read" for c in placed)
    assert f"{ACTIVE}.regulations.{placed[0]}" in codes(out)["ambiguous_cell"]["cells"]
    # a row whose header lines agree on its values' columns stays read
    assert out["cell_status"][ACTIVE]["normative_documents"]["repealed"] == "read"
    assert out["tables"][ACTIVE]["normative_documents"] == {"issued": None, "repealed": 1, "in_force": None}
