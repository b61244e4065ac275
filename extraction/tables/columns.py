"""Space-aligned layouts (pdftotext -layout): which column a value sits in, from x positions.

A blank cell prints nothing there, so a row's values cannot be placed by order; they are placed
under the columns of the header (each column's bottom header piece) by their display position.
"""
from __future__ import annotations

import re

from ..labels import Label
from ..layout import column_width
from ..lexicon import match_col
from .base import Cell, Region


def header_centers(
    region: Region, below: int, keys: frozenset[str], ncols: int, top: int | None = None, split: bool = False
) -> list[float] | None:
    """Column centres of a space-aligned table from its header: the bottom header piece of each
    column (no other header piece under it), where that piece names one of ``keys``.

    A header wrapped in its column (``结果维`` / ``持``) counts once, by its last line; a header
    spanning several columns (``行政诉讼``) has pieces under it and is skipped. None unless exactly
    ``ncols`` such pieces are found, side by side. Only header lines from ``top`` on count.
    ``split``: every word of the header's lines (those holding a tagged column header) is a piece
    of its own (a reader joins cells one space apart, and the caption's last line with the first
    column's header: ``等于第三 自然人``, no piece tagged a column header).
    """
    cols = [f for f in region.frags if f.label == Label.COL and (top or 0) <= f.line < below]
    width = column_width(region.text)
    spans: list[tuple[int, str, int, int]] = []  # (line, text, first column, column after it)
    if split:
        header = {f.line for f in cols}
        for line in region.lines:
            if line.index in header:
                s = region.text[line.start : line.end]
                for m in re.finditer(r"\S+", s):
                    a = width(s[: m.start()])
                    spans.append((line.index, m.group(), a, a + width(m.group())))
    else:
        spans = [(f.line, f.text, f.x, f.x + width(f.text)) for f in cols]
    leaves: list[tuple[float, float]] = []
    for line, piece, a, b in spans:
        if any(g > line and ga < b and a < gb for g, _, ga, gb in spans):
            continue
        # the piece names a column by itself, or with the lines of its header wrapped above it
        text, cur = piece, (line, piece, a, b)
        while True:
            m = match_col(text, region.table)
            if m and m.score >= 0.5 and m.key in keys:
                leaves.append((a, b))
                break
            up = [s for s in spans if s[0] == cur[0] - 1 and s[2] < cur[3] and cur[2] < s[3]]
            if len(up) != 1:
                break
            cur = up[0]
            text = cur[1] + text
    leaves.sort()
    if len(leaves) != ncols or any(b1 > a2 for (_, b1), (a2, _) in zip(leaves, leaves[1:])):
        return None
    return [(a + b) / 2 for a, b in leaves]


def word_centers(region: Region, below: int, leaf_text: str, ncols: int, top: int | None = None) -> list[float] | None:
    """Column centres from the header's words when its cells run together (``商业企业 科研机构
    社会公益``, ``结果 结果 其他``: one space apart, one piece): every word on the header lines
    (from ``top``, above ``below``) that is part of ``leaf_text`` (the leaf headers' texts run
    together), less the words under one of them on a lower line (a header wrapped in its cell:
    ``结果`` / ``维持``). None unless that gives ``ncols`` columns."""
    width = column_width(region.text)
    words: list[tuple[int, int, int]] = []  # (line, x, width)
    for line in region.lines:
        ln = line.index
        if ln < (top or 0) or ln >= below or region.cells_on(ln) or not region.frags_on(ln, Label.COL):
            continue
        s = region.text[line.start : line.end]
        for m in re.finditer(r"\S+", s):
            w = m.group()
            if not w.isascii() and w in leaf_text:
                words.append((ln, width(s[: m.start()]), width(w)))
    leaves = [
        (x, w) for ln, x, w in words
        if not any(ln2 < ln and x2 < x + w and x < x2 + w2 for ln2, x2, w2 in words)
    ]  # fmt: skip
    leaves.sort()
    if len(leaves) != ncols or any(x1 + w1 > x2 for (x1, w1), (x2, _) in zip(leaves, leaves[1:])):
        return None
    return [x + w / 2 for x, w in leaves]


def slot_by_columns(cells: list[Cell], centers: list[float], text: str) -> list[int] | None:
    """Space-aligned values to columns: the order-preserving assignment that puts each value's
    centre nearest its column's centre (a blank cell leaves a column out, wherever it is)."""
    n, m = len(cells), len(centers)
    width = column_width(text)
    if n == 0 or n > m:
        return None
    mids = [c.x + width(c.raw) / 2 for c in cells]
    inf = float("inf")
    # best[i][j]: cost of placing the first i values in the first j columns
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            best[i][j] = min(best[i][j - 1], best[i - 1][j - 1] + abs(mids[i - 1] - centers[j - 1]))
    slots: list[int] = []
    i, j = n, m
    while i > 0:
        if j > i and best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            slots.append(j - 1)
            i, j = i - 1, j - 1
    return slots[::-1]
