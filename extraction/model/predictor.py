"""The token-classification model: build, save/load, windows, BIO decoding, batched inference.

This module and ``training.train`` are the only ones that import torch/transformers, and they do
so inside functions: the pure parts (windows, merging, decoding) load without them.

Long documents are cut into windows of ``max_len`` tokens every ``stride`` tokens; each token takes
its prediction from the window in which it sits farthest from a cut edge (the overlap is split in
the middle), so every token is predicted with at least ``(max_len - stride) / 2`` tokens of context
on each side unless it is near the document's own start or end.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..labels import BIO_TAGS, ID2LABEL, LABEL2ID, LABEL_SET_VERSION, Label
from ..limits import check_deadline

from .tokenizer import CharTokenizer, Encoding

if TYPE_CHECKING:  # pragma: no cover
    from govreport.training.config import TrainConfig

log = logging.getLogger(__name__)

INFERENCE_FILE = "inference.json"
WEIGHTS_FILE = "model.safetensors"
IGNORE_INDEX = -100
PRECISIONS = ("fp32", "bf16", "int8")


class ModelLoadError(RuntimeError):
    """A model directory that cannot be used (missing files, another label set)."""


# --------------------------------------------------------------------------- windows (pure)


def window_bounds(n: int, max_len: int, stride: int) -> list[tuple[int, int]]:
    """``[start, end)`` token windows covering ``0..n``: every ``stride`` tokens, the last one
    ending at ``n`` (a full window where possible, so the end gets full context too)."""
    if max_len < 1 or not (0 < stride <= max_len):
        raise ValueError(f"need 0 < stride <= max_len, got stride={stride}, max_len={max_len}")
    if n <= max_len:
        return [(0, n)] if n > 0 else []
    bounds = []
    start = 0
    while start + max_len < n:
        bounds.append((start, start + max_len))
        start += stride
    bounds.append((n - max_len, n))
    return bounds


def merge_windows(n: int, bounds: Sequence[tuple[int, int]], window_scores: Sequence[np.ndarray]) -> np.ndarray:
    """One row per token from overlapping windows' rows (``window_scores[k]`` has one row per token
    of ``bounds[k]``): each token takes the window where it is farthest from a cut edge.

    A window edge at the document's start or end is not a cut, so it does not count.
    """
    if len(bounds) != len(window_scores):
        raise ValueError("one score array per window")
    if n == 0:
        width = window_scores[0].shape[1] if window_scores else 0
        return np.zeros((0, width), dtype=np.float32)
    out = np.zeros((n, window_scores[0].shape[1]), dtype=window_scores[0].dtype)
    best = np.full(n, -1, dtype=np.int64)
    big = n + 1
    for (s, e), scores in zip(bounds, window_scores):
        if scores.shape[0] != e - s:
            raise ValueError(f"window [{s}, {e}) has {scores.shape[0]} rows")
        pos = np.arange(s, e)
        left = pos - s if s > 0 else np.full(e - s, big)
        right = e - 1 - pos if e < n else np.full(e - s, big)
        centrality = np.minimum(left, right)
        better = centrality > best[s:e]
        out[s:e][better] = scores[better]
        best[s:e] = np.where(better, centrality, best[s:e])
    if (best < 0).any():
        raise ValueError(f"windows leave {int((best < 0).sum())} token(s) uncovered")
    return out


# --------------------------------------------------------------------------- BIO decoding (pure)


@dataclass(frozen=True)
class TaggedSpan:
    start: int
    end: int
    label: Label
    score: float


def decode_bio(
    tag_ids: Sequence[int],
    scores: Sequence[float],
    offsets: np.ndarray | Sequence[Sequence[int]],
    text: str,
    split_on_b: bool = False,
) -> list[TaggedSpan]:
    """Spans from per-token BIO tags (``ID2LABEL`` ids) and per-token confidences.

    A span is a run of tokens of one label with no ``O`` between them; ``O`` or another label ends
    it (a model's ``O I-X`` is read as ``O B-X``). A ``B-X`` right after a token of the same span
    continues it unless ``split_on_b``: gold spans of one label are never contiguous (a cell, a
    label fragment, a heading is always followed by whitespace or another label), so a ``B`` there
    is a model slip inside a long label, not a boundary. Spans are trimmed of whitespace (a span
    never starts or ends on it) and dropped if nothing is left. The score is the mean confidence of
    the span's tokens.
    """
    spans: list[TaggedSpan] = []
    cur: list[Any] | None = None  # [label, start, end, score_sum, count]

    def close() -> None:
        nonlocal cur
        if cur is not None:
            label, a, b, total, count = cur
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                spans.append(TaggedSpan(a, b, label, total / count))
            cur = None

    for tag_id, score, (a, b) in zip(tag_ids, scores, offsets):
        a, b = int(a), int(b)
        if b <= a:
            continue
        tag = ID2LABEL[int(tag_id)]
        if tag == "O":
            close()
            continue
        prefix, name = tag.split("-", 1)
        label = Label(name)
        if cur is not None and cur[0] == label and (prefix == "I" or not split_on_b):
            cur[2] = b
            cur[3] += float(score)
            cur[4] += 1
            continue
        close()
        cur = [label, a, b, float(score), 1]
    close()
    return spans


# --------------------------------------------------------------------------- build / save / load


def _torch():
    import torch

    return torch


def _quiet_transformers() -> None:
    """No per-call progress bars from transformers' weight loading/saving (logs stay readable)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def label_config_kwargs() -> dict[str, Any]:
    return {
        "num_labels": len(BIO_TAGS),
        "id2label": dict(ID2LABEL),
        "label2id": dict(LABEL2ID),
    }


def build_model(config: "TrainConfig", tokenizer: CharTokenizer, max_len: int):
    """A small BERT for token classification, built from the config (no hub)."""
    from transformers import BertConfig, BertForTokenClassification

    _quiet_transformers()
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=config.hidden_size,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        intermediate_size=config.intermediate_size,
        hidden_dropout_prob=config.dropout,
        attention_probs_dropout_prob=config.dropout,
        max_position_embeddings=max_len,
        type_vocab_size=len(BIO_TAGS) + 1 if config.rule_features else 1,  # + the BLANK channel id
        pad_token_id=tokenizer.pad_id,
        **label_config_kwargs(),
    )
    return BertForTokenClassification(cfg)


def model_from_base(base_dir: str | Path, tokenizer: CharTokenizer, max_len: int, rule_features: bool = False):
    """Fine-tune a local HF checkpoint with our layout-keeping tokenizer: the checkpoint's encoder
    is loaded as is, and each of our tokens starts from the checkpoint's embedding of the same
    string (Chinese BERT vocabularies are per character); tokens it lacks (whitespace runs, digit
    runs) start from the mean embedding."""
    torch = _torch()
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    _quiet_transformers()
    base = Path(base_dir)
    if not (base / "config.json").exists():
        raise ModelLoadError(f"--base-model {base}: not a Hugging Face checkpoint directory (no config.json)")
    model = AutoModelForTokenClassification.from_pretrained(str(base), ignore_mismatched_sizes=True, **label_config_kwargs())
    limit = getattr(model.config, "max_position_embeddings", max_len)
    if max_len > limit:
        raise ModelLoadError(f"max_len {max_len} exceeds the base model's {limit} positions")
    try:
        base_vocab = AutoTokenizer.from_pretrained(str(base)).get_vocab()
    except (OSError, ValueError) as exc:
        log.warning("base model %s has no usable tokenizer (%s): embeddings start from the mean", base, exc)
        base_vocab = {}
    old = model.get_input_embeddings().weight.detach()
    mean = old.mean(0)
    new = mean.repeat(tokenizer.vocab_size, 1).clone()
    new += torch.randn_like(new) * 0.02 * old.std()
    hits = 0
    for token, idx in tokenizer.tokenizer.get_vocab().items():
        for cand in (token, token.lower(), token[:1] if token and token[0] == "0" else None):
            if cand is not None and cand in base_vocab and base_vocab[cand] < old.shape[0]:
                new[idx] = old[base_vocab[cand]]
                hits += 1
                break
    emb = torch.nn.Embedding(tokenizer.vocab_size, old.shape[1], padding_idx=tokenizer.pad_id)
    emb.weight.data.copy_(new)
    model.set_input_embeddings(emb)
    model.config.vocab_size = tokenizer.vocab_size
    model.config.pad_token_id = tokenizer.pad_id
    if rule_features:
        embeddings = getattr(getattr(model, model.base_model_prefix), "embeddings", None)
        types = getattr(embeddings, "token_type_embeddings", None)
        if types is None:
            raise ModelLoadError(f"base model {base} has no token-type embeddings to carry the rule features")
        n_types = len(BIO_TAGS) + 1  # + the BLANK channel id
        new_types = torch.nn.Embedding(n_types, types.weight.shape[1])
        new_types.weight.data.copy_(types.weight.data[0].repeat(n_types, 1))
        new_types.weight.data[1:] += torch.randn_like(new_types.weight.data[1:]) * 0.02
        embeddings.token_type_embeddings = new_types
        model.config.type_vocab_size = n_types
    log.info("base model %s: %d of %d token embeddings taken from its vocabulary", base, hits, tokenizer.vocab_size)
    return model


def hf_tokenizer(tokenizer: CharTokenizer, max_len: int):
    """The tokenizer as a transformers ``PreTrainedTokenizerFast`` (without our text normalisation)."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer.tokenizer, unk_token="[UNK]", pad_token="[PAD]", mask_token="[MASK]", model_max_length=max_len
    )


def save_model_dir(
    model,
    tokenizer: CharTokenizer,
    directory: str | Path,
    max_len: int,
    stride: int,
    rule_features: bool = False,
    rule_prior: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Weights (safetensors) + HF config with the label map + tokenizer + window settings."""
    _quiet_transformers()
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(d), safe_serialization=True)
    hf_tokenizer(tokenizer, max_len).save_pretrained(str(d))
    info = {
        "max_len": max_len,
        "stride": stride,
        "label_set_version": LABEL_SET_VERSION,
        "bio_tags": list(BIO_TAGS),
        "tokenizer": tokenizer.describe(),
        "rule_features": rule_features,
        "rule_prior": {"span": rule_prior[0], "outside": rule_prior[1]},
    }
    if rule_features:
        from .features import rules_version

        info["rules_version"] = rules_version()
    (d / INFERENCE_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")


def _rules_major(version: str | None) -> str | None:
    """``rules-1.1`` -> ``rules-1``: minor rule releases keep the tags the model was trained on."""
    return version.rsplit(".", 1)[0] if version else None


def read_rule_prior(info: dict[str, Any]) -> tuple[float, float]:
    p = info.get("rule_prior") or {}
    if isinstance(p, (int, float)):
        return float(p), float(p)
    return float(p.get("span", 0.0)), float(p.get("outside", 0.0))


def read_inference_info(directory: str | Path) -> dict[str, Any]:
    p = Path(directory) / INFERENCE_FILE
    if not p.exists():
        raise ModelLoadError(f"{directory} is not a govreport model directory (no {INFERENCE_FILE})")
    return json.loads(p.read_text("utf-8"))


def load_model_dir(directory: str | Path):
    """(model in eval mode, tokenizer, inference info); refuses a model of another label set."""
    from transformers import AutoModelForTokenClassification

    _quiet_transformers()
    d = Path(directory)
    info = read_inference_info(d)
    if list(info.get("bio_tags", [])) != list(BIO_TAGS):
        raise ModelLoadError(
            f"{d} was trained on label set {info.get('label_set_version')!r} ({info.get('bio_tags')}); "
            f"this govreport uses {LABEL_SET_VERSION} ({list(BIO_TAGS)}): retrain it"
        )
    if not (d / WEIGHTS_FILE).exists():
        raise ModelLoadError(f"{d} has no {WEIGHTS_FILE}")
    model = AutoModelForTokenClassification.from_pretrained(str(d))
    model.eval()
    return model, CharTokenizer.load(d), info


def quantize_int8(model):
    """Dynamic int8 quantisation of the linear layers (weights int8, activations quantised per call)."""
    torch = _torch()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization deprecation notices
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def set_num_threads(n: int) -> None:
    """torch's intra-op threads (process-wide)."""
    _torch().set_num_threads(n)


def export_onnx(model, path: str | Path, max_len: int) -> Path:
    """The model as ONNX (inputs input_ids, attention_mask, token_type_ids; output logits) for
    ONNX Runtime; needs the ``onnx`` package. Used by the benchmark to compare runtimes."""
    torch = _torch()
    import warnings

    example = torch.zeros((2, max_len), dtype=torch.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example, torch.ones_like(example), example), str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
            dynamic_axes={k: {0: "b", 1: "t"} for k in ("input_ids", "attention_mask", "token_type_ids", "logits")},
            opset_version=17, dynamo=False,
        )  # fmt: skip
    return Path(path)


def count_parameters(model) -> int:
    return int(sum(p.numel() for p in model.parameters()))


# --------------------------------------------------------------------------- inference


@dataclass
class _Window:
    doc: int
    start: int
    end: int


def bf16_is_fast() -> bool:
    """True where the CPU has native bf16 (AVX512-BF16 or AMX): there autocast is several times
    faster than fp32 for this model; elsewhere it is emulated and slower."""
    torch = _torch()
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # pragma: no cover - older torch
        return False


def resolve_precision(precision: str | None) -> str:
    if precision in (None, "auto"):
        return "bf16" if bf16_is_fast() else "fp32"
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be auto or one of {', '.join(PRECISIONS)}, got {precision!r}")
    return precision


class Predictor:
    """Batched windowed inference over several texts at once.

    Thread-safe without a lock: inference reads the model and never changes it (the caller puts
    the model in eval mode), so concurrent calls (the API's thread pool) run their forward passes
    in parallel, each on torch's intra-op threads.
    """

    def __init__(
        self,
        model,
        tokenizer: CharTokenizer,
        max_len: int,
        stride: int,
        batch_size: int = 64,
        precision: str = "fp32",
        rule_features: bool = False,
        rule_prior: tuple[float, float] = (0.0, 0.0),
    ):
        self.model = model
        self.rule_features = rule_features
        self.rule_prior = rule_prior  # (where the rules found a span, where they found none)
        self.tokenizer = tokenizer
        self.max_len = max_len
        self.stride = stride
        self.batch_size = batch_size
        self.precision = resolve_precision(precision)

    @classmethod
    def load(
        cls, directory: str | Path, num_threads: int | None = None, batch_size: int = 64, precision: str | None = None
    ) -> "Predictor":
        """``precision``: None/``auto`` = bf16 where the CPU computes it natively, else fp32; or
        ``fp32``, ``bf16`` (autocast) or ``int8`` (dynamic quantisation of the linear layers).
        ``num_threads`` sets torch's (process-wide) intra-op threads."""
        torch = _torch()
        if num_threads:
            torch.set_num_threads(num_threads)
        model, tok, info = load_model_dir(directory)
        precision = resolve_precision(precision or info.get("precision"))
        if precision == "int8":
            model = quantize_int8(model)
        if info.get("rule_features"):
            from .features import rules_version

            if _rules_major(info.get("rules_version")) != _rules_major(rules_version()):
                log.warning(
                    "model in %s was trained on the rule tagger's %s labels; this is %s: retrain it",
                    directory, info.get("rules_version"), rules_version(),
                )
        return cls(
            model,
            tok,
            int(info["max_len"]),
            int(info["stride"]),
            batch_size,
            precision,
            bool(info.get("rule_features")),
            read_rule_prior(info),
        )

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        """Softmax probabilities [b, t, tags] for a padded batch of windows."""
        torch = _torch()
        with torch.inference_mode():
            attn = None if mask.all() else torch.from_numpy(mask)  # no mask: the fused attention kernel
            tt = torch.from_numpy(types) if types is not None else None
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
                logits = self.model(input_ids=torch.from_numpy(ids), attention_mask=attn, token_type_ids=tt).logits
            return torch.softmax(logits.float(), dim=-1).numpy()

    def token_probs(self, encodings: Sequence[Encoding], rule_tags: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
        """Per-token tag probabilities [n, tags] for each encoding, windows merged; ``rule_tags``
        (per-token rule-tagger tag ids) is the second input of a model trained with rule features."""
        windows = [
            _Window(k, s, e)
            for k, enc in enumerate(encodings)
            for s, e in window_bounds(len(enc.ids), self.max_len, self.stride)
        ]
        windows.sort(key=lambda w: w.end - w.start, reverse=True)  # similar lengths share a batch
        results: dict[int, list[tuple[tuple[int, int], np.ndarray]]] = {k: [] for k in range(len(encodings))}
        for i in range(0, len(windows), self.batch_size):
            check_deadline("tagging")  # cooperative stop: a request past its time limit frees its thread
            batch = windows[i : i + self.batch_size]
            width = max(w.end - w.start for w in batch)
            ids = np.full((len(batch), width), self.tokenizer.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64) if rule_tags is not None else None
            for r, w in enumerate(batch):
                ids[r, : w.end - w.start] = encodings[w.doc].ids[w.start : w.end]
                mask[r, : w.end - w.start] = 1
                if types is not None:
                    types[r, : w.end - w.start] = rule_tags[w.doc][w.start : w.end]
            probs = self._forward(ids, mask, types)
            for r, w in enumerate(batch):
                results[w.doc].append(((w.start, w.end), probs[r, : w.end - w.start]))
        out = []
        for k, enc in enumerate(encodings):
            parts = sorted(results[k], key=lambda p: p[0])
            out.append(merge_windows(len(enc.ids), [p[0] for p in parts], [p[1] for p in parts]))
        return out

    def rule_tags(self, texts: Sequence[str], encodings: Sequence[Encoding]) -> list[np.ndarray] | None:
        if not self.rule_features:
            return None
        from .features import rule_token_ids

        return [rule_token_ids(t, e) for t, e in zip(texts, encodings)]

    def predict(self, texts: Sequence[str], rule_prior: tuple[float, float] | None = None) -> list[list[TaggedSpan]]:
        """Spans per text; ``rule_prior`` overrides the model's saved prior (see extraction.model.features)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        rule_tags = self.rule_tags(texts, encodings)
        all_probs = self.token_probs(encodings, rule_tags)
        prior = self.rule_prior if rule_prior is None else rule_prior
        return [
            self.decode(text, enc, probs, rule_tags[k] if rule_tags is not None else None, prior)
            for k, (text, enc, probs) in enumerate(zip(texts, encodings, all_probs))
        ]

    @staticmethod
    def decode(
        text: str, enc: Encoding, probs: np.ndarray, rule_tags: np.ndarray | None, prior: tuple[float, float]
    ) -> list[TaggedSpan]:
        if len(enc.ids) == 0:
            return []
        if rule_tags is not None and max(prior) > 0:
            from .features import apply_prior

            probs = apply_prior(probs, rule_tags, prior[0], prior[1])
        tags = probs.argmax(axis=1)
        conf = probs[np.arange(len(tags)), tags]
        return decode_bio(tags, conf, enc.offsets, text)
