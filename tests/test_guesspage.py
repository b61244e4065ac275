"""Table 三's rows paired by order alone: a guess standing on another page than its row's label is nulled."""

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.guesspage import off_page_guesses
from govreport.extraction.tables.labelheights import label_pages
from govreport.extraction.tables.result import INFERRED, UNREADABLE, TableResult
from govreport.extraction.tables.streamorder import lone_numbers

from tests.test_blank_identities import COLS, KEYS, SPEC

CUT = 10  # page 1 holds the labels of the first ten template rows, page 2 the others
BLANK_ROW = CUT - 1  # page 1's last row prints its cells empty: no value of it in the reading


def _reading(value=lambda r: r + 1) -> tuple[Document, list]:
    """Two pages, each its rows' labels (one line each), the column header and its values one a
    line; row r's cells all ``value(r)``, the blank row's printed empty (nothing in the reading)."""
    marks = "一二三四五六七"
    pages = []
    for lo, hi in ((0, CUT), (CUT, len(KEYS))):
        labels = [f"（{marks[i % 7]}）{row.label}" for i, row in enumerate(SPEC.rows[lo:hi])]
        values = [value(r) for r in range(lo, hi) if r != BLANK_ROW for _ in COLS]
        pages.append("\n".join(labels) + "\n\n申请人情况\n自然人\n\n" + "".join(f"{v}\n\n" for v in values))
    text = "\f".join(pages)
    return Document(text), split_lines(text)


def _by_order(doc: Document, lines: list) -> TableResult:
    """Every row given the next seven values in order (the blank row too: the reading by order
    pairs it with the first row of page 2), each a flagged guess."""
    cells, _ = lone_numbers(doc, lines)
    res = TableResult.empty(SPEC)
    for r, key in enumerate(KEYS):
        res.by_order.add(key)
        for c, col in enumerate(COLS):
            if 7 * r + c < len(cells):
                res.put(key, col, cells[7 * r + c], ambiguous=True)
    return res


def test_label_pages_are_the_pages_of_the_rows_labels():
    doc, lines = _reading()
    assert label_pages(doc, lines, [row.label for row in SPEC.rows]) == [0] * CUT + [1] * (len(KEYS) - CUT)


def test_a_guess_on_another_page_than_its_row_s_label_is_nulled():
    doc, lines = _reading()
    res = _by_order(doc, lines)
    blank, first = KEYS[BLANK_ROW], KEYS[CUT]
    # the blank row got page 2's first values (its label is on page 1): the pairing slid there
    assert res.values[blank]["natural_person"] == CUT + 1
    nulled = off_page_guesses(res, doc, lines)
    assert nulled == sorted((blank, c) for c in COLS)
    assert all(res.values[blank][c] is None and res.status[blank][c] == UNREADABLE for c in COLS)
    assert not any((blank, c) in res.ambiguous for c in COLS)
    # rows whose values stand on their label's page keep their guesses, flagged as before
    for key in (KEYS[0], KEYS[BLANK_ROW - 1], first):
        assert all(res.status[key][c] == INFERRED and (key, c) in res.ambiguous for c in COLS)
    assert any("another page than their label" in w and f"{blank}.total" in w for w in res.warnings)


def test_rows_not_paired_by_order_or_whose_label_is_not_found_are_left_alone():
    doc, lines = _reading()
    res = _by_order(doc, lines)
    res.by_order.discard(KEYS[BLANK_ROW])  # (read with its label: the layout placed it)
    assert off_page_guesses(res, doc, lines) == []
    # the labels not printed: nothing says which page a row is on
    text = doc.text.replace(SPEC.rows[BLANK_ROW].label, "说明")
    doc2, lines2 = Document(text), split_lines(text)
    res2 = _by_order(doc2, lines2)
    assert label_pages(doc2, lines2, [row.label for row in SPEC.rows])[BLANK_ROW] is None
    assert off_page_guesses(res2, doc2, lines2) == []


def test_a_row_of_zeros_off_its_page_keeps_its_flagged_guesses():
    # a table of zeros: the blank row got page 2's first zeros; the slide refutes the pairing, not
    # the value (the row's own cells may be zeros too, which the blocks decide): kept, flagged
    doc, lines = _reading(value=lambda r: 0)
    res = _by_order(doc, lines)
    blank = KEYS[BLANK_ROW]
    assert off_page_guesses(res, doc, lines) == []
    assert all(res.values[blank][c] == 0 and (blank, c) in res.ambiguous for c in COLS)
