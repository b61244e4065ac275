"""Label Studio's ML-backend protocol (``/health``, ``/setup``, ``/predict``, ``/webhook``) on govreport.

Label Studio's time-outs shape this module: ``/health`` 1 s, ``/setup`` 3 s, ``/predict`` 100 s,
webhooks 1 s (delivered synchronously without Redis). So ``/health`` and ``/setup`` never load a
model, ``/predict`` runs in the thread pool, and the webhook only records the event: a retraining
job runs in a separate process, started in the background once enough annotations accumulate (or
on ``START_TRAINING``), never inside a request. Predictions name the model version from the model
registry (the loaded tagger's ``version``), never a random or reused one.
"""
from __future__ import annotations

import json
import logging
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
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from govreport.extraction.document import Document
from govreport.extraction.taggers import Tagger, get_tagger
from govreport.extraction.textview import tag_original
from govreport.training.annotation.config import DATA_KEY, FROM_NAME, TO_NAME, LabelConfigError, parse_label_config
from govreport.training.annotation.convert import prediction_from_spans

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
TRAINING_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"}


class MLBackendSettings(BaseSettings):
    """``GOVREPORT_LS_*``: when the webhook starts retraining, and what it runs."""

    model_config = SettingsConfigDict(env_prefix="GOVREPORT_LS_", extra="ignore")

    retrain_after: int = Field(50, ge=0, description="new annotations that start a background retrain; 0: only START_TRAINING")
    runs_dir: Path = Field(REPO / "annotations" / "runs", description="webhook event log and job logs")
    retrain_command: str = Field(
        "{python} -m govreport.service.cli label pull --project-id {project} && {python} -m govreport.service.cli retrain",
        description="shell command of the background job; {python} and {project} are filled in",
    )
    registry_poll_s: float = Field(2.0, ge=0, description="seconds between checks of the registry's ACTIVE pointer")


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
            log_path = self.settings.runs_dir / "jobs" / f"retrain-{stamp}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            cmd = self.settings.retrain_command.format(python=shlex.quote(sys.executable), project=int(project_id))
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
        return subprocess.run(cmd, shell=True, cwd=REPO, stdout=f, stderr=subprocess.STDOUT).returncode


# ---- state shared by the endpoints ----


@dataclass
class MLBackendState:
    settings: MLBackendSettings
    holder: TaggerHolder
    jobs: JobRunner
    pending: dict[int, int] = field(default_factory=dict)  # project -> annotations since the last job
    events: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, event: dict[str, Any]) -> None:
        path = self.settings.runs_dir / "webhook_events.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(event, ensure_ascii=False) + "\n"
        with self._lock, open(path, "a", encoding="utf-8") as f:  # one short append per event
            f.write(line)
            self.events += 1


def get_state(request: Request) -> MLBackendState:
    st = getattr(request.app.state, "ml_backend", None)
    if st is None:
        settings = MLBackendSettings()
        st = MLBackendState(settings, TaggerHolder(poll_s=settings.registry_poll_s), JobRunner(settings))
        request.app.state.ml_backend = st
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
    project: dict[str, Any] | None = None
    task: dict[str, Any] | None = None
    annotation: dict[str, Any] | None = None


def _project_id(value: str | int | dict[str, Any] | None) -> int | None:
    if isinstance(value, dict):
        value = value.get("id")
    if value is None:
        return None
    try:
        return int(str(value).split(".")[0])  # /predict and /setup send "<id>.<timestamp>"
    except ValueError:
        return None


def _check_config(xml: str | None) -> None:
    if not xml:
        return
    try:
        info = parse_label_config(xml)
    except LabelConfigError as exc:
        raise HTTPException(422, str(exc)) from None
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


@router.get("/health")
def health(request: Request, state: StateDep) -> dict[str, Any]:
    version = getattr(_service_tagger(request), "version", None) or state.holder.version_hint()
    return {"status": "UP", "model_class": "govreport", "model_version": version}


@router.post("/setup")
def setup(body: SetupRequest, request: Request, state: StateDep) -> dict[str, Any]:
    _check_config(body.schema_)
    if getattr(request.app.state, "runtime", None) is None:
        state.holder.warm_up()  # the 3 s time-out leaves no room to load a model here
    return {"model_version": health(request, state)["model_version"]}


@router.post("/predict")
def predict(body: PredictRequest, tagger: Annotated[Tagger, Depends(get_backend_tagger)]) -> dict[str, Any]:
    _check_config(body.label_config)
    results = []
    for i, task in enumerate(body.tasks):
        data = task.get("data") or {}
        text = data.get(DATA_KEY)
        if not isinstance(text, str) or not text:
            raise HTTPException(422, f"task {task.get('id', i)} has no text in data[{DATA_KEY!r}]")
        doc = tag_original(tagger, Document.from_text(text, filename=data.get("filename") or None))
        results.append(prediction_from_spans(doc.text, doc.spans, tagger.version))
    return {"results": results, "model_version": tagger.version}


@router.post("/webhook")
def webhook(body: WebhookRequest, state: StateDep) -> dict[str, Any]:
    project_id = _project_id(body.project)
    event = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "action": body.action,
        "project": project_id,
        "task": (body.task or {}).get("id"),
        "annotation": (body.annotation or {}).get("id"),
    }
    state.record(event)
    job: dict[str, Any] | None = None
    with state._lock:
        if body.action in TRAINING_ACTIONS and project_id is not None:
            bulk = (body.model_extra or {}).get("annotations")  # ANNOTATIONS_CREATED carries a list
            state.pending[project_id] = state.pending.get(project_id, 0) + (len(bulk) if isinstance(bulk, list) else 1)
        pending = state.pending.get(project_id, 0) if project_id is not None else 0
        due = body.action == "START_TRAINING" or (0 < state.settings.retrain_after <= pending)
        if due and project_id is not None:
            state.pending[project_id] = 0
    if due and project_id is not None:
        job = state.jobs.trigger(project_id, "START_TRAINING" if body.action == "START_TRAINING" else f"{pending} new annotations")
    return {"status": "ok", "pending_annotations": 0 if job else pending, "job": job}


@router.get("/webhook/status")
def webhook_status(state: StateDep) -> dict[str, Any]:
    """What the webhook has seen and what the retraining job is doing (for operators and tests)."""
    return {"events": state.events, "pending": state.pending, "job": dict(state.jobs.state)}


def create_backend_app(state: MLBackendState | None = None) -> FastAPI:
    """A bare app with only these endpoints (tests, or a backend running apart from the API)."""
    app = FastAPI(title="govreport ML backend")
    if state is not None:
        app.state.ml_backend = state
    app.include_router(router)
    return app
