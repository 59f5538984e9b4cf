"""The mapping hash: stable under comments, key order and equivalent spellings; changed by any
edit that changes what the sheet shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sheetsync.mapping import Mapping
from tests.mapping.conftest import SHEET_ID

Load = Callable[..., Mapping]

BASE = f"""\
spreadsheet: {SHEET_ID}
worksheet: Hot prospects
source:
  object: prospects
  lists: [Hot Prospects]
  where:
    - score >= 50
columns:
  - field: id
    header: Prospect ID
  - field: grade
    header: Temperature
    values: {{A+: Hot, B: Warm}}
"""

SAME = f"""\
# The same mapping, written differently.
columns:   # columns first this time
  - header: Prospect ID
    field: id
  - values:
      B: Warm
      "A+": Hot
    header: Temperature
    field: grade
    type:                    # an empty type is the default type
source:
  where: [{{field: score, op: ">=", value: 50}}]
  lists: Hot Prospects       # a single list without brackets
  object: prospects
  include_deleted: false     # the default, written out
worksheet: Hot prospects
spreadsheet: https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0
header_row: 1
key: id
on_delete: remove
time_zone: UTC
schedule: "0 6 * * *"        # when it runs changes no cell
max_remove_percent: 10
full_sync_every_hours: 6
"""


def test_hash_is_a_sha256_hex(load: Load) -> None:
    digest = load(BASE).hash
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_comments_key_order_defaults_and_spellings_do_not_change_the_hash(load: Load) -> None:
    assert load(SAME, "other").hash == load(BASE).hash


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("header: Temperature", "header: Temp"),
        ("score >= 50", "score >= 51"),
        ("score >= 50", "score > 50"),
        ("[Hot Prospects]", "[Hot Prospects, Newsletter]"),
        ("B: Warm}", "B: Cool}"),
        ("worksheet: Hot prospects", "worksheet: Hot"),
        ("  - field: grade", "  - field: grade\n    type: text"),
        ("  - field: grade", "  - field: grade\n    default: Cold"),
        ("columns:", "key: id\non_delete: mark\ncolumns:"),
        ("columns:", "time_zone: Europe/Paris\ncolumns:"),
        ("columns:", "header_row: 2\ncolumns:"),
        ("object: prospects", "object: prospects\n  include_deleted: true"),
    ],
)
def test_real_edits_change_the_hash(load: Load, old: str, new: str) -> None:
    assert old in BASE
    assert load(BASE.replace(old, new, 1), "edited").hash != load(BASE).hash


def test_changing_the_key_changes_the_hash(load: Load) -> None:
    keyed = BASE.replace("columns:", "key: email\ncolumns:") + "  - field: email\n"
    with_email = BASE + "  - field: email\n"
    assert load(keyed, "a").hash != load(with_email, "b").hash


def test_column_order_is_part_of_the_hash(load: Load) -> None:
    swapped = BASE.replace(
        "  - field: id\n    header: Prospect ID\n  - field: grade\n    header: Temperature\n"
        "    values: {A+: Hot, B: Warm}\n",
        "  - field: grade\n    header: Temperature\n    values: {A+: Hot, B: Warm}\n"
        "  - field: id\n    header: Prospect ID\n",
    )
    assert swapped != BASE
    assert load(swapped, "swapped").hash != load(BASE).hash


def test_a_copy_with_changes_has_its_own_hash(load: Load) -> None:
    mapping = load(BASE)
    before = mapping.hash
    assert mapping.model_copy(update={"worksheet": "Other"}).hash != before
    assert mapping.model_copy().hash == before
