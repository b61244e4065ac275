"""The units of table 三's value stream in raw ``pdftotext`` readings and what every division of it
shares, for the stream's readers (``streamorder``, ``blankdivision``, ``chromelead``, ``blockorder``,
``pagetop``) without importing one another.

raw ``pdftotext`` joins lines that stand close into blocks: a row group's cells of one column are one
block of ``k`` lines, a single row's values a block each. A division of the stream into template rows
is a walk over (stream position, template row) states (``_alive_edges``, ``_reaching``) whose steps
are row groups (``_group``); it is kept where table 三's identities hold (``identities_hold``).
"""
from __future__ import annotations

import re
from typing import Callable, Sequence, TypeVar

from .digitruns import _holds, application_identities

# table 三's columns: the six applicant columns and 总计
APP_COLS = 7
# the most rows one merged label cell spans in the templates (三(三) has eight, but the pdftotext
# readings seen write at most a few rows column-major; more only widens the search)
MAX_GROUP = 3
# a printed figure alone (a line's whole text when the line is a lone value)
LONE_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def fits_blocks(starts: Sequence[bool], p: int, k: int, width: int = APP_COLS) -> bool:
    """Whether a group of ``k`` rows from stream index ``p``, written column by column (``width``
    columns), agrees with the blocks: each column's ``k`` values one block of their own, and the value
    after the group starts a new one. ``starts``: per value, whether it starts a block."""
    end = p + k * width
    if end < len(starts) and not starts[end]:
        return False
    return all(starts[i] == ((i - p) % k == 0) for i in range(p, end))


Number = int | float


def _hinted_order(hints: Sequence[int | None], p: int, sub: int | None = None) -> list[int] | None:
    """Stream indices of one row's seven values in column order when headers printed between them
    name some columns (``hints``: 0 = 自然人 … 6 = 总计; the rest fill the unnamed columns in stream
    order); None without hints. ``sub``: the 8-column variant, its 小计 at that printed slot
    (eight indices, in printed column order)."""
    width = APP_COLS if sub is None else APP_COLS + 1
    h = [x if x is None or sub is None else x + (x >= sub) for x in hints[p : p + width]]
    named = [x for x in h if x is not None]
    if not named or len(set(named)) != len(named):
        return None
    free = iter(c for c in range(width) if c not in named)
    order = [0] * width
    for i, x in enumerate(h):
        order[x if x is not None else next(free)] = p + i
    return order


def _hinted_group(hints: Sequence[int | None], p: int, k: int,
                  starts: Sequence[bool] = ()) -> list[list[int]] | None:  # fmt: skip
    """Stream indices of a group of ``k`` rows, row by row in column order, when headers printed
    between its values name columns (the first rows after a page's repeated header): the values
    before the first named column are the leading unnamed columns written row by row, each named
    column's ``k`` values follow its header, the remaining unnamed columns come after them column
    by column. None without hints or when the named columns do not start every ``k`` values, or,
    given ``starts`` (per value, whether it starts a block), when a block starts inside one of the
    columns written column by column: raw pdftotext writes a group's column as one block of ``k``
    lines."""
    h = list(hints[p : p + k * APP_COLS])
    named = [(i, x) for i, x in enumerate(h) if x is not None]
    if not named:
        return None
    cols = [x for _, x in named]
    first = named[0][0]
    if len(set(cols)) != len(cols) or first % k or any(i != first + n * k for n, (i, _) in enumerate(named)):
        return None
    free = [c for c in range(APP_COLS) if c not in cols]
    lead = first // k
    if lead > len(free):
        return None
    grid = [[0] * APP_COLS for _ in range(k)]
    for j in range(k):
        for c in range(lead):
            grid[j][free[c]] = p + j * lead + c
    at = p + first
    for c in cols + free[lead:]:
        if starts and any(at + j < len(starts) and starts[at + j] for j in range(1, k)):
            return None
        for j in range(k):
            grid[j][c] = at + j
        at += k
    return grid


def _group(values: Sequence[Number], p: int, k: int, hints: Sequence[int | None] = (),
           starts: Sequence[bool] = (), sub: int | None = None) -> list[list[tuple[Number, int]]] | None:  # fmt: skip
    """Rows (value, stream index) of a group of ``k`` rows written column-major from ``p``, if
    each meets its 总计 (and, given ``starts``, agrees with the blocks: ``_fits_blocks``); a
    single row whose values headers name is placed by them. ``sub``: rows print an eighth value,
    the 法人或其他组织 小计, at that slot (0-based), which must equal the five organisation
    columns; it is left out of the rows returned (seven values each)."""
    width = APP_COLS if sub is None else APP_COLS + 1
    if p + k * width > len(values):
        return None
    order = _hinted_order(hints, p) if k == 1 and hints and sub is None else None
    grid = _hinted_group(hints, p, k, starts) if k > 1 and hints and sub is None else None
    if order is not None:
        rows = [[(values[i], i) for i in order]]
    elif grid is not None:
        rows = [[(values[i], i) for i in row] for row in grid]
    else:
        if starts and not fits_blocks(starts, p, k, width):
            return None
        rows = [[(values[p + c * k + j], p + c * k + j) for c in range(width)] for j in range(k)]
    if sub is not None:
        subtotals = [r.pop(sub) for r in rows]
        for r, (x, _) in zip(rows, subtotals):
            v = [0 if y is None else y for y, _ in r]
            if _holds(v[1:6], [0 if x is None else x]) is not True:
                return None
    for r in rows:
        v = [0 if x is None else x for x, _ in r]
        if _holds(v[:6], v[6:7]) is not True:
            return None
    return rows


_R = TypeVar("_R")
_S = TypeVar("_S")


def _reaching(edges: dict[_S, list[tuple]], goal: _S) -> set[_S]:
    """The states of a forward walk's ``edges`` (state -> steps, each step's first item the state it
    reaches) from which ``goal`` can be reached, ``goal`` included: the states on some complete division."""
    back: dict[_S, list[_S]] = {}
    for st, nxt in edges.items():
        for step in nxt:
            back.setdefault(step[0], []).append(st)
    alive = {goal}
    stack = [goal]
    while stack:
        for st in back.get(stack.pop(), []):
            if st not in alive:
                alive.add(st)
                stack.append(st)
    return alive


def _alive_edges(n: int, nrows: int, skippable: frozenset[int], lead: int, trail: bool,
                 options: Callable[[int, int], list[tuple[int, list[_R]]]]) -> list[tuple[int, list[_R]]] | None:  # fmt: skip
    """The steps of every division of a stream of ``n`` values into ``nrows`` template rows, as
    (first template row, rows placed): a forward walk over (stream position, template row) states,
    ``options(p, r)`` giving (values taken, rows) of each row group that may start there, a value
    passed over at ``skippable`` positions, among the first ``lead`` and, with ``trail``, after the
    last row; then only the steps from which the end (``n``, ``nrows``) is reached. ``None`` when
    no division reaches it."""
    State = tuple[int, int]  # (stream position, template row)
    edges: dict[State, list[tuple[State, list[_R]]]] = {}
    seen: set[State] = {(0, 0)}
    todo: list[State] = [(0, 0)]
    while todo:
        p, r = todo.pop()
        nxt: list[tuple[State, list[_R]]] = []
        if p < n and (p in skippable or (r == 0 and p < lead) or (r == nrows and trail)):
            nxt.append(((p + 1, r), []))
        if r < nrows:
            nxt.extend(((p + used, r + len(rows)), rows) for used, rows in options(p, r))
        edges[(p, r)] = nxt
        for t, _ in nxt:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    goal = (n, nrows)
    if goal not in seen:
        return None
    alive = _reaching(edges, goal)
    return [(st[1], rows) for st, nxt in edges.items() if st in alive for t, rows in nxt if t in alive]


def identities_hold(rows: dict[str, list[Number | None]], row_keys: Sequence[str]) -> bool:
    """No column identity of table 三 fails (a null operand leaves it unassessed)."""
    for left, right in application_identities(row_keys):
        for c in range(APP_COLS):
            if _holds([rows[r][c] for r in left], [rows[r][c] for r in right]) is False:
                return False
    return True


def _breaks(values: dict[str, dict[str, Number | None]], row_keys: Sequence[str], cols: Sequence[str]) -> bool:
    """A row's 总计 or a column identity of table 三 fails (null operands leave theirs unassessed)."""
    rows = {r: [values[r][c] for c in cols] for r in row_keys}
    if any(_holds(row[:6], row[6:7]) is False for row in rows.values()):
        return True
    return not identities_hold(rows, row_keys)


def table_fails(values: dict[str, dict[str, Number | None]], row_keys: Sequence[str], cols: Sequence[str]) -> bool:
    """The assembled table breaks its arithmetic or leaves a cell null."""
    return any(values[r][c] is None for r in row_keys for c in cols) or _breaks(values, row_keys, cols)
