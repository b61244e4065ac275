"""The layout that flattening leaves: lines, tab fields and space-aligned pieces, with offsets."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from collections import Counter
from functools import lru_cache
from typing import Callable

from .normalize import normalize


@dataclass(frozen=True)
class Line:
    index: int  # 0-based line number
    start: int
    end: int  # exclusive, before the newline (and before a trailing \r)


@lru_cache(maxsize=8)
def split_lines(text: str) -> tuple[Line, ...]:
    out: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        end = pos + len(raw)
        content_end = end - 1 if raw.endswith("\r") else end
        out.append(Line(i, pos, content_end))
        pos = end + 1
    return tuple(out)


def line_of(lines: tuple[Line, ...], offset: int) -> int:
    """Index of the line containing ``offset`` (binary search)."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    field: int  # number of tabs before it on its line
    x: int  # column of its start within the line (``column_width``: CJK 2, or 1 in a character grid), tabs to 8


# Vertical bars of text-printed grids (box drawing, ASCII/markdown pipes, full-width ｜): cell
# boundaries exactly like tabs. 丨 (a CJK character) is deliberately not one.
BARS = "|｜│┃║¦╎╏┆┇┊┋"
_PIECE_SPLIT = re.compile(r"\t|[" + re.escape(BARS) + r"]| {2,}|\u3000+")
_LEADING_BAR = re.compile(r"^[ \u3000]*[" + re.escape(BARS) + r"]")
_HORIZONTAL = "─━═┄┅┈┉╌╍╴╶╸╺╼╾-－—–=_~"
_RULE_CHARS = re.compile(r"^[\s" + re.escape(BARS + _HORIZONTAL) + r"+:\u2500-\u257f]+$")
_BOX_HORIZONTAL = re.compile(r"^[─━═┄┅┈┉╌╍]{4,}$")
_MD_DELIM_CELL = re.compile(r"^:?-+:?$")


def has_cell_bars(s: str) -> bool:
    """Does the line print cell boundaries as bars (``│规章│0│``, ``| 规章 | 0 |``)?"""
    return any(c in BARS for c in s)


def is_grid_rule(s: str) -> bool:
    """A grid's ruling, no content: ``├──┼──┤``, ``+----+----+``, ``|---|:--:|``, ``════``.

    A row of blank cells (``│-│-│``, ``| — | — |``) is not a rule: single hyphens and dashes are
    the contract's blank marks, so a markdown delimiter needs three hyphens or a colon in a cell.
    """
    t = re.sub(r"\s", "", s)
    if not t or not _RULE_CHARS.match(t):
        return False
    if _BOX_HORIZONTAL.match(t):
        return True
    if not any(c in _HORIZONTAL for c in t):
        return False
    if "+" in t or any("\u2500" <= c <= "\u257f" and c not in _HORIZONTAL and c not in BARS for c in t):
        return True  # a corner or a junction
    if not has_cell_bars(t):
        return False
    cells = re.split("[" + re.escape(BARS) + "]", _LEADING_BAR.sub("", t, count=1))
    if cells and not cells[-1]:
        cells.pop()  # after the right border
    return (
        bool(cells)
        and all(_MD_DELIM_CELL.match(c) for c in cells)
        and any(":" in c or c.count("-") >= 3 for c in cells)
    )


def separator_count(s: str) -> int:
    """Cell boundaries on a line: tabs, plus bars other than a leading border."""
    return s.count("\t") + sum(c in BARS for c in _LEADING_BAR.sub("", s, count=1))


def display_width(s: str) -> int:
    """Terminal columns of ``s``: wide and full-width characters count 2."""
    if len(s) <= 64:  # remembered: the same cell texts and gaps recur on every line
        return _display_width(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


@lru_cache(maxsize=8192)
def _display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


@lru_cache(maxsize=8)
def _pieces_memo(text: str) -> dict[Line, tuple[Piece, ...]]:
    return {}


def char_width(s: str) -> int:
    """Columns of a character grid (``pdftotext -layout``): every character one column, CJK too."""
    return len(s)


def char_width_wide_space(s: str) -> int:
    """Columns of a character grid whose gaps were written as ideographic spaces (U+3000) two
    columns each: a reading's grid (CJK one column) where a converter turned each pair of padding
    spaces into one U+3000, so the gaps keep their width but the glyphs do not."""
    return len(s) + s.count("\u3000")


def is_char_grid(width: Callable[[str], int]) -> bool:
    """Is ``width`` (from ``column_width``) a reader's character grid, whose positions drift?"""
    return width is char_width or width is char_width_wide_space


# a figure (ASCII or full-width digits: a PDF may print either) or a blank mark
_GRID_VALUE = re.compile(r"(?<!\S)(?:[0-9０-９][0-9０-９,.，．]*|[-—－–─]+|无|/|／)(?!\S)")
_MIN_GRID_VALUES = 20  # values after CJK text needed to tell the two grids apart
# pdftotext -layout readings measured 1.4 times or more as many shared positions in the character
# grid; typed space-aligned text 0.4 times or less
_CHAR_GRID_MARGIN = 1.25


@lru_cache(maxsize=8)
def column_width(text: str) -> Callable[[str], int]:
    """How ``text`` lines up its columns: ``display_width`` (typed or monospace text: CJK and
    full-width characters take two columns) or ``char_width`` (``pdftotext -layout`` places every
    glyph in one column of a grid, so a value after a row label of N CJK characters starts N columns
    in, not 2N; full-width digits ``１６７９４`` one column each too), or ``char_width_wide_space``
    (that grid with its padding written as U+3000, two columns each).

    Decided from the figures and blank marks printed after CJK text on a line (a row's values): in
    their own grid, values of different rows share a column's position. A character grid is taken
    only when clearly more pairs of them share a position there (by ``_CHAR_GRID_MARGIN``) than in
    the display grid, and there are enough of them to tell."""
    grids: tuple[Callable[[str], int], ...] = (display_width, char_width)
    if "\u3000" in text:
        grids += (char_width_wide_space,)
    xs: dict[Callable[[str], int], Counter[int]] = {g: Counter() for g in grids}
    n = 0
    for line in split_lines(text):
        s = text[line.start : line.end]
        first_cjk = CJK_RE.search(s)
        if first_cjk is None:
            continue
        for m in _GRID_VALUE.finditer(s, first_cjk.end()):
            head = s[: m.start()]
            n += 1
            for g in grids:
                xs[g][g(head)] += 1
    if n < _MIN_GRID_VALUES:
        return display_width

    def pairs(g: Callable[[str], int]) -> int:
        return sum(k * (k - 1) for k in xs[g].values())

    best = max(grids[1:], key=pairs)  # the character grid, with its spaces as printed or as wide
    if pairs(best) + 1 >= _CHAR_GRID_MARGIN * (pairs(display_width) + 1):
        return best
    return display_width


def pieces(text: str, line: Line) -> tuple[Piece, ...]:
    """Non-blank pieces of a line, split at tabs, at bars and at runs of two or more spaces.

    A bar is a field boundary like a tab, except a leading one (the grid's left border), so that
    ``│规章││0│`` has the fields of ``规章\t\t0``. A grid rule line has no pieces.

    Remembered per line of the last few texts (like ``split_lines``): the rule tagger and the
    table assembly split the same lines of a report, the model path does both.
    """
    memo = _pieces_memo(text)
    got = memo.get(line)
    if got is None:
        got = memo[line] = tuple(_split_pieces(text, line))
    return got


def _split_pieces(text: str, line: Line) -> list[Piece]:
    out: list[Piece] = []
    s = text[line.start : line.end]
    if is_grid_rule(s):
        return out
    width = column_width(text)
    border = _LEADING_BAR.match(s)
    field = -1 if border else 0
    pos = 0
    x = 0
    for m in _PIECE_SPLIT.finditer(s + "\t"):
        chunk = s[pos : m.start()]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            a = line.start + pos + lead
            out.append(Piece(a, a + len(stripped), field, x + width(chunk[:lead])))
        x += width(chunk)
        sep = m.group(0)
        if sep == "\t":
            field += 1
            x = (x // 8 + 1) * 8
        else:
            field += sep in BARS
            x += width(sep)
        pos = m.end()
    return out


NUMBER_RE = re.compile(r"[+\-−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?")
VALUE_RE = re.compile(r"^(?P<num>[+\-−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|元)?$")
BLANK_RE = re.compile(r"^(?:[-—－–─]+|无|/|／)$")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
# a figure whose every digit an OCR read as a letter (``O`` for 0, ``l``/``I`` for 1: ``O``, ``lO``);
# a value that cannot be read (never a blank, never part of a label)
OCR_LETTERS_RE = re.compile(r"^[OoIl]{1,6}$")
_VALUE_TOKEN = re.compile(r"\S+(?:\s*(?:万元|元))?")


def value_tokens(text: str, piece: Piece) -> list[tuple[int, int, int, int] | None]:
    """Split a piece into value tokens if it is made only of values (``1 2 3``, ``966.0898 万元``).

    Returns a list of (value_start, value_end, unit_start, unit_end) (unit offsets -1 if none),
    or [] if the piece is not purely values. Offsets are absolute.
    """
    raw = text[piece.start : piece.end]
    norm = normalize(raw)
    out: list[tuple[int, int, int, int] | None] = []
    for m in _VALUE_TOKEN.finditer(norm):
        tok = m.group(0)
        a = piece.start + m.start()
        vm = VALUE_RE.match(tok)
        if vm:
            ns, ne = vm.span("num")
            if vm.group("unit"):
                us, ue = vm.span("unit")
                out.append((a + ns, a + ne, a + us, a + ue))
            else:
                out.append((a + ns, a + ne, -1, -1))
        elif BLANK_RE.match(tok) or OCR_LETTERS_RE.match(tok):
            out.append((a, a + len(tok), -1, -1))  # a blank mark, or a figure an OCR read as letters only
        else:
            return []
    return out


_NUMBER_TOKEN = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*万元|\s*元)?"
# a row's trailing values, printed blank cells among them (``7 0 0 － 2 — 9``: a reading that puts
# one space between cells, pdfplumber's, keeps the blank marks in the run)
_TRAILING_VALUES = re.compile(r"(?:\s+(?:" + _NUMBER_TOKEN + r"|[-—－–─]+|无|/|／|[OoIl]{1,6})(?=\s|$))+$")
_TRAILING_NUMBER = re.compile(r"\d|(?<!\S)[OoIl]{1,6}(?!\S)")


def split_label_and_values(text: str, piece: Piece) -> tuple[tuple[int, int] | None, list[tuple[int, int, int, int]]]:
    """A piece like ``（一）予以公开 5345 129`` or ``二、上年结转 7 0 — 2 9``: the label part and the
    trailing single-space values and blank marks."""
    raw = normalize(text[piece.start : piece.end])
    m = _TRAILING_VALUES.search(raw)
    if m and not _TRAILING_NUMBER.search(m.group()) and len(m.group().split()) < 2:
        m = None  # one blank mark after a label is no evidence of a value run (``其他 —`` may be a label)
    if not m or not CJK_RE.search(raw[: m.start()]):
        return (piece.start, piece.end), []
    label_end = len(raw[: m.start()].rstrip())
    vals: list[tuple[int, int, int, int]] = []
    sub = Piece(piece.start + m.start(), piece.end, piece.field, piece.x)
    stripped_start = sub.start + (len(raw[m.start() :]) - len(raw[m.start() :].lstrip()))
    vals = [v for v in value_tokens(text, Piece(stripped_start, piece.end, piece.field, piece.x)) if v]
    return (piece.start, piece.start + label_end), vals
