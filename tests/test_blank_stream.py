"""Table 三 from raw pdftotext when blank cells leave no line: a row is its non-empty cells."""
from govreport.extraction.tables.result import INFERRED, READ, UNREADABLE, TableResult
from govreport.extraction.tables.blankdivision import (
    _EMPTY,
    rule_out_guesses,
    short_row_placements,
    solve_blank_stream,
)
from govreport.extraction.templates import table_spec
from tests.routekit import skip_without_routes

E = None  # a blank cell: printed as nothing
# five rows (一, 二, 三(一), (七), 四 of a small table), most cells blank
ROWS = [
    [5, 2, E, E, E, E, 7],
    [1, E, E, E, E, E, 1],
    [3, 2, E, E, E, E, 5],
    [3, 2, E, E, E, E, 5],
    [3, E, E, E, E, E, 3],
]


def _printed(rows):
    return [v for row in rows for v in row if v is not None]


def _sets(sol):
    return [[{_EMPTY if v is None else v for v in cell} for cell in row] for row in sol.cells]


def test_a_short_row_is_placed_under_the_columns_in_its_order_meeting_its_total():
    # "1 1": the 1 under one applicant column, the other 1 its 总计
    assert short_row_placements([1, 1]) == [(c, 6) for c in range(6)]
    # a lone 2 meets 总计 nowhere (a row that prints only its total): every column stays possible
    assert short_row_placements([2]) == [(c,) for c in range(7)]
    # a header printed before a value names its column
    assert short_row_placements([1, 1], [3, None]) == [(3, 6)]


def test_the_report_s_grid_is_among_the_divisions_which_only_rule_values_out():
    stream = _printed(ROWS)
    assert len(stream) == 13  # 35 cells, 22 blank and not printed
    sol = solve_blank_stream(stream, len(ROWS))
    assert sol is not None and not sol.exceeded
    sets = _sets(sol)
    # the report's grid is among the divisions
    assert all((_EMPTY if v is None else v) in sets[r][c] for r, row in enumerate(ROWS) for c, v in enumerate(row))
    # many divisions fit (rows of other lengths), so no cell is decided by them alone ...
    assert all(len(s) > 1 for row in sets for s in row)
    # ... but a value no division puts in a cell is out: the first row starts with 5 (or leaves
    # 自然人 empty), the last one ends with 3, and 7 (the first row's 总计) is never in 四
    assert sets[0][0] == {5, _EMPTY} and sets[4][6] == {3, _EMPTY}
    assert all(7 not in s for s in sets[4])


def test_a_stream_that_divides_in_no_way_and_a_search_too_large():
    # 9 1 1: as one row 9 + 1 is no 总计 1, as rows "9", "1 1" the lone 9 is a row of its own
    assert solve_blank_stream([9, 1, 1], 3) is not None
    assert solve_blank_stream([9, 1, 1], 4) is None  # four rows need four values at least
    big = solve_blank_stream(_printed(ROWS), len(ROWS), limit=10)  # checked before searching
    assert big is not None and big.exceeded


def test_flagged_guesses_no_division_allows_are_nulled_read_cells_kept():
    spec = table_spec("2021", "applications")
    keys = list(spec.row_keys)
    cols = spec.rows[0].cols
    # a consistent table: each result row k under 自然人 and 总计, 三(五)'s first row printing only
    # 自然人 and 总计 (its other cells blank), the rest zero
    results = keys[keys.index("granted") : keys.index("total_handled")]
    truth = {k: [0] * 7 for k in keys}
    for i, k in enumerate(results):
        truth[k] = [i + 1, 0, 0, 0, 0, 0, i + 1]
    total = sum(i + 1 for i in range(len(results)))
    truth["total_handled"] = [total, 0, 0, 0, 0, 0, total]
    truth["new_received"] = [total, 0, 0, 0, 0, 0, total]
    short = results[12]
    truth[short] = [13, E, E, E, E, E, 13]
    stream = [v for k in keys for v in truth[k] if v is not None]
    assert len(stream) == 7 * len(keys) - 5
    # the ordinary reading pairs rows and values by order: past the short row every row is off by five
    res = TableResult.empty(spec)
    for r, k in enumerate(keys):
        for c, col in enumerate(cols):
            i = 7 * r + c
            if i < len(stream):
                res.values[k][col] = stream[i]
                res.status.setdefault(k, {})[col] = INFERRED
                res.provenance.setdefault(k, {})[col] = {"text": str(stream[i])}
    res.by_order = set(keys)
    after = keys[keys.index(short) + 1]
    res.status[after]["total"] = READ  # a cell read in place is not the search's to judge
    guess = {(k, c): res.values[k][col] for k in keys for c, col in enumerate(cols)}
    nulled = rule_out_guesses(res, stream, [], 0, frozenset())
    gone = [(k, c) for k in keys for c, col in enumerate(cols) if res.status.get(k, {}).get(col) == UNREADABLE]
    assert nulled == len(gone) > 0
    # every cell nulled held a wrong guess: no division of the stream gives it that value
    assert all(guess[k, c] != truth[k][c] for k, c in gone)
    assert all(res.values[k][cols[c]] is None for k, c in gone)
    # the value read by order is not the cell's printed text: no provenance is left to report it as the
    # cell's ("printed but not a number")
    assert all(cols[c] not in res.provenance.get(k, {}) for k, c in gone)
    assert res.status[after]["total"] == READ and res.values[after]["total"] is not None
    assert any("no division of the values into rows" in w for w in res.warnings)
    # a reading whose rows were read with their labels is not the content stream: left alone
    res.by_order = set()
    res.values[after]["natural_person"], res.status[after]["natural_person"] = 999, INFERRED
    assert rule_out_guesses(res, stream, [], 0, frozenset()) == 0 and res.values[after]["natural_person"] == 999


def test_values_ruled_out_are_not_reported_as_printed_but_not_a_number():
    # raw pdftotext of LibreOffice's PDF, blank cells unprinted: the guesses by order that no division
    # allows are nulled; the report names them as such, not as text that is no number ('75', '4,598')
    import re

    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    skip_without_routes("lo-pdf:pdftotext")
    (r,) = read_routes([make_document(1, 155)], ["lo-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert any("no division of the values into rows gives these cells" in w for w in out["warnings"])
    printed = [w for w in out["warnings"] if w.startswith("applications: printed but not a number")]
    assert not any(re.search(r"'[0-9][0-9,]*'", w) for w in printed)
