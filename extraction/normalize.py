"""Character-level normalisation for matching: traditional -> simplified, full-width -> half-width.

Every mapping is one character to one character, so the normalised string has the same length as
the original and the offset map back is the identity: an offset found in normalised text is an
offset in the Document's text. (OpenCC's phrase tables can change length; only its character
table is used, which is what 1:1 offsets require.)
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    table: dict[int, str] = {}
    try:
        text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - dependency missing
        text = ""
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        trad, simp = parts[0], parts[1].split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for dash in "‐‑‒–﹣":
        table[ord(dash)] = "-"
    table[ord("〇")] = "〇"
    for a, b in _COMPAT_RANGES:  # Kangxi radicals, compatibility ideographs: Unicode's NFKC, 1:1
        for cp in range(a, b + 1):
            n = unicodedata.normalize("NFKC", chr(cp))
            if len(n) == 1 and n != chr(cp):
                table[cp] = table.get(ord(n), n)
    return table


def normalize(text: str) -> str:
    """Same-length normalised copy of ``text`` (see module docstring)."""
    n = len(text)
    if n <= _SHORT:
        return _normalize_short(text)
    if n >= _LONG:
        return _normalize_long(text)
    return text.translate(_char_table())


# ``str.translate`` with a dict looks every character up (about 50 ns each), and one report asks
# for the same strings many times: ~1,800 calls on labels and lines (mostly the same template
# wordings in every report) and five or so on the whole text (tokenizer, format, year, trust).
# Both are remembered; the caches are bounded in entries and so in memory (short strings, and a
# few whole texts, like ``layout.split_lines``).
_SHORT, _LONG = 256, 4096


@lru_cache(maxsize=16384)
def _normalize_short(text: str) -> str:
    return text.translate(_char_table())


@lru_cache(maxsize=4)
def _normalize_long(text: str) -> str:
    return text.translate(_char_table())


@lru_cache(maxsize=1)
def _simp_to_trad() -> dict[str, str]:
    out: dict[str, str] = {}
    for cp, simp in _char_table().items():
        ch = chr(cp)
        if "\u4e00" <= ch <= "\u9fff":
            out.setdefault(simp, ch)
    return out


def to_traditional(text: str) -> str:
    """Char-level simplified -> traditional (for tests and the generator); same length."""
    table = _simp_to_trad()
    return "".join(table.get(c, c) for c in text)


_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|\d+\s*[.、．)）]|[（(]\d+[)）])\s*"
)
_NOISE_CHARS = re.compile(r"[\s*#＊•·“”\"'‘’「」《》<>〈〉:：;；,，.。、()（）\[\]【】]+")


def strip_numbering(s: str) -> str:
    return _NUMBERING.sub("", s, count=1)


def label_key(s: str) -> str:
    """A comparison key for labels: normalised, numbering and punctuation/whitespace removed."""
    s = normalize(s)
    s = strip_numbering(s)
    return _NOISE_CHARS.sub("", s)


def squash(s: str) -> str:
    """Normalised with every whitespace/punctuation character removed (numbering kept)."""
    return _NOISE_CHARS.sub("", normalize(s))


# --- the normalised view: converter damage read away, offsets kept on the original -----------------
#
# ``normalize`` above is for *matching* (same length, used on any substring). ``clean_view`` is the
# one step every tagger and the assembly read the text through: it repairs what PDF/Word/HTML/OCR
# converters do to a report, mapping every original character to one character or to nothing, and
# keeps for every character of the view the offset of the original character it came from.

REPAIR_KINDS = ("invisible", "nul", "compat", "doubled", "ocr_digit", "measure_word", "change_word", "space", "line_end",
                "cell_break", "lost_char", "page_number")
"""What ``clean_view`` repairs (a ``Repair.kind``):

- ``invisible``: zero-width space/joiners, BOM, soft hyphen, word joiner (Unicode category Cf), skipped;
- ``nul``: a NUL a converter left in good text (ingest lets only a few through: ``ingest.stray_nuls``),
  skipped like an invisible character; inside a figure (``12\x003``) it may stand for a lost
  separator or digit, so such a value is inferred, not read (``textview.INFERRED_REPAIRS``);
- ``compat``: Kangxi radicals and CJK compatibility ideographs read as the unified ideograph (NFKC of
  the one character), a radical printed before its own ideograph (``⾏行``) read once;
- ``space``: no-break and other fixed-width spaces read as a space (the ideographic space is kept:
  it is a cell boundary);
- ``doubled``: faux-bold glyphs drawn twice (``（（七七））总总计计  1133336644``) read once;
- ``ocr_digit``: OCR letters inside a figure (``3O75``, ``l29``) read as digits;
- ``measure_word``: a measure word after a count in a cell (``12件``) skipped;
- ``change_word``: a change in words (``增加3``, ``减少3``, ``减3``, ``- 3``) read as a signed figure;
- ``line_end``: a line break other than ``\n`` / ``\r\n`` (a lone ``\r`` of classic Mac text, U+2028,
  U+2029, the vertical tab of Word's manual line break, the NEL of EBCDIC conversions) read as ``\n``, so every stage sees the same lines (the CR of ``\r\n`` is skipped without a
  repair of its own: a CRLF text's view is its LF twin's text);
- ``cell_break``: the bar after a long run of prose that ends a line's first markdown cell read as a
  line break (``html2text`` writes a page laid out in a table as one row: the whole report up to
  the first real table in its first cell, ``**标题** 根据…。 **一、总体情况** … | 第二十条第（一）项``),
  so the prose is read as run-on text (title, inline headings) and the table starts on its own line;
- ``lost_char``: a ``?`` or U+FFFD an earlier charset conversion put in place of an ideograph, read
  back where exactly one wording of the national forms fits the characters around it
  (``主?公?政府信息情?`` → 主动公开政府信息情况). Never a figure. Added to this view by
  ``lostchars.with_lost_read_back`` (``textview.view_document``): the wordings come from the lexicon,
  which reads through this module;
- ``page_number``: a page number on a line of its own (``3``, ``- 3 -``, ``第3页``) between two run-on
  lines of crawler text (120 characters or more, no tab, no run of spaces), the first ending in a
  figure or a blank mark (inside a table), skipped with
  its line breaks, so the table's run goes on as the web page printed it. Run-on text has no line
  of its own for a value (cells run together), so such a line is no cell.
"""
# line breaks that are not ``\n`` (the CR of ``\r\n`` is skipped: ``_CRLF``)
_OTHER_LINE_END = re.compile("\r(?!\n)|[\u2028\u2029\x0b\x85]")
_CRLF = re.compile("\r(?=\n)")
# the first bar of a line after 120 or more characters of prose holding a sentence's end (a table
# cell of a label or a figure never does; the 勾稽关系 caption is some 40 characters)
_PROSE_CELL_BAR = re.compile(r"^(?=[^|\n]{120,}\|)(?=[^|\n]*。)[^|\n]*?(?P<bar>\|)", re.M)

# a page number alone on its line between two run-on lines of crawler text (120+ characters with no
# tab and no run of spaces: a layout reading's table row has those), the first ending in a figure or
# a blank mark; ``page`` is the number with its line breaks
_RUNON = r"(?:(?! {2})[^\t\n\u3000])"
_RUNON_PAGE_NUMBER = re.compile(
    rf"^(?={_RUNON}{{119,}}[\d—－-]\r?$){_RUNON}*?(?P<page>\r?\n[ \t\u3000]*(?:[-—–－][ \t]*)?(?:第[ \t]*)?\d{{1,3}}"
    rf"(?:[ \t]*页)?(?:[ \t]*[-—–－])?[ \t\u3000]*\r?\n)(?={_RUNON}{{120,}})",
    re.M,
)
_INVISIBLE_KEEP = frozenset("\t\n\r\f\v")
_COMPAT_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_SPACE_KEEP = frozenset(" \u3000")


@dataclass(frozen=True)
class Repair:
    """One repaired stretch: ``original[start:end]`` was read as ``read_as`` (original offsets)."""

    start: int
    end: int
    kind: str
    original: str
    read_as: str


@dataclass(frozen=True)
class TextView:
    """The repaired text and, for each of its characters, the original offset it came from.

    ``index`` has ``len(text) + 1`` entries; the last is ``len(original)``, so an exclusive end
    offset maps too. ``repairs`` lists what was read differently (original offsets, in order).
    """

    original: str
    text: str
    index: tuple[int, ...]
    repairs: tuple[Repair, ...] = ()
    glued: frozenset[int] = frozenset()  # skipped second copies of doubled glyphs: part of the glyph before

    @property
    def identity(self) -> bool:
        return self.text == self.original

    def start_to_original(self, i: int) -> int:
        """Original offset of the view's character ``i`` (``len(view)`` -> ``len(original)``)."""
        return self.index[max(0, min(i, len(self.text)))]

    def end_to_original(self, j: int) -> int:
        """Original exclusive end of a view range ending at ``j``: one past its last character's source."""
        if j <= 0:
            return 0
        e = self.index[min(j, len(self.text)) - 1] + 1
        while e in self.glued:  # a doubled glyph's second copy belongs to the range
            e += 1
        return e

    def to_view(self, i: int) -> int:
        """The view offset of original offset ``i`` (the first view character at or after it)."""
        return bisect_left(self.index, i, 0, len(self.text))

    def repairs_in(self, start: int, end: int, kinds: tuple[str, ...] | None = None) -> list[Repair]:
        """Repairs overlapping the original range [start, end)."""
        return [r for r in self.repairs if r.start < end and start < r.end and (kinds is None or r.kind in kinds)]


def _is_compat(cp: int) -> bool:
    return any(a <= cp <= b for a, b in _COMPAT_RANGES)


@lru_cache(maxsize=None)
def _compat_char(ch: str) -> str | None:
    """The ordinary character of a Kangxi radical / CJK compatibility ideograph / fixed-width space
    (NFKC of that one character when it is one character), else None."""
    cp = ord(ch)
    if _is_compat(cp) or (unicodedata.category(ch) == "Zs" and ch not in _SPACE_KEEP):
        out = unicodedata.normalize("NFKC", ch)
        if len(out) == 1 and out != ch:
            return out
    return None


# a change in words at the start of a cell: 增加3 / 减少 3 / 减3
_CHANGE_WORD = re.compile(r"(?:^|(?<=[\t \u3000|｜│┃]))(增加|减少|增|减)( ?)(?=\d)", re.M)
# a sign, one space, a figure, alone in its cell: ``- 3`` (never the page mark ``- 3 -``)
_SPACED_SIGN = re.compile(r"(?:^|(?<=\t)|(?<=  )|(?<=[\u3000|｜│┃]))([-－+＋−]) (?=\d+(?:\.\d+)?(?:[ \t]*$|\t|  |[\u3000|｜│┃]))", re.M)
# a dash standing alone as a cell (a printed blank)
_LONE_DASH = re.compile(r"(?:^|(?<=[\s|｜│┃]))[-－—–─]{1,2}(?=[\s|｜│┃]|$)", re.M)
_SIGNED_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _blank_mark_then_figure(view: str, m: re.Match[str]) -> bool:
    """``－ 0``, ``－ 3`` read as two cells, a printed blank and a figure (a reading that puts one
    space between cells, Chromium's PDF): when the figure is zero (no change has a sign), the
    line prints other blank cells as dashes (its dashes are blank marks), or it prints four other
    figures (a row of table 三 or 四, where no value has a sign; a change row of table 二 prints
    three values at most)."""
    figure = _SIGNED_FIGURE.match(view, m.end())
    if figure is not None and float(figure.group(0)) == 0:
        return True
    a = view.rfind("\n", 0, m.start()) + 1
    b = view.find("\n", m.end())
    line = view[a : b if b >= 0 else len(view)]
    at = m.start() - a
    if any(d.start() != at for d in _LONE_DASH.finditer(line)):
        return True
    return sum(f.start() != at + 2 for f in _LONE_FIGURE.finditer(line)) >= 4


_LONE_FIGURE = re.compile(r"(?<!\S)\d+(?:\.\d+)?(?!\S)")


# a count in a cell of its own followed by its measure word (``13612件``; not ``其中1091件`` in prose)
_MEASURE = re.compile(r"(?:^|(?<=[\t \u3000|｜│┃]))(\d+(?:\.\d+)?)(件次|人次|件|个|项|条|次|人|家|份|宗|起)(?=$|[\t \u3000|｜│┃])", re.M)
# a figure with OCR letters in it: digits and O/o/l/I/| only, at least one of each kind
_OCR_TOKEN = re.compile(r"(?<![A-Za-z0-9.])(?=[0-9OolI|.,]*[OolI|])(?=[0-9OolI|.,]*\d)[0-9OolI|]+(?:[.,][0-9OolI]+)*(?![A-Za-z0-9])")
_OCR_DIGIT = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _special_re() -> re.Pattern[str]:
    """Characters the first pass looks at: format characters (Cf), compatibility ideographs and
    radicals, fixed-width spaces — from Unicode's tables (``unicodedata``), built once, so that
    clean text costs one regex scan. Planes 0-1, the compatibility supplement and plane 14 (tags,
    variation selectors) hold every such character."""
    planes = [*range(0x80, 0x20000), *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE1000)]
    cps = [0]  # NUL: the few a converter leaves in good text get past ingest (``ingest.stray_nuls``)
    for cp in planes:
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat == "Cf" or ((_is_compat(cp) or cat == "Zs") and ch not in _SPACE_KEEP):
            if cat == "Cf" or _compat_char(ch) is not None:
                cps.append(cp)
    ranges: list[str] = []
    a = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            ranges.append(re.escape(chr(a)) + ("-" + re.escape(chr(prev)) if prev > a else ""))
            a = cp
        prev = cp
    return re.compile("[" + "".join(ranges) + "]")


class _Text:
    """The view under construction: its characters and, for each, the original offset."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.idx: list[int] | None = None  # None: the identity

    def orig(self, k: int) -> int:
        return k if self.idx is None else self.idx[k]

    def rebuild(self, drop: set[int], subst: dict[int, str]) -> None:
        idx = self.idx if self.idx is not None else range(len(self.s))
        keep = [k for k in range(len(self.s)) if k not in drop]
        self.s = "".join(subst.get(k, self.s[k]) for k in keep)
        self.idx = [idx[k] for k in keep]


def clean_view(text: str) -> TextView:
    """The normalised view of ``text`` (see ``REPAIR_KINDS``); one character to one or to nothing.

    Returns a ``TextView`` whose ``index`` maps every view character back to ``text``. The view of
    clean text is the text itself (``view.identity``).
    """
    t = _Text(text)
    repairs: list[Repair] = []
    glued: set[int] = set()
    drop: set[int] = set()
    subst: dict[int, str] = {}
    for m in _special_re().finditer(text):
        i, ch = m.start(), m.group(0)
        rep = _compat_char(ch)
        if rep is None:
            repairs.append(Repair(i, i + 1, "nul" if ch == "\x00" else "invisible", ch, ""))
            drop.add(i)
            continue
        kind = "space" if rep == " " else "compat"
        if kind == "compat" and i + 1 < len(text) and text[i + 1] == rep:
            repairs.append(Repair(i, i + 1, kind, ch, ""))  # ⾏行: the radical, then its ideograph
            drop.add(i)
            continue
        repairs.append(Repair(i, i + 1, kind, ch, rep))
        subst[i] = rep
    for m in _OTHER_LINE_END.finditer(text):
        repairs.append(Repair(m.start(), m.end(), "line_end", m.group(0), "\n"))
        subst[m.start()] = "\n"
    # the CR of a CRLF line end is skipped, not listed as a repair: a text saved with Windows line
    # ends reads exactly as its LF twin (every ``$``, ``.*`` and line split sees ``\n`` alone)
    drop.update(m.start() for m in _CRLF.finditer(text))
    for m in _PROSE_CELL_BAR.finditer(text):
        i = m.start("bar")
        repairs.append(Repair(i, i + 1, "cell_break", "|", "\n"))
        subst[i] = "\n"
    for m in _RUNON_PAGE_NUMBER.finditer(text):
        a, b = m.span("page")
        repairs.append(Repair(a, b, "page_number", text[a:b], ""))
        drop.update(range(a, b))
    if drop or subst:
        t.rebuild(drop, subst)
    _undouble(t, repairs, glued, text)
    _read_figures(t, repairs, text)
    repairs.sort(key=lambda r: (r.start, r.end))
    index = tuple(t.idx) + (len(text),) if t.idx is not None else tuple(range(len(text) + 1))
    return TextView(text, t.s, index, tuple(repairs), frozenset(glued))


def _doubled_tokens(s: str) -> tuple[bool, int]:
    """Is every whitespace-separated token of ``s`` its characters drawn twice? And how many CJK pairs."""
    toks = s.split()
    if not toks:
        return False, 0
    cjk = 0
    for tok in toks:
        if len(tok) % 2 or tok[::2] != tok[1::2]:
            return False, 0
        cjk += len(_CJK.findall(tok[::2]))
    return True, cjk


def _glyphs_twice(line: str, single: Callable[[str], bool]) -> tuple[list[int], int] | None:
    """Read ``line`` as faux bold that drew every glyph twice except those ``single`` accepts.

    The positions of the second copies and the number of ideographs drawn twice; None when a glyph
    that should be doubled is not (the line is not drawn that way).
    """
    drop: list[int] = []
    pairs = j = 0
    while j < len(line):
        c = line[j]
        if c.isspace() or single(c):
            j += 1
            continue
        if j + 1 >= len(line) or line[j + 1] != c:
            return None
        drop.append(j + 1)
        pairs += bool(_CJK.match(c))
        j += 2
    return drop, pairs


def _not_ideograph(c: str) -> bool:
    return not _CJK.match(c)


def _digit(c: str) -> bool:
    return c in _DIGITS


_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _partial_bold(line: str) -> tuple[list[int], int] | None:
    """Faux bold some converters leave on a line: every glyph twice but the digits (``（（三三））  17``,
    also a figure alone: ``746..0``), or only the ideographs twice (``三三、本本  （一一）予予以以公公开开  0``).
    The second copies and the number of ideographs drawn twice, or None."""
    got = _glyphs_twice(line, _digit)  # the stricter reading first: it also reads the punctuation once
    if got is not None and got[0]:
        return got
    got = _glyphs_twice(line, _not_ideograph)
    return got if got is not None and got[1] else None


def _undouble(t: _Text, repairs: list[Repair], glued: set[int], text: str) -> None:
    """Faux bold: a line whose every token is its characters twice is read once.

    A line qualifies when it doubles at least two CJK characters (``总总计计``); so do the lines of
    figures right after it (a bold row printed one cell per line), and, when most lines of the text
    are doubled (the whole document drawn twice), every doubled line. A lone ``11`` elsewhere is eleven.

    Some converters draw only the ideographs twice (digits and punctuation once), or all but the
    digits: such a line is read once when it doubles two ideographs and leaves none single; when
    three such lines show the text is drawn that way, also a line of one such ideograph or of a
    figure with its point drawn twice (``746..0``). Where those lines print their figures once
    (more of them than lines whose figures are doubled), a line's figures are never read as
    doubled: ``行行政政强强制制  33`` is 行政强制 33.
    """
    lines = t.s.split("\n")
    info = []
    partial: dict[int, tuple[list[int], int]] = {}
    for k, line in enumerate(lines):
        stripped = line.strip()
        ok, cjk = _doubled_tokens(line) if len(stripped) >= 2 else (False, 0)
        info.append((ok, cjk, len(stripped)))
        if len(stripped) >= 2 and (got := _partial_bold(line)) is not None:
            partial[k] = got
    strong_partial = [k for k, (_, pairs) in partial.items() if pairs >= 2 and not info[k][0]]
    if not any(ok for ok, _, _ in info) and not strong_partial:
        return
    content = [k for k, (_, _, n) in enumerate(info) if n >= 2]
    bold_words = sum(info[k][0] and info[k][1] >= 2 for k in content)
    doubled_all = bold_words >= 3 and sum(info[k][0] for k in content) >= 0.8 * len(content)
    has_digit = lambda k: any(c in _DIGITS for c in lines[k])  # noqa: E731
    single_figures = sum(has_digit(k) for k in strong_partial) > sum(
        has_digit(k) for k in content if info[k][0] and info[k][1] >= 2)
    partial_style = len(strong_partial) >= 3
    read_once: list[int] = []
    drops: dict[int, list[int]] = {}
    prev_bold = False  # the last non-empty line was read once
    for k, (ok, cjk, n) in enumerate(info):
        if n < 2:
            if n:
                prev_bold = False  # one character: not drawn twice
            continue
        if k in partial and (not ok or single_figures) and (partial[k][1] >= 2 or partial_style):
            read_once.append(k)
            drops[k] = partial[k][0]
            prev_bold = False  # its figures are drawn once
            continue
        prev_bold = ok and (cjk >= 2 or doubled_all or (prev_bold and not single_figures) or (partial_style and cjk >= 1))
        if prev_bold:
            read_once.append(k)
    if not read_once:
        return
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    drop: set[int] = set()
    for k in read_once:
        a, line = starts[k], lines[k]
        if k in drops:
            second = drops[k]
        else:
            second, j = [], 0
            while j < len(line):
                if line[j].isspace():
                    j += 1
                    continue
                second.append(j + 1)
                j += 2
        for q in second:
            drop.add(a + q)
            glued.add(t.orig(a + q))
        oa, ob = t.orig(a), t.orig(a + len(line) - 1) + 1
        repairs.append(Repair(oa, ob, "doubled", text[oa:ob], "".join(c for q, c in enumerate(line) if a + q not in drop)))
    t.rebuild(drop, {})


def _read_figures(t: _Text, repairs: list[Repair], text: str) -> None:
    """OCR letters in figures, measure words after counts, changes in words (per line)."""
    s = t.s
    drop: set[int] = set()
    subst: dict[int, str] = {}

    def rec(a: int, b: int, kind: str, read_as: str) -> None:
        oa, ob = t.orig(a), t.orig(b - 1) + 1
        repairs.append(Repair(oa, ob, kind, text[oa:ob], read_as))

    for m in _OCR_TOKEN.finditer(s):
        tok = m.group(0)
        a = m.start()
        bars = [k for k, c in enumerate(tok) if c == "|"]
        line_a, line_b = s.rfind("\n", 0, a) + 1, s.find("\n", m.end())
        line = s[line_a : line_b if line_b >= 0 else len(s)]
        if bars and (line.count("|") > len(bars) or any(k == 0 or k == len(tok) - 1 for k in bars)):
            continue  # a grid's bar, not a one
        others = _OCR_TOKEN.sub(" ", line)
        if re.search(r"[A-Za-z]{2,}", others):
            continue  # Latin words around it (other figures aside): not a table's figure (``Office 2O``)
        read = "".join(_OCR_DIGIT.get(c, c) for c in tok)
        if not re.fullmatch(r"\d+(?:[.,]\d+)*", read):
            continue
        for k, c in enumerate(tok):
            if c in _OCR_DIGIT:
                subst[a + k] = _OCR_DIGIT[c]
        rec(a, m.end(), "ocr_digit", read)
    view = "".join(subst.get(k, c) for k, c in enumerate(s)) if subst else s
    for m in _MEASURE.finditer(view):
        a, b = m.span(2)
        drop.update(range(a, b))
        rec(a, b, "measure_word", "")
    for m in _CHANGE_WORD.finditer(view):
        word = m.group(1)
        a = m.start(1)
        subst[a] = "+" if word.startswith("增") else "-"
        drop.update(range(a + 1, m.end()))
        rec(a, m.end(), "change_word", subst[a])
    for m in _SPACED_SIGN.finditer(view):
        if _blank_mark_then_figure(view, m):
            continue
        drop.add(m.end() - 1)  # the space between the sign and the figure
        rec(m.start(), m.end(), "change_word", m.group(1))
    if drop or subst:
        t.rebuild(drop, subst)
