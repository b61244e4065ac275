"""PDF to text: the page's visual lines, laid out in columns the way ``pdftotext -layout`` does.

Producers draw text in very different ways, and none of them may change what is read:

* **Scaled text matrix** (WPS Office, some Word exports): a glyph is drawn at a nominal font size of
  several hundred points and scaled down by the text matrix (x 0.05). A glyph's size is its
  *effective* size (font size x the matrix's scale), checked against its box, never the nominal size.
* **One glyph per text-show operation** (most Office output): glyphs are placed one by one, so
  words and cells are found from the gaps between glyph boxes, not from the content stream.
* **Faux bold**: each glyph drawn twice (or more) with a small offset; the copies are dropped.
* **Sideways text** (a landscape table printed on a portrait page): the page's dominant text angle
  is turned back so that table rows become lines again.
* **Fonts without a ToUnicode map**: their glyphs have no known text (``(cid:N)`` in pdfminer);
  they are counted and reported, never passed on silently.

The reader checks itself (``_suspect``): a line with overlapping glyph boxes, or with a run of digits
longer than any plausible table cell, means that lines were merged; the page is then regrouped with a
stricter baseline tolerance, and if that does not help the page is named in a warning.

Any failure inside PDFium is reported as a bad file (an ``InputError``), never as its own exception.
"""
from __future__ import annotations

import ctypes
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import CorruptInput, EncryptedInput, InputError, NoTextLayer
from .ingest_office import input_name
from .limits import ReadLimits, TextBudget, default_limits

PDF_MEDIA_TYPE = "application/pdf"
# A page tree's declared /Count, read from the bytes before PDFium parses them.
_PDF_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")

# PDFium is not thread-safe; the Extractor may be shared between threads.
_PDFIUM_LOCK = threading.Lock()
# Glyphs whose baselines differ by less than this share of the (smaller) glyph size are on one line;
# the strict value is the retry when a page's lines look merged.
BASELINE_TOLERANCE = 0.3
STRICT_BASELINE_TOLERANCE = 0.1
# A gap wider than WORD_GAP glyph sizes is a space; wider than CELL_GAP it separates table cells,
# which are then placed at their page column (at least two spaces apart, as pdftotext -layout does).
WORD_GAP = 0.25
CELL_GAP = 0.8
# The digits of one figure are drawn touching (their loose boxes within 0.04 of their size of each
# other in LibreOffice's, WPS's and Chromium's PDFs); two figures in adjacent narrow cells of a
# browser's print stand ~0.24 apart (``15823`` ``2169``), under a word gap. A digit-to-digit gap
# wider than DIGIT_GAP beyond the line's own spacing of letters in a word (tracking, which spreads
# every glyph alike) separates two figures: never one figure read from two cells.
DIGIT_GAP = 0.12
# Copies of a glyph within this share of its size of each other are one glyph drawn bold by overprinting.
_DUPLICATE_OFFSET = 0.2
# No table cell of a report has this many digits in a row (money in 元 with decimals has ~12).
_MAX_DIGIT_RUN = 20
_DIGIT_RUN = re.compile(r"\d{%d,}" % _MAX_DIGIT_RUN)
# A line wider than this many columns is clipped in its padding (not its text): a guard against
# coordinates far outside the page.
_MAX_COLUMNS = 400
# Line breaks (we make our own), NUL, PDFium's soft-hyphen mark and its "no Unicode" marks.
_PDF_SKIP_CODES = frozenset((0x0, 0x2, 0xA, 0xD, 0xFFFE, 0xFFFF))


class PdfText(NamedTuple):
    """What was read: the text (pages joined by a newline), the 1-based pages without a text layer,
    and warnings about text that may be missing or wrong (each naming its page)."""

    text: str
    empty_pages: list[int]
    warnings: list[str]


@dataclass(frozen=True)
class Glyph:
    """One drawn character in upright page coordinates (points, y upwards)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    baseline: float
    size: float  # effective size in points (font size scaled by the text matrix)

    @property
    def space(self) -> bool:
        return self.text.isspace()


@dataclass
class PageGlyphs:
    glyphs: list[Glyph] = field(default_factory=list)
    unmapped: int = 0  # glyphs of fonts without a Unicode map (their text is unknown)
    duplicates: int = 0  # faux-bold copies dropped


def _pdfium_error(exc: Exception, filename: str | None) -> InputError:  # Encrypted or Corrupt
    import pypdfium2.raw as pdfium_c

    name = input_name(filename)
    code = getattr(exc, "err_code", None)
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return EncryptedInput(
            f"{name} is a password-protected PDF: remove the password (or print it to a new PDF) and retry"
        )
    return CorruptInput(f"{name} is a damaged PDF that cannot be read ({exc}): re-export or re-download it")


def _upright(x: float, y: float, quarter_turns: int) -> tuple[float, float]:
    """Page coordinates turned back by ``quarter_turns`` x 90 degrees, so rotated text reads left to right."""
    for _ in range(quarter_turns % 4):
        x, y = y, -x
    return x, y


def effective_size(font_size: float, matrix: tuple[float, float, float, float], box_height: float) -> float:
    """A glyph's size in points as drawn: the font size scaled by the text matrix ``(a, b, c, d)``.

    The box height (the font's ascent to descent at the drawn size, usually 1.0-1.3 sizes) confirms
    it; where the two disagree by more than a factor 2.5 (a matrix PDFium did not report, a broken
    font size) the box decides, since it is what the reader sees.
    """
    a, b, c, d = matrix
    scale = math.sqrt(abs(a * d - b * c))
    size = font_size * scale if scale > 0 else 0.0
    if box_height > 0 and not (box_height / 2.5 <= size <= box_height * 2.5):
        size = box_height
    return size or box_height or 10.0


def read_glyphs(textpage) -> PageGlyphs:  # type: ignore[no-untyped-def]
    """The page's characters, upright, without the spaces and breaks PDFium invents and without
    faux-bold copies; glyphs without a Unicode mapping are counted, not read."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    m = pdfium_c.FS_MATRIX()
    page = PageGlyphs()
    found = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1 or 0xE000 <= code <= 0xF8FF:
            page.unmapped += 1  # a font without ToUnicode (or private-use codes): the text is unknown
            continue
        if code in _PDF_SKIP_CODES:
            continue
        box = textpage.get_charbox(i, loose=True)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        matrix = (1.0, 0.0, 0.0, 1.0)
        if pdfium_c.FPDFText_GetMatrix(raw, i, m):
            matrix = (m.a, m.b, m.c, m.d)
        # PDFium measures the angle clockwise; turning back is counter-clockwise.
        turns = -round(max(pdfium_c.FPDFText_GetCharAngle(raw, i), 0.0) / (math.pi / 2)) % 4
        found.append((chr(code), box, (x.value, y.value), pdfium_c.FPDFText_GetFontSize(raw, i), matrix, turns))
    if not found:
        return page
    turns = Counter(f[5] for f in found).most_common(1)[0][0]
    for text, (left, bottom, right, top), origin, font_size, matrix, _ in found:
        corners = [_upright(cx, cy, turns) for cx, cy in ((left, bottom), (right, top))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        size = effective_size(font_size, matrix, max(ys) - min(ys))
        page.glyphs.append(Glyph(text, min(xs), max(xs), min(ys), max(ys), _upright(*origin, turns)[1], size))
    page.glyphs, page.duplicates = drop_overprints(page.glyphs)
    return page


def drop_overprints(glyphs: list[Glyph]) -> tuple[list[Glyph], int]:
    """Glyphs less their faux-bold copies (the same character again within a fraction of its size)."""
    buckets: dict[tuple[str, int, int], list[Glyph]] = {}
    kept: list[Glyph] = []
    for g in glyphs:
        q = max(g.size, 1.0)
        bx, by = int(g.left // q), int(g.baseline // q)
        near = (
            other
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in buckets.get((g.text, bx + dx, by + dy), ())
        )
        limit = _DUPLICATE_OFFSET * q
        if not g.space and any(abs(o.left - g.left) <= limit and abs(o.baseline - g.baseline) <= limit for o in near):
            continue
        buckets.setdefault((g.text, bx, by), []).append(g)
        kept.append(g)
    return kept, len(glyphs) - len(kept)


def group_lines(glyphs: list[Glyph], tolerance: float = BASELINE_TOLERANCE) -> list[list[Glyph]]:
    """Glyphs on one baseline make one line (top to bottom), each line's glyphs left to right.

    Membership is measured in the *smaller* of the two effective sizes, so that one large glyph
    (a title, a mis-sized font) cannot pull neighbouring lines into its own.
    """
    lines: list[list[Glyph]] = []
    anchor: Glyph | None = None
    for g in sorted(glyphs, key=lambda g: -g.baseline):
        if anchor is not None and abs(anchor.baseline - g.baseline) <= tolerance * min(anchor.size, g.size):
            lines[-1].append(g)
        else:
            lines.append([g])
            anchor = g
    return [sorted(line, key=lambda g: g.left) for line in lines]


def _overlaps(line: list[Glyph]) -> int:
    """Pairs of neighbouring glyph boxes that overlap by more than half the narrower one: text of two
    lines interleaved, which never happens within one line."""
    n = 0
    ink = [g for g in line if not g.space]
    for a, b in zip(ink, ink[1:]):
        narrower = min(a.right - a.left, b.right - b.left)
        if narrower > 0 and min(a.right, b.right) - max(a.left, b.left) > 0.5 * narrower:
            n += 1
    return n


def render_lines(lines: list[list[Glyph]], unit: float, x0: float) -> list[str]:
    """Each line as text: words joined, a space at a word gap, cells placed at their page column.

    ``unit`` is the width of one text column in points (half the page's usual glyph size, so a CJK
    glyph takes two columns as in a fixed-width display) and ``x0`` the page's left text edge.
    """
    out = []
    for line in lines:
        parts: list[str] = []
        width = 0
        prev: Glyph | None = None
        pending_space = False
        tracking = _tracking(line)
        for g in line:
            if g.space:
                pending_space = prev is not None
                continue
            column = min(_MAX_COLUMNS, max(0, round((g.left - x0) / unit)))
            if prev is None:
                pad = column
            else:
                gap = g.left - prev.right
                size = min(g.size, prev.size)
                if gap > CELL_GAP * size:
                    pad = max(2, column - width)
                elif gap > WORD_GAP * size or pending_space:
                    pad = 1
                elif prev.text.isdigit() and g.text.isdigit() and gap > (DIGIT_GAP + tracking) * size:
                    pad = 1  # two figures in narrow cells side by side
                else:
                    pad = 0
            parts.append(" " * pad)
            parts.append(g.text)
            width += pad + (2 if _wide(g.text) else 1)
            prev, pending_space = g, False
        # Characters outside the BMP come as two UTF-16 surrogates; join them.
        out.append("".join(parts).rstrip().encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace"))
    return out


def _tracking(line: list[Glyph]) -> float:
    """The line's usual gap between the letters of a word, in glyph sizes (0 unless the line is
    spaced out): the median of its gaps narrower than a word gap."""
    ink = [g for g in line if not g.space]
    gaps = sorted(
        (b.left - a.right) / min(a.size, b.size) for a, b in zip(ink, ink[1:])
        if b.left - a.right <= WORD_GAP * min(a.size, b.size)
    )  # fmt: skip
    return max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0


def _wide(ch: str) -> bool:
    """Whether a glyph takes two text columns (CJK, full-width; a lone surrogate is half of a wide one)."""
    return 0xD800 <= ord(ch) <= 0xDFFF or unicodedata.east_asian_width(ch) in "WF"


def _suspect(lines: list[list[Glyph]], texts: list[str]) -> str | None:
    """Why the lines look wrongly merged, or None."""
    overlapping = _overlap_count(lines)
    if overlapping:
        return f"{overlapping} overlapping glyph pair(s) on one line"
    runs = [m.group() for t in texts for m in _DIGIT_RUN.finditer(t)]
    if runs:
        return f"a run of {len(max(runs, key=len))} digits"
    return None


def page_text(page: PageGlyphs, number: int) -> tuple[str, list[str]]:
    """The page's text and its warnings (``number`` is the 1-based page number they name)."""
    warnings: list[str] = []
    if page.unmapped:
        warnings.append(
            f"page {number}: {page.unmapped} glyph(s) in fonts without a Unicode map (ToUnicode) cannot be read "
            "as text: that text is missing; print the PDF to a new PDF or supply the report's text"
        )
    ink = [g for g in page.glyphs if not g.space]
    if not ink:
        return "", warnings
    # Half the size of the page's small print: a CJK glyph then never takes more columns than its
    # width on the page, so values stay under their header even where the header is in smaller type.
    sizes = sorted(g.size for g in ink)
    unit = max(sizes[len(sizes) // 10] / 2, 0.5)
    x0 = min(g.left for g in ink)
    lines = group_lines(page.glyphs)
    texts = render_lines(lines, unit, x0)
    why = _suspect(lines, texts)
    if why:
        strict = group_lines(page.glyphs, STRICT_BASELINE_TOLERANCE)
        strict_texts = render_lines(strict, unit, x0)
        still = _suspect(strict, strict_texts)
        if still is None or _overlap_count(strict) < _overlap_count(lines):
            lines, texts = strict, strict_texts
        if still:
            warnings.append(
                f"page {number}: text lines may be merged ({still}); its table values may be misread — "
                "check this page against the PDF"
            )
    return "\n".join(t for t in texts), warnings


def _overlap_count(lines: list[list[Glyph]]) -> int:
    return sum(_overlaps(line) for line in lines)


def pdf_to_text(data: bytes, filename: str | None, limits: ReadLimits | None = None) -> PdfText:
    """The text layer of every page, pages joined by a newline, with the pages that have none and
    warnings for text that could not be read reliably.

    Raises ``InputError`` (``EncryptedInput``, ``CorruptInput``, ``NoTextLayer``) for a file that
    cannot be read at all; ``TextTooLarge`` before reading when the page count passes
    ``limits.max_pages``, and before laying out a page whose character count passes ``max_page_chars``.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    budget = TextBudget(limits or default_limits(), input_name(filename))
    # A tree naming one page a million times costs PDFium seconds just to count (object streams
    # hide /Count; then PDFium's count below is the check).
    declared = [int(a or b) for a, b in _PDF_COUNT.findall(data) if len(a or b) <= 12]
    if declared:
        budget.pages(max(declared))
    name = input_name(filename)
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name} is named as a PDF but its content is not a PDF (no %PDF- header): check the file")
    pages: list[str] = []
    warnings: list[str] = []
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _pdfium_error(exc, filename) from exc
        try:
            budget.pages(len(pdf))
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                try:
                    budget.page_chars(i + 1, pdfium_c.FPDFText_CountChars(textpage.raw))
                    text, page_warnings = page_text(read_glyphs(textpage), i + 1)
                finally:
                    textpage.close()
                    page.close()
                pages.append(text)
                warnings += page_warnings
        except pdfium.PdfiumError as exc:
            raise _pdfium_error(exc, filename) from exc
        finally:
            pdf.close()
    if not pages:
        raise InputError(f"{name} is a PDF with no pages: re-export or re-download it")
    if not any(p.strip() for p in pages):
        unreadable = " (its fonts have no Unicode map)" if warnings else " (probably scanned images)"
        raise NoTextLayer(
            f"{name} is a PDF without a readable text layer ({len(pages)} page(s){unreadable}): "
            "run OCR on it first (e.g. ocrmypdf) or supply the report's text"
        )
    return PdfText("\n".join(pages), [i + 1 for i, p in enumerate(pages) if not p.strip()], warnings)
