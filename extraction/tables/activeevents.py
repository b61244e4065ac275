"""A table-二 region of a raw ``pdftotext`` reading as a sequence of events: column headers, row
labels, values, empty lines and other text (``_events``), with the template's (group, column) slots
(``template_slots``). Read by the column stream (``activestream``) and the row-by-row reader
(``labelrow``); kept apart so that neither imports the other's reader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lexicon import Match, match_col, row_lexicon, best_match, label_key
from .base import Cell, Region, parse_value
from .result import TableResult

# a header wording and its piece on the next line (``本年新制作`` / ``数量``) are one header when
# the joined text matches at least as well; below this score a line is not a column header
_HEADER_SCORE = 0.75
_ROW_SCORE = 0.9
_FIGURE = re.compile(r"[+\-−－]?[0-9][0-9,]*(?:\.[0-9]+)?")
_MARKER = re.compile(r"[-—－–─]+|无")
_UNIT = re.compile(r"\s*((?:亿|千万|百万|十万|万|千)?元)")


@dataclass
class _Event:
    kind: str  # "H" header, "V" value, "B" blank line, "T" other text, "R" row label
    cols: tuple[str, ...] = ()  # a header's columns: more than one where a line prints several
    cell: Cell | None = None
    text: str = ""
    row: str = ""  # a row label's row


@dataclass
class _Slot:
    """One (group, column) of the template in print order."""

    col: str
    rows: list[str]
    group: str = ""
    values: list[Cell | None] = field(default_factory=list)  # None: a cell that prints nothing
    header: str = ""
    direct: bool = False  # values found right under the header
    unsure: set[int] = field(default_factory=set)  # rows whose value another group's may be


def template_slots(res: TableResult) -> list[_Slot]:
    """(column, the group's rows that have it) per group in template order, columns in order."""
    out: list[_Slot] = []
    groups: dict[str | None, list] = {}
    for r in res.spec.rows:
        groups.setdefault(r.group or r.key, []).append(r)
    for rows in groups.values():
        cols: list[str] = []
        for r in rows:
            cols += [c for c in r.cols if c not in cols]
        for c in cols:
            out.append(_Slot(c, [r.key for r in rows if c in r.cols], rows[0].key))
    return out


def _value_cell(region: Region, ln, s: str, last: bool = False) -> Cell | None:  # type: ignore[no-untyped-def]
    """The one value (or blank marker) a line holds, as a Cell; None when the line holds anything else
    (``s``: the line without form feeds, stripped; one inside the line leaves it no single value).
    ``last``: ``s`` is the line's last word only (a value after a row label on its line)."""
    raw = region.text[ln.start : ln.end]
    k = raw.rfind(s) if last else raw.find(s)
    if k < 0:  # a form feed inside the line: not one printed value
        return None
    start = ln.start + k
    if _MARKER.fullmatch(s):
        return Cell(None, s, start, start + len(s), ln.index, 0, 0, 1.0)
    m = _FIGURE.match(s)
    if not m:
        return None
    rest = s[m.end() :]
    unit = None
    if rest:
        um = _UNIT.fullmatch(rest)
        if not um:
            return None
        unit = um.group(1)
    fig = m.group(0)
    tagged = [c for c in region.cells_on(ln.index) if c.start == start]
    if tagged and tagged[0].raw == fig:
        c = tagged[0]
        return Cell(c.value, c.raw, c.start, c.end, c.line, c.field, c.x, c.score, c.unit or unit, c.repairs)
    return Cell(parse_value(fig), fig, start, start + len(fig), ln.index, 0, 0, 1.0, unit)


_NOTE = re.compile(r"[(（]")
# the wording before a note stands alone: a short piece (``三、本年 （一）予以公开``: 本年) is no header
_NOTED_SCORE = 0.9


def _header_match(s: str) -> Match | None:
    """The column a line names: its whole text, or the wording before a bracketed note that may
    hold figures and be cut off at the line's end (``采购总金额（单位：万元，保留4位小数）``,
    ``采购总金额（单位：万元``): the note makes the whole text a weaker match than the wording."""
    m = match_col(s, "active_disclosure")
    if m is not None and m.score >= _HEADER_SCORE:
        return m
    note = _NOTE.search(s)
    if note is None or note.start() == 0:
        return None
    m = match_col(s[: note.start()], "active_disclosure")
    return m if m is not None and m.score >= _NOTED_SCORE else None


def _completes(text: str, nxt: str, m: Match) -> bool:
    """``nxt`` is the rest of the header ``text`` (matched as ``m``) cut over two lines, though it
    names a column by itself (``本年处理决`` / ``定数量``): joined they match the same column better
    than either piece does (two whole headers in a row match worse joined)."""
    joined, own = _header_match(text + nxt), _header_match(nxt)
    return joined is not None and joined.key == m.key and joined.score > max(m.score, own.score if own else 0.0)


def _several_headers(s: str, cols: set[str] | None) -> tuple[str, ...] | None:
    """The columns of a line that prints several headers side by side (``上一年项目 本年增/减``),
    each piece a header of its own; None otherwise."""
    pieces = s.split()
    if len(pieces) < 2:
        return None
    keys = []
    for p in pieces:
        m = _header_match(p)
        if m is None or not m.key or (cols is not None and m.key not in cols):
            return None
        keys.append(m.key)
    return tuple(keys) if len(set(keys)) == len(keys) else None


def _cut_side_by_side(s: str, nxt: str, cols: set[str]) -> tuple[str, ...] | None:
    """The columns of headers printed side by side whose one wording wraps onto the next line
    (``上一年度项 本年增/减`` / ``目数量``: the left cell's rest): the one piece that, joined with
    ``nxt``, makes every piece a header; None where no piece or more than one does."""
    pieces = s.split()
    if not nxt or len(nxt.split()) != 1 or _FIGURE.match(nxt) or _MARKER.fullmatch(nxt):
        return None
    found = [keys for j in range(len(pieces))
             if (keys := _several_headers(" ".join(p + nxt if k == j else p for k, p in enumerate(pieces)), cols))]
    return found[0] if len(found) == 1 else None


def _is_label(s: str, rows: tuple[tuple[str, str], ...]) -> bool:
    """A line that is a column header, a group label (第二十条第（X）项, 信息内容) or a row label."""
    if re.match(r"第.{1,4}条", s):
        return True
    if _header_match(s) is not None:
        return True
    r = best_match(label_key(s), rows)
    return r is not None and r.score >= _ROW_SCORE


def _events(region: Region, cols: set[str], fmt: str) -> list[_Event] | None:
    """The region as headers, values, blank lines, row labels and other text; None when a line
    holds a value among other words (not a one-value-a-line reading)."""
    rows = row_lexicon(fmt, "active_disclosure")
    out: list[_Event] = []
    lines = region.lines
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = region.text[ln.start : ln.end].replace("\f", "").strip()
        i += 1
        if not s:
            out.append(_Event("B"))
            continue
        if (re.search(r"\d", s) or _MARKER.fullmatch(s)) and not _header_match(s):
            cell = _value_cell(region, ln, s)
            if cell is None and (split := _label_value(region, ln, s, rows)) is not None:
                out += split  # a row label with one value beside it on its line (Chromium)
                continue
            if cell is None:
                if region.cells_on(ln.index):
                    return None
                out.append(_Event("T", text=s))
                continue
            out.append(_Event("V", cell=cell))
            continue
        several = _several_headers(s, cols)
        if several is None and i < len(lines) and len(s.split()) > 1:
            nxt = region.text[lines[i].start : lines[i].end].replace("\f", "").strip()
            several = _cut_side_by_side(s, nxt, cols)
            if several:
                s, i = f"{s} {nxt}", i + 1  # the wrapped rest is the header's (it may look like one itself)
        m = _header_match(s)
        if not several and (m is None or m.key not in cols) and i < len(lines):
            # a header cut over two lines whose first piece names no column by itself
            # (``本年制定件`` / ``数``): the joined wording does
            nxt = region.text[lines[i].start : lines[i].end].replace("\f", "").strip()
            joined = _header_match(s + nxt) if nxt and _value_cell(region, lines[i], nxt) is None else None
            if joined is not None and joined.key in cols and not _is_label(nxt, rows):
                s, m, i = s + nxt, joined, i + 1
        if several or (m is not None and m.key in cols):
            # a header wraps onto the next lines (``本年新制作`` / ``数量``, ``（单位：万`` / ``元）``)
            # until an empty line, a value, or a line that is a header or label of its own
            text = s
            while i < len(lines):
                nxt = region.text[lines[i].start : lines[i].end].replace("\f", "").strip()
                if not nxt or _value_cell(region, lines[i], nxt) is not None:
                    break
                if _is_label(nxt, rows) and not (m is not None and not several and _completes(text, nxt, m)):
                    break
                text, i = text + nxt, i + 1
            out.append(_Event("H", cols=several or (m.key,), text=text))  # type: ignore[union-attr]
            continue
        r = best_match(label_key(s), rows)
        if r is not None and r.score >= _ROW_SCORE:
            out.append(_Event("R", text=s, row=r.key))
        else:
            out.append(_Event("T", text=s))
    return out


def _label_value(region: Region, ln, s: str, rows: tuple[tuple[str, str], ...]) -> list[_Event] | None:  # type: ignore[no-untyped-def]
    """A line holding a row label and one value after it (``其他对外管理服务事项 88``) as the label's
    event and the value's (events ``R``, ``V``); None for any other line. Chromium draws table 二's
    first value column right beside the labels, and raw ``pdftotext`` joins the longest label with
    the value on its baseline; which row and column the value is, the readers decide (``_events``
    says only what the line holds)."""
    head, _, tail = s.rpartition(" ")
    if not head.strip() or re.search(r"\d", head):
        return None
    r = best_match(label_key(head), rows)
    if r is None or r.score < _ROW_SCORE:
        return None
    cell = _value_cell(region, ln, tail, last=True)
    if cell is None:
        return None
    return [_Event("R", text=head.strip(), row=r.key), _Event("V", cell=cell)]


def _group_label(s: str) -> bool:
    """A group's label cell: 第二十条第（X）项 or 信息内容."""
    return bool(re.match(r"第.{1,4}条", s)) or label_key(s) == label_key("信息内容")
