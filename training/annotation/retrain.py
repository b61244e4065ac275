"""``govreport retrain``: fine-tune the active model on annotated batches, promote only if better.

The run writes a new registry version (``training.train.train`` never promotes), evaluates the
candidate against the active model (or the rule tagger when none is active) on three suites and
promotes under ``PromotionPolicy``:

- ``annotated_heldout``: annotated reports whose content hash puts them in the fixed held-out
  split (``batches.split_of``) — the "new data". Span precision/recall/F1 (exact start, end, label).
- ``gold_corpus``: the gold files (tests/data/corpus) — the contract's table scores.
- ``synthetic_val``: generated reports from a fixed seed — span F1 and table scores.

Promotion needs the candidate to be better on the new data (F1 gain > ``min_gain_new``) and not
worse anywhere (no guarded metric drops by more than ``tolerance``). A failed run, a losing run, or
ACTIVE moving during the run leaves ACTIVE as it was. Every run writes ``report.json`` and
``report.md``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from govreport.extraction.document import Document
from govreport.extraction.errors import GovReportError
from govreport.extraction.taggers import Tagger
from govreport.training.config import parse_overrides  # noqa: F401  (re-exported: the retrain CLI and scripts import it here)
from govreport.training.registry import ModelRegistry, ModelVersion, RegistryError, atomic_write_text

from .batches import (
    DEFAULT_BATCHES_DIR,
    annotations_root,
    in_dev,
    list_batches,
    load_documents,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REPORT_DIR = annotations_root() / "runs" / "retrain"  # a checkout's annotations/, else the user's data dir
DEFAULT_GOLD_DIR = REPO / "tests" / "data" / "corpus"
SYNTH_VAL_SEED = 7_000_001  # fixed: every run compares on the same generated reports

DEFAULT_GUARDED: tuple[tuple[str, str], ...] = (
    ("annotated_heldout", "f1"),
    ("gold_corpus", "cell_accuracy"),
    ("gold_corpus", "value_recall"),
    ("gold_corpus", "table_presence"),
    ("gold_corpus", "section_accuracy"),
    ("gold_corpus", "exact_reports"),
    ("synthetic_val", "f1"),
    ("synthetic_val", "cell_accuracy"),
)


DEFAULT_SUITE_TOLERANCE: dict[str, float] = {"synthetic_val": 0.002}

# Fine-tuning on a few annotated reports (a TrainConfig's defaults are for training from scratch on
# 1000 generated reports: on two annotated reports they make 4 epochs of 2 optimizer steps, and the
# model learns nothing). These are the settings of the learning benchmark's promoted runs
# (docs/benchmarks.md, "Annotation loop"); the number of epochs follows from MIN_STEPS.
FINE_TUNE_DEFAULTS: dict[str, Any] = {
    "lr": 1e-3,
    "batch_size": 16,
    "replay_ratio": 4.0,  # generated reports replayed per annotated one (against forgetting)
    "rule_disagreement_weight": 5.0,  # learn where the rules are wrong, not only where they agree
    # generated dev reports, next to the annotated dev part (epochs, prior and decoding are chosen on
    # them too). They guard the recalibrated rule prior (training.train.calibrate_rule_prior): with
    # 10, a 20-report run took a prior that cost the other kinds 2.6 points of cells (kept out by
    # the policy); with 30 the parent's prior stays (docs/benchmarks.md, learning curve)
    "n_dev": 30,
    "synth_per_epoch": False,
}
MIN_STEPS = 120  # optimizer steps a fine-tuning run makes at least
# Every epoch ends with an evaluation on the dev reports (~30 generated + annotated), which costs more
# than the handful of steps an epoch over two annotated reports makes; past MAX_EPOCHS the annotated
# reports are repeated within an epoch instead (with their share of replay).
MAX_EPOCHS = 4
# With fewer annotated train reports than this, none is set aside as dev data: with two reports, the
# hashed fifth took one of them away from training (and a dev part of one report chooses little).
MIN_DEV_SPLIT = 5
# No annotated held-out report yet (a hashed quarter: with up to ~4 reports often none): the gain on
# the new data is measured by cross-validation over the annotated training reports instead, in at
# most this many folds (each fold model trained like the candidate, on the other reports).
CV_FOLDS = 3


class RetrainError(GovReportError):
    code = "retrain"


# ---- the policy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromotionPolicy:
    """When a candidate replaces the active model. Load from JSON with ``from_dict``."""

    new_data_suite: str = "annotated_heldout"
    new_data_metric: str = "f1"
    min_gain_new: float = 0.0  # candidate - active on the new data must be > this
    tolerance: float = 0.0  # any guarded metric may drop at most this much (unless its suite has its own)
    guarded: tuple[tuple[str, str], ...] = DEFAULT_GUARDED
    require_new_data: bool = True  # no measure of the new data at all: never promote
    # No annotated held-out report: the gain on the new data is measured here instead (the
    # cross-validated scores of models fine-tuned like the candidate, ``cross_validate``).
    cv_suite: str = "annotated_cv"
    # Per-suite allowed drops. The generated validation reports are a sample: a fine-tuned model that
    # moves one span of ~3000 (F1 0.0008) has not regressed; 0.002 is 0.2 points, a few spans or cells.
    # The gold corpus and the annotators' held-out reports allow no drop at all.
    suite_tolerance: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SUITE_TOLERANCE))

    def replace(self, **kw: Any) -> "PromotionPolicy":
        return dataclasses.replace(self, **kw)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["guarded"] = [list(g) for g in self.guarded]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PromotionPolicy":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise RetrainError(f"unknown promotion policy field(s): {', '.join(sorted(unknown))}")
        d = dict(d)
        if "guarded" in d:
            d["guarded"] = tuple(tuple(g) for g in d["guarded"])
        if "suite_tolerance" in d:
            d["suite_tolerance"] = {str(k): float(v) for k, v in dict(d["suite_tolerance"]).items()}
        return cls(**d)

    def decide(self, active: dict[str, dict[str, float]], candidate: dict[str, dict[str, float]]) -> "Decision":
        checks, reasons = [], []
        suite = self.new_data_suite
        a_new = active.get(suite, {}).get(self.new_data_metric)
        c_new = candidate.get(suite, {}).get(self.new_data_metric)
        if (a_new is None or c_new is None) and self.cv_suite:
            suite = self.cv_suite
            a_new = active.get(suite, {}).get(self.new_data_metric)
            c_new = candidate.get(suite, {}).get(self.new_data_metric)
        if a_new is None or c_new is None:
            ok_new = not self.require_new_data
            reasons.append(f"no {self.new_data_suite} data to measure the gain on" + ("" if ok_new else ": not promoted"))
        else:
            ok_new = c_new - a_new > self.min_gain_new
            checks.append({"check": "better on the new data", "suite": suite, "metric": self.new_data_metric,
                           "active": a_new, "candidate": c_new, "delta": c_new - a_new, "ok": ok_new})  # fmt: skip
            if not ok_new:
                reasons.append(
                    f"not better on {suite}: {self.new_data_metric} {c_new:.4f} vs {a_new:.4f} "
                    f"(needs a gain > {self.min_gain_new})"
                )
        ok_all = True
        for suite, metric in self.guarded:
            a, c = active.get(suite, {}).get(metric), candidate.get(suite, {}).get(metric)
            if a is None or c is None:
                continue  # a suite that could not run (no data) guards nothing; the report says so
            tol = self.suite_tolerance.get(suite, self.tolerance)
            ok = c >= a - tol - 1e-12  # 1e-12: a float sum that reads "equal" is equal
            ok_all &= ok
            checks.append({"check": "not worse", "suite": suite, "metric": metric, "active": a, "candidate": c,
                           "delta": c - a, "tolerance": tol, "ok": ok})  # fmt: skip
            if not ok:
                reasons.append(f"worse on {suite}.{metric}: {c:.4f} vs {a:.4f} (tolerance {tol})")
        return Decision(ok_new and ok_all, reasons or ["better on the new data and not worse anywhere"], checks)


@dataclass
class Decision:
    promote: bool
    reasons: list[str]
    checks: list[dict[str, Any]]


# ---- metrics -----------------------------------------------------------------------------------


def tag_as_served(tagger: Tagger, docs: Sequence[Document]) -> list[Document]:
    """``docs`` (gold spans dropped) tagged as the pipeline, ``label push`` and the ML backend tag
    them: on the normalised view, spans mapped back to the original text. Tagging the raw text
    instead scores a model on input it never reads (e.g. ``12件`` where it reads ``12``)."""
    from govreport.extraction.textview import spans_to_original, view_document

    views = [view_document(d.with_spans([], replace_existing=True)) for d in docs]
    work = [w for w, _ in views]
    many = getattr(tagger, "tag_many", None)
    tagged = list(many(work)) if callable(many) else [tagger(w) for w in work]
    return [
        t if view.identity else d.with_spans(spans_to_original(t.spans, view), replace_existing=True)
        for d, t, (_, view) in zip(docs, tagged, views)
    ]


def span_scores(tagger: Tagger, docs: Sequence[Document]) -> dict[str, float]:
    """Entity precision/recall/F1 (seqeval: label, start and end must all match) of the tagger as
    served (``tag_as_served``) on the original text; the gold is each doc's spans."""
    from govreport.training.evaluate import span_scores as seqeval_scores

    tagged = tag_as_served(tagger, docs)
    overall = seqeval_scores([d.text for d in docs], [d.spans for d in docs], [t.spans for t in tagged])["overall"]
    return {k: float(overall[k]) for k in ("precision", "recall", "f1", "support")} | {"reports": float(len(docs))}


def table_scores(tagger: Tagger, items: Sequence[tuple[str, dict[str, Any], str]]) -> dict[str, float]:
    """The contract's aggregate scores for (text, gold, name) items; a failed extraction scores as empty."""
    from govreport.extraction.evaluate import aggregate, score_report
    from govreport.extraction.pipeline import Extractor

    ex = Extractor(tagger=tagger, require_report=False)
    scores = []
    for text, gold, name in items:
        try:
            out = ex.extract_text(text, filename=name).output
        except GovReportError:
            out = {"template": None, "tables": {}, "sections": []}
        scores.append(score_report(out, gold, text, name))
    return {k: float(v) for k, v in aggregate(scores).items()}


def gold_items(gold_dir: Path) -> list[tuple[str, dict[str, Any], str]]:
    items = []
    for g in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(g.read_text("utf-8"))
        src = g.with_name(gold.get("source") or g.name.replace(".gold.json", ".txt"))
        if src.suffix == ".txt" and src.exists():
            items.append((src.read_text("utf-8"), gold, src.name))
    return items


# ---- hooks (the defaults are the real training code; tests pass fakes) -------------------------


def _default_train(config: Any, registry: ModelRegistry, **kw: Any) -> ModelVersion:
    try:
        from govreport.training.train import train
    except ImportError as exc:
        raise RetrainError(f"training is not available: {exc}") from None
    return train(config, registry, **kw)


def _default_load_tagger(mv: ModelVersion | None) -> Tagger:
    from govreport.extraction.taggers import get_tagger

    if mv is None:
        return get_tagger("rules")
    from govreport.extraction.taggers.model import ModelTagger

    return ModelTagger.load(str(mv.path))


def _default_synth(n: int, seed: int) -> list[tuple[Document, dict[str, Any]]]:
    from govreport.training.synth import generate

    return [(r.to_document(), r.gold) for r in generate(n, seed)]


def _default_config(path: Path | None, overrides: dict[str, Any]) -> Any:
    from govreport.training.config import TrainConfig

    if path is not None:
        loader = getattr(TrainConfig, "from_json", None) or getattr(TrainConfig, "load", None)
        cfg = loader(path) if loader else TrainConfig(**json.loads(path.read_text("utf-8")))
    else:
        cfg = dataclasses.replace(TrainConfig(), **FINE_TUNE_DEFAULTS)
    # through from_dict, as `govreport train --set` does: dataclasses.replace checked nothing, and a
    # misspelt key or a word for a number failed as a bare TypeError ("'<=' not supported between
    # instances of 'str' and 'int'") instead of naming the key and what it takes
    return TrainConfig.from_dict({**cfg.to_dict(), **overrides}) if overrides else cfg


@dataclass
class RetrainHooks:
    train: Callable[..., ModelVersion] = _default_train
    load_tagger: Callable[[ModelVersion | None], Tagger] = _default_load_tagger
    synth: Callable[[int, int], list[tuple[Document, dict[str, Any]]]] = _default_synth
    config: Callable[[Path | None, dict[str, Any]], Any] = _default_config


@dataclass
class RetrainOptions:
    batches_dir: Path = DEFAULT_BATCHES_DIR
    config_path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # TrainConfig fields (epochs, replay_ratio, ...)
    gold_dir: Path | None = DEFAULT_GOLD_DIR
    synth_val: int = 30  # generated validation reports (0: skip the suite)
    dev_fraction: float = 0.2  # of the annotated train split: dev data, not training examples (see split_dev)
    min_dev_split: int = MIN_DEV_SPLIT  # fewer annotated train reports: no dev part (they all train)
    cv_folds: int = CV_FOLDS  # no held-out annotations: the gain on the new data is cross-validated (0: off)
    report_dir: Path = DEFAULT_REPORT_DIR
    promote: bool = True
    tag: str = "retrain"
    min_steps: int = MIN_STEPS  # when the config does not fix epochs (--set epochs=N does)
    max_epochs: int = MAX_EPOCHS
    force: bool = False  # train even when the same data and config made a candidate before


# ---- the run -----------------------------------------------------------------------------------


@dataclass
class RetrainReport:
    status: str  # promoted | kept | failed | nothing_to_do | nothing_new
    started_at: str
    active_before: str | None
    candidate: str | None = None
    active_after: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # suite -> active|candidate -> metrics
    decision: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    path: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["path"] = str(self.path) if self.path else None
        return d

    def summary(self) -> str:
        head = {
            "promoted": f"promoted {self.candidate} (was {self.active_before})",
            "kept": f"kept {self.active_before or 'the rule tagger'}; candidate {self.candidate} not promoted",
            "failed": f"FAILED; {self.active_before or 'the rule tagger'} stays active: {self.error}",
            "nothing_to_do": "no annotated reports in the batches: nothing to train on "
            "(annotations become batches with: govreport label pull --project NAME; docs/annotation.md)",
            "nothing_new": f"nothing new: no new annotations or settings since {self.candidate}; {self.active_before or 'the rule tagger'} stays active",
        }[self.status]
        reasons = "; ".join(self.decision.get("reasons", []))
        return f"retrain: {head}" + (f"\n  {reasons}" if reasons else "") + (f"\n  report: {self.path}" if self.path else "")

    def markdown(self) -> str:
        lines = [f"# Retrain {self.started_at}: {self.status}", "",
                 f"- active before: `{self.active_before or 'rules'}`", f"- candidate: `{self.candidate or '-'}`",
                 f"- active after: `{self.active_after or 'rules'}`"]  # fmt: skip
        for k, v in self.data.items():
            lines.append(f"- {k}: {v}")
        if self.seconds:
            lines.append("- seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        if self.error:
            lines += ["", "## Error", "", "```", self.error, "```"]
        if self.decision:
            lines += ["", "## Decision", ""] + [f"- {r}" for r in self.decision.get("reasons", [])]
            lines += ["", "| check | suite | metric | active | candidate | delta | ok |", "|---|---|---|---|---|---|---|"]
            for c in self.decision.get("checks", []):
                lines.append(f"| {c['check']} | {c['suite']} | {c['metric']} | {c['active']:.4f} | {c['candidate']:.4f} "
                             f"| {c['delta']:+.4f} | {'yes' if c['ok'] else '**no**'} |")  # fmt: skip
        if self.scores:
            lines += ["", "## Scores", ""]
            for suite, by in self.scores.items():
                metrics = sorted({m for side in by.values() for m in side})
                lines += [f"### {suite}", "", "| metric | " + " | ".join(by) + " |", "|---|" + "---|" * len(by)]
                lines += [f"| {m} | " + " | ".join(f"{by[s].get(m, float('nan')):.4f}" for s in by) + " |" for m in metrics]
                lines.append("")
        return "\n".join(lines) + "\n"

    def write(self, report_dir: Path) -> Path:
        stamp = self.started_at.replace(":", "").replace("-", "")
        out = report_dir / f"{stamp}-{self.candidate or self.status}"
        self.path = out
        atomic_write_text(out / "report.json", json.dumps(self.to_dict(), ensure_ascii=False, indent=2))
        atomic_write_text(out / "report.md", self.markdown())
        return out


def evaluate_suites(
    tagger: Tagger,
    heldout: Sequence[Document],
    gold: Sequence[tuple[str, dict[str, Any], str]],
    synth: Sequence[tuple[Document, dict[str, Any]]],
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    if heldout:
        out["annotated_heldout"] = span_scores(tagger, heldout)
    if gold:
        out["gold_corpus"] = table_scores(tagger, gold)
    if synth:
        spans = span_scores(tagger, [d for d, _ in synth])
        tables = table_scores(tagger, [(d.text, g, d.origin.filename or f"synth{i}") for i, (d, g) in enumerate(synth)])
        out["synthetic_val"] = {**spans, **{k: v for k, v in tables.items() if k != "reports"}}
    return out


def split_dev(
    train_docs: Sequence[Document], dev_fraction: float, min_reports: int = 0
) -> tuple[list[Document], list[Document]]:
    """(train, dev) of the annotated train split. The dev reports join the generated dev set, so
    epoch selection and the rule prior are chosen on data that shows the new kind too: calibrated
    on generated reports alone, the prior keeps the rules' tags and undoes what the annotations
    taught (measured in docs/benchmarks.md). Never all of them: at least one stays for training;
    with fewer than ``min_reports`` none (each of a handful of reports is worth more as training
    data: the caller lets the training reports stand in for the dev part)."""
    if len(train_docs) < min_reports:
        return list(train_docs), []
    flags = [in_dev(d.origin.sha256, dev_fraction) for d in train_docs]
    if flags and all(flags):
        flags[-1] = False
    return [d for d, f in zip(train_docs, flags) if not f], [d for d, f in zip(train_docs, flags) if f]


def _model_info(mv: ModelVersion | None) -> dict[str, Any]:
    """What a registry version really is (its meta), as opposed to what a config asked for: a
    fine-tuned model keeps its parent's inputs (``rule_features``) and windows."""
    if mv is None:
        return {}
    try:
        meta = mv.meta
    except (OSError, ValueError):
        return {}
    model = meta.get("model") or {}
    metrics = meta.get("metrics") or {}
    info = {k: model[k] for k in ("architecture", "rule_features", "max_len", "stride") if k in model}
    if "parent" in meta:
        info["parent"] = meta["parent"]
    if metrics:
        info.update(best_epoch=metrics.get("best_epoch"), stopped=metrics.get("stopped"),
                    steps=sum(int(e.get("steps") or 0) for e in metrics.get("epochs") or []))  # fmt: skip
    return info


def fit_schedule(
    config: Any, train_docs: Sequence[Document], max_len: int, min_steps: int, max_epochs: int
) -> tuple[int, int] | None:
    """``(epochs, repeat)`` so that fine-tuning makes at least ``min_steps`` optimizer steps in at
    most ``max_epochs`` epochs, each annotated report appearing ``repeat`` times per epoch: an epoch
    over a handful of annotated reports (plus their replay) is only a few steps. The windows are
    estimated as training cuts them (``len // max_len + 2`` per report, one token per character);
    the replayed generated reports are counted at the annotated reports' mean length. None when
    ``config`` is not a TrainConfig-like object."""
    batch = getattr(config, "batch_size", None)
    if not batch or not train_docs:
        return None
    windows = sum(len(d.text) // max_len + 2 for d in train_docs)

    def steps_per_epoch(repeat: int) -> int:
        n = repeat * len(train_docs)
        n_replay = min(getattr(config, "n_synth", 0), round(getattr(config, "replay_ratio", 0.0) * n))
        return max(1, math.ceil((repeat * windows + n_replay * windows / len(train_docs)) / batch))

    repeat = max(1, math.ceil(math.ceil(min_steps / steps_per_epoch(1)) / max_epochs))
    while math.ceil(min_steps / steps_per_epoch(repeat)) > max_epochs:  # rounding of the replay count
        repeat += 1
    return max(1, math.ceil(min_steps / steps_per_epoch(repeat))), repeat


def retrain_key(train_part: Sequence[Document], dev_part: Sequence[Document], config: Any) -> str:
    """The identity of a fine-tuning run's inputs: every annotated report with its spans and role,
    and the training config (the parent is compared apart, see ``_previous_run``)."""
    from .batches import spans_digest

    cfg = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config
    payload = {
        "train": sorted(spans_digest(d.origin.sha256, d.spans) for d in train_part),
        "dev": sorted(spans_digest(d.origin.sha256, d.spans) for d in dev_part),
        "config": cfg,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


INDEX_FILE = "index.jsonl"  # in the report directory: one line per finished run (key -> candidate)


def _previous_run(report_dir: Path, key: str, registry: ModelRegistry, active: str | None) -> dict[str, Any] | None:
    """The run that already trained on these inputs from the same parent, or whose candidate is the
    active model now (promoted: training it again on the same data adds nothing)."""
    path = report_dir / INDEX_FILE
    if not path.exists():
        return None
    known = {v.version for v in registry.versions()}
    for line in reversed(path.read_text("utf-8").splitlines()):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("key") == key and rec.get("candidate") in known and active in (rec.get("active_before"), rec.get("candidate")):
            return rec
    return None


def _record_run(report_dir: Path, report: RetrainReport) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    rec = {"key": report.data.get("retrain_key"), "candidate": report.candidate, "status": report.status,
           "active_before": report.active_before,
           "started_at": report.started_at, "report": str(report.path) if report.path else None}  # fmt: skip
    with open(report_dir / INDEX_FILE, "a", encoding="utf-8") as f:  # one short append per run
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def plan_run(
    config: Any, train_docs: Sequence[Document], opts: "RetrainOptions", parent_info: dict[str, Any]
) -> tuple[list[Document], list[Document], Any, int]:
    """(training reports, annotated dev reports, config with its epochs, repeat): the dev part of
    the annotated train split and the schedule (``fit_schedule``) unless the config fixes epochs."""
    train_part, dev_part = split_dev(train_docs, opts.dev_fraction, opts.min_dev_split)
    repeat = 1
    if "epochs" not in opts.overrides and opts.config_path is None and dataclasses.is_dataclass(config):
        max_len = int(parent_info.get("max_len") or getattr(config, "max_len", 256))
        schedule = fit_schedule(config, train_part, max_len, opts.min_steps, opts.max_epochs)
        if schedule is not None and hasattr(config, "epochs"):
            epochs, repeat = schedule
            config = dataclasses.replace(config, epochs=epochs)
    return train_part, dev_part, config, repeat


def _generated_dev(hooks: "RetrainHooks", config: Any) -> list[Document]:
    """The generated dev reports, marked as the guard of the rule prior's recalibration (the
    candidate's prior may not score them worse than the parent's: training.train.calibrate_rule_prior)."""
    n_dev = getattr(config, "n_dev", 0)
    if not n_dev:
        return []
    return [d.with_meta(dev_role="guard") for d, _ in hooks.synth(n_dev, getattr(config, "dev_seed", SYNTH_VAL_SEED + 1))]


def _wants_cross_validation(
    decision: "Decision", heldout: Sequence[Document], train_docs: Sequence[Document],
    policy: "PromotionPolicy", opts: "RetrainOptions",
) -> bool:  # fmt: skip
    """Only when it can change the decision: no held-out annotations, at least two annotated
    reports, and every guard already passed (a candidate worse anywhere is kept without it)."""
    return (
        not heldout
        and opts.cv_folds >= 2
        and len(train_docs) >= 2
        and bool(policy.cv_suite)
        and all(c["ok"] for c in decision.checks)
    )


def cv_folds(docs: Sequence[Document], k: int) -> list[list[Document]]:
    """``k`` folds of ``docs`` by content hash (the same folds every run for the same reports)."""
    ordered = sorted(docs, key=lambda d: d.origin.sha256)
    return [ordered[i::k] for i in range(k)]


def cross_validate(
    hooks: "RetrainHooks",
    base_config: Any,
    active: ModelVersion | None,
    active_tagger: Tagger,
    train_docs: Sequence[Document],
    generated_dev: list[Document],
    opts: "RetrainOptions",
    parent_info: dict[str, Any],
    say: Callable[[str], None],
) -> tuple[dict[str, float], dict[str, float], list[dict[str, Any]]]:
    """The new-data gain without held-out annotations: each fold's reports are tagged by a model
    fine-tuned from the active one exactly as the candidate was (same config, schedule rule, dev
    rule, replay) on the other folds' reports, in a temporary registry that is removed afterwards.
    Returns (active's span scores on all the reports, the fold models' pooled span scores, per fold:
    reports, training reports, both F1s)."""
    import shutil
    import tempfile

    from govreport.training.evaluate import span_scores as seqeval_scores

    folds = cv_folds(train_docs, min(opts.cv_folds, len(train_docs)))
    texts, gold, pred_active, pred_cv, info = [], [], [], [], []
    tmp = Path(tempfile.mkdtemp(prefix="govreport-cv-"))
    try:
        for i, fold in enumerate(folds):
            rest = [d for j, f in enumerate(folds) if j != i for d in f]
            part, dev, config, repeat = plan_run(base_config, rest, opts, parent_info)
            say(f"fold {i + 1}/{len(folds)}: fine-tuning on {len(part)} report(s), testing on {len(fold)}")
            mv = hooks.train(
                config, ModelRegistry(tmp / f"fold{i + 1}"), extra_docs=part * repeat,
                eval_docs=(dev or list(part)) + generated_dev or None,
                init_from=str(active.path) if active else None, tag=f"cv{i + 1}",
            )  # fmt: skip
            got_cv = tag_as_served(hooks.load_tagger(mv), fold)
            got_active = tag_as_served(active_tagger, fold)
            f_texts, f_gold = [d.text for d in fold], [d.spans for d in fold]
            f1_cv = seqeval_scores(f_texts, f_gold, [t.spans for t in got_cv])["overall"]["f1"]
            f1_active = seqeval_scores(f_texts, f_gold, [t.spans for t in got_active])["overall"]["f1"]
            info.append({"fold": i + 1, "test_reports": len(fold), "train_reports": len(part),
                         "f1_active": f1_active, "f1_fold_model": f1_cv})  # fmt: skip
            say(f"fold {i + 1}/{len(folds)}: F1 {f1_active:.4f} (active) -> {f1_cv:.4f} (fold model)")
            texts += f_texts
            gold += f_gold
            pred_cv += [t.spans for t in got_cv]
            pred_active += [t.spans for t in got_active]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def scores(pred: list) -> dict[str, float]:
        overall = seqeval_scores(texts, gold, pred)["overall"]
        return {k: float(overall[k]) for k in ("precision", "recall", "f1", "support")} | {"reports": float(len(texts))}

    return scores(pred_active), scores(pred_cv), info


def retrain(
    registry: ModelRegistry,
    opts: RetrainOptions | None = None,
    policy: PromotionPolicy | None = None,
    hooks: RetrainHooks | None = None,
    progress: Callable[[str], None] | None = None,
) -> RetrainReport:
    """One retraining run (see the module docstring); ``progress`` gets one line per stage
    (the CLI prints them, so a job log shows where a run of several minutes is)."""
    opts = opts or RetrainOptions()
    policy = policy or PromotionPolicy()
    hooks = hooks or RetrainHooks()
    say = progress or (lambda _msg: None)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        active = registry.active()
    except RegistryError as exc:
        # ACTIVE names a version that is gone (deleted by hand, a registry copied in part): the
        # run ended in a traceback before writing a report, also in the webhook's unattended job
        report = RetrainReport("failed", started, None, policy=policy.to_dict())
        report.error = (f"the active model pointer is broken ({exc}): nothing was trained; point it at a version "
                        "with `govreport models promote VERSION`")  # fmt: skip
        report.write(opts.report_dir)
        say(report.summary().splitlines()[0].removeprefix("retrain: "))
        return report
    report = RetrainReport("failed", started, active.version if active else None, policy=policy.to_dict())
    report.active_after = report.active_before
    try:
        say(f"loading annotated batches from {opts.batches_dir}")
        docs = load_documents(opts.batches_dir)
        train_docs = [d for d in docs if d.meta.get("split") == "train"]
        heldout = [d for d in docs if d.meta.get("split") == "heldout"]
        report.data = {
            "batches": [b.id for b in list_batches(opts.batches_dir)],
            "annotated_reports": len(docs),
            "train_reports": len(train_docs),
            "heldout_reports": len(heldout),
        }
        say(f"{len(docs)} annotated report(s): {len(train_docs)} train, {len(heldout)} held out")
        if not train_docs:
            report.status = "nothing_to_do"
            report.decision = {"reasons": [f"no annotated reports in the train split ({len(heldout)} held out)"]}
            report.write(opts.report_dir)
            return report
        base_config = hooks.config(opts.config_path, opts.overrides)
        parent_info = _model_info(active)
        train_part, dev_part, config, repeat = plan_run(base_config, train_docs, opts, parent_info)
        report.data["train_config"] = {k: v for k, v in dataclasses.asdict(config).items()} if dataclasses.is_dataclass(config) else str(config)
        report.data["repeat_annotated"] = repeat
        key = retrain_key(train_part, dev_part, config) + (f"x{repeat}" if repeat > 1 else "")
        report.data["retrain_key"] = key
        prev = None if opts.force else _previous_run(opts.report_dir, key, registry, report.active_before)
        if prev is not None:
            report.status = "nothing_new"
            report.candidate = prev["candidate"]
            report.decision = {"reasons": [
                f"nothing new: the same annotations and training config already made {prev['candidate']} "
                f"(run {prev.get('started_at')}, {prev.get('status')}); use --force to train again"]}  # fmt: skip
            say(report.decision["reasons"][0])
            report.write(opts.report_dir)
            return report

        registry.check_writable()  # the candidate is a new version: said before minutes of evaluation and training
        t0 = time.monotonic()
        gold = gold_items(opts.gold_dir) if opts.gold_dir else []
        synth = hooks.synth(opts.synth_val, SYNTH_VAL_SEED) if opts.synth_val else []
        report.data.update(gold_reports=len(gold), synthetic_val_reports=len(synth))
        if opts.gold_dir and not gold:  # a wheel ships no tests/data/corpus: the guard would pass unseen
            say(f"warning: no gold reports (*.gold.json) in {opts.gold_dir}: the policy's gold_corpus guard measures "
                "nothing; give --gold-dir with the corpus's gold files")  # fmt: skip
        say(f"evaluating {report.active_before or 'the rule tagger'} (active) on {len(heldout)} held-out, "
            f"{len(gold)} gold and {len(synth)} generated reports")  # fmt: skip
        baseline = hooks.load_tagger(active)
        scores_active = evaluate_suites(baseline, heldout, gold, synth)
        report.seconds["evaluate_active"] = time.monotonic() - t0

        generated_dev = _generated_dev(hooks, config)
        # Too few annotated reports for a dev part (fewer than MIN_DEV_SPLIT): the training reports
        # join the dev set instead, so that epoch choice and the rule prior still see the new kind.
        # Chosen on generated reports alone, they keep the least-changed model and undo the annotations.
        annotated_dev = dev_part if dev_part else list(train_part)
        report.data["dev_from_train"] = not dev_part
        dev_docs = annotated_dev + generated_dev
        report.data.update(train_examples=len(train_part), annotated_dev=len(dev_part), generated_dev=len(dev_docs) - len(annotated_dev))

        t0 = time.monotonic()
        say(f"fine-tuning {report.active_before or 'a new model'} on {len(train_part)} annotated report(s)"
            f"{f' (each {repeat} times per epoch)' if repeat > 1 else ''} (epochs {getattr(config, 'epochs', '?')}, lr {getattr(config, 'lr', '?')}, "
            f"replay x{getattr(config, 'replay_ratio', '?')}; dev: {len(annotated_dev)} annotated"
            f"{' (the training reports)' if not dev_part else ''} + {len(dev_docs) - len(annotated_dev)} generated)")  # fmt: skip
        candidate = hooks.train(
            config, registry, extra_docs=train_part * repeat, eval_docs=dev_docs or None,  # held-out never trains or selects
            init_from=active.version if active else None, tag=opts.tag,
        )  # fmt: skip
        report.candidate = candidate.version
        report.seconds["train"] = time.monotonic() - t0
        model = _model_info(candidate)
        report.data["candidate_model"] = model
        if "rule_features" in model and isinstance(report.data["train_config"], dict):
            report.data["train_config"]["rule_features"] = model["rule_features"]  # the model's inputs, not the config's
        say(f"trained {candidate.version} in {report.seconds['train']:.0f} s; evaluating it")

        t0 = time.monotonic()
        scores_candidate = evaluate_suites(hooks.load_tagger(candidate), heldout, gold, synth)
        report.seconds["evaluate_candidate"] = time.monotonic() - t0
        report.scores = {
            s: {"active": scores_active.get(s, {}), "candidate": scores_candidate.get(s, {})}
            for s in dict.fromkeys([*scores_active, *scores_candidate])
        }
        decision = policy.decide(scores_active, scores_candidate)
        if _wants_cross_validation(decision, heldout, train_docs, policy, opts):
            t0 = time.monotonic()
            k = min(opts.cv_folds, len(train_docs))
            say(f"no annotated held-out report: cross-validating the gain on the {len(train_docs)} annotated "
                f"report(s) in {k} folds (each fold model fine-tuned like the candidate on the other reports)")  # fmt: skip
            cv_active, cv_candidate, folds = cross_validate(
                hooks, base_config, active, baseline, train_docs, generated_dev, opts, parent_info, say
            )  # fmt: skip
            scores_active[policy.cv_suite], scores_candidate[policy.cv_suite] = cv_active, cv_candidate
            report.data["cross_validation"] = folds
            report.seconds["cross_validate"] = time.monotonic() - t0
            report.scores[policy.cv_suite] = {"active": cv_active, "candidate": cv_candidate}
            decision = policy.decide(scores_active, scores_candidate)
        report.decision = dataclasses.asdict(decision)
        now = registry.active()
        if decision.promote and opts.promote:
            if (now.version if now else None) != report.active_before:
                report.status = "kept"
                decision.reasons.append(f"ACTIVE moved to {now.version if now else None} during the run: not promoted")
                report.decision = dataclasses.asdict(decision)
            else:
                registry.promote(candidate.version)
                report.status, report.active_after = "promoted", candidate.version
        else:
            report.status = "kept"
            if decision.promote:
                decision.reasons.append("promotion disabled (--no-promote)")
                report.decision = dataclasses.asdict(decision)
    except Exception as exc:  # a failed run is reported, never half-applied
        report.status = "failed"
        report.error = f"{type(exc).__name__}: {exc}"
        report.data["traceback"] = traceback.format_exc(limit=8)
        try:
            now = registry.active()
            report.active_after = now.version if now else None
        except RegistryError:  # the pointer broke during the run: the error above, not a traceback here
            report.active_after = None
    report.write(opts.report_dir)
    if report.status in ("promoted", "kept") and report.data.get("retrain_key"):
        _record_run(opts.report_dir, report)
    say(report.summary().splitlines()[0].removeprefix("retrain: "))  # the progress line names the command already
    return report


def load_policy(path: Path | None) -> PromotionPolicy:
    if path is None:
        return PromotionPolicy()
    try:
        return PromotionPolicy.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise RetrainError(f"cannot read the promotion policy {path}: {exc}") from None
