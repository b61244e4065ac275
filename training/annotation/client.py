"""The one module that talks to Label Studio (through label-studio-sdk); the rest sees plain dicts.

Works with a legacy API token (``--enable-legacy-api-token``) or a personal access token; the SDK
tells them apart.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from pydantic_settings import BaseSettings, SettingsConfigDict

from govreport.extraction.errors import GovReportError


class LabelStudioError(GovReportError):
    """Label Studio could not be reached or refused a request."""

    code = "label_studio"


class LabelStudioSettings(BaseSettings):
    """``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY`` (the SDK's own variable names)."""

    model_config = SettingsConfigDict(env_prefix="LABEL_STUDIO_", extra="ignore")
    url: str = "http://127.0.0.1:8080"
    api_key: str = ""


@dataclass(frozen=True)
class ProjectRef:
    id: int
    title: str
    created: bool


def _plain(obj: Any) -> Any:
    """SDK pydantic objects -> JSON-compatible dicts."""
    if hasattr(obj, "model_dump"):
        return json.loads(obj.model_dump_json(by_alias=True, exclude_none=False))
    return obj


class LabelStudioClient:
    def __init__(self, url: str | None = None, api_key: str | None = None, timeout: float = 120.0):
        from label_studio_sdk.client import LabelStudio

        settings = LabelStudioSettings()
        self.url = (url or settings.url).rstrip("/")
        key = api_key if api_key is not None else settings.api_key
        if not key:
            raise LabelStudioError(
                "no Label Studio API key: pass --api-key or set LABEL_STUDIO_API_KEY "
                "(govreport label server start prints the export line with both URL and key)"
            )
        self._ls = LabelStudio(base_url=self.url, api_key=key, timeout=timeout)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        try:
            return fn(*args, **kwargs)
        except ApiError as exc:
            raise LabelStudioError(f"Label Studio refused to {what}: HTTP {exc.status_code}: {exc.body}") from None
        except httpx.TransportError as exc:
            raise LabelStudioError(f"cannot reach Label Studio at {self.url} to {what}: {exc}") from None

    # --- projects ---
    def find_project(self, title: str) -> int | None:
        pager = self._call("list projects", self._ls.projects.list, title=title, page_size=100)
        for p in pager:
            if p.title == title:
                return int(p.id)
        return None

    def get_or_create_project(
        self, title: str, label_config: str, model_version: str | None = None, settings: dict[str, Any] | None = None
    ) -> ProjectRef:
        """Find the project by title or create it; ``settings`` are further project fields (instructions,
        ``enable_empty_annotation`` ...) given at creation only (``update_project`` changes them later)."""
        pid = self.find_project(title)
        if pid is not None:
            return ProjectRef(pid, title, False)
        kwargs: dict[str, Any] = {"show_collab_predictions": True, **(settings or {}), "title": title, "label_config": label_config}
        if model_version:
            kwargs["model_version"] = model_version
        p = self._call(f"create project {title!r}", self._ls.projects.create, **kwargs)
        return ProjectRef(int(p.id), title, True)

    def project(self, project_id: int) -> dict[str, Any]:
        return _plain(self._call(f"get project {project_id}", self._ls.projects.get, id=project_id))

    def update_project(self, project_id: int, **fields: Any) -> None:
        """Change project fields (names as in Label Studio's API, e.g. ``expert_instruction``)."""
        if fields:
            self._call("update the project", self._ls.projects.update, id=project_id, **fields)

    def set_project_model_version(self, project_id: int, model_version: str) -> None:
        """The version whose predictions Label Studio shows; tasks that already hold a prediction
        of this version are never sent to an ML backend again."""
        self._call("update the project", self._ls.projects.update, id=project_id, model_version=model_version)

    # --- tasks ---
    def iter_tasks(self, project_id: int, *, only_annotated: bool = False) -> Iterator[dict[str, Any]]:
        pager = self._call(
            f"list tasks of project {project_id}",
            self._ls.tasks.list,
            project=project_id,
            page_size=100,
            only_annotated=only_annotated or None,
        )
        for t in pager:
            yield _plain(t)

    def task(self, task_id: int) -> dict[str, Any]:
        return _plain(self._call(f"get task {task_id}", self._ls.tasks.get, id=str(task_id)))

    def import_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
        if not tasks:
            return []
        r = self._call(
            f"import {len(tasks)} task(s)", self._ls.projects.import_tasks, id=project_id, request=tasks, return_task_ids=True
        )
        return [int(i) for i in (getattr(r, "task_ids", None) or [])]

    def export_tasks(self, project_id: int) -> list[dict[str, Any]]:
        """The raw JSON export (all tasks, with annotations and predictions), exactly as sent."""
        chunks = self._call(
            f"export project {project_id}",
            self._ls.projects.exports.download_sync,
            project_id,
            export_type="JSON",
            download_all_tasks=True,
        )
        data = json.loads(b"".join(chunks).decode("utf-8"))
        if not isinstance(data, list):
            raise LabelStudioError(f"unexpected export format from Label Studio: {type(data).__name__}")
        return data

    def predictions(self, task_id: int) -> list[dict[str, Any]]:
        return [_plain(p) for p in self._call(f"list predictions of task {task_id}", self._ls.predictions.list, task=task_id)]

    def create_prediction(self, task_id: int, prediction: dict[str, Any]) -> int:
        """Add a prediction (``{model_version, score, result}``) to an existing task."""
        p = self._call(
            f"add a prediction to task {task_id}",
            self._ls.predictions.create,
            task=task_id,
            result=prediction["result"],
            score=prediction.get("score"),
            model_version=prediction.get("model_version"),
        )
        return int(p.id)

    def labelling_task(self, project_id: int) -> dict[str, Any] | None:
        """The next task of the labelling stream as the labelling UI receives it (its predictions
        are only those of the project's ``model_version``: what the editor pre-fills). The SDK has
        no method for this endpoint, so it goes through the SDK's own authenticated HTTP client."""
        r = self._call(
            "get the next task",
            self._ls._client_wrapper.httpx_client.request,
            f"api/projects/{project_id}/next/",
            method="GET",
        )
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            raise LabelStudioError(f"Label Studio refused to get the next task: HTTP {r.status_code}: {r.text[:300]}")
        return r.json()

    # --- annotations (what an annotator does in the UI) ---
    def create_annotation(self, task_id: int, result: list[dict[str, Any]], lead_time: float = 0.0) -> int:
        a = self._call(
            f"annotate task {task_id}", self._ls.annotations.create, id=task_id, result=result, lead_time=lead_time
        )
        return int(a.id)

    def update_annotation(self, annotation_id: int, result: list[dict[str, Any]]) -> None:
        self._call(f"update annotation {annotation_id}", self._ls.annotations.update, id=annotation_id, result=result)

    # --- ML backend ---
    def connect_ml_backend(self, project_id: int, url: str, title: str = "govreport", timeout: float = 100.0) -> int:
        """Register govreport as the project's ML backend (Label Studio calls /health and /setup now,
        and adds a webhook to ``<url>/webhook``)."""
        for b in self._call("list ML backends", self._ls.ml.list, project=project_id) or []:
            if (b.url or "").rstrip("/") == url.rstrip("/"):
                return int(b.id)
        b = self._call(
            f"connect the ML backend at {url}",
            self._ls.ml.create,
            project=project_id,
            url=url,
            title=title,
            is_interactive=False,
            timeout=timeout,
        )
        return int(b.id)

    def ml_backends(self, project_id: int) -> list[dict[str, Any]]:
        return [_plain(b) for b in self._call("list ML backends", self._ls.ml.list, project=project_id) or []]

    def retrieve_predictions(self, project_id: int, task_ids: Iterable[int]) -> dict[str, Any]:
        """What the data manager's "Retrieve predictions" action does: ask the ML backend for the
        tasks that lack a prediction of the project's current model version."""
        ids = [int(i) for i in task_ids]
        r = self._call(
            "retrieve predictions",
            self._ls.actions.create,
            id="retrieve_tasks_predictions",
            project=project_id,
            selected_items={"all": False, "included": ids},
        )
        return _plain(r) if r is not None else {}

    def webhooks(self, project_id: int) -> list[dict[str, Any]]:
        return [_plain(w) for w in self._call("list webhooks", self._ls.webhooks.list, project=str(project_id)) or []]
