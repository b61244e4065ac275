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
from typing import Callable, Iterator, Sequence

from ..normalize import normalize

_BLANK = re.compile(r"^(?:[-—－–─]+|无|/|／)$")
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
