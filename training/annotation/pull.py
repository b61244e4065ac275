"""``govreport label pull``: completed annotations -> a new immutable batch of training data.

Every region is validated (``convert.result_to_spans``); by default one bad region fails the whole
pull with the list of every problem and writes nothing, because a silently dropped correction is
worse than a loud one. ``skip_invalid`` writes the valid tasks and lists the rejected ones in the
manifest.

An annotation without a single span is never taken as gold: Label Studio lets an annotator submit
an untouched empty task (its API never refuses one), and such a report would teach "everything is
O". ``pull`` leaves it out and warns, naming the task; the manifest lists it under ``empty``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batches import DEFAULT_BATCHES_DIR, DEFAULT_HELDOUT_FRACTION, Batch, seen_annotations, spans_digest, write_batch
from .client import LabelStudioClient, LabelStudioError
from .convert import AnnotationError, latest_annotation, task_to_document

if TYPE_CHECKING:
    from govreport.extraction.document import Document


@dataclass
class PullResult:
    project_id: int
    batch: Batch | None
    counts: dict[str, int]
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. empty annotations left out

    def summary(self) -> str:
        c = self.counts
        head = f"project {self.project_id}: {c['tasks']} task(s), {c['annotated']} annotated"
        tail = f"{c['new']} new, {c['changed']} changed, {c['unchanged']} unchanged, {c['rejected']} rejected"
        if c.get("empty"):
            tail += f", {c['empty']} empty (left out)"
        where = f"-> {self.batch.path}" if self.batch else "-> nothing new, no batch written"
        return f"{head}: {tail} {where}"


def _finite(value: Any) -> tuple[Any, int]:
    """``value`` with NaN/inf numbers (Label Studio exports them, e.g. ``lead_time``) replaced by
    None, so the archived export is valid JSON; and how many were replaced. Non-recursive."""
    count = 0
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        v = parent[key]
        if isinstance(v, float) and not math.isfinite(v):
            parent[key] = None
            count += 1
        elif isinstance(v, dict):
            stack.extend((v, k) for k in v)
        elif isinstance(v, list):
            stack.extend((v, i) for i in range(len(v)))
    return root[0], count


def _task_problem(task: Any, index: int) -> str | None:
    """What makes an exported task unusable before conversion (a shape Label Studio never sends)."""
    if not isinstance(task, dict):
        return f"export item {index}: not a task object ({type(task).__name__})"
    tid = task.get("id", f"#{index}")
    if not isinstance(task.get("data"), dict):
        return f"task {tid}: 'data' is not an object"
    anns = task.get("annotations")
    if anns is not None and not (isinstance(anns, list) and all(isinstance(a, dict) for a in anns)):
        return f"task {tid}: 'annotations' is not a list of objects"
    for a in anns or []:
        if a.get("result") is not None and not (
            isinstance(a["result"], list) and all(isinstance(r, dict) for r in a["result"])
        ):
            return f"task {tid}: annotation {a.get('id')}: 'result' is not a list of regions"
    return None


def same_text_warnings(docs: list[Document]) -> list[str]:
    """One warning per text that more than one of the pulled tasks hold (``docs`` in export order):
    they are one report to retraining (``load_documents`` keeps the last task's annotation), which
    the counts now say; the annotators should know which of their corrections is the one read."""
    by_text: dict[str, list[Any]] = {}
    for doc in docs:
        by_text.setdefault(doc.origin.sha256, []).append(doc.meta.get("task_id"))
    return [
        f"tasks {', '.join(str(t) for t in tasks)} hold one text (doc_id {doc_id[:12]}…): one report, "
        f"trained on task {tasks[-1]}'s annotation — delete the other task(s) in Label Studio"
        for doc_id, tasks in by_text.items()
        if len(tasks) > 1
    ]


def pull(
    client: LabelStudioClient,
    project: str | int,
    batches_dir: Path = DEFAULT_BATCHES_DIR,
    *,
    skip_invalid: bool = False,
    repair_utf16: bool = True,
    heldout_fraction: float = DEFAULT_HELDOUT_FRACTION,
) -> PullResult:
    project_id = project if isinstance(project, int) else client.find_project(project)
    if project_id is None:
        raise LabelStudioError(f"no Label Studio project titled {project!r} at {client.url}")
    project_title = client.project(project_id).get("title") or str(project)
    export = client.export_tasks(project_id)
    if not isinstance(export, list):
        raise LabelStudioError(f"the export of project {project_id} is not a list of tasks ({type(export).__name__})")
    export, _ = _finite(export)
    seen = seen_annotations(batches_dir, project_id)

    counts = {"tasks": len(export), "annotated": 0, "new": 0, "changed": 0, "unchanged": 0, "rejected": 0,
              "repaired_utf16": 0, "trimmed": 0, "duplicates": 0, "empty": 0}  # fmt: skip
    docs, raw, problems, warnings = [], [], [], []
    for index, task in enumerate(export):
        shape = _task_problem(task, index)
        if shape is not None:
            counts["rejected"] += 1
            problems.append(shape)
            continue
        ann = latest_annotation(task)
        if ann is None:
            continue
        counts["annotated"] += 1
        try:
            doc, conv = task_to_document(task, ann, repair_utf16=repair_utf16)
        except AnnotationError as exc:
            counts["rejected"] += 1
            problems.extend(exc.problems)
            continue
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:  # a malformed region
            counts["rejected"] += 1
            problems.append(f"task {task.get('id')}: malformed annotation ({type(exc).__name__}: {exc})")
            continue
        if not doc.spans:
            counts["empty"] += 1
            preds = task.get("predictions") if isinstance(task.get("predictions"), list) else []
            sizes = [len(p["result"]) for p in preds if isinstance(p, dict) and isinstance(p.get("result"), list)]  # the export may give ids only
            had = f"; the prediction had {max(sizes)}" if sizes else ""
            name = (task.get("data") or {}).get("filename") or ""
            warnings.append(
                f"task {task.get('id')}{f' ({name})' if name else ''}: annotation {ann.get('id')} is empty "
                f"(0 spans{had}): left out of the training data — correct and submit it again, or skip the task"
            )
            continue
        prev = seen.get(str(task.get("id")))
        if prev == spans_digest(doc.origin.sha256, doc.spans):
            counts["unchanged"] += 1
            continue
        counts["changed" if prev else "new"] += 1
        for k in ("repaired_utf16", "trimmed", "duplicates"):
            counts[k] += getattr(conv, k)
        docs.append(doc)
        raw.append(task)
    if problems and not skip_invalid:
        raise AnnotationError(problems)
    if not docs:
        return PullResult(project_id, None, counts, problems, warnings)
    same_text = same_text_warnings(docs)
    manifest: dict[str, Any] = {
        "project": project_title,
        "project_id": project_id,
        "label_studio": client.url,
        "counts": counts,
        "rejected": problems,
        "empty": warnings,
        "same_text": same_text,
    }
    batch = write_batch(batches_dir, docs, raw, manifest, heldout_fraction)
    return PullResult(project_id, batch, counts, problems, warnings + same_text)
