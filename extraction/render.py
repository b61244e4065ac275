"""spaCy at the edge: a Document as a spaCy ``Doc`` with a span group, and displaCy HTML of it.

spaCy's ``zh`` tokenizer segments by character (its default), which is the unit the labels use,
and ``Doc.char_span`` checks that every span still lines up with the text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .document import Document
from .labels import LABEL_INFO, LABELS

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


def render_html(doc: Document, page: bool = True) -> str:
    """displaCy's span view of the labelled text, in the label set's colours."""
    from spacy import displacy

    colors = {label.value: LABEL_INFO[label].color for label in LABELS}
    return displacy.render(
        to_spacy(doc), style="span", page=page, options={"spans_key": SPANS_KEY, "colors": colors}
    )
