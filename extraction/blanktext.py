"""Whether a text has anything to read: a text of only whitespace, NULs and invisible characters
(Unicode format characters, category Cf: zero-width spaces and joiners, BOMs, soft hyphens) is
empty to a reader (``normalize.clean_view`` skips NULs and format characters), so every entry
point refuses it with the same message instead of extracting nothing."""

from __future__ import annotations

import unicodedata


def _visible(ch: str) -> bool:
    return not ch.isspace() and ch != "\x00" and unicodedata.category(ch) != "Cf"


def blank_reason(text: str) -> str | None:
    """None when ``text`` holds a visible character, else what it holds, worded to follow the
    input's name in an ``EmptyInput`` message: "is empty", "has only whitespace", "has only
    whitespace and NUL characters", "has only whitespace and invisible characters (...)" or
    "has only whitespace, NUL and invisible characters (...)".

    Stops at the first visible character, so a report costs almost nothing."""
    if not text:
        return "is empty"
    if any(_visible(ch) for ch in text):
        return None
    nul = "\x00" in text
    invisible = any(not ch.isspace() and ch != "\x00" for ch in text)
    kinds = ["whitespace"] + (["NUL"] if nul else []) + (["invisible"] if invisible else [])
    if len(kinds) == 1:
        return "has only whitespace"
    what = ", ".join(kinds[:-1]) + " and " + kinds[-1] + " characters"
    if invisible:
        what += " (zero-width spaces, joiners, BOMs: Unicode format characters)"
    return "has only " + what
