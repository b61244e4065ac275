"""Table 四 in content-stream order (raw ``pdftotext``): header pieces, values and the report's totals.

``pdftotext`` without ``-layout`` writes the text in the order of the PDF's blocks: each value after
the header pieces naming its columns (``结果维`` / ``持`` / 8), a group printed with its whole header
first has its values in an order of the reader's own (LibreOffice's PDFs: 维持, 其他, 尚未, 总计,
纠正, the 纠正 perhaps after the next group's first value), and other tables' lines come among the
pieces. ``assemble_review_stream`` divides the stream into the three groups by the pieces and places
what they do not name by 总计 = the four results; where more than one placement fits, the cells they
disagree on are null. A table 四 that ends a page next to the following section's heading comes out
cut in two, its second half after that heading (``continuation``), or its first values before its
own heading (``preceding``); both are read with the rest (a reading in the table's order,
``tables/review.py``, does not take them: their order is the stream's).
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import combinations, permutations, product
from typing import Sequence

from ..document import Document
from ..layout import Line
from .base import Cell, Region, parse_value
from .digitruns import _holds
from .result import BLANK, INFERRED, READ, UNREADABLE, TableResult

Number = int | float

# the words table 四's header cells are printed in, one piece a line in such readings
_PIECES = frozenset("结果 维持 纠正 其他 尚未 审结 总计 结果维持 结果纠正 其他结果 尚未审结 行政复议 行政诉讼 "
                    "未经复议直接起诉 复议后起诉 未经复议直接起诉的".split())
# the same words cut in narrow cells, one piece a line (``结果维`` / ``结果纠`` / ``持`` / ``正``)
_PIECES |= frozenset("结果维 结果纠 持 正 其他结 果 尚未审 结".split())
_VALUE = re.compile(r"[0-9][0-9,]*|[-—－–]+|无")
# words table 三's header shares with table 四's (a line of its own), and pieces of the applicant
# headers only table 三 prints (cut in narrow cells: ``法律服`` / ``务机构``)
_SHARED = frozenset({"其他", "总计"})
_APPLICANT_PIECES = ("自然人", "法人或", "商业企", "科研机", "社会公", "益组织", "法律服", "务机构")


def _piece(s: str) -> bool:
    s = re.sub(r"\s+", "", s)
    return s in _PIECES or bool(_VALUE.fullmatch(s)) or (bool(s) and all(w in _PIECES for w in re.findall(r"\S+", s)))


def continuation(text: str, lines: Sequence[Line], heading: int) -> int:
    """The index past the last line of table 四 printed right after the heading on line
    ``heading`` (header pieces and lone values, up to the first other line); ``heading`` when
    none is there or the lines hold no value and no 总计 (then they are not the table's)."""
    end = heading
    values = totals = 0
    for ln in lines[heading + 1 :]:
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if not s:
            continue
        if not all(_piece(p) for p in s.split()):
            break
        values += bool(_VALUE.fullmatch(s))
        totals += s == "总计"
        end = ln.index + 1
    return end if values and totals else heading


def preceding(text: str, lines: Sequence[Line], heading: int) -> int:
    """The index of the first line of table 四's part printed right before its own heading (on line
    ``heading``): a 行政诉讼 group word followed by nothing but header pieces, values and empty lines
    up to the heading (a page whose last lines are the table's, drawn before the heading: ``复议后起诉``
    / ``结果 结果`` / ``维持 纠正`` / 160 / 18 / ``四、…``); ``heading`` when there is none."""
    start = heading
    for ln in reversed(lines[:heading]):
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if s and not all(_piece(p) for p in s.split()):
            break
        if s in _GROUP_WORDS[1:]:
            start = ln.index
    return start


def preceding_rows(text: str, lines: Sequence[Line], start: int, heading: int) -> list[Line]:
    """Table 四's lines from ``start`` (``preceding``) to its heading on line ``heading`` less what
    follows its last values: a value after an empty line with no header piece since starts a block
    of another table's (table 三's last columns drawn on the same page: ``其他`` / ``结果`` / 0 /
    (empty) / 61 / 360 / 27), and the lines from there on are left out."""
    out: list[Line] = []
    named = False  # a header piece since the last empty line: the values after it are its
    for ln in lines[start:heading]:
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if not s:
            named = False
        elif _VALUE.fullmatch(s):
            if not named:
                break
        else:
            named = True
        out.append(ln)
    return out


# the column a header fragment names (a piece ``结果`` alone names none: it belongs to its neighbour)
_COLUMN_WORDS = (("维持", "upheld"), ("纠正", "corrected"), ("其他", "other"), ("尚未", "pending"),
                 ("审结", "pending"), ("总计", "total"), ("维", "upheld"), ("纠", "corrected"))  # fmt: skip
_GROUP_WORDS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "未经复议直接起诉的")
COLS = ("upheld", "corrected", "other", "pending", "total")


def _header_columns(pieces: list[str]) -> list[str]:
    """The columns named by the header pieces printed since the previous value, in print order:
    two lines of as many words (``结果 结果`` / ``维持 纠正``) are stacked cells read word by word."""
    frags: list[str] = []
    k = 0
    while k < len(pieces):
        a = pieces[k].split()
        b = pieces[k + 1].split() if k + 1 < len(pieces) else []
        if len(a) > 1 and len(a) == len(b):
            frags += [x + y for x, y in zip(a, b)]
            k += 2
        else:
            frags += a
            k += 1
    cols: list[str] = []
    for f in frags:
        named = [c for w, c in _COLUMN_WORDS if w in f]
        for c in dict.fromkeys(named):
            if not cols or cols[-1] != c:
                cols.append(c)
    # 总计 ends a header: one with other pieces after it, before any value, is another table's (三's
    # 总计 column header drawn among table 四's pieces)
    while "total" in cols[:-1]:
        cols.remove("total")
    return cols


def _fits(values: list[Number | None]) -> bool:
    v = [0 if x is None else x for x in values]
    return _holds(v[:4], v[4:]) is True


# The orders a reader writes a whole group's values in after its whole header, as the column each
# print position holds: the header's own, and raw pdftotext's of LibreOffice's PDFs (also the
# WPS-style ones), 维持, 其他, 尚未, 总计, 纠正 (纠正 perhaps after the next group's first value;
# every one of the 134 such readings of ``--routes 200 --seed 1`` fits it, 22 fit 维持, 其他, 纠正,
# 总计, 尚未 not). Stored as the print position of each column of ``COLS``.
READER_ORDERS = ((0, 1, 2, 3, 4), (0, 4, 1, 2, 3))


def _place_row(chunks: list[tuple[list[str], list[Cell]]]) -> tuple[dict[str, Cell | None], set[str], bool] | None:
    """One group's five cells from its chunks (header columns, the values after them): a chunk
    that names all five columns at once has its values in an order of its own, so they are placed
    by the arithmetic (总计 = the four results) with the reader's known orders (``READER_ORDERS``):
    where one or more of those orders meets 总计, those orders, else every order that meets it (the
    four results then ambiguous unless equal); a cell the fitting placements disagree on is None
    (where none fits, the report's arithmetic being wrong, the known orders are kept). A smaller chunk
    has its header pieces printed right before its values, in print order; with fewer values than
    columns (a blank cell leaves no line) its values go to its columns in order, every choice of
    which are empty that meets 总计 (an empty cell as 0) kept. ``(cells, blanks, breaks)``: cells
    (None: the placements disagree), the columns every placement leaves empty, and whether the
    group breaks 总计 whatever the placement (the report's own arithmetic, or a value that is not
    the group's: then every placement is kept); None when a column is named by no piece."""
    cells: dict[str, Cell | None] = {}
    options: list[list[dict[str, Cell]]] = []
    whole = False
    for cols, vals in chunks:
        if len(cols) == len(COLS) and set(cols) == set(COLS):
            # none fits where the report's own arithmetic is wrong: then 总计 chooses nothing and the
            # readers' known orders stay, only cells on which they agree placed (a guess the failed
            # check reports; every cell is inferred): the print order is still a reader's
            whole = True
            fitting = [p for p in READER_ORDERS if _fits([vals[i].value for i in p])]
            fitting = fitting or [p for p in permutations(range(5)) if _fits([vals[i].value for i in p])]
            fitting = fitting or list(READER_ORDERS)
            for c, col in enumerate(COLS):
                seen = {(vals[p[c]].value, vals[p[c]].raw) for p in fitting}
                cells[col] = vals[fitting[0][c]] if len(seen) == 1 else None
        elif len(vals) < len(cols):
            options.append([dict(zip([cols[i] for i in pick], vals)) for pick in combinations(range(len(cols)), len(vals))])
        else:
            cells.update(zip(cols, vals))
    if {c for cols, _ in chunks for c in cols} != set(COLS):
        return None
    if whole:
        return cells, set(), False
    rows: list[dict[str, Cell]] = []
    for combo in product(*options):
        row = {c: v for c, v in cells.items() if v is not None}
        for placed in combo:
            row.update(placed)
        rows.append(row)
    fitting_rows = [r for r in rows if _fits([r[c].value if c in r else None for c in COLS])]
    use = fitting_rows or rows
    out: dict[str, Cell | None] = {}
    blanks: set[str] = set()
    for col in COLS:
        seen = {(r[col].value, r[col].raw) if col in r else None for r in use}
        if seen == {None}:
            blanks.add(col)
        else:
            out[col] = use[0][col] if len(seen) == 1 else None
    return out, blanks, not fitting_rows


def _groups(chunks: list[tuple[list[str], list[Cell]]]) -> tuple[list[list[tuple[list[str], list[Cell]]]], bool] | None:
    """The chunks divided into table 四's groups, a group complete when its five columns are named,
    and whether a chunk went to a group before the last one begun.

    A chunk naming a column the group being filled already has begins the next group, and a later
    chunk goes to the first group that lacks all its columns: raw ``pdftotext`` may write a group's
    总计 after the next group's first values (``结果维持 结果纠正`` / 1 / 2 / ``总计`` / 4 / … /
    ``其他结果`` / …: the 4 is the earlier group's). A whole header (all five columns at once)
    followed by fewer than five values is a group whose remaining values the reader writes later,
    each after another group's value: LibreOffice's PDFs read raw give ``行政复议`` / its header /
    ``行政诉讼`` / ``未经复议直接起诉`` / four values, then ``结果维持`` / that group's value / the
    fifth. So a chunk with more values than its pieces name has its first values named, in order,
    and the rest *surplus*; the surplus values go, in print order, to the one group still short of
    values. None where the chunks do not divide so (a group left incomplete, a whole header while
    a group is incomplete, surplus values and not one group short of exactly that many)."""
    groups: list[list[tuple[list[str], list[Cell]]]] = []
    filled: list[set[str]] = []
    surplus: list[Cell] = []
    short: list[int] = []  # the groups whose whole header had fewer than five values after it
    reordered = False
    for cols, vs in chunks:
        whole = len(cols) == len(COLS) and set(cols) == set(COLS)
        if len(set(cols)) != len(cols) or (whole and len(vs) > len(cols)):
            return None
        open_ = [k for k, f in enumerate(filled) if f != set(COLS)]
        if whole and open_:
            return None  # a whole header while a group is incomplete
        if whole and len(vs) < len(COLS):
            short.append(len(groups))
        elif len(vs) > len(cols):
            vs, surplus = vs[: len(cols)], surplus + vs[len(cols) :]
        k = next((k for k in open_ if not filled[k] & set(cols)), None)
        if k is None:
            groups.append([])
            filled.append(set())
            k = len(groups) - 1
        reordered |= k != len(groups) - 1
        groups[k].append((cols, vs))
        filled[k] |= set(cols)
    if any(f != set(COLS) for f in filled):
        return None
    if surplus or short:
        if len(short) != 1:
            return None
        (cols, vs), *rest = groups[short[0]]
        if rest or len(vs) + len(surplus) != len(COLS):
            return None
        groups[short[0]] = [(cols, vs + surplus)]
    return groups, reordered


def assemble_review_stream(res: TableResult, doc: Document, lines: Sequence[Line]) -> TableResult | None:
    """Table 四 rebuilt from one-value lines in content-stream order: each value belongs to the
    columns whose header pieces were printed since the previous value, a group ends when its five
    columns are filled; a new result, or ``None`` when the stream does not divide into the three
    groups that way or a group breaks 总计 = the four results (the caller keeps its reading)."""
    text = doc.text
    chunks: list[tuple[list[str], list[Cell]]] = []
    pieces: list[str] = []
    vals: list[Cell] = []
    started = grouped = foreign = False
    for ln in lines:
        s = text[ln.start : ln.end].replace("\f", "").strip()
        if not s:
            continue
        # a line of values apart (``0 2``: Chromium's PDF draws two neighbouring cells as one run of
        # text, which raw pdftotext keeps on one line): each its own value, in line order
        if all(_VALUE.fullmatch(w) for w in s.split()):
            if not started or foreign:
                continue  # before the table's first header piece, or after another table's label: its value
            raw = text[ln.start : ln.end]
            for m in re.finditer(r"\S+", raw):
                start = ln.start + m.start()
                vals.append(Cell(parse_value(m.group()), m.group(), start, m.end() + ln.start, ln.index, 0, 0, 1.0))
            continue
        if vals:
            chunks.append((_header_columns(pieces), vals))
            pieces, vals = [], []
        if all(_piece(p) for p in s.split()):
            if foreign and s in _SHARED:
                continue  # that table's 其他 or 总计 column header
            started, foreign = True, False
            if s == _GROUP_WORDS[0] and (not grouped or not chunks):
                # the table's header begins here: pieces and values before it are another table's
                # (table 三's 总计 and its last values, drawn after table 四's heading), or the
                # header printed once more with no value (a page's last lines, repeated on the next)
                pieces, chunks = [], []
            if s in _GROUP_WORDS:
                grouped = True
            else:
                pieces.append(s)
        elif started:
            pieces = []  # another heading or words between the table's pieces: they name nothing
            # table 三's applicant headers drawn among table 四's pieces: the values and the 其他 /
            # 总计 headers after them are table 三's, up to a piece only table 四 prints
            foreign = any(w in s for w in _APPLICANT_PIECES)
    if vals:
        chunks.append((_header_columns(pieces), vals))
    divided = _groups(chunks)
    if divided is None or len(divided[0]) != len(res.spec.rows):
        # a header naming one column followed by three or more values is another table's (table
        # 三's 总计 or 其他 column with its last rows, drawn among table 四's pieces): left out
        divided = _groups([(cols, vs) for cols, vs in chunks if not (len(cols) == 1 and len(vs) >= 3)])
        if divided is None or len(divided[0]) != len(res.spec.rows):
            return None
    groups, reordered = divided
    out = TableResult.empty(res.spec)
    unknown: list[str] = []
    placements = [_place_row(chunk) for chunk in groups]
    if any(p is None or (reordered and p[2]) for p in placements):
        return None  # a group its pieces name breaks 总计 where chunks were taken out of print order
    for row, placed in zip(res.spec.row_keys, placements):
        assert placed is not None
        cells, blanks, breaks = placed
        out.found(row)
        for col in COLS:
            if col in blanks:
                continue  # every placement leaves it empty: printed blank
            cell = cells[col]
            if cell is None:
                out.status.setdefault(row, {})[col] = UNREADABLE
                unknown.append(f"{row}.{col}")
            else:
                out.put(row, col, cell, inferred=True, ambiguous=breaks)
        if breaks:
            out.warn(f"{row}: the values its header pieces name break 总计 = the four results (the report's own "
                     "arithmetic, or a value that is not this row's); kept as named, each a guess")
    out.rows_found = len(res.spec.rows)
    out.warn("values read one per line in the PDF's content order (each after the header pieces naming its "
             "columns; a whole row after its header placed by 总计 = the four results, in an order PDF readers are "
             "seen to write where one meets it)")
    if unknown:
        out.warn(f"more than one order of a row's values meets its 总计; null: {', '.join(unknown)}")
    return out


def review_fails(res: TableResult) -> bool:
    """A cell of table 四 is null or a row breaks 总计 = the four results."""
    for cols in res.values.values():
        v = [cols.get(c) for c in COLS]
        if any(x is None for x in v) or _holds(v[:4], v[4:]) is False:
            return True
    return False


def in_stream_order(region: Region) -> bool:
    """Table 四's values one a line with header pieces printed between them (raw ``pdftotext``'s
    content order), not after the whole header as a one-cell-per-line text prints them."""
    per_line = Counter(c.line for c in region.cells)
    lines = sorted(per_line)
    # mostly one value a line: a line of two (``0 0``: a joined pair, Chromium's last two cells) is still
    # the content order; a row of values a line (``-layout``, tabs) is not
    if len(lines) < 2 or max(per_line.values()) > 2 or 4 * len(lines) < 3 * len(region.cells):
        return False
    first, last = lines[0], lines[-1]
    return any(
        first < ln.index < last and (s := region.text[ln.start : ln.end].strip()) and all(p in _PIECES for p in s.split())
        for ln in region.lines
    )


def partial_runs(region: Region) -> bool:
    """Table 四's values on lines of one and on lines of two to four: a row a line (five, as
    ``-layout`` and tab texts print it) and a cell a line (one-cell-per-line texts) are the table's
    order; this mix is not."""
    per_line = Counter(c.line for c in region.cells).values()
    return 1 in per_line and any(1 < k < len(COLS) for k in per_line)


def distrust_order(res: TableResult, region: Region) -> TableResult:
    """Table 四 read in the table's order (not rebuilt from the stream) although its values came one
    a line among the header's pieces: their order is the PDF's, so each value is placed by order
    (``inferred``), never ``read``. The same where the values' lines mix lone values with partial runs
    (``1 2`` beside ``7``: neither a cell a line nor a row a line — a PDF's drawing order, e.g.
    Chromium's). Where a cell is null or a group breaks 总计, text order is not the table's and no
    order of the values fits: a group whose five cells meet its 总计 (a printed ``-`` as 0) keeps
    its values as a guess (ambiguous, warned: the arithmetic confirms them only as far as it goes);
    in a group that breaks 总计 every cell is null (``unreadable``, warned), never a guess, and in
    one with a cell that has no line (so 总计 cannot be assessed) every cell is null but those the
    totals placed (every placement meeting them agrees). ``res`` is changed in place and returned."""
    if not (in_stream_order(region) or partial_runs(region)):
        return res
    failing = review_fails(res)
    # placed by the groups' totals (every placement that meets them agrees), not by text order
    by_totals = {(row, col) for row, cols in res.status.items() for col, st in cols.items()
                 if st == INFERRED and (row, col) not in res.ambiguous}
    guessed = []
    for row, cols in res.status.items():
        for col, st in cols.items():
            if st in (READ, INFERRED) and res.values[row][col] is not None:
                cols[col] = INFERRED
                guessed.append((row, col))
    if not failing:
        if guessed:
            res.warn("values read one per line among the header's pieces (in the order a PDF draws them); placed in "
                     "text order, which the groups' totals confirm only as far as they go")
        return res
    # a blank cell of raw pdftotext leaves no line: an empty cell here is not known to be printed blank
    blank = [(row, col) for row, cols in res.statuses().items() for col, st in cols.items() if st == BLANK]
    for row, col in blank:
        res.status.setdefault(row, {})[col] = UNREADABLE
    if blank:
        res.warn("cells with no value among them are not known to be blank (a blank cell leaves no line in "
                 "this reading): " + ", ".join(f"{r}.{c}" for r, c in blank))
    nulled = []
    for row, cols in res.values.items():
        printed = res.provenance.get(row, {})
        # a marker (``-``, ``无``) holds its line: an empty cell printed; a cell with no line is unknown
        v = [cols.get(c) if cols.get(c) is not None or c not in printed else 0 for c in COLS]
        holds = _holds(v[:4], v[4:])
        if holds:
            continue
        for col in COLS:
            # a cell with no line leaves 总计 unassessed: which cell is empty is not known, so only
            # what the totals placed stands
            if cols.get(col) is not None and (holds is False or (row, col) not in by_totals):
                cols[col] = None
                res.status.setdefault(row, {})[col] = UNREADABLE
                printed.pop(col, None)  # the token is not known to be this cell's
                res.ambiguous.discard((row, col))
                nulled.append(f"{row}.{col}")
    kept = [(row, col) for row, col in guessed if res.values[row][col] is not None]
    if kept:
        res.ambiguous.update(kept)
        res.warn("values read one per line among the header's pieces (in the order a PDF draws them) do not meet the "
                 "groups' totals and no order of them does; a group whose values meet its 总计 in text order is "
                 "placed so, a guess")
    if nulled:
        res.warn("values read one per line among the header's pieces (in the order a PDF draws them): a group whose "
                 "values in text order break its 总计 (or leave a cell with no line) cannot be placed, null: "
                 + ", ".join(nulled))
    return res
