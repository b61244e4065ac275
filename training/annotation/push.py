"""``govreport label push``: reports -> Label Studio tasks, each with the model's spans as a prediction.

Idempotent by content: a task carries the sha256 of its text (``data.doc_id``) and a report whose
hash is already in the project (or earlier in the same call) is not imported again, whatever file
it came from (the same report saved as UTF-8 and as UTF-16 is one task). A file that cannot be read
is named in the result and the others are pushed. Predictions
travel with the tasks and the project's ``model_version`` is set to the tagger's, so Label Studio
never needs to call an ML backend for these tasks (long reports can't time out).

After a promotion, pushing the same reports again adds the new version's prediction to every task
that lacks one and moves the project's ``model_version`` to it: Label Studio's editor pre-fills only
the predictions of the project's ``model_version``, so without this the annotators would keep
correcting the old model's spans.

A mojibake report (Chinese read as ISO-8859-1/Windows-1252 and saved again: ``æ¹–å—`` for 湖南)
is pushed read back (``as_annotated``): annotators read and label the Chinese text, and the
batches ``pull`` writes hold that text, which is what the model reads of such a file anyway (the
normalised view reads it back).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from govreport.extraction.document import Document
from govreport.extraction.errors import GovReportError
from govreport.extraction.filenames import printable_name
from govreport.extraction.ingest import load_path, read_back_of
from govreport.extraction.readbacktext import read_back_text
from govreport.extraction.taggers import Tagger
from govreport.extraction.textview import tag_original

from .client import LabelStudioClient
from .config import project_settings
from .convert import document_to_task, prediction_from_spans


@dataclass
class PushResult:
    project_id: int
    project_created: bool
    model_version: str
    imported: list[str] = field(default_factory=list)  # file names
    skipped: list[str] = field(default_factory=list)  # already in the project (same content)
    updated: list[str] = field(default_factory=list)  # already present: a prediction of this version added
    task_ids: list[int] = field(default_factory=list)
    previous_model_version: str | None = None  # the project's version before this push
    settings_updated: list[str] = field(default_factory=list)  # project fields brought up to date
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, why) of files not read

    def summary(self) -> str:
        what = "created" if self.project_created else "reused"
        line = (
            f"project {self.project_id} ({what}): imported {len(self.imported)} report(s), "
            f"skipped {len(self.skipped)} already present; predictions by {self.model_version}"
        )
        if self.updated:
            line += f"; added {self.model_version} predictions to {len(self.updated)} existing task(s)"
        if self.previous_model_version and self.previous_model_version != self.model_version:
            line += f"; project model version {self.previous_model_version} -> {self.model_version}"
        if self.settings_updated:
            line += f"; updated project {', '.join(self.settings_updated)}"
        if self.failed:
            line += f"; {len(self.failed)} file(s) not read"
        return line


def _sync_settings(client: LabelStudioClient, project: dict[str, Any]) -> list[str]:
    """Bring a reused project's config, instructions and empty-submit setting up to date."""
    def same(a: Any, b: Any) -> bool:  # Label Studio strips the config's trailing newline
        return a.strip() == b.strip() if isinstance(a, str) and isinstance(b, str) else a == b

    wanted = project_settings()
    changed = {k: v for k, v in wanted.items() if not same(project.get(k), v)}
    client.update_project(int(project["id"]), **changed)
    return sorted(changed)


def as_annotated(doc: Document) -> Document:
    """The Document annotators see: a mojibake one read back (its own text, hash and no spans),
    any other as it is but named by the hash of its text (``Origin.sha256`` of a file is the hash of
    its bytes: the same report in UTF-8 and in UTF-16 would be two tasks)."""
    back = read_back_text(doc.text, read_back_of(doc))
    if back is None:
        return replace(doc, origin=replace(doc.origin, sha256=text_id(doc.text)))
    return Document.from_text(back.text, filename=doc.origin.filename, media_type=doc.origin.media_type)


def text_id(text: str) -> str:
    """A task's ``doc_id``: the sha256 of its text in UTF-8 (what ``pull`` names the report by)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tasks_by_text(tasks: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The project's tasks under their ``doc_id`` and under the hash of the text they hold, each
    key's tasks in the project's order. Before ``doc_id`` was the text's hash, one report saved in
    two encodings became two tasks (doc_ids of the two files' bytes): a re-push after a promotion
    found the first by the text's hash and gave the second, an annotator's task too, no prediction
    of the new version."""
    out: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        data = task.get("data") or {}
        text = data.get("text")
        keys = {data.get("doc_id"), text_id(text) if isinstance(text, str) else None} - {None}
        for key in keys:
            out.setdefault(key, []).append(task)
    return out


def push_documents(
    client: LabelStudioClient,
    project: str,
    docs: Iterable[Document],
    tagger: Tagger,
    *,
    chunk: int = 50,
) -> PushResult:
    version = tagger.version
    settings = project_settings()
    ref = client.get_or_create_project(
        project, str(settings.pop("label_config")), model_version=version, settings=settings
    )
    info = client.project(ref.id)
    result = PushResult(ref.id, ref.created, version, previous_model_version=info.get("model_version") or None)
    if not ref.created:
        result.settings_updated = _sync_settings(client, info)
    present = tasks_by_text(client.iter_tasks(ref.id))
    pending: list[dict] = []

    def flush() -> None:
        if pending:
            result.task_ids += client.import_tasks(ref.id, pending)
            pending.clear()

    seen: set[str] = set()
    for given in docs:
        doc = as_annotated(given)
        name = doc.origin.filename or doc.origin.sha256[:12]
        if doc.origin.sha256 in seen:
            result.skipped.append(name)
            continue
        seen.add(doc.origin.sha256)
        # a task pushed before doc_id was the text's hash carries the file's bytes hash
        tasks = present.get(doc.origin.sha256) or present.get(given.origin.sha256)
        if tasks:
            lacking = [t for t in tasks if not any(p.get("model_version") == version for p in t.get("predictions") or [])]
            for task in lacking:  # every task of the text: one pushed twice before doc_id was its hash too
                text_doc = Document.from_text(task["data"]["text"], filename=doc.origin.filename)
                tagged = tag_original(tagger, text_doc)  # through the normalised view
                client.create_prediction(int(task["id"]), prediction_from_spans(tagged.text, tagged.spans, version))
            (result.updated if lacking else result.skipped).append(name)
            continue
        tagged = tag_original(tagger, doc.with_spans(()))  # through the normalised view
        pending.append(document_to_task(tagged, model_version=version))
        result.imported.append(name)
        if len(pending) >= chunk:
            flush()
    flush()
    if (result.imported or result.updated) and client.project(ref.id).get("model_version") != version:
        client.set_project_model_version(ref.id, version)
    return result


def push_files(client: LabelStudioClient, project: str, paths: Iterable[Path], tagger: Tagger) -> PushResult:
    """Push the files that can be read; each one that cannot (empty, damaged, too large) is listed
    in ``failed`` with the reason, as ``govreport extract`` lists it: one bad file among a folder's
    reports stopped the whole push, with the files before it tagged and partly imported."""
    failed: list[tuple[str, str]] = []

    def readable() -> Iterator[Document]:
        for p in paths:
            try:
                yield load_path(p)
            except (GovReportError, OSError) as exc:
                failed.append((printable_name(Path(p).name), str(exc)))

    result = push_documents(client, project, readable(), tagger)
    result.failed = failed
    return result
