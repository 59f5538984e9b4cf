"""Checks run on a write before anything is sent. Pure.

A write that breaks a rule is refused whole, so nothing is written:
- structural bugs upstream (overlapping runs, a run on a row being deleted, a deleted row
  outside the grid, numbers a Sheets double cannot hold) -> ``ValueError``;
- a cell over 50,000 characters (UTF-16 code units, see ``model.sheets_length``) ->
  :class:`CellTooLong`;
- growth past 10,000,000 cells in the spreadsheet (every tab, empty cells included, at the
  peak: growth comes before deletions in a batch) -> :class:`CellLimitExceeded`;
- a state over ``MAX_STATE_CHARS`` -> :class:`StateTooLarge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .batch import check_value
from .errors import CellLimitExceeded, CellTooLong, StateTooLarge
from .model import (
    MAX_CELL_CHARS,
    MAX_EXACT_INT,
    MAX_SPREADSHEET_CELLS,
    Link,
    SheetSnapshot,
    SheetWrite,
    sheets_length,
)
from .state import MAX_STATE_CHARS, encode_state
from .table import a1

#: Text this short cannot pass the cell limit (a character is at most 2 UTF-16 units).
_SHORT_TEXT = MAX_CELL_CHARS // 2


@dataclass(frozen=True)
class CheckedWrite:
    grow_rows: int
    grow_cols: int
    delete_rows: list[int]  # sorted, unique
    encoded_state: str | None


def check_write(snap: SheetSnapshot, write: SheetWrite) -> CheckedWrite:
    where = f"worksheet {snap.title!r} of spreadsheet {snap.spreadsheet_id}"
    deleted = sorted(set(write.delete_rows))
    for row in deleted:
        if not 0 <= row < snap.row_count:
            raise ValueError(
                f"row index {row} to delete is outside the grid of {where} "
                f"({snap.row_count} rows as read)"
            )
    gone = set(deleted)

    need_rows, need_cols = write.min_rows, write.min_cols
    taken: dict[int, list[tuple[int, int]]] = {}
    for run in write.runs:
        if run.row in gone:
            raise ValueError(f"a run writes {a1(run.row, run.col)} of {where}, a row being deleted")
        taken.setdefault(run.row, []).append((run.col, run.end_col))
        need_rows = max(need_rows, run.row + 1)
        need_cols = max(need_cols, run.end_col)
        for offset, value in enumerate(run.values):
            kind = type(value)
            # The usual cells pass without a call: short text, bounded ints, None, booleans.
            if kind is str and len(value) <= _SHORT_TEXT:  # type: ignore[arg-type]
                continue
            if kind is int and -MAX_EXACT_INT <= value <= MAX_EXACT_INT:  # type: ignore[operator]
                continue
            if value is None or kind is bool:
                continue
            problem = check_value(value)
            if problem is not None:
                raise ValueError(f"cell {a1(run.row, run.col + offset)} of {where}: {problem}")
            text = value.shown if isinstance(value, Link) else value
            if isinstance(text, str) and len(text) > _SHORT_TEXT:  # cheap pre-test
                length = sheets_length(text)
                if length > MAX_CELL_CHARS:
                    raise CellTooLong(
                        f"cell {a1(run.row, run.col + offset)} of {where} would hold {length} "
                        f"characters; Google allows {MAX_CELL_CHARS} (the sync should have "
                        "truncated it: this is a bug). Nothing was written.",
                        spreadsheet_id=snap.spreadsheet_id,
                        worksheet=snap.title,
                    )
    for row, spans in taken.items():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            if start < end:
                raise ValueError(f"two runs overlap at {a1(row, start)} of {where}")
    noted: set[tuple[int, int]] = set()
    for note in write.notes:
        if note.row in gone:
            raise ValueError(f"a note on {a1(note.row, note.col)} of {where}, a row being deleted")
        if (note.row, note.col) in noted:
            raise ValueError(f"two notes for {a1(note.row, note.col)} of {where}")
        noted.add((note.row, note.col))
        need_rows = max(need_rows, note.row + 1)
        need_cols = max(need_cols, note.col + 1)

    rows = max(snap.row_count, need_rows)
    cols = max(snap.col_count, need_cols)
    after = snap.total_cells - snap.row_count * snap.col_count + rows * cols
    if after > MAX_SPREADSHEET_CELLS:
        raise CellLimitExceeded(
            f"growing {where} to {rows} rows x {cols} columns would bring the spreadsheet to "
            f"{after:,} cells, past Google's limit of {MAX_SPREADSHEET_CELLS:,}; delete unused "
            "rows, columns or tabs. Nothing was written.",
            spreadsheet_id=snap.spreadsheet_id,
            worksheet=snap.title,
        )

    encoded = None if write.state is None else encode_state(write.state)
    if encoded is not None and len(encoded) > MAX_STATE_CHARS:
        raise StateTooLarge(
            f"the sync state of mapping {snap.mapping!r} is {len(encoded)} characters; at most "
            f"{MAX_STATE_CHARS} are stored in {where}. Nothing was written.",
            spreadsheet_id=snap.spreadsheet_id,
            worksheet=snap.title,
        )
    return CheckedWrite(
        grow_rows=rows - snap.row_count,
        grow_cols=cols - snap.col_count,
        delete_rows=deleted,
        encoded_state=encoded,
    )
