"""Table 三's row groups whose 总计 column raw pdftotext writes after the rows below them (Chromium's PDF)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.chromelead import _layouts
from govreport.extraction.tables.latetotals import MAX_ORDERS, column_units, deferred_orders
from govreport.extraction.tables.result import TableResult
from govreport.extraction.tables.streamorder import (
    assemble_from_stream,
    block_starts,
    header_lead,
    label_joins,
    lone_numbers,
    solve_checked,
)

from tests.test_blank_identities import COLS, KEYS, RESULTS, SPEC, _table

GROUP = RESULTS[4:8]  # four rows of 三(三) written column by column


def _reading(truth: dict[str, list], late: bool = True, lines: bool = False, head: str = "自然人\n") -> str:
    """Table 三 as raw pdftotext writes Chromium's PDF: single rows a value a block; the four rows of
    ``GROUP`` column by column, each column a block of four lines (``lines``: one line of four
    values), their 总计 column after the last row (``late``) or in place."""
    def column(c: int) -> str:
        vals = [truth[k][c] for k in GROUP]
        return (" ".join(map(str, vals)) + "\n" if lines else "".join(f"{v}\n" for v in vals)) + "\n"

    out = "申请人情况\n" + head
    for k in KEYS:
        if k in GROUP[1:]:
            continue
        if k == GROUP[0]:
            out += "".join(column(c) for c in range(6 if late else 7))
            continue
        out += "".join(f"{v}\n\n" for v in truth[k])
    if late:
        out += column(6)
    return out + "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n"


def _stream(text: str):
    doc = Document(text)
    lines = split_lines(text)
    cells, hints = lone_numbers(doc, lines)
    return doc, lines, cells, hints, block_starts(cells, lines), label_joins(doc, cells, lines)


def _assemble(text: str) -> TableResult | None:
    doc, lines, *_ = _stream(text)
    return assemble_from_stream(TableResult.empty(SPEC), doc, lines)


def test_a_groups_total_block_after_the_rows_below_it_is_put_back_by_the_arithmetic():
    truth = _table({})
    text = _reading(truth)
    doc, lines, cells, hints, starts, joined = _stream(text)
    # as printed no division fits (the group is a column short, its 总计 block last)
    assert solve_checked([c.value for c in cells], KEYS, frozenset(), hints, 0, starts, joined=joined) is None
    (order,) = deferred_orders(starts, joined)
    assert [cells[i].value for i in order] == [c.value for c in lone_numbers(*(lambda t: (Document(t), split_lines(t)))(_reading(truth, late=False)))[0]]
    out = _assemble(text)
    assert out is not None
    assert {k: [out.values[k][c] for c in COLS] for k in KEYS} == truth
    assert any("总计 columns written after the rows below them" in w for w in out.warnings)
    # the moved 总计 values are inferred; a single row the move only shifted keeps its reading
    assert out.statuses()[GROUP[0]]["total"] == "inferred"
    assert out.statuses()["total_handled"]["total"] == "read"
    # the same group printed in place is divided as before, with no rewrite
    plain = _reading(truth, late=False)
    assert deferred_orders(*_stream(plain)[4:]) == []
    assert _assemble(plain) is not None


def test_a_total_block_that_is_not_the_rows_sums_is_not_put_back():
    truth = _table({})
    # the late block's first value one more than its row's sum: no order divides, nothing is read
    text = _reading(truth)
    g = [truth[k][6] for k in GROUP]
    bad = text.replace("".join(f"{v}\n" for v in g) + "\n四、", "".join(f"{v}\n" for v in [g[0] + 1, *g[1:]]) + "\n四、")
    assert bad != text
    assert _assemble(bad) is None


def test_columns_written_a_line_each_are_a_group_and_its_late_total_line_is_put_back():
    truth = _table({})
    text = _reading(truth, lines=True)
    _, _, cells, _, starts, joined = _stream(text)
    units = column_units(starts, joined)
    assert [(size, col) for _, size, col in units if size == 4] == [(4, True)] * 7
    out = _assemble(text)
    assert out is not None
    assert {k: [out.values[k][c] for c in COLS] for k in KEYS} == truth


def test_a_line_of_a_column_is_a_layout_only_where_the_sums_decide():
    # three rows' two columns, each column one line of three values (a line of values is as well
    # one row's cells: blockorder, dividing without the sums, does not take it)
    starts = [True, True, True, True, True, True]
    joined = [0, 1, 1, 0, 1, 1]
    assert (False, [[0, 3], [1, 4], [2, 5]]) in _layouts(0, 3, 2, starts, joined)
    assert _layouts(0, 3, 2, starts, joined, lines=False) == []


def test_more_candidate_orders_than_the_bound_give_none():
    # a group of two rows one column short (six blocks of two), then many two-value blocks later:
    # each a candidate place of its 总计 block
    starts, joined = [], []
    for _ in range(6):
        starts += [True, False]
        joined += [0, 1]
    starts += [True]
    joined += [0]  # a single value: the group ends
    for _ in range(MAX_ORDERS + 2):
        starts += [True, False]
        joined += [0, 1]
    assert deferred_orders(starts, joined) is None
    assert len(deferred_orders(starts[: 13 + 2 * 3], joined[: 13 + 2 * 3])) == 3


def test_an_upright_natural_person_header_opens_the_column_header():
    # a browser's narrow 自然人 column prints its header a character a line; the values before it
    # (another table's, drawn inside table 三's header) are the stream's lead
    text = "申请人情况\n45\n0\n\n自\n然 法人或其他组织\n人\n\n5\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.raw for c in cells] == ["45", "0", "5"]
    assert header_lead(doc, lines, cells) == 2
    # its characters among other header cells' pieces, 自 at the end of the note's line
    mixed = "申请人情况\n0\n2\n（本列数据的勾稽关系为：第一项加第二项之和， 自\n总\n然 商业 科研\n计\n人 企业 机构\n5\n"
    doc2, lines2 = Document(mixed), split_lines(mixed)
    assert header_lead(doc2, lines2, lone_numbers(doc2, lines2)[0]) == 2
    # 自 alone on a line without 然 and 人 under it is no header
    other = text.replace("人\n", "数\n")
    assert header_lead(Document(other), split_lines(other), lone_numbers(Document(other), split_lines(other))[0]) == 0


def test_a_natural_person_header_split_two_characters_and_one_opens_the_column_header():
    # a column wide enough for two characters prints 自然 on one line and 人 on a later one (or 自 and
    # 然人); the values before it (another table's) are the stream's lead
    for head in ("自然\n总\n人\n", "自\n然人 法人或其他组织\n"):
        text = f"申请人情况\n45\n0\n\n{head}\n5\n"
        doc, lines = Document(text), split_lines(text)
        assert header_lead(doc, lines, lone_numbers(doc, lines)[0]) == 2
    # 自然 without 人 under it is no header
    other = "申请人情况\n45\n0\n\n自然\n总\n\n5\n"
    assert header_lead(Document(other), split_lines(other), lone_numbers(Document(other), split_lines(other))[0]) == 0


def test_a_row_whose_cells_stand_as_one_block_some_joined_on_a_line_is_a_row():
    # Chromium draws a row's cells on one baseline; pdftotext keeps them as one block, the first two
    # and the last two on a line each (31 3 / 0 / 0 / 1 / 0 35), then the next row's block
    from govreport.extraction.tables.chromelead import chromium_index_groups

    starts = [True, True, False, False, False, False, True, True]
    joined = [0, 1, 1, 1, 1, 1, 1, 0]
    assert [[0, 1, 2, 3, 4, 5, 6]] in [rows for _, rows in chromium_index_groups(8, 0, 1, starts, joined)]
    # one block of seven lines and no line of two: a column of a group, no row
    col = [True] + [False] * 6 + [True]
    assert [rows for _, rows in chromium_index_groups(8, 0, 1, col, [0] + [1] * 6 + [0])] == []
    # the sums are not there to decide (blockorder): not taken
    assert [rows for _, rows in chromium_index_groups(8, 0, 1, starts, joined, lines=False)] == []


def test_a_labels_run_holds_no_two_values_on_one_line():
    from govreport.extraction.tables.chromelead import _labels_run

    # three values among labels (label text before the second and third): a run
    assert _labels_run([0, 2, 2, 0], [True, True, True, True], [0, 1, 2])
    # the third on the second's line (a row's two cells): no run of one column
    assert not _labels_run([0, 2, 1, 0], [True, True, True, True], [0, 1, 2])


def _late_second(truth: dict[str, list], tail: str = "") -> str:
    """Every row a value a block, the last row's 商业企业 cell written last (after the labels of the
    rows above it, as raw pdftotext writes Chromium's PDF), then ``tail``."""
    out = "申请人情况\n自然人\n"
    for k in KEYS:
        row = truth[k]
        out += "".join(f"{v}\n\n" for v in (row[:1] + row[2:] if k == KEYS[-1] else row))
    return out + f"3.其他\n（七）总计\n四、结转下年度继续办理\n\n{truth[KEYS[-1]][1]}\n" + tail + "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n"


def test_the_last_row_s_second_cell_written_after_its_total_is_put_back():
    truth = _table({})
    truth["carried_forward"] = [4, 1, 0, 0, 0, 0, 5]
    truth["new_received"] = [w + c for w, c in zip(truth["new_received"], truth["carried_forward"])]
    _, _, cells, hints, starts, _ = _stream(_late_second(truth))
    # as printed the last seven values are 4 0 0 0 0 5 1: no row meets its 总计
    assert solve_checked([c.value for c in cells], KEYS, frozenset(), hints, 0, starts, chromium=False) is None
    out = _assemble(_late_second(truth))
    assert out is not None
    assert {k: [out.values[k][c] for c in COLS] for k in KEYS} == truth
    # the row put in another order than printed is inferred, the rows read in order are read
    assert set(out.statuses()["carried_forward"].values()) == {"inferred"}
    assert out.statuses()["total_handled"]["total"] == "read"
    # a last row meeting its 总计 as printed is read as printed, though the other order meets it too
    # (0 0 0 0 0 3 3: 其他 3, or 商业企业 3): no cell left open
    both = dict(truth, carried_forward=[0, 0, 0, 0, 0, 3, 3])
    both["new_received"] = [w - c + d for w, c, d in zip(truth["new_received"], truth["carried_forward"], both["carried_forward"])]
    text = _late_second(both).replace("四、结转下年度继续办理\n\n0\n", "四、结转下年度继续办理\n")  # nothing late
    text = text.replace("\n3\n\n3\n\n3.其他", "\n0\n\n3\n\n3\n\n3.其他")  # its 商业企业 0 in place
    assert text.count("3.其他") == 1 and "\n0\n\n0\n\n0\n\n0\n\n0\n\n3\n\n3\n\n3.其他" in text
    out2 = _assemble(text)
    assert out2 is not None
    assert [out2.values["carried_forward"][c] for c in COLS] == [0, 0, 0, 0, 0, 3, 3]
    # the value after the row is not the stream's last (another value follows): not taken
    assert _assemble(_late_second(truth, tail="\n7\n")) is None


def test_a_last_value_on_or_under_a_label_s_line_is_not_read_as_the_last_row_s_second_cell():
    from govreport.extraction.tables.chromelead import late_second_column

    # 4 0 0 0 0 5 then 1: as 商业企业 the row meets 总计 (4 1 0 0 0 0 5), and as 自然人 too (1 4 0 …):
    # apart from the labels (an empty line before it) it is the 商业企业 cell; on or right under a
    # label's line it is where Chromium writes a row's 自然人 value (``lead_runs``): not moved
    values = [4, 0, 0, 0, 0, 5, 1]
    starts = [True] * 7
    assert late_second_column(values, 0, 1, starts, [0] * 7) == [(7, [[(4, 0), (1, 6), (0, 1), (0, 2), (0, 3), (0, 4), (5, 5)]])]
    assert late_second_column(values, 0, 1, starts, [0] * 6 + [3]) != []
    assert late_second_column(values, 0, 1, starts, [0] * 6 + [2]) == []
