"""Document/spans <-> Label Studio task, prediction and annotation JSON.

Label Studio stores whatever it is sent and validates no span (wrong text, out-of-range offsets and
unknown labels all come back with 200), so every region that comes back is checked here before it
can become training data: ``text[start:end]`` must equal the region's text, the label must be in
the label set, and regions must not overlap. Offsets are Python code points on both sides; a region
whose offsets only match when read as UTF-16 code units (what a JavaScript client counts, and the
source of the classic drift after characters outside the BMP) is repaired and counted, never
silently trusted.

Every span becomes its own region with its own ``id``: regions are never merged, so two adjacent
cells with the same label stay two spans.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from govreport.extraction.document import Document, Span, SpanSource
from govreport.extraction.errors import InputError
from govreport.extraction.labels import LABEL_SET_VERSION, parse_label

from .config import DATA_KEY, FROM_NAME, TO_NAME


class AnnotationError(InputError):
    """Label Studio sent back regions that cannot be training data; ``problems`` lists each one."""

    code = "bad_annotation"

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} invalid region(s):\n  " if len(self.problems) > 1 else ""
        super().__init__(head + "\n  ".join(self.problems))


# --- towards Label Studio ----------------------------------------------------------------------


def region_id(span: Span) -> str:
    """Deterministic and unique within a task (spans never share both offsets)."""
    return f"s{span.start}_{span.end}"


def span_to_region(text: str, span: Span, *, with_score: bool = True) -> dict[str, Any]:
    region: dict[str, Any] = {
        "id": region_id(span),
        "from_name": FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": text[span.start : span.end], "labels": [span.label.value]},
    }
    if with_score:
        region["score"] = round(float(span.score), 4)
    return region


def spans_to_result(text: str, spans: Iterable[Span], *, with_score: bool = True) -> list[dict[str, Any]]:
    return [span_to_region(text, s, with_score=with_score) for s in sorted(spans)]


def prediction_from_spans(text: str, spans: Sequence[Span], model_version: str) -> dict[str, Any]:
    """One Label Studio prediction: the model version that made it and a task score (mean span score)."""
    if not isinstance(model_version, str) or not model_version.strip():
        raise ValueError("a prediction needs the model version that produced it (from the model registry)")
    score = sum(s.score for s in spans) / len(spans) if spans else 0.0
    return {"model_version": model_version, "score": round(score, 4), "result": spans_to_result(text, spans)}


def task_data(doc: Document) -> dict[str, Any]:
    """The task's ``data``: the text plus what identifies the report (sha256 makes push idempotent)."""
    if not doc.origin.sha256:
        raise ValueError("the document has no sha256; build it with Document.from_text")
    return {
        DATA_KEY: doc.text,
        "doc_id": doc.origin.sha256,
        "filename": doc.origin.filename or "",
        "media_type": doc.origin.media_type,
        "label_set": LABEL_SET_VERSION,
    }


def document_to_task(doc: Document, model_version: str | None = None) -> dict[str, Any]:
    """A task to import; with ``model_version`` the document's spans travel as its prediction, so
    Label Studio never has to call back for long reports."""
    task: dict[str, Any] = {"data": task_data(doc)}
    if model_version is not None:
        task["predictions"] = [prediction_from_spans(doc.text, doc.spans, model_version)]
    return task


# --- from Label Studio -------------------------------------------------------------------------


@dataclass
class Converted:
    spans: list[Span]
    repaired_utf16: int = 0  # regions whose offsets were UTF-16 code units
    trimmed: int = 0  # regions whose selection included surrounding whitespace
    duplicates: int = 0  # exact duplicate regions dropped
    notes: list[str] = field(default_factory=list)


def utf16_to_index(text: str, offset: int) -> int | None:
    """The code-point index at UTF-16 offset ``offset``, or None if it falls inside a surrogate pair."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        if units > offset:
            return None
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) if units == offset else None


def _as_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


def result_to_spans(
    text: str,
    result: Iterable[dict[str, Any]],
    *,
    source: SpanSource = "human",
    model_version: str | None = None,
    where: str = "",
    repair_utf16: bool = True,
) -> Converted:
    """Validate and convert one annotation's (or prediction's) ``result`` list.

    Raises ``AnnotationError`` listing every bad region (``where`` prefixes each message, e.g.
    ``task 12 annotation 40``); returns the spans and what was repaired otherwise.
    """
    problems: list[str] = []
    out = Converted([])
    prefix = f"{where}: " if where else ""
    n = len(text)
    for k, region in enumerate(result):
        rid = region.get("id", f"#{k}") if isinstance(region, dict) else f"#{k}"
        tag = f"{prefix}region {rid}"
        if not isinstance(region, dict):
            problems.append(f"{tag}: not an object")
            continue
        if region.get("type") != "labels" or region.get("from_name") != FROM_NAME or region.get("to_name") != TO_NAME:
            problems.append(
                f"{tag}: unsupported region (type={region.get('type')!r}, from_name={region.get('from_name')!r}, "
                f"to_name={region.get('to_name')!r}); expected a '{FROM_NAME}' span label on '{TO_NAME}'"
            )
            continue
        value = region.get("value") or {}
        labels = value.get("labels") or []
        if len(labels) != 1:
            problems.append(f"{tag}: a span needs exactly one label, got {labels!r}")
            continue
        try:
            label = parse_label(labels[0])
        except ValueError as exc:
            problems.append(f"{tag}: {exc}")
            continue
        start, end = _as_int(value.get("start")), _as_int(value.get("end"))
        if start is None or end is None:
            problems.append(f"{tag}: start/end must be integers, got {value.get('start')!r}, {value.get('end')!r}")
            continue
        said = value.get("text")
        if not isinstance(said, str):
            problems.append(f"{tag} [{start}, {end}) {label.value}: no annotated text to check the offsets against")
            continue
        if not (0 <= start < end <= n and text[start:end] == said):
            s16, e16 = utf16_to_index(text, start), utf16_to_index(text, end)
            if repair_utf16 and s16 is not None and e16 is not None and s16 < e16 and text[s16:e16] == said:
                start, end = s16, e16
                out.repaired_utf16 += 1
            else:
                found = repr(text[start:end]) if 0 <= start < end <= n else f"out of range for a text of {n} characters"
                problems.append(
                    f"{tag} [{start}, {end}) {label.value}: offsets do not match the annotated text "
                    f"{said!r} (text[start:end] is {found})"
                )
                continue
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            problems.append(f"{tag} [{start}, {end}) {label.value}: the span is only whitespace")
            continue
        if (s, e) != (start, end):
            out.trimmed += 1
        score = region.get("score")
        out.spans.append(
            Span(s, e, label, float(score) if isinstance(score, (int, float)) else 1.0, source, model_version)
        )
    # duplicates (Label Studio can store a region twice) are dropped; any other overlap is an error
    spans = sorted(set(out.spans))
    out.duplicates = len(out.spans) - len(spans)
    for a, b in zip(spans, spans[1:]):
        if b.start < a.end:
            problems.append(
                f"{prefix}overlapping spans {a.label.value} [{a.start}, {a.end}) {text[a.start:a.end]!r} and "
                f"{b.label.value} [{b.start}, {b.end}) {text[b.start:b.end]!r} (spans never overlap)"
            )
    if problems:
        raise AnnotationError(problems)
    out.spans = spans
    return out


def latest_annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    """The annotation that counts for a task: the most recently updated one not cancelled (skipped)."""
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if not done:
        return None
    return max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))


def task_document(task: dict[str, Any]) -> Document:
    """The task's text as a Document with the origin recorded at push time (no spans)."""
    data = task.get("data") or {}
    text = data.get(DATA_KEY)
    if not isinstance(text, str) or not text:
        raise AnnotationError([f"task {task.get('id')}: no text in data[{DATA_KEY!r}]"])
    doc = Document.from_text(text, filename=data.get("filename") or None, media_type=data.get("media_type") or "text/plain")
    pushed = data.get("doc_id")
    if pushed and pushed != doc.origin.sha256:
        # the text was changed inside Label Studio: keep its own hash, remember the pushed one
        doc = doc.with_meta(pushed_doc_id=pushed)
    return doc


def task_to_document(task: dict[str, Any], annotation: dict[str, Any] | None = None, repair_utf16: bool = True) -> tuple[Document, Converted]:
    """An exported task and one of its annotations (default: the latest) as a human-labelled Document."""
    ann = annotation if annotation is not None else latest_annotation(task)
    if ann is None:
        raise AnnotationError([f"task {task.get('id')}: no completed annotation"])
    doc = task_document(task)
    conv = result_to_spans(
        doc.text,
        ann.get("result") or [],
        source="human",
        where=f"task {task.get('id')} ({doc.origin.filename or 'no file name'}) annotation {ann.get('id')}",
        repair_utf16=repair_utf16,
    )
    doc = doc.with_spans(conv.spans).with_meta(
        task_id=task.get("id"), annotation_id=ann.get("id"), updated_at=ann.get("updated_at") or ann.get("created_at")
    )
    return doc, conv


def prediction_to_spans(text: str, prediction: dict[str, Any]) -> list[Span]:
    """A stored prediction back to spans (model source, its model version)."""
    return result_to_spans(
        text, prediction.get("result") or [], source="model", model_version=prediction.get("model_version")
    ).spans


__all__ = [
    "AnnotationError",
    "Converted",
    "document_to_task",
    "latest_annotation",
    "prediction_from_spans",
    "prediction_to_spans",
    "region_id",
    "result_to_spans",
    "span_to_region",
    "spans_to_result",
    "task_data",
    "task_document",
    "task_to_document",
    "utf16_to_index",
]
