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
scores those document indices, ``--route`` one route. The cache holds pickled ``RoutedReport``s:
read it only from files you made.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# This checkout's code, not the one the virtual environment's editable install points at: run from a git
# worktree (``python scripts/cell_diff.py`` puts scripts/ first on sys.path, not the checkout), ``govreport``
# would otherwise be imported from the main checkout and both "versions" scored would be that one.
CHECKOUT = Path(__file__).resolve().parents[1]
if str(CHECKOUT) not in sys.path[:1]:
    sys.path.insert(0, str(CHECKOUT))

_EXTRACTOR: Any = None


def _cache(args: argparse.Namespace) -> int:
    from govreport.training.synth.routes import generate_routed

    readings = list(generate_routed(args.n, args.seed, args.routes))
    Path(args.out).write_bytes(pickle.dumps(readings))
    print(f"{len(readings)} readings -> {args.out}")
    return 0


def _score_one(r: Any) -> tuple[str, dict[str, list[Any]]]:
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
    for t, rows in (r.gold.get("tables") or {}).items():
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
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            res = dict(pool.map(_score_one, readings, chunksize=4))
    else:
        res = dict(map(_score_one, readings))
    Path(args.out).write_text(json.dumps(res, ensure_ascii=False))
    n = sum(len(v) for v in res.values())
    ok = sum(c[2] == "ok" for v in res.values() for c in v.values())
    wrong = sum(c[2] != "ok" and c[0] is not None for v in res.values() for c in v.values())
    unflagged = sum(c[2] == "read" and c[0] is not None for v in res.values() for c in v.values())
    print(f"{len(res)} readings, cells {ok}/{n} = {100 * ok / max(n, 1):.2f} %, wrong numbers {wrong}, unflagged {unflagged}")
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
    d = sub.add_parser("compare", help="which cells moved between two score files")
    d.add_argument("a")
    d.add_argument("b")
    d.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    return {"cache": _cache, "score": _score, "compare": _compare}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
