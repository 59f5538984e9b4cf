"""Build ``spreadsheets.batchUpdate`` sub-requests from a :class:`SheetWrite`. Pure.

- Values: ``updateCells`` with typed ``userEnteredValue`` (``stringValue`` keeps ``=…``, ``+…``
  and ``0123`` literal; ``numberValue``; ``boolValue``; never ``formulaValue``). ``None`` sends
  an empty ``CellData``, which clears the value under the mask. The ``fields`` mask is
  ``userEnteredValue``, plus ``textFormatRuns`` where the block holds a link, so users' formats
  are never touched. Runs starting at the same column on nearby rows share one request (one
  request per block, not per row): rows between them are sent as empty ``RowData``, which a
  ``start``-anchored ``updateCells`` leaves alone ("any number of rows and columns, including a
  different number of columns per row, may be written"). An empty row costs 3 bytes, a new
  request about 100, so scattered edits down one column (a sorted sheet) cost less.
- Number formats of new rows: one ``repeatCell`` per column block with the same format, mask
  ``userEnteredFormat.numberFormat`` (the format is sent once, not once per cell).
- Notes: ``updateCells`` with mask ``note``, consecutive cells of a row together.
- Structure: ``appendDimension`` to grow; ``deleteDimension`` bottom-up, contiguous rows
  coalesced.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import MAX_EXACT_INT, Cell, CellNote, CellRun, Link, NumberFormat


def compact_json(body: Any) -> bytes:
    """JSON as sent: no whitespace, UTF-8, no NaN (the API rejects it anyway)."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def encode_cell(cell: Cell) -> dict[str, Any]:
    """The ``CellData`` that writes ``cell`` (validated by :func:`check_value` first)."""
    if cell is None or cell == "":  # a cell cannot hold "": clear it
        return {}
    if isinstance(cell, Link):
        if not cell.shown:
            return {}
        return {
            "userEnteredValue": {"stringValue": cell.shown},
            "textFormatRuns": [{"startIndex": 0, "format": {"link": {"uri": cell.url}}}],
        }
    if isinstance(cell, bool):
        return {"userEnteredValue": {"boolValue": cell}}
    if isinstance(cell, int | float):
        return {"userEnteredValue": {"numberValue": cell}}
    return {"userEnteredValue": {"stringValue": cell}}


def check_value(cell: Cell) -> str | None:
    """Why ``cell`` cannot be written as typed, or None. (Lengths are checked elsewhere.)"""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int):
        if abs(cell) > MAX_EXACT_INT:
            return f"the integer {cell} does not fit a Sheets number exactly; send it as text"
        return None
    if isinstance(cell, float):
        return None if math.isfinite(cell) else f"{cell} is not a finite number"
    if isinstance(cell, str | Link):
        return None
    return f"{type(cell).__name__} is not a cell value"


def on_sheet(sheet_id: int) -> dict[str, int]:
    """The ``sheetId`` field of a request, omitted for 0: proto3 JSON leaves default values out
    and the API reads a missing ``sheetId`` as 0 (it echoes ranges on sheet 0 without one). A
    sync repeats it in every request, so for the usual first tab this saves bytes per cell."""
    return {"sheetId": sheet_id} if sheet_id else {}


# Rows skipped inside one updateCells block: an empty ``{}`` row costs 3 bytes and a request's
# own envelope (start, rows, fields) about 100, so a gap up to ~30 rows is cheaper to bridge.
ROW_GAP_JOIN = 30


def _has_link(run: CellRun) -> bool:
    return any(isinstance(v, Link) for v in run.values)


@dataclass
class _Block:
    row: int
    col: int
    link: bool
    rows: list[list[dict[str, Any]]]


def cell_requests(sheet_id: int, runs: Iterable[CellRun]) -> list[dict[str, Any]]:
    """One ``updateCells`` per block of runs starting at one column on nearby rows (at most
    ``ROW_GAP_JOIN`` rows apart; the rows between are sent empty and left alone)."""
    open_blocks: dict[tuple[int, bool], _Block] = {}
    done: list[_Block] = []
    for run in sorted(runs, key=lambda r: (r.row, r.col)):
        key = (run.col, _has_link(run))
        block = open_blocks.get(key)
        encoded = [encode_cell(v) for v in run.values]
        if block is not None:
            gap = run.row - (block.row + len(block.rows))
            if 0 <= gap <= ROW_GAP_JOIN:
                block.rows.extend([] for _ in range(gap))
                block.rows.append(encoded)
                continue
        if block is not None:
            done.append(block)
        open_blocks[key] = _Block(run.row, run.col, key[1], [encoded])
    done.extend(open_blocks.values())
    done.sort(key=lambda b: (b.row, b.col))
    return [
        {
            "updateCells": {
                "start": {**on_sheet(sheet_id), "rowIndex": b.row, "columnIndex": b.col},
                "rows": [{"values": cells} if cells else {} for cells in b.rows],
                "fields": "userEnteredValue,textFormatRuns" if b.link else "userEnteredValue",
            }
        }
        for b in done
    ]


def format_requests(sheet_id: int, runs: Iterable[CellRun]) -> list[dict[str, Any]]:
    """One ``repeatCell`` per column and format over consecutive rows of new cells."""
    cells: dict[tuple[int, NumberFormat], list[int]] = {}
    for run in runs:
        if run.formats is None:
            continue
        for offset, fmt in enumerate(run.formats):
            if fmt is not None:
                cells.setdefault((run.col + offset, fmt), []).append(run.row)
    requests: list[tuple[int, int, dict[str, Any]]] = []
    for (col, fmt), rows in cells.items():
        for start, end in _spans(rows):
            request = {
                "repeatCell": {
                    "range": {
                        **on_sheet(sheet_id),
                        "startRowIndex": start,
                        "endRowIndex": end,
                        "startColumnIndex": col,
                        "endColumnIndex": col + 1,
                    },
                    "cell": {
                        "userEnteredFormat": {
                            "numberFormat": {"type": fmt.type, "pattern": fmt.pattern}
                        }
                    },
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
            requests.append((start, col, request))
    requests.sort(key=lambda item: (item[0], item[1]))
    return [r for _, _, r in requests]


def note_requests(sheet_id: int, notes: Iterable[CellNote]) -> list[dict[str, Any]]:
    """``updateCells`` (mask ``note``), one per run of consecutive noted cells in a row."""
    requests: list[dict[str, Any]] = []
    ordered = sorted(notes, key=lambda n: (n.row, n.col))
    i = 0
    while i < len(ordered):
        first = ordered[i]
        values = [{"note": first.text}]
        j = i + 1
        while (
            j < len(ordered)
            and ordered[j].row == first.row
            and ordered[j].col == first.col + (j - i)
        ):
            values.append({"note": ordered[j].text})
            j += 1
        requests.append(
            {
                "updateCells": {
                    "start": {
                        **on_sheet(sheet_id),
                        "rowIndex": first.row,
                        "columnIndex": first.col,
                    },
                    "rows": [{"values": values}],
                    "fields": "note",
                }
            }
        )
        i = j
    return requests


def append_requests(sheet_id: int, rows: int, cols: int) -> list[dict[str, Any]]:
    """Grow the grid by ``rows`` rows and ``cols`` columns (zero means no request)."""
    requests = []
    for dimension, length in (("COLUMNS", cols), ("ROWS", rows)):
        if length > 0:
            requests.append(
                {
                    "appendDimension": {
                        **on_sheet(sheet_id),
                        "dimension": dimension,
                        "length": length,
                    }
                }
            )
    return requests


def delete_requests(sheet_id: int, rows: Iterable[int]) -> list[dict[str, Any]]:
    """``deleteDimension`` per contiguous span of rows, bottom-up so indices stay valid."""
    return [
        {
            "deleteDimension": {
                "range": {
                    **on_sheet(sheet_id),
                    "dimension": "ROWS",
                    "startIndex": start,
                    "endIndex": end,
                }
            }
        }
        for start, end in reversed(_spans(rows))
    ]


def _spans(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, de-duplicated indices as half-open ``(start, end)`` spans."""
    spans: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def cells_in(runs: Sequence[CellRun]) -> int:
    return sum(len(r.values) for r in runs)
