"""A 100,000-row x 20-column sheet written and read through gspread (time printed, not asserted)."""

from __future__ import annotations

import time

import pytest

from sheetsync.emulator.sheets import SheetsEmulator

ROWS, COLS = 100_000, 20


@pytest.mark.slow
def test_hundred_thousand_rows_round_trip() -> None:
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("Big", sheets=["Data"])
        sh = emu.gspread_client().open_by_key(sid)
        ws = sh.sheet1
        ws.resize(rows=ROWS, cols=COLS)
        rows = [[f"r{r}c{c}" if c % 4 else r * COLS + c for c in range(COLS)] for r in range(ROWS)]
        started = time.perf_counter()
        result = ws.update(rows, "A1")
        wrote = time.perf_counter() - started
        started = time.perf_counter()
        got = sh.values_get(
            "Data",
            params={
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER",
            },
        )
        read = time.perf_counter() - started
        print(f"\n100k x 20: values.update {wrote:.2f}s, values.get {read:.2f}s")
        assert result["updatedCells"] == ROWS * COLS
        assert got["range"] == "Data!A1:T100000"
        assert len(got["values"]) == ROWS
        assert (
            got["values"][-1][0] == (ROWS - 1) * COLS and got["values"][-1][1] == f"r{ROWS - 1}c1"
        )
