"""The order in which raw ``pdftotext`` writes a page's text blocks, re-implemented from poppler.

Raw ``pdftotext`` (no ``-layout``) writes a page block by block in the order poppler's
``TextPage::coalesce`` sorts them (poppler 22.12, ``TextOutputDev.cc``, "reading order sort"); a
table whose every cell is drawn apart is then one block per cell, or one per column of a row group
whose lines stand close. The order follows from the blocks' boxes alone:

1. blocks are made top to bottom (``creation_order``: the first baseline bin of 4 pt holding a
   word, the left-most first word among it and the next three bins);
2. a block, the closest block right of it (overlapping it in y), below it (overlapping in x) and
   below-right form a *table* where they are aligned (centres, left or right edges in x within
   0.7 × the font size; centres, tops or bottoms in y within 0.5 ×); the table's blocks take the
   table's box as their extended box; every other block's box is extended in x over the blocks
   below it up to its neighbours in its own line band;
3. a depth-first topological sort (T. M. Breuel, "High Performance Document Layout Analysis",
   2003) from the blocks in creation order: within one table a block comes after those left of it
   in its line band and those wholly above it; otherwise after a block whose extended box overlaps
   it in x and starts higher (rule 1), or lies wholly left of it with no block between them that
   the one is above by rule 1 and the other below (rule 2);
4. the sorted blocks are grouped into flows (``flows``), and ``pdftotext`` writes an empty line after
   each flow: the text's blocks are flows.

Where a table prints every cell, the table detection makes every cell one table and the order is
row by row. A blank cell breaks the quadruples around it, so cells around a blank can leave the
table and are then ordered by rules 1 and 2: a row's right-hand cells written before its left-hand
ones, or a value written rows later (``docs/realism.md``, "s11-wps").

``page_boxes`` reads the blocks of ``pdftotext -bbox-layout`` output; ``reading_order`` sorts a
page's blocks. ``python -m govreport.training.synth.readingorder --n 30 --seed 1`` renders the
generator's WPS-style PDFs, reads them with ``pdftotext -bbox-layout`` and counts the pages whose
blocks the model orders and groups as ``pdftotext`` wrote them (``compare_pages``), and the reports
whose table 三 values come out of the grid's row order (``values_out_of_unit_order``).
"""
from __future__ import annotations

import argparse
import html
import math
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Sequence

# poppler's constants (TextOutputDev.cc): the pool's baseline bin (points), the tolerances of the
# table detection (× the smallest font size of the four blocks), the bins a block may start in
TEXT_POOL_STEP = 4.0
MIN_COL_SPACING1 = 0.7
MAX_INTRA_LINE_DELTA = 0.5
START_BINS = 4


@dataclass(eq=False)
class TextBox:
    """One text block of a page (points, y down as in ``pdftotext -bbox-layout``): its box, the
    font size of its first word, and where its first word starts (x) and sits (baseline)."""

    x0: float
    y0: float
    x1: float
    y1: float
    font_size: float
    first_x: float
    base: float
    text: str = ""
    flow: int = -1  # the flow ``pdftotext -bbox-layout`` put it in (``page_boxes``), -1 where unknown


@dataclass(eq=False)
class _Node:
    box: TextBox
    ex0: float = 0.0
    ey0: float = 0.0
    ex1: float = 0.0
    ey1: float = 0.0
    table: int = -1


def creation_order(boxes: Sequence[TextBox]) -> list[int]:
    """The order poppler makes the blocks in (indices into ``boxes``): repeatedly, of the first
    non-empty baseline bin and the next three, the bin whose left-most block starts furthest left
    (the earlier bin on a tie), and that block."""
    left = list(range(len(boxes)))
    out: list[int] = []
    while left:
        bins: dict[int, int] = {}
        for i in left:
            k = int(boxes[i].base // TEXT_POOL_STEP)
            if k not in bins or boxes[i].first_x < boxes[bins[k]].first_x:
                bins[k] = i
        first = min(bins)
        start = first
        for k in range(first + 1, first + START_BINS):
            if k in bins and boxes[bins[k]].first_x < boxes[bins[start]].first_x:
                start = k
        out.append(bins[start])
        left.remove(bins[start])
    return out


def _overlap_y(a: TextBox, b: TextBox) -> bool:
    return b.y0 <= a.y1 and b.y1 >= a.y0


def _detect_tables(nodes: list[_Node]) -> None:
    """poppler's table detection: each block with its closest right, below and below-right
    neighbours, where aligned, joins (or starts) a table; the tables' blocks take the table's box."""
    count = 0
    for n1 in nodes:
        b1 = n1.box
        n1.ex0, n1.ex1, n1.ey0, n1.ey1 = b1.x0, b1.x1, b1.y0, b1.y1
        right = below = corner = None
        rx = by = cx = cy = math.inf
        for n2 in nodes:
            b2 = n2.box
            if n2 is n1:
                continue
            if b2.y0 <= b1.y1 and b2.y1 >= b1.y0 and b1.x1 < b2.x0 < rx:
                rx, right = b2.x0, n2
            elif b2.x0 <= b1.x1 and b2.x1 >= b1.x0 and b1.y1 < b2.y0 < by:
                by, below = b2.y0, n2
            elif b1.x1 < b2.x0 < cx and b1.y1 < b2.y0 < cy:
                cx, cy, corner = b2.x0, b2.y0, n2
        if right is None or below is None or corner is None:
            continue
        f2, f3, f4 = right.box, below.box, corner.box
        # the corner block must not overlap the below one in x nor the right one in y, the right one
        # neither the below one, and the corner must stand under the right one and beside the below one
        if ((f3.x0 <= f4.x1 and f3.x1 >= f4.x0) or _overlap_y(f4, f2) or (f2.x0 <= f3.x1 and f2.x1 >= f3.x0)
                or _overlap_y(f3, f2)
                or not (f4.x0 <= f2.x1 and f4.x1 >= f2.x0 and f4.y0 <= f3.y1 and f4.y1 >= f3.y0)):  # fmt: skip
            continue
        size = min(b.font_size for b in (b1, f2, f3, f4))
        dx, dy = size * MIN_COL_SPACING1, size * MAX_INTRA_LINE_DELTA
        in_x = sum((abs((b1.x0 + b1.x1) - (f3.x0 + f3.x1)) / 2 <= dx and abs((f2.x0 + f2.x1) - (f4.x0 + f4.x1)) / 2 <= dx,
                    abs(b1.x0 - f3.x0) <= dx and abs(f2.x0 - f4.x0) <= dx,
                    abs(b1.x1 - f3.x1) <= dx and abs(f2.x1 - f4.x1) <= dx))  # fmt: skip
        in_y = sum((abs((b1.y0 + b1.y1) - (f2.y0 + f2.y1)) / 2 <= dy and abs((f3.y0 + f3.y1) - (f4.y0 + f4.y1)) / 2 <= dy,
                    abs(b1.y0 - f2.y0) <= dy and abs(f3.y0 - f4.y0) <= dy,
                    abs(b1.y1 - f2.y1) <= dy and abs(f3.y1 - f4.y1) <= dy))  # fmt: skip
        if in_x and in_y:
            table = max(corner.table, below.table, right.table, n1.table)
            if table < 0:
                table, count = count, count + 1
            for n in (n1, right, below, corner):
                n.table = table
    boxes: dict[int, list[float]] = {}
    for n in nodes:
        if n.table >= 0:
            e = boxes.setdefault(n.table, [math.inf, math.inf, sys.float_info.min, sys.float_info.min])
            e[:] = [min(e[0], n.ex0), min(e[1], n.ey0), max(e[2], n.ex1), max(e[3], n.ey1)]
    for n in nodes:
        if n.table >= 0:
            n.ex0, n.ey0, n.ex1, n.ey1 = boxes[n.table]


def _extend_others(nodes: list[_Node]) -> None:
    """A block outside every table extends in x over the blocks below it, up to its neighbours in
    its own line band."""
    for n1 in nodes:
        if n1.table >= 0:
            continue
        b1 = n1.box
        hi, lo = math.inf, sys.float_info.min  # poppler's DBL_MAX / DBL_MIN
        for n2 in nodes:
            b2 = n2.box
            if n2 is not n1 and b1.y0 <= b2.y1 and b1.y1 >= b2.y0:
                if b1.x1 < b2.x0 < hi:
                    hi = b2.x0
                if lo < b2.x1 < b1.x0:
                    lo = b2.x1
        for n2 in nodes:
            b2 = n2.box
            if n2 is n1:
                continue
            if n1.ex1 < b2.x1 <= hi and b2.y0 >= b1.y1:
                n1.ex1 = b2.x1
            if lo <= b2.x0 < n1.ex0 and b2.y0 >= b1.y1:
                n1.ex0 = b2.x0


def _rule1(a: _Node, b: _Node) -> bool:
    """``a`` before ``b`` by Breuel's rule 1: their extended boxes overlap in x, ``a`` starts higher."""
    overlap = (a.ex0 <= b.ex0 <= a.ex1) or (b.ex0 <= a.ex0 <= b.ex1)
    return overlap and a.ey0 < b.ey0


def _before(n2: _Node, n1: _Node, nodes: list[_Node]) -> bool:
    """Must ``n2`` be written before ``n1``?"""
    b1, b2 = n1.box, n2.box
    if n1.table >= 0 and n1.table == n2.table:
        return (b2.x1 <= b1.x0 and b2.y0 <= b1.y1 and b2.y1 >= b1.y0) or b2.y1 <= b1.y0
    if _rule1(n2, n1):
        return True
    if n2.ex1 - n1.ex0 <= 0:  # rule 2: wholly left, unless a block stands between them
        return not any(n3 is not n1 and n3 is not n2 and _rule1(n1, n3) and _rule1(n3, n2) for n3 in nodes)
    return False


def reading_order(boxes: Sequence[TextBox]) -> list[int]:
    """The order raw ``pdftotext`` writes a page's blocks in: indices into ``boxes``."""
    order = creation_order(boxes)
    nodes = [_Node(boxes[i]) for i in order]
    _detect_tables(nodes)
    _extend_others(nodes)
    visited = [False] * len(nodes)
    out: list[int] = []
    for start in range(len(nodes)):
        # depth first without recursion: (node, the next candidate to look at)
        stack = [] if visited[start] else [(start, 0)]
        if stack:
            visited[start] = True
        while stack:
            i, j = stack.pop()
            while j < len(nodes) and (visited[j] or not _before(nodes[j], nodes[i], nodes)):
                j += 1
            if j < len(nodes):
                stack.append((i, j + 1))
                visited[j] = True
                stack.append((j, 0))
            else:
                out.append(order[i])
    return out


# font sizes read from word boxes (``page_boxes``) differ by rounding where poppler's are equal
SIZE_TOLERANCE = 0.01
# a flow takes the next block where it starts at most this many × the previous block's font size below it
MAX_BLOCK_SPACING = 2.5


def flows(boxes: Sequence[TextBox], order: Sequence[int], page_width: float) -> list[list[int]]:
    """The flows ``pdftotext`` groups the blocks of ``order`` (``reading_order``) into — it writes an
    empty line after each flow, so they are the text's blocks: a block joins the flow of the block
    written before it where it starts at most ``MAX_BLOCK_SPACING`` × that block's font size below
    it, lies within that block's free space (``_free_space``) and within the flow's first block's,
    and its font is no larger (poppler's ``TextBlock::isBelow``, ``TextFlow::blockFits``)."""
    space = _free_space(boxes, page_width)
    out: list[list[int]] = []
    for i in order:
        b = boxes[i]
        if out:
            p = boxes[out[-1][-1]]
            lo, hi = space[out[-1][-1]]
            first_lo, first_hi = space[out[-1][0]]
            if (b.y0 - p.y1 <= MAX_BLOCK_SPACING * p.font_size and lo <= b.x0 and b.x1 <= hi and b.y0 > p.y0
                    and b.font_size <= p.font_size + SIZE_TOLERANCE and first_lo <= b.x0 and b.x1 <= first_hi):  # fmt: skip
                out[-1].append(i)
                continue
        out.append([i])
    return out


def _free_space(boxes: Sequence[TextBox], page_width: float) -> list[tuple[float, float]]:
    """Per block, the x range free of the blocks beside it (overlapping it in y): from the nearest
    one's right edge on its left to the nearest one's left edge on its right, the page's edges where
    none (poppler's ``priMin`` / ``priMax``)."""
    out = []
    for b in boxes:
        lo, hi = 0.0, page_width
        for o in boxes:
            if o is b or not (o.y0 < b.y1 and o.y1 > b.y0):
                continue
            if o.x0 < b.x0:
                lo = max(lo, min(o.x1, b.x0))
            if o.x1 > b.x1:
                hi = min(hi, max(o.x0, b.x1))
        out.append((lo, hi))
    return out


_BLOCK = re.compile(r'<block xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</block>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
# where a word's baseline sits in its box (× the box's height from the top): the bin of a block's
# first line only needs to be right to 4 pt, and lines of one table row share their bin either way
BASELINE_AT = 0.8


def page_boxes(bbox_html: str) -> list[list[TextBox]]:
    """Per page of ``pdftotext -bbox-layout`` output, its blocks in the order written (the font
    size taken as the first word's box height; ``flow``: the index of the flow holding it)."""
    pages = []
    for page in re.findall(r"<page\b.*?</page>", bbox_html, re.S):
        boxes = []
        for f, flow in enumerate(re.findall(r"<flow>.*?</flow>", page, re.S)):
            for m in _BLOCK.finditer(flow):
                words = _WORD.findall(m.group(5))
                if not words:
                    continue
                x, y0, _, y1 = (float(v) for v in words[0][:4])
                size = y1 - y0
                boxes.append(TextBox(*(float(v) for v in m.groups()[:4]), font_size=size, first_x=x,
                                     base=y0 + BASELINE_AT * size, flow=f,
                                     text=" ".join(html.unescape(w[4]) for w in words)))  # fmt: skip
        pages.append(boxes)
    return pages


def page_widths(bbox_html: str) -> list[float]:
    """The width (points) of each page of ``pdftotext -bbox-layout`` output."""
    return [float(w) for w in re.findall(r'<page width="([\d.]+)"', bbox_html)]


def compare_pages(bbox_html: str) -> list[int | None]:
    """Per page: None where ``reading_order`` orders the page's blocks as ``pdftotext`` wrote them
    and ``flows`` groups them into its flows, else the first block where the two differ."""
    out: list[int | None] = []
    for boxes, width in zip(page_boxes(bbox_html), page_widths(bbox_html)):
        got = reading_order(boxes)
        first = next((k for k, i in enumerate(got) if i != k), None)
        if first is None:
            flow_of = {i: f for f, idx in enumerate(flows(boxes, got, width)) for i in idx}
            first = next((k for k, b in enumerate(boxes) if flow_of[k] != b.flow), None)
        out.append(first)
    return out


# a block of table 三's values: every word a number or a blank mark
_VALUE = re.compile(r"^(\d[\d,.]*|—|－|-|无)$")


def values_out_of_unit_order(boxes: Sequence[TextBox]) -> int:
    """How many of table 三's value blocks on this page (below its column header ``申请人情况``, right
    of the header's left edge, above a heading ``四、``) ``pdftotext`` writes out of the grid's unit
    order (units: blocks whose lines overlap, top to bottom, a unit's blocks left to right), past
    the page's first two units (a page's first rows, drawn among the column headers, are another
    matter); 0 on a page without that header. The count is the blocks outside the longest common
    subsequence of the two orders."""
    head = next((b for b in boxes if b.text.startswith("申请人情况")), None)
    if head is None:
        return 0
    end = min([b.y0 for b in boxes if b.text.startswith("四、") and b.y0 > head.y0] + [math.inf])
    vals = [k for k, b in enumerate(boxes)
            if b.x0 >= head.x0 and head.y0 < b.y0 < end and all(_VALUE.match(w) for w in b.text.split())]  # fmt: skip
    unit: dict[int, int] = {}
    cur, low = -1, -math.inf
    for k in sorted(vals, key=lambda k: boxes[k].y0):
        if boxes[k].y0 > low:
            cur += 1
        low = max(low, boxes[k].y1) if boxes[k].y0 <= low else boxes[k].y1
        unit[k] = cur
    written = [k for k in vals if unit[k] >= 2]
    grid = sorted(written, key=lambda k: (unit[k], boxes[k].x0))
    # longest common subsequence (a page holds a few hundred blocks at most)
    prev = [0] * (len(grid) + 1)
    for a in written:
        row = [0]
        for j, b in enumerate(grid):
            row.append(prev[j] + 1 if a == b else max(prev[j + 1], row[j]))
        prev = row
    return len(written) - prev[-1]


def bbox_layout(pdf: bytes) -> str:
    """``pdftotext -bbox-layout`` of a PDF (raises ``FileNotFoundError`` without poppler-utils)."""
    done = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


# the poppler the model was taken from (Debian bookworm's poppler-utils)
MODELLED_POPPLER = (22, 12)


def poppler_version() -> tuple[int, ...] | None:
    """The installed ``pdftotext``'s version (``pdftotext version 22.12.0`` → (22, 12, 0)); None where
    it is not installed or does not say."""
    try:
        done = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    m = re.search(r"version (\d+(?:\.\d+)*)", done.stdout + done.stderr)
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30, help="documents (WPS-style PDFs) to render and compare")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from .documents import make_document, render_quirk_pdf

    version = poppler_version()
    if version is None:
        print("pdftotext is not installed: apt-get install poppler-utils", file=sys.stderr)
        return 2
    if version[:2] != MODELLED_POPPLER:
        print(f"pdftotext {'.'.join(map(str, version))}: the model is poppler {'.'.join(map(str, MODELLED_POPPLER))}'s; "
              "differences may be the version's", file=sys.stderr)
    same = differ = reports = moved = 0
    for i in range(args.n):
        layout = bbox_layout(render_quirk_pdf(make_document(args.seed, i)))
        for page, first in enumerate(compare_pages(layout), 1):
            if first is None:
                same += 1
            else:
                differ += 1
                print(f"document {i} page {page}: the order differs from block {first}")
        out = sum(values_out_of_unit_order(boxes) for boxes in page_boxes(layout))
        reports += out > 0
        moved += out
    print(f"pages ordered as pdftotext wrote them: {same} of {same + differ}")
    print(f"reports whose table 三 values are written out of the grid's unit order past the page tops: {reports} of "
          f"{args.n} ({moved} value blocks)")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
