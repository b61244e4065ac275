"""The review page in a real headless Chromium (Debian's package, driven by Playwright) against the
real server: what the page shows must be exactly what the API answered for the same input."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from govreport.extraction.labels import LABEL_INFO
from govreport.service.app import ServerProcess
from tests.reportkit import REVIEW_HEADER, REVIEW_VALUES, report

CHROMIUM = Path("/usr/bin/chromium")
CORPUS = Path(__file__).parent / "data" / "corpus"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"GOVREPORT_TAGGER": "rules", "GOVREPORT_MODELS_DIR": str(tmp_path_factory.mktemp("models"))}
    with ServerProcess(env) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: ServerProcess) -> Iterator[Any]:
    ctx = browser.new_context()
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(server.url + "/")
    p.wait_for_function("document.getElementById('service-version').textContent.length > 0")
    yield p
    ctx.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def api(server: ServerProcess, **kw: Any) -> dict[str, Any]:
    r = httpx.post(server.url + "/v1/extract?spans=true&text=true", timeout=30, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def submit_and_wait(page: Any) -> None:
    page.click("#extract-button")
    page.wait_for_function(
        "!document.getElementById('result').hidden || !document.getElementById('error').hidden", timeout=30_000
    )


def assert_page_shows(page: Any, expected: dict[str, Any]) -> None:
    assert page.is_visible("#result") and not page.is_visible("#error")
    assert page.text_content("#sum-template") == (expected["template"] or "—")
    assert page.text_content("#sum-year") == str(expected["year"])
    assert page.text_content("#sum-organ") == expected["organ"]
    assert page.text_content("#sum-title") == (expected["title"] or "—")  # the report's title, as the API gives it
    assert expected["model_version"] in page.text_content("#sum-model")

    # The text, whole, with one mark per span, in the label's colour.
    assert page.text_content("#doc-text") == expected["text"]
    marks = page.eval_on_selector_all(
        "#doc-text mark",
        "ms => ms.map(m => [m.dataset.label, +m.dataset.start, +m.dataset.end, m.textContent, getComputedStyle(m).boxShadow])",
    )
    spans = sorted(expected["spans"], key=lambda s: s["start"])
    assert [m[:4] for m in marks] == [[s["label"], s["start"], s["end"], s["text"]] for s in spans]
    colours = {label.value: rgb(info.color) for label, info in LABEL_INFO.items()}
    for label, *_, shadow in marks:
        assert colours[label] in shadow, (label, shadow)

    # Every cell of every table, and the tables that are absent.
    for name, rows in expected["tables"].items():
        block = f'.table-block[data-table="{name}"]'
        if rows is None:
            assert page.locator(f"{block} .absent").count() == 1
            continue
        cells = page.eval_on_selector_all(
            f'td[data-table="{name}"]', "tds => tds.map(td => [td.dataset.row, td.dataset.col, td.textContent, td.dataset.status])"
        )
        shown = {(r, c): t for r, c, t, _ in cells}
        want = {(r, c): v for r, cols in rows.items() for c, v in cols.items()}
        assert shown.keys() == want.keys()
        statuses = expected.get("cell_status") or {}
        for (r, c), value in want.items():
            status = ((statuses.get(name) or {}).get(r) or {}).get(c)
            printed = (((expected.get("provenance") or {}).get(name) or {}).get(r) or {}).get(c) or {}
            if value is not None:
                assert float(shown[r, c]) == value, (r, c, shown[r, c], value)
            elif status == "unreadable":  # what was printed, kept for the reader
                assert shown[r, c] == printed.get("text", "?")
            else:
                assert shown[r, c] == ("…" if status == "missing" else "—"), (r, c, shown[r, c])
        assert {(r, c): s for r, c, _, s in cells if s} == {
            (r, c): s for r, cols in (statuses.get(name) or {}).items() for c, s in cols.items()
        }

    # Failed checks listed one by one, the rest counted.
    failed = [c for c in expected["checks"] if c.get("status", "pass" if c["ok"] else "fail") == "fail"]
    rules = page.eval_on_selector_all("#failed-checks li.failed", "ls => ls.map(l => l.dataset.rule)")
    assert rules == [c["rule"] for c in failed]

    # The verdict at the top with its reasons, and every cell's status.
    assert page.locator("#verdict.needs-review").count() == int(expected["needs_review"])
    codes = page.eval_on_selector_all("#review-reasons li", "ls => ls.map(l => l.dataset.code)")
    assert codes == [r["code"] for r in expected["review_reasons"]]
    for name, rows in (expected.get("cell_status") or {}).items():
        if rows is None:
            continue
        shown = page.eval_on_selector_all(
            f'td[data-table="{name}"]', "tds => tds.map(td => [td.dataset.row, td.dataset.col, td.dataset.status])"
        )
        assert {(r, c): st for r, c, st in shown} == {(r, c): st for r, cols in rows.items() for c, st in cols.items()}
    assert str(len(expected["checks"])) in page.text_content("#checks-summary")
    assert page.locator("#sections li").count() == len(expected["sections"])


def test_a_pasted_report_with_a_wrong_total_shows_spans_tables_and_the_failed_check(page: Any, server: ServerProcess) -> None:
    values = list(REVIEW_VALUES)
    values[4] += 5  # 行政复议 总计 no longer the sum of its four results
    review = REVIEW_HEADER + "\n" + "\t".join(str(v) for v in values)
    text = report(review=review)
    expected = api(server, json={"text": text})
    assert any(c["ok"] is False for c in expected["checks"]), "precondition: the wrong total fails a check"
    assert expected["needs_review"] and "check_failed" in {r["code"] for r in expected["review_reasons"]}
    assert expected["tables"]["review_litigation"] is not None and expected["spans"]

    page.fill("#report-text", text)
    submit_and_wait(page)
    assert_page_shows(page, expected)
    assert page.text_content("#sum-filename") == "（粘贴的文本）"  # the interface is Chinese by default
    assert not page.is_visible("#api-key-field")  # no key configured

    # The legend switches a label's highlighting off.
    page.click('#legend label[data-label="CELL"] input')
    off = page.eval_on_selector_all('#doc-text mark[data-label="CELL"]', "ms => ms.every(m => m.classList.contains('off'))")
    assert off


def test_an_uploaded_corpus_report_matches_the_api_and_gold(page: Any, server: ServerProcess) -> None:
    path = CORPUS / "hangzhou_fixture.html"
    gold = json.loads((CORPUS / "hangzhou_fixture.gold.json").read_text("utf-8"))
    expected = api(server, files={"file": (path.name, path.read_bytes(), "text/html")})
    page.set_input_files("#report-file", str(path))
    submit_and_wait(page)
    assert_page_shows(page, expected)
    assert page.text_content("#sum-filename") == path.name
    assert (page.text_content("#sum-organ"), page.text_content("#sum-year")) == (gold["organ"], str(gold["year"]))
    # A section link focuses the heading's span in the text.
    first = expected["sections"][0]
    page.click("#sections li:first-child a")
    assert page.get_attribute("#doc-text mark.focus", "data-label") == "SECTION"
    assert first["start"] <= int(page.get_attribute("#doc-text mark.focus", "data-start")) < first["end"]


def test_bad_input_shows_the_error_and_hides_old_results(page: Any, server: ServerProcess) -> None:
    page.fill("#report-text", (CORPUS / "seed_001.txt").read_text("utf-8"))
    submit_and_wait(page)
    assert page.is_visible("#result")
    for text in ("北京是中国的首都。今天天气很好。", "   "):
        err = httpx.post(server.url + "/v1/extract", json={"text": text}, timeout=30).json()["error"]
        page.fill("#report-text", text)
        page.click("#extract-button")
        page.wait_for_function(f"document.getElementById('error-code').textContent === {json.dumps(err['code'])}")
        assert page.is_visible("#error") and not page.is_visible("#result")
        assert page.text_content("#error-message") == err["message"]


# ---- the page for the people who use it: language, verdict, provenance, downloads, layout --------


def wrong_total_report() -> str:
    values = list(REVIEW_VALUES)
    values[4] += 5  # 行政复议 总计 no longer the sum of its four results
    return report(review=REVIEW_HEADER + "\n" + "\t".join(str(v) for v in values))


def test_chinese_by_default_with_an_english_switch_and_error_texts(page: Any, server: ServerProcess) -> None:
    assert page.text_content("#extract-button") == "提取" and page.get_attribute("html", "lang") == "zh-CN"
    page.fill("#report-text", "北京是中国的首都。今天天气很好。")
    page.click("#extract-button")
    page.wait_for_function("document.getElementById('error-code').textContent === 'not_a_report'")
    zh = page.text_content("#error-text")
    assert "年度报告" in zh and "422" not in zh
    page.click("#lang-switch")
    assert page.text_content("#extract-button") == "Extract" and page.get_attribute("html", "lang") == "en"
    en = page.text_content("#error-text")
    assert en != zh and "annual report" in en
    page.click("#lang-switch")
    assert page.text_content("#extract-button") == "提取"


def test_a_cell_and_its_source_in_the_text_find_each_other(page: Any, server: ServerProcess) -> None:
    path = CORPUS / "hangzhou_fixture.html"
    expected = api(server, files={"file": (path.name, path.read_bytes(), "text/html")})
    page.set_input_files("#report-file", str(path))
    submit_and_wait(page)
    # a cell far down the text, so that finding it needs a scroll of the text pane
    table, row, col = "applications", "carried_forward", "total"
    prov = expected["provenance"][table][row][col]
    assert expected["text"][prov["start"] : prov["end"]] == str(expected["tables"][table][row][col])
    page.click(f'td[data-table="{table}"][data-row="{row}"][data-col="{col}"]')
    focused = page.eval_on_selector_all("#doc-text mark.focus", "ms => ms.map(m => [+m.dataset.start, +m.dataset.end])")
    assert focused == [[prov["start"], prov["end"]]]
    visible = page.evaluate(
        """() => { const m = document.querySelector('#doc-text mark.focus').getBoundingClientRect();
                   const p = document.getElementById('doc-text').getBoundingClientRect();
                   return m.top >= p.top && m.bottom <= p.bottom && m.top >= 0 && m.bottom <= innerHeight; }"""
    )
    assert visible, "the highlighted span is scrolled into view"
    assert page.get_attribute(f'td[data-table="{table}"][data-row="{row}"][data-col="{col}"]', "class").count("focus") == 1

    # and the reverse: a value in the text -> its cell
    other = expected["provenance"]["review_litigation"]["litigation_direct"]["pending"]
    page.click(f'#doc-text mark[data-start="{other["start"]}"]')
    cells = page.eval_on_selector_all("#tables td.focus", "ts => ts.map(t => [t.dataset.table, t.dataset.row, t.dataset.col])")
    assert cells == [["review_litigation", "litigation_direct", "pending"]]


def test_cells_of_a_failed_check_are_marked(page: Any, server: ServerProcess) -> None:
    text = wrong_total_report()
    expected = api(server, json={"text": text})
    failed = [c for c in expected["checks"] if not c["ok"]]
    assert [c["rule"] for c in failed] == ["review_litigation.total[administrative_review]"], "precondition"
    page.fill("#report-text", text)
    submit_and_wait(page)
    marked = page.eval_on_selector_all("td.in-failed-check", "ts => ts.map(t => [t.dataset.table, t.dataset.row, t.dataset.col])")
    assert sorted(marked) == sorted(["review_litigation", "administrative_review", c] for c in expected["tables"]["review_litigation"]["administrative_review"])
    page.click("#failed-checks li.failed")
    assert page.locator("#tables td.focus").count() == len(marked)


def test_tables_are_laid_out_as_printed_without_one_character_lines(page: Any, server: ServerProcess) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_input_files("#report-file", str(CORPUS / "hangzhou_fixture.html"))
    submit_and_wait(page)
    spans = page.eval_on_selector_all(
        '.table-block[data-table="applications"] thead th', "ts => ts.map(t => [t.textContent, t.colSpan, t.rowSpan])"
    )
    assert ["申请人情况", 7, 1] in spans and ["法人或其他组织", 5, 1] in spans and ["总计", 1, 2] in spans
    group = page.eval_on_selector_all(
        '.table-block[data-table="applications"] tbody th.k-group', "ts => ts.map(t => [t.textContent, t.rowSpan])"
    )
    assert ["（三）不予公开", 8] in group and group[0][0] == "三、本年度办理结果"
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#tables thead th, #tables th.k-head, #tables td')].map(c => {
             const r = document.createRange(); r.selectNodeContents(c);
             const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
             return [c.textContent, tops.size]; })"""
    )
    assert lines and all(n <= 1 for _, n in lines), [x for x in lines if x[1] > 1]


def test_downloads_give_the_json_csv_and_xlsx_of_the_result(page: Any, server: ServerProcess, tmp_path: Path) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    path = CORPUS / "hangzhou_fixture.html"
    expected = api(server, files={"file": (path.name, path.read_bytes(), "text/html")})
    page.set_input_files("#report-file", str(path))
    submit_and_wait(page)
    got = {}
    for fmt in ("json", "csv", "xlsx"):
        with page.expect_download() as info:
            page.click(f'#downloads button[data-format="{fmt}"]')
        dl = info.value
        assert dl.suggested_filename == f"hangzhou_fixture.{fmt}"
        target = tmp_path / dl.suggested_filename
        dl.save_as(target)
        got[fmt] = target.read_bytes()
    d = json.loads(got["json"])
    assert d["tables"] == expected["tables"] and d["checks"] == expected["checks"] and "text" not in d
    assert got["csv"].startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(got["csv"].decode("utf-8-sig"))))
    want = [(t, r, c, v) for t, rs in expected["tables"].items() for r, cs in rs.items() for c, v in cs.items()]
    assert [(x["table"], x["row"], x["col"], x["value"]) for x in rows] == [(t, r, c, "" if v is None else str(v)) for t, r, c, v in want]
    assert {x["organ"] for x in rows} == {expected["organ"]} and rows[0]["row_label"]
    wb = load_workbook(io.BytesIO(got["xlsx"]))
    assert "cells" in wb.sheetnames and wb.worksheets[1]["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert wb["cells"].max_row == 1 + len(want)


# ---- the API docs work offline -----------------------------------------------------------------


@pytest.fixture
def offline_page(browser: Any, server: ServerProcess) -> Iterator[tuple[Any, list[str]]]:
    """A page whose every request off the test server is refused (an intranet with no internet)."""
    ctx = browser.new_context()
    refused: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_local)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, refused
    ctx.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_swagger_ui_renders_offline(offline_page: tuple[Any, list[str]], server: ServerProcess) -> None:
    page, refused = offline_page
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "ps => ps.map(p => p.textContent.replace(/\\u200b/g, ''))")
    assert "/v1/extract" in paths and "/v1/info" in paths
    assert refused == []


def test_redoc_renders_offline_and_the_favicon_is_served(offline_page: tuple[Any, list[str]], server: ServerProcess) -> None:
    page, refused = offline_page
    page.goto(server.url + "/redoc")
    page.wait_for_selector("h2:has-text('Extract the tables of one report')", timeout=30_000)  # ReDoc's operation heading
    assert refused == []
    r = httpx.get(server.url + "/favicon.ico", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon" and r.content[:4] == b"\x00\x00\x01\x00"


def test_a_failed_narrative_check_shows_its_cell_and_its_figure_in_the_prose(page: Any, server: ServerProcess) -> None:
    claim = "全年行政复议案件99件。"  # the table says 6
    text = report(review=REVIEW_HEADER + "\n" + "\t".join(map(str, REVIEW_VALUES))).replace("办理申请56件。", "办理申请56件。" + claim)
    expected = api(server, json={"text": text})
    (check,) = [c for c in expected["checks"] if c["rule"].startswith("narrative.") and c["status"] == "fail"]
    page.fill("#report-text", text)
    submit_and_wait(page)
    page.click(f'#failed-checks li.failed[data-rule="{check["rule"]}"]')
    focused = page.eval_on_selector_all("#tables td.focus", "ts => ts.map(t => [t.dataset.table, t.dataset.row, t.dataset.col])")
    assert focused == [[c["table"], c["row"], c["col"]] for c in check["cells"]]
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected == text[check["prose"]["start"] : check["prose"]["end"]] and "99" in selected


def test_the_verdict_and_its_reasons_lead_and_an_unreadable_cell_shows_what_was_printed(page: Any, server: ServerProcess) -> None:
    values = [str(v) for v in REVIEW_VALUES]
    values[1] = "l"  # an OCR letter where 结果纠正 of 行政复议 is printed
    text = report(review=REVIEW_HEADER + "\n" + "\t".join(values))
    expected = api(server, json={"text": text})
    assert expected["needs_review"] is True, "precondition"
    assert expected["cell_status"]["review_litigation"]["administrative_review"]["corrected"] == "unreadable"
    page.fill("#report-text", text)
    submit_and_wait(page)
    assert_page_shows(page, expected)
    # the verdict is the first thing in the result, above the summary and the tables
    order = page.evaluate("() => [...document.querySelectorAll('#result > *')].map(n => n.id || n.className)")
    assert order[0] == "verdict" and page.is_visible("#verdict.needs-review")
    assert page.text_content("#verdict-text") == "需要人工复核"
    codes = page.eval_on_selector_all("#review-reasons li", "ls => ls.map(l => l.dataset.code)")
    assert codes == [r["code"] for r in expected["review_reasons"]]
    reason = next(r for r in expected["review_reasons"] if r["code"] == "unreadable_cell")
    li = page.locator('#review-reasons li[data-code="unreadable_cell"]')
    assert reason["message_zh"] in li.text_content()
    td = 'td[data-table="review_litigation"][data-row="administrative_review"][data-col="corrected"]'
    assert page.text_content(td) == "l" and "st-unreadable" in page.get_attribute(td, "class")
    li.click()
    assert page.eval_on_selector_all("#tables td.focus", "ts => ts.map(t => t.dataset.col)") == ["corrected"]
    page.click("#lang-switch")
    assert reason["message"] in page.text_content('#review-reasons li[data-code="unreadable_cell"]')
    assert page.text_content("#verdict-text") == "Needs review"


# ---- year on year: several reports of one body ---------------------------------------------------


def test_year_on_year_shows_each_identity_with_both_sources_and_its_status(page: Any, server: ServerProcess, tmp_path: Path) -> None:
    from tests.reportkit import applications_2021
    from tests.test_crosscheck import _next_year, _text

    a = applications_2021()
    files = {
        "y2021.txt": _text(2021, a, (74, 4185)),
        "y2022.txt": _text(2022, _next_year(a), (72, 4000)),  # 现行有效件数 should be 4185 + 564 − 984
        "junk.txt": "北京是中国的首都。今天天气很好。",
    }
    paths = []
    for name, text in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    r = httpx.post(server.url + "/v1/crosscheck", timeout=60,
                   files=[("files", (n, t.encode("utf-8"), "text/plain")) for n, t in files.items()])
    assert r.status_code == 200, r.text
    expected = r.json()["checks"]
    broken = "year_on_year.active_disclosure.in_force[normative_documents]"
    assert [c["rule"] for c in expected if c["status"] == "fail"] == [broken], "precondition"
    assert sum(c["status"] == "pass" for c in expected) >= 8, "precondition"

    page.set_input_files("#yoy-files", [str(p) for p in paths])
    page.click("#yoy-button")
    page.wait_for_function("!document.getElementById('yoy-result').hidden || !document.getElementById('yoy-error').hidden",
                           timeout=60_000)
    assert page.is_visible("#yoy-result") and not page.is_visible("#yoy-error")
    rows = page.eval_on_selector_all(
        "#yoy-rows tr", "trs => trs.map(t => [t.dataset.rule, t.dataset.status, t.className, t.querySelector('.yoy-status').textContent])"
    )
    assert [r[:2] for r in rows] == [[c["rule"], c["status"]] for c in expected]
    for rule, status, cls, shown in rows:
        assert (cls, shown) == ({"pass": ("passed", "通过"), "fail": ("failed", "未通过")}[status]), (rule, status)
    failed = f'#yoy-rows tr[data-rule="{broken}"]'
    cells = page.eval_on_selector_all(f"{failed} td", "tds => tds.map(t => t.textContent)")
    assert cells[0].startswith("现行有效件数") and "行政规范性文件" in cells[0]
    # last year's stock from the 2021 report, this year's issued and repealed from the 2022 one
    assert cells[1:] == ["2021→2022", "4000", "y2022.txt", "4185 + 564 − 984", "y2021.txt、y2022.txt", "未通过"]
    colour = page.eval_on_selector(f"{failed} .yoy-status", "t => getComputedStyle(t).color")
    assert colour == rgb("#c0392b")  # the page's colour of a failed check
    carry = page.eval_on_selector_all('#yoy-rows tr[data-rule="year_on_year.applications.carry[total]"] td', "tds => tds.map(t => t.textContent)")
    total = a["carried_forward"]["total"]
    assert carry[2:6] == [str(total), "y2022.txt", str(total), "y2021.txt"] and carry[0].startswith("上年结转")
    # the file that is no report is named with its error, the others still compared
    assert page.get_attribute("#yoy-report-errors li", "data-report") == "junk.txt"
    assert "not_a_report" in page.text_content("#yoy-report-errors li")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#yoy-panel").screenshot(path=str(tmp_path / "yoy.png"))
    page.click("#lang-switch")
    assert page.text_content(f"{failed} .yoy-status") == "failed"
    assert page.text_content(f"{failed} td.yoy-rule").startswith("in force = ")


def test_year_on_year_request_errors_show_like_the_other_errors(page: Any, server: ServerProcess, tmp_path: Path) -> None:
    paths = [tmp_path / f"r{i}.txt" for i in range(33)]  # more files than the service takes at once (32)
    for p in paths:
        p.write_text("x", encoding="utf-8")
    r = httpx.post(server.url + "/v1/crosscheck", timeout=30, files=[("files", (p.name, b"x", "text/plain")) for p in paths])
    err = r.json()["error"]
    assert r.status_code == 413 and err["code"] == "too_many_items", "precondition"
    page.set_input_files("#yoy-files", [str(p) for p in paths])
    page.click("#yoy-button")
    page.wait_for_function("!document.getElementById('yoy-error').hidden")
    assert not page.is_visible("#yoy-result") and page.get_attribute("#yoy-error", "class") == "error"
    assert page.text_content("#yoy-error-code") == "too_many_items" and page.text_content("#yoy-error-message") == err["message"]
    assert page.text_content("#yoy-error-text") == "一次提交的文件太多。"


def test_a_mojibake_upload_is_shown_read_back_with_its_spans_and_cells_mapped(page: Any, server: ServerProcess, tmp_path: Path) -> None:
    # the page showed the mojibake as sent ("æ¹–å—…"): unreadable for the person reviewing it
    text = (CORPUS / "hangzhou_fixture.txt").read_text("utf-8")
    moj = tmp_path / "moj.txt"
    moj.write_text(text.encode("utf-8").decode("latin-1"), "utf-8")
    expected = api(server, files={"file": (moj.name, moj.read_bytes(), "text/plain")})
    assert expected["read_back"]["text"] == text
    page.set_input_files("#report-file", str(moj))
    submit_and_wait(page)
    assert page.text_content("#doc-text") == text and page.is_visible("#read-back-note")
    marks = page.eval_on_selector_all("#doc-text mark", "ms => ms.map(m => [+m.dataset.start, +m.dataset.end, m.textContent])")
    spans = sorted(expected["spans"], key=lambda s: s["start"])
    assert marks == [[s["start"], s["end"], s["read_back_text"]] for s in spans]  # offsets as given, text read back
    table, row, col = "applications", "carried_forward", "total"
    prov = expected["provenance"][table][row][col]
    page.click(f'td[data-table="{table}"][data-row="{row}"][data-col="{col}"]')
    focused = page.eval_on_selector_all("#doc-text mark.focus", "ms => ms.map(m => [+m.dataset.start, +m.dataset.end])")
    assert focused == [[prov["start"], prov["end"]]]
    # the JSON download is the contract's object: no read-back text in it
    with page.expect_download() as info:
        page.click('#downloads button[data-format="json"]')
    saved = tmp_path / "moj.json"
    info.value.save_as(saved)
    assert "read_back" not in json.loads(saved.read_text("utf-8"))
    page.reload()
    page.wait_for_function("document.getElementById('service-version').textContent.length > 0")
    page.fill("#report-text", text)  # a plain report after it: no note, the text as given
    submit_and_wait(page)
    assert page.text_content("#doc-text") == text and not page.is_visible("#read-back-note")


def test_an_old_format_report_shows_why_its_tables_are_not_read(page: Any, server: ServerProcess) -> None:
    # a report older than the 2019 format showed "active_disclosure" … "本报告中没有这张表" (not in this
    # report) under each table, where the report prints its own tables, which fit neither format
    page.fill("#report-text", (Path(__file__).parent / "data" / "old_format" / "report_2017.txt").read_text("utf-8"))
    submit_and_wait(page)
    titles = page.eval_on_selector_all(".table-block h3", "hs => hs.map(h => h.textContent)")
    assert titles == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    absent = page.eval_on_selector_all(".table-block .absent", "ps => ps.map(p => p.textContent)")
    assert len(absent) == 3 and all("2019 年以前格式" in a for a in absent)
