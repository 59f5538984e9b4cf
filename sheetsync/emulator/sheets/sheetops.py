"""``addSheet``, ``deleteSheet``, ``updateSheetProperties``, ``updateSpreadsheetProperties``."""

from __future__ import annotations

import copy
from typing import Any

from . import masks
from .a1 import MAX_COLUMNS
from .context import Context, as_int
from .errors import bad_request
from .model import DEFAULT_COLUMNS, DEFAULT_ROWS, Sheet

SHEET_PROPERTY_KEYS = frozenset(
    {
        "sheetId",
        "title",
        "index",
        "sheetType",
        "gridProperties",
        "hidden",
        "tabColor",
        "tabColorStyle",
        "rightToLeft",
        "dataSourceSheetProperties",
    }
)


def sheet_properties_json(sheet: Sheet) -> dict[str, Any]:
    """SheetProperties as the API prints them: false/zero grid fields left out."""
    props = copy.deepcopy(sheet.props)
    grid = props.get("gridProperties", {})
    props["gridProperties"] = {
        k: v for k, v in grid.items() if k in ("rowCount", "columnCount") or v not in (0, False)
    }
    for key in ("hidden", "rightToLeft"):
        if not props.get(key):
            props.pop(key, None)
    ordered = {k: props[k] for k in ("sheetId", "title", "index", "sheetType", "gridProperties")}
    ordered.update({k: v for k, v in props.items() if k not in ordered})
    return ordered


def duplicate_title(title: str) -> str:
    return f'A sheet with the name "{title}" already exists. Please enter another name.'


def _check_title(ctx: Context, title: Any, ignore: Sheet | None = None) -> str:
    if not isinstance(title, str) or not title.strip():
        raise bad_request("The sheet name cannot be empty.")
    existing = ctx.book.sheet_by_title(title)
    if (
        existing is not None
        and existing is not ignore
        and existing.title.casefold() == title.casefold()
    ):
        raise bad_request(duplicate_title(title))
    return title


def _check_grid(grid: dict[str, Any]) -> None:
    rows, cols = grid.get("rowCount", 0), grid.get("columnCount", 0)
    if not isinstance(rows, int) or not isinstance(cols, int) or rows < 0 or cols < 0:
        raise bad_request("rowCount and columnCount must be non-negative integers.")
    if cols > MAX_COLUMNS:
        raise bad_request(f"Sheet can have at most {MAX_COLUMNS} columns.")
    for key in ("frozenRowCount", "frozenColumnCount"):
        if as_int(grid.get(key, 0), key) < 0:
            raise bad_request(f"{key} must be non-negative.")


def new_sheet(ctx: Context, properties: dict[str, Any] | None, *, first: bool = False) -> Sheet:
    props = copy.deepcopy(properties or {})
    unknown = set(props) - SHEET_PROPERTY_KEYS
    if unknown:
        raise bad_request(
            f"Unknown name \"{sorted(unknown)[0]}\" at 'properties': Cannot find field."
        )
    taken = {s.sheet_id for s in ctx.book.sheets}
    if "sheetId" in props:
        sheet_id = as_int(props["sheetId"], "sheetId")
        if sheet_id < 0:
            raise bad_request("sheetId must be non-negative.")
        if sheet_id in taken:
            raise bad_request(
                f"A sheet with the id {sheet_id} already exists."
            )  # UNCONFIRMED wording
    else:
        sheet_id = 0 if first and 0 not in taken else ctx.new_id(taken)
    title = props.get("title")
    if title is None:
        n = len(ctx.book.sheets) + 1
        while ctx.book.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        title = f"Sheet{n}"
    _check_title(ctx, title)
    grid = dict(props.get("gridProperties") or {})
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLUMNS)
    _check_grid(grid)
    index = props.get("index")
    props.update(
        sheetId=sheet_id,
        title=title,
        sheetType=props.get("sheetType") or "GRID",
        gridProperties=grid,
    )
    sheet = Sheet(props)
    count = len(ctx.book.sheets)
    position = count if index is None else max(0, min(as_int(index, "index"), count))
    ctx.book.sheets.insert(position, sheet)
    ctx.book.reindex()
    ctx.check_cells()
    return sheet


def add_sheet(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    sheet = new_sheet(ctx, req.get("properties"))
    return {"addSheet": {"properties": sheet_properties_json(sheet)}}


def delete_sheet(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    sheet = ctx.sheet(req.get("sheetId"))
    if len(ctx.book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    ctx.book.sheets.remove(sheet)
    if all(s.hidden for s in ctx.book.sheets):
        raise bad_request("You can't remove all the visible sheets in a document.")
    ctx.book.reindex()
    for md_id, md in list(ctx.book.metadata.items()):
        location = md["location"]
        on_sheet = location.get("sheetId")
        if on_sheet is None and isinstance(location.get("dimensionRange"), dict):
            on_sheet = location["dimensionRange"].get("sheetId", 0)
        if on_sheet == sheet.sheet_id:
            del ctx.book.metadata[md_id]
    return {}


def update_sheet_properties(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    props = req.get("properties")
    if not isinstance(props, dict):
        raise bad_request("properties is required.")
    fields = req.get("fields")
    if not isinstance(fields, str) or not fields.strip():
        raise bad_request("At least one field must be specified in 'fields'.")
    sheet = ctx.sheet(props.get("sheetId"))
    try:
        tree = masks.mask(fields)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    if "*" in tree:
        tree = {key: {} for key in SHEET_PROPERTY_KEYS - {"sheetId", "sheetType"}}
    for key in tree:
        if key not in SHEET_PROPERTY_KEYS:
            raise bad_request(f"Invalid field mask: unknown field '{key}' of SheetProperties.")
        if key in ("sheetId", "sheetType") and props.get(
            key, sheet.props.get(key)
        ) != sheet.props.get(key):
            raise bad_request(f"{key} cannot be changed.")
    old_rows, old_cols = sheet.row_count, sheet.col_count
    old_index = sheet.props.get("index", 0)
    updated = masks.apply(sheet.props, props, tree)
    updated["sheetId"] = sheet.sheet_id
    updated["sheetType"] = sheet.props.get("sheetType", "GRID")
    updated["index"] = old_index
    grid = dict(updated.get("gridProperties") or {})
    grid.setdefault("rowCount", old_rows)
    grid.setdefault("columnCount", old_cols)
    _check_grid(grid)
    updated["gridProperties"] = grid
    if "title" in tree:
        _check_title(ctx, updated.get("title"), ignore=sheet)
    sheet.props = updated
    if "hidden" in tree and all(s.hidden for s in ctx.book.sheets):
        raise bad_request("You can't hide all the sheets in a document.")
    new_rows, new_cols = grid["rowCount"], grid["columnCount"]
    if new_rows > old_rows:
        # The API checks the new row count against the cap before the column count.
        sheet.grid["columnCount"] = old_cols
        ctx.check_cells()
        sheet.grid["columnCount"] = new_cols
    ctx.check_cells()
    if new_rows < old_rows or new_cols < old_cols:
        sheet.truncate(new_rows, new_cols)
        _drop_outside(ctx, sheet)
    if "index" in tree and props.get("index") is not None:
        _move(ctx, sheet, as_int(props["index"], "index"))
    return {}


def _move(ctx: Context, sheet: Sheet, index: int) -> None:
    sheets = ctx.book.sheets
    current = sheets.index(sheet)
    # Indexes are "before the move": moving to current or current + 1 changes nothing.
    if index in (current, current + 1):
        return
    sheets.remove(sheet)
    target = index - 1 if index > current else index
    sheets.insert(max(0, min(target, len(sheets))), sheet)
    ctx.book.reindex()


def _drop_outside(ctx: Context, sheet: Sheet) -> None:
    rows, cols = sheet.row_count, sheet.col_count
    for md_id, md in list(ctx.book.metadata.items()):
        dim_range = md["location"].get("dimensionRange")
        if isinstance(dim_range, dict) and dim_range.get("sheetId", 0) == sheet.sheet_id:
            limit = rows if dim_range.get("dimension") == "ROWS" else cols
            if dim_range["startIndex"] >= limit:
                del ctx.book.metadata[md_id]
    sheet.merges = [
        m
        for m in sheet.merges
        if m.get("startRowIndex", 0) < rows and m.get("startColumnIndex", 0) < cols
    ]


def update_spreadsheet_properties(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    props = req.get("properties")
    fields = req.get("fields")
    if not isinstance(props, dict) or not isinstance(fields, str) or not fields.strip():
        raise bad_request("properties and fields are required.")
    try:
        tree = masks.mask(fields)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    ctx.book.properties = masks.apply(ctx.book.properties, props, tree)
    return {}
