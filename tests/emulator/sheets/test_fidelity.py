"""The emulator against real recorded Google traffic (../shared/fixtures/sheets-recorded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sheetsync.emulator.sheets.fidelity import (
    DEFAULT_DIR,
    FidelityReport,
    format_report,
    run_fidelity,
)

pytestmark = pytest.mark.skipif(
    not DEFAULT_DIR.is_dir(), reason=f"recorded Google traffic not found at {DEFAULT_DIR}"
)

# Every recorded interaction of these kinds must match (issue 3, "Done when").
REQUIRED_KINDS = (
    "values.get",
    "values.batchGet",
    "values.update",
    "values.batchUpdate",
    "values.append",
    "values.clear",
    "values.batchClear",
    "spreadsheets.get",
    "spreadsheets.batchUpdate[addSheet]",
    "spreadsheets.batchUpdate[deleteSheet]",
    "spreadsheets.batchUpdate[updateSheetProperties]",
    "spreadsheets.batchUpdate[insertDimension]",
    "spreadsheets.batchUpdate[deleteDimension]",
    "error 400",
    "error 403",
    "error 404",
)


@pytest.fixture(scope="module")
def report() -> FidelityReport:
    result = run_fidelity()
    print(format_report(result))
    return result


@pytest.mark.parametrize("kind", REQUIRED_KINDS)
def test_required_kind_matches(report: FidelityReport, kind: str) -> None:
    assert report.kinds[kind] > 0, f"no recorded interaction of kind {kind}"
    assert report.mismatched_kinds[kind] == 0, format_report(report)


def test_every_recorded_interaction_matches(report: FidelityReport) -> None:
    assert report.compared > 400
    assert report.matched == report.compared, format_report(report)
    assert not report.skipped


def test_harness_reports_a_changed_recording(tmp_path: Path) -> None:
    name = "WorksheetTest.test_update_and_get.json"
    cassette = json.loads((DEFAULT_DIR / name).read_text(encoding="utf-8"))
    for interaction in cassette["interactions"]:
        body = interaction["response"]["body"]["string"]
        if '"majorDimension"' in body and '"B1"' in body:
            interaction["response"]["body"]["string"] = body.replace('"B1"', '"B one"', 1)
            break
    (tmp_path / name).write_text(json.dumps(cassette), encoding="utf-8")
    result = run_fidelity(tmp_path)
    assert result.compared - result.matched == 1
    (diff,) = result.files[0].differences
    assert diff.kind == "values.get"
    assert diff.details == ['$.values[0][1]: recorded "B one", emulator "B1"']
