"""The service's one settings object, read from ``GOVREPORT_*`` environment variables and
validated at start-up, so a bad value stops the server before it accepts a request."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from govreport.extraction.export import check_writable
from govreport.extraction.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, ReadLimits

_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # RFC 9110 token

MiB = 1024 * 1024


class ServiceSettings(BaseSettings):
    """Every knob of ``govreport serve``; the env variable is ``GOVREPORT_`` + the field name in capitals."""

    # allow_inf_nan: GOVREPORT_REQUEST_TIMEOUT_S=inf passed "greater than 0" and ended `serve` in
    # OverflowError (a time limit becomes whole seconds); nan and inf are no limit a service can keep
    model_config = SettingsConfigDict(env_prefix="GOVREPORT_", extra="ignore", validate_default=True, allow_inf_nan=False)

    host: str = Field("127.0.0.1", description="interface to bind")
    port: int = Field(8000, ge=0, le=65535, description="TCP port (0: any free port)")

    tagger: Literal["auto", "rules", "model"] = Field(
        "auto", description="auto: the registry's active model when there is one, else the rules"
    )
    model: str | None = Field(
        None, description="a model version (v0001-...) or a model directory; unset: the registry's ACTIVE"
    )
    models_dir: Path | None = Field(
        None, description="model registry root (the same GOVREPORT_MODELS_DIR the trainer uses)"
    )
    model_threads: int = Field(
        1, ge=1, le=64,
        description="intra-op threads per forward pass; 1 keeps parallel requests from stalling each other",
    )
    model_precision: Literal["auto", "fp32", "bf16", "int8"] | None = Field(
        None, description="model arithmetic; unset: the model's own setting (onnx: as measured at export; bf16 runs as fp32)"
    )
    model_runtime: Literal["onnx", "torch"] = Field(
        "onnx", description="onnx: ONNX Runtime on the version's model.onnx; torch: debugging (needs the train extra)"
    )
    reload_poll_s: float = Field(
        10.0, ge=0, description="seconds between checks of the registry's ACTIVE pointer; 0: never"
    )

    max_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0, description="largest single document, in bytes")
    max_request_bytes: int = Field(
        32 * MiB, gt=0, description="largest request body (a batch, multipart overhead included)"
    )
    max_batch_items: int = Field(32, ge=1, description="most documents in one batch request")
    request_timeout_s: float = Field(30.0, gt=0, description="time limit of one request, queueing included")
    workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        ge=1,
        description="inference threads (the pool that keeps extraction off the event loop)",
    )
    max_pending: int = Field(
        64, ge=1, description="documents queued or running at once; beyond it requests get 503"
    )

    max_chars: int = Field(DEFAULT_LIMITS.max_chars, gt=0, description="most characters of one document's decoded text (413 beyond)")
    max_lines: int = Field(DEFAULT_LIMITS.max_lines, gt=0, description="most lines of one document's decoded text (413 beyond)")
    max_pages: int = Field(DEFAULT_LIMITS.max_pages, gt=0, description="most PDF pages, checked before any page is read")
    max_page_chars: int = Field(
        DEFAULT_LIMITS.max_page_chars, gt=0, description="most characters on one PDF page, checked before it is laid out"
    )
    max_cells: int = Field(DEFAULT_LIMITS.max_cells, gt=0, description="most table cells of one DOCX document")
    max_unpacked_mb: int = Field(
        DEFAULT_LIMITS.max_unpacked_bytes // MiB, gt=0,
        description="most MiB a DOCX may unpack to, measured while inflating (ZIP headers may lie)",
    )
    read_timeout_s: float = Field(
        DEFAULT_LIMITS.read_timeout_s, gt=0,
        description="seconds a DOCX/PDF reader process may run before it is killed (the request's own limit also applies)",
    )
    reader_memory_mb: int = Field(
        DEFAULT_LIMITS.reader_memory_bytes // MiB, ge=0,
        description="address-space cap of a DOCX/PDF reader process, in MiB (a bomb fails there); 0: no cap",
    )
    readers: int = Field(
        default_factory=lambda: max(2, min(8, os.cpu_count() or 2)), ge=1, le=64,
        description="DOCX/PDF reader processes at most at once",
    )

    allowed_hosts: str = Field(
        "*", description="comma-separated Host names the service answers (e.g. 'localhost,127.0.0.1,*.example.org'); '*': any"
    )
    upload_timeout_s: float = Field(
        60.0, gt=0, description="seconds a request body may take to arrive (408 upload_timeout beyond)"
    )

    api_key: SecretStr | None = Field(None, description="when set, every /v1 request must carry it")
    api_key_header: str = Field("X-API-Key", min_length=1, description="header that carries the API key")

    save_inputs_dir: Path | None = Field(
        None, description="when set, every input document is kept there as <sha256><suffix>; unset: nothing is written"
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    access_log: bool = True

    @field_validator("api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, v: object) -> object:
        # GOVREPORT_API_KEY= (empty) must mean "off", not "the empty key".
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("api_key")
    @classmethod
    def _key_can_travel_in_a_header(cls, v: SecretStr | None) -> SecretStr | None:
        # A header value is bytes: curl sends a Chinese key as UTF-8, the server reads it as Latin-1,
        # so the key never matched (every request 401); a browser (the /docs page's Authorize)
        # refuses to send it at all; and HTTP drops spaces around a value. Said at start-up instead.
        if v is not None:
            key = v.get_secret_value()
            if not all(" " <= c <= "~" for c in key) or key != key.strip():
                raise ValueError(
                    "must be printable ASCII (letters, digits, punctuation; spaces only inside): a header "
                    "cannot carry other characters as typed (the value is not shown here)"
                )
        return v

    @field_validator("api_key_header")
    @classmethod
    def _header_name_is_a_token(cls, v: str) -> str:
        # "X API Key" (a space) or "X-Clé" is no header name a client can send: every request was 401
        if not _HEADER_NAME.fullmatch(v):
            raise ValueError("must be a header name: letters, digits and !#$%&'*+-.^_`|~ (e.g. X-API-Key)")
        return v

    @field_validator("model", mode="before")
    @classmethod
    def _blank_model_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("save_inputs_dir")
    @classmethod
    def _save_dir_is_writable(cls, v: Path | None) -> Path | None:
        # a folder the service cannot write made every request a 500 "internal error" once
        # started; a bad setting stops the server before it accepts a request
        if v is not None:
            try:
                v.mkdir(parents=True, exist_ok=True)
                check_writable(v)
            except OSError as exc:
                raise ValueError(f"cannot write to {v}: {exc.strerror or exc}") from None
        return v

    @model_validator(mode="after")
    def _limits_agree(self) -> "ServiceSettings":
        if self.max_request_bytes < self.max_bytes:
            raise ValueError(
                f"max_request_bytes ({self.max_request_bytes}) must be at least max_bytes ({self.max_bytes})"
            )
        if self.max_pending < self.max_batch_items:
            raise ValueError(
                f"max_pending ({self.max_pending}) must be at least max_batch_items ({self.max_batch_items}),"
                " or a full batch could never run"
            )
        if self.tagger == "rules" and self.model is not None:
            raise ValueError("model is set but tagger is 'rules'; use tagger 'model' or 'auto'")
        return self

    @property
    def auth_enabled(self) -> bool:
        return self.api_key is not None

    def read_limits(self) -> ReadLimits:
        """The limits every document read by this service is held to."""
        return ReadLimits(
            max_chars=self.max_chars,
            max_lines=self.max_lines,
            max_pages=self.max_pages,
            max_page_chars=self.max_page_chars,
            max_cells=self.max_cells,
            max_unpacked_bytes=self.max_unpacked_mb * MiB,
            read_timeout_s=self.read_timeout_s,
            reader_memory_bytes=self.reader_memory_mb * MiB,
        )
