"""Whether to trust a result: which tables the text shows, reading doubts, and the report's verdict.

``verdict(output, ...)`` gives ``needs_review`` and ``review_reasons``: one reason per cause, each
``{"code", "message", "message_zh", "tables", "cells"}`` where ``code`` is stable (see
``REASONS`` and docs/trust.md), ``tables`` names the tables it concerns (empty: the whole
report) and ``cells`` the ``table.row.col`` cells (possibly empty).
"""
from __future__ import annotations

import re
from typing import Any

from .lostmarks import has_lost, lossy_in
from .normalize import normalize, squash
from .templates import TABLES

# Below this tagger confidence a cell is flagged. Calibrated on generated reports with the
# shipped model (benchmarks/trust_bench.py --calibrate; docs/trust.md "Calibration").
LOW_CONFIDENCE = 0.5

# code -> (English, 中文); ``{n}`` is the number of cells or tables concerned
REASONS: dict[str, tuple[str, str]] = {
    "check_failed": ("the report's own arithmetic does not add up", "报告自身的勾稽关系不成立"),
    "narrative_mismatch": ("{n} figure(s) stated in the report's text disagree with its tables",
                           "正文中 {n} 处数字与表格不一致"),
    "year_on_year_mismatch": ("{n} figure(s) disagree with the body's report of the year before",
                              "{n} 处数字与该机关上一年度报告不衔接"),
    "blank_total": ("{n} total(s) are blank while their parts are not: a value may sit in the wrong column",
                    "{n} 个合计为空而其组成项不为空：可能有数值错位"),
    "unreadable_cell": ("{n} printed value(s) could not be read as numbers", "{n} 个印出的数值无法识别"),
    "ambiguous_cell": ("{n} value(s) placed by a guess among several possible places", "{n} 个数值的位置是在多种可能中推测的"),
    "low_confidence": ("{n} value(s) read with low tagger confidence", "{n} 个数值的识别置信度低"),
    "table_not_rebuilt": ("the table is printed but could not be rebuilt; its cells are unreadable",
                          "表格已印出但无法重建，其单元格均为无法识别"),
    "no_values": ("the table's labels are printed but no value was read", "表格的栏目已印出，但未读到任何数值"),
    "table_not_found": (
        "the section heading is there but its table was not found: no table text under it (a table pasted as a picture needs OCR first)",
        "有该部分标题，但未找到表格：标题下没有表格文字（以图片插入的表格需先做文字识别）",
    ),
    "no_tables": (
        ("none of the report's three statistics tables was found: no table text in it (tables pasted as pictures need "
         "OCR first; a text that lost them needs the original file)"),
        "报告的三张统计表均未找到：文本中没有表格文字（以图片插入的表格需先做文字识别；文本丢失了表格的，需使用原文件）",
    ),
    "rows_not_found": ("{n} row(s) of the table were not found; their cells are missing", "表格有 {n} 行未找到，其单元格缺失"),
    "table_truncated": ("the text stops inside the table; the rest is missing", "文本在表格中途截断，其余部分缺失"),
    "multiple_reports": ("the text holds more than one report (another title and 一、总体情况 at character {at}); "
                         "only the first is extracted", "文本中含有不止一份报告（第 {at} 个字符处另有标题和“一、总体情况”），仅提取了第一份"),
    "title_missing": ("no title found", "未找到标题"),
    "year_missing": ("the reporting year was not found", "未找到报告年度"),
    "organ_missing": ("the publishing body was not found", "未找到发布机关"),
    "year_conflict": ("the title says {title_year} but the statistics period is {period_year}: the year may be wrong",
                      "标题年度为{title_year}年，但统计期限为{period_year}年：年度可能有误"),
    "ingest_warning": ("reading the file raised a doubt: {detail}", "读取文件时有疑问：{detail}"),
    "doubled_characters": ("characters are printed twice (faux bold): headings and values may be misread",
                           "文字重复出现（仿粗体），标题和数值可能被误读"),
}  # fmt: skip

# Header and row wordings that only a table prints (squashed); three distinct ones mean the table
# is in the text, whether or not its heading was found.
TABLE_MARKERS: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("本年制发件数", "本年废止件数", "现行有效件数", "本年新制作数量", "本年新公开数量",
                          "对外公开总数量", "本年处理决定数量", "本年收费金额", "采购项目数量", "采购总金额"),
    # the last three survive a narrow column's wrapping (``-layout``: ``商业企`` / ``业``)
    "applications": ("申请人情况", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "本年新收政府信息公开申请数量",
                     "上年结转政府信息公开申请数量", "结转下年度继续办理", "本列数据的勾稽关系", "只计这一情形",
                     "行政查询事项"),
    "review_litigation": ("未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "尚未审结"),
}  # fmt: skip
_DOUBLED = re.compile(r"([\u3400-\u9fff、，（）])\1")


def undouble(s: str) -> str:
    """``四四、、政政府府`` -> ``四、政府``: each doubled CJK character (or punctuation) once."""
    return _DOUBLED.sub(r"\1", s)


def printed_tables(text: str) -> set[str]:
    """The tables whose header or row wordings appear in the text (also when drawn in faux bold, or
    with characters an earlier conversion lost: ``lostchars.lossy_in``)."""
    flat = squash(text)
    views = (flat, undouble(flat))
    lossy = has_lost(flat)

    def shown(word: str) -> bool:
        return any(word in v or (lossy and lossy_in(word, v)) for v in views)

    return {t for t, words in TABLE_MARKERS.items() if sum(shown(w) for w in words) >= 3}


def doubled_share(text: str) -> float:
    """Share of CJK characters that stand in a doubled pair (faux bold); ~0.01 in ordinary text."""
    cjk = re.findall(r"[\u3400-\u9fff]", normalize(text))
    if len(cjk) < 20:
        return 0.0
    return 2 * len(_DOUBLED.findall("".join(cjk))) / len(cjk)


def check_cells(check: dict[str, Any]) -> list[str]:
    """The cells (``table.row.col``) a check compares: its ``operands``, or the ``cells`` of a
    narrative check (``{"table", "row", "col"}`` entries)."""
    if check.get("operands"):
        return list(check["operands"])
    return [f"{e['table']}.{e['row']}.{e['col']}" for e in check.get("cells") or [] if isinstance(e, dict) and "table" in e]


def reason(code: str, tables: list[str] | tuple[str, ...] = (), cells: list[str] | None = None, **fmt: Any) -> dict[str, Any]:
    en, zh = REASONS[code]
    fmt.setdefault("n", len(cells) if cells else len(tables))
    fmt.setdefault("detail", "")
    return {"code": code, "message": en.format(**fmt), "message_zh": zh.format(**fmt),
            "tables": list(tables), "cells": list(cells or [])}  # fmt: skip


def verdict(output: dict[str, Any], ingest_warnings: list[str] = (), text: str = "",
            ambiguous: list[str] = (), notes: list[dict[str, Any]] = ()) -> dict[str, Any]:  # fmt: skip
    """``{"needs_review": bool, "review_reasons": [...]}`` for an assembled output.

    ``output`` holds ``tables``, ``cell_status``, ``provenance``, ``checks``, ``year``, ``organ``;
    ``ambiguous`` the cells (``table.row.col``) inferred from more than one candidate (a cell read
    through a repair, OCR letters as digits, is ``inferred`` with one candidate: its status and a
    warning say so, it raises no reason); ``notes``
    reasons the assembly already raised (tables not rebuilt or not found, rows not found, cut off).
    """
    reasons: list[dict[str, Any]] = list(notes)
    failed: dict[str, list[str]] = {}
    narrative: list[dict[str, Any]] = []
    for c in output.get("checks") or []:
        if c.get("status", "fail" if c.get("ok") is False else "pass") == "fail":
            if c["rule"].startswith("narrative."):  # the prose or the table is wrong: its own reason
                narrative.append(c)
                continue
            cells = check_cells(c)
            for table in {x.split(".", 1)[0] for x in cells} or {c["rule"].split(".", 1)[0]}:
                failed.setdefault(table, []).extend(x for x in cells if x.startswith(table + "."))
    if failed:
        reasons.append(reason("check_failed", sorted(failed), sorted({x for v in failed.values() for x in v})))
    if narrative:
        cells = sorted({x for c in narrative for x in check_cells(c)})
        reasons.append(reason("narrative_mismatch", sorted({x.split(".", 1)[0] for x in cells}), cells, n=len(narrative)))
    blank_totals = [c for c in output.get("checks") or [] if c.get("blank_total")]
    if blank_totals:
        cells = sorted({x for c in blank_totals for x in c.get("operands") or []})
        reasons.append(reason("blank_total", sorted({c["rule"].split(".", 1)[0] for c in blank_totals}), cells,
                              n=len(blank_totals)))  # fmt: skip
    status = output.get("cell_status") or {}
    prov = output.get("provenance") or {}
    unreadable, low = [], []
    for t in TABLES:
        for r, cols in (status.get(t) or {}).items():
            for c, st in cols.items():
                name = f"{t}.{r}.{c}"
                if st == "unreadable":
                    unreadable.append(name)
                p = ((prov.get(t) or {}).get(r) or {}).get(c) or {}
                conf = p.get("tagger_confidence")
                if st in ("read", "inferred") and p.get("source") != "layout" and conf is not None and conf < LOW_CONFIDENCE:
                    low.append(name)
    by_table = lambda cells: sorted({x.split(".", 1)[0] for x in cells})  # noqa: E731
    not_rebuilt = {t for n in notes if n["code"] == "table_not_rebuilt" for t in n["tables"]}
    cells = [x for x in unreadable if x.split(".", 1)[0] not in not_rebuilt]
    if cells:
        reasons.append(reason("unreadable_cell", by_table(cells), cells))
    if ambiguous:
        reasons.append(reason("ambiguous_cell", by_table(ambiguous), list(ambiguous)))
    if low:
        reasons.append(reason("low_confidence", by_table(low), low))
    if output.get("template") is not None:
        if not output.get("title_found", True):
            reasons.append(reason("title_missing"))
        if output.get("year") is None:
            reasons.append(reason("year_missing"))
        if output.get("organ") is None:
            reasons.append(reason("organ_missing"))
    for w in ingest_warnings:
        reasons.append(reason("ingest_warning", list(TABLES), detail=w))
    if text and doubled_share(text) >= 0.2:
        reasons.append(reason("doubled_characters", list(TABLES)))
    return {"needs_review": bool(reasons), "review_reasons": reasons}
