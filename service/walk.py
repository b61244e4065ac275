"""Which files of a directory are taken as reports: one rule for ``govreport extract`` and
``govreport batch`` (an explicit file or a glob is taken as given)."""
from __future__ import annotations

from pathlib import Path

# The formats ingest reads, plus document formats it refuses with advice (so that they are listed
# as failures with the reason instead of silently missing). Markdown is left out: in an archive it
# is a README.
INPUT_SUFFIXES = frozenset(
    {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".docx", ".pdf"}
    | {".doc", ".wps", ".rtf", ".odt", ".ofd", ".ceb", ".caj"}
)


def report_files(directory: Path) -> list[Path]:
    """Every file under ``directory`` (recursively) whose suffix is in ``INPUT_SUFFIXES``, in no
    particular order; files under hidden folders (``.git``, ``.ipynb_checkpoints``) and hidden
    files are skipped: they are copies or tools' state, not reports."""
    return [
        f for f in directory.rglob("*")
        if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
        and not any(part.startswith(".") for part in f.relative_to(directory).parts)
    ]  # fmt: skip
