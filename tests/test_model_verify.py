"""A broken model never serves (issue 19): checksums, smoke prediction, not-a-model directories,
promote checks the version loads, stale temporary folders are cleaned, no traceback in the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govreport.extraction.taggers import get_tagger
from govreport.extraction.taggers.model import ModelTagger, ModelUnusable
from govreport.service.cli import main
from govreport.extraction.model.check import CHECKSUMS_FILE, SMOKE_TEXT, write_checksums
from govreport.training.registry import ModelRegistry
from tests.test_model_overfit import tiny_config, tiny_docs


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> ModelRegistry:
    from govreport.training.train import train

    reg = ModelRegistry(tmp_path_factory.mktemp("registry"))
    docs = tiny_docs()
    good = train(tiny_config(epochs=2, patience=0), reg, extra_docs=docs, eval_docs=docs, progress=False)
    reg.promote(good.version)
    return reg


def _copy_version(reg: ModelRegistry, name: str) -> Path:
    """A second version, a copy of the active one, to damage."""
    src = reg.active().path
    dst = reg.root / f"v9{len(list(reg.root.iterdir())):03d}-20260101-{name}"
    shutil.copytree(src, dst)
    meta = json.loads((dst / "meta.json").read_text("utf-8"))
    meta["version"] = dst.name
    (dst / "meta.json").write_text(json.dumps(meta), "utf-8")
    return dst


def test_a_version_records_checksums_and_a_smoke_prediction(registry: ModelRegistry) -> None:
    mv = registry.active()
    sums = json.loads((mv.path / CHECKSUMS_FILE).read_text("utf-8"))["files"]
    assert "model.safetensors" in sums and "config.json" in sums and "meta.json" not in sums
    smoke = mv.meta["smoke"]
    assert smoke["text"] == SMOKE_TEXT and smoke["spans"], "the smoke prediction must label something"
    tagger = ModelTagger.load(models_dir=registry.root)
    assert tagger.version == mv.version


def test_flipped_bits_in_the_weights_never_serve(registry: ModelRegistry) -> None:
    d = _copy_version(registry, "flipped")
    weights = bytearray((d / "model.safetensors").read_bytes())
    weights[-100] ^= 0x40
    (d / "model.safetensors").write_bytes(bytes(weights))
    with pytest.raises(ModelUnusable, match="does not match its checksum"):
        ModelTagger.load(d.name, models_dir=registry.root)
    with pytest.raises(ModelUnusable):  # auto never falls back to rules for a damaged model
        get_tagger("auto", d.name, models_dir=registry.root)


def test_nan_weights_fail_the_smoke_test(registry: ModelRegistry) -> None:
    from safetensors.numpy import load_file, save_file

    d = _copy_version(registry, "nan")
    tensors = load_file(str(d / "model.safetensors"))
    name = next(k for k in tensors if k.endswith("classifier.weight"))
    tensors[name][:] = float("nan")
    save_file(tensors, str(d / "model.safetensors"), metadata={"format": "pt"})
    write_checksums(d)  # saved that way: the checksums agree, the predictions do not
    pytest.importorskip("torch", reason="safetensors weights are served by the torch runtime (train extra)")
    with pytest.raises(ModelUnusable, match="not finite|smoke"):
        ModelTagger.load(d.name, models_dir=registry.root, runtime="torch")


def test_a_directory_that_is_not_a_model_is_an_error_not_rules(registry: ModelRegistry, tmp_path: Path) -> None:
    config_only = tmp_path / "config_only"
    config_only.mkdir()
    shutil.copy(registry.active().path / "config.json", config_only)
    with pytest.raises(ModelUnusable, match="not a govreport model"):
        get_tagger("auto", str(config_only))
    no_weights = tmp_path / "no_weights"
    shutil.copytree(registry.active().path, no_weights)
    (no_weights / "model.safetensors").unlink()
    with pytest.raises((ModelUnusable, FileNotFoundError)):
        get_tagger("auto", str(no_weights))
    report = tmp_path / "r.txt"
    report.write_text("二、收到和处理政府信息公开申请情况\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "govreport.service.cli", "extract", str(report), "-o", str(tmp_path / "o"),
         "--model", str(config_only)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 1 and "not a govreport model" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_promote_refuses_a_version_that_does_not_load(registry: ModelRegistry) -> None:
    d = _copy_version(registry, "broken")
    (d / "model.safetensors").write_bytes(b"not weights")
    before = registry.active().version
    r = CliRunner().invoke(main, ["models", "promote", d.name, "--models-dir", str(registry.root)])
    assert r.exit_code == 1 and "stays inactive" in r.output
    assert registry.active().version == before


def test_stale_temporary_folders_are_cleaned(registry: ModelRegistry) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = registry.root / ".tmp-stale"
    stale.mkdir()
    (stale / ".owner").write_text(dead.stdout.strip(), "ascii")
    live = registry.root / ".tmp-live"
    live.mkdir()
    (live / ".owner").write_text(str(subprocess.os.getpid()), "ascii")
    removed = registry.clean_stale()
    assert ".tmp-stale" in removed and not stale.exists() and live.exists()
    shutil.rmtree(live)
