"""Fixtures shared by the test modules."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger


@pytest.fixture(scope="module")
def extract() -> Callable[[str], dict[str, Any]]:
    """The rule-tagger pipeline's output (the contract's JSON as a dict) for a text."""
    ex = Extractor(RuleTagger())
    return lambda text: ex.extract_text(text).output


@pytest.fixture
def damaged_registry(tmp_path: Any) -> tuple[Any, str, str]:
    """(registry folder, good version, damaged version): a copy of the shipped registry's active version
    and of the same version with its ``model.onnx`` cut short (its checksum no longer matches), ``ACTIVE``
    naming the good one. For the service's reload tests."""
    import shutil
    from pathlib import Path

    models = Path(__file__).resolve().parent.parent / "models"
    good = (models / "ACTIVE").read_text("utf-8").strip()
    reg = tmp_path / "models"
    reg.mkdir()
    shutil.copytree(models / good, reg / good)
    damaged = "v0099-20261201-damaged"
    shutil.copytree(models / good, reg / damaged)
    onnx = reg / damaged / "model.onnx"
    onnx.write_bytes(onnx.read_bytes()[:100_000])
    (reg / "ACTIVE").write_text(good + "\n", "utf-8")
    return reg, good, damaged
