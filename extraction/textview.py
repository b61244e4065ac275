"""The Document's normalised view: what taggers and the assembly read, mapped back to the original.

``view_document`` gives the Document of ``text_view(doc.text)`` (mojibake read back, converter damage read
away: invisible characters skipped, faux-bold doubling read once, Kangxi radicals as ideographs,
OCR letters in figures as digits, measure words and changes in words as plain figures). Taggers
and ``assemble_report`` run on it; ``to_original`` then puts every offset of the result (spans,
section starts/ends, cell provenance) back on the original text, which stays the only truth.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .document import Document, Span
from .ingest import ReadBack, read_back_of
from .labels import Label
from .lostchars import with_lost_read_back
from .mojibakeview import read_back_view
from .normalize import TextView, clean_view

# Repairs that make a value inferred rather than read (the cell status): the digits were not printed
# (OCR letters), or a NUL inside the figure may have stood for a separator or a digit.
INFERRED_REPAIRS = ("ocr_digit", "nul")
_INFERRED_WHY = {"ocr_digit": "OCR letters inside a figure", "nul": "a NUL character inside a figure, skipped"}


def text_view(text: str, *known: ReadBack | None) -> TextView:
    """The normalised view every tagger reads of ``text``: mojibake read back (``mojibakeview``),
    converter damage repaired (``normalize.clean_view``), lost characters read back (``lostchars``).
    ``known``: ``read_back(text)`` when it is known already (``ingest.read_back_of``)."""
    return with_lost_read_back(read_back_view(text, *known) or clean_view(text))


def view_document(doc: Document) -> tuple[Document, TextView]:
    """(the Document to tag, its view). Spans the Document already has (human or gold) are carried
    into the view; one that covers only skipped characters is dropped. When nothing needs repair
    the view Document is ``doc`` itself. Mojibake is read back here (``mojibakeview``), so the
    Document keeps the text as given and every offset refers to it."""
    view = text_view(doc.text, read_back_of(doc))  # ingest's read-back: a document is read back once
    if view.identity:
        return doc, view
    spans = []
    for s in doc.spans:
        a, b = view.to_view(s.start), view.to_view(s.end)
        if a < b:
            spans.append(replace(s, start=a, end=b))
    return replace(doc, text=view.text, spans=tuple(spans)), view


def mark_repairs(tagged: Document, view: TextView) -> Document:
    """Record on each CELL/UNIT span what the view repaired inside it (``Span.repairs``), so the
    assembly can tell an OCR-read figure from a printed one."""
    if view.identity or not any(r.kind not in ("invisible", "doubled") for r in view.repairs):
        return tagged
    out = []
    for s in tagged.spans:
        if s.label in (Label.CELL, Label.UNIT):
            a, b = view.start_to_original(s.start), view.end_to_original(s.end)
            kinds = tuple(sorted({r.kind for r in view.repairs_in(a, b) if r.kind not in ("invisible", "doubled")}))
            if kinds:
                s = replace(s, repairs=kinds)
        out.append(s)
    return replace(tagged, spans=tuple(out))


def tag_original(tagger: Any, doc: Document) -> Document:
    """``tagger`` run on ``doc``'s normalised view, its spans back on ``doc``'s text (what every
    caller that tags without assembling uses: Label Studio pre-annotations, the ML backend)."""
    work, view = view_document(doc)
    tagged = mark_repairs(tagger(work), view)
    if view.identity:
        return tagged
    return replace(doc, spans=tuple(sorted(spans_to_original(tagged.spans, view))))


def spans_to_original(spans: tuple[Span, ...], view: TextView) -> list[Span]:
    return [replace(s, start=view.start_to_original(s.start), end=view.end_to_original(s.end)) for s in spans]


def to_original(tagged: Document, output: dict[str, Any], original: Document, view: TextView) -> tuple[Document, dict[str, Any]]:
    """The tagged original Document and the output with every offset on the original text.

    A cell whose text was repaired keeps the original text in ``provenance[..]["text"]`` and gets
    ``"read_as"`` (what was read) and ``"repairs"`` (the repair kinds)."""
    if view.identity:
        return tagged, output
    doc = replace(original, spans=tuple(sorted(spans_to_original(tagged.spans, view))))
    out = dict(output)
    out["sections"] = [
        {**s, "start": view.start_to_original(s["start"]), "end": view.start_to_original(s["end"])}
        for s in output.get("sections", [])
    ]
    prov: dict[str, Any] = {}
    for table, rows in (output.get("provenance") or {}).items():
        prov[table] = {}
        for row, cols in rows.items():
            prov[table][row] = {}
            for col, p in cols.items():
                prov[table][row][col] = _cell_to_original(p, view)
    out["provenance"] = prov
    return doc, out


def _cell_to_original(p: dict[str, Any], view: TextView) -> dict[str, Any]:
    if not isinstance(p, dict) or "start" not in p:
        return p
    a, b = view.start_to_original(p["start"]), view.end_to_original(p["end"])
    q = {**p, "start": a, "end": b, "text": view.original[a:b]}
    if q["text"] != p.get("text"):
        q["read_as"] = p.get("text")
    kinds = sorted({r.kind for r in view.repairs_in(a, b) if r.kind != "invisible"})
    if kinds:
        q["repairs"] = kinds
    return q


def repair_warnings(output: dict[str, Any], view: TextView) -> list[str]:
    """Warnings for what the reader should know was read, not printed: OCR letters read as digits
    or a NUL skipped in a table cell; faux-bold text read once."""
    out: list[str] = []
    for table, rows in (output.get("provenance") or {}).items():
        for row, cols in rows.items():
            for col, p in cols.items():
                why = [_INFERRED_WHY[k] for k in INFERRED_REPAIRS if k in p.get("repairs", ())] if isinstance(p, dict) else []
                if why:
                    out.append(
                        f"{table}.{row}.{col}: {p['text']!r} read as {p.get('read_as')!r} "
                        f"({'; '.join(why)}, offset {p['start']}); the value is inferred"
                    )
    doubled = {view.original.count("\n", 0, r.start) for r in view.repairs if r.kind == "doubled"}
    if doubled:
        out.append(f"faux-bold text (every character drawn twice) read once on {len(doubled)} line(s)")
    return out
