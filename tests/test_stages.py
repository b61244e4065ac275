"""Unit tests of the small stages: normalisation, layout, lexicon, values, sections, checks, scoring."""
from __future__ import annotations

import pytest

from govreport.extraction.checks import application_checks, review_checks
from govreport.extraction.document import Document, Span
from govreport.extraction.evaluate import aggregate, score_report, values_equal
from govreport.extraction.labels import BIO_TAGS, ID2LABEL, LABEL2ID, Label, parse_label
from govreport.extraction.layout import Line, pieces, split_lines, value_tokens
from govreport.extraction.lexicon import match_col, match_row, section_index
from govreport.extraction.normalize import label_key, normalize, to_traditional
from govreport.extraction.report import detect_format
from govreport.extraction.sections import organ_of, year_of
from govreport.extraction.tables.base import parse_value
from govreport.extraction.taggers.rules import RuleTagger
from govreport.extraction.templates import table_spec


def test_label_set_is_derived_in_declaration_order():
    assert BIO_TAGS[0] == "O" and BIO_TAGS[1] == "B-TITLE" and len(BIO_TAGS) == 1 + 2 * len(Label)
    assert all(ID2LABEL[LABEL2ID[t]] == t for t in BIO_TAGS)
    with pytest.raises(ValueError, match="unknown label"):
        parse_label("TABLE")


def test_normalize_keeps_length_and_maps_characters():
    s = "總計（一）１２３，４５６　辦理結果—"
    n = normalize(s)
    assert len(n) == len(s)
    assert n.startswith("总计(一)123,456 办理结果")
    assert to_traditional("总计") == "總計" and len(to_traditional("申请人情况")) == 5


def test_label_key_strips_numbering_spacing_and_punctuation():
    assert label_key("（三）不予公开") == "不予公开"
    assert label_key("1.属于国家秘密") == "属于国家秘密"
    assert label_key("自 然 人") == "自然人"
    assert label_key("3.危及“三安全一稳定”") == "危及三安全一稳定"


def test_document_rejects_spans_outside_text():
    d = Document.from_text("abc")
    with pytest.raises(ValueError):
        d.with_spans([Span(2, 5, Label.CELL)])
    assert d.with_spans([Span(0, 1, Label.CELL)]).spans[0].text(d.text) == "a"
    rt = Document.from_dict(d.with_spans([Span(1, 3, Label.ROW)]).to_dict())
    assert rt.spans == (Span(1, 3, Label.ROW),) and rt.origin.sha256 == d.origin.sha256


def test_pieces_split_tabs_and_space_runs_with_offsets():
    text = "a\tb  c\t\t d\r"
    (line,) = split_lines(text)
    ps = pieces(text, line)
    assert [text[p.start : p.end] for p in ps] == ["a", "b", "c", "d"]
    assert [p.field for p in ps] == [0, 1, 1, 3]


def test_value_tokens_and_units():
    text = "966.0898 万元"
    line = Line(0, 0, len(text))
    (p,) = pieces(text, line)
    (tok,) = value_tokens(text, p)
    assert text[tok[0] : tok[1]] == "966.0898" and text[tok[2] : tok[3]] == "万元"
    text2 = "1 2 3"
    assert len(value_tokens(text2, pieces(text2, Line(0, 0, 5))[0])) == 3
    text3 = "保留4位小数"
    assert value_tokens(text3, pieces(text3, Line(0, 0, len(text3)))[0]) == []


@pytest.mark.parametrize(
    "raw,value",
    [("0", 0), ("1,234", 1234), ("１２", 12), ("-3", -3), ("－2", -2), ("966.0898", 966.0898), ("-", None), ("—", None), ("无", None)],
)
def test_parse_value(raw, value):
    assert parse_value(raw) == value


@pytest.mark.parametrize(
    "heading,index",
    [
        ("一、总体情况", 1),
        ("二、主动公开政府信息情况", 2),
        ("三、收到和处理政府信息公开申请情况", 3),
        ("四、因政府信息公开产生的行政复议、行政诉讼情况", 4),
        ("四、政府信息公开行政复议、行政诉讼情况", 4),
        ("五、存在的主要问题及下步工作", 5),
        ("五、存在问题及改进情况", 5),
        ("六、其他需要报告的事项", 6),
        ("一、本年新收政府信息公开申请数量", None),
        ("四、结转下年度继续办理", None),
        ("三、本年度办理结果", None),
        ("二、上年结转政府信息公开申请数量", None),
    ],
)
def test_section_index(heading, index):
    assert section_index(heading) == index


def test_row_and_column_matching_tolerates_fragments_and_typos():
    assert match_row("6.属于四类过", "2019", "applications").key == "denied_process_information"
    assert match_row("（二）部分公开（区分处理的，只计这一", "2021", "applications").key == "partially_granted"
    assert match_col("本年度止件数", "active_disclosure").key == "repealed"
    assert match_col("自 然 人", "applications").key == "natural_person"


def test_year_and_organ_from_title_variants():
    assert (year_of("湖南省退役军人事务厅 2020 年政府信息公开年度报告", ""), organ_of("湖南省退役军人事务厅 2020 年政府信息公开年度报告")) == (2020, "湖南省退役军人事务厅")
    assert organ_of("2021年度某某县人民政府政府信息公开工作年度报告") == "某某县人民政府"
    assert year_of("某某县二〇二一年政府信息公开工作年度报告", "") == 2021
    assert year_of(None, "本报告统计期限为2023年1月1日至12月31日") == 2023


def test_format_detection_prefers_wordings_then_year():
    assert detect_format("本年制发件数 现行有效件数", 2020)[0] == "2021"
    assert detect_format("本年新制作数量 上一年项目数量", 2022)[0] == "2019"
    assert detect_format("no table words", 2020)[0] == "2019"
    assert detect_format("no table words", None)[0] is None


def test_checks_detect_each_broken_identity():
    spec = table_spec("2019", "applications")
    t = {r.key: {c: 0 for c in r.cols} for r in spec.rows}
    assert all(c["ok"] for c in application_checks(t, "2019"))
    t["new_received"]["natural_person"] = 1
    t["new_received"]["total"] = 1
    failed = {c["rule"] for c in application_checks(t, "2019") if not c["ok"]}
    assert failed == {"applications.balance[natural_person]", "applications.balance[total]"}
    t["granted"]["total"] = 5  # row total and results total both break
    failed = {c["rule"] for c in application_checks(t, "2019") if not c["ok"]}
    assert {"applications.row_total[granted]", "applications.results_total[total]"} <= failed
    rv = {"administrative_review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 3}}
    (chk,) = review_checks(rv)
    assert not chk["ok"] and "= 2" in chk["detail"] and "= 3" in chk["detail"]


def test_checks_with_a_null_operand_are_not_assessable_and_name_it():
    spec = table_spec("2021", "applications")
    t = {r.key: {c: None for c in r.cols} for r in spec.rows}
    checks = application_checks(t, "2021")
    assert checks and all(c["status"] == "not_assessable" and c["ok"] is None for c in checks)
    t = {r.key: {c: 0 for c in r.cols} for r in spec.rows}
    t["carried_over"]["total"] = None
    status = {"applications.carried_over.total": "unreadable"}
    (chk,) = [c for c in application_checks(t, "2021", status) if c["rule"] == "applications.balance[total]"]
    assert chk["status"] == "not_assessable" and chk["not_assessable"] == ["applications.carried_over.total"]
    assert "applications.carried_over.total (unreadable)" in chk["detail"]
    assert all(c["status"] == "pass" for c in application_checks(t, "2021") if "total" not in c["rule"])


def test_scoring_follows_the_contract():
    gold = {
        "template": "2021", "year": 2022, "organ": "X",
        "sections": {"1": 1, "2": None, "3": None, "4": None, "5": None, "6": None},
        "tables": {"active_disclosure": {"regulations": {"issued": 1, "repealed": None}}, "applications": None, "review_litigation": None},
    }
    text = "一、总体情况\n"
    good = {"template": "2021", "year": 2022, "organ": "X", "sections": [{"index": 1, "start": 0}],
            "tables": {"active_disclosure": {"regulations": {"issued": 1.0, "repealed": None}}, "applications": None, "review_litigation": None}}
    sc = score_report(good, gold, text)
    assert sc.exact and sc.sections_ok == 6 and sc.tables_ok == 3
    bad = {**good, "tables": {"active_disclosure": {"regulations": {"issued": 1, "repealed": 0}}, "applications": {}, "review_litigation": None}}
    sc2 = score_report(bad, gold, text)
    assert sc2.cells_ok == 1 and sc2.values_ok == 1 and sc2.tables_ok == 2 and not sc2.exact
    absent = {**good, "tables": {"active_disclosure": None, "applications": None, "review_litigation": None}}
    assert score_report(absent, gold, text).cells_ok == 0
    agg = aggregate([sc, sc2])
    assert agg["cell_accuracy"] == pytest.approx(3 / 4) and agg["exact_reports"] == 0.5
    assert values_equal(966.0898, 966.08980000001) and not values_equal(0, None)


def test_rule_tagger_spans_follow_the_labelling_guide():
    text = "## **六、其他需要报告的事项**\n"
    doc = RuleTagger()(Document.from_text(text))
    (sec,) = doc.spans_of(Label.SECTION)
    assert text[sec.start : sec.end] == "六、其他需要报告的事项"
    for s in doc.spans:
        frag = text[s.start : s.end]
        assert frag == frag.strip() and frag


def test_spacy_view_and_displacy_rendering():
    from govreport.extraction.render import SPANS_KEY, render_html, to_spacy

    text = "规章\t3\t5\t74\n自 然 人\t𠀀总计"
    doc = RuleTagger()(Document.from_text(text))
    doc = doc.with_spans([Span(0, 2, Label.ROW), Span(3, 4, Label.CELL), Span(10, 15, Label.COL)])
    sd = to_spacy(doc)
    assert [(s.start_char, s.end_char, s.label_) for s in sd.spans[SPANS_KEY]] == [(0, 2, "ROW"), (3, 4, "CELL"), (10, 15, "COL")]
    assert sd.spans[SPANS_KEY][2].text == "自 然 人"
    html = render_html(doc, page=False)
    assert "ROW" in html and "规" in html


def test_markdown_section_writer_replaces_only_its_section(tmp_path):
    from govreport.extraction.export import write_markdown_section

    p = tmp_path / "b.md"
    p.write_text("# B\n\n## A\nold a\n\n## C\nc\n", encoding="utf-8")
    write_markdown_section(p, "## A", "## A\nnew a\n")
    write_markdown_section(p, "## D", "## D\nd\n")
    assert p.read_text("utf-8") == "# B\n\n## A\nnew a\n\n## C\nc\n\n## D\nd\n"


def test_a_heading_drawn_k_times_is_read_once():
    """Faux bold that draws every glyph k times (k = 2, 3, 4): the SECTION span a tagger marked
    over the whole heading gives its section; a span starting inside a run, or ordinary text
    with a doubled character, is read as printed."""
    from govreport.extraction.sections import read_once, sections

    heading = "三、收到和处理政府信息公开申请情况"
    for k in (2, 3, 4):
        drawn = "".join(c * k for c in heading)
        text = f"一、总体情况\n{drawn}\n正文\n"
        start = text.index(drawn)
        doc = Document.from_text(text).with_spans(
            [Span(0, 6, Label.SECTION), Span(start, start + len(drawn), Label.SECTION)]
        )
        assert [(s["index"], s["start"]) for s in sections(doc)] == [(1, 0), (3, start)]
        assert read_once(drawn) == heading
    assert read_once("三、、、收收收到到到") is None  # the first glyph once: not k-fold
    assert read_once("一、总体情况") is None
    assert read_once("政府信息公开工作人人员") is None


def test_a_heading_wrapped_over_lines_and_tagged_whole_gives_its_section():
    """A heading a narrow text box wrapped (``六、其他需要说明`` / ``的事项``) tagged as one SECTION span
    over the line break (as its gold is) is read as one line: its section, starting at the span;
    a span over more than three lines is no heading."""
    from govreport.extraction.sections import sections

    for wrapped in ("六、其他需要说明\n的事项", "二、主动公开政\r\n府信息的情况", "三、收到和处理政府信息公开 \n 申请情况"):
        text = f"一、总体情况\n正文。\n{wrapped}\n正文。\n"
        start = text.index(wrapped)
        doc = Document.from_text(text).with_spans(
            [Span(0, 6, Label.SECTION), Span(start, start + len(wrapped), Label.SECTION)]
        )
        got = sections(doc)
        assert [(s["index"], s["start"]) for s in got] == [(1, 0), (int("一二三四五六".index(wrapped[0])) + 1, start)]
        assert "\n" not in got[1]["title"]
    para = "六、其他\n需要\n说明\n的事项"  # a span over four lines
    text = f"一、总体情况\n{para}\n"
    doc = Document.from_text(text).with_spans([Span(0, 6, Label.SECTION), Span(7, 7 + len(para), Label.SECTION)])
    assert [s["index"] for s in sections(doc)] == [1]


def test_a_title_cut_at_one_character_is_one_title():
    """A tagger that cut the title line at a character it reads badly gives two TITLE spans with
    that character between: the title (and so the organ) is the whole line; spans further apart
    on a line, or on lines with text between, stay apart."""
    from govreport.extraction.sections import organ_of, title_text

    line = "平潭综合实验区2019年度政府信息公开工作年度报告"
    text = line + "\n正文\n"
    cut = line.index("实")
    doc = Document.from_text(text).with_spans([Span(0, cut, Label.TITLE), Span(cut + 1, len(line), Label.TITLE)])
    assert title_text(doc) == line and organ_of(title_text(doc)) == "平潭综合实验区"
    far = Document.from_text(text).with_spans([Span(0, 4, Label.TITLE), Span(8, len(line), Label.TITLE)])
    assert title_text(far) == "平潭综合"
    two_lines = "某某县人民政府\n2019年度政府信息公开工作年度报告\n"
    doc2 = Document.from_text(two_lines).with_spans([Span(0, 7, Label.TITLE), Span(8, len(two_lines) - 1, Label.TITLE)])
    assert title_text(doc2) == two_lines.replace("\n", "")
