"""The service under hostile input (issue 19): limits on decoded text answer 413 with the setting's
name; a request past its time limit gets 504 and frees its slot at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govreport.service.app import create_app
from govreport.service.settings import ServiceSettings
from tests import hostile

CORPUS = Path(__file__).parent / "data" / "corpus"


def _client(**settings: object) -> TestClient:
    settings.setdefault("tagger", "rules")
    return TestClient(create_app(ServiceSettings(**settings)))


def test_decoded_text_over_the_limit_is_413_before_tagging() -> None:
    with _client(max_chars=50_000) as client:
        r = client.post("/v1/extract", json={"text": "政府信息公开" * 20_000, "filename": "long.txt"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "text_too_large"
        assert "GOVREPORT_MAX_CHARS" in r.json()["error"]["message"]
        docx = hostile.docx_with_paragraphs(10_000)
        r = client.post("/v1/extract", files={"file": ("long.docx", docx)})
        assert r.status_code == 413 and r.json()["error"]["code"] == "text_too_large"
        assert client.get("/v1/info").json()["limits"]["max_chars"] == 50_000


def test_a_timed_out_request_frees_its_slot_at_once() -> None:
    slow = hostile.pdf_many_runs(150_000)  # seconds of PDF layout
    report = (CORPUS / "seed_000.txt").read_text("utf-8")
    with _client(workers=1, request_timeout_s=1.0, max_page_chars=10**6, max_chars=10**7, max_lines=10**6) as client:
        t0 = time.monotonic()
        r = client.post("/v1/extract", files={"file": ("slow.pdf", slow)})
        assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"
        assert time.monotonic() - t0 < 3.0
        # with the one worker still busy this request would itself time out (504) after 1 s: a 200 is the proof
        r = client.post("/v1/extract", json={"text": report, "filename": "r.txt"})
        assert r.status_code == 200, r.text
        assert client.get("/readyz").json()["pending"] == 0


# ---------------------------------------------------------------- the Label Studio ML-backend routes

KEY = "s3cret-key"


def test_ml_backend_routes_honour_the_api_key() -> None:
    import base64

    task = {"tasks": [{"data": {"text": "二、主动公开政府信息情况\n1"}}]}
    with _client(api_key=KEY) as client:
        assert client.get("/health").status_code == 200  # Label Studio's health check carries no data
        for method, path, body in [("post", "/predict", task), ("post", "/setup", {"project": "1.2"}),
                                   ("post", "/webhook", {"action": "START_TRAINING", "project": {"id": 1}}),
                                   ("get", "/webhook/status", None)]:  # fmt: skip
            r = client.request(method.upper(), path, json=body)
            assert r.status_code == 401, (path, r.status_code)
            assert r.json()["error"]["code"] == "unauthorized"
        assert client.post("/predict", json=task, headers={"X-API-Key": KEY}).status_code == 200
        basic = base64.b64encode(f"ls:{KEY}".encode()).decode()
        assert client.post("/predict", json=task, headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert client.post("/predict", json=task, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_predict_is_held_to_the_service_limits() -> None:
    with _client(max_batch_items=2, max_pending=2, max_chars=1000) as client:
        many = {"tasks": [{"data": {"text": "一"}}] * 3}
        r = client.post("/predict", json=many)
        assert r.status_code == 413 and "GOVREPORT_MAX_BATCH_ITEMS" in r.json()["error"]["message"]
        r = client.post("/predict", json={"tasks": [{"data": {"text": "一" * 1001}}]})
        assert r.status_code == 413 and r.json()["error"]["code"] == "text_too_large"


def test_predict_has_a_time_limit() -> None:
    from govreport.extraction.taggers.rules import RuleTagger

    class Slow(RuleTagger):
        def __call__(self, doc):  # type: ignore[no-untyped-def]
            time.sleep(3)
            return super().__call__(doc)

    app = create_app(ServiceSettings(tagger="rules", request_timeout_s=0.5, reload_poll_s=0), tagger_factory=lambda s: Slow())
    with TestClient(app) as client:
        t0 = time.monotonic()
        r = client.post("/predict", json={"tasks": [{"data": {"text": "一"}}]})
        assert r.status_code == 504 and time.monotonic() - t0 < 2.5


@pytest.mark.parametrize(
    "body",
    [
        b'{"tasks": [{"data": "a string"}]}',
        b'{"tasks": [{"data": ["x"]}]}',
        b'{"tasks": [{"data": {"text": "\\ud800 lone"}}]}',
        b'{"tasks": "nope"}',
        b'{"tasks": [1, 2]}',
        b"not json",
        b'{"tasks": [{"data": {"text": "x"}}], "label_config": "<View>\\ud800</View>"}',
        b"[]",
    ],
)
def test_malformed_predict_bodies_are_4xx_never_500(body: bytes) -> None:
    with _client() as client:
        r = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (r.status_code, r.text)
        assert "error" in r.json()


def test_webhook_events_are_validated_bounded_and_kept_outside_the_repository(tmp_path: Path, monkeypatch) -> None:
    from govreport.service.ml_backend import REPO, MLBackendSettings

    monkeypatch.delenv("GOVREPORT_LS_RUNS_DIR", raising=False)
    assert not MLBackendSettings().runs_dir.resolve().is_relative_to(REPO.resolve())
    monkeypatch.setenv("GOVREPORT_LS_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("GOVREPORT_LS_WEBHOOK_MAX_BYTES", "10000")
    monkeypatch.setenv("GOVREPORT_LS_RETRAIN_AFTER", "0")
    with _client() as client:
        r = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "project": {"id": 1}, "pad": "x" * 20_000})
        assert r.status_code == 413
        for bad in [{"action": "x" * 200}, {"action": "lower case"}, {"project": 1}, {"action": 7}]:
            r = client.post("/webhook", json=bad)
            assert r.status_code == 422, bad
        r = client.post("/webhook", content=b'{"action": "ANNOTATION_CREATED", "project": {"id": "\\ud800"}}',
                        headers={"Content-Type": "application/json"})  # fmt: skip
        assert r.status_code in (200, 400, 422)  # a lone surrogate: refused or ignored, never a 500
        for cut in (b'{"action": "ANNOTATION_CREATED", "proj', b""):  # not JSON: 400 invalid_json, as on /v1
            r = client.post("/webhook", content=cut, headers={"Content-Type": "application/json"})
            assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json"), r.text
        ev = {"action": "ANNOTATION_CREATED", "project": {"id": 4}, "task": {"id": 1}, "annotation": {"id": 10}}
        for _ in range(5):  # one event delivered five times counts once
            r = client.post("/webhook", json=ev)
        assert r.json()["pending_annotations"] == 1
    lines = (tmp_path / "runs" / "webhook_events.jsonl").read_text("utf-8").splitlines()
    assert len(lines) in (5, 6) and all(len(line) < 300 for line in lines)


# ---------------------------------------------------------------- edge guards


def test_hosts_outside_the_allow_list_are_refused() -> None:
    with _client(allowed_hosts="localhost,127.0.0.1,*.example.org") as client:
        r = client.get("/healthz")  # TestClient's Host is "testserver"
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_host"
        for host in ("localhost:8000", "127.0.0.1", "api.example.org", "LOCALHOST"):
            assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
        assert client.get("/healthz", headers={"Host": "evil.example.com"}).status_code == 400


def test_a_trickling_upload_is_timed_out() -> None:
    import socket

    from govreport.service.app import ServerProcess

    with ServerProcess({"GOVREPORT_TAGGER": "rules", "GOVREPORT_UPLOAD_TIMEOUT_S": "1"}) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 100000\r\n\r\n" + "政府".encode() * 10)  # fmt: skip
            t0 = time.monotonic()
            received = b""
            while b"upload_timeout" not in received and (chunk := s.recv(65536)):
                received += chunk
            answer = received.decode("utf-8", "replace")
        assert answer.startswith("HTTP/1.1 408") and "upload_timeout" in answer, answer[:300]
        assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=b", "text/plain", "application/json"])
def test_a_client_leaving_mid_upload_is_no_internal_error(content_type: str) -> None:
    # it was logged as an internal error with two tracebacks (ours and uvicorn's) and counted as a 500
    import socket

    import httpx

    from govreport.service.app import ServerProcess

    with ServerProcess({"GOVREPORT_TAGGER": "rules"}) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(f"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                      "Content-Length: 100000\r\n\r\n".encode() + b"--b\r\n" + "政府".encode() * 10)  # fmt: skip
        deadline = time.monotonic() + 10
        metrics = ""
        while 'code="client_disconnected"' not in metrics and time.monotonic() < deadline:
            time.sleep(0.1)
            metrics = httpx.get(server.url + "/metrics").text
        assert 'govreport_errors_total{code="client_disconnected"} 1.0' in metrics
        assert 'code="internal"' not in metrics
    log = server.log_text()
    assert "Traceback" not in log and "internal error" not in log, log[-3000:]


def test_error_messages_do_not_show_server_paths(tmp_path: Path) -> None:
    from govreport.service.guards import redact_paths

    assert redact_paths("no model version 'v1' in /srv/app/models (known: none)") == "no model version 'v1' in …/models (known: none)"
    assert redact_paths("limit 10/20 MiB, a/b") == "limit 10/20 MiB, a/b"
    models = tmp_path / "models"
    models.mkdir()
    with _client(models_dir=models, tagger="auto") as client:
        (models / "ACTIVE").write_text("v0009-missing\n", "utf-8")
        r = client.post("/v1/models/reload")
        assert r.status_code == 409 and "v0009-missing" in r.json()["error"]["message"]
        assert str(tmp_path) not in r.text


def test_predict_with_no_tasks_answers_no_results() -> None:
    # the service's pool waited on an empty set of futures (asyncio.wait raises ValueError): a
    # 500 "internal error" and a traceback in the log for {"tasks": []}
    with _client() as client:
        r = client.post("/predict", json={"tasks": []})
        assert r.status_code == 200, r.text
        assert r.json()["results"] == []


@pytest.mark.parametrize("text", ["\x00\x00", " \x00\n", "\u200b\ufeff\u200d", "\u200b \x00"],
                         ids=["nuls", "nul-whitespace", "invisible", "mixed"])  # fmt: skip
def test_predict_refuses_a_text_with_nothing_visible_as_extract_does(text: str) -> None:
    # /predict tagged a text of NULs or zero-width characters and answered an empty prediction;
    # /v1/extract answered 400 "empty" for the NULs (and read the zero-width ones as a text)
    with _client() as client:
        extract = client.post("/v1/extract", json={"text": text})
        predict = client.post("/predict", json={"tasks": [{"id": 7, "data": {"text": text}}]})
    assert extract.status_code == predict.status_code == 400, (extract.text, predict.text)
    assert extract.json()["error"]["code"] == predict.json()["error"]["code"] == "empty"
    said = predict.json()["error"]["message"]
    assert "task 7" in said and "supply a report with its text" in said
    assert said.endswith(extract.json()["error"]["message"].removeprefix("the input "))  # the same words


def test_a_gzip_bomb_is_refused_before_it_is_inflated() -> None:
    # the limit is checked after each step of output: a body that inflates a thousandfold stops
    # at the limit plus one step, its memory never the whole inflated body
    import gzip
    import zlib

    from govreport.extraction.errors import InputTooLarge
    from govreport.service.bodyencoding import _STEP, BadContentEncoding, _Inflater

    inflater = _Inflater(1_000_000, "gzip")
    bomb = gzip.compress(b"\0" * 100_000_000)
    with pytest.raises(InputTooLarge, match="inflates to more than the limit of 1000000 bytes"):
        inflater.feed(bomb)
    assert inflater.decoded <= 1_000_000 + _STEP
    two = _Inflater(100, "gzip")  # members one after another, fed in pieces of any size
    data = gzip.compress(b"a" * 30) + gzip.compress(b"b" * 30)
    assert b"".join(two.feed(data[k : k + 7]) for k in range(0, len(data), 7)) + two.finish() == b"a" * 30 + b"b" * 30
    with pytest.raises(BadContentEncoding, match="cut short"):
        cut = _Inflater(100, "gzip")
        cut.feed(data[:20])
        cut.finish()
    with pytest.raises(BadContentEncoding, match="not valid gzip"):
        _Inflater(100, "gzip").feed(zlib.compress(b"a bare zlib stream"))
    assert _Inflater(100, "gzip").finish() == b""  # an empty body stays empty


def test_compressed_bodies_on_every_route_and_codings_it_cannot_read() -> None:
    import gzip
    import json

    report = (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")
    gz = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    with _client() as client:
        want = client.post("/v1/extract", json={"text": report}).json()["tables"]
        r = client.post("/v1/extract", content=gzip.compress(json.dumps({"text": report}).encode()), headers=gz)
        assert r.status_code == 200 and r.json()["tables"] == want
        r = client.post("/v1/extract", content=gzip.compress(report.encode("gbk")), headers={**gz, "Content-Type": "text/plain"})
        assert r.status_code == 200 and r.json()["tables"] == want  # a raw body: its charset still detected
        r = client.post("/v1/extract", content=json.dumps({"text": report}).encode(), headers={**gz, "Content-Encoding": "zstd"})
        assert (r.status_code, r.json()["error"]["code"]) == (415, "unsupported_content_encoding")
        assert "send the body uncompressed or with Content-Encoding: gzip" in r.json()["error"]["message"]
        assert client.get("/healthz", headers={"Content-Encoding": "br"}).status_code == 200  # no body: nothing to decode
        r = client.post("/v1/extract", content=b"", headers=gz)  # an empty body is empty, as without the header
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json") and "empty" in r.json()["error"]["message"]


def test_a_body_compressed_twice_or_without_the_header_is_named_so() -> None:
    # a gzip body inside a gzip body was answered "the JSON body is not UTF-8 (byte 1)" and a raw
    # one "a gzip archive, not a text report": neither says that the compression is what is wrong
    import gzip
    import json

    body = json.dumps({"text": "二、主动公开政府信息情况"}).encode()
    gz = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    with _client() as client:
        for path, payload in [("/v1/extract", body), ("/v1/extract/batch", json.dumps({"items": [{"text": "x"}]}).encode())]:
            r = client.post(path, content=gzip.compress(gzip.compress(payload)), headers=gz)
            assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_content_encoding"), r.text
            assert "compressed twice" in r.json()["error"]["message"]
        raw = {**gz, "Content-Type": "text/plain"}
        r = client.post("/v1/extract", content=gzip.compress(gzip.compress("一、总体情况\n".encode())), headers=raw)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_content_encoding")
        r = client.post("/v1/extract", content=gzip.compress(body), headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json")
        assert "gzip-compressed" in r.json()["error"]["message"] and "Content-Encoding: gzip" in r.json()["error"]["message"]
        for media_type in ("text/plain", "application/x-www-form-urlencoded"):  # curl --data-binary @r.txt.gz
            r = client.post("/v1/extract", content=gzip.compress(b"x\n" * 50), headers={"Content-Type": media_type})
            assert (r.status_code, r.json()["error"]["code"]) == (415, "binary")
            assert "add the header Content-Encoding: gzip" in r.json()["error"]["message"]
        # a .gz file uploaded as a file is an archive, as before
        r = client.post("/v1/extract", files={"file": ("r.txt.gz", gzip.compress(b"x\n" * 50))})
        assert (r.status_code, r.json()["error"]["code"]) == (415, "unsupported_format")
