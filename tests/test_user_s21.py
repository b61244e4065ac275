"""What a user met in session 21: a model registry with one damaged version (a ``meta.json`` cut
short by a crashed copy, or edited by hand) made ``govreport models list`` end in a traceback and
``GET /v1/models`` answer 500 "internal error while extracting"; ``label push`` stopped at one bad
file and made two tasks of one report saved in two encodings; ``extract -o`` lost the result of a
file with a long Chinese name, wrote its ``--html`` page over an input page of the same name and
read its own pages back as reports; new model versions had weights only their trainer could read;
``label server start`` found a busy port a minute late; ``batch`` kept a corrected file's old
record without a word. The real server (uvicorn on 127.0.0.1) for the HTTP side."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from govreport.extraction.model.registry import ModelRegistry
from govreport.extraction.taggers.rules import RuleTagger
from govreport.service.cli import main
from govreport.service.testing import ServerProcess
from govreport.training.annotation import client as ls_client
from govreport.training.annotation.push import push_files

from tests.test_annotation_pull_malformed import FakePushClient


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


# ---- label push: a folder of reports with one bad file, the same report in two encodings ----------

CORPUS = Path(__file__).parent / "data" / "corpus"


def test_push_reads_past_an_unreadable_file_and_names_it(tmp_path: Path) -> None:
    # one empty file among the reports aborted the whole push ("Error: empty.txt is empty"), after
    # the files before it had been tagged (and, past 50 of them, imported), without saying which

    (tmp_path / "empty.txt").write_bytes(b"")
    paths = [CORPUS / "seed_000.txt", tmp_path / "empty.txt", CORPUS / "seed_001.txt"]
    client = FakePushClient()
    result = push_files(client, "p", paths, RuleTagger())  # type: ignore[arg-type]
    assert result.imported == ["seed_000.txt", "seed_001.txt"] and len(client.tasks) == 2
    ((name, why),) = result.failed
    assert name == "empty.txt" and "is empty" in why
    assert "1 file(s) not read" in result.summary()


def test_push_command_lists_the_unreadable_files_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    fake = FakePushClient()
    monkeypatch.setattr(ls_client, "LabelStudioClient", lambda url, key: fake)
    (tmp_path / "empty.txt").write_bytes(b"")
    args = ["label", "push", str(CORPUS / "seed_000.txt"), str(tmp_path / "empty.txt"), "--project", "p", "--tagger", "rules"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output
    assert "imported 1 report(s)" in r.output and len(fake.tasks) == 1
    assert "error: empty.txt: " in r.output and "is empty" in r.output


def test_the_same_report_in_two_encodings_is_one_task_keyed_by_its_text(tmp_path: Path) -> None:
    # doc_id was the hash of the file's bytes, not of its text as the docs say: the same report saved
    # as UTF-8 and as UTF-16 (Notepad's "Unicode") became two tasks, labelled twice

    text = (CORPUS / "seed_000.txt").read_text("utf-8")
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "b.txt").write_bytes(text.encode("utf-16"))
    client = FakePushClient()
    result = push_files(client, "p", [tmp_path / "a.txt", tmp_path / "b.txt"], RuleTagger())  # type: ignore[arg-type]
    assert result.imported == ["a.txt"] and result.skipped == ["b.txt"]
    (task,) = client.tasks
    assert task["data"]["doc_id"] == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_task_pushed_under_its_file_hash_before_is_still_found(tmp_path: Path) -> None:
    # projects filled before the fix hold doc_id = the file's bytes hash: pushing the file again
    # (after a promotion, say) must find that task, not import a second one

    raw = (CORPUS / "seed_000.txt").read_text("utf-8").encode("utf-16")
    (tmp_path / "b.txt").write_bytes(raw)
    client = FakePushClient()
    push_files(client, "p", [tmp_path / "b.txt"], RuleTagger())  # type: ignore[arg-type]
    client.tasks[0]["data"]["doc_id"] = hashlib.sha256(raw).hexdigest()  # as the old push wrote it
    again = push_files(client, "p", [tmp_path / "b.txt"], RuleTagger())  # type: ignore[arg-type]
    assert again.imported == [] and again.skipped == ["b.txt"] and len(client.tasks) == 1


# ---- extract -o: an input name near the file system's limit -------------------------------------


def test_atomic_write_takes_a_name_of_the_longest_length(tmp_path: Path) -> None:
    # its temporary name was ".<name>.XXXXXXXX.tmp": 14 bytes longer, past 255 for a name over 241
    from govreport.extraction.export import atomic_write

    target = tmp_path / ("a" * 250 + ".json")
    atomic_write(target, "{}")
    assert target.read_text("utf-8") == "{}" and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_extract_writes_a_result_for_a_long_chinese_file_name(tmp_path: Path) -> None:
    # 82 hanzi are 246 bytes: the input's name fits, "<stem>.json" too, but "<stem>.xlsx"/".html" and
    # the temporary name did not: "OSError: cannot write to OUT: File name too long", the result lost
    report = (CORPUS / "seed_000.txt").read_bytes()
    inputs = tmp_path / "in"
    inputs.mkdir()
    long_a, long_b = "报" * 82 + "甲.txt", "报" * 82 + "乙.txt"  # differ only past where a cut falls
    (inputs / long_a).write_bytes(report)
    (inputs / long_b).write_bytes(report)
    out = tmp_path / "out"
    for fmt in ("json", "xlsx"):
        r = CliRunner().invoke(main, ["extract", str(inputs), "-o", str(out), "--format", fmt, "--html", "--tagger", "rules"])
        assert r.exit_code == 0, r.output
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 6 and all(len(name.encode()) <= 255 for name in written)
    jsons = sorted(out.glob("*.json"))
    assert {json.loads(p.read_text("utf-8"))["source"] for p in jsons} == {str(inputs / long_a), str(inputs / long_b)}


# ---- a new model version is readable by the service's user ----------------------------------------


def test_a_new_version_s_files_are_readable_by_others(tmp_path: Path) -> None:
    # safetensors writes model.safetensors 0600 (the other files are 0644): a service run as another
    # user than the trainer failed the version's checksums on the weights and never loaded it
    import os
    import stat

    from govreport.training.registry import ModelRegistry as WritableRegistry

    reg = WritableRegistry(tmp_path)
    with reg.new_version("perm") as draft:
        weights = draft.path / "model.safetensors"
        weights.write_bytes(b"\0" * 16)
        os.chmod(weights, 0o600)
        (draft.path / "meta.json").write_text("{}", "utf-8")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in draft.path.iterdir()}
    assert all(m & 0o044 == 0o044 for m in modes.values()), modes


# ---- label server start on a busy port ------------------------------------------------------------


def test_label_server_start_on_a_busy_port_says_so_at_once(tmp_path: Path) -> None:
    # Label Studio found the port busy only after migrating its database (a minute or more on a
    # loaded machine), then died with "That port is already in use." under a log tail
    import socket
    import time

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        t0 = time.monotonic()
        r = CliRunner().invoke(main, ["label", "server", "start", "--port", str(port), "--data-dir", str(tmp_path / "ls")])
    assert r.exit_code == 1 and time.monotonic() - t0 < 5, r.output
    assert f"port {port} on 127.0.0.1 is in use" in r.output and "--port" in r.output
    assert not (tmp_path / "ls").exists()  # nothing made for a server that cannot start


# ---- extract DIR -o DIR --html, run twice -----------------------------------------------------------


def test_extract_into_its_own_input_folder_keeps_its_reports_and_does_not_read_its_pages_back(tmp_path: Path) -> None:
    # the first run wrote its displaCy page hangzhou_fixture.html over the report of that name (lost
    # for good); the second read its own page seed_000.html as a report, so seed_000.json became that
    # page's result and the report's own moved to seed_000-2.json (session 13 fixed this for an -o
    # folder inside the input folder, not for the input folder itself)
    page = (CORPUS / "hangzhou_fixture.html").read_bytes()
    (tmp_path / "seed_000.txt").write_bytes((CORPUS / "seed_000.txt").read_bytes())
    (tmp_path / "hangzhou_fixture.html").write_bytes(page)  # a report that is a web page
    args = ["extract", str(tmp_path), "-o", str(tmp_path), "--html", "--tagger", "rules"]
    for _ in range(2):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
        assert "2 of 2 reports" in r.output
    assert (tmp_path / "hangzhou_fixture.html").read_bytes() == page
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hangzhou_fixture-2.html", "hangzhou_fixture-2.json", "hangzhou_fixture.html",
        "seed_000.html", "seed_000.json", "seed_000.txt",
    ]  # fmt: skip
    assert json.loads((tmp_path / "seed_000.json").read_text("utf-8"))["source"] == str(tmp_path / "seed_000.txt")
    assert json.loads((tmp_path / "hangzhou_fixture-2.json").read_text("utf-8"))["organ"] == "测试市"


def test_extract_of_one_page_into_its_own_folder_keeps_it(tmp_path: Path) -> None:
    # `govreport extract page.html -o . --html` in the page's folder replaced the page by its rendering
    page = (CORPUS / "hangzhou_fixture.html").read_bytes()
    (tmp_path / "page.html").write_bytes(page)
    r = CliRunner().invoke(main, ["extract", str(tmp_path / "page.html"), "-o", str(tmp_path), "--html", "--tagger", "rules"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "page.html").read_bytes() == page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page-2.html", "page-2.json", "page.html"]


# ---- batch: a file corrected between two runs into the same OUT -----------------------------------


def test_batch_says_when_a_source_has_more_than_one_record(tmp_path: Path) -> None:
    # a report corrected and the batch run again into the same OUT: its old content's record stays
    # (records are by content), so cells.csv held the report twice and the summary counted 3
    # reports for a folder of 2, without a word: a sum over cells.csv counted that report twice
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for name in ("seed_000.txt", "seed_001.txt"):
        (inputs / name).write_bytes((CORPUS / name).read_bytes())
    args = ["batch", str(inputs), "-o", str(out), "--tagger", "rules", "--no-progress"]
    assert CliRunner().invoke(main, args).exit_code == 0
    with open(inputs / "seed_001.txt", "a", encoding="utf-8") as f:
        f.write("\n")  # the file corrected
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "1 source(s) with more than one record" in r.output and "seed_001.txt: 2 records" in r.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["counts"]["shared_sources"] == 1
    assert summary["shared_sources"] == [{"source": "seed_001.txt", "records": 2}]


# ---- the annotation loop from a wheel install ------------------------------------------------------


def test_an_installed_package_keeps_annotations_in_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # installed, the package folder (site-packages/govreport) holds __init__.py; the loop's defaults were
    # taken beside it: `label pull` wrote its batches (full report texts) inside site-packages
    from govreport.training.annotation.batches import annotations_root

    checkout, installed = tmp_path / "repo", tmp_path / "site" / "govreport"
    checkout.mkdir()
    installed.mkdir(parents=True)
    (installed / "__init__.py").write_text("", "utf-8")
    assert annotations_root(checkout) == checkout / "annotations"
    monkeypatch.setenv("GOVREPORT_LS_DATA_DIR", str(tmp_path / "data"))
    assert annotations_root(installed) == tmp_path / "data"  # the webhook job's data dir
    monkeypatch.delenv("GOVREPORT_LS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert annotations_root(installed) == tmp_path / "xdg" / "govreport" / "annotation"


def test_retrain_says_when_its_gold_corpus_guard_measures_nothing(tmp_path: Path) -> None:
    # a wheel has no tests/data/corpus: the gold_corpus guard passed with nothing measured, without a word
    from govreport.training.annotation.retrain import retrain
    from govreport.training.registry import ModelRegistry as WritableRegistry

    from tests.test_annotation_retrain import (
        make_batches,
        make_hooks,
        opts,
        seed_active,
    )

    reg = WritableRegistry(tmp_path / "models")
    seed_active(reg)
    make_batches(tmp_path / "batches")
    lines: list[str] = []
    o = opts(tmp_path)
    o.gold_dir = tmp_path / "no-gold"
    retrain(reg, o, hooks=make_hooks(reg), progress=lines.append)
    (warning,) = [line for line in lines if "gold" in line and "measures nothing" in line]
    assert str(tmp_path / "no-gold") in warning and "--gold-dir" in warning
