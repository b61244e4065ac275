"""A lone value above the wrapped tail of its row's label (``1.本机关不掌握相关`` / value / ``政府信息``,
Chromium's PDF read by govreport's reader) is a value: the tail is a piece of the title's middle,
no running header, so the value above it is no page number. Hand-written, rule tagger."""
from __future__ import annotations

from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import get_tagger
from govreport.extraction.taggers.rules import _title_like
from govreport.extraction.templates import table_spec
from tests.reportkit import APP_LABELS_2021, report
from tests.test_pdf_text_routes import grid

TITLE_KEY = "某某市交通运输局2022年政府信息公开工作年度报告"


def test_a_running_header_is_the_title_its_start_or_its_end():
    assert _title_like("某某市交通运输局", TITLE_KEY)
    assert _title_like("某某市交通运输局2022年政府信息公开工作年度报告", TITLE_KEY)
    assert _title_like("2022年政府信息公开工作年度报告", TITLE_KEY)
    assert _title_like("某某市交通运输局", "关于" + TITLE_KEY)
    # a piece of the title's middle is a row label's wrapped tail as often
    assert not _title_like("政府信息", TITLE_KEY)
    assert not _title_like("政府信息公开", TITLE_KEY)


def test_a_lone_value_above_its_label_s_tail_that_reads_like_the_title_is_a_value():
    col = [30 + 6 * k for k in range(7)]
    lines = [grid((col[0], "自然人"), (col[1], "商业企业"), (col[6], "总计"))]
    totals = {"new_received": 2, "granted": 0, "unable_not_held": 2, "total_handled": 2}
    for key, label in APP_LABELS_2021:
        total = totals.get(key, 0)
        text = label.split("\t")[-1]
        if key == "unable_not_held":  # the label wrapped around its lone value, its tail under it
            lines += [grid((4, "1.本机关不掌握相关")), grid((col[6], str(total))), grid((4, "政府信息"))]
            continue
        vals = [(col[0], str(total)), (col[6], str(total))] if key in ("new_received", "total_handled") else [(col[6], str(total))]
        lines.append(grid((4, text[:12]), *vals))
    out = Extractor(get_tagger("rules")).extract_text(report(applications="\n".join(lines), organ="某某市交通运输局")).output
    app = out["tables"]["applications"]
    assert app["unable_not_held"]["total"] == 2
    # every row after it keeps its own value (none moved up a row)
    rows = table_spec("2021", "applications").row_keys
    after = rows[rows.index("unable_not_held") + 1 : rows.index("total_handled")]
    assert all(app[r]["total"] == 0 for r in after)
