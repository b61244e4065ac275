"""Batch under an unlucky user (issue 19): two runs on one OUT, manifest and results that disagree,
--retry-failed on a damaged OUT, a killed driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from govreport.service.batch import OutputForeign, OutputLocked, OutputUnwritable, ResultStore, iter_records, output_lock, run_batch
from govreport.service.cli import main
from govreport.training.synth import generate
from tests.hostile import unwritable_dir


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reports")
    for r in generate(8, 31):
        (d / f"{r.id}.txt").write_text(r.text, encoding="utf-8")
    (d / "weather.txt").write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")  # fails: not_a_report
    return d


def _shas(out: Path) -> list[str]:
    return [r["sha256"] for r in iter_records(out)]


def test_a_second_run_on_the_same_out_is_refused(reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputLocked, match="in use by another govreport batch"):
            run_batch(reports, out, tagger="rules", workers=1)
        result = CliRunner().invoke(main, ["batch", str(reports), "-o", str(out), "--tagger", "rules", "--no-progress"])
        assert result.exit_code == 1 and "in use by another govreport batch" in result.output
        assert "Traceback" not in result.output
    assert not (out / "results.jsonl").exists()  # the refused runs wrote nothing
    run_batch(reports, out, tagger="rules", workers=1)  # the lock is gone with its holder
    assert len(_shas(out)) == 9


def test_an_out_holding_extracts_results_is_refused_and_its_records_kept(reports: Path, tmp_path: Path) -> None:
    # batch read extract's results.jsonl as its own, dropped every record (no sha256/status) and
    # rewrote the file without them: extract's output was lost with only a log warning
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["extract", str(reports), "-o", str(out), "--format", "jsonl", "--tagger", "rules"])
    assert "8 of 9 reports extracted" in first.output, first.output  # the fixture holds one non-report
    before = (out / "results.jsonl").read_bytes()
    assert before.strip()
    with pytest.raises(OutputForeign, match="no govreport batch run wrote"):
        run_batch(reports, out, tagger="rules", workers=1)
    result = CliRunner().invoke(main, ["batch", str(reports), "-o", str(out), "--tagger", "rules", "--no-progress"])
    assert result.exit_code == 2 and "no govreport batch run wrote" in result.output, result.output
    assert (out / "results.jsonl").read_bytes() == before
    assert not (out / ".batch.lock").exists()


def test_an_out_that_cannot_be_written_is_refused_before_any_input_is_read(reports: Path, tmp_path: Path) -> None:
    # a read-only OUT ended in an OSError traceback from the lock file's os.open
    out = unwritable_dir(tmp_path)
    with pytest.raises(OutputUnwritable, match="cannot write to -o"):
        run_batch(reports, out, tagger="rules", workers=1)
    for target in (out, out / "sub"):
        result = CliRunner().invoke(main, ["batch", str(reports), "-o", str(target), "--tagger", "rules", "--no-progress"])
        assert result.exit_code == 2 and f"cannot write to -o {target}" in result.output, result.output
        assert not isinstance(result.exception, OSError)


def test_results_and_manifest_cannot_disagree(reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(reports, out, tagger="rules", workers=1)
    path = out / "results.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    # what two unlocked runs left behind: records twice, a line cut in the middle, and the first
    # three records lost, while the manifest still counts all of them
    damaged = lines[3:] + lines[3:5] + [lines[5][:40] + b"\n"] + lines[6:]
    path.write_bytes(b"".join(damaged))
    store = ResultStore(out).open()
    shas = _shas(out)
    assert sorted(store.done) == sorted(set(shas)) and len(shas) == len(set(shas)) == 6
    store.close()
    summary = run_batch(reports, out, tagger="rules", workers=1)  # resume: the three lost are redone
    assert summary["run"]["processed"] == 3
    shas = _shas(out)
    assert len(shas) == len(set(shas)) == 9
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert set(manifest["done"]) == set(shas) and manifest["committed_bytes"] == path.stat().st_size


def test_retry_failed_is_safe_on_a_damaged_out(reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(reports, out, tagger="rules", workers=1)
    path = out / "results.jsonl"
    path.write_bytes(b"not json at all\n" + path.read_bytes() + b'{"sha256": 7}\n{"torn')
    summary = run_batch(reports, out, tagger="rules", workers=1, retry_failed=True)
    assert summary["run"]["retried_failed"] == 1 and summary["counts"]["reports"] == 9
    recs = list(iter_records(out))
    assert len(recs) == 9 and sum(r["status"] == "failed" for r in recs) == 1


def test_workers_die_with_their_driver(reports: Path, tmp_path: Path) -> None:
    """kill -9 of the driver: its pool's worker processes exit within seconds (they held ~870 MB each)."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from govreport.service.batch import InputFile, iter_local, file_sha256
        from pathlib import Path
        files = sorted(Path({str(reports)!r}).glob("*.txt"))
        todo = [InputFile(str(p), p.name, file_sha256(p)) for p in files]
        it = iter_local(todo, "rules", None, 2)
        next(it)
        print("running", flush=True)
        time.sleep(120)
        """
    )
    driver = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=os.environ.copy())
    try:
        assert driver.stdout is not None and driver.stdout.readline().strip() == b"running"
        family = psutil.Process(driver.pid).children(recursive=True)
        assert len(family) >= 3  # the fork server and two workers (plus the resource tracker)
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        gone, alive = psutil.wait_procs(family, timeout=10)
        assert not alive, f"still running after the driver died: {[p.pid for p in alive]}"
    finally:
        if driver.poll() is None:
            driver.kill()


def test_extract_does_not_write_into_a_batch_output_folder(reports: Path, tmp_path: Path) -> None:
    # extract --format jsonl -o OUT replaced the batch's results.jsonl: a batch running there
    # meanwhile appended to a file no longer there, summarised extract's records and died with
    # KeyError: 'status'; afterwards it dropped extract's records as unreadable
    out = tmp_path / "out"
    run_batch(reports, out, tagger="rules", workers=1)
    before = (out / "results.jsonl").read_bytes()
    for fmt in ("jsonl", "json"):
        result = CliRunner().invoke(main, ["extract", str(reports), "-o", str(out), "--format", fmt, "--tagger", "rules"])
        assert result.exit_code == 2 and "holds the output of a govreport batch run" in result.output, result.output
    assert (out / "results.jsonl").read_bytes() == before and not list(out.glob("synth-*"))
    result = CliRunner().invoke(main, ["extract", str(reports), "-o", str(tmp_path / "elsewhere"), "--tagger", "rules"])
    assert result.exit_code == 1 and len(list((tmp_path / "elsewhere").glob("*.json"))) == 8  # weather.txt fails


def test_extract_stops_when_a_batch_starts_in_its_folder_meanwhile(reports: Path, tmp_path: Path, monkeypatch) -> None:
    from govreport.service import cmd_extract

    out = tmp_path / "out"
    seen: list[Path] = []
    real = cmd_extract._extract_one

    def then_a_batch_starts(extractor, path):  # type: ignore[no-untyped-def]
        seen.append(path)
        if len(seen) == 2:
            with output_lock(out):  # a batch run takes OUT as the second report is read
                pass
        return real(extractor, path)

    monkeypatch.setattr(cmd_extract, "_extract_one", then_a_batch_starts)
    files = sorted(reports.glob("synth-*.txt"))[:3]
    result = CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(out), "--tagger", "rules"])
    assert result.exit_code == 1 and "a batch run started there during this one" in result.output, result.output
    assert [p.name for p in out.glob("*.json")] == [files[0].with_suffix(".json").name]  # the first is kept


def test_batch_cells_csv_writes_a_formula_like_title_as_text(tmp_path: Path) -> None:
    import csv

    report = (Path(__file__).parent / "data" / "corpus" / "seed_000.txt").read_text("utf-8")
    title = next(line for line in report.splitlines() if "年度报告" in line)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "r.txt").write_text(report.replace(title, "# =1+2局 2020年政府信息公开工作年度报告", 1), "utf-8")
    run_batch(inputs, tmp_path / "out", tagger="rules", workers=1)
    with open(tmp_path / "out" / "cells.csv", encoding="utf-8-sig", newline="") as f:
        organs = {row["organ"] for row in csv.DictReader(f)}
    assert organs == {"'=1+2局"}


def test_batch_workers_zero_is_one_per_core_and_a_negative_count_is_a_usage_error(reports: Path, tmp_path: Path) -> None:
    # -j 0 ran in this process alone while the summary said "workers: one per CPU"; -j -1 ran
    # and said "workers: -1"
    from govreport.service.batch import resolve_workers

    assert resolve_workers("local", 0, 3) == (os.cpu_count() or 1) and resolve_workers("ray", 0, 3) == 0
    assert resolve_workers("local", 1, 3) == 1
    result = CliRunner().invoke(main, ["batch", str(reports), "-o", str(tmp_path / "out"), "-j", "-1", "--tagger", "rules"])
    assert result.exit_code == 2 and "-1 is not in the range x>=0" in result.output, result.output
    assert not (tmp_path / "out").exists()
