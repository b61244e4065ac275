"""Space-aligned layouts (pdftotext -layout): which column a value sits in, from x positions.

A blank cell prints nothing there, so a row's values cannot be placed by order; they are placed
under the columns of the header (each column's bottom header piece) by their display position.
"""
from __future__ import annotations

from ..labels import Label
from ..layout import display_width
from ..lexicon import match_col
from .base import Cell, Region


def header_centers(
    region: Region, below: int, keys: frozenset[str], ncols: int, top: int | None = None
) -> list[float] | None:
    """Column centres of a space-aligned table from its header: the bottom header piece of each
    column (no other header piece under it), where that piece names one of ``keys``.

    A header wrapped in its column (``结果维`` / ``持``) counts once, by its last line; a header
    spanning several columns (``行政诉讼``) has pieces under it and is skipped. None unless exactly
    ``ncols`` such pieces are found, side by side. Only header lines from ``top`` on count.
    """
    cols = [f for f in region.frags if f.label == Label.COL and (top or 0) <= f.line < below]
    spans = [(f, f.x, f.x + display_width(f.text)) for f in cols]
    leaves: list[tuple[float, float]] = []
    for f, a, b in spans:
        if any(g.line > f.line and ga < b and a < gb for g, ga, gb in spans):
            continue
        # the piece names a column by itself, or with the lines of its header wrapped above it
        text, cur = f.text, (f, a, b)
        while True:
            m = match_col(text, region.table)
            if m and m.score >= 0.5 and m.key in keys:
                leaves.append((a, b))
                break
            up = [s for s in spans if s[0].line == cur[0].line - 1 and s[1] < cur[2] and cur[1] < s[2]]
            if len(up) != 1:
                break
            cur = up[0]
            text = cur[0].text + text
    leaves.sort()
    if len(leaves) != ncols or any(b1 > a2 for (_, b1), (a2, _) in zip(leaves, leaves[1:])):
        return None
    return [(a + b) / 2 for a, b in leaves]


def slot_by_columns(cells: list[Cell], centers: list[float]) -> list[int] | None:
    """Space-aligned values to columns: the order-preserving assignment that puts each value's
    centre nearest its column's centre (a blank cell leaves a column out, wherever it is)."""
    n, m = len(cells), len(centers)
    if n == 0 or n > m:
        return None
    mids = [c.x + display_width(c.raw) / 2 for c in cells]
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
