"""Training that teaches reading: the rule channel corrupted, unseen characters, ALBERT and ModernBERT + char-2."""
from __future__ import annotations

import numpy as np

from govreport.training.registry import ModelRegistry
from govreport.extraction.model.tokenizer import CharTokenizer

from .test_model_overfit import key, tiny_config, tiny_docs


def test_corrupted_rule_channel_keeps_shape_and_changes_spans():
    from govreport.training.train import corrupt_rule_tags

    tags = np.array([0, 1, 2, 2, 0, 3, 4, 0, 9, 10, 10, 10, 0, 5, 6, 0] * 8)
    rng = np.random.default_rng(0)
    outs = [corrupt_rule_tags(tags, rng) for _ in range(20)]
    assert all(o.shape == tags.shape and o.min() >= 0 and o.max() < 15 for o in outs)
    assert sum((o != tags).any() for o in outs) >= 15
    assert (tags == np.array([0, 1, 2, 2, 0, 3, 4, 0, 9, 10, 10, 10, 0, 5, 6, 0] * 8)).all()  # input untouched
    for o in outs:  # a span is never continued (I-) under another label's B-
        for a, b in zip(o[:-1], o[1:]):
            if b and b % 2 == 0:
                assert a in (b - 1, b), (a, b)


def test_unseen_character_stand_ins_are_characters_or_buckets():
    from govreport.training.train import unseen_char_ids

    tok = CharTokenizer.fixed()
    ids = unseen_char_ids(tok, (50, 40), np.random.default_rng(1))
    buckets = set(tok.bucket_ids.tolist())
    is_bucket = np.isin(ids, list(buckets))
    assert is_bucket.any() and (~is_bucket).any()
    assert ((ids >= tok.first_char_id) & (ids < tok.vocab_size) | is_bucket).all()
    old = CharTokenizer.train(["报告"])
    assert (unseen_char_ids(old, (3, 3), np.random.default_rng(1)) == old.unk_id).all()


def test_albert_with_fixed_vocabulary_and_damage_overfits(tmp_path):
    """The default's recipe (ALBERT, char-2, rule channel blanked/corrupted, character damage)
    still learns the tiny examples, decodes without a prior, and records the prior search."""
    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.train import train

    docs = tiny_docs()
    cfg = tiny_config(architecture="albert", embedding_size=16, vocabulary="fixed", rule_features=True,
                      rule_dropout=0.5, rule_corrupt=0.3, calibrate_rule_prior=False, epochs=60)  # fmt: skip
    mv = train(cfg, ModelRegistry(tmp_path), extra_docs=docs, eval_docs=docs, progress=False)
    assert mv.meta["model"]["architecture"] == "AlbertForTokenClassification"
    assert mv.meta["model"]["vocab_size"] == CharTokenizer.fixed().vocab_size
    assert mv.meta["metrics"]["rule_prior"] == {"span": 0.0, "outside": 0.0}
    assert len(mv.meta["metrics"]["rule_prior_search"]) > 1
    tagger = ModelTagger.load(str(mv.path))
    assert tagger.predictor.tokenizer.hashed
    hits = sum(key(tagger(d.with_spans([])).spans) == key(d.spans) for d in docs)
    assert hits >= 2, mv.meta["metrics"]["best"]


def test_modernbert_with_the_rule_channel_overfits_and_onnx_agrees(tmp_path):
    """The default's architecture: ModernBERT with a factorised embedding and the rule channel as
    an added embedding learns the tiny examples, exports to ONNX with the same three inputs as
    every version (OnnxPredictor runs it unchanged, and agrees with torch), loads back in torch
    as the same class, and its rule channel changes what it predicts."""
    import torch

    from govreport.extraction.model.modernbert import ARCHITECTURE
    from govreport.extraction.model.predictor import ONNX_INPUTS, OnnxPredictor
    from govreport.extraction.model.torch_runtime import TorchPredictor, load_model_dir
    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.train import train

    docs = tiny_docs()
    cfg = tiny_config(architecture="modernbert", embedding_size=16, num_layers=2, local_attention=16, vocabulary="fixed",
                      rule_features=True, rule_dropout=0.5, rule_corrupt=0.3, calibrate_rule_prior=False, epochs=60)  # fmt: skip
    mv = train(cfg, ModelRegistry(tmp_path), extra_docs=docs, eval_docs=docs, progress=False)
    assert mv.meta["model"]["architecture"] == ARCHITECTURE
    model, tok, info = load_model_dir(mv.path)
    assert type(model).__name__ == ARCHITECTURE and info["rule_features"]
    word = model.model.embeddings.tok_embeddings.word.weight
    assert tuple(word.shape) == (tok.vocab_size, 16)  # factorised: vocab x 16, then a projection to 32
    tagger = ModelTagger.load(str(mv.path))
    assert tagger.predictor.runtime == "onnx"
    assert [i.name for i in tagger.predictor.session.get_inputs()] == list(ONNX_INPUTS)
    hits = sum(key(tagger(d.with_spans([])).spans) == key(d.spans) for d in docs)
    assert hits >= 2, mv.meta["metrics"]["best"]
    texts = [d.text for d in docs]
    tp, op = TorchPredictor.load(mv.path, precision="fp32"), OnnxPredictor.load(mv.path, precision="fp32")
    encs = tp.tokenizer.encode_batch(texts)
    rules = tp.rule_tags(texts, encs)
    for a, b in zip(tp.token_probs(encs, rules), op.token_probs(encs, rules)):
        assert a.shape == b.shape and np.abs(a - b).max() < 1e-4
    from govreport.extraction.model.features import BLANK

    blank = [np.full_like(r, BLANK) for r in rules]
    with torch.no_grad():
        diff = max(float(np.abs(a - b).max()) for a, b in zip(tp.token_probs(encs, rules), tp.token_probs(encs, blank)))
    assert diff > 1e-3  # the rule channel is an input the model uses


def test_modernbert_export_twin_computes_the_same_logits():
    """The graph ONNX is traced from (rotary tables and the sliding band as constants,
    rotate_half folded into the projection) gives transformers' logits: padded rows, a window
    shorter than the longest, a local window narrower than the sequence, 1 and 4 heads."""
    import torch

    from govreport.extraction.labels import ID2LABEL, LABEL2ID
    from govreport.extraction.model.modernbert import build_config, export_module_class, model_class

    for heads in (1, 4):
        torch.manual_seed(heads)
        cfg = build_config(300, 0, 64, hidden_size=32, num_layers=3, num_heads=heads, intermediate_size=48,
                           embedding_size=16, type_vocab_size=5, local_attention=8, global_attn_every_n_layers=2,
                           dropout=0.0, label_kwargs={"id2label": ID2LABEL, "label2id": LABEL2ID})  # fmt: skip
        model = model_class()(cfg).eval()
        model.set_attn_implementation("eager")
        twin = export_module_class()(model).eval()
        ids = torch.randint(1, 300, (2, 64))
        mask = torch.ones_like(ids)
        mask[1, 40:] = 0
        types = torch.randint(0, 5, (2, 64))
        with torch.no_grad():
            for t in (64, 23):
                want = model(input_ids=ids[:, :t], attention_mask=mask[:, :t], token_type_ids=types[:, :t]).logits
                got = twin(ids[:, :t], mask[:, :t], types[:, :t])
                keep = mask[:, :t].bool()
                assert float((want - got).abs()[keep].max()) < 1e-4
                assert float(want.abs().max()) > 1e-2  # not a trivially zero output


def test_modernbert_onnx_export_reads_every_window_length(tmp_path):
    """The exported graph (banded local attention on a window zero-extended to max_len, sliced back
    to the window) gives transformers' logits in ONNX Runtime at the full length, a short window, a
    length that is not a multiple of the band's block, and with padded rows."""
    import onnxruntime as ort
    import torch

    from govreport.extraction.labels import ID2LABEL, LABEL2ID
    from govreport.extraction.model.modernbert import build_config, export_module_class, model_class
    from govreport.training.modeling import export_onnx

    torch.manual_seed(7)
    cfg = build_config(300, 0, 64, hidden_size=32, num_layers=2, num_heads=2, intermediate_size=48,
                       embedding_size=16, type_vocab_size=5, local_attention=16, global_attn_every_n_layers=2,
                       dropout=0.0, label_kwargs={"id2label": ID2LABEL, "label2id": LABEL2ID})  # fmt: skip
    model = model_class()(cfg).eval()
    model.set_attn_implementation("eager")
    assert export_module_class()(model).blocked  # 8 divides 64: the banded path is the one exported
    path = export_onnx(model, tmp_path / "m.onnx", 64)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    ids = torch.randint(1, 300, (2, 64))
    types = torch.randint(0, 5, (2, 64))
    for t in (64, 61, 9, 1):
        mask = torch.ones(2, t, dtype=torch.int64)
        mask[1, t // 2 + 1 :] = 0
        with torch.no_grad():
            want = model(input_ids=ids[:, :t], attention_mask=mask, token_type_ids=types[:, :t]).logits.numpy()
        (got,) = sess.run(None, {"input_ids": ids[:, :t].numpy(), "attention_mask": mask.numpy(), "token_type_ids": types[:, :t].numpy()})
        keep = mask.numpy().astype(bool)
        assert got.shape == want.shape
        assert float(np.abs(want - got)[keep].max()) < 1e-4, t
