"""Table 三 rows short of values where the reading keeps no column positions.

A printed cell left empty leaves no token, so a row of six values under seven columns does not say
which column is blank. Where the reading keeps positions (tabs, ``pdftotext -layout``) the layout
places them; a reading that puts one space between words (pdfplumber's ``extract_text()``) keeps
none. Then the report's arithmetic decides: each order-preserving placement of a short row is a
candidate, kept only if the row meets 总计 = the six applicant columns and the table its column
identities (一+二 = (七)总计+四, (七)总计 = 三(一)…(六)), an empty cell counting as 0 (an empty cell
is a zero left unprinted; a row that no placement fits — one that prints only 总计, say — keeps
every placement, so that only the column identities can place it). A cell on which the kept placements disagree is ``None``: the caller reports it
unreadable with a warning, never a guess.

A table that prints an extra 法人或其他组织 小计 column (8 columns, the subtotal at printed slot
``sub``) is placed the same way under its eight columns, a placement also meeting 小计 = the five
organisation columns; values and unknown columns are then given in the seven contract columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Protocol, Sequence

TOL = 1e-6
APP_COLS = 7
# distinct running differences of the identities followed; beyond it each row is decided alone
STATE_LIMIT = 200_000
# placements tried over all rows (states times a row's candidates, summed), checked before each row's
# pass: a handful of rows with many placements each reach it long before STATE_LIMIT (one such
# reading took 10 s); beyond it each row is decided alone, as past STATE_LIMIT
WORK_LIMIT = 250_000

Number = int | float
Slots = tuple[int, ...]


class Valued(Protocol):
    """A printed token as the placement sees it: its number (``None``: a blank mark or not a
    number). ``base.Cell`` is one; ``ordercells.Token`` is a value alone."""

    @property
    def value(self) -> Number | None: ...


@dataclass
class Placement:
    """What the arithmetic leaves of one short row: ``slots`` (one per cell) where every kept
    placement agrees on every column, else ``None``; ``values`` per column (``None``: blank) with
    ``unknown`` the columns the kept placements disagree on."""

    slots: Slots | None
    values: list[Number | None]
    unknown: list[int]
    candidates: list[Slots]


def _as_zero(v: Number | None) -> Number:
    return 0 if v is None else v


def _printed_values(cells: Sequence[Valued], slots: Slots, sub: int | None = None) -> list[Number | None]:
    out: list[Number | None] = [None] * (APP_COLS + (sub is not None))
    for c, s in zip(cells, slots):
        out[s] = c.value
    return out


def _row_values(cells: Sequence[Valued], slots: Slots, sub: int | None = None) -> list[Number | None]:
    """The seven contract columns of a placement (the 小计 slot left out)."""
    v = _printed_values(cells, slots, sub)
    return v if sub is None else v[:sub] + v[sub + 1 :]


def meets_total(v: Sequence[Number | None]) -> bool:
    """Does a row of seven contract columns meet 总计 = the six applicant columns (empty cells 0)?"""
    return abs(sum(_as_zero(x) for x in v[:6]) - _as_zero(v[6])) < TOL


def _row_fits(v: Sequence[Number | None], subtotal: Number | None = None, printed_sub: bool = False) -> bool:
    if not meets_total(v):
        return False
    return not printed_sub or abs(sum(_as_zero(x) for x in v[1:6]) - _as_zero(subtotal)) < TOL


def row_values(cells: Sequence[Valued], slots: Slots) -> list[Number | None]:
    """The seven contract columns of a placement of a row under seven printed columns."""
    return _row_values(cells, slots)


def contract_slot(slot: int, sub: int | None) -> int | None:
    """The contract column (0-6) of printed slot ``slot``; None for the 小计 slot itself."""
    if sub is None or slot < sub:
        return slot
    return None if slot == sub else slot - 1


def candidates(cells: Sequence[Valued], sub: int | None = None, fit: bool = True) -> list[Slots]:
    """Order-preserving placements of a short row's cells under the seven columns (eight with a
    小计 at ``sub``) that meet the row's 总计 (and 小计; empty cells as 0), one per distinct row of
    printed values; ``fit=False``: every placement."""
    seen: set[tuple] = set()
    out: list[Slots] = []
    width = APP_COLS + (sub is not None)
    for slots in combinations(range(width), len(cells)):
        printed = _printed_values(cells, slots, sub)
        v = _row_values(cells, slots, sub)
        key = tuple(printed)
        if key in seen or fit and not _row_fits(v, printed[sub] if sub is not None else None, sub is not None):
            continue
        seen.add(key)
        out.append(slots)
    return out


def _subtotal_holds(cells: Sequence[Valued], slots: Slots, sub: int | None) -> bool:
    """Does a placement leave the 小计 slot (``sub``) empty or holding the five organisation
    columns' sum (empty cells 0)? Always with no 小计 column."""
    if sub is None:
        return True
    subtotal = _printed_values(cells, slots, sub)[sub]
    return subtotal is None or abs(sum(_as_zero(x) for x in _row_values(cells, slots, sub)[1:6]) - subtotal) < TOL


def _fitting(
    fixed: dict[str, list[Number | None]],
    short: Mapping[str, Sequence[Valued]],
    cands: dict[str, list[Slots]],
    idents: list[tuple[list[str], list[str]]],
    sub: int | None = None,
) -> dict[str, set[Slots]] | None:
    """The placements of each open row that are part of some joint choice meeting every column
    identity (empty cells as 0), by a pass over the rows that keeps the identities' running
    differences (so rows that do not touch an identity do not multiply the work); None when the
    differences take too many values to follow (``STATE_LIMIT``) or the pass would try too many
    placements (``WORK_LIMIT``, checked before each row's pass)."""
    rows = set(fixed) | set(short)
    live = [(left, right) for left, right in idents if all(r in rows for r in left + right)]
    if not live:
        return None
    coef = {r: tuple((r in left) - (r in right) for left, right in live) for r in rows}

    def add(state: tuple, r: str, v: Sequence[Number | None]) -> tuple:
        out = list(state)
        for i, k in enumerate(coef[r]):
            if k:
                for c in range(APP_COLS):
                    out[i * APP_COLS + c] = round(out[i * APP_COLS + c] + k * _as_zero(v[c]), 6)
        return tuple(out)

    start: tuple = (0.0,) * (len(live) * APP_COLS)
    for r, v in fixed.items():
        start = add(start, r, v)
    order = list(cands)
    # the least and most each difference can still change by over the rows after each one: a
    # state that the rest cannot bring back to zero leads nowhere and is not followed
    zero = (0.0,) * len(start)
    reach_lo, reach_hi = [list(zero)], [list(zero)]
    for r in reversed(order):
        moves = [add(zero, r, _row_values(short[r], slots, sub)) for slots in cands[r]]
        reach_lo.insert(0, [a + min(m[i] for m in moves) for i, a in enumerate(reach_lo[0])])
        reach_hi.insert(0, [a + max(m[i] for m in moves) for i, a in enumerate(reach_hi[0])])
    layers: list[dict[tuple, list[tuple[tuple, int]]]] = []
    states = {start}
    work = 0
    for depth, r in enumerate(order):
        work += len(states) * len(cands[r])
        if work > WORK_LIMIT:
            return None
        nxt: dict[tuple, list[tuple[tuple, int]]] = {}
        lo, hi = reach_lo[depth + 1], reach_hi[depth + 1]
        for st in states:
            for k, slots in enumerate(cands[r]):
                new = add(st, r, _row_values(short[r], slots, sub))
                if all(x + a <= TOL and x + b >= -TOL for x, a, b in zip(new, lo, hi)):
                    nxt.setdefault(new, []).append((st, k))
        if len(nxt) > STATE_LIMIT:
            return None
        layers.append(nxt)
        states = set(nxt)
    ok = {st for st in states if all(abs(x) < TOL for x in st)}
    if not ok:
        return {r: set() for r in order}
    used: dict[str, set[Slots]] = {r: set() for r in order}
    for depth in range(len(order) - 1, -1, -1):
        r = order[depth]
        prev = set()
        for st in ok:
            for p, k in layers[depth][st]:
                used[r].add(cands[r][k])
                prev.add(p)
        ok = prev
    return used


def place_short_rows(
    fixed: dict[str, list[Number | None]],
    short: Mapping[str, Sequence[Valued]],
    idents: list[tuple[list[str], list[str]]],
    sub: int | None = None,
    sub_known: bool = True,
) -> dict[str, Placement]:
    """Place every row of ``short`` (row key -> its cells in printed order, fewer than the printed
    columns) given the rows already placed (``fixed``: row key -> seven contract values, ``None``
    blank); ``sub``: the printed slot of a 小计 column (eight printed columns), else None. Slots
    in the result are printed slots; ``values`` and ``unknown`` are contract columns. A row with no
    placement that meets its 总计 (its arithmetic is broken, or it prints only 总计 with the
    applicant cells empty) keeps every placement: its own identity chooses nothing, the column
    identities still may; ``sub_known``: the 小计's place was read (its header, the arithmetic of a
    full row), not a default, so a placement can be told wrong by the 小计 it leaves."""
    cands = {r: candidates(cells, sub) or candidates(cells, sub, fit=False) for r, cells in short.items()}
    open_rows = list(cands)
    kept: dict[str, list[Slots]] = {r: list(cands[r]) for r in open_rows}
    fits = _fitting(fixed, short, {r: cands[r] for r in open_rows}, idents, sub) if open_rows else None
    if fits is not None and any(fits.values()):  # else the report's own arithmetic is broken: the rows decide alone
        kept = {r: [s for s in cands[r] if s in fits[r]] for r in open_rows}
    for r in open_rows:
        # a row none of whose placements meets its 总计 keeps those that put a value in the 小计 slot
        # that is not the five columns' sum, and the column identities of a report whose own sums
        # are wrong may choose just those (a lone ``1`` read as the 小计 of five empty cells: the row
        # all blank): no arithmetic of the row's own says so, so they are left out; where nothing is
        # left, every placement that keeps the 小计 stays (the identities choose nothing)
        sound = [s for s in kept[r] if not sub_known or _subtotal_holds(short[r], s, sub)]
        if len(sound) < len(kept[r]):
            kept[r] = sound or [s for s in cands[r] if _subtotal_holds(short[r], s, sub)] or cands[r]
    out: dict[str, Placement] = {}
    for r in open_rows:
        rows = [_row_values(short[r], s, sub) for s in kept[r]]
        values: list[Number | None] = []
        unknown: list[int] = []
        for c in range(APP_COLS):
            col = {rv[c] for rv in rows}
            if len(col) == 1:
                values.append(rows[0][c])
            else:
                values.append(None)
                unknown.append(c)
        out[r] = Placement(kept[r][0] if len(kept[r]) == 1 else None, values, unknown, kept[r])
    return out
