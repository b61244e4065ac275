"""Table 三 whose printed sums are wrong, divided by raw pdftotext's blocks alone."""
import shutil

import pytest

from govreport.extraction.tables.blockorder import broken, divide_by_blocks
from govreport.extraction.tables.streamorder import StreamSolution, solve_stream
from govreport.extraction.templates import table_spec

from .reportkit import assert_right_or_null

KEYS = table_spec("2021", "applications").row_keys
Z = [0] * 7


def _table(**rows):
    """The template's rows, zeros but those given (7 values each)."""
    return [list(rows.get(k, Z)) for k in KEYS]


def _stream(table):
    """As raw pdftotext writes it: 三(一)/(二) (granted, partially_granted) a group column by column
    (blocks of two), every other row a single row (a block a value); seven or eight columns."""
    g = KEYS.index("granted")
    width = len(table[0])
    values, starts = [], []
    for r, row in enumerate(table):
        if r == g + 1:
            continue
        if r == g:
            values += [x for pair in zip(row, table[g + 1]) for x in pair]
            starts += [True, False] * width
        else:
            values += row
            starts += [True] * width
    return values, starts


# 10 new and 2 carried over applications from 自然人: 9 granted, 1 partially, 2 carried forward
GOOD = _table(new_received=[10, 0, 0, 0, 0, 0, 10], carried_over=[2, 0, 0, 0, 0, 0, 2],
              granted=[9, 0, 0, 0, 0, 0, 9], partially_granted=[1, 0, 0, 0, 0, 0, 1],
              total_handled=[10, 0, 0, 0, 0, 0, 10], carried_forward=[2, 0, 0, 0, 0, 0, 2])  # fmt: skip


def test_a_report_with_a_wrong_total_is_divided_by_its_blocks():
    bad = [row[:] for row in GOOD]
    bad[0][6] = 11  # the report prints 一's 总计 as 11 (10 + 0 + …)
    values, starts = _stream(bad)
    # no division meets every row's 总计
    assert solve_stream(values, len(KEYS)) is None
    got = divide_by_blocks(values, starts, KEYS)
    assert got is not None
    sol, fewest = got
    # the rows as printed, 11 included (its row and its column's identity fail: reported, not hidden)
    assert sol.rows == bad and sol.ambiguous == 0 and fewest == 2
    assert sol.grouped == {KEYS.index("granted"), KEYS.index("partially_granted")}
    # the blocks alone: without them the values have no division at all
    assert divide_by_blocks(values, [True] * len(values), KEYS) is None


def test_a_division_that_puts_values_in_the_wrong_columns_is_not_kept():
    # 10 in 商业企业 instead of 自然人 in row 一: the column identities break by 10 in two columns,
    # but the row's 总计 holds, so no wrong printed cell explains them
    swapped = [row[:] for row in GOOD]
    swapped[0][:2] = [0, 10]
    assert broken(StreamSolution(swapped, set(), 0, []), KEYS) is None
    # a wrong printed 总计 is explained: its row is off by as much as its column's identity
    wrong_total = [row[:] for row in GOOD]
    wrong_total[KEYS.index("total_handled")][6] = 13
    assert broken(StreamSolution(wrong_total, set(), 0, []), KEYS) == 3
    assert broken(StreamSolution(GOOD, set(), 0, []), KEYS) == 0
    # granted's 9 put in partially_granted's row: two rows off by 9, one up and one down; setting a
    # cell of each would mend every identity, but a value moved between rows is no report's error
    moved = [row[:] for row in GOOD]
    g = KEYS.index("granted")
    moved[g][0], moved[g + 1][0] = 0, 10
    assert broken(StreamSolution(moved, set(), 0, []), KEYS) is None


def test_a_value_before_the_header_is_passed_over_where_the_shifted_division_breaks_the_sums():
    bad = [row[:] for row in GOOD]
    bad[0][6] = 11
    values, starts = _stream(bad)
    # another table's value before the header and the next table's after the last row: the blocks
    # allow the rows to start at either; read from the 5 every row is shifted by one value and the
    # broken sums are explained by no wrong printed cell, so only the division passing over it is kept
    got = divide_by_blocks([5] + values + [3], [True] + starts + [True], KEYS, lead=1)
    assert got is not None and got[0].rows == bad and got[1] == 2
    assert divide_by_blocks([5] + values + [3], [True] + starts + [True], KEYS, lead=0) is None


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_wps_readings_of_reports_with_wrong_sums_rebuilt_with_their_failed_checks():
    """Generated reports whose own arithmetic is wrong (``arithmetic_errors``), WPS-style PDFs read by
    raw pdftotext: table 三 divided by the blocks, every value gold's, the failing sums reported."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    extractor = Extractor(get_tagger("rules"))
    for r in read_routes([make_document(1, i) for i in (2, 17)], ["wps-pdf:pdftotext"]):
        assert "arithmetic_errors" in r.kinds
        out = extractor.extract_text(r.text).output
        assert any("text blocks alone" in w for w in out["warnings"]), r.id
        assert any(c["status"] == "fail" and c["rule"].startswith("applications.") for c in out["checks"]), r.id
        assert_right_or_null(out["tables"]["applications"], r.gold["tables"]["applications"], 0.9, r.id)


def _eight(table, sub=6):
    """The rows as the 8-column variant prints them: the 法人或其他组织 小计 (the five organisation
    columns' sum) at slot ``sub``."""
    return [row[:sub] + [sum(row[1:6])] + row[sub:] for row in table]


# GOOD with applications from 商业企业 (3) and 社会公益组织 (1) too: a 小计 of 4
WIDE = [row[:] for row in GOOD]
for _key in ("new_received", "granted", "total_handled"):
    WIDE[KEYS.index(_key)][1], WIDE[KEYS.index(_key)][3] = 3, 1
    WIDE[KEYS.index(_key)][6] += 4


def test_the_eight_column_variant_with_a_wrong_total_is_divided_by_its_blocks_its_subtotal_left_out():
    bad = [row[:] for row in WIDE]
    bad[KEYS.index("carried_over")][6] = 4  # the report prints 二's 总计 as 4 (2 + 0 + …)
    values, starts = _stream(_eight(bad))
    assert solve_stream(values, len(KEYS), sub=6) is None  # no division meets every row's 总计
    # read as seven columns the blocks fit no division (eight values a row)
    assert divide_by_blocks(values, starts, KEYS) is None
    got = divide_by_blocks(values, starts, KEYS, sub=6)
    assert got is not None
    sol, fewest = got
    assert sol.rows == bad and sol.ambiguous == 0 and fewest == 2
    # with the 小计 read after 自然人 the rows' 小计 (3 in 一) is not the five organisations' sum
    # (0 + 1 + 0 + 0 + 4): no division kept
    assert divide_by_blocks(values, starts, KEYS, sub=1) is None


def test_a_page_s_first_row_of_the_eight_column_variant_is_placed_by_the_headers_printed_with_it():
    from govreport.extraction.tables.blockorder import _rows
    from govreport.extraction.tables.streamblocks import _hinted_order

    # 10 3 0 in the header's block, 0 after 社会公益组织, 0 after 法律服务机构, 0 after 其他 (the 合计
    # header after it names nothing), then 3 (小计) and 13 (总计): hints are the seven columns'
    hints = [None, None, None, 3, 4, 5, None, None]
    starts = [True, False, False, True, True, True, True, True]
    assert _hinted_order(hints, 0, 6) == list(range(8))
    assert _rows(starts, hints, 0, 1, sub=6) == [list(range(8))]
    # 总计 named by its header: the eighth printed column
    assert _hinted_order([None, None, None, None, None, None, 6, None], 0, 6) == [0, 1, 2, 3, 4, 5, 7, 6]
    # with the 小计 after 自然人 the named columns move one place right
    assert _hinted_order(hints, 0, 1) == [0, 1, 2, 6, 3, 4, 5, 7]
    # two values naming one column: no order
    assert _hinted_order([3, 3, None, None, None, None, None, None], 0, 6) is None


def _wide_lead_text(rows8):
    """A WPS-style page of the 8-column variant through raw pdftotext: each row's 自然人, 商业企业 and
    科研机构 beside its label (the first on the label's line, a label line after them), then every
    row's 社会公益组织, 法律服务机构, 其他, 小计 and 总计, a value a block."""
    head = "".join(f"第{r}行标签 {row[0]}\n{row[1]}\n{row[2]}\n标签续\n" for r, row in enumerate(rows8))
    return head + "\n" + "".join(f"{v}\n\n" for row in rows8 for v in row[3:])


def test_rows_whose_first_columns_came_with_their_labels_are_divided_by_the_blocks_when_a_sum_is_wrong():
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import block_starts, label_joins, lone_numbers

    bad = [row[:] for row in WIDE]
    bad[KEYS.index("carried_over")][6] = 4  # 二's 总计 printed 4 (2 + 0 + …)
    text = _wide_lead_text(_eight(bad))
    doc, lines = Document(text), split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    starts, joined = block_starts(cells, lines), label_joins(doc, cells, lines)
    # the sums' division knows these rows, but the wrong 总计 fits none
    assert solve_stream(values, len(KEYS), starts=starts, sub=6, joined=joined) is None
    right = _wide_lead_text(_eight(WIDE))
    cells_r, _ = lone_numbers(Document(right), split_lines(right))
    assert solve_stream([c.value for c in cells_r], len(KEYS), starts=starts, sub=6, joined=joined) is not None
    # by the blocks and the labels alone: the rows as printed, the wrong 总计 included
    got = divide_by_blocks(values, starts, KEYS, joined=joined, sub=6)
    assert got is not None and got[0].rows == bad and got[0].ambiguous == 0 and got[1] == 2
    # without the labels' joins the first three values of a row are one block: no division
    assert divide_by_blocks(values, starts, KEYS, sub=6) is None


def test_two_wrong_printed_cells_of_one_row_explain_its_broken_sums():
    # carried_forward printed (2, 1, …, 4) for (2, 0, …, 2): its 商业企业 and its 总计 both wrong;
    # no single cell mends the row and both columns' identities, the two cells together do
    two = [row[:] for row in GOOD]
    cf = KEYS.index("carried_forward")
    two[cf][1], two[cf][6] = 1, 4
    # the row's 总计, the identities of 商业企业 and 总计 (一+二 = 总计+四)
    assert broken(StreamSolution(two, set(), 0, []), KEYS) == 3
    values, starts = _stream(two)
    got = divide_by_blocks(values, starts, KEYS)
    assert got is not None and got[0].rows == two and got[0].ambiguous == 0
    # two changes that a value moved within the row would need (the row's sum holds) stay unexplained
    moved = [row[:] for row in GOOD]
    moved[cf][:2] = [1, 1]
    assert broken(StreamSolution(moved, set(), 0, []), KEYS) is None
    # three of the row's columns off (its sum too): two cells leave a column's identity broken
    off = [row[:] for row in GOOD]
    off[cf][:3] = [3, 1, 1]
    assert broken(StreamSolution(off, set(), 0, []), KEYS) is None


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_a_wps_reading_whose_report_prints_two_wrong_cells_in_one_row_reads_whole():
    """WPS reading 190 of seed 1: carried_forward's 商业企业 and 总计 printed wrong, its first page's
    rows among the repeated header: every cell gold's (flagged), the failing sums reported."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 190)], ["wps-pdf:pdftotext"])
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert any("text blocks alone" in w for w in out["warnings"])
    assert any(c["status"] == "fail" and c["rule"].startswith("applications.") for c in out["checks"])
    assert_right_or_null(out["tables"]["applications"], r.gold["tables"]["applications"], 1.0, r.id)
