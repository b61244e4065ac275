"""The reader process of ``reader_pool``: reads requests from one pipe, answers on another.

Run as ``python -m govreport.extraction.reader_worker MEMORY_BYTES CPU_SECONDS REQUEST_FD ANSWER_FD``.
A request is a length-prefixed pickle ``(reader name, args)`` from the parent (trusted) on
``REQUEST_FD``; the answer is a length-prefixed pickle ``(kind, value, recycle)`` on ``ANSWER_FD``.
The answers have their own pipe, not stdout: a library that prints (Python ``print`` or a native
``write(1, ...)``) would otherwise corrupt them; stdout is sent to stderr before any reader is
imported. The process caps its own address space and CPU time, so a bomb fails here; it exits on
EOF (its parent is gone) and after a job that grew it past ``_RECYCLE_RSS`` (the pool starts a
fresh one, so idle readers stay small).
"""

from __future__ import annotations

import os
import pickle
import resource
import struct
import sys
from typing import Any, BinaryIO

_RECYCLE_RSS = 300 * 1024 * 1024
_HEADER = struct.Struct("<Q")


def _read_exact(f: BinaryIO, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _readers() -> dict[str, Any]:
    from .ingest_office import docx_to_text
    from .ingest_pdf import pdf_to_text

    return {"pdf": pdf_to_text, "docx": docx_to_text}


def main(argv: list[str]) -> None:
    memory, cpu, request_fd, answer_fd = (int(a) for a in argv[:4])
    # whatever prints from here on (a reader library, Python or native code) lands on stderr,
    # never in the answers
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from .errors import InputError

    readers = _readers()  # imported before the cap: libraries count once, not per job
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stdin, stdout = os.fdopen(request_fd, "rb"), os.fdopen(answer_fd, "wb")
    while True:
        header = _read_exact(stdin, _HEADER.size)
        if header is None:
            return
        payload = _read_exact(stdin, _HEADER.unpack(header)[0])
        if payload is None:
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        # A backstop per job, on the soft limit only (SIGXCPU ends the process): a lowered hard
        # limit could not be raised again for the next job's longer allowance.
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = spent + cpu if hard == resource.RLIM_INFINITY else min(spent + cpu, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        try:
            name, args = pickle.loads(payload)
            answer: tuple[str, Any] = ("ok", readers[name](*args))
        except MemoryError:
            answer = ("memory", None)
        except InputError as exc:
            answer = ("input", exc)
        except Exception as exc:  # a defect in a reader: the parent reports it
            answer = ("error", f"{type(exc).__name__}: {exc}")
        recycle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > _RECYCLE_RSS
        try:
            out = pickle.dumps((*answer, recycle), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            out = pickle.dumps(("memory", None, True))
        stdout.write(_HEADER.pack(len(out)) + out)
        stdout.flush()
        if recycle:
            return


if __name__ == "__main__":
    main(sys.argv[1:])
