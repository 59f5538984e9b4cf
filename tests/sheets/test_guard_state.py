"""The version guard's requests and outcome classification; the stored state (pure)."""

from __future__ import annotations

import subprocess
import sys

from sheetsync.sheets.guard import (
    VERSION_KEY,
    Outcome,
    chunk_version,
    classify,
    guard_requests,
    version_metadata_id,
)
from sheetsync.sheets.state import (
    decode_state,
    encode_state,
    state_key,
    state_metadata_id,
    state_request,
)


def test_metadata_id_is_a_stable_positive_int32() -> None:
    first = version_metadata_id("1AbCdEf", 0)
    assert 0 < first < 2**31
    assert version_metadata_id("1AbCdEf", 0) == first
    assert version_metadata_id("1AbCdEf", 1) != first
    assert version_metadata_id("other", 0) != first
    assert state_metadata_id("1AbCdEf", 0, "hot") != first
    # Not Python's salted hash(): another interpreter derives the same id.
    code = "from sheetsync.sheets.guard import version_metadata_id as v; print(v('1AbCdEf', 0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == first


def test_guard_moves_the_version_and_creates_on_first_write() -> None:
    first = guard_requests(42, 7, None, "b1")
    assert first == [
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": 42,
                    "metadataKey": VERSION_KEY,
                    "metadataValue": "b1",
                    "location": {"sheetId": 7},
                    "visibility": "DOCUMENT",
                }
            }
        }
    ]
    later = guard_requests(42, 7, "b1", "b2")
    assert later[0] == {
        "deleteDeveloperMetadata": {
            "dataFilter": {"developerMetadataLookup": {"metadataId": 42, "metadataValue": "b1"}}
        }
    }
    assert later[1]["createDeveloperMetadata"]["developerMetadata"]["metadataValue"] == "b2"


def test_classify_after_a_failure() -> None:
    assert classify("b2", "b1", "b2") is Outcome.APPLIED
    assert classify("b1", "b1", "b2") is Outcome.NOT_APPLIED
    assert classify(None, None, "b1") is Outcome.NOT_APPLIED
    assert classify("x9", "b1", "b2") is Outcome.CONFLICT
    assert classify(None, "b1", "b2") is Outcome.CONFLICT  # someone removed the entry
    assert classify("x9", None, "b1") is Outcome.CONFLICT


def test_chunk_versions_end_with_the_batch_id() -> None:
    assert chunk_version("run-7", 0, last=True) == "run-7"
    assert [chunk_version("run-7", i, last=i == 2) for i in range(3)] == [
        "run-7#1",
        "run-7#2",
        "run-7",
    ]


def test_state_round_trip_and_bad_entries() -> None:
    state = {"watermark": "2024-01-05T09:15:00Z", "hash": "ab12", "rows": 3}
    assert decode_state(encode_state(state)) == (state, None)
    assert decode_state(None) == (None, None)
    for bad in ("{not json", '{"v":2,"state":{}}', '["x"]', '{"v":1,"state":3}'):
        value, warning = decode_state(bad)
        assert value is None and warning is not None
    assert state_key("hot-prospects") == "sheetsync.state.hot-prospects"


def test_state_update_or_create() -> None:
    update = state_request("{}", mapping="m", spreadsheet_id="s", sheet_id=3, existing_id=99)
    assert update["updateDeveloperMetadata"]["fields"] == "metadataValue"
    assert update["updateDeveloperMetadata"]["dataFilters"] == [
        {"developerMetadataLookup": {"metadataId": 99}}
    ]
    create = state_request("{}", mapping="m", spreadsheet_id="s", sheet_id=3, existing_id=None)
    entry = create["createDeveloperMetadata"]["developerMetadata"]
    assert entry["metadataKey"] == "sheetsync.state.m"
    assert entry["location"] == {"sheetId": 3} and entry["visibility"] == "DOCUMENT"
    assert entry["metadataId"] == state_metadata_id("s", 3, "m")
