"""The row reader's "rows not found …; their cells are null" warning after a rebuild gave those rows values.

Seen on Chromium's raw pdftotext (session 22, lane chrome3): the first reader missed 部分公开's label, the
order fallback placed its seven cells, and the output still said the row's cells were null.
"""
from __future__ import annotations

from govreport.extraction.tables.result import TableResult
from govreport.extraction.templates import table_spec

SPEC = table_spec("2021", "applications")


def _missing(res: TableResult, rows: list[str]) -> None:
    res.warn(f"rows not found: {', '.join(rows)}; their cells are null")


def test_a_row_the_rebuild_placed_is_no_longer_said_null() -> None:
    res = TableResult.empty(SPEC)
    a, b = SPEC.row_keys[3], SPEC.row_keys[5]
    _missing(res, [a, b])
    for col in res.values[a]:
        res.values[a][col] = 0
    res.restate_missing_rows()
    (w,) = res.warnings
    assert w.startswith("applications: rows not found by their labels: ")
    assert f"the cells of {b} are null" in w and f"{a} placed from the value stream" in w
    assert "their cells are null" not in w


def test_every_row_placed_leaves_no_null_claim() -> None:
    res = TableResult.empty(SPEC)
    a = SPEC.row_keys[2]
    _missing(res, [a])
    res.values[a][next(iter(res.values[a]))] = 4  # one cell is enough: the row's cells are not all null
    res.restate_missing_rows()
    assert res.warnings == [f"applications: rows not found by their labels: {a}; {a} placed from the value stream without their labels"]


def test_rows_still_null_keep_the_warning_as_written() -> None:
    res = TableResult.empty(SPEC)
    _missing(res, [SPEC.row_keys[1]])
    res.warn("the table is cut off: 2 rows missing (x, y); their cells are null")
    before = list(res.warnings)
    res.restate_missing_rows()
    assert res.warnings == before
