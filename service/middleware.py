"""ASGI middleware of the service: request ids on every answer, and the request-body size limit
(checked by Content-Length before reading, else while streaming)."""
from __future__ import annotations

import re
import uuid
from typing import Any

from govreport.extraction.errors import InputTooLarge

from .errors import error_response
from .metrics import ASGIApp, Message, Scope, ServiceMetrics

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_KEY = "govreport.request_id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(scope: Scope) -> str | None:
    return scope.get(_REQUEST_ID_KEY)


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
