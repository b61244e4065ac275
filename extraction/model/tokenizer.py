"""The character-level tokenizer: one token per character, except the layout and the numbers.

Tables survive flattening only as whitespace, so tabs, newlines and runs of spaces are tokens of
their own (a run is one token up to ``MAX_RUN`` characters). Digits carry no label information by
their value, so every digit becomes ``0`` and a run of up to ``MAX_DIGITS`` digits is one token
(``966.0898`` -> ``000`` ``.`` ``0000``): fewer tokens, and a value the model never saw is still
known. Every other character is its own token; characters outside the vocabulary are ``[UNK]``.

Before tokenizing, the text goes through :func:`extraction.normalize.normalize` (traditional ->
simplified, full-width -> half-width), a same-length character map, so offsets are unchanged. The
tokenizer itself (normaliser, pre-tokenizer, vocabulary) is a plain ``tokenizers.Tokenizer`` saved
as ``tokenizer.json``; ``training.modeling`` wraps it as a transformers ``PreTrainedTokenizerFast``.
Offsets are Python ``str`` indices into the original text (code points, so characters outside the
BMP count as one).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

import numpy as np
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

from ..normalize import normalize

PAD, UNK, MASK = "[PAD]", "[UNK]", "[MASK]"
SPECIAL_TOKENS: tuple[str, ...] = (PAD, UNK, MASK)
MAX_RUN = 8  # longest whitespace run that is one token; longer runs are several tokens
MAX_NEWLINES = 3
MAX_DIGITS = 8
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_VERSION = "char-1"

# Pre-tokenizer: newline runs, digit runs (already mapped to "0"), tab runs, space runs, any char.
_SPLIT = rf"(?:\r\n){{1,{MAX_NEWLINES}}}|\n{{1,{MAX_NEWLINES}}}|0{{1,{MAX_DIGITS}}}|\t{{1,{MAX_RUN}}}| {{1,{MAX_RUN}}}|."
# Whitespace that is a space for layout purposes (one char each, so offsets are kept).
_SPACES = "[\u00a0\u2000-\u200a\u202f\u205f\u3000]"


def layout_tokens() -> list[str]:
    """Whitespace-run and digit-run tokens, always in the vocabulary."""
    toks: list[str] = []
    for n in range(1, MAX_NEWLINES + 1):
        toks += ["\n" * n, "\r\n" * n]
    toks.append("\r")
    for n in range(1, MAX_RUN + 1):
        toks += ["\t" * n, " " * n]
    toks += ["0" * n for n in range(1, MAX_DIGITS + 1)]
    return toks


@lru_cache(maxsize=1)
def base_chars() -> str:
    """Characters always in the vocabulary: printable ASCII, common CJK punctuation and every
    character of the templates' wordings, so a small training set still knows the table vocabulary."""
    chars = {chr(c) for c in range(33, 127) if not chr(c).isdigit()}
    chars |= set(normalize("，。、；：？！“”‘’（）【】《》〈〉「」『』—…·％～－＋×÷●○■□▲△※〇一二三四五六七八九十百千万亿元"))
    text = resources.files("govreport.extraction").joinpath("resources/templates.json").read_text("utf-8")
    chars |= {c for c in normalize(text) if not c.isspace() and not c.isdigit()}
    return "".join(sorted(chars))


def _pipeline(vocab: dict[str, int]) -> Tokenizer:
    tok = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex("[0-9\uff10-\uff19]"), "0"),  # one char for one char: offsets kept
            normalizers.Replace(Regex(_SPACES), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(_SPLIT), behavior="isolated")
    return tok


def build_vocab(texts: Iterable[str], min_freq: int = 1, max_size: int | None = None) -> dict[str, int]:
    """Special tokens, layout tokens, base characters, then the texts' characters by frequency
    (ties by code point), so the same texts always give the same ids."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(normalize(t))
    vocab: dict[str, int] = {}
    for t in [*SPECIAL_TOKENS, *layout_tokens(), *base_chars()]:
        vocab.setdefault(t, len(vocab))
    seen = sorted(
        (c for c, n in counts.items() if n >= min_freq and not c.isspace() and not c.isdigit() and c not in vocab),
        key=lambda c: (-counts[c], c),
    )
    if max_size is not None:
        seen = seen[: max(0, max_size - len(vocab))]
    for c in seen:
        vocab[c] = len(vocab)
    return vocab


@dataclass(frozen=True)
class Encoding:
    ids: np.ndarray  # int64 [n]
    offsets: np.ndarray  # int64 [n, 2]: character offsets into the original text


class CharTokenizer:
    """The model's tokenizer; ``encode`` applies the same-length normalisation first."""

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        vocab = tokenizer.get_vocab()
        self.pad_id = vocab[PAD]
        self.unk_id = vocab[UNK]
        self.mask_id = vocab[MASK]

    @classmethod
    def from_vocab(cls, vocab: dict[str, int]) -> "CharTokenizer":
        return cls(_pipeline(vocab))

    @classmethod
    def train(cls, texts: Iterable[str], min_freq: int = 1, max_size: int | None = None) -> "CharTokenizer":
        return cls.from_vocab(build_vocab(texts, min_freq=min_freq, max_size=max_size))

    @classmethod
    def load(cls, directory: str | Path) -> "CharTokenizer":
        path = Path(directory) / TOKENIZER_FILE
        if not path.exists():
            raise FileNotFoundError(f"no {TOKENIZER_FILE} in {directory}")
        return cls(Tokenizer.from_file(str(path)))

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / TOKENIZER_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(str(path))
        return path

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.get_vocab_size()

    def encode(self, text: str) -> Encoding:
        enc = self.tokenizer.encode(normalize(text), add_special_tokens=False)
        ids = np.asarray(enc.ids, dtype=np.int64)
        offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        return Encoding(ids, offsets)

    def encode_batch(self, texts: list[str]) -> list[Encoding]:
        encs = self.tokenizer.encode_batch([normalize(t) for t in texts], add_special_tokens=False)
        return [
            Encoding(np.asarray(e.ids, dtype=np.int64), np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2))
            for e in encs
        ]

    def tokens(self, text: str) -> list[str]:
        return self.tokenizer.encode(normalize(text), add_special_tokens=False).tokens

    def describe(self) -> dict[str, object]:
        return {
            "kind": TOKENIZER_VERSION,
            "vocab_size": self.vocab_size,
            "max_run": MAX_RUN,
            "max_digits": MAX_DIGITS,
            "pre_normalization": "govreport.extraction.normalize.normalize (1:1 characters)",
        }
