"""Ingest: every format to a Document whose offsets refer to its text, and every bad input's error.

DOCX and PDF fixtures are generated here (python-docx, reportlab's built-in CJK font) so the
tests show exactly what each input holds.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import docx
import opencc
import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from govreport.extraction import errors
from govreport.extraction.document import Span
from govreport.extraction.ingest import (
    DEFAULT_MAX_BYTES,
    Decoded,
    chinese_plausibility,
    decode_text,
    load_bytes,
    load_path,
    load_text,
    lost_characters,
)
from govreport.extraction.ingest_html import flatten_html, looks_like_html
from govreport.extraction.labels import Label

CORPUS = Path(__file__).parent / "data" / "corpus"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "测试市2025年政府信息公开工作年度报告"
REPORT_LINES = [
    TITLE,
    "一、总体情况",
    "二、主动公开政府信息情况",
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
    "规章\t3\t5\t74",
    "行政规范性文件\t564\t984\t4185",
]
_S2T = opencc.OpenCC("s2t")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_cells(text: str) -> list[list[str]]:
    """A PDF reading as lines of cells (runs of two or more spaces separate cells)."""
    return [re.split(r" {2,}", line.strip()) for line in text.split("\n")]


def corpus_texts() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


# ---------------------------------------------------------------- fixture builders


def make_docx(build) -> bytes:  # type: ignore[no-untyped-def]
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _cjk_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def make_pdf(pages: list[list[str] | None], encrypt: pdfencrypt.StandardEncryption | None = None) -> bytes:
    """One PDF page per entry: lines of Chinese text, or None for a page that is only an image."""
    from PIL import Image

    font = _cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    for lines in pages:
        if lines is None:
            c.drawImage(ImageReader(Image.new("RGB", (60, 30), "gray")), 72, 600, 300, 150)
        else:
            c.setFont(font, 12)
            for i, line in enumerate(lines):
                x = 72
                for cell in line.split("\t"):  # table cells drawn at column positions, as a real table
                    c.drawString(x, 780 - 20 * i, cell)
                    x += 110
        c.showPage()
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------- plain text and encodings


def test_utf8_text_is_kept_unchanged_with_offsets() -> None:
    original = "  测试市2025年报告\r\n\r\n一、总体情况 \t\n规章\t3\t5\t74\r\n   "
    doc = load_bytes(original.encode("utf-8"), filename="r.txt")
    assert doc.text == original  # no newline normalisation, no stripping
    phrase = "规章\t3\t5\t74"
    start = doc.text.index(phrase)
    assert start == original.index(phrase)
    span = Span(start, start + len(phrase), Label.ROW)
    assert doc.with_spans([span]).span_text(span) == phrase
    assert doc.origin.media_type == "text/plain"
    assert doc.origin.sha256 == sha(original.encode("utf-8"))
    assert doc.meta["encoding"] == "utf-8"


def test_utf8_bom_is_not_part_of_the_text_but_of_the_hash() -> None:
    body = "一、总体情况\n规章\t3"
    data = b"\xef\xbb\xbf" + body.encode("utf-8")
    doc = load_bytes(data, filename="r.txt")
    assert doc.text == body
    assert doc.text.index("规章") == 7
    assert doc.origin.sha256 == sha(data)
    assert load_text("\ufeff" + body).text == body


@pytest.mark.parametrize("path", corpus_texts(), ids=lambda p: p.name)
@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_corpus_round_trips_through_gbk(path: Path, encoding: str) -> None:
    text = path.read_text(encoding="utf-8")
    data = text.encode(encoding)
    doc = load_bytes(data, filename=path.name)
    assert doc.text == text
    assert doc.meta["encoding"] == "gb18030"
    assert doc.origin.sha256 == sha(data)


@pytest.mark.parametrize("path", corpus_texts(), ids=lambda p: p.name)
def test_corpus_round_trips_through_big5(path: Path) -> None:
    traditional = _S2T.convert(path.read_text(encoding="utf-8"))
    text = "".join(c for c in traditional if _encodes(c, "big5"))
    doc = load_bytes(text.encode("big5"), filename=path.name)
    assert doc.text == text
    assert doc.meta["encoding"] == "cp950"


def _encodes(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


SHORT_SIMPLIFIED = [
    "一、总体情况",
    "规章\t3\t5\t74",
    "三、本年度办理结果\t（一）予以公开\t5345",
    "行政许可\t11398889",
    "四、结转下年度继续办理",
    "（七）总计",
]
SHORT_TRADITIONAL = [
    "總計",
    "二、主動公開政府信息情況",
    "規章\t3\t5\t74",
    "三、本年度辦理結果",
    "申請人情況",
    "行政復議",
]


@pytest.mark.parametrize("text", SHORT_SIMPLIFIED)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_short_gbk_samples_are_detected(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == Decoded(text, "gb18030")


@pytest.mark.parametrize("text", SHORT_TRADITIONAL)
def test_short_big5_samples_are_detected(text: str) -> None:
    assert decode_text(text.encode("big5")) == Decoded(text, "cp950")


@pytest.mark.parametrize("text", SHORT_TRADITIONAL)
def test_traditional_text_saved_as_gbk_stays_gbk(text: str) -> None:
    assert decode_text(text.encode("gb18030")) == Decoded(text, "gb18030")


def test_gb18030_four_byte_characters() -> None:
    text = "𠮷野家政府信息公开\n"  # U+20BB7 is outside GBK: four bytes in GB18030
    data = text.encode("gb18030")
    assert len(data) > len(text.encode("gbk", "ignore"))
    doc = load_bytes(data)
    assert doc.text == text
    assert doc.text.index("政府") == 3  # character offsets, not byte (6) or UTF-16 (4) offsets


def test_plausibility_separates_the_right_decoding() -> None:
    data = "行政规范性文件".encode("gbk")  # also valid Big5, which reads it as 俴淉寞毓俶恅璃
    assert chinese_plausibility(data.decode("gb18030"), "gb18030") == 1.0
    assert chinese_plausibility(data.decode("cp950"), "cp950") < 0.5
    assert decode_text(data) == Decoded("行政规范性文件", "gb18030")


def test_utf8_cut_mid_character_keeps_the_rest_with_a_warning() -> None:
    text = "一、总体情况\n规章\t3\t5\t74\n行政"
    data = text.encode("utf-8")[:-2]  # a download cut inside 政
    doc = load_bytes(data, filename="r.txt")
    assert doc.text == "一、总体情况\n规章\t3\t5\t74\n行\ufffd"
    assert doc.meta["encoding"] == "utf-8"
    assert "1 invalid utf-8 byte sequence(s)" in doc.meta["ingest_warnings"][0]


def test_the_decoders_own_replacement_is_warned_about_once() -> None:
    doc = load_bytes("一、总体情况\n规章\t3\t5\t74\n行政".encode("utf-8")[:-2], filename="r.txt")
    assert len(doc.meta["ingest_warnings"]) == 1


def test_hanzi_lost_to_question_marks_by_an_earlier_conversion_raise_a_doubt() -> None:
    text = "测试市2025年政府信息公开工作年度报告\n一、总体情况\n规章\t3\t5\t74\n"
    lossy = text.encode("big5", "replace")  # simplified hanzi Big5 lacks become "?" (公, 开, 报, …)
    assert b"?" in lossy
    doc = load_bytes(lossy, filename="r.txt")
    (warning,) = [w for w in doc.meta["ingest_warnings"] if "were lost before this file was read" in w]
    n = int(re.match(r"at least (\d+) character", warning).group(1))
    assert 2 <= n <= doc.text.count("?") and "'??市2025年'" in warning
    assert doc.text == lossy.decode("big5")  # the text itself is kept as given: offsets stay on it


def test_a_text_whose_every_hanzi_was_lost_raises_a_doubt_and_says_so_when_no_report_is_left() -> None:
    # through Latin-1 no hanzi is left beside the "?": the count found nothing, and the answer was
    # a bare "not a report" for what had been one
    from govreport.extraction.errors import NotAReport
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger

    text = "测试市2025年政府信息公开工作年度报告\n一、总体情况\n规章\t3\t5\t74\n"
    lossy = text.encode("latin-1", "replace")
    assert lossy.startswith(b"???2025?"), "precondition: every hanzi is a ?"
    doc = load_bytes(lossy, filename="r.txt")
    assert any("were lost before this file was read" in w for w in doc.meta["ingest_warnings"])
    with pytest.raises(NotAReport, match="were lost before this file was read"):
        Extractor(get_tagger("rules")).extract_bytes(lossy, "r.txt")


def test_unicode_replacement_characters_already_in_the_text_raise_a_doubt() -> None:
    doc = load_text("一、总体情况\n规\ufffd\t3\t5\t74\n" + "\ufffd" * 2)
    assert doc.meta["ingest_warnings"] and doc.meta["ingest_warnings"][0].startswith("at least 3 character(s) were lost")


@pytest.mark.parametrize(
    "text",
    [
        "是否公开?请问如何申请",  # one half-width question mark between hanzi: a writer's, not a loss
        "如何申请政府信息公开?\n",
        "原文链接: https://www.example.gov.cn/a.htm?id=3 政府信息",
        "（一）予以公开？\t3",
    ],
)
def test_question_marks_a_writer_puts_are_not_lost_characters(text: str) -> None:
    assert lost_characters(text) is None
    assert load_text(TITLE + "\n" + text).meta["ingest_warnings"] == []


def test_gbk_with_a_stray_byte_is_still_gbk() -> None:
    text = "一、总体情况\n规章\t3\t5\t74\n" * 50
    data = text.encode("gbk")
    data = data[:40] + b"\xff" + data[40:]
    doc = load_bytes(data)
    assert doc.meta["encoding"] == "gb18030"
    assert doc.text.endswith(text[-200:])
    assert doc.meta["ingest_warnings"]


def test_non_chinese_encodings_fall_back_to_detection() -> None:
    text = "Rapport annuel du gouvernement: café, résumé, élève, théâtre.\n" * 5
    doc = load_bytes(text.encode("cp1252"))
    assert doc.meta["encoding"] not in ("utf-8", "gb18030", "cp950")
    assert doc.text.count("Rapport annuel du gouvernement") == 5


def test_media_type_charset_is_honoured() -> None:
    data = "<p>一、总体情况</p>".encode("gbk")
    doc = load_bytes(data, media_type="text/html; charset=GBK")
    assert doc.text == "一、总体情况\n"
    assert doc.meta["encoding"] == "gb18030"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_and_without_bom(encoding: str) -> None:
    text = "Report 2025\n一、总体情况\n规章\t3\t5\t74\n"
    doc = load_bytes(text.encode(encoding), filename="r.txt")
    assert doc.text == text


def test_markdown_is_plain_text() -> None:
    text = "## 一、总体情况\n**规章**\t3\n"
    doc = load_bytes(text.encode("utf-8"), filename="r.md")
    assert doc.text == text
    assert doc.origin.media_type == "text/plain"


def test_load_path_reads_text_files(tmp_path: Path) -> None:
    src = CORPUS / "seed_000.txt"
    p = tmp_path / "seed.txt"
    p.write_bytes(src.read_text(encoding="utf-8").encode("gbk"))
    doc = load_path(p)
    assert doc.text == src.read_text(encoding="utf-8")
    assert doc.origin.filename == "seed.txt"
    assert doc.origin.sha256 == sha(p.read_bytes())


# ---------------------------------------------------------------- HTML


def test_html_fixture_flattens_to_its_browser_copy() -> None:
    expected = (CORPUS / "hangzhou_fixture.txt").read_text(encoding="utf-8")
    doc = load_path(CORPUS / "hangzhou_fixture.html")
    assert doc.text == expected
    assert doc.origin.media_type == "text/html"
    assert doc.origin.sha256 == sha((CORPUS / "hangzhou_fixture.html").read_bytes())
    row = "行政规范性文件\t564\t984\t4185\n"
    start = doc.text.index(row)
    assert doc.text[start - 1] == "\n"  # the table row is a whole line


def test_html_title_heads_the_text_then_two_blank_lines() -> None:
    text = flatten_html(
        "<html><head><title> 某市 报告 </title><style>p{}</style></head><body><p>正文</p></body></html>"
    )
    assert text == "某市 报告\n\n\n正文\n"


def test_html_blocks_breaks_and_whitespace() -> None:
    markup = (
        "<body><div>\n  甲 <b>乙</b>\n  <span>丙</span></div><p>a<br>b<br><br>c</p>"
        "<ul><li>一</li><li>二</li></ul><h2>标题</h2>尾</body>"
    )
    assert flatten_html(markup) == "甲 乙 丙\na\nb\n\nc\n一\n二\n标题\n尾\n"


def test_html_segment_break_between_chinese_characters_is_removed() -> None:
    assert flatten_html("<p>政府信息\n    公开 abc\n def</p>") == "政府信息公开 abc def\n"


def test_html_entities_scripts_and_hidden_content() -> None:
    markup = (
        "<body><script>var x = '不显示';</script><noscript>无脚本</noscript>"
        "<p>A &amp; B &lt;C&gt; &#x4E00;&#20108;</p><p style='display: none'>隐藏</p><p hidden>也隐藏</p>"
        "<p>&nbsp;&nbsp;缩进</p></body>"
    )
    assert flatten_html(markup) == "A & B <C> 一二\n  缩进\n"


def test_html_table_cells_rows_spans_and_empty_cells() -> None:
    markup = """<table>
      <caption>表一</caption>
      <thead><tr><th colspan="2">项目</th><th>数量</th></tr></thead>
      <tbody>
        <tr><td rowspan="2">甲</td><td><p>第一</p><p>段</p></td><td>1</td></tr>
        <tr><td></td><td>2</td></tr>
        <tr></tr>
        <tr><td>乙<br>丙</td><td> </td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr>
      </tbody></table><p>后</p>"""
    assert flatten_html(markup) == "表一\n项目\t数量\n甲\t第一 段\t1\n\t2\n乙 丙\t\tx y\n后\n"


def test_html_pre_keeps_its_layout() -> None:
    assert flatten_html("<pre>规章   3\n  行政  5</pre><p>x</p>") == "规章   3\n  行政  5\nx\n"


def test_gbk_html_with_meta_charset() -> None:
    markup = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><p>鎔一、总体情况</p></body></html>"
    )
    data = markup.encode("gb18030")  # 鎔 is GBK, not GB2312: the declared charset is read as its superset
    doc = load_bytes(data, filename="r.htm")
    assert doc.text == "鎔一、总体情况\n"
    assert doc.meta["encoding"] == "gb18030"
    assert doc.origin.sha256 == sha(data)


def test_html_declaring_latin1_is_detected_instead() -> None:
    data = '<html><head><meta charset="iso-8859-1"></head><body><p>一、总体情况</p></body></html>'.encode("utf-8")
    assert load_bytes(data, filename="r.html").text == "一、总体情况\n"


def test_html_is_sniffed_without_a_name_and_a_txt_name_keeps_only_a_fragment_verbatim() -> None:
    markup = "<!DOCTYPE html><html><body><table><tr><td>规章</td><td>3</td></tr></table></body></html>"
    assert looks_like_html(markup) and not looks_like_html("一、总体情况 <p>")
    assert load_bytes(markup.encode("utf-8")).text == "规章\t3\n"
    assert load_bytes(markup.encode("utf-8"), media_type="text/html; charset=utf-8").origin.media_type == "text/html"
    assert load_text(markup, filename="page.html").text == "规章\t3\n"
    assert load_text(markup).origin.media_type == "text/html"
    # a text that only opens with a tag stays as typed under a .txt name
    fragment = "<p>一、总体情况</p>\n规章\t3\n"
    assert load_bytes(fragment.encode("utf-8"), filename="r.txt").text == fragment
    assert load_text(fragment, filename="r.txt").text == fragment


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_a_whole_html_page_saved_as_txt_is_read_as_the_page(encoding) -> None:
    """A browser's "save as" under a .txt name keeps the markup (tester s5 B: every cell was lost);
    a whole document (``<!DOCTYPE html``/``<html``) is read as HTML, in the charset its <meta> declares."""
    charset = "" if encoding == "utf-16" else f'<meta charset="{encoding}">'
    markup = (f"<!DOCTYPE html>\n<html><head>{charset}<title>t</title></head><body>"
              "<table><tr><td>规章</td><td>3</td></tr></table></body></html>")  # fmt: skip
    data = markup.encode(encoding)
    doc = load_bytes(data, filename="report.txt")
    assert doc.text.endswith("规章\t3\n") and doc.meta["format"] == "html"
    assert doc.origin.sha256 == sha(data)
    assert load_text(markup, filename="report.txt").text.endswith("规章\t3\n")


def test_html_without_visible_text_is_empty() -> None:
    with pytest.raises(errors.EmptyInput, match="no visible text"):
        load_bytes(b"<html><head><script>x()</script></head><body> <p></p> </body></html>", filename="a.html")


# ---------------------------------------------------------------- DOCX


def _report_docx(document) -> None:  # type: ignore[no-untyped-def]
    document.add_paragraph(TITLE)
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "第二十条第（一）项"
    for i, value in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        table.cell(1, i).text = value
    table.cell(2, 0).merge(table.cell(3, 0)).text = "规章"
    for i, value in enumerate(["3", "5", "74"]):
        table.cell(2, i + 1).text = value
    table.cell(3, 2).text = "0"
    cell = table.cell(3, 3)
    cell.text = "行政"
    cell.add_paragraph("规范")
    document.add_paragraph("三、收到和处理政府信息公开申请情况\t附")


def test_docx_paragraphs_and_table_rows_in_document_order() -> None:
    data = make_docx(_report_docx)
    doc = load_bytes(data, filename="r.docx")
    assert doc.text == (
        f"{TITLE}\n二、主动公开政府信息情况\n"
        "第二十条第（一）项\n"  # a horizontally merged cell once, no trailing tabs
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t3\t5\t74\n"
        "\t0\t行政 规范\n"  # vertically merged 规章 given once; an empty cell is an empty field
        "三、收到和处理政府信息公开申请情况\t附\n"
    )
    assert doc.text.count("规章") == 1
    assert doc.origin.media_type == DOCX_TYPE
    assert doc.origin.sha256 == sha(data)
    start = doc.text.index("规章\t3")
    assert doc.text[start - 1] == "\n" and doc.text[start : start + 9] == "规章\t3\t5\t74"


def test_docx_is_recognised_by_content_whatever_its_name() -> None:
    data = make_docx(_report_docx)
    assert load_bytes(data).origin.media_type == DOCX_TYPE
    assert load_bytes(data, filename="report.txt").text == load_bytes(data, filename="r.docx").text
    assert load_bytes(data, filename="report.doc").origin.media_type == DOCX_TYPE


def test_docx_tracked_changes_and_field_codes() -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    revision = "w:author='a' w:date='2025-01-01T00:00:00Z'"

    def build(document) -> None:  # type: ignore[no-untyped-def]
        p = document.add_paragraph("本年")
        p._p.append(parse_xml(f"<w:del {w} w:id='1' {revision}><w:r><w:delText>删除</w:delText></w:r></w:del>"))
        p._p.append(parse_xml(f"<w:ins {w} w:id='2' {revision}><w:r><w:t>新收</w:t></w:r></w:ins>"))
        p._p.append(parse_xml(f"<w:r {w}><w:instrText> PAGE </w:instrText></w:r>"))
        p._p.append(parse_xml(f"<w:r {w}><w:tab/><w:t>3</w:t><w:br/><w:t>下行</w:t></w:r>"))

    assert load_bytes(make_docx(build), filename="r.docx").text == "本年新收\t3\n下行\n"


def test_docx_automatic_list_numbers_are_text() -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    )

    def build(document) -> None:  # type: ignore[no-untyped-def]
        numbering = document.part.numbering_part.element
        numbering.append(parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{levels}</w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        for ilvl, text in [
            (0, "总体情况"),
            (1, "主动公开"),
            (1, "依申请公开"),
            (0, "主动公开政府信息情况"),
            (1, "规章"),
        ]:
            p = document.add_paragraph(text)
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>')
            )
        document.add_paragraph("第一项", style="List Number")  # numbered through its style
        document.add_paragraph("第二项", style="List Number")

    assert load_bytes(make_docx(build), filename="r.docx").text.splitlines() == [
        "一、总体情况",
        "（一）主动公开",
        "（二）依申请公开",
        "二、主动公开政府信息情况",
        "（一）规章",
        "1.第一项",
        "2.第二项",
    ]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "100")]
)
def test_chinese_list_numbers(n: int, text: str) -> None:
    from govreport.extraction.ingest_office import _chinese_number

    assert _chinese_number(n) == text


def test_docx_without_text_is_empty() -> None:
    with pytest.raises(errors.EmptyInput):
        load_bytes(make_docx(lambda d: d.add_paragraph("   ")), filename="r.docx")


# ---------------------------------------------------------------- PDF


def test_pdf_text_layer_pages_joined_by_newline() -> None:
    data = make_pdf([REPORT_LINES[:2], REPORT_LINES[2:] + ["- 2 -"]])
    doc = load_bytes(data, filename="r.pdf")
    # Table cells are laid out at their page columns, at least two spaces apart (as pdftotext -layout).
    assert pdf_cells(doc.text) == [line.split("\t") for line in REPORT_LINES] + [["- 2 -"]]
    assert doc.text.count("\n") == len(REPORT_LINES)
    assert doc.meta["ingest_warnings"] == []
    assert doc.origin.media_type == "application/pdf"
    assert doc.origin.sha256 == sha(data)
    start = doc.text.index("行政规范性文件")
    assert doc.text[start - 1] == "\n"
    assert load_bytes(data).origin.media_type == "application/pdf"  # recognised by its header


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_pdf_sideways_table_reads_in_rows(angle: int) -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(600, 600))
    c.translate(300, 300)
    c.rotate(angle)  # a landscape table printed sideways
    c.setFont("Helvetica", 12)
    for i, row in enumerate([["Rules", "3", "5", "74"], ["Documents", "564", "984", "4185"]]):
        for j, cell in enumerate(row):
            c.drawString(-250 + 110 * j, 100 - 20 * i, cell)
    c.showPage()
    c.save()
    assert pdf_cells(load_bytes(buf.getvalue(), filename="r.pdf").text) == [
        ["Rules", "3", "5", "74"],
        ["Documents", "564", "984", "4185"],
    ]


def test_pdf_without_text_layer() -> None:
    with pytest.raises(errors.NoTextLayer, match="OCR"):
        load_bytes(make_pdf([None, None]), filename="scan.pdf")


def test_pdf_with_some_scanned_pages_warns() -> None:
    doc = load_bytes(make_pdf([REPORT_LINES[:2], None]), filename="r.pdf")
    assert doc.text.startswith(TITLE)
    assert "page(s) 2 have no text layer" in doc.meta["ingest_warnings"][0]


def test_pdf_encrypted_with_owner_password_only_is_read() -> None:
    data = make_pdf([REPORT_LINES[:2]], encrypt=pdfencrypt.StandardEncryption("", "owner"))
    assert pdf_cells(load_bytes(data, filename="r.pdf").text) == [[line] for line in REPORT_LINES[:2]]


def test_pdf_with_user_password_is_refused_clearly() -> None:
    data = make_pdf([REPORT_LINES[:2]], encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    with pytest.raises(errors.EncryptedInput, match="password-protected PDF"):
        load_bytes(data, filename="r.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\nnot really a pdf\n%%EOF", "damaged PDF"),
        (b"plain text named as pdf", "not a PDF"),
    ],
)
def test_corrupt_pdf(data: bytes, message: str) -> None:
    with pytest.raises(errors.InputError, match=message) as info:
        load_bytes(data, filename="r.pdf")
    assert type(info.value) in (errors.InputError, errors.CorruptInput)


def test_truncated_pdf() -> None:
    with pytest.raises(errors.InputError, match="damaged PDF"):
        load_bytes(make_pdf([REPORT_LINES])[:400], filename="r.pdf")


# ---------------------------------------------------------------- bad input


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


OLE_ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OLE_ENCRYPTED, "password-protected Word"),
        (OLE_DOC, "legacy Word 97-2003"),
        (b"PK\x03\x04 truncated zip", "not a ZIP package"),
        (_zip({"content.txt": b"x"}), "not a Word .docx"),
        (make_docx(_report_docx)[:2000], "not a ZIP package"),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not-closed"}), "damaged .docx"),
    ],
    ids=["encrypted", "legacy-doc", "not-zip", "zip-not-docx", "truncated", "broken-xml"],
)
def test_bad_docx(data: bytes, message: str) -> None:
    with pytest.raises(errors.InputError, match=message) as info:
        load_bytes(data, filename="r.docx")
    # never python-docx's or zipfile's own exception: one of ours, with a specific code
    assert type(info.value) in (errors.InputError, errors.EncryptedInput, errors.CorruptInput)
    assert (type(info.value) is errors.EncryptedInput) == ("password" in message)


def test_docx_that_expands_too_much_is_too_large() -> None:
    data = _zip({"word/document.xml": b"<w:document/>", "word/media/bomb.bin": b"\x00" * 2_000_000})
    assert len(data) < 10_000
    with pytest.raises(errors.InputTooLarge, match="unpacked"):
        load_bytes(data, filename="r.docx", max_bytes=50_000)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", errors.EmptyInput, "empty"),
        (b" \r\n\t ", errors.EmptyInput, "only whitespace"),
        ("\u3000\n\u3000".encode("gb18030"), errors.EmptyInput, "only whitespace"),
        (b"abc\x00\x01\x02\xff\xfe binary", errors.BinaryInput, "NUL bytes"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", errors.BinaryInput, "PNG image"),
        (b"\x7fELF\x02\x01\x01\x00", errors.BinaryInput, "ELF executable"),
        (_zip({"content.txt": b"x"}), errors.BinaryInput, "ZIP archive"),
        (_zip({"xl/workbook.xml": b"<x/>"}), errors.BinaryInput, "Excel workbook"),
        (OLE_ENCRYPTED, errors.BinaryInput, "password-protected Office"),
        (b"text \x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11 more", errors.BinaryInput, "control characters"),
        (b"\x81\x30\xff\xfe\x80" * 20, errors.UndecodableInput, "re-save it as UTF-8"),
    ],
    ids=[
        "empty", "whitespace", "fullwidth-space", "nul", "png", "elf", "zip", "xlsx-content",
        "encrypted-office", "control", "undecodable",
    ],  # fmt: skip
)
def test_bad_bytes(data: bytes, error: type[errors.InputError], message: str) -> None:
    with pytest.raises(error, match=message) as info:
        load_bytes(data)
    assert type(info.value) is error
    assert ":" in str(info.value)  # what is wrong: what to do


def test_empty_and_binary_text() -> None:
    with pytest.raises(errors.EmptyInput):
        load_text("")
    with pytest.raises(errors.EmptyInput, match="only whitespace"):
        load_text(" \n\t\u3000")
    with pytest.raises(errors.BinaryInput):
        load_text("一、总体情况\x00\x00")


@pytest.mark.parametrize(
    ("filename", "media_type", "message"),
    [
        ("report.xlsx", None, "Excel workbook"),
        ("report.doc", None, "save it as .docx"),
        ("scan.png", None, "does not OCR"),
        ("archive.zip", None, "unpack it"),
        (None, "image/jpeg", "does not OCR"),
        (None, "application/msword", "not supported"),
    ],
)
def test_unsupported_formats(filename: str | None, media_type: str | None, message: str) -> None:
    with pytest.raises(errors.UnsupportedFormat, match=message):
        load_bytes("一、总体情况".encode("utf-8"), filename=filename, media_type=media_type)


def test_size_limit_on_bytes_and_text() -> None:
    data = "一、总体情况\n".encode("utf-8") * 10
    with pytest.raises(errors.InputTooLarge, match="limit is 100 bytes"):
        load_bytes(data, max_bytes=100)
    with pytest.raises(errors.InputTooLarge):
        load_text("一" * 40, max_bytes=100)  # 40 characters, 120 bytes of UTF-8
    assert load_bytes(data, max_bytes=len(data)).text == data.decode("utf-8")


def test_one_size_limit_for_the_python_api_the_cli_and_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.service.options import max_bytes_from_env
    from govreport.service.settings import ServiceSettings

    monkeypatch.delenv("GOVREPORT_MAX_BYTES", raising=False)
    service_default = ServiceSettings.model_fields["max_bytes"].default
    assert DEFAULT_MAX_BYTES == service_default == max_bytes_from_env() == Extractor(RuleTagger()).max_bytes
    just_over = "一" * (service_default // 3 + 1)  # 3 bytes of UTF-8 each: one character past the limit
    with pytest.raises(errors.InputTooLarge, match=f"the limit is {service_default} bytes"):
        load_text(just_over)  # a direct Python caller is refused what the service refuses
    with pytest.raises(errors.InputTooLarge):
        load_bytes(just_over.encode("utf-8"))
    # GOVREPORT_MAX_BYTES moves the one limit everywhere
    monkeypatch.setenv("GOVREPORT_MAX_BYTES", "100")
    assert max_bytes_from_env() == Extractor(RuleTagger()).max_bytes == 100
    with pytest.raises(errors.InputTooLarge, match="the limit is 100 bytes"):
        Extractor(RuleTagger()).extract_text("一、总体情况\n" * 10)
    with pytest.raises(errors.InputTooLarge, match="the limit is 100 bytes"):
        load_text("一" * 40)


def test_size_limit_on_paths_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * 1000)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the file was opened although stat shows it is too large")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(errors.InputTooLarge, match="big.txt is 1000 bytes"):
        load_path(p, max_bytes=999)


def test_missing_files_and_directories(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError, match="no such file"):
        load_path(tmp_path / "missing.txt")
    with pytest.raises(errors.InputError, match="is a directory"):
        load_path(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_few_stray_nuls_in_text_are_read_with_a_warning(encoding: str) -> None:
    # Word's text export and some PDF tools leave a stray NUL in good text: it was refused as binary
    # (UTF-16 without a BOM still was after that, as "N NUL bytes": its ASCII characters' zero bytes counted)
    text = (CORPUS / "seed_000.txt").read_text("utf-8")
    k = text.index("总体情况") + 2
    damaged = text[:k] + "\x00" + text[k:] + "\x00"
    doc = load_bytes(damaged.encode(encoding), filename="r.txt")
    assert doc.text == damaged  # kept: offsets refer to the input (the view skips them)
    assert doc.meta["ingest_warnings"][0].startswith(f"2 NUL character(s) ignored (first at character {k})")
    assert load_text(damaged, filename="r.txt").meta["ingest_warnings"] == doc.meta["ingest_warnings"]


def test_a_few_nuls_in_a_web_page_stay_where_they_stood() -> None:
    page = "<html><body><p>一、总体\x00情况</p><table><tr><td>1\x002</td></tr></table></body></html>"
    doc = load_bytes(page.encode("utf-8"), filename="r.html")
    assert doc.text == "一、总体\x00情况\n1\x002\n"  # not U+FFFD, the parser's NUL, counted as a lost character
    assert doc.meta["lost_characters"] is None and "2 NUL character(s) ignored" in doc.meta["ingest_warnings"][0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("一、总体情况\n".encode("utf-8") * 200 + b"\x00" * 5, "5 NUL bytes .*at most 4"),  # over one per 1,000 (at least 4)
        (b"\x00" * 3 + b"\x81\x30\xff\xfe\x80" * 20, "NUL bytes and does not decode"),  # decodes only with replacements
        (b"abc\x00" * 10, "10 NUL bytes"),
        ("一、总体情况\n".encode("gb18030") * 2000 + b"\x00" * 20, "20 NUL characters .*at most 14"),  # 26,020 bytes, 14,020 characters
        (bytes(range(256)) * 8, "NUL bytes"),
    ],
    ids=["too-many", "nul-and-bad-bytes", "short-with-many", "too-many-characters", "all-bytes"],
)
def test_nuls_beyond_a_converters_few_stay_binary(data: bytes, message: str) -> None:
    with pytest.raises(errors.BinaryInput, match=message):
        load_bytes(data, filename="r.txt")


def test_random_bytes_are_never_read_as_text() -> None:
    import random

    rng = random.Random(5)
    for n in (300, 2000, 20000):
        for _ in range(20):
            with pytest.raises((errors.BinaryInput, errors.UndecodableInput)):
                load_bytes(rng.randbytes(n))


@pytest.mark.parametrize(
    "text, said",
    [
        ("", "is empty"),
        (" \n\u3000", "has only whitespace"),
        ("\x00 \x00", "has only whitespace and NUL characters"),
        ("\u200b\ufeff", "has only whitespace and invisible characters"),
        ("\u200b\x00", "has only whitespace, NUL and invisible characters"),
        ("\u200b一", None),
        ("\x00\u00ad1", None),
    ],
)
def test_blank_reason_names_what_a_text_without_anything_visible_holds(text: str, said: str | None) -> None:
    from govreport.extraction.blanktext import blank_reason

    reason = blank_reason(text)
    assert reason == said if said is None else reason is not None and reason.startswith(said)


def test_a_text_of_only_zero_width_characters_is_empty() -> None:
    # zero-width spaces and BOMs are skipped by every reader: such a text was read, tagged and
    # extracted as a report with nothing in it instead of being refused as empty
    with pytest.raises(errors.EmptyInput, match="invisible characters"):
        load_text("\u200b\u200d\n\ufeff\u2060", "z.txt")
    with pytest.raises(errors.EmptyInput, match="invisible characters"):
        load_bytes("\u200b\u200d\n\u2060".encode("utf-8"), "z.txt")


def _mojibake(text: str, encoding: str, single: str) -> str:
    """``text`` saved in ``encoding``, read back as the single-byte ``single`` (lenient, as an editor
    or ``requests`` does: Windows-1252's five undefined bytes become the C1 control of that number)."""
    return "".join(bytes([b]).decode(single, "ignore") or chr(b) for b in text.encode(encoding))


@pytest.mark.parametrize(
    "encoding, single, sample",
    [
        ("utf-8", "latin-1", "湖南省退役军人事务厅2020年政府信息公开工作年度报告"),
        ("utf-8", "cp1252", "湖南省退役军人事务厅2020年政府信息公开工作年度报告"),
        ("gb18030", "latin-1", "湖南省退役军人事务厅2020年政府信息公开工作年度报告"),
        ("big5", "cp1252", "臺北市政府2020年政府資訊公開年度報告"),
    ],
)
def test_chinese_text_read_as_a_single_byte_charset_is_read_back(encoding: str, single: str, sample: str) -> None:
    # a crawler's page decoded as ISO-8859-1 and saved as UTF-8 ("æ¹–å—çœ"): not a report, said
    # the service, for a file whose every byte is still there
    from govreport.extraction.textview import view_document

    broken = _mojibake(sample + "\n一、概述\n", encoding, single)
    assert not re.search(r"[\u3400-\u9fff]", broken)
    for doc in (load_text(broken, "m.txt"), load_bytes(broken.encode("utf-8"), "m.txt")):
        assert doc.text == broken  # the text as given: offsets refer to it
        assert view_document(doc)[0].text == sample + "\n一、概述\n"  # what the taggers read
        assert any("is mojibake" in w for w in doc.meta["ingest_warnings"])


def test_text_that_only_looks_like_a_single_byte_reading_is_left_as_it_is() -> None:
    french = "Café crème brûlée à la française, déjà vu: élève, théâtre."
    assert load_text(french, "f.txt").text == french
    one_hanzi = _mojibake("湖南省退役军人事务厅", "utf-8", "cp1252") + " 年"  # a hanzi rules it out
    doc = load_text(one_hanzi, "h.txt")
    assert doc.text == one_hanzi and not any("mojibake" in w for w in doc.meta["ingest_warnings"])


def test_a_report_saved_as_mojibake_extracts_as_the_report(extract) -> None:
    report = (Path(__file__).parent / "data" / "corpus" / "seed_000.txt").read_text("utf-8")
    broken = _mojibake(report, "utf-8", "cp1252")
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger

    out = Extractor(RuleTagger()).extract_bytes(broken.encode("utf-8"), filename="m.txt").output
    want = extract(report)
    assert out["organ"] == want["organ"] and out["tables"] == want["tables"]


@pytest.mark.parametrize("encoding, single", [("utf-8", "cp1252"), ("gb18030", "latin-1")])
def test_offsets_after_the_mojibake_read_back_index_the_input(encoding: str, single: str) -> None:
    # the read-back replaced the Document's text, so every offset indexed the text read back and
    # each section start landed on the wrong line of the file the user sent
    from govreport.extraction.mojibake import single_byte_origin
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger

    report = "湖南省民政厅2020年政府信息公开工作年度报告\n一、总体情况\n本年公开。\n二、主动公开政府信息情况\n略。\n"
    broken = _mojibake(report, encoding, single)
    extractor = Extractor(RuleTagger(), require_report=False)
    result = extractor.extract_bytes(broken.encode("utf-8"), filename="m.txt")
    plain = extractor.extract_text(report, "r.txt").output["sections"]
    at_input = lambda i: len(report[:i].encode(encoding))  # noqa: E731  (one character per byte)
    assert [s["start"] for s in plain] == [report.index("一、总体"), report.index("二、主动")]
    assert [(s["start"], s["end"]) for s in result.output["sections"]] == [(at_input(s["start"]), at_input(s["end"])) for s in plain]
    assert result.document.text == broken
    for span in result.document.spans:  # each span ends after its last ideograph's every byte
        assert (single_byte_origin(span.text(broken)) or span.text(broken).encode()).decode(encoding)


def test_rtf_content_under_a_text_name_is_refused_as_rtf() -> None:
    # WordPad's RTF saved as .txt (or pasted as text) was read as text: "not a report"
    rtf = "{\\rtf1\\ansi\\ansicpg936 {\\fonttbl{\\f0 SimSun;}}\\f0 \\'ba\\'fe\\'c4\\'cf 2020\\par}"
    for load in (lambda: load_text(rtf, "r.txt"), lambda: load_bytes(("\n" + rtf).encode("ascii"), "r.txt")):
        with pytest.raises(errors.UnsupportedFormat, match="content of r.txt is an RTF document: save it as .docx"):
            load()
    assert load_text("{ not rtf } 一、总体情况", "t.txt").text.startswith("{ not rtf }")


def test_a_device_past_the_size_limit_is_more_than_the_limit_not_a_size() -> None:
    # /dev/zero (size 0 to stat, endless to read) was said to be "10485761 bytes": the bytes read
    from govreport.extraction.ingest import load_path

    with pytest.raises(errors.InputTooLarge, match=r"zero is more than 1000 bytes; the limit is 1000 bytes"):
        load_path("/dev/zero", max_bytes=1000)


def test_plain_text_declared_as_html_keeps_its_line_breaks() -> None:
    # a client sending a .txt report as text/html (or naming it .html): the HTML parser folded every
    # line break into a space, so each table's rows ran into one line and table 四 came back null
    text = "四、行政复议、行政诉讼情况\n行政复议\n结果维持\t1\n总计\t2\n"
    for doc in (load_bytes(text.encode(), None, media_type="text/html"), load_text(text, "r.html")):
        assert doc.meta["format"] == "text" and doc.text == text
        assert any("holds no markup" in w for w in doc.meta["ingest_warnings"])
    page = "<p>四、行政复议</p>\n<p>总计 2</p>"
    assert load_bytes(page.encode(), None, media_type="text/html").meta["format"] == "html"  # markup: HTML


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_a_report_with_text_grid_tables_in_a_chinese_charset_is_read(encoding: str) -> None:
    # a GBK report whose tables are text grids (│ 行政许可 │ 12 │ ruled by ├──┼──┤) was "not text in
    # UTF-8, GB18030/GBK or Big5": its box drawing counted against the Chinese reading, as a wrong
    # guess's stray box drawing does; rulings (three in a row) are the report's own drawing
    rows = "".join(f"│ {label} │ {n} │\n├────────────┼──────┤\n" for label, n in (("行政許可", 12), ("行政處罰", 3), ("行政強制", 0)))
    text = "政府信息公開工作年度報告\n二、主動公開政府信息情況\n┌────────────┬──────┐\n" + rows * 6 + "結束。\n"
    for data in (text.encode(encoding), _mojibake(text, encoding, "latin-1").encode("utf-8")):
        doc = load_bytes(data, "grid.txt")
        from govreport.extraction.textview import view_document

        assert view_document(doc)[0].text == text
    assert load_bytes(text.encode("gb18030"), "g.txt").meta["encoding"] == "gb18030"
