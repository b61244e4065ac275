"""LibreOffice's "Text" export of a Word report (and any reader that writes a table one cell per
line in row order): a merged cell is an empty line where the rows below it begin, so a row's
last value stands right above the empty lines and the next row's numbered label."""
from __future__ import annotations

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger
from tests.reportkit import APP_HEADER, APP_LABELS_2021, COLS, applications_2021, fmt_num, report


@pytest.fixture(scope="module")
def extract():
    ex = Extractor(RuleTagger())
    return lambda text: ex.extract_text(text).output


def cell_per_line(table: dict) -> str:
    """Table 三 as LibreOffice writes it to text: every cell of a row on its own line, in row
    order; the continuation of a merged group cell (三、本年度办理结果, （三）不予公开) an empty line."""
    lines = APP_HEADER.rstrip("\n").replace("\t", "\n").split("\n")
    for key, label in APP_LABELS_2021:
        lines += label.split("\t")
        lines += [fmt_num(table[key][c]) for c in COLS]
    return "\n".join(lines)


def test_last_value_before_a_numbered_row_named_like_a_column_is_a_value(extract):
    """``…\\n4\\n\\n（七）总计``, ``…\\n4\\n\\n\\n3.其他``: the row's 总计 above the empty lines is a
    value, not a page number closing a page before a repeated header (总计 and 其他 are column
    headers, but a numbered line is a row's label)."""
    t = applications_2021()
    for key in ("other_unpaid_fee", "other_other"):  # 1-3 digit totals, like a page number
        assert 1 <= t[key]["total"] <= 999
    text = cell_per_line(t)
    assert "\n\n\n3.其他\n" in text and "\n\n（七）总计\n" in text
    out = extract(report(applications=text))
    assert out["tables"]["applications"] == t
    assert not [r for r in out["review_reasons"] if "applications" in r["tables"]], out["review_reasons"]
    assert not any("content order" in w for w in out["warnings"])
