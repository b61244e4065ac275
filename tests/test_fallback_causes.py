"""scripts/fallback_causes.py: table 三's lost cells counted by kind, and the rendered grid's stream walk
(``blankgold.stream_layout``) stopping at the first row whose values the reading does not print in order."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from govreport.training.synth.blankgold import APPLICANTS, PrintedRow

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fallback_causes.py"


@pytest.fixture(scope="module")
def causes():
    spec = importlib.util.spec_from_file_location("fallback_causes", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _row(key: str, values: list[int]) -> PrintedRow:
    cols = [(key, c) for c in (*APPLICANTS, "total")]
    return PrintedRow("applications", key, cols, list(values), list(values), [False] * 7, [True] * 7)


def test_lost_cells_are_counted_by_kind(causes):
    gold = {"new_received": {"natural_person": 3, "total": None, "other_org": 0, "commercial_enterprise": 2}}
    pred = {"new_received": {"natural_person": None, "total": 0, "other_org": 0, "commercial_enterprise": 5}}
    assert causes._lost(gold, pred) == {"null_num": 1, "guess_gnull": 1, "wrong_num": 1, "right": 1}


def test_the_walk_stops_at_the_first_row_printed_out_of_order(causes):
    layout, deep = causes._deep_layout()
    rows = [_row("new_received", [1, 2, 0, 0, 0, 0, 3]), _row("carried_over", [5, 0, 0, 0, 0, 0, 5]),
            _row("granted", [6, 0, 0, 0, 0, 0, 6]), _row("partially_granted", [7, 0, 0, 0, 0, 0, 7])]
    values = ["1", "2", "0", "0", "0", "0", "3", "5", "0", "0", "0", "0", "0", "5", "6", "0", "0", "0", "0", "0", "6"]
    head = "申请人情况\n\n" + "\n\n".join(values)
    in_order = head + "\n\n" + "\n\n".join(["7", "0", "0", "0", "0", "0", "7"]) + "\n"
    assert layout(rows, in_order) is not None  # row 一 among the header, the others a block per value
    # 三(二)'s 自然人 drawn after its other cells (the first three rows may stand among the page's
    # header pieces in any order, the fourth may not): no unit prints that order
    late = head + "\n\n" + "\n\n".join(["0", "0", "0", "0", "0", "7", "7"]) + "\n"
    assert layout(rows, late) is None
    assert deep[0][0] == 3  # rows 一, 二 and 三(一) walked, 三(二) not
