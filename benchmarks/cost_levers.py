"""Forward-cost levers of the ModernBERT tagger, cost only (random weights: cost depends on the shape).

    OMP_NUM_THREADS=1 python benchmarks/cost_levers.py SPEC [SPEC ...]
    e.g. "" "h=96:heads=2:ffn=144" "h=64:heads=2:ffn=128:full=1" "h=80:heads=1:ffn=160:maxlen=128:stride=112"

Each SPEC (``key=value`` joined by ``:``; ``""`` = the v0002 shape) builds the default's class
(``extraction.model.modernbert``, rule channel on) with ``h`` (hidden), ``heads``, ``ffn`` (GLU
intermediate), ``local``, ``gevery``, ``maxlen``/``stride`` (windows), exports it through the shipped
path (``training.modeling.export_onnx``: the export twin), checks the ONNX logits against torch at
a full and a short window, quantises it and prints the median CPU ms of the forward passes over one
5,868-character report (3,885 char-2 tokens, one window per call, 1 thread). Options:
``q=w`` (default: dynamic int8 of the weight products, as shipped), ``q=aa`` (also the
activation x activation attention products: ``MatMulConstBOnly=False``), ``q=u8`` (uint8 weights);
``lvl=1|2|99`` (ONNX Runtime graph optimisation basic / extended / all; default all);
``full=1`` (the twin's local layers as a full ``t x t`` product with a band mask instead of blocks).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from arch_probe import windows_cpu_ms  # benchmarks/ is sys.path[0] when a script here runs


def main(specs: list[str]) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    import govreport.extraction.model.modernbert as mb
    from govreport.extraction.model.features import N_RULE_TYPES
    from govreport.extraction.model.predictor import ONNX_DISABLED_OPTIMIZERS
    from govreport.extraction.model.tokenizer import CharTokenizer
    from govreport.training.modeling import export_onnx, label_config_kwargs
    from govreport.training.synth.generator import make_report

    torch.set_num_threads(1)
    rounds = int(os.environ.get("R", "10"))
    text, i = "", 0
    while len(text) < 6000:  # the report of benchmarks/model_cost.py
        text += make_report(4242, i).text + "\n"
        i += 1
    text = text[: text.rfind("\n", 0, 6000) + 1]
    tok = CharTokenizer.fixed()
    ids = np.asarray(tok.encode(text).ids)
    levels = {"1": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC, "2": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
              "99": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}  # fmt: skip
    print(f"{len(ids)} tokens; load average {os.getloadavg()[0]:.1f}")
    print("| spec | int8 forward CPU ms |\n|---|---:|")
    for spec in specs:
        o: dict = dict(h=128, heads=4, ffn=192, local=64, gevery=2, maxlen=256, stride=224, q="w", lvl="99", full=0)
        o.update({k: (v if k in ("q", "lvl") else int(v)) for k, v in (x.split("=") for x in spec.split(":") if x)})
        torch.manual_seed(0)
        model = mb.model_class()(mb.build_config(
            tok.vocab_size, tok.pad_id, o["maxlen"], hidden_size=o["h"], num_layers=2, num_heads=o["heads"],
            intermediate_size=o["ffn"], embedding_size=64, type_vocab_size=N_RULE_TYPES, local_attention=o["local"],
            global_attn_every_n_layers=o["gevery"], dropout=0.0, label_kwargs=label_config_kwargs())).eval()  # fmt: skip
        with tempfile.TemporaryDirectory() as d:
            fp32, int8 = Path(d) / "m.onnx", Path(d) / "q.onnx"
            twin = mb.export_module_class()
            init = twin.__init__
            if o["full"]:
                def full_init(self, m, init=init):
                    init(self, m)
                    self.blocked = False

                twin.__init__ = full_init
            try:
                export_onnx(model, fp32, o["maxlen"])
            finally:
                twin.__init__ = init
            check = ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"])
            for t in (o["maxlen"], 77):
                w = ids[None, :t]
                types = np.random.default_rng(0).integers(0, N_RULE_TYPES, (1, t))
                (got,) = check.run(None, {"input_ids": w, "attention_mask": np.ones_like(w), "token_type_ids": types})
                with torch.no_grad():
                    want = model(input_ids=torch.from_numpy(w), attention_mask=torch.ones(1, t, dtype=torch.long),
                                 token_type_ids=torch.from_numpy(types)).logits.numpy()  # fmt: skip
                assert np.abs(got - want).max() < 1e-3, (spec, t, np.abs(got - want).max())
            extra = {"MatMulConstBOnly": False} if o["q"] == "aa" else {}
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QUInt8 if o["q"] == "u8" else QuantType.QInt8,
                             extra_options=extra)  # fmt: skip
            so = ort.SessionOptions()
            so.intra_op_num_threads = so.inter_op_num_threads = 1
            so.graph_optimization_level = levels[o["lvl"]]
            sess = ort.InferenceSession(str(int8), so, providers=["CPUExecutionProvider"],
                                        disabled_optimizers=list(ONNX_DISABLED_OPTIMIZERS))  # fmt: skip
        ms = windows_cpu_ms(sess, ids, o["maxlen"], o["stride"], rounds, warmup=2)
        print(f"| {spec or '(v0002 shape)'} | {ms:.1f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
