"""Empty lines that are a reader's block spacing are no blank cells: raw ``pdftotext`` (no
``-layout``) ends every drawn block with an empty line, so a row's values one a line alternate
with empty lines whatever cells were blank (``rows.block_spaced``), and values printed before
table 四's whole header (table 三's tail in the PDF's order) stand under no header at all.
Placing them by those empty lines gave wrong numbers marked ``read`` (docs/realism.md)."""
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger

from .reportkit import APP_LABELS_2021, COLS, applications_2021, report

REVIEW_GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")


def _extract(text: str) -> dict:
    return Extractor(get_tagger("rules")).extract_text(text).output


def _read_wrong(got: dict, status: dict, truth: dict) -> list[tuple[str, str]]:
    return [(r, c) for r, cols in truth.items() for c, v in cols.items()
            if got[r][c] is not None and got[r][c] != v and status[r][c] == "read"]  # fmt: skip


def test_a_first_row_whose_values_alternate_with_empty_lines_is_not_placed_by_them():
    # raw pdftotext of a WPS page: 5 / "" / － / "" / － then the header pieces printed among the
    # row's other values; the empty lines are the reader's, not three blank cells
    t = applications_2021()
    t["new_received"] = {c: None for c in COLS} | {"natural_person": 5, "total": 5}
    lines = ["申请人情况", "自然人", "法人或其他组织", "商业企业 科研机构", "", APP_LABELS_2021[0][1], "",
             "5", "", "－", "", "－", "", "总计", "社会公益组织", "－", "", "法律服务机构", "－", "", "其他", "－", "", "5", ""]  # fmt: skip
    for k, label in APP_LABELS_2021[1:]:
        lines += [label.replace("\t", "")] + [str(t[k][c]) for c in COLS]
    out = _extract(report(applications="\n".join(lines)))
    got, status = out["tables"]["applications"], out["cell_status"]["applications"]
    assert got["new_received"]["commercial_enterprise"] is None  # the empty lines put 5 here
    assert not _read_wrong(got, status, t)
    assert got["carried_over"] == t["carried_over"]


def _cell_per_line(t: dict) -> str:
    """Table 三 a cell per line, row by row after its header words, a blank cell an empty line."""
    lines = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    for k, label in APP_LABELS_2021:
        lines += [label.replace("\t", "")] + ["" if t[k][c] is None else str(t[k][c]) for c in COLS]
    return "\n".join(lines)


def test_a_one_cell_per_line_row_with_blank_lines_is_still_placed_by_them():
    # one cell per line, a blank cell printed as an empty line, values not alternating with them
    t = applications_2021()
    t["new_received"] = {c: None for c in COLS} | {"natural_person": 7, "commercial_enterprise": 2, "total": 9}
    out = _extract(report(applications=_cell_per_line(t)))
    assert out["tables"]["applications"]["new_received"] == t["new_received"]
    assert out["cell_status"]["applications"]["new_received"]["total"] == "read"


def test_values_before_table_four_s_whole_header_are_not_walked_into_its_cells():
    # table 三's tail (无 / 0 / 228 / 1) drawn after table 四's heading, before its header pieces
    body = ["", "无", "", "0", "228", "1", "", "", "行政复议", "结果维持", "", "结果纠正", "", "其他结果", "",
            "尚未审结", "", "总计", "", "行政诉讼", "未经复议直接起诉", "结果维持 结果纠正", "1", "", "其他结果", "",
            "尚未审结", "", "总计", "1", "", "复议后起诉", "结果维持 结果纠正", "", "其他结果", "", "尚未审结", "", "总计"]  # fmt: skip
    out = _extract(report(review="\n".join(body)))
    truth = {g: dict.fromkeys(("upheld", "corrected", "other", "pending", "total")) for g in REVIEW_GROUPS}
    truth["litigation_direct"].update(upheld=1, total=1)
    got, status = out["tables"]["review_litigation"], out["cell_status"]["review_litigation"]
    assert not _read_wrong(got, status, truth)


def test_a_table_two_value_after_an_empty_line_below_its_label_is_placed_by_order_in_a_spaced_reading():
    # raw pdftotext, the stream reading refused (a value right after a row label): 23 is
    # 行政规范性文件's 本年制发件数, drawn after 行政许可's label; the empty lines between the
    # header lines show a reader that spaces its blocks, so the label does not vouch for the value
    body = ["第二十条第（一）项", "信息内容", "", "本年制发件数", "", "本年废止件数", "", "现行有效件数", "", "规章", "",
            "0", "", "行政规范性文件", "第二十条第（五）项", "信息内容", "行政许可", "", "23", ""]  # fmt: skip
    out = _extract(report(active="\n".join(body)))
    got, status = out["tables"]["active_disclosure"], out["cell_status"]["active_disclosure"]
    assert got["administrative_license"]["decisions"] == 23  # (wrong: it is another row's)
    assert status["administrative_license"]["decisions"] != "read"
    # the same rows one cell per line, no spacing: the label right above vouches for its value
    out = _extract(report(active="\n".join(["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "23"])))
    assert out["tables"]["active_disclosure"]["administrative_license"]["decisions"] == 23
    assert out["cell_status"]["active_disclosure"]["administrative_license"]["decisions"] == "read"


def test_a_cell_per_line_row_alternating_with_blank_cells_is_placed_by_them():
    # LibreOffice's Text export: a cell per line, row by row; blank cells alternate with values and
    # the next row's label follows (no column header): the empty lines are the blank cells
    t = applications_2021()
    t["new_received"] = {c: None for c in COLS} | {"natural_person": 7, "research_institution": 2,
                                                    "legal_service_org": 1, "total": 10}  # fmt: skip
    out = _extract(report(applications=_cell_per_line(t)))
    assert out["tables"]["applications"]["new_received"] == t["new_received"]
    assert out["cell_status"]["applications"]["new_received"]["research_institution"] == "read"
