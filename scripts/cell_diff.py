"""Cell-by-cell comparison of two versions of the pipeline on the same generated readings.

The realism report (``python -m govreport.training.synth.realism``) renders and reads every document
anew and gives totals; a change to the assembly is judged better by which cells moved: right→wrong,
null→wrong and right→null must stay at zero while wrong→right grows. Reading is the slow part
(LibreOffice, Chromium, pdftotext), so readings are cached once and both versions score the cache.

    python scripts/cell_diff.py cache 200 1 /tmp/g1.pkl lo-pdf:pdftotext wps-pdf:pdftotext
    python scripts/cell_diff.py score /tmp/g1.pkl /tmp/before.json -j 2        # on the old checkout
    python scripts/cell_diff.py score /tmp/g1.pkl /tmp/after.json -j 2         # on the new one
    python scripts/cell_diff.py compare /tmp/before.json /tmp/after.json [-v]

``score`` writes ``{reading id: {"table.row.col": [predicted, gold, status]}}`` where status is the
cell's ``cell_status`` with ``+amb`` when the review reasons name it ambiguous; ``--only 12,78``
scores those document indices, ``--route`` one route, ``--regold`` against the gold this checkout's
oracle makes anew (a change to ``training/synth/blankgold.py`` measured on old readings); ``gold CACHE``
lists the gold cells this checkout's oracle makes otherwise than the cached gold (exit 1 where one is a
number other than the rendered value, or the oracle fails); ``swap SCORE GOLD OUT`` rescores a score
file against those gold cells without extracting again. The cache holds pickled ``RoutedReport``s:
read it only from files you made.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

# This checkout's code, not the one the virtual environment's editable install points at: run from a git
# worktree (``python scripts/cell_diff.py`` puts scripts/ first on sys.path, not the checkout), ``govreport``
# would otherwise be imported from the main checkout and both "versions" scored would be that one.
CHECKOUT = Path(__file__).resolve().parents[1]
if str(CHECKOUT) not in sys.path[:1]:
    sys.path.insert(0, str(CHECKOUT))

_EXTRACTOR: Any = None
_DOCS: dict[tuple[int, int], Any] = {}


def regold(r: Any, stats: Any = None) -> dict[str, Any]:
    """``r``'s gold tables made anew by this checkout's oracle (``blankgold.contract_tables``) from
    the rendered tables the cache keeps, the grids of its document made again from its seed and index
    (``documents.make_document``) and the reading's text; the cached gold where the route's reader
    keeps empty cells (no oracle). ``stats``: a ``blankgold.Stats`` to count what the oracle did.
    Raises what the oracle raises."""
    from govreport.training.synth.blankgold import Stats, contract_tables
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import COLUMN_MAJOR, ROUTES

    if r.rendered_tables is None:
        return r.gold["tables"]
    key = (r.meta["seed"], r.meta["index"])
    if key not in _DOCS:
        _DOCS.clear()  # readings of one document come together: one kept
        _DOCS[key] = make_document(*key)
    d = _DOCS[key]
    major = COLUMN_MAJOR.get(ROUTES[r.route], frozenset())
    grids = [b.grid for b in d.blocks if b.grid is not None]
    text = r.text if "applications" in major else None
    return contract_tables(grids, d.fmt, r.rendered_tables, stats if stats is not None else Stats(), major, text)


def _cache(args: argparse.Namespace) -> int:
    from govreport.training.synth.routes import generate_routed

    readings = list(generate_routed(args.n, args.seed, args.routes))
    Path(args.out).write_bytes(pickle.dumps(readings))
    print(f"{len(readings)} readings -> {args.out}")
    return 0


def _score_one(r: Any, new_gold: bool = False) -> tuple[str, dict[str, list[Any]]]:
    global _EXTRACTOR
    from govreport.extraction.errors import GovReportError
    from govreport.extraction.evaluate import values_equal

    if _EXTRACTOR is None:
        from govreport.extraction.pipeline import Extractor
        from govreport.extraction.taggers import get_tagger

        _EXTRACTOR = Extractor(get_tagger("rules"))
    try:
        out = (_EXTRACTOR.extract_document(r.document) if r.document is not None
               else _EXTRACTOR.extract_text(r.text, filename=f"{r.id}.txt")).output  # fmt: skip
    except GovReportError as exc:
        return r.id, {"error": [str(exc), None, None]}
    amb = {c for x in out.get("review_reasons") or [] if x["code"] == "ambiguous_cell" for c in x["cells"]}
    cells: dict[str, list[Any]] = {}
    for t, rows in ((regold(r) if new_gold else r.gold.get("tables")) or {}).items():
        got = (out.get("tables") or {}).get(t) or {}
        st = (out.get("cell_status") or {}).get(t) or {}
        for row, cols in (rows or {}).items():
            for col, gv in cols.items():
                pv = (got.get(row) or {}).get(col)
                name = f"{t}.{row}.{col}"
                status = ((st.get(row) or {}).get(col) or "-") + ("+amb" if name in amb else "")
                ok = values_equal(pv, gv)
                cells[name] = [pv, gv, status if not ok else "ok"]
    return r.id, cells


def _score(args: argparse.Namespace) -> int:
    readings = pickle.loads(Path(args.cache).read_bytes())
    only = {int(x) for x in args.only.split(",")} if args.only else None
    readings = [r for r in readings if (only is None or r.meta["index"] in only) and (not args.route or r.route == args.route)]
    one = partial(_score_one, new_gold=args.regold)
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            res = dict(pool.map(one, readings, chunksize=4))
    else:
        res = dict(map(one, readings))
    Path(args.out).write_text(json.dumps(res, ensure_ascii=False))
    n = sum(len(v) for v in res.values())
    ok = sum(c[2] == "ok" for v in res.values() for c in v.values())
    wrong = sum(c[2] != "ok" and c[0] is not None for v in res.values() for c in v.values())
    unflagged = sum(c[2] == "read" and c[0] is not None for v in res.values() for c in v.values())
    print(f"{len(res)} readings, cells {ok}/{n} = {100 * ok / max(n, 1):.2f} %, wrong numbers {wrong}, unflagged {unflagged}")
    return 0


def _gold_one(r: Any, stats: Any) -> tuple[str, list[list[Any]]]:
    try:
        new = regold(r, stats)
    except (AssertionError, ValueError) as exc:
        return r.id, [["error", str(exc), None, None]]
    out = []
    for t, rows in (r.gold.get("tables") or {}).items():
        for row, cols in (rows or {}).items():
            for col, old in cols.items():
                got = ((new.get(t) or {}).get(row) or {}).get(col)
                if old != got:
                    shown = (((r.rendered_tables or {}).get(t) or {}).get(row) or {}).get(col)
                    out.append([f"{t}.{row}.{col}", old, got, shown])
    return r.id, out


def _gold(args: argparse.Namespace) -> int:
    readings = pickle.loads(Path(args.cache).read_bytes())
    only = {int(x) for x in args.only.split(",")} if args.only else None
    readings = [r for r in readings if (only is None or r.meta["index"] in only) and (not args.route or r.route == args.route)]
    from govreport.training.synth.blankgold import Stats

    stats = Stats()
    res = {r.id: cells for r in readings for _, cells in [_gold_one(r, stats)]}
    if args.out:
        Path(args.out).write_text(json.dumps(res, ensure_ascii=False))
    moves: Counter[str] = Counter()
    for rid, cells in res.items():
        for name, old, new, shown in cells:
            kind = "error" if name == "error" else f"{'null' if old is None else 'number'}->{'null' if new is None else 'number'}"
            kind += "" if name == "error" or new is None or new == shown else " (not the rendered value)"
            moves[kind] += 1
            if args.verbose:
                print(f"{rid} {name}: {old} -> {new} (rendered {shown})")
    print(f"{len(res)} readings; gold cells moved: " + (", ".join(f"{k} {v}" for k, v in sorted(moves.items())) or "none"))
    print("oracle: " + ", ".join(f"{k} {v}" for k, v in vars(stats).items() if k != "notes"))
    return 1 if any("rendered" in k or k == "error" for k in moves) else 0


def _swap(args: argparse.Namespace) -> int:
    """A score file as it would be against the gold a ``gold`` run listed (no extraction again): each
    moved cell's gold replaced, ``ok`` where the prediction now equals it; a cell no longer right keeps
    no status (``-``: only a null prediction can be right against one gold and not the other)."""
    from govreport.extraction.evaluate import values_equal

    score, moved = json.loads(Path(args.score).read_text()), json.loads(Path(args.gold).read_text())
    for rid, cells in moved.items():
        if rid not in score:
            continue
        for name, _, new, _ in cells:
            if name == "error" or name not in score[rid]:
                continue
            c = score[rid][name]
            ok = values_equal(c[0], new)
            c[1], c[2] = new, "ok" if ok else (c[2] if c[2] != "ok" else "-")
    Path(args.out).write_text(json.dumps(score, ensure_ascii=False))
    n = sum(len(v) for v in score.values())
    ok = sum(c[2] == "ok" for v in score.values() for c in v.values())
    print(f"{len(score)} readings, cells {ok}/{n} = {100 * ok / max(n, 1):.2f} % against the gold moved")
    return 0


def _kind(c: list[Any]) -> str:
    return "right" if c[2] == "ok" else "null" if c[0] is None else "wrong"


def _compare(args: argparse.Namespace) -> int:
    a, b = json.loads(Path(args.a).read_text()), json.loads(Path(args.b).read_text())
    moves: Counter[str] = Counter()
    for rid in sorted(set(a) & set(b)):
        for name in sorted(set(a[rid]) | set(b[rid])):
            ca, cb = a[rid].get(name, [None, None, "-"]), b[rid].get(name, [None, None, "-"])
            ka, kb = _kind(ca), _kind(cb)
            if ka != kb or (ka == "wrong" and ca[0] != cb[0]):
                moves[f"{ka}->{kb}"] += 1
                if args.verbose:
                    print(f"{rid} {name}: {ca} -> {cb}")
    for k, v in sorted(moves.items()):
        print(f"{k}: {v}")
    bad = sum(v for k, v in moves.items() if k in ("right->wrong", "null->wrong", "right->null"))
    print(f"regressions: {bad}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cache", help="read N generated documents of SEED every ROUTE's way; pickle the readings")
    c.add_argument("n", type=int)
    c.add_argument("seed", type=int)
    c.add_argument("out")
    c.add_argument("routes", nargs="+")
    s = sub.add_parser("score", help="score every cached reading cell by cell with this checkout")
    s.add_argument("cache")
    s.add_argument("out")
    s.add_argument("-j", "--jobs", type=int, default=1)
    s.add_argument("--only", help="document indices, comma-separated")
    s.add_argument("--route")
    s.add_argument("--regold", action="store_true",
                   help="score against the gold this checkout's oracle makes (blankgold), not the cached one")
    g = sub.add_parser("gold", help="which gold cells this checkout's oracle makes otherwise than the cached gold")
    g.add_argument("cache")
    g.add_argument("out", nargs="?")
    g.add_argument("--only", help="document indices, comma-separated")
    g.add_argument("--route")
    g.add_argument("-v", "--verbose", action="store_true")
    w = sub.add_parser("swap", help="a score file against the gold a `gold` run listed (no extraction again)")
    w.add_argument("score")
    w.add_argument("gold")
    w.add_argument("out")
    d = sub.add_parser("compare", help="which cells moved between two score files")
    d.add_argument("a")
    d.add_argument("b")
    d.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    return {"cache": _cache, "score": _score, "gold": _gold, "swap": _swap, "compare": _compare}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
