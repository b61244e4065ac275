"""What a user met in session 22, a second pass (after ``test_user_s22``): the reload counter
counted every poll of a damaged ACTIVE version as a new failure; a JSON body of a million keys
was validated on the event loop (every other request waited); the HTML reader parsed a page of
400,000 elements whole before it first looked at the deadline; a JSON ``filename`` sent as a
Windows path kept its folders; the terminal summary printed a line break that is part of a file
name. The HTTP ones against the real server (uvicorn on 127.0.0.1)."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from govreport.service.testing import ServerProcess

CORPUS = Path(__file__).parent / "data" / "corpus"
REPORT = (CORPUS / "seed_000.txt").read_text("utf-8")
MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with ServerProcess({"GOVREPORT_TAGGER": "rules", "GOVREPORT_RELOAD_POLL_S": "0"}) as s:
        yield s


def failed_reloads(url: str) -> float:
    text = httpx.get(url + "/metrics").text
    m = re.search(r'^govreport_model_reloads_total\{result="failed"\} (\S+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


# ---- the reload counter ------------------------------------------------------------------------


def test_a_damaged_active_version_counts_one_failed_reload_not_one_a_poll(tmp_path: Path) -> None:
    # the poller retries every tick: ACTIVE naming a damaged version for 2.5 s at 0.2 s counted a
    # dozen failures, an hour 360 at the default 10 s, where one thing had gone wrong
    good = (MODELS / "ACTIVE").read_text("utf-8").strip()
    reg = tmp_path / "models"
    reg.mkdir()
    shutil.copytree(MODELS / good, reg / good)
    damaged = "v0099-20261201-damaged"
    shutil.copytree(MODELS / good, reg / damaged)
    onnx = reg / damaged / "model.onnx"
    onnx.write_bytes(onnx.read_bytes()[:100_000])
    (reg / "ACTIVE").write_text(good + "\n", "utf-8")
    env = {"GOVREPORT_MODELS_DIR": str(reg), "GOVREPORT_RELOAD_POLL_S": "0.2", "GOVREPORT_TAGGER": "auto"}
    with ServerProcess(env) as s:
        assert failed_reloads(s.url) == 0
        (reg / "ACTIVE").write_text(damaged + "\n", "utf-8")
        time.sleep(2.5)  # a dozen ticks
        assert failed_reloads(s.url) == 1
        assert httpx.post(s.url + "/v1/models/reload", timeout=60).status_code == 409
        assert failed_reloads(s.url) == 2  # a person asking counts, the same cause or not
        time.sleep(1)
        assert failed_reloads(s.url) == 2
        (reg / "ACTIVE").write_text("v0042-20260101-deleted\n", "utf-8")  # another cause: counted once more
        time.sleep(1.5)
        assert failed_reloads(s.url) == 3
