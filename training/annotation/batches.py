"""Immutable annotation batches: ``annotations/batches/<id>/`` = raw export + HF dataset + manifest.

A batch is written into a hidden temporary directory and renamed into place when complete (as the
model registry does), so a crashed pull leaves nothing that looks like a batch, and nothing is
ever overwritten. Each manifest records, per task, the digest of the annotation it took, which is
how the next pull knows what is new or changed.

The held-out split is fixed by the report's content hash, so a report never moves between train
and held-out as batches accumulate.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from govreport.extraction.document import Document, Origin, Span
from govreport.extraction.labels import LABEL_SET_VERSION, parse_label
from govreport.training.registry import atomic_write_text

REPO = Path(__file__).resolve().parents[2]
LS_DATA_DIR_ENV = "GOVREPORT_LS_DATA_DIR"  # the webhook job's data dir (service.ml_backend) too


def annotations_root(package_root: Path = REPO) -> Path:
    """Where the annotation loop writes by default: ``annotations/`` of a checkout; in an installed
    package (``package_root``, ``site-packages/govreport``, holds ``__init__.py``) the user's data dir
    the webhook job uses (``GOVREPORT_LS_DATA_DIR``, else ``$XDG_DATA_HOME/govreport/annotation``):
    ``label pull`` wrote its batches, full report texts, inside site-packages."""
    if not (package_root / "__init__.py").is_file():
        return package_root / "annotations"
    env = os.environ.get(LS_DATA_DIR_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govreport" / "annotation"


DEFAULT_BATCHES_DIR = annotations_root() / "batches"
MANIFEST = "manifest.json"
RAW_EXPORT = "raw_export.json"
DATASET_DIR = "dataset"
_BATCH_RE = re.compile(r"^b(\d{4})-\d{8}T\d{6}Z$")
DEFAULT_HELDOUT_FRACTION = 0.25


def _in_share(salt: str, doc_id: str, fraction: float) -> bool:
    """Whether a report falls in ``fraction`` of all reports for one purpose (``salt``): its content
    hash alone decides, so the answer never changes between batches and runs."""
    return int(hashlib.sha256(f"{salt}:{doc_id}".encode()).hexdigest()[:8], 16) % 10_000 < fraction * 10_000


def split_of(doc_id: str, heldout_fraction: float = DEFAULT_HELDOUT_FRACTION) -> str:
    """``heldout`` or ``train``, from the content hash alone (stable across batches and runs)."""
    return "heldout" if _in_share("split", doc_id, heldout_fraction) else "train"


def in_dev(doc_id: str, dev_fraction: float) -> bool:
    """Whether a train-split report serves as retraining's dev data (epoch selection and the rule
    prior's calibration) instead of as a training example; hashed apart from ``split_of``."""
    return _in_share("dev", doc_id, dev_fraction)


def spans_digest(doc_id: str, spans: Iterable[Span]) -> str:
    payload = json.dumps([doc_id, [[s.start, s.end, s.label.value] for s in sorted(spans)]])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Batch:
    id: str
    path: Path

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / MANIFEST).read_text("utf-8"))

    def documents(self) -> list[Document]:
        """The batch's reports as human-labelled Documents (meta: split, task, annotation)."""
        from datasets import load_from_disk

        ds = load_from_disk(str(self.path / DATASET_DIR))
        docs = []
        for row in ds:
            doc = Document(
                text=row["text"],
                origin=Origin(row["filename"] or None, row["doc_id"], row["media_type"] or "text/plain"),
            ).with_spans(Span(s["start"], s["end"], parse_label(s["label"]), 1.0, "human") for s in row["spans"])
            docs.append(
                doc.with_meta(
                    split=row["split"],
                    project_id=row["project_id"],
                    task_id=row["task_id"],
                    annotation_id=row["annotation_id"],
                    batch=self.id,
                )
            )
        return docs


def list_batches(batches_dir: Path = DEFAULT_BATCHES_DIR) -> list[Batch]:
    if not batches_dir.is_dir():
        return []
    out = [Batch(p.name, p) for p in batches_dir.iterdir() if p.is_dir() and _BATCH_RE.match(p.name) and (p / MANIFEST).exists()]
    return sorted(out, key=lambda b: b.id)


def seen_annotations(batches_dir: Path, project_id: int) -> dict[str, str]:
    """``task id -> digest`` of the annotation last taken for each task of the project."""
    seen: dict[str, str] = {}
    for b in list_batches(batches_dir):
        m = b.manifest
        if m.get("project_id") != project_id:
            continue
        for task_id, info in (m.get("tasks") or {}).items():
            seen[task_id] = info["digest"]
    return seen


def load_documents(batches_dir: Path = DEFAULT_BATCHES_DIR, batch_ids: Iterable[str] | None = None) -> list[Document]:
    """Every annotated report across batches, the latest annotation of each report winning."""
    wanted = set(batch_ids) if batch_ids is not None else None
    latest: dict[str, Document] = {}
    for b in list_batches(batches_dir):
        if wanted is not None and b.id not in wanted:
            continue
        for doc in b.documents():
            latest[doc.origin.sha256] = doc  # batches are in creation order: later wins
    return list(latest.values())


def _features() -> Any:
    from datasets import Features, Value

    return Features(
        {
            "doc_id": Value("string"),
            "text": Value("string"),
            "filename": Value("string"),
            "media_type": Value("string"),
            "spans": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string")}],
            "split": Value("string"),
            "project_id": Value("int64"),
            "task_id": Value("int64"),
            "annotation_id": Value("int64"),
            "updated_at": Value("string"),
            "label_set": Value("string"),
        }
    )


def _row(doc: Document, project_id: int, heldout_fraction: float) -> dict[str, Any]:
    return {
        "doc_id": doc.origin.sha256,
        "text": doc.text,
        "filename": doc.origin.filename or "",
        "media_type": doc.origin.media_type,
        "spans": [{"start": s.start, "end": s.end, "label": s.label.value} for s in doc.spans],
        "split": split_of(doc.origin.sha256, heldout_fraction),
        "project_id": project_id,
        "task_id": int(doc.meta.get("task_id") or 0),
        "annotation_id": int(doc.meta.get("annotation_id") or 0),
        "updated_at": str(doc.meta.get("updated_at") or ""),
        "label_set": LABEL_SET_VERSION,
    }


@contextmanager
def _no_datasets_bars() -> Iterator[None]:
    """``datasets`` draws its "Saving the dataset" bar with carriage returns even off a terminal:
    ``label pull`` run by the webhook job filled its log with them. Off while the block runs, then
    as the caller had it (a notebook that wants its bars keeps them)."""
    from datasets.utils import logging as ds_logging

    was_on = ds_logging.is_progress_bar_enabled()
    ds_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            ds_logging.enable_progress_bar()


def _report_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The batch's counts by report, not by task: two tasks with one text (pushed before ``doc_id``
    was the text's hash, or imported by hand) are one report to ``load_documents``, which keeps
    the last; ``reports``/``train``/``heldout`` said 2. ``tasks`` counts rows, ``spans`` those
    of the reports kept."""
    kept = {r["doc_id"]: r for r in rows}  # the last row of a text wins, as in load_documents
    return {
        "reports": len(kept),
        "train": sum(r["split"] == "train" for r in kept.values()),
        "heldout": sum(r["split"] == "heldout" for r in kept.values()),
        "spans": sum(len(r["spans"]) for r in kept.values()),
        "same_text_tasks": len(rows) - len(kept),
    }


def _next_batch_id(batches_dir: Path) -> str:
    nums = [int(_BATCH_RE.match(b.id).group(1)) for b in list_batches(batches_dir)]  # type: ignore[union-attr]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"b{(max(nums) + 1 if nums else 1):04d}-{stamp}"


def write_batch(
    batches_dir: Path,
    docs: list[Document],
    raw_export: list[dict[str, Any]],
    manifest: dict[str, Any],
    heldout_fraction: float = DEFAULT_HELDOUT_FRACTION,
) -> Batch:
    """Write a new batch atomically; ``manifest`` gets the id, time, split counts and task digests."""
    from datasets import Dataset

    batches_dir.mkdir(parents=True, exist_ok=True)
    tmp = batches_dir / f".tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        project_id = int(manifest["project_id"])
        rows = [_row(d, project_id, heldout_fraction) for d in docs]
        with _no_datasets_bars():
            Dataset.from_list(rows, features=_features()).save_to_disk(str(tmp / DATASET_DIR))
        atomic_write_text(tmp / RAW_EXPORT, json.dumps(raw_export, ensure_ascii=False, indent=1))
        manifest = dict(manifest)
        manifest.update(
            label_set=LABEL_SET_VERSION,
            heldout_fraction=heldout_fraction,
            counts={**manifest.get("counts", {}), **_report_counts(rows)},
            tasks={
                str(r["task_id"]): {
                    "annotation_id": r["annotation_id"],
                    "doc_id": r["doc_id"],
                    "filename": r["filename"],
                    "updated_at": r["updated_at"],
                    "digest": spans_digest(r["doc_id"], docs[i].spans),
                    "split": r["split"],
                }
                for i, r in enumerate(rows)
            },
        )
        for _ in range(5):
            bid = _next_batch_id(batches_dir)
            manifest["batch"] = bid
            manifest["created_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            atomic_write_text(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            if (batches_dir / bid).exists():
                continue
            try:
                os.rename(tmp, batches_dir / bid)
                return Batch(bid, batches_dir / bid)
            except OSError:
                continue
        raise RuntimeError(f"could not allocate a new batch id in {batches_dir}")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
