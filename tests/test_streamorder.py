"""Table 三 rebuilt from one-value lines in content-stream order (raw pdftotext)."""
import shutil

import pytest

from govreport.extraction.tables.streamorder import solve_stream
from tests.routekit import needs_routes


def _col_major(*rows):
    return [rows[j][c] for c in range(7) for j in range(len(rows))]


A = [4, 1, 0, 0, 0, 0, 5]
B = [2, 0, 1, 0, 0, 0, 3]
C = [1, 1, 1, 1, 1, 1, 6]


def test_rows_in_order():
    sol = solve_stream(A + B + C, 3)
    assert sol is not None and sol.rows == [A, B, C] and sol.ambiguous == 0 and not sol.grouped


def test_two_rows_written_column_by_column():
    # rows B and C share a merged label cell: pdftotext writes them 2 0 1 1 1 1 0 1 ...
    stream = A + _col_major(B, C)
    assert stream[7:11] == [2, 1, 0, 1]
    sol = solve_stream(stream, 3)
    assert sol is not None and sol.rows == [A, B, C]
    assert sol.grouped == {1, 2}
    # each value points at its own token in the stream
    assert [stream[i] for i in sol.index[2]] == C


def test_page_number_between_groups_is_passed_over_only_when_at_a_page_break():
    stream = A + [17] + B + C
    assert solve_stream(stream, 3) is None
    sol = solve_stream(stream, 3, frozenset({7}))
    assert sol is not None and sol.rows == [A, B, C]


def test_only_a_lone_number_printed_as_a_page_number_beside_a_page_break_may_be_one():
    # a page's last cells 0 / 1,234 / 3.5 / 012 before the form feed are values: pages are counted
    # from 1 in plain digits; a 7 there may be the page's number (it may also be a value)
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import _page_numbers, lone_numbers

    for raw, page in (("0", False), ("1,234", False), ("3.5", False), ("012", False), ("7", True)):
        text = "申请人情况\n自然人\n\n5\n\n" + raw + "\n\n\f（七）总计\n\n2\n\n"
        doc = Document(text)
        cells, _ = lone_numbers(doc, split_lines(text))
        assert [c.raw.strip() for c in cells] == ["5", raw, "2"]
        assert (1 in _page_numbers(doc, cells)) is page, raw


def test_divisions_that_disagree_leave_null_cells():
    # two rows of the same shape: in order or column by column both meet 总计 for these values
    x = [1, 0, 0, 0, 0, 0, 1]
    y = [0, 1, 0, 0, 0, 0, 1]
    stream = x + y
    col = _col_major(x, y)  # 1 0 0 1 0 0 ... : read in order, row 1 is (1,0,0,1,0,0,0): 总计 fails
    assert solve_stream(col, 2).rows == [x, y]
    zx = [0, 0, 0, 0, 0, 0, 0]
    sol = solve_stream([0] * 14, 2)
    assert sol.rows == [zx, zx] and sol.ambiguous == 0
    # in order (0 0 0 0 0 1 | 1) (1 0 2 0 1 1 | 5) and column by column (0 0 0 0 1 0 | 1)
    # (0 0 1 1 2 1 | 5): both meet 总计 and the values differ -> those cells null, never a guess
    amb = [0, 0, 0, 0, 0, 1, 1, 1, 0, 2, 0, 1, 1, 5]
    sol = solve_stream(amb, 2)
    assert sol is not None and sol.ambiguous == 6
    assert sol.rows == [[0, 0, 0, None, 0, None, 1], [None, 0, None, None, None, 1, 5]]
    assert stream  # the plain order reads as itself
    assert solve_stream(stream, 2).rows == [x, y]


def test_wrong_count_or_no_fitting_division():
    assert solve_stream(A + B, 3) is None
    assert solve_stream([1, 2, 3, 4, 5, 6, 7], 1) is None


def test_first_row_placed_by_the_headers_printed_between_its_values():
    # pdftotext writes 12 5 0 | 法律服务 0 | 其他 0 | 社会公益 1 | 18: the headers name three columns
    row = [12, 5, 0, 1, 0, 0, 18]
    stream = [12, 5, 0, 0, 0, 1, 18] + B
    hints = [None, None, None, 4, 5, 3, None] + [None] * 7
    sol = solve_stream(stream, 2, hints=hints)
    assert sol is not None and sol.rows == [row, B]
    assert [stream[i] for i in sol.index[0]] == row
    # without the headers the text order is all there is (it meets 总计 too): the headers decide
    assert solve_stream(stream, 2).rows[0] == [12, 5, 0, 0, 0, 1, 18]
    # two headers naming one column contradict each other: the text order stays
    assert solve_stream(stream, 2, hints=[None, None, None, 4, 4, 3, None] + [None] * 7).rows[0] == stream[:7]


STREAM_WARNING = "in the PDF's content order"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils")
def test_raw_pdftotext_of_a_rendered_pdf_rebuilt_without_wrong_numbers():
    """WPS-style PDFs read by raw pdftotext: where table 三 is rebuilt from the content stream,
    every value it gives is gold's (a cell it cannot tell is null)."""
    from govreport.extraction.evaluate import values_equal
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    extractor = Extractor(get_tagger("rules"))
    rebuilt = 0
    for r in read_routes([make_document(1, i) for i in (6, 7, 8)], ["wps-pdf:pdftotext"]):
        out = extractor.extract_text(r.text).output
        if not any(w.startswith("applications:") and STREAM_WARNING in w for w in out["warnings"]):
            continue
        rebuilt += 1
        gold = r.gold["tables"]["applications"]
        got = out["tables"]["applications"]
        for row, cols in gold.items():
            for col, v in cols.items():
                assert got[row][col] is None or values_equal(got[row][col], v), (r.id, row, col)
    assert rebuilt >= 1


def test_values_of_other_tables_before_the_header_and_after_the_last_row_are_passed_over():
    # table 二's tail printed before the applicant headers, table 四's values after the last row
    stream = [9, 245] + A + B + [3, 0, 1]
    assert solve_stream(stream, 2) is None
    sol = solve_stream(stream, 2, lead=2, trail=True)
    assert sol is not None and sol.rows == [A, B]
    # only values printed before the header may be passed over at the start
    assert solve_stream(stream, 2, lead=1, trail=True) is None


def test_a_dash_among_values_is_a_blank_cell_counted_zero_in_the_row():
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import lone_numbers

    text = "（四）无\n法提供\n3\n—\n0\n0\n0\n0\n3\n"
    doc = Document(text)
    cells, _ = lone_numbers(doc, split_lines(text))
    # 无 among the label's words is not a cell; the dash among values is (value None)
    assert [c.raw for c in cells] == ["3", "—", "0", "0", "0", "0", "3"]
    sol = solve_stream([c.value for c in cells], 1)
    assert sol is not None and sol.rows == [[3, None, 0, 0, 0, 0, 3]] and sol.index[0][1] == 1
    # the dash is 0 in the arithmetic: 3 + blank ≠ 4
    assert solve_stream([3, None, 0, 0, 0, 0, 4], 1) is None


def test_two_rows_after_a_page_s_repeated_header_placed_by_the_headers_between_their_values():
    # page 2 starts with 三(一) and 三(二): 自然人/商业企业/科研机构 row by row (100 5 0 | 29 0 0),
    # then 社会公益 0 0 | 法律服务 4 0 | 其他 0 0 | 109 29 (总计, unnamed)
    g = [100, 5, 0, 0, 4, 0, 109]
    p = [29, 0, 0, 0, 0, 0, 29]
    stream = [100, 5, 0, 29, 0, 0, 0, 0, 4, 0, 0, 0, 109, 29]
    hints = [None] * 6 + [3, None, 4, None, 5, None, None, None]
    sol = solve_stream(stream, 2, hints=hints)
    assert sol is not None and sol.rows == [g, p] and sol.grouped == {0, 1}
    # named columns not starting every second value contradict a two-row group: no division
    assert solve_stream(stream, 2, hints=[None] * 7 + [3] + [None] * 6) is None


def test_a_page_s_repeated_header_names_no_group_whose_column_the_blocks_split():
    # WPS's page top: a row of zeros printed among the header pieces (one block), its 总计 after the
    # 总计 header, then the next row (2 0 0 0 0 0 2) a block a value. Read as two rows' first three
    # columns row by row, the 总计 column (0, 2), then 社会公益 … 其他 column by column, the zeros fit
    # too (2 as 其他); but raw pdftotext writes a group's column as one block of two lines, and the
    # 总计 column's two values stand in two blocks: only the single rows fit
    first, second = [0] * 7, [2, 0, 0, 0, 0, 0, 2]
    stream = first + second
    hints = [None] * 6 + [6] + [None] * 7
    loose = solve_stream(stream, 2, hints=hints)
    assert loose is not None and loose.rows[1][0] is None and loose.rows[1][5] is None
    starts = [True] + [False] * 5 + [True] * 8
    sol = solve_stream(stream, 2, hints=hints, starts=starts)
    assert sol is not None and sol.ambiguous == 0 and sol.rows == [first, second] and not sol.grouped
    # the same two rows with the 总计 column one block: the group stays a division
    joined = solve_stream(stream, 2, hints=hints, starts=starts[:7] + [False] + [True, False] * 3)
    assert joined is not None and joined.grouped == {0, 1}

def test_a_header_cut_into_pieces_names_its_column():
    from govreport.extraction.tables.streamorder import _header_column

    assert _header_column(["社会公", "益组织"]) == 3
    assert _header_column(["法律服", "务机构"]) == 4
    # pieces naming two columns: none
    assert _header_column(["社会公", "益组织", "法律服", "务机构"]) is None


def test_a_cut_header_nearer_the_value_names_it_over_a_whole_header_before_it():
    from govreport.extraction.tables.streamorder import _header_column

    # LibreOffice's page top: the 总计 header cell drawn among the first row's values, then the cut
    # 社会公益组织 header right above its value: the value is 社会公益组织's, not 总计's
    assert _header_column(["总计", "社会公", "益组织"]) == 3
    # a whole header nearest the value still names it; pieces naming nothing leave the whole one
    assert _header_column(["社会公", "益组织", "总计"]) == 6
    assert _header_column(["总计", "单位：件"]) == 6


def test_the_blocks_tell_a_row_group_from_single_rows():
    # the stream of test_divisions_that_disagree_leave_null_cells fits in order and column by column;
    # raw pdftotext joins a row group's cells of one column into one block (no empty line between
    # them) and writes a single row's values a block each: the blocks decide
    amb = [0, 0, 0, 0, 0, 1, 1, 1, 0, 2, 0, 1, 1, 5]
    single = solve_stream(amb, 2, starts=[True] * 14)
    assert single is not None and single.ambiguous == 0 and not single.grouped
    assert single.rows == [amb[:7], amb[7:]]
    paired = solve_stream(amb, 2, starts=[True, False] * 7)
    assert paired is not None and paired.ambiguous == 0 and paired.grouped == {0, 1}
    assert paired.rows == [amb[0::2], amb[1::2]] == [[0, 0, 0, 1, 0, 0, 1], [0, 0, 1, 1, 2, 1, 5]]
    # blocks that fit neither (three values joined): no division; the caller falls back to the arithmetic
    assert solve_stream(amb, 2, starts=[True, False, False] + [True] * 11) is None


def test_block_starts_from_the_empty_lines_raw_pdftotext_writes():
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import block_starts, lone_numbers

    text = "予以公开\n8\n0\n\n3\n1\n\n总计\n11\n\n2\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.raw for c in cells] == ["8", "0", "3", "1", "11", "2"]
    # a number right under another continues its block; an empty line or a text line ends it
    assert block_starts(cells, lines) == [True, False, True, False, True, True]


def test_a_page_s_first_row_joined_with_the_header_pieces_is_read_apart():
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import block_starts, lone_numbers, page_tops, top_row_apart

    # WPS's page 2: the repeated column header, the page's first row's six applicant cells drawn among
    # its pieces (raw pdftotext joins them into one block) and its 总计 apart, no 总计 header between
    a = "\n\n".join(["36", "3", "0", "0", "0", "0", "39"])
    header = "申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构 社会公益 法律服务 其他\n组织\n机构\n"
    text = "（一）予以公开\n\n" + a + "\n\n" + header + "3\n0\n0\n0\n1\n0\n\n4\n\n（七）总计\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    assert values == [36, 3, 0, 0, 0, 0, 39, 3, 0, 0, 0, 1, 0, 4]
    starts = block_starts(cells, lines)
    tops = page_tops(doc, lines, cells)
    assert tops == frozenset({7}) and starts[7:] == [True, False, False, False, False, False, True]
    # as printed, the six cells' block is no single row's (a value a block) nor a group's column
    assert solve_stream(values, 2, starts=starts) is None
    apart = top_row_apart(starts, tops)
    assert apart == [True] * 14
    sol = solve_stream(values, 2, starts=apart)
    assert sol is not None and sol.ambiguous == 0 and sol.rows == [values[:7], values[7:]]
    # WPS's first page: 自然人's cell beside its header piece, the other five joined beside theirs
    assert top_row_apart([True, True, False, False, False, False, True], frozenset({0})) == [True] * 7
    # a first block of another length (a group's leading columns row by row, a group's column of
    # two) is left as printed
    assert top_row_apart([True, True, False, False, True], frozenset({1})) == [True, True, False, False, True]
    pairs = [True, False, True, False, True, False, True]
    assert top_row_apart(pairs, frozenset({0})) == pairs

def test_the_eight_column_variant_divides_with_its_subtotal_left_out():
    from govreport.extraction.tables.streamorder import _agree

    # 小计 after 其他 (slot 6): 自然人, five organisations, 小计 (= the five), 总计
    a8 = [4, 1, 0, 0, 0, 0, 1, 5]
    b8 = [2, 0, 0, 0, 0, 0, 0, 2]
    b = [2, 0, 0, 0, 0, 0, 2]
    # eight values a row do not divide into rows of seven
    assert solve_stream(a8 + b8, 2) is None
    after_other = solve_stream(a8 + b8, 2, sub=6)
    assert after_other is not None and after_other.rows == [A, b] and after_other.ambiguous == 0
    # the 小计 must be the five organisations' sum: 2 there fits no row
    assert solve_stream([4, 1, 0, 0, 0, 0, 2, 5] + b8, 2, sub=6) is None
    # read with the 小计 after 自然人 (slot 1) both rows fit too, the first one's values placed
    # differently: 4 | 小计 1 | 0 0 0 0 1 | 5 -> 商业企业 0, 其他 1
    after_person = solve_stream(a8 + b8, 2, sub=1)
    assert after_person is not None and after_person.rows == [[4, 0, 0, 0, 0, 1, 5], b]
    both = _agree(after_other, after_person)
    # the cells the two places disagree on are null, never a guess; the rest kept
    assert both.rows == [[4, None, 0, 0, 0, None, 5], b] and both.ambiguous == 2


def test_chromium_lines_two_values_on_a_line_and_a_label_ending_in_a_value():
    # Chromium's print-to-PDF through raw pdftotext: a row's first value on its label's last line
    # (one baseline), its last two values on one line (one run of text), each value a block
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import block_starts, lone_numbers

    text = "4.保护第三方合法权益 2\n\n0\n\n1\n\n0\n\n0\n\n0 3\n\n（七）总计\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.raw for c in cells] == ["2", "0", "1", "0", "0", "0", "3"]
    # offsets in the original text: each cell's own characters
    assert [text[c.start : c.end] for c in cells] == [c.raw for c in cells]
    assert block_starts(cells, lines) == [True] * 7
    sol = solve_stream([c.value for c in cells], 1, starts=block_starts(cells, lines))
    assert sol is not None and sol.rows == [[2, 0, 1, 0, 0, 0, 3]]
    # a year or a code inside prose is no value: a line ending in a number after a non-CJK word stays text
    assert lone_numbers(Document("电话 0351 6150\n"), split_lines("电话 0351 6150\n"))[0] == []


def test_rows_whose_first_column_came_with_their_labels():
    # Chromium's PDF through raw pdftotext: the 自然人 column beside the labels joins their block
    # (``三、…予以公开`` / 4 / ``（二）部分公开`` / 2), the rows' other six columns follow, a block each
    stream = [A[0], B[0]] + A[1:] + B[1:]
    starts = [True] * 14
    # read in order or column by column no division fits (4 2 1 0 0 0 | 0 fails its 总计)
    assert solve_stream(stream, 2, starts=starts) is None
    # the first two values with label text between them (2) and no empty line: the labels' block
    joined = [0, 2] + [0] * 12
    sol = solve_stream(stream, 2, starts=starts, joined=joined)
    assert sol is not None and sol.rows == [A, B] and sol.ambiguous == 0
    assert [stream[i] for i in sol.index[1]] == B
    # the first column printed after the other columns (the labels' block drawn last)
    after = A[1:] + B[1:] + [A[0], B[0]]
    sol = solve_stream(after, 2, starts=starts, joined=[0] * 12 + [0, 2])
    assert sol is not None and sol.rows == [A, B]
    # without label text between them, or with an empty line between them, two values are no labels' block
    assert solve_stream(stream, 2, starts=starts, joined=[0, 1] + [0] * 12) is None
    assert solve_stream(stream, 2, starts=starts, joined=[0] * 14) is None


def test_label_joins_tells_text_empty_lines_and_adjacent_values_apart():
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import label_joins, lone_numbers

    text = "（一）予以公开\n4\n（二）部分公开 2\n0\n\n1\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.raw for c in cells] == ["4", "2", "0", "1"]
    assert label_joins(doc, cells, lines) == [0, 2, 1, 0]


def test_rows_whose_first_three_columns_came_with_their_labels_in_the_eight_column_variant():
    # a WPS-style PDF of the 8-column variant through raw pdftotext: each row's 自然人, 商业企业 and
    # 科研机构 beside its label (the first on the label's line, a label cut inside its brackets too),
    # then the page's 社会公益组织, 法律服务机构, 其他, 小计 and 总计 columns, a row's value a block each
    from govreport.extraction.document import Document
    from govreport.extraction.layout import split_lines
    from govreport.extraction.tables.streamorder import block_starts, label_joins, lone_numbers

    text = ("一、本年新收政府信息公开申 4\n1\n0\n请数量\n（二）部分公开（ 2\n0\n0\n区分处理的）\n\n"
            "总计\n社会公\n益组织\n0\n\n0\n\n其他\n小计\n\n0\n\n1\n\n5\n\n0\n\n0\n\n0\n\n0\n\n2\n")
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    stream = [c.value for c in cells]
    assert stream == [4, 1, 0, 2, 0, 0] + [0, 0, 0, 1, 5] + [0, 0, 0, 0, 2]
    starts, joined = block_starts(cells, lines), label_joins(doc, cells, lines)
    assert starts == [True, False, False, True, False, False] + [True] * 10
    assert joined[:6] == [0, 1, 1, 2, 1, 1]
    # in order (4 1 0 2 0 0 0 0: 小计 0 is not 1+0+2+0+0) or column by column no division fits
    assert solve_stream(stream, 2, starts=starts, sub=6) is None
    sol = solve_stream(stream, 2, starts=starts, sub=6, joined=joined)
    assert sol is not None and sol.ambiguous == 0
    assert sol.rows == [A, [2, 0, 0, 0, 0, 0, 2]]
    assert [stream[i] for i in sol.index[0]] == [4, 1, 0, 0, 0, 0, 5]  # 小计 (1) left out
    # the other columns printed before the labels' block
    after = stream[6:] + stream[:6]
    sol = solve_stream(after, 2, starts=starts[6:] + starts[:6], sub=6, joined=[0] * 10 + joined[:6])
    assert sol is not None and sol.rows == [A, [2, 0, 0, 0, 0, 0, 2]]
    # values on consecutive lines without label text between the rows are one block, not two rows' columns
    assert solve_stream(stream, 2, starts=starts, sub=6, joined=[0, 1, 1, 1, 1, 1] + [0] * 10) is None



@needs_routes("wps-pdf:pdftotext", "lo-pdf:pdftotext")
def test_eight_column_readings_rebuilt_whole_also_with_the_subtotal_headed_he_ji():
    """A report of the 8-column variant (its 法人或其他组织 小计 after 其他) read raw: WPS-style, each
    row's first three columns beside its label; LibreOffice, with the subtotal's header worded 合计
    (a wording reports and the generator use; a cell on a line of its own, unlike the numbered
    row label ``（七）合计``). Every cell is gold's."""
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    extractor = Extractor(get_tagger("rules"))
    for r in read_routes([make_document(1, 8)], ["wps-pdf:pdftotext", "lo-pdf:pdftotext"]):
        assert "\n小计\n" in r.text, r.id  # the variant, its header cell on a line of its own
        text = r.text if r.route.startswith("wps") else r.text.replace("\n小计\n", "\n合计\n")
        got = extractor.extract_text(text).output["tables"]["applications"]
        gold = r.gold["tables"]["applications"]
        assert got == gold, r.id


def test_a_group_whose_leading_columns_are_one_block_written_row_by_row():
    # raw pdftotext of LibreOffice's last page: the two rows' 自然人, 商业企业 and 科研机构 cells stand
    # close and come as one block, line by line (``5 1 0 | 2 0 1``), then 社会公益组织 … 总计 a block
    # each, both rows' values in it
    x = [5, 1, 0, 1, 1, 0, 8]
    y = [2, 0, 1, 0, 3, 0, 6]
    stream = x[:3] + y[:3] + [v for c in range(3, 7) for v in (x[c], y[c])]
    starts = [True] + [False] * 5 + [True, False] * 4
    sol = solve_stream(stream, 2, starts=starts)
    assert sol is not None and sol.rows == [x, y] and sol.ambiguous == 0
    assert [stream[i] for i in sol.index[1]] == y
    # the leading values split over two blocks are no such block (and nothing else fits these blocks)
    assert solve_stream(stream, 2, starts=[True, False, False, True, False, False] + starts[6:]) is None
    # a group's leading columns written column by column in that block break 总计 (5 2 1 | 0 0 1): no division
    col = [x[0], y[0], x[1], y[1], x[2], y[2]] + stream[6:]
    assert solve_stream(col, 2, starts=starts) is None


@needs_routes("lo-pdf:pdftotext")
def test_a_libreoffice_last_page_with_its_leading_columns_one_block_and_table_four_s_heading_between_reads_whole():
    from govreport.extraction.pipeline import Extractor
    from govreport.extraction.taggers import get_tagger
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    (r,) = read_routes([make_document(1, 103)], ["lo-pdf:pdftotext"])
    # the last two rows: 5 1 0 / 0 0 0 one block, then a block a column, the next heading among them
    assert "构\n5\n1\n0\n0\n0\n0\n\n社会公\n益组织\n1\n0\n\n四、" in r.text
    out = Extractor(get_tagger("rules")).extract_text(r.text).output
    assert out["tables"]["applications"] == r.gold["tables"]["applications"]
