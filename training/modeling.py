"""Building, fine-tuning and saving the token-classification model (torch/transformers, imported
inside functions). Inference lives in the extraction layer (``extraction.model``): ONNX Runtime on
the ``model.onnx`` that ``save_model_dir`` exports with every version, or torch for debugging.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govreport.extraction.labels import BIO_TAGS, ID2LABEL, LABEL2ID, LABEL_SET_VERSION
from govreport.extraction.model.predictor import (  # noqa: F401  (re-exported for training code)
    INFERENCE_FILE,
    ONNX_FILE,
    ONNX_INPUTS,
    ONNX_INT8_FILE,
    ModelLoadError,
    Predictor,
    TaggedSpan,
    decode_bio,
    merge_windows,
    read_inference_info,
    read_rule_prior,
    window_bounds,
)
from govreport.extraction.model.modernbert import ARCHITECTURE as MODERNBERT_ARCHITECTURE
from govreport.extraction.model.tokenizer import CharTokenizer
from govreport.extraction.model.torch_runtime import (  # noqa: F401
    TorchPredictor,
    _torch,
    load_model_dir,
    quantize_int8,
    resolve_precision,
    set_num_threads,
)
from govreport.extraction.model.torch_runtime import quiet_transformers as _quiet_transformers

if TYPE_CHECKING:  # pragma: no cover
    from .config import TrainConfig

log = logging.getLogger(__name__)

IGNORE_INDEX = -100


def label_config_kwargs() -> dict[str, Any]:
    return {
        "num_labels": len(BIO_TAGS),
        "id2label": dict(ID2LABEL),
        "label2id": dict(LABEL2ID),
    }


def build_model(config: "TrainConfig", tokenizer: CharTokenizer, max_len: int):
    """A small BERT, ALBERT (BERT with a factorised embedding, layers unshared) or ModernBERT
    (rotary positions, local attention; with a factorised embedding and the rule channel as an
    added embedding: ``extraction.model.modernbert``) for token classification, built from the
    config (no hub). A narrower token embedding keeps a model with a vocabulary of every CJK
    ideograph small (26k x 64 instead of 26k x 128)."""
    from transformers import AlbertConfig, AlbertForTokenClassification, BertConfig, BertForTokenClassification

    _quiet_transformers()
    if config.architecture == "modernbert":
        from govreport.extraction.model.modernbert import build_config, model_class

        mcfg = build_config(
            tokenizer.vocab_size, tokenizer.pad_id, max_len, hidden_size=config.hidden_size, num_layers=config.num_layers,
            num_heads=config.num_heads, intermediate_size=config.intermediate_size, embedding_size=config.embedding_size,
            type_vocab_size=len(BIO_TAGS) + 1 if config.rule_features else 0, local_attention=config.local_attention,
            global_attn_every_n_layers=config.global_attn_every_n_layers, dropout=config.dropout,
            label_kwargs=label_config_kwargs(),
        )  # fmt: skip
        return model_class()(mcfg)
    if config.architecture == "albert":
        acfg = AlbertConfig(
            vocab_size=tokenizer.vocab_size,
            embedding_size=config.embedding_size or config.hidden_size,
            hidden_size=config.hidden_size,
            num_hidden_layers=config.num_layers,
            num_hidden_groups=config.num_layers,  # one group per layer: no weight sharing
            inner_group_num=1,
            num_attention_heads=config.num_heads,
            intermediate_size=config.intermediate_size,
            hidden_act="gelu",
            hidden_dropout_prob=config.dropout,
            attention_probs_dropout_prob=config.dropout,
            classifier_dropout_prob=config.dropout,
            max_position_embeddings=max_len,
            type_vocab_size=len(BIO_TAGS) + 1 if config.rule_features else 1,
            pad_token_id=tokenizer.pad_id,
            **label_config_kwargs(),
        )
        return AlbertForTokenClassification(acfg)
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
    onnx_precision: str = "fp32",
    split_on_b: bool = False,
) -> None:
    """Weights (safetensors) + HF config with the label map + tokenizer + window settings
    (``inference.json``) + the ONNX export that extraction runs (``model.onnx``, and
    ``model.int8.onnx`` when ``onnx_precision`` is ``int8``: the runtime's default then)."""
    _quiet_transformers()
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(d), safe_serialization=True)
    hf_tokenizer(tokenizer, max_len).save_pretrained(str(d))
    info: dict[str, Any] = {
        "max_len": max_len,
        "stride": stride,
        "label_set_version": LABEL_SET_VERSION,
        "bio_tags": list(BIO_TAGS),
        "tokenizer": tokenizer.describe(),
        "rule_features": rule_features,
        "rule_prior": {"span": rule_prior[0], "outside": rule_prior[1]},
    }
    if split_on_b:  # absent = False: every model written before the setting decodes as it did
        info["split_on_b"] = True
    if rule_features:
        from govreport.extraction.model.features import rules_version

        info["rules_version"] = rules_version()
    info["onnx"] = export_onnx_files(model, d, max_len, int8=onnx_precision == "int8")
    (d / INFERENCE_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")


ONNX_OPSET = 17


def export_onnx(model, path: str | Path, max_len: int) -> Path:
    """The model as ONNX for ONNX Runtime: inputs ``input_ids``, ``attention_mask``,
    ``token_type_ids`` (int64 [batch, tokens], both axes dynamic), output ``logits`` (float32
    [batch, tokens, tags]). The trace runs with a padded example so the mask is part of the graph,
    and with the eager attention: its graph runs about 20 % faster in ONNX Runtime than the SDPA
    export (docs/benchmarks.md, "Runtime"). A ModernBERT is traced through its export twin
    (``extraction.model.modernbert.export_module_class``: the same logits from a graph without
    the rotary and mask arithmetic; docs/benchmarks.md, "Model cost")."""
    torch = _torch()
    import warnings

    was_training = model.training
    attn = getattr(model.config, "_attn_implementation", None)
    if attn not in (None, "eager") and hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    model.eval()
    traced = model
    if type(model).__name__ == MODERNBERT_ARCHITECTURE:
        from govreport.extraction.model.modernbert import export_module_class

        traced = export_module_class()(model).eval()  # same logits, a graph ~2x smaller
    ids = torch.zeros((2, max_len), dtype=torch.int64)
    mask = torch.ones_like(ids)
    mask[1, max_len // 2 :] = 0  # a padded row: the exported graph must use the mask
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                traced, (ids, mask, torch.zeros_like(ids)), str(path),
                input_names=list(ONNX_INPUTS), output_names=["logits"],
                dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*ONNX_INPUTS, "logits")},
                opset_version=ONNX_OPSET, dynamo=False,
            )  # fmt: skip
    finally:
        model.train(was_training)
        if attn not in (None, "eager") and hasattr(model, "set_attn_implementation"):
            model.set_attn_implementation(attn)
    return Path(path)


class _NotFromOnnxRuntime(logging.Filter):
    """Drops the records ONNX Runtime's quantizer logs on the root logger: a line per tensor and
    advice to its own users ("consider pre-processing"), nothing a govreport user can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname.replace("\\", "/")


def quantize_onnx_int8(src: str | Path, dst: str | Path) -> Path:
    """Dynamic int8 quantisation of an ONNX model's MatMul weights (ONNX Runtime's quantizer)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    # logging.warning() on a root logger without handlers installs a stderr handler for good: every
    # INFO line of the trainer was printed twice after it (the progress line and "INFO:govreport…")
    keep_root_bare = logging.NullHandler() if not root.handlers else None
    quiet = _NotFromOnnxRuntime()
    if keep_root_bare is not None:
        root.addHandler(keep_root_bare)
    root.addFilter(quiet)
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    finally:
        root.removeFilter(quiet)
        if keep_root_bare is not None:
            root.removeHandler(keep_root_bare)
    return Path(dst)


def export_onnx_files(model, directory: str | Path, max_len: int, int8: bool = False) -> dict[str, Any]:
    """Write ``model.onnx`` (and ``model.int8.onnx`` when ``int8``) into a model directory;
    returns the ``onnx`` entry of ``inference.json``."""
    d = Path(directory)
    export_onnx(model, d / ONNX_FILE, max_len)
    entry: dict[str, Any] = {"file": ONNX_FILE, "opset": ONNX_OPSET, "precision": "fp32"}
    if int8:
        quantize_onnx_int8(d / ONNX_FILE, d / ONNX_INT8_FILE)
        entry.update(int8_file=ONNX_INT8_FILE, precision="int8")
    return entry


def count_parameters(model) -> int:
    return int(sum(p.numel() for p in model.parameters()))
