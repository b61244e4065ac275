"""Choosing the runtime a model version runs in: ONNX Runtime (the default) or torch (debugging)."""
from __future__ import annotations

from pathlib import Path

from .predictor import OnnxPredictor, Predictor

RUNTIMES = ("onnx", "torch")


def load_predictor(
    directory: str | Path,
    *,
    runtime: str = "onnx",
    num_threads: int | None = None,
    batch_size: int | None = None,
    precision: str | None = None,
) -> Predictor:
    """A predictor for a model directory: ``runtime`` ``onnx`` (the default; ONNX Runtime) or
    ``torch`` (debugging; needs ``pip install "govreport[train]"``). ``batch_size``: windows per
    forward pass (None: the runtime's fastest, see ``OnnxPredictor.load``/``TorchPredictor.load``).

    Raises ModelLoadError for an unusable directory, ValueError for an unknown runtime."""
    if runtime == "onnx":
        return OnnxPredictor.load(directory, num_threads=num_threads, precision=precision,
                                  **({"batch_size": batch_size} if batch_size else {}))
    if runtime == "torch":
        from .torch_runtime import TorchPredictor

        return TorchPredictor.load(directory, num_threads=num_threads, precision=precision,
                                   **({"batch_size": batch_size} if batch_size else {}))
    raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
