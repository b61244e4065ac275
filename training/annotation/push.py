"""``govreport label push``: reports -> Label Studio tasks, each with the model's spans as a prediction.

Idempotent by content: a task carries the sha256 of its text (``data.doc_id``) and a report whose
hash is already in the project (or earlier in the same call) is not imported again. Predictions
travel with the tasks and the project's ``model_version`` is set to the tagger's, so Label Studio
never needs to call an ML backend for these tasks (long reports can't time out).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from govreport.extraction.document import Document
from govreport.extraction.ingest import load_path
from govreport.extraction.taggers import Tagger
from govreport.extraction.textview import tag_original

from .client import LabelStudioClient
from .config import label_config_xml
from .convert import document_to_task


@dataclass
class PushResult:
    project_id: int
    project_created: bool
    model_version: str
    imported: list[str] = field(default_factory=list)  # file names
    skipped: list[str] = field(default_factory=list)  # already in the project (same content)
    task_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        what = "created" if self.project_created else "reused"
        return (
            f"project {self.project_id} ({what}): imported {len(self.imported)} report(s), "
            f"skipped {len(self.skipped)} already present; predictions by {self.model_version}"
        )


def push_documents(
    client: LabelStudioClient,
    project: str,
    docs: Iterable[Document],
    tagger: Tagger,
    *,
    chunk: int = 50,
) -> PushResult:
    version = tagger.version
    ref = client.get_or_create_project(project, label_config_xml(), model_version=version)
    present = {t.get("data", {}).get("doc_id") for t in client.iter_tasks(ref.id)}
    result = PushResult(ref.id, ref.created, version)
    pending: list[dict] = []

    def flush() -> None:
        if pending:
            result.task_ids += client.import_tasks(ref.id, pending)
            pending.clear()

    for doc in docs:
        name = doc.origin.filename or doc.origin.sha256[:12]
        if doc.origin.sha256 in present:
            result.skipped.append(name)
            continue
        present.add(doc.origin.sha256)
        tagged = tag_original(tagger, doc.with_spans(()))  # through the normalised view
        pending.append(document_to_task(tagged, model_version=version))
        result.imported.append(name)
        if len(pending) >= chunk:
            flush()
    flush()
    if result.imported and client.project(ref.id).get("model_version") != version:
        client.set_project_model_version(ref.id, version)
    return result


def push_files(client: LabelStudioClient, project: str, paths: Iterable[Path], tagger: Tagger) -> PushResult:
    return push_documents(client, project, (load_path(p) for p in paths), tagger)
