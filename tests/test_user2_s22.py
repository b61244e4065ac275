"""What a user met in session 22, a second pass (after ``test_user_s22``): the reload counter
counted every poll of a damaged ACTIVE version as a new failure; a JSON body of a million keys
was validated on the event loop (every other request waited); the HTML reader parsed a page of
400,000 elements whole before it first looked at the deadline; a JSON ``filename`` sent as a
Windows path kept its folders; the terminal summary printed a line break that is part of a file
name. The HTTP ones against the real server (uvicorn on 127.0.0.1)."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from govreport.service.testing import ServerProcess

CORPUS = Path(__file__).parent / "data" / "corpus"
REPORT = (CORPUS / "seed_000.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with ServerProcess({"GOVREPORT_TAGGER": "rules", "GOVREPORT_RELOAD_POLL_S": "0"}) as s:
        yield s


def failed_reloads(url: str) -> float:
    text = httpx.get(url + "/metrics").text
    m = re.search(r'^govreport_model_reloads_total\{result="failed"\} (\S+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


# ---- the reload counter ------------------------------------------------------------------------


def test_a_damaged_active_version_counts_one_failed_reload_not_one_a_poll(damaged_registry: tuple[Path, str, str]) -> None:
    # the poller retries every tick: ACTIVE naming a damaged version for 2.5 s at 0.2 s counted a
    # dozen failures, an hour 360 at the default 10 s, where one thing had gone wrong
    reg, good, damaged = damaged_registry
    env = {"GOVREPORT_MODELS_DIR": str(reg), "GOVREPORT_RELOAD_POLL_S": "0.2", "GOVREPORT_TAGGER": "auto"}
    with ServerProcess(env) as s:
        assert failed_reloads(s.url) == 0
        (reg / "ACTIVE").write_text(damaged + "\n", "utf-8")
        time.sleep(2.5)  # a dozen ticks
        assert failed_reloads(s.url) == 1
        assert httpx.post(s.url + "/v1/models/reload", timeout=60).status_code == 409
        assert failed_reloads(s.url) == 2  # a person asking counts, the same cause or not
        time.sleep(1)
        assert failed_reloads(s.url) == 2
        (reg / "ACTIVE").write_text("v0042-20260101-deleted\n", "utf-8")  # another cause: counted once more
        time.sleep(1.5)
        assert failed_reloads(s.url) == 3


# ---- a file name sent as a Windows path ------------------------------------------------------------


@pytest.mark.parametrize(
    "sent, kept",
    [("C:\\Users\\li\\报告.txt", "报告.txt"), ("\\\\srv\\share\\r.txt", "r.txt"), ("/tmp/a.txt", "/tmp/a.txt"),
     ("C:y.txt", "C:y.txt"), ("a\\b.txt", "a\\b.txt"), ("C:\\", None), (None, None)],  # fmt: skip
)
def test_client_file_name_drops_the_folders_of_a_windows_path_as_a_multipart_part_s_name(
    sent: str | None, kept: str | None
) -> None:
    from govreport.service.inputs import client_file_name

    assert client_file_name(sent) == kept


@pytest.mark.parametrize("sent, fmt, name", [("..\\..\\a.txt", "csv", "a.csv"), ("x/y\\z.pdf", "md", "z.md"), ("/a/b.txt", "csv", "b.csv")])
def test_a_download_is_named_by_the_base_name_on_either_separator(sent: str, fmt: str, name: str) -> None:
    from govreport.service.downloads import download_name

    assert download_name(sent, fmt) == name


def test_a_windows_path_reads_the_same_as_json_as_a_query_and_as_an_upload(server: ServerProcess) -> None:
    # python-multipart kept y.txt of an upload named C:\x\y.txt; JSON and ?filename= kept the path,
    # and the download was saved as C__x_y.csv
    path = "C:\\x\\y.txt"
    as_json = httpx.post(server.url + "/v1/extract", json={"text": REPORT, "filename": path}, timeout=60).json()
    upload = httpx.post(server.url + "/v1/extract", files={"file": (path, REPORT.encode(), "text/plain")}, timeout=60).json()
    assert as_json["origin"]["filename"] == upload["origin"]["filename"] == "y.txt"
    r = httpx.post(server.url + "/v1/extract", params={"filename": path, "format": "csv"}, content=REPORT.encode(),
                   headers={"Content-Type": "text/plain"}, timeout=60)  # fmt: skip
    assert r.status_code == 200 and r.headers["content-disposition"] == "attachment; filename=\"y.csv\"; filename*=UTF-8''y.csv"
    batch = httpx.post(server.url + "/v1/extract/batch", json={"items": [{"text": REPORT, "filename": path}]}, timeout=60).json()
    assert batch["items"][0]["filename"] == "y.txt"


# ---- a file name that holds a line break, on the terminal ----------------------------------------------


def test_printable_line_writes_a_line_break_and_escapes_and_keeps_the_rest() -> None:
    from govreport.extraction.export import printable_line

    assert printable_line("a\nb\x1b[2J\tc\r报告") == "a\\x0ab\\x1b[2J\tc\\x0d报告"


def test_the_batch_summary_lists_a_failure_named_with_a_line_break_on_one_line(tmp_path: Path) -> None:
    # "  bad" and "name.txt: [not_a_report] …" were two lines, naming files that are not there; a
    # name's ESC [2J cleared the screen (click strips ANSI only when stdout is not a terminal)
    from govreport.service.batch import format_summary, run_batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "bad\nname.txt").write_text("x", "utf-8")
    (src / "c\x1b[2Jd.txt").write_bytes(b"hello\x1b[31m")
    (src / "ok\n.txt").write_text(REPORT, "utf-8")
    text = format_summary(run_batch([str(src)], tmp_path / "out", tagger="rules", workers=1))
    assert "\x1b" not in text
    failures = [line for line in text.splitlines() if line.startswith("  ")]
    assert failures[0].startswith("  bad\\x0aname.txt: [not_a_report]"), text
    assert failures[1].startswith("  c\\x1b[2Jd.txt: [binary] c\\x1b[2Jd.txt is full"), text
    assert len(failures) == 2, text


def test_extract_says_a_failure_and_a_summary_of_a_name_with_a_line_break_on_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govreport.service.cli import main

    (tmp_path / "bad\nname.txt").write_text("x", "utf-8")
    (tmp_path / "ok\n.txt").write_text(REPORT, "utf-8")
    r = CliRunner().invoke(main, ["extract", str(tmp_path / "bad\nname.txt"), str(tmp_path / "ok\n.txt"), "--summary",
                                  "--tagger", "rules", "-o", str(tmp_path / "out")])  # fmt: skip
    lines = r.output.splitlines()
    assert any(line.startswith("error: ") and line.endswith("NotAReport: this does not look like a 政府信息公开工作年度报告: "
                                                              "no section headings, table labels or title were found")
               and "bad\\x0aname.txt" in line for line in lines), r.output  # fmt: skip
    assert any(line.endswith("ok\\x0a.txt]") for line in lines), r.output


# ---- a JSON body of a million keys, refused before it is validated ----------------------------------


def _values_outside_strings(obj: object) -> int:
    """The reference count: ``{ [ , :`` of ``obj`` written as JSON with every string emptied."""
    import json

    def empty(o: object) -> object:
        if isinstance(o, str):
            return ""
        if isinstance(o, list):
            return [empty(x) for x in o]
        if isinstance(o, dict):
            return {f"{i}": empty(v) for i, v in enumerate(o.values())}  # keys emptied to digits, no tokens
        return o

    text = json.dumps(empty(obj))
    return sum(text.count(t) for t in "{[,:")


@pytest.mark.parametrize(
    "obj",
    [{"text": "a, b: {c} [d]" * 50, "filename": "x.txt"},
     {"text": 'quote " and \\ backslash \\" and \\\\" , : ' * 40},
     {"items": [{"text": "t,:" * 30, "filename": f"{i}.txt"} for i in range(30)]},
     {f"k{i}": [1, 2, {"a": "\\\\"}] for i in range(40)},
     [1] * 300, {"text": "报告：一，二" * 100}],  # fmt: skip
    ids=["punctuation-in-text", "escapes", "batch", "keys-and-arrays", "array", "full-width"],
)
def test_structure_exceeds_counts_what_is_outside_strings(obj: object) -> None:
    import json

    from govreport.service.jsonshape import structure_exceeds

    n = _values_outside_strings(obj)
    for text in (json.dumps(obj), json.dumps(obj, ensure_ascii=False, indent=1)):
        body = text.encode("utf-8")
        assert not structure_exceeds(body, n) and structure_exceeds(body, n - 1), (n, text[:200])


def test_structure_exceeds_on_a_body_that_is_no_json_leaves_it_to_the_parser() -> None:
    from govreport.service.jsonshape import structure_exceeds

    assert not structure_exceeds(b'{"text": "never closed, : , : , :' + b", :" * 100, 10)
    assert structure_exceeds(b"[" + b"1," * 100 + b"1]", 10)


def test_a_json_body_of_millions_of_keys_does_not_hold_the_other_requests(server: ServerProcess) -> None:
    # 25 MB (under the 32 MiB limit) of two million unknown keys: pydantic validated it on the event
    # loop, holding the GIL, and /healthz waited ~2.4 s; counted and refused before validation now
    import threading

    body = ("{" + ",".join(f'"k{i}":1' for i in range(2_000_000)) + ',"text":"abc"}').encode()
    answer: dict[str, httpx.Response] = {}

    def send() -> None:
        answer["r"] = httpx.post(server.url + "/v1/extract", content=body, headers={"Content-Type": "application/json"}, timeout=120)

    waits = []
    t = threading.Thread(target=send)
    t.start()
    while t.is_alive():
        t0 = time.monotonic()
        httpx.get(server.url + "/healthz", timeout=60)
        waits.append(time.monotonic() - t0)
    t.join()
    assert max(waits) < 1.0, waits
    r = answer["r"]
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    message = r.json()["error"]["message"]
    assert "holds more than 1008 keys and values" in message and '{"text", "filename"}' in message


def test_a_batch_of_a_few_hundred_items_is_refused_before_it_is_validated(server: ServerProcess) -> None:
    items = {"items": [{"text": "x", "filename": f"{i}.txt"} for i in range(300)]}
    r = httpx.post(server.url + "/v1/extract/batch", json=items, timeout=60)
    assert r.status_code == 422 and "at most 32 items" in r.json()["error"]["message"], r.text
    r = httpx.post(server.url + "/v1/extract/batch", json={"items": items["items"][:40]}, timeout=60)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_many_items"  # counted as before


def test_a_body_of_many_ascii_commas_in_its_text_is_still_read(server: ServerProcess) -> None:
    # the count is of what is outside strings: a report whose text has 3,000 ASCII commas and
    # colons (numbers written 1,234; times 10:30) is no body of many values
    text = REPORT + "\n附注：" + "1,234 10:30 " * 1500
    r = httpx.post(server.url + "/v1/extract", json={"text": text, "filename": "a.txt"}, timeout=60)
    assert r.status_code == 200, r.text[:300]


# ---- the HTML reader's deadline, during the parse ------------------------------------------------------


@pytest.mark.parametrize("unit", ["<div><i></i></div>", "<tr><td>1</td><td>2</td></tr>"], ids=["children-of-body", "table-rows"])
def test_the_html_reader_stops_near_the_deadline_not_after_parsing_the_page(unit: str) -> None:
    # 400,000 elements: the page was parsed whole (~0.5 s), then the 400,000 children of <body>
    # were listed in one step (~1.7 s) before the deadline was first looked at
    from govreport.extraction.ingest_html import flatten_html
    from govreport.extraction.limits import DeadlinePassed, deadline_scope

    page = "<html><body><table>" + unit * 400_000 + "</table></body></html>"
    t0 = time.monotonic()
    with deadline_scope(t0 + 0.2), pytest.raises(DeadlinePassed, match="reading the HTML"):
        flatten_html(page)
    assert time.monotonic() - t0 < 0.6


def test_the_html_parsed_in_pieces_under_a_deadline_is_the_page_parsed_at_once() -> None:
    from lxml import etree

    from govreport.extraction import ingest_html
    from govreport.extraction.limits import deadline_scope

    page = ("<html><head><title>报告</title></head><body>" + "<p>一、总体情况<b>表</b></p><table><tr><td>1</td></tr></table>" * 20_000
            + "</body></html>").encode()  # fmt: skip
    assert len(page) > 4 * ingest_html._FEED_BYTES  # fed in pieces, multi-byte characters cut between them
    whole = ingest_html._parse(page)
    with deadline_scope(time.monotonic() + 600):
        pieces = ingest_html._parse(page)
        text = ingest_html.flatten_html(page.decode("utf-8"))
    assert whole is not None and pieces is not None and etree.tostring(whole) == etree.tostring(pieces)
    assert text == ingest_html.flatten_html(page.decode("utf-8"))
    for empty in ("", "  \n", "<!-- only a comment -->" + " " * ingest_html._FEED_BYTES):
        with deadline_scope(time.monotonic() + 600):
            assert ingest_html._parse(empty.encode()) is None and ingest_html.flatten_html(empty) == ""


# ---- the batch console and the year-on-year identities ----------------------------------------------


def test_the_batch_summary_says_what_the_year_on_year_identities_found() -> None:
    # the run compared each body's consecutive reports and the console said nothing of it: a
    # failing carry-over was seen only in summary.json / crosscheck.jsonl
    from govreport.service.batch import format_summary

    summary = {
        "out_dir": "OUT", "counts": {"reports": 4, "ok": 4, "failed": 0, "arithmetic_failed": 0},
        "failures_by_code": {}, "failures": [], "arithmetic_failures": [],
        "year_on_year": [
            {"organ": "平潭综合实验区", "years": [2022, 2023], "pass": 6, "fail": 2, "not_assessable": 1,
             "failed_rules": ["year_on_year.applications.carry[natural_person]", "year_on_year.applications.carry[total]"]},
            {"organ": "西工区\n退役军人事务局", "years": [2020, 2021], "pass": 9, "fail": 0, "not_assessable": 0, "failed_rules": []},
            {"organ": "测试市", "years": [2025], "pass": 0, "fail": 0, "not_assessable": 1, "failed_rules": []},
        ],
    }  # fmt: skip
    lines = format_summary(summary).splitlines()
    assert lines[1:] == [
        "year on year (docs/checks.md; each identity in crosscheck.jsonl): 2 pair(s) of one body's consecutive "
        "reports, 15 identities hold, 2 fail, 1 not assessable",
        "  平潭综合实验区 2022→2023: fails applications.carry[natural_person], applications.carry[total]",
        "  not compared, more than one report of the body for the year: 测试市 2025",
    ]
    assert format_summary({**summary, "year_on_year": []}).splitlines()[1:] == []  # no body with two years: no line
    assert format_summary({**summary, "year_on_year": summary["year_on_year"][2:]}).splitlines()[1:] == [
        "year on year (docs/checks.md): no body has reports of two consecutive years to compare",
        "  not compared, more than one report of the body for the year: 测试市 2025",
    ]


def test_a_batch_stopped_by_ctrl_c_says_what_is_kept_and_goes_on_when_run_again(tmp_path: Path) -> None:
    # click said "Aborted!" (exit 1): nothing of the records kept, nor that the same command resumes
    import os
    import signal
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"r{i:02d}.txt").write_text(REPORT + f"\n附：第{i}份\n", "utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "govreport", "batch", str(src), "-o", str(out), "-j", "1", "--tagger", "rules", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = out / "results.jsonl"
    t0 = time.monotonic()
    while (not results.exists() or b"\n" not in results.read_bytes()) and time.monotonic() - t0 < 60:  # a whole record
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert re.search(r"interrupted: the reports done so far are kept in .*results\.jsonl; .* run the same command again", err)
    assert "Traceback" not in err, err[-2000:]
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    m = re.search(r"40 inputs, (\d+) already done", again.stdout)
    assert again.returncode == 0 and m is not None and 0 < int(m.group(1)) < 40, again.stdout + again.stderr


# ---- batch --engine ray --address where nothing listens -------------------------------------------------


@pytest.mark.parametrize(
    "address, expected",
    [("127.0.0.1:6379", ("127.0.0.1", 6379)), ("ray://head.local:10001", ("head.local", 10001)),
     ("[::1]:6380", ("::1", 6380)), ("auto", None), ("LOCAL", None), ("head", None), ("head:abc", None)],  # fmt: skip
)
def test_a_ray_address_s_host_and_port(address: str, expected: tuple[str, int] | None) -> None:
    from govreport.service.rayaddress import host_port

    assert host_port(address) == expected


def test_check_reachable_tells_a_listening_port_from_a_closed_one() -> None:
    import socket

    from govreport.service.rayaddress import RayUnreachable, check_reachable

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        check_reachable(f"127.0.0.1:{port}")
        check_reachable(f"ray://127.0.0.1:{port}")
    with pytest.raises(RayUnreachable, match=f"--address 127.0.0.1:{port} .*ray start --head --port {port}"):
        check_reachable(f"127.0.0.1:{port}")
    check_reachable(None)
    check_reachable("auto")


def test_batch_on_a_ray_address_where_nothing_listens_stops_at_once_without_making_out(tmp_path: Path) -> None:
    # Ray retried without end, a warning every few seconds, after OUT was made
    import subprocess
    import sys

    pytest.importorskip("ray")
    from govreport.service.testing import free_port

    port = free_port()
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "govreport", "batch", str(CORPUS / "seed_000.txt"), "-o", str(out),
                        "--engine", "ray", "--address", f"127.0.0.1:{port}", "--no-progress"],
                       capture_output=True, text=True, timeout=90)  # fmt: skip
    assert r.returncode == 1 and f"cannot reach a Ray cluster at --address 127.0.0.1:{port}" in r.stderr, r.stderr[-2000:]
    assert not out.exists()


@pytest.mark.parametrize("fmt, said", [("json", "the reports done so far are written in"), ("jsonl", "interrupted: nothing written")])
def test_extract_stopped_by_ctrl_c_says_what_it_wrote(tmp_path: Path, fmt: str, said: str) -> None:
    # click said "Aborted!" (exit 1): a jsonl run had written nothing, and nothing said so
    import os
    import signal
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    for i in range(200):
        (src / f"r{i:03d}.txt").write_text(REPORT + f"\n附：第{i}份\n", "utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "govreport", "extract", str(src), "-o", str(out), "--format", fmt,
                             "--tagger", "rules", "--summary"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    proc.stdout.readline()  # the first report's summary: one report is done
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and said in err and "Traceback" not in err, err[-2000:]
    assert (out / "results.jsonl").exists() is False if fmt == "jsonl" else any(out.glob("*.json"))
