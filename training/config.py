"""The typed training configuration: one JSON file in, the same JSON saved next to every model."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Iterable

from govreport.extraction.errors import InputError


class ConfigError(InputError):
    code = "bad_config"


@dataclass(frozen=True)
class TrainConfig:
    # reproducibility
    seed: int = 0
    num_threads: int = 2  # torch intra-op threads for training (the default model's budget is 2 cores)
    # model: built from this config, or fine-tuned from a local HF checkpoint directory
    base_model: str | None = None
    architecture: str = "bert"  # or "albert": BERT with a factorised embedding (embedding_size) and unshared layers; or "modernbert" (extraction.model.modernbert)
    embedding_size: int | None = None  # albert/modernbert: the width of the token embeddings (None: hidden_size)
    local_attention: int = 64  # modernbert: the local attention window (tokens, both sides together)
    global_attn_every_n_layers: int = 2  # modernbert: every n-th layer attends to the whole window
    hidden_size: int = 128
    num_layers: int = 2
    num_heads: int = 4
    intermediate_size: int = 256
    dropout: float = 0.0  # generated data is plentiful (and fresh per epoch): no need, and it costs ~25 % of a step
    rule_features: bool = False  # feed the rule tagger's BIO tags as a second input channel (token types)
    rule_dropout: float = 0.1  # share of training windows whose rule channel is blanked (the model must not only copy)
    rule_corrupt: float = 0.0  # share of the other windows whose rule channel is corrupted (spans dropped, relabelled, cut short)
    calibrate_rule_prior: bool = True  # choose the decoding rule prior on dev; False: decode with the model alone (prior 0/0, the search is still recorded)
    rule_disagreement_weight: float = 1.0  # loss weight of tokens where the rules' tag is wrong (learn the corrections)
    vocabulary: str = "data"  # "data": the training texts' characters (char-1); "fixed": every CJK ideograph etc. + hashed buckets (char-2)
    vocab_min_freq: int = 1  # a character must occur this often in the training texts to get an id
    vocab_max_size: int | None = 8000
    # windows (tokens): the same for training and inference, saved with the model
    max_len: int = 256
    stride: int = 192
    window_shift: bool = True  # training: non-overlapping windows cut at a random offset each epoch (else the inference windows)
    # optimisation
    epochs: int = 4
    batch_size: int = 32  # windows per step
    lr: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    train_precision: str = "fp32"  # or "bf16": autocast matmuls (much faster on CPUs with AMX/AVX512-BF16)
    unk_dropout: float = 0.02  # share of character tokens replaced by [UNK]: robustness to unseen characters
    patience: int = 2  # epochs without a better dev entity F1 before stopping
    max_train_minutes: float = 20.0  # a safety net: training stops (keeping the best epoch) past it
    # data
    n_synth: int = 1000  # generated training reports (training.synth.generate)
    synth_seed: int = 1
    synth_per_epoch: bool = False  # fresh generated reports every epoch (seed synth_seed + epoch - 1), not the same ones again
    # generator rate overrides {kind: p} for the training reports (opt-in kinds such as faux_bold); {}: the defaults
    synth_rates: dict[str, float] = field(default_factory=dict)
    # rendered documents (DOCX/PDF/HTML) read the ways users read them (training.synth.routes), gold
    # located in the rendering; cached after the first (slow: LibreOffice) rendering; spread over the epochs
    routed_docs: int = 0  # documents rendered (each read every route of routed_routes)
    routed_seed: int = 31  # their document stream (the realism report's routes use seed 1)
    routed_routes: tuple[str, ...] = ()
    routed_max_unlocated: int = 5  # a reading with more gold segments not located in it is left out
    char_noise: float = 0.0  # per training report, the chance of each character-level damage family (training.synth.noise)
    n_dev: int = 100  # generated held-out reports for the per-epoch evaluation (another seed)
    dev_seed: int = 1_000_003
    annotation_dirs: tuple[str, ...] = ()  # annotated batches: HF datasets on disk (text + spans)
    replay_ratio: float = 1.0  # when fine-tuning on annotations: generated reports per annotated one
    eval_batch_size: int = 64

    def __post_init__(self) -> None:
        problems = []
        if self.max_len < 8:
            problems.append("max_len must be at least 8")
        if not (0 < self.stride <= self.max_len):
            problems.append("stride must be in (0, max_len]")
        if self.hidden_size % self.num_heads:
            problems.append("hidden_size must be a multiple of num_heads")
        for name in ("epochs", "batch_size", "num_layers", "num_heads", "num_threads", "hidden_size", "intermediate_size"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1")
        for name in ("n_synth", "n_dev", "patience", "routed_docs", "routed_max_unlocated"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0")
        if not (0.0 <= self.unk_dropout < 1.0 and 0.0 <= self.dropout < 1.0 and 0.0 <= self.rule_dropout <= 1.0):
            problems.append("unk_dropout and dropout must be in [0, 1), rule_dropout in [0, 1]")
        if not (0.0 <= self.rule_corrupt <= 1.0 and 0.0 <= self.char_noise <= 1.0):
            problems.append("rule_corrupt and char_noise must be in [0, 1]")
        if self.vocabulary not in ("data", "fixed"):
            problems.append("vocabulary must be data or fixed")
        if self.architecture not in ("bert", "albert", "modernbert"):
            problems.append("architecture must be bert, albert or modernbert")
        if self.local_attention < 2 or self.local_attention % 2 or self.global_attn_every_n_layers < 1:
            problems.append("local_attention must be an even number >= 2, global_attn_every_n_layers >= 1")
        if self.embedding_size is not None and self.embedding_size < 1:
            problems.append("embedding_size must be >= 1")
        if self.train_precision not in ("fp32", "bf16"):
            problems.append("train_precision must be fp32 or bf16")
        if self.rule_disagreement_weight <= 0:
            problems.append("rule_disagreement_weight must be > 0")
        if self.lr <= 0 or self.max_train_minutes <= 0 or self.replay_ratio < 0:
            problems.append("lr and max_train_minutes must be > 0, replay_ratio >= 0")
        if not isinstance(self.synth_rates, dict) or not all(
            isinstance(k, str) and isinstance(v, (int, float)) and 0 <= v <= 1 for k, v in self.synth_rates.items()
        ):
            problems.append("synth_rates must map kind names to probabilities in [0, 1]")
        if problems:
            raise ConfigError("invalid training config: " + "; ".join(problems))

    # --- (de)serialisation --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["annotation_dirs"] = list(self.annotation_dirs)
        d["routed_routes"] = list(self.routed_routes)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(d) - set(known) - {"_comment"})
        if unknown:
            raise ConfigError(f"unknown training config key(s): {', '.join(unknown)} (known: {', '.join(known)})")
        kw = {k: v for k, v in d.items() if k in known}
        for k in ("annotation_dirs", "routed_routes"):
            if k in kw:
                kw[k] = tuple(kw[k] or ())
        for k, v in list(kw.items()):
            default = known[k].default
            if isinstance(default, float) and isinstance(v, int) and not isinstance(v, bool):
                kw[k] = float(v)
            elif isinstance(default, (int, float)) and not isinstance(v, (int, float)) and not (v is None and k in ("vocab_max_size", "embedding_size")):
                raise ConfigError(f"training config {k!r} must be a number, got {v!r}")
        try:
            return cls(**kw)
        except TypeError as exc:
            raise ConfigError(f"invalid training config: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> "TrainConfig":
        p = Path(path)
        try:
            data = json.loads(p.read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: no such training config") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{p} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{p} must hold a JSON object")
        return cls.from_dict(data)

    def override(self, **kw: Any) -> "TrainConfig":
        """A copy with the non-None values of ``kw`` replaced (CLI flags)."""
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "configs" / "default.json"


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs (``--set`` of ``train`` and ``retrain``) as config fields: a value is JSON
    when it parses as JSON, else a string (``--set train_precision=fp32``). Raises ConfigError for a
    pair without ``=``; unknown keys and values of the wrong type are ``TrainConfig.from_dict``'s
    errors."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out
