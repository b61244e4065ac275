"""Output writers shared by the CLI, the API and batch jobs: JSON, tidy cells, atomic files."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .trust import check_cells

TIDY_FIELDS = ("source", "table", "row", "col", "value", "start", "end", "confidence", "status", "text", "checks")


def tidy_cells(output: dict[str, Any], source: str = "") -> list[dict[str, Any]]:
    """One record per table × row × column (blanks included), with where each value came from,
    its status (read, inferred, blank, unreadable, missing: docs/trust.md), the printed text and
    the checks that do not pass with it as an operand (``rule:fail`` / ``rule:not_assessable``,
    ``;``-separated)."""
    out: list[dict[str, Any]] = []
    prov = output.get("provenance") or {}
    status = output.get("cell_status") or {}
    open_checks: dict[str, list[str]] = {}
    for c in output.get("checks") or []:
        st = c.get("status") or ("pass" if c.get("ok") else "fail")
        if st != "pass":
            for name in check_cells(c):
                open_checks.setdefault(name, []).append(f"{c['rule']}:{st}")
    for table, rows in (output.get("tables") or {}).items():
        if rows is None:
            continue
        for row, cols in rows.items():
            for col, value in cols.items():
                p = ((prov.get(table) or {}).get(row) or {}).get(col) or {}
                out.append(
                    {
                        "source": source,
                        "table": table,
                        "row": row,
                        "col": col,
                        "value": value,
                        "start": p.get("start"),
                        "end": p.get("end"),
                        "confidence": p.get("confidence"),
                        "status": ((status.get(table) or {}).get(row) or {}).get(col),
                        "text": p.get("text"),
                        "checks": ";".join(open_checks.get(f"{table}.{row}.{col}", [])) or None,
                    }
                )
    return out


def cells_csv(records: Iterable[dict[str, Any]], header: bool = True) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TIDY_FIELDS), extrasaction="ignore", lineterminator="\n")
    if header:
        w.writeheader()
    for r in records:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in TIDY_FIELDS})
    return buf.getvalue()


def to_json(obj: Any, pretty: bool = True) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
