"""``GET /v1/info``: label colours, template labels and limits for clients and the review page."""
from __future__ import annotations

import importlib.metadata
from typing import Any

from fastapi import APIRouter

from govreport.extraction.labels import LABEL_INFO, LABEL_SET_VERSION
from govreport.extraction.printed import printed_table
from govreport.extraction.templates import FORMATS, TABLES, table_spec

from ..settings import ServiceSettings


def build_info_router(settings: ServiceSettings) -> APIRouter:
    """What clients (and the review page) need to show results: label colours, template labels, limits."""
    router = APIRouter(prefix="/v1", tags=["reference"])
    templates = {
        fmt: {
            name: {
                "title": (spec := table_spec(fmt, name)).title,
                "rows": {r.key: r.label for r in spec.rows},
                "cols": spec.col_labels,
                "printed": printed_table(fmt, name).to_dict(),  # the layout of the national form
            }
            for name in TABLES
        }
        for fmt in FORMATS
    }
    info = {
        "service": "govreport",
        "version": importlib.metadata.version("govreport"),
        "label_set": LABEL_SET_VERSION,
        "labels": {label.value: {"color": i.color, "description": i.description} for label, i in LABEL_INFO.items()},
        "templates": templates,
        "auth": {"required": settings.auth_enabled, "header": settings.api_key_header},
        "limits": {
            "max_bytes": settings.max_bytes,
            "max_request_bytes": settings.max_request_bytes,
            "max_batch_items": settings.max_batch_items,
            "request_timeout_s": settings.request_timeout_s,
            "max_chars": settings.max_chars,
            "max_lines": settings.max_lines,
            "max_pages": settings.max_pages,
        },
    }

    @router.get("/info", summary="Labels, colours, template labels and limits")
    async def get_info() -> dict[str, Any]:
        return info

    return router
