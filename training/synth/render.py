"""Render a report's content into labelled lines, and read text, spans and gold back from them.

``render_report`` lays out title, preamble, sections, prose and tables in one of the report-wide
styles (``Style.layout``); ``finalize`` joins the lines into the text and derives the spans and the
contract's gold (section lines, table values) from the segments that are still there, which is why
the line transforms in ``transforms.py`` never have to fix offsets or gold by hand.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field, replace
from typing import Any

from govreport.extraction.document import Span
from govreport.extraction.labels import Label
from govreport.extraction.templates import TABLES, table_spec

from .content import Para, ReportContent
from .ir import Line, O, Seg, blank_line
from .layouts import LayoutOpts, render_grid
from .tables import TableStyle, build_grid

# report-wide layout -> (table layout, paragraph separation, prose wrap width or None, indent)
REPORT_LAYOUTS: dict[str, tuple[str, str, bool, str]] = {
    "canonical": ("browser", "blank", False, ""),
    "tab_grid": ("word", "blank", False, ""),
    "html_copy": ("browser", "none", False, "\u3000\u3000"),
    "space_aligned": ("space", "none", True, "    "),
    "one_cell_per_line": ("one_per_line", "none", True, ""),
}


@dataclass
class Style:
    layout: str = "canonical"
    table: TableStyle = field(default_factory=TableStyle)
    displaced: str | None = None
    markdown: bool = False
    section_numbering: str | None = None  # None | "dot" | "fwdot" | "space" | "part" (第一部分)
    part_sep: str = " "  # after 第X部分
    web_head: list[str] = field(default_factory=list)  # NOISE lines above the title (html_copy)
    crawler: bool = False  # crawler text: the body on one line, table cells run together (crawler.py)
    line_end: str = "\n"  # what ends a line in the saved text ("\r\n": kind crlf_line_ends)
    line_ends: dict[int, str] = field(default_factory=dict)  # line index -> what ends the line before it (manual_line_breaks)
    # (charset saved in, single-byte charset it was then read as): kind mojibake (``as_mojibake``)
    mojibake: tuple[str, str] | None = None
    # what a strict Windows-1252 reader made of its five undefined bytes: "drop" or "replace" (U+FFFD
    # each); None: a lenient reader (the C1 control of that number). Kind mojibake_lossy.
    mojibake_lost: str | None = None


def _prose_lines(text: str, style: Style, rng: random.Random) -> list[Line]:
    _, _, wrap, indent = REPORT_LAYOUTS[style.layout]
    if not wrap:
        return [Line([O(indent + text)] if indent else [O(text)])]
    w = rng.randint(34, 44)
    chunks = [text[i : i + w] for i in range(0, len(text), w)]
    out = []
    for i, c in enumerate(chunks):
        pre = indent if (i == 0 and indent) else ""
        out.append(Line([O(pre + c)]))
    return out


def _para_lines(p: Para, style: Style, rng: random.Random) -> list[Line]:
    if p.head is None:
        return _prose_lines(p.body, style, rng)
    head = f"**{p.head}**" if style.markdown else p.head
    if p.body and p.head.endswith("。") and rng.random() < 0.8:
        return _prose_lines(head + p.body, style, rng)
    out = _prose_lines(head, style, rng)
    return out + (_prose_lines(p.body, style, rng) if p.body else [])


def _heading(content: ReportContent, i: int, style: Style, rng: random.Random, md: tuple[str, str]) -> Line:
    sec = content.sections[i]
    numbering = sec.numbering
    if style.section_numbering == "dot":
        numbering = numbering[:-1] + "."
    elif style.section_numbering == "fwdot":
        numbering = numbering[:-1] + "．"
    elif style.section_numbering == "space":
        numbering = numbering + " "
    elif style.section_numbering == "part":
        numbering = f"第{numbering[0]}部分{style.part_sep}"
    segs: list[Seg] = []
    prefix, bold = md if style.markdown else ("", "")
    if style.layout == "space_aligned":
        prefix = " " * rng.choice([0, 0, 4, 8])
    if prefix:
        segs.append(O(prefix))
    if bold:
        segs.append(O(bold))
    segs.append(Seg(numbering + sec.title, Label.SECTION, ("section", str(i))))
    if bold:
        segs.append(O(bold))
    return Line(segs, role="heading")


def render_report(content: ReportContent, style: Style, rng: random.Random) -> list[Line]:
    table_layout, sep, _, _ = REPORT_LAYOUTS[style.layout]
    blocks = itertools.count()
    out: list[Line] = [blank_line() for _ in range(rng.choice([0, 0, 1, 2]))]

    def para_break() -> None:
        if sep == "blank" or rng.random() < 0.1:
            out.append(blank_line())

    for junk in style.web_head:
        out.append(Line([Seg(junk, Label.NOISE)], role="noise"))
    # title
    t_prefix = "# " if style.markdown and rng.random() < 0.8 else ""
    if style.layout == "space_aligned":
        t_prefix = " " * rng.randint(4, 16)
    parts = [content.title]
    if content.title_break:
        parts = [content.title[: content.title_break].strip(), content.title[content.title_break :].strip()]
    for p in parts:
        out.append(Line(([O(t_prefix)] if t_prefix else []) + [Seg(p, Label.TITLE, ("title",))], role="title"))
    out.append(blank_line())
    for p in content.preamble:
        out += _prose_lines(p, style, rng)
        para_break()
    md_styles = [("## ", ""), ("### ", ""), ("#### ", ""), ("", "**"), ("## ", "**")]
    md_pick = rng.sample(md_styles, 2)
    for i in range(1, 7):
        sec = content.sections[i]
        if sec.heading_present:
            out.append(_heading(content, i, style, rng, rng.choice(md_pick)))
            para_break()
        if not sec.body_present:
            continue
        for p in sec.before:
            out += _para_lines(p, style, rng)
            para_break()
        if sec.table and content.tables_present.get(sec.table):
            grid = build_grid(sec.table, content, style.table, rng)
            opts = LayoutOpts(
                rng, blocks, displaced=style.displaced if sec.table == "applications" else None,
                trailing_tab=rng.random() < 0.4, trailing_space=rng.random() < 0.7,
            )  # fmt: skip
            out += render_grid(grid, table_layout, opts)
            para_break()
        for p in sec.after:
            out += _para_lines(p, style, rng)
            para_break()
    for f in content.footer:
        pad = " " * rng.randint(20, 40) if style.layout == "space_aligned" else ""
        out.append(Line(([O(pad)] if pad else []) + [O(f)]))
    if style.crawler:
        from .crawler import flatten

        out = flatten(out, content.fmt, content.organ, content.year, rng)
    return out


# --- text, spans and gold ---------------------------------------------------------------------------
def finalize(lines: list[Line], content: ReportContent, organ: str, source: str,
             line_end: str = "\n", line_ends: dict[int, str] | None = None) -> tuple[str, list[Span], dict[str, Any]]:  # fmt: skip
    """Join the lines with ``line_end`` (``line_ends[n]``, where given, ends the line before line n); spans from
    labelled segments; gold from the keyed segments that survived.

    ``organ`` is the simplified-character name even in a report printed in traditional characters
    (the pipeline normalises to simplified, and an organ is a name to look up, not a printed value)."""
    parts: list[str] = []
    spans: list[Span] = []
    section_line: dict[str, int | None] = {str(i): None for i in range(1, 7)}
    tables: dict[str, Any] = {t: None for t in TABLES}
    present = {ln.table for ln in lines if ln.table}
    # crawler text: one body line holds every table; a table is there if any of its cells is
    present |= {s.key[1] for ln in lines if ln.table is None for s in ln.segs if s.key and s.key[0] == "cell"}
    for t in TABLES:
        if t in present:
            tables[t] = table_spec(content.fmt, t).empty()
    pos = 0
    line_no = 1  # the spec's line numbers count line feeds: a line ended by U+000B or NEL goes on
    for n, line in enumerate(lines):
        if n:
            end = (line_ends or {}).get(n, line_end)
            parts.append(end)
            pos += len(end)
            line_no += end.count("\n")
        for seg in line.segs:
            if seg.label is not None and seg.text:
                if seg.text != seg.text.strip():
                    raise AssertionError(f"labelled segment with surrounding whitespace: {seg.text!r}")
                spans.append(Span(pos, pos + len(seg.text), seg.label, source="gold"))
                if seg.key and seg.key[0] == "section":
                    section_line[seg.key[1]] = line_no
                elif seg.key and seg.key[0] == "cell":
                    _, table, row, col = seg.key
                    if tables[table] is not None:
                        tables[table][row][col] = seg.value
            parts.append(seg.text)
            pos += len(seg.text)
    gold = {
        "source": source,
        "template": content.fmt,
        "year": content.year,
        "organ": organ,
        "sections": section_line,
        "tables": tables,
        "notes": "; ".join(content.notes),
    }
    return "".join(parts), spans, gold


_LOST_AS = {None: None, "drop": "", "replace": "\ufffd"}


def as_mojibake(
    text: str, spans: list[Span], saved_in: str, read_as: str, lost: str | None = None
) -> tuple[str, list[Span]]:
    """``text`` saved in ``saved_in`` and read back as the single-byte ``read_as``, one character per
    byte, and ``spans`` moved onto it: each span covers every character left of its characters'
    bytes. A byte ``read_as`` leaves undefined (Windows-1252's five) becomes, by ``lost``: the C1
    control of that number (None: a lenient reader), nothing (``"drop"``) or U+FFFD (``"replace"``),
    as a strict reader writes it. Raises KeyError for another ``lost``."""
    data = text.encode(saved_in)
    undefined = _LOST_AS[lost]
    table = [bytes([b]).decode(read_as, "ignore") or (chr(b) if undefined is None else undefined) for b in range(256)]
    broken = "".join(table[b] for b in data)
    at = [0]
    for ch in text:
        at.append(at[-1] + sum(len(table[b]) for b in ch.encode(saved_in)))
    return broken, [replace(s, start=at[s.start], end=at[s.end]) for s in spans]
