"""FastAPI dependencies: the app's runtime, the Extractor for a request, the pool, the API key check."""
from __future__ import annotations

import secrets
import typing
from typing import Annotated, Any, Callable

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


def _takes_a_list(annotation: Any) -> bool:
    """``list[str]``, ``tuple[int, ...]``, ``set[str] | None``: a query option that may be repeated."""
    if typing.get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_takes_a_list(a) for a in typing.get_args(annotation) if typing.get_origin(annotation) is not Annotated)


def _query_names(dependant: object, lists: bool = False) -> set[str]:
    """The query parameters a route takes: its own and its dependencies' (by the name sent, the
    alias); with ``lists``, only those that take a list (``?x=1&x=2``)."""
    names = {
        p.alias for p in getattr(dependant, "query_params", ())
        if not lists or _takes_a_list(p.field_info.annotation)
    }  # fmt: skip
    for sub in getattr(dependant, "dependencies", ()):
        names |= _query_names(sub, lists)
    return names


def refuse_unknown_query(request: Request) -> None:
    """422 ``invalid_request`` for a query parameter the route does not take. FastAPI ignores them,
    so a misspelt option (``?fromat=csv``) or one the route does not have (``?fail_fast=true`` on a
    batch, ``?format=csv`` on ``/v1/crosscheck``) was silently not honoured: the client got an answer
    it had not asked for and no word why. The same for an option given twice (not a list)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        takes = ", ".join(sorted(known)) if known else "no query parameters"
        raise ServiceError(
            422,
            "invalid_request",
            f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: "
            f"{request.method} {getattr(route, 'path', request.url.path)} takes {takes} (see /docs)",
        )
    # FastAPI takes the last of a repeated option: ?format=csv&format=xlsx answered a workbook to a
    # client that may have meant either, without a word
    names = [k for k, _ in request.query_params.multi_items()]
    repeated = sorted({k for k in names if names.count(k) > 1} - _query_names(dependant, lists=True))
    if repeated:
        raise ServiceError(
            422,
            "invalid_request",
            f"query parameter{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} given more than once: "
            "give each option once",
        )


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
