"""A table printed twice in one report: named with its offsets, the report year's copy read, never a silent guess."""
import re
from pathlib import Path

from govreport.extraction.copies import find_copies
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.routekit import skip_without_routes

CORPUS = Path(__file__).parent / "data" / "corpus"
LINES = (CORPUS / "hangzhou_fixture.txt").read_text(encoding="utf-8").split("\n")
HEAD, END = 24, 52  # table 三's header line .. its last row (结转下年度继续办理), 0-based, end exclusive


def _bumped(lines: list[str], row: str) -> list[str]:
    """Table 三's lines with each value of the row whose label contains ``row`` one higher."""
    return [re.sub(r"(?<=\t)(\d+)", lambda m: str(int(m.group(1)) + 1), ln) if row in ln else ln for ln in lines]


def _extract(lines: list[str]) -> dict:
    return Extractor(get_tagger("rules")).extract_text("\n".join(lines)).output


def _copy_warning(out: dict) -> str:
    (w,) = [w for w in out["warnings"] if "printed 2 times" in w]
    return w


def test_one_table_no_warning():
    out = _extract(LINES)
    assert not [w for w in out["warnings"] if "printed" in w and "times" in w]
    assert find_copies("\n".join(LINES), "applications") == []


def test_second_copy_captioned_another_year_is_named_and_not_read():
    table = LINES[HEAD:END]
    other = _bumped(table, "本年新收")
    text_lines = LINES[:END] + ["2024年度情况："] + other + LINES[END:]
    out = _extract(text_lines)
    assert out["tables"]["applications"]["new_received"]["natural_person"] == 13612  # the report's, not 13613
    w = _copy_warning(out)
    text = "\n".join(text_lines)
    a, b = [int(x) for x in re.findall(r"(\d+)-\d+", w)[:2]]
    assert "申请人情况" in text[a : a + 200] and "申请人情况" in text[b : b + 200] and a < b
    assert "captioned 2024" in w and "read: the copy at" in w


def test_identical_copies_read_with_a_warning():
    out = _extract(LINES[:END] + LINES[HEAD:END] + LINES[END:])
    assert out["tables"]["applications"]["new_received"]["total"] == 14069
    assert "cannot be told" in _copy_warning(out)
    assert not [w for w in out["warnings"] if "copies give" in w]


def test_copies_that_differ_null_only_the_cells_they_disagree_on():
    out = _extract(LINES[:END] + _bumped(LINES[HEAD:END], "本年新收") + LINES[END:])
    t, st = out["tables"]["applications"], out["cell_status"]["applications"]
    assert all(v is None for v in t["new_received"].values())
    assert set(st["new_received"].values()) == {"unreadable"}
    assert t["carried_over"]["total"] is not None and t["carried_forward"]["total"] == 819
    assert any("copies give 7 cells different values" in w for w in out["warnings"])


def test_copies_of_table_2_that_differ_null_the_cell_in_its_own_row_s_column():
    # table 二's rows have columns of their own (行政许可: decisions only, not 制发/废止/现行有效)
    head, end = 9, 23  # table 二's first row line .. table 三's heading, 0-based
    out = _extract(LINES[:end] + _bumped(LINES[head:end], "行政许可") + LINES[end:])
    t, st = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert t["administrative_license"] == {"decisions": None} and st["administrative_license"] == {"decisions": "unreadable"}
    assert t["regulations"]["in_force"] == 74 and set(t["regulations"]) == {"issued", "repealed", "in_force"}
    assert any("copies give 1 cells different values" in w for w in out["warnings"])


def test_copy_in_an_attachment_is_named_the_section_one_read():
    out = _extract(LINES + ["附件：2020年收到和处理政府信息公开申请情况"] + _bumped(LINES[HEAD:END], "本年新收"))
    assert out["tables"]["applications"]["new_received"]["natural_person"] == 13612
    assert "captioned 2020" in _copy_warning(out)


def test_copies_found_with_labels_cut_over_lines_and_values_between():
    # raw pdftotext: labels cut over lines, one value a line; -layout: a row's values inside its label
    copy = "（本列数据的勾稽关系为：第一\n项加第二项之和）\n一、本年新收政府信息公开申请\n数量\n3\n四、结转下年\n度继续办理\n" + "5\n" * 30
    text = "三、收到和处理政府信息公开申请情况\n" + copy + "2019年情况\n" + copy
    copies = find_copies(text, "applications")
    assert [c.start for c in copies] == [text.index("（本列"), text.rindex("（本列")]
    assert copies[1].years == frozenset({2019}) and not copies[0].years
    layout = "一、本年新收政府信    12   3\n    息公开申请数量\n四、结转下年度继续办理  1\n" + "  0  0  0  0  0  0\n" * 5
    assert len(find_copies(layout * 2, "applications")) == 2
    # a header printed again at a page's top (wordings, no values) is no copy
    assert find_copies(layout + layout.split("四、")[0] + "四、结转下年度继续办理\n", "applications") == []
    # prose naming the first row's wording is no copy
    assert find_copies("本年新收政府信息公开申请数量共12件。\n" + layout, "applications") == []


def test_more_copies_than_read_one_by_one_null_every_cell(monkeypatch):
    from govreport.extraction import report
    from govreport.extraction.copies import MAX_COPIES_READ

    calls = []
    real = report.assemble_report
    monkeypatch.setattr(report, "assemble_report", lambda doc: calls.append(1) or real(doc))
    out = _extract(LINES[:END] + LINES[HEAD:END] * MAX_COPIES_READ + LINES[END:])
    assert set(out["cell_status"]["applications"]["new_received"].values()) == {"unreadable"}
    assert any(f"more than {MAX_COPIES_READ} copies" in w for w in out["warnings"])
    assert len(calls) <= 2  # bounded before reading: not one reading per copy


def test_table_4_header_repeated_at_a_page_top_is_no_copy():
    header = "行政复议\n结果 结果\n维持 纠正\n未经复议直接起诉\n结果\n复议后起诉\n结果\n"
    text = "四、政府信息公开行政复议、行政诉讼情况\n" + header + "\f" + header + "0\n" * 15 + "五、存在的主要问题\n"
    assert find_copies(text, "review_litigation", [0, text.index("五、")]) == []
    assert len(find_copies(text + header + "1\n" * 15, "review_litigation", [0, text.index("五、")])) == 2


def test_raw_pdftotext_reading_with_the_table_printed_again_under_its_heading():
    # one rendered report read by raw pdftotext (LibreOffice's PDF), its table 三 block printed a
    # second time before heading 四 with a caption naming the previous year: named, the first read
    from govreport.training.synth.documents import make_document
    from govreport.training.synth.routes import read_routes

    skip_without_routes("lo-pdf:pdftotext")
    (r,) = read_routes([make_document(1, 0)], ["lo-pdf:pdftotext"])
    t = r.text
    a = t.index("\n", t.index("三、收到和处理政府信息公开申请情况")) + 1
    b = re.search(r"四、\s*政府信息公开行政复议|四、因政府信息公开产生", t).start()
    start = t.index("（本列数据", a)  # the table's own lines (its header on), not the section's prose
    twice = t[:b] + f"{r.gold['year'] - 1}年度情况：\n" + t[start:b] + t[b:]
    out = Extractor(get_tagger("rules")).extract_text(twice).output
    w = _copy_warning(out)
    assert f"captioned {r.gold['year'] - 1}" in w
    gold, got = r.gold["tables"]["applications"], out["tables"]["applications"]
    assert all(got[row][c] in (None, v) for row, cols in gold.items() for c, v in cols.items())  # no wrong number
    assert sum(got[row][c] == v for row, cols in gold.items() for c, v in cols.items()) == 175


def test_generator_kind_repeated_table_is_named_and_read_without_a_wrong_number():
    from govreport.training.synth.generator import make_report

    seen = 0
    for i in range(8):
        r = make_report(5, i, kinds=["repeated_table"])
        if "repeated_table" not in r.transforms:
            continue
        seen += 1
        base = make_report(5, i, kinds=[])
        assert r.gold["tables"] == base.gold["tables"]  # the copy changes no gold cell
        out = _extract(r.text.split("\n"))
        assert any("applications: the table is printed 2 times" in w for w in out["warnings"])
        gold, got = r.gold["tables"]["applications"], out["tables"]["applications"]
        assert all(got[row][c] in (None, v) for row, cols in gold.items() for c, v in cols.items())
    assert seen >= 4


def test_repeated_table_kind_changes_no_report_of_a_seed_that_does_not_show_it():
    from govreport.training.synth.generator import make_report

    for i in range(20):
        a, b = make_report(3, i), make_report(3, i, rates={"repeated_table": 0.3})
        if "repeated_table" not in b.transforms:
            assert (a.text, a.gold) == (b.text, b.gold)
