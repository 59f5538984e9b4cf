"""Developer metadata: create / update / delete subrequests, search, get, and DataFilters.

``metadataId`` is spreadsheet-scoped and unique (as documented): creating an id that exists
fails the subrequest, and so the whole batch. A lookup's fields are ANDed; a location matches
exactly or by intersection (the default). Size limit: 30,000 characters of keys and values per
spreadsheet-level and per sheet-level store (a commonly quoted figure, UNCONFIRMED; configurable).
Empty result lists are left out of replies, as proto3 JSON does (UNCONFIRMED for these replies).
"""

from __future__ import annotations

import copy
from typing import Any

from . import masks
from .a1 import parse_range
from .context import Context, as_int
from .errors import bad_request
from .model import Sheet, Spreadsheet

VISIBILITIES = ("DOCUMENT", "PROJECT")
LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")
METADATA_FIELDS = frozenset(
    {"metadataId", "metadataKey", "metadataValue", "location", "visibility"}
)
STORAGE_MESSAGE = "Adding the requested developer metadata would exceed the allowed storage limit."


# -- JSON shapes ---------------------------------------------------------------------------------


def location_json(location: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"locationType": location["locationType"]}
    if location["locationType"] == "SPREADSHEET":
        out["spreadsheet"] = True
    elif location["locationType"] == "SHEET":
        out["sheetId"] = location["sheetId"]
    else:
        dim = location["dimensionRange"]
        out["dimensionRange"] = {k: v for k, v in dim.items() if v not in (0, None)}
    return out


def metadata_json(md: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"metadataId": md["metadataId"], "metadataKey": md["metadataKey"]}
    if md.get("metadataValue"):
        out["metadataValue"] = md["metadataValue"]
    out["location"] = location_json(md["location"])
    out["visibility"] = md["visibility"]
    return out


def metadata_sheet(location: dict[str, Any]) -> int | None:
    if location["locationType"] == "SHEET":
        return int(location["sheetId"])
    if location["locationType"] in ("ROW", "COLUMN"):
        return int(location["dimensionRange"].get("sheetId", 0))
    return None


def for_spreadsheet(book: Spreadsheet) -> list[dict[str, Any]]:
    return [
        metadata_json(md)
        for md in book.metadata.values()
        if md["location"]["locationType"] == "SPREADSHEET"
    ]


def for_sheet(book: Spreadsheet, sheet: Sheet) -> list[dict[str, Any]]:
    return [
        metadata_json(md)
        for md in book.metadata.values()
        if md["location"]["locationType"] == "SHEET" and md["location"]["sheetId"] == sheet.sheet_id
    ]


def for_dimension(
    book: Spreadsheet, sheet: Sheet, dimension: str
) -> dict[int, list[dict[str, Any]]]:
    """Row (or column) index -> metadata on it."""
    out: dict[int, list[dict[str, Any]]] = {}
    for md in book.metadata.values():
        dim = md["location"].get("dimensionRange")
        if (
            isinstance(dim, dict)
            and dim.get("sheetId", 0) == sheet.sheet_id
            and dim.get("dimension") == dimension
        ):
            out.setdefault(int(dim["startIndex"]), []).append(metadata_json(md))
    return out


# -- validation ----------------------------------------------------------------------------------


def normalise_location(book: Spreadsheet, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise bad_request("Developer metadata must always have a location specified.")
    # Note ``sheetId: 0`` is a location; only None/absent (and spreadsheet: false) are not.
    kinds = [k for k in ("sheetId", "dimensionRange") if data.get(k) is not None]
    if data.get("spreadsheet") is True:
        kinds.insert(0, "spreadsheet")
    if len(kinds) != 1:
        raise bad_request(
            "A DeveloperMetadataLocation must set exactly one of spreadsheet, sheetId or "
            "dimensionRange."
        )
    kind = kinds[0]
    if kind == "spreadsheet":
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if kind == "sheetId":
        sheet_id = as_int(data["sheetId"], "sheetId")
        if book.sheet_by_id(sheet_id) is None:
            raise bad_request(f"No grid with id: {sheet_id}")
        return {"locationType": "SHEET", "sheetId": sheet_id}
    dim = data["dimensionRange"]
    if not isinstance(dim, dict):
        raise bad_request("Invalid dimensionRange.")
    sheet_id = as_int(dim.get("sheetId") or 0, "sheetId")
    sheet = book.sheet_by_id(sheet_id)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id}")
    dimension = dim.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request("The dimensionRange of a metadata location needs a dimension.")
    if dim.get("endIndex") is None:
        raise bad_request("A metadata location's dimensionRange cannot be unbounded.")
    start = as_int(dim.get("startIndex") or 0, "startIndex")
    end = as_int(dim["endIndex"], "endIndex")
    if end - start != 1:
        raise bad_request(
            "A metadata location's dimensionRange must represent a single row or column."
        )
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start < 0 or end > limit:
        raise bad_request(f"The dimensionRange {start}:{end} is outside the grid.")
    return {
        "locationType": "ROW" if dimension == "ROWS" else "COLUMN",
        "dimensionRange": {
            "sheetId": sheet_id,
            "dimension": dimension,
            "startIndex": start,
            "endIndex": end,
        },
    }


def _validate(book: Spreadsheet, data: dict[str, Any]) -> dict[str, Any]:
    key = data.get("metadataKey")
    if not isinstance(key, str) or not key:
        raise bad_request("Developer metadata must always have a key specified.")
    visibility = data.get("visibility")
    if visibility not in VISIBILITIES:
        raise bad_request("Developer metadata must always have visibility specified.")
    value = data.get("metadataValue")
    if value is not None and not isinstance(value, str):
        raise bad_request("metadataValue must be a string.")
    md: dict[str, Any] = {
        "metadataKey": key,
        "visibility": visibility,
        "location": normalise_location(book, data.get("location")),
    }
    if value:
        md["metadataValue"] = value
    return md


def _size(book: Spreadsheet, sheet_id: int | None) -> int:
    total = 0
    for md in book.metadata.values():
        if metadata_sheet(md["location"]) == sheet_id:
            total += len(md["metadataKey"]) + len(md.get("metadataValue") or "")
    return total


def _check_storage(ctx: Context) -> None:
    stores = {metadata_sheet(md["location"]) for md in ctx.book.metadata.values()}
    for store in stores:
        if _size(ctx.book, store) > ctx.metadata_limit:
            raise bad_request(STORAGE_MESSAGE)


# -- subrequests ---------------------------------------------------------------------------------


def create(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    data = req.get("developerMetadata")
    if not isinstance(data, dict):
        raise bad_request("developerMetadata is required.")
    md = _validate(ctx.book, data)
    if data.get("metadataId") is not None:
        md_id = as_int(data["metadataId"], "metadataId")
        if md_id <= 0:
            raise bad_request("metadataId must be positive.")
        if md_id in ctx.book.metadata:
            # UNCONFIRMED wording; the documented uniqueness is what matters.
            raise bad_request(f"Developer metadata with ID {md_id} already exists.")
    else:
        md_id = ctx.new_id(set(ctx.book.metadata))
    md = {"metadataId": md_id, **md}
    ctx.book.metadata[md_id] = md
    _check_storage(ctx)
    return {"createDeveloperMetadata": {"developerMetadata": metadata_json(md)}}


def update(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    filters = req.get("dataFilters")
    if not isinstance(filters, list) or not filters:
        raise bad_request("At least one data filter must be specified.")
    data = req.get("developerMetadata")
    fields = req.get("fields")
    if not isinstance(data, dict) or not isinstance(fields, str) or not fields.strip():
        raise bad_request("developerMetadata and fields are required.")
    try:
        tree = masks.mask(fields)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    if "*" in tree:
        tree = {key: {} for key in METADATA_FIELDS}
    for key in tree:
        if key not in METADATA_FIELDS:
            raise bad_request(f"Invalid field mask: unknown field '{key}' of DeveloperMetadata.")
    matched = [
        md_id for md_id, md in ctx.book.metadata.items() if any_filter(ctx.book, md, filters)
    ]
    updated: list[dict[str, Any]] = []
    for md_id in matched:
        current = ctx.book.metadata.pop(md_id)
        merged = masks.apply(current, data, {k: {} for k in tree})
        new_id = as_int(merged.get("metadataId") or md_id, "metadataId")
        if new_id <= 0:
            raise bad_request("metadataId must be positive.")
        if new_id in ctx.book.metadata:
            raise bad_request(f"Developer metadata with ID {new_id} already exists.")
        md = _validate(ctx.book, {**merged, "location": _location_input(merged["location"])})
        md = {"metadataId": new_id, **md}
        ctx.book.metadata[new_id] = md
        updated.append(metadata_json(md))
    _check_storage(ctx)
    reply: dict[str, Any] = {}
    if updated:
        reply["developerMetadata"] = updated
    return {"updateDeveloperMetadata": reply}


def _location_input(location: Any) -> Any:
    """A stored or requested location back into DeveloperMetadataLocation input form."""
    if not isinstance(location, dict):
        return location
    return {k: v for k, v in location.items() if k != "locationType"}


def delete(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    data_filter = req.get("dataFilter")
    if not isinstance(data_filter, dict):
        raise bad_request("dataFilter is required.")
    deleted = [
        metadata_json(ctx.book.metadata.pop(md_id))
        for md_id, md in list(ctx.book.metadata.items())
        if filter_matches(ctx.book, md, data_filter)
    ]
    reply: dict[str, Any] = {}
    if deleted:
        reply["deletedDeveloperMetadata"] = deleted
    return {"deleteDeveloperMetadata": reply}


def search(book: Spreadsheet, body: Any) -> dict[str, Any]:
    filters = body.get("dataFilters") if isinstance(body, dict) else None
    if not isinstance(filters, list) or not filters:
        raise bad_request("At least one data filter must be specified.")
    matched: list[dict[str, Any]] = []
    for md in book.metadata.values():
        hits = [f for f in filters if filter_matches(book, md, f)]
        if hits:
            matched.append(
                {"developerMetadata": metadata_json(md), "dataFilters": copy.deepcopy(hits)}
            )
    return {"matchedDeveloperMetadata": matched} if matched else {}


# -- matching ------------------------------------------------------------------------------------


def any_filter(book: Spreadsheet, md: dict[str, Any], filters: list[Any]) -> bool:
    return any(filter_matches(book, md, f) for f in filters)


def filter_matches(book: Spreadsheet, md: dict[str, Any], data_filter: Any) -> bool:
    if not isinstance(data_filter, dict):
        raise bad_request("Invalid DataFilter.")
    if "developerMetadataLookup" in data_filter:
        return _lookup_matches(book, md, data_filter["developerMetadataLookup"])
    if "a1Range" in data_filter:
        return _range_matches(book, md, _a1_area(book, data_filter["a1Range"]))
    if "gridRange" in data_filter:
        return _range_matches(book, md, _grid_area(book, data_filter["gridRange"]))
    raise bad_request("A DataFilter must set developerMetadataLookup, a1Range or gridRange.")


def _lookup_matches(book: Spreadsheet, md: dict[str, Any], lookup: Any) -> bool:
    if not isinstance(lookup, dict) or not any(v is not None for v in lookup.values()):
        raise bad_request("A DeveloperMetadataLookup must specify at least one field.")
    if (
        lookup.get("metadataId") is not None
        and as_int(lookup["metadataId"], "metadataId") != md["metadataId"]
    ):
        return False
    if lookup.get("metadataKey") is not None and lookup["metadataKey"] != md["metadataKey"]:
        return False
    if lookup.get("metadataValue") is not None and lookup["metadataValue"] != md.get(
        "metadataValue", ""
    ):
        return False
    if lookup.get("visibility") not in (None, "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED") and (
        lookup["visibility"] != md["visibility"]
    ):
        return False
    location_type = lookup.get("locationType")
    if location_type not in (None, "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED") and (
        location_type != md["location"]["locationType"]
    ):
        return False
    if lookup.get("metadataLocation") is not None:
        wanted = normalise_location(book, lookup["metadataLocation"])
        strategy = lookup.get("locationMatchingStrategy") or "INTERSECTING_LOCATION"
        if strategy == "EXACT_LOCATION":
            return bool(wanted == md["location"])
        return _intersects(wanted, md["location"])
    return True


def _area(location: dict[str, Any]) -> tuple[int | None, str | None, int, int]:
    """(sheetId or None for the spreadsheet, dimension or None, start, end)."""
    kind = location["locationType"]
    if kind == "SPREADSHEET":
        return None, None, 0, 0
    if kind == "SHEET":
        return int(location["sheetId"]), None, 0, 0
    dim = location["dimensionRange"]
    return (
        int(dim.get("sheetId", 0)),
        str(dim["dimension"]),
        int(dim["startIndex"]),
        int(dim["endIndex"]),
    )


def _intersects(a: dict[str, Any], b: dict[str, Any]) -> bool:
    sheet_a, dim_a, start_a, end_a = _area(a)
    sheet_b, dim_b, start_b, end_b = _area(b)
    if sheet_a is None or sheet_b is None:
        # Spreadsheet metadata intersects nothing but itself.
        return sheet_a is None and sheet_b is None
    if sheet_a != sheet_b:
        return False
    if dim_a is None or dim_b is None or dim_a != dim_b:
        return True  # a sheet contains its rows; a row crosses every column
    return start_a < end_b and start_b < end_a


Area = tuple[int, int, int, int, int]  # sheetId, r0, r1, c0, c1


def _a1_area(book: Spreadsheet, text: Any) -> Area:
    parsed = parse_range(str(text))
    sheet = None
    if parsed is not None:
        sheet = book.sheet_by_title(parsed.sheet) if parsed.sheet else book.first_visible()
    if parsed is None or sheet is None:
        raise bad_request(f"Unable to parse range: {text}")
    b = parsed.bounds
    return (
        sheet.sheet_id,
        b.start_row or 0,
        b.end_row if b.end_row is not None else sheet.row_count,
        b.start_col or 0,
        b.end_col if b.end_col is not None else sheet.col_count,
    )


def _grid_area(book: Spreadsheet, data: Any) -> Area:
    if not isinstance(data, dict):
        raise bad_request("Invalid gridRange.")
    sheet_id = as_int(data.get("sheetId") or 0, "sheetId")
    sheet = book.sheet_by_id(sheet_id)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id}")
    return (
        sheet_id,
        as_int(data.get("startRowIndex") or 0, "startRowIndex"),
        as_int(data.get("endRowIndex", sheet.row_count), "endRowIndex"),
        as_int(data.get("startColumnIndex") or 0, "startColumnIndex"),
        as_int(data.get("endColumnIndex", sheet.col_count), "endColumnIndex"),
    )


def _range_matches(book: Spreadsheet, md: dict[str, Any], area: Area) -> bool:
    sheet_id, r0, r1, c0, c1 = area
    md_sheet, dim, start, end = _area(md["location"])
    if md_sheet is None or md_sheet != sheet_id:
        return False
    if dim is None:
        return True
    if dim == "ROWS":
        return start < r1 and r0 < end
    return start < c1 and c0 < end
