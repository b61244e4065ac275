"""``--base-model DIR``: fine-tune a local Hugging Face checkpoint with the layout-keeping tokenizer."""
from __future__ import annotations

import numpy as np
import pytest

from tests.test_model_overfit import tiny_config, tiny_docs
from govreport.training.registry import ModelRegistry


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A tiny BERT checkpoint with a per-character WordPiece vocabulary, as a Chinese BERT has."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    d = tmp_path_factory.mktemp("tiny-bert")
    chars = sorted(set("".join(doc.text for doc in tiny_docs())) - set(" \t\n0123456789"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "0", "##0", *chars]
    BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(str(d))
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertForMaskedLM(cfg).save_pretrained(str(d))
    return d


def test_embeddings_come_from_the_checkpoint(checkpoint):
    from transformers import AutoModel, AutoTokenizer

    from govreport.training.modeling import model_from_base
    from govreport.extraction.model.tokenizer import CharTokenizer

    tok = CharTokenizer.train([d.text for d in tiny_docs()])
    model = model_from_base(checkpoint, tok, max_len=64, rule_features=True)
    base = AutoModel.from_pretrained(str(checkpoint))
    base_vocab = AutoTokenizer.from_pretrained(str(checkpoint)).get_vocab()
    ours = tok.tokenizer.get_vocab()
    new_emb = model.get_input_embeddings().weight.detach().numpy()
    old_emb = base.get_input_embeddings().weight.detach().numpy()
    for ch in ("报", "告", "规", "章"):
        np.testing.assert_array_equal(new_emb[ours[ch]], old_emb[base_vocab[ch]])
    np.testing.assert_array_equal(new_emb[ours["000"]], old_emb[base_vocab["0"]])  # a digit run starts from "0"
    assert new_emb.shape[0] == tok.vocab_size and model.config.num_labels == 15
    # the encoder is the checkpoint's
    np.testing.assert_array_equal(
        model.bert.encoder.layer[0].attention.self.query.weight.detach().numpy(),
        base.encoder.layer[0].attention.self.query.weight.detach().numpy(),
    )


def test_train_from_base_model(checkpoint, tmp_path):
    from govreport.extraction.taggers.model import ModelTagger
    from govreport.training.train import train

    docs = tiny_docs()
    mv = train(tiny_config(base_model=str(checkpoint), epochs=2), ModelRegistry(tmp_path), extra_docs=docs, eval_docs=docs, progress=False)
    assert mv.meta["base_model"] == str(checkpoint)
    tagger = ModelTagger.load(str(mv.path))
    out = tagger(docs[0].with_spans([]))
    assert all(0 <= s.start < s.end <= len(docs[0].text) for s in out.spans)
