"""What the raw-pdftotext fallbacks of table 三 may cost: inputs crafted to multiply their choices."""
from itertools import product
import random

import pytest

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.pagetop import MAX_REWRITES, MAX_WINDOWS, TooManyWindows, _disjoint_picks, reorderings
from govreport.extraction.taggers import get_tagger
from govreport.extraction.tables.streamorder import block_starts, lone_numbers


def _brute(choices, limit):
    """The picks as reorderings listed them before: the whole product, overlapping ones dropped."""
    out = []
    for pick in product(*[[None, *c] for c in choices]):
        chosen = [set(p) for p in pick if p is not None]
        if chosen and sum(map(len, chosen)) == len(set().union(*chosen)):
            out.append(list(pick))
        if len(out) >= limit:
            break
    return out


def test_disjoint_picks_are_the_product_s_non_overlapping_picks_in_its_order():
    rnd = random.Random(7)
    for _ in range(40):
        choices = []
        for w in range(rnd.randint(1, 5)):
            a = rnd.randint(0, 12)
            choices.append([list(range(a, a + rnd.randint(1, 6))) for _ in range(rnd.randint(1, 3))])
        limit = rnd.choice([3, 10, 64])
        assert _disjoint_picks(choices, limit) == _brute(choices, limit)


def _opens_before_every_block(nblocks, named_every=8, plain_tail=7):
    """A region that prints the header's first cell before every value (a window per block), every
    ``named_every``-th value under a header cell of its own (a named block in the windows), the last
    ``plain_tail`` values without (the windows last in the product have the fewest choices)."""
    parts = ["申请人情况\n自然人\n法人或其他组织\n商业企业 科研机构\n\n"]
    for b in range(nblocks):
        if b < nblocks - plain_tail:
            parts.append("申请人情况\n\n")
            if b % named_every == named_every - 1:
                parts.append("其他\n")
        parts.append("0\n\n")
    return "".join(parts)


def test_overlapping_windows_do_not_multiply_the_picks_walked():
    # 53 windows one block apart, 7 choices each (the header before every block): the product of
    # their choices has 8**53 picks, nearly all overlapping; walking it ran for minutes
    choices = [[list(range(w, w + 7)) + [w + m] for m in range(7, 14)] for w in range(53)]
    got = _disjoint_picks(choices, MAX_REWRITES)
    assert len(got) == MAX_REWRITES
    for pick in got:
        chosen = [i for seq in pick if seq is not None for i in seq]
        assert chosen and len(chosen) == len(set(chosen))


def test_a_header_before_every_block_is_no_page_top_and_is_not_rewritten():
    text = _opens_before_every_block(60)
    doc, lines = Document(text), split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    starts = block_starts(cells, lines)
    with pytest.raises(TooManyWindows, match="not rebuilt"):
        reorderings(doc, lines, cells, starts)
    # a page-top per page: the same region with the header printed MAX_WINDOWS times is tried
    few = _opens_before_every_block(MAX_WINDOWS, named_every=3, plain_tail=0) + "0\n\n" * 20
    doc, lines = Document(few), split_lines(few)
    cells, _ = lone_numbers(doc, lines)
    assert reorderings(doc, lines, cells, block_starts(cells, lines))


def test_the_fallbacks_warn_where_the_header_is_printed_too_often(tmp_path):
    """End to end: table 三's values each under a repeated header cell and one wrong sum (no division
    as printed): the rows are not rebuilt, the warning says so and no value is taken as read."""
    text = _opens_before_every_block(7 * 25, plain_tail=0)
    head = "政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
    tail = "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n"
    body = text.replace("0\n\n", "3\n\n", 1)
    out = Extractor(get_tagger("rules")).extract_text(head + body + tail).output
    warnings = [w for w in out["warnings"] if w.startswith("applications:")]
    assert any("not rebuilt" in w for w in warnings)
    status = out["cell_status"]["applications"]
    assert sum(len(row) for row in status.values()) >= 7 * 25
    assert not any(s == "read" for row in out["cell_status"]["applications"].values() for s in row.values())
