"""Windows over long documents, their merge, BIO decoding and gold-span -> token-label alignment."""
from __future__ import annotations

import numpy as np
import pytest

from govreport.extraction.document import Document, Span
from govreport.extraction.labels import ID2LABEL, LABEL2ID, Label
from govreport.extraction.model.features import token_labels
from govreport.extraction.model.predictor import decode_bio, merge_windows, window_bounds
from govreport.extraction.model.tokenizer import CharTokenizer


@pytest.mark.parametrize("n,max_len,stride", [(0, 8, 6), (1, 8, 6), (8, 8, 6), (9, 8, 6), (100, 16, 12), (101, 16, 16), (37, 10, 3)])
def test_window_bounds_cover_everything(n, max_len, stride):
    bounds = window_bounds(n, max_len, stride)
    covered = np.zeros(n, dtype=int)
    for s, e in bounds:
        assert 0 <= s < e <= n and e - s <= max_len
        covered[s:e] += 1
    assert (covered >= 1).all()
    if n:
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        if n > max_len:  # every window is full length (the last one is shifted back, not cut short)
            assert all(e - s == max_len for s, e in bounds)
            starts = [s for s, _ in bounds[:-1]]
            assert starts == list(range(0, stride * len(starts), stride))


def test_window_bounds_rejects_bad_stride():
    with pytest.raises(ValueError):
        window_bounds(10, 4, 5)
    with pytest.raises(ValueError):
        window_bounds(10, 4, 0)


def _one_hot_windows(n, bounds):
    """Window k's rows all say 'k': the merge shows which window each token was taken from."""
    return [np.tile(np.eye(len(bounds))[k], (e - s, 1)) for k, (s, e) in enumerate(bounds)]


def test_merge_takes_each_token_from_its_most_central_window():
    n, max_len, stride = 40, 16, 8
    bounds = window_bounds(n, max_len, stride)  # (0,16) (8,24) (16,32) (24,40)
    source = merge_windows(n, bounds, _one_hot_windows(n, bounds)).argmax(axis=1)
    for i in range(n):
        best = max(
            (k for k, (s, e) in enumerate(bounds) if s <= i < e),
            key=lambda k: min(i - bounds[k][0] if bounds[k][0] > 0 else n, bounds[k][1] - 1 - i if bounds[k][1] < n else n),
        )
        assert source[i] == best, i
    # the overlap of two windows is split in the middle; document edges stay with the edge windows
    assert source[:12].tolist() == [0] * 12 and source[12:20].tolist() == [1] * 8
    assert source[-12:].tolist() == [3] * 12


def test_merge_of_slices_restores_the_full_sequence():
    rng = np.random.default_rng(0)
    n = 101
    full = rng.random((n, 5)).astype(np.float32)
    bounds = window_bounds(n, 16, 11)
    merged = merge_windows(n, bounds, [full[s:e] for s, e in bounds])
    np.testing.assert_array_equal(merged, full)


def test_merge_rejects_gaps_and_bad_shapes():
    with pytest.raises(ValueError, match="uncovered"):
        merge_windows(10, [(0, 4), (6, 10)], [np.zeros((4, 2)), np.zeros((4, 2))])
    with pytest.raises(ValueError):
        merge_windows(10, [(0, 10)], [np.zeros((9, 2))])


def tags(*names: str) -> list[int]:
    return [LABEL2ID[n] for n in names]


def char_offsets(text: str) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(len(text))]


@pytest.mark.parametrize(
    "text,tag_names,expected",
    [
        ("规章\t3", ["B-ROW", "I-ROW", "O", "B-CELL"], [(0, 2, "ROW"), (3, 4, "CELL")]),
        # a model's O I-X is read as O B-X
        ("a规章", ["O", "I-ROW", "I-ROW"], [(1, 3, "ROW")]),
        # a label change inside a run starts a new span
        ("12万元", ["B-CELL", "I-CELL", "I-UNIT", "I-UNIT"], [(0, 2, "CELL"), (2, 4, "UNIT")]),
        # B right after the same label continues the span (gold spans of one label never touch)
        ("规章", ["B-ROW", "B-ROW"], [(0, 2, "ROW")]),
        # ... but not across an O
        ("1 2", ["B-CELL", "O", "B-CELL"], [(0, 1, "CELL"), (2, 3, "CELL")]),
        # whitespace inside a span stays, at its edges it is trimmed; whitespace alone is no span
        ("自 然 人 ", ["B-COL", "I-COL", "I-COL", "I-COL", "I-COL", "I-COL"], [(0, 5, "COL")]),
        (" \t", ["B-NOISE", "I-NOISE"], []),
        ("", [], []),
    ],
)
def test_decode_bio(text, tag_names, expected):
    spans = decode_bio(tags(*tag_names), [0.5] * len(tag_names), char_offsets(text), text)
    assert [(s.start, s.end, s.label.value) for s in spans] == expected


def test_decode_bio_can_split_on_b():
    spans = decode_bio(tags("B-CELL", "B-CELL", "I-CELL"), [1.0] * 3, char_offsets("—12"), "—12", split_on_b=True)
    assert [(s.start, s.end) for s in spans] == [(0, 1), (1, 3)]
    # never inside a run of digits: the assembly splits a run by the report's arithmetic
    spans = decode_bio(tags("B-CELL", "B-CELL", "I-CELL"), [1.0] * 3, char_offsets("123"), "123", split_on_b=True)
    assert [(s.start, s.end) for s in spans] == [(0, 3)]


def test_decode_bio_score_is_mean_token_confidence():
    spans = decode_bio(tags("B-CELL", "I-CELL", "O"), [0.9, 0.5, 0.99], [(0, 1), (1, 3), (3, 4)], "1,2 ")
    assert len(spans) == 1 and spans[0].end == 3 and spans[0].score == pytest.approx(0.7)


DOC_TEXT = "二、主动公开情况\n规章\t\t12\t966.0898 万元\n自 然 人\t- 3 -\n"


def _doc() -> Document:
    def at(frag: str, label: Label, start_from: int = 0) -> Span:
        i = DOC_TEXT.index(frag, start_from)
        return Span(i, i + len(frag), label)

    return Document.from_text(DOC_TEXT).with_spans(
        [
            at("二、主动公开情况", Label.SECTION),
            at("规章", Label.ROW),
            at("12", Label.CELL),
            at("966.0898", Label.CELL),
            at("万元", Label.UNIT),
            at("自 然 人", Label.COL),
            at("- 3 -", Label.NOISE),
        ]
    )


def test_gold_spans_round_trip_through_token_labels():
    doc = _doc()
    tok = CharTokenizer.train([doc.text])
    enc = tok.encode(doc.text)
    labels, misaligned = token_labels(doc, enc)
    assert misaligned == 0
    back = decode_bio(labels, np.ones(len(labels)), enc.offsets, doc.text)
    assert [(s.start, s.end, s.label) for s in back] == [(s.start, s.end, s.label) for s in doc.spans]
    pieces = {doc.text[a:b]: labels[i] for i, (a, b) in enumerate(enc.offsets)}
    assert pieces["966"] == LABEL2ID["B-CELL"] and pieces["0898"] == LABEL2ID["I-CELL"]
    assert pieces["\t\t"] == LABEL2ID["O"]


def test_span_edge_inside_a_digit_run_is_counted():
    text = "第12"
    doc = Document.from_text(text).with_spans([Span(0, 2, Label.ROW), Span(2, 3, Label.CELL)])
    tok = CharTokenizer.train([text])
    _, misaligned = token_labels(doc, tok.encode(text))
    assert misaligned == 1


def _features(lengths):
    from govreport.training.data import DocFeatures

    return [DocFeatures(np.arange(n), np.arange(n) % 3, 0) for n in lengths]


def test_shifted_windows_cover_each_token_once():
    from govreport.training.data import shifted_windows

    rng = np.random.default_rng(3)
    feats = _features([1, 16, 17, 100, 250])
    for _ in range(5):
        windows = shifted_windows(feats, 16, rng)
        assert all(1 <= len(w[0]) <= 16 for w in windows)
        assert sorted(int(i) for w in windows for i in w[0]) == sorted(int(i) for f in feats for i in f.ids)


def test_length_batches_group_equal_lengths():
    from govreport.training.data import length_batches

    rng = np.random.default_rng(0)
    lengths = [16] * 37 + [3, 9, 5, 16, 2, 11]
    batches = length_batches(lengths, 8, rng)
    assert sorted(int(i) for b in batches for i in b) == list(range(len(lengths)))
    full = [b for b in batches if all(lengths[i] == 16 for i in b)]
    assert sum(len(b) for b in full) == lengths.count(16)  # full windows never share a batch with short ones
    assert all(len(b) <= 8 for b in batches)


def test_rule_prior_only_overrides_unconfident_predictions():
    from govreport.extraction.model.features import BLANK, apply_prior

    probs = np.array([[0.6, 0.4, 0.0], [0.05, 0.95, 0.0], [0.3, 0.3, 0.4]], dtype=np.float32)
    rules = np.array([1, 0, BLANK])
    out = apply_prior(probs, rules, 1.0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    assert out.argmax(axis=1).tolist() == [1, 1, 2]  # weak disagreement follows the rules; strong one and BLANK don't
    np.testing.assert_array_equal(apply_prior(probs, rules, 0.0), probs)
    # a prior only where the rules found nothing: the first row keeps the model's answer
    assert apply_prior(probs, np.array([1, 0, 0]), 0.0, 5.0).argmax(axis=1).tolist() == [0, 0, 0]


def _decode_bio_by_token(tag_ids, scores, offsets, text, split_on_b=False):
    """The decoding rule of ``decode_bio`` written token by token, as a reference."""
    spans, cur = [], None

    def close():
        if cur is not None:
            label, a, b, total, count = cur
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                spans.append((a, b, label, total / count))

    for tag_id, score, (a, b) in zip(tag_ids, scores, offsets):
        if b <= a:
            continue
        tag = ID2LABEL[tag_id]
        if tag == "O":
            close()
            cur = None
            continue
        prefix, name = tag.split("-", 1)
        in_digit_run = cur is not None and cur[2] == a and text[a - 1].isdigit() and text[a].isdigit()
        if cur is not None and cur[0] == name and (prefix == "I" or not split_on_b or in_digit_run):
            cur = [name, cur[1], b, cur[3] + score, cur[4] + 1]
            continue
        close()
        cur = [name, a, b, score, 1]
    close()
    return spans


@pytest.mark.parametrize("split_on_b", [False, True])
def test_decode_bio_agrees_with_token_by_token_decoding(split_on_b):
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        text = "".join(rng.choice(list("规章 \t12万元\n")) for _ in range(n + 5))
        # runs of few labels (so spans continue), O, and now and then a token without characters
        tag_ids = rng.choice([0, 0, 5, 6, 6, 9, 10, 10, 11, 12], size=n).tolist()
        scores = rng.random(n).astype(np.float32).tolist()
        starts = np.sort(rng.integers(0, n + 5, size=n))
        lengths = rng.choice([0, 1, 1, 1, 2], size=n)
        offsets = [(int(a), int(min(a + k, n + 5))) for a, k in zip(starts, lengths)]
        got = [(s.start, s.end, s.label.value, s.score) for s in decode_bio(tag_ids, scores, offsets, text, split_on_b)]
        assert got == _decode_bio_by_token(tag_ids, scores, offsets, text, split_on_b)
