"""Output writers shared by the CLI, the API and batch jobs: JSON, tidy cells, atomic files."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .trust import check_cells

# The tidy columns: one row per table × row × column, the report's own template/year/organ on every
# row (so files of many reports concatenate), the printed Chinese labels beside the stable keys.
TIDY_FIELDS = (
    "source", "template", "year", "organ",
    "table", "table_label", "row", "row_label", "col", "col_label",
    "value", "start", "end", "confidence", "status", "text", "checks",
)  # fmt: skip
# Excel on Windows reads a CSV without a byte-order mark in the ANSI code page (GBK): mojibake.
UTF8_BOM = "\ufeff"
# control characters a printed text may hold (a stray NUL inside a figure: ingest.stray_nuls) that
# CSV readers stop at ("line contains NUL") and XLSX refuses (openpyxl: IllegalCharacterError)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# on a terminal also a carriage return (what follows overwrites the line) and the C1 controls
# (\x9b opens an escape sequence as ESC [ does): a title's ESC ]0;…BEL retitles the window
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# a field a spreadsheet runs as a formula: "=", "+", "-" or "@" first (CSV injection: a title's
# "=HYPERLINK(...)" read as the organ), unless it is a plain number or the one character
_FORMULA_START = re.compile(r"^[=+\-@].")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$")


def inert_field(value: Any) -> Any:
    """``value`` as a CSV field a spreadsheet shows and never runs: a string that would start a
    formula gets a leading apostrophe (Excel's mark for text); anything else is returned as it is."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def printable_text(text: str | None, terminal: bool = False) -> str | None:
    r"""``text`` with its control characters but tab and line breaks written as ``\xNN`` (as
    ``filenames.printable_name`` writes a file name's bytes), for CSV and XLSX cells; with
    ``terminal``, for text shown on a terminal or in Markdown, also ``\r`` and the C1 controls
    (U+0080-U+009F), so that nothing a report holds can move the cursor or send escape sequences."""
    if not text:
        return text
    return (_TERMINAL_CONTROL if terminal else _CONTROL).sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def printable_line(text: Any) -> str:
    r"""``text`` as one line of a terminal: ``printable_text(…, terminal=True)`` with a line break
    (``\n``) written ``\x0a`` too. For what a line names (a file name, an error message that quotes
    one): ``batch`` listed a failure of ``bad<LF>name.txt`` as a line ``bad`` and a line
    ``name.txt: [not_a_report] …``, which reads as two files, neither of them there."""
    return (printable_text(str(text), terminal=True) or "").replace("\n", "\\x0a")


def cell_labels(template: str | None, table: str, row: str, col: str) -> tuple[str, str, str]:
    """(table title, row label, column label) as printed in the report's format; the keys
    themselves where the format is unknown. Row labels carry their groups, outermost first,
    joined by `` · `` (``三、本年度办理结果 · （三）不予公开 · 1.属于国家秘密``)."""
    from .printed import printed_table

    try:
        p = printed_table(template or "", table)
    except KeyError:
        return table, row, col
    return p.title, p.row_label(row), p.col_label(col)


def cell_status(output: dict[str, Any], table: str, row: str, col: str) -> str | None:
    """The cell's status (read, inferred, blank, unreadable, missing; docs/trust.md) or None when
    the output carries none."""
    return (((output.get("cell_status") or {}).get(table) or {}).get(row) or {}).get(col)


def failed_check_cells(output: dict[str, Any]) -> dict[str, list[str]]:
    """``"table.row.col"`` -> the rules of the failed checks that compare it."""
    out: dict[str, list[str]] = {}
    for c in output.get("checks") or []:
        if c.get("status", "fail" if c.get("ok") is False else "pass") == "fail":
            for name in check_cells(c):
                out.setdefault(name, []).append(c.get("rule", ""))
    return out


NO_TABLE = "no_table"  # the status of a null table's one record (docs/trust.md)


def null_table_reason(output: dict[str, Any]) -> str:
    """Why a table of ``output`` is null, in the words a reader of the CSV needs (its ``text``)."""
    if output.get("old_format"):
        year = output.get("year")
        return (f"a report{f' for {year},' if year else ''} older than the 2019 format: its own statistics tables "
                "are of neither template, so no table is read (see the warnings)")  # fmt: skip
    if output.get("template") is None:
        return "no report format (2019 or 2021) recognised: no table is read"
    return "the table was not found or could not be read (see the warnings and review reasons)"


def null_table_record(output: dict[str, Any], table: str, base: dict[str, Any]) -> dict[str, Any]:
    """The one tidy record of a table that is null: ``row``/``col``/``value`` empty, status
    ``no_table`` and the reason as its ``text``. Without it a report with no table (one older than
    the 2019 format, or whose tables were pictures) left nothing in a CSV but its header, and a sum
    over a batch's ``cells.csv`` could not tell it from a report of zeros that was never there."""
    title = cell_labels(output.get("template") or "2021", table, "", "")[0]  # the table's title is one in both formats
    return {**base, "table": table, "table_label": title, "row": None, "row_label": None, "col": None, "col_label": None,
            "value": None, "start": None, "end": None, "confidence": None, "status": NO_TABLE,
            "text": null_table_reason(output), "checks": None}  # fmt: skip


def tidy_cells(output: dict[str, Any], source: str = "") -> list[dict[str, Any]]:
    """One record per table × row × column (blanks included): the ``TIDY_FIELDS``, with where
    each value came from (``start``/``end`` offsets into the input text, ``confidence``), its
    status (read, inferred, blank, unreadable, missing: docs/trust.md), the printed text and
    the checks that do not pass with it as an operand (``rule:fail`` / ``rule:not_assessable``,
    ``;``-separated). A table that is null has one record, status ``no_table``, that says why
    (``null_table_record``)."""
    out: list[dict[str, Any]] = []
    prov = output.get("provenance") or {}
    status = output.get("cell_status") or {}
    open_checks: dict[str, list[str]] = {}
    for c in output.get("checks") or []:
        st = c.get("status") or ("pass" if c.get("ok") else "fail")
        if st != "pass":
            for name in check_cells(c):
                open_checks.setdefault(name, []).append(f"{c['rule']}:{st}")
    template = output.get("template")
    base = {"source": printable_text(source), "template": template, "year": output.get("year"), "organ": printable_text(output.get("organ"))}
    for table, rows in (output.get("tables") or {}).items():
        if rows is None:
            out.append(null_table_record(output, table, base))
            continue
        for row, cols in rows.items():
            for col, value in cols.items():
                p = ((prov.get(table) or {}).get(row) or {}).get(col) or {}
                table_label, row_label, col_label = cell_labels(template, table, row, col)
                out.append(
                    {
                        **base,
                        "table": table, "table_label": table_label,
                        "row": row, "row_label": row_label,
                        "col": col, "col_label": col_label,
                        "value": value,
                        "start": p.get("start"), "end": p.get("end"), "confidence": p.get("confidence"),
                        "status": ((status.get(table) or {}).get(row) or {}).get(col),
                        "text": printable_text(p.get("text")),
                        "checks": ";".join(open_checks.get(f"{table}.{row}.{col}", [])) or None,
                    }  # fmt: skip
                )
    return out


def cells_csv(records: Iterable[dict[str, Any]], header: bool = True, bom: bool = False) -> str:
    """The records as CSV text (UTF-8 when encoded); ``bom`` puts a byte-order mark before the
    header so that Excel opens the file as UTF-8. Blank cells are empty fields; a text that would
    start a formula is written with a leading apostrophe (``inert_field``)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TIDY_FIELDS), extrasaction="ignore", lineterminator="\n")
    if header:
        if bom:
            buf.write(UTF8_BOM)
        w.writeheader()
    for r in records:
        w.writerow({k: ("" if r.get(k) is None else inert_field(r.get(k))) for k in TIDY_FIELDS})
    return buf.getvalue()


def to_json(obj: Any, pretty: bool = True) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the temporary name shows the first bytes of the name only: ".<name>.XXXXXXXX.tmp" is 14 bytes
    # longer than the name, past the file system's 255 for a name over 241 bytes (82 hanzi)
    hint = os.fsencode(path.name)[:64].decode("utf-8", "ignore")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{hint}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(directory: str | Path) -> None:
    """Create and remove a file in ``directory``: raises ``OSError`` when files could not be
    written there (read-only file system, no permission), so callers can say so before any work."""
    fd, probe = tempfile.mkstemp(dir=directory, prefix=".govreport-probe-")
    os.close(fd)
    os.unlink(probe)


def write_markdown_section(path: str | Path, heading: str, section: str) -> None:
    """Replace (or append) one ``## heading`` section of a shared markdown file, atomically; the
    other sections (other benchmarks' results) stay as they are."""
    import re

    path = Path(path)
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    atomic_write(path, text.rstrip("\n") + "\n")
