"""Command-line options shared by several commands."""
from __future__ import annotations

import os
from typing import Any, Callable

import click

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
