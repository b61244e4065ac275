"""generate(): content -> content/layout transforms -> render -> line transforms -> text, spans, gold.

Every report has its own ``random.Random`` seeded from (seed, index), so a report depends only on
those two numbers (never on global random state or on how many reports were asked for).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Iterator

from govreport.extraction.document import Document, Span

from .content import make_content
from .render import Style, as_mojibake, finalize, render_report
from .transforms import DEFAULT_RATES, KIND_BY_NAME, KINDS, LAYOUT_KINDS, Ctx


@dataclass
class SynthReport:
    id: str
    text: str
    spans: list[Span]
    gold: dict[str, Any]
    transforms: list[str]
    inconsistent: bool
    template: str
    seed: int
    index: int
    meta: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> Document:
        """The report as a Document carrying its gold spans."""
        return Document.from_text(self.text, filename=f"{self.id}.txt").with_spans(self.spans)


def _check_kinds(kinds: list[str]) -> None:
    unknown = [k for k in kinds if k not in KIND_BY_NAME]
    if unknown:
        raise ValueError(f"unknown messiness kind(s) {unknown}; known: {', '.join(KINDS)}")
    layouts = [k for k in kinds if k in LAYOUT_KINDS]
    if len(layouts) > 1:
        raise ValueError(f"layout kinds are exclusive, got {layouts}")
    layout = layouts[0] if layouts else "canonical"
    for k in kinds:
        allowed = KIND_BY_NAME[k].layouts
        if allowed is not None and layout not in allowed:
            raise ValueError(f"kind {k!r} does not combine with layout {layout!r}")


def _formats_for(kinds: list[str]) -> list[str]:
    fmts = ["2019", "2021"]
    for k in kinds:
        fmts = [f for f in fmts if f in KIND_BY_NAME[k].formats]
    if not fmts:
        raise ValueError(f"no report format supports all of {kinds}")
    return fmts


def sample_kinds(rng: random.Random, fmt: str, rates: dict[str, float], late_rng: random.Random) -> list[str]:
    """Draw every kind with its rate (one draw each, always, so choices stay aligned across rates);
    at most one layout; kinds that do not fit the format or the layout are dropped. Kinds added
    later (``late``) draw from ``late_rng``, so adding one never changes the reports of a seed that
    do not show it (the shipped model's training data stays reproducible)."""
    draws = {k: rng.random() < rates.get(k, 0.0) for k in KINDS if not KIND_BY_NAME[k].late}
    draws.update({k: late_rng.random() < rates.get(k, 0.0) for k in KINDS if KIND_BY_NAME[k].late})
    layouts = [k for k in LAYOUT_KINDS if draws[k]]
    layout = rng.choice(layouts) if layouts else "canonical"
    out = []
    for k in KINDS:
        spec = KIND_BY_NAME[k]
        if not draws[k] or (k in LAYOUT_KINDS and k != layout) or fmt not in spec.formats:
            continue
        if spec.layouts is not None and layout not in spec.layouts:
            continue
        out.append(k)
    return out


def make_report(seed: int, index: int, *, rates: dict[str, float] | None = None, kinds: list[str] | None = None,
                fmt: str | None = None, bare: bool = False) -> SynthReport:  # fmt: skip
    """Report ``index`` of the stream ``seed``; ``bare`` drops the prose (minimal examples for bug reports)."""
    rng = random.Random(f"govreport-synth:{seed}:{index}")
    if kinds is not None:
        _check_kinds(kinds)
        formats = _formats_for(kinds)
        if fmt is not None and fmt not in formats:
            raise ValueError(f"format {fmt!r} does not support all of {kinds}")
        fmt = fmt or rng.choice(formats)
    content = make_content(rng, fmt)
    if bare:
        content.preamble, content.footer = [], []
        for sec in content.sections.values():
            sec.before, sec.after = [], []
    if kinds is not None:
        chosen = [k for k in KINDS if k in kinds]
    else:
        late_rng = random.Random(f"govreport-synth-late:{seed}:{index}")
        chosen = sample_kinds(rng, content.fmt, {**DEFAULT_RATES, **(rates or {})}, late_rng)
    if "truncated" in chosen and "web_junk" in chosen:
        chosen.remove("web_junk")  # junk after a report that stops mid-table cannot exist
    ctx = Ctx(rng, content, Style())
    applied = []
    for k in chosen:
        if KIND_BY_NAME[k].stage != "lines" and KIND_BY_NAME[k].apply(ctx):
            applied.append(k)
    ctx.lines = render_report(content, ctx.style, rng)
    for k in chosen:
        if KIND_BY_NAME[k].stage == "lines" and KIND_BY_NAME[k].apply(ctx):
            applied.append(k)
    applied.sort(key=KINDS.index)
    rid = f"synth-{seed}-{index:06d}"
    text, spans, gold = finalize(ctx.lines, content, content.organ, f"{rid}.txt", ctx.style.line_end, ctx.style.line_ends)
    if ctx.style.mojibake is not None:
        text, spans = as_mojibake(text, spans, *ctx.style.mojibake, lost=ctx.style.mojibake_lost)
    return SynthReport(rid, text, spans, gold, applied, content.inconsistent, content.fmt, seed, index,
                       {"layout": ctx.style.layout, "scale": content.scale})  # fmt: skip


def iter_reports(n: int, seed: int, *, rates: dict[str, float] | None = None, kinds: list[str] | None = None,
                 fmt: str | None = None) -> Iterator[SynthReport]:  # fmt: skip
    if rates:
        bad = [k for k in rates if k not in KIND_BY_NAME]
        if bad:
            raise ValueError(f"unknown messiness kind(s) in rates {bad}; known: {', '.join(KINDS)}")
        for k, p in rates.items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"rate of {k} must be within [0, 1], got {p}")
    for i in range(n):
        yield make_report(seed, i, rates=rates, kinds=kinds, fmt=fmt)


def generate(n: int, seed: int, *, rates: dict[str, float] | None = None, kinds: list[str] | None = None,
             fmt: str | None = None) -> list[SynthReport]:  # fmt: skip
    """``n`` reports, deterministic by ``seed``. ``rates`` overrides the per-kind probabilities;
    ``kinds`` applies exactly those kinds to every report (no random ones); ``fmt`` fixes the format."""
    return list(iter_reports(n, seed, rates=rates, kinds=kinds, fmt=fmt))
