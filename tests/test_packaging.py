"""The one import namespace: `govreport` and its layers; every package folder is installed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import govreport

REPO = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject():
    conf = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {"govreport", "govreport.models"}  # + the shipped model, a data-only package
    for layer in ("extraction", "training", "service"):
        for init in (REPO / layer).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO)
            found.add("govreport." + ".".join(rel.parts))
    assert found == listed
    for layer in ("extraction", "training", "service"):
        assert conf["package-dir"][f"govreport.{layer}"] == layer
    assert conf["package-dir"]["govreport.models"] == "models"


def test_layers_are_reached_through_the_namespace():
    from govreport.extraction import pipeline

    assert Path(pipeline.__file__).resolve().parent == REPO / "extraction"
    assert govreport.Extractor is pipeline.Extractor


def test_extract_text_path_and_bytes_agree():
    path = REPO / "examples" / "report_2020.txt"
    by_path = govreport.extract(path, tagger="rules").output
    by_str_path = govreport.extract(str(path), tagger="rules").output
    by_text = govreport.extract(path.read_text(encoding="utf-8"), tagger="rules").output
    by_bytes = govreport.extract(path.read_bytes(), filename=path.name, tagger="rules").output
    assert by_path["tables"] == by_text["tables"] == by_bytes["tables"] == by_str_path["tables"]
    assert by_path["year"] == 2020


def test_a_mistyped_path_says_so_instead_of_not_a_report(tmp_path):
    # a str naming no file was read as the report's text: "examples/report_2002.txt" raised
    # NotAReport ("no section headings...") about its own 24 characters, a folder the same
    from govreport.extraction.errors import EmptyInput, InputError, NotAReport

    with pytest.raises(InputError, match="no such file"):
        govreport.extract(str(tmp_path / "report_2002.txt"), tagger="rules")
    with pytest.raises(InputError, match="is a directory"):
        govreport.extract(str(tmp_path), tagger="rules")
    with pytest.raises(NotAReport):  # a line of text that names no file format is still text
        govreport.extract("今天天气很好，我们去公园散步。", tagger="rules")
    for blank in ("", "  "):  # not Path(""), which is the current folder
        with pytest.raises(EmptyInput):
            govreport.extract(blank, tagger="rules")


_IN_WHEEL = r"""
import json, os, sys
import govreport
from govreport.extraction.model.registry import ModelRegistry, default_models_dir
res = govreport.extract(sys.argv[1])
reg = ModelRegistry()
out = {"file": govreport.__file__, "tagger": res.output["tagger"], "models_dir": str(default_models_dir()),
       "active": reg.active().version if reg.active() else None,
       "heavy": sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers"})}
try:
    from govreport.training.registry import ModelRegistry as WritableRegistry
    WritableRegistry().promote(out["active"])
    out["write"] = "allowed"
except Exception as exc:
    out["write"] = type(exc).__name__ + ": " + str(exc)
print(json.dumps(out))
"""


@pytest.mark.slow
def test_a_built_wheel_extracts_with_the_shipped_model(tmp_path):
    """The wheel carries the layers inside ``govreport`` (nothing generic at the top level) and the
    default model as package data; it extracts with that model in ONNX Runtime, never writes to
    it, and GOVREPORT_MODELS_DIR points the registry elsewhere."""
    whl_dir, site = tmp_path / "whl", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(REPO), "-w", str(whl_dir), "--no-deps", "--no-build-isolation"], check=True, timeout=600, capture_output=True)
    (wheel,) = whl_dir.glob("govreport-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=600, capture_output=True)
    assert sorted(p.name for p in site.iterdir() if not p.name.endswith((".dist-info", ".data")) and p.name != "bin") == ["govreport"]
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("GOVREPORT_MODELS_DIR", None)
    example = REPO / "examples" / "report_2020.txt"
    r = subprocess.run([sys.executable, "-c", _IN_WHEEL, str(example)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(site))
    assert out["models_dir"] == str(site / "govreport" / "models")
    assert out["tagger"]["name"] == "model" and out["tagger"]["version"] == out["active"]
    assert out["heavy"] == []
    assert out["write"].startswith("RegistryError") and "GOVREPORT_MODELS_DIR" in out["write"]
    # another registry: empty, so `auto` falls back to the rules
    env["GOVREPORT_MODELS_DIR"] = str(tmp_path / "registry")
    r = subprocess.run([sys.executable, "-c", _IN_WHEEL, str(example)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["models_dir"] == str(tmp_path / "registry") and out["active"] is None and out["tagger"]["name"] == "rules"
