"""Work that must grow with a region's lines, not with their square: a run of label-only lines
(a lone ``总计`` printed thousands of times inside table 三 took 96 s for 4,000 lines), and the
per-line look-ups of a region's cells and fragments."""
from pathlib import Path

from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables import rows
from govreport.extraction.tables.base import Cell, Frag, Region
from govreport.extraction.labels import Label
from govreport.extraction.layout import split_lines
from govreport.extraction.taggers import get_tagger

REPORT = Path(__file__).resolve().parents[1] / "examples" / "report_2020.txt"


def _with_label_lines(k: int) -> str:
    base = REPORT.read_text(encoding="utf-8")
    at = base.index("\n", base.index("(七)总计")) + 1
    return base[:at] + "总计\n" * k + base[at:]


def test_a_run_of_label_only_lines_scores_each_waiting_label_a_bounded_number_of_times(monkeypatch):
    calls = [0]
    score = rows.frag_score

    def counted(*a, **kw):
        calls[0] += 1
        return score(*a, **kw)

    monkeypatch.setattr(rows, "frag_score", counted)
    ex = Extractor(get_tagger("rules"))
    used = []
    for k in (0, 300, 600):
        calls[0] = 0
        ex.extract_text(_with_label_lines(k), filename="r.txt")
        used.append(calls[0])
    # 300 more label lines cost about as much as the 300 before them (every waiting label re-scored
    # at each new one: three times as much)
    assert used[2] - used[1] < 1.5 * (used[1] - used[0])


class _CountedIter(list):
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_a_region_s_cells_and_fragments_by_line_are_looked_up_not_scanned_per_line():
    text = "".join(f"第{i}行 {i}\n" for i in range(200))
    lines = tuple(split_lines(text))
    cells = [Cell(i, str(i), ln.start + 4, ln.start + 4 + len(str(i)), i, 0, 4, 1.0) for i, ln in enumerate(lines)]
    frags = [Frag(f"第{i}行", f"第{i}行", Label.ROW, ln.start, ln.start + 3, i, 0, 0, False) for i, ln in enumerate(lines)]
    region = Region("applications", lines, _CountedIter(cells), _CountedIter(frags), text)
    _CountedIter.walks = 0
    for i in range(len(lines)):
        assert region.cells_on(i) == [cells[i]]
        assert region.frags_on(i) == [frags[i]] == region.frags_on(i, Label.ROW)
        assert region.frags_on(i, Label.COL) == []
    assert _CountedIter.walks <= 2  # each list walked once, to index it
