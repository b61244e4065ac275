"""Table 三 rows paired with their values by order alone: which of their cells the reading determines
(``extraction/tables/ordercells.py``, used by ``streamorder.distrust_order``)."""
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.ordercells import Undetermined, undetermined_by_order
from govreport.extraction.tables.result import TableResult
from govreport.extraction.templates import table_spec

from .reportkit import COLS, applications_2021

SPEC = table_spec("2021", "applications")


def _cell(v: int) -> Cell:
    return Cell(value=v, raw=str(v), start=0, end=len(str(v)), line=0, field=0, x=0, score=1.0)


def _result(rows: dict[str, list[int | None]], by_order: set[str]) -> TableResult:
    """Table 三 as the ordinary reading leaves it: each row's values where given (``None``: the
    cell was given no value), every printed value ``inferred``; ``by_order``: rows paired with
    their values by order alone."""
    res = TableResult.empty(SPEC)
    for row, values in rows.items():
        res.found(row)
        for col, v in zip(COLS, values):
            if v is not None:
                res.put(row, col, _cell(v), inferred=True)
    res.by_order = set(by_order)
    return res


def _consistent() -> dict[str, list[int | None]]:
    t = applications_2021()
    return {r: [t[r][c] for c in COLS] for r in SPEC.row_keys}


def test_a_short_row_placed_from_the_left_whose_arithmetic_leaves_other_places_is_named():
    rows = _consistent()
    rows["carried_over"] = [2, 2, None, None, None, None, None]  # two values for seven columns
    res = _result(rows, set(SPEC.row_keys))
    # no place of (2, 2) meets the column identities with the other rows (they want 1…6 and 21
    # there), so the row decides alone: 2 under any applicant column and 2 under 总计 — none pinned
    assert set(undetermined_by_order(res).short) == {("carried_over", "natural_person"), ("carried_over", "commercial_enterprise")}


def test_the_column_identities_pin_a_short_row_s_value_and_name_the_rest():
    rows = _consistent()
    a = rows["carried_over"][0]
    truth = [a, 0, 0, 0, 0, 0, a]
    # the true row: a under 自然人 and 总计, the other cells printed blank; its neighbours agree
    t = applications_2021()
    for j, c in enumerate(COLS):
        t["new_received"][c] = t["total_handled"][c] + t["carried_forward"][c] - truth[j]
    rows["new_received"] = [t["new_received"][c] for c in COLS]
    rows["carried_over"] = [a, a, None, None, None, None, None]  # its two values placed from the left
    res = _result(rows, set(SPEC.row_keys))
    # 一+二 = (七)总计+四 per column leaves one place: a under 自然人 (kept), the other a under 总计
    assert undetermined_by_order(res).short == [("carried_over", "commercial_enterprise")]


def test_rows_with_every_value_meeting_their_total_or_read_with_their_labels_are_not_named():
    rows = _consistent()
    rows["granted"] = [1, 1, None, None, None, None, None]  # short, but read with its label
    res = _result(rows, set(SPEC.row_keys) - {"granted"})
    assert undetermined_by_order(res) == Undetermined([], [])


def test_seven_values_by_order_that_break_the_row_s_total_are_all_named():
    rows = _consistent()
    rows["granted"] = [rows["granted"][0] + 1] + rows["granted"][1:]
    res = _result(rows, set(SPEC.row_keys))
    # values of two rows run together, or the report's own sum wrong: the reading cannot tell (the
    # column identities' other rows are placed by order too: a sum that holds confirms nothing)
    assert undetermined_by_order(res) == Undetermined([], [("granted", c) for c in COLS])
    # the same row read with its label is the report's own sum: not named
    assert undetermined_by_order(_result(rows, set(SPEC.row_keys) - {"granted"})) == Undetermined([], [])


def test_distrust_order_reports_a_short_row_s_unplaced_values_null_not_a_guess():
    from govreport.extraction.tables.streamorder import distrust_order

    rows = _consistent()
    rows["carried_over"] = [2, 2, None, None, None, None, None]
    res = distrust_order(_result(rows, set(SPEC.row_keys)))
    assert res.values["carried_over"] == {c: None for c in COLS}
    assert all(res.statuses()["carried_over"][c] == "unreadable" for c in COLS)
    # null, so no longer a guess the review names; the text 2 is not claimed as either cell's
    assert not {("carried_over", c) for c in COLS} & res.ambiguous
    assert "natural_person" not in res.provenance.get("carried_over", {})
    assert any("fewer values than columns" in w and "carried_over.commercial_enterprise" in w for w in res.warnings)
    # the other rows by order are still guesses, flagged
    assert ("granted", "natural_person") in res.ambiguous


def test_distrust_order_flags_a_row_read_with_its_label_whose_seven_values_break_its_total():
    # Chromium's raw pdftotext: the seven values after 1.属于国家秘密 were a column block of three rows'
    # values (68 0 44 …) read as that row's, and kept `read` although 68 + 44 ≠ 3
    from govreport.extraction.tables.streamorder import distrust_order

    rows = _consistent()
    rows["granted"] = [68, 0, 44, 0, 0, 0, 3]
    res = _result(rows, {"carried_over"})
    for row in ("granted", "partially_granted"):  # read with their labels, not by order
        for c in COLS:
            res.status[row][c] = "read"
    res = distrust_order(res)
    assert all(res.statuses()["granted"][c] == "inferred" for c in COLS)
    assert res.values["granted"]["natural_person"] == 68  # kept: the report's own sum may be the wrong one
    assert {("granted", c) for c in COLS} <= res.ambiguous
    assert any("break 总计" in w and "granted" in w for w in res.warnings)
    # a row read with its label that meets its total stays read
    assert all(res.statuses()["partially_granted"][c] == "read" for c in COLS)
