"""Character-level normalisation for matching: traditional -> simplified, full-width -> half-width.

Every mapping is one character to one character, so the normalised string has the same length as
the original and the offset map back is the identity: an offset found in normalised text is an
offset in the Document's text. (OpenCC's phrase tables can change length; only its character
table is used, which is what 1:1 offsets require.)
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    table: dict[int, str] = {}
    try:
        text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - dependency missing
        text = ""
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        trad, simp = parts[0], parts[1].split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for dash in "‐‑‒–﹣":
        table[ord(dash)] = "-"
    table[ord("〇")] = "〇"
    return table


def normalize(text: str) -> str:
    """Same-length normalised copy of ``text`` (see module docstring)."""
    return text.translate(_char_table())


@lru_cache(maxsize=1)
def _simp_to_trad() -> dict[str, str]:
    out: dict[str, str] = {}
    for cp, simp in _char_table().items():
        ch = chr(cp)
        if "\u4e00" <= ch <= "\u9fff":
            out.setdefault(simp, ch)
    return out


def to_traditional(text: str) -> str:
    """Char-level simplified -> traditional (for tests and the generator); same length."""
    table = _simp_to_trad()
    return "".join(table.get(c, c) for c in text)


_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|\d+\s*[.、．)）]|[（(]\d+[)）])\s*"
)
_NOISE_CHARS = re.compile(r"[\s*#＊•·“”\"'‘’「」《》<>〈〉:：;；,，.。、()（）\[\]【】]+")


def strip_numbering(s: str) -> str:
    return _NUMBERING.sub("", s, count=1)


def label_key(s: str) -> str:
    """A comparison key for labels: normalised, numbering and punctuation/whitespace removed."""
    s = normalize(s)
    s = strip_numbering(s)
    return _NOISE_CHARS.sub("", s)


def squash(s: str) -> str:
    """Normalised with every whitespace/punctuation character removed (numbering kept)."""
    return _NOISE_CHARS.sub("", normalize(s))
