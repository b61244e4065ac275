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

Where things are: ``routes/`` (one module per concern), ``model_runtime`` (pool, model slot,
reload), ``deps`` (dependencies), ``inputs`` (reading request bodies), ``errors`` + ``handlers``
(error bodies), ``middleware`` (request ids, body limit); this module assembles the app and runs it.

Adding a router (e.g. the Label Studio ML backend) is one ``app.include_router(...)`` line in
``create_app``; its handlers get the Extractor through ``Depends(get_extractor)`` and run work
off the loop with ``get_runtime(request).pool.run([...], deadline)``.
"""
from __future__ import annotations

import asyncio
import errno
import importlib
import importlib.metadata
import logging
import math
import re
import socket
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Iterable

import click
from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from govreport.extraction.reader_pool import set_max_readers

from .bodyencoding import ContentEncodingMiddleware
from .docs_pages import install_docs
from .deps import ExtractorDep, PoolDep, RuntimeDep, get_extractor, get_pool, get_runtime  # noqa: F401  (public names)
from .errors import ModelLoadError, ServiceError, classify, error_response  # noqa: F401
from .guards import HostAllowListMiddleware, UploadTimeoutMiddleware
from .handlers import install_error_handlers
from .headget import HeadAsGetMiddleware
from .metrics import MetricsMiddleware, ServiceMetrics
from .middleware import REQUEST_ID_HEADER, BodyLimitMiddleware, RequestIdMiddleware, request_id_of  # noqa: F401
from .model_runtime import InferencePool, ModelSlot, Runtime, TaggerFactory, default_tagger, follow_active
from .options import runtime_option
from .routes import build_api_router, build_info_router, build_ops_router, build_page_router
from .routes.page import STATIC_DIR
from .schemas import BatchRequest, ExtractRequest
from .settings import ServiceSettings

logger = logging.getLogger("govreport.service")


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
    app.add_middleware(HeadAsGetMiddleware, routes=app.router.routes)  # innermost: the others see HEAD
    # a gzip body is inflated inside the upload's time limit, held to the body limit once decoded
    app.add_middleware(ContentEncodingMiddleware, max_bytes=settings.max_request_bytes, metrics=metrics)
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
@runtime_option
def serve_cmd(host: str | None, port: int | None, tagger: str | None, model: str | None, workers: int | None) -> None:
    overrides = {k: v for k, v in {"host": host, "port": port, "tagger": tagger, "model": model, "workers": workers}.items() if v is not None}
    try:
        settings = ServiceSettings(**overrides)
    except ValidationError as exc:
        raise click.ClickException(f"invalid settings:\n{settings_problems(exc, overrides)}") from None
    if port_in_use(settings.host, settings.port):  # uvicorn says so only once the model has loaded
        raise click.ClickException(
            f"port {settings.port} on {settings.host} is in use (another server listens there): "
            "choose another with --port or GOVREPORT_PORT"
        )
    run_server(settings)


def port_in_use(host: str, port: int) -> bool:
    """Whether a server already listens on ``host:port`` (a bind fails with EADDRINUSE), with
    ``SO_REUSEADDR`` as uvicorn sets it, so a port in TIME_WAIT after a stop is free. Any other
    error (an address not on this machine) is uvicorn's to say. (``label server start`` has its own:
    training must not import the service.)"""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def settings_problems(exc: ValidationError, options: Iterable[str] = ()) -> str:
    """One line per invalid setting, named as the user set it (``--port`` for an option given,
    else ``GOVREPORT_PORT``) with the value and the reason. pydantic's own text named the field
    (``port``), which is neither, and linked its web site, which intranets cannot reach."""
    given = set(options)

    def name(field: str) -> str:
        return f"--{field}" if field in given else f"GOVREPORT_{field.upper()}"

    lines = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ())]
        if loc:
            msg = str(err["msg"]).removeprefix("Value error, ")  # a validator's own sentence
            secret = "SecretStr" in str(ServiceSettings.model_fields[loc[0]].annotation) if loc[0] in ServiceSettings.model_fields else False
            shown = "'**********'" if secret else repr(err.get("input"))  # a key is never printed to a log
            lines.append(f"  {name(loc[0])}={shown}: {msg}")
        else:  # a rule over several settings (ServiceSettings._limits_agree): its text names fields
            msg = str(err["msg"]).removeprefix("Value error, ")
            for field in sorted(ServiceSettings.model_fields, key=len, reverse=True):
                msg = re.sub(rf"(?<!')\b{field}\b(?!')", name(field), msg)  # 'model' quoted is a value
            lines.append(f"  {msg}")
    return "\n".join(lines)


def __getattr__(name: str) -> Any:
    if name in ("ServerProcess", "free_port"):  # test helpers (need httpx): service.testing
        from . import testing

        return getattr(testing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
