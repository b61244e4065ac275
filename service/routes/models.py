"""``GET /v1/models`` (the registry's versions and the loaded one) and ``POST /v1/models/reload``."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter

from govreport.extraction.model.check import ModelUnusable
from govreport.extraction.model.registry import RegistryError

from ..deps import ExtractorDep, RuntimeDep
from ..errors import ModelLoadError, ServiceError
from ..guards import redact_paths
from ..schemas import ErrorResponse, LoadedModelOut, ModelsResponse, ReloadResponse
from ..settings import ServiceSettings
from .common import ERROR_RESPONSES, auth_dependencies

logger = logging.getLogger("govreport.service")


def build_models_router(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=auth_dependencies(settings), responses=ERROR_RESPONSES)

    @router.get("/models", tags=["models"], response_model=ModelsResponse, summary="Model versions and the loaded one")
    async def list_models(runtime: RuntimeDep, extractor: ExtractorDep) -> dict[str, Any]:
        slot = runtime.slot

        def read_registry() -> tuple[str | None, list[dict[str, Any]]]:
            try:
                active = slot.active_version()
            except RegistryError as exc:
                logger.warning("registry ACTIVE unreadable: %s", exc)
                active = None
            loaded_version = extractor.tagger.version
            versions = []
            for v in slot.registry.versions():
                meta, problem = v.read_meta()  # one damaged version must not make the listing a 500
                if problem:
                    logger.warning("model version %s: %s", v.version, problem)
                is_active, is_loaded = v.version == active, v.version == loaded_version
                versions.append(
                    {"version": v.version, "active": is_active, "loaded": is_loaded, "meta": meta, "problem": problem}
                )
            return active, versions

        active, versions = await asyncio.to_thread(read_registry)
        loaded = slot.current
        assert loaded is not None  # get_extractor succeeded
        return {
            "tagger_setting": runtime.settings.tagger,
            "pinned": runtime.settings.model,
            "active": active,
            "loaded": LoadedModelOut(tagger=extractor.tagger_info, loaded_at=loaded.loaded_at),
            "versions": versions,
            "reload_error": redact_paths(slot.reload_error) if slot.reload_error else None,  # as error bodies are
        }

    @router.post(
        "/models/reload",
        tags=["models"],
        response_model=ReloadResponse,
        summary="Load the active (or pinned) model again and swap it in",
        description="Requests already running finish on the previous model; new ones use the new one. "
        "On failure the previous model stays loaded (409 when the model cannot be found or is damaged).",
        responses={409: {"model": ErrorResponse, "description": "the configured model cannot be found"}},
    )
    async def reload_model(runtime: RuntimeDep) -> dict[str, Any]:
        try:
            old, new = await runtime.slot.load()
        except (ModelLoadError, ModelUnusable, RegistryError) as exc:
            # a damaged version (a checksum that does not match) is a deployment problem with a
            # reason, not a defect: it was a 500 "see the server log"
            raise ServiceError(409, "reload_failed", f"{exc}; the previous model stays loaded") from None
        except Exception as exc:
            logger.error("model reload failed", exc_info=exc)
            raise ServiceError(500, "reload_failed", "the model could not be loaded (see the server log); the previous model stays loaded") from None
        previous = old.extractor.tagger_info if old else new.extractor.tagger_info
        return {"changed": previous != new.extractor.tagger_info, "previous": previous, "current": new.extractor.tagger_info}

    return router
