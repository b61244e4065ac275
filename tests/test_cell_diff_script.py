"""scripts/cell_diff.py scores the checkout it stands in, also from a git worktree whose virtual environment's
editable install points at another checkout (``python scripts/cell_diff.py`` puts scripts/ first on sys.path)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_script_imports_govreport_from_its_own_checkout() -> None:
    # run the script's module code the way ``python scripts/cell_diff.py`` does: scripts/ is sys.path[0]
    script = ROOT / "scripts" / "cell_diff.py"
    code = (
        f"import sys; sys.path[0] = {str(script.parent)!r}; "
        f"import runpy; runpy.run_path({str(script)!r}, run_name='cell_diff'); "
        "import govreport.extraction as e; print(e.__file__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert Path(out.stdout.strip()).resolve().is_relative_to(ROOT)
