"""The retrain orchestration and promotion policy, with a fake trainer that memorises annotations.

The real trainer is exercised in tests/test_labelstudio_integration.py; here the point is the
policy: what gets promoted, what stays, and that a failed or losing run never moves ACTIVE.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import Label
from govreport.training.annotation.batches import split_of, write_batch
from govreport.training.annotation.retrain import (
    PromotionPolicy,
    RetrainError,
    RetrainHooks,
    RetrainOptions,
    parse_overrides,
    retrain,
)
from govreport.training.registry import ModelRegistry, ModelVersion

PHRASES = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"]


class MemoTagger:
    """Digits are CELL (unless it 'forgot'); every memorised phrase gets its memorised label."""

    name = "model"

    def __init__(self, version: str, memory: dict[str, str], digits: bool = True):
        self.version, self.memory, self.digits = version, memory, digits

    def __call__(self, doc: Document) -> Document:
        spans = []
        if self.digits:
            spans += [Span(m.start(), m.end(), Label.CELL, 0.9, "model", self.version) for m in re.finditer(r"\d+", doc.text)]
        for phrase, label in self.memory.items():
            spans += [Span(m.start(), m.end(), Label(label), 0.9, "model", self.version) for m in re.finditer(phrase, doc.text)]
        return doc.with_spans(spans)


def gold_doc(i: int) -> Document:
    phrase = PHRASES[i % len(PHRASES)]
    text = f"第{i}份报告\n{phrase}\t{i * 7}\t{i * 3}\n"
    spans = [Span(m.start(), m.end(), Label.CELL) for m in re.finditer(r"\d+", text) if m.start() > 2]
    p = text.index(phrase)
    spans.append(Span(p, p + len(phrase), Label.COL))
    return Document.from_text(text, filename=f"r{i}.txt").with_spans(spans)


def make_batches(root: Path, n_train: int = 3, n_heldout: int = 2) -> None:
    train, held = [], []
    for i in range(200):
        d = gold_doc(i)
        (held if split_of(d.origin.sha256) == "heldout" else train).append(d)
    docs = [d.with_meta(task_id=k + 1, annotation_id=k + 1) for k, d in enumerate(train[:n_train] + held[:n_heldout])]
    write_batch(root, docs, [], {"project_id": 1, "project": "test project"})


def make_hooks(registry: ModelRegistry, *, forget_digits: bool = False, fail: bool = False) -> RetrainHooks:
    def train(config: Any, reg: ModelRegistry, *, extra_docs, eval_docs, init_from, tag) -> ModelVersion:
        if fail:
            raise RuntimeError("out of memory (simulated)")
        memory = {d.text[s.start : s.end]: s.label.value for d in extra_docs for s in d.spans if s.label != Label.CELL}
        with reg.new_version(tag) as draft:
            meta = {"memory": memory, "digits": not forget_digits, "init_from": init_from, "n_train": len(extra_docs)}
            (draft.path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        return reg.get(draft.version)

    def load(mv: ModelVersion | None) -> MemoTagger:
        if mv is None:
            return MemoTagger("rules-test", {})
        return MemoTagger(mv.version, mv.meta["memory"], mv.meta["digits"])

    synth = lambda n, seed: [(gold_doc(1000 + k), {"tables": {}}) for k in range(n)]  # noqa: E731
    return RetrainHooks(train=train, load_tagger=load, synth=synth, config=lambda path, ov: {"fake": True, **ov})


def seed_active(registry: ModelRegistry) -> str:
    with registry.new_version("base") as draft:
        (draft.path / "meta.json").write_text(json.dumps({"memory": {}, "digits": True}), "utf-8")
    registry.promote(draft.version)
    return draft.version


def opts(tmp_path: Path, **kw: Any) -> RetrainOptions:
    return RetrainOptions(batches_dir=tmp_path / "batches", gold_dir=None, synth_val=4, report_dir=tmp_path / "reports", **kw)


def test_better_candidate_is_promoted_and_reported(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    make_batches(tmp_path / "batches")
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    assert rep.status == "promoted", rep.decision
    assert reg.active().version == rep.candidate != base
    assert reg.get(rep.candidate).meta["init_from"] == base  # fine-tuned from the active model
    held = rep.scores["annotated_heldout"]
    assert held["candidate"]["f1"] > held["active"]["f1"]
    saved = json.loads((rep.path / "report.json").read_text("utf-8"))
    assert saved["status"] == "promoted" and saved["data"]["heldout_reports"] == 2
    md = (rep.path / "report.md").read_text("utf-8")
    assert "annotated_heldout" in md and rep.candidate in md


def test_candidate_worse_elsewhere_is_kept(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    make_batches(tmp_path / "batches")
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg, forget_digits=True))
    assert rep.status == "kept"
    assert reg.active().version == base
    assert any("worse on synthetic_val.f1" in r for r in rep.decision["reasons"])
    assert rep.candidate in [v.version for v in reg.versions()]  # kept as a version, just not active


def test_failed_training_leaves_active_untouched(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    make_batches(tmp_path / "batches")
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg, fail=True))
    assert rep.status == "failed" and "out of memory" in (rep.error or "")
    assert reg.active().version == base and rep.active_after == base
    assert [v.version for v in reg.versions()] == [base]
    assert json.loads((rep.path / "report.json").read_text("utf-8"))["status"] == "failed"


def test_active_moving_during_the_run_blocks_promotion(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches")
    hooks = make_hooks(reg)
    inner = hooks.train

    def train_while_someone_promotes(*a: Any, **kw: Any) -> ModelVersion:
        other = seed_active(reg)  # an operator promotes another model meanwhile
        mv = inner(*a, **kw)
        assert reg.active().version == other
        return mv

    hooks.train = train_while_someone_promotes
    rep = retrain(reg, opts(tmp_path), hooks=hooks)
    assert rep.status == "kept" and reg.active().version != rep.candidate
    assert any("ACTIVE moved" in r for r in rep.decision["reasons"])


def test_no_promote_flag_and_no_data(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    empty = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    assert empty.status == "nothing_to_do" and reg.active().version == base
    make_batches(tmp_path / "batches")
    rep = retrain(reg, opts(tmp_path, promote=False), hooks=make_hooks(reg))
    assert rep.status == "kept" and reg.active().version == base
    assert rep.decision["promote"] is True


def test_first_model_is_compared_with_the_rule_tagger(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    make_batches(tmp_path / "batches")
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    assert rep.active_before is None and rep.status == "promoted"
    assert reg.get(rep.candidate).meta["init_from"] is None


@pytest.mark.parametrize(
    "policy, active, cand, promote",
    [
        (PromotionPolicy(), {"annotated_heldout": {"f1": 0.5}}, {"annotated_heldout": {"f1": 0.5}}, False),  # no gain
        (PromotionPolicy(), {"annotated_heldout": {"f1": 0.5}}, {"annotated_heldout": {"f1": 0.6}}, True),
        (PromotionPolicy(min_gain_new=0.2), {"annotated_heldout": {"f1": 0.5}}, {"annotated_heldout": {"f1": 0.6}}, False),
        (PromotionPolicy(), {"annotated_heldout": {"f1": 0.5}, "gold_corpus": {"cell_accuracy": 0.9}},
         {"annotated_heldout": {"f1": 0.6}, "gold_corpus": {"cell_accuracy": 0.89}}, False),
        (PromotionPolicy(tolerance=0.02), {"annotated_heldout": {"f1": 0.5}, "gold_corpus": {"cell_accuracy": 0.9}},
         {"annotated_heldout": {"f1": 0.6}, "gold_corpus": {"cell_accuracy": 0.89}}, True),
        (PromotionPolicy(), {"gold_corpus": {"cell_accuracy": 0.9}}, {"gold_corpus": {"cell_accuracy": 0.95}}, False),
        (PromotionPolicy(require_new_data=False), {"gold_corpus": {"cell_accuracy": 0.9}}, {"gold_corpus": {"cell_accuracy": 0.95}}, True),
    ],
)  # fmt: skip
def test_policy(policy: PromotionPolicy, active: dict, cand: dict, promote: bool) -> None:
    assert policy.decide(active, cand).promote is promote


def test_policy_json_round_trip_and_unknown_fields() -> None:
    p = PromotionPolicy(min_gain_new=0.01, guarded=(("gold_corpus", "cell_accuracy"),))
    assert PromotionPolicy.from_dict(json.loads(json.dumps(p.to_dict()))) == p
    with pytest.raises(RetrainError, match="min_gian"):
        PromotionPolicy.from_dict({"min_gian": 0.1})
    assert parse_overrides(["epochs=2", "base_model=x", "replay_ratio=1.5"]) == {"epochs": 2, "base_model": "x", "replay_ratio": 1.5}


def test_dev_part_of_the_annotations_selects_and_never_trains(tmp_path: Path) -> None:
    """A hashed fifth of the annotated train split joins the generated dev reports (epoch choice,
    rule prior); the held-out split appears in neither; the same reports are chosen every run."""
    from types import SimpleNamespace

    from govreport.training.annotation.batches import in_dev
    from govreport.training.annotation.retrain import split_dev

    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches", n_train=30, n_heldout=3)
    hooks = make_hooks(reg)
    seen: dict[str, Any] = {}
    inner = hooks.train

    def spy(config: Any, r: ModelRegistry, **kw: Any) -> ModelVersion:
        seen.update(kw)
        return inner(config, r, **kw)

    hooks.train = spy
    hooks.config = lambda path, ov: SimpleNamespace(n_dev=4, dev_seed=99)
    rep = retrain(reg, opts(tmp_path), hooks=hooks)
    assert rep.status in ("promoted", "kept"), rep.summary()
    train_ids = {d.origin.sha256 for d in seen["extra_docs"]}
    dev_ids = {d.origin.sha256 for d in seen["eval_docs"]}
    annotated_dev = {h for h in dev_ids if in_dev(h, 0.2)} - {gold_doc(1000 + k).origin.sha256 for k in range(4)}
    assert not train_ids & dev_ids
    assert 1 <= len(annotated_dev) < 30 and len(train_ids) + len(annotated_dev) == 30
    assert len(dev_ids) == len(annotated_dev) + 4  # plus the generated dev reports
    assert all(split_of(h) == "train" for h in train_ids | annotated_dev)
    assert rep.data["annotated_dev"] == len(annotated_dev) and rep.data["train_examples"] == len(train_ids)
    one = [gold_doc(0)]
    assert split_dev(one, 1.0) == (one, [])  # never all of them


# ---- issue 17: defaults that learn, a tolerant-but-strict policy, no duplicate runs, progress ----


def test_default_fine_tune_config_makes_enough_steps_on_a_small_batch(tmp_path: Path) -> None:
    """Few annotated reports: at least MIN_STEPS optimizer steps in at most MAX_EPOCHS epochs (the
    annotated reports repeated within an epoch); TrainConfig's own 4 epochs would be a few steps.
    A config that sets epochs is obeyed."""
    import dataclasses

    from govreport.training.annotation.retrain import FINE_TUNE_DEFAULTS, MAX_EPOCHS, MIN_STEPS, _default_config, fit_schedule

    cfg = _default_config(None, {})
    assert (cfg.lr, cfg.replay_ratio, cfg.batch_size) == (FINE_TUNE_DEFAULTS["lr"], FINE_TUNE_DEFAULTS["replay_ratio"], 16)
    assert _default_config(None, {"lr": 5e-4}).lr == 5e-4
    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches", n_train=3, n_heldout=2)
    hooks = make_hooks(reg)
    hooks.config = lambda path, ov: dataclasses.replace(_default_config(None, {}), **ov)
    seen: dict[str, Any] = {}
    inner = hooks.train
    hooks.train = lambda config, r, **kw: (seen.update(config=config, docs=kw["extra_docs"]), inner(config, r, **kw))[1]
    rep = retrain(reg, opts(tmp_path), hooks=hooks)
    config, docs = seen["config"], seen["docs"]
    distinct = {d.origin.sha256 for d in docs}
    repeat = len(docs) // len(distinct)
    assert repeat > 1 and len(docs) == repeat * len(distinct) == repeat * rep.data["train_examples"]
    windows = sum(len(d.text) // 256 + 2 for d in docs) * (1 + config.replay_ratio)
    assert config.epochs * -(-windows // config.batch_size) >= MIN_STEPS and config.epochs <= MAX_EPOCHS
    assert rep.data["train_config"]["epochs"] == config.epochs and rep.data["repeat_annotated"] == repeat
    # reports of a few thousand characters: no repetition needed past the cap, just enough epochs
    big = [type(d)(text=d.text * 300, origin=d.origin) for d in docs[: len(distinct)]]
    e, r = fit_schedule(config, big, 256, MIN_STEPS, MAX_EPOCHS)
    spe = -(-sum(len(d.text) // 256 + 2 for d in big) * r * (1 + config.replay_ratio) // config.batch_size)
    assert e * spe >= MIN_STEPS and (r == 1 or e == MAX_EPOCHS or (e - 1) * spe < MIN_STEPS)
    fixed = retrain(reg, opts(tmp_path, overrides={"epochs": 3}, force=True), hooks=hooks)
    assert seen["config"].epochs == 3 and len(seen["docs"]) == len(distinct) and fixed.status in ("promoted", "kept")


@pytest.mark.parametrize(
    "suite, metric, drop, promote",
    [
        ("synthetic_val", "f1", 0.0008, True),  # one span in thousands: noise of a 30-report sample
        ("synthetic_val", "cell_accuracy", 0.0015, True),
        ("synthetic_val", "f1", 0.01, False),  # a real regression
        ("synthetic_val", "cell_accuracy", 0.005, False),
        ("gold_corpus", "cell_accuracy", 0.0008, False),  # the gold corpus allows no drop at all
        ("annotated_heldout", "f1", 0.0, False),  # no gain on the new data
    ],
)
def test_default_policy_tolerates_noise_but_not_regressions(suite: str, metric: str, drop: float, promote: bool) -> None:
    active = {"annotated_heldout": {"f1": 0.5}, "gold_corpus": {"cell_accuracy": 1.0},
              "synthetic_val": {"f1": 0.998, "cell_accuracy": 0.998}}  # fmt: skip
    cand = {s: dict(m) for s, m in active.items()}
    cand["annotated_heldout"]["f1"] = 0.5 if suite == "annotated_heldout" else 0.9
    cand[suite][metric] -= drop
    d = PromotionPolicy().decide(active, cand)
    assert d.promote is promote, d.reasons
    assert PromotionPolicy.from_dict(json.loads(json.dumps(PromotionPolicy().to_dict()))) == PromotionPolicy()


def test_same_data_twice_makes_no_second_version(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches")
    first = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    n_versions = len(reg.versions())
    again = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    assert again.status == "nothing_new" and again.candidate == first.candidate
    assert len(reg.versions()) == n_versions and "nothing new" in again.summary()
    other = retrain(reg, opts(tmp_path, overrides={"lr": 0.5}), hooks=make_hooks(reg))  # another config: trains
    assert other.status in ("promoted", "kept") and other.candidate != first.candidate
    forced = retrain(reg, opts(tmp_path, overrides={"lr": 0.5}, force=True), hooks=make_hooks(reg))
    assert forced.candidate not in (first.candidate, other.candidate)
    # new annotations: a new run
    write_batch(tmp_path / "batches", [gold_doc(500).with_meta(task_id=99, annotation_id=99)], [], {"project_id": 1})
    assert retrain(reg, opts(tmp_path, overrides={"lr": 0.5}), hooks=make_hooks(reg)).status != "nothing_new"


def test_report_states_the_models_actual_rule_features(tmp_path: Path) -> None:
    """A fine-tuned model keeps its parent's inputs whatever the config says; the report says what the model uses."""
    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches")
    hooks = make_hooks(reg)
    inner = hooks.train

    def train_with_parent_inputs(config: Any, r: ModelRegistry, **kw: Any) -> ModelVersion:
        mv = inner(config, r, **kw)
        meta = json.loads((mv.path / "meta.json").read_text("utf-8"))
        meta["model"] = {"rule_features": True, "max_len": 256, "stride": 192}
        (mv.path / "meta.json").write_text(json.dumps(meta), "utf-8")
        return mv

    hooks.train = train_with_parent_inputs
    hooks.config = lambda path, ov: __import__("dataclasses").replace(__import__("govreport.training.config", fromlist=["x"]).TrainConfig(), **ov)
    rep = retrain(reg, opts(tmp_path), hooks=hooks)
    assert rep.data["train_config"]["rule_features"] is True  # TrainConfig() says False
    assert rep.data["candidate_model"]["rule_features"] is True


def test_progress_lines_for_every_stage(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches")
    lines: list[str] = []
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg), progress=lines.append)
    text = "\n".join(lines)
    for stage in ("loading annotated batches", "annotated report(s)", "evaluating", "fine-tuning", f"trained {rep.candidate}", "promoted"):
        assert stage in text, text
    assert not any(line.startswith("retrain:") for line in lines)  # the CLI's prefix is added once ("retrain: retrain: kept")


def test_retrain_command_prints_progress_when_not_on_a_terminal(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    make_batches(tmp_path / "batches")
    r = subprocess.run(
        [sys.executable, "-m", "govreport.service.cli", "retrain", "--batches", str(tmp_path / "batches"),
         "--models-dir", str(tmp_path / "models"), "--report-dir", str(tmp_path / "reports"),
         "--set", "epochs=0"],  # an invalid config: the run stops right after the first stages
        capture_output=True, text=True, cwd=root, env={**__import__("os").environ, "PYTHONPATH": str(root)}, timeout=300,
    )  # fmt: skip
    assert r.returncode == 1
    progress = [l for l in r.stderr.splitlines() if re.match(r"^\d\d:\d\d:\d\d retrain: ", l)]
    assert any("loading annotated batches" in l for l in progress), r.stderr
    assert any("annotated report(s)" in l for l in progress) and any("FAILED" in l for l in progress), r.stderr


def test_too_few_annotations_for_a_dev_part_put_the_training_reports_in_dev(tmp_path: Path) -> None:
    """Two annotated reports: no dev part; epoch choice and the rule prior must still see the new kind."""
    from types import SimpleNamespace

    reg = ModelRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches", n_train=2, n_heldout=1)
    hooks = make_hooks(reg)
    seen: dict[str, Any] = {}
    inner = hooks.train
    hooks.train = lambda config, r, **kw: (seen.update(kw), inner(config, r, **kw))[1]
    hooks.config = lambda path, ov: SimpleNamespace(n_dev=3, dev_seed=5)
    rep = retrain(reg, opts(tmp_path, dev_fraction=0.0), hooks=hooks)
    train_ids = {d.origin.sha256 for d in seen["extra_docs"]}
    dev_ids = {d.origin.sha256 for d in seen["eval_docs"]}
    assert len(train_ids) == 2 and train_ids <= dev_ids and len(dev_ids) == 2 + 3
    assert rep.data["dev_from_train"] is True and rep.data["annotated_dev"] == 0
    assert all(split_of(h) == "train" for h in train_ids)  # the held-out report never selects


# ---- issue 17: the learning target — few annotated reports, the view as served, cross-validation ----


def _train_split_docs(same_phrase: bool, n: int = 2) -> list[Document]:
    """``n`` train-split reports: with one phrase (what one report teaches holds for the others)
    or each with its own (what a model learns from one says nothing about the next)."""
    out = []
    for i in range(5, 400):
        d = gold_doc(i)
        if split_of(d.origin.sha256) != "train":
            continue
        if same_phrase and i % len(PHRASES) != 0:
            continue
        if not same_phrase and any(i % len(PHRASES) == j % len(PHRASES) for j in (int(o.origin.filename[1:-4]) for o in out)):
            continue
        out.append(d)
        if len(out) == n:
            break
    return [d.with_meta(task_id=k + 1, annotation_id=k + 1) for k, d in enumerate(out)]


def test_few_reports_all_train_and_no_dev_part() -> None:
    from govreport.training.annotation.retrain import MIN_DEV_SPLIT, split_dev

    docs = [gold_doc(i) for i in range(40)]
    few = docs[: MIN_DEV_SPLIT - 1]
    assert split_dev(few, 0.5, MIN_DEV_SPLIT) == (few, [])
    train, dev = split_dev(docs, 0.5, MIN_DEV_SPLIT)
    assert dev and len(train) + len(dev) == 40


def test_no_heldout_gain_is_cross_validated_and_a_learning_candidate_is_promoted(tmp_path: Path) -> None:
    """Two annotated reports, none held out: each is tagged by a model fine-tuned (like the
    candidate, from ACTIVE) on the other one; what generalises is promoted, fold models leave no
    registry version behind."""
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    docs = _train_split_docs(same_phrase=True)
    write_batch(tmp_path / "batches", docs, [], {"project_id": 1})
    hooks = make_hooks(reg)
    calls: list[dict[str, Any]] = []
    inner = hooks.train
    hooks.train = lambda config, r, **kw: (calls.append({"registry": r.root, **kw}), inner(config, r, **kw))[1]
    lines: list[str] = []
    rep = retrain(reg, opts(tmp_path), hooks=hooks, progress=lines.append)
    assert rep.status == "promoted", rep.decision
    assert rep.data["heldout_reports"] == 0 and rep.data["train_examples"] == 2  # both train (no dev part)
    assert len(calls) == 3  # the candidate + one model per fold
    final, *folds = calls
    assert final["registry"] == reg.root and {d.origin.sha256 for d in final["extra_docs"]} == {d.origin.sha256 for d in docs}
    tested = [f["fold"] for f in rep.data["cross_validation"]]
    assert tested == [1, 2]
    for fold in folds:
        trained = {d.origin.sha256 for d in fold["extra_docs"]}
        assert len(trained) == 1 and fold["registry"] != reg.root and not fold["registry"].exists()
        assert Path(fold["init_from"]) == reg.get(base).path  # fine-tuned from ACTIVE, like the candidate
    assert {v.version for v in reg.versions()} == {base, rep.candidate}
    cv = rep.scores["annotated_cv"]
    assert cv["candidate"]["f1"] > cv["active"]["f1"] and cv["candidate"]["reports"] == 2
    gain = [c for c in rep.decision["checks"] if c["check"] == "better on the new data"]
    assert gain and gain[0]["suite"] == "annotated_cv"
    assert any("cross-validating" in l for l in lines) and rep.seconds["cross_validate"] >= 0


def test_memorising_the_annotated_reports_is_not_promoted_without_heldout(tmp_path: Path) -> None:
    """What a fold model learns from one report does not carry over to the other: no cross-validated
    gain, so the candidate (which knows both reports) is kept."""
    reg = ModelRegistry(tmp_path / "models")
    base = seed_active(reg)
    write_batch(tmp_path / "batches", _train_split_docs(same_phrase=False), [], {"project_id": 1})
    rep = retrain(reg, opts(tmp_path), hooks=make_hooks(reg))
    assert rep.status == "kept" and reg.active().version == base
    assert any("not better on annotated_cv" in r for r in rep.decision["reasons"]), rep.decision


def test_no_cross_validation_when_a_guard_fails_or_with_one_report(tmp_path: Path) -> None:
    for n, forget in ((2, True), (1, False)):
        reg = ModelRegistry(tmp_path / f"models{n}")
        base = seed_active(reg)
        write_batch(tmp_path / f"batches{n}", _train_split_docs(same_phrase=True, n=n), [], {"project_id": 1})
        hooks = make_hooks(reg, forget_digits=forget)
        calls: list[int] = []
        inner = hooks.train
        hooks.train = lambda config, r, **kw: (calls.append(1), inner(config, r, **kw))[1]
        o = RetrainOptions(batches_dir=tmp_path / f"batches{n}", gold_dir=None, synth_val=4, report_dir=tmp_path / f"rep{n}")
        rep = retrain(reg, o, hooks=hooks)
        assert rep.status == "kept" and reg.active().version == base and len(calls) == 1
        assert "cross_validation" not in rep.data


@pytest.mark.parametrize(
    "active, cand, promote",
    [
        ({"annotated_cv": {"f1": 0.5}}, {"annotated_cv": {"f1": 0.7}}, True),
        ({"annotated_cv": {"f1": 0.5}}, {"annotated_cv": {"f1": 0.5}}, False),
        # held-out annotations, when there are any, decide: cross-validation does not overrule them
        ({"annotated_heldout": {"f1": 0.5}, "annotated_cv": {"f1": 0.5}}, {"annotated_heldout": {"f1": 0.5}, "annotated_cv": {"f1": 0.9}}, False),
        ({"annotated_cv": {"f1": 0.5}, "gold_corpus": {"cell_accuracy": 1.0}}, {"annotated_cv": {"f1": 0.9}, "gold_corpus": {"cell_accuracy": 0.99}}, False),
    ],
)  # fmt: skip
def test_policy_uses_the_cross_validated_gain_only_without_heldout(active: dict, cand: dict, promote: bool) -> None:
    assert PromotionPolicy().decide(active, cand).promote is promote
    assert PromotionPolicy(cv_suite="").decide(active, cand).promote is (promote and "annotated_heldout" in active)


def test_scores_are_of_the_tagger_as_served_on_the_normalised_view() -> None:
    """A count printed with its measure word (``12件``) is read as ``12``: the tagger sees the view,
    its spans come back on the original text (as the pipeline and ``label push`` tag)."""
    from govreport.training.annotation.retrain import span_scores, tag_as_served

    text = "项目\t本年\n自然人\t12件\t3件\n"
    seen: list[str] = []

    class DigitTagger:
        name = "model"

        def __call__(self, doc: Document) -> Document:
            seen.append(doc.text)
            return doc.with_spans([Span(m.start(), m.end(), Label.CELL) for m in re.finditer(r"\d+", doc.text)])

    doc = Document.from_text(text).with_spans([Span(text.index("12"), text.index("12") + 2, Label.CELL),
                                               Span(text.index("3件"), text.index("3件") + 1, Label.CELL)])  # fmt: skip
    tagged = tag_as_served(DigitTagger(), [doc])[0]
    assert "件" not in seen[0] and tagged.text == text
    assert [(s.start, s.end) for s in tagged.spans] == [(s.start, s.end) for s in doc.spans]
    assert span_scores(DigitTagger(), [doc])["f1"] == 1.0


def test_training_chooses_on_the_dev_reports_as_the_model_reads_them(tmp_path: Path) -> None:
    """The dev reports (epochs, rule prior, ONNX precision) are the normalised view, as the training
    reports are and inference is: the recorded dev data is the view's."""
    from govreport.extraction.textview import view_document
    from govreport.training.data import data_hash
    from govreport.training.train import train
    from tests.test_model_overfit import tiny_config, tiny_docs

    docs = tiny_docs()
    dev = [Document.from_text(d.text.replace("\t3\n", "\t3件\n", 1) if "\t3\n" in d.text else d.text + "\n合计\t12件\t4件\n").with_spans(()) for d in docs]
    views = [view_document(d)[0] for d in dev]
    assert any(v.text != d.text for v, d in zip(views, dev))
    mv = train(tiny_config(epochs=1), ModelRegistry(tmp_path), extra_docs=docs, eval_docs=dev, progress=False)
    assert mv.meta["data"]["dev_hash"] == data_hash(views) != data_hash(dev)


def test_decoding_setting_is_read_from_the_model_and_splits_touching_spans() -> None:
    """``split_on_b`` (inference.json): absent = the old decoding (a B after the same label
    continues the span); True: it starts a new one, as touching same-label spans need."""
    import numpy as np

    from govreport.extraction.labels import LABEL2ID
    from govreport.extraction.model.predictor import Predictor
    from govreport.extraction.model.tokenizer import Encoding

    assert Predictor.info_kwargs({}, 8, "fp32")["split_on_b"] is False
    assert Predictor.info_kwargs({"split_on_b": True}, 8, "fp32")["split_on_b"] is True
    text = "一、总体情况（一）主动公开"
    tags = [LABEL2ID["B-ROW"]] + [LABEL2ID["I-ROW"]] * 5 + [LABEL2ID["B-ROW"]] + [LABEL2ID["I-ROW"]] * 6
    probs = np.eye(len(LABEL2ID), dtype=np.float32)[tags]
    enc = Encoding(np.arange(len(text)), np.array([[i, i + 1] for i in range(len(text))]))
    joined = Predictor.decode(text, enc, probs, None, (0.0, 0.0))
    split = Predictor.decode(text, enc, probs, None, (0.0, 0.0), split_on_b=True)
    assert [text[s.start : s.end] for s in joined] == [text]
    assert [text[s.start : s.end] for s in split] == ["一、总体情况", "（一）主动公开"]
    # a run of digits stays one span (two tokens of one long run, a B on the second): the assembly splits it
    run = "0—713000074"
    tags = [LABEL2ID["B-CELL"]] * 2 + [LABEL2ID["B-CELL"], LABEL2ID["B-CELL"]]
    offsets = np.array([[0, 1], [1, 2], [2, 10], [10, 11]])
    probs = np.eye(len(LABEL2ID), dtype=np.float32)[tags]
    cells = Predictor.decode(run, Encoding(np.arange(4), offsets), probs, None, (0.0, 0.0), split_on_b=True)
    assert [run[s.start : s.end] for s in cells] == ["0", "—", "713000074"]


def test_training_chooses_the_decoding_on_dev(tmp_path: Path) -> None:
    """Touching same-label spans in the dev reports (learnt by the model): the version decodes with
    ``split_on_b`` and says so; reports where no spans touch keep the old decoding (a tie keeps it)."""
    import json as _json

    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.train import train
    from tests.test_model_overfit import _doc, tiny_config, tiny_docs

    touching = [_doc("三、本年度办理结果（一）予以公开0—3（二）部分公开12—0\n", [
        ("三、本年度办理结果", Label.ROW), ("（一）予以公开", Label.ROW), ("0", Label.CELL), ("—", Label.CELL),
        ("3", Label.CELL), ("（二）部分公开", Label.ROW), ("12", Label.CELL), ("—", Label.CELL), ("0", Label.CELL)], f"t{i}.txt")
        for i in range(2)]  # fmt: skip
    docs = tiny_docs() + touching[:1]
    mv = train(tiny_config(epochs=60), ModelRegistry(tmp_path / "a"), extra_docs=docs, eval_docs=docs, progress=False)
    metrics = mv.meta["metrics"]
    assert metrics["split_on_b"] is True, metrics["split_on_b_search"]
    assert metrics["split_on_b_search"]["true"] > metrics["split_on_b_search"]["false"]
    assert _json.loads((mv.path / "inference.json").read_text("utf-8"))["split_on_b"] is True
    got = ModelTagger.load(str(mv.path))(touching[0].with_spans([]))
    rows = [touching[0].text[s.start : s.end] for s in got.spans if s.label == Label.ROW]
    assert "（一）予以公开" in rows and "三、本年度办理结果" in rows
    plain = train(tiny_config(epochs=2), ModelRegistry(tmp_path / "b"), extra_docs=tiny_docs(), eval_docs=tiny_docs(), progress=False)
    assert plain.meta["metrics"]["split_on_b"] is False
    assert "split_on_b" not in _json.loads((plain.path / "inference.json").read_text("utf-8"))


def test_recalibrated_rule_prior_never_scores_the_guard_reports_below_the_parents(tmp_path: Path) -> None:
    """Fine-tuning recalibrates the rule prior on dev, but only among priors that keep the guard
    reports (retrain's generated dev reports) at least at the parent's prior's F1."""
    from govreport.training.evaluate import span_scores as seqeval_scores
    from govreport.training.modeling import TorchPredictor, load_model_dir
    from govreport.training.train import calibrate_rule_prior, train
    from tests.test_model_overfit import tiny_config, tiny_docs

    docs = tiny_docs()
    mv = train(tiny_config(epochs=3, rule_features=True), ModelRegistry(tmp_path), extra_docs=docs, eval_docs=docs, progress=False)
    model, tok, info = load_model_dir(mv.path)
    guard = [d.with_meta(dev_role="guard") for d in docs[:2]]
    dev = guard + docs[2:]

    def guard_f1(prior: tuple[float, float]) -> float:
        p = TorchPredictor(model, tok, 64, 48, 8, precision="fp32", rule_features=True, rule_prior=prior)
        pred = [[Span(s.start, s.end, s.label) for s in spans] for spans in p.predict([d.text for d in guard])]
        return seqeval_scores([d.text for d in guard], [d.spans for d in guard], pred)["overall"]["f1"]

    for floor in ((20.0, 20.0), (0.0, 0.0), (3.0, 1.0)):
        best, scores = calibrate_rule_prior(model, tok, dev, 64, 48, 8, floor_prior=floor)
        assert guard_f1(best) >= guard_f1(floor) - 1e-9, (floor, best)
    free, scores = calibrate_rule_prior(model, tok, dev, 64, 48, 8)
    assert scores[f"{free[0]}/{free[1]}"] == max(scores.values())  # no parent: the best dev F1
