"""Can the order raw ``pdftotext`` writes table 三 in tell which division of a page is right?

A diagnosis for issue 13 (``docs/realism.md``, "s12-order"). A blank cell changes the order in
which poppler writes the values around it (``readingorder``), so a WPS-style PDF's table 三 leaves
the grid's row order and the extractor's stream divisions fail. The extractor has only the text, no
boxes: to use the order as evidence it must lay a candidate division out itself and sort that
layout with the reading-order model. ``division_boxes`` is that layout — a block's x from its
column index × a pitch and a width from its characters, its y from the row order (every row
``ROW_LINES`` lines high: the labels' wrapping, which sets the real heights, is not in the text),
a row group's column one box over its rows — and ``order_fits`` asks whether a division sorted so
writes the reading's values in the reading's order past a page's first ``SKIP_ROWS`` rows (those
are written among the column headers, which the layout leaves out).

``measure`` checks that approximation on the generator's WPS-style PDFs, page by page of table 三:
whether the right division fits (with the approximate heights, with the drawn heights, and with
the drawn boxes of the value blocks), and how many other divisions — one value block moved to an
empty cell, or two swapped, keeping every identity the drawn table meets and changing a number —
fit as well. A division that fits where the right one does not would be a wrong number.
``python -m govreport.training.synth.orderfit --seed 1 --docs 0-99`` prints the counts.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

from .readingorder import TextBox, bbox_layout, page_boxes, reading_order

PITCH = 54.0  # points between value columns (any pitch wider than the widest value orders alike)
PAD = 3.0  # a value's left margin in its cell
FONT = 9.0
LEADING = 1.35  # line pitch, × the font size
ROW_LINES = 2  # the height assumed for every row, in lines
SKIP_ROWS = 2  # a page's first rows, written among the column headers: not compared
MARKS = frozenset({"—", "－", "-", "无"})
_VALUE = re.compile(r"^(\d[\d,.]*|—|－|-|无)$")
# table 三's rows outside the (七)总计 sum
_OUTSIDE_SUM = ("new_received", "carried_over", "total_handled", "carried_forward")


@dataclass(frozen=True)
class PlacedBlock:
    """One block of a division of a page: its value column (0–6), the page rows (0-based, top to
    bottom) whose cells it holds, and its values as printed, one per row."""

    column: int
    rows: tuple[int, ...]
    lines: tuple[str, ...]


def char_width(ch: str, size: float = FONT) -> float:
    """A printed character's width (points): digits as Helvetica's, separators half that, a CJK
    character or a dash mark a full em."""
    if ch.isdigit():
        return 0.556 * size
    if ch in ",.-":
        return 0.278 * size
    return size


def row_tops(row_lines: Sequence[int], size: float = FONT) -> list[float]:
    """The y (points, down) of each row's first line, rows ``row_lines[i]`` lines high."""
    out, y = [], 100.0
    for n in row_lines:
        out.append(y)
        y += n * LEADING * size
    return out


def division_boxes(blocks: Sequence[PlacedBlock], tops: Sequence[float], size: float = FONT) -> list[TextBox]:
    """The boxes a division's blocks would have (``blocks`` in any order; the result in the same
    order): x from the column, a width from the characters, y from the rows' tops ``tops``
    (``row_tops``); a block over several rows spans from its first row's line to its last's."""
    out = []
    for b in blocks:
        x0 = b.column * PITCH + PAD
        y0, y1 = tops[b.rows[0]], tops[b.rows[-1]] + size
        x1 = x0 + max(sum(char_width(c, size) for c in t) for t in b.lines)
        out.append(TextBox(x0, y0, x1, y1, size, x0, y0 + 0.8 * size, " ".join(b.lines)))
    return out


def order_fits(blocks: Sequence[PlacedBlock], tops: Sequence[float], skip: int = SKIP_ROWS) -> bool:
    """Does the division write, sorted by the reading-order model, the reading's values in its
    order? ``blocks`` are the reading's blocks in the order written, each placed by the division;
    only blocks starting at page row ``skip`` or later are compared, by their text (a reader sees
    no more)."""
    order = reading_order(division_boxes(blocks, tops))
    got = [blocks[i].lines for i in order if blocks[i].rows[0] >= skip]
    want = [b.lines for b in blocks if b.rows[0] >= skip]
    return got == want


def _number(text: str) -> float:
    return 0.0 if text in MARKS or not text else float(text.replace(",", ""))


def identities_met(rows: dict[str, Sequence[str]]) -> set[tuple[str, str | int]]:
    """The identities table 三 meets, rows {key: seven printed texts, ``""`` empty} (an empty cell or
    a blank mark counting 0): ("row", key) 总计 = the six applicant columns; per column j, ("sum", j)
    (七)总计 = the rows between 二 and (七), ("balance", j) 一 + 二 = (七)总计 + 四. Raises
    ``KeyError`` without the rows 一, 二, (七) and 四."""
    v = {k: [_number(t) for t in c] for k, c in rows.items()}
    out: set[tuple[str, str | int]] = {("row", k) for k, c in v.items() if abs(sum(c[:6]) - c[6]) < 1e-6}
    items = [k for k in v if k not in _OUTSIDE_SUM]
    for j in range(7):
        if abs(sum(v[k][j] for k in items) - v["total_handled"][j]) < 1e-6:
            out.add(("sum", j))
        if abs(v["new_received"][j] + v["carried_over"][j] - v["total_handled"][j] - v["carried_forward"][j]) < 1e-6:
            out.add(("balance", j))
    return out


def _values_of(rows: dict[str, Sequence[str]]) -> dict[str, list[float | None]]:
    return {k: [None if t in MARKS or not t else _number(t) for t in c] for k, c in rows.items()}


@dataclass
class PageResult:
    """One page of table 三: its rows, the value blocks written, the empty cells; whether the right
    division fits the written order with every row ``ROW_LINES`` high (``fits``), with the drawn
    heights (``fits_drawn``), with the drawn boxes of the value blocks (``fits_boxes``) and of other blocks
    too (``fits_with``); the other divisions tried that
    keep the identities and change a number (``alternatives``), how many of them fit (with the
    approximate heights), and of those how many move no block of the page's first rows."""

    page: int
    rows: int
    blocks: int
    empty: int
    fits: bool
    fits_drawn: bool
    fits_boxes: bool
    fits_with: dict[str, bool]  # the drawn value boxes with the page's other blocks of a kind (``_fits_with``)
    alternatives: int
    alternatives_fit: int
    alternatives_fit_late: int
    in_grid_order: bool  # past the first rows, the blocks are written row by row (a group's columns left to right)
    wrong_cells: int  # where the right division does not fit: cells all fitting others agree on, not as drawn
    open_cells: int  # cells some fitting other division gives another value (the order leaves them open)


def _page_blocks(boxes: Sequence[TextBox], drawn: Sequence, size: float, leading: float,
                 page_height: float) -> list[tuple[int, PlacedBlock]] | None:  # fmt: skip
    """The page's value blocks (index among ``boxes``, placed by the drawn grid), None where a
    block does not map onto the drawn cells."""
    # a first line's box top sits (leading − 1.02 × size) below its row's top
    first = [page_height - r.top + leading - 1.02 * size for r in drawn]
    xs = {c: x for c, x, _ in drawn[0].cells}
    low = page_height - (drawn[-1].top - drawn[-1].lines * leading)
    out = []
    for k, b in enumerate(boxes):
        words = b.text.split()
        if b.x0 < xs[0] - 2 or not first[0] - 2 <= b.y0 <= low or not all(_VALUE.match(w) for w in words):
            continue
        col = min(xs, key=lambda c: abs(b.x0 - xs[c]))
        r0 = min(range(len(drawn)), key=lambda i: abs(first[i] - b.y0))
        if abs(b.x0 - xs[col]) > 2 or abs(first[r0] - b.y0) > 3:
            continue
        rows = [i for i in range(r0, len(drawn)) if drawn[i].cells[col][2]][: len(words)]
        if [drawn[i].cells[col][2] for i in rows] != words:
            return None
        out.append((k, PlacedBlock(col, tuple(rows), tuple(words))))
    return out


def _alternatives(blocks: list[PlacedBlock], drawn: Sequence, full: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """Divisions one step from the right one: a one-value block moved to an empty cell of the page,
    or two one-value blocks of different text swapped; yields (blocks, page rows touched, rows)."""
    empty = [(i, c) for i, r in enumerate(drawn) for c, _, t in r.cells if not t]
    single = [n for n, b in enumerate(blocks) if len(b.rows) == 1]
    moves: list[list[tuple[int, tuple[int, int]]]] = [[(n, cell)] for n in single for cell in empty]
    moves += [[(a, (blocks[b].rows[0], blocks[b].column)), (b, (blocks[a].rows[0], blocks[a].column))]
              for a, b in combinations(single, 2) if blocks[a].lines != blocks[b].lines]  # fmt: skip
    keys = [r.key for r in drawn]
    for move in moves:
        rows = {k: list(v) for k, v in full.items()}
        alt = list(blocks)
        for n, _ in move:
            rows[keys[blocks[n].rows[0]]][blocks[n].column] = ""
        for n, (i, c) in move:
            rows[keys[i]][c] = blocks[n].lines[0]
            alt[n] = PlacedBlock(c, (i,), blocks[n].lines)
        touched = {blocks[n].rows[0] for n, _ in move} | {i for _, (i, _) in move}
        yield alt, touched, rows


def _fits_with(boxes: Sequence[TextBox], placed: list[tuple[int, PlacedBlock]], x_values: float,
               late: list[int]) -> dict[str, bool]:  # fmt: skip
    """Does the model, on the drawn boxes, write the page's value blocks past its first rows in the
    written order: with the value blocks alone ("values"), with the other blocks over the value
    columns (the column headers, "headers"), with those and the label column's ("labels"), with
    every block of the page ("page")?"""
    keys = [k for k, _ in placed]
    want = [keys[i] for i in late]
    top = min(boxes[k].y0 for k in keys) - 40  # the column headers stand at most a few lines above
    bottom = max(boxes[k].y1 for k in keys)
    headers = [k for k, b in enumerate(boxes) if b.x0 >= x_values - 2 and b.y1 >= top and b.y0 <= bottom and k not in keys]
    labels = [k for k, b in enumerate(boxes) if b.x1 <= x_values and b.y1 >= top and b.y0 <= bottom]

    def fits(extra: Sequence[int]) -> bool:
        ks = sorted({*keys, *extra})
        order = [ks[i] for i in reading_order([boxes[k] for k in ks])]
        return [k for k in order if k in want] == want

    return {"values": fits([]), "headers": fits(headers), "labels": fits(headers + labels),
            "page": fits(range(len(boxes)))}


def measure(seed: int, index: int) -> list[PageResult] | None:
    """Per page of table 三 of document ``index`` of ``seed`` drawn as a WPS-style PDF (read with
    ``pdftotext -bbox-layout``): ``PageResult``; None where the document has no 7-column table 三."""
    from .documents import _PdfLayout, cjk_font, make_document

    cjk_font()
    lay = _PdfLayout(make_document(seed, index))
    pdf = lay.render()
    drawn = [r for r in lay.drawn if r.table == "applications"]
    if not drawn or len(drawn[0].cells) != 7:
        return None
    size, leading = FONT, FONT * LEADING
    pages = page_boxes(bbox_layout(pdf))
    full = {r.key: [t for _, _, t in r.cells] for r in drawn}
    held = identities_met(full)
    truth = _values_of(full)
    out = []
    for page in sorted({r.page for r in drawn}):
        rows = [r for r in drawn if r.page == page]
        placed = _page_blocks(pages[page], rows, size, leading, lay.pagesize[1])
        if placed is None:
            continue
        blocks = [b for _, b in placed]
        approx = row_tops([ROW_LINES] * len(rows))
        late = [i for i, b in enumerate(blocks) if b.rows[0] >= SKIP_ROWS]
        fits_with = _fits_with(pages[page], placed, rows[0].cells[0][1], late)
        n_alt = n_fit = n_late = 0
        agreed: dict[tuple[str, int], float | None] | None = None
        open_cells: set[tuple[str, int]] = set()
        for alt, touched, alt_rows in _alternatives(blocks, rows, full):
            if not held <= identities_met(alt_rows) or _values_of(alt_rows) == truth:
                continue
            if any(len(b.rows) > 1 and any(alt_rows[rows[q].key][b.column] for q in range(b.rows[0], b.rows[-1] + 1)
                                           if q not in b.rows) for b in alt):  # fmt: skip
                continue  # a block of several lines must still be one column's run of printed cells
            n_alt += 1
            if order_fits(alt, approx):
                n_fit += 1
                n_late += min(touched) >= SKIP_ROWS
                vals = {(k, j): v for k, row in _values_of(alt_rows).items() for j, v in enumerate(row)}
                agreed = vals if agreed is None else {c: v for c, v in agreed.items() if vals[c] == v}
                open_cells |= {(k, j) for (k, j), v in vals.items() if truth[k][j] != v}
        fits = order_fits(blocks, approx)
        wrong = 0 if fits or agreed is None else sum(1 for (k, j), v in agreed.items() if truth[k][j] != v)
        out.append(PageResult(page, len(rows), len(blocks), sum(not t for r in rows for _, _, t in r.cells),
                              fits, order_fits(blocks, row_tops([r.lines for r in rows])),
                              fits_with["values"], fits_with, n_alt, n_fit, n_late,
                              late == sorted(late, key=lambda i: (blocks[i].rows[0], blocks[i].column)), wrong,
                              len(open_cells)))  # fmt: skip
    return out


def _indices(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", default="0-29", help="document indices: 0-99 or 5,18,117")
    ap.add_argument("-v", action="store_true", help="one line per page")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    res = []
    for i in _indices(args.docs):
        for p in measure(args.seed, i) or []:
            res.append((i, p))
            if args.v:
                print(i, p, flush=True)
    n = len(res)
    fits = sum(p.fits for _, p in res)
    wrong = [(i, p.page) for i, p in res if not p.fits and p.alternatives_fit]
    moved = [p for _, p in res if not p.in_grid_order]
    print(f"pages of table 三: {n}; the right division fits the written order: {fits} (row heights assumed), "
          f"{sum(p.fits_drawn for _, p in res)} (drawn heights), {sum(p.fits_boxes for _, p in res)} (drawn boxes)")
    for kind in ("headers", "labels", "page"):
        print(f"  with the drawn value boxes and the page's {kind}: {sum(p.fits_with[kind] for _, p in res)}")
    print(f"pages written out of the grid's row order past their first {SKIP_ROWS} rows: {len(moved)}; the right division "
          f"fits: {sum(p.fits for p in moved)} (assumed), {sum(p.fits_drawn for p in moved)} (drawn heights); other divisions "
          f"fit on {sum(1 for p in moved if p.alternatives_fit)} of them ({sum(p.alternatives_fit for p in moved)})")
    pinned = [p for p in moved if p.fits]
    print(f"  of those the right division fits: {sum(p.rows * 7 for p in pinned)} cells, {sum(p.open_cells for p in pinned)} "
          f"of them left open by another division that fits ({sum(1 for p in pinned if not p.alternatives_fit)} pages none)")
    print(f"other divisions kept by the identities: {sum(p.alternatives for _, p in res)}; fitting too: "
          f"{sum(p.alternatives_fit for _, p in res)} on {sum(1 for _, p in res if p.alternatives_fit)} pages "
          f"({sum(p.alternatives_fit_late for _, p in res)} moving no block of a page's first {SKIP_ROWS} rows)")
    print(f"pages where the right division does not fit and another does: {len(wrong)} {wrong}; cells all those "
          f"others agree on, not as drawn (wrong numbers): {sum(p.wrong_cells for _, p in res)}")
    print(f"cpu {time.process_time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
