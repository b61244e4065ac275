"""The contract gold of readings that drop empty cells (pdfplumber, raw pdftotext): the oracle in
``training/synth/blankgold.py`` on the smallest hand-written rows, and the route gold of readers
that keep positions left as rendered."""
from __future__ import annotations

import random
import shutil

import pytest

from govreport.extraction.labels import Label
from govreport.extraction.templates import table_spec
from govreport.training.synth import blankgold
from govreport.training.synth.blankgold import Stats, contract_tables, placements
from govreport.training.synth.ir import GCell, Grid, GRow, Seg

E = "E"  # an empty printed cell (no token); "—" is a blank mark (a visible token, value None)
APPS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org"]  # fmt: skip


def _cell(table: str, row: str, col: str | None, v) -> GCell:  # type: ignore[no-untyped-def]
    if v == E:
        return GCell([], kind="val")
    if v == "—":
        return GCell([[Seg("—", Label.CELL, ("cell", table, row, col), None)]], kind="val")
    key = ("cell", table, row, col) if col else None  # 小计: printed, no contract key
    return GCell([[Seg(str(v), Label.CELL, key, v)]], kind="val")


def grid(table: str, rows: dict[str, list], fmt: str = "2019", sub: int | None = None) -> Grid:
    """A rendered table: per row key its printed values (``E`` empty, ``—`` a blank mark); table 四
    is one row ``review`` of fifteen; ``sub``: the printed slot of table 三's 小计 column."""
    spec = table_spec(fmt, table)
    out = []
    for key, vals in rows.items():
        if table == "review_litigation":
            cols = [(r.key, c) for r in spec.rows for c in r.cols]
        else:
            cols = [(key, c) for c in spec.row(key).cols]
            if sub is not None:
                cols.insert(sub, (key, None))
        assert len(cols) == len(vals)
        cells = [GCell([[Seg(key, Label.ROW)]], kind="row")] if table != "review_litigation" else []
        cells += [_cell(table, r, c, v) for (r, c), v in zip(cols, vals)]
        out.append(GRow(cells, "data", key))
    return Grid(table, len(out[0].cells), out, 0 if table == "review_litigation" else 1)


def rendered(g: Grid, fmt: str = "2019") -> dict:
    """The rendered gold: every keyed cell's value (an empty cell None)."""
    t = table_spec(fmt, g.table).empty()
    for row in g.rows:
        for c in row.cells:
            for s in (s for line in c.lines for s in line):
                if s.key and s.key[0] == "cell":
                    t[s.key[2]][s.key[3]] = s.value
    return t


def oracle(g: Grid, fmt: str = "2019", stats: Stats | None = None) -> dict:
    return contract_tables([g], fmt, {g.table: rendered(g, fmt)}, stats)[g.table]


def test_placements_keep_order_and_count_distinct_rows():
    assert placements([1, 2], 3) == [(1, 2, None), (1, None, 2), (None, 1, 2)]
    assert placements([0, 0], 3) == [(0, 0, None), (0, None, 0), (None, 0, 0)]
    assert placements([], 2) == [(None, None)]


def test_short_row_of_table_two_is_wholly_undetermined():
    """Table 二 has no identities: ``0 | (empty) | 0`` reads ``0 0`` and any cell may be the empty one."""
    g = grid("active_disclosure", {"regulations": [0, E, 0], "normative_documents": [1, 2, 3],
                                   "administrative_license": [E, E, E]})  # fmt: skip
    out = oracle(g)
    assert out["regulations"] == {c: None for c in out["regulations"]}
    assert out["normative_documents"] == {"new_made": 1, "new_published": 2, "total_published": 3}
    assert out["administrative_license"] == {c: None for c in out["administrative_license"]}


def test_full_row_and_blank_marks_stay():
    """A blank mark is a visible token: a row with marks in place of its empties keeps every cell."""
    g = grid("active_disclosure", {"regulations": [0, "—", 4]})
    assert oracle(g)["regulations"] == {"new_made": 0, "new_published": None, "total_published": 4}
    st = Stats()
    oracle(g, stats=st)
    assert st.nulled == 0 and st.open_rows == 0


def test_review_group_total_is_determined_its_results_are_not():
    """Table 四: ``1 2 3`` in a group of five meets 总计 = the four results only with 3 under 总计;
    where 1 and 2 sit among the four results the text does not say."""
    full = [4, 1, 0, 0, 5, 1, 1, 1, 1, 4]
    g = grid("review_litigation", {"review": [1, E, 2, E, 3] + full})
    out = oracle(g)
    assert out["administrative_review"] == {"upheld": None, "corrected": None, "other": None, "pending": None, "total": 3}
    assert out["litigation_direct"] == {"upheld": 4, "corrected": 1, "other": 0, "pending": 0, "total": 5}
    # ``2 0 0 2``: the last 2 is 总计 (under a result, 总计 would be an empty 0); the rest could sit
    # in any four of the five result places
    g = grid("review_litigation", {"review": [E, 2, 0, 0, 2] + full})
    out = oracle(g)["administrative_review"]
    assert out["total"] == 2 and out["upheld"] is None and out["corrected"] is None


def _apps(**over: list) -> dict[str, list]:
    """A consistent 2019 table 三: new 5+1, granted 5+1 (总计 6), the rest zeros; ``over`` replaces
    rows as printed."""
    zero = [0] * 7
    rows = {k: list(zero) for k in table_spec("2019", "applications").row_keys}
    rows["new_received"] = [5, 1, 0, 0, 0, 0, 6]
    rows["granted"] = [5, 1, 0, 0, 0, 0, 6]
    rows["total_handled"] = [5, 1, 0, 0, 0, 0, 6]
    rows.update(over)
    return rows


def test_column_identity_places_an_empty_cell():
    """(七)总计 printed ``5 1 0 0 0 6`` with 科研机构 empty: the column identities pin 5 and 1 under
    自然人 and 商业企业 (三(一) holds them there); which of the zero columns is the empty one they
    cannot tell."""
    g = grid("applications", _apps(total_handled=[5, 1, E, 0, 0, 0, 6]))
    out = oracle(g)["total_handled"]
    assert out["natural_person"] == 5 and out["commercial_enterprise"] == 1 and out["total"] == 6
    assert all(out[c] is None for c in APPS[2:])  # which zero is the empty one: undetermined


def test_column_identity_places_a_number_the_row_alone_cannot():
    """``(七)总计 5 1 6`` with four empty columns: the row's 总计 allows 5 and 1 in any two
    applicant columns; the column identities put them under 自然人 and 商业企业."""
    g = grid("applications", _apps(total_handled=[5, 1, E, E, E, E, 6]))
    out = oracle(g)["total_handled"]
    assert out == {"natural_person": 5, "commercial_enterprise": 1, "research_institution": None,
                   "social_welfare_org": None, "legal_service_org": None, "other_org": None, "total": 6}  # fmt: skip


def test_total_only_row_is_placed_by_the_columns_or_not_at_all():
    """A row printing only 总计 meets its own identity nowhere (that identity chooses nothing): where
    the columns' identities hold with it under 总计 only, it is 总计; where the table's arithmetic
    is broken (the hidden applicant values are in the column totals) every cell is null."""
    rows = _apps(granted=[E, E, E, E, E, E, 6])
    rows["new_received"] = [0, 0, 0, 0, 0, 0, 6]
    rows["total_handled"] = [0, 0, 0, 0, 0, 0, 6]
    st = Stats()
    out = oracle(grid("applications", rows), stats=st)["granted"]
    assert out == {**{c: None for c in APPS}, "total": 6}
    assert st.dropped_row_identities == 3  # the two full rows that print only 总计 too
    st = Stats()
    out = oracle(grid("applications", _apps(granted=[E, E, E, E, E, E, 6])), stats=st)["granted"]
    assert all(v is None for v in out.values()) and st.dropped_column_identities == 1


def test_broken_row_arithmetic_leaves_order_only():
    """A row whose printed values meet its 总计 nowhere keeps every placement: ``3 4`` (3 ≠ 4)."""
    st = Stats()
    out = oracle(grid("applications", _apps(carried_forward=[3, E, E, E, E, E, 4])), stats=st)
    assert all(v is None for v in out["carried_forward"].values())
    assert st.dropped_row_identities == 1


def test_eight_columns_subtotal_places_the_organisations():
    """Table 三 with a 小计 after 其他 (8 printed columns): ``5 1 1 6`` under eight columns; 小计 =
    the five organisations and 总计 = 自然人 + those five leave 1 in one organisation column, 5 under
    自然人; the column identities then pin the 1 under 商业企业."""
    rows = {k: v[:6] + [sum(x for x in v[1:6] if x != E)] + v[6:] for k, v in _apps().items()}
    rows["total_handled"] = [5, 1, E, E, E, E, 1, 6]
    out = oracle(grid("applications", rows, sub=6))["total_handled"]
    assert out == {"natural_person": 5, "commercial_enterprise": 1, "research_institution": None,
                   "social_welfare_org": None, "legal_service_org": None, "other_org": None, "total": 6}  # fmt: skip


def test_the_two_joint_searches_agree():
    """The plain product over the rows' choices and the forward/backward reach of the identities'
    differences (used beyond ``JOINT_CAP`` combinations) keep the same numbers on random tables."""
    rng = random.Random(5)
    idents = [(("a", "b"), ("c",)), (("c", "d"), ("e",))]
    constraints = [(a, b, c) for a, b in idents for c in range(7)]
    pruned = 0
    for _ in range(400):
        truth = {r: [rng.choice([0, 0, 1, 2]) for _ in range(7)] for r in "abd"}
        truth["c"] = [x + y for x, y in zip(truth["a"], truth["b"])]
        truth["e"] = [x + y for x, y in zip(truth["c"], truth["d"])]
        free = {}
        for r in "abcde":
            alts = [tuple(truth[r])]
            for j in rng.sample(range(7), rng.randint(0, 3)):
                alts.append(tuple(truth[r][:j] + [truth[r][j] + rng.choice([-1, 1])] + truth[r][j + 1 :]))
            rng.shuffle(alts)
            free[r] = list(dict.fromkeys(alts))
        fixed = {r: free.pop(r)[0] for r in list(free) if len(free[r]) == 1}
        a = blankgold._joint_product(constraints, fixed, free)
        b = blankgold._joint_reachable(constraints, fixed, free)
        assert a == b
        pruned += sum(len(v) < len(free[r]) for r, v in (a or {}).items())
    assert pruned > 100  # the identities did rule placements out


def test_over_the_cap_gives_the_same_gold(monkeypatch):
    """A table whose rows' choices multiply past the cap is decided by the reachable search, not
    left to the rows alone."""
    g = grid("applications", _apps(total_handled=[5, 1, E, E, E, E, 6], granted=[5, 1, E, E, E, E, 6]))
    before = oracle(g)
    # 一+二 = (七)总计+四 pins (七)总计, and (七)总计 = 三(一) pins 三(一)
    assert before["granted"]["natural_person"] == before["total_handled"]["natural_person"] == 5
    assert before["granted"]["commercial_enterprise"] == 1
    monkeypatch.setattr(blankgold, "JOINT_CAP", 20)  # 15 x 15 choices; at most 15 partial sums
    st = Stats()
    assert oracle(g, stats=st) == before and st.capped == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_route_gold_of_readers_that_keep_positions_is_unchanged():
    """DOCX, HTML, a browser copy and ``pdftotext -layout`` keep every cell's place: their gold is
    the rendered values; pdfplumber's is the contract gold, with the rendered values beside it."""
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    doc = next(d for d in (make_document(1, i) for i in range(40)) if "blank_cells" in d.kinds
               and any(not c.lines for b in d.blocks if b.grid for r in b.grid.rows if r.part == "data"
                       for c in r.cells if c.kind == "val"))  # fmt: skip
    routes = ["docx", "html", "html:browser-copy", "wps-pdf:pdftotext-layout", "wps-pdf:pdfplumber", "wps-pdf:pdftotext"]
    got = {r.route: r for r in read_routes([doc], routes)}
    for route in routes[:4]:
        assert got[route].gold["tables"] == doc.gold_tables() and got[route].rendered_tables is None
    for route in routes[4:]:
        r = got[route]
        assert r.rendered_tables == doc.gold_tables() and r.gold["tables"] != r.rendered_tables
        # the contract gold only ever nulls a rendered value, never changes one
        for t, rows in r.gold["tables"].items():
            for row, cols in (rows or {}).items():
                for c, v in cols.items():
                    assert v is None or v == r.rendered_tables[t][row][c]


def test_a_figure_with_its_money_unit_is_the_amount():
    """``政府集中采购 0万元``: the figure printed with 万元 can only be under 采购总金额, so the empty
    cell is 采购项目数量 — determined; without the unit either cell could be the empty one."""
    spec_cols = table_spec("2019", "active_disclosure").row("centralized_procurement").cols
    assert spec_cols == ("projects", "amount")
    key = ("cell", "active_disclosure", "centralized_procurement", "amount")
    with_unit = GCell([[Seg("0", Label.CELL, key, 0.0), Seg("万元", Label.UNIT)]], kind="val")
    row = GRow([GCell([[Seg("政府集中采购", Label.ROW)]], kind="row"), GCell([], kind="val"), with_unit], "data",
               "centralized_procurement")  # fmt: skip
    g = Grid("active_disclosure", 3, [row], 1)
    assert oracle(g)["centralized_procurement"] == {"projects": None, "amount": 0.0}
    bare = grid("active_disclosure", {"centralized_procurement": [E, 0.0]})
    assert oracle(bare)["centralized_procurement"] == {"projects": None, "amount": None}


def test_realism_scores_a_route_against_both_golds():
    """One extraction, two scores: against the contract gold (a row the reading cannot place is
    null, and the extractor's null is right) and against the rendered values (the old figure);
    cells gold determines that came back null are counted."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.training.synth.realism import score_routed_both
    from govreport.training.synth.routes import RoutedReport
    from tests.reportkit import report

    active = "\n".join(["第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 7 46", "行政规范性文件 4 5 6"])
    text = report(active=active)
    spec = table_spec("2021", "active_disclosure").empty()
    rendered_t = {**spec, "regulations": {"issued": 7, "repealed": None, "in_force": 46},
                  "normative_documents": {"issued": 4, "repealed": 5, "in_force": 6}}  # fmt: skip
    contract_t = {**rendered_t, "regulations": {"issued": None, "repealed": None, "in_force": None}}
    gold = {"source": "x.txt", "template": "2021", "year": 2022, "organ": None, "sections": {},
            "tables": {"active_disclosure": contract_t, "applications": None, "review_litigation": None}}  # fmt: skip
    r = RoutedReport("x", "wps-pdf:pdfplumber", text, [], gold, 0, [], None, {},
                     {"active_disclosure": rendered_t, "applications": None, "review_litigation": None})  # fmt: skip
    sc, sc_rendered, missed = score_routed_both(Extractor(RuleTagger()), r)
    assert sc.cells == sc_rendered.cells
    assert sc.cells_ok - sc_rendered.cells_ok == 2  # 7 and 46: null is right against the contract gold
    assert sc.wrong_numbers == 0 and missed == 0
    r.gold["tables"]["active_disclosure"]["regulations"]["issued"] = 7  # had gold determined it
    assert score_routed_both(Extractor(RuleTagger()), r)[2] == 1


# ---------------------------------------------------------------- table 二 read column by column


def _active(rows: dict[str, list], major: frozenset[str] = frozenset({"active_disclosure"})) -> dict:
    g = grid("active_disclosure", rows)
    return contract_tables([g], "2019", {g.table: rendered(g)}, Stats(), major)[g.table]


def test_a_column_with_a_value_in_every_row_is_determined_when_the_reading_writes_columns():
    # raw pdftotext: 上一年项目数量 / 3 / 29, 本年增/减 / 1 / 14, 处理决定数量 / 507 — the second
    # row's 29 and 14 are its own (two values under a header of two rows), though its row, read
    # as its non-empty cells, has two values for three columns
    rows = {"administrative_penalty": [3, 1, 507], "administrative_coercion": [29, 14, E]}
    assert _active(rows, frozenset())["administrative_coercion"] == dict.fromkeys(("prev_year_items", "change", "decisions"))
    got = _active(rows)
    assert got["administrative_coercion"] == {"prev_year_items": 29, "change": 14, "decisions": None}
    assert got["administrative_penalty"] == {"prev_year_items": 3, "change": 1, "decisions": 507}


def test_a_cell_is_null_only_where_neither_its_row_nor_its_column_determines_it():
    # 上一年项目数量 prints one value for two rows (the column cannot tell whose), but the first
    # row is full (its row can); the second row's 14 and 8 are determined by their full columns
    rows = {"administrative_penalty": [3, 1, 507], "administrative_coercion": [E, 14, 8]}
    got = _active(rows)
    assert got["administrative_penalty"] == {"prev_year_items": 3, "change": 1, "decisions": 507}
    assert got["administrative_coercion"] == {"prev_year_items": None, "change": 14, "decisions": 8}
    # one value in a column of two rows, both rows short: nothing determines it
    got = _active({"administrative_penalty": [3, E, 507], "administrative_coercion": [E, 14, 8]})
    assert got["administrative_penalty"]["prev_year_items"] is None
    assert got["administrative_penalty"]["change"] is None and got["administrative_coercion"]["change"] is None


def test_only_tables_two_and_three_are_read_column_by_column():
    with pytest.raises(ValueError):
        contract_tables([], "2019", {}, Stats(), frozenset({"review_litigation"}))
    with pytest.raises(ValueError):  # table 三's stream gold needs the reading
        contract_tables([], "2019", {}, Stats(), frozenset({"applications"}))


# ---------------------------------------------------------------- table 三 as raw pdftotext's stream

GROUPS = (("granted", "partially_granted"), ("other_handling", "total_handled", "carried_forward"))


def _stream_text(g: Grid, groups=GROUPS) -> str:  # type: ignore[no-untyped-def]
    """Table 三 written as raw pdftotext writes it: the column headers, then per row group a block
    per column of its non-empty cells, every other row a block per non-empty cell (an empty line
    after each block); no row boundary and no empty cell is printed."""
    rows = {r.key: r for r in blankgold.printed_rows(g, "2019")}
    blocks, keys = [], list(rows)
    i = 0
    while i < len(keys):
        grp = next((x for x in groups if tuple(keys[i : i + len(x)]) == x), (keys[i],))
        unit = [rows[k] for k in grp]
        for c in range(7):
            cells = [r.rendered[c] for r in unit if r.present[c]]
            if len(unit) == 1:
                blocks += [[v] for v in cells]
            elif cells:
                blocks.append(cells)
        i += len(grp)
    return "申请人情况\n自然人\n\n" + "\n\n".join("\n".join("—" if v is None else str(v) for v in b) for b in blocks) + "\n\n"


def _three(rows: dict[str, list], stream: bool = True) -> dict:
    g = grid("applications", rows)
    text = _stream_text(g)
    major = frozenset({"applications"}) if stream else frozenset()
    return contract_tables([g], "2019", {g.table: rendered(g)}, Stats(), major, text if stream else None)["applications"]


def test_a_short_row_among_rows_of_zeros_is_not_placed_by_the_stream():
    """2.其他法律… prints only its 总计 ``0`` among single rows of zeros: the stream is 106 zeros,
    a block each, and any of those sixteen rows may be the one with six empty cells — with the
    rows known (the row view) only its own cells are open."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    row_view, stream_view = _three(rows, stream=False), _three(rows)
    assert row_view["denied_state_secret"] == dict.fromkeys(row_view["denied_state_secret"], 0)
    for key in ("denied_state_secret", "unable_not_held", "not_processed_reconfirmation"):
        assert all(v is None for v in stream_view[key].values()), key
    # rows that print numbers the arithmetic ties down stay determined
    assert stream_view["new_received"] == row_view["new_received"] == dict(zip([*APPS, "total"], [5, 1, 0, 0, 0, 0, 6]))
    assert stream_view["total_handled"]["total"] == 6


def test_a_row_s_values_stand_on_one_page():
    """A stream of zeros whose 三(四)1. prints only its 总计, split by a page break before 三(三)3.:
    the first page prints 42 values for its six rows (三(一)/(二) a group), so none of them is the
    one printing only 总计 — a row's values are one line each at the row's height, and no row runs
    across a page break. The second page's rows after its first (drawn among the headers) stay open."""
    rows = _apps(unable_not_held=[E, E, E, E, E, E, 0])
    keys = list(rows)
    cut = keys.index("denied_security_stability")
    g = grid("applications", rows)
    first = _stream_text(grid("applications", {k: rows[k] for k in keys[:cut]}))
    second = _stream_text(grid("applications", {k: rows[k] for k in keys[cut:]}))
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}),
                          first + "\f" + second)["applications"]  # fmt: skip
    assert st.stream_unseen == st.stream_capped == st.stream_paged == 0
    zeros = dict.fromkeys([*APPS, "total"], 0)
    assert out["denied_state_secret"] == out["denied_prohibited_by_law"] == zeros
    for key in ("denied_third_party_rights", "unable_needs_creation", "not_processed_reconfirmation"):
        assert all(v is None for v in out[key].values()), key
    # the same reading without the page break: the first page's rows of zeros open too
    plain = _three(rows)
    assert all(v is None for k in ("denied_state_secret", "denied_prohibited_by_law") for v in plain[k].values())


def _labelled(g: Grid) -> Grid:
    """``g`` with each data row's label printed as ``n.行n`` (n its 1-based position): a numbered
    label, as the form's are."""
    for n, row in enumerate(g.rows, 1):
        row.cells[0] = GCell([[Seg(f"{n}.行{n}", Label.ROW)]], kind="row")
    return g


def _two_pages(rows: dict[str, list], cut: int, labels: tuple[int, int] | None = None) -> str:
    """Table 三 as raw pdftotext writes it over two pages, the rows from ``cut`` on the second;
    ``labels``: the rows whose labels each page prints (as LibreOffice does, before the page's
    column headers: row n's label is ``n.行n``), by the first row of each page's labels; None: none."""
    keys = list(rows)
    out = []
    for k, (a, b) in enumerate(((0, cut), (cut, len(keys)))):
        if labels is not None:
            lo = labels[k]
            hi = labels[1] if k == 0 else len(keys)
            out.append("\n".join(f"{n + 1}.行{n + 1}" for n in range(lo, hi)) + "\n\n")
        out.append(_stream_text(grid("applications", {x: rows[x] for x in keys[a:b]})))
        if k == 0:
            out.append("\f")
    return "".join(out)


def test_a_row_s_values_stand_on_a_page_its_label_is_on():
    """Zeros over two pages, 三(三)1 and 2 printing only their 总计 at the end of the first: without the
    labels the first page's values fit five rows as well as six (三(三)1 takes 三(三)2's ``0``), so
    三(三)2 may stand on the second page, printing nothing or taking values there, and every row
    of the second page after its first (placed by the column headers) may be one printing fewer
    cells. The reading prints each row's label on its page: 三(三)2's is on the first, so the
    second page's rows are exactly those labelled on it, seven values each. The two short rows
    stay open (which of them prints which ``0`` is still not printed)."""
    short = [E, E, E, E, E, E, 0]
    rows = _apps(denied_state_secret=short, denied_prohibited_by_law=short)
    keys = list(rows)
    cut = keys.index("denied_security_stability")
    g = _labelled(grid("applications", rows))
    zeros = dict.fromkeys([*APPS, "total"], 0)
    later = keys[cut + 1 : keys.index("other_handling")]
    st = Stats()
    major = frozenset({"applications"})
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, major, _two_pages(rows, cut, (0, cut)))["applications"]
    assert st.label_paged == 1 and st.label_pages_off == 0
    assert all(out[k] == zeros for k in later)
    assert all(v is None for k in ("denied_state_secret", "denied_prohibited_by_law") for v in out[k].values())
    st = Stats()
    plain = contract_tables([g], "2019", {g.table: rendered(g)}, st, major, _two_pages(rows, cut))["applications"]
    assert st.label_paged == 0
    assert all(v is None for k in later for v in plain[k].values())


def test_labels_the_rendered_rows_do_not_stand_by_bound_nothing():
    """The same reading with the second page's first label printed on the first page (its row's
    values are on the second): the rendered grid's own rows break the bound, so it is not the
    layout's and is dropped (``Stats.label_pages_off``): the gold is the one without labels."""
    short = [E, E, E, E, E, E, 0]
    rows = _apps(denied_state_secret=short, denied_prohibited_by_law=short)
    keys = list(rows)
    cut = keys.index("denied_security_stability")
    g = _labelled(grid("applications", rows))
    major = frozenset({"applications"})
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, major, _two_pages(rows, cut, (0, cut + 1)))
    assert st.label_pages_off == 1 and st.label_paged == 0
    assert out == contract_tables([g], "2019", {g.table: rendered(g)}, Stats(), major, _two_pages(rows, cut))


def test_label_pages_are_read_from_the_reading_in_the_rows_order():
    """A label wrapped over pieces with a spanning label's pieces between them, one split by a page
    break (both its pages), one whose pieces stand farther apart than ``LABEL_GAP`` (left out), one
    not printed (left out; the next is found), and a numbered piece of prose before the table that
    begins no label's wording."""
    g = grid("applications", _apps())
    rows = blankgold.printed_rows(g, "2019")[:5]
    for r, label in zip(rows, ["一、本年新收申请", "二、上年结转申请", "（一）予以公开", "（二）部分公开（区分处理的）", "1.属于国家秘密"]):
        r.label = label
    far = "\n".join(["x"] * (blankgold.LABEL_GAP + 1))
    text = ("（一）总体情况\n一、本年\n三、本\n新收申请\n二、上年\n年度办\n结转\n申请\n"
            "（二）部分公开\n理结果\n（区分处理\n\f\n申请人情况\n的）\n1.属于\n" + far + "\n国家秘密\n")
    assert blankgold.label_pages(rows, text) == {"new_received": (0, 0), "carried_over": (0, 0),
                                                 "partially_granted": (0, 1)}  # fmt: skip


def test_numbers_around_a_short_row_fix_its_boundaries():
    """``1 0 0 0 0 0 1 | 2 2 | 3 0 0 0 0 0 3``: the first row cannot end earlier (a 1 under an
    applicant would break its 总计) and ``2 2`` is a row of 2 = 2, placed under 自然人 by the
    column identities: every cell as the rows known would give it."""
    rows = _apps(new_received=[11, 1, 0, 0, 0, 0, 12], total_handled=[11, 1, 0, 0, 0, 0, 12],
                 denied_state_secret=[1, 0, 0, 0, 0, 0, 1], denied_prohibited_by_law=[2, E, E, E, E, E, 2],
                 denied_security_stability=[3, 0, 0, 0, 0, 0, 3])  # fmt: skip
    stream_view = _three(rows)
    assert stream_view["denied_prohibited_by_law"] == {"natural_person": 2, **dict.fromkeys(APPS[1:]), "total": 2}
    assert stream_view["denied_state_secret"] == dict(zip([*APPS, "total"], [1, 0, 0, 0, 0, 0, 1]))
    assert stream_view == _three(rows, stream=False)


def test_a_group_column_shorter_than_the_group_does_not_say_whose_cell_is_empty():
    """三(一)/(二) written column by column: 科研机构's block is one ``0`` for two rows — which row
    is empty is not printed (both rows meet their 总计 either way); a ``1`` there is placed by
    the 总计 of 三(二) (0 ≠ 1)."""
    stream_view = _three(_apps(partially_granted=[0, 0, E, 0, 0, 0, 0]))
    assert stream_view["granted"]["research_institution"] is None
    assert stream_view["partially_granted"]["research_institution"] is None
    assert stream_view["granted"]["natural_person"] == 5 and stream_view["partially_granted"]["total"] == 0
    assert _three(_apps(partially_granted=[0, 0, E, 0, 0, 0, 0]), stream=False)["granted"]["research_institution"] == 0
    one = [4, 1, 1, 0, 0, 0, 6]
    stream_view = _three(_apps(new_received=one, granted=one, total_handled=one, partially_granted=[0, 0, E, 0, 0, 0, 0]))
    assert stream_view["granted"]["research_institution"] == 1
    assert stream_view["partially_granted"]["research_institution"] is None


def test_the_reading_shows_which_rows_pdftotext_joins():
    """A run of rows is a group where the reading has its column blocks, in order; the first row,
    after the column headers, is placed by them; a reading that does not write the grid's stream
    (two blocks swapped) keeps the row view."""
    g = grid("applications", _apps(partially_granted=[0, 0, E, 0, 0, 0, 0]))
    rows = blankgold.printed_rows(g, "2019")
    text = _stream_text(g)
    units, fixed = blankgold.stream_layout(rows, text)
    assert [[r.key for r in u] for u in units if len(u) > 1] == [list(x) for x in GROUPS]
    assert fixed == {0}
    units, _ = blankgold.stream_layout(rows, _stream_text(g, groups=()))
    assert units == [[r] for r in rows]
    st = Stats()
    swapped = text.replace("\n5\n0\n\n1\n0\n", "\n1\n0\n\n5\n0\n")
    assert swapped != text and blankgold.stream_cells(rows, "2019", swapped, st) is None
    assert st.stream_unseen == 1


def test_a_page_s_first_row_drawn_among_the_headers_is_placed_by_them():
    """WPS-style: a page's first row printed among the repeated column headers (``3 0 0 0 0 0 /
    总计 / 3``, the headers say which value is whose) is checked as a set of values and kept as
    rendered; the same values out of order anywhere else are not the grid's stream."""
    rows = _apps(new_received=[11, 1, 0, 0, 0, 0, 12], total_handled=[11, 1, 0, 0, 0, 0, 12],
                 denied_state_secret=[1, 0, 0, 0, 0, 0, 1], denied_prohibited_by_law=[2, E, E, E, E, E, 2],
                 denied_security_stability=[3, 0, 0, 0, 0, 0, 3])  # fmt: skip
    g = grid("applications", rows)
    printed = blankgold.printed_rows(g, "2019")
    plain = _stream_text(g)
    row = "\n\n2\n\n2\n\n3\n\n0\n\n0\n\n0\n\n0\n\n0\n\n3\n\n"
    assert plain.count(row) == 1
    paged = plain.replace(row, "\n\n2\n\n2\n\n\f申请人情况\n商业企业\n3\n0\n0\n0\n0\n0\n\n总计\n\n3\n\n")
    units, fixed = blankgold.stream_layout(printed, paged)
    assert [r.key for r in units[5]] == ["denied_security_stability"] and fixed == {0, 5}
    swapped = plain.replace(row, "\n\n2\n\n2\n\n0\n\n3\n\n0\n\n0\n\n0\n\n0\n\n3\n\n")
    assert blankgold.stream_layout(printed, swapped) is None


def test_over_the_stream_cap_the_row_view_stays(monkeypatch):
    """The search counts its states; past ``STREAM_CAP`` after one unit it gives up, says so in
    the stats, and table 三 keeps the row view (never a silently wrong gold)."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    monkeypatch.setattr(blankgold, "STREAM_CAP", 3)
    g = grid("applications", rows)
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), _stream_text(g))
    assert st.stream_capped == 1 and st.stream_nulled == 0
    assert out["applications"] == _three(rows, stream=False)


def test_a_reading_that_joins_blocks_the_units_print_apart_is_read_by_the_values_order():
    """A row printing only its 总计 ``0`` joined with the next row's first value in one block
    (``0`` / ``3``, no empty line between: the rows' heights, not the grid, decide): the units'
    blocks are not the reading's, so the values' order alone is used — a reading joins blocks,
    never splits one — and the grids printing the same values meet the identities (the rendered
    grid among them, asserted); a reading whose values come in another order keeps the row view."""
    rows = _apps(new_received=[11, 1, 0, 0, 0, 0, 12], total_handled=[11, 1, 0, 0, 0, 0, 12],
                 denied_state_secret=[1, 0, 0, 0, 0, 0, 1], denied_prohibited_by_law=[E, E, E, E, E, E, 0],
                 denied_security_stability=[3, 0, 0, 0, 0, 0, 3], denied_third_party_rights=[7, 0, 0, 0, 0, 0, 7])  # fmt: skip
    rows["granted"] = [0, 0, 0, 0, 0, 0, 0]
    g = grid("applications", rows)
    printed = blankgold.printed_rows(g, "2019")
    plain = _stream_text(g)
    run = "\n\n1\n\n0\n\n3\n\n"
    assert plain.count(run) == 1
    joined = plain.replace(run, "\n\n1\n\n0\n3\n\n")
    assert blankgold.stream_layout(printed, plain) is not None and blankgold.stream_layout(printed, joined) is None
    assert blankgold.stream_layout(printed, joined, flat=True) is not None
    st = Stats()
    seen = blankgold.stream_cells(printed, "2019", joined, st)
    assert seen is not None and st.stream_flat == 1 and st.stream_unseen == 0
    # the same cells open as where the blocks are read (a single row prints a block per value)
    assert seen == blankgold.stream_cells(printed, "2019", plain, Stats())
    st = Stats()
    assert blankgold.stream_cells(printed, "2019", joined.replace("\n1\n\n0\n3\n", "\n0\n\n1\n3\n"), st) is None
    assert st.stream_unseen == 1


def test_a_group_read_by_its_values_order_keeps_the_column_blocks_the_reading_prints():
    """Read by the values' order, a group's column may hold 0 to k of the next values, but no
    block the reading starts lies inside one, and at most ``FLAT_JOINS`` of its columns end inside
    one of the reading's blocks: the column sizes the reading's blocks show stay known."""
    rows = _apps(partially_granted=[0, 0, E, 0, 0, 0, 0])
    g = grid("applications", rows)
    units = [r for r in blankgold.printed_rows(g, "2019") if r.key in GROUPS[0]]
    blocks = blankgold.unit_blocks(units)
    flat = [[v] for b in blocks for v in b]
    ids = [[x for x in blankgold._row_identities(r) if blankgold._meets(tuple(r.rendered), [x])] for r in units]
    at, starts = 0, set()
    for b in blocks:
        starts.add(at)
        at += len(b)
    kept = blankgold._flat_group_candidates(units, flat, 0, ids, starts)
    rendered_vec = tuple(tuple(r.rendered) for r in units)
    assert kept is not None and (len(flat), rendered_vec) in kept
    # the blocks as the reading prints them: only the empty cell's row is open (科研机构's one 0)
    full = {vec for q, vec in kept if q == len(flat)}
    assert {vec[0][2] for vec in full} == {vec[1][2] for vec in full} == {0, None}
    assert all(vec[j][c] == rendered_vec[j][c] for vec in full for j in (0, 1) for c in range(7) if c != 2)
    # a block the reading starts is never inside a column: with every value a block of its own,
    # the group's two-value columns cannot be read
    alone = blankgold._flat_group_candidates(units, flat, 0, ids, set(range(len(flat))))
    assert alone is not None and not any(q == len(flat) for q, _ in alone)


def test_a_reading_the_values_order_does_not_describe_keeps_the_row_view():
    """A group's column block split in two (``5`` / ``0`` apart: a reading never does that to a
    block, but a page break could): the blocks are not the units', the values' order is, but no
    candidate of the group prints it so — the rendered grid would not be among the grids — and
    the row view stays (``Stats.stream_unseen``), never a gold the reading does not follow."""
    g = grid("applications", _apps(partially_granted=[0, 0, E, 0, 0, 0, 0]))
    printed = blankgold.printed_rows(g, "2019")
    text = _stream_text(g)
    first = "\n\n5\n0\n\n1\n0\n\n"  # 三(一)/(二)'s 自然人 and 商业企业 blocks
    assert text.count(first) == 1
    split = text.replace(first, "\n\n5\n\n0\n\n1\n0\n\n")
    assert blankgold.stream_layout(printed, split) is None
    assert blankgold.stream_layout(printed, split, flat=True) is not None
    st = Stats()
    assert blankgold.stream_cells(printed, "2019", split, st) is None
    assert st.stream_unseen == 1 and st.stream_flat == 0


# ---------------------------------------------------------------- a page the stream walk cannot read


def _two_flows(rows: dict[str, list], keys: list[str]) -> str:
    """A page of table 三 drawn in two flows (as pdftotext reads a page it splits into two text
    columns): its column headers, then per row its first three cells, then the last four columns
    a block each; a page break after it. Empty cells print nothing."""
    def shown(vals: list) -> list[str]:
        return ["—" if v is None else str(v) for v in vals if v != E]

    left = ["\n".join(shown(rows[k][:3])) for k in keys]
    right = ["\n".join(shown([rows[k][c] for k in keys])) for c in range(3, 7)]
    return "申请人情况\n自然人\n\n" + "\n\n".join(b for b in left + right if b) + "\n\n\f"


def _paged(rows: dict[str, list], first: int, last_flows: bool = False, tail: str = "") -> tuple[Grid, str]:
    """Table 三 over two pages: the first ``first`` rows on the first, the rest on the second; one
    of the two drawn in two flows (the second where ``last_flows``, ``tail`` after its rows), the
    other as the grid's stream."""
    g = grid("applications", rows)
    keys = list(rows)
    head, rest = keys[:first], keys[first:]
    if last_flows:
        text = _stream_text(grid("applications", {k: rows[k] for k in head})) + "\f"
        return g, text + _two_flows(rows, rest).replace("\n\n\f", "\n\n" + tail + "\f")
    return g, _two_flows(rows, head) + _stream_text(grid("applications", {k: rows[k] for k in rest}))


def test_a_page_read_as_a_whole_keeps_the_row_view_and_the_other_pages_the_stream():
    """The first page (三's first four rows) drawn in two flows, which no walk of the grid's units
    reads; its values are exactly those four rows' (in another order): the reading says which rows
    the page holds, so they keep the row view (row boundaries known), and the second page, the
    grid's stream, the stream gold: which of its zero rows is the one printing only 总计 is not
    printed — those cells null, as where the whole table is read from the stream. Before, the
    whole table kept the row view (its zero rows determined)."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    g, text = _paged(rows, 4)
    printed = blankgold.printed_rows(g, "2019")
    assert blankgold.stream_layout(printed, text) is None and blankgold.stream_layout(printed, text, flat=True) is None
    pages: dict = {}
    units, _ = blankgold.stream_layout(printed, text, pages=pages)
    assert [r.key for u in sorted(pages) for r in units[u]] == ["new_received", "carried_over", "granted", "partially_granted"]
    assert [len(pages[u]) for u in sorted(pages)] == [0, 0, 0, 8]  # the page's blocks stand on its last row
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), text)["applications"]
    assert st.stream_paged == 1 and st.stream_unseen == 0
    row_view = _three(rows, stream=False)
    assert out["new_received"] == row_view["new_received"] == dict(zip([*APPS, "total"], [5, 1, 0, 0, 0, 0, 6]))
    assert out["carried_over"] == row_view["carried_over"] == dict.fromkeys([*APPS, "total"], 0)
    assert out["granted"] == row_view["granted"] == dict(zip([*APPS, "total"], [5, 1, 0, 0, 0, 0, 6]))
    # (the second page's first row, drawn after its headers, is placed by them: as before)
    for key in ("denied_security_stability", "unable_not_held", "not_processed_reconfirmation"):
        assert row_view[key] == dict.fromkeys([*APPS, "total"], 0)
        assert all(v is None for v in out[key].values()), key
    assert out["total_handled"]["total"] == 6


def test_a_page_read_as_a_whole_is_the_last_page_among_other_values():
    """The table's last page in two flows with table 四's values after its rows, before the page
    break: its rows' values are among the page's, and no later page says where they end; the
    first page is the grid's stream. The last page's rows keep the row view."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    g, text = _paged(rows, 19, last_flows=True, tail="四、因政府信息公开申请行政复议\n\n3\n\n1\n\n")
    printed = blankgold.printed_rows(g, "2019")
    assert blankgold.stream_layout(printed, text) is None and blankgold.stream_layout(printed, text, flat=True) is None
    pages: dict = {}
    units, _ = blankgold.stream_layout(printed, text, pages=pages)
    keys = ["not_processed_reconfirmation", "other_handling", "total_handled", "carried_forward"]
    assert [r.key for u in sorted(pages) for r in units[u]] == keys
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), text)["applications"]
    assert st.stream_paged == 1
    assert out["total_handled"] == dict(zip([*APPS, "total"], [5, 1, 0, 0, 0, 0, 6]))
    assert all(v is None for v in out["denied_state_secret"].values())


def test_a_page_two_runs_of_rows_fit_keeps_the_row_view():
    """三(三)1. prints nothing (every cell empty): the first page's values are those of the first
    four rows and of the first five alike — which rows the page holds is not printed, so the page
    is not read as a whole and the table keeps the row view."""
    rows = _apps(denied_state_secret=[E] * 7, denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    g, text = _paged(rows, 4)
    assert blankgold.stream_layout(blankgold.printed_rows(g, "2019"), text, flat=True) is None
    printed = blankgold.printed_rows(g, "2019")
    assert blankgold.stream_layout(printed, text, pages={}) is None
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), text)["applications"]
    assert st.stream_unseen == 1 and st.stream_paged == 0
    assert out == _three(rows, stream=False)


def test_a_search_with_a_page_read_as_a_whole_is_bounded(monkeypatch):
    """Past ``PAGED_GRIDS_CAP`` grids the units would try (checked before each unit) the search gives up,
    says so, and table 三 keeps the row view."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    g, text = _paged(rows, 4)
    monkeypatch.setattr(blankgold, "PAGED_GRIDS_CAP", 300)
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), text)["applications"]
    assert st.stream_capped == 1 and st.stream_paged == 0
    assert out == _three(rows, stream=False)


def test_a_table_whose_every_page_is_read_as_a_whole_keeps_the_row_view():
    """One page in two flows holding the whole table: the page read as a whole says only which rows
    it holds — what the row view assumes already — so the table keeps the row view, unseen."""
    rows = _apps(denied_prohibited_by_law=[E, E, E, E, E, E, 0])
    g = grid("applications", rows)
    text = _two_flows(rows, list(rows))
    printed = blankgold.printed_rows(g, "2019")
    pages: dict = {}
    units, _ = blankgold.stream_layout(printed, text, pages=pages)
    assert len(pages) == len(units) == len(printed)
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset({"applications"}), text)["applications"]
    assert st.stream_unseen == 1 and st.stream_paged == 0
    assert out == _three(rows, stream=False)


def _review_grid(values: list) -> Grid:
    """Table 四 with its header rows (the groups' labels over their five columns) and one data row."""
    g = grid("review_litigation", {"review": values})
    head = [GRow([GCell([[Seg("行政复议")]], colspan=5, kind="col"), GCell([[Seg("行政诉讼")]], colspan=10, kind="col")], "header"),
            GRow([GCell([[Seg(w)]], rowspan=2, kind="col") for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
                 + [GCell([[Seg("未经复议直接起诉")]], colspan=5, kind="col"), GCell([[Seg("复议后起诉")]], colspan=5, kind="col")],
                 "header"),
            GRow([GCell([[Seg(w)]], kind="col") for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] * 2, "header")]  # fmt: skip
    return Grid(g.table, g.ncols, head + g.rows, g.nlabel)


# doc-1-like: 行政复议 ``— 0 0 0 0``, 未经复议直接起诉 ``2 0 0 0 0`` (its own sum wrong: 2 ≠ 0), 复议后起诉
# ``— (empty) 0 0 0``: fourteen tokens for fifteen cells, and no placement of them meets every group's 总计
_WRONG_SUM = ["—", 0, 0, 0, 0, 2, 0, 0, 0, 0, "—", E, 0, 0, 0]
_APART = ("四、行政复议和行政诉讼情况\n\n行政复议\n结果 结果\n维持 纠正\n其他\n结果\n尚未\n审结\n总计\n\n—\n\n0\n\n0\n\n0\n\n0\n\n"
          "行政诉讼\n未经复议直接起诉\n结果 结果 其他\n维持 纠正 结果\n2\n0\n0\n\n尚未\n审结\n0\n\n总计\n0\n\n"
          "复议后起诉\n结果 结果\n维持 纠正\n—\n\n其他\n结果\n0\n\n尚未\n审结\n0\n\n总计\n0\n\n五、其他\n")  # fmt: skip


def test_review_groups_printed_apart_are_read_group_by_group_when_one_group_s_sum_is_wrong():
    """One row of fifteen: no placement meets the three 总计 (the report's own sum is wrong in one
    group), so the row view keeps every placement and nulls all fifteen cells. A raw pdftotext
    reading that prints each group's tokens between its label and the next says which group each
    token is in: 行政复议's five tokens fill its five cells, 未经复议直接起诉's too (its 总计 broken:
    one placement, kept), 复议后起诉's four leave one of five cells empty and only its first,
    ``—`` or empty, is the same in every placement."""
    g = _review_grid(_WRONG_SUM)
    st = Stats()
    row_view = contract_tables([g], "2019", {g.table: rendered(g)}, st)["review_litigation"]
    assert all(v is None for grp in row_view.values() for v in grp.values())
    st = Stats()
    out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset(), _APART)
    out = out["review_litigation"]
    assert out["administrative_review"] == {"upheld": None, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    assert out["litigation_direct"] == {"upheld": 2, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    assert out["litigation_after_review"] == {c: None for c in out["litigation_after_review"]}
    assert st.review_grouped == 1


def test_review_groups_not_printed_apart_keep_the_row_view():
    """The same table where the reading writes 行政复议's 总计 after the next group's label (its tokens
    between the labels are not its own): the text does not say which group each token is in, and the
    row view stays (every cell null); likewise a reading that dropped a mark (``—`` joined away)."""
    g = _review_grid(_WRONG_SUM)
    moved = _APART.replace("\n\n0\n\n行政诉讼\n未经复议直接起诉\n", "\n\n行政诉讼\n未经复议直接起诉\n0\n", 1)
    dropped = _APART.replace("总计\n\n—\n\n", "总计\n\n", 1)
    for text in (moved, dropped):
        st = Stats()
        out = contract_tables([g], "2019", {g.table: rendered(g)}, st, frozenset(), text)["review_litigation"]
        assert all(v is None for grp in out.values() for v in grp.values())
        assert st.review_grouped == 0


def test_chromium_raw_pdftotext_reads_table_two_column_by_column_as_libreoffice_s_does():
    """Chromium's raw reading writes table 二's group column by column (``上一年项目数量 / 0 / 4``):
    a row with an empty cell keeps the cells its column's tokens determine; table 三 stays row-view."""
    from govreport.training.synth.routes import COLUMN_MAJOR

    major = COLUMN_MAJOR[("chrome-pdf", "pdftotext")]
    assert major == frozenset({"active_disclosure"})
    g = grid("active_disclosure", {"administrative_penalty": [0, 0, E], "administrative_coercion": [4, -3, 1]})
    out = contract_tables([g], "2019", {g.table: rendered(g)}, Stats(), major)[g.table]
    assert out["administrative_penalty"] == {"prev_year_items": 0, "change": 0, "decisions": None}
    assert out["administrative_coercion"] == {"prev_year_items": 4, "change": -3, "decisions": 1}
