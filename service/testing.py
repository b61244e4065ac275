"""``ServerProcess``: ``govreport serve`` in a child process on 127.0.0.1, for tests and benchmarks
(needs httpx, from the ``test`` extra)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Mapping

import httpx


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerProcess:
    """``govreport serve`` in a child process on 127.0.0.1 and a free port, for tests and benchmarks.

    ``with ServerProcess({"GOVREPORT_TAGGER": "rules"}) as server: httpx.get(server.url + "/healthz")``;
    on exit the server gets SIGTERM (graceful) and ``returncode`` is kept.
    """

    def __init__(self, env: Mapping[str, str] | None = None, startup_timeout_s: float = 60.0):
        self.env = dict(env or {})
        self.startup_timeout_s = startup_timeout_s
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self._log = tempfile.TemporaryFile()  # anonymous: gone when closed
        self._final_log = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log_text(self) -> str:
        """What the server printed so far (all of it, once it has stopped)."""
        if self._log.closed:
            return self._final_log
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def _close_log(self) -> None:
        if not self._log.closed:
            self._final_log = self.log_text()
            self._log.close()

    def __enter__(self) -> "ServerProcess":
        self.port = free_port()
        env = {**os.environ, **self.env, "GOVREPORT_HOST": "127.0.0.1", "GOVREPORT_PORT": str(self.port)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "govreport.service.cli", "serve"], env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        end = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                self.returncode = self.proc.returncode
                self._close_log()
                raise RuntimeError(f"the server exited with {self.returncode} during start-up:\n{self.log_text()[-4000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server was not ready within {self.startup_timeout_s} s")

    def stop(self, timeout_s: float = 30.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        return self.returncode

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.stop()
        self._close_log()
