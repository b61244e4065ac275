"""The model registry's read side: version directories under the models directory and the
``ACTIVE`` pointer. Writing versions and promoting is ``training.registry``.

The models directory is ``GOVREPORT_MODELS_DIR`` when set; else ``models/`` of a source checkout;
else the default model shipped inside the installed package (``govreport/models``).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACTIVE_FILE = "ACTIVE"
META_FILE = "meta.json"
MODELS_DIR_ENV = "GOVREPORT_MODELS_DIR"
VERSION_RE = re.compile(r"^v\d{4}-[0-9a-z-]+$")

_PACKAGE = Path(__file__).resolve().parents[2]  # the checkout's root, or the installed govreport/


def default_models_dir() -> Path:
    """``$GOVREPORT_MODELS_DIR``; else ``models/`` beside the layers (a checkout, or the package
    data ``govreport/models`` of a wheel install)."""
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env)
    return _PACKAGE / "models"


def is_packaged_models_dir(root: str | Path) -> bool:
    """True for the models directory shipped inside an installed package (site-packages: never
    written to; ``GOVREPORT_MODELS_DIR`` names a writable registry instead)."""
    installed = (_PACKAGE / "__init__.py").is_file()  # in a checkout _PACKAGE is the repo root
    return installed and Path(root).resolve() == (_PACKAGE / "models").resolve()


@dataclass(frozen=True)
class ModelVersion:
    version: str
    path: Path

    @property
    def meta(self) -> dict[str, Any]:
        p = self.path / META_FILE
        return json.loads(p.read_text("utf-8")) if p.exists() else {}

    def read_meta(self) -> tuple[dict[str, Any], str | None]:
        """``(meta.json as a dict, None)``, or ``({}, why)`` when it cannot be read or is not a JSON
        object: a listing shows a version cut short by a crashed copy, or edited by hand, with its
        problem, instead of failing for every version."""
        try:
            meta = self.meta
        except (OSError, UnicodeDecodeError) as exc:
            return {}, f"{META_FILE} cannot be read ({exc.__class__.__name__})"
        except ValueError as exc:  # json.JSONDecodeError
            return {}, f"{META_FILE} is not valid JSON ({exc})"
        if not isinstance(meta, dict):
            return {}, f"{META_FILE} is not a JSON object"
        return meta, None


class RegistryError(RuntimeError):
    pass


class ModelRegistry:
    """Read-only view of a models directory (``root``; None = ``default_models_dir()``)."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_models_dir()

    def versions(self) -> list[ModelVersion]:
        if not self.root.is_dir():
            return []
        out = [
            ModelVersion(p.name, p)
            for p in self.root.iterdir()
            if p.is_dir() and VERSION_RE.match(p.name) and (p / META_FILE).exists()
        ]
        return sorted(out, key=lambda v: v.version)

    def get(self, version: str) -> ModelVersion:
        """Raises RegistryError (listing the known versions) when there is no such version."""
        p = self.root / version
        if not (VERSION_RE.match(version) and (p / META_FILE).exists()):
            known = ", ".join(v.version for v in self.versions()) or "none"
            raise RegistryError(f"no model version {version!r} in {self.root} (known: {known})")
        return ModelVersion(version, p)

    def active(self) -> ModelVersion | None:
        """The version ``ACTIVE`` names; None without a pointer. Raises RegistryError when it
        names a version that is not there."""
        f = self.root / ACTIVE_FILE
        if not f.exists():
            return None
        name = f.read_text("utf-8").strip()
        return self.get(name) if name else None

    def latest_created(self) -> ModelVersion | None:
        vs = self.versions()
        return vs[-1] if vs else None
