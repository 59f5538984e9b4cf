"""The baseline sheetsync is measured against: clear the tab and rewrite every cell.

This is what Sheets add-ons and ``gspread-dataframe``-style writers do on every refresh: read
everything from Pardot, open the sheet the gspread way (``open_by_key`` then ``worksheet``, each
a metadata read), clear the tab, grow it if needed, and write all rows in one ``values.update``
with ``USER_ENTERED`` (so ``0123`` becomes 123 and ``=...`` a formula: the harm sheetsync
avoids). The rows are the same desired rows the engine computes (the project's transform), with
a link cell written as its text: the smallest payload such a tool could send, so the comparison
never flatters sheetsync.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gspread.utils import ValueInputOption

from sheetsync.engine import resolve_columns
from sheetsync.mapping import Mapping
from sheetsync.pardot import PardotClient
from sheetsync.selection import select
from sheetsync.settings import Settings
from sheetsync.sheets import Cell, Link, SheetsGateway, build_client
from sheetsync.source import read_source

Plain = str | int | float | bool


def plain(cell: Cell) -> Plain:
    """A cell as a values API writer sends it: links as their text, empty as ``""``."""
    if cell is None:
        return ""
    if isinstance(cell, Link):
        return cell.text
    return cell


def table_values(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[list[Plain]]:
    return [list(headers), *([plain(c) for c in row] for row in rows)]


def rewrite_everything(settings: Settings, mapping: Mapping) -> dict[str, Any]:
    """Read Pardot, clear the tab and write every cell; the API cost, counted as the engine's."""
    client = build_client(settings)
    counters = SheetsGateway(client).counters  # the same counting as the engine's reports
    with PardotClient(settings.pardot()) as pardot:
        catalogue = pardot.catalogue(mapping.source.object)
        columns = resolve_columns(mapping, catalogue)
        data = read_source(pardot, mapping.source.object, mapping.fields_to_read, since=None)
        selection = select(
            data.records,
            columns.specs,
            columns.key,
            conditions=lambda record: mapping.record_matches(record, catalogue),
            include_deleted=mapping.source.include_deleted,
            members=None,
        )
        del data
        values = table_values(columns.headers, list(selection.desired.values()))
        del selection
        worksheet = client.open_by_key(mapping.spreadsheet_id).worksheet(mapping.worksheet)
        worksheet.clear()
        width = len(columns.headers)
        if worksheet.row_count < len(values) or worksheet.col_count < width:
            worksheet.resize(
                rows=max(worksheet.row_count, len(values)),
                cols=max(worksheet.col_count, width),
            )
        worksheet.update(values, "A1", value_input_option=ValueInputOption.user_entered)
        counts = counters.snapshot()
        return {
            "status": "ok",
            "rows_added": len(values) - 1,
            "cells_written": len(values) * width,
            "pardot_calls": pardot.stats.total,
            "sheets_read_requests": counts.read_requests,
            "sheets_write_requests": counts.write_requests,
            "bytes_sent": counts.bytes_sent,
        }
