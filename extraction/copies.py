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
from typing import Sequence

from .layout import Line
from .normalize import normalize

# per table: the wordings that open a copy (its header, else its first row), the first row's
# wording (one per copy), and the last row's (closing it; any of them: the formats' last rows differ)
COPY_ANCHORS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "active_disclosure": (("第二十条第(一)项",), "第二十条第(一)项", ("行政事业性收费", "政府集中采购")),
    "applications": (("本列数据的勾稽关系", "申请人情况"), "本年新收政府信息公开申请", ("结转下年度继续办理",)),
    "review_litigation": (("行政复议",), "未经复议直接起诉", ("复议后起诉",)),
}
# the fewest figures a copy prints (fewer: a header repeated at a page's top, not a table); below
# a third of the table's cells, as blank cells may print nothing
MIN_VALUES = {"active_disclosure": 5, "applications": 30, "review_litigation": 8}
_VALUE = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")
# the most copies read one by one (each a whole reading of the report), checked before any is read;
# more: every cell of the table null, said in the warning
MAX_COPIES_READ = 4
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


# between two characters of a wording a reading may put anything but Chinese: line breaks, page
# breaks, a ``-layout`` row's values where the label wraps into the next line
_GAP = "[^\u3400-\u9fff]{0,240}?"


def _all(norm: str, word: str) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of ``word`` in the normalised text, characters apart allowed."""
    pat = re.compile(_GAP.join(re.escape(ch) for ch in normalize(word) if not ch.isspace()))
    return [(m.start(), m.end()) for m in pat.finditer(norm)]


def _caption_years(text: str, at: int) -> frozenset[int]:
    """The years named by the short lines (``CAPTION_CHARS``) among the three non-empty lines before
    ``at`` (a caption, perhaps with a unit line such as 单位：件 between it and the table)."""
    before = [ln.strip() for ln in text[:at].split("\n")[-6:]]
    short = [ln for ln in [ln for ln in before if ln][-3:] if len(ln) <= CAPTION_CHARS]
    return frozenset(int(y) for ln in short for y in _YEAR.findall(normalize(ln)))


def find_copies(text: str, table: str, headings: Sequence[int] = ()) -> list[Copy]:
    """The copies of ``table`` printed in ``text``, in text order: an occurrence of its first row's
    wording with its last row's wording after it and before the next copy's first row (prose that
    names a row's wording alone is no copy). Each starts at the line of the header wording nearest
    before its first row (after the previous copy's first row), else of the first row; it runs to
    the next copy's start or to the next section heading (``headings``: their offsets) after its
    last row's wording, whichever comes first (a reading may put a table's values after its
    labels). Fewer than two: ``[]``."""
    heads, first, lasts = COPY_ANCHORS[table]
    norm = normalize(text)
    firsts = [a for a, _ in _all(norm, first)]
    if len(firsts) < 2:
        return []
    ends = sorted(b for w in lasts for _, b in _all(norm, w))
    head_at = sorted(a for w in heads for a, _ in _all(norm, w))
    found: list[tuple[int, int]] = []  # (start, end of the last row's wording)
    for k, f in enumerate(firsts):
        nxt = firsts[k + 1] if k + 1 < len(firsts) else len(norm)
        end = next((e for e in ends if f < e <= nxt), None)
        if end is None:
            continue
        prev = found[-1][0] if found else -1
        start = next((h for h in reversed(head_at) if prev < h <= f and f - h < 600), f)
        found.append((text.rfind("\n", 0, start) + 1, end))
    def bounded(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        # each to the next one's start, never past the next section heading after its last row
        return [(a, min([found[k + 1][0] if k + 1 < len(found) else len(text), *(h for h in headings if h > end)]))
                for k, (a, end) in enumerate(found)]  # fmt: skip

    # a copy holds values: a header printed again at a page's top (its wordings, no values) is none
    kept = [f for f, (a, b) in zip(found, bounded(found)) if len(_VALUE.findall(text, a, b)) >= MIN_VALUES[table]]
    if len(kept) < 2:
        return []
    return [Copy(a, b, _caption_years(text, a)) for a, b in bounded(kept)]


def plan_copies(text: str, lines: tuple[Line, ...], regions: dict[str, tuple[int, int]],
                year: int | None, headings: Sequence[int] = ()) -> dict[str, CopyPlan]:  # fmt: skip
    """Per table printed more than once (``find_copies``), what to read: a copy whose caption
    names only years other than the report's ``year`` is not the report year's; of the others the
    ones inside the table's region (``regions``: line ranges under its section heading) are read;
    where none of the report year's copies lies there, every cell is null. Each plan carries the
    warning naming every copy's character offsets and which were read."""
    plans: dict[str, CopyPlan] = {}
    for table in COPY_ANCHORS:
        copies = find_copies(text, table, headings)
        if not copies:
            continue
        lo, hi = regions.get(table, (0, 0))
        a = lines[lo].start if lo < len(lines) else len(text)
        b = lines[min(hi, len(lines)) - 1].end if hi > lo else a
        others = [c for c in copies if year is not None and c.years and year not in c.years]
        mine = [c for c in copies if c not in others] or copies
        inside = [c for c in mine if a <= c.start < b]
        where = ", ".join(f"{c.start}-{c.end}" for c in copies)
        plan = CopyPlan(copies, inside if len(inside) <= MAX_COPIES_READ else [], unread_all=not inside)
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
        elif len(inside) > MAX_COPIES_READ:
            plan.unread_all = True
            msg += (f"; more than {MAX_COPIES_READ} copies under the section heading could be the report year's: "
                    "none read, every cell null")  # fmt: skip
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
