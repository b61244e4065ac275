"""``-`` among ``govreport extract``'s inputs: one report read from standard input, as Unix tools do
(``pdftotext report.pdf - | govreport extract - -o out/``)."""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

import click

from govreport.extraction.errors import InputTooLarge

STDIN_ARG = "-"
DEFAULT_NAME = "stdin"


@dataclass(frozen=True)
class StdinInput:
    """The report on standard input, called ``name``: its extension (if any) declares the format
    as a file's does, else the content is sniffed; its stem names the output (``stdin.json``)."""

    name: str = DEFAULT_NAME

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    def __str__(self) -> str:  # how error lines and the output's "source" name it
        return self.name if self.name == DEFAULT_NAME else f"{self.name} (stdin)"


def check_name(name: str) -> str:
    """``--name``: a plain file name (it becomes OUT/<stem>.<format>, so no folder, no ``..``, no
    control character: a line break or NUL in an output's file name, and no leading dot: a hidden
    output file, which ``ls`` and a later folder search skip).

    Raises ``click.BadParameter`` otherwise."""
    plain = PurePosixPath(name).name == name and PureWindowsPath(name).name == name
    control = any(unicodedata.category(ch) == "Cc" for ch in name)
    if not name.strip() or not plain or control or name in (".", "..") or not PurePosixPath(name).stem:
        raise click.BadParameter(f"{name!r} is not a plain file name (e.g. report.txt)")
    if name.startswith("."):
        raise click.BadParameter(
            f"{name!r} starts with a dot: its output would be a hidden file ({PurePosixPath(name).stem}.json); "
            "give a name that does not start with a dot (e.g. report.txt)"
        )
    return name


def read_stdin(max_bytes: int, name: str, stream: BinaryIO | None = None) -> bytes:
    """All of standard input (``stream``: sys.stdin's bytes), reading at most ``max_bytes + 1`` bytes:
    a larger input is refused without reading the rest. Raises ``InputTooLarge``."""
    stream = stream if stream is not None else sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"{StdinInput(name)} is more than {max_bytes} bytes; the limit is {max_bytes} bytes: "
            "split the input or raise the limit (--max-bytes or GOVREPORT_MAX_BYTES)"
        )
    return data


def stdin_is_terminal() -> bool:
    """True when nothing is piped in: ``-`` would wait for typing, which no report is."""
    try:
        return sys.stdin is None or sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return True
