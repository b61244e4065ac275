"""The read-back text of a mojibake input, for people to read.

Offsets (spans, provenance, sections) always index the text as given, so for mojibake
(``ingest.read_back``: Chinese read as ISO-8859-1/Windows-1252 and saved again) they index
``æ¹–å—``, not ``湖南``: right for a program, unreadable for a person. The review page, ``--html``
and ``--with-spans`` show the read-back text instead, with each offset of the input mapped onto it
by ``ReadBackText.shown``. Nothing is guessed: the mapping is the byte-exact one ingest reads by;
a character a lossy reader lost stays U+FFFD here (the lost-characters warning names them).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from .ingest import ReadBack, read_back

_UNREAD = object()


@dataclass(frozen=True)
class ReadBackText:
    """``text`` read back from a mojibake input: ``text[k]`` comes from the input characters
    ``input[starts[k]:starts[k + 1]]`` (the last one to the input's end); ``encoding`` is what it
    was read back as, ``layers`` how many times it had been misread, ``lossy`` whether a strict
    Windows-1252 reader had dropped bytes (U+FFFD in ``text`` where a character lost one)."""

    text: str
    starts: tuple[int, ...]
    encoding: str
    layers: int
    lossy: bool

    def shown(self, offset: int) -> int:
        """The index in ``text`` of input offset ``offset``: the first read-back character whose
        bytes start at or after it (``len(text)`` past the last). A span ``[s, e)`` of the input
        shows as ``text[shown(s):shown(e)]``: spans end after all bytes of a character."""
        return bisect_left(self.starts, offset)

    def slice(self, start: int, end: int) -> str:
        """The read-back text of the input range ``[start, end)``."""
        return self.text[self.shown(start) : self.shown(end)]

    def to_dict(self) -> dict[str, Any]:
        """``{"text", "starts", "encoding", "layers", "lossy"}`` (the API's ``read_back``)."""
        return {
            "text": self.text,
            "starts": list(self.starts),
            "encoding": self.encoding,
            "layers": self.layers,
            "lossy": self.lossy,
        }


def read_back_text(text: str, found: ReadBack | None | object = _UNREAD) -> ReadBackText | None:
    """``text`` read back when it is mojibake (the same decision ingest warns about), else None;
    ``found``: ``read_back(text)`` when it is known already (``ingest.read_back_of``)."""
    if found is _UNREAD:
        found = read_back(text)
    if found is None:
        return None
    return ReadBackText(found.decoded.text, tuple(found.starts), found.decoded.encoding, found.layers, found.lossy)
