"""The three tables as grids (rows/cells with rowspan/colspan, as the national form prints them).

``TableStyle`` carries what the messiness transforms decided about the tables (header variants,
spaced or split headers, the 8-column variant, number formats, ...); the layouts in
``layouts.py`` then flatten a grid the way Word, a browser or pdftotext would.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from govreport.extraction.labels import Label

from .content import APPLICANTS, REVIEW_RESULTS, ReportContent
from .ir import GCell, GRow, Grid, O, Seg

CAPTION = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# applications: (row key, group label, subgroup label, item label); the item fills the label columns left
APP_DENIED = [
    ("denied_state_secret", "1.属于国家秘密"), ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"), ("denied_third_party_rights", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"), ("denied_process_information", "6.属于四类过程性信息"),
    ("denied_enforcement_case_file", "7.属于行政执法案卷"), ("denied_administrative_inquiry", "8.属于行政查询事项"),
]  # fmt: skip
APP_UNABLE = [
    ("unable_not_held", "1.本机关不掌握相关政府信息"), ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", "3.补正后申请内容仍不明确"),
]  # fmt: skip
APP_NOT_PROCESSED = [
    ("not_processed_petition", "1.信访举报投诉类申请"), ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"), ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_reconfirmation", "5.要求行政机关确认或重新出具已获取信息"),
]  # fmt: skip
APP_OTHER_2021 = [
    ("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
]
RESULTS_GROUP = "三、本年度办理结果"
VERTICAL_GROUPS = [RESULTS_GROUP, "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]


def app_structure(fmt: str) -> list[tuple[str, str | None, str | None, str]]:
    rows: list[tuple[str, str | None, str | None, str]] = [
        ("new_received", None, None, "一、本年新收政府信息公开申请数量"),
        ("carried_over", None, None, "二、上年结转政府信息公开申请数量"),
        ("granted", RESULTS_GROUP, None, "（一）予以公开"),
        ("partially_granted", RESULTS_GROUP, None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ]
    for sub, items in (("（三）不予公开", APP_DENIED), ("（四）无法提供", APP_UNABLE), ("（五）不予处理", APP_NOT_PROCESSED)):
        rows += [(k, RESULTS_GROUP, sub, t) for k, t in items]
    if fmt == "2019":
        rows.append(("other_handling", RESULTS_GROUP, None, "（六）其他处理"))
    else:
        rows += [(k, RESULTS_GROUP, "（六）其他处理", t) for k, t in APP_OTHER_2021]
    rows += [("total_handled", RESULTS_GROUP, None, "（七）总计"), ("carried_forward", None, None, "四、结转下年度继续办理")]
    return rows


# table 二: (group label, header labels, [(row key, row label)], column keys)
def active_structure(fmt: str) -> list[tuple[str, list[str], list[tuple[str, str]], list[str]]]:
    if fmt == "2019":
        act = ["上一年项目数量", "本年增/减", "处理决定数量"]
        act_cols = ["prev_year_items", "change", "decisions"]
        return [
            ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
             [("regulations", "规章"), ("normative_documents", "规范性文件")], ["new_made", "new_published", "total_published"]),
            ("第二十条第（五）项", act, [("administrative_license", "行政许可"), ("other_external_services", "其他对外管理服务事项")], act_cols),
            ("第二十条第（六）项", act, [("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")], act_cols),
            ("第二十条第（八）项", act[:2], [("administrative_fees", "行政事业性收费")], act_cols[:2]),
            ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("centralized_procurement", "政府集中采购")], ["projects", "amount"]),
        ]  # fmt: skip
    return [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("regulations", "规章"), ("normative_documents", "行政规范性文件")], ["issued", "repealed", "in_force"]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("administrative_license", "行政许可")], ["decisions"]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")], ["decisions"]),
        ("第二十条第（八）项", ["本年收费金额"], [("administrative_fees", "行政事业性收费")], ["amount"]),
    ]  # fmt: skip


# wording variants and typos seen in real reports (canonical printed text -> variants)
HEADER_VARIANTS: dict[str, list[str]] = {
    "本年废止件数": ["本年度止件数", "本年废止件数量"],
    "本年制发件数": ["本年制发件数量", "本年制定件数"],
    "现行有效件数": ["现行有效件数量"],
    "本年处理决定数量": ["本年处理决定数", "处理决定数量"],
    "上一年项目数量": ["上年项目数量", "上一年度项目数量"],
    "本年增/减": ["本年增减", "本年增（减）", "本年增/ 减"],
    "处理决定数量": ["本年处理决定数量", "处理决定数"],
    "采购项目数量": ["采购项目数"],
    "申请人情况": ["申请人情况（单位：件）"],
    "未经复议直接起诉": ["未经复议直接起诉的"],
    "规章": ["规章 (市政府令)", "规章（省政府令）", "规章(政府令)"],
    "行政规范性文件": ["规范性文件"],
    "其他对外管理服务事项": ["其他对外管理 服务事项", "其他对外管理服务"],
    "2.其他法律行政法规禁止公开": ["2.其他法律法规禁止公开"],
    "4.无正当理由大量反复申请": ["4.无正当理由由大量反复申请"],
    "3.危及“三安全一稳定”": ['3.危及"三安全一稳定"', "3.危及“三安全、一稳定”"],
    "6.属于四类过程性信息": ["6.属于四类过程信息"],
    "一、本年新收政府信息公开申请数量": ["一、本年新收政府信息公开申请"],
    "四、结转下年度继续办理": ["四、结转下年度继续办理的申请"],
}
SPACEABLE = ["自然人", "总计", "其他", "结果维持", "结果纠正", "其他结果", "尚未审结", "信息内容", "行政复议",
             "行政诉讼", "商业企业", "科研机构", "复议后起诉"]  # fmt: skip
SPLITTABLE = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "未经复议直接起诉", "复议后起诉", "本年新制作数量",
              "本年新公开数量", "对外公开总数量", "上一年项目数量", "处理决定数量", "本年制发件数", "本年废止件数",
              "现行有效件数", "本年处理决定数量", "申请人情况", "法人或其他组织", "结果维持", "尚未审结"]  # fmt: skip
WRAPPABLE = ["partially_granted", "new_received", "carried_over", "carried_forward", "unable_not_held",
             "unable_needs_creation", "not_processed_reconfirmation", "other_overdue_correction", "other_unpaid_fee",
             "denied_prohibited_by_law", "denied_process_information", "other_external_services"]  # fmt: skip


@dataclass
class TableStyle:
    header_variants: dict[str, str] = field(default_factory=dict)
    spaced: list[str] = field(default_factory=list)
    split: dict[str, int] = field(default_factory=dict)  # header text -> split position
    scramble: bool = False
    brackets: str | None = None  # None | "half" (（一）->(一), 1.->1、) | "mixed"
    app_8col: str | None = None  # None | "before" | "after": where the 法人或其他组织 subtotal column goes
    subtotal_label: str = "小计"
    extra_value: int | None = None  # a 16th value on the review row
    vertical: list[str] = field(default_factory=list)  # group labels printed one character per line
    wrap: dict[str, int] = field(default_factory=dict)  # row key -> where its label breaks onto a new line
    thousands: bool = False
    fullwidth: bool = False
    minus: str = "-"
    money: str | None = None  # None | "wan_unit" | "yuan_unit" | "yuan_header"
    unit_space: bool = True  # "966.0898 万元" rather than "966.0898万元"
    count_units: dict[str, str] = field(default_factory=dict)  # table -> unit printed after counts ("12件")
    change_words: str | None = None  # None | words | short | spaced | signed | fullwidth: how 本年增/减 is printed
    cell_units: tuple[str, str] | None = None  # (amount unit, count form) printed inside table 二's cells
    caption: bool = True


# --- cell text -----------------------------------------------------------------------------------------
def number_text(v: int | Decimal, style: TableStyle) -> str:
    neg = v < 0
    v = -v if neg else v
    if isinstance(v, Decimal):
        s = format(v, "f")
        ip, _, fp = s.partition(".")
        if style.thousands and len(ip) > 3:
            ip = f"{int(ip):,}"
        s = ip + ("." + fp if fp else "")
    else:
        s = f"{v:,}" if style.thousands and v >= 1000 else str(v)
    if style.fullwidth:
        s = s.translate(FULLWIDTH)
    return (style.minus if neg else "") + s


def value_segs(content: ReportContent, table: str, row: str, col: str, style: TableStyle) -> list[Seg]:
    key = ("cell", table, row, col)
    marker = content.blanks.get((table, row, col))
    if marker is not None:
        return [Seg(marker, Label.CELL, key, None)] if marker else []
    v = content.values[table][row][col]
    if style.cell_units and table == "active_disclosure" and (col == "amount" or (col != "change" and v >= 10000)):
        return cell_unit_segs(v, col, key, style)
    if col == "amount":
        gold = float(v)
        if style.money in ("yuan_unit", "yuan_header"):
            yuan = v * 10000
            yuan = yuan.quantize(Decimal(1)) if yuan == yuan.to_integral_value() else yuan.normalize()
            segs = [Seg(number_text(yuan, style), Label.CELL, key, gold)]
            return segs + [Seg("元", Label.UNIT)] if style.money == "yuan_unit" else segs
        segs = [Seg(number_text(v, style), Label.CELL, key, gold)]
        if style.money == "wan_unit":
            segs += ([O(" ")] if style.unit_space else []) + [Seg("万元", Label.UNIT)]
        return segs
    if col == "change" and style.change_words and v != 0:
        return [Seg(change_text(int(v), style.change_words), Label.CELL, key, int(v))]
    segs = [Seg(number_text(v, style), Label.CELL, key, int(v))]
    if table in style.count_units:
        segs.append(Seg(style.count_units[table], Label.UNIT))
    return segs


# a unit printed inside an amount's cell, and what one of it is in 万元 (the template's unit)
CELL_MONEY_UNITS = {"千元": Decimal("0.1"), "十万元": Decimal(10), "亿元": Decimal(10000), "亿": Decimal(10000),
                    "万": Decimal(1), "万元": Decimal(1)}  # fmt: skip
# how a count is printed with its unit in the cell: 1.6794万, 16794（件）, 16794 (件)
CELL_COUNT_FORMS = ("wan", "paren", "paren_space")


def cell_unit_segs(v: int | Decimal, col: str, key: tuple, style: TableStyle) -> list[Seg]:
    """A table 二 figure printed with a unit or multiplier in its cell (``cell_units``): an amount
    in a scaled unit (``1.1千元``, ``0.0123 亿元``), a count of 10,000 or more as ``1.6794万``, or
    with its measure word in brackets (``16794（件）``, ``16794 (件)``). Gold: the exact value."""
    money, form = style.cell_units or ("万", "paren")
    if col == "amount":
        scaled = (Decimal(v) / CELL_MONEY_UNITS[money]).normalize()
        scaled = scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value() else scaled
        space = [O(" ")] if style.unit_space and money.endswith("元") else []
        return [Seg(number_text(scaled, style), Label.CELL, key, float(v)), *space, Seg(money, Label.UNIT)]
    if form == "wan":
        scaled = (Decimal(int(v)) / 10000).normalize()
        scaled = scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value() else scaled
        return [Seg(number_text(scaled, style), Label.CELL, key, int(v)), Seg("万", Label.UNIT)]
    unit = "（件）" if form == "paren" else "(件)"
    space = [O(" ")] if form == "paren_space" else []
    return [Seg(number_text(int(v), style), Label.CELL, key, int(v)), *space, Seg(unit, Label.UNIT)]


def change_text(v: int, how: str) -> str:
    """A change printed in words or loosely signed (``增加3``, ``减3``, ``- 3``, ``+4``, ``－2``)."""
    n = abs(v)
    if how == "words":
        return ("增加" if v > 0 else "减少") + str(n)
    if how == "short":
        return ("增" if v > 0 else "减") + str(n)
    if how == "spaced":
        return ("+ " if v > 0 else "- ") + str(n)
    if how == "fullwidth":
        return ("＋" if v > 0 else "－") + str(n)
    return ("+" if v > 0 else "-") + str(n)


_NUMBERING_PAREN = re.compile(r"^（([一二三四五六七八九十]+)）")
_NUMBERING_ARABIC = re.compile(r"^(\d+)\.")


def label_text(text: str, style: TableStyle, rng: random.Random) -> str:
    text = style.header_variants.get(text, text)
    if style.brackets and (style.brackets == "half" or rng.random() < 0.5):
        text = _NUMBERING_PAREN.sub(r"(\1)", text)
        text = _NUMBERING_ARABIC.sub(lambda m: m.group(1) + rng.choice(["、", "．", ". "]).strip(), text)
    return text


def col_cell(text: str, style: TableStyle, rng: random.Random, **kw: int) -> GCell:
    text = label_text(text, style, rng)
    if text in style.split:
        k = style.split[text]
        return GCell([[Seg(text[:k], Label.COL)], [Seg(text[k:], Label.COL)]], kind="col", **kw)
    if text in style.spaced:
        text = " ".join(text)
    return GCell([[Seg(text, Label.COL)]], kind="col", **kw)


def row_cell(text: str, style: TableStyle, rng: random.Random, key: str | None = None, **kw: int) -> GCell:
    raw = text
    text = label_text(text, style, rng)
    if raw in style.vertical:
        return GCell([[Seg(u, Label.ROW)] for u in vertical_units(text)], kind="row", vertical=True, **kw)
    if key is not None and key in style.wrap and len(text) > 6:
        k = min(max(2, style.wrap[key]), len(text) - 2)
        a, b = text[:k].rstrip(), text[k:].lstrip()
        if a and b:
            return GCell([[Seg(a, Label.ROW)], [Seg(b, Label.ROW)]], kind="row", **kw)
    return GCell([[Seg(text, Label.ROW)]], kind="row", **kw)


def vertical_units(text: str) -> list[str]:
    """'三、本年度办理结果' -> ['三、', '本', '年', ...]; brackets and 、 stay with their numeral."""
    units: list[str] = []
    for ch in text:
        if ch == " ":
            continue
        if units and (ch in "、）)．." or units[-1] in "（("):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def val_cell(segs: list[Seg], **kw: int) -> GCell:
    return GCell([segs] if segs else [], kind="val", **kw)


def _scrambled(cells: list[GCell], rng: random.Random) -> list[GCell]:
    """Permute the contents of same-shaped header cells (the flattening scrambled the header order)."""
    shapes: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(cells):
        if c.kind == "col":
            shapes.setdefault((c.rowspan, c.colspan), []).append(i)
    out = list(cells)
    for idx in shapes.values():
        if len(idx) > 1:
            perm = idx[:]
            while perm == idx:
                rng.shuffle(perm)
            for dst, src in zip(idx, perm):
                out[dst] = GCell(cells[src].lines, cells[dst].rowspan, cells[dst].colspan, "col")
    return out


# --- grids -------------------------------------------------------------------------------------------
def active_grid(content: ReportContent, style: TableStyle, rng: random.Random) -> Grid:
    rows: list[GRow] = []
    for group, headers, items, cols in active_structure(content.fmt):
        spans = {1: [3], 2: rng.choice([[1, 2], [2, 1]]), 3: [1, 1, 1]}[len(cols)]
        rows.append(GRow([row_cell(group, style, rng, colspan=4)], "group"))
        if group.endswith("（九）项") or group.endswith("（八）项") and content.fmt == "2021":
            headers = headers[:-1] + [_money_header(headers[-1], style, rng)]
        hcells = [col_cell("信息内容", style, rng)] + [col_cell(h, style, rng, colspan=s) for h, s in zip(headers, spans)]
        if style.scramble and len(headers) > 1:
            hcells = hcells[:1] + _scrambled(hcells[1:], rng)
        rows.append(GRow(hcells, "header"))
        for key, label in items:
            cells = [row_cell(label, style, rng, key)]
            cells += [val_cell(value_segs(content, "active_disclosure", key, c, style), colspan=s) for c, s in zip(cols, spans)]
            rows.append(GRow(cells, "data", key))
    return Grid("active_disclosure", 4, rows, 1)


def _money_header(base: str, style: TableStyle, rng: random.Random) -> str:
    if style.money in ("wan_unit", "yuan_unit"):
        return base
    if style.money == "yuan_header":
        return base + rng.choice(["（元）", "（单位：元）"])
    if base == "本年收费金额":
        return base + "（单位：万元）"
    return base + rng.choice(["（万元）", "（单位：万元）", "（单位：万元，保留4位小数）"])


def applications_grid(content: ReportContent, style: TableStyle, rng: random.Random) -> Grid:
    table = "applications"
    extra = style.app_8col is not None
    nval = 8 if extra else 7
    orgs = [col_cell(t, style, rng) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
    if extra:
        sub = col_cell(style.subtotal_label, style, rng)
        orgs = [sub] + orgs if style.app_8col == "before" else orgs + [sub]
    span_sides = rng.random() < 0.5  # 自然人 / 总计 span two header rows, or sit above an empty cell
    caption = GCell([[O(CAPTION)]], kind="caption", rowspan=3, colspan=3) if style.caption else GCell(rowspan=3, colspan=3)
    r0 = [caption, col_cell("申请人情况", style, rng, colspan=nval)]
    r1 = [col_cell("自然人", style, rng, rowspan=2 if span_sides else 1),
          col_cell("法人或其他组织", style, rng, colspan=nval - 2),
          col_cell("总计", style, rng, rowspan=2 if span_sides else 1)]  # fmt: skip
    r2 = orgs if span_sides else [GCell()] + orgs + [GCell()]
    if style.scramble:
        r2 = _scrambled(r2, rng)
    rows = [GRow(r0, "header"), GRow(r1, "header"), GRow(r2, "header")]
    struct = app_structure(content.fmt)
    seen: set[str] = set()
    for key, group, sub, item in struct:
        cells: list[GCell] = []
        if group and group not in seen:
            seen.add(group)
            cells.append(row_cell(group, style, rng, rowspan=sum(1 for r in struct if r[1] == group)))
        if sub and sub not in seen:
            seen.add(sub)
            cells.append(row_cell(sub, style, rng, rowspan=sum(1 for r in struct if r[2] == sub)))
        cells.append(row_cell(item, style, rng, key, colspan=3 - (group is not None) - (sub is not None)))
        vals = [value_segs(content, table, key, c, style) for c in (*APPLICANTS, "total")]
        if extra:
            subtotal = _subtotal(content, key, style)
            vals.insert(1 if style.app_8col == "before" else 6, subtotal)
        cells += [val_cell(v) for v in vals]
        rows.append(GRow(cells, "data", key))
    return Grid(table, 3 + nval, rows, 3)


def _subtotal(content: ReportContent, row: str, style: TableStyle) -> list[Seg]:
    parts = [content.cell("applications", row, c) for c in APPLICANTS[1:]]
    if all(p is None for p in parts):
        return []
    return [Seg(number_text(sum(p for p in parts if p is not None), style), Label.CELL)]


def review_grid(content: ReportContent, style: TableStyle, rng: random.Random) -> Grid:
    table = "review_litigation"
    rs = rng.random() < 0.5
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    r0 = [col_cell("行政复议", style, rng, colspan=5), col_cell("行政诉讼", style, rng, colspan=10)]
    r1 = [col_cell(t, style, rng, rowspan=2 if rs else 1) for t in results]
    r1 += [col_cell("未经复议直接起诉", style, rng, colspan=5), col_cell("复议后起诉", style, rng, colspan=5)]
    r2 = ([] if rs else [GCell() for _ in range(5)]) + [col_cell(t, style, rng) for t in results * 2]
    if style.scramble:
        r1, r2 = _scrambled(r1, rng), _scrambled(r2, rng)
    vals: list[GCell] = []
    for key in ("administrative_review", "litigation_direct", "litigation_after_review"):
        vals += [val_cell(value_segs(content, table, key, c, style)) for c in (*REVIEW_RESULTS, "total")]
    if style.extra_value is not None:
        vals.append(val_cell([Seg(number_text(style.extra_value, style), Label.CELL)]))
    rows = [GRow(r0, "header"), GRow(r1, "header"), GRow(r2, "header"), GRow(vals, "data", "review")]
    return Grid(table, 16 if style.extra_value is not None else 15, rows, 0)


def build_grid(table: str, content: ReportContent, style: TableStyle, rng: random.Random) -> Grid:
    builder = {"active_disclosure": active_grid, "applications": applications_grid, "review_litigation": review_grid}
    return builder[table](content, style, rng)
