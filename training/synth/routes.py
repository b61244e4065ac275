"""How users read a rendered document, and where the gold lies in what they read.

A *route* is a document format plus a reader: govreport's own readers (DOCX, HTML, PDF), poppler's
``pdftotext`` (raw reading order and ``-layout``), pdfplumber's ``extract_text()``, and a browser's
copy of the HTML page. ``read_routes`` renders one ``SourceDocument`` per needed format, flattens it
every requested way, and returns one ``RoutedReport`` per route: the flattened text, gold spans
found in it, and the contract's gold answer.

Gold spans come from the rendering, not from a tagger: the document's labelled segments (title,
section headings, header/row labels, cell values, units) are located in the flattened text in
reading order, whitespace inside them tolerated (a wrapped cell). A segment that cannot be found
is counted in ``unlocated`` rather than guessed; the gold *values* never depend on locating.
"""
from __future__ import annotations

import copy
import importlib.util
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import Label

from .blankgold import Stats, contract_tables
from .documents import (
    SourceDocument,
    chrome_page_size,
    chromium_path,
    convert_docx_to_pdf,
    convert_docx_to_text,
    make_document,
    print_html_to_pdf,
    render_docx,
    render_html,
    render_quirk_pdf,
    soffice_path,
)
from .generator import SynthReport
from .ir import Seg

# route name -> (document format, reader)
ROUTES: dict[str, tuple[str, str]] = {
    "docx": ("docx", "govreport"),
    "html": ("html", "govreport"),
    "html:browser-copy": ("html", "browser-copy"),
    # the page saved as Markdown by ``html2text`` (the site's layout table: the report up to the
    # first table in one Markdown cell)
    "html:html2text": ("html", "html2text"),
    # the Word file saved as text by LibreOffice (one cell per line, row by row)
    "lo-text": ("lo-text", "govreport"),
    "lo-pdf": ("lo-pdf", "govreport"),
    "lo-pdf:pdftotext": ("lo-pdf", "pdftotext"),
    "lo-pdf:pdftotext-layout": ("lo-pdf", "pdftotext-layout"),
    "lo-pdf:pdfplumber": ("lo-pdf", "pdfplumber"),
    "wps-pdf": ("quirk-pdf", "govreport"),
    "wps-pdf:pdftotext": ("quirk-pdf", "pdftotext"),
    "wps-pdf:pdftotext-layout": ("quirk-pdf", "pdftotext-layout"),
    "wps-pdf:pdfplumber": ("quirk-pdf", "pdfplumber"),
    # the HTML page printed to PDF by Chromium (a browser's "print / save as PDF")
    "chrome-pdf": ("chrome-pdf", "govreport"),
    "chrome-pdf:pdftotext": ("chrome-pdf", "pdftotext"),
    "chrome-pdf:pdftotext-layout": ("chrome-pdf", "pdftotext-layout"),
    "chrome-pdf:pdfplumber": ("chrome-pdf", "pdfplumber"),
}
# Readers that write a row as its non-empty cells one after another (no column positions, an empty
# cell leaves nothing): their gold is the contract's (``blankgold``: what the reading cannot
# determine is null), the rendered values are kept beside it (``RoutedReport.rendered_tables``).
DROPS_EMPTY_CELLS = frozenset({"pdfplumber", "pdftotext"})
# Raw pdftotext of the LibreOffice and WPS-style PDFs writes table 二 column by column (each column
# header, then its group's non-empty cells one a line): its gold is determined per column, not per
# row (``blankgold.column_cells``). Chromium's PDFs too (their raw reading writes a group's column
# headers, then each column's non-empty cells, or a row's cells after its label: either way, as for
# LibreOffice's), but only table 二: their table 三 is not written as the grid's stream.
# Table 三 too: its row groups column by column, every other row a block per value, no row
# boundaries and no empty cells printed (``blankgold.stream_cells``: its gold needs the reading).
COLUMN_MAJOR = {("lo-pdf", "pdftotext"): frozenset({"active_disclosure", "applications"}),
                ("quirk-pdf", "pdftotext"): frozenset({"active_disclosure", "applications"}),
                ("chrome-pdf", "pdftotext"): frozenset({"active_disclosure"})}  # fmt: skip
SUFFIX = {"docx": ".docx", "html": ".html", "lo-pdf": ".pdf", "quirk-pdf": ".pdf", "chrome-pdf": ".pdf", "lo-text": ".txt"}
# How far ahead (characters) a label or value may be from the previous one found; beyond that it
# counts as not found rather than jumping over text (which would lose everything in between).
_DEFAULT_WINDOW = 600
_DIGITISH = r"\d.,０-９"


@dataclass
class RoutedReport:
    """One document read one way: ``text`` as the reader produced it, gold ``spans`` located in it,
    the contract's ``gold``; ``document`` is govreport's own Document where govreport read the file;
    ``rendered_tables`` the values as rendered where they differ from the gold's (a reader that drops
    empty cells: ``DROPS_EMPTY_CELLS``), else None."""

    id: str
    route: str
    text: str
    spans: list[Span]
    gold: dict[str, Any]
    unlocated: int
    kinds: list[str]
    document: Document | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    rendered_tables: dict[str, Any] | None = None

    def to_document(self) -> Document:
        """The flattened text as a Document carrying its gold spans (training data)."""
        return Document.from_text(self.text, filename=f"{self.id}.txt").with_spans(self.spans)

    def to_synth_report(self) -> SynthReport:
        """The reading as a generated report (``dataset.to_record`` writes it like any other): its
        transforms are ``route:<route>`` and the document's kinds."""
        m = self.meta
        return SynthReport(self.id, self.text, self.spans, self.gold, [f"route:{self.route}", *self.kinds],
                           m["inconsistent"], self.gold["template"], m["seed"], m["index"],
                           {"route": self.route, "unlocated": self.unlocated, "quirks": m.get("quirks")})  # fmt: skip


def missing_tools(routes: Iterable[str]) -> dict[str, str]:
    """Routes that cannot run here -> why (a system program is not installed)."""
    out = {}
    for r in routes:
        fmt, reader = ROUTES[r]
        if fmt in ("lo-pdf", "lo-text") and soffice_path() is None:
            out[r] = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        elif fmt == "chrome-pdf" and chromium_path() is None:
            out[r] = "Chromium is not installed: apt-get install chromium"
        elif reader.startswith("pdftotext") and shutil.which("pdftotext") is None:
            out[r] = "pdftotext is not installed: apt-get install poppler-utils"
        elif reader == "html2text" and importlib.util.find_spec("html2text") is None:
            out[r] = "html2text is not installed: pip install html2text"
    return out


# ---------------------------------------------------------------- readers


def pdftotext(data: bytes, layout: bool = False) -> str:
    """poppler's pdftotext (UTF-8; ``-layout`` keeps the columns); pages end with a form feed."""
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    proc = subprocess.run(cmd, input=data, capture_output=True, timeout=120, check=True)
    return proc.stdout.decode("utf-8", errors="replace")


def pdfplumber_text(data: bytes) -> str:
    """pdfplumber's ``extract_text()`` of every page, pages joined by a newline. pdfminer's warnings
    about fonts without a bounding box (every Chromium PDF) are held back while it reads."""
    import logging

    import pdfplumber

    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    finally:
        log.setLevel(level)


def html_to_markdown(html_text: str) -> str:
    """``html2text``'s Markdown of the page, lines not re-wrapped (``body_width`` 0, as tools that
    save a page as Markdown call it): a layout table's cell is one Markdown row."""
    import html2text

    conv = html2text.HTML2Text()
    conv.body_width = 0
    return conv.handle(html_text)


_BLOCK_TAGS = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol table tbody thead tfoot section article header footer "
                        "blockquote pre form center".split())  # fmt: skip


def browser_copy(html_text: str) -> str:
    """What select-all + copy in a browser gives (the rules of ``innerText``): block elements on their
    own lines, table cells tab-separated and rows on lines, ``<br>`` a line break, ``&nbsp;`` a space,
    runs of other whitespace collapsed."""
    import lxml.html

    root = lxml.html.document_fromstring(html_text)
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    out: list[str] = []

    def newline() -> None:
        if out and not out[-1].endswith("\n"):
            out.append("\n")

    def text(s: str | None) -> None:
        if s:
            s = re.sub(r"[ \t\r\n]+", " ", s).replace("\xa0", " ")
            if out and (out[-1].endswith(("\n", "\t")) or not out[-1]):
                s = s.lstrip(" ")
            out.append(s)

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            out.append("\n")
        elif tag == "tr":
            newline()
            cells = [c for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")]
            for i, c in enumerate(cells):
                if i:
                    out.append("\t")
                text(c.text)
                for child in c:
                    walk(child)
                    text(child.tail)
                if out and out[-1].endswith(" "):
                    out[-1] = out[-1].rstrip(" ")
            newline()
            return
        else:
            if tag in _BLOCK_TAGS:
                newline()
            text(el.text)
            for child in el:
                walk(child)
                text(child.tail)
            if tag in _BLOCK_TAGS:
                newline()

    walk(root.body if root.find("body") is not None else root)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n") + "\n"


# ---------------------------------------------------------------- gold spans


def _pattern(seg: Seg, doubled: bool = False) -> re.Pattern[str]:
    """The segment's characters in order, whitespace tolerated between them; ``doubled``: every
    character drawn twice (faux bold as pdfplumber reads it: ``总总计计``)."""
    chars = [re.escape(c) * (2 if doubled else 1) for c in seg.text if not c.isspace()]
    body = r"\s*".join(chars)
    if seg.label == Label.CELL:
        body = rf"(?<![{_DIGITISH}]){body}(?![{_DIGITISH}])"
    return re.compile(body)


def _search(seg: Seg, text: str, start: int, end: int | None = None) -> re.Match[str] | None:
    """The segment in ``text[start:end]`` (a value never made of lone lines: ``_lone_lines``);
    failing that, drawn twice (faux bold) on a line whose every token is doubled (``_all_doubled``),
    so that a lone ``11`` (eleven) is never taken for a bold ``1``."""
    end = len(text) if end is None else end
    for m in _pattern(seg).finditer(text, start, end):
        if seg.label != Label.CELL or not _lone_lines(text, m.start(), m.end()):
            return m
    for m in _pattern(seg, doubled=True).finditer(text, start, end):
        if _all_doubled(text, m.start(), m.end()):
            return m
    return None


def _fragments(chars: str, text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """A label that a PDF reading broke into pieces on successive lines (the cell wraps while its
    row's values stand beside it): each piece the longest run of the label's next characters found
    within the next few lines; None unless all of the label is found so."""
    out: list[tuple[int, int]] = []
    i, pos = 0, start
    while i < len(chars):
        limit = end if not out else min(end, _nth_newline(text, pos, 4))
        found = None
        for k in range(len(chars) - i, 0, -1):
            if k == 1 and out and len(chars) - i > 1:
                break  # a one-character piece only as the label's last
            body = r"\s*".join(re.escape(c) for c in chars[i : i + k])
            # a later piece starts a line's cell (after a newline or a column gap), never mid-text
            pattern = body if not out else r"(?:(?<=\n)|(?<=  ))[ ]*" + body
            m = re.compile(pattern).search(text, pos, limit)
            if m:
                found = (m.start() + len(m.group()) - len(m.group().lstrip(" ")), m.end())
                i += k
                break
        if found is None:
            return None
        out.append(found)
        pos = found[1]
    return out


def _lone_lines(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] runs over a line break with every piece a line of its own ("1\\n0" in raw
    pdftotext is two values, one a line, never a wrapped 10; a figure wrapped in its cell has its
    row's label or other values beside a piece)."""
    if "\n" not in text[a:b]:
        return False
    x = text.rfind("\n", 0, a) + 1
    y = text.find("\n", b)
    return not text[x:a].strip() and not text[b : y if y >= 0 else len(text)].strip()


def _nth_newline(text: str, pos: int, n: int) -> int:
    for _ in range(n):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


def locate(items: list[tuple[Seg, str]], text: str) -> tuple[list[Span], dict[str, int | None], int]:
    """Gold spans of ``items`` (labelled segments in reading order) in ``text``; the 1-based line of
    each section heading found; and how many items were not found.

    The title and the section headings are found first (in order, anywhere after the previous one);
    every other item is then looked for only between the headings around it, so a value that is not
    where it should be is never taken from another section. A row or column label broken over lines
    gets one span per piece.

    Readers that do not keep the rendering's order (raw ``pdftotext``: a merged cell's label block
    after its values; pdfplumber: empty cells dropped, so the in-order pass skips ahead) leave items
    that the in-order pass misses; a second pass (``_place_unordered``) puts each of them anywhere in
    its section not yet covered, the items matched as a multiset (the labels are type-level: a CELL
    need not be tied to its own cell, only every printed value must be a CELL and nothing else)."""
    spans: list[Span] = []
    sections: dict[str, int | None] = {str(i): None for i in range(1, 7)}
    anchors: dict[int, tuple[int, int]] = {}
    cursor = 0
    for k, (seg, _) in enumerate(items):
        if seg.label in (Label.TITLE, Label.SECTION):
            m = _search(seg, text, cursor)
            if m is not None:
                anchors[k] = (m.start(), m.end())
                cursor = m.end()
    missed: list[tuple[int, Seg]] = []
    furniture = _page_number_lines(text)
    cursor = 0
    for k, (seg, _) in enumerate(items):
        if seg.label in (Label.TITLE, Label.SECTION):
            if k not in anchors:
                missed.append((k, seg))
                continue
            a, b = anchors[k]
            spans.append(Span(a, b, seg.label, source="gold"))
            cursor = b
            if seg.key and seg.key[0] == "section":
                sections[seg.key[1]] = text.count("\n", 0, a) + 1
            continue
        bound = min((anchors[j][0] for j in anchors if j > k), default=len(text))
        end = min(bound, cursor + _DEFAULT_WINDOW + len(seg.text) * 3)
        m = _search(seg, text, cursor, end)
        while m is not None and seg.label == Label.CELL and (_on(m.start(), furniture) or _in_prose(text, m.start())):
            m = _search(seg, text, m.end(), end)  # a page number or a figure in a sentence is never the value
        if m is None and seg.label in (Label.ROW, Label.COL):
            pieces = _fragments("".join(c for c in seg.text if not c.isspace()), text, cursor, end)
            if pieces:
                spans += [Span(a, b, seg.label, source="gold") for a, b in pieces]
                cursor = pieces[0][1]  # the row's values follow its first piece
                continue
        if m is None:
            missed.append((k, seg))
            continue
        spans.append(Span(m.start(), m.end(), seg.label, source="gold"))
        cursor = m.end()
    unlocated = len([1 for _, seg in missed if seg.label in (Label.TITLE, Label.SECTION)])
    rest = [(k, seg) for k, seg in missed if seg.label not in (Label.TITLE, Label.SECTION)]
    if rest:
        placed, unlocated_rest = _place_unordered(rest, anchors, spans, text, furniture)
        spans += placed
        unlocated += unlocated_rest
    spans.sort(key=lambda sp: sp.start)
    return spans, sections, unlocated


# A page number as a line of its own: "- 3 -", "第 3 页", "第3页 共9页", "3 / 9", "Page 3".
_PAGE_FURNITURE = re.compile(r"[-—–‒~ ]*[-—–‒~]\s*\d+\s*[-—–‒~][-—–‒~ ]*|第\s*\d+\s*页(?:\s*[,，/ ]?\s*共\s*\d+\s*页)?"
                             r"|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?")


def _page_number_lines(text: str) -> list[tuple[int, int]]:
    """The lines of ``text`` that are page numbers (never a gold CELL), as (start, end) offsets:
    every line shaped like one (``_PAGE_FURNITURE``), and a bare number first or last on its page
    (pages end with a form feed) when such numbers run with the pages: at the same edge, the number
    minus the page's ordinal the same on every page but one, and on at least two (raw pdftotext may
    also begin or end a page with a lone value)."""
    out: list[tuple[int, int]] = []
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (first/last line, number - page) -> lines
    start = 0
    for p, page in enumerate(text.split("\f")):
        lines = []
        pos = start
        for line in page.split("\n"):
            if line.strip():
                a = pos + len(line) - len(line.lstrip())
                lines.append((a, a + len(line.strip())))
            pos += len(line) + 1
        for a, b in lines:
            if _PAGE_FURNITURE.fullmatch(text[a:b]):
                out.append((a, b))
        for edge, (a, b) in ((0, lines[0]), (1, lines[-1])) if lines else ():
            if text[a:b].isdigit() and len(text[a:b]) < 5:
                edges.setdefault((edge, int(text[a:b]) - p), []).append((a, b))
        start += len(page) + 1
    pages = len(text.rstrip("\f \n").split("\f"))
    for lines in edges.values():
        # on (nearly) every page: a lone value ending a page or two by chance is not a numbering
        if len({text.count("\f", 0, a) for a, _ in lines}) >= max(2, pages - 1):
            out += lines
    return out


def _place_unordered(
    rest: list[tuple[int, Seg]],
    anchors: dict[int, tuple[int, int]],
    spans: list[Span],
    text: str,
    furniture: list[tuple[int, int]],
) -> tuple[list[Span], int]:
    """The items the in-order pass missed, each placed on text no span covers yet: in its section
    (between the headings found around it), else that widened by one, then two headings each way.
    Longer items first, so a short value never takes a piece of a longer label; a value only where a
    table value can stand (``_table_value_at``); a label whole or in pieces (``_free_fragments``).
    Returns (new spans, items still not found)."""
    covered = [(s.start, s.end) for s in spans]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in covered)

    order = sorted(rest, key=lambda ks: (ks[1].label == Label.CELL, -len(ks[1].text.strip()), ks[0]))
    out: list[Span] = []
    # every item is first looked for in its own section, only then one heading wider each way, then two:
    # a value printed where it belongs is never taken by another section's item that strayed
    for widen in range(3):
        left = []
        for k, seg in order:
            lo, hi = _region(k, anchors, len(text), widen)
            found = _place_one(seg, text, lo, hi, free, furniture)
            if found is None:
                left.append((k, seg))
                continue
            covered += found
            out += [Span(a, b, seg.label, source="gold") for a, b in found]
        order = left
    return out, len(order)


def _region(k: int, anchors: dict[int, tuple[int, int]], n: int, widen: int) -> tuple[int, int]:
    """Where item ``k`` is looked for out of order: its section (between the headings found around
    it), widened by ``widen`` headings each way (raw pdftotext writes what a page draws in the
    order the page draws it: a table's last values may stand after the next heading or two)."""
    before = sorted((j for j in anchors if j < k), reverse=True)
    after = sorted(j for j in anchors if j > k)
    lo = anchors[before[widen]][1] if len(before) > widen else 0
    hi = anchors[after[widen]][0] if len(after) > widen else n
    return lo, hi


def _place_one(
    seg: Seg, text: str, lo: int, hi: int, free: Any, furniture: list[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """``seg`` on uncovered text in [lo, hi): whole (drawn twice only on a faux-bold line), else a
    row or column label in pieces; None if nowhere."""
    for doubled in (False, True):
        pattern = _pattern(seg, doubled)
        pos = lo
        while (m := pattern.search(text, pos, hi)) is not None:
            pos = m.start() + 1
            a, b = m.span()
            if not free(a, b):
                continue
            if seg.label == Label.CELL and not _table_value_at(text, a, b, furniture):
                continue
            if doubled and not _all_doubled(text, a, b):
                continue
            return [(a, b)]
    if seg.label in (Label.ROW, Label.COL):
        chars = "".join(c for c in seg.text if not c.isspace())
        found = _free_fragments(chars, text, lo, hi, free)
        if found is None:  # a faux-bold header read doubled and wrapped: 本本年年制制发发件件 / 数数
            found = _free_fragments(chars, text, lo, hi, lambda a, b: free(a, b) and _all_doubled(text, a, b), 2)
        return found
    return None


# A number in prose, even with spaces around it (pdftotext spaces digits off CJK: "2025 年 3 月"):
# a unit or counter word after it, an ordinal or approximation before it.
_PROSE_AFTER = frozenset("年月日号次件人项个条份元万亿%％页时分秒岁名家户批场期篇")
_PROSE_BEFORE = frozenset("第约共近达超逾")  # not 计: "总计 4" is a row


def _table_value_at(text: str, a: int, b: int, furniture: list[tuple[int, int]]) -> bool:
    """Whether text[a:b] can be a printed table value placed out of order: a token of its own on one
    line (whitespace or the text's ends around it, so "培训14人次" is not), not a number in prose
    ("2025 年 3 月", a line with 。), not on a page-number line (``furniture``: ``_page_number_lines``)."""
    if not ((a == 0 or text[a - 1].isspace()) and (b == len(text) or text[b].isspace())) or "\n" in text[a:b]:
        return False
    nxt = re.match(r"[ \t]*(\S)", text[b : b + 8])
    prev = re.search(r"(\S)[ \t]*\Z", text[max(0, a - 8) : a])
    if (nxt and nxt.group(1) in _PROSE_AFTER) or (prev and prev.group(1) in _PROSE_BEFORE):
        return False
    return not _on(a, furniture) and not _in_prose(text, a)


def _in_prose(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` is a sentence (it holds a full stop 。): no table row does."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return "。" in text[a : b if b >= 0 else len(text)]


def _on(pos: int, lines: list[tuple[int, int]]) -> bool:
    return any(x <= pos < y for x, y in lines)


def _all_doubled(text: str, a: int, b: int) -> bool:
    """Every token on the line holding text[a:b] is drawn twice (faux bold read by pdfplumber), one
    of them not a number: a line of lone figures ("11", eleven) is no evidence of a doubled "1"."""
    x = text.rfind("\n", 0, a) + 1
    y = text.find("\n", b)
    tokens = text[x : y if y >= 0 else len(text)].split()
    return all(len(t) % 2 == 0 and t[::2] == t[1::2] for t in tokens) and not all(
        re.fullmatch(rf"[{_DIGITISH}\-]+", t) for t in tokens)


def _token_start(body: str, one_char: bool) -> re.Pattern[str]:
    """``body`` starting a token (after whitespace or at a line's start); a one-character body also
    ending one (a vertical header's lone character, never a character out of a word)."""
    return re.compile(r"(?:(?<=\s)|^)" + body + (r"(?=\s|$)" if one_char else ""), re.M)


def _free_fragments(
    chars: str, text: str, lo: int, hi: int, free: Any, times: int = 1
) -> list[tuple[int, int]] | None:
    """A label broken into pieces that a reader put apart (a cell's wrapped lines between other cells'
    text, a vertical header one character a line): each piece the longest run of the label's next
    characters that starts a token on uncovered text, every later piece within the next four lines
    of the one before; ``times`` 2: every character drawn twice (faux bold). Every token start in
    [lo, hi) where the label begins is tried; None unless all of the label is placed."""

    def piece(i: int, pos: int, limit: int, anchored: bool) -> tuple[int, int, int] | None:
        for k in range(len(chars) - i, 0, -1):
            pattern = _token_start(r"\s*".join(re.escape(c) * times for c in chars[i : i + k]), k == 1)
            found = [pattern.match(text, pos, limit)] if anchored else pattern.finditer(text, pos, limit)
            for m in found:
                if m is not None and free(*m.span()):
                    return m.start(), m.end(), k
        return None

    pos = lo
    first = _token_start(re.escape(chars[0]) * times, False)
    while (m := first.search(text, pos, hi)) is not None:
        pos = m.start() + 1
        out: list[tuple[int, int]] = []
        i, at = 0, m.start()
        while i < len(chars):
            got = piece(i, at, hi if not out else min(hi, _nth_newline(text, at, 4)), anchored=not out)
            if got is None:
                break
            a, b, k = got
            out.append((a, b))
            i, at = i + k, b
        if i == len(chars):
            return out
    return None


def gold_of(doc: SourceDocument, sections: dict[str, int | None], source: str) -> dict[str, Any]:
    c = doc.content
    return {"source": source, "template": c.fmt, "year": c.year, "organ": c.organ, "sections": sections,
            "tables": doc.gold_tables(), "notes": "; ".join(c.notes)}  # fmt: skip


# ---------------------------------------------------------------- documents read every way


def _read(fmt: str, reader: str, data: bytes | str, name: str) -> tuple[str, Document | None]:
    from govreport.extraction.ingest import load_bytes

    if reader == "govreport":
        raw = data.encode("utf-8") if isinstance(data, str) else data
        doc = load_bytes(raw, filename=name)
        return doc.text, doc
    if reader == "browser-copy":
        assert isinstance(data, str)
        return browser_copy(data), None
    if reader == "html2text":
        assert isinstance(data, str)
        return html_to_markdown(data), None
    assert isinstance(data, bytes)
    if reader == "pdftotext":
        return pdftotext(data), None
    if reader == "pdftotext-layout":
        return pdftotext(data, layout=True), None
    if reader == "pdfplumber":
        return pdfplumber_text(data), None
    raise ValueError(f"unknown reader {reader!r}")


def read_routes(docs: list[SourceDocument], routes: list[str], cache_dir: Path | None = None) -> list[RoutedReport]:
    """Every document read every route's way (LibreOffice converts all documents in one call).

    Raises ``RuntimeError`` if a route needs a program that is missing (see ``missing_tools``)."""
    unknown = [r for r in routes if r not in ROUTES]
    if unknown:
        raise ValueError(f"unknown route(s) {unknown}; known: {', '.join(ROUTES)}")
    missing = missing_tools(routes)
    if missing:
        raise RuntimeError("; ".join(f"{r}: {why}" for r, why in missing.items()))
    fmts = {ROUTES[r][0] for r in routes}
    rendered: dict[str, list[bytes | str]] = {}
    if fmts & {"docx", "lo-pdf", "lo-text"}:
        rendered["docx"] = [render_docx(d) for d in docs]
    if "lo-pdf" in fmts:
        rendered["lo-pdf"] = list(convert_docx_to_pdf([bytes(x) for x in rendered["docx"]], cache_dir))
    if "lo-text" in fmts:
        rendered["lo-text"] = list(convert_docx_to_text([bytes(x) for x in rendered["docx"]], cache_dir))
    if "html" in fmts:
        rendered["html"] = [render_html(d) for d in docs]
    if "quirk-pdf" in fmts:
        rendered["quirk-pdf"] = [render_quirk_pdf(d) for d in docs]
    if "chrome-pdf" in fmts:
        rendered["chrome-pdf"] = list(print_html_to_pdf(docs, cache_dir))
    out = []
    for i, d in enumerate(docs):
        items = d.labelled_items()
        # per set of column-major tables (and the reading, where table 三's gold depends on it)
        contracts: dict[tuple[frozenset[str], str | None], tuple[dict[str, Any], Stats]] = {}
        for route in routes:
            fmt, reader = ROUTES[route]
            name = d.id + SUFFIX[fmt]
            text, document = _read(fmt, reader, rendered[fmt][i], name)
            spans, sections, unlocated = locate(items, text)
            rid = f"{d.id}-{route.replace(':', '-')}"
            meta = {"format": fmt, "reader": reader, "quirks": d.quirks.name if fmt == "quirk-pdf" else None,
                    "page": chrome_page_size(d) if fmt == "chrome-pdf" else None,
                    "seed": d.seed, "index": d.index, "inconsistent": d.content.inconsistent}  # fmt: skip
            gold = gold_of(d, sections, name)
            as_rendered = None
            if reader in DROPS_EMPTY_CELLS:
                major = COLUMN_MAJOR.get((fmt, reader), frozenset())
                seen_as = text if "applications" in major else None
                if (major, seen_as) not in contracts:
                    grids = [b.grid for b in d.blocks if b.grid is not None]
                    stats = Stats()
                    contracts[major, seen_as] = (contract_tables(grids, d.fmt, gold["tables"], stats, major, seen_as), stats)
                contract, meta["blankgold"] = contracts[major, seen_as]
                as_rendered, gold["tables"] = gold["tables"], copy.deepcopy(contract)
            out.append(RoutedReport(rid, route, text, spans, gold, unlocated, d.kinds, document, meta, as_rendered))
    return out


def generate_routed(n: int, seed: int, routes: list[str], cache_dir: Path | None = None,
                    batch: int = 50, doc_rates: dict[str, float] | None = None) -> Iterable[RoutedReport]:  # fmt: skip
    """``n`` documents of stream ``seed`` read every route's way, in batches (one LibreOffice call each);
    ``doc_rates``: the chance of each late document kind (``documents.DOC_LATE_KINDS``)."""
    for start in range(0, n, batch):
        docs = [make_document(seed, i, rates=doc_rates) for i in range(start, min(n, start + batch))]
        yield from read_routes(docs, routes, cache_dir)
