"""Corpus-scale extraction: many reports -> results.jsonl + tidy cells (CSV, Parquet) + a summary.

One per-document function (``extract_file``) runs under either engine: ``local`` (in-process or a
process pool, no Ray needed) or ``ray`` (Ray Data, see ``service.batch_ray``). The driver alone
writes OUT, so both engines produce byte-identical records apart from timings.

Resumability: every input is keyed by the SHA-256 of its bytes. Each record is appended to
results.jsonl with one ``write`` of the whole line, fsynced per record or in groups about
``fsync_interval`` apart; manifest.json (replaced atomically, after an fsync of the results)
says how many bytes of results.jsonl are committed and which hashes they hold. On restart the
committed prefix is trusted, the tail after it is re-read line by line, and a torn last line is
cut off, so an interrupted run never leaves a corrupt results file and never redoes finished work
(a killed process loses nothing it wrote; a power cut only the records since the last fsync).
"""

from __future__ import annotations

import csv
import fcntl
import glob
import hashlib
import itertools
import json
import logging
import multiprocessing as mp
import os
import re
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import click
from tqdm import tqdm

from govreport.extraction.crosscheck import ReportRef, summary_table, year_on_year
from govreport.extraction.errors import GovReportError, InputError
from govreport.extraction.export import TIDY_FIELDS, UTF8_BOM, inert_field, printable_line, tidy_cells, to_json
from govreport.extraction.filenames import printable_name
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger  # noqa: F401  (tests and callers use batch.get_tagger)
from govreport.extraction.taggers.model import ModelUnusable

from .batchfolder import LOCK, is_batch_output
from .batch_worker import Done, FileChanged, InputFile, encode_record, extract_file, make_extractor, process  # noqa: F401
from .options import PROGRESS_MIN_FILES, env_limits_or_usage_error, max_bytes_option, runtime_option
from .rayaddress import RayUnreachable, check_reachable
from .walk import report_files

log = logging.getLogger(__name__)

RESULTS = "results.jsonl"
MANIFEST = "manifest.json"
CELLS_CSV = "cells.csv"
CELLS_PARQUET = "cells.parquet"
SUMMARY = "summary.json"
CROSSCHECK = "crosscheck.jsonl"
MANIFEST_FORMAT = 1

ENGINES = ("local", "ray")

# the CLI's tidy columns (export.TIDY_FIELDS) plus the record's id and hash and the check verdicts
CELL_FIELDS = ("report_id", "source", "sha256", *(f for f in TIDY_FIELDS if f != "source"), "row_check", "col_check")


# ---------------------------------------------------------------- inputs


def _glob_root(pattern: str) -> Path:
    """The directory part of a glob before its first wildcard."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for p in parts:
        if glob.has_magic(p):
            break
        fixed.append(p)
    return Path(*fixed) if fixed else Path(".")


def _expand(spec: str) -> tuple[Path, list[Path]]:
    p = Path(spec)
    if p.is_dir():
        return p, report_files(p)
    if p.is_file():
        return p.parent, [p]
    if glob.has_magic(spec):
        return _glob_root(spec), [Path(f) for f in glob.glob(spec, recursive=True) if Path(f).is_file()]
    raise InputError(f"{spec}: no such file or directory (give a directory, a file or a quoted glob)")


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def discover_inputs(specs: str | Path | Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Every input file as (absolute path, source name), sorted by source; names are relative to
    the common root of the given directories/globs so they stay unique and machine-independent."""
    if isinstance(specs, (str, Path)):
        specs = [specs]
    roots: list[Path] = []
    files: list[Path] = []
    for spec in specs:
        root, found = _expand(str(spec))
        roots.append(root.resolve())
        files += [f.resolve() for f in found]
    if not files:
        raise InputError(f"no input files found in {', '.join(map(str, specs))}")
    root = Path(os.path.commonpath([str(r) for r in roots]))
    unique = {str(f): f for f in files}
    # a file name that is not UTF-8 (GBK from a Windows ZIP) gets \xNN escapes in its source name:
    # records are JSON lines, which cannot hold the raw bytes
    out = [
        (f, printable_name(f.relative_to(root).as_posix() if f.is_relative_to(root) else f.name))
        for f in unique.values()
    ]
    return sorted(out, key=lambda t: t[1])


# ---------------------------------------------------------------- the per-document function: service/batch_worker.py


# ---------------------------------------------------------------- local engine

_WORKER_EXTRACTOR: Extractor | None = None


def _exit_with(driver_pid: int, interval_s: float = 0.5) -> None:
    """Watchdog thread of a pool worker: exit as soon as the driver process is gone.

    A forkserver worker is the child of the fork server, not of the driver, so it would neither
    get a parent-death signal nor notice a killed driver (it waits on its task queue forever,
    holding a loaded model)."""

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            try:
                os.kill(driver_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process: ours is gone
                os._exit(1)

    threading.Thread(target=watch, name="govreport-driver-watch", daemon=True).start()


def _init_worker(tagger: str, model: str | None, threads: int, driver_pid: int | None = None) -> None:
    global _WORKER_EXTRACTOR
    if driver_pid is not None:
        _exit_with(driver_pid)
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))  # read by torch when a model loads
    _WORKER_EXTRACTOR = make_extractor(tagger, model)


def _work(items: list[InputFile]) -> list[Done]:
    assert _WORKER_EXTRACTOR is not None
    return [process(_WORKER_EXTRACTOR, item) for item in items]


class WorkerDied(GovReportError):
    """A pool process died (killed for memory?) while extracting; finished records are kept."""

    code = "internal"


def iter_local(todo: Sequence[InputFile], tagger: str, model: str | None, workers: int) -> Iterator[Done]:
    """Records in input order: in this process when ``workers <= 1``, else a process pool
    (forkserver: never a fork of a process that may hold torch threads) fed a bounded window of
    chunks, so memory stays flat on a million inputs and a dead worker is an error, not a hang."""
    if workers <= 1 or len(todo) <= 1:
        extractor = make_extractor(tagger, model)
        for item in todo:
            yield process(extractor, item)
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    size = max(1, min(16, len(todo) // (workers * 8)))
    chunks = (list(todo[i : i + size]) for i in range(0, len(todo), size))
    ex = ProcessPoolExecutor(
        workers, mp_context=mp.get_context("forkserver"), initializer=_init_worker, initargs=(tagger, model, threads, os.getpid())
    )
    try:
        pending: deque[tuple[list[InputFile], Future[list[Done]]]] = deque()
        for chunk in itertools.islice(chunks, workers * 4):
            pending.append((chunk, ex.submit(_work, chunk)))
        while pending:
            chunk, fut = pending.popleft()
            try:
                results = fut.result()
            except BrokenProcessPool:
                names = ", ".join(i.source for i in chunk)
                raise WorkerDied(
                    f"a worker process died while extracting one of: {names}. Finished records are saved; "
                    "run again to resume (with -j 1 to see which file it is)"
                ) from None
            yield from results
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append((nxt, ex.submit(_work, nxt)))
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- results store



class OutputLocked(GovReportError):
    """Another run holds the output folder."""

    code = "locked"


class OutputForeign(GovReportError):
    """The output folder holds a ``results.jsonl`` that no batch run wrote (``govreport extract``'s):
    resuming would drop its records as unreadable."""

    code = "foreign_output"


class OutputUnwritable(GovReportError):
    """The output folder cannot be created or written (read-only file system, no permission)."""

    code = "unwritable"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``OUT/.batch.lock`` for the whole run; a second run on the same
    OUT is refused at once (the kernel drops the lock when its holder dies, even by ``kill -9``).

    Raises ``OutputLocked`` (another run holds OUT), ``OutputForeign`` (OUT holds another command's
    results.jsonl) or ``OutputUnwritable`` (OUT cannot be made or written): each said before any input
    is read."""
    if (out_dir / RESULTS).exists() and not is_batch_output(out_dir):
        # extract's records carry no batch fields: the store would drop them all and rewrite the file
        raise OutputForeign(
            f"-o {out_dir} holds a results.jsonl that no govreport batch run wrote (govreport extract's?): "
            "batch would drop its records; write to another -o folder"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputUnwritable(f"cannot write to -o {out_dir}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            raise OutputLocked(
                f"{out_dir} is in use by another govreport batch (pid {holder}): wait for it to finish, "
                "or write to another -o folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _replaced(path: Path, mode: str = "w") -> Iterator[Any]:
    """A file handle whose content appears at ``path`` only once it is complete."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these are ordinary output files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_text(path: Path, text: str) -> None:
    with _replaced(path) as f:
        f.write(text)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ResultStore:
    """results.jsonl (append, fsync per record or grouped) and its manifest (atomic replace).

    ``fsync_interval``: 0 = fsync after every record; t > 0 = fsync with the first record t
    seconds after the previous fsync (~0.7 ms per fsync of an 8 KB append on this machine's
    disk, a serial cost in the driver that grouping bounds on slow or network disks); None = only before each manifest write. Every policy fsyncs before the
    manifest and on close."""

    out_dir: Path
    fsync_interval: float | None = 0.2
    done: dict[str, str] = field(default_factory=dict)  # sha256 -> "ok" | error code
    committed: int = 0
    recovered_tail: int = 0  # bytes of a torn or invalid tail cut off on open
    _fd: int | None = None
    _size: int = 0
    _last_commit: float = 0.0
    _commit_cost: float = 0.0
    _last_sync: float = 0.0
    _unsynced: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def results_path(self) -> Path:
        return self.out_dir / RESULTS

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / MANIFEST

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            m = json.loads(self.manifest_path.read_text("utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return None
        return m if isinstance(m, dict) and m.get("format") == MANIFEST_FORMAT else None

    def _fingerprint(self, upto: int) -> str:
        """SHA-256 of the last 64 KiB of results.jsonl before ``upto``: a replaced or rewritten
        file no longer matches the manifest that counted it."""
        if upto <= 0:
            return ""
        with open(self.results_path, "rb") as f:
            f.seek(max(0, upto - 65536))
            return hashlib.sha256(f.read(upto - max(0, upto - 65536))).hexdigest()

    def open(self) -> "ResultStore":
        """Reconcile the manifest with results.jsonl: the manifest's prefix is trusted only when
        the file still holds it (size and fingerprint); otherwise every line is read again. Lines
        that do not parse and repeated contents are dropped (the file is rewritten atomically);
        a torn last line is cut. Afterwards ``done`` holds exactly the hashes in the file."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.results_path
        size = path.stat().st_size if path.exists() else 0
        m = self._read_manifest()
        start = 0
        self.done = {}
        if m is not None:
            self.meta = dict(m.get("meta", {}))
            committed = m.get("committed_bytes")
            if (
                isinstance(committed, int) and 0 <= committed <= size
                and m.get("fingerprint", "") == self._fingerprint(committed)
                and isinstance(m.get("done"), dict)
            ):  # fmt: skip
                self.done, start = dict(m["done"]), committed
            elif size:
                log.warning("manifest.json does not match results.jsonl: reading every record again")
        keep: list[bytes] = []
        dropped = torn = 0
        if size > start:
            with open(path, "rb") as f:
                f.seek(start)
                for line in f:
                    if not line.endswith(b"\n"):
                        torn = len(line)
                        break
                    try:
                        rec = json.loads(line)
                        sha, status = rec["sha256"], rec["status"]
                        if not isinstance(sha, str):
                            raise TypeError
                    except (ValueError, KeyError, TypeError):
                        dropped += 1
                        continue
                    if sha in self.done:
                        dropped += 1  # a second record of one content (two runs wrote here before locking)
                        continue
                    self.done[sha] = "ok" if status == "ok" else ((rec.get("error") or {}).get("code") or "failed")
                    keep.append(line)
        if dropped:
            log.warning("results.jsonl: dropped %d unreadable or repeated record(s)", dropped)
            with _replaced(path, "wb") as dst, open(path, "rb") as src:
                remaining = start
                while remaining > 0:
                    chunk = src.read(min(remaining, 1 << 20))
                    dst.write(chunk)
                    remaining -= len(chunk)
                dst.writelines(keep)
        elif torn:
            with open(path, "r+b") as f:
                f.truncate(size - torn)
                os.fsync(f.fileno())
        good = start + sum(len(x) for x in keep)
        if torn:
            self.recovered_tail = torn
            log.warning("results.jsonl: cut %d bytes of an interrupted write at offset %d", torn, good)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._size = good
        self.commit(force=True)
        return self

    def append(self, done: Done) -> None:
        """One write of one whole line (then fsync, per policy): a crash leaves at most a torn last line."""
        assert self._fd is not None, "store not open"
        sha, state, line = done
        data = (line + "\n").encode("utf-8")
        n = os.write(self._fd, data)
        while n < len(data):  # a short write (disk nearly full): finish it
            n += os.write(self._fd, data[n:])
        self._unsynced = True
        now = time.monotonic()
        if self.fsync_interval is not None and now - self._last_sync >= self.fsync_interval:
            self._sync(now)
        self._size += len(data)
        self.done[sha] = state
        self.commit()

    def _sync(self, now: float) -> None:
        if self._fd is not None and self._unsynced:
            os.fsync(self._fd)
        self._unsynced = False
        self._last_sync = now

    def commit(self, force: bool = False) -> None:
        """Rewrite the manifest at most every few seconds (its cost grows with the corpus); the
        records it counts are on disk first."""
        now = time.monotonic()
        if not force and now - self._last_commit < max(5.0, 10 * self._commit_cost):
            return
        self._sync(now)
        t0 = time.perf_counter()
        atomic_text(
            self.manifest_path,
            json.dumps(
                {
                    "format": MANIFEST_FORMAT,
                    "updated": _now(),
                    "results": RESULTS,
                    "committed_bytes": self._size,
                    "fingerprint": self._fingerprint(self._size),
                    "records": len(self.done),
                    "meta": self.meta,
                    "done": self.done,
                },
                ensure_ascii=False,
            ),
        )
        self.committed = self._size
        self._last_commit = now
        self._commit_cost = time.perf_counter() - t0

    def drop_failed(self) -> int:
        """Remove failed records (to retry them): rewrite results.jsonl atomically, then the manifest.

        Safe on any file: ``open`` has already dropped unreadable lines; should the process die
        between the two replaces, the manifest's fingerprint no longer matches and the next
        ``open`` reads every record again."""
        failed = {h for h, s in self.done.items() if s != "ok"}
        if not failed:
            return 0
        self.close()
        done: dict[str, str] = {}
        with _replaced(self.results_path, "wb") as dst, open(self.results_path, "rb") as src:
            for line in src:
                try:
                    sha = json.loads(line)["sha256"]
                except (ValueError, KeyError, TypeError):
                    continue
                if sha not in failed and line.endswith(b"\n"):
                    dst.write(line)
                    done[sha] = self.done.get(sha, "ok")
        self.done = done
        self._size = self.results_path.stat().st_size
        self._fd = os.open(self.results_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.commit(force=True)
        return len(failed)

    def close(self) -> None:
        if self._fd is not None:
            self.commit(force=True)
            os.close(self._fd)
            self._fd = None


def iter_records(out_dir: str | Path) -> Iterator[dict[str, Any]]:
    """The committed records of an OUT directory (a torn last line is ignored)."""
    path = Path(out_dir) / RESULTS
    if not path.exists():
        return
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            yield json.loads(line)


# ---------------------------------------------------------------- tidy cells

_RULE = re.compile(r"^(?P<table>\w+)\.\w+\[(?P<key>[^\]]+)\]$")


def check_index(output: dict[str, Any]) -> dict[str, tuple[dict[str, bool], dict[str, bool]]]:
    """Per table: (row key -> all checks along that row hold, column key -> all along that column hold).

    A check ``table.rule[KEY]`` runs along a row when KEY is one of the table's rows, along a
    column when KEY is one of its columns; cells no check covers get no verdict (None)."""
    tables = output.get("tables") or {}
    idx: dict[str, tuple[dict[str, bool], dict[str, bool]]] = {}
    for chk in output.get("checks") or []:
        m = _RULE.match(str(chk.get("rule", "")))
        if not m or not tables.get(m["table"]):
            continue
        rows = tables[m["table"]]
        by_row, by_col = idx.setdefault(m["table"], ({}, {}))
        if chk.get("ok") is None and chk.get("status") == "not_assessable":
            continue  # says nothing about the cells (the output's checks name the null operand)
        key, ok = m["key"], bool(chk.get("ok"))
        if key in rows:
            by_row[key] = by_row.get(key, True) and ok
        elif any(key in cols for cols in rows.values()):
            by_col[key] = by_col.get(key, True) and ok
    return idx


def record_cells(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per table × row × column of a report (blank cells included): ``export.tidy_cells``
    (the columns of ``extract --format csv``) with the record's id and hash and the check verdicts."""
    out = rec.get("output")
    if not out:
        return
    checks = check_index(out)
    for cell in tidy_cells(out, rec["source"]):
        by_row, by_col = checks.get(cell["table"], ({}, {}))
        yield {
            "report_id": rec["id"], "sha256": rec["sha256"], **cell,
            "row_check": by_row.get(cell["row"]), "col_check": by_col.get(cell["col"]),
        }  # fmt: skip


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return str(inert_field(str(v)))  # a report's "=HYPERLINK(...)" is text in Excel, never a formula


# Parquet column types; every other cell field is a string
_PARQUET_TYPES = {
    "year": "int32", "value": "float64", "start": "int64", "end": "int64", "confidence": "float64",
    "row_check": "bool_", "col_check": "bool_",
}  # fmt: skip


def _parquet_schema() -> Any:
    import pyarrow as pa

    return pa.schema([(f, getattr(pa, _PARQUET_TYPES.get(f, "string"))()) for f in CELL_FIELDS])


def write_cells(out_dir: str | Path, records: Iterable[dict[str, Any]] | None = None, row_group: int = 65536) -> int:
    """cells.csv and cells.parquet from results.jsonl, streamed, each replaced atomically.

    The CSV keeps numbers as printed in the JSON (counts as integers) and starts with a UTF-8
    byte-order mark (Excel); Parquet stores ``value`` as float64 (exact for counts), nullable
    everywhere a cell can be blank."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir = Path(out_dir)
    schema = _parquet_schema()
    n = 0
    buf: list[dict[str, Any]] = []
    with _replaced(out_dir / CELLS_CSV) as fcsv, _replaced(out_dir / CELLS_PARQUET, "wb") as fpq:
        fcsv.write(UTF8_BOM)
        w = csv.writer(fcsv, lineterminator="\n")
        w.writerow(CELL_FIELDS)
        with pq.ParquetWriter(fpq, schema, compression="zstd") as pw:
            for rec in records if records is not None else iter_records(out_dir):
                for cell in record_cells(rec):
                    w.writerow([_csv_value(cell[k]) for k in CELL_FIELDS])
                    buf.append(cell)
                    n += 1
                    if len(buf) >= row_group:
                        pw.write_table(pa.Table.from_pylist(buf, schema=schema))
                        buf.clear()
            if buf or n == 0:
                pw.write_table(pa.Table.from_pylist(buf, schema=schema))
    return n


# ---------------------------------------------------------------- summary


def summarize(out_dir: str | Path, run: dict[str, Any] | None = None, max_listed: int = 200) -> dict[str, Any]:
    """Counts over every record in OUT, the failures with reasons, and the reports whose own
    arithmetic does not add up (the failing rules named) and those that need review (reason codes,
    docs/trust.md); each list holds at most ``max_listed`` reports, the counts are complete."""
    counts = {"reports": 0, "ok": 0, "failed": 0, "arithmetic_failed": 0, "needs_review": 0, "shared_sources": 0,
              "old_format": 0}  # fmt: skip
    sources: set[str] = set()
    shared: dict[str, int] = {}  # source -> records, for a source named by more than one record
    by_code: dict[str, int] = {}
    by_template: dict[str, int] = {}
    taggers: dict[str, int] = {}
    failures: list[dict[str, Any]] = []
    arithmetic: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    old_format: list[str] = []  # sources of reports older than the 2019 format: extracted, no table read
    for rec in iter_records(out_dir):
        counts["reports"] += 1
        if rec["source"] in sources:  # records are by content: a file changed since an earlier run
            shared[rec["source"]] = shared.get(rec["source"], 1) + 1
        sources.add(rec["source"])
        t = rec.get("tagger") or {}
        tk = f"{t.get('name')} {t.get('version')}"
        taggers[tk] = taggers.get(tk, 0) + 1
        if rec["status"] != "ok":
            counts["failed"] += 1
            code = rec["error"]["code"]
            by_code[code] = by_code.get(code, 0) + 1
            if len(failures) < max_listed:
                failures.append({"source": rec["source"], "sha256": rec["sha256"], **rec["error"]})
            continue
        counts["ok"] += 1
        out = rec["output"]
        by_template[str(out.get("template"))] = by_template.get(str(out.get("template")), 0) + 1
        if out.get("old_format"):
            counts["old_format"] += 1
            if len(old_format) < max_listed:
                old_format.append(rec["source"])
        bad = [c["rule"] for c in out.get("checks") or [] if c.get("status", "pass" if c.get("ok") else "fail") == "fail"]
        if bad:
            counts["arithmetic_failed"] += 1
            if len(arithmetic) < max_listed:
                arithmetic.append({"source": rec["source"], "sha256": rec["sha256"], "failed_checks": bad})
        if out.get("needs_review"):
            counts["needs_review"] += 1
            if len(review) < max_listed:
                codes = list(dict.fromkeys(r.get("code") for r in out.get("review_reasons") or []))
                review.append({"source": rec["source"], "sha256": rec["sha256"], "reasons": codes})
    counts["shared_sources"] = len(shared)
    return {
        "out_dir": str(out_dir),
        "updated": _now(),
        "counts": counts,
        "failures_by_code": dict(sorted(by_code.items())),
        "templates": dict(sorted(by_template.items())),
        "taggers": taggers,
        "failures": failures,
        "arithmetic_failures": arithmetic,
        "needs_review": review,
        "shared_sources": [{"source": k, "records": n} for k, n in list(shared.items())[:max_listed]],
        "old_format": old_format,
        "listed_at_most": max_listed,
        "run": run or {},
    }


def _year_on_year_lines(rows: list[dict[str, Any]], max_lines: int) -> list[str]:
    """The console's lines for ``summary.json``'s ``year_on_year``: the run compared each body's
    consecutive reports and said nothing of it, so a carry-over that does not match last year's
    (a misread report, or a body that restated a figure) was seen only by whoever opened
    summary.json or crosscheck.jsonl. Nothing when no body has two consecutive years in OUT."""
    pairs = [r for r in rows if len(r["years"]) == 2]
    same_year = [r for r in rows if len(r["years"]) == 1]  # two reports of one body for one year
    if not pairs and not same_year:
        return []
    lines = [
        f"year on year (docs/checks.md; each identity in crosscheck.jsonl): {len(pairs)} pair(s) of one body's "
        f"consecutive reports, {sum(r['pass'] for r in pairs)} identities hold, {sum(r['fail'] for r in pairs)} fail, "
        f"{sum(r['not_assessable'] for r in pairs)} not assessable"
        if pairs else "year on year (docs/checks.md): no body has reports of two consecutive years to compare"
    ]
    failing = [r for r in pairs if r["fail"]]
    for r in failing[:max_lines]:
        rules = [rule.removeprefix("year_on_year.") for rule in r["failed_rules"]]
        more = f" (+{len(rules) - 3} more)" if len(rules) > 3 else ""
        lines.append(f"  {printable_line(r['organ'])} {r['years'][0]}→{r['years'][1]}: fails {', '.join(rules[:3])}{more}")
    if len(failing) > max_lines:
        lines.append(f"  … {len(failing) - max_lines} more in summary.json")
    if same_year:
        shown = ", ".join(f"{printable_line(r['organ'])} {r['years'][0]}" for r in same_year[:max_lines])
        more = f" and {len(same_year) - max_lines} more" if len(same_year) > max_lines else ""
        lines.append(f"  not compared, more than one report of the body for the year: {shown}{more}")
    return lines


def format_summary(s: dict[str, Any], max_lines: int = 10) -> str:
    """The summary as lines for the terminal. What came from the inputs (a file name, a message
    that quotes one) is shown by ``printable_line``: a name's line break made a failure read as two
    lines, and its ESC sequence (``c<ESC>[2Jd.txt``) cleared the screen of whoever ran the batch."""
    c, r = s["counts"], s.get("run", {})
    lines = [
        f"{c['reports']} reports in {printable_line(s['out_dir'])}: {c['ok']} extracted, {c['failed']} failed, "
        f"{c['arithmetic_failed']} with arithmetic that does not add up, {c.get('needs_review', 0)} to review",
    ]
    if r:
        lines.append(
            f"this run: {r.get('inputs', 0)} inputs, {r.get('already_done', 0)} already done, "
            f"{r.get('duplicates', 0)} duplicate contents, {r.get('processed', 0)} processed "
            f"in {r.get('elapsed_s', 0):.1f} s ({r.get('reports_per_s', 0):.1f} reports/s, "
            f"engine {r.get('engine')}, workers: {r.get('workers') or 'one per CPU'})"
        )
    unreadable = r.get("unreadable") or []
    if unreadable:
        lines.append(f"unreadable inputs (skipped): {len(unreadable)}")
        lines += [f"  {printable_line(u['source'])}: {printable_line(u['message'])}" for u in unreadable[:max_lines]]
    if s["failures_by_code"]:
        lines.append("failures: " + ", ".join(f"{k} {v}" for k, v in s["failures_by_code"].items()))
        for f in s["failures"][:max_lines]:
            lines.append(f"  {printable_line(f['source'])}: [{f['code']}] {printable_line(f['message'])}")
        if c["failed"] > max_lines:
            lines.append(f"  … {c['failed'] - max_lines} more in summary.json / results.jsonl")
    if s["arithmetic_failures"]:
        lines.append("arithmetic failures:")
        for a in s["arithmetic_failures"][:max_lines]:
            rules = a["failed_checks"]
            more = f" (+{len(rules) - 3} more)" if len(rules) > 3 else ""
            lines.append(f"  {printable_line(a['source'])}: {', '.join(rules[:3])}{more}")
        if c["arithmetic_failed"] > max_lines:
            lines.append(f"  … {c['arithmetic_failed'] - max_lines} more in summary.json")
    if s.get("shared_sources"):
        # cells.csv holds every record: a sum over it counts such a report once per version
        lines.append(
            f"{c['shared_sources']} source(s) with more than one record (the file changed since an earlier run "
            "into this OUT, or two runs named different files alike): cells.* and the counts hold each; "
            "run into a fresh OUT to keep only the current files"
        )
        lines += [f"  {printable_line(v['source'])}: {v['records']} records" for v in s["shared_sources"][:max_lines]]
        if c["shared_sources"] > max_lines:
            lines.append(f"  … {c['shared_sources'] - max_lines} more in summary.json")
    if s.get("old_format"):
        # "extracted" and not "to review", yet no table: a sum over cells.* has only a no_table row for each
        lines.append(f"{c['old_format']} report(s) older than the 2019 format: no table read (one no_table row per table in cells.*)")
        lines += [f"  {printable_line(v)}" for v in s["old_format"][:max_lines]]
        if c["old_format"] > max_lines:
            lines.append(f"  … {c['old_format'] - max_lines} more in summary.json")
    lines += _year_on_year_lines(s.get("year_on_year") or [], max_lines)
    if s.get("needs_review"):
        lines.append(f"needs review: {c['needs_review']} (docs/trust.md)")
        for v in s["needs_review"][:max_lines]:
            lines.append(f"  {printable_line(v['source'])}: {', '.join(v['reasons'])}")
        if c["needs_review"] > max_lines:
            lines.append(f"  … {c['needs_review'] - max_lines} more in summary.json")
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


POOL_MIN_INPUTS = 50  # below this a pool's start-up (~0.5 s a worker) costs more than it saves


def resolve_workers(engine: str, workers: int | None, n_todo: int) -> int:
    """Local default: one process per core, in-process for small jobs (docs/benchmarks.md has
    the measurements); local 0: one per core whatever the job; Ray default 0 = one actor per CPU
    of the cluster."""
    cores = os.cpu_count() or 1
    if workers is not None:
        # local 0: one process per core, as the summary says (it ran in this process alone)
        return cores if workers == 0 and engine == "local" else workers
    if engine == "ray":
        return 0
    return cores if cores > 1 and n_todo >= POOL_MIN_INPUTS else 1


def plan(
    specs: str | Path | Sequence[str | Path],
    done: dict[str, str],
    progress: bool = False,
    found: list[tuple[Path, str]] | None = None,
) -> tuple[list[InputFile], dict[str, Any]]:
    """Hash every input (``found``: ``discover_inputs(specs)`` when already walked); keep the first
    of each content not yet done. Unreadable files are listed, not fatal: one permission problem
    must not stop an archive."""
    found = discover_inputs(specs) if found is None else found
    todo: list[InputFile] = []
    seen: set[str] = set()
    stats: dict[str, Any] = {"inputs": len(found), "already_done": 0, "duplicates": 0, "unreadable": []}
    for path, source in tqdm(found, desc="hashing", unit="file", disable=not progress, leave=False):
        try:
            sha = file_sha256(path)
        except OSError as exc:  # no content, no key: listed in the summary, tried again next run
            stats["unreadable"].append({"source": source, "message": f"cannot be read ({exc.strerror or exc})"})
            continue
        if sha in done:
            stats["already_done"] += 1
        elif sha in seen:
            stats["duplicates"] += 1
        else:
            seen.add(sha)
            todo.append(InputFile(str(path), source, sha))
    return todo, stats


def run_batch(
    inputs: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    engine: str = "local",
    address: str | None = None,
    tagger: str = "auto",
    model: str | None = None,
    workers: int | None = None,
    retry_failed: bool = False,
    progress: bool = False,
    fsync_interval: float | None = 0.2,
    tables: bool = True,
) -> dict[str, Any]:
    """Extract every not-yet-done input into ``out_dir``; returns (and writes) the summary."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} ({' | '.join(ENGINES)})")
    if address and engine != "ray":
        raise ValueError("--address is for --engine ray")
    iter_ray = None
    if engine == "ray":
        from .batch_ray import iter_ray  # before touching OUT: fails fast when Ray is missing

        check_reachable(address)  # before OUT too: Ray itself waits on a wrong address without end

    out = Path(out_dir)
    found = discover_inputs(inputs)  # before OUT is made: a mistyped input leaves no empty OUT behind
    with output_lock(out):
        return _run_locked(found, out, engine, address, tagger, model, workers, retry_failed, progress,
                           fsync_interval, tables, iter_ray)  # fmt: skip


def _run_locked(  # type: ignore[no-untyped-def]
    found, out: Path, engine, address, tagger, model, workers, retry_failed, progress, fsync_interval, tables, iter_ray
) -> dict[str, Any]:
    store = ResultStore(out, fsync_interval=fsync_interval).open()
    try:
        retried = store.drop_failed() if retry_failed else 0
        todo, stats = plan((), store.done, progress, found=found)
        store.meta = {"tagger_requested": tagger, "model": model, "last_engine": engine}
        workers = resolve_workers(engine, workers, len(todo))
        if iter_ray is not None:
            records = iter_ray(todo, address=address, tagger=tagger, model=model, workers=workers)
        else:
            records = iter_local(todo, tagger, model, workers)
        t0 = time.perf_counter()
        n = 0
        try:
            bar = tqdm(total=len(todo), desc=f"extracting ({engine})", unit="report",
                       disable=not progress or len(todo) < PROGRESS_MIN_FILES)
            with bar:
                for done in records:
                    store.append(done)
                    n += 1
                    bar.update(1)
        finally:
            if hasattr(records, "close"):
                records.close()  # stop the pool / the Ray job if we are leaving early
        elapsed = time.perf_counter() - t0
    finally:
        store.close()
    cells = write_cells(out) if tables else None
    run = {
        **stats,
        "retried_failed": retried,
        "processed": n,
        "engine": engine,
        "workers": workers,
        "elapsed_s": round(elapsed, 3),
        "reports_per_s": round(n / elapsed, 3) if elapsed > 0 else 0.0,
        "cells": cells,
        "recovered_tail_bytes": store.recovered_tail,
    }
    summary = summarize(out, run)
    summary["year_on_year"] = write_crosscheck(out)
    atomic_text(out / SUMMARY, to_json(summary))
    return summary


def _for_crosscheck(output: dict[str, Any]) -> dict[str, Any]:
    """What the year-on-year identities read of a report (its tables and their provenance); the
    rest is dropped so a large corpus is grouped in little memory."""
    prov = output.get("provenance") or {}
    keep_prov = {"active_disclosure": prov.get("active_disclosure") or {},
                 "applications": {r: (prov.get("applications") or {}).get(r) or {}
                                  for r in ("carried_over", "carried_forward")}}
    tables = output.get("tables") or {}
    return {"organ": output.get("organ"), "year": output.get("year"), "template": output.get("template"),
            "tables": {k: tables.get(k) for k in ("active_disclosure", "applications")}, "provenance": keep_prov}


def write_crosscheck(out_dir: str | Path) -> list[dict[str, Any]]:
    """crosscheck.jsonl: the year-on-year identities between each body's consecutive reports (one
    JSON object a line, replaced atomically); returns the per-body table for summary.json."""
    refs = [ReportRef(rec["source"], _for_crosscheck(rec["output"])) for rec in iter_records(out_dir)
            if rec.get("status") == "ok" and rec.get("output")]
    entries = year_on_year(refs)
    atomic_text(Path(out_dir) / CROSSCHECK, "".join(to_json(e, pretty=False) + "\n" for e in entries))
    return summary_table(entries)


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory (reused to resume).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: this machine, no Ray; ray: Ray Data.",
)
@click.option(
    "--address", default=None, help="Ray cluster address (e.g. auto, ray://head:10001); default: start Ray locally."
)
@click.option(
    "--tagger",
    type=click.Choice(["auto", "model", "rules"]),
    default="auto",
    show_default=True,
    help="auto = the model when one is installed, else the rules.",
)
@runtime_option
@click.option("--model", default=None, help="Model version or checkpoint directory (default: the active one).")
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Local: processes (1 = in this process, 0 = one per core; default: one per core from 50 inputs up). "
    "Ray: actors (0 or default: one per cluster CPU).",
)
@click.option("--retry-failed", is_flag=True, help="Extract again the inputs that failed in an earlier run.")
@max_bytes_option
@click.option("--no-progress", is_flag=True, help="No progress bar (there is none when stderr is not a terminal).")
def batch_cmd(
    inputs, out_dir, engine, address, tagger, model, workers, retry_failed, no_progress
) -> None:  # noqa: ANN001
    """Extract every report under INPUTS (directories, files or quoted globs) into OUT:
    results.jsonl, cells.csv, cells.parquet, summary.json. Inputs already in OUT (same content) are skipped."""
    if address and engine != "ray":
        raise click.UsageError("--address needs --engine ray")
    if "-" in inputs:  # before OUT is made: a resumable run keys its results on files it can read again
        raise click.UsageError("batch reads files, folders and globs, not stdin (-): "
                               "pipe one report into `govreport extract - -o OUT` instead")  # fmt: skip
    env_limits_or_usage_error()  # a bad GOVREPORT_* limit stops the run here, not in every worker
    try:
        summary = run_batch(
            inputs, out_dir, engine=engine, address=address, tagger=tagger, model=model,
            workers=workers, retry_failed=retry_failed, progress=not no_progress and sys.stderr.isatty(),
        )  # fmt: skip
    except (OutputUnwritable, OutputForeign) as exc:  # a bad -o, like extract's: a usage error (exit 2)
        raise click.UsageError(str(exc)) from None
    except (InputError, WorkerDied, OutputLocked, RayUnreachable) as exc:
        raise click.ClickException(str(exc)) from None
    except (FileNotFoundError, ModelUnusable) as exc:
        raise click.ClickException(f"cannot use the model: {exc}") from None
    except ImportError as exc:
        raise click.ClickException(f'{exc}: install Ray with `pip install "govreport[ray]"`') from None
    except KeyboardInterrupt:  # Ctrl-C: click said only "Aborted!", not that the work so far is kept
        click.echo(f"\n{interrupted_message(Path(out_dir))}", err=True)
        sys.exit(130)  # as a shell reports a command stopped by SIGINT
    click.echo(format_summary(summary))


def interrupted_message(out_dir: Path) -> str:
    """What a batch stopped by Ctrl-C leaves: the records written to ``out_dir`` so far, which the
    same command goes on from (the tables and summary.json are written only when a run completes).
    No count: the manifest may not hold the last records yet, which a resumed run still recovers."""
    return (
        f"interrupted: the reports done so far are kept in {printable_line(out_dir)}/results.jsonl; cells.*, "
        "crosscheck.jsonl and summary.json are written when a run completes: run the same command again to "
        "go on from there"
    )


__all__ = [
    "InputFile", "OutputForeign", "OutputLocked", "OutputUnwritable", "ResultStore", "output_lock", "batch_cmd", "check_index", "discover_inputs", "encode_record", "extract_file",
    "format_summary", "iter_local", "iter_records", "make_extractor", "plan", "record_cells", "run_batch",
    "summarize", "write_cells",
]  # fmt: skip
