"""Is int8 good enough? Cell accuracy of the model in ONNX fp32, ONNX int8 and torch fp32 (and
the rules, for scale) on the development corpus and on generated reports, plus speed.

    python benchmarks/onnx_precision.py [--model DIR] [-n 200] [--seed 4242] [--out docs/benchmarks.md]

Writes ``model.int8.onnx`` into a temporary copy of the model (never into the registry), scores
every runtime on the same reports, and prints a markdown table (``--out`` replaces the
"ONNX precision" section of docs/benchmarks.md). int8 is the right default only when its cell
accuracy equals fp32's on both sets.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402
from govreport.extraction.evaluate import aggregate, score_report  # noqa: E402
from govreport.extraction.model.registry import ModelRegistry  # noqa: E402
from govreport.extraction.pipeline import Extractor  # noqa: E402
from govreport.extraction.taggers.model import ModelTagger  # noqa: E402
from govreport.extraction.taggers.rules import RuleTagger  # noqa: E402


def corpus() -> list[tuple[str, dict, str]]:
    out = []
    for gold in sorted((REPO / "tests" / "data" / "corpus").glob("*.gold.json")):
        txt = gold.with_name(gold.name.replace(".gold.json", ".txt"))
        if txt.exists():
            out.append((txt.read_text("utf-8"), json.loads(gold.read_text("utf-8")), txt.stem))
    return out


def generated(n: int, seed: int) -> list[tuple[str, dict, str]]:
    from govreport.training.synth.generator import iter_reports

    return [(r.text, r.gold, r.id) for r in iter_reports(n, seed)]


def score(tagger, reports) -> tuple[dict, float]:
    from govreport.training.synth.realism import EMPTY_PRED

    ex = Extractor(tagger)
    scores = []
    t0 = time.perf_counter()
    for text, gold, name in reports:
        try:
            pred = ex.extract_text(text, filename=f"{name}.txt").output
        except Exception:  # not a report etc.: scored as empty, like realism
            pred = EMPTY_PRED
        scores.append(score_report(pred, gold, text, name))
    return aggregate(scores), (time.perf_counter() - t0) / max(1, len(reports)) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    src = Path(args.model) if args.model else ModelRegistry().active().path
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from govreport.training.modeling import quantize_onnx_int8

    sets = {"corpus": corpus(), f"generated (n={args.n}, seed {args.seed})": generated(args.n, args.seed)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / src.name
        shutil.copytree(src, d)
        quantize_onnx_int8(d / "model.onnx", d / "model.int8.onnx")
        runtimes = {
            "rules": RuleTagger(),
            "ONNX fp32": ModelTagger.load(str(d), runtime="onnx", precision="fp32", num_threads=1),
            "ONNX int8": ModelTagger.load(str(d), runtime="onnx", precision="int8", num_threads=1),
            "torch fp32": ModelTagger.load(str(d), runtime="torch", precision="fp32", num_threads=1),
        }
        for name, tagger in runtimes.items():
            row = {"runtime": name}
            for set_name, reports in sets.items():
                agg, ms = score(tagger, reports)
                row[set_name] = {"cell_accuracy": agg["cell_accuracy"], "exact_reports": agg["exact_reports"], "ms_per_report": round(ms, 1)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    load = os.getloadavg()
    lines = [
        f"Model {src.name}; command `python benchmarks/onnx_precision.py -n {args.n} --seed {args.seed}`; "
        f"1 thread; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (shared machine: times are indicative).",
        "",
        "| runtime | " + " | ".join(f"{s}: cells / exact reports / ms per report" for s in sets) + " |",
        "|---|" + "---:|" * len(sets),
    ]
    for row in rows:
        lines.append(
            f"| {row['runtime']} | "
            + " | ".join(f"{row[s]['cell_accuracy']:.2%} / {row[s]['exact_reports']:.1%} / {row[s]['ms_per_report']}" for s in sets)
            + " |"
        )
    fp32, int8 = rows[1], rows[2]
    equal = all(fp32[s]["cell_accuracy"] == int8[s]["cell_accuracy"] for s in sets)
    lines += ["", f"int8 equal to fp32 in cell accuracy on every set: **{'yes' if equal else 'no'}**."]
    text = "\n".join(lines)
    print(text)
    if args.out:
        write_markdown_section(Path(args.out), "## ONNX precision", "## ONNX precision\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
