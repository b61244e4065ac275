"""CPU cost of a report padded with label-only lines inside table 三 (a script, not a test).

A lone ``总计`` line thousands of times after table 三's rows (hostile, or a converter that
repeats a header line) used to cost quadratic time in the row builder (``rows.build_groups``)
and the region's per-line look-ups: 4,000 lines ~20 CPU-s, the 30,000 that
``GOVREPORT_MAX_LINES`` allows far beyond the service's request time limit. This times
``Extractor.extract_text`` (rules tagger) on the corpus report ``hangzhou_fixture.txt`` with
``k`` such lines, in one process, after one warm-up. Run it in two checkouts on the same machine
to compare code versions side by side (``--cap`` skips the larger ``k`` once one run exceeds it):

    python benchmarks/label_lines.py --lines 0 1000 2000 4000 29000

Prints one Markdown row per ``k``: lines, CPU-s.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

REPORT = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "hangzhou_fixture.txt"


def padded(k: int, line: str = "总计") -> str:
    """The report with ``k`` copies of ``line`` right after table 三's 总计 row."""
    base = REPORT.read_text(encoding="utf-8")
    at = base.index("\n", base.index("（七）总计")) + 1
    return base[:at] + (line + "\n") * k + base[at:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, nargs="+", default=[0, 1000, 2000, 4000, 29000])
    ap.add_argument("--cap", type=float, default=60.0, help="skip larger counts once one run took this many CPU-s")
    args = ap.parse_args(argv)
    ex = Extractor(get_tagger("rules"))
    ex.extract_text(padded(0), filename="warm.txt")  # warm-up: lexicons, regexes
    print("| label-only lines | CPU-s |\n|---:|---:|")
    for k in sorted(args.lines):
        t0 = time.process_time()
        ex.extract_text(padded(k), filename="padded.txt")
        spent = time.process_time() - t0
        print(f"| {k:,} | {spent:.2f} |", flush=True)
        if spent > args.cap:
            print(f"(larger counts skipped: over {args.cap:g} CPU-s)")
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
