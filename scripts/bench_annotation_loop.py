"""Learning benchmark of the annotation loop (issue 6, item 8), end to end through Label Studio.

1. The base model: ``--base DIR`` (the shipped default, which never saw ``crawler_text``), or one
   trained here on generated reports that never show ``--kind``; ACTIVE in a scratch registry.
2. Push reports of the kind to a real Label Studio (predictions by the base model), annotate them
   through the API as a careful annotator would (the exact gold spans), pull a batch.
3. ``retrain`` (fine-tune with replay, dev = annotated dev part + generated, the real policy).
4. Score base and candidate on *other* reports of that kind, on generated reports without it and
   on the gold corpus; time each step and ``/predict`` on a long report.

With no fine-tuning flags, step 3 is exactly ``govreport retrain`` with its default config and
promotion policy (the learning target of issue 17). ``--n-annotate 2,5,10,20`` draws a learning
curve: each point starts again from the base model with a fresh project and registry. "Cell errors
fixed" is the share of the base model's wrong cells on the other reports that the candidate gets
right: (cell accuracy after - before) / (1 - before), on the same gold cells.

Usage (the runs in docs/benchmarks.md):
  .venv/bin/python scripts/bench_annotation_loop.py --base models/v0001-20261123-default \
      --kind crawler_text --mixed --n-annotate 2,5,10,20 --n-eval 20
  (the older tuned run: --n-annotate 48 --epochs 12 --lr 1e-3 --replay-ratio 4 --set rule_disagreement_weight=5)
Needs the Label Studio venv (scripts/labelstudio_venv.sh). Writes result.json and result.md to --out.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", default="crawler_text",
                    help="a generator kind the base model is weak on (count_units is read by the normalised view since)")
    ap.add_argument("--n-base", type=int, default=400, help="generated training reports for the base model")
    ap.add_argument("--n-annotate", default="12", help="reports of the kind annotated in Label Studio (a comma list: a learning curve)")
    ap.add_argument("--n-eval", type=int, default=40, help="reports per evaluation set")
    ap.add_argument("--base-epochs", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=None, help="fine-tuning epochs (default: retrain's, from its minimum steps)")
    ap.add_argument("--lr", type=float, default=None, help="fine-tuning learning rate (default: retrain's)")
    ap.add_argument("--replay-ratio", type=float, default=None, help="(default: retrain's)")
    ap.add_argument("--n-dev", type=int, default=None, help="generated dev reports (default: retrain's)")
    ap.add_argument("--base", type=Path, default=None, help="use this model directory as the base (skip step 1)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=JSON",
                    help="another TrainConfig override for the fine-tuning (as govreport retrain --set)")
    ap.add_argument("--mixed", action="store_true",
                    help="reports of the kind also show other kinds at their default rates (else the kind alone)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/govreport-bench-loop"))
    args = ap.parse_args()
    import logging

    logging.basicConfig(format="  %(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S", level=logging.WARNING)
    logging.getLogger("govreport.training.train").setLevel(logging.INFO)  # epochs, as `retrain` prints them

    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.annotation.client import LabelStudioClient
    from govreport.training.annotation.lsserver import LabelStudioServer
    from govreport.training.annotation.retrain import DEFAULT_GOLD_DIR, gold_items, parse_overrides, span_scores, table_scores
    from govreport.training.config import TrainConfig
    from govreport.training.registry import ModelRegistry
    from govreport.training.synth import DEFAULT_RATES, generate
    from govreport.training.train import train

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    registry = ModelRegistry(out / "models")
    without = {**DEFAULT_RATES, args.kind: 0.0}
    timings: dict[str, float] = {}

    def docs(reports: list[Any]) -> list[Any]:
        return [r.to_document() for r in reports]

    def scores(tagger: Any) -> dict[str, dict[str, float]]:
        kind_items = [(r.text, r.gold, f"kind{i}") for i, r in enumerate(kind_eval)]
        other_items = [(r.text, r.gold, f"other{i}") for i, r in enumerate(other_eval)]
        return {
            f"{args.kind} (other reports)": {**span_scores(tagger, docs(kind_eval)), **table_scores(tagger, kind_items)},
            f"generated without {args.kind}": {**span_scores(tagger, docs(other_eval)), **table_scores(tagger, other_items)},
            "gold corpus": table_scores(tagger, gold_items(DEFAULT_GOLD_DIR)),
        }

    def of_kind(n: int, seed: int) -> list[Any]:
        if not args.mixed:
            return generate(n, seed, kinds=[args.kind])
        out, i = [], 0
        while len(out) < n:  # reports where the kind applied (it cannot when its table is absent)
            out += [r for r in generate(n, seed + 1000 * i, rates={**DEFAULT_RATES, args.kind: 1.0}) if args.kind in r.transforms]
            i += 1
        return out[:n]

    kind_eval = of_kind(args.n_eval, 2101)
    other_eval = generate(args.n_eval, 2202, rates=without)

    # 1. the base model never sees the kind (or: a given model, e.g. the shipped default)
    t0 = time.monotonic()
    if args.base is not None:
        import shutil

        with registry.new_version("base") as draft:
            shutil.copytree(args.base, draft.path, dirs_exist_ok=True)
        base = registry.get(draft.version)
    else:
        base_cfg = TrainConfig(n_synth=0, n_dev=0, epochs=args.base_epochs)
        base = train(base_cfg, registry, extra_docs=docs(generate(args.n_base, 11, rates=without)),
                     eval_docs=docs(generate(30, 12, rates=without)), tag="base")  # fmt: skip
    registry.promote(base.version)
    timings["base model" + (" (given)" if args.base else " (train)")] = time.monotonic() - t0
    base_tagger = ModelTagger.load(str(base.path))
    before = scores(base_tagger)

    ns = [int(x) for x in str(args.n_annotate).split(",") if x.strip()]
    tuned = {k: v for k, v in {"epochs": args.epochs, "lr": args.lr, "replay_ratio": args.replay_ratio, "n_dev": args.n_dev}.items() if v is not None}
    overrides = {**tuned, **parse_overrides(args.set)}
    points = []
    with LabelStudioServer(out / "label-studio") as ls_server:
        client = LabelStudioClient(ls_server.url, ls_server.token)
        for n in ns:
            points.append(one_point(n, client, base, base_tagger, before, overrides, out / f"n{n:03d}", args.kind, of_kind, docs, scores))
    result = {"kind": args.kind, "base_version": base.version, "base_seconds": round(timings.popitem()[1], 1),
              "fine_tune_overrides": overrides or "none (retrain's defaults)", "before": before, "points": points}  # fmt: skip
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    (out / "result.md").write_text(markdown(result), "utf-8")
    print(markdown(result))


def one_point(n: int, client: Any, base: Any, base_tagger: Any, before: dict, overrides: dict, out: Path, kind: str,
              of_kind: Any, docs: Any, scores: Any) -> dict[str, Any]:  # fmt: skip
    """Push n reports of the kind, annotate them with their gold spans through the API, pull, retrain
    from the base model with the default command and policy; score on the other reports."""
    import shutil

    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.annotation.convert import spans_to_result
    from govreport.training.annotation.pull import pull
    from govreport.training.annotation.push import push_documents
    from govreport.training.annotation.retrain import PromotionPolicy, RetrainOptions, retrain
    from govreport.training.registry import ModelRegistry

    out.mkdir(parents=True, exist_ok=True)
    registry = ModelRegistry(out / "models")
    with registry.new_version("base") as draft:
        shutil.copytree(base.path, draft.path, dirs_exist_ok=True)
    registry.promote(draft.version)
    timings: dict[str, float] = {}
    pool = of_kind(n, 3103)
    t0 = time.monotonic()
    pushed = push_documents(client, f"bench {kind} n{n}", [d.with_spans(()) for d in docs(pool)], base_tagger)
    timings["push (tag + import)"] = time.monotonic() - t0
    by_hash = {d.origin.sha256: d for d in docs(pool)}
    t0 = time.monotonic()
    for task in client.iter_tasks(pushed.project_id):
        gold = by_hash[task["data"]["doc_id"]]
        client.create_annotation(task["id"], spans_to_result(gold.text, gold.spans, with_score=False))
    timings["annotate through the API"] = time.monotonic() - t0
    t0 = time.monotonic()
    pulled = pull(client, pushed.project_id, out / "batches")
    timings["pull"] = time.monotonic() - t0
    t0 = time.monotonic()
    opts = RetrainOptions(batches_dir=out / "batches", report_dir=out / "reports", overrides=dict(overrides))
    report = retrain(registry, opts, PromotionPolicy(), progress=lambda m: print(f"  [n={n}] {m}", flush=True))
    timings["retrain (train + evaluate both)"] = time.monotonic() - t0
    point: dict[str, Any] = {
        "n_annotated": n, "retrain_status": report.status, "candidate": report.candidate,
        "decision": report.decision.get("reasons"),
        "split": {"train": report.data.get("train_examples"), "dev": report.data.get("annotated_dev"),
                  "heldout": report.data.get("heldout_reports")},
        "fine_tune": {k: (report.data.get("train_config") or {}).get(k) for k in ("epochs", "lr", "batch_size", "replay_ratio", "rule_disagreement_weight", "n_dev")},
        "candidate_model": report.data.get("candidate_model"),
        "cross_validation": report.data.get("cross_validation"),  # folds, when no report was held out
        "retrain_seconds": {k: round(v, 1) for k, v in report.seconds.items()},  # evaluate / train / cross-validate
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "pulled_batch": pulled.batch.id if pulled.batch else None, "report": str(report.path),
    }  # fmt: skip
    if report.candidate is None:
        return point
    after = scores(ModelTagger.load(str(registry.get(report.candidate).path)))
    point["after"] = after
    k = f"{kind} (other reports)"
    b, a = before[k]["cell_accuracy"], after[k]["cell_accuracy"]
    point["cell_errors_fixed"] = round((a - b) / (1 - b), 4) if b < 1 else None
    return point


def markdown(r: dict[str, Any]) -> str:
    kind = f"{r['kind']} (other reports)"
    other = next(k for k in r["before"] if k.startswith("generated without"))
    b = r["before"]
    lines = [f"kind `{r['kind']}`, base `{r['base_version']}`, fine-tuning overrides: {r['fine_tune_overrides']}", "",
             "| annotated | train/dev/held-out | epochs | kind cell acc. | cell errors fixed | kind exact | w/o kind cell acc. | gold cells | decision | push / annotate / pull / retrain s |",
             "|---|---|---|---|---|---|---|---|---|---|",
             f"| 0 (base) | – | – | {b[kind]['cell_accuracy']:.3f} | – | {b[kind]['exact_reports']:.3f} | {b[other]['cell_accuracy']:.4f} | {b['gold corpus']['cell_accuracy']:.3f} | – | – |"]  # fmt: skip
    for p in r["points"]:
        a = p.get("after")
        s = p["seconds"]
        times = " / ".join(str(v) for v in s.values())
        split = "/".join(str(p["split"][x]) for x in ("train", "dev", "heldout"))
        if a is None:
            lines.append(f"| {p['n_annotated']} | {split} | – | – | – | – | – | – | {p['retrain_status']}: {'; '.join(p['decision'] or [])} | {times} |")
            continue
        lines.append(f"| {p['n_annotated']} | {split} | {p['fine_tune']['epochs']} | {a[kind]['cell_accuracy']:.3f} | "
                     f"{p['cell_errors_fixed']:.1%} | {a[kind]['exact_reports']:.3f} | {a[other]['cell_accuracy']:.4f} | "
                     f"{a['gold corpus']['cell_accuracy']:.3f} | {p['retrain_status']}: {'; '.join(p['decision'] or [])} | {times} |")  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
