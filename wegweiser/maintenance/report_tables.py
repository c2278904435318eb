"""The needs report's tables and the one rule that keeps them anonymous: k-suppression.

A table holds rows of a label and counts. `shown(value, k)` is the only way a count reaches the page, a
CSV file or a chart label: any count below k (zero included) becomes "< k", so a small group of people
cannot be singled out. Labels are categories (a week, a language, a topic) — never a person.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

DEFAULT_K = 5


def suppressed(value: Optional[int], k: int) -> bool:
    return value is None or value < k


def shown(value: Optional[int], k: int) -> str:
    """The count as the report may show it."""
    return f"< {k}" if suppressed(value, k) else str(value)


@dataclass
class Table:
    """One table of the report. `chart`: "bar" (horizontal bars), "column" (vertical, in row order) or None."""

    key: str
    title: str
    columns: Sequence[str]
    rows: List[Tuple[str, Tuple[Optional[int], ...]]] = field(default_factory=list)
    chart: Optional[str] = "bar"
    #: rows whose label is text that must not be shown below k people (the not-understood groups) are
    #: dropped entirely rather than shown as "< k"
    drop_below_k: bool = False
    note: Optional[str] = None

    def visible_rows(self, k: int) -> List[Tuple[str, Tuple[Optional[int], ...]]]:
        if self.drop_below_k:
            return [row for row in self.rows if not suppressed(row[1][0], k)]
        return list(self.rows)

    def cells(self, k: int) -> List[List[str]]:
        return [[label, *(shown(v, k) for v in values)] for label, values in self.visible_rows(k)]

    def write_csv(self, folder: Path, k: int) -> Path:
        path = folder / f"{self.key}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(self.columns))
            writer.writerows(self.cells(k))
        return path
