"""Cost of model tagging on 1 core: a ~6,000-character report, steady state, side by side.

    python benchmarks/model_cost.py --models v0001-20261123-default,v0002-... [--rounds 30]
    python benchmarks/model_cost.py --models v0002-... --shapes h=96:heads=2:ffn=144,h=80:heads=1:ffn=160

For each model and ONNX precision it has: the median wall and CPU milliseconds of (a) the whole
tagger call (tokenize + rule channel + ONNX forward + decode, what ``--tagger model`` adds on top
of the assembly) and (b) the ONNX forward alone, on one ~6,000-character generated report, with
one ONNX Runtime thread, after 3 warm-up calls; and the model directory's size on disk. A second
table splits the tagger call into its stages (median CPU ms each: tokenize, rule channel = the
rule tagger's spans as per-token ids, forward = windows + ONNX Runtime + merge, decode = BIO spans).

``--shapes`` adds ModernBERT shapes that are not trained (``h``idden, ``heads``, ``ffn`` =
GLU intermediate size, ``emb``, ``local`` window, ``gevery``; the default's class with random
weights, exported through the shipped path: export twin, int8): cost depends on the shape only, so
a recipe's tagging cost is known before it is trained. They take the first model's tokenizer and
``inference.json`` (windows, rule channel); their decode column reads random tags (a trained
model's spans are fewer).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def random_shape_dir(spec: str, like: Path, dest: Path) -> Path:
    """A model directory of ``like``'s tokenizer and inference settings with a random-weight
    ModernBERT of shape ``spec`` (``h=96:heads=1:ffn=144``), exported as the shipped path does."""
    import torch

    from govreport.extraction.model.modernbert import build_config, model_class
    from govreport.extraction.model.tokenizer import CharTokenizer
    from govreport.extraction.model.features import N_RULE_TYPES
    from govreport.training.modeling import export_onnx_files, label_config_kwargs

    opts = {"h": 128, "heads": 4, "ffn": 192, "emb": 64, "local": 64, "gevery": 2}
    opts.update({k: int(v) for k, v in (o.split("=") for o in spec.split(":") if o)})
    info = json.loads((like / "inference.json").read_text("utf-8"))
    tok = CharTokenizer.load(like)
    torch.manual_seed(0)
    model = model_class()(build_config(
        tok.vocab_size, tok.pad_id, int(info["max_len"]), hidden_size=opts["h"], num_layers=2, num_heads=opts["heads"],
        intermediate_size=opts["ffn"], embedding_size=opts["emb"], type_vocab_size=N_RULE_TYPES if info.get("rule_features") else 0,
        local_attention=opts["local"], global_attn_every_n_layers=opts["gevery"], dropout=0.0,
        label_kwargs=label_config_kwargs())).eval()  # fmt: skip
    dest.mkdir(parents=True)
    shutil.copy(like / "tokenizer.json", dest / "tokenizer.json")
    info["onnx"] = export_onnx_files(model, dest, int(info["max_len"]), int8=True)
    (dest / "inference.json").write_text(json.dumps(info), "utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", required=True)
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--shapes", default="", help="untrained ModernBERT shapes to add, comma-separated (see above)")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--chars", type=int, default=6000)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from govreport.extraction.model.predictor import OnnxPredictor
    from govreport.training.registry import ModelRegistry
    from govreport.training.synth.generator import make_report

    text = ""
    i = 0
    while len(text) < args.chars:  # whole generated reports, the last one cut at a line end
        text += make_report(4242, i).text + "\n"
        i += 1
    text = text[: text.rfind("\n", 0, args.chars) + 1]
    reg = ModelRegistry(args.models_dir)
    paths = [Path(ref) if Path(ref).is_dir() else reg.get(ref).path for ref in args.models.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="model_cost_"))
    try:
        for spec in filter(None, args.shapes.split(",")):
            paths.append(random_shape_dir(spec, paths[0], tmp / f"shape {spec}"))
        print(f"report: {len(text)} characters; load average {os.getloadavg()[0]:.1f}")
        rows, stages = [], []
        for path in paths:
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file()) / 1e6
            for precision in ("fp32", "int8"):
                if precision == "int8" and not (path / "model.int8.onnx").exists():
                    continue
                pred = OnnxPredictor.load(path, num_threads=1, precision=precision)
                enc = pred.tokenizer.encode(text)
                rules = pred.rule_tags([text], [enc])
                probs = pred.token_probs([enc], rules)[0]

                def timed(fn):
                    for _ in range(3):
                        fn()
                    walls, cpus = [], []
                    for _ in range(args.rounds):
                        w, c = time.perf_counter(), time.process_time()
                        fn()
                        walls.append(1000 * (time.perf_counter() - w))
                        cpus.append(1000 * (time.process_time() - c))
                    return statistics.median(walls), statistics.median(cpus)

                tw, tc = timed(lambda: pred.predict([text]))
                fw, fc = timed(lambda: pred.token_probs([enc], rules))
                _, tok_c = timed(lambda: pred.tokenizer.encode_batch([text]))
                _, rule_c = timed(lambda: pred.rule_tags([text], [enc]))
                _, dec_c = timed(lambda: pred.decode(text, enc, probs, rules[0] if rules else None, pred.rule_prior, pred.split_on_b))
                name = path.name
                rows.append(f"| {name} | {precision} | {size:.1f} | {len(enc.ids)} | {tw:.1f} | {tc:.1f} | {fw:.1f} | {fc:.1f} |")
                stages.append(f"| {name} | {precision} | {tok_c:.1f} | {rule_c:.1f} | {fc:.1f} | {dec_c:.1f} | {tok_c + rule_c + fc + dec_c:.1f} | {tc:.1f} |")
                print(rows[-1], flush=True)
        print("\n| model | precision | size MB (dir) | tokens | tagger wall ms | tagger CPU ms | forward wall ms | forward CPU ms |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
        print("\n| model | precision | tokenize | rule channel | forward | decode | sum | tagger call (CPU ms) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(stages))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
