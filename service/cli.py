"""The ``govreport`` command: one group, each subcommand a thin wrapper over a plain function.

Subcommands are imported lazily so ``govreport --help`` and ``extract --tagger rules`` never pay
for torch or the web stack.
"""
from __future__ import annotations

import importlib

import click

# name -> (module:attribute, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("govreport.service.cmd_extract:extract", "Extract the tables of one or more reports."),
    "eval": ("govreport.service.cmd_extract:eval_cmd", "Score extraction against gold files (the contract's scores)."),
    "serve": ("govreport.service.app:serve_cmd", "Run the HTTP API (uvicorn)."),
    "synth": ("govreport.training.synth.cli:synth_cmd", "Generate synthetic labelled reports as a HF dataset."),
    "train": ("govreport.training.cli:train_cmd", "Train a token-classification model into a new version."),
    "models": ("govreport.training.cli:models_group", "List and promote model versions."),
    "label": ("govreport.training.annotation.cli:label_group", "Label Studio: config, push predictions, pull annotations."),
    "retrain": ("govreport.training.annotation.cli:retrain_cmd", "Fine-tune on annotated batches; promote only if better."),
    "batch": ("govreport.service.batch:batch_cmd", "Extract a whole corpus (local or Ray), resumable."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:  # a subcommand whose code or libraries are missing
            reason = str(exc)  # `exc` is unbound once the except block ends

            @click.command(name=name, help=COMMANDS[name][1])
            def unavailable() -> None:
                raise click.ClickException(f"'{name}' is not available: {reason}")

            return unavailable

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, COMMANDS[n][1]) for n in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govreport")
def main() -> None:
    """govreport: clean statistical tables from flattened 政府信息公开工作年度报告."""


if __name__ == "__main__":
    main()
