"""Command-line options shared by several commands."""
from __future__ import annotations

import os
from typing import Any, Callable

import click

# One setting with the Python API and the service: extraction.limits.DEFAULT_MAX_BYTES (10 MiB),
# GOVREPORT_MAX_BYTES overriding it.
from govreport.extraction.limits import MAX_BYTES_ENV, limits_from_env, max_bytes_from_env  # noqa: F401  (re-exported)

RUNTIME_ENV = "GOVREPORT_MODEL_RUNTIME"  # read by ModelTagger.load (extraction.taggers.model)


def runtime_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--runtime onnx|torch``: where the model runs. Sets ``GOVREPORT_MODEL_RUNTIME`` for this
    process and the workers it starts (batch pools, Ray actors on this machine, the server)."""

    def set_env(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            os.environ[RUNTIME_ENV] = value
        return value

    return click.option(
        "--runtime",
        type=click.Choice(["onnx", "torch"]),
        default=None,
        expose_value=False,
        callback=set_env,
        help="Model runtime: onnx (ONNX Runtime, the default) or torch (debugging; needs the train extra).",
    )(f)


def max_bytes_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-bytes N``: overrides ``GOVREPORT_MAX_BYTES`` for this process and the workers it
    starts; the command reads the limit with ``max_bytes_from_env()``."""

    def set_env(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
        if value is not None:
            if value <= 0:
                raise click.BadParameter("must be positive")
            os.environ[MAX_BYTES_ENV] = str(value)
        return value

    return click.option(
        "--max-bytes",
        type=int,
        default=None,
        expose_value=False,
        callback=set_env,
        help="Reject larger inputs (default: GOVREPORT_MAX_BYTES, else 10 MiB: the service's limit).",
    )(f)


PROGRESS_MIN_FILES = 6  # a bar for a handful of files is noise


def show_progress(n_files: int, stream: Any = None) -> bool:
    """A progress bar only over many files and only on a terminal (in a log ``\r`` is noise)."""
    import sys

    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return n_files >= PROGRESS_MIN_FILES and bool(isatty and isatty())


def env_limits_or_usage_error() -> int:
    """The input size limit (``GOVREPORT_MAX_BYTES``), once every ``GOVREPORT_*`` limit variable
    is known to be valid: a bad one is a usage error before any work (``GOVREPORT_MAX_CHARS=0``
    ended ``extract`` in a traceback from the first report read). Raises ``click.UsageError``."""
    try:
        limits_from_env()
        return max_bytes_from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
