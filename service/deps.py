"""FastAPI dependencies: the app's runtime, the Extractor for a request, the pool, the API key check."""
from __future__ import annotations

import secrets
from typing import Annotated, Callable

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from govreport.extraction.pipeline import Extractor

from .errors import ServiceError
from .model_runtime import InferencePool, Runtime
from .settings import ServiceSettings


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
