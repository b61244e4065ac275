"""Is every wrong number flagged? Cell status and report verdict against gold answers.

    PYTHONPATH=$PWD python benchmarks/trust_bench.py [-n 20] [--mixed 300] [--seed 1] [--tagger rules|model]
                                                     [--calibrate N] [--out docs/benchmarks.md]

Groups of reports, each with gold: every generated kind alone (``training/synth`` KINDS, the four
layout kinds being the flattening routes of the text), mixed reports at the default rates, the
damage the converters leave (spaces in a unit, zero-width characters, OCR letters, faux bold,
every character doubled: applied to generated reports, gold unchanged) and the development corpus.

Per group:
- **flagged**: the share of wrong cells (prediction differs from gold) that are flagged: the cell's
  status is not ``read``, or it is an operand of a failed check, or its report has
  ``needs_review`` with a reason naming its table. Target 100 %: no silent wrong number. The
  ``strict`` variant does not count ``blank``/``missing`` as a flag (a null where gold prints a
  number must then be caught by a check or a reason).
- **precision**: the share of reports with ``needs_review`` that are wrong (a cell, a table's
  presence or the format differs from gold, or the report's own arithmetic is wrong).
- **clean quiet**: over reports the pipeline gets exactly right and whose own arithmetic holds,
  the share with ``needs_review`` false (aim ≥ 95 %); also over those whose text lacks no table
  part (``table_not_found`` and ``table_truncated`` fire by design: the text itself is short).

``--calibrate N`` runs the model tagger on N mixed generated reports and prints, for candidate
thresholds, the share of wrong cells below the threshold and of clean reports with any cell
below it (how ``extraction.trust.LOW_CONFIDENCE`` was chosen).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from govreport.extraction.errors import GovReportError
from govreport.extraction.evaluate import values_equal
from govreport.extraction.export import write_markdown_section
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.extraction.templates import TABLES
from govreport.extraction.trust import TABLE_MARKERS, check_cells
from govreport.training.synth.generator import iter_reports
from govreport.training.synth.transforms import KINDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
# reasons that say the text itself lacks part of a table (a heading without its table, a text cut off)
TEXT_LACKS = {"table_not_found", "table_truncated"}
HEADING = re.compile(r"^\s*[#*]*\s*[一二三四五六]\s*[、.．]")


# --- damage the converters leave; gold is unchanged (the printed values are the same) ---
def _table_lines(text: str) -> list[int]:
    lines = text.split("\n")
    return [i for i, ln in enumerate(lines) if re.search(r"\d", ln) and ("\t" in ln or "  " in ln or re.fullmatch(r"\s*[\d.,\-]+\s*", ln))]


def _figures(text: str, rng: random.Random, k: int) -> list[re.Match]:
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    found = [_Shift(m, starts[i]) for i in _table_lines(text) for m in re.finditer(r"(?<![\d.])\d{2,}(?![\d.])", lines[i])]
    return rng.sample(found, min(k, len(found)))


@dataclass
class _Shift:
    m: re.Match
    base: int

    def start(self) -> int:
        return self.base + self.m.start()

    def end(self) -> int:
        return self.base + self.m.end()

    def group(self) -> str:
        return self.m.group(0)


def _edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, s in sorted(edits, reverse=True):
        text = text[:a] + s + text[b:]
    return text


def unit_space(text: str, rng: random.Random) -> str | None:
    out = re.sub(r"(?<=[（(单位：:])万元(?=[）)])", lambda _: rng.choice(["万 元", "万\u200b元", "万\u00a0元"]), text)
    return out if out != text else None


def zero_width(text: str, rng: random.Random) -> str | None:
    figs = _figures(text, rng, 3)
    return _edit(text, [(f.end(), f.end(), "\u200b") for f in figs]) if figs else None


def ocr_letters(text: str, rng: random.Random) -> str | None:
    figs = [f for f in _figures(text, rng, 12) if re.search("[01]", f.group())][:3]
    edits = []
    for f in figs:
        s = f.group()
        i = max(i for i, c in enumerate(s) if c in "01")
        edits.append((f.start(), f.end(), s[:i] + ("O" if s[i] == "0" else "l") + s[i + 1 :]))
    return _edit(text, edits) if edits else None


def faux_bold(text: str, rng: random.Random) -> str | None:
    """Headings and table header lines drawn in faux bold: each character twice."""
    words = [w for ws in TABLE_MARKERS.values() for w in ws]
    lines = text.split("\n")
    hit = False
    for i, ln in enumerate(lines):
        if (HEADING.match(ln) and len(ln) < 40) or (not re.search(r"\d", ln) and any(w in ln for w in words)):
            lines[i] = "".join(c if c.isspace() else c * 2 for c in ln)
            hit = True
    return "\n".join(lines) if hit else None


def doubled_all(text: str, rng: random.Random) -> str | None:
    return "".join(c if c.isspace() else c * 2 for c in text)


DAMAGE: dict[str, Callable[[str, random.Random], str | None]] = {
    "damage:unit_space": unit_space,
    "damage:zero_width": zero_width,
    "damage:ocr_letters": ocr_letters,
    "damage:faux_bold": faux_bold,
    "damage:doubled_all": doubled_all,
}


@dataclass
class Case:
    group: str
    name: str
    text: str
    gold: dict[str, Any]
    consistent: bool = True  # the report's own arithmetic holds


@dataclass
class Tally:
    reports: int = 0
    wrong_reports: int = 0
    review: int = 0
    review_wrong: int = 0
    clean: int = 0
    clean_quiet: int = 0
    clean_complete: int = 0  # clean reports whose text lacks no table part (see TEXT_LACKS)
    clean_complete_quiet: int = 0
    wrong_cells: int = 0
    flagged: int = 0
    flagged_strict: int = 0
    silent: list[str] = field(default_factory=list)
    alarms: dict[str, int] = field(default_factory=dict)  # reason codes of clean reports with needs_review

    def add(self, o: "Tally") -> None:
        for k in ("reports", "wrong_reports", "review", "review_wrong", "clean", "clean_quiet", "clean_complete",
                  "clean_complete_quiet", "wrong_cells", "flagged", "flagged_strict"):  # fmt: skip
            setattr(self, k, getattr(self, k) + getattr(o, k))
        self.silent += o.silent
        for k, v in o.alarms.items():
            self.alarms[k] = self.alarms.get(k, 0) + v


def judge(case: Case, out: dict[str, Any] | None) -> Tally:
    """One report's contribution (see the module docstring)."""
    t = Tally(reports=1)
    gold = case.gold
    if out is None:  # refused as not a report: every gold cell is lost, and said so (an error)
        out = {"template": None, "tables": {n: None for n in TABLES}, "cell_status": {}, "checks": [],
               "needs_review": True, "review_reasons": [{"code": "error", "tables": list(TABLES)}]}  # fmt: skip
    failed_cells = {x for c in out.get("checks") or [] if c.get("status") == "fail" for x in check_cells(c)}
    named = {tb for r in out.get("review_reasons") or [] for tb in r.get("tables") or []}
    review = bool(out.get("needs_review"))
    wrong = not case.consistent or any(out.get(k) != gold.get(k) for k in ("template", "year", "organ"))
    for name in TABLES:
        g, p = gold["tables"].get(name), (out.get("tables") or {}).get(name)
        if (g is None) != (p is None):
            wrong = True
        if g is None:
            continue
        status = (out.get("cell_status") or {}).get(name) or {}
        for row, cols in g.items():
            for col, gv in cols.items():
                pv = ((p or {}).get(row) or {}).get(col)
                if p is not None and values_equal(pv, gv):
                    continue
                wrong = True
                t.wrong_cells += 1
                st = (status.get(row) or {}).get(col, "missing")
                key = f"{name}.{row}.{col}"
                in_flag = (review and name in named) or key in failed_cells
                t.flagged += in_flag or st != "read"
                strict = in_flag or st in ("unreadable", "inferred")
                t.flagged_strict += strict
                if not strict and len(t.silent) < 3:
                    t.silent.append(f"{case.name} {key}: {pv!r} vs gold {gv!r} ({st})")
    t.wrong_reports = int(wrong)
    t.review = int(review)
    t.review_wrong = int(review and wrong)
    if not wrong:
        t.clean = 1
        t.clean_quiet = int(not review)
        found = {r["code"] for r in out.get("review_reasons") or []}
        for code in found:
            t.alarms[code] = t.alarms.get(code, 0) + 1
        if not found & TEXT_LACKS:
            t.clean_complete = 1
            t.clean_complete_quiet = int(not review)
    return t


def consistent(r: Any) -> bool:
    """The report agrees with itself: its arithmetic holds and its prose restates its tables."""
    return not r.inconsistent and "prose_mismatch" not in r.transforms


def synth_cases(n: int, mixed: int, seed: int) -> Iterable[Case]:
    for j, kind in enumerate(["(none)", *KINDS]):
        kinds = [] if kind == "(none)" else [kind]
        for r in iter_reports(n, seed * 1000 + 7 + j, kinds=kinds):
            yield Case(f"kind:{kind}", r.id, r.text, r.gold, consistent(r))
    for r in iter_reports(mixed, seed):
        yield Case("mixed", r.id, r.text, r.gold, consistent(r))
    for j, (name, damage) in enumerate(DAMAGE.items()):
        rng = random.Random(f"trust-bench:{seed}:{name}")
        for r in iter_reports(n, seed * 1000 + 900 + j):
            text = damage(r.text, rng)
            if text is not None:
                yield Case(name, r.id, text, r.gold, consistent(r))


def corpus_cases() -> Iterable[Case]:
    for gold_path in sorted(CORPUS.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        stem = gold_path.name[: -len(".gold.json")]
        for src in sorted(CORPUS.glob(f"{stem}.*")):
            if src.suffix in (".txt", ".html"):
                yield Case("corpus" + ("" if src.suffix == ".txt" else f"({src.suffix[1:]})"), src.name, str(src), gold)


def run(cases: Iterable[Case], extractor: Extractor) -> dict[str, Tally]:
    by_group: dict[str, Tally] = defaultdict(Tally)
    for case in cases:
        try:
            if case.group.startswith("corpus"):
                out = extractor.extract_path(case.text).output
            else:
                out = extractor.extract_text(case.text, filename=f"{case.name}.txt").output
        except GovReportError:
            out = None
        by_group[case.group].add(judge(case, out))
    return by_group


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def table(by_group: dict[str, Tally]) -> str:
    total = Tally()
    lines = ["| group | reports | wrong cells | flagged | flagged (strict) | needs_review | precision | clean quiet "
             "| clean quiet, text complete |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for g, t in [*by_group.items(), ("**all**", None)]:
        if t is None:
            t = total
        else:
            total.add(t)
        lines.append(f"| {g} | {t.reports} | {t.wrong_cells} | {_pct(t.flagged, t.wrong_cells)} | "
                     f"{_pct(t.flagged_strict, t.wrong_cells)} | {t.review} | {_pct(t.review_wrong, t.review)} | "
                     f"{_pct(t.clean_quiet, t.clean)} ({t.clean}) | "
                     f"{_pct(t.clean_complete_quiet, t.clean_complete)} ({t.clean_complete}) |")  # fmt: skip
    return "\n".join(lines)


def calibrate(n: int, seed: int) -> str:
    """Tagger confidence (model) of wrong cells vs the lowest one of clean reports, over ``n`` mixed
    generated reports and ``n // 4`` per damage (where a tagger is out of its depth)."""
    extractor = Extractor(get_tagger("model"))
    wrong_conf: list[float] = []
    clean_min: list[float] = []
    cases = [Case("mixed", r.id, r.text, r.gold, consistent(r)) for r in iter_reports(n, seed + 77)]
    for j, (name, damage) in enumerate(DAMAGE.items()):
        rng = random.Random(f"trust-calibrate:{seed}:{name}")
        for r in iter_reports(max(1, n // 4), seed * 1000 + 950 + j):
            text = damage(r.text, rng)
            if text is not None:
                cases.append(Case(name, r.id, text, r.gold, consistent(r)))
    for case in cases:
        try:
            out = extractor.extract_text(case.text).output
        except GovReportError:
            continue
        lowest, bad = 1.0, not case.consistent
        for name in TABLES:
            g, p = case.gold["tables"].get(name), out["tables"].get(name)
            if (g is None) != (p is None):
                bad = True
            if g is None or p is None:
                continue
            prov = out["provenance"].get(name) or {}
            for row, cols in g.items():
                for col, gv in cols.items():
                    pc = (prov.get(row) or {}).get(col) or {}
                    conf = pc.get("tagger_confidence") if pc.get("source") != "layout" else None
                    ok = values_equal((p.get(row) or {}).get(col), gv)
                    if conf is not None:
                        lowest = min(lowest, conf)
                        if not ok:
                            wrong_conf.append(conf)
                    bad |= not ok
        if not bad:
            clean_min.append(lowest)
    lines = [f"model tagger on {len(cases)} generated reports ({n} mixed, seed {seed + 77}; {max(1, n // 4)} per damage): "
             f"{len(wrong_conf)} wrong cells with a tagger confidence, {len(clean_min)} clean reports", "",
             "| threshold | wrong cells below | clean reports with a cell below |", "|---:|---:|---:|"]  # fmt: skip
    for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
        lines.append(f"| {th} | {_pct(sum(c < th for c in wrong_conf), len(wrong_conf))} | "
                     f"{_pct(sum(c < th for c in clean_min), len(clean_min))} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=20, help="reports per generated kind and per damage")
    ap.add_argument("--mixed", type=int, default=300, help="mixed reports at the default rates")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tagger", default="rules", choices=["rules", "model"])
    ap.add_argument("--calibrate", type=int, default=0, metavar="N", help="only calibrate LOW_CONFIDENCE on N reports")
    ap.add_argument("--out", type=Path, help="write the results into this markdown file (docs/benchmarks.md)")
    args = ap.parse_args(argv)
    if args.calibrate:
        print(calibrate(args.calibrate, args.seed))
        return 0
    t0 = time.perf_counter()
    extractor = Extractor(get_tagger(args.tagger))
    by_group = run([*synth_cases(args.n, args.mixed, args.seed), *corpus_cases()], extractor)
    secs = time.perf_counter() - t0
    cmd = (f"PYTHONPATH=$PWD python benchmarks/trust_bench.py -n {args.n} --mixed {args.mixed} --seed {args.seed} "
           f"--tagger {args.tagger}")  # fmt: skip
    silent = [s for t in by_group.values() for s in t.silent][:10]
    alarms: dict[str, int] = {}
    for t in by_group.values():
        for k, v in t.alarms.items():
            alarms[k] = alarms.get(k, 0) + v
    alarm_line = ", ".join(f"{k} {v}" for k, v in sorted(alarms.items(), key=lambda kv: -kv[1])) or "none"
    body = table(by_group)
    print(body)
    print(f"\n{secs:.0f} s; reasons on clean reports: {alarm_line}")
    if silent:
        print("silent wrong cells (strict):\n  " + "\n  ".join(silent))
    if args.out:
        section = (f"## Trust: wrong cells flagged, review verdict ({args.tagger} tagger)\n\n`{cmd}` ({secs:.0f} s)\n\n"
                   "flagged: wrong cells that are not `read`, sit in a failed check or whose report needs review "
                   "with a reason naming their table (strict: `blank`/`missing` not counted as a flag); precision: "
                   "reports with `needs_review` that are wrong; clean quiet: reports extracted exactly right (own "
                   "arithmetic holding) without `needs_review` (their number in brackets); text complete: the same "
                   "over clean reports whose text does not lack a table part (no `table_not_found` or "
                   "`table_truncated`, which fire by design). See docs/trust.md.\n\n"
                   + body + f"\n\nReasons raised on clean reports (reports per code): {alarm_line}.\n")  # fmt: skip
        write_markdown_section(args.out, f"## Trust: wrong cells flagged, review verdict ({args.tagger} tagger)", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
