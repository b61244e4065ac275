"""CPU cost of extracting the readings of rendered reports, per reading route (a script, not a test).

The raw-``pdftotext`` table rebuilds search divisions of a value stream, so their cost is per
reading, not per character; this times ``Extractor.extract_text`` (rules tagger) on each
reading of ``--n`` generated reports per route, in one process, after one warm-up.
Run it in two checkouts on the same machine to compare code versions side by side:

    python benchmarks/route_cost.py --n 40 --seed 1 --route lo-pdf:pdftotext --route wps-pdf:pdftotext

Prints, per route: readings, total CPU-s, median / p90 / max ms per reading.
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.routes import generate_routed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="generated reports per route")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--route", action="append", help="reading route (repeatable); default the two raw pdftotext ones")
    args = ap.parse_args(argv)
    routes = args.route or ["lo-pdf:pdftotext", "wps-pdf:pdftotext"]
    texts: dict[str, list[str]] = defaultdict(list)
    for r in generate_routed(args.n, args.seed, routes):
        texts[r.route].append(r.text)
    ex = Extractor(get_tagger("rules"))
    ex.extract_text(next(iter(texts.values()))[0])  # warm-up: lexicons, regexes
    print("| route | readings | CPU-s | median ms | p90 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
    for route in routes:
        ts = []
        for t in texts[route]:
            t0 = time.process_time()
            ex.extract_text(t)
            ts.append(time.process_time() - t0)
        ts.sort()
        print(f"| `{route}` | {len(ts)} | {sum(ts):.1f} | {statistics.median(ts) * 1e3:.0f} | "
              f"{ts[int(0.9 * (len(ts) - 1))] * 1e3:.0f} | {ts[-1] * 1e3:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
