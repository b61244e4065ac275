"""Prometheus metrics of one app instance.

Each app gets its own ``CollectorRegistry`` so that several apps in one process (tests, a
mounted sub-app) never collide on metric names; the ASGI middleware labels requests by route
template, never by raw path, to keep label cardinality bounded.
"""
from __future__ import annotations

import time
from typing import Any, Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class ServiceMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "govreport_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "govreport_http_request_duration_seconds",
            "Time from request start to the end of the response",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("govreport_http_requests_in_flight", "HTTP requests being handled", registry=r)
        self.errors = Counter(
            "govreport_errors", "Error answers by kind (batch items counted one by one)", ["code"], registry=r
        )
        self.documents = Counter(
            "govreport_documents", "Documents extracted, by outcome", ["outcome"], registry=r
        )
        self.inference = Histogram(
            "govreport_inference_duration_seconds",
            "Extraction time of one document on the worker thread (ingest + tag + assemble)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.pending = Gauge(
            "govreport_inference_pending", "Documents queued or running on the inference pool", registry=r
        )
        self.model_info = Gauge(
            "govreport_model_info", "The loaded tagger (value 1)", ["tagger", "version"], registry=r
        )
        self.reloads = Counter("govreport_model_reloads", "Model reloads, by result", ["result"], registry=r)

    def set_model(self, tagger: str, version: str) -> None:
        self.model_info.clear()
        self.model_info.labels(tagger=tagger, version=version).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def route_label(scope: Scope) -> str:
    """The matched route's path template (``/v1/extract``), or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class MetricsMiddleware:
    """Outermost ASGI middleware: counts every answer, the ones other middleware sends included."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client sees when the app raises before starting a response
        t0 = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.in_flight.dec()
            route = route_label(scope)
            self.metrics.requests.labels(scope.get("method", ""), route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - t0)
