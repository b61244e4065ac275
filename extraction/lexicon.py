"""Label wordings (canonical, variants, typos) and fuzzy matching of label fragments to keys.

Everything is compared through ``normalize.label_key`` so traditional characters, full-width
brackets, spacing and numbering do not matter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .layout import has_cell_bars
from .lostmarks import has_lost, lossy_in
from .normalize import label_key, normalize
from .templates import FORMATS, TABLES, table_spec

# Extra wordings seen in real reports, by row key (any format).
ROW_VARIANTS: dict[str, tuple[str, ...]] = {
    "regulations": ("规章（市政府令）", "规章(政府令)", "政府规章"),
    "normative_documents": ("规范性文件", "行政规范性文件"),
    "other_external_services": ("其他对外管理服务事项", "其他对外管理服务"),
    "administrative_fees": ("行政事业性收费", "行政事业收费"),
    "centralized_procurement": ("政府集中采购", "集中采购"),
    "new_received": ("本年新收政府信息公开申请数量", "本年新收申请数量"),
    "carried_over": ("上年结转政府信息公开申请数量", "上年结转申请数量"),
    "partially_granted": ("部分公开",),
    "denied_prohibited_by_law": ("其他法律法规禁止公开", "其他法律行政法规禁止公开"),
    "denied_security_stability": ("危及三安全一稳定",),
    "not_processed_excessive": ("无正当理由大量反复申请", "无正当理由由大量反复申请"),
    "other_handling": ("其他处理",),
    "other_overdue_correction": ("申请人无正当理由逾期不补正",),
    "other_unpaid_fee": ("申请人逾期未按收费通知要求缴纳费用",),
    "total_handled": ("总计", "合计"),
    "carried_forward": ("结转下年度继续办理", "结转下年度继续办理申请数量"),
}

# Group labels: context for rows, never rows themselves.
GROUP_LABELS: tuple[str, ...] = (
    "第二十条第一项", "第二十条第五项", "第二十条第六项", "第二十条第八项", "第二十条第九项",
    "本年度办理结果", "不予公开", "无法提供", "不予处理", "申请人情况", "信息内容",
)

# Column header wordings by table: key -> wordings. Group headers map to "" (not a value column).
COL_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "active_disclosure": {
        "new_made": ("本年新制作数量", "本年新制作"),
        "new_published": ("本年新公开数量", "本年新公开"),
        "total_published": ("对外公开总数量", "对外公开总数"),
        "prev_year_items": ("上一年项目数量", "上年项目数量"),
        "change": ("本年增/减", "本年增减"),
        "decisions": ("处理决定数量", "本年处理决定数量", "本年度处理决定数量"),
        "projects": ("采购项目数量",),
        "amount": ("采购总金额", "本年收费金额", "收费金额"),
        "issued": ("本年制发件数", "本年制发"),
        "repealed": ("本年废止件数", "本年度止件数", "本年废止"),
        "in_force": ("现行有效件数", "现行有效"),
        "": ("信息内容",),
    },
    "applications": {
        "natural_person": ("自然人",),
        "commercial_enterprise": ("商业企业",),
        "research_institution": ("科研机构",),
        "social_welfare_org": ("社会公益组织",),
        "legal_service_org": ("法律服务机构",),
        "other_org": ("其他",),
        "total": ("总计",),
        "subtotal": ("小计",),
        "": ("申请人情况", "法人或其他组织"),
    },
    "review_litigation": {
        "upheld": ("结果维持",),
        "corrected": ("结果纠正",),
        "other": ("其他结果",),
        "pending": ("尚未审结",),
        "total": ("总计",),
        "administrative_review": ("行政复议",),
        "litigation": ("行政诉讼",),
        "litigation_direct": ("未经复议直接起诉",),
        "litigation_after_review": ("复议后起诉",),
    },
}

SECTION_KEYWORDS: dict[int, tuple[tuple[str, ...], ...]] = {
    # each entry: all words of one alternative must occur
    1: (("总体情况",), ("总体",), ("概述",), ("基本情况",)),
    2: (("主动公开",),),
    3: (("收到", "申请"), ("处理", "申请"), ("依申请",)),
    4: (("行政复议",), ("行政诉讼",), ("复议",), ("诉讼",)),
    5: (("问题",), ("改进",), ("不足",)),
    6: (("其他", "报告"), ("其他事项",), ("其他需要",)),
}
_SECTION_NUMERALS = "一二三四五六七八"
# 七/八: reports older than the 2019 format have up to eight parts, matched to the six by topic
SECTION_RE = re.compile(r"^\s*([一二三四五六七八])\s*[、.．,，:：]\s*(\S.{0,40})$")
# 第一部分 总体情况 / 第二部分：主动公开… / 第三部分、… (some reports number their parts so)
SECTION_PART_RE = re.compile(r"^\s*第\s*([一二三四五六七八])\s*部\s*分\s*[、.．,，:：]?\s*(\S.{0,40})$")


def section_index(heading: str) -> int | None:
    """The section number (1-6) of a heading line's content, or None if it is no section heading."""
    norm = normalize(heading).strip()
    m = SECTION_RE.match(norm) or SECTION_PART_RE.match(norm)
    if not m:
        return None
    num = _SECTION_NUMERALS.index(m.group(1)) + 1
    rest = re.sub(r"[\s*#]", "", m.group(2))
    if re.search(r"\d\s*$", rest) or "\t" in heading or has_cell_bars(norm):
        return None  # a table row (四、结转下年度继续办理  0  0 …), not a heading
    matches = [k for k, alts in SECTION_KEYWORDS.items() if any(all(w in rest for w in alt) for alt in alts)]
    if not matches and has_lost(rest):
        # characters an earlier conversion lost (二、主?公?政府信息的情?): a keyword of the heading's
        # own number with at most half of it lost still names it; never another section's
        own = SECTION_KEYWORDS.get(num, ())
        return num if any(all(lossy_in(w, rest, min_kept=1) for w in alt) for alt in own) else None
    if not matches:
        return None
    if num in matches:
        return num
    if len(matches) == 1:
        return matches[0]
    if num > 6 and 6 in matches:  # 七、其他需要报告的事项 of an old report: the last part is the other matters
        return 6
    return None


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Match:
    key: str
    score: float


@lru_cache(maxsize=None)
def row_lexicon(fmt: str, table: str) -> tuple[tuple[str, str], ...]:
    """(row key, label key) pairs of every wording of every row of one table."""
    spec = table_spec(fmt, table)
    out: list[tuple[str, str]] = []
    for r in spec.rows:
        words = {r.label, *ROW_VARIANTS.get(r.key, ())}
        if table == "review_litigation":
            continue  # review rows are column groups in print
        for w in words:
            out.append((r.key, label_key(w)))
    return tuple(out)


@lru_cache(maxsize=None)
def col_lexicon(table: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, label_key(w)) for k, ws in COL_WORDS[table].items() for w in ws)


@lru_cache(maxsize=4096)
def best_match(text_key: str, lexicon: tuple[tuple[str, str], ...]) -> Match | None:
    best: Match | None = None
    for key, word in lexicon:
        s = similarity(text_key, word)
        if word and text_key and s < 1.0:
            ratio = min(len(text_key), len(word)) / max(len(text_key), len(word))
            if text_key in word:  # a fragment of a label (broken across lines)
                s = max(s, 0.55 + 0.45 * ratio)
            elif word in text_key:  # a label with extra words around it: weaker evidence
                s = max(s, 0.45 + 0.45 * ratio)
        if best is None or s > best.score:
            best = Match(key, s)
    return best


def match_row(fragment: str, fmt: str, table: str) -> Match | None:
    return best_match(label_key(fragment), row_lexicon(fmt, table))


def match_col(fragment: str, table: str) -> Match | None:
    return best_match(label_key(fragment), col_lexicon(table))


@lru_cache(maxsize=1)
def _group_keys() -> tuple[str, ...]:
    return tuple(label_key(g) for g in GROUP_LABELS)


def group_key(fragment: str) -> str:
    """The key group labels are compared by: ``label_key`` without brackets."""
    if len(fragment) <= 256:  # remembered: ~270 calls a report, mostly the template's wordings
        return _group_key(fragment)
    return _BRACKETS.sub("", label_key(fragment))


_BRACKETS = re.compile(r"[()（）]")


@lru_cache(maxsize=8192)
def _group_key(fragment: str) -> str:
    return _BRACKETS.sub("", label_key(fragment))


def is_group_label(fragment: str) -> bool:
    k = group_key(fragment)
    return any(k == g for g in _group_keys()) or k.startswith("第二十条")


def is_group_prefix(key: str) -> bool:
    """Can a label whose ``group_key`` so far is ``key`` still become a group label (it wraps)?"""
    return any(g.startswith(key) for g in _group_keys()) or "第二十条".startswith(key) or key.startswith("第二十条")


def all_row_lexicon(table: str) -> tuple[tuple[str, str], ...]:
    seen: dict[tuple[str, str], None] = {}
    for fmt in FORMATS:
        for pair in row_lexicon(fmt, table):
            seen[pair] = None
    return tuple(seen)


__all__ = [
    "TABLES",
    "Match",
    "match_row",
    "match_col",
    "best_match",
    "section_index",
    "is_group_label",
    "is_group_prefix",
    "group_key",
    "row_lexicon",
    "col_lexicon",
    "all_row_lexicon",
    "similarity",
]
