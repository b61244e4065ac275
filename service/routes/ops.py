"""``/healthz``, ``/readyz`` and ``/metrics``: for orchestrators and Prometheus."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from ..deps import RuntimeDep
from ..schemas import HealthResponse, ReadyResponse


def build_ops_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", response_model=HealthResponse, summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        response_model=ReadyResponse,
        responses={503: {"model": ReadyResponse, "description": "the model is not loaded"}},
        summary="The model is loaded and requests are accepted",
    )
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        loaded = runtime.slot.current
        ready = loaded is not None and runtime.pool is not None
        body = ReadyResponse(
            ready=ready,
            tagger=loaded.extractor.tagger_info if loaded else None,
            pending=runtime.pool.pending if runtime.pool else 0,
        )
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics(runtime: RuntimeDep) -> Response:
        return Response(runtime.metrics.render(), media_type=runtime.metrics.content_type)

    return router
