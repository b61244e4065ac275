"""Request and response bodies of the HTTP API (separate classes: what comes in is not what goes out).

Response models allow extra fields so that anything the extraction adds to its output (confidences,
cell spans) reaches clients without a service change.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# ---- requests ----------------------------------------------------------------------------------

MAX_FILENAME_CHARS = 255  # a file name, however it comes (JSON, ?filename=, a multipart part's own name)

EXAMPLE_TEXT = (
    "# 湖南省退役军人事务厅 2020 年政府信息公开年度报告\n\n## 一、总体情况\n\n…\n\n"
    "## 二、主动公开政府信息情况\n\n…"
)


class ExtractRequest(BaseModel):
    """One report as text (the JSON form of ``POST /v1/extract``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": EXAMPLE_TEXT, "filename": "report.txt"}]},
    )

    text: str = Field(description="the report's text, as flattened from PDF, Word or HTML")
    filename: str | None = Field(None, max_length=MAX_FILENAME_CHARS, description="original file name (helps format detection)")


class BatchRequest(BaseModel):
    """Several reports as text (the JSON form of ``POST /v1/extract/batch``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"items": [{"text": EXAMPLE_TEXT, "filename": "a.txt"}, {"text": "…", "filename": "b.txt"}]}
            ]
        },
    )

    items: list[ExtractRequest] = Field(description="the reports, answered in the same order")


# ---- responses ---------------------------------------------------------------------------------

CellValue = int | float | None
Table = dict[str, dict[str, CellValue]]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(_Open):
    code: str = Field(description="stable machine-readable kind: empty, too_large, not_a_report, timeout, …")
    message: str = Field(description="what was wrong, for a person")
    request_id: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SectionOut(_Open):
    index: int
    title: str
    start: int = Field(description="character offset of the heading in the input text")
    end: int


class CheckOut(_Open):
    rule: str
    status: Literal["pass", "fail", "not_assessable"] = Field("pass", description="not_assessable: an operand has no number")
    ok: bool | None = Field(description="true: pass, false: fail, null: not assessable (kept for compatibility)")
    detail: str | None = None
    operands: list[str] = Field(default_factory=list, description="the cells compared, as table.row.col")


CellStatus = Literal["read", "inferred", "blank", "unreadable", "missing"]


class ReviewReasonOut(_Open):
    code: str = Field(description="stable reason code (docs/trust.md)")
    message: str
    message_zh: str
    tables: list[str] = Field(default_factory=list, description="the tables it concerns (empty: the whole report)")
    cells: list[str] = Field(default_factory=list, description="the cells it concerns, as table.row.col")


class TaggerOut(_Open):
    name: str = Field(description="rules | model")
    version: str = Field(description="rule-set version or model version from the registry")


class OriginOut(_Open):
    filename: str | None
    sha256: str
    media_type: str


class SpanOut(_Open):
    start: int
    end: int
    label: str
    score: float
    source: str
    text: str | None = None
    model_version: str | None = None
    read_back_text: str | None = Field(
        None, description="mojibake input only: the span's characters read back (`text` is as sent)"
    )


class ReadBackOut(_Open):
    """A mojibake input read back (only with ?text=true): ``text[k]`` comes from the input's
    characters ``starts[k]`` up to ``starts[k + 1]``, so an offset ``o`` shows at the first ``k``
    with ``starts[k] >= o``."""

    text: str = Field(description="the input read back as Chinese")
    starts: list[int] = Field(description="where each character of `text` starts in the input text")
    encoding: str = Field(description="what the input's bytes were read back as")
    layers: int = Field(description="how many times the text had been misread")
    lossy: bool = Field(description="a strict Windows-1252 reader had dropped bytes: U+FFFD where a character lost one")


EXAMPLE_RESULT: dict[str, Any] = {
    "template": "2019",
    "year": 2020,
    "organ": "湖南省退役军人事务厅",
    "title": "湖南省退役军人事务厅 2020 年政府信息公开年度报告",
    "sections": [{"index": 1, "title": "一、总体情况", "start": 40, "end": 612}],
    "tables": {
        "active_disclosure": {"centralized_procurement": {"projects": 10, "amount": 966.0898}},
        "applications": {"new_received": {"natural_person": 3, "total": 3}},
        "review_litigation": None,
    },
    "checks": [{"rule": "applications.balance[total]", "status": "pass", "ok": True, "detail": "一+二 = 3+0 = 3; 三(七)总计+四 = 3+0 = 3",
                "operands": ["applications.new_received.total", "applications.carried_over.total",
                             "applications.total_handled.total", "applications.carried_forward.total"]}],
    "warnings": [],
    "cell_status": {
        "active_disclosure": {"centralized_procurement": {"projects": "read", "amount": "read"}},
        "applications": {"new_received": {"natural_person": "read", "total": "read"}},
        "review_litigation": None,
    },
    "needs_review": True,
    "review_reasons": [{"code": "table_not_found", "message": "the section heading is there but its table was not found: no table text under it (a table pasted as a picture needs OCR first)",
                        "message_zh": "有该部分标题，但未找到表格：标题下没有表格文字（以图片插入的表格需先做文字识别）", "tables": ["review_litigation"], "cells": []}],
    "tagger": {"name": "rules", "version": "rules-1"},
    "model_version": "rules-1",
    "timings_ms": {"ingest": 0.4, "tag": 12.1, "assemble": 3.2, "queue": 0.1, "total": 16.0},
    "origin": {"filename": "report.txt", "sha256": "9f86d0…", "media_type": "text/plain"},
}


class ExtractResponse(_Open):
    """The contract's output for one report, plus which model produced it and how long it took."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE_RESULT]})

    template: Literal["2019", "2021"] | None
    year: int | None
    organ: str | None
    title: str | None = Field(
        None, description="the report's title as printed (read through the normalised view); null when none was found")
    sections: list[SectionOut]
    tables: dict[str, Table | None]
    checks: list[CheckOut]
    warnings: list[str]
    cell_status: dict[str, dict[str, dict[str, CellStatus]] | None] = Field(
        default_factory=dict, description="per table, row and column: how the value was read (docs/trust.md)")
    needs_review: bool = Field(False, description="true: a person should check this result; see review_reasons")
    review_reasons: list[ReviewReasonOut] = Field(default_factory=list)
    tagger: TaggerOut
    model_version: str = Field(description="the tagger's version: a registry model version or the rule-set version")
    timings_ms: dict[str, float]
    origin: OriginOut
    spans: list[SpanOut] | None = Field(None, description="labelled spans (only with ?spans=true)")
    text: str | None = Field(None, description="the decoded input text (only with ?text=true)")
    read_back: ReadBackOut | None = Field(
        None, description="only with ?text=true and a mojibake input: the text read back and its offset map"
    )


class BatchItem(BaseModel):
    index: int = Field(description="position in the request")
    filename: str | None
    ok: bool
    status: int = Field(description="the HTTP status this item would have had on its own")
    result: ExtractResponse | None = None
    error: ErrorDetail | None = None


class BatchResponse(BaseModel):
    count: int
    succeeded: int
    failed: int
    skipped: int = Field(0, description="items not run because an earlier one failed (only with fail_fast=true)")
    items: list[BatchItem]
    timings_ms: dict[str, float]


class ModelVersionOut(BaseModel):
    version: str
    active: bool
    loaded: bool
    meta: dict[str, Any] = Field(default_factory=dict, description="the version's meta.json")
    problem: str | None = Field(default=None, description="why meta.json could not be read (then `meta` is empty)")


class LoadedModelOut(BaseModel):
    tagger: TaggerOut
    loaded_at: str = Field(description="when it was loaded (UTC, ISO 8601)")


class ModelsResponse(BaseModel):
    tagger_setting: str = Field(description="the tagger kind the service was started with: auto | rules | model")
    pinned: str | None = Field(description="GOVREPORT_MODEL when set (then ACTIVE is not followed)")
    active: str | None = Field(description="the registry's ACTIVE version")
    loaded: LoadedModelOut
    versions: list[ModelVersionOut]
    reload_error: str | None = Field(
        None,
        description="why the last model load failed (ACTIVE naming a damaged or missing version): the loaded "
        "model keeps serving; null once a load succeeds or ACTIVE names the loaded version again",
    )


class ReloadResponse(BaseModel):
    changed: bool
    previous: TaggerOut
    current: TaggerOut


class HealthResponse(BaseModel):
    status: Literal["ok"]


class ReadyResponse(BaseModel):
    ready: bool
    tagger: TaggerOut | None = None
    pending: int = Field(0, description="documents queued or running")
