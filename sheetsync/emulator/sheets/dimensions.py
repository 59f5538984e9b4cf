"""``appendDimension``, ``insertDimension``, ``deleteDimension``.

Rows and columns carry their cells, merges, protected ranges and row/column developer metadata
with them; metadata on a deleted row or column is deleted too (as the API documents).
Inserted rows/columns take the cell formats of their neighbour (before when
``inheritFromBefore``, else after) — UNCONFIRMED for the API, it is what the UI does.
"""

from __future__ import annotations

from typing import Any

from .context import Context, as_int
from .errors import bad_request
from .model import Sheet
from .refmove import move_references

ROWS, COLUMNS = "ROWS", "COLUMNS"
_KEYS = {ROWS: ("startRowIndex", "endRowIndex"), COLUMNS: ("startColumnIndex", "endColumnIndex")}


def _dimension(value: Any) -> str:
    if value not in (ROWS, COLUMNS):
        raise bad_request(f"Invalid dimension: {value!r}; expected ROWS or COLUMNS.")
    return str(value)


def _count(sheet: Sheet, dimension: str) -> int:
    return sheet.row_count if dimension == ROWS else sheet.col_count


def append_dimension(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    sheet = ctx.sheet(req.get("sheetId"))
    dimension = _dimension(req.get("dimension"))
    length = as_int(req.get("length") or 0, "length")
    if length <= 0:
        raise bad_request("length must be greater than 0.")
    key = "rowCount" if dimension == ROWS else "columnCount"
    sheet.grid[key] = _count(sheet, dimension) + length
    ctx.check_cells()
    return {}


def _range(ctx: Context, data: Any) -> tuple[Sheet, str, int, int]:
    if not isinstance(data, dict):
        raise bad_request("A DimensionRange is required.")
    sheet = ctx.sheet(data.get("sheetId"))
    dimension = _dimension(data.get("dimension"))
    start = as_int(data.get("startIndex") or 0, "startIndex")
    end_raw = data.get("endIndex")
    end = as_int(end_raw, "endIndex") if end_raw is not None else _count(sheet, dimension)
    if start < 0 or end <= start:
        raise bad_request("The DimensionRange's startIndex must be less than its endIndex.")
    return sheet, dimension, start, end


def insert_dimension(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    sheet, dimension, start, end = _range(ctx, req.get("range"))
    count = end - start
    total = _count(sheet, dimension)
    before = bool(req.get("inheritFromBefore"))
    if start > total:
        raise bad_request(
            f"Cannot insert {dimension.lower()} at index {start}: the sheet has only {total}."
        )
    if before and start == 0:
        raise bad_request("Cannot inherit from before when inserting at index 0.")
    insert(ctx, sheet, dimension, start, count)
    source = start - 1 if before else end
    if 0 <= source < _count(sheet, dimension):
        _inherit_formats(sheet, dimension, source, start, end)
    ctx.check_cells()
    return {}


def insert(ctx: Context, sheet: Sheet, dimension: str, at: int, count: int) -> None:
    """Insert empty rows/columns, moving merges, protected ranges and metadata along."""
    if dimension == ROWS:
        sheet.insert_rows(at, count)
    else:
        sheet.insert_cols(at, count)
    _shift_objects(ctx, sheet, dimension, at, count)
    move_references(ctx, sheet, dimension, ("insert", at, count))


def delete_dimension(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    sheet, dimension, start, end = _range(ctx, req.get("range"))
    total = _count(sheet, dimension)
    if end > total:
        raise bad_request(
            f"Cannot delete {dimension.lower()} {start}-{end}: the sheet has only {total}."
        )
    if start == 0 and end == total:
        noun = "rows" if dimension == ROWS else "columns"
        raise bad_request(f"You can't delete all the {noun} on the sheet.")
    if dimension == ROWS:
        sheet.delete_rows(start, end)
    else:
        sheet.delete_cols(start, end)
    _cut_objects(ctx, sheet, dimension, start, end)
    move_references(ctx, sheet, dimension, ("delete", start, end))
    return {}


def _inherit_formats(sheet: Sheet, dimension: str, source: int, start: int, end: int) -> None:
    if dimension == ROWS:
        row = sheet.row(source)
        if row is None or not row.extras:
            return
        formats = {
            c: e["userEnteredFormat"] for c, e in row.extras.items() if "userEnteredFormat" in e
        }
        for r in range(start, end):
            for c, fmt in formats.items():
                sheet.set_extra(r, c, "userEnteredFormat", fmt)
        return
    for r, row in enumerate(sheet.rows):
        extra = row.cell_extras(source) if row is not None else None
        if extra and "userEnteredFormat" in extra:
            for c in range(start, end):
                sheet.set_extra(r, c, "userEnteredFormat", extra["userEnteredFormat"])


# -- moving the things that sit on rows and columns --------------------------------------------


def shift_span(
    start: int | None, end: int | None, at: int, count: int
) -> tuple[int | None, int | None]:
    """A [start, end) span after ``count`` indexes were inserted at ``at``."""
    new_start = start + count if start is not None and start >= at else start
    new_end = end + count if end is not None and end > at else end
    return new_start, new_end


def cut_span(
    start: int | None, end: int | None, a: int, b: int
) -> tuple[int | None, int | None] | None:
    """A [start, end) span after [a, b) was deleted; None when nothing of it is left."""
    width = b - a

    def move(i: int) -> int:
        if i <= a:
            return i
        if i >= b:
            return i - width
        return a

    new_start = move(start) if start is not None else None
    new_end = move(end) if end is not None else None
    if new_start is not None and new_end is not None and new_end <= new_start:
        return None
    return new_start, new_end


def _shift_range(data: dict[str, Any], dimension: str, at: int, count: int) -> None:
    lo, hi = _KEYS[dimension]
    start, end = shift_span(data.get(lo), data.get(hi), at, count)
    _store(data, lo, hi, start, end)


def _cut_range(data: dict[str, Any], dimension: str, a: int, b: int) -> bool:
    lo, hi = _KEYS[dimension]
    span = cut_span(data.get(lo), data.get(hi), a, b)
    if span is None:
        return False
    _store(data, lo, hi, *span)
    return True


def _store(data: dict[str, Any], lo: str, hi: str, start: int | None, end: int | None) -> None:
    if start is not None:
        data[lo] = start
    if end is not None:
        data[hi] = end


def _shift_objects(ctx: Context, sheet: Sheet, dimension: str, at: int, count: int) -> None:
    for merge in sheet.merges:
        _shift_range(merge, dimension, at, count)
    for protected in sheet.protected:
        if isinstance(protected.get("range"), dict):
            _shift_range(protected["range"], dimension, at, count)
    for md in ctx.book.metadata.values():
        dim_range = md["location"].get("dimensionRange")
        if _on(dim_range, sheet, dimension):
            start, end = shift_span(dim_range["startIndex"], dim_range["endIndex"], at, count)
            dim_range["startIndex"], dim_range["endIndex"] = start, end


def _cut_objects(ctx: Context, sheet: Sheet, dimension: str, a: int, b: int) -> None:
    sheet.merges = [m for m in sheet.merges if _cut_range(m, dimension, a, b)]
    sheet.protected = [
        p
        for p in sheet.protected
        if not isinstance(p.get("range"), dict) or _cut_range(p["range"], dimension, a, b)
    ]
    for md_id in list(ctx.book.metadata):
        dim_range = ctx.book.metadata[md_id]["location"].get("dimensionRange")
        if not _on(dim_range, sheet, dimension):
            continue
        span = cut_span(dim_range["startIndex"], dim_range["endIndex"], a, b)
        if span is None:
            del ctx.book.metadata[md_id]
        else:
            dim_range["startIndex"], dim_range["endIndex"] = span


def _on(dim_range: Any, sheet: Sheet, dimension: str) -> bool:
    return (
        isinstance(dim_range, dict)
        and dim_range.get("sheetId", 0) == sheet.sheet_id
        and dim_range.get("dimension") == dimension
    )
