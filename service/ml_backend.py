"""Label Studio's ML-backend protocol (``/health``, ``/setup``, ``/predict``, ``/webhook``) on govreport.

Label Studio's time-outs shape this module: ``/health`` 1 s, ``/setup`` 3 s, ``/predict`` 100 s,
webhooks 1 s (delivered synchronously without Redis). So ``/health`` and ``/setup`` never load a
model, ``/predict`` runs in the thread pool, and the webhook only records the event: a retraining
job runs in a separate process, started in the background once enough annotations accumulate (or
on ``START_TRAINING``), never inside a request. Predictions name the model version from the model
registry (the loaded tagger's ``version``), never a random or reused one.

Every route but ``/health`` honours the service's API key (its header, or HTTP Basic/Bearer
with the key as the password/token, as Label Studio's ML-backend connection sends it).
``/predict`` is held to the service's limits: at most ``MAX_BATCH_ITEMS`` tasks, each text within
``MAX_BYTES`` and the decoded-text limits, run on the service's inference pool with its queue cap
and time limit. Webhook events are validated and bounded (``GOVREPORT_LS_WEBHOOK_MAX_BYTES``)
and logged outside the repository, the log rotated at ``GOVREPORT_LS_EVENTS_MAX_BYTES``; a
retried delivery counts once. Everything the unattended job writes lives under
``GOVREPORT_LS_DATA_DIR`` (default ``$XDG_DATA_HOME/govreport/annotation``): ``batches/`` and
``runs/`` (``GOVREPORT_LS_RUNS_DIR`` moves only the latter: event log, trigger state, job logs,
retrain reports).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import os
import re
import secrets
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from govreport.extraction.document import Document
from govreport.extraction.blanktext import blank_reason
from govreport.extraction.errors import EmptyInput, InputError, InputTooLarge
from govreport.extraction.limits import check_text, deadline_scope, default_limits
from govreport.extraction.taggers import Tagger, get_tagger
from govreport.extraction.textview import tag_original
from govreport.training.annotation.config import DATA_KEY, FROM_NAME, TO_NAME, LabelConfigError, parse_label_config
from govreport.training.annotation.convert import prediction_from_spans

from .errors import ServiceError
from .inputs import json_body, json_body_doc
from .model_runtime import client_gone

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
TRAINING_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"}
_ACTION_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
TRIGGER_STATE = "trigger_state.json"  # in runs_dir: pending annotations per project, survives restarts
SEEN_KEPT = 100_000  # webhook deliveries remembered for dedupe (in memory; the newest SEEN_SAVED persisted)
SEEN_SAVED = 1_000


class WebhookNotJSON(InputError):
    """A webhook body that does not parse as JSON (400, like every route's ``invalid_json``)."""

    code = "invalid_json"
    http_status = 400


def default_data_dir() -> Path:
    """Where the unattended job writes (batches with full report texts, event log, job logs, retrain
    reports): outside the repository, ``$XDG_DATA_HOME/govreport/annotation`` (``~/.local/share/...``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govreport" / "annotation"


class MLBackendSettings(BaseSettings):
    """``GOVREPORT_LS_*``: when the webhook starts retraining, what it runs and where it writes."""

    model_config = SettingsConfigDict(env_prefix="GOVREPORT_LS_", extra="ignore")

    retrain_after: int = Field(50, ge=0, description="new annotations that start a background retrain; 0: only START_TRAINING")
    data_dir: Path = Field(default_factory=default_data_dir, description="the job's batches, logs and reports (outside the repo)")
    runs_dir: Path | None = Field(
        None, description="webhook event log, job logs, trigger state (default: DATA_DIR/runs, never the repository)"
    )
    webhook_max_bytes: int = Field(2 * 1024 * 1024, gt=0, description="largest webhook body (413 beyond)")
    events_max_bytes: int = Field(
        10 * 1024 * 1024, gt=0, description="the event log is rotated (to .1) when it passes this size"
    )
    retrain_command: str = Field(
        "{python} -m govreport.service.cli label pull --project-id {project} --out {data_dir}/batches"
        " && {python} -m govreport.service.cli retrain --batches {data_dir}/batches --report-dir {runs_dir}/retrain",
        description="shell command of the background job; {python}, {project}, {data_dir} and {runs_dir} are filled in",
    )
    registry_poll_s: float = Field(2.0, ge=0, description="seconds between checks of the registry's ACTIVE pointer")

    @model_validator(mode="after")
    def _runs_in_data_dir(self) -> "MLBackendSettings":
        if self.runs_dir is None:
            self.runs_dir = self.data_dir / "runs"
        return self

    @property
    def runs(self) -> Path:
        assert self.runs_dir is not None  # set by the validator
        return self.runs_dir


# ---- the tagger: the service's when mounted in it, else our own (reloaded when ACTIVE changes) ----


def _active_version() -> str | None:
    from govreport.training.registry import ModelRegistry

    try:
        active = ModelRegistry().active()
    except Exception:  # a broken pointer must not take /health down
        return None
    return active.version if active else None


@dataclass
class TaggerHolder:
    factory: Callable[[], Tagger] = field(default=lambda: get_tagger("auto"))
    active_version: Callable[[], str | None] = _active_version
    poll_s: float = 2.0
    _tagger: Tagger | None = None
    _loaded_for: str | None = None
    _checked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Tagger:
        now = time.monotonic()
        with self._lock:
            if self._tagger is None or now - self._checked >= self.poll_s:
                self._checked = now
                active = self.active_version()
                if self._tagger is None or active != self._loaded_for:
                    self._tagger = self.factory()
                    self._loaded_for = active
            return self._tagger

    def version_hint(self) -> str:
        """The version without loading anything (for the 1 s and 3 s calls)."""
        if self._tagger is not None:
            return self._tagger.version
        return self.active_version() or "not-loaded"

    def warm_up(self) -> None:
        threading.Thread(target=self.get, name="ml-backend-warmup", daemon=True).start()


# ---- the background retraining job ----


@dataclass
class JobRunner:
    """One job at a time; a trigger while one runs queues exactly one more run."""

    settings: MLBackendSettings
    spawn: Callable[[str, Path], int] | None = None  # (command, log path) -> exit code; tests replace it
    state: dict[str, Any] = field(default_factory=lambda: {"running": False, "runs": 0, "last": None, "queued": False})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def trigger(self, project_id: int, reason: str) -> dict[str, Any]:
        with self._lock:
            if self.state["running"]:
                self.state["queued"] = True
                return {"started": False, "queued": True, "reason": reason}
            self.state["running"] = True
        threading.Thread(target=self._run, args=(project_id, reason), name="ml-backend-retrain", daemon=True).start()
        return {"started": True, "queued": False, "reason": reason}

    def _run(self, project_id: int, reason: str) -> None:
        while True:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            log_path = self.settings.runs / "jobs" / f"retrain-{stamp}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            cmd = self.settings.retrain_command.format(
                python=shlex.quote(sys.executable), project=int(project_id),
                data_dir=shlex.quote(str(self.settings.data_dir)), runs_dir=shlex.quote(str(self.settings.runs)),
            )
            t0 = time.monotonic()
            try:
                rc = (self.spawn or _spawn_shell)(cmd, log_path)
            except Exception as exc:  # the job failed to start: record it, keep serving
                log.exception("retraining job failed to start")
                rc = -1
                log_path.write_text(f"{type(exc).__name__}: {exc}\n", "utf-8")
            with self._lock:
                self.state["runs"] += 1
                self.state["last"] = {"project": project_id, "reason": reason, "exit_code": rc,
                                      "seconds": round(time.monotonic() - t0, 1), "log": str(log_path)}  # fmt: skip
                if not self.state["queued"]:
                    self.state["running"] = False
                    return
                self.state["queued"] = False
                reason = "queued while the previous job ran"

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.state["running"]:
                return True
            time.sleep(0.05)
        return False


def _spawn_shell(cmd: str, log_path: Path) -> int:
    with open(log_path, "ab") as f:
        f.write(f"$ {cmd}\n".encode())
        f.flush()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # progress lines reach the log as they happen
        return subprocess.run(cmd, shell=True, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env).returncode


# ---- state shared by the endpoints ----


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


@dataclass
class MLBackendState:
    """What the webhook has counted. The per-project count of new annotations and the time of the
    latest one counted (Label Studio's ``updated_at``) are written to ``runs_dir/trigger_state.json``
    on every change, so a restart continues the count; ``catch_up`` adds the annotations made while
    the service was down."""

    settings: MLBackendSettings
    holder: TaggerHolder
    jobs: JobRunner
    pending: dict[int, int] = field(default_factory=dict)  # project -> annotations since the last job
    seen_until: dict[int, str] = field(default_factory=dict)  # project -> latest annotation time counted
    events: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # webhook deliveries already counted: (action, project, annotation, updated_at) -> None, oldest
    # first; a retried delivery counts once, also across a restart (the newest are in trigger_state)
    seen: dict[tuple[str, int, int, str], None] = field(default_factory=dict)
    def __post_init__(self) -> None:
        path = self.settings.runs / TRIGGER_STATE
        try:
            saved = json.loads(path.read_text("utf-8"))
            projects = {int(pid): rec for pid, rec in (saved.get("projects") or {}).items()}
            pending = {pid: int(rec.get("pending") or 0) for pid, rec in projects.items()}
            seen_until = {pid: str(rec["seen_until"]) for pid, rec in projects.items() if rec.get("seen_until")}
            seen = {(str(k[0]), int(k[1]), int(k[2]), str(k[3])): None for k in saved.get("seen") or []}
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            # a damaged file must not stop the service; say so
            log.warning("cannot read %s (%s): counting new annotations from zero", path, exc)
            return
        self.pending.update(pending)
        self.seen_until.update(seen_until)
        self.seen.update(seen)

    def save(self) -> None:
        """Write the counts and the newest ``SEEN_SAVED`` deliveries (call with ``_lock`` held):
        atomic, one small file."""
        from govreport.training.registry import atomic_write_text

        projects = {
            str(pid): {"pending": self.pending.get(pid, 0), "seen_until": self.seen_until.get(pid)}
            for pid in sorted(set(self.pending) | set(self.seen_until))
        }
        recent = list(self.seen)[-SEEN_SAVED:]
        self.settings.runs.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.settings.runs / TRIGGER_STATE, json.dumps({"projects": projects, "seen": recent}))

    def first_delivery(self, action: str, project_id: int, annotation: dict[str, Any]) -> bool:
        """False for a delivery of this annotation event already counted (Label Studio or a proxy
        retrying); an edit of the annotation has a new ``updated_at`` and counts again. Events
        without an annotation id cannot be told apart and always count. Call with ``_lock`` held."""
        aid = _int_id(annotation)
        if aid is None:
            return True
        key = (action, project_id, aid, str(annotation.get("updated_at") or ""))
        if key in self.seen:
            return False
        self.seen[key] = None
        if len(self.seen) > SEEN_KEPT:  # bounded: forget the oldest
            del self.seen[next(iter(self.seen))]
        return True

    def record(self, event: dict[str, Any]) -> None:
        path = self.settings.runs / "webhook_events.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(event, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                if path.stat().st_size > self.settings.events_max_bytes:
                    os.replace(path, path.with_name(path.name + ".1"))  # bounded: one old generation kept
            except FileNotFoundError:
                pass
            with open(path, "a", encoding="utf-8") as f:  # one short append per event
                f.write(line)
            self.events += 1

    def count(self, project_id: int, n: int, latest: str | None) -> int:
        """Add ``n`` new annotations (the latest updated at ``latest``); returns the pending count.
        Call with ``_lock`` held."""
        self.pending[project_id] = self.pending.get(project_id, 0) + n
        t_new, t_old = _parse_time(latest), _parse_time(self.seen_until.get(project_id))
        if t_new is not None and (t_old is None or t_new > t_old):
            self.seen_until[project_id] = t_new.isoformat()
        self.save()
        return self.pending[project_id]

    def reset(self, project_id: int) -> None:
        self.pending[project_id] = 0
        self.save()

    def catch_up(self, export: Callable[[int], list[dict[str, Any]]]) -> dict[int, int]:
        """Count, for every project seen before, the annotations Label Studio holds that were
        created or updated after the latest one counted (made while the service was down), and
        start the job where that makes enough. ``export(project_id)`` returns the project's tasks
        with their annotations (``LabelStudioClient.export_tasks``). Returns project -> added."""
        added: dict[int, int] = {}
        for pid in list(self.seen_until):
            since = _parse_time(self.seen_until.get(pid))
            times = [
                _parse_time(a.get("updated_at") or a.get("created_at"))
                for task in export(pid)
                if isinstance(task, dict) and isinstance(task.get("annotations"), list)
                for a in task["annotations"]
                if isinstance(a, dict) and not a.get("was_cancelled")
            ]
            newer = [t for t in times if t is not None and (since is None or t > since)]
            with self._lock:
                if newer:
                    pending = self.count(pid, len(newer), max(newer).isoformat())
                else:
                    pending = self.pending.get(pid, 0)
                due = 0 < self.settings.retrain_after <= pending
                if due:
                    self.reset(pid)
            added[pid] = len(newer)
            if due:
                self.jobs.trigger(pid, f"{pending} new annotations (counted at start)")
        return added

    def start_catch_up(self) -> None:
        """``catch_up`` in the background against ``LABEL_STUDIO_URL``/``LABEL_STUDIO_API_KEY``
        (the job's own credentials); without them, say so once and count from the webhook only."""
        from govreport.training.annotation.client import LabelStudioClient, LabelStudioError

        if not self.seen_until:
            return

        def run() -> None:
            try:
                client = LabelStudioClient()
                self.catch_up(client.export_tasks)
            except (LabelStudioError, ImportError) as exc:
                log.warning("cannot count the annotations made while the service was down: %s", exc)

        threading.Thread(target=run, name="ml-backend-catch-up", daemon=True).start()


def get_state(request: Request) -> MLBackendState:
    st = getattr(request.app.state, "ml_backend", None)
    if st is None:
        settings = MLBackendSettings()
        st = MLBackendState(settings, TaggerHolder(poll_s=settings.registry_poll_s), JobRunner(settings))
        request.app.state.ml_backend = st
        st.start_catch_up()  # annotations made while the service was down
    return st


def _service_tagger(request: Request) -> Tagger | None:
    """The tagger of the service's loaded Extractor when this router is mounted in service.app
    (one model in memory; the service follows ACTIVE and swaps it)."""
    runtime = getattr(request.app.state, "runtime", None)
    loaded = getattr(getattr(runtime, "slot", None), "current", None)
    return getattr(getattr(loaded, "extractor", None), "tagger", None)


def get_backend_tagger(request: Request, state: Annotated[MLBackendState, Depends(get_state)]) -> Tagger:
    tagger = _service_tagger(request)
    if tagger is None and getattr(request.app.state, "runtime", None) is not None:
        raise HTTPException(503, "the model is not loaded yet", headers={"Retry-After": "1"})
    return tagger if tagger is not None else state.holder.get()


# ---- the service's API key and limits ----


def _service_settings(request: Request) -> Any:
    return getattr(getattr(request.app.state, "runtime", None), "settings", None)


def _presented_keys(request: Request, header: str) -> list[str]:
    keys = [request.headers.get(header) or ""]
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() in ("bearer", "token"):
        keys.append(value.strip())
    elif scheme.lower() == "basic":
        try:
            keys.append(base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2])
        except (binascii.Error, UnicodeDecodeError):
            pass
    return [k for k in keys if k]


def require_key(request: Request) -> None:
    """The service's API key (GOVREPORT_API_KEY), when one is set: in its header, or as an HTTP
    Basic password or a Bearer token (what Label Studio's ML-backend connection can send)."""
    settings = _service_settings(request)
    if settings is not None:
        secret, header = settings.api_key, settings.api_key_header
        expected = secret.get_secret_value() if secret is not None else None
    else:  # a bare backend app: the same variables
        expected, header = os.environ.get("GOVREPORT_API_KEY") or None, os.environ.get("GOVREPORT_API_KEY_HEADER", "X-API-Key")
    if not expected:
        return
    want = expected.encode()
    if not any(secrets.compare_digest(k.encode(), want) for k in _presented_keys(request, header)):
        raise HTTPException(401, f"missing or wrong {header} header (or Basic/Bearer credentials)")


KeyDep = Depends(require_key)


# ---- schemas (only what we read; Label Studio sends more) ----


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    tasks: list[dict[str, Any]]
    label_config: str | None = None
    project: str | int | None = None


class SetupRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    project: str | int | None = None
    schema_: str | None = Field(None, alias="schema")
    model_version: str | None = None


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    action: str
    project: dict[str, Any] | int | None = None
    task: dict[str, Any] | None = None
    annotation: dict[str, Any] | None = None

    @field_validator("action")
    @classmethod
    def _known_shape(cls, v: str) -> str:
        if not _ACTION_RE.match(v):
            raise ValueError("an action is 1-64 capital letters, digits and underscores (e.g. ANNOTATION_CREATED)")
        return v


def _project_id(value: str | int | dict[str, Any] | None) -> int | None:
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or isinstance(value, (bool, float)):
        return None
    try:
        n = int(str(value).split(".")[0])  # /predict and /setup send "<id>.<timestamp>"
    except ValueError:
        return None
    return n if 0 <= n < 2**63 else None


def _int_id(obj: dict[str, Any] | None) -> int | None:
    v = (obj or {}).get("id")
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63 else None


def _check_config(xml: str | None) -> None:
    if not xml:
        return
    try:
        info = parse_label_config(xml)
    except LabelConfigError as exc:
        raise HTTPException(422, str(exc)) from None
    except (ValueError, UnicodeError) as exc:  # not XML at all (lone surrogates, NUL, …)
        raise HTTPException(422, f"the label config is not valid XML: {exc}") from None
    if (info.from_name, info.to_name, info.data_key) != (FROM_NAME, TO_NAME, DATA_KEY):
        raise HTTPException(
            422,
            f"the project's config uses <Labels name={info.from_name!r} toName={info.to_name!r}> on ${info.data_key}; "
            f"govreport predicts for name={FROM_NAME!r} toName={TO_NAME!r} on ${DATA_KEY} "
            "(use annotations/label_config.xml from `govreport label config`)",
        )


# ---- endpoints ----

router = APIRouter(tags=["label-studio ml backend"])
StateDep = Annotated[MLBackendState, Depends(get_state)]
# a task's text travels inside the JSON: a GBK report must be decoded before it is put there
_TASK_TEXT_ADVICE = "decode a GBK report before its text goes into data.text"


@router.get("/health")
def health(request: Request, state: StateDep) -> dict[str, Any]:
    version = getattr(_service_tagger(request), "version", None) or state.holder.version_hint()
    return {"status": "UP", "model_class": "govreport", "model_version": version}


@router.post("/setup", dependencies=[KeyDep], openapi_extra=json_body_doc(SetupRequest))
def setup(body: Annotated[SetupRequest, Depends(json_body(SetupRequest))], request: Request, state: StateDep) -> dict[str, Any]:
    _check_config(body.schema_)
    if getattr(request.app.state, "runtime", None) is None:
        state.holder.warm_up()  # the 3 s time-out leaves no room to load a model here
    return {"model_version": health(request, state)["model_version"]}


def _task_text(task: dict[str, Any], i: int, max_bytes: int) -> tuple[str, str | None]:
    """The task's text and file name, within the limits; InputError (4xx) for anything else."""
    data = task.get("data")
    tid = task.get("id", i)
    if not isinstance(data, dict):
        raise InputError(f"task {tid}: 'data' must be an object with the text in data[{DATA_KEY!r}]")
    text = data.get(DATA_KEY)
    if not isinstance(text, str):
        raise InputError(f"task {tid} has no text in data[{DATA_KEY!r}]")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError(f"task {tid}: the text contains a lone surrogate (\\ud800-\\udfff), which is not text") from None
    if size > max_bytes:
        raise InputTooLarge(f"task {tid}: the text is {size} bytes; the limit is {max_bytes} bytes")
    if (blank := blank_reason(text)) is not None:  # as /v1/extract answers: 400 "empty"
        raise EmptyInput(f"task {tid}: data[{DATA_KEY!r}] {blank}: supply a report with its text")
    name = data.get("filename")
    return text, name if isinstance(name, str) and name else None


@router.post("/predict", dependencies=[KeyDep], openapi_extra=json_body_doc(PredictRequest))
async def predict(
    request: Request,
    body: Annotated[PredictRequest, Depends(json_body(PredictRequest, _TASK_TEXT_ADVICE))],
    tagger: Annotated[Tagger, Depends(get_backend_tagger)],
) -> dict[str, Any]:
    _check_config(body.label_config)
    settings = _service_settings(request)
    runtime = getattr(request.app.state, "runtime", None)
    max_items = settings.max_batch_items if settings is not None else 32
    if len(body.tasks) > max_items:
        raise InputTooLarge(f"{len(body.tasks)} tasks in one request; the limit is {max_items} (GOVREPORT_MAX_BATCH_ITEMS)")
    max_bytes = settings.max_bytes if settings is not None else 10 * 1024 * 1024
    limits = settings.read_limits() if settings is not None else default_limits()
    texts = [_task_text(task, i, max_bytes) for i, task in enumerate(body.tasks)]
    for i, (text, _) in enumerate(texts):
        check_text(text, limits, f"task {body.tasks[i].get('id', i)}")
    deadline = time.monotonic() + (settings.request_timeout_s if settings is not None else 100.0)

    def job(text: str, filename: str | None) -> dict[str, Any]:
        with deadline_scope(deadline):
            doc = tag_original(tagger, Document.from_text(text, filename=filename))
        return prediction_from_spans(doc.text, doc.spans, tagger.version)

    pool = getattr(runtime, "pool", None)
    if pool is not None:  # the service's pool: its queue cap (503) and time limit (504) apply
        # Label Studio gives up on a slow /predict (its own timeout) and asks again: drop what it left
        jobs = [lambda t=t, f=f: job(t, f) for t, f in texts]
        outcomes = await pool.run(jobs, deadline, lambda: client_gone(request.receive))
    else:
        outcomes = [await asyncio.to_thread(job, t, f) for t, f in texts]
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return {"results": outcomes, "model_version": tagger.version}


@router.post("/webhook", dependencies=[KeyDep])
async def webhook(request: Request, state: StateDep) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > state.settings.webhook_max_bytes:
        raise InputTooLarge(f"the webhook body is {len(raw)} bytes; the limit is {state.settings.webhook_max_bytes}")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # pydantic would say "invalid unicode code point at line 1 column 11"
        raise WebhookNotJSON(f"the webhook body is not UTF-8 (byte {exc.start}); JSON is sent as UTF-8: re-encode it") from None
    try:
        body = WebhookRequest.model_validate_json(raw)
    except ValidationError as exc:
        syntax = next((e for e in exc.errors(include_url=False, include_input=False) if e["type"] == "json_invalid"), None)
        if syntax is not None:  # not JSON at all: 400 invalid_json, as on every route (service.handlers)
            reason = str(syntax["msg"]).removeprefix("Invalid JSON: ")
            raise WebhookNotJSON(f"the webhook body is not valid JSON ({reason})") from None
        first = exc.errors(include_url=False, include_input=False)[0] if exc.errors() else {"msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise InputError(f"not a Label Studio webhook event: {where}: {first['msg']}") from None
    return await asyncio.to_thread(_handle_event, body, state)


def _handle_event(body: WebhookRequest, state: MLBackendState) -> dict[str, Any]:
    project_id = _project_id(body.project)
    annotation_id = _int_id(body.annotation)
    event = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "action": body.action,
        "project": project_id,
        "task": _int_id(body.task),
        "annotation": annotation_id,
    }
    state.record(event)
    job: dict[str, Any] | None = None
    with state._lock:
        if body.action in TRAINING_ACTIONS and project_id is not None:
            bulk = (body.model_extra or {}).get("annotations")  # ANNOTATIONS_CREATED carries a list
            if isinstance(bulk, list):
                anns = [a if isinstance(a, dict) else {} for a in bulk[:100_000]]
            else:
                anns = [body.annotation or {}]
            new = [a for a in anns if state.first_delivery(body.action, project_id, a)]  # a retry counts once
            stamps = [str(a.get("updated_at") or a.get("created_at") or "") for a in new]
            latest = max((t for t in stamps if _parse_time(t)), key=lambda t: _parse_time(t), default=None)  # type: ignore[arg-type,return-value]
            if new:
                state.count(project_id, len(new), latest or event["time"])
        pending = state.pending.get(project_id, 0) if project_id is not None else 0
        due = body.action == "START_TRAINING" or (0 < state.settings.retrain_after <= pending)
        if due and project_id is not None:
            state.reset(project_id)
    if due and project_id is not None:
        job = state.jobs.trigger(project_id, "START_TRAINING" if body.action == "START_TRAINING" else f"{pending} new annotations")
    return {"status": "ok", "pending_annotations": 0 if job else pending, "job": job}


@router.get("/webhook/status", dependencies=[KeyDep])
def webhook_status(state: StateDep) -> dict[str, Any]:
    """What the webhook has seen and what the retraining job is doing (for operators and tests)."""
    return {"events": state.events, "pending": state.pending, "seen_until": state.seen_until, "job": dict(state.jobs.state)}


def create_backend_app(state: MLBackendState | None = None) -> FastAPI:
    """A bare app with only these endpoints (tests, or a backend running apart from the API)."""
    app = FastAPI(title="govreport ML backend")
    if state is not None:
        app.state.ml_backend = state

    @app.exception_handler(InputError)
    async def on_input_error(request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=exc.http_status)

    @app.exception_handler(ServiceError)  # json_body's 400 invalid_json
    async def on_service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=exc.status)

    app.include_router(router)
    return app
