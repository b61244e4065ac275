"""Table 三 read from a stream of one-value lines in content-stream order (raw ``pdftotext``).

Raw ``pdftotext`` (no ``-layout``) writes every value of table 三 on its own line, the labels
apart, and rows that share a merged label cell (三(一) and 三(二), for instance) column by column:
``250 23 | 44 10 | …`` for the rows (250, 44, …) and (23, 10, …). The value stream then is a
sequence of *row groups*: ``k`` consecutive template rows written column-major (``k`` = 1: one
row in order). Which ``k`` each group has is not printed; the report's arithmetic decides it:
every row must meet 总计 = the six applicant columns, and the whole table the column identities
(一+二 = (七)总计+四, (七)总计 = 三(一)…(六)).

``solve_stream`` finds every division of the stream into row groups under which every row meets
its 总计 (a dynamic programme over (stream position, template row), so the count of divisions
does not matter), and keeps per cell the values the divisions agree on; a cell they disagree on
is ``None`` (the caller reports it unreadable with a warning), never a guess. Raw ``pdftotext``'s
blocks (an empty line after each) narrow the divisions first: a group's cells of one column are one
block of ``k`` lines, a single row's values a block each (``block_starts``, ``_fits_blocks``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from typing import Callable, Sequence, TypeVar

from ..document import Document
from ..layout import Line
from ..templates import TableSpec
from .base import Cell, parse_value
from .blankdivision import BROKEN_ROWS, blank_identities_result, rule_out_guesses
from .chromelead import chromium_groups, late_second_column
from .latetotals import deferred_orders, reordered
from .digitruns import _holds, application_identities
from .ordercells import undetermined_by_order
from .pagelabels import late_header, page_first_rows
from .blankcells import meets_total
from .result import BLANK, INFERRED, READ, UNREADABLE, TableResult
from .streamblocks import (
    APP_COLS,
    LONE_NUMBER,
    MAX_GROUP,
    Number,
    _alive_edges,
    _breaks,
    _group,
    identities_hold,
)
from .streamblocks import fits_blocks as _fits_blocks

R = TypeVar("R")

# the most rows whose first column a reading writes with their labels (``_lead_column``: Chromium's
# PDF through raw pdftotext), and the most divisions of their other columns kept per run
MAX_LEAD = 10
# the most rows of one whole run of first columns read with the labels (from the value after an empty
# line to the value before the next one: a page's rows, ``_lead_column``); past ``MAX_LEAD`` rows, and
# in the 8-column variant, only a whole run is taken (a run's start and end are where the page shows them)
MAX_LEAD_RUN = 26
MAX_LEAD_DIVISIONS = 64
# the most leading columns a reading writes beside each row's label, the first value on the label's
# line and the next ones on the lines below it (``_wide_lead``: the 8-column variant of a WPS-style
# PDF through raw pdftotext writes 自然人, 商业企业 and 科研机构 so); one column is ``_lead_column``
MAX_LEAD_WIDTH = 3
# where the 8-column variant prints its 法人或其他组织 小计 (0-based slot of eight): after 自然人 or
# after 其他 (``applications._subtotal_slot``)
SUBTOTAL_SLOTS = (1, 6)
# the applicant columns' headers as pdftotext writes them whole; a value printed right after one
# (the first row, interleaved with the header cells) is that column's
COLUMN_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计")
_HINT_LINES = 4
COLUMN_OPEN = "申请人情况"  # the line that opens table 三's column header
# the column header's cells whole; a line of pieces of them (``组织``, ``机构``) is header text
_HEADER_CELLS = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# a line of words (ending in a CJK character, or a bracket or quote mark: a label wrapped inside its
# brackets, ``（二）部分公开（ 0``) then one number after a space
_LABEL_VALUE = re.compile(r"(.*[\u4e00-\u9fff）)”（(“])\s+([0-9][0-9,]*(?:\.[0-9]+)?)")
# a line of two or more numbers and nothing else, one space or more between them
_NUMBER_RUN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?(?:\s+[0-9][0-9,]*(?:\.[0-9]+)?)+")
# a cell printed as a dash or 无: a blank, its own token in the stream (0 in a row's arithmetic)
_BLANK_MARK = re.compile(r"[-—－–─]{1,2}|无")


@dataclass
class StreamSolution:
    """Rows of table 三 (template order) as the stream's arithmetic leaves them: a value, or
    ``None`` where divisions that fit disagree; ``grouped``: rows that came column-major."""

    rows: list[list[Number | None]]
    grouped: set[int]
    ambiguous: int  # cells the fitting divisions disagree on
    index: list[list[int | None]]  # each determined cell's token in the stream


def _header_column(lines: Sequence[str]) -> int | None:
    """The applicant column a value's preceding lines name: the last of them (at most
    ``_HINT_LINES`` since the previous value) that holds exactly one column header."""
    if len(lines) > _HINT_LINES:
        return None
    for k in range(len(lines) - 1, -1, -1):
        s = re.sub(r"\s+", "", lines[k])
        found = [c for c, name in enumerate(COLUMN_HEADERS) if name in s]
        if s == "其他":
            whole = 5
        elif s == "总计":
            whole = 6
        elif len(found) == 1 and s.startswith(COLUMN_HEADERS[found[0]]):
            whole = found[0]
        else:
            continue
        # a header cut into pieces on the lines after it (``总计`` / ``社会公`` / ``益组织``) stands
        # nearer the value: the pieces name its column
        cut = _cut_header(lines[k + 1 :])
        return whole if cut is None else cut
    return _cut_header(lines)


def _cut_header(lines: Sequence[str]) -> int | None:
    """The applicant column a header cut into pieces, one a line (``社会公`` / ``益组织``), names:
    the pieces joined start with one column's header; None otherwise."""
    joined = re.sub(r"\s+", "", "".join(lines))
    found = [c for c, name in enumerate(COLUMN_HEADERS[:5]) if name in joined]
    if len(found) == 1 and joined.startswith(COLUMN_HEADERS[found[0]]):
        return found[0]
    return None


def lone_numbers(doc: Document, lines: Sequence[Line], header_marks: bool = False,
                 among: bool = False) -> tuple[list[Cell], list[int | None]]:
    """Every line of ``lines`` that holds one number and nothing else, as a Cell (offsets in the
    original text), and the column a header printed just before it names (``_header_column``).
    With ``header_marks``, a blank mark between text lines is a value (a blank cell) where the
    words before it end a column header cell (WPS's first page top: ``法律服务`` / ``机构`` / ``－``).
    With ``among``, a 总计 header drawn among a page's values names no value (``_late_hints_dropped``)."""
    out: list[Cell] = []
    hints: list[int | None] = []
    text = doc.text
    between: list[str] = []
    filled = [ln for ln in lines if text[ln.start : ln.end].strip()]
    kinds = ["n" if LONE_NUMBER.fullmatch(s) else "m" if _BLANK_MARK.fullmatch(s)
             else "r" if _NUMBER_RUN.fullmatch(s) else "l" if _LABEL_VALUE.fullmatch(s) else "t"
             for s in (text[ln.start : ln.end].strip() for ln in filled)]  # fmt: skip
    for k, ln in enumerate(filled):
        raw = text[ln.start : ln.end]
        s = raw.strip()
        if kinds[k] == "l":
            # a label's last line and the row's first value on one line (``4.保护第三方合法权益 2``:
            # Chromium's PDF draws them on one baseline, raw pdftotext joins them): the words are
            # text between values, the number a value
            m = _LABEL_VALUE.fullmatch(s)
            between.append(m.group(1))
            start = ln.start + raw.index(s) + m.start(2)
            out.append(Cell(parse_value(m.group(2)), m.group(2), start, start + len(m.group(2)), ln.index, 0, 0, 1.0))
            hints.append(_header_column(between))
            between = []
            continue
        # a dash or 无 among values is a blank cell; among words it is part of a label (（四）无…),
        # or with ``header_marks`` a blank cell where the words before it end a column header cell
        if kinds[k] == "t" or (kinds[k] == "m" and "t" == (kinds[k - 1] if k else "t") == (kinds[k + 1] if k + 1 < len(kinds) else "t")
                               and not (header_marks and _header_column(between) is not None)):  # fmt: skip
            between.append(s)
            continue
        # a line of numbers apart (``0 0``: Chromium's PDF draws a row's last two cells as one run of
        # text, which raw pdftotext keeps on one line): each number its own value, in line order
        for m in LONE_NUMBER.finditer(raw) if kinds[k] == "r" else [None]:
            start, tok = (ln.start + m.start(), m.group()) if m else (ln.start + raw.index(s), s)
            value = parse_value(tok) if kinds[k] != "m" else None
            out.append(Cell(value, tok, start, start + len(tok), ln.index, 0, 0, 1.0))
            hints.append(_header_column(between))
            between = []
    return out, _late_hints_dropped(text, out, hints) if among else hints


def _late_hints_dropped(text: str, cells: Sequence[Cell], hints: list[int | None]) -> list[int | None]:
    """``hints`` without those of a 总计 header drawn among a page's values: with a row's width of
    values (``APP_COLS``) or more before it on its page and more after it than one column's block,
    the header stands past the page's first row, where the content-stream order of its vertical
    cell puts it (LibreOffice draws it after the page's first rows, a row group written column by
    column after it), so it names none of the values after it. Where the values after it on its
    page are one block of at most ``MAX_GROUP`` (one value: the header cell drawn with the value
    under it, the page's first row's 总计, at the page's end, ``pagetotal.first_totals_moved``; a
    few: the last group's 总计 column drawn with its header after the rest, past the next heading,
    ``continuation``), the header still names them."""
    page = [text.count("\f", 0, c.start) for c in cells]
    out = list(hints)
    for i, h in enumerate(hints):
        if h != APP_COLS - 1:
            continue
        before = sum(1 for q in range(i) if page[q] == page[i])
        end = next((q for q in range(i, len(cells)) if page[q] != page[i]), len(cells))
        block = all(cells[q].line == cells[q - 1].line + 1 for q in range(i + 1, end))
        if before >= APP_COLS and not (block and end - i <= MAX_GROUP):
            out[i] = None
    return out


def header_lead(doc: Document, lines: Sequence[Line], cells: Sequence[Cell]) -> int:
    """How many of the lone numbers ``cells`` stand before the first line naming the 自然人 column,
    whole or upright (``自`` / ``然…`` / ``人…``, a character a line): values drawn before the
    table's column header, the caller's ``lead``; 0 without such a line."""
    text = doc.text
    heads = [text[ln.start : ln.end].strip() for ln in lines]
    header = next((ln.start for ln, s in zip(lines, heads) if COLUMN_HEADERS[0] in s), None)
    upright = _upright_header(heads)
    header = min((h for h in (header, None if upright is None else lines[upright].start) if h is not None), default=None)
    return sum(c.start < header for c in cells) if header is not None else 0


# the most lines from one character of an upright header to the next (other header cells' pieces
# stand between them: ``自`` / ``总`` / ``然 商业 科研`` / ``计`` / ``人 企业 机构``)
_UPRIGHT_GAP = 5


def _upright_header(heads: Sequence[str]) -> int | None:
    """The index of the line where the 自然人 header printed upright starts, if any: a browser gives
    the narrow 自然人 column only its figures' width, so its header comes a character a line (``自``
    / ``然 法人或其他组织`` / ``人``), each character a word of its own at the start or the end of its line
    (pdftotext joins it with the header cells beside it), each within ``_UPRIGHT_GAP`` lines of the
    one before."""
    def has(k: int, ch: str) -> bool:
        words = heads[k].split()
        return bool(words) and ch in (words[0], words[-1])

    # the column a character a line, or two characters on one line and the third on another (a
    # column wide enough for two: ``自然`` / ``人``, ``自`` / ``然人``)
    for k in range(len(heads)):
        for pieces in (("自", "然", "人"), ("自然", "人"), ("自", "然人")):
            if not has(k, pieces[0]):
                continue
            at = k
            for ch in pieces[1:]:
                at = next((j for j in range(at + 1, min(at + 1 + _UPRIGHT_GAP, len(heads))) if has(j, ch)), -1)
                if at < 0:
                    break
            else:
                return k
    return None


def block_starts(cells: Sequence[Cell], lines: Sequence[Line]) -> list[bool]:
    """Per lone number: whether it starts a block of raw ``pdftotext`` (an empty line or a text
    line stands between it and the previous number, which ends the block before it)."""
    index = {ln.index: k for k, ln in enumerate(lines)}
    out: list[bool] = []
    for i, c in enumerate(cells):
        a, b = index.get(cells[i - 1].line) if i else None, index.get(c.line)
        out.append(a is None or b is None or b != a + 1)
    return out


def label_joins(doc: Document, cells: Sequence[Cell], lines: Sequence[Line]) -> list[int]:
    """Per lone number (``lone_numbers``): 0 when an empty line stands between it and the previous
    number, 3 when a text line does as well (or its own line starts with words; a value alone in its
    block after a label's: Chromium's PDF draws a one-line label and its row's first value on one
    baseline, which raw pdftotext may keep apart; ``chromelead``), 2 when a text line does and no
    empty line (or its own line starts with words: ``4.保护第三方合法权益 2``), 1 otherwise (the next
    line, or the same line)."""
    index = {ln.index: k for k, ln in enumerate(lines)}
    text = doc.text
    out: list[int] = []
    for i, c in enumerate(cells):
        a, b = index.get(cells[i - 1].line) if i else None, index.get(c.line)
        if a is None or b is None:
            out.append(0)
            continue
        between = [text[ln.start : ln.end].strip() for ln in lines[a + 1 : b]]
        own = text[lines[b].start : c.start].strip()
        if any(not x for x in between):
            out.append(3 if any(between) or (own and a != b) else 0)
        else:
            out.append(2 if between or (own and a != b) else 1)
    return out


def _lead_column(values: Sequence[Number], p: int, m: int, starts: Sequence[bool],
                 joined: Sequence[int], sub: int | None = None) -> list[list[list[tuple[Number, int]]]]:  # fmt: skip
    """Divisions of ``m`` rows from ``p`` whose first column (自然人) came with their labels, one
    value a label (Chromium's PDF through raw pdftotext: the column beside the labels joins their
    block), the rows' other six columns after it or before it, a row a block each or a few rows
    column by column (``_fits_blocks``); each row meeting its 总计. The first column's values stand
    in one block with label text between them (``joined``); the value after them starts a new block.
    With a 小计 in every row (``sub``: eight values a row) or more than ``MAX_LEAD`` rows, only a
    whole run (``_whole_run``: a WPS-style page whose rows' 自然人 stand with the row labels)."""
    width = APP_COLS + (sub is not None)
    end = p + m * width
    if end > len(values) or len(joined) < end:
        return []
    whole = sub is not None or m > MAX_LEAD
    return [d for first, rest in ((p, p + m), (end - m, p))
            if (not whole or _whole_run(joined, first, m)) and _labels_block(joined, starts, first, m)
            for d in _other_columns(values, first, rest, m, starts, 1, width - 1, sub)]  # fmt: skip


def _whole_run(joined: Sequence[int], first: int, m: int) -> bool:
    """The ``m`` values from ``first`` are a whole run: an empty line (or nothing) before the first
    and before the value after the last."""
    return (first == 0 or joined[first] in (0, 3)) and (first + m >= len(joined) or joined[first + m] in (0, 3))


def _labels_block(joined: Sequence[int], starts: Sequence[bool], first: int, m: int) -> bool:
    """The ``m`` values from ``first`` stand in one block with label text between them, and the
    value after them starts a new block."""
    if any(joined[i] in (0, 3) for i in range(first + 1, first + m)) or not any(joined[i] == 2 for i in range(first, first + m)):
        return False
    return not starts or first + m >= len(starts) or starts[first + m]


def lead_divisions(first: int, rest: int, m: int, lead: int, rest_width: int, starts: Sequence[bool],
                   keep: Callable[[list[int]], R | None]) -> list[list[R]] | None:  # fmt: skip
    """Every division of ``m`` rows whose first ``lead`` columns' values stand from ``first`` (a
    row's together) and whose other ``rest_width`` columns stand from ``rest``, a block a column
    (``fits_blocks``) for a run of up to ``MAX_GROUP`` rows at a time: each row's stream indices in
    column order, passed through ``keep`` (None drops the division there). None past
    ``MAX_LEAD_DIVISIONS`` divisions (a subset could agree on a cell the others would not: a guess)."""
    out: list[list[R]] = []

    def parts(q: int, j: int, acc: list[R]) -> None:
        if len(out) > MAX_LEAD_DIVISIONS:
            return
        if j == m:
            out.append(acc)
            return
        for k in range(1, min(MAX_GROUP, m - j) + 1):
            if starts and not _fits_blocks(starts, q, k, rest_width):
                continue
            rows = [keep([first + (j + jj) * lead + c for c in range(lead)] + [q + c * k + jj for c in range(rest_width)])
                    for jj in range(k)]  # fmt: skip
            if all(r is not None for r in rows):
                parts(q + k * rest_width, j + k, acc + rows)  # type: ignore[operator]

    parts(rest, 0, [])
    return out if len(out) <= MAX_LEAD_DIVISIONS else None


def _other_columns(values: Sequence[Number], p: int, rest: int, m: int, starts: Sequence[bool],
                   lead: int = 1, rest_width: int = APP_COLS - 1,
                   sub: int | None = None) -> list[list[list[tuple[Number, int]]]]:  # fmt: skip
    """Rows of ``m`` rows whose first ``lead`` columns' values stand from ``p`` (a row's together),
    the other ``rest_width`` columns from ``rest``, in every division the blocks allow whose rows
    meet their sums (``lead_divisions``; ``_lead_column``, ``_wide_lead``)."""
    return lead_divisions(p, rest, m, lead, rest_width, starts,
                          lambda row: _row_fits([(values[i], i) for i in row], sub)) or []  # fmt: skip


def _row_fits(row: list[tuple[Number, int]], sub: int | None) -> list[tuple[Number, int]] | None:
    """A row of (value, stream index) in column order, its 小计 at ``sub`` left out, if the 小计
    equals the five organisation columns and the row meets 总计 (a blank counts 0); else None."""
    row = list(row)
    if sub is not None:
        x = row.pop(sub)[0]
        if _holds([0 if y is None else y for y, _ in row][1:6], [0 if x is None else x]) is not True:
            return None
    v = [0 if y is None else y for y, _ in row]
    return row if _holds(v[:6], v[6:7]) is True else None


def lead_rows(joined: Sequence[int], width: int) -> list[int]:
    """Per stream position ``q``: how many rows from ``q`` have their first ``width`` values
    written beside their labels (``_wide_lead``): each row's values on consecutive lines
    (``joined`` 1 after its first), label text before each later row's first (``joined`` 2)."""
    n = len(joined)
    out = [0] * (n + 1)
    for q in range(n - width, -1, -1):
        if all(joined[q + t] == 1 for t in range(1, width)):
            out[q] = 1 + (out[q + width] if q + width < n and joined[q + width] == 2 else 0)
    return out


def _wide_lead(values: Sequence[Number], p: int, m: int, lead: int, width: int, sub: int | None,
               starts: Sequence[bool], runs: Sequence[int]) -> list[list[list[tuple[Number, int]]]]:  # fmt: skip
    """Divisions of ``m`` rows from ``p`` whose first ``lead`` columns came with their labels, a
    row's values a block on the lines beside and below its label (``lead_rows``: ``runs``), the
    rows' other columns after them or before them, a row a block each or a few rows column by
    column (``_fits_blocks``); each row meeting its 小计 (``sub``) and 总计. The value after the
    leading columns starts a new block. Seen in WPS-style PDFs of the 8-column variant: each
    row's 自然人, 商业企业 and 科研机构 with its label, the 社会公益组织 … 总计 columns after the
    page's rows."""
    rest_width = width - lead
    end = p + m * width
    if end > len(values):
        return []
    out: list[list[list[tuple[Number, int]]]] = []
    for first, rest in ((p, p + m * lead), (p + m * rest_width, p)):
        after = first + m * lead
        if runs[first] < m or (starts and after < len(starts) and not starts[after]):
            continue
        out += _other_columns(values, first, rest, m, starts, lead, rest_width, sub)
    return out


def _block_lead(values: Sequence[Number], p: int, m: int,
                starts: Sequence[bool]) -> list[list[list[tuple[Number, int]]]]:  # fmt: skip
    """Divisions of ``m`` rows from ``p`` whose first two or three columns (自然人, 商业企业, 科研机构:
    narrow cells close together) stand in one block of their own, row by row (``5 1 0 | 0 0 0``),
    the rows' other columns after it, a block a column (or a row: ``_other_columns``); each row
    meeting its 总计. Raw pdftotext groups cells that stand close into one block and writes a block
    line by line: seen on LibreOffice's last page of table 三, its two rows' first three columns one
    block, then 社会公益组织 … 总计 a block each. The block must hold exactly the rows' leading values
    (a block starts at ``p`` and at the first value after them, none between)."""
    out: list[list[list[tuple[Number, int]]]] = []
    for lead in range(2, MAX_LEAD_WIDTH + 1):
        rest = p + m * lead
        if rest + m * (APP_COLS - lead) > len(values) or not starts[p] or any(starts[p + 1 : rest]) or not starts[rest]:
            continue
        out += _other_columns(values, p, rest, m, starts, lead, APP_COLS - lead)
    return out


def solve_stream(values: Sequence[Number], nrows: int, skippable: frozenset[int] = frozenset(),
                 hints: Sequence[int | None] = (), lead: int = 0, trail: bool = False,
                 starts: Sequence[bool] = (), sub: int | None = None,
                 joined: Sequence[int] = (), chromium: bool = False) -> StreamSolution | None:  # fmt: skip
    """Divide ``values`` into ``nrows`` rows in row groups meeting every row's 总计, passing over
    values at the indices in ``skippable`` (lone numbers next to a page break: page numbers) only
    between groups, any of the first ``lead`` values before the first row (printed before the
    table's header: another table's) and, with ``trail``, every value after the last row (the
    next table's); ``hints``: per value, the column a header printed just before it names
    (``_hinted_order``); ``starts``: per value, whether it starts a block (``block_starts``; a
    group must agree with them, ``_fits_blocks``); ``sub``: the slot of a 小计 each row prints
    (eight values a row, ``_group``; the rows returned leave it out); ``joined``: per value, 0 when
    an empty line stands before it, 1 when only text lines (or none), 2 when a text line does
    (``label_joins``: a row run whose first column came with the labels, ``_lead_column``);
    ``None`` when no division fits."""
    n = len(values)
    width = APP_COLS if sub is None else APP_COLS + 1
    if nrows == 0 or n < nrows * width or (not trail and n - nrows * width > len(skippable) + lead):
        return None
    # rows whose first columns came with their labels, per count of such columns (two or more)
    wide = {w: lead_rows(joined, w) for w in range(2, MAX_LEAD_WIDTH + 1)} if joined else {}

    def options(p: int, r: int) -> list[tuple[int, list[list[tuple[Number, int]]]]]:
        out = []
        for k in range(1, min(MAX_GROUP, nrows - r) + 1):
            rows = _group(values, p, k, hints, starts, sub)
            if rows is not None:
                out.append((k * width, rows))
        if joined:
            for m in range(2, min(MAX_LEAD_RUN, nrows - r) + 1):
                out.extend((m * width, rows) for rows in _lead_column(values, p, m, starts, joined, sub))
        for lead_width, runs in wide.items():
            for m in range(2, nrows - r + 1):
                out.extend((m * width, rows) for rows in _wide_lead(values, p, m, lead_width, width, sub, starts, runs))
        if chromium and joined and starts and sub is None:
            out.extend(chromium_groups(values, p, nrows - r, starts, joined))
            # the last row's 商业企业 cell written last, after the labels of the rows above it
            out.extend(late_second_column(values, p, nrows - r, starts, joined))
        if starts and sub is None:
            # a group's leading columns one block, row by row (``_block_lead``)
            for m in range(2, min(MAX_GROUP, nrows - r) + 1):
                out.extend((m * width, rows) for rows in _block_lead(values, p, m, starts))
        return out

    steps = _alive_edges(n, nrows, skippable, lead, trail, options)
    if steps is None:
        return None
    cells: list[list[dict[Number, int]]] = [[{} for _ in range(APP_COLS)] for _ in range(nrows)]
    grouped: set[int] = set()
    for r, rows in steps:
        for j, row in enumerate(rows):
            for c, (v, idx) in enumerate(row):
                cells[r + j][c].setdefault(v, idx)
            if len(rows) > 1 or row[1][1] > row[-1][1]:
                grouped.add(r + j)  # a row group, or a row whose 商业企业 came after its 总计: inferred
    out: list[list[Number | None]] = []
    index: list[list[int | None]] = []
    ambiguous = 0
    for r in range(nrows):
        out.append([])
        index.append([])
        for c in range(APP_COLS):
            vals = cells[r][c]
            if len(vals) == 1:
                (v, idx), = vals.items()
                out[r].append(v)
                index[r].append(idx)
            else:
                out[r].append(None)
                index[r].append(None)
                ambiguous += 1
    return StreamSolution(out, grouped, ambiguous, index)


def _meets_identities(sol: StreamSolution, row_keys: Sequence[str]) -> bool:
    """The division meets the column identities: a printed blank (— or 无) counts 0, a cell
    not determined leaves its identity unassessed."""
    determined = [[0 if v is None and i is not None else v for v, i in zip(row, idx)]
                  for row, idx in zip(sol.rows, sol.index)]  # fmt: skip
    return identities_hold(dict(zip(row_keys, determined)), row_keys)


def assemble_from_stream(res: TableResult, doc: Document, lines: Sequence[Line],
                         breaks: bool | None = None) -> TableResult | None:
    """Table 三 rebuilt from the region's one-value lines when their order is the content stream's:
    a new result, or ``None`` when the stream does not divide into the template's rows or the
    division breaks a column identity (the caller keeps its own reading)."""
    spec = res.spec
    cols = spec.rows[0].cols
    if len(cols) != APP_COLS:
        return None
    cells, hints = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    lead = header_lead(doc, lines, cells)
    pages = _page_numbers(doc, cells)
    starts = block_starts(cells, lines)
    joined = label_joins(doc, cells, lines)
    tops = page_tops(doc, lines, cells)
    # the divisions follow the blocks with a page's first row drawn among its header pieces apart
    row_starts = top_row_apart(starts, tops)

    def solve(sub: int | None) -> StreamSolution | None:
        return solve_checked(values, spec.row_keys, pages, hints, lead, row_starts, sub, joined=joined)

    if any(subtotal_header(doc.text[ln.start : ln.end]) for ln in lines):
        # the 8-column variant: a 法人或其他组织 小计 after 自然人 or after 其他 in every row; where
        # both places fit, the cells the two disagree on are null
        sols = [x for x in (solve(SUBTOTAL_SLOTS[0]), solve(SUBTOTAL_SLOTS[1])) if x is not None]
        sol = _agree(sols[0], sols[1]) if len(sols) == 2 else sols[0] if sols else solve(None)
    else:
        sol = solve(None)
        if sol is None and len(values) - lead >= len(spec.row_keys) * APP_COLS:
            # row groups whose 总计 column came after the rows below them (``latetotals``): put back
            late = _late_totals(spec, cells, values, pages, hints, lead, starts, joined)
            if late is not None:
                return late
        if sol is None and len(values) - lead - len(pages) < len(spec.row_keys) * APP_COLS:
            # fewer values than cells: blank cells left no line (raw pdftotext prints a row as its
            # non-empty cells): the divisions that meet the column identities, else a guess no
            # division allows is ruled out
            # each later page starts with the row labelled first on it (a row's values stand on its
            # label's page: ``pagelabels.page_first_rows``); not where a column header's piece names a
            # value among a page's later values (that page's values are not in its rows' order)
            firsts = {} if late_header(cells, _late_hints_dropped(doc.text, cells, hints), tops) else \
                page_first_rows(doc, lines, cells, tops, [row.label for row in spec.rows])
            built = blank_identities_result(res, cells, hints, lead, pages, breaks=breaks, starts=starts,
                                            tops=tops, page_rows=firsts)  # fmt: skip
            if firsts and built is not None and any(BROKEN_ROWS in w for w in built.warnings):
                # divided only with rows printing only a non-zero 总计: such a row's lone value is its
                # 总计 by the model, not by the text (its own identity is broken wherever it stands),
                # so those rows keep no more than the division without the pages' first rows gives
                plain = blank_identities_result(res, cells, hints, lead, pages, breaks=breaks, starts=starts,
                                                tops=tops)  # fmt: skip
                built = plain if plain is None else _broken_rows_as_without(built, plain)
            if built is not None:
                return built
            rule_out_guesses(res, values, hints, lead, pages)
            return None
    if sol is None:
        return None
    return stream_result(spec, cells, sol)


def _broken_rows_as_without(paged: TableResult, plain: TableResult) -> TableResult:
    """``paged`` (a division with each later page's first row from the labels) with the cells of its
    rows printing only a non-zero 总计 (every applicant cell blank) that ``plain`` (the division
    without them) does not give alike made null (``unreadable``), with a warning naming them.
    Returns ``paged``."""
    cols = paged.spec.rows[0].cols
    st, pst = paged.statuses(), plain.statuses()
    opened: list[str] = []
    for row in paged.spec.row_keys:
        if paged.values[row].get("total") in (None, 0) or any(st[row][c] != BLANK for c in cols if c != "total"):
            continue
        for col in cols:
            if (paged.values[row][col], st[row][col]) != (plain.values[row][col], pst[row][col]):
                paged.null(row, col)
                opened.append(f"{row}.{col}")
    if opened:
        paged.warn("rows printing only a non-zero 总计 that the pages' first rows (their labels' pages) alone place "
                   f"are left as the division without them leaves them; null: {', '.join(opened)}")
    return paged


def _late_totals(spec: TableSpec, cells: Sequence[Cell], values: Sequence[Number], pages: frozenset[int],
                 hints: Sequence[int | None], lead: int, starts: Sequence[bool],
                 joined: Sequence[int]) -> TableResult | None:  # fmt: skip
    """Table 三 from the orders ``latetotals.deferred_orders`` gives (row groups' 总计 blocks put back
    after their rows): each order divided as the stream is (``solve_checked``), the cells every
    order that divides gives alike kept, the others null; None when no order divides."""
    orders = deferred_orders(starts, joined, lead, values) if starts and joined else None
    found: list[tuple[list[int], StreamSolution]] = []
    for order in orders or []:
        s2, j2 = reordered(order, starts, joined)
        where = {i: pos for pos, i in enumerate(order)}
        sol = solve_checked([values[i] for i in order], spec.row_keys, frozenset(where[i] for i in pages),
                            [hints[i] for i in order], lead, s2, joined=j2)  # fmt: skip
        if sol is not None:
            sol.index = [[None if x is None else order[x] for x in row] for row in sol.index]
            found.append((order, sol))
    if not found:
        return None
    sol = agree_all([s for _, s in found])
    out = stream_result(spec, cells, sol, frozenset(i for order, _ in found for i in _moved(order)))
    out.warn("row groups' 总计 columns written after the rows below them (raw pdftotext of a browser's PDF); "
             "put back where the report's arithmetic places them")
    return out


def _moved(order: Sequence[int]) -> list[int]:
    """The indices ``order`` puts before a smaller one: the values it moved back, not those after
    them that only shifted."""
    out: list[int] = []
    least = None
    for i in reversed(order):
        if least is not None and i > least:
            out.append(i)
        least = i if least is None else min(least, i)
    return out


def page_tops(doc: Document, lines: Sequence[Line], cells: Sequence[Cell]) -> frozenset[int]:
    """The index into ``cells`` of the first value after each line that opens table 三's column
    header (``申请人情况``): where a page's first row starts, printed among the header's cells."""
    opens = [ln.index for ln in lines if re.sub(r"\s+", "", doc.text[ln.start : ln.end]).startswith(COLUMN_OPEN)]
    return frozenset(i for line in opens if (i := next((q for q, c in enumerate(cells) if c.line > line), None)) is not None)


def top_row_apart(starts: Sequence[bool], tops: frozenset[int]) -> list[bool]:
    """``starts`` (per value, whether it starts a block) with each value of a page's first row
    starting a block of its own where the page's first block holds exactly six values, or one
    value and the next block five: a page's first row's six applicant cells, which WPS draws among
    the repeated column header's pieces (on its first page 自然人's cell beside its own piece, the
    five others beside theirs) and raw pdftotext joins into one block, its 总计 apart (with no 总计
    header between them to name it, ``_hinted_order``). Blocks of other lengths are left as they are
    (a group's leading columns row by row, ``streamblocks._hinted_group``; a group's column)."""
    out = list(starts)
    for t in tops:
        end = next((q for q in range(t + 1, len(starts)) if starts[q]), len(starts))
        if end - t == 1:
            # 自然人's cell beside its header piece, the five organisations' cells joined beside theirs
            end = next((q for q in range(end + 1, len(starts)) if starts[q]), len(starts))
        if end - t == APP_COLS - 1 and end < len(starts):
            out[t:end] = [True] * (end - t)
    return out


def subtotal_header(line: str) -> bool:
    """Does the line print the 8-column variant's 法人或其他组织 subtotal header: a 小计 (also
    ``法人或其他组织小计``), or a 合计 cell on a line of its own (a row label ``（七）合计`` is numbered)?"""
    return "小计" in line or re.sub(r"\s+", "", line) == "合计"


def solve_checked(values: Sequence[Number], row_keys: Sequence[str], pages: frozenset[int],
                  hints: Sequence[int | None], lead: int, starts: Sequence[bool],
                  sub: int | None = None, fallback: bool = True,
                  joined: Sequence[int] = (), chromium: bool = True) -> StreamSolution | None:  # fmt: skip
    """``solve_stream`` over the whole region (a next table's values may trail) whose division also
    meets the column identities: the blocks first (they tell a row group of k rows from k single
    rows); where no division agrees with them (a block joining cells of two groups) and
    ``fallback``, the arithmetic alone; with ``chromium``, Chromium's orders narrow it. ``None``
    when none fits."""
    found: StreamSolution | None = None
    for blocks in (starts, ()) if fallback else (starts,):
        # a first column read with the labels is told by the blocks alone (``_lead_column``)
        sol = solve_stream(values, len(row_keys), pages, hints, lead, True, blocks, sub, joined if blocks else ())
        if sol is not None and _meets_identities(sol, row_keys):
            found = sol
            break
    if chromium and starts and joined and sub is None:
        # Chromium's orders (``chromelead``), told by the blocks alone, narrow what was found
        wide = solve_stream(values, len(row_keys), pages, hints, lead, True, starts, sub, joined, chromium=True)
        found = narrowed(found, wide, row_keys)
    return found


def narrowed(sol: StreamSolution | None, wide: StreamSolution | None, row_keys: Sequence[str]) -> StreamSolution | None:
    """The division ``sol`` with every cell null that ``wide`` (the blocks' search with Chromium's
    orders besides, ``chromelead``) leaves null or gives another value; where ``sol`` is None,
    ``wide`` if it meets the column identities. A cell both give keeps ``sol``'s token and status (a
    row placed in order is not made a row group's because another order gives the same values)."""
    if wide is None or not _meets_identities(wide, row_keys):
        return sol
    if sol is None:
        return wide
    for r, row in enumerate(wide.rows):
        for c, v in enumerate(row):
            if sol.index[r][c] is not None and (wide.index[r][c] is None or v != sol.rows[r][c]):
                sol.rows[r][c] = None
                sol.index[r][c] = None
                sol.ambiguous += 1
    return sol


def stream_result(spec: TableSpec, cells: Sequence[Cell], sol: StreamSolution,
                  placed: frozenset[int] = frozenset()) -> TableResult:  # fmt: skip
    """Table 三 from a stream division: each determined cell the token ``sol.index`` names
    (``inferred`` in a row group, or where its token's index is in ``placed``), the others
    ``unreadable`` with a warning."""
    cols = spec.rows[0].cols
    out = TableResult.empty(spec)
    out.rows_found = len(spec.row_keys)
    unknown: list[str] = []
    for r, row in enumerate(sol.rows):
        key = spec.row_keys[r]
        out.found(key)
        for c, v in enumerate(row):
            col = cols[c]
            cell = cells[sol.index[r][c]] if sol.index[r][c] is not None else None
            if cell is None:
                out.status.setdefault(key, {})[col] = UNREADABLE
                unknown.append(f"{key}.{col}")
                continue
            out.put(key, col, cell, inferred=r in sol.grouped or sol.index[r][c] in placed)
    out.warn(
        "values read one per line in the PDF's content order (rows sharing a label written column by column); "
        "rows rebuilt by the report's arithmetic"
    )
    if unknown:
        out.warn(f"more than one order of the values fits the arithmetic; null: {', '.join(unknown)}")
    return out


def agree_all(sols: Sequence[StreamSolution]) -> StreamSolution:
    """The cells every one of ``sols`` (at least one) gives the same value (``_agree`` over them all)."""
    return reduce(_agree, sols)


def _agree(a: StreamSolution, b: StreamSolution) -> StreamSolution:
    """The cells two solutions give the same value (a's token); the others ``None``."""
    rows: list[list[Number | None]] = []
    index: list[list[int | None]] = []
    ambiguous = 0
    for ra, rb, ia, ib in zip(a.rows, b.rows, a.index, b.index):
        rows.append([])
        index.append([])
        for va, vb, xa, xb in zip(ra, rb, ia, ib):
            same = xa is not None and xb is not None and va == vb
            rows[-1].append(va if same else None)
            index[-1].append(xa if same else None)
            ambiguous += not same
    return StreamSolution(rows, a.grouped | b.grouped, ambiguous, index)


def distrust_order(res: TableResult) -> TableResult:
    """The ordinary reading kept although it breaks the table's arithmetic or leaves cells null and
    the stream does not rebuild it: its rows paired with their values by order alone
    (``TableResult.by_order``) are guesses. Their cells are marked ambiguous (a review reason),
    never reported ``read``; where most rows are such, the table's empty cells are ``unreadable``
    rather than ``blank``. ``res`` is changed in place and returned."""
    guessed = [(row, col) for row in sorted(res.by_order) for col, st in res.status.get(row, {}).items()
               if st == INFERRED and res.values[row][col] is not None]  # fmt: skip
    with_values = {row for row, cols in res.status.items() if any(st != BLANK for st in cols.values())}
    stream = 2 * len(res.by_order) >= len(with_values)  # most rows by order: the reading is the content stream
    cols = res.spec.rows[0].cols
    if not stream and not _breaks(res.values, res.spec.row_keys, cols):
        # a few rows by order in a table whose arithmetic holds as far as its cells go (a page break
        # or a stray line between a label and its values in a one-cell-per-line text): inferred is enough
        return res
    if guessed and stream:
        # a row given fewer values than columns: where they stand is what the arithmetic says, no
        # more; seven values that break 总计: not known to be one row's
        undetermined = undetermined_by_order(res)
        for row, col in undetermined.short + undetermined.broken:
            res.null(row, col)
        if undetermined.short:
            res.warn("rows placed by order alone with fewer values than columns: which columns their values are in "
                     "is not printed (a blank cell leaves no line), and the report's arithmetic does not place them "
                     "(more than one place fits, or a value of the row is not a number); null: "
                     + ", ".join(f"{r}.{c}" for r, c in undetermined.short))
        if undetermined.broken:
            res.warn("rows placed by order alone whose seven values break 总计 = the six applicant columns: not known "
                     "to be one row's values as printed (values of two rows run together, or the report's own sum wrong: "
                     "the reading cannot tell); null: "
                     + ", ".join(f"{r}.{c}" for r, c in undetermined.broken))
        guessed = [(row, col) for row, col in guessed if res.values[row][col] is not None]
        # most rows by order: the reading is the content stream, where a blank cell leaves no line,
        # so an empty cell is not known to be printed blank
        blank = [(row, col) for row, cols in res.statuses().items() for col, st in cols.items() if st == BLANK]
        for row, col in blank:
            res.status.setdefault(row, {})[col] = UNREADABLE
        if blank:
            res.warn("cells with no value are not known to be blank (a blank cell leaves no line in this reading): "
                     + ", ".join(f"{r}.{c}" for r, c in blank))
    if res.by_order:  # (a table read label above values throughout keeps its rows read: the layout placed them)
        guessed += _unconfirmed_rows(res)
    if guessed:
        res.ambiguous.update(guessed)
        res.warn(
            "values read one per line with their row labels apart (in the order a PDF draws them) do not meet the "
            f"table's arithmetic; rows placed by order alone, their values a guess: {', '.join(sorted(res.by_order))}"
        )
    return res


def _unconfirmed_rows(res: TableResult) -> list[tuple[str, str]]:
    """Cells ``read`` of table 三 rows outside ``res.by_order`` whose seven values break 总计 = the six
    applicant columns, in a table the value stream did not rebuild, whose arithmetic breaks and some of
    whose rows were placed by order: the seven values after a label there are not known to be its row's (a column block of three rows'
    values read as one row's: ``68 0 44 0 0 0 3``). So too a row of seven zeros (they meet 总计
    whichever row's they are) that is an operand of a column identity failing in the table
    (``_failing_identity_rows``). Each becomes ``inferred`` (a review reason), with a warning naming
    the row; the values stay (the report's own sum may be the wrong one)."""
    cols = list(res.spec.rows[0].cols)
    if len(cols) != APP_COLS:
        return []
    broken: list[tuple[str, str]] = []
    zeros: list[tuple[str, str]] = []
    unmet = _failing_identity_rows(res, cols)
    for row in res.spec.row_keys:
        status = res.status.get(row, {})
        values = [res.values.get(row, {}).get(c) for c in cols]
        if row in res.by_order or any(v is None for v in values):
            continue
        if not meets_total(values):
            into = broken
        elif row in unmet and all(v == 0 for v in values):
            into = zeros
        else:
            continue
        read = [c for c in cols if status.get(c) == READ]
        for c in read:
            status[c] = INFERRED
        into += [(row, c) for c in read]
    if broken:
        res.warn("rows whose seven values break 总计 = the six applicant columns in a table the value stream does not "
                 "rebuild: not known to be one row's values as printed (or the report's own sum is wrong); flagged: "
                 + ", ".join(sorted({r for r, _ in broken})))
    if zeros:
        res.warn("rows of seven zeros in a table the value stream does not rebuild, operands of a column identity that "
                 "fails: zeros meet 总计 whichever row's they are, so they are not known to be the row's values as "
                 "printed; flagged: " + ", ".join(sorted({r for r, _ in zeros})))
    return broken + zeros


def _failing_identity_rows(res: TableResult, cols: Sequence[str]) -> frozenset[str]:
    """Rows of table 三 that are an operand of a column identity (``application_identities``)
    which fails in some column of ``res`` (a null operand leaves that column unassessed)."""
    keys = res.spec.row_keys
    if not all(k in keys for k in ("granted", "total_handled")):
        return frozenset()
    out: set[str] = set()
    for left, right in application_identities(keys):
        for c in cols:
            if _holds([res.values.get(r, {}).get(c) for r in left], [res.values.get(r, {}).get(c) for r in right]) is False:
                out.update(left + right)
    return frozenset(out)


def _page_numbers(doc: Document, cells: Sequence[Cell]) -> frozenset[int]:
    """Indices of lone numbers that may be page numbers: a page break (form feed) within two
    lines before or after them, printed as a page number is (``_page_number_form``)."""
    text = doc.text
    out = set()
    for i, c in enumerate(cells):
        if not _page_number_form(c.raw):
            continue
        a = c.start
        for _ in range(3):
            a = text.rfind("\n", 0, a - 1) if a > 0 else -1
            if a < 0:
                break
        b = c.end
        for _ in range(3):
            nb = text.find("\n", b + 1)
            if nb < 0:
                b = len(text)
                break
            b = nb
        if "\f" in text[max(a, 0) : b]:
            out.add(i)
    return frozenset(out)


def _page_number_form(raw: str) -> bool:
    """Could ``raw`` (a lone number's line) be a page number? Pages are counted from 1 and numbered
    with plain digits: ``0``, ``012``, ``1,234`` or ``3.5`` beside a page break is a cell's value."""
    s = raw.strip()
    return s.isdecimal() and s[0] not in "0０"


def continuation(text: str, lines: Sequence[Line], heading: int) -> int:
    """The index past table 三's values printed after the next section's heading on line ``heading``
    (a table that ends a page: raw ``pdftotext`` writes a right-hand column, its header and its
    values, after the blocks to its left, past the heading and the lines that open the section,
    two at most):
    applicant header pieces and lone values up to the first other line; ``heading`` when none is
    there or the lines hold no value. Values without a header piece are taken only as one block of
    its own (one to ``MAX_GROUP`` values on consecutive lines, an empty line after them: the last
    row group's 总计 column of a WPS-style page, whose 总计 header cell is drawn first at the page's
    top); a number inside the section's prose (no empty line after it) is not table 三's."""
    end = heading
    values = headers = 0
    prose = 0
    at: list[int] = []  # the value lines' positions
    scan = lines[heading + 1 :]
    for k, ln in enumerate(scan):
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if not s:
            continue
        if LONE_NUMBER.fullmatch(s):
            values += 1
            at.append(k)
        elif all(any(piece in name for name in _HEADER_CELLS) for piece in s.split()):
            headers += 1
        elif not values and not headers and prose < 2:
            # the section's opening lines (具体情况见下表。 and 本年度未发生…案件。): a sentence of
            # prose before the table, no value in it
            prose += 1
            continue
        else:
            break
        end = ln.index + 1
    if values and headers:
        return end
    one_block = values and at[-1] - at[0] == len(at) - 1 and len(at) <= MAX_GROUP
    after = scan[at[-1] + 1] if values and at[-1] + 1 < len(scan) else None
    if not values or after is None or text[after.start : after.end].replace("\f", "").strip():
        return heading
    if one_block or _group_columns_cut(text, lines, heading, at):
        return end
    return heading


def _group_columns_cut(text: str, lines: Sequence[Line], heading: int, at: Sequence[int]) -> bool:
    """Whether the values at ``at`` (positions in the lines after ``heading``) are the rest of a row
    group written column by column that the heading cut: blocks of the same ``k`` values (2 to
    ``MAX_GROUP``; one block of a column's ``k`` rows each, an empty line between them), fewer
    than the applicant columns, the heading right after a block of ``k`` values of its own (the
    group's columns before the heading). Raw ``pdftotext`` draws the next section's heading among
    the last group's column blocks where the table ends its page; one block alone is the case
    ``continuation`` takes first, blocks of unequal size are not one group (but the last, the 总计
    column's, may hold more: the totals of rows printing only 总计 drawn above the group's)."""
    runs: list[list[int]] = []
    for k in at:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    size = len(runs[0])
    if len(runs) < 2 or not 2 <= size <= MAX_GROUP or len(runs) >= APP_COLS:
        return False
    # the last block may be longer: the 总计 column's, holding the lone totals of rows above the
    # group (rows printing only their 总计 draw it in that column, poppler writes it in that block)
    if any(len(r) != size for r in runs[:-1]) or not size <= len(runs[-1]) <= MAX_GROUP:
        return False
    if any(b[0] != a[-1] + 2 for a, b in zip(runs, runs[1:])):
        return False
    before = [text[ln.start : ln.end].replace("\f", "").strip() for ln in lines[max(heading - size - 3, 0) : heading]]
    while before and not before[-1]:
        before.pop()  # the empty line that ends the block
    return (
        len(before) > size
        and not before[-size - 1]
        and all(LONE_NUMBER.fullmatch(s) for s in before[-size:])
    )
