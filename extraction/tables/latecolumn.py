"""A row group's applicant column drawn after its 总计 column (raw ``pdftotext``).

Raw ``pdftotext`` writes a row group of table 三 (rows whose cells of one column it joins) a
block per column, left to right. Where a blank cell breaks poppler's table detection around a
group (LibreOffice's PDFs and WPS-style ones alike), one of the group's six applicant columns can
be drawn after the group's 总计 column (``… 2 30 0 / 0 1 0 / 0 0 － / 0 0 1 / 0 0 0 / 2 31 1 /
0 0 0``: the 其他 column after 总计; ``3 2 / 0 0 / 0 0 / 0 / 0 0 / 3 2 / 0 0``: 社会公益组织 after
总计). No division of the stream then fits, since the block read as 总计 is not the rows' totals.

The text marks it: seven blocks on one page, the next-to-last holding two values or more, where
the next-to-last block's values add up to the other six blocks' together (a group's 总计 column
sums its applicant columns) and the last block's do not. Which applicant column the last block is
the text does not say: ``late_column_spans`` writes the group back with the last block in each of
the six places before 总计, and the caller divides each rewrite as any other span, keeping a
reading only where every rewrite that divides gives the same values.
"""
from __future__ import annotations

import copy
from itertools import product
from typing import Callable, Sequence

from ..document import Document
from ..layout import Line
from .pagetop import warn_once
from .result import TableResult
from .streamblocks import APP_COLS, MAX_GROUP
from .streamorder import lone_numbers

# the most groups of one span rewritten together (each has ``APP_COLS - 1`` places for its late
# column: their product is the rewrites; ``APP_COLS`` counts 总计 too); a span with more such groups is not rewritten
MAX_LATE_GROUPS = 2
# the fewest of a group's six applicant columns that hold a value for each of its rows
MIN_FULL_COLUMNS = 4


def _blocks(doc: Document, span: Sequence[Line]) -> list[list[int]]:
    """The span's value blocks: runs of lone numbers (``lone_numbers``, blank marks among them) on
    consecutive lines, as positions in ``span``."""
    cells, _ = lone_numbers(doc, span)
    at = {ln.index: k for k, ln in enumerate(span)}
    out: list[list[int]] = []
    for c in cells:
        k = at.get(c.line)
        if k is None:
            continue
        if out and out[-1][-1] + 1 == k:
            out[-1].append(k)
        elif not out or out[-1][-1] != k:  # a line of several numbers is one position
            out.append([k])
    return out


def _sums(doc: Document, span: Sequence[Line]) -> dict[int, float]:
    """Per position in ``span``: the sum of the line's lone numbers (a blank mark counts 0)."""
    cells, _ = lone_numbers(doc, span)
    at = {ln.index: k for k, ln in enumerate(span)}
    out: dict[int, float] = {}
    for c in cells:
        if (k := at.get(c.line)) is not None:
            out[k] = out.get(k, 0) + (c.value if isinstance(c.value, (int, float)) else 0)
    return out


def late_groups(doc: Document, span: Sequence[Line]) -> list[tuple[list[list[int]], int]]:
    """The places where a group's applicant column stands after its 总计 (module docstring): per
    place the seven blocks (positions in ``span``; the sixth is 总计, the seventh the late column)
    and the position of an empty line between two of them (the separator the rewrite uses)."""
    text = doc.text
    blocks = _blocks(doc, span)
    sums = _sums(doc, span)
    found: list[tuple[list[list[int]], int]] = []
    for y in range(APP_COLS - 1, len(blocks)):
        seven = blocks[y - APP_COLS + 1 : y + 1]
        total, late = seven[-2], seven[-1]
        if not 2 <= len(total) <= MAX_GROUP or any(not 1 <= len(b) <= len(total) for b in seven):
            continue
        # a group's columns: most hold a value for each of its rows (fewer: blank cells); blocks of
        # one value are single rows' cells
        if sum(len(b) == len(total) for b in seven) < MIN_FULL_COLUMNS + 1:
            continue
        between = [k for a, b in zip(seven, seven[1:]) for k in range(a[-1] + 1, b[0])]
        # only empty lines between the blocks, all on one page: one group's columns
        if any(text[span[k].start : span[k].end].strip() for k in between):
            continue
        if "\f" in text[span[seven[0][0]].start : span[late[-1]].end]:
            continue
        add = [sum(sums.get(k, 0) for k in b) for b in seven]
        # 总计 adds up to the applicant columns with the late one among them; read as printed (the
        # last block as 总计) the sums would need the first five to add to 0
        rest = sum(add[: APP_COLS - 2])
        if abs(add[-2] - rest - add[-1]) < 1e-6 and rest > 1e-6:
            found.append((seven, between[0]))
    return found


def late_column_spans(doc: Document, span: Sequence[Line]) -> list[list[Line]]:
    """``span`` rewritten with each late column (``late_groups``) put back in each of the six places
    before its group's 总计 (every combination where two groups have one; none where more do or
    where no group has one). Blocks keep an empty line between them; the lines outside the groups
    stay where they are."""
    groups = late_groups(doc, span)
    if not groups or len(groups) > MAX_LATE_GROUPS:
        return []
    out: list[list[Line]] = []
    for places in product(range(APP_COLS - 1), repeat=len(groups)):
        lines: list[Line] = []
        at = 0
        for (seven, gap), j in zip(groups, places):
            first, last = seven[0][0], seven[-1][-1]
            if first < at:
                break  # two places overlap: not two groups
            lines += span[at:first]
            cols = [*seven[: APP_COLS - 2]]
            cols.insert(j, seven[-1])
            for n, b in enumerate([*cols, seven[-2]]):
                lines += ([span[gap]] if n else []) + [span[k] for k in range(b[0], b[-1] + 1)]
            at = last + 1
        else:
            out.append(lines + list(span[at:]))
    return out


# the most rewritten spans divided per table (counted before any is divided)
MAX_LATE_REWRITES = 2 * (APP_COLS - 1) ** MAX_LATE_GROUPS

Build = Callable[[Sequence[Line], "int | None"], "TableResult | None"]


def assemble_late_columns(res: TableResult, doc: Document, spans: Sequence[tuple[Sequence[Line], int | None]],
                          builds: Sequence[Build]) -> TableResult | None:  # fmt: skip
    """Table 三 from the region's spans (``(lines, past)`` as ``report`` passes them to ``builds``)
    with each late column put back (``late_column_spans``), each rewrite divided by the first of
    ``builds`` that fits it. A reading only where every rewrite that divides gives the same values
    (two with different values are a guess between them: none, with a warning on ``res``); None
    also where no span has a late column, none divides, or more than ``MAX_LATE_REWRITES`` would be
    tried. ``res`` itself is left as it was (but for that warning)."""
    tries = [(ls2, past) for ls, past in spans for ls2 in late_column_spans(doc, ls)]
    if not tries or len(tries) > MAX_LATE_REWRITES:
        return None
    # a build that fails may still rule guesses out on ``res`` (``blankdivision``): a rewrite is one
    # reading among several, so what it rules out does not hold for the table; ``res`` is put back
    kept = copy.deepcopy(vars(res))
    fits = [r for ls, past in tries if (r := next((x for b in builds if (x := b(ls, past)) is not None), None))]
    vars(res).update(kept)
    if not fits:
        return None
    if any(r.values != fits[0].values for r in fits[1:]):
        warn_once(res, "a row group's column drawn after its 总计 column: put back in more than one place, the "
                       "arithmetic fits more than one reading; not used")
        return None
    out = fits[0]
    out.warn("a row group's applicant column drawn after its 总计 column (the blocks' sums say so): put back "
             "before 总计 where the arithmetic places it")
    return out
