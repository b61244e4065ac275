"""Add the ONNX export to an existing model version (``train``/``retrain`` write it themselves).

    python -m govreport.training.export models/v0001-20261123-default [--int8]

Loads the safetensors weights in torch, writes ``model.onnx`` (and ``model.int8.onnx`` with
``--int8``, which also makes int8 the runtime's default precision) and adds the ``onnx`` entry to
``inference.json`` (written atomically). Then checks that ONNX Runtime and torch agree on a
generated report, and fails (removing what it wrote) if they do not.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from govreport.extraction.export import atomic_write
from govreport.extraction.model.predictor import INFERENCE_FILE, ONNX_FILE, ONNX_INT8_FILE, OnnxPredictor

from .modeling import TorchPredictor, export_onnx_files, load_model_dir


def agreement(directory: str | Path, texts: list[str], precision: str = "fp32") -> dict[str, float]:
    """Per-token agreement of the ONNX and torch (fp32) predictors on ``texts``: the share of
    tokens with the same arg-max tag, and the largest absolute probability difference."""
    torch_pred = TorchPredictor.load(directory, precision="fp32")
    onnx_pred = OnnxPredictor.load(directory, precision=precision)
    encs = torch_pred.tokenizer.encode_batch(texts)
    rules = torch_pred.rule_tags(texts, encs)
    a = np.concatenate(torch_pred.token_probs(encs, rules))
    b = np.concatenate(onnx_pred.token_probs(encs, rules))
    return {"tag_agreement": float((a.argmax(1) == b.argmax(1)).mean()), "max_abs_diff": float(np.abs(a - b).max())}


def export_version(directory: str | Path, int8: bool = False) -> dict[str, object]:
    from govreport.extraction.model.check import CHECKSUMS_FILE, verify_checksums, write_checksums

    d = Path(directory)
    verify_checksums(d)  # never re-bless a damaged version's files below
    model, _tok, info = load_model_dir(d)
    try:
        info["onnx"] = export_onnx_files(model, d, int(info["max_len"]), int8=int8)
    except BaseException:
        for name in (ONNX_FILE, ONNX_INT8_FILE):
            (d / name).unlink(missing_ok=True)
        raise
    atomic_write(d / INFERENCE_FILE, json.dumps(info, ensure_ascii=False, indent=2))
    if (d / CHECKSUMS_FILE).exists():  # a registry version: its new files must verify on load
        write_checksums(d)
    return info["onnx"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--int8", action="store_true", help="also write model.int8.onnx and make it the default")
    args = ap.parse_args(argv)
    entry = export_version(args.model_dir, int8=args.int8)
    from .data import synth_documents

    texts = [d.text for d in synth_documents(3, seed=7)]
    agree = agreement(args.model_dir, texts)
    print(json.dumps({"onnx": entry, "agreement_fp32": agree}, indent=2))
    if agree["tag_agreement"] < 0.999:
        print("ONNX and torch disagree: export is not usable", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
