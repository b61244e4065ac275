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

from .export import TIDY_FIELDS, cell_status, failed_check_cells, printable_text, tidy_cells
from .printed import PrintedTable, printed_table
from .templates import TABLES

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_LABEL_WIDTH = {"corner": 16, "group": 16, "label": 34}
# a cell not simply read is shaded; a cell inside a failed check is framed red (as on the review page)
STATUS_FILLS = {"inferred": "DCE8FB", "unreadable": "FAD4D2", "missing": "E6E6E6"}
STATUS_ZH = {"read": "已读取", "inferred": "推断所得", "blank": "空白", "unreadable": "无法识别", "missing": "缺失"}
LEGEND = "底色：蓝 = 推断所得，红 = 无法识别，灰 = 缺失；红框 = 所在勾稽校验未通过（批注中有说明）"


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("", title).replace("、", " ", 1)[:31].strip() or "table"
    name, k = base, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(name.lower())
    return name


def _absent_text(output: dict[str, Any]) -> str:
    """What a table's sheet says when the table is null: a report older than the 2019 format
    prints tables of its own (of neither template), which are not read; one of a known format
    does not print this table (or it could not be found: its warnings say so)."""
    if output.get("old_format"):
        return ("2019 年以前格式的报告：其统计表不属于 2019 年版或 2021 年版格式，未读取"
                "（older than the 2019 format: its own tables are not read; see the checks sheet's warnings）")  # fmt: skip
    if not output.get("template"):
        return "未识别报告格式（2019 年版或 2021 年版），未读取统计表（no report format recognised: no table is read）"
    return "本报告中没有这张表（not in this report）"


def _write_table(ws: Any, p: PrintedTable, output: dict[str, Any], caption: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    values = (output.get("tables") or {}).get(p.name)
    failed = failed_check_cells(output)
    prov = (output.get("provenance") or {}).get(p.name) or {}
    thin, red = Side(style="thin", color="999999"), Side(style="medium", color="C0392B")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    red_border = Border(left=red, right=red, top=red, bottom=red)
    head_fill = PatternFill("solid", start_color="EEF1F3")
    ws.cell(1, 1, p.title).font = Font(bold=True, size=13)
    ws.cell(2, 1, caption).font = Font(color="666666")
    ws.cell(3, 1, LEGEND).font = Font(color="666666", size=9)
    if values is None:
        ws.cell(4, 1, _absent_text(output))
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
                assert cell.row is not None and cell.col is not None
                xl.value = (values.get(cell.row) or {}).get(cell.col)
                xl.alignment = Alignment(horizontal="right", vertical="center")
                status = cell_status(output, p.name, cell.row, cell.col)
                notes = []
                if status in STATUS_FILLS:
                    xl.fill = PatternFill("solid", start_color=STATUS_FILLS[status])
                    printed = printable_text(((prov.get(cell.row) or {}).get(cell.col) or {}).get("text"))
                    notes.append(STATUS_ZH[status] + (f"：印出「{printed}」" if printed else ""))
                rules = failed.get(f"{p.name}.{cell.row}.{cell.col}")
                if rules:
                    xl.border = red_border
                    notes.append("勾稽校验未通过：" + "，".join(rules))
                if notes:
                    xl.comment = Comment("\n".join(notes), "govreport")
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
    # warnings, check details and the caption may quote the text's control characters (a control
    # character read as a table value: "the 2nd value (\x1b)"), which openpyxl refuses
    caption = printable_text(" · ".join(
        str(x) for x in (output.get("title") or output.get("organ"), output.get("year") and f"{output['year']}年",
                         template and f"{template} 格式", source) if x
    )) or ""
    # A report of no known format gets the sheets too, each saying why it is empty: with only
    # `cells` and `checks`, a reader looking for the three tables found no sheet and no word why.
    # (The three tables' titles are one in both formats; their grids are not drawn.)
    for name in TABLES:
        p = printed_table(template or "2021", name)
        _write_table(wb.create_sheet(_sheet_name(p.title, used)), p, output, caption)

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
        ws.append([chk.get("rule"), chk.get("ok"), printable_text(chk.get("detail"))])
    for w in output.get("warnings") or []:
        ws.append(["warning", None, printable_text(w)])
    for c in ws[1]:
        c.font = Font(bold=True)

    # openpyxl stores any string that starts with "=" as a formula: a title's "=HYPERLINK(...)"
    # (read as the organ) would run in the reader's Excel. This workbook holds no formula of its own.
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
