"""Fixtures shared by the test modules."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger


@pytest.fixture(scope="module")
def extract() -> Callable[[str], dict[str, Any]]:
    """The rule-tagger pipeline's output (the contract's JSON as a dict) for a text."""
    ex = Extractor(RuleTagger())
    return lambda text: ex.extract_text(text).output
