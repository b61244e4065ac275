"""Characters an earlier charset conversion lost, read back from the report's own wordings.

A converter that encodes to a charset lacking a character (Big5 or Latin-1 with
``errors="replace"``) writes ``?`` for it; one that decodes bytes it cannot map may write U+FFFD.
Either stands for one character, so ``二、主?公?政府信息情?`` still shows its wording's length and
the characters that survived. Where such a stretch fits exactly one wording of the national forms
(headings, table titles, row, column and group labels, their known variants), the lost characters
are that wording's: ``主?公?政府信息情?`` is 主动公开政府信息情况. Figures are ASCII and never lost,
so only words are read back; a mark no wording explains, or two wordings explain differently,
stays as it is.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from . import lexicon
from .lostmarks import LOST_MARKS
from .normalize import Repair, TextView, normalize

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a run of ideographs and lost marks that holds a mark next to an ideograph or another mark
_STRETCH = re.compile(rf"[{_HAN}?\ufffd]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
# the longest run of ideographs looked at: the forms' longest wording is some 20 characters; prose
# between two punctuation marks is rarely longer, and a longer run costs time for nothing
_MAX_STRETCH = 80
# wordings laid over the text at most: a text of GOVREPORT_MAX_CHARS (300,000) through Big5 takes some
# 120,000 (~0.4 per character); a text built to match everywhere stops here (~1 s) instead of minutes
_BUDGET = 400_000
_HAS_LOST = re.compile(rf"[{_HAN}][?\ufffd]|[?\ufffd][{_HAN}]")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _strings(v)


@lru_cache(maxsize=1)
def wordings() -> frozenset[str]:
    """Every run of two or more ideographs in the forms' wordings (normalised): the template
    file's titles, headings and labels, the lexicon's variants, and the title's 政府信息公开工作年度报告."""
    text = resources.files("govreport.extraction").joinpath("resources/templates.json").read_text("utf-8")
    sources = [json.loads(text), lexicon.ROW_VARIANTS, lexicon.GROUP_LABELS, lexicon.COL_WORDS,
               "政府信息公开工作年度报告", "政务公开工作年度报告",
               "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]  # fmt: skip
    words = {m.group(0) for s in _strings(sources) for m in _HAN_RUN.finditer(normalize(s))}
    return frozenset(w for w in words if len(w) >= 2)


@lru_cache(maxsize=1)
def _by_char_at() -> dict[tuple[str, int], tuple[str, ...]]:
    """(character, position) -> the wordings with that character at that position."""
    index: dict[tuple[str, int], list[str]] = {}
    for w in sorted(wordings()):
        for k, c in enumerate(w):
            index.setdefault((c, k), []).append(w)
    return {key: tuple(v) for key, v in index.items()}


def restore_lost(text: str) -> dict[int, str]:
    """``{offset: character}`` for the lost marks (``?``, U+FFFD) of ``text`` that the forms'
    wordings read back unambiguously; empty when the text has none.

    A wording explains a mark when, laid over the stretch of ideographs and marks around it, it
    fits inside the stretch, covers the mark, and every character it covers that is not a mark is
    its own (normalised). It must keep at least half of its characters, and two; when the stretch
    is exactly the wording, a third of them, and one (``?章`` alone in its cell is 规章;
    ``信???投??申?`` is 信访举报投诉类申请). Of the wordings that explain a mark, those that keep the
    most characters count (``法人或其他??`` is 法人或其他组织, not 其他处理's ``其他??``); the mark is
    read back only when they all give the same character.
    """
    if not _HAS_LOST.search(text):
        return {}
    norm = normalize(text)
    by_char_at = _by_char_at()
    longest = max(map(len, wordings()))
    found: dict[int, dict[str, int]] = {}  # offset -> character -> most characters kept by a wording giving it
    budget = _BUDGET
    for m in _STRETCH.finditer(norm):
        a, b = m.span()
        if b - a > _MAX_STRETCH:
            continue  # prose (a form's wording is a cell, a heading, a clause): bounded work per character
        # each placement of a wording is tried once, from its first kept character: the marks right
        # before that character are the wording's first ``k``, so only wordings with the character
        # at ``k`` are looked at (the work stays a few lookups per character, whatever the text)
        marks_before = 0
        for q in range(a, b):
            c = norm[q]
            if c in LOST_MARKS:
                marks_before += 1
                continue
            for k in range(min(marks_before, longest - 1) + 1):
                start = q - k
                for w in by_char_at.get((c, k), ()):
                    end = start + len(w)
                    if end > b:
                        continue
                    budget -= 1
                    if budget < 0:
                        return {}  # a text built to cost: nothing read back (the marks stay, flagged)
                    marks = list(range(k))  # the marks before the first kept character
                    for i in range(k, len(w)):
                        ch = norm[start + i]
                        if ch in LOST_MARKS:
                            marks.append(i)
                        elif ch != w[i]:
                            break
                    else:
                        kept = len(w) - len(marks)
                        whole = start == a and end == b
                        if not marks or ((3 * kept < len(w) or kept < 1) if whole else (2 * kept < len(w) or kept < 2)):
                            continue
                        for i in marks:
                            best = found.setdefault(start + i, {})
                            best[w[i]] = max(best.get(w[i], 0), kept)
            marks_before = 0
    out: dict[int, str] = {}
    for i, cs in found.items():
        most = max(cs.values())
        (top, *others) = [c for c, kept in cs.items() if kept == most]
        if not others:
            out[i] = top
    return out


# a lost mark between a line's leading Chinese numeral and the forms' words: a numbered heading's or
# row label's enumeration comma (``一?总体情况``, ``三\ufffd本年度办理结果``); a lossy Windows-1252
# reading of UTF-8 loses every 、 (its last byte, 0x81, is one Windows-1252 leaves undefined)
_NUMERAL_COMMA = re.compile(rf"^[ \t\u3000#*]*(?P<num>[一二三四五六七八九十]{{1,3}})(?P<mark>[?\ufffd])(?P<next>[{_HAN}]{{2}})", re.M)


@lru_cache(maxsize=1)
def _wording_starts() -> frozenset[str]:
    return frozenset(w[:2] for w in wordings())


def lost_commas(text: str) -> dict[int, str]:
    """``{offset: "、"}`` for the lost marks of ``text`` that stand where a numbered heading or row
    label prints its enumeration comma: after a line's leading Chinese numeral, before two
    ideographs that begin one of the forms' wordings (``一?总体情况``), or where the line then
    reads as a section heading (``四?因政府信息公开产生的行政复议…``); not in prose whose second
    character was lost (``一?级单位``)."""
    starts = _wording_starts()
    out = {}
    for m in _NUMERAL_COMMA.finditer(text):
        end = text.find("\n", m.start())
        line = m.group("num") + "、" + text[m.end("mark") : end if end >= 0 else len(text)]
        if normalize(m.group("next")) in starts or lexicon.section_index(line) is not None:
            out[m.start("mark")] = "、"
    return out


def with_lost_read_back(view: TextView) -> TextView:
    """``view`` with the lost marks ``restore_lost`` reads back in its text replaced, one character
    for one (its ``index`` stays), each listed as a ``lost_char`` repair at its original offset."""
    found = lost_commas(view.text) | restore_lost(view.text)
    if not found:
        return view
    chars = list(view.text)
    repairs = list(view.repairs)
    for i, ch in sorted(found.items()):
        o = view.index[i]
        repairs.append(Repair(o, o + 1, "lost_char", view.text[i], ch))
        chars[i] = ch
    repairs.sort(key=lambda r: (r.start, r.end))
    return TextView(view.original, "".join(chars), view.index, tuple(repairs), view.glued)
