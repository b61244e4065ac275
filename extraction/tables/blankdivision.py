"""Table 三 from raw ``pdftotext`` where blank cells leave no line: divisions of the value stream into rows.

Raw ``pdftotext`` prints a row of table 三 as its non-empty cells one after another; which cell was
empty is not printed. ``solve_blank_stream`` lists every division of the stream into the template's
rows (a single row as its non-empty values in column order, any order-keeping placement meeting the
row's 总计; a row group column by column) without the column identities: it only rules values out
(``rule_out_guesses`` nulls the guesses read by order that no division gives). ``solve_blank_identities``
follows the column identities as well (一+二 = (七)总计 + 四, (七)总计 = 三(一)…(六)), a dynamic
programme bounded by ``IDENTITY_STATE_LIMIT``; ``blank_identities_result`` builds the table from the
cells every such division agrees on (``inferred``) and nulls the others with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

from .base import Cell
from .digitruns import application_identities
from .result import BLANK, READ, UNREADABLE, TableResult
from .streamblocks import APP_COLS, MAX_GROUP, Number, _alive_edges, _breaks, _group, _reaching

# the most (stream position, template row) states a division search may take; checked before the search
BLANK_STATE_LIMIT = 10_000


_EMPTY = "empty"  # a cell a division leaves without a token (printed empty)


def _merge_placement(merged: list[list[tuple[object, int | None]]], vals: Sequence[Number | None], p: int,
                     slots: Sequence[int]) -> None:  # fmt: skip
    """Add to ``merged`` (per column, the (value or ``_EMPTY``, stream index) options of a short row)
    what the placement of ``vals`` (stream positions from ``p``) under ``slots`` leaves in each column."""
    taken = dict(zip(slots, range(len(vals))))
    for c in range(APP_COLS):
        opt = (vals[taken[c]], p + taken[c]) if c in taken else (_EMPTY, None)
        if opt not in merged[c]:
            merged[c].append(opt)


_TOL = 1e-6


@dataclass
class BlankSolution:
    """What the divisions of a short stream leave of table 三: per cell the values they give
    (``_EMPTY``: a cell left without a token; a printed blank — or 无 — is the value ``None``),
    each with one stream index (None for ``_EMPTY``); ``exceeded``: the stream and template take
    more than the state limit, nothing was searched."""

    cells: list[list[dict[object, int | None]]]
    exceeded: bool = False


def short_row_placements(values: Sequence[Number | None], hints: Sequence[int | None] = ()) -> list[tuple[int, ...]]:
    """Order-keeping placements of a row's printed values (fewer than seven) under the seven
    columns, as slot tuples, kept if the row meets 总计 = the six applicant columns (an empty cell
    or a printed blank counting 0); where none does (a row that prints only 总计, or broken
    arithmetic) every placement. A value a header names (``hints``) stays in that column."""
    m = len(values)
    every: list[tuple[int, ...]] = []
    fitting: list[tuple[int, ...]] = []
    for slots in combinations(range(APP_COLS), m):
        if hints and any(h is not None and h != s for h, s in zip(hints, slots)):
            continue
        every.append(slots)
        row = [0.0] * APP_COLS
        for v, s in zip(values, slots):
            row[s] = 0 if v is None else v
        if abs(sum(row[:6]) - row[6]) < _TOL:
            fitting.append(slots)
    return fitting or every


def solve_blank_stream(values: Sequence[Number | None], nrows: int, skippable: frozenset[int] = frozenset(),
                       hints: Sequence[int | None] = (), lead: int = 0, trail: bool = False,
                       limit: int = BLANK_STATE_LIMIT) -> BlankSolution | None:  # fmt: skip
    """Every division of a stream of table 三's values into ``nrows`` template rows as raw
    ``pdftotext`` writes them when blank cells leave no line: a single row as its non-empty cells
    in column order (any order-keeping placement under the seven columns that meets the row's
    总计, ``short_row_placements``), or a row group of ``k`` full rows column by column
    (``_group``); per cell, the values the divisions give. The column identities are not followed
    (``solve_blank_identities`` follows them, where every row meets its 总计), so no cell is decided
    and the result only rules values out. Values at ``skippable`` are passed over between rows, the first ``lead`` before the first
    row and, with ``trail``, all after the last. ``None`` when no division fits; ``exceeded`` when
    (stream length + 1) x (rows + 1) passes ``limit`` (nothing searched)."""
    n = len(values)
    if (n + 1) * (nrows + 1) > limit:
        return BlankSolution([], exceeded=True)
    # per column, the (value or _EMPTY, stream index) a step may leave there: a short row's
    # placements are merged into one step, since only the values per cell are asked for (a row of
    # zeros fits up to 126 placements, and listing each as a step made millions of steps)
    Row = list[list[tuple[object, int | None]]]
    cache: dict[tuple[int, int], Row | None] = {}

    def short_row(p: int, m: int) -> Row | None:
        if (p, m) not in cache:
            vals = values[p : p + m]
            merged: Row = [[] for _ in range(APP_COLS)]
            found = False
            for slots in short_row_placements(vals, list(hints[p : p + m]) if hints else []):
                found = True
                _merge_placement(merged, vals, p, slots)
            cache[(p, m)] = merged if found else None
        return cache[(p, m)]

    at: dict[int, list[tuple[int, list[Row]]]] = {}  # the steps from a stream position, whatever the row

    def options(p: int, r: int) -> list[tuple[int, list[Row]]]:
        """(values taken, rows) of every row group that may start at ``p`` with template row ``r``."""
        if p not in at:
            steps: list[tuple[int, list[Row]]] = []
            for k in range(1, MAX_GROUP + 1):
                rows = _group(values, p, k, hints)  # type: ignore[arg-type]
                if rows is not None:
                    steps.append((k * APP_COLS, [[[cell] for cell in row] for row in rows]))
            for m in range(1, min(APP_COLS, n - p + 1)):
                merged = short_row(p, m)
                if merged is not None:
                    steps.append((m, [merged]))
            at[p] = steps
        return [(used, rows) for used, rows in at[p] if len(rows) <= nrows - r]

    steps = _alive_edges(n, nrows, skippable, lead, trail, options)
    if steps is None:
        return None
    cells: list[list[dict[object, int | None]]] = [[{} for _ in range(APP_COLS)] for _ in range(nrows)]
    for r, rows in steps:
        for j, row in enumerate(rows):
            for c, opts in enumerate(row):
                for v, idx in opts:
                    cells[r + j][c].setdefault(v, idx)
    return BlankSolution(cells)


def rule_out_guesses(res: TableResult, values: Sequence[Number | None], hints: Sequence[int | None],
                     lead: int, pages: frozenset[int]) -> int:  # fmt: skip
    """Null the flagged guesses of ``res`` (table 三 read by order from a stream short of values:
    most of its rows paired with their values by order, ``TableResult.by_order``)
    that no division of the stream into rows gives their cell (``solve_blank_stream`` without the
    column identities: every division whose rows meet their 总计), with a warning; cells ``read``
    in place are kept. Returns the count nulled; 0 when no division fits or the search is too large
    (said in a warning). ``res`` is changed in place."""
    spec = res.spec
    cols = spec.rows[0].cols
    with_values = {row for row, st in res.status.items() if any(x != BLANK for x in st.values())}
    if 2 * len(res.by_order) < len(with_values):
        return 0  # most rows read with their labels: not the content stream (as in ``distrust_order``)
    sol = solve_blank_stream(values, len(spec.row_keys), pages, hints, lead, True)
    if sol is None:
        return 0
    if sol.exceeded:
        res.warn(f"values read one per line with blank cells unprinted: more than {BLANK_STATE_LIMIT} states to "
                 "search for divisions of the stream into rows; the guesses are not checked against them")
        return 0
    nulled: list[str] = []
    for r, key in enumerate(spec.row_keys):
        for c, col in enumerate(cols):
            v = res.values.get(key, {}).get(col)
            st = res.status.get(key, {}).get(col)
            if v is None or st == READ or any(isinstance(x, (int, float)) and abs(x - v) < _TOL for x in sol.cells[r][c]):
                continue
            res.values[key][col] = None
            res.status[key][col] = UNREADABLE
            # the value is not the cell's: its text is no printed content of the cell (else the
            # report would call it "printed but not a number")
            res.provenance.get(key, {}).pop(col, None)
            res.ambiguous.discard((key, col))
            nulled.append(f"{key}.{col}")
    if nulled:
        res.warn("values read one per line with blank cells unprinted: no division of the values into rows "
                 f"gives these cells the value read by order; null: {', '.join(nulled)}")
    return len(nulled)


# --- divided under the column identities ----------------------------------------------------------

# the most search states (stream position, template row, the column identities' running sums) a
# division search under the identities may take; checked before each new state is taken
IDENTITY_STATE_LIMIT = 50_000


class TooManyStates(Exception):
    """The division search under the column identities passed ``IDENTITY_STATE_LIMIT`` states."""


def _coefficients(row_keys: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
    """Per template row, its sign in each column identity of table 三 (left +1, right -1, else 0),
    and the checks used to prune the search: each identity alone and each two added or subtracted
    (一+二 - 四 - 三(一)…(六) = 0 leaves (七)总计 out: its remaining rows all subtract)."""
    idents = application_identities(row_keys)
    coef = [[(r in left) - (r in right) for left, right in idents] for r in row_keys]
    combos = [[int(i == j) for j in range(len(idents))] for i in range(len(idents))]
    for i in range(len(idents)):
        for j in range(i + 1, len(idents)):
            for s in (1, -1):
                combos.append([1 if k == i else s if k == j else 0 for k in range(len(idents))])
    return coef, combos


def _row_steps(values: Sequence[Number | None], p: int, hints: Sequence[int | None]) -> list[tuple[int, list[list[list[tuple[object, int | None]]]], list[tuple[int, ...]]]]:  # fmt: skip
    """The single-row steps from ``p`` under the identities: for each 0-6 values (a row may leave
    every cell empty: nothing printed), their placements
    that meet the row's 总计 (a blank counting 0), merged by what they add to the seven columns
    (only the sums matter to the identities; the cells keep every value the merged placements give).
    (values taken, [row's per-column options], [the row's column sums])."""
    out = []
    for m in range(0, min(APP_COLS, len(values) - p + 1)):
        vals = values[p : p + m]
        by_sums: dict[tuple[int, ...], list[list[tuple[object, int | None]]]] = {}
        for slots in combinations(range(APP_COLS), m):
            if hints and any(h is not None and h != s for h, s in zip(hints[p : p + m], slots)):
                continue
            row = [0] * APP_COLS
            for v, s in zip(vals, slots):
                row[s] = 0 if v is None else v  # type: ignore[assignment]
            if sum(row[:6]) != row[6]:
                continue
            merged = by_sums.setdefault(tuple(row), [[] for _ in range(APP_COLS)])
            _merge_placement(merged, vals, p, slots)
        out.extend((m, [merged], [sums]) for sums, merged in by_sums.items())
    return out


def solve_blank_identities(values: Sequence[Number | None], row_keys: Sequence[str],
                           skippable: frozenset[int] = frozenset(), hints: Sequence[int | None] = (),
                           lead: int = 0, trail: bool = False,
                           limit: int = IDENTITY_STATE_LIMIT, spent: list[int] | None = None) -> BlankSolution | None:  # fmt: skip
    """Every division of a stream of table 三's values (raw ``pdftotext``, blank cells leaving no
    line) into the template's rows, as ``solve_blank_stream`` models them (a single row as its
    non-empty values in column order, none where every cell is empty; a group of full rows column
    by column), under which every row
    meets its 总计 and every column meets the table's identities (一+二 = (七)总计 + 四, (七)总计 =
    三(一)…(六); a blank or an empty cell counting 0); per cell, the values they give. A dynamic
    programme over (stream position, template row, the identities' running sums per column): a
    short row's placements that add the same to each column are one step, and a state whose sums
    the rows left cannot balance (counts are never negative) is not taken. ``None`` when no division
    fits (a row that prints only a non-zero 总计 has none: its applicant cells are not known) or a
    value is no whole non-negative number; ``exceeded`` when the search would take more than
    ``limit`` states (checked before each state is taken; nothing is returned of it). ``skippable``,
    ``hints``, ``lead`` and ``trail`` as for ``solve_stream``; ``trail`` is off by default: with rows
    that print nothing, passing over every value after the last row would let any stream end early.
    ``spent``: the count of states the search took is appended to it (a budget over several searches)."""
    if any(v is not None and (not float(v).is_integer() or v < 0) for v in values):
        return None
    ints: list[int | None] = [None if v is None else int(v) for v in values]
    n, nrows = len(ints), len(row_keys)
    coef, combos = _coefficients(row_keys)
    nid = len(coef[0])
    # per template row r and check: the signs the rows from r on may add with (a sum above 0 needs a
    # row that subtracts, one below 0 a row that adds)
    signs: list[list[set[int]]] = []
    for r in range(nrows + 1):
        signs.append([{(x > 0) - (x < 0) for q in range(r, nrows) if (x := sum(w * c for w, c in zip(combo, coef[q])))}
                      for combo in combos])

    def feasible(r: int, d: tuple[int, ...]) -> bool:
        for combo, left in zip(combos, signs[r]):
            for c in range(APP_COLS):
                x = sum(w * d[i * APP_COLS + c] for i, w in enumerate(combo) if w)
                if (x > 0 and -1 not in left) or (x < 0 and 1 not in left):
                    return False
        return True

    Opts = list[list[tuple[object, int | None]]]
    at: dict[int, list[tuple[int, list[Opts], list[tuple[int, ...]]]]] = {}

    def options(p: int) -> list[tuple[int, list[Opts], list[tuple[int, ...]]]]:
        if p not in at:
            steps = _row_steps(ints, p, hints)
            for k in range(1, MAX_GROUP + 1):
                rows = _group(ints, p, k, hints)  # type: ignore[arg-type]
                if rows is not None:
                    steps.append((k * APP_COLS, [[[cell] for cell in row] for row in rows],
                                  [tuple(0 if x is None else x for x, _ in row) for row in rows]))
            at[p] = steps
        return at[p]

    State = tuple[int, int, tuple[int, ...]]
    start: State = (0, 0, (0,) * (nid * APP_COLS))
    edges: dict[State, list[tuple[State, int, list[Opts]]]] = {}
    seen: set[State] = {start}
    todo = [start]
    while todo:
        st = todo.pop()
        p, r, d = st
        nxt: list[tuple[State, int, list[Opts]]] = []
        if p < n and (p in skippable or (r == 0 and p < lead) or (r == nrows and trail)):
            nxt.append(((p + 1, r, d), r, []))
        if r < nrows:
            for used, rows, sums in options(p):
                if len(rows) > nrows - r:
                    continue
                nd = list(d)
                for j, row in enumerate(sums):
                    for i, w in enumerate(coef[r + j]):
                        if w:
                            for c in range(APP_COLS):
                                nd[i * APP_COLS + c] += w * row[c]
                t = (p + used, r + len(rows), tuple(nd))
                if feasible(t[1], t[2]):
                    nxt.append((t, r, rows))
        edges[st] = nxt
        for t, _, _ in nxt:
            if t not in seen:
                if len(seen) >= limit:
                    return BlankSolution([], exceeded=True)
                seen.add(t)
                todo.append(t)
    goal = (n, nrows, (0,) * (nid * APP_COLS))
    if spent is not None:
        spent.append(len(seen))
    if goal not in seen:
        return None
    alive = _reaching(edges, goal)
    cells: list[list[dict[object, int | None]]] = [[{} for _ in range(APP_COLS)] for _ in range(nrows)]
    for st, nxt in edges.items():
        if st not in alive:
            continue
        for t, r, rows in nxt:
            if t not in alive:
                continue
            for j, row in enumerate(rows):
                for c, opts in enumerate(row):
                    for v, idx in opts:
                        cells[r + j][c].setdefault(v, idx)
    return BlankSolution(cells)


def order_breaks(res: TableResult) -> bool:
    """Does table 三 read by order ask for the division under the identities
    (``blank_identities_result``): most of its rows paired with their values by order
    (``TableResult.by_order``; rows read with their labels are not the content stream, and their
    cells read in place stand, as in ``rule_out_guesses``), and an identity its cells let be checked
    broken (a reading that fails only by null cells is kept, its guesses flagged: on 27 such
    readings among 200 per route the divisions left 311 more of their cells null than order had
    right)."""
    spec = res.spec
    with_values = {row for row, st in res.status.items() if any(x != BLANK for x in st.values())}
    if 2 * len(res.by_order) < len(with_values):
        return False
    return _breaks(res.values, spec.row_keys, spec.rows[0].cols)


def _merge_blank(a: BlankSolution, b: BlankSolution) -> BlankSolution:
    """The values two sets of divisions give each cell, together (a value from either)."""
    cells = [[dict(opts) for opts in row] for row in a.cells]
    for r, row in enumerate(b.cells):
        for c, opts in enumerate(row):
            for v, i in opts.items():
                cells[r][c].setdefault(v, i)
    return BlankSolution(cells)


def blank_identities_result(res: TableResult, cells: Sequence[Cell], hints: Sequence[int | None], lead: int,
                            pages: frozenset[int],
                            rewrites: Sequence[tuple[Sequence[int], frozenset[int], Sequence[int | None]]] = (),
                            breaks: bool | None = None) -> TableResult | None:  # fmt: skip
    """Table 三 from a stream short of values (blank cells left no line) where divisions into rows
    meet every row's 总计 and the column identities (``solve_blank_identities``): the cells every
    such division gives one value (``inferred``: placed by the arithmetic; a cell they all leave
    empty or print as a blank is blank), the others ``unreadable`` with a warning naming them.
    ``rewrites``: other orders of the stream to divide instead of the printed one (a page's first
    rows drawn among its column headers, ``pagetop.reorderings``: per rewrite the permutation, new
    position -> index into ``cells``, the indices moved, and per new position the column the
    rewrite gives the value, which replaces its header hint, or None); the divisions of every
    rewrite count alike, so a cell two rewrites fill differently is unreadable.
    ``None`` when the reading does not ask for it (``order_breaks``; ``breaks``: its
    answer, given where ``res`` has changed since, e.g. by ``rule_out_guesses``), when no division
    fits, or when the search passes its limit (a warning on ``res`` says so; with rewrites,
    ``IDENTITY_STATE_LIMIT`` is the budget of all their searches together, and past it none is
    chosen)."""
    spec = res.spec
    cols = spec.rows[0].cols
    if not (order_breaks(res) if breaks is None else breaks):
        return None
    sol: BlankSolution | None = None
    spent: list[int] = []
    tried: set[tuple] = set()
    for perm, moved, placed in rewrites or [(range(len(cells)), frozenset(), [None] * len(cells))]:
        new_at = {old: new for new, old in enumerate(perm)}
        stream = ([cells[i].value for i in perm], frozenset(new_at[i] for i in pages),
                  [col if i in moved else hints[i] if hints else None for i, col in zip(perm, placed)])  # fmt: skip
        key = (tuple(stream[0]), stream[1], tuple(stream[2]))
        if key in tried:
            continue  # the same values, page numbers and hints in another cells' order: the same divisions
        tried.add(key)
        got = solve_blank_identities(stream[0], spec.row_keys, stream[1], stream[2], lead,
                                     limit=IDENTITY_STATE_LIMIT - sum(spent), spent=spent)  # fmt: skip
        if got is not None and got.exceeded:
            res.warn(f"values read one per line with blank cells unprinted: more than {IDENTITY_STATE_LIMIT} states to "
                     "search for divisions into rows under the column identities; none is chosen")
            return None
        if got is None:
            continue
        # the division's stream positions back to indices into ``cells`` (every rewrite's alike)
        got.cells = [[{v: None if i is None else perm[i] for v, i in opts.items()} for opts in row] for row in got.cells]
        sol = got if sol is None else _merge_blank(sol, got)
    if sol is None:
        return None
    out = TableResult.empty(spec)
    out.rows_found = len(spec.row_keys)
    unknown: list[str] = []
    for r, key in enumerate(spec.row_keys):
        out.found(key)
        for c, col in enumerate(cols):
            opts = sol.cells[r][c]
            numbers = {v for v in opts if v is not _EMPTY and v is not None}
            if not numbers:
                idx = next((i for v, i in opts.items() if i is not None), None)
                if idx is not None:
                    out.put(key, col, cells[idx], inferred=True)  # a printed blank (— or 无)
                continue  # every division leaves it empty: blank
            if len(opts) == 1:
                (idx,) = opts.values()
                out.put(key, col, cells[idx], inferred=True)  # type: ignore[index]
                continue
            out.status.setdefault(key, {})[col] = UNREADABLE
            unknown.append(f"{key}.{col}")
    out.warn("values read one per line with blank cells unprinted (no line for an empty cell); rows divided where "
             "every row meets its 总计 and every column the table's identities")
    if unknown:
        out.warn(f"more than one division into rows meets the arithmetic; null: {', '.join(unknown)}")
    return out
