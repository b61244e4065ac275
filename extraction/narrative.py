"""Narrative checks: figures that the report's prose states about its own tables.

Sections 一 and 三 of a 政府信息公开工作年度报告 usually restate table figures in prose
("全年共受理政府信息公开申请859件", "予以公开及部分公开258件", "行政复议7件"). Reviewers compare
the two; so do we. A prose figure is used only when its phrase names one table quantity without
ambiguity and speaks of the reporting year:

- the phrase ends right before the figure (at most a few connecting characters such as 共计);
- its clause (back to the last 。；!?) names no other year and no comparison (上年, 同比, 较…);
- the figure is a count with 件 (or an amount with 万元/元 for money).

Each prose figure becomes one check ``narrative.<quantity>``: ``pass`` when the table's value
(or the sum of the rows the phrase covers) equals it, ``fail`` when not, ``not_assessable`` when a
table operand is null (the operand is named). A mismatch never changes the table: the prose may be
the wrong one. Offsets are character offsets into ``Document.text`` (the original input).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .normalize import normalize

Cell = tuple[str, str, str]  # (table, row, col)

# A figure: digits, optional decimal part, then its unit. Spaces allowed between (PDF copies).
_FIG = r"(?P<num>\d+(?:\.\d+)?) ?(?P<unit>件|万元|元)"
# What may stand between a phrase and its figure.
# No tab or line break, at most two spaces: a figure in a table's next column is not prose.
_GLUE = r"[ \u3000:：]{0,2}(?:共计|合计|总计|共|计|为|达)?[ \u3000:：]{0,2}"
_CLAUSE_BREAK = re.compile(r"[。；;！!？?\n]")
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
# Words that make the figure a comparison or another period's figure.
_OTHER_PERIOD = re.compile(r"上年度?(?!结转)|去年|同比|较上|比上|前年|上一年")


@dataclass(frozen=True)
class Quantity:
    """One table quantity that prose can state.

    ``alternatives``: each is a tuple of cells whose sum the figure may equal (several when
    reports use one word for two readings, e.g. 受理 for new applications with or without the
    ones carried over); the first is the primary reading shown in the check.
    """

    key: str
    label: str
    phrase: str  # regex, matched immediately before _GLUE + _FIG
    alternatives: tuple[tuple[Cell, ...], ...]
    formats: tuple[str, ...] = ("2019", "2021")
    money: bool = False
    context: str | None = None  # regex the figure's clause must contain (for words that need one)


@dataclass(frozen=True)
class ProseFigure:
    """A figure found in the prose: ``value`` in the table's unit (件, or 万元 for money)."""

    quantity: Quantity
    value: Decimal
    start: int  # offsets of the figure's digits in Document.text
    end: int
    phrase_start: int
    text: str  # the phrase and figure as printed

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "phrase_start": self.phrase_start, "text": self.text,
                "value": _num(self.value)}


_APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
               "legal_service_org", "other_org")
_DENIED = ("denied_state_secret", "denied_prohibited_by_law", "denied_security_stability",
           "denied_third_party_rights", "denied_internal_affairs", "denied_process_information",
           "denied_enforcement_case_file", "denied_administrative_inquiry")
_UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear_after_correction")
_NOT_PROCESSED = ("not_processed_petition", "not_processed_duplicate", "not_processed_publication",
                  "not_processed_excessive", "not_processed_reconfirmation")


def _app(*rows: str, col: str = "total") -> tuple[Cell, ...]:
    return tuple(("applications", r, col) for r in rows)


_APPL = r"(?:政府)?信息公开申请|依申请公开(?:申请)?|公开申请|申请"
QUANTITIES: tuple[Quantity, ...] = (
    Quantity("applications.new_received", "本年新收申请",
             r"(?:新收|收到|接收|受理|新增)[^。；;，,\d\t\n]{0,16}?(?:" + _APPL + r")",
             (_app("new_received"), _app("new_received", "carried_over"))),
    Quantity("applications.new_received.natural_person", "本年新收申请 · 自然人", r"(?:涉及|其中|来自)?自然人(?:申请)?",
             (_app("new_received", col="natural_person"), _app("new_received", "carried_over", col="natural_person")), context=r"(?:新收|收到|接收|受理)[^。；;]*申请"),
    Quantity("applications.new_received.commercial_enterprise", "本年新收申请 · 商业企业", r"商业企业(?:申请)?",
             (_app("new_received", col="commercial_enterprise"),
              _app("new_received", "carried_over", col="commercial_enterprise")), context=r"(?:新收|收到|接收|受理)[^。；;]*申请"),
    Quantity("applications.carried_over", "上年结转申请", r"上年(?:度)?结转(?:的)?(?:" + _APPL + r")?",
             (_app("carried_over"),)),
    Quantity("applications.carried_forward", "结转下年度继续办理",
             r"结转(?:至|到)?下(?:一)?年度?(?:继续)?(?:办理)?(?:的)?(?:" + _APPL + r")?",
             (_app("carried_forward"),)),
    Quantity("applications.total_handled", "办理结果总计",
             r"(?:办结|办理完毕|答复)(?:了)?(?:" + _APPL + r")?", (_app("total_handled"),)),
    Quantity("applications.granted_and_partial", "予以公开及部分公开",
             r"予以公开(?:及|和|与|、)部分公开", (_app("granted", "partially_granted"),)),
    Quantity("applications.granted", "予以公开", r"(?<![不及和与、])予以公开(?![及和与、])", (_app("granted"),)),
    Quantity("applications.partially_granted", "部分公开", r"(?<![及和与、])部分公开", (_app("partially_granted"),)),
    Quantity("applications.denied", "不予公开", r"不予(?:以)?公开", (_app(*_DENIED),)),
    Quantity("applications.unable", "无法提供", r"无法提供", (_app(*_UNABLE),)),
    Quantity("applications.not_processed", "不予处理", r"不予处理", (_app(*_NOT_PROCESSED),)),
    Quantity("applications.other_handling", "其他处理", r"其他处理", (_app("other_handling"),), formats=("2019",)),
    Quantity("applications.other_handling", "其他处理", r"其他处理",
             (_app("other_overdue_correction", "other_unpaid_fee", "other_other"),), formats=("2021",)),
    Quantity("review_litigation.administrative_review", "行政复议",
             r"(?<!经)行政复议(?:案件)?(?!后)", (( ("review_litigation", "administrative_review", "total"),),)),
    Quantity("review_litigation.litigation", "行政诉讼", r"行政诉讼(?:案件)?",
             ((("review_litigation", "litigation_direct", "total"),
               ("review_litigation", "litigation_after_review", "total")),)),
    Quantity("active_disclosure.normative_documents.in_force", "现行有效行政规范性文件",
             r"现行有效(?:的)?(?:行政)?规范性文件", ((("active_disclosure", "normative_documents", "in_force"),),),
             formats=("2021",)),
    Quantity("active_disclosure.normative_documents.issued", "本年制发行政规范性文件",
             r"(?:本年度?|全年)?(?:共)?制(?:发|定)(?:的|了)?(?:行政)?规范性文件",
             ((("active_disclosure", "normative_documents", "issued"),),), formats=("2021",)),
    Quantity("active_disclosure.normative_documents.repealed", "本年废止行政规范性文件",
             r"废止(?:了)?(?:行政)?规范性文件", ((("active_disclosure", "normative_documents", "repealed"),),),
             formats=("2021",)),
    Quantity("active_disclosure.regulations.issued", "本年制发规章", r"制(?:发|定)(?:了)?(?:政府)?规章",
             ((("active_disclosure", "regulations", "issued"),),), formats=("2021",)),
    Quantity("active_disclosure.normative_documents.new_made", "本年新制作规范性文件",
             r"(?:新)?制(?:作|发|定)(?:的|了)?规范性文件", ((("active_disclosure", "normative_documents", "new_made"),),),
             formats=("2019",)),
    Quantity("active_disclosure.administrative_fees.amount", "行政事业性收费金额",
             r"行政事业性收费(?:金额|总额)?", ((("active_disclosure", "administrative_fees", "amount"),),),
             formats=("2021",), money=True),
)


def _num(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _compiled(fmt: str) -> list[tuple[Quantity, re.Pattern[str]]]:
    return [(q, re.compile("(?P<phrase>" + q.phrase + ")" + _GLUE + _FIG)) for q in QUANTITIES if fmt in q.formats]


_PATTERNS = {fmt: _compiled(fmt) for fmt in ("2019", "2021")}


def _clause_start(text: str, pos: int) -> int:
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(0, pos - 200), pos)), default=max(0, pos - 200))
    return cut


def find_prose_figures(text: str, fmt: str, year: int | None,
                       exclude: Iterable[tuple[int, int]] = ()) -> list[ProseFigure]:
    """Prose figures in ``text`` (the Document's text) for a report of format ``fmt`` and ``year``.

    ``exclude``: character ranges where figures are table cells, not prose (the CELL spans).
    Returns figures in text order; a figure matched by several quantities keeps the longest phrase.
    """
    if fmt not in _PATTERNS:
        return []
    norm = normalize(text)  # 1:1 characters: offsets are the original text's
    blocked = sorted(exclude)
    found: dict[int, tuple[int, ProseFigure]] = {}
    for q, pat in _PATTERNS[fmt]:
        for m in pat.finditer(norm):
            s, e = m.start("num"), m.end("num")
            if any(lo <= s < hi for lo, hi in blocked):
                continue
            unit = m.group("unit")
            if q.money != (unit != "件"):
                continue
            if norm[e:].lstrip()[:1] in ("%", "％") or norm[m.end():m.end() + 1] == "次":
                continue
            clause = norm[_clause_start(norm, m.start()):m.start()]
            if _OTHER_PERIOD.search(clause + m.group("phrase")):
                continue
            if q.context and not re.search(q.context, clause):
                continue
            years = {int(y) for y in _YEAR.findall(clause)}
            if years and (year is None or years != {year}):
                continue
            value = Decimal(m.group("num"))
            if unit == "元":
                value = value / Decimal(10000)
            fig = ProseFigure(q, value, s, e, m.start("phrase"), text[m.start("phrase"):m.end()])
            plen = m.end("phrase") - m.start("phrase")
            if s not in found or plen > found[s][0]:
                found[s] = (plen, fig)
    return [f for _, (_, f) in sorted(found.items())]


def _provenance(prov: dict[str, Any], cell: Cell) -> dict[str, Any] | None:
    node: Any = prov
    for k in cell:
        node = node.get(k) if isinstance(node, dict) else None
    return node if isinstance(node, dict) and "start" in node else None


def narrative_checks(figures: list[ProseFigure], tables: dict[str, Any],
                     provenance: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One check per prose figure whose table is in the report.

    Shape: ``{"rule": "narrative.<key>", "ok": bool | None, "status": "pass"|"fail"|"not_assessable",
    "detail": str, "prose": {start, end, phrase_start, text, value}, "cells": [{table, row, col,
    value, start?, end?}], "not_assessable": [operand, ...]}``. ``ok`` is None when not assessable.
    """
    out: list[dict[str, Any]] = []
    for fig in figures:
        q = fig.quantity
        table_name = q.alternatives[0][0][0]
        table = tables.get(table_name)
        if not table:
            continue
        best = None
        for alt in q.alternatives:
            vals = [table.get(r, {}).get(c) if isinstance(table.get(r), dict) else None for _, r, c in alt]
            missing = [f"{t}.{r}.{c}" for (t, r, c), v in zip(alt, vals) if v is None]
            total = None if missing else sum(Decimal(str(v)) for v in vals)
            ok = None if missing else abs(total - fig.value) <= Decimal("0.00005") * max(Decimal(1), abs(total))
            cand = (alt, vals, missing, total, ok)
            if ok:
                best = cand
                break
            if best is None:
                best = cand
        alt, vals, missing, total, ok = best  # type: ignore[misc]
        cells = []
        for (t, r, c), v in zip(alt, vals):
            entry: dict[str, Any] = {"table": t, "row": r, "col": c, "value": v}
            p = _provenance(provenance or {}, (t, r, c))
            if p:
                entry["start"], entry["end"] = p["start"], p["end"]
            cells.append(entry)
        fig_txt = _num(fig.value)
        if missing:
            status = "not_assessable"
            detail = f"prose 「{fig.text}」 = {fig_txt}; table operand(s) {', '.join(missing)} not read"
        else:
            status = "pass" if ok else "fail"
            parts = "+".join(str(_num(Decimal(str(v)))) for v in vals)
            detail = f"prose 「{fig.text}」 = {fig_txt}; table {q.label} = {parts} = {_num(total)}"
        out.append({"rule": f"narrative.{q.key}", "ok": ok, "status": status, "detail": detail,
                    "prose": fig.to_dict(), "cells": cells, "not_assessable": missing})
    return out
