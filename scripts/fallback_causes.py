"""Why table 三 falls back to order: per cached reading, the cells lost and where the grid's stream stops.

Where no division of table 三's value stream fits, the extractor pairs rows with values by order
(``streamorder.distrust_order``: flagged guesses, ``unreadable`` cells). For each cached reading
(``scripts/cell_diff.py cache``) this script runs this checkout's extractor (rules tagger), notes
whether ``distrust_order`` ran, counts table 三's lost cells against the contract gold (null where
the gold holds a number, a guess where the gold is null, a wrong number), and for the readings
that fell back walks the rendered grid's own stream through the reading the way the gold does
(``training/synth/blankgold.stream_layout``: blocks, then the values' order alone) to find the
first row no walk gets past. The cause is read from where it stops:

    A  the walk with blocks reads the whole table: the extractor's block model is narrower
    B  only the values' order alone reads it (the reading joins blocks otherwise): the gold's flat walk
    C  it stops at row 一: the first page top, row 一 among the header pieces in no order 1-3 rows print
    D  it stops right before a later page's repeated column header
    E  it stops within the last four rows (三(六)… and 四, the last row group)
    F  it stops mid-page: a row's values out of the rows' order (cells drawn after later rows')

    python scripts/fallback_causes.py /work/cache/g1.pkl /tmp/causes.jsonl [--only 5,18]

Writes one JSON line per reading (appending; readings already in the file are skipped, so an
interrupted run resumes) and prints the table of causes (readings, cells) over the file. Read
caches only from files you made (they are pickles).
"""
from __future__ import annotations

import argparse
import inspect
import json
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

# this checkout's code first (as ``cell_diff.py``): a worktree is measured with its own extractor
CHECKOUT = Path(__file__).resolve().parents[1]
if str(CHECKOUT) not in sys.path[:1]:
    sys.path.insert(0, str(CHECKOUT))

CAUSES = {
    "A": "the grid's stream walks whole with blocks: the extractor's block model is narrower than the gold's",
    "B": "only the values' order alone walks it (blocks joined otherwise): the gold's flat walk",
    "C": "row 一 at the first page top: its values among the header pieces in no order 1-3 rows print",
    "D": "a later page's top: the walk stops right before a repeated column header",
    "E": "the last row group (the last four rows): its blocks in no unit's order",
    "F": "mid-page: a row's values out of the rows' order (cells drawn after later rows')",
}


def _deep_layout() -> Any:
    """``blankgold.stream_layout`` that also records the furthest (row, block) its walk reached
    (``DEEP[0]``): the same walk, its source extended by two lines (a diagnostic, not the oracle)."""
    from govreport.training.synth import blankgold

    src = inspect.getsource(blankgold.stream_layout)
    marks = ("    memo: dict[tuple[int, int], list[tuple[int, Any]] | None] = {}", "        if i == len(rows):\n            return []")
    if not all(m in src for m in marks):
        raise RuntimeError("blankgold.stream_layout changed: the stop point cannot be recorded (update _deep_layout)")
    src = src.replace("    memo: dict[tuple[int, int], list[tuple[int, Any]] | None] = {}",
                      "    memo: dict[tuple[int, int], list[tuple[int, Any]] | None] = {}\n    DEEP[0] = (0, 0)", 1)
    src = src.replace("        if i == len(rows):\n            return []",
                      "        if (i, at) > DEEP[0]:\n            DEEP[0] = (i, at)\n        if i == len(rows):\n            return []", 1)
    env = dict(vars(blankgold))
    env["DEEP"] = [(0, 0)]
    exec(compile(src, "<stream_layout>", "exec"), env)  # noqa: S102 - this checkout's own source
    return env["stream_layout"], env["DEEP"]


def _lost(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, int]:
    out = {"null_num": 0, "guess_gnull": 0, "wrong_num": 0, "right": 0}
    for row, cols in gold.items():
        for col, gv in cols.items():
            pv = (pred.get(row) or {}).get(col)
            if pv == gv or (pv is not None and gv is not None and abs(pv - gv) < 1e-9):
                out["right"] += 1
            elif pv is None:
                out["null_num"] += 1
            elif gv is None:
                out["guess_gnull"] += 1
            else:
                out["wrong_num"] += 1
    return out


def _where(r: Any, layout: Any, deep: list) -> dict[str, Any]:
    """How far the rendered grid's stream walks through the reading, and the cause letter."""
    from govreport.training.synth import blankgold as bg
    from govreport.training.synth.documents import make_document

    d = make_document(r.meta["seed"], r.meta["index"])
    grid = next(b.grid for b in d.blocks if b.grid is not None and b.grid.table == "applications")
    rows = bg.printed_rows(grid, d.fmt)
    reach = {}
    for flat in (True, False):  # blocks last: DEEP then holds the block walk's stop
        found = layout(rows, r.text, flat=flat)
        reach[flat] = len(rows) if found is not None else deep[0][0]
    i, at = deep[0]
    heads = [len(bg.reading_blocks(r.text[: m.start()])) for m in re.finditer("申请人情况", r.text)]
    head_after = next((h - at - 1 for h in heads if h > at), None)
    if reach[False] >= len(rows):
        cause = "A"
    elif reach[True] >= len(rows):
        cause = "B"
    elif i == 0:
        cause = "C"
    elif head_after is not None and head_after <= 8:
        cause = "D"
    elif len(rows) - i <= 4:
        cause = "E"
    else:
        cause = "F"
    got = bg.reading_blocks(r.text)
    return {"cause": cause, "walk_rows": reach[False], "flat_rows": reach[True], "rows": len(rows),
            "stop_row": rows[i].key if i < len(rows) else None,
            "stop_rendered": rows[i].rendered if i < len(rows) else None,
            "next_blocks": got[at + 1 : at + 6]}


def _run(args: argparse.Namespace) -> int:
    import govreport.extraction.report as report
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger

    fired: list[bool] = []
    original = report.distrust_order

    def spy(res: Any) -> Any:
        fired.append(True)
        return original(res)

    report.distrust_order = spy
    layout, deep = _deep_layout()
    out = Path(args.out)
    done = {json.loads(x)["id"] for x in out.read_text().splitlines()} if out.exists() else set()
    only = {int(x) for x in args.only.split(",")} if args.only else None
    extractor = Extractor(get_tagger("rules"))
    with out.open("a") as fh:
        for r in pickle.loads(Path(args.cache).read_bytes()):
            if r.id in done or (only is not None and r.meta["index"] not in only):
                continue
            fired.clear()
            o = (extractor.extract_document(r.document) if r.document is not None
                 else extractor.extract_text(r.text, filename=f"{r.id}.txt")).output  # fmt: skip
            rec: dict[str, Any] = {"id": r.id, "fired": bool(fired)}
            rec.update(_lost((r.gold.get("tables") or {}).get("applications") or {},
                             (o.get("tables") or {}).get("applications") or {}))  # fmt: skip
            stats = r.meta.get("blankgold")
            rec["gold_mode"] = [k for k in ("stream_unseen", "stream_flat", "stream_paged", "stream_capped")
                                if stats is not None and getattr(stats, k, 0)]  # fmt: skip
            if fired:
                rec.update(_where(r, layout, deep))
            fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            fh.flush()
    _table(out)
    return 0


def _table(path: Path) -> None:
    recs = [json.loads(x) for x in path.read_text().splitlines()]
    by: dict[str, list[Any]] = defaultdict(lambda: [0, 0, 0, 0, []])
    for x in recs:
        if not x["fired"]:
            continue
        v = by[x["cause"]]
        lost = x["null_num"] + x["guess_gnull"] + x["wrong_num"]
        v[0] += 1
        v[1] += x["null_num"]
        v[2] += x["guess_gnull"]
        v[3] += x["wrong_num"]
        v[4].append((lost, x["id"].replace("doc-", "").replace("-pdf-pdftotext", "")))
    print(f"{len(recs)} readings, {sum(x['fired'] for x in recs)} fall back to order")
    print("| cause | readings | null, gold a number | guess, gold null | wrong number | worst readings |")
    print("|---|---:|---:|---:|---:|---|")
    for k in sorted(by):
        v = by[k]
        worst = ", ".join(f"{n} {lost}" for lost, n in sorted(v[4], reverse=True)[:5])
        print(f"| {k}. {CAUSES[k]} | {v[0]} | {v[1]:,} | {v[2]:,} | {v[3]:,} | {worst} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("cache")
    p.add_argument("out", help="JSON lines, appended to (readings already in it are skipped)")
    p.add_argument("--only", help="document indices, comma-separated")
    p.add_argument("--table", action="store_true", help="only print the table of an existing file")
    args = p.parse_args(argv)
    if args.table:
        _table(Path(args.out))
        return 0
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
