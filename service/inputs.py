"""Reading a request's documents: JSON text, multipart uploads or a raw body, all in memory (the
body is already size-limited); optionally kept on disk by content hash (GOVREPORT_SAVE_INPUTS_DIR)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.formparsers import MultiPartException, MultiPartParser, parse_options_header

from govreport.extraction.export import atomic_write
from govreport.extraction.filenames import printable_name

from .bodyencoding import DECODED_SCOPE_KEY
from .errors import ServiceError
from .jsonshape import structure_exceeds
from .schemas import MAX_FILENAME_CHARS, BatchRequest, ExtractRequest
from .settings import ServiceSettings

T = TypeVar("T")


@dataclass(frozen=True)
class InputDoc:
    """One document from a request: text (JSON) or bytes (upload) with what is known of its format."""

    filename: str | None
    text: str | None = None
    data: bytes | None = None
    media_type: str | None = None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _upload_media_type(content_type: str | None) -> str | None:
    """Browsers send application/octet-stream for anything they do not know: let ingest sniff it."""
    mt = _media_type(content_type)
    return None if mt in ("", "application/octet-stream") else mt


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


_GZIP_MAGIC = b"\x1f\x8b"


def refuse_gzip_body(request: Request, body: bytes, what: str) -> None:
    """Refuse a request body (``what``: "JSON body", "body") that is itself gzip data, saying why.

    Raises ``ServiceError`` 400 ``bad_content_encoding`` when ``Content-Encoding: gzip`` was taken
    off and the body is gzip again (compressed twice), 400 ``invalid_json`` for a JSON body and 415
    ``binary`` for any other body sent compressed without the header. The reader would otherwise
    answer "not UTF-8" or "a gzip archive", which does not say that the header is what is wrong.
    A gzip *file* uploaded in a multipart part is an archive and is left to ingest."""
    if not body.startswith(_GZIP_MAGIC):
        return
    coding = request.scope.get(DECODED_SCOPE_KEY)
    if coding is not None:
        raise ServiceError(
            400,
            "bad_content_encoding",
            f"the request body is gzip inside gzip: it was compressed twice, and Content-Encoding: {coding} "
            "undoes one compression: compress it once (gzip -c report.txt, not gzip piped into gzip)",
        )
    if what == "JSON body":
        raise ServiceError(
            400,
            "invalid_json",
            "the JSON body is gzip-compressed data: send it with the header Content-Encoding: gzip, or uncompressed",
        )
    raise ServiceError(
        415,
        "binary",
        f"the {what} is gzip-compressed data: to send a report compressed, add the header Content-Encoding: gzip; "
        "a .gz archive is unpacked first and its reports sent one by one",
    )


_NOT_UTF8_ADVICE = "upload the report as a file or a raw body, whose encoding (GBK, UTF-16, …) is recognised"


async def _parse_json(
    request: Request,
    model: type[T],
    not_utf8_advice: str | None = _NOT_UTF8_ADVICE,
    max_values: tuple[int, str] | None = None,
) -> T:
    """The body as ``model``. Raises ``ServiceError`` 400 ``invalid_json`` for an empty body and
    ``RequestValidationError`` otherwise (the handlers answer 400 ``invalid_json`` for a body that
    is not JSON, 422 ``invalid_request`` for JSON of the wrong shape).

    ``max_values``: (the most keys and values, counted as ``jsonshape.structure_exceeds`` counts,
    any body worth validating holds; what the endpoint takes, for the message). A body past it is
    422 ``invalid_request`` before pydantic sees it: validating a million keys held the event loop
    ~1.2 s (every other request waited), counting them ~0.01 s."""
    body = (await request.body()).removeprefix(b"\xef\xbb\xbf")  # Notepad's BOM: RFC 8259 lets a parser ignore it
    if not body.strip():  # pydantic would say "EOF while parsing a value at line 1 column 0"
        raise ServiceError(400, "invalid_json", "the request body is empty; send the JSON object this endpoint takes (see /docs)")
    refuse_gzip_body(request, body, "JSON body")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:  # pydantic would say "invalid unicode code point at line 1 column 11"
        raise ServiceError(
            400,
            "invalid_json",
            f"the JSON body is not UTF-8 (byte {exc.start}); JSON is sent as UTF-8: re-encode it"
            + (f", or {not_utf8_advice}" if not_utf8_advice else ""),
        ) from None
    if max_values is not None and structure_exceeds(body, max_values[0]):
        raise ServiceError(
            422,
            "invalid_request",
            f"the JSON body holds more than {max_values[0]} keys and values (separators outside strings), "
            f"more than any request this endpoint takes: {max_values[1]}; it was not read (see /docs)",
        )
    try:
        return model.model_validate_json(body)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise RequestValidationError(validation_errors(exc)) from None


MAX_ERRORS_READ = 1000


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """The errors of ``exc`` for the 422 answer; past ``MAX_ERRORS_READ`` one error saying how many.

    A JSON body of 12 MB with a million unknown keys (or a batch of a million ``{}``) is a million
    errors: listing them took 7 s of CPU, the answer was 84 MB, and the event loop stood still for
    the 20 s of it (every other request, ``/healthz`` too, waited). Counting them costs nothing."""
    n = exc.error_count()
    if n > MAX_ERRORS_READ:
        return [{
            "loc": [], "type": "too_many_errors",
            "msg": f"{n} problems with the body (unknown keys, or missing fields in many objects?); "
                   "send the JSON object this endpoint takes (see /docs)",
        }]  # fmt: skip
    return exc.errors(include_url=False, include_input=False)  # type: ignore[return-value]


def json_body(model: type[T], not_utf8_advice: str | None = None) -> Callable[[Request], Awaitable[T]]:
    """A FastAPI dependency reading the body as ``model`` the way ``/v1/extract`` reads it
    (``_parse_json``): an empty body or one that is not UTF-8 is 400 ``invalid_json`` with what to
    send, not FastAPI's generic 400 "There was an error parsing the body" (a route declaring
    ``body: Model`` gets that); ``not_utf8_advice``, if given, ends the message for a body that is not UTF-8
    (what else the client can do). The route documents its body with ``json_body_doc(model)``."""

    async def read(request: Request) -> T:
        return await _parse_json(request, model, not_utf8_advice)

    return read


def json_body_doc(model: type) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose body is read by ``json_body(model)``: a JSON ``model``."""
    schema = model.model_json_schema()  # type: ignore[attr-defined]
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


SINGLE_FIELD = "file"
BATCH_FIELD = "files"


class _ClosedMultiPartParser(MultiPartParser):
    """Starlette's parser, noting whether the body reached its closing boundary: python-multipart
    accepts a body cut off inside a part and drops that part, so a truncated upload would
    otherwise read as a well-formed body without the file."""

    closed = False

    def on_end(self) -> None:
        self.closed = True

    def on_headers_finished(self) -> None:
        """A file name whose bytes are not UTF-8 (``curl -F file=@报告.txt`` on Chinese Windows
        sends them in GBK) keeps its bytes, as lone surrogates (``surrogateescape``, as Python
        hands over such a name from the file system; ``_read_uploads`` writes them as ``\\xNN``):
        Starlette decodes it as Latin-1, and ``报告.txt`` became ``±¨¸æ.txt``, a guess that looks
        like a name and keeps nothing of the report's."""
        super().on_headers_finished()
        file = self._current_part.file
        if file is None:
            return
        raw = parse_options_header(self._current_part.content_disposition)[1].get(b"filename")
        if raw is None:
            return
        try:
            raw.decode(self._charset)
        except (UnicodeDecodeError, LookupError):
            file.filename = raw.decode("utf-8", "surrogateescape")  # one character a byte, as Latin-1 gave


async def _read_uploads(request: Request, settings: ServiceSettings, field: str) -> list[InputDoc]:
    """Every file part of a multipart body, kept in memory (the body is already size-limited).

    ``field`` is the one form field files may come in (``file`` or ``files``). Raises
    ``ServiceError`` 400 ``invalid_multipart`` for a body that cannot be parsed or ends before its
    closing boundary, 413 ``too_many_items`` past ``max_batch_items`` files, and 422
    ``invalid_request`` for a file in another field or a text value in ``field``.
    """
    limit = settings.max_batch_items
    parser = _ClosedMultiPartParser(
        request.headers, request.stream(), max_files=limit, max_fields=64, max_part_size=64 * 1024
    )
    # Starlette spools parts over 1 MiB to a temporary file; a spool larger than any allowed body
    # keeps every upload in memory, so nothing from a request is written to disk.
    parser.spool_max_size = settings.max_request_bytes + 1
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        if str(exc).startswith("Too many files"):  # Starlette stops at max_files: no unbounded part list
            raise ServiceError(413, "too_many_items", f"more than {limit} files in one request") from None
        why = f" ({exc.__cause__})" if exc.__cause__ is not None else ""  # python-multipart's reason: where and what
        raise ServiceError(400, "invalid_multipart", f"cannot parse the multipart body: {exc}{why}") from None
    docs = []
    try:
        if not parser.closed:
            raise ServiceError(
                400,
                "invalid_multipart",
                "the multipart body ends before its closing boundary: it was cut off, or the boundary "
                "in Content-Type is not the one in the body",
            )
        for name, value in form.multi_items():
            if isinstance(value, str):
                if name == field:
                    raise ServiceError(
                        422,
                        "invalid_request",
                        f"the form field '{field}' holds text, not a file: upload the report as a file "
                        f"(curl -F {field}=@report.pdf) or send JSON {{\"text\": ...}}",
                    )
                continue  # other text fields (a browser form's extras) say nothing about the document
            if name != field:
                raise ServiceError(
                    422,
                    "invalid_request",
                    f"a file was sent in the form field '{name}'; send it in the field '{field}' "
                    f"(curl -F {field}=@report.pdf)",
                )
            if value.filename and len(value.filename) > MAX_FILENAME_CHARS:
                # the JSON filename and ?filename= are held to this; a part's own name was not
                raise ServiceError(
                    422,
                    "invalid_request",
                    f"the name of the file sent in '{name}' is {len(value.filename)} characters long; "
                    f"at most {MAX_FILENAME_CHARS} are accepted: rename the file",
                )
            data = await value.read()
            name = printable_name(value.filename) if value.filename else None  # the bytes of a GBK name as \xNN
            docs.append(InputDoc(name, data=data, media_type=_upload_media_type(value.content_type)))
    finally:
        await form.close()
    return docs


def client_file_name(name: str | None) -> str | None:
    """A file name as a client sent it (JSON ``filename``, ``?filename=``), without the folders of
    a Windows path: ``C:\\x\\y.txt`` and ``\\\\srv\\share\\y.txt`` are ``y.txt``, the rule
    python-multipart applies to a part's own name (old browsers sent the whole path), so a report
    reads the same whichever way it came. The folders were kept (``origin.filename`` held the
    sender's disk layout; a browser saved the download as ``C__x_y.csv``). Other names as sent."""
    if name and (name[1:3] == ":\\" or name.startswith("\\\\")):
        return name.rsplit("\\", 1)[-1] or None
    return name


async def read_single(request: Request, settings: ServiceSettings, filename: str | None) -> InputDoc:
    filename = client_file_name(filename)
    media_type = _media_type(request.headers.get("content-type"))
    if _is_json(media_type):
        body = await _parse_json(request, ExtractRequest, max_values=(MAX_ERRORS_READ + 8, '{"text", "filename"}'))
        return InputDoc(client_file_name(body.filename) or filename, text=body.text)
    if media_type == "multipart/form-data":
        docs = await _read_uploads(request, settings, SINGLE_FIELD)
        if not docs:
            raise ServiceError(
                422, "invalid_request", f"no file in the multipart body: upload the report in the field '{SINGLE_FIELD}'"
            )
        if len(docs) > 1:
            raise ServiceError(
                422,
                "invalid_request",
                f"send exactly one file (got {len(docs)}); several files go to /v1/extract/batch",
            )
        return docs[0] if docs[0].filename else InputDoc(filename, data=docs[0].data, media_type=docs[0].media_type)
    if media_type == "application/x-www-form-urlencoded":
        body = await request.body()
        refuse_gzip_body(request, body, "body")
        if b"\n" in body or b"\r" in body:
            # curl --data-binary @report.txt without -H: curl calls it form-encoded, but a form encodes
            # its line breaks (%0A) and curl -d removes them, so raw ones mean the document as it is
            return InputDoc(filename, data=body, media_type=None)
        # curl -d @report.txt sends this, with the report's line breaks removed (and an HTML form its
        # fields percent-encoded): read as the document it lost the layout tables are read by
        raise ServiceError(
            415,
            "unsupported_media_type",
            "a form-encoded body without line breaks (curl -d, an HTML form) is not a document: curl -d "
            "drops the report's line breaks; send the file with --data-binary @report.txt, as "
            "-F file=@report.txt, or as JSON {\"text\": ...}",
        )
    # Any other body is the document itself (curl --data-binary @report.pdf -H 'Content-Type: application/pdf').
    body = await request.body()
    refuse_gzip_body(request, body, "body")
    return InputDoc(filename, data=body, media_type=_upload_media_type(media_type))


async def read_batch(request: Request, settings: ServiceSettings) -> list[InputDoc]:
    media_type = _media_type(request.headers.get("content-type"))
    if _is_json(media_type):
        # 5 a document ({ : , : and the comma before the next), a few for {"items": [...]}, the
        # errors past which a 422 only counts them: a body past that is no batch worth validating
        shape = f'{{"items": [{{"text", "filename"}}, …]}}, at most {settings.max_batch_items} items'
        body = await _parse_json(request, BatchRequest, max_values=(MAX_ERRORS_READ + 8 * (settings.max_batch_items + 1), shape))
        docs = [InputDoc(client_file_name(item.filename), text=item.text) for item in body.items]
    elif media_type == "multipart/form-data":
        docs = await _read_uploads(request, settings, BATCH_FIELD)
    else:
        raise ServiceError(
            415, "unsupported_media_type", "a batch is application/json ({\"items\": [...]}) or multipart/form-data files"
        )
    if not docs:
        raise ServiceError(422, "invalid_request", "the batch has no documents")
    if len(docs) > settings.max_batch_items:
        raise ServiceError(
            413, "too_many_items", f"the batch has {len(docs)} documents; the limit is {settings.max_batch_items}"
        )
    return docs


# ---- the extraction job (runs on a pool thread) ------------------------------------------------


def save_input(directory: Path, doc: InputDoc) -> Path:
    """Keep an input as ``<sha256><suffix>`` (only when GOVREPORT_SAVE_INPUTS_DIR is set)."""
    data = doc.data if doc.data is not None else (doc.text or "").encode("utf-8")
    suffix = Path(doc.filename or "").suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".txt" if doc.text is not None else ".bin"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if not path.exists():
        atomic_write(path, data)
    return path
