"""How a printed figure of table 二 is read (tester findings A2–A5, A7 of session s5).

A figure printed with a unit, a multiplier or a note in its cell is read whole and exactly, or
flagged; a malformed one (a thousands group not of three digits, a fraction in a count column) is
never read as a number; a figure wrapped in a narrow cell is never read as its first piece; two
rows printed on one line are split at the second row's label. Every case is the smallest report
that showed it, run with the rule tagger and the default tagger (the model where one is installed).
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import Label
from govreport.extraction.pipeline import Extractor
from govreport.extraction.report import assemble_report
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.generator import make_report
from tests.reportkit import ACTIVE_2021, report

ACTIVE = "active_disclosure"

# table 二 of the 2019 format, one line per row: (label, values); a label None is a header line
ROWS_2019 = [
    ("第二十条第（一）项", None),
    ("信息内容", ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
    ("规章", ["7", "7", "7"]),
    ("规范性文件", ["0", "0", "3"]),
    ("第二十条第（五）项", None),
    ("信息内容", ["上一年度项目数量", "本年增/减", "处理决定数量"]),
    ("行政许可", ["40", "-29", "16794"]),
    ("其他对外管理服务事项", ["10", "-10", "5862"]),
    ("第二十条第（六）项", None),
    ("信息内容", ["上一年度项目数量", "本年增/减", "处理决定数量"]),
    ("行政处罚", ["7", "-2", "5191"]),
    ("行政强制", ["23", "-21", "0"]),
    ("第二十条第（八）项", None),
    ("信息内容", ["上一年度项目数量", "本年增/减"]),
    ("行政事业性收费", ["12", "-3"]),
    ("第二十条第（九）项", None),
    ("信息内容", ["采购项目数量", "采购总金额（单位：万元）"]),
    ("政府集中采购", ["59", "0"]),
]


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` display columns (a CJK character takes two)."""
    return text + " " * (width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def active_2019(layout: str, change: dict[tuple[str, int], str] | None = None, after: dict[str, str] | None = None) -> str:
    """Table 二 (2019 format) as ``tab`` text, ``layout`` text (pdftotext -layout: each value in
    a 13-column slot after a 24-column label, CJK two columns wide) or ``plumber`` text (one
    space between cells). ``change[(label, i)]`` replaces a printed value; ``after[label]`` is a
    line printed right below that row (placed by the caller in the layout's columns)."""
    change, after = change or {}, after or {}
    lines = []
    for label, cells in ROWS_2019:
        cells = [change.get((label, i), c) for i, c in enumerate(cells or [])]
        if layout == "tab":
            lines.append("\t".join([label, *cells]))
        elif layout == "plumber":
            lines.append(" ".join([label, *cells]))
        else:
            lines.append(pad(label, 24) + "".join(pad(c, 13) for c in cells).rstrip())
        if label in after:
            lines.append(after[label])
    return "\n".join(lines)


def extract(tagger: Extractor, active: str, year: int = 2019) -> dict:
    return tagger.extract_text(report(active, year=year)).output


@pytest.fixture(scope="module", params=["rules", "auto"])
def tagger(request) -> Extractor:
    return Extractor(get_tagger(request.param))


def cell(out: dict, row: str, col: str) -> tuple[object, str]:
    return out["tables"][ACTIVE][row][col], out["cell_status"][ACTIVE][row][col]


def flagged(out: dict, row: str, col: str) -> bool:
    return any(f"{ACTIVE}.{row}.{col}" in r["cells"] for r in out["review_reasons"])


# --- A2: a decimal amount with a unit, read whole (never the digits after the point) -------------

@pytest.mark.parametrize("printed,wanyuan", [
    ("1.1千元", 0.11), ("0.3千元", 0.03), ("3.3十万元", 33), ("4.5千元", 0.45), ("12.35亿元", 123500),
    ("1.2 亿元", 12000), ("1.2亿", 12000), ("2.5千万元", 2500), ("12.35万", 12.35),
])  # fmt: skip
@pytest.mark.parametrize("layout", ["tab", "layout"])
def test_an_amount_with_its_unit_in_the_cell_is_read_whole_and_converted_to_wanyuan(tagger, printed, wanyuan, layout):
    out = extract(tagger, active_2019(layout, {("政府集中采购", 1): printed}))
    value, status = cell(out, "centralized_procurement", "amount")
    assert status == "read" and value == pytest.approx(wanyuan, abs=1e-9)
    assert cell(out, "centralized_procurement", "projects") == (59, "read")


@pytest.mark.parametrize("printed,wanyuan", [("1.2亿", 12000), ("12.35万", 12.35), ("2.5千万元", 2500)])
def test_a_2021_fee_with_a_multiplier_is_read_whole(tagger, printed, wanyuan):
    active = ACTIVE_2021.format(r0=3, r1=5, r2=74, n0=564, n1=984, n2=4185, lic=11398, pen=6937, coe=166, fee=printed)
    out = extract(tagger, active, year=2022)
    value, status = cell(out, "administrative_fees", "amount")
    assert status == "read" and value == pytest.approx(wanyuan)


# --- A5: a count printed with a measure word, a multiplier or a note: read, never "blank" --------

@pytest.mark.parametrize("printed", ["16794（件）", "16794 (件)", "1.6794万", "16794件", "16794（含网上）"])
@pytest.mark.parametrize("layout", ["tab", "layout"])
def test_a_count_with_a_unit_or_note_in_its_cell_is_read_exactly(tagger, printed, layout):
    out = extract(tagger, active_2019(layout, {("行政许可", 2): printed}))
    assert cell(out, "administrative_license", "decisions") == (16794, "read")
    assert cell(out, "administrative_license", "change") == (-29, "read")


@pytest.mark.parametrize("printed", ["约16794", "16794余", "16794以上", "16794（含网上12件）"])
@pytest.mark.parametrize("layout", ["tab", "layout"])
def test_an_approximate_figure_or_a_note_with_figures_is_unreadable_never_blank(tagger, printed, layout):
    out = extract(tagger, active_2019(layout, {("行政许可", 2): printed}))
    assert cell(out, "administrative_license", "decisions") == (None, "unreadable")
    assert flagged(out, "administrative_license", "decisions")
    assert out["provenance"][ACTIVE]["administrative_license"]["decisions"]["text"] == printed
    assert cell(out, "administrative_license", "change") == (-29, "read")


def test_a_figure_in_brackets_is_unreadable_never_blank(tagger):
    """``(29)`` in 本年增/减: an accountant's minus, or a note? Not read, and not ``blank``."""
    out = extract(tagger, active_2019("tab", {("行政许可", 1): "(29)"}))
    assert cell(out, "administrative_license", "change") == (None, "unreadable")
    assert flagged(out, "administrative_license", "change")
    assert cell(out, "administrative_license", "decisions") == (16794, "read")


def test_a_count_times_wan_that_leaves_a_fraction_is_not_read(tagger):
    out = extract(tagger, active_2019("tab", {("行政许可", 2): "1.67945万"}))
    assert cell(out, "administrative_license", "decisions") == (None, "unreadable")
    assert any("not a whole number" in w for w in out["warnings"])


# --- A4: malformed numbers are not read as numbers --------------------------------------------

@pytest.mark.parametrize("row,col,index,printed", [
    ("政府集中采购", "amount", 1, "966,09"),      # a decimal comma (or a lost digit)
    ("行政许可", "decisions", 2, "16,79"),       # a thousands group of two digits
    ("行政许可", "decisions", 2, "1,6794"),      # of four
    ("行政许可", "decisions", 2, "16.794"),      # '.' as a thousands separator, or a fraction?
    ("行政强制", "decisions", 2, "37.2"),        # a fraction in a count column
])  # fmt: skip
def test_a_malformed_number_is_unreadable_and_flagged(tagger, row, col, index, printed):
    out = extract(tagger, active_2019("tab", {(row, index): printed}))
    key = {"政府集中采购": "centralized_procurement", "行政许可": "administrative_license",
           "行政强制": "administrative_coercion"}[row]  # fmt: skip
    assert cell(out, key, col) == (None, "unreadable")
    assert out["needs_review"] is True and flagged(out, key, col)


@pytest.mark.parametrize("printed,value", [("16,794", 16794), ("16794.0", 16794)])
def test_a_well_formed_count_is_read(tagger, printed, value):
    out = extract(tagger, active_2019("tab", {("行政许可", 2): printed}))
    assert cell(out, "administrative_license", "decisions") == (value, "read")


def test_a_well_grouped_amount_with_decimals_is_read(tagger):
    out = extract(tagger, active_2019("tab", {("政府集中采购", 1): "1,234.5"}))
    assert cell(out, "centralized_procurement", "amount") == (1234.5, "read")


# --- A3: a figure wrapped in a narrow cell is never read as its first piece -------------------

WRAP_CASES = [
    # (layout, row, index of the wrapped value, top piece, the line below)
    ("layout", "行政许可", 2, "167", " " * 51 + "94"),       # under its value (-layout)
    ("layout", "行政许可", 0, "4", " " * 24 + "0"),          # a two-digit figure as 4 / 0
    ("layout", "政府集中采购", 1, "966.0", " " * 38 + "898"),  # a decimal amount
    ("layout", "行政许可", 2, "167", " " * 53 + "94\n\f"),   # right beside it, before a page break
    ("plumber", "行政许可", 2, "167", "94"),                  # no positions: any of the row's values
    ("tab", "行政许可", 2, "167", "\t\t\t94"),                # tab text: in its field
]


@pytest.mark.parametrize("layout,row,index,top,below", WRAP_CASES)
def test_a_figure_wrapped_in_a_narrow_cell_is_null_and_flagged(tagger, layout, row, index, top, below):
    out = extract(tagger, active_2019(layout, {(row, index): top}, {row: below}))
    key = {"行政许可": "administrative_license", "政府集中采购": "centralized_procurement"}[row]
    col = {"administrative_license": ("prev_year_items", "change", "decisions"),
           "centralized_procurement": ("projects", "amount")}[key][index]  # fmt: skip
    assert cell(out, key, col) == (None, "unreadable")
    assert out["needs_review"] is True and flagged(out, key, col)
    assert any(below.strip() in w for w in out["warnings"])
    # the rows after it keep their values (the piece below is no row of its own)
    assert cell(out, "other_external_services", "decisions") == (5862, "read")


def test_a_page_number_below_a_row_is_not_taken_for_a_wrapped_figure(tagger):
    out = extract(tagger, active_2019("plumber", after={"政府集中采购": "3\n"}))
    assert cell(out, "centralized_procurement", "amount") == (0, "read")
    assert cell(out, "centralized_procurement", "projects") == (59, "read")


# --- A7: two rows on one line (pdfplumber) ---------------------------------------------------

def test_two_rows_on_one_line_are_split_at_the_second_row_label(tagger):
    active = active_2019("plumber").replace("行政处罚 7 -2 5191\n行政强制 23 -21 0", "行政处罚 7 -2 5191 行政强制 23 -21 0")
    out = extract(tagger, active)
    assert out["tables"][ACTIVE]["administrative_penalty"] == {"prev_year_items": 7, "change": -2, "decisions": 5191}
    assert out["tables"][ACTIVE]["administrative_coercion"] == {"prev_year_items": 23, "change": -21, "decisions": 0}


# --- the generator kind: every layout, both formats ---------------------------------------------

@pytest.mark.parametrize("index", range(8))
def test_generated_cell_units_reports_read_table_2_exactly(tagger, index):
    """``cell_units`` (training/synth): amounts in 千元/十万元/亿元/亿/万 and counts as 1.6794万 or
    16794（件） in their cells, over whatever layout the report draws: table 二 exactly as gold."""
    r = make_report(11, index, kinds=["cell_units"])
    out = tagger.extract_text(r.text).output
    gold = r.gold["tables"][ACTIVE]
    for row, cols in gold.items():
        for col, v in cols.items():
            got = out["tables"][ACTIVE][row][col]
            assert (got is None and v is None) or got == pytest.approx(v, abs=1e-9), (r.id, row, col, got, v)


@pytest.mark.parametrize("index", range(8))
def test_generated_wrapped_figures_are_read_whole_or_null_and_flagged(tagger, index):
    """``wrapped_figures`` (training/synth): a table 二 figure's last digits on the next line. Each
    cell is the printed figure, or null, ``unreadable`` and named in a review reason; never a piece."""
    r = make_report(12, index, kinds=["wrapped_figures"])
    assert "wrapped_figures" in r.transforms
    out = tagger.extract_text(r.text).output
    nulls = 0
    for row, cols in r.gold["tables"][ACTIVE].items():
        for col, v in cols.items():
            got, status = cell(out, row, col)
            if got is None and v is not None:
                nulls += 1
                assert status == "unreadable" and flagged(out, row, col), (r.id, row, col)
            else:
                assert got == pytest.approx(v, abs=1e-9), (r.id, row, col, got, v)
    assert nulls >= 1


# --- A2 at its root: a CELL span on part of a figure is never the value -----------------------

@pytest.mark.parametrize("printed,cut,value", [
    ("12.35", 3, 12.35),      # ``12.`` ROW + ``35`` CELL (the model's split at the point)
    ("1,234", 2, 1234),       # ``1,`` ROW + ``234`` CELL
    ("1.1千元", 2, 0.11),     # ``1.`` ROW + ``1千元`` …: the unit read with the whole figure
])  # fmt: skip
def test_a_cell_span_on_part_of_a_figure_reads_the_whole_figure(printed, cut, value):
    """Spans as a tagger may give them (the rule tagger's, with the amount's CELL cut in two)."""
    text = report(active_2019("tab", {("政府集中采购", 1): printed}), year=2019)
    doc = get_tagger("rules")(Document.from_text(text))
    start = text.index(printed, text.index("政府集中采购"))
    spans = [s for s in doc.spans if not (s.start < start + len(printed) and start < s.end)]
    spans += [Span(start, start + cut, Label.ROW, 0.9), Span(start + cut, start + len(printed), Label.CELL, 0.9)]
    out = assemble_report(replace(doc, spans=tuple(sorted(spans, key=lambda s: s.start))))
    assert out["tables"][ACTIVE]["centralized_procurement"]["amount"] == pytest.approx(value)
    assert out["cell_status"][ACTIVE]["centralized_procurement"]["amount"] == "read"
