"""Characters an earlier charset conversion lost (``?`` / U+FFFD one for one), read back from the
forms' wordings (``extraction.lostchars``) in the normalised view, and section headings with them."""
from __future__ import annotations

from govreport.extraction.lexicon import section_index
from govreport.extraction.lostchars import restore_lost, with_lost_read_back
from govreport.extraction.lostmarks import lossy_in
from govreport.extraction.normalize import clean_view
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.training.synth.generator import make_report


def restored(text: str) -> str:
    chars = list(text)
    for i, c in restore_lost(text).items():
        chars[i] = c
    return "".join(chars)


def test_a_heading_and_labels_are_read_back_from_the_wordings():
    assert restored("二、主?公?政府信息情?") == "二、主动公开政府信息情况"
    assert restored("（五）不予?理\t1.信???投??申?\t2") == "（五）不予处理\t1.信访举报投诉类申请\t2"
    # alone in its cell, one kept character of a two-character label is enough
    assert restored("?章\t0\t0\t24") == "规章\t0\t0\t24"


def test_a_mark_no_single_wording_explains_stays():
    # 行政许可, 行政处罚, 行政强制, 行政复议, 行政诉讼 all fit: which one is not in the text
    assert restored("行政??\t1\t0\t2") == "行政??\t1\t0\t2"
    assert restored("??\t20") == "??\t20"  # nothing kept
    assert restored("本?章\t3") == "本?章\t3"  # 规章 inside a longer stretch needs two kept characters
    assert restore_lost("是否可以申请公开?\t3?") == {}  # a writer's question mark; figures are never words


def test_the_wording_that_keeps_most_characters_decides():
    # 其他处理 fits ``其他??`` too, with two kept characters; 法人或其他组织 keeps five
    assert restored("法人或其他??\t总计") == "法人或其他组织\t总计"


def test_the_view_reads_lost_characters_back_in_place():
    text = "三、收到和?理政府信息公?申?情?\n一、本年新收政府信息公?申??量\t23\t0\t23"
    view = with_lost_read_back(clean_view(text))
    assert view.text == "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t23\t0\t23"
    assert len(view.text) == len(text) and all(r.kind == "lost_char" for r in view.repairs)
    assert with_lost_read_back(clean_view("依申请公开?")).identity
    # after another repair the offsets are the original's: the zero-width space before is skipped
    view = with_lost_read_back(clean_view("\u200b?果?持"))
    assert view.text == "结果维持" and [(r.start, r.read_as) for r in view.repairs if r.kind == "lost_char"] == [(1, "结"), (3, "维")]


def test_a_section_heading_with_lost_characters_is_its_own_number_only():
    assert section_index("二、主?公?政府信息的情?") == 2
    assert section_index("一、?体概?") == 1
    assert section_index("三、主?公?政府信息的情?") is None  # 主动公开 is section 2's keyword, not 三's
    assert section_index("五、存在的主要??及下步工作") is None  # 问题 lost whole: nothing names it
    assert lossy_in("结果维持", "?果?持") and not lossy_in("结果维持", "??维?")


def test_a_report_read_through_big5_gives_the_clean_tables():
    rules = Extractor(get_tagger("rules"))
    text = make_report(3, 0, kinds=[], fmt="2021", bare=True).text
    lossy = text.encode("big5", "replace").decode("big5")
    assert "?果?持" in lossy and "二、主?公?政府信息情?" in lossy, "precondition: labels and headings lost characters"
    clean, damaged = rules.extract_text(text).output, rules.extract_text(lossy).output
    assert damaged["tables"] == clean["tables"]
    assert [s["index"] for s in damaged["sections"]] == [s["index"] for s in clean["sections"]]
    assert damaged["needs_review"]  # the lost characters stay a doubt: ingest_warning


def test_reading_back_is_bounded_on_a_text_built_to_match_everywhere():
    # every ideograph beside a mark and a wording at every place: it took minutes within GOVREPORT_MAX_CHARS;
    # past the budget nothing is read back (the marks stay, and ingest flags them)
    built = ("政?" * 39 + "。") * 3800
    assert restore_lost(built) == {}
    assert restore_lost("二、主?公?政府信息情?\n" + built[:2000]) != {}  # under the budget: read back


def test_a_lost_mark_after_a_lines_leading_numeral_is_the_enumeration_comma() -> None:
    # a strict Windows-1252 reading of UTF-8 loses every 、 (E3 80 81: 0x81 is undefined there), so
    # every numbered heading read back is 一\ufffd总体情况: no section was found
    from govreport.extraction.lostchars import lost_commas

    text = "一?总体情况\n  三\ufffd本年度办理结果\t12\n## 四\ufffd政府信息\n内容一?总体\n十二?3\n一?级单位\n#### 四?因政府信息公开产生的行政复议、行政诉讼情况\n"
    assert lost_commas(text) == {1: "、", text.index("三") + 1: "、", text.index("四") + 1: "、", text.index("四?因") + 1: "、"}
