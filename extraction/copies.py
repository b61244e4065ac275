"""A statistics table printed more than once in one report: where each copy is, and which one is read.

A report may print a table twice: the previous year's table 三 beside this year's for comparison,
an attachment repeating a table, or one table pasted twice. The assembly reads the lines under the
table's section heading; without this module a second copy there was read into the same cells
(or silently ignored), and one elsewhere went unmentioned. ``find_copies`` finds each copy by the
table's own first and last row wordings (whitespace removed, so a label a reading cuts over lines
still counts: raw ``pdftotext``, ``-layout``, tab copies and crawler text alike); ``plan_copies``
decides which copy is the report year's: a copy whose caption (the short line right before it)
names only another year is not; of those left, the ones under the section heading are read, each
alone (the others blanked out, offsets kept), and where they give a cell different values it is
null with a warning — never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import Line
from .normalize import normalize

# per table: the wordings that open a copy (its header, else its first row), the first row's
# wording (one per copy), and the last row's (closing it; any of them: the formats' last rows differ)
COPY_ANCHORS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "active_disclosure": (("第二十条第(一)项",), "第二十条第(一)项", ("行政事业性收费", "政府集中采购")),
    "applications": (("本列数据的勾稽关系", "申请人情况"), "本年新收政府信息公开申请数量", ("结转下年度继续办理",)),
    "review_litigation": (("行政复议",), "未经复议直接起诉", ("复议后起诉",)),
}
# a caption is a short line of its own right before a copy (a prose line is longer)
CAPTION_CHARS = 40
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Copy:
    """One printed copy of a table: character offsets [start, end) into the original text (from
    its header or first row to the line holding its last row's wording), and the years its
    caption names (empty: no caption or no year)."""

    start: int
    end: int
    years: frozenset[int] = frozenset()


@dataclass
class CopyPlan:
    """What to do with a table printed more than once: the copies; ``read``, the copies under the
    section heading whose values are read (each alone, the others' text blanked); ``blank``, the
    character ranges blanked when reading the first of ``read``; ``warnings`` to report."""

    copies: list[Copy]
    read: list[Copy] = field(default_factory=list)
    unread_all: bool = False  # the report year's copy is not under the section heading: every cell null
    warnings: list[str] = field(default_factory=list)


def _squashed(text: str) -> tuple[str, list[int]]:
    """The normalised text without whitespace, and per kept character its offset in ``text``."""
    norm = normalize(text)
    keep = [i for i, ch in enumerate(norm) if not ch.isspace()]
    return "".join(norm[i] for i in keep), keep


def _all(hay: str, word: str) -> list[int]:
    out, i = [], hay.find(word)
    while i >= 0:
        out.append(i)
        i = hay.find(word, i + 1)
    return out


def find_copies(text: str, table: str) -> list[Copy]:
    """The copies of ``table`` printed in ``text``, in text order: an occurrence of its first row's
    wording with its last row's wording after it and before the next copy's first row (prose that
    names a row's wording alone is no copy). Each starts at the header wording nearest before its
    first row (after the previous copy), else at the first row; it ends with the line of its last
    row's wording. Fewer than two: nothing to decide (``[]`` or the one copy)."""
    heads, first, lasts = COPY_ANCHORS[table]
    flat, at = _squashed(text)
    firsts = _all(flat, normalize(first))
    if len(firsts) < 2:
        return []
    ends = sorted(i for w in lasts for i in _all(flat, normalize(w)))
    head_at = sorted(i for w in heads for i in _all(flat, normalize(w)))
    copies: list[Copy] = []
    prev_end = -1
    for k, f in enumerate(firsts):
        nxt = firsts[k + 1] if k + 1 < len(firsts) else len(flat)
        end = next((e for e in ends if f < e < nxt), None)
        if end is None:
            continue
        start = next((h for h in reversed(head_at) if prev_end < h <= f and f - h < 400), f)
        a = text.rfind("\n", 0, at[start]) + 1
        b = text.find("\n", at[end])
        b = len(text) if b < 0 else b
        before = text[:a].rstrip()
        caption = before[before.rfind("\n") + 1 :].strip()
        years = frozenset(int(y) for y in _YEAR.findall(normalize(caption))) if len(caption) <= CAPTION_CHARS else frozenset()
        copies.append(Copy(a, b, years))
        prev_end = end
    return copies if len(copies) >= 2 else []


def plan_copies(text: str, lines: tuple[Line, ...], regions: dict[str, tuple[int, int]],
                year: int | None) -> dict[str, CopyPlan]:  # fmt: skip
    """Per table printed more than once (``find_copies``), what to read: a copy whose caption
    names only years other than the report's ``year`` is not the report year's; of the others the
    ones inside the table's region (``regions``: line ranges under its section heading) are read;
    where none of the report year's copies lies there, every cell is null. Each plan carries the
    warning naming every copy's character offsets and which were read."""
    plans: dict[str, CopyPlan] = {}
    for table in COPY_ANCHORS:
        copies = find_copies(text, table)
        if not copies:
            continue
        others = [c for c in copies if year is not None and c.years and year not in c.years]
        mine = [c for c in copies if c not in others] or copies
        lo, hi = regions.get(table, (0, 0))
        a = lines[lo].start if lo < len(lines) else len(text)
        b = lines[min(hi, len(lines)) - 1].end if hi > lo else a
        inside = [c for c in mine if a <= c.start < b]
        where = ", ".join(f"{c.start}-{c.end}" for c in copies)
        plan = CopyPlan(copies, inside, unread_all=not inside)
        msg = f"{table}: the table is printed {len(copies)} times (characters {where})"
        if others:
            msg += "; " + ", ".join(f"the copy at {c.start}-{c.end} is captioned {'/'.join(map(str, sorted(c.years)))}, "
                                    f"not the report's year {year}" for c in others)  # fmt: skip
        if not inside:
            msg += "; the report year's copy is not under the table's section heading: not read, every cell null"
        elif len(inside) == 1:
            msg += f"; read: the copy at {inside[0].start}-{inside[0].end}"
            rest = [c for c in mine if c is not inside[0]]
            if rest:
                msg += (f" (under the section heading; {', '.join(f'{c.start}-{c.end}' for c in rest)} elsewhere, "
                        "not read)")  # fmt: skip
        else:
            msg += (f"; which is the report year's cannot be told: each of {', '.join(f'{c.start}-{c.end}' for c in inside)} "
                    "read, cells they give different values null")  # fmt: skip
        plan.warnings.append(msg)
        plans[table] = plan
    return plans


def blank_out(text: str, ranges: list[tuple[int, int]], keep: list[tuple[int, int]] = ()) -> str:
    """``text`` with each [start, end) range's characters replaced by spaces, line breaks and the
    ``keep`` ranges (section headings) kept: every offset stays that of the original text."""
    chars = list(text)
    for a, b in ranges:
        for i in range(a, b):
            if chars[i] != "\n" and not any(x <= i < y for x, y in keep):
                chars[i] = " "
    return "".join(chars)
