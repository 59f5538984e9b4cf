"""Merged cells over managed columns stop a run before anything is written. Pure.

A merged area shows only its top-left value: a managed cell under a merge can never show what
Pardot says, so every run would rewrite it (or the user's merge would hide the data). Merges
above the header row (a title, say) and over the users' own columns are fine.
"""

from __future__ import annotations

from collections.abc import Sequence

from sheetsync.diff import SheetLayoutError, resolve_layout
from sheetsync.sheets import SheetSnapshot, Table
from sheetsync.sheets.model import GridRange
from sheetsync.sheets.table import a1, column_letter


def _span(merge: GridRange, rows: int, cols: int) -> str:
    top, left = merge.start_row or 0, merge.start_col or 0
    bottom = (merge.end_row if merge.end_row is not None else rows) - 1
    right = (merge.end_col if merge.end_col is not None else cols) - 1
    return f"{a1(top, left)}:{a1(bottom, right)}"


def merge_problem(
    merges: Sequence[GridRange],
    columns: Sequence[int],
    headers: Sequence[str],
    header_row: int,
    *,
    rows: int,
    cols: int,
) -> str | None:
    """What is wrong when a merge covers a managed column at or below the header row."""
    first = header_row - 1  # 0-based index of the header row
    for merge in merges:
        if merge.end_row is not None and merge.end_row <= first:
            continue  # above the headers: never read or written
        covered = [
            f"{header!r} ({column_letter(col)})"
            for col, header in zip(columns, headers, strict=True)
            if (merge.start_col or 0) <= col and (merge.end_col is None or col < merge.end_col)
        ]
        if covered:
            return (
                f"cells {_span(merge, rows, cols)} are merged over the managed column(s) "
                f"{', '.join(covered)}; a merged cell shows only its first value, so sheetsync "
                "cannot keep them right. Unmerge them (Format > Merge cells > Unmerge). "
                "Nothing was written"
            )
    return None


def check_merges(snap: SheetSnapshot, table: Table, headers: Sequence[str], key: int) -> None:
    """Raise :class:`SheetLayoutError` naming the worksheet, the cells and the headers."""
    if not snap.merges:
        return
    layout = resolve_layout(table, headers, key)
    problem = merge_problem(
        snap.merges,
        layout.columns,
        layout.headers,
        table.header_row,
        rows=snap.row_count,
        cols=snap.col_count,
    )
    if problem is not None:
        raise SheetLayoutError(f"worksheet {snap.title!r}: {problem}")
