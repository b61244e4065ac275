"""Table 三 from raw pdftotext divided page by page, a page whose values are in no readable order taken whole."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.blankdivision import _EMPTY, HOLE, _blocks_are_groups, _hole_sums, solve_blank_identities
from govreport.extraction.tables.pagedivision import page_runs, refine_by_pages
from govreport.extraction.tables.result import INFERRED, UNREADABLE, TableResult
from govreport.extraction.tables.streamorder import lone_numbers

from tests.test_blank_identities import COLS, E, KEYS, SPEC, _table

CUT = 10  # the first page holds the first ten template rows (一, 二, 三(一)…三(三)6.)


def _pages(truth: dict[str, list], first=lambda vs: vs, second=lambda vs: vs) -> tuple[list, list]:
    """The two pages' values (blank cells unprinted), each passed through its reordering."""
    one = [v for k in KEYS[:CUT] for v in truth[k] if v is not None]
    two = [v for k in KEYS[CUT:] for v in truth[k] if v is not None]
    return first(one), second(two)


def _solve(one: list, two: list, hole: int):
    """The divisions with page ``hole`` (0 or 1) taken whole, each value a block of its own."""
    values = one + two
    span = (0, len(one)) if hole == 0 else (len(one), len(values))
    return solve_blank_identities(values, KEYS, starts=[True] * len(values), holes=[span])


def test_a_page_in_no_readable_order_is_taken_whole_and_the_other_page_divided():
    # the first page's values written backwards: no division of the whole stream fits; taken whole,
    # its rows' cells are open (HOLE) and the second page's rows are divided, as the report prints them
    truth = _table({})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    values = one + two
    assert solve_blank_identities(values, KEYS, starts=[True] * len(values)) is None
    sol = _solve(one, two, hole=0)
    assert sol is not None and not sol.exceeded
    for r, k in enumerate(KEYS):
        for c in range(7):
            assert set(sol.cells[r][c]) == ({HOLE} if r < CUT else {truth[k][c]}), (k, c)


def test_a_page_taken_whole_must_hold_whole_rows_by_its_sum():
    # a row's cells add to twice its 总计, so a page of whole rows sums to twice theirs: the
    # combination of the identities that takes all of them with one sign checks it (一+二 and
    # (一)…(六) against (七)总计 and 四). One value of the first page moved to the second breaks it.
    truth = _table({})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    assert _solve(one, two, hole=0) is not None
    assert _solve(one[1:], [one[0]] + two, hole=0) is None
    # the sums a page may have: even ones, with or without a value that may be a page number
    assert _hole_sums([3, 1, 2, 5], 0, 4, frozenset()) == set()
    assert _hole_sums([3, 1, 2, 5], 0, 4, frozenset({3})) == {6}


def test_a_page_whose_rows_leave_no_identity_to_check_the_others_is_not_taken_whole():
    # the second page holds (三)…(六)'s last rows, (七)总计 and 四: no identity is left whole and no
    # combination takes those rows with one sign, so the first page would be divided by its rows'
    # own 总计 alone (which values in another order can meet by chance): not taken
    truth = _table({})
    one, two = _pages(truth, second=lambda vs: vs[::-1])
    assert _solve(one, two, hole=1) is None


def test_pages_read_around_a_page_taken_whole_must_join_blocks_as_the_model_does():
    # the second page's joined blocks are no row group's columns (two values of one row in a
    # block): that page leaves the model too, and is not divided around the first
    truth = _table({})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    values = one + two
    starts = [True] * len(values)
    assert solve_blank_identities(values, KEYS, starts=starts, holes=[(0, len(one))]) is not None
    starts[len(one) + 1] = False
    assert solve_blank_identities(values, KEYS, starts=starts, holes=[(0, len(one))]) is None


def _reading(one: list, two: list) -> tuple[Document, list]:
    text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in one) + "\f" + "".join(f"{v}\n\n" for v in two)
    return Document(text), split_lines(text)


def test_page_runs_split_the_values_at_page_breaks():
    doc, lines = _reading([1, 2, 3], [4, 5])
    cells, _ = lone_numbers(doc, lines)
    assert page_runs(doc, cells) == [(0, 3), (3, 5)]


def _guessed_by_order() -> TableResult:
    """A table 三 read by order alone, every row's values a guess: each cell 5 (总计 broken)."""
    res = TableResult.empty(SPEC)
    res.by_order.update(KEYS)
    for k in KEYS:
        res.values[k].update(dict.fromkeys(COLS, 5))
        res.status[k] = dict.fromkeys(COLS, INFERRED)
        res.ambiguous.update((k, c) for c in COLS)
    return res


def test_guesses_are_corrected_around_a_page_taken_whole_and_kept_on_it():
    # on the second page a row with two zeros printed blank ("14 0 0 0 14"): which of its cells
    # are empty is not printed, so those cells stay open
    open_row = KEYS[15]
    truth = _table({open_row: [14, 0, None, 0, None, 0, 14]})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    doc, lines = _reading(one, two)
    # the reading by order: every row's values a guess (here each row's cells all 5, 总计 broken)
    res = _guessed_by_order()
    assert refine_by_pages(res, doc, lines)
    st = res.statuses()
    for r, k in enumerate(KEYS):
        for c, col in enumerate(COLS):
            if r <= CUT:
                # the page taken whole, and the row next to it (a row may break across the page):
                # the guesses stay, flagged
                assert res.values[k][col] == 5 and (k, col) in res.ambiguous
            elif k == open_row and c < 6:
                # a guess no division gives the cell: null (the columns' identities are not read
                # where the first page's rows enter them, so even the 14 may stand under any
                # applicant column the printed order allows)
                assert res.values[k][col] is None and st[k][col] == UNREADABLE
            elif truth[k][c] == 5:
                assert res.values[k][col] == 5 and (k, col) not in res.ambiguous
            else:
                # placed by the division (no longer a guess)
                assert res.values[k][col] == truth[k][c] and st[k][col] == INFERRED and (k, col) not in res.ambiguous
    assert any("taken whole" in w for w in res.warnings)
    assert any("no division gives" in w and f"{open_row}.commercial_enterprise" in w for w in res.warnings)
    # a reading whose rows came with their labels (not by order) is not the content stream: left alone
    res.by_order.clear()
    assert not refine_by_pages(res, doc, lines)


def _group_page(seventh: list, fourth: list) -> tuple[list, list]:
    """The second page's values and block starts: its rows one value a block, then (七)总计 and 四
    written as a row group column by column (a block per column, an empty cell leaving no line)."""
    values, starts = [], []
    for k in KEYS[CUT:-2]:
        for v in _table({})[k]:
            values.append(v)
            starts.append(True)
    for a, b in zip(seventh, fourth):
        col = [v for v in (a, b) if v is not None]
        values += col
        starts += [True] + [False] * (len(col) - 1)
    return values, starts


def test_a_row_group_with_an_empty_cell_is_read_around_a_page_taken_whole():
    # (七)总计 and 四 written as a group, (七)'s 商业企业 blank: that column's block holds one value
    # (四's 3). A group with empty cells is in the model (the division reads it), so the page is
    # read around the first page taken whole; only 四 may hold the 3 (else neither row meets 总计)
    total = sum(range(1, len(KEYS[KEYS.index("granted") : KEYS.index("total_handled")]) + 1))
    seventh = [total, E, 0, 0, 0, 0, total]
    fourth = [5, 3, 0, 0, 0, 0, 8]
    truth = _table({"new_received": [total + 5, 3, 0, 0, 0, 0, total + 8], "total_handled": seventh,
                    "carried_forward": fourth})
    one = [v for k in KEYS[:CUT] for v in truth[k]][::-1]
    two, starts2 = _group_page(seventh, fourth)
    values, starts = one + two, [True] * len(one) + starts2
    sol = solve_blank_identities(values, KEYS, starts=starts, holes=[(0, len(one))])
    assert sol is not None and not sol.exceeded
    for r, k in enumerate(KEYS[CUT:], CUT):
        for c in range(7):
            want = {_EMPTY} if truth[k][c] is None else {truth[k][c]}
            assert set(sol.cells[r][c]) == want, (k, c)


def test_a_group_with_empty_cells_follows_the_model_only_where_its_rows_can_meet_their_totals():
    # blocks of a two-row group, one short block (an empty cell): in the model where some row of
    # the empty cell lets both rows meet 总计 — not where none does, not where a block is two short,
    # and not where every value is 0 (a group of zeros fits any rows: it shows nothing)
    def blocks(cols):
        values = [v for col in cols for v in col]
        starts = [i == 0 for col in cols for i in range(len(col))]
        return values, starts
    fits = [[7, 5], [3], [0, 0], [0, 0], [0, 0], [0, 0], [7, 8]]
    assert not _blocks_are_groups(*blocks(fits), frozenset())
    assert _blocks_are_groups(*blocks(fits), frozenset(), partial=True)
    assert not _blocks_are_groups(*blocks([[7, 5], [4], *fits[2:]]), frozenset(), partial=True)
    assert not _blocks_are_groups(*blocks([[7, 5, 0], [3], *[[0, 0, 0]] * 4, [7, 8, 0]]), frozenset(), partial=True)
    assert not _blocks_are_groups(*blocks([[0, 0], [0], *[[0, 0]] * 5]), frozenset(), partial=True)
    # nor where no row holds two non-zero applicant values: a column drawn after 总计 that repeats it
    # (其他 "2 5" here, the rows' only non-zero cells) meets every row's 总计 wherever the zeros stand
    late = [[0, 0], [0], [0, 0], [0, 0], [0, 0], [2, 5], [2, 5]]
    assert not _blocks_are_groups(*blocks(late), frozenset(), partial=True)
    # nor where a value follows the group on its page (the short column's value may be that one,
    # drawn late); a value on the next page (a page top) does not count
    values, starts = blocks(fits)
    assert not _blocks_are_groups(values + [4], starts + [True], frozenset(), partial=True)
    assert _blocks_are_groups(values + [4], starts + [True], frozenset({len(values)}), partial=True)


def test_a_page_taken_whole_holds_the_rows_labelled_on_it():
    # the second page's first row (三(三)7.) prints nothing: taken whole, the first page may hold it
    # or not (HOLE or empty), and every later row may take the row before's values. Where the
    # labels say the second page starts with the row after it (``page_rows``), the first page holds
    # it and the second page's rows are as printed; labels starting the second page a row earlier
    # than its values allow: no division
    t = 231 - (CUT - 1)
    truth = _table({KEYS[CUT]: [E] * 7, "new_received": [t, 0, 0, 0, 0, 0, t], "total_handled": [t, 0, 0, 0, 0, 0, t]})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    values = one + two

    def solve(page_rows):
        return solve_blank_identities(values, KEYS, starts=[True] * len(values), holes=[(0, len(one))], page_rows=page_rows)

    loose = solve(None)
    assert loose is not None and HOLE in loose.cells[CUT][0] and len(loose.cells[CUT + 1][0]) > 1
    pinned = solve({len(one): CUT + 1})
    assert pinned is not None
    for r, k in enumerate(KEYS):
        for c in range(7):
            assert set(pinned.cells[r][c]) == ({HOLE} if r <= CUT else {truth[k][c]}), (k, c)
    assert solve({len(one): CUT - 1}) is None


def test_pages_around_a_page_taken_whole_need_not_join_blocks_as_the_model_does_where_their_rows_are_labelled():
    # two values of one row in a block on the second page: without the labels that page is not
    # divided around the first (its values could shift to other rows and fit by chance); with the
    # rows each page holds pinned by their labels, its rows are divided as printed
    truth = _table({})
    one, two = _pages(truth, first=lambda vs: vs[::-1])
    values = one + two
    starts = [True] * len(values)
    starts[len(one) + 1] = False
    assert solve_blank_identities(values, KEYS, starts=starts, holes=[(0, len(one))]) is None
    sol = solve_blank_identities(values, KEYS, starts=starts, holes=[(0, len(one))], page_rows={len(one): CUT})
    assert sol is not None and not sol.exceeded
    for r, k in enumerate(KEYS):
        for c in range(7):
            assert set(sol.cells[r][c]) == ({HOLE} if r < CUT else {truth[k][c]}), (k, c)




def test_a_total_header_among_a_page_s_values_names_none_of_them():
    # LibreOffice draws table 三's 总计 header cell where its content-stream order puts it, past a
    # page's first rows: the value after it is a row's 自然人, not a 总计. Three pages, the first in
    # no readable order (taken whole), the header among the third page's values: read as the 总计
    # column's, that page's rows are not divided as printed; read as naming nothing
    # (``lone_numbers(among=True)``), every row past the page taken whole and its neighbour is
    # placed as without the header line
    truth = _table({})
    mid = CUT + 6
    one = [v for k in KEYS[:CUT] for v in truth[k]][::-1]
    two = [v for k in KEYS[CUT:mid] for v in truth[k]]
    three = [v for k in KEYS[mid:] for v in truth[k]]
    at = 2 * 7  # after the third page's first two rows
    assert three[at : at + 7] == truth[KEYS[mid + 2]]

    def reading(header: bool) -> tuple[Document, list]:
        page = "".join(("总计\n\n" if header and i == at else "") + f"{v}\n\n" for i, v in enumerate(three))
        text = "申请人情况\n自然人\n" + "".join(f"{v}\n\n" for v in one) + "\f" + "".join(f"{v}\n\n" for v in two) + "\f" + page
        return Document(text), split_lines(text)

    def refined(doc, lines):
        res = _guessed_by_order()
        return refine_by_pages(res, doc, lines), res

    doc, lines = reading(header=True)
    n = len(one) + len(two) + at
    assert lone_numbers(doc, lines)[1][n] == 6
    assert lone_numbers(doc, lines, among=True)[1][n] is None
    done, res = refined(doc, lines)
    base_done, base = refined(*reading(header=False))
    assert base_done and done and res.values == base.values
    for k in KEYS[CUT + 1 :]:
        assert [res.values[k][col] for col in COLS] == truth[k], k
