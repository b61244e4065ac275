"""Gold spans of the routed readings: how many readings training keeps, how many items each leaves
unlocated, and whether the spans are right, per route, for ``locate`` as it is and as it was on
``main`` (side by side in one run).

The quality check does not use ``locate``'s own bookkeeping: it compares the spans placed in each
reading's text with the rendering (``SourceDocument.labelled_items``):
  cell_exact   share of readings whose CELL spans' texts, as a multiset, equal the printed non-empty
               values of the rendered tables (so every value is CELL and nothing else is)
  cell_miss    printed values without a CELL span, per reading
  cell_extra   CELL spans beyond the printed values (a prose number, a page number), per reading
  cell_prose   CELL spans on a prose line (one holding 。) or a page-number line, in all readings
  cell_lines   CELL spans over a line break (a wrapped figure, or two values taken for one), in all readings
  row_cov      share of the printed row-label characters covered by ROW spans (multiset)
  col_cov      the same for column-header characters and COL spans
Times are seconds per document: rendering per format (LibreOffice and Chromium cached after the first
run: ``$GOVREPORT_SYNTH_CACHE``), reading per route.

    PYTHONPATH=$PWD python benchmarks/routed_gold.py --n 30 --seed 31 [--routes r1,r2] [--before main]
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from govreport.extraction.labels import Label
from govreport.training.synth import routes as R
from govreport.training.synth.documents import make_document

_WS = re.compile(r"\s+")


def _undouble(s: str) -> str:
    return s[::2] if len(s) % 2 == 0 and len(s) > 1 and s[::2] == s[1::2] else s


def check(items: list[tuple[Any, str]], text: str, spans: list[Any]) -> dict[str, float]:
    """The quality counts of one reading (see the module docstring)."""
    want = Counter(_WS.sub("", s.text) for s, _ in items if s.label == Label.CELL)
    raw = [_WS.sub("", text[sp.start : sp.end]) for sp in spans if sp.label == Label.CELL]
    got = Counter(t if t in want else _undouble(t) for t in raw)  # faux bold read doubled: 总总计计
    out: dict[str, float] = {
        "cell_exact": float(want == got),
        "cell_miss": sum((want - got).values()),
        "cell_extra": sum((got - want).values()),
        "cell_prose": 0,
        "cell_lines": sum(1 for sp in spans if sp.label == Label.CELL and "\n" in text[sp.start : sp.end]),
    }
    for sp in spans:
        if sp.label != Label.CELL:
            continue
        a = max(text.rfind("\n", 0, sp.start), text.rfind("\f", 0, sp.start)) + 1
        b = min([i for i in (text.find("\n", sp.end), text.find("\f", sp.end)) if i >= 0] or [len(text)])
        line = text[a:b].strip()
        # a sentence, or a page number with its dashes / 第…页 (a bare number line is a value's own)
        if "。" in line or re.fullmatch(r"[-—–]+\s*\d+\s*[-—–]+|第\s*\d+\s*页.*", line):
            out["cell_prose"] += 1
    for label, key in ((Label.ROW, "row_cov"), (Label.COL, "col_cov")):
        want_c = Counter("".join(_WS.sub("", s.text) for s, _ in items if s.label == label))
        got_c = Counter("".join(_undouble(_WS.sub("", text[sp.start : sp.end])) for sp in spans if sp.label == label))
        total = sum(want_c.values())
        out[key] = (total - sum((want_c - got_c).values())) / total if total else 1.0
    return out


def _locate_from(ref: str) -> Any:
    """``locate`` as ``training/synth/routes.py`` is at git ``ref``, loaded beside the current one."""
    src = subprocess.run(["git", "show", f"{ref}:training/synth/routes.py"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    spec = importlib.util.spec_from_loader("govreport.training.synth._routes_before", loader=None)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "govreport.training.synth"
    sys.modules[spec.name] = mod  # dataclasses look their module up
    exec(compile(src, f"{ref}:training/synth/routes.py", "exec"), mod.__dict__)
    return mod.locate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--routes", default=",".join(R.ROUTES))
    ap.add_argument("--before", default="main", help="git ref of the locate to compare with ('' for none)")
    ap.add_argument("--max-unlocated", type=int, default=5)
    args = ap.parse_args(argv)
    routes = [r for r in args.routes.split(",") if r]
    missing = R.missing_tools(routes)
    for r, why in missing.items():
        print(f"skipped {r}: {why}", file=sys.stderr)
    routes = [r for r in routes if r not in missing]
    locates = {"after": R.locate}
    if args.before:
        locates = {"before": _locate_from(args.before), **locates}
    docs = [make_document(args.seed, i) for i in range(args.n)]
    fmts = {R.ROUTES[r][0] for r in routes}
    rendered: dict[str, list[Any]] = {}
    render_s: dict[str, float] = {}

    def timed(fmt: str, fn: Any) -> None:
        t = time.perf_counter()
        rendered[fmt] = list(fn())
        render_s[fmt] = time.perf_counter() - t

    if fmts & {"docx", "lo-pdf", "lo-text"}:
        timed("docx", lambda: [R.render_docx(d) for d in docs])
    if "lo-pdf" in fmts:
        timed("lo-pdf", lambda: R.convert_docx_to_pdf([bytes(x) for x in rendered["docx"]]))
    if "lo-text" in fmts:
        timed("lo-text", lambda: R.convert_docx_to_text([bytes(x) for x in rendered["docx"]]))
    if "html" in fmts:
        timed("html", lambda: [R.render_html(d) for d in docs])
    if "quirk-pdf" in fmts:
        timed("quirk-pdf", lambda: [R.render_quirk_pdf(d) for d in docs])
    if "chrome-pdf" in fmts:
        timed("chrome-pdf", lambda: R.print_html_to_pdf(docs))
    read_s: dict[str, float] = defaultdict(float)
    rows: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    for i, d in enumerate(docs):
        items = d.labelled_items()
        for route in routes:
            fmt, reader = R.ROUTES[route]
            t = time.perf_counter()
            text, _ = R._read(fmt, reader, rendered[fmt][i], d.id + R.SUFFIX[fmt])
            read_s[route] += time.perf_counter() - t
            for name, locate in locates.items():
                spans, _, unlocated = locate(items, text)
                q = check(items, text, spans)
                q["unlocated"] = unlocated
                q["kept"] = float(unlocated <= args.max_unlocated)
                rows[(route, name)].append(q)
    n = args.n
    print(f"n={n} seed={args.seed} max_unlocated={args.max_unlocated}; render s/doc: "
          + ", ".join(f"{f} {s / n:.2f}" for f, s in render_s.items()))  # fmt: skip
    print("| route | locate | kept | unlocated/reading | cell_exact | cell_miss | cell_extra | cell_prose | cell_lines | row_cov | col_cov | read s/doc |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for route in routes:
        for name in locates:
            qs = rows[(route, name)]

            def mean(k: str) -> float:
                return sum(q[k] for q in qs) / len(qs)

            print(f"| {route} | {name} | {int(sum(q['kept'] for q in qs))}/{len(qs)} | {mean('unlocated'):.1f} "
                  f"| {100 * mean('cell_exact'):.0f} % | {mean('cell_miss'):.2f} | {mean('cell_extra'):.2f} "
                  f"| {int(sum(q['cell_prose'] for q in qs))} | {int(sum(q['cell_lines'] for q in qs))} | {100 * mean('row_cov'):.1f} % | {100 * mean('col_cov'):.1f} % "
                  f"| {read_s[route] / n:.2f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
