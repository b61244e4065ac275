"""The Document: text, origin and labelled spans, passed through every stage.

Offsets are Python ``str`` indices into ``Document.text`` (the decoded input, unchanged) and are
the only truth; anything derived (lines, tokens, normalised text) is recomputed from them.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Literal

from .labels import Label, parse_label

SpanSource = Literal["rule", "model", "human", "gold"]


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: Label
    score: float = 1.0
    source: SpanSource = "rule"
    model_version: str | None = None
    # What the normalised view repaired inside the span (``normalize.REPAIR_KINDS``, e.g. "ocr_digit":
    # OCR letters read as digits, so the value is inferred, not read); set by ``textview``.
    repairs: tuple[str, ...] = field(default=(), compare=False)

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]

    def to_dict(self, doc_text: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label.value,
            "score": round(self.score, 4),
            "source": self.source,
        }
        if self.model_version:
            d["model_version"] = self.model_version
        if self.repairs:
            d["repairs"] = list(self.repairs)
        if doc_text is not None:
            d["text"] = doc_text[self.start : self.end]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Span":
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            label=parse_label(d["label"]),
            score=float(d.get("score", 1.0)),
            source=d.get("source", "human"),
            model_version=d.get("model_version"),
            repairs=tuple(d.get("repairs", ())),
        )


@dataclass(frozen=True)
class Origin:
    filename: str | None = None
    sha256: str = ""
    media_type: str = "text/plain"

    def to_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "sha256": self.sha256, "media_type": self.media_type}


@dataclass(frozen=True)
class Document:
    text: str
    origin: Origin = field(default_factory=Origin)
    spans: tuple[Span, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_text(
        cls, text: str, filename: str | None = None, media_type: str = "text/plain", raw: bytes | None = None
    ) -> "Document":
        digest = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
        return cls(text=text, origin=Origin(filename=filename, sha256=digest, media_type=media_type))

    def with_spans(self, spans: Iterable[Span], replace_existing: bool = True) -> "Document":
        """A new Document whose spans are validated, sorted and (optionally) replace the old ones."""
        new = tuple(spans)
        n = len(self.text)
        for s in new:
            if not (0 <= s.start < s.end <= n):
                raise ValueError(f"span {s.label.value} [{s.start}, {s.end}) outside text of length {n}")
        merged = new if replace_existing else self.spans + new
        return replace(self, spans=tuple(sorted(merged)))

    def with_meta(self, **kv: Any) -> "Document":
        return replace(self, meta={**self.meta, **kv})

    def spans_of(self, *labels: Label) -> list[Span]:
        return [s for s in self.spans if s.label in labels]

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "origin": self.origin.to_dict(),
            "spans": [s.to_dict(self.text) for s in self.spans],
        }
        if with_text:
            d["text"] = self.text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        o = d.get("origin") or {}
        doc = cls(
            text=d["text"],
            origin=Origin(o.get("filename"), o.get("sha256", ""), o.get("media_type", "text/plain")),
        )
        return doc.with_spans(Span.from_dict(s) for s in d.get("spans", []))


Stage = Callable[[Document], Document]


def run_stages(doc: Document, stages: Iterable[Stage]) -> Document:
    for stage in stages:
        doc = stage(doc)
    return doc
