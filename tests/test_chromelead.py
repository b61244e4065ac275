"""Table 三 rows whose first column came with their labels (Chromium's PDF through raw pdftotext)."""
from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.blockorder import divide_by_blocks
from govreport.extraction.tables.streamorder import block_starts, label_joins, lone_numbers, solve_stream
from govreport.extraction.templates import table_spec

KEYS = table_spec("2021", "applications").row_keys
A = [4, 1, 0, 0, 0, 0, 5]
B = [2, 0, 1, 0, 0, 0, 3]
C = [1, 0, 0, 0, 2, 0, 3]
D = [3, 0, 0, 1, 0, 0, 4]
E = [0, 2, 0, 0, 0, 0, 2]


def _col_major(*rows):
    return [rows[j][c] for c in range(len(rows[0])) for j in range(len(rows))]


def test_a_value_alone_in_its_block_after_label_text_is_told_from_one_after_values():
    # a one-line label and its value on one baseline that pdftotext keeps apart (一、… / 10 / 二、…):
    # an empty line and label text before the value (3); an empty line alone (0) as before
    text = "一、本年新收\n\n10\n\n二、上年结转\n1\n府信息\n0\n\n4\n\n三、予以公开 2\n"
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    assert [c.raw for c in cells] == ["10", "1", "0", "4", "2"]
    assert label_joins(doc, cells, lines) == [0, 3, 2, 0, 3]


def test_a_run_whose_first_value_stands_apart_and_whose_other_columns_come_four_rows_a_block():
    # the first column of four rows among the labels (the first a block of its own after its label:
    # joined 3), then the other six columns four rows at a time, each column's four values one block
    rows = [A, B, C, D]
    stream = [r[0] for r in rows] + _col_major(*[r[1:] for r in rows])
    starts = [True] * 4 + [i % 4 == 0 for i in range(24)]
    joined = [0, 3, 2, 2] + [0] * 24
    sol = solve_stream(stream, 4, starts=starts, joined=joined, chromium=True)
    assert sol is not None and sol.rows == rows and sol.ambiguous == 0
    assert [stream[i] for i in sol.index[3]] == D
    # an empty line alone between two of the first column's values: no labels' block, no division
    assert solve_stream(stream, 4, starts=starts, joined=[0, 0, 2, 2] + [0] * 24, chromium=True) is None


def test_a_run_whose_first_column_comes_partly_before_and_partly_after_its_other_columns():
    # the labels' block cut by the rows' other columns: A's and B's first values among their labels,
    # the three rows' other columns a row a block each, then C's first value on its label's line
    rows = [A, B, C]
    stream = [A[0], B[0]] + A[1:] + B[1:] + C[1:] + [C[0]]
    starts = [True] * len(stream)
    joined = [0, 2] + [0] * 18 + [2]
    sol = solve_stream(stream, 3, starts=starts, joined=joined, chromium=True)
    assert sol is not None and sol.rows == rows and sol.ambiguous == 0
    # read in order the rows fail their 总计: without the labels' text no division fits
    assert solve_stream(stream, 3, starts=starts) is None


def test_a_report_with_a_wrong_total_and_a_first_column_among_the_labels_is_divided_by_its_blocks():
    # rows granted…denied_state_secret (三(一)…1) come as a run with their first column among the
    # labels; the last row prints a wrong 总计 (1 for nothing): no division meets every row's sums
    table = [[0] * 7 for _ in KEYS]
    at = {k: i for i, k in enumerate(KEYS)}
    table[at["new_received"]] = [7, 1, 0, 0, 0, 0, 8]
    table[at["granted"]] = [5, 0, 0, 0, 0, 0, 5]
    table[at["partially_granted"]] = [2, 1, 0, 0, 0, 0, 3]
    table[at["total_handled"]] = [7, 1, 0, 0, 0, 0, 8]
    table[at["carried_forward"]] = [0, 0, 0, 0, 0, 0, 1]
    g = at["granted"]
    run = table[g : g + 3]
    values, starts, joined = [], [], []
    for r, row in enumerate(table):
        if g <= r < g + 3:
            if r == g:
                values += [x[0] for x in run] + [v for x in run for v in x[1:]]
                starts += [True] * 21
                joined += [0, 2, 2] + [0] * 18
            continue
        values += row
        starts += [True] * 7
        joined += [0] * 7
    assert solve_stream(values, len(KEYS), starts=starts, joined=joined, chromium=True) is None
    # the blocks alone without the labels' run: the run's values read in order break too many sums
    assert divide_by_blocks(values, starts, KEYS) is None
    got = divide_by_blocks(values, starts, KEYS, joined=joined)
    assert got is not None
    sol, fewest = got
    # the rows as printed, the wrong 总计 included (its row and its column's identities fail: reported)
    assert sol.rows == table and sol.ambiguous == 0 and fewest >= 1


def test_a_group_whose_last_two_columns_come_joined_a_line_per_row():
    # three rows column by column, but 其他 and 总计 drawn on one baseline a row (``0 5`` / ``2 3`` /
    # ``0 4``): raw pdftotext writes those two columns row by row, a line of two values each
    rows = [A, B, D]
    text = "\n".join(f"{a}\n{b}\n{d}\n" for a, b, d in zip(*[r[:5] for r in rows])) + "\n" + "\n".join(
        f"{r[5]} {r[6]}" for r in rows) + "\n\n二、\n"  # fmt: skip
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    starts = block_starts(cells, lines)
    joined = label_joins(doc, cells, lines)
    assert values == _col_major(*[r[:5] for r in rows]) + [v for r in rows for v in r[5:]]
    sol = solve_stream(values, 3, starts=starts, joined=joined, chromium=True)
    assert sol is not None and sol.rows == rows and sol.ambiguous == 0
    # the same values with the pairs' lines apart (no line of two values): no such group
    apart = text.replace(f"{A[5]} {A[6]}", f"{A[5]}\n{A[6]}")
    cells2, _ = lone_numbers(Document(apart), split_lines(apart))
    assert solve_stream([c.value for c in cells2], 3, starts=block_starts(cells2, split_lines(apart)),
                        joined=label_joins(Document(apart), cells2, split_lines(apart)), chromium=True) is None  # fmt: skip


def test_a_group_whose_first_two_and_last_two_columns_come_joined():
    # 自然人 / 商业企业 and 其他 / 总计 each drawn on one baseline a row (``4 1`` … ``0 5``), the three
    # columns between a block each; the group's rows, then the next row's first value apart
    rows = [A, B, D]
    text = ("\n".join(f"{r[0]} {r[1]}" for r in rows) + "\n\n"
            + "\n".join(f"{a}\n{b}\n{d}\n" for a, b, d in zip(*[r[2:5] for r in rows])) + "\n"
            + "\n".join(f"{r[5]} {r[6]}" for r in rows) + "\n\n二、\n")  # fmt: skip
    doc = Document(text)
    lines = split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    values = [c.value for c in cells]
    sol = solve_stream(values, 3, starts=block_starts(cells, lines), joined=label_joins(doc, cells, lines), chromium=True)
    assert sol is not None and sol.rows == rows and sol.ambiguous == 0


def test_rows_read_in_order_stay_so_where_a_chromium_order_gives_the_same_values():
    # a table of zeros a value a block: read row by row; the first two values could also be a run's
    # first column among the labels (label text and an empty line between them: 3, which only
    # ``chromelead`` takes) with the same values: the rows keep their place in order (not a row
    # group's, which would flag every cell) and the cells their tokens (a guard: main has no such run)
    from govreport.extraction.tables.streamorder import solve_checked

    values = [0] * (7 * len(KEYS))
    starts = [True] * len(values)
    joined = [0, 3] + [0] * (len(values) - 2)
    sol = solve_checked(values, KEYS, frozenset(), [], 0, starts, joined=joined)
    assert sol is not None and sol.ambiguous == 0 and not sol.grouped
    assert sol.index[0] == list(range(7)) and sol.index[1] == list(range(7, 14))
