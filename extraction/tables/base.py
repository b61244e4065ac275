"""What every table assembler works from: the cells, label fragments and value groups of a region.

Built from spans (whatever tagger produced them) plus the layout of the original text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from typing import Any, Sequence

from ..document import Document, Span
from ..labels import Label
from ..layout import Line, Piece, column_width, line_of, pieces, split_lines
from ..lexicon import group_key, is_group_label, is_group_prefix
from ..normalize import label_key, normalize, strip_numbering


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
    tagged: bool = True  # False: a value-like token the tagger left unlabelled, picked up by the layout


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
    spill_of: "Group | None" = None  # one cell per line: the full row whose run overflowed into this one


@dataclass
class Region:
    table: str
    lines: tuple[Line, ...]
    cells: list[Cell]
    frags: list[Frag]
    text: str
    # per-line indexes of ``cells`` and ``frags`` (built on first use; rebuilt if a list's length
    # changes): the assemblers ask for a line's cells and fragments once per line, and a scan of the
    # whole region each time is quadratic in its lines (thousands of label-only lines: minutes)
    _cells_by_line: dict[int, list[Cell]] | None = field(default=None, init=False, repr=False, compare=False)
    _frags_by_line: dict[int, list[Frag]] | None = field(default=None, init=False, repr=False, compare=False)
    _indexed: tuple[int, int] = field(default=(-1, -1), init=False, repr=False, compare=False)

    def _index(self) -> None:
        if self._indexed != (len(self.cells), len(self.frags)):
            self._cells_by_line, self._frags_by_line = {}, {}
            for c in self.cells:
                self._cells_by_line.setdefault(c.line, []).append(c)
            for f in self.frags:
                self._frags_by_line.setdefault(f.line, []).append(f)
            self._indexed = (len(self.cells), len(self.frags))

    def cells_on(self, line: int) -> list[Cell]:
        """The region's cells on ``line`` (an index into the text's lines), in region order."""
        self._index()
        assert self._cells_by_line is not None
        return list(self._cells_by_line.get(line, ()))

    def frags_on(self, line: int, label: Label | None = None) -> list[Frag]:
        """The region's label fragments on ``line``, in region order; only those labelled ``label`` if given."""
        self._index()
        assert self._frags_by_line is not None
        return [f for f in self._frags_by_line.get(line, ()) if label is None or f.label == label]

    @property
    def has_tabs(self) -> bool:
        return any(c.field > 0 for c in self.cells)


# Characters a converter leaves inside a printed figure that carry nothing (zero-width space and
# joiners, word joiner, BOM, soft hyphen, no-break spaces): read through, never part of a value.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u00a0\u202f\u2007]")
BLANK_MARKS = set("-—－–─/／")
ZERO_WORDS = {"零", "〇"}  # zero written as a word: the figure 0, not a blank
# a token that is meant as a figure but holds letters an OCR put for digits (3O75, l29)
_DAMAGED_FIGURE = re.compile(r"[+\-−]?[0-9OoIlS|][0-9OoIlS|,，.]*")


def clean_figure(raw: str) -> str:
    """The token normalised with its invisible characters and thousands separators removed."""
    return INVISIBLE_RE.sub("", normalize(raw)).strip().replace(",", "").replace("，", "").replace("−", "-")


def is_blank_mark(raw: str) -> bool:
    """Is the printed token a blank cell (``-``, ``—``, ``/``, ``无``, or nothing)?"""
    s = clean_figure(raw)
    return not s or set(s) <= BLANK_MARKS or s == "无"


def looks_like_figure(raw: str) -> bool:
    """A token meant as a figure: digits, possibly with OCR letters (O for 0, l/I for 1, S for 5)
    or invisible characters inside, at least one real digit and more digits than letters."""
    s = clean_figure(raw)
    if s in ZERO_WORDS:
        return True
    if not _DAMAGED_FIGURE.fullmatch(s):
        return False
    digits = sum(c.isdigit() for c in s)
    return digits >= 1 and digits >= sum(c.isalpha() or c == "|" for c in s)


def cell_status(cell: Cell) -> str:
    """``read`` (parsed), ``blank`` (printed blank mark) or ``unreadable`` (text printed, not a number)."""
    if cell.value is not None:
        return "read"
    return "blank" if is_blank_mark(cell.raw) else "unreadable"


def parse_value(raw: str) -> int | float | None:
    """'1,234' -> 1234, '966.0898' -> 966.0898, '－3' -> -3, '13612\u200b' -> 13612,
    '零' -> 0, '-'/'—'/'无' -> None; anything else that is not a number (``3O75``) -> None (see ``cell_status``)."""
    s = clean_figure(raw)
    if not s or set(s) <= BLANK_MARKS or s == "无":
        return None
    if s in ZERO_WORDS:
        return 0
    if not well_grouped(raw):
        return None  # ``966,09``, ``16,79``: a decimal comma or a lost digit, not thousands
    try:
        return float(s) if "." in s else int(s)
    except ValueError:
        return None


# thousands separators only between groups of three digits, before any decimal point
_GROUPED = re.compile(r"[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def well_grouped(raw: str) -> bool:
    """Are the token's thousands separators (``,``/``，``) where thousands separators go
    (``16,794``, ``1,234.5``)? True for a token without any."""
    s = INVISIBLE_RE.sub("", normalize(raw)).strip().replace("，", ",").replace("−", "-")
    return "," not in s or bool(_GROUPED.fullmatch(s))


# What may follow a figure inside its cell: a unit of money, a multiplier (万, 亿), a measure word,
# bare or in brackets (``16794（件）``, ``1.2 亿元``), or a note in brackets (``16794（含网上）``). One
# space may stand between the figure and what follows. A word that makes the figure approximate
# (``约16794``, ``16794余``, ``16794以上``) or a note with figures of its own (``16794（含网上12件）``)
# leaves no exact value: the token is a cell read as nothing (unreadable), never a blank.
_UNIT_WORDS = r"(?:亿|千万|百万|十万|万|千)?元|万|亿|件次|件|个|项|次|宗|起|条|家|人次|人"
_FIGURE_TOKEN = re.compile(
    r"(?<!\S)(?P<pre>约|近|逾|超过|超|不足|大约)?(?P<fig>[+\-]?\d[\d,，.]*\d|\d)"
    r"(?P<tail> ?(?:(?:余|多)?(?:" + _UNIT_WORDS + r")|余|多|以上|左右|[(（][^()（）]*[)）]))?(?!\S)"
)
_BRACKETED_FIGURE = re.compile(r"(?<!\S)[(（][+\-]?\d[\d,，.]*[)）](?!\S)")  # ``(29)``: a minus, or a note?
_UNIT_ONLY = re.compile(_UNIT_WORDS)
NOT_EXACT = "~"  # figure_tokens: a figure printed with a word or note that leaves no exact value


def figure_tokens(text: str, line: Line, bare: bool = False) -> list[tuple[int, int, int, str | None]]:
    """The figures of ``line`` printed with something before or after them in their cell, and
    the bracketed ones: ``(start, end of the figure, end of the token, unit)``. The unit is the
    word after the figure, bare or in brackets (``件``, ``万``, ``亿元``); None for a note in
    brackets without figures (``（含网上）``); ``NOT_EXACT`` for an approximate figure or a note
    with figures (``约16794``, ``16794余``, ``16794（含网上12件）``) and ``"()"`` for a figure in
    brackets (``(29)``): both read as nothing. ``bare``: plain figures too (unit None)."""
    view = normalize(text[line.start : line.end])
    out = []
    for m in _FIGURE_TOKEN.finditer(view):
        if m.group("tail") is None and m.group("pre") is None and not bare:
            continue
        tail = (m.group("tail") or "").strip()
        inner = tail.strip("()（）")
        if m.group("pre") or re.match(r"余|多|以上|左右", tail) or re.search(r"\d", tail):
            unit = NOT_EXACT
        else:
            unit = inner if _UNIT_ONLY.fullmatch(inner) else None
        out.append((line.start + m.start(), line.start + m.end("fig"), line.start + m.end(), unit))
    for m in _BRACKETED_FIGURE.finditer(view):
        out.append((line.start + m.start(), line.start + m.end(), line.start + m.end(), "()"))
    return out


# a count printed with a multiplier: ``1.6794万`` is 16794, exactly
COUNT_SCALE = {"万": 10000, "亿": 100000000}
_MONEY_UNIT = re.compile(r"(?:亿|千万|百万|十万|万|千)?元")


def count_value(cell: Cell) -> tuple[int | float | None, str | None]:
    """The cell read as a count (a whole number): ``(value, None)``, or ``(None, why)`` when the
    printed text is no exact count: a fraction (``37.2``), a decimal point that may be a
    thousands separator (``16.794``), a unit of money, a multiplier that leaves a fraction.
    ``37.0`` is 37; ``1.6794万`` is 16794."""
    if cell.value is None:
        return None, None
    s = clean_figure(cell.raw)
    if cell.unit and _MONEY_UNIT.fullmatch(cell.unit):
        return None, f"{cell.raw}{cell.unit} is an amount of money, not a count"
    scale = COUNT_SCALE.get(cell.unit or "")
    if not scale and isinstance(cell.value, int):
        return cell.value, None  # printed as a whole number (also ``零``)
    try:
        exact = Decimal(s) * (scale or 1)
    except InvalidOperation:
        return None, f"{cell.raw!r} is not a number"
    if exact != exact.to_integral_value():
        return None, f"{cell.raw}{cell.unit or ''} is not a whole number"
    if "." in s and not scale and len(s.split(".")[1]) == 3:
        return None, f"{cell.raw!r}: '.' may be a thousands separator or a decimal point"
    return int(exact), None


def _piece_at(pcs: Sequence[Piece], offset: int) -> Piece | None:
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
    pieces_by_line: dict[int, tuple[Piece, ...]] = {}
    cells: list[Cell] = []
    frags: list[Frag] = []
    units = [s for s in spans if s.label == Label.UNIT]
    spans, whole, taken = _whole_figures(text, all_lines, lo, hi, spans, pieces_by_line)
    cells += whole
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
            x += column_width(text)(text[p.start : s.start])
        raw = text[s.start : s.end]
        if s.label != Label.CELL and _inside_figure(text, s):
            continue  # a piece of a damaged figure (``8`` of ``l8``): the whole token is taken below
        if s.label != Label.CELL and _ocr_figure(raw):
            # a figure with OCR letters (``l8``) the tagger took for a label: an unreadable value, not lost
            cells.append(Cell(None, raw, s.start, s.end, ln, fld, x, s.score, None, tagged=False))
            continue
        if s.label != Label.CELL and clean_figure(raw) in ZERO_WORDS:
            # 零 alone in a cell, taken for a label: the figure 0
            cells.append(Cell(0, raw, s.start, s.end, ln, fld, x, s.score, None, tagged=False))
            continue
        if s.label != Label.CELL and (fig := _figure_with_unit(raw)) is not None:
            # a figure with its measure word (``24件``) labelled as a label: it is a value
            value_raw, unit = fig
            cells.append(Cell(parse_value(value_raw), value_raw, s.start, s.start + len(value_raw), ln, fld, x,
                              s.score, unit, tagged=False))  # fmt: skip
            continue
        if s.label == Label.CELL:
            unit = _unit_after(text, s, units)
            cells.append(Cell(parse_value(raw), raw, s.start, s.end, ln, fld, x, s.score, unit, s.repairs))
        elif (
            s.label == Label.ROW
            and table == "active_disclosure"  # the rows of table 二 pdfplumber runs together (short labels)
            and (parts := _label_with_figures(raw)) is not None
            and (parts[-1][0] == "cell" or _value_after(spans, s, all_lines[ln]))
        ):
            # ``行政处罚 7 -2 5191 行政强制`` taken as one label: two rows on one line, their labels and values
            width = column_width(text)
            for kind, a, b in parts:
                piece, at = raw[a:b], x + width(raw[:a])
                if kind == "cell":
                    cells.append(Cell(parse_value(piece), piece, s.start + a, s.start + b, ln, fld, at, s.score,
                                      None, tagged=False))  # fmt: skip
                else:
                    frags.append(Frag(piece, label_key(piece), s.label, s.start + a, s.start + b, ln, fld, at,
                                      is_group_label(piece)))  # fmt: skip
        else:
            for a, b in _label_parts(raw) if s.label == Label.ROW else ((0, len(raw)),):
                part = raw[a:b]
                px = x + column_width(text)(raw[:a]) if a else x
                frags.append(Frag(part, label_key(part), s.label, s.start + a, s.start + b, ln, fld, px, is_group_label(part)))
    cells += _untagged_figures(text, all_lines, lo, hi, spans, pieces_by_line, taken)
    cells.sort(key=lambda c: c.start)
    _mark_wrapped_groups(frags)
    return Region(table, lines, cells, frags, text)


def _whole_figures(
    text: str, all_lines: tuple[Line, ...], lo: int, hi: int, spans: list[Span], pcs: dict[int, tuple[Piece, ...]]
) -> tuple[list[Span], list[Cell], list[tuple[int, int]]]:
    """Figures printed with a unit, a multiplier or a note in their cell (``1.1千元``,
    ``1.6794万``, ``16794（件）``, ``1.2 亿元``) however a tagger labelled them, and plain figures
    a tagger labelled in pieces (``1.`` ROW + ``1`` CELL + ``千元`` ROW, ``12.`` ROW + ``35``
    CELL): one cell each, the whole figure with its unit, never a fragment. A figure in brackets (``(29)``: a minus sign, or a note?) or an approximate one
    (``约16794``) is a cell read as nothing (unreadable). Only on table lines: a line with CJK
    words no span labels is prose, left alone. Returns the spans left over, the cells and the
    tokens they cover (``_untagged_figures`` skips those)."""
    by_start = sorted(spans, key=lambda s: s.start)
    # the spans over a line by bisection, not a scan of every span per line (quadratic in the
    # region's lines): those starting before the line's end whose furthest end so far reaches into it
    starts = [s.start for s in by_start]
    reach = list(accumulate((s.end for s in by_start), max))
    cells: list[Cell] = []
    taken: list[tuple[int, int]] = []
    for ln in range(lo, hi):
        line = all_lines[ln]
        first, past = bisect_right(reach, line.start), bisect_left(starts, line.end)
        on_line = [s for s in by_start[first:past] if line.start < s.end]
        # a plain figure only when a CELL span covers part of it (``12.`` ROW + ``35`` CELL); never a
        # token inside a longer span (``行政处罚 7 -2 5191 行政强制``: see ``_label_with_figures``)
        found = [t for t in figure_tokens(text, line, bare=True) if (t[3] is not None or t[2] != t[1] or any(
            s.label == Label.CELL and t[0] <= s.start and s.end <= t[2] and (s.start, s.end) != (t[0], t[2])
            for s in on_line)) and not any(
            s.start < t[2] and t[0] < s.end and (s.start < t[0] or s.end > t[2]) for s in on_line)]  # fmt: skip
        if not found:
            continue
        if _prose(text, line, on_line, [(a, b) for a, _, b, _ in found]):
            continue  # ``共公开 3546 条 …``: a sentence, not a table line
        lead = len(text[line.start : line.end]) - len(text[line.start : line.end].lstrip())
        for a, fig_end, b, unit in found:
            over = [s for s in on_line if s.start < b and a < s.end]
            if unit == "()" and a == line.start + lead:
                continue  # ``(1) …`` at the start of a line: a numbering, not a value
            if ln not in pcs:
                pcs[ln] = pieces(text, all_lines[ln])
            p = _piece_at(pcs[ln], a)
            fld, x = (p.field, p.x + column_width(text)(text[p.start : a])) if p else (0, 0)
            raw = text[a:fig_end]
            tagged = any(s.label == Label.CELL for s in over)
            score = min((s.score for s in over), default=0.0)
            if unit in ("()", NOT_EXACT):  # ``(29)``, ``约16794``: printed, but no exact figure
                cells.append(Cell(None, text[a:b], a, b, ln, fld, x, score, None, tagged=tagged))
            else:
                cells.append(Cell(parse_value(raw), raw, a, fig_end, ln, fld, x, score, unit, tagged=tagged))
            taken.append((a, b))
    if not taken:
        return spans, cells, taken
    rest = [s for s in spans if not any(s.start < b and a < s.end for a, b in taken)]
    return rest, cells, taken


def _prose(text: str, line: Line, spans: list[Span], figures: list[tuple[int, int]]) -> bool:
    """Does the line hold CJK text that no span labels and that is no part of a figure token
    (unlabelled words: a sentence)?"""
    covered = [(s.start, s.end) for s in spans] + figures
    for m in CJK.finditer(text, line.start, line.end):
        if not any(a <= m.start() < b for a, b in covered):
            return True
    return False


CJK = re.compile(r"[\u3400-\u9fff]")
_SPACE_RUN = re.compile(r"[ \u3000]+")


def _label_parts(raw: str) -> tuple[tuple[int, int], ...]:
    """A row label span that joins a group label's piece and a row label's piece one space apart
    (``（三）不予公 2.其他法``, ``（五）不予处 物``: a narrow group column beside the row labels, as a
    browser's PDF prints it) is two fragments, so that the piece can be chained with the rest of its
    group label (``开`` below) and the row label's piece names its own row. Else the span whole."""
    m = _SPACE_RUN.search(raw)
    if not m or not m.start():
        return ((0, len(raw)),)
    head, tail = raw[: m.start()], raw[m.end() :]
    numbered = lambda t: strip_numbering(normalize(t)) != normalize(t)  # noqa: E731
    if numbered(head) and tail and group_key(head) and is_group_prefix(group_key(head)):
        return ((0, m.start()), (m.end(), len(raw)))
    return ((0, len(raw)),)


# a unit printed after a figure: of money, or a measure word of a count (12件, 3个)
_UNIT_SUFFIX = re.compile(r"(?:(?:亿|千万|百万|十万|万|千)?元|件|个|项|次|宗|起|条|家|人次|人)$")


def _part_of_figure(over: list[Span], a: int, b: int) -> bool:
    """Only labels strictly inside the token ``a:b`` overlap it (a tagger labelled part of it)."""
    return all(s.label != Label.CELL and a <= s.start and s.end <= b for s in over) and any(
        (s.start, s.end) != (a, b) for s in over
    )


def _inside_figure(text: str, span: Span) -> bool:
    """Is the span a strict part of a whitespace-delimited token that is a figure (``8`` of ``l8``)?"""
    a, b = span.start, span.end
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    return (a, b) != (span.start, span.end) and looks_like_figure(text[a:b])


def _label_with_figures(raw: str) -> list[tuple[str, int, int]] | None:
    """A label span that holds whole figures between its words (``行政处罚 7 -2 5191 行政强制``):
    its parts in order, ``("label"|"cell", start, end)`` relative to ``raw``; None unless a
    label with CJK text comes first, a plain number (space-delimited) follows it, and every
    other word has CJK text (a word like ``3l`` or ``O`` is a damaged figure: no split)."""
    parts: list[tuple[str, int, int]] = []
    for m in re.finditer(r"\S+", raw):
        kind = "cell" if re.fullmatch(r"[+\-−]?\d[\d,.]*", normalize(m.group())) else "label"
        if kind == "label" and not CJK.search(m.group()):
            return None  # ``3l``, ``O``: a damaged figure among them, the split would misplace values
        if parts and parts[-1][0] == kind == "label":
            parts[-1] = ("label", parts[-1][1], m.end())
        else:
            parts.append((kind, m.start(), m.end()))
    if len(parts) < 2 or parts[0][0] != "label" or not CJK.search(raw[parts[0][1] : parts[0][2]]):
        return None
    if any(k == "label" and raw[a] in "年月日号" for k, a, _ in parts):
        return None  # ``… 2024 年 …``: a date in a running header, not values
    return parts if any(k == "cell" for k, _, _ in parts) else None


def _value_after(spans: list[Span], span: Span, line: Line) -> bool:
    """Is a CELL labelled after ``span`` on its line (the last row's values of a run-on line)?"""
    return any(s.label == Label.CELL and span.end <= s.start < line.end for s in spans)


def _ocr_figure(raw: str) -> bool:
    """A figure with letters an OCR put for digits (``3O75``, ``l8``), not a clean number."""
    return looks_like_figure(raw) and parse_value(raw) is None and any(c.isalpha() for c in raw)


def _figure_with_unit(raw: str) -> tuple[str, str] | None:
    """``24件`` -> (``24``, ``件``); None unless the text is one figure followed by a unit."""
    m = _UNIT_SUFFIX.search(normalize(raw).rstrip())
    if not m or m.start() == 0:
        return None
    fig = raw[: m.start()].rstrip()
    if not fig or parse_value(fig) is None:
        return None
    return fig, normalize(raw[m.start() : m.end()])


def _untagged_figures(
    text: str, all_lines: tuple[Line, ...], lo: int, hi: int, spans: list[Span], pcs: dict[int, tuple[Piece, ...]],
    taken: Sequence[tuple[int, int]] = (),
) -> list[Cell]:
    """Figures printed in the table that the tagger left unlabelled (``13612\u200b``, ``3O75``):
    cells with confidence 0, so they are placed like any value and flagged, never silently lost.

    An unlabelled token without CJK is such a cell (unreadable if it is no figure: ``27Z3``) when
    it holds a digit, is made of OCR letters for digits only (``O``, ``lO``), or its line has tagged
    values; only on lines without unlabelled words (a table line, not prose).
    """
    width = column_width(text)
    out: list[Cell] = []
    # spans by start, so the spans over a token are found by bisection (not a scan per token)
    by_start = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in by_start]
    longest = max((s.end - s.start for s in spans), default=0)
    cell_starts = sorted(s.start for s in spans if s.label == Label.CELL)
    taken_tokens = list(taken)
    for ln in range(lo, hi):
        line = all_lines[ln]
        if ln not in pcs:
            pcs[ln] = pieces(text, line)
        found: list[Cell] = []
        prose = False
        value_line = bisect_left(cell_starts, line.start) < bisect_left(cell_starts, line.end)
        for p in pcs[ln]:
            for m in re.finditer(r"[^\s\u3000]+", text[p.start : p.end]):
                a, b = p.start + m.start(), p.start + m.end()
                if any(ta <= a < tb or a <= ta < b for ta, tb in taken_tokens):
                    continue  # read whole by ``_whole_figures``
                near = by_start[bisect_left(starts, a - longest) : bisect_left(starts, b)]
                over = [s for s in near if a < s.end]
                tok = m.group(0)
                if over and not (_part_of_figure(over, a, b) and looks_like_figure(tok)):
                    continue
                um = _UNIT_SUFFIX.search(normalize(tok))
                fig, unit = (tok[: um.start()], normalize(tok[um.start() :])) if um else (tok, None)
                figure = bool(fig) and looks_like_figure(fig)
                damaged = not CJK.search(tok) and (value_line or re.search(r"\d", tok) or _OCR_LETTERS.fullmatch(tok)) \
                    and INVISIBLE_RE.sub("", tok).strip()
                if figure or damaged:
                    fig = fig if figure else tok
                    x = p.x + width(text[p.start : a])
                    value = parse_value(fig) if figure else None
                    found.append(Cell(value, fig, a, a + len(fig), ln, p.field, x, 0.0, unit, tagged=False))
                elif CJK.search(tok):
                    prose = True  # unlabelled words: a sentence, not a table line
        if found and not prose:
            out += found
    return out


# a token of only the letters an OCR reads for 0 and 1 (``O``, ``lO``): a figure without a digit
# left, also on a line whose every value is so damaged (a row of zeros read ``O O O O O O O``)
_OCR_LETTERS = re.compile(r"[OoIl]{1,6}")


def _same_column(a: Frag, b: Frag) -> bool:
    """Is ``b`` (on the next line) where the rest of a label wrapped in ``a``'s cell would be?"""
    if a.field != b.field:
        return False
    return a.field > 0 or abs(a.x - b.x) <= 2


_GROUP_GAP = 4  # lines from one piece of a wrapped group label to the next, at most


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
            # the next piece is on the next line of the group's column, or a few further where the
            # row labels beside it took lines of their own (``（五）不`` / ``4.无正当`` / ``予处理``; a
            # browser centres one character of the group label per row)
            nxt = []
            for ln in range(cur.line + 1, cur.line + 1 + _GROUP_GAP):
                nxt = [g for g in below.get(ln, []) if not g.group and _same_column(cur, g)]
                if nxt:
                    break
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
        # the row's alignment score goes below 0 where its label names another row better (the
        # row is in doubt, see tables/rows.py); a confidence is a share, never negative
        "confidence": round(max(0.0, min(cell.score, row_score)), 4),
        "tagger_confidence": round(cell.score, 4),  # the tagger's alone (confidence also weighs the row label)
    }
    if cell.repairs:
        out["repairs"] = list(cell.repairs)
    if not cell.tagged:
        out["source"] = "layout"  # not labelled by the tagger: picked up from the table's layout
    return out
