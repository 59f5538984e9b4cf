"""Large full reads go through the Export API and give the same sheet as the query path."""

from __future__ import annotations

from .conftest import SHEET_ID, World
from .support import Meter

# No datetime column: export files carry local times without an offset, so a time in the hour
# repeated when daylight saving ends is ambiguous there (see tests/pardot/test_export.py).
MAPPING = f"""
spreadsheet: {SHEET_ID}
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
  - field: company
    header: Company
  - field: score
    header: Score
  - field: optedOut
    header: Opted out
  - field: campaign.name
    header: Campaign
  - field: hobby__c
    header: Hobby
"""


def test_a_full_read_over_the_threshold_uses_the_export_api(world: World) -> None:
    mapping = world.mapping(MAPPING)
    first = world.run(mapping)  # no count known yet: the query path
    assert first.status == "ok" and first.read_path.startswith("query")
    world.engine.settings = world.settings.model_copy(update={"export_above": 100})
    meter = Meter(world)
    full = world.run(mapping, full=True)
    assert full.status == "ok", full.message
    read_before = len(world.pardot_emu.store.ids("prospects", deleted="all"))  # the first read
    assert full.read_path.startswith(
        f"export (about {read_before} records, over SHEETSYNC_EXPORT_ABOVE=100"
    )
    assert full.cells_written == 0  # the same records, in the same shape, as the query gave
    spent = meter.spent().pardot
    assert spent.get("exports.create", 0) >= 1 and spent.get("prospects.query", 0) == 1
    # Under the threshold again, the query path.
    world.engine.settings = world.settings.model_copy(update={"export_above": 0})
    assert world.run(mapping, full=True).read_path.startswith("query")
