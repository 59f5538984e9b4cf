"""The whole state of a spreadsheet as plain JSON, for tests and ``/_emulator/spreadsheets/{id}``.

Cells are keyed by A1 name, in row-major order; only cells holding a value or any other
CellData field appear. Tests compare snapshots before and after a sync to prove that nothing
outside the managed cells changed.
"""

from __future__ import annotations

import copy
from typing import Any

from .a1 import cell_name
from .cells import json_number, value_type
from .formula import Formula
from .metadata import metadata_json
from .model import Sheet, Spreadsheet
from .protection import grid_range_json, protected_json
from .sheetops import sheet_properties_json

_EXTRA_NAMES = {
    "userEnteredFormat": "format",
    "note": "note",
    "textFormatRuns": "textFormatRuns",
    "dataValidation": "dataValidation",
}


def snapshot(book: Spreadsheet) -> dict[str, Any]:
    return {
        "spreadsheetId": book.id,
        "title": book.title,
        "shared": book.shared,
        "properties": copy.deepcopy(book.properties),
        "developerMetadata": [metadata_json(md) for md in book.metadata.values()],
        "sheets": [_sheet(sheet) for sheet in book.sheets],
    }


def _sheet(sheet: Sheet) -> dict[str, Any]:
    return {
        "properties": sheet_properties_json(sheet),
        "merges": [grid_range_json(m) for m in sheet.merges],
        "protectedRanges": [protected_json(p) for p in sheet.protected],
        "cells": cells(sheet),
    }


def cells(sheet: Sheet) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r, row in enumerate(sheet.rows[: sheet.row_count]):
        if row is None:
            continue
        columns = set(range(len(row.values))) | set(row.extras or {})
        for c in sorted(columns):
            value = row.value(c)
            extras = row.cell_extras(c)
            if value is None and not extras:
                continue
            cell: dict[str, Any] = {}
            if value is not None:
                if isinstance(value, Formula):
                    cell["value"] = value.text
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    cell["value"] = json_number(value)
                else:
                    cell["value"] = value
                cell["type"] = value_type(value)
            for key, name in _EXTRA_NAMES.items():
                if extras and key in extras:
                    cell[name] = copy.deepcopy(extras[key])
            out[cell_name(r, c)] = cell
    return out
