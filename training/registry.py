"""Model registry: immutable version directories under ``models/`` plus an ``ACTIVE`` pointer.

A version is written into a hidden temporary directory and renamed into place only when complete,
so a failed run leaves nothing behind that looks like a model, and ``ACTIVE`` changes only through
``promote`` (an atomic file replace).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from govreport.extraction.export import atomic_write

ACTIVE_FILE = "ACTIVE"
META_FILE = "meta.json"
_VERSION_RE = re.compile(r"^v\d{4}-[0-9a-z-]+$")
_OWNER_FILE = ".owner"  # pid of the process writing a temporary version folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_models_dir() -> Path:
    env = os.environ.get("GOVREPORT_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "models"


@dataclass(frozen=True)
class ModelVersion:
    version: str
    path: Path

    @property
    def meta(self) -> dict[str, Any]:
        p = self.path / META_FILE
        return json.loads(p.read_text("utf-8")) if p.exists() else {}


class RegistryError(RuntimeError):
    pass


@dataclass
class VersionDraft:
    path: Path
    version: str | None = None


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and ``os.replace`` it into place."""
    atomic_write(path, text)


class ModelRegistry:
    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_models_dir()

    def versions(self) -> list[ModelVersion]:
        if not self.root.is_dir():
            return []
        out = [
            ModelVersion(p.name, p)
            for p in self.root.iterdir()
            if p.is_dir() and _VERSION_RE.match(p.name) and (p / META_FILE).exists()
        ]
        return sorted(out, key=lambda v: v.version)

    def get(self, version: str) -> ModelVersion:
        p = self.root / version
        if not (_VERSION_RE.match(version) and (p / META_FILE).exists()):
            known = ", ".join(v.version for v in self.versions()) or "none"
            raise RegistryError(f"no model version {version!r} in {self.root} (known: {known})")
        return ModelVersion(version, p)

    def active(self) -> ModelVersion | None:
        f = self.root / ACTIVE_FILE
        if not f.exists():
            return None
        name = f.read_text("utf-8").strip()
        return self.get(name) if name else None

    def promote(self, version: str) -> ModelVersion:
        mv = self.get(version)
        atomic_write_text(self.root / ACTIVE_FILE, mv.version + "\n")
        return mv

    def _next_version_name(self, tag: str) -> str:
        nums = [int(v.version[1:5]) for v in self.versions()]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
        tag = re.sub(r"[^0-9a-z-]+", "-", tag.lower()).strip("-") or "model"
        return f"v{(max(nums) + 1 if nums else 1):04d}-{stamp}-{tag}"

    def clean_stale(self, min_age_s: float = 3600.0) -> list[str]:
        """Remove temporary version folders (``.tmp-*``) left by killed runs: those whose owner
        process is gone, or, without an owner file, older than ``min_age_s``. Returns their names."""
        removed = []
        if not self.root.is_dir():
            return removed
        for p in self.root.glob(".tmp-*"):
            if not p.is_dir():
                continue
            try:
                pid = int((p / _OWNER_FILE).read_text("ascii").strip())
                alive = _pid_alive(pid)
            except (OSError, ValueError):
                alive = time.time() - p.stat().st_mtime < min_age_s
            if not alive:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        return removed

    @contextmanager
    def new_version(self, tag: str = "model") -> Iterator["VersionDraft"]:
        """Yield a draft whose ``path`` (a temporary directory) receives the model; on success it
        becomes a new version and ``draft.version`` is set.

        The caller must write ``meta.json``; the final version name is stored in it as ``version``.
        On any exception the temporary directory is removed and the registry is unchanged.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        self.clean_stale()
        tmp = self.root / f".tmp-{uuid.uuid4().hex[:12]}"
        tmp.mkdir()
        (tmp / _OWNER_FILE).write_text(f"{os.getpid()}\n", "ascii")
        draft = VersionDraft(tmp)
        try:
            yield draft
            meta_path = tmp / META_FILE
            if not meta_path.exists():
                raise RegistryError("a model version needs a meta.json")
            (tmp / _OWNER_FILE).unlink()
            from .model_check import write_checksums

            write_checksums(tmp)  # of every file but meta.json, which is renamed into below
            for _ in range(5):
                name = self._next_version_name(tag)
                meta = json.loads(meta_path.read_text("utf-8"))
                meta["version"] = name
                atomic_write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=2))
                try:
                    os.rename(tmp, self.root / name)  # fails if the name exists: never overwrite
                    draft.version, draft.path = name, self.root / name
                    break
                except OSError:
                    continue
            else:
                raise RegistryError("could not allocate a new version name")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def latest_created(self) -> ModelVersion | None:
        vs = self.versions()
        return vs[-1] if vs else None
