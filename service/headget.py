"""``HEAD`` answered as the ``GET`` of the same route, without the body.

FastAPI's routes answer only the methods they declare, so ``curl -I /healthz`` and uptime monitors
(which probe with HEAD by default) got 405 from the health and ready routes and the review page.
Starlette's own ``Route`` answers HEAD wherever it answers GET; this does the same for every route
that takes GET, keeping HEAD out of the OpenAPI document (one operation per route, as written).
"""
from __future__ import annotations

from typing import Any, Sequence

from starlette.routing import BaseRoute, Match

from .metrics import ASGIApp, Message, Scope


class HeadAsGetMiddleware:
    """Run a HEAD request as GET where a route takes GET, and send its status and headers
    (``Content-Length`` included, as HEAD means) with an empty body. Elsewhere HEAD goes on as it
    came (a POST-only route still answers 405)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes  # the app's route list, read per request: routers added later count

    def _routed_as_get(self, scope: Scope) -> bool:
        get = {**scope, "method": "GET"}
        return any(route.matches(get)[0] == Match.FULL for route in self.routes)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or not self._routed_as_get(scope):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
