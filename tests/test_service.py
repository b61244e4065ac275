"""The HTTP API through FastAPI's TestClient: every endpoint and every error answer.

Taggers that block, fail or carry a registry version are injected with ``create_app(tagger_factory=...)``;
they delegate to the rule tagger, so a successful answer is always a real extraction.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from govreport.extraction.errors import InputError
from govreport.extraction.labels import LABEL_INFO
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.extraction.taggers.rules import RuleTagger
from govreport.extraction.templates import FORMATS, TABLES, table_spec
from govreport.service import app as app_module
from govreport.service import model_runtime
from govreport.service.app import ExtractorDep, ModelLoadError, create_app, get_runtime
from govreport.service.cli import main as cli_main
from govreport.service.settings import ServiceSettings
from govreport.training.registry import ModelRegistry

CORPUS = Path(__file__).parent / "data" / "corpus"
GOLD = sorted(CORPUS.glob("*.gold.json"))
TEXT_REPORTS = [p.with_name(p.name.replace(".gold.json", ".txt")) for p in GOLD]
INPUT_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix != ".json" and p.with_name(p.stem + ".gold.json").exists())
VOLATILE = ("timings_ms",)  # differs between two runs of the same input


def gold_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.stem + ".gold.json").read_text("utf-8"))


def stable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in VOLATILE}


def error_of(r: Any) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "request_id"} <= set(body["error"])
    return body["error"]


class VersionedTagger:
    """The rule tagger under a model's name and version; optionally blocks until ``gate`` is set."""

    name = "model"

    def __init__(self, version: str, gate: threading.Event | None = None, entered: threading.Event | None = None):
        self.version = version
        self.gate = gate
        self.entered = entered
        self._rules = RuleTagger()

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        if self.entered is not None:
            self.entered.set()
        if self.gate is not None and not self.gate.wait(20):
            raise RuntimeError("test gate never opened")
        return self._rules(doc)


class RaisingTagger:
    name = "rules"
    version = "raising-1"

    def __init__(self, exc: BaseException):
        self.exc = exc

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        raise self.exc


def settings_for(tmp_path: Path, **kw: Any) -> ServiceSettings:
    kw.setdefault("tagger", "rules")
    kw.setdefault("models_dir", tmp_path / "models")
    kw.setdefault("reload_poll_s", 0)
    return ServiceSettings(**kw)


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Start an app (lifespan included) from settings overrides and an optional tagger factory."""
    clients: list[TestClient] = []

    def make(tagger_factory: Callable[[ServiceSettings], Any] | None = None, raise_server_exceptions: bool = True, **kw: Any) -> TestClient:
        app = create_app(settings_for(tmp_path, **kw), tagger_factory=tagger_factory)
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture(scope="module")
def rules_extractor() -> Extractor:
    return Extractor(tagger=get_tagger("rules"))


def make_versions(root: Path, n: int) -> list[str]:
    reg = ModelRegistry(root)
    names = []
    for i in range(n):
        with reg.new_version("svc-test") as draft:
            (draft.path / "meta.json").write_text(json.dumps({"label_set": "1.0", "note": f"model {i}"}), "utf-8")
        assert draft.version is not None
        names.append(draft.version)
    return names


def registry_factory(gates: dict[str, tuple[threading.Event, threading.Event]] | None = None) -> Callable[[ServiceSettings], VersionedTagger]:
    """A factory that loads 'the active model' of the service's registry, as the real one does."""

    def factory(s: ServiceSettings) -> VersionedTagger:
        active = ModelRegistry(s.models_dir).active()
        assert active is not None
        gate, entered = (gates or {}).get(active.version, (None, None))
        return VersionedTagger(active.version, gate, entered)

    return factory


# ---- health, readiness, reference --------------------------------------------------------------


def test_healthz_and_readyz_after_start(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["ready"] is True
    assert body["tagger"] == {"name": "rules", "version": RuleTagger.version}


def test_not_ready_before_the_model_is_loaded(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    c = TestClient(app)  # no context manager: lifespan (model load) has not run
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["ready"] is False
    assert c.get("/healthz").status_code == 200
    r = c.post("/v1/extract", json={"text": "x"})
    assert r.status_code == 503 and error_of(r)["code"] == "not_ready"


def test_info_serves_label_colours_and_template_labels(client: TestClient) -> None:
    info = client.get("/v1/info").json()
    assert info["labels"] == {l.value: {"color": i.color, "description": i.description} for l, i in LABEL_INFO.items()}
    for fmt in FORMATS:
        for name in TABLES:
            spec = table_spec(fmt, name)
            assert list(info["templates"][fmt][name]["rows"]) == list(spec.row_keys)
            assert info["templates"][fmt][name]["title"] == spec.title
    assert info["auth"] == {"required": False, "header": "X-API-Key"}


def test_review_page_and_its_assets_are_served(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for asset in ("/static/review.js", "/static/review.css"):
        assert asset in r.text
        assert client.get(asset).status_code == 200


def test_openapi_documents_both_body_forms_and_every_ref_resolves(client: TestClient) -> None:
    assert "swagger" in client.get("/docs").text.lower()
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/extract"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert body["application/json"]["examples"]["report"]["value"]["text"]
    assert "/v1/extract/batch" in spec["paths"] and "/v1/models/reload" in spec["paths"]
    for status in ("400", "413", "415", "422", "504"):
        assert status in spec["paths"]["/v1/extract"]["post"]["responses"]
    schemas = spec["components"]["schemas"]
    assert schemas["ExtractResponse"]["examples"]

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    yield v
                else:
                    yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    found = list(refs(spec))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref


# ---- extraction: success -----------------------------------------------------------------------


@pytest.mark.parametrize("path", TEXT_REPORTS, ids=lambda p: p.stem)
def test_extract_json_matches_gold_metadata_and_the_pipeline(client: TestClient, rules_extractor: Extractor, path: Path) -> None:
    text = path.read_text("utf-8")
    r = client.post("/v1/extract", json={"text": text, "filename": path.name})
    assert r.status_code == 200, r.text
    out = r.json()
    gold = gold_of(path)
    assert (out["template"], out["year"], out["organ"]) == (gold["template"], gold["year"], gold["organ"])
    assert {k for k, v in out["tables"].items() if v is not None} == {k for k, v in gold["tables"].items() if v is not None}
    expected = rules_extractor.extract_text(text, path.name).to_dict()
    assert stable(out) == {**stable(expected), "model_version": RuleTagger.version}
    assert out["origin"]["filename"] == path.name
    assert {"ingest", "tag", "assemble", "queue", "total"} <= set(out["timings_ms"])
    assert "spans" not in out and "text" not in out


@pytest.mark.parametrize("path", INPUT_FILES, ids=lambda p: p.name)
def test_upload_of_any_ingest_format_matches_the_pipeline(client: TestClient, rules_extractor: Extractor, path: Path) -> None:
    data = path.read_bytes()
    r = client.post("/v1/extract", files={"file": (path.name, data, "application/octet-stream")})
    try:
        expected: dict[str, Any] = {"status": 200, "body": stable(rules_extractor.extract_bytes(data, path.name).to_dict())}
    except InputError as exc:
        expected = {"status": exc.http_status, "code": exc.code}
    assert r.status_code == expected["status"], r.text
    if r.status_code == 200:
        assert stable(r.json()) == {**expected["body"], "model_version": RuleTagger.version}
    else:
        assert error_of(r)["code"] == expected["code"]


def test_raw_body_is_the_document(client: TestClient) -> None:
    path = TEXT_REPORTS[0]
    data = path.read_bytes()
    r = client.post(f"/v1/extract?filename={path.name}", content=data, headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["organ"] == gold_of(path)["organ"]
    assert out["origin"]["filename"] == path.name
    assert out["origin"]["sha256"] == hashlib.sha256(data).hexdigest()


def test_spans_and_text_on_request_index_the_decoded_text(client: TestClient) -> None:
    path = TEXT_REPORTS[0]
    r = client.post("/v1/extract?spans=true&text=true", files={"file": (path.name, path.read_bytes())})
    assert r.status_code == 200
    out = r.json()
    text = out["text"]
    assert text == path.read_text("utf-8")
    assert out["spans"], "the rule tagger labels a corpus report"
    for s in out["spans"]:
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["label"] in {l.value for l in LABEL_INFO}
    for sec in out["sections"]:
        assert 0 <= sec["start"] < sec["end"] <= len(text)


def test_a_mojibake_upload_comes_with_its_read_back_text_and_offset_map(client: TestClient) -> None:
    # ?text=true gave only the mojibake as sent ("æ¹–å—"): the review page showed that to people
    text = TEXT_REPORTS[0].read_text("utf-8")
    moj = text.encode("utf-8").decode("latin-1")
    r = client.post("/v1/extract?spans=true&text=true", files={"file": ("moj.txt", moj.encode("utf-8"))})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["text"] == moj  # the offsets' text, as before
    back = out["read_back"]
    assert back["text"] == text and (back["encoding"], back["layers"], back["lossy"]) == ("utf-8", 1, False)
    assert back["starts"] == [len(text[:k].encode("utf-8")) for k in range(len(text))]
    for s in out["spans"]:
        assert moj[s["start"] : s["end"]] == s["text"]
        assert s["read_back_text"] == s["text"].encode("latin-1").decode("utf-8")  # spans hold whole characters
    plain = client.post("/v1/extract?text=true", files={"file": ("r.txt", text.encode("utf-8"))}).json()
    assert "read_back" not in plain


def test_concurrent_requests_each_get_their_own_answer(make_client: Callable[..., TestClient], rules_extractor: Extractor) -> None:
    c = make_client(workers=3)
    texts = [p.read_text("utf-8") for p in TEXT_REPORTS] * 3
    expected = [stable(rules_extractor.extract_text(t, f"r{i}.txt").to_dict()) for i, t in enumerate(texts)]

    def post(i: int) -> dict[str, Any]:
        r = c.post("/v1/extract", json={"text": texts[i], "filename": f"r{i}.txt"})
        assert r.status_code == 200, r.text
        return r.json()

    with ThreadPoolExecutor(6) as ex:
        outs = list(ex.map(post, range(len(texts))))
    for out, exp in zip(outs, expected):
        assert stable(out) == {**exp, "model_version": RuleTagger.version}


# ---- batch -------------------------------------------------------------------------------------


def test_batch_json_with_a_failing_item(client: TestClient) -> None:
    good = [p.read_text("utf-8") for p in TEXT_REPORTS[:2]]
    items = [{"text": good[0], "filename": "a.txt"}, {"text": "  \n", "filename": "empty.txt"},
             {"text": good[1], "filename": "b.txt"}]  # fmt: skip
    r = client.post("/v1/extract/batch", json={"items": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["count"], body["succeeded"], body["failed"]) == (3, 2, 1)
    assert [it["index"] for it in body["items"]] == [0, 1, 2]
    assert [it["filename"] for it in body["items"]] == ["a.txt", "empty.txt", "b.txt"]
    bad = body["items"][1]
    assert bad["ok"] is False and bad["status"] == 400 and bad["error"]["code"] == "empty" and "result" not in bad
    for i, path in ((0, TEXT_REPORTS[0]), (2, TEXT_REPORTS[1])):
        assert body["items"][i]["ok"] and body["items"][i]["result"]["organ"] == gold_of(path)["organ"]


def test_batch_of_uploaded_files(client: TestClient) -> None:
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in TEXT_REPORTS]
    files.append(("files", ("pic.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")))
    r = client.post("/v1/extract/batch?spans=true", files=files)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == len(TEXT_REPORTS) + 1
    for it, path in zip(items, TEXT_REPORTS):
        assert it["ok"] and it["result"]["template"] == gold_of(path)["template"] and it["result"]["spans"]
    assert items[-1]["ok"] is False and items[-1]["status"] == 415


def test_batch_limits_and_shapes(make_client: Callable[..., TestClient]) -> None:
    c = make_client(max_batch_items=2)
    r = c.post("/v1/extract/batch", json={"items": [{"text": "a"}] * 3})
    assert r.status_code == 413 and error_of(r)["code"] == "too_many_items"
    r = c.post("/v1/extract/batch", files=[("files", (f"{i}.txt", b"x")) for i in range(3)])
    assert r.status_code == 413 and error_of(r)["code"] == "too_many_items"
    r = c.post("/v1/extract/batch", json={"items": []})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"
    r = c.post("/v1/extract/batch", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and error_of(r)["code"] == "unsupported_media_type"


# ---- errors ------------------------------------------------------------------------------------


def _input_error_classes() -> list[type[InputError]]:
    """Every input error extraction can raise (subclasses elsewhere, e.g. annotation errors, are not
    raised by the extraction path)."""
    out, todo = [], [InputError]
    while todo:
        cls = todo.pop()
        if cls.__module__ == "govreport.extraction.errors":
            out.append(cls)
        todo += cls.__subclasses__()
    return sorted(out, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", _input_error_classes(), ids=lambda c: c.__name__)
def test_every_input_error_maps_to_its_status_and_code(make_client: Callable[..., TestClient], cls: type[InputError]) -> None:
    c = make_client(tagger_factory=lambda s: RaisingTagger(cls(f"{cls.__name__} happened")))
    r = c.post("/v1/extract", json={"text": "一、总体情况"})
    assert r.status_code == cls.http_status
    err = error_of(r)
    assert err["code"] == cls.code and err["message"] == f"{cls.__name__} happened"
    assert 400 <= cls.http_status < 500


@pytest.mark.parametrize(
    "kwargs, status, code",
    [
        ({"json": {"text": ""}}, 400, "empty"),
        ({"json": {"text": " \n\t "}}, 400, "empty"),
        ({"files": {"file": ("e.txt", b"")}}, 400, "empty"),
        ({"content": b"", "headers": {"content-type": "text/plain"}}, 400, "empty"),
        ({"json": {"text": "北京是中国的首都。今天天气很好，我们去公园散步。"}}, 422, "not_a_report"),
        ({"files": {"file": ("p.png", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png")}}, 415, "unsupported_format"),
        ({"json": {"txt": "x"}}, 422, "invalid_request"),
        ({"json": {"text": 5}}, 422, "invalid_request"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "invalid_json"),
        ({"content": b"", "headers": {"content-type": "application/json"}}, 400, "invalid_json"),
        ({"files": [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]}, 422, "invalid_request"),
        ({"content": b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--b--\r\n',
          "headers": {"content-type": "multipart/form-data; boundary=b"}}, 422, "invalid_request"),
        ({"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data"}}, 400, "invalid_multipart"),
    ],
    ids=["empty", "blank", "empty-file", "empty-raw", "not-a-report", "image", "missing-field",
         "wrong-type", "bad-json", "empty-json", "two-files", "no-file", "bad-multipart"],  # fmt: skip
)
def test_bad_input_gets_a_clear_json_error(client: TestClient, kwargs: dict[str, Any], status: int, code: str) -> None:
    r = client.post("/v1/extract", **kwargs)
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["code"] == code
    assert err["message"] and "Traceback" not in r.text


def test_json_that_is_not_utf8_says_so_and_a_utf8_bom_is_read(client: TestClient) -> None:
    # a GBK-encoded JSON body was "invalid unicode code point at line 1 column 11": true, but it
    # did not say the encoding was the problem nor that a file upload would have been read
    body = '{"text": "政府信息公开工作年度报告"}'.encode("gb18030")
    r = client.post("/v1/extract", content=body, headers={"content-type": "application/json; charset=gbk"})
    assert (r.status_code, error_of(r)["code"]) == (400, "invalid_json")
    assert "not UTF-8" in error_of(r)["message"] and "upload" in error_of(r)["message"]
    # UTF-8 with a byte-order mark (Notepad, PowerShell 5) is UTF-8: read, not "expected value at column 1"
    body = b"\xef\xbb\xbf" + json.dumps({"text": (CORPUS / "seed_000.txt").read_text("utf-8")}).encode()
    r = client.post("/v1/extract", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["year"] == 2020, r.text


def test_a_form_encoded_body_is_refused_unless_it_kept_its_line_breaks(client: TestClient) -> None:
    # `curl -d @report.txt` sends the report form-encoded with its line breaks removed: it was read as
    # the document (35 of 198 cells of seed_000 lost to null); an HTML form's `text=%E6...` was
    # "not a report"
    text = (CORPUS / "seed_000.txt").read_text("utf-8")
    for kwargs in ({"content": text.replace("\n", "").encode()}, {"data": {"text": text}}):
        r = client.post("/v1/extract", headers={"content-type": "application/x-www-form-urlencoded"}, **kwargs)
        assert (r.status_code, error_of(r)["code"]) == (415, "unsupported_media_type"), r.text
        assert "--data-binary" in error_of(r)["message"]
    # `curl --data-binary @report.txt` without -H is labelled form-encoded too, but keeps the line
    # breaks (a form percent-encodes them): it was refused with "curl -d drops the line breaks"
    for body in (text.encode("utf-8"), text.replace("\n", "\r\n").encode("gb18030")):
        r = client.post("/v1/extract", headers={"content-type": "application/x-www-form-urlencoded"}, content=body)
        assert r.status_code == 200 and r.json()["year"] == 2020, r.text[:300]
        assert r.json()["tables"] == client.post("/v1/extract", json={"text": text}).json()["tables"]


REPORT_BYTES = (CORPUS / "seed_000.txt").read_bytes()


def _multipart(*parts: bytes, close: bool = True) -> dict[str, Any]:
    """A hand-made multipart body with boundary ``b``: each part's headers+content, closed or cut off."""
    body = b"".join(b"--b\r\n" + part + b"\r\n" for part in parts) + (b"--b--\r\n" if close else b"")
    return {"content": body, "headers": {"content-type": "multipart/form-data; boundary=b"}}


def _file_part(field: str, content: bytes, filename: str = "r.txt") -> bytes:
    return f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n\r\n'.encode() + content


@pytest.mark.parametrize(
    "kwargs, status, code, says",
    [
        # cut off inside the file part: python-multipart drops the part, which read as "no file" (422)
        (_multipart(_file_part("file", REPORT_BYTES[:300]), close=False), 400, "invalid_multipart", "closing boundary"),
        # the boundary in Content-Type never occurs in the body
        ({"content": b"--other\r\n" + _file_part("file", b"x") + b"\r\n--other--\r\n",
          "headers": {"content-type": "multipart/form-data; boundary=b"}}, 400, "invalid_multipart", "boundary"),
        ({"content": b"", "headers": {"content-type": "multipart/form-data; boundary=b"}}, 400, "invalid_multipart",
         "closing boundary"),
        # a report uploaded under another field name was read as if it were `file`
        (_multipart(_file_part("upload", REPORT_BYTES)), 422, "invalid_request", "'upload'"),
        (_multipart(_file_part("file", REPORT_BYTES), _file_part("attachment", b"x")), 422, "invalid_request",
         "'attachment'"),
        # `-F file=<text>` (no @): a text value, not a file
        (_multipart(b'Content-Disposition: form-data; name="file"\r\n\r\n' + REPORT_BYTES[:100]), 422,
         "invalid_request", "holds text"),
        (_multipart(), 422, "invalid_request", "no file"),
    ],
    ids=["cut-off", "wrong-boundary", "empty-body", "other-field", "second-field", "text-in-file", "no-parts"],
)
def test_broken_or_misnamed_multipart_is_a_clear_client_error(
    client: TestClient, kwargs: dict[str, Any], status: int, code: str, says: str
) -> None:
    r = client.post("/v1/extract", **kwargs)
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["code"] == code and says in err["message"], err


def test_batch_files_come_in_their_field(client: TestClient) -> None:
    r = client.post("/v1/extract/batch", files=[("file", ("a.txt", REPORT_BYTES))])
    assert r.status_code == 422 and "'file'" in error_of(r)["message"] and "'files'" in error_of(r)["message"]
    r = client.post("/v1/extract/batch", **_multipart(_file_part("files", REPORT_BYTES), close=False))
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_multipart"
    r = client.post("/v1/extract/batch", files=[("files", ("a.txt", REPORT_BYTES)), ("files", ("b.txt", REPORT_BYTES))])
    assert r.status_code == 200 and r.json()["succeeded"] == 2


def test_two_files_message_names_the_batch_route(client: TestClient) -> None:
    r = client.post("/v1/extract", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))])
    assert "/v1/extract/batch" in error_of(r)["message"]  # a route, not a server path to hide


def test_document_over_max_bytes_is_413(make_client: Callable[..., TestClient]) -> None:
    c = make_client(max_bytes=1000, max_request_bytes=100_000)
    r = c.post("/v1/extract", json={"text": "一" * 1000})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"


def test_request_body_over_the_limit_is_413_with_or_without_content_length(make_client: Callable[..., TestClient]) -> None:
    c = make_client(max_bytes=1000, max_request_bytes=4000)
    r = c.post("/v1/extract", content=b"x" * 5000, headers={"content-type": "text/plain"})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while reading
        for _ in range(5):
            yield b"x" * 1000

    r = c.post("/v1/extract", content=chunks(), headers={"content-type": "text/plain"})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"


def test_unknown_route_and_wrong_method_are_json(client: TestClient) -> None:
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = client.get("/v1/extract")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


def test_internal_error_is_500_without_details_and_is_logged(make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture) -> None:
    secret = "db-password-hunter2"
    c = make_client(tagger_factory=lambda s: RaisingTagger(RuntimeError(secret)))
    with caplog.at_level("ERROR", logger="govreport.service"):
        r = c.post("/v1/extract", json={"text": "一、总体情况"})
    assert r.status_code == 500
    err = error_of(r)
    assert err["code"] == "internal" and secret not in r.text and "Traceback" not in r.text
    logged = [rec for rec in caplog.records if rec.exc_info and secret in str(rec.exc_info[1])]
    assert logged and err["request_id"] in logged[0].getMessage()
    r = c.post("/v1/extract/batch", json={"items": [{"text": "一、总体情况"}]})
    assert r.status_code == 200
    item = r.json()["items"][0]
    assert item["status"] == 500 and item["error"]["code"] == "internal" and secret not in r.text


def test_request_id_is_echoed_and_put_in_errors(client: TestClient) -> None:
    r = client.post("/v1/extract", json={"text": ""}, headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123" and error_of(r)["request_id"] == "abc-123"
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces" and len(r.headers["x-request-id"]) == 16


# ---- time limit and overload -------------------------------------------------------------------


def test_time_limit_gives_504_and_a_batch_reports_timeouts_per_item(make_client: Callable[..., TestClient]) -> None:
    gate = threading.Event()
    c = make_client(tagger_factory=lambda s: VersionedTagger("slow", gate), request_timeout_s=0.3, workers=3)
    text = TEXT_REPORTS[0].read_text("utf-8")
    try:
        t0 = time.monotonic()
        r = c.post("/v1/extract", json={"text": text})
        assert r.status_code == 504 and error_of(r)["code"] == "timeout"
        assert time.monotonic() - t0 < 5
        r = c.post("/v1/extract/batch", json={"items": [{"text": text}, {"text": ""}]})
        assert r.status_code == 200
        items = r.json()["items"]
        assert items[0]["status"] == 504 and items[0]["error"]["code"] == "timeout"
        assert items[1]["error"]["code"] == "empty"  # fails fast, before the deadline
    finally:
        gate.set()


def test_full_queue_gives_503_with_retry_after(make_client: Callable[..., TestClient]) -> None:
    gate, entered = threading.Event(), threading.Event()
    c = make_client(
        tagger_factory=lambda s: VersionedTagger("slow", gate, entered), workers=1, max_pending=1, max_batch_items=1
    )
    text = TEXT_REPORTS[0].read_text("utf-8")
    with ThreadPoolExecutor(1) as ex:
        first = ex.submit(c.post, "/v1/extract", json={"text": text})
        assert entered.wait(10)
        assert c.get("/readyz").json()["pending"] == 1
        r = c.post("/v1/extract", json={"text": text})
        assert r.status_code == 503 and error_of(r)["code"] == "busy" and r.headers["retry-after"] == "1"
        gate.set()
        assert first.result(20).status_code == 200
    r = c.post("/v1/extract", json={"text": text})
    assert r.status_code == 200  # the slot was given back


# ---- API key -----------------------------------------------------------------------------------


def test_api_key_guards_v1_but_not_health(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key="s3cret", api_key_header="X-Key")
    r = c.post("/v1/extract", json={"text": ""})
    assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"
    assert c.post("/v1/extract", json={"text": ""}, headers={"X-Key": "wrong"}).status_code == 401
    assert c.get("/v1/models").status_code == 401
    r = c.post("/v1/extract", json={"text": ""}, headers={"X-Key": "s3cret"})
    assert r.status_code == 400 and error_of(r)["code"] == "empty"  # past the key check
    assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
    assert c.get("/v1/info").json()["auth"] == {"required": True, "header": "X-Key"}
    spec = c.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-Key"


def test_api_key_off_by_default(client: TestClient) -> None:
    assert client.get("/v1/models").status_code == 200


# ---- disk --------------------------------------------------------------------------------------


def test_uploads_never_touch_the_disk_by_default(make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Starlette spools uploads over 1 MiB to a temporary file; the service must not.
    c = make_client(max_bytes=1024 * 1024, max_request_bytes=4 * 1024 * 1024)

    def no_disk(*a: Any, **k: Any) -> Any:
        raise AssertionError("request data written to a temporary file")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_disk)
    monkeypatch.chdir(tmp_path)
    big = b"x" * (3 * 1024 * 1024 // 2)  # 1.5 MiB: over Starlette's spool size, over our max_bytes
    r = c.post("/v1/extract", files={"file": ("big.txt", big)})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"
    r = c.post("/v1/extract", files={"file": (TEXT_REPORTS[0].name, TEXT_REPORTS[0].read_bytes())})
    assert r.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_inputs_are_kept_only_when_configured(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    keep = tmp_path / "kept"
    c = make_client(save_inputs_dir=keep)
    text = TEXT_REPORTS[0].read_text("utf-8")
    html = CORPUS / "hangzhou_fixture.html"
    assert c.post("/v1/extract", json={"text": text}).status_code == 200
    assert c.post("/v1/extract", files={"file": (html.name, html.read_bytes())}).status_code in (200, 415, 422)
    assert c.post("/v1/extract", json={"text": "   "}).status_code == 400  # kept too: failures are worth study
    kept = {p.name: p.read_bytes() for p in keep.iterdir()}
    assert {hashlib.sha256(d).hexdigest() + Path(n).suffix for n, d in kept.items()} == set(kept)
    assert sorted(kept.values()) == sorted([text.encode(), html.read_bytes(), b"   "])
    assert {Path(n).suffix for n in kept} == {".txt", ".html"}


# ---- models ------------------------------------------------------------------------------------


def test_models_lists_versions_and_the_active_one(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    v1, v2 = make_versions(tmp_path / "models", 2)
    ModelRegistry(tmp_path / "models").promote(v1)
    c = make_client(tagger="auto", tagger_factory=registry_factory())
    body = c.get("/v1/models").json()
    assert body["active"] == v1 and body["tagger_setting"] == "auto" and body["pinned"] is None
    assert [v["version"] for v in body["versions"]] == [v1, v2]
    assert [(v["active"], v["loaded"]) for v in body["versions"]] == [(True, True), (False, False)]
    assert body["versions"][1]["meta"]["note"] == "model 1"
    assert body["loaded"]["tagger"] == {"name": "model", "version": v1}


def test_reload_swaps_the_model_without_dropping_in_flight_requests(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    root = tmp_path / "models"
    v1, v2 = make_versions(root, 2)
    ModelRegistry(root).promote(v1)
    gate, entered = threading.Event(), threading.Event()
    c = make_client(tagger="model", tagger_factory=registry_factory({v1: (gate, entered)}), workers=2)
    text = TEXT_REPORTS[0].read_text("utf-8")
    with ThreadPoolExecutor(1) as ex:
        in_flight = ex.submit(c.post, "/v1/extract", json={"text": text})
        assert entered.wait(10), "the first request reached the v1 model"
        ModelRegistry(root).promote(v2)
        r = c.post("/v1/models/reload")
        assert r.status_code == 200, r.text
        assert r.json() == {"changed": True, "previous": {"name": "model", "version": v1}, "current": {"name": "model", "version": v2}}
        r = c.post("/v1/extract", json={"text": text})
        assert r.status_code == 200 and r.json()["model_version"] == v2
        assert not in_flight.done()
        gate.set()
        old = in_flight.result(20)
    assert old.status_code == 200 and old.json()["model_version"] == v1 and old.json()["tagger"]["version"] == v1
    metrics = c.get("/metrics").text
    assert f'govreport_model_info{{tagger="model",version="{v2}"}} 1.0' in metrics and v1 not in metrics


def test_a_promoted_model_is_picked_up_without_a_call(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    root = tmp_path / "models"
    v1, v2 = make_versions(root, 2)
    ModelRegistry(root).promote(v1)
    c = make_client(tagger="auto", tagger_factory=registry_factory(), reload_poll_s=0.05)
    assert c.get("/v1/models").json()["loaded"]["tagger"]["version"] == v1
    ModelRegistry(root).promote(v2)
    deadline = time.monotonic() + 10
    while c.get("/v1/models").json()["loaded"]["tagger"]["version"] != v2:
        assert time.monotonic() < deadline, "ACTIVE change not picked up"
        time.sleep(0.05)
    assert c.post("/v1/extract", json={"text": TEXT_REPORTS[0].read_text("utf-8")}).json()["model_version"] == v2


@pytest.mark.parametrize(
    "exc, status, shown",
    [(OSError("weights file truncated at /secret/path"), 500, None),  # a defect: details only in the log
     (ModelLoadError("no model version 'v0009' in the registry"), 409, "v0009")],  # deployment: said  # fmt: skip
    ids=["broken-model", "missing-model"],
)
def test_failed_reload_keeps_the_previous_model(
    make_client: Callable[..., TestClient], tmp_path: Path, exc: Exception, status: int, shown: str | None
) -> None:
    root = tmp_path / "models"
    (v1,) = make_versions(root, 1)
    ModelRegistry(root).promote(v1)
    calls = {"n": 0}

    def fails_after_start(s: ServiceSettings) -> VersionedTagger:
        calls["n"] += 1
        if calls["n"] > 1:
            raise exc
        return registry_factory()(s)

    c = make_client(tagger="model", tagger_factory=fails_after_start)
    r = c.post("/v1/models/reload")
    assert r.status_code == status and error_of(r)["code"] == "reload_failed"
    if shown is None:
        assert "/secret/path" not in r.text
    else:
        assert shown in error_of(r)["message"]
    assert c.get("/v1/models").json()["loaded"]["tagger"]["version"] == v1
    assert c.post("/v1/extract", json={"text": TEXT_REPORTS[0].read_text("utf-8")}).json()["model_version"] == v1
    assert 'govreport_model_reloads_total{result="failed"} 1.0' in c.get("/metrics").text


def test_default_tagger_resolves_versions_in_the_services_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "models"
    v1, v2 = make_versions(root, 2)
    calls: list[tuple[str, str | None]] = []
    monkeypatch.setattr(model_runtime, "get_tagger", lambda kind, model=None, **_: calls.append((kind, model)) or RuleTagger())
    app_module.default_tagger(settings_for(tmp_path, tagger="auto"))  # no ACTIVE yet
    app_module.default_tagger(settings_for(tmp_path, tagger="model", model=v2))
    ModelRegistry(root).promote(v1)
    app_module.default_tagger(settings_for(tmp_path, tagger="auto"))
    app_module.default_tagger(settings_for(tmp_path, tagger="model", model=str(root / v2)))
    assert calls == [("rules", None), ("model", str(root / v2)), ("auto", str(root / v1)), ("model", str(root / v2))]


@pytest.mark.parametrize("kw", [{"tagger": "model"}, {"tagger": "model", "model": "v9999-19700101-nope"}])
def test_a_missing_model_stops_start_up(tmp_path: Path, kw: dict[str, Any]) -> None:
    app = create_app(settings_for(tmp_path, **kw))
    with pytest.raises(ModelLoadError):
        with TestClient(app):
            pass


def test_auto_without_a_model_uses_the_rules(make_client: Callable[..., TestClient]) -> None:
    c = make_client(tagger="auto")
    assert c.get("/readyz").json()["tagger"] == {"name": "rules", "version": RuleTagger.version}


# ---- metrics -----------------------------------------------------------------------------------


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_count_requests_latency_errors_and_model(client: TestClient) -> None:
    text = TEXT_REPORTS[0].read_text("utf-8")
    assert client.post("/v1/extract", json={"text": text}).status_code == 200
    assert client.post("/v1/extract", json={"text": text}).status_code == 200
    assert client.post("/v1/extract", json={"text": ""}).status_code == 400
    assert client.get("/no/such/page").status_code == 404
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    s = _samples(r.text)
    ok = (("method", "POST"), ("route", "/v1/extract"), ("status", "200"))
    assert s[("govreport_http_requests_total", ok)] == 2
    assert s[("govreport_http_requests_total", (("method", "POST"), ("route", "/v1/extract"), ("status", "400")))] == 1
    assert s[("govreport_http_requests_total", (("method", "GET"), ("route", "unmatched"), ("status", "404")))] == 1
    assert s[("govreport_http_request_duration_seconds_count", (("route", "/v1/extract"),))] == 3
    assert s[("govreport_errors_total", (("code", "empty"),))] == 1
    assert s[("govreport_errors_total", (("code", "not_found"),))] == 1
    assert s[("govreport_documents_total", (("outcome", "ok"),))] == 2
    assert s[("govreport_inference_duration_seconds_count", ())] == 3
    assert s[("govreport_model_info", (("tagger", "rules"), ("version", RuleTagger.version)))] == 1


# ---- settings and the command ------------------------------------------------------------------


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVREPORT_PORT", "9123")
    monkeypatch.setenv("GOVREPORT_WORKERS", "3")
    monkeypatch.setenv("GOVREPORT_API_KEY", "")
    monkeypatch.setenv("GOVREPORT_MAX_BATCH_ITEMS", "5")
    monkeypatch.setenv("GOVREPORT_TAGGER", "rules")
    s = ServiceSettings()
    assert (s.port, s.workers, s.max_batch_items, s.tagger) == (9123, 3, 5, "rules")
    assert s.api_key is None and not s.auth_enabled
    monkeypatch.setenv("GOVREPORT_API_KEY", "kq7-secret-zz")
    assert ServiceSettings().auth_enabled
    assert "kq7-secret-zz" not in repr(ServiceSettings())  # a SecretStr never prints


def test_model_threads_and_precision_reach_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """GOVREPORT_MODEL_PRECISION / _THREADS / _RUNTIME configure the loaded model, not just the settings."""
    monkeypatch.setenv("GOVREPORT_MODEL_PRECISION", "fp32")
    monkeypatch.setenv("GOVREPORT_MODEL_THREADS", "2")
    settings = ServiceSettings(tagger="model")
    assert (settings.model_precision, settings.model_threads, settings.model_runtime) == ("fp32", 2, "onnx")
    tagger = app_module.default_tagger(settings)
    assert tagger.name == "model" and tagger.predictor.runtime == "onnx" and tagger.predictor.precision == "fp32"
    assert tagger.predictor.session.get_session_options().intra_op_num_threads == 2
    torch = pytest.importorskip("torch", reason="the torch runtime needs the train extra")
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("GOVREPORT_MODEL_RUNTIME", "torch")
        monkeypatch.setenv("GOVREPORT_MODEL_THREADS", "1")
        tagger = app_module.default_tagger(ServiceSettings(tagger="model", model_precision="int8"))
        assert tagger.predictor.runtime == "torch" and tagger.predictor.precision == "int8"
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    with pytest.raises(ValidationError):
        ServiceSettings(model_precision="fp16")
    with pytest.raises(ValidationError):
        ServiceSettings(model_threads=0)


@pytest.mark.parametrize(
    "kw",
    [{"max_bytes": 100, "max_request_bytes": 50}, {"tagger": "rules", "model": "v0001-x"}, {"port": 70000},
     {"workers": 0}, {"tagger": "gpt"}, {"max_batch_items": 10, "max_pending": 5}],  # fmt: skip
)
def test_bad_settings_are_refused(kw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(**kw)


def test_a_save_inputs_dir_that_cannot_be_written_stops_start_up(tmp_path: Path) -> None:
    # it was accepted, and every request then failed as 500 "internal error" (PermissionError in
    # save_input on the pool thread)
    from tests.hostile import unwritable_dir

    bad = unwritable_dir(tmp_path) / "saved"
    with pytest.raises(ValidationError, match="cannot write to"):
        ServiceSettings(save_inputs_dir=bad)
    good = tmp_path / "new" / "saved"
    assert ServiceSettings(save_inputs_dir=good).save_inputs_dir == good and good.is_dir()


def test_serve_command_reads_env_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ServiceSettings] = []
    monkeypatch.setattr(app_module, "run_server", seen.append)
    monkeypatch.setenv("GOVREPORT_WORKERS", "3")
    result = CliRunner().invoke(cli_main, ["serve", "--port", "9100", "--tagger", "rules"])
    assert result.exit_code == 0, result.output
    assert (seen[0].port, seen[0].workers, seen[0].tagger) == (9100, 3, "rules")
    monkeypatch.setenv("GOVREPORT_MAX_REQUEST_BYTES", "1")
    result = CliRunner().invoke(cli_main, ["serve"])
    assert result.exit_code != 0 and "invalid settings" in result.output and len(seen) == 1


def test_serve_names_a_bad_setting_as_the_user_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic's text said "port ... For further information visit https://errors.pydantic.dev/...":
    # neither the variable nor the option the user typed, and a link an intranet cannot open
    seen: list[ServiceSettings] = []
    monkeypatch.setattr(app_module, "run_server", seen.append)
    monkeypatch.setenv("GOVREPORT_WORKERS", "0")
    result = CliRunner().invoke(cli_main, ["serve", "--port", "70000"])
    assert result.exit_code == 1 and not seen, result.output
    assert "GOVREPORT_WORKERS='0'" in result.output and "--port=70000" in result.output
    assert "pydantic.dev" not in result.output
    monkeypatch.delenv("GOVREPORT_WORKERS")
    monkeypatch.setenv("GOVREPORT_MAX_REQUEST_BYTES", "1")  # a rule over two settings names both
    result = CliRunner().invoke(cli_main, ["serve"])
    assert "GOVREPORT_MAX_REQUEST_BYTES (1) must be at least GOVREPORT_MAX_BYTES" in result.output, result.output


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "service.md").read_text("utf-8")
    missing = [n for n in ServiceSettings.model_fields if f"`GOVREPORT_{n.upper()}`" not in doc]
    assert missing == []


# ---- other routers -----------------------------------------------------------------------------


def test_an_extra_router_shares_the_extractor_and_the_pool(tmp_path: Path) -> None:
    router = APIRouter()

    @router.post("/extra/version")
    async def extra_version(request: Request, extractor: ExtractorDep) -> dict[str, Any]:
        pool = get_runtime(request).pool
        assert pool is not None
        (version,) = await pool.run([lambda: extractor.tagger.version], time.monotonic() + 5)
        return {"version": version, "same": request.app.state.extractor is extractor}

    with TestClient(create_app(settings_for(tmp_path), routers=[router])) as c:
        assert c.post("/extra/version").json() == {"version": RuleTagger.version, "same": True}
        r = c.get("/extra/version")
        assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


def test_a_check_that_cannot_be_assessed_is_answered_not_an_internal_error(client: TestClient) -> None:
    from tests.reportkit import REVIEW_HEADER, REVIEW_VALUES, report

    values = [str(v) for v in REVIEW_VALUES]
    values[4] = "-"  # 行政复议 总计 printed blank: every check on it has an operand without value
    text = report(review=REVIEW_HEADER + "\n" + "\t".join(values)).replace("办理申请56件。", "办理申请56件。全年行政复议案件11件。")
    r = client.post("/v1/extract", json={"text": text})
    assert r.status_code == 200, r.text
    na = [c for c in r.json()["checks"] if c.get("status") == "not_assessable"]
    assert na and all(c["ok"] is None for c in na)


def test_a_wrong_path_or_method_says_what_the_route_takes(client: TestClient) -> None:
    # `curl localhost:8000/v1/extract` (a GET) answered only "Method Not Allowed", a typo only "Not Found"
    r = client.get("/v1/extract")
    assert (r.status_code, error_of(r)["code"]) == (405, "method_not_allowed")
    assert error_of(r)["message"] == "GET is not allowed on /v1/extract; it takes POST (see /docs)"
    r = client.post("/v1/extracts", json={"text": "x"})
    assert (r.status_code, error_of(r)["code"]) == (404, "not_found")
    assert error_of(r)["message"] == "no route /v1/extracts: the API's routes are listed at /docs"


@pytest.mark.parametrize("raw", ["inf", "nan"])
def test_serve_refuses_a_time_limit_that_is_not_a_finite_number(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    # GOVREPORT_REQUEST_TIMEOUT_S=inf passed "greater than 0" and ended serve in OverflowError
    seen: list[ServiceSettings] = []
    monkeypatch.setattr(app_module, "run_server", seen.append)
    monkeypatch.setenv("GOVREPORT_REQUEST_TIMEOUT_S", raw)
    result = CliRunner().invoke(cli_main, ["serve", "--tagger", "rules"])
    assert result.exit_code != 0 and "GOVREPORT_REQUEST_TIMEOUT_S" in result.output, result.output
    assert "finite number" in result.output and not seen
