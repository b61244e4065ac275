"""``govreport synth``: write synthetic labelled reports as a Hugging Face dataset."""
from __future__ import annotations

import click

from .transforms import KINDS


def parse_rates(items: tuple[str, ...]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for item in items:
        kind, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KIND=P, got {item!r}", param_hint="--rate")
        if kind not in KINDS:
            raise click.BadParameter(f"unknown kind {kind!r}; known: {', '.join(KINDS)}", param_hint="--rate")
        try:
            p = float(value)
        except ValueError:
            raise click.BadParameter(f"{item!r}: P must be a number", param_hint="--rate") from None
        if not 0.0 <= p <= 1.0:
            raise click.BadParameter(f"{item!r}: P must be within [0, 1]", param_hint="--rate")
        rates[kind] = p
    return rates


@click.command(name="synth")
@click.option("-n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="Number of reports.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--rate", "rate", multiple=True, metavar="KIND=P", help="Override a messiness kind's probability.")
@click.option("--kind", "kind", multiple=True, type=click.Choice(KINDS), help="Apply exactly these kinds to every report.")
@click.option("--format", "fmt", type=click.Choice(["2019", "2021"]), default=None, help="Only this report format.")
@click.option("--overwrite", is_flag=True, help="Replace a non-empty output directory.")
def synth_cmd(n: int, seed: int, out: str, rate: tuple[str, ...], kind: tuple[str, ...], fmt: str | None,
              overwrite: bool) -> None:  # fmt: skip
    """Generate N synthetic reports with exact gold spans and tables (schema: docs/synth.md)."""
    from govreport.training.extras import require_train_extra

    require_train_extra("synth", ("datasets",))  # the dataset writer; the generator itself needs no extra
    from .dataset import write_dataset

    try:
        path = write_dataset(out, n, seed, rates=parse_rates(rate) or None, kinds=list(kind) or None, fmt=fmt,
                             overwrite=overwrite)  # fmt: skip
    except (ValueError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {n} reports to {path}")
