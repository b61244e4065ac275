"""Exception handlers: every error leaves the app as the JSON error body of ``errors``."""
from __future__ import annotations

from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from govreport.extraction.errors import InputError

from .errors import CLIENT_CLOSED, ServiceError, classify, error_response, logger
from .metrics import ServiceMetrics
from .middleware import request_id_of


def json_error_message(reason: str) -> str:
    """What a client is told about a body sent as JSON that does not parse: pydantic's reason
    (where it stopped), and what the body should be."""
    reason = reason.removeprefix("Invalid JSON: ")
    return f"the request body is not valid JSON ({reason}); send the JSON object this endpoint takes (see /docs)"


def _routing_message(request: Request, exc: StarletteHTTPException) -> str:
    """Starlette's bare "Not Found" / "Method Not Allowed" with the path, the methods it takes and
    where the routes are listed (``curl URL`` without ``-F``/``--data-binary`` is a GET); any other
    detail as raised."""
    path = request.url.path
    if exc.status_code == 404 and exc.detail == "Not Found":
        return f"no route {path}: the API's routes are listed at /docs"
    if exc.status_code == 405 and exc.detail == "Method Not Allowed":
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        takes = f"; it takes {allowed}" if allowed else ""
        return f"{request.method} is not allowed on {path}{takes} (see /docs)"
    return str(exc.detail)


MAX_DETAILS = 20  # validation errors listed in a 422's details (the first few are what a client acts on)


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
        syntax = next((d for d in details if d["type"] == "json_invalid"), None)
        if syntax is not None:
            # a body that is not JSON at all is a bad request (400), like a multipart body that cannot
            # be parsed; 422 is for JSON whose fields do not match the schema
            return respond(request, 400, "invalid_json", json_error_message(syntax["msg"]), details=[syntax])
        where = ".".join(str(p) for p in first["loc"]) or "body"
        more = f" (and {len(details) - 1} more; the first {MAX_DETAILS} are in details)" if len(details) > MAX_DETAILS else ""
        return respond(request, 422, "invalid_request", f"{where}: {first['msg']}{more}", details=details[:MAX_DETAILS])

    @app.exception_handler(ClientDisconnect)
    async def on_client_disconnect(request: Request, exc: ClientDisconnect) -> JSONResponse:
        # the client closed the connection before its body arrived: nobody reads this answer, and it
        # is no defect of the service (it was logged as an internal error, with two tracebacks)
        logger.info("client disconnected before its request body arrived (request %s)", request_id_of(request.scope))
        message = "the client closed the connection before its request body arrived"
        return respond(request, CLIENT_CLOSED, "client_disconnected", message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return respond(request, exc.status_code, code, _routing_message(request, exc), exc.headers)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        # any route gets here (GET /v1/models too), not only extraction; no path in the message:
        # redact_paths would cut it as if it were a file's
        status, code, message = classify(exc, request_id_of(request.scope), "answering the request")
        return respond(request, status, code, message)
