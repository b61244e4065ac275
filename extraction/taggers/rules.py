"""The rule tagger: the baseline, and the weak labeller that bootstraps annotation.

It labels by layout and lexicon: section headings by numeral + keywords, table regions between
the headings of sections 二/三/四, and inside them every piece of a line as a value (CELL/UNIT),
a row label (ROW), a column header (COL) or noise.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..document import Document, Span
from ..labels import Label
from ..layout import (
    CJK_RE,
    Line,
    Piece,
    has_cell_bars,
    is_grid_rule,
    pieces,
    split_label_and_values,
    split_lines,
    value_tokens,
)
from ..lexicon import all_row_lexicon, best_match, col_lexicon, is_group_label, section_index
from ..regions import runon_ranges, table_regions
from ..runon import LONG_LINE, inline_headings, label_pieces, table_tokens
from ..normalize import label_key, normalize, squash, strip_numbering

# rules-MAJOR.MINOR: a minor release only learns to read text the previous one could not (its tags
# on everything else are unchanged), so a model trained on its features stays valid; a major relabels.
# 1.1: text-printed grids (bars, ruling lines), 第X部分 headings
# 1.2: page furniture inside tables (a running header next to a page number; not a value line above
#      a printed page mark), a wrapped 勾稽关系 caption, header cells right after 第二十条第（X）项
# 1.3: 七、/八、 headings of reports older than the 2019 format, matched to the six sections by topic
#      (the converter damage of issue 15 is read by the normalised view before any tagger)
# 1.4: run-on text (a crawler's copy): headings and the title inside long lines, a table that runs on
#      after its heading tagged as label pieces and whole digit runs (extraction/runon.py)
# 1.5: in table 四 a lone number before its last group's header 复议后起诉 met for the first time,
#      no page break there, is a value, not a page number (Chromium: a group's 总计 drawn before it)
# 1.6: a running header is the title, its start or its end: a lone value above a wrapped label's tail
#      that is a piece of the title's middle (``政府信息``) is a value, not a page number
RULES_VERSION = "rules-1.6"

_MD_STRIP = re.compile(r"^[\s#*＊>]+|[\s*＊]+$")
_PAGE_MARK = r"[-—–－_]\s*\d{1,3}\s*[-—–－_]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
PAGE_MARK_RE = re.compile(r"^(?:" + _PAGE_MARK + r")$")  # a printed page number (not a bare one)
NOISE_LINE_RE = re.compile(
    r"^(?:" + _PAGE_MARK + r"|"
    r"错误[!！].*|.*未指定文件名.*|.*未找到引用源.*|.*未定义书签.*|Evaluation Warning.*|"
    r"(?:相关|熱門|热门|相關)(?:词条|詞條|链接|鏈接).*|扫一扫.*|网站地图.*|网站标识码.*|.*ICP备.*|主办单位[:：].*|"
    r"(?:上一篇|下一篇)[:：]?.*|当前位置[:：].*|首页\s*[>›].*|发布时间[:：].*|【?字体[:：].*|"
    r"(?:分享到|打印本页|关闭窗口|返回顶部|【打印本页】|【打印】|【关闭】|【我要纠错】|打印\s*关闭).*)$"
)
_PROSE_PUNCT = re.compile(r"[。；！？]|，.*，")


def _content_bounds(text: str, line: Line) -> tuple[int, int] | None:
    """The line's extent without markdown marks and surrounding whitespace."""
    s = text[line.start : line.end]
    m = _MD_STRIP.match(s)
    a = m.end() if m else 0
    b = len(s)
    while b > a and (s[b - 1].isspace() or s[b - 1] in "*＊#"):  # what r"[\s*＊#]*$" matches, without a scan per position
        b -= 1
    if a >= b:
        return None
    return line.start + a, line.start + b


def find_sections(text: str, lines: tuple[Line, ...]) -> list[tuple[int, Line, int, int]]:
    """(section index, line, start, end) of the six headings, first occurrence of each, in order."""
    found: list[tuple[int, Line, int, int]] = []
    last = 0
    for line in lines:
        b = _content_bounds(text, line)
        if b is None:
            continue
        if b[1] - b[0] > LONG_LINE:
            # run-on text (a crawler's copy): headings inside the line
            if "\t" in text[b[0] : b[1]] or has_cell_bars(text[b[0] : b[1]]):
                continue
            cands = [(h.index, h.start, h.end) for h in inline_headings(text, line)]
        else:
            idx = section_index(text[b[0] : b[1]])
            cands = [] if idx is None else [(idx, b[0], b[1])]
        for idx, a, e in cands:
            if any(f[0] == idx for f in found):
                continue
            if idx < last:  # numbering went backwards: a table row like 四、结转…, not a heading
                continue
            found.append((idx, line, a, e))
            last = idx
    return found


_CRAWL_FIELD = re.compile(r"^(?:标题|題目|题目|title)\s*[:：]\s*", re.I)
_BREADCRUMB = re.compile(r"[>›»＞]|当前位置|首页")
# the end of a title a PDF wrapped onto a line of its own
_TITLE_TAIL = re.compile(r"\s*(?:工作)?(?:年度)?(?:报\s*告)\s*")


def find_title(text: str, lines: tuple[Line, ...], before: int) -> list[tuple[int, int]]:
    """The title line(s): the first short line naming a 报告, plus the organ line above it when the
    title is broken after the organ (``兰州市生态环境局`` / ``2020年政府信息公开工作年度报告``), or
    the line above a lone ``报告`` / ``年度报告`` when it is wrapped before its end."""
    prev: tuple[int, int] | None = None
    for line in lines[:40]:
        if line.start >= before:
            break
        b = _content_bounds(text, line)
        if b is None:
            continue
        s = normalize(text[b[0] : b[1]])
        lead = _CRAWL_FIELD.match(s)
        if lead:  # a crawler's header field (标题: …): the title is its value
            b = (b[0] + lead.end(), b[1])
            s = s[lead.end() :]
        if _BREADCRUMB.search(s):
            prev = None
            continue
        if prev is not None and _TITLE_TAIL.fullmatch(s):
            # the title wrapped before its last word (``…工作的年度`` / ``报告``): both lines
            whole = normalize(text[prev[0] : prev[1]]) + s
            if "信息公开" in whole and "年" in whole and not _PROSE_PUNCT.search(whole):
                return [prev, b]
        if "报告" in s and ("年" in s or "公开" in s) and len(s) <= 80 and not _PROSE_PUNCT.search(s):
            starts_with_year = re.match(r"^\s*(?:19|20)\d{2}\s*年|^\s*[〇○零一二三四五六七八九]{4}\s*年", s)
            if starts_with_year and prev is not None:
                return [prev, b]
            return [b]
        if len(s) > 80 and not _BREADCRUMB.search(s[:80]):
            # run-on text (a crawler's copy): the title leads the line, prose follows on it
            k = s.find("报告", 0, 64)
            head = s[: k + 2].rstrip() if k >= 0 else ""
            if head and "年" in head and "公开" in head and not _PROSE_PUNCT.search(head) and b[0] + len(head) <= before:
                return [(b[0], b[0] + len(head))]
        ps = normalize(text[b[0] : b[1]]).strip()
        prev = b if 2 <= len(ps) <= 40 and not re.search(r"[。，,：:；]", ps) and not NOISE_LINE_RE.match(ps) else None
    return []


def _is_prose(s: str) -> bool:
    """A sentence, not a table line: long with sentence punctuation, or ending like a sentence."""
    if "\t" in s or has_cell_bars(s):
        return False
    s = normalize(s).strip()
    if len(s) > 30 and bool(_PROSE_PUNCT.search(s)):
        return True
    return len(s) > 4 and s[-1] in "。！？；" and not NOISE_LINE_RE.match(s)


class RuleTagger:
    name = "rules"
    version = RULES_VERSION

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        lines = split_lines(text)
        spans: list[Span] = []
        sections = find_sections(text, lines)
        first_heading = sections[0][2] if sections else len(text)
        title = find_title(text, lines, first_heading)
        for a, b in title:
            spans.append(Span(a, b, Label.TITLE))
        title_key = squash("".join(text[a:b] for a, b in title))
        for _, _, a, b in sections:
            spans.append(Span(a, b, Label.SECTION))
        section_lines = {ln.index for _, ln, _, _ in sections}
        runon = runon_ranges(text, lines, sections)
        for table, (lo, hi) in table_regions(text, lines, sections).items():
            spans += self._tag_table(text, lines[lo:hi], table, section_lines, title_key)
        for table, (a, b) in runon.items():
            spans += _tag_runon(text, a, b, table)
        # noise anywhere outside tables (page numbers in prose, web junk after the report)
        covered = {(s.start) for s in spans}
        for line in lines:
            b = _content_bounds(text, line)
            if b and b[0] not in covered and (
                NOISE_LINE_RE.match(normalize(text[b[0] : b[1]])) or is_grid_rule(text[b[0] : b[1]])
            ):
                if not any(s.start <= b[0] < s.end for s in spans):
                    spans.append(Span(b[0], b[1], Label.NOISE))
        return doc.with_spans(_dedupe(spans))

    def _tag_table(
        self, text: str, lines: tuple[Line, ...], table: str, skip: set[int], title_key: str = ""
    ) -> list[Span]:
        spans: list[Span] = []
        in_header = True
        header_ctx = False  # the previous line was header cells (a header repeated after a page break)
        caption_open = False  # the 勾稽关系 caption goes on on the next line
        rows_lex = all_row_lexicon(table)
        cols_lex = col_lexicon(table)
        for i, line in enumerate(lines):
            if line.index in skip:
                continue
            content = text[line.start : line.end]
            if not content.strip():
                continue
            norm = normalize(content.strip())
            if (
                NOISE_LINE_RE.match(norm)
                or is_grid_rule(content)
                or _bare_page_number(text, lines, i, cols_lex, title_key, first_header_closes=table != "review_litigation")
                or _running_header(text, lines, i, title_key)
            ):
                b = _content_bounds(text, line)
                if b:
                    spans.append(Span(b[0], b[1], Label.NOISE))
                continue
            if caption_open:  # the caption wrapped: its rest leads this line, header cells follow
                pcs = pieces(text, line)
                if pcs and _caption_tail(text[pcs[0].start : pcs[0].end]):
                    caption_open = _caption_unfinished(text[pcs[0].start : pcs[0].end])
                    header_ctx = True
                    for p in pcs[1:]:
                        spans += self._label_piece(text, p, table, True, rows_lex, cols_lex)
                    continue
                caption_open = False
            if "勾稽关系" in norm or _is_prose(content):
                if "勾稽关系" in norm:  # the caption may share its line with header cells
                    header_ctx = True
                    pcs = pieces(text, line)
                    caption_open = bool(pcs) and _caption_unfinished(text[pcs[0].start : pcs[0].end])
                    for p in pcs[1:]:
                        spans += self._label_piece(text, p, table, True, rows_lex, cols_lex)
                continue
            line_spans: list[Span] = []
            for p in pieces(text, line):
                line_spans += self._label_piece(text, p, table, in_header or header_ctx, rows_lex, cols_lex)
            has_value = any(s.label == Label.CELL for s in line_spans)
            has_row = any(
                s.label == Label.ROW and not is_group_label(text[s.start : s.end]) for s in line_spans
            )
            if (in_header or header_ctx) and (has_value or has_row) and table != "review_litigation":
                in_header = False
                if has_row:  # relabel ambiguous words (总计/其他) now that the body has started
                    line_spans = []
                    for p in pieces(text, line):
                        line_spans += self._label_piece(text, p, table, False, rows_lex, cols_lex)
            # header cells follow header cells, and a block's 第二十条第（X）项 label (table 二)
            header_ctx = bool(line_spans) and (
                all(s.label == Label.COL for s in line_spans)
                or all(s.label == Label.ROW and _is_article_label(text[s.start : s.end]) for s in line_spans)
            )
            spans += line_spans
        return spans

    def _label_piece(
        self, text: str, p: Piece, table: str, in_header: bool, rows_lex, cols_lex
    ) -> list[Span]:
        vals = value_tokens(text, p)
        if vals:
            return _value_spans(vals)
        raw = text[p.start : p.end]
        if not CJK_RE.search(normalize(raw)):
            return []
        (la, lb), tail = split_label_and_values(text, p)
        label_text = text[la:lb]
        glued = _value_glued_to_label(text, la, lb, rows_lex)
        if glued:  # two lines joined without a separator: the last value of one row, the next row's label
            return [Span(la, glued, Label.CELL), Span(glued, lb, Label.ROW), *_value_spans(tail)]
        out = [Span(la, lb, self._classify(label_text, table, in_header, rows_lex, cols_lex))]
        return out + _value_spans(tail)

    @staticmethod
    def _classify(label_text: str, table: str, in_header: bool, rows_lex, cols_lex) -> Label:
        if table == "review_litigation":
            return Label.COL
        key = label_key(label_text)
        if not key:
            return Label.COL if in_header else Label.ROW
        numbered = key != re.sub(r"\s", "", normalize(label_text)).strip("*#")  # had numbering
        if is_group_label(label_text):
            return Label.COL if key in ("信息内容", "申请人情况", "法人或其他组织") else Label.ROW
        r = best_match(key, rows_lex)
        c = best_match(key, cols_lex)
        rs = r.score if r else 0.0
        cs = c.score if c else 0.0
        if numbered and rs >= 0.5:
            return Label.ROW
        if cs >= 0.99 and rs >= 0.99:  # 总计 / 其他: both a row and a column wording
            return Label.COL if in_header else Label.ROW
        if cs > rs + 0.05:
            return Label.COL
        if rs > cs + 0.05:
            return Label.ROW
        return Label.COL if in_header else Label.ROW


_GLUED_VALUE_RE = re.compile(r"(\d+)(?=[\u4e00-\u9fff])")


def _value_glued_to_label(text: str, a: int, b: int, rows_lex) -> int | None:
    """Where a label piece ``text[a:b]`` that is not the first thing on its line starts with bare
    digits and what follows them is a row label of the table (``…\t3\t3行政强制\t0``: a line join
    lost the break between a row's last value and the next row's label), the offset the label starts
    at; else None. A label at a line start keeps its digits (numbering such as ``1行政许可``)."""
    m = _GLUED_VALUE_RE.match(text, a, b)
    if not m or not text[text.rfind("\n", 0, a) + 1 : a].strip():
        return None
    key = label_key(text[m.end() : b])
    hit = best_match(key, rows_lex) if key else None
    return m.end() if hit is not None and hit.score >= 0.9 else None


def _tag_runon(text: str, a: int, b: int, table: str) -> list[Span]:
    """A table that runs on inside a line: value tokens (digit runs kept whole) and label pieces."""
    spans: list[Span] = []
    for t in table_tokens(text, a, b, table):
        if t.kind == "value":
            spans.append(Span(t.start, t.end, Label.CELL))
            if t.unit:
                spans.append(Span(t.unit[0], t.unit[1], Label.UNIT))
            continue
        for p in label_pieces(text, t.start, t.end, table):
            if p.kind == "noise":
                continue
            if p.kind == "row" or (p.kind == "group" and table != "review_litigation"):
                key = label_key(text[p.start : p.end])
                is_col = table == "review_litigation" or key in ("信息内容", "申请人情况", "法人或其他组织")
                spans.append(Span(p.start, p.end, Label.COL if is_col else Label.ROW))
            else:
                spans.append(Span(p.start, p.end, Label.COL))
    return spans


def _is_article_label(s: str) -> bool:
    """第二十条第（X）项: the group label that opens each block of table 二, its header next."""
    return is_group_label(s) and label_key(s).startswith("第二十条")


def _caption_unfinished(piece: str) -> bool:
    """Does the 勾稽关系 caption piece wrap onto the next line (an open bracket, or not yet 之和)?"""
    n = normalize(piece)
    opens, closes = sum(n.count(c) for c in "(（"), sum(n.count(c) for c in ")）")
    return opens > closes or (opens == 0 and not squash(n).endswith("之和"))


def _caption_tail(piece: str) -> bool:
    """The rest of a wrapped 勾稽关系 caption (``加第四项之和）``), not a row label or a value."""
    k = squash(piece)
    return 0 < len(k) <= 40 and not re.search(r"\d", k) and any(w in k for w in ("项", "之和", "等于"))


_BARE_NUMBER = re.compile(r"\s*[1-9]\d{0,2}\s*")
_LAST_REVIEW_GROUP = "复议后起诉"  # table 四's last group header (行政诉讼 after administrative review)


def _title_like(s: str, title_key: str) -> bool:
    """A running header's text: the report's title, its start (the organ) or its end (``…年度报告``),
    or a 年度报告 line. Not a piece from the title's middle: ``政府信息`` is also the wrapped end of
    the row label ``1.本机关不掌握相关`` / ``政府信息``, printed right under that row's lone value."""
    k = squash(s)
    if len(k) < 4:
        return False
    head = title_key.removeprefix("关于")
    return (bool(title_key) and (head.startswith(k) or title_key.endswith(k))) or (k.endswith("报告") and len(k) <= 60)


def _running_header(text: str, lines: tuple[Line, ...], i: int, title_key: str) -> bool:
    """The page's running header inside a table (``北京市司法厅``, ``…年度报告``): title-like text
    next to the page's number (a page mark or a bare number), empty lines aside."""
    if not _title_like(text[lines[i].start : lines[i].end], title_key):
        return False
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and abs(j - i) <= 2 and not text[lines[j].start : lines[j].end].strip():
            j += step
        if 0 <= j < len(lines) and abs(j - i) <= 2:
            s = normalize(text[lines[j].start : lines[j].end]).strip()
            if PAGE_MARK_RE.match(s) or _BARE_NUMBER.fullmatch(s):
                return True
    return False


def _bare_page_number(text: str, lines: tuple[Line, ...], i: int, cols_lex, title_key: str = "",
                      first_header_closes: bool = True) -> bool:  # fmt: skip
    """A lone 1-3 digit line closing a page: a blank line, then a header or caption repeated; or
    right above the next page's running header.

    Not a 0, and not the line before a printed page mark (``第2页``, ``- 2 -``): that mark is the
    page's number, the digits above it a value. ``first_header_closes`` False (table 四): its last
    group's header (复议后起诉) met for the first time closes no page without a page break there."""
    if not _BARE_NUMBER.fullmatch(text[lines[i].start : lines[i].end]):
        return False
    if i + 1 < len(lines) and _title_like(text[lines[i + 1].start : lines[i + 1].end], title_key):
        return True
    if i + 1 >= len(lines) or text[lines[i + 1].start : lines[i + 1].end].strip():
        return False
    for ln in lines[i + 2 : i + 5]:
        s = normalize(text[ln.start : ln.end]).strip()
        if not s:
            continue
        if PAGE_MARK_RE.match(s):
            return False
        if "勾稽关系" in s or "申请人情况" in s or NOISE_LINE_RE.match(s):
            return True
        if strip_numbering(s) != s:
            # a numbered line (``（七）总计``, ``3.其他``) is a row label, whatever column header its
            # words repeat: the line above is the last value of a row (one cell per line, blank
            # lines for the merged cells that begin the next row), not a page number
            return False
        m = best_match(label_key(s.split()[0]) if s.split() else "", cols_lex)
        if not (m and m.score >= 0.99):
            return False
        # a header after a page break repeats one printed above it; in table 四 the last group's
        # header 复议后起诉 met for the first time (Chromium draws it after the groups left of it,
        # their 总计 last) closes no page unless the page break is there. (Table 二's readers, and
        # table 四's placed from the left where a reading is cut off before 行政诉讼's values, place
        # such a value worse than they do without it: measured, they keep the old rule.)
        return (first_header_closes or not s.startswith(_LAST_REVIEW_GROUP) or "\f" in text[lines[i].start : ln.end]
                or _header_above(text, lines[:i], m.key, cols_lex))  # fmt: skip
    return False


def _header_above(text: str, lines: Sequence[Line], key: str, cols_lex) -> bool:
    """Does a line of ``lines`` begin with a column header matching ``key`` (score ≥ 0.99)?"""
    for ln in lines:
        words = normalize(text[ln.start : ln.end]).split()
        m = best_match(label_key(words[0]), cols_lex) if words else None
        if m and m.key == key and m.score >= 0.99:
            return True
    return False


def _value_spans(vals: list[tuple[int, int, int, int]]) -> list[Span]:
    out: list[Span] = []
    for vs, ve, us, ue in vals:
        out.append(Span(vs, ve, Label.CELL))
        if us >= 0:
            out.append(Span(us, ue, Label.UNIT))
    return out


def _dedupe(spans: list[Span]) -> list[Span]:
    """Drop spans that overlap an earlier-kept one (first wins, in position order)."""
    out: list[Span] = []
    last_end = -1
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.start >= last_end:
            out.append(s)
            last_end = s.end
    return out
