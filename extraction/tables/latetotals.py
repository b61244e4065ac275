"""Table 三's row groups whose 总计 column raw ``pdftotext`` writes after the rows below them (Chromium's PDF).

Chromium draws an HTML table row by row; raw ``pdftotext`` (no ``-layout``) joins the text of cells
that stand close into blocks and writes the blocks in its own reading order. Rows of a merged label
(or short rows one after another) stand close, so their cells of one column make one block of ``k``
lines, or one line of ``k`` values: the group comes column by column. The right-hand 总计 column of
such a group is taller than the rows' other blocks to its left and stands apart from them (the
widest figures, right-aligned), and pdftotext may write it after the rows below the group: at the end
of the page's rows, each such group's 总计 block in the groups' order (``4 4 2 | … | 0 0 0 0 0 | 0 0 0 0
0 | … | 0 0 0 0 0 0 | 0 0 0 0``: two groups, of six rows and four, their 总计 columns last).

``deferred_orders`` lists the orders of the value stream that put such blocks back: a group is one
short of its columns (five or six units of ``k`` values, each one block or one line, where its rows
hold six or seven columns: the 自然人 column may stand with the labels, ``chromelead``), and the
blocks of the same sizes come later, one after another, in the groups' order. Each order is only a
candidate: the caller divides it as any stream (every row meeting 总计, the column identities the
whole table), and where more than one order divides, the cells they disagree on are null.
The candidates are bounded before any is divided (``MAX_ORDERS``; more: none).
"""
from __future__ import annotations

from typing import Sequence

Number = int | float

# the most candidate orders divided for one stream (more: none, the cost of dividing each being a
# whole stream search)
MAX_ORDERS = 12
# the columns of a group written before its 总计: the six applicant columns, or five where the rows'
# 自然人 values stand with the labels
SHORT_WIDTHS = (6, 5)


def _same_line(starts: Sequence[bool], joined: Sequence[int], i: int) -> bool:
    """Value ``i`` stands on the previous value's line (``chromelead._same_line``)."""
    return joined[i] == 1 and starts[i]


def column_units(starts: Sequence[bool], joined: Sequence[int]) -> list[tuple[int, int, bool]]:
    """The stream's units as (first index, values, whether it may be a column's cells): a unit is a
    run of values each on the previous one's line or on the next line of its block; it may be a
    column's cells when it is one value a line, or one line of three values or more (a line of two is
    as well two adjacent cells of one row, ``0 11``: ``chromelead``). ``starts`` and ``joined`` are
    per value (``streamorder.block_starts``, ``streamorder.label_joins``)."""
    out: list[tuple[int, int, bool]] = []
    n = len(starts)
    i = 0
    while i < n:
        j = i + 1
        while j < n and (not starts[j] or _same_line(starts, joined, j)):
            j += 1
        same = [_same_line(starts, joined, t) for t in range(i + 1, j)]
        out.append((i, j - i, not any(same) or (all(same) and j - i >= 3)))
        i = j
    return out


def _short_groups(units: Sequence[tuple[int, int, bool]], lead: int) -> list[tuple[int, int, int]]:
    """(unit index after the group, rows ``k``, columns ``w``) of every group one column short:
    exactly ``w`` (``SHORT_WIDTHS``) column units of ``k`` ≥ 2 values in a row, neither unit beside
    them one of ``k`` too, all past the first ``lead`` values."""
    def col(u: int, k: int) -> bool:
        return 0 <= u < len(units) and units[u][2] and units[u][1] == k

    out = []
    for u in range(len(units) + 1):
        for w in SHORT_WIDTHS:
            if u - w < 0 or units[u - w][0] < lead:
                continue
            k = units[u - w][1]
            # the unit after it two values a line for each row (其他 and 总计 joined): the group is whole
            pairs = u < len(units) and not units[u][2] and units[u][1] == 2 * k
            if k >= 2 and all(col(t, k) for t in range(u - w, u)) and not col(u - w - 1, k) and not col(u, k) and not pairs:
                out.append((u, k, w))
                break
    return out


def _fits_sums(values: Sequence[Number | None], units: Sequence[tuple[int, int, bool]], group: tuple[int, int, int],
               at: int) -> bool:  # fmt: skip
    """Whether the ``k`` values from ``at`` may be the 总计 column of ``group`` (``_short_groups``):
    each the sum of its row's six applicant columns where the group holds them all, at least the
    sum of its five where the rows' 自然人 stand elsewhere (a blank counts 0)."""
    u, k, w = group
    for j in range(k):
        row = sum(values[units[u - w + c][0] + j] or 0 for c in range(w))
        total = values[at + j] or 0
        if (total != row) if w == 6 else (total < row):
            return False
    return True


def deferred_orders(starts: Sequence[bool], joined: Sequence[int], lead: int = 0,
                    values: Sequence[Number | None] | None = None) -> list[list[int]] | None:  # fmt: skip
    """Candidate orders of the stream (each a list of the original indices in their new order) that
    put back the 总计 blocks of groups one column short (module docstring): for every run of such
    groups in stream order and every place later in the stream where column units of the same sizes
    follow one another (given ``values``, each unit the group's rows' sums: ``_fits_sums``), those
    units moved to the groups' ends. Orders giving the same values in the same blocks count once
    (they divide alike). None past ``MAX_ORDERS`` candidates; [] when there are none."""
    units = column_units(starts, joined)
    groups = _short_groups(units, lead)
    orders: list[list[int]] = []
    seen: set[tuple] = set()
    n = len(starts)
    for a in range(len(groups)):
        for b in range(a, len(groups)):
            run = groups[a : b + 1]
            for t in range(run[-1][0] + 1, len(units) - len(run) + 1):
                if not all(units[t + x][2] and units[t + x][1] == g[1] for x, g in enumerate(run)):
                    continue
                if values is not None and not all(_fits_sums(values, units, g, units[t + x][0]) for x, g in enumerate(run)):
                    continue
                moved = [(units[t + x][0], g[1]) for x, g in enumerate(run)]
                cut = {i for s, k in moved for i in range(s, s + k)}
                at = {units[g[0]][0] if g[0] < len(units) else n: m for g, m in zip(run, moved)}
                order: list[int] = []
                for i in range(n + 1):
                    if i in at:
                        s, k = at[i]
                        order += range(s, s + k)
                    if i < n and i not in cut:
                        order.append(i)
                s2, j2 = reordered(order, starts, joined)
                key = (tuple(values[i] for i in order) if values is not None else tuple(order), tuple(s2), tuple(j2))
                if key in seen:
                    continue
                seen.add(key)
                orders.append(order)
                if len(orders) > MAX_ORDERS:
                    return None
    return orders


def reordered(order: Sequence[int], starts: Sequence[bool], joined: Sequence[int]) -> tuple[list[bool], list[int]]:
    """``starts`` and ``joined`` for the stream in ``order``: a value whose predecessor changed starts a
    block after an empty line (a moved block, and the value after it), the others keep theirs."""
    s: list[bool] = []
    j: list[int] = []
    for pos, i in enumerate(order):
        kept = pos > 0 and order[pos - 1] == i - 1
        s.append(starts[i] if kept else True)
        j.append(joined[i] if kept or pos == 0 else (joined[i] if joined[i] >= 2 else 0))
    return s, j
