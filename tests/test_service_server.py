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
