"""Desired rows vs the sheet as read, keyed by the key column. Pure.

Columns are found by header text (users move columns and add their own); a managed header that
is missing is added at the right end of the used range; a managed header appearing twice is an
error naming it. Rows are matched by key (text keys ignore case and surrounding spaces, numbers
compare as numbers, and a text cell of digits such as "12" matches the number 12, while "12.0"
does not); rows whose key cell is empty are users' rows and never touched. A key on
several rows (a user copied a row) updates every one of them, and is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

from sheetsync.sheets.model import Cell, CellValue, Link, cells_equal, comparable
from sheetsync.sheets.table import DuplicateHeaderError, Table, a1, column_letter

OnDelete = Literal["remove", "mark", "keep"]
GONE_DELETED = "deleted in Pardot"
GONE_UNMATCHED = "no longer matches"


class SheetLayoutError(ValueError):
    """The sheet cannot be synced as it is (a managed header twice, say); names what and where."""


def normalise_key(value: Cell | CellValue) -> str | None:
    """The identity of a key cell: numbers by value, text case-insensitively, trimmed."""
    value = comparable(value) if isinstance(value, Link) else value
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value).strip().casefold()
    return text or None


@dataclass(frozen=True)
class Layout:
    """Where each managed column is, and which headers must be added."""

    header_row: int  # 1-based
    columns: tuple[int, ...]  # per managed header, in mapping order
    headers: tuple[str, ...]
    added: tuple[int, ...]  # indices into headers/columns that are new columns
    key: int  # index into headers of the key column

    @property
    def key_col(self) -> int:
        return self.columns[self.key]

    @property
    def width(self) -> int:
        return max(self.columns, default=-1) + 1


def used_width(table: Table) -> int:
    """Columns used from the header row down (rows above it, a title say, do not count)."""
    return table.used_width()


def resolve_layout(table: Table, headers: Sequence[str], key: int) -> Layout:
    duplicates = table.duplicates(headers)
    if duplicates:
        header, cols = next(iter(duplicates.items()))
        letters = ", ".join(column_letter(c) for c in cols)
        raise SheetLayoutError(
            f"the managed header {header!r} appears in several columns ({letters}) of row "
            f"{table.header_row}; rename or remove the extra ones"
        )
    columns: list[int] = []
    added: list[int] = []
    next_free = used_width(table)
    for index, header in enumerate(headers):
        try:
            col = table.column(header)
        except DuplicateHeaderError as exc:  # pragma: no cover - checked above
            raise SheetLayoutError(str(exc)) from None
        if col is None:
            col = next_free
            next_free += 1
            added.append(index)
        columns.append(col)
    return Layout(table.header_row, tuple(columns), tuple(headers), tuple(added), key)


@dataclass(frozen=True)
class CellChange:
    row: int  # 1-based sheet row
    col: int  # 0-based column
    header: str
    key: str
    old: CellValue
    new: Cell


@dataclass
class Diff:
    layout: Layout
    changes: list[CellChange] = field(default_factory=list)
    new_rows: list[tuple[Cell, ...]] = field(default_factory=list)  # cells per managed column
    # Empty cells of a column being added, on keyed rows: written (as empty) to get its format.
    new_column_cells: list[CellChange] = field(default_factory=list)
    removed_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, key, reason)
    marked_rows: list[tuple[int, str, str]] = field(default_factory=list)
    rows_updated: int = 0
    managed_rows: int = 0  # data rows with a key, before this run
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.changes
            or self.new_rows
            or self.removed_rows
            or self.marked_rows
            or self.layout.added
        )


def diff(
    table: Table,
    headers: Sequence[str],
    key: int,
    desired: Mapping[str, tuple[Cell, ...]],
    gone: Mapping[str, str],
    *,
    full: bool,
    on_delete: OnDelete,
    status: int | None = None,
    links: Sequence[int] = (),
) -> Diff:
    """Compare desired rows (normalised key -> cells, one per header) with the table.

    ``gone`` maps keys of records known to have left (deleted, no longer matching) to the
    reason. On a full run every keyed row whose key is not desired has left too (reason from
    ``gone``, else "deleted in Pardot"). ``status`` is the index of the status header (mark).
    ``links`` lists the header indices of link columns (their cells compare by their text).
    """
    layout = resolve_layout(table, headers, key)
    result = Diff(layout)
    rows_by_key: dict[str, list[int]] = {}
    key_col = layout.key_col
    sheet_rows = table.rows_source
    for index in range(table.first_data_row - 1, len(sheet_rows)):
        cells = sheet_rows[index]
        k = normalise_key(cells[key_col] if key_col < len(cells) else None)
        if k is not None:
            rows_by_key.setdefault(k, []).append(index + 1)
    result.managed_rows = sum(len(rows) for rows in rows_by_key.values())
    for k, numbers in rows_by_key.items():
        if len(numbers) > 1:
            rows = ", ".join(str(n) for n in numbers)
            result.warnings.append(
                f"key {k!r} ({layout.headers[layout.key]!r}) is on several rows ({rows}); all "
                "are kept updated: delete the copies you do not need"
            )

    # Reads a data row's managed cells in one C call, when every managed column is inside the
    # rows as read (a column being added is not: those rows take the cell-by-cell path).
    pick = _picker(layout.columns) if layout.columns and layout.width <= table.width else None
    width = table.width
    for k, wanted in desired.items():
        found = rows_by_key.get(k)
        if not found:
            result.new_rows.append(wanted)
            continue
        for number in found:
            if pick is not None:
                # Fast path for the usual case, an unchanged row: the same values of the same
                # types (whole numbers are ints on both sides). Else compared cell by cell.
                row = sheet_rows[number - 1]
                current = pick(row if len(row) >= width else table.row_cells(number))
                shown: tuple[Cell | CellValue, ...] = wanted
                if links:
                    as_listed = list(wanted)
                    for index in links:
                        cell = as_listed[index]
                        if isinstance(cell, Link):
                            as_listed[index] = cell.shown
                    shown = tuple(as_listed)
                if shown == current and list(map(type, shown)) == list(map(type, current)):
                    continue
            result.rows_updated += _compare(table, layout, number, k, wanted, result.changes)
            for index in layout.added:
                if wanted[index] is None:
                    col = layout.columns[index]
                    header = layout.headers[index]
                    result.new_column_cells.append(CellChange(number, col, header, k, None, None))

    leaving: Iterable[tuple[str, str]]
    if full:
        leaving = ((k, gone.get(k, GONE_DELETED)) for k in rows_by_key if k not in desired)
    else:
        leaving = (
            (k, reason) for k, reason in gone.items() if k in rows_by_key and k not in desired
        )
    for k, reason in leaving:
        for number in rows_by_key[k]:
            if on_delete == "remove":
                result.removed_rows.append((number, k, reason))
            elif on_delete == "mark" and status is not None:
                col = layout.columns[status]
                if not cells_equal(reason, table.cell(number, col)):
                    result.marked_rows.append((number, k, reason))
                    result.changes.append(
                        CellChange(number, col, headers[status], k, table.cell(number, col), reason)
                    )
    return result


def _compare(
    table: Table,
    layout: Layout,
    number: int,
    key: str,
    cells: tuple[Cell, ...],
    out: list[CellChange],
) -> int:
    """Cell by cell: 1 when the row has a cell to change (added to ``out``), else 0."""
    changed = 0
    for index, want in enumerate(cells):
        col = layout.columns[index]
        have = table.cell(number, col)
        if not cells_equal(want, have):
            out.append(CellChange(number, col, layout.headers[index], key, have, want))
            changed = 1
    return changed


def _picker(columns: Sequence[int]) -> Callable[[Sequence[CellValue]], tuple[CellValue, ...]]:
    getter = itemgetter(*columns)
    if len(columns) == 1:
        return lambda cells: (getter(cells),)
    return getter


def describe_cell(row: int, col: int) -> str:
    return a1(row - 1, col)
