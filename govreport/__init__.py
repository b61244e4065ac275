"""govreport: Chinese government information-disclosure annual reports (政府信息公开工作年度报告) → checked tables.

The one import namespace of the project::

    from govreport import extract
    result = extract("report.pdf")          # a path, raw bytes, or the report's text
    result.output["tables"]["applications"]["new_received"]["total"]

Subpackages: ``govreport.extraction`` (reading, tagging, assembly, checks), ``govreport.training``
(model training, synthetic data, annotation loop) and ``govreport.service`` (CLI, HTTP API, batch).
In a wheel they are installed inside this package; in a source checkout they are the folders
``extraction/``, ``training/`` and ``service/`` beside this one, found through ``__path__`` below.
"""
from __future__ import annotations

from pathlib import Path as _Path
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# Source checkout: the layers live in sibling folders; a wheel puts them inside this package.
_here = _Path(__file__).resolve().parent
if not (_here / "extraction").is_dir() and (_here.parent / "extraction" / "__init__.py").is_file():
    __path__.append(str(_here.parent))  # type: ignore[name-defined]

if TYPE_CHECKING:  # pragma: no cover
    from .extraction.pipeline import ExtractionResult, Extractor

__all__ = ["extract", "Extractor", "ExtractionResult", "__version__"]


def extract(source: "str | bytes | _Path", *, filename: str | None = None, tagger: str = "auto") -> "ExtractionResult":
    """Extract one report: the contract's result object for a path, raw bytes or text.

    ``source``: a ``pathlib.Path`` (or a ``str`` naming an existing file) is read from disk;
    ``bytes`` are sniffed like an upload (``filename`` helps pick the reader); any other ``str``
    is the report's text, except a one-line one that names a directory or ends in a file suffix
    (``.pdf``, ``.txt``, …) without naming a file: ``InputError`` "no such file" / "is a directory". ``tagger``: ``"auto"`` (the active model, else the rules), ``"model"``,
    ``"rules"``. Returns an ``ExtractionResult``: ``.output`` is the contract's JSON object,
    ``.document`` the tagged ``Document``, ``.to_dict()`` the API's response body.
    Raises ``govreport.extraction.errors.GovReportError`` subclasses for unreadable input or
    text that is not a report.
    """
    return _default_extractor(tagger).extract(source, filename=filename)


_extractors: dict[str, Any] = {}


def _default_extractor(tagger: str) -> "Extractor":
    if tagger not in _extractors:
        from .extraction.pipeline import Extractor
        from .extraction.taggers import get_tagger

        _extractors[tagger] = Extractor(get_tagger(tagger))
    return _extractors[tagger]


def __getattr__(name: str) -> Any:
    if name in ("Extractor", "ExtractionResult"):
        from .extraction import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'govreport' has no attribute {name!r}")
