"""The version guard against the emulator: real threads, lost answers, half-valid batches."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sheetsync.emulator.httpbase import Fault
from sheetsync.sheets import (
    CellRun,
    Conflict,
    RequestRejected,
    SheetsGateway,
    SheetSnapshot,
    SheetWrite,
    client_for_url,
)

from .conftest import MAPPING, WORKSHEET, make_gateway


def seed(gateway: SheetsGateway, book_id: str, rows: int = 10) -> SheetSnapshot:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    runs = [CellRun(0, 0, ("id", "value"))] + [CellRun(r, 0, (r, f"v{r}")) for r in range(1, rows)]
    gateway.apply(snap, SheetWrite(runs=runs), "seed")
    # A sheet exactly the size of its data, so growth and deletions are visible in row counts.
    client = client_for_url(gateway_url(gateway))
    client.http_client.batch_update(
        book_id,
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": snap.sheet_id,
                            "gridProperties": {"rowCount": rows},
                        },
                        "fields": "gridProperties.rowCount",
                    }
                }
            ]
        },
    )
    return gateway.read(book, WORKSHEET, MAPPING)


def gateway_url(gateway: SheetsGateway) -> str:
    url = gateway._http.base_url
    assert url is not None
    return url


def structured_write(snap: SheetSnapshot) -> SheetWrite:
    """Cells, grid growth, row deletions and state together (rows 2-3 and 6 deleted)."""
    return SheetWrite(
        runs=[CellRun(1, 1, ("changed",)), CellRun(snap.row_count, 0, (100, "appended"))],
        delete_rows=[2, 3, 6],
        min_rows=snap.row_count + 5,
        state={"watermark": "w2"},
    )


EXPECTED_AFTER_STRUCTURED = [
    ["id", "value"],
    [1, "changed"],
    [4, "v4"],
    [5, "v5"],
    [7, "v7"],
    [8, "v8"],
    [9, "v9"],
    [100, "appended"],
]


def read(gateway: SheetsGateway, book_id: str) -> SheetSnapshot:
    return gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)


def race(gateways: list[SheetsGateway], snaps: list[SheetSnapshot], tag: str) -> dict[int, object]:
    """Both gateways apply at the same moment, on real threads; what each one got."""
    barrier = threading.Barrier(len(gateways))
    outcomes: dict[int, object] = {}

    def run(i: int) -> None:
        write = SheetWrite(
            runs=[CellRun(r, 1, (f"writer{i}-{tag}",)) for r in range(1, 9)],
            delete_rows=[9] if i == 0 else [],
            min_rows=snaps[i].row_count + 3 if i == 1 else 0,
            state={"writer": i},
        )
        barrier.wait()
        try:
            outcomes[i] = gateways[i].apply(snaps[i], write, f"w{i}-{tag}")
        except BaseException as exc:  # reported by the caller's assertions
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(gateways))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_gateways_at_once_exactly_one_applies(emulator: Any, sleeps: list[float]) -> None:
    first = make_gateway(emulator, sleeps)
    for round_no in range(5):
        book_id = emulator.create_spreadsheet(f"Round {round_no}", sheets=["Sheet1"])
        seed(first, book_id)
        gateways = [make_gateway(emulator, sleeps) for _ in range(2)]
        snaps = [read(g, book_id) for g in gateways]
        assert snaps[0].version == snaps[1].version
        tag = f"round{round_no}"
        outcomes = race(gateways, snaps, tag)
        winners = [i for i, o in outcomes.items() if not isinstance(o, BaseException)]
        losers = [i for i, o in outcomes.items() if isinstance(o, Conflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        (winner,) = winners
        after = read(first, book_id)
        assert after.version == f"w{winner}-{tag}"
        assert after.state == {"writer": winner}
        written = {row[1] for row in after.rows[1:9]}
        assert written == {f"writer{winner}-{tag}"}  # nothing of the loser
        assert after.row_count == snaps[winner].row_count + (3 if winner == 1 else -1)
        assert len(after.rows) == (10 if winner == 1 else 9)  # row 9 deleted by writer 0


@pytest.mark.parametrize("fault", ["apply_then_error", "apply_then_drop"])
def test_lost_answer_is_recognised_not_reapplied(
    gateway: SheetsGateway, book_id: str, emulator: Any, fault: str
) -> None:
    snap = seed(gateway, book_id)
    emulator.server.reset_stats()
    emulator.server.add_faults(Fault(kind=fault, target="spreadsheets.batchUpdate", code=503))  # type: ignore[arg-type]
    result = gateway.apply(snap, structured_write(snap), "b2")
    assert result.recovered == 1 and result.retries == 0
    requests = emulator.stats()["requests"]
    assert requests == {"spreadsheets.batchUpdate": 1, "developerMetadata.search": 1}
    after = read(gateway, book_id)
    assert after.rows == EXPECTED_AFTER_STRUCTURED  # deletions and growth applied once
    assert after.row_count == snap.row_count + 5 - 3
    assert after.version == "b2" and after.state == {"watermark": "w2"}


@pytest.mark.parametrize(
    ("fault", "code"), [("error", 503), ("error", 500), ("drop", None), ("error", 429)]
)
def test_failure_before_apply_is_resent_once(
    gateway: SheetsGateway,
    book_id: str,
    emulator: Any,
    sleeps: list[float],
    fault: str,
    code: int | None,
) -> None:
    snap = seed(gateway, book_id)
    emulator.server.reset_stats()
    emulator.server.add_faults(Fault(kind=fault, target="spreadsheets.batchUpdate", code=code))  # type: ignore[arg-type]
    result = gateway.apply(snap, structured_write(snap), "b2")
    assert result.retries == 1 and result.recovered == 0
    assert emulator.stats()["requests"] == {
        "spreadsheets.batchUpdate": 2,
        "developerMetadata.search": 1,
    }
    assert len(sleeps) == 1
    after = read(gateway, book_id)
    assert after.rows == EXPECTED_AFTER_STRUCTURED
    assert after.row_count == snap.row_count + 2


def test_timeout_then_retry_applies_once(emulator: Any, book_id: str, sleeps: list[float]) -> None:
    gateway = SheetsGateway(client_for_url(emulator.url, timeout=0.3), sleep=sleeps.append)
    snap = seed(gateway, book_id)
    # The first attempt is applied after the client gave up waiting; whichever of the two
    # attempts lands first, the guard lets exactly one through.
    emulator.server.add_faults(
        Fault(kind="latency", target="spreadsheets.batchUpdate", seconds=0.6)
    )
    result = gateway.apply(snap, structured_write(snap), "b2")
    assert result.version == "b2"
    after = read(gateway, book_id)
    assert after.rows == EXPECTED_AFTER_STRUCTURED
    assert after.row_count == snap.row_count + 2


def test_stale_plan_refused_as_conflict(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    snap = seed(gateway, book_id)
    other = read(gateway, book_id)
    gateway.apply(other, SheetWrite(runs=[CellRun(1, 1, ("other",))]), "other-run")
    before = emulator.snapshot(book_id)
    with pytest.raises(Conflict, match="another run") as info:
        gateway.apply(snap, structured_write(snap), "late-run")
    assert info.value.chunks_applied == 0
    assert emulator.snapshot(book_id) == before


def test_batch_failing_half_way_changes_nothing(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    snap = seed(gateway, book_id)
    # A user deletes the last three rows after the read: the plan's first cells are still
    # valid, but a later deletion now points past the grid, so Google refuses the batch.
    client = emulator.gspread_client()
    client.http_client.batch_update(
        book_id,
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": snap.sheet_id,
                            "dimension": "ROWS",
                            "startIndex": 7,
                            "endIndex": 10,
                        }
                    }
                }
            ]
        },
    )
    before = emulator.snapshot(book_id)
    write = SheetWrite(runs=[CellRun(1, 1, ("changed",))], delete_rows=[9], state={"w": 1})
    emulator.server.reset_stats()
    with pytest.raises(RequestRejected, match=r"refused by Google \(400\)"):
        gateway.apply(snap, write, "b2")
    assert emulator.snapshot(book_id) == before  # not even the guard moved
    assert emulator.stats()["requests"] == {
        "spreadsheets.batchUpdate": 1,  # a validation error is not retried
        "developerMetadata.search": 1,
    }
    assert read(gateway, book_id).version == "seed"


def test_two_runs_creating_the_worksheet_at_once(
    emulator: Any, book_id: str, sleeps: list[float]
) -> None:
    gateways = [make_gateway(emulator, sleeps) for _ in range(2)]
    barrier = threading.Barrier(2)
    snaps: dict[int, object] = {}
    # Holding the first addSheet back makes both runs usually find no worksheet and both try
    # to add it; the outcome asserted below is the same whichever way the race goes.
    emulator.server.add_faults(
        Fault(kind="latency", target="spreadsheets.batchUpdate", seconds=0.3)
    )

    def run(i: int) -> None:
        barrier.wait()
        try:
            snaps[i] = gateways[i].read(gateways[i].open(book_id), WORKSHEET, MAPPING)
        except BaseException as exc:  # reported by the assertions below
            snaps[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(isinstance(s, SheetSnapshot) for s in snaps.values()), snaps
    got = [s for s in snaps.values() if isinstance(s, SheetSnapshot)]
    assert got[0].sheet_id == got[1].sheet_id
    titles = [s["properties"]["title"] for s in emulator.snapshot(book_id)["sheets"]]
    assert titles == ["Sheet1", WORKSHEET]


def test_refusal_is_classified_by_the_re_read_not_by_the_error(
    gateway: SheetsGateway, book_id: str, emulator: Any, sleeps: list[float]
) -> None:
    """Whether Google answers a guard miss from the delete or from the create (both 400s),
    the re-read decides: version moved -> Conflict; unchanged -> the refusal itself."""
    snap = seed(gateway, book_id)
    other = read(gateway, book_id)
    gateway.apply(other, SheetWrite(runs=[CellRun(1, 1, ("other",))]), "other-run")
    emulator.server.add_faults(Fault(kind="error", target="spreadsheets.batchUpdate", code=400))
    with pytest.raises(Conflict):
        gateway.apply(snap, SheetWrite(runs=[CellRun(2, 1, ("late",))]), "late-run")
    fresh = read(gateway, book_id)
    emulator.server.add_faults(Fault(kind="error", target="spreadsheets.batchUpdate", code=400))
    with pytest.raises(RequestRejected):
        gateway.apply(fresh, SheetWrite(runs=[CellRun(2, 1, ("x",))]), "next-run")
    assert sleeps == []  # neither is retried
    assert read(gateway, book_id).rows[2][1] == "v2"
