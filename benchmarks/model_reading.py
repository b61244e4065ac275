"""Does the model read? Cell accuracy per damage kind: rules, model, and the model alone.

    python benchmarks/model_reading.py --models v0001-20261123-default,v0002-... \\
        --n-kind 10 --n-mixed 100 --n-heldout 30 [--json out.json] [--markdown out.md]

Rows: the mixed generated set (default rates), the clean rendering, every generator kind alone,
every character-damage family the model trains on (``training.synth.noise.TRAIN_FAMILIES``) and
the held-back families (``training/configs/heldout_damage.json``: never in training data nor rule
tuning). Columns: the rule tagger, then for each model its shipped decoding (rule channel + its
saved prior) and **model alone** (rule channel blank, no prior: a diagnostic of how much the model
reads from the characters). Every column of a row scores the same reports with the contract's
cell accuracy (``govreport.extraction.evaluate``), the whole pipeline (normalised view + tagger +
assembly) in between. Reports are drawn from their own seeds (not the training seeds).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

MIXED, CLEAN = "(mixed)", "(none)"


def alone(tagger):
    """The same model with its rule channel blank and no prior."""
    import copy

    from govreport.extraction.model.features import BLANK

    t = copy.copy(tagger)
    p = copy.copy(tagger.predictor)
    if getattr(p, "rule_features", False):
        p.rule_tags = lambda texts, encs: [np.full(len(e.ids), BLANK, dtype=np.int64) for e in encs]
    p.rule_prior = (0.0, 0.0)
    t.predictor = p
    return t


def report_sets(n_kind: int, n_mixed: int, n_heldout: int, seed: int) -> dict[str, list]:
    from govreport.training.synth.generator import iter_reports
    from govreport.training.synth.noise import HELDOUT_FAMILIES, TRAIN_FAMILIES, damage
    from govreport.training.synth.transforms import KINDS

    sets: dict[str, list] = {MIXED: list(iter_reports(n_mixed, seed))}
    sets[CLEAN] = list(iter_reports(n_kind, seed + 1, kinds=[]))
    for j, k in enumerate(KINDS):
        sets[k] = list(iter_reports(n_kind, seed + 10 + j, kinds=[k]))
    for j, fam in enumerate([*TRAIN_FAMILIES, *HELDOUT_FAMILIES]):
        n = n_heldout if fam in HELDOUT_FAMILIES else n_kind
        out = []
        for r in iter_reports(n, seed + 100 + j, kinds=[]):
            doc, applied, lines = damage(r.to_document(), [fam], random.Random(f"{seed}:{fam}:{r.index}"), r.gold["sections"])
            if applied:
                out.append(dataclasses.replace(r, text=doc.text, spans=list(doc.spans), gold={**r.gold, "sections": lines}))
        sets[("held-back: " if fam in HELDOUT_FAMILIES else "train noise: ") + fam] = out
    return sets


def cells(extractor, reports) -> dict[str, Any]:
    from govreport.extraction.evaluate import aggregate
    from govreport.training.synth.realism import score_one

    t0 = time.process_time()
    agg = aggregate([score_one(extractor, r) for r in reports])
    return {"cells": agg["cell_accuracy"], "exact": agg["exact_reports"], "sections": agg["section_accuracy"], "n": len(reports),
            "cpu_s": round(time.process_time() - t0, 2)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="", help="comma-separated versions or model directories")
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--n-kind", type=int, default=10)
    ap.add_argument("--n-mixed", type=int, default=100)
    ap.add_argument("--n-heldout", type=int, default=30)
    ap.add_argument("--seed", type=int, default=70_000)
    ap.add_argument("--only", default="", help="comma-separated row names to run (default: all)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--markdown", type=Path, default=None)
    args = ap.parse_args(argv)

    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.extraction.taggers.model import ModelTagger

    t0 = time.perf_counter()
    sets = report_sets(args.n_kind, args.n_mixed, args.n_heldout, args.seed)
    if args.only:
        keep = set(args.only.split(","))
        sets = {k: v for k, v in sets.items() if k in keep}
    columns: list[tuple[str, Any]] = [("rules", Extractor(get_tagger("rules")))]
    for ref in [m for m in args.models.split(",") if m]:
        tagger = ModelTagger.load(ref, models_dir=args.models_dir, num_threads=1)
        columns.append((f"{tagger.version}", Extractor(tagger)))
        columns.append((f"{tagger.version} alone", Extractor(alone(tagger))))
    rows: dict[str, dict[str, Any]] = {}
    for name, reports in sets.items():
        rows[name] = {col: cells(ex, reports) for col, ex in columns}
        print(name, {c: round(v["cells"], 4) if v["cells"] is not None else None for c, v in rows[name].items()}, flush=True)
    res = {"command": "python benchmarks/model_reading.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "seconds": round(time.perf_counter() - t0, 1), "columns": [c for c, _ in columns], "rows": rows}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2), "utf-8")
    md = "Cell accuracy (%)\n\n" + to_markdown(res) + "\nSection accuracy (%)\n\n" + to_markdown(res, "sections")
    if args.markdown:
        args.markdown.write_text(md, "utf-8")
    print(md)
    return 0


def to_markdown(res: dict[str, Any], measure: str = "cells") -> str:
    """One table of ``measure`` (cells | sections | exact) in %: a row per kind, a column per tagger."""
    cols = res["columns"]
    out = ["| kind | reports | " + " | ".join(cols) + " |", "|---|---:|" + "---:|" * len(cols)]
    for name, row in res["rows"].items():
        n = next(iter(row.values()))["n"]
        vals = ["–" if row[c].get(measure) is None else f"{100 * row[c][measure]:.1f}" for c in cols]
        out.append(f"| {name} | {n} | " + " | ".join(vals) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
