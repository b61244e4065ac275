"""Table 三's 8-column variant read with column positions (govreport's PDF reader, ``pdftotext
-layout``): where the 小计 column stands when its header wraps in its cell (``法人或`` / ``其他组`` /
``织小计``, two lines below a one-line ``其他``), and a lone value that the report's broken sums
would hide in the 小计 slot. Hand-written smallest inputs, rule tagger."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.blankcells import place_short_rows
from govreport.extraction.tables.digitruns import application_identities
from govreport.extraction.taggers import get_tagger
from govreport.extraction.templates import table_spec
from tests.reportkit import APP_LABELS_2021, report
from tests.test_pdf_text_routes import grid

LABEL_W, PITCH = 40, 9
# printed slots: 自然人, 法人或其他组织小计, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
COL = [LABEL_W + k * PITCH for k in range(8)]
# the header as a PDF's layout prints it: every leaf header wrapped in its narrow cell, the 小计's
# three lines ending two lines below the one-line 其他
HEADER = [
    grid((0, "（本列数据的勾稽关系"), (COL[0], "申请人情况")),
    grid((0, "为：第一项加第二项之"), (COL[0], "自然人"), (COL[1], "法人或其他组织"), (COL[7], "总计")),
    grid((0, "和，等于第三项加第四项"), (COL[1], "法人或"), (COL[2], "商业企"), (COL[3], "科研机"), (COL[4], "社会公"),
         (COL[5], "法律服"), (COL[6], "其他")),  # fmt: skip
    grid((0, "之和）"), (COL[1], "其他组"), (COL[2], "业"), (COL[3], "构"), (COL[4], "益组织"), (COL[5], "务机构")),
    grid((COL[1], "织小计"),),
]
# 自然人 5, 小计 1, 商业企业 1, the other organisations' cells empty, 总计 6 (rows 一, 三(一), 三(七));
# every other row prints only its 总计
FULL = {"new_received", "granted", "total_handled"}


def _table(values: dict[str, dict[int, str]] | None = None) -> str:
    lines = list(HEADER)
    for key, label in APP_LABELS_2021:
        row = (values or {}).get(key) or ({0: "5", 1: "1", 2: "1", 7: "6"} if key in FULL else {7: "0"})
        lines.append(grid((0, label.replace("\t", "")[:18]), *[(COL[s], v) for s, v in row.items()]))
    return "\n".join(lines)


def _extract(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(report(applications=text)).output


def test_a_wrapped_subtotal_header_is_placed_by_its_column_not_its_last_line():
    out = _extract(_table())
    app, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert any("subtotal column (slot 2 of 8)" in w for w in out["warnings"])
    for row in FULL:
        # the 小计's 1 is left out; 商业企业's 1 is 商业企业's, 科研机构 stays empty
        assert app[row]["natural_person"] == 5 and app[row]["commercial_enterprise"] == 1
        assert app[row]["research_institution"] is None and app[row]["total"] == 6
        assert status[row]["research_institution"] == "blank"
    assert not [c for c in out["checks"] if c["status"] == "fail"]


def test_a_subtotal_after_other_by_its_column():
    # the same header with the 小计 printed last among the organisations (after 其他): 自然人, 商业企业
    # … 其他, 小计, 总计; its wrapped header ends below 其他 as before, now also to its right
    text = _table({k: {0: "5", 1: "1", 6: "1", 7: "6"} for k in FULL})
    moved = HEADER[2:5]
    text = text.replace(
        "\n".join(moved),
        "\n".join([
            grid((0, "和，等于第三项加第四项"), (COL[1], "商业企"), (COL[2], "科研机"), (COL[3], "社会公"),
                 (COL[4], "法律服"), (COL[5], "其他"), (COL[6], "法人或")),
            grid((0, "之和）"), (COL[1], "业"), (COL[2], "构"), (COL[3], "益组织"), (COL[4], "务机构"), (COL[6], "其他组")),
            grid((COL[6], "织小计"),),
        ]),
    )  # fmt: skip
    out = _extract(text)
    app = out["tables"]["applications"]
    assert any("subtotal column (slot 7 of 8)" in w for w in out["warnings"])
    for row in FULL:
        assert app[row]["natural_person"] == 5 and app[row]["commercial_enterprise"] == 1
        assert app[row]["other_org"] is None and app[row]["total"] == 6


def test_without_the_header_s_place_or_a_full_row_the_organisation_columns_are_not_read():
    # one space between words (pdfplumber): no column positions, and the wrapped header's lines do not
    # say where the 小计 stands; no row prints all eight values: any value placed among the five
    # organisation columns is no read value (inferred or null), and none is wrong
    text = "\n".join(" ".join(line.split()) for line in _table().split("\n"))
    out = _extract(text)
    app, status = out["tables"]["applications"], out["cell_status"]["applications"]
    orgs = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")
    for row in FULL:
        assert app[row]["research_institution"] is None
        assert app[row]["commercial_enterprise"] in (1, None)
        assert all(status[row][c] != "read" or app[row][c] is None for c in orgs)


def _cells(*values) -> list[Cell]:
    return [Cell(v, str(v), 0, 0, 0, 0, 0, 1.0) for v in values]


def test_a_lone_value_is_not_hidden_in_the_subtotal_slot_to_mend_broken_sums():
    idents = application_identities(table_spec("2021", "applications").row_keys)
    # 一 (6) + 二 (a lone 1) = (七) 6 + 四 0 is broken by the report itself; only the lone 1 read as
    # the 小计 of five empty cells (all seven contract cells blank) would mend it
    fixed = {"new_received": [5, 1, None, None, None, None, 6], "total_handled": [5, 1, None, None, None, None, 6],
             "carried_forward": [None, None, None, None, None, None, 0]}  # fmt: skip
    p = place_short_rows(fixed, {"carried_over": _cells(1)}, idents, sub=1)["carried_over"]
    assert all(1 not in s for s in p.candidates)  # never the 小计 slot: 1 is not five empty cells' sum
    assert 6 in p.unknown and p.values[6] is None  # where the 1 stands is not known: null, not blank
    # a 小计 that is its five columns' sum stays a placement (0 of five empty cells)
    zero = place_short_rows({}, {"carried_over": _cells(0)}, idents, sub=1)["carried_over"]
    assert any(s == (1,) for s in zero.candidates)


def test_the_subtotal_s_place_is_not_determined_by_rows_short_of_values():
    from govreport.extraction.tables.applications import subtotal_determined

    short = [_cells(5, 1, 1, 6), _cells(0)]  # no row prints all eight values
    # neither the arithmetic nor the header: a default placed it, the organisation columns are guesses
    assert not subtotal_determined(short, 1)
    # the header's columns put it there
    assert subtotal_determined(short, 1, after_other=False)
    assert not subtotal_determined(short, 6, after_other=False)
    # a lone 总计 per row (or nothing between 自然人 and 总计) reads the same with either place
    assert subtotal_determined([_cells(0), _cells(None, 3)], 1)
    # a full row whose values fit the 小计 after 其他 only: the header's word is outweighed
    full = [_cells(1, 2, 1, 0, 0, 0, 3, 4)]
    assert not subtotal_determined(full, 1, after_other=False)
    assert subtotal_determined(full, 6)


def _tight(*items: tuple[int, str]) -> str:
    """A layout line whose pieces may stand one space apart (a reader joins them into one piece)."""
    line = ""
    for x, s in sorted(items):
        assert x - len(line) >= (1 if line else 0), f"{s!r} would touch the text before it"
        line += " " * (x - len(line)) + s
    return line


# a cramped header: every leaf header wrapped a character or two a line, the cells one space apart,
# so each header line is one piece (``商业 科研 社会公法律服其 小``); the 小计 is the ``小`` over the
# ``计`` two lines down, after 其他; 总计 the ``总`` over the ``计``
C = [40 + 4 * k for k in range(8)]
CRAMPED = [
    _tight((C[0], "申请人情况")),
    _tight((C[1], "法人或其他组织")),
    _tight((0, "（本列数据的勾稽关系为：第一项加第二项"), (C[0], "自然"), (C[7], "总")),
    _tight((0, "之和，等于第三项加第四项之和）"), (C[1], "商业"), (C[2], "科研"), (C[3], "社会公"), (C[4], "法律服"),
           (C[5], "其"), (C[6], "小")),  # fmt: skip
    _tight((C[0], "人"), (C[7], "计")),
    _tight((C[1], "企业"), (C[2], "机构"), (C[3], "益组织"), (C[4], "务机构"), (C[5], "他"), (C[6], "计")),
]


def _cramped(full: dict[int, str], first: dict[int, str] | None = None) -> str:
    """The cramped header over rows 一, 三(一), 三(七) printing ``full`` (row 一 ``first`` where given),
    every other row its 总计 0."""
    lines = list(CRAMPED)
    for key, label in APP_LABELS_2021:
        vals = (first if first and key == "new_received" else full) if key in FULL else {7: "0"}
        lines.append(_tight((0, label.replace("\t", "")[:18]), *[(C[s], v) for s, v in vals.items()]))
    return "\n".join(lines)


def test_a_subtotal_header_wrapped_a_character_a_line_makes_eight_columns():
    # 自然人 4, 商业企业 2, 法律服务 empty (no mark), the rest a blank mark, 小计 2, 总计 6: seven values
    # a row, the 小计's 2 one slot left of where seven columns would put it; row 一 prints all eight
    text = _cramped({0: "4", 1: "2", 2: "-", 3: "-", 5: "-", 6: "2", 7: "6"},
                    {0: "4", 1: "2", 2: "-", 3: "-", 4: "-", 5: "-", 6: "2", 7: "6"})  # fmt: skip
    out = _extract(text)
    app = out["tables"]["applications"]
    assert any("subtotal column (slot 7 of 8)" in w for w in out["warnings"])
    for row in FULL:
        assert app[row]["natural_person"] == 4 and app[row]["commercial_enterprise"] == 2
        assert app[row]["other_org"] is None and app[row]["legal_service_org"] is None and app[row]["total"] == 6


def test_a_subtotal_column_that_prints_nothing_is_read_as_seven_columns():
    # the same header, the 小计's cells all empty: no row prints eight values, the seven printed
    # columns are read as seven (a default 小计 slot would shift them)
    out = _extract(_cramped({0: "4", 1: "2", 2: "-", 3: "-", 4: "-", 5: "-", 7: "6"}))
    app = out["tables"]["applications"]
    assert not any("subtotal column" in w for w in out["warnings"])
    for row in FULL:
        assert app[row]["natural_person"] == 4 and app[row]["commercial_enterprise"] == 2 and app[row]["total"] == 6
        assert app[row]["other_org"] is None


def test_a_row_short_of_its_total_is_not_narrowed_by_a_subtotal_place_nothing_read():
    idents = application_identities(table_spec("2021", "applications").row_keys)
    # 自然人 9, the five organisations 1…5, their 小计 15; the row's 总计 (24) lost to another line:
    # no placement meets 总计
    row = {"new_received": _cells(9, 1, 2, 3, 4, 5, 15)}
    # the 小计 after 其他, read from the header: 15 is the 小计 (总计 empty) or 总计 (小计 empty), not known
    known = place_short_rows({}, row, idents, sub=6)["new_received"]
    assert known.values[:6] == [9, 1, 2, 3, 4, 5] and 6 in known.unknown and known.values[6] is None
    # the 小计's place a default (after 自然人): only leaving it empty keeps a sound 小计, and that
    # puts 15 in 总计; a default rules nothing out, so 总计 stays unknown
    default = place_short_rows({}, row, idents, sub=1, sub_known=False)["new_received"]
    assert 6 in default.unknown and default.values[6] is None


def test_the_first_column_header_joined_to_the_caption_still_names_its_column():
    # WPS-style cells close together: the caption's second line and 自然人 one space apart, one piece
    # (no column header tagged there); the columns still come from the header's words
    cap = "一项加第二项之和，等于第三"
    joined = _tight((COL[0] - 1 - len(cap), cap), (COL[0], "自然人"), (COL[1], "法人或其他组织"), (COL[7], "总计"))
    text = _table().replace(HEADER[1], joined)
    assert joined in text
    out = _extract(text)
    app = out["tables"]["applications"]
    for row in FULL:
        assert app[row]["natural_person"] == 5 and app[row]["commercial_enterprise"] == 1
        assert app[row]["research_institution"] is None and app[row]["total"] == 6


def test_a_row_s_subtotal_is_no_wrapped_end_of_the_wide_value_above_it():
    # 二's 自然人 is wide enough that 三(一)'s 小计, one line down, touches its columns: the 小计 is read
    # (and left out of the contract's cells), not a piece that went to no row, so the figure above stays
    big = "123456789"
    out = _extract(_table({"carried_over": {0: big, 7: big}}))
    app = out["tables"]["applications"]
    assert COL[1] <= COL[0] + len(big)  # the 小计 below touches it
    assert app["carried_over"]["natural_person"] == int(big) and app["carried_over"]["total"] == int(big)
    assert not any("digits wrapped" in w for w in out["warnings"])


def test_without_positions_a_row_s_own_sums_show_the_subtotal_column():
    # one space between words (pdfplumber): the 小 over 计 says nothing, but row 一 prints eight values
    # whose sums hold only with a 小计 after 其他 (2 + 1 = 3, 4 + 3 = 7; blank marks as 0); the rows of
    # seven values (法律服务 empty) are then no seven columns: no 小计 read as 其他
    text = _cramped({0: "4", 1: "2", 2: "1", 3: "-", 5: "-", 6: "3", 7: "7"},
                    {0: "4", 1: "2", 2: "1", 3: "-", 4: "-", 5: "-", 6: "3", 7: "7"})  # fmt: skip
    flat = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    out = _extract(flat)
    app = out["tables"]["applications"]
    assert any("subtotal column (slot 7 of 8)" in w for w in out["warnings"])
    assert app["new_received"]["natural_person"] == 4 and app["new_received"]["commercial_enterprise"] == 2
    assert app["new_received"]["research_institution"] == 1 and app["new_received"]["total"] == 7
    for row in FULL:
        assert app[row]["other_org"] is None
