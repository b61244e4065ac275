"""Entity-level scores of a tagger: seqeval precision/recall/F1, overall and per label.

Spans are compared as seqeval compares entities: a predicted span counts only if its label, start
and end all equal a gold span's. Scoring runs on character-level BIO sequences built from the
spans, so any tagger (rules, model, human) is scored the same way, independent of tokenization.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import LABELS
from govreport.extraction.taggers.base import Tagger

_ZERO = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def char_bio(n: int, spans: Iterable[Span]) -> list[str]:
    tags = ["O"] * n
    for s in sorted(spans):
        tags[s.start] = f"B-{s.label.value}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label.value}"
    return tags


def span_scores(texts: Sequence[str], gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> dict[str, Any]:
    """seqeval's entity scores for aligned lists of gold and predicted spans per text."""
    from seqeval.metrics import classification_report

    if not (len(texts) == len(gold) == len(pred)):
        raise ValueError("texts, gold and pred must be aligned")
    y_true = [char_bio(len(t), g) for t, g in zip(texts, gold)]
    y_pred = [char_bio(len(t), p) for t, p in zip(texts, pred)]
    if not any(any(tag != "O" for tag in seq) for seq in y_true + y_pred):
        return {"overall": dict(_ZERO), "per_label": {l.value: dict(_ZERO) for l in LABELS}, "n_docs": len(texts)}
    report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    per_label = {}
    for label in LABELS:
        r = report.get(label.value)
        per_label[label.value] = _row(r) if r else dict(_ZERO)
    return {"overall": _row(report["micro avg"]), "per_label": per_label, "n_docs": len(texts)}


def _row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "precision": round(float(r["precision"]), 4),
        "recall": round(float(r["recall"]), 4),
        "f1": round(float(r["f1-score"]), 4),
        "support": int(r["support"]),
    }


def tag_documents(tagger: Tagger, docs: Sequence[Document]) -> list[Document]:
    """Run the tagger on copies without gold spans (batched when the tagger can batch)."""
    bare = [d.with_spans([], replace_existing=True) for d in docs]
    many = getattr(tagger, "tag_many", None)
    return list(many(bare)) if callable(many) else [tagger(d) for d in bare]


def entity_f1(tagger: Tagger, docs: list[Document]) -> dict[str, Any]:
    """The tagger's entity scores on ``docs`` (whose spans are the gold): overall and per label."""
    tagged = tag_documents(tagger, docs)
    return span_scores([d.text for d in docs], [d.spans for d in docs], [t.spans for t in tagged])


def entity_f1_by_kind(tagger: Tagger, docs: list[Document], key: str = "transforms") -> dict[str, dict[str, Any]]:
    """Scores per messiness kind (``doc.meta[key]``, a list of kinds; a document counts for each of
    its kinds, and ``clean`` when it has none), plus ``all``."""
    tagged = tag_documents(tagger, docs)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        kinds = d.meta.get(key) or ["clean"]
        for k in kinds:
            groups[str(k)].append(i)
    groups["all"] = list(range(len(docs)))
    out = {}
    for kind, idx in sorted(groups.items()):
        out[kind] = span_scores(
            [docs[i].text for i in idx], [docs[i].spans for i in idx], [tagged[i].spans for i in idx]
        )
    return out
