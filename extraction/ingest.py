"""A file or bytes becomes a Document (text decoded, origin recorded); bad input gets a specific error.

PROVISIONAL: plain text only; HTML, DOCX and PDF are added by the ingest work.
"""
from __future__ import annotations

from pathlib import Path

from .document import Document
from .errors import EmptyInput, InputTooLarge, UndecodableInput

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _check_size(n: int, max_bytes: int) -> None:
    if n > max_bytes:
        raise InputTooLarge(f"input is {n} bytes; the limit is {max_bytes} bytes")


def load_text(text: str, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    raw = text.encode("utf-8")
    _check_size(len(raw), max_bytes)
    if not text.strip():
        raise EmptyInput("the input is empty")
    return Document.from_text(text, filename=filename, media_type="text/plain", raw=raw)


def load_bytes(
    data: bytes, filename: str | None = None, media_type: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    _check_size(len(data), max_bytes)
    if not data.strip():
        raise EmptyInput("the input is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableInput(f"cannot decode the input as text: {exc}") from None
    return Document.from_text(text, filename=filename, media_type="text/plain", raw=data)


def load_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    p = Path(path)
    size = p.stat().st_size
    _check_size(size, max_bytes)
    return load_bytes(p.read_bytes(), filename=p.name, max_bytes=max_bytes)
