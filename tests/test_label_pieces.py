"""A row label Chromium's PDF prints with words after its wording (``四、结转下年度继续办理的申请``) still
names its row in ``labelruns.label_starts`` (the runs of values between row labels need every row's)."""
from __future__ import annotations

from govreport.extraction.tables.labelruns import label_starts


LABELS = ["本年新收政府信息公开申请数量", "其他法律行政法规禁止公开", "其他", "总计", "结转下年度继续办理"]


def test_a_label_with_words_after_its_wording_is_found():
    texts = ["0", "一、本年新收政府信息公开申请数量", "0", "四、结转下年度继续办理的申请", "0"]
    assert label_starts(texts, LABELS)[4] == 3


def test_a_short_wording_is_not_found_at_the_start_of_another_rows_label():
    # 3.其他 (two characters) is not 2.其他法律行政法规禁止公开 with words after it
    texts = ["2.其他法律行政法规禁止公开", "0", "（七）总计", "0"]
    at = label_starts(texts, LABELS)
    assert at[1] == 0
    assert at[2] is None

