"""The character-level tokenizer: one token per character, except the layout and the numbers.

Tables survive flattening only as whitespace, so tabs, newlines and runs of spaces are tokens of
their own (a run is one token up to ``MAX_RUN`` characters). Digits carry no label information by
their value, so every digit becomes ``0`` and a run of up to ``MAX_DIGITS`` digits is one token
(``966.0898`` -> ``000`` ``.`` ``0000``): fewer tokens, and a value the model never saw is still
known. Every other character is its own token.

Two vocabularies: ``char-1`` (the first default model: the characters of the training texts,
everything else ``[UNK]``) and ``char-2`` (:func:`fixed_vocab`, independent of the training data:
every CJK Unified Ideograph and Extension A, CJK and full-width punctuation, Latin letters, the
symbols tables are drawn with, the layout tokens). In ``char-2`` a character outside the
vocabulary (a rare symbol, an ideograph of a later extension, an emoji) is not ``[UNK]`` but one of
``HASH_BUCKETS`` hashed bucket tokens ``[#k]`` chosen by its code point, so two unknown characters
are usually told apart. The buckets are vocabulary entries, so the version is read from the
saved ``tokenizer.json`` itself.

Before tokenizing, the text goes through :func:`extraction.normalize.normalize` (traditional ->
simplified, full-width -> half-width), a same-length character map, so offsets are unchanged. The
tokenizer itself (normaliser, pre-tokenizer, vocabulary) is a plain ``tokenizers.Tokenizer`` saved
as ``tokenizer.json``; ``training.modeling`` wraps it as a transformers ``PreTrainedTokenizerFast``.
``encode`` computes that pipeline's ids and offsets with numpy where the saved pipeline is the
standard one (0.2 instead of ~3 ms per 6,000 characters: the pipeline makes a string per
character); ``slow_encode`` runs ``tokenizers`` itself, and a test holds the two equal.
Offsets are Python ``str`` indices into the original text (code points, so characters outside the
BMP count as one).
"""
from __future__ import annotations

from collections import Counter
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable
import unicodedata

import numpy as np
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

from ..normalize import normalize

PAD, UNK, MASK = "[PAD]", "[UNK]", "[MASK]"
HASH_BUCKETS = 64
BUCKET_TOKENS: tuple[str, ...] = tuple(f"[#{k}]" for k in range(HASH_BUCKETS))
SPECIAL_TOKENS: tuple[str, ...] = (PAD, UNK, MASK)
MAX_RUN = 8  # longest whitespace run that is one token; longer runs are several tokens
MAX_NEWLINES = 3
MAX_DIGITS = 8
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_VERSION = "char-1"  # data-derived vocabulary, [UNK] for the rest
FIXED_TOKENIZER_VERSION = "char-2"  # fixed vocabulary, hashed buckets for the rest

# Code point ranges of the fixed vocabulary (before normalisation; the vocabulary holds their
# normalised forms, so a traditional or full-width character shares its normalised form's id).
FIXED_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0021, 0x007E, "ASCII letters, punctuation and symbols"),
    (0x00A1, 0x00FF, "Latin-1 punctuation and letters"),
    (0x0100, 0x017F, "Latin Extended-A"),
    (0x0391, 0x03C9, "Greek letters (units, list markers)"),
    (0x2010, 0x205E, "general punctuation (dashes, quotes, ellipsis, per mille)"),
    (0x2150, 0x218B, "number forms (Roman numerals)"),
    (0x2190, 0x21FF, "arrows"),
    (0x2200, 0x22FF, "mathematical operators"),
    (0x2460, 0x24FF, "enclosed alphanumerics (circled figures)"),
    (0x2500, 0x257F, "box drawing (text-grid tables)"),
    (0x2580, 0x25FF, "block elements and geometric shapes"),
    (0x2600, 0x26FF, "miscellaneous symbols"),
    (0x3000, 0x303F, "CJK symbols and punctuation"),
    (0x3200, 0x32FF, "enclosed CJK letters and months"),
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xFE30, 0xFE4F, "CJK compatibility forms (vertical punctuation)"),
    (0xFF01, 0xFF65, "full-width ASCII and half-width CJK punctuation"),
)

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


@lru_cache(maxsize=1)
def fixed_chars() -> str:
    """The characters of the fixed (``char-2``) vocabulary, in a fixed order: the normalised forms
    of every code point of ``FIXED_RANGES`` and of :func:`base_chars`, minus digits and whitespace
    (digits and whitespace are layout tokens)."""
    chars: dict[str, None] = {}
    for c in base_chars():
        chars.setdefault(c)
    for a, b, _what in FIXED_RANGES:
        for cp in range(a, b + 1):
            ch = chr(cp)
            if unicodedata.category(ch) in ("Cn", "Cs", "Co", "Cc", "Cf"):
                continue  # unassigned, surrogates, private use, controls, invisible formats
            n = normalize(ch)
            if not n.isspace() and n not in "0123456789":  # ASCII digits are digit-run tokens (① is a character)
                chars.setdefault(n)
    return "".join(chars)


def fixed_vocab() -> dict[str, int]:
    """The ``char-2`` vocabulary: specials, layout tokens, hash buckets, :func:`fixed_chars`.
    The same for every training run (so a fine-tuned model and its parent share ids)."""
    vocab: dict[str, int] = {}
    for t in [*SPECIAL_TOKENS, *layout_tokens(), *BUCKET_TOKENS, *fixed_chars()]:
        vocab.setdefault(t, len(vocab))
    return vocab


def bucket_of(cp: np.ndarray | int, n_buckets: int = HASH_BUCKETS) -> np.ndarray:
    """Hash bucket index (``0..n_buckets-1``) of code points: a multiplicative (Fibonacci) hash,
    so neighbouring code points (one script's characters) spread over the buckets."""
    x = (np.asarray(cp, dtype=np.uint64) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    return ((x >> np.uint64(16)) % np.uint64(n_buckets)).astype(np.int64)


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


# The numpy path of CharTokenizer.encode (the same tokens as _pipeline's Split): a class per
# character, the longest run of each class that is one token.
_OTHER, _NEWLINE, _ZERO, _TAB, _SPACE, _CRLF = range(6)
_RUN_CHARS = {_NEWLINE: "\n", _ZERO: "0", _TAB: "\t", _SPACE: " ", _CRLF: "\r\n"}
_RUN_MAX = np.array([1, MAX_NEWLINES, MAX_DIGITS, MAX_RUN, MAX_RUN, MAX_NEWLINES], dtype=np.int64)
_RUN_CLASS_LUT = np.zeros(0x81, dtype=np.int64)  # code points >= 0x80 are all _OTHER
_RUN_CLASS_LUT[[0x0A, 0x30, 0x09, 0x20]] = [_NEWLINE, _ZERO, _TAB, _SPACE]


@lru_cache(maxsize=1)
def _standard_pipeline_json() -> tuple[str, str]:
    j = json.loads(_pipeline({PAD: 0, UNK: 1}).to_str())
    return json.dumps(j["normalizer"], sort_keys=True), json.dumps(j["pre_tokenizer"], sort_keys=True)


def _fast_tables(tokenizer: Tokenizer, vocab: dict[str, int], unk_id: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(code point -> id of a one-character token, [class, run length] -> id) for the numpy
    path, or None when ``tokenizer`` is not a WordLevel model behind the standard normaliser and
    pre-tokenizer (a saved tokenizer from another pipeline keeps its own)."""
    j = json.loads(tokenizer.to_str())
    if (j.get("model") or {}).get("type") != "WordLevel" or j.get("normalizer") is None or j.get("pre_tokenizer") is None:
        return None
    if (json.dumps(j["normalizer"], sort_keys=True), json.dumps(j["pre_tokenizer"], sort_keys=True)) != _standard_pipeline_json():
        return None
    singles = {ord(t): i for t, i in vocab.items() if len(t) == 1}
    lut = np.full(max(singles, default=0) + 1, unk_id, dtype=np.int64)
    lut[list(singles)] = list(singles.values())
    longest = int(_RUN_MAX.max())
    run_ids = np.full((len(_RUN_MAX), longest + 1), unk_id, dtype=np.int64)
    for c, chars in _RUN_CHARS.items():
        for k in range(1, int(_RUN_MAX[c]) + 1):
            run_ids[c, k] = vocab.get(chars * k, unk_id)
    return lut, run_ids


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
        # hashed buckets for characters outside the vocabulary (char-2); none in char-1
        self.bucket_ids = np.asarray([vocab[t] for t in BUCKET_TOKENS if t in vocab], dtype=np.int64)
        if 0 < len(self.bucket_ids) < HASH_BUCKETS:
            raise ValueError(f"tokenizer has {len(self.bucket_ids)} of {HASH_BUCKETS} bucket tokens")
        # ids from here on are characters (below: specials, layout tokens, buckets)
        self.first_char_id = max(
            [vocab[t] for t in (*SPECIAL_TOKENS, *layout_tokens(), *BUCKET_TOKENS) if t in vocab], default=-1
        ) + 1
        self._fast = _fast_tables(tokenizer, vocab, self.unk_id)

    @classmethod
    def from_vocab(cls, vocab: dict[str, int]) -> "CharTokenizer":
        return cls(_pipeline(vocab))

    @classmethod
    def fixed(cls) -> "CharTokenizer":
        """The ``char-2`` tokenizer (fixed vocabulary, hashed buckets)."""
        return cls.from_vocab(fixed_vocab())

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

    @property
    def hashed(self) -> bool:
        return len(self.bucket_ids) > 0

    def _fast_encode(self, norm: str) -> Encoding | None:
        """The same ids and offsets as the ``tokenizers`` pipeline, computed with numpy (about 4x
        faster on a report: the pipeline builds one string per character); None where this
        tokenizer's pipeline is not the standard one or the text holds a special token's string
        (``tokenizers`` reads those as the special token)."""
        fast = self._fast
        if fast is None or any(t in norm for t in SPECIAL_TOKENS):
            return None
        try:
            raw = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        except UnicodeEncodeError:  # a lone surrogate: left to the tokenizers error path
            return None
        lut, run_ids = fast
        n = len(raw)
        if n == 0:
            return Encoding(np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.int64))
        # the pipeline's normaliser: digits -> "0", layout spaces -> " " (one char for one char)
        cps = np.where(((raw >= 0x30) & (raw <= 0x39)) | ((raw >= 0xFF10) & (raw <= 0xFF19)), 0x30, raw)
        spaces = (cps == 0xA0) | ((cps >= 0x2000) & (cps <= 0x200A)) | (cps == 0x202F) | (cps == 0x205F) | (cps == 0x3000)
        cps[spaces] = 0x20
        # its pre-tokenizer, (?:\r\n){1,3}|\n{1,3}|0{1,8}|\t{1,8}| {1,8}|. : runs of one class, cut
        # every MAX_* units; a "\r\n" pair is one unit (its "\n" is not a unit of its own)
        cls = _RUN_CLASS_LUT[np.minimum(cps, 0x80)]
        crlf = np.zeros(n, dtype=bool)
        crlf[:-1] = (cps[:-1] == 0x0D) & (cps[1:] == 0x0A)
        cls[crlf] = _CRLF
        follows = np.zeros(n, dtype=bool)
        follows[1:] = crlf[:-1]
        units = np.flatnonzero(~follows)
        ucls = cls[units]
        m = len(units)
        new_run = np.ones(m, dtype=bool)
        new_run[1:] = (ucls[1:] != ucls[:-1]) | (ucls[1:] == _OTHER)
        first = np.flatnonzero(new_run)
        pos = np.arange(m) - first[np.cumsum(new_run) - 1]
        tstart = np.flatnonzero(pos % _RUN_MAX[ucls] == 0)
        lengths = np.diff(np.append(tstart, m))  # in units
        starts = units[tstart]
        ends = np.append(starts[1:], n)
        tcls = ucls[tstart]
        tcp = cps[starts]
        ids = np.where(
            tcls == _OTHER,
            np.where(tcp < len(lut), lut[np.minimum(tcp, len(lut) - 1)], self.unk_id),
            run_ids[tcls, np.minimum(lengths, run_ids.shape[1] - 1)],
        )
        if self.hashed:
            unk = ids == self.unk_id
            if unk.any():  # an unknown token is one character: its code point picks the bucket
                ids[unk] = self.bucket_ids[bucket_of(raw[starts[unk]], len(self.bucket_ids))]
        return Encoding(ids.astype(np.int64), np.stack([starts, ends], axis=1).astype(np.int64))

    def _encoding(self, norm: str, enc) -> Encoding:
        ids = np.asarray(enc.ids, dtype=np.int64)
        offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        if self.hashed:
            unk = np.flatnonzero(ids == self.unk_id)
            if len(unk):  # an unknown token is one character: its code point picks the bucket
                cps = np.fromiter((ord(norm[a]) for a in offsets[unk, 0]), dtype=np.int64, count=len(unk))
                ids[unk] = self.bucket_ids[bucket_of(cps, len(self.bucket_ids))]
        return Encoding(ids, offsets)

    def encode(self, text: str) -> Encoding:
        norm = normalize(text)
        fast = self._fast_encode(norm)
        return fast if fast is not None else self._encoding(norm, self.tokenizer.encode(norm, add_special_tokens=False))

    def encode_batch(self, texts: list[str]) -> list[Encoding]:
        norms = [normalize(t) for t in texts]
        out: list[Encoding | None] = [self._fast_encode(n) for n in norms]
        rest = [k for k, e in enumerate(out) if e is None]
        if rest:
            encs = self.tokenizer.encode_batch([norms[k] for k in rest], add_special_tokens=False)
            for k, e in zip(rest, encs):
                out[k] = self._encoding(norms[k], e)
        return out  # type: ignore[return-value]

    def slow_encode(self, text: str) -> Encoding:
        """``encode`` through the ``tokenizers`` pipeline only (the reference the fast path is tested against)."""
        norm = normalize(text)
        return self._encoding(norm, self.tokenizer.encode(norm, add_special_tokens=False))

    def tokens(self, text: str) -> list[str]:
        """Token strings (a hashed character shows as its bucket token ``[#k]``)."""
        inv = {v: k for k, v in self.tokenizer.get_vocab().items()} if self.hashed else None
        if inv is None:
            return self.tokenizer.encode(normalize(text), add_special_tokens=False).tokens
        return [inv[int(i)] for i in self.encode(text).ids]

    def describe(self) -> dict[str, object]:
        return {
            "kind": FIXED_TOKENIZER_VERSION if self.hashed else TOKENIZER_VERSION,
            "vocab_size": self.vocab_size,
            "hash_buckets": len(self.bucket_ids),
            "max_run": MAX_RUN,
            "max_digits": MAX_DIGITS,
            "pre_normalization": "govreport.extraction.normalize.normalize (1:1 characters)",
        }
