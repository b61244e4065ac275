"""Real documents with the generator's gold: DOCX (Word tables), HTML (as government sites publish),
PDF drawn with producer quirks (reportlab), and PDF converted from the DOCX by LibreOffice.

    doc = make_document(seed, index)          # deterministic per (seed, index), own random stream
    docx_bytes = render_docx(doc)              # real Word tables: merged cells as gridSpan / vMerge
    html_text = render_html(doc)               # nested layout table, rowspan/colspan, <br>, &nbsp;
    pdf_bytes = render_quirk_pdf(doc)          # WPS-style: scaled text matrix, one glyph per show, faux bold
    pdfs = convert_docx_to_pdf([docx, ...])    # LibreOffice headless, batched, cached by content hash
    pdfs = print_html_to_pdf([doc, ...])       # Chromium's print to PDF of the HTML page (A4, Letter or A5)

How users flatten them (govreport's readers, pdftotext, pdfplumber, a browser copy) and where the
gold spans lie in each flattened text: ``routes.py``.
"""
from __future__ import annotations

import hashlib
import html
import io
import os
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport.extraction.labels import Label
from govreport.extraction.templates import TABLES, table_spec

from .content import ReportContent, make_content
from .ir import GCell, Grid, Seg
from .pdf_quirks import QuirkCanvas, Quirks, cjk_font
from .render import Style
from .tables import build_grid
from .transforms import KIND_BY_NAME, Ctx

# Content kinds that real documents carry (what the author typed, not what flattening did), with
# their generator rates; drawn from the document's own stream.
DOC_KINDS = ("vertical_labels", "header_variants", "bracket_variants", "total_only_rows", "blank_cells",
             "money_units", "thousands_sep", "negative_values", "applications_8col", "arithmetic_errors",
             "prose_numbers")  # fmt: skip
# kinds added later: drawn from the document's own late stream (``make_document``), so adding one
# leaves every document of a seed that does not show it unchanged; rate 0 unless asked for
DOC_LATE_KINDS = ("fullwidth_digits",)
CJK_FONT_NAME = "WenQuanYi Micro Hei"  # what the DOCX asks for (LibreOffice falls back through fontconfig)


@dataclass
class Block:
    """One element of the document body: a paragraph (title, heading, prose) or a table."""

    kind: str  # title | heading | prose | table
    segs: list[Seg] = field(default_factory=list)
    grid: Grid | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs)


@dataclass
class SourceDocument:
    """A report as its author wrote it: blocks in order, the content behind them and the gold tables."""

    id: str
    seed: int
    index: int
    content: ReportContent
    blocks: list[Block]
    kinds: list[str]
    quirks: Quirks
    landscape_review: bool  # the review table on a landscape page of its own

    @property
    def fmt(self) -> str:
        return self.content.fmt

    def gold_tables(self) -> dict[str, Any]:
        """The contract's tables from the keyed cell segments (None for a table not in the document)."""
        tables: dict[str, Any] = {t: None for t in TABLES}
        for b in self.blocks:
            if b.grid is None:
                continue
            tables[b.grid.table] = table_spec(self.fmt, b.grid.table).empty()
            for row in b.grid.rows:
                for cell in row.cells:
                    for seg in (s for line in cell.lines for s in line):
                        if seg.key and seg.key[0] == "cell":
                            _, t, r, c = seg.key
                            tables[t][r][c] = seg.value
        return tables

    def labelled_items(self) -> list[tuple[Seg, str]]:
        """Labelled segments in reading order (left to right, top to bottom), with their block kind."""
        out: list[tuple[Seg, str]] = []
        for b in self.blocks:
            if b.grid is None:
                out += [(s, b.kind) for s in b.segs if s.label is not None and s.text]
                continue
            for placed in b.grid.placed():
                for _, cell in placed:
                    for line in cell.lines:
                        out += [(s, "table") for s in line if s.label is not None and s.text.strip()]
        return out


def make_document(seed: int, index: int, fmt: str | None = None, rates: dict[str, float] | None = None) -> SourceDocument:
    """Report ``index`` of document stream ``seed`` (its own stream: text reports of a seed are unchanged).

    ``rates``: the chance of each of ``DOC_LATE_KINDS`` (default 0), drawn from a stream of their
    own (``fullwidth_digits``: a PDF printing its figures as ``１２３``)."""
    rng = random.Random(f"govreport-synth-documents:{seed}:{index}")
    content = make_content(rng, fmt)
    style = Style()
    ctx = Ctx(rng, content, style)
    kinds = []
    for name in DOC_KINDS:
        kind = KIND_BY_NAME[name]
        if rng.random() < kind.rate and content.fmt in kind.formats and kind.apply(ctx):
            kinds.append(name)
    late = random.Random(f"govreport-synth-documents-late:{seed}:{index}")
    for name in DOC_LATE_KINDS:
        kind = KIND_BY_NAME[name]
        if late.random() < (rates or {}).get(name, 0.0) and content.fmt in kind.formats \
                and kind.apply(Ctx(late, content, style)):  # fmt: skip
            kinds.append(name)
    blocks = [Block("title", [Seg(content.title, Label.TITLE, ("title",))])]
    blocks += [Block("prose", [Seg(p)]) for p in content.preamble]
    for i in range(1, 7):
        sec = content.sections[i]
        if sec.heading_present:
            blocks.append(Block("heading", [Seg(sec.numbering + sec.title, Label.SECTION, ("section", str(i)))]))
        if not sec.body_present:
            continue
        blocks += [Block("prose", [Seg((p.head or "") + p.body)]) for p in sec.before]
        if sec.table and content.tables_present.get(sec.table):
            blocks.append(Block("table", grid=build_grid(sec.table, content, style.table, rng)))
        blocks += [Block("prose", [Seg((p.head or "") + p.body)]) for p in sec.after]
    blocks += [Block("prose", [Seg(f)]) for f in content.footer]
    quirks = Quirks(
        matrix_scale=rng.choice([1.0, 0.05, 0.05, 0.04]),
        per_glyph=rng.random() < 0.7,
        faux_bold=rng.random() < 0.5,
    )
    return SourceDocument(f"doc-{seed}-{index:06d}", seed, index, content, blocks, kinds, quirks,
                          landscape_review=rng.random() < 0.3)  # fmt: skip


def _cell_text_lines(cell: GCell) -> list[str]:
    return ["".join(s.text for s in line) for line in cell.lines]


# ---------------------------------------------------------------- DOCX


def render_docx(doc: SourceDocument) -> bytes:
    """A Word document: paragraphs, and tables whose merged cells are gridSpan / vMerge."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = CJK_FONT_NAME
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT_NAME)
    for b in doc.blocks:
        if b.grid is None:
            p = d.add_paragraph()
            run = p.add_run(b.text)
            if b.kind in ("title", "heading"):
                run.bold = True
                run.font.size = Pt(16 if b.kind == "title" else 14)
            continue
        if b.grid.table == "review_litigation" and doc.landscape_review:
            section = d.add_section()
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        _docx_table(d, b.grid, Pt)
        if b.grid.table == "review_litigation" and doc.landscape_review:
            section = d.add_section()
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width
    buf = io.BytesIO()
    d.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The package with fixed member timestamps, so a document's bytes (and its conversion cache key)
    depend only on its content."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


def _docx_table(d, grid: Grid, Pt) -> None:  # type: ignore[no-untyped-def]
    """The grid as a Word table built in WordprocessingML: a cell spanning columns has gridSpan, one
    spanning rows starts a vMerge that the cells below continue (python-docx's cell merging is
    quadratic in the table size, so the XML is written directly)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def el(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(k), v)
        return e

    table = d.add_table(rows=0, cols=grid.ncols)
    table.style = "Table Grid"
    owner: dict[tuple[int, int], tuple[int, GCell]] = {}
    for r, row in enumerate(grid.placed()):
        for col, cell in row:
            for dr in range(cell.rowspan):
                owner[(r + dr, col)] = (r, cell)
    half_points = str(int(Pt(9).pt * 2))
    in_header = True
    for r, grow in enumerate(grid.rows):
        tr = el("w:tr")
        if in_header and grow.part == "header":
            tr_pr = el("w:trPr")
            tr_pr.append(el("w:tblHeader"))  # Word repeats header rows on every page the table spans
            tr.append(tr_pr)
        else:
            in_header = False
        col = 0
        while col < grid.ncols:
            start, cell = owner.get((r, col), (r, GCell()))
            tc = el("w:tc")
            tc_pr = el("w:tcPr")
            if cell.colspan > 1:
                tc_pr.append(el("w:gridSpan", **{"w:val": str(cell.colspan)}))
            if cell.rowspan > 1:
                tc_pr.append(el("w:vMerge", **({"w:val": "restart"} if start == r else {})))
            tc.append(tc_pr)
            lines = _cell_text_lines(cell) if start == r else []
            for text in lines or [""]:
                p = el("w:p")
                if text:
                    run = el("w:r")
                    r_pr = el("w:rPr")
                    r_pr.append(el("w:sz", **{"w:val": half_points}))
                    run.append(r_pr)
                    t = el("w:t")
                    t.text = text
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    run.append(t)
                    p.append(run)
                tc.append(p)
            tr.append(tc)
            col += max(cell.colspan, 1)
        table._tbl.append(tr)


# ---------------------------------------------------------------- HTML


def render_html(doc: SourceDocument, rng: random.Random | None = None) -> str:
    """The page as a government site publishes it: the report inside a layout table (tables nested
    in it), cells with rowspan/colspan, <br> between a cell's lines, &nbsp; for empty cells and indents."""
    rng = rng or random.Random(f"govreport-synth-documents-html:{doc.seed}:{doc.index}")
    body: list[str] = []
    for b in doc.blocks:
        if b.grid is not None:
            body.append(_html_table(b.grid, rng))
        elif b.kind == "title":
            body.append(f'<p align="center"><strong><span style="font-size:22px">{html.escape(b.text)}</span></strong></p>')
        elif b.kind == "heading":
            body.append(f"<p><strong>{html.escape(b.text)}</strong></p>")
        else:
            indent = "&nbsp;" * rng.choice([0, 4, 8]) if rng.random() < 0.6 else ""
            body.append(f'<p style="text-indent:2em">{indent}{html.escape(b.text)}</p>')
    nav = '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>'
    inner = "\n".join(body)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + html.escape(doc.content.title)
        + "</title></head><body>\n"
        + nav
        + '\n<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="content">\n'
        + inner
        + "\n</td></tr></table>\n</body></html>\n"
    )


def _html_table(grid: Grid, rng: random.Random) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse" width="600">', "<tbody>"]
    for row in grid.rows:
        out.append("<tr>")
        for cell in row.cells:
            attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            texts = _cell_text_lines(cell)
            if len(texts) == 1 and cell.kind == "row" and len(texts[0]) > 12 and rng.random() < 0.3:
                k = rng.randint(4, len(texts[0]) - 4)  # an editor's line break inside a long label
                texts = [texts[0][:k], texts[0][k:]]
            lines = [html.escape(t) for t in texts]
            inner = "<br>".join(lines) if lines else "&nbsp;"
            if lines and cell.kind in ("row", "col") and rng.random() < 0.2:
                inner = f"<p>{inner}</p>"
            out.append(f'<td{attrs} valign="middle">{inner}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# ---------------------------------------------------------------- PDF drawn with producer quirks

_A4 = (595.27, 841.89)
_MARGIN = 72.0


@dataclass
class DrawnRow:
    """One data row of a table as ``_PdfLayout`` drew it: its page (0-based), its top (points, y up),
    its height in lines, and per value cell (index among the value columns, x where its text
    starts, the text as printed, ``""`` where empty)."""

    table: str
    key: str | None
    page: int
    top: float
    lines: int
    cells: list[tuple[int, float, str]]


class _PdfLayout:
    """A small typesetter over ``QuirkCanvas``: wrapped paragraphs, ruled tables split across pages
    with the header rows repeated, an optional landscape page for a wide table."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.c = QuirkCanvas(doc.quirks, pagesize=_A4)
        self.pagesize = _A4
        self.y = _A4[1] - _MARGIN
        self.started = False
        self.page = 0  # 0-based index of the page being drawn
        # every data row of every table as drawn (``DrawnRow``): what a diagnosis of the reading order
        # needs (``orderfit``); the PDF does not depend on it
        self.drawn: list[DrawnRow] = []

    @property
    def width(self) -> float:
        return self.pagesize[0] - 2 * _MARGIN

    def new_page(self, pagesize: tuple[float, float] | None = None) -> None:
        if self.started:
            self.c.show_page()
            self.page += 1
        if pagesize is not None and pagesize != self.pagesize:
            self.c.canvas.setPageSize(pagesize)
            self.pagesize = pagesize
        self.y = self.pagesize[1] - _MARGIN
        self.started = False

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        lines, cur, w = [], "", 0.0
        for ch in text:
            cw = self.c.width(ch, size)
            if cur and w + cw > width:
                lines.append(cur)
                cur, w = "", 0.0
            cur += ch
            w += cw
        return lines + [cur] if cur or not lines else lines

    def paragraph(self, text: str, size: float, bold: bool = False, center: bool = False, indent: float = 0.0) -> None:
        leading = size * 1.5
        lines = self.wrap(text, size, self.width - indent)
        for i, line in enumerate(lines):
            if self.y - leading < _MARGIN:
                self.new_page()
            self.y -= leading
            x = _MARGIN + (indent if i == 0 else 0.0)
            if center:
                x = (self.pagesize[0] - self.c.width(line, size)) / 2
            self.c.text(x, self.y, line, size, bold=bold)
            self.started = True
        self.y -= size * 0.5

    def table(self, grid: Grid, size: float = 9.0) -> None:
        widths = self._column_widths(grid, size)
        xs = [_MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        placed = grid.placed()
        leading = size * 1.35
        pad = 3.0  # left and right cell margins; Word's and WPS's default top and bottom margins are 0,
        # so the lines of a cell spanning rows keep the rows' pitch
        # the height each row needs: its single-row cells' wrapped lines
        wrapped: dict[tuple[int, int], list[str]] = {}
        heights = []
        for r, row in enumerate(placed):
            need = 1
            for col, cell in row:
                w = xs[min(col + cell.colspan, len(widths))] - xs[col] - 2 * pad
                lines = [piece for t in _cell_text_lines(cell) for piece in self.wrap(t, size, max(w, size))]
                wrapped[(r, col)] = lines
                if cell.rowspan == 1:
                    need = max(need, len(lines))
            heights.append(need * leading)
        header = [r for r, row in enumerate(grid.rows) if row.part == "header" and all(
            grid.rows[k].part == "header" for k in range(r))]  # fmt: skip

        def draw_row(r: int) -> None:
            top = self.y
            if grid.rows[r].part == "data":
                self.drawn.append(DrawnRow(
                    grid.table, grid.rows[r].key, self.page, top, round(heights[r] / leading),
                    [(col - grid.nlabel, xs[col] + pad, "".join(wrapped[(r, col)]))
                     for col, cell in placed[r] if cell.kind == "val"]))  # fmt: skip
            for col, cell in placed[r]:
                lines = wrapped[(r, col)]
                for i, line in enumerate(lines):
                    self.c.text(xs[col] + pad, top - (i + 1) * leading + size * 0.3, line, size,
                                bold=grid.rows[r].part == "header")
            self.c.rule(xs[0], top, xs[-1], top)
            self.c.rule(xs[0], top - heights[r], xs[-1], top - heights[r])
            for x in xs:
                self.c.rule(x, top, x, top - heights[r])
            self.y -= heights[r]
            self.started = True

        self.y -= size
        for r in range(len(placed)):
            if self.y - heights[r] < _MARGIN:
                self.new_page()
                if r not in header:
                    for h in header:  # Word's "repeat as header row"
                        draw_row(h)
            draw_row(r)
        self.y -= size

    def _column_widths(self, grid: Grid, size: float) -> list[float]:
        label = [0.0] * grid.ncols
        for row in grid.placed():
            for col, cell in row:
                if cell.colspan == 1 and cell.kind == "val":
                    label[col] = max(label[col], max((self.c.width(t, size) for t in _cell_text_lines(cell)), default=0))
        value_w = max(max(label[grid.nlabel:], default=0.0) + 8, min(size * 6, self.width / grid.ncols))
        rest = self.width - value_w * (grid.ncols - grid.nlabel)
        if grid.nlabel:
            rest = max(rest, size * 4 * grid.nlabel)
            return [rest / grid.nlabel] * grid.nlabel + [value_w] * (grid.ncols - grid.nlabel)
        return [self.width / grid.ncols] * grid.ncols

    def render(self) -> bytes:
        for b in self.doc.blocks:
            if b.kind == "title":
                self.paragraph(b.text, 18, bold=True, center=True)
            elif b.kind == "heading":
                self.paragraph(b.text, 14, bold=True)
            elif b.grid is not None:
                landscape = b.grid.table == "review_litigation" and self.doc.landscape_review
                if landscape:
                    self.new_page((_A4[1], _A4[0]))
                self.table(b.grid)
                if landscape:
                    self.new_page(_A4)
            else:
                self.paragraph(b.text, 12, indent=24)
        self.c.show_page()
        return self.c.save()


def render_quirk_pdf(doc: SourceDocument) -> bytes:
    """The report as a PDF drawn with ``doc.quirks`` (scaled matrix, one glyph per show, faux bold)."""
    cjk_font()
    return _PdfLayout(doc).render()


# ---------------------------------------------------------------- PDF from DOCX via LibreOffice


def soffice_path() -> str | None:
    """LibreOffice's command line (Debian libreoffice-writer-nogui), or None if it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def default_cache_dir() -> Path:
    return Path(os.environ.get("GOVREPORT_SYNTH_CACHE", Path.home() / ".cache" / "govreport" / "synth-pdf"))


def convert_docx_to_pdf(docs: list[bytes], cache_dir: Path | None = None, timeout_s: float = 600.0) -> list[bytes]:
    """PDF bytes for each DOCX, converted by one LibreOffice call for all that are not cached.

    The cache is keyed by the DOCX's SHA-256 (the same document always converts to the same file),
    written atomically. Raises ``RuntimeError`` when LibreOffice is missing or a conversion fails.
    """
    return _convert_docx(docs, "pdf", "pdf", cache_dir, timeout_s)


def convert_docx_to_text(docs: list[bytes], cache_dir: Path | None = None, timeout_s: float = 600.0) -> list[bytes]:
    """LibreOffice's "Text" export of each DOCX (File > Save As > Text, UTF-8 with a BOM): every
    paragraph and every table cell on a line of its own, a table's cells row by row, a merged
    cell's continuation an empty line. Cached and raising like ``convert_docx_to_pdf``."""
    return _convert_docx(docs, "txt:Text (encoded):UTF8", "txt", cache_dir, timeout_s)


def _convert_docx(docs: list[bytes], target: str, suffix: str, cache_dir: Path | None, timeout_s: float) -> list[bytes]:
    exe = soffice_path()
    cache = cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(d).hexdigest() for d in docs]
    todo = {k: d for k, d in zip(keys, docs) if not (cache / f"{k}.{suffix}").exists()}
    if todo:
        if exe is None:
            raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
        with tempfile.TemporaryDirectory(prefix="govreport-lo-") as tmp:
            src, out, profile = Path(tmp, "in"), Path(tmp, "out"), Path(tmp, "profile")
            src.mkdir()
            for k, d in todo.items():
                (src / f"{k}.docx").write_bytes(d)
            cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(out), *sorted(str(p) for p in src.iterdir())]  # fmt: skip
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
            for k in todo:
                _cache_pdf(out / f"{k}.{suffix}", cache / f"{k}.{suffix}", f"LibreOffice did not convert {k}.docx", proc)
    return [(cache / f"{k}.{suffix}").read_bytes() for k in keys]


def _cache_pdf(pdf: Path, target: Path, failure: str, proc: subprocess.CompletedProcess[bytes]) -> None:
    """Copy a converter's output (a PDF, a text) into the cache atomically; raise ``RuntimeError`` (``failure``, the
    exit status and the end of its stderr) when it wrote none or an empty one."""
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"{failure} (exit {proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
    tmp_target = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(pdf, tmp_target)
    os.replace(tmp_target, target)


# ---------------------------------------------------------------- PDF printed from the HTML page by Chromium

# The page sizes a user prints to; a narrow page (A5) wraps the tables' label columns beside their
# values (a group label's pieces on the row labels' lines), which a wide one does not.
CHROME_PAGES = ("A4", "Letter", "A5")


def chromium_path() -> str | None:
    """Chromium's command line (Debian ``chromium``), or None if it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chrome_page_size(doc: SourceDocument) -> str:
    """The page size this document is printed to, drawn from a stream of its own (seed, index):
    adding the route changes no other draw, so existing seeds keep producing identical reports."""
    return random.Random(f"govreport-synth-documents-chrome-page:{doc.seed}:{doc.index}").choice(CHROME_PAGES)


def chrome_html(doc: SourceDocument) -> str:
    """The HTML page (``render_html``) with the print page size the user chose."""
    page = chrome_page_size(doc)
    return render_html(doc).replace("</head>", f"<style>@page {{ size: {page}; }}</style></head>", 1)


def print_html_to_pdf(docs: list[SourceDocument], cache_dir: Path | None = None, timeout_s: float = 120.0) -> list[bytes]:
    """PDF bytes for each document's HTML page as Chromium prints it (``--headless --print-to-pdf``,
    no header or footer), one call per document not cached. The cache is keyed by the SHA-256 of the
    printed HTML, written atomically. Raises ``RuntimeError`` when Chromium is missing or fails."""
    exe = chromium_path()
    cache = cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    pages = [chrome_html(d) for d in docs]
    keys = ["chrome-" + hashlib.sha256(p.encode("utf-8")).hexdigest() for p in pages]
    todo = {k: p for k, p in zip(keys, pages) if not (cache / f"{k}.pdf").exists()}
    if todo:
        if exe is None:
            raise RuntimeError("Chromium is not installed: apt-get install chromium")
        with tempfile.TemporaryDirectory(prefix="govreport-chrome-") as tmp:
            for k, page in todo.items():
                src, pdf = Path(tmp, f"{k}.html"), Path(tmp, f"{k}.pdf")
                src.write_text(page, encoding="utf-8")
                cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                       f"--user-data-dir={Path(tmp, 'profile')}", f"--print-to-pdf={pdf}", src.as_uri()]  # fmt: skip
                proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
                _cache_pdf(pdf, cache / f"{k}.pdf", f"Chromium did not print {k}.html", proc)
    return [(cache / f"{k}.pdf").read_bytes() for k in keys]
