"""Loading a folder of mappings: sorted by name, every file's problems together, and the rules
across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.mapping import MappingError, load_mappings
from tests.mapping.conftest import MINIMAL, SHEET_ID, Write


def messages(folder: Path) -> list[str]:
    with pytest.raises(MappingError) as info:
        load_mappings(folder)
    return [str(p) for p in info.value.problems]


def test_sorted_by_name_and_other_files_ignored(folder: Path, write: Write) -> None:
    write(MINIMAL.replace("Hot prospects", "B"), "b-second")
    write(MINIMAL.replace("Hot prospects", "A"), "a-first")
    (folder / "notes.txt").write_text("not a mapping")
    (folder / ".editor-backup.yaml").write_text("- not: a mapping")
    assert [m.name for m in load_mappings(folder)] == ["a-first", "b-second"]


def test_empty_folder_is_an_error(folder: Path) -> None:
    assert messages(folder) == [
        "mappings: no mappings here: the folder has no *.yaml or *.yml files; add one "
        "(`sheetsync init` writes a starter mapping) or point SHEETSYNC_MAPPINGS at the folder "
        "that holds them"
    ]
    (folder / "readme.md").write_text("# mappings")
    assert messages(folder) == [
        "mappings: no mappings here: the folder has no *.yaml or *.yml files; add one "
        "(`sheetsync init` writes a starter mapping) or point SHEETSYNC_MAPPINGS at the folder "
        "that holds them"
    ]


def test_missing_folder_is_an_error(folder: Path) -> None:
    assert messages(folder / "nope") == [
        "mappings/nope: no such folder (SHEETSYNC_MAPPINGS names the folder that holds the "
        "mapping files)"
    ]


def test_two_mappings_on_one_worksheet_name_both_files(folder: Path, write: Write) -> None:
    write(MINIMAL, "hot")
    # Same spreadsheet written as a URL, same worksheet in another case: still the same target.
    url = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"
    write(MINIMAL.replace(SHEET_ID, url).replace("Hot prospects", "HOT PROSPECTS"), "warm")
    assert messages(folder) == [
        "mappings/warm.yaml:2: worksheet: mappings/hot.yaml already writes worksheet 'Hot "
        "prospects' of this spreadsheet: two mappings may not write one worksheet"
    ]


def test_same_name_twice(folder: Path, write: Write) -> None:
    write(MINIMAL, "hot")
    (folder / "hot.yml").write_text(MINIMAL.replace("Hot prospects", "Other"), encoding="utf-8")
    assert messages(folder) == [
        "mappings/hot.yml: the name 'hot' is also used by mappings/hot.yaml: rename one of the "
        "files"
    ]


def test_problems_of_every_file_are_collected(folder: Path, write: Write) -> None:
    write(MINIMAL.replace("object: prospects", "object: prospect"), "a")
    write(MINIMAL + "colums: []\n", "b")
    write(MINIMAL.replace("Hot prospects", "C"), "c")
    assert messages(folder) == [
        "mappings/a.yaml:4: source.object: must be one of prospects, campaigns (got "
        "'prospect'); did you mean 'prospects'?",
        "mappings/b.yaml:9: colums: unknown key; did you mean 'columns'?",
    ]
