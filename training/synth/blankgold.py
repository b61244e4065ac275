"""Contract gold of readings that drop empty cells (pdfplumber ``extract_text()``, raw ``pdftotext``).

Such a reading writes a table row as its non-empty cells one after another: ``0 | (empty) | 0 | 0``
reads ``0 0 0``, and which cell was empty is not in the text. The contract's rule — a value the input
cannot determine is ``null`` — then applies to the gold itself, as it does for crawler text
(``crawler.null_undetermined``). This module is the oracle, a brute force kept independent of the
extractor (``extraction/tables/blankcells.py``) so that it can catch that module's mistakes:

* per printed row, the *visible tokens* are its non-empty cells in order (a blank mark 无/—/－ is a
  visible token whose value is ``None``); a placement puts them, keeping their order, into the row's
  printed columns (8 for table 三 with a 小计 column), the other columns empty;
* a placement is kept if it meets the report's identities, an empty cell counting 0: table 三 per
  row 总计 = the six applicant columns (and 小计 = the five organisation columns where printed), per
  column (七)总计 = (一)…(六) and 一+二 = (七)总计 + 四; table 四 each group's 总计 = its four results;
  table 二 none (a short row of it is wholly undetermined unless only one placement exists);
* a figure printed with its money unit (``0万元``) is only placed under a money column;
* a cell on which the kept placements disagree is ``null``.

Where the report's own arithmetic is wrong (generated reports may carry errors; a row that prints
only 总计 meets its own identity nowhere, its applicant cells empty) the identities choose nothing
and only the order evidence counts, at two levels: a row whose placements all break its own
identity keeps all of them; where no joint choice of table 三's rows meets every column identity
(each identity in each of the seven columns), the column identities are dropped and the rows decide
alone. Which identities the printed table breaks is never used: a reader cannot know it. Where
broken arithmetic is met by another placement instead and the kept placements agree on a value that
is not the printed one, the cell is null too (``Stats.misled``): gold never holds a value not printed.
Table 三's joint choice is a plain product over the rows whose fitting placements differ in their
numbers; beyond ``JOINT_CAP`` combinations an exact forward/backward search over the identities'
partial sums replaces it (the same answer: a test compares them); beyond ``JOINT_CAP`` partial sums
each row keeps its row-level result, counted in ``Stats.capped``.

Raw ``pdftotext`` writes table 三 without its row boundaries (``stream_layout``, ``stream_cells``):
a row group a block per column, every other row a block per value, no empty cell. Where the
reading writes the grid's stream, the gold of table 三 is what every grid printing the same
blocks and meeting the identities the rendered table meets agrees on (the rendered grid among
them, asserted). Where the reading joins blocks the units print apart (a row that prints only its
总计 joined with the next row's first value), the values' order alone is walked, each value a block
of its own, a row group's column 0 to k of the next values with no block the reading starts inside
it (``_flat_group_candidates``). Where neither walk reads the whole table, a page that starts
with the repeated column headers and ends with a page break may be read as a whole: exactly the
values of one run of rows (among them, on the table's last page), in any order; those rows keep the
row view and the other pages the stream (``stream_layout(pages=)``, ``Stats.stream_paged``, bounded
by ``PAGED_GRIDS_CAP``). Elsewhere the row view above.

A row's values stand on a page its own label's lines are on (a table row is as tall as its
label, its values one line each within it): where the reading prints a row's label whole
(``label_pages``), the stream's grids keep the row's values on those pages (``Stats.label_paged``);
where the rendered grid itself does not (a layout the rule does not describe), the bound is
dropped (``Stats.label_pages_off``), never the rendered grid.
"""
from __future__ import annotations

import copy
import math
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Any, Sequence

from govreport.extraction.labels import Label
from govreport.extraction.templates import table_spec

from .ir import Grid, GRow

JOINT_CAP = 100_000
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")  # fmt: skip
RESULTS = ("upheld", "corrected", "other", "pending")
MONEY_COLS = frozenset({"amount"})
SUBTOTAL = "__subtotal__"  # 小计 of table 三's 8-column variant: printed, not a contract cell
_TOL = 1e-6

Value = int | float | None
Vector = tuple[Value, ...]


@dataclass
class PrintedRow:
    """One printed data row: ``columns`` the contract key of each printed value column ((row, col),
    or (row, SUBTOTAL)); ``tokens`` the values of its non-empty cells in order (``None`` for a blank
    mark), ``units`` whether each was printed with a unit; ``rendered`` the value of each column as
    rendered (``None`` empty or blank mark)."""

    table: str
    key: str
    columns: list[tuple[str, str]]
    tokens: list[Value]
    rendered: list[Value]
    units: list[bool] = field(default_factory=list)  # per token: printed with a unit (万元, 元)
    present: list[bool] = field(default_factory=list)  # per column: the cell is not empty
    label: str = ""  # the row's own (leaf) label as rendered, its lines joined; "" where it has none


@dataclass
class Stats:
    """What the oracle did over a document: cells made null, rows whose placement was not unique,
    identities dropped because nothing met them, joint searches over ``JOINT_CAP`` (row-level kept)."""

    nulled: int = 0
    open_rows: int = 0
    dropped_row_identities: int = 0
    dropped_column_identities: int = 0
    capped: int = 0
    stream_capped: int = 0  # table 三 stream searches over STREAM_CAP states (row view kept)
    stream_unseen: int = 0  # readings whose values do not follow the grid's stream (row view kept)
    stream_flat: int = 0  # readings whose blocks do not follow the grid's units, read by the values' order
    stream_paged: int = 0  # readings with a page read as a whole (its rows keep the row view, the rest the stream)
    stream_nulled: int = 0  # table 三 cells the row view determines and the stream does not
    stream_placed: int = 0  # table 三 cells the stream determines and the row view does not
    label_paged: int = 0  # stream searches bounded by the pages of the rows' labels (``label_pages``)
    label_pages_off: int = 0  # readings whose rendered grid puts a row's values off its label's pages (bound dropped)
    misled: int = 0  # cells where the fitting placements agree on a value not printed (gold null)
    review_grouped: int = 0  # table 四 read group by group (the reading prints each group apart)
    notes: list[str] = field(default_factory=list)


def _z(v: Value) -> float:
    return 0.0 if v is None else float(v)


def placements(tokens: Sequence[Value], width: int, allowed: Sequence[set[int] | None] | None = None) -> list[Vector]:
    """Every order-keeping placement of ``tokens`` into ``width`` columns (the rest empty: ``None``),
    one per distinct vector of values; ``allowed``: per token the columns it may take (None: any)."""
    out: dict[Vector, None] = {}
    for slots in combinations(range(width), len(tokens)):
        if allowed and any(a is not None and s not in a for s, a in zip(slots, allowed)):
            continue
        v: list[Value] = [None] * width
        for s, t in zip(slots, tokens):
            v[s] = t
        out.setdefault(tuple(v), None)
    return list(out)


# ---------------------------------------------------------------- identities


def _row_identities(row: PrintedRow) -> list[tuple[list[int], list[int]]]:
    """The row's own identities as (left positions, right positions): sum(left) = sum(right)."""
    pos = {col: i for i, (_, col) in enumerate(row.columns)}
    if row.table == "applications":
        ids = [([pos[c] for c in APPLICANTS], [pos["total"]])]
        if SUBTOTAL in pos:
            ids.append(([pos[c] for c in APPLICANTS[1:]], [pos[SUBTOTAL]]))
        return ids
    if row.table == "review_litigation":
        ids = []
        for g in dict.fromkeys(r for r, _ in row.columns):
            at = {c: i for i, (r, c) in enumerate(row.columns) if r == g}
            if all(c in at for c in (*RESULTS, "total")):
                ids.append(([at[c] for c in RESULTS], [at["total"]]))
        return ids
    return []


def _meets(v: Vector, ids: list[tuple[list[int], list[int]]]) -> bool:
    return all(abs(sum(_z(v[i]) for i in left) - sum(_z(v[i]) for i in right)) < _TOL for left, right in ids)


def _column_identities(fmt: str, printed: set[str]) -> list[tuple[list[str], list[str]]]:
    """Table 三's per-column identities over the printed rows (an identity needs all its rows)."""
    keys = table_spec(fmt, "applications").row_keys
    results = list(keys[keys.index("granted") : keys.index("total_handled")])
    # the 2021 format prints either （六）其他处理 or its three sub-rows: sum what is printed
    if "other_handling" in results and printed & {"other_overdue_correction", "other_unpaid_fee", "other_other"}:
        results.remove("other_handling")
    elif "other_handling" in results:
        results = [r for r in results if r not in ("other_overdue_correction", "other_unpaid_fee", "other_other")]
    ids = [(results, ["total_handled"]), (["new_received", "carried_over"], ["total_handled", "carried_forward"])]
    return [(a, b) for a, b in ids if all(r in printed for r in a + b)]


# ---------------------------------------------------------------- rows of a document


def printed_rows(grid: Grid, fmt: str) -> list[PrintedRow]:
    """The data rows of a rendered table with each value column's contract key.

    Raises ``ValueError`` where a row's value cells cannot be matched to the template's columns."""
    spec = table_spec(fmt, grid.table)
    out = []
    sub_at = _subtotal_position(grid) if grid.table == "applications" else None
    for row in grid.rows:
        if row.part != "data":
            continue
        cells = [c for c in row.cells if c.kind == "val"]
        if grid.table == "review_litigation":
            columns = [(r.key, c) for r in spec.rows for c in r.cols]
        else:
            assert row.key is not None
            columns = [(row.key, c) for c in spec.row(row.key).cols]
            if sub_at is not None and len(cells) == len(columns) + 1:
                columns.insert(sub_at, (row.key, SUBTOTAL))
        if len(cells) != len(columns):
            raise ValueError(f"{grid.table} row {row.key}: {len(cells)} value cells under {len(columns)} columns")
        rendered, tokens, units, present = [], [], [], []
        for (_, col), cell in zip(columns, cells):
            segs = [s for line in cell.lines for s in line]
            keyed = [s for s in segs if s.key and s.key[0] == "cell"]
            if col == SUBTOTAL:
                v = _subtotal_value(row, columns, cells) if not cell.empty else None
            else:
                v = keyed[0].value if keyed else None
            rendered.append(v)
            present.append(not cell.empty)
            if not cell.empty:
                tokens.append(v)
                units.append(any(s.label == Label.UNIT for s in segs))
        leaf = [c for c in row.cells if c.kind == "row" and c.rowspan == 1]
        label = "".join(leaf[-1].text().split()) if leaf else ""
        out.append(PrintedRow(grid.table, row.key or "review", columns, tokens, rendered, units, present, label))
    return out


def _subtotal_position(grid: Grid) -> int | None:
    """Where table 三 prints its 小计 column: the value position holding an unkeyed number."""
    for row in grid.rows:
        if row.part == "data":
            cells = [c for c in row.cells if c.kind == "val"]
            for i, c in enumerate(cells):
                if not c.empty and not any(s.key for line in c.lines for s in line):
                    return i
    return None


def _subtotal_value(row: GRow, columns: list[tuple[str, str]], cells: list) -> Value:
    """The printed 小计: the sum of the row's five organisation cells as rendered (blanks 0)."""
    total = 0.0
    for (_, col), cell in zip(columns, cells):
        if col in APPLICANTS[1:]:
            for s in (s for line in cell.lines for s in line):
                if s.key and s.key[0] == "cell" and s.value is not None:
                    total += float(s.value)
    return int(total) if total == int(total) else total


# ---------------------------------------------------------------- the oracle


def row_candidates(row: PrintedRow, stats: Stats | None = None) -> list[Vector]:
    """The placements of one row that meet its own identities; all of them where none does (the
    row's arithmetic is broken, or it prints only 总计: the identities choose nothing)."""
    # a figure printed with its money unit (``0万元``) can only be under a money column
    money = {i for i, (_, c) in enumerate(row.columns) if c in MONEY_COLS}
    cands = placements(row.tokens, len(row.columns), [money if u else None for u in row.units])
    fit = [v for v in cands if _meets(v, _row_identities(row))]
    if not fit and stats is not None:
        stats.dropped_row_identities += 1
    return fit or cands


def review_group_labels(grid: Grid) -> list[str] | None:
    """Table 四's group labels in column order: per group of five value columns the header cell
    spanning exactly them (行政复议, 未经复议直接起诉, 复议后起诉); None where the grid prints no such
    cell for some group (a grid without its header rows)."""
    spans: dict[int, str] = {}
    for row, placed in zip(grid.rows, grid.placed()):
        if row.part != "header":
            continue
        for col, cell in placed:
            if cell.colspan == len(RESULTS) + 1 and cell.text().strip():
                spans[col - grid.nlabel] = cell.text().strip()
    ngroups = (grid.ncols - grid.nlabel) // (len(RESULTS) + 1) if grid.rows else 0
    labels = [spans.get(g * (len(RESULTS) + 1)) for g in range(ngroups)]
    return None if not labels or any(x is None for x in labels) else [x for x in labels if x is not None]


_HEADING = re.compile(r"^[ \t]*[一二三四五六七八九十]+、", re.M)


def _line_values(segment: str) -> list[Value]:
    """The lines of ``segment`` that are one value each (a number, or a blank mark: ``None``)."""
    out: list[Value] = []
    for ln in (ln.strip() for ln in segment.split("\n")):
        if ln in _MARKS:
            out.append(None)
        elif _NUMBER.fullmatch(ln):
            f = float(ln.replace(",", ""))
            out.append(int(f) if f == int(f) else f)
    return out


def review_group_cells(row: PrintedRow, labels: list[str], text: str) -> dict[tuple[str, str], set[Value]] | None:
    """Table 四 where the reading prints each group apart: each group's label on a line of its own,
    in the table's order, and between a group's label and the next one (the last group: up to the
    next section heading) exactly that group's visible tokens in order (header pieces between them
    are text, not values). The text then says which group each token is in, which the row view
    (one row of fifteen) does not: per cell the values the order-keeping placements of its own
    group's tokens give, those meeting the group's 总计 = the four results, or all of them where
    none does (the report's own arithmetic broken in that group only). None where the reading does
    not print the groups so (their tokens elsewhere, a mark pdftotext dropped, a label not found)."""
    groups = list(dict.fromkeys(g for g, _ in row.columns))
    if len(labels) != len(groups):
        return None
    starts, at = [], 0
    for label in labels:
        m = re.compile(r"^[ \t]*" + re.escape(label) + r"[ \t]*$", re.M).search(text, at)
        if m is None:
            return None
        starts.append(m)
        at = m.end()
    end = _HEADING.search(text, at)
    bounds = [m.end() for m in starts], [m.start() for m in starts[1:]] + [end.start() if end else len(text)]
    out: dict[tuple[str, str], set[Value]] = {}
    for g, a, b in zip(groups, *bounds):
        idx = [i for i, (rg, _) in enumerate(row.columns) if rg == g]
        tokens = [row.rendered[i] for i in idx if row.present[i]]
        if _line_values(text[a:b]) != tokens:
            return None
        sub = PrintedRow(row.table, g, [row.columns[i] for i in idx], tokens, [row.rendered[i] for i in idx],
                         [False] * len(tokens), [row.present[i] for i in idx])  # fmt: skip
        cands = row_candidates(sub)
        for j, i in enumerate(idx):
            out[row.columns[i]] = {v[j] for v in cands}
    return out


Sig = tuple[int, ...]
# one column identity in one column: sum of rows ``left`` = sum of rows ``right`` in column ``col``
Constraint = tuple[tuple[str, ...], tuple[str, ...], int]
COLS7 = (*APPLICANTS, "total")


class _TooMany(Exception):
    """More partial sums than ``JOINT_CAP``."""


def _joint(rows: dict[str, PrintedRow], cands: dict[str, list[Vector]], fmt: str,
           stats: Stats) -> dict[str, list[Vector]]:  # fmt: skip
    """Table 三: keep the placements that are part of a choice of one per row meeting every column
    identity (one identity in one column is one constraint); where no choice meets them all (the
    report's arithmetic is broken somewhere) the identities choose nothing: the rows decide alone.
    Which identities the printed table breaks is not used: a reader cannot know it."""
    col_pos = {r: {c: i for i, (_, c) in enumerate(rows[r].columns)} for r in rows}

    def numbers(r: str, v: Sequence[Value]) -> Sig:
        # counts, as integers (in millionths, should a value have a fraction)
        return tuple(round(_z(v[col_pos[r][c]]) * 1_000_000) for c in COLS7)

    constraints: list[Constraint] = [
        (tuple(left), tuple(right), c) for left, right in _column_identities(fmt, set(rows)) for c in range(len(COLS7))
    ]
    if not constraints:
        return cands
    # only the numbers enter the identities: rows whose fitting placements agree on them are fixed
    sigs = {r: list(dict.fromkeys(numbers(r, v) for v in cands[r])) for r in rows}
    free = {r: sigs[r] for r in rows if len(sigs[r]) > 1}
    fixed = {r: sigs[r][0] for r in rows if r not in free}
    if math.prod(len(v) for v in free.values()) <= JOINT_CAP:
        kept = _joint_product(constraints, fixed, free)
    else:
        try:
            kept = _joint_reachable(constraints, fixed, free)
        except _TooMany:
            stats.capped += 1
            stats.notes.append(f"applications: over {JOINT_CAP} partial sums across {len(free)} rows: rows alone")
            return cands
    if kept is None:
        stats.dropped_column_identities += 1
        return cands
    return {r: [v for v in cands[r] if r not in kept or numbers(r, v) in kept[r]] for r in rows}


def _holds(constraints: list[Constraint], vals: dict[str, Sig]) -> bool:
    return all(sum(vals[r][c] for r in a) == sum(vals[r][c] for r in b) for a, b, c in constraints)


def _joint_product(constraints: list[Constraint], fixed: dict[str, Sig],
                   free: dict[str, list[Sig]]) -> dict[str, set[Sig]] | None:  # fmt: skip
    """Every combination of the free rows' numbers tried; per row the numbers that some fitting
    combination uses; None where no combination fits."""
    kept: dict[str, set[Sig]] = {r: set() for r in free}
    fits = False
    for choice in product(*free.values()):
        if _holds(constraints, {**fixed, **dict(zip(free, choice))}):
            fits = True
            for r, sig in zip(free, choice):
                kept[r].add(sig)
    return kept if fits else None


def _joint_reachable(constraints: list[Constraint], fixed: dict[str, Sig],
                     free: dict[str, list[Sig]]) -> dict[str, set[Sig]] | None:  # fmt: skip
    """The same answer as ``_joint_product`` without trying every combination: the constraints'
    differences reachable from the first rows (forward), and those from which the last rows can
    reach zero (backward); a row's numbers are kept where a forward state plus them is a backward
    state. Raises ``_TooMany`` beyond ``JOINT_CAP`` states at one row."""
    rows_of = [set(a) | set(b) for a, b, _ in constraints]
    # rows of the constraints with fewest free rows first, so that a constraint is closed early
    order = sorted(free, key=lambda r: min((len(rs & set(free)) for rs in rows_of if r in rs), default=99))

    def diff(r: str, sig: Sig) -> Sig:
        return tuple(((r in a) - (r in b)) * sig[c] for a, b, c in constraints)

    def add(x: Sig, y: Sig) -> Sig:
        return tuple(map(operator.add, x, y))

    # the least and most that the rows after row k can still add to each difference: a state
    # outside that reach of zero leads nowhere (this also closes a constraint after its last row)
    n = len(constraints)
    lo, hi = [[0] * n], [[0] * n]
    for r in reversed(order):
        ds = [diff(r, sig) for sig in free[r]]
        lo.insert(0, [lo[0][i] + min(d[i] for d in ds) for i in range(n)])
        hi.insert(0, [hi[0][i] + max(d[i] for d in ds) for i in range(n)])

    def closed(s: Sig, k: int) -> bool:
        """Can the rows after row k still bring state s to zero?"""
        return all(s[i] + lo[k + 1][i] <= 0 <= s[i] + hi[k + 1][i] for i in range(n))

    zero: Sig = (0,) * len(constraints)
    start = zero
    for r, sig in fixed.items():
        start = add(start, diff(r, sig))
    forward = [{start}]
    for k, r in enumerate(order):
        nxt = {t for s in forward[-1] for sig in free[r] if closed(t := add(s, diff(r, sig)), k)}
        if len(nxt) > JOINT_CAP:
            raise _TooMany
        forward.append(nxt)
    if zero not in forward[-1]:
        return None
    backward = {zero}
    kept: dict[str, set[Sig]] = {}
    for k in range(len(order) - 1, -1, -1):
        r = order[k]
        kept[r] = {sig for sig in free[r] if any(add(s, diff(r, sig)) in backward for s in forward[k])}
        # the states before row k from which the rest reaches zero (only reachable ones matter)
        backward = {add(t, tuple(-x for x in diff(r, sig))) for t in backward for sig in free[r]} & forward[k]
    return kept


def column_cells(rows: list[PrintedRow], fmt: str) -> dict[tuple[str, str], set[Value]]:
    """Table 二 read column by column (raw ``pdftotext``: each column header of a group, then the
    group's non-empty cells of that column in row order, one a line): per cell the values the
    order-keeping placements of its column's visible tokens into the group's rows give it. The
    visible tokens of a column are its non-empty cells (a blank mark is one, value ``None``); no
    identity chooses among the placements (table 二 has none)."""
    spec = table_spec(fmt, "active_disclosure")
    by_key = {r.key: r for r in rows}
    groups: dict[str, list[str]] = {}
    for r in spec.rows:
        if r.key in by_key:
            groups.setdefault(r.group or r.key, []).append(r.key)
    out: dict[tuple[str, str], set[Value]] = {}
    for keys in groups.values():
        cols = list(dict.fromkeys(c for k in keys for _, c in by_key[k].columns))
        for col in cols:
            members = [k for k in keys if any(c == col for _, c in by_key[k].columns)]
            tokens = []
            for k in members:
                i = next(i for i, (_, c) in enumerate(by_key[k].columns) if c == col)
                if by_key[k].present[i]:
                    tokens.append(by_key[k].rendered[i])
            cands = placements(tokens, len(members))
            for j, k in enumerate(members):
                out[(k, col)] = {v[j] for v in cands}
    return out


def contract_tables(grids: list[Grid], fmt: str, tables: dict[str, Any], stats: Stats | None = None,
                    column_major: frozenset[str] = frozenset(), text: str | None = None) -> dict[str, Any]:  # fmt: skip
    """``tables`` (the rendered gold, not changed) with every cell that a reading dropping empty
    cells cannot determine set to ``None`` (see the module docstring). ``column_major``: tables
    the reading may write column by column as well as row by row (raw ``pdftotext``'s table 二:
    column blocks, a group's later row sometimes row-wise after them): there a cell is ``None``
    only where neither its row's placements (below) nor its column's (``column_cells``) determine
    it — a value determined either way is the rendered one, so gold never holds one not printed.
    Table 三 in ``column_major`` (raw ``pdftotext``: row groups written column by column, no row
    boundaries) needs the reading's ``text``: where the reading writes the grid's stream, a cell
    is ``None`` exactly where the grids that print the same stream disagree on it
    (``stream_cells``); where it does not, or the search is capped, the row view decides (counted
    in ``stats``). With ``text``, table 四 is read group by group where the reading prints each
    group apart (``review_group_cells``), else as one row.

    Raises ``ValueError`` for a column-major table other than 二 and 三, or 三 without ``text``."""
    if column_major - {"active_disclosure", "applications"}:
        raise ValueError(f"only tables 二 and 三 are read column by column, not {sorted(column_major)}")
    if "applications" in column_major and text is None:
        raise ValueError("table 三 read as a stream needs the reading's text")
    stats = stats if stats is not None else Stats()
    out = copy.deepcopy(tables)
    for grid in grids:
        rows = printed_rows(grid, fmt)
        by_column = column_cells(rows, fmt) if grid.table in column_major and grid.table == "active_disclosure" else {}
        by_stream = None
        if grid.table == "applications" and grid.table in column_major and text is not None:
            by_stream = stream_cells(rows, fmt, text, stats)
        cands = {r.key: row_candidates(r, stats) for r in rows}
        if grid.table == "applications":
            cands = _joint({r.key: r for r in rows}, cands, fmt, stats)
        by_group = None
        if grid.table == "review_litigation" and text is not None and len(rows) == 1:
            labels = review_group_labels(grid)
            by_group = review_group_cells(rows[0], labels, text) if labels else None
            stats.review_grouped += by_group is not None
        for r in rows:
            kept = cands[r.key]
            stats.open_rows += len(kept) > 1
            for i, (rk, col) in enumerate(r.columns):
                if col == SUBTOTAL:
                    continue
                # the reading prints table 四's groups apart: each group's own tokens decide its cells
                seen = by_group[(rk, col)] if by_group is not None else {v[i] for v in kept}
                if by_stream is not None:
                    # the reading writes the grid's stream: it alone says what the text determines
                    # (its row groups' column blocks tell more than a row's non-empty cells would,
                    # its missing row boundaries less)
                    if by_stream[(rk, col)] != {r.rendered[i]}:
                        stats.stream_nulled += seen == {r.rendered[i]}
                        stats.nulled += out[grid.table][rk][col] is not None
                        out[grid.table][rk][col] = None
                    else:
                        stats.stream_placed += seen != {r.rendered[i]}
                    continue
                if seen == {r.rendered[i]} or by_column.get((rk, col)) == {r.rendered[i]}:
                    continue
                if len(seen) == 1:
                    # the fitting placements agree on a value that is not the printed one: the
                    # report's arithmetic is wrong and points elsewhere; the text does not give it
                    stats.misled += 1
                if out[grid.table][rk][col] is not None:
                    stats.nulled += 1
                out[grid.table][rk][col] = None
    return out


# ---------------------------------------------------------------- table 三 as a stream (raw pdftotext)

STREAM_CAP = 20_000  # most search states (block position, identities' running sums) after one unit
# most grids the units of a search with a page read as a whole try, over all block positions
# (``stream_layout(pages=)``, ``_grids_to_try``; past it the row view stays, ``Stats.stream_capped``)
PAGED_GRIDS_CAP = 50_000
FLAT_GROUP_CAP = 200_000  # most partial grids of one row group read by its values' order alone
FLAT_JOINS = 1  # most of a group's column blocks the reading joins with the next (read by the values' order)
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")
STREAM_GAP = 0  # other value blocks allowed before each of the stream's (stream_layout): none
_MARKS = frozenset({"-", "—", "无", "－"})


def unit_blocks(unit: Sequence[PrintedRow]) -> list[list[Value]]:
    """The blocks one unit of table 三 prints in raw pdftotext: a single row a block per non-empty
    cell; a row group (rows whose cells of one column pdftotext joins) a block per column holding
    that column's non-empty cells in row order, no block where all of them are empty."""
    out: list[list[Value]] = []
    for c in range(len(unit[0].columns)):
        cells = [r.rendered[c] for r in unit if r.present[c]]
        if len(unit) == 1:
            out.extend([v] for v in cells)
        elif cells:
            out.append(cells)
    return out


def reading_blocks(text: str) -> list[list[Value]]:
    """The values of each block of a raw pdftotext reading (text between empty lines or page
    breaks): the lines after its last line of other text that are one value each, a number or a
    blank mark (``None``); blocks without such lines are left out."""
    out = []
    for blk in re.split(r"\n[ \t]*\n|\f", text):
        vals: list[Value] = []
        for ln in (ln.strip() for ln in blk.split("\n") if ln.strip()):
            if ln in _MARKS:
                vals.append(None)
            elif _NUMBER.fullmatch(ln):
                f = float(ln.replace(",", ""))
                vals.append(int(f) if f == int(f) else f)
            else:
                vals = []  # values before a text line are another kind of block
        if vals:
            out.append(vals)
    return out


def stream_layout(rows: list[PrintedRow], text: str, gap: int = STREAM_GAP, flat: bool = False,
                  pages: dict[int, list[tuple[Value, ...]]] | None = None) -> tuple[list[list[PrintedRow]], set[int]] | None:  # fmt: skip
    """How a raw pdftotext reading wrote table 三's rows, found by walking the reading's blocks
    (``reading_blocks``) in row order: the rows as units (a run of two to four rows whose cells
    of one column pdftotext joined — a group, ``unit_blocks`` — or a row alone), each unit's
    blocks being the reading's next blocks in order (``gap``: how many other blocks may stand
    before each; none by default: a skipped block could be the table's own, joined another way); a page's first rows, drawn among its repeated column
    headers (``申请人情况`` …), are instead one to three rows whose values are exactly the next
    blocks' values in any order. Which rows join depends on the rows' heights, which the grid
    does not carry: the reading shows it. Returns the units and the indices of those placed by
    the headers (kept as rendered), or None where no such walk reads the whole table (the
    reading does not write the grid's stream). Larger groups are tried first.

    ``pages`` (a dict, filled in): where given, a page the walk cannot read — the reading starts it
    with the repeated column headers and ends it with a page break, both printed — may instead
    hold the next rows' values as a whole, in any order: exactly the values between its headers
    and its page break (on the table's last page, among them), for one run of rows only. Each
    such row is a unit of its own, and ``pages`` maps each of those units to the reading's blocks
    it stands for (all of the page's on its last row, none on the others): the reading says which
    rows the page holds, not how, so those rows keep the row view (``stream_cells``)."""
    def split(blocks: list[list[Value]]) -> list[tuple[Value, ...]]:
        return [(v,) for b in blocks for v in b] if flat else [tuple(b) for b in blocks]

    got = split(reading_blocks(text))
    heads = [len(split(reading_blocks(text[: m.start()]))) for m in re.finditer("申请人情况", text)]
    if not heads:
        return None
    # where the reading's pages end: the number of blocks before each page break
    breaks = [len(split(reading_blocks(text[: m.start()]))) for m in re.finditer("\f", text)]
    memo: dict[tuple[int, int], list[tuple[int, Any]] | None] = {}

    def whole_page(i: int, page: int) -> tuple[int, int] | None:
        """The one run of rows from row i whose values are the page's, from its headers (block
        ``page``) to its page break: (how many rows, the block after the page); None where no run
        or more than one fits."""
        end = next((e for e in breaks if e > page), None)
        if end is None:
            return None
        pool = [v for x in got[page:end] for v in x]
        last = not any(h > page for h in heads)
        fits, vals = [], []
        for k in range(1, len(rows) - i + 1):
            vals += [v for x in unit_blocks([rows[i + k - 1]]) for v in x]
            if len(vals) > len(pool):
                break
            if _contains(pool, vals, exact=not (last and i + k == len(rows))):
                fits.append(k)
        return (fits[0], end) if len(fits) == 1 else None

    def walk(i: int, at: int) -> list[tuple[int, Any]] | None:
        """From row i, the last block matched ``at``: the units as (rows, by the headers)."""
        if i == len(rows):
            return []
        if (i, at) in memo:
            return memo[i, at]  # type: ignore[return-value]
        memo[i, at] = None
        page = next((h for h in heads if h > at), len(got))  # the next page's headers
        for k in (1, 2, 3, 4) if flat else (4, 3, 2, 1):
            if i + k > len(rows):
                continue
            want = split(unit_blocks(rows[i : i + k]))
            if k > 1 and not any(len(x) > 1 for x in unit_blocks(rows[i : i + k])):
                continue  # a group with no joined cells prints as its rows alone would not
            j, ok = at, True
            for x in want:  # in order, on this page
                j = next((q for q in range(j + 1, min(page, j + gap + 2)) if got[q] == x), -1)
                if j < 0:
                    ok = False
                    break
            if ok and (rest := walk(i + k, j)) is not None:
                memo[i, at] = [(k, False), *rest]
                return memo[i, at]  # type: ignore[return-value]
        if page <= at + gap + 1:  # among a page's headers: 1–3 rows, values in any order
            for k in (1, 2, 3):
                vals = [v for r in rows[i : i + k] for x in unit_blocks([r]) for v in x]
                for e in range(page, min(len(got), page + len(vals))):
                    if _contains([v for x in got[page : e + 1] for v in x], vals, exact=True):
                        if (rest := walk(i + k, e)) is not None:
                            memo[i, at] = [(1, True)] * k + rest
                            return memo[i, at]  # type: ignore[return-value]
                        break
        if pages is not None and page == at + 1 and (whole := whole_page(i, page)) is not None:
            k, end = whole
            if (rest := walk(i + k, end - 1)) is not None:
                memo[i, at] = [(1, (page, page))] * (k - 1) + [(1, (page, end))] + rest
                return memo[i, at]
        return None

    found = walk(0, heads[0] - 1)
    if found is None:
        return None
    units, fixed, i = [], set(), 0
    for k, how in found:
        if isinstance(how, tuple) and pages is not None:  # a row of a page read as a whole
            pages[len(units)] = got[how[0] : how[1]]
        elif how:
            fixed.add(len(units))
        units.append(rows[i : i + k])
        i += k
    return units, fixed


def _page_starts(text: str, blocks: list[list[Value]]) -> frozenset[int]:
    """The positions in ``blocks`` (table 三's blocks from its first column header on, as
    ``stream_cells`` reads them) of the first block after each page break of the reading, found by
    counting values (a page's first rows among its headers are a block per value there, one block in
    the reading); a break that falls inside one of ``blocks`` is left out, and all are where the
    values before the first header and in ``blocks`` are not the reading's own."""
    first = re.search("申请人情况", text)
    if not first:
        return frozenset()
    values = [v for b in reading_blocks(text) for v in b]
    at = sum(len(b) for b in reading_blocks(text[: first.start()]))
    mine = [v for b in blocks for v in b]
    if Counter(map(repr, values[at : at + len(mine)])) != Counter(map(repr, mine)):
        return frozenset()  # (a page's first rows among its headers come in any order: as a whole)
    ends = {}  # values before a block -> its position
    n = 0
    for k, b in enumerate(blocks):
        ends.setdefault(n, k)
        n += len(b)
    out = set()
    for m in re.finditer("\f", text):
        v = sum(len(b) for b in reading_blocks(text[: m.start()])) - at
        if 0 < v < n and v in ends:
            out.add(ends[v])
    return frozenset(out)


# a row label's numbering at the start of a piece: 一、 （三） 1. (after NFKC: （三） reads (三))
_LABEL_MARK = re.compile(r"(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、](?!\d))")


LABEL_GAP = 12  # most pieces passed over between two pieces of one label (a page top's repeated headers)


def _key(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def label_pages(rows: Sequence[PrintedRow], text: str) -> dict[str, tuple[int, int]]:
    """Per row of table 三 whose own label the reading prints whole, the pages (form feeds before
    them) of its label's first and last piece: ``{row key: (first, last)}``. A table row is as tall
    as its tallest one-row cell, which is its own label (the values are one short line each), and
    a row's values stand within the row's height: on one of the pages its label's lines are on.

    Read from the reading alone, in the rows' order, up to table 四's column header (``行政复议``
    after table 三's last ``申请人情况``; LibreOffice draws a page's labels before its column
    headers): a row's label starts at a whitespace-separated piece that begins with a numbering
    (``_LABEL_MARK``) and begins the label's wording, and goes on over the pieces that continue the
    wording, at most ``LABEL_GAP`` other pieces between two of them passed over (a spanning label's,
    a repeated column header), up to a numbered piece that begins a later row's label. A row whose
    label is not found so (another shape, pieces out of order) is left out: nothing is said about it."""
    last = text.rfind("申请人情况")
    if last < 0:
        return {}
    end = text.find("行政复议", last)
    end = len(text) if end < 0 else end
    pieces: list[tuple[str, int]] = []  # (key, page)
    for m in re.finditer(r"\S+", text[:end]):
        pieces.append((_key(m.group()), text.count("\f", 0, m.start())))
    wants = [_key(r.label) for r in rows]
    out: dict[str, tuple[int, int]] = {}
    i = 0
    for n, (row, want) in enumerate(zip(rows, wants)):
        later = [w for w in wants[n + 1 :] if w]
        if not want or not _LABEL_MARK.match(want):
            continue
        for q in range(i, len(pieces)):
            key = pieces[q][0]
            if not _LABEL_MARK.match(key):
                continue
            if not want.startswith(key):
                if any(w.startswith(key) for w in later):
                    break  # a later row's label: this row's is not printed so
                continue
            got, at, k = key, q, q + 1
            while got != want and k < len(pieces) and k - at <= LABEL_GAP:
                piece = pieces[k][0]
                if want.startswith(got + piece):
                    got, at = got + piece, k
                elif _LABEL_MARK.match(piece) and any(w.startswith(piece) for w in later):
                    break
                k += 1
            if got == want:
                out[row.key] = (pieces[q][1], pieces[at][1])
                i = at + 1
                break
    return out


def _block_pages(text: str, blocks: list[list[Value]]) -> list[int] | None:
    """The page (form feeds before it) of each of ``blocks`` (table 三's blocks from its first
    column header on, as ``stream_cells`` reads them), found by counting values as ``_page_starts``
    does; None where the values are not the reading's own or a page break falls inside a block."""
    first = re.search("申请人情况", text)
    if not first:
        return None
    values = [v for b in reading_blocks(text) for v in b]
    at = sum(len(b) for b in reading_blocks(text[: first.start()]))
    mine = [v for b in blocks for v in b]
    if Counter(map(repr, values[at : at + len(mine)])) != Counter(map(repr, mine)):
        return None
    # per page break, the table's values before it (negative: before the table's first value)
    before = [sum(len(b) for b in reading_blocks(text[: m.start()])) - at for m in re.finditer("\f", text)]
    out, n = [], 0
    for b in blocks:
        if any(n < v < n + len(b) for v in before):
            return None
        out.append(sum(v <= n for v in before))
        n += len(b)
    return out


def _reading_starts(text: str) -> set[int]:
    """Where the reading starts a block (``reading_blocks``), as indices into table 三's values
    read one by one from the first value after its column header (``stream_layout``'s flat walk)."""
    first = re.search("申请人情况", text)
    at = -sum(len(b) for b in reading_blocks(text[: first.start()])) if first else 0
    out = set()
    for b in reading_blocks(text):
        out.add(at)
        at += len(b)
    return out


def _contains(pool: list[Value], want: list[Value], exact: bool = False) -> bool:
    """Whether ``pool`` holds every value of ``want`` (as many times; ``exact``: and no other)."""
    rest = list(pool)
    for v in want:
        if v not in rest:
            return False
        rest.remove(v)
    return not (exact and rest)


def _unit_candidates(unit: list[PrintedRow], blocks: list[list[Value]], p: int,
                     ids: list[list[tuple[list[int], list[int]]]]) -> list[tuple[int, tuple[Vector, ...]]]:  # fmt: skip
    """Every way ``unit`` can print the blocks from ``p`` on: (the block after it, a vector per row),
    each row meeting ``ids`` (per row, the row identities the rendered row meets)."""
    width, k = len(unit[0].columns), len(unit)
    out: dict[tuple[int, tuple[Vector, ...]], None] = {}
    for m in range(0, min(width, len(blocks) - p) + 1):
        taken = blocks[p : p + m]
        if any(len(b) > k for b in taken):
            break
        for cols in combinations(range(width), m):
            # each block: which of the unit's rows hold its values (order kept)
            options = [list(combinations(range(k), len(b))) for b in taken]
            for rows_of in product(*options):
                vs = [[None] * width for _ in range(k)]
                for c, b, rs in zip(cols, taken, rows_of):
                    for r, v in zip(rs, b):
                        vs[r][c] = v
                vec = tuple(tuple(v) for v in vs)
                if all(_meets(v, i) for v, i in zip(vec, ids)):
                    out.setdefault((p + m, vec), None)
    return list(out)


def _grids_to_try(k: int, width: int, blocks: list[list[Value]]) -> int:
    """How many grids ``_unit_candidates`` tries for a unit of ``k`` rows over ``width`` columns
    at the start of ``blocks`` (the same count bounds ``_flat_group_candidates``, a block a value)."""
    out, ways = 0, 1
    for m in range(0, min(width, len(blocks)) + 1):
        if m:
            if len(blocks[m - 1]) > k:
                break
            ways *= math.comb(k, len(blocks[m - 1]))
        out += math.comb(width, m) * ways
    return out


def _flat_group_candidates(unit: list[PrintedRow], vals: list[list[Value]], p: int,
                           ids: list[list[tuple[list[int], list[int]]]],
                           starts: set[int]) -> list[tuple[int, tuple[Vector, ...]]] | None:  # fmt: skip
    """``_unit_candidates`` for a row group where the reading may join blocks (``vals``: a block
    per value; ``starts``: where the reading starts a block): each column's non-empty cells, 0 to
    k of them, are the next values in row order, no block of the reading starting inside them (a
    reading joins blocks, never splits one) and at most ``FLAT_JOINS`` of them ending inside one
    of the reading's (joined with the next). None past ``FLAT_GROUP_CAP`` partial grids."""
    width, k = len(unit[0].columns), len(unit)
    out: dict[tuple[int, tuple[Vector, ...]], None] = {}
    count = 0
    subsets = [list(combinations(range(k), s)) for s in range(k + 1)]

    def walk(c: int, q: int, vs: list[list[Value]], joins: int) -> bool:
        nonlocal count
        count += 1
        if count > FLAT_GROUP_CAP:
            return False
        if c == width:
            vec = tuple(tuple(v) for v in vs)
            if all(_meets(v, i) for v, i in zip(vec, ids)):
                out.setdefault((q, vec), None)
            return True
        for s in range(min(k, len(vals) - q) + 1):
            if any(i in starts for i in range(q + 1, q + s)):
                break
            # a column's block that ends inside one of the reading's is joined with what follows
            joined = joins + (s > 0 and q + s not in starts and q + s < len(vals))
            if joined > FLAT_JOINS:
                continue
            for rs in subsets[s]:
                for r, x in zip(rs, vals[q : q + s]):
                    vs[r][c] = x[0]
                if not walk(c + 1, q + s, vs, joined):
                    return False
                for r in rs:
                    vs[r][c] = None
        return True

    if not walk(0, p, [[None] * width for _ in range(k)], 0):
        return None
    return list(out)


def stream_cells(rows: list[PrintedRow], fmt: str, text: str,
                 stats: Stats | None = None) -> dict[tuple[str, str], set[Value]] | None:  # fmt: skip
    """Table 三 as raw pdftotext writes it (no row boundaries, no empty cells): per cell the values
    it holds in the grids that print the same blocks (``stream_layout``, ``unit_blocks``) and meet
    every identity the rendered table meets (row: 总计 = the six applicant columns, 小计 = the five
    organisation columns; column: (七)总计 = (一)…(六), 一+二 = (七)总计 + 四, each per column).
    No unit runs across a page break of the reading (``_page_starts``: a row's values are one
    line each at its height), and a row whose label the reading prints whole has its values on
    that label's pages (``label_pages``). The rendered grid is always one of them (asserted). None where the search passes
    ``STREAM_CAP`` states after one unit (counted in ``Stats.stream_capped``)."""
    stats = stats if stats is not None else Stats()
    viewed: dict[int, list[tuple[Value, ...]]] = {}
    layout, flat = stream_layout(rows, text), False
    if layout is None:
        # the reading joins blocks in ways the units do not print them (a row that prints only its
        # 总计 joined with the next row's first value): the order of the values alone
        layout, flat = stream_layout(rows, text, flat=True), True
    for flat in (False, True) if layout is None else ():
        # a page the walk cannot read holds the next rows' values as a whole: those rows keep the
        # row view, the others are read from the stream as before
        viewed = {}
        if (layout := stream_layout(rows, text, flat=flat, pages=viewed)) is not None:
            break
    if layout is None or len(viewed) == len(layout[0]):  # every page read as a whole: the row view
        stats.stream_unseen += 1
        return None
    units, fixed = layout

    def printed(u: int) -> list[list[Value]]:
        if u in viewed:
            return [list(x) for x in viewed[u]]
        return [[v] for b in unit_blocks(units[u]) for v in b] if flat else unit_blocks(units[u])

    blocks = [b for u in range(len(units)) for b in printed(u)]
    starts = _reading_starts(text) if flat else set()
    # where the reading's pages start, as positions in ``blocks``: a row's values stand on one page
    # (each is one line at the row's height), so no unit's candidate runs across a page break
    page_starts = _page_starts(text, blocks)
    spans, at = [], 0
    for u in range(len(units)):
        spans.append((at, at + len(printed(u))))
        at += len(printed(u))
    if any(p < b < q for p, q in spans for b in page_starts):
        page_starts = frozenset()  # the rendered grid's own units run across a break: no bound to keep
    # a row's values stand on a page its own label's lines are on (the row is as tall as its label):
    # where the reading prints a row's label whole, no candidate puts the row's values elsewhere
    lpages = label_pages(rows, text) if page_starts else {}
    bpages = _block_pages(text, blocks) if lpages else None

    def on_label_pages(u: int, p: int, q: int, vec: tuple[Vector, ...]) -> bool:
        if bpages is None or u in viewed or q == p:
            return True
        pgs = set(bpages[p:q])
        for r, v in zip(units[u], vec):
            lim = lpages.get(r.key)
            # a row printing nothing (or only blank marks, which ``vec`` does not tell from empty cells) is not bound
            if lim is not None and any(x is not None for x in v) and not all(lim[0] <= g <= lim[1] for g in pgs):
                return False
        return True

    if bpages is not None:
        if all(on_label_pages(u, a, b, tuple(tuple(r.rendered) for r in units[u])) for u, (a, b) in enumerate(spans)):
            stats.label_paged += 1
        else:  # the rendering puts a row's values off its label's pages: the bound is not the layout's
            stats.label_pages_off += 1
            bpages = None
    by_key = {r.key: r for r in rows}
    cpos = {r.key: {c: i for i, (_, c) in enumerate(r.columns)} for r in rows}
    # the column identities the rendered table meets, each in each of the seven columns
    cons = []
    for left, right in _column_identities(fmt, set(by_key)):
        for c in COLS7:
            d = sum(_z(by_key[r].rendered[cpos[r][c]]) for r in left) - sum(_z(by_key[r].rendered[cpos[r][c]]) for r in right)
            if abs(d) < _TOL:
                cons.append((set(left), set(right), c))

    def diff(r: PrintedRow, v: Vector) -> tuple[int, ...]:
        return tuple(((r.key in a) - (r.key in b)) * round(_z(v[cpos[r.key][c]]) * 1_000_000) for a, b, c in cons)

    row_ids = {r.key: [x for x in _row_identities(r) if _meets(tuple(r.rendered), [x])] for r in rows}
    width = max(len(u[0].columns) for u in units)
    cands: dict[tuple[int, int], list[tuple[int, tuple[Vector, ...], tuple[int, ...]]]] = {}
    searched = [0]  # grids the units try (bounded where a page is read as a whole)

    def unit_cands(u: int, p: int) -> list[tuple[int, tuple[Vector, ...], tuple[int, ...]]]:
        if (u, p) not in cands:
            if viewed and u not in fixed | set(viewed):
                # checked before the work: a search with a page read as a whole is bounded
                searched[0] += _grids_to_try(len(units[u]), len(units[u][0].columns), blocks[p:])
                if searched[0] > PAGED_GRIDS_CAP:
                    raise _TooMany()
            if u in fixed:  # placed by the column headers it is drawn among
                q = p + len(printed(u))
                found = [(q, tuple(tuple(r.rendered) for r in units[u]))] if blocks[p:q] == printed(u) else []
            elif u in viewed:  # on a page read as a whole: the row's own placements (the row view)
                (r,) = units[u]
                q = p + len(printed(u))
                money = {i for i, (_, c) in enumerate(r.columns) if c in MONEY_COLS}
                vecs = placements(r.tokens, len(r.columns), [money if x else None for x in r.units])
                ok = blocks[p:q] == printed(u)
                found = [(q, (v,)) for v in vecs if ok and _meets(v, row_ids[r.key])]
            elif flat and len(units[u]) > 1:
                found = _flat_group_candidates(units[u], blocks, p, [row_ids[r.key] for r in units[u]], starts)
                if found is None:
                    raise _TooMany()
            else:
                found = _unit_candidates(units[u], blocks, p, [row_ids[r.key] for r in units[u]])
            found = [(q, vec) for q, vec in found if not any(p < b < q for b in page_starts) and on_label_pages(u, p, q, vec)]
            cands[u, p] = [(q, vec, tuple(map(sum, zip(*(diff(r, v) for r, v in zip(units[u], vec)))))) for q, vec in found]
        return cands[u, p]

    def add(x: tuple[int, ...], y: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(map(operator.add, x, y))

    zero = (0,) * len(cons)
    if flat:
        # read by the values' order, a unit may print its values in a way the candidates do not
        # describe (a group's column split by a page break, two joins): that reading keeps the row view
        at = 0
        for u, unit in enumerate(units):
            want = tuple(tuple(r.rendered) for r in unit)
            try:
                found = any(q == at + len(printed(u)) and vec == want for q, vec, _ in unit_cands(u, at))
            except _TooMany:
                stats.stream_capped += 1
                return None
            if not found:
                stats.stream_unseen += 1
                return None
            at += len(printed(u))
        stats.stream_flat += 1
    forward: list[set[tuple[int, tuple[int, ...]]]] = [{(0, zero)}]
    for u in range(len(units)):
        # the most blocks the units after this one print: a block per column (a value per cell,
        # flat); a row of a page read as a whole, the page's blocks it stands for
        left = sum(len(viewed[x]) if x in viewed else width * (len(units[x]) if flat else 1) for x in range(u + 1, len(units)))
        try:
            nxt = {(q, add(s, d)) for p, s in forward[-1] for q, _, d in unit_cands(u, p) if len(blocks) - q <= left}
        except _TooMany:
            nxt = set(range(STREAM_CAP + 1))  # type: ignore[arg-type]
        if len(nxt) > STREAM_CAP:
            stats.stream_capped += 1
            return None
        forward.append(nxt)
    # the rendered grid's own path: the state before each unit
    true_path = [(0, zero)]
    for u, unit in enumerate(units):
        p, st = true_path[-1]
        d = tuple(map(sum, zip(zero, *(diff(r, tuple(r.rendered)) for r in unit))))
        true_path.append((p + len(printed(u)), add(st, d)))
    backward = {(len(blocks), zero)} & forward[-1]
    seen: dict[tuple[str, str], set[Value]] = {}
    for u in range(len(units) - 1, -1, -1):
        assert true_path[u + 1] in backward, "the rendered grid prints its own stream and meets its identities"
        before = set()
        for p, s in forward[u]:
            for q, vec, d in unit_cands(u, p):
                if (q, add(s, d)) in backward:
                    before.add((p, s))
                    for r, v in zip(units[u], vec):
                        for (rk, col), x in zip(r.columns, v):
                            seen.setdefault((rk, col), set()).add(x)
        backward = before
    assert true_path[0] in backward
    stats.stream_paged += bool(viewed)
    return seen
