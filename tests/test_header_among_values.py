"""Table 三 in raw pdftotext: a 总计 header drawn among a page's values names none of them."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.streamorder import lone_numbers

TOTAL = 6  # the 总计 column's hint


def _hints(text: str, among: bool) -> list:
    doc = Document(text)
    return lone_numbers(doc, split_lines(text), among=among)[1]


# a page's first two rows (seven values each, row by row), then the 总计 header cell, then a row
# group written column by column (LibreOffice's content-stream order): ``7 3`` are two rows' 自然人
AMONG = ("申请人情况\n自然人\n13\n3\n0\n0\n0\n1\n17\n\n0\n\n0\n\n0\n\n0\n\n0\n\n0\n\n0\n\n"
         "总计\n\n7\n3\n\n0\n1\n")


def test_a_total_header_among_a_page_s_values_names_no_value():
    plain = _hints(AMONG, among=False)
    assert plain[14] == TOTAL  # read as before: the value after the header is its column's
    assert _hints(AMONG, among=True) == plain[:14] + [None] + plain[15:]


def test_a_total_header_with_one_value_after_it_on_its_page_still_names_it():
    # the header cell drawn with the value under it at the page's end (the page's first row's 总计)
    text = AMONG.replace("总计\n\n7\n3\n\n0\n1\n", "1\n\n总计\n18\n\f申请人情况\n0\n")
    hints = _hints(text, among=True)
    assert hints[15] == TOTAL and hints == _hints(text, among=False)


def test_a_total_header_at_a_page_s_top_names_the_value_after_it():
    # fewer than a row's values before it on its page: the page's first row, drawn among the header
    text = "\f申请人情况\n自然人\n1\n2\n0\n0\n0\n0\n总计\n3\n0\n0\n"
    hints = _hints(text, among=True)
    assert hints[6] == TOTAL and hints == _hints(text, among=False)


def test_a_total_header_before_one_block_ending_its_page_names_it():
    # the last group's 总计 column drawn with its header after the page's other values (past the
    # next heading): one block of a few values ending the page is that column's; the same values as
    # blocks of their own are rows' values drawn after the header
    text = AMONG.replace("总计\n\n7\n3\n\n0\n1\n", "总计\n\n36\n975\n32\n\f")
    hints = _hints(text, among=True)
    assert hints[14] == TOTAL and hints == _hints(text, among=False)
    apart = AMONG.replace("总计\n\n7\n3\n\n0\n1\n", "总计\n\n36\n\n975\n\n32\n\f")
    assert _hints(apart, among=False)[14] == TOTAL and _hints(apart, among=True)[14] is None
