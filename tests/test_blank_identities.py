"""Table 三 from raw pdftotext with blank cells unprinted, divided under the column identities."""
import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.result import BLANK, INFERRED, UNREADABLE, TableResult
from govreport.extraction.tables.blankdivision import (
    _EMPTY,
    SECOND_ROW_ORDER,
    TooManyStates,
    _partial_group_steps,
    blank_identities_result,
    solve_blank_identities,
    solve_blank_stream,
)
from govreport.extraction.tables.streamorder import lone_numbers, page_tops
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


def test_a_row_printing_only_a_non_zero_total_is_a_division_with_the_identities_it_enters_dropped():
    # its breakdown is not printed, so its share of the applicant columns is not known: the
    # identity it enters ((七)总计 = 三(一)…(六)) drops out in those six columns, the 总计 column and
    # 一+二 = (七)总计 + 四 still place the other rows
    row = RESULTS[3]
    truth = _table({row: [E, E, E, E, E, E, 4]})
    # (the table's (七)总计 still counts the row's 4 under 自然人: that column's identity breaks as printed)
    sol = solve_blank_identities(_stream(truth), KEYS, broken=True)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    r = KEYS.index(row)
    assert sets[r] == [{_EMPTY}] * 6 + [{4}]
    assert all(sets[q][c] == {truth[k][c]} for q, k in enumerate(KEYS) if q != r for c in range(7))
    # without such rows no division fits
    assert solve_blank_identities(_stream(truth), KEYS) is None


def test_divisions_with_rows_printing_only_total_are_placed_where_they_agree_and_null_where_not():
    # 三(三)4. prints only its 总计 6 and 三(三)5. nothing: the 6 is either one's 总计 (both rows enter
    # the same identities, each division takes one such row): those cells are null with a warning,
    # the cells every division gives one value are placed
    truth = _table({RESULTS[5]: [E, E, E, E, E, E, 6], RESULTS[6]: [E] * 7})
    for key in ("new_received", "total_handled"):
        truth[key] = [truth[key][0] - 7, 0, 0, 0, 0, 0, truth[key][6] - 7]
    sol = solve_blank_identities(_stream(truth), KEYS, broken=True)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    a, b = KEYS.index(RESULTS[5]), KEYS.index(RESULTS[6])
    assert {6, _EMPTY} <= sets[a][6] and {6, _EMPTY} <= sets[b][6]
    assert all((_EMPTY if v is None else v) in sets[q][c] for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))
    res, out = _result(truth)
    assert out is not None
    st = out.statuses()
    for key in RESULTS[5:7]:
        assert out.values[key]["total"] is None and st[key]["total"] == UNREADABLE
    assert any("more than one division" in w and f"{RESULTS[5]}.total" in w for w in out.warnings)
    assert any("rows print only a non-zero 总计" in w for w in out.warnings)
    # every cell placed is the report's
    for k in KEYS:
        for c, col in enumerate(COLS):
            if st[k][col] != UNREADABLE:
                assert out.values[k][col] == truth[k][c], (k, col)
    # (七)总计 is placed (where it stands no division moves it); the rows before it may print fewer
    # values in a division, the identity the broken row enters being unchecked in their columns
    assert out.values["total_handled"]["total"] == truth["total_handled"][6] and st["total_handled"]["total"] == INFERRED


def test_divisions_whose_rows_printing_only_total_leave_no_identity_checked_only_rule_out_guesses():
    # (七)总计 prints only its total: it enters both column identities, so in the applicant columns only
    # the rows' own 总计 check the cells; those divisions are not placed, they only null the guesses
    # by order that none of them gives
    truth = _table({"total_handled": [E, E, E, E, E, E, _table({})["total_handled"][6]]})
    sol = solve_blank_identities(_stream(truth), KEYS, broken=True)
    assert sol is not None and not sol.exceeded and sol.unchecked
    res, out = _result(truth)
    assert out is None
    assert res.values["new_received"]["natural_person"] is None and res.status["new_received"]["natural_person"] == UNREADABLE
    assert any("rows printing only 总计" in w and "new_received.natural_person" in w for w in res.warnings)
    # a row printing only 总计 that leaves an identity checked in them is placed (above)
    assert not solve_blank_identities(_stream(_table({RESULTS[3]: [E, E, E, E, E, E, 4]})), KEYS, broken=True).unchecked


def test_zeros_right_before_a_row_printing_only_total_are_left_open():
    # 三(三)3. prints zeros, 三(三)4. only its 总计 5: a row whose arithmetic is broken may print zeros
    # in its applicant cells too, so the zeros before the 5 may be its own, and which cells of the
    # rows of zeros before it are then blank is not printed: null, with a warning saying why
    truth = _table({RESULTS[3]: [0] * 7, RESULTS[4]: [E, E, E, E, E, E, 5]})
    for key in ("new_received", "total_handled"):
        truth[key] = [truth[key][0] - 4, 0, 0, 0, 0, 0, truth[key][6] - 4]
    res, out = _result(truth)
    assert out is not None
    st = out.statuses()
    zeros = RESULTS[3]
    assert all(out.values[zeros][col] is None and st[zeros][col] == UNREADABLE for col in COLS)
    assert any("zeros right before the total" in w and f"{zeros}.natural_person" in w for w in out.warnings)
    assert out.values[RESULTS[4]]["total"] == 5 and out.values[RESULTS[2]]["natural_person"] == 3
    for k in KEYS:
        for c, col in enumerate(COLS):
            if st[k][col] != UNREADABLE:
                assert out.values[k][col] == truth[k][c], (k, col)


def _group_stream(truth: dict[str, list], group: list[str]) -> tuple[list, list[bool]]:
    """The stream of ``truth`` with the rows ``group`` written column by column (a block per
    column of their non-empty cells), every other row a block per non-empty cell; and where the
    reading starts a block."""
    values: list = []
    starts: list[bool] = []
    for k in KEYS:
        if k in group[1:]:
            continue
        if k == group[0]:
            for c in range(7):
                col = [truth[g][c] for g in group if truth[g][c] is not None]
                values += col
                starts += [True] + [False] * (len(col) - 1)
        else:
            row = [v for v in truth[k] if v is not None]
            values += row
            starts += [True] * len(row)
    return values, starts


def test_a_row_group_with_an_empty_cell_is_divided_by_its_column_blocks():
    # 三(一) and 三(二) joined column by column, 三(二)'s 科研机构 empty: that column's block holds one
    # value, "0", which could be either row's (the other's cell empty); the rest is decided
    g = RESULTS[:2]
    truth = _table({g[1]: [2, 0, E, 0, 0, 0, 2]})
    values, starts = _group_stream(truth, g)
    assert solve_blank_identities(values, KEYS) is None  # groups of full rows only: no division
    sol = solve_blank_identities(values, KEYS, starts=starts)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    a, b = KEYS.index(g[0]), KEYS.index(g[1])
    assert sets[a][2] == {0, _EMPTY} and sets[b][2] == {0, _EMPTY}
    assert all(sets[q][c] == {_EMPTY if v is None else v} for q, k in enumerate(KEYS) for c, v in enumerate(truth[k])
               if c != 2 or q not in (a, b))  # fmt: skip
    # a group walked through more than its limit gives up (checked before each state is taken)
    with pytest.raises(TooManyStates):
        _partial_group_steps(values, values.index(1), 2, starts, limit=3)
    # and the walks of one search share a budget: spent, the next walk gives up before its first state
    with pytest.raises(TooManyStates):
        _partial_group_steps(values, values.index(1), 2, starts, budget=[0])
    import govreport.extraction.tables.blankdivision as blankdivision

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(blankdivision, "PARTIAL_GROUP_TOTAL", 3)
        sol = solve_blank_identities(values, KEYS, starts=starts)
        assert sol is not None and sol.exceeded


def test_a_row_group_s_row_printing_only_a_non_zero_total_is_divided_with_such_rows():
    # 三(一) prints only its 总计 (1: its breakdown not printed, so the applicant columns' identities
    # break), joined column by column with 三(二) (2 0 0 0 0 0 2): the 总计 column's block is "1 2",
    # every other column's block 三(二)'s value alone. A row printing only 总计 prints no number
    # before it, so every applicant value is 三(二)'s
    g = RESULTS[:2]
    truth = _table({g[0]: [E, E, E, E, E, E, 1], g[1]: [2, 0, 0, 0, 0, 0, 2]})
    values, starts = _group_stream(truth, g)
    assert solve_blank_identities(values, KEYS, starts=starts) is None  # its identities break
    sol = solve_blank_identities(values, KEYS, starts=starts, broken=True)
    assert sol is not None and not sol.exceeded and not sol.unchecked
    sets = _sets(sol)
    a, b = KEYS.index(g[0]), KEYS.index(g[1])
    assert sets[a] == [{_EMPTY}] * 6 + [{1}]
    assert sets[b] == [{2}] + [{0}] * 5 + [{2}]
    assert sol.broken_at == {values.index(1)}
    # the group's walk gives the step with the row marked as printing only 总计 (bit 0 of the mask)
    steps = _partial_group_steps(values, values.index(2), 2, starts, broken=True)
    assert [(used, sums, hidden) for used, _, sums, hidden in steps] == [(8, [(0,) * 6 + (1,), (2,) + (0,) * 5 + (2,)], 0b01)]
    assert _partial_group_steps(values, values.index(2), 2, starts) == []  # without ``broken``: none
    # a row printing only 总计 is a group's only where its total joins another row's in the group's
    # 总计 block: "— 0 | 0 | 0 | 0 | 0 | 0 | 7", the 7 alone, is no group with 7 its first row's total
    # (a single row printing only 总计 after a group is ``_broken_row_steps``')
    alone = [None, 0, 0, 0, 0, 0, 0, 7, 99]
    steps = _partial_group_steps(alone, 0, 2, [True, False] + [True] * 7, broken=True)
    assert not any(hidden for _, _, _, hidden in steps)


def test_a_row_group_s_walk_takes_only_placements_that_can_still_meet_the_rows_totals():
    # three rows column by column, four cells empty: each column's block may sit in its rows' cells
    # in up to eight ways, and only the 总计 column rules most of them out. A placement is walked
    # only where the columns left can still meet every row's 总计 (judged on the rows' sums; a row
    # whose cells add past every value left cannot), so the one grid is found within 1,000 states
    # (walking every placement to the 总计 column took 13,442); the 99 after it is no row's
    rows = [[5, 3, E, 2, 0, 1, 11], [4, E, 6, 0, 0, 0, 10], [7, 2, 1, E, 3, 0, 13]]
    values: list = []
    starts: list[bool] = []
    for c in range(7):
        col = [r[c] for r in rows if r[c] is not None]
        values += col
        starts += [True] + [False] * (len(col) - 1)
    steps = _partial_group_steps(values + [99], 0, 3, starts + [True], limit=1_000)
    assert [(used, sums) for used, _, sums, _ in steps] == [(18, [tuple(0 if v is None else v for v in r) for r in rows])]
    ((_, cells, _, _),) = steps
    assert cells[0][0] == [(5, 0)] and cells[1][1] == [(_EMPTY, None)] and cells[2][6] == [(13, 17)]
    # the judged states count against the limit too: checked before each is taken
    with pytest.raises(TooManyStates):
        _partial_group_steps(values + [99], 0, 3, starts + [True], limit=20)


def test_a_page_s_second_row_drawn_with_the_cut_header_columns_last_is_divided():
    # LibreOffice's PDF read by raw pdftotext: the page's second row (二, 商业企业's 1 and 科研机构's
    # cell empty) comes 自然人, 社会公益, 法律服务, 其他, 总计, then 商业企业: "2 0 0 0 3 1"
    truth = _table({"carried_over": [2, 1, E, 0, 0, 0, 3], "carried_forward": [2, 1, 0, 0, 0, 0, 3]})
    second = [truth["carried_over"][c] for c in SECOND_ROW_ORDER if truth["carried_over"][c] is not None]
    assert second == [2, 0, 0, 0, 3, 1]
    stream = truth["new_received"] + second + [v for k in KEYS[2:] for v in truth[k] if v is not None]
    text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in stream)
    doc = Document(text)
    lines = split_lines(text)
    cells, hints = lone_numbers(doc, lines)
    tops = page_tops(doc, lines, cells)
    assert tops == {0}
    assert solve_blank_identities(stream, KEYS) is None  # in column order no division fits
    sol = solve_blank_identities(stream, KEYS, tops=tops)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    # every cell decided and as the report prints it: the second row's empty 科研机构 too (the
    # order puts it last, and six values fill the columns before it)
    assert all(sets[q][c] == {_EMPTY if v is None else v} for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))


def test_the_values_drawn_among_the_first_column_header_are_row_one_s():
    # LibreOffice's PDF read by raw pdftotext: row 一's values come between the first column
    # header's pieces ("商业企 科研机 业 构 210 0 0 | 社会公 益组织 0 | …"), 二 prints seven zeros and
    # the last result row nothing. 一 and 二 enter the identities only as a sum, so a division with
    # 一 printing nothing, 二 taking 一's values and every row down to the empty one shifted by one
    # fits the arithmetic too; the values drawn among the header are 一's, so it does not fit the reading
    empty = RESULTS[-1]
    truth = _table({empty: [E] * 7})
    for key in ("new_received", "total_handled"):
        truth[key] = [truth[key][0] - len(RESULTS), 0, 0, 0, 0, 0, truth[key][6] - len(RESULTS)]
    head = ("申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n{}\n{}\n{}\n\n社会公\n益组织\n{}\n\n"
            "法律服\n务机构\n{}\n\n其他\n{}\n\n{}\n\n").format(*truth["new_received"])
    text = head + "".join(f"{v}\n\n" for k in KEYS[1:] for v in truth[k] if v is not None)
    doc = Document(text)
    lines = split_lines(text)
    cells, hints = lone_numbers(doc, lines)
    tops = page_tops(doc, lines, cells)
    values = [c.value for c in cells]
    assert tops == {0} and hints[3:6] == [3, 4, 5]
    # by the arithmetic alone 一 may print nothing
    loose = _sets(solve_blank_identities(values, KEYS, hints=hints))
    assert all(_EMPTY in cell for cell in loose[0]) and truth["new_received"][0] in loose[1][0]
    sol = solve_blank_identities(values, KEYS, hints=hints, tops=tops)
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    assert sets[0] == [{v} for v in truth["new_received"]]
    # the report's grid is still among the divisions (which later row printed nothing stays open)
    assert all((_EMPTY if v is None else v) in sets[q][c] for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))


def test_no_row_runs_across_a_page_top():
    # three rows of zeros, the third the first on a new page (its column headers repeated), and the
    # next row printing only its 总计 0: by the arithmetic any of the four may be the short one; a
    # row's values stand on one page, so the page holds 7 + 1 values for its two rows and the first
    # page's two rows of zeros are whole
    zeros, short = RESULTS[3:6], RESULTS[6]
    truth = _table({**{k: [0] * 7 for k in zeros}, short: [E] * 6 + [0]})
    drop = sum(RESULTS.index(k) + 1 for k in (*zeros, short))
    for key in ("new_received", "total_handled"):
        truth[key] = [truth[key][0] - drop, 0, 0, 0, 0, 0, truth[key][6] - drop]
    stream = _stream(truth)
    top = sum(len([v for v in truth[k] if v is not None]) for k in KEYS[: KEYS.index(zeros[2])])
    first = [KEYS.index(k) for k in zeros[:2]]
    loose = solve_blank_identities(stream, KEYS, tops=frozenset({0}))
    assert loose is not None and all(_EMPTY in _sets(loose)[r][6] for r in first)
    sol = solve_blank_identities(stream, KEYS, tops=frozenset({0, top}))
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    assert all(sets[r] == [{0}] * 7 for r in first)
    # on the new page which of its two rows prints only 总计 stays open
    assert _EMPTY in sets[KEYS.index(zeros[2])][6] and 0 in sets[KEYS.index(short)][0]
    assert all((_EMPTY if v is None else v) in sets[q][c] for q, k in enumerate(KEYS) for c, v in enumerate(truth[k]))


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
    # a row printing only a non-zero total (its 4 after 三(三)1.'s 3): placed, its applicant cells blank
    truth = _table({RESULTS[3]: [E, E, E, E, E, E, 4]})
    res, out = _result(truth)
    assert out is not None and out.values[RESULTS[3]]["total"] == 4
    assert out.statuses()[RESULTS[3]]["natural_person"] == BLANK


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


def _zeros_with_a_mark(row: str, col: int) -> list:
    """Table 三 of zeros, every cell printed, ``row``'s ``col`` a printed blank mark (— / 无: None)."""
    return [None if (k, c) == (row, col) else 0 for k in KEYS for c in range(7)]


def test_values_each_in_a_block_of_their_own_are_no_row_group():
    # a table of zeros printed in full, one cell a blank mark: read column by column as a group of
    # two rows, the same values put the mark under another row and column, and zeros fit anywhere;
    # raw pdftotext joins a group's cells of one column into a block, so where the reading prints
    # every value as a block of its own no value is a group's and the mark's cell is decided
    row = RESULTS[3]
    values = _zeros_with_a_mark(row, 3)
    r = KEYS.index(row)
    blind = solve_blank_identities(values, KEYS)
    assert blind is not None and set(blind.cells[r][3]) == {None, 0}
    sol = solve_blank_identities(values, KEYS, starts=[True] * len(values))
    assert sol is not None and not sol.exceeded
    assert all(set(sol.cells[q][c]) == {None if (q, c) == (r, 3) else 0} for q in range(len(KEYS)) for c in range(7))


def test_a_real_group_s_column_blocks_keep_lone_values_single_rows():
    # the same table with 三(一) and 三(二) written as a group (seven blocks of two values, each
    # row meeting its 总计): the joined blocks follow the model, so lone values are single rows' cells
    g = RESULTS[:2]
    truth = {k: [0] * 7 for k in KEYS}
    truth[g[0]] = [1, 0, 0, 0, 0, 0, 1]
    truth["new_received"] = truth["total_handled"] = [1, 0, 0, 0, 0, 0, 1]
    values, starts = _group_stream(truth, g)
    mark = KEYS.index(RESULTS[4])
    at = len(values) - 7 * (len(KEYS) - mark) + 5  # 三(三)2.'s 其他 printed as a blank mark
    values[at] = None
    sol = solve_blank_identities(values, KEYS, starts=starts)
    assert sol is not None and set(sol.cells[mark][5]) == {None}
    assert set(sol.cells[KEYS.index(g[0])][0]) == {1} and set(sol.cells[KEYS.index(g[1])][0]) == {0}


def test_blocks_joined_outside_the_model_leave_lone_values_open():
    # two values of a single row joined into one block (a reading outside the model: blocks joined
    # another way than a group's columns): a value alone in its block is then no evidence, and the
    # divisions with groups count as before (the mark's cell open)
    row = RESULTS[3]
    values = _zeros_with_a_mark(row, 3)
    starts = [True] * len(values)
    starts[KEYS.index(RESULTS[8]) * 7 + 2] = False
    sol = solve_blank_identities(values, KEYS, starts=starts)
    assert sol is not None and set(sol.cells[KEYS.index(row)][3]) == {None, 0}
    # at a page's first value (printed among the column headers) a joined block is the model's
    starts = [True] * len(values)
    starts[1] = False
    sol = solve_blank_identities(values, KEYS, starts=starts, tops=frozenset({0}))
    assert sol is not None and set(sol.cells[KEYS.index(row)][3]) == {None}

def test_a_later_span_is_divided_after_an_earlier_span_s_rule_out_changed_the_reading():
    # report.py tries table 三's spans in turn (the region, then with the values printed past the
    # next heading); a span short of its last values fits no division, and its rule-out nulls the
    # order guesses, so the reading by order no longer breaks an identity: the next span, whole,
    # must still be divided, on the answer asked before any span changed the reading
    from govreport.extraction.tables.blankdivision import order_breaks
    from govreport.extraction.tables.streamorder import assemble_from_stream

    truth = _table({RESULTS[2]: [3, E, E, E, E, E, 3]})
    text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in _stream(truth))
    doc, lines = Document(text), split_lines(text)
    res = TableResult.empty(SPEC)
    res.by_order.update(KEYS)
    for k in KEYS:
        res.status[k] = dict.fromkeys(COLS, INFERRED)
    res.values["new_received"].update(dict.fromkeys(COLS, 0), natural_person=9, total=1)  # breaks 总计
    breaks = order_breaks(res)
    assert breaks
    res.values["new_received"].update(dict.fromkeys(COLS))  # what a rule-out leaves: null guesses
    assert not order_breaks(res) and assemble_from_stream(res, doc, lines) is None
    out = assemble_from_stream(res, doc, lines, breaks)
    assert out is not None
    assert out.values[RESULTS[2]]["natural_person"] == 3 and out.values[RESULTS[2]]["total"] == 3


def _joined_stream(truth: dict[str, list], groups: list[list[str]]) -> tuple[list, list[bool]]:
    """The stream of ``truth`` as raw pdftotext writes it where the rows ``groups`` join (each
    written column by column, a block per column of its non-empty cells) and every other row is a
    block per non-empty cell; and where the reading starts a block."""
    values: list = []
    starts: list[bool] = []
    inside = {g for grp in groups for g in grp[1:]}
    for k in KEYS:
        if k in inside:
            continue
        grp = next((g for g in groups if g[0] == k), [k])
        for c in range(7) if len(grp) > 1 else ():
            col = [truth[g][c] for g in grp if truth[g][c] is not None]
            values += col
            starts += [True] + [False] * (len(col) - 1)
        if len(grp) == 1:
            row = [v for v in truth[k] if v is not None]
            values += row
            starts += [True] * len(row)
    return values, starts


def test_a_table_of_zeros_divides_where_the_labels_lines_say_which_rows_join():
    # a table of zeros, one row printing only its 总计: any run of rows may be a group with empty
    # cells, so the blocks alone leave every row open; the labels say (一) and the last two rows
    # but one are one line tall, so they join the next row column by column and every other row is
    # a row alone: the rows before the short row and the groups are decided, and which row of the
    # single rows printed one value only is not printed (those stay open)
    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_prohibited_by_law"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    values, starts = _joined_stream(truth, groups)
    heights = [k in ("granted", "other_other", "total_handled", "carried_forward") for k in KEYS]
    blind = solve_blank_identities(values, KEYS, starts=starts)
    assert blind is not None and not blind.exceeded
    assert set(blind.cells[KEYS.index("carried_over")][1]) == {0, _EMPTY}
    sol = solve_blank_identities(values, KEYS, starts=starts, heights=heights)
    assert sol is not None and not sol.exceeded
    decided = ["new_received", "carried_over", "granted", "partially_granted", *groups[1]]
    assert all(set(sol.cells[KEYS.index(k)][c]) == {0} for k in decided for c in range(7))
    assert set(sol.cells[KEYS.index("denied_security_stability")][1]) == {0, _EMPTY}



def _labelled_zeros(truth: dict[str, list], groups: list[list[str]], one_line: set[str]) -> str:
    """Raw pdftotext's text of table 三: every row's label (on one line where in ``one_line``, else
    cut in two), then the values of ``truth`` as ``_joined_stream`` writes them, a block each."""
    marks = "一二三四五六七"
    labels = []
    for i, row in enumerate(SPEC.rows):
        head = f"（{marks[i % 7]}）"
        labels += [head + row.label] if row.key in one_line else [head + row.label[:2], row.label[2:]]
    values, starts = _joined_stream(truth, groups)
    blocks: list[list] = []
    for v, s in zip(values, starts):
        if s:
            blocks.append([])
        blocks[-1].append(v)
    return "\n".join(labels) + "\n\n" + "".join("".join(f"{v}\n" for v in b) + "\n" for b in blocks)


def test_a_table_of_zeros_open_cells_are_filled_from_the_division_the_labels_lines_allow():
    from govreport.extraction.tables.joinedrows import fill_from_joined_rows

    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_prohibited_by_law"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    text = _labelled_zeros(truth, groups, {"granted", "other_other", "total_handled", "carried_forward"})
    res = TableResult.empty(SPEC)
    for k in KEYS:
        res.status[k] = {c: UNREADABLE for c in COLS}  # the reading by order left every cell open
    res.values["carried_over"]["total"], res.status["carried_over"]["total"] = 0, INFERRED
    filled = fill_from_joined_rows(res, Document(text), split_lines(text))
    decided = ["new_received", "carried_over", "granted", "partially_granted", *groups[1]]
    assert set(filled) == {f"{k}.{c}" for k in decided for c in COLS} - {"carried_over.total"}
    assert all(res.values[k][c] == 0 and res.status[k][c] == INFERRED for k in decided for c in COLS)
    # which single row printed one value only is not printed: those rows stay open
    assert res.status["denied_security_stability"]["natural_person"] == UNREADABLE
    # a table that prints other values than 0 is left as it is (a reading joining them outside
    # the model could leave a wrong division standing)
    truth["new_received"] = [1, 0, 0, 0, 0, 0, 1]
    truth["total_handled"] = [1, 0, 0, 0, 0, 0, 1]
    truth["granted"] = [1, 0, 0, 0, 0, 0, 1]
    text = _labelled_zeros(truth, groups, {"granted", "other_other", "total_handled", "carried_forward"})
    res = TableResult.empty(SPEC)
    assert fill_from_joined_rows(res, Document(text), split_lines(text)) == []


def test_a_table_of_zeros_with_no_cell_left_open_is_not_searched(monkeypatch):
    # every cell already holds a value or a blank: whatever the divisions give, nothing could be
    # filled, so neither search is run (they cost most of a table of zeros' reading)
    from govreport.extraction.tables import joinedrows

    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_prohibited_by_law"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    text = _labelled_zeros(truth, groups, {"granted", "other_other", "total_handled", "carried_forward"})
    calls: list[bool] = []

    def counted(*args, **kwargs):
        calls.append(kwargs.get("strict", False))
        return joinedrows.blank_identities_result.__wrapped__(*args, **kwargs)

    counted.__wrapped__ = joinedrows.blank_identities_result  # type: ignore[attr-defined]
    monkeypatch.setattr(joinedrows, "blank_identities_result", counted)
    res = TableResult.empty(SPEC)
    for k in KEYS:
        res.status[k] = {c: INFERRED for c in COLS}
        res.values[k] = {c: 0 for c in COLS}
    res.values["denied_prohibited_by_law"]["natural_person"], res.status["denied_prohibited_by_law"]["natural_person"] = None, BLANK
    assert joinedrows.fill_from_joined_rows(res, Document(text), split_lines(text)) == []
    assert calls == []
    # one cell open: the searches run (and fill it)
    res.values["granted"]["natural_person"], res.status["granted"]["natural_person"] = None, UNREADABLE
    assert joinedrows.fill_from_joined_rows(res, Document(text), split_lines(text)) == ["granted.natural_person"]
    assert calls == [True, False]


def test_a_search_after_another_of_the_same_stream_takes_its_steps_and_reaches_the_same_result(monkeypatch):
    # joinedrows searches the same stream twice (no group across a taller row, then with lone
    # values joined across one): the steps per position are alike, so the second takes the first's;
    # the budget of group walks is charged alike, so even where it runs out the result is the one
    # each search reaches alone
    from govreport.extraction.tables import blankdivision as bd

    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_prohibited_by_law"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    values, starts = _joined_stream(truth, groups)
    heights = [k in ("granted", "other_other", "total_handled", "carried_forward") for k in KEYS]
    walked: list[int] = []
    walk = bd._partial_group_steps
    monkeypatch.setattr(bd, "_partial_group_steps", lambda *a, **k: walked.append(a[1]) or walk(*a, **k))
    got = {}
    for limit in (None, 6000, 6500, 7000):
        alone = [bd.solve_blank_identities(values, KEYS, starts=starts, heights=heights, strict=s, group_limit=limit)
                 for s in (True, False)]
        memo: dict = {}
        walked.clear()
        first = bd.solve_blank_identities(values, KEYS, starts=starts, heights=heights, strict=True,
                                          group_limit=limit, step_memo=memo)
        before = len(walked)
        second = bd.solve_blank_identities(values, KEYS, starts=starts, heights=heights, group_limit=limit,
                                           step_memo=memo)
        assert first == alone[0] and second == alone[1]
        if limit is None:
            assert before > 0 and not set(walked[before:]) & set(walked[:before])  # no position walked twice
            assert second is not None and not second.exceeded
        got[limit] = (first is not None and first.exceeded, second is not None and second.exceeded)
    # a budget the first search stays within and the second, charged for the steps it takes, passes
    assert got == {None: (False, False), 6000: (True, True), 6500: (False, True), 7000: (False, False)}


def test_the_joins_fit_memo_answers_as_the_rows_do_from_every_template_row():
    # a two-row group with one column of two values and a lone value under a taller row: what
    # ``_joins_fit`` reads of the rows (columns joined, cells printed per row) is kept per step and
    # answers alike from every template row; strict rules the join across a taller row out
    from govreport.extraction.tables.blankdivision import _joins_fit

    rows = [[[(0, 0)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(0, 1)]],
            [[(0, 2)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(_EMPTY, None)], [(0, 3)]]]
    heights = [True, False, True, True, False]
    facts: tuple[dict, dict] = ({}, {})
    for r in range(len(heights) - 1):
        for strict in (False, True):
            plain = _joins_fit(rows, 4, r, heights, True, False, strict)
            assert _joins_fit(rows, 4, r, heights, True, False, strict, facts) == plain
            assert _joins_fit(rows, 4, r, heights, True, False, strict, facts) == plain  # from the memo
    assert _joins_fit(rows, 4, 1, heights, True, False) is None  # two columns joined across a taller row
    assert _joins_fit(rows, 4, 1, heights, True, False, True) is None
    # one line tall, two printed: its empty cells may make it taller, so the next row may print
    assert _joins_fit(rows, 4, 2, heights, True, False) is False
    assert facts[0][id(rows)] == 2 and facts[1][id(rows)] == [2, 2]
    # one line tall, every cell printed: the next row's cells would join its own, so it prints nothing
    full = [rows[0], [[(0, 2 + c)] for c in range(7)]]
    assert _joins_fit(full, 8, 2, heights, True, False) is True


def test_a_table_of_zeros_divides_where_each_row_stands_on_its_label_s_page():
    # a table of zeros on two pages: two rows on page 2 print only their 总计. The stream alone leaves
    # page 1's single rows open (page 1 may hold one row more, its rows printing fewer cells); a
    # row's values stand on its label's page, and the labels say that page 2 starts with 三(三)4:
    # page 1 then holds exactly its rows' cells and every one is decided
    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_internal_affairs"] = [E] * 6 + [0]
    truth["denied_process_information"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    values, starts = _joined_stream(truth, groups)
    heights = [k in ("granted", "other_other", "total_handled", "carried_forward") for k in KEYS]
    second = KEYS.index("denied_third_party_rights")
    top = 7 * second  # the values before row 三(三)4 (every row before it full)
    starts[top] = True
    tops = frozenset({0, top})
    plain = solve_blank_identities(values, KEYS, starts=starts, heights=heights, tops=tops)
    assert plain is not None and not plain.exceeded
    assert set(plain.cells[KEYS.index("denied_state_secret")][0]) == {0, _EMPTY}
    paged = solve_blank_identities(values, KEYS, starts=starts, heights=heights, tops=tops, page_rows={0: 0, top: second})
    assert paged is not None and not paged.exceeded
    assert all(set(paged.cells[r][c]) == {0} for r in range(second) for c in range(7))
    # page 2's single rows: which one printed only its 总计 is not printed
    assert set(paged.cells[KEYS.index("denied_enforcement_case_file")][0]) == {0, _EMPTY}
    # labels putting one row less on page 1 than its values fill: no division
    assert solve_blank_identities(values, KEYS, starts=starts, heights=heights, tops=tops,
                                  page_rows={0: 0, top: second - 1}) is None


def test_rows_that_join_print_each_column_as_one_block():
    # (一) is one line tall and joins (二) column by column; (一) prints only its 总计, so the group's
    # applicant columns are blocks of one value and its 总计 a block of two. Read as the blocks say,
    # 一 and 二 are decided (the group takes one block per column); where a group's column may take
    # two blocks of one value, the rows before it may print fewer cells and the group more
    truth = {k: [0] * 7 for k in KEYS}
    truth["granted"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    values, starts = _joined_stream(truth, groups)
    heights = [k in ("granted", "other_other", "total_handled", "carried_forward") for k in KEYS]
    # page 2 starts with 三(三)1 (its label's page): page 1 holds 一, 二 and the group
    top = 7 + 7 + 8
    tops = frozenset({0, top})
    page_rows = {0: 0, top: KEYS.index("denied_state_secret")}
    loose = solve_blank_identities(values, KEYS, starts=starts, heights=heights, tops=tops, page_rows=page_rows)
    assert loose is not None and not loose.exceeded
    assert set(loose.cells[KEYS.index("carried_over")][0]) == {0, _EMPTY}
    whole = solve_blank_identities(values, KEYS, starts=starts, heights=heights, tops=tops, page_rows=page_rows,
                                   whole_columns=True)
    assert whole is not None and not whole.exceeded
    assert all(set(whole.cells[KEYS.index(k)][c]) == {0} for k in ("new_received", "carried_over") for c in range(7))
    # the group's 总计 block holds both rows' totals; which of its rows holds a column's one value is not printed
    for k in ("granted", "partially_granted"):
        assert set(whole.cells[KEYS.index(k)][6]) == {0}
        assert all(set(whole.cells[KEYS.index(k)][c]) == {0, _EMPTY} for c in range(6))


def test_a_one_line_row_holding_an_empty_cell_need_not_join_the_next_row():
    # the last rows but one join column by column (三(六)3 and (七)总计 one line tall), (七)总计 has an
    # empty cell and 四 is written a block per value after them: an empty cell's paragraph is drawn
    # at a size of its own (LibreOffice: the document's default where the cell holds no text, above
    # the table's), so the row holding it stands taller than its one-line label and ends the block.
    # A one-line row printing every cell joins the next; one printing fewer need not
    truth = {k: [0] * 7 for k in KEYS}
    truth["total_handled"] = [0, 0, 0, 0, 0, E, 0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled"]]
    values, starts = _joined_stream(truth, groups)
    heights = [k in ("granted", "other_other", "total_handled", "carried_forward") for k in KEYS]
    sol = solve_blank_identities(values, KEYS, starts=starts, heights=heights, strict=True, whole_columns=True)
    assert sol is not None and not sol.exceeded
    assert all(set(sol.cells[KEYS.index("carried_forward")][c]) == {0} for c in range(7))
    # the group's column of one value: which of its two rows holds it is not printed
    assert set(sol.cells[KEYS.index("total_handled")][5]) == {0, _EMPTY}
    # where (七)总计 prints every cell, the stream as written leaves the model: no division
    truth["total_handled"] = [0] * 7
    values, starts = _joined_stream(truth, groups)
    assert solve_blank_identities(values, KEYS, starts=starts, heights=heights, strict=True, whole_columns=True) is None


def test_the_values_among_a_page_s_column_header_pieces_are_its_first_row_s():
    # a table of zeros, 二 and 三(一) each with an empty cell: 一 may print six values or seven
    # (二 then seven, one row below it six); a page's first row is drawn at its column header's
    # height, so the values among the header's pieces (here all seven) are that row's
    truth = {k: [0] * 7 for k in KEYS}
    truth["carried_over"] = [E, 0, 0, 0, 0, 0, 0]
    truth["granted"] = [E, 0, 0, 0, 0, 0, 0]
    values, starts = _joined_stream(truth, [["other_other", "total_handled", "carried_forward"]])
    heights = [k in ("other_other", "total_handled", "carried_forward") for k in KEYS]
    kw = dict(starts=starts, heights=heights, tops=frozenset({0}), page_rows={0: 0}, whole_columns=True, strict=True)
    loose = solve_blank_identities(values, KEYS, **kw)
    assert loose is not None and set(loose.cells[0][0]) == {0, _EMPTY}
    sol = solve_blank_identities(values, KEYS, top_take={0: 7}, **kw)
    assert sol is not None and not sol.exceeded
    assert all(set(sol.cells[0][c]) == {0} for c in range(7))
    assert set(sol.cells[KEYS.index("carried_over")][0]) == {0, _EMPTY}  # 二's own empty cell stays open


def test_a_first_row_s_total_drawn_after_the_page_s_rows_is_put_back_before_the_division():
    # LibreOffice's page: row 一's six values among the column header pieces (商业企/科研机/业/构 0 0 0,
    # 社会公益组织 0 …), its 总计 drawn with the 总计 header after the page's rows. Put back after the
    # row, the values are in the rows' order and 一 takes the values among the header pieces and
    # its 总计: all seven decided (before, the late header piece left the page's order unread)
    from govreport.extraction.tables.joinedrows import fill_from_joined_rows

    truth = {k: [0] * 7 for k in KEYS}
    truth["carried_over"] = [E, 0, 0, 0, 0, 0, 0]
    truth["granted"] = [E, 0, 0, 0, 0, 0, 0]
    one_line = {"other_other", "total_handled", "carried_forward"}
    values, starts = _joined_stream(truth, [["other_other", "total_handled", "carried_forward"]])
    marks = "一二三四五六七"
    labels = []
    for i, row in enumerate(SPEC.rows):
        head = f"（{marks[i % 7]}）"
        labels += [head + row.label] if row.key in one_line else [head + row.label[:2], row.label[2:]]
    blocks: list[list] = []
    for v, s in zip(values[7:], starts[7:]):
        if s:
            blocks.append([])
        blocks[-1].append(v)
    header = "申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n0\n0\n0\n\n社会公\n益组织\n0\n\n法律服\n务机构\n0\n\n其他\n0\n\n"
    text = ("\n".join(labels) + "\n\n" + header + "".join("".join(f"{v}\n" for v in b) + "\n" for b in blocks)
            + "总计\n\n0\n")
    res = TableResult.empty(SPEC)
    for k in KEYS:
        res.status[k] = {c: UNREADABLE for c in COLS}
    filled = fill_from_joined_rows(res, Document(text), split_lines(text))
    assert {f"new_received.{c}" for c in COLS} <= set(filled)
    assert all(res.values["new_received"][c] == 0 and res.status["new_received"][c] == INFERRED for c in COLS)
    # 二's empty cell: which column is not printed
    assert res.status["carried_over"]["natural_person"] == UNREADABLE


def _paged_zeros(truth: dict[str, list], groups: list[list[str]], one_line: set[str], second: str) -> str:
    """``_labelled_zeros`` on two pages: page 2 (after a form feed) starts with row ``second``'s
    label; each page has its rows' labels, the column header (申请人情况 …) and its rows' values."""
    marks = "一二三四五六七"
    values, starts = _joined_stream(truth, groups)
    cut = next(i for i, k in enumerate(KEYS) if k == second)
    inside = {g for grp in groups for g in grp[1:]}
    # the values before the page break: those of the units whose first row is before ``second``
    count = 0
    for k in KEYS[:cut]:
        if k in inside:
            continue
        grp = next((g for g in groups if g[0] == k), [k])
        count += sum(1 for g in grp for v in truth[g] if v is not None)
    pages = []
    for rows, vals, sts in ((SPEC.rows[:cut], values[:count], starts[:count]), (SPEC.rows[cut:], values[count:], [True, *starts[count + 1 :]])):
        labels = []
        for i, row in enumerate(rows):
            head = f"（{marks[i % 7]}）"
            labels += [head + row.label] if row.key in one_line else [head + row.label[:2], row.label[2:]]
        blocks: list[list] = []
        for v, s in zip(vals, sts):
            if s:
                blocks.append([])
            blocks[-1].append(v)
        pages.append("\n".join(labels) + "\n\n申请人情况\n自然人\n\n" + "".join("".join(f"{v}\n" for v in b) + "\n" for b in blocks))
    return "\f".join(pages)


def test_a_table_of_zeros_placed_by_order_keeps_only_what_the_divisions_decide():
    # rows placed by order (every cell a guess, 0) in a table of zeros on two pages whose page 2
    # starts with 三(三)4 (its label's page) and holds two rows printing only 总计: page 1's rows and
    # the last group are decided, page 2's single rows are not (which of them printed only 总计 is
    # not printed) — their guesses are nulled with a warning; page 2's first rows, drawn among the
    # column headers, keep the order reading's values
    from govreport.extraction.tables.joinedrows import fill_from_joined_rows
    from govreport.extraction.tables.pagelabels import page_first_rows

    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_internal_affairs"] = [E] * 6 + [0]
    truth["denied_process_information"] = [E] * 6 + [0]
    groups = [["granted", "partially_granted"], ["other_other", "total_handled", "carried_forward"]]
    one_line = {"granted", "other_other", "total_handled", "carried_forward"}
    text = _paged_zeros(truth, groups, one_line, "denied_third_party_rights")
    doc, lines = Document(text), split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    tops = page_tops(doc, lines, cells)
    assert page_first_rows(doc, lines, cells, tops, [row.label for row in SPEC.rows]) == {0: 0, 49: KEYS.index("denied_third_party_rights")}
    res = TableResult.empty(SPEC)
    for k in KEYS:
        res.values[k] = {c: 0 for c in COLS}
        res.status[k] = {c: INFERRED for c in COLS}
        res.by_order.add(k)
        res.printed_rows.add(k)
    res.values["granted"]["natural_person"], res.status["granted"]["natural_person"] = None, UNREADABLE  # one cell open
    fill_from_joined_rows(res, doc, lines)
    for k in ("new_received", "carried_over", "denied_state_secret", "denied_security_stability", "denied_third_party_rights"):
        assert all(res.values[k][c] == 0 and res.status[k][c] == INFERRED for c in COLS), k
    for k in ("denied_process_information", "denied_enforcement_case_file", "not_processed_petition"):
        assert all(res.values[k][c] is None and res.status[k][c] == UNREADABLE for c in COLS), k
    assert any("null: " in w and "denied_process_information.natural_person" in w for w in res.warnings)
    # the row after page 2's first may hold the page's first value too (where the first prints nothing): kept
    assert res.values["denied_internal_affairs"]["natural_person"] == 0
    # the group of the last rows is decided, and the open cell is filled
    assert all(res.values[k][c] == 0 and res.status[k][c] == INFERRED for k in groups[1] for c in COLS)
    assert res.values["granted"]["natural_person"] == 0



def test_a_row_group_s_column_does_not_end_inside_a_block_of_the_reading():
    # 三(一) and 三(二) join (written column by column, a block per column: ``3 0`` … ``3 0``), the
    # other rows a block per value, one zero row with an empty cell later. A group whose 总计 column
    # is only the block's ``3`` (三(二)'s 总计 empty) would hand the block's ``0`` to the next row:
    # the reading draws that value with the group's column, so 三(二)'s 总计 is its 0
    truth = {k: [0] * 7 for k in KEYS}
    for k in ("new_received", "granted", "total_handled"):
        truth[k] = [3, 0, 0, 0, 0, 0, 3]
    truth["denied_internal_affairs"] = [0, 0, E, 0, 0, 0, 0]
    values, starts = _joined_stream(truth, [["granted", "partially_granted"]])
    sol = solve_blank_identities(values, KEYS, starts=starts)
    assert set(sol.cells[KEYS.index("partially_granted")][6]) == {0}
    # which later zero row holds the empty cell is not printed: open
    assert set(sol.cells[KEYS.index("denied_state_secret")][0]) == {0, _EMPTY}


def test_a_row_whose_label_is_not_found_stands_on_the_page_its_neighbours_share():
    # rows stand in template order: a row between two rows on one page is on that page; one between
    # two pages may open the later page or end the earlier one, so it stays unknown
    from govreport.extraction.tables.pagelabels import _pages_between

    assert _pages_between([0, None, 0, 1, None], 0, 1) == [0, 0, 0, 1, 1]
    assert _pages_between([None, 0, None, 1], 0, 1) == [0, 0, None, 1]


def test_the_stream_s_division_starts_each_later_page_with_the_row_labelled_first_on_it():
    # a table of zeros on two pages, page 2 labelled from 三(三)4 on and holding two rows that print
    # only their 总计: the stream alone lets page 1 hold more rows or fewer (any row of zeros may print
    # fewer cells), so every cell is open; a row's values stand on its label's page, so page 1 holds
    # exactly its seven labelled rows' 49 values and each of its cells is decided (page 2's rows are
    # not: which two print only their 总计 is not printed)
    from govreport.extraction.tables.streamorder import assemble_from_stream

    truth = {k: [0] * 7 for k in KEYS}
    truth["denied_internal_affairs"] = [E] * 6 + [0]
    truth["denied_process_information"] = [E] * 6 + [0]
    second = "denied_third_party_rights"
    text = _paged_zeros(truth, [], set(), second)
    out = assemble_from_stream(TableResult.empty(SPEC), Document(text), split_lines(text), breaks=True)
    assert out is not None
    st = out.statuses()
    for k in KEYS[: KEYS.index(second)]:
        assert all(out.values[k][c] == 0 and st[k][c] == INFERRED for c in COLS), k
    for k in KEYS[KEYS.index(second) :]:
        assert all(out.values[k][c] is None and st[k][c] == UNREADABLE for c in COLS), k


def test_rows_printing_only_a_non_zero_total_keep_what_the_division_without_the_page_rows_gives():
    # the division with each later page's first row from the labels places 三(五)2's lone 17 as its 总计
    # and decides 三(五)1's zeros; the division without them leaves both rows open: 三(五)2 prints only
    # a non-zero 总计 (its value is its 总计 by the model, not by the text) and is nulled again,
    # 三(五)1's zeros (a row meeting its 总计) stand
    from govreport.extraction.tables.base import Cell
    from govreport.extraction.tables.streamorder import _broken_rows_as_without

    paged, plain = TableResult.empty(SPEC), TableResult.empty(SPEC)
    for k in KEYS:
        for res in (paged, plain):
            res.found(k)
    for c in COLS:
        paged.put("not_processed_petition", c, Cell(0, "0", 0, 1, 0, 0, 0, 1.0), inferred=True)
        plain.null("not_processed_petition", c)
        plain.null("not_processed_duplicate", c)
    paged.put("not_processed_duplicate", "total", Cell(17, "17", 2, 4, 0, 0, 0, 1.0), inferred=True)
    out = _broken_rows_as_without(paged, plain)
    st = out.statuses()
    assert all(out.values["not_processed_duplicate"][c] is None and st["not_processed_duplicate"][c] == UNREADABLE for c in COLS)
    assert all(out.values["not_processed_petition"][c] == 0 and st["not_processed_petition"][c] == INFERRED for c in COLS)
    assert any("null: " in w and "not_processed_duplicate.total" in w for w in out.warnings)
