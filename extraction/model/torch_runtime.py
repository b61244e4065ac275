"""The model in torch: loading a model directory's safetensors weights, the torch predictor.

For training (evaluation during training, fine-tuning from a parent) and for debugging the
served model (``--runtime torch``); extraction, the API and batch use the ONNX predictor. Needs
``pip install "govreport[train]"`` (torch, transformers); they are imported inside functions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .predictor import (
    WEIGHTS_FILE,
    ModelLoadError,
    Predictor,
    read_inference_info,
    warn_rules_drift,
)
from .tokenizer import CharTokenizer

PRECISIONS = ("fp32", "bf16", "int8")


def _torch():
    import torch

    return torch


def quiet_transformers() -> None:
    """No per-call progress bars from transformers' weight loading/saving (logs stay readable)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def model_loader(directory: str | Path) -> Any:
    """The class that loads a version's weights: govreport's ModernBERT (``modernbert``) when
    ``config.json`` names it, else transformers' Auto class (BERT, ALBERT: v0001 and older)."""
    import json

    from transformers import AutoModelForTokenClassification

    from .modernbert import ARCHITECTURE, model_class

    cfg = Path(directory) / "config.json"
    archs = json.loads(cfg.read_text("utf-8")).get("architectures") or [] if cfg.exists() else []
    return model_class() if ARCHITECTURE in archs else AutoModelForTokenClassification


def load_model_dir(directory: str | Path):
    """(torch model in eval mode, tokenizer, inference info); refuses a model of another label set."""
    quiet_transformers()
    d = Path(directory)
    info = read_inference_info(d)
    if not (d / WEIGHTS_FILE).exists():
        raise ModelLoadError(f"{d} has no {WEIGHTS_FILE}")
    model = model_loader(d).from_pretrained(str(d))
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


class TorchPredictor(Predictor):
    """``Predictor`` whose forward pass is the torch model (fp32, bf16 autocast or int8)."""

    runtime = "torch"

    def __init__(self, model: Any, tokenizer: CharTokenizer, max_len: int, stride: int, batch_size: int = 64, precision: str = "fp32", **kwargs: Any):
        super().__init__(tokenizer, max_len, stride, batch_size=batch_size, precision=resolve_precision(precision), **kwargs)
        self.model = model

    @classmethod
    def load(
        cls, directory: str | Path, num_threads: int | None = None, batch_size: int = 64, precision: str | None = None
    ) -> "TorchPredictor":
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
        warn_rules_drift(directory, info)
        return cls(model, tok, int(info["max_len"]), int(info["stride"]), **cls.info_kwargs(info, batch_size, precision))

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        """Softmax probabilities [b, t, tags] for a padded batch of windows."""
        torch = _torch()
        with torch.inference_mode():
            attn = None if mask.all() else torch.from_numpy(mask)  # no mask: the fused attention kernel
            tt = torch.from_numpy(types) if types is not None else None
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
                logits = self.model(input_ids=torch.from_numpy(ids), attention_mask=attn, token_type_ids=tt).logits
            return torch.softmax(logits.float(), dim=-1).numpy()
