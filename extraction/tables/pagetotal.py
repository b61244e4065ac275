"""A page's first row's 总计 drawn with the 总计 header cell at the page's end (raw ``pdftotext``).

On a page that repeats table 三's column header, LibreOffice's PDF of the 8-column variant (a
法人或其他组织 小计 column) draws the 总计 header cell after the page's rows, and the value right under
it, the page's first row's 总计, with it: raw ``pdftotext`` then writes the first row's other values
in order (its 小计 in the 小计 header's block), the page's later rows, and only then ``总计`` and that
value::

    2251 / 84 / 6 / 39 / 110 / 67 / 法人或 / 其他组 / 织小计 / 306 / 228 / 11 / … / 233 / 总计 / 2557 / <FF>

is the row (2251, 84, 6, 39, 110, 67, 306, 2557) followed by (228, 11, …). ``first_totals_moved``
puts such a block back after the page's first row (``k`` values: the 总计 column of a first row
group of ``k`` rows, after the group's other columns). The caller divides the rewritten span as any
other: every row's 总计 and the column identities must hold, so a block that is not the first row's
total (the last group's 总计 column drawn last, ``lastcolumn``) does not fit there.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..document import Document
from ..layout import Line
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP
from .streamorder import subtotal_header

# a line that opens table 三's column header on a page (its first header cell)
_HEADER_OPENS = ("申请人情况", "自然人")
# the 总计 header cell as a line of its own
_TOTAL_HEADER = "总计"


def _pages(text: str, span: Sequence[Line]) -> list[tuple[int, int]]:
    """``(first, end)`` positions in ``span`` of each page: a line holding a form feed opens one."""
    cuts = [k for k, ln in enumerate(span) if k and "\f" in text[ln.start : ln.end]]
    bounds = [0, *cuts, len(span)]
    return list(zip(bounds, bounds[1:]))


def first_totals_moved(doc: Document, span: Sequence[Line], width: int, header: bool = True,
                       page: int | None = None) -> list[Line] | None:  # fmt: skip
    """``span`` (table 三's region lines) with each page's trailing ``总计`` header line and the one
    to ``MAX_GROUP`` lone values right after it (the page's last lines) moved after the page's
    first row group: after its ``(width - 1) × k`` values counted from the page's column header
    (``k`` the values moved; ``width`` the table's printed columns, 7 or 8), after an empty line (a
    block of their own), the header line dropped (a header printed between values names a page's
    first row's columns, which this is not any more). ``None`` where no page ends so, or the page
    prints no column header or too few values before the ``总计`` line. ``header=False``: the page's
    last block of one to ``MAX_GROUP`` lone values (an empty line before it) without a ``总计`` line
    before it (a WPS-style page that draws the 总计 header cell at its top, with the other header
    cells, and the first row's 总计 after the page's rows: ``… 2774 / 41 / (empty) / 25``); every
    page ends with some block, so the caller asks per page (``page``: only that page, 0-based)."""
    text = doc.text

    def s(ln: Line) -> str:
        return re.sub(r"\s+", "", text[ln.start : ln.end])

    out = list(span)
    moved = False
    # pages from the last, so earlier positions stay valid while a page is rewritten
    for p, (first, end) in reversed(list(enumerate(_pages(text, span)))):
        if page is not None and p != page:
            continue
        filled = [k for k in range(first, end) if s(span[k])]
        tail: list[int] = []
        while filled and LONE_NUMBER.fullmatch(s(span[filled[-1]])) and "\f" not in text[span[filled[-1]].start : span[filled[-1]].end]:
            tail.insert(0, filled.pop())
        if header:
            if not 1 <= len(tail) <= MAX_GROUP or not filled or s(span[filled[-1]]) != _TOTAL_HEADER:
                continue
            if tail[-1] - tail[0] != len(tail) - 1:
                continue  # the values are one block: consecutive lines
            drop_line = filled.pop()
        else:
            # the last block: the values after the last empty line
            gap_at = max((k for k in range(first, tail[-1]) if not s(span[k])), default=None) if tail else None
            if gap_at is None or not tail or gap_at < tail[0]:
                continue
            block = [k for k in tail if k > gap_at]
            if not 1 <= len(block) <= MAX_GROUP or block[-1] - block[0] != len(block) - 1 or len(block) == len(tail):
                continue
            filled += [k for k in tail if k < gap_at]
            tail = block
            drop_line = gap_at
        # without the 总计 line, the header's opening cell also where the reader joined it to the
        # note beside it (``（本列数据的勾稽关系为：第 申请人情况``)
        opens = [k for k in filled if s(span[k]).startswith(_HEADER_OPENS)
                 or not header and (_HEADER_OPENS[0] in s(span[k]) or s(span[k]).endswith(_HEADER_OPENS[1]))]  # fmt: skip
        if not opens:
            continue
        values = [k for k in filled if k > opens[0] and LONE_NUMBER.fullmatch(s(span[k]))]
        need = (width - 1) * len(tail)
        if len(values) <= need:
            continue
        gap = next((k for k in range(drop_line + 1, tail[0]) if not s(span[k])), None) if header else drop_line
        if gap is None:
            continue
        at = values[need - 1] + 1
        block = [span[gap], *(span[k] for k in tail)]
        drop = {drop_line, gap, *tail}
        out[first:end] = [*(span[k] for k in range(first, at) if k not in drop), *block,
                          *(span[k] for k in range(at, end) if k not in drop)]  # fmt: skip
        moved = True
    return out if moved else None


def unmarked_totals_moved(doc: Document, span: Sequence[Line], width: int) -> list[list[Line]]:
    """Per page of ``span`` whose last block may be its first row's 总计 drawn last without the
    ``总计`` header line (``first_totals_moved(header=False)``): the span with that page rewritten."""
    return [moved for p in range(len(_pages(doc.text, span)))
            if (moved := first_totals_moved(doc, span, width, header=False, page=p)) is not None]


def table_width(doc: Document, span: Sequence[Line]) -> int:
    """The printed columns of table 三 in ``span``: eight where a line prints the 8-column variant's
    小计 header (``streamorder.subtotal_header``), else seven."""
    return APP_COLS + any(subtotal_header(doc.text[ln.start : ln.end]) for ln in span)
