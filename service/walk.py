"""Which files of a directory are taken as reports: one rule for ``govreport extract`` and
``govreport batch`` (an explicit file or a glob is taken as given)."""
from __future__ import annotations

import os
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
    leaves everything in: its reports are the inputs). Symbolic links to folders are not followed
    (a link back up would loop); a folder that cannot be listed is skipped.

    The walk keeps its own stack of folders: ``Path.rglob`` recursed once per level and a tree a
    thousand folders deep (an archive unpacked by a hostile hand) ended in RecursionError."""
    skip = None
    if out_dir is not None:
        o, d = out_dir.resolve(), directory.resolve()
        skip = o if o != d and o.is_relative_to(d) else None
    found: list[Path] = []
    stack = [directory]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                entries = list(it)
        except OSError:  # unreadable, or gone since it was listed
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif path.suffix.lower() in INPUT_SUFFIXES and path.is_file() and not (
                skip is not None and path.resolve().is_relative_to(skip)
            ):
                found.append(path)
    return found
