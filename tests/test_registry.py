"""The model registry as training uses it: versions are never overwritten, training never promotes,
a failed run leaves no version and ACTIVE untouched; ``govreport models list|promote``."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govreport.service.cli import main
from tests.test_model_overfit import tiny_config, tiny_docs
from govreport.training.registry import ACTIVE_FILE, ModelRegistry

FAST = dict(epochs=2, patience=0)  # these tests are about the registry, not about accuracy


def tree_digest(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(path)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> ModelRegistry:
    from govreport.training.train import train

    reg = ModelRegistry(tmp_path_factory.mktemp("registry"))
    docs = tiny_docs()
    first = train(tiny_config(**FAST), reg, extra_docs=docs, eval_docs=docs, progress=False)
    train(tiny_config(**FAST, seed=1), reg, extra_docs=docs, eval_docs=docs, progress=False)
    reg.promote(first.version)
    return reg


def test_training_adds_a_version_and_never_promotes_or_overwrites(registry):
    from govreport.training.train import train

    before = {v.version: tree_digest(v.path) for v in registry.versions()}
    active = registry.active()
    docs = tiny_docs()
    new = train(tiny_config(**FAST), registry, extra_docs=docs, eval_docs=docs, progress=False)
    assert new.version not in before
    assert registry.active() == active  # train() never promotes
    for v in registry.versions():
        if v.version in before:
            assert tree_digest(v.path) == before[v.version], f"{v.version} was modified"
    meta = new.meta
    assert meta["version"] == new.version
    assert meta["label_set_version"] and meta["bio_tags"][0] == "O"
    assert meta["training_config"]["seed"] == tiny_config().seed
    assert len(meta["data"]["hash"]) == 64 and meta["libraries"]["torch"]
    assert [e["epoch"] for e in meta["metrics"]["epochs"]] == [1, 2]
    assert set(meta["metrics"]["best"]["per_label"]) == {"TITLE", "SECTION", "ROW", "COL", "CELL", "UNIT", "NOISE"}
    for name in ("model.safetensors", "config.json", "tokenizer.json", "train_config.json", "inference.json"):
        assert (new.path / name).exists(), name
    config = json.loads((new.path / "config.json").read_text("utf-8"))
    assert config["id2label"]["0"] == "O" and config["label2id"]["B-TITLE"] == 1


def test_fine_tuning_records_its_parent(registry):
    from govreport.training.train import train

    parent = registry.active()
    docs = tiny_docs()
    child = train(tiny_config(**FAST), registry, extra_docs=docs[:1], eval_docs=docs, init_from=parent.version, tag="ft")
    assert child.meta["parent"] == parent.version
    assert child.version.endswith("-ft") and registry.active() == parent


def test_failed_run_leaves_no_version_and_active_untouched(registry, monkeypatch):
    import govreport.training.train as train_mod
    before = [v.version for v in registry.versions()]
    active = (registry.root / ACTIVE_FILE).read_text("utf-8")

    def broken_save(model, tokenizer, directory, *a, **kw):
        (Path(directory) / "model.safetensors").write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(train_mod, "save_model_dir", broken_save)
    docs = tiny_docs()
    with pytest.raises(OSError, match="disk full"):
        train_mod.train(tiny_config(**FAST), registry, extra_docs=docs, eval_docs=docs, progress=False)
    assert [v.version for v in registry.versions()] == before
    assert (registry.root / ACTIVE_FILE).read_text("utf-8") == active
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".tmp")]


def test_bad_training_input_fails_before_touching_the_registry(registry):
    from govreport.extraction.errors import InputError
    from govreport.training.train import train

    before = [v.version for v in registry.versions()]
    with pytest.raises(InputError, match="no training documents"):
        train(tiny_config(**FAST), registry, extra_docs=[], progress=False)
    assert [v.version for v in registry.versions()] == before


def test_models_cli_list_and_promote(registry):
    runner = CliRunner()
    root = str(registry.root)
    versions = [v.version for v in registry.versions()]
    r = runner.invoke(main, ["models", "list", "--models-dir", root])
    assert r.exit_code == 0, r.output
    active = registry.active().version
    marked = [line.lstrip("* ").split()[0] for line in r.output.splitlines() if line.startswith("*")]
    assert marked == [active]
    assert all(v in r.output for v in versions)

    other = next(v for v in versions if v != active)
    r = runner.invoke(main, ["models", "promote", other, "--models-dir", root])
    assert r.exit_code == 0 and other in r.output, r.output
    assert registry.active().version == other
    rows = json.loads(runner.invoke(main, ["models", "list", "--json", "--models-dir", root]).output)
    assert [row["version"] for row in rows if row["active"]] == [other]

    r = runner.invoke(main, ["models", "promote", "v9999-20000101-nope", "--models-dir", root])
    assert r.exit_code != 0 and "no model version" in r.output
    assert registry.active().version == other
    registry.promote(active)


def test_model_tagger_load_errors(tmp_path, monkeypatch):
    from govreport.extraction.taggers import get_tagger
    from govreport.extraction.taggers.model import ModelTagger
    from govreport.extraction.taggers.rules import RuleTagger

    empty = tmp_path / "empty"
    monkeypatch.setenv("GOVREPORT_MODELS_DIR", str(empty))
    with pytest.raises(FileNotFoundError, match="no active model"):
        ModelTagger.load()
    with pytest.raises(FileNotFoundError, match="no model version"):
        ModelTagger.load("v0001-20990101-missing")
    with pytest.raises(FileNotFoundError):
        get_tagger("model")
    assert isinstance(get_tagger("auto"), RuleTagger)


def test_auto_tagger_uses_the_active_model(registry, monkeypatch):
    from govreport.extraction.taggers import get_tagger
    from govreport.extraction.taggers.model import ModelTagger

    monkeypatch.setenv("GOVREPORT_MODELS_DIR", str(registry.root))
    tagger = get_tagger("auto")
    assert isinstance(tagger, ModelTagger) and tagger.name == "model"
    assert tagger.version == registry.active().version
    by_name = ModelTagger.load(registry.active().version)
    assert by_name.version == tagger.version


def test_annotated_batches_feed_training(tmp_path):
    """An annotated batch on disk (HF dataset: text + spans) becomes training data; held-out rows
    stay out; a bad span is a clear input error."""
    from datasets import Dataset

    from govreport.extraction.errors import InputError
    from govreport.training.data import load_annotation_dir
    from govreport.training.train import train

    docs = tiny_docs()
    rows = {
        "text": [d.text for d in docs],
        "spans": [[{"start": s.start, "end": s.end, "label": s.label.value} for s in d.spans] for d in docs],
        "split": ["train", "train", "heldout"],
    }
    batch = tmp_path / "b0001" / "dataset"
    Dataset.from_dict(rows).save_to_disk(str(batch))
    loaded = load_annotation_dir(tmp_path / "b0001")
    assert [d.text for d in loaded] == [d.text for d in docs[:2]]
    assert [[(s.start, s.end, s.label) for s in d.spans] for d in loaded] == [
        [(s.start, s.end, s.label) for s in d.spans] for d in docs[:2]
    ]
    assert len(load_annotation_dir(batch, include_heldout=True)) == 3

    mv = train(tiny_config(**FAST, annotation_dirs=(str(batch),)), ModelRegistry(tmp_path / "m"), eval_docs=docs, progress=False)
    assert mv.meta["data"]["n_annotated"] == 2 and mv.meta["data"]["annotation_dirs"] == [str(batch)]

    bad = tmp_path / "bad"
    Dataset.from_dict({"text": ["abc"], "spans": [[{"start": 2, "end": 9, "label": "CELL"}]]}).save_to_disk(str(bad))
    with pytest.raises(InputError, match="invalid spans"):
        load_annotation_dir(bad)
