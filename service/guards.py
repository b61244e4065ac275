"""Edge guards of the HTTP service: a Host-header allow-list, a time limit on receiving a request
body, and no server paths in error messages.

- ``HostAllowListMiddleware``: a request whose ``Host`` is not allowed gets 400 ``invalid_host``
  (DNS rebinding against a service bound to localhost; ``GOVREPORT_ALLOWED_HOSTS``).
- ``UploadTimeoutMiddleware``: the body must arrive within ``GOVREPORT_UPLOAD_TIMEOUT_S`` of the
  request's start; a client trickling bytes gets 408 ``upload_timeout`` instead of holding a
  connection and its buffer for ever.
- ``redact_paths``: absolute paths in a message become ``…/last-part`` (the answer says which
  model or file, never where the server keeps it).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any, Sequence

from govreport.extraction.errors import InputError

# The service's own routes (/v1/extract/batch) are named in messages on purpose: they are not paths.
_PATH = re.compile(r"(?<![\w.:/~])/(?!v1/)(?:[^\s/'\"()<>,;:]+/)+([^\s/'\"()<>,;:]*)")


def redact_paths(message: str) -> str:
    """``no model version 'x' in /srv/app/models`` -> ``no model version 'x' in …/models``."""
    return _PATH.sub(lambda m: "…/" + m.group(1), message)


class UploadTimeout(InputError):
    code = "upload_timeout"
    http_status = 408


def _host_allowed(host: str, allowed: Sequence[str]) -> bool:
    if host.startswith("["):  # [::1]:8000
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.lower().rstrip(".")
    for pattern in allowed:
        p = pattern.lower()
        if p == "*" or p == name or (p.startswith("*.") and name.endswith(p[1:])):
            return True
    return False


async def _json_error(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "request_id": None}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class HostAllowListMiddleware:
    """400 ``invalid_host`` unless the Host header matches ``allowed`` (``*``, a name, ``*.domain``)."""

    def __init__(self, app: Any, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = [a.strip() for a in allowed if a.strip()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if not _host_allowed(host, self.allowed):
            await _json_error(send, 400, "invalid_host", "the Host header names a host this service does not serve")
            return
        await self.app(scope, receive, send)


class UploadTimeoutMiddleware:
    """The request body must be received within ``timeout_s`` of the request's start (408)."""

    def __init__(self, app: Any, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.timeout_s
        body_done = False

        async def timed_receive() -> Any:
            nonlocal body_done
            if body_done:  # after the body, receive() only waits for a disconnect: no limit
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.001, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise UploadTimeout(
                    f"the request body did not arrive within {self.timeout_s:g} s (GOVREPORT_UPLOAD_TIMEOUT_S)"
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)
