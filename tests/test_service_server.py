"""The real thing: `govreport serve` in a child process (uvicorn on 127.0.0.1, a free port),
configured only through GOVREPORT_* variables, answering real reports over HTTP, then stopped."""
from __future__ import annotations

import json
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from govreport.service.app import ServerProcess

CORPUS = Path(__file__).parent / "data" / "corpus"
GOLD = {p.name.removesuffix(".gold.json"): json.loads(p.read_text("utf-8")) for p in CORPUS.glob("*.gold.json")}
KEY = "test-key-9f2c"


def present(tables: dict[str, object]) -> set[str]:
    return {k for k, v in tables.items() if v is not None}


@pytest.mark.slow
def test_real_server_serves_reports_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        "GOVREPORT_TAGGER": "auto",  # no model in the empty registry: the rules
        "GOVREPORT_MODELS_DIR": str(tmp_path / "models"),
        "GOVREPORT_WORKERS": "2",
        "GOVREPORT_API_KEY": KEY,
        "GOVREPORT_ACCESS_LOG": "false",
    }
    server = ServerProcess(env)
    with server, httpx.Client(base_url=server.url, headers={"X-API-Key": KEY}, timeout=30) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json()["tagger"]["name"] == "rules"
        assert httpx.post(server.url + "/v1/extract", json={"text": "x"}).status_code == 401

        txt = sorted(p for p in CORPUS.glob("*.txt") if p.stem in GOLD)
        for path in txt:
            r = http.post("/v1/extract", json={"text": path.read_text("utf-8"), "filename": path.name})
            assert r.status_code == 200, r.text
            out, gold = r.json(), GOLD[path.stem]
            assert (out["template"], out["year"], out["organ"]) == (gold["template"], gold["year"], gold["organ"])
            assert present(out["tables"]) == present(gold["tables"])
            assert out["model_version"] == out["tagger"]["version"]

        html = CORPUS / "hangzhou_fixture.html"
        r = http.post("/v1/extract", files={"file": (html.name, html.read_bytes(), "text/html")})
        assert r.status_code == 200, r.text
        assert r.json()["organ"] == GOLD["hangzhou_fixture"]["organ"]
        assert r.json()["origin"]["media_type"] == "text/html"

        def post(path: Path) -> int:
            return http.post("/v1/extract", files={"file": (path.name, path.read_bytes())}).status_code

        with ThreadPoolExecutor(4) as ex:
            assert list(ex.map(post, txt * 3)) == [200] * (len(txt) * 3)

        r = http.post("/v1/extract/batch", json={"items": [{"text": txt[0].read_text("utf-8")}, {"text": ""}]})
        assert r.status_code == 200 and [it["ok"] for it in r.json()["items"]] == [True, False]

        r = http.post("/v1/extract", json={"text": ""})
        assert r.status_code == 400 and r.json()["error"]["code"] == "empty"
        assert r.headers["x-request-id"] == r.json()["error"]["request_id"]

        metrics = http.get("/metrics").text
        ok = 'govreport_http_requests_total{method="POST",route="/v1/extract",status="200"}'
        assert f"{ok} {float(len(txt) * 4 + 1)}" in metrics
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal (exit status -15).
    log = server.log_text()
    assert server.returncode in (0, -signal.SIGTERM), log[-3000:]
    assert "Application shutdown complete" in log and "Traceback" not in log, log[-3000:]



@pytest.mark.slow
def test_real_server_answers_a_body_that_is_not_json_with_400_invalid_json(tmp_path: Path) -> None:
    # a cut-off JSON body was 422 invalid_request, the answer for JSON whose fields are wrong:
    # a client could not tell "fix your JSON encoder" from "fix your field names"
    env = {"GOVREPORT_TAGGER": "rules", "GOVREPORT_MODELS_DIR": str(tmp_path / "models"), "GOVREPORT_ACCESS_LOG": "false"}
    json_type = {"Content-Type": "application/json"}
    with ServerProcess(env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for path in ("/v1/extract", "/v1/extract/batch", "/v1/crosscheck"):
            for body, why in ((b'{"text": "\xe4\xb8\x80', "EOF"), (b"", "empty"), (b"  \n", "empty")):
                r = http.post(path, content=body, headers=json_type)
                err = r.json()["error"]
                assert (r.status_code, err["code"]) == (400, "invalid_json"), (path, body, r.text)
                assert why in err["message"] and err["request_id"] == r.headers["x-request-id"]
            r = http.post(path, content=b'{"txt": 1}', headers=json_type)  # JSON of the wrong shape stays 422
            assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request"), (path, r.text)
    assert "Traceback" not in server.log_text()


@pytest.mark.slow
def test_real_server_answers_ml_backend_bodies_that_are_not_utf8_json_like_v1_extract(tmp_path: Path) -> None:
    # /predict and /setup declared their body as a model, so FastAPI read it: bytes that are not
    # UTF-8 got 400 "http_error" / "There was an error parsing the body" and an empty body 422
    # "body: Field required", where /v1/extract says invalid_json and what to send
    env = {"GOVREPORT_TAGGER": "rules", "GOVREPORT_MODELS_DIR": str(tmp_path / "models"), "GOVREPORT_ACCESS_LOG": "false"}
    json_type = {"Content-Type": "application/json"}
    gbk_task = '{"tasks": [{"data": {"text": "政府信息公开"}}]}'.encode("gbk")
    with ServerProcess(env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for path in ("/predict", "/setup"):
            for body, why in ((gbk_task, "not UTF-8 (byte 30)"), (b"\xff\xfe{\x00}\x00", "not UTF-8 (byte 0)"), (b"", "empty")):
                r = http.post(path, content=body, headers=json_type)
                err = r.json()["error"]
                assert (r.status_code, err["code"]) == (400, "invalid_json"), (path, body, r.text)
                assert why in err["message"] and ("re-encode it" in err["message"] or why == "empty"), err["message"]
                assert err["request_id"] == r.headers["x-request-id"]
        r = http.post("/predict", content=gbk_task, headers=json_type)
        assert "decode a GBK report before its text goes into data.text" in r.json()["error"]["message"]
        r = http.post("/webhook", content='{"action": "项目"}'.encode("gbk"), headers=json_type)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json")
        assert "not UTF-8 (byte 12)" in r.json()["error"]["message"], r.text
        r = http.post("/predict", content=b'{"tasks": [', headers=json_type)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json") and "EOF" in r.text
        r = http.post("/predict", content=b'{"task": []}', headers=json_type)  # JSON of the wrong shape stays 422
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request"), r.text
        task = {"tasks": [{"id": 1, "data": {"text": (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")}}]}
        r = http.post("/predict", json=task)  # a good body is still read
        assert r.status_code == 200 and len(r.json()["results"]) == 1, r.text[:500]
        schema = http.get("/openapi.json").json()["paths"]
        for path, field in (("/predict", "tasks"), ("/setup", "schema")):  # the body is still documented
            body_schema = schema[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            assert field in body_schema["properties"], (path, body_schema)
    assert "Traceback" not in server.log_text()


@pytest.mark.slow
def test_real_server_reads_gzip_bodies_and_refuses_a_gzip_bomb_by_its_decoded_size(tmp_path: Path) -> None:
    # a body sent with Content-Encoding: gzip was read as sent: a JSON body "not JSON", a file
    # upload "a gzip archive" (415); the size limit must hold for the decoded body, while inflating
    import gzip

    env = {"GOVREPORT_TAGGER": "rules", "GOVREPORT_MODELS_DIR": str(tmp_path / "models"), "GOVREPORT_ACCESS_LOG": "false",
           "GOVREPORT_MAX_BYTES": "1000000", "GOVREPORT_MAX_REQUEST_BYTES": "2000000"}
    report = (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")
    gz = {"Content-Encoding": "gzip"}
    with ServerProcess(env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        want = http.post("/v1/extract", json={"text": report}).json()
        body = gzip.compress(json.dumps({"text": report}).encode())
        r = http.post("/v1/extract", content=body, headers={**gz, "Content-Type": "application/json"})
        assert r.status_code == 200 and r.json()["tables"] == want["tables"], r.text[:300]
        upload = httpx.Request("POST", server.url, files={"file": ("r.txt", report.encode())})
        r = http.post("/v1/extract", content=gzip.compress(upload.read()), headers={**gz, "Content-Type": upload.headers["Content-Type"]})
        assert r.status_code == 200 and r.json()["tables"] == want["tables"], r.text[:300]
        batch = gzip.compress(json.dumps({"items": [{"text": report}, {"text": report}]}).encode())
        r = http.post("/v1/extract/batch", content=batch, headers={**gz, "Content-Type": "application/json"})
        assert r.status_code == 200 and [it["ok"] for it in r.json()["items"]] == [True, True], r.text[:300]
        bomb = gzip.compress(b" " * 50_000_000)  # 50 MB of spaces in some 50 KB
        r = http.post("/v1/extract", content=bomb, headers={**gz, "Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (413, "too_large"), r.text
        assert "inflates to more than the limit of 2000000 bytes" in r.json()["error"]["message"]
        r = http.post("/v1/extract", content=body, headers={"Content-Encoding": "br", "Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (415, "unsupported_content_encoding"), r.text
        r = http.post("/v1/extract", content=body[:-9], headers={**gz, "Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_content_encoding") and "cut short" in r.text
    assert "Traceback" not in server.log_text()
