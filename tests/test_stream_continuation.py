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

