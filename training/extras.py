"""Clear errors for commands that need an optional extra that is not installed."""
from __future__ import annotations

import importlib.util

import click

TRAIN_LIBRARIES = ("torch", "transformers", "datasets", "seqeval", "onnx")
TRAIN_INSTALL = 'pip install torch==2.13.0 && pip install "govreport[train]"  (the CPU build of torch first)'


LABEL_LIBRARIES = ("label_studio_sdk", "httpx")
LABEL_INSTALL = 'pip install "govreport[label]"'


def require_libraries(command: str, libraries: tuple[str, ...], install: str) -> None:
    """Raise a ClickException naming the missing ``libraries`` and the ``install`` command, before
    the command does any work (a ModuleNotFoundError traceback from deep inside it said neither)."""
    missing = [lib for lib in libraries if importlib.util.find_spec(lib) is None]
    if missing:
        raise click.ClickException(f"`govreport {command}` needs {', '.join(missing)}: {install}")


def require_train_extra(command: str, libraries: tuple[str, ...] = TRAIN_LIBRARIES) -> None:
    """The ``[train]`` extra's ``libraries`` (all of them by default) or a ClickException."""
    require_libraries(command, libraries, TRAIN_INSTALL)


def require_label_extra(command: str) -> None:
    """The ``[label]`` extra (Label Studio's SDK) or a ClickException."""
    require_libraries(command, LABEL_LIBRARIES, LABEL_INSTALL)
