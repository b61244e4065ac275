"""Table 三's page drawn in two flows (raw ``pdftotext``).

Raw ``pdftotext`` groups a page's text blocks into *flows* and writes one flow after the other.
On a page of table 三 it can put the right-hand header cells (``其他``, ``总计``) with the cells
under them into a second flow: the page's values are written once for the left-hand part of
its rows, then the header cells with the first row's values right under them, then the rest of
the later rows' right-hand cells (LibreOffice's PDF, ``pdftotext -bbox-layout``: the second
flow holds 其他 and 总计 of the first rows and more columns of the lower rows)::

    1679 / 283 / 8 / 社会公益组织 14 / 法律服务机构 113 / 0 / 0 / 0 / 0 / 0 / … / 43 / 8 / 0 /
    其他 / 71 / 总计 / 2168 / 0 / 0 / 5 / 1 / 42 / …

is the rows (1679, 283, 8, 14, 113, 71, 2168), (0, 0, 0, 0, 0, ·, 0), … Each flow keeps its
rows in order and each row's cells left to right, so every row is a run of the first flow's
values followed by a run of the second's (either may be empty); where each row's runs end is
not printed. ``flow_merges`` finds each way to cut the two flows into such rows under which
every row meets its 总计 (a row of one flow written column by column as a row group: its
blocks), each giving the page's values in row order; the caller divides every merge under the
table's identities and keeps what all fitting divisions agree on, so the cells two merges fill
differently are null, never a guess. A page is taken as two flows only where an applicant
column's header cell that the page has not printed yet stands after its first row's values
with a value right under it (in its block: no empty line between).
"""
from __future__ import annotations

import bisect
import re
from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .blankdivision import blank_identities_result
from .result import TableResult
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP, Number
from .streamorder import (
    StreamSolution,
    _agree,
    _header_column,
    _page_numbers,
    block_starts,
    header_lead,
    lone_numbers,
    solve_checked,
    stream_result,
    subtotal_header,
)

# a line that opens table 三's column header on a page (its first header cell)
_HEADER_OPENS = ("申请人情况", "自然人")
# merges of one page's two flows kept at most (each is divided anew under the identities); more:
# none is tried (a subset's agreement could be a guess)
MAX_FLOW_MERGES = 64
# cuts of one page's flows walked at most (rows of zeros cut alike in several ways give one merge)
MAX_FLOW_PATHS = 4096
# the most (first flow, second flow) positions a page's search may visit, checked before it runs
MAX_FLOW_STATES = 20_000
# flow positions all split points of one page may visit together (a page with no marker), checked first
MAX_SPLIT_STATES = 200_000


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _row_meets_total(vals: Sequence[Number | None]) -> bool:
    """A row's printed values, its last the 总计: the total printed and equal to the others' sum
    (a blank mark counts 0)."""
    if len(vals) < 2 or vals[-1] is None:
        return False
    rest = sum(0 if v is None else v for v in vals[:-1])
    return abs(rest - vals[-1]) < 1e-6 * max(1.0, abs(vals[-1]))


def _hints_fit(hints: Sequence[int | None]) -> bool:
    """Per value of a row of ``n`` printed values (blank cells print nothing), the column a header
    printed with it names, if any: value ``p`` stands in column ``p`` … ``p + 7 - n``; the last is
    the 总计."""
    n = len(hints)
    if hints[-1] is not None and hints[-1] != APP_COLS - 1:
        return False
    return all(h is None or p <= h <= p + APP_COLS - n for p, h in enumerate(hints))


def two_flow_pages(doc: Document, lines: Sequence[Line], cells: Sequence[Cell]) -> list[tuple[list[int], list[int]]]:
    """Per page of the region drawn in two flows, ``(first, second)``: the indices into ``cells``
    of the page's values before the second flow's first header cell and from it to the page's
    end (or its next column header). A second flow starts at a line holding one applicant
    column's header cell that no line of the page's header before it names, with a lone number
    on the very next line (the first row's value under it), after more values of the page than
    one row holds."""
    text = doc.text
    feeds = [m.start() for m in re.finditer("\f", text)]

    def page(pos: int) -> int:
        return bisect.bisect_right(feeds, pos)

    by_index = {ln.index: k for k, ln in enumerate(lines)}
    heads = [k for k, ln in enumerate(lines)
             if any(_squeeze(text[ln.start : ln.end]).startswith(h) for h in _HEADER_OPENS)]  # fmt: skip
    # a header's lines together open one page's values (申请人情况 then 自然人): the first of them
    opens = [k for n, k in enumerate(heads)
             if not n or any(LONE_NUMBER.fullmatch(text[lines[j].start : lines[j].end].strip())
                             for j in range(heads[n - 1], k))]  # fmt: skip
    out: list[tuple[list[int], list[int]]] = []
    done_pages: set[int] = set()
    for o in opens:
        pg = page(lines[o].start)
        if pg in done_pages:
            continue
        ends = [q for q in opens if q > o]
        stop = ends[0] if ends else len(lines)
        named: set[int] = set()
        values = 0
        marker = None
        for k in range(o, stop):
            ln = lines[k]
            if page(ln.start) != pg:
                break
            raw = text[ln.start : ln.end]
            s = raw.strip()
            if not s:
                continue
            if LONE_NUMBER.fullmatch(s):
                values += 1
                continue
            col = _header_column([s])
            if col is None:
                continue
            after = by_index.get(ln.index + 1)
            under = after is not None and LONE_NUMBER.fullmatch(text[lines[after].start : lines[after].end].strip())
            if col not in named and under and values > APP_COLS:
                marker = k
                break
            named.add(col)
        if marker is None:
            continue
        first = [i for i, c in enumerate(cells) if by_index.get(c.line, -1) in range(o, marker)]
        second = [i for i, c in enumerate(cells) if by_index.get(c.line, -1) in range(marker, stop)
                  and page(c.start) == pg]  # fmt: skip
        if first and second:
            out.append((first, second))
            done_pages.add(pg)
    return out


def _attached(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], hints: Sequence[int | None]) -> list[int | None]:
    """The header hints (``streamorder.lone_numbers``) of values printed in their header's block
    (the line right above the value is text, no empty line between); a header cell that is a
    block of its own stands over a blank cell as often as over the value after it."""
    at = {ln.index: k for k, ln in enumerate(lines)}
    out: list[int | None] = []
    for c, h in zip(cells, hints):
        k = at.get(c.line)
        above = doc.text[lines[k - 1].start : lines[k - 1].end].strip() if k else ""
        out.append(h if above and not LONE_NUMBER.fullmatch(above) else None)
    return out


def flow_merges(values: Sequence[Number | None], hints: Sequence[int | None], starts: Sequence[bool],
                first: Sequence[int], second: Sequence[int]) -> list[list[int]] | None:  # fmt: skip
    """The page's values (indices ``first`` then ``second`` into ``values``) in row order: every
    cut of the two flows into rows, each row a run of ``first`` then a run of ``second`` of two to
    seven values meeting its 总计 (``hints`` consistent), or ``k`` rows of ``first`` alone written
    column by column (seven blocks of ``k`` values, ``starts``), that uses both flows whole. One
    index list per distinct sequence of values; ``[]`` where none fits; ``None`` where more than
    ``MAX_FLOW_MERGES`` distinct merges or ``MAX_FLOW_PATHS`` cuts fit (counted before any is
    built), or the search would pass ``MAX_FLOW_STATES``."""
    n1, n2 = len(first), len(second)
    if (n1 + 1) * (n2 + 1) > MAX_FLOW_STATES:
        return None

    def steps(i: int, j: int) -> list[tuple[int, int, list[int]]]:
        out: list[tuple[int, int, list[int]]] = []
        for a in range(0, min(APP_COLS, n1 - i) + 1):
            for b in range(0, min(APP_COLS - a, n2 - j) + 1):
                idx = [*first[i : i + a], *second[j : j + b]]
                if a + b < 2 and not (a + b == 1 and values[idx[0]] == 0):  # a row printing only its 总计 0
                    continue
                if _row_meets_total([values[x] for x in idx]) and _hints_fit([hints[x] for x in idx]):
                    out.append((i + a, j + b, idx))
        for k in range(2, MAX_GROUP + 1):
            if i + APP_COLS * k > n1:
                break
            idx = list(first[i : i + APP_COLS * k])
            if not all(starts[idx[c * k]] and not any(starts[x] for x in idx[c * k + 1 : c * k + k]) for c in range(APP_COLS)):
                continue
            if i + APP_COLS * k < n1 and not starts[first[i + APP_COLS * k]]:
                continue
            rows = [[values[idx[c * k + r]] for c in range(APP_COLS)] for r in range(k)]
            if all(_row_meets_total(row) for row in rows):
                out.append((i + APP_COLS * k, j, [idx[c * k + r] for r in range(k) for c in range(APP_COLS)]))
        return out

    # completions per state, capped: the merges are counted before any is built
    memo: dict[tuple[int, int], int] = {}
    edges: dict[tuple[int, int], list[tuple[int, int, list[int]]]] = {}

    def count(i: int, j: int) -> int:
        if (i, j) == (n1, n2):
            return 1
        if (i, j) in memo:
            return memo[i, j]
        if len(memo) > MAX_FLOW_STATES:
            return MAX_FLOW_PATHS + 1
        edges[i, j] = steps(i, j)
        total = 0
        for ni, nj, _ in edges[i, j]:
            total = min(total + count(ni, nj), MAX_FLOW_PATHS + 1)
        memo[i, j] = total
        return total

    found = count(0, 0)
    if found > MAX_FLOW_PATHS:
        return None
    merges: list[list[int]] = []
    seen: set[tuple] = set()

    def walk(i: int, j: int, acc: list[int]) -> None:
        if (i, j) == (n1, n2):
            key = tuple(values[x] for x in acc)
            if key not in seen:
                seen.add(key)
                merges.append(list(acc))
            return
        for ni, nj, idx in edges.get((i, j), []):
            if memo.get((ni, nj), 1 if (ni, nj) == (n1, n2) else 0):
                walk(ni, nj, acc + idx)

    if found:
        walk(0, 0, [])
    return merges if len(merges) <= MAX_FLOW_MERGES else None


def _page_splits(values: Sequence[Number | None], hints: Sequence[int | None], starts: Sequence[bool],
                 idx: Sequence[int]) -> list[list[int]] | None:
    """Every distinct merge (``flow_merges``) of the page's values ``idx`` cut at any point into a
    first and a second flow; ``None`` past ``MAX_FLOW_MERGES`` distinct merges or where the splits
    together would pass ``MAX_SPLIT_STATES`` flow positions (counted before any is searched)."""
    n = len(idx)
    if sum((s + 1) * (n - s + 1) for s in range(1, n)) > MAX_SPLIT_STATES:
        return None
    seen: dict[tuple, list[int]] = {}
    for s in range(1, n):
        merges = flow_merges(values, hints, starts, idx[:s], idx[s:])
        if merges is None:
            return None
        for m in merges:
            seen.setdefault(tuple(values[x] for x in m), m)
        if len(seen) > MAX_FLOW_MERGES:
            return None
    return list(seen.values())


def channel_rewrites(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], hints: Sequence[int | None],
                     starts: Sequence[bool]) -> tuple[list[list[int]], frozenset[int]] | None:  # fmt: skip
    """Orders of the stream ``cells`` with each page cut by a whitespace channel put in row order,
    where no header cell marks the cut (``two_flow_pages`` finds none): consecutive rows whose
    blank cells' gaps overlap in x are written by raw ``pdftotext`` as their cells right of the
    gap (rows in order) after their cells left of it, so the page is two flows with the second's
    start not printed. Every split point of the page is tried (``_page_splits``); a page whose
    values fit no merge at any split is left as printed. The page's blank marks (``-``, ``无``:
    no value) are left out of the rows and put at the page's end, free (raw ``pdftotext`` writes
    a mark in the channel apart from its row, doc 155: ``17 / - / 无 / 1 / 5``); they are blank
    cells either way. Per rewrite the permutation (new position -> index into ``cells``) and the
    free values; ``([], …)`` where no page merges; ``None`` where a page's merges or their
    combinations pass ``MAX_FLOW_MERGES`` or the search its state bound."""
    text = doc.text
    feeds = [m.start() for m in re.finditer("\f", text)]
    values = [c.value for c in cells]
    hints = _attached(doc, lines, cells, hints)
    pages: dict[int, list[int]] = {}
    for i, c in enumerate(cells):
        pages.setdefault(bisect.bisect_right(feeds, c.start), []).append(i)
    per_page: list[tuple[list[int], list[list[int]]]] = []
    free: set[int] = set()
    combos = 1
    for idx in pages.values():
        marks = [i for i in idx if values[i] is None]
        rows = [i for i in idx if values[i] is not None]
        merges = _page_splits(values, hints, starts, rows)
        if merges is None:
            return None
        merges = [m for m in merges if m != rows]
        if not merges:
            continue
        combos *= len(merges)
        if combos > MAX_FLOW_MERGES:
            return None
        per_page.append((idx, [[*m, *marks] for m in merges]))
        free.update(marks)
    if not per_page:
        return [], frozenset()
    out: list[list[int]] = [list(range(len(cells)))]
    for span, merges in per_page:
        at = set(span)
        nxt: list[list[int]] = []
        for perm in out:
            pos = [k for k, i in enumerate(perm) if i in at]
            for merge in merges:
                new = list(perm)
                for k, i in zip(pos, merge):
                    new[k] = i
                nxt.append(new)
        out = nxt
    return out, frozenset(free)


def flow_rewrites(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], hints: Sequence[int | None],
                  starts: Sequence[bool]) -> tuple[list[list[int]], frozenset[int]] | None:  # fmt: skip
    """Orders of the stream ``cells`` with each page drawn in two flows (``two_flow_pages``) put
    in row order (``flow_merges``): per rewrite the permutation, new position -> index into
    ``cells``; every combination of the pages' merges; and the values left out of the rows. A
    page whose flows fit no merge whole is tried once more with its first flow's last value left
    out where that value is a block of its own: raw ``pdftotext`` writes a block it cannot order
    among its flow's others at the flow's end (``-bbox-layout`` of LibreOffice's PDF: a 0 of a
    middle row after the page's last row); that value then stands after the page's rows, free to
    be left out of every row as a page number is. ``([], …)`` where no page is drawn so or a page
    fits no merge; ``None`` where a page's merges or their combinations pass ``MAX_FLOW_MERGES``."""
    pages = two_flow_pages(doc, lines, cells)
    if not pages:
        return channel_rewrites(doc, lines, cells, hints, starts)
    values = [c.value for c in cells]
    hints = _attached(doc, lines, cells, hints)
    per_page: list[tuple[list[int], list[list[int]]]] = []
    stray: set[int] = set()
    combos = 1
    for first, second in pages:
        merges = flow_merges(values, hints, starts, first, second)
        if merges == [] and len(first) > 1 and starts[first[-1]]:
            merges = flow_merges(values, hints, starts, first[:-1], second)
            if merges:
                merges = [[*m, first[-1]] for m in merges]
                stray.add(first[-1])
        if merges is None:
            return None
        if not merges:
            return [], frozenset()
        combos *= len(merges)
        if combos > MAX_FLOW_MERGES:
            return None
        per_page.append((sorted([*first, *second]), merges))
    out: list[list[int]] = [list(range(len(cells)))]
    for span, merges in per_page:
        at = set(span)
        nxt: list[list[int]] = []
        for perm in out:
            pos = [k for k, i in enumerate(perm) if i in at]
            for merge in merges:
                new = list(perm)
                for k, i in zip(pos, merge):
                    new[k] = i
                nxt.append(new)
        out = nxt
    return out, frozenset(stray)


def assemble_page_flows(res: TableResult, doc: Document, lines: Sequence[Line], breaks: bool) -> TableResult | None:
    """Table 三 rebuilt with each page drawn in two flows put back in row order (``flow_rewrites``):
    a stream with a value for every cell divided under the row totals and the column identities
    (``streamorder.solve_checked``), a shorter one (blank cells left no line) under the identities
    with blank cells (``blankdivision.blank_identities_result``; ``breaks``: its
    ``order_breaks``); the cells every fitting division of every merge gives one value
    ``inferred``, the others ``unreadable``. ``None`` where no page is drawn in two flows, nothing
    fits, or the merges pass their bound (a warning on ``res`` says so)."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS or any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        return None
    cells, hints = lone_numbers(doc, lines)
    starts = block_starts(cells, lines)
    found = flow_rewrites(doc, lines, cells, hints, starts)
    if found is None:
        warn = f"a page drawn in two flows fits more than {MAX_FLOW_MERGES} cuts into rows; none is chosen"
        if f"{spec.name}: {warn}" not in res.warnings:
            res.warn(warn)
        return None
    rewrites, stray = found
    if not rewrites:
        return None
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells) | stray
    moved = frozenset(i for perm in rewrites for k, i in enumerate(perm) if i != k)
    if len(cells) - lead - len(pages) >= len(spec.row_keys) * APP_COLS:
        fits: list[StreamSolution] = []
        for perm in rewrites:
            new_at = {old: new for new, old in enumerate(perm)}
            sol = solve_checked([cells[i].value for i in perm], spec.row_keys,  # type: ignore[misc]
                                frozenset(new_at[i] for i in pages), [hints[i] for i in perm], lead, (),
                                fallback=False)  # fmt: skip
            if sol is None:
                continue
            sol.index = [[None if x is None else perm[x] for x in row] for row in sol.index]
            fits.append(sol)
        if not fits:
            return None
        sol = fits[0]
        for other in fits[1:]:
            sol = _agree(sol, other)
        out = stream_result(spec, cells, sol, moved)
    else:
        named = [(perm, frozenset(), [None] * len(perm)) for perm in rewrites]
        out = blank_identities_result(res, cells, hints, lead, pages, named, breaks)
        if out is None:
            return None
    out.warn("a page drawn in two flows (its right-hand cells written after the rest): each row put together "
             "from both by the rows' totals and the table's identities")
    return out
