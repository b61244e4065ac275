"""The ``govreport`` CLI, run as a real subprocess where the exit status matters."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govreport.service.cli import COMMANDS, main

from tests.hostile import unwritable_dir

CORPUS = Path(__file__).parent / "data" / "corpus"
GOVREPORT = [sys.executable, "-m", "govreport.service.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*GOVREPORT, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_help_lists_every_subcommand():
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0
    for name in COMMANDS:
        assert name in r.output


def test_python_dash_m_govreport_is_the_command():
    # a venv whose scripts are not on PATH, or a checkout run with PYTHONPATH, has `python -m govreport`
    r = subprocess.run([sys.executable, "-m", "govreport", "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: govreport ") and all(name in r.stdout for name in COMMANDS)


def test_extract_writes_one_json_per_input(tmp_path):
    out = tmp_path / "out"
    r = run("extract", str(CORPUS / "seed_000.txt"), str(CORPUS / "hangzhou_fixture.html"), "-o", str(out), "--tagger", "rules")
    assert r.returncode == 0, r.stderr
    a = json.loads((out / "seed_000.json").read_text("utf-8"))
    b = json.loads((out / "hangzhou_fixture.json").read_text("utf-8"))
    assert a["template"] == "2019" and a["tables"]["active_disclosure"]["centralized_procurement"]["amount"] == 966.0898
    assert b["template"] == "2021" and b["tables"]["review_litigation"]["administrative_review"]["total"] == 790


def test_extract_continues_past_bad_files_and_fails_at_the_end(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS / "seed_001.txt", inputs / "good.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "notes.txt").write_text("今天天气很好。我们去公园散步。", encoding="utf-8")
    out = tmp_path / "out"
    r = run("extract", str(inputs), "-o", str(out), "--tagger", "rules")
    assert r.returncode == 1
    assert (out / "good.json").exists()
    assert not (out / "empty.json").exists() and not (out / "notes.json").exists()
    assert "empty.txt" in r.stderr and "notes.txt" in r.stderr
    assert "NotAReport" in r.stderr and "EmptyInput" in r.stderr


def test_extract_to_stdout_as_json_lines_and_csv(tmp_path):
    r = run("extract", str(CORPUS / "seed_000.txt"), str(CORPUS / "seed_001.txt"), "-o", "-", "--tagger", "rules")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [Path(d["source"]).name for d in lines] == ["seed_000.txt", "seed_001.txt"]
    r2 = run("extract", str(CORPUS / "seed_001.txt"), "-o", "-", "--format", "csv", "--tagger", "rules")
    rows = list(csv.DictReader(io.StringIO(r2.stdout)))
    granted = [x for x in rows if x["table"] == "applications" and x["row"] == "granted"]
    assert {x["col"]: x["value"] for x in granted} == {
        "natural_person": "", "commercial_enterprise": "", "research_institution": "",
        "social_welfare_org": "", "legal_service_org": "", "other_org": "", "total": "0",
    }


def test_extract_jsonl_file_and_spans(tmp_path):
    r = run("extract", str(CORPUS / "seed_004.txt"), "-o", str(tmp_path), "--format", "jsonl", "--with-spans", "--tagger", "rules")
    assert r.returncode == 0, r.stderr
    (d,) = [json.loads(x) for x in (tmp_path / "results.jsonl").read_text("utf-8").splitlines()]
    text = (CORPUS / "seed_004.txt").read_text("utf-8")
    assert d["spans"] and all(text[s["start"] : s["end"]] == s["text"] for s in d["spans"])


def test_eval_prints_scores_per_report_and_overall():
    r = run("eval", "--gold", str(CORPUS), "--tagger", "rules", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    sources = {json.loads(g.read_text("utf-8"))["source"] for g in CORPUS.glob("*.gold.json")}
    assert {x["report"] for x in d["reports"]} == sources >= {"seed_000.txt", "hangzhou_fixture.txt", "pingtan2022_crawl.txt"}
    assert d["overall"]["cell_accuracy"] == 1.0 and d["overall"]["section_accuracy"] == 1.0
    r2 = run("eval", "--gold", str(CORPUS), "--inputs", str(CORPUS), "--detail", "--tagger", "rules")
    assert "OVERALL" in r2.stdout and "100.00%" in r2.stdout


def test_eval_detail_lists_wrong_cells(tmp_path):
    gold = json.loads((CORPUS / "seed_000.gold.json").read_text("utf-8"))
    gold["tables"]["active_disclosure"]["regulations"]["new_made"] = 7
    (tmp_path / "seed_000.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    shutil.copy(CORPUS / "seed_000.txt", tmp_path)
    r = run("eval", "--gold", str(tmp_path), "--detail", "--tagger", "rules")
    assert "active_disclosure.regulations.new_made: predicted 0, gold 7" in r.stdout


def test_eval_finds_the_input_by_any_supported_suffix_and_fails_on_a_missing_one(tmp_path):
    # hangzhou_fixture has an .html twin: gold names the .txt, only the .html is there
    shutil.copy(CORPUS / "hangzhou_fixture.gold.json", tmp_path)
    shutil.copy(CORPUS / "hangzhou_fixture.html", tmp_path)
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    # listed by the file read (it was listed as the .txt, which eval never read)
    assert [x["report"] for x in d["reports"]] == ["hangzhou_fixture.html"] and d["failed"] == []
    assert d["reports"][0]["cells"] > 0 and d["reports"][0]["template_ok"]
    # a second gold file with no input at all: an error and exit 1, never a 0 % row
    gold = json.loads((CORPUS / "seed_000.gold.json").read_text("utf-8"))
    (tmp_path / "seed_000.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules", "--json")
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert [x["report"] for x in d["reports"]] == ["hangzhou_fixture.html"]
    assert [x["report"] for x in d["failed"]] == [gold["source"]] and "no input" in d["failed"][0]["error"]
    assert "seed_000" in r.stderr
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules")
    assert r.returncode == 1 and "seed_000" not in r.stdout.split("OVERALL")[0]
    assert "1 gold report(s) not scored" in r.stdout



def test_eval_reports_a_broken_gold_file_and_scores_the_rest(tmp_path):
    # a gold file cut off mid-write, one in GBK, one not an object: each an error line and exit 1,
    # the good one still scored (a broken gold file ended eval with a traceback)
    shutil.copy(CORPUS / "seed_000.gold.json", tmp_path)
    shutil.copy(CORPUS / "seed_000.txt", tmp_path)
    (tmp_path / "cut.gold.json").write_text('{"tables": {', encoding="utf-8")
    (tmp_path / "gbk.gold.json").write_bytes('{"source": "汉字.txt"}'.encode("gbk"))
    (tmp_path / "list.gold.json").write_text("[1, 2]", encoding="utf-8")
    # not the contract's shape though an object: each was scored (format WRONG, or a year never compared)
    for name, bad in (("template", {"template": 2019}), ("year", {"year": "2020"}), ("sections", {"sections": [3, 9]})):
        (tmp_path / f"{name}.gold.json").write_text(json.dumps({"source": "seed_000.txt", **bad}), encoding="utf-8")
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules", "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    d = json.loads(r.stdout)
    assert [x["report"] for x in d["reports"]] == ["seed_000.txt"]
    assert sorted(x["report"] for x in d["failed"]) == ["cut.gold.json", "gbk.gold.json", "list.gold.json",
                                                         "sections.gold.json", "template.gold.json", "year.gold.json"]
    assert all("not a gold file" in x["error"] for x in d["failed"])


def test_eval_with_nothing_to_score_says_so_and_fails(tmp_path):
    # no gold file: no "OVERALL 100%" and exit 0; no readable input: no overall scores either
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules")
    assert r.returncode == 1 and "nothing to score" in r.stderr and "100" not in r.stdout
    shutil.copy(CORPUS / "seed_000.gold.json", tmp_path)
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["overall"] is None
    r = run("eval", "--gold", str(tmp_path), "--tagger", "rules")
    assert "no report could be scored" in r.stdout and "%" not in r.stdout.split("OVERALL")[1]


def test_extract_searches_a_folder_as_batch_does(tmp_path):
    # extract walked its own list (.txt .html .htm .docx .pdf): a folder of .doc files was "no report
    # files found" with no advice, a .xhtml page was skipped, and a hidden folder's copy was read
    inputs = tmp_path / "in"
    (inputs / ".old").mkdir(parents=True)
    shutil.copy(CORPUS / "seed_000.txt", inputs / ".old" / "copy.txt")
    shutil.copy(CORPUS / "hangzhou_fixture.html", inputs / "page.xhtml")
    (inputs / "legacy.doc").write_bytes(b"x")
    out = tmp_path / "out"
    r = run("extract", str(inputs), "-o", str(out), "--tagger", "rules")
    assert r.returncode == 1 and "legacy.doc" in r.stderr and "save it as .docx" in r.stderr, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["page.json"]
    (inputs / "page.xhtml").unlink()
    r = run("extract", str(inputs), "--tagger", "rules")  # only a .doc left: its advice, not "no report files"
    assert r.returncode == 1 and "save it as .docx" in r.stderr and "no report files" not in r.stderr, r.stderr


def test_a_file_name_that_is_not_utf8_is_written_with_escapes_not_a_traceback(tmp_path):
    # a ZIP made on Chinese Windows unpacks on Linux with GBK names (报告 = b1a8 b8e6): extract, batch
    # and the error lines ended in "UnicodeEncodeError: surrogates not allowed" writing the JSON
    inputs = tmp_path / "in"
    inputs.mkdir()
    try:
        shutil.copy(CORPUS / "seed_000.txt", inputs / os.fsdecode(b"gbk\xb1\xa8\xb8\xe6.txt"))
        (inputs / os.fsdecode(b"old\xff.doc")).write_bytes(b"x")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    escaped = "gbk\\xb1\\xa8\\xb8\\xe6.txt"
    for fmt in ("json", "csv"):
        out = tmp_path / f"out-{fmt}"
        r = run("extract", str(inputs), "-o", str(out), "--format", fmt, "--tagger", "rules")
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr  # 1: the .doc
        assert "old\\xff.doc" in r.stderr and "save it as .docx" in r.stderr
        (written,) = out.iterdir()
        text = written.read_text("utf-8-sig")
        if fmt == "csv":
            assert escaped in text
        else:
            d = json.loads(text)
            assert d["source"].endswith(escaped) and d["origin"]["filename"] == escaped
            assert d["tables"]["active_disclosure"]["centralized_procurement"]["amount"] == 966.0898
    r = run("batch", str(inputs), "-o", str(tmp_path / "batch"), "--tagger", "rules", "--no-progress")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    records = [json.loads(line) for line in (tmp_path / "batch" / "results.jsonl").read_text("utf-8").splitlines()]
    assert sorted((rec["source"], rec["status"]) for rec in records) == [(escaped, "ok"), ("old\\xff.doc", "failed")]


@pytest.mark.parametrize(
    "missing, args, extra",
    [
        ("datasets", ["synth", "-n", "1", "-o", "{tmp}/ds"], "govreport[train]"),
        ("label_studio_sdk", ["label", "push", str(CORPUS / "seed_000.txt"), "--project", "p"], "govreport[label]"),
        ("label_studio_sdk", ["label", "pull", "--project", "p"], "govreport[label]"),
    ],
)
def test_a_command_whose_extra_is_not_installed_says_what_to_install(tmp_path, missing, args, extra):
    # the base install (`pip install govreport`) ran synth and label push/pull into a
    # ModuleNotFoundError traceback; train and retrain already named the extra to install
    code = (
        f"import sys; sys.modules[{missing!r}] = None  # as if the extra were not installed\n"
        "from govreport.service.cli import main; main(sys.argv[1:])"
    )
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "LABEL_STUDIO_API_KEY": "k"})  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert missing in r.stderr and extra in r.stderr
    assert not (tmp_path / "ds").exists()


def test_extract_does_not_read_its_own_output_folder_as_input(tmp_path):
    # `extract reports -o reports/out --html` run twice read out/seed_000.html (its own displaCy
    # page) as a report: seed_000.json became that page's result, the report's own went to -2.json
    pytest.importorskip("spacy")
    inputs = tmp_path / "reports"
    inputs.mkdir()
    shutil.copy(CORPUS / "seed_000.txt", inputs / "seed_000.txt")
    out = inputs / "out"
    for _ in range(2):
        r = run("extract", str(inputs), "-o", str(out), "--html", "--tagger", "rules")
        assert r.returncode == 0 and "1 of 1 reports" in r.stderr, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["seed_000.html", "seed_000.json"]
    assert json.loads((out / "seed_000.json").read_text("utf-8"))["source"].endswith("seed_000.txt")
    r = run("extract", str(inputs), "-o", str(inputs), "--tagger", "rules")  # -o the input folder: still read
    assert r.returncode == 0 and (inputs / "seed_000.json").exists(), r.stderr


def test_extract_to_an_output_path_that_is_a_file_is_a_usage_error_before_any_work(tmp_path):
    # -o naming a file (or a path under one) ended in a FileExistsError traceback after the extraction
    (tmp_path / "out").write_text("keep me", encoding="utf-8")
    for out in (tmp_path / "out", tmp_path / "out" / "sub"):
        r = run("extract", str(CORPUS / "seed_000.txt"), "-o", str(out), "--tagger", "rules")
        assert r.returncode == 2 and "Traceback" not in r.stderr and str(out) in r.stderr
    assert (tmp_path / "out").read_text(encoding="utf-8") == "keep me"

def test_extract_to_an_existing_folder_it_cannot_write_is_a_usage_error_before_any_work(tmp_path):
    # a read-only -o folder passed the check (it exists) and the run ended in a traceback from
    # tempfile.mkstemp once the first report had been extracted
    out = unwritable_dir(tmp_path)
    for fmt in ("json", "jsonl"):
        r = run("extract", str(CORPUS / "seed_000.txt"), "-o", str(out), "--format", fmt, "--tagger", "rules")
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert f"cannot write to -o {out}" in r.stderr


def test_extract_goes_on_past_a_report_it_cannot_write_and_fails_at_the_end(tmp_path, monkeypatch):
    # a disk filling up mid-run: the report whose file cannot be written is a failure, the next
    # one is still written, and the exit status says so (it was a traceback that lost the rest)
    import errno

    from govreport.service import cmd_extract

    real = cmd_extract.atomic_write

    def full_for_seed_000(path, data):
        if Path(path).name == "seed_000.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(cmd_extract, "atomic_write", full_for_seed_000)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["extract", str(CORPUS / "seed_000.txt"), str(CORPUS / "seed_001.txt"),
                                  "-o", str(out), "--tagger", "rules"])  # fmt: skip
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), (r.output, r.exception)
    assert "seed_000.txt" in r.output and "No space left on device" in r.output
    assert (out / "seed_001.json").exists() and not (out / "seed_000.json").exists()


def test_extract_and_batch_take_the_size_limit_from_the_service_setting(tmp_path):
    from govreport.service.batch_worker import make_extractor
    from govreport.service.options import max_bytes_from_env
    from govreport.service.settings import ServiceSettings

    assert max_bytes_from_env({}) == ServiceSettings.model_fields["max_bytes"].default == 10 * 1024 * 1024
    assert max_bytes_from_env({"GOVREPORT_MAX_BYTES": "100"}) == 100
    with pytest.raises(ValueError, match="GOVREPORT_MAX_BYTES"):
        max_bytes_from_env({"GOVREPORT_MAX_BYTES": "ten"})
    src = CORPUS / "seed_000.txt"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "GOVREPORT_MAX_BYTES": "100"}
    r = subprocess.run([*GOVREPORT, "extract", str(src), "--tagger", "rules"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1 and "100" in r.stderr, r.stderr
    # --max-bytes overrides the variable
    big = str(src.stat().st_size)
    r = subprocess.run([*GOVREPORT, "extract", str(src), "--tagger", "rules", "--max-bytes", big], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*GOVREPORT, "extract", str(src), "--tagger", "rules"], capture_output=True, text=True,
                       env={**env, "GOVREPORT_MAX_BYTES": "-1"}, timeout=300)  # fmt: skip
    assert r.returncode == 2 and "GOVREPORT_MAX_BYTES" in r.stderr
    # batch: the workers' extractor reads the same variable
    out = tmp_path / "b"
    r = subprocess.run([*GOVREPORT, "batch", str(src), "-o", str(out), "--tagger", "rules", "-j", "1"],
                       capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    rec = json.loads((out / "results.jsonl").read_text("utf-8").splitlines()[0])
    assert rec["status"] == "failed" and rec["error"]["code"] == "too_large"
    os.environ.pop("GOVREPORT_MAX_BYTES", None)
    assert make_extractor("rules").max_bytes == 10 * 1024 * 1024


def test_no_progress_bar_off_a_terminal_or_for_a_few_files(tmp_path):
    from govreport.service.options import show_progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert show_progress(50, Tty()) and not show_progress(3, Tty()) and not show_progress(50, io.StringIO())
    for k in range(8):
        shutil.copy(CORPUS / "seed_000.txt", tmp_path / f"r{k}.txt")
    r = run("extract", str(tmp_path), "-o", str(tmp_path / "out"), "--tagger", "rules")
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "report/s" not in r.stderr and "extracted" in r.stderr
    r = run("batch", str(tmp_path), "-o", str(tmp_path / "b"), "--tagger", "rules", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "it/s" not in r.stderr and "report/s" not in r.stderr


def run_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess:
    """``govreport ARGS`` with ``data`` piped into its standard input (bytes out)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*GOVREPORT, *args], input=data, capture_output=True, env=env, timeout=300)


def test_extract_dash_reads_one_report_from_stdin(tmp_path):
    # `pdftotext report.pdf - | govreport extract - -o out/` was "Path '-' does not exist"
    report = CORPUS / "seed_000.txt"
    out = tmp_path / "out"
    r = run_stdin(report.read_text("utf-8").encode("gb18030"), "extract", "-", str(report), "-o", str(out), "--tagger", "rules")
    assert r.returncode == 0, r.stderr.decode()
    piped, named = (json.loads((out / f"{stem}.json").read_text("utf-8")) for stem in ("stdin", "seed_000"))
    assert piped["source"] == "stdin" and piped["origin"]["filename"] == "stdin"
    assert piped["tables"] == named["tables"] and piped["tables"]["applications"] is not None

    html = (CORPUS / "hangzhou_fixture.html").read_bytes()
    r = run_stdin(html, "extract", "-", "--name", "hz.html", "-o", str(out), "--tagger", "rules")
    assert r.returncode == 0, r.stderr.decode()
    got = json.loads((out / "hz.json").read_text("utf-8"))  # the name's stem names the output
    assert got["source"] == "hz.html" and got["origin"]["media_type"] == "text/html"
    assert got["tables"]["review_litigation"]["administrative_review"]["total"] == 790

    r = run_stdin(report.read_bytes(), "extract", "-", "-o", "-", "--format", "csv", "--tagger", "rules")
    assert r.returncode == 0 and r.stdout.decode("utf-8").count("\n") > 100, r.stderr.decode()


def test_extract_dash_holds_stdin_to_the_byte_limit_and_says_what_is_wrong(tmp_path):
    out = tmp_path / "out"
    r = run_stdin(b"x" * 5000, "extract", "-", "-o", str(out), "--max-bytes", "1000", "--tagger", "rules")
    assert r.returncode == 1 and "InputTooLarge: stdin is more than 1000 bytes" in r.stderr.decode()
    assert list(out.iterdir()) == []
    r = run_stdin(b"", "extract", "-", "-o", str(out), "--tagger", "rules")
    assert r.returncode == 1 and "stdin is empty (0 bytes)" in r.stderr.decode()
    for args, why in (
        (["-", "-"], "more than once"),
        (["--name", "x.txt", str(CORPUS / "seed_000.txt")], "give - among the inputs"),
        (["-", "--name", "../x.txt"], "not a plain file name"),
    ):
        r = run_stdin(b"text", "extract", *args, "--tagger", "rules")
        assert r.returncode == 2 and why in r.stderr.decode(), (args, r.stderr.decode())


def test_read_stdin_reads_no_more_than_one_byte_past_the_limit():
    from govreport.extraction.errors import InputTooLarge
    from govreport.service.stdin_input import read_stdin

    class Endless(io.RawIOBase):
        asked: list[int] = []

        def read(self, n: int = -1) -> bytes:  # type: ignore[override]
            self.asked.append(n)
            return b"x" * n

    stream = Endless()
    with pytest.raises(InputTooLarge):
        read_stdin(100, "stdin", stream)  # type: ignore[arg-type]
    assert stream.asked == [101]
    assert read_stdin(100, "stdin", io.BytesIO(b"y" * 100)) == b"y" * 100


def test_extract_dash_with_nothing_piped_in_is_a_usage_error_not_a_wait():
    import pty

    leader, follower = pty.openpty()  # a terminal on stdin: Unix tools would wait for typing
    try:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        r = subprocess.run([*GOVREPORT, "extract", "-", "--tagger", "rules"], stdin=follower, capture_output=True, env=env, timeout=120)
    finally:
        os.close(leader)
        os.close(follower)
    assert r.returncode == 2 and "nothing is piped in" in r.stderr.decode(), r.stderr.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "--format xlsx needs -o DIR: without -o"),
        (["--format", "csv"], "--format csv needs -o DIR (or -o - for stdout)"),
    ],
)
def test_format_without_out_names_only_what_was_given(args: list[str], message: str) -> None:
    # it said "--html and --format need -o DIR" to someone who gave no --html
    r = CliRunner().invoke(main, ["extract", str(CORPUS / "seed_000.txt"), *args, "--tagger", "rules"])
    assert r.exit_code == 2 and message in r.output and "--html" not in r.output.split("Error:")[1], r.output


def test_stdin_name_with_a_control_character_is_no_plain_file_name():
    # --name "$(printf 'a\nb.txt')" wrote OUT/a<newline>b.json: the name becomes the output's file name
    import click

    from govreport.service.stdin_input import check_name

    for name in ("a\nb.txt", "a\tb.txt", "a\x00b.txt", "a\x1bb.txt", "a\x7fb.txt"):
        with pytest.raises(click.BadParameter, match="not a plain file name"):
            check_name(name)
    assert check_name("报告 2020.txt") == "报告 2020.txt"


def test_stdin_name_with_a_leading_dot_is_refused_not_written_hidden(tmp_path):
    # --name .hidden wrote OUT/.hidden.json, a file ls and a later folder search do not show
    import click

    from govreport.service.stdin_input import check_name

    for name, output in ((".hidden", ".hidden.json"), (".txt", ".txt.json"), ("..a.txt", "..a.json")):
        with pytest.raises(click.BadParameter, match="starts with a dot") as e:
            check_name(name)
        assert f"hidden file ({output})" in str(e.value), str(e.value)
    assert check_name("a.b.txt") == "a.b.txt"
    out = tmp_path / "out"
    r = run_stdin(b"text", "extract", "-", "--name", ".hidden", "-o", str(out), "--tagger", "rules")
    assert r.returncode == 2 and "starts with a dot" in r.stderr.decode() and not out.exists()


def test_eval_reads_only_files_in_the_inputs_folder(tmp_path):
    # a gold file's "source" with a folder in it made eval read and score a file outside --inputs
    # ("../outside.txt", an absolute path), or wait forever on "/dev/stdin"
    gold, inputs = tmp_path / "gold", tmp_path / "inputs"
    gold.mkdir()
    inputs.mkdir()
    shutil.copy(CORPUS / "seed_000.txt", tmp_path / "outside.txt")
    shutil.copy(CORPUS / "seed_000.txt", inputs)
    shutil.copy(CORPUS / "seed_000.gold.json", gold)
    body = json.loads((CORPUS / "seed_000.gold.json").read_text("utf-8"))
    for name, source in (("up", "../outside.txt"), ("abs", str(tmp_path / "outside.txt")), ("pipe", "/dev/stdin"),
                         ("win", "..\\outside.txt")):  # fmt: skip
        (gold / f"{name}.gold.json").write_text(json.dumps({**body, "source": source}), encoding="utf-8")
    r = run("eval", "--gold", str(gold), "--inputs", str(inputs), "--tagger", "rules", "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    d = json.loads(r.stdout)
    assert [x["report"] for x in d["reports"]] == ["seed_000.txt"]
    assert sorted(x["report"] for x in d["failed"]) == ["abs.gold.json", "pipe.gold.json", "up.gold.json", "win.gold.json"]
    assert all("not the name of a file in the inputs folder" in x["error"] for x in d["failed"])


def test_train_set_overrides_any_config_field_before_any_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # a smoke run needs routed_docs=0 (otherwise minutes of rendering before the first step, with
    # nothing printed); `train` had flags for a few fields only, `retrain` had --set
    import govreport.training.train as train_module

    seen = {}

    def fake_train(config, registry, **kw):  # type: ignore[no-untyped-def]
        seen["config"] = config
        raise SystemExit(0)

    monkeypatch.setattr(train_module, "train", fake_train)
    runner = CliRunner()
    args = ["train", "--models-dir", str(tmp_path), "--n-synth", "4"]
    r = runner.invoke(main, [*args, "--set", "routed_docs=0", "--set", "n_dev=4", "--set", "train_precision=fp32"])
    assert r.exit_code == 0, r.output
    config = seen["config"]
    assert (config.routed_docs, config.n_dev, config.train_precision, config.n_synth) == (0, 4, "fp32", 4)
    for bad, message in [("nosuch=1", "unknown training config key(s): nosuch"), ("epochs", "--set expects KEY=VALUE"),
                         ("epochs=\"x\"", "'epochs' must be a number")]:  # fmt: skip
        r = runner.invoke(main, [*args, "--set", bad])
        assert r.exit_code == 1 and message in r.output, r.output
