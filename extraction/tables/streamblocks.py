"""The units of table 三's value stream in raw ``pdftotext`` readings, shared by the stream's readers
(``streamorder``, ``chromelead``, ``blockorder``, ``pagetop``) without importing one another.

raw ``pdftotext`` joins lines that stand close into blocks: a row group's cells of one column are one
block of ``k`` lines, a single row's values a block each.
"""
from __future__ import annotations

import re
from typing import Sequence

# table 三's columns: the six applicant columns and 总计
APP_COLS = 7
# the most rows one merged label cell spans in the templates (三(三) has eight, but the pdftotext
# readings seen write at most a few rows column-major; more only widens the search)
MAX_GROUP = 3
# a printed figure alone (a line's whole text when the line is a lone value)
LONE_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def fits_blocks(starts: Sequence[bool], p: int, k: int, width: int = APP_COLS) -> bool:
    """Whether a group of ``k`` rows from stream index ``p``, written column by column (``width``
    columns), agrees with the blocks: each column's ``k`` values one block of their own, and the value
    after the group starts a new one. ``starts``: per value, whether it starts a block."""
    end = p + k * width
    if end < len(starts) and not starts[end]:
        return False
    return all(starts[i] == ((i - p) % k == 0) for i in range(p, end))
