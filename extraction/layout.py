"""The layout that flattening leaves: lines, tab fields and space-aligned pieces, with offsets."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
    x: int  # display column of its start (CJK counts 2) within the line, tabs expanded to 8


_PIECE_SPLIT = re.compile(r"\t| {2,}|\u3000+")


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pieces(text: str, line: Line) -> list[Piece]:
    """Non-blank pieces of a line, split at tabs and at runs of two or more spaces."""
    out: list[Piece] = []
    s = text[line.start : line.end]
    field = 0
    pos = 0
    x = 0
    for m in _PIECE_SPLIT.finditer(s + "\t"):
        chunk = s[pos : m.start()]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            a = line.start + pos + lead
            out.append(Piece(a, a + len(stripped), field, x + display_width(chunk[:lead])))
        x += display_width(chunk)
        sep = m.group(0)
        if sep == "\t":
            field += 1
            x = (x // 8 + 1) * 8
        else:
            x += display_width(sep)
        pos = m.end()
    return out


NUMBER_RE = re.compile(r"[+\-−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?")
VALUE_RE = re.compile(r"^(?P<num>[+\-−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|元)?$")
BLANK_RE = re.compile(r"^(?:[-—－–─]+|无|/|／)$")
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def value_tokens(text: str, piece: Piece) -> list[tuple[int, int, int, int] | None]:
    """Split a piece into value tokens if it is made only of values (``1 2 3``, ``966.0898 万元``).

    Returns a list of (value_start, value_end, unit_start, unit_end) (unit offsets -1 if none),
    or [] if the piece is not purely values. Offsets are absolute.
    """
    raw = text[piece.start : piece.end]
    norm = normalize(raw)
    out: list[tuple[int, int, int, int] | None] = []
    for m in re.finditer(r"\S+(?:\s*(?:万元|元))?", norm):
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
        elif BLANK_RE.match(tok):
            out.append((a, a + len(tok), -1, -1))
        else:
            return []
    return out


def split_label_and_values(text: str, piece: Piece) -> tuple[tuple[int, int] | None, list[tuple[int, int, int, int]]]:
    """A piece like ``（一）予以公开 5345 129``: the label part and trailing single-space values."""
    raw = normalize(text[piece.start : piece.end])
    m = re.search(r"(?:\s+[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*万元|\s*元)?)+$", raw)
    if not m or not CJK_RE.search(raw[: m.start()]):
        return (piece.start, piece.end), []
    label_end = len(raw[: m.start()].rstrip())
    vals: list[tuple[int, int, int, int]] = []
    sub = Piece(piece.start + m.start(), piece.end, piece.field, piece.x)
    stripped_start = sub.start + (len(raw[m.start() :]) - len(raw[m.start() :].lstrip()))
    vals = [v for v in value_tokens(text, Piece(stripped_start, piece.end, piece.field, piece.x)) if v]
    return (piece.start, piece.start + label_end), vals
