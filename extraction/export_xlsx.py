"""XLSX of one report (openpyxl): a sheet per table in the printed layout, a tidy ``cells`` sheet
and a ``checks`` sheet.

Each table sheet is the national form as printed (merged header cells, row groups, Chinese
labels) with the values as numbers; a blank cell is an empty cell. ``cells`` holds the same
rows and columns as the CSV export (``export.TIDY_FIELDS``).
"""
from __future__ import annotations

import io
import re
from typing import Any

from .export import TIDY_FIELDS, tidy_cells
from .printed import PrintedTable, printed_table
from .templates import TABLES

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_LABEL_WIDTH = {"corner": 16, "group": 16, "label": 34}


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("", title).replace("、", " ", 1)[:31].strip() or "table"
    name, k = base, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(name.lower())
    return name


def _write_table(ws: Any, p: PrintedTable, values: dict[str, dict[str, Any]] | None, caption: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", start_color="EEF1F3")
    ws.cell(1, 1, p.title).font = Font(bold=True, size=13)
    ws.cell(2, 1, caption).font = Font(color="666666")
    if values is None:
        ws.cell(4, 1, "本报告中没有这张表（not in this report）")
        return
    top = 4
    grid = p.grid()
    widths = [8.0] * p.width
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot is None:
                continue
            cell, origin = slot
            xl = ws.cell(top + r, c + 1)
            xl.border = border
            if not origin:
                continue
            if cell.kind == "value":
                xl.value = (values.get(cell.row) or {}).get(cell.col)
                xl.alignment = Alignment(horizontal="right", vertical="center")
            else:
                xl.value = cell.text or None
                xl.alignment = Alignment(
                    horizontal="left" if cell.kind in ("label", "group") else "center", vertical="center", wrap_text=True
                )
                if cell.kind in ("head", "corner", "group"):
                    xl.fill = head_fill
                    xl.font = Font(bold=True)
                if cell.colspan == 1:
                    widths[c] = max(widths[c], min(_LABEL_WIDTH.get(cell.kind, 14), 2.0 * len(cell.text) + 2))
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=top + r, start_column=c + 1, end_row=top + r + cell.rowspan - 1, end_column=c + cell.colspan
                )
    for c, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(c + 1)].width = w
    ws.freeze_panes = ws.cell(top + p.header_rows, 1)


def to_xlsx(output: dict[str, Any], source: str = "") -> bytes:
    """The workbook of one extraction result (the contract's object) as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    template = output.get("template")
    caption = " · ".join(
        str(x) for x in (output.get("organ"), output.get("year") and f"{output['year']}年", template and f"{template} 格式", source) if x
    )
    tables = output.get("tables") or {}
    if template:
        for name in TABLES:
            p = printed_table(template, name)
            _write_table(wb.create_sheet(_sheet_name(p.title, used)), p, tables.get(name), caption)

    ws = wb.create_sheet(_sheet_name("cells", used))
    ws.append(list(TIDY_FIELDS))
    for rec in tidy_cells(output, source):
        ws.append([rec.get(k) for k in TIDY_FIELDS])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"

    ws = wb.create_sheet(_sheet_name("checks", used))
    ws.append(["rule", "ok", "detail"])
    for chk in output.get("checks") or []:
        ws.append([chk.get("rule"), chk.get("ok"), chk.get("detail")])
    for w in output.get("warnings") or []:
        ws.append(["warning", None, w])
    for c in ws[1]:
        c.font = Font(bold=True)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
