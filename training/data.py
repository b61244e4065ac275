"""Training data: Documents with gold spans -> token ids and BIO label ids, cut into windows.

A token's label comes from the span that contains its first character: ``B-X`` when the token
starts the span (or follows a token outside it), else ``I-X``. Gold span edges always fall on
token edges except inside a digit run (``12`` where a label ends at ``1``); such tokens are
counted as misaligned so the data's fit to the tokenizer is reported, not hidden.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from govreport.extraction.document import Document, Span
from govreport.extraction.errors import InputError
from govreport.extraction.labels import LABELS, Label
from govreport.extraction.model.features import token_labels
from govreport.extraction.model.predictor import window_bounds
from govreport.extraction.model.tokenizer import CharTokenizer

from .modeling import IGNORE_INDEX


@dataclass(frozen=True)
class DocFeatures:
    ids: np.ndarray  # int64 [n]
    labels: np.ndarray  # int64 [n]: BIO tag ids
    misaligned: int  # tokens that cross a gold span edge
    rules: np.ndarray | None = None  # int64 [n]: the rule tagger's BIO tag ids (the model's second input)


def featurize(docs: Sequence[Document], tokenizer: CharTokenizer, rule_features: bool = False) -> list[DocFeatures]:
    from govreport.extraction.model.features import rule_token_ids
    from govreport.extraction.textview import view_document

    # the model reads what it reads at inference: the normalised view (spans carried into it)
    docs = [view_document(d)[0] for d in docs]
    encs = tokenizer.encode_batch([d.text for d in docs])
    out = []
    for doc, enc in zip(docs, encs):
        labels, bad = token_labels(doc, enc)
        rules = rule_token_ids(doc.text, enc) if rule_features else None
        out.append(DocFeatures(enc.ids, labels, bad, rules))
    return out


def _window(f: DocFeatures, s: int, e: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rules = f.rules[s:e] if f.rules is not None else np.zeros(e - s, dtype=np.int64)
    return f.ids[s:e], f.labels[s:e], rules


def make_windows(features: Iterable[DocFeatures], max_len: int, stride: int) -> list[tuple[np.ndarray, ...]]:
    """(ids, labels, rule tags) windows, the same cut as at inference."""
    out = []
    for f in features:
        for s, e in window_bounds(len(f.ids), max_len, stride):
            out.append(_window(f, s, e))
    return out


def shifted_windows(
    features: Iterable[DocFeatures], max_len: int, rng: np.random.Generator
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Non-overlapping windows whose cut points move by a random offset per document: each epoch
    sees every token once, with different context, at no extra cost (training only)."""
    out = []
    for f in features:
        n = len(f.ids)
        if n == 0:
            continue
        cut = int(rng.integers(0, max_len)) if n > max_len else 0
        starts = ([0] if cut else []) + list(range(cut, n, max_len))
        for s in starts:
            e = min(n, cut if s == 0 and cut else s + max_len)
            out.append(_window(f, s, e))
    return out


def length_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of window indices in which windows have similar lengths (full-length
    windows together, the short ones sorted), so most batches need no padding and no attention
    mask; the order of batches is shuffled too."""
    order = rng.permutation(len(lengths))
    longest = max(lengths, default=0)
    full = [i for i in order if lengths[i] == longest]
    short = sorted((i for i in order if lengths[i] != longest), key=lambda i: lengths[i])
    batches = [np.asarray(group[k : k + batch_size]) for group in (full, short) for k in range(0, len(group), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def pad_batch(windows: Sequence[tuple[np.ndarray, ...]], pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, attention mask, labels with IGNORE_INDEX at padding)."""
    width = max(len(w[0]) for w in windows)
    ids = np.full((len(windows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    labels = np.full((len(windows), width), IGNORE_INDEX, dtype=np.int64)
    for r, w in enumerate(windows):
        wi, wl = w[0], w[1]
        ids[r, : len(wi)] = wi
        mask[r, : len(wi)] = 1
        labels[r, : len(wl)] = wl
    return ids, mask, labels


def pad_rule_tags(windows: Sequence[tuple[np.ndarray, ...]]) -> np.ndarray:
    """The rule tags of a batch (third element of each window), padded with O."""
    width = max(len(w[0]) for w in windows)
    rules = np.zeros((len(windows), width), dtype=np.int64)
    for r, w in enumerate(windows):
        if len(w) > 2:
            rules[r, : len(w[2])] = w[2]
    return rules


# --------------------------------------------------------------------------- sources


def strip_spans(doc: Document) -> Document:
    return doc.with_spans([], replace_existing=True)


def _spans_from_column(value: Any) -> list[Span]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if isinstance(value, dict):  # a columnar struct: {"start": [...], "end": [...], "label": [...]}
        keys = list(value)
        value = [dict(zip(keys, row)) for row in zip(*(value[k] for k in keys))]
    return [Span.from_dict({**s, "source": s.get("source") or "human"}) for s in value or []]


def load_annotation_dir(path: str | Path, include_heldout: bool = False) -> list[Document]:
    """An annotated batch saved with ``datasets.Dataset.save_to_disk``: a ``text`` column and a
    ``spans`` column (a list of ``{start, end, label}``, or that list as JSON). ``path`` may also be
    a batch directory of the annotation loop (``annotations/batches/<id>``, dataset in ``dataset/``).
    Rows whose ``split`` is ``heldout`` are left out unless ``include_heldout``: they are the
    retraining's test set."""
    from datasets import load_from_disk

    p = Path(path)
    if not p.exists():
        raise InputError(f"annotation batch {p}: no such directory")
    if (p / "dataset").is_dir():
        p = p / "dataset"
    try:
        ds = load_from_disk(str(p))
    except (FileNotFoundError, ValueError) as exc:
        raise InputError(f"annotation batch {p} is not a datasets directory: {exc}") from None
    if hasattr(ds, "keys") and not hasattr(ds, "column_names"):  # a DatasetDict: use every split
        rows = [r for split in ds.values() for r in split]
    else:
        rows = list(ds)
    docs = []
    for i, row in enumerate(rows):
        if "text" not in row or "spans" not in row:
            raise InputError(f"annotation batch {p}: row {i} lacks a 'text' or 'spans' column")
        if row.get("split") == "heldout" and not include_heldout:
            continue
        try:
            spans = _spans_from_column(row["spans"])
            doc = Document.from_text(row["text"], filename=row.get("filename") or f"{p.name}#{i}")
            docs.append(doc.with_spans(spans))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"annotation batch {p}: row {i} has invalid spans: {exc}") from None
    return docs


def annotation_dirs_under(root: str | Path) -> list[Path]:
    """Every saved dataset directly under ``root`` (e.g. annotations/batches/*), sorted."""
    r = Path(root)
    if not r.is_dir():
        return []
    return sorted(p for p in r.iterdir() if p.is_dir() and ((p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists()))


def synth_available() -> bool:
    try:
        from govreport.training.synth import generate  # noqa: F401
    except ImportError:
        return False
    return True


def synth_documents(n: int, seed: int, rates: dict[str, float] | None = None) -> list[Document]:
    """``n`` generated reports with gold spans; ``meta['transforms']`` lists their messiness kinds.
    ``rates`` overrides the generator's default rates (e.g. the opt-in converter-damage kinds)."""
    if n <= 0:
        return []
    from govreport.training.synth import generate

    out = []
    for rep in generate(n, seed, rates=rates or None):
        doc = rep.to_document()
        out.append(doc.with_meta(transforms=list(getattr(rep, "transforms", []) or [])))
    return out


def data_hash(docs: Iterable[Document]) -> str:
    """sha256 over every text and its spans, in order: the training data's identity."""
    h = hashlib.sha256()
    for d in docs:
        h.update(hashlib.sha256(d.text.encode("utf-8", "surrogatepass")).digest())
        h.update(json.dumps([(s.start, s.end, s.label.value) for s in sorted(d.spans)]).encode())
    return h.hexdigest()


def label_counts(docs: Iterable[Document]) -> dict[str, int]:
    counts = {label.value: 0 for label in LABELS}
    for d in docs:
        for s in d.spans:
            counts[s.label.value] += 1
    return counts



ROUTED_CACHE_VERSION = 1


def routed_cache_dir() -> Path:
    from .synth.documents import default_cache_dir

    return default_cache_dir().parent / "routed"


def routed_documents(
    n: int, seed: int, routes: Sequence[str], cache_dir: Path | None = None, max_unlocated: int = 0
) -> tuple[list[Document], dict[str, Any]]:
    """Rendered documents (DOCX/PDF/HTML, ``training.synth.documents``) read the ways users read
    them (``training.synth.routes``): one Document per (document, route) whose gold spans were
    all located in the route's text (at most ``max_unlocated`` missing: a segment the locator
    could not find would otherwise teach ``O`` for a real label). Routes whose program is missing
    here are skipped (named in the summary).

    Rendering is slow (LibreOffice), so the readings are cached: a gzipped JSON-lines file under
    ``routed_cache_dir()`` keyed by ``n``, ``seed``, the routes and the source of the renderers
    and readers (a change to them makes a new file). Returns (documents, summary)."""
    import gzip
    import os

    from .synth import documents as _documents
    from .synth import routes as _routes

    if n <= 0 or not routes:
        return [], {"n_documents": 0, "routes": []}
    missing = _routes.missing_tools(routes)
    runnable = [r for r in routes if r not in missing]
    h = hashlib.sha256(json.dumps([ROUTED_CACHE_VERSION, n, seed, sorted(runnable)]).encode())
    for mod in (_documents, _routes):
        h.update(Path(mod.__file__).read_bytes())
    cache = (cache_dir or routed_cache_dir()) / f"routed-{n}-{seed}-{h.hexdigest()[:16]}.jsonl.gz"
    if cache.exists():
        records = [json.loads(line) for line in gzip.open(cache, "rt", encoding="utf-8")]
    else:
        records = [
            {"id": r.id, "route": r.route, "text": r.text, "unlocated": r.unlocated,
             "spans": [[s.start, s.end, s.label.value] for s in r.spans]}
            for r in _routes.generate_routed(n, seed, runnable)
        ]  # fmt: skip
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        os.replace(tmp, cache)
    docs = []
    kept: dict[str, int] = {}
    for rec in records:
        if rec["unlocated"] > max_unlocated:
            continue
        spans = [Span(a, b, Label(lab)) for a, b, lab in rec["spans"]]
        docs.append(Document.from_text(rec["text"], filename=f"{rec['id']}.txt").with_spans(spans)
                    .with_meta(transforms=[f"route:{rec['route']}"]))  # fmt: skip
        kept[rec["route"]] = kept.get(rec["route"], 0) + 1
    summary = {"n_documents": n, "seed": seed, "routes": runnable, "skipped_routes": missing,
               "kept_per_route": kept, "dropped_unlocated": len(records) - len(docs), "cache": cache.name}  # fmt: skip
    return docs, summary
