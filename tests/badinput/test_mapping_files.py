"""Bad mapping files: every problem names the file, the line and the key, and nothing is sent
to Google (the files are checked before any sheet is opened).

Offline problems stop ``sheetsync sync`` with exit 2 before any Pardot call; field names are
checked against Pardot's catalogue (exit 1) before the sheet is opened.
"""

from __future__ import annotations

import pytest

from tests.engine.conftest import SHEET_ID, World

from .conftest import Guard, cli

BASE = f"""\
spreadsheet: {SHEET_ID}
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
  - field: score
    header: Score
"""

OFFLINE: list[tuple[str, str, list[str]]] = [
    (
        "malformed-indentation",
        BASE.replace("    header: Email", "   header: Email"),
        ["test.yaml:9: invalid YAML", "(check the indentation)"],
    ),
    (
        "tab-indentation",
        BASE.replace("  object: prospects", "\tobject: prospects"),
        ["test.yaml:4: invalid YAML", "(indent with spaces, not tabs)"],
    ),
    (
        "unclosed-quote",
        BASE.replace("header: Score", 'header: "Score'),
        ["test.yaml:12: invalid YAML", "quoted scalar"],
    ),
    (
        "unquoted-cron-star",
        BASE + "schedule: */15 * * * *\n",
        ["test.yaml:12: invalid YAML", 'quote a value that starts with *, e.g. schedule: "*/15'],
    ),
    (
        "text-for-a-number",
        BASE + "header_row: two\n",
        ["test.yaml:12: header_row: must be a whole number (got 'two')"],
    ),
    (
        "text-for-a-list",
        BASE.split("columns:")[0] + "columns: email\n",
        ["test.yaml:5: columns: must be a list (got 'email')"],
    ),
    (
        "text-for-a-boolean",
        BASE.replace("  object: prospects", "  object: prospects\n  include_deleted: maybe"),
        ["test.yaml:5: source.include_deleted: must be true or false (got 'maybe')"],
    ),
    (
        "number-out-of-range",
        BASE + "max_remove_percent: 150\n",
        ["test.yaml:12: max_remove_percent: must be at most 100 (got 150)"],
    ),
    (
        "misspelt-top-level-key",
        BASE.replace("columns:", "colums:"),
        ["test.yaml:5: colums: unknown key; did you mean 'columns'?", "columns: is required"],
    ),
    (
        "misspelt-column-key",
        BASE.replace("    header: Email", "    heder: Email"),
        ["test.yaml:9: columns[1].heder: unknown key; did you mean 'header'?"],
    ),
    (
        "unknown-key-lists-the-known-ones",
        BASE + "favourite: red\n",
        ["test.yaml:12: favourite: unknown key (known keys: spreadsheet, worksheet,"],
    ),
    (
        "misspelt-column-type",
        BASE + "    type: interger\n",
        ["test.yaml:12: columns[2].type: must be one of text,", "did you mean 'integer'?"],
    ),
    (
        "misspelt-object",
        BASE.replace("object: prospects", "object: prospect"),
        ["test.yaml:4: source.object: must be one of prospects, campaigns (got 'prospect')"],
    ),
    (
        "duplicate-header-in-the-mapping",
        BASE.replace("header: Score", "header: email"),
        ["test.yaml:11: columns[2].header: 'email' is already the header of columns[1]"],
    ),
    (
        "duplicate-yaml-key",
        BASE + "worksheet: Other\n",
        ["test.yaml:12: worksheet: duplicate key (also at line 2)"],
    ),
    (
        "empty-file",
        "",
        ["test.yaml: the file is empty: a mapping needs at least spreadsheet, worksheet"],
    ),
    (
        "a-list-instead-of-a-mapping",
        "- email\n- score\n",
        ["test.yaml:1: must be a mapping of keys (spreadsheet:, worksheet:"],
    ),
    (
        "misspelt-time-zone",
        BASE + "time_zone: Europe/Pariss\n",
        ["test.yaml:12: time_zone: unknown time zone 'Europe/Pariss'", "'Europe/Paris'?"],
    ),
    (
        "not-a-spreadsheet-id",
        BASE.replace(SHEET_ID, "abc"),
        ["test.yaml:1: spreadsheet: 'abc' is not a spreadsheet id"],
    ),
    (
        "a-published-link",
        BASE.replace(
            SHEET_ID, "https://docs.google.com/spreadsheets/d/e/2PACX-1vabcdefghijklmnopq/pubhtml"
        ),
        ["test.yaml:1: spreadsheet: this is a 'published to the web' link"],
    ),
    (
        "number-format-eaten-as-a-comment",
        BASE + "    format: #,##0\n",
        ["test.yaml:12: columns[2].format: the value starts with '#'", 'format: "#,##0"'],
    ),
    (
        "key-not-shown-in-any-column",
        BASE + "key: email2\n",
        ["test.yaml:12: key: 'email2' is not the field of any column"],
    ),
    (
        "status-column-header-clash",
        BASE + "on_delete: mark\nstatus_header: Score\n",
        ["test.yaml:13: status_header: the status column's header 'Score' is already"],
    ),
    (
        "bad-cron",
        BASE + 'schedule: "every day"\n',
        ["test.yaml:12: schedule: needs 5 fields"],
    ),
    (
        "bad-condition-operator",
        BASE.replace("  object: prospects", "  object: prospects\n  where:\n    - score >>= 5"),
        ["test.yaml:6: source.where[0]: unknown operator '>>='"],
    ),
    (
        "name-is-not-a-key",
        BASE + "name: hot\n",
        ["test.yaml:12: name: unknown key: a mapping is named by its file"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in OFFLINE], ids=[c[0] for c in OFFLINE]
)
def test_offline_problem_names_file_line_and_key_and_nothing_is_sent(
    world: World, monkeypatch: pytest.MonkeyPatch, text: str, expected: list[str]
) -> None:
    (world.folder / "test.yaml").write_text(text, encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2, result.out
    for fragment in expected:
        assert fragment in result.out
    assert "Traceback" not in result.out
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0  # offline problems cost no Pardot call


ONLINE: list[tuple[str, str, list[str]]] = [
    (
        "misspelt-standard-field",
        BASE.replace("field: email", "field: emial"),
        ["test.yaml:8: columns[1].field: unknown field 'emial'", "did you mean 'email'?"],
    ),
    (
        "custom-field-without-its-suffix",
        BASE.replace("field: email", "field: hobby"),
        ["test.yaml:8: columns[1].field: unknown field 'hobby'", "'hobby__c'"],
    ),
    (
        "field-nothing-like-a-known-one",
        BASE.replace("field: email", "field: qqqzzz"),
        ["test.yaml:8: columns[1].field: unknown field 'qqqzzz'"],
    ),
    (
        "type-the-field-cannot-have",
        BASE.replace("    header: Email", "    header: Email\n    type: boolean"),
        ["test.yaml:10: columns[1].type: a boolean column cannot show 'email'"],
    ),
    (
        "unknown-field-in-a-condition",
        BASE.replace("  object: prospects", "  object: prospects\n  where:\n    - scroe >= 5"),
        ["test.yaml:6: source.where[0]: unknown field 'scroe'; did you mean 'score'?"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in ONLINE], ids=[c[0] for c in ONLINE]
)
def test_unknown_fields_fail_before_the_sheet_is_opened(
    world: World, monkeypatch: pytest.MonkeyPatch, text: str, expected: list[str]
) -> None:
    (world.folder / "test.yaml").write_text(text, encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 1, result.out
    for fragment in expected:
        assert fragment in result.out
    guard.assert_untouched()
    assert sum(guard.meter.spent().sheets.values()) == 0  # not even read
    # `validate` says the same, with exit 2.
    checked = cli(world, monkeypatch, "validate")
    assert checked.code == 2 and all(f in checked.out for f in expected)


def test_an_empty_mapping_folder_says_so(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    assert str(world.folder) in result.out
    assert "no mappings here: the folder has no *.yaml or *.yml files" in result.out
    guard.assert_untouched()


def test_a_missing_mapping_folder_names_the_setting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.folder.rmdir()
    result = cli(world, monkeypatch, "plan")
    assert result.code == 2
    assert "no such folder (SHEETSYNC_MAPPINGS names the folder" in result.out


def test_an_unknown_mapping_name_lists_the_known_ones(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.folder / "hot-prospects.yaml").write_text(BASE, encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync", "--mapping", "hot-prospect")
    assert result.code == 2
    assert "no mapping named 'hot-prospect' (there are: hot-prospects)" in result.out
    guard.assert_untouched()


def test_two_mappings_writing_one_worksheet_name_both_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.folder / "a.yaml").write_text(BASE, encoding="utf-8")
    (world.folder / "b.yaml").write_text(BASE.replace("Prospects", "prospects"), encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    assert "b.yaml:2: worksheet:" in result.out
    assert "a.yaml already writes worksheet 'Prospects'" in result.out
    guard.assert_untouched()


def test_a_file_that_is_not_utf8_is_named(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    (world.folder / "latin.yaml").write_bytes(
        BASE.replace("Email", "E-mail \xe9").encode("latin-1")
    )
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    assert "latin.yaml: is not UTF-8 text" in result.out
