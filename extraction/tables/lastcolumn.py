"""Table 三's last row group's right-hand columns drawn last on their page (raw ``pdftotext``).

A PDF converter can draw the right-hand column of a table's last page after everything else on
that page: raw ``pdftotext`` then writes the 总计 header cell and the last row group's 总计 values
after the next table and even after the next section's heading and prose (LibreOffice's PDFs:
``… 其他 / 结果 / 1 / 总计 / (empty) / 4 / 42 / 5 / 尚未 / 审结 …`` inside table 四's pieces), and
sometimes the 其他 column before it the same way (``其他 / 0 / 0 / 0 / 其他 / 结果 / 0 / 总计 / 0 / 5 / 0``).
The region of table 三 then holds a few values fewer than its cells, and no division of it fits.

``later_columns`` finds such blocks: a line holding only the column's header (``总计``; ``其他``
then ``总计``), then (after empty lines) lone numbers one a line with nothing between them, on the
same page, the blocks together as many values as the region lacks, each column as many. The
caller divides the region's values with the blocks appended; the division must meet every row's
总计 and the column identities as usual, so a block that is not table 三's (table 四's 总计 and its
value) fits only where its values are the ones the rows' sums give.
"""
from __future__ import annotations

import re
from itertools import product
from typing import Sequence

from ..document import Document
from ..layout import Line
from .streamblocks import APP_COLS, LONE_NUMBER, MAX_GROUP
from .streamorder import SUBTOTAL_SLOTS, lone_numbers, subtotal_header

# the most values a block may hold: the rows of one row group
MAX_BLOCK = MAX_GROUP
# the most lines looked at past the region (a page of text), checked as the scan goes
MAX_LINES = 400


def _lone_value(raw: str) -> bool:
    """A line holding one number and nothing else, on the same page (no form feed)."""
    return "\f" not in raw and LONE_NUMBER.fullmatch(raw.strip()) is not None


# the right-hand columns of table 三 that a converter may draw last on the page, left to right: the
# 总计 column alone, or the 其他 column with it (each its header cell on a line of its own)
LAST_COLUMNS = (("总计",), ("其他", "总计"))


def _header_blocks(text: str, lines: Sequence[Line], hi: int, heads: set[str]) -> list[tuple[str, list[Line]]]:
    """``(header, [header line, value lines…])`` for each line past ``hi`` on the same page that
    holds only one of ``heads``, with the lone numbers on the consecutive lines after it (empty
    lines between the header and its values allowed; none for a header followed by other text)."""
    found: list[tuple[str, list[Line]]] = []
    scan = lines[hi : hi + MAX_LINES]
    k = 0
    while k < len(scan):
        raw = text[scan[k].start : scan[k].end]
        if "\f" in raw and k:
            break  # the next page: its lines were drawn apart from this page's table
        if raw.strip() not in heads:
            k += 1
            continue
        j = k + 1
        # an empty line may hold the form feed (a page starting with an empty line): past it, the
        # values were drawn on the next page, apart from this page's table
        while j < len(scan) and not (gap := text[scan[j].start : scan[j].end]).strip() and "\f" not in gap:
            j += 1
        block = []
        while j < len(scan) and _lone_value(text[scan[j].start : scan[j].end]):
            block.append(scan[j])
            j += 1
        found.append((raw.strip(), [scan[k], *block]))
        k = max(j, k + 1)
    return found


def later_columns(text: str, lines: Sequence[Line], hi: int, missing: int) -> list[list[Line]] | None:
    """Table 三's last right-hand columns printed after its region (which ends at line index ``hi``)
    on the same page: one block per column in ``LAST_COLUMNS`` order, each ``[header line, value
    lines…]`` with ``missing`` values in all, every column as many (the last row group's rows); the
    blocks in the columns' order on the page. None unless exactly one such set is there (two would
    leave the choice to a guess) or a column would hold more than ``MAX_BLOCK`` values."""
    if missing < 1:
        return None
    blocks = _header_blocks(text, lines, hi, {h for heads in LAST_COLUMNS for h in heads})
    found: list[list[list[Line]]] = []
    for heads in LAST_COLUMNS:
        size, rest = divmod(missing, len(heads))
        if rest or not 1 <= size <= MAX_BLOCK:
            continue
        options = [[b for h, b in blocks if h == head and len(b) == size + 1] for head in heads]
        for combo in product(*options):
            if all(a[0].index < b[0].index for a, b in zip(combo, combo[1:])):
                found.append(list(combo))
    return found[0] if len(found) == 1 else None


def region_with_later_total(doc: Document, lines: Sequence[Line], lo: int, hi: int, nrows: int,
                            width: int = APP_COLS) -> list[Line] | None:  # fmt: skip
    """Table 三's region lines ``lines[lo:hi]`` with its last right-hand columns printed later on
    the page appended (``later_columns``: the 总计 column, or the 其他 and 总计 columns), where the
    region's lone numbers fall short of its ``nrows`` × ``width`` cells (8 printed columns in the
    variant with a 小计) by the blocks' values; None where no such set of blocks is found."""
    values, _ = lone_numbers(doc, lines[lo:hi])
    blocks = later_columns(doc.text, lines, hi, nrows * width - len(values))
    if blocks is None:
        return None
    # the values follow an empty line (a block of their own, ``block_starts``), without the header
    # line: a header printed between values names a page's first rows' columns (``_header_column``),
    # which these, the last group's columns written column-major, are not
    gap = next((ln for ln in lines[hi : blocks[0][0].index] if not doc.text[ln.start : ln.end].strip()), None)
    return None if gap is None else [*lines[lo:hi], *(ln for b in blocks for ln in (gap, *b[1:]))]


# The orders in which a converter is seen to draw the six applicant columns of table 三's last
# page (printed block k holds column ``order[k]``, 0 = 自然人 … 5 = 其他): LibreOffice's PDFs can
# draw the 商业企业 and 科研机构 columns (the two under 法人或其他组织 whose header cells wrap,
# ``商业企`` / ``业``) after the other four, the 总计 column apart (past the heading or later)
PAGE_ORDERS = ((0, 3, 4, 5, 1, 2),)


def page_orders(sub: int | None) -> tuple[tuple[int, ...], ...]:
    """``PAGE_ORDERS`` over the printed columns but 总计: the six applicant columns, or seven where
    the 8-column variant prints its 小计 at slot ``sub`` (``streamorder.SUBTOTAL_SLOTS``). The 小计's
    header does not wrap as 商业企业's and 科研机构's do: it is drawn in its place, after the column
    left of it (LibreOffice: 自然人, 社会公益, 法律服务, 其他, 小计, then 商业企业 and 科研机构)."""
    if sub is None:
        return PAGE_ORDERS
    out = []
    for order in PAGE_ORDERS:
        printed = [c + (c >= sub) for c in order]
        k = printed.index(sub - 1) + 1
        out.append((*printed[:k], sub, *printed[k:]))
    return tuple(out)


def subtotal_slot(text: str, span: Sequence[Line]) -> int | None:
    """Where the span's 8-column variant prints its 小计 (``streamorder.SUBTOTAL_SLOTS``) as its
    header lines say: after 其他 where the first 小计 header line follows a line ``其他``, after 自然人
    where it comes first; None where the span prints no 小计 header or no ``其他`` line."""
    heads = [re.sub(r"\s+", "", text[ln.start : ln.end]) for ln in span]
    sub = next((k for k, h in enumerate(heads) if subtotal_header(h)), None)
    other = next((k for k, h in enumerate(heads) if h == "其他"), None)
    if sub is None or other is None:
        return None
    return SUBTOTAL_SLOTS[1] if sub > other else SUBTOTAL_SLOTS[0]
# table 四's lines inside table 三's: a 行政诉讼 group word, then header pieces and their values
_REVIEW_GROUPS = frozenset({"复议后起诉", "未经复议直接起诉", "未经复议直接起诉的"})
_REVIEW_PIECES = frozenset("结果 维持 纠正 其他 尚未 审结 总计".split())


def without_review_rows(text: str, span: Sequence[Line]) -> list[Line]:
    """``span`` less a row of table 四 drawn among table 三's last values (``复议后起诉`` / ``结果
    结果`` / ``维持 纠正`` / 0 / 0 / (empty) / ``其他`` / ``结果`` / 0): from the group word through
    header pieces and the values right after a piece; a value after an empty line starts one of
    table 三's blocks again, and other text ends the row."""
    out: list[Line] = []
    inside = after_piece = False
    for ln in span:
        s = text[ln.start : ln.end].strip()
        if s in _REVIEW_GROUPS:
            inside = after_piece = True
            continue
        if inside:
            if s and all(w in _REVIEW_PIECES for w in s.split()):
                after_piece = True
                continue
            if s and LONE_NUMBER.fullmatch(s) and after_piece:
                continue
            if not s:
                after_piece = False
                out.append(ln)
                continue
            inside = False
        out.append(ln)
    return out


def reordered_last_page(doc: Document, span: Sequence[Line]) -> list[list[Line]]:
    """``span`` (table 三's region lines, perhaps with lines past its heading) with the last page's
    six applicant columns put in the table's order where they were drawn in a ``PAGE_ORDERS``
    order: the last run of value blocks between text lines that holds six blocks or more ends in
    six blocks of one size (the last row group's rows, each column a block), or holds them before
    a seventh (the 总计 column appended by ``region_with_later_total``); those six are re-ordered.
    Table 四's rows drawn among them are left out (``without_review_rows``). One span per such
    reading, none where no such run is there. The caller divides each under the table's
    identities as any other span: an order that does not fit is rejected. The 8-column variant
    (a 小计 header printed) is re-ordered over its seven blocks before 总计 (``page_orders``), with
    its 小计 where its header lines say (``subtotal_slot``; none where they do not)."""
    text = doc.text
    eight = any(subtotal_header(text[ln.start : ln.end]) for ln in span)
    sub = subtotal_slot(text, span) if eight else None
    if eight and sub is None:
        return []
    width = APP_COLS + (sub is not None)
    lines = without_review_rows(text, span)
    kinds = ["e" if not (s := text[ln.start : ln.end].strip()) else "n" if LONE_NUMBER.fullmatch(s) else "t"
             for ln in lines]  # fmt: skip
    # runs of value blocks between text lines; the last one of six blocks or more is the last page's
    runs: list[list[list[int]]] = [[]]
    for k, kind in enumerate(kinds):
        if kind == "t":
            runs.append([])
        elif kind == "n":
            if k and kinds[k - 1] == "n" and runs[-1]:
                runs[-1][-1].append(k)
            else:
                runs[-1].append([k])
    blocks = next((run for run in reversed(runs) if len(run) >= width - 1), None)
    if blocks is None:
        return []
    out: list[list[Line]] = []
    # the six blocks end the run, or stand before a seventh: the 总计 column appended to the span
    for tail in (0, 1)[: 1 + (len(blocks) >= width)]:
        last = blocks[len(blocks) - tail - (width - 1) : len(blocks) - tail]
        size = len(last[0])
        if not 1 <= size <= MAX_BLOCK or any(len(b) != size for b in last):
            continue
        gap = next((lines[j] for j in range(last[0][0], last[-1][-1]) if kinds[j] == "e"), None)
        if gap is None:
            continue
        for order in page_orders(sub):
            placed = [last[order.index(col)] for col in range(width - 1)]
            body = [ln for b in placed for ln in (gap, *(lines[j] for j in b))]
            out.append([*lines[: last[0][0]], *body, *lines[last[-1][-1] + 1 :]])
    return out
