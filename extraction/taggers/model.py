"""The model tagger: a trained token-classification model from the registry behind the tagger interface.

The model runs in ONNX Runtime (``extraction.model.predictor``); torch/transformers are imported
only for ``runtime="torch"`` (debugging), never at import.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Sequence

from ..document import Document, Span
from ..model.check import ModelUnusable  # noqa: F401  (raised here; callers import it from this module)

log = logging.getLogger(__name__)

RUNTIME_ENV = "GOVREPORT_MODEL_RUNTIME"
# Libraries whose version shapes the predictions, per runtime, and how much of the version must
# match (major.minor = 2 parts); pyproject pins them to ranges inside which no warning is given.
_DRIFT_CHECKED = {
    "onnx": (("tokenizers", 2),),
    "torch": (("torch", 2), ("transformers", 1), ("tokenizers", 2)),
}


class ModelTagger:
    """Thread-safe: one loaded model serves concurrent calls (see ``extraction.model.predictor.Predictor``)."""

    name = "model"

    def __init__(self, predictor: Any, version: str, path: Path, meta: dict[str, Any] | None = None):
        self.predictor = predictor
        self.version = version
        self.path = path
        self.meta = meta or {}

    @classmethod
    def load(
        cls,
        model: str | None = None,
        *,
        models_dir: str | Path | None = None,
        num_threads: int | None = 1,
        precision: str | None = None,
        runtime: str | None = None,
    ) -> "ModelTagger":
        """``model``: None = the registry's active version; a version name; or a model directory.
        ``runtime``: ``onnx`` (ONNX Runtime on the version's ``model.onnx``) or ``torch`` (the
        safetensors weights in torch, for debugging; needs the ``train`` extra); None =
        ``$GOVREPORT_MODEL_RUNTIME`` or ``onnx``.
        ``precision``: auto | fp32 | bf16 | int8, None = the model's setting (onnx: the precision
        measured at export, bf16 runs as fp32; torch auto: bf16 where the CPU has it natively).
        ``num_threads``: intra-op threads (ONNX Runtime: per session; torch: process-wide; None
        leaves them to the runtime). The default 1 is deliberate: with 2 threads a forward pass stalls when other
        multi-threaded processes load the cores (seen on the shared dev machine: p50 177 ms with 2
        threads vs 30 ms with 1, and the API's concurrency-1 load test at 536 ms), while concurrent
        requests already use the cores; on an idle machine a single stream loses about 20 % (see
        docs/benchmarks.md, "Model").

        Raises FileNotFoundError (with what to do) when there is no such model.
        """
        from ..model.registry import META_FILE, ModelRegistry, RegistryError

        registry = ModelRegistry(models_dir)
        if model is None:
            try:
                mv = registry.active()
            except RegistryError as exc:
                raise FileNotFoundError(f"the active model pointer in {registry.root} is broken: {exc}") from None
            if mv is None:
                raise FileNotFoundError(
                    f"no active model in {registry.root}: train one with `govreport train` and activate it "
                    "with `govreport models promote VERSION`, or use `--tagger rules`"
                )
            path = mv.path
        elif Path(model).is_dir():
            path = Path(model)
            if not (path / "inference.json").exists():
                raise ModelUnusable(
                    f"{path.name} is a directory but not a govreport model (no inference.json): "
                    "give a model version or a directory written by `govreport train`"
                )
        else:
            try:
                path = registry.get(model).path
            except RegistryError as exc:
                raise FileNotFoundError(f"{exc}; give a version from `govreport models list` or a model directory") from None

        from ..model.check import verify_checksums, verify_model
        from ..model.predictor import ModelLoadError
        from ..model.runtimes import load_predictor

        runtime = runtime or os.environ.get(RUNTIME_ENV) or "onnx"
        meta_path = path / META_FILE
        try:
            meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        except ValueError:
            raise ModelUnusable(f"model {path.name}: {META_FILE} is not valid JSON") from None
        verify_checksums(path)  # before the weights are parsed at all
        try:
            predictor = load_predictor(path, runtime=runtime, num_threads=num_threads, precision=precision)
        except ModelLoadError as exc:
            if model is not None:  # asked for by name: a broken model is an error, not "no model"
                raise ModelUnusable(f"no usable model in {path.name}: {exc}") from None
            raise FileNotFoundError(f"no usable model in {path.name}: {exc}") from None
        except Exception as exc:  # damaged weights or config inside transformers/safetensors
            raise ModelUnusable(f"model {path.name} cannot be loaded ({type(exc).__name__}: {exc})") from None
        for warning in verify_model(path, predictor, meta):
            log.warning(warning)
        version = str(meta.get("version") or path.name)
        _warn_library_drift(version, meta, runtime)
        return cls(predictor, version, path, meta)

    def tag_many(self, docs: Sequence[Document]) -> list[Document]:
        """Tag several documents in one batched pass (throughput for batch jobs)."""
        preds = self.predictor.predict([d.text for d in docs])
        return [
            d.with_spans(Span(s.start, s.end, s.label, s.score, "model", self.version) for s in spans)
            for d, spans in zip(docs, preds)
        ]

    def __call__(self, doc: Document) -> Document:
        return self.tag_many([doc])[0]


def _warn_library_drift(version: str, meta: dict[str, Any], runtime: str = "onnx") -> None:
    """Like spaCy: say so when the model was trained with other versions of the libraries the
    runtime depends on (the tokenizer always; torch/transformers only when running in torch)."""
    from importlib import metadata

    trained = meta.get("libraries") or {}
    for lib, parts in _DRIFT_CHECKED.get(runtime, ()):
        want = trained.get(lib)
        if not want or want == "not installed":
            continue
        try:
            have = metadata.version(lib)
        except metadata.PackageNotFoundError:
            continue
        if have.split("+")[0].split(".")[:parts] != want.split("+")[0].split(".")[:parts]:
            log.warning("model %s was trained with %s %s; this environment has %s", version, lib, want, have)
