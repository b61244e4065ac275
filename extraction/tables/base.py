"""What every table assembler works from: the cells, label fragments and value groups of a region.

Built from spans (whatever tagger produced them) plus the layout of the original text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document import Document, Span
from ..labels import Label
from ..layout import Line, Piece, line_of, pieces, split_lines
from ..lexicon import group_key, is_group_label, is_group_prefix
from ..normalize import label_key, normalize


@dataclass
class Cell:
    value: int | float | None
    raw: str
    start: int
    end: int
    line: int
    field: int
    x: int
    score: float
    unit: str | None = None
    repairs: tuple[str, ...] = ()  # Span.repairs: what the normalised view repaired ("ocr_digit": inferred)


@dataclass
class Frag:
    text: str
    key: str
    label: Label
    start: int
    end: int
    line: int
    field: int
    x: int
    group: bool  # a group label (三、本年度办理结果, 第二十条第（一）项 …), context only


@dataclass
class Group:
    """One printed row of values (a line, or consecutive one-value lines)."""

    cells: list[Cell]
    lines: list[int]
    evidence: list[Frag] = field(default_factory=list)  # row-label fragments that name this row
    same_line: bool = False  # evidence comes from the values' own line
    slots: list[int] | None = None  # column slots known from the layout (blank lines in a one-cell run)


@dataclass
class Region:
    table: str
    lines: tuple[Line, ...]
    cells: list[Cell]
    frags: list[Frag]
    text: str

    def cells_on(self, line: int) -> list[Cell]:
        return [c for c in self.cells if c.line == line]

    def frags_on(self, line: int, label: Label | None = None) -> list[Frag]:
        return [f for f in self.frags if f.line == line and (label is None or f.label == label)]

    @property
    def has_tabs(self) -> bool:
        return any(c.field > 0 for c in self.cells)


def parse_value(raw: str) -> int | float | None:
    """'1,234' -> 1234, '966.0898' -> 966.0898, '－3' -> -3, '-'/'—'/'无' -> None."""
    s = normalize(raw).strip().replace(",", "").replace("，", "").replace("−", "-")
    if not s or set(s) <= set("-—－–─/／") or s == "无":
        return None
    try:
        return float(s) if "." in s else int(s)
    except ValueError:
        return None


def _piece_at(pcs: list[Piece], offset: int) -> Piece | None:
    for p in pcs:
        if p.start <= offset < p.end:
            return p
    return None


def build_region(doc: Document, table: str, lo: int, hi: int) -> Region:
    text = doc.text
    all_lines = split_lines(text)
    lines = all_lines[lo:hi]
    if not lines:
        return Region(table, lines, [], [], text)
    a, b = lines[0].start, lines[-1].end
    spans = [s for s in doc.spans if a <= s.start < b]
    pieces_by_line: dict[int, list[Piece]] = {}
    cells: list[Cell] = []
    frags: list[Frag] = []
    units = [s for s in spans if s.label == Label.UNIT]
    for s in spans:
        if s.label not in (Label.CELL, Label.ROW, Label.COL):
            continue
        ln = line_of(all_lines, s.start)
        if ln not in pieces_by_line:
            pieces_by_line[ln] = pieces(text, all_lines[ln])
        p = _piece_at(pieces_by_line[ln], s.start)
        fld = p.field if p else 0
        x = p.x if p else 0
        if p is not None and s.start > p.start:  # inside a space-joined piece: shift x by the prefix
            from ..layout import display_width

            x += display_width(text[p.start : s.start])
        raw = text[s.start : s.end]
        if s.label == Label.CELL:
            unit = _unit_after(text, s, units)
            cells.append(Cell(parse_value(raw), raw, s.start, s.end, ln, fld, x, s.score, unit, s.repairs))
        else:
            frags.append(Frag(raw, label_key(raw), s.label, s.start, s.end, ln, fld, x, is_group_label(raw)))
    _mark_wrapped_groups(frags)
    return Region(table, lines, cells, frags, text)


def _same_column(a: Frag, b: Frag) -> bool:
    """Is ``b`` (on the next line) where the rest of a label wrapped in ``a``'s cell would be?"""
    if a.field != b.field:
        return False
    return a.field > 0 or abs(a.x - b.x) <= 2


def _mark_wrapped_groups(frags: list[Frag]) -> None:
    """A group label wrapped over lines (``（三）不`` / ``予公开``, ``三、本年`` / ``度办理结`` / ``果``,
    one character per line) is context like the unwrapped one, not a row: the pieces of such a
    label, stacked in one column on consecutive lines, are marked as group pieces.

    Without this a piece like ``予公开`` reads as a row label of its own (``予以公开``) and takes a
    row of values."""
    rows = [f for f in frags if f.label == Label.ROW]
    below: dict[int, list[Frag]] = {}
    for f in rows:
        below.setdefault(f.line, []).append(f)
    for f in rows:
        if f.group:
            continue
        chain, key, cur = [f], group_key(f.text), f
        if not is_group_prefix(key):
            continue
        while True:
            nxt = [g for g in below.get(cur.line + 1, []) if not g.group and _same_column(cur, g)]
            if len(nxt) != 1:
                break
            cand = key + group_key(nxt[0].text)
            if not is_group_prefix(cand):
                break
            chain.append(nxt[0])
            key, cur = cand, nxt[0]
            if is_group_label(key):
                for g in chain:
                    g.group = True
                break


def _unit_after(text: str, cell: Span, units: list[Span]) -> str | None:
    for u in units:
        if 0 <= u.start - cell.end <= 2 and not text[cell.end : u.start].strip():
            return normalize(text[u.start : u.end])
    return None


def provenance(cell: Cell, row_score: float = 1.0) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": cell.start,
        "end": cell.end,
        "text": cell.raw,
        "confidence": round(min(cell.score, row_score), 4),
    }
    if cell.repairs:
        out["repairs"] = list(cell.repairs)
    return out
