"""ingest -> tag -> assemble -> check: the one extraction path used by the CLI, the API and batch jobs."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document
from .errors import NotAReport
from .ingest import FILE_SUFFIXES, load_bytes, load_path, load_text, read_back_of
from .limits import ReadLimits, check_deadline, max_bytes_from_env
from .readbacktext import ReadBackText, read_back_text
from .report import assemble_report
from .taggers import Tagger, get_tagger
from .textview import mark_repairs, repair_warnings, to_original, view_document


@dataclass
class ExtractionResult:
    document: Document
    output: dict[str, Any]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self, with_spans: bool = False, with_text: bool = False) -> dict[str, Any]:
        """The contract's object, plus the tagger, timings, origin and, optionally, the spans
        (``{start, end, label, score, source, text}``; for a mojibake input also ``read_back_text``,
        the span's characters read back) and the text the offsets index (``text``; for a mojibake
        input also ``read_back``: ``ReadBackText.to_dict``, the read-back text and its offset map)."""
        d = dict(self.output)
        d["timings_ms"] = {k: round(v, 2) for k, v in self.timings_ms.items()}
        d["origin"] = self.document.origin.to_dict()
        back = self.read_back() if with_spans or with_text else None
        if with_spans:
            d["spans"] = [s.to_dict(self.document.text) for s in self.document.spans]
            if back is not None:  # "æ¹–å—" tells a person nothing: say what it was read as
                for span in d["spans"]:
                    span["read_back_text"] = back.slice(span["start"], span["end"])
        if with_text:
            d["text"] = self.document.text
            if back is not None:
                d["read_back"] = back.to_dict()
        return d

    def read_back(self) -> ReadBackText | None:
        """The input's text read back when it is mojibake (``readbacktext``), else None."""
        return read_back_text(self.document.text, read_back_of(self.document))  # ingest's, not read again


class Extractor:
    """Holds one tagger (and so one loaded model); safe to call from several threads."""

    def __init__(
        self,
        tagger: Tagger | None = None,
        max_bytes: int | None = None,
        require_report: bool = True,
        limits: ReadLimits | None = None,
    ):
        """``max_bytes``: the largest input (None: ``GOVREPORT_MAX_BYTES``, else 10 MiB, the
        service's limit too: ``limits.max_bytes_from_env``); ``limits``: what one input's decoded
        text may cost (None: ``limits.default_limits()``). ValueError on a bad ``GOVREPORT_MAX_BYTES``."""
        self.tagger = tagger if tagger is not None else get_tagger("auto")
        self.max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
        self.require_report = require_report
        self.limits = limits

    @property
    def tagger_info(self) -> dict[str, str]:
        return {"name": self.tagger.name, "version": self.tagger.version}

    def extract_document(self, doc: Document, t_ingest: float = 0.0) -> ExtractionResult:
        check_deadline("reading")  # stop points between stages: work past a time limit ends here
        t0 = time.perf_counter()
        work, view = view_document(doc)  # taggers and the assembly read the normalised view
        tagged = mark_repairs(self.tagger(work), view)
        t1 = time.perf_counter()
        check_deadline("tagging")
        output = assemble_report(tagged)
        tagged, output = to_original(tagged, output, doc, view)  # every offset back on the original
        output["warnings"] = output["warnings"] + repair_warnings(output, view)
        t2 = time.perf_counter()
        if self.require_report and output["template"] is None and not output.get("old_format"):
            # a text whose characters a charset conversion lost (all "?") reads as no report: say why
            lost = doc.meta.get("lost_characters")
            raise NotAReport(
                "this does not look like a 政府信息公开工作年度报告: no section headings, table labels or title were found"
                + (f"; {lost}" if lost else "")
            )
        output["warnings"] = list(doc.meta.get("ingest_warnings", [])) + output["warnings"]
        output["tagger"] = self.tagger_info
        return ExtractionResult(
            tagged,
            output,
            {"ingest": t_ingest * 1000, "tag": (t1 - t0) * 1000, "assemble": (t2 - t1) * 1000},
        )

    def extract_text(self, text: str, filename: str | None = None) -> ExtractionResult:
        t0 = time.perf_counter()
        doc = load_text(text, filename=filename, max_bytes=self.max_bytes, limits=self.limits)
        return self.extract_document(doc, time.perf_counter() - t0)

    def extract_bytes(self, data: bytes, filename: str | None = None, media_type: str | None = None) -> ExtractionResult:
        t0 = time.perf_counter()
        doc = load_bytes(data, filename=filename, media_type=media_type, max_bytes=self.max_bytes, limits=self.limits)
        return self.extract_document(doc, time.perf_counter() - t0)

    def extract_path(self, path: str | Path) -> ExtractionResult:
        t0 = time.perf_counter()
        doc = load_path(path, max_bytes=self.max_bytes, limits=self.limits)
        return self.extract_document(doc, time.perf_counter() - t0)

    def extract(self, source: str | bytes | Path, filename: str | None = None) -> ExtractionResult:
        """Dispatch on the source: a ``Path`` (or a ``str`` naming an existing file) is read from
        disk, ``bytes`` are sniffed like an upload, any other ``str`` is the report's text.

        A one-line ``str`` that names an existing directory, or that ends in a file suffix ingest
        knows (``.pdf``, ``.txt``, ``.doc``…) but names no file, is taken as a path too, so that a
        mistyped path raises ``InputError`` "no such file" (or "is a directory"), not
        ``NotAReport`` about its own characters."""
        if isinstance(source, bytes):
            return self.extract_bytes(source, filename=filename)
        if isinstance(source, Path):
            return self.extract_path(source)
        if isinstance(source, str) and "\n" not in source and 0 < len(source.strip()) < 4096:
            p = Path(source.strip())  # ("" would be Path("."), a folder: an empty text stays EmptyInput)
            try:
                names_a_file = p.exists() or p.suffix.lower() in FILE_SUFFIXES
            except OSError:  # a name too long for the file system is text
                names_a_file = False
            if names_a_file:
                return self.extract_path(p)
        if isinstance(source, str):
            return self.extract_text(source, filename=filename)
        raise TypeError(f"extract() takes a path, bytes or text, not {type(source).__name__}")
