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

from dataclasses import dataclass, field
from itertools import combinations
from operator import add, or_
from typing import Mapping, Sequence

from .base import Cell
from .digitruns import application_identities
from .result import BLANK, READ, UNREADABLE, TableResult
from .streamblocks import APP_COLS, MAX_GROUP, Number, _alive_edges, _breaks, _group, _reaching

# the most (stream position, template row) states a division search may take; checked before the search
BLANK_STATE_LIMIT = 10_000


_EMPTY = "empty"  # a cell a division leaves without a token (printed empty)
_ZEROS = [0] * (APP_COLS - 1)


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
    # the stream positions of the totals of rows printing only 总计 (``_broken_row_steps``) in the
    # divisions kept
    broken_at: frozenset[int] = frozenset()
    # some division kept leaves every column identity unchecked in the applicant columns (its rows
    # printing only 总计 enter them all): there only the rows' own 总计 place those cells
    unchecked: bool = False
    # per template row, every stream position a division kept gives one of its cells
    positions: list[set[int]] = field(default_factory=list)


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
    nulled = _null_unsupported(res, sol)
    if nulled:
        res.warn("values read one per line with blank cells unprinted: no division of the values into rows "
                 f"gives these cells the value read by order; null: {', '.join(nulled)}")
    return len(nulled)


def _null_unsupported(res: TableResult, sol: BlankSolution) -> list[str]:
    """Null each value of ``res`` not ``read`` in place that no division in ``sol`` gives its cell
    (``sol.cells``: per template row and column, the values the divisions give); the cells nulled,
    as ``row.column``. ``res`` is changed in place."""
    cols = res.spec.rows[0].cols
    nulled: list[str] = []
    for r, key in enumerate(res.spec.row_keys):
        for c, col in enumerate(cols):
            v = res.values.get(key, {}).get(col)
            st = res.status.get(key, {}).get(col)
            if v is None or st == READ or any(isinstance(x, (int, float)) and abs(x - v) < _TOL for x in sol.cells[r][c]):
                continue
            # the value is not the cell's: its text is no printed content of the cell (else the
            # report would call it "printed but not a number")
            res.null(key, col)
            nulled.append(f"{key}.{col}")
    return nulled


# --- divided under the column identities ----------------------------------------------------------

# the most search states (stream position, template row, the column identities' running sums) a
# division search under the identities may take; checked before each new state is taken
IDENTITY_STATE_LIMIT = 50_000
# the most states the search with rows printing only 总计 may take (within ``IDENTITY_STATE_LIMIT``):
# such rows drop identities, and past it the search was seen to run out anyway
BROKEN_STATE_LIMIT = 25_000


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


def _broken_row_steps(values: Sequence[int | None], p: int,
                      hints: Sequence[int | None]) -> list[tuple[int, list[list[tuple[object, int | None]]], tuple[int, ...]]]:  # fmt: skip
    """The steps from ``p`` of a row that prints only a non-zero 总计: 0-5 blank marks (无, —) and
    one non-zero value, the value under 总计 (its applicant cells empty, or the marks in any of them).
    Such a row meets its own 总计 nowhere, and its cells are not its share of the applicant columns'
    sums (its breakdown was not printed): the caller drops, in the six applicant columns, the
    identities the row enters. (values taken, the row's per-column options, its column sums)."""
    out = []
    for marks in range(APP_COLS - 1):
        q = p + marks
        if q >= len(values) or (marks and values[q - 1] is not None):
            break
        v = values[q]
        if not v:
            continue
        vals = values[p : q + 1]
        by_sums: dict[tuple[int, ...], list[list[tuple[object, int | None]]]] = {}
        for marked in combinations(range(APP_COLS - 1), marks):
            slots = (*marked, APP_COLS - 1)  # the value last, under 总计
            if hints and any(h is not None and h != s for h, s in zip(hints[p : q + 1], slots)):
                continue
            row = [0] * APP_COLS
            row[slots[-1]] = v
            _merge_placement(by_sums.setdefault(tuple(row), [[] for _ in range(APP_COLS)]), vals, p, slots)
        out.extend((marks + 1, merged, sums) for sums, merged in by_sums.items())
    return out


# a cell's options in a row group's walk: (value or ``_EMPTY``, stream index) per row
_Opts = list[tuple[object, int | None]]

# the most partial grids one row group with empty cells may be walked through at one stream position
# (``_partial_group_steps``), and all such walks of one search together; checked before each state
# is taken: past either the search gives up (``TooManyStates``)
PARTIAL_GROUP_LIMIT = 20_000
PARTIAL_GROUP_TOTAL = 250_000
# all such walks of the search with rows printing only 总计 (``BROKEN_STATE_LIMIT``)
BROKEN_GROUP_TOTAL = 50_000
# the most of a row group's column blocks that may end inside one of the reading's blocks (the
# contract gold's ``FLAT_JOINS``: a reading joins a column's block with the next one at most once)
GROUP_JOINS = 1


def _partial_group_steps(values: Sequence[int | None], p: int, k: int, starts: Sequence[bool],
                         limit: int = PARTIAL_GROUP_LIMIT, budget: list[int] | None = None,
                         broken: bool = False) -> list[tuple[int, list[list[list[tuple[object, int | None]]]], list[tuple[int, ...]], int]]:  # fmt: skip
    """The steps from ``p`` of a row group of ``k`` rows with empty cells, written column by column
    (raw ``pdftotext`` joins a group's cells of one column into a block; an empty cell leaves no
    line): each column's non-empty cells, 0 to ``k`` of them, are the next values in row order
    (which of the rows hold them is not printed), no block of the reading (``starts``) starting
    inside them — a reading joins blocks, it never splits one — and at most ``GROUP_JOINS`` of them
    ending inside one of the reading's blocks; at least one column holds two values or more (else
    the rows are single rows, stepped alone), and every row meets its 总计 — with ``broken``, a row
    may instead print only a non-zero 总计, its applicant cells empty or blank marks (as a single row
    does in ``_broken_row_steps``: a group's rows are drawn alike, its total joins the group's 总计
    block). One step per distinct (values taken, the rows' column sums): (values taken, per row its
    per-column options, per row its column sums, the rows printing only a non-zero 总计 as a bit
    mask). A walk over the columns whose states are (column, stream position,
    joins, a column of two yet, per row its values so far, per row whether it printed a number yet:
    ``broken`` only), so placements that add alike are walked once; a state is taken only where the columns left can still meet every row's 总计 (judged on
    the rows' sums alone, memoised; a row whose cells add past every value left is ruled out), which
    leaves the steps as they were and their order. Raises ``TooManyStates`` past ``limit`` states
    (the walk's and the judged ones together), or when ``budget`` (``[states left]``, shared by the
    walks of one search and taken from) runs out — both checked before a state is taken."""
    n = len(values)
    subsets = [list(combinations(range(k), s)) for s in range(k + 1)]
    # a state: (column, stream position, joins, wide, per column so far the id of its rows' counts
    # in ``counts``, per row whether it printed a number yet — a row printing only its 总计 prints
    # none before it; all False without ``broken``): the rows' column sums so far, column by column
    State = tuple[int, int, int, bool, tuple[int, ...], tuple[bool, ...]]
    nothing = (False,) * k
    start: State = (0, p, 0, False, (), nothing)
    edges: dict[State, list[tuple[State, _Opts]]] = {}
    counts: list[tuple[int, ...]] = []  # a column's counts per row, by id
    ids: dict[tuple[int, ...], int] = {}
    # per (column, stream position, joins, wide) what a column may take there: (its size, the joins
    # after it, wide after it, [(the column's cells, their counts, the counts' id)]), alike for every
    # state there whatever its sums
    moves: dict[tuple[int, int, int, bool], list[tuple[int, int, bool, list[tuple[_Opts, tuple[int, ...], int, tuple[bool, ...]]]]]] = {}

    def moves_at(c: int, q: int, joins: int, wide: bool) -> list[tuple[int, int, bool, list[tuple[_Opts, tuple[int, ...], int, tuple[bool, ...]]]]]:  # fmt: skip
        if (c, q, joins, wide) not in moves:
            got = []
            for size in range(min(k, n - q) + 1):
                if any(starts[i] for i in range(q + 1, q + size)):
                    break
                joined = joins + (size > 0 and q + size < n and not starts[q + size])
                if joined > GROUP_JOINS:
                    continue
                if not (wide or size > 1) and not any(not starts[i] for i in range(q + size + 1, min(n, q + size + k * (APP_COLS - c)))):
                    continue  # no column of two can follow: single rows
                fill = []
                for rs in subsets[size]:
                    cell: _Opts = [(_EMPTY, None)] * k
                    for j, i in zip(rs, range(q, q + size)):
                        cell[j] = (values[i], i)
                    col = tuple(0 if v is _EMPTY or v is None else v for v, _ in cell)
                    if col not in ids:
                        ids[col] = len(counts)
                        counts.append(col)  # type: ignore[arg-type]
                    num = tuple(v is not _EMPTY and v is not None for v, _ in cell) if broken else nothing
                    fill.append((cell, col, ids[col], num))
                got.append((q + size, joined, wide or size > 1, fill))
            moves[(c, q, joins, wide)] = got
        return moves[(c, q, joins, wide)]

    def take() -> None:
        """Count one more state against ``limit`` and ``budget`` (checked before it is taken)."""
        if len(seen) + len(ends) >= limit or (budget is not None and budget[0] <= 0):
            raise TooManyStates
        if budget is not None:
            budget[0] -= 1

    tops: dict[tuple[int, int], int] = {}

    def top(c: int, q: int) -> int:
        """The most a row's 总计 can be at column ``c`` from ``q``: the largest of the next ``k``
        values per column left (the 总计 column's cells are among them)."""
        if (c, q) not in tops:
            tops[c, q] = max((v or 0 for v in values[q : q + k * (APP_COLS - c)]), default=0)
        return tops[c, q]

    # per (column, stream position, joins, wide, each row's sum of its applicant cells so far):
    # whether the columns left can be walked to an end where every row meets its 总计. Only the
    # rows' sums decide it, so placements that differ column by column but add alike per row are
    # judged once, and the walk takes no state from which no end is reached (else a group of three
    # rows tries up to 8 placements a column before its 总计 rules most of them out)
    ends: dict[tuple[int, int, int, bool, tuple[int, ...], tuple[bool, ...]], bool] = {}

    def totals_fit(col: tuple[int, ...], num: tuple[bool, ...], rows: tuple[int, ...], printed: tuple[bool, ...]) -> bool:
        """Each row's 总计 (``col``; ``num``: which of them are printed) meets its applicant cells'
        sum, or (``broken``) is a non-zero 总计 of a row that printed no number before it, joined in
        the group's 总计 block with another row's (else that row is a single row printing only 总计,
        ``_broken_row_steps``)."""
        fits = [t == s for t, s in zip(col, rows)]
        if all(fits):
            return True
        if not broken or sum(num) < 2:
            return False
        return all(ok or (t and not pr) for ok, t, pr in zip(fits, col, printed))

    def reaches(c: int, q: int, joins: int, wide: bool, rows: tuple[int, ...], printed: tuple[bool, ...]) -> bool:
        key = (c, q, joins, wide, rows, printed)
        if key not in ends:
            take()
            ends[key] = False
            if c == APP_COLS:
                ends[key] = wide
            elif max(rows) <= top(c, q):  # else a row adds past every value left to be its 总计 (counts are never negative)
                ends[key] = any(
                    (totals_fit(col, num, rows, printed) and reaches(c + 1, q2, joined, wide2, rows, printed)) if c == APP_COLS - 1
                    else reaches(c + 1, q2, joined, wide2, tuple(map(add, rows, col)), tuple(map(or_, printed, num)))
                    for q2, joined, wide2, fill in moves_at(c, q, joins, wide)
                    for col, num in dict.fromkeys((col, num) for _, col, _, num in fill)
                )  # fmt: skip
        return ends[key]

    seen = {start}
    todo = [start]
    reach = {start: (0,) * k}  # per state taken, each row's sum of its applicant cells
    if not reaches(0, p, 0, False, reach[start], nothing):
        return []
    while todo:
        st = todo.pop()
        c, q, joins, wide, sums, printed = st
        if c == APP_COLS:
            edges[st] = []
            continue
        rows_sum = reach[st]
        out: list[tuple[State, _Opts]] = []
        last = c == APP_COLS - 1
        for q2, joined, wide2, fill in moves_at(c, q, joins, wide):
            # cells that differ only in which rows hold equal values (zeros) add alike: judged once
            # (a second judgement is a hit in ``ends``, which takes no state)
            judged: dict[tuple[int, tuple[bool, ...]], tuple[tuple[int, ...], tuple[bool, ...]] | None] = {}
            for cell, col, cid, num in fill:
                if (cid, num) not in judged:
                    # before the last column (总计): each row's sum of the applicant columns, which it must meet
                    after = rows_sum if last else tuple(map(add, rows_sum, col))
                    now = printed if last or not broken else tuple(map(or_, printed, num))
                    fit = not (last and not totals_fit(col, num, rows_sum, printed)) and reaches(c + 1, q2, joined, wide2, after, now)
                    judged[cid, num] = (after, now) if fit else None
                if (got := judged[cid, num]) is None:
                    continue
                after, now = got
                t = (c + 1, q2, joined, wide2, sums + (cid,), now)
                out.append((t, cell))
                if t not in seen:
                    take()
                    seen.add(t)
                    reach[t] = after
                    todo.append(t)
        edges[st] = out
    # the walk's steps in its order, and per state the steps into it: a step lies on a way to an end
    # where the state it reaches does (its own state then does too)
    into: dict[State, list[int]] = {}
    order: list[tuple[int, _Opts]] = []
    for st, nxt in edges.items():
        for t, cell in nxt:
            into.setdefault(t, []).append(len(order))
            order.append((st[0], cell))
    back = [st for st, nxt in edges.items() for _ in nxt]
    steps = []
    for end in [st for st in edges if st[0] == APP_COLS and st[3]]:
        alive = {end}
        stack = [end]
        taken: list[int] = []
        while stack:
            for e in into.get(stack.pop(), ()):
                taken.append(e)
                st = back[e]
                if st not in alive:
                    alive.add(st)
                    stack.append(st)
        rows: list[list[_Opts]] = [[[] for _ in range(APP_COLS)] for _ in range(k)]
        for e in sorted(taken):
            c, cell = order[e]
            for j, opt in enumerate(cell):
                if opt not in rows[j][c]:
                    rows[j][c].append(opt)
        sums = [tuple(counts[i][j] for i in end[4]) for j in range(k)]
        # the rows printing only a non-zero 总计 (their 总计 is not their cells' sum)
        hidden = sum(1 << j for j, row in enumerate(sums) if sum(row[: APP_COLS - 1]) != row[APP_COLS - 1])
        steps.append((end[1] - p, rows, sums, hidden))
    return steps


def _lone_in_a_column(rows: Sequence[Sequence[tuple[object, int]]], starts: Sequence[bool],
                      near_breaks: frozenset[int]) -> bool:
    """Whether a row group written column by column (``rows``: per row its (value, stream index)
    cells) puts a value the reading prints as a block of its own (``starts``: per value, whether it
    starts a block) into a column with other cells. Raw ``pdftotext`` joins a group's cells of one
    column into one block and a reading joins blocks, it never splits one: a value alone in its
    block is a single row's cell (a single row prints a block per value), not a group's. A value
    near a page break (``near_breaks``) is left out: a page break ends a block wherever it falls.
    Without ``starts`` (the reading's blocks not known), false."""
    if not starts:
        return False
    n = len(starts)
    return any(starts[i] and (i + 1 >= n or starts[i + 1]) and i not in near_breaks
               for row in rows for _, i in row)


def _partial_group_fits(cols: Sequence[Sequence[int | None]], k: int) -> bool:
    """Whether ``APP_COLS`` column blocks of a ``k``-row group, each holding ``k`` or ``k - 1`` values
    (an empty cell leaves no line: which row's it is is not printed), can be the group's columns:
    some choice of the empty cell's row in each short block lets every row meet its 总计, a row
    holding two non-zero applicant values or more (a row whose one non-zero value is its 总计
    meets it wherever its zeros stand: a column drawn late that repeats 总计, as s13-paged's late
    column does, would fit so by chance)."""
    rows: set[tuple[int, ...]] = {(0,) * (k * APP_COLS)}
    for c, col in enumerate(cols):
        vals = [0 if v is None else v for v in col]
        places = [vals] if len(vals) == k else [vals[:e] + [0] + vals[e:] for e in range(k)]
        rows = {(*prev[: c * k], *pl, *prev[(c + 1) * k :]) for prev in rows for pl in places}
    def strong(r: tuple[int, ...]) -> bool:
        return any(sum(1 for c in range(APP_COLS - 1) if r[c * k + j]) >= 2 for j in range(k))
    fit = [r for r in rows if all(sum(r[c * k + j] for c in range(APP_COLS - 1)) == r[(APP_COLS - 1) * k + j]
                                  for j in range(k))]
    return len(fit) == 1 and strong(fit[0])


def _blocks_are_groups(values: Sequence[int | None], starts: Sequence[bool], tops: frozenset[int],
                       partial: bool = False) -> bool:
    """Whether every block of the reading that joins two values or more (``starts``: per value,
    whether it starts a block) is a column of a row group of full rows: seven blocks of ``k``
    values in a row that, read column by column, give ``k`` rows each meeting its 总计 — or starts
    at a page's first value (``tops``: a page's first row printed among the column headers, joined
    there). Where a reading joins values otherwise (a group's columns in another order, a group with
    empty cells, one joined with the next row), its blocks are not what the model says, and a value
    alone in its block is not taken as a single row's (``_lone_in_a_column``). With ``partial``, seven
    blocks of ``k`` or ``k - 1`` values (2 <= ``k`` <= ``MAX_GROUP``), some short, the last closing
    its page's values (the stream's end or a page top next), are a group with empty cells where
    ``_partial_group_fits`` (the model reads such a group:
    ``_partial_group_steps``)."""
    bounds = [i for i, s in enumerate(starts) if s] + [len(starts)]
    if not bounds or bounds[0] != 0:
        return False
    sizes = [(a, b - a) for a, b in zip(bounds, bounds[1:])]
    b = 0
    while b < len(sizes):
        at, size = sizes[b]
        if size == 1 or at in tops:
            b += 1
            continue
        run = sizes[b : b + APP_COLS]
        if partial and len(run) == APP_COLS:
            # a group with empty cells (``_partial_group_steps``): its blocks one value short at most
            k = max(x for _, x in run)
            cols = [values[a : a + x] for a, x in run]
            end = run[-1][0] + run[-1][1]
            # only where its last block closes its page's values (none after it but on a later
            # page): where values follow, a short column's value may be among them, drawn late
            # (s14-paged's closing rule for cut groups), not empty
            if 2 <= k <= MAX_GROUP and all(x >= k - 1 for _, x in run) and any(x < k for _, x in run) \
                    and (end == len(values) or end in tops):
                if _partial_group_fits(cols, k):
                    b += APP_COLS
                    continue
        if len(run) < APP_COLS or any(x != size for _, x in run) or size > MAX_GROUP:
            return False
        for j in range(size):
            row = [0 if (v := values[a + j]) is None else v for a, _ in run]
            if sum(row[:6]) != row[6]:
                return False
        b += APP_COLS
    return True


# the columns of a page's second row in the order raw pdftotext reads LibreOffice's PDF: 商业企业 and
# 科研机构, whose header cells are cut into two lines each (商业企 / 科研机 / 业 / 构) and read with the
# first row, come after the row's 总计 (``pagetop._row_orders`` tries every order of a full row)
SECOND_ROW_ORDER = (0, 3, 4, 5, 6, 1, 2)


def _second_row_steps(values: Sequence[int | None], p: int) -> list[tuple[int, list[list[tuple[object, int | None]]], tuple[int, ...]]]:  # fmt: skip
    """The single-row steps from ``p`` of a page's second row whose 1-7 values come in
    ``SECOND_ROW_ORDER``: each order-keeping placement under those columns that meets the row's
    总计, merged by what it adds to the columns: (values taken, the row's per-column options, its
    column sums). Placements that are in column order too are left out (the ordinary steps)."""
    out = []
    for m in range(1, min(APP_COLS, len(values) - p) + 1):
        vals = values[p : p + m]
        by_sums: dict[tuple[int, ...], list[list[tuple[object, int | None]]]] = {}
        for picked in combinations(SECOND_ROW_ORDER, m):
            if list(picked) == sorted(picked):
                continue
            row = [0] * APP_COLS
            for v, c in zip(vals, picked):
                row[c] = 0 if v is None else v
            if sum(row[:6]) != row[6]:
                continue
            _merge_placement(by_sums.setdefault(tuple(row), [[] for _ in range(APP_COLS)]), vals, p, picked)
        out.extend((m, merged, sums) for sums, merged in by_sums.items())
    return out


def _outside(values: Sequence[int | None], starts: Sequence[bool], tops: frozenset[int],
             holes: Sequence[tuple[int, int]]) -> tuple[list[int | None], list[bool], frozenset[int]]:
    """The values, block starts and page tops of a stream with the ``holes`` (index ranges) left
    out: a value after a hole starts a block."""
    keep = [i for i in range(len(values)) if not any(a <= i < b for a, b in holes)]
    at = {i: k for k, i in enumerate(keep)}
    new_starts = [starts[i] or k == 0 or keep[k - 1] != i - 1 for k, i in enumerate(keep)]
    return [values[i] for i in keep], new_starts, frozenset(at[t] for t in tops if t in at)


HOLE = "hole"  # a cell of a row taken into a hole (``solve_blank_identities(holes=)``): not read


def _hole_sums(values: Sequence[int | None], p: int, end: int, skippable: frozenset[int]) -> set[int]:
    """The sums the values of a hole ``[p, end)`` may have as cells of whole rows (a blank mark
    counting 0): with or without each value that may be a page number (``skippable``, at most
    ``HOLE_SKIPPABLE`` of them; more: none). A row's cells sum to twice its 总计, so only even sums
    remain (``_hole_steps``)."""
    skip = [values[i] or 0 for i in range(p, end) if i in skippable]
    if len(skip) > HOLE_SKIPPABLE:
        return set()
    whole = sum(v or 0 for v in values[p:end])
    out = {whole - sum(c) for k in range(len(skip) + 1) for c in combinations(skip, k)}
    return {x for x in out if x % 2 == 0}


# the most values of a hole that may be page numbers (``_hole_sums``: each doubles its sums)
HOLE_SKIPPABLE = 3


def _hole_steps(p: int, end: int, r: int, nrows: int, d: tuple[int, ...], dropped: int,
                coef: Sequence[Sequence[int]], combos: Sequence[Sequence[int]],
                sums: set[int]) -> list[tuple[tuple[int, int, tuple[int, ...], int], int, list[list[list[tuple[object, int | None]]]]]]:  # fmt: skip
    """The steps over a hole ``[p, end)`` from template row ``r`` (``sums``: what its values may
    add to, ``_hole_sums``): one per count of rows it may hold (from the fewest its values fill at
    seven a row to every row left: a row may print nothing), each dropping in all seven columns the
    identities those rows enter (bit ``nid + i`` of the mask), leaving their cells the option
    ``HOLE``. The rows' 总计 column adds to half the hole's sum: where one of the ``combos`` of the
    identities (``_coefficients``) takes every hole row with one sign ``s`` (三's rows: (七)总计 =
    (一)…(六); 一 and 二 with them: 一+二 + (一)…(六) = 2 (七)总计 + 四), that combination is
    checked in the 总计 column instead: the state's last slot holds it (the rows so far, ``s`` times
    half the sum) and the later rows add to it; the mask's bits from ``2 nid`` name the combination
    (its index + 1), one hole's only. Where no identity is left to check and no combination takes
    the rows, no step: the other rows would be divided by their own 总计 alone, which a page's
    values in another order can meet by chance. (state reached, ``r``, the rows' per-column options)."""
    nid = len(coef[0])
    out = []
    for m in range(max(1, -(-(end - p) // APP_COLS)), nrows - r + 1):
        gone = dropped
        for q in range(r, r + m):
            gone |= sum(1 << (nid + i) for i, w in enumerate(coef[q]) if w)
        combo = None
        if not dropped >> (2 * nid):
            for k, lam in enumerate(combos):
                signs = {sum(a * b for a, b in zip(lam, coef[q])) for q in range(r, r + m)}
                if len(signs) == 1 and 0 not in signs:
                    combo = (k, signs.pop())
                    break
        if combo is None and (gone >> nid) & ((1 << nid) - 1) == (1 << nid) - 1:
            continue  # no identity left to check the other rows by
        nd = list(d)
        before = sum(w * d[i * APP_COLS + APP_COLS - 1] for i, w in enumerate(combos[combo[0]])) if combo else 0
        for i in range(nid):
            if gone >> (nid + i) & 1:
                nd[i * APP_COLS : (i + 1) * APP_COLS] = [0] * APP_COLS
        rows = [[[(HOLE, None)] for _ in range(APP_COLS)] for _ in range(m)]
        if combo is None:
            out.append(((end, r + m, tuple(nd), gone), r, rows))
            continue
        k, sign = combo
        for total in sums:
            nd[-1] = before + sign * total // 2
            out.append(((end, r + m, tuple(nd), gone | (k + 1) << (2 * nid)), r, rows))
    return out


def solve_blank_identities(values: Sequence[Number | None], row_keys: Sequence[str],
                           skippable: frozenset[int] = frozenset(), hints: Sequence[int | None] = (),
                           lead: int = 0, trail: bool = False,
                           limit: int = IDENTITY_STATE_LIMIT, spent: list[int] | None = None,
                           starts: Sequence[bool] = (), tops: frozenset[int] = frozenset(),
                           broken: bool = False, group_limit: int | None = None,
                           holes: Sequence[tuple[int, int]] = (),
                           row_memo: dict[int, list] | None = None,
                           heights: Sequence[bool | None] = (), strict: bool = False,
                           step_memo: dict[tuple, tuple[dict[int, tuple[list, int]], set[int]]] | None = None,
                           page_rows: Mapping[int, int] | None = None, whole_columns: bool = False,
                           top_take: Mapping[int, int] | None = None) -> BlankSolution | None:  # fmt: skip
    """Every division of a stream of table 三's values (raw ``pdftotext``, blank cells leaving no
    line) into the template's rows, as ``solve_blank_stream`` models them (a single row as its
    non-empty values in column order, none where every cell is empty; a group of full rows column
    by column), and, given the reading's blocks (``starts``, ``block_starts``), a group with empty
    cells (``_partial_group_steps``), and no group of full rows holding a value the reading prints
    as a block of its own where its joined blocks are all groups' columns (``_lone_in_a_column``,
    ``_blocks_are_groups``); at a page top (``tops``, ``page_tops``) the page's second row
    may come in ``SECOND_ROW_ORDER``, and no row or group runs across one (a row's values stand
    on one page). Under every division every row meets its 总计 and every column
    the table's identities (一+二 = (七)总计 + 四, (七)总计 = 三(一)…(六); a blank or an empty cell
    counting 0); with ``broken``, a single row may instead print only a non-zero 总计 after 0-5 blank
    marks (``_broken_row_steps``), and, its breakdown not printed, the identities it enters are
    dropped in the six applicant columns (the divisions' such rows' totals: ``broken_at``; a division
    dropping every identity there: ``unchecked``). Per cell, the values the divisions give. A dynamic programme over (stream
    position, template row, the identities' running sums per column, the identities dropped): a
    row's placements that add the same to each column are one step, and a state whose sums the rows
    left cannot balance (counts are never negative) is not taken. ``None`` when no division fits or
    a value is no whole non-negative number; ``exceeded`` when the search would take more than
    ``limit`` states, or a group's walk more than ``PARTIAL_GROUP_LIMIT`` (all of them more than
    ``group_limit``, by default ``PARTIAL_GROUP_TOTAL``; each checked before a state is taken; nothing
    is returned of it).
    ``skippable``, ``hints``, ``lead`` and ``trail`` as for ``solve_stream``; ``trail`` is off by
    default: with rows that print nothing, passing over every value after the last row would let any
    stream end early. ``spent``: the count of states the search took is appended to it (a budget
    over several searches).
    ``holes``: stream ranges ``[start, end)`` (a page whose values are in no order the model reads,
    ``pagedivision``), each taken whole as one to all remaining template rows: no step runs into a
    hole, its rows' cells get the option ``HOLE``, and every identity they enter is dropped in all
    seven columns (their column sums are not read). ``None`` where the values outside the holes
    join blocks otherwise than as groups' columns, full or with empty cells
    (``_blocks_are_groups(partial=True)``).
    ``row_memo``: the single rows' steps (``_row_steps``) per stream position, kept by the caller
    between searches of the same ``values`` and ``hints`` (they depend on nothing else).
    ``heights``: per template row, whether its label stands on one line (``labelheights``; ``None``
    not known): which rows raw pdftotext joins (``_joins_fit``, ``strict`` passed on).
    ``step_memo``: every step per stream position (and what its group walks took of the budget),
    kept by the caller between searches that differ only in ``heights``, ``strict``, ``lead``,
    ``trail`` or ``limit`` (the steps depend on none of them; keyed here by what they depend
    on): a search after another takes the steps the first worked out, charging the budget
    alike, so its result is the one it would reach alone.
    ``page_rows``: per page top (a stream position in ``tops``), the template row labelled first on
    that page (``labelheights.label_lines``): a row's values stand on its label's page, so the rows
    before it end right at the page top and that row is the first to take the page's values (it or
    rows after it printing nothing first). ``whole_columns``: with every row's height read, a group
    of rows that join (each but its last one line tall) prints each column as one whole block of
    the reading (``_columns_are_blocks``): its column never takes two of the reading's blocks, nor
    part of one. ``top_take``: per page top, how many of its first values the row taking the page's
    first values takes at least (the values drawn among the page's column header pieces, at the
    header's height: the first row's)."""
    page_rows = page_rows or {}
    top_take = top_take or {}
    if any(v is not None and (not float(v).is_integer() or v < 0) for v in values):
        return None
    ints: list[int | None] = [None if v is None else int(v) for v in values]
    n, nrows = len(ints), len(row_keys)
    # a value alone in its block is a single row's cell only where the reading's joined blocks
    # follow the model (each a group's column, or a page's first row among its headers)
    lone_rule = bool(starts) and _blocks_are_groups(ints, starts, tops)
    # with every row's height read, the reading's joined blocks are the rows that join (``_joins_fit``)
    blocks_read = bool(starts) and bool(heights) and all(h is not None for h in heights)
    if holes:
        # the pages read around pages taken whole must follow the model: their joined blocks are
        # groups' columns (where they join values otherwise, they leave it too, and a division
        # of their values, checked by fewer identities, would fit by chance)
        if not starts:
            return None
        outside = _outside(ints, starts, tops, holes)
        if _blocks_are_groups(*outside):
            lone_rule = True
        elif not _blocks_are_groups(*outside, partial=True):
            if not page_rows:
                return None
            # with the rows each page holds pinned by their labels (``page_rows``), a page's values
            # stay with its own rows however it joins them: its rows' 总计 and the identities left
            # check them. A value alone in its block is still no group's (a group's column is one
            # block): without that, lone blank marks and zeros fit as a group's columns by chance
            lone_rule = True
        # else a group with empty cells among them (its short column one value less): the model
        # reads it (``_partial_group_steps``), but a block of one value may be such a column's, so
        # a lone value is not ruled out of a group of full rows (no ``_lone_in_a_column``)
    coef, combos = _coefficients(row_keys)
    nid = len(coef[0])
    # per template row r and check: the signs the rows from r on may add with (a sum above 0 needs a
    # row that subtracts, one below 0 a row that adds)
    signs: list[list[set[int]]] = []
    for r in range(nrows + 1):
        signs.append([{(x > 0) - (x < 0) for q in range(r, nrows) if (x := sum(w * c for w, c in zip(combo, coef[q])))}
                      for combo in combos])
    terms = [[(i, w) for i, w in enumerate(combo) if w] for combo in combos]
    known: dict[tuple[int, tuple[int, ...], int], bool] = {}  # many steps reach one state: judged once

    def feasible(r: int, d: tuple[int, ...], dropped: int) -> bool:
        key = (r, d, dropped)
        if key not in known:
            known[key] = _feasible(r, d, dropped)
        return known[key]

    def _feasible(r: int, d: tuple[int, ...], dropped: int) -> bool:
        for term, left in zip(terms, signs[r]):
            if any(dropped >> (nid + i) & 1 for i, _ in term):
                continue  # an identity a hole's rows enter: their sums are not read
            gone = any(dropped >> i & 1 for i, _ in term)
            for c in range(APP_COLS - 1, APP_COLS) if gone else range(APP_COLS):
                x = sum(w * d[i * APP_COLS + c] for i, w in term)
                if (x > 0 and -1 not in left) or (x < 0 and 1 not in left):
                    return False
        return True

    Opts = list[list[tuple[object, int | None]]]
    Step = tuple[int, list[Opts], list[tuple[int, ...]], int]  # (taken, rows, their sums, broken rows)
    at: dict[int, list[Step]] = {}
    paired: set[int] = set()  # the rows of a page top's two rows (``_second_row_steps``): no group
    group_budget = [PARTIAL_GROUP_TOTAL if group_limit is None else group_limit]
    worked: dict[int, tuple[list[Step], int]] | None = None  # per position its steps and the budget they took
    if step_memo is not None:
        key = (tuple(ints), skippable, tuple(hints), tuple(starts), tops, lone_rule, broken, group_limit)
        worked, paired = step_memo.setdefault(key, ({}, set()))

    def options(p: int) -> list[Step]:
        if p not in at and worked is not None and p in worked:
            steps, cost = worked[p]
            if group_budget[0] < cost:
                raise TooManyStates  # its walks, taken again, would pass the budget here
            group_budget[0] -= cost
            at[p] = steps
        if p not in at:
            before = group_budget[0]
            if row_memo is None or p not in row_memo:
                singles = _row_steps(ints, p, hints)
                if row_memo is not None:
                    row_memo[p] = singles
            else:
                singles = row_memo[p]
            steps: list[Step] = [(used, rows, sums, 0) for used, rows, sums in singles]
            for k in range(1, MAX_GROUP + 1):
                rows = _group(ints, p, k, hints)  # type: ignore[arg-type]
                if rows is not None and (k == 1 or not lone_rule or not _lone_in_a_column(rows, starts, skippable)):
                    steps.append((k * APP_COLS, [[[cell] for cell in row] for row in rows],
                                  [tuple(0 if x is None else x for x, _ in row) for row in rows], 0))
                if starts and k > 1:
                    steps.extend(_partial_group_steps(ints, p, k, starts, budget=group_budget, broken=broken))
            if broken:
                steps.extend((used, [row], [sums], 1) for used, row, sums in _broken_row_steps(ints, p, hints))
            if p in tops:
                # a page's first row printed among the column headers, then its second row in the
                # order the page draws it (``_second_row_steps``)
                for used, rows, sums, _ in [x for x in steps if len(x[1]) == 1 and not x[3]]:
                    for used2, row2, sums2 in _second_row_steps(ints, p + used):
                        steps.append((used + used2, [rows[0], row2], [sums[0], sums2], 0))
                        paired.add(id(steps[-1][1]))
            # a row's values stand on one page (each one line at the row's height; a group's rows
            # are drawn together): no step runs across a page's first value
            later = [t for t in tops if t > p]  # (the filter costs a pass per step: only where a page starts after p)
            if later:
                steps = [x for x in steps if not any(t < p + x[0] for t in later)]
            at[p] = steps
            if worked is not None:
                worked[p] = (steps, before - group_budget[0])
        return at[p]

    Shift = tuple[int, int, list[int], int]  # (values taken, rows taken, what it adds to the running sums, drops)
    shifts: dict[tuple[int, int], tuple[list[Shift], list[tuple[int, list[Opts]]]]] = {}
    # per step's rows (alive in ``at``) what ``_joins_fit`` reads of them alike from every template row
    facts: tuple[dict[int, int], dict[int, list[int]]] = ({}, {})

    def moves(p: int, r: int, opts: list[Step]) -> tuple[list[Shift], list[tuple[int, list[Opts]]]]:
        """The steps from ``p`` that fit from template row ``r``, each with what it adds to the
        identities' running sums and the identities its broken rows drop (alike for every state at
        (``p``, ``r``)): the distinct (values taken, rows taken, sums added, identities dropped),
        and per step in order the index of its own among them and its rows. Steps that differ only
        in their cells' options reach the same state from any state: it is worked out once per
        state, the steps' order (which the cells' options follow) kept."""
        if (p, r) not in shifts:
            kinds: dict[tuple[int, int, tuple[int, ...], int], int] = {}
            got: list[tuple[int, list[Opts]]] = []
            for used, rows, sums, hidden in opts:
                if len(rows) > nrows - r:
                    continue
                if used and p in top_take and (used if len(rows) == 1 else _printed(rows[0])) < top_take[p]:
                    continue  # the values among a page's column header pieces are its first row's
                if (lone_rule and not heights and len(rows) > 1 and id(rows) not in paired and p not in tops
                        and not _columns_are_blocks(rows, starts, n, tops | skippable)):
                    # where the reading's joined blocks are all groups' columns (``lone_rule``), a group
                    # is written a block per column: a column ending inside a block (``15 0``: a group's
                    # 总计 and the next row's first value) would put a value drawn with the group's
                    # column into another row (with heights read, ``whole_columns`` below says which)
                    continue
                if heights:
                    ends_page = p + used >= n or p + used in tops or p + used in skippable
                    # (a page's first row is drawn among its column headers: what it joins is not the rows')
                    fit = _joins_fit(rows, used, r, heights, id(rows) not in paired, ends_page or p in tops, strict, facts)
                    if fit is None:
                        continue
                    if blocks_read and len(rows) == 1 and id(rows) not in paired and not (
                            (ends_page or starts[p + used]) and (p in tops or all(starts[p : p + used]))):
                        continue  # a single row prints a block per value: a joined block is a group's column
                    if (whole_columns and blocks_read and len(rows) > 1 and id(rows) not in paired and p not in tops
                            and all(heights[r : r + len(rows) - 1]) and not _columns_are_blocks(rows, starts, n, tops | skippable)):
                        continue  # rows that join print each column's cells as one block of the reading
                    if fit:  # the row after prints nothing (else its cells would join the step's)
                        rows, sums = [*rows, [[(_EMPTY, None)] for _ in range(APP_COLS)]], [*sums, (0,) * APP_COLS]
                        if len(rows) > nrows - r:
                            continue
                drops = 0
                for j in range(len(rows)):
                    if hidden >> j & 1:
                        drops |= sum(1 << i for i, w in enumerate(coef[r + j]) if w)
                # the running sums' extra slot (a hole's combination) is 0 unless a hole's rows dropped identities
                delta = [0] * (nid * APP_COLS + 1)
                for j, row in enumerate(sums):
                    for i, w in enumerate(coef[r + j]):
                        if w:
                            for c in range(APP_COLS):
                                delta[i * APP_COLS + c] += w * row[c]
                got.append((kinds.setdefault((used, len(rows), tuple(delta), drops), len(kinds)), rows))
            shifts[(p, r)] = ([(used, m, list(delta), drops) for used, m, delta, drops in kinds], got)
        return shifts[(p, r)]

    # a state: (stream position, template row, the identities' running sums per column, the
    # identities dropped in the applicant columns as a bit mask: a broken row entered them)
    State = tuple[int, int, tuple[int, ...], int]
    # (the running sums have one slot more: a hole's combination of the identities, ``_hole_steps``)
    start: State = (0, 0, (0,) * (nid * APP_COLS + 1), 0)
    edges: dict[State, list[tuple[State, int, list[Opts]]]] = {}
    seen: set[State] = {start}
    todo = [start]
    # the table's first values, drawn among its first column header (``page_tops``): LibreOffice
    # draws a table's first row at the header's height, so raw pdftotext writes them between the
    # header's pieces, and they are row 一's (as a page's first rows are the contract gold's,
    # ``blankgold.stream_layout``): 一 does not print nothing there. Else a division may give 一's
    # values to 二 (一 and 二 enter the identities only as a sum: with 二 printing zeros and a later
    # row nothing, every row between can shift by one)
    first_top = min(tops) if tops else None
    hole_end = dict(holes)
    hole_sums = {a: _hole_sums(ints, a, b, skippable) for a, b in holes}
    while todo:
        st = todo.pop()
        p, r, d, dropped = st
        try:
            opts = options(p) if r < nrows and p not in hole_end else []
        except TooManyStates:
            return BlankSolution([], exceeded=True)
        nxt: list[tuple[State, int, list[Opts]]] = []
        if p in hole_end:
            steps = _hole_steps(p, hole_end[p], r, nrows, d, dropped, coef, combos, hole_sums[p])
            # a page taken whole holds the rows labelled on it: the next page's first labelled row
            # starts right after it (``page_rows``), as after any other step
            nxt.extend(x for x in steps if feasible(*x[0][1:]) and page_rows.get(x[0][0], x[0][1]) == x[0][1])
        elif p < n and (p in skippable or (r == 0 and p < lead) or (r == nrows and trail)):
            if page_rows.get(p + 1, r) == r:
                nxt.append(((p + 1, r, d, dropped), r, []))
        kinds, steps_at = moves(p, r, opts) if opts else ((), ())
        reached: list[State | None] = []  # per distinct step, the state it reaches (None: not taken)
        for used, taken, delta, hidden in kinds:
            if hole_end and any(p < h < p + used for h in hole_end):
                reached.append(None)
                continue  # a step never runs into a page taken whole
            if not used and r == 0 and p == first_top:
                reached.append(None)
                continue  # the values drawn among the table's first column header are row 一's: it prints something
            if used and page_rows.get(p + used, r + taken) != r + taken:
                reached.append(None)
                continue  # a page's first row is the one labelled first there: the rows before it end here
            drops = dropped | hidden
            if drops >> (2 * nid):
                # a hole's combination of the identities, checked in the 总计 column (``_hole_steps``)
                lam = combos[(drops >> (2 * nid)) - 1]
                delta = [*delta[:-1], sum(w * delta[i * APP_COLS + APP_COLS - 1] for i, w in enumerate(lam))]
            if drops:
                nd = list(map(add, d, delta))
                for i in range(nid):
                    if drops >> (nid + i) & 1:
                        nd[i * APP_COLS : (i + 1) * APP_COLS] = [0] * APP_COLS
                    elif drops >> i & 1:
                        nd[i * APP_COLS : i * APP_COLS + APP_COLS - 1] = _ZEROS
                t = (p + used, r + taken, tuple(nd), drops)
            else:
                t = (p + used, r + taken, tuple(map(add, d, delta)), drops)
            reached.append(t if feasible(t[1], t[2], drops) else None)
        for kind, rows in steps_at:
            if (t := reached[kind]) is not None:
                nxt.append((t, r, rows))
        edges[st] = nxt
        for t, _, _ in nxt:
            if t not in seen:
                if len(seen) >= limit:
                    return BlankSolution([], exceeded=True)
                seen.add(t)
                todo.append(t)
    if spent is not None:
        spent.append(len(seen))
    ends = [st for st in seen if st[0] == n and st[1] == nrows and not any(st[2])]
    if not ends:
        return None
    goal = (n + 1, nrows, (), 0)  # one goal after every complete division's end
    for st in ends:
        edges.setdefault(st, []).append((goal, nrows, []))
    alive = _reaching(edges, goal)
    cells: list[list[dict[object, int | None]]] = [[{} for _ in range(APP_COLS)] for _ in range(nrows)]
    positions: list[set[int]] = [set() for _ in range(nrows)]
    totals: set[int] = set()
    # one step's rows (the same list from every state at its position) fill the same cells each
    # time: a value's first index wins, so a step taken again from row r adds nothing
    done: set[tuple[int, int]] = set()
    for st, nxt in edges.items():
        if st not in alive:
            continue
        for t, r, rows in nxt:
            if t not in alive or (r, id(rows)) in done:
                continue
            done.add((r, id(rows)))
            totals.update(_broken_total(row) for row in rows if _broken_total(row) is not None)
            for j, row in enumerate(rows):
                for c, opts in enumerate(row):
                    for v, idx in opts:
                        cells[r + j][c].setdefault(v, idx)
                        if idx is not None:
                            positions[r + j].add(idx)
    full = (1 << nid) - 1
    return BlankSolution(cells, broken_at=frozenset(totals), unchecked=any(st[3] & full == full for st in ends),
                         positions=positions)


def _columns_are_blocks(rows: Sequence[Sequence[Sequence[tuple[object, int | None]]]], starts: Sequence[bool], n: int,
                        ends: frozenset[int]) -> bool:
    """Is each column of a group step (rows joined by pdftotext, written column by column) one
    whole block of the reading: its values' stream positions consecutive, the first starting a block
    (``starts``), none after it starting one, and the position after the last starting one (or the
    stream's end, a page top or a page number, ``ends``)? A column with no value is none."""
    for c in range(APP_COLS):
        idx = sorted({i for row in rows for v, i in row[c] if v is not _EMPTY and i is not None})
        if not idx:
            continue
        a, b = idx[0], idx[-1]
        if b - a + 1 != len(idx) or not starts[a] or any(starts[i] for i in range(a + 1, b + 1)):
            return False
        if b + 1 < n and not starts[b + 1] and b + 1 not in ends:
            return False
    return True


def _printed(row: Sequence[Sequence[tuple[object, int | None]]]) -> int:
    """How many of a step's row's cells print a value under every option (``_EMPTY`` in none)."""
    return sum(1 for opts in row if opts and all(v is not _EMPTY for v, _ in opts))


def _rows_printed(rows: Sequence[Sequence[Sequence[tuple[object, int | None]]]],
                  facts: tuple[dict[int, int], dict[int, list[int]]] | None) -> list[int]:
    """Per row of a step, its printed cells (``_printed``), kept in ``facts`` (see ``_joins_fit``)."""
    if facts is None:
        return [_printed(row) for row in rows]
    if (got := facts[1].get(id(rows))) is None:
        got = facts[1][id(rows)] = [_printed(row) for row in rows]
    return got


def _joins_fit(rows: Sequence[Sequence[Sequence[tuple[object, int | None]]]], used: int, r: int,
               heights: Sequence[bool | None], group: bool, ends_page: bool, strict: bool = False,
               facts: tuple[dict[int, int], dict[int, list[int]]] | None = None) -> bool | None:
    """Does a step's rows (from template row ``r``; ``group``: written column by column) fit the
    rows' heights (``heights``, ``labelheights.label_heights``)? A row one line tall has its values
    one leading above the next row's, so raw pdftotext joins the two rows' cells of one column; a
    taller row leaves a line's gap below its values, which ends the block. ``None``: it does not
    fit — a group whose row (not its last) is taller than a line, unless the rows after it print
    one value at most and one column only holds two (a value alone on its line was seen joined to
    the block above it across a row's gap); ``True``: it fits only if the next row prints nothing — the
    step's last row is one line tall and prints every cell (a row holding an empty cell may stand
    taller than its label: the empty cell's own paragraph size), and no page ends after it;
    ``False``: it fits. ``used``: the values the step takes (a single row's count of printed cells);
    ``strict``: no group runs across a taller row at all (the join of lone values not allowed).
    ``facts``: the caller's memo, per step's rows (by ``id``; they must stay alive), of what does not
    depend on ``r`` (the columns holding two values or more; per row its printed cells)."""
    if group and any(h is False for h in heights[r : r + len(rows) - 1]):
        if strict:
            return None
        # the join across a taller row seen: lone values under a row, one column joined
        if facts is None or (joined := facts[0].get(id(rows))) is None:
            joined = sum(1 for c in range(APP_COLS) if len({i for row in rows for v, i in row[c] if v is not _EMPTY}) > 1)
            if facts is not None:
                facts[0][id(rows)] = joined
        if joined > 1 or any(heights[r + j] is False and _rows_printed(rows, facts)[j + 1] > 1 for j in range(len(rows) - 1)):
            return None
    last = r + len(rows) - 1
    printed = used if len(rows) == 1 else _rows_printed(rows, facts)[-1]
    # (only a row printing every cell: an empty cell's paragraph has a size of its own — where the
    # cell holds no text, often the document's default, above the table's — so a row holding one
    # may stand taller than its one-line label and end the block: LibreOffice draws it so)
    if last + 1 < len(heights) and heights[last] is True and not ends_page and printed == APP_COLS:
        return True
    return False


def _broken_total(row: Sequence[Sequence[tuple[object, int | None]]]) -> int | None:
    """The stream position of the total of a row (per column its (value, index) options) that
    prints only a non-zero 总计 (its applicant cells empty or blank marks: no row meeting its 总计
    looks so); None for any other row."""
    if any(v is not _EMPTY and v is not None for opts in row[: APP_COLS - 1] for v, _ in opts):
        return None
    return next((i for v, i in row[APP_COLS - 1] if v not in (_EMPTY, None, 0) and i is not None), None)


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
    positions = [x | y for x, y in zip(a.positions, b.positions)] if a.positions and b.positions else []
    return BlankSolution(cells, positions=positions)


# the warning of a division that needed rows printing only a non-zero 总计 (``_broken_row_steps``)
BROKEN_ROWS = "no division fits unless rows print only a non-zero 总计"


def blank_identities_result(res: TableResult, cells: Sequence[Cell], hints: Sequence[int | None], lead: int,
                            pages: frozenset[int],
                            rewrites: Sequence[tuple[Sequence[int], frozenset[int], Sequence[int | None]]] = (),
                            breaks: bool | None = None, starts: Sequence[bool] = (),
                            tops: frozenset[int] = frozenset(),
                            heights: Sequence[bool | None] = (), strict: bool = False,
                            step_memo: dict | None = None, page_rows: Mapping[int, int] | None = None,
                            whole_columns: bool = False, row_positions: list[set[int]] | None = None,
                            top_take: Mapping[int, int] | None = None) -> TableResult | None:  # fmt: skip
    """Table 三 from a stream short of values (blank cells left no line) where divisions into rows
    meet every row's 总计 and the column identities (``solve_blank_identities``): the cells every
    such division gives one value (``inferred``: placed by the arithmetic; a cell they all leave
    empty or print as a blank is blank), the others ``unreadable`` with a warning naming them.
    ``rewrites``: other orders of the stream to divide instead of the printed one (a page's first
    rows drawn among its column headers, ``pagetop.reorderings``: per rewrite the permutation, new
    position -> index into ``cells``, the indices moved, and per new position the column the
    rewrite gives the value, which replaces its header hint, or None); the divisions of every
    rewrite count alike, so a cell two rewrites fill differently is unreadable.
    Where no division fits unless rows print only a non-zero 总计 (``_broken_row_steps``), those
    divisions are placed alike, with a warning, except that the cells filled from the zeros right
    before such a row's total on its page are unreadable (``zeros_before``: they may be that row's
    own), and that where some division leaves every column identity unchecked in the applicant
    columns they only rule guesses out (``_rule_out_broken``).
    ``None`` when the reading does not ask for it (``order_breaks``; ``breaks``: its
    answer, given where ``res`` has changed since, e.g. by ``rule_out_guesses``), when no division
    fits, or when the search passes its limit (a warning on ``res`` says so; with rewrites,
    ``IDENTITY_STATE_LIMIT`` is the budget of all their searches together, and past it none is
    chosen). ``heights`` and ``strict``: the rows raw pdftotext joins, for the search
    (``solve_blank_identities``, ``_joins_fit``); ``step_memo``: the searches' steps, kept by the
    caller between calls that differ only in ``heights`` and ``strict`` (``solve_blank_identities``);
    ``page_rows``: the row labelled first on each page top's page, ``whole_columns``: a joined
    group's column one block (``solve_blank_identities``; both used only for the stream as printed,
    not for rewrites, which move the page tops' values). ``row_positions``: where given (a list,
    filled in), per template row every index into ``cells`` a division kept gives one of its cells."""
    spec = res.spec
    cols = spec.rows[0].cols
    if not (order_breaks(res) if breaks is None else breaks):
        return None
    streams = []
    tried: set[tuple] = set()
    for perm, moved, placed in rewrites or [(range(len(cells)), frozenset(), [None] * len(cells))]:
        new_at = {old: new for new, old in enumerate(perm)}
        stream = ([cells[i].value for i in perm], frozenset(new_at[i] for i in pages),
                  [col if i in moved else hints[i] if hints else None for i, col in zip(perm, placed)])  # fmt: skip
        key = (tuple(stream[0]), stream[1], tuple(stream[2]))
        if key in tried:
            continue  # the same values, page numbers and hints in another cells' order: the same divisions
        tried.add(key)
        # the reading's blocks in the rewritten order: a block goes on only where the rewrite keeps
        # two values next to each other; a page top's second row only where nothing was moved
        blocks = [new == 0 or old in moved or perm[new - 1] != old - 1 or starts[old] for new, old in enumerate(perm)] if starts else []
        # each page's first value where the rewrite puts it (a row's cells stand on one page: ``zeros_before``)
        firsts = frozenset(new_at[i] for i in tops if i in new_at)
        streams.append((perm, stream, blocks, frozenset() if moved else tops, firsts, {}))
    spent: list[int] = []
    zeros: set[int] = set()  # indices into ``cells`` of zeros a row printing only 总计 may have printed
    # rows printing only a non-zero 总计 only where no rewrite divides without them (they drop
    # identities, so the search prunes less; ``BROKEN_STATE_LIMIT``)
    for broken in (False, True):
        sol: BlankSolution | None = None
        # (``memo``: the stream's single rows' steps, searched again with rows printing only 总计)
        for perm, stream, blocks, at_tops, firsts, memo in streams:
            left = IDENTITY_STATE_LIMIT - sum(spent)
            got = solve_blank_identities(stream[0], spec.row_keys, stream[1], stream[2], lead,
                                         limit=min(left, BROKEN_STATE_LIMIT) if broken else left, spent=spent,
                                         starts=blocks, tops=at_tops, broken=broken,
                                         group_limit=BROKEN_GROUP_TOTAL if broken else PARTIAL_GROUP_TOTAL,
                                         row_memo=memo, heights=heights, strict=strict,
                                         step_memo=step_memo, page_rows=None if rewrites else page_rows,
                                         whole_columns=whole_columns and not rewrites,
                                         top_take=None if rewrites else top_take)  # fmt: skip
            if got is not None and got.exceeded:
                if broken:
                    res.warn(f"values read one per line with blank cells unprinted: more than {BROKEN_STATE_LIMIT} "
                             "states to search for divisions with rows printing only 总计; none is used")
                    return None
                res.warn(f"values read one per line with blank cells unprinted: more than {IDENTITY_STATE_LIMIT} states to "
                         "search for divisions into rows under the column identities; none is chosen")
                return None
            if got is None:
                continue
            # the division's stream positions back to indices into ``cells`` (every rewrite's alike)
            got.cells = [[{v: None if i is None else perm[i] for v, i in opts.items()} for opts in row] for row in got.cells]
            got.positions = [{perm[i] for i in row} for row in got.positions]
            zeros.update(perm[i] for i in zeros_before(stream[0], got.broken_at, firsts))
            unchecked = sol is not None and sol.unchecked
            sol = got if sol is None else _merge_blank(sol, got)
            sol.unchecked |= unchecked or got.unchecked
        if sol is not None:
            break
    if sol is None:
        return None
    if row_positions is not None:
        row_positions[:] = sol.positions
    if sol.unchecked:
        # only the rows' own 总计 check the applicant cells there (a row printing only 总计 may print
        # any of its cells): the divisions only rule out the guesses by order that none of them gives
        _rule_out_broken(res, sol)
        return None
    out = TableResult.empty(spec)
    out.rows_found = len(spec.row_keys)
    unknown: list[str] = []
    loose: list[str] = []
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
            if len(opts) == 1 and not set(opts.values()) & zeros:
                (idx,) = opts.values()
                out.put(key, col, cells[idx], inferred=True)  # type: ignore[index]
                continue
            out.status.setdefault(key, {})[col] = UNREADABLE
            (unknown if len(opts) > 1 else loose).append(f"{key}.{col}")
    out.warn("values read one per line with blank cells unprinted (no line for an empty cell); rows divided where "
             "every row meets its 总计 and every column the table's identities")
    if broken:
        out.warn(BROKEN_ROWS + " (their breakdown not printed, the identities they enter unchecked in the "
                 "applicant columns); divided with such rows")
    if unknown:
        out.warn(f"more than one division into rows meets the arithmetic; null: {', '.join(unknown)}")
    if loose:
        out.warn("zeros right before the total of a row printing only 总计 may be that row's own cells, and which "
                 f"cells before them are blank is then not printed; null: {', '.join(loose)}")
    return out


def zeros_before(values: Sequence[Number | None], totals: frozenset[int], tops: frozenset[int] = frozenset()) -> set[int]:
    """The stream positions of the run of zeros and blank marks right before each of ``totals`` (the
    totals of rows printing only 总计) on its page: such a row may print zeros in its applicant cells (a
    row whose arithmetic is broken may print any of its cells), so the zeros may be its own or the
    rows' before it, and which of those rows' cells are then blank the text does not say. A row's cells
    stand on one page: the run stops at a page's first value (``tops``: the value after a page's
    repeated column header)."""
    out: set[int] = set()
    for q in totals:
        i = q - 1
        while i >= 0 and not values[i] and i not in totals and i + 1 not in tops:
            out.add(i)
            i -= 1
    return out


def _rule_out_broken(res: TableResult, sol: BlankSolution) -> None:
    """Divisions found only with rows printing only a non-zero 总计 (``_broken_row_steps``) are not
    chosen: such a row's breakdown is not printed, and a row whose arithmetic is broken may have
    printed any of its cells (the contract gold admits any placement of its values, any count of
    them), which the search does not follow. They only rule out the guesses read by order (not
    ``read`` in place) that none of them gives: null, with a warning naming them. ``res`` is
    changed in place; ``sol.cells`` hold indices into the reading's cells."""
    nulled = _null_unsupported(res, sol)
    if nulled:
        res.warn("values read one per line with blank cells unprinted: no division of the values into rows under "
                 "the column identities (rows printing only 总计 among them) gives these cells the value read by "
                 f"order; null: {', '.join(nulled)}")
