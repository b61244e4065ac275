"""Throughput of ``govreport batch`` (a script, not a test): reports/s per engine on generated
reports, and the CPU cost per report that sizes a cluster.

Each configuration runs the full batch path (hash, extract, append+fsync, cells.csv/.parquet,
summary) into a fresh OUT. CPU time is measured for the driver and every worker process (the
pool's children; Ray's worker processes, sampled with psutil), so "CPU ms per report" is the
per-core cost: cores for N reports a day = N × cost / 86,400 s.

    .venv/bin/python benchmarks/batch_bench.py                      # 1,000 reports, rules tagger
    .venv/bin/python benchmarks/batch_bench.py --taggers rules,model --markdown docs/benchmarks.md

Ray's start-up is timed separately (it is paid once per job, not per report).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402
from govreport.service.batch import run_batch  # noqa: E402
from govreport.training.registry import atomic_write_text  # noqa: E402
from govreport.training.synth import generate  # noqa: E402

SECTION = "## Batch"
PER_DAY = 86_400


@dataclass
class Result:
    tagger: str
    config: str
    engine: str
    workers: int
    reports: int
    wall_s: float
    cpu_s: float
    startup_s: float = 0.0
    runs_wall_s: list[float] = field(default_factory=list)

    @property
    def reports_per_s(self) -> float:
        return self.reports / self.wall_s

    @property
    def cpu_ms_per_report(self) -> float:
        return 1000 * self.cpu_s / self.reports

    @property
    def cores_per_million_a_day(self) -> float:
        return 1e6 * (self.cpu_s / self.reports) / PER_DAY

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "reports_per_s": round(self.reports_per_s, 2),
            "cpu_ms_per_report": round(self.cpu_ms_per_report, 2),
            "cores_per_million_a_day": round(self.cores_per_million_a_day, 2),
        }


def _self_cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    return s.ru_utime + s.ru_stime


class TreeCpu:
    """CPU seconds of this process's descendants (pool workers are the forkserver's children and
    Ray's workers the raylet's, so our rusage misses both): sampled five times a second, keeping
    each pid's last reading (a worker's last < 0.2 s before it exits may be missed)."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self._seen: dict[int, float] = {}
        self._base: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> dict[int, float]:
        import psutil

        out = {}
        for p in self._me.children(recursive=True):
            try:
                t = p.cpu_times()
                out[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        return out

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self._seen.update(self._sample())

    def __enter__(self) -> "TreeCpu":
        self._base = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._seen.update(self._sample())

    @property
    def seconds(self) -> float:
        return sum(t - self._base.get(pid, 0.0) for pid, t in self._seen.items())


def timed(fn: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], float, float]:
    """(summary, wall s, cpu s of this process and all its descendants)."""
    cpu0 = _self_cpu()
    t0 = time.perf_counter()
    with TreeCpu() as tc:
        summary = fn()
    wall = time.perf_counter() - t0
    return summary, wall, _self_cpu() - cpu0 + tc.seconds


def write_inputs(d: Path, n: int, seed: int) -> None:
    for r in generate(n, seed):
        (d / f"{r.id}.txt").write_text(r.text, encoding="utf-8")


def tagger_version(tagger: str, model: str | None) -> tuple[str | None, str | None]:
    """(version, None) when the tagger loads, else (None, why not)."""
    from govreport.extraction.taggers import get_tagger

    try:
        t = get_tagger(tagger, model if tagger != "rules" else None)
    except (FileNotFoundError, ImportError) as exc:
        return None, f"not available: {exc}"
    if t.name != tagger:
        return None, f"not available (got {t.name})"
    cfg = (getattr(t, "meta", None) or {}).get("training_config") or {}
    arch = ", ".join(f"{k} {cfg[k]}" for k in ("hidden_size", "num_layers", "max_len") if k in cfg)
    return (f"{t.version} ({arch})" if arch else t.version), None


def run_config(inputs: Path, out: Path, tagger: str, model: str | None, cfg: str, workers: int) -> tuple[Result, int]:
    """One timed batch run into a fresh OUT; returns the result and the reports processed."""
    if cfg.startswith("local"):
        w, engine = (1 if cfg.startswith("local-1") else workers), "local"
        interval = FSYNC.get(cfg, 0.2)
        summary, wall, cpu = timed(
            lambda: run_batch(
                inputs, out, engine="local", tagger=tagger, model=model, workers=w, fsync_interval=interval
            )
        )
    elif cfg == "ray":
        w, engine = workers, "ray"
        summary, wall, cpu = timed(
            lambda: run_batch(inputs, out, engine="ray", tagger=tagger, model=model, workers=workers)
        )
    else:
        raise SystemExit(f"unknown config {cfg!r}")
    n = summary["run"]["processed"]
    return Result(tagger, cfg, engine, w, n, round(wall, 3), round(cpu, 3)), n


def run_configs(
    inputs: Path, scratch: Path, tagger: str, model: str | None, configs: list[str], workers: int, repeat: int
) -> list[Result]:
    """Each configuration ``repeat`` times; the fastest run is kept (the machine is shared, and
    interference only ever slows a run down)."""
    results: list[Result] = []
    n_expected = sum(1 for _ in inputs.iterdir())
    for cfg in configs:
        startup = 0.0
        if cfg == "ray":
            import ray

            t0 = time.perf_counter()
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            startup = time.perf_counter() - t0
        try:
            runs = []
            for i in range(repeat):
                r, n = run_config(inputs, scratch / f"{tagger}-{cfg}-{i}", tagger, model, cfg, workers)
                assert n == n_expected, f"{cfg}: processed {n} of {n_expected}"
                print(json.dumps(r.to_dict()), flush=True)
                runs.append(r)
        finally:
            if cfg == "ray":
                ray.shutdown()
        best = min(runs, key=lambda r: r.wall_s)
        best.startup_s = round(startup, 2)
        best.runs_wall_s = [r.wall_s for r in runs]
        results.append(best)
    return results


FSYNC = {"local-1-fsync-each": 0.0, "local-1-nofsync": None}  # the rest: the default (0.2 s groups)
CONFIG_TEXT = {
    "local-1": "local, in-process (-j 1)",
    "local-1-fsync-each": "local, in-process, fsync every record",
    "local-1-nofsync": "local, in-process, fsync only with the manifest",
    "local": "local, process pool",
    "ray": "Ray Data, local mode, actor pool",
}


def markdown(
    results: list[Result],
    args: argparse.Namespace,
    load: tuple[float, float],
    skipped: dict[str, str],
    versions: dict[str, str],
) -> str:
    cmd = f"benchmarks/batch_bench.py --n {args.n} --taggers {args.taggers} --configs {args.configs} --repeat {args.repeat}"
    if args.n_model:
        cmd += f" --n-model {args.n_model}"
    if args.model:
        cmd += f" --model {Path(args.model).name}"
    lines = [
        SECTION,
        "",
        f"`{cmd}` on {datetime.now(timezone.utc):%Y-%m-%d}: {os.cpu_count()} CPU cores, Python "
        f"{platform.python_version()}; generated reports (`training.synth.generate(n, {args.seed})`, plain text); "
        "each run is the whole batch path (hash, extract, append+fsync, cells.csv/.parquet, summary) into a "
        f"fresh OUT; the fastest of {args.repeat} runs is shown, all walls in the last column. Tagger versions: "
        + ", ".join(f"{t} `{v}`" for t, v in versions.items())
        + f". The machine is shared with other jobs (1-minute load average {load[0]:.1f} before, {load[1]:.1f} "
        "after), so walls are pessimistic; CPU per report is the steadier figure.",
        "",
        "| tagger | engine | workers | reports | reports/s | CPU ms / report | cores for 1M reports a day "
        "| Ray start s | walls s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.tagger} | {CONFIG_TEXT.get(r.config, r.config)} | {r.workers} | {r.reports} | "
            f"{r.reports_per_s:.1f} | {r.cpu_ms_per_report:.1f} | {r.cores_per_million_a_day:.2f} | "
            f"{r.startup_s or '':} | {', '.join(f'{w:.1f}' for w in r.runs_wall_s)} |"
        )
    for t, why in skipped.items():
        lines.append(f"\nTagger `{t}` was not measured: {why}.")
    lines += [
        "",
        "CPU ms / report counts the driver and every worker process; cores for 1M reports a day = "
        "10⁶ × CPU s per report / 86,400 s (CPU-bound work at 100% utilisation: add headroom). "
        "The in-process run's cost is the per-core figure to size a cluster with; the pool and Ray rows "
        "add their coordination overhead (and, for the model tagger, each worker's model load). "
        "How to read these figures: docs/batch.md, section Sizing.",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) only this script's section of the shared benchmarks file."""
    write_markdown_section(path, SECTION, section)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="generated reports")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--taggers", default="rules", help="comma-separated: rules,model")
    ap.add_argument("--model", help="model version or directory for the model tagger (default: the active one)")
    ap.add_argument("--n-model", type=int, help="reports for the model tagger (default: --n); it is much slower")
    ap.add_argument(
        "--configs", default="local-1,local,ray", help="local-1, local-1-fsync-each, local-1-nofsync, local (pool), ray"
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool processes / Ray actors")
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration (the fastest is reported)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--markdown", type=Path, help="replace the '## Batch' section of this file")
    args = ap.parse_args()
    try:
        import psutil  # noqa: F401  (CPU time of worker processes)
    except ImportError:
        raise SystemExit("batch_bench needs psutil to measure the workers' CPU time: pip install psutil") from None
    configs = args.configs.split(",")
    if "ray" in configs:
        try:
            import ray  # noqa: F401
        except ImportError:
            print("ray is not installed: skipping the ray engine", file=sys.stderr)
            configs.remove("ray")
    load0 = os.getloadavg()[0]
    results: list[Result] = []
    skipped: dict[str, str] = {}
    versions: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="batch_bench_") as tmp:
        for tagger in args.taggers.split(","):
            model = args.model if tagger != "rules" else None
            version, why = tagger_version(tagger, model)
            if why:
                skipped[tagger] = why
                print(f"tagger {tagger}: {why}", file=sys.stderr)
                continue
            versions[tagger] = str(version)
            n = args.n_model if tagger != "rules" and args.n_model else args.n
            inputs = Path(tmp) / f"inputs-{n}"
            if not inputs.exists():
                inputs.mkdir()
                write_inputs(inputs, n, args.seed)
            results += run_configs(inputs, Path(tmp), tagger, model, configs, args.workers, args.repeat)
    load = (load0, os.getloadavg()[0])
    md = markdown(results, args, load, skipped, versions)
    print(md)
    if args.json:
        atomic_write_text(args.json, json.dumps([r.to_dict() for r in results], indent=2))
    if args.markdown:
        write_section(args.markdown, md)


if __name__ == "__main__":
    main()
