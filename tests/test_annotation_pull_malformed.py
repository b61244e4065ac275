"""``label pull`` on malformed exports (issue 19): clean per-task errors, nothing written, no
traceback; non-finite numbers never reach the batch's JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govreport.training.annotation.client import LabelStudioError
from govreport.training.annotation.config import DATA_KEY, FROM_NAME, TO_NAME
from govreport.training.annotation.convert import AnnotationError
from govreport.training.annotation.pull import pull

TEXT = "一、总体情况\n本年新收政府信息公开申请12件。\n"


def region(start: int = 0, end: int = 6, label: Any = "SECTION") -> dict[str, Any]:
    return {"id": "r1", "type": "labels", "from_name": FROM_NAME, "to_name": TO_NAME,
            "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}}  # fmt: skip


def task(tid: int, result: Any = None, **extra: Any) -> dict[str, Any]:
    ann = {"id": tid * 10, "result": [region()] if result is None else result, "lead_time": float("nan")}
    return {"id": tid, "data": {DATA_KEY: TEXT, "filename": f"t{tid}.txt"}, "annotations": [ann], **extra}


class FakeClient:
    url = "http://ls.invalid"

    def __init__(self, export: Any):
        self.export = export

    def project(self, pid: int) -> dict[str, Any]:
        return {"title": "p"}

    def export_tasks(self, pid: int) -> Any:
        return self.export


MALFORMED = {
    "task not an object": ["just a string"],
    "data not an object": [{"id": 2, "data": ["x"], "annotations": []}],
    "annotations not a list": [{"id": 3, "data": {DATA_KEY: TEXT}, "annotations": {"a": 1}}],
    "result not a list": [task(4, result="oops")],
    "region value not an object": [task(5, result=[{**region(), "value": ["start", 0]}])],
    "label not a string": [task(6, result=[region(label={"x": 1})])],
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_exports_give_clean_errors_and_write_nothing(kind: str, tmp_path: Path) -> None:
    with pytest.raises(AnnotationError) as info:
        pull(FakeClient([task(1), *MALFORMED[kind]]), 1, tmp_path / "batches")
    assert info.value.problems and all(isinstance(p, str) for p in info.value.problems)
    assert not (tmp_path / "batches").exists() or not any((tmp_path / "batches").iterdir())
    result = pull(FakeClient([task(1), *MALFORMED[kind]]), 1, tmp_path / "batches", skip_invalid=True)
    assert result.counts["rejected"] == 1 and result.batch is not None


def test_an_export_that_is_not_a_list_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LabelStudioError, match="not a list"):
        pull(FakeClient({"detail": "error"}), 1, tmp_path)


def test_no_nan_in_the_written_json(tmp_path: Path) -> None:
    result = pull(FakeClient([task(1), task(2)]), 1, tmp_path / "batches")
    assert result.batch is not None
    for f in result.batch.path.rglob("*.json*"):
        text = f.read_text("utf-8")
        assert "NaN" not in text and "Infinity" not in text, f
        if f.suffix == ".json":
            json.loads(text, parse_constant=lambda c: pytest.fail(f"{f}: {c}"))


class FakePushClient:
    """What ``push_documents`` asks of Label Studio, kept in memory."""

    def __init__(self) -> None:
        self.tasks: list[dict[str, Any]] = []

    def get_or_create_project(self, title: str, config: str, model_version: str, settings: dict[str, Any]) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(id=1, created=True)

    def project(self, pid: int) -> dict[str, Any]:
        return {"model_version": "rules-1"}

    def iter_tasks(self, pid: int) -> list[dict[str, Any]]:
        return list(self.tasks)

    def import_tasks(self, pid: int, tasks: list[dict[str, Any]]) -> list[int]:
        self.tasks += [{**t, "id": len(self.tasks) + k} for k, t in enumerate(tasks)]
        return [t["id"] for t in self.tasks[-len(tasks) :]]

    def set_project_model_version(self, pid: int, version: str) -> None:
        pass


def test_a_mojibake_report_is_pushed_read_back_for_the_annotators() -> None:
    # annotators were given "æ¹–å—…" to read and label; they get the Chinese text, spans on it
    from govreport.extraction.document import Document
    from govreport.extraction.taggers.rules import RuleTagger
    from govreport.training.annotation.push import push_documents

    report = (Path(__file__).parent / "data" / "corpus" / "hangzhou_fixture.txt").read_text("utf-8")
    moj = Document.from_text(report.encode("utf-8").decode("latin-1"), filename="moj.txt")
    client = FakePushClient()
    result = push_documents(client, "p", [moj], RuleTagger())  # type: ignore[arg-type]
    assert result.imported == ["moj.txt"]
    (task,) = client.tasks
    assert task["data"][DATA_KEY] == report and task["data"]["filename"] == "moj.txt"
    regions = task["predictions"][0]["result"]
    assert regions and all(report[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in regions)
    assert push_documents(client, "p", [moj], RuleTagger()).skipped == ["moj.txt"]  # idempotent, as before
