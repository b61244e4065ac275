"""Character-level damage on a finished report (text + gold spans), beyond the generator's kinds.

The generator's kinds (``transforms``) are the damage the rules were written for. The families
here teach the model to *read*: they edit a rendered report one character at a time (insert
spaces or invisible characters, double glyphs, put confusable letters in figures, traditional or
variant characters, join and split lines, paraphrase and misspell labels), and carry every gold
span, and the gold section lines, onto the damaged text.

Two disjoint sets of families:

* ``TRAIN_FAMILIES`` damage the model's training reports (``TrainConfig.char_noise``).
* ``HELDOUT_FAMILIES`` (listed in ``training/configs/heldout_damage.json``) are never in the
  training data nor in any rule or lexicon tuning: blank-looking letters that are not format
  characters (the normalised view keeps them) inside labels, after figures and between the cells
  of a row; tripled instead of doubled glyphs (column headers too); every label word of another
  paraphrase table; another line-break pattern. They are made to defeat the normalised view and
  the lexicon (the rules lose cells or headings on them) while a model that reads characters can
  still see the figures and labels. They measure whether the model reads text it was not shown
  (``benchmarks/model_reading.py``).

Figures are never changed in value: a family that touches a CELL only adds characters next to it
(outside the span) or characters the normalised view reads away (invisible characters, OCR
letters it reads back as digits), so the report's gold tables stay the truth.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import Label

HELDOUT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "heldout_damage.json"
LABEL_SPANS = (Label.SECTION, Label.ROW, Label.COL, Label.TITLE)


@dataclass
class _Edit:
    """Per original character: what is printed before it and what it is printed as."""

    before: list[str]
    as_: list[str]
    tail: str = ""  # printed after the last character

    @classmethod
    def of(cls, text: str) -> "_Edit":
        return cls([""] * len(text), list(text))


def _apply(text: str, spans: tuple[Span, ...], edit: _Edit) -> tuple[str, list[Span], list[int]]:
    """(new text, spans carried over, new offset of every original offset 0..len)."""
    out: list[str] = []
    start_of = [0] * (len(text) + 1)  # where original char i's own output starts
    end_of = [0] * (len(text) + 1)  # where original char i-1's output ends
    pos = 0
    for i in range(len(text)):
        out.append(edit.before[i])
        pos += len(edit.before[i])
        start_of[i] = pos
        out.append(edit.as_[i])
        pos += len(edit.as_[i])
        end_of[i + 1] = pos
    start_of[len(text)] = pos
    out.append(edit.tail)
    new = "".join(out)
    carried = []
    for s in spans:
        a, b = start_of[s.start], end_of[s.end]
        # a span keeps at least one visible character, else it is gone (e.g. a label deleted)
        if b > a and new[a:b].strip():
            while new[a].isspace():
                a += 1
            while new[b - 1].isspace():
                b -= 1
            carried.append(replace(s, start=a, end=b))
    return new, carried, start_of


def _spans_of(doc: Document, labels) -> list[Span]:
    return [s for s in doc.spans if s.label in labels]


# --------------------------------------------------------------------------- families
# each: (doc, edit, rng) -> bool (applied)

TRAIN_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060")
# blank-looking *letters* (category Lo/So, not Cf: the normalised view keeps them, as it must keep letters):
# HANGUL FILLER, BRAILLE PATTERN BLANK, HALFWIDTH HANGUL FILLER
HELDOUT_FILLERS = ("\u3164", "\u2800", "\uffa0")
TRAIN_CONFUSABLE_DIGITS = {"0": "Oo", "1": "lI"}


def _insert_in_labels(doc: Document, edit: _Edit, rng: random.Random, chars: tuple[str, ...], rate: float) -> bool:
    applied = False
    for s in _spans_of(doc, LABEL_SPANS):
        if s.end - s.start < 2 or rng.random() >= rate:
            continue
        k = rng.randint(s.start + 1, s.end - 1)
        edit.before[k] += rng.choice(chars)
        applied = True
    return applied


def spaces(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """Spaces inside labels and headings (``政府 信息``), one or two."""
    return _insert_in_labels(doc, edit, rng, (" ", " ", "  "), 0.15)


def _invisible(chars: tuple[str, ...]) -> Callable[[Document, _Edit, random.Random], bool]:
    def apply(doc: Document, edit: _Edit, rng: random.Random) -> bool:
        applied = _insert_in_labels(doc, edit, rng, chars, 0.3)
        for s in _spans_of(doc, (Label.CELL,)):
            if rng.random() < 0.15 and s.end < len(doc.text):
                edit.before[s.end] += rng.choice(chars)  # after the figure
                applied = True
        return applied

    return apply


def _repeat_glyphs(times: int, labels=(Label.SECTION, Label.ROW, Label.TITLE), rate: float = 0.25) -> Callable[[Document, _Edit, random.Random], bool]:
    def apply(doc: Document, edit: _Edit, rng: random.Random) -> bool:
        applied = False
        for s in _spans_of(doc, labels):
            if rng.random() < rate:
                for i in range(s.start, s.end):
                    if not doc.text[i].isspace():
                        edit.as_[i] = doc.text[i] * times
                applied = True
        return applied

    return apply


def confusables(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """OCR letters inside figures of two or more digits (``3O75``, ``l29``)."""
    applied = False
    for s in _spans_of(doc, (Label.CELL,)):
        t = doc.text[s.start : s.end]
        if len(t) < 2 or not t.isdigit() or rng.random() >= 0.2:
            continue
        pos = [k for k, c in enumerate(t) if c in TRAIN_CONFUSABLE_DIGITS]
        if not pos or len(pos) == len(t):
            continue
        k = rng.choice(pos)
        edit.as_[s.start + k] = rng.choice(TRAIN_CONFUSABLE_DIGITS[t[k]])
        applied = True
    return applied


def variants(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """Traditional characters and Kangxi/compatibility forms in labels and headings."""
    from govreport.extraction.normalize import to_traditional

    from .transforms import compat_forms

    forms = compat_forms()
    applied = False
    for s in _spans_of(doc, LABEL_SPANS):
        if rng.random() >= 0.3:
            continue
        for i in range(s.start, s.end):
            c = doc.text[i]
            r = rng.random()
            if r < 0.5:
                edit.as_[i] = to_traditional(c)
            elif r < 0.6 and c in forms:
                edit.as_[i] = rng.choice(forms[c])
        applied = True
    return applied


def _newlines(doc: Document) -> list[int]:
    return [i for i, c in enumerate(doc.text) if c == "\n"]


def line_joins(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """A few line breaks lost (lines run on, with or without a space)."""
    nl = _newlines(doc)
    picks = rng.sample(nl, min(len(nl), rng.randint(1, 6))) if nl else []
    for i in picks:
        edit.as_[i] = rng.choice(["", " ", "  "])
    return bool(picks)


def line_splits(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """Labels broken over two lines at a random character."""
    return _insert_in_labels(doc, edit, rng, ("\n",), 0.08)


# synonyms and near-miss wordings of label words (training); the held-out table is another one
TRAIN_SYNONYMS = {
    "政府信息": ["政务信息", "政府资讯"],
    "情况": ["状况", "情形"],
    "申请": ["申報", "申清"],
    "办理": ["处理", "辦理"],
    "公开": ["公布", "公幵"],
    "数量": ["数目", "数"],
    "行政": ["行攻"],
    "复议": ["复义"],
    "诉讼": ["诉松"],
    "总计": ["合计", "共计"],
}


def _synonyms(table_name: str, rate: float = 0.5) -> Callable[[Document, _Edit, random.Random], bool]:
    def apply(doc: Document, edit: _Edit, rng: random.Random) -> bool:
        table = _heldout_table(table_name) if table_name != "train" else TRAIN_SYNONYMS
        applied = False
        for s in _spans_of(doc, (Label.SECTION, Label.ROW, Label.COL)):
            t = doc.text[s.start : s.end]
            for word, alts in table.items():
                k = t.find(word)
                if k < 0 or rng.random() >= rate:
                    continue
                a = s.start + k
                if any(edit.as_[i] != doc.text[i] for i in range(a, a + len(word))):
                    continue
                edit.as_[a] = rng.choice(alts)
                for i in range(a + 1, a + len(word)):
                    edit.as_[i] = ""
                applied = True
        return applied

    return apply


def typos(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """A character dropped or two swapped in a label."""
    applied = False
    for s in _spans_of(doc, (Label.ROW, Label.COL)):
        if s.end - s.start < 4 or rng.random() >= 0.1:
            continue
        i = rng.randint(s.start + 1, s.end - 2)
        if rng.random() < 0.5:
            edit.as_[i] = ""
        else:
            edit.as_[i], edit.as_[i + 1] = doc.text[i + 1], doc.text[i]
        applied = True
    return applied


TRAIN_FAMILIES: dict[str, Callable[[Document, _Edit, random.Random], bool]] = {
    "spaces": spaces,
    "invisible": _invisible(TRAIN_INVISIBLE),
    "doubled": _repeat_glyphs(2),
    "confusables": confusables,
    "variants": variants,
    "line_joins": line_joins,
    "line_splits": line_splits,
    "synonyms": _synonyms("train"),
    "typos": typos,
}


def heldout_line_breaks(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """Every label broken after its second character with an indented continuation (a pattern
    the training families never make: they break at random, rarely, without indentation)."""
    applied = False
    for s in _spans_of(doc, (Label.ROW, Label.COL)):
        if s.end - s.start >= 5 and rng.random() < 0.5:
            edit.before[s.start + 2] += "\n    "
            applied = True
    return applied


def heldout_fillers(doc: Document, edit: _Edit, rng: random.Random) -> bool:
    """Blank-looking letters (``HELDOUT_FILLERS``) inside labels and headings, after figures, and
    in place of the spaces between two cells of a row (``12ㅤ34``): the rules' normalised view
    keeps them (they are letters), so figures run into them; the characters around are unchanged."""
    applied = _insert_in_labels(doc, edit, rng, HELDOUT_FILLERS, 0.3)
    cells = _spans_of(doc, (Label.CELL,))
    for s in cells:
        if rng.random() < 0.3 and s.end < len(doc.text):
            edit.before[s.end] += rng.choice(HELDOUT_FILLERS)
            applied = True
    for a, b in zip(cells, cells[1:]):
        gap = doc.text[a.end : b.start]
        if gap and not gap.strip() and "\n" not in gap and rng.random() < 0.5:
            edit.as_[a.end] = rng.choice(HELDOUT_FILLERS)
            for i in range(a.end + 1, b.start):
                edit.as_[i] = ""
            applied = True
    return applied


HELDOUT_FAMILIES: dict[str, Callable[[Document, _Edit, random.Random], bool]] = {
    "heldout_fillers": heldout_fillers,
    "heldout_tripled": _repeat_glyphs(3, (Label.SECTION, Label.ROW, Label.TITLE, Label.COL), 0.6),
    "heldout_paraphrase": _synonyms("heldout", rate=1.0),
    "heldout_line_breaks": heldout_line_breaks,
}
FAMILIES = {**TRAIN_FAMILIES, **HELDOUT_FAMILIES}


@lru_cache(maxsize=1)
def heldout_config() -> dict:
    """``training/configs/heldout_damage.json``: the held-back families and their paraphrase table."""
    return json.loads(HELDOUT_CONFIG.read_text("utf-8"))


def _heldout_table(name: str) -> dict[str, list[str]]:
    return heldout_config()["paraphrases"]


# --------------------------------------------------------------------------- apply


def damage(doc: Document, families: list[str], rng: random.Random, section_lines: dict[str, int] | None = None):
    """``doc`` with the ``families`` applied one after the other (spans carried); with
    ``section_lines`` (gold: section number -> 1-based line) also the lines on the damaged text.
    Returns (document, families that applied, section lines or None)."""
    applied = []
    lines = dict(section_lines) if section_lines else None
    for name in families:
        edit = _Edit.of(doc.text)
        if not FAMILIES[name](doc, edit, rng):
            continue
        text, spans, new_pos = _apply(doc.text, doc.spans, edit)
        if lines is not None:
            starts = [0] + [i + 1 for i, c in enumerate(doc.text) if c == "\n"]
            for k, ln in lines.items():
                if ln is not None and 0 < ln <= len(starts):
                    p = new_pos[starts[ln - 1]]
                    lines[k] = text.count("\n", 0, p) + 1
        doc = Document.from_text(text, filename=doc.origin.filename).with_spans(spans).with_meta(**(doc.meta or {}))
        applied.append(name)
    return doc, applied, lines


def train_damage(doc: Document, rng: random.Random, rate: float) -> Document:
    """A training report damaged by each training family with probability ``rate`` (at least one
    family when the report is picked at all)."""
    names = [n for n in TRAIN_FAMILIES if rng.random() < rate]
    if not names:
        return doc
    out, applied, _ = damage(doc, names, rng)
    return out.with_meta(noise=applied)
