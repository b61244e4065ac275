"""Tables printed as text grids (box drawing, ASCII, markdown, full-width bars) and sections
headed ``第X部分``: the rule pipeline reads them like tab layouts, with offsets on the original text."""
from __future__ import annotations

import re
from typing import Any

import pytest

from govreport.extraction.labels import Label
from govreport.extraction.layout import BARS, display_width, is_grid_rule, pieces, split_lines
from govreport.extraction.lexicon import section_index
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers.rules import RuleTagger
from govreport.extraction.templates import table_spec
from tests.reportkit import (
    ACTIVE_EXPECTED,
    APP_LABELS_2021,
    COLS,
    REVIEW_COLS,
    REVIEW_KEYS,
    applications_2021,
    fmt_num,
    report,
    review_expected,
)

BOX_CHARS = re.compile(r"[\u2500-\u257f|｜+]")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(RuleTagger())


# ---------------------------------------------------------------- grid printers (as converters do)

STYLES: dict[str, dict[str, Any]] = {
    # bar, (left, junction, right, horizontal) for the top / middle / bottom rules, cell padding
    "box": {"bar": "│", "top": "┌┬┐─", "mid": "├┼┤─", "bot": "└┴┘─", "pad": 1},
    "ascii": {"bar": "|", "top": "+++-", "mid": "+++-", "bot": "+++-", "pad": 1},
    "fullwidth": {"bar": "｜", "pad": 0},
}


def grid(rows: list[list[str]], style: str) -> str:
    """Rows of cells printed as a text grid, each cell padded to its column's display width."""
    st = STYLES[style]
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    pad = st["pad"]
    widths = [max(display_width(r[k]) for r in rows) + 2 * pad for k in range(ncol)]

    def row(cells: list[str]) -> str:
        out = []
        for c, w in zip(cells, widths):
            body = " " * pad + c if pad else c
            out.append(body + " " * (w - display_width(body)) if pad else c)
        return st["bar"] + st["bar"].join(out) + st["bar"]

    def rule(spec: str) -> str:
        left, junction, right, h = spec
        return left + junction.join(h * w for w in widths) + right

    lines = [rule(st["top"])] if "top" in st else []
    for i, r in enumerate(rows):
        lines.append(row(r))
        if "mid" in st and i < len(rows) - 1:
            lines.append(rule(st["mid"]))
    if "bot" in st:
        lines.append(rule(st["bot"]))
    return "\n".join(lines)


def markdown(rows: list[list[str]]) -> str:
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join([":---"] + ["---:"] * (ncol - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def cells_of(tab_text: str) -> list[list[str]]:
    return [line.split("\t") for line in tab_text.split("\n")]


# ---------------------------------------------------------------- the tables

ACTIVE_2021_ROWS = [
    ["第二十条第（一）项", "", "", ""],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "3", "5", "74"],
    ["行政规范性文件", "564", "984", "4185"],
    ["第二十条第（五）项", "", "", ""],
    ["信息内容", "本年处理决定数量", "", ""],
    ["行政许可", "11398", "", ""],
    ["第二十条第（六）项", "", "", ""],
    ["信息内容", "本年处理决定数量", "", ""],
    ["行政处罚", "6937", "", ""],
    ["行政强制", "166", "", ""],
    ["第二十条第（八）项", "", "", ""],
    ["信息内容", "本年收费金额（单位：万元）", "", ""],
    ["行政事业性收费", "31.5", "", ""],
]
REVIEW_VALUES = [3, 1, 2, 0, 6, 4, 0, 1, 2, 7, 1, 1, 0, 0, 2]
REVIEW_ROWS = [
    ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
    [""] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]
APP_HEADER_ROWS = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"] + [""] * 6,
    ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]


def app_rows(table: dict, labels: list[tuple[str, str]]) -> list[list[str]]:
    """The applications table as grid rows: three label columns, then the seven values."""
    rows = [list(r) for r in APP_HEADER_ROWS]
    for key, label in labels:
        parts = label.split("\t")
        rows.append(parts + [""] * (3 - len(parts)) + [fmt_num(table[key][c]) for c in COLS])
    return rows


def review_rows(values: list[Any]) -> list[list[str]]:
    return [list(r) for r in REVIEW_ROWS] + [[fmt_num(v) for v in values]]


def grid_report(style: str, **kw: Any) -> str:
    printer = markdown if style == "markdown" else (lambda rows: grid(rows, style))
    return report(
        active=printer(ACTIVE_2021_ROWS),
        applications=printer(app_rows(applications_2021(), APP_LABELS_2021)),
        review=printer(review_rows(REVIEW_VALUES)),
        **kw,
    )


# ---------------------------------------------------------------- what every grid must satisfy


def assert_offsets_on_original(text: str, result) -> None:
    """Spans and cell provenance point into the text as given; no span holds a bar or a rule."""
    assert result.document.text == text
    for s in result.document.spans:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece
        if s.label != Label.NOISE:
            assert not BOX_CHARS.search(piece), (s, piece)
    lines = split_lines(text)
    rule_lines = {ln.index for ln in lines if is_grid_rule(text[ln.start : ln.end])}
    for s in result.document.spans_of(Label.CELL):
        assert next(ln.index for ln in lines if ln.start <= s.start <= ln.end) not in rule_lines
    for table in result.output["provenance"].values():
        for cols in table.values():
            for prov in cols.values():
                assert text[prov["start"] : prov["end"]] == prov["text"]


@pytest.mark.parametrize("style", ["box", "ascii", "markdown", "fullwidth"])
def test_grid_styles_read_like_tab_grids(extractor: Extractor, style: str) -> None:
    text = grid_report(style)
    res = extractor.extract_text(text)
    out = res.output
    assert out["template"] == "2021" and out["year"] == 2022
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED
    assert out["tables"]["applications"] == applications_2021()
    assert out["tables"]["review_litigation"] == review_expected(REVIEW_VALUES)
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]
    assert all(c["ok"] for c in out["checks"])
    assert_offsets_on_original(text, res)


def test_box_grid_rules_are_noise_never_cells(extractor: Extractor) -> None:
    text = grid_report("box")
    res = extractor.extract_text(text)
    lines = split_lines(text)
    rules = [ln for ln in lines if re.fullmatch(r"[┌├└][─┬┼┴]+[┐┤┘]", text[ln.start : ln.end])]
    assert len(rules) > 40  # top, bottom and one between every pair of rows
    by_line = {ln.index: [s for s in res.document.spans if ln.start <= s.start < ln.end] for ln in rules}
    for ln in rules:
        labels = {s.label for s in by_line[ln.index]}
        assert labels <= {Label.NOISE}, (text[ln.start : ln.end], labels)
    # inside the tables the rules are labelled (the model learns them as junk, not as blank cells)
    assert sum(bool(v) for v in by_line.values()) >= 40
    # the 规章 row: its three cells are exactly the printed digits
    line = next(ln for ln in lines if text[ln.start : ln.end].startswith("│ 规章"))
    cells = [s for s in res.document.spans_of(Label.CELL) if line.start <= s.start < line.end]
    assert [text[s.start : s.end] for s in cells] == ["3", "5", "74"]


def test_markdown_delimiter_row_is_not_blank_cells(extractor: Extractor) -> None:
    text = grid_report("markdown")
    res = extractor.extract_text(text)
    delims = [ln for ln in split_lines(text) if text[ln.start : ln.end].startswith("|:---|")]
    assert len(delims) == 3
    for ln in delims:
        assert not [s for s in res.document.spans if ln.start <= s.start < ln.end and s.label != Label.NOISE]


def test_ascii_grid_hand_written_with_padding(extractor: Extractor) -> None:
    active = "\n".join(
        [
            "+----------------------+------------------+------------------+------------------+",
            "| 第二十条第（一）项   |                  |                  |                  |",
            "+----------------------+------------------+------------------+------------------+",
            "| 信息内容             | 本年制发件数     | 本年废止件数     | 现行有效件数     |",
            "+----------------------+------------------+------------------+------------------+",
            "| 规章                 | 0                | 0                | 18               |",
            "+----------------------+------------------+------------------+------------------+",
            "| 行政规范性文件       | 2                | -                | 40               |",
            "+----------------------+------------------+------------------+------------------+",
            "| 第二十条第（五）项   |                  |                  |                  |",
            "| 信息内容             | 本年处理决定数量 |                  |                  |",
            "| 行政许可             | 1,205            |                  |                  |",
            "| 第二十条第（六）项   |                  |                  |                  |",
            "| 信息内容             | 本年处理决定数量 |                  |                  |",
            "| 行政处罚             | 0                |                  |                  |",
            "| 行政强制             |                  |                  |                  |",
            "| 第二十条第（八）项   |                  |                  |                  |",
            "| 信息内容             | 本年收费金额（单位：万元）             |                  |",
            "| 行政事业性收费       | 966.0898         |                  |                  |",
            "+----------------------+------------------+------------------+------------------+",
        ]
    )
    text = report(active=active, applications=None, review=None)
    res = extractor.extract_text(text)
    assert res.output["tables"]["active_disclosure"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 18},
        "normative_documents": {"issued": 2, "repealed": None, "in_force": 40},
        "administrative_license": {"decisions": 1205},
        "administrative_penalty": {"decisions": 0},
        "administrative_coercion": {"decisions": None},  # blank, not 0
        "administrative_fees": {"amount": 966.0898},
    }
    assert res.output["tables"]["applications"] is None and res.output["tables"]["review_litigation"] is None
    assert_offsets_on_original(text, res)


def test_bar_grid_blank_cells_stay_blank(extractor: Extractor) -> None:
    """``│规章││0│18│``: an empty cell between bars is a blank (null), a printed 0 stays 0."""
    active = "\n".join(
        [
            "│第二十条第（一）项│││",
            "│信息内容│本年制发件数│本年废止件数│现行有效件数│",
            "│规章││0│18│",
            "│行政规范性文件│7│—││",
            "│第二十条第（五）项│││",
            "│信息内容│本年处理决定数量│││",
            "│行政许可│0│││",
            "│第二十条第（六）项│││",
            "│信息内容│本年处理决定数量│││",
            "│行政处罚││││",
            "│行政强制│无│││",
            "│第二十条第（八）项│││",
            "│信息内容│本年收费金额（单位：万元）│││",
            "│行政事业性收费│0│││",
        ]
    )
    table = applications_2021()
    table["granted"] = {**table["granted"], "commercial_enterprise": None, "research_institution": None}
    table["other_other"] = {c: None for c in COLS[:6]} | {"total": 0}
    review = list(REVIEW_VALUES)
    review[6] = None  # 行政诉讼 未经复议直接起诉 结果纠正: blank
    text = report(
        active=active,
        applications=grid(app_rows(table, APP_LABELS_2021), "box"),
        review=grid(review_rows(review), "box"),
    )
    res = extractor.extract_text(text)
    out = res.output["tables"]
    assert out["active_disclosure"] == {
        "regulations": {"issued": None, "repealed": 0, "in_force": 18},
        "normative_documents": {"issued": 7, "repealed": None, "in_force": None},
        "administrative_license": {"decisions": 0},
        "administrative_penalty": {"decisions": None},
        "administrative_coercion": {"decisions": None},
        "administrative_fees": {"amount": 0},
    }
    assert out["applications"]["granted"]["commercial_enterprise"] is None
    assert out["applications"]["granted"]["natural_person"] == table["granted"]["natural_person"]
    assert out["applications"]["other_other"] == {c: None for c in COLS[:6]} | {"total": 0}
    assert out["applications"] == table
    assert out["review_litigation"]["litigation_direct"] == {
        "upheld": 4, "corrected": None, "other": 1, "pending": 2, "total": 7,
    }
    assert out["review_litigation"] == {
        g: {c: review[i * 5 + k] for k, c in enumerate(REVIEW_COLS)} for i, g in enumerate(REVIEW_KEYS)
    }
    assert_offsets_on_original(text, res)


def test_bar_grid_label_wrapped_over_two_grid_lines(extractor: Extractor) -> None:
    """A cell whose text wraps inside the grid continues on a line of otherwise empty cells."""
    table = applications_2021()
    rows = app_rows(table, APP_LABELS_2021)
    i = next(k for k, r in enumerate(rows) if r[1].startswith("（二）部分公开"))
    rows[i][1] = "（二）部分公开（区分处理的，只计"
    rows.insert(i + 1, ["", "这一情形，不计其他情形）"] + [""] * 8)
    text = report(applications=grid(rows, "box"))
    out = extractor.extract_text(text).output
    assert out["tables"]["applications"] == table


# ---------------------------------------------------------------- the layout primitives


@pytest.mark.parametrize(
    "bars,tabs",
    [
        ("│规章││0│18│", "规章\t\t0\t18"),
        ("| 规章 |  | 0 | 18 |", "规章\t\t0\t18"),
        ("｜规章｜｜0｜18｜", "规章\t\t0\t18"),
        ("┃┃（三）不予公开┃1.属于国家秘密┃0┃", "\t（三）不予公开\t1.属于国家秘密\t0"),
        ("规章 | 0 | 18", "规章\t0\t18"),
    ],
)
def test_bars_are_cell_boundaries_like_tabs(bars: str, tabs: str) -> None:
    def fields(t: str) -> list[tuple[str, int]]:
        return [(t[p.start : p.end], p.field) for p in pieces(t, split_lines(t)[0])]

    assert fields(bars) == fields(tabs)


@pytest.mark.parametrize(
    "line,rule",
    [
        ("├──────┼────┤", True),
        ("┏━━━┳━━━┓", True),
        ("+------+----+", True),
        ("|---|---|", True),
        ("| :--- | ---: |", True),
        ("╠═══╬═══╣", True),
        ("│-│-│", False),  # a row of blank cells
        ("| — | — |", False),
        ("-", False),
        ("—", False),
        ("│规章│0│", False),
        ("│  │  │", False),
    ],
)
def test_grid_rule_lines(line: str, rule: bool) -> None:
    assert is_grid_rule(line) is rule
    if rule:
        assert pieces(line, split_lines(line)[0]) == ()


def test_bars_cover_the_printed_kinds() -> None:
    assert {"|", "｜", "│", "┃"} <= set(BARS) and "丨" not in BARS


# ---------------------------------------------------------------- 第X部分 section headings


@pytest.mark.parametrize(
    "heading,index",
    [
        ("第一部分 总体情况", 1),
        ("第二部分　主动公开政府信息情况", 2),
        ("第三部分：收到和处理政府信息公开申请情况", 3),
        ("第四部分、政府信息公开行政复议、行政诉讼情况", 4),
        ("第五部分存在的主要问题及改进情况", 5),
        ("第 六 部分  其他需要报告的事项", 6),
        ("一 、总体情况", 1),
        ("（一）主动公开情况", None),
        ("第二十条第（一）项", None),
        ("第一部分 本年新收政府信息公开申请数量", None),
        ("│四、结转下年度继续办理│0│", None),
        ("| 四、结转下年度继续办理 | 0 | 0 |", None),
    ],
)
def test_section_index_part_headings(heading: str, index: int | None) -> None:
    assert section_index(heading) == index


PART_HEADINGS_2021 = {
    1: "第一部分 总体情况",
    2: "第二部分　主动公开政府信息情况",
    3: "第三部分：收到和处理政府信息公开申请情况",
    4: "第四部分 政府信息公开行政复议、行政诉讼情况",
    5: "第五部分 存在的主要问题及改进情况",
    6: "第六部分 其他需要报告的事项",
}


def heading_lines(text: str, headings: dict[int, str]) -> dict[int, int]:
    lines = text.split("\n")
    return {k: lines.index(h) for k, h in headings.items()}


def section_lines(text: str, sections: list[dict]) -> dict[int, int]:
    return {s["index"]: text.count("\n", 0, s["start"]) for s in sections}


def test_part_headings_2021_tab_layout(extractor: Extractor) -> None:
    active = "\n".join("\t".join(r) for r in ACTIVE_2021_ROWS)
    app = "\n".join("\t".join(r) for r in app_rows(applications_2021(), APP_LABELS_2021))
    review = "\n".join("\t".join(r) for r in review_rows(REVIEW_VALUES))
    # subsections （一）… inside section 1 are no headings
    text = report(active=active, applications=app, review=review, headings=PART_HEADINGS_2021).replace(
        "办理申请56件。", "办理申请56件。\n（一）主动公开情况\n全年主动公开信息1234条。"
    )
    out = extractor.extract_text(text).output
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]
    assert section_lines(text, out["sections"]) == heading_lines(text, PART_HEADINGS_2021)
    for s in out["sections"]:
        assert text[s["start"] : s["start"] + 2] == "第" + "一二三四五六"[s["index"] - 1]
    assert out["sections"][1]["title"] == "第二部分　主动公开政府信息情况"
    # the table row 四、结转下年度继续办理 is not section 四 (which comes after it)
    carried = text.index("四、结转下年度继续办理")
    assert out["sections"][3]["start"] > carried
    assert out["tables"]["active_disclosure"] == ACTIVE_EXPECTED
    assert out["tables"]["applications"] == applications_2021()
    assert out["tables"]["review_litigation"] == review_expected(REVIEW_VALUES)


def app_2019() -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """A 2019-format applications table (（六）其他处理 is one row) with distinct numbers."""
    labels = [(k, v) for k, v in APP_LABELS_2021 if not k.startswith("other_")]
    at = [k for k, _ in labels].index("total_handled")
    labels.insert(at, ("other_handling", "\t（六）其他处理"))
    keys = table_spec("2019", "applications").row_keys
    assert [k for k, _ in labels] == list(keys)
    table: dict[str, dict[str, Any]] = {}
    for i, key in enumerate(keys):
        row = {c: (i * 5 + j * 3 + 2) % 19 for j, c in enumerate(COLS[:6])}
        row["total"] = sum(row.values())
        table[key] = row
    return table, labels


def test_part_headings_2019_box_grid_with_markdown_marks(extractor: Extractor) -> None:
    headings = {
        1: "第一部分　总体情况",
        2: "第二部分、主动公开政府信息情况",
        3: "第三部分：收到和处理政府信息公开申请情况",
        4: "第四部分 政府信息公开行政复议、行政诉讼情况",
        5: "第五部分 存在的主要问题及改进情况",
        6: "第六部分 其他需要报告的事项",
    }
    marked = {k: f"## **{h}**" if k % 2 else h for k, h in headings.items()}
    active_rows = [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "49"],
        ["规范性文件", "2", "2", "31"],
        ["第二十条第（五）项", "", "", ""],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "12", "-2", "300"],
        ["其他对外管理服务事项", "0", "0", "0"],
        ["第二十条第（六）项", "", "", ""],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", "5", "1", "72"],
        ["行政强制", "", "", "1"],
        ["第二十条第（八）项", "", "", ""],
        ["信息内容", "上一年项目数量", "", "本年增/减"],
        ["行政事业性收费", "0", "", "3"],
        ["第二十条第（九）项", "", "", ""],
        ["信息内容", "采购项目数量", "", "采购总金额（单位：万元）"],
        ["政府集中采购", "4", "", "7.98"],
    ]
    table, labels = app_2019()
    text = report(
        active=grid(active_rows, "box"),
        applications=grid(app_rows(table, labels), "box"),
        review=grid(review_rows(REVIEW_VALUES), "box"),
        year=2020,
        headings=marked,
    )
    res = extractor.extract_text(text)
    out = res.output
    assert out["template"] == "2019" and out["year"] == 2020
    assert section_lines(text, out["sections"]) == heading_lines(text, marked)
    assert [s["title"] for s in out["sections"]] == [headings[k] for k in range(1, 7)]
    assert out["tables"]["active_disclosure"] == {
        "regulations": {"new_made": 0, "new_published": 0, "total_published": 49},
        "normative_documents": {"new_made": 2, "new_published": 2, "total_published": 31},
        "administrative_license": {"prev_year_items": 12, "change": -2, "decisions": 300},
        "other_external_services": {"prev_year_items": 0, "change": 0, "decisions": 0},
        "administrative_penalty": {"prev_year_items": 5, "change": 1, "decisions": 72},
        "administrative_coercion": {"prev_year_items": None, "change": None, "decisions": 1},
        "administrative_fees": {"prev_year_items": 0, "change": 3},
        "centralized_procurement": {"projects": 4, "amount": 7.98},
    }
    assert out["tables"]["applications"] == table
    assert out["tables"]["review_litigation"] == review_expected(REVIEW_VALUES)
    assert_offsets_on_original(text, res)
