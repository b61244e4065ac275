"""PDF text as users flatten it (issue 12): ``pdftotext -layout`` (a character grid, one column per
glyph, each page on its own grid) and pdfplumber's ``extract_text()`` (one space between words, no
column positions). Blank cells, blank printed rows, faux-bold gold spans. Smallest inputs, rule tagger."""
from __future__ import annotations

import pytest

from govreport.extraction.labels import Label
from govreport.extraction.layout import char_width, column_width, display_width
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.blankcells import place_short_rows
from govreport.extraction.tables.digitruns import application_identities
from govreport.extraction.templates import table_spec
from tests.reportkit import APP_LABELS_2021, COLS, applications_2021, fmt_num, report


def grid(*items: tuple[int, str]) -> str:
    """One ``pdftotext -layout`` line: each text at its column of the character grid (CJK one column)."""
    line = ""
    for x, s in sorted(items):
        assert x - len(line) >= (2 if line else 0), f"{s!r} would touch the text before it"
        line += " " * (x - len(line)) + s
    return line


LABEL_W, PITCH = 26, 6


def app_grid(t: dict, shift: int = 0, keys=None) -> list[str]:
    """Table 三 as pdftotext -layout prints it: short header, each row's label then its values
    left-aligned in their columns; blank cells print nothing; ``shift`` moves the page's grid."""
    col = [LABEL_W + shift + k * PITCH for k in range(7)]
    head = [
        grid((shift, "申请人情况"), (col[0], "自然人"), (col[1], "法人或其他组织"), (col[6], "总计")),
        grid(*[(col[k + 1], o) for k, o in enumerate(["商业企业", "科研机构", "社会公益", "法律服务", "其他"])]),
    ]
    rows = []
    for key, label in APP_LABELS_2021:
        if keys is not None and key not in keys:
            continue
        text = label.split("\t")[-1][:10]
        rows.append(grid((shift, text), *[(col[k], fmt_num(t[key][c])) for k, c in enumerate(COLS) if t[key][c] is not None]))
    return head + rows


def test_column_width_tells_the_character_grid_from_the_display_grid():
    t = applications_2021()
    chars = "\n".join(app_grid(t))
    assert column_width(chars) is char_width
    # the same table typed with CJK two columns wide lines up in the display grid
    typed = []
    for key, label in APP_LABELS_2021:
        text = label.split("\t")[-1][:10]
        line = text + " " * (2 * LABEL_W - display_width(text))
        for c in COLS:
            line += fmt_num(t[key][c]).ljust(PITCH)
        typed.append(line.rstrip())
    assert column_width("\n".join(typed)) is display_width
    assert column_width("规章 1 2 3") is display_width  # too few values to tell: the display grid


def test_blank_cells_under_row_labels_of_different_lengths_in_the_character_grid(extract):
    """Row labels of 4 to 10 CJK characters: in display columns the values' positions scatter; in
    the reader's grid they line up, and a blank cell is the column where nothing is printed."""
    t = applications_2021()
    for i, (key, _) in enumerate(APP_LABELS_2021):
        if i % 3 == 1:
            t[key][COLS[(i // 3) % 6]] = None
    out = extract(report(applications="\n".join(app_grid(t))))
    assert out["tables"]["applications"] == t


def _blank_cells_table() -> dict:
    t = applications_2021()
    for i, (key, _) in enumerate(APP_LABELS_2021):
        if i % 3 == 1:
            t[key][COLS[(i // 3) % 6]] = None
    return t


@pytest.mark.parametrize(
    "convert",
    [
        # a PDF that prints its figures as full-width glyphs: each still one column of the grid
        lambda s: s.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        # padding written as ideographic spaces, one U+3000 for two spaces (the gaps keep their width)
        lambda s: s.replace("  ", "\u3000"),
    ],
    ids=["fullwidth_digits", "ideographic_spaces"],
)
def test_character_grid_with_wide_characters_reads_as_with_ascii(extract, convert):
    """Full-width digits or U+3000 padding in a ``pdftotext -layout`` table: the values keep their
    columns (blank cells stay blank, no value slides into its neighbour's column)."""
    t = _blank_cells_table()
    lines = app_grid(t)
    assert column_width("\n".join(lines)) is char_width
    converted = "\n".join(convert(ln) for ln in lines)
    assert column_width(converted) is not display_width
    out = extract(report(applications=converted))
    assert out["tables"]["applications"] == t
    assert not [r for r in out["review_reasons"] if "applications" in r["tables"]]


@pytest.mark.parametrize("total", [0, 21])
def test_blank_mark_one_space_before_the_total_is_a_blank_cell(extract, total):
    """A Chromium PDF read with ``-layout``: 其他 printed ``－`` one space before 总计 (``－ 0``,
    ``－ 21`` beside another dash): a blank cell and the total, never one signed figure."""
    t = _blank_cells_table()
    row = t["carried_over"]
    row.update(research_institution=None, other_org=None)
    row["total"] = total
    if total == 0:
        row.update({c: 0 for c in COLS[:6] if row[c] is not None})
    lines = app_grid(t)
    k = next(i for i, ln in enumerate(lines) if ln.startswith("二、上年结转"))
    col = [LABEL_W + j * PITCH for j in range(7)]
    chars = list(lines[k])
    chars[col[2]] = "－"
    chars[col[6] - 2] = "－"
    lines[k] = "".join(chars)
    assert f"－ {total}" in lines[k]
    out = extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"]["carried_over"] == row
    assert out["cell_status"]["applications"]["carried_over"]["other_org"] == "blank"


ACTIVE_2019_GRID = """第二十条第（一）项
信息内容         本年新制作数量      本年新公开数量      对外公开总数量
规章           7            7            7
规范性文件        0            0            3
第二十条第（五）项
信息内容         上一年度项目数量     本年增/减        处理决定数量
{license}
其他对外管理服务事项   10            -10               5862
第二十条第（六）项
信息内容         上一年度项目数量      本年增/减             处理决定数量
行政处罚         7             -2                5191
行政强制         23            -21               0
第二十条第（八）项
信息内容         上一年度项目数量                        本年增/减
行政事业性收费      12                              -3
第二十条第（九）项
信息内容         采购项目数量        采购总金额（单位：万元）
政府集中采购       59            0"""


def test_a_lone_value_under_a_middle_column_of_the_reader_grid_is_flagged(extract):
    """A row of table 二 printing one value: under 处理决定数量 it is read; under 本年增/减 (a value
    centred in a cell merged over the row stands there too) it is placed there but flagged."""
    apps = "\n".join(app_grid(applications_2021()))
    last = ACTIVE_2019_GRID.format(license="行政许可" + " " * 39 + "16794")
    out = extract(report(active=last, applications=apps, year=2020))
    assert column_width(last + "\n" + apps) is char_width
    assert out["tables"]["active_disclosure"]["administrative_license"] == {
        "prev_year_items": None, "change": None, "decisions": 16794}
    assert not [r for r in out["review_reasons"] if "active_disclosure" in r["tables"]]
    middle = ACTIVE_2019_GRID.format(license="行政许可" + " " * 22 + "16794")
    out = extract(report(active=middle, applications=apps, year=2020))
    key = "active_disclosure.administrative_license.change"
    assert out["tables"]["active_disclosure"]["administrative_license"]["change"] == 16794
    assert out["cell_status"]["active_disclosure"]["administrative_license"]["change"] == "inferred"
    assert any(r["code"] == "ambiguous_cell" and key in r["cells"] for r in out["review_reasons"])


@pytest.mark.parametrize("fullwidth", [False, True])
def test_a_figure_wrapped_in_a_narrow_cell_of_table_three_is_null_not_its_first_digits(extract, fullwidth):
    """``1067`` printed ``106`` on the row's line and ``7`` under it beside the label's continuation
    (``请数量``), as a narrow Word cell wraps it (full-width digits wrap far more often): the value
    is null (unreadable, warned), never 106; the other values stay read."""
    t = applications_2021()
    for row in ("new_received", "carried_forward"):  # keeps 一+二 = (七)总计+四
        t[row]["natural_person"] += 1000
        t[row]["total"] += 1000
    lines = app_grid(t)
    k = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    figure = str(t["new_received"]["natural_person"])
    lines[k] = lines[k].replace(figure, figure[:3] + " ", 1)
    lines.insert(k + 1, grid((0, "请数量"), (LABEL_W, figure[3])))
    text = "\n".join(lines)
    if fullwidth:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    out = extract(report(applications=text))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert got["new_received"]["natural_person"] is None
    assert status["new_received"]["natural_person"] == "unreadable"
    assert any("wrapped in a narrow cell" in w and "new_received" in w for w in out["warnings"])
    expected = {r: dict(cols) for r, cols in t.items()}
    expected["new_received"]["natural_person"] = None
    assert got == expected


def test_column_positions_are_learnt_per_page(extract):
    """The second page sits eight columns further left: its rows that print only 总计 take the
    total column of their own page's grid, not the first page's (where it would be 其他)."""
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    second = keys[12:]
    for key in ("unable_needs_creation", "not_processed_duplicate"):
        t[key] = {c: None for c in COLS[:6]} | {"total": t[key]["total"]}
    page1 = app_grid(t, shift=8, keys=keys[:12])
    page2 = app_grid(t, shift=0, keys=second)
    page2[0] = "\f" + page2[0]
    out = extract(report(applications="\n".join(page1 + page2)))
    assert out["tables"]["applications"] == t


def test_single_spaced_row_keeps_its_blank_marks(extract):
    """pdfplumber: ``二、上年结转… 7 0 0 － 2 — 9``: the marks are cells of the run, not part of the label."""
    t = applications_2021()
    lines = []
    for key, label in APP_LABELS_2021:
        vals = [fmt_num(t[key][c]) for c in COLS]
        if key == "carried_over":
            vals[3], vals[5] = "－", "—"
            t[key]["social_welfare_org"] = t[key]["other_org"] = None
        lines.append(label.split("\t")[-1] + " " + " ".join(vals))
    out = extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"]["carried_over"] == t["carried_over"]
    assert out["cell_status"]["applications"]["carried_over"]["social_welfare_org"] == "blank"


def _cells(*values) -> list[Cell]:
    return [Cell(v, str(v), 0, 0, 0, 0, 0, 1.0) for v in values]


# rows placed already, under which total_handled's blank (4 1 0 0 0 5) can only be 商业企业
_FIXED_ROWS = {
    "new_received": [5, 0, 1, 0, 0, 0, 6],
    "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "carried_forward": [2, 0, 0, 0, 0, 0, 2],
}


def test_place_short_rows_by_the_arithmetic():
    keys = table_spec("2021", "applications").row_keys
    idents = application_identities(keys)
    # one row short of a value; the column identity 一+二 = (七)+四 puts the blank under 商业企业
    fixed = _FIXED_ROWS
    placed = place_short_rows(fixed, {"total_handled": _cells(4, 1, 0, 0, 0, 5)}, idents)
    p = placed["total_handled"]
    assert p.values == [4, None, 1, 0, 0, 0, 5] and p.unknown == []
    # zeros only: every placement fits, the cells they disagree on are unknown (null), none guessed
    placed = place_short_rows({}, {"granted": _cells(0, 0, 0)}, idents)
    assert placed["granted"].unknown and all(placed["granted"].values[c] is None for c in placed["granted"].unknown)
    # a lone number that is not 0 meets no placement's 总计: every placement stays (its own identity
    # chooses nothing), and with no column identity to place it, every cell is unknown
    lone = place_short_rows({}, {"granted": _cells(7)}, idents)["granted"]
    assert lone.unknown == list(range(7)) and lone.values == [None] * 7 and len(lone.candidates) == 7


def _granted_research_unprinted() -> tuple[dict, str]:
    """Table 三 (2021) whose granted row's research cell is a zero the report leaves unprinted, the
    arithmetic kept; and that cell's column."""
    t = applications_2021()
    gone = "research_institution"
    old = t["granted"][gone]
    for row in ("granted", "total_handled", "new_received"):
        t[row][gone] -= old
        t[row]["total"] -= old
    return t, gone


def test_single_spaced_row_with_an_empty_cell(extract):
    """No positions: an empty cell (a zero left unprinted) leaves six values under seven columns;
    the report's arithmetic places them when it decides, and where it does not (zeros that could
    sit in either cell) the cells are null and warned about, never shifted."""
    t, gone = _granted_research_unprinted()
    assert t["new_received"][gone] >= 0 and 0 not in [t["granted"][c] for c in COLS if c != gone]
    lines = []
    for key, label in APP_LABELS_2021:
        vals = [fmt_num(t[key][c]) for c in COLS if not (key == "granted" and c == gone)]
        lines.append(label.split("\t")[-1] + " " + " ".join(vals))
    t["granted"][gone] = None
    out = extract(report(applications="\n".join(lines)))
    assert out["tables"]["applications"]["granted"] == t["granted"]
    assert any("granted" in w and "arithmetic" in w for w in out["warnings"])

    # zeros around the empty cell: which zero is unprinted cannot be told
    lines[[k for k, _ in APP_LABELS_2021].index("denied_state_secret")] = "1.属于国家秘密 0 0 0 0 0 0"
    out = extract(report(applications="\n".join(lines)))
    got = out["tables"]["applications"]["denied_state_secret"]
    status = out["cell_status"]["applications"]["denied_state_secret"]
    assert all(v is None for v in got.values())
    assert all(st == "unreadable" for st in status.values())
    assert any("denied_state_secret.natural_person" in w for w in out["warnings"])


def test_printed_row_label_without_values_is_blank_not_missing(extract):
    active = (
        "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 1 2 3\n行政规范性文件 4 5 6\n"
        "第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 7\n"
        "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚\n行政强制 9\n"
        "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费\n"
    )
    out = extract(report(active=active))
    t = out["tables"]["active_disclosure"]
    status = out["cell_status"]["active_disclosure"]
    assert t["administrative_coercion"]["decisions"] == 9 and t["administrative_license"]["decisions"] == 7
    assert status["administrative_penalty"]["decisions"] == "blank"
    assert status["administrative_fees"]["amount"] == "blank"
    assert not any("rows not found" in w for w in out["warnings"])


def test_gold_spans_are_found_in_faux_bold_text_read_doubled():
    from govreport.training.synth.ir import Seg
    from govreport.training.synth.routes import locate

    text = "标题\n一一、、总总体体情情况况\n正文 11 件\n"
    items = [(Seg("一、总体情况", Label.SECTION, ("section", "1")), ""), (Seg("1", Label.CELL), "")]
    spans, sections, unlocated = locate(items, text)
    assert sections["1"] == 2
    # the lone ``11`` on a line that is not drawn twice is eleven, not a bold 1
    assert unlocated == 1 and [text[s.start : s.end] for s in spans] == ["一一、、总总体体情情况况"]


def test_digits_wrapped_in_a_narrow_cell_are_flagged_not_read(extract):
    """A PDF of a Word table wraps a long figure in its narrow cell (``16512`` / ``07``): the first
    part is not the value (null, unreadable, warned) and the second is no row of its own."""
    active = "\n".join([
        "第二十条第（一）项",
        "信息内容      本年制发件数  本年废止件数  现行有效件数",
        "规章          1             2             3",
        "行政规范性文件  4           5             6",
        "第二十条第（五）项",
        "信息内容      本年处理决定数量",
        "行政许可      16512",
        "              07",
        "第二十条第（六）项",
        "信息内容      本年处理决定数量",
        "行政处罚      8",
        "行政强制      9",
        "第二十条第（八）项",
        "信息内容      本年收费金额（单位：万元）",
        "行政事业性收费  3",
    ])  # fmt: skip
    out = extract(report(active=active))
    t = out["tables"]["active_disclosure"]
    assert t["administrative_license"]["decisions"] is None
    assert out["cell_status"]["active_disclosure"]["administrative_license"]["decisions"] == "unreadable"
    assert t["administrative_penalty"]["decisions"] == 8 and t["administrative_coercion"]["decisions"] == 9
    assert any("'16512'" in w and "'07'" in w for w in out["warnings"])


def test_amount_unit_in_a_header_run_together_with_others(extract):
    """pdfplumber: ``信息内容 采购项目数量 采购总金额（单位：元）`` is one piece; the amount is in 元."""
    active = "\n".join([
        "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量", "规章 1 2 3", "规范性文件 4 5 6",
        "第二十条第（九）项", "信息内容 采购项目数量 采购总金额（单位：元）", "政府集中采购 1 852000",
    ])  # fmt: skip
    out = extract(report(active=active, year=2019))
    assert out["tables"]["active_disclosure"]["centralized_procurement"]["amount"] == 85.2


def test_short_row_of_table_two_without_positions_is_null(extract):
    """One space between values: ``规章 7 46`` under three columns does not say which is empty."""
    active = "\n".join([
        "第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 7 46", "行政规范性文件 4 5 6",
    ])  # fmt: skip
    out = extract(report(active=active))
    t = out["tables"]["active_disclosure"]
    assert t["regulations"] == {"issued": None, "repealed": None, "in_force": None}
    assert set(out["cell_status"]["active_disclosure"]["regulations"].values()) == {"unreadable"}
    assert t["normative_documents"] == {"issued": 4, "repealed": 5, "in_force": 6}
    assert any("regulations" in w and "no column positions" in w for w in out["warnings"])


def test_routes_only_replaces_just_its_section(tmp_path, monkeypatch):
    """``--routes-only`` rewrites the routes' section of the report and keeps the sections after it."""
    from govreport.training.synth import realism

    fake = {"n": 1, "seed": 1, "seconds": 0.0, "skipped": {}, "order": ["docx"],
            "routes": {"docx": {"cell_accuracy": 0.5, "exact_reports": 0.0, "table_presence": 1.0,
                                "section_accuracy": 1.0, "wrong_numbers": 3, "unlocated_per_report": 0.0}}}  # fmt: skip
    monkeypatch.setattr(realism, "run_routes", lambda *a, **k: fake)
    out = tmp_path / "realism.md"
    out.write_text(f"# Realism\n\nbefore\n\n{realism.ROUTES_HEADING} (old)\n\nold table\n\n## Later\n\nafter\n", encoding="utf-8")
    assert realism.main(["--routes-only", "--routes", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "before" in text and "## Later\n\nafter" in text and "old table" not in text
    assert "| cells | 50.00 |" in text and "| wrong numbers | 3 |" in text


def test_review_row_without_positions_is_placed_by_the_groups_totals(extract):
    """Table 四 one space apart, three values missing: the first two groups meet their totals only
    where they are printed (inferred); the last group's two zeros could be in any of its five
    cells: null, unreadable, warned."""
    from tests.reportkit import REVIEW_HEADER

    out = extract(report(review=REVIEW_HEADER + "\n1 2 1 3 7 1 2 1 0 4 0 0"))
    t, st = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert t["administrative_review"] == {"upheld": 1, "corrected": 2, "other": 1, "pending": 3, "total": 7}
    assert t["litigation_direct"] == {"upheld": 1, "corrected": 2, "other": 1, "pending": 0, "total": 4}
    assert st["administrative_review"]["upheld"] == "inferred"
    assert all(v is None for v in t["litigation_after_review"].values())
    assert set(st["litigation_after_review"].values()) == {"unreadable"}
    assert any("groups' totals" in w and "litigation_after_review.total" in w for w in out["warnings"])


def _single_spaced(t: dict, skip: dict[str, set[str]], sub_after_other: bool = False) -> str:
    """Table 三 as pdfplumber writes it: one space between values, an empty cell leaves nothing;
    ``skip``: per row the columns printed empty; a 小计 column after 其他 when asked."""
    head = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况", "自然人 法人或其他组织 总计",
            "商业企业 科研机构 社会公益组织 法律服务机构 其他" + (" 小计" if sub_after_other else "")]  # fmt: skip
    lines = []
    for key, label in APP_LABELS_2021:
        cols = COLS[:6] + (["subtotal"] if sub_after_other else []) + ["total"]
        vals = []
        for c in cols:
            if c in skip.get(key, set()):
                continue
            vals.append(str(sum(t[key][x] or 0 for x in COLS[1:6])) if c == "subtotal" else fmt_num(t[key][c]))
        lines.append(label.split("\t")[-1] + " " + " ".join(vals))
    return "\n".join(head + lines)


def test_single_spaced_eight_columns_row_placed_by_the_arithmetic(extract):
    """pdfplumber, table 三 with a 小计 column after 其他: a row short of one value is placed by the
    arithmetic under eight columns (小计 = the five organisations too), not from the left."""
    t, gone = _granted_research_unprinted()
    text = _single_spaced(t, {"granted": {gone}}, sub_after_other=True)
    out = extract(report(applications=text))
    got = out["tables"]["applications"]
    assert got["granted"] == {**t["granted"], gone: None}
    assert got["total_handled"] == t["total_handled"]
    assert out["cell_status"]["applications"]["granted"]["natural_person"] == "inferred"
    assert any("granted" in w and "arithmetic" in w for w in out["warnings"])


def test_single_spaced_row_that_prints_only_its_total(extract):
    """pdfplumber: ``（一）予以公开 96`` under seven columns. Where the column identities hold only
    with it under 总计 (the table's sums leave the row's applicants out) it is 总计; where they
    cannot hold at all, a lone number could be in any column: null, unreadable, warned."""
    t = applications_2021()
    for c in COLS[:6]:  # the column sums without the granted row's applicant values
        t["total_handled"][c] -= t["granted"][c]
        t["new_received"][c] -= t["granted"][c]
    out = extract(report(applications=_single_spaced(t, {"granted": set(COLS[:6])})))
    got = out["tables"]["applications"]["granted"]
    assert got == {**{c: None for c in COLS[:6]}, "total": t["granted"]["total"]}
    t = applications_2021()  # the applicants' values are in the column sums: nothing places the 总计
    out = extract(report(applications=_single_spaced(t, {"granted": set(COLS[:6])})))
    got = out["tables"]["applications"]["granted"]
    assert all(v is None for v in got.values())
    assert set(out["cell_status"]["applications"]["granted"].values()) == {"unreadable"}
    assert any("granted.total" in w for w in out["warnings"])


def test_single_spaced_header_run_into_the_caption_still_names_the_subtotal(extract):
    """pdfplumber writes a narrow caption cell beside the header one space apart (``和，等于第三项加
    第四项 小计 商业企 科研机 …``): the header is not tagged word by word, but its words still say
    that a 小计 column is printed (before 商业企业), so the rows are read under eight columns."""
    t = applications_2021()
    gone = "research_institution"
    keys = [k for k, _ in APP_LABELS_2021]
    zero_rows = keys[keys.index("partially_granted") : keys.index("total_handled")]
    for row in zero_rows:  # most rows zeros with one left unprinted: more short rows than full ones
        t[row] = {c: 0 for c in COLS}
    t["granted"][gone] = 0
    t["granted"]["total"] = sum(t["granted"][c] for c in COLS[:6])
    t["total_handled"] = dict(t["granted"])
    t["new_received"] = {c: t["total_handled"][c] + t["carried_forward"][c] - t["carried_over"][c] for c in COLS}
    head = ["（本列数据的勾稽关系 申请人情况", "为：第一项加第二项之 自然人 法人或其他组织 总计",
            "和，等于第三项加第四项 小计 商业企 科研机 社会公 法律服 其他", "之和） 业 构 益组织 务机构"]  # fmt: skip
    lines = []
    for key, label in APP_LABELS_2021:
        vals = [fmt_num(t[key]["natural_person"]), str(sum(t[key][c] for c in COLS[1:6]))]
        vals += [fmt_num(t[key][c]) for c in COLS[1:] if not (key in ("granted", *zero_rows) and c == gone)]
        lines.append(label.split("\t")[-1] + " " + " ".join(vals))
    out = extract(report(applications="\n".join(head + lines)))
    got = out["tables"]["applications"]
    assert got["granted"] == {**t["granted"], gone: None}
    assert got["new_received"] == t["new_received"] and got["total_handled"] == t["total_handled"]
    assert any("subtotal column (slot 2 of 8)" in w for w in out["warnings"])


def test_single_spaced_amount_with_its_unit_is_the_amount(extract):
    """``政府集中采购 0万元`` under 采购项目数量 / 采购总金额: the figure printed with 万元 can only be
    the amount, so the empty cell is the number of projects (before: the 0 was read as projects)."""
    active = "\n".join([
        "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量", "规章 1 2 3", "规范性文件 4 5 6",
        "第二十条第（九）项", "信息内容 采购项目数量 采购总金额", "政府集中采购 12万元",
    ])  # fmt: skip
    out = extract(report(active=active, year=2020))  # the 2019 format's 政府集中采购
    t = out["tables"]["active_disclosure"]
    assert t["centralized_procurement"] == {"projects": None, "amount": 12}
    assert out["cell_status"]["active_disclosure"]["centralized_procurement"]["projects"] == "blank"


def test_review_row_nine_values_placed_by_the_groups_totals(extract):
    """Table 四 one space apart with six cells empty (not only three): every order-keeping
    placement is tried; 总计 of the first and last group are determined, the rest null."""
    from tests.reportkit import REVIEW_HEADER

    out = extract(report(review=REVIEW_HEADER + "\n3 3 6 － 无 9 1 1 11"))
    t = out["tables"]["review_litigation"]
    assert t["administrative_review"]["total"] == 6 and t["litigation_after_review"]["total"] == 11
    assert t["administrative_review"]["upheld"] is None and t["litigation_after_review"]["upheld"] is None
    assert any("placed by the groups' totals" in w for w in out["warnings"])


def test_review_table_printed_with_every_cell_empty_is_present(extract):
    """Table 四's header in two-character pieces over two lines, faux bold, and no values (every
    cell empty): the table is there with every cell null, not reported absent."""
    review = "\n".join([
        "行行政政复复议议 行行政政诉诉讼讼", "未未经经复复议议直直接接起起诉诉 复复议议后后起起诉诉",
        "结结果果 结结果果 其其他他 尚尚未未 总总计计 结结果果 结结果果 其其他他 尚尚未未 总总计计",
        "维维持持 纠纠正正 结结果果 审审结结 维维持持 纠纠正正 结结果果 审审结结",
    ])  # fmt: skip
    out = extract(report(review=review))
    t = out["tables"]["review_litigation"]
    assert t is not None and all(v is None for g in t.values() for v in g.values())


def test_place_short_rows_past_the_work_limit_decides_each_row_alone(monkeypatch):
    """The joint pass over the short rows checks the placements it would try before each row
    (``WORK_LIMIT``): past it, each row keeps its own placements, as with no column identity."""
    from govreport.extraction.tables import blankcells

    keys = table_spec("2021", "applications").row_keys
    idents = application_identities(keys)
    fixed = _FIXED_ROWS
    short = {"total_handled": _cells(4, 1, 0, 0, 0, 5)}
    assert place_short_rows(fixed, short, idents)["total_handled"].unknown == []
    monkeypatch.setattr(blankcells, "WORK_LIMIT", 1)
    alone = place_short_rows(fixed, short, idents)["total_handled"]
    # the blank is no longer placed by 一+二 = (七)+四: the zeros' placements disagree, those cells null
    assert alone.unknown and all(alone.values[c] is None for c in alone.unknown)
