"""Table 三's last column printed past the next section's heading (raw pdftotext of a table that ends a page)."""
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.streamorder import continuation

# the end of table 三's region (its last row group's first six columns), the next heading, the
# section's opening line, then the 总计 column: its header and its three values, then table 四
TEXT = ("其他\n\n0\n3\n0\n\n0\n1\n0\n\n四、政府信息公开行政复议和行政诉讼情况\n具体情况见下表。\n\n总计\n\n0\n4\n0\n\n"
        "\f行政复议\n结果维\n持\n")  # fmt: skip


def test_the_last_column_after_the_next_heading_is_read_with_the_table():
    lines = split_lines(TEXT)
    heading = next(ln.index for ln in lines if TEXT[ln.start : ln.end].startswith("四、"))
    end = continuation(TEXT, lines, heading)
    taken = [TEXT[ln.start : ln.end].strip() for ln in lines[heading + 1 : end]]
    # the opening line, the 总计 header and its values; table 四's header is not taken
    assert [s for s in taken if s] == ["具体情况见下表。", "总计", "0", "4", "0"]


def test_a_section_that_opens_with_prose_takes_nothing():
    text = "0\n\n四、政府信息公开行政复议和行政诉讼情况\n本年度未发生行政复议。\n2\n起行政诉讼。\n"
    lines = split_lines(text)
    # a lone number after prose but no applicant header: not table 三's
    assert continuation(text, lines, 2) == 2
    # header pieces without a value: nothing either
    text = "0\n\n四、政府信息公开行政复议和行政诉讼情况\n\n总计\n\n行政复议\n"
    assert continuation(text, split_lines(text), 2) == 2


# table 三's last row group (three rows) drawn up to its 其他 column, the next heading, table 四's first
# header pieces and values, then table 三's 总计 header and its three values among table 四's lines
FAR = ("其他\n\n1\n20\n0\n\n0\n1\n0\n\n四、政府信息公开行政复议和行政诉讼情况\n行政复议\n结果 结果\n维持 纠正\n总计\n0\n0\n0\n0\n0\n"
       "行政诉讼\n尚未\n审结\n0\n总计\n0\n复议后起诉\n总计\n1\n23\n0\n尚未\n审结\n五、存在的主要问题\n总计\n7\n")  # fmt: skip


def test_a_column_drawn_among_the_next_table_s_lines_is_offered_run_by_run():
    from govreport.extraction.tables.pagetop import far_columns

    lines = split_lines(FAR)
    heading = next(ln.index for ln in lines if FAR[ln.start : ln.end].startswith("四、"))
    stop = next(ln.index for ln in lines if FAR[ln.start : ln.end].startswith("五、"))
    # the ordinary continuation takes nothing: table 四's header follows the heading
    assert continuation(FAR, lines, heading) == heading
    runs = [[FAR[ln.start : ln.end] for ln in run] for run in far_columns(FAR, lines, heading, stop)]
    # each applicant header followed by one to three lone values; five values under 总计 are table
    # 四's row (more than a row group's), and nothing past ``stop`` is taken
    assert runs == [["总计", "0"], ["总计", "1", "23", "0"]]


def test_too_many_runs_offer_none():
    from govreport.extraction.tables.pagetop import MAX_FAR, far_columns

    text = "四、政府信息公开行政复议和行政诉讼情况\n" + "总计\n1\n\n" * (MAX_FAR + 1)
    lines = split_lines(text)
    assert far_columns(text, lines, 0, len(lines)) == []
    text = "四、政府信息公开行政复议和行政诉讼情况\n" + "总计\n1\n\n" * MAX_FAR
    lines = split_lines(text)
    assert len(far_columns(text, lines, 0, len(lines))) == MAX_FAR
