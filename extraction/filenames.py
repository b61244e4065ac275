"""File names as text that can always be written out (JSON, CSV, UTF-8 files)."""
from __future__ import annotations


def printable_name(name: str) -> str:
    """``name`` with the bytes of a file name that are not UTF-8 written as ``\\xNN``.

    Python hands such bytes over as lone surrogates (``surrogateescape``): a ZIP made on Chinese
    Windows and unpacked on Linux names its files in GBK, and ``报告.txt`` arrives as
    ``'\\udcb1\\udca8\\udcb8\\udce6.txt'``, which no UTF-8 writer accepts. The escapes keep every byte
    (nothing is guessed about the encoding) and leave a UTF-8 name as it is."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (from JSON "\ud800")
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
