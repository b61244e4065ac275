"""The mojibake read-back as a mapping of the normalised view, so offsets stay on the input.

A text whose every character is one byte of Chinese text read as ISO-8859-1/Windows-1252
(``ingest.read_back``, also one misread twice over) is read through its bytes decoded as they
should have been. The view's model (one original character to one character or to nothing) fits:
each read-back character
comes from the first mojibake character of its byte sequence, the others map to nothing and count
as part of it (``TextView.glued``), so a range ending on an ideograph ends after all of its bytes.
The ordinary repairs (``normalize.clean_view``) then run on the read-back text, their offsets
carried through to the input.
"""
from __future__ import annotations

from .ingest import ReadBack, read_back
from .normalize import Repair, TextView, clean_view

_UNREAD = object()


def read_back_view(text: str, found: ReadBack | None | object = _UNREAD) -> TextView | None:
    """The normalised view of ``text`` read back from mojibake, ``index`` and repairs on ``text``;
    None when ``text`` is not mojibake (``ingest.read_back``: the decision ingest warns about).
    ``found``: ``read_back(text)`` when it is known already (``ingest.read_back_of``)."""
    if found is _UNREAD:
        found = read_back(text)
    if found is None:
        return None
    undone, starts = found.decoded, found.starts
    starts = starts + [len(text)]
    inner = clean_view(undone.text)
    index = tuple(starts[i] for i in inner.index)
    first = set(starts)
    glued = {k for k in range(len(text)) if k not in first} | {starts[g] for g in inner.glued}
    repairs = tuple(
        Repair(starts[r.start], starts[r.end], r.kind, text[starts[r.start] : starts[r.end]], r.read_as)
        for r in inner.repairs
    )
    return TextView(text, inner.text, index, repairs, frozenset(glued))
