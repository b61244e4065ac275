"""scripts/cell_diff.py: which cells moved between two versions of the pipeline, its exit code, and that it
scores the checkout it stands in (also from a git worktree whose venv's editable install points elsewhere)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "cell_diff.py"


@pytest.fixture(scope="module")
def cell_diff():
    spec = importlib.util.spec_from_file_location("cell_diff", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(tmp_path: Path, name: str, cells: dict) -> str:
    p = tmp_path / name
    p.write_text(json.dumps({"doc-1": cells}, ensure_ascii=False))
    return str(p)


def test_compare_counts_each_move_and_fails_on_a_regression(cell_diff, tmp_path, capsys):
    before = {"a.x.y": [1, 1, "ok"], "a.x.z": [None, 2, "unreadable"], "a.x.w": [5, None, "inferred+amb"]}
    after = {"a.x.y": [None, 1, "unreadable"], "a.x.z": [2, 2, "ok"], "a.x.w": [5, None, "inferred+amb"]}
    rc = cell_diff.main(["compare", _write(tmp_path, "a.json", before), _write(tmp_path, "b.json", after)])
    out = capsys.readouterr().out
    assert "right->null: 1" in out and "null->right: 1" in out
    assert "wrong->wrong" not in out  # the same wrong number is no move
    assert "regressions: 1" in out and rc == 1


def test_compare_passes_when_nothing_got_worse(cell_diff, tmp_path, capsys):
    before = {"a.x.y": [3, None, "inferred+amb"], "a.x.z": [4, 2, "inferred+amb"]}
    after = {"a.x.y": [None, None, "ok"], "a.x.z": [7, 2, "inferred+amb"]}
    rc = cell_diff.main(["compare", _write(tmp_path, "a.json", before), _write(tmp_path, "b.json", after)])
    out = capsys.readouterr().out
    assert "wrong->right: 1" in out and "wrong->wrong: 1" in out  # another wrong number is shown
    assert "regressions: 0" in out and rc == 0


def test_the_script_imports_govreport_from_its_own_checkout() -> None:
    # run the script's module code the way ``python scripts/cell_diff.py`` does: scripts/ is sys.path[0]
    code = (
        f"import sys; sys.path[0] = {str(SCRIPT.parent)!r}; "
        f"import runpy; runpy.run_path({str(SCRIPT)!r}, run_name='cell_diff'); "
        "import govreport.extraction as e; print(e.__file__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert Path(out.stdout.strip()).resolve().is_relative_to(SCRIPT.parents[1])


def test_gold_lists_the_cells_this_checkout_s_oracle_makes_otherwise(cell_diff, tmp_path, capsys):
    """``gold``: the cached gold against the gold the oracle makes anew from the document's grids
    (its seed and index) and the reading's text, each moved cell with its rendered value; a reader
    that keeps empty cells has no oracle (its cached gold stands)."""
    import copy
    import pickle
    from types import SimpleNamespace

    from govreport.training.synth.documents import make_document

    doc = make_document(1, 0)
    shown = doc.gold_tables()
    meta = {"seed": 1, "index": 0}
    raw = SimpleNamespace(id="r1", route="lo-pdf:pdftotext", text="", meta=meta,
                          gold={"tables": copy.deepcopy(shown)}, rendered_tables=shown)  # fmt: skip
    kept = SimpleNamespace(id="r2", route="lo-pdf:govreport", text="", meta=meta,
                           gold={"tables": copy.deepcopy(shown)}, rendered_tables=None)  # fmt: skip
    cache = tmp_path / "c.pkl"
    cache.write_bytes(pickle.dumps([raw, kept]))
    assert cell_diff.main(["gold", str(cache)]) == 0
    # an older gold that left open every cell the oracle determines now
    new = cell_diff.regold(raw)
    raw.gold["tables"] = {t: {r: dict.fromkeys(cols) for r, cols in rows.items()} for t, rows in new.items()}
    kept.gold["tables"] = copy.deepcopy(raw.gold["tables"])
    cache.write_bytes(pickle.dumps([raw, kept]))
    capsys.readouterr()
    rc = cell_diff.main(["gold", str(cache), str(tmp_path / "g.json")])
    out = capsys.readouterr().out
    moved = json.loads((tmp_path / "g.json").read_text())
    assert moved["r2"] == [] and moved["r1"] and all(old is None and got == rendered for _, old, got, rendered in moved["r1"])
    assert "null->number" in out and "rendered value" not in out and rc == 0


def test_swap_rescores_a_score_file_against_the_gold_a_gold_run_listed(cell_diff, tmp_path, capsys):
    """A null prediction right against a null gold is null against the gold's new number; a number
    wrong against the null gold is right against the same number; other cells stand."""
    score = {"a.x.y": [None, None, "ok"], "a.x.z": [0, None, "inferred"], "a.x.w": [5, 5, "ok"]}
    moved = {"doc-1": [["a.x.y", None, 3, 3], ["a.x.z", None, 0, 0]]}
    (tmp_path / "g.json").write_text(json.dumps(moved))
    out = tmp_path / "s2.json"
    assert cell_diff.main(["swap", _write(tmp_path, "s.json", score), str(tmp_path / "g.json"), str(out)]) == 0
    assert json.loads(out.read_text())["doc-1"] == {"a.x.y": [None, 3, "-"], "a.x.z": [0, 0, "ok"], "a.x.w": [5, 5, "ok"]}
    assert "2/3" in capsys.readouterr().out
