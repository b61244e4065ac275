"""The one import namespace: `govreport` and its layers; every package folder is installed."""
from __future__ import annotations

import tomllib
from pathlib import Path

import govreport

REPO = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject():
    conf = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {"govreport"}
    for layer in ("extraction", "training", "service"):
        for init in (REPO / layer).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO)
            found.add("govreport." + ".".join(rel.parts))
    assert found == listed
    for layer in ("extraction", "training", "service"):
        assert conf["package-dir"][f"govreport.{layer}"] == layer


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
