"""Clear errors for commands that need an optional extra that is not installed."""
from __future__ import annotations

import importlib.util

import click

TRAIN_LIBRARIES = ("torch", "transformers", "datasets", "seqeval", "onnx")
TRAIN_INSTALL = 'pip install torch==2.13.0 && pip install "govreport[train]"  (the CPU build of torch first)'


def require_train_extra(command: str) -> None:
    """Raise a ClickException naming the missing libraries and the install command."""
    missing = [lib for lib in TRAIN_LIBRARIES if importlib.util.find_spec(lib) is None]
    if missing:
        raise click.ClickException(f"`govreport {command}` needs {', '.join(missing)}: {TRAIN_INSTALL}")
