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
import json
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from govreport.extraction.document import Document
from govreport.extraction.errors import GovReportError
from govreport.extraction.taggers import Tagger
from govreport.training.registry import ModelRegistry, ModelVersion, atomic_write_text

from .batches import DEFAULT_BATCHES_DIR, in_dev, list_batches, load_documents

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REPORT_DIR = REPO / "annotations" / "runs" / "retrain"
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


class RetrainError(GovReportError):
    code = "retrain"


# ---- the policy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromotionPolicy:
    """When a candidate replaces the active model. Load from JSON with ``from_dict``."""

    new_data_suite: str = "annotated_heldout"
    new_data_metric: str = "f1"
    min_gain_new: float = 0.0  # candidate - active on the new data must be > this
    tolerance: float = 0.0  # any guarded metric may drop at most this much
    guarded: tuple[tuple[str, str], ...] = DEFAULT_GUARDED
    require_new_data: bool = True  # no annotated held-out reports: never promote

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
        return cls(**d)

    def decide(self, active: dict[str, dict[str, float]], candidate: dict[str, dict[str, float]]) -> "Decision":
        checks, reasons = [], []
        a_new = active.get(self.new_data_suite, {}).get(self.new_data_metric)
        c_new = candidate.get(self.new_data_suite, {}).get(self.new_data_metric)
        if a_new is None or c_new is None:
            ok_new = not self.require_new_data
            reasons.append(f"no {self.new_data_suite} data to measure the gain on" + ("" if ok_new else ": not promoted"))
        else:
            ok_new = c_new - a_new > self.min_gain_new
            checks.append({"check": "better on the new data", "suite": self.new_data_suite, "metric": self.new_data_metric,
                           "active": a_new, "candidate": c_new, "delta": c_new - a_new, "ok": ok_new})  # fmt: skip
            if not ok_new:
                reasons.append(
                    f"not better on {self.new_data_suite}: {self.new_data_metric} {c_new:.4f} vs {a_new:.4f} "
                    f"(needs a gain > {self.min_gain_new})"
                )
        ok_all = True
        for suite, metric in self.guarded:
            a, c = active.get(suite, {}).get(metric), candidate.get(suite, {}).get(metric)
            if a is None or c is None:
                continue  # a suite that could not run (no data) guards nothing; the report says so
            ok = c >= a - self.tolerance
            ok_all &= ok
            checks.append({"check": "not worse", "suite": suite, "metric": metric, "active": a, "candidate": c,
                           "delta": c - a, "ok": ok})  # fmt: skip
            if not ok:
                reasons.append(f"worse on {suite}.{metric}: {c:.4f} vs {a:.4f} (tolerance {self.tolerance})")
        return Decision(ok_new and ok_all, reasons or ["better on the new data and not worse anywhere"], checks)


@dataclass
class Decision:
    promote: bool
    reasons: list[str]
    checks: list[dict[str, Any]]


# ---- metrics -----------------------------------------------------------------------------------


def span_scores(tagger: Tagger, docs: Sequence[Document]) -> dict[str, float]:
    """Entity precision/recall/F1 (seqeval: label, start and end must all match; the model's own
    evaluation, so the numbers agree with its training reports); the gold is each doc's spans."""
    from govreport.training.evaluate import entity_f1

    overall = entity_f1(tagger, list(docs))["overall"]
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
        cfg = TrainConfig()
    return dataclasses.replace(cfg, **overrides) if overrides else cfg


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
    report_dir: Path = DEFAULT_REPORT_DIR
    promote: bool = True
    tag: str = "retrain"


# ---- the run -----------------------------------------------------------------------------------


@dataclass
class RetrainReport:
    status: str  # promoted | kept | failed | nothing_to_do
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
            "nothing_to_do": "no annotated reports in the batches: nothing to train on",
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


def split_dev(train_docs: Sequence[Document], dev_fraction: float) -> tuple[list[Document], list[Document]]:
    """(train, dev) of the annotated train split. The dev reports join the generated dev set, so
    epoch selection and the rule prior are chosen on data that shows the new kind too: calibrated
    on generated reports alone, the prior keeps the rules' tags and undoes what the annotations
    taught (measured in docs/benchmarks.md). Never all of them: at least one stays for training."""
    flags = [in_dev(d.origin.sha256, dev_fraction) for d in train_docs]
    if flags and all(flags):
        flags[-1] = False
    return [d for d, f in zip(train_docs, flags) if not f], [d for d, f in zip(train_docs, flags) if f]


def retrain(
    registry: ModelRegistry,
    opts: RetrainOptions | None = None,
    policy: PromotionPolicy | None = None,
    hooks: RetrainHooks | None = None,
) -> RetrainReport:
    opts = opts or RetrainOptions()
    policy = policy or PromotionPolicy()
    hooks = hooks or RetrainHooks()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    active = registry.active()
    report = RetrainReport("failed", started, active.version if active else None, policy=policy.to_dict())
    report.active_after = report.active_before
    try:
        docs = load_documents(opts.batches_dir)
        train_docs = [d for d in docs if d.meta.get("split") == "train"]
        heldout = [d for d in docs if d.meta.get("split") == "heldout"]
        report.data = {
            "batches": [b.id for b in list_batches(opts.batches_dir)],
            "annotated_reports": len(docs),
            "train_reports": len(train_docs),
            "heldout_reports": len(heldout),
        }
        if not train_docs:
            report.status = "nothing_to_do"
            report.decision = {"reasons": [f"no annotated reports in the train split ({len(heldout)} held out)"]}
            report.write(opts.report_dir)
            return report
        config = hooks.config(opts.config_path, opts.overrides)
        report.data["train_config"] = {k: v for k, v in dataclasses.asdict(config).items()} if dataclasses.is_dataclass(config) else str(config)
        t0 = time.monotonic()
        gold = gold_items(opts.gold_dir) if opts.gold_dir else []
        synth = hooks.synth(opts.synth_val, SYNTH_VAL_SEED) if opts.synth_val else []
        report.data.update(gold_reports=len(gold), synthetic_val_reports=len(synth))
        baseline = hooks.load_tagger(active)
        scores_active = evaluate_suites(baseline, heldout, gold, synth)
        report.seconds["evaluate_active"] = time.monotonic() - t0

        train_part, dev_part = split_dev(train_docs, opts.dev_fraction)
        n_dev = getattr(config, "n_dev", 0)
        dev_docs = dev_part + [d for d, _ in hooks.synth(n_dev, getattr(config, "dev_seed", SYNTH_VAL_SEED + 1))] if n_dev else list(dev_part)
        report.data.update(train_examples=len(train_part), annotated_dev=len(dev_part), generated_dev=len(dev_docs) - len(dev_part))

        t0 = time.monotonic()
        candidate = hooks.train(
            config, registry, extra_docs=train_part, eval_docs=dev_docs or None,  # held-out never trains or selects
            init_from=active.version if active else None, tag=opts.tag,
        )  # fmt: skip
        report.candidate = candidate.version
        report.seconds["train"] = time.monotonic() - t0

        t0 = time.monotonic()
        scores_candidate = evaluate_suites(hooks.load_tagger(candidate), heldout, gold, synth)
        report.seconds["evaluate_candidate"] = time.monotonic() - t0
        report.scores = {
            s: {"active": scores_active.get(s, {}), "candidate": scores_candidate.get(s, {})}
            for s in dict.fromkeys([*scores_active, *scores_candidate])
        }
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
        now = registry.active()
        report.active_after = now.version if now else None
    report.write(opts.report_dir)
    return report


def load_policy(path: Path | None) -> PromotionPolicy:
    if path is None:
        return PromotionPolicy()
    try:
        return PromotionPolicy.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise RetrainError(f"cannot read the promotion policy {path}: {exc}") from None


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``key=value`` pairs; values are JSON when they parse as JSON, else strings."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise RetrainError(f"--set expects key=value, got {pair!r}")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out
