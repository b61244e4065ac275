"""The HTTP API: ``create_app()`` builds the FastAPI app, ``serve_cmd`` is ``govreport serve``.

Design, in short:
- the Extractor (and so the model) is built once in ``lifespan`` and held in a ``ModelSlot``; a
  reload builds the new one on a helper thread and swaps the reference, so a request that has
  already taken the old Extractor finishes on it;
- extraction runs on a bounded thread pool (``InferencePool``), never on the event loop; a request
  past its time limit gets 504, a full queue gets 503;
- every error leaves as ``{"error": {"code", "message", "request_id"}}``; tracebacks go to the log;
- uploads are parsed in memory, so nothing from a request reaches the disk unless
  ``GOVREPORT_SAVE_INPUTS_DIR`` asks for it.

Adding a router (e.g. the Label Studio ML backend) is one ``app.include_router(...)`` line in
``create_app``; its handlers get the Extractor through ``Depends(get_extractor)`` and run work
off the loop with ``get_runtime(request).pool.run([...], deadline)``.
"""
from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import logging
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, AsyncIterator, Callable, Iterable, Mapping, Sequence, TypeVar

import click
import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from govreport.extraction.errors import InputError, InputTooLarge
from govreport.extraction.export import atomic_write
from govreport.extraction.labels import LABEL_INFO, LABEL_SET_VERSION
from govreport.extraction.limits import deadline_scope
from govreport.extraction.reader_pool import set_max_readers
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import Tagger, get_tagger
from govreport.extraction.printed import printed_table
from govreport.extraction.templates import FORMATS, TABLES, table_spec
from govreport.training.registry import ModelRegistry, RegistryError

from .docs_pages import install_docs
from .downloads import DOWNLOAD_RESPONSES, DownloadFormat, download_response
from .guards import HostAllowListMiddleware, UploadTimeoutMiddleware, redact_paths
from .metrics import ASGIApp, Message, MetricsMiddleware, Scope, ServiceMetrics
from .schemas import (
    EXAMPLE_TEXT,
    BatchRequest,
    BatchResponse,
    ErrorResponse,
    ExtractRequest,
    ExtractResponse,
    HealthResponse,
    LoadedModelOut,
    ModelsResponse,
    ReadyResponse,
    ReloadResponse,
)
from .settings import ServiceSettings

logger = logging.getLogger("govreport.service")

STATIC_DIR = Path(__file__).resolve().parent / "static"
REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_KEY = "govreport.request_id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

T = TypeVar("T")
TaggerFactory = Callable[[ServiceSettings], Tagger]


# ---- errors at the edge ------------------------------------------------------------------------


class ServiceError(Exception):
    """A failure of the service itself (timeout, overload, auth, bad request shape), not of the input."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class ModelLoadError(RuntimeError):
    """The configured model cannot be found or loaded (a deployment problem, said at start-up)."""


INTERNAL_MESSAGE = "internal error while extracting; it has been logged"


def classify(exc: BaseException, request_id: str | None = None) -> tuple[int, str, str]:
    """(HTTP status, code, message) for any exception; unknown ones are logged and get a generic message."""
    if isinstance(exc, ServiceError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, InputError):
        return exc.http_status, exc.code, str(exc)
    logger.error("internal error (request %s)", request_id, exc_info=exc)
    return 500, "internal", INTERNAL_MESSAGE


def request_id_of(scope: Scope) -> str | None:
    return scope.get(_REQUEST_ID_KEY)


def error_response(
    metrics: ServiceMetrics | None,
    status: int,
    code: str,
    message: str,
    request_id: str | None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    if metrics is not None:
        metrics.errors.labels(code).inc()
    body = {"error": {"code": code, "message": redact_paths(message), "request_id": request_id, **extra}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


# ---- ASGI middleware ---------------------------------------------------------------------------


class RequestIdMiddleware:
    """Take the caller's ``X-Request-ID`` (when sane) or make one; echo it on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == REQUEST_ID_HEADER.encode()), "")
        rid = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex[:16]
        scope[_REQUEST_ID_KEY] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER.encode(), rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Refuse bodies over ``max_bytes``: by Content-Length before reading, else while streaming.

    A streamed body that goes over raises ``InputTooLarge`` from ``receive``, which the app's
    InputError handler turns into the usual 413 body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, metrics: ServiceMetrics) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            response = error_response(
                self.metrics,
                413,
                InputTooLarge.code,
                f"the request body is {int(length)} bytes; the limit is {self.max_bytes} bytes",
                request_id_of(scope),
            )
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise InputTooLarge(f"the request body exceeds the limit of {self.max_bytes} bytes")
            return message

        await self.app(scope, limited_receive, send)


# ---- the inference pool ------------------------------------------------------------------------


class InferencePool:
    """A bounded thread pool with a cap on queued work and a deadline per request.

    Threads cannot be stopped: work that passes its deadline finishes in the background and still
    counts as pending until it does, so a stuck model turns into 503s rather than a growing queue.
    """

    def __init__(self, workers: int, max_pending: int, metrics: ServiceMetrics):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govreport-infer")
        self.max_pending = max_pending
        self.metrics = metrics
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def _finished(self) -> None:
        self._pending -= 1
        self.metrics.pending.set(self._pending)

    def _submit(self, fn: Callable[[], T]) -> "asyncio.Future[T]":
        loop = asyncio.get_running_loop()
        histogram = self.metrics.inference

        def job() -> T:
            with histogram.time():
                return fn()

        def on_done(_: object) -> None:
            try:
                loop.call_soon_threadsafe(self._finished)
            except RuntimeError:  # the loop is closed: the server is gone, nothing to count
                pass

        cf = self._executor.submit(job)
        self._pending += 1
        self.metrics.pending.set(self._pending)
        cf.add_done_callback(on_done)
        return asyncio.wrap_future(cf)

    async def run(self, fns: Sequence[Callable[[], T]], deadline: float) -> list[T | BaseException]:
        """Run every function on the pool; each slot holds its result, its exception, or a 504
        ServiceError for work not done by ``deadline`` (``time.monotonic()``); the rest is cancelled."""
        if self._pending + len(fns) > self.max_pending:
            raise ServiceError(
                503,
                "busy",
                f"the service is busy ({self._pending} documents pending); retry shortly",
                {"Retry-After": "1"},
            )
        futures = [self._submit(fn) for fn in fns]
        try:
            done, _ = await asyncio.wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        finally:
            for f in futures:
                if not f.done():
                    f.cancel()  # a job still queued is dropped; a running one finishes unobserved
        timeout = ServiceError(504, "timeout", "the request passed its time limit")
        return [(f.exception() or f.result()) if f in done else timeout for f in futures]

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# ---- the model slot ----------------------------------------------------------------------------


def default_tagger(settings: ServiceSettings) -> Tagger:
    """The tagger the settings ask for; a version name is resolved in *this* service's registry."""
    if settings.tagger == "rules":
        return get_tagger("rules")
    registry = ModelRegistry(settings.models_dir)
    if settings.model is not None:
        path = Path(settings.model)
        try:
            model_dir = path if path.is_dir() else registry.get(settings.model).path
        except RegistryError as exc:
            raise ModelLoadError(str(exc)) from None
    else:
        try:
            active = registry.active()
        except RegistryError as exc:
            raise ModelLoadError(f"the registry's ACTIVE pointer is broken: {exc}") from None
        if active is None:
            if settings.tagger == "model":
                raise ModelLoadError(f"GOVREPORT_TAGGER=model but the registry at {registry.root} has no active model")
            return get_tagger("rules")
        model_dir = active.path
    return get_tagger(
        settings.tagger, str(model_dir), num_threads=settings.model_threads, precision=settings.model_precision
    )


@dataclass(frozen=True)
class LoadedModel:
    extractor: Extractor
    active_seen: str | None  # the registry's ACTIVE when this was built (what the watcher compares)
    loaded_at: str


class ModelSlot:
    """Holds the current Extractor; ``load()`` builds a new one off the loop and swaps it in."""

    def __init__(
        self,
        settings: ServiceSettings,
        metrics: ServiceMetrics,
        tagger_factory: TaggerFactory,
        on_swap: Callable[[LoadedModel], None] = lambda loaded: None,
    ):
        self.settings = settings
        self.metrics = metrics
        self.tagger_factory = tagger_factory
        self.on_swap = on_swap
        self.registry = ModelRegistry(settings.models_dir)
        self._current: LoadedModel | None = None
        self._lock = asyncio.Lock()

    @property
    def current(self) -> LoadedModel | None:
        return self._current

    @property
    def follows_active(self) -> bool:
        return self.settings.tagger != "rules" and self.settings.model is None

    def active_version(self) -> str | None:
        active = self.registry.active()
        return active.version if active else None

    def _build(self) -> LoadedModel:
        try:
            seen = self.active_version() if self.follows_active else None
        except RegistryError as exc:
            raise ModelLoadError(f"the registry's ACTIVE pointer is broken: {exc}") from None
        tagger = self.tagger_factory(self.settings)
        extractor = Extractor(tagger=tagger, max_bytes=self.settings.max_bytes, limits=self.settings.read_limits())
        return LoadedModel(extractor, seen, datetime.now(timezone.utc).isoformat(timespec="seconds"))

    async def load(self) -> tuple[LoadedModel | None, LoadedModel]:
        """Build and swap; on failure the previous Extractor stays in place and the error propagates."""
        async with self._lock:
            try:
                new = await asyncio.to_thread(self._build)
            except BaseException:
                self.metrics.reloads.labels("failed").inc()
                raise
            old, self._current = self._current, new
            self.on_swap(new)
            info = new.extractor.tagger_info
            self.metrics.set_model(info["name"], info["version"])
            self.metrics.reloads.labels("ok").inc()
            logger.info("loaded tagger %s %s", info["name"], info["version"])
            return old, new

    async def reload_if_active_changed(self) -> bool:
        if not self.follows_active or self._current is None:
            return False
        active = await asyncio.to_thread(self.active_version)
        if active == self._current.active_seen:
            return False
        logger.info("registry ACTIVE is now %s; reloading", active)
        await self.load()
        return True


async def follow_active(slot: ModelSlot, interval_s: float) -> None:
    """Background task: reload when the registry's ACTIVE pointer moves (a promoted model)."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            await slot.reload_if_active_changed()
        except Exception:  # keep serving on the old model; the next tick retries
            logger.exception("automatic reload failed; the previous model stays loaded")


# ---- per-app state and dependencies ------------------------------------------------------------


@dataclass
class Runtime:
    settings: ServiceSettings
    metrics: ServiceMetrics
    slot: ModelSlot
    pool: InferencePool | None = None


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_extractor(request: Request) -> Extractor:
    """The Extractor to use for this whole request (a reload during it does not change it)."""
    loaded = get_runtime(request).slot.current
    if loaded is None:
        raise ServiceError(503, "not_ready", "the model is not loaded yet", {"Retry-After": "1"})
    return loaded.extractor


def get_pool(request: Request) -> InferencePool:
    pool = get_runtime(request).pool
    if pool is None:
        raise ServiceError(503, "not_ready", "the service is not started", {"Retry-After": "1"})
    return pool


def api_key_dependency(settings: ServiceSettings) -> Callable[..., None]:
    """A dependency checking the key header; declared through APIKeyHeader so /docs can send it."""
    assert settings.api_key is not None
    expected = settings.api_key.get_secret_value().encode()
    header = APIKeyHeader(name=settings.api_key_header, auto_error=False)

    # A default, not Annotated[...]: the closure's `header` is not visible to annotation evaluation.
    def check(key: str | None = Depends(header)) -> None:
        if key is None or not secrets.compare_digest(key.encode(), expected):
            raise ServiceError(401, "unauthorized", f"missing or wrong {settings.api_key_header} header")

    return check


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ExtractorDep = Annotated[Extractor, Depends(get_extractor)]
PoolDep = Annotated[InferencePool, Depends(get_pool)]


# ---- reading inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InputDoc:
    """One document from a request: text (JSON) or bytes (upload) with what is known of its format."""

    filename: str | None
    text: str | None = None
    data: bytes | None = None
    media_type: str | None = None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _upload_media_type(content_type: str | None) -> str | None:
    """Browsers send application/octet-stream for anything they do not know: let ingest sniff it."""
    mt = _media_type(content_type)
    return None if mt in ("", "application/octet-stream") else mt


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


async def _parse_json(request: Request, model: type[T]) -> T:
    body = await request.body()
    try:
        return model.model_validate_json(body)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None


async def _read_uploads(request: Request, settings: ServiceSettings) -> list[InputDoc]:
    """Every file part of a multipart body, kept in memory (the body is already size-limited)."""
    limit = settings.max_batch_items
    parser = MultiPartParser(request.headers, request.stream(), max_files=limit, max_fields=64, max_part_size=64 * 1024)
    # Starlette spools parts over 1 MiB to a temporary file; a spool larger than any allowed body
    # keeps every upload in memory, so nothing from a request is written to disk.
    parser.spool_max_size = settings.max_request_bytes + 1
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        if str(exc).startswith("Too many files"):  # Starlette stops at max_files: no unbounded part list
            raise ServiceError(413, "too_many_items", f"more than {limit} files in one request") from None
        raise ServiceError(400, "invalid_multipart", f"cannot parse the multipart body: {exc}") from None
    docs = []
    try:
        for _, value in form.multi_items():
            if isinstance(value, str):
                continue
            data = await value.read()
            docs.append(InputDoc(value.filename or None, data=data, media_type=_upload_media_type(value.content_type)))
    finally:
        await form.close()
    return docs


async def read_single(request: Request, settings: ServiceSettings, filename: str | None) -> InputDoc:
    media_type = _media_type(request.headers.get("content-type"))
    if _is_json(media_type):
        body = await _parse_json(request, ExtractRequest)
        return InputDoc(body.filename or filename, text=body.text)
    if media_type == "multipart/form-data":
        docs = await _read_uploads(request, settings)
        if len(docs) != 1:
            raise ServiceError(
                422,
                "invalid_request",
                f"send exactly one file (got {len(docs)}); several files go to /v1/extract/batch",
            )
        return docs[0] if docs[0].filename else InputDoc(filename, data=docs[0].data, media_type=docs[0].media_type)
    # Any other body is the document itself (curl --data-binary @report.pdf -H 'Content-Type: application/pdf').
    return InputDoc(filename, data=await request.body(), media_type=_upload_media_type(media_type))


async def read_batch(request: Request, settings: ServiceSettings) -> list[InputDoc]:
    media_type = _media_type(request.headers.get("content-type"))
    if _is_json(media_type):
        body = await _parse_json(request, BatchRequest)
        docs = [InputDoc(item.filename, text=item.text) for item in body.items]
    elif media_type == "multipart/form-data":
        docs = await _read_uploads(request, settings)
    else:
        raise ServiceError(
            415, "unsupported_media_type", "a batch is application/json ({\"items\": [...]}) or multipart/form-data files"
        )
    if not docs:
        raise ServiceError(422, "invalid_request", "the batch has no documents")
    if len(docs) > settings.max_batch_items:
        raise ServiceError(
            413, "too_many_items", f"the batch has {len(docs)} documents; the limit is {settings.max_batch_items}"
        )
    return docs


# ---- the extraction job (runs on a pool thread) ------------------------------------------------


def save_input(directory: Path, doc: InputDoc) -> Path:
    """Keep an input as ``<sha256><suffix>`` (only when GOVREPORT_SAVE_INPUTS_DIR is set)."""
    data = doc.data if doc.data is not None else (doc.text or "").encode("utf-8")
    suffix = Path(doc.filename or "").suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".txt" if doc.text is not None else ".bin"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if not path.exists():
        atomic_write(path, data)
    return path


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
    out = result.to_dict(with_spans=with_spans)
    out["model_version"] = extractor.tagger.version
    out["timings_ms"]["queue"] = round(queue_ms, 2)
    if with_text:
        out["text"] = result.document.text
    return out


async def run_extractions(
    runtime: Runtime,
    pool: InferencePool,
    extractor: Extractor,
    docs: Sequence[InputDoc],
    deadline: float,
    with_spans: bool,
    with_text: bool,
) -> list[dict[str, Any] | BaseException]:
    t0 = time.perf_counter()
    jobs = [
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
    outcomes = await pool.run(jobs, deadline)
    for o in outcomes:
        runtime.metrics.documents.labels("error" if isinstance(o, BaseException) else "ok").inc()
        if isinstance(o, dict):
            o["timings_ms"]["total"] = round((time.perf_counter() - t0) * 1000, 2)
    return outcomes


# ---- routes ------------------------------------------------------------------------------------

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "empty or undecodable input, malformed multipart"},
    401: {"model": ErrorResponse, "description": "missing or wrong API key (only when a key is configured)"},
    413: {"model": ErrorResponse, "description": "document or request too large, too many batch items"},
    415: {"model": ErrorResponse, "description": "unsupported or binary format"},
    422: {"model": ErrorResponse, "description": "not a report, no text layer, or a malformed request"},
    500: {"model": ErrorResponse, "description": "internal error (logged; no details in the answer)"},
    503: {"model": ErrorResponse, "description": "busy (queue full) or not ready"},
    504: {"model": ErrorResponse, "description": "the request passed its time limit"},
}


def _request_body_doc(model: type, multipart_field: str, multiple: bool, json_example: dict[str, Any]) -> dict[str, Any]:
    file_schema = {"type": "string", "format": "binary"}
    part = {"type": "array", "items": file_schema} if multiple else file_schema
    content: dict[str, Any] = {
        "application/json": {
            "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
            "examples": {"report": {"summary": "report text", "value": json_example}},
        },
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {multipart_field: part}, "required": [multipart_field]}
        },
    }
    if not multiple:
        content["application/octet-stream"] = {"schema": file_schema}
    return {"requestBody": {"required": True, "content": content}}


def build_ops_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", response_model=HealthResponse, summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        response_model=ReadyResponse,
        responses={503: {"model": ReadyResponse, "description": "the model is not loaded"}},
        summary="The model is loaded and requests are accepted",
    )
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        loaded = runtime.slot.current
        ready = loaded is not None and runtime.pool is not None
        body = ReadyResponse(
            ready=ready,
            tagger=loaded.extractor.tagger_info if loaded else None,
            pending=runtime.pool.pending if runtime.pool else 0,
        )
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics(runtime: RuntimeDep) -> Response:
        return Response(runtime.metrics.render(), media_type=runtime.metrics.content_type)

    return router


def build_info_router(settings: ServiceSettings) -> APIRouter:
    """What clients (and the review page) need to show results: label colours, template labels, limits."""
    router = APIRouter(prefix="/v1", tags=["reference"])
    templates = {
        fmt: {
            name: {
                "title": (spec := table_spec(fmt, name)).title,
                "rows": {r.key: r.label for r in spec.rows},
                "cols": spec.col_labels,
                "printed": printed_table(fmt, name).to_dict(),  # the layout of the national form
            }
            for name in TABLES
        }
        for fmt in FORMATS
    }
    info = {
        "service": "govreport",
        "version": importlib.metadata.version("govreport"),
        "label_set": LABEL_SET_VERSION,
        "labels": {label.value: {"color": i.color, "description": i.description} for label, i in LABEL_INFO.items()},
        "templates": templates,
        "auth": {"required": settings.auth_enabled, "header": settings.api_key_header},
        "limits": {
            "max_bytes": settings.max_bytes,
            "max_request_bytes": settings.max_request_bytes,
            "max_batch_items": settings.max_batch_items,
            "request_timeout_s": settings.request_timeout_s,
            "max_chars": settings.max_chars,
            "max_lines": settings.max_lines,
            "max_pages": settings.max_pages,
        },
    }

    @router.get("/info", summary="Labels, colours, template labels and limits")
    async def get_info() -> dict[str, Any]:
        return info

    return router


SpansQuery = Annotated[bool, Query(description="include the labelled spans")]
TextQuery = Annotated[bool, Query(description="include the decoded text (the span offsets index it)")]


def build_api_router(settings: ServiceSettings) -> APIRouter:
    deps = [Depends(api_key_dependency(settings))] if settings.auth_enabled else []
    router = APIRouter(prefix="/v1", dependencies=deps, responses=ERROR_RESPONSES)

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
        filename: Annotated[str | None, Query(max_length=255, description="file name for a raw body")] = None,
        fmt: Annotated[
            DownloadFormat, Query(alias="format", description="json, or a file to download: csv (tidy cells), xlsx, md")
        ] = "json",
    ) -> Any:
        deadline = time.monotonic() + runtime.settings.request_timeout_s
        doc = await read_single(request, runtime.settings, filename)
        (outcome,) = await run_extractions(runtime, pool, extractor, [doc], deadline, spans, text)
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
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        deadline = time.monotonic() + runtime.settings.request_timeout_s
        docs = await read_batch(request, runtime.settings)
        outcomes = await run_extractions(runtime, pool, extractor, docs, deadline, spans, text)
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
        return {
            "count": len(items),
            "succeeded": ok,
            "failed": len(items) - ok,
            "items": items,
            "timings_ms": {"total": round((time.perf_counter() - t0) * 1000, 2)},
        }

    @router.get("/models", tags=["models"], response_model=ModelsResponse, summary="Model versions and the loaded one")
    async def list_models(runtime: RuntimeDep, extractor: ExtractorDep) -> dict[str, Any]:
        slot = runtime.slot

        def read_registry() -> tuple[str | None, list[dict[str, Any]]]:
            try:
                active = slot.active_version()
            except RegistryError as exc:
                logger.warning("registry ACTIVE unreadable: %s", exc)
                active = None
            loaded_version = extractor.tagger.version
            versions = [
                {"version": v.version, "active": v.version == active, "loaded": v.version == loaded_version, "meta": v.meta}
                for v in slot.registry.versions()
            ]
            return active, versions

        active, versions = await asyncio.to_thread(read_registry)
        loaded = slot.current
        assert loaded is not None  # get_extractor succeeded
        return {
            "tagger_setting": runtime.settings.tagger,
            "pinned": runtime.settings.model,
            "active": active,
            "loaded": LoadedModelOut(tagger=extractor.tagger_info, loaded_at=loaded.loaded_at),
            "versions": versions,
        }

    @router.post(
        "/models/reload",
        tags=["models"],
        response_model=ReloadResponse,
        summary="Load the active (or pinned) model again and swap it in",
        description="Requests already running finish on the previous model; new ones use the new one. "
        "On failure the previous model stays loaded (409 when the model cannot be found).",
        responses={409: {"model": ErrorResponse, "description": "the configured model cannot be found"}},
    )
    async def reload_model(runtime: RuntimeDep) -> dict[str, Any]:
        try:
            old, new = await runtime.slot.load()
        except ModelLoadError as exc:
            raise ServiceError(409, "reload_failed", f"{exc}; the previous model stays loaded") from None
        except Exception as exc:
            logger.error("model reload failed", exc_info=exc)
            raise ServiceError(500, "reload_failed", "the model could not be loaded (see the server log); the previous model stays loaded") from None
        previous = old.extractor.tagger_info if old else new.extractor.tagger_info
        return {"changed": previous != new.extractor.tagger_info, "previous": previous, "current": new.extractor.tagger_info}

    return router


def build_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def review_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    return router


# ---- exception handlers ------------------------------------------------------------------------


def install_error_handlers(app: FastAPI, metrics: ServiceMetrics) -> None:
    def respond(request: Request, status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
        return error_response(metrics, status, code, message, request_id_of(request.scope), headers, **extra)

    @app.exception_handler(ServiceError)
    async def on_service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(InputError)
    async def on_input_error(request: Request, exc: InputError) -> JSONResponse:
        return respond(request, exc.http_status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return respond(request, 422, "invalid_request", f"{where}: {first['msg']}", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return respond(request, exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        status, code, message = classify(exc, request_id_of(request.scope))
        return respond(request, status, code, message)


# ---- the app -----------------------------------------------------------------------------------

API_DESCRIPTION = """
Extract the statistical tables of 政府信息公开工作年度报告 (government information-disclosure annual
reports) from flattened text, HTML, Word or PDF. Every answer says which model version produced it.

Errors are JSON: `{"error": {"code": "...", "message": "...", "request_id": "..."}}`.
The review page is at [`/`](/).
"""


def _openapi_with_request_schemas(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The request bodies are read by hand (JSON or multipart), so register their schemas ourselves."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ExtractRequest, BatchRequest):
            s = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in s.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components.setdefault(model.__name__, s)
        app.openapi_schema = schema
        return schema

    return openapi


def create_app(
    settings: ServiceSettings | None = None,
    *,
    tagger_factory: TaggerFactory | None = None,
    routers: Iterable[APIRouter] = (),
) -> FastAPI:
    """Build the app. ``tagger_factory`` replaces how the tagger is made from the settings (tests,
    custom models); ``routers`` are included after the service's own (paths must not collide)."""
    settings = settings if settings is not None else ServiceSettings()
    metrics = ServiceMetrics()
    runtime = Runtime(settings, metrics, ModelSlot(settings, metrics, tagger_factory or default_tagger))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        set_max_readers(settings.readers)
        runtime.pool = InferencePool(settings.workers, settings.max_pending, metrics)
        watcher: asyncio.Task[None] | None = None
        try:
            await runtime.slot.load()
            if runtime.slot.follows_active and settings.reload_poll_s > 0:
                watcher = asyncio.create_task(follow_active(runtime.slot, settings.reload_poll_s))
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
            runtime.pool.shutdown()
            runtime.pool = None

    app = FastAPI(
        title="govreport",
        version=importlib.metadata.version("govreport"),
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
        openapi_tags=[
            {"name": "extraction", "description": "Reports in, tables out"},
            {"name": "models", "description": "Model versions from the registry"},
            {"name": "reference", "description": "Labels and templates"},
            {"name": "operations", "description": "Health, readiness, metrics"},
        ],
    )
    app.state.runtime = runtime
    # app.state.extractor follows every swap, for routers that read it instead of Depends(get_extractor).
    runtime.slot.on_swap = lambda loaded: setattr(app.state, "extractor", loaded.extractor)
    install_error_handlers(app, metrics)

    app.include_router(build_ops_router())
    app.include_router(build_info_router(settings))
    app.include_router(build_api_router(settings))
    app.include_router(build_page_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)  # /docs, /redoc, /favicon.ico without a CDN
    # Other routers (the Label Studio ML backend: /predict, /setup, /health, /webhook) go here.
    for router in routers:
        app.include_router(router)
    app.include_router(importlib.import_module("govreport.service.ml_backend").router)  # Label Studio ML backend

    # Added last = outermost: metrics see every answer, request ids are on every answer.
    app.add_middleware(UploadTimeoutMiddleware, timeout_s=settings.upload_timeout_s)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes, metrics=metrics)
    app.add_middleware(HostAllowListMiddleware, allowed=settings.allowed_hosts.split(","))
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.openapi = _openapi_with_request_schemas(app)  # type: ignore[method-assign]
    return app


# ---- running it --------------------------------------------------------------------------------


def run_server(settings: ServiceSettings) -> None:
    """One uvicorn process (the model is loaded once); extraction parallelism is the thread pool."""
    import uvicorn

    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
        timeout_graceful_shutdown=max(1, math.ceil(settings.request_timeout_s)),
    )


@click.command("serve", help="Run the HTTP API (uvicorn). Settings come from GOVREPORT_* variables; options override them.")
@click.option("--host", default=None, help="GOVREPORT_HOST (default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="GOVREPORT_PORT (default 8000)")
@click.option("--tagger", type=click.Choice(["auto", "rules", "model"]), default=None, help="GOVREPORT_TAGGER (default auto)")
@click.option("--model", default=None, help="GOVREPORT_MODEL: a version or a model directory (default: the registry's ACTIVE)")
@click.option("--workers", type=int, default=None, help="GOVREPORT_WORKERS: inference threads")
def serve_cmd(host: str | None, port: int | None, tagger: str | None, model: str | None, workers: int | None) -> None:
    overrides = {k: v for k, v in {"host": host, "port": port, "tagger": tagger, "model": model, "workers": workers}.items() if v is not None}
    try:
        settings = ServiceSettings(**overrides)
    except ValidationError as exc:
        raise click.ClickException(f"invalid settings:\n{exc}") from None
    run_server(settings)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerProcess:
    """``govreport serve`` in a child process on 127.0.0.1 and a free port, for tests and benchmarks.

    ``with ServerProcess({"GOVREPORT_TAGGER": "rules"}) as server: httpx.get(server.url + "/healthz")``;
    on exit the server gets SIGTERM (graceful) and ``returncode`` is kept.
    """

    def __init__(self, env: Mapping[str, str] | None = None, startup_timeout_s: float = 60.0):
        self.env = dict(env or {})
        self.startup_timeout_s = startup_timeout_s
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self._log = tempfile.TemporaryFile()  # anonymous: gone when closed
        self._final_log = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log_text(self) -> str:
        """What the server printed so far (all of it, once it has stopped)."""
        if self._log.closed:
            return self._final_log
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def _close_log(self) -> None:
        if not self._log.closed:
            self._final_log = self.log_text()
            self._log.close()

    def __enter__(self) -> "ServerProcess":
        self.port = free_port()
        env = {**os.environ, **self.env, "GOVREPORT_HOST": "127.0.0.1", "GOVREPORT_PORT": str(self.port)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "govreport.service.cli", "serve"], env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        end = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                self.returncode = self.proc.returncode
                self._close_log()
                raise RuntimeError(f"the server exited with {self.returncode} during start-up:\n{self.log_text()[-4000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server was not ready within {self.startup_timeout_s} s")

    def stop(self, timeout_s: float = 30.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        return self.returncode

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.stop()
        self._close_log()
