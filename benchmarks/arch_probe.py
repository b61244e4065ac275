"""Architecture probe: which small encoder learns to *read* fastest per CPU-millisecond.

    python benchmarks/arch_probe.py --steps 150 --n-train 120 --n-dev 30 [--archs bert,albert,modernbert]
    python benchmarks/arch_probe.py --cost-only --archs bert,govmodernbert,govmodernbert:h=96:heads=2:ffn=144

Every architecture gets the same windows of generated reports (char-2 tokenizer, character damage
of ``training.synth.noise`` on, the rule channel *blank*: this measures reading, not copying),
the same optimiser and number of steps. Reported per architecture: parameters, size of the
weights, dev token accuracy and entity F1 after the steps, training CPU seconds, and the CPU
milliseconds of one forward pass over a ~6,000-character report (1 thread, fp32, best of 5).
ModernBERT has no token-type input, so it could only carry the rule channel through extra code:
the probe compares all three without it. ``govmodernbert[:h=..:heads=..:ffn=..:gevery=..]`` is the
default's class (``extraction.model.modernbert``: factorised 64-wide embedding) with those sizes;
its ONNX cost column is the shipped path (the export twin, int8, one window per call, 1 thread).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time

import numpy as np


def build(arch: str, vocab_size: int, pad_id: int, max_len: int, hidden: int = 128, layers: int = 2):
    from transformers import (
        AlbertConfig, AlbertForTokenClassification, BertConfig, BertForTokenClassification,
        ModernBertConfig, ModernBertForTokenClassification,
    )  # fmt: skip

    from govreport.training.modeling import label_config_kwargs

    kw = label_config_kwargs()
    if arch == "bert":
        return BertForTokenClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=4,
            intermediate_size=2 * hidden, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
            max_position_embeddings=max_len, type_vocab_size=1, pad_token_id=pad_id, **kw))  # fmt: skip
    if arch == "albert":
        return AlbertForTokenClassification(AlbertConfig(
            vocab_size=vocab_size, embedding_size=64, hidden_size=hidden, num_hidden_layers=layers,
            num_hidden_groups=layers, inner_group_num=1, num_attention_heads=4, intermediate_size=2 * hidden,
            hidden_act="gelu", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, classifier_dropout_prob=0.0,
            max_position_embeddings=max_len, type_vocab_size=1, pad_token_id=pad_id, **kw))  # fmt: skip
    if arch.startswith("govmodernbert"):  # the default's class; "govmodernbert:h=96:heads=2:ffn=144:gevery=2"
        from govreport.extraction.model.modernbert import build_config, model_class

        opts = {"h": hidden, "heads": 4, "ffn": 192, "emb": 64, "local": 64, "gevery": 2}
        opts.update({k: int(v) for k, v in (o.split("=") for o in arch.split(":")[1:])})
        return model_class()(build_config(
            vocab_size, pad_id, max_len, hidden_size=opts["h"], num_layers=layers, num_heads=opts["heads"],
            intermediate_size=opts["ffn"], embedding_size=opts["emb"], type_vocab_size=0, local_attention=opts["local"],
            global_attn_every_n_layers=opts["gevery"], dropout=0.0, label_kwargs=kw))  # fmt: skip
    if arch == "modernbert":
        return ModernBertForTokenClassification(ModernBertConfig(
            vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=4,
            intermediate_size=2 * hidden, max_position_embeddings=max_len, local_attention=64,
            global_attn_every_n_layers=2, pad_token_id=pad_id, bos_token_id=pad_id, eos_token_id=pad_id,
            cls_token_id=pad_id, sep_token_id=pad_id, attention_dropout=0.0, mlp_dropout=0.0,
            embedding_dropout=0.0, classifier_dropout=0.0, **kw))  # fmt: skip
    raise ValueError(arch)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--archs", default="bert,albert,modernbert")
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--n-train", type=int, default=120)
    ap.add_argument("--n-dev", type=int, default=30)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cost-only", action="store_true", help="no training: the ONNX int8 forward cost of each architecture (random weights; cost depends on the shape only)")
    ap.add_argument("--rounds", type=int, default=7, help="timing rounds of the ONNX int8 forward (median)")
    args = ap.parse_args()

    import torch

    from govreport.training.data import featurize, pad_batch, shifted_windows, synth_documents
    from govreport.training.evaluate import span_scores
    from govreport.training.modeling import TorchPredictor as Predictor
    from govreport.training.synth.noise import train_damage
    from govreport.extraction.model.tokenizer import CharTokenizer
    from govreport.extraction.document import Span

    torch.set_num_threads(args.threads)
    tok = CharTokenizer.fixed()
    if args.cost_only:
        enc = tok.encode("".join(d.text for d in synth_documents(3, 99))[:6000])
        print(f"{len(enc.ids)} tokens; load average {os.getloadavg()[0]:.1f}")
        print("| architecture | parameters | ONNX int8 forward CPU ms / 6,000 chars |")
        print("|---|---:|---:|")
        for arch in args.archs.split(","):
            torch.manual_seed(0)
            model = build(arch, tok.vocab_size, tok.pad_id, args.max_len).eval()
            ms = onnx_int8_cost(model, enc, args.max_len, 224 if "modernbert" in arch else 192, args.rounds)
            print(f"| {arch} | {sum(p.numel() for p in model.parameters()):,} | {ms} |", flush=True)
        return
    rng = random.Random(0)
    train_docs = [train_damage(d, rng, 0.15) for d in synth_documents(args.n_train, 11)]
    dev_docs = [train_damage(d, rng, 0.15) for d in synth_documents(args.n_dev, 12)]
    feats = featurize(train_docs, tok, rule_features=False)
    npr = np.random.default_rng(0)
    windows = shifted_windows(feats, args.max_len, npr)
    order = [npr.permutation(len(windows)) for _ in range(1 + args.steps * args.batch // max(1, len(windows)))]
    order = np.concatenate(order)
    sample = synth_documents(3, 99)
    long_text = "".join(d.text for d in sample)[:6000]
    results = []
    for arch in args.archs.split(","):
        torch.manual_seed(0)
        model = build(arch, tok.vocab_size, tok.pad_id, args.max_len)
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
        model.train()
        c0 = time.process_time()
        for step in range(args.steps):
            idx = order[step * args.batch : (step + 1) * args.batch]
            ids, mask, labels = pad_batch([windows[i] for i in idx], tok.pad_id)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), torch.from_numpy(labels).reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
        train_cpu = time.process_time() - c0
        model.eval()
        pred = Predictor(model, tok, args.max_len, 192, 64, precision="fp32")
        texts = [d.text for d in dev_docs]
        spans = [[Span(s.start, s.end, s.label, s.score, "model") for s in p] for p in pred.predict(texts)]
        f1 = span_scores(texts, [d.spans for d in dev_docs], spans)["overall"]["f1"]
        dev_feats = featurize(dev_docs, tok, rule_features=False)
        probs = pred.token_probs(dev_feats)  # the normalised view's tokens, as in training
        acc = float(np.mean(np.concatenate([p.argmax(1) == f.labels for p, f in zip(probs, dev_feats)])))
        enc = tok.encode(long_text)
        costs = []
        for _ in range(5):
            c = time.process_time()
            pred.token_probs([enc])
            costs.append(time.process_time() - c)
        size = sum(p.numel() for p in model.parameters()) * 4
        onnx_ms = onnx_int8_cost(model, enc, args.max_len, 224 if "modernbert" in arch else 192)
        results.append({"arch": arch, "parameters": sum(p.numel() for p in model.parameters()), "fp32_mb": round(size / 2**20, 1),
                        "steps": args.steps, "train_cpu_s": round(train_cpu, 1), "dev_token_acc": round(acc, 4),
                        "dev_entity_f1": round(f1, 4), "forward_cpu_ms_6000_chars": round(1000 * min(costs), 1),
                        "onnx_int8_forward_cpu_ms": onnx_ms, "tokens": len(enc.ids)})  # fmt: skip
        print(json.dumps(results[-1]), flush=True)
    print("| architecture | parameters | weights MB (fp32) | train CPU s | dev token acc | dev entity F1 | forward CPU ms / 6,000 chars (torch fp32) | ONNX int8 forward CPU ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['arch']} | {r['parameters']:,} | {r['fp32_mb']} | {r['train_cpu_s']} | {r['dev_token_acc']:.4f} | {r['dev_entity_f1']:.4f} | {r['forward_cpu_ms_6000_chars']} | {r['onnx_int8_forward_cpu_ms']} |")


def onnx_int8_cost(model, enc, max_len: int, stride: int, rounds: int = 7) -> float:
    """Median CPU ms of the shipped path's forward: ONNX export (``training.modeling.export_onnx``,
    the export twin for ModernBERT), int8 quantisation, one window per call, 1 thread."""
    import tempfile
    from pathlib import Path

    import onnxruntime as ort

    from govreport.extraction.model.predictor import ONNX_DISABLED_OPTIMIZERS
    from govreport.training.modeling import export_onnx, quantize_onnx_int8

    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = Path(tmp) / "m.onnx", Path(tmp) / "m.int8.onnx"
        export_onnx(model, fp32, max_len)
        quantize_onnx_int8(fp32, int8)
        so = ort.SessionOptions()
        so.intra_op_num_threads = so.inter_op_num_threads = 1
        sess = ort.InferenceSession(str(int8), so, providers=["CPUExecutionProvider"], disabled_optimizers=list(ONNX_DISABLED_OPTIMIZERS))
    return round(windows_cpu_ms(sess, np.asarray(enc.ids, dtype=np.int64), max_len, stride, rounds), 1)


def windows_cpu_ms(sess, ids: np.ndarray, max_len: int, stride: int, rounds: int, warmup: int = 1) -> float:
    """Median CPU ms of one pass over the windows of ``ids`` (1-D token ids; ``window_bounds``, one
    ``sess.run`` per window as the predictor does, rule channel all 0) over ``rounds`` passes after
    ``warmup`` untimed ones."""
    from govreport.extraction.model.predictor import window_bounds

    feeds = []
    for s, e in window_bounds(len(ids), max_len, stride):
        w = ids[None, s:e]
        feed = {"input_ids": w, "attention_mask": np.ones_like(w), "token_type_ids": np.zeros_like(w)}
        feeds.append({i.name: feed[i.name] for i in sess.get_inputs()})  # a model without the rule channel has two
    costs = []
    for _ in range(rounds + warmup):
        c = time.process_time()
        for f in feeds:
            sess.run(None, f)
        costs.append(1000 * (time.process_time() - c))
    return float(np.median(costs[warmup:]))


if __name__ == "__main__":
    main()
