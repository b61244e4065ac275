"""Cost of model tagging on 1 core: a ~6,000-character report, steady state, side by side.

    python benchmarks/model_cost.py --models v0001-20261123-default,v0002-... [--rounds 30]

For each model and ONNX precision it has: the median wall and CPU milliseconds of (a) the whole
tagger call (tokenize + rule channel + ONNX forward + decode, what ``--tagger model`` adds on top
of the assembly) and (b) the ONNX forward alone, on one ~6,000-character generated report, with
one ONNX Runtime thread, after 3 warm-up calls; and the model directory's size on disk.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", required=True)
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--chars", type=int, default=6000)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from govreport.extraction.model.predictor import OnnxPredictor
    from govreport.training.registry import ModelRegistry
    from govreport.training.synth.generator import make_report

    text = ""
    i = 0
    while len(text) < args.chars:  # whole generated reports, the last one cut at a line end
        text += make_report(4242, i).text + "\n"
        i += 1
    text = text[: text.rfind("\n", 0, args.chars) + 1]
    reg = ModelRegistry(args.models_dir)
    print(f"report: {len(text)} characters; load average {os.getloadavg()[0]:.1f}")
    print("| model | precision | size MB (dir) | tokens | tagger wall ms | tagger CPU ms | forward wall ms | forward CPU ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for ref in args.models.split(","):
        path = Path(ref) if Path(ref).is_dir() else reg.get(ref).path
        size = sum(p.stat().st_size for p in path.iterdir() if p.is_file()) / 1e6
        for precision in ("fp32", "int8"):
            if precision == "int8" and not (path / "model.int8.onnx").exists():
                continue
            pred = OnnxPredictor.load(path, num_threads=1, precision=precision)
            enc = pred.tokenizer.encode(text)
            rules = pred.rule_tags([text], [enc])

            def timed(fn):
                for _ in range(3):
                    fn()
                walls, cpus = [], []
                for _ in range(args.rounds):
                    w, c = time.perf_counter(), time.process_time()
                    fn()
                    walls.append(1000 * (time.perf_counter() - w))
                    cpus.append(1000 * (time.process_time() - c))
                return statistics.median(walls), statistics.median(cpus)

            tw, tc = timed(lambda: pred.predict([text]))
            fw, fc = timed(lambda: pred.token_probs([enc], rules))
            print(f"| {path.name} | {precision} | {size:.1f} | {len(enc.ids)} | {tw:.1f} | {tc:.1f} | {fw:.1f} | {fc:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
