"""Table 二 rows whose one negative value comes, in the order read, under a column that cannot hold
one (Chromium's PDF through raw ``pdftotext`` writes a minus-signed figure apart): the value is
the 本年增/减 column's where the row's label placed its values, and the row is flagged either way."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.tables.active import signed_order
from govreport.extraction.tables.base import Cell
from govreport.extraction.taggers import get_tagger

from .reportkit import report

COLS = ("prev_year_items", "change", "decisions")


def _cells(*values: int) -> list[Cell]:
    out, at = [], 0
    for v in values:
        raw = str(v).replace("-", "－")
        out.append(Cell(value=v, raw=raw, start=at, end=at + len(raw), line=0, field=0, x=at, score=1.0))
        at += len(raw) + 1
    return out


def test_signed_order_moves_the_one_negative_value_to_the_signed_column():
    placed = signed_order(_cells(13, 0, -12), COLS)
    assert placed is not None and [(c.value, col) for c, col in placed] == [(13, COLS[0]), (-12, COLS[1]), (0, COLS[2])]
    assert signed_order(_cells(13, -12, 0), COLS) is None  # already in place
    assert signed_order(_cells(-1, 0, -12), COLS) is None  # two negatives: no single place
    assert signed_order(_cells(13, 0), COLS) is None  # not a full row


def test_a_row_read_under_its_label_with_its_negative_value_written_last():
    active = "\n".join([
        "第二十条第（五）项", "上一年项目数量", "信息内容", "本年增/减", "处理决定数量",
        "行政许可", "0", "7", "0",
        "其他对外管理服务事项", "13", "0", "－12",
    ])  # fmt: skip
    out = Extractor(get_tagger("rules")).extract_text(report(active=active)).output
    row = out["tables"]["active_disclosure"]["other_external_services"]
    assert row == {"prev_year_items": 13, "change": -12, "decisions": 0}
    # not the printed order: flagged, never read
    assert set(out["cell_status"]["active_disclosure"]["other_external_services"].values()) == {"inferred"}
    assert any("negative value is not under 本年增/减" in w for w in out["warnings"])
    assert out["tables"]["active_disclosure"]["administrative_license"] == {"prev_year_items": 0, "change": 7, "decisions": 0}
