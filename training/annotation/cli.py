"""``govreport label config|push|pull`` and ``govreport retrain``: thin wrappers over plain functions."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

import click

from govreport.extraction.errors import GovReportError

from .batches import DEFAULT_BATCHES_DIR, DEFAULT_HELDOUT_FRACTION
from .config import CONFIG_PATH, label_config_xml, write_label_config

_url = click.option("--url", envvar="LABEL_STUDIO_URL", default="http://127.0.0.1:8080", show_default=True,
                    help="Label Studio URL (env LABEL_STUDIO_URL).")  # fmt: skip
_key = click.option("--api-key", envvar="LABEL_STUDIO_API_KEY", default=None,
                    help="Legacy token or personal access token (env LABEL_STUDIO_API_KEY).")  # fmt: skip


def _progress_lines() -> "Callable[[str], None]":
    """Timestamped lines on stderr for the run's stages, and the trainer's own log lines (epochs,
    steps every minute) — tqdm draws a bar only on a terminal, so a job log would stay empty."""
    import logging
    import time

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s retrain: %(message)s", "%H:%M:%S"))
    train_log = logging.getLogger("govreport.training")
    if not any(getattr(h, "_govreport_progress", False) for h in train_log.handlers):
        handler._govreport_progress = True  # type: ignore[attr-defined]
        train_log.addHandler(handler)
        train_log.setLevel(logging.INFO)

    def say(msg: str) -> None:
        click.echo(f"{time.strftime('%H:%M:%S')} retrain: {msg}", err=True)
        sys.stderr.flush()

    return say


def _fail(exc: GovReportError) -> None:
    raise click.ClickException(str(exc))


@click.group(name="label")
def label_group() -> None:
    """Label Studio: config, push predictions, pull annotations."""


@label_group.command("config")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=CONFIG_PATH, show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 if the file differs from the generated config (CI).")
def config_cmd(out: Path, check: bool) -> None:
    """Write the labelling config generated from the label set."""
    if check:
        if not out.exists() or out.read_text("utf-8") != label_config_xml():
            raise click.ClickException(f"{out} is out of date: run `govreport label config`")
        click.echo(f"{out} is up to date")
        return
    click.echo(f"wrote {write_label_config(out)}")


@label_group.command("push")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", required=True, help="Project title (created if missing, else reused).")
@click.option("--tagger", type=click.Choice(["auto", "rules", "model"]), default="auto", show_default=True)
@click.option("--model", default=None, help="Model version or directory (default: the registry's ACTIVE).")
@_url
@_key
def push_cmd(files: tuple[Path, ...], project: str, tagger: str, model: str | None, url: str, api_key: str | None) -> None:
    """Import reports as tasks with the model's spans as predictions (same content never twice)."""
    from govreport.training.extras import require_label_extra

    require_label_extra("label push")
    from govreport.extraction.taggers import get_tagger

    from .client import LabelStudioClient
    from .push import push_files

    try:
        result = push_files(LabelStudioClient(url, api_key), project, list(files), get_tagger(tagger, model))
    except GovReportError as exc:
        _fail(exc)
    click.echo(result.summary())
    for name, why in result.failed:
        click.echo(f"error: {name}: {why}", err=True)
    if result.failed:
        sys.exit(1)  # as `govreport extract`: the others are pushed, the run says that some were not


@label_group.command("pull")
@click.option("--project", default=None, help="Project title.")
@click.option("--project-id", type=int, default=None, help="Project id (what the webhook job passes).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_BATCHES_DIR, show_default=True)
@click.option("--skip-invalid", is_flag=True, help="Write the valid tasks; list the invalid ones in the manifest.")
@click.option("--no-repair-utf16", is_flag=True, help="Reject UTF-16 offsets instead of converting them.")
@click.option("--heldout-fraction", type=float, default=DEFAULT_HELDOUT_FRACTION, show_default=True)
@_url
@_key
def pull_cmd(project: str | None, project_id: int | None, out: Path, skip_invalid: bool, no_repair_utf16: bool,
             heldout_fraction: float, url: str, api_key: str | None) -> None:  # fmt: skip
    """Export completed annotations into a new immutable batch (only new or changed ones)."""
    from govreport.training.extras import require_label_extra

    require_label_extra("label pull")
    from .client import LabelStudioClient
    from .pull import pull

    if (project is None) == (project_id is None):
        raise click.UsageError("give exactly one of --project or --project-id")
    try:
        result = pull(LabelStudioClient(url, api_key), project_id if project_id is not None else project, out,
                      skip_invalid=skip_invalid, repair_utf16=not no_repair_utf16, heldout_fraction=heldout_fraction)  # fmt: skip
    except GovReportError as exc:
        _fail(exc)
    click.echo(result.summary())
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    for p in result.rejected:
        click.echo(f"rejected: {p}", err=True)


@label_group.group("server")
def server_group() -> None:
    """Run Label Studio for annotators (its own venv: scripts/labelstudio_venv.sh)."""


_server_dir = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Label Studio's database, media and credentials (default: GOVREPORT_LS_SERVER_DIR "
                                "or ~/.local/share/govreport/label-studio).")  # fmt: skip


@server_group.command("start")
@_server_dir
@click.option("--port", type=int, default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Listen address; 0.0.0.0 lets annotators on other machines in.")  # fmt: skip
@click.option("--username", default=None, help="Admin e-mail on first start (default admin@govreport.local).")
def server_start(data_dir: Path | None, port: int, host: str, username: str | None) -> None:
    """Start Label Studio in the background and print its URL and credentials."""
    from .lsserver import default_server_dir, start_server

    data_dir = data_dir or default_server_dir()
    try:
        info = start_server(data_dir, port=port, host=host, username=username)
    except (FileNotFoundError, RuntimeError, TimeoutError) as exc:
        raise click.ClickException(str(exc)) from None
    what = "already running" if info["already_running"] else f"started in {info.get('started_seconds', '?')} s"
    click.echo(f"Label Studio {what}: {info['url']} (pid {info['pid']}, data {data_dir})")
    click.echo(f"  log in as  {info['username']}  /  {info['password']}")
    click.echo(f"  API token  {info['token']}")
    click.echo(f"  for push/pull: export LABEL_STUDIO_URL={info['url']} LABEL_STUDIO_API_KEY={info['token']}")
    click.echo("  stop it with: govreport label server stop" + (f" --data-dir {data_dir}" if data_dir else ""))


@server_group.command("stop")
@_server_dir
def server_stop(data_dir: Path | None) -> None:
    """Stop the Label Studio started by `label server start`."""
    from .lsserver import default_server_dir, stop_server

    data_dir = data_dir or default_server_dir()
    click.echo("Label Studio stopped" if stop_server(data_dir) else f"no Label Studio running from {data_dir}")


@server_group.command("status")
@_server_dir
def server_status_cmd(data_dir: Path | None) -> None:
    """Whether it runs, and where."""
    from .lsserver import default_server_dir, server_status

    data_dir = data_dir or default_server_dir()
    state = server_status(data_dir)
    if state is None:
        click.echo(f"no Label Studio running from {data_dir}")
        sys.exit(3)
    click.echo(f"Label Studio running: {state['url']} (pid {state['pid']}, user {state['username']})")


@click.command("retrain")
@click.option("--batches", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_BATCHES_DIR, show_default=True)
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Model registry root (default: GOVREPORT_MODELS_DIR or models/).")  # fmt: skip
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Training config JSON for the fine-tuning run (default: TrainConfig()).")  # fmt: skip
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a training config field, e.g. --set epochs=2 --set replay_ratio=4.")  # fmt: skip
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Promotion policy JSON (fields of PromotionPolicy; see docs/annotation.md).")  # fmt: skip
@click.option("--min-gain", type=float, default=None, help="Needed F1 gain on the annotated held-out split.")
@click.option("--tolerance", type=float, default=None, help="Allowed drop on any guarded metric.")
@click.option("--gold-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Gold corpus for the table scores (default: tests/data/corpus).")  # fmt: skip
@click.option("--synth-val", type=int, default=None, help="Generated validation reports (0: skip).")
@click.option("--no-promote", is_flag=True, help="Evaluate and report, never promote.")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--min-steps", type=int, default=None,
              help="Optimizer steps at least, when epochs are not set (default: retrain.MIN_STEPS).")  # fmt: skip
@click.option("--force", is_flag=True, help="Train even when the same annotations and config made a candidate before.")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison report as JSON.")
def retrain_cmd(batches: Path, models_dir: Path | None, config_path: Path | None, overrides: tuple[str, ...],
                policy_path: Path | None, min_gain: float | None, tolerance: float | None, gold_dir: Path | None,
                synth_val: int | None, no_promote: bool, report_dir: Path | None, min_steps: int | None, force: bool,
                quiet: bool, as_json: bool) -> None:  # fmt: skip
    """Fine-tune the active model on annotated batches; promote only if better (docs/annotation.md).

    Progress goes to stderr, one timestamped line per stage and per training epoch, also when
    stderr is a file (the webhook job's log)."""
    from govreport.training.extras import require_train_extra
    from govreport.training.registry import ModelRegistry

    if not batches.is_dir():  # a mistyped folder read as "no annotated reports" and wrote a report for it
        raise click.UsageError(
            f"--batches {batches}: no such folder (annotated batches are written by govreport label pull --project NAME)"
        )
    require_train_extra("retrain")
    from .retrain import RetrainOptions, load_policy, parse_overrides, retrain

    progress = None if quiet else _progress_lines()

    try:
        policy = load_policy(policy_path)
        if min_gain is not None:
            policy = policy.replace(min_gain_new=min_gain)
        if tolerance is not None:
            policy = policy.replace(tolerance=tolerance)
        opts = RetrainOptions(batches_dir=batches, config_path=config_path, overrides=parse_overrides(overrides),
                              promote=not no_promote)  # fmt: skip
        if gold_dir is not None:
            opts.gold_dir = gold_dir
        if synth_val is not None:
            opts.synth_val = synth_val
        if report_dir is not None:
            opts.report_dir = report_dir
        if min_steps is not None:
            opts.min_steps = min_steps
        opts.force = force
        report = retrain(ModelRegistry(models_dir), opts, policy, progress=progress)
    except GovReportError as exc:
        _fail(exc)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.summary())
    if report.status == "failed":
        sys.exit(1)
