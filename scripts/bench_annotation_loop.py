"""Learning benchmark of the annotation loop (issue 6, item 8), end to end through Label Studio.

1. The base model: ``--base DIR`` (the shipped default, which never saw ``count_units``), or one
   trained here on generated reports that never show ``--kind``; ACTIVE in a scratch registry.
2. Push reports of the kind to a real Label Studio (predictions by the base model), annotate them
   through the API as a careful annotator would (the exact gold spans), pull a batch.
3. ``retrain`` (fine-tune with replay, dev = annotated dev part + generated, the real policy).
4. Score base and candidate on *other* reports of that kind, on generated reports without it and
   on the gold corpus; time each step and ``/predict`` on a long report.

Usage (the run in docs/benchmarks.md):
  .venv/bin/python scripts/bench_annotation_loop.py --base models/v0001-20261123-default \
      --kind count_units --mixed --n-annotate 48 --epochs 12 --lr 1e-3 --replay-ratio 4
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
    ap.add_argument("--kind", default="count_units")
    ap.add_argument("--n-base", type=int, default=400, help="generated training reports for the base model")
    ap.add_argument("--n-annotate", type=int, default=12, help="reports of the kind annotated in Label Studio")
    ap.add_argument("--n-eval", type=int, default=40, help="reports per evaluation set")
    ap.add_argument("--base-epochs", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=4, help="fine-tuning epochs")
    ap.add_argument("--lr", type=float, default=5e-4, help="fine-tuning learning rate")
    ap.add_argument("--replay-ratio", type=float, default=3.0)
    ap.add_argument("--n-dev", type=int, default=30, help="generated dev reports (with the annotated dev part: epoch selection, rule prior)")
    ap.add_argument("--base", type=Path, default=None, help="use this model directory as the base (skip step 1)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=JSON",
                    help="another TrainConfig override for the fine-tuning (as govreport retrain --set)")
    ap.add_argument("--mixed", action="store_true",
                    help="reports of the kind also show other kinds at their default rates (else the kind alone)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/govreport-bench-loop"))
    args = ap.parse_args()

    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.annotation.batches import DEFAULT_HELDOUT_FRACTION
    from govreport.training.annotation.client import LabelStudioClient
    from govreport.training.annotation.convert import spans_to_result
    from govreport.training.annotation.lsserver import LabelStudioServer
    from govreport.training.annotation.pull import pull
    from govreport.training.annotation.push import push_documents
    from govreport.training.annotation.retrain import (
        DEFAULT_GOLD_DIR, PromotionPolicy, RetrainOptions, gold_items, parse_overrides, retrain, span_scores,
        table_scores,
    )  # fmt: skip
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

    # 2. annotate a few reports of the kind through Label Studio
    with LabelStudioServer(out / "label-studio") as ls_server:
        client = LabelStudioClient(ls_server.url, ls_server.token)
        pool = of_kind(args.n_annotate, 3103)
        t0 = time.monotonic()
        pushed = push_documents(client, f"bench {args.kind}", [d.with_spans(()) for d in docs(pool)], base_tagger)
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

    # 3. retrain with replay under the real policy
    t0 = time.monotonic()
    opts = RetrainOptions(batches_dir=out / "batches", report_dir=out / "reports", synth_val=30,
                          overrides={"epochs": args.epochs, "lr": args.lr, "replay_ratio": args.replay_ratio, "n_dev": args.n_dev, **parse_overrides(args.set)})  # fmt: skip
    report = retrain(registry, opts, PromotionPolicy())
    timings["retrain (train + evaluate both)"] = time.monotonic() - t0
    if report.candidate is None:
        raise SystemExit(f"retrain produced no candidate: {report.summary()}")
    cand_tagger = ModelTagger.load(str(registry.get(report.candidate).path))
    after = scores(cand_tagger)

    # replay contamination: how many replayed generated reports happened to show the kind
    n_replay = min(TrainConfig().n_synth, round(args.replay_ratio * report.data["train_examples"]))
    replay_with_kind = sum(args.kind in r.transforms for r in generate(n_replay, TrainConfig().synth_seed))

    # 4. /predict on a long report with the candidate model (in process, through the endpoint)
    from fastapi.testclient import TestClient

    from govreport.service.ml_backend import JobRunner, MLBackendSettings, MLBackendState, TaggerHolder, create_backend_app

    long_text = "\n\n".join(p.read_text("utf-8") for _ in range(10) for p in sorted(DEFAULT_GOLD_DIR.glob("*.txt")))
    settings = MLBackendSettings(runs_dir=out / "runs")
    state = MLBackendState(settings, TaggerHolder(factory=lambda: cand_tagger, active_version=lambda: "x"), JobRunner(settings))
    with TestClient(create_backend_app(state)) as c:
        c.post("/predict", json={"tasks": [{"data": {"text": "一、总体情况"}}]})  # warm
        lat = []
        for _ in range(3):
            t0 = time.perf_counter()
            r = c.post("/predict", json={"tasks": [{"data": {"text": long_text}}]})
            lat.append(time.perf_counter() - t0)
            assert r.status_code == 200
    result = {
        "kind": args.kind,
        "base_version": base.version,
        "candidate": report.candidate,
        "retrain_status": report.status,
        "fine_tune": report.data.get("train_config", {}) and {k: report.data["train_config"].get(k) for k in (
            "epochs", "lr", "replay_ratio", "rule_dropout", "rule_disagreement_weight", "n_dev")},  # fmt: skip
        "decision": report.decision.get("reasons"),
        "annotated": {"pushed": len(pushed.imported), "batch": pulled.batch.id if pulled.batch else None,
                      "train": report.data.get("train_examples"), "dev": report.data.get("annotated_dev"),
                      "generated_dev": report.data.get("generated_dev"), "heldout": report.data["heldout_reports"],
                      "heldout_fraction": DEFAULT_HELDOUT_FRACTION},  # fmt: skip
        "replay": {"generated_reports": n_replay, "of_which_show_the_kind": replay_with_kind},
        "before": before,
        "after": after,
        "retrain_scores": report.scores,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "predict_long_report": {"characters": len(long_text), "seconds": [round(x, 2) for x in lat]},
        "report": str(report.path),
    }
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    (out / "result.md").write_text(markdown(result), "utf-8")
    print(markdown(result))


def markdown(r: dict[str, Any]) -> str:
    keys = ["f1", "precision", "recall", "cell_accuracy", "exact_reports"]
    lines = [f"kind `{r['kind']}`: base `{r['base_version']}` -> candidate `{r['candidate']}` ({r['retrain_status']})", "",
             "| set | metric | before | after | delta |", "|---|---|---|---|---|"]  # fmt: skip
    for suite, b in r["before"].items():
        a = r["after"][suite]
        for k in keys:
            if k in b:
                lines.append(f"| {suite} | {k} | {b[k]:.4f} | {a[k]:.4f} | {a[k] - b[k]:+.4f} |")
    lines += ["", "seconds: " + ", ".join(f"{k} {v}" for k, v in r["seconds"].items()),
              f"/predict on {r['predict_long_report']['characters']} characters: {r['predict_long_report']['seconds']} s",
              f"annotated: {r['annotated']}; replay: {r['replay']}", f"decision: {r['decision']}"]  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
