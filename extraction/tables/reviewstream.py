"""Table 四 in content-stream order (raw ``pdftotext``): the part printed past the next heading.

``pdftotext`` without ``-layout`` writes the text in the order of the PDF's blocks; a table 四
that ends a page next to the following section's heading comes out cut in two, its second half
after that heading (``五、存在的主要问题…`` then ``其他 / 结果 / 0 / 总计 / 复议后起诉 / …``).
``continuation`` finds those lines so that the table's region takes them in.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..layout import Line
from .digitruns import _holds
from .result import INFERRED, READ, TableResult

# the words table 四's header cells are printed in, one piece a line in such readings
_PIECES = frozenset("结果 维持 纠正 其他 尚未 审结 总计 结果维持 结果纠正 其他结果 尚未审结 行政复议 行政诉讼 "
                    "未经复议直接起诉 复议后起诉".split())
_VALUE = re.compile(r"[0-9][0-9,]*|[-—－–]+|无")


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


def merge_continued(short: TableResult, extended: TableResult) -> TableResult:
    """Table 四 read with and without the lines past the next heading: a row of the longer reading
    replaces the shorter reading's only where all five of its cells are numbers and its 总计 is
    the sum of the four results (their order in the stream is not the table's; a row that does
    not add up keeps the shorter reading)."""
    taken = []
    for row, cols in extended.values.items():
        v = list(cols.values())
        if len(v) != 5 or any(not isinstance(x, (int, float)) for x in v) or _holds(v[:4], v[4:]) is not True:
            continue
        if short.values.get(row) == cols:
            continue
        short.values[row] = dict(cols)
        short.provenance[row] = extended.provenance.get(row, {})
        short.status[row] = {c: (INFERRED if s == READ else s) for c, s in extended.status.get(row, {}).items()}
        short.printed_rows.add(row)
        taken.append(row)
    if taken:
        short.warn(f"rows {', '.join(taken)} read with the table's lines printed after the next heading "
                   "(raw pdftotext); each meets 总计 = the four results")
    return short
