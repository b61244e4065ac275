"""Table 三's first rows read from the start of its value stream where the whole table does not
divide (``extraction/tables/leadrows.py``, after ``streamorder.distrust_order``)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.base import Cell
from govreport.extraction.tables.leadrows import _eight_column_lead, column_group, stream_lead_rows, stream_tail_rows
from govreport.extraction.tables.streamorder import lone_numbers
from govreport.extraction.taggers import get_tagger

from .reportkit import APP_LABELS_2021, COLS, applications_2021, report

APP_HEADS = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _cells(*values: int | None) -> list[Cell]:
    return [Cell(value=v, raw="—" if v is None else str(v), start=0, end=1, line=0, field=0, x=0, score=1.0) for v in values]


def _values(runs: list[list[Cell]]) -> list[list[int | None]]:
    return [[c.value for c in run] for run in runs]


def _labels() -> list[str]:
    """Table 三's row labels as raw pdftotext writes them: each merged cell's pieces a line."""
    return [piece for _, label in APP_LABELS_2021 for piece in label.split("\t") if piece]


def _row_stream(t: dict, keys: list[str]) -> list[str]:
    """The rows ``keys`` of ``t`` one value a line, 三(三)2 printing one value fewer (a blank cell
    raw pdftotext writes as nothing)."""
    stream: list[str] = []
    for k in keys:
        row = [str(t[k][c]) for c in COLS]
        stream += row[1:] if k == "denied_prohibited_by_law" else row
    return stream


def _first_row_at_header(stream: list[str]) -> list[str]:
    """Table 三's header and value stream as LibreOffice draws a first row at its column headers'
    height: row 一's first three values after 科研机构, its next two after the pieces over their
    columns, the 总计 header after the table."""
    return ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", *stream[:3], "社会公益组织", stream[3],
            "法律服务机构", stream[4], "其他", *stream[5:], "总计"]


def test_runs_meeting_their_total_from_the_start_are_the_first_rows():
    cells = _cells(3, 1, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 0, 2, 9, 9)
    assert _values(stream_lead_rows(cells, [None] * len(cells), 23)) == [[3, 1, 0, 0, 0, 0, 4], [2, 0, 0, 0, 0, 0, 2]]


def test_runs_of_zeros_after_the_last_non_zero_total_are_not_kept():
    # 0 ×14 could be two rows of zeros or a row with a blank cell and the next row's first values
    cells = _cells(3, 1, 0, 0, 0, 0, 4, *[0] * 14, 5)
    assert _values(stream_lead_rows(cells, [None] * len(cells), 23)) == [[3, 1, 0, 0, 0, 0, 4]]
    # a non-zero row after them pins them: every row before it printed seven values
    cells = _cells(*[0] * 7, 1, 0, 0, 0, 0, 0, 1)
    assert _values(stream_lead_rows(cells, [None] * len(cells), 23)) == [[0] * 7, [1, 0, 0, 0, 0, 0, 1]]


def test_rows_of_zeros_holding_a_blank_mark_keep_their_place_but_not_their_cells():
    # 三(一)/(二) written column by column (0 无 | 0 0 | …) read as rows: which row the mark is in is
    # not printed, but the rows before the non-zero one printed seven values each
    cells = _cells(0, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, 0, 2, 0, 0, 0, 0, 0, 2)
    assert _values([r for r in stream_lead_rows(cells, [None] * len(cells), 23) if r]) == [[2, 0, 0, 0, 0, 0, 2]]
    assert stream_lead_rows(cells, [None] * len(cells), 23)[:2] == [None, None]


def test_a_run_breaking_its_total_or_a_header_naming_another_column_stops_the_rows():
    assert stream_lead_rows(_cells(3, 1, 0, 0, 0, 0, 5), [None] * 7, 23) == []
    # a blank mark (``—``) is a printed blank cell: 0 in the arithmetic, the row still seven cells
    assert _values(stream_lead_rows(_cells(3, None, 0, 0, 0, 1, 4), [None] * 7, 23)) == [[3, None, 0, 0, 0, 1, 4]]
    assert stream_lead_rows(_cells(3, None, 0, 0, 0, 2, 4), [None] * 7, 23) == []
    # the first value printed after the 社会公益组织 header: the values are not in the columns' order
    assert stream_lead_rows(_cells(3, 1, 0, 0, 0, 0, 4), [3, None, None, None, None, None, None], 23) == []
    assert len(stream_lead_rows(_cells(3, 1, 0, 0, 0, 0, 4), [0, 1, 2, 3, None, None, 6], 23)) == 1


def test_the_stream_s_leading_rows_are_placed_where_the_table_falls_back_to_order():
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    labels = _labels()
    # 三(三)2 prints one value fewer (a blank cell raw pdftotext writes as nothing) and the report's
    # last 总计 is wrong: no division of the whole stream meets the arithmetic, so rows go by order
    t["carried_forward"]["total"] += 1
    stream = _row_stream(t, keys)
    # LibreOffice draws the first row at its column headers' height: header pieces among its values
    # and the 总计 header after the table; the ordinary reading then pairs the first rows wrongly
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(labels + _first_row_at_header(stream)))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    lead = keys[: keys.index("denied_prohibited_by_law")]
    for k in lead:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read from the start of the value stream" in w for w in out["warnings"])
    flagged = {c for r in out["review_reasons"] if r["code"] == "ambiguous_cell" for c in r["cells"]}
    assert not any(c.startswith(f"applications.{k}.") for c in flagged for k in lead)
    # the row short of a value and every row after it are not the stream's start: left as they were
    assert got["denied_prohibited_by_law"]["total"] is None


def _blocks(*blocks: list[int]) -> tuple[list[Cell], list[bool]]:
    """Cells of consecutive blocks (an empty line before each) and their block starts."""
    cells = _cells(*[v for b in blocks for v in b])
    starts = [k == 0 for b in blocks for k in range(len(b))]
    return cells, starts


def test_a_row_group_written_column_by_column_is_its_rows():
    # 三(一)/(二) drawn as one block per column: 自然人 of both rows, then 商业企业 of both, …
    cells, starts = _blocks([3, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [4, 1])
    assert _values(column_group(cells, starts, [None] * 14, 0)) == [[3, 1, 0, 0, 0, 0, 4], [1, 0, 0, 0, 0, 0, 1]]
    # a block one value short (a blank cell): which row it is missing from is not printed
    cells, starts = _blocks([3, 1], [1], [0, 0], [0, 0], [0, 0], [0, 0], [4, 1])
    assert column_group(cells, starts, [None] * 13, 0) is None
    # blocks of one value are values apart, not a group's columns
    cells, starts = _blocks([3], [1], [0], [0], [0], [0], [4])
    assert column_group(cells, starts, [None] * 7, 0) is None
    # a row of the group breaking its 总计, or a header naming another column in a block
    cells, starts = _blocks([3, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [4, 2])
    assert column_group(cells, starts, [None] * 14, 0) is None
    cells, starts = _blocks([3, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [4, 1])
    assert column_group(cells, starts, [None, None, 3] + [None] * 11, 0) is None


def test_a_column_group_after_a_non_zero_leading_run_continues_the_leading_rows():
    run = [[5, 1, 0, 0, 0, 0, 6]]
    group = [[3, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [4, 1]]
    cells, starts = _blocks(*[[v] for v in run[0]], *group)
    assert _values(stream_lead_rows(cells, [None] * len(cells), 23, starts)) == [
        [5, 1, 0, 0, 0, 0, 6], [3, 1, 0, 0, 0, 0, 4], [1, 0, 0, 0, 0, 0, 1]]
    # after a leading run of zeros only, the group is not placed: that run may be a later row
    # (row 一 printing only its 总计 elsewhere), which would move the group's rows by one
    cells, starts = _blocks(*[[0]] * 7, *group)
    assert stream_lead_rows(cells, [None] * len(cells), 23, starts) == []


def test_the_stream_s_end_gives_the_last_rows_a_group_ending_it_and_strong_runs_before():
    # 三(六), (七)总计 and 四 written column by column at the end of the stream
    group = [[0, 6, 1], [0, 2, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 9, 1]]
    cells, starts = _blocks(*[[v] for v in [9, 9, 9]], *group)
    assert _values(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == [
        [0, 0, 0, 0, 0, 0, 0], [6, 2, 0, 0, 1, 0, 9], [1, 0, 0, 0, 0, 0, 1]]
    # the same rows as runs of seven: kept from the earliest run with two non-zero applicant
    # values (a row printing fewer after it would have moved it and broken its 总计)
    cells = _cells(9, 9, 4, 0, 0, 0, 0, 0, 4, 6, 2, 0, 0, 1, 0, 9, 1, 0, 0, 0, 0, 0, 1)
    starts = [True] * len(cells)
    assert _values(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == [
        [6, 2, 0, 0, 1, 0, 9], [1, 0, 0, 0, 0, 0, 1]]
    # one value and its equal 总计 still meets it when moved: not enough alone
    cells = _cells(9, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1)
    assert stream_tail_rows(cells, [True] * len(cells), [None] * len(cells), 23) == []
    # a group of zeros alone: every placement of zero rows meets the identities
    cells, starts = _blocks(*[[9]] * 3, *[[0, 0]] * 7)
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []


def test_the_stream_s_last_row_with_its_second_cell_written_last_is_read_back_with_the_runs_before():
    # (七)总计 then 四 whose 商业企业 cell (1) is the stream's last value, a block of its own
    # (Chromium's PDF through raw pdftotext: after 四's other six cells and the labels above them)
    cells = _cells(9, 9, 6, 2, 0, 0, 1, 0, 9, 4, 0, 0, 0, 0, 5, 1)
    starts = [True] * len(cells)
    assert _values(stream_tail_rows(cells, starts, [None] * len(cells), 23, late_second=True)) == [
        [6, 2, 0, 0, 1, 0, 9], [4, 1, 0, 0, 0, 0, 5]]
    # not asked (a page's end, pagerows): nothing, as before
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []
    # the last value not a block of its own (on the row's last line): not moved
    assert stream_tail_rows(cells, starts[:-1] + [False], [None] * len(cells), 23, late_second=True) == []
    # seven values meeting 总计 as printed are not read in the other order
    plain = _cells(9, 9, 6, 2, 0, 0, 1, 0, 9, 4, 1, 0, 0, 0, 0, 5)
    assert _values(stream_tail_rows(plain, starts, [None] * len(plain), 23, late_second=True)) == [
        [6, 2, 0, 0, 1, 0, 9], [4, 1, 0, 0, 0, 0, 5]]


def test_the_stream_s_last_rows_are_placed_where_the_table_falls_back_to_order():
    # 三(三)2 prints one value fewer and 三(三)3's 总计 is the report's own wrong sum: no division
    # of the whole stream meets the arithmetic, so rows go by order; the last three rows written
    # column by column, an empty line before each column's block
    t = applications_2021()
    last = [k for k, _ in APP_LABELS_2021][-3:]
    out = _last_group_report(t, [])
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in last:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read from the end of the value stream" in w for w in out["warnings"])
    flagged = {c for r in out["review_reasons"] if r["code"] == "ambiguous_cell" for c in r["cells"]}
    assert not any(c.startswith(f"applications.{k}.") for c in flagged for k in last)


def test_the_stream_s_last_rows_are_placed_with_a_row_of_table_four_drawn_after_them():
    # LibreOffice draws table 四's 复议后起诉 row (its group word, header pieces and values) after
    # table 三's last row group, before heading 四: those values are not table 三's stream's end
    t = applications_2021()
    last = [k for k, _ in APP_LABELS_2021][-3:]
    out = _last_group_report(t, ["", "复议后起诉", "结果 结果", "维持 纠正", "3", "0", "", "其他", "结果", "2"])
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in last:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read from the end of the value stream" in w for w in out["warnings"])


def test_the_stream_s_end_group_may_hold_blank_marks_in_blocks_of_one_value_per_row():
    # every block holds one value per row (no block short), so a mark is its own row's blank cell
    group = [[4, 75, 7], [1, 16, 1], [0, None, 0], [0, None, 0], [None, 2, None], [0, None, 0], [5, 93, 8]]
    cells, starts = _blocks(*[[9]] * 3, *group)
    assert _values(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == [
        [4, 1, 0, 0, None, 0, 5], [75, 16, None, None, 2, None, 93], [7, 1, 0, 0, None, 0, 8]]
    # a block one short (a mark's row not printed) is still no group at the end
    cells, starts = _blocks(*[[9]] * 3, *group[:2], [0, 0], *group[3:])
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []


def test_the_stream_s_end_group_with_one_column_drawn_elsewhere_is_put_back_by_its_totals():
    # LibreOffice draws a column's block after the 总计 column's: in the blocks' own order the rows
    # break 总计. Moved back among the applicant columns every row meets it wherever it lands, so
    # the totals pin the 总计 column, and a cell every such place gives alike
    group = [[0, 3, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 45, 3], [0, 42, 3]]
    cells, starts = _blocks(*[[9]] * 3, *group)
    got = stream_tail_rows(cells, starts, [None] * len(cells), 23)
    assert [row[-1].value for row in got] == [1, 45, 3]
    assert got[0][0].value == 0 and got[1][0] is None  # 自然人: 0 in row 1 at every place, not in row 2
    # with ``admit`` (the column identities with the rows known) only 自然人's place is left
    natural = [[0, 42, 3], [0, 3, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 45, 3]]
    def admit(rows: list[list[Cell]]) -> bool:
        return [c.value for c in rows[1]][:1] == [42]
    got = stream_tail_rows(cells, starts, [None] * len(cells), 23, admit)
    assert _values(got) == [[b[k] for b in natural] for k in range(3)]
    # no move meeting every 总计: no group
    cells, starts = _blocks(*[[9]] * 3, *group[:5], [1, 46, 3], [0, 42, 3])
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []


def test_the_stream_s_end_group_missing_a_column_drawn_apart_earlier_gets_it_back():
    # WPS draws the page's 自然人 column as one block (its last two values the group's rows) and the
    # group's other six columns after it: each row's 总计 gives the missing column's cells
    six = [[2, 3], [1, 0], [0, 1], [0, 0], [0, 0], [8, 11]]
    cells, starts = _blocks([9, 5, 7], [9], *six)
    hints = [None] * len(cells)
    rows = [[5, 2, 1, 0, 0, 0, 8], [7, 3, 0, 1, 0, 0, 11]]
    # 自然人 or 商业企业 missing both give 5 and 7 printed in the earlier block: the identities
    # (here: 自然人 of the first row 5) must leave one
    assert _values(stream_tail_rows(cells, starts, hints, 23, lambda got: got[0][0].value == 5)) == rows
    assert stream_tail_rows(cells, starts, hints, 23, lambda got: True) == []
    # the missing cells not printed as an earlier block's last values: nothing
    cells, starts = _blocks([9, 5, 6], [9], *six)
    assert stream_tail_rows(cells, starts, hints, 23, lambda got: got[0][0].value == 5) == []


def test_the_stream_s_end_runs_before_the_group_may_hold_blank_marks_after_a_strong_run():
    # between a strong run (its place confirmed by its 总计) and the group, k rows fill 7k values,
    # so each prints seven tokens: a blank mark in one is its own cell (0 in the arithmetic)
    group = [[0, 6, 1], [0, 2, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 9, 1]]
    runs = [[5, 2, 0, 0, 1, 0, 8], [None, 1, 0, 0, 0, 0, 1]]
    cells, starts = _blocks(*[[9]] * 3, *[[v] for run in runs for v in run], *group)
    got = stream_tail_rows(cells, starts, [None] * len(cells), 23)
    assert [[c.value for c in row] for row in got] == [*runs, [0] * 7, [6, 2, 0, 0, 1, 0, 9], [1, 0, 0, 0, 0, 0, 1]]
    # a mark run with no strong run before it is not kept (its place is not confirmed)
    cells, starts = _blocks(*[[9]] * 3, *[[v] for v in runs[1]], *group)
    assert len(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == 3


def _last_group_report(t: dict, after: list[str], review: str | None = None) -> dict:
    """A report whose table 三 falls back to order (三(三)2 prints six values, 三(三)3's 总计 is
    the report's own wrong sum), its last three rows written column by column, ``after`` the
    lines after that group in table 三's region."""
    keys = [k for k, _ in APP_LABELS_2021]
    labels = _labels()
    t["denied_security_stability"]["total"] += 1
    stream = _row_stream(t, keys[:-3])
    for c in COLS:
        stream += ["", *(str(t[k][c]) for k in keys[-3:])]
    text = report(applications="\n".join(labels + APP_HEADS + stream + after), review=review)
    return Extractor(get_tagger("rules")).extract_text(text).output


def test_the_stream_s_last_rows_are_read_before_table_four_s_total_past_the_heading():
    # heading 四, then table 四's 总计 header piece and its 0: taken as table 三's continuation
    # (a WPS page's last 总计 column is printed so), a value after the group; the group one row
    # up breaks (七)总计 >= 三(六), so that value is no later row's and the group ends table 三
    t = applications_2021()
    out = _last_group_report(t, [""], review="总计\n\n0\n\n本年度未发生行政复议、行政诉讼案件。")
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in [k for k, _ in APP_LABELS_2021][-3:]:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k


def test_the_stream_s_last_rows_are_read_before_a_stray_value_that_cannot_be_a_later_row():
    # a lone value after the group (another table's, drawn before heading 四): were it a row after
    # the group, the group would be 三(六)'s row one up, (七)总计 and 四 → (七)总计 then smaller
    # than 三(六) in a column: the stray is not table 三's, the group is the last three rows
    t = applications_2021()
    out = _last_group_report(t, ["", "9"])
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in [k for k, _ in APP_LABELS_2021][-3:]:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    # where 四 is no smaller than (七)总计 in any column, the group one row up breaks nothing: the
    # stray may be a later row's, so the group's rows are not known
    t = applications_2021()
    for c in COLS[:6]:
        t["carried_forward"][c] = t["total_handled"][c] + 1
        t["new_received"][c] = t["total_handled"][c] + t["carried_forward"][c] - t["carried_over"][c]
    for k in ("carried_forward", "new_received"):
        t[k]["total"] = sum(t[k][c] for c in COLS[:6])
    out = _last_group_report(t, ["", "9"])
    status = out["cell_status"]["applications"]
    assert "inferred" not in set(status["carried_forward"].values()) or \
        [out["tables"]["applications"]["carried_forward"][c] for c in COLS] != [t["carried_forward"][c] for c in COLS]
    assert not any("rows read from the end of the value stream" in w for w in out["warnings"])


def test_a_last_group_whose_total_block_also_holds_a_lone_total_above_it_gives_its_rows():
    # (七)总计 and 四 written column by column; 三(六) above them prints only its 总计 (723), which
    # poppler writes in the 总计 column's block before the group's own totals
    group = [[3583, 151], [205, 17], [11, 1], [54, 2], [166, 14], [126, 6], [723, 4145, 191]]
    cells, starts = _blocks(*[[9]] * 3, *group)
    assert _values(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == [
        [3583, 205, 11, 54, 166, 126, 4145], [151, 17, 1, 2, 14, 6, 191]]
    # runs of seven before such a group are not read backwards: the row printing only 723 stands
    # partly after the group's first columns, so the rows before the group are not in one piece
    cells, starts = _blocks(*[[v] for v in [4, 2, 0, 0, 0, 0, 6]], *group)
    assert len(stream_tail_rows(cells, starts, [None] * len(cells), 23)) == 2
    # the longer block not the 总计 column's, or a header piece in it naming another column: none
    swapped = [group[0] + [9], *group[1:6], group[6][1:]]
    cells, starts = _blocks(*[[9]] * 3, *swapped)
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []
    cells, starts = _blocks(*[[9]] * 3, *group)
    assert stream_tail_rows(cells, starts, [None] * (len(cells) - 3) + [5, None, None], 23) == []
    # the group's rows must still meet their 总计 with the block's last values
    cells, starts = _blocks(*[[9]] * 3, *group[:6], [4145, 191, 723])
    assert stream_tail_rows(cells, starts, [None] * len(cells), 23) == []
    # a column of zeros: the row printing only 总计 may have printed one of them (a row of the group
    # then blank there keeps the block's size), so those cells are left open
    zeros = [[3, 0], [1, 0], [0, 0], [0, 0], [1, 0], [0, 0], [1, 5, 0]]
    cells, starts = _blocks(*[[9]] * 3, *zeros)
    assert [[c if c is None else c.value for c in row] for row in stream_tail_rows(cells, starts, [None] * len(cells), 23)] == [
        [3, 1, None, None, 1, None, 5], [0, 0, None, None, 0, None, 0]]


def _last_rows_with_a_lone_total(order: list[int]) -> dict:
    """A report whose table 三 falls back to order (二 prints six values, a row's own 总计 is wrong),
    its last two rows written column by column in the column ``order``, the row before them
    printing only its 总计, drawn in their 总计 block."""
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    labels = _labels()
    t["denied_security_stability"]["total"] += 1
    stream: list[str] = []
    for k in keys[:-3]:
        row = [str(t[k][c]) for c in COLS]
        stream += row[:5] + row[6:] if k == "carried_over" else row
    lone, last = keys[-3], keys[-2:]
    for j in order:
        stream += ["", *(str(t[k][COLS[j]]) for k in last)]
    stream += ["", str(t[lone]["total"]), *(str(t[k]["total"]) for k in last)]
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(labels + APP_HEADS + stream))).output
    return dict(t=t, last=last, out=out)


def test_a_last_group_after_a_lone_total_is_placed_and_not_where_it_breaks_a_count():
    case = _last_rows_with_a_lone_total(list(range(6)))
    t, last, out = case["t"], case["last"], case["out"]
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in last:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read from the end of the value stream" in w for w in out["warnings"])
    # the same blocks with two columns drawn in another order: each row still meets its 总计, but
    # 一's 自然人 (227) is more than (七)总计 + 四 there (220 + 3): 二 would be negative
    case = _last_rows_with_a_lone_total([1, 0, 2, 3, 4, 5])
    got = case["out"]["tables"]["applications"]
    assert got["total_handled"]["natural_person"] != 220 and got["carried_forward"]["natural_person"] != 3


def _sized_blocks(*sizes: int) -> list[bool]:
    """Block starts for blocks of the given sizes, in order (``streamorder.block_starts``)."""
    return [k == 0 for n in sizes for k in range(n)]


def test_a_run_of_blank_marks_and_0_after_a_pinned_row_is_pinned_with_its_cells():
    # no fewer of ``— — — — — — 0``'s values meet 总计 (a mark is no 总计), so it is one row of seven:
    # its cells are kept, and the rows after it stay pinned
    cells = _cells(3, 1, 0, 0, 0, 0, 4, *[None] * 6, 0, 2, 0, 0, 0, 0, 0, 2)
    rows = stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))
    assert _values(rows) == [[3, 1, 0, 0, 0, 0, 4], [None] * 6 + [0], [2, 0, 0, 0, 0, 0, 2]]
    # seven zeros could be a short row and the next row's first value: not pinned by themselves
    cells = _cells(3, 1, 0, 0, 0, 0, 4, *[0] * 7, 2, 0, 0, 0, 0, 0, 2)
    assert stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))[1] is not None  # as before: the 2-row after pins it
    cells = _cells(3, 1, 0, 0, 0, 0, 4, None, None, 0, None, None, None, 0)
    assert len(stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))) == 1  # 0 after two marks: 3 or 7 values


def test_a_row_group_with_blank_marks_and_a_block_of_marks_one_short_gives_its_rows():
    # 三(一)/(二) column by column, 其他's block one value short and all marks: each row's 其他 is blank
    cells = _cells(3, 1, 0, 0, 0, 0, 4, 9, 6, None, None, None, None, 1, None, None, None, None, 10, 6, 5, 0, 0, 0, 0, 0, 5)
    starts = [True] * 7 + _sized_blocks(2, 2, 2, 2, 2, 1, 2) + [True] * 7
    rows = stream_lead_rows(cells, [None] * len(cells), 23, starts)
    assert _values(rows) == [[3, 1, 0, 0, 0, 0, 4], [9, None, None, 1, None, None, 10], [6, None, None, None, None, None, 6],
                             [5, 0, 0, 0, 0, 0, 5]]
    # a short block holding a number: which row's cell is empty is not printed
    cells[17] = _cells(2)[0]
    cells[19], cells[20] = _cells(12, 6)
    assert len(stream_lead_rows(cells, [None] * len(cells), 23, starts)) == 1


def test_a_row_printing_fewer_values_is_kept_only_where_its_count_and_cells_are_pinned():
    # ``— — — — 1 1`` after a pinned row: only six values meet 总计; the header piece before the
    # first 1 (法律服务机构) puts it in its column, so every placement agrees
    cells = _cells(3, 1, 0, 0, 0, 0, 4, None, None, None, None, 1, 1, 5, 0, 0, 0, 0, 0, 5)
    hints = [None] * len(cells)
    hints[11] = 4
    rows = stream_lead_rows(cells, hints, 23, [True] * len(cells))
    assert _values(rows) == [[3, 1, 0, 0, 0, 0, 4], [None, None, None, None, 1, None, 1], [5, 0, 0, 0, 0, 0, 5]]
    # without it the 1 may be 法律服务机构's or 其他's: not placed, the rows stop
    assert len(stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))) == 1
    # a row whose values share a block is a row group's column, not a row
    assert len(stream_lead_rows(cells, hints, 23, [True] * 11 + [False] + [True] * 8)) == 1
    # a short row totalling 0 may leave its 总计 empty (its 0 another column's): not kept
    cells = _cells(3, 1, 0, 0, 0, 0, 4, None, None, None, None, 0, 5, 0, 0, 0, 0, 0, 5)
    assert len(stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))) == 1
    # nor after a run of zeros, which may have moved the stream by a value
    cells = _cells(3, 1, 0, 0, 0, 0, 4, *[0] * 7, None, None, None, None, 1, 1, 5, 0, 0, 0, 0, 0, 5)
    hints = [None] * len(cells)
    hints[18] = 4
    assert len(stream_lead_rows(cells, hints, 23, [True] * len(cells))) == 1


def test_a_lone_zero_after_a_pinned_row_keeps_its_place_not_its_cells():
    # 三(二) prints only its 总计 0, joined in one block with 三(一)'s 总计 (``4|0``): one is the only
    # count of values from it that a row can take (with its 总计 printed, 0 = the sum of nothing; left
    # empty, its values would all be 0), so 三(三)1. starts at the 2 after it; which column the 0 is
    # in is not printed
    cells = _cells(3, 1, 0, 0, 0, 0, 4, 0, 2, 0, 0, 0, 0, 0, 2)
    starts = [True] * 7 + [False] + [True] * 7
    runs = stream_lead_rows(cells, [None] * len(cells), 23, starts)
    assert len(runs) == 3 and runs[1] is None
    assert _values([runs[0], runs[2]]) == [[3, 1, 0, 0, 0, 0, 4], [2, 0, 0, 0, 0, 0, 2]]
    # a row printing one blank mark (``—``) alike
    cells = _cells(3, 1, 0, 0, 0, 0, 4, None, 2, 0, 0, 0, 0, 0, 2)
    runs = stream_lead_rows(cells, [None] * len(cells), 23, [True] * len(cells))
    assert len(runs) == 3 and runs[1] is None
    # a zero before another 0, or joined in one block with the value after it (a row group's
    # column may start there), or a row that can also take three values (``0 5 5``): not pinned
    for values, joined in (((0, 0, 2, 0, 0, 0, 0, 0, 2), ()), ((0, 2, 0, 0, 0, 0, 0, 2), (8,)),
                           ((0, 5, 5, 0, 0, 0, 0, 5), ())):  # fmt: skip
        cells = _cells(3, 1, 0, 0, 0, 0, 4, *values)
        starts = [i not in joined for i in range(len(cells))]
        assert _values(stream_lead_rows(cells, [None] * len(cells), 23, starts)) == [[3, 1, 0, 0, 0, 0, 4]]


def test_a_blank_mark_among_the_column_header_s_pieces_is_the_first_row_s_cell():
    # LibreOffice draws row 一 at its column header's height; a mark after ``法律服务机构``'s pieces
    # and before ``其他``'s is that cell's, not a piece of a label (（四）无法提供)
    text = ("申请人情况\n自然人\n法人或其他组织\n商业企\n科研机\n业\n构\n10\n2\n－\n\n社会公\n益组织\n0\n\n"
            "法律服\n务机构\n－\n\n其他\n－\n\n12\n\n（四）\n无\n法提供\n3\n")
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.value for c in cells] == [10, 2, None, 0, None, 12, 3]
    cells, hints = lone_numbers(doc, lines, header_marks=True)
    assert [c.value for c in cells] == [10, 2, None, 0, None, None, 12, 3]
    assert hints[3:6] == [3, 4, 5]
    assert _values(stream_lead_rows(cells, hints, 23)) == [[10, 2, None, 0, None, None, 12]]


def test_a_mark_table_s_first_row_among_the_header_pieces_is_placed_where_the_table_falls_back_to_order():
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    labels = _labels()
    # row 一 prints blank marks under 科研机构, 法律服务机构 and 其他; the report's last 总计 is wrong
    # and 三(三)2 prints one value fewer: no division of the stream meets the arithmetic
    for c in ("research_institution", "legal_service_org", "other_org"):
        t["new_received"][c] = "—"
    t["new_received"]["total"] = sum(v for c, v in t["new_received"].items() if c != "total" and v != "—")
    t["carried_forward"]["total"] += 1
    stream = _row_stream(t, keys)
    # the 法律服务机构 mark stands between two header pieces, no value after it
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(labels + _first_row_at_header(stream)))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in ("new_received", "carried_over", "granted"):
        want = [None if t[k][c] == "—" else t[k][c] for c in COLS]
        assert [got[k][c] for c in COLS] == want, k
    assert {status["new_received"][c] for c in ("natural_person", "social_welfare_org", "total")} == {"inferred"}
    assert any("rows read from the start of the value stream" in w for w in out["warnings"])


def test_a_row_of_zeros_whose_every_cell_a_header_piece_names_is_pinned():
    # row 二 drawn among a page top's header pieces: ``0 0 0 | 社会公益组织 0 | 法律服务机构 0 | 其他 0 |
    # 总计 0``: a blank cell would leave its piece without a value, so the row printed seven cells and
    # 三(一) starts after its 总计 (a run of zeros alone may hold a blank cell and the next row's value)
    cells = _cells(2, 2, 0, 0, 0, 0, 4, *[0] * 7, 5, 1, 0, 0, 0, 0, 0)  # then a run breaking 总计
    starts = [True] * 7 + [True, False, False, True, True, True, True] + [True] * 7
    hints = [None] * 7 + [None, None, None, 3, 4, 5, 6] + [None] * 7
    runs = stream_lead_rows(cells, hints, 23, starts)
    assert _values(runs[:2]) == [[2, 2, 0, 0, 0, 0, 4], [0] * 7]
    # without the 总计 piece, or with the first three values not one block, the zeros are not pinned
    # (one may be 三(一)'s): the walk keeps row 一 alone
    for named, joined in ((hints[:13] + [None] + hints[14:], starts), (hints, starts[:8] + [True] + starts[9:])):
        assert _values(stream_lead_rows(cells, named, 23, joined)) == [[2, 2, 0, 0, 0, 0, 4]]


def test_a_last_group_drawn_in_libreoffice_s_page_order_is_put_back_where_the_columns_order_breaks_a_count():
    # LibreOffice draws 商业企业 and 科研机构 (header cells that wrap) after 其他: blocks 自然人, 社会公益,
    # 法律服务, 其他, 商业企业, 科研机构, 总计. Any order of the applicant blocks meets every 总计.
    rows = [[30, 2, 1, 4, 5, 6, 48], [3, 7, 8, 9, 1, 2, 30]]
    page = [0, 3, 4, 5, 1, 2, 6]
    cells, starts = _blocks(*[[9]] * 3, *[[row[col] for row in rows] for col in page])
    hints = [None] * len(cells)
    # the columns' order admitted by the identities: read so, as before
    assert _values(stream_tail_rows(cells, starts, hints, 23, lambda got: True)) == [
        [row[col] for col in page] for row in rows]
    # the columns' order breaking them (here: the first row's 商业企业 and 科研机构 are known to be
    # 2 and 1): the page order is the one order of the blocks left
    def known(got: list[list[Cell]]) -> bool:
        return [c.value for c in got[0][1:3]] == [2, 1]
    assert _values(stream_tail_rows(cells, starts, hints, 23, known)) == rows
    # where another order (科研机构's block alone moved) also meets what is known, the cells the
    # orders give differently are open
    def commercial(got: list[list[Cell]]) -> bool:
        return got[0][1].value == 2
    got = stream_tail_rows(cells, starts, hints, 23, commercial)
    assert [[c if c is None else c.value for c in row] for row in got] == [
        [30, 2, None, None, None, None, 48], [3, 7, None, None, None, None, 30]]


def test_a_last_group_after_a_lone_total_in_libreoffice_s_page_order_is_placed():
    # the same report as above with the last two rows' blocks drawn in LibreOffice's page order: in
    # the columns' order 一's 科研机构 (238) would be more than (七)总计 + 四 there (法律服务's 225 +
    # 6); put back, every cell is the table's
    case = _last_rows_with_a_lone_total([0, 3, 4, 5, 1, 2])
    t, last, out = case["t"], case["last"], case["out"]
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    for k in last:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k


def test_the_eight_column_variant_s_leading_runs_are_eight_values_meeting_their_subtotal_too():
    # the 小计 after 自然人 (printed slot 1): 自然人, 小计, 商业企业 … 其他, 总计; the rows returned
    # are the contract's seven columns, the 小计 left out
    cells = _cells(1, 1, 1, 0, 0, 0, 0, 2, 5, 3, 1, 2, 0, 0, 0, 8, 9, 9)
    hints = [None] * len(cells)
    assert _values(stream_lead_rows(cells, hints, 23, sub=1)) == [[1, 1, 0, 0, 0, 0, 2], [5, 1, 2, 0, 0, 0, 8]]
    # with the 小计 after 其他 the first run breaks 总计 (1 + 1 + 1 is not 2): nothing; nor seven a row
    assert stream_lead_rows(cells, hints, 23, sub=6) == []
    assert stream_lead_rows(cells, hints, 23) == []
    # a run meeting 总计 but not its 小计 (5 is not 1 + 2) stops the rows
    cells = _cells(1, 1, 1, 0, 0, 0, 0, 2, 5, 5, 1, 2, 0, 0, 0, 8)
    assert _values(stream_lead_rows(cells, hints, 23, sub=1)) == [[1, 1, 0, 0, 0, 0, 2]]
    # a row group written column by column: eight blocks, its 小计 block left out
    blocks = [[1, 5], [1, 3], [1, 1], [0, 2], [0, 0], [0, 0], [0, 0], [2, 8]]
    cells, starts = _blocks(*blocks)
    assert _values(column_group(cells, starts, [None] * len(cells), 0, sub=1)) == [
        [1, 1, 0, 0, 0, 0, 2], [5, 1, 2, 0, 0, 0, 8]]
    assert column_group(cells, starts, [None] * len(cells), 0, sub=6) is None


def test_the_eight_column_variant_s_leading_rows_where_both_subtotal_places_fit_or_one_and_the_header():
    # 3 2 0 0 0 0 2 5 meets the arithmetic with the 小计 after 自然人 (2 is 其他's) and after 其他
    # (2 is 商业企业's): the row's place is pinned, the two cells are open
    cells = _cells(3, 2, 0, 0, 0, 0, 2, 5)
    starts = [True] * len(cells)
    got = _eight_column_lead(cells, [None] * len(cells), 23, starts, None)
    assert [[c if c is None else c.value for c in row] for row in got] == [[3, None, 0, 0, 0, None, 5]]
    # a row only the 小计 after 自然人 fits: kept where the header lines put the 小计 there too
    cells = _cells(1, 1, 1, 0, 0, 0, 0, 2)
    assert _values(_eight_column_lead(cells, [None] * len(cells), 23, starts, 1)) == [[1, 1, 0, 0, 0, 0, 2]]
    assert _eight_column_lead(cells, [None] * len(cells), 23, starts, 6) == []
    assert _eight_column_lead(cells, [None] * len(cells), 23, starts, None) == []


def _two_page_report(t: dict, keys: list[str], split: str, page1_stream: list[str] | None = None) -> str:
    """Table 三 on two pages as raw pdftotext writes LibreOffice's: each page its rows' labels (each
    merged cell's pieces a line), its column header and its values one a line in row order, 三(三)2
    printing one value fewer; the second page from the row ``split`` on, its first row drawn at the
    column headers' height (header pieces among its values, the 总计 header after the page).
    ``page1_stream``: the first page's values in place of its rows'."""
    pieces = [[p for p in label.split("\t") if p] for _, label in APP_LABELS_2021]
    cut = keys.index(split)
    page1 = [p for ps in pieces[:cut] for p in ps]
    page2 = [p for ps in pieces[cut:] for p in ps]
    stream1 = _row_stream(t, keys[:cut]) if page1_stream is None else page1_stream
    return "\n".join(page1 + APP_HEADS + stream1) + "\n\f" + "\n".join(
        page2 + _first_row_at_header(_row_stream(t, keys[cut:])))


def _unbalanced_2021() -> tuple[dict, list[str]]:
    """The 2021 table with its last row's 总计 one too many (no division of the whole stream meets
    the arithmetic, so table 三 falls back to order) and its row keys in the template's order."""
    t = applications_2021()
    t["carried_forward"]["total"] += 1
    return t, [k for k, _ in APP_LABELS_2021]


def _extract_applications(applications: str) -> dict:
    """The rules tagger's output for a report whose table 三 region is ``applications``."""
    return Extractor(get_tagger("rules")).extract_text(report(applications=applications)).output


def _flagged(out: dict) -> set[str]:
    """The cells ``out``'s ambiguous-cell review reasons name (``table.row.column``)."""
    return {c for r in out["review_reasons"] if r["code"] == "ambiguous_cell" for c in r["cells"]}


def test_a_later_page_s_leading_rows_are_placed_from_the_first_row_its_labels_name():
    # 三(三)2 prints one value fewer and the report's last 总计 is wrong: no division of the stream
    # meets the arithmetic; the first page's stream breaks at the short row, and the second page
    # (from 三(四)1, its first label) prints its rows whole: they are pinned from the page's start
    t, keys = _unbalanced_2021()
    out = _extract_applications(_two_page_report(t, keys, "unable_not_held"))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    page2 = keys[keys.index("unable_not_held") : keys.index("carried_forward")]
    for k in page2:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read from the start of a later page's values" in w for w in out["warnings"])
    flagged = _flagged(out)
    assert not any(c.startswith(f"applications.{k}.") for c in flagged for k in page2)
    # the row whose 总计 breaks is not pinned: left as the order reading had it (flagged or null)
    assert got["carried_forward"]["total"] is None or "applications.carried_forward.total" in flagged


def test_a_page_s_last_rows_are_placed_back_from_the_page_s_end():
    # the first page's stream breaks at 三(三)2, one value short; its rows after the short one print
    # seven values each up to the page's end, where its last row (三(四)1, the row before the second
    # page's first label) ends: read back from there, from the first with two non-zero applicant values
    t, keys = _unbalanced_2021()
    out = _extract_applications(_two_page_report(t, keys, "unable_needs_creation"))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    end = keys[keys.index("denied_security_stability") : keys.index("unable_needs_creation")]
    for k in end:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) == {"inferred"}, k
    assert any("rows read back from the end of a page's values" in w for w in out["warnings"])
    # the short row itself is not pinned by either walk
    assert got["denied_prohibited_by_law"]["natural_person"] is None


def test_a_page_s_last_row_of_zeros_and_blank_marks_keeps_its_place_not_its_cells():
    # the first page's last row prints 0 among blank marks: its 0 meets 总计 in any column (LibreOffice
    # may draw a page's 总计 column out of order), so its cells are not placed; the row before it is
    t, keys = _unbalanced_2021()
    for c in COLS:  # 三(四)1 a row of zeros, the table's sums kept
        t["total_handled"][c] -= t["unable_not_held"][c]
        t["new_received"][c] -= t["unable_not_held"][c]
        t["unable_not_held"][c] = 0
    cut = keys.index("unable_needs_creation")
    stream = _row_stream(t, keys[:cut])[:-7] + ["无", "无", "无", "无", "0", "无", "无"]
    out = _extract_applications(_two_page_report(t, keys, "unable_needs_creation", stream))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    k = "denied_administrative_inquiry"
    assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS]
    assert set(status[k].values()) == {"inferred"}
    assert got["unable_not_held"]["legal_service_org"] is None


def test_a_page_whose_first_row_s_total_is_drawn_with_a_late_total_header_is_not_read_from_its_start():
    # the second page's first row (三(四)2) prints only its 总计 0, which LibreOffice draws with the
    # 总计 header after the page's rows: the page's first values are the next row's, not its first row's
    t, keys = _unbalanced_2021()
    for c in COLS:
        t["total_handled"][c] -= t["unable_needs_creation"][c]
        t["new_received"][c] -= t["unable_needs_creation"][c]
        t["unable_needs_creation"][c] = None if c != "total" else 0
    pieces = [[p for p in label.split("\t") if p] for _, label in APP_LABELS_2021]
    cut = keys.index("unable_needs_creation")
    page2 = [p for ps in pieces[cut:] for p in ps] + APP_HEADS[:-1] + _row_stream(t, keys[cut + 1 :]) + ["总计", "0"]
    text = "\n".join([p for ps in pieces[:cut] for p in ps] + APP_HEADS + _row_stream(t, keys[:cut])) + "\n\f" + "\n".join(page2)
    out = _extract_applications(text)
    got = out["tables"]["applications"]
    flagged = _flagged(out)
    # the next row's values are at most the order reading's flagged guess there, never pinned
    assert got["unable_needs_creation"]["total"] is None or "applications.unable_needs_creation.total" in flagged
    assert not any("rows read from the start of a later page's values" in w for w in out["warnings"])


def test_a_page_s_last_run_starting_with_0_is_not_read_back_as_its_last_row():
    # the first page's last row (三(四)1) leaves 科研机构 empty and prints six values; the row before
    # is a row of zeros: the page's last seven values, 0 and those six, meet 总计 as well, so the run
    # is not known to be one row's (the 0 is the row before's 总计)
    t, keys = _unbalanced_2021()
    for c in COLS:
        t["total_handled"][c] -= t["denied_administrative_inquiry"][c]
        t["new_received"][c] -= t["denied_administrative_inquiry"][c]
        t["denied_administrative_inquiry"][c] = 0
    row = t["unable_not_held"]
    for k in ("total_handled", "new_received"):
        t[k]["research_institution"] -= row["research_institution"]
        t[k]["total"] -= row["research_institution"]
    row["total"] -= row["research_institution"]
    row["research_institution"] = None
    cut = keys.index("unable_needs_creation")
    stream = [s for s in _row_stream(t, keys[:cut]) if s != "None"]
    out = _extract_applications(_two_page_report(t, keys, "unable_needs_creation", stream))
    got = out["tables"]["applications"]
    flagged = _flagged(out)
    # (read back as seven values it would be 0, unflagged)
    assert got["unable_not_held"]["natural_person"] is None or "applications.unable_not_held.natural_person" in flagged
