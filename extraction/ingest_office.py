"""DOCX to text: the reading order a person sees, one table row per line (PDF: ``ingest_pdf``).

It parses untrusted files with third-party libraries; any failure inside them is reported as a
bad file (an ``InputError`` naming what to do), never as the library's own exception type.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from .errors import CorruptInput, EncryptedInput, InputError, InputTooLarge
from .limits import ReadLimits, TextBudget, TextTooLarge, default_limits

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# An Office file encrypted with a password is an OLE2 container holding this stream, whatever its name.
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Decompressed DOCX parts may exceed the input size limit by this factor (a guard against zip bombs).
_DOCX_EXPANSION = 20


def input_name(filename: str | None) -> str:
    """How error messages name the input."""
    return filename or "the input"


def is_encrypted_office(data: bytes) -> bool:
    return data.startswith(OLE2_MAGIC) and _OLE_ENCRYPTED in data


# ---------------------------------------------------------------- DOCX


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


_W_P, _W_TBL, _W_TR, _W_TC, _W_T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
_W_TAB, _W_BR, _W_CR, _W_NB_HYPHEN = _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_W_TCPR, _W_VMERGE, _W_VAL = _w("tcPr"), _w("vMerge"), _w("val")
# Deleted or moved-away text, properties, field codes, and the fallback copy of alternate content.
_W_SKIP = frozenset(
    [_w("del"), _w("moveFrom"), _w("rPr"), _w("pPr"), _w("instrText"), _w("delText")]
    + ["{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"]
)


def _unwrap(el):  # type: ignore[no-untyped-def]
    """Children of ``el``, looking through content controls and custom-XML wrappers."""
    for child in el:
        if child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _unwrap(content)
        elif child.tag == _W_CUSTOM_XML:
            yield from _unwrap(child)
        else:
            yield child


def _run_text(el, out: list[str]) -> None:  # type: ignore[no-untyped-def]
    for child in el:
        tag = child.tag
        if tag in _W_SKIP:
            continue
        if tag == _W_T:
            out.append(child.text or "")
        elif tag == _W_TAB:
            out.append("\t")
        elif tag in (_W_BR, _W_CR):
            out.append("\n")
        elif tag == _W_NB_HYPHEN:
            out.append("-")
        else:
            _run_text(child, out)


def _w_val(el) -> str | None:  # type: ignore[no-untyped-def]
    return el.get(_W_VAL) if el is not None else None


def _int_attr(el, name: str = _W_VAL, default: int = 0) -> int:  # type: ignore[no-untyped-def]
    try:
        return int(el.get(name)) if el is not None else default
    except (TypeError, ValueError):
        return default


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("" if tens == 1 else digits[tens]) + "十") + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


# Word's list number formats as they read in a report ("bullet" and unknown formats give no label).
_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "none": lambda n: "",
}


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str  # e.g. "%1、" or "（%2）"
    suffix: str  # what follows the label: a space, or nothing (a tab only aligns, so nothing)


class _Numbering:
    """Word's automatic list numbers (一、 （一） 1.), which are not in the text runs but are read as text."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        self._levels: dict[str, dict[int, _Level]] = {}
        self._style_numbering: dict[str, tuple[str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # python-docx's ways of saying there is no numbering part
            return
        abstract = {a.get(_w("abstractNumId")): self._read_levels(a) for a in numbering.iterchildren(_w("abstractNum"))}
        for num in numbering.iterchildren(_w("num")):
            levels = dict(abstract.get(_w_val(num.find(_w("abstractNumId"))), {}))
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl = _int_attr(override, _w("ilvl"))
                if override.find(_w("lvl")) is not None:
                    levels.update(self._read_levels(override))
                start = override.find(_w("startOverride"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = replace(levels[ilvl], start=_int_attr(start, default=1))
            self._levels[num.get(_w("numId"))] = levels
        for style in document.styles.element.iterchildren(_w("style")):
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                self._style_numbering[style.get(_w("styleId"))] = (
                    _w_val(num_pr.find(_w("numId"))),
                    _int_attr(num_pr.find(_w("ilvl"))),
                )

    @staticmethod
    def _read_levels(parent) -> dict[int, _Level]:  # type: ignore[no-untyped-def]
        levels = {}
        for lvl in parent.iterchildren(_w("lvl")):
            suffix = _w_val(lvl.find(_w("suff"))) or "tab"
            levels[_int_attr(lvl, _w("ilvl"))] = _Level(
                start=_int_attr(lvl.find(_w("start")), default=1),
                fmt=_w_val(lvl.find(_w("numFmt"))) or "decimal",
                text=_w_val(lvl.find(_w("lvlText"))) or "",
                suffix=" " if suffix == "space" else "",
            )
        return levels

    def label(self, p) -> str:  # type: ignore[no-untyped-def]
        """The list label of paragraph ``p`` (and advance its list's counter); "" if it has none."""
        num_pr = p.find(f"{_w('pPr')}/{_w('numPr')}")
        if num_pr is not None and num_pr.find(_w("numId")) is not None:
            num_id, ilvl = _w_val(num_pr.find(_w("numId"))), _int_attr(num_pr.find(_w("ilvl")))
        else:
            style = _w_val(p.find(f"{_w('pPr')}/{_w('pStyle')}"))
            num_id, ilvl = self._style_numbering.get(style or "", ("", 0))
        levels = self._levels.get(num_id or "")
        if not levels or ilvl not in levels or levels[ilvl].fmt not in _NUMBER_FORMATS:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = levels[ilvl].text
        for k, level in levels.items():
            if f"%{k + 1}" in text:
                text = text.replace(f"%{k + 1}", _NUMBER_FORMATS.get(level.fmt, str)(counters.get(k, level.start)))
        return text + levels[ilvl].suffix if text else ""


class _DocxText:
    """The body of a Word document as lines: paragraphs, and table rows with tab-separated cells."""

    def __init__(self, numbering: _Numbering, budget: TextBudget | None = None) -> None:
        self.numbering = numbering
        self.budget = budget

    def paragraph(self, p) -> str:  # type: ignore[no-untyped-def]
        out: list[str] = [self.numbering.label(p)]
        _run_text(p, out)
        text = "".join(out)
        if self.budget is not None:  # every paragraph is read once, in the body or in a cell
            self.budget.add(chars=len(text) + 1)
        return text

    def cell(self, tc) -> str:  # type: ignore[no-untyped-def]
        parts: list[str] = []
        for child in _unwrap(tc):
            if child.tag == _W_P:
                parts.append(self.paragraph(child))
            elif child.tag == _W_TBL:
                parts.extend(" ".join(row) for row in self.table_rows(child))
        text = " ".join(p for p in parts if p.strip())
        return text.replace("\t", " ").replace("\n", " ").strip()

    def table_rows(self, tbl) -> list[list[str]]:  # type: ignore[no-untyped-def]
        rows = []
        for tr in _unwrap(tbl):
            if tr.tag == _W_TR:
                rows.append(
                    [self.cell(tc) for tc in _unwrap(tr) if tc.tag == _W_TC and not _continues_vertical_merge(tc)]
                )
                if self.budget is not None:
                    self.budget.add(cells=len(rows[-1]))
        return rows

    def lines(self, body) -> list[str]:  # type: ignore[no-untyped-def]
        """``body``: the document body or a container cell (``w:tc``) — paragraphs and tables."""
        lines: list[str] = []
        for child in _unwrap(body):
            if child.tag == _W_P:
                lines.append(self.paragraph(child))
                if self.budget is not None:  # stop at the first limit passed, not after the whole body
                    self.budget.add(lines=lines[-1].count("\n") + 1)
            elif child.tag == _W_TBL:
                lines.extend(self.table_lines(child))
        return lines

    def table_lines(self, tbl) -> list[str]:  # type: ignore[no-untyped-def]
        """One tab-separated line per row; a layout row (a cell holding block content: a table of
        its own, or several paragraphs of text) gives its cells' blocks as lines instead."""
        out: list[str] = []
        for tr in _unwrap(tbl):
            if tr.tag != _W_TR:
                continue
            cells = [tc for tc in _unwrap(tr) if tc.tag == _W_TC and not _continues_vertical_merge(tc)]
            if any(_is_container(tc) for tc in cells):
                for tc in cells:
                    out.extend(self.lines(tc))
            elif cells:
                out.append("\t".join(self.cell(tc) for tc in cells))
                if self.budget is not None:
                    self.budget.add(lines=1, cells=len(cells))
        return out


_CONTAINER_PARAGRAPHS = 3
_CONTAINER_TEXT = 200


def _is_container(tc) -> bool:  # type: ignore[no-untyped-def]
    """A layout cell: a table nested in it, or several paragraphs of running text (not the one or
    two paragraphs of a wrapped label)."""
    children = list(_unwrap(tc))
    if any(c.tag == _W_TBL and sum(r.tag == _W_TR for r in _unwrap(c)) >= 2 for c in children):
        return True  # a table of its own (a one-row table inside a data cell is read inline)
    paras = [c for c in children if c.tag == _W_P]
    if len(paras) < _CONTAINER_PARAGRAPHS:
        return False
    text: list[str] = []
    for p in paras:
        _run_text(p, text)
    return len("".join(text).strip()) >= _CONTAINER_TEXT


def _continues_vertical_merge(tc) -> bool:  # type: ignore[no-untyped-def]
    """A cell under a vertically merged one: like an HTML rowspan, its text was given above."""
    tc_pr = tc.find(_W_TCPR)
    merge = tc_pr.find(_W_VMERGE) if tc_pr is not None else None
    return merge is not None and merge.get(_W_VAL, "continue") == "continue"


def _unpacked_size(zf: zipfile.ZipFile, limit: int, name: str) -> int:
    """Bytes the package really inflates to, counted while inflating in 1 MiB steps (the ZIP
    header's sizes may lie); TextTooLarge as soon as ``limit`` is passed, before any parser runs."""
    total = 0
    for info in zf.infolist():
        with zf.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise TextTooLarge(
                        f"{name} unpacks to more than {limit} bytes (the limit, setting "
                        "GOVREPORT_MAX_UNPACKED_MB): refused as a possible ZIP bomb"
                    )
    return total


def _check_docx_package(data: bytes, filename: str | None, max_bytes: int, limits: ReadLimits | None = None) -> None:
    name = input_name(filename)
    if is_encrypted_office(data):
        raise EncryptedInput(f"{name} is a password-protected Word document: remove the password in Word and save it again")
    if data.startswith(OLE2_MAGIC):
        raise InputError(
            f"{name} is a legacy Word 97-2003 (.doc) file, not a .docx: open it in Word or LibreOffice and "
            "save it as .docx or PDF"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            expanded = sum(info.file_size for info in zf.infolist())
            limit = min(_DOCX_EXPANSION * max_bytes, (limits or default_limits()).max_unpacked_bytes)
            if "word/document.xml" in names and expanded <= limit:
                expanded = _unpacked_size(zf, limit, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise CorruptInput(f"{name} is not a valid .docx (it is not a ZIP package): re-save it from Word") from None
    if "word/document.xml" not in names:
        raise InputError(f"{name} is a ZIP file but not a Word .docx (no word/document.xml): supply the report itself")
    if expanded > limit:
        raise InputTooLarge(
            f"{name} expands to {expanded} bytes when unpacked, over the {limit}-byte limit: "
            "check the file, or raise the configured size limit"
        )


# what a report's title line is, as the rule tagger's ``find_title`` takes it: short, naming a 报告
# of a year or of 公开, no prose punctuation; and the year it names (digits or 〇一二…)
_TITLE_PROSE = re.compile(r"[。，,；;：:！？]")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年")
_BODY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_TITLE_LINES = 40  # find_title looks at the first 40 lines


def _title_like(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 80 and "报告" in s and ("年" in s or "公开" in s) and not _TITLE_PROSE.search(s)


def _body_year(lines: list[str]) -> int | None:
    """The year the body names most often (``2021年``), None on a tie or none: a report's own year
    outnumbers the last year it compares with and the next one it plans for."""
    counts = Counter(int(y) for y in _BODY_YEAR.findall("\n".join(lines).translate(_FULLWIDTH_DIGITS)))
    top = counts.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def properties_title(title: str, lines: list[str]) -> str | None:
    """The title of File › Properties (``docProps/core.xml``), to head the text of a document whose
    body has none (``lines``: the body's), or None. LibreOffice's conversion of a web page keeps
    the page's ``<title>`` there and no heading in the body: read as a report, it had no title,
    year or organ (``title_missing``). Taken only if it is a report's title (政府信息公开 … 报告
    of a year, on one line) and its year is the one the body names most: a document copied from
    last year's keeps last year's title in its properties, which would give the report a wrong
    year and no flag."""
    title = " ".join(title.split())
    if not (_title_like(title) and "信息公开" in title):
        return None
    year = _TITLE_YEAR.search(title.translate(_FULLWIDTH_DIGITS))
    if year is None or int("".join(_CN_DIGIT.get(c, c) for c in year.group(1))) != _body_year(lines):
        return None
    if any(_title_like(line) for line in [ln for ln in lines if ln.strip()][:_TITLE_LINES]):
        return None  # the body has its own title line
    return title


def docx_to_text(data: bytes, filename: str | None, max_bytes: int, limits: ReadLimits | None = None) -> str:
    """Paragraphs and table rows in document order; cells tab-separated, merged cells given once.

    Raises TextTooLarge as soon as the unpacked package or the text passes ``limits``."""
    import docx  # python-docx; imported here so plain-text ingest does not pay for it

    limits = limits or default_limits()
    _check_docx_package(data, filename, max_bytes, limits)
    budget = TextBudget(limits, input_name(filename))
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _DocxText(_Numbering(document), budget).lines(document.element.body)
        title = properties_title(document.core_properties.title or "", lines)
        if title is not None:
            lines = [title, "", "", *lines]  # as an HTML page's <title> heads its text (ingest_html)
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # untrusted file in a third-party parser: any failure means a broken file
        raise CorruptInput(
            f"{input_name(filename)} is a damaged .docx that cannot be read ({type(exc).__name__}: {exc}): "
            "open it in Word and save it again"
        ) from exc
    return "\n".join(lines) + "\n" if lines else ""
