"""The synthetic report generator: exact spans under every messiness kind, arithmetic, determinism, dataset."""
from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govreport.extraction.labels import Label
from govreport.extraction.normalize import normalize
from govreport.extraction.textview import text_view
from govreport.extraction.templates import TABLES, table_spec
from govreport.training.synth import DEFAULT_RATES, KINDS, SynthReport, generate, iter_reports, make_report
from govreport.training.synth.content import arithmetic_failures
from govreport.training.synth.transforms import KIND_BY_NAME, LAYOUT_KINDS

SEEDS = (1, 2, 3)
PER_SEED = 3
BLANK_MARKERS = {"-", "—", "－", "无"}
NUMBER_RE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")


def _fmt_for(kind: str) -> str | None:
    return "2019" if KIND_BY_NAME[kind].formats == ("2019",) else None


def cell_number(text: str) -> float | None:
    t = normalize(text)
    if t in BLANK_MARKERS:
        return None
    assert NUMBER_RE.match(t), f"CELL span {text!r} is not a number or a blank marker"
    return float(t.replace(",", ""))


CELL_SCALES = (("千元", 0.1), ("十万元", 10), ("亿", 10000), ("万", 10000))
CELL_UNITS = ("千元", "十万元", "亿元", "亿", "万", "(件)", "（件）")


def check_spans(r: SynthReport) -> None:
    """Every span is a non-empty, whitespace-free, non-overlapping piece of the text that says what
    its label says; the gold's sections and cell values are where the spans put them."""
    text = r.text
    view = text_view(text)  # what the pipeline reads: converter damage (doubling, OCR letters…) repaired
    # mojibake: a span's last byte may read as a space (0xA0 is NBSP in Latin-1): what is read counts
    read_back = "mojibake" in r.transforms or "mojibake_lossy" in r.transforms

    def read(s) -> str:
        return view.text[view.to_view(s.start) : view.to_view(s.end)]

    lines_start = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    last_end = 0
    sections = {}
    cell_values: list[float] = []
    for s in sorted(r.spans, key=lambda s: s.start):
        piece = read(s) if read_back else text[s.start : s.end]
        assert piece and piece == piece.strip(), (r.id, s)
        assert s.start >= last_end, f"{r.id}: overlapping spans at {s.start}"
        assert s.source == "gold"
        last_end = s.end
        if s.label == Label.CELL:
            v = cell_number(read(s))
            if v is not None:
                unit = normalize(text[s.end : s.end + 4]).strip()
                cell_values.append(v / 10000 if unit.startswith("元") else v)
                # a unit or multiplier in the cell (cell_units): 千元, 十万元, 亿元/亿 (of 万元), 万
                scale = next((k for u, k in CELL_SCALES if unit.startswith(u)), None)
                if scale is not None:
                    cell_values.append(v * scale)
        elif s.label == Label.UNIT:
            assert normalize(piece) in ("万元", "元", "件", "个", "项", "条", *CELL_UNITS) or not read(s).strip(), piece
        elif s.label == Label.SECTION:
            line_no = max(i for i, p in enumerate(lines_start) if p <= s.start) + 1
            sections.setdefault(line_no, []).append(normalize(read(s)))  # crawler text: all on one line
        elif s.label in (Label.ROW, Label.COL, Label.TITLE, Label.NOISE):
            assert "\n" not in piece, (r.id, s.label, piece)
    # every section the gold places is a SECTION span on that line, with its numeral
    numerals = "一二三四五六"
    for k, line in r.gold["sections"].items():
        if line is not None:
            assert line in sections, (r.id, k, line)
            assert any(h.removeprefix("第").startswith(numerals[int(k) - 1]) for h in sections[line]), (r.id, sections[line])
    # every printed gold value can be read from some CELL span (元 amounts converted, headers too)
    readable = {round(v, 6) for v in cell_values} | {round(v / 10000, 6) for v in cell_values}
    for t, table in r.gold["tables"].items():
        if t == "active_disclosure" and "wrapped_figures" in r.transforms:
            continue  # a figure printed in two pieces (head CELL, tail CELL on the next line): gold is the whole
        for row, cols in (table or {}).items():
            for col, v in cols.items():
                if v is not None:
                    assert round(float(v), 6) in readable, (r.id, t, row, col, v)


@pytest.mark.parametrize("kind", KINDS)
def test_spans_exact_under_every_kind(kind: str) -> None:
    applied = 0
    for seed in SEEDS:
        for r in generate(PER_SEED, seed, kinds=[kind], fmt=_fmt_for(kind)):
            check_spans(r)
            applied += kind in r.transforms
            assert r.to_document().spans == tuple(sorted(r.spans))
    assert applied >= len(SEEDS), f"{kind} applied to only {applied} reports"


def test_spans_exact_in_random_mixtures() -> None:
    reports = generate(60, 11, rates={k: min(1.0, 3 * p) for k, p in DEFAULT_RATES.items()})
    for r in reports:
        check_spans(r)
    assert max(len(r.transforms) for r in reports) >= 8  # kinds really compose


def test_gold_tables_follow_the_template() -> None:
    for r in generate(20, 4):
        for t in TABLES:
            table = r.gold["tables"][t]
            if table is None:
                continue
            spec = table_spec(r.template, t)
            assert list(table) == list(spec.row_keys)
            for row in spec.rows:
                assert list(table[row.key]) == list(row.cols)
        assert r.gold["template"] in ("2019", "2021")
        assert (r.gold["year"] <= 2020) == (r.template == "2019")
        assert r.gold["organ"] and r.gold["organ"] in normalize(r.text)


def _gold_tables(r: SynthReport) -> dict:
    return {t: v for t, v in r.gold["tables"].items() if v is not None}


def test_arithmetic_holds_unless_marked_inconsistent() -> None:
    reports = generate(150, 21)
    assert sum(r.inconsistent for r in reports) >= 5
    for r in reports:
        fails = arithmetic_failures(r.template, _gold_tables(r))
        if not r.inconsistent:
            assert fails == [], (r.id, r.transforms, fails)
        else:
            assert "arithmetic error injected" in r.gold["notes"]


def test_injected_errors_are_visible() -> None:
    for r in generate(30, 8, kinds=["arithmetic_errors"]):
        assert r.inconsistent
        assert arithmetic_failures(r.template, _gold_tables(r)), r.id


def test_rates_control_the_kinds() -> None:
    none = generate(10, 3, rates={k: 0.0 for k in KINDS})
    assert all(r.transforms == [] for r in none)
    always = generate(10, 3, rates={"traditional": 1.0, "web_junk": 1.0, "truncated": 0.0})
    assert all("traditional" in r.transforms and "web_junk" in r.transforms for r in always)
    layouts = [r for r in generate(40, 3, rates={k: 1.0 for k in LAYOUT_KINDS})]
    assert all(sum(k in LAYOUT_KINDS for k in r.transforms) == 1 for r in layouts)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        generate(1, 0, kinds=["no_such_kind"])
    with pytest.raises(ValueError, match="exclusive"):
        generate(1, 0, kinds=["tab_grid", "space_aligned"])
    with pytest.raises(ValueError):
        generate(1, 0, rates={"markdown": 1.5})
    with pytest.raises(ValueError):
        generate(1, 0, kinds=["negative_values"], fmt="2021")


def test_deterministic_by_seed_and_independent_of_global_random() -> None:
    random.seed(123)
    a = generate(8, 5)
    random.seed(999)
    b = generate(8, 5)
    assert [(r.text, r.spans, r.gold, r.transforms) for r in a] == [(r.text, r.spans, r.gold, r.transforms) for r in b]
    assert make_report(5, 6).text == a[6].text  # a report depends on (seed, index) only
    assert [r.text for r in generate(8, 6)] != [r.text for r in a]
    assert next(iter_reports(1, 5)).text == a[0].text


def test_traditional_is_one_to_one() -> None:
    r = generate(1, 2, kinds=["traditional"], fmt="2019")[0]
    plain = make_report(2, 0, kinds=[], fmt="2019")
    assert r.text != plain.text and len(r.text) == len(plain.text)
    assert normalize(r.text) == normalize(plain.text)  # the pipeline's normalisation undoes it exactly
    assert r.spans == plain.spans and r.gold == plain.gold


def _dir_digest(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_dataset_same_seed_same_bytes(tmp_path: Path) -> None:
    from govreport.training.synth.cli import synth_cmd

    runner = CliRunner()
    for name in ("a", "b"):
        res = runner.invoke(synth_cmd, ["-n", "12", "--seed", "7", "-o", str(tmp_path / name), "--rate", "traditional=0.5"])
        assert res.exit_code == 0, res.output
    da, db = _dir_digest(tmp_path / "a"), _dir_digest(tmp_path / "b")
    assert any(n.endswith(".arrow") for n in da) and da == db
    res = runner.invoke(synth_cmd, ["-n", "12", "--seed", "8", "-o", str(tmp_path / "c")])
    assert _dir_digest(tmp_path / "c") != da

    from datasets import load_from_disk

    ds = load_from_disk(str(tmp_path / "a"))
    row = ds[3]
    r = make_report(7, 3, rates={"traditional": 0.5})
    assert row["text"] == r.text and row["transforms"] == r.transforms
    assert row["spans"][0] == {"start": r.spans[0].start, "end": r.spans[0].end, "label": r.spans[0].label.value}
    assert json.loads(row["gold"]) == json.loads(json.dumps(r.gold))
    assert set(ds.column_names) >= {"text", "spans", "gold", "transforms", "template", "inconsistent"}


def test_cli_refuses_bad_rates_and_non_empty_output(tmp_path: Path) -> None:
    from govreport.training.synth.cli import synth_cmd

    runner = CliRunner()
    res = runner.invoke(synth_cmd, ["-n", "2", "-o", str(tmp_path / "x"), "--rate", "bogus=0.5"])
    assert res.exit_code != 0 and "unknown kind" in res.output
    res = runner.invoke(synth_cmd, ["-n", "2", "-o", str(tmp_path / "x"), "--rate", "markdown=2"])
    assert res.exit_code != 0
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "keep.txt").write_text("x")
    res = runner.invoke(synth_cmd, ["-n", "2", "-o", str(tmp_path / "y")])
    assert res.exit_code != 0 and (tmp_path / "y" / "keep.txt").exists()


def test_every_kind_has_a_rate_and_a_doc() -> None:
    assert len(KINDS) == len(set(KINDS)) >= 25
    for k in KINDS:
        # a kind added after the default model may wait at rate 0 (opt-in) until a model is trained with it
        assert (0 < DEFAULT_RATES[k] <= 1 or KIND_BY_NAME[k].late) and KIND_BY_NAME[k].doc
    doc = (Path(__file__).resolve().parents[1] / "docs" / "synth.md").read_text("utf-8")
    for k in KINDS:
        assert f"`{k}`" in doc, f"docs/synth.md does not describe {k}"


def test_realism_loop_reports_every_kind(tmp_path: Path) -> None:
    from govreport.training.synth import realism

    out = tmp_path / "realism.md"
    assert realism.main(["-n", "4", "--seed", "3", "--isolated", "1", "--pairs", "0", "--out", str(out)]) == 0
    md = out.read_text("utf-8")
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert [line.split("`")[1] for line in rows] == [realism.BASELINE, *KINDS]
    assert all(re.search(r"\| \d+\.\d \|", line) for line in rows)  # alone scores were measured for every kind


def test_a_late_kind_changes_only_the_reports_that_show_it() -> None:
    late = [k for k in KINDS if KIND_BY_NAME[k].late]
    assert late, "no late kind to check"
    base = generate(40, 5, rates={k: 0.0 for k in late})
    p = 1 - 0.5 ** (1 / len(late))  # about half the reports show at least one late kind
    more = generate(40, 5, rates={k: p for k in late})
    shown = [m for m in more if set(m.transforms) & set(late)]
    assert 5 <= len(shown) < 40
    for b, m in zip(base, more):
        if not set(m.transforms) & set(late):
            assert (m.text, m.spans, m.transforms) == (b.text, b.spans, b.transforms)
        else:
            assert m.text != b.text


class _GoldSpans:
    """A tagger that keeps the spans a document already has (the generator's gold)."""

    name, version = "gold", "gold"

    def __call__(self, doc):
        return doc


@pytest.mark.parametrize("kind", ["count_units", "money_units"])
def test_assembly_reads_units_when_the_spans_are_right(kind: str) -> None:
    """With exact CELL + UNIT spans (what annotators give and the model must learn), the assembly
    rebuilds every table: a measure word after a count changes nothing, 元 is converted to 万元."""
    from govreport.extraction.evaluate import aggregate, score_report
    from govreport.extraction.pipeline import Extractor

    reports = generate(12, 31, rates={**DEFAULT_RATES, kind: 1.0})
    shown = [r for r in reports if kind in r.transforms]
    assert len(shown) >= 6
    ex = Extractor(_GoldSpans())
    scores = [score_report(ex.extract_document(r.to_document()).output, r.gold, r.text, r.id) for r in shown]
    assert aggregate(scores)["cell_accuracy"] == 1.0


def test_a_realism_run_keeps_the_sections_of_its_file_it_does_not_write(tmp_path: Path) -> None:
    # `realism -n 0 --kinds X` with the default --out replaced all of docs/realism.md (5,800 lines of
    # the lanes' notes) with its own tables
    from govreport.training.synth import realism

    out = tmp_path / "realism.md"
    out.write_text("# Realism loop: old\n\nold tables\n\n## Each kind combined with each layout (old)\n\nold pairs\n\n"
                   "## Crawler text and raw `pdftotext`\n\n### a lane's notes\n\nkept\n", "utf-8")  # fmt: skip
    assert realism.main(["-n", "0", "--isolated", "1", "--pairs", "1", "--kinds", "mojibake", "--out", str(out)]) == 0
    got = out.read_text("utf-8")
    assert got.count("## Each kind combined with each layout") == 1 and "old pairs" not in got and "old tables" not in got
    assert got.rstrip().endswith("## Crawler text and raw `pdftotext`\n\n### a lane's notes\n\nkept")
