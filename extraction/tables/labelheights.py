"""Table 三's row heights read from its labels' wrapped lines (raw ``pdftotext``).

A PDF table row is as tall as its tallest single-row cell; in table 三 the only single-row cell
that wraps is the row's own (leaf) label: the values are one short figure each. LibreOffice and
WPS draw a cell's lines from the row's top, so a row whose label takes one line has its values one
leading above the next row's, and raw ``pdftotext`` joins the two rows' cells of one column into
one block; a row whose label wraps leaves a line's gap below its values, which ends the block.
Which rows join is therefore printed in the reading: it is how many lines each leaf label takes
(its pieces stand on lines of their own, or after a spanning label's piece on the same line:
``三、本年 （一）予以公开``, ``度办理结 （二）部分公开（区``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..normalize import label_key, normalize

if TYPE_CHECKING:  # annotations only
    from ..document import Document
    from ..layout import Line

# a row label's numbering: 一、 （三） 1. (a spanning label starts with one too)
_MARK = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)]|\d+[.．、](?!\d))")

# the labels of cells spanning rows (``三、本年度办理结果``, ``（三）不予公开`` …; 2021's ``（六）其他处理``
# spans its three rows): their pieces stand among the leaf labels' and are none of them
SPANNING = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")


def label_heights(texts: Sequence[str], labels: Sequence[str]) -> list[bool | None]:
    """Per template row, from the reading's lines ``texts`` (table 三's region, in order) and the
    rows' printed wordings ``labels`` (numbering stripped, ``RowSpec.label``): ``True`` where the
    row's leaf label stands whole on one line (the row is one line tall: its values join the next
    row's), ``False`` where its pieces take two lines or more (it ends a block), ``None`` where its
    label is not found in that shape (another wording, pieces out of order: nothing is said).

    The rows' labels are looked for in order: a row's label starts at the next numbered piece whose
    words begin its wording (other numbered pieces passed over — a spanning label's, ``SPANNING``,
    an empty ``（三）``, a note — up to one that begins a later row's) and goes on over the pieces that continue its wording, other pieces
    between them (a spanning label's, a column header repeated at a page top) passed over, up to the
    next numbered piece."""
    return _walk(texts, labels)[0]


def label_lines(texts: Sequence[str], labels: Sequence[str]) -> list[int | None]:
    """Per template row, the index into ``texts`` of the line holding its leaf label's first piece,
    found as ``label_heights`` finds it (``None`` where it is not: another wording, pieces out of
    order). A row's label and its values stand on one page (the values are drawn from the row's
    top, its label's first line), so the page of that line is the page of the row's values."""
    return _walk(texts, labels)[1]


def label_pages(doc: Document, lines: Sequence[Line], labels: Sequence[str]) -> list[int | None]:
    """Per template row (``labels``: the rows' wordings), the page (form feeds before it) of the line
    holding its leaf label's first piece among ``lines`` (table 三's region); ``None`` where the label
    is not found. (A form feed opens the line of a page's first text: it counts for that line.)"""
    text = doc.text
    at = label_lines([text[ln.start : ln.end] for ln in lines], labels)
    return [None if a is None else text.count("\f", 0, lines[a].end) for a in at]


def _walk(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[bool | None], list[int | None]]:
    """``label_heights`` and ``label_lines`` in one walk over the pieces."""
    pieces = [p for t in texts for p in t.split()]
    line_of = [k for k, t in enumerate(texts) for _ in t.split()]
    lines: list[int | None] = []
    marked = [bool(_MARK.match(normalize(p))) for p in pieces]
    keys = [label_key(p) for p in pieces]
    out: list[bool | None] = []
    i = 0
    for label in labels:
        want = label_key(label)
        later = [label_key(x) for x in labels[len(out) + 1 :]]
        at = None
        for q in range(i, len(pieces)):
            if not marked[q] or not keys[q]:
                continue
            if want.startswith(keys[q]):
                at = q
                break
            if not _spanning(keys[q]) and any(w.startswith(keys[q]) for w in later):
                break  # a later row's label: this row's is not printed so
        if at is None or not want:
            out.append(None)
            lines.append(None)
            continue
        got, count = keys[at], 1
        q = at + 1
        while q < len(pieces) and got != want and not (marked[q] and keys[q] and not _spanning(keys[q])):
            if keys[q] and want.startswith(got + keys[q]):
                got += keys[q]
                count += 1
            q += 1
        out.append(count == 1 if got == want else False if count > 1 else None)
        lines.append(line_of[at] if out[-1] is not None else None)
        i = at + 1
    return out, lines


def _spanning(key: str) -> bool:
    """Is a numbered piece's text the start of a spanning label's?"""
    return any(s.startswith(key) for s in SPANNING)


def join_runs(heights: Sequence[bool | None]) -> list[list[int]]:
    """The template rows as the runs raw ``pdftotext`` joins (rows one line tall with the row after
    them), for reading and tests: each run the rows' indices; a row of unknown height ends a run."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for r, h in enumerate(heights):
        cur.append(r)
        if h is not True:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs
