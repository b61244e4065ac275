"""spaCy at the edge: a Document as a spaCy ``Doc`` with a span group, and displaCy HTML of it.

spaCy's ``zh`` tokenizer segments by character (its default), which is the unit the labels use,
and ``Doc.char_span`` checks that every span still lines up with the text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .document import Document
from .ingest import read_back_of
from .labels import LABEL_INFO, LABELS
from .readbacktext import read_back_text

SPANS_KEY = "govreport"


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.blank("zh")


def to_spacy(doc: Document) -> Any:
    """A spaCy Doc of the text with every span in ``doc.spans["govreport"]`` (label, score kept)."""
    sd = _nlp()(doc.text)
    group = []
    for s in doc.spans:
        span = sd.char_span(s.start, s.end, label=s.label.value, alignment_mode="expand")
        if span is None:  # pragma: no cover - char segmentation aligns with every character offset
            raise ValueError(f"span [{s.start}, {s.end}) does not align with the text")
        group.append(span)
    sd.spans[SPANS_KEY] = group
    sd.spans[SPANS_KEY].attrs["scores"] = [s.score for s in doc.spans]
    return sd


# displaCy's entity view (one mark per span, its label written after it), with a template that
# puts no whitespace inside the mark: the text keeps its own whitespace (see PAGE_CSS).
ENT_TEMPLATE = (
    '<mark class="entity" style="background: {bg}33; box-shadow: inset 0 -2px {bg}" title="{label}">{text}'
    '<span class="label">{label}</span></mark>'
)
# pre-wrap keeps runs of spaces and tabs (a tab is a cell gap in a flattened table); displaCy
# turns line breaks into <br>. The label after every span keeps one-character spans readable.
PAGE_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2rem; }
.entities { white-space: pre-wrap; tab-size: 6; line-height: 2.2 !important; font-size: 15px; }
mark.entity { padding: 0.1em 0.25em; border-radius: 0.3em; line-height: 1; }
p.read-back { color: #7a4b00; background: #fff4dc; padding: 0.4em 0.6em; border-radius: 0.3em; }
mark.entity .label { font-size: 0.6em; font-weight: bold; color: #444; margin-left: 0.25em; vertical-align: middle; opacity: .8; }
"""


# Marks a page as govreport's own rendering, so that ``extract DIR -o DIR --html`` run again does not
# read it back as a report (the page holds the report's whole text: it would read as one).
RENDER_GENERATOR = '<meta name="generator" content="govreport extract --html">'


def render_html(doc: Document, page: bool = True) -> str:
    """displaCy's entity view of the labelled text, in the label set's colours, keeping the text's
    layout (line breaks, runs of spaces, tabs). ``page``: a whole HTML page, else a fragment.
    Spans overlapping an earlier one are left out (the label set has none). A mojibake input is
    shown read back (``readbacktext``), its spans mapped onto that text, under a note saying so:
    the offsets of the JSON still index the text as given."""
    from html import escape

    from spacy import displacy

    colors = {label.value: LABEL_INFO[label].color for label in LABELS}
    back = read_back_text(doc.text, read_back_of(doc))
    shown = back.shown if back is not None else (lambda offset: offset)
    ents, end = [], 0
    for s in sorted(doc.spans, key=lambda s: (s.start, s.end)):
        start, stop = shown(s.start), shown(s.end)
        if start >= end and stop > start:
            ents.append({"start": start, "end": stop, "label": s.label.value})
            end = stop
    body = displacy.render(
        {"text": doc.text if back is None else back.text, "ents": ents, "title": None},
        style="ent", manual=True, page=False, options={"colors": colors, "template": ENT_TEMPLATE},
    )  # fmt: skip
    if back is not None:
        body = f'<p class="read-back">{escape(read_back_note(back.encoding, back.layers))}</p>\n{body}'
    if not page:
        return body
    title = escape(doc.origin.filename or "govreport")
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">{RENDER_GENERATOR}<title>{title}</title>'
        f"<style>{PAGE_CSS}</style></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def read_back_note(encoding: str, layers: int) -> str:
    """The line above a mojibake input shown read back."""
    times = f" {layers} times over" if layers > 1 else ""
    return (
        f"Shown read back as {encoding.upper()}: the file is mojibake (Chinese read as ISO-8859-1/Windows-1252 and "
        f"saved again{times}); offsets in the JSON index the text as given. "
        f"按 {encoding.upper()} 还原显示：原文件为乱码，JSON 中的位置指向原始文本。"
    )
