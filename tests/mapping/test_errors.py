"""Offline problems: each names the file, the line and the key path, with a suggestion."""

from __future__ import annotations

from tests.mapping.conftest import MINIMAL, SHEET_ID, Problems


def test_misspelt_column_type_names_line_key_and_the_closest_type(problems: Problems) -> None:
    text = MINIMAL + "  - field: score\n    type: interger\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: columns[2].type: must be one of text, number, integer, boolean, "
        "date, datetime (got 'interger'); did you mean 'integer'?"
    ]


def test_malformed_yaml_gives_the_yaml_error_line(problems: Problems) -> None:
    text = MINIMAL + "  - field: score\n   header: Score\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: invalid YAML: while parsing a block collection: expected "
        "<block end>, but found '<block mapping start>' (check the indentation)"
    ]


def test_tabs_are_explained(problems: Problems) -> None:
    text = MINIMAL.replace("  object: prospects", "\tobject: prospects")
    [only] = problems(text)
    assert only.startswith("mappings/hot.yaml:4: invalid YAML: ")
    assert only.endswith("(indent with spaces, not tabs)")


def test_unclosed_quote_points_at_the_line_where_it_opens(problems: Problems) -> None:
    text = MINIMAL + '  - field: score\n    header: "Score\n    type: integer\n'
    assert problems(text) == [
        "mappings/hot.yaml:10: invalid YAML: a quoted value that starts on this line is never "
        "closed; add the closing quote (or remove the opening one)"
    ]


def test_a_backslash_in_double_quotes_is_explained(problems: Problems) -> None:
    text = MINIMAL + '  - field: score\n    header: "Score\\q"\n'
    [only] = problems(text)
    assert only.startswith("mappings/hot.yaml:10: invalid YAML: ")
    assert only.endswith(
        "found unknown escape character 'q' (inside double quotes a backslash starts an "
        "escape: use single quotes)"
    )


def test_misspelt_keys_get_suggestions_at_every_level(problems: Problems) -> None:
    text = (
        MINIMAL.replace("columns:", "colums:")
        .replace("  object:", "  objet:")
        .replace("    header: Email", "    heder: Email")
    )
    # The keys they stand for are not also reported missing: the hint says it better.
    assert problems(text) == [
        "mappings/hot.yaml:4: source.objet: unknown key; did you mean 'object'?",
        "mappings/hot.yaml:5: colums: unknown key; did you mean 'columns'?",
    ]


def test_a_missing_key_is_reported_when_no_unknown_key_stands_for_it(problems: Problems) -> None:
    text = MINIMAL.split("columns:")[0].replace("  object:", "  objet:") + "favourite: red\n"
    found = problems(text)
    assert found[0] == "mappings/hot.yaml:1: columns: is required"
    assert found[1] == "mappings/hot.yaml:4: source.objet: unknown key; did you mean 'object'?"
    assert found[2].startswith("mappings/hot.yaml:5: favourite: unknown key (known keys: ")
    assert len(found) == 3


def test_misspelt_column_key_is_found(problems: Problems) -> None:
    text = MINIMAL.replace("    header: Email", "    heder: Email")
    assert problems(text) == [
        "mappings/hot.yaml:8: columns[1].heder: unknown key; did you mean 'header'?"
    ]


def test_unknown_key_without_a_close_match_lists_the_known_keys(problems: Problems) -> None:
    text = MINIMAL + "favourite: red\n"
    [only] = problems(text)
    assert only.startswith("mappings/hot.yaml:9: favourite: unknown key (known keys: spreadsheet, ")
    assert ", columns" in only and only.endswith(")")  # every key, the last ones too


def test_wrong_value_types(problems: Problems) -> None:
    text = (
        MINIMAL.replace("  object: prospects", "  object: prospects\n  include_deleted: maybe")
        + "header_row: two\nmax_remove_percent: 150\nfull_sync_every_hours: 0\n"
    )
    assert problems(text) == [
        "mappings/hot.yaml:5: source.include_deleted: must be true or false (got 'maybe')",
        "mappings/hot.yaml:10: header_row: must be a whole number (got 'two')",
        "mappings/hot.yaml:11: max_remove_percent: must be at most 100 (got 150)",
        "mappings/hot.yaml:12: full_sync_every_hours: must be more than 0 (got 0)",
    ]


def test_header_row_starts_at_one(problems: Problems) -> None:
    assert problems(MINIMAL + "header_row: 0\n") == [
        "mappings/hot.yaml:9: header_row: must be at least 1 (got 0)"
    ]


def test_wrong_shapes(problems: Problems) -> None:
    text = f"spreadsheet: {SHEET_ID}\nworksheet: W\nsource: prospects\ncolumns: email\n"
    assert problems(text) == [
        "mappings/hot.yaml:3: source: must be a mapping of keys (got 'prospects')",
        "mappings/hot.yaml:4: columns: must be a list (got 'email')",
    ]


def test_duplicate_yaml_keys_are_an_error(problems: Problems) -> None:
    text = MINIMAL + "worksheet: Other\n"
    assert problems(text) == [
        "mappings/hot.yaml:9: worksheet: duplicate key (also at line 2); each key may appear "
        "only once"
    ]


def test_duplicate_keys_inside_a_column(problems: Problems) -> None:
    text = MINIMAL + "    header: Mail\n"
    assert problems(text) == [
        "mappings/hot.yaml:9: columns[1].header: duplicate key (also at line 8); each key may "
        "appear only once"
    ]


def test_empty_file_and_not_a_mapping(problems: Problems) -> None:
    assert problems("# nothing yet\n") == [
        "mappings/hot.yaml: the file is empty: a mapping needs at least spreadsheet, worksheet, "
        "source and columns"
    ]
    assert problems("- a\n- b\n") == [
        "mappings/hot.yaml:1: must be a mapping of keys (spreadsheet:, worksheet:, source:, "
        "columns:, ...), not a list"
    ]


def test_name_and_path_are_not_keys(problems: Problems) -> None:
    assert problems(MINIMAL + "name: hot\n") == [
        "mappings/hot.yaml:9: name: unknown key: a mapping is named by its file "
        "(hot-prospects.yaml is 'hot-prospects')"
    ]


def test_file_name_must_be_usable_as_a_job_name(problems: Problems) -> None:
    assert problems(MINIMAL, name="hot prospects") == [
        "mappings/hot prospects.yaml: the file name 'hot prospects' may use only letters, "
        "digits, - and _ (it names the mapping in --mapping and in the scheduler's job)"
    ]


def test_bad_time_zones_suggest_the_closest_zone(problems: Problems) -> None:
    text = MINIMAL + "    time_zone: america/new_york\ntime_zone: Europe/Pari\n"
    assert problems(text) == [
        "mappings/hot.yaml:9: columns[1].time_zone: unknown time zone 'america/new_york' (use "
        "an IANA name such as Europe/Paris, America/New_York or UTC); did you mean "
        "'America/New_York'?",
        "mappings/hot.yaml:10: time_zone: unknown time zone 'Europe/Pari' (use an IANA name "
        "such as Europe/Paris, America/New_York or UTC); did you mean 'Europe/Paris'?",
    ]


def test_bad_cron(problems: Problems) -> None:
    assert problems(MINIMAL + 'schedule: "*/15 7-25 * * 1-5"\n') == [
        "mappings/hot.yaml:9: schedule: hour: 25 is outside 0-23 in '*/15 7-25 * * 1-5'"
    ]
    assert problems(MINIMAL + 'schedule: "0 */15 7 * * 1"\n') == [
        "mappings/hot.yaml:9: schedule: needs 5 fields (minute hour day-of-month month "
        "day-of-week), got 6 (there is no seconds field): '0 */15 7 * * 1'"
    ]


def test_missing_key_column_default_key(problems: Problems) -> None:
    text = MINIMAL.replace("  - field: id\n", "")
    assert problems(text) == [
        "mappings/hot.yaml:5: columns: no column shows 'id', the default key: add "
        "'- field: id', or set key: to the field of one column"
    ]


def test_missing_key_column_explicit_key(problems: Problems) -> None:
    assert problems(MINIMAL + "key: crmId\n") == [
        "mappings/hot.yaml:9: key: 'crmId' is not the field of any column: the key must be "
        "shown in exactly one column"
    ]


def test_key_shown_twice(problems: Problems) -> None:
    text = MINIMAL + "  - field: id\n    header: Id again\n"
    assert problems(text) == [
        "mappings/hot.yaml:9: columns[2].field: the key 'id' is already shown by columns[0]: "
        "the key must be in exactly one column"
    ]


def test_duplicate_headers_ignore_case_and_spaces(problems: Problems) -> None:
    text = MINIMAL + "  - field: firstName\n    header: ' email '\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: columns[2].header: 'email' is already the header of "
        "columns[1]: each column needs its own header"
    ]


def test_header_defaults_to_the_field_and_counts_for_duplicates(problems: Problems) -> None:
    text = MINIMAL + "  - field: firstName\n    header: id\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: columns[2].header: 'id' is already the header of columns[0]: "
        "each column needs its own header"
    ]


def test_status_header_may_not_be_a_column_header(problems: Problems) -> None:
    text = MINIMAL + "on_delete: mark\nstatus_header: Email\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: status_header: the status column's header 'Email' is already "
        "the header of columns[1]: give the status column its own header"
    ]
    # Without `mark` there is no status column, so no clash.
    assert problems(MINIMAL + "status_header: Email\nkey: nope\n") == [
        "mappings/hot.yaml:10: key: 'nope' is not the field of any column: the key must be "
        "shown in exactly one column"
    ]


def test_empty_header(problems: Problems) -> None:
    assert problems(MINIMAL.replace("header: Email", "header: '  '")) == [
        "mappings/hot.yaml:8: columns[1].header: must not be empty"
    ]


def test_lists_only_for_prospects(problems: Problems) -> None:
    text = MINIMAL.replace("object: prospects", "object: campaigns\n  lists: [Hot Prospects]")
    assert problems(text) == [
        "mappings/hot.yaml:5: source.lists: lists filter prospects only (campaigns are not "
        "list members)"
    ]


def test_link_placeholders_must_be_well_formed(problems: Problems) -> None:
    base = MINIMAL + "    link: {}\n"
    assert problems(base.format("'https://pi.pardot.com/prospect/read?id={id'")) == [
        "mappings/hot.yaml:9: columns[1].link: has an unmatched '{' or '}' (placeholders are "
        "written {field})"
    ]
    assert problems(base.format("'https://x.example/{first name}'")) == [
        "mappings/hot.yaml:9: columns[1].link: '{first name}' is not a field placeholder: write "
        "a field name in braces, e.g. {id} or {assignedTo.email}"
    ]
    assert problems(base.format("'pi.pardot.com/prospect/{id}'")) == [
        "mappings/hot.yaml:9: columns[1].link: must start with https://, http:// or mailto: "
        "(or a {field} that holds a URL)"
    ]


def test_invalid_spreadsheet_url(problems: Problems) -> None:
    text = MINIMAL.replace(SHEET_ID, "https://drive.google.com/file/d/abc/view")
    assert problems(text) == [
        "mappings/hot.yaml:1: spreadsheet: 'https://drive.google.com/file/d/abc/view' is not a "
        "Google Sheets URL: expected https://docs.google.com/spreadsheets/d/<id>/..."
    ]


def test_bad_field_names_and_conditions(problems: Problems) -> None:
    text = (
        MINIMAL.replace(
            "  object: prospects",
            "  object: prospects\n  where:\n    - score => 50\n    - grade in A\n"
            "    - {field: score, op: '>=', value: 50, extra: 1}",
        )
        + "  - first name\n"
    )
    assert problems(text) == [
        "mappings/hot.yaml:6: source.where[0]: unknown operator '=>' in 'score => 50' "
        "(operators: =, !=, >, >=, <, <=, in, not in, is empty, is not empty)",
        "mappings/hot.yaml:7: source.where[1]: 'in' needs a list of values, e.g. 'grade in [A, B]'",
        "mappings/hot.yaml:8: source.where[2].extra: unknown key (known keys: field, op, value)",
        "mappings/hot.yaml:13: columns[2]: 'first name' is not a field name: use the field's "
        "API name (letters, digits and _; dots for related fields, e.g. assignedTo.email)",
    ]


def test_format_and_time_zone_need_a_type_that_uses_them(problems: Problems) -> None:
    text = MINIMAL + "    type: text\n    format: '0.00'\n    time_zone: UTC\n"
    assert problems(text) == [
        "mappings/hot.yaml:10: columns[1].format: format applies to number, integer, date and "
        "datetime columns; this column is text",
        "mappings/hot.yaml:11: columns[1].time_zone: time_zone applies to date and datetime "
        "columns; this column is text",
    ]


def test_value_maps_take_single_values(problems: Problems) -> None:
    text = MINIMAL + "    values: {A: [x, y], ~: z}\n"
    assert problems(text) == [
        "mappings/hot.yaml:9: columns[1].values.A: must be text, a number, true/false or empty "
        "(got a list)",
        "mappings/hot.yaml:9: columns[1].values: a value map key cannot be empty: use default: "
        "for empty values",
    ]


def test_all_problems_of_a_file_are_reported_together(problems: Problems) -> None:
    text = (
        MINIMAL.replace("worksheet: Hot prospects", "worksheet: ''")
        + "  - field: score\n    type: interger\ntime_zone: Mars/Base\non_delete: delete\n"
    )
    found = problems(text)
    assert [p.split(": ")[0:2] for p in found] == [
        ["mappings/hot.yaml:2", "worksheet"],
        ["mappings/hot.yaml:10", "columns[2].type"],
        ["mappings/hot.yaml:11", "time_zone"],
        ["mappings/hot.yaml:12", "on_delete"],
    ]
    assert found[3].endswith("must be one of remove, mark, keep (got 'delete')")


def test_values_starting_with_hash_are_not_lost_to_comments(problems: Problems) -> None:
    text = (
        MINIMAL + "    type: number\n    format: #,##0.00\n    default: #N/A   # shown if empty\n"
    )
    assert problems(text) == [
        "mappings/hot.yaml:10: columns[1].format: the value starts with '#', which YAML reads "
        'as a comment: quote it (format: "#,##0.00")',
        "mappings/hot.yaml:11: columns[1].default: the value starts with '#', which YAML reads "
        'as a comment: quote it (default: "#N/A")',
    ]


def test_an_unquoted_star_explains_the_quoting(problems: Problems) -> None:
    assert problems(MINIMAL + "schedule: */15 * * * *\n") == [
        "mappings/hot.yaml:9: invalid YAML: while scanning an alias: expected alphabetic or "
        "numeric character, but found '/' (quote a value that starts with *, e.g. "
        'schedule: "*/15 * * * *")'
    ]
