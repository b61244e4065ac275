"""Nested layout tables (issue 15): a page or Word file that puts the whole report in one layout
table cell, the report's own tables nested inside. The HTML and DOCX readers treat a cell that
holds block content as a container of lines, not as one table cell."""
from __future__ import annotations

import io

import docx

from govreport.extraction.ingest import load_bytes
from govreport.extraction.ingest_html import flatten_html
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger

from .reportkit import applications_2021, applications_tab, report


def _report() -> tuple[str, dict]:
    table = applications_2021()
    return report(applications=applications_tab(table)), table


def _blocks(text: str) -> list[tuple[str, list[list[str]] | str]]:
    """The report as blocks: ("p", line) or ("table", rows of cells) for runs of tab lines."""
    out: list[tuple[str, list[list[str]] | str]] = []
    for line in text.rstrip("\n").split("\n"):
        if "\t" in line:
            if out and out[-1][0] == "table":
                out[-1][1].append(line.split("\t"))  # type: ignore[union-attr]
            else:
                out.append(("table", [line.split("\t")]))
        else:
            out.append(("p", line))
    return out


def _nested_html(text: str) -> str:
    inner = []
    for kind, content in _blocks(text):
        if kind == "p":
            inner.append(f"<p>{content}</p>" if content else "<p>&nbsp;</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td><p>{c}</p></td>" for c in row) + "</tr>" for row in content)
            inner.append(f'<table border="1">{rows}</table>')
    return (
        "<html><body><table width='980'><tr><td class='nav'>首页</td></tr>"
        "<tr><td class='article'>" + "".join(inner) + "</td></tr>"
        "<tr><td>主办单位：某某市人民政府办公室</td></tr></table></body></html>"
    )


def _extract(data: bytes, filename: str):
    return Extractor(RuleTagger()).extract_bytes(data, filename=filename)


def test_html_layout_cell_is_a_container() -> None:
    text, table = _report()
    flat = flatten_html(_nested_html(text))
    lines = flat.split("\n")
    assert "一、总体情况" in lines and "三、收到和处理政府信息公开申请情况" in lines  # not one long line
    assert any(ln.startswith("一、本年新收政府信息公开申请数量\t") for ln in lines)
    res = _extract(_nested_html(text).encode("utf-8"), "r.html")
    assert res.output["tables"]["applications"] == table
    assert [s["index"] for s in res.output["sections"]] == [1, 2, 3, 4, 5, 6]


def test_html_data_cells_with_paragraphs_stay_cells() -> None:
    """Word's HTML export wraps every cell in <p>, a wrapped label in two: still one row."""
    markup = "<table><tr><td><p>（三）不予</p><p>公开</p></td><td><p>3</p></td><td>4</td></tr></table>"
    assert flatten_html(markup) == "（三）不予 公开\t3\t4\n"


def test_html_long_text_cell_is_a_container() -> None:
    para = "本机关认真贯彻落实政府信息公开条例，" * 6
    markup = f"<table><tr><td><p>一、总体情况</p><p>{para}</p><p>{para}</p></td></tr></table>"
    assert flatten_html(markup).split("\n")[0] == "一、总体情况"


def _nested_docx(text: str) -> bytes:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    first = True
    for kind, content in _blocks(text):
        if kind == "p":
            if first:
                cell.paragraphs[0].text = content  # type: ignore[assignment]
                first = False
            else:
                cell.add_paragraph(content)  # type: ignore[arg-type]
        else:
            rows = content  # type: ignore[assignment]
            ncols = max(len(r) for r in rows)
            t = cell.add_table(rows=len(rows), cols=ncols)
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    t.cell(i, j).text = v
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_layout_cell_is_a_container() -> None:
    text, table = _report()
    data = _nested_docx(text)
    doc = load_bytes(data, filename="r.docx")
    lines = doc.text.split("\n")
    assert "一、总体情况" in lines and "四、政府信息公开行政复议、行政诉讼情况" in lines
    assert any(ln.startswith("一、本年新收政府信息公开申请数量\t") for ln in lines)
    res = _extract(data, "r.docx")
    assert res.output["tables"]["applications"] == table
    assert [s["index"] for s in res.output["sections"]] == [1, 2, 3, 4, 5, 6]


def test_docx_data_cell_with_two_paragraphs_stays_a_cell() -> None:
    document = docx.Document()
    t = document.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "（三）不予"
    t.cell(0, 0).add_paragraph("公开")
    t.cell(0, 1).text = "3"
    buf = io.BytesIO()
    document.save(buf)
    assert load_bytes(buf.getvalue(), filename="r.docx").text == "（三）不予 公开\t3\n"
