"""Crawler text: a web page's report with the HTML tags stripped and no separators kept.

The whole body comes out as one line (paragraphs joined by a space or by nothing), section
headings mid-line, and a table's cells run together: ``行政许可396442278``. A crawler's header
(``标题: …``, ``发布时间: …``, ``==== 正文 ====``) may come first, on lines of its own.

Gold: a cell whose digits the text cannot place is ``null`` (the contract's rule): the row's run is
split every way the cell grammar allows and the report's identities choose among the splits, as the
contract says they may (``extraction.tables.digitruns``: table 三 per row and per column, table 四
per group, table 二 none); a cell the remaining splits disagree on is null in gold.
"""
from __future__ import annotations

import random
import re
from typing import Any

from govreport.extraction.labels import Label
from govreport.extraction.normalize import normalize
from govreport.extraction.tables.digitruns import (
    APP_COLS,
    agreement,
    solve_applications,
    solve_review,
    solve_row,
)
from govreport.extraction.templates import table_spec

from .ir import Line, O, Seg

CRAWL_HEAD = ["发布时间: {date}", "文号: ", "发布机构: {organ}", "栏目: 政府信息公开年报", "原文链接: https://www.example.gov.cn/zwgk/{n}.htm"]
_TOKEN = re.compile(r"[+\-−]?\d+(?:\.\d+)?|[—－–─]+")


def flatten(lines: list[Line], fmt: str, organ: str, year: int, rng: random.Random) -> list[Line]:
    """One body line from the rendered lines (noise inside the body dropped), a crawler header above."""
    prose_sep = rng.choice([" ", "", " "])
    header_sep = rng.choice(["", " "])
    nbsp = rng.choice([0.0, 0.0, 0.05])  # a cell printed with &nbsp; keeps a space after it
    body: list[Seg] = []
    prev: Line | None = None
    title_segs: list[Seg] = []
    for line in lines:
        if line.role == "blank" or line.role == "noise" or not line.text.strip():
            continue
        if line.role == "title":
            title_segs += [s for s in line.segs if s.label == Label.TITLE]
        if prev is not None:
            same_row = line.role == "table" and prev.role == "table" and line.block == prev.block
            if same_row:
                sep = ""  # a <br> inside a cell
            elif line.role == "table" and prev.role == "table" and line.table == prev.table:
                sep = header_sep if line.part == "header" or prev.part == "header" else ""
            else:
                sep = prose_sep
            if sep:
                body.append(O(sep))
        for seg in line.segs:
            if seg.label is None:
                text = seg.text.replace("\u3000", "").strip() if line.role != "table" else ""
                if line.role == "table" and seg.text.strip():
                    text = seg.text.strip()  # not a separator
                if line.role == "table" and not seg.text.strip() and body and body[-1].label == Label.CELL and rng.random() < nbsp:
                    text = " "
                if text:
                    body.append(O(text))
            else:
                body.append(seg)
        prev = line
    out: list[Line] = []
    if title_segs and rng.random() < 0.7:
        out.append(Line([O("标题: "), *(s.copy() for s in title_segs)], role="title"))
        for h in CRAWL_HEAD:
            out.append(Line([O(h.format(date=f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}", organ=organ if rng.random() < 0.5 else "",
                                        n=rng.randint(10000, 99999)))], role="noise"))  # fmt: skip
        out.append(Line([O("=" * 20 + " 正文 " + "=" * 20)], role="noise"))
        if rng.random() < 0.6:  # the body starts after the title
            k = next((i for i, s in enumerate(body) if s is title_segs[-1]), None)
            if k is not None:
                body = body[k + 1 :]
                while body and body[0].label is None and not body[0].text.strip():
                    body.pop(0)
    out.append(Line(body, role="table", table=None, part="data", block=None))
    null_undetermined(body, fmt)
    return out


def _rows(body: list[Seg]) -> dict[str, list[list[int]]]:
    """Per table, the printed rows: indices of their CELL segments, in order (a row is a run of
    cells with the same row key)."""
    out: dict[str, list[list[int]]] = {}
    last: tuple[str, str] | None = None
    for i, s in enumerate(body):
        if s.label == Label.CELL and s.key and s.key[0] == "cell":
            _, table, row, _col = s.key
            if last != (table, row):
                out.setdefault(table, []).append([])
                last = (table, row)
            out[table][-1].append(i)
        elif s.label in (Label.ROW, Label.COL, Label.SECTION):
            last = None
    return out


def _row_tokens(body: list[Seg], idx: list[int]) -> list[str]:
    """The value tokens a reader sees for the row: its cells' text joined as printed (a space, a
    sign or a blank mark breaks a run)."""
    text = "".join(s.text if s.label != Label.UNIT else " " for s in body[idx[0] : idx[-1] + 1])
    return _TOKEN.findall(normalize(text))


def null_undetermined(body: list[Seg], fmt: str) -> None:
    """Set the gold of every cell the text cannot determine to None (see module docstring)."""
    rows = _rows(body)
    for idx in rows.get("active_disclosure", []):
        cands = solve_row(_row_tokens(body, idx), len(idx))
        _apply(body, idx, agreement(cands or [], len(idx)))
    app_rows = {body[idx[0]].key[2]: idx for idx in rows.get("applications", []) if len(idx) == APP_COLS}  # type: ignore[index]
    if app_rows:
        spec = table_spec(fmt, "applications")
        choice = solve_applications({r: solve_row(_row_tokens(body, idx), APP_COLS) for r, idx in app_rows.items()},
                                    spec.row_keys)  # fmt: skip
        for r, idx in app_rows.items():
            _apply(body, idx, agreement(choice[r].splits, APP_COLS))
    for idx in rows.get("applications", []):
        if len(idx) != APP_COLS:  # a row cut short (truncated): no arithmetic
            cands = solve_row(_row_tokens(body, idx), len(idx))
            _apply(body, idx, agreement(cands or [], len(idx)))
    review = [i for idx in rows.get("review_litigation", []) for i in idx]
    if review:
        cands, _ = solve_review(_row_tokens(body, [review[0], review[-1]]), len(review))
        _apply(body, review, agreement(cands or [], len(review)))


def _apply(body: list[Seg], idx: list[int], parts: list[Any]) -> None:
    for i, p in zip(idx, parts):
        if p is None:
            body[i] = body[i].copy(value=None)
