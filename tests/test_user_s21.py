"""What a user met in session 21: a model registry with one damaged version (a ``meta.json`` cut
short by a crashed copy, or edited by hand) made ``govreport models list`` end in a traceback and
``GET /v1/models`` answer 500 "internal error while extracting", hiding every good version. The real
server (uvicorn on 127.0.0.1) for the HTTP side."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from govreport.extraction.model.registry import ModelRegistry
from govreport.service.cli import main
from govreport.service.testing import ServerProcess


def damaged_registry(root: Path) -> tuple[str, str]:
    """A registry with a good active version and one whose meta.json is cut short: (good, damaged)."""
    good, damaged = "v0001-20260101-good", "v0002-20260102-cut"
    (root / good).mkdir(parents=True)
    (root / good / "meta.json").write_text(json.dumps({"created": "2026-01-01", "label_set": "1.0"}), "utf-8")
    (root / damaged).mkdir()
    (root / damaged / "meta.json").write_text('{"created": "2026-01-', "utf-8")
    (root / "ACTIVE").write_text(good, "utf-8")
    return good, damaged


def test_a_damaged_version_is_listed_with_its_problem_and_the_others_still_are(tmp_path: Path) -> None:
    good, damaged = damaged_registry(tmp_path)
    r = CliRunner().invoke(main, ["models", "list", "--models-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    (good_line,) = [line for line in r.output.splitlines() if good in line]
    assert good_line.startswith("*") and "created 2026-01-01" in good_line
    (bad_line,) = [line for line in r.output.splitlines() if damaged in line]
    assert "meta.json is not valid JSON" in bad_line
    rows = json.loads(CliRunner().invoke(main, ["models", "list", "--json", "--models-dir", str(tmp_path)]).output)
    assert [(row["version"], row["active"]) for row in rows] == [(good, True), (damaged, False)]
    assert rows[0]["problem"] is None and "meta.json is not valid JSON" in rows[1]["problem"]


def test_a_meta_that_is_not_an_object_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    good, damaged = damaged_registry(tmp_path)
    (tmp_path / damaged / "meta.json").write_text("[]", "utf-8")
    meta, problem = ModelRegistry(tmp_path).get(damaged).read_meta()
    assert meta == {} and problem is not None and "not a JSON object" in problem
    assert ModelRegistry(tmp_path).get(good).read_meta() == ({"created": "2026-01-01", "label_set": "1.0"}, None)


@pytest.mark.slow
def test_real_server_lists_a_registry_with_a_damaged_version(tmp_path: Path) -> None:
    good, damaged = damaged_registry(tmp_path / "models")
    env = {"GOVREPORT_TAGGER": "rules", "GOVREPORT_MODELS_DIR": str(tmp_path / "models"), "GOVREPORT_ACCESS_LOG": "false"}
    with ServerProcess(env) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        r = http.get("/v1/models")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["active"] == good
    assert [(v["version"], v["meta"].get("created")) for v in body["versions"]] == [(good, "2026-01-01"), (damaged, None)]
    assert body["versions"][0].get("problem") is None
    assert "meta.json is not valid JSON" in body["versions"][1]["problem"]
