"""DOCX and PDF reading in separate, killable processes with a memory cap.

Third-party parsers (PDFium, python-docx/lxml) run native code that cannot be interrupted from
Python and may allocate gigabytes on a hostile file (flate bombs, a ZIP header that lies, page
trees that loop). Each read therefore runs in a reader process (``reader_worker``) taken from a
small pool:

- the process caps its address space (``ReadLimits.reader_memory_bytes``): a bomb fails there
  (MemoryError, or an allocation failure that kills it), never in the caller;
- the caller waits at most the read time limit or its own deadline, whichever is shorter, then
  kills the process, so a 504 frees its slot at once (the next read starts a fresh process);
- ``RLIMIT_CPU`` per job is a backstop should the caller die without killing it; a reader also
  exits on EOF of its request pipe (its parent is gone);
- requests and answers have pipes of their own: what a library prints in the reader goes to
  stderr (stdout before start-up is done: nowhere), never into an answer;
- at most ``max_readers`` reads run at once; PDFium is not thread-safe, but each process has
  its own, so PDFs no longer queue behind one process-wide lock.
"""

from __future__ import annotations

import math
import os
import pickle
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .limits import DeadlinePassed, ReaderFailed, ReadLimits, time_left

_HEADER_SIZE = 8
_ROOT = str(Path(__file__).resolve().parents[1])  # where ``govreport`` is importable from in a checkout


class _Stale(Exception):
    """The reader was gone before it got the job (an idle process that exited): use a fresh one."""


class _Reader:
    def __init__(self, memory: int, cpu_s: int):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH", "")) if p)
        env.setdefault("OMP_NUM_THREADS", "1")
        self.memory = memory
        # -P: no working directory first on sys.path (``-m`` puts it there), where a user's org.py or
        # docx.py would be imported in place of the library's and write into the result channel;
        # govreport itself comes from PYTHONPATH (_ROOT) or the installation
        # requests and answers travel on pipes of their own, not stdin/stdout: whatever a library
        # prints in the reader (even at start-up, before it can redirect stdout) cannot corrupt them
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "govreport.extraction.reader_worker", str(memory), str(cpu_s),
                 str(request_r), str(answer_w)],  # fmt: skip
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
                close_fds=True,
                pass_fds=(request_r, answer_w),
            )
        except BaseException:
            for fd in (request_w, answer_r):
                os.close(fd)
            raise
        finally:
            os.close(request_r)
            os.close(answer_w)
        self.requests = os.fdopen(request_w, "wb")
        self.answers = os.fdopen(answer_r, "rb")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.requests, self.answers):
            f.close()

    def call(self, name: str, args: tuple[Any, ...], timeout: float) -> tuple[str, Any, bool]:
        """(kind, value, recycle); raises TimeoutError or EOFError (the process died)."""
        payload = pickle.dumps((name, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.requests.write(len(payload).to_bytes(_HEADER_SIZE, "little") + payload)
            self.requests.flush()
        except BrokenPipeError:
            raise _Stale from None
        end = time.monotonic() + timeout
        fd = self.answers.fileno()
        buf = bytearray()
        need = _HEADER_SIZE
        header_done = False
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while len(buf) < need:
                left = end - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise TimeoutError
                chunk = os.read(fd, max(65536, need - len(buf)))
                if not chunk:
                    raise EOFError
                buf += chunk
                if not header_done and len(buf) >= _HEADER_SIZE:
                    need = _HEADER_SIZE + int.from_bytes(buf[:_HEADER_SIZE], "little")
                    header_done = True
        return pickle.loads(bytes(buf[_HEADER_SIZE:need]))  # type: ignore[no-any-return]


class ReaderPool:
    """At most ``size`` reader processes; idle ones are kept for the next read."""

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Reader] = []
        self._lock = threading.Lock()

    def _take(self, memory: int, cpu_s: int) -> _Reader:
        with self._lock:
            while self._idle:
                r = self._idle.pop()
                if r.alive() and r.memory == memory:
                    return r
                r.kill()
        return _Reader(memory, cpu_s)

    def _give_back(self, r: _Reader) -> None:
        with self._lock:
            self._idle.append(r)

    def run(self, name: str, args: tuple[Any, ...], limits: ReadLimits, what: str) -> Any:
        """Reader ``name`` ("pdf" | "docx") on ``args`` in a reader process; its InputError is
        re-raised here. Raises DeadlinePassed (time limit; the process is killed) and
        ReaderFailed (out of its memory allowance, or it died)."""
        left = time_left()
        timeout = limits.read_timeout_s if left is None else min(limits.read_timeout_s, left)
        t0 = time.monotonic()
        if not self._slots.acquire(timeout=timeout):
            raise DeadlinePassed(f"no reader process became free within {timeout:.1f} s to read {what}")
        try:
            reader = self._take(limits.reader_memory_bytes, math.ceil(limits.read_timeout_s) + 1)
            try:
                try:
                    kind, value, recycle = reader.call(name, args, max(0.0, timeout - (time.monotonic() - t0)))
                except _Stale:
                    reader.kill()
                    reader = _Reader(limits.reader_memory_bytes, math.ceil(limits.read_timeout_s) + 1)
                    kind, value, recycle = reader.call(name, args, max(0.0, timeout - (time.monotonic() - t0)))
            except TimeoutError:
                reader.kill()
                raise DeadlinePassed(
                    f"reading {what} took longer than {timeout:.1f} s (GOVREPORT_READ_TIMEOUT_S or the "
                    "request's time limit): it was stopped"
                ) from None
            except EOFError:
                reader.kill()
                kind, value, recycle = "died", reader.proc.returncode, True
            if recycle:
                reader.kill()
            else:
                self._give_back(reader)
        finally:
            self._slots.release()
        mib = limits.reader_memory_bytes // (1024 * 1024)
        if kind == "ok":
            return value
        if kind == "input":
            raise value
        if kind == "memory":
            raise ReaderFailed(
                f"{what} needs more than {mib} MiB of memory to read (GOVREPORT_READER_MEMORY_MB): "
                "refused as a possible decompression bomb"
            )
        if kind == "error":
            raise ReaderFailed(f"{what} could not be read: {value}")
        raise ReaderFailed(
            f"{what} could not be read: the reader process died (exit {value}; out of its {mib} MiB "
            "memory allowance, or a parser crash): refused"
        )

    def close(self) -> None:
        with self._lock:
            for r in self._idle:
                r.kill()
            self._idle.clear()


_pool = ReaderPool(max(2, min(8, os.cpu_count() or 2)))


def set_max_readers(n: int) -> None:
    """How many reader processes may run at once (the service sets it from its settings)."""
    global _pool
    old, _pool = _pool, ReaderPool(max(1, n))
    old.close()


def run_isolated(name: str, args: tuple[Any, ...], limits: ReadLimits, what: str) -> Any:
    return _pool.run(name, args, limits, what)
