"""Soak under hostile input (a script, not a test): latency of normal requests and the service's
memory while one kind of hostile request after another hammers the real server.

For each hostile kind (issue 19's probes: DOCX bombs, a lying ZIP header, PDF page repeats, a
dense page, a flate bomb, a 10 M-character line, 1 M characters of text, HTML with 1,000
unclosed tags) one client thread sends that request over and over while another sends a normal
report (a corpus text as JSON) once every ``--interval`` seconds; the server's process tree is
sampled every 50 ms (the server alone, and its DOCX/PDF reader processes).

    .venv/bin/python benchmarks/soak_hostile.py --seconds 15 --markdown docs/benchmarks.md

Targets (issue 19): normal requests keep p95 <= 1 s; the service stays <= 1.5 GB RSS under any
single hostile request.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.extraction.export import write_markdown_section  # noqa: E402
from govreport.service.app import ServerProcess  # noqa: E402
from tests import hostile  # noqa: E402

SECTION = "## Hostile input"
MiB = 1024 * 1024
NORMAL = REPO / "tests" / "data" / "corpus" / "seed_000.txt"


def hostile_kinds() -> dict[str, Callable[[], dict]]:
    """name -> keyword arguments of one httpx request (made once, sent many times)."""
    return {
        "DOCX unpacking to 100 MB (honest header)": lambda: {"files": {"file": ("bomb.docx", hostile.docx_with_paragraphs(1_500_000))}},
        "DOCX whose ZIP header lies": lambda: {"files": {"file": ("liar.docx", hostile.lie_about_sizes(hostile.docx_with_paragraphs(1_500_000)))}},
        "DOCX of 2.6 M characters": lambda: {"files": {"file": ("long.docx", hostile.docx_with_paragraphs(200_000))}},
        "PDF naming one page 1 M times": lambda: {"files": {"file": ("pages.pdf", hostile.pdf_page_repeated(1_000_000))}},
        "PDF page with 400 k text runs": lambda: {"files": {"file": ("runs.pdf", hostile.pdf_many_runs(400_000))}},
        "PDF flate bomb (2 GB inflated)": lambda: {"files": {"file": ("bomb.pdf", hostile.pdf_flate_bomb(2000 * MiB))}},
        "one 10 M-character line": lambda: {"content": b"7" * 10_000_000, "headers": {"Content-Type": "text/plain"}},
        "1 M characters of text (3 MB)": lambda: {"json": {"text": "政府信息公开工作年度报告。\n" * 77_000, "filename": "big.txt"}},
        "HTML with 1,000 unclosed inline tags": lambda: {"files": {"file": ("old.html", hostile.html_unclosed_inline(1000).encode())}},
    }  # fmt: skip


@dataclass
class Sampler:
    pid: int
    server_peak: int = 0
    readers_peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        proc = psutil.Process(self.pid)
        while not self._stop.is_set():
            try:
                self.server_peak = max(self.server_peak, proc.memory_info().rss)
                kids = 0
                for c in proc.children(recursive=True):
                    try:
                        kids += c.memory_info().rss
                    except psutil.Error:
                        pass
                self.readers_peak = max(self.readers_peak, kids)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def __enter__(self) -> "Sampler":
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs)) - 1))] if xs else float("nan")


def soak_one(url: str, pid: int, request: dict, seconds: float, interval: float, normal: str) -> dict:
    stop = threading.Event()
    hostile_statuses: Counter[str] = Counter()
    hostile_seconds: list[float] = []

    def attack() -> None:
        with httpx.Client(timeout=120) as c:
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    r = c.post(url + "/v1/extract", **request)
                    code = r.json().get("error", {}).get("code", "ok") if r.status_code != 200 else "ok"
                    hostile_statuses[f"{r.status_code} {code}"] += 1
                except httpx.HTTPError as exc:
                    hostile_statuses[type(exc).__name__] += 1
                hostile_seconds.append(time.monotonic() - t0)

    latencies: list[float] = []
    normal_statuses: Counter[int] = Counter()
    with Sampler(pid) as sampler:
        t = threading.Thread(target=attack, daemon=True)
        t.start()
        time.sleep(0.5)  # the hostile request is in flight first
        end = time.monotonic() + seconds
        with httpx.Client(timeout=60) as c:
            while time.monotonic() < end:
                t0 = time.monotonic()
                r = c.post(url + "/v1/extract", json={"text": normal, "filename": "normal.txt"})
                latencies.append((time.monotonic() - t0) * 1000)
                normal_statuses[r.status_code] += 1
                time.sleep(max(0.0, interval - (time.monotonic() - t0)))
        stop.set()
        t.join(timeout=150)
    return {
        "hostile": dict(hostile_statuses),
        "hostile_median_s": statistics.median(hostile_seconds) if hostile_seconds else float("nan"),
        "normal_n": len(latencies),
        "normal_errors": sum(n for s, n in normal_statuses.items() if s != 200),
        "p50": pct(latencies, 50),
        "p95": pct(latencies, 95),
        "max": max(latencies) if latencies else float("nan"),
        "server_peak_mib": sampler.server_peak / MiB,
        "readers_peak_mib": sampler.readers_peak / MiB,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="per hostile kind")
    ap.add_argument("--interval", type=float, default=0.25, help="seconds between normal requests")
    ap.add_argument("--only", default=None, help="run only kinds whose name contains this")
    ap.add_argument("--markdown", default=None, help="write the results into this file's '## Hostile input' section")
    args = ap.parse_args()

    env = {"GOVREPORT_ACCESS_LOG": "false", "GOVREPORT_LOG_LEVEL": "warning"}
    normal = NORMAL.read_text("utf-8")
    kinds = {k: v for k, v in hostile_kinds().items() if not args.only or args.only in k}
    load_before = os.getloadavg()[0]
    rows = []
    with ServerProcess(env) as server:
        tagger = httpx.get(server.url + "/readyz").json()["tagger"]
        with httpx.Client(timeout=60) as c:  # warm-up
            for _ in range(5):
                c.post(server.url + "/v1/extract", json={"text": normal, "filename": "normal.txt"})
        baseline = soak_one(server.url, server.pid, {"json": {"text": normal, "filename": "n.txt"}}, args.seconds, args.interval, normal)
        rows.append(("none (normal requests only, plus one more normal client)", baseline))
        print(rows[-1], flush=True)
        for name, make in kinds.items():
            rows.append((name, soak_one(server.url, server.pid, make(), args.seconds, args.interval, normal)))
            print(name, rows[-1][1], flush=True)
    load_after = os.getloadavg()[0]

    lines = [
        SECTION,
        "",
        f"`benchmarks/soak_hostile.py --seconds {args.seconds:g}` on {datetime.now(timezone.utc):%Y-%m-%d}: "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, tagger `{tagger['name']} {tagger['version']}`, "
        f"default limits (docs/service.md); one client repeats the hostile request back to back while another sends "
        f"a normal report ({NORMAL.name}, JSON) every {args.interval:g} s; memory sampled every 50 ms. "
        f"1-minute load average {load_before:.1f} before, {load_after:.1f} after (the machine is shared).",
        "",
        "| hostile request | its answers | its median s | normal requests | normal p50 ms | normal p95 ms | normal max ms | server peak RSS MiB | readers peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        answers = ", ".join(f"{k} ×{n}" for k, n in sorted(r["hostile"].items()))
        lines.append(
            f"| {name} | {answers} | {r['hostile_median_s']:.2f} | {r['normal_n']} ({r['normal_errors']} errors) | "
            f"{r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['server_peak_mib']:.0f} | {r['readers_peak_mib']:.0f} |"
        )
    worst_p95 = max(r["p95"] for _, r in rows)
    worst_rss = max(r["server_peak_mib"] + r["readers_peak_mib"] for _, r in rows)
    lines += [
        "",
        f"Worst normal p95: {worst_p95:.0f} ms (target ≤ 1000 ms: {'met' if worst_p95 <= 1000 else 'NOT met'}). "
        f"Worst server + readers RSS: {worst_rss:.0f} MiB (target ≤ 1.5 GB: {'met' if worst_rss <= 1536 else 'NOT met'}).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        write_markdown_section(args.markdown, SECTION, text)


if __name__ == "__main__":
    main()
