"""A page's first rows of table 三 written as a staircase (raw ``pdftotext``).

Raw ``pdftotext`` writes a table cell by cell in an order it derives from where the cells stand,
not row by row. On a page of a WPS-style PDF whose rows' 自然人 column is read with the row labels,
the cells right of it can come as the upper-left triangle of the page's first rows first, then
each of those rows' remaining cells, row after row::

    84 / 6 / 39 / 110 / 11 / 2 / 5 / 0 8 / 0 2 / 3 / 67 / 306 / 2557 / 8 / 4 / 30 / 258 / 0 5 / …

is four row units (the third a group of two rows, its blocks two values each): the first unit's
first four columns (84 6 39 110), the second's first three (11 2 5), the third's first two
(0 8 / 0 2), the fourth's first one (3), then the first unit's other three columns
(67 306 2557), the second's other four (8 4 30 258), the third's other five and the fourth's
other six. ``staircase_spans`` writes a page's blocks back in row order for each shape of the
staircase (the first unit's printed columns ``p``, ``p − 1`` for the next, down to one per
unit); the caller divides each rewritten span as any other and keeps a reading only where every
rewrite that divides gives the same values (two staircases that fit are a guess between them).
"""
from __future__ import annotations

import re
from typing import Sequence

from ..document import Document
from ..layout import Line
from .onereading import agreed_reading
from .pagetotal import _pages, table_width, unmarked_totals_moved
from .result import TableResult
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP
from .streamorder import (
    _HEADER_CELLS,
    SUBTOTAL_SLOTS,
    _page_numbers,
    assemble_from_stream,
    block_starts,
    header_lead,
    label_joins,
    lone_numbers,
    solve_checked,
    subtotal_header,
)


# staircase shapes kept per span at most, counted before any is divided (each is divided anew); a
# span with more is not rewritten (a subset's agreement could be a guess)
MAX_STAIRCASES = 32
# the pieces of table 三's column header cells as readers cut them (``商业企`` / ``业``, ``法人或`` /
# ``其他组`` / ``织小计``): a line of one of these before a value names the value's column
_HEADER_TEXT = "".join(_HEADER_CELLS) + "社会公益组织法律服务机构法人或其他组织小计合计"


def _squeeze(text: str, ln: Line) -> str:
    return re.sub(r"\s+", "", text[ln.start : ln.end])


def _chunks(text: str, lines: Sequence[Line]) -> list[list[int]]:
    """The positions in ``lines`` cut at empty lines: each chunk its empty lines, then its filled ones."""
    out: list[list[int]] = [[]]
    for k, ln in enumerate(lines):
        if not _squeeze(text, ln) and any(_squeeze(text, lines[j]) for j in out[-1]):
            out.append([])
        out[-1].append(k)
    return out


def _values(text: str, lines: Sequence[Line], chunk: list[int]) -> int | None:
    """How many values a chunk holds when it is a block of table values: lone numbers, perhaps
    after pieces of a column header cell (the cell right above the value read with it); None
    for anything else (a label, a page break, prose)."""
    filled = [_squeeze(text, lines[k]) for k in chunk]
    filled = [s for s in filled if s]
    if not filled or any("\f" in text[lines[k].start : lines[k].end] for k in chunk):
        return None
    n = 0
    for s in filled:
        if LONE_NUMBER.fullmatch(s):
            n += 1
        elif n or not all(ch in _HEADER_TEXT for ch in s):
            return None
    return n or None


def _unit_rows(text: str, lines: Sequence[Line], chunks: list[list[int]], unit: list[int]) -> list[list[float]]:
    """The rows of a unit of blocks (``unit``: chunk numbers in column order, ``k`` values each),
    row by row: a block holds its column's ``k`` rows top down."""
    cols = [[float(s.replace(",", "")) for k in chunks[j] if LONE_NUMBER.fullmatch(s := _squeeze(text, lines[k]))]
            for j in unit]  # fmt: skip
    return [[col[r] for col in cols] for r in range(len(cols[0]))]


def _sums_hold(row: list[float], width: int, labelled: bool) -> bool:
    """Could ``row`` (a row's printed columns right of the labels, its 自然人 left out where
    ``labelled``) be table 三's in column order: its 总计 the sum of the applicant columns, or for
    the 8-column variant its 小计 (after 自然人 or after 其他) the five organisations' and its 总计
    自然人's plus the 小计. Without the 自然人 value a 7-column row has no sum to check."""
    def eq(a: float, b: float) -> bool:
        return abs(a - b) < 1e-6

    if width == APP_COLS:
        return labelled or eq(row[6], sum(row[:6]))
    if labelled:  # 商业企业 … 其他, 小计, 总计 / 小计, 商业企业 … 其他, 总计
        return eq(row[5], sum(row[:5])) or eq(row[0], sum(row[1:6]))
    return (eq(row[6], sum(row[1:6])) and eq(row[7], row[0] + row[6])
            or eq(row[1], sum(row[2:7])) and eq(row[7], row[0] + row[1]))  # fmt: skip


def _page_shapes(text: str, lines: Sequence[Line], first: int, end: int, width: int) -> list[list[int]]:
    """Per staircase shape of the page ``lines[first:end]``: the page's positions in ``lines``
    in the rewritten order. The page's first run of value blocks after its column header
    (a block whose lines are a header cell's pieces right before it), ``width`` the columns a row
    prints there (one less where its 自然人 stands with the row labels: a value on a label's line)."""
    chunks = _chunks(text, lines[first:end])
    chunks = [[first + k for k in c] for c in chunks]
    sizes = [_values(text, lines, c) for c in chunks]
    # the run starts right after the page's column header: its last header piece ends the chunk before
    def after_header(j: int) -> bool:
        filled = [s for k in chunks[j - 1] if (s := _squeeze(text, lines[k]))]
        return bool(filled) and all(ch in _HEADER_TEXT for ch in filled[-1])

    start = next((j for j in range(1, len(chunks)) if sizes[j] and sizes[j - 1] is None and after_header(j)), None)
    if start is None:
        return []
    run = start
    while run < len(chunks) and sizes[run]:
        run += 1
    labelled = any(re.search(r"[\u4e00-\u9fff）)”]\s+[0-9]", text[lines[k].start : lines[k].end])
                   for c in chunks[:start] for k in c)  # fmt: skip
    cols = width - 1 if labelled else width
    out: list[list[int]] = []
    for p1 in range(2, cols):
        for units in range(2, p1 + 1):
            prefix = [p1 - i for i in range(units)]
            need = units * cols
            if start + need > run:
                continue
            at = start
            heads: list[list[int]] = []
            for p in prefix:
                heads.append(list(range(at, at + p)))
                at += p
            rows: list[list[int]] = []
            for head, p in zip(heads, prefix):
                rows.append(head + list(range(at, at + cols - p)))
                at += cols - p
            # a unit's blocks hold its rows alike: one value each, or a group's k each
            if any(len({sizes[j] for j in row}) != 1 or (sizes[row[0]] or 0) > MAX_GROUP for row in rows):
                continue
            # each rewritten row meets the sums it prints whole (checked before any division)
            if not all(_sums_hold(r, width, labelled) for row in rows for r in _unit_rows(text, lines, chunks, row)):
                continue
            order = [k for c in chunks[:start] for k in c]
            order += [k for row in rows for j in row for k in chunks[j]]
            order += [k for c in chunks[start + need :] for k in c]
            out.append(order)
    return out


def staircase_spans(doc: Document, span: Sequence[Line], width: int) -> list[list[Line]]:
    """``span`` (table 三's region lines) with one page's first rows written back from a staircase
    (module docstring) into row order, one span per page and shape; ``width`` the table's printed
    columns (7, or 8 with the 小计 column). Empty where no page has a run of value blocks after
    its column header long enough for a staircase, or where more than ``MAX_STAIRCASES`` shapes
    would be tried (none is: a subset's agreement could be a guess)."""
    text = doc.text
    out: list[list[Line]] = []
    for first, end in _pages(text, span):
        for order in _page_shapes(text, span, first, end, width):
            out.append([*span[:first], *(span[k] for k in order), *span[end:]])
            if len(out) > MAX_STAIRCASES:
                return []
    return out


def _divides(doc: Document, span: Sequence[Line], row_keys: Sequence[str]) -> bool:
    """Does the span's stream divide into the rows as ``streamorder.assemble_from_stream`` divides
    it (the 小计 after 自然人 or after 其他 where the span prints one, else none), Chromium's orders
    left out?"""
    cells, hints = lone_numbers(doc, span)
    values = [c.value for c in cells]
    lead, pages = header_lead(doc, span, cells), _page_numbers(doc, cells)
    starts, joined = block_starts(cells, span), label_joins(doc, cells, span)
    subs = (*SUBTOTAL_SLOTS, None) if any(subtotal_header(doc.text[ln.start : ln.end]) for ln in span) else (None,)
    return any(solve_checked(values, row_keys, pages, hints, lead, starts, sub, joined=joined, chromium=False) is not None
               for sub in subs)  # fmt: skip


# spans divided per table at most by ``assemble_rewritten_pages`` (staircases of every base span
# and the pages whose last block is moved), counted before any is divided
MAX_REWRITTEN = 96


def assemble_rewritten_pages(res: TableResult, doc: Document, spans: Sequence[Sequence[Line]]) -> TableResult | None:
    """Table 三 from the region's spans (``spans``, each holding a value for every cell) with one
    page's first rows written back from a staircase (``staircase_spans``), over the span as it
    stands and over the span whose page's last block is put back as that page's first row's 总计
    (``pagetotal.unmarked_totals_moved``, also tried alone): each divided as printed
    (``streamorder.assemble_from_stream``). A reading only where every rewrite that divides gives
    the same values (two that fit with different values are a guess between them: none, with a
    warning); ``None`` also where none divides or more than ``MAX_REWRITTEN`` rewrites would be tried."""
    candidates: dict[tuple[int, ...], list[Line]] = {}
    for span in spans:
        width = table_width(doc, span)
        moved = unmarked_totals_moved(doc, span, width)
        for ls in [*moved, *(st for base in [list(span), *moved] for st in staircase_spans(doc, base, width))]:
            candidates.setdefault(tuple(ln.index for ln in ls), ls)
        if len(candidates) > MAX_REWRITTEN:
            return None
    # each rewrite first divided without Chromium's orders (``streamorder.chromelead``: the costly part of
    # a division that fails); only one that divides is built whole (those orders then narrow it as anywhere)
    row_keys = res.spec.row_keys
    fits = [r for ls in candidates.values()
            if _divides(doc, ls, row_keys) and (r := assemble_from_stream(res, doc, ls)) is not None]  # fmt: skip
    out = agreed_reading(res, fits, "a page's rows rewritten from the order raw pdftotext wrote them in (a staircase "
                                    "of the page's first rows, or its first row's 总计 last) fit the arithmetic in more "
                                    "than one way; not used")
    if out is None:
        return None
    out.warn("a page's first rows written by the reader as a staircase (each row's first columns, then the rest), "
             "or its first row's 总计 after its last row: put back in row order by the blocks and the arithmetic")
    return out
