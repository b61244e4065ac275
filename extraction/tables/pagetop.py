"""Table 三's first rows on a page, drawn among the page's column headers (raw ``pdftotext``).

On a page that repeats table 三's column headers, raw ``pdftotext`` orders the page's first row
group by where the header cells above it end, not left to right: the taller header cells of the
right-hand columns (``法律服务机构``, ``社会公益组织``, ``其他``, ``总计``) come between the values, a
value that stands right under its own header cell comes in that header's block, and the next group's
first column can come before the rest of the row. Seen on WPS-style PDFs (every page that
starts with the header; the same order in each)::

    10 / 0 / 0 / 总计 / 法律服务 / 机构 / 0 / 其他 / (empty) / 0 / 社会公益 / 组织 / 0 / 0 / 10 / …

is the row (10, 0, 0, 0, 0, 0, 10): 自然人, 商业企业, the next row's 自然人, 法律服务 (in its header's
block), 科研机构 (its header 其他 is a block of its own: an empty line stands between), 社会公益
(in its block), 其他, 总计.

``reorderings`` rewrites such a window into column order, for each choice of which of its blocks
(if any) is the next group's first column: a value printed in its header's block (no empty line
between) takes that header's column, the others fill the remaining columns in the order printed.
The caller divides each rewritten stream as usual (``streamorder.solve_checked``) and keeps what
every fitting rewrite agrees on; none is used where the stream divides as printed.

Two more page tops of the same PDFs: a page that starts with single rows can hold the second row's
自然人 **and** the next group's among the headers (``_window_choices(moves=2)``, tried after every
other rewrite), and header cells narrow enough that the reader joins them into one line
(``商业企业 科研机构 社会公益``) have their rows' values in their own block row by row
(``_row_block_choices``: ``140 / 46 / 0 / 4 / 17 / 5 / 0 / 0`` is two rows of four columns).
"""
from __future__ import annotations

import re
from itertools import combinations, permutations
from math import prod
from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell
from .onereading import warn_once
from .result import TableResult
from .blankdivision import blank_identities_result
from .digitruns import _holds
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP, Number
from .streamorder import (
    _HEADER_CELLS,
    COLUMN_HEADERS,
    StreamSolution,
    agree_all,
    _header_column,
    _page_numbers,
    block_starts,
    header_lead,
    lone_numbers,
    page_tops,
    solve_checked,
    stream_result,
    subtotal_header,
)

# a line that opens the column header of table 三 (its first header cell)
_HEADER_OPENS = ("申请人情况", "自然人")
# header lines above a value read for the columns they name (``_attached_columns``: 申请人情况 /
# 自然人 / 法人或其他组织 / 商业企业 科研机构 社会公益 / 组织)
_ROW_HEADER_LINES = 6
# the words of table 三's column header as readers print them (whole cells, and the pieces of the
# two-line cells 社会公益 / 组织, 法律服务 / 机构)
_HEADER_WORDS = frozenset({*_HEADER_CELLS, "社会公益", "法律服务", "组织", "机构"})
# rewrites tried per table at most (every window's choices multiply)
MAX_REWRITES = 64
# column headers printed again in one table at most (a page's first rows: one window per page; a
# table 三 runs over a few pages): each window multiplies the rewrites, and every rewrite is divided
# anew (``streamorder.solve_checked``, ``blockorder.divide_by_blocks``), so more windows are not tried
MAX_WINDOWS = 8
# distinct orders of a window's unnamed blocks tried at most (``_block_orders``: at most 7! = 5040
# permutations walked, zeros and repeated values make most alike)
MAX_ORDERS = 120
# rewrites of the blocks' orders tried per table at most (every combination, or none: a subset's
# agreement could be a guess); each is divided anew
MAX_ORDER_REWRITES = 384


def preceding(text: str, lines: Sequence[Line], heading: int) -> int:
    """The index of the first line of table 三's first page drawn before its own heading (on line
    ``heading``): a page that starts with the table's column header and its values, the heading and
    the row labels drawn after them (raw ``pdftotext`` keeps the page's drawing order), e.g.
    ``申请人情况`` / ``自然人`` / … / ``5`` / ``0`` / ``社会公`` / ``益组织`` / ``0`` / … / ``三、收到和处理…``.
    Walking back from the heading over lone values, empty lines and applicant header pieces (cut ones
    too: ``科研机`` / ``构``), the earliest ``申请人情况`` line; ``heading`` when there is none or no
    value stands between it and the heading. Values before that line are another table's."""
    start, values = heading, 0
    for ln in reversed(lines[:heading]):
        s = re.sub(r"\s+", "", text[ln.start : ln.end])
        if not s:
            continue
        if LONE_NUMBER.fullmatch(s):
            values += 1
        elif not any(s in name for name in _HEADER_CELLS):
            break
        elif s.startswith(_HEADER_OPENS[0]) and values:
            start = ln.index
    return start


class TooManyWindows(ValueError):
    """The region prints table 三's column header before more than ``MAX_WINDOWS`` groups of values:
    no page's first rows, no rewrite tried; the message says so (a warning of the table)."""


def _blocks(starts: Sequence[bool]) -> list[list[int]]:
    """The stream's blocks (``streamorder.block_starts``) as lists of stream indices."""
    out: list[list[int]] = []
    for i, s in enumerate(starts):
        if s or not out:
            out.append([])
        out[-1].append(i)
    return out


def _attached_header(doc: Document, lines: Sequence[Line], pos: dict[int, int], cell: Cell) -> int | None:
    """The applicant column a header printed in the value's own block names: the text lines right
    above the value with no empty line between (``streamorder._header_column``); None otherwise."""
    at = pos.get(cell.line)
    above: list[str] = []
    k = (at if at is not None else 0) - 1
    while at is not None and k >= 0 and len(above) < 4:
        s = doc.text[lines[k].start : lines[k].end].strip()
        if not s:
            break
        above.insert(0, s)
        k -= 1
    return _header_column(above) if above else None


def _attached_columns(doc: Document, lines: Sequence[Line], pos: dict[int, int], cell: Cell) -> list[int]:
    """The applicant columns the header lines right above the value name (no empty line and no
    other text between, at most ``_ROW_HEADER_LINES``), in column order, where one of those lines
    names two or more (header cells the reader joined into one line, ``商业企业 科研机构 社会公益``);
    empty otherwise. A header line is made of the header's words alone (``_HEADER_WORDS``); the
    group header ``法人或其他组织`` names no column (its ``其他`` is not the 其他 column's)."""
    at = pos.get(cell.line)
    above: list[list[str]] = []
    k = (at if at is not None else 0) - 1
    while at is not None and k >= 0 and len(above) < _ROW_HEADER_LINES:
        words = doc.text[lines[k].start : lines[k].end].split()
        if not words or not all(w in _HEADER_WORDS for w in words):
            break
        above.insert(0, [w for w in words if w in COLUMN_HEADERS or w in _HEADER_CELLS[3:]])
        k -= 1
    if not any(len(words) >= 2 for words in above):
        return []
    return sorted(c for c, name in enumerate(COLUMN_HEADERS) if any(w.startswith(name) for ws in above for w in ws))


def _row_block_choices(doc: Document, lines: Sequence[Line], pos: dict[int, int], cells: Sequence[Cell],
                       blocks: list[list[int]], w0: int, stop: int) -> list[tuple[list[int], int]]:  # fmt: skip
    """The window of blocks from ``w0`` (before block ``stop``) as one row group of ``k`` rows where
    a block stands right under header cells the reader joined into one line naming ``m`` columns
    (``_attached_columns``): its ``k`` × ``m`` values written row by row, a row's values left to
    right (a page of a WPS-style PDF whose narrow header cells share a line: ``140 46 0 4 17 5 0 0``
    under ``自然人`` / ``商业企业 科研机构 社会公益`` is two rows of four columns). The window's other
    blocks are a column's ``k`` values each, named by the header in their block or filling the
    columns left in printed order. One rewrite (the stream indices in column order, a column's
    rows together, and ``k``), or none: no such block, the blocks' sizes do not give one ``k``, two blocks
    name one column, or the rewrite is the printed order."""
    at: dict[tuple[int, int], int] = {}  # (column, row) -> stream index
    free: list[list[int]] = []
    k, taken, joined = None, set(), False
    b = w0
    while b < stop and len(taken) + len(free) < APP_COLS:
        idx = blocks[b]
        cols = _attached_columns(doc, lines, pos, cells[idx[0]])
        if cols:
            joined = True
            if len(idx) % len(cols):
                return []
            size = len(idx) // len(cols)
        else:
            size = len(idx)
            col = _attached_header(doc, lines, pos, cells[idx[0]])
            cols = [col] if col is not None else []
        if k is None:
            k = size
        if size != k or k > MAX_GROUP or taken.intersection(cols):
            return []
        if cols:
            taken.update(cols)
            for j, i in enumerate(idx):
                at[(cols[j % len(cols)], j // len(cols))] = i
        else:
            free.append(idx)
        b += 1
    if not joined or k is None or len(taken) + len(free) != APP_COLS:
        return []
    for c, idx in zip((c for c in range(APP_COLS) if c not in taken), free):
        at.update({(c, j): i for j, i in enumerate(idx)})
    seq = [at[(c, j)] for c in range(APP_COLS) for j in range(k)]
    return [(seq, k)] if seq != sorted(seq) else []


def _window_choices(blocks: list[list[int]], named: dict[int, int], w0: int,
                    tail: Sequence[int] = (), moves: int = 1) -> list[list[int]]:  # fmt: skip
    """Rewrites of the window of blocks from ``w0``: each a list of stream indices, the first group
    in column order then the blocks moved after it (the next groups' first columns), if any.
    ``tail``: blocks printed past the next section's heading that belong to this window (the right
    -hand header cells of the table's last page with their values, ``streamorder.continuation``):
    the group's last columns, named by their headers or filling the columns left. ``moves``: how
    many unnamed blocks among the headers may be later groups' first columns (a page that starts
    with single rows: the second row's 自然人 and the next group's, ``自然人`` beside the tall header
    cells); the second and later each after the group before it (its first block's size times the
    six other columns' values, whole blocks, from right after the first group)."""
    width = APP_COLS - len(tail)
    stop = min(tail) if tail else len(blocks)
    window = [b for b in range(w0, min(stop, w0 + width + moves))]
    last = max((b for b in window if b in named), default=None)
    if last is None and not any(b in named for b in tail):
        return []
    out: list[list[int]] = []
    # which blocks (if any) are the next groups' first columns: unnamed ones among the headers
    free = [b for b in window[1:] if last is not None and b < last and b not in named]
    moved_opts = [m for n in range(moves + 1) for m in combinations(free, n)]
    for moved in moved_opts:
        group = [b for b in window if b not in moved][:width] + list(tail)
        if len(group) < APP_COLS or any(m > group[width - 1] for m in moved):
            continue
        k = len(blocks[group[0]])
        if k > MAX_GROUP or any(len(blocks[b]) != k for b in group):
            continue
        cols = [named.get(b) for b in group]
        taken = [c for c in cols if c is not None]
        if len(set(taken)) != len(taken):
            continue
        free_cols = iter(c for c in range(APP_COLS) if c not in taken)
        order: list[int | None] = [None] * APP_COLS
        for b, c in zip(group, cols):
            order[c if c is not None else next(free_cols)] = b
        seq = [i for b in order for i in blocks[b]]  # type: ignore[index]
        # later moved blocks: each after the rest of the group its predecessor opens
        after, whole = group[width - 1] + 1, True
        for j, m in enumerate(moved):
            if j:
                need = len(blocks[moved[j - 1]]) * (APP_COLS - 1)
                while need > 0 and after < stop and after not in moved:
                    seq += blocks[after]
                    need -= len(blocks[after])
                    after += 1
                whole = whole and need == 0
            seq += blocks[m]
        if whole:
            out.append(seq)
    return out


def _block_orders(blocks: list[list[int]], named: dict[int, int], w0: int, values: Sequence[Number | None],
                  tail: Sequence[int] = ()) -> list[list[int]]:  # fmt: skip
    """Rewrites of the window of blocks from ``w0`` as one row group of ``k`` rows (every block ``k``
    values: a column's cells) whose unnamed blocks come in an order the headers do not tell (a page
    of LibreOffice's PDF read by raw pdftotext: ``商业企业``'s block after ``法律服务``'s): each order
    of the unnamed blocks over the columns no header names, once per distinct sequence of values,
    where every row of the group meets its 总计. The caller lets the whole table's arithmetic choose
    and keeps what every fitting rewrite agrees on. More than ``MAX_ORDERS`` sequences: none."""
    width = APP_COLS - len(tail)
    group = list(range(w0, w0 + width)) + list(tail)
    if w0 + width > (min(tail) if tail else len(blocks)):
        return []
    k = len(blocks[group[0]])
    if k > MAX_GROUP or any(len(blocks[b]) != k for b in group):
        return []
    fixed = {named[b]: b for b in group if b in named}
    if len(fixed) != sum(b in named for b in group):
        return []
    free_cols = [c for c in range(APP_COLS) if c not in fixed]
    free_blocks = [b for b in group if b not in named]
    seen: set[tuple] = set()
    out: list[list[int]] = []
    for perm in permutations(free_blocks):
        order = dict(fixed)
        order.update(zip(free_cols, perm))
        seq = [i for c in range(APP_COLS) for i in blocks[order[c]]]
        vals = tuple(values[i] for i in seq)
        if vals in seen:
            continue
        seen.add(vals)
        rows = [[0 if values[i] is None else values[i] for i in seq[j::k]] for j in range(k)]
        if all(_holds(r[:6], r[6:7]) is not False for r in rows):
            out.append(seq)
            if len(out) > MAX_ORDERS:
                return []
    return out


def _row_orders(values: Sequence[Number | None], named: dict[int, int], p: int) -> list[list[int]]:
    """Rewrites of the single row of seven values from stream index ``p`` whose order as printed
    breaks its 总计 (a page's second row in LibreOffice's PDF read by raw pdftotext: 自然人, 社会公益,
    法律服务, 其他, 总计, then 商业企业 and 科研机构, whose header cells were read with the first row):
    each order of the values no header names (``named``: index -> column) over the columns left,
    once per distinct sequence of values, that meets the row's 总计; none when the row as printed
    meets it or more than ``MAX_ORDERS`` sequences do."""
    if p + APP_COLS > len(values):
        return []
    idx = list(range(p, p + APP_COLS))
    row = [0 if values[i] is None else values[i] for i in idx]
    if _holds(row[:6], row[6:7]) is not False:
        return []
    fixed = {named[i]: i for i in idx if i in named}
    if len(fixed) != sum(i in named for i in idx):
        return []
    free_cols = [c for c in range(APP_COLS) if c not in fixed]
    seen: set[tuple] = set()
    out: list[list[int]] = []
    for perm in permutations([i for i in idx if i not in named]):
        order = dict(fixed)
        order.update(zip(free_cols, perm))
        seq = [order[c] for c in range(APP_COLS)]
        vals = tuple(values[i] for i in seq)
        if vals in seen:
            continue
        seen.add(vals)
        v = [0 if x is None else x for x in vals]
        if _holds(v[:6], v[6:7]) is not False:
            out.append(seq)
            if len(out) > MAX_ORDERS:
                return []
    return out


def reorderings(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], starts: Sequence[bool],
                past: int | None = None, permute: bool = False,
                moves: int = 1) -> list[tuple[list[int], frozenset[int]]]:  # fmt: skip
    """``rewritten_streams`` without the rewritten streams' blocks: per rewrite (permutation, moved indices)."""
    return [(perm, moved) for perm, moved, _ in rewritten_streams(doc, lines, cells, starts, past, permute, moves)]


def rewritten_streams(doc: Document, lines: Sequence[Line], cells: Sequence[Cell], starts: Sequence[bool],
                      past: int | None = None, permute: bool = False,
                      moves: int = 1) -> list[tuple[list[int], frozenset[int], list[bool]]]:  # fmt: skip
    """Rewritten orders of the stream ``cells`` (``streamorder.lone_numbers``; ``starts`` their
    blocks) where a page's first row group is printed among the column headers: per rewrite, the
    permutation (new position -> index into ``cells``), the indices it moved out of printed order
    and per new position whether the value starts a block (blocks moved whole keep theirs; a block
    written row by row, ``_row_block_choices``, is a block per column). Every combination of the windows' choices (at most ``MAX_REWRITES``); empty when no
    value of the region is printed among a repeated column header. ``past``: the line of the next
    section's heading where ``lines`` run on past it; the blocks after it go to the last window.
    ``moves``: how many blocks among a page's headers may be later groups' first columns
    (``_window_choices``); past one, every combination or none (more than ``MAX_REWRITES``: none,
    a subset's agreement could be a guess)."""
    pos = {ln.index: k for k, ln in enumerate(lines)}
    blocks = _blocks(starts)
    block_of = {i: b for b, idx in enumerate(blocks) for i in idx}
    opens = [ln.index for ln in lines if any(re.sub(r"\s+", "", doc.text[ln.start : ln.end]).startswith(h)
                                             for h in _HEADER_OPENS)]  # fmt: skip
    tail = [b for b, idx in enumerate(blocks) if past is not None and cells[idx[0]].line > past]
    if len(tail) >= APP_COLS:
        tail = []
    firsts = sorted({w0 for line in opens
                     if (w0 := next((block_of[i] for i, c in enumerate(cells) if c.line > line), None)) is not None
                     and (not tail or w0 < tail[0])})  # fmt: skip
    if len(firsts) > MAX_WINDOWS:
        raise TooManyWindows(
            f"the column header is printed before {len(firsts)} groups of values (more than {MAX_WINDOWS}): "
            "the rows were not rebuilt from the order of the values; their places are a guess"
        )
    windows: dict[int, list[list[int]]] = {}
    # the blocks of a rewrite that does not move whole blocks, by its stream indices
    own_starts: dict[tuple[int, ...], list[bool]] = {}
    for w0 in firsts:
        own = tail if w0 == firsts[-1] else []
        named: dict[int, int] = {}
        for b in [*range(w0, min(len(blocks), w0 + APP_COLS + moves)), *own]:
            col = _attached_header(doc, lines, pos, cells[blocks[b][0]])
            if col is not None:
                named[b] = col
        if permute:
            values = [c.value for c in cells]
            # with blocks past the heading, those are the group's last columns (the other reading,
            # the group before them, is the ordinary rewrites' and the stream's as printed)
            choices = _block_orders(blocks, named, w0, values, own)
            # the page's second row, when its first row is a single row (seven values from the first)
            second = blocks[w0][0] + APP_COLS
            if len(cells) >= second + APP_COLS and not any(cells[i].line > past for i in range(second, second + APP_COLS)
                                                           if past is not None):  # fmt: skip
                names = {i: col for i in range(second, second + APP_COLS)
                         if (col := _attached_header(doc, lines, pos, cells[i])) is not None}  # fmt: skip
                if rows := _row_orders(values, names, second):
                    windows[-1 - second] = rows
        else:
            choices = _window_choices(blocks, named, w0, own, moves)
            if own:
                choices += _window_choices(blocks, named, w0, moves=moves)
            if moves == 1 and not own:
                # a block of header cells joined into one line holds its rows' values row by row
                for seq, k in _row_block_choices(doc, lines, pos, cells, blocks, w0, len(blocks)):
                    own_starts[tuple(seq)] = [j % k == 0 for j in range(len(seq))]
                    choices.append(seq)
        if choices:
            windows[w0] = choices
    if not windows:
        return []
    # a window's choices as stream indices, keyed by its first (blocks' windows: the block's first
    # value; a row's: ``-1 - index``), in stream order
    starts_at = sorted(windows, key=lambda w: -1 - w if w < 0 else blocks[w][0])
    if permute and prod(len(windows[w]) + 1 for w in starts_at) - 1 > MAX_ORDER_REWRITES:
        # not every combination can be tried: a subset's agreement could be a guess
        return []
    out: list[tuple[list[int], frozenset[int], list[bool]]] = []
    limit = MAX_ORDER_REWRITES if permute else MAX_REWRITES
    picks = _disjoint_picks([windows[w] for w in starts_at], limit + (moves > 1))
    if moves > 1 and len(picks) > limit:
        return []
    for pick in picks:
        perm: list[int] = []
        new_starts: list[bool] = []
        moved: set[int] = set()
        at = {min(seq): seq for seq in pick if seq is not None}
        for i in range(len(cells)):
            if i in at:
                perm += at[i]
                new_starts += own_starts.get(tuple(at[i])) or [starts[j] for j in at[i]]
                moved.update(at[i])
            if i not in moved:
                perm.append(i)
                new_starts.append(starts[i])
        if len(perm) == len(cells) and sorted(perm) == list(range(len(cells))):
            out.append((perm, frozenset(moved), new_starts))
    return out


def _disjoint_picks(choices: list[list[list[int]]], limit: int) -> list[list[list[int] | None]]:
    """Per window a choice or ``None`` (not rewritten), at least one rewritten, no stream index in
    two windows' choices (overlapping windows of one page's blocks cannot both be its first rows),
    in ``itertools.product`` order; at most ``limit``. Windows whose choices overlap are pruned
    while walking, so the work grows with the picks returned, not with the product of the
    windows' choices (a region repeating its header before every block has a window per block)."""
    out: list[list[list[int] | None]] = []
    pick: list[list[int] | None] = []

    def walk(w: int, used: set[int]) -> None:
        if len(out) >= limit:
            return
        if w == len(choices):
            if any(p is not None for p in pick):
                out.append(list(pick))
            return
        for seq in [None, *choices[w]]:
            if seq is not None and used.intersection(seq):
                continue
            pick.append(seq)
            walk(w + 1, used if seq is None else used | set(seq))
            pick.pop()
            if len(out) >= limit:
                return

    walk(0, set())
    return out


def _window_columns(perm: Sequence[int], moved: frozenset[int], values: Sequence[Number | None]) -> list[int | None] | None:
    """Per position of the rewritten stream ``perm``, the column its window gives the value (a
    group of ``k`` rows column by column, then the next group's first column: 自然人), None
    outside the windows; None where a window's group breaks a row's 总计."""
    out: list[int | None] = [None] * len(perm)
    q = 0
    while q < len(perm):
        if perm[q] not in moved:
            q += 1
            continue
        e = q
        while e < len(perm) and perm[e] in moved:
            e += 1
        k, extra = divmod(e - q, APP_COLS)
        if not 1 <= k <= MAX_GROUP or extra > MAX_GROUP:
            return None
        for j in range(k):
            row = [0 if (v := values[perm[q + c * k + j]]) is None else v for c in range(APP_COLS)]
            if _holds(row[:6], row[6:7]) is not True:
                return None
        for i in range(q, e):
            out[i] = (i - q) // k if i < q + k * APP_COLS else 0
        q = e
    return out


def assemble_blank_page_tops(res: TableResult, doc: Document, lines: Sequence[Line], past: int | None,
                             breaks: bool) -> TableResult | None:  # fmt: skip
    """Table 三 from a stream short of values (blank cells left no line) whose page's first rows are
    drawn among the repeated column headers: the division under every identity
    (``blankdivision.blank_identities_result``) over each ``reorderings`` rewrite, the cells every
    fitting division of every rewrite gives one value ``inferred``, the others ``unreadable``. The
    caller's last resort, after every rebuild that takes a value for every cell (a stream can be
    short because values stand elsewhere, past the next heading: those are read first). ``breaks``:
    ``blankdivision.order_breaks`` of the reading before the rebuilds changed it. ``None`` where the
    stream is not short, no rewrite applies or divides, or the header is printed too often (its
    warning on ``res``)."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS or any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        return None
    cells, hints = lone_numbers(doc, lines)
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    if len(cells) - lead - len(pages) >= len(spec.row_keys) * APP_COLS:
        return None
    starts = block_starts(cells, lines)
    try:
        # whole blocks moved only: the division below reads the printed blocks (``starts``)
        rewrites = [(perm, moved) for perm, moved, new_starts in rewritten_streams(doc, lines, cells, starts, past)
                    if new_starts == [starts[i] for i in perm]]  # fmt: skip
    except TooManyWindows as exc:
        warn_once(res, str(exc))
        return None
    # a rewrite says its window is the page's first row group in column order (``_window_choices``):
    # kept only where that group's rows meet their 总计, its values held to their columns (the
    # division of a short stream could otherwise cut the window into short rows of any columns)
    named: list[tuple[list[int], frozenset[int], list[int | None]]] = []
    for perm, moved in rewrites:
        cols = _window_columns(perm, moved, [c.value for c in cells])
        if cols is not None:
            named.append((perm, moved, cols))
    if not named:
        return None
    out = blank_identities_result(res, cells, hints, lead, pages, named, breaks, starts, page_tops(doc, lines, cells))
    if out is not None:
        out.warn("the first rows of a page printed among its repeated column headers: "
                 "put in column order by the headers printed with them and by the arithmetic")
    return out


def assemble_page_tops(res: TableResult, doc: Document, lines: Sequence[Line],
                       past: int | None = None, permute: bool = False, moves: int = 1) -> TableResult | None:  # fmt: skip
    """Table 三 rebuilt from the region's one-value lines (``streamorder.assemble_from_stream``)
    with each page's first row group rewritten into column order (``reorderings``): the cells every
    rewrite that divides agrees on; the others ``unreadable``. The cells a rewrite moved are
    ``inferred``. ``None`` when no rewrite divides (or none applies, or the table prints a 小计), or
    the header is printed too often to try them (``TooManyWindows``: its warning added to ``res``).
    ``past``: the next section's heading line where ``lines`` run on past it (``reorderings``).
    Where no rewrite divides, the unnamed blocks in every order (``permute``), then two blocks
    among a page's headers taken for later groups' first columns (``moves``)."""
    spec = res.spec
    if len(spec.rows[0].cols) != APP_COLS or any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        return None
    cells, hints = lone_numbers(doc, lines)
    starts = block_starts(cells, lines)
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    fits: list[StreamSolution] = []
    placed: set[int] = set()
    if permute and len(cells) < len(spec.row_keys) * APP_COLS:
        # fewer values than cells (blank cells left no line): no order of them divides
        return None
    try:
        rewrites = rewritten_streams(doc, lines, cells, starts, past, permute, moves)
    except TooManyWindows as exc:
        warn_once(res, str(exc))
        return None
    # rewrites whose division agrees with the blocks first; only where none does, the arithmetic alone
    for blocks in (True, False):
        for perm, moved, new_starts in rewrites:
            new_at = {old: new for new, old in enumerate(perm)}
            sol = solve_checked([cells[i].value for i in perm], spec.row_keys,  # type: ignore[misc]
                                frozenset(new_at[i] for i in pages), [None if i in moved else hints[i] for i in perm],
                                lead, new_starts if blocks else (), fallback=False)  # fmt: skip
            if sol is None:
                continue
            # the division's tokens as indices into ``cells`` (every rewrite's cells compared alike);
            # blocks move whole, so their starts hold in the rewritten order
            sol.index = [[None if x is None else perm[x] for x in row] for row in sol.index]
            fits.append(sol)
            placed |= moved
        if fits:
            break
    if not fits and not permute and moves == 1:
        # no rewrite divides: the window's unnamed blocks in every order the rows' totals allow;
        # then a page of single rows whose second row's 自然人 and the next group's stand among the
        # headers (tried last: more rewrites, the ones above keep their readings)
        return (assemble_page_tops(res, doc, lines, past, permute=True)
                or assemble_page_tops(res, doc, lines, past, moves=2))
    if not fits:
        return None
    sol = agree_all(fits)
    out = stream_result(spec, cells, sol, frozenset(placed))
    out.warn("the first rows of a page printed among its repeated column headers: "
             "put in column order by the headers printed with them and by the arithmetic")
    return out
