"""Developer metadata: create/update/delete subrequests, search, get, uniqueness, movement."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheetsync.emulator.sheets import SheetsEmulator

from .conftest import api, error_of


def create(md_id: int | None, key: str, value: str, location: dict[str, Any]) -> dict[str, Any]:
    md: dict[str, Any] = {
        "metadataKey": key,
        "metadataValue": value,
        "location": location,
        "visibility": "DOCUMENT",
    }
    if md_id is not None:
        md["metadataId"] = md_id
    return {"createDeveloperMetadata": {"developerMetadata": md}}


def by_id(md_id: int, value: str | None = None) -> dict[str, Any]:
    lookup: dict[str, Any] = {"metadataId": md_id}
    if value is not None:
        lookup["metadataValue"] = value
    return {"developerMetadataLookup": lookup}


def search(gc: gspread.Client, sid: str, *filters: dict[str, Any]) -> dict[str, Any]:
    return api(gc, "post", f"{sid}/developerMetadata:search", json={"dataFilters": list(filters)})  # type: ignore[no-any-return]


def test_create_reply_get_and_spreadsheet_get(gc: gspread.Client, sh: gspread.Spreadsheet) -> None:
    reply = sh.batch_update(
        {
            "requests": [
                create(101, "sheetsync.state", '{"v":1}', {"spreadsheet": True}),
                create(None, "sheetsync.version", "b1", {"sheetId": 0}),
            ]
        }
    )
    first = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert first == {
        "metadataId": 101,
        "metadataKey": "sheetsync.state",
        "metadataValue": '{"v":1}',
        "location": {"locationType": "SPREADSHEET", "spreadsheet": True},
        "visibility": "DOCUMENT",
    }
    second = reply["replies"][1]["createDeveloperMetadata"]["developerMetadata"]
    assert second["metadataId"] > 0 and second["location"] == {
        "locationType": "SHEET",
        "sheetId": 0,
    }
    assert api(gc, "get", f"{sh.id}/developerMetadata/101") == first
    meta = sh.fetch_sheet_metadata(
        params={"fields": "developerMetadata,sheets.properties.title,sheets.developerMetadata"}
    )
    assert meta == {
        "developerMetadata": [first],
        "sheets": [{"properties": {"title": "Sheet1"}, "developerMetadata": [second]}],
    }


def test_existing_id_fails_the_whole_batch(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    sh.batch_update({"requests": [create(7, "k", "v1", {"sheetId": 0})]})
    before = emu.snapshot(sh.id)
    write = {
        "updateCells": {
            "start": {"sheetId": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
            "fields": "userEnteredValue",
        }
    }
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.batch_update({"requests": [write, create(7, "k", "v2", {"sheetId": 0})]})
    error = error_of(excinfo)
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("Invalid requests[1].createDeveloperMetadata: ")
    assert emu.snapshot(sh.id) == before


def test_version_guard_lets_exactly_the_expected_version_through(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    sh.batch_update({"requests": [create(42, "version", "batch-1", {"sheetId": 0})]})

    def guarded(expected: str, new: str) -> dict[str, Any]:
        return {
            "requests": [
                {"deleteDeveloperMetadata": {"dataFilter": by_id(42, expected)}},
                create(42, "version", new, {"sheetId": 0}),
            ]
        }

    reply = sh.batch_update(guarded("batch-1", "batch-2"))
    deleted = reply["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert [md["metadataValue"] for md in deleted] == ["batch-1"]
    # A writer that read batch-1 is now stale: its delete matches nothing, its create collides.
    with pytest.raises(gspread.exceptions.APIError):
        sh.batch_update(guarded("batch-1", "batch-3"))
    values = [md["metadataValue"] for md in emu.snapshot(sh.id)["developerMetadata"]]
    assert values == ["batch-2"]


def test_delete_matching_nothing_succeeds_with_an_empty_reply(sh: gspread.Spreadsheet) -> None:
    reply = sh.batch_update({"requests": [{"deleteDeveloperMetadata": {"dataFilter": by_id(5)}}]})
    assert reply["replies"] == [{"deleteDeveloperMetadata": {}}]


def test_update_by_key(gc: gspread.Client, sh: gspread.Spreadsheet) -> None:
    sh.batch_update({"requests": [create(1, "state", "old", {"spreadsheet": True})]})
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [{"developerMetadataLookup": {"metadataKey": "state"}}],
                        "developerMetadata": {"metadataValue": "new", "metadataKey": "ignored"},
                        "fields": "metadataValue",
                    }
                }
            ]
        }
    )
    updated = reply["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert [(md["metadataKey"], md["metadataValue"]) for md in updated] == [("state", "new")]
    assert api(gc, "get", f"{sh.id}/developerMetadata/1")["metadataValue"] == "new"


def test_search_lookups(gc: gspread.Client, sh: gspread.Spreadsheet) -> None:
    row5 = {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}}
    col_b = {
        "dimensionRange": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}
    }
    sh.batch_update(
        {
            "requests": [
                create(1, "a", "x", {"spreadsheet": True}),
                create(2, "a", "y", {"sheetId": 0}),
                create(3, "b", "x", row5),
                create(4, "b", "z", col_b),
            ]
        }
    )

    def ids(*filters: dict[str, Any]) -> list[int]:
        found = search(gc, sh.id, *filters).get("matchedDeveloperMetadata", [])
        return [m["developerMetadata"]["metadataId"] for m in found]

    assert ids({"developerMetadataLookup": {"metadataKey": "a"}}) == [1, 2]
    assert ids({"developerMetadataLookup": {"metadataValue": "x"}}) == [1, 3]
    assert ids({"developerMetadataLookup": {"locationType": "ROW"}}) == [3]
    assert ids({"developerMetadataLookup": {"metadataLocation": {"sheetId": 0}}}) == [2, 3, 4]
    exact = {"metadataLocation": {"sheetId": 0}, "locationMatchingStrategy": "EXACT_LOCATION"}
    assert ids({"developerMetadataLookup": exact}) == [2]
    assert ids({"developerMetadataLookup": {"metadataLocation": row5}}) == [2, 3, 4]
    assert ids({"a1Range": "Sheet1!A5:A5"}) == [2, 3]
    assert ids({"developerMetadataLookup": {"metadataKey": "nope"}}) == []
    both = search(gc, sh.id, {"developerMetadataLookup": {"metadataKey": "a"}}, by_id(1))
    first = both["matchedDeveloperMetadata"][0]
    assert first["dataFilters"] == [{"developerMetadataLookup": {"metadataKey": "a"}}, by_id(1)]


def test_row_metadata_moves_with_rows_and_dies_with_them(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    row = {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}
    sh.batch_update({"requests": [create(9, "row", "r", row)]})
    sh.sheet1.insert_rows([["new"]], row=1)
    (md,) = emu.snapshot(sh.id)["developerMetadata"]
    assert md["location"]["dimensionRange"] == {"dimension": "ROWS", "startIndex": 3, "endIndex": 4}
    meta = sh.fetch_sheet_metadata(
        params={"ranges": "Sheet1!A1:A5", "fields": "sheets.data.rowMetadata"}
    )
    row_meta = meta["sheets"][0]["data"][0]["rowMetadata"]
    assert [bool(r.get("developerMetadata")) for r in row_meta] == [
        False,
        False,
        False,
        True,
        False,
    ]
    sh.sheet1.delete_rows(4)
    assert emu.snapshot(sh.id)["developerMetadata"] == []


def test_validation_and_storage_limit(sh: gspread.Spreadsheet) -> None:
    bad = [
        {
            "createDeveloperMetadata": {
                "developerMetadata": {"metadataKey": "k", "location": {"spreadsheet": True}}
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT"}
            }
        },
        create(-3, "k", "v", {"spreadsheet": True}),
        create(
            None,
            "k",
            "v",
            {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}},
        ),
        create(None, "k", "v" * 30_000, {"spreadsheet": True}),
    ]
    for request in bad:
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.batch_update({"requests": [request]})
        assert error_of(excinfo)["message"].startswith(
            "Invalid requests[0].createDeveloperMetadata: "
        )


def test_get_unknown_metadata_is_404(gc: gspread.Client, sh: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        api(gc, "get", f"{sh.id}/developerMetadata/12345")
    assert error_of(excinfo) == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }
