"""Table 三 (收到和处理政府信息公开申请情况): 23 or 25 rows × 7 applicant columns."""
from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

from ..labels import Label
from ..layout import column_width, is_char_grid
from ..lexicon import row_lexicon
from ..templates import application_row_numbers, table_spec
from ..checks import identity_check
from .base import Cell, Frag, Region, cell_status, is_blank_mark
from .blankcells import contract_slot, place_short_rows, row_values
from .digitruns import application_identities
from .headerchars import header_chars, side_by_side, subtotal_after_other, subtotal_column
from .joinedcells import agreed, joined_splits
from .result import INFERRED, READ, UNREADABLE, TableResult
from .columns import header_centers, slot_by_columns, word_centers
from .rows import (
    align_rows, unplaced, build_groups, calibrate_blocks, clearly_under, keeps_positions, placed_by_order, positional, short_tab_row, slot_by_label, slot_by_x, slot_right_aligned, spilled,
)

APPLICANT_COLS = 6  # the six applicant columns before 总计
# the leaf headers' texts run together (a reading may split, wrap or run them into one piece)
LEAF_TEXT = "自然人商业企业科研机构社会公益组织法律服务机构其他总计"
VALUE_COLS = frozenset({"natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                        "legal_service_org", "other_org", "total", "subtotal"})  # fmt: skip


# a row's printed numbering on its values' line, as fragment keys keep it: "（四）2.没有…" -> "四2没"
_NUMBERED_KEY = re.compile(r"^[一二三四]?([一二三四五六七])(\d{1,2})(?!\d)")


def numbering_names_other_row(row: str, cells: list[Cell], evidence: list[Frag]) -> str | None:
    """The row that the numbering printed on the values' own line names ("（四）2." -> 四/2), where it
    names one and it is not ``row``; else None. A label cut over many narrow lines can move a
    row's values under the row above while every label word still seems to fit."""
    lines = {c.line for c in cells}
    key = "".join(f.key for f in evidence if f.line in lines)
    m = _NUMBERED_KEY.match(key)
    if not m:
        return None
    named = application_row_numbers().get((m.group(1), int(m.group(2))))
    return named if named is not None and named != row else None


def _subtotal_after_other(region: Region) -> bool | None:
    """Does the 小计 header come after 其他 (rather than before 商业企业)? None if the headers don't say.

    Two header pieces on one line are in their printed order. On different lines (a header wrapped
    in its cell: ``法人或`` / ``其他组`` / ``织小计`` ends two lines below a one-line ``其他``) the
    lines' order says nothing where the header's cells stand side by side: a space-aligned reading
    compares their columns (x), a tabbed one their fields; only a reading of one header cell a line
    (nothing beside it) reads them in the printed order."""
    chars = header_chars(region)
    if chars and (by_x := subtotal_after_other(chars)) is not None:
        return by_x  # the characters' columns (pieces run together name no column)
    sub = [f for f in region.frags if f.label == Label.COL and "小计" in f.key]
    other = [f for f in region.frags if f.label == Label.COL and f.key == "其他"]
    if not sub or not other:
        return _subtotal_after_other_by_words(region)
    a = sub[0]
    b = min(other, key=lambda f: (abs(f.line - a.line), f.line))  # the same header's 其他 (repeated per page)
    if a.line == b.line:
        return (a.field, a.x) > (b.field, b.x)
    if region.has_tabs:
        return None if a.field == b.field else a.field > b.field
    lo, hi = sorted((a.line, b.line))
    if not side_by_side(region.text, [ln for ln in region.lines if lo <= ln.index <= hi]):
        return a.line > b.line  # one header cell a line: the lines' order is the printed order
    if positional(region):
        return None if a.x == b.x else a.x > b.x
    return None  # header pieces side by side, their columns unknown: the lines' order is no order


def _subtotal_after_other_by_words(region: Region) -> bool | None:
    """``_subtotal_after_other`` from the header's words (not tagged piece by piece): their order
    on one line, or across lines where each header line holds one word; None otherwise."""
    lines = _header_word_lines(region)
    words = [(k, w) for k, ws in enumerate(lines) for w in ws]
    i = next(((k, n) for n, (k, w) in enumerate(words) if w.endswith("小计")), None)
    j = next(((k, n) for n, (k, w) in enumerate(words) if w == "其他"), None)
    if i is None or j is None:
        return None
    if i[0] != j[0] and any(len(lines[k]) > 1 for k in range(min(i[0], j[0]), max(i[0], j[0]) + 1)):
        return None  # a wrapped header's lines, cells side by side: which comes first is not read here
    return i[1] > j[1]


def _header_words(region: Region) -> list[str]:
    """The words of the region's lines above its first value, a faux-bold word (every character
    drawn twice) read once: a header that one space apart runs together with the caption's text
    (pdfplumber) is not tagged piece by piece, but its words still name the columns."""
    return [w for ws in _header_word_lines(region) for w in ws]


def _header_word_lines(region: Region) -> list[list[str]]:
    """``_header_words`` line by line (a line without words is left out)."""
    first = min((c.line for c in region.cells), default=None)
    out = []
    for line in region.lines:
        if first is not None and line.index >= first:
            break
        words = [w[::2] if len(w) % 2 == 0 and w[::2] == w[1::2] else w
                 for w in region.text[line.start : line.end].split()]  # fmt: skip
        if words:
            out.append(words)
    return out


def _subtotal_slot(groups_cells: list[list[Cell]], after_other: bool | None = None) -> int:
    """Where the extra 法人或其他组织 subtotal column sits: the slot equal to the sum of the five
    organisation columns; the header breaks ties (rows of zeros fit both places)."""
    votes: Counter[float] = Counter()
    if after_other is not None:
        votes[6 if after_other else 1] += 0.5
    for cells in groups_cells:
        v = _marks_as_zero(cells)
        if len(v) != 8 or any(x is None for x in v):
            continue
        # the subtotal follows 自然人 (slot 1) or follows 其他 (slot 6)
        if abs(v[1] - sum(v[2:7])) < 1e-9 and any(v[2:7]):
            votes[1] += 1
        if abs(v[6] - sum(v[1:6])) < 1e-9 and any(v[1:6]):
            votes[6] += 1
    return int(votes.most_common(1)[0][0]) if votes else 1


def _marks_as_zero(cells: list[Cell]) -> list:
    """A row's values with its blank marks (``-``, ``无``) as 0: an empty cell adds nothing to a sum;
    a value that cannot be read stays None."""
    return [0 if c.value is None and is_blank_mark(c.raw) else c.value for c in cells]


def subtotal_determined(groups_cells: list[list[Cell]], sub: int, after_other: bool | None = None) -> bool:
    """Is the subtotal's place ``sub`` known: the header puts it there (``after_other``, from
    ``_subtotal_after_other``) and no full row's arithmetic puts it at the other place, or the
    arithmetic alone puts it there (some full row fits it, none fits the other place), or leaving
    out either place gives the same values in every row? Otherwise a default decided, and the five
    organisation columns between the two places are inferred from more than one candidate.

    A row with fewer than eight values is placed after this (by positions, labels, the arithmetic)
    and may put a value in any slot: only full rows show that either place gives the same values."""
    fits = {1: 0, 6: 0}
    same = True  # leaving out either place gives the same values in every row
    for cells in groups_cells:
        v = [c.value for c in cells]
        if len(v) != 8:
            # a short row's values between the two places would go to different columns
            same &= all(c.value is None for c in cells[:-1])
            continue
        same &= v[:1] + v[2:] == v[:6] + v[7:]
        v = _marks_as_zero(cells)
        if any(x is None for x in v):
            continue
        fits[1] += abs(v[1] - sum(v[2:7])) < 1e-9 and any(v[2:7])
        fits[6] += abs(v[6] - sum(v[1:6])) < 1e-9 and any(v[1:6])
    if after_other is not None and sub == (6 if after_other else 1) and fits[7 - sub] == 0:
        return True
    return same or (fits[sub] > 0 and fits[7 - sub] == 0)


def _detect_ncols(region: Region, lexicon) -> int:
    if any(f.label == Label.COL and "小计" in f.key for f in region.frags):
        return 8
    if any(w.endswith("小计") for w in _header_words(region)):
        return 8
    groups = [g for g in build_groups(region, lexicon, 7) if len(g.cells) >= 7]
    counts = Counter(len(g.cells) for g in groups)
    if counts.get(8) and (chars := header_chars(region)) and subtotal_column(chars) is not None:
        # 小 over 计 in a narrow cell's wrapped header, and a row prints eight values; a 小计 column
        # that prints nothing (its cells all empty) is read as the seven columns it then is
        return 8
    if any(_subtotal_row([c.value for c in g.cells]) for g in groups if len(g.cells) == 8):
        return 8  # a row's own sums show the 小计 (the header's words do not: ``小`` / ``计`` on two lines)
    return 8 if counts.get(8, 0) > counts.get(7, 0) else 7


def _subtotal_row(v: list) -> bool:
    """Do eight printed values (blank marks None, as 0) hold a 小计 after 自然人 or after 其他: the five
    organisation columns (not all empty) sum to it, and 自然人 plus it is 总计?"""
    x = [0 if a is None else a for a in v]
    if not any(x[2:7]) and not any(x[1:6]):
        return False
    after_other = any(x[1:6]) and abs(x[6] - sum(x[1:6])) < 1e-9 and abs(x[7] - x[0] - x[6]) < 1e-9
    after_person = any(x[2:7]) and abs(x[1] - sum(x[2:7])) < 1e-9 and abs(x[7] - x[0] - x[1]) < 1e-9
    return after_other or after_person


def _drop_extra(values: list[Cell], ncols: int) -> tuple[list[Cell], int | None, int]:
    """16 numbers under 15 columns and the like: drop the cell(s) whose removal restores the
    arithmetic. Also returns how many drops restore it (1: the choice is determined)."""
    extra = len(values) - ncols
    if extra > 3:
        return values[:ncols], ncols, 0
    fits: set[tuple] = set()  # the distinct rows that restore the arithmetic
    best: tuple[int, int, list[Cell]] | None = None
    for drop in combinations(range(len(values)), extra):
        kept = [c for i, c in enumerate(values) if i not in drop]
        v = [c.value for c in kept]
        # a printed blank (``—``) adds 0, as an empty cell does: with a blank mark and an extra
        # zero in a row of zeros, either one left out restores the arithmetic (not determined)
        sums = [0 if c.value is None and is_blank_mark(c.raw) else c.value for c in kept]
        ok = 0
        if ncols == 7 and all(x is not None for x in sums):
            ok = int(abs(sum(sums[:APPLICANT_COLS]) - sums[APPLICANT_COLS]) < 1e-6)
        # prefer arithmetic, then dropping blanks, then dropping at the end
        blanks = sum(values[i].value is None for i in drop)
        score = ok * 100 + blanks * 10 + sum(drop)
        if ok:
            fits.add(tuple(v))
        if best is None or score > best[0]:
            best = (score, drop[0], kept)
    assert best is not None
    return best[2], best[1], len(fits)


def assemble_applications(region: Region, fmt: str, truncated: bool) -> TableResult:
    spec = table_spec(fmt, "applications")
    res = TableResult.empty(spec)
    cols = spec.rows[0].cols
    lexicon = row_lexicon(fmt, "applications")
    ncols = _detect_ncols(region, lexicon)
    # in the 2021 format （六）其他处理 heads three rows; in 2019 it is a row itself
    groups = build_groups(region, lexicon, ncols, frozenset({"其他处理"}) if fmt == "2021" else frozenset())
    if not groups:
        return res
    assignments = align_rows(groups, spec.row_keys, lexicon)
    # column positions per page: a PDF reading lays every page out on its own grid
    located = positional(region)
    drifts = is_char_grid(column_width(region.text))  # a reader's grid: positions only roughly kept
    block_centers = {}
    # every word of the header's lines a piece of its own (``header_centers(split=True)``) only where
    # the values stand in a space-aligned grid: raw pdftotext's header words stand at no column
    split = located and not region.has_tabs and keeps_positions(region)
    if located and not region.has_tabs:
        block_centers = calibrate_blocks(
            region, groups, ncols,
            lambda top, below: header_centers(region, below, VALUE_COLS, ncols, top=top)
            or word_centers(region, below, LEAF_TEXT, ncols, top=top)
            or (header_centers(region, below, VALUE_COLS, ncols, top=top, split=True) if split else None),
        )
    # no complete row to learn the columns from: the header's columns
    head_centers = None
    if located and not region.has_tabs and region.cells:
        below = min(c.line for c in region.cells)
        head_centers = header_centers(region, below, VALUE_COLS, ncols) or (
            header_centers(region, below, VALUE_COLS, ncols, split=True) if split else None)
    after_other = _subtotal_after_other(region) if ncols == 8 else None
    sub = _subtotal_slot([a.group.cells for a in assignments], after_other) if ncols == 8 else None
    shifted: frozenset[str] = frozenset()  # columns whose place depends on an undetermined subtotal slot
    if sub is not None:
        res.warn(f"an extra 法人或其他组织 subtotal column (slot {sub + 1} of 8) was recognised and left out")
        if not subtotal_determined([a.group.cells for a in assignments], sub, after_other):
            shifted = frozenset(cols[1:APPLICANT_COLS])
    last_group = assignments[-1].group if assignments else None
    extra = spilled(groups, assignments)
    res.unplaced = unplaced(groups, assignments, extra)
    deferred: dict[str, list[Cell]] = {}  # short rows without positions: placed by the arithmetic below
    by_x: dict[str, tuple[list[Cell], list[int], float]] = {}  # short rows placed by positions in a drifting grid
    off_grid: set[str] = set()  # of those, rows with a value between two columns' positions
    subtotals: dict[str, Cell] = {}  # the 法人或其他组织 小计 printed in each row (8 columns), left out of the table
    for a in assignments:
        cells = a.group.cells + extra.get(id(a.group), [])
        n = len(cells)
        if not cells:  # a printed row of blanks
            res.found(a.row)
            continue
        slots: list[int] | None
        inferred = guessed = False  # placed by arithmetic or order / with more than one candidate
        by_order = placed_by_order(region, a.group)
        if by_order:
            res.by_order.add(a.row)
        if (other := numbering_names_other_row(a.row, cells, a.group.evidence)) is not None:
            inferred = guessed = True
            res.warn(f"row {a.row}: the numbering printed beside its values names row {other}; placed by a guess")
        elif a.score < 0:  # its label names another row better: the row was taken by order, in doubt
            inferred = guessed = True
            res.warn(f"row {a.row}: its label reads more like another row's; placed by the rows' order, a guess")
        joined = joined_splits(cells, ncols, sub) if n == ncols - 1 else []
        unsplit: list[int] = []  # printed slots the splits of a joined figure disagree on: null
        if joined:
            # two cells printed as one figure (``1024710``: ``pdftotext -layout``, cells closer than a
            # space): the row's arithmetic splits it, or says which cells it cannot tell
            raw = cells[joined[0].index].raw
            keep = agreed(joined)
            slots = [k for k, c in enumerate(keep) if c is not None]
            unsplit = [k for k, c in enumerate(keep) if c is None]
            cells = [c for c in keep if c is not None]
            inferred = True
            if len(joined) == 1:
                parts = joined[0].cells[joined[0].index : joined[0].index + 2]
                res.warn(f"row {a.row}: {n} values for {ncols} columns; {raw!r} read as two cells, "
                         f"{parts[0].raw!r} and {parts[1].raw!r}, the only split meeting the row's arithmetic")  # fmt: skip
            else:
                res.warn(f"row {a.row}: {n} values for {ncols} columns; {len(joined)} splits of a figure into two "
                         "cells meet the row's arithmetic; the cells they disagree on are null")  # fmt: skip
        elif n == ncols:
            slots = list(range(n))
        elif n > ncols:
            cells, dropped, fits = _drop_extra(cells, ncols)
            inferred, guessed = True, fits != 1
            slots = list(range(ncols))
            res.warn(f"row {a.row}: {n} values for {ncols} columns; value {dropped + 1} was left out")
        else:
            slots = a.group.slots
            if slots is not None and not _blank_lines_hold(cells, slots, ncols):
                # empty lines as empty cells is one reader's convention (a cell a line); raw
                # pdftotext also puts them between blocks (Chromium's PDF: ``4 / / 2 / / 0``), so a
                # placement by them that 总计 does not confirm is a guess
                inferred = guessed = True
                res.warn(f"row {a.row}: {n} values placed by the empty lines between them, unconfirmed by 总计 (a guess)")
            if slots is None and truncated and a.group is last_group and region.has_tabs:
                slots = list(range(n))
                inferred = True
                res.warn(f"row {a.row}: cut off after {n} values; the rest are null")
            # a tab row short of fields has lost a value: its fields do not place the rest
            short = slots is None and short_tab_row(region, cells, a.group.evidence, ncols)
            if slots is None and not short:
                slots = slot_by_label(cells, a.group.evidence, a.group.same_line, ncols)
            if slots is None and region.has_tabs and not short:
                slots = slot_right_aligned(cells, ncols)
            centers = block_centers.get(id(a.group))
            if slots is None and centers:
                slots = slot_by_x(cells, centers)
                if slots is not None and drifts:
                    by_x[a.row] = (cells, slots, a.score)
                    if not clearly_under(cells, centers):
                        off_grid.add(a.row)
                if slots is None and len({c.line for c in cells}) == 1:
                    # two values nearest one column (a reading's grid drifts along a line): the
                    # order-keeping placement nearest the page's columns, marked inferred
                    slots = slot_by_columns(cells, [x + 0.5 for x in centers], region.text)
                    inferred = slots is not None
            # (a reader's drifting grid lays each page out anew: its blocks' own headers were tried above)
            if slots is None and head_centers and not drifts and len({c.line for c in cells}) == 1:
                slots = slot_by_columns(cells, head_centers, region.text)
            if slots is None and (not located or drifts) and not (truncated and a.group is last_group):
                # nothing in the layout places the values: the report's arithmetic does, or they are null
                deferred[a.row] = cells
                res.found(a.row)
                continue
            if slots is None:
                inferred = True
                if truncated and a.group is last_group:
                    slots = list(range(n))
                    res.warn(f"row {a.row}: cut off after {n} values; the rest are null")
                elif n == 1:
                    slots = [ncols - 1]
                    guessed = True
                    res.warn(f"row {a.row}: one value, taken as 总计 (blank applicant columns)")
                else:
                    slots = list(range(n))
                    guessed = True
                    res.warn(f"row {a.row}: {n} values for {ncols} columns, placed from the left")
        for cell, slot in zip(cells, slots):
            if sub is not None:
                if slot == sub:
                    subtotals[a.row] = cell
                    res.left_out.append(cell)
                    continue
                slot = slot - 1 if slot > sub else slot
            res.put(a.row, cols[slot], cell, a.score, inferred=inferred or by_order or not a.group.evidence,
                    ambiguous=guessed or cols[slot] in shifted)  # fmt: skip
        for slot in unsplit:
            c = contract_slot(slot, sub)
            if c is not None:
                res.values[a.row][cols[c]] = None
                res.status.setdefault(a.row, {})[cols[c]] = UNREADABLE
    if deferred:
        _place_by_arithmetic(res, deferred, spec.row_keys, cols, sub, shifted, lone_total=located)
    if by_x:
        _check_positions(res, by_x, spec.row_keys, cols, sub, frozenset(off_grid))
    res.rows_found = len(assignments)
    res.cut_off = truncated
    doubt_between(res, assignments, cols, spec.row_keys)
    found = {a.row for a in assignments}
    missing = [r for r in spec.row_keys if r not in found]
    if missing:
        if truncated:
            res.warn(f"the table is cut off: {len(missing)} rows missing ({', '.join(missing)}); their cells are null")
        else:
            res.warn(f"rows not found: {', '.join(missing)}; their cells are null")
    if sub is not None:
        res.checks += _subtotal_checks(res, [a.row for a in assignments], subtotals, cols, frozenset(deferred))
    return res


def doubt_between(res: TableResult, assignments: list, cols, row_keys: tuple[str, ...] = ()) -> None:
    """Values that went to no row beside a row that got none (``TableResult.unplaced``): the rows
    printed between the two may each hold their neighbour's values. Their read cells become
    inferred from more than one candidate (``ambiguous_cell`` names them), with a warning.

    A row that got none is a row found without values, or a row of ``row_keys`` not found at all
    between two found rows (its label lost, as a narrow column wraps it beside another row's
    values: ``2.其他法律行政法规禁止`` / ``办  0 0 0 …`` / ``公开``): there, each line of values
    that went to no row is paired with the nearest such row, and the rows from the line to the
    found row beside the gap are in doubt."""
    empty = [a for a in assignments if not a.group.cells]
    doubt: list[str] = []
    lines = sorted({c.line for c in res.unplaced})
    spans = [(u, e.group.lines[0]) for e in empty for u in lines]
    spans += _gaps_to_unplaced(assignments, row_keys, lines)
    for u, anchor in spans:
        lo, hi = sorted((u, anchor))
        for a in assignments:
            if a.row in doubt or not any(lo <= c.line <= hi for c in a.group.cells):
                continue
            doubt.append(a.row)
            for c in cols:
                if res.status.get(a.row, {}).get(c) == READ:
                    res.status[a.row][c] = INFERRED
                    res.ambiguous.add((a.row, c))
    if doubt:
        res.warn(f"rows {', '.join(doubt)} stand between values that went to no row and a row that got none: "
                 "each may hold its neighbour's values")  # fmt: skip


def _gaps_to_unplaced(assignments: list, row_keys: tuple[str, ...], lines: list[int]) -> list[tuple[int, int]]:
    """(unplaced line, line of the found row beside the nearest gap) for each line of values that
    went to no row, where rows of ``row_keys`` were not found between two found rows (a gap). A
    line inside a gap (below the row before it, above the row after it) pairs with nothing: its
    values may be the missing row's, and no found row stands between."""
    if not lines or not row_keys:
        return []
    order = {r: i for i, r in enumerate(row_keys)}
    found = sorted((a for a in assignments if a.row in order and a.group.lines), key=lambda a: order[a.row])
    gaps = [(p, q) for p, q in zip(found, found[1:]) if order[q.row] - order[p.row] > 1]
    out: list[tuple[int, int]] = []
    for u in lines:
        best: tuple[int, int] | None = None  # (distance, anchor line)
        for p, q in gaps:
            below, above = max(p.group.lines), min(q.group.lines)
            if below < u < above:
                best = (0, u)
                break
            cand = (below - u, below) if u <= below else (u - above, above)
            if best is None or cand[0] < best[0]:
                best = cand
        if best is not None and best[0] > 0:
            out.append((u, best[1]))
    return out


def _subtotal_checks(res: TableResult, rows: list[str], subtotals: dict[str, Cell], cols,
                     deferred: frozenset[str] = frozenset()) -> list[dict]:  # fmt: skip
    """``applications.legal_person_subtotal[row]``: the printed 小计 = the five organisation columns,
    for every row found, shaped like the other checks (status, operands; a blank operand makes it
    not assessable). The 小计 is no cell of the contract's table: its operand is named
    ``applications.<row>.legal_person_subtotal``."""
    out = []
    status = res.statuses()
    for row in rows:
        orgs = [(f"applications.{row}.{c}", res.values[row][c]) for c in cols[1:APPLICANT_COLS]]
        name = f"applications.{row}.legal_person_subtotal"
        cell = subtotals.get(row)
        statuses = {n: status[row][n.rsplit(".", 1)[1]] for n, _ in orgs}
        # a row placed by the arithmetic (no positions) does not say which printed value was its 小计
        statuses[name] = cell_status(cell) if cell is not None else ("not placed" if row in deferred else "blank")
        out.append(identity_check(f"applications.legal_person_subtotal[{row}]", orgs, [(name, cell.value if cell else None)],
                          "the five organisation columns", "小计", statuses))  # fmt: skip
    return out


def _blank_lines_hold(cells: list[Cell], slots: list[int], ncols: int) -> bool:
    """Whether a short row placed by the empty lines between its values (``Group.slots``) can be
    trusted: True where the values are not each apart (an empty line only here and there marks a
    cell), else where it meets 总计 = the six applicant columns with its 总计 printed (seven printed
    columns; empty cells and blank marks as 0; a value that cannot be read confirms nothing).
    Eight printed columns, or 总计 alone: True, except a lone 0 (or blank mark) as 总计, which
    any column would hold as well."""
    if len(slots) > 1 and any(b - a != 2 for a, b in zip(slots, slots[1:])):
        return True  # not every value apart: the empty lines mark cells, not blocks
    lone_total = list(slots) == [ncols - 1]
    if lone_total and len(cells) == 1 and (cells[0].value == 0 or is_blank_mark(cells[0].raw)):
        # a lone 0 meets 总计 = the sum of empty cells in whichever column it stands: nothing
        # confirms the empty lines put it there (raw pdftotext of a table of zeros: seed-3 lo 78)
        return False
    if ncols != 7 or lone_total:
        # the 小计 column's own check is the variant's (``_subtotal_checks``); a row printing only
        # 总计 (its applicant cells left empty) is a form reports use, its check says the rest
        return True
    if any(c.value is None and not is_blank_mark(c.raw) for c in cells):
        return False
    v: list[float] = [0] * ncols
    for c, s in zip(cells, slots):
        v[s] = c.value or 0
    return (ncols - 1) in slots and abs(sum(v[:6]) - v[6]) < 1e-6


def _place_by_arithmetic(res: TableResult, short: dict[str, list[Cell]], row_keys: tuple[str, ...], cols,
                         sub: int | None = None, shifted: frozenset[str] = frozenset(),
                         lone_total: bool = False) -> None:  # fmt: skip
    """Rows short of values in a reading without column positions (see ``blankcells``; ``sub``: the
    printed slot of a 小计 column, whose values are left out): each value where the report's
    arithmetic puts it; a cell the fitting placements disagree on is null (unreadable) and named in
    a warning (a row that prints only 总计 too: a lone number could be in any column); ``shifted``
    columns are flagged ambiguous (the 小计's place was not decided by the arithmetic).
    ``lone_total``: the reading keeps rough column positions (``pdftotext -layout``) that did not
    place a row printing one number among blanks; that number is taken as 总计, flagged ambiguous,
    where the arithmetic does not place it (a reading without positions leaves it null)."""
    fixed = {r: [res.values[r][c] for c in cols] for r in res.printed_rows if r not in short}
    placed = place_short_rows(fixed, short, application_identities(row_keys), sub, sub_known=not shifted)
    unknown: list[str] = []
    for row, cells in short.items():
        p = placed.get(row)
        if p is None or any(c.value is None and not is_blank_mark(c.raw) for c in cells):
            # not placed at all, or a value in it cannot be read (``O``: its number is unknown, so
            # the arithmetic cannot tell its column): which column each value is in cannot be told
            for c in cols:
                res.values[row][c] = None
                res.status.setdefault(row, {})[c] = UNREADABLE
                unknown.append(f"{row}.{c}")
            continue
        numbers = [c for c in cells if c.value is not None]
        lone = len(numbers) == 1 and all(c.value is not None or is_blank_mark(c.raw) for c in cells)
        if lone_total and lone and len(cols) - 1 in p.unknown:
            res.put(row, cols[-1], numbers[0], inferred=True, ambiguous=True)
            res.warn(f"row {row}: one value, taken as 总计 (blank applicant columns)")
            continue
        first = p.candidates[0]
        for k, (cell, slot) in enumerate(zip(cells, first)):
            c = contract_slot(slot, sub)
            if c is not None and c not in p.unknown:
                res.put(row, cols[c], cell, inferred=True, ambiguous=cols[c] in shifted)
            elif c is None and all(s[k] == sub for s in p.candidates):
                res.left_out.append(cell)  # the row's 小计 in every placement kept
        for c in p.unknown:
            res.values[row][cols[c]] = None
            res.status.setdefault(row, {})[cols[c]] = UNREADABLE
            unknown.append(f"{row}.{cols[c]}")
        if p.slots is not None or not p.unknown:
            res.warn(f"row {row}: {len(cells)} values for {len(cols) + (sub is not None)} columns, placed by the report's arithmetic")
    if unknown:
        res.warn(
            "values of rows with empty cells cannot be placed (no column positions, more than one placement "
            f"fits the arithmetic); null: {', '.join(unknown)}"
        )


def _check_positions(res: TableResult, by_x: dict[str, tuple[list[Cell], list[int], float]], row_keys: tuple[str, ...],
                     cols, sub: int | None, off_grid: frozenset[str] = frozenset()) -> None:  # fmt: skip
    """Short rows placed by their values' positions in a reader's drifting grid, checked against
    the report's arithmetic (``blankcells.place_short_rows``, the other rows fixed). A reading may
    squeeze an empty cell's gap (Chromium's PDF through ``pdftotext -layout``: ``13   0     0   1   0 14``
    under seven columns), so the values after it stand under the column before: positions alone
    do not tell which cell is empty. A row whose placement leaves 总计 empty beside values is
    checked (7 columns; any other placement is kept as read): placed where no
    placement the arithmetic keeps puts it,
    it is placed by the arithmetic instead (inferred; a column the kept placements disagree on is null,
    unreadable), warned; a row placed where one of several kept placements puts it keeps its values,
    those on columns the placements disagree on inferred from more than one candidate
    (``ambiguous_cell``), warned. ``off_grid`` rows (a value about as near two columns' positions,
    ``rows.clearly_under``) are checked so too, whatever their 总计."""
    if sub is not None:
        return
    # the squeeze shows where the values after an empty cell moved one column left: 总计 under 其他,
    # 总计 empty beside values (a row whose own arithmetic fails with 总计 printed is the report's
    # to answer for: a blank cell may hide a value, and its check says so)
    def squeezed(cells: list[Cell], slots: list[int]) -> bool:
        v = row_values(cells, tuple(slots))
        return v[-1] is None and any(x is not None for x in v[:-1])

    by_x = {r: v for r, v in by_x.items() if r in off_grid or squeezed(v[0], v[1])}
    if not by_x:
        return
    fixed = {r: [res.values[r][c] for c in cols] for r in res.printed_rows if r not in by_x}
    placed = place_short_rows(fixed, {r: cells for r, (cells, _, _) in by_x.items()}, application_identities(row_keys))
    moved: list[str] = []
    doubt: list[str] = []
    for row, (cells, slots, score) in by_x.items():
        p = placed.get(row)
        if p is None or p.slots is not None and tuple(p.slots) == tuple(slots):
            continue
        if any(c.value is None and not is_blank_mark(c.raw) for c in cells):
            continue  # a value that cannot be read: the arithmetic cannot tell its column
        if tuple(slots) not in p.candidates and p.candidates:
            for c in cols:
                res.values[row][c] = None
                res.status.get(row, {}).pop(c, None)
                res.provenance.get(row, {}).pop(c, None)
                res.ambiguous.discard((row, c))
            for cell, slot in zip(cells, p.candidates[0]):
                if slot not in p.unknown:
                    res.put(row, cols[slot], cell, score, inferred=True)
            for k in p.unknown:
                res.status.setdefault(row, {})[cols[k]] = UNREADABLE
            moved.append(row)
            continue
        unsure = p.unknown if tuple(slots) in p.candidates else range(len(cols))
        flagged = False
        for k in unsure:
            c = cols[k]
            if res.status.get(row, {}).get(c) == READ:
                res.status[row][c] = INFERRED
                res.ambiguous.add((row, c))
                flagged = True
        if flagged:
            doubt.append(row)
    if moved:
        res.warn(f"rows {', '.join(moved)}: their values' positions break the report's arithmetic (a reading that "
                 "squeezes empty cells); placed by the arithmetic, a column it leaves open null")  # fmt: skip
    if doubt:
        res.warn(f"rows {', '.join(doubt)}: placed by their values' positions in a reading whose grid drifts, "
                 "which the report's arithmetic does not confirm: an empty cell may be elsewhere")  # fmt: skip
