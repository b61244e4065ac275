"""What a new user met trying govreport: a report without any table that needed no review, the
title missing from the output, an upload's file name of any length (and one with a control
character, which broke the download's header and dropped the connection), options the API silently
ignored (``?fail_fast=true``, a misspelt ``?fromat=csv``), a mojibake document read back three
times per request. The real server (uvicorn on 127.0.0.1) for the HTTP side."""
from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from govreport.extraction import ingest, mojibakeview, readbacktext
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.service.app import ServerProcess

CORPUS = Path(__file__).parent / "data" / "corpus"
TITLE = "某某市人民政府办公室2020年政府信息公开工作年度报告"
# a report with its title and prose sections but no table at all (tables pasted as pictures)
NO_TABLES = f"""{TITLE}

一、总体情况
2020年，我办认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。

五、存在的主要问题及改进情况
一是公开内容不够全面。

六、其他需要报告的事项
无。
"""


@pytest.fixture(scope="module")
def rules() -> Extractor:
    return Extractor(get_tagger("rules"))


def test_a_report_without_any_table_needs_review_and_says_so(rules: Extractor) -> None:
    out = rules.extract_text(NO_TABLES, "r.txt").output
    assert out["template"] == "2019" and out["tables"] == dict.fromkeys(out["tables"])  # every table null
    assert out["needs_review"] is True
    (why,) = [r for r in out["review_reasons"] if r["code"] == "no_tables"]
    assert why["tables"] == ["active_disclosure", "applications", "review_litigation"]
    assert "none of the report's three statistics tables was found" in why["message"]
    assert any("no statistics table was found" in w for w in out["warnings"])


def test_a_report_with_its_tables_raises_no_such_reason(rules: Extractor) -> None:
    out = rules.extract_path(CORPUS / "seed_000.txt").output
    assert all(r["code"] != "no_tables" for r in out["review_reasons"])


def test_the_title_is_in_the_output(rules: Extractor) -> None:
    assert rules.extract_text(NO_TABLES, "r.txt").output["title"] == TITLE
    seed = rules.extract_path(CORPUS / "seed_000.txt").output
    assert seed["title"] == "湖南省退役军人事务厅 2020 年政府信息公开年度报告"  # as printed, `#` of Markdown left out
    untitled = "一、总体情况\n本年度公开工作正常。\n二、主动公开政府信息情况\n无。\n"
    assert rules.extract_text(untitled, "u.txt").output["title"] is None


def test_the_title_is_shown_in_the_summary_markdown_and_workbook(rules: Extractor, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from govreport.extraction.export_text import summary_text, to_markdown
    from govreport.extraction.export_xlsx import to_xlsx

    out = rules.extract_path(CORPUS / "seed_000.txt").output
    title = "湖南省退役军人事务厅 2020 年政府信息公开年度报告"
    assert summary_text(out, "seed_000.txt").splitlines()[1] == title
    assert to_markdown(out, "seed_000.txt").splitlines()[2] == title
    (tmp_path / "r.xlsx").write_bytes(to_xlsx(out, "seed_000.txt"))
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert any(title in str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value)
    # a title's control characters never reach the terminal raw
    assert "\\x1b" in summary_text({**out, "title": "x\x1b]0;pwned\x07"}).splitlines()[1]


def test_a_mojibake_document_is_read_back_once_per_extraction(rules: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = ingest.read_back

    def counted(text: str):  # type: ignore[no-untyped-def]
        calls.append(len(text))
        return real(text)

    for module in (ingest, mojibakeview, readbacktext):
        monkeypatch.setattr(module, "read_back", counted)
    mojibake = (CORPUS / "seed_000.txt").read_text("utf-8").encode("utf-8").decode("latin-1")
    d = rules.extract_text(mojibake, "m.txt").to_dict(with_spans=True, with_text=True)
    assert d["organ"] == "湖南省退役军人事务厅" and "# 湖南省退役军人事务厅" in d["read_back"]["text"]  # shown read back
    assert calls == [len(mojibake)]  # ingest's reading, not again by the view and by the output (3 times)


@pytest.mark.slow
def test_real_server_limits_upload_names_refuses_unknown_options_and_stops_at_the_first_failure(tmp_path: Path) -> None:
    env = {
        "GOVREPORT_TAGGER": "rules",
        "GOVREPORT_MODELS_DIR": str(tmp_path / "models"),
        "GOVREPORT_WORKERS": "1",  # one item at a time: which ones fail_fast skips is certain
        "GOVREPORT_ACCESS_LOG": "false",
    }
    report = (CORPUS / "seed_000.txt").read_text("utf-8")
    with ServerProcess(env) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        # a multipart file name is held to 255 characters, as the JSON filename and ?filename= are
        ok = http.post("/v1/extract", files={"file": ("a" * 251 + ".txt", report.encode(), "text/plain")})
        assert ok.status_code == 200, ok.text
        assert ok.json()["title"] == "湖南省退役军人事务厅 2020 年政府信息公开年度报告"
        long = http.post("/v1/extract", files={"file": ("a" * 252 + ".txt", report.encode(), "text/plain")})
        assert long.status_code == 422 and long.json()["error"]["code"] == "invalid_request", long.text
        assert "256 characters" in long.json()["error"]["message"]
        batch = http.post("/v1/extract/batch", files=[("files", ("b" * 300 + ".txt", report.encode(), "text/plain"))])
        assert batch.status_code == 422 and "at most 255" in batch.json()["error"]["message"]

        # a report without tables: the answer says it needs review, and why
        r = http.post("/v1/extract", json={"text": NO_TABLES, "filename": "r.txt"})
        assert r.status_code == 200 and r.json()["needs_review"] is True
        assert [x["code"] for x in r.json()["review_reasons"]] == ["no_tables"]
        assert r.json()["title"] == TITLE

        # an option a route does not take is refused, naming what it takes; it was ignored
        typo = http.post("/v1/extract?fromat=csv", json={"text": report})
        assert typo.status_code == 422, typo.text
        assert typo.json()["error"]["message"] == (
            "unknown query parameter fromat: POST /v1/extract takes filename, format, spans, text (see /docs)"
        )
        cross = http.post("/v1/crosscheck?format=csv", json={"items": [{"text": report}]})
        assert cross.status_code == 422 and "takes no query parameters" in cross.json()["error"]["message"]

        # a download named after an upload whose name holds a control character: the header was
        # invalid, and the server dropped the connection (a traceback) after the work was done
        for fmt in ("csv", "xlsx", "md"):
            d = http.post(f"/v1/extract?format={fmt}", files={"file": ("a\x1b[2Jb.txt", report.encode(), "text/plain")})
            assert d.status_code == 200, d.text
            assert d.headers["content-disposition"] == (
                f"attachment; filename=\"a[2Jb.{fmt}\"; filename*=UTF-8''a%5B2Jb.{fmt}"  # the ESC dropped (s22)
            )

        # fail_fast: items after the first failure are not run
        items = {"items": [{"text": report}, {"text": ""}, {"text": report}, {"text": report}]}
        b = http.post("/v1/extract/batch?fail_fast=true", json=items).json()
        assert (b["count"], b["succeeded"], b["failed"], b["skipped"]) == (4, 1, 1, 2)
        assert [(it["ok"], it["status"]) for it in b["items"]] == [(True, 200), (False, 400), (False, 424), (False, 424)]
        assert b["items"][2]["error"]["code"] == "skipped" and "item 1 failed first" in b["items"][2]["error"]["message"]
        every = http.post("/v1/extract/batch", json=items).json()  # without it every item runs, as before
        assert (every["succeeded"], every["failed"], every["skipped"]) == (3, 1, 0)
    log = server.log_text()
    assert server.returncode in (0, -signal.SIGTERM), log[-3000:]
    assert "Traceback" not in log, log[-3000:]


def test_a_download_s_file_name_header_is_printable_ascii() -> None:
    from govreport.service.downloads import content_disposition

    assert content_disposition('报告\r\n"x\\y".csv') == (
        "attachment; filename=\"_____x_y_.csv\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%0D%0A%22x%5Cy%22.csv"
    )
