"""The service under hostile input (issue 19): limits on decoded text answer 413 with the setting's
name; a request past its time limit gets 504 and frees its slot at once."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from govreport.service.app import create_app
from govreport.service.settings import ServiceSettings
from tests import hostile

CORPUS = Path(__file__).parent / "data" / "corpus"


def _client(**settings: object) -> TestClient:
    return TestClient(create_app(ServiceSettings(tagger="rules", **settings)))


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
        t0 = time.monotonic()
        r = client.post("/v1/extract", json={"text": report, "filename": "r.txt"})
        assert r.status_code == 200, r.text  # the one worker thread is free again
        assert time.monotonic() - t0 < 3.0
        assert client.get("/readyz").json()["pending"] == 0
