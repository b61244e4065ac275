"""Table 三's rows read from the runs of values between its row labels (Chromium's PDF, raw ``pdftotext``).

Chromium draws an HTML table row by row, and raw ``pdftotext`` (no ``-layout``) writes its blocks in
its own reading order: a few rows' labels, then those rows' values (one a line, a group column by
column, two narrow cells joined on a line), then the next rows' labels and values; elsewhere a
row's values stand among the labels or its last columns come later. Where the whole stream does not
divide (``streamorder.distrust_order``), one such stretch keeps every row of the table null though
the runs of values between the labels of the other rows print them plainly.

``label_run_rows`` reads each run of values that no row label interrupts (``label_starts``: where
each row's label starts in the region), then each span of consecutive runs (``run_spans``: rows whose
自然人 value stands under each label, their other columns after the last). The labels right before a
run and right after it (and those between a span's runs) name its
rows: from the first row labelled before it, or up to the last labelled after it (``named_ranges``);
the values around it, at seven a row where the rows are written in order, leave some ranges of rows
beside those labels possible (``possible_ranges``). Where the run holds seven values a row and
exactly one possible range divides it into rows each meeting 总计 (``streamorder.solve_stream``,
Chromium's orders included), and that range is a named one, its rows are placed (``inferred``,
warned); a cell the divisions disagree on stays as it was. A run of rows whose values meet 总计 in
any order (zeros) between two labels is so left alone unless the values around it pin it, and a run
whose rows hold another value than a cell already determined or break a column identity with the
determined rows is left alone too.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from ..layout import Line
from ..normalize import label_key
from .base import Cell
from .blankcells import APP_COLS
from .labelheights import _MARK, _spanning, label_lines
from .leadrows import conflicts, place_rows, tail_contradicted
from .result import TableResult
from .streamorder import _page_numbers, block_starts, header_lead, label_joins, lone_numbers, solve_stream, subtotal_header

RowRange = tuple[int, int]  # (first template row, row count)
# a wording this long found at the start of a longer numbered piece is that row's label with words after it
_LONG_WORDING = 4


def label_starts(texts: Sequence[str], labels: Sequence[str]) -> list[int | None]:
    """Per template row, the index into ``texts`` of the line where its label starts: as
    ``labelheights.label_lines`` walks the labels in order, and for a row that walk does not find
    (Chromium's PDF: a page's labels out of the rows' order, a row's values among its label's
    pieces) the one line holding a numbered piece whose words begin its wording and no other row's
    (or are its whole wording), or whose words are the row's whole wording and more (another wording:
    ``四、结转下年度继续办理的申请``; only for wordings of ``_LONG_WORDING`` characters or more, so
    that ``3.其他`` is not found in ``2.其他法律行政法规禁止公开``); ``None`` where there is none or more
    than one."""
    at = label_lines(texts, labels)
    wants = [label_key(x) for x in labels]
    found: dict[int, set[int]] = {}
    for k, t in enumerate(texts):
        for piece in t.split():
            key = label_key(piece)
            if not _MARK.match(piece) or len(key) < 2 or _spanning(key):
                continue
            rows = ([r for r, w in enumerate(wants) if w == key] or [r for r, w in enumerate(wants) if w.startswith(key)]
                    or [r for r, w in enumerate(wants) if len(w) >= _LONG_WORDING and key.startswith(w)])
            if len(rows) == 1:
                found.setdefault(rows[0], set()).add(k)
    used = {a for a in at if a is not None}
    return [a if a is not None else next(iter(found[r])) if len(found.get(r, ())) == 1 and not found[r] & used else None
            for r, a in enumerate(at)]  # fmt: skip


def value_runs(cells: Sequence[Cell], lines: Sequence[Line], at: Sequence[int]) -> list[tuple[int, int, list[int], list[int]]]:
    """The runs of ``cells`` (lone numbers of the region ``lines``) that no row label interrupts, as
    ``(first cell, end cell, rows labelled right before, rows labelled right after)``; ``at``: per
    template row, the index into ``lines`` of its label's first line. A label on a value's own line
    stands before the value (``4.保护第三方合法权益 2``: ``streamorder.lone_numbers``)."""
    index = {ln.index: k for k, ln in enumerate(lines)}
    pos = [index[c.line] for c in cells]
    runs: list[tuple[int, int, list[int], list[int]]] = []
    first = 0
    for i in range(1, len(cells) + 1):
        lo, hi = pos[i - 1], pos[i] if i < len(cells) else len(lines)
        between = [r for r, a in enumerate(at) if lo < a <= hi]
        if between or i == len(cells):
            before = [r for r, a in enumerate(at) if (pos[first - 1] if first else -1) < a <= pos[first]]
            runs.append((first, i, before, between))
            first = i
    return runs


def run_spans(runs: Sequence[tuple[int, int, list[int], list[int]]], most: int) -> list[tuple[int, int]]:
    """(first run, last run) of every span of consecutive runs (``value_runs``) holding at most ``most``
    values (the table's cells), single runs first, then longer spans: a run of a row's first value
    written with its label (``7.属于行政执法案卷`` / ``25`` / ``8.属于行政查询事项`` / ``7``: Chromium's
    自然人 column beside the labels) is a row's start only together with the runs of the rows' other
    columns after it (``streamorder.solve_stream``'s runs with their first column among the labels)."""
    out = []
    for span in range(len(runs)):
        for i in range(len(runs) - span):
            if runs[i + span][1] - runs[i][0] <= most and runs[i + span][1] > runs[i][0]:
                out.append((i, i + span))
    return out


def named_ranges(count: int, before: Sequence[int], after: Sequence[int]) -> list[RowRange]:
    """The row ranges of ``count`` rows that a run's neighbouring labels name: from the first row
    labelled right before it, holding every such row (a row's label, then its values; the rows after
    it may have their labels elsewhere), or up to the last row labelled right after it, holding every
    such row (a label centred in a taller row, a group's labels after its values)."""
    out: set[RowRange] = set()
    if before and max(before) < min(before) + count:
        out.add((min(before), count))
    if after and max(after) - count + 1 <= min(after):
        out.add((max(after) - count + 1, count))
    return sorted(out)


def possible_ranges(count: int, labelled: Sequence[int], nrows: int, ahead: int, behind: int) -> list[RowRange]:
    """Every range of ``count`` rows holding a row labelled right before or after a run (``labelled``)
    that the values around it leave possible: ``ahead`` / ``behind``, the table's values before / after
    the run, need as many rows before / after it at seven values a row (a blank cell prints none) —
    where the reading writes the rows in order; Chromium may write a row's cells later (its 自然人
    with the labels, a group's 总计 column after the rows below it), so this only rules out."""
    firsts = {r for x in labelled for r in range(x - count + 1, x + 1)}
    return sorted((r, count) for r in firsts
                  if 0 <= r and r + count <= nrows and ahead <= r * APP_COLS and behind <= (nrows - r - count) * APP_COLS)


def run_rows(cells: Sequence[Cell], starts: Sequence[bool], joined: Sequence[int], first: int, end: int,
             named: Sequence[RowRange], possible: Sequence[RowRange]) -> tuple[int, list[list[Cell | None]]] | None:  # fmt: skip
    """(first template row, rows of cells) of the run ``cells[first:end]`` divided into the rows of
    the one range in ``possible`` (``possible_ranges``) whose rows it divides into, each row meeting
    总计 (Chromium's orders included), where that range is one its labels name (``named_ranges``); a
    cell the divisions disagree on None. None where no possible range or more than one divides (the
    labels and the values around the run do not pin its rows: seven zeros are any row's), the one
    that does is not named, or a value is not a number (a blank mark: the run is short of a cell)."""
    values = [c.value for c in cells[first:end]]
    if any(v is None for v in values):
        return None
    found: list[tuple[int, list[list[Cell | None]]]] = []
    for row, count in possible:
        sol = solve_stream(values, count, starts=starts[first:end], joined=joined[first:end], chromium=True)
        if sol is not None:
            found.append((row, [[None if i is None else cells[first + i] for i in idx] for idx in sol.index]))
    if len(found) != 1 or (found[0][0], len(found[0][1])) not in named:
        return None
    return found[0]


def label_run_rows(res: TableResult, doc: Document, lines: Sequence[Line]) -> list[str]:
    """Table 三 read by order (``streamorder.distrust_order``) given the rows the runs of values
    between its row labels print (module docstring): their cells take the run's values
    (``inferred``). Nothing where the table is not seven columns wide (the 8-column variant prints a
    subtotal too) or a row's label is not found. ``res`` is changed in place; returns the rows set
    (warned)."""
    spec = res.spec
    cols = list(spec.rows[0].cols)
    if len(cols) != APP_COLS or any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        return []
    cells, _ = lone_numbers(doc, lines)
    at = label_starts([doc.text[ln.start : ln.end] for ln in lines], [row.label for row in spec.rows])
    if not cells or any(a is None for a in at):
        return []
    starts = block_starts(cells, lines)
    joined = label_joins(doc, cells, lines)
    keys = list(spec.row_keys)
    # values that are no row's: another table's before the column header, page numbers
    lead, numbers = header_lead(doc, lines, cells), _page_numbers(doc, cells)
    placed: list[str] = []
    runs = value_runs(cells, lines, at)  # type: ignore[arg-type]
    for i, j in run_spans(runs, APP_COLS * len(keys)):
        first, end, before, after = runs[i][0], runs[j][1], runs[i][2], runs[j][3]
        inner = [r for k in range(i, j) for r in runs[k][3]]  # rows labelled between the span's runs
        if (end - first) % APP_COLS or any(first <= x < end for x in numbers):
            continue
        ahead = first - lead - sum(x < first for x in numbers)
        behind = len(cells) - end - sum(x >= end for x in numbers)
        count = (end - first) // APP_COLS
        named = [*named_ranges(count, [*before, *inner], []), *named_ranges(count, [], [*inner, *after])]
        got = run_rows(cells, starts, joined, first, end, named,
                       possible_ranges(count, [*before, *inner, *after], len(keys), ahead, behind))
        if got is None:
            continue
        row, rows = got
        part = list(zip(keys[row : row + len(rows)], rows))
        kept = {key: run for key, run in part if all(c is not None for c in run)}
        if conflicts(res, cols, part) or tail_contradicted(res, cols, kept):  # type: ignore[arg-type]
            continue
        placed += place_rows(res, cols, part)
    if placed:
        res.warn("rows read from a run of values between row labels (seven values a row for the rows labelled "
                 "right before or after it, each meeting 总计): " + ", ".join(placed))
    return placed
