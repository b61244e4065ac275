"""PDF reading benchmark (a script, not a test): time per page and per report, and peak memory.

Readers side by side on the same files: govreport's own reader (``ingest.load_bytes``, PDFium), poppler's
``pdftotext -layout`` and pdfplumber's ``extract_text()``. Files: generated reports rendered as PDFs the two
ways the generator knows (``training/synth/documents.py``): drawn with WPS Office's quirks (``wps-pdf``)
and converted from DOCX by LibreOffice (``lo-pdf``, cached; skipped when LibreOffice is missing).
Each reader runs in a fresh process per file kind, so its peak RSS (``ru_maxrss``) is its own; the
process's RSS after imports, before the first file, is given beside it.

    .venv/bin/python benchmarks/pdf_bench.py --n 20 [--markdown docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402

SECTION = "## PDF reading"

# One reader over the files named on the command line; prints JSON {seconds per file, rss before/after}.
_CHILD = r"""
import json, resource, subprocess, sys, time
reader, files = sys.argv[1], sys.argv[2:]
if reader == "govreport":
    from govreport.extraction.ingest import load_bytes
    read = lambda data: load_bytes(data, filename="r.pdf").text
elif reader == "pdfplumber":
    import io, pdfplumber
    def read(data):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)
elif reader == "pdftotext-layout":
    read = lambda data: subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data,
                                       capture_output=True, check=True).stdout.decode()
def hwm():  # this process's peak RSS in KiB (VmHWM starts afresh at exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = hwm()
times = []
for f in files:
    data = open(f, "rb").read()
    t0 = time.perf_counter()
    read(data)
    times.append(time.perf_counter() - t0)
rss = max(hwm(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"times": times, "rss_before_kib": before, "rss_peak_kib": rss}))
"""


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def make_files(n: int, seed: int, out: Path) -> dict[str, list[Path]]:
    from govreport.training.synth.documents import (
        convert_docx_to_pdf,
        make_document,
        render_docx,
        render_quirk_pdf,
        soffice_path,
    )

    docs = [make_document(seed, i) for i in range(n)]
    kinds: dict[str, list[bytes]] = {"wps-pdf": [render_quirk_pdf(d) for d in docs]}
    if soffice_path():
        kinds["lo-pdf"] = convert_docx_to_pdf([render_docx(d) for d in docs])
    files: dict[str, list[Path]] = {}
    for kind, blobs in kinds.items():
        files[kind] = []
        for i, blob in enumerate(blobs):
            p = out / f"{kind}-{i:04d}.pdf"
            p.write_bytes(blob)
            files[kind].append(p)
    return files


def run_reader(reader: str, files: list[Path]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _CHILD, reader, *map(str, files)], capture_output=True, env=env,
                          check=True, text=True)  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20, help="generated reports per PDF kind")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--markdown", type=Path, default=None, help="write the results section into this file")
    args = ap.parse_args(argv)
    readers = ["govreport", "pdfplumber"] + (["pdftotext-layout"] if shutil.which("pdftotext") else [])
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="govreport-pdfbench-") as tmp:
        t0 = time.perf_counter()
        files = make_files(args.n, args.seed, Path(tmp))
        render_s = time.perf_counter() - t0
        for kind, paths in files.items():
            pages = [_pages(p.read_bytes()) for p in paths]
            for reader in readers:
                res = run_reader(reader, paths)
                total = sum(res["times"])
                per_report = sorted(res["times"])
                rows.append({
                    "kind": kind, "reader": reader, "reports": len(paths), "pages": sum(pages),
                    "ms_page": 1000 * total / sum(pages), "ms_report": 1000 * total / len(paths),
                    "ms_report_p95": 1000 * per_report[min(len(per_report) - 1, int(0.95 * len(per_report)))],
                    "rss_before": res["rss_before_kib"] / 1024, "rss_peak": res["rss_peak_kib"] / 1024,
                })  # fmt: skip
                print(json.dumps(rows[-1]))
    load_after = os.getloadavg()[0]
    cmd = f"benchmarks/pdf_bench.py --n {args.n} --seed {args.seed}"
    lines = [
        SECTION,
        "",
        f"`{cmd}` on {datetime.now(timezone.utc).date()}: {os.cpu_count()} CPU cores, Python {platform.python_version()}; "
        f"{args.n} generated reports per PDF kind (rendering took {render_s:.0f} s, not timed below); each reader in "
        f"a fresh process over all files of a kind, reading only (no tagging); 1-minute load average "
        f"{load_before:.1f} before, {load_after:.1f} after (the machine is shared, so times are pessimistic). "
        "Peak RSS is the reading process's VmHWM (for pdftotext, the larger of the Python wrapper and its largest "
        "child, whose ru_maxrss counts the memory it was forked with, so an upper bound); 'after imports' is the "
        "same process before its first file.",
        "",
        "| PDF kind | reader | reports | pages | ms / page | ms / report | p95 ms / report | RSS after imports MiB | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['kind']}` | {r['reader']} | {r['reports']} | {r['pages']} | {r['ms_page']:.1f} | {r['ms_report']:.0f} | "
            f"{r['ms_report_p95']:.0f} | {r['rss_before']:.0f} | {r['rss_peak']:.0f} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    if args.markdown:
        write_markdown_section(args.markdown, SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
