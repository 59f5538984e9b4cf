"""Parse what Google answers: ``spreadsheets.get`` (with our field mask) and value ranges. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import CellValue, GridRange, ProtectedRange, normalise_number

#: One ``spreadsheets.get``: what a read needs and nothing else (no grid data).
METADATA_FIELDS = (
    "spreadsheetId,properties(title,locale,timeZone),"
    "sheets(properties(sheetId,title,index,sheetType,"
    "gridProperties(rowCount,columnCount,frozenRowCount)),"
    "developerMetadata,merges,protectedRanges)"
)


@dataclass(frozen=True)
class MetadataEntry:
    metadata_id: int | None
    key: str
    value: str | None


@dataclass
class SheetInfo:
    sheet_id: int
    title: str
    index: int = 0
    row_count: int = 0
    col_count: int = 0
    frozen_rows: int = 0
    metadata: list[MetadataEntry] = field(default_factory=list)
    merges: list[GridRange] = field(default_factory=list)
    protected: list[ProtectedRange] = field(default_factory=list)


@dataclass
class SpreadsheetInfo:
    spreadsheet_id: str
    title: str
    time_zone: str | None
    locale: str | None
    sheets: list[SheetInfo]

    @property
    def total_cells(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)

    def sheet(self, title: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_like(self, title: str) -> SheetInfo | None:
        """The tab titled ``title``, or else the one tab whose title differs only in case or
        surrounding spaces (Sheets refuses a second tab whose title differs only in case)."""
        found = self.sheet(title)
        if found is not None:
            return found
        wanted = title.strip().casefold()
        close = [s for s in self.sheets if s.title.strip().casefold() == wanted]
        return close[0] if len(close) == 1 else None


def grid_range(data: Mapping[str, Any]) -> GridRange:
    def bound(name: str) -> int | None:
        value = data.get(name)
        return None if value is None else int(value)

    return GridRange(
        sheet_id=int(data.get("sheetId", 0)),  # Google omits a default sheetId of 0
        start_row=bound("startRowIndex"),
        end_row=bound("endRowIndex"),
        start_col=bound("startColumnIndex"),
        end_col=bound("endColumnIndex"),
    )


def sheet_info(data: Mapping[str, Any]) -> SheetInfo:
    """A ``Sheet`` resource (or an ``addSheet`` reply's ``{"properties": ...}``)."""
    props = data.get("properties", {})
    grid = props.get("gridProperties", {})
    sheet_id = int(props.get("sheetId", 0))
    protected = []
    for item in data.get("protectedRanges", []):
        rng = item.get("range")
        protected.append(
            ProtectedRange(
                id=item.get("protectedRangeId"),
                range=grid_range({"sheetId": sheet_id, **rng}) if rng is not None else None,
                description=str(item.get("description", "")),
                warning_only=bool(item.get("warningOnly", False)),
                can_edit=bool(item.get("requestingUserCanEdit", True)),
                unprotected=tuple(
                    grid_range({"sheetId": sheet_id, **r})
                    for r in item.get("unprotectedRanges", [])
                ),
            )
        )
    return SheetInfo(
        sheet_id=sheet_id,
        title=str(props.get("title", "")),
        index=int(props.get("index", 0)),
        row_count=int(grid.get("rowCount", 0)),
        col_count=int(grid.get("columnCount", 0)),
        frozen_rows=int(grid.get("frozenRowCount", 0)),
        metadata=[metadata_entry(m) for m in data.get("developerMetadata", [])],
        merges=[grid_range({"sheetId": sheet_id, **m}) for m in data.get("merges", [])],
        protected=protected,
    )


def metadata_entry(data: Mapping[str, Any]) -> MetadataEntry:
    mid = data.get("metadataId")
    value = data.get("metadataValue")
    return MetadataEntry(
        metadata_id=None if mid is None else int(mid),
        key=str(data.get("metadataKey", "")),
        value=None if value is None else str(value),
    )


def spreadsheet_info(data: Mapping[str, Any], spreadsheet_id: str) -> SpreadsheetInfo:
    props = data.get("properties", {})
    return SpreadsheetInfo(
        spreadsheet_id=str(data.get("spreadsheetId", spreadsheet_id)),
        title=str(props.get("title", "")),
        time_zone=props.get("timeZone"),
        locale=props.get("locale"),
        sheets=[sheet_info(s) for s in data.get("sheets", [])],
    )


def cell_value(value: Any) -> CellValue:
    """A value as read with UNFORMATTED_VALUE: ``""`` is an empty cell; whole floats -> int."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return normalise_number(value)
    return str(value)


def padded_rows(values: Sequence[Sequence[Any]] | None) -> list[list[CellValue]]:
    """Rows of a ``ValueRange`` with Google's trailing trims undone: all the same width."""
    # Google sends whole numbers as JSON integers, so a cell only changes when it is "" (an
    # empty cell inside a row) or, defensively, a whole float.
    rows = [
        [None if v == "" else (normalise_number(v) if type(v) is float else v) for v in row]
        for row in (values or [])
    ]
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return rows
