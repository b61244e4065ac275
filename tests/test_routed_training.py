"""Rendered documents read the ways users read them, as training data (TrainConfig.routed_*)."""
from __future__ import annotations

import shutil

import pytest

from govreport.training.config import DEFAULT_CONFIG_PATH, TrainConfig
from govreport.training.data import routed_documents


def test_routed_readings_carry_located_gold_and_are_cached(tmp_path):
    docs, summary = routed_documents(2, 31, ["docx", "html:browser-copy"], cache_dir=tmp_path)
    assert len(docs) == 4 and summary["kept_per_route"] == {"docx": 2, "html:browser-copy": 2}
    for d in docs:
        assert d.spans and d.meta["transforms"][0].startswith("route:")
        for s in d.spans:  # every gold span lies on text of the reading, trimmed
            t = d.text[s.start : s.end]
            assert t and t == t.strip()
    (cache,) = tmp_path.iterdir()
    again, summary2 = routed_documents(2, 31, ["docx", "html:browser-copy"], cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == [cache] and summary2["cache"] == cache.name
    assert [(d.text, d.spans) for d in again] == [(d.text, d.spans) for d in docs]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_reading_whose_gold_cannot_be_located_is_left_out(tmp_path, monkeypatch):
    from govreport.training.synth import routes

    real = routes.locate

    def one_short_in_pdf_text(items, text):  # every segment of a pdftotext reading (pages: form feeds) but one
        spans, sections, unlocated = real(items, text)
        return spans, sections, unlocated + ("\f" in text)

    monkeypatch.setattr(routes, "locate", one_short_in_pdf_text)
    docs, summary = routed_documents(2, 31, ["wps-pdf:pdftotext", "docx"], cache_dir=tmp_path, max_unlocated=0)
    assert summary["dropped_unlocated"] == 2 and "wps-pdf:pdftotext" not in summary["kept_per_route"]
    assert [d.meta["transforms"] for d in docs] == [["route:docx"], ["route:docx"]]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_readings_out_of_order_are_kept_with_every_value_a_cell(tmp_path):
    # raw pdftotext (content-stream order) and pdfplumber (empty cells dropped): located by locate's
    # second pass; the CELL spans' texts are the printed values of the rendered tables, as a multiset
    from collections import Counter

    from govreport.extraction.labels import Label
    from govreport.training.synth.documents import make_document

    routes = ["wps-pdf:pdftotext", "wps-pdf:pdfplumber"]
    docs, summary = routed_documents(2, 31, routes, cache_dir=tmp_path, max_unlocated=5)
    assert summary["kept_per_route"] == {r: 2 for r in routes}
    for d in docs:
        source = make_document(31, int(d.origin.filename.split("-")[2]))
        printed = Counter(s.text.strip() for s, _ in source.labelled_items() if s.label == Label.CELL)
        got = Counter(d.text[s.start : s.end] for s in d.spans if s.label == Label.CELL)
        assert got <= printed and sum((printed - got).values()) <= 5, (d.origin.filename, printed - got, got - printed)


def test_default_config_trains_on_routes_and_every_late_kind():
    from govreport.training.synth.routes import ROUTES
    from govreport.training.synth.transforms import KINDS_SPEC

    cfg = TrainConfig.load(DEFAULT_CONFIG_PATH)
    assert cfg.routed_docs > 0 and cfg.routed_routes and set(cfg.routed_routes) <= set(ROUTES)
    late = {k.name for k in KINDS_SPEC if k.late}
    assert late <= {k for k, v in cfg.synth_rates.items() if v > 0}
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg


# Reader routes deliberately left out of the default model's training data, each with the reason.
# Empty: every way users read a report is part of the training data (the project rule).
ROUTES_LEFT_OUT: dict[str, str] = {}


def test_default_config_trains_on_every_reader_route():
    from govreport.training.synth.routes import ROUTES

    cfg = TrainConfig.load(DEFAULT_CONFIG_PATH)
    assert not set(ROUTES_LEFT_OUT) - set(ROUTES), "a route left out that no longer exists"
    assert not set(ROUTES_LEFT_OUT) & set(cfg.routed_routes), "a route both trained on and left out"
    missing = [r for r in ROUTES if r not in cfg.routed_routes and r not in ROUTES_LEFT_OUT]
    assert not missing, f"reader routes missing from {DEFAULT_CONFIG_PATH.name} routed_routes: {missing}"
    assert len(cfg.routed_routes) == len(set(cfg.routed_routes)), "a route listed twice"
