"""What the raw-pdftotext fallbacks of table 三 may cost: inputs crafted to multiply their choices."""
from itertools import product
import random

from govreport.extraction.document import Document
from govreport.extraction.layout import split_lines
from govreport.extraction.tables.pagetop import MAX_REWRITES, _disjoint_picks, reorderings
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


def test_a_header_before_every_block_does_not_multiply_the_rewrites_tried():
    # 53 windows of 8 blocks, up to 7 choices each, the last ones overlapping: walking their whole
    # product (as before) ran for minutes; the rewrites listed stop at the cap, each a permutation
    text = _opens_before_every_block(60)
    doc, lines = Document(text), split_lines(text)
    cells, _ = lone_numbers(doc, lines)
    starts = block_starts(cells, lines)
    got = reorderings(doc, lines, cells, starts)
    assert len(got) == MAX_REWRITES
    assert all(sorted(perm) == list(range(len(cells))) for perm, _ in got)
