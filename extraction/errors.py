"""Bad input is the caller's problem and gets a specific message; anything else is our defect."""
from __future__ import annotations


class GovReportError(Exception):
    """Base of every error govreport raises on purpose."""

    code = "error"


class InputError(GovReportError):
    """The input cannot be turned into a report (the service answers 4xx)."""

    code = "bad_input"
    http_status = 422


class EmptyInput(InputError):
    code = "empty"
    http_status = 400


class BinaryInput(InputError):
    code = "binary"
    http_status = 415


class UndecodableInput(InputError):
    code = "undecodable"
    http_status = 400


class InputTooLarge(InputError):
    code = "too_large"
    http_status = 413


class UnsupportedFormat(InputError):
    code = "unsupported_format"
    http_status = 415


class NoTextLayer(InputError):
    code = "no_text_layer"
    http_status = 422


class EncryptedInput(InputError):
    code = "encrypted"
    http_status = 422


class CorruptInput(InputError):
    code = "corrupt"
    http_status = 422


class NotAReport(InputError):
    code = "not_a_report"
    http_status = 422


class ExtractionError(GovReportError):
    """An internal defect while extracting (the service answers 500, without a traceback)."""

    code = "internal"
