"""Draw PDFs the way real producers do (reportlab): the quirks the PDF reader must survive.

``QuirkCanvas`` draws text at page positions with any mix of the producer habits seen in published
reports: a scaled text matrix (WPS Office: nominal font size ~400 pt, matrix x 0.05), one glyph per
text-show operation (most Office output), faux bold (each glyph drawn twice with a small offset),
vertical text (one glyph per line in a narrow header cell), rotated and landscape pages, and fonts
without a ToUnicode map. Used by the document renderer (``documents.py``) and the reader's tests.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

# A CJK TrueType font to embed (Debian fonts-wqy-microhei / fonts-noto-cjk); without one the
# built-in, non-embedded CID font STSong-Light is used (readers then substitute a system font).
CJK_FONT_FILES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
_REGISTERED: dict[str, str] = {}


def cjk_font(embedded: bool = True) -> str:
    """Register and return the name of a font that draws Chinese (embedded TrueType if available)."""
    from reportlab.pdfbase import pdfmetrics

    key = "embedded" if embedded else "cid"
    if key in _REGISTERED:
        return _REGISTERED[key]
    name = ""
    if embedded:
        from reportlab.pdfbase.ttfonts import TTFont

        for path, index in CJK_FONT_FILES:
            if Path(path).exists():
                pdfmetrics.registerFont(TTFont("GovCJK", path, subfontIndex=index))
                name = "GovCJK"
                break
    if not name:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        name = "STSong-Light"
    _REGISTERED[key] = name
    return name


def has_embeddable_cjk_font() -> bool:
    return any(Path(p).exists() for p, _ in CJK_FONT_FILES)


@dataclass(frozen=True)
class Quirks:
    """How a producer draws text. ``matrix_scale`` < 1 draws at ``size / matrix_scale`` nominal points
    scaled by the text matrix; ``faux_bold`` fakes bold text (titles, headings, header rows) by
    overprinting each of its glyphs at ``bold_offset`` x size (the font has no bold face)."""

    matrix_scale: float = 1.0
    per_glyph: bool = False
    faux_bold: bool = False
    bold_offset: float = 0.03
    no_tounicode: bool = False

    @property
    def name(self) -> str:
        parts = [f"matrix{self.matrix_scale:g}" if self.matrix_scale != 1.0 else "",
                 "per_glyph" if self.per_glyph else "", "faux_bold" if self.faux_bold else "",
                 "no_tounicode" if self.no_tounicode else ""]  # fmt: skip
        return "+".join(p for p in parts if p) or "plain"


class QuirkCanvas:
    """A reportlab canvas that draws strings with a producer's quirks; ``save()`` returns the PDF bytes."""

    def __init__(self, quirks: Quirks = Quirks(), pagesize: tuple[float, float] = (595.27, 841.89),
                 font: str | None = None) -> None:  # fmt: skip
        from reportlab.pdfgen import canvas

        self.quirks = quirks
        self.font = font or cjk_font()
        self._buf = io.BytesIO()
        self.canvas = canvas.Canvas(self._buf, pagesize=pagesize, pageCompression=0, invariant=True)
        self.pagesize = pagesize

    def width(self, text: str, size: float) -> float:
        from reportlab.pdfbase import pdfmetrics

        return pdfmetrics.stringWidth(text, self.font, size)

    def text(self, x: float, y: float, s: str, size: float = 12.0, bold: bool = False) -> None:
        """Draw ``s`` with its baseline starting at (x, y) points; ``bold`` text is overprinted if the
        producer fakes bold."""
        passes = [0.0, self.quirks.bold_offset * size] if (bold and self.quirks.faux_bold) else [0.0]
        k = self.quirks.matrix_scale
        for dx in passes:
            t = self.canvas.beginText()
            if self.quirks.per_glyph:
                cx = x + dx
                for ch in s:
                    t.setTextTransform(k, 0, 0, k, cx, y)
                    t.setFont(self.font, size / k)
                    t.textOut(ch)
                    cx += self.width(ch, size)
            else:
                t.setTextTransform(k, 0, 0, k, x + dx, y)
                t.setFont(self.font, size / k)
                t.textOut(s)
            self.canvas.drawText(t)

    def vertical(self, x: float, y_top: float, s: str, size: float = 12.0, leading: float = 1.15) -> None:
        """Draw ``s`` top to bottom, one glyph per line (a narrow header cell's vertical text)."""
        for i, ch in enumerate(s):
            self.text(x, y_top - i * size * leading, ch, size)

    def rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.canvas.setLineWidth(0.5)
        self.canvas.line(x1, y1, x2, y2)

    def rotate_page(self, degrees: int) -> None:
        """Set the current page's /Rotate (a viewer turns it; the content is drawn unrotated)."""
        self.canvas.setPageRotation(degrees)

    def show_page(self) -> None:
        self.canvas.showPage()

    def save(self) -> bytes:
        self.canvas.save()
        data = self._buf.getvalue()
        if self.quirks.no_tounicode:
            # Same length, so the cross-reference offsets stay valid: readers no longer find the map.
            data = data.replace(b"/ToUnicode", b"/ToUnicodX")
        return data
