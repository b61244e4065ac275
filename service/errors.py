"""Errors at the service's edge: ``ServiceError`` (timeouts, overload, auth, request shape), the
mapping of any exception to (status, code, message), and the JSON error body every failure leaves as:
``{"error": {"code", "message", "request_id"}}`` (tracebacks go to the log only)."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from fastapi.responses import JSONResponse

from govreport.extraction.errors import InputError

from .guards import redact_paths
from .metrics import ServiceMetrics

logger = logging.getLogger("govreport.service")


class ServiceError(Exception):
    """A failure of the service itself (timeout, overload, auth, bad request shape), not of the input."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


# nginx's "client closed request": in the access log and the metrics, apart from the answers clients got
CLIENT_CLOSED = 499


class ModelLoadError(RuntimeError):
    """The configured model cannot be found or loaded (a deployment problem, said at start-up)."""


INTERNAL_MESSAGE = "internal error while {doing}; it has been logged"


def classify(exc: BaseException, request_id: str | None = None, doing: str = "extracting") -> tuple[int, str, str]:
    """(HTTP status, code, message) for any exception; unknown ones are logged and get a generic
    message saying what failed (``doing``: "extracting" where a report's extraction raised,
    "answering the request" from the app's last-resort handler, which every route reaches: a 500
    of ``GET /v1/models`` said "while extracting" too)."""
    if isinstance(exc, ServiceError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, InputError):
        return exc.http_status, exc.code, str(exc)
    logger.error("internal error (request %s)", request_id, exc_info=exc)
    return 500, "internal", INTERNAL_MESSAGE.format(doing=doing)


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
