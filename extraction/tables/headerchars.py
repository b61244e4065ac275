"""Table 三's header read character by character where a space-aligned reading keeps column positions.

A PDF's narrow header cells wrap a character or two a line, and a reader joins what stands side
by side on a line into one piece (``商业 科研 社会公法律服其 小`` / ``企业 机构 益组织务机构他 计``: the
header's 小计 column is the ``小`` on one line over the ``计`` two lines down, 其他 the ``其`` over
the ``他``). The tagged pieces then name no column; the characters' positions still do.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from ..labels import Label
from ..layout import Line, column_width
from .base import Region
from .rows import positional

# how many lines down the second character of a wrapped header word may stand (a line of the
# neighbouring cells' wrapped text between them)
_WRAP_LINES = 3
_GAP = re.compile(r"\S[ \u3000]+\S")


class HeaderChar(NamedTuple):
    line: int  # index into the text's lines
    x0: int  # first column it takes (``layout.column_width``)
    x1: int  # the column after it
    char: str


def header_chars(region: Region) -> list[HeaderChar] | None:
    """Every printed character of the header lines (from the first column header's line to the
    line before the first value), with its columns; None for a reading without column positions
    (tabs, bars, one space between values) or a region without a tagged column header."""
    if region.has_tabs or not positional(region):
        return None
    tops = [f.line for f in region.frags if f.label == Label.COL]
    first = min((c.line for c in region.cells), default=None)
    if not tops or first is None:
        return None
    lines = [ln for ln in region.lines if min(tops) <= ln.index < first]
    if not side_by_side(region.text, lines):
        return None  # one header cell a line (LibreOffice's text export): no column to read
    width = column_width(region.text)
    out: list[HeaderChar] = []
    for line in lines:
        x = 0
        for ch in region.text[line.start : line.end]:
            w = width(ch)
            if not ch.isspace():
                out.append(HeaderChar(line.index, x, x + w, ch))
            x += w
    return out


def side_by_side(text: str, lines: Sequence[Line]) -> bool:
    """Do the header ``lines`` stand cells side by side (some line holds two pieces a space or more
    apart)? A reading of one cell a line puts every piece at column 0, in the printed order."""
    return any(_GAP.search(text[ln.start : ln.end].strip()) for ln in lines)


def word_x(chars: list[HeaderChar], word: str, not_followed_by: str = "") -> list[int]:
    """The column (x of its first character) of each place the two-character ``word`` is printed in
    the header: its characters touching on one line, or the second under the first on one of the
    next lines with no character between them in its columns. ``not_followed_by``: a character that,
    touching the second one on its right, makes it another word (``其他组`` of 法人或其他组织)."""
    a, b = word
    by_line: dict[int, list[HeaderChar]] = {}
    for c in chars:
        by_line.setdefault(c.line, []).append(c)

    def at(line: int, x0: int, x1: int) -> list[HeaderChar]:
        return [c for c in by_line.get(line, ()) if c.x0 < x1 and x0 < c.x1]

    def followed(c: HeaderChar) -> bool:
        return bool(not_followed_by) and any(n.char in not_followed_by and n.x0 == c.x1 for n in by_line[c.line])

    out = []
    for c in chars:
        if c.char != a:
            continue
        beside = [n for n in by_line[c.line] if n.x0 == c.x1 and n.char == b]
        if beside and not followed(beside[0]):
            out.append(c.x0)
            continue
        for d in range(1, _WRAP_LINES + 1):
            under = at(c.line + d, c.x0, c.x1)
            if not under:
                continue
            if len(under) == 1 and under[0].char == b and not followed(under[0]):
                out.append(c.x0)
            break
    return out


def subtotal_column(chars: list[HeaderChar]) -> int | None:
    """The x of the header's 小计 (``法人或其他组织小计`` or its last piece), however wrapped; None if none."""
    xs = word_x(chars, "小计")
    return xs[0] if xs else None


def subtotal_after_other(chars: list[HeaderChar]) -> bool | None:
    """Does the header's 小计 stand right of its 其他 (the 8-column variant's 小计 after 其他)? None
    where either is not found or both start at one column."""
    sub = subtotal_column(chars)
    other = word_x(chars, "其他", not_followed_by="组")
    if sub is None or not other or other[0] == sub:
        return None
    return sub > other[0]
