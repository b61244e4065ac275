"""Synthetic reports as a Hugging Face ``datasets`` Dataset (schema in docs/synth.md).

The dataset is written to a temporary sibling directory and renamed into place, and its
fingerprint is derived from the generator's arguments, so the same arguments give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable

from govreport.extraction.labels import LABEL_SET_VERSION

from .generator import SynthReport, iter_reports

SCHEMA_VERSION = "1"


def features() -> Any:
    from datasets import Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "label": Value("string")}
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "spans": List(span),
            "gold": Value("string"),
            "transforms": List(Value("string")),
            "template": Value("string"),
            "year": Value("int32"),
            "organ": Value("string"),
            "inconsistent": Value("bool"),
            "seed": Value("int64"),
            "index": Value("int32"),
            "label_set": Value("string"),
        }
    )


def to_record(r: SynthReport) -> dict[str, Any]:
    return {
        "id": r.id,
        "text": r.text,
        "spans": [{"start": s.start, "end": s.end, "label": s.label.value} for s in r.spans],
        "gold": json.dumps(r.gold, ensure_ascii=False, sort_keys=True),
        "transforms": list(r.transforms),
        "template": r.template,
        "year": int(r.gold["year"]),
        "organ": r.gold["organ"] or "",
        "inconsistent": r.inconsistent,
        "seed": r.seed,
        "index": r.index,
        "label_set": LABEL_SET_VERSION,
    }


def build_dataset(reports: Iterable[SynthReport], description: str = "", fingerprint: str | None = None) -> Any:
    from datasets import Dataset, DatasetInfo

    records = [to_record(r) for r in reports]
    columns = {k: [rec[k] for rec in records] for k in features()}
    info = DatasetInfo(description=description, features=features())
    ds = Dataset.from_dict(columns, features=features(), info=info)
    if fingerprint:
        ds._fingerprint = fingerprint  # the random default would make state.json differ between runs
    return ds


def write_dataset(out_dir: str | Path, n: int, seed: int, *, rates: dict[str, float] | None = None,
                  kinds: list[str] | None = None, fmt: str | None = None, overwrite: bool = False) -> Path:  # fmt: skip
    """Generate ``n`` reports and save them with ``save_to_disk`` at ``out_dir`` (atomically)."""
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise FileExistsError(f"{out} exists and is not empty (use --overwrite)")
    params = {"n": n, "seed": seed, "rates": dict(sorted((rates or {}).items())), "kinds": kinds, "format": fmt,
              "schema": SCHEMA_VERSION, "label_set": LABEL_SET_VERSION}  # fmt: skip
    desc = "govreport synthetic 政府信息公开工作年度报告 (docs/synth.md); generator arguments: " + json.dumps(
        params, ensure_ascii=False, sort_keys=True
    )
    fp = hashlib.sha256(desc.encode("utf-8")).hexdigest()[:16]
    ds = build_dataset(iter_reports(n, seed, rates=rates, kinds=kinds, fmt=fmt), desc, fp)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        ds.save_to_disk(str(tmp))
        os.chmod(tmp, 0o755)  # mkdtemp's 0700 is for the temporary name only
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def load_reports(path: str | Path) -> Any:
    """The saved Dataset (``datasets.load_from_disk``); ``gold`` is a JSON string per row."""
    from datasets import load_from_disk

    return load_from_disk(str(path))
