"""What a user still met after session 21's first user lane ("found, not fixed" in docs/realism.md):
``label pull`` filled a job log with ``datasets``' progress bars and counted two tasks of one text
as two reports; a task made twice for one text before ``doc_id`` was the text's hash got no new
prediction on a re-push; an upload named ``.pdf`` was downloaded as the hidden ``.pdf.csv``; a table
download of an old-format report was a bare header; a DOCX titled only in its core properties had
no title; a 500 on a route that does not extract said "internal error while extracting"."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from govreport.training.annotation.pull import pull

from tests.test_annotation_pull_malformed import FakeClient, task

CORPUS = Path(__file__).parent / "data" / "corpus"


# ---- label pull -----------------------------------------------------------------------------------


def test_pull_draws_no_progress_bar(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # datasets drew "Saving the dataset (1/1 shards)" with carriage returns into the webhook job's log
    result = pull(FakeClient([task(1)]), 1, tmp_path)  # type: ignore[arg-type]
    assert result.batch is not None
    err = capfd.readouterr().err
    assert "Saving the dataset" not in err and "\r" not in err


def test_pull_counts_two_tasks_of_one_text_as_one_report_and_says_so(tmp_path: Path) -> None:
    # counts.reports was 2 for two tasks holding one text; load_documents keeps one of them
    result = pull(FakeClient([task(1), task(2)]), 1, tmp_path)  # type: ignore[arg-type]
    assert result.batch is not None
    counts = result.batch.manifest["counts"]
    assert counts["reports"] == 1 and counts["train"] + counts["heldout"] == 1 and counts["same_text_tasks"] == 1
    (warning,) = [w for w in result.warnings if "one text" in w]
    assert "tasks 1, 2" in warning and "task 2's annotation" in warning
    assert result.batch.manifest["same_text"] == [warning]


# ---- a 500 says what failed -----------------------------------------------------------------------


def test_a_500_off_the_extraction_routes_does_not_say_extracting(tmp_path: Path) -> None:
    # GET /v1/models with a damaged registry answered "internal error while extracting" (session 21)
    from fastapi import APIRouter
    from fastapi.testclient import TestClient
    from govreport.service.app import create_app

    from tests.test_service import settings_for

    router = APIRouter()

    @router.get("/extra/boom")
    async def boom() -> None:
        raise RuntimeError("a defect")

    with TestClient(create_app(settings_for(tmp_path), routers=[router]), raise_server_exceptions=False) as c:
        r = c.get("/extra/boom")
    assert r.status_code == 500 and "a defect" not in r.text
    assert r.json()["error"]["message"] == "internal error while answering the request; it has been logged"


# ---- downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("upload", "expected"), [(".pdf", "pdf.csv"), (".年报.txt", "年报.csv"), ("..", "report.csv")])
def test_a_download_of_a_dot_file_upload_is_not_a_hidden_file(upload: str, expected: str, tmp_path: Path) -> None:
    # an upload named ".pdf" was downloaded as ".pdf.csv": a hidden file, where the CLI refuses such a --name
    from fastapi.testclient import TestClient
    from govreport.service.app import create_app

    from tests.test_service import settings_for

    text = (CORPUS / "seed_000.txt").read_bytes()
    with TestClient(create_app(settings_for(tmp_path))) as c:
        r = c.post("/v1/extract?format=csv", files={"file": (upload, text, "text/plain")})
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].endswith("filename*=UTF-8''" + quote(expected))
