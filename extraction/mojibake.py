"""Chinese text that was decoded with the wrong single-byte charset and saved again ("mojibake"):
a crawler's page decoded as ISO-8859-1 (``requests`` does so when a page's header names no
charset), UTF-8 read as Windows-1252 by an editor. Every character of such a text stands for one
byte of the original (``湖南`` in UTF-8 read as Windows-1252 is ``æ¹–å—``), so the bytes can be
had back exactly and decoded as they should have been. A text with one character that no
single-byte decoding gives (any hanzi) is never such a text."""

from __future__ import annotations

import codecs
import re

# Windows-1252's characters for bytes 0x80-0x9F (its five undefined bytes are kept as the C1
# control of the same number, as ISO-8859-1 and lenient decoders give them)
_CP1252 = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_TO_LATIN1 = {ord(ch): b for ch, b in _CP1252.items()}
# a character no single-byte decoding gives: one is enough to rule the text out (at C speed)
_FOREIGN = re.compile("[^\\x00-\\xff" + "".join(_CP1252) + "]")
_HIGH = re.compile(r"[^\x00-\x7f]")
_UTF8_START = re.compile(rb"[^\x80-\xbf]")
# fewer bytes past ASCII than this: a stray "é" or "°" in an English text, not a Chinese one
MIN_HIGH = 8


def single_byte_origin(text: str) -> bytes | None:
    """The bytes ``text`` was decoded from when each of its characters is one byte's character in
    ISO-8859-1 or Windows-1252, and at least ``MIN_HIGH`` of them lie past ASCII; else None."""
    if _FOREIGN.search(text) or len(_HIGH.findall(text)) < MIN_HIGH:
        return None
    return text.translate(_TO_LATIN1).encode("latin-1")


# what a strict Windows-1252 reading leaves of its five undefined bytes: nothing, or U+FFFD each
_FOREIGN_LOSSY = re.compile("[^\x00-\xff\ufffd" + "".join(_CP1252) + "]")
_LOST = "\ufffd"


def lossy_origin(text: str) -> tuple[bytes, list[int]] | None:
    """The bytes left of ``text`` when it was decoded as Windows-1252 by a reader that dropped the
    five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), or put U+FFFD for
    each (dropped here too), and the offset in ``text`` of each byte's character; None when a
    character of ``text`` is no such reading's or fewer than ``MIN_HIGH`` lie past ASCII."""
    if _FOREIGN_LOSSY.search(text) or len(_HIGH.findall(text)) < MIN_HIGH:
        return None
    where = [i for i, c in enumerate(text) if c != _LOST] if _LOST in text else list(range(len(text)))
    return text.replace(_LOST, "").translate(_TO_LATIN1).encode("latin-1"), where


def char_starts(data: bytes, text: str, encoding: str, errors: str = "strict") -> list[int]:
    """Where each character of ``text`` (``data`` decoded as ``encoding``, ``errors`` as given) starts in
    ``data``: ``len(text)`` offsets, increasing. In a mojibake text each character is one byte, so
    these are also the offsets in the text as given.

    Fed byte by byte to the incremental decoder, the characters one byte gives come from the bytes
    after the last ones used up to those the decoder still holds (``_split_bytes``). Raises
    ValueError when ``data`` does not decode to ``text``."""
    if codecs.lookup(encoding).name == "utf-8" and errors == "strict":  # a character starts at every byte but 10xxxxxx
        starts = [m.start() for m in _UTF8_START.finditer(data)]
        if len(starts) != len(text):
            raise ValueError(f"the bytes do not decode as {encoding} to the {len(text)} characters given")
        return starts
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    starts: list[int] = []
    begin = 0  # the first byte not yet in a character
    for i in range(len(data)):
        out = decoder.decode(data[i : i + 1])
        if out:
            end = i + 1 - len(decoder.getstate()[0])  # a byte the decoder holds starts the next character
            starts.extend(_split_bytes(out, begin, end, encoding))
            begin = end
    if decoder.decode(b"", final=True) or len(starts) != len(text):
        raise ValueError(f"the bytes do not decode as {encoding} to the {len(text)} characters given")
    return starts


def _split_bytes(out: str, begin: int, end: int, encoding: str) -> list[int]:
    """Where each character of ``out``, decoded from the bytes ``[begin, end)`` in one step, starts.

    A step gives several characters when a replacing decoder gives up on the bytes it held: one
    U+FFFD for them, then the character the new byte completes (a tab after a character that lost
    its last byte). Decoded characters take their encoded length from the end; the U+FFFDs before
    them take the bytes left, one each from ``begin`` (the last one the rest); the first character
    starts at ``begin`` always."""
    starts = [0] * len(out)
    stop = end
    k = len(out) - 1
    while k >= 0 and out[k] != "\ufffd":
        try:
            width = len(out[k].encode(encoding))
        except UnicodeEncodeError:
            width = 1
        stop = max(begin, stop - width)
        starts[k] = stop
        k -= 1
    for j in range(k + 1):  # the replaced bytes ahead: in turn, never past the decoded ones
        starts[j] = min(begin + j, max(begin, stop - 1))
    if out:
        starts[0] = begin  # the step's first byte is its first character's, whatever its width says
    return starts
