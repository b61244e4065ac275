"""The contract's scores (shared/spec/README.md): cell accuracy, value recall, table presence,
section accuracy, exact reports — per report and overall."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .layout import line_of, split_lines
from .templates import TABLES


def values_equal(pred: Any, gold: Any) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    if isinstance(pred, bool) or isinstance(gold, bool):
        return False
    try:
        p, g = float(pred), float(gold)
    except (TypeError, ValueError):
        return False
    return math.isclose(p, g, rel_tol=1e-6, abs_tol=1e-9)


@dataclass
class ReportScore:
    name: str
    cells: int = 0
    cells_ok: int = 0
    values: int = 0
    values_ok: int = 0
    tables_ok: int = 0
    sections_ok: int = 0
    template_ok: bool = False
    year_ok: bool = False
    organ_ok: bool = False
    wrong_numbers: int = 0  # cells predicted as a number that is not gold's (a miss is null, not this)
    unflagged_wrong: int = 0  # of those, cells whose status is ``read`` (no flag: docs/trust.md)
    errors: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.cells_ok == self.cells

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "cell_accuracy": _ratio(self.cells_ok, self.cells),
            "value_recall": _ratio(self.values_ok, self.values),
            "table_presence": self.tables_ok / 3,
            "section_accuracy": self.sections_ok / 6,
            "exact": self.exact,
            "template_ok": self.template_ok,
            "year_ok": self.year_ok,
            "organ_ok": self.organ_ok,
            "cells": self.cells,
            "wrong_numbers": self.wrong_numbers,
            "unflagged_wrong": self.unflagged_wrong,
            "errors": self.errors,
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_report(pred: dict[str, Any], gold: dict[str, Any], text: str, name: str = "") -> ReportScore:
    sc = ReportScore(name or gold.get("source", ""))
    sc.template_ok = pred.get("template") == gold.get("template")
    sc.year_ok = pred.get("year") == gold.get("year")
    sc.organ_ok = pred.get("organ") == gold.get("organ")
    ptables = pred.get("tables") or {}
    pstatus = pred.get("cell_status") or {}
    for t in TABLES:
        g = (gold.get("tables") or {}).get(t)
        p = ptables.get(t)
        if (g is None) == (p is None):
            sc.tables_ok += 1
        else:
            sc.errors.append(f"{t}: predicted {'absent' if p is None else 'present'}, gold {'absent' if g is None else 'present'}")
        if g is None:
            continue
        for row, cols in g.items():
            for col, gv in cols.items():
                pv = ((p or {}).get(row) or {}).get(col, "missing") if p is not None else "missing"
                ok = pv != "missing" and values_equal(pv, gv)
                sc.cells += 1
                sc.cells_ok += ok
                if gv is not None:
                    sc.values += 1
                    sc.values_ok += ok
                if not ok and pv is not None and pv != "missing":
                    sc.wrong_numbers += 1
                    sc.unflagged_wrong += (((pstatus.get(t) or {}).get(row) or {}).get(col)) == "read"
                if not ok and p is not None:
                    sc.errors.append(f"{t}.{row}.{col}: predicted {pv!r}, gold {gv!r}")
    lines = split_lines(text)
    pred_lines = {s["index"]: line_of(lines, s["start"]) + 1 for s in pred.get("sections") or []}
    for k in range(1, 7):
        gl = (gold.get("sections") or {}).get(str(k))
        pl = pred_lines.get(k)
        if gl == pl:
            sc.sections_ok += 1
        else:
            sc.errors.append(f"section {k}: predicted line {pl}, gold line {gl}")
    return sc


def aggregate(scores: list[ReportScore]) -> dict[str, Any]:
    n = len(scores)
    return {
        "reports": n,
        "cell_accuracy": _ratio(sum(s.cells_ok for s in scores), sum(s.cells for s in scores)),
        "value_recall": _ratio(sum(s.values_ok for s in scores), sum(s.values for s in scores)),
        "table_presence": sum(s.tables_ok for s in scores) / (3 * n) if n else 1.0,
        "section_accuracy": sum(s.sections_ok for s in scores) / (6 * n) if n else 1.0,
        "exact_reports": sum(s.exact for s in scores) / n if n else 1.0,
        "template_accuracy": sum(s.template_ok for s in scores) / n if n else 1.0,
        "year_accuracy": sum(s.year_ok for s in scores) / n if n else 1.0,
        "organ_accuracy": sum(s.organ_ok for s in scores) / n if n else 1.0,
        "wrong_numbers": sum(s.wrong_numbers for s in scores),
        "unflagged_wrong": sum(s.unflagged_wrong for s in scores),
    }
