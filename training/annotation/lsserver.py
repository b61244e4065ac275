"""Start and stop a local Label Studio server from its own venv (tests, benchmarks, local use).

The server lives in a separate venv (``scripts/labelstudio_venv.sh``): it pins Django, pyarrow and
more, so it never shares the project's environment. The environment below makes the start work
offline and lets a loopback ML backend and webhooks through (else: 403 "reserved network address").
"""
from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..registry import pid_alive

REPO = Path(__file__).resolve().parents[2]


def default_venv() -> Path:
    return Path(os.environ.get("GOVREPORT_LS_VENV") or REPO / ".ls-venv")


def label_studio_bin(venv: Path | None = None) -> Path | None:
    exe = (venv or default_venv()) / "bin" / "label-studio"
    return exe if exe.exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def offline_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LABEL_STUDIO_"))}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LATEST_VERSION_CHECK="false",
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
        COLLECT_ANALYTICS="false",
        SSRF_PROTECTION_ENABLED="false",
        ML_BLOCK_LOCAL_IP="false",
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class LabelStudioServer:
    """``with LabelStudioServer(data_dir) as ls: ls.url, ls.token`` — a real server on 127.0.0.1."""

    data_dir: Path
    port: int = 0
    username: str = "annotator@govreport.test"
    password: str = "govreport-test-pass"
    token: str = "govreport0test0token0000000000000000000"
    venv: Path | None = None
    start_timeout: float = 180.0
    host: str = "127.0.0.1"  # the address it listens on (0.0.0.0: reachable by annotators on other machines)
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)
    start_seconds: float = field(default=0.0, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> "LabelStudioServer":
        exe = label_studio_bin(self.venv)
        if exe is None:
            raise FileNotFoundError(f"no Label Studio venv at {self.venv or default_venv()}: run scripts/labelstudio_venv.sh")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        cmd = [
            str(exe), "start", "-b", "--debug",
            "--data-dir", str(self.data_dir), "--internal-host", self.host, "-p", str(self.port),
            # ``--opt=value``: a value may begin with ``-`` (``token_urlsafe``'s passwords do, one in
            # 64), which argparse would take for an option and refuse to start
            f"--username={self.username}", f"--password={self.password}",
            f"--user-token={self.token}", "--enable-legacy-api-token",
        ]  # fmt: skip
        log = open(self.log_path, "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, env=offline_env(self.data_dir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"Label Studio exited with {self.proc.returncode}; log tail:\n{self.log_tail()}")
            try:
                r = httpx.get(
                    f"{self.url}/api/projects", headers={"Authorization": f"Token {self.token}"}, timeout=2.0
                )
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"Label Studio did not answer within {self.start_timeout:.0f} s; log tail:\n{self.log_tail()}")

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server's process group (it stops in about a second), SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(5)

    def rss_mb(self) -> float | None:
        """Resident memory of the server process tree (Linux /proc), for the notes."""
        if self.proc is None:
            return None
        total = 0
        pids = [self.proc.pid]
        try:
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
            pids += [int(p) for p in out.stdout.split()]
            for pid in pids:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            return None
        return total / 1024

    def __enter__(self) -> "LabelStudioServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()



# ---- a server for annotators: `govreport label server start|stop|status` ---------------------------

STATE_FILE = "server.json"  # in the data dir: pid, port, url, user (the password and token: credentials.json)
CREDENTIALS_FILE = "credentials.json"  # created once with random secrets, mode 0600, reused by every start


def default_server_dir() -> Path:
    """``GOVREPORT_LS_SERVER_DIR``, else ``$XDG_DATA_HOME/govreport/label-studio`` (outside the repo)."""
    env = os.environ.get("GOVREPORT_LS_SERVER_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govreport" / "label-studio"


def load_credentials(data_dir: Path, username: str | None = None) -> dict[str, str]:
    """The admin user's credentials: created on first use (random password and API token), then the
    same on every start (Label Studio keeps the user in its database)."""
    import json
    import secrets

    path = data_dir / CREDENTIALS_FILE
    if path.exists():
        creds = json.loads(path.read_text("utf-8"))
    else:
        creds = {
            "username": username or "admin@govreport.local",
            "password": secrets.token_urlsafe(12),
            "token": secrets.token_hex(20),
        }
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(creds, f, indent=1)
    return creds


def server_status(data_dir: Path) -> dict[str, object] | None:
    """The recorded server if its process still runs, else None (a stale record is removed)."""
    import json

    path = data_dir / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text("utf-8"))
    if not pid_alive(int(state["pid"])):
        path.unlink(missing_ok=True)
        return None
    return state


def port_in_use(host: str, port: int) -> bool:
    """Whether a server already listens on ``host:port`` (a bind fails). ``SO_REUSEADDR`` as the
    servers set it, so that a port in TIME_WAIT after a stop does not count as busy."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:  # another error (an address not on this machine) is Label Studio's to say
            return exc.errno == errno.EADDRINUSE
    return False


def start_server(data_dir: Path, port: int = 8080, host: str = "127.0.0.1", username: str | None = None,
                 venv: Path | None = None) -> dict[str, object]:  # fmt: skip
    """Start Label Studio in the background (it keeps running after this process exits) and
    return its record: url, port, pid, username, password, token, log. Already running: its record."""
    import json

    from govreport.training.registry import atomic_write_text

    running = server_status(data_dir)
    if running is not None:
        return {**running, **load_credentials(data_dir), "already_running": True}
    if port_in_use(host, port):  # Label Studio itself finds out only after migrating its database
        raise RuntimeError(f"port {port} on {host} is in use by another program: choose another --port")
    creds = load_credentials(data_dir, username)
    server = LabelStudioServer(data_dir, port=port, username=creds["username"], password=creds["password"],
                               token=creds["token"], venv=venv, host=host)  # fmt: skip
    server.start()
    assert server.proc is not None
    state: dict[str, object] = {
        "pid": server.proc.pid, "port": server.port, "host": host, "url": server.url,
        "username": creds["username"], "log": str(server.log_path), "started_seconds": round(server.start_seconds, 1),
    }  # fmt: skip
    atomic_write_text(data_dir / STATE_FILE, json.dumps(state, indent=1))
    return {**state, **creds, "already_running": False}


def stop_server(data_dir: Path, timeout: float = 15.0) -> bool:
    """SIGTERM the recorded server's process group (SIGKILL after ``timeout``); False if none ran."""
    state = server_status(data_dir)
    if state is None:
        return False
    pid = int(state["pid"])  # type: ignore[arg-type]
    try:
        os.killpg(os.getpgid(pid), signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.2)
    if pid_alive(pid):
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    (data_dir / STATE_FILE).unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """A server started by this very process is its child: collect it so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
