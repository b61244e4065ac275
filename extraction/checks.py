"""The report's own arithmetic, per row and column, with the numbers that were compared."""
from __future__ import annotations

from typing import Any

from .templates import table_spec

Check = dict[str, Any]
TOL = 1e-6


def _fmt(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"
Operand = tuple[str, Any]  # ("applications.new_received.total", value)


def identity_check(rule: str, left: list[Operand], right: list[Operand], lname: str, rname: str,
           statuses: dict[str, str] | None = None) -> Check:  # fmt: skip
    """One identity ``sum(left) == sum(right)``.

    Returns ``{"rule", "status": pass|fail|not_assessable, "ok": bool|None, "detail", "operands"}``;
    ``operands`` names every cell (``table.row.col``). A null operand makes the check
    ``not_assessable`` (``ok`` null) and the detail names it with its cell status; ``ok`` stays for
    compatibility (true only for ``pass``).
    """
    names = [n for n, _ in left + right]
    nulls = [n for n, v in left + right if v is None]
    if nulls and (broken := _broken_anyway(left, right)) is not None:
        return {"rule": rule, "status": FAIL, "ok": False, "operands": names, "not_assessable": nulls,
                "detail": f"{lname} = {rname} fails whatever the cells without a number hold ({', '.join(nulls)}): {broken}"}  # fmt: skip
    if nulls:
        why = ", ".join(f"{n} ({(statuses or {}).get(n, 'null')})" for n in nulls)
        out = {"rule": rule, "status": NOT_ASSESSABLE, "ok": None, "operands": names, "not_assessable": nulls,
               "detail": f"{lname} = {rname} cannot be checked: no number in {why}"}  # fmt: skip
        blank = all((statuses or {}).get(n, "blank") == "blank" for n, _ in right)  # not missing or unreadable
        if all(v is None for _, v in right) and blank and any(v for _, v in left):
            out["blank_total"] = True  # a total left blank under non-zero parts: a misplaced value, most likely
        return out
    lv, rv = [v for _, v in left], [v for _, v in right]
    lsum, rsum = sum(lv), sum(rv)
    ok = abs(lsum - rsum) <= TOL * max(1.0, abs(lsum), abs(rsum))
    detail = f"{lname} = {'+'.join(_fmt(v) for v in lv)} = {_fmt(lsum)}; {rname} = {'+'.join(_fmt(v) for v in rv)} = {_fmt(rsum)}"
    return {"rule": rule, "status": PASS if ok else FAIL, "ok": ok, "operands": names, "detail": detail}


def _broken_anyway(left: list[Operand], right: list[Operand]) -> str | None:
    """Counts are never negative, so a cell without a number can only add to its side: where one
    side is complete and the other's known numbers already exceed it (2+0+1+? > 总计 0), the
    identity fails whatever the missing cell holds. Returns the detail, or None."""
    for big, small, b, s in ((left, right, "left", "right"), (right, left, "right", "left")):
        if any(v is None for _, v in small) or all(v is None for _, v in big):
            continue
        known, total = sum(v for _, v in big if v is not None), sum(v for _, v in small)
        if known > total + TOL * max(1.0, abs(known), abs(total)):
            shown = "+".join("?" if v is None else _fmt(v) for _, v in big)
            return f"{b} side {shown} ≥ {_fmt(known)} > {s} side {_fmt(total)}"
    return None


def _ops(table: dict[str, dict[str, Any]], name: str, cells: list[tuple[str, str]]) -> list[Operand]:
    return [(f"{name}.{r}.{c}", table[r][c]) for r, c in cells]


def application_checks(table: dict[str, dict[str, Any]], fmt: str, statuses: dict[str, str] | None = None) -> list[Check]:
    spec = table_spec(fmt, "applications")
    cols = spec.rows[0].cols
    keys = spec.row_keys
    results = keys[keys.index("granted") : keys.index("total_handled")]
    t = "applications"
    out: list[Check] = []
    for c in cols:
        out.append(
            identity_check(
                f"applications.balance[{c}]",
                _ops(table, t, [("new_received", c), ("carried_over", c)]),
                _ops(table, t, [("total_handled", c), ("carried_forward", c)]),
                "一+二",
                "三(七)总计+四",
                statuses,
            )
        )
        out.append(
            identity_check(
                f"applications.results_total[{c}]",
                _ops(table, t, [(r, c) for r in results]),
                _ops(table, t, [("total_handled", c)]),
                "sum of 三(一)…(六)",
                "三(七)总计",
                statuses,
            )
        )
    for r in keys:
        out.append(
            identity_check(
                f"applications.row_total[{r}]",
                _ops(table, t, [(r, c) for c in cols[:-1]]),
                _ops(table, t, [(r, "total")]),
                "six applicant columns",
                "总计",
                statuses,
            )
        )
    return out


def review_checks(table: dict[str, dict[str, Any]], statuses: dict[str, str] | None = None) -> list[Check]:
    out: list[Check] = []
    for g in table:
        out.append(
            identity_check(
                f"review_litigation.total[{g}]",
                _ops(table, "review_litigation", [(g, c) for c in ("upheld", "corrected", "other", "pending")]),
                _ops(table, "review_litigation", [(g, "total")]),
                "维持+纠正+其他+尚未审结",
                "总计",
                statuses,
            )
        )
    return out


def flat_statuses(cell_status: dict[str, Any]) -> dict[str, str]:
    """``{table: {row: {col: status}}}`` -> ``{"table.row.col": status}``."""
    return {f"{t}.{r}.{c}": st for t, rows in cell_status.items() if rows for r, cols in rows.items() for c, st in cols.items()}


def all_checks(tables: dict[str, Any], fmt: str, cell_status: dict[str, Any] | None = None) -> list[Check]:
    """Every identity of the report's tables (see ``identity_check`` for the shape)."""
    statuses = flat_statuses(cell_status or {})
    out: list[Check] = []
    if tables.get("applications"):
        out += application_checks(tables["applications"], fmt, statuses)
    if tables.get("review_litigation"):
        out += review_checks(tables["review_litigation"], statuses)
    return out
