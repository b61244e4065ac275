"""A row label cut over many narrow lines (pdfplumber text of a Word table with a narrow label
column) can move a row's values under the row above while every label word still seems to fit.
The numbering printed on the values' own line ("（四）3." → 四/3) then names another row: the
values are placed by a guess, flagged, never read in place."""
from __future__ import annotations

from pathlib import Path

import govreport
from govreport.extraction.templates import application_row_numbers

DATA = Path(__file__).parent / "data"
# the two table 三 rows printed in the input (pdfplumber extract_text() of a LibreOffice PDF)
PRINTED = {
    "unable_unclear_after_correction": [7, 5, 12, 0, 12, 0, 36],  # （四）3.补正后申请内容仍不明确
    "other_unpaid_fee": [5, 0, 31, 31, 5, 12, 84],  # （六）2.申请人逾期未按收费通知要求缴纳费用
}
COLS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total"]  # fmt: skip


def test_numbering_of_every_numbered_row_comes_from_the_template():
    nums = application_row_numbers()
    assert nums[("三", 8)] == "denied_administrative_inquiry"
    assert nums[("四", 3)] == "unable_unclear_after_correction"
    assert nums[("五", 1)] == "not_processed_petition"
    assert nums[("六", 2)] == "other_unpaid_fee"  # a 2021-format row: its "[2021 format only]" note is not the label


def test_values_under_a_row_their_numbering_does_not_name_are_flagged_not_read():
    r = govreport.extract((DATA / "pdfplumber_wrapped_row_labels.txt").read_text("utf-8"), tagger="rules").to_dict()
    apps, status = r["tables"]["applications"], r["cell_status"]["applications"]
    flagged = {c for x in r["review_reasons"] if x["code"] == "ambiguous_cell" for c in x["cells"]}
    for row, values in apps.items():
        for col, v in values.items():
            if v is None or status[row][col] != "read":
                continue
            # a value read in place is the printed value of its own row
            assert row in PRINTED and v == PRINTED[row][COLS.index(col)], (row, col, v)
    misplaced = [(row, col) for row, values in apps.items() for col, v in values.items()
                 if v is not None and (row not in PRINTED or v != PRINTED[row][COLS.index(col)])]  # fmt: skip
    assert all(f"applications.{row}.{col}" in flagged for row, col in misplaced)
    assert r["needs_review"]


def test_clean_report_raises_no_numbering_doubt():
    r = govreport.extract(Path("examples/report_2020.txt"), tagger="rules").to_dict()
    assert not any("numbering printed beside" in w for w in r["warnings"])
