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


@lru_cache(maxsize=1)
def export_module_class() -> Any:
    """The export twin of ``GovModernBertForTokenClassification`` (built on first use: needs torch).

    ``ExportModule(model)`` computes the same logits from the same three inputs with the same
    weights (to float rounding), written for a small ONNX graph: transformers' eager ModernBERT
    traces to ~300 nodes per window (rotary tables rebuilt from ``sin``/``cos`` on every call, the
    sliding-window mask rebuilt from index arithmetic, ``rotate_half`` as slices and a concat, the
    GLU split as shape arithmetic), which cost as much as the matrix products at 256 tokens. Here:

    - ``rotate_half`` is a fixed signed permutation, so it is folded into the projection weights:
      one ``hidden -> 5 * hidden`` product gives q, rotate_half(q), k, rotate_half(k) and v, and the
      attention scale is folded into q's rows;
    - the rotary cos/sin tables of every layer type and the sliding-window band are constants of
      ``max_position_embeddings`` rows, sliced to the window's length;
    - the padding mask becomes one additive bias per call.

    - the local (sliding-window) layers attend by blocks of ``sliding_window`` queries against the
      3 blocks of keys around them (``256 x 96`` scores instead of ``256 x 256``; docs/benchmarks.md,
      "Tagging cost"); the global layers keep the full ``t x t`` product.
    """
    import torch
    from torch import nn

    class ExportModule(nn.Module):
        def __init__(self, model: Any):
            super().__init__()
            cfg = model.config
            hidden, heads = cfg.hidden_size, cfg.num_attention_heads
            d = hidden // heads
            if d % 2:
                raise ValueError(f"head size {d} is odd: rotary positions need an even one")
            self.heads, self.head_dim = heads, d
            tok = model.model.embeddings.tok_embeddings
            self.word = getattr(tok, "word", tok)
            self.project = getattr(tok, "project", None)
            self.rule = model.rule_embeddings
            self.emb_norm = model.model.embeddings.norm
            self.layers = model.model.layers
            self.final_norm, self.head, self.classifier = model.model.final_norm, model.head, model.classifier
            # rotate_half(y) = y @ P per head: out[:half] = -y[half:], out[half:] = y[:half]
            half = d // 2
            perm = torch.zeros(d, d)
            perm[torch.arange(half) + half, torch.arange(half)] = -1.0
            perm[torch.arange(half), torch.arange(half) + half] = 1.0
            n = cfg.max_position_embeddings
            positions = torch.arange(n, dtype=torch.float32)
            self.sliding = []
            self.qkv = nn.ModuleList()
            for i, layer in enumerate(model.model.layers):
                w = layer.attn.Wqkv.weight.detach()
                wq, wk, wv = w[:hidden], w[hidden : 2 * hidden], w[2 * hidden :]

                def rotated(wx: torch.Tensor) -> torch.Tensor:
                    return torch.einsum("ndh,de->neh", wx.reshape(heads, d, hidden), perm).reshape(hidden, hidden)

                scale = d**-0.5
                proj = nn.Linear(hidden, 5 * hidden, bias=False)
                proj.weight.data.copy_(torch.cat([wq * scale, rotated(wq) * scale, wk, rotated(wk), wv]))
                self.qkv.append(proj)
                kind = cfg.layer_types[i]
                self.sliding.append(kind == "sliding_attention")
                theta = cfg.rope_parameters[kind]["rope_theta"]
                inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
                angles = positions[:, None] * inv_freq[None]
                angles = torch.cat([angles, angles], -1)
                self.register_buffer(f"cos{i}", angles.cos(), persistent=False)
                self.register_buffer(f"sin{i}", angles.sin(), persistent=False)
            idx = torch.arange(n)
            w = int(cfg.sliding_window)
            within = (idx[:, None] - idx[None]).abs() <= w  # transformers' bidirectional window
            self.register_buffer("band", torch.where(within, 0.0, -1e9), persistent=False)
            # Banded local attention: queries in blocks of w, each against the keys of its own
            # block and the two next to it (3w keys: every key within w of the block's queries),
            # on the window zero-extended to n rows. 256 x 96 scores instead of 256 x 256 at
            # w = 32; only where w divides n and 3w < n (else the full product with the band).
            self.blocked = 0 < w and n % w == 0 and 3 * w < n
            if self.blocked:
                nb = n // w
                keys = (torch.arange(nb)[:, None] * w - w + torch.arange(3 * w)[None]).reshape(-1)  # [nb * 3w]
                inside = (keys >= 0) & (keys < n)
                qpos = torch.arange(n).view(nb, w, 1)
                near = (qpos - keys.view(nb, 1, 3 * w)).abs() <= w
                self.block_w, self.n_blocks = w, nb
                self.register_buffer("block_keys", keys.clamp(0, n - 1), persistent=False)
                self.register_buffer(
                    "block_band", torch.where(near & inside.view(nb, 1, 3 * w), 0.0, -1e9), persistent=False
                )  # [nb, w, 3w]
                self.register_buffer("zeros_n", torch.zeros(1, 1, n, 1), persistent=False)
            self.n_positions = n

        def _banded(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
            """Local attention of ``q``/``k``/``v`` ``[b, heads, t, d]`` (t <= n) by blocks;
            ``key_bias`` ``[b, n]``: the padding bias, zero-extended to n. Returns ``[b, heads, t, d]``."""
            b, h, t, d = q.shape
            n, w, nb = self.n_positions, self.block_w, self.n_blocks
            zeros = self.zeros_n.expand(b, h, n, d)

            def full(x: torch.Tensor) -> torch.Tensor:  # t rows -> n rows (concat + a constant slice: no shape arithmetic)
                return torch.cat([x, zeros], 2)[:, :, :n]

            qb = full(q).view(b, h, nb, w, d)
            kb = full(k)[:, :, self.block_keys].view(b, h, nb, 3 * w, d)
            vb = full(v)[:, :, self.block_keys].view(b, h, nb, 3 * w, d)
            bias = self.block_band + key_bias[:, self.block_keys].view(b, 1, nb, 1, 3 * w)
            att = torch.softmax(qb @ kb.transpose(-1, -2) + bias, -1) @ vb  # [b, h, nb, w, d]
            return att.view(b, h, n, d)[:, :, :t]

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            b, t = input_ids.shape
            x = self.word(input_ids)
            if self.project is not None:
                x = self.project(x)
            if self.rule is not None:
                x = x + self.rule(token_type_ids)
            x = self.emb_norm(x)
            key_pad = (1.0 - attention_mask.to(torch.float32)) * -1e9  # [b, t]
            pad = key_pad[:, None, None, :]
            local = pad + self.band[:t, :t]
            if self.blocked:  # padding keys beyond t: the zero-extension's rows are masked too
                key_pad_n = torch.cat([key_pad, torch.full_like(self.zeros_n[0, 0, :, 0], -1e9).expand(b, -1)], 1)
                key_pad_n = key_pad_n[:, : self.n_positions]
            for i, layer in enumerate(self.layers):
                qkv = self.qkv[i](layer.attn_norm(x)).view(b, t, 5, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
                cos, sin = getattr(self, f"cos{i}")[:t], getattr(self, f"sin{i}")[:t]
                q = qkv[0] * cos + qkv[1] * sin
                k = qkv[2] * cos + qkv[3] * sin
                if self.sliding[i] and self.blocked:
                    att = self._banded(q, k, qkv[4], key_pad_n)
                else:
                    scores = q @ k.transpose(-1, -2) + (local if self.sliding[i] else pad)
                    att = torch.softmax(scores, -1) @ qkv[4]
                att = att.transpose(1, 2).reshape(b, t, self.heads * self.head_dim)
                x = x + layer.attn.Wo(att)
                gate_in, gate = layer.mlp.Wi(layer.mlp_norm(x)).chunk(2, -1)
                x = x + layer.mlp.Wo(layer.mlp.act(gate_in) * gate)
            return self.classifier(self.head(self.final_norm(x)))

    return ExportModule
