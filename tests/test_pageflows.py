"""A page of table 三 drawn in two flows (raw pdftotext): the left-hand part of the page's rows first,
then the header cells 其他 / 总计 with the first row's values right under them and the later rows'
right-hand cells (LibreOffice's PDF of a table with blank cells; ``pdftotext -bbox-layout``)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pageflows import (
    MAX_FLOW_MERGES,
    flow_merges,
    flow_rewrites,
    two_flow_pages,
)
from govreport.extraction.tables.streamorder import block_starts, lone_numbers

# three rows (自然人, 商业企业, 科研机构, 社会公益, 法律服务, 其他, 总计): (5 2 1 0 0 3 11),
# (4 0 1 2 0 1 8), (6 1 1 1 1 0 10); the first flow holds each row's first three values, the
# second (after the header cells 其他 and 总计, the first row's values in their blocks) the rest
PAGE = ("申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n5\n2\n1\n\n社会公\n益组织\n0\n\n法律服\n务机构\n0\n\n"
        "4\n\n0\n\n1\n\n6\n\n1\n\n1\n\n其他\n3\n\n总计\n11\n\n2\n\n0\n\n1\n\n8\n\n1\n\n1\n\n0\n\n10\n")  # fmt: skip
ROWS = [(5, 2, 1, 0, 0, 3, 11), (4, 0, 1, 2, 0, 1, 8), (6, 1, 1, 1, 1, 0, 10)]


def _stream(text):
    doc = Document(text)
    lines = split_lines(text)
    cells, hints = lone_numbers(doc, lines)
    return doc, lines, cells, hints, block_starts(cells, lines)


def test_the_second_flow_starts_at_a_header_cell_the_page_has_not_printed_with_a_value_under_it():
    doc, lines, cells, _, _ = _stream(PAGE)
    ((first, second),) = two_flow_pages(doc, lines, cells)
    assert [cells[i].value for i in first] == [5, 2, 1, 0, 0, 4, 0, 1, 6, 1, 1]
    assert [cells[i].value for i in second] == [3, 11, 2, 0, 1, 8, 1, 1, 0, 10]


def test_a_header_cell_printed_as_a_block_of_its_own_or_right_after_the_first_row_starts_no_flow():
    # 其他 a block of its own (an empty line before the value): it may stand over a blank cell
    apart = PAGE.replace("其他\n3\n", "其他\n\n3\n").replace("总计\n11\n", "总计\n\n11\n")
    doc, lines, cells, _, _ = _stream(apart)
    assert two_flow_pages(doc, lines, cells) == []
    # the first row whole (其他 and 总计 right after its values): an ordinary page top
    ordinary = ("申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n5\n2\n1\n\n社会公\n益组织\n0\n\n法律服\n务机构\n0\n\n"
                "其他\n3\n\n总计\n11\n\n4\n\n0\n\n1\n\n2\n\n0\n\n1\n\n8\n")  # fmt: skip
    doc, lines, cells, _, _ = _stream(ordinary)
    assert two_flow_pages(doc, lines, cells) == []


def test_the_rows_are_put_together_from_both_flows_by_their_totals():
    doc, lines, cells, hints, starts = _stream(PAGE)
    found = flow_rewrites(doc, lines, cells, hints, starts)
    assert found is not None
    rewrites, stray = found
    assert stray == frozenset()
    values = [c.value for c in cells]
    # the one cut where every row meets its 总计 (and 3 / 11 stand under 其他 / 总计)
    assert [tuple(values[i] for i in perm) for perm in rewrites] == [tuple(v for row in ROWS for v in row)]


def test_every_cut_that_meets_the_totals_is_kept_and_too_many_give_none():
    # rows of zeros cut anywhere: one sequence of values however they are cut
    values = [0] * 6
    merges = flow_merges(values, [None] * 6, [True] * 6, [0, 1, 2], [3, 4, 5])
    assert merges is not None and len(merges) == 1
    # a page of zeros: more cuts than MAX_FLOW_PATHS, counted before any merge is built: none
    values = [0] * 60
    assert flow_merges(values, [None] * 60, [True] * 60, list(range(40)), list(range(40, 60))) is None
    # two readings of a row the totals both allow: (1 1 2 | 1 1 2) or (1 1 | 2) … each kept
    values = [1, 1, 2, 1, 1, 2]
    merges = flow_merges(values, [None] * 6, [True] * 6, [0, 1, 2], [3, 4, 5])
    assert merges is not None and len(merges) >= 2
    # more distinct merges than MAX_FLOW_MERGES: none (a subset's agreement could be a guess)
    n = 40
    values = [1, 1, 2] * n
    many = flow_merges(values, [None] * len(values), [True] * len(values), list(range(0, 3 * n, 2)),
                       list(range(1, 3 * n, 2)))  # fmt: skip
    assert many is None or len(many) <= MAX_FLOW_MERGES


def test_a_first_flow_s_last_lone_block_drawn_out_of_place_is_left_free():
    # the middle row's 0 (商业企业) drawn after the page's last row, at the end of the first flow
    stray = PAGE.replace("4\n\n0\n\n1\n\n6\n\n1\n\n1\n\n其他", "4\n\n1\n\n6\n\n1\n\n1\n\n0\n\n其他")
    doc, lines, cells, hints, starts = _stream(stray)
    rewrites, left = flow_rewrites(doc, lines, cells, hints, starts)
    values = [c.value for c in cells]
    assert len(left) == 1 and values[next(iter(left))] == 0
    # the rows put together without it; it stands after them (free to be left out of every row)
    assert rewrites and all(perm[len(values) - 1] in left for perm in rewrites)
    merged = {tuple(values[i] for i in p) for p in rewrites}
    assert (5, 2, 1, 0, 0, 3, 11, 4, 1, 2, 0, 1, 8, 6, 1, 1, 1, 1, 0, 10, 0) in merged
