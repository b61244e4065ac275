"""Mojibake (Chinese text read as ISO-8859-1/Windows-1252 and saved again) read back by the
normalised view: the Document keeps the text as given, so every offset refers to the input
(``extraction/mojibakeview.py``); the generator kind ``mojibake`` shows it at scale."""
from __future__ import annotations

import pytest

from govreport.extraction.mojibake import char_starts, single_byte_origin
from govreport.extraction.mojibakeview import read_back_view
from govreport.extraction.textview import view_document
from govreport.extraction.document import Document


def _mojibake(text: str, encoding: str = "utf-8", single: str = "cp1252") -> str:
    return "".join(bytes([b]).decode(single, "ignore") or chr(b) for b in text.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "cp950"])
def test_char_starts_gives_each_characters_first_byte(encoding: str) -> None:
    text = "臺北a 1\n報" if encoding == "cp950" else "湖南a 1\n㐀报"  # 㐀: four bytes in GB18030
    data = text.encode(encoding)
    starts = char_starts(data, text, encoding)
    ends = starts[1:] + [len(data)]
    assert [data[a:b].decode(encoding) for a, b in zip(starts, ends)] == list(text)
    with pytest.raises(ValueError):
        char_starts(data, text + "x", encoding)


def test_the_read_back_view_maps_each_ideograph_to_its_first_byte() -> None:
    # each ideograph is three bytes in UTF-8, three characters of the mojibake; a zero-width space
    # (three bytes too) is skipped by the view, its repair on the input's offsets
    text = "湖南省民政厅\u200b\t12\n"
    broken = _mojibake(text)
    assert broken.startswith("æ¹–å\x8d—") and broken.endswith("â€‹\t12\n") and len(broken) == 25
    view = read_back_view(broken)
    assert view is not None and view.original == broken and view.text == "湖南省民政厅\t12\n"
    assert list(view.index) == [0, 3, 6, 9, 12, 15, 21, 22, 23, 24, 25]
    assert view.start_to_original(1) == 3 and view.end_to_original(2) == 6  # 南 ends after its 3 bytes
    assert view.to_view(4) == 2  # a byte inside 南: the next ideograph
    assert [(r.start, r.end, r.kind, r.original) for r in view.repairs] == [(18, 21, "invisible", "â€‹")]
    assert read_back_view("湖南\t12\n") is None and read_back_view("Café crème brûlée déjà vu élève") is None


def test_spans_given_on_the_input_are_carried_into_the_read_back() -> None:
    from govreport.extraction.labels import Label
    from govreport.extraction.document import Span

    text = "一、总体情况\n行政许可\t12\n"  # ten ideographs: plainly Chinese
    broken = _mojibake(text)
    at = broken.index("12")
    doc = Document.from_text(broken).with_spans([Span(0, at - 1, Label.SECTION), Span(at, at + 2, Label.CELL)])
    work, _ = view_document(doc)
    assert [work.span_text(s) for s in work.spans] == ["一、总体情况\n行政许可", "12"]


def test_the_mojibake_generator_kind_reads_like_its_twin() -> None:
    from govreport.extraction.evaluate import score_report
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.training.synth import make_report

    ex = Extractor(RuleTagger())
    for i in range(4):
        twin, moj = make_report(7, i, kinds=[]), make_report(7, i, kinds=["mojibake"])
        assert moj.transforms == ["mojibake"] and moj.text != twin.text and moj.gold == {**twin.gold, "source": moj.gold["source"]}
        data = single_byte_origin(moj.text)
        assert data is not None
        encoding = "utf-8" if _decodes(data, "utf-8") else "gb18030"
        assert data.decode(encoding) == twin.text
        # each gold span covers every byte of its characters
        assert [data[s.start : s.end].decode(encoding) for s in moj.spans] == [twin.text[s.start : s.end] for s in twin.spans]
        want, got = ex.extract_text(twin.text).output, ex.extract_text(moj.text).output
        assert (got["tables"], got["cell_status"], got["checks"]) == (want["tables"], want["cell_status"], want["checks"])
        assert score_report(got, moj.gold, moj.text, "moj").sections_ok == 6


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def test_a_text_misread_twice_over_is_read_back_with_offsets_on_the_input() -> None:
    # UTF-8 read as Windows-1252 and saved, then that file read as Windows-1252 again ("Ã¦Â¹â€“" for
    # 湖): "not a report", as the first read-back gave no hanzi
    from govreport.extraction.ingest import load_text, read_back

    text = "湖南省民政厅2020年政府信息公开工作年度报告\n一、总体情况\n"
    twice = _mojibake(_mojibake(text))
    found = read_back(twice)
    assert found is not None and found.decoded.text == text and found.layers == 2
    view = read_back_view(twice)
    assert view is not None and view.text == text
    at = text.index("一")
    assert view.start_to_original(at) == len(_mojibake(_mojibake(text[:at])))
    assert view.end_to_original(len(text)) == len(twice)
    assert any("saved again 2 times over" in w for w in load_text(twice, "m.txt").meta["ingest_warnings"])
    assert read_back(_mojibake(_mojibake(_mojibake(_mojibake(text))))) is None  # four times: past the bound


@pytest.mark.parametrize("lost", ["ignore", "replace"])
def test_utf8_read_by_a_strict_windows_1252_reader_is_read_back_with_its_lost_characters(lost: str) -> None:
    # a strict Windows-1252 reading drops the five bytes it leaves undefined (or puts U+FFFD for
    # each): the bytes no longer decode as UTF-8, and the text was "not a report"
    from govreport.extraction.ingest import load_text, read_back
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger

    text = "湖南省民政厅2020年政府信息公开工作年度报告\n一、总体情况\n本年公开。\n二、主动公开政府信息情况\n略。\n"
    broken = "".join(bytes([b]).decode("cp1252", lost) for b in text.encode("utf-8"))
    found = read_back(broken)
    assert found is not None and found.decoded.text.replace("\ufffd", "") != text
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    assert [c for c, d in zip(text, found.decoded.text) if c != d] == [c for c in text if undefined & set(c.encode())]
    assert found.decoded.text.count("\ufffd") == 6  # 南 省 息 、 、 息: each lost a byte
    from govreport.extraction.textview import text_view

    view = text_view(broken)  # the lost marks read back: 、 after a heading's numeral, 息 in a wording
    assert "\n一、总体情况\n" in view.text and "\n二、主动公开政府信息情况\n" in view.text
    said = load_text(broken, "m.txt").meta["ingest_warnings"]
    assert any("dropped the bytes Windows-1252 leaves undefined" in w for w in said)
    assert any("character(s) were lost" in w for w in said)
    out = Extractor(RuleTagger(), require_report=False).extract_text(broken).output
    assert [broken[s["start"]:].startswith(_broken_at(text, s["title"], lost)) for s in out["sections"]] == [True, True]


def _broken_at(text: str, heading: str, lost: str) -> str:
    return "".join(bytes([b]).decode("cp1252", lost) for b in heading.encode("utf-8"))


# ---------------------------------------------------------------- what a person sees of mojibake

_MOJI_REPORT = "湖南省退役军人事务厅2020年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n规章\t0\t0\t0\n"


def test_the_read_back_text_maps_input_offsets_onto_the_text_a_person_reads() -> None:
    from govreport.extraction.readbacktext import read_back_text

    moj = _mojibake(_MOJI_REPORT)
    back = read_back_text(moj)
    assert back is not None and back.text == _MOJI_REPORT and (back.encoding, back.layers, back.lossy) == ("utf-8", 1, False)
    at = moj.index("\n") + 1  # the heading's first byte: 一 is three characters of the input
    assert back.shown(at) == _MOJI_REPORT.index("一") and back.slice(at, at + 3) == "一"
    assert back.slice(0, len(moj)) == _MOJI_REPORT and back.shown(len(moj)) == len(_MOJI_REPORT)
    assert read_back_text(_MOJI_REPORT) is None  # a text with a hanzi is never mojibake


def test_spans_text_and_html_of_a_mojibake_input_show_it_read_back() -> None:
    # ?text=true, --with-spans and --html showed the mojibake as sent ("æ¹–å—"): offsets stay on
    # the input, the read-back text and each span's characters come with them
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.render import render_html
    from govreport.extraction.taggers.rules import RuleTagger

    moj = _mojibake(_MOJI_REPORT)
    result = Extractor(RuleTagger()).extract_text(moj, "r.txt")
    d = result.to_dict(with_spans=True, with_text=True)
    assert d["text"] == moj and d["read_back"]["text"] == _MOJI_REPORT and len(d["read_back"]["starts"]) == len(_MOJI_REPORT)
    heading = next(s for s in d["spans"] if s["read_back_text"] == "一、总体情况")
    assert moj[heading["start"] : heading["end"]] == heading["text"] == _mojibake("一、总体情况")
    plain = Extractor(RuleTagger()).extract_text(_MOJI_REPORT, "r.txt").to_dict(with_spans=True, with_text=True)
    assert "read_back" not in plain and all("read_back_text" not in s for s in plain["spans"])
    assert [s["read_back_text"] for s in d["spans"]] == [s["text"] for s in plain["spans"]]
    html = render_html(result.document)
    assert "一、总体情况" in html and "Shown read back as UTF-8" in html and _mojibake("总体") not in html


@pytest.mark.parametrize(("lost", "mark"), [("drop", ""), ("replace", "\ufffd"), (None, "\x81")])
def test_as_mojibake_writes_windows_1252_undefined_bytes_as_a_strict_or_lenient_reader_does(lost: str | None, mark: str) -> None:
    from govreport.extraction.document import Span
    from govreport.extraction.labels import Label
    from govreport.training.synth.render import as_mojibake

    text = "一、总体"  # 、 is E3 80 81: 0x81 is one of Windows-1252's five undefined bytes
    broken, spans = as_mojibake(text, [Span(1, 2, Label.SECTION), Span(2, 4, Label.SECTION)], "utf-8", "cp1252", lost=lost)
    assert broken == "ä¸€ã€" + mark + "æ€»ä½“"
    assert [broken[s.start : s.end] for s in spans] == ["ã€" + mark, "æ€»ä½“"]  # every character left of its bytes


def test_the_lossy_mojibake_generator_kind_reads_like_its_twin() -> None:
    from govreport.extraction.evaluate import score_report
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.training.synth import make_report

    ex = Extractor(RuleTagger())
    seen = set()
    for i in range(4):
        twin, moj = make_report(7, i, kinds=[]), make_report(7, i, kinds=["mojibake_lossy"])
        assert moj.transforms == ["mojibake_lossy"] and moj.gold == {**twin.gold, "source": moj.gold["source"]}
        assert not any(c in moj.text for c in "\x81\x8d\x8f\x90\x9d")  # a strict reader's: no C1 stand-ins
        seen.add("\ufffd" in moj.text)
        want, got = ex.extract_text(twin.text).output, ex.extract_text(moj.text).output
        assert got["tables"] == want["tables"]
        # the tables' checks alike; a narrative check may go: prose keeps its lost characters
        tables_checks = [c for c in want["checks"] if not c["rule"].startswith("narrative.")]
        assert [c for c in got["checks"] if not c["rule"].startswith("narrative.")] == tables_checks
        assert any("dropped the bytes Windows-1252 leaves undefined" in w for w in got["warnings"])
        assert score_report(got, moj.gold, moj.text, "moj").sections_ok == 6
    assert seen == {True, False}  # both readers: bytes dropped, U+FFFD


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (b"\xe9\x87\t", [0, 2]),  # 量 lost its last byte (0x8F): the tab starts at its own byte
        (b"\xe9\x87\xe5\xb9\xb4", [0, 2]),  # ... and 年 after it at its lead byte
        (b"a\xe9\x87\xe9\x87b", [0, 1, 3, 5]),  # two characters that each lost a byte
    ],
)
def test_char_starts_after_a_character_that_lost_a_byte(data: bytes, want: list[int]) -> None:
    # a replacing decoder gives up on the held bytes only when the next byte comes: the character
    # that byte begins or completes was put on the held bytes (a span ending there took the tab)
    assert char_starts(data, data.decode("utf-8", "replace"), "utf-8", "replace") == want
