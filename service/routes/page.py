"""``GET /``: the review page (static files are mounted at ``/static`` by ``create_app``)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def build_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def review_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    return router
