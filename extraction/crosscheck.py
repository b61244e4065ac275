"""Year-on-year checks between one body's consecutive reports.

Consecutive 政府信息公开工作年度报告 of one body must agree:

- ``applications.carry[col]``: this year's 二、上年结转 = last year's 四、结转下年度继续办理, per
  applicant column (both formats; the 2019 and 2021 applications tables share their rows here);
- ``active_disclosure.in_force[row]`` (2021 format, both years): this year's 现行有效件数 = last
  year's 现行有效件数 + this year's 本年制发件数 − 本年废止件数, for 规章 and 行政规范性文件;
- ``active_disclosure.prev_year_items[row]`` (2019 format, both years): this year's 上一年项目数量 =
  last year's 上一年项目数量 + last year's 本年增/减, for the 第二十条第（五）（六）（八）项 rows.

Reports are grouped by body (``organ_key``: the organ name without spaces, punctuation or
variant characters) and year; a body with two reports for one year gets an ``ambiguous`` entry
instead of a guess. Each identity is one entry with both values and both sources (report id,
cell, offsets); an operand that was not read makes the entry ``not_assessable``, never skipped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .normalize import normalize

_APPLICANT_COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                   "legal_service_org", "other_org", "total")
_NOT_NAME = re.compile(r"[\s\W_]+")


def organ_key(organ: str | None) -> str | None:
    """The body's name for grouping: NFKC, simplified characters, no spaces or punctuation."""
    if not organ:
        return None
    key = _NOT_NAME.sub("", normalize(unicodedata.normalize("NFKC", organ)))
    return key or None


@dataclass(frozen=True)
class ReportRef:
    """One extracted report in a year-on-year comparison: ``id`` names it in the output (a file
    name or a content hash), ``output`` is the contract's JSON object."""

    id: str
    output: dict[str, Any]

    def cell(self, table: str, row: str, col: str) -> Any:
        t = (self.output.get("tables") or {}).get(table) or {}
        r = t.get(row)
        return r.get(col) if isinstance(r, dict) else None

    def source(self, table: str, row: str, col: str) -> dict[str, Any]:
        src: dict[str, Any] = {"report": self.id, "year": self.output.get("year"), "table": table, "row": row,
                               "col": col, "value": self.cell(table, row, col)}
        p = (((self.output.get("provenance") or {}).get(table) or {}).get(row) or {}).get(col)
        if isinstance(p, dict) and "start" in p:
            src["start"], src["end"] = p["start"], p["end"]
        return src


def _entry(rule: str, organ: str, years: tuple[int, int], left: list[tuple[ReportRef, str, str, str, int]],
           right: list[tuple[ReportRef, str, str, str, int]], lname: str, rname: str) -> dict[str, Any]:
    """``left``/``right``: signed operands (report, table, row, col, +1|-1)."""
    sources = {"left": [r.source(t, row, c) | {"sign": s} for r, t, row, c, s in left],
               "right": [r.source(t, row, c) | {"sign": s} for r, t, row, c, s in right]}
    missing = [f"{x['year']}:{x['table']}.{x['row']}.{x['col']}" for side in sources.values() for x in side
               if x["value"] is None]
    out: dict[str, Any] = {"rule": f"year_on_year.{rule}", "organ": organ, "years": list(years), **sources}
    if missing:
        out |= {"status": "not_assessable", "ok": None, "not_assessable": missing,
                "detail": f"{lname} vs {rname}: not read: {', '.join(missing)}"}
        return out
    lv = sum(Decimal(str(x["value"])) * x["sign"] for x in sources["left"])
    rv = sum(Decimal(str(x["value"])) * x["sign"] for x in sources["right"])
    ok = abs(lv - rv) <= Decimal("0.00005") * max(Decimal(1), abs(lv), abs(rv))
    out |= {"status": "pass" if ok else "fail", "ok": ok, "not_assessable": [],
            "detail": f"{lname} = {_n(lv)}; {rname} = {_n(rv)}"}
    return out


def _n(v: Decimal) -> str:
    return str(int(v)) if v == v.to_integral_value() else f"{float(v):g}"


def _pair_checks(organ: str, prev: ReportRef, cur: ReportRef) -> list[dict[str, Any]]:
    y0, y1 = prev.output["year"], cur.output["year"]
    years = (y0, y1)
    out: list[dict[str, Any]] = []
    if cur.output["tables"].get("applications") and prev.output["tables"].get("applications"):
        for c in _APPLICANT_COLS:
            out.append(_entry(f"applications.carry[{c}]", organ, years,
                              [(cur, "applications", "carried_over", c, 1)],
                              [(prev, "applications", "carried_forward", c, 1)],
                              f"{y1} 二、上年结转", f"{y0} 四、结转下年度继续办理"))
    fmts = (prev.output.get("template"), cur.output.get("template"))
    if cur.output["tables"].get("active_disclosure") and prev.output["tables"].get("active_disclosure"):
        if fmts == ("2021", "2021"):
            for row in ("regulations", "normative_documents"):
                out.append(_entry(f"active_disclosure.in_force[{row}]", organ, years,
                                  [(cur, "active_disclosure", row, "in_force", 1)],
                                  [(prev, "active_disclosure", row, "in_force", 1),
                                   (cur, "active_disclosure", row, "issued", 1),
                                   (cur, "active_disclosure", row, "repealed", -1)],
                                  f"{y1} 现行有效件数", f"{y0} 现行有效件数 + {y1} 制发 − 废止"))
        elif fmts == ("2019", "2019"):
            for row in ("administrative_license", "other_external_services", "administrative_penalty",
                        "administrative_coercion", "administrative_fees"):
                out.append(_entry(f"active_disclosure.prev_year_items[{row}]", organ, years,
                                  [(cur, "active_disclosure", row, "prev_year_items", 1)],
                                  [(prev, "active_disclosure", row, "prev_year_items", 1),
                                   (prev, "active_disclosure", row, "change", 1)],
                                  f"{y1} 上一年项目数量", f"{y0} 上一年项目数量 + 本年增/减"))
    return out


def year_on_year(reports: Iterable[ReportRef]) -> list[dict[str, Any]]:
    """Every identity between consecutive years of each body, in (organ, year) order.

    Reports without a year, an organ or a template are left out (they cannot be paired). A body
    with two reports of one year gives one ``{"rule": "year_on_year.ambiguous", "status":
    "not_assessable", ...}`` entry naming them, and that year is not paired.
    """
    groups: dict[str, dict[int, list[ReportRef]]] = {}
    names: dict[str, str] = {}
    for r in reports:
        key, year = organ_key(r.output.get("organ")), r.output.get("year")
        if key is None or not isinstance(year, int) or r.output.get("template") is None:
            continue
        groups.setdefault(key, {}).setdefault(year, []).append(r)
        names.setdefault(key, r.output["organ"])
    out: list[dict[str, Any]] = []
    for key in sorted(groups):
        by_year = groups[key]
        organ = names[key]
        for y in sorted(by_year):
            if len(by_year[y]) > 1:
                out.append({"rule": "year_on_year.ambiguous", "organ": organ, "years": [y], "status": "not_assessable",
                            "ok": None, "reports": [r.id for r in by_year[y]],
                            "detail": f"{len(by_year[y])} reports of {organ} for {y}: not compared"})
        for y in sorted(by_year):
            if y + 1 in by_year and len(by_year[y]) == 1 and len(by_year[y + 1]) == 1:
                out += _pair_checks(organ, by_year[y][0], by_year[y + 1][0])
    return out


def summary_table(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (organ, years): counts of pass / fail / not_assessable, for ``summary.json``."""
    rows: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}
    for e in entries:
        k = (e["organ"], tuple(e["years"]))
        row = rows.setdefault(k, {"organ": e["organ"], "years": list(e["years"]), "pass": 0, "fail": 0,
                                  "not_assessable": 0, "failed_rules": []})
        row[e["status"]] += 1
        if e["status"] == "fail":
            row["failed_rules"].append(e["rule"])
    return list(rows.values())
