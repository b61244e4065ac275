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



def test_a_block_of_values_without_its_header_after_the_opening_line_is_read_with_the_table():
    # a WPS-style page: the 总计 header cell drawn first at the page's top, the last group's 总计
    # values past the heading and the section's opening line, a block of their own
    text = ("合计\n\n0\n0\n0\n\n8\n38\n3\n\n四、因政府信息公开申请行政复议、提起行政诉讼的情况\n统计情况如下表所示。\n\n"
            "54\n266\n7\n\n\f行政复议\n结果维持\n")  # fmt: skip
    lines = split_lines(text)
    heading = next(ln.index for ln in lines if text[ln.start : ln.end].startswith("四、"))
    end = continuation(text, lines, heading)
    assert [s for ln in lines[heading + 1 : end] if (s := text[ln.start : ln.end].strip())] == [
        "统计情况如下表所示。", "54", "266", "7"]
    # more values than a row group has rows, two blocks, or no empty line after them: nothing
    for other in (text.replace("54\n266\n7\n", "54\n266\n7\n9\n"), text.replace("54\n266\n7\n", "54\n\n266\n7\n"),
                  text.replace("54\n266\n7\n\n", "54\n266\n7\n行政复议\n")):  # fmt: skip
        assert other != text and continuation(other, split_lines(other), heading) == heading


# the last row group of table 三 (two rows written column by column, a block per column) cut by the
# next heading after its fifth column: its 其他 and 总计 blocks come after the heading's line, the
# section's opening line after them (LibreOffice's PDF of a table ending its page, raw pdftotext)
CUT = ("总计\n\n159\n\n723\n\n（七）总计\n四、结转下年度继续办理\n\n3583\n151\n\n205\n17\n\n11\n1\n\n54\n2\n\n166\n14\n\n"
       "四、政府信息公开行政复议、行政诉讼情况\n\n126\n6\n\n4145\n191\n\n具体情况见下表。\n行政复议\n")  # fmt: skip


def _taken(text):
    lines = split_lines(text)
    heading = next(ln.index for ln in lines if text[ln.start : ln.end].startswith("四、政府"))
    return [s for ln in lines[heading + 1 : continuation(text, lines, heading)] if (s := text[ln.start : ln.end].strip())]


def test_a_row_group_s_column_blocks_cut_by_the_heading_are_read_with_the_table():
    assert _taken(CUT) == ["126", "6", "4145", "191"]


def test_column_blocks_after_the_heading_unlike_the_group_s_before_it_are_not_taken():
    # blocks of unequal size after the heading, other than a longer last (总计) block: not one group's columns
    assert _taken(CUT.replace("126\n6\n", "126\n6\n7\n")) == []
    # the block before the heading holds another count of values than those after it
    assert _taken(CUT.replace("166\n14\n\n四、政府", "166\n\n四、政府")) == []
    # prose right after the last block (no empty line): the section's, not the table's
    assert _taken(CUT.replace("4145\n191\n\n具体", "4145\n191\n具体")) == []
    # as many blocks as the table has columns: more than the rest of one group
    more = "".join(f"{i}\n{i + 1}\n\n" for i in range(7))
    assert _taken(CUT.replace("126\n6\n\n4145\n191\n\n", more)) == []


def test_a_longer_total_block_after_the_heading_is_read_with_the_group():
    # the 总计 column's block also holds the total of a row printing only 总计 above the group
    # (drawn in the same column, so poppler writes it in that block, first)
    assert _taken(CUT.replace("4145\n191\n", "723\n4145\n191\n")) == ["126", "6", "723", "4145", "191"]
    # longer than a row group can be (three rows): not a group's column
    assert _taken(CUT.replace("4145\n191\n", "9\n723\n4145\n191\n")) == []


def test_the_group_s_blocks_after_two_opening_lines_are_read_with_the_table():
    # the section opens with two lines (具体情况如下： and a sentence saying no case arose) before the
    # group's cut column blocks
    two = CUT.replace("四、政府信息公开行政复议、行政诉讼情况\n\n",
                      "四、政府信息公开行政复议、行政诉讼情况\n具体情况如下：\n本年度未发生行政复议、行政诉讼案件。\n\n")
    assert _taken(two)[-4:] == ["126", "6", "4145", "191"]
    # three lines of prose: the section's text, not the table's
    three = two.replace("具体情况如下：\n", "具体情况如下：\n另见附表。\n")
    assert _taken(three) == []
