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

#: (id, the file's text, every problem line as printed, without the folder's path)
OFFLINE: list[tuple[str, str, list[str]]] = [
    (
        "malformed-indentation",
        BASE.replace("    header: Email", "   header: Email"),
        [
            "test.yaml:9: invalid YAML: while parsing a block collection: expected <block end>, "
            "but found '<block mapping start>' (check the indentation)"
        ],
    ),
    (
        "tab-indentation",
        BASE.replace("  object: prospects", "\tobject: prospects"),
        [
            "test.yaml:4: invalid YAML: while scanning for the next token: found character "
            "'\\t' that cannot start any token (indent with spaces, not tabs)"
        ],
    ),
    (
        "key-indented-too-deep",
        BASE.replace("    header: Email", "      header: Email"),
        [
            "test.yaml:9: invalid YAML: mapping values are not allowed here (check the "
            "indentation: a key indented more than the keys beside it; or quote a value that "
            'contains ": ")'
        ],
    ),
    (
        "unquoted-colon-in-a-value",
        BASE.replace("worksheet: Prospects", "worksheet: Prospects: Q1"),
        [
            "test.yaml:2: invalid YAML: mapping values are not allowed here (check the "
            "indentation: a key indented more than the keys beside it; or quote a value that "
            'contains ": ")'
        ],
    ),
    (
        "unclosed-quote",
        BASE.replace("header: Score", 'header: "Score'),
        [
            "test.yaml:11: invalid YAML: a quoted value that starts on this line is never "
            "closed; add the closing quote (or remove the opening one)"
        ],
    ),
    (
        "unquoted-cron-star",
        BASE + "schedule: */15 * * * *\n",
        [
            "test.yaml:12: invalid YAML: while scanning an alias: expected alphabetic or numeric "
            "character, but found '/' (quote a value that starts with *, e.g. schedule: "
            '"*/15 * * * *")'
        ],
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
        "a-mapping-for-text",
        BASE.replace("worksheet: Prospects", "worksheet:\n  name: Prospects"),
        ["test.yaml:2: worksheet: must be text (got a mapping)"],
    ),
    (
        "number-out-of-range",
        BASE + "max_remove_percent: 150\n",
        ["test.yaml:12: max_remove_percent: must be at most 100 (got 150)"],
    ),
    (
        "no-columns",
        BASE.split("columns:")[0] + "columns: []\n",
        ["test.yaml:5: columns: needs at least 1 item(s)"],
    ),
    (
        "misspelt-top-level-key",
        BASE.replace("columns:", "colums:"),
        [
            "test.yaml:5: colums: unknown key; did you mean 'columns'?",
        ],
    ),
    (
        "misspelt-source-key",
        BASE.replace("  object:", "  objet:"),
        [
            "test.yaml:4: source.objet: unknown key; did you mean 'object'?",
        ],
    ),
    (
        "misspelt-column-key",
        BASE.replace("    header: Email", "    heder: Email"),
        ["test.yaml:9: columns[1].heder: unknown key; did you mean 'header'?"],
    ),
    (
        "unknown-key-lists-the-known-ones",
        BASE + "favourite: red\n",
        [
            "test.yaml:12: favourite: unknown key (known keys: spreadsheet, worksheet, "
            "header_row, source, key, on_delete, status_header, time_zone, schedule, "
            "full_sync_every_hours, max_remove_percent, columns, alerts, status, changelog, "
            "fill_down)"
        ],
    ),
    (
        "misspelt-column-type",
        BASE + "    type: interger\n",
        [
            "test.yaml:12: columns[2].type: must be one of text, number, integer, boolean, "
            "date, datetime (got 'interger'); did you mean 'integer'?"
        ],
    ),
    (
        "misspelt-object",
        BASE.replace("object: prospects", "object: prospect"),
        [
            "test.yaml:4: source.object: must be one of prospects, campaigns (got 'prospect'); "
            "did you mean 'prospects'?"
        ],
    ),
    (
        "duplicate-header-in-the-mapping",
        BASE.replace("header: Score", "header: email"),
        [
            "test.yaml:11: columns[2].header: 'email' is already the header of columns[1]: "
            "each column needs its own header"
        ],
    ),
    (
        "duplicate-header-but-for-spaces",
        BASE.replace("header: Score", 'header: " Email "'),
        [
            "test.yaml:11: columns[2].header: 'Email' is already the header of columns[1]: "
            "each column needs its own header"
        ],
    ),
    (
        "duplicate-yaml-key",
        BASE + "worksheet: Other\n",
        ["test.yaml:12: worksheet: duplicate key (also at line 2); each key may appear only once"],
    ),
    (
        "empty-file",
        "",
        [
            "test.yaml: the file is empty: a mapping needs at least spreadsheet, worksheet, "
            "source and columns"
        ],
    ),
    (
        "a-list-instead-of-a-mapping",
        "- email\n- score\n",
        [
            "test.yaml:1: must be a mapping of keys (spreadsheet:, worksheet:, source:, "
            "columns:, ...), not a list"
        ],
    ),
    (
        "misspelt-time-zone",
        BASE + "time_zone: Europe/Pariss\n",
        [
            "test.yaml:12: time_zone: unknown time zone 'Europe/Pariss' (use an IANA name such "
            "as Europe/Paris, America/New_York or UTC); did you mean 'Europe/Paris'?"
        ],
    ),
    (
        "not-a-spreadsheet-id",
        BASE.replace(SHEET_ID, "abc"),
        [
            "test.yaml:1: spreadsheet: 'abc' is not a spreadsheet id: use the long id from the "
            "sheet's URL (https://docs.google.com/spreadsheets/d/<id>/edit) or the whole URL"
        ],
    ),
    (
        "a-published-link",
        BASE.replace(
            SHEET_ID, "https://docs.google.com/spreadsheets/d/e/2PACX-1vabcdefghijklmnopq/pubhtml"
        ),
        [
            "test.yaml:1: spreadsheet: this is a 'published to the web' link, which cannot be "
            "written to: use the spreadsheet's own URL "
            "(https://docs.google.com/spreadsheets/d/<id>/edit)"
        ],
    ),
    (
        "number-format-eaten-as-a-comment",
        BASE + "    format: #,##0\n",
        [
            "test.yaml:12: columns[2].format: the value starts with '#', which YAML reads as a "
            'comment: quote it (format: "#,##0")'
        ],
    ),
    (
        "key-not-shown-in-any-column",
        BASE + "key: email2\n",
        [
            "test.yaml:12: key: 'email2' is not the field of any column: the key must be shown "
            "in exactly one column"
        ],
    ),
    (
        "status-column-header-clash",
        BASE + "on_delete: mark\nstatus_header: Score\n",
        [
            "test.yaml:13: status_header: the status column's header 'Score' is already the "
            "header of columns[2]: give the status column its own header"
        ],
    ),
    (
        "bad-cron",
        BASE + 'schedule: "every day"\n',
        [
            "test.yaml:12: schedule: needs 5 fields (minute hour day-of-month month "
            "day-of-week), got 2: 'every day'"
        ],
    ),
    (
        "bad-condition-operator",
        BASE.replace("  object: prospects", "  object: prospects\n  where:\n    - score >>= 5"),
        [
            "test.yaml:6: source.where[0]: unknown operator '>>=' in 'score >>= 5' (operators: "
            "=, !=, >, >=, <, <=, in, not in, is empty, is not empty)"
        ],
    ),
    (
        "name-is-not-a-key",
        BASE + "name: hot\n",
        [
            "test.yaml:12: name: unknown key: a mapping is named by its file (hot-prospects.yaml "
            "is 'hot-prospects')"
        ],
    ),
]


def _said(world: World, out: str) -> str:
    """The command's output with the mapping folder's path taken out of file names."""
    return out.replace(f"{world.folder}/", "").replace(str(world.folder), "<folder>")


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
    assert _said(world, result.out) == "error: " + "\n".join(expected) + "\n"
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0  # offline problems cost no Pardot call


#: (id, the file's text, the one problem line, without the folder's path)
ONLINE: list[tuple[str, str, str]] = [
    (
        "misspelt-standard-field",
        BASE.replace("field: email", "field: emial"),
        "test.yaml:8: columns[1].field: unknown field 'emial'; did you mean 'email'?",
    ),
    (
        "custom-field-without-its-suffix",
        BASE.replace("field: email", "field: hobby"),
        "test.yaml:8: columns[1].field: unknown field 'hobby'; did you mean 'hobby__c'?",
    ),
    (
        "field-nothing-like-a-known-one",
        BASE.replace("field: email", "field: qqqzzz"),
        "test.yaml:8: columns[1].field: unknown field 'qqqzzz' (`sheetsync fields prospects` "
        "lists every field you can use)",
    ),
    (
        "type-the-field-cannot-have",
        BASE.replace("    header: Email", "    header: Email\n    type: boolean"),
        "test.yaml:10: columns[1].type: a boolean column cannot show 'email', a string field: "
        "use text, number, integer",
    ),
    (
        "unknown-field-in-a-condition",
        BASE.replace("  object: prospects", "  object: prospects\n  where:\n    - scroe >= 5"),
        "test.yaml:6: source.where[0]: unknown field 'scroe'; did you mean 'score'?",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in ONLINE], ids=[c[0] for c in ONLINE]
)
def test_unknown_fields_fail_before_the_sheet_is_opened(
    world: World, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    (world.folder / "test.yaml").write_text(text, encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 1, result.out
    assert f"\ntest: {expected}\n" in _said(world, result.out)  # the run's message line
    guard.assert_untouched()
    assert sum(guard.meter.spent().sheets.values()) == 0  # not even read
    # `validate` says the same, with exit 2.
    checked = cli(world, monkeypatch, "validate")
    assert checked.code == 2
    assert _said(world, checked.out).endswith(f"\nerror: {expected}\n")
    guard.assert_untouched()


def test_an_empty_mapping_folder_says_so(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    assert _said(world, result.out) == (
        "error: <folder>: no mappings here: the folder has no *.yaml or *.yml files; add one "
        "(`sheetsync init` writes a starter mapping) or point SHEETSYNC_MAPPINGS at the folder "
        "that holds them\n"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


def test_a_missing_mapping_folder_names_the_setting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.folder.rmdir()
    guard = Guard(world)
    result = cli(world, monkeypatch, "plan")
    assert result.code == 2
    assert _said(world, result.out) == (
        "error: <folder>: no such folder (SHEETSYNC_MAPPINGS names the folder that holds the "
        "mapping files)\n"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


def test_an_unknown_mapping_name_lists_the_known_ones(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.folder / "hot-prospects.yaml").write_text(BASE, encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync", "--mapping", "hot-prospect")
    assert result.code == 2
    assert _said(world, result.out) == (
        "error: <folder>: no mapping named 'hot-prospect' (there are: hot-prospects)\n"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


def test_two_mappings_writing_one_worksheet_name_both_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.folder / "a.yaml").write_text(BASE, encoding="utf-8")
    (world.folder / "b.yaml").write_text(BASE.replace("Prospects", "prospects"), encoding="utf-8")
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    assert _said(world, result.out) == (
        "error: b.yaml:2: worksheet: a.yaml already writes worksheet 'Prospects' of this "
        "spreadsheet: two mappings may not write one worksheet\n"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


def test_a_file_that_is_not_utf8_is_named_with_its_line(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.folder / "latin.yaml").write_bytes(
        BASE.replace("Email", "E-mail \xe9").encode("latin-1")
    )
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2
    # "    header: E-mail \xe9": the ninth line, the 20th byte.
    assert _said(world, result.out) == (
        "error: latin.yaml:9: is not UTF-8 text (byte 0xe9 in column 20 is not UTF-8, perhaps "
        "an accented letter saved as Latin-1 or Windows-1252); save the file with the UTF-8 "
        "encoding\n"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0
