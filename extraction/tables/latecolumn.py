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

The general form: the gap cuts the group *and the row before it* at a column boundary. The
cells right of the cut are drawn first (the previous row's, then the group's right column blocks
and its 总计 block), then the cells left of it (the previous row's left cells, then the group's
left column blocks): ``… 0 / 0 / 0 / 0 / 0 / 0 0 0 / － 0 0 / 0 1 0 / 0 0 0 / 1 9 1 / － / 1 6 1
/ 0 2 0`` (cut after 商业企业). ``cut_groups`` finds it by the sums (the 总计 block is the row totals
of the six column blocks around it, row by row) and by the left columns closing the page's values
(the gap put them last; a column drawn after 总计 alone is found only so too); ``cut_group_spans``
writes the cells back in the model's order, one rewrite per place (the left columns' place is
printed: they come after 总计 in column order), divided like the late columns' rewrites.
"""
from __future__ import annotations

import copy
from itertools import product
from typing import Callable, Sequence

from ..document import Document
from ..layout import Line
from .onereading import agreed_reading
from .result import TableResult
from .streamblocks import APP_COLS, MAX_GROUP
from .streamorder import _BLANK_MARK, lone_numbers

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


def _closes_page(doc: Document, span: Sequence[Line], last: int) -> bool:
    """True where nothing but text follows position ``last`` of ``span`` on its page: the next line
    with content is no value, stands past a page break, or there is none. Columns a blank's gap
    moves after a group's 总计 are drawn last on the page, after every other cell of it."""
    text = doc.text
    sums = _sums(doc, span)
    nxt = next((k for k in range(last + 1, len(span)) if text[span[k].start : span[k].end].strip()), None)
    return nxt is None or nxt not in sums or "\f" in text[span[last].end : span[nxt].start]


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
        if abs(add[-2] - rest - add[-1]) < 1e-6 and rest > 1e-6 and _closes_page(doc, span, late[-1]):
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



def _values(doc: Document, span: Sequence[Line], block: Sequence[int]) -> list[float]:
    """A block's values in line order (a blank mark counts 0)."""
    cells, _ = lone_numbers(doc, [span[k] for k in block])
    return [c.value if isinstance(c.value, (int, float)) else 0 for c in cells]


def _adds_up(doc: Document, span: Sequence[Line], total: Sequence[int], cols: Sequence[Sequence[int]]) -> bool:
    """True where the 总计 block ``total`` is its group's row totals over the column blocks
    ``cols``: row by row over the columns that hold a value for each row, and the columns short of
    a row (a blank cell left no line) adding up to what is left, none of it negative; and the
    totals not all 0."""
    want = _values(doc, span, total)
    if len(want) != len(total) or sum(want) < 1e-6:
        return False
    left = list(want)
    short = 0.0
    for b in cols:
        vals = _values(doc, span, b)
        if len(vals) == len(want):
            left = [x - y for x, y in zip(left, vals)]
        else:
            short += sum(vals)
    return all(x > -1e-6 for x in left) and abs(sum(left) - short) < 1e-6 and (short > 0 or all(abs(x) < 1e-6 for x in left))


def cut_groups(doc: Document, span: Sequence[Line]) -> list[tuple[int, list[list[int]], list[list[int]], list[list[int]]]]:
    """The places where a blank's gap cuts a row group and the row before it at a column boundary
    (module docstring, second part): per place (the position in ``span`` the previous row's right
    cells start at, the blocks printed first — the group's right columns, its 总计 last —, the
    previous row's left cells, one block each, and the group's left column blocks), as positions in
    ``span``. Found by the sums: the 总计 block adds up to the six column blocks around it, the
    right ones before it and the left ones after it (the previous row's cells between them)."""
    text = doc.text
    blocks = _blocks(doc, span)
    sums = _sums(doc, span)
    add = [sum(sums.get(k, 0) for k in b) for b in blocks]
    found: list[tuple[int, list[list[int]], list[list[int]], list[list[int]]]] = []
    for t, total in enumerate(blocks):
        if not 2 <= len(total) <= MAX_GROUP or add[t] < 1e-6:
            continue
        for left in range(1, APP_COLS - 1):
            right = APP_COLS - 1 - left
            for lone in range(left + 1):
                a, z = t - right, t + lone + left
                if a < 0 or z >= len(blocks):
                    continue
                before, cut, after = blocks[a:t], blocks[t + 1 : t + 1 + lone], blocks[t + 1 + lone : z + 1]
                if left == 1 and not lone:
                    continue  # one column after 总计 and nothing between: ``late_groups``' rewrites
                group = [*before, total, *after]
                # a column holds a value for each of the group's rows but one at most (a blank
                # cell may leave no line)
                if any(len(b) != 1 for b in cut) or any(not len(total) - 1 <= len(b) <= len(total) for b in group):
                    continue
                # a group's columns: most hold a value for each of its rows (a block of one value
                # between 总计 and the left columns is the previous row's cell)
                if sum(len(b) == len(total) for b in group) < MIN_FULL_COLUMNS + 1:
                    continue
                between = [k for x, y in zip(blocks[a:z], blocks[a + 1 : z + 1]) for k in range(x[-1] + 1, y[0])]
                if any(text[span[k].start : span[k].end].strip() for k in between):
                    continue
                if "\f" in text[span[blocks[a][0]].start : span[blocks[z][-1]].end]:
                    continue
                if not _adds_up(doc, span, total, [*before, *after]):
                    continue
                if not _closes_page(doc, span, blocks[z][-1]):
                    continue
                # read as printed, the last block would be a 总计 adding up to the six before it
                if z >= APP_COLS - 1 and abs(add[z] - sum(add[z - APP_COLS + 1 : z])) < 1e-6:
                    continue
                # the previous row's right cells (its columns from the cut on, 总计 among them): the
                # single values right before the group on the same page; needed only where its left
                # cells stand between
                start = blocks[a][0]
                if lone:
                    prev = blocks[max(0, a - (right + 1)) : a]
                    if len(prev) < right + 1 or any(len(b) != 1 for b in prev):
                        continue
                    gaps = [k for x, y in zip(prev, [*prev[1:], blocks[a]]) for k in range(x[-1] + 1, y[0])]
                    if any(text[span[k].start : span[k].end].strip() for k in gaps):
                        continue
                    if "\f" in text[span[prev[0][0]].start : span[blocks[a][0]].end]:
                        continue
                    start = prev[0][0]
                found.append((start, [*before, total], cut, after))
    return found


class Rewrite(list):
    """A rewritten span (a list of lines) with the text offsets of the values whose row it
    assumes (``doubtful``): a reader places them, but the rows holding them are not determined."""

    doubtful: frozenset[int] = frozenset()


def cut_group_spans(doc: Document, span: Sequence[Line]) -> list[Rewrite]:
    """``span`` rewritten with each cut group (``cut_groups``) put back in the model's order: the
    previous row's left cells before its right cells, the group's left column blocks before its
    right ones and 总计. One rewrite per place found (places that overlap are read one at a time);
    the lines outside stay where they are, an empty line between the blocks moved. Where the
    previous row's left cells are all blank marks, fewer than its left columns (a blank cell
    may leave no line), the mark is read once per left column (every left cell of that row is blank
    whichever left no line); that row's values are then ``doubtful`` (its right cells are taken to be
    the values right before the group, which a blank among them leaving no line would change)."""
    text = doc.text
    out: list[Rewrite] = []
    for start, first, cut, after in cut_groups(doc, span):
        gap = next(k for k in range(first[-1][-1] + 1, len(span)) if not text[span[k].start : span[k].end].strip())
        end = after[-1][-1] + 1
        lines = Rewrite(span[:start])
        marks = [span[b[0]] for b in cut if _BLANK_MARK.fullmatch(text[span[b[0]].start : span[b[0]].end].strip())]
        extra = [marks[-1]] * (len(after) - len(cut)) if cut and len(marks) == len(cut) else []
        for ln in [*(span[b[0]] for b in cut), *extra]:
            lines += [ln, span[gap]]
        lines += span[start : first[0][0]]
        for b in [*after, *first]:
            lines += [span[k] for k in range(b[0], b[-1] + 1)] + [span[gap]]
        lines += span[end:]
        if extra:
            row = [span[b[0]] for b in cut] + list(span[start : first[0][0]])
            lines.doubtful = frozenset(c.start for c in lone_numbers(doc, row)[0])
        out.append(lines)
    return out


def column_readings(doc: Document, span: Sequence[Line]) -> list[list[Line]]:
    """Every rewrite of ``span`` with a group's columns drawn after its 总计 put back: one late
    column in each of its places (``late_column_spans``) and each cut group (``cut_group_spans``)."""
    return late_column_spans(doc, span) + cut_group_spans(doc, span)


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
    tries = [(ls2, past) for ls, past in spans for ls2 in column_readings(doc, ls)]
    if not tries or len(tries) > MAX_LATE_REWRITES:
        return None
    # a build that fails may still rule guesses out on ``res`` (``blankdivision``): a rewrite is one
    # reading among several, so what it rules out does not hold for the table; ``res`` is put back
    kept = copy.deepcopy(vars(res))
    found = [(ls, r) for ls, past in tries if (r := next((x for b in builds if (x := b(ls, past)) is not None), None))]
    fits = [r for _, r in found]
    vars(res).update(kept)
    out = agreed_reading(res, fits, "a row group's column drawn after its 总计 column: put back in more than one "
                                    "place, the arithmetic fits more than one reading; not used")
    if out is None:
        return None
    doubtful = set().union(*(getattr(ls, "doubtful", ()) for ls, _ in found))
    rows = [k for k in out.spec.row_keys if any(p.get("start") in doubtful for p in out.provenance.get(k, {}).values())]
    for k in rows:
        for col in out.spec.rows[0].cols:
            out.null(k, col)
    if rows:
        out.warn("a row cut at a blank's gap (its left cells printed after the next rows' 总计 column, fewer than "
                 f"its columns): which values before them are its own is not printed; null: {', '.join(rows)}")
    out.warn("a row group's applicant column drawn after its 总计 column (the blocks' sums say so): put back "
             "before 总计 where the arithmetic places it")
    return out
