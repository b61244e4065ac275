"""The report's own arithmetic, per row and column, with the numbers that were compared."""
from __future__ import annotations

from typing import Any

from .templates import table_spec

Check = dict[str, Any]
TOL = 1e-6


def _fmt(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _check(rule: str, left: list, right: list, lname: str, rname: str) -> Check | None:
    if any(v is None for v in left + right):
        return None
    lsum, rsum = sum(left), sum(right)
    ok = abs(lsum - rsum) <= TOL * max(1.0, abs(lsum), abs(rsum))
    detail = f"{lname} = {'+'.join(_fmt(v) for v in left)} = {_fmt(lsum)}; {rname} = {'+'.join(_fmt(v) for v in right)} = {_fmt(rsum)}"
    return {"rule": rule, "ok": ok, "detail": detail}


def application_checks(table: dict[str, dict[str, Any]], fmt: str) -> list[Check]:
    spec = table_spec(fmt, "applications")
    cols = spec.rows[0].cols
    keys = spec.row_keys
    results = keys[keys.index("granted") : keys.index("total_handled")]
    out: list[Check | None] = []
    for c in cols:
        out.append(
            _check(
                f"applications.balance[{c}]",
                [table["new_received"][c], table["carried_over"][c]],
                [table["total_handled"][c], table["carried_forward"][c]],
                "一+二",
                "三(七)总计+四",
            )
        )
        out.append(
            _check(
                f"applications.results_total[{c}]",
                [table[r][c] for r in results],
                [table["total_handled"][c]],
                "sum of 三(一)…(六)",
                "三(七)总计",
            )
        )
    for r in keys:
        out.append(
            _check(
                f"applications.row_total[{r}]",
                [table[r][c] for c in cols[:-1]],
                [table[r]["total"]],
                "six applicant columns",
                "总计",
            )
        )
    return [c for c in out if c]


def review_checks(table: dict[str, dict[str, Any]]) -> list[Check]:
    out: list[Check | None] = []
    for g, row in table.items():
        out.append(
            _check(
                f"review_litigation.total[{g}]",
                [row["upheld"], row["corrected"], row["other"], row["pending"]],
                [row["total"]],
                "维持+纠正+其他+尚未审结",
                "总计",
            )
        )
    return [c for c in out if c]


def all_checks(tables: dict[str, Any], fmt: str) -> list[Check]:
    out: list[Check] = []
    if tables.get("applications"):
        out += application_checks(tables["applications"], fmt)
    if tables.get("review_litigation"):
        out += review_checks(tables["review_litigation"])
    return out
