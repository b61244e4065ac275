"""DOCX and PDF to text: the reading order a person sees, one table row per line.

Both parse untrusted files with third-party libraries; any failure inside them is reported as a
bad file (an ``InputError`` naming what to do), never as the library's own exception type.
"""
from __future__ import annotations

import io
import threading
import zipfile

from .errors import InputError, InputTooLarge, NoTextLayer

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# An Office file encrypted with a password is an OLE2 container holding this stream, whatever its name.
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Decompressed DOCX parts may exceed the input size limit by this factor (a guard against zip bombs).
_DOCX_EXPANSION = 20
# PDFium is not thread-safe; the Extractor may be shared between threads.
_PDFIUM_LOCK = threading.Lock()


def _label(filename: str | None) -> str:
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


def _paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    out: list[str] = []
    _run_text(p, out)
    return "".join(out)


def _continues_vertical_merge(tc) -> bool:  # type: ignore[no-untyped-def]
    """A cell under a vertically merged one: like an HTML rowspan, its text was given above."""
    tc_pr = tc.find(_W_TCPR)
    merge = tc_pr.find(_W_VMERGE) if tc_pr is not None else None
    return merge is not None and merge.get(_W_VAL, "continue") == "continue"


def _cell_text(tc) -> str:  # type: ignore[no-untyped-def]
    parts: list[str] = []
    for child in _unwrap(tc):
        if child.tag == _W_P:
            parts.append(_paragraph_text(child))
        elif child.tag == _W_TBL:
            parts.extend(" ".join(row) for row in _table_rows(child))
    text = " ".join(p for p in parts if p.strip())
    return text.replace("\t", " ").replace("\n", " ").strip()


def _table_rows(tbl) -> list[list[str]]:  # type: ignore[no-untyped-def]
    rows = []
    for tr in _unwrap(tbl):
        if tr.tag != _W_TR:
            continue
        rows.append([_cell_text(tc) for tc in _unwrap(tr) if tc.tag == _W_TC and not _continues_vertical_merge(tc)])
    return rows


def _body_lines(body) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    for child in _unwrap(body):
        if child.tag == _W_P:
            lines.append(_paragraph_text(child))
        elif child.tag == _W_TBL:
            lines.extend("\t".join(row) for row in _table_rows(child) if row)
    return lines


def _check_docx_package(data: bytes, filename: str | None, max_bytes: int) -> None:
    name = _label(filename)
    if is_encrypted_office(data):
        raise InputError(
            f"{name} is a password-protected Word document: remove the password in Word and save it again"
        )
    if data.startswith(OLE2_MAGIC):
        raise InputError(
            f"{name} is a legacy Word 97-2003 (.doc) file, not a .docx: open it in Word or LibreOffice and "
            "save it as .docx or PDF"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            expanded = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{name} is not a valid .docx (it is not a ZIP package): re-save it from Word") from None
    if "word/document.xml" not in names:
        raise InputError(f"{name} is a ZIP file but not a Word .docx (no word/document.xml): supply the report itself")
    limit = _DOCX_EXPANSION * max_bytes
    if expanded > limit:
        raise InputTooLarge(
            f"{name} expands to {expanded} bytes when unpacked, over the {limit}-byte limit: "
            "check the file, or raise the configured size limit"
        )


def docx_to_text(data: bytes, filename: str | None, max_bytes: int) -> str:
    """Paragraphs and table rows in document order; cells tab-separated, merged cells given once."""
    import docx  # python-docx; imported here so plain-text ingest does not pay for it

    _check_docx_package(data, filename, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _body_lines(document.element.body)
    except Exception as exc:  # untrusted file in a third-party parser: any failure means a broken file
        raise InputError(
            f"{_label(filename)} is a damaged .docx that cannot be read ({type(exc).__name__}: {exc}): "
            "open it in Word and save it again"
        ) from exc
    return "\n".join(lines) + "\n" if lines else ""


# ---------------------------------------------------------------- PDF


def _pdfium_error(exc: Exception, filename: str | None) -> InputError:
    import pypdfium2.raw as pdfium_c

    name = _label(filename)
    code = getattr(exc, "err_code", None)
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return InputError(f"{name} is a password-protected PDF: remove the password (or print it to a new PDF) and retry")
    return InputError(f"{name} is a damaged PDF that cannot be read ({exc}): re-export or re-download it")


def _clean_pdf_text(text: str) -> str:
    # PDFium ends lines with CRLF and marks soft hyphens / unknown glyphs with control characters.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "").replace("\ufffe", "").replace("\x00", "")


def pdf_to_text(data: bytes, filename: str | None) -> tuple[str, list[int]]:
    """The text layer of every page, pages joined by a newline; and the pages (1-based) that have none."""
    import pypdfium2 as pdfium

    name = _label(filename)
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name} is named as a PDF but its content is not a PDF (no %PDF- header): check the file")
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _pdfium_error(exc, filename) from exc
        try:
            pages = []
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                pages.append(_clean_pdf_text(textpage.get_text_range()))
                textpage.close()
                page.close()
        except pdfium.PdfiumError as exc:
            raise _pdfium_error(exc, filename) from exc
        finally:
            pdf.close()
    if not pages:
        raise InputError(f"{name} is a PDF with no pages: re-export or re-download it")
    if not any(p.strip() for p in pages):
        raise NoTextLayer(
            f"{name} is a PDF without a text layer ({len(pages)} page(s), probably scanned images): "
            "run OCR on it first (e.g. ocrmypdf) or supply the report's text"
        )
    return "\n".join(pages), [i + 1 for i, p in enumerate(pages) if not p.strip()]
