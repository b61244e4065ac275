"""Contract tests: Document/spans <-> Label Studio JSON, the config, batches and the ML-backend endpoints.

No server needed (tests/test_labelstudio_integration.py runs the real one). Documents are built by
hand so each test shows exactly which offsets are at stake.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import LABELS, Label
from govreport.service.ml_backend import JobRunner, MLBackendSettings, MLBackendState, TaggerHolder, create_backend_app
from govreport.training.annotation.batches import list_batches, load_documents, split_of, write_batch
from govreport.training.annotation.config import (
    CONFIG_PATH,
    LabelConfigError,
    label_config_xml,
    parse_label_config,
)
from govreport.training.annotation.convert import (
    AnnotationError,
    document_to_task,
    latest_annotation,
    prediction_from_spans,
    prediction_to_spans,
    result_to_spans,
    spans_to_result,
    task_to_document,
    utf16_to_index,
)

ASTRAL = "𠀀𠀁"  # CJK Extension B: two UTF-16 code units each


def doc_with(text: str, *marks: tuple[str, str, int]) -> Document:
    """Spans by (substring, label, occurrence) so offsets are computed, never typed."""
    spans = []
    for sub, label, nth in marks:
        i = -1
        for _ in range(nth + 1):
            i = text.index(sub, i + 1)
        spans.append(Span(i, i + len(sub), Label(label), 0.9, "model", "v0001-test"))
    return Document.from_text(text, filename="t.txt").with_spans(spans)


def as_annotation(result: list[dict], ann_id: int = 1, **kw) -> dict:
    return {"id": ann_id, "result": result, "was_cancelled": False, "updated_at": "2025-01-01T00:00:00Z", **kw}


def utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


# ---- the config ----


def test_config_lists_every_label_once_and_parses_back() -> None:
    info = parse_label_config(label_config_xml())
    assert info.labels == tuple(l.value for l in LABELS)
    assert (info.from_name, info.to_name, info.data_key) == ("label", "text", "text")


def test_committed_config_is_the_generated_one() -> None:
    assert CONFIG_PATH.read_text("utf-8") == label_config_xml(), "run `govreport label config`"


@pytest.mark.parametrize(
    "xml, needle",
    [
        ("<View><Text name='text' value='$text'/></View>", "no <Labels>"),
        ("<View><Labels name='label' toName='x'><Label value='ROW'/></Labels><Text name='text' value='$text'/></View>", "does not point"),
        ("<View><Labels name='label' toName='text'><Label value='PERSON'/></Labels><Text name='text' value='$text'/></View>", "PERSON"),
        ("<View><Labels", "not valid XML"),
    ],
)
def test_foreign_configs_are_rejected_with_the_reason(xml: str, needle: str) -> None:
    with pytest.raises(LabelConfigError, match=needle):
        parse_label_config(xml)


# ---- towards Label Studio ----


def test_round_trip_preserves_every_span_and_the_model_version() -> None:
    text = "二、主动公开政府信息情况\n第二十条第（一）项\t966.0898\t万元\n- 3 -\n"
    doc = doc_with(text, ("二、主动公开政府信息情况", "SECTION", 0), ("第二十条第（一）项", "ROW", 0),
                   ("966.0898", "CELL", 0), ("万元", "UNIT", 0), ("- 3 -", "NOISE", 0))  # fmt: skip
    task = document_to_task(doc, model_version="v0001-test")
    pred = task["predictions"][0]
    assert pred["model_version"] == "v0001-test"
    assert pred["score"] == pytest.approx(0.9)
    back = prediction_to_spans(task["data"]["text"], json.loads(json.dumps(pred, ensure_ascii=False)))
    assert [(s.start, s.end, s.label) for s in back] == [(s.start, s.end, s.label) for s in doc.spans]
    assert {s.model_version for s in back} == {"v0001-test"}
    assert task["data"]["doc_id"] == doc.origin.sha256


def test_every_region_has_a_unique_id_and_its_text() -> None:
    text = "1\t2\t3\t4"
    doc = doc_with(text, *[(c, "CELL", 0) for c in "1234"])
    result = spans_to_result(text, doc.spans)
    assert len({r["id"] for r in result}) == 4
    assert all(text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in result)


def test_adjacent_spans_with_the_same_label_stay_separate() -> None:
    # two cells printed with no separator between them, and a row label broken in two fragments
    text = "12 34\n（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    spans = [Span(0, 2, Label.CELL), Span(3, 5, Label.CELL), Span(6, 20, Label.ROW), Span(20, len(text), Label.ROW)]
    doc = Document.from_text(text).with_spans(spans)
    result = spans_to_result(text, doc.spans)
    assert len(result) == 4
    back = result_to_spans(text, result).spans
    assert [(s.start, s.end) for s in back] == [(0, 2), (3, 5), (6, 20), (20, len(text))]
    touching = result_to_spans(text, spans_to_result(text, [Span(0, 1, Label.CELL), Span(1, 2, Label.CELL)])).spans
    assert len(touching) == 2


def test_prediction_needs_a_model_version() -> None:
    with pytest.raises(ValueError, match="model version"):
        prediction_from_spans("abc", [], "")


# ---- from Label Studio: validation ----


@pytest.mark.parametrize(
    "text",
    [
        f"{ASTRAL}表格\t12",  # astral characters before the span
        "申请\r\n人情况\t１２３\t—",  # CRLF, full-width digits, a dash marker
        "（本列数据的勾稽关系为：第一项加第二项之和）\t\t5",  # full-width punctuation, empty cells
        f"前{ASTRAL}中{ASTRAL}后 7",  # astral characters on both sides
    ],
)
def test_code_point_offsets_are_accepted_on_any_text(text: str) -> None:
    target = text.rstrip()[-1]
    start = text.rindex(target)
    region = spans_to_result(text, [Span(start, start + 1, Label.CELL)])[0]
    got = result_to_spans(text, [region])
    assert [(s.start, s.end) for s in got.spans] == [(start, start + 1)]
    assert got.repaired_utf16 == 0


def test_utf16_offsets_after_astral_characters_are_repaired_and_counted() -> None:
    text = f"{ASTRAL}第一行\n表格\t123"
    s = text.index("123")
    region = {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": utf16(text, s), "end": utf16(text, s + 3), "text": "123", "labels": ["CELL"]}}  # fmt: skip
    assert utf16(text, s) != s  # the drift is real
    got = result_to_spans(text, [region])
    assert [(x.start, x.end) for x in got.spans] == [(s, s + 3)] and got.repaired_utf16 == 1
    with pytest.raises(AnnotationError, match="do not match"):
        result_to_spans(text, [region], repair_utf16=False)


def test_utf16_index_inside_a_surrogate_pair_is_none() -> None:
    assert utf16_to_index(ASTRAL, 1) is None
    assert utf16_to_index(ASTRAL, 2) == 1
    assert utf16_to_index(ASTRAL, 4) == 2


def _region(start: int, end: int, text: str, label: str = "CELL", **kw) -> dict:
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}, **kw}  # fmt: skip


@pytest.mark.parametrize(
    "region, needle",
    [
        (_region(0, 3, "123", "PERSON"), "unknown label 'PERSON'"),
        (_region(0, 3, "124"), "do not match"),
        (_region(5, 99, "x"), "out of range"),
        (_region(0, 3, "123", **{"type": "choices"}), "unsupported region"),
        ({"id": "n", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["CELL"]}}, "no annotated text"),
        ({"id": "m", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 3, "text": "123", "labels": ["CELL", "ROW"]}}, "exactly one label"),
        (_region(3, 4, "\t"), "only whitespace"),
    ],
)
def test_bad_regions_are_rejected_with_a_clear_message(region: dict, needle: str) -> None:
    with pytest.raises(AnnotationError, match=needle) as info:
        result_to_spans("123\t456", [region], where="task 7 annotation 9")
    assert "task 7 annotation 9" in str(info.value)


def test_every_problem_is_reported_not_just_the_first() -> None:
    with pytest.raises(AnnotationError) as info:
        result_to_spans("123\t456", [_region(0, 3, "123", "FOO"), _region(4, 7, "999")])
    assert len(info.value.problems) == 2


def test_overlaps_are_rejected_but_exact_duplicates_dropped() -> None:
    text = "123\t456"
    with pytest.raises(AnnotationError, match="overlapping"):
        result_to_spans(text, [_region(0, 3, "123"), _region(2, 5, "3\t4", "ROW")])
    got = result_to_spans(text, [_region(0, 3, "123"), {**_region(0, 3, "123"), "id": "dup"}])
    assert len(got.spans) == 1 and got.duplicates == 1


def test_selection_with_surrounding_whitespace_is_trimmed() -> None:
    text = "行\t 123 \t"
    got = result_to_spans(text, [_region(1, 8, text[1:8])])
    assert [(s.start, s.end) for s in got.spans] == [(3, 6)] and got.trimmed == 1


def test_latest_non_cancelled_annotation_counts() -> None:
    task = {"id": 1, "annotations": [
        as_annotation([], 1, updated_at="2025-01-02T00:00:00Z"),
        as_annotation([], 2, updated_at="2025-01-03T00:00:00Z"),
        as_annotation([], 3, updated_at="2025-01-04T00:00:00Z", was_cancelled=True),
    ]}  # fmt: skip
    assert latest_annotation(task)["id"] == 2
    assert latest_annotation({"annotations": [as_annotation([], 4, was_cancelled=True)]}) is None


def test_task_to_document_gives_human_spans_and_keeps_the_hash() -> None:
    text = f"{ASTRAL}标题\n1 2"
    doc = doc_with(text, ("1", "CELL", 0), ("2", "CELL", 0))
    task = {"id": 5, **document_to_task(doc), "annotations": [as_annotation(spans_to_result(text, doc.spans))]}
    back, _ = task_to_document(json.loads(json.dumps(task)))
    assert back.origin.sha256 == doc.origin.sha256 and back.origin.filename == "t.txt"
    assert [(s.start, s.end, s.label, s.source) for s in back.spans] == [(s.start, s.end, s.label, "human") for s in doc.spans]
    assert back.meta["task_id"] == 5


# ---- batches ----


def test_split_is_fixed_by_content_and_roughly_the_fraction() -> None:
    ids = [f"{i:064x}" for i in range(400)]
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]
    share = sum(split_of(i, 0.25) == "heldout" for i in ids) / len(ids)
    assert 0.15 < share < 0.35
    assert all(split_of(i, 0.0) == "train" for i in ids)


def test_batches_are_immutable_and_later_annotations_win(tmp_path: Path) -> None:
    text = "表\t1\t2"
    d1 = doc_with(text, ("1", "CELL", 0)).with_meta(task_id=1, annotation_id=1)
    d2 = doc_with(text, ("1", "CELL", 0), ("2", "CELL", 0)).with_meta(task_id=1, annotation_id=2)
    b1 = write_batch(tmp_path, [d1], [{"id": 1}], {"project_id": 3, "project": "p"})
    before = (b1.path / "manifest.json").read_text()
    b2 = write_batch(tmp_path, [d2], [{"id": 1}], {"project_id": 3, "project": "p"})
    assert [b.id for b in list_batches(tmp_path)] == [b1.id, b2.id] and b1.id != b2.id
    assert (b1.path / "manifest.json").read_text() == before
    docs = load_documents(tmp_path)
    assert len(docs) == 1 and len(docs[0].spans) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


# ---- the ML backend endpoints ----


class VersionedTagger:
    """Labels every digit run as CELL; its version is whatever the registry says is active."""

    name = "model"

    def __init__(self, version: str):
        self.version = version

    def __call__(self, doc: Document) -> Document:
        import re

        spans = [Span(m.start(), m.end(), Label.CELL, 0.8, "model", self.version) for m in re.finditer(r"\d+", doc.text)]
        return doc.with_spans(spans)


def backend(tmp_path: Path, active: dict, spawn=None, retrain_after: int = 2) -> tuple[TestClient, MLBackendState]:
    settings = MLBackendSettings(runs_dir=tmp_path / "runs", retrain_after=retrain_after, registry_poll_s=0)
    holder = TaggerHolder(factory=lambda: VersionedTagger(active["v"]), active_version=lambda: active["v"], poll_s=0)
    state = MLBackendState(settings, holder, JobRunner(settings, spawn=spawn))
    return TestClient(create_backend_app(state)), state


def _new_version(registry, tag: str) -> str:
    with registry.new_version(tag) as draft:
        (draft.path / "meta.json").write_text("{}", "utf-8")
    return draft.version


def test_predict_answers_in_task_order_with_the_registry_version(tmp_path: Path) -> None:
    from govreport.training.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "models")
    registry.promote(_new_version(registry, "base"))
    active = {"v": registry.active().version}
    client, state = backend(tmp_path, active)
    state.holder.active_version = lambda: registry.active().version
    state.holder.factory = lambda: VersionedTagger(registry.active().version)
    texts = [f"{ASTRAL}甲\t12\t34", "乙 5"]
    r = client.post("/predict", json={"tasks": [{"id": i, "data": {"text": t}} for i, t in enumerate(texts)],
                                      "label_config": label_config_xml()})  # fmt: skip
    assert r.status_code == 200
    results = r.json()["results"]
    assert [len(x["result"]) for x in results] == [2, 1]
    first = results[0]["model_version"]
    assert first == registry.active().version
    for text, res in zip(texts, results):
        assert res["model_version"] == first  # one version per answer, the loaded model's
        assert all(text[g["value"]["start"] : g["value"]["end"]] == g["value"]["text"] for g in res["result"])
    # a retrain writes a new version; once promoted, the next request names it (never a reused one)
    new = _new_version(registry, "retrain")
    assert client.post("/predict", json={"tasks": [{"data": {"text": "1"}}]}).json()["model_version"] == first
    registry.promote(new)
    again = client.post("/predict", json={"tasks": [{"data": {"text": "1"}}]}).json()
    assert again["results"][0]["model_version"] == new != first
    assert {first, new} <= {v.version for v in registry.versions()}


def test_predict_rejects_tasks_without_text_and_foreign_configs(tmp_path: Path) -> None:
    client, _ = backend(tmp_path, {"v": "v0001-x"})
    assert client.post("/predict", json={"tasks": [{"id": 3, "data": {"html": "x"}}]}).status_code == 422
    foreign = label_config_xml().replace('name="label"', 'name="ner"')
    r = client.post("/predict", json={"tasks": [{"data": {"text": "1"}}], "label_config": foreign})
    assert r.status_code == 422 and "ner" in r.json()["detail"]


def test_health_and_setup_answer_without_loading_a_model(tmp_path: Path) -> None:
    calls = []
    client, state = backend(tmp_path, {"v": "v0003-x"})
    state.holder.factory = lambda: calls.append(1) or VersionedTagger("v0003-x")
    assert client.get("/health").json() == {"status": "UP", "model_class": "govreport", "model_version": "v0003-x"}
    assert client.post("/setup", json={"project": "1.123", "schema": label_config_xml()}).json()["model_version"] == "v0003-x"
    bad = client.post("/setup", json={"project": "1.123", "schema": "<View><Text name='text' value='$text'/></View>"})
    assert bad.status_code == 422


def test_webhook_records_events_and_starts_one_background_job(tmp_path: Path) -> None:
    import threading

    release = threading.Event()
    started: list[str] = []

    def spawn(cmd: str, log_path: Path) -> int:
        started.append(cmd)
        release.wait(5)
        return 0

    client, state = backend(tmp_path, {"v": "v0001-x"}, spawn=spawn, retrain_after=2)
    ev = {"action": "ANNOTATION_CREATED", "project": {"id": 4}, "task": {"id": 1}, "annotation": {"id": 10}}
    first = client.post("/webhook", json=ev).json()
    assert first["job"] is None and first["pending_annotations"] == 1
    second = client.post("/webhook", json={**ev, "action": "ANNOTATION_UPDATED"}).json()
    assert second["job"]["started"] is True  # the request returned while the job is still running
    assert state.jobs.state["running"] is True
    third = client.post("/webhook", json={"action": "START_TRAINING", "project": {"id": 4}}).json()
    assert third["job"] == {"started": False, "queued": True, "reason": "START_TRAINING"}
    release.set()
    assert state.jobs.wait_idle(10)
    assert len(started) == 2 and "--project-id 4" in started[0]
    assert state.jobs.state["runs"] == 2 and state.jobs.state["last"]["exit_code"] == 0
    lines = (tmp_path / "runs" / "webhook_events.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(l)["action"] for l in lines] == ["ANNOTATION_CREATED", "ANNOTATION_UPDATED", "START_TRAINING"]
    assert client.post("/webhook", json={"action": "PROJECT_UPDATED", "project": {"id": 4}}).json()["job"] is None
    bulk = {"action": "ANNOTATIONS_CREATED", "project": {"id": 5}, "annotations": [{"id": 1}, {"id": 2}, {"id": 3}]}
    assert client.post("/webhook", json=bulk).json()["job"]["started"] is True  # 3 annotations >= 2
    assert state.jobs.wait_idle(10) and state.jobs.state["last"]["project"] == 5


def test_the_service_app_serves_the_ml_backend_with_its_loaded_model() -> None:
    from govreport.service.app import create_app
    from govreport.service.settings import ServiceSettings

    app = create_app(ServiceSettings(tagger="rules", reload_poll_s=0))
    with TestClient(app) as client:
        loaded = client.get("/v1/models").json()["loaded"]["tagger"]["version"]
        assert client.get("/health").json()["model_version"] == loaded
        r = client.post("/predict", json={"tasks": [{"data": {"text": "二、主动公开政府信息情况\n1"}}]})
        assert r.status_code == 200 and r.json()["results"][0]["model_version"] == loaded


def test_cli_config_check_and_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from govreport.training.annotation.cli import label_group

    runner = CliRunner()
    out = tmp_path / "cfg.xml"
    assert runner.invoke(label_group, ["config", "--check", "--out", str(out)]).exit_code == 1
    assert runner.invoke(label_group, ["config", "--out", str(out)]).exit_code == 0
    assert out.read_text("utf-8") == label_config_xml()
    assert runner.invoke(label_group, ["config", "--check", "--out", str(out)]).exit_code == 0
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    r = runner.invoke(label_group, ["pull", "--project", "x", "--out", str(tmp_path)])
    assert r.exit_code == 1 and "no Label Studio API key" in r.output
    assert "govreport label server start prints" in r.output  # where a new annotator gets one
    r = runner.invoke(label_group, ["pull", "--project", "x", "--project-id", "3"])
    assert r.exit_code == 2 and "exactly one" in r.output


def test_retrain_names_a_missing_batches_folder_and_says_where_batches_come_from(tmp_path: Path) -> None:
    # a mistyped --batches folder was "no annotated reports in the batches" (and a report written
    # for it); with no batches at all the summary did not say how to make one
    from click.testing import CliRunner

    from govreport.training.annotation.cli import retrain_cmd

    runner = CliRunner()
    args = ["--models-dir", str(tmp_path / "models"), "--report-dir", str(tmp_path / "runs"), "--quiet"]
    r = runner.invoke(retrain_cmd, ["--batches", str(tmp_path / "batchs"), *args])
    assert r.exit_code == 2 and "no such folder" in r.output and "govreport label pull" in r.output, r.output
    assert not (tmp_path / "runs").exists()
    (tmp_path / "batches").mkdir()
    r = runner.invoke(retrain_cmd, ["--batches", str(tmp_path / "batches"), *args])
    assert r.exit_code == 0 and "nothing to train on" in r.output and "govreport label pull --project" in r.output, r.output


# ---- issue 17: the webhook job's data dir and a trigger count that survives restarts ----------


def test_webhook_job_writes_outside_the_repository_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("GOVREPORT_LS_DATA_DIR", raising=False)
    monkeypatch.delenv("GOVREPORT_LS_RUNS_DIR", raising=False)
    s = MLBackendSettings()
    assert s.data_dir == tmp_path / "xdg" / "govreport" / "annotation" and s.runs == s.data_dir / "runs"
    assert repo not in s.data_dir.parents
    monkeypatch.setenv("GOVREPORT_LS_DATA_DIR", str(tmp_path / "data dir"))
    s = MLBackendSettings()
    seen: list[str] = []
    jobs = JobRunner(s, spawn=lambda cmd, log: seen.append(cmd) or 0)
    jobs.trigger(7, "test")
    assert jobs.wait_idle(10)
    (cmd,) = seen
    assert f"--out '{tmp_path}/data dir'/batches" in cmd and f"--batches '{tmp_path}/data dir'/batches" in cmd
    assert f"--report-dir '{tmp_path}/data dir/runs'/retrain" in cmd
    assert Path(jobs.state["last"]["log"]).parent == tmp_path / "data dir" / "runs" / "jobs"
    # GOVREPORT_LS_RUNS_DIR moves the runs (logs, reports, event log), the batches stay in the data dir
    monkeypatch.setenv("GOVREPORT_LS_RUNS_DIR", str(tmp_path / "runs2"))
    s = MLBackendSettings()
    assert s.runs == tmp_path / "runs2" and s.data_dir == tmp_path / "data dir"
    seen.clear()
    jobs = JobRunner(s, spawn=lambda cmd, log: seen.append(cmd) or 0)
    jobs.trigger(7, "test")
    assert jobs.wait_idle(10)
    assert f"--report-dir {tmp_path}/runs2/retrain" in seen[0] and f"--out '{tmp_path}/data dir'/batches" in seen[0]
    monkeypatch.delenv("GOVREPORT_LS_RUNS_DIR")
    # what the job would write inside a checkout is git-ignored (the shipped model stays tracked)
    ignored = subprocess.run(["git", "check-ignore", "annotations/batches/b0001-20260101T000000Z/manifest.json",
                              "models/v0002-20260101-retrain/meta.json", "models/v0001-20261123-default/meta.json"],
                             cwd=repo, capture_output=True, text=True).stdout.split()  # fmt: skip
    assert ignored == ["annotations/batches/b0001-20260101T000000Z/manifest.json", "models/v0002-20260101-retrain/meta.json"]


def test_trigger_count_survives_a_restart_and_counts_annotations_made_meanwhile(tmp_path: Path) -> None:
    started: list[str] = []
    client, state = backend(tmp_path, {"v": "v0001-x"}, spawn=lambda cmd, log: started.append(cmd) or 0, retrain_after=4)
    ev = {"action": "ANNOTATION_CREATED", "project": {"id": 4}, "task": {"id": 1}}
    for k, t in enumerate(["2026-11-29T10:00:00.000000Z", "2026-11-29T10:05:00.000000Z"]):
        r = client.post("/webhook", json={**ev, "annotation": {"id": 10 + k, "updated_at": t}}).json()
    assert r["pending_annotations"] == 2 and not started

    # the service restarts: a new state from the same settings continues the count
    client2, state2 = backend(tmp_path, {"v": "v0001-x"}, spawn=lambda cmd, log: started.append(cmd) or 0, retrain_after=4)
    assert state2.pending == {4: 2}
    assert client2.get("/webhook/status").json()["pending"] == {"4": 2}

    # while it was down, the annotators made two more (and one older one is already counted)
    export = [{"id": 1, "annotations": [{"id": 10, "updated_at": "2026-11-29T10:00:00.000000Z"},
                                        {"id": 11, "updated_at": "2026-11-29T10:05:00.000000Z"}]},
              {"id": 2, "annotations": [{"id": 12, "updated_at": "2026-11-29T11:00:00Z"}]},
              {"id": 3, "annotations": [{"id": 13, "updated_at": "2026-11-29T11:30:00+00:00"},
                                        {"id": 14, "updated_at": "2026-11-29T12:00:00Z", "was_cancelled": True}]}]  # fmt: skip
    asked: list[int] = []
    added = state2.catch_up(lambda pid: asked.append(pid) or export)
    assert asked == [4] and added == {4: 2}
    assert state2.jobs.wait_idle(10) and len(started) == 1 and "--project-id 4" in started[0]  # 2 + 2 >= 4
    assert state2.pending[4] == 0
    state3 = backend(tmp_path, {"v": "v0001-x"})[1]
    assert state3.pending == {4: 0} and state3.catch_up(lambda pid: export) == {4: 0}  # nothing counted twice


def test_a_retried_webhook_delivery_counts_once_also_after_a_restart(tmp_path: Path) -> None:
    started: list[str] = []
    client, state = backend(tmp_path, {"v": "v0001-x"}, spawn=lambda cmd, log: started.append(cmd) or 0, retrain_after=3)
    ev = {"action": "ANNOTATION_CREATED", "project": {"id": 5}, "task": {"id": 1},
          "annotation": {"id": 20, "updated_at": "2026-11-29T10:00:00Z"}}  # fmt: skip
    assert [client.post("/webhook", json=ev).json()["pending_annotations"] for _ in range(3)] == [1, 1, 1]
    client2, state2 = backend(tmp_path, {"v": "v0001-x"}, spawn=lambda cmd, log: started.append(cmd) or 0, retrain_after=3)
    assert client2.post("/webhook", json=ev).json()["pending_annotations"] == 1  # the restart remembers it
    edited = {**ev, "action": "ANNOTATION_UPDATED", "annotation": {"id": 20, "updated_at": "2026-11-29T10:07:00Z"}}
    assert client2.post("/webhook", json=edited).json()["pending_annotations"] == 2  # a real edit counts
    assert client2.post("/webhook", json=edited).json()["pending_annotations"] == 2
    assert not started and state2.pending == {5: 2}
    assert state2.seen_until[5].startswith("2026-11-29T10:07")


def test_damaged_trigger_state_is_reported_not_fatal(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "trigger_state.json").write_text("{not json", "utf-8")
    with caplog.at_level("WARNING"):
        _, state = backend(tmp_path, {"v": "v0001-x"})
    assert state.pending == {} and "trigger_state.json" in caplog.text
