"""The marks a charset conversion leaves for a character it lacked, and wordings found through them.

``?`` (encoding with ``errors="replace"``: Big5, Latin-1) or U+FFFD (decoding bytes it could not
map), one for one, so a wording keeps its length. A leaf module: the lexicon, the trust verdict and
``lostchars`` (which reads the characters back) all use it.
"""
from __future__ import annotations

import re
from functools import lru_cache

LOST_MARKS = "?\ufffd"


def has_lost(text: str) -> bool:
    """Does ``text`` hold a lost mark (``?`` or U+FFFD)?"""
    return any(c in LOST_MARKS for c in text)


def lossy_in(word: str, text: str, min_kept: int = 2) -> bool:
    """``word`` is in ``text``, some of its characters lost: each lost one a ``?`` or U+FFFD, at
    most half of them, and at least ``min_kept`` kept (``?果?持`` is 结果维持; ``??`` says nothing).
    Exact occurrences count too."""
    if word in text:
        return True
    for m in _lossy_pattern(word).finditer(text):
        lost = sum(c in LOST_MARKS for c in m.group(1))
        if 2 * lost <= len(word) and len(word) - lost >= min_kept:
            return True
    return False


@lru_cache(maxsize=256)
def _lossy_pattern(word: str) -> re.Pattern[str]:
    # a lookahead capture finds overlapping candidates (``??果?持``: the one at the second "?")
    return re.compile("(?=(" + "".join(f"[{re.escape(c)}{LOST_MARKS}]" for c in word) + "))")
