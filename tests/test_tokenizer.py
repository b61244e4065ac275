"""The character tokenizer: layout and digit runs are tokens, offsets map back exactly."""
from __future__ import annotations

import pytest

from govreport.extraction.model.tokenizer import MAX_DIGITS, MAX_RUN, UNK, CharTokenizer

TRAIN_TEXTS = ["政府信息公开工作年度报告", "自然人\t商业企业\n规章 3 件", "测试"]

# tabs, a long space run, CRLF, blank lines, non-BMP characters (CJK Ext. B, an emoji), full-width
# digits, an ideographic space, traditional characters, a no-break space
MESSY = "# 𠀀报告 2020 年\r\n\n\n\n\t\t\t规章\t\t0\t12,345.67 万元" + " " * 20 + "１２３\u3000測試\u00a0x😀y\n"


@pytest.fixture(scope="module")
def tok() -> CharTokenizer:
    return CharTokenizer.train(TRAIN_TEXTS)


def pieces(tok: CharTokenizer, text: str) -> list[str]:
    enc = tok.encode(text)
    return [text[a:b] for a, b in enc.offsets]


@pytest.mark.parametrize(
    "text",
    [MESSY, "", "a", "\t", "𠀀𠀁\t𠀂", "报告\n", " " * (3 * MAX_RUN + 1), "9" * (MAX_DIGITS * 2 + 3), "\r\n\r\n\n\r"],
)
def test_offsets_tile_the_original_text(tok, text):
    """Tokens cover every character exactly once, in order: offsets are str indices into the input."""
    enc = tok.encode(text)
    assert len(enc.ids) == len(enc.offsets)
    pos = 0
    for a, b in enc.offsets:
        assert a == pos and b > a
        pos = b
    assert pos == len(text)


def test_non_bmp_characters_are_one_index_each(tok):
    text = "甲𠀀\t😀乙"
    assert pieces(tok, text) == ["甲", "𠀀", "\t", "😀", "乙"]
    enc = tok.encode(text)
    assert [tuple(o) for o in enc.offsets] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]


def test_whitespace_runs_are_tokens(tok):
    assert pieces(tok, "规章\t\t\t3") == ["规", "章", "\t\t\t", "3"]
    assert pieces(tok, "a" + " " * (MAX_RUN + 2) + "b") == ["a", " " * MAX_RUN, "  ", "b"]
    assert pieces(tok, "x\n\n\ny\r\nz") == ["x", "\n\n\n", "y", "\r\n", "z"]
    toks = tok.tokens("\t\t \n")
    assert UNK not in toks  # layout tokens are always in the vocabulary


def test_digit_runs_are_tokens_by_shape(tok):
    assert pieces(tok, "12,345.67") == ["12", ",", "345", ".", "67"]
    # value does not matter, length does; full-width digits are digits
    assert tok.encode("2020").ids.tolist() == tok.encode("1999").ids.tolist() == tok.encode("２０２１").ids.tolist()
    assert tok.encode("12").ids.tolist() != tok.encode("123").ids.tolist()
    assert pieces(tok, "1" * (MAX_DIGITS + 1)) == ["1" * MAX_DIGITS, "1"]


def test_traditional_and_full_width_share_ids(tok):
    assert tok.encode("測試").ids.tolist() == tok.encode("测试").ids.tolist()
    assert tok.encode("（一）").ids.tolist() == tok.encode("(一)").ids.tolist()
    assert tok.encode("\u3000").ids.tolist() == tok.encode(" ").ids.tolist()


def test_unknown_characters_are_unk(tok):
    assert tok.tokens("鑫") == [UNK]
    assert tok.tokens("报") != [UNK]


def test_vocabulary_is_deterministic():
    a = CharTokenizer.train(TRAIN_TEXTS).tokenizer.get_vocab()
    b = CharTokenizer.train(list(reversed(TRAIN_TEXTS))).tokenizer.get_vocab()
    assert a == b


def test_save_load_roundtrip(tok, tmp_path):
    tok.save(tmp_path)
    again = CharTokenizer.load(tmp_path)
    for text in (MESSY, "自 然 人\t3"):
        e1, e2 = tok.encode(text), again.encode(text)
        assert e1.ids.tolist() == e2.ids.tolist() and e1.offsets.tolist() == e2.offsets.tolist()


def test_loads_as_transformers_tokenizer(tok, tmp_path):
    """Saved the way a model is saved, it loads with AutoTokenizer and encodes identically (on text
    already normalised: the traditional->simplified map is applied by CharTokenizer.encode)."""
    from transformers import AutoTokenizer

    from govreport.extraction.normalize import normalize
    from govreport.training.modeling import hf_tokenizer

    hf_tokenizer(tok, max_len=64).save_pretrained(str(tmp_path))
    hf = AutoTokenizer.from_pretrained(str(tmp_path))
    text = normalize(MESSY)
    got = hf(text, add_special_tokens=False, return_offsets_mapping=True)
    enc = tok.encode(text)
    assert got["input_ids"] == enc.ids.tolist()
    assert [tuple(o) for o in got["offset_mapping"]] == [tuple(o) for o in enc.offsets.tolist()]
    assert hf.pad_token == "[PAD]" and hf.unk_token == UNK


# --------------------------------------------------------------------------- char-2: fixed vocabulary


@pytest.fixture(scope="module")
def fixed() -> CharTokenizer:
    return CharTokenizer.fixed()


def test_fixed_vocabulary_covers_every_cjk_ideograph(fixed):
    """Every CJK Unified Ideograph and Extension A character has an id of its own (or its
    normalised form's: a traditional character shares its simplified form's id), never a bucket."""
    from govreport.extraction.normalize import normalize

    vocab = fixed.tokenizer.get_vocab()
    ranges = [*range(0x4E00, 0xA000), *range(0x3400, 0x4DC0)]
    text = "".join(chr(c) for c in ranges)
    enc = fixed.encode(text)
    assert len(enc.ids) == len(ranges)
    assert not set(enc.ids.tolist()) & set(fixed.bucket_ids.tolist())
    assert UNK not in fixed.tokens(text)
    inv = {v: k for k, v in vocab.items()}
    assert all(inv[i] == normalize(c) for i, c in zip(enc.ids.tolist(), text))


@pytest.mark.parametrize(
    "chars",
    ["，。、；：？！“”‘’（）【】《》〈〉「」『』〔〕…—·～", "ＡＢＣａｂｃ！＃％＆", "abcXYZ", "éüçĀŁ", "│├┼┤─═║", "①②⑩ⅠⅡⅫ", "％‰×÷±≤≥"],
)
def test_fixed_vocabulary_covers_punctuation_latin_and_table_symbols(fixed, chars):
    enc = fixed.encode(chars)
    assert len(enc.ids) == len(chars)
    assert all(i >= fixed.first_char_id for i in enc.ids.tolist()), fixed.tokens(chars)


def test_characters_outside_the_vocabulary_go_to_hashed_buckets(fixed):
    """Emoji, Extension B ideographs, other scripts: a bucket chosen by the code point (the same
    character always the same bucket, different characters mostly different ones), never [UNK]."""
    outside = "😀😁🙂𠀀𠀁𠀂𪚥ᚠᚡअआกขᄀ"
    enc = fixed.encode(outside)
    buckets = set(fixed.bucket_ids.tolist())
    assert len(enc.ids) == len(outside) and all(i in buckets for i in enc.ids.tolist())
    assert fixed.unk_id not in enc.ids.tolist()
    assert len(set(enc.ids.tolist())) >= len(outside) - 3  # 15 characters over 64 buckets
    again = fixed.encode("x" + outside[::-1])
    assert again.ids[1:].tolist() == enc.ids.tolist()[::-1]  # by character, not by position


def test_fixed_vocabulary_offsets_tile_the_text(fixed):
    enc = fixed.encode(MESSY)
    pos = 0
    for a, b in enc.offsets:
        assert a == pos and b > a
        pos = b
    assert pos == len(MESSY)
    assert fixed.encode_batch([MESSY, "甲😀"])[0].ids.tolist() == enc.ids.tolist()


def test_fixed_vocabulary_is_independent_of_data_and_round_trips(fixed, tmp_path):
    assert CharTokenizer.fixed().tokenizer.get_vocab() == fixed.tokenizer.get_vocab()
    fixed.save(tmp_path)
    back = CharTokenizer.load(tmp_path)
    assert back.hashed and back.describe()["kind"] == "char-2" and back.describe()["hash_buckets"] == 64
    assert back.encode(MESSY).ids.tolist() == fixed.encode(MESSY).ids.tolist()
    assert not CharTokenizer.train(TRAIN_TEXTS).hashed  # char-1 keeps [UNK]


# --------------------------------------------------------------------------- the numpy encoding path


def _fuzz_texts(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    # every character class the pre-tokenizer treats apart, the normaliser's digits and spaces,
    # line separators "." might not match, non-BMP and unknown characters, special-token text
    alphabet = list("\r\n\t 0123456789０１\u3000\u00a0\u2003\x0b\x0c\x85\u2028\u2029ab一表[]🙂\U00020000\ufeff\u200b測")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))) for _ in range(n)]


@pytest.mark.parametrize("which", ["train", "fixed"])
def test_fast_encoding_equals_the_tokenizers_pipeline(tok, fixed, which):
    """``encode`` (numpy) gives the ids and offsets of the ``tokenizers`` pipeline (``slow_encode``)
    on the corpus, generated reports and random text of every character class."""
    from pathlib import Path

    from govreport.training.synth.generator import make_report

    t = tok if which == "train" else fixed
    assert t._fast is not None  # the standard pipeline takes the numpy path
    corpus = sorted(Path(__file__).parent.joinpath("data/corpus").glob("*.txt"))
    texts = [p.read_text("utf-8") for p in corpus] + [make_report(11, i).text for i in range(5)]
    texts += _fuzz_texts(400, 3) + [MESSY, "[UNK]报告", "a[PAD]", "\r", "\r\r\n\n\r\n" * 4]
    assert corpus
    for text in texts:
        fast, slow = t.encode(text), t.slow_encode(text)
        assert fast.ids.tolist() == slow.ids.tolist(), repr(text[:80])
        assert fast.offsets.tolist() == slow.offsets.tolist(), repr(text[:80])
    batch = t.encode_batch(texts[-5:])
    assert [e.ids.tolist() for e in batch] == [t.slow_encode(x).ids.tolist() for x in texts[-5:]]


def test_another_pipeline_keeps_the_tokenizers_path():
    """A saved tokenizer whose pre-tokenizer is not the standard one is not read by the numpy path."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers

    raw = Tokenizer(models.WordLevel({"[PAD]": 0, "[UNK]": 1, "[MASK]": 2, "ab": 3}, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Split(Regex(".."), behavior="isolated")
    other = CharTokenizer(raw)
    assert other._fast is None
    assert other.encode("abab").ids.tolist() == [3, 3]
