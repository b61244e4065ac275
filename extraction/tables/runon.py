"""Tables that run on inside a line (crawler text): labels and digit runs, no separators.

The spans of the table's character range are read in order: a row label followed by value tokens
is a printed row (a label with no values: a row of blank cells), header words and group labels
only separate them. Rows are aligned to the template as elsewhere (``rows.align_rows``); each
row's tokens are then split into its cells (``digitruns``), the report's identities choosing among
the splits: table 三 per row (总计 = the six applicant columns) and per column (一+二 = (七)总计 +
四, (七)总计 = the sum of (一)…(六)), table 四 per group (总计 = the four results). Table 二 has no
identities: a run with more than one split leaves the cells it cannot place null. A cell two
fitting splits disagree on is null, with a warning that says so.
"""
from __future__ import annotations

import re
from typing import Any

from ..document import Document
from ..labels import Label
from ..lexicon import is_group_label, row_lexicon
from ..normalize import label_key, normalize
from ..templates import table_spec
from .base import Cell, Frag, Group, parse_value
from .digitruns import APP_COLS, Part, Split, agreement, solve_applications, solve_review, solve_row
from .result import UNREADABLE, TableResult
from .rows import STRONG, align_rows, frag_score

REVIEW_GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")


def _spans(doc: Document, a: int, b: int):
    return [s for s in doc.spans if a <= s.start < b and s.label in (Label.ROW, Label.COL, Label.CELL, Label.UNIT)]


_NUMBERING_NEXT = re.compile(r"[.．、]\s*[\u3400-\u9fff（(“]")


def _cell(doc: Document, s, unit: str | None) -> Cell:
    end = s.end
    if unit is None and end - s.start > 1 and _NUMBERING_NEXT.match(normalize(doc.text[end : end + 3])):
        end -= 1  # ``00000002.其他…``: the last digit numbers the next row's label
    raw = doc.text[s.start : end]
    return Cell(parse_value(raw), raw, s.start, end, 0, 0, 0, s.score, unit)


def _frag(doc: Document, s) -> Frag:
    raw = doc.text[s.start : s.end]
    return Frag(raw, label_key(raw), s.label, s.start, s.end, 0, 0, 0, is_group_label(raw))


def _read(doc: Document, a: int, b: int, lexicon, skip_words: frozenset[str]) -> tuple[list[Group], list[str]]:
    """Printed rows in order, and for each the header text seen since the previous row (units)."""
    spans = _spans(doc, a, b)
    units = {s.start: normalize(doc.text[s.start : s.end]) for s in spans if s.label == Label.UNIT}
    groups: list[Group] = []
    headers: list[str] = []
    pending: list[Frag] = []
    header = ""  # the header words of the current block (a unit note among them)
    header_open = False
    cur: Group | None = None

    def blank_rows(frags: list[Frag]) -> None:
        for f in frags:  # labels that got no values: rows of blank cells
            if frag_score([f], lexicon) >= STRONG:
                groups.append(Group([], [], [f], True))
                headers.append(header)

    for i, s in enumerate(spans):
        if s.label == Label.UNIT:
            continue
        if s.label == Label.CELL:
            header_open = False
            nxt = spans[i + 1] if i + 1 < len(spans) else None
            unit = units.get(nxt.start) if nxt is not None and nxt.label == Label.UNIT and nxt.start - s.end <= 2 else None
            if cur is None:
                blank_rows(pending[:-1])
                cur = Group([], [], pending[-1:], True)
                groups.append(cur)
                headers.append(header)
                pending = []
            cur.cells.append(_cell(doc, s, unit))
            continue
        cur = None
        f = _frag(doc, s)
        if s.label == Label.COL or f.group:
            blank_rows(pending)
            pending = []
            header = header + f.text if header_open else f.text
            header_open = True
            continue
        header_open = False
        if f.key in skip_words:
            continue
        pending.append(f)
    blank_rows(pending)
    return groups, headers


def _sub_cell(cell: Cell, part: Part, value: Any) -> Cell:
    """The cell's share of a run: offsets of its digits inside the token."""
    raw = cell.raw[part.start : part.end]
    return Cell(value, raw, cell.start + part.start, cell.start + part.end, 0, 0, 0, cell.score, cell.unit)


def _describe(cells: list[Cell]) -> str:
    return " ".join(c.raw for c in cells)


def _splits(cells: list[Cell], k: int) -> list[Split] | None:
    return solve_row([c.raw for c in cells], k)


def _put_split(res: TableResult, row: str, cols: tuple[str, ...], cells: list[Cell], parts: list[Part | None],
               score: float, convert=None, inferred: bool = False) -> None:  # fmt: skip
    """Cells of a split run; ``inferred``: the run had several splits and arithmetic chose. A cell
    the splits disagree on is printed but unreadable (null)."""
    res.found(row)
    for col, p in zip(cols, parts):
        if p is None:
            res.status.setdefault(row, {})[col] = UNREADABLE
            continue
        value = p.value if convert is None else convert(col, p, cells[p.token])
        res.put(row, col, _sub_cell(cells[p.token], p, value), score, value=value, inferred=inferred)


def _warn_ambiguous(res: TableResult, row: str, cols: tuple[str, ...], cells: list[Cell], parts, n: int | None,
                    why: str = "") -> None:  # fmt: skip
    unknown = [c for c, p in zip(cols, parts) if p is None]
    if not unknown:
        return
    count = "too many splits" if n is None else (f"{n} splits fit" if n else "no split into its cells fits")
    res.warn(
        f"row {row}: the values '{_describe(cells)}' run together; {count}{why}; "
        f"{', '.join(unknown)} null (the text cannot tell them)"
    )


# --- table 二 -------------------------------------------------------------------------------------------------
def _money(header: str):
    h = normalize(header)
    header_unit = "万元" if "万元" in h else ("元" if "元" in h else None)

    def convert(col: str, part: Part, cell: Cell):
        if col != "amount" or part.value is None:
            return part.value
        unit = cell.unit or header_unit
        return round(part.value / 10000, 8) if unit == "元" else part.value

    return convert


def assemble_active_runon(doc: Document, a: int, b: int, fmt: str) -> TableResult:
    spec = table_spec(fmt, "active_disclosure")
    res = TableResult.empty(spec)
    lexicon = row_lexicon(fmt, "active_disclosure")
    groups, headers = _read(doc, a, b, lexicon, frozenset())
    assignments = align_rows(groups, spec.row_keys, lexicon)
    for asg in assignments:
        cells = asg.group.cells
        if not cells:
            continue
        cols = spec.row(asg.row).cols
        cands = _splits(cells, len(cols))
        parts = agreement(cands or [], len(cols))
        _put_split(res, asg.row, cols, cells, parts, asg.score, _money(headers[groups.index(asg.group)]),
                   inferred=cands is not None and len(cands) > 1)
        _warn_ambiguous(res, asg.row, cols, cells, parts, None if cands is None else len(cands),
                        "; table 二 has no arithmetic to decide")  # fmt: skip
    res.rows_found = len(assignments)
    return res


# --- table 三 -------------------------------------------------------------------------------------------------
def assemble_applications_runon(doc: Document, a: int, b: int, fmt: str) -> TableResult:
    spec = table_spec(fmt, "applications")
    res = TableResult.empty(spec)
    cols = spec.rows[0].cols
    lexicon = row_lexicon(fmt, "applications")
    skip = frozenset({"其他处理"}) if fmt == "2021" else frozenset()
    groups, _ = _read(doc, a, b, lexicon, skip)
    assignments = [x for x in align_rows(groups, spec.row_keys, lexicon) if x.group.cells]
    by_row = {asg.row: asg for asg in assignments}
    choice = solve_applications({r: _splits(asg.group.cells, APP_COLS) for r, asg in by_row.items()}, spec.row_keys)
    for r, ch in choice.items():
        asg = by_row[r]
        parts = agreement(ch.splits, APP_COLS)
        _put_split(res, r, cols, asg.group.cells, parts, asg.score, inferred=ch.possible is None or ch.possible > 1)
        if any(p is None for p in parts):
            why = " (row and column identities)" if ch.row_fits else " and none meets the row's 总计"
            _warn_ambiguous(res, r, cols, asg.group.cells, parts, None if ch.possible is None else len(ch.splits), why)
    res.rows_found = len(assignments)
    missing = [r for r in spec.row_keys if r not in by_row]
    if missing and assignments:
        res.warn(f"rows not found: {', '.join(missing)}; their cells are null")
    return res


# --- table 四 -------------------------------------------------------------------------------------------------
def assemble_review_runon(doc: Document, a: int, b: int, fmt: str) -> TableResult:
    spec = table_spec(fmt, "review_litigation")
    res = TableResult.empty(spec)
    cols = spec.rows[0].cols
    cells = [_cell(doc, s, None) for s in _spans(doc, a, b) if s.label == Label.CELL]
    if not cells:
        return res
    n_cells = len(REVIEW_GROUPS) * len(cols)
    cands, held = solve_review([c.raw for c in cells], n_cells)
    parts = agreement(cands or [], n_cells)
    flat = [(g, c) for g in REVIEW_GROUPS for c in cols]
    for g in REVIEW_GROUPS:
        res.found(g)
    for (g, c), p in zip(flat, parts):
        if p is not None:
            res.put(g, c, _sub_cell(cells[p.token], p, p.value), 1.0, value=p.value,
                    inferred=cands is not None and len(cands) > 1)
        else:
            res.status.setdefault(g, {})[c] = UNREADABLE
    if any(p is None for p in parts):
        unknown = [f"{g}.{c}" for (g, c), p in zip(flat, parts) if p is None]
        count = "too many splits" if cands is None else (f"{len(cands)} splits fit" if cands else f"no split into {n_cells} cells fits")
        why = "" if held or not cands else " and none meets every 总计"
        res.warn(f"the values '{_describe(cells)}' run together; {count}{why}; {', '.join(unknown)} null (the text cannot tell them)")
    res.rows_found = len(REVIEW_GROUPS)
    return res


RUNON_ASSEMBLERS = {
    "active_disclosure": assemble_active_runon,
    "applications": assemble_applications_runon,
    "review_litigation": assemble_review_runon,
}
