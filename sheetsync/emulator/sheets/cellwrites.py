"""``updateCells``, ``repeatCell`` and ``setDataValidation``: CellData written under a mask.

Only the fields named in ``fields`` change; a masked field the request leaves out is cleared;
cells of ``range`` not covered by ``rows`` are cleared for the masked fields. Writing a new
``userEnteredValue`` erases the cell's text runs unless ``textFormatRuns`` is masked too (as the
API documents for CellData.textFormatRuns).
"""

from __future__ import annotations

from typing import Any

from . import masks
from .a1 import Bounds, format_bounds
from .cells import EXTRA_KEYS, OTHER_WRITABLE, READ_ONLY_KEYS, CellValue, from_extended
from .context import Context, as_int, exceeds_grid
from .errors import bad_request
from .model import Sheet

WRITABLE = ("userEnteredValue", *EXTRA_KEYS)
KNOWN = frozenset(WRITABLE) | READ_ONLY_KEYS | OTHER_WRITABLE
SHORT_TEXT = 25_000  # below this no string can pass the 50,000-unit cell limit


class CellMask:
    def __init__(self, fields: Any) -> None:
        if not isinstance(fields, str) or not fields.strip():
            raise bad_request("At least one field must be specified in 'fields'.")
        try:
            tree = masks.mask(fields)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        if "*" in tree:
            tree = {key: {} for key in WRITABLE}
        unknown = [key for key in tree if key not in KNOWN]
        if unknown:
            raise bad_request(f"Invalid field mask: unknown field '{unknown[0]}' of CellData.")
        self.tree: masks.MaskTree = {key: sub for key, sub in tree.items() if key in WRITABLE}
        if "userEnteredValue" in self.tree:
            self.tree["userEnteredValue"] = {}  # value kinds are one field as far as we care
        self.clear_runs = "userEnteredValue" in self.tree and "textFormatRuns" not in self.tree
        self.values_only = set(self.tree) == {"userEnteredValue"}

    def apply(self, sheet: Sheet, r: int, c: int, data: Any) -> None:
        if not isinstance(data, dict):
            data = {}
        for key, sub in self.tree.items():
            if key == "userEnteredValue":
                sheet.set_value(r, c, from_extended(data.get(key)))
            elif not sub:
                value = data.get(key)
                sheet.set_extra(r, c, key, value if value not in (None, "", {}, []) else None)
            else:
                current = (sheet.cell_extras(r, c) or {}).get(key)
                merged = masks.apply(
                    current if isinstance(current, dict) else {},
                    data.get(key) if isinstance(data.get(key), dict) else {},
                    sub,
                )
                sheet.set_extra(r, c, key, merged or None)
        if self.clear_runs:
            sheet.set_extra(r, c, "textFormatRuns", None)


def _row_values(rows: Any, i: int) -> list[Any]:
    if not isinstance(rows, list) or i >= len(rows) or not isinstance(rows[i], dict):
        return []
    values = rows[i].get("values") or []
    if not isinstance(values, list):
        raise bad_request(f"Invalid rows[{i}].values: expected a list of CellData.")
    return values


def update_cells(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    cell_mask = CellMask(req.get("fields"))
    rows = req.get("rows") or []
    if not isinstance(rows, list):
        raise bad_request("Invalid rows: expected a list of RowData.")
    if req.get("range") is not None:
        block = ctx.grid_range(req["range"])
        height, width = block.r1 - block.r0, block.c1 - block.c0
        if len(rows) > height or any(len(_row_values(rows, i)) > width for i in range(len(rows))):
            raise bad_request(
                f"Attempting to write row {block.r0 + len(rows)} or a column past the range "
                f"{block.a1} of the request."
            )
        for i in range(height):
            values = _row_values(rows, i)
            _write_row(cell_mask, block.sheet, block.r0 + i, block.c0, values, width)
        return {}
    start = req.get("start")
    if not isinstance(start, dict):
        raise bad_request("One of 'range' or 'start' must be set.")
    sheet = ctx.sheet(start.get("sheetId"))
    r0 = as_int(start.get("rowIndex") or 0, "rowIndex")
    c0 = as_int(start.get("columnIndex") or 0, "columnIndex")
    width = max((len(_row_values(rows, i)) for i in range(len(rows))), default=0)
    if rows and (r0 + len(rows) > sheet.row_count or c0 + width > sheet.col_count):
        shown = Bounds(r0, r0 + len(rows), c0, c0 + max(width, 1))
        raise exceeds_grid(sheet, format_bounds(shown))
    for i in range(len(rows)):
        values = _row_values(rows, i)
        _write_row(cell_mask, sheet, r0 + i, c0, values, len(values))
    return {}


def _write_row(
    cell_mask: CellMask, sheet: Sheet, r: int, c0: int, values: list[Any], width: int
) -> None:
    if cell_mask.values_only and not (sheet.row(r) and sheet.row(r).extras):  # type: ignore[union-attr]
        # Fast path for the common "userEnteredValue" mask on rows without extras.
        new = entered_values(values)
        new.extend([None] * (width - len(new)))
        if not any(v is not None for v in new):
            row = sheet.row(r)
            if row is None or all(v is None for v in row.values[c0 : c0 + width]):
                return
        row = sheet.writable(r)
        if len(row.values) < c0 + width:
            row.values.extend([None] * (c0 + width - len(row.values)))
        row.values[c0 : c0 + width] = new
        return
    for j in range(width):
        cell_mask.apply(sheet, r, c0 + j, values[j] if j < len(values) else {})


def entered_values(cells: list[Any]) -> list[CellValue]:
    """The ``userEnteredValue`` of each CellData, with a fast lane for short strings."""
    out: list[CellValue] = []
    append = out.append
    for cell in cells:
        entered = cell.get("userEnteredValue") if type(cell) is dict else None
        if entered is None:
            append(None)
            continue
        if type(entered) is dict and len(entered) == 1:
            text = entered.get("stringValue")
            if type(text) is str and len(text) <= SHORT_TEXT:
                append(text or None)
                continue
        append(from_extended(entered))
    return out


def repeat_cell(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    cell_mask = CellMask(req.get("fields"))
    block = ctx.grid_range(req.get("range"))
    cell = req.get("cell") or {}
    for r in range(block.r0, block.r1):
        for c in range(block.c0, block.c1):
            cell_mask.apply(block.sheet, r, c, cell)
    return {}


def set_data_validation(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    block = ctx.grid_range(req.get("range"))
    rule = req.get("rule") or None
    for r in range(block.r0, block.r1):
        for c in range(block.c0, block.c1):
            block.sheet.set_extra(r, c, "dataValidation", rule)
    return {}
