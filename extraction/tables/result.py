"""The outcome of assembling one table: values, where each came from, how each was read, and what was inferred."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..templates import TableSpec
from ..textview import INFERRED_REPAIRS
from .base import Cell, cell_status, count_value, provenance

# How a value came to its cell (see docs/trust.md):
READ, INFERRED, BLANK, UNREADABLE, MISSING = "read", "inferred", "blank", "unreadable", "missing"
STATUSES = (READ, INFERRED, BLANK, UNREADABLE, MISSING)
# the only columns that may hold a negative value: 本年增/减 (2019 format)
SIGNED_COLS = frozenset({"change"})
# the only columns that hold money (万元, converted by the assembler); every other column is a count
MONEY_COLS = frozenset({"amount"})
# the row readers' warning for rows whose label was not found (``restate_missing_rows``)
_ROWS_NOT_FOUND = re.compile(r"(?P<head>.*?)rows not found: (?P<rows>[^;]+); their cells are null")


@dataclass
class TableResult:
    spec: TableSpec
    values: dict[str, dict[str, Any]]
    provenance: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    rows_found: int = 0
    status: dict[str, dict[str, str]] = field(default_factory=dict)  # set cells only; see ``statuses``
    ambiguous: set[tuple[str, str]] = field(default_factory=set)  # inferred from more than one candidate
    printed_rows: set[str] = field(default_factory=set)  # rows found in the text (their unset cells are blank)
    cut_off: bool = False  # the text stops inside the table
    by_order: set[str] = field(default_factory=set)  # rows paired with their values by order alone
    unplaced: list[Cell] = field(default_factory=list)  # printed values that went to no row
    # printed values read and left out of the contract's cells on purpose (the 8-column variant's 小计)
    left_out: list[Cell] = field(default_factory=list)

    @classmethod
    def empty(cls, spec: TableSpec) -> "TableResult":
        return cls(spec, spec.empty())

    def put(
        self, row: str, col: str, cell: Cell, row_score: float = 1.0, value: Any = "cell",
        inferred: bool = False, ambiguous: bool = False, status: str | None = None,
    ) -> None:  # fmt: skip
        """Set a cell from a printed token. ``inferred``: placed by arithmetic or order rather than
        read in place; ``ambiguous``: more than one placement fitted; ``status`` overrides (a unit
        that cannot be read makes an amount ``unreadable``). A negative value outside
        ``SIGNED_COLS`` is ``unreadable`` (null, its text kept in provenance), and so is a count
        (a column outside ``MONEY_COLS``) that is no exact whole number (``base.count_value``)."""
        value = cell.value if value == "cell" else value
        st = status or cell_status(cell)
        if col not in MONEY_COLS and cell.value is not None and value == cell.value and st == READ:
            # a count is a whole number as printed: ``37.2``, ``16.794`` (a '.' for thousands?) are not read
            value, why = count_value(cell)
            if why:
                st = UNREADABLE
                self.warn(f"row {row}: {why} in {col}, so it is not read")
        if isinstance(value, (int, float)) and value < 0 and col not in SIGNED_COLS:
            # a count or amount is never negative: a stray minus, or a value misread
            value, st = None, UNREADABLE
            self.warn(f"row {row}: {cell.raw!r} in {col} is negative; only 本年增/减 may be, so it is not read")
        self.values[row][col] = value
        self.provenance.setdefault(row, {})[col] = provenance(cell, row_score)
        if st == READ and any(r in INFERRED_REPAIRS for r in cell.repairs):
            st = INFERRED  # the digits were not printed: OCR letters read as digits
        if st == READ and (inferred or ambiguous):
            st = INFERRED
        self.status.setdefault(row, {})[col] = st
        if ambiguous and st == INFERRED:
            self.ambiguous.add((row, col))
        self.printed_rows.add(row)

    def null(self, row: str, col: str, status: str = UNREADABLE) -> None:
        """Make a cell null with ``status`` (``unreadable``: its value is not known; ``blank``):
        the value it held is not the cell's, so its provenance (no printed content of the cell)
        and its ambiguity (a review reason for a value) go with it."""
        self.values.setdefault(row, {})[col] = None
        self.status.setdefault(row, {})[col] = status
        self.provenance.get(row, {}).pop(col, None)
        self.ambiguous.discard((row, col))

    def found(self, row: str) -> None:
        """The row is printed (a row of blanks has no values to ``put``)."""
        self.printed_rows.add(row)

    def statuses(self) -> dict[str, dict[str, str]]:
        """Every template cell's status: set cells as put, the rest ``blank`` in a printed row and
        ``missing`` in a row that was not found."""
        out: dict[str, dict[str, str]] = {}
        for row, cols in self.values.items():
            out[row] = {}
            for col in cols:
                st = self.status.get(row, {}).get(col)
                out[row][col] = st or (BLANK if row in self.printed_rows else MISSING)
        return out

    def unplaced_blanks(self) -> list[str]:
        """Cells that would be ``blank`` although printed values of the table went to no row
        (``unplaced``): an empty cell may be where one of them belongs, so none is claimed printed
        blank; they become ``unreadable`` (null, warned). Returns them (``table.row.col`` less the table)."""
        left = [c for c in self.unplaced if c.value is not None]
        if not left:
            return []
        cells = [f"{row}.{col}" for row, cols in self.statuses().items() for col, st in cols.items() if st == BLANK]
        for key in cells:
            row, col = key.split(".")
            self.status.setdefault(row, {})[col] = UNREADABLE
        if cells:
            self.warn(f"{len(left)} printed value(s) went to no row ({', '.join(repr(c.raw) for c in left[:6])}"
                      f"{', …' if len(left) > 6 else ''}); an empty cell may be where one belongs, so none is read "
                      "as blank: " + ", ".join(cells))  # fmt: skip
        return cells

    def restate_missing_rows(self) -> None:
        """The first reader's warning ``rows not found: a, b; their cells are null`` says what was true
        when it was written; a later rebuild (the value stream's division, the order fallback) may give
        those rows values. The warning then names only the rows whose cells are all still null, and
        says which rows the rebuild placed (their cells' statuses say how); where none is left null,
        it says only that."""
        for i, w in enumerate(self.warnings):
            m = _ROWS_NOT_FOUND.fullmatch(w)
            if m is None:
                continue
            rows = m["rows"].split(", ")
            null = [r for r in rows if all(v is None for v in (self.values.get(r) or {}).values())]
            if len(null) == len(rows):
                continue
            placed = [r for r in rows if r not in null]
            said = f"{m['head']}rows not found by their labels: {', '.join(rows)}; "
            if null:
                said += f"the cells of {', '.join(null)} are null, "
            self.warnings[i] = said + f"{', '.join(placed)} placed from the value stream without their labels"

    def warn(self, msg: str) -> None:
        self.warnings.append(f"{self.spec.name}: {msg}")
