"""The PDF reader on PDFs drawn the way producers draw them (``training/synth/pdf_quirks.py``).

Every test builds its PDF here, so what the file holds is visible; the expected reading is the
lines and cells that were drawn.
"""
from __future__ import annotations

import re

import pytest

from govreport.extraction.ingest import load_bytes
from govreport.extraction.ingest_pdf import Glyph, effective_size, page_text
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.pdf_quirks import QuirkCanvas, Quirks, has_embeddable_cjk_font

TITLE = "淮安市某区2023年政府信息公开工作年度报告"
PROSE = "本报告由淮安市某区人民政府办公室根据条例要求编制。"
HEADER = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
ROWS = [["规章", "20", "0", "100"], ["行政规范性文件", "2001", "0", "2001"], ["行政许可", "", "", "87"]]
COLUMNS = [60, 200, 300, 400]
QUIRKS = [
    Quirks(),
    Quirks(matrix_scale=0.05),  # WPS: nominal size 400 pt scaled by 0.05
    Quirks(per_glyph=True),
    Quirks(matrix_scale=0.05, per_glyph=True),
    Quirks(faux_bold=True),
    Quirks(matrix_scale=0.05, per_glyph=True, faux_bold=True),
]


def cells(text: str) -> list[list[str]]:
    """Lines of cells: runs of two or more spaces separate cells, blank lines are dropped."""
    return [re.split(r" {2,}", line.strip()) for line in text.split("\n") if line.strip()]


def draw_table(c: QuirkCanvas, top: float, rows: list[list[str]], size: float = 10.5, leading: float = 22,
               bold: bool = True) -> float:  # fmt: skip
    """Rows at ``COLUMNS``; every cell of the header row and every row label in bold (faux bold where
    the producer fakes it)."""
    for i, row in enumerate(rows):
        for j, (x, cell) in enumerate(zip(COLUMNS, row)):
            if cell:
                c.text(x, top - i * leading, cell, size, bold=bold and (i == 0 or j == 0))
    return top - len(rows) * leading


def report_page(c: QuirkCanvas) -> None:
    c.text(80, 780, TITLE, 20, bold=True)  # a 20 pt title: drawn at 400 pt x 0.05 under the WPS quirk
    c.text(60, 740, PROSE, 16)
    c.text(60, 710, "二、主动公开政府信息情况", 16, bold=True)
    draw_table(c, 680, [HEADER, *ROWS])


def read(data: bytes) -> tuple[str, list[str]]:
    doc = load_bytes(data, filename="r.pdf")
    return doc.text, doc.meta["ingest_warnings"]


@pytest.mark.parametrize("quirks", QUIRKS, ids=lambda q: q.name)
def test_producer_quirks_read_as_drawn(quirks: Quirks) -> None:
    c = QuirkCanvas(quirks)
    report_page(c)
    c.show_page()
    text, warnings = read(c.save())
    expected = [[TITLE], [PROSE], ["二、主动公开政府信息情况"], HEADER] + [[x for x in r if x] for r in ROWS]
    assert cells(text) == expected
    assert warnings == []


def test_scaled_matrix_glyph_size_is_the_drawn_size() -> None:
    # The bug of issue 12: a 400 pt nominal size made the line tolerance ~130 pt and merged five lines.
    assert effective_size(400.0, (0.05, 0.0, 0.0, 0.05), 21.0) == pytest.approx(20.0)
    assert effective_size(20.0, (1.0, 0.0, 0.0, 1.0), 21.0) == pytest.approx(20.0)
    # A size that contradicts the glyph box (a matrix PDFium did not report): the box decides.
    assert effective_size(400.0, (1.0, 0.0, 0.0, 1.0), 21.0) == pytest.approx(21.0)


def test_values_keep_their_columns_under_a_scaled_matrix() -> None:
    c = QuirkCanvas(Quirks(matrix_scale=0.05, per_glyph=True))
    report_page(c)
    c.show_page()
    text, _ = read(c.save())
    lines = text.split("\n")
    header = next(line for line in lines if line.lstrip().startswith("信息内容"))
    row = next(line for line in lines if line.lstrip().startswith("行政许可"))
    # The blank cells stay blank: 87 is printed under the last header, not under an earlier one.
    columns = [header.index(h) for h in HEADER[1:]]
    nearest = min(columns, key=lambda col: abs(row.index("87") - col))
    assert nearest == header.index("现行有效件数")
    assert not re.search(r"\d{6,}", text)


def test_table_over_a_page_break_with_repeated_header() -> None:
    c = QuirkCanvas(Quirks(matrix_scale=0.05, per_glyph=True))
    c.text(60, 780, "二、主动公开政府信息情况", 16)
    draw_table(c, 100, [HEADER, ROWS[0]])
    c.show_page()
    draw_table(c, 780, [HEADER, *ROWS[1:]])  # Word repeats the header row on the next page
    c.show_page()
    text, warnings = read(c.save())
    assert cells(text) == [["二、主动公开政府信息情况"], HEADER, ROWS[0], HEADER, ROWS[1], ["行政许可", "87"]]
    assert warnings == []


def test_table_read_end_to_end_over_a_page_break() -> None:
    c = QuirkCanvas(Quirks(matrix_scale=0.05, per_glyph=True, faux_bold=True))
    c.text(80, 780, TITLE, 20)
    c.text(60, 740, "二、主动公开政府信息情况", 16)
    c.text(60, 715, "（一）规章", 12)
    draw_table(c, 120, [HEADER, ROWS[0]])
    c.show_page()
    draw_table(c, 780, [HEADER, ROWS[1]])
    c.show_page()
    result = Extractor(get_tagger("rules")).extract_bytes(c.save(), filename="r.pdf").output
    disclosure = result["tables"]["active_disclosure"]
    assert disclosure["regulations"] == {"issued": 20, "repealed": 0, "in_force": 100}
    assert disclosure["normative_documents"] == {"issued": 2001, "repealed": 0, "in_force": 2001}


def test_vertical_header_text_stays_out_of_the_rows() -> None:
    c = QuirkCanvas(Quirks(matrix_scale=0.05, per_glyph=True))
    c.vertical(40, 700, "申请人情况", 10)  # a narrow merged header cell, one glyph per line
    c.text(120, 700, "自然人", 10)
    c.text(220, 700, "商业企业", 10)
    draw_table(c, 640, [["本年新收申请数量", "12", "3"], ["本年办结数量", "11", "2"]])
    c.show_page()
    text, warnings = read(c.save())
    got = cells(text)
    assert "".join(line[0] for line in got if len(line[0]) == 1) == "申请人情况"
    assert [line for line in got if len(line) > 1][-2:] == [["本年新收申请数量", "12", "3"], ["本年办结数量", "11", "2"]]
    assert warnings == []


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotated_page_reads_upright(rotate: int) -> None:
    c = QuirkCanvas(Quirks(matrix_scale=0.05))
    c.rotate_page(rotate)
    report_page(c)
    c.show_page()
    text, _ = read(c.save())
    assert cells(text)[3:] == [HEADER] + [[x for x in r if x] for r in ROWS]


def test_landscape_table_page() -> None:
    c = QuirkCanvas(Quirks(per_glyph=True), pagesize=(841.89, 595.27))
    wide = [60, 260, 420, 580, 740]
    for i, row in enumerate([["申请人情况", "自然人", "商业企业", "科研机构", "总计"], ["本年新收申请数量", "12", "3", "0", "15"]]):
        for x, cell in zip(wide, row):
            c.text(x, 500 - 24 * i, cell, 11)
    c.show_page()
    text, _ = read(c.save())
    assert cells(text) == [["申请人情况", "自然人", "商业企业", "科研机构", "总计"], ["本年新收申请数量", "12", "3", "0", "15"]]


@pytest.mark.skipif(not has_embeddable_cjk_font(), reason="needs an embeddable CJK TrueType font (Debian fonts-wqy-microhei)")
def test_font_without_tounicode_warns_naming_the_page() -> None:
    c = QuirkCanvas(Quirks(no_tounicode=True))
    c.text(60, 700, "Page one 2023", 12)  # a standard font would still be readable; this one is embedded
    c.show_page()
    c.text(60, 700, "规章 20 0 100", 12)
    c.show_page()
    text, warnings = read(c.save())
    assert any(w.startswith("page 2:") and "Unicode map" in w for w in warnings)
    assert "规章" not in text  # the text is missing, and the warning says so


# ---------------------------------------------------------------- the reader checks itself


def _row(text: str, baseline: float, x: float = 60.0, size: float = 10.0, step: float = 6.0) -> list[Glyph]:
    return [Glyph(ch, x + i * step, x + i * step + 5.5, baseline - 2, baseline + 8, baseline, size) for i, ch in enumerate(text)]


def test_merged_lines_are_regrouped_strictly() -> None:
    # Two rows 2.5 pt apart at a 10 pt size: within the usual tolerance (3 pt), so they merge into
    # one line of overlapping glyphs; the stricter grouping separates them without a warning.
    glyphs = _row("2001000", 500.0) + _row("1002001", 497.5)
    text, warnings = page_text_of(glyphs)
    assert text.split("\n") == ["2001000", "1002001"]
    assert warnings == []


def test_lines_that_stay_merged_are_reported_with_their_page() -> None:
    glyphs = _row("2001000", 500.0) + _row("1002001", 499.6, x=61.0)
    text, warnings = page_text_of(glyphs, number=3)
    assert len(warnings) == 1 and warnings[0].startswith("page 3: text lines may be merged")


def test_implausible_digit_run_is_reported() -> None:
    glyphs = _row("2" * 25, 500.0)
    _, warnings = page_text_of(glyphs, number=2)
    assert warnings and "run of 25 digits" in warnings[0]


def page_text_of(glyphs: list[Glyph], number: int = 1) -> tuple[str, list[str]]:
    from govreport.extraction.ingest_pdf import PageGlyphs

    return page_text(PageGlyphs(glyphs=glyphs), number)


def test_figures_in_narrow_cells_side_by_side_stay_two_figures() -> None:
    # A browser's print of a table with narrow cells: ``15823`` and ``2169`` in adjacent cells,
    # 0.24 of the glyph size apart (under a word gap); the digits of each figure touch. Read as one
    # figure, 158232169 came back as a value read in place.
    size, step = 10.0, 5.5
    first = _row("15823", 500.0, step=step)
    second = _row("2169", 500.0, x=first[-1].right + 0.24 * size, step=step)
    text, _ = page_text_of(first + second)
    assert text.split() == ["15823", "2169"]


def test_a_spaced_out_line_keeps_its_figures_whole() -> None:
    # tracking spreads every glyph alike (a title set with wide letter spacing): 0.2 of the size
    # between all of them, digits included, is no gap between two figures
    glyphs = _row("政府2023年报告", 500.0, step=7.5)  # glyphs 5.5 wide, 2.0 apart: 0.2 of 10 pt
    text, _ = page_text_of(glyphs)
    assert text == "政府2023年报告"
