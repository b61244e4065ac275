"""Load test of the HTTP API (a script, not a test): throughput and latency at several concurrency
levels, then the server's memory over a long run.

It starts the real server (``govreport serve`` in a child process on 127.0.0.1) unless ``--url``
points at one, uploads the corpus reports round-robin as multipart files (what clients send), and
samples the server's RSS from /proc once a second.

    .venv/bin/python benchmarks/load_test.py                         # 60 s per level, 5-minute soak
    .venv/bin/python benchmarks/load_test.py --duration 20 --soak 60 --markdown docs/benchmarks.md

The client runs on the same machine and takes CPU from the server: numbers are a lower bound.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402
from govreport.service.app import ServerProcess  # noqa: E402

SECTION = "## Service"


@dataclass
class LevelResult:
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def errors(self) -> int:
        return self.transport_errors + sum(n for s, n in self.statuses.items() if s != 200)

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs)) - 1))] if xs else float("nan")


@dataclass
class RssSampler:
    pid: int
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MiB)

    def read_mib(self) -> float | None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        return int(m.group(1)) / 1024 if m else None

    async def run(self, t0: float, every_s: float = 1.0) -> None:
        while True:
            v = self.read_mib()
            if v is not None:
                self.samples.append((time.monotonic() - t0, v))
            await asyncio.sleep(every_s)


def load_reports(corpus: Path) -> list[tuple[str, bytes]]:
    # the reports: every input that has a gold file beside it (NAME.txt, NAME.html -> NAME.gold.json)
    files = sorted(
        p for p in corpus.iterdir()
        if p.is_file() and not p.name.endswith(".json") and (corpus / f"{p.stem}.gold.json").exists()
    )  # fmt: skip
    if not files:
        raise SystemExit(f"no reports in {corpus}")
    return [(p.name, p.read_bytes()) for p in files]


async def run_level(url: str, headers: dict[str, str], reports: list[tuple[str, bytes]], concurrency: int, seconds: float) -> LevelResult:
    result = LevelResult(concurrency, seconds)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:
        end = time.monotonic() + seconds

        async def worker(k: int) -> None:
            i = k
            while time.monotonic() < end:
                name, data = reports[i % len(reports)]
                i += concurrency
                t = time.perf_counter()
                try:
                    r = await client.post("/v1/extract", files={"file": (name, data)})
                except httpx.TransportError:
                    result.transport_errors += 1
                    continue
                result.latencies_ms.append((time.perf_counter() - t) * 1000)
                result.statuses[r.status_code] = result.statuses.get(r.status_code, 0) + 1

        t0 = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        result.seconds = time.monotonic() - t0
    return result


def slope_mib_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS over time, ignoring the first tenth (allocator warm-up)."""
    xs = samples[len(samples) // 10 :]
    if len(xs) < 3:
        return float("nan")
    return statistics.linear_regression([t for t, _ in xs], [m for _, m in xs]).slope * 60


async def bench(args: argparse.Namespace, url: str, pid: int | None) -> str:
    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    reports = load_reports(args.corpus)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as c:
        ready = (await c.get("/readyz")).json()
        for name, data in reports * 3:  # warm-up: imports, caches, allocator
            (await c.post("/v1/extract", files={"file": (name, data)})).raise_for_status()

    load_before = os.getloadavg()[0]
    t0 = time.monotonic()
    sampler = RssSampler(pid) if pid else None
    sampling = asyncio.create_task(sampler.run(t0)) if sampler else None
    rss_start = sampler.read_mib() if sampler else None
    levels = []
    for n in args.levels:
        print(f"concurrency {n} for {args.duration:.0f} s …", file=sys.stderr)
        levels.append(await run_level(url, headers, reports, n, args.duration))
    soak = None
    soak_samples: list[tuple[float, float]] = []
    if args.soak > 0:
        print(f"soak: concurrency {args.soak_concurrency} for {args.soak:.0f} s …", file=sys.stderr)
        mark = len(sampler.samples) if sampler else 0
        soak = await run_level(url, headers, reports, args.soak_concurrency, args.soak)
        soak_samples = sampler.samples[mark:] if sampler else []
    if sampling:
        sampling.cancel()

    lines = [
        SECTION,
        "",
        f"`benchmarks/load_test.py --duration {args.duration:g} --soak {args.soak:g}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d}: {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
        f"tagger `{ready['tagger']['name']} {ready['tagger']['version']}`, GOVREPORT_WORKERS={args.workers or 'default'}; "
        f"{len(reports)} corpus reports ({', '.join(n for n, _ in reports)}) uploaded round-robin as multipart files; "
        f"the load client runs on the same machine (numbers are a lower bound); 1-minute load average "
        f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after.",
        "",
        "| concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in levels + ([soak] if soak else []):
        label = f"{r.concurrency}" + (" (soak)" if r is soak else "")
        lines.append(
            f"| {label} | {r.requests} | {r.requests / r.seconds:.1f} | {r.pct(50):.0f} | {r.pct(95):.0f} | "
            f"{r.pct(99):.0f} | {max(r.latencies_ms, default=float('nan')):.0f} | {r.errors} |"
        )
    if sampler and sampler.samples:
        all_mib = [m for _, m in sampler.samples]
        lines += ["", f"Server RSS: {rss_start:.0f} MiB after warm-up, peak {max(all_mib):.0f} MiB over the whole run."]
        if soak_samples:
            mib = [m for _, m in soak_samples]
            lines.append(
                f"Soak ({args.soak:.0f} s at concurrency {args.soak_concurrency}): RSS {mib[0]:.0f} → {mib[-1]:.0f} MiB "
                f"(min {min(mib):.0f}, max {max(mib):.0f}), trend {slope_mib_per_min(soak_samples):+.2f} MiB/min; "
                f"{soak.errors if soak else 0} errors."
            )
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) only this script's section of the shared benchmarks file."""
    write_markdown_section(path, SECTION, section)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds per concurrency level")
    ap.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16])
    ap.add_argument("--soak", type=float, default=300.0, help="seconds of the memory run (0: none)")
    ap.add_argument("--soak-concurrency", type=int, default=16)
    ap.add_argument("--corpus", type=Path, default=REPO / "tests" / "data" / "corpus")
    ap.add_argument("--tagger", default="rules", choices=["rules", "model", "auto"])
    ap.add_argument("--workers", type=int, default=None, help="GOVREPORT_WORKERS for the started server")
    ap.add_argument("--url", default=None, help="benchmark a running server instead (RSS needs --pid)")
    ap.add_argument("--pid", type=int, default=None, help="the running server's pid, for RSS")
    ap.add_argument("--api-key", default=os.environ.get("GOVREPORT_API_KEY"))
    ap.add_argument("--markdown", type=Path, default=None, help="write the result as the '## Service' section of this file")
    args = ap.parse_args()

    if args.url:
        section = asyncio.run(bench(args, args.url.rstrip("/"), args.pid))
    else:
        env = {"GOVREPORT_TAGGER": args.tagger}
        if args.workers:
            env["GOVREPORT_WORKERS"] = str(args.workers)
        with ServerProcess(env) as server:
            section = asyncio.run(bench(args, server.url, server.pid))
    print(section)
    if args.markdown:
        write_section(args.markdown, section)
        print(f"written to {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    main()
