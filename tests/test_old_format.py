"""Reports older than the 2019 format (spec): template null, every table null, sections found by
topic, a warning; a result with exit status 0 from the CLI and 200 from the API, not an error.

``tests/data/old_format/report_2017.txt`` is made up in the old style: seven parts (一、概述 …
七、其他需要报告的事项) and its own 政府信息公开情况统计表.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from govreport.extraction.pipeline import Extractor
from govreport.extraction.report import is_old_format
from govreport.extraction.taggers.rules import RuleTagger
from govreport.service.app import create_app

from .reportkit import applications_2021, applications_tab, report

OLD = Path(__file__).parent / "data" / "old_format" / "report_2017.txt"


def _check(out: dict, text: str) -> None:
    assert out["template"] is None and out.get("old_format") is True
    assert out["year"] == 2017 and out["organ"] == "某某县人民政府办公室"
    assert out["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}
    secs = {s["index"]: s for s in out["sections"]}
    assert list(secs) == [1, 2, 3, 4, 5, 6]  # 四、…收费 has no topic; 五 is 4, 六 is 5, 七 is 6
    assert text[secs[1]["start"] :].startswith("一、概述")
    assert text[secs[4]["start"] :].startswith("五、因政府信息公开申请行政复议")
    assert text[secs[6]["start"] :].startswith("七、其他需要报告的事项")
    assert any("2019" in w and "older" in w for w in out["warnings"])
    assert out["checks"] == []


def test_old_report_is_a_result_with_null_tables() -> None:
    text = OLD.read_text("utf-8")
    res = Extractor(RuleTagger()).extract_text(text, filename=OLD.name)  # require_report: no error
    _check(res.output, text)


def test_new_format_report_for_an_old_year_is_not_old() -> None:
    """A title with 2018 over tables in the national wording: the tables are read (format by wording)."""
    table = applications_2021()
    text = report(applications=applications_tab(table), year=2018)
    assert not is_old_format(text, 2018)
    res = Extractor(RuleTagger()).extract_text(text)
    assert res.output["template"] == "2021" and res.output["tables"]["applications"] == table


def test_cli_exit_status_zero(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-m", "govreport.service.cli", "extract", str(OLD), "-o", str(tmp_path),
                        "--tagger", "rules"], capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    _check(json.loads((tmp_path / "report_2017.json").read_text("utf-8")), OLD.read_text("utf-8"))


def test_api_returns_the_result(tmp_path: Path) -> None:
    from govreport.service.settings import ServiceSettings

    app = create_app(ServiceSettings(tagger="rules", models_dir=tmp_path / "models", reload_poll_s=0))
    with TestClient(app) as c:
        text = OLD.read_text("utf-8")
        r = c.post("/v1/extract", json={"text": text, "filename": OLD.name})
        assert r.status_code == 200, r.text
        _check(r.json(), text)
