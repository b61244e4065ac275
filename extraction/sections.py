"""Section headings, title, year and organ from SECTION/TITLE spans."""
from __future__ import annotations

import re
from typing import Any

from .document import Document
from .labels import Label
from .lexicon import section_index
from .normalize import normalize

_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}
# a year printed letter-spaced (``2 0 2 4年``, a heading's character spacing kept by a converter)
_SPACED_YEAR_RE = re.compile(r"(?<![\d\s])\s?((?:1 9|2 0) \d \d) ?年")
_CN_YEAR_RE = re.compile(r"([〇○零一二三四五六七八九O]{4})\s*年")
_ORGAN_TAIL = re.compile(r"(?:关于)?(?:\d{4}\s*年度?)?\s*(?:政府|政务)?信息公开.*$")


def sections(doc: Document) -> list[dict[str, Any]]:
    """The six headings in text order (first occurrence of each), each ending where the next starts."""
    heads: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for s in doc.spans_of(Label.SECTION):
        raw = doc.text[s.start : s.end]
        if 0 < raw.count("\n") <= 2:
            # one heading wrapped over lines (a narrow text box, a converter's line break) that the
            # tagger marked whole: read as one line, as the gold of such a heading is one span
            raw = re.sub(r"[ \t\u3000\r]*\n[ \t\u3000]*", "", raw.strip())
        idx = section_index(raw.strip("*# \t"))
        if idx is None and (once := read_once(raw)) is not None:
            idx = section_index(once.strip("*# \t"))
        if idx is None or idx in seen:
            continue
        seen.add(idx)
        heads.append((idx, s.start, re.sub(r"[*#]", "", raw).strip()))
    heads.sort(key=lambda h: h[1])
    out = []
    for i, (idx, start, title) in enumerate(heads):
        end = heads[i + 1][1] if i + 1 < len(heads) else len(doc.text.rstrip())
        out.append({"index": idx, "title": title, "start": start, "end": max(end, start)})
    return out


_NAVIGATION = re.compile(r"\s*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|相关(?:链接|阅读|文章|文件|信息|稿件)|推荐阅读|延伸阅读)\s*[：:]?")


def _line_before(text: str, offset: int) -> str:
    """The text of ``offset``'s line up to it and a little past (its start decides)."""
    return text[text.rfind("\n", 0, offset) + 1 : offset + 8]


def _looks_like_title(line: str) -> bool:
    """A report's title line: short, …信息公开…报告, no sentence, no heading, no navigation."""
    t = normalize(re.sub(r"[*#]", "", line)).strip()
    return (
        0 < len(t) <= 80 and "信息公开" in t and "报告" in t and "。" not in t
        and section_index(t) is None and not _NAVIGATION.match(t)
    )  # fmt: skip


def _title_after_navigation(doc: Document, after: int) -> str | None:
    """The title line a tagger passed over for the navigation line above it (a tagger labels one
    title): the first short line after ``after`` and before the first section heading that reads
    as a report's title (…信息公开…报告), or None."""
    heads = [s.start for s in doc.spans_of(Label.SECTION) if s.start > after]
    stop = min(heads) if heads else len(doc.text)
    for line in doc.text[after:stop].split("\n")[1:]:
        if _looks_like_title(line):
            return re.sub(r"[*#]", "", line).strip()
    return None


def read_once(heading: str) -> str | None:
    """A heading whose every glyph is drawn the same number of times k >= 2 (faux bold of a
    producer that draws a bold glyph k times: ``三三三、、、收收收到到到``), each glyph read once; None
    when the glyphs do not come in runs of one multiple k (an ordinary heading, or one whose span
    starts inside a run). The normaliser reads whole doubled lines once (``normalize.view``); a
    tagger may mark a heading drawn any number of times, and this reads the span it marked."""
    glyphs = "".join(heading.split())
    runs = [len(m.group(0)) for m in re.finditer(r"(.)\1*", glyphs, flags=re.S)]
    k = min(runs, default=0)
    if k < 2 or len(runs) < 3 or any(n % k for n in runs):
        return None
    return "".join(m.group(1) * (len(m.group(0)) // k) for m in re.finditer(r"(.)\1*", glyphs, flags=re.S))


def title_text(doc: Document) -> str | None:
    """The title; TITLE spans on consecutive lines (a title broken after the organ) are joined, and
    so are TITLE spans on one line with at most ``_TITLE_CUT`` characters between them (a tagger
    that cut the title at a character it reads badly, ``平潭综合|实|验区2019年度…``): those
    characters are part of the title."""
    # a web page's navigation (上一篇：…年度报告) names another report: never the title
    tagged = doc.spans_of(Label.TITLE)
    spans = [s for s in tagged if not _NAVIGATION.match(_line_before(doc.text, s.start))]
    if not spans:
        return _title_after_navigation(doc, tagged[-1].end) if tagged else None
    pieces = [doc.text[spans[0].start : spans[0].end]]
    last = spans[0]
    for s in spans[1:]:
        gap = doc.text[last.end : s.start]
        if "\n" not in gap and 0 < len(gap.strip()) <= _TITLE_CUT:
            pieces[-1] += gap + doc.text[s.start : s.end]
        elif gap.count("\n") > 1 or gap.strip("\r\n \t#*"):
            break
        else:
            pieces.append(doc.text[s.start : s.end])
        last = s
    return "".join(re.sub(r"[*#]", "", p).strip() for p in pieces)


_TITLE_CUT = 2  # characters between two TITLE spans of one line that still make one title


def year_of(title: str | None, text: str) -> int | None:
    """The reporting year: from the title, else from the statistics period sentence."""
    for source in filter(None, [title]):
        s = normalize(source)
        m = _YEAR_RE.search(s)
        if m:
            return int(m.group(1))
        m = _SPACED_YEAR_RE.search(s)
        if m:
            return int(m.group(1).replace(" ", ""))
        m = _CN_YEAR_RE.search(s)
        if m:
            return int("".join(_CN_DIGITS.get(c, c) for c in m.group(1)))
    m = re.search(r"统计期限[^。\n]{0,20}?((?:19|20)\d{2})\s*年", _unwrapped(text))
    return int(m.group(1)) if m else None


def _unwrapped(text: str) -> str:
    """The text normalised with its line breaks inside paragraphs undone: a PDF reading wraps a
    sentence anywhere (``统计期限自`` / ``2024 年 1 月 1 日起``); Chinese puts no space between words."""
    return _WRAP.sub("", normalize(text))


_WRAP = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*(?=\S)")


# The report's own statement of its statistics period: 统计期限/统计时限为2025年1月1日至… or
# 统计期限自2023年1月1日起至2023年12月31日止; the clause runs to the sentence's end.
_PERIOD_RE = re.compile(r"统计(?:期限|时限)\s*[为自是：:]\s*((?:19|20)\d{2})\s*年([^。；;\n]{0,40})")


def period_year(text: str) -> int | None:
    """The one year the statistics-period statement names (统计期限为2025年1月1日至12月31日 -> 2025);
    None when there is no such statement or its clause names several years (a period across years)."""
    m = _PERIOD_RE.search(normalize(text))
    if not m:
        return None
    years = {int(m.group(1))} | {int(y) for y in _YEAR_RE.findall(m.group(2))}
    return years.pop() if len(years) == 1 else None


def organ_of(title: str | None) -> str | None:
    """The publishing body: the title's words before the year (or before 政府信息公开 when the year leads)."""
    if not title:
        return None
    s = normalize(title).strip()
    s = re.sub(r"^关于", "", s)
    m = _YEAR_RE.search(s) or _SPACED_YEAR_RE.search(s) or _CN_YEAR_RE.search(s)
    if m and m.start() > 0:
        organ = s[: m.start()]
    else:
        rest = s[m.end() :] if m else s
        rest = re.sub(r"^度", "", rest)
        organ = _ORGAN_TAIL.sub("", rest)
    organ = re.sub(r"\s+", "", organ).strip("（）()《》“”\"'：:，,、")
    organ = re.sub(r"(?:关于|的)$", "", organ)
    return organ or None


def second_report_start(doc: Document) -> int | None:
    """Where a second report begins in the same text (two annual reports saved into one file), or
    None: a heading of section 一 (总体情况) again, on a line of its own, after the first report's
    section 三 or 四 heading, with table values between them and another section heading after
    it. (A table of contents lists the headings before the body too, but with no values between.)
    Taggers label only the first heading of each section, so the later ones are read from the
    lines. The offset is that of the second report's title line when one (…报告) stands at most
    12 lines before the heading, else the heading's."""
    text = doc.text
    heads = sorted((s.start, section_index(text[s.start : s.end].strip("*# \t"))) for s in doc.spans_of(Label.SECTION))
    first = next((a for a, i in heads if i == 1), None)
    tables = next((a for a, i in heads if i in (3, 4) and first is not None and a > first), None)
    if tables is None:
        return None
    cells = [s.start for s in doc.spans_of(Label.CELL) if s.start > first]
    later: list[tuple[int, int, str]] = []  # (offset, section index, line) of heading-like lines after 三/四
    pos = text.find("\n", tables)
    while 0 <= pos < len(text):
        end = text.find("\n", pos + 1)
        end = len(text) if end < 0 else end
        line = text[pos + 1 : end].strip("*# \t\r")
        if 0 < len(line) <= 40 and (idx := section_index(line)) is not None:
            later.append((pos + 1, idx, line))
        pos = end if end < len(text) else -1
    for k, (a, idx, _) in enumerate(later):
        if idx == 1 and any(c < a for c in cells) and any(i >= 2 for _, i, _ in later[k + 1 :]):
            before = text[:a].split("\n")[-13:-1]
            titles = [ln for ln in before if _looks_like_title(ln)]
            return text.rfind(titles[-1], 0, a) if titles else a
    return None
