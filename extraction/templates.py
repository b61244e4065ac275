"""The canonical tables of both report formats, read from the contract's ``templates.json``."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

FORMATS = ("2019", "2021")
TABLES = ("active_disclosure", "applications", "review_litigation")
TABLE_SECTION = {"active_disclosure": 2, "applications": 3, "review_litigation": 4}


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # the printed wording (numbering and group prefix stripped where the template has them)
    cols: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    fmt: str
    title: str
    rows: tuple[RowSpec, ...]
    col_labels: dict[str, str]

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    def row(self, key: str) -> RowSpec:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def empty(self) -> dict[str, dict[str, Any]]:
        return {r.key: {c: None for c in r.cols} for r in self.rows}


@lru_cache(maxsize=1)
def raw_templates() -> dict[str, Any]:
    text = resources.files("govreport.extraction").joinpath("resources/templates.json").read_text("utf-8")
    return json.loads(text)


_FORMAT_ONLY = re.compile(r"\s*\[20\d\d format only[^\]]*\]\s*$")


def _clean_app_label(label: str) -> str:
    """'（三）不予公开 1.属于国家秘密' -> '属于国家秘密'; the group prefix is context, not the row."""
    label = _FORMAT_ONLY.sub("", label).strip()
    parts = label.split()
    last = parts[-1] if parts else label
    return re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", "", last)


@lru_cache(maxsize=1)
def application_row_numbers() -> dict[tuple[str, int], str]:
    """Table 三's printed numbering: (group numeral, item number) -> row key, from the template's
    labels ("（四）无法提供 1.本机关不掌握…" is 四/1; "2.没有现成信息…" after it is 四/2)."""
    out: dict[tuple[str, int], str] = {}
    group = None
    for key, label in raw_templates()["shared"]["applications"]["rows_in_order"]:
        label = _FORMAT_ONLY.sub("", label).strip()
        m = re.search(r"（([一二三四五六七])）", label)
        if m:
            group = m.group(1)
        item = re.match(r"(\d+)\.", label.split()[-1])
        if group and item:
            out[(group, int(item.group(1)))] = key
    return out


@lru_cache(maxsize=None)
def table_spec(fmt: str, table: str) -> TableSpec:
    t = raw_templates()
    if fmt not in t["templates"]:
        raise KeyError(f"unknown format {fmt!r}")
    entry = t["templates"][fmt]["tables"][table]
    if table == "active_disclosure":
        rows = tuple(
            RowSpec(k, v["label"], tuple(v["cols"]), v.get("group")) for k, v in entry["rows"].items()
        )
        return TableSpec(table, fmt, entry["title"], rows, dict(entry["col_labels"]))
    if table == "applications":
        shared = t["shared"]["applications"]
        cols = tuple(shared["cols"])
        extra = set(entry.get("extra_rows", []))
        all_extra = {"other_handling", "other_overdue_correction", "other_unpaid_fee", "other_other"}
        rows = []
        for key, label in shared["rows_in_order"]:
            if key in all_extra and key not in extra:
                continue
            rows.append(RowSpec(key, _clean_app_label(label), cols))
        return TableSpec(table, fmt, shared["title"], tuple(rows), dict(shared["cols"]))
    if table == "review_litigation":
        shared = t["shared"]["review_litigation"]
        cols = tuple(shared["cols"])
        rows = tuple(RowSpec(k, v, cols) for k, v in shared["rows"].items())
        return TableSpec(table, fmt, shared["title"], rows, dict(shared["cols"]))
    raise KeyError(f"unknown table {table!r}")


def section_titles() -> dict[int, str]:
    return {int(k): v for k, v in raw_templates()["sections"].items()}


def empty_tables(fmt: str) -> dict[str, Any]:
    return {name: table_spec(fmt, name).empty() for name in TABLES}
