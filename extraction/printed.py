"""The three canonical tables laid out as the national forms print them.

The contract stores a table as ``{row key: {col key: value}}``; a person reads it as the printed
form: table 二 in blocks per 第二十条 item, each with its own header line; table 三 with the
申请人情况 / 法人或其他组织 header spans and the row groups 三、本年度办理结果 → （三）不予公开 →
1.…; table 四 as one row of fifteen values under 行政复议 / 行政诉讼 · 未经复议直接起诉 /
复议后起诉. This module describes that layout once, as an HTML-like grid of cells with row and
column spans, for every writer that shows tables to people (the review page, XLSX, Markdown, the
CLI summary). It only describes; it holds no values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from .templates import TABLES, raw_templates, table_spec

CellKind = Literal["corner", "head", "group", "label", "value"]

# The printed header above the value columns of table 三: wording of the national forms that the
# contract's templates do not carry (they name only the leaf columns).
APPLICATION_COL_PATHS: dict[str, tuple[str, ...]] = {
    "natural_person": ("申请人情况", "自然人"),
    "commercial_enterprise": ("申请人情况", "法人或其他组织", "商业企业"),
    "research_institution": ("申请人情况", "法人或其他组织", "科研机构"),
    "social_welfare_org": ("申请人情况", "法人或其他组织", "社会公益组织"),
    "legal_service_org": ("申请人情况", "法人或其他组织", "法律服务机构"),
    "other_org": ("申请人情况", "法人或其他组织", "其他"),
    "total": ("申请人情况", "总计"),
}
ACTIVE_ROW_HEAD = "信息内容"  # the printed header of the row-label column in each block of table 二
PATH_SEP = " · "

_FORMAT_ONLY = re.compile(r"\s*\[20\d\d format only[^\]]*\]\s*$")
_LEVEL_PREFIXES = (
    re.compile(r"^[一二三四五六七八九十]+、"),  # 三、本年度办理结果
    re.compile(r"^（[一二三四五六七八九十]+）"),  # （三）不予公开
    re.compile(r"^\d+\."),  # 1.属于国家秘密
)


@dataclass(frozen=True)
class PrintedCell:
    """One cell of the printed grid. ``value`` cells name the contract's ``row``/``col`` keys."""

    kind: CellKind
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    row: str | None = None
    col: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.rowspan > 1:
            d["rowspan"] = self.rowspan
        if self.colspan > 1:
            d["colspan"] = self.colspan
        if self.kind == "value":
            d["row"], d["col"] = self.row, self.col
        return d


@dataclass(frozen=True)
class PrintedTable:
    """A table as printed: ``rows`` are grid rows listing the cells that start in them (as in
    HTML, a cell spanning rows is listed once); the first ``header_rows`` rows are the header.

    ``row_paths[key]`` is the printed label of a contract row, outermost group first
    (``("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")``); ``col_paths[key]`` the same
    for a column (for table 二, the column's label; the same key may head several blocks)."""

    name: str
    fmt: str
    title: str
    width: int
    header_rows: int
    rows: tuple[tuple[PrintedCell, ...], ...]
    row_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    col_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def row_label(self, key: str) -> str:
        return PATH_SEP.join(self.row_paths.get(key, (key,)))

    def col_label(self, key: str) -> str:
        return PATH_SEP.join(self.col_paths.get(key, (key,)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "width": self.width,
            "header_rows": self.header_rows,
            "rows": [[c.to_dict() for c in row] for row in self.rows],
            "row_labels": {k: self.row_label(k) for k in self.row_paths},
            "col_labels": {k: self.col_label(k) for k in self.col_paths},
        }

    def grid(self) -> list[list[tuple[PrintedCell, bool] | None]]:
        """The cells placed on a full ``len(rows) × width`` grid: ``(cell, is_origin)`` at every
        position a cell covers (``is_origin`` at its top-left), None where nothing is printed."""
        out: list[list[tuple[PrintedCell, bool] | None]] = [[None] * self.width for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while c < self.width and out[r][c] is not None:
                    c += 1
                if c + cell.colspan > self.width or r + cell.rowspan > len(self.rows):
                    raise ValueError(f"{self.name}: cell {cell.text or cell.kind!r} overflows the grid")
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        out[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
                c += cell.colspan
        return out


def _level(part: str) -> int | None:
    for i, pattern in enumerate(_LEVEL_PREFIXES):
        if pattern.match(part):
            return i
    return None


def label_paths(labels: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Row key -> printed label path from the form's numbered labels, each row written with only
    the levels it opens (``"（三）不予公开 1.属于国家秘密"`` then ``"2.其他法律行政法规禁止公开"``)."""
    context: list[str] = []
    out: dict[str, tuple[str, ...]] = {}
    for key, raw in labels:
        parts = _FORMAT_ONLY.sub("", raw).split()
        path = list(context)
        for part in parts:
            level = _level(part)
            if level is None:  # unnumbered wording continues the previous part
                path[-1:] = [f"{path[-1]} {part}"] if path else [part]
                continue
            path = path[:level] + [part]
        out[key] = tuple(path)
        context = path[:-1] if len(path) > 1 else path
    return out


def _header_rows(col_paths: list[tuple[str, ...]], lead: int) -> list[list[PrintedCell]]:
    """Header rows over columns with the given label paths: equal prefixes of neighbours merge
    into one spanning cell; a path shorter than the deepest one stretches its last cell down."""
    depth = max(len(p) for p in col_paths)
    rows: list[list[PrintedCell]] = [[] for _ in range(depth)]
    if lead:
        rows[0].append(PrintedCell("corner", "", rowspan=depth, colspan=lead))
    for level in range(depth):
        j = 0
        while j < len(col_paths):
            path = col_paths[j]
            if len(path) <= level:
                j += 1
                continue
            k = j + 1
            while k < len(col_paths) and len(col_paths[k]) > level and col_paths[k][: level + 1] == path[: level + 1]:
                k += 1
            last = level == len(path) - 1
            rows[level].append(PrintedCell("head", path[level], rowspan=depth - level if last else 1, colspan=k - j))
            j = k
    return rows


def _label_cells(paths: list[tuple[str, ...]], i: int, lead: int) -> list[PrintedCell]:
    """The label cells starting in body row ``i``: a group cell spans the rows under it, the
    row's own (last) label spans the label columns left over."""
    path = paths[i]
    out = []
    for level, text in enumerate(path):
        if i > 0 and paths[i - 1][: level + 1] == path[: level + 1] and level < len(path) - 1:
            continue  # covered by the group cell of an earlier row
        last = level == len(path) - 1
        span = 1
        if not last:
            while i + span < len(paths) and paths[i + span][: level + 1] == path[: level + 1]:
                span += 1
        out.append(PrintedCell("label" if last else "group", text, rowspan=span, colspan=lead - level if last else 1))
    return out


def _applications(fmt: str) -> PrintedTable:
    spec = table_spec(fmt, "applications")
    keys = set(spec.row_keys)
    raw = [(k, label) for k, label in raw_templates()["shared"]["applications"]["rows_in_order"] if k in keys]
    row_paths = label_paths(raw)
    cols = list(spec.rows[0].cols)
    col_paths = [APPLICATION_COL_PATHS.get(c, (spec.col_labels[c],)) for c in cols]
    lead = max(len(p) for p in row_paths.values())
    head = _header_rows(col_paths, lead)
    paths = [row_paths[r.key] for r in spec.rows]
    body = [
        _label_cells(paths, i, lead) + [PrintedCell("value", row=r.key, col=c) for c in cols]
        for i, r in enumerate(spec.rows)
    ]
    return PrintedTable(
        "applications", fmt, spec.title, lead + len(cols), len(head), tuple(map(tuple, head + body)),
        row_paths, {c: p[-1:] for c, p in zip(cols, col_paths)},
    )  # fmt: skip


def _review(fmt: str) -> PrintedTable:
    """Table 四 is printed as one row: the contract's rows are its column groups."""
    spec = table_spec(fmt, "review_litigation")
    pairs = [(r.key, c) for r in spec.rows for c in r.cols]
    row_paths = {r.key: tuple(r.label.split(PATH_SEP)) for r in spec.rows}
    col_paths = [row_paths[r] + (spec.col_labels[c],) for r, c in pairs]
    head = _header_rows(col_paths, 0)
    body = [PrintedCell("value", row=r, col=c) for r, c in pairs]
    return PrintedTable(
        "review_litigation", fmt, spec.title, len(pairs), len(head), tuple(map(tuple, head + [body])),
        row_paths, {c: (label,) for c, label in spec.col_labels.items()},
    )  # fmt: skip


def _active(fmt: str) -> PrintedTable:
    """Table 二: per 第二十条 item a group line, a header line (信息内容 + its columns) and its rows;
    a block with fewer columns than the widest stretches its last column."""
    spec = table_spec(fmt, "active_disclosure")
    width = 1 + max(len(r.cols) for r in spec.rows)
    rows: list[tuple[PrintedCell, ...]] = []
    group: str | None = None
    for r in spec.rows:
        if r.group != group or not rows:
            group = r.group
            rows.append((PrintedCell("group", group or "", colspan=width),))
            head = [PrintedCell("head", ACTIVE_ROW_HEAD)]
            head += [PrintedCell("head", spec.col_labels[c], colspan=_stretch(i, r.cols, width)) for i, c in enumerate(r.cols)]
            rows.append(tuple(head))
        cells = [PrintedCell("label", r.label)]
        cells += [PrintedCell("value", row=r.key, col=c, colspan=_stretch(i, r.cols, width)) for i, c in enumerate(r.cols)]
        rows.append(tuple(cells))
    row_paths = {r.key: ((r.group,) if r.group else ()) + (r.label,) for r in spec.rows}
    return PrintedTable(
        "active_disclosure", fmt, spec.title, width, 0, tuple(rows), row_paths,
        {c: (label,) for c, label in spec.col_labels.items()},
    )  # fmt: skip


def _stretch(i: int, cols: tuple[str, ...], width: int) -> int:
    return width - len(cols) if i == len(cols) - 1 else 1


BUILDERS = {"active_disclosure": _active, "applications": _applications, "review_litigation": _review}


@lru_cache(maxsize=None)
def printed_table(fmt: str, table: str) -> PrintedTable:
    """The printed layout of ``table`` in format ``fmt`` ("2019" | "2021"); KeyError if unknown."""
    if table not in BUILDERS:
        raise KeyError(f"unknown table {table!r}")
    table_spec(fmt, table)  # raises KeyError for an unknown format
    return BUILDERS[table](fmt)


def printed_tables(fmt: str) -> dict[str, PrintedTable]:
    return {name: printed_table(fmt, name) for name in TABLES}
