"""Hostile inputs, made on the fly: decompression bombs, lying ZIP headers, page-tree loops,
pathological text. Each is small on the wire and costly to read naively (issue 19's probes)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_paragraphs(paragraphs: int, text: str = "政府信息公开工作年度报告") -> bytes:
    """A minimal valid DOCX with ``paragraphs`` paragraphs of ``text`` (document.xml grows with it)."""
    para = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
    body = b"".join([f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode(),
                     para * paragraphs, b"</w:body></w:document>"])  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        zf.writestr("_rels/.rels", _DOCX_RELS)
        zf.writestr("word/document.xml", body)
    return buf.getvalue()


def lie_about_sizes(docx: bytes, member: str = "word/document.xml", claimed: int = 1000) -> bytes:
    """The same package with ``member``'s uncompressed size in both headers replaced by ``claimed``."""
    data = bytearray(docx)
    name = member.encode()
    # local file header: signature, ... uncompressed size at offset 22, name length 26, name at 30
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) >= 0:
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if bytes(data[pos + 30 : pos + 30 + n]) == name:
            struct.pack_into("<I", data, pos + 22, claimed)
        pos += 4
    # central directory header: uncompressed size at offset 24, name length 28, name at 46
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, claimed)
        pos += 4
    return bytes(data)


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from numbered object bodies (object i+1 is objects[i]) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(content: bytes, compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_text_page(lines: list[str], runs_per_line: int = 1) -> bytes:
    """A one-page PDF whose content draws ``lines`` (ASCII) as text, each as ``runs_per_line`` runs."""
    ops = [b"BT /F1 10 Tf"]
    for i, line in enumerate(lines):
        ops.append(b"1 0 0 1 20 %d Tm" % (800 - 12 * (i % 60)))
        for _ in range(runs_per_line):
            ops.append(b"(" + line.encode("latin-1") + b") Tj")
    ops.append(b"ET")
    content = b"\n".join(ops)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, compress=True),
        _FONT,
    ])  # fmt: skip


def pdf_many_runs(runs: int) -> bytes:
    """One page with ``runs`` tiny text runs (the 400 k-run page of the issue, scaled)."""
    ops = b"BT /F1 4 Tf\n" + b"".join(b"1 0 0 1 %d %d Tm (7) Tj\n" % (i % 500, i % 800) for i in range(runs)) + b"ET"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(ops, compress=True),
        _FONT,
    ])  # fmt: skip


def pdf_page_repeated(times: int) -> bytes:
    """A page tree that names one page object ``times`` times (a few bytes per page on the wire)."""
    kids = b" ".join([b"3 0 R"] * times)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % times,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 10 Tf 1 0 0 1 20 800 Tm (page) Tj ET", compress=True),
        _FONT,
    ])  # fmt: skip


def pdf_page_tree_loop() -> bytes:
    """A Pages node that lists itself as its own kid (a cycle in the page tree)."""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 10 Tf 1 0 0 1 20 800 Tm (page) Tj ET", compress=True),
        _FONT,
    ])  # fmt: skip


def pdf_flate_bomb(inflated_bytes: int) -> bytes:
    """A page whose content stream inflates ``inflated_bytes`` of spaces from ~1/1000 of that."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(b"BT /F1 10 Tf 1 0 0 1 20 800 Tm (x) Tj ET\n")]
    for _ in range(inflated_bytes >> 20):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    data = b"".join(parts)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        _FONT,
    ])  # fmt: skip


def html_unclosed_inline(lines: int, tags: tuple[str, ...] = ("font", "span")) -> str:
    """A page whose every line opens inline tags that are never closed (old editors): depth ~ lines."""
    body = "".join(f"<{tags[i % len(tags)]}>第{i}行 政府信息公开<br>\n" for i in range(lines))
    return f"<html><head><title>报告</title></head><body>{body}<p>结尾行</p></body></html>"


def unwritable_dir(tmp_path: Path) -> Path:
    """An existing folder this process cannot create files in: a read-only one, or (root ignores
    permissions) a kernel folder that refuses files even to root."""
    d = tmp_path / "read-only"
    d.mkdir()
    d.chmod(0o555)
    candidates = [d, Path("/sys/kernel"), Path("/proc/self")]
    for c in candidates:
        try:
            (c / ".probe").write_bytes(b"")
        except OSError:
            return c
        (c / ".probe").unlink()
    pytest.skip("no folder here refuses files to this user")
