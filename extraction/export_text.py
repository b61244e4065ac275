"""Text views of one report for people: Markdown tables and the terminal summary.

Both print the three tables with the report's own Chinese labels; a blank cell shows as ``—``.
Neither carries provenance: that is what the JSON is for.
"""
from __future__ import annotations

from typing import Any

from .export import cell_status, failed_check_cells, printable_line, printable_text
from .printed import PATH_SEP, printed_table
from .templates import TABLES

BLANK = "—"
# How a cell was read, after its value (a plain number was read where it is printed)
MARKS = {"inferred": "~", "unreadable": "?", "missing": "…"}
FAILED_MARK = "!"
WARNING_MARK = "提示 note:"  # a warning line under the checks
MARKS_LEGEND = "~ 推断所得 inferred · ? 无法识别 unreadable · … 缺失 missing · ! 所在勾稽校验未通过 in a failed check · — 空白 blank"


def _fmt(v: Any) -> str:
    if v is None:
        return BLANK
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cell_text(output: dict[str, Any], failed: dict[str, list[str]], table: str, row: str, col: str, v: Any) -> str:
    """The value as printed here: ``—`` blank, a mark for a cell not simply read (``MARKS``)."""
    status = cell_status(output, table, row, col)
    text = _fmt(v)
    if status in ("unreadable", "missing") and v is None:
        text = MARKS[status]
    elif status in MARKS:
        text += MARKS[status]
    return text + (FAILED_MARK if f"{table}.{row}.{col}" in failed else "")


Block = tuple[str | None, list[str], list[tuple[tuple[str, ...], list[str]]]]


def _blocks(output: dict[str, Any], name: str) -> list[Block]:
    """A table as blocks of rows sharing their columns: (block heading, column labels,
    [(row label path, cell texts)]). Table 二 has a block per 第二十条 item; table 四 is shown
    with its three rows (行政复议, the two 行政诉讼) under the five result columns."""
    p = printed_table(output["template"], name)
    failed = failed_check_cells(output)
    out: list[Block] = []
    for key, cells in output["tables"][name].items():
        path = p.row_paths.get(key, (key,))
        heading = path[0] if name == "active_disclosure" and len(path) > 1 else None
        label = path[1:] if heading else path
        cols = [p.col_label(c) for c in cells]
        texts = [_cell_text(output, failed, name, key, c, v) for c, v in cells.items()]
        if out and out[-1][0] == heading and out[-1][1] == cols:
            out[-1][2].append((label, texts))
        else:
            out.append((heading, cols, [(label, texts)]))
    return out


def _shown(text: Any) -> str:
    """What the report (or a file name) supplied, its control characters escaped: a title's ESC
    sequence printed raw would drive the reader's terminal (``export.printable_text``)."""
    return printable_text(str(text), terminal=True) or ""


def _header(output: dict[str, Any], source: str) -> str:
    bits = [output.get("organ") or "（未识别机关）", f"{output['year']}年" if output.get("year") else "（未识别年份）"]
    if output.get("template"):
        bits.append(f"{output['template']} 格式")
    else:  # "format not recognised" read as a failure for a report older than the formats, which has none
        bits.append("2019 年以前格式，统计表未读取" if output.get("old_format") else "（未识别格式）")
    return _shown(" · ".join(bits)) + (f"  [{printable_line(source)}]" if source else "")  # the name on the header's line


def _check_status(c: dict[str, Any]) -> str:
    return c.get("status") or ("pass" if c.get("ok") else "fail")


def _check_lines(output: dict[str, Any]) -> list[str]:
    """The verdict (when the output has one), the checks' tally, the failed and not-assessable
    checks, the warnings: a first line, then items indented by two spaces."""
    lines = []
    if isinstance(output.get("needs_review"), bool):
        lines.append("需要人工复核 needs review" if output["needs_review"] else "无需人工复核 no review needed")
        lines += [f"  * {_shown(r.get('message_zh') or r.get('message'))} [{r.get('code')}]" for r in output.get("review_reasons") or []]
    checks = output.get("checks") or []
    by = {st: [c for c in checks if _check_status(c) == st] for st in ("pass", "fail", "not_assessable")}
    tally = f"校验 checks: {len(by['pass'])} of {len(checks)} pass"
    if by["fail"]:
        tally += f", {len(by['fail'])} fail"
    if by["not_assessable"]:
        tally += f", {len(by['not_assessable'])} cannot be assessed"
    lines.append(tally)
    lines += [f"  ✗ {c.get('rule')}: {_shown(c.get('detail', ''))}" for c in by["fail"]]
    lines += [f"  ? {c.get('rule')}: {_shown(c.get('detail', ''))}" for c in by["not_assessable"]]
    # not ``!``: in the tables that marks a cell in a failed check, and a warning is often no fault
    lines += [f"  {WARNING_MARK} {_shown(w)}" for w in output.get("warnings") or []]
    return lines


# ---- Markdown ---------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(output: dict[str, Any], source: str = "") -> str:
    """One report as Markdown: a heading, each table as GitHub-style tables (row groups joined
    with `` · ``), then the checks and warnings."""
    out = [f"# {_md_cell(_header(output, source))}", ""]
    if output.get("title"):  # the report's own title, as printed
        out += [_md_cell(_shown(output["title"])), ""]
    template = output.get("template")
    tables = output.get("tables") or {}
    for name in TABLES:
        if not template:
            break
        p = printed_table(template, name)
        out += [f"## {p.title}", ""]
        rows = tables.get(name)
        if rows is None:
            out += ["本报告中没有这张表。", ""]
            continue
        for heading, cols, body in _blocks(output, name):
            if heading:
                out += [f"**{_md_cell(heading)}**", ""]
            out.append("| " + " | ".join(["项目", *map(_md_cell, cols)]) + " |")
            out.append("|" + "---|" + "---:|" * len(cols))
            for label, values in body:
                out.append("| " + " | ".join([_md_cell(PATH_SEP.join(label)), *values]) + " |")
            out.append("")
    if template and output.get("cell_status") is not None:
        out += [f"*{MARKS_LEGEND}*", ""]
    out += ["## 校验 checks", ""]
    for line in _check_lines(output):
        out += ["- " + line.strip()] if line.startswith("  ") else ["", line, ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ---- terminal summary -------------------------------------------------------------------------


def _width(text: str) -> int:
    from wcwidth import wcswidth

    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal columns (CJK characters take two), ending in ``…``."""
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def summary_text(output: dict[str, Any], source: str = "", label_width: int = 30) -> str:
    """A short plain-text view for a terminal: who/when/which format, the three tables with
    their labels (groups as indented lines, long labels cut), then the checks and warnings."""
    out = [_header(output, source)]
    if output.get("title"):  # the report's own title, as printed
        out.append(_shown(output["title"]))
    template = output.get("template")
    tables = output.get("tables") or {}
    for name in TABLES:
        if not template:
            break
        p = printed_table(template, name)
        out += ["", p.title]
        rows = tables.get(name)
        if rows is None:
            out.append("  （本报告中没有这张表）")
            continue
        for heading, cols, body in _blocks(output, name):
            widths = [max(_width(c), *(_width(v[i]) for _, v in body)) for i, c in enumerate(cols)]
            out.append(_pad("  " + _fit(heading or "", label_width), label_width + 2) + "  " + "  ".join(_pad(c, w, True) for c, w in zip(cols, widths)))
            shown: tuple[str, ...] = ()
            for label, values in body:
                for depth, part in enumerate(label[:-1]):  # a group line where a new group opens
                    if shown[: depth + 1] != label[: depth + 1]:
                        out.append("  " + "  " * depth + _fit(part, label_width - 2 * depth))
                shown = label
                depth = len(label) - 1
                text = "  " * depth + _fit(label[-1], label_width - 2 * depth)
                out.append("  " + _pad(text, label_width) + "  " + "  ".join(_pad(v, w, True) for v, w in zip(values, widths)))
    if template and output.get("cell_status") is not None:
        out += ["", MARKS_LEGEND]
    out += [""] + _check_lines(output)
    return "\n".join(out) + "\n"
