"""The outcome of assembling one table: values, where each came from, and what was inferred."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..templates import TableSpec
from .base import Cell, provenance


@dataclass
class TableResult:
    spec: TableSpec
    values: dict[str, dict[str, Any]]
    provenance: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    rows_found: int = 0

    @classmethod
    def empty(cls, spec: TableSpec) -> "TableResult":
        return cls(spec, spec.empty())

    def put(self, row: str, col: str, cell: Cell, row_score: float = 1.0, value: Any = "cell") -> None:
        self.values[row][col] = cell.value if value == "cell" else value
        self.provenance.setdefault(row, {})[col] = provenance(cell, row_score)

    def warn(self, msg: str) -> None:
        self.warnings.append(f"{self.spec.name}: {msg}")
