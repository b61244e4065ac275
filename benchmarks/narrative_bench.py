"""Precision and recall of the narrative checks on generated reports.

The generator's prose restates its tables' figures (kind ``prose_numbers`` and the overview), so on
a report whose tables were read right no narrative check may fail (a false alarm), and every
figure planted wrong by the kind ``prose_mismatch`` must fail. Usage::

    python benchmarks/narrative_bench.py -n 300 --seed 7 [--tagger rules] [--out docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402
from govreport.extraction.pipeline import Extractor  # noqa: E402
from govreport.extraction.taggers import get_tagger  # noqa: E402
from govreport.training.synth import make_report  # noqa: E402


def measure(n: int, seed: int, tagger: str) -> dict[str, Any]:
    """Runs n mixed reports with prose figures and n with a planted mismatch; returns counts."""
    ex = Extractor(get_tagger(tagger), require_report=False)
    stats = {"consistent_reports": 0, "checks": 0, "pass": 0, "fail": 0, "not_assessable": 0,
             "false_alarms": 0, "false_alarm_reports": [], "tables_wrong_reports": 0,
             "planted": 0, "planted_found": 0, "missed": []}
    for i in range(n):
        r = make_report(seed, i, rates={"prose_numbers": 1.0})
        out = ex.extract_document(r.to_document()).output
        narr = [c for c in out["checks"] if c["rule"].startswith("narrative.")]
        if r.inconsistent:
            continue
        if out["tables"] != r.gold["tables"]:  # an alarm there may be right: the table was misread
            stats["tables_wrong_reports"] += 1
            continue
        stats["consistent_reports"] += 1
        for c in narr:
            stats["checks"] += 1
            stats[c["status"]] += 1
        bad = [c for c in narr if c["status"] == "fail"]
        if bad:
            stats["false_alarms"] += len(bad)
            stats["false_alarm_reports"].append((r.id, [c["detail"] for c in bad]))
    for i in range(n):
        r = make_report(seed + 1, i, rates={"prose_mismatch": 1.0})
        if "prose_mismatch" not in r.transforms or r.gold["tables"]["applications"] is None:
            continue  # (a truncated report can lose the table and the sentence)
        stats["planted"] += 1
        out = ex.extract_document(r.to_document()).output
        if any(c["rule"] == "narrative.applications.new_received" and c["status"] == "fail" for c in out["checks"]):
            stats["planted_found"] += 1
        else:
            stats["missed"].append(r.id)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tagger", default="rules")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    t0 = time.perf_counter()
    s = measure(args.n, args.seed, args.tagger)
    el = time.perf_counter() - t0
    cmd = f"python benchmarks/narrative_bench.py -n {args.n} --seed {args.seed} --tagger {args.tagger}"
    md = (f"Command: `{cmd}` ({el:.0f} s). Reports generated with every prose-figure sentence on "
          f"(`prose_numbers` at rate 1): {s['consistent_reports']} consistent reports whose tables were read exactly "
          f"({s['tables_wrong_reports']} with a misread table left out), {s['checks']} narrative checks: "
          f"{s['pass']} pass, {s['fail']} fail, {s['not_assessable']} not assessable. **False alarms: "
          f"{s['false_alarms']}**. Planted mismatches (`prose_mismatch`): **{s['planted_found']} of {s['planted']} found**.\n")
    print(md)
    for rid, details in s["false_alarm_reports"][:10]:
        print("false alarm", rid, details)
    print("missed", s["missed"][:10])
    if args.out:
        write_markdown_section(args.out, "Narrative checks", md)


if __name__ == "__main__":
    main()
