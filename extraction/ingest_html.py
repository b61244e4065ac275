"""HTML flattened to the text a reader would copy out of a browser.

Block elements end lines, ``<br>`` forces one, a table row is one line of tab-separated cells
(a ``colspan``/``rowspan`` cell appears once, where it starts; an empty cell stays an empty field).
The page ``<title>`` heads the text, followed by two blank lines, as in the reference copy
(tests/data/corpus/hangzhou_fixture.html -> hangzhou_fixture.txt). Line breaks inside a table cell
become spaces so that every row stays on one line. A layout table (old pages put the whole article
in one cell, the report's own tables nested inside) is no table: a cell holding block content (a table
of its own, a heading, several paragraphs of text) is a container whose blocks flow as lines.
"""

from __future__ import annotations

import re

from lxml import etree, html

from .errors import InputError
from .limits import check_deadline, time_left

# Elements whose content a browser never shows (or that we cannot render as text).
_SKIP = frozenset(
    "head title script style noscript template iframe object embed svg math select textarea canvas "
    "audio video map meta link base".split()
)
# Elements that start and end a line (CSS display: block / list-item / table parts).
_BLOCK = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup html legend li listing main menu nav ol p "
    "plaintext section summary ul caption table thead tbody tfoot tr td th".split()
)
_PRE = frozenset("pre listing plaintext xmp".split())
_CELL = frozenset(("td", "th"))
_ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
# CSS Text 3: a segment break between two East Asian wide characters is removed, not turned into a space.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# WHATWG MIME sniffing: the tags that mark a resource as HTML when they open it.
_HTML_START = re.compile(
    r"\s*(?:<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)"
    r"(?:[\s>]|$)|\s*<\?xml[^>]*>\s*(?:<!doctype\s+html|<html)",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """Whether text opens like an HTML document (WHATWG MIME sniffing, plus XHTML)."""
    return _HTML_START.match(text[:1024]) is not None


# A whole HTML document (not a text that merely opens with a tag): what a page saved under a .txt
# name holds; its markup is never the report's text.
_HTML_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html)(?:[\s>]|$)", re.I | re.S)


def is_html_document(text: str) -> bool:
    """Whether text opens as a whole HTML document (``<!DOCTYPE html``, ``<html``)."""
    return _HTML_DOCUMENT.match(text[:1024]) is not None


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first 1024 bytes declares, if any (not yet validated)."""
    m = _META_CHARSET.search(data[:1024])
    return m.group(1).decode("ascii").lower() if m else None


class _Lines:
    """Lays text out as a browser does: inline text joins, whitespace collapses, blocks break lines.

    In a table cell (``in_cell``) every line break becomes a space, so the cell stays on one line.
    """

    def __init__(self, in_cell: bool = False) -> None:
        self.in_cell = in_cell
        self.lines: list[str] = []
        self._buf: list[str] = []

    def _ends_with_space(self) -> bool:
        return not self._buf or self._buf[-1].endswith(" ")

    def text(self, s: str | None, pre: bool = False) -> None:
        if not s:
            return
        if pre:
            first, *rest = s.replace("\r\n", "\n").split("\n")
            self._buf.append(first)
            for part in rest:
                self.hard_break()
                self._buf.append(part)
            return
        s = _COLLAPSIBLE.sub(" ", _CJK_SEGMENT_BREAK.sub("", s))
        if s.startswith(" ") and self._ends_with_space():
            s = s[1:]
        if s:
            self._buf.append(s)

    def soft_break(self) -> None:
        """A block boundary: ends the current line if it has content; never makes a blank line."""
        if self.in_cell:
            self.text(" ")
        elif "".join(self._buf).strip(" "):
            self.hard_break()
        else:
            self._buf.clear()

    def hard_break(self) -> None:
        """``<br>``: ends the current line, even an empty one."""
        if self.in_cell:
            self.text(" ")
            return
        self.lines.append("".join(self._buf).rstrip(" "))
        self._buf.clear()

    def line(self, s: str) -> None:
        """A whole line made elsewhere (a table row)."""
        self.soft_break()
        self.lines.append(s)

    def cell_value(self) -> str:
        return "".join(self._buf).strip(" ")


def _tag(el: etree._Element) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


# Elements walked between two looks at the request's deadline. A page of 10 MB can hold 1.4 M
# empty elements (``<i></i>`` …): walking them took over a minute, and the service's worker went on
# for that long after answering 504 (its deadline is checked only between stages).
_DEADLINE_EVERY = 4096


def _tick(n: int) -> None:
    if n % _DEADLINE_EVERY == 0:
        check_deadline("reading the HTML")


class _Flattener:
    def __init__(self, out: _Lines) -> None:
        self.out = out
        self.walked = 0

    def children(self, el: etree._Element, pre: bool = False) -> None:
        self.out.text(el.text, pre)
        for child in el:
            self.element(child, pre)
            self.out.text(child.tail, pre)

    def element(self, el: etree._Element, pre: bool = False) -> None:
        self.walked += 1
        _tick(self.walked)
        tag = _tag(el)
        if tag is None or tag in _SKIP or _hidden(el):
            return
        if tag == "br":
            self.out.hard_break()
        elif tag == "hr":
            self.out.soft_break()
        elif tag == "table" and not self.out.in_cell:
            self.table(el)
        elif tag in _BLOCK or tag in _PRE:
            self.out.soft_break()
            self.children(el, pre or tag in _PRE)
            self.out.soft_break()
        else:
            self.children(el, pre)

    def table(self, table: etree._Element) -> None:
        self.out.soft_break()
        for part in table:
            tag = _tag(part)
            if tag is None or _hidden(part):
                continue
            if tag == "caption":
                self.element(part)
            elif tag == "tr":
                self.row(part)
            elif tag in _ROW_GROUPS:
                for tr in part:
                    if _tag(tr) == "tr" and not _hidden(tr):
                        self.row(tr)
        self.out.soft_break()

    def row(self, tr: etree._Element) -> None:
        self.walked += 1
        _tick(self.walked)
        cells = [c for c in tr if _tag(c) in _CELL and not _hidden(c)]
        if any(_is_container(c) for c in cells):
            for c in cells:  # a layout row: each cell's content flows as blocks, its tables are tables
                self.out.soft_break()
                self.children(c)
                self.out.soft_break()
        elif cells:
            self.out.line("\t".join(_cell_text(c) for c in cells))


_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CONTAINER_BLOCKS = 3  # paragraphs in one cell that, with enough text, make it a page column
_CONTAINER_TEXT = 200


def _is_container(cell: etree._Element) -> bool:
    """A layout cell (old pages put the whole article in one): it holds a table of its own (of two
    rows or more: a one-row table inside a data cell is read inline), a heading, or several
    paragraphs of running text. Such a cell is a container of blocks, not a
    table cell; a data cell with one or two ``<p>`` (Word's HTML export) stays a cell."""
    blocks = 0
    for el in cell.iterdescendants():
        tag = _tag(el)
        if tag is None or _hidden(el):
            continue
        if tag in _HEADINGS or (tag == "table" and sum(_tag(r) == "tr" for r in el.iter()) >= 2):
            return True
        blocks += tag in ("p", "div", "li")
    return blocks >= _CONTAINER_BLOCKS and len(cell.text_content().strip()) >= _CONTAINER_TEXT


def _cell_text(cell: etree._Element) -> str:
    out = _Lines(in_cell=True)
    _Flattener(out).children(cell)
    return out.cell_value()


def _title(root: etree._Element) -> str:
    for el in root.iter("title"):
        text = _COLLAPSIBLE.sub(" ", el.text_content()).strip(" ")
        if text:
            return text
    return ""


# Nesting the flattener follows (it recurses, two frames a level); real pages nest a few dozen.
MAX_BLOCK_DEPTH = 200
_TRANSPARENT_EXCEPT = _SKIP | _BLOCK | _PRE | {"br", "hr"}


def _unwrap_inline(root: etree._Element) -> None:
    """Drop the tags of visible inline elements (``<font>``, ``<span>``, ``<b>`` …), keeping their text.

    The flattener treats them as transparent anyway; old editors leave thousands of them unclosed,
    one inside the next, which would otherwise nest the tree thousands deep. Outermost first, so
    each element's children move once. Non-recursive.
    """
    elements = []
    for n, el in enumerate(root.iter(), 1):  # listed first (drop_tag moves what iter() walks), with ticks:
        _tick(n)  # a page of 400,000 elements took ~0.5 s to list before the first look at the deadline
        elements.append(el)
    for n, el in enumerate(elements, 1):
        _tick(n)
        tag = _tag(el)
        if tag is not None and tag not in _TRANSPARENT_EXCEPT and not _hidden(el) and el.getparent() is not None:
            el.drop_tag()


def _block_depth(root: etree._Element, limit: int) -> int:
    """The deepest element nesting under ``root``, counted without recursion (stops past ``limit``)."""
    deepest, n = 0, 0
    stack = [(root, 1)]
    while stack:
        n += 1
        _tick(n)
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        for child in el:  # counted one by one: a <body> of 400,000 children was one 1.7 s step
            n += 1
            _tick(n)
            stack.append((child, depth + 1))
    return deepest


# Bytes fed to the parser between two looks at the deadline (~20 ms of libxml2's time): a page of
# 400,000 elements was parsed whole, ~0.5 s, before the deadline was first looked at.
_FEED_BYTES = 256 * 1024


def _parse(data: bytes) -> etree._Element | None:
    """The page's tree; None for a page with no element. Under a deadline (the service) a page
    over ``_FEED_BYTES`` is fed that much at a time, the deadline looked at between (the same tree
    as ``html.document_fromstring``'s; libxml2's push parser is ~25 % slower, so without a
    deadline, as in the CLI and batch, the page is parsed at once)."""
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    if time_left() is None or len(data) <= _FEED_BYTES:
        try:
            return html.document_fromstring(data, parser=parser)
        except etree.ParserError:  # lxml's "Document is empty"
            return None
    for start in range(0, len(data), _FEED_BYTES):
        check_deadline("reading the HTML")
        parser.feed(data[start : start + _FEED_BYTES])
    if not data:
        return None
    try:
        root = parser.close()
    except etree.XMLSyntaxError:  # no element at all (whitespace, a lone comment)
        return None
    return root if root is not None and root.tag is not None else None


def flatten_html(markup: str) -> str:
    """The text of an HTML page, one line per block and per table row; ``""`` if nothing is visible.

    Parsed without libxml2's depth limit (``huge_tree``: past 255 open tags it used to drop the
    rest of the page silently); a page whose blocks still nest deeper than ``MAX_BLOCK_DEPTH``
    after inline tags are unwrapped is refused (InputError), never truncated."""
    root = _parse(markup.encode("utf-8"))
    if root is None:  # lxml's "Document is empty"
        return ""
    if _block_depth(root, MAX_BLOCK_DEPTH) > MAX_BLOCK_DEPTH:  # only then: unwrapping joins text runs
        _unwrap_inline(root)
    if _block_depth(root, MAX_BLOCK_DEPTH) > MAX_BLOCK_DEPTH:
        raise InputError(
            f"the HTML nests its blocks more than {MAX_BLOCK_DEPTH} deep (unclosed <div>/<p>/<table> tags?): "
            "save the page as .docx, .pdf or .txt"
        )
    out = _Lines()
    title = _title(root)
    if title:
        out.lines.extend([title, "", ""])
    body = root.find("body")
    _Flattener(out).element(body if body is not None else root)
    out.soft_break()
    lines = out.lines
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    return "\n".join(lines).replace("\xa0", " ") + "\n"
