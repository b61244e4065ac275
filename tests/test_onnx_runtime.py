"""The ONNX export every model version carries: ONNX Runtime and torch predict the same."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from govreport.extraction.model.predictor import ONNX_FILE, OnnxPredictor
from govreport.extraction.model.registry import ModelRegistry
from govreport.extraction.taggers.model import ModelTagger

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "corpus"


def assert_same_spans(a, b) -> None:
    """Same spans (start, end, label); confidences equal up to float noise of the two runtimes."""
    assert [[(s.start, s.end, s.label) for s in doc] for doc in a] == [[(s.start, s.end, s.label) for s in doc] for doc in b]
    assert all(abs(x.score - y.score) < 1e-4 for da, db in zip(a, b) for x, y in zip(da, db))


def shipped_model() -> Path:
    mv = ModelRegistry(REPO / "models").active()
    assert mv is not None, "the checkout ships an active model"
    return mv.path


def corpus_texts() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def test_shipped_model_has_its_onnx_export():
    d = shipped_model()
    info = json.loads((d / "inference.json").read_text("utf-8"))
    assert (d / info["onnx"]["file"]).is_file() and info["onnx"]["file"] == ONNX_FILE
    assert info["onnx"]["precision"] in ("fp32", "int8")


def test_model_tagger_runs_onnx_by_default():
    tagger = ModelTagger.load(str(shipped_model()))
    assert tagger.predictor.runtime == "onnx"


def test_onnx_and_torch_agree_on_the_shipped_model():
    pytest.importorskip("torch", reason="torch is in the train extra")
    pytest.importorskip("transformers", reason="transformers is in the train extra")
    from govreport.extraction.model.torch_runtime import TorchPredictor
    from govreport.training.data import synth_documents

    d = shipped_model()
    texts = corpus_texts() + [doc.text for doc in synth_documents(4, seed=11)]
    tp, op = TorchPredictor.load(d, precision="fp32"), OnnxPredictor.load(d, precision="fp32")
    encs = tp.tokenizer.encode_batch(texts)
    rules = tp.rule_tags(texts, encs)
    for a, b in zip(tp.token_probs(encs, rules), op.token_probs(encs, rules)):
        assert a.shape == b.shape and np.abs(a - b).max() < 1e-4
    assert_same_spans(tp.predict(texts), op.predict(texts))


def test_torch_runtime_through_the_tagger():
    pytest.importorskip("torch", reason="torch is in the train extra")
    from govreport.extraction.document import Document

    d = str(shipped_model())
    doc = Document.from_text(corpus_texts()[0])
    by_onnx = ModelTagger.load(d, runtime="onnx", precision="fp32")(doc).spans
    by_torch = ModelTagger.load(d, runtime="torch", precision="fp32")(doc).spans
    assert [(s.start, s.end, s.label) for s in by_onnx] == [(s.start, s.end, s.label) for s in by_torch]


def test_a_version_without_onnx_is_refused_with_what_to_do(tmp_path):
    import shutil

    from govreport.extraction.model.check import CHECKSUMS_FILE, ModelUnusable

    d = tmp_path / "v0009-20260101-copy"
    shutil.copytree(shipped_model(), d)
    (d / CHECKSUMS_FILE).unlink()  # as a version made before checksums: the missing export is what fails
    (d / ONNX_FILE).unlink()
    (d / "model.int8.onnx").unlink(missing_ok=True)
    info = json.loads((d / "inference.json").read_text("utf-8"))
    info["onnx"]["precision"] = "fp32"
    (d / "inference.json").write_text(json.dumps(info), "utf-8")
    with pytest.raises(ModelUnusable, match="govreport.training.export"):
        ModelTagger.load(str(d))


def test_unknown_runtime_is_an_error():
    from govreport.extraction.model.check import ModelUnusable

    with pytest.raises(ModelUnusable, match="runtime must be one of onnx, torch"):
        ModelTagger.load(str(shipped_model()), runtime="tensorflow")


def test_shipped_int8_default_extracts_the_same_tables_as_fp32():
    """int8 is the shipped default only because it was measured equal (docs/benchmarks.md,
    "ONNX precision"); on the development corpus its tables equal fp32's."""
    from govreport.extraction.pipeline import Extractor

    d = str(shipped_model())
    default, fp32 = ModelTagger.load(d), ModelTagger.load(d, precision="fp32")
    assert default.predictor.precision == json.loads((shipped_model() / "inference.json").read_text("utf-8"))["onnx"]["precision"]
    for path in sorted(CORPUS.glob("*.txt")):
        a = Extractor(default).extract_path(path).output
        b = Extractor(fp32).extract_path(path).output
        assert a["tables"] == b["tables"], path.name


def test_a_report_reads_the_same_alone_and_in_a_batch():
    """Windows run one per ONNX Runtime call: int8's dynamic quantisation scales a call's
    activations together, so with several windows per call a report's spans depended on the
    other reports of a batch job."""
    from govreport.training.data import synth_documents

    texts = corpus_texts()[:3] + [doc.text for doc in synth_documents(3, seed=5)]
    p = OnnxPredictor.load(shipped_model())  # the shipped default precision (int8)
    alone = [p.predict([t])[0] for t in texts]
    together = p.predict(texts)
    assert [[(s.start, s.end, s.label, s.score) for s in d] for d in alone] == [
        [(s.start, s.end, s.label, s.score) for s in d] for d in together
    ]


def test_reexporting_a_registry_version_keeps_it_loadable_and_refuses_a_damaged_one(tmp_path):
    """``training.export`` rewrites a version's ONNX files: its checksums follow them (the version
    still loads), but a version whose weights fail their checksums is refused, not re-blessed."""
    import shutil

    pytest.importorskip("torch", reason="torch is in the train extra")
    from govreport.extraction.model.check import ModelUnusable, verify_checksums
    from govreport.training.export import export_version

    d = tmp_path / "v0009-20260101-copy"
    shutil.copytree(shipped_model(), d)
    export_version(d, int8=True)
    assert verify_checksums(d) and ModelTagger.load(str(d)).predictor.runtime == "onnx"
    weights = d / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\x00")
    with pytest.raises(ModelUnusable, match="checksum"):
        export_version(d, int8=True)


def test_int8_quantisation_leaves_the_root_logger_bare_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # ONNX Runtime's quantizer calls logging.warning(), which gave the bare root logger a stderr
    # handler for good: retrain printed every later trainer line twice, and its advice to run
    # "pre-processing before quantization" reached users who cannot act on it
    import logging

    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from govreport.training.modeling import quantize_onnx_int8

    weights = numpy_helper.from_array(np.ones((4, 4), dtype=np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [weights],
    )  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "m.onnx")
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()  # as in a plain `govreport retrain` process (pytest adds its own)
    try:
        quantize_onnx_int8(tmp_path / "m.onnx", tmp_path / "q.onnx")
        assert root.handlers == [] and root.filters == []
    finally:
        root.handlers[:] = saved
    assert (tmp_path / "q.onnx").stat().st_size > 0
    assert "pre-processing" not in capsys.readouterr().err
