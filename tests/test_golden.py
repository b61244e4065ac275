"""Golden tests: the development corpus must extract exactly (contract scores at 100 %)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govreport.extraction.evaluate import score_report
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

CORPUS = Path(__file__).parent / "data" / "corpus"
GOLDS = sorted(CORPUS.glob("*.gold.json"))


def test_regenerate_flag_is_off_in_ci():
    """Gold files are hand-checked; nothing may rewrite them during a CI run."""
    assert not os.environ.get("GOVREPORT_REGEN_GOLD"), "GOVREPORT_REGEN_GOLD must not be set"


@pytest.fixture(scope="module", params=["rules", "auto"])
def extractor(request):
    return Extractor(get_tagger(request.param))


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.name for g in GOLDS])
def test_corpus_report_exact(gold_path, extractor):
    gold = json.loads(gold_path.read_text("utf-8"))
    result = extractor.extract_path(CORPUS / gold["source"])
    sc = score_report(result.output, gold, result.document.text, gold["source"])
    assert sc.errors == []
    assert sc.template_ok and sc.year_ok and sc.organ_ok
    assert sc.exact and sc.sections_ok == 6 and sc.tables_ok == 3


def test_html_ingest_gives_the_same_tables(extractor):
    gold = json.loads((CORPUS / "hangzhou_fixture.gold.json").read_text("utf-8"))
    result = extractor.extract_path(CORPUS / "hangzhou_fixture.html")
    out = result.output
    assert out["tables"] == gold["tables"]
    assert (out["template"], out["year"], out["organ"]) == (gold["template"], gold["year"], gold["organ"])
    assert [s["index"] for s in out["sections"]] == [1, 2, 3, 4, 5, 6]
    for s in out["sections"]:  # offsets point at the heading in the flattened text
        assert result.document.text[s["start"] :].startswith(s["title"])


def test_cell_provenance_points_at_the_value(extractor):
    result = extractor.extract_path(CORPUS / "hangzhou_fixture.txt")
    text = result.document.text
    prov = result.output["provenance"]["applications"]["new_received"]["total"]
    assert text[prov["start"] : prov["end"]] == "14069"
    assert 0 < prov["confidence"] <= 1


def test_shipped_model_matches_the_rule_release(caplog):
    """The default model reads the rule tagger's tags: a minor rule release keeps it valid (no
    warning), a major one must not load silently."""
    import logging

    from govreport.extraction.taggers.rules import RULES_VERSION
    from govreport.extraction.model.predictor import _rules_major

    with caplog.at_level(logging.WARNING):
        tagger = get_tagger("model")
    assert tagger.name == "model"
    assert not [r for r in caplog.records if "retrain it" in r.getMessage()]
    major = _rules_major(RULES_VERSION)
    assert major == "rules-1" and _rules_major("rules-1.0") == major and _rules_major("rules-2.0") != major
