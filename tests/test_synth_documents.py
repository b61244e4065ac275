"""The generator's real documents (DOCX, HTML, PDFs) and the routes users read them by.

The routes that need system programs (LibreOffice, pdftotext) are skipped with the reason when
those are missing; ``.ci/run`` installs them.
"""
from __future__ import annotations

import importlib.util
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from govreport.extraction.evaluate import score_report
from govreport.extraction.labels import Label
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.documents import (
    make_document,
    render_docx,
    render_html,
    render_quirk_pdf,
    soffice_path,
)
from govreport.training.synth.routes import ROUTES, browser_copy, locate, missing_tools, read_routes

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) not installed: apt-get install libreoffice-writer-nogui")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(get_tagger("rules"))


def _all_right(extractor: Extractor, report) -> None:  # type: ignore[no-untyped-def]
    if report.document is not None:
        pred = extractor.extract_document(report.document).output
    else:
        pred = extractor.extract_text(report.text, filename="r.txt").output
    score = score_report(pred, report.gold, report.text, report.id)
    assert score.errors == [], (report.route, score.errors[:5])


def test_documents_are_deterministic_per_seed_and_index() -> None:
    a, b, other = make_document(7, 3), make_document(7, 3), make_document(7, 4)
    assert render_docx(a) == render_docx(b)
    assert render_html(a) == render_html(b)
    assert render_quirk_pdf(a) == render_quirk_pdf(b)
    assert render_html(a) != render_html(other)


def test_docx_tables_are_word_tables_with_merged_cells() -> None:
    xml = zipfile.ZipFile(io.BytesIO(render_docx(make_document(1, 2)))).read("word/document.xml").decode()
    assert xml.count("<w:tbl>") >= 3
    assert re.search(r'<w:gridSpan w:val="\d+"/>', xml)
    assert '<w:vMerge w:val="restart"/>' in xml and "<w:vMerge/>" in xml
    assert "<w:tblHeader/>" in xml  # header rows repeat on every page the table spans


def test_html_is_published_as_sites_do() -> None:
    page = render_html(make_document(1, 2))
    assert page.count("<table") >= 4  # the report sits inside a layout table
    assert re.search(r'rowspan="\d+"', page) and re.search(r'colspan="\d+"', page)
    assert "<br>" in page and "&nbsp;" in page


def test_browser_copy_follows_innertext_rules() -> None:
    page = ("<html><body><div>首页 &gt; 政务公开</div><table><tr><td><p>标题</p>"
            "<table><tr><td>规章</td><td>1&nbsp;</td></tr><tr><td>二、上年<br>结转</td><td>&nbsp;</td></tr></table>"
            "</td></tr></table></body></html>")  # fmt: skip
    assert browser_copy(page) == "首页 > 政务公开\n标题\n规章\t1\n二、上年\n结转\t\n"


def test_gold_spans_are_the_rendered_segments(extractor: Extractor) -> None:
    doc = make_document(2, 5)
    (report,) = read_routes([doc], ["docx"])
    assert report.unlocated == 0
    cells = [s for s in report.spans if s.label == Label.CELL]
    values = [seg.text for seg, _ in doc.labelled_items() if seg.label == Label.CELL]
    assert [report.text[s.start : s.end] for s in cells] == values
    assert sum(1 for v in report.gold["sections"].values() if v) == sum(1 for b in doc.blocks if b.kind == "heading")
    _all_right(extractor, report)


def test_routed_reports_are_training_records() -> None:
    from govreport.training.synth.dataset import to_record

    source = make_document(2, 7)
    (report,) = read_routes([source], ["html:browser-copy"])
    record = to_record(report.to_synth_report())
    assert record["text"] == report.text and record["transforms"][0] == "route:html:browser-copy"
    assert len(record["spans"]) == len(report.spans) > 100
    doc = report.to_document()
    titles = [doc.span_text(s) for s in doc.spans if s.label == Label.TITLE]
    assert titles == [source.content.title]


def test_locate_counts_what_it_cannot_find() -> None:
    doc = make_document(2, 6)
    items = doc.labelled_items()
    spans, sections, unlocated = locate(items, "nothing of the report")
    assert spans == [] and unlocated == len(items) and all(v is None for v in sections.values())


def test_wps_pdf_is_read_like_the_document(extractor: Extractor) -> None:
    for index in range(3):
        doc = make_document(11, index)
        (report,) = read_routes([doc], ["wps-pdf"])
        assert report.document is not None and report.document.meta["ingest_warnings"] == []
        _all_right(extractor, report)


@needs_soffice
def test_libreoffice_pdf_is_read_like_the_document(extractor: Extractor, tmp_path: Path) -> None:
    docs = [make_document(12, i) for i in range(2)]
    reports = read_routes(docs, ["lo-pdf"], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.pdf"))) == 2  # one conversion each, cached by content hash
    for report in reports:
        _all_right(extractor, report)


@needs_pdftotext
def test_pdftotext_routes_give_text_with_located_values() -> None:
    (raw, layout) = read_routes([make_document(13, 0)], ["wps-pdf:pdftotext", "wps-pdf:pdftotext-layout"])
    assert raw.route == "wps-pdf:pdftotext" and layout.route == "wps-pdf:pdftotext-layout"
    for report in (raw, layout):
        cells = [s for s in report.spans if s.label == Label.CELL]
        assert cells and all(re.fullmatch(r"\S+", report.text[s.start : s.end]) for s in cells)


def test_unknown_route_and_missing_programs_are_clear() -> None:
    with pytest.raises(ValueError, match="unknown route"):
        read_routes([make_document(1, 0)], ["fax"])
    assert set(missing_tools(ROUTES)) <= set(ROUTES)


needs_html2text = pytest.mark.skipif(importlib.util.find_spec("html2text") is None, reason="html2text not installed: pip install html2text")


@needs_soffice
def test_libreoffice_text_export_is_one_cell_per_line_and_read_like_the_document(extractor: Extractor, tmp_path: Path) -> None:
    docs = [make_document(14, i) for i in range(2)]
    reports = read_routes(docs, ["lo-text"], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.txt"))) == 2
    for report in reports:
        assert "\t" not in report.text  # a cell per line, row by row: the row label alone on its line
        assert re.search(r"\n[（(]七[）)]\s*总\s*计\n", report.text), report.text
        assert report.unlocated == 0
        _all_right(extractor, report)


@needs_html2text
def test_html2text_route_puts_the_layout_cell_on_one_line_and_is_read_like_the_document(extractor: Extractor) -> None:
    for index in range(2):
        (report,) = read_routes([make_document(15, index)], ["html:html2text"])
        title_line = next(ln for ln in report.text.split("\n") if "年度报告" in ln)
        assert title_line.startswith("**") and " | " in title_line  # the site's layout cell: one Markdown row
        _all_right(extractor, report)


def test_late_document_kinds_leave_other_documents_unchanged() -> None:
    for index in range(5):
        assert render_html(make_document(16, index, rates={"fullwidth_digits": 0.0})) == render_html(make_document(16, index))
    doc = make_document(16, 0, rates={"fullwidth_digits": 1.0})
    assert "fullwidth_digits" in doc.kinds and "fullwidth_digits" not in make_document(16, 0).kinds
    assert re.search(r"<td[^>]*>[０-９]+</td>", render_html(doc))


@needs_soffice
@needs_pdftotext
def test_fullwidth_digits_in_a_pdf_read_with_layout_like_the_document(extractor: Extractor, tmp_path: Path) -> None:
    docs = [make_document(17, i, rates={"fullwidth_digits": 1.0}) for i in range(2)]
    for report in read_routes(docs, ["lo-pdf:pdftotext-layout"], cache_dir=tmp_path):
        assert re.search(r"[０-９]", report.text)
        _all_right(extractor, report)
