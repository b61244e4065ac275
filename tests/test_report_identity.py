"""Which report a text is: two reports in one file, and the title's organ and year when a web
page's navigation or a letter-spaced year surrounds it."""
from __future__ import annotations

import pytest

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from tests.reportkit import REVIEW_HEADER, REVIEW_VALUES, applications_2021, applications_tab, report, review_expected


@pytest.fixture(scope="module", params=["rules", "model"])
def extractor(request) -> Extractor:
    return Extractor(get_tagger(request.param))


def codes(out: dict) -> set[str]:
    return {r["code"] for r in out["review_reasons"]}


def test_a_file_holding_two_reports_says_so_and_needs_review(extractor):
    first = report(applications=applications_tab(applications_2021()), year=2024)
    second = report(applications=applications_tab(applications_2021()), organ="某某县农业农村局", year=2021)
    out = extractor.extract_text(first + "\n" + second).output
    assert out["organ"] == "某某市交通运输局" and out["year"] == 2024
    assert out["needs_review"] is True and "multiple_reports" in codes(out)
    at = len(first) + 1  # the second report's title
    assert any(f"a second report begins at character {at}" in w for w in out["warnings"])


def test_the_first_reports_sections_and_tables_end_where_the_second_report_begins(extractor):
    # the first report's last section ran into the second (its end past the second's start); a
    # first report ending after table 四 got sections 五 and 六 from the second, and its table 四
    # was null: the second report's table 四 was read as a copy that disagreed with it
    review = REVIEW_HEADER + "\n" + "\t".join(map(str, REVIEW_VALUES))
    other = REVIEW_HEADER + "\n" + "\t".join(str(2 * v) for v in REVIEW_VALUES)
    first = report(applications=applications_tab(applications_2021()), review=review, year=2024)
    second = report(applications=applications_tab(applications_2021()), review=other, organ="某某县农业农村局", year=2021)
    for head in (first, first[: first.index("五、存在")]):
        out = extractor.extract_text(head + "\n" + second).output
        at = len(head) + 1
        assert any(f"a second report begins at character {at}" in w for w in out["warnings"])
        assert [s["index"] for s in out["sections"]] == ([1, 2, 3, 4, 5, 6] if head == first else [1, 2, 3, 4])
        assert all(s["end"] <= at for s in out["sections"]) and out["sections"][-1]["end"] == len(head.rstrip())
        assert out["tables"]["review_litigation"] == review_expected()
        assert out["tables"]["applications"] == applications_2021()
        assert not any("printed 2 times" in w for w in out["warnings"])  # the second report's tables are no copies


def test_a_table_of_contents_before_the_body_is_not_a_second_report(extractor):
    toc = "目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
    text = report(applications=applications_tab(applications_2021()))
    title, rest = text.split("\n", 1)
    out = extractor.extract_text(title + "\n" + toc + rest).output
    assert "multiple_reports" not in codes(out)


def test_a_letter_spaced_year_in_the_title_is_the_year_not_part_of_the_organ(extractor):
    text = report(applications=applications_tab(applications_2021()), year=2024)
    text = text.replace("某某市交通运输局2024年政府信息公开工作年度报告", "某某市交通运输局关于2 0 2 4年政府信息公开工作的年度报告")
    out = extractor.extract_text(text).output
    assert (out["organ"], out["year"]) == ("某某市交通运输局", 2024)


def test_a_navigation_line_above_the_title_names_no_organ_or_year(extractor):
    nav = "首页 > 政务公开\n上一篇：某某市交通运输局关于2023年政府信息公开工作的年度报告\n\n"
    out = extractor.extract_text(nav + report(applications=applications_tab(applications_2021()), year=2024)).output
    assert (out["organ"], out["year"]) == ("某某市交通运输局", 2024)
    assert "year_conflict" not in codes(out) and "title_missing" not in codes(out)


PREAMBLE = "本报告由本机关按照《中华人民共和国政府信息公开条例》的要求编制，现予以公布。"


@pytest.mark.parametrize("tail", ["报告", "年度报告"])
def test_a_title_wrapped_before_its_last_word_gives_organ_and_year(extractor, tail):
    """A PDF reading wraps the title before 报告 (``…工作的年度`` / ``报告``); the prose below,
    which names the 政府信息公开条例 and 本报告, is not the title."""
    text = report(applications=applications_tab(applications_2021()), year=2024)
    head = "某某市交通运输局关于2024年政府信息公开工作的" + ("年度" if tail == "报告" else "")
    text = text.replace("某某市交通运输局2024年政府信息公开工作年度报告\n", f"{head}\n{tail}\n{PREAMBLE}\n", 1)
    out = extractor.extract_text(text).output
    assert (out["organ"], out["year"]) == ("某某市交通运输局", 2024)
    assert not codes(out) & {"title_missing", "year_missing", "organ_missing"}


def test_the_year_of_a_statistics_period_wrapped_before_it_is_read(extractor):
    """No year in the title: the statistics period gives it, also where the reading wrapped the
    sentence right before the year (``统计期限自`` / ``2024 年 1 月 1 日起``)."""
    text = report(applications=applications_tab(applications_2021()), year=2024)
    text = text.replace("某某市交通运输局2024年政府信息公开工作年度报告", "某某市交通运输局政府信息公开工作年度报告", 1)
    text = text.replace("数据统计期限为2024年1月1日至12月31日。", "数据统计期限自\n2024 年 1 月 1 日起至 2024 年 12 月 31 日止。", 1)
    out = extractor.extract_text(text).output
    assert out["year"] == 2024 and "year_missing" not in codes(out)
