"""Character-level damage (training.synth.noise): spans carried, figures kept, held-back families apart."""
from __future__ import annotations

import json
import random

import pytest

from govreport.extraction.labels import Label
from govreport.training.synth.generator import make_report
from govreport.training.synth.noise import (
    FAMILIES,
    HELDOUT_CONFIG,
    HELDOUT_FAMILIES,
    HELDOUT_FILLERS,
    TRAIN_FAMILIES,
    TRAIN_INVISIBLE,
    TRAIN_SYNONYMS,
    damage,
    heldout_config,
    train_damage,
)


class AlwaysRandom(random.Random):
    """Every chance fires (rng.random() == 0): each family damages everything it may."""

    def random(self) -> float:
        return 0.0


@pytest.fixture(scope="module")
def report():
    return make_report(3, 5)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_span_is_carried_and_figures_keep_their_value(report, family):
    from govreport.extraction.textview import view_document

    doc = report.to_document()
    out, applied, lines = damage(doc, [family], AlwaysRandom(1), report.gold["sections"])
    assert applied == [family]
    assert out.text != doc.text
    assert len(out.spans) == len(doc.spans)
    assert [s.label for s in out.spans] == [s.label for s in doc.spans]
    for s in out.spans:
        t = out.text[s.start : s.end]
        assert t and t == t.strip()
    # figures read the same through the normalised view (OCR letters, invisible characters)
    view, _ = view_document(out)
    before = [doc.text[s.start : s.end] for s in doc.spans if s.label == Label.CELL]
    after = [view.text[s.start : s.end] for s in view.spans if s.label == Label.CELL]
    assert after == before
    # each gold section line still holds its heading
    heads = [s for s in out.spans if s.label == Label.SECTION]
    lines_text = out.text.split("\n")
    for k, ln in lines.items():
        if ln is not None and report.gold["sections"][k] is not None:
            assert any(out.text.count("\n", 0, s.start) + 1 == ln for s in heads), (k, ln, lines_text[ln - 1][:30])


def test_held_back_families_are_never_training_families():
    cfg = heldout_config()
    assert set(cfg["families"]) == set(HELDOUT_FAMILIES)
    assert not set(HELDOUT_FAMILIES) & set(TRAIN_FAMILIES)
    assert not set(HELDOUT_FILLERS) & set(TRAIN_INVISIBLE)
    train_alts = {a for alts in TRAIN_SYNONYMS.values() for a in alts}
    held_alts = {a for alts in cfg["paraphrases"].values() for a in alts}
    assert not train_alts & held_alts
    assert HELDOUT_CONFIG.exists()


def test_training_damage_draws_only_training_families(report):
    rng = random.Random(0)
    seen = set()
    for _ in range(40):
        out = train_damage(report.to_document(), rng, 0.5)
        seen |= set(out.meta.get("noise", []))
        assert not any(c in out.text for c in HELDOUT_FILLERS)
    assert seen and seen <= set(TRAIN_FAMILIES)


def test_default_config_trains_on_damage_but_not_on_held_back_kinds():
    from govreport.training.config import DEFAULT_CONFIG_PATH, TrainConfig

    cfg = TrainConfig.load(DEFAULT_CONFIG_PATH)
    assert cfg.char_noise > 0 and cfg.rule_dropout >= 0.3 and cfg.vocabulary == "fixed"
    raw = json.loads(DEFAULT_CONFIG_PATH.read_text("utf-8"))
    assert not set(json.dumps(raw)) & set("".join(HELDOUT_FILLERS))
    assert not any(name in json.dumps(raw) for name in HELDOUT_FAMILIES)


def test_held_back_fillers_are_letters_the_normalised_view_keeps(report):
    """The held-back fillers must defeat the rules' view (else the family shows no reading):
    they are not format characters, so the view keeps them next to the figures."""
    import unicodedata

    from govreport.extraction.textview import view_document

    assert all(unicodedata.category(c) != "Cf" for c in HELDOUT_FILLERS)
    out, applied, _ = damage(report.to_document(), ["heldout_fillers"], AlwaysRandom(2))
    assert applied == ["heldout_fillers"]
    view, _ = view_document(out)
    assert any(c in view.text for c in HELDOUT_FILLERS)
    # between two cells of a row the spaces are gone: a filler joins the figures
    import re

    assert re.search(r"\d[%s]+\d" % "".join(HELDOUT_FILLERS), out.text)
