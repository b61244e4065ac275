"""govreport batch --engine ray (Ray Data in local mode) gives exactly the local engine's output.

Skipped when ray is not installed (it is the optional extra ``govreport[ray]``). One Ray session
(num_cpus=2) serves the whole module: starting Ray takes seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

ray = pytest.importorskip("ray")

from govreport.service.batch import iter_records, run_batch  # noqa: E402
from govreport.service.cli import main  # noqa: E402
from govreport.training.synth import generate  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")]
N_REPORTS = 300


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ray_corpus")
    for r in generate(N_REPORTS, seed=2024):
        (d / f"{r.id}.txt").write_text(r.text, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "not_a_report.txt").write_text("会议纪要：讨论了食堂的菜单。\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def local_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    run_batch(corpus, out, engine="local", tagger="rules", workers=1)
    return out


def lines_without_timings(out: Path) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "timings_ms"} for r in iter_records(out)]


def test_ray_output_equals_local(ray_session: None, corpus: Path, local_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "ray"
    summary = run_batch(corpus, out, engine="ray", tagger="rules", workers=2)
    assert summary["run"]["processed"] == N_REPORTS + 2
    ray_recs, local_recs = lines_without_timings(out), lines_without_timings(local_out)
    assert len(ray_recs) == N_REPORTS + 2
    assert ray_recs == local_recs  # same records, same order
    assert (out / "cells.csv").read_bytes() == (local_out / "cells.csv").read_bytes()
    assert pq.read_table(out / "cells.parquet").equals(pq.read_table(local_out / "cells.parquet"))
    s_local = json.loads((local_out / "summary.json").read_text("utf-8"))
    assert summary["counts"] == s_local["counts"] and summary["failures"] == s_local["failures"]
    assert summary["counts"]["failed"] == 2 and summary["counts"]["ok"] == N_REPORTS


def test_cli_ray_then_local_resume_share_one_store(
    ray_session: None, corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    """Half the corpus on Ray through the CLI, the rest locally: one consistent OUT."""
    half = tmp_path / "half"
    half.mkdir()
    files = sorted(corpus.glob("synth-*.txt"))[:20]
    for p in files:
        (half / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["batch", str(half), "-o", str(out), "--engine", "ray", "--tagger", "rules", "-j", "2", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "20 reports" in res.output and "engine ray, workers: 2" in res.output
    summary = run_batch(corpus, out, engine="local", tagger="rules", workers=1)
    assert summary["run"]["already_done"] == 20 and summary["run"]["processed"] == N_REPORTS + 2 - 20
    got = {r["sha256"]: r for r in lines_without_timings(out)}
    want = {r["sha256"]: r for r in lines_without_timings(local_out)}
    assert got == want


def test_a_separate_driver_joins_the_cluster_by_address(
    ray_session: None, corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    """`--address` connects the CLI (its own process, as on a cluster's head node) to a running Ray."""
    subset = tmp_path / "subset"
    subset.mkdir()
    for p in sorted(corpus.glob("synth-*.txt"))[-12:]:
        (subset / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    address = ray.get_runtime_context().gcs_address
    cmd = [sys.executable, "-m", "govreport.service.cli", "batch", str(subset), "-o", str(out), "--engine", "ray"]
    res = subprocess.run(
        cmd + ["--address", address, "--tagger", "rules", "--no-progress"], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert "12 reports" in res.stdout and "engine ray" in res.stdout
    want = {r["sha256"]: r for r in lines_without_timings(local_out)}
    got = lines_without_timings(out)
    assert len(got) == 12 and all(r == want[r["sha256"]] for r in got)
