"""The service's routes, one module per concern; ``create_app`` includes them in this order."""
from __future__ import annotations

from fastapi import APIRouter

from ..settings import ServiceSettings
from .crosscheck import build_crosscheck_router
from .extract import build_extract_router
from .info import build_info_router
from .models import build_models_router
from .ops import build_ops_router
from .page import build_page_router

__all__ = ["build_api_router", "build_info_router", "build_ops_router", "build_page_router"]


def build_api_router(settings: ServiceSettings) -> APIRouter:
    """``/v1`` extraction and model routes (behind the API key when one is configured)."""
    router = APIRouter()
    router.include_router(build_extract_router(settings))
    router.include_router(build_crosscheck_router(settings))
    router.include_router(build_models_router(settings))
    return router
