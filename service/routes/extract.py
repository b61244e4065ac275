"""``POST /v1/extract`` and ``POST /v1/extract/batch``: documents in, the contract's results out;
extraction runs on the inference pool, never on the event loop."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated, Any, Callable, Sequence

from fastapi import APIRouter, Query, Request

from govreport.extraction.errors import InputError
from govreport.extraction.limits import deadline_scope
from govreport.extraction.pipeline import Extractor

from ..deps import ExtractorDep, PoolDep, RuntimeDep
from ..downloads import DOWNLOAD_RESPONSES, DownloadFormat, download_response
from ..errors import ServiceError, classify
from ..inputs import InputDoc, read_batch, read_single, save_input
from ..middleware import request_id_of
from ..model_runtime import InferencePool, Runtime, client_gone
from ..schemas import EXAMPLE_TEXT, MAX_FILENAME_CHARS, BatchRequest, BatchResponse, ExtractRequest, ExtractResponse
from ..settings import ServiceSettings
from .common import ERROR_RESPONSES, _request_body_doc, auth_dependencies


def extract_job(
    extractor: Extractor,
    doc: InputDoc,
    *,
    with_spans: bool,
    with_text: bool,
    save_dir: Path | None,
    queued_at: float,
    deadline: float | None = None,
) -> dict[str, Any]:
    queue_ms = (time.perf_counter() - queued_at) * 1000
    if save_dir is not None:
        save_input(save_dir, doc)
    with deadline_scope(deadline):  # readers and the tagger stop at the request's time limit
        if doc.text is not None:
            result = extractor.extract_text(doc.text, doc.filename)
        else:
            result = extractor.extract_bytes(doc.data or b"", doc.filename, doc.media_type)
    out = result.to_dict(with_spans=with_spans, with_text=with_text)
    out["model_version"] = extractor.tagger.version
    out["timings_ms"]["queue"] = round(queue_ms, 2)
    return out


class Skipped(ServiceError):
    """A batch item not run because an earlier one failed and the batch asked to stop (``fail_fast``)."""

    def __init__(self, failed: int):
        super().__init__(
            424, "skipped", f"not run: item {failed} failed first and the batch was sent with fail_fast=true"
        )


class _FirstFailure:
    """The first item of a batch that failed, shared by its jobs (``fail_fast``): a job that has not
    started once an item failed is not run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.index: int | None = None

    def run(self, index: int, job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            if self.index is not None:
                raise Skipped(self.index)
        try:
            return job()
        except BaseException:
            with self._lock:
                if self.index is None:
                    self.index = index
            raise


async def run_extractions(
    runtime: Runtime,
    pool: InferencePool,
    extractor: Extractor,
    docs: Sequence[InputDoc],
    deadline: float,
    with_spans: bool,
    with_text: bool,
    fail_fast: bool = False,
    request: Request | None = None,
) -> list[dict[str, Any] | BaseException]:
    """Each document's result or exception, in order; ``fail_fast``: once an item fails, the items not
    started yet are not run (their slot holds ``Skipped``); items already running finish. With the
    ``request`` (its body read), a client that closes the connection drops the items not started
    (``ServiceError`` 499, ``InferencePool.run``)."""
    t0 = time.perf_counter()
    jobs: list[Callable[[], dict[str, Any]]] = [
        (
            lambda d=d: extract_job(
                extractor,
                d,
                with_spans=with_spans,
                with_text=with_text,
                save_dir=runtime.settings.save_inputs_dir,
                queued_at=t0,
                deadline=deadline,
            )
        )
        for d in docs
    ]
    if fail_fast:
        first = _FirstFailure()
        jobs = [(lambda i=i, job=job: first.run(i, job)) for i, job in enumerate(jobs)]
    outcomes = await pool.run(jobs, deadline, None if request is None else (lambda: client_gone(request.receive)))
    for o in outcomes:
        runtime.metrics.documents.labels("error" if isinstance(o, BaseException) else "ok").inc()
        if isinstance(o, dict):
            o["timings_ms"]["total"] = round((time.perf_counter() - t0) * 1000, 2)
    return outcomes


SpansQuery = Annotated[bool, Query(description="include the labelled spans")]
TextQuery = Annotated[
    bool,
    Query(
        description="include the decoded text (the span offsets index it); for mojibake also `read_back`: "
        "the text read back and where each of its characters starts in `text`"
    ),
]


def build_extract_router(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=auth_dependencies(settings), responses=ERROR_RESPONSES)

    @router.post(
        "/extract",
        tags=["extraction"],
        response_model=ExtractResponse,
        response_model_exclude_unset=True,
        summary="Extract the tables of one report",
        description=(
            "Send the report as JSON `{\"text\", \"filename\"}`, as a multipart upload in the `file` "
            "field (any ingest format), or as the raw body with its Content-Type. Returns the "
            "extraction contract's object plus `model_version`, `timings_ms` and `origin`."
        ),
        openapi_extra=_request_body_doc(ExtractRequest, "file", False, {"text": EXAMPLE_TEXT, "filename": "report.txt"}),
        responses=DOWNLOAD_RESPONSES,
    )
    async def extract(
        request: Request,
        runtime: RuntimeDep,
        extractor: ExtractorDep,
        pool: PoolDep,
        spans: SpansQuery = False,
        text: TextQuery = False,
        filename: Annotated[str | None, Query(max_length=MAX_FILENAME_CHARS, description="file name for a raw body")] = None,
        fmt: Annotated[
            DownloadFormat, Query(alias="format", description="json, or a file to download: csv (tidy cells), xlsx, md")
        ] = "json",
    ) -> Any:
        deadline = time.monotonic() + runtime.settings.request_timeout_s
        doc = await read_single(request, runtime.settings, filename)
        (outcome,) = await run_extractions(runtime, pool, extractor, [doc], deadline, spans, text, request=request)
        if isinstance(outcome, (ServiceError, InputError)):
            raise outcome
        if isinstance(outcome, BaseException):
            status, code, message = classify(outcome, request_id_of(request.scope))  # logs the traceback
            raise ServiceError(status, code, message)
        return outcome if fmt == "json" else download_response(outcome, fmt)

    @router.post(
        "/extract/batch",
        tags=["extraction"],
        response_model=BatchResponse,
        response_model_exclude_unset=True,
        summary="Extract several reports; one failing item does not fail the batch",
        description=(
            "JSON `{\"items\": [{\"text\", \"filename\"}, ...]}` or multipart files (field `files`, "
            f"repeated). At most GOVREPORT_MAX_BATCH_ITEMS ({settings.max_batch_items}) documents; "
            "the time limit covers the whole batch, and items not done by then fail with `timeout`."
        ),
        openapi_extra=_request_body_doc(
            BatchRequest, "files", True, {"items": [{"text": EXAMPLE_TEXT, "filename": "a.txt"}]}
        ),
    )
    async def extract_batch(
        request: Request,
        runtime: RuntimeDep,
        extractor: ExtractorDep,
        pool: PoolDep,
        spans: SpansQuery = False,
        text: TextQuery = False,
        fail_fast: Annotated[
            bool,
            Query(
                description="stop at the first failure: once an item fails, the items not started yet are not "
                "run (each `ok` false, status 424, code `skipped`); items already running finish"
            ),
        ] = False,
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        deadline = time.monotonic() + runtime.settings.request_timeout_s
        docs = await read_batch(request, runtime.settings)
        outcomes = await run_extractions(runtime, pool, extractor, docs, deadline, spans, text, fail_fast, request)
        rid = request_id_of(request.scope)
        items = []
        for i, (doc, outcome) in enumerate(zip(docs, outcomes)):
            if isinstance(outcome, BaseException):
                status, code, message = classify(outcome, rid)
                runtime.metrics.errors.labels(code).inc()
                items.append(
                    {"index": i, "filename": doc.filename, "ok": False, "status": status,
                     "error": {"code": code, "message": message, "request_id": rid}}
                )
            else:
                items.append({"index": i, "filename": doc.filename, "ok": True, "status": 200, "result": outcome})
        ok = sum(1 for it in items if it["ok"])
        skipped = sum(1 for o in outcomes if isinstance(o, Skipped))
        return {
            "count": len(items),
            "succeeded": ok,
            "failed": len(items) - ok - skipped,
            "skipped": skipped,
            "items": items,
            "timings_ms": {"total": round((time.perf_counter() - t0) * 1000, 2)},
        }

    return router
