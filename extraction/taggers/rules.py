"""PROVISIONAL stub of the rule tagger."""
from __future__ import annotations

from ..document import Document


class RuleTagger:
    name = "rules"
    version = "rules-0"

    def __call__(self, doc: Document) -> Document:
        return doc
