"""Digit runs: cells printed without separators (``713000074`` for the seven cells of a row).

A run is split into numbers by the only grammar a printed cell has (``0`` or a number without a
leading zero, an optional decimal part, a sign only in front); every split into the row's number
of cells is a candidate. Which candidate is right is for the report's arithmetic to say
(``choose``); where several fit it equally, the cells they disagree on are unknown (``None``),
never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from typing import Callable, Iterator, Sequence

from ..normalize import normalize

_BLANK = re.compile(r"^(?:[-—－–─]+|无|/|／)$")
_DASHES = re.compile(r"^[—－–─]+$")
_INT = re.compile(r"0|[1-9]\d*")
_COMMA_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$")
DEFAULT_LIMIT = 50_000


@dataclass(frozen=True)
class Part:
    """One cell's number inside a token: ``token`` index, [start, end) within the token's text."""

    token: int
    start: int
    end: int
    value: int | float | None


Split = tuple[Part, ...]


class TooManySplits(Exception):
    """More candidate splits than the limit: the run is too long to decide by enumeration."""


def _number(s: str) -> int | float | None:
    s = s.replace("−", "-").replace(",", "").replace("，", "")
    return float(s) if "." in s else int(s)


def _parts_at(tok: str, i: int) -> Iterator[int]:
    """Ends of every number that can start at ``tok[i]``."""
    j = i
    if j < len(tok) and tok[j] in "+-−" and i == 0:
        j += 1
    m = _INT.match(tok, j)
    if not m:
        return
    ends = [j + 1] if tok[j] == "0" else list(range(j + 1, len(tok) + 1))
    for e in ends:
        if e < len(tok) and not tok[e].isdigit() and tok[e] != ".":
            continue
        if not tok[j:e].isdigit():
            break
        if e < len(tok) and tok[e] == ".":
            # the decimal part belongs to this number, any length of it
            for f in range(e + 2, len(tok) + 1):
                if tok[e + 1 : f].isdigit():
                    yield f
            continue
        yield e


def enumerate_splits(
    tokens: Sequence[str],
    k: int,
    limit: int = DEFAULT_LIMIT,
    prune: Callable[[list[Part]], bool] | None = None,
) -> list[Split]:
    """Every way to cut the tokens (each whole: a space between tokens is a cell boundary) into
    exactly ``k`` numbers. ``prune(parts)`` may reject a prefix early. Raises TooManySplits past
    ``limit`` candidates."""
    toks = [normalize(t).strip() for t in tokens]
    # remaining minimum/maximum parts from token i on, to cut dead branches
    max_parts = [0] * (len(toks) + 1)
    for i in range(len(toks) - 1, -1, -1):
        max_parts[i] = max_parts[i + 1] + max(1, len(toks[i]))
    out: list[Split] = []
    parts: list[Part] = []

    def rec(ti: int, pos: int) -> None:
        if len(out) > limit:
            raise TooManySplits(f"more than {limit} splits")
        if ti == len(toks):
            if len(parts) == k:
                out.append(tuple(parts))
            return
        tok = toks[ti]
        left = k - len(parts)
        if left <= 0 or left > max_parts[ti + 1] + (len(tok) - pos) + 1:
            return
        if _DASHES.match(tok):
            # blank marks run together: ``————`` is four blanks of ``—`` or two of ``——`` (one
            # mark length per run)
            for size in (1, 2):
                if len(tok) % size or (size == 2 and len(tok) < 2):
                    continue
                blanks = [Part(ti, i, i + size, None) for i in range(0, len(tok), size)]
                parts.extend(blanks)
                if prune is None or prune(parts):
                    rec(ti + 1, 0)
                del parts[len(parts) - len(blanks) :]
            return
        if pos == 0 and (_BLANK.match(tok) or _COMMA_NUMBER.match(tok)):
            parts.append(Part(ti, 0, len(tok), None if _BLANK.match(tok) else _number(tok)))
            if prune is None or prune(parts):
                rec(ti + 1, 0)
            parts.pop()
            return
        for e in _parts_at(tok, pos):
            parts.append(Part(ti, pos, e, _number(tok[pos:e])))
            if prune is None or prune(parts):
                if e == len(tok):
                    rec(ti + 1, 0)
                else:
                    rec(ti, e)
            parts.pop()

    if toks:
        rec(0, 0)
    return out


def agreement(cands: Sequence[Split], k: int) -> list[Part | None]:
    """Per cell: the part every candidate agrees on (same place, same value), else None."""
    if not cands:
        return [None] * k
    first = cands[0]
    out: list[Part | None] = []
    for c in range(k):
        p = first[c]
        if all(s[c] == p for s in cands[1:]):
            out.append(p)
        else:
            out.append(None)
    return out


def digits_text(tokens: Sequence[str]) -> str:
    return " ".join(normalize(t).strip() for t in tokens)


# --- choosing by the report's identities -------------------------------------------------------------------
TOL = 1e-6
APP_COLS = 7
COMBO_LIMIT = 200_000


def values(s: Split) -> list[int | float | None]:
    return [p.value for p in s]


def _holds(left: Sequence[int | float | None], right: Sequence[int | float | None]) -> bool | None:
    """sum(left) = sum(right)? None when a blank is among them: a blank may hide a number (a
    report that prints only 总计), so the identity cannot be assessed and decides nothing."""
    if any(x is None for x in left) or any(x is None for x in right):
        return None
    return abs(sum(left) - sum(right)) < TOL  # type: ignore[arg-type]


def row_total_ok(v: Sequence[int | float | None]) -> bool:
    """Table 三 per row: 总计 (the 7th cell) = the six applicant columns, or not assessable."""
    return _holds(v[:6], v[6:7]) is not False


def application_identities(row_keys: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """Table 三 per column: 一+二 = (七)总计+四, and (七)总计 = the sum of the rows of 三(一)…(六)."""
    keys = list(row_keys)
    results = keys[keys.index("granted") : keys.index("total_handled")]
    return [(["new_received", "carried_over"], ["total_handled", "carried_forward"]), (results, ["total_handled"])]


def _identities_met(chosen: dict[str, list], idents: list[tuple[list[str], list[str]]]) -> tuple[int, int]:
    """(identities met, identities that can be assessed and fail)."""
    met = failed = 0
    for left, right in idents:
        if not all(r in chosen for r in left + right):
            continue
        for c in range(APP_COLS):
            held = _holds([chosen[r][c] for r in left], [chosen[r][c] for r in right])
            if held is True:
                met += 1
            elif held is False:
                failed += 1
    return met, failed


@dataclass
class RowChoice:
    """What table 三's arithmetic leaves of one row: the fitting splits (one: decided), how many
    splits the digits allow (None: too many to enumerate), whether any met the row's 总计."""

    splits: list[Split]
    possible: int | None
    row_fits: bool


def solve_applications(row_splits: dict[str, list[Split] | None], row_keys: Sequence[str]) -> dict[str, RowChoice]:
    """Choose each row's split of table 三: first by the row's 总计, then, among the rows still
    open, the combinations meeting the most column identities. Every split of a row that is part
    of such a best combination stays (the caller nulls the cells they disagree on)."""
    out: dict[str, RowChoice] = {}
    for r, splits in row_splits.items():
        fitting = [s for s in splits or [] if row_total_ok(values(s))]
        out[r] = RowChoice(fitting or list(splits or []), None if splits is None else len(splits), bool(fitting))
    open_rows = [r for r, ch in out.items() if len(ch.splits) > 1]
    size = 1
    for r in open_rows:
        size *= len(out[r].splits)
    if not open_rows or size > COMBO_LIMIT:
        return out
    idents = application_identities(row_keys)
    fixed = {r: values(ch.splits[0]) for r, ch in out.items() if len(ch.splits) == 1}
    # the combinations under which no identity fails stay (one that leaves an identity unassessed,
    # a blank among its numbers, is not ruled out: the blank may hide the number that makes it
    # hold); where every combination breaks one (the report's own arithmetic is wrong) the
    # identities cannot choose and every split stays
    keep = []
    for combo in product(*(out[r].splits for r in open_rows)):
        chosen = dict(fixed)
        chosen.update({r: values(s) for r, s in zip(open_rows, combo)})
        _met, failed = _identities_met(chosen, idents)
        if not failed:
            keep.append(combo)
    if not keep:
        return out
    for k, r in enumerate(open_rows):
        uniq: list[Split] = []
        for combo in keep:
            if combo[k] not in uniq:
                uniq.append(combo[k])
        out[r].splits = uniq
    return out


def _group_ok(parts: list[Part]) -> bool:
    """Prune: every complete group of five meets 总计 = the four results (table 四)."""
    n = len(parts)
    if n % 5 or n == 0:
        return True
    v = [p.value for p in parts[n - 5 : n]]
    return _holds(v[:4], v[4:]) is not False


def solve_review(tokens: Sequence[str], ncells: int = 15) -> tuple[list[Split] | None, bool]:
    """Table 四's splits into ``ncells`` cells: those where every group's 总计 is the sum of its four
    results, else (the report's arithmetic is wrong) every split. Returns (splits or None when too
    many, whether the identities held)."""
    try:
        cands = enumerate_splits(tokens, ncells, prune=_group_ok)
        if cands:
            return cands, True
        return enumerate_splits(tokens, ncells), False
    except TooManySplits:
        return None, False


def solve_row(tokens: Sequence[str], k: int) -> list[Split] | None:
    """A row with no identities (table 二): every split (None when too many)."""
    try:
        return enumerate_splits(tokens, k)
    except TooManySplits:
        return None
