"""The rule tagger's labels as an input channel of the model, and the rule prior at decoding.

The model sees, for every token, the BIO tag the rule tagger gave it (as BERT's token-type ids;
``BLANK`` where the channel is withheld in training, so that a rule ``O`` always means "the rules
say outside"). It learns to keep what the rules get right and to fix what layout defeats them; on
text the rules already handle it starts from their answer instead of from nothing, which is what
lets a model small enough for 2 CPU cores be at least as good as the rules.

At decoding the rules' tag also acts as a prior: ``log p_model(tag) + prior * [tag == rule tag]``
(a product of experts), so the model overrides the rules only where it is confident. There are two
weights, one where the rules put a span and one where they put nothing (``outside``), so the model
can stay free to find what the rules missed while deferring to what they found, or the reverse.
Both are chosen on the dev set after training and saved with the model (0, 0 = the model alone).
"""
from __future__ import annotations

import numpy as np

from ..document import Document
from ..labels import BIO_TAGS, LABEL2ID
from .tokenizer import Encoding

N_RULE_TAGS = len(BIO_TAGS)
BLANK = N_RULE_TAGS  # "no rule information" (training-time channel dropout)
N_RULE_TYPES = N_RULE_TAGS + 1  # the model's type_vocab_size
PRIOR_GRID: tuple[float, ...] = (0.0, 1.0, 2.0, 4.0, 8.0, 20.0)


def rules_version() -> str:
    from ..taggers.rules import RULES_VERSION

    return RULES_VERSION


def token_labels(doc: Document, enc: Encoding) -> tuple[np.ndarray, int]:
    """BIO tag ids per token of ``enc`` from ``doc``'s spans, and the number of misaligned tokens."""
    n_chars = len(doc.text)
    span_of = np.full(n_chars + 1, -1, dtype=np.int64)  # char -> index into spans, -1 outside
    spans = sorted(doc.spans)
    for k, s in enumerate(spans):
        span_of[s.start : s.end] = k
    if len(enc.ids) == 0:
        return np.zeros(0, dtype=np.int64), 0
    a, b = enc.offsets[:, 0], enc.offsets[:, 1]
    valid = b > a
    k = np.where(valid, span_of[a], -1)
    # a token crosses a span edge iff the char -> span map changes inside it
    changes = np.concatenate([[0], np.cumsum(span_of[1:] != span_of[:-1])])
    misaligned = int((valid & (changes[np.maximum(b - 1, a)] != changes[a])).sum())
    prev = np.concatenate([[-1], k[:-1]])
    starts = np.array([s.start for s in spans] or [0], dtype=np.int64)
    b_ids = np.array([LABEL2ID[f"B-{s.label.value}"] for s in spans] or [0], dtype=np.int64)
    i_ids = np.array([LABEL2ID[f"I-{s.label.value}"] for s in spans] or [0], dtype=np.int64)
    inside = k >= 0
    kk = np.where(inside, k, 0)
    is_b = (prev != k) | (a == starts[kk])
    labels = np.where(inside, np.where(is_b, b_ids[kk], i_ids[kk]), 0)
    return labels.astype(np.int64), misaligned


def rule_token_ids(text: str, enc) -> np.ndarray:
    """Per-token BIO tag ids of the rule tagger's spans on ``text`` (aligned to ``enc.offsets``)."""
    from ..taggers.rules import RuleTagger

    tagged = RuleTagger()(Document.from_text(text))
    ids, _ = token_labels(tagged, enc)
    return ids


def apply_prior(probs: np.ndarray, rule_tags: np.ndarray, prior: float, prior_outside: float | None = None) -> np.ndarray:
    """Renormalised ``probs * exp(w * onehot(rule_tags))`` ([n, tags]), ``w`` = ``prior`` where the
    rules tagged a span and ``prior_outside`` (default: ``prior``) where they tagged ``O``."""
    prior_outside = prior if prior_outside is None else prior_outside
    if prior <= 0 and prior_outside <= 0:
        return probs
    out = probs.astype(np.float64, copy=True)
    rows = np.arange(len(rule_tags))
    valid = rule_tags < N_RULE_TAGS
    weight = np.where(rule_tags == 0, prior_outside, prior)
    out[rows[valid], rule_tags[valid]] *= np.exp(weight[valid])
    out /= out.sum(axis=1, keepdims=True)
    return out.astype(np.float32)
