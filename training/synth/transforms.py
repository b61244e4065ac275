"""The messiness kinds of real reports, each a composable transform that keeps offsets exact.

A transform is one function ``(ctx) -> bool`` (False: it could not apply to this report, so it is
not recorded). ``content`` transforms change what is printed (values, blanks, which tables and
sections exist) or how the tables are styled; ``layout`` transforms pick how the report was
flattened (at most one); ``lines`` transforms edit the rendered lines (page breaks, traditional
characters, junk, truncation). None of them touch raw text: they edit segments, so every labelled
segment stays a span and the gold is read back from what survives (see ``render.finalize``).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Callable

from govreport.extraction.labels import Label
from govreport.extraction.normalize import normalize

from . import prose
from .content import APPLICANTS, Para, ReportContent, inject_errors
from .ir import Line, O, Seg, blank_line, width
from .render import Style
from .tables import (
    CELL_COUNT_FORMS, CELL_MONEY_UNITS, HEADER_VARIANTS, SPACEABLE, SPLITTABLE, VERTICAL_GROUPS, WRAPPABLE, app_structure,
)


@dataclass
class Ctx:
    rng: random.Random
    content: ReportContent
    style: Style
    lines: list[Line] = field(default_factory=list)
    traditional: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    stage: str  # layout | content | lines
    rate: float
    apply: Callable[[Ctx], bool]
    formats: tuple[str, ...] = ("2019", "2021")
    layouts: tuple[str, ...] | None = None  # report layouts it combines with (None: all)
    doc: str = ""
    late: bool = False  # added after the first default model: drawn from its own stream (see sample_kinds)


# --- layout ------------------------------------------------------------------------------------------
def _layout(name: str) -> Callable[[Ctx], bool]:
    def apply(ctx: Ctx) -> bool:
        ctx.style.layout = name
        if name == "html_copy":
            rng = ctx.rng
            heads = rng.sample(prose.WEB_HEAD_JUNK, rng.randint(0, 2))
            ctx.style.web_head = [_fill_junk(h, ctx) for h in heads]
            for key in rng.sample(WRAPPABLE, rng.randint(0, 3)):  # <br> inside long label cells
                ctx.style.table.wrap.setdefault(key, rng.randint(4, 20))
        return True

    return apply


def _fill_junk(t: str, ctx: Ctx) -> str:
    rng = ctx.rng
    return t.format(site=ctx.content.organ[:3], date=f"{ctx.content.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
                    n=rng.randint(10, 9999), code=rng.randint(1000000000, 9999999999),
                    icp=f"{rng.randint(10000000, 99999999)}-{rng.randint(1, 9)}")  # fmt: skip


def displaced_labels(ctx: Ctx) -> bool:
    ctx.style.displaced = ctx.rng.choice(["all", "results"])
    return ctx.content.tables_present["applications"]


# --- content and table style ----------------------------------------------------------------------------
def _app_rows(ctx: Ctx) -> list[str]:
    return [r[0] for r in app_structure(ctx.content.fmt)]


def total_only_rows(ctx: Ctx) -> bool:
    """Rows where only 总计 is printed, the applicant cells blank (as offices that keep only totals)."""
    rows = _app_rows(ctx)
    results = rows[rows.index("granted") : rows.index("total_handled")]
    rng = ctx.rng
    chosen = results if rng.random() < 0.4 else rng.sample(rows, rng.randint(1, 6))
    for row in chosen:
        for col in APPLICANTS:
            ctx.content.blanks[("applications", row, col)] = ""
    return True


BLANK_MARKERS = ["", "", "", "-", "—", "无", "－"]


def blank_cells(ctx: Ctx) -> bool:
    """Blanks in the middle of rows where the value is 0 ('', '-', '—', '无')."""
    rng, content = ctx.rng, ctx.content
    marker = rng.choice(BLANK_MARKERS)
    zeros = [(t, r, c) for t, rows in content.values.items() for r, cols in rows.items() for c, v in cols.items()
             if v == 0 and not (t == "applications" and c == "total")]  # fmt: skip
    if not zeros:
        return False
    share = rng.choice([0.1, 0.3, 1.0])
    for cell in zeros:
        if rng.random() < share:
            content.blanks[cell] = marker if rng.random() < 0.8 else rng.choice(BLANK_MARKERS)
    return True


def vertical_labels(ctx: Ctx) -> bool:
    groups = VERTICAL_GROUPS if ctx.content.fmt == "2021" else VERTICAL_GROUPS[:-1]
    ctx.style.table.vertical = [groups[0]] + ctx.rng.sample(groups[1:], ctx.rng.randint(0, 2))
    return True


def scrambled_headers(ctx: Ctx) -> bool:
    ctx.style.table.scramble = True
    return True


def spaced_headers(ctx: Ctx) -> bool:
    ctx.style.table.spaced = ctx.rng.sample(SPACEABLE, ctx.rng.randint(2, 6))
    return True


def split_headers(ctx: Ctx) -> bool:
    rng = ctx.rng
    for text in rng.sample(SPLITTABLE, rng.randint(2, 6)):
        if text not in ctx.style.table.spaced:
            ctx.style.table.split[text] = rng.choice([len(text) - 1, len(text) // 2, rng.randint(1, len(text) - 1)])
    return True


def header_variants(ctx: Ctx) -> bool:
    rng = ctx.rng
    for canon in rng.sample(list(HEADER_VARIANTS), rng.randint(1, 4)):
        ctx.style.table.header_variants[canon] = rng.choice(HEADER_VARIANTS[canon])
    if rng.random() < 0.5:
        ctx.style.table.header_variants["本年废止件数"] = "本年度止件数"
    return True


def bracket_variants(ctx: Ctx) -> bool:
    """（一）/(一) and 1./1、 in row labels; 一. / 一． numbering of section headings."""
    rng = ctx.rng
    ctx.style.table.brackets = rng.choice(["half", "mixed"])
    if rng.random() < 0.5:
        ctx.style.section_numbering = rng.choice(["dot", "fwdot", "space"])
    return True


def wrapped_labels(ctx: Ctx) -> bool:
    rng = ctx.rng
    for key in rng.sample(WRAPPABLE, rng.randint(1, 5)):
        ctx.style.table.wrap[key] = rng.randint(3, 24)
    return True


def money_units(ctx: Ctx) -> bool:
    """'966.0898 万元', '280万元', '251000元' in the amount cells, or 元 in the amount header."""
    ctx.style.table.money = ctx.rng.choice(["wan_unit", "yuan_unit", "yuan_header"])
    ctx.style.table.unit_space = ctx.rng.random() < 0.5
    return ctx.content.tables_present["active_disclosure"]


def thousands_sep(ctx: Ctx) -> bool:
    """1,234,567 in table cells (a count of table 二 is raised past 1,000 if none is, so it shows)."""
    ctx.style.table.thousands = True
    vals = ctx.content.values
    if not any(v >= 1000 for rows in vals.values() for cols in rows.values() for v in cols.values()):
        vals["active_disclosure"]["administrative_penalty"]["decisions"] = ctx.rng.randint(1000, 250000)
    return ctx.content.tables_present["active_disclosure"] or any(
        v >= 1000 for t, rows in vals.items() if ctx.content.tables_present[t] for cols in rows.values() for v in cols.values()
    )


def fullwidth_digits(ctx: Ctx) -> bool:
    ctx.style.table.fullwidth = True
    return True


def negative_values(ctx: Ctx) -> bool:
    """Negative 本年增/减 (2019 format: items dropped from the previous year's list)."""
    rng, vals = ctx.rng, ctx.content.values["active_disclosure"]
    rows = [r for r, cols in vals.items() if "change" in cols]
    for r in rng.sample(rows, rng.randint(1, len(rows))):
        prev = vals[r]["prev_year_items"]
        if prev == 0:
            vals[r]["prev_year_items"] = prev = rng.randint(1, 80)
        vals[r]["change"] = -rng.randint(1, prev)
    ctx.style.table.minus = rng.choice(["-", "-", "－"])
    return True


def count_units(ctx: Ctx) -> bool:
    """Counts printed with their measure word ('12件', '3个', '5条'), one unit per table."""
    rng, present = ctx.rng, ctx.content.tables_present
    units = {"active_disclosure": ["件", "个", "项", "条"], "applications": ["件"], "review_litigation": ["件"]}
    tables = [t for t in units if present[t]]
    if not tables:
        return False
    for t in rng.sample(tables, rng.randint(1, len(tables))):
        ctx.style.table.count_units[t] = rng.choice(units[t])
    return True


def cell_units(ctx: Ctx) -> bool:
    """Table 二 figures with a unit or multiplier inside the cell: amounts in 千元/十万元/亿元/亿/万
    (``1.1千元``, ``3.3 十万元``), counts of 10,000 or more as ``1.6794万`` or with ``（件）``
    (a count is raised past 10,000 if none is, so it shows)."""
    rng, vals = ctx.rng, ctx.content.values["active_disclosure"]
    money = rng.choice(sorted(CELL_MONEY_UNITS))
    ctx.style.table.cell_units = (money, rng.choice(CELL_COUNT_FORMS))
    counts = [(r, c) for r, cols in vals.items() for c in cols if c not in ("amount", "change")]
    if counts and not any(vals[r][c] >= 10000 for r, c in counts):
        r, c = rng.choice(counts)
        vals[r][c] = rng.randint(10000, 99999)
    return ctx.content.tables_present["active_disclosure"]


def part_headings(ctx: Ctx) -> bool:
    """Sections numbered as parts: 第一部分 总体情况, 第二部分：主动公开政府信息情况."""
    ctx.style.section_numbering = "part"
    ctx.style.part_sep = ctx.rng.choice([" ", "\u3000", "：", "、", ""])
    return True


def applications_8col(ctx: Ctx) -> bool:
    ctx.style.table.app_8col = ctx.rng.choice(["before", "after"])
    ctx.style.table.subtotal_label = ctx.rng.choice(["小计", "小计", "合计", "法人或其他组织小计"])
    return ctx.content.tables_present["applications"]


def extra_value(ctx: Ctx) -> bool:
    """The review/litigation row prints 16 values under 15 columns (a trailing template column)."""
    vals = ctx.content.values["review_litigation"]
    ctx.style.table.extra_value = 0 if ctx.rng.random() < 0.7 else sum(v["total"] for v in vals.values())
    return ctx.content.tables_present["review_litigation"]


def arithmetic_errors(ctx: Ctx) -> bool:
    return inject_errors(ctx.rng, ctx.content)


def missing_table(ctx: Ctx) -> bool:
    """A table's section heading is there but the table is not (often with a prose line instead)."""
    rng = ctx.rng
    table = rng.choice(["active_disclosure", "applications", "review_litigation"])
    ctx.content.tables_present[table] = False
    if rng.random() < 0.3:
        i = {"active_disclosure": 2, "applications": 3, "review_litigation": 4}[table]
        ctx.content.sections[i].after.append(prose_para(rng.choice(["本年度无相关数据。", "（表格略）", "详见附件。"])))
    return True


def missing_section(ctx: Ctx) -> bool:
    """A whole section is absent (heading and body, with its table), or only its heading is lost."""
    rng = ctx.rng
    i = rng.choice([2, 3, 4, 4, 5, 6])
    sec = ctx.content.sections[i]
    sec.heading_present = False
    if rng.random() < 0.75:
        sec.body_present = False
        if sec.table:
            ctx.content.tables_present[sec.table] = False
    return True


def prose_numbers(ctx: Ctx) -> bool:
    """Sentences with numbers right before or after the tables."""
    rng, content = ctx.rng, ctx.content
    for i, table in ((2, "active_disclosure"), (3, "applications"), (4, "review_litigation")):
        if rng.random() < 0.6:
            t = rng.choice(prose.PROSE_NUMBERS[table])
            nums = {k: rng.randint(0, 5000) for k in "abcd"}
            nums.update(_table_slots(content, table, prose.PROSE_NUMBERS[table].index(t)))
            para = prose_para(t.format(year=content.year, p=rng.randint(1, 40), **nums))
            (content.sections[i].before if rng.random() < 0.5 else content.sections[i].after).append(para)
        if rng.random() < 0.3:
            content.sections[i].before.append(prose_para(rng.choice(prose.TABLE_UNIT_NOTES)))
    return True


def _table_slots(content: ReportContent, table: str, template: int) -> dict[str, int | float]:
    """The slots of a prose-numbers template that restate the table's own figures."""
    out: dict[str, int | float] = {}
    for slot, cells in prose.PROSE_SLOTS.get((table, template), {}).items():
        fmt, _, name = slot.rpartition(":")
        if fmt and fmt != content.fmt:
            continue
        vals = content.values[table]
        out[name] = sum(vals[r][c] for r, c in cells if r in vals and c in vals[r])
    return out


def prose_mismatch(ctx: Ctx) -> bool:
    """One prose figure disagrees with its table: the applications received, off by a few (neither
    the new applications nor new + carried over, so no reading of the phrase fits)."""
    rng, content = ctx.rng, ctx.content
    if not content.tables_present["applications"]:
        return False
    app = content.values["applications"]
    new, carried = app["new_received"]["total"], app["carried_over"]["total"]
    wrong = new + rng.choice([-1, 1]) * rng.randint(1, 9)
    while wrong < 0 or wrong in (new, new + carried):
        wrong += rng.randint(1, 9)
    para = prose_para(rng.choice(prose.PROSE_MISMATCH).format(a=wrong, year=content.year, short=content.short))
    content.sections[3].before.insert(0, para)
    content.notes.append(f"narrative mismatch planted: applications.new_received printed {wrong} in prose, {new} in the table")
    return True


def prose_para(text: str) -> Para:
    return Para(text)


def markdown(ctx: Ctx) -> bool:
    ctx.style.markdown = True
    return True


def crawler_text(ctx: Ctx) -> bool:
    """A crawler's copy of the web page: tags stripped, no separators (render.py flattens the body
    into one line, crawler.py). Blank cells print as ``—`` (a truly empty cell leaves no trace in
    run-together text, so no reader could place its neighbours) and counts without thousands
    separators; not with labels displaced from their values, an 8-column table 三 or a 16th value
    in table 四 (run together, those cannot be read back)."""
    t = ctx.style.table
    if ctx.style.displaced or t.app_8col or t.extra_value is not None:
        return False
    ctx.style.crawler = True
    t.thousands = False
    for cell, marker in list(ctx.content.blanks.items()):
        if marker in ("", "-", "－", "无"):
            ctx.content.blanks[cell] = "—"
    return True


# --- lines ------------------------------------------------------------------------------------------------
PAGE_NUMBERS = ["-{n}-", "- {n} -", "— {n} —", "第{n}页", "第 {n} 页 共 {total} 页", "{n}", "{n}/{total}"]


def page_breaks(ctx: Ctx) -> bool:
    """Page numbers between lines; inside tables a row label may split across the break and the
    table header may be repeated on the new page."""
    rng, lines = ctx.rng, ctx.lines
    cands = [i for i in range(1, len(lines)) if lines[i - 1].block is None or lines[i - 1].block != lines[i].block]
    in_table = [i for i in cands if lines[i - 1].table and lines[i - 1].table == lines[i].table]
    picks = rng.sample(cands, min(len(cands), rng.randint(1, 3)))
    if in_table:
        picks += rng.sample(in_table, min(len(in_table), rng.randint(1, 2)))
    picks = sorted(set(picks), reverse=True)
    first = rng.randint(1, 4)
    total = first + len(picks) + rng.randint(0, 3)
    page_fmt = rng.choice(PAGE_NUMBERS)  # one format per report
    running = rng.random() < 0.2
    for k, i in enumerate(picks):
        n = first + len(picks) - 1 - k
        new: list[Line] = []
        prev = lines[i - 1]
        if prev.table and prev.part == "data" and rng.random() < 0.6:
            tail = _split_label(prev, rng)
            if tail:
                new_cont = Line([O(prev.cont[0])] if prev.cont[0] else [], role="table", table=prev.table, part="data",
                                block=prev.block)  # fmt: skip
                new_cont.segs += [tail] + ([O(prev.cont[1])] if prev.cont[1] else [])
                new.append(new_cont)
        brk: list[Line] = [blank_line()] if rng.random() < 0.7 else []
        brk.append(Line([Seg(page_fmt.format(n=n, total=total), Label.NOISE)], role="noise"))
        if running:
            brk.append(Line([Seg(rng.choice(prose.RUNNING_HEADERS).format(organ=ctx.content.organ, year=ctx.content.year),
                                 Label.NOISE)], role="noise"))  # fmt: skip
        brk += [blank_line()] if rng.random() < 0.7 else []
        if ctx.style.layout == "space_aligned":
            brk.append(Line([O("\f")], role="blank"))
        if prev.table and lines[i].table == prev.table and prev.part != "header" and rng.random() < 0.5:
            brk += [Line([s.copy() for s in h.segs], role="table", table=h.table, part="header", block=-1)
                    for h in lines if h.table == prev.table and h.part == "header" and h.block != -1]  # fmt: skip
        lines[i:i] = brk + new
    return True


_WRAPPABLE_FIGURE = re.compile(r"[0-9][0-9.,]*[0-9]")


def wrapped_figures(ctx: Ctx) -> bool:
    """One or two figures of table 二 wrapped in a narrow cell, as a PDF of a Word table prints a
    long number: the head stays in the row (``167``), the rest goes on the next line under it
    (``94``; in its tab field in tab text). Gold keeps the whole figure; the assembly must not
    read the head as the value (it nulls and flags it)."""
    rng, lines = ctx.rng, ctx.lines
    cands = [(i, k) for i, ln in enumerate(lines) if ln.table == "active_disclosure" and ln.part == "data"
             for k, sg in enumerate(ln.segs)
             if sg.label == Label.CELL and sg.key and _WRAPPABLE_FIGURE.fullmatch(sg.text)]  # fmt: skip
    if not cands:
        return False
    applied = False
    picks = rng.sample(cands, min(len(cands), rng.randint(1, 2)))
    for i, k in sorted({p[0]: p for p in picks}.values(), reverse=True):  # one per line, bottom first
        line = lines[i]
        sg = line.segs[k]
        cuts = [c for c in range(1, len(sg.text)) if sg.text[c - 1].isdigit() and sg.text[c].isdigit()]
        if not cuts:
            continue
        cut = rng.choice(cuts)
        before = "".join(x.text for x in line.segs[:k])
        prefix = "\t" * before.count("\t") if "\t" in before else " " * width(before)
        line.segs[k] = sg.copy(text=sg.text[:cut])
        tail = Line(([O(prefix)] if prefix else []) + [Seg(sg.text[cut:], Label.CELL)], role="table",
                    table=line.table, part="data", block=line.block)  # fmt: skip
        lines.insert(i + 1, tail)
        applied = True
    return applied


def _split_label(line: Line, rng: random.Random) -> Seg | None:
    """Cut the line's last row-label segment in two; the tail (returned) goes after the page break."""
    idx = [k for k, s in enumerate(line.segs) if s.label == Label.ROW and len(s.text) >= 4]
    if not idx:
        return None
    k = idx[-1]
    seg = line.segs[k]
    cut = rng.randint(2, len(seg.text) - 2)
    head, tail = seg.text[:cut], seg.text[cut:]
    if head != head.strip() or tail != tail.strip():
        return None
    line.segs[k] = seg.copy(text=head)
    return seg.copy(text=tail)


@lru_cache(maxsize=1)
def simp_to_trad() -> dict[int, str]:
    """OpenCC's character table (simplified -> traditional, first candidate), 1:1 and round-trip safe:
    a character is mapped only if the pipeline's normalisation maps it back."""
    text = resources.files("opencc").joinpath("dictionary/STCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        simp, _, trads = line.partition("\t")
        if len(simp) != 1 or not trads:
            continue
        trad = trads.split(" ")[0]
        if len(trad) == 1 and trad != simp and normalize(trad) == simp:
            table[ord(simp)] = trad
    return table


def to_traditional(text: str) -> str:
    return text.translate(simp_to_trad())


def traditional(ctx: Ctx) -> bool:
    for line in ctx.lines:
        line.segs = [s.copy(text=to_traditional(s.text)) for s in line.segs]
    ctx.traditional = True
    return True


def garbage(ctx: Ctx) -> bool:
    """Conversion garbage ('错误！未指定文件名。') on lines of its own, often next to a table."""
    rng, lines = ctx.rng, ctx.lines
    for _ in range(rng.randint(1, 3)):
        near = [i for i in range(1, len(lines)) if lines[i].table or lines[i - 1].table]
        i = rng.choice(near) if near and rng.random() < 0.6 else rng.randint(1, len(lines))
        if 0 < i < len(lines) and lines[i - 1].block is not None and lines[i - 1].block == lines[i].block:
            continue  # never inside one table row
        lines.insert(i, Line([Seg(rng.choice(prose.GARBAGE), Label.NOISE)], role="noise"))
    return True


def web_junk(ctx: Ctx) -> bool:
    rng = ctx.rng
    ctx.lines.append(blank_line())
    for j in rng.sample(prose.WEB_JUNK, rng.randint(2, 6)):
        ctx.lines.append(Line([Seg(_fill_junk(j, ctx), Label.NOISE)], role="noise"))
    if rng.random() < 0.3:  # related-report links
        for y in rng.sample(range(2018, 2025), 2):
            ctx.lines.append(Line([Seg(f"{ctx.content.organ}{y}年政府信息公开工作年度报告", Label.NOISE)], role="noise"))
    return True


def truncated(ctx: Ctx) -> bool:
    """The text stops inside a table (sometimes mid-row, after a complete cell); the table keeps
    at least one printed cell, so it is still present."""
    rng, lines = ctx.rng, ctx.lines
    if ctx.style.crawler:
        return False  # a run cut mid-row reads like a whole row: no text could tell
    data = [i for i, ln in enumerate(lines) if ln.part in ("data", "values") and any(s.label == Label.CELL for s in ln.segs)]
    if not data:
        return False
    i = rng.choice(data)
    line = lines[i]
    first_of_table = not any(lines[j].table == line.table for j in data if j < i)
    cells = [k for k, s in enumerate(line.segs) if s.label == Label.CELL]
    keep: list[Seg] = []
    if len(cells) > 1 and (first_of_table or rng.random() < 0.6):
        keep = line.segs[: cells[rng.randint(1, len(cells) - 1)]]
        while keep and keep[-1].label is None and not keep[-1].text.strip():
            keep.pop()
    elif first_of_table:
        return False
    del lines[i:]
    if keep:
        lines.append(Line(keep, role="table", table=line.table, part=line.part, block=line.block))
    return True


# text-printed grids: (bar, left border, right border, ruling between rows, ruling after the header only)
_GRIDS: dict[str, tuple[str, str, str, str | None, bool]] = {
    "box": ("│", "│", "│", "├{}┤", False),
    "ascii": ("|", "| ", " |", "+{}+", False),
    "markdown": (" | ", "| ", " |", "|{}|", True),
    "fullwidth": ("｜", "", "", None, False),
}


def text_grid(ctx: Ctx) -> bool:
    """Tables printed as text grids (a converter's or a terminal's output): bars between cells and
    ruling lines (NOISE) between rows; the cells themselves stay as they were."""
    rng = ctx.rng
    style = rng.choice(list(_GRIDS))
    bar, left, right, rule, header_only = _GRIDS[style]
    fill = {"box": ("─", "┼"), "ascii": ("-", "+"), "markdown": ("---", "|")}.get(style, ("", ""))
    out: list[Line] = []
    applied = False
    seen_tables: set[str | None] = set()
    for line in ctx.lines:
        if line.role != "table" or not line.segs:
            out.append(line)
            continue
        segs = [s.copy(text=s.text.replace("\t", bar)) if s.label is None else s for s in line.segs]
        fields = 1 + sum(s.text.count(bar) for s in segs if s.label is None)
        out.append(Line([O(left), *segs, O(right)] if left or right else segs, role="table", table=line.table,
                        part=line.part, block=line.block, cont=line.cont))  # fmt: skip
        applied = True
        first = line.table not in seen_tables
        seen_tables.add(line.table)
        if rule and (not header_only or first):
            text = rule.format(fill[1].join([fill[0] * (3 if style == "markdown" else 6)] * fields))
            out.append(Line([Seg(text, Label.NOISE)], role="noise"))
    ctx.lines[:] = out
    return applied


# --- converter damage (issue 15): what PDF/Word/HTML/OCR tools leave in the text -----------------------
def _bold(text: str) -> str:
    """Faux bold: every glyph drawn twice (whitespace is not a glyph)."""
    return "".join(c if c.isspace() else c + c for c in text)


def faux_bold(ctx: Ctx) -> bool:
    """Bold text drawn twice by the converter: the section headings, one table's header and one
    bold row (label and figures: ``（（七七））总总计计  1133336644``)."""
    rng, lines = ctx.rng, ctx.lines
    tables = sorted({ln.table for ln in lines if ln.table})
    targets = [ln for ln in lines if ln.role == "heading"]
    if tables:
        t = rng.choice(tables)
        targets += [ln for ln in lines if ln.table == t and ln.part == "header"]
        targets += _row_lines(lines, rng)
    for ln in {id(x): x for x in targets}.values():
        ln.segs = [sg.copy(text=_bold(sg.text)) for sg in ln.segs]
    return bool(targets)


def _row_lines(lines: list[Line], rng: random.Random) -> list[Line]:
    """Every physical line of one printed table row (its label and all its figures, however the
    layout spreads them: one line, label above/below, one cell per line)."""
    rows = sorted({sg.key[1:3] for ln in lines for sg in ln.segs if sg.key and sg.key[0] == "cell" and sg.text})
    if not rows:
        return []
    t, row = rng.choice(rows)
    idx = [i for i, ln in enumerate(lines) if any(sg.key and sg.key[0] == "cell" and sg.key[1:3] == (t, row) for sg in ln.segs)]
    blocks = {lines[i].block for i in idx if lines[i].block is not None and lines[i].block >= 0}
    lo, hi = min(idx), max(idx)
    if lo > 0 and lines[lo - 1].table and not any(sg.label == Label.CELL for sg in lines[lo - 1].segs):
        lo -= 1  # the row's label on the line above its figures
    out = [lines[i] for i in range(lo, hi + 1)]
    return out + [ln for ln in lines if ln.block in blocks and ln.table]


def faux_bold_document(ctx: Ctx) -> bool:
    """The whole document drawn twice (every glyph of every line doubled)."""
    for ln in ctx.lines:
        ln.segs = [sg.copy(text=_bold(sg.text)) for sg in ln.segs]
    return True


def _bold_partly(text: str, single: Callable[[str], bool]) -> str:
    """Faux bold as some readings leave it: every glyph twice except those ``single`` accepts."""
    return "".join(c if c.isspace() or single(c) else c + c for c in text)


def faux_bold_partial(ctx: Ctx) -> bool:
    """Faux bold that a reading keeps for some glyphs only (``pdftotext -layout`` of a PDF whose bold
    is drawn twice): only the ideographs twice (``三三、本本  （一一）予予以以公公开开  0``), or every
    glyph but the digits (``（（三三））  1..属属于于  17``, ``--29``); the section headings and every
    line of one or more tables."""
    rng, lines = ctx.rng, ctx.lines
    if rng.random() < 0.7:
        single = lambda c: not ("\u3400" <= c <= "\u9fff")  # noqa: E731
    else:
        single = lambda c: c.isdigit()  # noqa: E731
    tables = sorted({ln.table for ln in lines if ln.table})
    chosen = set(rng.sample(tables, rng.randint(1, len(tables)))) if tables else set()
    targets = [ln for ln in lines if ln.role == "heading" or ln.table in chosen]
    for ln in targets:
        ln.segs = [sg.copy(text=_bold_partly(sg.text, single)) for sg in ln.segs]
    return bool(targets)


@lru_cache(maxsize=1)
def compat_forms() -> dict[str, list[str]]:
    """Ideograph -> its Kangxi radical / CJK compatibility forms (Unicode's NFKC decompositions,
    inverted: the characters a converter's font mapping puts in place of the ideograph)."""
    import unicodedata

    out: dict[str, list[str]] = {}
    for cp in [*range(0x2F00, 0x2FE0), *range(0xF900, 0xFB00)]:
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if len(n) == 1 and n != ch and "\u4e00" <= n <= "\u9fff":
            out.setdefault(n, []).append(ch)
    return out


def compat_ideographs(ctx: Ctx) -> bool:
    """Kangxi radicals / compatibility ideographs for ideographs in headings and table labels
    (``⼀、总体情况``, ``⾏政许可``), sometimes radical + ideograph (``⾏行``)."""
    rng, forms = ctx.rng, compat_forms()
    applied = False
    both = rng.random() < 0.3
    for ln in ctx.lines:
        if ln.role != "heading" and not ln.table and ln.role != "title":
            continue
        segs = []
        for sg in ln.segs:
            if sg.label in (Label.CELL, Label.UNIT):
                segs.append(sg)
                continue
            chars = []
            for c in sg.text:
                if c in forms and rng.random() < 0.7:
                    chars.append(rng.choice(forms[c]) + (c if both and rng.random() < 0.5 else ""))
                    applied = True
                else:
                    chars.append(c)
            segs.append(sg.copy(text="".join(chars)))
        ln.segs = segs
    return applied


INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def invisible_chars(ctx: Ctx) -> bool:
    """Zero-width space/joiners, word joiner, BOM, soft hyphen inside headings and labels and
    after figures."""
    rng = ctx.rng
    applied = False
    for ln in ctx.lines:
        if ln.role not in ("heading", "title") and not ln.table:
            continue
        segs: list[Seg] = []
        for sg in ln.segs:
            if sg.label == Label.CELL and sg.text and rng.random() < 0.3:
                segs += [sg, O(rng.choice(INVISIBLE))]
                applied = True
                continue
            if sg.label in (Label.SECTION, Label.ROW, Label.COL, Label.TITLE) and len(sg.text) >= 2 and rng.random() < 0.4:
                k = rng.randint(1, len(sg.text) - 1)
                segs.append(sg.copy(text=sg.text[:k] + rng.choice(INVISIBLE) + sg.text[k:]))
                applied = True
                continue
            segs.append(sg)
        ln.segs = segs
    return applied


_OCR_FOR = {"0": "Oo", "1": "lI"}


def ocr_digits(ctx: Ctx) -> bool:
    """OCR letters inside figures: ``O``/``o`` for 0, ``l``/``I`` for 1 (``3O75``, ``l29``) in
    figures of two or more digits (a lone ``O`` is no figure; it stays a digit)."""
    rng = ctx.rng
    applied = False
    for ln in ctx.lines:
        if not ln.table:
            continue
        segs = []
        for sg in ln.segs:
            t = sg.text
            if sg.label == Label.CELL and len(t) >= 2 and t.isdigit() and any(c in _OCR_FOR for c in t) and rng.random() < 0.5:
                pos = [k for k, c in enumerate(t) if c in _OCR_FOR]
                chars = list(t)
                for k in rng.sample(pos, rng.randint(1, len(pos))):
                    chars[k] = rng.choice(_OCR_FOR[t[k]])
                if any(c.isdigit() for c in chars):
                    sg = sg.copy(text="".join(chars))
                    applied = True
            segs.append(sg)
        ln.segs = segs
    return applied


def change_words(ctx: Ctx) -> bool:
    """本年增/减 printed in words or loosely signed: ``增加3`` / ``减少3``, ``减3``, ``- 3``, ``+4``, ``－2``."""
    rng, vals = ctx.rng, ctx.content.values["active_disclosure"]
    rows = [r for r, cols in vals.items() if "change" in cols]
    for r in rng.sample(rows, rng.randint(1, len(rows))):
        prev = vals[r]["prev_year_items"] or rng.randint(1, 80)
        vals[r]["prev_year_items"] = prev
        vals[r]["change"] = rng.choice([-1, 1]) * rng.randint(1, prev)
    ctx.style.table.change_words = rng.choice(["words", "short", "spaced", "signed", "fullwidth"])
    return ctx.content.tables_present["active_disclosure"]


STRAY_NULS = 3  # at most this many per report: ingest reads a few (``ingest.max_stray_nuls``), more is binary


def stray_nuls(ctx: Ctx) -> bool:
    """A converter's stray NUL characters (Word's text export, some PDF tools): one to
    ``STRAY_NULS`` inside headings and labels, never in a figure (a NUL there makes its cell
    ``inferred``: the NUL may stand for a lost digit)."""
    rng = ctx.rng
    places = [(ln, k) for ln in ctx.lines if ln.role in ("heading", "title") or ln.table
              for k, sg in enumerate(ln.segs)
              if sg.label in (Label.SECTION, Label.ROW, Label.COL, Label.TITLE) and len(sg.text) >= 2]
    if not places:
        return False
    for ln, k in rng.sample(places, min(len(places), rng.randint(1, STRAY_NULS))):
        sg = ln.segs[k]
        at = rng.randint(1, len(sg.text) - 1)
        ln.segs[k] = sg.copy(text=sg.text[:at] + "\x00" + sg.text[at:])
    return True


def crlf_line_ends(ctx: Ctx) -> bool:
    """The text saved with Windows line ends (``\\r\\n``): a reading (pdfplumber's, a copy) written
    to a file on Windows. Takes nothing from the random stream."""
    ctx.style.line_end = "\r\n"
    return True


def manual_line_breaks(ctx: Ctx) -> bool:
    """Word's manual line breaks (Shift+Enter) kept as U+000B VERTICAL TAB, or a NEL (U+0085) from
    an EBCDIC/Latin-1 round trip, in a text copied out of a document: some of its lines, a table's
    rows among them, end with one instead of a line feed."""
    rng, n = ctx.rng, len(ctx.lines)
    table_lines = [k for k in range(1, n) if ctx.lines[k].table]
    if n < 2:
        return False
    picks = set(rng.sample(range(1, n), max(1, n // 4))) | set(rng.sample(table_lines, len(table_lines) // 2))
    end = "\x85" if rng.random() < 0.2 else "\x0b"
    ctx.style.line_ends = {k: end for k in sorted(picks)}
    return True


def mojibake(ctx: Ctx) -> bool:
    """The saved text read with the wrong single-byte charset and saved again, one character per
    byte: UTF-8 read as Windows-1252 by an editor, or as ISO-8859-1 (``requests`` does so when a
    page's header names no charset), or a GB18030 page read as ISO-8859-1 (``æ¹–å—`` for 湖南)."""
    ctx.style.mojibake = ctx.rng.choice([("utf-8", "cp1252"), ("utf-8", "cp1252"), ("utf-8", "latin-1"), ("gb18030", "latin-1")])
    return True


def mojibake_lossy(ctx: Ctx) -> bool:
    """UTF-8 read as Windows-1252 by a strict reader and saved again: the five bytes Windows-1252
    leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D, all UTF-8 continuation bytes: every ``、`` holds
    0x81) dropped, or U+FFFD each (half the reports each); figures are ASCII and stay whole."""
    ctx.style.mojibake = ("utf-8", "cp1252")
    ctx.style.mojibake_lost = ctx.rng.choice(["drop", "replace"])
    return True


def _in_big5(ch: str) -> bool:
    try:
        ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def lossy_charset(ctx: Ctx) -> bool:
    """The text once passed through Big5 with errors="replace" (an old crawler or converter): every
    ideograph Big5 lacks (公, 开, 报, 总, 况, …) is "?", one character for one, in the whole text or,
    in half the reports, in the title, headings and table labels only (figures are ASCII and kept)."""
    labels_only = ctx.rng.random() < 0.5
    applied = False
    for ln in ctx.lines:
        if labels_only and ln.role not in ("heading", "title") and not ln.table:
            continue
        segs = []
        for sg in ln.segs:
            lossy = "".join(c if c.isascii() or _in_big5(c) else "?" for c in sg.text)
            applied |= lossy != sg.text
            segs.append(sg.copy(text=lossy) if lossy != sg.text else sg)
        ln.segs = segs
    return applied


def repeated_table(ctx: Ctx) -> bool:
    """Table 三 printed a second time under its heading, right after itself: the previous year's
    table for comparison under a caption naming that year (some figures differ), or the same table
    pasted again without a caption. The second copy's segments keep their labels but carry no gold
    key: the gold is the report year's table (the caption, or the copies agreeing, determines it).
    Not with crawler text (one line) or a text that stops inside the table."""
    rng, lines = ctx.rng, ctx.lines
    at = [i for i, ln in enumerate(lines) if ln.table == "applications"]
    if ctx.style.crawler or not at or not any(ln.role != "blank" for ln in lines[at[-1] + 1 :]):
        return False
    copy: list[Line] = []
    previous = rng.random() < 0.6
    changed = 0
    for ln in lines[at[0] : at[-1] + 1]:
        segs = []
        for sg in ln.segs:
            text = sg.text
            if previous and sg.label == Label.CELL and text.isascii() and text.isdigit() and rng.random() < 0.5:
                text, changed = str(int(text) + rng.randint(1, 20)), changed + 1
            segs.append(sg.copy(text=text, key=None, value=None))
        copy.append(replace(ln, segs=segs))
    head = [blank_line(), Line([O(f"{ctx.content.year - 1}年度情况对比：")], role="prose")] if previous else [blank_line()]
    ctx.lines[at[-1] + 1 : at[-1] + 1] = head + copy
    ctx.content.notes.append("table 三 printed again: " + (f"{ctx.content.year - 1}'s, captioned ({changed} figures differ)"
                                                         if previous else "the same table, no caption"))  # fmt: skip
    return True


KINDS_SPEC: list[Kind] = [
    Kind("tab_grid", "layout", 0.3, _layout("tab_grid"), doc="Word-style tab grid: merged cells leave stray tabs"),
    Kind("html_copy", "layout", 0.12, _layout("html_copy"), doc="browser copy of an HTML page: rowspans vanish, <br> splits labels, web head"),
    Kind("space_aligned", "layout", 0.15, _layout("space_aligned"), doc="pdftotext -layout: aligned columns, wrapped labels above/below"),
    Kind("one_cell_per_line", "layout", 0.12, _layout("one_cell_per_line"), doc="every cell on its own line, trailing spaces"),
    Kind("missing_section", "content", 0.05, missing_section, doc="section absent (or only its heading)"),
    Kind("missing_table", "content", 0.06, missing_table, doc="heading present, table absent"),
    Kind("displaced_labels", "content", 0.08, displaced_labels,
         layouts=("canonical", "tab_grid", "html_copy", "space_aligned"), doc="row labels as a list, then the value rows"),
    Kind("vertical_labels", "content", 0.1, vertical_labels,
         layouts=("canonical", "tab_grid", "space_aligned", "one_cell_per_line"), doc="group labels one character per line"),
    Kind("wrapped_labels", "content", 0.15, wrapped_labels, doc="long row labels broken across lines"),
    Kind("scrambled_headers", "content", 0.08, scrambled_headers, doc="column header order scrambled; values canonical"),
    Kind("spaced_headers", "content", 0.15, spaced_headers, doc="spaced-out header characters (自 然 人)"),
    Kind("split_headers", "content", 0.12, split_headers, doc="headers split mid-word (商业企/业)"),
    Kind("header_variants", "content", 0.2, header_variants, doc="wording variants and typos (本年度止件数, 规章 (市政府令))"),
    Kind("bracket_variants", "content", 0.2, bracket_variants, doc="(一) for （一）, 1、 for 1., 一. headings"),
    Kind("total_only_rows", "content", 0.15, total_only_rows, doc="rows with only 总计 filled"),
    Kind("blank_cells", "content", 0.2, blank_cells, doc="blanks mid-row: '', '-', '—', '无'"),
    Kind("money_units", "content", 0.25, money_units, doc="'966.0898 万元', '280万元', '251000元', 元 headers"),
    Kind("thousands_sep", "content", 0.1, thousands_sep, doc="1,234,567"),
    Kind("fullwidth_digits", "content", 0.06, fullwidth_digits, doc="１２３ in table cells"),
    Kind("negative_values", "content", 0.3, negative_values, formats=("2019",), doc="negative 本年增/减"),
    Kind("count_units", "content", 0.0, count_units, late=True,
         doc="counts with a measure word: '12件', '3个' (rate 0: the default model v0001 never saw it; "
             "it is the learning benchmark's kind, docs/benchmarks.md)"),
    Kind("part_headings", "content", 0.0, part_headings, late=True,
         doc="第一部分 总体情况 section headings (rate 0: opt-in, added after the default model)"),
    Kind("applications_8col", "content", 0.06, applications_8col, doc="extra 法人或其他组织 subtotal column"),
    Kind("extra_value", "content", 0.1, extra_value, doc="review row with 16 values for 15 columns"),
    Kind("arithmetic_errors", "content", 0.1, arithmetic_errors, doc="the report's own arithmetic is wrong (recorded)"),
    Kind("prose_numbers", "content", 0.25, prose_numbers, doc="numbers in prose near the tables"),
    Kind("prose_mismatch", "content", 0.0, prose_mismatch, late=True,
         doc="a prose figure (applications received) that disagrees with the table (rate 0: opt-in; narrative checks)"),
    Kind("markdown", "content", 0.25, markdown, doc="#, ##, ####, **bold** headings"),
    Kind("crawler_text", "content", 0.0, crawler_text, late=True, layouts=("canonical", "html_copy"),
         doc="crawler text: the body on one line, headings mid-line, table cells run together (rate 0: opt-in)"),
    Kind("page_breaks", "lines", 0.3, page_breaks, doc="page numbers, labels split across pages, repeated headers"),
    Kind("garbage", "lines", 0.05, garbage, doc="'错误！未指定文件名。' and similar conversion garbage"),
    Kind("web_junk", "lines", 0.1, web_junk, doc="web-page junk after the report (相關詞條 熱門詞條)"),
    Kind("traditional", "lines", 0.05, traditional, doc="traditional characters (1:1 OpenCC character map)"),
    Kind("truncated", "lines", 0.04, truncated, doc="the text stops mid-table"),
    Kind("text_grid", "lines", 0.0, text_grid, late=True, layouts=("canonical", "tab_grid", "html_copy"),
         doc="tables printed as text grids: │ / | / ｜ bars, ├──┼──┤ / +---+ / |---| rulings (rate 0: opt-in)"),
    Kind("faux_bold", "lines", 0.0, faux_bold, late=True,
         doc="faux bold drawn twice: headings, a table header and a bold row doubled (（（七七））总总计计  1133336644)"),
    Kind("faux_bold_document", "lines", 0.0, faux_bold_document, late=True,
         doc="the whole document drawn twice (every glyph doubled)"),
    Kind("compat_ideographs", "lines", 0.0, compat_ideographs, late=True,
         doc="Kangxi radicals / CJK compatibility ideographs in headings and labels (⼀、总体情况, ⾏政, ⾏行)"),
    Kind("invisible_chars", "lines", 0.0, invisible_chars, late=True,
         doc="zero-width space/joiners, word joiner, BOM, soft hyphen in headings, labels and after figures"),
    Kind("ocr_digits", "lines", 0.0, ocr_digits, late=True, doc="OCR letters in figures: 3O75, l29"),
    Kind("change_words", "content", 0.0, change_words, late=True, formats=("2019",),
         doc="本年增/减 in words or loosely signed: 增加3, 减少3, 减3, - 3, +4, －2"),
    Kind("wrapped_figures", "lines", 0.0, wrapped_figures, late=True,
         layouts=("canonical", "tab_grid", "html_copy", "space_aligned"),
         doc="a table 二 figure wrapped in a narrow cell: 167 / 94 on the next line under it (rate 0: opt-in)"),
    Kind("cell_units", "content", 0.0, cell_units, late=True,
         doc="table 二 figures with a unit or multiplier in the cell: 1.1千元, 1.2 亿元, 12.35万, 1.6794万, "
             "16794（件）, 16794 (件) (rate 0: opt-in)"),
    Kind("faux_bold_partial", "lines", 0.0, faux_bold_partial, late=True,
         doc="faux bold kept for some glyphs only: the ideographs twice (三三、本本  （一一）予予以以公公开开  0) or all "
             "but the digits (（（三三））  1..属属于于  17): headings and whole tables (rate 0: opt-in)"),
    Kind("stray_nuls", "lines", 0.0, stray_nuls, late=True,
         doc="one to three stray NUL characters a converter left in headings and labels (rate 0: opt-in; the "
             "view skips them, repair 'nul')"),
    Kind("manual_line_breaks", "lines", 0.0, manual_line_breaks, late=True,
         doc="a quarter of the lines and half a table's rows end with Word's manual line break (U+000B) or a "
             "NEL (U+0085) instead of a line feed (rate 0: opt-in; the view reads either as a line end)"),
    Kind("crlf_line_ends", "lines", 0.0, crlf_line_ends, late=True,
         doc="the text saved with Windows line ends (CRLF; rate 0: opt-in, the view reads it as its LF twin)"),
    Kind("lossy_charset", "lines", 0.0, lossy_charset, late=True,
         doc="ideographs an earlier Big5 conversion lacked are '?' (??市, 公?, 年度?告): the whole text or its "
             "headings and labels (rate 0: opt-in; the reading raises an ingest_warning)"),
    Kind("repeated_table", "lines", 0.0, repeated_table, late=True,
         doc="table 三 printed again under its heading: the previous year's, captioned, or the same one pasted "
             "twice (rate 0: opt-in; the gold is the report year's table)"),
    Kind("mojibake", "lines", 0.0, mojibake, late=True,
         doc="the whole text read as Windows-1252/ISO-8859-1 and saved again, one character per byte: UTF-8 or "
             "GB18030 bytes (æ¹–å— for 湖南; rate 0: opt-in; the view reads it back, offsets on the text as given)"),
    Kind("mojibake_lossy", "lines", 0.0, mojibake_lossy, late=True,
         doc="UTF-8 read as Windows-1252 by a strict reader and saved again: its five undefined bytes dropped or "
             "U+FFFD each (every 、 loses one; rate 0: opt-in; read back as UTF-8 with the lost characters)"),
]
KINDS: list[str] = [k.name for k in KINDS_SPEC]
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS_SPEC}
LAYOUT_KINDS: list[str] = [k.name for k in KINDS_SPEC if k.stage == "layout"]
DEFAULT_RATES: dict[str, float] = {k.name: k.rate for k in KINDS_SPEC}
