"""``govreport train`` and ``govreport models list|promote``: thin wrappers over train() and the registry."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from .config import DEFAULT_CONFIG_PATH, ConfigError, TrainConfig, parse_overrides
from .registry import ModelRegistry, RegistryError

_models_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model registry directory (default: models/ or $GOVREPORT_MODELS_DIR).",
)


@click.command("train")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CONFIG_PATH,
    show_default=True,
    help="Training config (JSON, training.config.TrainConfig).",
)
@click.option("--base-model", type=click.Path(file_okay=False, exists=True), default=None, help="Fine-tune this local Hugging Face checkpoint instead of building from the config.")
@click.option("--init-from", default=None, help="Continue training this model version (or model directory).")
@click.option("--annotations", "annotation_dirs", multiple=True, type=click.Path(file_okay=False, exists=True), help="Annotated batch (HF dataset on disk); repeatable.")
@click.option("--seed", type=int, default=None, help="Override the config's seed.")
@click.option("--n-synth", type=int, default=None, help="Override the number of generated training reports.")
@click.option("--epochs", type=int, default=None, help="Override the number of epochs.")
@click.option("--max-train-minutes", type=float, default=None, help="Override the time budget.")
@click.option("--threads", "num_threads", type=int, default=None, help="Override torch threads.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override any training config field (a JSON value), e.g. a smoke run: --set routed_docs=0 --set n_dev=4 "
    "(routed_docs: documents rendered and read by every reader route before training starts, minutes).",
)
@click.option("--tag", default="model", show_default=True, help="Tag in the new version's name.")
@_models_dir_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def train_cmd(
    config_path: Path,
    base_model: str | None,
    init_from: str | None,
    annotation_dirs: tuple[str, ...],
    seed: int | None,
    n_synth: int | None,
    epochs: int | None,
    max_train_minutes: float | None,
    num_threads: int | None,
    sets: tuple[str, ...],
    tag: str,
    models_dir: Path | None,
    quiet: bool,
) -> None:
    """Train a token-classification model into a new (not yet active) model version."""
    # govreport's own progress at INFO; libraries' INFO chatter (ONNX Runtime's quantizer logs a line
    # per tensor on the root logger) stays out
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("govreport").setLevel(logging.INFO)
    try:
        config = TrainConfig.load(config_path).override(
            base_model=base_model,
            seed=seed,
            n_synth=n_synth,
            epochs=epochs,
            max_train_minutes=max_train_minutes,
            num_threads=num_threads,
            annotation_dirs=tuple(annotation_dirs) or None,
        )
        if sets:
            config = TrainConfig.from_dict({**config.to_dict(), **parse_overrides(sets)})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    from govreport.extraction.errors import InputError

    from .extras import require_train_extra

    require_train_extra("train")
    from .train import train

    try:
        mv = train(config, ModelRegistry(models_dir), init_from=init_from, tag=tag, progress=False if quiet else None)
    except (InputError, RegistryError) as exc:
        raise click.ClickException(str(exc)) from None
    meta = mv.meta
    best = meta.get("metrics", {}).get("best", {})
    click.echo(f"new model version: {mv.version}  ({mv.path})")
    if best:
        click.echo(f"dev entity F1 {best['overall']['f1']:.4f} (epoch {meta['metrics']['best_epoch']}); " + ", ".join(
            f"{k} {v['f1']:.3f}" for k, v in best["per_label"].items()
        ))
    click.echo(f"train time {meta.get('train_seconds')} s; activate it with: govreport models promote {mv.version}")


@click.group("models")
def models_group() -> None:
    """List the model versions and choose the active one."""


@models_group.command("list")
@_models_dir_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_cmd(models_dir: Path | None, as_json: bool) -> None:
    """Every version, oldest first; * marks the active one."""
    reg = ModelRegistry(models_dir)
    try:
        active = reg.active()
    except RegistryError as exc:
        click.echo(f"warning: {exc}", err=True)
        active = None
    rows = []
    for mv in reg.versions():
        meta, problem = mv.read_meta()  # one damaged version must not hide the others
        best = (meta.get("metrics") or {}).get("best") or {}
        rows.append(
            {
                "version": mv.version,
                "active": bool(active and active.version == mv.version),
                "created": meta.get("created"),
                "parent": meta.get("parent"),
                "dev_f1": (best.get("overall") or {}).get("f1"),
                "size_mb": round(sum(p.stat().st_size for p in mv.path.iterdir() if p.is_file()) / 1e6, 2),
                "path": str(mv.path),
                "problem": problem,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no model versions in {reg.root}")
        return
    for r in rows:
        f1 = f"{r['dev_f1']:.4f}" if isinstance(r["dev_f1"], (int, float)) else "-"
        problem = f"  damaged: {r['problem']}" if r["problem"] else ""
        click.echo(
            f"{'*' if r['active'] else ' '} {r['version']}  created {r['created'] or '-'}  dev F1 {f1}  "
            f"{r['size_mb']} MB  parent {r['parent'] or '-'}{problem}"
        )


@models_group.command("promote")
@click.argument("version")
@_models_dir_option
def promote_cmd(version: str, models_dir: Path | None) -> None:
    """Make VERSION the active model (the ACTIVE pointer is replaced atomically)."""
    reg = ModelRegistry(models_dir)
    try:
        before = reg.active()
    except RegistryError:
        before = None
    try:
        reg.get(version)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    try:  # a version that cannot serve is never made active
        from govreport.extraction.taggers.model import ModelTagger

        ModelTagger.load(version, models_dir=reg.root)
    except Exception as exc:
        raise click.ClickException(f"{version} does not load, so it stays inactive: {exc}") from None
    try:
        mv = reg.promote(version)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"active model: {mv.version} (was {before.version if before else 'none'})")
