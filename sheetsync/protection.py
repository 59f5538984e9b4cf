"""Ranges protected by someone else stop a write before it is sent. Pure.

Google refuses a whole ``batchUpdate`` that changes one cell of a range the caller may not edit
(``requestingUserCanEdit: false``), with a message that names neither the cell nor the range.
Checking the plan against the protected ranges read with the sheet says which cells and which
range, and sends nothing. Warning-only protections and ranges the account may edit are fine;
a range Google says nothing about is left to Google.
"""

from __future__ import annotations

from sheetsync.sheets import SheetSnapshot, SheetWrite
from sheetsync.sheets.model import GridRange, ProtectedRange
from sheetsync.sheets.table import a1

_SHOWN = 3  # cells named in the message; the rest are counted


def _range_a1(rng: GridRange | None, rows: int, cols: int) -> str:
    if rng is None:
        return "the whole worksheet"
    top, left = rng.start_row or 0, rng.start_col or 0
    bottom = (rng.end_row if rng.end_row is not None else rows) - 1
    right = (rng.end_col if rng.end_col is not None else cols) - 1
    if top == 0 and left == 0 and rng.end_row is None and rng.end_col is None:
        return "the whole worksheet"
    return f"{a1(top, left)}:{a1(bottom, right)}"


def _rows_of(rng: GridRange | None, row: int) -> bool:
    return rng is None or (
        (rng.start_row is None or row >= rng.start_row)
        and (rng.end_row is None or row < rng.end_row)
    )


def _hits(locked: ProtectedRange, write: SheetWrite, cols: int) -> list[str]:
    """What of ``write`` the range refuses: cells written, and rows to delete."""
    found: list[str] = []
    rng = locked.range
    for run in write.runs:
        if not _rows_of(rng, run.row):
            continue
        found += [
            a1(run.row, col)
            for col in range(run.col, run.col + len(run.values))
            if locked.covers(run.row, col)
        ]
    found += [a1(n.row, n.col) + " (its note)" for n in write.notes if locked.covers(n.row, n.col)]
    for row in write.delete_rows:
        if _rows_of(rng, row) and any(locked.covers(row, col) for col in range(cols)):
            found.append(f"row {row + 1} (to be removed)")
    return found


def protection_problem(snap: SheetSnapshot, write: SheetWrite, account: str | None) -> str | None:
    """What is wrong when ``write`` touches a range the account may not edit, else None."""
    for locked in snap.protected_ranges:
        if locked.can_edit or locked.warning_only:
            continue
        hits = _hits(locked, write, max(snap.col_count, write.min_cols))
        if not hits:
            continue
        shown = ", ".join(hits[:_SHOWN])
        more = f" and {len(hits) - _SHOWN} more" if len(hits) > _SHOWN else ""
        where = _range_a1(locked.range, snap.row_count, snap.col_count)
        described = f" ({locked.description!r})" if locked.description else ""
        who = account or "the account sheetsync runs as"
        return (
            f"the sync must change {shown}{more}, but {where}{described} is protected and "
            f"{who} may not edit it; ask the owner of the protection to add that account as an "
            "editor (Data > Protect sheets and ranges), or remove the protection. Nothing was "
            "written; the next run tries again"
        )
    return None
