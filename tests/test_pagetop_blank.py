"""Table 三 of a WPS-style PDF read by raw pdftotext with blank cells unprinted: a page's first row
drawn among its repeated column headers, and rows printing only their non-empty cells."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetop import assemble_blank_page_tops
from govreport.extraction.tables.result import BLANK, INFERRED, UNREADABLE, TableResult
from govreport.extraction.tables.blankdivision import order_breaks
from govreport.extraction.tables.streamorder import assemble_from_stream
from govreport.extraction.templates import table_spec

E = None  # a blank cell: printed as nothing
SPEC = table_spec("2021", "applications")
KEYS = list(SPEC.row_keys)
COLS = SPEC.rows[0].cols
RESULTS = KEYS[KEYS.index("granted") : KEYS.index("total_handled")]


def _table(short: dict[str, list]) -> dict[str, list]:
    """A consistent table 三 (rows: 自然人, 商业企业, 科研机构, 社会公益, 法律服务, 其他, 总计): result
    row i holds i+1 under 自然人 and 总计, 予以公开 also 4 3 2 1 under the next four columns; 一 and
    (七) their sums, 二 and 四 (7, 1, 0, 0, 0, 0, 8); ``short`` rows replaced (E: a blank cell)."""
    truth = {k: [0] * 7 for k in KEYS}
    for i, k in enumerate(RESULTS):
        truth[k] = [i + 1, 0, 0, 0, 0, 0, i + 1]
    truth[RESULTS[0]] = [1, 4, 3, 2, 1, 0, 11]
    truth.update(short)
    sums = [sum(0 if truth[k][c] is None else truth[k][c] for k in RESULTS) for c in range(7)]
    truth["total_handled"] = truth["new_received"] = sums
    truth["carried_over"] = truth["carried_forward"] = [7, 1, 0, 0, 0, 0, 8]
    return truth


def _page(truth: dict[str, list]) -> str:
    """Raw pdftotext of the table on a page that starts with its column header (WPS): the first row's
    自然人 and 商业企业, the second row's 自然人, 法律服务's value in its header's block, 其他's header a
    block of its own, 科研机构's value, 社会公益's in its block, 其他 and 总计; then every other row's
    non-empty values, a block each."""
    first, second = truth["new_received"], truth["carried_over"]
    head = ("申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构\n\n一、本年新收政府信息公开申请\n数量\n"
            "二、上年结转政府信息公开申请\n数量\n\n")  # fmt: skip
    top = (f"{first[0]}\n\n{first[1]}\n\n{second[0]}\n\n总计\n法律服务\n机构\n{first[4]}\n\n其他\n\n{first[2]}\n\n"
           f"社会公益\n组织\n{first[3]}\n\n{first[5]}\n\n{first[6]}\n\n")  # fmt: skip
    rest = [v for v in second[1:]] + [v for k in KEYS[2:] for v in truth[k] if v is not None]
    return head + top + "".join(f"{v}\n\n" for v in rest)


def _read(truth):
    text = _page(truth)
    doc, lines = Document(text), split_lines(text)
    res = TableResult.empty(SPEC)
    # the ordinary reading: rows paired with their values by order, breaking a row's 总计
    res.values["new_received"].update(dict.fromkeys(COLS, 0), natural_person=9, total=1)
    res.status["new_received"] = dict.fromkeys(COLS, INFERRED)
    res.by_order.update(KEYS)
    return res, doc, lines


def test_a_page_top_in_a_stream_short_of_values_is_divided_under_the_identities():
    # 三(三)1.'s zeros printed blank ("3 3"): only 自然人 meets the column identities
    short = RESULTS[2]
    truth = _table({short: [3, E, E, E, E, E, 3]})
    res, doc, lines = _read(truth)
    breaks = order_breaks(res)
    # as printed (the page's first row among the headers) no division fits
    assert assemble_from_stream(res, doc, lines) is None
    out = assemble_blank_page_tops(res, doc, lines, None, breaks)
    assert out is not None
    st = out.statuses()
    for k in KEYS:
        for c, col in enumerate(COLS):
            if truth[k][c] is None:
                assert out.values[k][col] is None and st[k][col] == BLANK, (k, col)
            else:
                assert out.values[k][col] == truth[k][c] and st[k][col] == INFERRED, (k, col)
    assert any("printed among its repeated column headers" in w for w in out.warnings)


def test_cells_the_page_top_divisions_disagree_on_are_null_with_a_warning():
    # a row printing "6 0 0 0 6": which two of its five zeros' cells are empty is not printed
    zeros = RESULTS[5]
    truth = _table({zeros: [6, 0, E, 0, E, 0, 6]})
    res, doc, lines = _read(truth)
    breaks = order_breaks(res)
    assert assemble_from_stream(res, doc, lines) is None
    out = assemble_blank_page_tops(res, doc, lines, None, breaks)
    assert out is not None
    st = out.statuses()
    open_cells = [f"{zeros}.{col}" for col in COLS[1:6]]
    assert all(out.values[zeros][col] is None and st[zeros][col] == UNREADABLE for col in COLS[1:6])
    assert any("null: " + ", ".join(open_cells) in w for w in out.warnings)
    # every other cell is the report's
    for k in KEYS:
        for c, col in enumerate(COLS):
            if f"{k}.{col}" not in open_cells:
                assert out.values[k][col] == (truth[k][c]), (k, col)


def test_a_page_top_with_blank_cells_is_not_divided_where_the_reading_by_order_breaks_nothing():
    # the guard of the division under the identities holds for the rewrites too: a reading by order
    # that breaks no identity its cells let be checked is kept
    res, doc, lines = _read(_table({RESULTS[2]: [3, E, E, E, E, E, 3]}))
    res.values["new_received"].update(dict.fromkeys(COLS))
    assert not order_breaks(res)
    assert assemble_blank_page_tops(res, doc, lines, None, order_breaks(res)) is None



def test_a_rewrite_is_taken_only_as_the_full_row_group_it_says_its_window_is():
    from govreport.extraction.tables.pagetop import _window_columns

    # a window rewritten into column order (20 4 3 2 1 0 30), then the next row's 自然人 (7)
    values = [20, 4, 3, 2, 1, 0, 30, 7, 1, 0]
    moved = frozenset(range(8))
    assert _window_columns(range(10), moved, values) == [0, 1, 2, 3, 4, 5, 6, 0, None, None]
    # where the window's row breaks its 总计 (a short first row took the next row's values into
    # the window), the rewrite's premise fails: not divided as blank cells
    assert _window_columns(range(10), moved, [20, 4, 3, 2, 1, 0, 31, 7, 1, 0]) is None
