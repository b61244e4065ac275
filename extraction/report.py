"""PROVISIONAL stub: assembles the contract's output from a tagged Document."""
from __future__ import annotations

from typing import Any

from .document import Document


def assemble_report(doc: Document) -> dict[str, Any]:
    return {"template": None, "year": None, "organ": None, "sections": [],
            "tables": {"active_disclosure": None, "applications": None, "review_litigation": None},
            "checks": [], "warnings": []}
