"""The token-classification model at inference: windows, BIO decoding and the predictor.

No torch here: the default runtime is ONNX Runtime on the ``model.onnx`` every model version
carries (``OnnxPredictor``); ``extraction.model.torch_runtime`` runs the same model in torch for
training and debugging (``--runtime torch``); ``extraction.model.runtimes.load_predictor`` picks
one. Both share the windowing, batching and decoding of ``Predictor``, so they differ only in the
forward pass.

Long documents are cut into windows of ``max_len`` tokens every ``stride`` tokens; each token takes
its prediction from the window in which it sits farthest from a cut edge (the overlap is split in
the middle), so every token is predicted with at least ``(max_len - stride) / 2`` tokens of context
on each side unless it is near the document's own start or end.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..labels import BIO_TAGS, ID2LABEL, LABEL_SET_VERSION, Label
from ..limits import check_deadline
from .tokenizer import CharTokenizer, Encoding

log = logging.getLogger(__name__)

INFERENCE_FILE = "inference.json"
WEIGHTS_FILE = "model.safetensors"
ONNX_FILE = "model.onnx"
ONNX_INT8_FILE = "model.int8.onnx"
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_PRECISIONS = ("fp32", "int8")
# Windows per ONNX Runtime call: one. On a CPU thread it is the fastest (a window's attention
# scores, 1 MB, stay in cache; a report's 11 windows at once do not): 14 % less forward time than
# 64 at a time (docs/benchmarks.md, "Runtime"). It also makes a window's result independent of the
# other windows in the call, which int8 models otherwise are not (dynamic quantisation scales the
# activations of the whole call), so a report reads the same alone or in a batch job.
ONNX_BATCH_WINDOWS = 1
# ONNX Runtime graph rewrites left out: its SkipLayerNormalization kernel is slower on CPU here than
# the Add + LayerNormalization it replaces (12 % of the forward pass; docs/benchmarks.md, "Runtime").
ONNX_DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


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
    continues it unless ``split_on_b``: in most text gold spans of one label are never contiguous (a
    cell, a label fragment, a heading is followed by whitespace or another label), so a ``B`` there
    is a model slip inside a long label; where they touch (run-on crawler text) the model's version
    sets ``split_on_b`` (chosen on dev at training), and a ``B`` starts a new span — except between
    two digits: one run of digits stays one span (the assembly splits it by the arithmetic). Spans are trimmed of whitespace (a span
    never starts or ends on it) and dropped if nothing is left. The score is the mean confidence of
    the span's tokens.
    """
    tags = np.asarray(tag_ids, dtype=np.int64).reshape(-1)
    offs = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    conf = np.asarray(scores, dtype=np.float64).reshape(-1)
    keep = offs[:, 1] > offs[:, 0]  # tokens without characters neither extend nor end a span
    if not keep.all():
        tags, offs, conf = tags[keep], offs[keep], conf[keep]
    if len(tags) == 0:
        return []
    # Runs are found with numpy (this loop ran once per token: 2,000 per report); only the spans
    # are visited in Python.
    label = _TAG_LABEL[tags]  # -1 for O
    inside = label >= 0
    starts = inside & (np.concatenate(([-1], label[:-1])) != label)  # O before, or another label
    if split_on_b:
        b_starts = inside & _TAG_IS_B[tags]
        # never inside a run of digits: where one run's cells end is not for a tagger to say (the
        # tokenizer cuts long runs into several tokens; the assembly splits a run by the report's
        # arithmetic, extraction/tables/digitruns.py)
        for i in (np.flatnonzero(b_starts[1:]) + 1).tolist():
            a = int(offs[i, 0])
            if label[i - 1] == label[i] and offs[i - 1, 1] == a and text[a - 1].isdigit() and text[a].isdigit():
                b_starts[i] = False
        starts |= b_starts
    continues = np.concatenate((inside[1:] & ~starts[1:], [False]))
    first = np.flatnonzero(starts).tolist()
    last = np.flatnonzero(inside & ~continues).tolist()
    conf_list = conf.tolist()
    begin, finish, label_list = offs[:, 0].tolist(), offs[:, 1].tolist(), label.tolist()
    spans: list[TaggedSpan] = []
    for i, j in zip(first, last):
        a, b = begin[i], finish[j]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append(TaggedSpan(a, b, _LABELS[label_list[i]], sum(conf_list[i : j + 1]) / (j + 1 - i)))
    return spans


_LABELS: tuple[Label, ...] = tuple(Label)
_TAG_LABEL = np.array(
    [-1 if ID2LABEL[k] == "O" else _LABELS.index(Label(ID2LABEL[k].split("-", 1)[1])) for k in range(len(ID2LABEL))],
    dtype=np.int64,
)
_TAG_IS_B = np.array([ID2LABEL[k].startswith("B-") for k in range(len(ID2LABEL))], dtype=bool)


# --------------------------------------------------------------------------- model directory (read side)


def rules_major(version: str | None) -> str | None:
    """``rules-1.1`` -> ``rules-1``: minor rule releases keep the tags the model was trained on."""
    return version.rsplit(".", 1)[0] if version else None


_rules_major = rules_major  # the name tests and older callers use


def read_rule_prior(info: dict[str, Any]) -> tuple[float, float]:
    p = info.get("rule_prior") or {}
    if isinstance(p, (int, float)):
        return float(p), float(p)
    return float(p.get("span", 0.0)), float(p.get("outside", 0.0))


def read_inference_info(directory: str | Path) -> dict[str, Any]:
    """``inference.json`` of a model directory, checked against this govreport's label set.

    Raises ModelLoadError when it is missing or the model was trained on another label set."""
    d = Path(directory)
    p = d / INFERENCE_FILE
    if not p.exists():
        raise ModelLoadError(f"{directory} is not a govreport model directory (no {INFERENCE_FILE})")
    info = json.loads(p.read_text("utf-8"))
    if list(info.get("bio_tags", [])) != list(BIO_TAGS):
        raise ModelLoadError(
            f"{d} was trained on label set {info.get('label_set_version')!r} ({info.get('bio_tags')}); "
            f"this govreport uses {LABEL_SET_VERSION} ({list(BIO_TAGS)}): retrain it"
        )
    return info


def warn_rules_drift(directory: str | Path, info: dict[str, Any]) -> None:
    if info.get("rule_features"):
        from .features import rules_version

        if rules_major(info.get("rules_version")) != rules_major(rules_version()):
            log.warning(
                "model in %s was trained on the rule tagger's %s labels; this is %s: retrain it",
                directory, info.get("rules_version"), rules_version(),
            )


# --------------------------------------------------------------------------- inference


@dataclass
class _Window:
    doc: int
    start: int
    end: int


class Predictor:
    """Batched windowed inference over several texts at once; subclasses give the forward pass
    (``OnnxPredictor``, ``torch_runtime.TorchPredictor``).

    Thread-safe without a lock: inference reads the model and never changes it, so concurrent
    calls (the API's thread pool) run their forward passes in parallel.
    """

    runtime = "none"

    def __init__(
        self,
        tokenizer: CharTokenizer,
        max_len: int,
        stride: int,
        batch_size: int = 64,
        precision: str = "fp32",
        rule_features: bool = False,
        rule_prior: tuple[float, float] = (0.0, 0.0),
        split_on_b: bool = False,
    ):
        self.rule_features = rule_features
        self.rule_prior = rule_prior  # (where the rules found a span, where they found none)
        # decode_bio's choice, made on dev data at training (inference.json ``split_on_b``): False
        # reads a B right after the same label as a slip inside a long label; True as a new span
        # (text where same-label spans touch: a crawler's run-on table, ``三、…结果（一）予以公开``)
        self.split_on_b = split_on_b
        self.tokenizer = tokenizer
        self.max_len = max_len
        self.stride = stride
        self.batch_size = batch_size
        self.precision = precision

    @staticmethod
    def info_kwargs(info: dict[str, Any], batch_size: int, precision: str) -> dict[str, Any]:
        """The constructor's settings from a version's ``inference.json`` (shared by the runtimes)."""
        return {"batch_size": batch_size, "precision": precision, "rule_features": bool(info.get("rule_features")),
                "rule_prior": read_rule_prior(info), "split_on_b": bool(info.get("split_on_b", False))}

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        """Softmax probabilities [b, t, tags] (float32) for a padded batch of windows."""
        raise NotImplementedError

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
            self.decode(text, enc, probs, rule_tags[k] if rule_tags is not None else None, prior, self.split_on_b)
            for k, (text, enc, probs) in enumerate(zip(texts, encodings, all_probs))
        ]

    @staticmethod
    def decode(
        text: str, enc: Encoding, probs: np.ndarray, rule_tags: np.ndarray | None, prior: tuple[float, float],
        split_on_b: bool = False,
    ) -> list[TaggedSpan]:
        if len(enc.ids) == 0:
            return []
        if rule_tags is not None and max(prior) > 0:
            from .features import apply_prior

            probs = apply_prior(probs, rule_tags, prior[0], prior[1])
        tags = probs.argmax(axis=1)
        conf = probs[np.arange(len(tags)), tags]
        return decode_bio(tags, conf, enc.offsets, text, split_on_b)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits.astype(np.float32, copy=False)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def resolve_onnx_precision(precision: str | None, info: dict[str, Any]) -> str:
    """None/``auto`` = the precision the model recommends (``inference.json`` ``onnx.precision``,
    chosen by measurement at export), else fp32; ``bf16`` has no fast ONNX Runtime CPU kernel
    here and runs as fp32."""
    if precision in (None, "auto"):
        precision = (info.get("onnx") or {}).get("precision") or "fp32"
    if precision == "bf16":
        return "fp32"
    if precision not in ONNX_PRECISIONS:
        raise ValueError(f"precision must be auto or one of {', '.join(ONNX_PRECISIONS)}, got {precision!r}")
    return precision


class OnnxPredictor(Predictor):
    """The model exported to ONNX, run by ONNX Runtime (no torch, no transformers).

    An ``InferenceSession`` is safe to call from several threads at once."""

    runtime = "onnx"

    def __init__(self, session: Any, tokenizer: CharTokenizer, max_len: int, stride: int, **kwargs: Any):
        super().__init__(tokenizer, max_len, stride, **kwargs)
        self.session = session
        self._inputs = {i.name for i in session.get_inputs()}

    @classmethod
    def load(
        cls,
        directory: str | Path,
        num_threads: int | None = None,
        batch_size: int = ONNX_BATCH_WINDOWS,
        precision: str | None = None,
    ) -> "OnnxPredictor":
        """``precision``: None/``auto`` (the model's measured choice), ``fp32`` or ``int8``
        (``model.int8.onnx``, dynamic quantisation). ``num_threads``: ONNX Runtime's intra-op
        threads for this session (None: ``OMP_NUM_THREADS`` or 1). ``batch_size``: windows per
        ONNX Runtime call (the default is the fastest measured on one thread).

        Raises ModelLoadError when the directory has no ONNX export."""
        import onnxruntime as ort

        d = Path(directory)
        info = read_inference_info(d)
        precision = resolve_onnx_precision(precision, info)
        path = d / (ONNX_INT8_FILE if precision == "int8" else ONNX_FILE)
        if not path.exists():
            raise ModelLoadError(
                f"{d} has no {path.name}: export it with `python -m govreport.training.export {d}` "
                "(or run the model in torch with --runtime torch)"
            )
        warn_rules_drift(d, info)
        opts = ort.SessionOptions()
        threads = num_threads or int(os.environ.get("OMP_NUM_THREADS") or 1)
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"],
            disabled_optimizers=list(ONNX_DISABLED_OPTIMIZERS),
        )  # fmt: skip
        return cls(session, CharTokenizer.load(d), int(info["max_len"]), int(info["stride"]),
                   **cls.info_kwargs(info, batch_size, precision))

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types if types is not None else np.zeros_like(ids)}
        (logits,) = self.session.run(["logits"], {k: v for k, v in feeds.items() if k in self._inputs})
        return _softmax(logits)

