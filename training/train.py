"""Train (or fine-tune) the token-classification model and write it as a new registry version.

``train()`` never promotes and never overwrites: the version directory is written through
``ModelRegistry.new_version``, so a failed run leaves nothing behind and ``ACTIVE`` untouched.
"""
from __future__ import annotations

import json
import logging
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from govreport.extraction.document import Document, Span
from govreport.extraction.errors import InputError
from govreport.extraction.labels import BIO_TAGS, LABEL_SET_VERSION

from .config import TrainConfig
from .data import (
    data_hash,
    featurize,
    label_counts,
    load_annotation_dir,
    length_batches,
    make_windows,
    pad_batch,
    pad_rule_tags,
    shifted_windows,
    synth_available,
    synth_documents,
)
from .evaluate import span_scores
from govreport.extraction.model.features import BLANK, N_RULE_TAGS, PRIOR_GRID
from .modeling import (
    IGNORE_INDEX,
    INFERENCE_FILE,
    ONNX_FILE,
    ONNX_INT8_FILE,
    TorchPredictor,
    build_model,
    count_parameters,
    load_model_dir,
    model_from_base,
    quantize_onnx_int8,
    read_rule_prior,
    save_model_dir,
    window_bounds,
)
from .registry import META_FILE, ModelRegistry, ModelVersion, RegistryError
from govreport.extraction.model.tokenizer import CharTokenizer
from govreport.extraction.textview import view_document

log = logging.getLogger(__name__)

TRAIN_CONFIG_FILE = "train_config.json"


@dataclass
class TrainingData:
    train: list[Document]  # used every epoch
    dev: list[Document]
    sources: dict[str, Any] = field(default_factory=dict)
    fresh: list[list[Document]] = field(default_factory=list)  # generated reports of epoch k (synth_per_epoch)

    def all_train(self) -> list[Document]:
        return self.train + [d for docs in self.fresh for d in docs]


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("govreport", "torch", "transformers", "tokenizers", "safetensors", "numpy", "datasets", "onnx", "onnxruntime"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_model_dir(ref: str | Path, registry: ModelRegistry) -> tuple[Path, str]:
    """A model directory and its version name, from a directory path or a registry version."""
    p = Path(ref)
    if p.is_dir() and (p / INFERENCE_FILE).exists():
        meta_path = p / META_FILE
        version = json.loads(meta_path.read_text("utf-8")).get("version", p.name) if meta_path.exists() else p.name
        return p, version
    try:
        mv = registry.get(str(ref))
    except RegistryError as exc:
        raise InputError(f"cannot fine-tune from {ref!r}: {exc}") from None
    return mv.path, mv.version


def collect_data(
    config: TrainConfig,
    extra_docs: Sequence[Document] | None,
    eval_docs: Sequence[Document] | None,
    fine_tuning: bool,
) -> TrainingData:
    """Generated reports + annotated batches + ``extra_docs`` for training; ``eval_docs`` (else
    generated reports of another seed, else a held-out tenth of the training set) for evaluation."""
    annotated: list[Document] = []
    for d in config.annotation_dirs:
        annotated += load_annotation_dir(d)
    extra = list(extra_docs or [])
    n_gen = config.n_synth
    if fine_tuning and (annotated or extra):
        n_gen = min(config.n_synth, round(config.replay_ratio * (len(annotated) + len(extra))))
    if n_gen > 0 and not synth_available():
        raise InputError(
            f"the config asks for {n_gen} generated reports but training.synth is not available; "
            "set n_synth to 0 and give annotated batches"
        )
    fresh: list[list[Document]] = []
    if config.synth_per_epoch and n_gen > 0:
        fresh = [synth_documents(n_gen, config.synth_seed + k, config.synth_rates) for k in range(config.epochs)]
        generated: list[Document] = []
    else:
        generated = synth_documents(n_gen, config.synth_seed, config.synth_rates) if n_gen > 0 else []
    routed: list[Document] = []
    routed_summary: dict[str, Any] = {}
    if config.routed_docs > 0 and config.routed_routes and not (fine_tuning and (annotated or extra)):
        from .data import routed_documents

        # silent minutes otherwise: each document is rendered (LibreOffice, Chromium, …) and read every way
        log.info(
            "rendering %d documents and reading each %d ways (routed_docs, routed_routes): minutes before training "
            "starts; --set routed_docs=0 leaves them out",
            config.routed_docs,
            len(config.routed_routes),
        )
        routed, routed_summary = routed_documents(
            config.routed_docs, config.routed_seed, config.routed_routes, max_unlocated=config.routed_max_unlocated
        )
        if fresh:  # spread over the epochs (like the fresh generated reports), not all of them every epoch
            for k, doc in enumerate(routed):
                fresh[k % len(fresh)].append(doc)
            routed_in_train: list[Document] = []
        else:
            routed_in_train = routed
    else:
        routed_in_train = []
    train_docs = generated + routed_in_train + annotated + extra
    if not train_docs and not fresh:
        raise InputError("no training documents: set n_synth > 0, add annotation_dirs, or pass documents")
    dev_source = "eval_docs"
    if eval_docs is not None:
        dev = list(eval_docs)
    elif config.n_dev > 0 and synth_available():
        dev = synth_documents(config.n_dev, config.dev_seed, config.synth_rates)
        dev_source = f"generated (seed {config.dev_seed})"
    elif config.n_dev > 0 and len(train_docs) >= 10 and not fresh:
        rng = random.Random(config.seed)
        idx = list(range(len(train_docs)))
        rng.shuffle(idx)
        k = max(1, len(idx) // 10)
        dev = [train_docs[i] for i in idx[:k]]
        train_docs = [train_docs[i] for i in idx[k:]]
        dev_source = "held-out tenth of the training documents"
    else:
        dev = []
        dev_source = "none"
    sources = {
        "n_generated": len(generated) + sum(len(f) for f in fresh) - len(routed),
        "n_routed": len(routed),
        "routed": routed_summary,
        "generated_per_epoch": bool(fresh),
        "n_annotated": len(annotated),
        "n_extra": len(extra),
        "annotation_dirs": list(config.annotation_dirs),
        "n_dev": len(dev),
        "dev_source": dev_source,
    }
    return TrainingData(train_docs, dev, sources, fresh)


def damage_training_doc(doc: Document, rng: random.Random, rate: float) -> Document:
    from .synth.noise import train_damage

    return train_damage(doc, rng, rate)


def unseen_char_ids(tokenizer: CharTokenizer, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Stand-ins for characters the model has not seen: ``[UNK]`` (char-1), else half hash
    buckets and half random vocabulary characters (so the ideographs that generated text never
    shows still get trained as "some character", and the model does not rely on any one glyph)."""
    if not tokenizer.hashed:
        return np.full(shape, tokenizer.unk_id, dtype=np.int64)
    buckets = tokenizer.bucket_ids[rng.integers(0, len(tokenizer.bucket_ids), size=shape)]
    chars = rng.integers(tokenizer.first_char_id, tokenizer.vocab_size, size=shape)
    return np.where(rng.random(shape) < 0.5, buckets, chars).astype(np.int64)


def corrupt_rule_tags(tags: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The rule channel of one window made wrong the ways rules go wrong: each rule span is,
    with probability 0.3, dropped (``O``), given another label, or cut short by its last tokens."""
    out = tags.copy()
    n_labels = (N_RULE_TAGS - 1) // 2
    k = 0
    while k < len(out):
        if out[k] == 0 or out[k] >= N_RULE_TAGS:
            k += 1
            continue
        e = k + 1
        while e < len(out) and out[e] != 0 and out[e] < N_RULE_TAGS and (out[e] - 1) // 2 == (out[k] - 1) // 2 and out[e] % 2 == 0:
            e += 1
        if rng.random() < 0.3:
            how = rng.integers(0, 3)
            if how == 0:
                out[k:e] = 0
            elif how == 1:
                lab = int(rng.integers(0, n_labels))
                out[k] = 1 + 2 * lab
                out[k + 1 : e] = 2 + 2 * lab
            elif e - k > 1:
                out[int(rng.integers(k + 1, e)) : e] = 0
        k = e
    return out


def _lr_lambda(total_steps: int, warmup_ratio: float):
    warmup = max(1, int(total_steps * warmup_ratio))

    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return f


def evaluate_model(
    model,
    tokenizer: CharTokenizer,
    docs: Sequence[Document],
    max_len: int,
    stride: int,
    batch_size: int,
    rule_features: bool = False,
    rule_prior: tuple[float, float] = (0.0, 0.0),
    split_on_b: bool = False,
) -> dict[str, Any]:
    if not docs:
        return {}
    predictor = TorchPredictor(
        model, tokenizer, max_len, stride, batch_size, precision="auto", rule_features=rule_features,
        rule_prior=rule_prior, split_on_b=split_on_b,
    )  # fmt: skip
    pred = predictor.predict([d.text for d in docs])
    pred_spans = [[Span(s.start, s.end, s.label, s.score, "model") for s in p] for p in pred]
    return span_scores([d.text for d in docs], [d.spans for d in docs], pred_spans)


GUARD_META = "dev_role"  # a dev report whose meta has dev_role=guard: see calibrate_rule_prior


def calibrate_rule_prior(
    model, tokenizer: CharTokenizer, docs: Sequence[Document], max_len: int, stride: int, batch_size: int,
    floor_prior: tuple[float, float] | None = None,
) -> tuple[tuple[float, float], dict[str, float]]:
    """The (span, outside) rule prior with the best dev entity F1; ties go to the larger priors
    (the more conservative decoding). With ``floor_prior`` (fine-tuning: the parent's prior), only
    priors that score the guard reports (``meta[GUARD_META] == "guard"``, e.g. retrain's generated
    dev reports) at least as well as ``floor_prior`` does are eligible: a few annotated reports of
    one kind, whose gold disagrees with the rules, must not buy their gain with the rest."""
    predictor = TorchPredictor(model, tokenizer, max_len, stride, batch_size, precision="auto", rule_features=True)
    texts = [d.text for d in docs]
    encs = tokenizer.encode_batch(texts)
    rule_tags = predictor.rule_tags(texts, encs) or []
    probs = predictor.token_probs(encs, rule_tags)
    gold = [d.spans for d in docs]
    guard = [i for i, d in enumerate(docs) if d.meta.get(GUARD_META) == "guard"]
    grid = [(a, b) for a in PRIOR_GRID for b in PRIOR_GRID]
    if floor_prior is not None and guard and tuple(floor_prior) not in grid:
        grid.append(tuple(floor_prior))
    scores: dict[str, float] = {}
    guard_scores: dict[tuple[float, float], float] = {}
    for prior in grid:
        pred = [
            [Span(s.start, s.end, s.label, s.score, "model") for s in predictor.decode(t, e, p, r, prior)]
            for t, e, p, r in zip(texts, encs, probs, rule_tags)
        ]
        scores[f"{prior[0]}/{prior[1]}"] = span_scores(texts, gold, pred)["overall"]["f1"]
        if floor_prior is not None and guard:
            guard_scores[prior] = span_scores([texts[i] for i in guard], [gold[i] for i in guard], [pred[i] for i in guard])["overall"]["f1"]
    eligible = grid
    if guard_scores:
        floor = guard_scores[tuple(floor_prior)]
        eligible = [p for p in grid if guard_scores[p] >= floor - 1e-9]
    best = max(eligible, key=lambda ab: (scores[f"{ab[0]}/{ab[1]}"], ab[0] + ab[1]))
    return best, scores


def choose_split_on_b(
    model, tokenizer: CharTokenizer, docs: Sequence[Document], max_len: int, stride: int, batch_size: int,
    rule_features: bool, rule_prior: tuple[float, float],
) -> tuple[bool, dict[str, float]]:  # fmt: skip
    """Whether decoding reads a ``B`` right after a span of the same label as a new span (see
    ``decode_bio``), chosen on the dev reports: True only when it scores a better entity F1. Text
    whose same-label spans touch (a crawler's run-on table) needs it; a model that slips a ``B``
    into long labels is better without. One forward pass, two decodings."""
    predictor = TorchPredictor(
        model, tokenizer, max_len, stride, batch_size, precision="auto", rule_features=rule_features, rule_prior=rule_prior
    )
    texts = [d.text for d in docs]
    encs = tokenizer.encode_batch(texts)
    rule_tags = predictor.rule_tags(texts, encs)
    probs = predictor.token_probs(encs, rule_tags)
    f1 = {}
    for split in (False, True):
        pred = [
            [Span(s.start, s.end, s.label, s.score, "model") for s in predictor.decode(t, e, p, r, rule_prior, split)]
            for t, e, p, r in zip(texts, encs, probs, rule_tags if rule_tags is not None else [None] * len(texts))
        ]
        f1[str(split).lower()] = span_scores(texts, [d.spans for d in docs], pred)["overall"]["f1"]
    return f1["true"] > f1["false"], f1


def train(
    config: TrainConfig,
    registry: ModelRegistry | None = None,
    *,
    extra_docs: list[Document] | None = None,
    eval_docs: list[Document] | None = None,
    init_from: str | Path | None = None,
    tag: str = "model",
    progress: bool | None = None,
) -> ModelVersion:
    """Train on generated + annotated + ``extra_docs``; evaluate each epoch on ``eval_docs`` (or
    generated held-out reports); keep the best epoch; write it as a new version (not promoted)."""
    import torch
    from tqdm.auto import tqdm

    t_start = time.monotonic()
    registry = registry if registry is not None else ModelRegistry()
    registry.check_writable()  # before the run, not when saving its result
    torch.set_num_threads(config.num_threads)
    seed_everything(config.seed)

    parent_dir, parent_version = (None, None)
    if init_from is not None:
        parent_dir, parent_version = resolve_model_dir(init_from, registry)
    data = collect_data(config, extra_docs, eval_docs, fine_tuning=parent_dir is not None)
    log.info(
        "data: %d training reports (%d generated), %d dev reports (%.0fs)",
        len(data.all_train()), data.sources["n_generated"], len(data.dev), time.monotonic() - t_start,
    )

    rule_features = config.rule_features
    info: dict[str, Any] = {}  # the parent's inference settings, when fine-tuning
    if parent_dir is not None:
        model, tokenizer, info = load_model_dir(parent_dir)
        max_len, stride = int(info["max_len"]), int(info["stride"])
        rule_features = bool(info.get("rule_features"))  # the parent's inputs, whatever the config says
        if (max_len, stride) != (config.max_len, config.stride):
            log.info("fine-tuning keeps the parent's windows (%d/%d), not the config's", max_len, stride)
    else:
        max_len, stride = config.max_len, config.stride
        if config.vocabulary == "fixed":
            tokenizer = CharTokenizer.fixed()
        else:
            tokenizer = CharTokenizer.train(
                (d.text for d in data.all_train()), min_freq=config.vocab_min_freq, max_size=config.vocab_max_size
            )
        if config.base_model:
            model = model_from_base(config.base_model, tokenizer, max_len, rule_features)
        else:
            model = build_model(config, tokenizer, max_len)

    if config.char_noise > 0:  # character-level damage the model must read through (training.synth.noise)
        noise_rng = random.Random(f"govreport-char-noise:{config.seed}")
        data.train = [damage_training_doc(d, noise_rng, config.char_noise) for d in data.train]
        data.fresh = [[damage_training_doc(d, noise_rng, config.char_noise) for d in docs] for docs in data.fresh]
    features = featurize(data.train, tokenizer, rule_features)
    # the dev reports are read as training and inference read them (the normalised view): epochs,
    # the rule prior and the ONNX precision are chosen on what the model will really see
    data.dev = [view_document(d)[0] for d in data.dev]
    fresh_features = [featurize(docs, tokenizer, rule_features) for docs in data.fresh]
    train_summary = {
        "hash": data_hash(data.all_train()),
        "n_train_docs": len(data.all_train()),
        "label_counts": label_counts(data.all_train()),
    }
    data.fresh = [[] for _ in data.fresh]  # only their features are needed from here on (memory)
    all_features = features + [f for ff in fresh_features for f in ff]
    n_tokens = int(sum(len(f.ids) for f in all_features))
    misaligned = int(sum(f.misaligned for f in all_features))
    if misaligned:
        log.warning("%d of %d training tokens cross a gold span edge", misaligned, n_tokens)
    log.info(
        "features: %d tokens, vocabulary %d, rule features %s (%.0fs)",
        n_tokens, tokenizer.vocab_size, "on" if rule_features else "off", time.monotonic() - t_start,
    )
    char_floor = tokenizer.first_char_id  # ids below are specials, layout tokens and hash buckets

    rng = np.random.default_rng(config.seed)

    def epoch_features(epoch: int) -> list:
        return features + (fresh_features[epoch - 1] if fresh_features else [])

    def epoch_windows(epoch: int) -> list:
        feats = epoch_features(epoch)
        return shifted_windows(feats, max_len, rng) if config.window_shift else make_windows(feats, max_len, stride)

    def max_windows(feats: list) -> int:
        if config.window_shift:
            return sum(len(f.ids) // max_len + 2 for f in feats)
        return sum(len(window_bounds(len(f.ids), max_len, stride)) for f in feats)

    total_steps = max(1, sum(max_windows(epoch_features(e)) // config.batch_size + 2 for e in range(1, config.epochs + 1)))
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": config.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _lr_lambda(total_steps, config.warmup_ratio))
    budget_s = config.max_train_minutes * 60

    history: list[dict[str, Any]] = []
    best_f1, best_epoch, best_state = -1.0, 0, None
    bad_epochs = 0
    stopped = "completed"
    show = progress if progress is not None else sys.stderr.isatty()
    last_log = time.monotonic()
    for epoch in range(1, config.epochs + 1):
        model.train()
        t_epoch = time.monotonic()
        windows = epoch_windows(epoch)
        batches = length_batches([len(w[0]) for w in windows], config.batch_size, rng)
        total_loss, n_steps = 0.0, 0
        bar = tqdm(batches, desc=f"epoch {epoch}/{config.epochs}", disable=not show, mininterval=5)
        for batch_idx in bar:
            ids, mask, labels = pad_batch([windows[i] for i in batch_idx], tokenizer.pad_id)
            if config.unk_dropout > 0:
                drop = (rng.random(ids.shape) < config.unk_dropout) & (ids >= char_floor)
                ids = np.where(drop, unseen_char_ids(tokenizer, ids.shape, rng), ids)
            types = None
            weights = (labels != IGNORE_INDEX).astype(np.float32)
            if rule_features:
                rule_tags = pad_rule_tags([windows[i] for i in batch_idx])
                blank = rng.random(len(batch_idx)) < config.rule_dropout
                if config.rule_corrupt > 0:
                    for r in np.flatnonzero(~blank & (rng.random(len(batch_idx)) < config.rule_corrupt)):
                        rule_tags[r] = corrupt_rule_tags(rule_tags[r], rng)
                if config.rule_disagreement_weight != 1.0:
                    wrong = (rule_tags != labels) & (labels != IGNORE_INDEX) & ~blank[:, None]
                    weights[wrong] = config.rule_disagreement_weight
                rule_tags[blank] = BLANK  # withhold the channel for some windows
                types = torch.from_numpy(rule_tags)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.train_precision == "bf16"):
                logits = model(
                    input_ids=torch.from_numpy(ids),
                    attention_mask=None if mask.all() else torch.from_numpy(mask),  # no mask: the fused attention kernel
                    token_type_ids=types,
                ).logits
            ce = torch.nn.functional.cross_entropy(
                logits.float().reshape(-1, logits.shape[-1]),
                torch.from_numpy(labels).reshape(-1),
                ignore_index=IGNORE_INDEX,
                reduction="none",
            )
            w = torch.from_numpy(weights).reshape(-1)
            loss = (ce * w).sum() / w.sum().clamp(min=1.0)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            total_loss += float(loss.detach())
            n_steps += 1
            if n_steps % 20 == 0:
                bar.set_postfix(loss=f"{total_loss / n_steps:.4f}")
            if not show and time.monotonic() - last_log > 60:  # progress in logs when there is no bar
                last_log = time.monotonic()
                log.info("epoch %d: step %d/%d, loss %.4f", epoch, n_steps, len(batches), total_loss / n_steps)
            if time.monotonic() - t_start > budget_s:
                stopped = "time_budget"
                break
        model.eval()
        dev = evaluate_model(model, tokenizer, data.dev, max_len, stride, config.eval_batch_size, rule_features)
        f1 = dev["overall"]["f1"] if dev else -float(total_loss / max(1, n_steps))  # no dev: lowest loss wins
        record = {
            "epoch": epoch,
            "steps": n_steps,
            "loss": round(total_loss / max(1, n_steps), 5),
            "seconds": round(time.monotonic() - t_epoch, 1),
            "dev": dev,
        }
        history.append(record)
        log.info(
            "epoch %d: loss %.4f, dev F1 %s (%.0fs)",
            epoch,
            record["loss"],
            f"{dev['overall']['f1']:.4f}" if dev else "n/a",
            record["seconds"],
        )
        if show:
            tqdm.write(f"epoch {epoch}: loss {record['loss']:.4f} dev F1 {dev['overall']['f1'] if dev else 'n/a'}")
        if f1 > best_f1:
            best_f1, best_epoch, bad_epochs = f1, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
        if stopped == "time_budget":
            break
        if data.dev and bad_epochs > config.patience and epoch < config.epochs:
            stopped = "early_stopping"
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    rule_prior = read_rule_prior(info)  # the parent's, unless recalibrated
    prior_search: dict[str, float] = {}
    if rule_features and data.dev:
        best_prior, prior_search = calibrate_rule_prior(
            model, tokenizer, data.dev, max_len, stride, config.eval_batch_size,
            floor_prior=read_rule_prior(info) if parent_dir is not None else None,
        )  # fmt: skip
        # the prior multiplies the rules in again: only where the config asks for it (else the
        # search is recorded, and the model decodes from its own reading, 0/0)
        rule_prior = best_prior if config.calibrate_rule_prior else (0.0, 0.0)
        log.info(
            "rule prior span %.1f outside %.1f: dev entity F1 %.4f (model alone %.4f)",
            *rule_prior, prior_search[f"{rule_prior[0]}/{rule_prior[1]}"], prior_search["0.0/0.0"],
        )
    split_on_b = bool(info.get("split_on_b", False))  # the parent's, unless chosen on dev
    split_search: dict[str, float] = {}
    if data.dev:
        split_on_b, split_search = choose_split_on_b(
            model, tokenizer, data.dev, max_len, stride, config.eval_batch_size, rule_features, rule_prior
        )
        log.info("decoding: a B after the same label %s (dev entity F1 %s)",
                 "starts a new span" if split_on_b else "continues the span", split_search)  # fmt: skip
    best_dev = history[best_epoch - 1]["dev"] if best_epoch else {}
    if (max(rule_prior) > 0 or split_on_b) and data.dev:  # the shipped decoding: with the prior
        best_dev = evaluate_model(
            model, tokenizer, data.dev, max_len, stride, config.eval_batch_size, rule_features, rule_prior, split_on_b
        )
    train_seconds = time.monotonic() - t_start

    meta: dict[str, Any] = {
        "version": None,  # set by the registry
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "label_set_version": LABEL_SET_VERSION,
        "bio_tags": list(BIO_TAGS),
        "parent": parent_version,
        "base_model": config.base_model,
        "training_config": config.to_dict(),
        "data": {
            "hash": train_summary["hash"],
            "dev_hash": data_hash(data.dev) if data.dev else None,
            "n_train_docs": train_summary["n_train_docs"],
            **data.sources,
            "train_tokens": n_tokens,
            "train_windows_per_epoch": len(windows),
            "misaligned_tokens": misaligned,
            "label_counts": train_summary["label_counts"],
        },
        "metrics": {
            "epochs": history,
            "best_epoch": best_epoch,
            "best": best_dev,
            "stopped": stopped,
            "rule_prior": {"span": rule_prior[0], "outside": rule_prior[1]},
            "rule_prior_search": prior_search,
            "split_on_b": split_on_b,
            "split_on_b_search": split_search,
        },
        "model": {
            "architecture": type(model).__name__,
            "parameters": count_parameters(model),
            "vocab_size": tokenizer.vocab_size,
            "max_len": max_len,
            "stride": stride,
            "rule_features": rule_features,
        },
        "train_seconds": round(train_seconds, 1),
        "num_threads": config.num_threads,
        "libraries": library_versions(),
    }
    with registry.new_version(tag) as draft:
        save_model_dir(model, tokenizer, draft.path, max_len, stride, rule_features, rule_prior, split_on_b=split_on_b)
        meta["onnx"] = choose_onnx_precision(draft.path, data.dev)
        meta["smoke"] = _smoke_of(draft.path)  # what loading checks this version still predicts
        (draft.path / TRAIN_CONFIG_FILE).write_text(config.to_json(), "utf-8")
        meta["model"]["size_bytes"] = sum(p.stat().st_size for p in draft.path.iterdir() if p.is_file())
        (draft.path / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
    assert draft.version is not None
    log.info("wrote model version %s (best epoch %d, stopped: %s)", draft.version, best_epoch, stopped)
    return registry.get(draft.version)


def _smoke_of(directory: Path) -> dict[str, Any]:
    """The smoke record of the version as it is served: ONNX Runtime at its default precision."""
    from govreport.extraction.model.check import smoke_record
    from govreport.extraction.model.predictor import OnnxPredictor

    return smoke_record(OnnxPredictor.load(directory))


def choose_onnx_precision(directory: Path, dev: Sequence[Document]) -> dict[str, Any]:
    """Quantise the version's ONNX export to int8 and make it the default only where it is
    measured equal: entity F1 on the dev reports at least fp32's. Returns the measurement (for
    meta.json); ``inference.json`` names the chosen precision."""
    from govreport.extraction.model.predictor import OnnxPredictor

    texts = [d.text for d in dev]
    if not texts:
        return {"precision": "fp32", "reason": "no dev reports to measure int8 on"}
    quantize_onnx_int8(directory / ONNX_FILE, directory / ONNX_INT8_FILE)
    f1 = {}
    for precision in ("fp32", "int8"):
        pred = OnnxPredictor.load(directory, precision=precision).predict(texts)
        spans = [[Span(s.start, s.end, s.label, s.score, "model") for s in p] for p in pred]
        f1[precision] = span_scores(texts, [d.spans for d in dev], spans)["overall"]["f1"]
    info = json.loads((directory / INFERENCE_FILE).read_text("utf-8"))
    if f1["int8"] >= f1["fp32"]:
        info["onnx"].update(precision="int8", int8_file=ONNX_INT8_FILE)
    else:
        (directory / ONNX_INT8_FILE).unlink()
    (directory / INFERENCE_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    return {"precision": info["onnx"]["precision"], "dev_entity_f1": f1, "dev_reports": len(texts)}


def read_meta(path: str | Path) -> dict[str, Any]:
    p = Path(path) / META_FILE
    return json.loads(p.read_text("utf-8")) if p.exists() else {}

