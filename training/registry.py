"""Model registry, write side: immutable version directories under ``models/`` plus an ``ACTIVE`` pointer
(the read side is ``extraction.model.registry``).

A version is written into a hidden temporary directory and renamed into place only when complete,
so a failed run leaves nothing behind that looks like a model, and ``ACTIVE`` changes only through
``promote`` (an atomic file replace).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from govreport.extraction.export import atomic_write
from govreport.extraction.model.registry import (  # noqa: F401  (the read side, re-exported)
    ACTIVE_FILE,
    META_FILE,
    VERSION_RE,
    MODELS_DIR_ENV,
    ModelVersion,
    RegistryError,
    default_models_dir,
    is_packaged_models_dir,
)
from govreport.extraction.model.registry import ModelRegistry as ReadOnlyRegistry

_VERSION_RE = VERSION_RE
_OWNER_FILE = ".owner"  # pid of the process writing a temporary version folder


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _readable_by_all(directory: Path) -> None:
    """Give every file of a new version mode 0644, as ``atomic_write`` gives results: safetensors
    writes the weights 0600, so a service run as another user than the trainer could not read them
    (the checksums are verified on load) and never loaded the version."""
    for p in directory.iterdir():
        if p.is_file() and not p.is_symlink():
            p.chmod(p.stat().st_mode | 0o644)


@dataclass
class VersionDraft:
    path: Path
    version: str | None = None


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and ``os.replace`` it into place."""
    atomic_write(path, text)


class ModelRegistry(ReadOnlyRegistry):
    """The registry with its write side: new versions (never overwritten) and ``promote``."""

    def _check_writable(self) -> None:
        if is_packaged_models_dir(self.root):
            raise RegistryError(
                f"{self.root} is the model shipped inside the installed package and is never written to: "
                f"set {MODELS_DIR_ENV} to a registry directory of your own (copy the shipped version there to keep it)"
            )

    def check_writable(self) -> None:
        """Raise ``RegistryError`` when no new version can be written here: the installed package's
        models, or a folder that cannot be created or written. ``train`` and ``retrain`` call it
        before any work: they met it only when saving, after the whole run (minutes to hours)."""
        self._check_writable()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):  # unnamed where the OS allows: nothing left behind
                pass
        except OSError as exc:
            raise RegistryError(
                f"cannot write model versions to {self.root}: {exc.strerror or exc} "
                f"(give --models-dir or {MODELS_DIR_ENV} a folder you can write)"
            ) from None

    def promote(self, version: str) -> ModelVersion:
        self._check_writable()
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
                alive = pid_alive(pid)
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
        self._check_writable()
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
            from govreport.extraction.model.check import write_checksums

            write_checksums(tmp)  # of every file but meta.json, which is renamed into below
            _readable_by_all(tmp)
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
