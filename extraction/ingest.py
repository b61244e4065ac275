"""A file or bytes becomes a Document (text decoded, origin recorded); bad input gets a specific error.

The format comes from the file extension, else from the media type, else from the content (magic
bytes, HTML sniffing). Plain text is decoded and kept exactly as it is (no newline normalisation,
no stripping; a BOM is not text), so offsets refer to the input; HTML, DOCX and PDF are flattened
to one line per paragraph or table row, table cells tab-separated (see ingest_html / ingest_office / ingest_pdf).
The Document's sha256 is always that of the original bytes.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path
from typing import Literal, NamedTuple

from charset_normalizer import from_bytes

from .blanktext import blank_reason
from .document import Document
from .mojibake import char_starts, lossy_origin, single_byte_origin
from .errors import BinaryInput, EmptyInput, InputError, InputTooLarge, UndecodableInput, UnsupportedFormat
from .ingest_html import declared_charset, flatten_html, is_html_document, looks_like_html
from .limits import DEFAULT_MAX_BYTES, ReadLimits, check_text, default_limits, max_bytes_from_env  # noqa: F401  (DEFAULT_MAX_BYTES re-exported)
from .ingest_office import (
    DOCX_MEDIA_TYPE,
    OLE2_MAGIC,
    docx_to_text,
    input_name,
    is_encrypted_office,
)
from .filenames import printable_name
from .ingest_pdf import PDF_MEDIA_TYPE, pdf_to_text
from .reader_pool import run_isolated


Format = Literal["text", "html", "docx", "pdf"]
MEDIA_TYPES: dict[Format, str] = {
    "text": "text/plain",
    "html": "text/html",
    "docx": DOCX_MEDIA_TYPE,
    "pdf": PDF_MEDIA_TYPE,
}
_EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip
_MEDIA: dict[str, Format] = {
    "text/plain": "text", "text/markdown": "text", "text/html": "html", "application/xhtml+xml": "html",
    DOCX_MEDIA_TYPE: "docx", PDF_MEDIA_TYPE: "pdf", "application/x-pdf": "pdf",
}  # fmt: skip
_TO_DOCX_OR_PDF = "save the report as .docx, .pdf, .html or .txt"
_SUPPLY = "supply the report as .txt, .html, .docx or .pdf"
_IMAGE = "an image: govreport does not OCR images; supply the report's text or a PDF with a text layer"
_ARCHIVE = "an archive: unpack it and supply the report files one by one"
_UNSUPPORTED_EXTENSIONS: dict[str, str] = {
    ".doc": "a legacy Word 97-2003 document: open it in Word or LibreOffice and save it as .docx",
    ".wps": "a WPS document: save it as .docx",
    ".rtf": "an RTF document: save it as .docx",
    ".odt": "an OpenDocument text: save it as .docx",
    ".xls": "an Excel workbook: " + _TO_DOCX_OR_PDF,
    ".xlsx": "an Excel workbook: " + _TO_DOCX_OR_PDF,
    ".et": "a WPS spreadsheet: " + _TO_DOCX_OR_PDF,
    ".ods": "an OpenDocument spreadsheet: " + _TO_DOCX_OR_PDF,
    ".csv": "a CSV table, not a report: supply the whole report",
    ".ppt": "a PowerPoint file: " + _TO_DOCX_OR_PDF,
    ".pptx": "a PowerPoint file: " + _TO_DOCX_OR_PDF,
    ".ofd": "an OFD document: export it as PDF",
    ".ceb": "a CEB document: export it as PDF",
    ".caj": "a CAJ document: export it as PDF",
    ".png": _IMAGE,
    ".jpg": _IMAGE,
    ".jpeg": _IMAGE,
    ".gif": _IMAGE,
    ".bmp": _IMAGE,
    ".tif": _IMAGE,
    ".tiff": _IMAGE,
    ".webp": _IMAGE,
    ".zip": _ARCHIVE,
    ".rar": _ARCHIVE,
    ".7z": _ARCHIVE,
    ".gz": _ARCHIVE,
}
# Every suffix ingest knows, read or refused: a one-line string ending in one names a file.
FILE_SUFFIXES = frozenset(_EXTENSIONS) | frozenset(_UNSUPPORTED_EXTENSIONS)
# Content that is certainly not text, named so the error can say what it is.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (OLE2_MAGIC, "a legacy Office (97-2003 .doc/.xls) file"),
    (b"PK\x03\x04", "a ZIP archive"),
)
_OOXML_KINDS = (("xl/", "an Excel workbook (.xlsx)"), ("ppt/", "a PowerPoint file (.pptx)"))

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Declared charsets that are really their supersets, as browsers treat them.
_ALIASES = {"x-gbk": "gbk", "x-big5": "big5"}
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
_TRUSTED_DECLARED = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5hkscs", "cp950"})
# The legacy Chinese encodings tried, in order of preference when the evidence ties.
_CHINESE_CANDIDATES = ("gb18030", "cp950")
_MIN_PLAUSIBLE = 0.8  # right decodings score ~1.0; a wrong GB18030/Big5 guess about 0.5
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01
# Converters (Word's text export, some PDF tools) leave a stray NUL or two in good text; binary data
# has far more (random bytes: 1 in 256) or fails to decode. Text holding at most one NUL per 1,000
# characters (or 4, in a short text) is read, its NULs skipped as invisible (``normalize.clean_view``:
# kind "nul"); more is binary. A short text with 4 is still held to the control characters' 1 %.
_MAX_NUL_SHARE = 0.001
_MIN_NULS_ALLOWED = 4
# A text with a few bad bytes (each can cost up to 3 characters) is read with them replaced; a wrong
# encoding replaces far more than 1 %.
_MAX_REPLACED = 4
# Characters lost before the file reached us: U+FFFD, or an ASCII "?" where an encoder put it for a
# hanzi its charset lacked (GBK text saved through Latin-1 or Big5 with errors="replace"). Reports
# print a question mark full-width (？), so a "?" between two hanzi, or a run of them beside one,
# is a lost character; a single "?" closing a sentence is not counted. Through Latin-1 every hanzi
# is lost, so none is left beside the marks: four or more "?" in a row are lost characters too.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LOST_CHARS = re.compile(
    rf"\ufffd+|(?<=[{_HAN}])\?+(?=[{_HAN}])|(?<=[{_HAN}])\?{{2,}}|\?{{2,}}(?=[{_HAN}])|\?{{4,}}"
)


# ---------------------------------------------------------------- text decoding


def _gb_row(ch: str) -> int | None:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return None
    return b[0] if len(b) == 2 else None


def _big5_code(ch: str) -> int | None:
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return None
    return (b[0] << 8) | b[1] if len(b) == 2 else None


def _common_hanzi(ch: str) -> bool:
    """In GB2312's hanzi rows or Big5's frequently used characters: what real report text is made of."""
    row = _gb_row(ch)
    if row is not None and 0xB0 <= row <= 0xF7:
        return True
    code = _big5_code(ch)
    return code is not None and 0xA440 <= code <= 0xC67E


def _plausible_char(ch: str, encoding: str) -> bool:
    if _common_hanzi(ch):
        return True
    if encoding == "gb18030":  # GB2312 punctuation rows: 、，。（）“” …
        row = _gb_row(ch)
        return row is not None and 0xA1 <= row <= 0xA3
    code = _big5_code(ch)  # Big5 punctuation
    return code is not None and 0xA140 <= code <= 0xA3BF


_BOX = re.compile("[\u2500-\u257f]")
_RULING = re.compile("[\u2500-\u257f]{3}")


def chinese_plausibility(text: str, encoding: str, sample: int = 4000) -> float:
    """Share of the non-ASCII characters that are common hanzi or the encoding's own punctuation.

    A wrong guess between GB18030 and Big5 decodes to rare characters, kana or box drawing, so the
    right one scores near 1 even on a few characters, where statistical detectors guess cp949.
    """
    chars = [c for c in text if ord(c) >= 0x80][:sample]
    if _RULING.search(text):
        # a text grid's rulings and bars (``├──┼──┤``, ``│``) are the report's own drawing, not a wrong
        # guess's stray box drawing (which never runs three in a row): they count neither way
        chars = [c for c in chars if not _BOX.match(c)]
    if not chars:
        return 1.0
    return sum(_plausible_char(c, encoding) for c in chars) / len(chars)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


class Decoded(NamedTuple):
    text: str
    encoding: str
    replaced: int = 0  # invalid byte sequences replaced by U+FFFD (only when very few)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a BOM (its ASCII characters make the NUL bytes), if it reads as text;
    a converter's few NUL characters in it (``max_stray_nuls``) are kept, as in UTF-8 text."""
    best: tuple[float, Decoded] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        # NUL characters (two zero bytes) are held to the stray-NUL bound here, not to the NUL bytes'
        # count, which UTF-16's ASCII characters make
        if not text or _CONTROL.search(text.replace("\x00", "")) or text.count("\x00") > max_stray_nuls(len(text)):
            continue
        good = sum(c.isascii() and (c.isprintable() or c in "\t\n\r") or _common_hanzi(c) for c in text[:4000])
        score = good / min(len(text), 4000)
        if score >= _MIN_PLAUSIBLE and (best is None or score > best[0]):
            best = (score, Decoded(text, encoding))
    return best[1] if best else None


def _declared_encoding(label: str | None) -> str | None:
    """The codec for a declared charset we trust: Unicode and the Chinese ones (as their supersets).

    Pages that declare a Western single-byte charset are usually mislabelled GBK or UTF-8, and a
    single-byte codec decodes anything, so such declarations are ignored in favour of detection.
    """
    if not label:
        return None
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    name = _SUPERSETS.get(name, name)
    return name if name in _TRUSTED_DECLARED else None


def _best_chinese(data: bytes) -> Decoded | None:
    """The more plausible of the strict GB18030 and Big5 decodings, if either is plausible."""
    scored = []
    for rank, encoding in enumerate(_CHINESE_CANDIDATES):
        text = _strict(data, encoding)
        if text is not None:
            scored.append((chinese_plausibility(text, encoding), -rank, encoding, text))
    if not scored:
        return None
    score, _, encoding, text = max(scored)
    return Decoded(text, encoding) if score >= _MIN_PLAUSIBLE else None


def _nearly_decodable(data: bytes) -> Decoded | None:
    """A file with a stray invalid byte or a character cut off at the end: replace the few bad bytes."""
    best: tuple[int, float, Decoded] | None = None
    for encoding in ("utf-8", *_CHINESE_CANDIDATES):
        text = data.decode(encoding, "replace")
        replaced = text.count("\ufffd")
        plausibility = chinese_plausibility(text.replace("\ufffd", ""), encoding)
        if replaced <= max(_MAX_REPLACED, len(text) // 100) and plausibility >= _MIN_PLAUSIBLE:
            candidate = (replaced, -plausibility, Decoded(text, encoding, replaced))
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return best[2] if best else None


def _chinese_from(data: bytes) -> Decoded | None:
    """``data`` (a mojibake text's bytes) as UTF-8, GB18030 or Big5 that reads as Chinese with a hanzi."""
    utf8 = _strict(data, "utf-8")
    if utf8 is not None and chinese_plausibility(utf8, "gb18030") >= _MIN_PLAUSIBLE and _CJK_CHAR.search(utf8):
        return Decoded(utf8, "utf-8")
    found = _best_chinese(data)
    return found if found is not None and _CJK_CHAR.search(found.text) else None


# a text read with a single-byte charset and saved again, that many times over at most (twice is
# seen: a crawler's mojibake opened in an editor as Windows-1252 and saved again)
MAX_MOJIBAKE_LAYERS = 3


class ReadBack(NamedTuple):
    """A mojibake text read back: the Chinese ``decoded``, the input offset where each of its
    characters' bytes start (``starts``), and how many times the text had been misread (``layers``)."""

    decoded: Decoded
    starts: list[int]
    layers: int
    lossy: bool = False  # read by a strict Windows-1252 reader that lost bytes: U+FFFD where they were


# Document.meta: (the text, ingest's ``read_back`` of it), so that a document is read back once,
# not again by its normalised view and by its output (``read_back_of``)
READ_BACK_META = "read_back"


def read_back_of(doc: Document) -> ReadBack | None:
    """``read_back(doc.text)``: what ingest found when ``doc`` still holds the very text ingest read
    (the same object: a Document made from another text with this meta copied reads its own), else
    read back now."""
    known = doc.meta.get(READ_BACK_META)
    if isinstance(known, tuple) and len(known) == 2 and known[0] is doc.text:
        return known[1]
    return read_back(doc.text)


def read_back(text: str) -> ReadBack | None:
    """``text`` read back when it is Chinese text read as ISO-8859-1 or Windows-1252 and saved again
    (``mojibake.single_byte_origin``), up to ``MAX_MOJIBAKE_LAYERS`` times over, whose bytes are
    UTF-8, GB18030 or Big5 that reads as Chinese (``chinese_plausibility``); else None. A text with
    a hanzi is never one. Each misreading but the last must be UTF-8 (strictly: it validates itself)
    and leave a text that is again one character per byte."""
    current, starts = text, None  # starts: where each character of ``current`` begins in ``text``
    for layer in range(1, MAX_MOJIBAKE_LAYERS + 1):
        data = single_byte_origin(current)
        if data is None:
            return _lossy_read_back(text) if layer == 1 else None
        found = _chinese_from(data)
        deeper = None if found is not None else _strict(data, "utf-8")
        step = found or (Decoded(deeper, "utf-8") if deeper is not None else None)
        if step is None:
            return _lossy_read_back(text) if layer == 1 else None
        here = char_starts(data, step.text, step.encoding)
        starts = here if starts is None else [starts[k] for k in here]
        if found is not None:
            return ReadBack(found, starts, layer)
        current = step.text
    return None


# a lossy reading loses one hanzi in seven or so (each of a hanzi's two continuation bytes is one of
# the five undefined ones 5 times in 64); more lost than this: not such a reading
_MAX_LOSSY_SHARE = 0.3


def _lossy_read_back(text: str) -> ReadBack | None:
    """UTF-8 read as Windows-1252 by a strict reader that dropped its five undefined bytes or put
    U+FFFD for them (``mojibake.lossy_origin``): read back as UTF-8 with each character that lost a
    byte as U+FFFD (the lost-character reading and warning take it from there); None when that
    does not read as Chinese or loses more than ``_MAX_LOSSY_SHARE`` of its characters past ASCII."""
    found = lossy_origin(text)
    if found is None:
        return None
    data, where = found
    read = data.decode("utf-8", "replace")
    high = sum(ord(c) >= 0x80 for c in read)
    lost = read.count("\ufffd")
    if not lost or lost > _MAX_LOSSY_SHARE * high or not _CJK_CHAR.search(read):
        return None
    if chinese_plausibility(read.replace("\ufffd", ""), "gb18030") < _MIN_PLAUSIBLE:
        return None
    return ReadBack(Decoded(read, "utf-8"), [where[k] for k in char_starts(data, read, "utf-8", "replace")], 1, True)


def decode_text(data: bytes, filename: str | None = None, declared: str | None = None) -> Decoded:
    """Bytes to text: BOM, then a declared charset, UTF-8, the more plausible of GB18030 and Big5,
    the same with a few bad bytes replaced, and last a general detector (charset-normalizer).

    NUL bytes: UTF-16 without a BOM, or at most ``max_stray_nuls`` of them in UTF-8/GB18030/Big5
    text (kept in the text: ``stray_nuls`` counts them, the view skips them).
    Raises BinaryInput for other NUL bytes, UndecodableInput when nothing fits.
    """
    name = input_name(filename)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding)
            if text is None:
                raise UndecodableInput(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}: re-save it as UTF-8"
                )
            return Decoded(text, encoding + ("-sig" if encoding == "utf-8" else ""))
    encoding = _declared_encoding(declared)
    if encoding and (text := _strict(data, encoding)) is not None:
        return Decoded(text, encoding)
    stray_nuls = False
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        if (n := data.count(b"\x00")) > max_stray_nuls(len(data)):
            raise BinaryInput(
                f"{name} contains {n} NUL bytes (text from a converter has a few: at most "
                f"{max_stray_nuls(len(data))} here), so it is binary data, not text: " + _SUPPLY
            )
        stray_nuls = True  # text with a converter's few NULs, if it decodes as a Chinese report would
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    # with NULs, only a clean decoding: NULs and bad bytes together are what binary data looks like
    found = _best_chinese(data) or (None if stray_nuls else _nearly_decodable(data))
    if found is not None:
        return found
    if stray_nuls:  # the general detector decodes anything: binary data stays binary
        raise BinaryInput(f"{name} contains NUL bytes and does not decode as text, so it is binary data, not text: " + _SUPPLY)
    guess = from_bytes(data).best()  # neither UTF-8 nor Chinese: let the general detector try
    if guess is not None and guess.encoding:
        return Decoded(str(guess), guess.encoding)
    raise UndecodableInput(
        f"{name} is not text in UTF-8, GB18030/GBK or Big5 (nor any encoding that could be detected): "
        "re-save it as UTF-8 text"
    )


# ---------------------------------------------------------------- format detection


def _check_size(n: int, max_bytes: int, filename: str | None) -> None:
    if n > max_bytes:
        raise InputTooLarge(
            f"{input_name(filename)} is {n} bytes; the limit is {max_bytes} bytes: "
            "split the file or raise the configured size limit"
        )


def _suffix(filename: str | None) -> str:
    return Path(filename).suffix.lower() if filename else ""


def _format_from_name(filename: str | None, media_type: str | None) -> Format | None:
    """The format a file name (first) or media type declares; UnsupportedFormat for known others."""
    suffix = _suffix(filename)
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix in _UNSUPPORTED_EXTENSIONS:
        raise UnsupportedFormat(f"{filename} is {_UNSUPPORTED_EXTENSIONS[suffix]}")
    mt = (media_type or "").split(";")[0].strip().lower()
    if mt in _MEDIA:
        return _MEDIA[mt]
    if mt.startswith("image/"):
        raise UnsupportedFormat(f"{input_name(filename)} ({mt}) is {_IMAGE}")
    if "msword" in mt or "ms-excel" in mt or "spreadsheet" in mt or "presentation" in mt or "powerpoint" in mt:
        raise UnsupportedFormat(
            f"{input_name(filename)} has media type {mt}, which is not supported: {_TO_DOCX_OR_PDF}"
        )
    return None


def _media_type_charset(media_type: str | None) -> str | None:
    """The charset parameter of a media type (an HTTP header outranks a page's <meta>)."""
    m = re.search(r";\s*charset\s*=\s*\"?([\w.:-]+)", media_type or "", re.I)
    return m.group(1).lower() if m else None


def _zip_kind(data: bytes) -> str:
    """What a ZIP archive holds: "docx", or a description of the other kinds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return "a damaged ZIP archive"
    if "word/document.xml" in names:
        return "docx"
    for prefix, kind in _OOXML_KINDS:
        if any(n.startswith(prefix) for n in names):
            return kind
    return "a ZIP archive"


def _sniff_binary(data: bytes) -> Format | str | None:
    """A supported format recognised by its magic bytes, a description of a binary one, or None (text)."""
    if b"%PDF-" in data[:1024]:  # readers accept the header anywhere in the first 1024 bytes
        return "pdf"
    if is_encrypted_office(data):
        return "a password-protected Office document"
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            if magic == b"PK\x03\x04":
                return _zip_kind(data)
            if magic == b"MZ" and b"\x00" not in data[:1024]:
                continue  # "MZ" alone is too short a signature to call text binary
            return what
    return None


def _document(
    text: str,
    fmt: Format,
    filename: str | None,
    raw: bytes,
    encoding: str | None = None,
    warnings: list[str] | None = None,
    limits: ReadLimits | None = None,
    replaced: int = 0,
) -> Document:
    """The Document, once its text is known not to be empty or binary and within ``limits``;
    meta says how it was read (``replaced``: the U+FFFD decoding put in, already in ``warnings``)."""
    check_text(text, limits or default_limits(), input_name(filename))
    warnings = list(warnings or [])
    # mojibake is read back by the normalised view (``mojibakeview``): the Document keeps the text as
    # given, so offsets refer to the input; the checks below read what the view will read
    read = text
    origin: list[int] | None = None  # read[i] comes from text[origin[i]]
    if (found := read_back(text)) is not None:
        undone, origin, layers, lossy = found
        read = undone.text
        times = f" {layers} times over" if layers > 1 else ""
        times += " by a reader that dropped the bytes Windows-1252 leaves undefined" if lossy else ""
        warnings.append(
            f"{input_name(filename)} is mojibake: {undone.encoding.upper()} text that was read as ISO-8859-1 or "
            f"Windows-1252 and saved again{times} (e.g. 'æ¹–å—' for '湖南'); read back as {undone.encoding.upper()} "
            "(offsets still index the text as given, one character per byte); check the source's charset"
        )
    nul_warning = stray_nuls(text, input_name(filename))
    if (blank := blank_reason(read)) is not None:
        what = {"html": "has no visible text", "docx": "has no text"}.get(fmt, blank)
        raise EmptyInput(f"{input_name(filename)} {what}: supply a report with its text")
    if fmt == "text" and read.lstrip("\ufeff \t\r\n").startswith("{\\rtf"):
        # RTF is text too (its hanzi are \\u escapes): read as a report, it said "not a report"
        raise UnsupportedFormat(f"the content of {input_name(filename)} is {_UNSUPPORTED_EXTENSIONS['.rtf']}")
    if fmt == "text" and len(_CONTROL.findall(read)) > _MAX_CONTROL_RATIO * len(read):
        raise BinaryInput(
            f"{input_name(filename)} is full of control characters, so it is binary data, not text: " + _SUPPLY
        )
    if nul_warning is not None:
        warnings.append(nul_warning)
    if (lost := lost_characters(read, replaced, origin)) is not None:
        warnings.append(lost)
    doc = Document.from_text(text, filename=filename, media_type=MEDIA_TYPES[fmt], raw=raw)
    return doc.with_meta(
        format=fmt, encoding=encoding, ingest_warnings=warnings, lost_characters=lost, **{READ_BACK_META: (text, found)}
    )


def max_stray_nuls(n: int) -> int:
    """The most NULs a text of ``n`` characters (or bytes) may hold and still be read as text."""
    return max(_MIN_NULS_ALLOWED, int(n * _MAX_NUL_SHARE))


def stray_nuls(text: str, name: str) -> str | None:
    """A warning naming the NULs in ``text`` (None when there are none); they stay in the text, so
    offsets still refer to the input, and the normalised view skips them.

    Raises BinaryInput when there are more than ``max_stray_nuls(len(text))``."""
    n = text.count("\x00")
    if not n:
        return None
    if n > max_stray_nuls(len(text)):
        raise BinaryInput(
            f"{name} contains {n} NUL characters (text from a converter has a few: at most "
            f"{max_stray_nuls(len(text))} here), so it is binary data, not text: " + _SUPPLY
        )
    first = text.index("\x00")
    return (
        f"{n} NUL character(s) ignored (first at character {first}): a converter's leftovers, skipped like "
        "invisible characters; a figure with one inside is inferred, not read"
    )


def lost_characters(text: str, replaced: int = 0, origin: list[int] | None = None) -> str | None:
    """A warning when ``text`` holds characters an earlier conversion lost, else None; the offset
    it names is ``origin[i]`` (the input's offset of a read-back text's character ``i``) when given.

    Counted, as a lower bound (a "?" beside one hanzi only is not): every U+FFFD but the
    ``replaced`` ones decoding this file put in itself (already warned about), and the "?" in place
    of hanzi when there are at least two (one "?" between hanzi may be a writer's half-width
    question mark). Headings, labels and figures beside a lost character may be misread, so the
    result is one for a person to check (trust: ``ingest_warning``)."""
    found = list(_LOST_CHARS.finditer(text))
    fffd = sum(m.end() - m.start() for m in found if text[m.start()] == "\ufffd") - replaced
    marks = sum(m.end() - m.start() for m in found if text[m.start()] == "?")
    lost = max(fffd, 0) + (marks if marks >= 2 else 0)
    if not lost:
        return None
    first = next(m for m in found if (text[m.start()] == "?") == (fffd <= 0))
    sample = text[max(0, first.start() - 6) : first.end() + 6].replace("\n", " ")
    return (
        f"at least {lost} character(s) were lost before this file was read (U+FFFD or '?' in place of Chinese "
        f"characters, first at character {origin[first.start()] if origin else first.start()}: {sample!r}): an earlier conversion used a charset "
        "that lacked them; headings, labels and figures beside them may be misread or missing"
    )


# ---------------------------------------------------------------- public API


def load_text(
    text: str, filename: str | None = None, max_bytes: int | None = None, limits: ReadLimits | None = None
) -> Document:
    """Text already decoded: plain text is kept as given (less a leading BOM); HTML is flattened
    (also a whole HTML page, ``<!DOCTYPE html``/``<html``, under a .txt name: a saved web page).

    ``max_bytes`` None: ``GOVREPORT_MAX_BYTES`` or ``DEFAULT_MAX_BYTES`` (the service's limit).
    Raises InputTooLarge over ``max_bytes`` (UTF-8), TextTooLarge when the text passes ``limits``
    (default: ``limits.default_limits()``)."""
    limits = limits or default_limits()
    max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
    raw = text.encode("utf-8", "surrogatepass")
    _check_size(len(raw), max_bytes, filename)
    if not looks_like_html(text):  # plain text: refuse before anything else is done with it
        check_text(text, limits, input_name(filename))
    if not text.strip():
        what = "is empty" if not text else "contains only whitespace"
        raise EmptyInput(f"{input_name(filename)} {what}: supply a report with its text")
    stray_nuls(text, input_name(filename))  # binary data in a string: refused before any more work
    text = text.removeprefix("\ufeff")
    fmt = _format_from_name(filename, None)
    if fmt == "text" and is_html_document(text):
        fmt = "html"  # a web page saved under a .txt name: its markup is not the report's text
    if fmt == "html" and "<" not in text:
        return _document(text, "text", filename, raw, warnings=[_NO_MARKUP], limits=limits)
    if fmt == "html" or (fmt is None and looks_like_html(text)):
        return _document(_flatten_keeping_nuls(text), "html", filename, raw, limits=limits)
    return _document(text, "text", filename, raw, limits=limits)


# Said as HTML (name or media type) but without a single tag: plain text a client labelled HTML. An
# HTML parser would fold its line breaks into spaces, and the tables' rows with them.
_NO_MARKUP = "declared as HTML but holds no markup: read as plain text (line breaks kept)"


# held in a NUL's place through the HTML parser, which makes a NUL U+FFFD (a "lost character"); a
# noncharacter: no page holds one
_NUL_STAND_IN = "\ufdd0"


def _flatten_keeping_nuls(page: str) -> str:
    """``flatten_html`` with a page's few NULs kept where they stood, for ``_document`` to count and
    the view to skip like a plain text's (a figure with one inside inferred, not read)."""
    if "\x00" not in page:
        return flatten_html(page)
    return flatten_html(page.replace("\x00", _NUL_STAND_IN)).replace(_NUL_STAND_IN, "\x00")


def _read_office(fn, args: tuple, limits: ReadLimits, filename: str | None):  # type: ignore[no-untyped-def]
    """A DOCX/PDF reader, in a killable reader process with a memory cap unless ``limits.isolate`` is off."""
    if limits.isolate:
        return run_isolated("pdf" if fn is pdf_to_text else "docx", args, limits, input_name(filename))
    return fn(*args)


def load_bytes(
    data: bytes,
    filename: str | None = None,
    media_type: str | None = None,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
) -> Document:
    """A file's bytes: format from ``filename``'s extension, else ``media_type``, else the content.

    DOCX and PDF are read in a reader process (``reader_pool``); every format's decoded text is
    held to ``limits`` (TextTooLarge, DeadlinePassed, ReaderFailed are InputErrors). ``max_bytes``
    None: ``GOVREPORT_MAX_BYTES`` or ``DEFAULT_MAX_BYTES`` (InputTooLarge above it)."""
    limits = limits or default_limits()
    max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
    name = input_name(filename)
    _check_size(len(data), max_bytes, filename)
    if not data.strip():
        what = "is empty (0 bytes)" if not data else f"contains only whitespace ({len(data)} bytes)"
        raise EmptyInput(f"{name} {what}: supply a report with its text")
    sniffed = _sniff_binary(data)
    declared = None
    if sniffed in ("pdf", "docx"):
        fmt: Format = sniffed  # content that is certainly a PDF or DOCX wins over its name
    else:
        declared = _format_from_name(filename, media_type)
        if declared in ("pdf", "docx"):
            fmt = declared  # the converter says clearly why the content is not what the name says
        elif sniffed is not None:
            raise BinaryInput(f"{name} is {sniffed}, not a text report: " + _SUPPLY)
        else:
            fmt = declared or "text"
            if declared == "text" and is_html_document(data[:1024].decode("latin-1")):
                fmt = declared = "html"  # a web page saved under a .txt name: read as the page it is

    if fmt == "pdf":
        text, empty_pages, pdf_warnings = _read_office(pdf_to_text, (data, filename, limits), limits, filename)
        pages = ", ".join(map(str, empty_pages))
        warnings = [f"page(s) {pages} have no text layer (scanned?): their text is missing"] if empty_pages else []
        return _document(text, "pdf", filename, data, warnings=warnings + list(pdf_warnings), limits=limits)
    if fmt == "docx":
        text = _read_office(docx_to_text, (data, filename, max_bytes, limits), limits, filename)
        return _document(text, "docx", filename, data, limits=limits)
    charset = _media_type_charset(media_type) or (declared_charset(data) if declared != "text" else None)
    decoded = decode_text(data, filename, declared=charset)
    if fmt == "text" and is_html_document(decoded.text):
        fmt = "html"  # (a UTF-16 page, which the byte check above cannot see)
    no_markup = fmt == "html" and "<" not in decoded.text
    if no_markup:
        fmt = "text"
    if fmt != "html" and not looks_like_html(decoded.text):
        check_text(decoded.text, limits, name)  # before any further work on plain text
    warnings = [_NO_MARKUP] if no_markup else []
    if decoded.replaced:
        warnings.append(f"{decoded.replaced} invalid {decoded.encoding} byte sequence(s) replaced by U+FFFD")
    if fmt == "html" or (declared is None and looks_like_html(decoded.text)):
        stray_nuls(decoded.text, name)  # too many: binary, before the parser's work
        html_text = _flatten_keeping_nuls(decoded.text)
        return _document(html_text, "html", filename, data, decoded.encoding, warnings, limits, decoded.replaced)
    return _document(decoded.text, "text", filename, data, decoded.encoding, warnings, limits, decoded.replaced)


def load_path(path: str | Path, max_bytes: int | None = None, limits: ReadLimits | None = None) -> Document:
    """A file on disk; its size is checked with stat before anything is read (``max_bytes`` None:
    ``GOVREPORT_MAX_BYTES`` or ``DEFAULT_MAX_BYTES``)."""
    max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
    p = Path(path)
    shown, name = printable_name(str(p)), printable_name(p.name)  # a GBK file name must not break the JSON
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file: check the path") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror}): check the path and its permissions") from None
    if p.is_dir():
        raise InputError(f"{shown} is a directory, not a file: give the report files inside it")
    _check_size(size, max_bytes, name)
    try:
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror}): check the path and its permissions") from None
    if len(data) > max_bytes:  # grown since stat, or a device (/dev/zero): its size is not known
        raise InputTooLarge(
            f"{name} is more than {max_bytes} bytes; the limit is {max_bytes} bytes: split the file or raise the "
            "configured size limit"
        )
    return load_bytes(data, filename=name, max_bytes=max_bytes, limits=limits)
