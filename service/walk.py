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


def report_files(directory: Path, out_dir: Path | None = None) -> list[Path]:
    """Every file under ``directory`` (recursively) whose suffix is in ``INPUT_SUFFIXES``, in no
    particular order; files under hidden folders (``.git``, ``.ipynb_checkpoints``) and hidden
    files are skipped: they are copies or tools' state, not reports. So are files under
    ``out_dir``, the run's own output folder, when it lies inside ``directory``:
    ``extract reports -o reports/out --html`` run twice read its own ``out/<stem>.html`` pages as
    reports and wrote them over the real results (an ``out_dir`` that is ``directory`` itself
    leaves everything in: its reports are the inputs)."""
    skip = None
    if out_dir is not None:
        o, d = out_dir.resolve(), directory.resolve()
        skip = o if o != d and o.is_relative_to(d) else None
    return [f for f in directory.rglob("*") if f.suffix.lower() in INPUT_SUFFIXES and f.is_file()
            and not any(part.startswith(".") for part in f.relative_to(directory).parts)
            and not (skip is not None and f.resolve().is_relative_to(skip))]  # fmt: skip
