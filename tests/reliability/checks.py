"""The soak's checks, from the Pardot store and the Sheets emulator's snapshot alone (the values a
managed cell must show come from :mod:`tests.engine.oracle`, which knows no engine code)."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from tests.engine.oracle import expected_value, field_value, same_value

from .harness import COLUMNS, TZ, SoakWorld
from .sheetview import SheetView

_DATES = ("date", "datetime")


def stored_watermark(world: SoakWorld) -> datetime | None:
    for entry in world.snapshot()["developerMetadata"]:
        if entry["metadataKey"] == f"sheetsync.state.{world.mapping.name}":
            value = json.loads(entry["metadataValue"])["state"].get("watermark")
            return None if value is None else datetime.fromisoformat(value)
    return None


def row_problems(
    world: SoakWorld, view: SheetView, prospect_id: int, skip: Collection[str] = ()
) -> list[str]:
    """How the prospect's row differs from what the mapping says (empty: right), leaving out
    the managed columns named in ``skip``."""
    store = world.pardot_emu.store
    record = store.prospect(prospect_id)
    assert record is not None
    row = view.prospect_rows[prospect_id][0]
    problems: list[str] = []
    for col in COLUMNS:
        if col.header in skip:
            continue
        c = view.col(col.header)
        if c is None:
            problems.append(f"column {col.header!r} missing")
            continue
        want = expected_value(field_value(store, record, col.field), col, TZ)
        have: Any = view.cell(row, c).get("value")
        tolerance = 1e-9 if col.kind in _DATES else 0.0
        if not same_value(want, have, tolerance=tolerance):
            problems.append(f"prospect {prospect_id} {col.header}: {have!r}, expected {want!r}")
    return problems


def duplicated(view: SheetView) -> list[str]:
    return [
        f"prospect {pid} on rows {[r + 1 for r in rows]}"
        for pid, rows in view.prospect_rows.items()
        if len(rows) > 1
    ]


def full_check(
    world: SoakWorld, view: SheetView, expected: set[int], skip: set[int]
) -> tuple[list[str], list[str]]:
    """After a full run: (rows missing, cells wrong or rows that must not be there).
    ``skip``: prospects changed in Pardot during the run (the run may have read them before)."""
    missing = [f"prospect {p}" for p in sorted(expected - skip) if p not in view.prospect_rows]
    wrong: list[str] = []
    for prospect_id in sorted(view.prospect_rows):
        if prospect_id in skip:
            continue
        if prospect_id not in expected:
            wrong.append(f"prospect {prospect_id} has a row but is not live on the list")
            continue
        wrong.extend(row_problems(world, view, prospect_id))
    return missing, wrong
