"""Request bodies sent compressed (``Content-Encoding: gzip``): inflated as they arrive, held to the
body limit on the *decoded* size while inflating, so a gzip bomb is refused (413) after at most the
limit plus one step of output, never inflated whole.

Starlette reads the body as sent: a gzip-encoded JSON body was "not JSON" and a gzip-encoded file
upload "a gzip archive" (415). ``gzip`` (and its old name ``x-gzip``) and ``identity`` are read;
any other coding (``br``, ``zstd``, ``deflate``, several in a row) is 415 ``unsupported_content_encoding``
before the body is read, naming what to send instead.
"""
from __future__ import annotations

import zlib
from typing import Any

from govreport.extraction.errors import InputError, InputTooLarge

from .errors import error_response
from .metrics import ASGIApp, Message, Scope, ServiceMetrics
from .middleware import request_id_of

_GZIP = ("gzip", "x-gzip")
_STEP = 1 << 16  # most bytes one inflate call may give: the limit is checked after each
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip member's header and trailer, not a bare zlib stream
# The scope key naming the coding this middleware took off the body, so that the routes can tell a
# body compressed twice (gzip data again once inflated) from one sent compressed without the header.
DECODED_SCOPE_KEY = "govreport.content_encoding"


class BadContentEncoding(InputError):
    """The body is not what its ``Content-Encoding`` says (400)."""

    code = "bad_content_encoding"
    http_status = 400


class _Inflater:
    """A gzip body inflated piece by piece (members one after another, as ``gzip -c a b`` writes),
    the decoded size counted as it grows."""

    def __init__(self, max_bytes: int, coding: str) -> None:
        self.max_bytes = max_bytes
        self.coding = coding
        self.inflate = zlib.decompressobj(_GZIP_WBITS)
        self.decoded = 0
        self.seen = 0  # compressed bytes received

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of the next piece of the body. Raises InputTooLarge once the decoded body
        passes ``max_bytes``, BadContentEncoding when the bytes are not gzip."""
        self.seen += len(data)
        out: list[bytes] = []
        while data:
            try:
                piece = self.inflate.decompress(data, _STEP)
            except zlib.error as exc:
                raise BadContentEncoding(
                    f"the request body is not valid {self.coding} data ({exc}), though Content-Encoding says it is: "
                    "send it compressed with gzip, or without the Content-Encoding header"
                ) from None
            self._count(piece)
            out.append(piece)
            if self.inflate.unconsumed_tail:
                data = self.inflate.unconsumed_tail
            elif self.inflate.eof and self.inflate.unused_data:  # the next gzip member
                data = self.inflate.unused_data
                self.inflate = zlib.decompressobj(_GZIP_WBITS)
            else:
                data = b""
        return b"".join(out)

    def finish(self) -> bytes:
        """What is left once the body has ended. Raises BadContentEncoding when the gzip data stops
        before its end (an empty body is an empty body)."""
        if not self.seen:
            return b""
        if not self.inflate.eof:
            raise BadContentEncoding(
                f"the request body's {self.coding} data is cut short ({self.seen} bytes received): send the whole file"
            )
        rest = self.inflate.flush()
        self._count(rest)
        return rest

    def _count(self, piece: bytes) -> None:
        self.decoded += len(piece)
        if self.decoded > self.max_bytes:
            raise InputTooLarge(
                f"the request body inflates to more than the limit of {self.max_bytes} bytes "
                f"(Content-Encoding: {self.coding}: the limit, GOVREPORT_MAX_REQUEST_BYTES, holds for the body once decoded)"
            )


def _has_body(scope: Scope) -> bool:
    """Whether the request says it sends a body: a Content-Length above 0, or chunked."""
    headers = dict(scope["headers"])
    length = headers.get(b"content-length", b"").strip()
    return b"transfer-encoding" in headers or (length != b"0" and length != b"")


class ContentEncodingMiddleware:
    """Inflate ``Content-Encoding: gzip`` request bodies for the app (the header and the wire's
    Content-Length dropped from the scope, the coding kept under ``DECODED_SCOPE_KEY``); refuse
    codings it cannot read (415)."""

    def __init__(self, app: ASGIApp, max_bytes: int, metrics: ServiceMetrics) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = [v.decode("latin-1") for k, v in scope["headers"] if k == b"content-encoding"]
        codings = [c.strip().lower() for v in given for c in v.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if not codings or not _has_body(scope):  # nothing to decode (a GET a client labelled anyway)
            await self.app(scope, receive, send)
            return
        if len(codings) > 1 or codings[0] not in _GZIP:
            response = error_response(
                self.metrics,
                415,
                "unsupported_content_encoding",
                f"Content-Encoding {', '.join(given)!r} is not supported: send the body uncompressed or "
                "with Content-Encoding: gzip",
                request_id_of(scope),
            )
            await response(scope, receive, send)
            return
        inflater = _Inflater(self.max_bytes, codings[0])
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")]

        async def inflating_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body = inflater.feed(message.get("body", b""))
                if not message.get("more_body", False):
                    body += inflater.finish()
                message = {**message, "body": body}
            return message

        await self.app({**scope, "headers": headers, DECODED_SCOPE_KEY: codings[0]}, inflating_receive, send)
