"""Table 四 (行政复议、行政诉讼): one printed row of 15 values, three groups of five."""
from __future__ import annotations

from itertools import combinations

from ..labels import Label
from ..templates import table_spec
from ..layout import column_width
from .base import Cell, Group, Region, is_blank_mark
from .result import UNREADABLE, TableResult
from .columns import header_centers, slot_by_columns, word_centers
from .pagebreak import cell_blanks
from .rows import block_spaced, positional, short_tab_row, values_under

GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")
NCOLS = 15
LEAF_COLS = frozenset({"upheld", "corrected", "other", "pending", "total"})


def _arith_ok(values: list[Cell]) -> int:
    """How many of the three groups add up (four results = 总计). A printed blank (``—``) adds 0, as
    an empty cell does in the report's arithmetic: a row of zeros with a blank mark and an extra
    value then fits with either of them left out, and the choice is not determined."""
    ok = 0
    for g in range(3):
        v = [0 if c.value is None and is_blank_mark(c.raw) else c.value for c in values[g * 5 : g * 5 + 5]]
        if all(x is not None for x in v) and abs(sum(v[:4]) - v[4]) < 1e-6:
            ok += 1
    return ok


def _drop_extra(cells: list[Cell]) -> tuple[list[Cell], tuple[int, ...], bool]:
    """Drop the value(s) whose removal restores the three groups' arithmetic; also whether that
    choice is determined (exactly one drop restores all three groups)."""
    extra = len(cells) - NCOLS
    if extra > 2:
        return cells[:NCOLS], tuple(range(NCOLS, len(cells))), False
    best = None
    full_fits: set[tuple] = set()  # the distinct rows that restore all three groups
    for drop in combinations(range(len(cells)), extra):
        kept = [c for i, c in enumerate(cells) if i not in drop]
        score = (_arith_ok(kept), sum(cells[i].value is None for i in drop), sum(drop))
        if score[0] == 3:
            full_fits.add(tuple(c.value for c in kept))
        if best is None or score > best[0]:
            best = (score, kept, drop)
    assert best is not None
    return best[1], best[2], len(full_fits) == 1


def _after_header(region: Region, cells: list[Cell]) -> list[Cell] | None:
    """The values after the table's whole header where values also come before its first header
    line (a content-stream reading draws the previous table's last values after this table's
    heading) and none among the header's lines: those after it, when they are exactly the 15
    columns and all three groups meet 总计 = the four results with them; else None."""
    heads = [f.line for f in region.frags if f.label == Label.COL]
    if not heads:
        return None
    first, last = min(heads), max(heads)
    before = [c for c in cells if c.line < first]
    after = [c for c in cells if c.line > last]
    if not before or len(after) != NCOLS or len(before) + len(after) != len(cells):
        return None
    return after if _arith_ok(after) == 3 else None


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _drop_message(printed: list[Cell], dropped: tuple[int, ...], determined: bool) -> str:
    """What was left out of a row of more than 15 values, and why (``_drop_extra``)."""
    what = " and ".join(f"the {_ordinal(d + 1)} value ({printed[d].raw})" for d in dropped)
    where = f" printed after the {NCOLS} columns" if all(d >= NCOLS for d in dropped) else ""
    verb = "were" if len(dropped) > 1 else "was"
    why = ("the totals add up without it" if len(dropped) == 1 else "the totals add up without them") if determined \
        else "more than one choice fits (or none does), so the row is a guess"
    return f"{len(printed)} values for {NCOLS} columns: {what}{where} {verb} left out: {why}"


def _data_cells(region: Region) -> list[Cell]:
    """The value line(s): the longest line of values if it alone holds a full row, else all values."""
    by_line: dict[int, list[Cell]] = {}
    for c in region.cells:
        by_line.setdefault(c.line, []).append(c)
    if not by_line:
        return []
    longest = max(by_line.values(), key=len)
    if len(longest) >= NCOLS:
        return longest
    return [c for ln in sorted(by_line) for c in by_line[ln]]


def _slots_with_blank_lines(region: Region, cells: list[Cell]) -> list[int] | None:
    """One value per line with blank cells printed as empty lines between them; blank cells
    before the first value (after the header) or after the last one are counted only if the inner
    ones alone do not make up the row."""
    lines = [c.line for c in cells]
    if len(set(lines)) != len(cells) or block_spaced(region, lines):
        return None  # (empty lines that are the reader's spacing are no blank cells)
    first, last = lines[0], lines[-1]
    if not any(f.label == Label.COL and f.line < first for f in region.frags):
        return None  # values before the whole header (another table's tail in a PDF's order): no walk
    head = max((f.line for f in region.frags if f.line < first), default=region.lines[0].index - 1)
    empty = cell_blanks(region, [
        ln.index for ln in region.lines
        if ln.index > head and not region.text[ln.start : ln.end].strip() and not region.frags_on(ln.index)
    ])  # fmt: skip
    inner = [b for b in empty if first < b < last]
    before = [b for b in empty if b < first]
    after = [b for b in empty if b > last]
    # the last empty line may be the paragraph break before the next heading
    for blanks in (inner, before + inner, inner + after, before + inner + after, before + inner + after[:-1]):
        if len(cells) + len(blanks) == NCOLS:
            marks = sorted([(ln, True) for ln in lines] + [(b, False) for b in blanks])
            return [k for k, (_, is_cell) in enumerate(marks) if is_cell]
    return None


# the leaf headers' words as a reading splits or wraps them (结果维持 / 结果 维持 / 结果维 持)
_LEAF_TEXT = "结果维持结果纠正其他结果尚未审结总计"
_UNKNOWN = object()


def _place_by_totals(cells: list[Cell]) -> list | None:
    """A row short of values with no column positions: every order-preserving placement under the
    15 columns whose three groups each meet 总计 = the four results (an empty cell as 0); per column
    the cell the placements agree on (``None``: blank), ``_UNKNOWN`` where they disagree. None when
    no placement fits (at most C(15, 7) = 6435 placements are tried)."""
    n = len(cells)
    rows: list[list] = []
    for slots in combinations(range(NCOLS), n):
        row: list = [None] * NCOLS
        for c, k in zip(cells, slots):
            row[k] = c
        v = [0 if c is None or c.value is None else c.value for c in row]
        if all(abs(sum(v[g * 5 : g * 5 + 4]) - v[g * 5 + 4]) < 1e-6 for g in range(3)):
            rows.append(row)
    if not rows:
        return None
    out: list = []
    for k in range(NCOLS):
        vals = {None if r[k] is None else r[k].value for r in rows}
        out.append(rows[0][k] if len(vals) == 1 else _UNKNOWN)
    return out


def _totals_hold(cells: list[Cell], slots: list[int]) -> bool:
    """Do the three groups meet 总计 = the four results with the cells at ``slots`` (empty as 0)?"""
    v = [0.0] * NCOLS
    for c, k in zip(cells, slots):
        v[k] = c.value or 0
    return all(abs(sum(v[g * 5 : g * 5 + 4]) - v[g * 5 + 4]) < 1e-6 for g in range(3))


def _put_fit(res: TableResult, cells: list[Cell], fit: list, cols, why: str = "") -> TableResult:
    """Put the placement ``_place_by_totals`` found: agreed cells inferred, disputed ones null
    (``unreadable``) and named in a warning."""
    unknown = [k for k in range(NCOLS) if fit[k] is _UNKNOWN]
    for k in range(NCOLS):
        if fit[k] is _UNKNOWN:
            res.values[GROUPS[k // 5]][cols[k % 5]] = None
            res.status.setdefault(GROUPS[k // 5], {})[cols[k % 5]] = UNREADABLE
        elif fit[k] is not None:
            res.put(GROUPS[k // 5], cols[k % 5], fit[k], inferred=True)
    for g in GROUPS:
        res.found(g)
    msg = f"{why}{len(cells)} values for {NCOLS} columns, placed by the groups' totals"
    if unknown:
        msg += "; more than one placement fits, null: " + ", ".join(f"{GROUPS[k // 5]}.{cols[k % 5]}" for k in unknown)
    res.warn(msg)
    return res


def assemble_review(region: Region, fmt: str, truncated: bool) -> TableResult:
    spec = table_spec(fmt, "review_litigation")
    res = TableResult.empty(spec)
    cols = spec.rows[0].cols
    cells = _data_cells(region)
    if not cells:
        return res
    slots: list[int]
    inferred = guessed = False
    if len(cells) > NCOLS and (after := _after_header(region, cells)) is not None:
        res.warn(f"{len(cells) - NCOLS} value(s) printed before the table's header left out (another table's, "
                 f"drawn after this table's heading): the {NCOLS} after the header meet the three groups' totals")
        cells = after
    if len(cells) > NCOLS:
        printed = cells
        cells, dropped, determined = _drop_extra(cells)
        inferred, guessed = True, not determined
        res.warn(_drop_message(printed, dropped, determined))
        slots = list(range(NCOLS))
    elif len(cells) == NCOLS:
        slots = list(range(NCOLS))
    elif (walk := _slots_with_blank_lines(region, cells)) is not None:
        slots = walk
    else:
        one_line = len({c.line for c in cells}) == 1
        labels = [f for f in region.frags_on(cells[0].line) if f.label != Label.COL] if one_line else []
        base = (max(f.field for f in labels) + 1) if labels else 0
        fields = [c.field - base for c in cells]
        centers = None
        located = positional(region)
        if one_line and not region.has_tabs and located:
            centers = header_centers(region, cells[0].line, LEAF_COLS, NCOLS) or word_centers(
                region, cells[0].line, _LEAF_TEXT, NCOLS
            )
            if centers is not None and not values_under([Group(cells, [])], centers, column_width(region.text)):
                centers = None  # the header stands off its values (stacked, 总计 on its own line): no guide
        # a tab line short of fields has lost a value (a blank keeps its field): placed by order
        short = short_tab_row(region, cells, labels, NCOLS)
        if one_line and region.has_tabs and not short and all(0 <= f < NCOLS for f in fields) and fields == sorted(set(fields)):
            slots = fields
        elif (
            centers is not None
            and (by_x := slot_by_columns(cells, centers, region.text)) is not None
            and (_totals_hold(cells, by_x) or truncated or (fit := _place_by_totals(cells)) is None)
        ):
            slots = by_x  # blank cells: each value under its header
        elif centers is not None and by_x is not None:
            # under the header's positions the groups' totals break, while other placements meet
            # them (a stacked header, 总计 on a line of its own, stands off its values): the totals
            # place the values, and where they cannot tell, the cell is null
            return _put_fit(res, cells, fit, cols, "the header's positions break the groups' totals; ")
        elif not located and not region.has_tabs and not truncated and (fit := _place_by_totals(cells)) is not None:
            # no column positions (one space between values): where the groups' totals place them
            return _put_fit(res, cells, fit, cols)
        elif not located and not region.has_tabs and not truncated:
            # no positions and no placement meets the totals: which cells are empty cannot be told
            for k in range(NCOLS):
                res.status.setdefault(GROUPS[k // 5], {})[cols[k % 5]] = UNREADABLE
            for g in GROUPS:
                res.found(g)
            res.warn(f"{len(cells)} values for {NCOLS} columns, no column positions and no placement meets the "
                     "groups' totals; the row is null")  # fmt: skip
            return res
        elif located and not region.has_tabs and not truncated and (fit := _place_by_totals(cells)) is not None:
            # space-aligned, but no header to read the positions by: where the groups' totals place
            # the values (a tab row short of fields has lost a value: placed by order, below)
            return _put_fit(res, cells, fit, cols, "no header stands over the values; ")
        else:
            slots = list(range(len(cells)))
            inferred, guessed = True, not truncated
            res.warn(
                f"{len(cells)} values for {NCOLS} columns"
                + ("; the table is cut off" if truncated else "")
                + ", placed from the left"
            )
    for cell, slot in zip(cells, slots):
        res.put(GROUPS[slot // 5], cols[slot % 5], cell, inferred=inferred, ambiguous=guessed)
    if not (truncated and inferred):  # every group is printed, its other cells blank
        for g in GROUPS:
            res.found(g)
    res.rows_found = len({s // 5 for s in slots})
    res.cut_off = truncated
    return res
