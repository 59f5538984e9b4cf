"""Merges and protected ranges: stored so ``spreadsheets.get`` reports them.

Ranges the caller protects itself never block its writes (the protecting user is always an
editor). A range protected by somebody else (:func:`add_locked_range`, emulator control only)
makes any write that changes one of its cells fail whole with Google's 400.

Merging keeps only the top-left value of each merged area (as Sheets does). A merge that
partially overlaps an existing one is refused (UNCONFIRMED wording).
"""

from __future__ import annotations

import copy
from typing import Any

from .context import Context, GridBlock, as_int
from .errors import bad_request
from .model import Sheet, Spreadsheet

MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")


def grid_range_json(data: dict[str, Any]) -> dict[str, Any]:
    """A GridRange as the API prints it: zero-valued fields (sheetId 0 included) left out."""
    order = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    return {k: data[k] for k in order if data.get(k) not in (None, 0)}


def _block_range(block: GridBlock) -> dict[str, Any]:
    return {
        "sheetId": block.sheet.sheet_id,
        "startRowIndex": block.r0,
        "endRowIndex": block.r1,
        "startColumnIndex": block.c0,
        "endColumnIndex": block.c1,
    }


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(
        a["startRowIndex"] < b["endRowIndex"]
        and b["startRowIndex"] < a["endRowIndex"]
        and a["startColumnIndex"] < b["endColumnIndex"]
        and b["startColumnIndex"] < a["endColumnIndex"]
    )


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    return bool(
        outer["startRowIndex"] <= inner["startRowIndex"]
        and inner["endRowIndex"] <= outer["endRowIndex"]
        and outer["startColumnIndex"] <= inner["startColumnIndex"]
        and inner["endColumnIndex"] <= outer["endColumnIndex"]
    )


def merge_cells(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    block = ctx.grid_range(req.get("range"))
    merge_type = req.get("mergeType") or "MERGE_ALL"
    if merge_type not in MERGE_TYPES:
        raise bad_request(f"Invalid mergeType: {merge_type!r}")
    if merge_type == "MERGE_ALL":
        areas = [_block_range(block)]
    elif merge_type == "MERGE_COLUMNS":
        areas = [
            {**_block_range(block), "startColumnIndex": c, "endColumnIndex": c + 1}
            for c in range(block.c0, block.c1)
        ]
    else:
        areas = [
            {**_block_range(block), "startRowIndex": r, "endRowIndex": r + 1}
            for r in range(block.r0, block.r1)
        ]
    sheet = block.sheet
    whole = _block_range(block)
    kept = []
    for merge in sheet.merges:
        if _inside(merge, whole):
            continue
        if _overlap(merge, whole):
            raise bad_request("You can't merge cells that partially overlap an existing merge.")
        kept.append(merge)
    sheet.merges = kept
    for area in areas:
        if area["endRowIndex"] - area["startRowIndex"] <= 1 and (
            area["endColumnIndex"] - area["startColumnIndex"] <= 1
        ):
            continue
        sheet.merges.append(area)
        for r in range(area["startRowIndex"], area["endRowIndex"]):
            for c in range(area["startColumnIndex"], area["endColumnIndex"]):
                if (r, c) != (area["startRowIndex"], area["startColumnIndex"]):
                    sheet.set_value(r, c, None)
    return {}


def unmerge_cells(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    block = ctx.grid_range(req.get("range"))
    whole = _block_range(block)
    block.sheet.merges = [m for m in block.sheet.merges if not _overlap(m, whole)]
    return {}


def add_protected_range(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    data = req.get("protectedRange")
    if not isinstance(data, dict):
        raise bad_request("protectedRange is required.")
    raw_range = data.get("range")
    if not isinstance(raw_range, dict):
        raise bad_request("A protected range needs a range (named ranges are not emulated).")
    sheet = ctx.sheet(raw_range.get("sheetId"))
    ctx.grid_range(raw_range)  # validates the bounds
    taken = {p["protectedRangeId"] for s in ctx.book.sheets for p in s.protected}
    if data.get("protectedRangeId") is not None:
        range_id = as_int(data["protectedRangeId"], "protectedRangeId")
        if range_id in taken:
            raise bad_request(f"A protected range with ID {range_id} already exists.")
    else:
        range_id = ctx.new_id(taken)
    stored: dict[str, Any] = {
        "protectedRangeId": range_id,
        "range": {k: v for k, v in raw_range.items() if v is not None}
        | {"sheetId": sheet.sheet_id},
    }
    if data.get("description"):
        stored["description"] = data["description"]
    if data.get("warningOnly"):
        stored["warningOnly"] = True
    stored["requestingUserCanEdit"] = True
    if not data.get("warningOnly"):
        editors = data.get("editors") or {}
        stored["editors"] = {k: v for k, v in editors.items() if v}
    if data.get("unprotectedRanges"):
        stored["unprotectedRanges"] = copy.deepcopy(data["unprotectedRanges"])
    sheet.protected.append(stored)
    return {"addProtectedRange": {"protectedRange": protected_json(stored)}}


def delete_protected_range(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    range_id = as_int(req.get("protectedRangeId"), "protectedRangeId")
    for sheet in ctx.book.sheets:
        for protected in sheet.protected:
            if protected["protectedRangeId"] == range_id:
                sheet.protected.remove(protected)
                return {}
    raise bad_request(f"No protected range with id: {range_id}")


def protected_json(stored: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(stored)
    out["range"] = grid_range_json(stored["range"])
    return out


# -- ranges protected by someone else -------------------------------------------------------------
#: Google's answer to a write touching a range the caller may not edit (HTTP 400).
LOCKED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


def add_locked_range(sheet: Sheet, range_id: int, bounds: dict[str, int], owner: str) -> None:
    """A range protected by ``owner``, who did not make the caller an editor: Google reports
    it with ``requestingUserCanEdit: false`` and without its editors list."""
    sheet.protected.append(
        {
            "protectedRangeId": range_id,
            "range": {"sheetId": sheet.sheet_id, **bounds},
            "description": f"protected by {owner}",
            "requestingUserCanEdit": False,
        }
    )


def _cells(sheet: Sheet, area: dict[str, Any]) -> list[tuple[Any, Any]]:
    r0, c0 = int(area.get("startRowIndex") or 0), int(area.get("startColumnIndex") or 0)
    r1 = min(int(area.get("endRowIndex", sheet.row_count)), max(len(sheet.rows), r0))
    c1 = int(area.get("endColumnIndex", sheet.col_count))
    return [
        (sheet.value(r, c), sheet.cell_extras(r, c)) for r in range(r0, r1) for c in range(c0, c1)
    ]


def check_locked(before: Spreadsheet, after: Spreadsheet) -> None:
    """Refuse (400) a write that changed a cell of a range the caller may not edit."""
    for old in before.sheets:
        for protected in old.protected:
            if protected.get("requestingUserCanEdit", True) or protected.get("warningOnly"):
                continue
            new = after.sheet_by_id(old.sheet_id)
            moved = next(
                (
                    p
                    for p in (new.protected if new is not None else [])
                    if p["protectedRangeId"] == protected["protectedRangeId"]
                ),
                None,
            )
            if new is None or moved is None:
                raise bad_request(LOCKED_MESSAGE)
            if _cells(old, protected["range"]) != _cells(new, moved["range"]):
                raise bad_request(LOCKED_MESSAGE)
