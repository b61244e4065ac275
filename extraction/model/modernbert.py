"""ModernBERT with govreport's two inputs: characters (through a factorised embedding) and the
rule channel (an added embedding of the rule tagger's BIO tags).

transformers' ``ModernBertForTokenClassification`` has no token-type input and a full-width
token embedding (26,612 ids x hidden: 13.6 MB per copy at 128 wide, and a version ships three
copies). ``GovModernBertForTokenClassification`` keeps its encoder (rotary positions, local
attention with a global layer every ``global_attn_every_n_layers``) and changes only the input:

- token embedding ``vocab x embedding_size`` followed by a ``embedding_size -> hidden`` projection
  (ALBERT's factorisation), when ``config.embedding_size`` is set and smaller than the hidden size;
- ``rule_embeddings``: ``type_vocab_size x hidden``, added to the token embedding before
  ModernBERT's embedding norm (``token_type_ids``: the rule tag id per token, ``BLANK`` where
  the channel is withheld), when ``config.type_vocab_size`` > 0.

The forward signature is BERT's (``input_ids``, ``attention_mask``, ``token_type_ids``), so the
ONNX export has the same three inputs as every other version and ``OnnxPredictor`` runs it
unchanged. torch and transformers are imported inside ``model_class()`` only: the extraction
layer imports without them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

ARCHITECTURE = "GovModernBertForTokenClassification"


@lru_cache(maxsize=1)
def model_class() -> Any:
    """The model class (built on first use: needs torch and transformers)."""
    import torch
    from torch import nn
    from transformers import ModernBertForTokenClassification
    from transformers.models.modernbert.modeling_modernbert import ModernBertEmbeddings

    class FactorisedEmbedding(nn.Module):
        """``[b, t]`` ids -> ``[b, t, hidden]``: a narrow lookup and a linear projection."""

        def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int, pad_id: int | None):
            super().__init__()
            self.word = nn.Embedding(vocab_size, embedding_size, padding_idx=pad_id)
            self.project = nn.Linear(embedding_size, hidden_size, bias=False)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.project(self.word(ids))

    class GovModernBertForTokenClassification(ModernBertForTokenClassification):
        def __init__(self, config: Any):
            super().__init__(config)
            hidden = config.hidden_size
            emb = getattr(config, "embedding_size", None)
            if emb and emb < hidden:
                self.model.embeddings.tok_embeddings = FactorisedEmbedding(config.vocab_size, emb, hidden, config.pad_token_id)
            n_types = int(getattr(config, "type_vocab_size", 0) or 0)
            self.rule_embeddings = nn.Embedding(n_types, hidden) if n_types > 0 else None
            self.post_init()

        def _init_weights(self, module: nn.Module) -> None:
            if isinstance(module, ModernBertEmbeddings) and isinstance(module.tok_embeddings, FactorisedEmbedding):
                std = self.config.initializer_range
                nn.init.trunc_normal_(module.tok_embeddings.word.weight, std=std, a=-3 * std, b=3 * std)
                nn.init.trunc_normal_(module.tok_embeddings.project.weight, std=std * 4, a=-12 * std, b=12 * std)
                return
            if isinstance(module, FactorisedEmbedding):
                return  # initialised with its ModernBertEmbeddings parent
            if module is getattr(self, "rule_embeddings", None):
                nn.init.normal_(module.weight, std=self.config.initializer_range)
                return
            super()._init_weights(module)

        def forward(
            self,
            input_ids: torch.Tensor | None = None,
            attention_mask: torch.Tensor | None = None,
            token_type_ids: torch.Tensor | None = None,
            labels: torch.Tensor | None = None,
            **kwargs: Any,
        ):
            embeds = self.model.embeddings.tok_embeddings(input_ids)
            if self.rule_embeddings is not None and token_type_ids is not None:
                embeds = embeds + self.rule_embeddings(token_type_ids)
            return super().forward(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels, **kwargs)

    return GovModernBertForTokenClassification


def build_config(
    vocab_size: int,
    pad_id: int,
    max_len: int,
    *,
    hidden_size: int,
    num_layers: int,
    num_heads: int,
    intermediate_size: int,
    embedding_size: int | None,
    type_vocab_size: int,
    local_attention: int,
    global_attn_every_n_layers: int,
    dropout: float,
    label_kwargs: dict[str, Any],
) -> Any:
    """The ``ModernBertConfig`` of a new model (no hub); the extra fields ``embedding_size`` and
    ``type_vocab_size`` are saved in ``config.json`` with it."""
    from transformers import ModernBertConfig

    cfg = ModernBertConfig(
        vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=num_layers, num_attention_heads=num_heads,
        intermediate_size=intermediate_size, max_position_embeddings=max_len, local_attention=local_attention,
        global_attn_every_n_layers=global_attn_every_n_layers, pad_token_id=pad_id, bos_token_id=pad_id,
        eos_token_id=pad_id, cls_token_id=pad_id, sep_token_id=pad_id, attention_dropout=dropout, mlp_dropout=dropout,
        embedding_dropout=dropout, classifier_dropout=dropout, **label_kwargs,
    )  # fmt: skip
    cfg.embedding_size = embedding_size
    cfg.type_vocab_size = type_vocab_size
    cfg.architectures = [ARCHITECTURE]
    return cfg
