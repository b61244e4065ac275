"""Table 二 read from a stream of one-value lines in content-stream order (raw ``pdftotext``).

Raw ``pdftotext`` (no ``-layout``) writes table 二 column by column: the group's row labels come
as one block (``规章 / 规范性文件``), then each column header with the group's values under it in
row order (``本年新制作数量 / 0 / —``). Some readings (WPS-drawn PDFs) print a header with nothing
under it and its values later as a block of their own (``本年增/减 … 采购总金额 / -4 0 / -35 4 /
-34 / 0 万元``). Table 二 has no arithmetic, so only order and labels place the values:

* the k-th header of a column wording is the k-th group (in template order) that has the column;
  past the first header out of the table's order (a WPS drawing) two groups under one wording may
  come in either order, and the cells in which they differ are null;
* values right under a header are its group's rows in template order, when their count is the
  group's row count;
* the value blocks that follow no header are divided among the headers with nothing under them
  (a whole block each, in header order) and the two-row groups whose second row is written
  row-wise apart (one single-value block per column, back to back after the group's headers);
  a block right after a one-row group's own label is that row's. Every division that uses each
  block once is tried; cells on which they disagree are null;
* the table ends at the first other text after its last header (the next table's header printed
  before its heading);
* Chromium's reading: whole groups written row by row after their labels are set apart first
  (``labelrow.groups_read_by_row``), and so are a group's first columns written with its labels,
  the same count of values right after every row's label (``beside_labels``: the columns beside
  the labels), where the group's other columns are all found elsewhere; in such a reading a
  group's column blocks taken by headers with nothing under them are told apart only where they
  agree (Chromium writes them out of the columns' order).

Anything else (a count that does not fit, a header not found) leaves the cells ``None`` with a
warning, never a guess. The reading is used only when the region has the stream's shape: every
value alone on its line (a row label with one value on its line is read as the label, then the
value) and no value run right after a row label but those set apart (a one-cell-per-line reading
in row order has those).
"""
from __future__ import annotations

import re
from typing import Sequence

from ..layout import Line
from ..lexicon import label_key, match_col
from ..templates import TableSpec
from .activeevents import (_FIGURE, _HEADER_SCORE, _MARKER, _UNIT, _Event, _Slot, _events, _group_label,
                           _header_match, _several_headers, template_slots)
from .base import Cell, Region
from .labelrow import groups_read_by_row, row_order
from .result import UNREADABLE, TableResult

def _claims(slots: list[_Slot], order: list[tuple[int, _Slot]], unplaced: list[_Slot],
            orphan_runs: list[tuple[int, list[Cell]]], labelled: dict[int, str],
            between: set[int] = frozenset()) -> dict[int, list[Cell | None]] | None:  # type: ignore[assignment]
    """The values under no header given to their slots (``id(slot)`` → its values in row order,
    ``None`` for a cell that prints nothing), or None where they do not divide exactly.

    Two kinds of claim, taken in the order of their headers, each from the next value runs:
    a header with nothing under it takes a whole run of its group's row count (its column printed
    apart from it); a group of two rows whose columns each hold at most one value under their
    headers, one at least, takes one single-value run per column, back to back after its last
    header: its second row written row-wise apart from the columns (a row whose label block stands
    apart; a column with nothing under its header is then empty in the first row, or its first-row
    value is a one-value block before that row). Every way of taking the runs that fits is
    tried; cells on which they disagree are ``None``. Before
    those, a run right after the label of a one-row group (``labelled``: run index → row) is that
    row's, when it holds one value per column of the group with nothing under its header. Every
    run must be claimed, and every header's values under it fit its rows but in such a group
    (a header short of values may own some of the runs). ``between``: the events (by index) that
    may stand between two blocks of a row written apart besides one empty line — empty lines,
    row and group labels, the values of a one-row group's run right after its label (claimed
    here): a page's next table rows drawn among that row's cells."""
    pos = {id(s): n for n, s in order}
    groups: dict[str, list[_Slot]] = {}
    for s in slots:
        groups.setdefault(s.group, []).append(s)
    out: dict[int, list[Cell | None]] = {}
    unplaced = list(unplaced)
    left = []
    between = set(between)
    for i, run in enumerate(orphan_runs):
        members = groups.get(labelled.get(i, ""), [])
        free = [s for s in members if s in unplaced]
        if free and all(s.rows == [s.group] for s in members) and len(free) == len(run[1]):
            between.update(range(run[0] + 1, run[0] + 1 + len(run[1])))
            for s, c in zip(free, run[1]):
                out[id(s)] = [c]
                unplaced.remove(s)
        else:
            left.append(run)
    orphan_runs = left
    todo: list[tuple[int, _Slot | list[_Slot]]] = []
    for members in groups.values():
        direct = [s for s in members if s.direct]
        if (direct and all(len(s.rows) == 2 for s in members) and all(len(s.values) == 1 for s in direct)
                and all(s.direct or s in unplaced for s in members)):  # fmt: skip
            todo.append((min(pos[id(s)] for s in members), members))
        else:
            todo += [(pos[id(s)], s) for s in members if s in unplaced]
    apart = {id(s) for _, what in todo if isinstance(what, list) for s in what}
    if any(isinstance(what, _Slot) for _, what in todo) and any(
            s.direct and len(s.values) != len(s.rows) and id(s) not in apart for s in slots):  # fmt: skip
        return None  # a header whose values under it do not fit may own one of the whole runs
    todo.sort(key=lambda t: t[0])
    parses = _parses(todo, orphan_runs, pos, between)
    if not parses:
        return None
    for sid in parses[0]:
        rows = zip(*(p[sid] for p in parses))
        # where the parses that fit disagree, the cell is null (a value and a blank, or two values)
        out[sid] = [cells[0] if all(_same(c, cells[0]) for c in cells) else None for cells in rows]
    return out


_MAX_PARSES = 64
_MAX_STEPS = 20_000  # search steps of one division (each header with nothing under it doubles them)


def _same(a: Cell | None, b: Cell | None) -> bool:
    return (a is None) == (b is None) and (a is None or (a.value == b.value and a.unit == b.unit))  # type: ignore[union-attr]


def _parses(todo: list[tuple[int, _Slot | list[_Slot]]], runs: list[tuple[int, list[Cell]]],
            pos: dict[int, int], between: set[int] = frozenset()) -> list[dict[int, list[Cell | None]]]:  # type: ignore[assignment]
    """Every way ``todo``'s claims, in order, take all of ``runs`` (see ``_claims``): a header with
    nothing under it takes a whole run, or its cells are empty (a blank cell leaves no line); in a
    group whose second row is written apart, a column with nothing under its header is empty in the
    first row, or its first-row value is a block of its own before that row. None of them (``[]``)
    where the search would take more than ``_MAX_STEPS`` steps or find ``_MAX_PARSES`` divisions:
    a division not looked at could disagree with the ones found."""
    found: list[dict[int, list[Cell | None]]] = []
    steps = 0
    # the most runs the claims from t on can take: a slot one, a group apart two per column
    room = [0] * (len(todo) + 1)
    for t in range(len(todo) - 1, -1, -1):
        what = todo[t][1]
        room[t] = room[t + 1] + (1 if isinstance(what, _Slot) else 2 * len(what))

    def walk(t: int, k: int, got: dict[int, list[Cell | None]]) -> None:
        nonlocal steps
        steps += 1
        if len(found) >= _MAX_PARSES or steps > _MAX_STEPS or len(runs) - k > room[t]:
            return
        if t == len(todo):
            if k == len(runs):
                found.append(dict(got))
            return
        what = todo[t][1]
        if isinstance(what, _Slot):
            if k < len(runs) and len(runs[k][1]) == len(what.rows) and runs[k][0] > pos[id(what)]:
                # a column printed apart from its header: after it
                walk(t + 1, k + 1, {**got, id(what): list(runs[k][1])})
            walk(t + 1, k, {**got, id(what): [None] * len(what.rows)})  # its cells printed blank
            return
        free = [s for s in what if not s.direct]
        for mask in range(1 << len(free)):
            first: dict[int, Cell | None] = {id(s): s.values[0] for s in what if s.direct}
            j = k
            for n, s in enumerate(free):
                if mask >> n & 1:
                    if j >= len(runs) or len(runs[j][1]) != 1:
                        break
                    first[id(s)], j = runs[j][1][0], j + 1
                else:
                    first[id(s)] = None
            else:
                picked = runs[j : j + len(what)]
                if (len(picked) == len(what) and all(len(c) == 1 for _, c in picked)
                        and picked[0][0] > max(pos[id(s)] for s in what)  # after the group's headers
                        and all(b2 == b1 + 2 or all(e in between for e in range(b1 + 2, b2 + 1))
                                for (b1, _), (b2, _) in zip(picked, picked[1:]))):  # fmt: skip
                    # one value a block, only an empty line (or labels, a claimed one-row run) between them
                    rows = {id(s): [first[id(s)], c[0]] for s, (_, c) in zip(what, picked)}
                    walk(t + 1, j + len(what), {**got, **rows})

    walk(0, 0, {})
    # a search cut short (too many divisions, or steps) may have missed one that disagrees: none
    return [] if steps > _MAX_STEPS or len(found) >= _MAX_PARSES else found


def value_runs(events: list[_Event]) -> list[tuple[int, list[Cell]]]:
    """The runs of consecutive values: (index of the event before the run, which decides whose they
    are; -1 at the start, the run's cells)."""
    runs: list[tuple[int, list[Cell]]] = []
    k = 0
    while k < len(events):
        if events[k].kind != "V":
            k += 1
            continue
        j = k
        while j < len(events) and events[j].kind == "V":
            j += 1
        runs.append((k - 1, [e.cell for e in events[k:j] if e.cell is not None]))
        k = j
    return runs


def _table_end(events: list[_Event]) -> int:
    """Where table 二 ends in the events: at the first line of other text after its last column
    header (the next table's header printed before its heading, prose after the table); group
    labels (第二十条第（X）项, 信息内容) and row labels are the table's own."""
    last = max((n for n, e in enumerate(events) if e.kind == "H"), default=-1)
    for n in range(last + 1, len(events)):
        e = events[n]
        if e.kind == "T" and not re.match(r"第.{1,4}条", e.text) and label_key(e.text) != label_key("信息内容"):
            return n
    return len(events)


def beside_labels(events: list[_Event], spec: TableSpec) -> dict[str, tuple[list[Cell], list[int]]]:
    """Row → (its first ``m`` columns' values in order, their event indices) for each group of two rows
    or more of the same columns whose every row's label (met once, the rows in order) is followed right
    away, with no empty line, by exactly ``m`` values, the same ``m`` for every row and fewer than the
    columns: Chromium draws table 二's value columns right beside the labels, and raw ``pdftotext``
    writes a row's leftmost values with its label (on the label's line or the next ones: ``行政许可 /
    0 / 其他对外管理服务事项 30``, ``规章 / 0 / 0 / 规范性文件 / 0 / 0``), the group's other columns as
    blocks of their own (seed-1 docs 13, 22, 47). A group where any row's label stands with another
    count of values (a value written before its label, seed-1 doc 2) gives nothing: those values are
    no column's by their place."""
    at: dict[str, list[int]] = {}
    for n, e in enumerate(events):
        if e.kind == "R":
            at.setdefault(e.row, []).append(n)
    groups: dict[str, list[str]] = {}
    for r in spec.rows:
        groups.setdefault(r.group or r.key, []).append(r.key)
    out: dict[str, tuple[list[Cell], list[int]]] = {}
    for rows in groups.values():
        cols = spec.row(rows[0]).cols
        if len(rows) < 2 or any(len(at.get(r, ())) != 1 or spec.row(r).cols != cols for r in rows):
            continue
        idx = [at[r][0] for r in rows]
        if idx != sorted(idx):
            continue
        got: dict[str, tuple[list[Cell], list[int]]] = {}
        for r, n in zip(rows, idx):
            m = n + 1
            while m < len(events) and events[m].kind == "V" and events[m].cell is not None:
                m += 1
            got[r] = ([events[i].cell for i in range(n + 1, m)], list(range(n + 1, m)))  # type: ignore[misc]
        counts = {len(c) for c, _ in got.values()}
        if len(counts) == 1 and 0 < min(counts) < len(cols):
            out.update(got)
    return out


def _unsure_column_blocks(slots: list[_Slot], claimed: dict[int, list[Cell | None]]) -> None:
    """Mark unsure (in place) the rows in which a group's column blocks taken by its headers with
    nothing under them (``_claims``, in the headers' order) differ, where two or more of the group's
    columns were so taken: Chromium writes such blocks out of the columns' order (seed-2 doc 6: 行政处罚
    and 行政强制's 处理决定数量 block before their 本年增/减 block), so which of them is which column is
    open. Used where the reading is Chromium's (a group's columns written beside its labels)."""
    groups: dict[str, list[_Slot]] = {}
    for sl in slots:
        if id(sl) in claimed and len(sl.rows) > 1 and len(sl.values) == len(sl.rows):
            groups.setdefault(sl.group, []).append(sl)
    for late in groups.values():
        if len(late) < 2:
            continue
        for j in range(len(late[0].rows)):
            got = [sl.values[j] for sl in late]
            if any(c is None for c in got) or len({(c.value, c.unit) for c in got}) > 1:  # type: ignore[union-attr]
                for sl in late:
                    sl.unsure.add(j)


def assemble_active_stream(res: TableResult, region: Region, fmt: str, by_rows: bool = True) -> TableResult | None:
    """Table 二 rebuilt from a raw ``pdftotext`` stream: a new result, or ``None`` when the region
    does not have the stream's shape or its headers do not match the template's (the caller
    keeps its own reading). ``by_rows``: whole groups written row by row after their labels may be
    set apart first (``labelrow.groups_read_by_row``)."""
    from .active import MONEY_COLS, _to_wanyuan, money_unit

    slots = template_slots(res)
    events = _events(region, {s.col for s in slots}, fmt)
    if events is None or not any(e.kind == "V" for e in events):
        return None
    events = events[: _table_end(events)]
    # a group's first column written beside its labels, one value with each: set apart first
    beside = beside_labels(events, res.spec)
    if beside:
        events = list(events)
        for _, ats in beside.values():
            for i in ats:
                events[i] = _Event("B")
    # whole groups written row by row after their labels (Chromium): set apart before the columns,
    # unless a lone value stays under no header then (another row written row by row, its label
    # stacked with another's or its values not all after it: the columns' division could take it)
    by_row = groups_read_by_row(events, res.spec) if by_rows else {}
    apart = list(events)
    for _, at in by_row.values():
        for i in at:
            apart[i] = _Event("B")
    runs = value_runs(apart)
    if by_row and not any(len(cells) == 1 and not (b >= 0 and apart[b].kind == "H") for b, cells in runs):
        events = apart
    else:
        by_row, runs = {}, value_runs(events)
    if any(b >= 0 and events[b].kind == "R" for b, _ in runs):
        return None  # values right after a row label: a reading in row order
    headers = [(n, e) for n, e in enumerate(events) if e.kind == "H"]
    by_col: dict[str, list[_Slot]] = {}
    for s in slots:
        by_col.setdefault(s.col, []).append(s)
    seen: dict[str, int] = {}
    order: list[tuple[int, _Slot]] = []
    for n, e in headers:
        for col in e.cols:
            i = seen.get(col, 0)
            seen[col] = i + 1
            if i >= len(by_col[col]):
                return None
            order.append((n, by_col[col][i]))
    if any(seen.get(c, 0) != len(v) for c, v in by_col.items()):
        return None  # a header not found (or found twice): the labels cannot place the values
    direct = {b: cells for b, cells in runs if b >= 0 and events[b].kind == "H"}
    # mostly headers without values under them: not the stream's shape, unless the values under
    # no header divide among them exactly (below)
    rowwise = {id(s) for s in slots if all(r in by_row for r in s.rows)}
    besides = {id(s) for s in slots if s.rows and all(r in beside for r in s.rows)
               and res.spec.row(s.rows[0]).cols.index(s.col) < len(beside[s.rows[0]][0])}  # fmt: skip
    if any(n in direct and id(s) in besides for n, s in order):
        return None  # values under such a column's header too: whose the ones beside the labels are is open
    rowwise |= besides
    if any(n in direct and id(s) in rowwise for n, s in order):
        # values under the header the order of headers gives such a group: the headers are not one
        # per group there (a column's one header over two groups), so nothing is set apart
        return assemble_active_stream(res, region, fmt, by_rows=False)
    few = 2 * sum(n in direct or id(s) in rowwise for n, s in order) < len(slots)
    orphan_runs = [(b, cells) for b, cells in runs if not (b >= 0 and events[b].kind == "H")]
    orphans = [cells for _, cells in orphan_runs]
    unplaced: list[_Slot] = []
    out = TableResult.empty(res.spec)
    unknown: list[str] = []
    placed_late: set[int] = set()
    for n, slot in order:
        slot.header = events[n].text
        if id(slot) in besides:
            j = res.spec.row(slot.rows[0]).cols.index(slot.col)
            slot.values = [beside[r][0][j] for r in slot.rows]  # written beside its rows' labels
            slot.direct = True
            placed_late.add(id(slot))
            continue
        if id(slot) in rowwise:
            # its rows' values came after their labels (as the row reader placed them, or by ``row_cells``)
            slot.values = [row_order(res, r, by_row[r][0]).get(slot.col) for r in slot.rows]
            slot.direct = True
            placed_late.add(id(slot))
            continue
        if n not in direct:
            unplaced.append(slot)
            continue
        slot.direct = True
        side = [s for m, s in order if m == n]
        if len(side) == 1:
            slot.values = direct[n]
        elif len({tuple(s.rows) for s in side}) == 1 and len(direct[n]) == len(side) * len(slot.rows):
            # headers side by side on one line: their values come row by row
            j = side.index(slot)
            slot.values = direct[n][j :: len(side)]
        elif len({tuple(s.rows) for s in side}) == 1 and len(slot.rows) == 2 and len(direct[n]) == len(side):
            # one row's worth under side-by-side headers: their first row, row by row, when the
            # second is written apart (one block per column after the labels, claimed below);
            # else the column's cells are null
            slot.values = [direct[n][side.index(slot)]]
        else:
            slot.values = []  # cannot be divided among the headers: null
    labelled = {}  # a run right after a row label that is a block of its own (not the last of a stack of labels)
    for i, (b, _) in enumerate(orphan_runs):
        while b >= 0 and events[b].kind == "B":
            b -= 1
        if b >= 0 and events[b].kind == "R" and (b == 0 or events[b - 1].kind == "B"):
            labelled[i] = events[b].row
    # what may stand between the blocks of a row written apart (a page's other rows drawn among them)
    between = {n for n, e in enumerate(events) if e.kind in "BR" or (e.kind == "T" and _group_label(e.text))}
    claimed = _claims(slots, order, unplaced, orphan_runs, labelled, between) if orphan_runs else None
    if claimed is not None:
        for slot in slots:
            if id(slot) in claimed:
                slot.values = claimed[id(slot)]  # type: ignore[assignment]
                placed_late.add(id(slot))
        if besides:
            _unsure_column_blocks(slots, claimed)
    elif few:
        return None
    elif orphans:
        out.warn(f"{sum(len(c) for c in orphans)} value(s) under no column header were left out")
    # the headers in the table's order as far as they go: up to there the reading walked the
    # table group by group (the k-th header of a wording is the k-th group's). Past that (a WPS
    # drawing) two groups under the same wording may come in either order, and values under no
    # header may be any of them: the cells in which such slots differ are null
    settled = 0
    while settled < len(order) and order[settled][1] is slots[settled]:
        settled += 1
    doubtful = {id(s) for _, s in order[settled:]}
    for col, same in by_col.items():
        for a in same:
            for b in same:
                if a is b or id(a) not in doubtful or id(b) not in doubtful:
                    continue
                if len(a.rows) == len(b.rows) == len(a.values) == len(b.values):
                    for j, (x, y) in enumerate(zip(a.values, b.values)):
                        if x is None or y is None or x.value != y.value:
                            a.unsure.add(j)
    if besides and any(s.rows[0] in beside and id(s) not in besides
                       and (len(s.values) != len(s.rows) or any(c is None for c in s.values)) for s in slots):  # fmt: skip
        # a group read beside its labels whose other columns' values are not all found elsewhere: the
        # values with the labels may be a whole row in row order with a blank cell (LibreOffice, WPS)
        return None
    if by_row and any(len(s.values) != len(s.rows) and any(res.values.get(r, {}).get(s.col) is not None for r in s.rows)
                      for s in slots):  # fmt: skip
        # the rest does not divide with those rows set apart (a header's values do not fit its group)
        # where the row reader read that column: the reading as before (seed-1 Chromium doc 50)
        return assemble_active_stream(res, region, fmt, by_rows=False)
    for slot in slots:
        for r in slot.rows:
            out.found(r)
        if len(slot.values) != len(slot.rows):
            for r in slot.rows:
                out.status.setdefault(r, {})[slot.col] = UNREADABLE
                unknown.append(f"{r}.{slot.col}")
            continue
        for j, (r, cell) in enumerate(zip(slot.rows, slot.values)):
            if j in slot.unsure or cell is None:
                out.status.setdefault(r, {})[slot.col] = UNREADABLE
                unknown.append(f"{r}.{slot.col}")
                continue
            value, status = cell.value, None
            if slot.col in MONEY_COLS:
                unit = money_unit(cell.unit, slot.header)
                value = _to_wanyuan(value, unit)
                if unit is None and cell.value is not None:
                    status = UNREADABLE
            out.put(r, slot.col, cell, value=value, inferred=id(slot) in placed_late, status=status)
    out.rows_found = len(res.spec.rows)
    out.warn("values read one per line in the PDF's content order (each column header followed by its group's values)")
    if by_row:
        out.warn(f"rows {', '.join(by_row)} read row by row from the single-value blocks right after their labels")
    if besides:
        out.warn(f"the first column(s) of rows {', '.join(beside)} read from the values written with each row's label")
    if unknown:
        out.warn("the values under a header do not match its rows (a blank cell leaves no line), or two groups "
                 f"under one wording may be in either order; null: {', '.join(unknown)}")
    return out


def continuation(text: str, lines: Sequence[Line], heading: int) -> int:
    """The index past the last line of table 二 printed right after the next section's heading on
    line ``heading`` (raw ``pdftotext`` writes a table that ends a page in its blocks' order: some
    of its column headers with their values, or all of them, come after that heading, sometimes
    among the next table's header lines): column headers (a wording cut over lines is joined),
    the values right under them, and lone values right after the heading, up to the first value
    under other text; ``heading`` when no value is there."""
    end = heading
    values = 0
    under = True  # the values read now are table 二's: right after the heading or a header
    several = False  # the line above printed several headers side by side
    piece = ""  # the first piece of a header cut over lines, not a header by itself
    header = ""  # the header just read, whose wording may go on in the next line (``本年制发件`` / ``数``)
    for ln in lines[heading + 1 :]:
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if not s:
            several = False  # a header's pieces stand on the lines right below it
            continue
        fig = _FIGURE.match(s)
        if (fig and (fig.end() == len(s) or _UNIT.fullmatch(s[fig.end() :]))) or _MARKER.fullmatch(s):
            if piece or not under:
                break  # a value under something that is no header: the next table's
            values += 1
            header, several = "", False
            end = ln.index + 1
            continue
        if header and (m := match_col(header + s, "active_disclosure")) is not None and m.score >= _HEADER_SCORE:
            header += s
            end = ln.index + 1
            continue
        for cand in (piece + s, s):  # a header cut over lines, or the piece was other text
            m = _header_match(cand)
            if m is not None and m.key:
                break
        if m is not None and m.key:  # a column's (信息内容 holds labels)
            header, piece, under, several = cand, "", True, False
            end = ln.index + 1
            continue
        if _several_headers(s, None):  # side by side (``上一年项目 本年增/减``), perhaps cut: ``数量`` next
            header, piece, under, several = "", "", True, True
            end = ln.index + 1
            continue
        if several and len(s) <= 12:  # the rest of a header of the lines above
            end = ln.index + 1
            continue
        header, under, several = "", False, False
        piece = s if len(s) <= 12 else ""
    return end if values else heading
