"""What happens between runs: prospects changed and deleted in Pardot, users editing the sheet.

Pardot changes go through the real API (PATCH and DELETE, a few at a time, under Pardot's
5-request concurrency limit); sheet edits go through gspread on the emulator, as a user's
browser would send them. All of it happens outside the measured runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import gspread
from gspread.utils import absolute_range_name, rowcol_to_a1

from sheetsync.bench.mapping import CHANGEABLE, SORT_HEADER
from sheetsync.bench.sheetgrid import Grid, header_index, read_grid
from sheetsync.diff import normalise_key
from sheetsync.pardot import PardotClient
from sheetsync.sheets import CellValue

WRITERS = 4  # Pardot allows 5 requests in flight


@dataclass(frozen=True)
class Change:
    prospect_id: int
    field: str
    header: str
    value: str | int


def sample(rng: random.Random, ids: Iterable[int], share: float) -> list[int]:
    """``share`` of ``ids`` (at least one), chosen by ``rng``."""
    pool = sorted(ids)
    return rng.sample(pool, min(len(pool), max(1, round(len(pool) * share))))


def changes_for(ids: Sequence[int], stage: int) -> list[Change]:
    """One mapped field per prospect, in turn, set to a value the generator never makes and
    no other stage uses."""
    fields = list(CHANGEABLE)
    out = []
    for n, prospect_id in enumerate(ids):
        name = fields[n % len(fields)]
        value: str | int = (
            stage * 1_000_000 + n if name == "score" else f"{CHANGEABLE[name]} s{stage} #{n}"
        )
        out.append(Change(prospect_id, name, CHANGEABLE[name], value))
    return out


def live_ids(pardot: PardotClient) -> set[int]:
    """Ids of the prospects not in the recycle bin."""
    return {int(record["id"]) for record in pardot.query("prospects", ["id"])}


def apply_changes(pardot: PardotClient, changes: Sequence[Change]) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        for done in pool.map(
            lambda c: pardot.update("prospects", c.prospect_id, {c.field: c.value}), changes
        ):
            del done


def delete_prospects(pardot: PardotClient, ids: Sequence[int]) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        for done in pool.map(lambda i: pardot.delete("prospects", i), ids):
            del done


@dataclass(frozen=True)
class Overwrite:
    key: str
    header: str
    original: CellValue


@dataclass(frozen=True)
class UserDrift:
    overwrites: list[Overwrite]
    deleted_rows: int
    sorted_by: str


def choose_user_edits(
    grid: Grid, key_header: str, rng: random.Random, *, cells: int, rows: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """(0-based row, column) of the managed cells users overwrite, and the rows they delete
    (never the same rows; the key column is left alone: a changed key is another record).

    A small sheet loses at most 5% of its rows, so the drift stays a drift (50 rows from
    1,000 rows up)."""
    key_col = header_index(grid, key_header)
    data_rows = [r for r in range(1, len(grid)) if normalise_key(grid[r][key_col]) is not None]
    deleted = rng.sample(data_rows, min(rows, len(data_rows) // 20))
    kept = sorted(set(data_rows) - set(deleted))
    columns = [c for c in range(len(grid[0])) if c != key_col]
    wanted = min(cells, len(kept) * len(columns))
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < wanted:
        chosen.add((rng.choice(kept), rng.choice(columns)))
    return sorted(chosen), sorted(deleted)


def apply_user_drift(
    client: gspread.Client,
    spreadsheet_id: str,
    worksheet: str,
    key_header: str,
    rng: random.Random,
    *,
    cells: int = 100,
    rows: int = 50,
) -> UserDrift:
    """Users overwrite managed cells, delete managed rows, then sort the sheet by a column
    (the data rows rewritten in that order)."""
    http = client.http_client
    grid = read_grid(client, spreadsheet_id, worksheet)
    key_col = header_index(grid, key_header)
    edits, deleted = choose_user_edits(grid, key_header, rng, cells=cells, rows=rows)
    overwrites = [
        Overwrite(str(normalise_key(grid[r][key_col])), str(grid[0][c]), grid[r][c])
        for r, c in edits
    ]
    data = [
        {
            "range": absolute_range_name(worksheet, rowcol_to_a1(r + 1, c + 1)),
            "values": [[f"edited by a user ({n})"]],
        }
        for n, (r, c) in enumerate(edits)
    ]
    http.values_batch_update(spreadsheet_id, {"valueInputOption": "RAW", "data": data})
    sheet_id = client.open_by_key(spreadsheet_id).worksheet(worksheet).id
    removals = [
        {
            "deleteDimension": {
                "range": {
                    "sheetId": sheet_id,
                    "dimension": "ROWS",
                    "startIndex": r,
                    "endIndex": r + 1,
                }
            }
        }
        for r in sorted(deleted, reverse=True)
    ]
    if removals:
        http.batch_update(spreadsheet_id, {"requests": removals})
    _sort_rows(http, client, spreadsheet_id, worksheet, SORT_HEADER)
    return UserDrift(overwrites, len(deleted), SORT_HEADER)


def sorted_rows(grid: Grid, header: str) -> Grid:
    """The data rows ordered by one column's text (empty cells last)."""
    col = header_index(grid, header)
    return sorted(grid[1:], key=lambda row: (row[col] is None, str(row[col]).casefold()))


def _sort_rows(
    http: gspread.HTTPClient, client: gspread.Client, spreadsheet_id: str, worksheet: str, by: str
) -> None:
    grid = read_grid(client, spreadsheet_id, worksheet)
    # "" clears a cell; a null would leave the old value there.
    values = [["" if v is None else v for v in row] for row in sorted_rows(grid, by)]
    http.values_update(
        spreadsheet_id,
        absolute_range_name(worksheet, "A2"),
        params={"valueInputOption": "RAW"},
        body={"values": values},
    )
