"""Line breaks other than ``\\n`` / ``\\r\\n`` (tester finding s5 B: classic Mac text with a lone ``\\r``
lost 33 cells): the normalised view reads them as ``\\n`` (repair ``line_end``), offsets stay the
original text's."""
from __future__ import annotations

from pathlib import Path

import pytest

from govreport.extraction.normalize import clean_view
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture(scope="module", params=["rules", "auto"])
def tagger(request) -> Extractor:
    return Extractor(get_tagger(request.param))


@pytest.mark.parametrize("brk", ["\r", "\u2028", "\u2029"])
def test_a_report_with_other_line_breaks_reads_like_the_one_with_newlines(tagger, brk):
    text = (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")
    other = text.replace("\r\n", "\n").replace("\n", brk)
    assert "\n" not in other
    want = tagger.extract_text(text.replace("\r\n", "\n")).output
    got = tagger.extract_text(other).output
    assert got["tables"] == want["tables"] and got["cell_status"] == want["cell_status"]
    assert got["needs_review"] is False and (got["year"], got["organ"]) == (want["year"], want["organ"])
    # provenance points at the printed figure in the text as given
    p = got["provenance"]["applications"]["new_received"]["natural_person"]
    assert other[p["start"] : p["end"]] == p["text"] == "13612"


def test_crlf_and_mixed_line_ends_keep_offsets():
    view = clean_view("a\r\nb\rc\u2028d\n")
    assert view.text == "a\r\nb\nc\nd\n" and len(view.text) == len(view.original)
    assert [r.kind for r in view.repairs] == ["line_end", "line_end"]
