"""govreport batch, local engine: outputs, tidy cells, resumability, interruption, the CLI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from govreport.extraction.errors import InputError
from govreport.extraction.pipeline import Extractor
from govreport.service import batch
from govreport.service.batch import (
    CELL_FIELDS,
    ResultStore,
    check_index,
    discover_inputs,
    iter_records,
    record_cells,
    run_batch,
)
from govreport.service.cli import main
from govreport.training.synth import generate

N_REPORTS = 24  # generated: 20 in a/, 4 in b/
FAILING = {"empty.txt": "empty", "weather.txt": "not_a_report", "old_format.doc": "unsupported_format"}
N_DISTINCT = N_REPORTS + len(FAILING)  # one record per distinct content
N_INPUTS = N_DISTINCT + 1  # plus b/copy_of_first.txt


def write_reports(d: Path, n: int, seed: int) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in generate(n, seed):
        p = d / f"{r.id}.txt"
        p.write_text(r.text, encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated reports, one duplicate, one empty file, one non-report, and files a walk must skip."""
    d = tmp_path_factory.mktemp("corpus")
    paths = write_reports(d / "a", N_REPORTS - 4, seed=11)
    write_reports(d / "b", 4, seed=12)
    shutil.copy(paths[0], d / "b" / "copy_of_first.txt")
    (d / "empty.txt").write_bytes(b"")
    (d / "weather.txt").write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")
    (d / "a" / "x.gold.json").write_text("{}", encoding="utf-8")
    (d / "a" / "README.md").write_text("# about this archive", encoding="utf-8")
    (d / "old_format.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    (d / ".hidden").mkdir()
    (d / ".hidden" / "y.txt").write_text("hidden", encoding="utf-8")
    return d


def strip_timings(recs: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "timings_ms"} for r in recs]


def by_sha(out: Path) -> dict[str, dict]:
    return {r["sha256"]: r for r in strip_timings(list(iter_records(out)))}


@pytest.fixture(scope="module")
def full_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("out") / "run"
    summary = run_batch(corpus, out, tagger="rules", workers=1)
    return out, summary


def test_discover_walks_report_files_only(corpus: Path) -> None:
    found = discover_inputs(corpus)
    sources = [s for _, s in found]
    assert sources == sorted(sources)
    assert "b/copy_of_first.txt" in sources and "empty.txt" in sources
    assert not any(s.endswith(".json") or s.startswith(".hidden") for s in sources)
    assert "old_format.doc" in sources and "a/README.md" not in sources
    assert len(found) == N_INPUTS
    assert all(p.is_absolute() and p.exists() for p, _ in found)


def test_discover_walks_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    # Path.rglob recursed once per folder: a tree 1,100 folders deep (an archive unpacked by a
    # hostile hand) ended extract and batch in RecursionError. Shown here with the limit lowered
    # to 60 frames above this test's own: a tree that deep left behind would break the clean-up
    # of old test folders, which recurses too
    import inspect
    import sys

    depth = 150
    deep = tmp_path / "deep"
    folder = deep.joinpath(*["d"] * depth)
    folder.mkdir(parents=True)
    (folder / "r.txt").write_text("x", "utf-8")
    (deep / "link").symlink_to(deep)  # a link back up is not followed
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 60)
    try:
        found = discover_inputs(deep)
    finally:
        sys.setrecursionlimit(limit)
    assert len(found) == 1 and found[0][1] == "d/" * depth + "r.txt"


def test_discover_glob_names_relative_to_its_fixed_part(corpus: Path) -> None:
    found = discover_inputs(str(corpus / "*" / "*.txt"))
    assert {s.split("/")[0] for _, s in found} == {"a", "b"}
    assert len(found) == N_REPORTS + 1
    with pytest.raises(InputError):
        discover_inputs(str(corpus / "nothing-*.pdf"))
    with pytest.raises(InputError):
        discover_inputs(corpus / "missing_dir")


def test_results_one_line_per_distinct_content(full_run: tuple[Path, dict], corpus: Path) -> None:
    out, summary = full_run
    recs = list(iter_records(out))
    assert len(recs) == N_DISTINCT  # the copy is the same content as its original
    assert len({r["sha256"] for r in recs}) == len(recs)
    run = summary["run"]
    assert (run["inputs"], run["duplicates"], run["already_done"], run["processed"]) == (N_INPUTS, 1, 0, N_DISTINCT)
    failed = {r["source"]: r["error"]["code"] for r in recs if r["status"] == "failed"}
    assert failed == FAILING
    ok = [r for r in recs if r["status"] == "ok"]
    assert all(r["output"]["template"] in ("2019", "2021") and r["output"]["tables"] for r in ok)


def test_records_match_a_direct_extraction(full_run: tuple[Path, dict], corpus: Path) -> None:
    out, _ = full_run
    ex = Extractor(tagger=batch.get_tagger("rules"))
    for rec in list(iter_records(out))[:5]:
        if rec["status"] != "ok":
            continue
        direct = ex.extract_path(corpus / rec["source"])
        assert rec["sha256"] == direct.document.origin.sha256
        assert rec["output"]["tables"] == direct.output["tables"]
        assert rec["output"]["checks"] == direct.output["checks"]


def test_summary_counts_failures_and_arithmetic(full_run: tuple[Path, dict]) -> None:
    out, summary = full_run
    recs = list(iter_records(out))
    bad_arith = {r["source"] for r in recs if r["status"] == "ok" and any(c["ok"] is False for c in r["output"]["checks"])}
    c = summary["counts"]
    review = {r["source"]: [x["code"] for x in r["output"]["review_reasons"]]
              for r in recs if r["status"] == "ok" and r["output"]["needs_review"]}  # fmt: skip
    assert c == {"reports": N_DISTINCT, "ok": N_REPORTS, "failed": len(FAILING), "arithmetic_failed": len(bad_arith),
                 "needs_review": len(review), "shared_sources": 0, "old_format": 0}  # fmt: skip
    assert {a["source"] for a in summary["arithmetic_failures"]} == bad_arith
    assert summary["failures_by_code"] == {code: 1 for code in FAILING.values()}
    assert json.loads((out / "summary.json").read_text("utf-8"))["counts"] == c
    text = batch.format_summary(summary)
    assert "weather.txt: [not_a_report]" in text and f"{c['failed']} failed" in text
    assert review, "the corpus has reports that need review"
    assert {v["source"]: v["reasons"] for v in summary["needs_review"]} == {k: list(dict.fromkeys(v)) for k, v in review.items()}
    assert f"{len(review)} to review" in text and f"needs review: {len(review)}" in text
    src, codes = next(iter(review.items()))
    assert f"  {src}: {codes[0]}" in text
    capped = batch.summarize(out, max_listed=1)
    assert capped["counts"]["needs_review"] == len(review) and len(capped["needs_review"]) == 1


def test_cells_csv_and_parquet_are_the_tidy_tables(full_run: tuple[Path, dict]) -> None:
    out, _ = full_run
    recs = [r for r in iter_records(out) if r["status"] == "ok"]
    expected = [cell for r in recs for cell in record_cells(r)]
    n_cells = sum(len(cols) for r in recs for t in r["output"]["tables"].values() if t for cols in t.values())
    n_null = sum(t is None for r in recs for t in r["output"]["tables"].values())  # one no_table record each
    assert n_null and len(expected) == n_cells + n_null and n_cells > 0
    assert (out / "cells.csv").read_bytes().startswith("\ufeff".encode("utf-8"))  # Excel reads it as UTF-8
    with open(out / "cells.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0].keys()) == CELL_FIELDS
    table = pq.read_table(out / "cells.parquet").to_pylist()
    assert len(rows) == len(table) == n_cells + n_null
    for want, got_csv, got_pq in zip(expected, rows, table):
        assert got_pq["sha256"] == got_csv["sha256"] == want["sha256"]
        assert (got_pq["table"], got_pq["row"], got_pq["col"]) == (want["table"], want["row"], want["col"])
        assert got_pq["row_label"] == (got_csv["row_label"] or None) == want["row_label"]
        assert want["row_label"] or want["status"] == "no_table"  # a null table's one record has no row
        if want["value"] is None:
            assert got_pq["value"] is None and got_csv["value"] == ""
        else:
            assert got_pq["value"] == pytest.approx(want["value"]) and float(got_csv["value"]) == pytest.approx(
                want["value"]
            )
        assert got_pq["row_check"] == want["row_check"] and got_pq["col_check"] == want["col_check"]
        assert got_pq["start"] == want["start"] and got_pq["confidence"] == want["confidence"]


def test_cells_carry_provenance_and_checks_of_their_output(full_run: tuple[Path, dict]) -> None:
    out, _ = full_run
    recs = [r for r in iter_records(out) if r["status"] == "ok"]
    with_prov = 0
    for r in recs:
        prov = r["output"].get("provenance") or {}
        for cell in record_cells(r):
            p = ((prov.get(cell["table"]) or {}).get(cell["row"]) or {}).get(cell["col"])
            if p:
                with_prov += 1
                assert (cell["start"], cell["end"], cell["confidence"]) == (p["start"], p["end"], p["confidence"])
                assert 0 <= cell["start"] < cell["end"]
            else:
                assert cell["start"] is None and cell["end"] is None
    assert with_prov > 0


def test_check_index_maps_rules_to_rows_and_columns() -> None:
    out = {
        "tables": {
            "applications": {
                "granted": {"natural_person": 1, "total": 2},
                "total_handled": {"natural_person": 1, "total": 2},
            },
            "review_litigation": None,
        },
        "checks": [
            {"rule": "applications.row_total[granted]", "ok": False, "detail": ""},
            {"rule": "applications.balance[natural_person]", "ok": True, "detail": ""},
            {"rule": "applications.results_total[natural_person]", "ok": False, "detail": ""},
            {"rule": "applications.balance[total]", "ok": True, "detail": ""},
            {"rule": "review_litigation.total[administrative_review]", "ok": False, "detail": ""},
            {"rule": "free text without a key", "ok": False, "detail": ""},
        ],
    }
    idx = check_index(out)
    assert idx == {"applications": ({"granted": False}, {"natural_person": False, "total": True})}
    cells = {(c["row"], c["col"]): (c["row_check"], c["col_check"]) for c in record_cells(
        {"id": "x", "source": "s", "sha256": "h", "status": "ok", "output": out})}  # fmt: skip
    assert cells[("granted", "natural_person")] == (False, False)
    assert cells[("total_handled", "total")] == (None, True)
    assert cells[("granted", "total")] == (False, True)


def test_resume_skips_done_inputs_by_content(corpus: Path, tmp_path: Path) -> None:
    first = sorted((corpus / "a").glob("*.txt"))[:5]
    part = tmp_path / "part"
    part.mkdir()
    for p in first:
        shutil.copy(p, part / f"renamed_{p.name}")  # a new name, the same content
    out = tmp_path / "out"
    s1 = run_batch(part, out, tagger="rules", workers=1)
    assert s1["run"]["processed"] == 5
    s2 = run_batch(corpus, out, tagger="rules", workers=1)
    assert s2["run"]["already_done"] == 6  # the five and the copy of the first
    assert s2["run"]["processed"] == N_DISTINCT - 5
    assert s2["counts"]["reports"] == N_DISTINCT
    s3 = run_batch(corpus, out, tagger="rules", workers=1)
    assert s3["run"]["processed"] == 0 and s3["counts"] == s2["counts"]
    recs = list(iter_records(out))
    assert len({r["sha256"] for r in recs}) == len(recs)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert set(manifest["done"]) == {r["sha256"] for r in recs}
    assert manifest["committed_bytes"] == (out / "results.jsonl").stat().st_size


def test_torn_last_line_is_cut_and_redone(full_run: tuple[Path, dict], corpus: Path, tmp_path: Path) -> None:
    src, _ = full_run
    out = tmp_path / "out"
    shutil.copytree(src, out)
    data = (out / "results.jsonl").read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    (out / "results.jsonl").write_bytes(data[: last_start + (len(data) - last_start) // 2])  # crash mid-record
    s = run_batch(corpus, out, tagger="rules", workers=1)
    assert s["run"]["recovered_tail_bytes"] > 0 and s["run"]["processed"] == 1
    assert by_sha(out) == by_sha(src)
    for line in (out / "results.jsonl").read_bytes().splitlines(keepends=True):
        assert line.endswith(b"\n") and json.loads(line)


def test_lost_manifest_is_rebuilt_from_results(full_run: tuple[Path, dict], corpus: Path, tmp_path: Path) -> None:
    src, _ = full_run
    out = tmp_path / "out"
    shutil.copytree(src, out)
    (out / "manifest.json").unlink()
    s = run_batch(corpus, out, tagger="rules", workers=1)
    assert s["run"]["processed"] == 0 and s["run"]["already_done"] == N_INPUTS  # every input, the copy too


def test_interrupted_run_leaves_valid_results_and_resumes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = batch.iter_local

    def dies_after_seven(todo, tagger, model, workers):  # noqa: ANN001
        for i, done in enumerate(real(todo, tagger, model, workers)):
            if i == 7:
                raise KeyboardInterrupt
            yield done

    monkeypatch.setattr(batch, "iter_local", dies_after_seven)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch(corpus, out, tagger="rules", workers=1)
    assert len(list(iter_records(out))) == 7
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert len(manifest["done"]) == 7 and manifest["committed_bytes"] == (out / "results.jsonl").stat().st_size
    monkeypatch.setattr(batch, "iter_local", real)
    s = run_batch(corpus, out, tagger="rules", workers=1)
    assert s["run"]["processed"] == N_DISTINCT - 7 and s["counts"]["reports"] == N_DISTINCT
    assert s["run"]["already_done"] >= 7


def test_internal_errors_are_recorded_then_retried(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Extractor.extract_path

    def broken(self, path):  # noqa: ANN001
        if Path(path).name.startswith("synth-12-"):
            raise RuntimeError("simulated defect")
        return real(self, path)

    monkeypatch.setattr(Extractor, "extract_path", broken)
    out = tmp_path / "out"
    s1 = run_batch(corpus, out, tagger="rules", workers=1)
    assert s1["failures_by_code"]["internal"] == 4
    assert all("simulated defect" in f["message"] for f in s1["failures"] if f["code"] == "internal")
    monkeypatch.setattr(Extractor, "extract_path", real)
    s2 = run_batch(corpus, out, tagger="rules", workers=1)
    assert s2["run"]["processed"] == 0  # failures count as done until asked to retry
    s3 = run_batch(corpus, out, tagger="rules", workers=1, retry_failed=True)
    assert s3["run"]["retried_failed"] == 4 + len(FAILING) and s3["run"]["processed"] == 4 + len(FAILING)
    assert "internal" not in s3["failures_by_code"] and s3["counts"]["reports"] == N_DISTINCT


def test_a_file_changed_after_planning_is_not_recorded_under_its_old_hash(tmp_path: Path) -> None:
    write_reports(tmp_path / "in", 2, seed=5)
    todo, _ = batch.plan(tmp_path / "in", {})
    first = Path(todo[0].path)
    first.write_text(first.read_text("utf-8") + "\n附件：无\n", encoding="utf-8")
    states = [state for _, state, _ in batch.iter_local(todo, "rules", None, 1)]
    assert states == ["changed", "ok"]


def test_unreadable_inputs_are_listed_not_fatal(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.file_sha256

    def denied(path):  # noqa: ANN001
        if Path(path).name == "weather.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(batch, "file_sha256", denied)
    s = run_batch(corpus, tmp_path / "out", tagger="rules", workers=1)
    assert s["run"]["unreadable"] == [{"source": "weather.txt", "message": "cannot be read (Permission denied)"}]
    assert s["counts"]["reports"] == N_DISTINCT - 1
    assert "weather.txt: cannot be read" in batch.format_summary(s)


def test_process_pool_gives_the_same_output(full_run: tuple[Path, dict], corpus: Path, tmp_path: Path) -> None:
    src, _ = full_run
    out = tmp_path / "out"
    s = run_batch(corpus, out, tagger="rules", workers=2)
    assert s["run"]["workers"] == 2
    assert strip_timings(list(iter_records(out))) == strip_timings(list(iter_records(src)))
    assert (out / "cells.csv").read_bytes() == (src / "cells.csv").read_bytes()


def test_store_recovers_garbage_after_the_committed_prefix(tmp_path: Path) -> None:
    store = ResultStore(tmp_path).open()
    store.append(("h1", "ok", json.dumps({"sha256": "h1", "status": "ok"})))
    store.close()
    with open(tmp_path / "results.jsonl", "ab") as f:
        f.write(b'{"sha256": "h2", "status": "ok"}\nnot json\n{"sha256": "h3", "status": "ok"}\n')
    store = ResultStore(tmp_path).open()
    # the bad line is dropped; the good records after it are kept (they are finished work)
    assert store.done == {"h1": "ok", "h2": "ok", "h3": "ok"}
    store.close()
    assert (tmp_path / "results.jsonl").read_bytes().count(b"\n") == 3


@pytest.mark.parametrize("interval", [0.0, 0.2, None])
def test_every_fsync_policy_commits_what_it_wrote(tmp_path: Path, interval: float | None) -> None:
    store = ResultStore(tmp_path, fsync_interval=interval).open()
    for i in range(5):
        store.append((f"h{i}", "ok", json.dumps({"sha256": f"h{i}", "status": "ok"})))
    store.close()
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["committed_bytes"] == (tmp_path / "results.jsonl").stat().st_size
    assert set(manifest["done"]) == {f"h{i}" for i in range(5)}
    reopened = ResultStore(tmp_path).open()
    reopened.close()
    assert reopened.done == manifest["done"]


def test_cli_batch(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(
        main, ["batch", str(corpus / "b"), "-o", str(out), "--tagger", "rules", "-j", "1", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "5 reports" in res.output and "0 failed" in res.output
    assert {p.name for p in out.iterdir()} >= {
        "results.jsonl",
        "cells.csv",
        "cells.parquet",
        "summary.json",
        "manifest.json",
    }
    res = runner.invoke(
        main, ["batch", str(corpus / "b"), "-o", str(out), "--tagger", "rules", "-j", "1", "--no-progress"]
    )
    assert res.exit_code == 0 and "5 already done" in res.output and "0 processed" in res.output
    res = runner.invoke(main, ["batch", str(tmp_path / "nope"), "-o", str(out), "--no-progress"])
    assert res.exit_code == 1 and "no such file or directory" in res.output
    res = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--address", "auto"])
    assert res.exit_code == 2 and "--engine ray" in res.output


def test_unknown_engine_is_refused(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="engine"):
        run_batch(corpus, tmp_path, engine="spark")
    assert not (tmp_path / "results.jsonl").exists()


def test_batch_refuses_stdin_before_making_its_output(tmp_path: Path) -> None:
    # `batch -` was "-: no such file or directory" (exit 1) after OUT and its manifest were made
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", "-", "-o", str(out), "--tagger", "rules", "--no-progress"], input="报告")
    assert res.exit_code == 2 and "not stdin (-)" in res.output and "govreport extract -" in res.output, res.output
    assert not out.exists()


def test_a_missing_input_leaves_no_output_folder(tmp_path: Path) -> None:
    # `batch /typo -o out` said "no such file or directory" after making out/ with a manifest
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(tmp_path / "typo"), "-o", str(out), "--tagger", "rules", "--no-progress"])
    assert res.exit_code == 1 and "no such file or directory" in res.output, res.output
    assert not out.exists()
