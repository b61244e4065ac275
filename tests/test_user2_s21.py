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


# ---- a table download of a report without tables --------------------------------------------------

OLD = Path(__file__).parent / "data" / "old_format" / "report_2017.txt"


def test_the_csv_of_an_old_format_report_says_why_it_has_no_cells(tmp_path: Path) -> None:
    # ?format=csv of a report older than the 2019 format was its header alone, with nothing saying why
    import csv
    import io

    from fastapi.testclient import TestClient
    from govreport.service.app import create_app

    from tests.test_service import settings_for

    with TestClient(create_app(settings_for(tmp_path))) as c:
        r = c.post("/v1/extract?format=csv", json={"text": OLD.read_text("utf-8"), "filename": "r2017.txt"})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(row["table"], row["row"], row["value"], row["status"]) for row in rows] == [
        ("active_disclosure", "", "", "no_table"), ("applications", "", "", "no_table"), ("review_litigation", "", "", "no_table"),
    ]  # fmt: skip
    assert all("older than the 2019 format" in row["text"] and row["year"] == "2017" for row in rows)
    assert rows[0]["table_label"] == "二、主动公开政府信息情况"


# ---- a DOCX titled only in its properties ---------------------------------------------------------


def docx_of(lines: list[str], core_title: str) -> bytes:
    """A DOCX of ``lines`` (one paragraph each) whose File › Properties title is ``core_title``."""
    import io

    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.title = core_title
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


BODY = [ln for ln in (CORPUS / "seed_000.txt").read_text("utf-8").splitlines() if "年度报告" not in ln or "。" in ln]


def extract_docx(data: bytes) -> dict:
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger

    return Extractor(RuleTagger()).extract_bytes(data, filename="r.docx").to_dict()


def test_a_docx_titled_only_in_its_properties_has_its_title() -> None:
    # LibreOffice's conversion of a page whose <title> held the title: title_missing/organ_missing
    out = extract_docx(docx_of(BODY, "湖南省退役军人事务厅2020年政府信息公开年度报告"))
    assert (out["organ"], out["year"]) == ("湖南省退役军人事务厅", 2020)
    assert not {r["code"] for r in out["review_reasons"]} & {"title_missing", "organ_missing"}


def test_a_stale_or_a_second_title_in_the_properties_is_not_read() -> None:
    # last year's title left in a copied document's properties would give the report a wrong year
    stale = extract_docx(docx_of(BODY, "湖南省退役军人事务厅2021年政府信息公开年度报告"))
    assert stale["organ"] is None and "2021年政府信息公开年度报告" not in json.dumps(stale, ensure_ascii=False)
    titled = docx_of(["某县2020年政府信息公开工作年度报告", *BODY], "湖南省退役军人事务厅2020年政府信息公开年度报告")
    assert extract_docx(titled)["organ"] == "某县"  # the body's own title, the properties' ignored


# ---- label push after a promotion: two tasks of one text made before doc_id was the text's hash ----


def test_a_re_push_gives_every_task_of_a_text_the_new_prediction(tmp_path: Path) -> None:
    # the same report in UTF-8 and UTF-16 made two tasks before doc_id was the text's hash; a re-push
    # after a promotion found the first by its text and left the second without the new prediction
    import hashlib
    from typing import Any

    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.training.annotation.push import push_files

    from tests.test_annotation_pull_malformed import FakePushClient

    class Client(FakePushClient):
        def create_prediction(self, task_id: int, prediction: dict[str, Any]) -> None:
            self.tasks[task_id].setdefault("predictions", []).append(prediction)

    text = (CORPUS / "seed_000.txt").read_text("utf-8")
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "b.txt").write_bytes(text.encode("utf-16"))
    client = Client()
    push_files(client, "p", [tmp_path / "a.txt"], RuleTagger())  # type: ignore[arg-type]
    old = json.loads(json.dumps(client.tasks[0]))
    old["data"]["doc_id"] = hashlib.sha256((tmp_path / "b.txt").read_bytes()).hexdigest()  # as the old push made it
    client.tasks.append({**old, "id": 1})
    for t in client.tasks:
        for p in t["predictions"]:
            p["model_version"] = "v0001-old"
    again = push_files(client, "p", [tmp_path / "a.txt", tmp_path / "b.txt"], RuleTagger())  # type: ignore[arg-type]
    assert again.imported == [] and again.updated == ["a.txt"] and again.skipped == ["b.txt"]
    for t in client.tasks:
        assert [p["model_version"] for p in t["predictions"]] == ["v0001-old", RuleTagger.version], t["id"]


def test_the_summary_and_markdown_of_an_old_format_report_name_its_format() -> None:
    # their heading said "（未识别格式）" (format not recognised) for a report older than both formats
    from govreport.extraction.export_text import to_markdown
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers.rules import RuleTagger

    out = Extractor(RuleTagger()).extract_text(OLD.read_text("utf-8"), filename="r2017.txt").to_dict()
    assert to_markdown(out, "r2017.txt").startswith("# 某某县人民政府办公室 · 2017年 · 2019 年以前格式，统计表未读取  [r2017.txt]\n")


def test_batch_says_which_reports_are_older_than_the_2019_format(tmp_path: Path) -> None:
    # its summary counted such a report "extracted", not "to review", and said nothing of its tables
    from click.testing import CliRunner
    from govreport.service.cli import main

    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "r2017.txt").write_bytes(OLD.read_bytes())
    (inputs / "seed_000.txt").write_bytes((CORPUS / "seed_000.txt").read_bytes())
    r = CliRunner().invoke(main, ["batch", str(inputs), "-o", str(out), "--tagger", "rules", "--no-progress"])
    assert r.exit_code == 0, r.output
    assert "1 report(s) older than the 2019 format: no table read" in r.output and "  r2017.txt" in r.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["counts"]["old_format"] == 1 and summary["old_format"] == ["r2017.txt"]
