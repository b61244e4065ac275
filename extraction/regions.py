"""Where each table lives: the lines between its section heading and the next heading."""
from __future__ import annotations

from .layout import Line, has_cell_bars
from .normalize import normalize

TABLE_OF_SECTION = {2: "active_disclosure", 3: "applications", 4: "review_litigation"}
_TABLE_ANCHORS = {
    "active_disclosure": ("第二十条", "信息内容"),
    "applications": ("本年新收", "申请人情况"),
    "review_litigation": ("结果维持", "未经复议"),
}
# (a run-on table whose heading is missing starts at the first of these)


def table_regions(
    text: str, lines: tuple[Line, ...], sections: list[tuple[int, Line, int, int]]
) -> dict[str, tuple[int, int]]:
    """Line ranges [lo, hi) of each table's region: from its section heading to the next heading.

    Where a table's heading is missing, the region between the neighbouring headings is used if it
    contains the table's anchor words.
    """
    regions: dict[str, tuple[int, int]] = {}
    bounds = [(idx, ln.index) for idx, ln, _, _ in sections]
    n = len(lines)
    for sec, table in TABLE_OF_SECTION.items():
        here = [s for s in sections if s[0] == sec]
        if here:
            lo = here[0][1].index + 1
            # the next heading in text order, on a later line or (run-on text) on the same one
            nxt = [s[1].index for s in sections if s[2] > here[0][2]]
            hi = min(nxt) if nxt else n
            if hi >= lo:
                regions[table] = (lo, hi)
            continue
        prev = [b[1] for b in bounds if b[0] < sec]
        nxt = [b[1] for b in bounds if b[0] > sec]
        lo = (max(prev) + 1) if prev else 0
        hi = min(nxt) if nxt else n
        if lo >= hi:
            continue
        chunk = normalize(text[lines[lo].start : lines[hi - 1].end])
        if any(a in chunk for a in _TABLE_ANCHORS[table]):
            # start at the first anchor line so that the previous section's prose stays out
            for i in range(lo, hi):
                s = normalize(text[lines[i].start : lines[i].end])
                if any(a in s for a in _TABLE_ANCHORS[table]) or (
                    table == "review_litigation" and "行政复议" in s and ("\t" in s or has_cell_bars(s))
                ):
                    regions[table] = (i, hi)
                    break
    # a region found by anchors inside an earlier table's region cuts that region short
    ordered = sorted(regions.items(), key=lambda kv: kv[1][0])
    for (t1, (lo1, hi1)), (_, (lo2, _)) in zip(ordered, ordered[1:]):
        if lo1 < lo2 < hi1:
            regions[t1] = (lo1, lo2)
    return regions


def runon_ranges(
    text: str, lines: tuple[Line, ...], sections: list[tuple[int, Line, int, int]]
) -> dict[str, tuple[int, int]]:
    """Character ranges [start, end) of tables that run on after their heading on the heading's own
    line (a crawler's one-line report): from the heading's end to the next heading on that line, or
    to the line's end. Only where the rest of the line holds values."""
    from .runon import runon_range

    out: dict[str, tuple[int, int]] = {}
    for idx, line, _start, end in sections:
        table = TABLE_OF_SECTION.get(idx)
        if table is None:
            continue
        later = [s[2] for s in sections if s[2] > _start and s[1].index == line.index]
        rng = runon_range(text, line, end, min(later) if later else None)
        if rng is not None:
            out[table] = rng
    ordered = sorted(sections, key=lambda s: s[2])
    for sec, table in TABLE_OF_SECTION.items():
        if table in out or any(s[0] == sec for s in sections):
            continue
        # the table's heading is missing: it runs on after an earlier heading's section, from its
        # anchor words on
        prev = [s for s in ordered if s[0] < sec]
        if not prev:
            continue
        _, line, p_start, p_end = prev[-1]
        later = [s[2] for s in ordered if s[2] > p_start and s[1].index == line.index]
        end = min(later) if later else line.end
        chunk = normalize(text[p_end:end])
        hits = [i for a in _TABLE_ANCHORS[table] if (i := chunk.find(a)) >= 0]
        if hits and runon_range(text, line, p_end + min(hits), end) is not None:
            out[table] = (p_end + min(hits), end)
    # a range that holds the start of another table's ends there
    items = sorted(out.items(), key=lambda kv: kv[1][0])
    for (t1, (a1, b1)), (_, (a2, _)) in zip(items, items[1:]):
        if a1 < a2 < b1:
            out[t1] = (a1, a2)
    return out
