"""The per-document function of ``govreport batch``, shared by both engines (``service.batch``
runs it locally, ``service.batch_ray`` on Ray): one input file -> one encoded record.

A leaf module (it imports neither engine), so the engines do not import each other's modules
in a cycle.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from govreport.extraction.errors import InputError
from govreport.extraction.filenames import printable_name
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .options import max_bytes_from_env

log = logging.getLogger("govreport.service.batch")


@dataclass(frozen=True)
class InputFile:
    path: str  # absolute, as the workers open it
    source: str  # relative to the input root (POSIX), what the outputs call the report
    sha256: str


class FileChanged(InputError):
    """The file's bytes differ from those hashed when the run was planned."""

    code = "changed"


def make_extractor(tagger: str = "auto", model: str | None = None, max_bytes: int | None = None) -> Extractor:
    """``max_bytes`` None: ``GOVREPORT_MAX_BYTES`` or the service's default (workers inherit the variable)."""
    if max_bytes is None:
        max_bytes = max_bytes_from_env()
    return Extractor(tagger=get_tagger(tagger, model), max_bytes=max_bytes)


def extract_file(extractor: Extractor, path: str, source: str, sha256: str) -> dict[str, Any]:
    """One input -> one record; bad input and internal defects are recorded, never raised,
    so one file cannot stop a corpus run."""
    t0 = time.perf_counter()
    rec: dict[str, Any] = {
        "id": sha256[:16],
        "source": source,
        "sha256": sha256,
        "status": "ok",
        "error": None,
        "tagger": extractor.tagger_info,
        "output": None,
    }
    timings: dict[str, float] = {}
    try:
        res = extractor.extract_path(path)
        if res.document.origin.sha256 != sha256:  # the record must hold the content its key names
            raise FileChanged(f"{source} changed while the batch ran: run the batch again to extract its new content")
        out = res.to_dict(with_spans=False)
        timings = out.pop("timings_ms", {})
        rec["output"] = out
    except InputError as exc:
        rec.update(status="failed", error={"code": exc.code, "message": str(exc)})
    except Exception as exc:  # a defect in extraction: keep going, report it loudly
        log.exception("internal error on %s", source)
        rec.update(status="failed", error={"code": "internal", "message": printable_name(f"{type(exc).__name__}: {exc}")})
    rec["timings_ms"] = {**timings, "total": round((time.perf_counter() - t0) * 1000, 2)}
    return rec


Done = tuple[str, str, str]  # (sha256, "ok" | error code, the JSON line): what a worker hands back


def encode_record(rec: dict[str, Any]) -> Done:
    """The one serialisation both engines use (so their results.jsonl lines are identical)."""
    state = "ok" if rec["status"] == "ok" else rec["error"]["code"]
    return rec["sha256"], state, json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def process(extractor: Extractor, item: InputFile) -> Done:
    return encode_record(extract_file(extractor, item.path, item.source, item.sha256))
