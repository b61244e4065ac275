"""Table 三's row heights read from its labels' wrapped lines in a raw pdftotext reading."""
from govreport.extraction.tables.labelheights import join_runs, label_heights

LABELS = ["予以公开", "部分公开（区分处理的，只计这一情形，不计其他情形）", "属于国家秘密"]


def test_a_label_on_one_line_and_one_wrapped_with_the_spanning_label_s_pieces_between():
    # LibreOffice: the spanning label's lines (三、本 / 年度办 / 理结果, （三） / 不予公 / 开) stand
    # between the leaf labels' own
    lines = ["三、本", "（一）予以公开", "年度办", "（二）部分公开", "理结果", "（区分处理的，只", "计这一情形，不计",
             "其他情形）", "（三）", "1.属于", "不予公", "国家秘", "开", "密"]
    assert label_heights(lines, LABELS) == [True, False, False]


def test_the_spanning_label_s_piece_on_the_leaf_label_s_line():
    # WPS: a spanning label's piece and a leaf label's on one line, apart by a space
    lines = ["三、本年 （一）予以公开", "度办理结 （二）部分公开（区", "果", "分处理的，只计这一", "情形，不计其他情形", "）",
             "（三）不 1.属于国", "予公开", "家秘密"]
    assert label_heights(lines, LABELS) == [True, False, False]


def test_a_label_in_another_wording_says_nothing():
    # a short wording whose piece is not the template's whole label: its height is not read (the
    # note of (二) may simply be left out); a label not printed at all neither
    lines = ["（一）予以公开", "（二）部分公开", "（三）不予公开"]
    assert label_heights(lines, LABELS) == [True, None, None]


def test_rows_one_line_tall_join_the_next_row():
    assert join_runs([False, True, False, True, True, False, None, True]) == [[0], [1, 2], [3, 4, 5], [6], [7]]


def test_a_figure_or_a_note_before_the_labels_is_no_row_s_label():
    # another table's amount (9.0652万元) and a numbered note before table 三's labels: a figure's
    # point is no numbering, and a numbered piece that begins no row's wording is passed over
    lines = ["9.0652万元", "（一）本表单位：件", "三、本", "（一）予以公开", "年度办", "（二）部分公开", "（区分处理的，只",
             "计这一情形，不计", "其他情形）", "（三）", "1.属于", "国家秘", "密"]
    assert label_heights(lines, LABELS) == [True, False, False]


def test_each_row_s_label_is_found_on_the_line_of_its_first_piece():
    # LibreOffice's pieces: (一) on line 1, (二) on line 3 (its note wrapped over three lines),
    # 1.属于国家秘密 on line 9 (the spanning （三） / 不予公 / 开 pieces between its own)
    from govreport.extraction.tables.labelheights import label_lines

    lines = ["三、本", "（一）予以公开", "年度办", "（二）部分公开", "理结果", "（区分处理的，只", "计这一情形，不计",
             "其他情形）", "（三）", "1.属于", "不予公", "国家秘", "开", "密"]
    assert label_lines(lines, LABELS) == [1, 3, 9]
    # a label not found in the template's shape has no line
    assert label_lines(["（一）予以公开", "（二）部分公开", "（三）不予公开"], LABELS) == [0, None, None]
