"""Table 三's rows read from the runs of values between its row labels where the whole table does
not divide (Chromium's PDF through raw pdftotext; ``extraction/tables/labelruns.py``)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.labelruns import named_ranges, possible_ranges, run_rows, run_spans
from govreport.extraction.tables.streamorder import block_starts, label_joins, lone_numbers
from govreport.extraction.taggers import get_tagger

from .reportkit import APP_LABELS_2021, COLS, applications_2021, report

APP_HEADS = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _chromium_reading(t: dict, keys: list[str], lead: tuple[int, int] = (0, 0)) -> str:
    """Table 三 as raw pdftotext writes Chromium's PDF: each row's label pieces, then its values a
    block each (rows ``lead`` with their first values under their labels, the rows' other columns after
    them); the first two rows and the last two with their first five values under their labels
    and their 其他 and 总计 one line a row after both (two narrow cells on one baseline): no division of
    the whole stream holds that order, nor a walk from its start or back from its end."""
    pieces = [[p for p in label.split("\t") if p] for _, label in APP_LABELS_2021]

    def pairs_late(rows: list[int]) -> list[str]:
        out = [x for r in rows for x in [*pieces[r], *(str(t[keys[r]][c]) for c in COLS[:5])]] + [""]
        return out + [f"{t[keys[r]]['other_org']} {t[keys[r]]['total']}" for r in rows] + [""]

    out = [*APP_HEADS, "", *pairs_late([0, 1])]
    for r in range(2, len(keys) - 2):
        if r == lead[0]:
            # rows ``lead`` with their 自然人 value under each label, then their other six columns
            out += [x for q in range(*lead) for x in [*pieces[q], str(t[keys[q]][COLS[0]])]] + [""]
            out += [x for q in range(*lead) for c in COLS[1:] for x in (str(t[keys[q]][c]), "")]
        if not lead[0] <= r < lead[1]:
            out += [*pieces[r], "", *(x for c in COLS for x in (str(t[keys[r]][c]), ""))]
    return "\n".join(out + pairs_late([len(keys) - 2, len(keys) - 1]))


def test_the_rows_labelled_before_a_run_of_seven_values_a_row_are_read_from_it():
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    out = Extractor(get_tagger("rules")).extract_text(report(applications=_chromium_reading(t, keys))).output
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    # every row but the first two and the last two prints its seven values right after its label
    for k in keys[2:-2]:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
        assert set(status[k].values()) <= {"inferred", "read"}, k
    assert any("rows read from a run of values between row labels" in w for w in out["warnings"])


def test_rows_whose_first_values_stand_with_their_labels_are_read_with_the_runs_of_their_other_columns():
    t = applications_2021()
    keys = [k for k, _ in APP_LABELS_2021]
    lead = (keys.index("denied_state_secret"), keys.index("denied_process_information"))
    out = Extractor(get_tagger("rules")).extract_text(report(applications=_chromium_reading(t, keys, lead))).output
    got = out["tables"]["applications"]
    # 三(三)1…5: label, 自然人, label, 自然人, … then their six other columns: one span of runs
    for k in keys[lead[0] : lead[1]]:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k
    for k in keys[2:-2]:
        assert [got[k][c] for c in COLS] == [t[k][c] for c in COLS], k


def test_the_rows_a_run_s_labels_name_start_at_the_first_labelled_before_it_or_end_at_the_last_after_it():
    assert named_ranges(2, [17, 18], [19]) == [(17, 2), (18, 2)]
    assert named_ranges(1, [6], [7, 8]) == [(6, 1)]
    assert named_ranges(1, [1], [2]) == [(1, 1), (2, 1)]
    # a group's labels after its values, the first of its rows labelled before them
    assert named_ranges(4, [21], [22, 23, 24]) == [(21, 4)]
    # three rows from the one labelled before (the rows after it labelled elsewhere), or up to the one after
    assert named_ranges(3, [1], [9]) == [(1, 3), (7, 3)]
    assert named_ranges(2, [1, 2, 3], [4, 5, 6]) == []


def test_the_values_around_a_run_rule_out_ranges_of_rows_beside_its_labels():
    # seven values between the labels of rows 1 and 2: row 1 or row 2, as far as the values around it go
    assert possible_ranges(1, [1, 2], 25, ahead=7, behind=7 * 22) == [(1, 1), (2, 1)]
    # fourteen values before it: rows 0 and 1 hold them (a row prints seven at most), so not row 1
    assert possible_ranges(1, [1, 2], 25, ahead=14, behind=7 * 22) == [(2, 1)]
    # as many values after it as the rows after row 1 hold: not row 2
    assert possible_ranges(1, [1, 2], 25, ahead=7, behind=7 * 23) == [(1, 1)]
    assert possible_ranges(3, [22, 23, 24], 25, ahead=7 * 20, behind=0) == [(20, 3), (21, 3), (22, 3)]


def test_a_run_is_read_only_where_the_one_possible_range_that_divides_is_named():
    # seven zeros, a block each, meet 总计 as any row's
    text = "\n\n".join(["0"] * 7)
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    starts, joined = block_starts(cells, lines), label_joins(doc, cells, lines)
    assert run_rows(cells, starts, joined, 0, 7, [(6, 1)], [(6, 1)])[0] == 6
    # row 7 possible too: the labels and the values around the run do not pin it
    assert run_rows(cells, starts, joined, 0, 7, [(6, 1)], [(6, 1), (7, 1)]) is None
    # the one possible range is not the named one: nothing
    assert run_rows(cells, starts, joined, 0, 7, [(6, 1)], [(7, 1)]) is None


def test_spans_of_runs_come_single_runs_first_and_hold_at_most_the_table_s_values():
    runs = [(0, 1, [3], [4]), (1, 2, [4], [5]), (2, 14, [5], [6])]
    assert run_spans(runs, 175) == [(0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2)]
    assert run_spans(runs, 12) == [(0, 0), (1, 1), (2, 2), (0, 1)]
