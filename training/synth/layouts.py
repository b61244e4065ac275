"""Flatten a table grid into lines, the way each tool that produced real reports does it.

- ``browser``: a browser's copy of an HTML table: only real cells, tab-separated, one row per line
  (a row-spanning cell appears once); a ``<br>`` inside a cell breaks the line.
- ``word``: Word/python-docx: every grid position is a cell, so merged cells leave stray tabs.
- ``one_per_line``: every cell on its own line (blank value cells as empty lines), trailing spaces.
- ``space``: pdftotext -layout: cells at column positions padded with spaces, long labels wrapped
  above and below the values' line, vertical labels one character per line.
``displaced`` (any layout but one_per_line): the row labels come out as a list, then the value rows.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from .ir import NL, GCell, Grid, Line, O, Seg, split_rows, width

@dataclass
class LayoutOpts:
    rng: random.Random
    blocks: itertools.count = field(default_factory=itertools.count)
    displaced: str | None = None  # None | "all" | "results" (only the 三 block's rows)
    trailing_tab: bool = False  # word: every row ends with one more tab
    trailing_space: bool = False  # one_per_line


def cell_items(cell: GCell) -> list[Seg | object]:
    items: list[Seg | object] = []
    for i, line in enumerate(cell.lines):
        if i:
            items.append(NL)
        items += line
    return items


def _displaced_range(grid: Grid, how: str | None) -> tuple[int, int] | None:
    data = [i for i, r in enumerate(grid.rows) if r.part == "data"]
    if not how or grid.nlabel == 0 or not data:
        return None
    if how == "results":
        res = [i for i in data if grid.rows[i].key not in ("new_received", "carried_over", "carried_forward")]
        return (res[0], res[-1] + 1) if res else None
    return data[0], data[-1] + 1


def _last_label_col(placed: list[tuple[int, GCell]]) -> int:
    cols = [c for c, cell in placed if cell.kind == "row"]
    return cols[-1] if cols else 0


def render_grid(grid: Grid, layout: str, opts: LayoutOpts) -> list[Line]:
    if layout == "space":
        return _render_space(grid, opts)
    placed, covered = grid.placed(), grid.covered()
    rng = opts.rng
    disp = _displaced_range(grid, opts.displaced) if layout != "one_per_line" else None
    out: list[Line] = []

    def meta(r: int, **kw: object) -> dict[str, object]:
        return {"role": "table", "table": grid.table, "part": grid.rows[r].part, "block": next(opts.blocks), **kw}

    def tab_row(r: int, only: str | None = None) -> list[Seg | object]:
        """One grid row as tab-separated items; ``only`` = "row"/"val" keeps those cells."""
        starts = dict(placed[r])
        items: list[Seg | object] = []
        if layout == "word" and only is None:
            for c in range(grid.ncols):
                if c:
                    items.append(O("\t"))
                if c in starts:
                    items += cell_items(starts[c])
            if opts.trailing_tab:
                items.append(O("\t"))
            return items
        cells = [cell for _, cell in placed[r] if only is None or cell.kind == only]
        for i, cell in enumerate(cells):
            if i:
                items.append(O("\t"))
            items += cell_items(cell)
        return items

    r = 0
    while r < len(grid.rows):
        row = grid.rows[r]
        if disp and r == disp[0]:
            for k in range(*disp):
                for _, cell in placed[k]:
                    if cell.kind == "row":
                        for line in cell.lines:
                            out.append(Line(list(line), **meta(k, part="labels")))  # type: ignore[arg-type]
            for k in range(*disp):
                out += split_rows(tab_row(k, "val"), **meta(k, part="values"))
            r = disp[1]
            continue
        if layout == "one_per_line":
            for col, cell in placed[r]:
                if cell.empty:
                    if row.part == "data":
                        out.append(Line([O(rng.choice(["", " ", "  "]))], **meta(r)))  # type: ignore[arg-type]
                    continue
                for line in cell.lines:
                    segs = list(line) + ([O(" ")] if opts.trailing_space else [])
                    out.append(Line(segs, **meta(r)))  # type: ignore[arg-type]
            r += 1
            continue
        lc = _last_label_col(placed[r])
        if layout == "word":
            cont = ("\t" * lc, "\t" * (grid.ncols - lc - 1 + opts.trailing_tab))
        else:
            cont = ("\t" * (1 if covered[r] else 0), "")
        out += split_rows(tab_row(r), **meta(r, cont=cont))
        r += 1
    return out


# --- pdftotext -layout -------------------------------------------------------------------------------
def _wrap(text: str, w: int) -> list[str]:
    """Break a label into chunks of display width <= w (no chunk starts or ends with a space)."""
    chunks, cur = [], ""
    for ch in text:
        if cur and width(cur + ch) > w:
            chunks.append(cur)
            cur = ""
        cur += ch
    chunks.append(cur)
    chunks = [c.strip() for c in chunks]
    return [c for c in chunks if c]


def _cell_lines(cell: GCell, w: int) -> list[list[Seg]]:
    if cell.kind == "val" or cell.vertical:
        return [list(line) for line in cell.lines]
    out: list[list[Seg]] = []
    for line in cell.lines:
        for seg in line:
            if seg.label is None and cell.kind == "caption":
                out += [[O(c)] for c in _wrap(seg.text, w)]
            else:
                out += [[seg.copy(text=c)] for c in _wrap(seg.text, w)]
    return out


def _render_space(grid: Grid, opts: LayoutOpts) -> list[Line]:
    rng = opts.rng
    placed = grid.placed()
    gap, indent = rng.choice([2, 3, 4]), rng.choice([0, 0, 2, 4, 6])
    align = rng.choice(["right", "center"])
    widths = [0] * grid.ncols
    label_w = {1: [rng.randint(14, 24)], 3: [rng.randint(6, 12), rng.randint(8, 16), rng.randint(14, 30)], 0: []}
    for c, w in enumerate(label_w[grid.nlabel]):
        widths[c] = w
    cap = rng.choice([4, 6, 8, 10])
    for r, row in enumerate(grid.rows):
        for col, cell in placed[r]:
            if cell.kind == "val" and cell.colspan == 1 and col >= grid.nlabel:
                widths[col] = max(widths[col], width(cell.text()))
    for c in range(grid.nlabel, grid.ncols):
        widths[c] = max(widths[c], cap)
    if grid.table == "active_disclosure":  # 4 columns sharing the group rows' widths
        widths[1:] = [max(widths[1:])] * (grid.ncols - 1)
    xs = [indent + sum(widths[:c]) + gap * c for c in range(grid.ncols)]

    def span_w(col: int, cell: GCell) -> int:
        return sum(widths[col : col + cell.colspan]) + gap * (cell.colspan - 1)

    # every cell's physical lines, and each row's height
    lines_of: dict[tuple[int, int], list[list[Seg]]] = {}
    heights = [1] * len(grid.rows)
    for r in range(len(grid.rows)):
        for col, cell in placed[r]:
            if cell.empty:
                continue
            cl = _cell_lines(cell, max(2, span_w(col, cell)))
            lines_of[(r, col)] = cl
            if cell.rowspan == 1:
                heights[r] = max(heights[r], len(cl))
    for r in range(len(grid.rows)):
        for col, cell in placed[r]:
            if cell.rowspan > 1 and (r, col) in lines_of:
                have = sum(heights[r : r + cell.rowspan])
                need = len(lines_of[(r, col)])
                if need > have:
                    heights[min(r + cell.rowspan, len(grid.rows)) - 1] += need - have
    starts = list(itertools.accumulate([0] + heights))
    phys: list[list[tuple[int, list[Seg]]]] = [[] for _ in range(starts[-1])]
    for r in range(len(grid.rows)):
        for col, cell in placed[r]:
            cl = lines_of.get((r, col))
            if not cl:
                continue
            total = sum(heights[r : r + cell.rowspan])
            top = starts[r] + ((total - len(cl)) // 2 if cell.rowspan == 1 or cell.vertical else 0)
            w = span_w(col, cell)
            for i, segs in enumerate(cl):
                tw = width("".join(s.text for s in segs))
                x = xs[col]
                if cell.kind == "val":
                    x += (w - tw) if align == "right" else (w - tw) // 2
                elif cell.kind == "col":
                    x += max(0, (w - tw) // 2)
                phys[top + i].append((x, segs))

    def build(items: list[tuple[int, list[Seg]]]) -> list[Seg]:
        segs: list[Seg] = []
        cur = 0
        for x, cell_segs in sorted(items, key=lambda t: t[0]):
            x = max(x, cur + 2 if segs else x)
            if x > cur:
                segs.append(O(" " * (x - cur)))
            segs += cell_segs
            cur = x + width("".join(s.text for s in cell_segs))
        return segs

    disp = _displaced_range(grid, opts.displaced)
    out: list[Line] = []
    row_of_line = [r for r, h in enumerate(heights) for _ in range(h)]
    blocks = {r: next(opts.blocks) for r in range(len(grid.rows))}
    done_disp = False
    for p, items in enumerate(phys):
        r = row_of_line[p]
        row = grid.rows[r]
        if disp and disp[0] <= r < disp[1]:
            if not done_disp:
                out += _space_displaced(grid, disp, placed, lines_of, xs, widths, gap, align, opts)
                done_disp = True
            continue
        label_items = [x for x, _ in items if x < (xs[grid.nlabel] if grid.nlabel < grid.ncols else 10**6)]
        cont = (" " * (max(label_items) if label_items else indent), "")
        out.append(Line(build(items), role="table", table=grid.table, part=row.part, block=blocks[r], cont=cont))
    return out


def _space_displaced(grid: Grid, disp: tuple[int, int], placed: list[list[tuple[int, GCell]]],
                     lines_of: dict[tuple[int, int], list[list[Seg]]], xs: list[int], widths: list[int], gap: int,
                     align: str, opts: LayoutOpts) -> list[Line]:  # fmt: skip
    out: list[Line] = []
    pad = O(" " * xs[0]) if xs[0] else None
    for r in range(*disp):
        for col, cell in placed[r]:
            if cell.kind == "row":
                for segs in lines_of.get((r, col), []):
                    out.append(Line(([pad] if pad else []) + segs, role="table", table=grid.table, part="labels",
                                    block=next(opts.blocks)))  # fmt: skip
    for r in range(*disp):
        segs: list[Seg] = []
        cur = 0
        vx = xs[grid.nlabel] - (xs[grid.nlabel] - xs[0]) // 2  # values move left under the labels' space
        for col, cell in placed[r]:
            if cell.kind != "val" or cell.empty:
                continue
            text = cell.text()
            x = vx + (xs[col] - xs[grid.nlabel]) + (widths[col] - width(text) if align == "right" else 0)
            x = max(x, cur + 2 if segs else x)
            segs.append(O(" " * (x - cur)))
            segs += cell.lines[0]
            cur = x + width(text)
        out.append(Line(segs, role="table", table=grid.table, part="values", block=next(opts.blocks)))
    return out

