"""Skips for the tests that read a generated document through a route: the route's tools (pdftotext,
LibreOffice, Chromium) may not be installed here, and the skip says which is missing."""
from __future__ import annotations

import pytest


def _missing(routes: tuple[str, ...]) -> dict[str, str]:
    from govreport.training.synth.routes import missing_tools

    return missing_tools(list(routes))


def needs_routes(*routes: str) -> pytest.MarkDecorator:
    """A ``skipif`` mark for a test that reads through ``routes``; its reason names the missing tools."""
    missing = _missing(routes)
    return pytest.mark.skipif(bool(missing), reason="; ".join(missing.values()) or "-")


def skip_without_routes(*routes: str) -> None:
    """Inside a test (e.g. one parametrized by route): skip it where a route cannot run here."""
    if missing := _missing(routes):
        pytest.skip("; ".join(missing.values()))
