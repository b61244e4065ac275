"""What the ``/v1`` routers share: the documented error answers and the API key dependency list."""
from __future__ import annotations

from typing import Any

from fastapi import Depends

from ..deps import api_key_dependency, refuse_unknown_query
from ..schemas import ErrorResponse
from ..settings import ServiceSettings


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "empty or undecodable input, malformed multipart, a body that is not JSON"},
    401: {"model": ErrorResponse, "description": "missing or wrong API key (only when a key is configured)"},
    413: {"model": ErrorResponse, "description": "document or request too large, too many batch items"},
    415: {"model": ErrorResponse, "description": "unsupported or binary format"},
    422: {"model": ErrorResponse, "description": "not a report, no text layer, or JSON that does not match the schema"},
    500: {"model": ErrorResponse, "description": "internal error (logged; no details in the answer)"},
    503: {"model": ErrorResponse, "description": "busy (queue full) or not ready"},
    504: {"model": ErrorResponse, "description": "the request passed its time limit"},
}


def _request_body_doc(model: type, multipart_field: str, multiple: bool, json_example: dict[str, Any]) -> dict[str, Any]:
    file_schema = {"type": "string", "format": "binary"}
    part = {"type": "array", "items": file_schema} if multiple else file_schema
    content: dict[str, Any] = {
        "application/json": {
            "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
            "examples": {"report": {"summary": "report text", "value": json_example}},
        },
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {multipart_field: part}, "required": [multipart_field]}
        },
    }
    if not multiple:
        content["application/octet-stream"] = {"schema": file_schema}
    return {"requestBody": {"required": True, "content": content}}


def auth_dependencies(settings: ServiceSettings) -> list[Any]:
    """What every ``/v1`` route checks first: the API key (when one is set), then that the query
    holds only parameters the route takes (``deps.refuse_unknown_query``)."""
    key = [Depends(api_key_dependency(settings))] if settings.auth_enabled else []
    return [*key, Depends(refuse_unknown_query)]
