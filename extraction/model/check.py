"""Is this model version intact and sane? Checksums of its files, and a smoke prediction.

Every version records the SHA-256 of its files (``checksums.json``, written by the registry when
the version is created) and, when trained here, what it predicts on a fixed sentence
(``meta.json`` ``smoke``). Loading verifies both: a flipped bit in ``model.safetensors`` fails the
checksum, NaN weights (saved that way) give non-finite probabilities or other labels; either
makes the model unusable (``ModelUnusable``), so it never serves.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np



class ModelUnusable(RuntimeError):
    """A model that exists but must not serve: a directory that is not a model, files that fail
    their checksums, or predictions that fail the smoke test. Never a silent switch to rules."""

CHECKSUMS_FILE = "checksums.json"
# Not checksummed: meta.json is rewritten when the version is named (it describes, it does not compute).
_UNCHECKED = frozenset({CHECKSUMS_FILE, "meta.json"})
SMOKE_TEXT = (
    "二、收到和处理政府信息公开申请情况\n"
    "本年新收政府信息公开申请数量\t12\t3\t0\t0\t0\t1\t16\n"
    "三、政府信息公开行政复议、行政诉讼情况\n"
)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_checksums(directory: str | Path) -> dict[str, str]:
    """{file name: sha256} of every regular file of a model directory (not meta.json / checksums.json)."""
    d = Path(directory)
    return {p.name: _sha256(p) for p in sorted(d.iterdir()) if p.is_file() and p.name not in _UNCHECKED}


def write_checksums(directory: str | Path) -> None:
    d = Path(directory)
    body = {"algorithm": "sha256", "files": file_checksums(d)}
    (d / CHECKSUMS_FILE).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", "utf-8")


def verify_checksums(directory: str | Path) -> bool:
    """True when every recorded file is present and unchanged, False when nothing is recorded
    (a version made before checksums); raises ModelUnusable on any difference."""
    d = Path(directory)
    p = d / CHECKSUMS_FILE
    if not p.exists():
        return False
    try:
        recorded = json.loads(p.read_text("utf-8"))["files"]
        assert isinstance(recorded, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ModelUnusable(f"model {d.name}: {CHECKSUMS_FILE} is unreadable") from None
    for name, want in recorded.items():
        f = d / name
        if not f.is_file():
            raise ModelUnusable(f"model {d.name}: {name} is missing (recorded in {CHECKSUMS_FILE})")
        if _sha256(f) != want:
            raise ModelUnusable(f"model {d.name}: {name} does not match its checksum (damaged or altered)")
    return True


def smoke_spans(predictor: Any) -> list[list[Any]]:
    """[[start, end, label], ...] the predictor finds in ``SMOKE_TEXT``; ModelUnusable when its
    probabilities are not finite (NaN/inf weights)."""
    enc = predictor.tokenizer.encode_batch([SMOKE_TEXT])
    probs = predictor.token_probs(enc, predictor.rule_tags([SMOKE_TEXT], enc))
    if not all(np.isfinite(p).all() for p in probs):
        raise ModelUnusable("the model's outputs are not finite numbers (NaN or inf weights)")
    return [[s.start, s.end, str(getattr(s.label, "value", s.label))] for s in predictor.predict([SMOKE_TEXT])[0]]


def smoke_record(predictor: Any) -> dict[str, Any]:
    """What to store in meta.json ``smoke`` when a version is made."""
    return {"text": SMOKE_TEXT, "spans": smoke_spans(predictor), "precision": predictor.precision}


# Another arithmetic (bf16, int8) or a newer minor rules release (for a model with rule features)
# may move a span boundary by a character, never most labels.
MIN_AGREEMENT_OTHER_PRECISION = 0.9


def label_agreement(a: list[list[Any]], b: list[list[Any]], n: int) -> float:
    """Share of the characters labelled in either span list that carry the same label in both."""
    la: list[str | None] = [None] * n
    lb: list[str | None] = [None] * n
    for spans, labels in ((a, la), (b, lb)):
        for start, end, label in spans:
            labels[start:end] = [label] * (end - start)
    marked = [i for i in range(n) if la[i] is not None or lb[i] is not None]
    return sum(la[i] == lb[i] for i in marked) / len(marked) if marked else 1.0


def verify_model(directory: str | Path, predictor: Any, meta: dict[str, Any]) -> list[str]:
    """Checksums, then the smoke prediction against the recorded one; returns warnings (what
    could not be checked), raises ModelUnusable when the model must not serve."""
    warnings = []
    if not verify_checksums(directory):
        warnings.append(f"model {Path(directory).name} has no {CHECKSUMS_FILE}: its files cannot be verified")
    spans = smoke_spans(predictor)
    smoke = meta.get("smoke")
    if isinstance(smoke, dict) and smoke.get("text") == SMOKE_TEXT:
        # Exact when nothing differs; a model fed the rule tagger's labels may see a newer minor
        # rules release (same tags, a boundary moved), and other arithmetic moves boundaries too.
        exact = smoke.get("precision", "fp32") == getattr(predictor, "precision", "fp32") and not getattr(
            predictor, "rule_features", False
        )
        agreement = label_agreement(spans, list(smoke.get("spans") or []), len(SMOKE_TEXT))
        if agreement < (1.0 if exact else MIN_AGREEMENT_OTHER_PRECISION):
            raise ModelUnusable(
                f"model {Path(directory).name} fails its smoke test: it labels the check sentence "
                f"{spans[:4]}… where it was trained to give {smoke.get('spans', [])[:4]}…"
            )
    else:
        warnings.append(f"model {Path(directory).name} has no recorded smoke prediction: only finiteness was checked")
    return warnings
