"""``POST /v1/crosscheck``: several reports of one body → each extracted, plus the year-on-year
identities between consecutive years (docs/checks.md)."""
from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request

from govreport.extraction.crosscheck import ReportRef, summary_table, year_on_year
from govreport.extraction.trust import reason

from ..deps import ExtractorDep, PoolDep, RuntimeDep
from ..errors import classify
from ..inputs import read_batch
from ..middleware import request_id_of
from ..schemas import EXAMPLE_TEXT, BatchRequest
from ..settings import ServiceSettings
from .common import ERROR_RESPONSES, _request_body_doc, auth_dependencies
from .extract import run_extractions


def _with_year_on_year(output: dict[str, Any], rid: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's verdict with a ``year_on_year_mismatch`` reason for each failed identity
    that has one of its cells in this report."""
    cells = sorted({f"{x['table']}.{x['row']}.{x['col']}" for e in entries if e["status"] == "fail"
                    for side in ("left", "right") for x in e[side] if x["report"] == rid})
    if not cells:
        return output
    why = reason("year_on_year_mismatch", sorted({c.split(".", 1)[0] for c in cells}), cells)
    return {**output, "needs_review": True, "review_reasons": [*output.get("review_reasons", []), why]}


def build_crosscheck_router(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=auth_dependencies(settings), responses=ERROR_RESPONSES)

    @router.post(
        "/crosscheck",
        tags=["extraction"],
        summary="Extract several reports of one body and check consecutive years against each other",
        description=(
            "The same bodies as `/v1/extract/batch` (JSON items or multipart `files`). Each report is "
            "extracted; reports are grouped by body (normalised organ name) and year, and each identity "
            "between consecutive years (this year's 上年结转 = last year's 结转下年度; 2021 format: 现行有效件数 "
            "= last year's + 制发 − 废止) is listed with both values and both sources. A report with a "
            "failed identity gets the review reason `year_on_year_mismatch`."
        ),
        openapi_extra=_request_body_doc(
            BatchRequest, "files", True,
            {"items": [{"text": EXAMPLE_TEXT, "filename": "2021.txt"}, {"text": EXAMPLE_TEXT, "filename": "2022.txt"}]},
        ),
    )
    async def crosscheck(request: Request, runtime: RuntimeDep, extractor: ExtractorDep,
                         pool: PoolDep) -> dict[str, Any]:
        t0 = time.perf_counter()
        deadline = time.monotonic() + runtime.settings.request_timeout_s
        docs = await read_batch(request, runtime.settings)
        outcomes = await run_extractions(runtime, pool, extractor, docs, deadline, False, False, request=request)
        rid = request_id_of(request.scope)
        ids = [d.filename or f"#{i}" for i, d in enumerate(docs)]
        refs = [ReportRef(i, o) for i, o in zip(ids, outcomes) if not isinstance(o, BaseException)]
        entries = year_on_year(refs)
        reports = []
        for i, (name, outcome) in enumerate(zip(ids, outcomes)):
            if isinstance(outcome, BaseException):
                status, code, message = classify(outcome, rid)
                reports.append({"index": i, "report": name, "ok": False,
                                "error": {"code": code, "message": message, "status": status}})
            else:
                reports.append({"index": i, "report": name, "ok": True,
                                "result": _with_year_on_year(outcome, name, entries)})
        return {"reports": reports, "checks": entries, "summary": summary_table(entries),
                "timings_ms": {"total": round((time.perf_counter() - t0) * 1000, 2)}}

    return router
