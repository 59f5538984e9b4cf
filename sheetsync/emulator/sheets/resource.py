"""The Spreadsheet resource as ``spreadsheets.get`` answers it, field masks included.

Grid data (``sheets.data``) is built only when asked for: with no mask, by
``includeGridData=true``; with a mask, when the mask selects ``sheets.data`` (the API ignores
``includeGridData`` once a mask is set). Row/column developer metadata appears where the API
puts it, in ``rowMetadata``/``columnMetadata`` of the grid data.
"""

from __future__ import annotations

import copy
from typing import Any

from . import metadata
from .cells import to_extended
from .masks import MaskTree, project, selects, subtree
from .model import Sheet
from .protection import grid_range_json, protected_json
from .render import FORMATTED, SERIAL, UNFORMATTED, Renderer
from .sheetops import sheet_properties_json
from .values import read_block

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def _theme_color(kind: str, rgb: dict[str, float]) -> dict[str, Any]:
    return {"colorType": kind, "color": {"rgbColor": rgb}}


THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT", {}),
        _theme_color("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
        _theme_color("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
        _theme_color("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
        _theme_color("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
        _theme_color("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
        _theme_color("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
        _theme_color("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
        _theme_color("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
    ],
}

ROW_PIXELS = 21
COLUMN_PIXELS = 100


def new_properties(title: str, locale: str = "en_US", time_zone: str = "Etc/GMT") -> dict[str, Any]:
    return {
        "title": title,
        "locale": locale,
        "autoRecalc": "ON_CHANGE",
        "timeZone": time_zone,
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(THEME),
    }


def spreadsheet_url(spreadsheet_id: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"


def spreadsheet_json(
    renderer: Renderer,
    *,
    tree: MaskTree | None,
    include_grid: bool,
    ranges: list[str],
) -> dict[str, Any]:
    book = renderer.book
    wants_data = selects(tree, "sheets", "data") if tree is not None else include_grid
    out: dict[str, Any] = {"spreadsheetId": book.id, "properties": copy.deepcopy(book.properties)}
    blocks_by_sheet: dict[int, list[tuple[int, int, int, int]]] = {}
    chosen: list[Sheet] = list(book.sheets)
    if ranges:
        blocks = [read_block(book, text) for text in ranges]
        for block in blocks:
            blocks_by_sheet.setdefault(block.sheet.sheet_id, []).append(
                (block.r0, block.r1, block.c0, block.c1)
            )
        chosen = [s for s in book.sheets if s.sheet_id in blocks_by_sheet]
    if selects(tree, "sheets"):
        cell_tree = subtree(tree, "sheets", "data", "rowData", "values")
        out["sheets"] = [
            _sheet_json(
                renderer, sheet, tree, wants_data, blocks_by_sheet.get(sheet.sheet_id), cell_tree
            )
            for sheet in chosen
        ]
    spreadsheet_md = metadata.for_spreadsheet(book)
    if spreadsheet_md:
        out["developerMetadata"] = spreadsheet_md
    out["spreadsheetUrl"] = spreadsheet_url(book.id)
    return project(out, tree)  # type: ignore[no-any-return]


def _sheet_json(
    renderer: Renderer,
    sheet: Sheet,
    tree: MaskTree | None,
    wants_data: bool,
    blocks: list[tuple[int, int, int, int]] | None,
    cell_tree: MaskTree | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties_json(sheet)}
    if wants_data:
        areas = blocks or [(0, sheet.row_count, 0, sheet.col_count)]
        out["data"] = [grid_data(renderer, sheet, area, tree, cell_tree) for area in areas]
    if sheet.merges:
        out["merges"] = [grid_range_json(m) for m in sheet.merges]
    if sheet.protected:
        out["protectedRanges"] = [protected_json(p) for p in sheet.protected]
    sheet_md = metadata.for_sheet(renderer.book, sheet)
    if sheet_md:
        out["developerMetadata"] = sheet_md
    return out


def grid_data(
    renderer: Renderer,
    sheet: Sheet,
    area: tuple[int, int, int, int],
    tree: MaskTree | None,
    cell_tree: MaskTree | None,
) -> dict[str, Any]:
    r0, r1, c0, c1 = area
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if selects(tree, "sheets", "data", "rowData"):
        row_data: list[dict[str, Any]] = []
        for r in range(r0, min(r1, sheet.used_rows())):
            row = sheet.row(r)
            cells: list[dict[str, Any]] = []
            if row is not None:
                # Trim by what the cells hold, not by what the mask lets through (as the API
                # projects a built response).
                last = max(
                    (c for c in range(c0, c1) if row.value(c) is not None or row.cell_extras(c)),
                    default=-1,
                )
                for c in range(c0, last + 1):
                    value, extras = row.value(c), row.cell_extras(c)
                    cells.append(
                        cell_json(renderer, sheet, r, c, value, extras, cell_tree)
                        if value is not None or extras
                        else {}
                    )
            row_data.append({"values": cells} if cells else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        if row_data:
            out["rowData"] = row_data
    if selects(tree, "sheets", "data", "rowMetadata"):
        row_md = metadata.for_dimension(renderer.book, sheet, "ROWS")
        out["rowMetadata"] = [_dimension_json(ROW_PIXELS, row_md.get(r)) for r in range(r0, r1)]
    if selects(tree, "sheets", "data", "columnMetadata"):
        col_md = metadata.for_dimension(renderer.book, sheet, "COLUMNS")
        out["columnMetadata"] = [
            _dimension_json(COLUMN_PIXELS, col_md.get(c)) for c in range(c0, c1)
        ]
    return out


def _dimension_json(pixels: int, md: list[dict[str, Any]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"pixelSize": pixels}
    if md:
        out["developerMetadata"] = md
    return out


def cell_json(
    renderer: Renderer,
    sheet: Sheet,
    r: int,
    c: int,
    value: Any,
    extras: dict[str, Any] | None,
    cell_tree: MaskTree | None,
) -> dict[str, Any]:
    """CellData of one cell; only the fields the mask asks for are computed."""

    def want(name: str) -> bool:
        return cell_tree is None or "*" in cell_tree or name in cell_tree

    out: dict[str, Any] = {}
    extras = extras or {}
    if value is not None:
        if want("userEnteredValue"):
            out["userEnteredValue"] = to_extended(value)
        if want("effectiveValue"):
            effective = renderer.render(sheet, r, c, value, extras, UNFORMATTED, SERIAL)
            out["effectiveValue"] = _effective(effective, value)
        if want("formattedValue"):
            out["formattedValue"] = renderer.render(sheet, r, c, value, extras, FORMATTED, SERIAL)
    if "userEnteredFormat" in extras and want("userEnteredFormat"):
        out["userEnteredFormat"] = copy.deepcopy(extras["userEnteredFormat"])
    if want("effectiveFormat") and (value is not None or "userEnteredFormat" in extras):
        out["effectiveFormat"] = _merged(DEFAULT_FORMAT, extras.get("userEnteredFormat") or {})
    for key in ("note", "textFormatRuns", "dataValidation"):
        if key in extras and want(key):
            out[key] = copy.deepcopy(extras[key])
    if want("hyperlink"):
        link = _hyperlink(extras.get("textFormatRuns"), extras.get("userEnteredFormat"))
        if link:
            out["hyperlink"] = link
    return project(out, cell_tree) if cell_tree else out


def _effective(effective: Any, value: Any) -> dict[str, Any]:
    if isinstance(effective, bool):
        return {"boolValue": effective}
    if isinstance(effective, int | float):
        return {"numberValue": effective}
    if isinstance(effective, str) and effective.startswith("#") and not isinstance(value, str):
        return {"errorValue": {"type": "ERROR", "message": effective}}
    return {"stringValue": str(effective)}


def _merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _hyperlink(runs: Any, fmt: Any) -> str | None:
    """A link that covers the whole cell (one run from 0, or the cell's text format)."""
    if isinstance(runs, list) and runs:
        first = runs[0] if isinstance(runs[0], dict) else {}
        link = ((first.get("format") or {}).get("link") or {}).get("uri")
        if link and len(runs) == 1 and not first.get("startIndex"):
            return str(link)
        return None
    if isinstance(fmt, dict):
        link = ((fmt.get("textFormat") or {}).get("link") or {}).get("uri")
        return str(link) if link else None
    return None
