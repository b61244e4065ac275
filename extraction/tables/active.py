"""Table 二 (主动公开政府信息情况): rows with their own columns, headers repeated per group."""
from __future__ import annotations

import re
from itertools import combinations
from typing import Callable, Sequence

from ..labels import Label
from ..layout import column_width, is_char_grid
from ..lexicon import COL_WORDS, match_col, row_lexicon
from ..normalize import label_key, normalize
from ..templates import table_spec
from .applications import doubt_between
from .base import INVISIBLE_RE, Cell, Frag, Group, Region
from .result import SIGNED_COLS, UNREADABLE, TableResult
from .columns import header_centers, slot_by_columns, word_centers
from .rows import (
    STRONG, align_rows, unplaced, blank_line_slots, build_groups, frag_score, keeps_positions, placed_by_order, spaced_lines,
    positional, short_tab_row, slot_by_label, spilled, values_under,
)

MONEY_COLS = ("amount",)


def _words(f: Frag, width: Callable[[str], int]) -> list[Frag]:
    """A header piece that holds several headers one space apart (``信息内容 采购项目数量
    采购总金额（单位：元）``, as a reading without column positions gives it): one piece per word."""
    if not re.search(r"\s", f.text.strip()):
        return [f]
    out = []
    for m in re.finditer(r"\S+", f.text):
        a = f.start + m.start()
        out.append(Frag(m.group(), label_key(m.group()), f.label, a, a + len(m.group()), f.line, f.field,
                        f.x + width(f.text[: m.start()]), f.group))  # fmt: skip
    return out


def _header_above(region: Region, line: int, allowed: tuple[str, ...]) -> list[tuple[Frag, str]]:
    """The nearest header line above ``line`` whose headers name this row's columns."""
    for ln in range(line - 1, region.lines[0].index - 1, -1):
        cols = [w for f in region.frags_on(ln, Label.COL) for w in _words(f, column_width(region.text))]
        named = []
        for f in cols:
            m = match_col(f.text, "active_disclosure")
            if m and m.score >= 0.6 and m.key in allowed:
                named.append((f, m.key))
        if named:
            return named
        if region.cells_on(ln):
            break
    return []


def _header_only(region: Region, ln: int) -> bool:
    """A line of column headers only: no values, no row labels (a group label ends the header)."""
    return bool(region.frags_on(ln, Label.COL)) and not region.cells_on(ln) and not region.frags_on(ln, Label.ROW)


def _block_header_line(region: Region, line: int, allowed: tuple[str, ...]) -> int | None:
    """The header line of the block ``line`` belongs to: above it, past the block's other rows,
    before the block's group label (第二十条第（X）项)."""
    for ln in range(line - 1, region.lines[0].index - 1, -1):
        if any(f.group and f.label == Label.ROW for f in region.frags_on(ln)):
            return None
        for f in region.frags_on(ln, Label.COL):
            m = match_col(f.text, "active_disclosure")
            if m and m.score >= 0.6 and m.key in allowed:
                return ln
    return None


def _unit_placements(cells: list[Cell], row_cols: tuple[str, ...]) -> list[tuple[int, ...]]:
    """The order-keeping placements of a short row's cells in which every figure printed with a
    money unit is under a money column (a figure without one may be anywhere: the unit may be in
    the header)."""
    return [slots for slots in combinations(range(len(row_cols)), len(cells))
            if all(row_cols[s] in MONEY_COLS for c, s in zip(cells, slots) if c.unit)]  # fmt: skip


def _slots_under_header(region: Region, cells: list[Cell], row_cols: tuple[str, ...]) -> list[int] | None:
    """Space-aligned row with blank cells: each value under its column of the header block above."""
    if region.has_tabs or len({c.line for c in cells}) != 1 or not keeps_positions(region):
        return None
    top = _block_header_line(region, cells[0].line, row_cols)
    if top is None:
        return None
    while top - 1 >= region.lines[0].index and _header_only(region, top - 1):
        top -= 1
    centers = header_centers(region, cells[0].line, frozenset(row_cols), len(row_cols), top=top)
    if centers is None:  # header cells run together (``上一年项目 本年增/减``): their words
        leaf_text = "".join(w for k in row_cols for w in COL_WORDS["active_disclosure"].get(k, ()))
        centers = word_centers(region, cells[0].line, leaf_text, len(row_cols), top=top)
    if centers and not values_under([Group(cells, [cells[0].line])], centers, column_width(region.text)):
        return None  # a figure between two headers (a long label pushed it along): no guide
    return slot_by_columns(cells, centers, region.text) if centers else None


def _block_row_centers(region: Region, top: int, line: int, k: int) -> list[float] | None:
    """The columns' centres as the block's complete rows print them (every value of a row on its
    line, ``k`` of them): the mean centre of each column's values. None where the block (from its
    header line ``top`` to the next block's group label or header) has no complete row but ``line``'s."""
    width = column_width(region.text)
    rows: list[list[float]] = []
    seen_values = False
    for ln in range(top + 1, region.lines[-1].index + 1):
        if any(f.group and f.label == Label.ROW for f in region.frags_on(ln)):
            break
        cells = region.cells_on(ln)
        if seen_values and not cells and region.frags_on(ln, Label.COL):
            break  # the next block's header
        seen_values = seen_values or bool(cells)
        if ln != line and len(cells) == k:
            rows.append([c.x + width(c.raw) / 2 for c in cells])
    if not rows:
        return None
    return [sum(r[j] for r in rows) / len(rows) for j in range(k)]


def _header_line_centers(region: Region, top: int, line: int, row_cols: tuple[str, ...]) -> list[list[float]]:
    """The columns' centres as each header-only line from ``top`` to the row's ``line`` prints them,
    where a line holds one header word per column, in order, none overlapping: the first line
    (``本年制发件  本年废止件  现行有效件``), and a wrapped header's tails (``数  数  数``)."""
    width = column_width(region.text)
    leaf_text = "".join(w for k in row_cols for w in COL_WORDS["active_disclosure"].get(k, ()))
    out = []
    for ln in range(top, line):
        if not _header_only(region, ln):
            continue
        line_ = region.lines[ln - region.lines[0].index]
        s = region.text[line_.start : line_.end]
        words = [(width(s[: m.start()]), width(m.group())) for m in re.finditer(r"\S+", s)
                 if not m.group().isascii() and m.group() in leaf_text]  # fmt: skip
        if len(words) == len(row_cols) and all(x1 + w1 <= x2 for (x1, w1), (x2, _) in zip(words, words[1:])):
            out.append([x + w / 2 for x, w in words])
    return out


def _short_row_slots(region: Region, cells: list[Cell], row_cols: tuple[str, ...]) -> tuple[list[int], str | None] | None:
    """(slots, why they are in doubt or None) of a space-aligned row with blank cells, each value
    under its column of the header block above (``_slots_under_header``). The header's words are
    centred over their columns but a reader may print values at their columns' left edge
    (govreport's reader of Chromium's PDF: ``规章  0  ·  0`` under ``本年新制作数量 本年新公开数量
    对外公开总数量``, the second ``0`` nearer the middle header's centre): where the block's complete
    rows place the values elsewhere, their placement is taken, in doubt (``ambiguous_cell``). A
    wrapped header whose lines stand at other positions (WPS's PDF read by govreport: ``本年制发件
    本年废止件`` over ``数  数`` a few columns further left) places a value under one column by one
    line and under another by the other: in doubt too."""
    slots = _slots_under_header(region, cells, row_cols)
    if slots is None:
        return None
    top = _block_header_line(region, cells[0].line, row_cols)
    centers = _block_row_centers(region, top, cells[0].line, len(row_cols)) if top is not None else None
    by_rows = slot_by_columns(cells, centers, region.text) if centers else None
    if by_rows is not None and by_rows != slots:
        return by_rows, ("its values stand under other columns of the header than the complete rows' values "
                         "of its block; placed by those rows, a guess")  # fmt: skip
    if top is not None:
        while top - 1 >= region.lines[0].index and _header_only(region, top - 1):
            top -= 1
        if any(slot_by_columns(cells, c, region.text) != slots for c in _header_line_centers(region, top, cells[0].line, row_cols)):
            return slots, "the header's lines stand over its values at different positions; which columns they are under is a guess"
    return slots, None


def _stacked_text(region: Region, head: Frag, below: int) -> str:
    """A header cell's whole text when it wraps over several lines (``采购总`` / ``金额（`` / ``元）``):
    the header pieces of the contiguous header lines around ``head`` (above ``below``, the row's
    line) in the same tab field, or overlapping it horizontally in a space-aligned layout."""
    lo = hi = head.line
    while lo - 1 >= region.lines[0].index and _header_only(region, lo - 1):
        lo -= 1
    while hi + 1 < below and _header_only(region, hi + 1):
        hi += 1
    tabs = region.has_tabs or any(f.field > 0 for f in region.frags_on(head.line))
    # one space between cells, no positions: a header wrapped onto the next line (``采购总金额`` /
    # ``（单位：元``) cannot be told from its neighbours' by position: the header lines count whole
    spaced = tabs or positional(region)
    width = column_width(region.text)
    a, b = head.x, head.x + width(head.text)
    parts = []
    for ln in range(lo, hi + 1):
        for f in region.frags_on(ln, Label.COL):
            if f is head or f.start <= head.start < f.end:  # the piece, or the piece it is a word of
                parts.append(f.text)
            elif tabs:
                if f.field == head.field:
                    parts.append(f.text)
            elif not spaced or (f.x < b and a < f.x + width(f.text)):
                parts.append(f.text)
    return "".join(parts)


# 万元 per unit: the report gives money in 万元 (ten thousand yuan)
UNIT_SCALE = {"亿元": 10000, "千万元": 1000, "百万元": 100, "十万元": 10, "万元": 1, "千元": 0.1, "元": 0.0001}
_UNIT_RE = re.compile(r"(亿|千万|百万|十万|万|千)?元")
_UNIT_MARK = re.compile(r"单位|[(（]")


def money_unit(cell_unit: str | None, header_text: str | None) -> str | None:
    """The unit of an amount: the one printed after the value, else the one in its column header
    read whatever spaces, zero-width or no-break characters sit inside it (``万 元``, ``万\u200b元``).

    Returns a key of ``UNIT_SCALE``; ``万元`` when nothing names a unit (the template's unit);
    ``None`` when a unit is printed but is not one of these (``万美元``, ``单位：吨``): unreadable."""
    if cell_unit in ("万", "亿"):
        return f"{cell_unit}元"  # ``12.35万``, ``1.2亿`` in a money column
    for text in (cell_unit, header_text):
        if not text:
            continue
        squashed = re.sub(r"\s", "", INVISIBLE_RE.sub("", normalize(text)))
        m = _UNIT_RE.search(squashed)
        if m:
            before = squashed[: m.start()]
            if before.endswith(("美", "港", "欧", "日")) or squashed[m.end() : m.end() + 1] == "币":
                return None  # a foreign currency
            return f"{m.group(1) or ''}元"
        if text is header_text and "单位" in squashed:
            return None  # a unit is printed, but not one of money
    return "万元"


def _to_wanyuan(value, unit: str | None):
    """Money is reported in 万元; a value in another unit of yuan is converted."""
    if value is None or unit is None:
        return None
    scale = UNIT_SCALE[unit]
    return value if scale == 1 else round(value * scale, 8)


def _wrapped_digits(region: Region, groups: list[Group]) -> dict[str, dict]:
    """Figures a narrow cell wrapped (``167`` / ``94`` under it, ``966.0`` / ``898``, ``4`` / ``0``,
    as a PDF of a Word table prints a long number): a line of bare figures right below a row's
    values, with no label of its own and fewer values than the row (one under a one-value row). Each piece continues the
    value it stands under: the one in its tab field, or the one its columns overlap in a
    space-aligned layout; where nothing places it (one space between values, no positions, a
    piece under no value) it may continue any of the row's values, unless it is a page number
    (beside an empty line or a page break, or inside a label that goes on below it).
    Returns ``{"tails": {id(group) of such lines}, "cut": {id(cell above): (tail cell, placed by
    the layout)}}``: the tails are no row of their own, and the cut cells are read as nothing
    (the caller nulls and warns), since the join is never certain."""
    out: dict[str, dict] = {"tails": {}, "cut": {}}
    width = column_width(region.text)
    located = positional(region)
    by_line = {g.lines[0]: g for g in groups if g.cells and len(set(g.lines)) == 1}
    for g in groups:
        if g.evidence or not g.cells or len(set(g.lines)) != 1 or g.lines[0] - 1 not in by_line:
            continue
        above = by_line[g.lines[0] - 1]
        # fewer pieces than the row has values (one under a one-value row): as many is a row of its own
        if not above.evidence or len(g.cells) > max(1, len(above.cells) - 1):
            continue
        if not all(re.fullmatch(r"[0-9.][0-9.,]*", normalize(c.raw)) and re.search(r"[0-9]", c.raw) for c in g.cells):
            continue
        cut: list[tuple[Cell, Cell]] = []
        placed = True
        for c in g.cells:
            if region.has_tabs:
                over = [u for u in above.cells if u.field == c.field]
            elif located:
                over = [u for u in above.cells if u.x < c.x + width(c.raw) and c.x < u.x + width(u.raw)]
                if not over:  # right beside one value's columns (a right-aligned piece): that one
                    gap = {id(u): max(u.x - c.x - width(c.raw), c.x - u.x - width(u.raw)) for u in above.cells}
                    near = min(above.cells, key=lambda u: gap[id(u)])
                    over = [near] if gap[id(near)] <= 1 else []
            else:
                over = []
            if not over:  # nothing places it (no positions, or a grid of another width): any value
                placed, over = False, list(above.cells)
            cut += [(u, c) for u in over]
        nxt = g.lines[0] + 1  # a label piece alone below it: ``行政  2 10 0`` / ``2`` / ``许可``
        label_goes_on = bool(region.frags_on(nxt, Label.ROW)) and not region.cells_on(nxt)
        if not placed and len(g.cells) == 1 and (_page_number(region, g.cells[0]) or label_goes_on):
            continue  # a page number, not a piece of a value
        out["tails"][id(g)] = g
        for u, c in cut:
            out["cut"][id(u)] = (c, placed)
    return out


_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")


def _page_number(region: Region, cell: Cell) -> bool:
    """A lone 1-3 digit line followed by an empty line or a page break: a page number."""
    if not _PAGE_NUMBER.fullmatch(normalize(cell.raw)):
        return False
    nxt = cell.line + 1 - region.lines[0].index
    if nxt >= len(region.lines):
        return True
    line = region.lines[nxt]
    text = region.text[line.start : line.end]
    return not text.strip() or "\f" in text


def split_two_rows(groups: list[Group], lexicon: tuple[tuple[str, str], ...]) -> list[Group]:
    """Rows printed one after the other on one line (``行政处罚 7 -2 5191 行政强制 23 -21 0``, as
    pdfplumber joins a table's rows when their cells share a baseline): split at every row label
    that follows a value on the line and names a row of its own. Each part keeps its label and
    the values after it."""
    out: list[Group] = []
    for g in groups:
        if not (g.same_line and g.cells and len(set(g.lines)) == 1):
            out.append(g)
            continue
        frags = sorted(g.evidence, key=lambda f: f.start)
        heads = [0] + [
            i for i, f in enumerate(frags) if i > 0 and f.line == g.lines[0]
            and any(frags[i - 1].end <= c.start < f.start for c in g.cells)
            and frag_score([f] + [h for h in frags[i + 1 :] if h.line == f.line and not any(
                f.end <= c.start < h.start for c in g.cells)], lexicon) >= STRONG
        ]  # fmt: skip
        if len(heads) == 1 or any(c.start < frags[0].start for c in g.cells):
            out.append(g)
            continue
        parts = []
        for k, i in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(frags)
            lo = frags[i].start
            hi = frags[end].start if end < len(frags) else None
            cells = [c for c in g.cells if lo <= c.start and (hi is None or c.start < hi)]
            parts.append(Group(cells, [g.lines[0]], frags[i:end], True))
        # every part has values of its own (a label's tail after its values, ``行政 40 -29 16794 许可``, is no row)
        out += parts if all(p.cells for p in parts) else [g]
    return out


def signed_order(cells: Sequence[Cell], row_cols: Sequence[str]) -> list[tuple[Cell, str]] | None:
    """A full row (one value per column) whose only negative value stands, in the order read, in a
    column that cannot hold one (outside ``SIGNED_COLS``) while the row has exactly one column
    that can: that value is the signed column's (no other may hold it), the others keep their
    order in the remaining columns. None where the order read needs no such move or the row
    holds no single negative value and single signed column."""
    signed = [i for i, col in enumerate(row_cols) if col in SIGNED_COLS]
    negative = [i for i, c in enumerate(cells) if isinstance(c.value, (int, float)) and c.value < 0]
    if len(cells) != len(row_cols) or len(signed) != 1 or len(negative) != 1 or negative == signed:
        return None
    rest = iter(c for i, c in enumerate(cells) if i != negative[0])
    return [(cells[negative[0]] if i == signed[0] else next(rest), col) for i, col in enumerate(row_cols)]


def assemble_active(region: Region, fmt: str, truncated: bool) -> TableResult:
    spec = table_spec(fmt, "active_disclosure")
    res = TableResult.empty(spec)
    lexicon = row_lexicon(fmt, "active_disclosure")
    groups = split_two_rows(build_groups(region, lexicon, 3), lexicon)
    wrapped = _wrapped_digits(region, groups)
    groups = [g for g in groups if id(g) not in wrapped["tails"]]
    assignments = align_rows(groups, spec.row_keys, lexicon)
    located = keeps_positions(region)
    extra = spilled(groups, assignments)
    res.unplaced = unplaced(groups, assignments, extra)
    spaced = spaced_lines(region)
    for a in assignments:
        row_cols = spec.row(a.row).cols
        k = len(row_cols)
        cells = a.group.cells + extra.get(id(a.group), [])
        if not cells:  # a printed row of blanks
            res.found(a.row)
            continue
        header = _header_above(region, a.group.lines[0], row_cols)
        header_text = {key: _stacked_text(region, f, a.group.lines[0]) for f, key in header}
        placed: list[tuple[Cell, str]] = []
        guessed = False  # placed by order with nothing in the layout to confirm it
        # its label is not right above it, or it has none: only the order of rows placed it
        by_order = placed_by_order(region, a.group, min_cells=1, spaced=spaced) or not a.group.evidence
        if len(cells) >= k:
            guessed = len(cells) > k
            if len(cells) > k:
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns; the extra ones were left out")
            placed = list(zip(cells[:k], row_cols))
            if len(cells) == k and (signed := signed_order(cells, row_cols)) is not None:
                # the order read is not the columns' order: where the values are the row's (its label
                # placed them), the sign says where the negative one goes; where only the order of rows
                # placed them, they may be another row's (a group written column by column)
                guessed = True
                if by_order:
                    res.warn(f"row {a.row}: a negative value outside 本年增/减 in the order read; the row's values "
                             "are not known to be in their columns")
                else:
                    placed = signed
                    res.warn(f"row {a.row}: its one negative value is not under 本年增/减 in the order read (a "
                             "reading that writes a minus-signed figure apart); placed there, the row's other values "
                             "in their order")
        else:
            # headers may be scrambled by the flattening: the row's own tab fields come first
            # a tab row short of fields has lost a value: neither its fields nor the header place them
            short = short_tab_row(region, cells, a.group.evidence, k)
            slots = None if short else slot_by_label(cells, a.group.evidence, a.group.same_line, k)
            by_field = {f.field: key for f, key in header}
            if slots is not None:
                placed = [(c, row_cols[s]) for c, s in zip(cells, slots)]
            elif not short and header and region.has_tabs and all(c.field in by_field for c in cells):
                placed = [(c, by_field[c.field]) for c in cells]
            elif located and (under := _short_row_slots(region, cells, row_cols)) is not None:
                by_x, doubt = under
                placed = [(c, row_cols[s]) for c, s in zip(cells, by_x)]  # blank cells, space-aligned
                if doubt:
                    guessed = True
                    res.warn(f"row {a.row}: {doubt}")
                if len(cells) == 1 and 0 < by_x[0] < k - 1 and is_char_grid(column_width(region.text)):
                    # a lone value under a middle column of a reader's grid: a value centred in a
                    # cell merged over the row, or the last column's pushed left, stands there too
                    guessed = True
                    res.warn(f"row {a.row}: its one value {cells[0].raw!r} stands under {row_cols[by_x[0]]} "
                             "(between the first and the last column); which column it is cannot be told for sure")
            elif (by_blank := blank_line_slots(region, a.group, k)) is not None:
                placed = [(c, row_cols[s]) for c, s in zip(cells, by_blank)]  # one per line, empty lines
            elif not located and len(fits := _unit_placements(cells, row_cols)) == 1:
                # one space between values, no positions: a figure printed with its money unit
                # (``0万元``) can only be the amount, and that leaves one placement
                placed = [(c, row_cols[s]) for c, s in zip(cells, fits[0])]
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns; placed by the money unit printed with them")
            elif not located:
                # one space between values, no positions: which column is empty cannot be told
                for col in row_cols:
                    res.values[a.row][col] = None
                    res.status.setdefault(a.row, {})[col] = UNREADABLE
                res.found(a.row)
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns and no column positions; "
                         f"which cell is empty cannot be told, the row is null")  # fmt: skip
                continue
            else:
                res.warn(f"row {a.row}: {len(cells)} values for {k} columns, placed from the left")
                placed = list(zip(cells, row_cols))
                guessed = True
        for cell, col in placed:
            value, status = cell.value, None
            if col in MONEY_COLS:
                unit = money_unit(cell.unit, header_text.get(col))
                value = _to_wanyuan(value, unit)
                if unit is None and cell.value is not None:
                    status = UNREADABLE
                    res.warn(f"row {a.row}: the unit of {cell.raw!r} cannot be read; the amount is null")
            if id(cell) in wrapped["cut"]:
                tail, under = wrapped["cut"][id(cell)]
                value, status = None, UNREADABLE
                if under:
                    res.warn(f"row {a.row}: {cell.raw!r} in {col} goes on with {tail.raw!r} on the next line "
                             "(digits wrapped in a narrow cell); the value is null")  # fmt: skip
                else:
                    res.warn(f"row {a.row}: {tail.raw!r} on the next line goes on with one of the row's values "
                             f"(a figure wrapped in a narrow cell), maybe {cell.raw!r} in {col}; the value is null")
            res.put(a.row, col, cell, a.score, value=value, inferred=by_order, ambiguous=guessed, status=status)
    # values that went to no row beside a row printed without any (Chromium's PDF through raw
    # pdftotext writes a row's values before its label): the rows between may hold the neighbour's
    doubt_between(res, assignments, tuple(dict.fromkeys(c for r in spec.rows for c in r.cols)))
    res.rows_found = len(assignments)
    res.cut_off = truncated
    found = {a.row for a in assignments}
    missing = [r for r in spec.row_keys if r not in found]
    if missing and assignments:
        res.warn(
            ("the table is cut off; " if truncated else "")
            + f"rows not found: {', '.join(missing)}; their cells are null"
        )
    return res
