"""``spreadsheets.batchUpdate``: subrequests applied in order to a clone, all or nothing.

A failing subrequest answers ``Invalid requests[i].<kind>: <reason>`` and the caller drops the
clone, so nothing of the batch is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import cellwrites, copypaste, dimensions, metadata, protection, sheetops
from .context import Context
from .errors import ApiError, bad_request

Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]

HANDLERS: dict[str, Handler] = {
    "addSheet": sheetops.add_sheet,
    "deleteSheet": sheetops.delete_sheet,
    "updateSheetProperties": sheetops.update_sheet_properties,
    "updateSpreadsheetProperties": sheetops.update_spreadsheet_properties,
    "appendDimension": dimensions.append_dimension,
    "insertDimension": dimensions.insert_dimension,
    "deleteDimension": dimensions.delete_dimension,
    "updateCells": cellwrites.update_cells,
    "repeatCell": cellwrites.repeat_cell,
    "setDataValidation": cellwrites.set_data_validation,
    "copyPaste": copypaste.copy_paste,
    "mergeCells": protection.merge_cells,
    "unmergeCells": protection.unmerge_cells,
    "addProtectedRange": protection.add_protected_range,
    "deleteProtectedRange": protection.delete_protected_range,
    "createDeveloperMetadata": metadata.create,
    "updateDeveloperMetadata": metadata.update,
    "deleteDeveloperMetadata": metadata.delete,
}


def request_kinds(body: Any) -> list[str]:
    """The subrequest kinds of a batchUpdate body, in order (for reports and stats)."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list):
        return []
    return [next(iter(r), "?") if isinstance(r, dict) and r else "?" for r in requests]


def apply_batch(ctx: Context, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received.")
    requests = body.get("requests")
    if requests is None:
        requests = []
    if not isinstance(requests, list):
        raise bad_request("Invalid value at 'requests': expected a list.")
    replies: list[dict[str, Any]] = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind, params = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise bad_request(
                f"Invalid requests[{i}].{kind}: this request kind is not supported by the "
                "sheetsync Sheets emulator."
            )
        if not isinstance(params, dict):
            raise bad_request(f"Invalid requests[{i}].{kind}: expected an object.")
        try:
            replies.append(handler(ctx, params))
        except ApiError as error:
            raise error.prefixed(f"Invalid requests[{i}].{kind}") from None
    return replies
