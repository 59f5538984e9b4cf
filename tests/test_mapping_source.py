"""Mappings read from a Cloud Storage prefix (SHEETSYNC_MAPPINGS=gs://bucket/prefix), against
gcp-storage-emulator: the same mappings, checks and errors as a folder, objects named in
problems as gs:// URLs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.mapping import MappingError
from sheetsync.mapping_source import GcsPrefix, load_mappings_from
from sheetsync.runtime import mappings_from
from sheetsync.settings import Settings

from .cloudfunction.gcs import BUCKET, StorageEmulator, storage_emulator
from .engine.conftest import BASIC, SHEET_ID

OTHER = BASIC.replace("worksheet: Prospects", "worksheet: Other")


@pytest.fixture
def gcs(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[StorageEmulator]:
    with storage_emulator(monkeypatch) as emulator:
        yield emulator


def test_every_mapping_directly_under_the_prefix_is_loaded(gcs: StorageEmulator) -> None:
    gcs.put("team/mappings/hot.yaml", BASIC)
    gcs.put("team/mappings/other.yml", OTHER)
    gcs.put("team/mappings/README.txt", "not a mapping")
    gcs.put("team/mappings/.draft.yaml", "columns: 3\n")  # hidden, like a dot file
    gcs.put("team/mappings/old/archived.yaml", "columns: 3\n")  # a "subfolder"
    gcs.put("team/elsewhere.yaml", "columns: 3\n")

    mappings = load_mappings_from(f"gs://{BUCKET}/team/mappings")
    assert [m.name for m in mappings] == ["hot", "other"]
    assert mappings[0].file == f"gs://{BUCKET}/team/mappings/hot.yaml"
    assert mappings[0].spreadsheet_id == SHEET_ID and mappings[1].worksheet == "Other"
    # A trailing slash names the same prefix.
    assert [m.name for m in load_mappings_from(f"gs://{BUCKET}/team/mappings/")] == ["hot", "other"]


def test_a_bucket_root_is_a_prefix_too(gcs: StorageEmulator) -> None:
    gcs.put("root.yaml", BASIC)
    gcs.put("nested/ignored.yaml", OTHER)
    assert [m.name for m in load_mappings_from(f"gs://{BUCKET}")] == ["root"]


def test_an_empty_prefix_says_so(gcs: StorageEmulator) -> None:
    gcs.put("team/notes.txt", "no mappings here")
    with pytest.raises(MappingError) as caught:
        load_mappings_from(f"gs://{BUCKET}/team")
    assert str(caught.value) == (
        f"gs://{BUCKET}/team/: no mappings here: there are no *.yaml or *.yml objects under "
        "this prefix"
    )


def test_problems_name_the_object_and_line_of_every_file(gcs: StorageEmulator) -> None:
    gcs.put("m/good.yaml", BASIC)
    gcs.put("m/typo.yaml", BASIC.replace("header: Email", "heade: Email"))
    gcs.put("m/latin1.yaml", "worksheet: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(MappingError) as caught:
        load_mappings_from(f"gs://{BUCKET}/m")
    text = str(caught.value)
    assert (
        f"gs://{BUCKET}/m/latin1.yaml:1: is not UTF-8 text (byte 0xe9 in column 15 is not UTF-8, "
        "perhaps an accented letter saved as Latin-1 or Windows-1252); save the file with the "
        "UTF-8 encoding"
    ) in text
    typo_line = BASIC.splitlines().index("    header: Email") + 1
    assert f"gs://{BUCKET}/m/typo.yaml:{typo_line}" in text
    assert "good.yaml" not in text


def test_two_mappings_writing_one_worksheet_are_refused(gcs: StorageEmulator) -> None:
    gcs.put("m/a.yaml", BASIC)
    gcs.put("m/b.yaml", BASIC)
    with pytest.raises(MappingError, match="two mappings may not write one worksheet"):
        load_mappings_from(f"gs://{BUCKET}/m")


def test_a_missing_bucket_says_so(gcs: StorageEmulator) -> None:
    with pytest.raises(MappingError) as caught:
        load_mappings_from("gs://no-such-bucket/m")
    assert "gs://no-such-bucket/m/: not found" in str(caught.value)


def test_a_location_without_a_bucket_is_refused() -> None:
    with pytest.raises(MappingError, match="gs://BUCKET/PREFIX"):
        GcsPrefix.parse("gs:///m")


def test_the_setting_works_for_the_runtime_and_the_cli(
    gcs: StorageEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    gcs.put("m/hot.yaml", BASIC)
    gcs.put("m/other.yaml", OTHER)
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", f"gs://{BUCKET}/m")
    assert [m.name for m in mappings_from(Settings.load(), "other")] == ["other"]
    result = CliRunner().invoke(app, ["validate", "--offline"])
    assert result.exit_code == 0, result.output
    assert f"2 mapping file(s) in gs://{BUCKET}/m are well formed" in result.stdout

    gcs.put("m/broken.yaml", "columns: 3\n")
    failing = CliRunner().invoke(app, ["validate", "--offline"])
    assert failing.exit_code == 2
    assert f"gs://{BUCKET}/m/broken.yaml" in failing.stderr
