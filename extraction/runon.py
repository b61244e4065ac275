"""Run-on text (a crawler's copy of a web page): headings and tables inside one long line.

A crawler strips the HTML tags and keeps no separators: the whole report is one line, section
headings sit mid-line (``…联系。 一、总体情况 2022年…``), and a table's cells run together
(``规章000行政规范性文件8855698第二十条第（五）项信息内容本年处理决定数量行政许可10690``).
This module finds the headings inside long lines, the character range of each table that runs on
after its heading, and cuts such a range into label pieces and value tokens, all with offsets into
the original text (the normalised copy has the same length).

A value token keeps its digits together (``8855698`` is one CELL span): how a run of digits is split
into the row's cells is decided at assembly, by the report's arithmetic (``tables/digitruns.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import Line
from .lexicon import COL_WORDS, GROUP_LABELS, section_index
from .normalize import label_key, normalize

LONG_LINE = 45  # a heading line is at most this long; longer lines are searched for headings inside

_HEAD_START = re.compile(r"([一二三四五六])\s*[、.．]\s*")
_HEAD_STOP = re.compile(r"[\s\d。；;，,：:（(！？!?“”\"]")
_LIST_PUNCT = "；;、，,：:"
_HEAD_END_WORDS = ("情况", "事项", "概述", "概况", "工作", "问题")


@dataclass(frozen=True)
class InlineHeading:
    index: int
    start: int
    end: int


def inline_headings(text: str, line: Line) -> list[InlineHeading]:
    """Section headings inside one long line, in text order (every candidate; the caller keeps the
    first of each index in ascending order).

    A heading is a numeral + 、 followed by a section's wording, ending at the first 情况/事项
    (…) that makes it a heading of that number, or where the wording stops (a digit, a space,
    punctuation, an opening bracket), at most 40 characters on. A table row such as
    ``四、结转下年度继续办理0000000`` names no section and is not one.
    """
    s = normalize(text[line.start : line.end])
    out: list[InlineHeading] = []
    for m in _HEAD_START.finditer(s):
        if m.start() > 0 and s[m.start() - 1] in _LIST_PUNCT:
            continue  # 本报告包括：一、总体情况；二、… lists the sections, it does not head them
        tail_start = m.end()
        stop = _HEAD_STOP.search(s, tail_start)
        tail_end = min(stop.start() if stop else len(s), tail_start + 40)
        tail = s[tail_start:tail_end]
        if not tail:
            continue
        head = s[m.start() : m.end()]
        # the heading ends at its first 情况/事项 that names the section; else another closing word
        strong = sorted({i + len(w) for w in _HEAD_END_WORDS[:2] for i in _find_all(tail, w)})
        weak = sorted({i + len(w) for w in _HEAD_END_WORDS[2:] for i in _find_all(tail, w)})
        chosen = None
        for e in [*strong, *weak, len(tail)]:
            idx = section_index(head + tail[:e])
            if idx is not None and idx == "一二三四五六".index(m.group(1)) + 1:
                chosen = e
                break
        if chosen is None or (s[tail_start + chosen : tail_start + chosen + 1] or "x") in "；;、":
            continue
        out.append(InlineHeading("一二三四五六".index(m.group(1)) + 1, line.start + m.start(), line.start + tail_start + chosen))
    return out


def _find_all(s: str, w: str) -> list[int]:
    out, i = [], s.find(w)
    while i >= 0:
        out.append(i)
        i = s.find(w, i + 1)
    return out


# --- a table's run-on range -------------------------------------------------------------------------------
def runon_range(text: str, line: Line, heading_end: int, next_start: int | None) -> tuple[int, int] | None:
    """The part of a table's heading line after the heading (to the next heading on the same line,
    or the line's end) if a table runs on there: values (digits) after the heading on its own line."""
    end = line.end if next_start is None or next_start > line.end else next_start
    if end - heading_end < 8 or not re.search(r"[\d０-９—－]", text[heading_end:end]):
        return None
    return heading_end, end


# --- tokens of a run-on range -----------------------------------------------------------------------------
# a value: a signed number with an optional unit; a numbering digit that leads the next label
# (``00000002.其他…``: the 2 numbers the row 2.其他…) is cut off the run
_VALUE = re.compile(r"[+\-−]?\d+(?:\.\d+)?(?:\s*(?:万元|元))?")
_NUMBERING_AFTER = re.compile(r"[.．、]\s*[\u3400-\u9fff（(“]")
_UNIT = re.compile(r"\s*(万元|元)$")
# blank marks: dash runs (``——`` may be one blank or two: the cell count decides), a hyphen that
# signs no number
_BLANK_TOKEN = re.compile(r"[—－–─]+|-(?![\d-])")


@dataclass(frozen=True)
class Token:
    kind: str  # "value" | "label"
    start: int
    end: int
    unit: tuple[int, int] | None = None  # the unit's offsets after a value


def tokens(text: str, a: int, b: int) -> list[Token]:
    """Value tokens (digit runs, whitespace-separated; a blank mark) and the label text between them."""
    s = normalize(text[a:b])
    masked = _mask_prose_numbers(s)
    vals: list[Token] = []
    pos = 0
    for m in _VALUE.finditer(masked):
        vs, ve = m.start(), m.end()
        if vs < pos:
            continue
        raw = m.group(0)
        um = _UNIT.search(raw)
        num_end = ve - (len(um.group(0)) if um else 0)
        if not um and _NUMBERING_AFTER.match(s, ve):
            # the last digit numbers the next label (1.属于… 8.属于…): not a value digit
            num_end = ve - 1
            if num_end <= vs or not s[vs:num_end].strip("+-−"):
                pos = ve
                continue
            if s[num_end - 1] == ".":
                num_end -= 1
        unit = (a + ve - len(um.group(1)), a + ve) if um else None
        vals.append(Token("value", a + vs, a + num_end, unit))
        pos = ve
    for m in _BLANK_TOKEN.finditer(s):
        if not any(t.start <= a + m.start() < t.end for t in vals):
            vals.append(Token("value", a + m.start(), a + m.end()))
    vals.sort(key=lambda t: t.start)
    out: list[Token] = []
    pos = a
    for t in vals:
        if t.start > pos and text[pos : t.start].strip():
            out.append(Token("label", pos, t.start))
        out.append(t)
        pos = t.unit[1] if t.unit else t.end
        if t.end < pos and t.unit is None:
            pos = t.end
    if b > pos and text[pos:b].strip():
        out.append(Token("label", pos, b))
    return out


# numbers of prose and notes, not cells: a year (``2021年``, also glued to a cell's digits:
# ``42021年主动公开…``), a date, a percentage, a count with its measure word after a word
# (``行政复议284件``), ``保留4位小数``
_PROSE_NUMBER = re.compile(
    r"(?:19|20)\d{2}(?=\s*年)|\d+(?=\s*(?:月|日|%|％|次|余|篇|人次|位|号|倍))"
    r"|(?<=[\u3400-\u9fff])\d+(?:\.\d+)?(?=\s*(?:件|条|个|项|家|人)(?![\d—－]))"
)


def _mask_prose_numbers(s: str) -> str:
    """``s`` with the digits of prose numbers replaced by ``X`` (same length)."""
    out = list(s)
    for m in _PROSE_NUMBER.finditer(s):
        for i in range(m.start(), m.end()):
            out[i] = "X"
    return "".join(out)


# --- label pieces ---------------------------------------------------------------------------------------
_NUMBERING = re.compile(r"[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）]|\d\s*[.．、]")
_CAPTION = re.compile(r"[（(][^（()）]*勾稽关系[^（()）]*[)）]?")
_UNIT_NOTE = re.compile(r"[（(]\s*(?:单位\s*[:：][^（()）]*|万元|元|件|个)\s*[)）]")


@dataclass(frozen=True)
class LabelPiece:
    start: int
    end: int
    kind: str  # "row" | "col" | "group" | "noise"


def _col_words(table: str) -> list[str]:
    words = {w for ws in COL_WORDS[table].values() for w in ws}
    return sorted(words, key=len, reverse=True)


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and (text[a].isspace() or text[a] in "，,、;；:："):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "，,、;；:："):
        b -= 1
    return (a, b) if a < b else None


def label_pieces(text: str, a: int, b: int, table: str) -> list[LabelPiece]:
    """Cut one label chunk of a run-on table into header words, group labels and the row label.

    Table 四 prints no row labels: every piece is a header. Elsewhere a chunk is cut at numbering
    (一、 （二） 3.), then known header wordings and group labels (第二十条第（一）项, 信息内容,
    本年处理决定数量, 申请人情况 …) are header/group pieces and what follows the last of them is the
    row label; the 勾稽关系 caption and a unit note (（单位：万元）) are neither.
    """
    s = normalize(text[a:b])
    out: list[LabelPiece] = []
    # the caption and unit notes are cut out first
    cuts = [(m.start(), m.end(), "noise") for m in _CAPTION.finditer(s)]
    cuts += [(m.start(), m.end(), "col") for m in _UNIT_NOTE.finditer(s) if not any(c[0] <= m.start() < c[1] for c in cuts)]
    cuts.sort()
    segments: list[tuple[int, int]] = []
    pos = 0
    for cs, ce, kind in cuts:
        if cs > pos:
            segments.append((pos, cs))
        t = _trim(text, a + cs, a + ce)
        if t and kind == "col":
            out.append(LabelPiece(t[0], t[1], "col"))
        pos = max(pos, ce)
    if pos < len(s):
        segments.append((pos, len(s)))
    for ss, se in segments:
        out += _segment_pieces(text, a, s, ss, se, table)
    return sorted(out, key=lambda p: p.start)


def _segment_pieces(text: str, a: int, s: str, ss: int, se: int, table: str) -> list[LabelPiece]:
    if table == "review_litigation":
        return [LabelPiece(*t, "col") for t in _words(text, a + ss, a + se)]
    if table == "active_disclosure":  # rows are not numbered; （一） belongs to 第二十条第（一）项
        return _unnumbered_pieces(text, a, s, ss, se, table)
    # table 三: cut at numbering marks; each numbered piece is one row (or group) label, the
    # unnumbered piece before the first of them the header
    starts = [m.start() for m in _NUMBERING.finditer(s, ss, se)]
    bounds = [ss, *[p for p in starts if p > ss], se]
    out: list[LabelPiece] = []
    for p, q in zip(bounds, bounds[1:]):
        if _NUMBERING.match(s, p):
            t = _trim(text, a + p, a + q)
            if t:
                out.append(LabelPiece(t[0], t[1], "row"))
        else:
            out += _unnumbered_pieces(text, a, s, p, q, table)
    return out


_GROUP_RE = re.compile(r"第二十条第\s*[（(]\s*[一二三四五六七八九十]+\s*[)）]\s*项")


def _unnumbered_pieces(text: str, a: int, s: str, p: int, q: int, table: str) -> list[LabelPiece]:
    """Header words and group labels inside a piece; the rest after the last of them is a row label."""
    marks: list[tuple[int, int, str]] = []
    for m in _GROUP_RE.finditer(s, p, q):
        marks.append((m.start(), m.end(), "group"))
    for g in GROUP_LABELS:
        if g.startswith("第二十条"):
            continue
        for i in _find_all(s[p:q], g):
            marks.append((p + i, p + i + len(g), "group"))
    for w in _col_words(table):
        for i in _find_all(s[p:q], w):
            st = p + i
            if not any(ms <= st < me or ms < st + len(w) <= me for ms, me, _ in marks):
                marks.append((st, st + len(w), "col"))
    marks.sort()
    numbered = False
    out: list[LabelPiece] = []
    pos = p
    for ms, me, kind in marks:
        if ms > pos:
            # words before a header word: a header's other words (商业 企业) unless numbered
            rest = _trim(text, a + pos, a + ms)
            if rest:
                out.append(LabelPiece(rest[0], rest[1], "row" if numbered and pos == p else "col"))
        t = _trim(text, a + ms, a + me)
        if t:
            out.append(LabelPiece(t[0], t[1], kind))
        pos = me
    rest = _trim(text, a + pos, a + q)
    if rest:
        kind = "row" if (numbered or marks or table == "active_disclosure") else _guess(text[rest[0] : rest[1]], table)
        out.append(LabelPiece(rest[0], rest[1], kind))
    return out


def _guess(piece: str, table: str) -> str:
    """A piece with no numbering and no header word: a row label unless it is header words."""
    key = label_key(piece)
    cols = {label_key(w) for ws in COL_WORDS[table].values() for w in ws}
    return "col" if key in cols or not key else "row"


def _words(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"\S+", text[a:b]):
        out.append((a + m.start(), a + m.end()))
    return out


# --- where the table itself starts and ends inside its range ------------------------------------------------
_SENTENCE_END = re.compile(r"[。！？：:]")


def _outside_brackets(s: str, i: int) -> bool:
    depth = 0
    for ch in s[:i]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth == 0


def _names_table_words(text: str, tok: Token, table: str) -> bool:
    """Does a label chunk read as the table's words (a row, a header, a group label)?"""
    from .lexicon import all_row_lexicon, best_match, col_lexicon, is_group_label

    pieces = [p for p in label_pieces(text, tok.start, tok.end, table) if p.kind != "noise"]
    if not pieces:
        return True
    rows, cols = all_row_lexicon(table), col_lexicon(table)
    for p in pieces:
        raw = text[p.start : p.end]
        key = label_key(raw)
        if not key or is_group_label(raw) or _UNIT_NOTE.fullmatch(normalize(raw).strip()):
            continue
        r = best_match(key, rows) if table != "review_litigation" else None
        c = best_match(key, cols)
        if max(r.score if r else 0.0, c.score if c else 0.0) >= 0.5:
            continue
        return False
    return True


def table_tokens(text: str, a: int, b: int, table: str) -> list[Token]:
    """The tokens of the table inside a run-on range, prose around it left out: sentences before
    its first value (``具体情况见下表：``) and, after its values, everything from the first chunk
    that is no wording of the table (a sentence with numbers of its own)."""
    toks = tokens(text, a, b)
    first = next((i for i, t in enumerate(toks) if t.kind == "value"), None)
    if first is None:
        return []
    out: list[Token] = []
    for i, t in enumerate(toks):
        if i < first and t.kind == "label":
            s = normalize(text[t.start : t.end])
            cut = [m.end() for m in _SENTENCE_END.finditer(s) if _outside_brackets(s, m.start())]
            if cut:
                if t.start + cut[-1] >= t.end:
                    continue
                t = Token("label", t.start + cut[-1], t.end)
            out.append(t)
            continue
        if i > first and t.kind == "label" and not _names_table_words(text, t, table):
            break
        out.append(t)
    return out
