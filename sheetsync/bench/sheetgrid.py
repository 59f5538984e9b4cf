"""The sheet as the bench sees it: read back whole, compared, and checked.

Reading is one ``values.get`` from the bench's own process (outside every measured run);
everything else here is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.utils import absolute_range_name

from sheetsync.diff import normalise_key
from sheetsync.sheets import CellValue

Grid = list[list[CellValue]]

READ_PARAMS = {
    "majorDimension": "ROWS",
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
}


def padded(values: Sequence[Sequence[Any]] | None) -> Grid:
    """Rows of a ``ValueRange`` all made as wide as the widest (Google trims trailing cells)."""
    rows: Grid = [[None if v == "" else v for v in row] for row in values or []]
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return rows


def read_grid(client: gspread.Client, spreadsheet_id: str, worksheet: str) -> Grid:
    data = client.http_client.values_get(
        spreadsheet_id, absolute_range_name(worksheet), params=dict(READ_PARAMS)
    )
    return padded(data.get("values"))


def header_index(grid: Grid, header: str) -> int:
    if not grid or header not in grid[0]:
        raise ValueError(f"the sheet has no column {header!r}")
    return grid[0].index(header)


def _keyed_rows(grid: Grid, key_header: str) -> Iterator[tuple[str, list[CellValue]]]:
    """(key, row) of every data row with a key; none when the sheet has no key column."""
    if not grid or key_header not in grid[0]:
        return
    key_col = grid[0].index(key_header)
    for row in grid[1:]:
        key = normalise_key(row[key_col])
        if key is not None:
            yield key, row


def rows_by_key(grid: Grid, key_header: str) -> dict[str, dict[str, CellValue]]:
    """Data rows with a key: key -> {header -> value} (a repeated key keeps its last row)."""
    headers = grid[0] if grid else []
    return {
        key: {h: v for h, v in zip(headers, row, strict=True) if isinstance(h, str)}
        for key, row in _keyed_rows(grid, key_header)
    }


def changed_cells(before: Grid, after: Grid, key_header: str) -> int:
    """Cells whose value differs between two readings, rows matched by key, columns by header
    (a row only one reading has counts its non-empty cells)."""
    old, new = rows_by_key(before, key_header), rows_by_key(after, key_header)
    changed = 0
    for key in old.keys() | new.keys():
        a, b = old.get(key, {}), new.get(key, {})
        changed += sum(1 for h in a.keys() | b.keys() if a.get(h) != b.get(h))
    return changed


@dataclass
class RowCheck:
    """Does the sheet hold exactly one row per live prospect?"""

    rows: int
    live: int
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows == self.live and not (self.duplicates or self.missing or self.extra)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "live_prospects": self.live,
            "duplicates": len(self.duplicates),
            "missing": len(self.missing),
            "extra": len(self.extra),
            "examples": (self.duplicates + self.missing + self.extra)[:5],
        }


def check_rows(grid: Grid, key_header: str, live_ids: Iterable[int]) -> RowCheck:
    seen: dict[str, int] = {}
    for key, _ in _keyed_rows(grid, key_header):
        seen[key] = seen.get(key, 0) + 1
    live = {str(i) for i in live_ids}
    return RowCheck(
        rows=sum(seen.values()),
        live=len(live),
        duplicates=sorted(k for k, n in seen.items() if n > 1),
        missing=sorted(live - seen.keys()),
        extra=sorted(seen.keys() - live),
    )
