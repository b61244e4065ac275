"""Gold spans in readings that do not keep the rendering's order (``routes.locate``'s second pass):
raw pdftotext (a merged label block after its values), pdfplumber (an empty cell leaves nothing),
page numbers that equal a value. Hand-written texts, no renderer: the smallest inputs that show it."""
from __future__ import annotations

import re
from collections import Counter

from govreport.extraction.labels import Label
from govreport.training.synth.ir import Seg
from govreport.training.synth.routes import locate

TITLE = Seg("2024年度某区水利局政府信息公开工作年度报告", Label.TITLE, ("title",))
SEC3 = Seg("三、收到和处理政府信息公开申请情况", Label.SECTION, ("section", "3"))
SEC4 = Seg("四、政府信息公开行政复议、行政诉讼情况", Label.SECTION, ("section", "4"))


def _items(*segs: Seg) -> list[tuple[Seg, str]]:
    return [(s, "table" if s.label in (Label.ROW, Label.COL, Label.CELL) else "heading") for s in segs]


def _texts(text: str, spans, label: Label) -> list[str]:  # type: ignore[no-untyped-def]
    return [re.sub(r"\s+", "", text[s.start : s.end]) for s in spans if s.label == label]


def _value_tokens(text: str, a: int, b: int) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"(?<!\S)[\d,.]+(?!\S)", text[:b]) if m.start() >= a]


def test_raw_pdftotext_label_block_after_its_values() -> None:
    # the values of a merged-label table drawn before the label block (content-stream order)
    row1, row2 = Seg("一、本年新收政府信息公开申请数量", Label.ROW), Seg("二、上年结转政府信息公开申请数量", Label.ROW)
    items = _items(TITLE, SEC3, Seg("申请人情况", Label.COL), Seg("自然人", Label.COL), Seg("总计", Label.COL),
                   row1, Seg("4", Label.CELL), Seg("4", Label.CELL),
                   row2, Seg("0", Label.CELL), Seg("1", Label.CELL), SEC4)  # fmt: skip
    text = (f"{TITLE.text}\n{SEC3.text}\n申请人情况\n自然人\n总计\n\n4\n\n4\n\n0\n\n1\n\n"
            f"一、本年新收政府信息公开\n申请数量\n二、上年结转政府信息公开申请数量\n\n{SEC4.text}\n")  # fmt: skip
    spans, sections, unlocated = locate(items, text)
    assert unlocated == 0 and sections["3"] == 2 and sections["4"] is not None
    assert Counter(_texts(text, spans, Label.CELL)) == Counter(["4", "4", "0", "1"])
    table = (text.index("申请人情况"), text.index(SEC4.text))
    cells = sorted((s.start, s.end) for s in spans if s.label == Label.CELL)
    assert cells == _value_tokens(text, *table)  # every printed value is CELL, exactly
    assert "".join(_texts(text, spans, Label.ROW)) == row1.text + row2.text  # the wrapped label too


def test_pdfplumber_row_with_an_empty_cell_dropped() -> None:
    # pdfplumber writes a row as its non-empty cells ("0 | (empty) | 0 | 0 | 0" reads "0 0 0 0") and
    # wraps every cell in place: the merged group label, the row label and two headers come in pieces
    # on the following lines, between the next rows' text
    group, row1 = Seg("(三)不予公开", Label.ROW), Seg("1.属于国家秘密", Label.ROW)
    row2 = Seg("2.其他法律行政法规禁止公开", Label.ROW)
    cols = [Seg(t, Label.COL) for t in ("申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "其他")]
    items = _items(TITLE, SEC3, *cols, group, row1, *[Seg("0", Label.CELL)] * 4,
                   row2, Seg("1", Label.CELL), *[Seg("0", Label.CELL)] * 3, Seg("1", Label.CELL), SEC4)  # fmt: skip
    text = (f"{TITLE.text}\n{SEC3.text}\n（本列数据的勾稽关系为：第 申请人情况\n一项加第二项之和 自然人 法人或其他组织 总计\n"
            "项加第四项之和） 商业企 科研机 其他\n业 构\n(三)不予 1.属于 0 0 0 0\n公开 国家秘\n密\n"
            f"2.其他 1 0 0 0 1\n法律行\n政法规\n禁止公\n开\n{SEC4.text}\n")  # fmt: skip
    spans, _, unlocated = locate(items, text)
    assert unlocated == 0
    table = (text.index("申请人情况"), text.index(SEC4.text))
    assert sorted((s.start, s.end) for s in spans if s.label == Label.CELL) == _value_tokens(text, *table)
    assert sorted("".join(_texts(text, spans, Label.COL))) == sorted("".join(c.text for c in cols))
    assert sorted("".join(_texts(text, spans, Label.ROW))) == sorted(group.text + row1.text + row2.text)
    note = text.index("（本列")
    assert not any(s.start <= note < s.end for s in spans)  # the note is no label


def test_a_page_number_equal_to_a_value_is_not_a_cell() -> None:
    # each page ends with its number ("1", then "2"); the table's values 1 and 2 come after the
    # first page's number, out of order; a prose figure (培训2次) is no value either
    row = Seg("一、本年新收政府信息公开申请数量", Label.ROW)
    items = _items(TITLE, SEC3, Seg("自然人", Label.COL), Seg("总计", Label.COL), row,
                   Seg("1", Label.CELL), Seg("2", Label.CELL), SEC4)  # fmt: skip
    text = (f"{TITLE.text}\n开展培训 2 次。\n{SEC3.text}\n自然人\n总计\n{row.text}\n\n1\n\f"
            f"\n2\n\n1\n\n{SEC4.text}\n本年度未发生行政复议。\n\n2\n\f")  # fmt: skip
    spans, _, unlocated = locate(items, text)
    assert unlocated == 0
    page1_number = text.index("\n1\n\f") + 1
    page2_number = text.rindex("2")
    values = [m.start() for m in re.finditer(r"(?m)^[12]$", text) if m.start() not in (page1_number, page2_number)]
    assert sorted(s.start for s in spans if s.label == Label.CELL) == values
    assert not any(s.start <= text.index("2 次") < s.end for s in spans)


def test_dashed_page_number_is_never_a_value_even_in_order() -> None:
    row = Seg("行政许可", Label.ROW)
    items = _items(TITLE, Seg("二、主动公开政府信息情况", Label.SECTION, ("section", "2")), row, Seg("3", Label.CELL))
    text = f"{TITLE.text}\n二、主动公开政府信息情况\n行政许可\n- 3 -\n\f3\n"
    spans, _, unlocated = locate(items, text)
    assert unlocated == 0
    assert [s.start for s in spans if s.label == Label.CELL] == [len(text) - 2]


def test_a_lone_eleven_is_not_a_bold_one() -> None:
    items = _items(TITLE, Seg("行政许可", Label.ROW), Seg("1", Label.CELL))
    spans, _, unlocated = locate(items, f"{TITLE.text}\n行政许可\n11\n")
    assert unlocated == 1 and _texts(f"{TITLE.text}\n行政许可\n11\n", spans, Label.CELL) == []


def test_two_lone_values_are_never_one_wrapped_figure() -> None:
    # raw pdftotext writes each value on a line of its own: "1", "0" are two values, not a wrapped 10
    a, b = Seg("行政许可", Label.ROW), Seg("行政处罚", Label.ROW)
    items = _items(TITLE, SEC3, a, Seg("10", Label.CELL), b, Seg("1", Label.CELL), Seg("0", Label.CELL), SEC4)
    text = f"{TITLE.text}\n{SEC3.text}\n行政许可\n行政处罚\n\n1\n\n0\n\n10\n{SEC4.text}\n"
    spans, _, unlocated = locate(items, text)
    assert unlocated == 0
    table = (text.index("行政许可"), text.index(SEC4.text))
    assert sorted((s.start, s.end) for s in spans if s.label == Label.CELL) == _value_tokens(text, *table)
