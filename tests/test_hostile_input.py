"""Hostile input (issue 19's probes, scaled to run in CI in seconds): every probe is refused with
a clear error or read completely, within a memory cap, and never stalls other reads.

Each bomb is read in a subprocess whose address space is capped (``RLIMIT_AS``), so a regression
fails the test instead of taking the machine down; the reader processes it starts cap themselves
lower still (``ReadLimits.reader_memory_bytes``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from govreport.extraction.errors import InputError
from govreport.extraction.ingest import load_bytes, load_text
from govreport.extraction.limits import DeadlinePassed, ReadLimits, TextTooLarge, deadline_scope
from tests import hostile

CAP_BYTES = 1536 * 1024 * 1024  # the whole probe process: the service's RSS target
MiB = 1024 * 1024


def probe(tmp_path: Path, data: bytes, filename: str, limits: str = "ReadLimits()") -> dict:
    """Read ``data`` in a capped subprocess (a clean environment); its error code, time, and how much
    reading raised the subprocess's peak RSS (its readers are separate processes with their own cap)."""
    src = tmp_path / "probe.bin"
    src.write_bytes(data)
    code = textwrap.dedent(
        f"""
        import json, resource, time
        resource.setrlimit(resource.RLIMIT_AS, ({CAP_BYTES}, {CAP_BYTES}))
        from govreport.extraction.ingest import load_bytes
        from govreport.extraction.errors import InputError
        from govreport.extraction.limits import ReadLimits
        data = open({str(src)!r}, "rb").read()
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.monotonic()
        try:
            doc = load_bytes(data, {filename!r}, limits={limits})
            out = {{"code": "ok", "chars": len(doc.text), "last": doc.text.rstrip().splitlines()[-1]}}
        except InputError as exc:
            out = {{"code": exc.code, "status": exc.http_status, "message": str(exc)}}
        out["seconds"] = time.monotonic() - t0
        out["rss_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024  # what reading added
        print(json.dumps(out, ensure_ascii=False))
        """
    )
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "PYTHONPATH", "LANG", "TMPDIR")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- DOCX


def test_docx_that_unpacks_past_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    data = hostile.docx_with_paragraphs(300_000)  # ~20 MB of XML from ~80 KB
    out = probe(tmp_path, data, "bomb.docx", "ReadLimits(max_unpacked_bytes=8 * 1024 * 1024)")
    assert out["code"] in ("too_large", "text_too_large") and out["status"] == 413, out
    assert out["rss_mb"] < 300, out


def test_docx_whose_zip_header_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    data = hostile.lie_about_sizes(hostile.docx_with_paragraphs(300_000))
    out = probe(tmp_path, data, "liar.docx")
    assert out["code"] in ("corrupt", "too_large", "text_too_large"), out
    assert out["rss_mb"] < 300, out


def test_docx_with_too_many_characters_stops_at_the_limit(tmp_path: Path) -> None:
    data = hostile.docx_with_paragraphs(40_000)  # 520 k characters
    out = probe(tmp_path, data, "long.docx")
    assert out["code"] == "text_too_large" and out["status"] == 413 and "GOVREPORT_MAX_CHARS" in out["message"]


# ---------------------------------------------------------------- PDF


def test_pdf_naming_one_page_many_times_is_refused_before_reading(tmp_path: Path) -> None:
    out = probe(tmp_path, hostile.pdf_page_repeated(100_000), "pages.pdf")
    assert out["code"] == "text_too_large" and "pages" in out["message"], out
    assert out["seconds"] < 10, out


def test_pdf_page_tree_loop_is_refused(tmp_path: Path) -> None:
    out = probe(tmp_path, hostile.pdf_page_tree_loop(), "loop.pdf")
    assert out["code"] in ("corrupt", "text_too_large", "too_complex"), out


def test_pdf_page_with_too_many_text_runs_is_refused_before_layout(tmp_path: Path) -> None:
    out = probe(tmp_path, hostile.pdf_many_runs(60_000), "runs.pdf")
    assert out["code"] == "text_too_large" and "page 1" in out["message"], out
    assert out["rss_mb"] < 300, out


def test_pdf_flate_bomb_fails_in_its_reader_not_in_the_caller(tmp_path: Path) -> None:
    out = probe(tmp_path, hostile.pdf_flate_bomb(400 * MiB), "bomb.pdf", "ReadLimits(reader_memory_bytes=256 * 1024 * 1024)")
    assert out["code"] in ("too_complex", "text_too_large", "corrupt"), out
    assert out["rss_mb"] < 300, out  # the caller stays small; the reader died at its own cap


def test_a_pdf_reader_past_its_time_limit_is_killed_at_once() -> None:
    slow = hostile.pdf_many_runs(150_000)
    limits = ReadLimits(max_page_chars=10**6, max_chars=10**7, read_timeout_s=0.5)
    t0 = time.monotonic()
    with pytest.raises(DeadlinePassed):
        load_bytes(slow, "slow.pdf", limits=limits)
    assert time.monotonic() - t0 < 2.0
    t0 = time.monotonic()
    with deadline_scope(time.monotonic() + 0.3), pytest.raises(DeadlinePassed):  # the caller's deadline
        load_bytes(slow, "slow.pdf", limits=limits.with_(read_timeout_s=60))
    assert time.monotonic() - t0 < 1.5


def test_one_slow_pdf_does_not_hold_up_the_others() -> None:
    """PDF reading is not serialised: a small PDF is read while a slow one is still being read."""
    slow = hostile.pdf_many_runs(150_000)
    small = hostile.pdf_text_page(["hello world"] * 5)
    load_bytes(small, "warm.pdf")  # a reader process started
    limits = ReadLimits(max_page_chars=10**6, max_chars=10**7, read_timeout_s=20)
    slow_done: list[float] = []

    def read_slow() -> None:
        t0 = time.monotonic()
        try:
            load_bytes(slow, "slow.pdf", limits=limits)
        except InputError:
            pass
        slow_done.append(time.monotonic() - t0)

    t = threading.Thread(target=read_slow)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert "hello world" in load_bytes(small, "small.pdf").text
    small_s = time.monotonic() - t0
    t.join()
    assert slow_done and slow_done[0] > 1.0, "the slow PDF must really be slow for this test to mean anything"
    assert small_s < slow_done[0] / 2, (small_s, slow_done)


# ---------------------------------------------------------------- text and HTML


def test_one_ten_million_character_line_is_refused_at_once() -> None:
    t0 = time.monotonic()
    with pytest.raises(TextTooLarge) as info:
        load_bytes(b"7" * 10_000_000, "line.txt", max_bytes=20 * MiB)
    assert info.value.http_status == 413 and time.monotonic() - t0 < 2.0
    with pytest.raises(TextTooLarge, match="lines"):
        load_text("\n" * 100_000 + "报告")


def test_html_with_a_thousand_unclosed_inline_tags_is_read_completely() -> None:
    doc = load_text(hostile.html_unclosed_inline(1000), "old.html")
    lines = doc.text.splitlines()
    assert lines[-1] == "结尾行" and "第999行 政府信息公开" in lines  # nothing after line 255 is lost
    assert len([ln for ln in lines if ln.startswith("第")]) == 1000


def test_html_nested_too_deep_in_blocks_is_refused_not_truncated() -> None:
    markup = "<html><body>" + "<div>层" * 3000 + "结尾" + "</div>" * 3000 + "</body></html>"
    with pytest.raises(InputError, match="nests its blocks"):
        load_text(markup, "deep.html")


def test_the_cli_reads_the_limits_from_the_environment(tmp_path: Path) -> None:
    from govreport.extraction.limits import limits_from_env

    assert limits_from_env({"GOVREPORT_MAX_CHARS": "10", "GOVREPORT_MAX_UNPACKED_MB": "2"}).max_unpacked_bytes == 2 * MiB
    with pytest.raises(ValueError, match="GOVREPORT_MAX_PAGES"):
        limits_from_env({"GOVREPORT_MAX_PAGES": "many"})
    report = Path(__file__).parent / "data" / "corpus" / "seed_000.txt"
    env = {**os.environ, "GOVREPORT_MAX_CHARS": "100"}
    r = subprocess.run([sys.executable, "-m", "govreport.service.cli", "extract", str(report), "-o", str(tmp_path),
                        "--tagger", "rules"], capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert r.returncode == 1 and "GOVREPORT_MAX_CHARS" in r.stderr and "Traceback" not in r.stderr


def test_a_reader_that_died_while_idle_is_replaced() -> None:
    from govreport.extraction import reader_pool

    load_bytes(hostile.pdf_text_page(["first"]), "a.pdf")
    for r in list(reader_pool._pool._idle):
        r.proc.kill()
        r.proc.wait()
    assert "second" in load_bytes(hostile.pdf_text_page(["second"]), "b.pdf").text


def test_a_reader_process_does_not_import_modules_from_the_working_directory(tmp_path, monkeypatch) -> None:
    # `python -m` put the working directory first on the reader's sys.path: a user's org.py there
    # (the standard library's copy module tries `import org.python.core`) ran in the reader, wrote to
    # its stdout, the result channel, and the read failed with OverflowError instead of the text
    from govreport.extraction import reader_pool

    (tmp_path / "org.py").write_text("print('a user script ' * 100)\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    pool = reader_pool.ReaderPool(1)
    try:
        text = pool.run("pdf", (hostile.pdf_text_page(["fresh"]), "c.pdf"), ReadLimits(), "c.pdf")
    finally:
        pool.close()
    assert "fresh" in str(text)


def test_a_reader_library_that_prints_does_not_corrupt_the_answer(tmp_path, monkeypatch) -> None:
    # The answers travelled on the reader's stdout: anything a library printed there (Python's
    # print or a native write to fd 1, at start-up or during a read) was read as the answer's
    # length header and the read failed. A sitecustomize stands in for such a library: it writes
    # at start-up and at every read (the reader sets its CPU limit per job).
    from govreport.extraction import reader_pool

    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent("""
        import os, sys
        os.write(1, b"native chatter at start-up\\n" * 50)
        def chatter(event, args):
            if event == "resource.setrlimit":
                print("a library says hello " * 50, flush=True)
                os.write(1, b"native chatter during a read\\n" * 50)
        sys.addaudithook(chatter)
    """), "utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    pool = reader_pool.ReaderPool(1)
    try:
        first = pool.run("pdf", (hostile.pdf_text_page(["first"]), "a.pdf"), ReadLimits(), "a.pdf")
        second = pool.run("pdf", (hostile.pdf_text_page(["second"]), "b.pdf"), ReadLimits(), "b.pdf")
    finally:
        pool.close()
    assert "first" in str(first) and "second" in str(second)


@pytest.mark.parametrize("command", ["extract", "batch", "eval"])
@pytest.mark.parametrize("var, raw, said", [("GOVREPORT_MAX_CHARS", "0", "must be positive"),
                                            ("GOVREPORT_READ_TIMEOUT_S", "nan", "is not a finite number")])  # fmt: skip
def test_a_bad_limit_in_the_environment_is_a_usage_error_before_any_work(tmp_path: Path, command: str, var: str,
                                                                           raw: str, said: str) -> None:  # fmt: skip
    # GOVREPORT_MAX_CHARS=0 ended extract in a traceback from the first report read (only
    # GOVREPORT_MAX_BYTES was checked up front); a read time limit of nan was taken
    from govreport.extraction.limits import limits_from_env

    with pytest.raises(ValueError, match="not a finite number"):
        limits_from_env({"GOVREPORT_READ_TIMEOUT_S": "inf"})
    corpus = Path(__file__).parent / "data" / "corpus"
    args = {"extract": ["extract", str(corpus / "seed_000.txt")], "batch": ["batch", str(corpus), "-o", str(tmp_path / "o")],
            "eval": ["eval", "--gold", str(corpus)]}[command]  # fmt: skip
    r = subprocess.run([sys.executable, "-m", "govreport.service.cli", *args, "--tagger", "rules"], capture_output=True,
                       text=True, env={**os.environ, var: raw}, timeout=120)  # fmt: skip
    assert r.returncode == 2 and f"{var}={raw!r} {said}" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()
