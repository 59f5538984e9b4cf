"""Helpers: write mapping files under a temporary ``mappings/`` folder and collect problems."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sheetsync.mapping import Mapping, MappingError, load_mapping
from sheetsync.pardot.catalogue import CustomFieldDef, FieldCatalogue, build_catalogue

SHEET_ID = "1SheetSyncDemoHotProspects000000000000000000"

# A small valid mapping; tests add or change lines (line numbers noted for the assertions).
MINIMAL = f"""\
spreadsheet: {SHEET_ID}
worksheet: Hot prospects
source:
  object: prospects
columns:
  - field: id
  - field: email
    header: Email
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty ``mappings/`` folder; the working directory is its parent, so problems name
    files as ``mappings/<name>.yaml``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mappings").mkdir()
    yield Path("mappings")


Write = Callable[..., Path]


@pytest.fixture
def write(folder: Path) -> Write:
    def write(text: str, name: str = "hot") -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


Problems = Callable[..., list[str]]


@pytest.fixture
def problems(write: Write) -> Problems:
    """The problems (as printed) of loading ``text`` as ``mappings/hot.yaml``."""

    def collect(text: str, name: str = "hot") -> list[str]:
        path = write(text, name)
        with pytest.raises(MappingError) as info:
            load_mapping(path)
        return [str(p) for p in info.value.problems]

    return collect


@pytest.fixture
def load(write: Write) -> Callable[..., Mapping]:
    def load(text: str, name: str = "hot") -> Mapping:
        return load_mapping(write(text, name))

    return load


def _custom(i: int, field_id: str, kind: str, multiple: bool = False) -> CustomFieldDef:
    record = {"id": i, "fieldId": field_id, "name": field_id.title(), "type": kind}
    return CustomFieldDef.from_api(record | {"isRecordMultipleResponses": multiple})


# As the custom-fields endpoint describes them (types as the API spells them).
CUSTOM = [
    _custom(1, "hobby", "Radio Button"),
    _custom(2, "industrySegment", "Dropdown"),
    _custom(3, "languages", "Multi-Select"),
    _custom(4, "eventsAttended", "Text", multiple=True),
    _custom(5, "renewal", "Date"),
]


@pytest.fixture(scope="session")
def prospects() -> FieldCatalogue:
    return build_catalogue("prospects", CUSTOM)


@pytest.fixture(scope="session")
def campaigns() -> FieldCatalogue:
    return build_catalogue("campaigns")
