"""The one versioned label set: taggers, the model, Label Studio and the generator all read it here.

Label ids are derived from this declaration order, never from the order data arrives in.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

LABEL_SET_VERSION = "1.0"


class Label(str, Enum):
    TITLE = "TITLE"  # the report's title line (organ + year)
    SECTION = "SECTION"  # one of the six numbered section headings
    ROW = "ROW"  # a table row label, or a fragment of one (group labels included)
    COL = "COL"  # a column header, or a fragment of one
    CELL = "CELL"  # a table cell value: a number, or "-", "—", "无"
    UNIT = "UNIT"  # a unit next to a value or in a header: 万元, 元; a count's measure word: 件, 个
    NOISE = "NOISE"  # page numbers, footers, conversion garbage, web junk


@dataclass(frozen=True)
class LabelInfo:
    description: str
    color: str  # shared by displaCy and the Label Studio config; neighbours in a table (ROW/COL/CELL) must differ in hue


LABEL_INFO: dict[Label, LabelInfo] = {
    Label.TITLE: LabelInfo("Report title", "#8e44ad"),
    Label.SECTION: LabelInfo("Section heading (一、总体情况 …)", "#2980b9"),
    Label.ROW: LabelInfo("Table row label or fragment", "#27ae60"),
    Label.COL: LabelInfo("Table column header or fragment", "#d81b60"),
    Label.CELL: LabelInfo("Table cell value", "#e67e22"),
    Label.UNIT: LabelInfo("Unit (万元, 元, 件)", "#f1c40f"),
    Label.NOISE: LabelInfo("Page number, footer, garbage", "#566573"),
}

LABELS: tuple[Label, ...] = tuple(Label)


def bio_tags() -> list[str]:
    """``O`` then ``B-X``/``I-X`` for every label, in declaration order."""
    tags = ["O"]
    for label in LABELS:
        tags += [f"B-{label.value}", f"I-{label.value}"]
    return tags


BIO_TAGS: tuple[str, ...] = tuple(bio_tags())
LABEL2ID: dict[str, int] = {tag: i for i, tag in enumerate(BIO_TAGS)}
ID2LABEL: dict[int, str] = {i: tag for tag, i in LABEL2ID.items()}


def parse_label(name: str) -> Label:
    """Map a label name from outside (annotations, model config) to a Label, or raise ValueError."""
    try:
        return Label(name)
    except ValueError:
        raise ValueError(
            f"unknown label {name!r} (label set {LABEL_SET_VERSION}: {', '.join(l.value for l in LABELS)})"
        ) from None
