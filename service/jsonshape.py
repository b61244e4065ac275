"""How much structure a JSON body has, counted before a parser builds it.

``POST /v1/extract`` takes ``{"text", "filename"}`` and ``/v1/extract/batch`` a few dozen of them:
a handful of keys and values whatever the size of the text. pydantic validates a body on the event
loop, holding the GIL (a thread does not help), at a cost that grows with the number of keys and
values, not with the bytes of a string: a 12 MB body of a million unknown keys stood every other
request (``/healthz`` too) still for ~1.2 s, a 20 MB array of ten million numbers ~1.3 s, where
36 MB of text in one string takes 0.2 s. Counting costs far less, and stops as soon as the count
is past what any valid body can hold.
"""
from __future__ import annotations

# what opens or separates a JSON value: the count of these outside strings bounds the number of
# keys and values (whitespace, literals and the closing brackets add nothing)
_TOKENS = (b"{", b"[", b",", b":")
_CHUNK = 1 << 20  # counted a MiB at a time, to stop early


def _tokens(body: bytes, start: int, end: int, budget: int) -> int:
    """The tokens in ``body[start:end]``, counted until past ``budget``."""
    n = 0
    for lo in range(start, end, _CHUNK):
        hi = min(lo + _CHUNK, end)
        n += sum(body.count(t, lo, hi) for t in _TOKENS)
        if n > budget:
            break
    return n


def structure_exceeds(body: bytes, limit: int) -> bool:
    """Whether ``body`` (JSON, UTF-8) holds more than ``limit`` of ``{ [ , :`` outside its strings.

    One counting pass when the whole body has no more than ``limit`` of them (the usual case: a
    report's text is mostly full-width punctuation). Otherwise its escaped backslashes and quotes
    are taken out (then every quote left opens or closes a string: JSON has no backslash outside
    strings) and the walk goes from string to string, each found by ``bytes.find``, stopping once
    past ``limit``: a million keys cost ``limit`` steps, ten million escaped quotes two copies of
    the body. A body that is not JSON (an unterminated string) is ``False``: the parser says what
    is wrong with it."""
    end = len(body)
    if end <= limit or _tokens(body, 0, end, limit) <= limit:
        return False
    if b"\\" in body:
        # escapes pair from the left: a backslash, a backslash and a quote end a string there
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
        end = len(body)
    n, pos = 0, 0
    while True:
        quote = body.find(b'"', pos)
        n += _tokens(body, pos, end if quote < 0 else quote, limit - n)
        if n > limit:
            return True
        if quote < 0:
            return False
        closing = body.find(b'"', quote + 1)
        if closing < 0:
            return False
        pos = closing + 1
