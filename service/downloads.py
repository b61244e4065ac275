"""One extraction result as a file to download: CSV (tidy cells), XLSX or Markdown.

Used by ``POST /v1/extract?format=…`` (the review page's download buttons). The file name is
the input's stem with the format's extension, sent both as plain ASCII and, for Chinese names,
as RFC 5987 ``filename*``.
"""
from __future__ import annotations

import unicodedata
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import quote

from fastapi.responses import Response

from govreport.extraction.export import cells_csv, tidy_cells, to_json

DownloadFormat = Literal["json", "csv", "xlsx", "md"]
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})


def download_name(filename: str | None, fmt: str) -> str:
    """``<stem>.<fmt>`` for the input's ``filename`` (``report`` without one). Leading dots are
    dropped: an upload named ``.pdf`` (no stem: a dot file) was downloaded as ``.pdf.csv``, a file
    that ``ls`` and a file dialog hide (the CLI refuses such a ``--name`` for the same reason), and
    so are control and format characters."""
    # the base name on either separator: a name that still holds a Windows path (``..\\a.txt``,
    # which no rule strips: not absolute) downloaded as ``_.._a.csv``
    stem = PurePath((filename or "").rsplit("\\", 1)[-1]).stem
    # Control and format characters (a NUL, a line break, U+202E RIGHT-TO-LEFT OVERRIDE, a
    # zero-width space) went into ``filename*`` as they came: the override shows a saved
    # ``report\u202etxt.csv`` as "reportvsc.txt", the others make names no one can type.
    # (Unicode categories Cc, Cf and Cs: a lone surrogate cannot even be percent-encoded.)
    stem = "".join(c for c in stem if unicodedata.category(c) not in _INVISIBLE)
    stem = stem.lstrip(".").strip() or "report"
    return f"{stem}.{fmt}"


def content_disposition(name: str) -> str:
    """The header for ``name``: printable ASCII in ``filename`` (anything else, a quote or a
    backslash is ``_``: a control character from an uploaded file's name made the header invalid,
    and the server dropped the connection after the work was done), all of it in ``filename*``."""
    ascii_name = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def export_bytes(output: dict[str, Any], fmt: str) -> bytes:
    """The contract's object (as /v1/extract answers it) in ``fmt``. CSV starts with a UTF-8
    byte-order mark (Excel); ``text``/``spans`` in the object are ignored by CSV, XLSX, Markdown."""
    source = (output.get("origin") or {}).get("filename") or ""
    if fmt == "csv":
        return cells_csv(tidy_cells(output, source), bom=True).encode("utf-8")
    if fmt == "xlsx":
        from govreport.extraction.export_xlsx import to_xlsx

        return to_xlsx(output, source)
    if fmt == "md":
        from govreport.extraction.export_text import to_markdown

        return to_markdown(output, source).encode("utf-8")
    if fmt == "json":
        return to_json(output).encode("utf-8")
    raise ValueError(f"unknown download format {fmt!r}")


def download_response(output: dict[str, Any], fmt: str) -> Response:
    name = download_name((output.get("origin") or {}).get("filename"), fmt)
    return Response(
        export_bytes(output, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(name)},
    )


# OpenAPI: the other media types /v1/extract can answer with
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the result: JSON by default; with `format=csv|xlsx|md` a file to download",
        "content": {MEDIA_TYPES[f].split(";")[0]: {} for f in ("csv", "xlsx", "md")},
    }
}
