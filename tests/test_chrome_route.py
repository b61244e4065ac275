"""The route of a browser's print to PDF: the generator's HTML page printed by Chromium, read by
govreport's PDF reader and by pdftotext -layout (skipped with a reason where Chromium is missing)."""
from __future__ import annotations

import shutil
from collections import Counter

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.documents import CHROME_PAGES, chrome_html, chrome_page_size, chromium_path, make_document
from govreport.training.synth.routes import ROUTES, missing_tools, read_routes

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="Chromium not installed: apt-get install chromium")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")


def test_the_page_size_is_drawn_from_a_stream_of_its_own():
    docs = [make_document(21, i) for i in range(12)]
    sizes = [chrome_page_size(d) for d in docs]
    assert sizes == [chrome_page_size(make_document(21, i)) for i in range(12)]  # deterministic
    assert set(Counter(sizes)) <= set(CHROME_PAGES) and len(set(sizes)) > 1
    page = chrome_html(docs[0])
    assert f"@page {{ size: {sizes[0]}; }}" in page and page.count("<table") >= 3


def test_the_routes_are_known_and_say_what_they_need():
    chrome = [r for r in ROUTES if r.startswith("chrome-pdf")]
    assert {"chrome-pdf", "chrome-pdf:pdftotext-layout"} <= set(chrome)
    if chromium_path() is None:
        assert all("Chromium" in missing_tools(chrome)[r] for r in chrome)


@needs_chromium
@needs_pdftotext
def test_a_browser_printed_report_is_read_with_no_unflagged_wrong_number(tmp_path):
    extractor = Extractor(get_tagger("rules"))
    reports = read_routes([make_document(5, 0)], ["chrome-pdf", "chrome-pdf:pdftotext-layout"], tmp_path)
    assert [r.route for r in reports] == ["chrome-pdf", "chrome-pdf:pdftotext-layout"]
    assert len(list(tmp_path.glob("chrome-*.pdf"))) == 1  # printed once, cached by the page's hash
    for r in reports:
        assert r.meta["page"] in CHROME_PAGES
        assert (r.document is not None) == (r.route == "chrome-pdf")  # govreport's own reader read the file
        out = extractor.extract_text(r.text).output if r.document is None else extractor.extract_document(r.document).output
        flagged = {c for x in out["review_reasons"] for c in x["cells"]}
        named = {t for x in out["review_reasons"] for t in x["tables"]}
        for table, rows in r.gold["tables"].items():
            if rows is None:
                continue
            assert out["tables"][table] is not None, (r.route, table)
            for row, cols in rows.items():
                for col, want in cols.items():
                    got = out["tables"][table][row][col]
                    status = out["cell_status"][table][row][col]
                    key = f"{table}.{row}.{col}"
                    ok = got == want or (got is not None and want is not None and abs(got - want) < 1e-6)
                    # a wrong number is never read silently: not read, or named, or its table under review
                    assert ok or status != "read" or key in flagged or table in named, (r.route, key, got, want)
