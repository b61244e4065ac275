"""Line breaks other than ``\\n`` (tester finding s5 B: classic Mac text with a lone ``\\r``
lost 33 cells): the normalised view reads them as ``\\n`` (repair ``line_end``), offsets stay the
original text's."""
from __future__ import annotations

from pathlib import Path

import pytest

from govreport.extraction.normalize import clean_view
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import REVIEW_HEADER, REVIEW_VALUES, applications_2021, applications_tab, report

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture(scope="module", params=["rules", "auto"])
def tagger(request) -> Extractor:
    return Extractor(get_tagger(request.param))


@pytest.mark.parametrize("brk", ["\r", "\u2028", "\u2029", "\x0b", "\x85"])
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
    assert view.text == "a\nb\nc\nd\n"  # the CR of CRLF skipped, the other breaks read as \n
    assert [view.start_to_original(i) for i in range(len(view.text) + 1)] == [0, 2, 3, 4, 5, 6, 7, 8, 9]
    assert [r.kind for r in view.repairs] == ["line_end", "line_end"]


def test_a_crlf_text_reads_exactly_as_its_lf_twin(tagger):
    # tester finding s6 crlf: pdfplumber readings saved with CRLF line ends lost rows and review
    # reasons under the model (it never saw a CR); the view is now the LF text itself
    lf = report(applications=applications_tab(applications_2021()), review=REVIEW_HEADER + "\n" + "\t".join(map(str, REVIEW_VALUES)))
    crlf = lf.replace("\n", "\r\n")
    want, got = tagger.extract_text(lf).output, tagger.extract_text(crlf).output
    for key in ("tables", "cell_status", "checks", "needs_review", "year", "organ"):
        assert got[key] == want[key], key
    assert [(r["code"], r["cells"]) for r in got["review_reasons"]] == [
        (r["code"], r["cells"]) for r in want["review_reasons"]
    ]
    assert "table_not_found" in {r["code"] for r in got["review_reasons"]}  # table 二's heading without a table
    p = got["provenance"]["applications"]["total_handled"]["total"]
    assert crlf[p["start"] : p["end"]] == p["text"] == str(want["tables"]["applications"]["total_handled"]["total"])


def test_the_crlf_generator_kind_is_its_lf_twin_and_reads_like_it(tagger):
    from govreport.training.synth import make_report

    for i in range(3):
        twin, crlf = make_report(7, i, kinds=[]), make_report(7, i, kinds=["crlf_line_ends"])
        assert crlf.transforms == ["crlf_line_ends"] and crlf.text == twin.text.replace("\n", "\r\n")
        assert [crlf.text[s.start : s.end] for s in crlf.spans] == [twin.text[s.start : s.end] for s in twin.spans]
        want, got = tagger.extract_text(twin.text).output, tagger.extract_text(crlf.text).output
        assert (got["tables"], got["cell_status"], got["checks"]) == (want["tables"], want["cell_status"], want["checks"])


def test_the_stray_nuls_generator_kind_reads_like_its_twin(tagger):
    from govreport.training.synth import make_report

    for i in range(3):
        twin, nuls = make_report(7, i, kinds=[]), make_report(7, i, kinds=["stray_nuls"])
        assert nuls.transforms == ["stray_nuls"] and 1 <= nuls.text.count("\x00") <= 3
        assert nuls.text.replace("\x00", "") == twin.text
        want, got = tagger.extract_text(twin.text).output, tagger.extract_text(nuls.text).output
        assert (got["tables"], got["cell_status"], got["checks"]) == (want["tables"], want["cell_status"], want["checks"])
        # offsets refer to the text as given, NULs included; the warning counts them
        assert [s["title"] for s in got["sections"]] == [s["title"] for s in want["sections"]]
        for s in got["sections"]:
            assert nuls.text[s["start"] : s["end"]].replace("\x00", "").startswith(s["title"])
        assert any(w.startswith(f"{nuls.text.count(chr(0))} NUL character(s) ignored") for w in got["warnings"])


def test_the_manual_line_breaks_generator_kind_reads_like_its_twin(tagger):
    from govreport.extraction.evaluate import score_report
    from govreport.training.synth import make_report

    for i in range(4):
        twin, mlb = make_report(7, i, kinds=[]), make_report(7, i, kinds=["manual_line_breaks"])
        breaks = [c for c in mlb.text if c in "\x0b\x85"]
        assert mlb.transforms == ["manual_line_breaks"] and breaks and len(set(breaks)) == 1
        assert mlb.text.replace("\x0b", "\n").replace("\x85", "\n") == twin.text  # one line end for another
        assert [mlb.text[s.start : s.end] for s in mlb.spans] == [twin.text[s.start : s.end] for s in twin.spans]
        want, got = tagger.extract_text(twin.text).output, tagger.extract_text(mlb.text).output
        assert (got["tables"], got["cell_status"], got["checks"]) == (want["tables"], want["cell_status"], want["checks"])
        # the gold's section lines count line feeds, as the contract's scoring does
        assert score_report(got, mlb.gold, mlb.text, "mlb").sections_ok == 6
