"""Table 三 from raw pdftotext with blank cells unprinted, divided under the column identities."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.result import BLANK, INFERRED, UNREADABLE, TableResult
from govreport.extraction.tables.blankdivision import (
    _EMPTY,
    blank_identities_result,
    solve_blank_identities,
    solve_blank_stream,
)
from govreport.extraction.tables.streamorder import lone_numbers
from govreport.extraction.templates import table_spec

E = None  # a blank cell: printed as nothing
SPEC = table_spec("2021", "applications")
KEYS = list(SPEC.row_keys)
COLS = SPEC.rows[0].cols
RESULTS = KEYS[KEYS.index("granted") : KEYS.index("total_handled")]


def _table(short: dict[str, list]) -> dict[str, list]:
    """A consistent table 三: result row i holds i+1 under 自然人 and 总计, 一 and (七) their sum,
    the rest zero; ``short`` rows replaced (blank cells where the value is 0)."""
    truth = {k: [0] * 7 for k in KEYS}
    for i, k in enumerate(RESULTS):
        truth[k] = [i + 1, 0, 0, 0, 0, 0, i + 1]
    total = sum(range(1, len(RESULTS) + 1))
    truth["total_handled"] = truth["new_received"] = [total, 0, 0, 0, 0, 0, total]
    truth.update(short)
    return truth


def _stream(truth):
    return [v for k in KEYS for v in truth[k] if v is not None]


def _sets(sol):
    return [[set(cell) for cell in row] for row in sol.cells]


def test_the_column_identities_place_a_short_row_the_row_total_alone_does_not():
    # 三(三)1.'s zeros printed blank: "3 3" — the 3 under any applicant column meets the row's 总计,
    # only 自然人 meets the column identities (the other columns' (七)总计 are 0)
    row = RESULTS[2]
    truth = _table({row: [3, E, E, E, E, E, 3]})
    stream = _stream(truth)
    loose = solve_blank_stream(stream, len(KEYS))
    assert loose is not None and len(loose.cells[KEYS.index(row)][0]) > 1
    sol = solve_blank_identities(stream, KEYS, trail=False)  # (trailing values: the last row's zeros open)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    # every cell decided, and as the report prints it (an empty cell: nothing printed)
    assert all(sets[r][c] == {_EMPTY if v is None else v} for r, k in enumerate(KEYS) for c, v in enumerate(truth[k]))


def test_cells_the_fitting_divisions_disagree_on_are_left_open():
    # a row with two of its zeros printed blank: "6 0 0 0 6" — which two of its five zeros' cells
    # are empty is not printed; the identities hold either way
    row = RESULTS[5]
    truth = _table({row: [6, 0, E, 0, E, 0, 6]})
    sol = solve_blank_identities(_stream(truth), KEYS, trail=False)
    assert sol is not None
    sets = _sets(sol)
    r = KEYS.index(row)
    assert sets[r][0] == {6} and sets[r][6] == {6} and all(sets[r][c] == {0, _EMPTY} for c in range(1, 6))
    # the report's grid is among the divisions, and the other rows are decided
    assert all((_EMPTY if v is None else v) in sets[q][c] for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))
    assert all(len(s) == 1 for q in range(len(KEYS)) if q != r for s in sets[q])


def test_a_row_printing_only_a_non_zero_total_leaves_no_division_and_the_search_is_bounded():
    # its applicant cells are not printed, so they are not known: no division meets the identities
    truth = _table({RESULTS[3]: [E, E, E, E, E, E, 4]})
    assert solve_blank_identities(_stream(truth), KEYS) is None
    # counts only: a negative or fractional value is not searched
    assert solve_blank_identities([1.5] + _stream(_table({}))[1:], KEYS) is None
    # the limit is checked before each state is taken
    big = solve_blank_identities(_stream(_table({RESULTS[2]: [3, E, E, E, E, E, 3]})), KEYS, limit=5)
    assert big is not None and big.exceeded


def _result(truth):
    text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in _stream(truth))
    doc = Document(text)
    cells, hints = lone_numbers(doc, split_lines(text))
    res = TableResult.empty(SPEC)
    res.values["new_received"].update(dict.fromkeys(COLS, 0), natural_person=9, total=1)  # the reading by order breaks 总计
    return res, blank_identities_result(res, cells, hints, 0, frozenset())


def test_the_rebuilt_table_places_decided_cells_blank_and_open_ones_flagged():
    short, zeros = RESULTS[2], RESULTS[5]
    truth = _table({short: [3, E, E, E, E, E, 3], zeros: [6, 0, E, 0, E, 0, 6]})
    res, out = _result(truth)
    assert out is not None
    st = out.statuses()
    assert out.values[short]["natural_person"] == 3 and st[short]["natural_person"] == INFERRED
    assert out.values[short]["commercial_enterprise"] is None and st[short]["commercial_enterprise"] == BLANK
    assert out.values[zeros]["research_institution"] is None and st[zeros]["research_institution"] == UNREADABLE
    assert out.values[zeros]["natural_person"] == 6 == out.values[zeros]["total"]
    assert any("null: " in w and f"{zeros}.research_institution" in w for w in out.warnings)
    # every cell decided is the report's
    for k in KEYS:
        for c, col in enumerate(COLS):
            if st[k][col] != UNREADABLE:
                assert out.values[k][col] == truth[k][c]
    # a row printing only a non-zero total: nothing chosen (the reading is kept)
    res, out = _result(_table({RESULTS[3]: [E, E, E, E, E, E, 4]}))
    assert out is None and not res.warnings


def test_past_the_state_limit_nothing_is_chosen_and_the_reading_says_so(monkeypatch):
    import govreport.extraction.tables.blankdivision as blankdivision

    monkeypatch.setattr(blankdivision, "IDENTITY_STATE_LIMIT", 5)
    res, out = _result(_table({RESULTS[2]: [3, E, E, E, E, E, 3]}))
    assert out is None and any("more than 5 states" in w for w in res.warnings)


def test_a_row_that_prints_nothing_is_among_the_divisions_and_trailing_values_are_not_passed_over():
    # 三(三)3. with every cell empty (nothing printed): the identities add the result rows up, so
    # which of them printed nothing is not in the text (the others full, any could be the empty one)
    empty = RESULTS[4]
    truth = _table({empty: [E] * 7})
    for key in ("new_received", "total_handled"):
        truth[key] = [truth[key][0] - 5, 0, 0, 0, 0, 0, truth[key][6] - 5]
    sol = solve_blank_identities(_stream(truth), KEYS)
    assert sol is not None
    sets = _sets(sol)
    r = KEYS.index(empty)
    assert all((_EMPTY if v is None else v) in sets[q][c] for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))
    assert sets[r][0] == {4, _EMPTY, 6} and sets[r + 1][0] == {_EMPTY, 6, 7}
    # passing over the values after the last row, every row could print nothing: not by default
    assert solve_blank_identities(_stream(truth) + [7], KEYS) is None


def test_a_reading_whose_rows_came_with_their_labels_is_not_rebuilt():
    # a table whose rows were read with their labels (a row printing only 总计 ``0`` read in place,
    # tab-separated): its cells stand, the stream of its lone values is not divided again
    truth = _table({RESULTS[2]: [3, E, E, E, E, E, 3]})
    text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in _stream(truth))
    doc = Document(text)
    cells, hints = lone_numbers(doc, split_lines(text))
    res = TableResult.empty(SPEC)
    for k in KEYS:
        res.status[k] = {col: "read" for col in COLS}
    res.values["new_received"].update(dict.fromkeys(COLS, 0), natural_person=9, total=1)
    assert blank_identities_result(res, cells, hints, 0, frozenset()) is None
    res.by_order = set(KEYS)  # the same rows paired with their values by order: the content stream
    assert blank_identities_result(res, cells, hints, 0, frozenset()) is not None
    # a reading by order that breaks no identity its cells let be checked (null cells only) is kept
    res.values["new_received"].update(dict.fromkeys(COLS, None))
    assert blank_identities_result(res, cells, hints, 0, frozenset()) is None
