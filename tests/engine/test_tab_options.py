"""The mapping keys of the sheet features (status, changelog, fill_down): off by default, and a
mistake is a clear problem naming the file and line, like every other mapping error."""

from __future__ import annotations

import pytest

from sheetsync.mapping import MappingError, cross_mapping_problems, parse_mapping

BASE = """spreadsheet: 1SheetSyncEngineTest0000000000000000000000
worksheet: Prospects
source:
  object: prospects
on_delete: mark
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
"""


def problems(text: str, file: str = "mappings/hot.yaml") -> list[str]:
    with pytest.raises(MappingError) as excinfo:
        parse_mapping(text, file)
    return [str(p) for p in excinfo.value.problems]


def test_the_features_are_off_unless_asked_for() -> None:
    mapping = parse_mapping(BASE, "mappings/hot.yaml")
    assert mapping.status is None and mapping.changelog is None and mapping.fill_down == []


def test_the_options_are_read_and_do_not_change_the_mapping_hash() -> None:
    plain = parse_mapping(BASE, "mappings/hot.yaml")
    extra = (
        "status: {worksheet: Runs}\n"
        "changelog:\n  worksheet: History\n  keep_rows: 50\n"
        "fill_down: [Double score]\n"
    )
    mapping = parse_mapping(BASE + extra, "mappings/hot.yaml")
    assert mapping.status is not None and mapping.status.worksheet == "Runs"
    assert mapping.changelog is not None and mapping.changelog.keep_rows == 50
    assert mapping.fill_down == ["Double score"]
    assert mapping.hash == plain.hash  # no managed cell changes: no full run forced


def test_an_unknown_key_names_the_file_and_line() -> None:
    text = BASE + "status:\n  worksheet: Runs\n  colour: red\n"
    [only] = problems(text)
    assert only.startswith("mappings/hot.yaml:13: status.colour: unknown key")


def test_keep_rows_must_be_positive() -> None:
    text = BASE + "changelog:\n  worksheet: History\n  keep_rows: 0\n"
    [only] = problems(text)
    assert only.startswith("mappings/hot.yaml:13: changelog.keep_rows:")


def test_a_feature_tab_cannot_be_the_data_worksheet_or_each_other() -> None:
    text = BASE + "status: {worksheet: prospects}\nchangelog: {worksheet: Runs}\n"
    assert problems(text) == [
        "mappings/hot.yaml:11: status.worksheet: 'prospects' is the mapping's own worksheet: "
        "the status needs a tab of its own (sheetsync creates it)"
    ]
    text = BASE + "status: {worksheet: Runs}\nchangelog: {worksheet: runs}\n"
    assert problems(text) == [
        "mappings/hot.yaml:12: changelog.worksheet: 'runs' is already the status tab: give the "
        "change history its own tab"
    ]


def test_fill_down_names_users_columns_only() -> None:
    text = BASE + "fill_down: [Double score, email, Sync status, Double score]\n"
    assert problems(text) == [
        "mappings/hot.yaml:11: fill_down[1]: 'email' is a managed column (columns[1]): "
        "fill_down names your own formula columns, which sheetsync never writes",
        "mappings/hot.yaml:11: fill_down[2]: 'Sync status' is a managed column (the status "
        "column): fill_down names your own formula columns, which sheetsync never writes",
        "mappings/hot.yaml:11: fill_down[3]: 'Double score' is listed twice",
    ]


def test_across_mappings_a_history_is_not_shared_and_no_data_tab_is_a_feature_tab() -> None:
    one = parse_mapping(
        BASE + "status: {worksheet: Runs}\nchangelog: {worksheet: History}\n", "mappings/a.yaml"
    )
    two = parse_mapping(
        BASE.replace("worksheet: Prospects", "worksheet: Runs")
        + "status: {worksheet: Runs2}\nchangelog: {worksheet: History}\n",
        "mappings/b.yaml",
    )
    found = [str(p) for p in cross_mapping_problems([one, two])]
    assert found == [
        "mappings/a.yaml:11: status.worksheet: 'Runs' is the data worksheet of "
        "mappings/b.yaml: the status needs a tab of its own",
        "mappings/b.yaml:12: changelog.worksheet: mappings/a.yaml already keeps its change "
        "history in 'History': each mapping needs its own history tab",
    ]
    # A status tab shared by two mappings is fine: one line each.
    three = parse_mapping(
        BASE.replace("Prospects", "Other") + "status: {worksheet: Runs}\n", "mappings/c.yaml"
    )
    assert cross_mapping_problems([one, three]) == []
