"""Table 三's row group with an applicant column drawn after its 总计 column (raw pdftotext)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.latecolumn import assemble_late_columns, cut_group_spans, cut_groups, late_column_spans, late_groups
from govreport.extraction.tables.result import TableResult
from govreport.extraction.tables.streamorder import assemble_from_stream, lone_numbers

from tests.test_blank_identities import COLS, KEYS, SPEC, _table

GROUP = KEYS[-3:]  # the last three rows (a result row, (七)总计, 四): one group, a block per column


def _truth() -> dict[str, list]:
    # the group's result row holds 1 under 其他 (so the column's place is not a zero column's),
    # carried into (七)总计 and 一 by the identities
    truth = _table({})
    for k in (GROUP[0], "total_handled", "new_received"):
        truth[k] = [*truth[k][:5], truth[k][5] + 1, truth[k][6] + 1]
    return truth


def _reading(truth: dict[str, list], late: int | None = 5) -> str:
    """The table as raw pdftotext writes it: single rows a value a block, the last group a block
    per column, column ``late`` drawn after the 总计 column (None: in place)."""
    singles = "".join(f"{v}\n\n" for k in KEYS[:-3] for v in truth[k])
    cols = [[truth[k][c] for k in GROUP] for c in range(7)]
    order = list(range(7)) if late is None else [c for c in range(7) if c != late] + [late]
    group = "".join("".join(f"{v}\n" for v in cols[c]) + "\n" for c in order)
    return "申请人情况\n自然人\n" + singles + group + "四、政府信息公开行政复议和行政诉讼情况\n"


def _values(doc, span):
    return [c.value for c in lone_numbers(doc, span)[0]]


def test_a_column_after_the_total_column_is_found_by_the_blocks_sums_and_put_back_in_each_place():
    truth = _truth()
    text = _reading(truth)
    doc = Document(text)
    lines = split_lines(text)
    (found,) = late_groups(doc, lines)
    assert [[text[lines[k].start : lines[k].end] for k in b] for b in found[0][-2:]] == [["22", "232", "0"], ["1", "1", "0"]]
    spans = late_column_spans(doc, lines)
    assert len(spans) == 6  # the late block before each of the six applicant columns' places
    group = [v for c in range(7) for v in [truth[k][c] for k in GROUP]]
    assert group in [_values(doc, s)[-21:] for s in spans]
    # the values before the group are kept as printed
    assert all(_values(doc, s)[:-21] == _values(doc, lines)[:-21] for s in spans)
    # printed in place (总计 last), or a 总计 block that is not the other blocks' sum: not found
    plain = _reading(truth, late=None)
    assert late_groups(Document(plain), split_lines(plain)) == []
    odd = text.replace("22\n232\n0\n", "23\n232\n0\n")
    assert late_groups(Document(odd), split_lines(odd)) == []
    # a value right after the late block: the block is no column a blank's gap drew last on the page
    more = text.replace("四、政府", "7\n\n四、政府")
    assert late_groups(Document(more), split_lines(more)) == []


def _divide(text: str) -> TableResult | None:
    doc = Document(text)
    res = TableResult.empty(SPEC)
    lines = split_lines(text)
    return assemble_late_columns(res, doc, [(lines, None)], [lambda ls, past: assemble_from_stream(res, doc, ls)])


def test_the_place_the_column_identities_allow_is_read_and_two_places_that_fit_are_not():
    truth = _truth()
    # as printed no division fits; put back, only 其他's place meets the column identities
    text = _reading(truth)
    doc = Document(text)
    lines = split_lines(text)
    assert assemble_from_stream(TableResult.empty(SPEC), doc, lines) is None
    got = _divide(text)
    assert got is not None
    assert all(got.values[k][col] == truth[k][c] for k in KEYS for c, col in enumerate(COLS))
    assert any("drawn after its 总计 column" in w for w in got.warnings)
    # a division that fits more than one place with different values (here one that takes any
    # order, as a table whose columns are all zero but the late one's rows would): a guess, not used
    res = TableResult.empty(SPEC)

    def any_order(ls, past):
        res.values[KEYS[1]][COLS[1]] = 99  # a failing build's rule-out on the table read so far
        out = TableResult.empty(SPEC)
        out.values[KEYS[0]][COLS[0]] = tuple(_values(doc, ls))
        return out

    assert assemble_late_columns(res, doc, [(lines, None)], [any_order]) is None
    assert any("more than one place" in w for w in res.warnings)
    # what the rewrites' builds did to the table read so far is undone (a rewrite is one reading of several)
    assert res.values[KEYS[1]][COLS[1]] is None


def _cut_reading(truth: dict[str, list], left: int = 2, marks: str | None = None, total_shift: int = 0) -> str:
    """The table as raw pdftotext writes it where a blank's gap cuts the last group and the row
    before it after column ``left``: the rows before as single values, the previous row's right
    cells in place, the group's right column blocks and 总计, then the previous row's left cells
    (``marks``: printed so instead, e.g. one blank mark for blank cells), then the group's left
    column blocks."""
    prev = KEYS[-4]
    singles = "".join(f"{v}\n\n" for k in KEYS[:-4] for v in truth[k])
    singles += "".join(f"{v}\n\n" for v in truth[prev][left:])
    cols = [[truth[k][c] for k in GROUP] for c in range(7)]
    cols[6] = [cols[6][0] + total_shift, *cols[6][1:]]
    block = lambda c: "".join(f"{v}\n" for v in cols[c]) + "\n"  # noqa: E731
    cut = marks if marks is not None else "".join(f"{v}\n\n" for v in truth[prev][:left])
    return ("申请人情况\n自然人\n" + singles + "".join(block(c) for c in range(left, 7)) + cut
            + "".join(block(c) for c in range(left)) + "四、政府信息公开行政复议和行政诉讼情况\n")


def _cut_truth() -> dict[str, list]:
    # the group's rows hold values under 自然人 and 商业企业 (the columns the cut moves) and under
    # 法律服务机构, the row before it a value under 商业企业 and 其他 (its cells on both sides of the cut)
    truth = _table({})
    for k, add in ((GROUP[0], [1, 2, 0, 0, 1, 0]), (KEYS[-4], [0, 1, 0, 0, 0, 1])):
        truth[k] = [a + b for a, b in zip(truth[k], [*add, sum(add)])]
        for tot in ("total_handled", "new_received"):
            truth[tot] = [a + b for a, b in zip(truth[tot], [*add, sum(add)])]
    return truth


def test_a_group_and_the_row_before_it_cut_at_a_blank_gap_are_found_by_the_sums_and_put_back():
    truth = _cut_truth()
    text = _cut_reading(truth)
    doc = Document(text)
    lines = split_lines(text)
    (found,) = cut_groups(doc, lines)
    start, first, cut, after = found
    show = lambda bs: [[text[lines[k].start : lines[k].end] for k in b] for b in bs]  # noqa: E731
    assert show(after) == [[str(truth[k][0]) for k in GROUP], [str(truth[k][1]) for k in GROUP]]
    assert show(cut) == [[str(truth[KEYS[-4]][0])], [str(truth[KEYS[-4]][1])]]
    assert show(first[-1:]) == [[str(truth[k][6]) for k in GROUP]]
    (span,) = cut_group_spans(doc, lines)
    # the model's order: every single row whole, then the group column by column
    want = [v for k in KEYS[:-3] for v in truth[k]] + [truth[k][c] for c in range(7) for k in GROUP]
    assert _values(doc, span) == want
    # as printed no division fits; put back it does, every cell as the table holds it
    assert assemble_from_stream(TableResult.empty(SPEC), doc, lines) is None
    got = _divide(text)
    assert got is not None
    assert all(got.values[k][col] == truth[k][c] for k in KEYS for c, col in enumerate(COLS))
    # a 总计 block that is not its group's row totals, or a value right after the left columns
    # (they close the page's values where the gap put them last): no cut group
    odd = _cut_reading(truth, total_shift=1)
    assert cut_groups(Document(odd), split_lines(odd)) == []
    more = text.replace("四、政府", "7\n\n四、政府")
    assert cut_groups(Document(more), split_lines(more)) == []


def test_the_row_before_a_cut_group_printing_one_blank_mark_for_its_blank_left_cells_is_not_placed():
    truth = _cut_truth()
    prev = KEYS[-4]
    was, truth[prev] = truth[prev], [0, 0, 0, 0, 2, 1, 3]  # its two left cells blank
    for tot in ("total_handled", "new_received"):
        truth[tot] = [t + b - a for t, a, b in zip(truth[tot], was, truth[prev])]
    text = _cut_reading(truth, marks="－\n\n")
    doc = Document(text)
    lines = split_lines(text)
    (span,) = cut_group_spans(doc, lines)
    # the mark read once for each left column: the row prints seven cells again
    assert [c.raw for c in lone_numbers(doc, span)[0]][7 * (len(KEYS) - 4) :][:7] == ["－", "－", "0", "0", "2", "1", "3"]
    assert span.doubtful  # that row's values rest on its right cells being the values before the group
    got = _divide(text)
    assert got is not None
    assert all(got.values[prev][col] is None for col in COLS)
    assert any("cut at a blank's gap" in w and prev in w for w in got.warnings)
    assert all(got.values[k][col] == truth[k][c] for k in KEYS if k != prev for c, col in enumerate(COLS))
