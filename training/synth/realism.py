"""The realism loop: run the pipeline (rule tagger) on synthetic reports and score it per messiness kind.

    python -m govreport.training.synth.realism -n 2000 --seed 1 [--isolated 40] [--out docs/realism.md]

Two views: *mixed* reports drawn at the default rates (a kind's row aggregates every report that
has it, whatever else it has), and *isolated* reports that carry only that one kind (the baseline
row has none), which attributes a failure to its kind. A kind with low scores is a bug in the
pipeline or in the generator.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from govreport.extraction.errors import GovReportError
from govreport.extraction.evaluate import ReportScore, aggregate, score_report
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from govreport.training.registry import atomic_write_text

from .documents import DOC_LATE_KINDS
from .generator import SynthReport, iter_reports
from .routes import ROUTES, RoutedReport, generate_routed, missing_tools
from .transforms import KIND_BY_NAME, KINDS, LAYOUT_KINDS

BASELINE = "(none)"
EMPTY_PRED: dict[str, Any] = {"template": None, "year": None, "organ": None, "sections": [],
                              "tables": {"active_disclosure": None, "applications": None, "review_litigation": None}}  # fmt: skip


def _extract(extractor: Extractor, rid: str, text: str, document: Any = None) -> tuple[dict[str, Any], str | None]:
    """The pipeline's output for one generated report (its Document when a reader made one, else its
    text), or an empty prediction and the error when the pipeline refuses it."""
    try:
        if document is not None:
            return extractor.extract_document(document).output, None
        return extractor.extract_text(text, filename=f"{rid}.txt").output, None
    except GovReportError as exc:
        return EMPTY_PRED, f"{type(exc).__name__}: {exc}"


def _score(extractor: Extractor, rid: str, text: str, gold: dict[str, Any], document: Any = None) -> ReportScore:
    """Extract one generated report and score it; a report the pipeline refuses scores as an empty
    prediction with the error named."""
    pred, err = _extract(extractor, rid, text, document)
    sc = score_report(pred, gold, text, rid)
    if err:
        sc.errors.insert(0, err)
    return sc


def score_one(extractor: Extractor, r: SynthReport) -> ReportScore:
    return _score(extractor, r.id, r.text, r.gold)


def score_routed(extractor: Extractor, r: RoutedReport) -> ReportScore:
    """A document read one way: through govreport's own reader (its Document) or the text a tool gave."""
    return score_routed_both(extractor, r)[0]


def score_routed_both(extractor: Extractor, r: RoutedReport) -> tuple[ReportScore, ReportScore, int]:
    """One extraction scored against the contract's gold and against the rendered values (the same
    score where they do not differ), and the cells gold determines that came back null."""
    pred, err = _extract(extractor, r.id, r.text, r.document)
    sc = score_report(pred, r.gold, r.text, r.id)
    rendered = sc if r.rendered_tables is None else score_report({**pred}, {**r.gold, "tables": r.rendered_tables}, r.text, r.id)
    if err:
        sc.errors.insert(0, err)
    missed = 0
    for t, rows in (r.gold["tables"] or {}).items():
        got = (pred.get("tables") or {}).get(t) or {}
        for row, cols in (rows or {}).items():
            missed += sum(v is not None and (got.get(row) or {}).get(col) is None for col, v in cols.items())
    return sc, rendered, missed


def run_routes(n: int, seed: int, routes: list[str] | None = None, failures: list[dict[str, Any]] | None = None,
               cache_dir: Path | None = None, doc_kinds: list[str] | None = None,
               tagger: str = "rules", model: str | None = None) -> dict[str, Any]:  # fmt: skip
    """``n`` rendered documents (DOCX, HTML, PDFs) read every route's way and scored; a route whose
    program is missing here is reported as skipped with the reason. A route whose reader drops empty
    cells is scored against the contract's gold (the headline) and against the rendered values.
    ``doc_kinds``: late document kinds every document shows (``documents.DOC_LATE_KINDS``).
    ``tagger``/``model``: the tagger of the pipeline (``extraction.taggers.get_tagger``; default the
    rules, so the table measures the rules the model is trained against)."""
    routes = list(routes or ROUTES)
    skipped = missing_tools(routes)
    runnable = [r for r in routes if r not in skipped]
    extractor = Extractor(get_tagger(tagger, model=model))
    scores: dict[str, list[ReportScore]] = defaultdict(list)
    vs_rendered: dict[str, list[ReportScore]] = defaultdict(list)
    unlocated: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    t0 = time.perf_counter()
    if runnable and n > 0:
        doc_rates = {k: 1.0 for k in doc_kinds or []}
        for r in generate_routed(n, seed, runnable, cache_dir, doc_rates=doc_rates):
            sc, sc_rendered, miss = score_routed_both(extractor, r)
            scores[r.route].append(sc)
            if r.rendered_tables is not None:
                vs_rendered[r.route].append(sc_rendered)
            unlocated[r.route] += r.unlocated
            missed[r.route] += miss
            if failures is not None and (not sc.exact or sc.sections_ok < 6 or sc.tables_ok < 3):
                failures.append({"view": f"route:{r.route}", "id": r.id, "seed": seed, "errors": sc.errors[:12]})
    out = {
        "n": n, "seed": seed, "seconds": round(time.perf_counter() - t0, 1), "skipped": skipped,
        "routes": {r: {**aggregate(v), "unlocated_per_report": unlocated[r] / len(v), "determined_null": missed[r]}
                   for r, v in scores.items()},
        "order": routes,
    }  # fmt: skip
    for r, v in vs_rendered.items():
        out["routes"][r]["vs_rendered"] = aggregate(v)
    return out


def run(n: int, seed: int, isolated: int, pairs: int = 0, failures: Path | None = None,
        only: list[str] | None = None, rates: dict[str, float] | None = None) -> dict[str, Any]:  # fmt: skip
    extractor = Extractor(get_tagger("rules"))
    mixed: dict[str, list[ReportScore]] = defaultdict(list)
    alone: dict[str, list[ReportScore]] = defaultdict(list)
    fail_rows: list[dict[str, Any]] = []
    t0 = time.perf_counter()

    def record(r: SynthReport, sc: ReportScore, view: str) -> None:
        if failures is not None and (not sc.exact or sc.sections_ok < 6 or sc.tables_ok < 3):
            fail_rows.append({"view": view, "id": r.id, "seed": r.seed, "index": r.index, "transforms": r.transforms,
                              "errors": sc.errors[:12]})  # fmt: skip

    all_mixed: list[ReportScore] = []
    for r in iter_reports(n, seed, rates=rates):
        sc = score_one(extractor, r)
        all_mixed.append(sc)
        for k in r.transforms or [BASELINE]:
            mixed[k].append(sc)
        record(r, sc, "mixed")
    for j, kind in enumerate([BASELINE, *KINDS]):
        if only is not None and kind not in only:
            continue
        kinds = [] if kind == BASELINE else [kind]
        for r in iter_reports(isolated, seed * 1000 + 7 + j, kinds=kinds):
            sc = score_one(extractor, r)
            alone[kind].append(sc)
            record(r, sc, f"isolated:{kind}")
    paired: dict[str, dict[str, Any]] = {}
    for j, kind in enumerate(k for k in KINDS if k not in LAYOUT_KINDS):
        if only is not None and kind not in only:
            continue
        for layout in LAYOUT_KINDS:
            spec = KIND_BY_NAME[kind]
            if pairs <= 0 or (spec.layouts is not None and layout not in spec.layouts):
                continue
            scores = []
            for r in iter_reports(pairs, seed * 1000 + 500 + 10 * j + LAYOUT_KINDS.index(layout), kinds=[layout, kind]):
                sc = score_one(extractor, r)
                scores.append(sc)
                record(r, sc, f"pair:{layout}+{kind}")
            paired.setdefault(kind, {})[layout] = aggregate(scores)
    if failures is not None:
        atomic_write_text(failures, "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in fail_rows))
    return {
        "n": n, "seed": seed, "isolated": isolated, "seconds": round(time.perf_counter() - t0, 1),
        "overall": aggregate(all_mixed),
        "mixed": {k: aggregate(v) for k, v in mixed.items()},
        "alone": {k: aggregate(v) for k, v in alone.items()},
        "pairs": pairs,
        "paired": paired,
    }  # fmt: skip


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def to_markdown(res: dict[str, Any], command: str) -> str:
    o = res["overall"]
    out = [
        "# Realism loop: the rule-tagger pipeline on synthetic reports, per messiness kind",
        "",
        f"Generated by `{command}` ({res['seconds']} s). Each kind is measured two ways: **alone** "
        f"({res['isolated']} reports that carry only that kind; `{BASELINE}` = the clean canonical rendering) and "
        f"**mixed** (the {res['n']} reports drawn at the default rates that include the kind, with whatever else "
        "they drew). Scores are the contract's (`govreport.extraction.evaluate`): cell accuracy, exact reports (every cell "
        "right), table presence, section accuracy, in %. What each kind is: docs/synth.md.",
        "",
        f"Overall (mixed, {o['reports']} reports): cell accuracy {_pct(o['cell_accuracy'])}, exact reports "
        f"{_pct(o['exact_reports'])}, table presence {_pct(o['table_presence'])}, sections "
        f"{_pct(o['section_accuracy'])}, template {_pct(o['template_accuracy'])}, year {_pct(o['year_accuracy'])}, "
        f"organ {_pct(o['organ_accuracy'])}, wrong numbers {o.get('wrong_numbers', 0)} (a cell given a number that is "
        "not gold's; a miss is null, not this).",
        "",
        "| kind | alone: cells | exact | tables | sections | wrong | mixed: n | cells | exact | tables | sections | wrong |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in [BASELINE, *KINDS]:
        a, m = res["alone"].get(k), res["mixed"].get(k)
        av = [_pct(a[x]) if a else "–" for x in ("cell_accuracy", "exact_reports", "table_presence", "section_accuracy")]
        av.append(str(a["wrong_numbers"]) if a else "–")
        mv = [_pct(m[x]) if m else "–" for x in ("cell_accuracy", "exact_reports", "table_presence", "section_accuracy")]
        mv.append(str(m["wrong_numbers"]) if m else "–")
        out.append(f"| `{k}` | " + " | ".join(av) + f" | {m['reports'] if m else 0} | " + " | ".join(mv) + " |")
    if res.get("paired"):
        out += [
            "",
            f"## Each kind combined with each layout ({res['pairs']} reports per cell; cell accuracy / exact reports, %)",
            "",
            "| kind | " + " | ".join(f"`{k}`" for k in LAYOUT_KINDS) + " |",
            "|---|" + "---:|" * len(LAYOUT_KINDS),
        ]
        for k, by_layout in res["paired"].items():
            cells = [
                f"{_pct(by_layout[lay]['cell_accuracy'])} / {_pct(by_layout[lay]['exact_reports'])}" if lay in by_layout else "–"
                for lay in LAYOUT_KINDS
            ]
            out.append(f"| `{k}` | " + " | ".join(cells) + " |")
    out += [
        "",
        "Every weak spot found this way has a minimal reproducible case (a report without prose, one or two kinds) "
        "in `tests/test_synth_pipeline_gaps.py`, xfail until the pipeline handles it; `--failures FILE` lists "
        "the errors of every failing report with the `(seed, index)` that regenerates it.",
    ]
    if res.get("routes"):
        out += routes_markdown(res["routes"], command)
    return "\n".join(out) + "\n"


ROUTES_HEADING = "## Documents read the ways users read them"


def routes_markdown(rr: dict[str, Any], command: str) -> list[str]:
    order = rr["order"]
    out = [
        "",
        f"{ROUTES_HEADING} ({rr['n']} rendered reports per route, seed {rr['seed']})",
        "",
        f"Generated by `{command}` ({rr['seconds']} s for the rendering, the readings and the scoring).",
        "",
        "Each report is rendered as a real document (`training/synth/documents.py`): DOCX with Word tables "
        "(merged cells as gridSpan/vMerge), HTML as government sites publish it (nested layout table, "
        "rowspan/colspan, `<br>`, `&nbsp;`), a PDF converted from the DOCX by LibreOffice (`lo-pdf`) and a PDF "
        "drawn with WPS Office's quirks (`wps-pdf`: scaled text matrix, one glyph per text-show, faux bold; "
        "sometimes a landscape page). It is then read as users read it (`training/synth/routes.py`): "
        "govreport's own reader (the route named by the format alone), `pdftotext`, `pdftotext -layout`, "
        "pdfplumber `extract_text()`, a browser's copy of the page. *wrong numbers* = cells given a number "
        "that is not gold's (a null is a miss, not this); *unflagged wrong numbers* = those of them whose "
        "`cell_status` is `read` (no flag: docs/trust.md); *unlocated* = gold segments per report "
        "that could not be found in the reading (spans for training; the scores do not depend on them).",
        "",
        "Readers that drop empty cells (pdfplumber, raw `pdftotext`: a row is its non-empty cells one after "
        "another) are scored against the **contract gold** (`training/synth/blankgold.py`): a cell the reading "
        "cannot determine is null, as the contract says — every order-keeping placement of a printed row's "
        "visible cells is tried, the placements that meet the report's identities kept (an empty cell as 0), "
        "and a cell they disagree on is null; raw `pdftotext`, which prints neither table 三's row boundaries "
        "nor its empty cells, is scored by the stream its blocks show: every grid printing the same blocks and "
        "meeting the identities the rendered table meets is tried (`blankgold.stream_cells`); a page whose "
        "blocks follow no such walk but hold exactly the values of one run of rows keeps the row view for "
        "those rows alone. "
        "*cells vs rendered values* scores the same output against the "
        "values as rendered (`=`: the same gold); *determined, null* = cells gold determines that came back null.",
        "",
        "| | " + " | ".join(f"`{r}`" for r in order) + " |",
        "|---|" + "---:|" * len(order),
    ]
    rows = [("cells", "cell_accuracy"), ("exact", "exact_reports"), ("tables", "table_presence"),
            ("sections", "section_accuracy")]  # fmt: skip
    for title, key in rows:
        vals = []
        for r in order:
            a = rr["routes"].get(r)
            vals.append(f"{100 * a[key]:.2f}" if a and key == "cell_accuracy" else (_pct(a[key]) if a else "skipped"))
        out.append(f"| {title} | " + " | ".join(vals) + " |")
    out.append("| wrong numbers | " + " | ".join(
        str(rr["routes"][r].get("wrong_numbers", "–")) if r in rr["routes"] else "–" for r in order) + " |")  # fmt: skip
    out.append("| unflagged wrong numbers | " + " | ".join(
        str(rr["routes"][r].get("unflagged_wrong", "–")) if r in rr["routes"] else "–" for r in order) + " |")  # fmt: skip
    out.append("| cells vs rendered values | " + " | ".join(
        f"{100 * rr['routes'][r]['vs_rendered']['cell_accuracy']:.2f}" if "vs_rendered" in rr["routes"].get(r, {}) else "="
        for r in order) + " |")  # fmt: skip
    out.append("| wrong vs rendered | " + " | ".join(
        str(rr["routes"][r]["vs_rendered"]["wrong_numbers"]) if "vs_rendered" in rr["routes"].get(r, {}) else "="
        for r in order) + " |")  # fmt: skip
    out.append("| determined, null | " + " | ".join(
        str(rr["routes"][r].get("determined_null", "–")) if r in rr["routes"] else "–" for r in order) + " |")  # fmt: skip
    out.append("| unlocated | " + " | ".join(
        f"{rr['routes'][r]['unlocated_per_report']:.1f}" if r in rr["routes"] else "–" for r in order) + " |")  # fmt: skip
    for r, why in rr["skipped"].items():
        out.append(f"\n`{r}` skipped: {why}")
    return out


_SECTION = re.compile(r"(?m)^(?=## )")


def _heading_key(section: str) -> str:
    """A ``## `` section's heading without its run's parameters: ``## Documents read … (200 …)``."""
    return section.split("\n", 1)[0].split(" (", 1)[0].strip()


def merge_sections(old: str, new: str) -> str:
    """``new`` (a run's markdown), then every ``## `` section of ``old`` this run did not write, in
    their order: the hand-written sections of docs/realism.md (the lanes' notes under "Crawler
    text", the converters' texts) and a routes table from an earlier ``--routes`` run stay. A full
    run wrote ``new`` alone over the whole file (5,800 lines of notes went with it)."""
    written = {_heading_key(sec) for sec in _SECTION.split(new)[1:]}
    kept = [sec.strip("\n") for sec in _SECTION.split(old)[1:] if _heading_key(sec) not in written]
    return new.rstrip("\n") + "\n" + "".join("\n" + sec + "\n" for sec in kept)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m govreport.training.synth.realism", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="mixed reports (default rates)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--isolated", type=int, default=None, help="reports per kind alone (default n/40, at least 10)")
    ap.add_argument("--out", type=Path, default=Path("docs/realism.md"),
                    help="markdown table ('-': stdout only); the file's other '## ' sections are kept")
    ap.add_argument("--pairs", type=int, default=10, help="reports per (layout, kind) pair (0: skip)")
    ap.add_argument("--failures", type=Path, default=None, help="write the failing reports' errors (JSON lines)")
    ap.add_argument("--json", type=Path, default=None, help="write the raw scores as JSON")
    ap.add_argument("--routes", type=int, default=0, metavar="N",
                    help="also render N documents and score every reading route (slow: LibreOffice ~1-2 s/doc, cached)")
    ap.add_argument("--route", action="append", choices=list(ROUTES), help="only these routes (repeatable)")
    ap.add_argument("--rate", action="append", default=[], metavar="KIND=P",
                    help="override a kind's rate in the mixed view (repeatable), e.g. crawler_text=1")
    ap.add_argument("--doc-kind", action="append", default=[], choices=list(DOC_LATE_KINDS),
                    help="routes: every rendered document shows this late document kind (repeatable)")
    ap.add_argument("--kinds", default=None, help="comma-separated kinds: the isolated and paired views only for these")
    ap.add_argument("--routes-only", action="store_true",
                    help="run only the routes; replace their section of --out, keeping the rest of the file")
    ap.add_argument("--tagger", default="rules", choices=["rules", "model"],
                    help="routes: the pipeline's tagger (default rules)")
    ap.add_argument("--model", default=None, help="routes with --tagger model: version or directory (default: active)")
    args = ap.parse_args(argv)
    isolated = args.isolated if args.isolated is not None else max(10, args.n // 40)
    if args.routes_only:
        res = run_routes(args.routes, args.seed, args.route, doc_kinds=args.doc_kind, tagger=args.tagger,
                         model=args.model)
        cmd = f"python -m govreport.training.synth.realism --routes-only --routes {args.routes} --seed {args.seed}"
        if args.tagger != "rules":
            cmd += f" --tagger {args.tagger}" + (f" --model {args.model}" if args.model else "")
        cmd += "".join(f" --route {r}" for r in args.route or [])
        cmd += "".join(f" --doc-kind {k}" for k in args.doc_kind)
        section = "\n".join(routes_markdown(res, cmd)) + "\n"
        if str(args.out) == "-":
            sys.stdout.write(section)
            return 0
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        cut = old.find("\n" + ROUTES_HEADING)
        # the sections after the routes' one stay
        nxt = old.find("\n## ", cut + 1) if cut >= 0 else -1
        rest = old[nxt:] if nxt >= 0 else ""
        atomic_write_text(args.out, (old[:cut] if cut >= 0 else old).rstrip("\n") + "\n" + section + rest)
        print(section)
        if args.json:
            atomic_write_text(args.json, json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    only = [k.strip() for k in args.kinds.split(",")] if args.kinds else None
    if only is not None:
        unknown = [k for k in only if k not in KIND_BY_NAME and k != BASELINE]
        if unknown:
            ap.error(f"unknown kind(s) {unknown}; known: {', '.join(KINDS)}")
    rates: dict[str, float] = {}
    for item in args.rate:
        k, sep, p = item.partition("=")
        if not sep or k not in KIND_BY_NAME:
            ap.error(f"--rate wants KIND=P with a known kind, got {item!r}")
        try:
            rates[k] = float(p)
        except ValueError:
            ap.error(f"--rate {item!r}: P is not a number")
    res = run(args.n, args.seed, isolated, args.pairs, args.failures, only, rates or None)
    if args.routes:
        route_failures: list[dict[str, Any]] = []
        res["routes"] = run_routes(args.routes, args.seed, args.route, route_failures)
        if args.failures:
            with args.failures.open("a", encoding="utf-8") as f:
                f.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in route_failures)
    cmd = f"python -m govreport.training.synth.realism -n {args.n} --seed {args.seed} --isolated {isolated} --pairs {args.pairs}"
    if args.routes:
        cmd += f" --routes {args.routes}" + "".join(f" --route {r}" for r in args.route or [])
    if only is not None:
        cmd += f" --kinds {','.join(only)}"
    cmd += "".join(f" --rate {k}={p:g}" for k, p in rates.items())
    md = to_markdown(res, cmd)
    if str(args.out) == "-":
        sys.stdout.write(md)
    else:
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        atomic_write_text(args.out, merge_sections(old, md))
        print(md)
    if args.json:
        atomic_write_text(args.json, json.dumps(res, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
