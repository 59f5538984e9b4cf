"""An oracle for the engine's property test, written without the engine's code.

It knows the mapping's columns by its own description (:class:`Col`), reads each record from the
Pardot emulator's store, and says what the worksheet must look like after a full sync: from the
emulator's snapshot before the run it builds every cell expected after it (value, type, format,
note) and lists every difference from the snapshot after the run.

The rules it encodes are the documented ones (design page, ``sheetsync.diff``/``plan``):
rows are matched by key (numbers by value, text ignoring case and surrounding spaces); a row
with an empty key is the users' and is never touched; every copy of a key is kept updated; a
missing managed header is added at the right end of the used range (from the header row
down: a title above does not count); rows above the header row
are never touched; new rows go right after the used range; on a full run a keyed row whose key
is not a live record is removed (``remove``) or marked ``deleted in Pardot`` (``mark``); existing
cells keep their formats and notes; the cells of new rows, and of a column added on keyed rows,
get the column's number format, empty ones included.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from gspread.utils import a1_to_rowcol, rowcol_to_a1

Kind = Literal["text", "integer", "number", "boolean", "date", "datetime"]
Value = str | int | float | bool | None
Pos = tuple[int, int]  # 0-based (row, col)
Cells = dict[Pos, dict[str, Any]]

SERIAL_EPOCH = datetime(1899, 12, 30)
MAX_EXACT_INT = 2**53  # the largest integer a Sheets number (a double) holds exactly
GONE = "deleted in Pardot"
MANAGED_NOTE_START = "Managed by sheetsync"
# Sheets stores no control characters but tab, newline and carriage return; no lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DATES = ("date", "datetime")


class _Any:
    """Equal to anything (a pattern the oracle leaves open)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<any>"


ANY = _Any()
_FORMAT_TYPES: dict[str, str] = {
    "date": "DATE",
    "datetime": "DATE_TIME",
    "number": "NUMBER",
    "integer": "NUMBER",
}


@dataclass(frozen=True)
class Col:
    """One mapping column as the oracle sees it (and as the test writes it in the YAML)."""

    field: str
    header: str
    kind: Kind
    values: tuple[tuple[str, str], ...] = ()
    default: str | None = None
    format: str | None = None

    def yaml(self) -> str:
        lines = [f"  - field: {self.field}", f"    header: {self.header}", f"    type: {self.kind}"]
        if self.values:
            lines.append("    values:")
            lines += [f'      "{k}": "{v}"' for k, v in self.values]
        if self.default is not None:
            lines.append(f'    default: "{self.default}"')
        if self.format is not None:
            lines.append(f'    format: "{self.format}"')
        return "\n".join(lines)

    @property
    def number_format(self) -> dict[str, Any] | None:
        """The format a new row's cell gets: the column's ``format:`` for typed columns; dates
        and date-times always get a date format (the pattern of the default is not ours to say).
        """
        if self.kind not in _FORMAT_TYPES or (self.format is None and self.kind not in _DATES):
            return None
        return {"type": _FORMAT_TYPES[self.kind], "pattern": self.format or ANY}


# -- the value a record's field must show ---------------------------------------------------------


def sheet_serial(moment: datetime, tz: ZoneInfo) -> float:
    """Days since 1899-12-30 of the wall time in ``tz`` (how Sheets stores date-times)."""
    wall = moment.astimezone(tz).replace(tzinfo=None)
    delta = wall - SERIAL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86_400


def day_serial(day: date) -> int:
    return (day - SERIAL_EPOCH.date()).days


def expected_value(raw: Any, col: Col, tz: ZoneInfo) -> Value:
    """What the cell of ``col`` shows for a field value ``raw`` read from the store."""
    value = raw
    mapped = dict(col.values)
    if isinstance(value, str) and value in mapped:
        value = mapped[value]
    if value is None or value == "":
        value = col.default
    if value is None:
        return None
    if col.kind == "text":
        assert isinstance(value, str), f"{col.field}: text column fed {value!r}"
        text = _CONTROL.sub("", _SURROGATE.sub("\ufffd", value))
        return text or None
    if col.kind in ("integer", "number"):
        assert isinstance(value, int | float) and not isinstance(value, bool), value
        if isinstance(value, int) and abs(value) > MAX_EXACT_INT:
            return str(value)  # a Sheets number would lose digits: shown as text (documented)
        return value
    if col.kind == "boolean":
        assert isinstance(value, bool), value
        return value
    assert isinstance(value, datetime) and value.tzinfo is not None, value
    if col.kind == "date":
        return day_serial(value.astimezone(tz).date())
    return sheet_serial(value, tz)


def field_value(store: Any, record: Mapping[str, Any], name: str) -> Any:
    """A field of a prospect, following one relation (``campaign.name``) through the store."""
    if "." not in name:
        return record.get(name)
    relation, target_field = name.split(".", 1)
    target_id = record.get(f"{relation}Id")
    if target_id is None:
        return None
    collections = {"campaign": "campaigns", "assignedTo": "users"}
    target = store.get(collections[relation], target_id)
    return None if target is None else target.get(target_field)


def expected_rows(store: Any, columns: Iterable[Col], tz: ZoneInfo) -> dict[int, list[Value]]:
    """Live prospect id -> the values of its row, one per column."""
    cols = list(columns)
    rows: dict[int, list[Value]] = {}
    for prospect_id in store.ids("prospects", deleted=False):
        record = store.prospect(prospect_id)
        rows[prospect_id] = [
            expected_value(field_value(store, record, c.field), c, tz) for c in cols
        ]
    return rows


# -- keys ----------------------------------------------------------------------------------------


def row_key(value: Value) -> tuple[str, Any] | None:
    """A key cell's identity: numbers by value, text case-insensitively and trimmed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    text = value.strip().casefold()
    return ("text", text) if text else None


def id_key(prospect_id: int) -> tuple[str, Any]:
    return ("number", float(prospect_id))


# -- the worksheet -------------------------------------------------------------------------------


def parse_cells(cells: Mapping[str, dict[str, Any]]) -> Cells:
    """The emulator snapshot's A1-keyed cells -> 0-based positions."""
    out: Cells = {}
    for name, cell in cells.items():
        row, col = a1_to_rowcol(name)
        out[(row - 1, col - 1)] = dict(cell)
    return out


def used_size(cells: Cells) -> tuple[int, int]:
    """Rows and columns of the used range: what holds a value (formats and notes do not count)."""
    holding = [pos for pos, cell in cells.items() if "value" in cell]
    rows = max((r for r, _ in holding), default=-1) + 1
    cols = max((c for _, c in holding), default=-1) + 1
    return rows, cols


def header_text(cell: Mapping[str, Any] | None) -> str:
    if cell is None or "value" not in cell:
        return ""
    value = cell["value"]
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def cell_value(cell: Mapping[str, Any] | None) -> Value:
    """A snapshot cell's value (a formula counts as its text: never a key here)."""
    if cell is None:
        return None
    value: Value = cell.get("value")
    return value


def with_value(cell: Mapping[str, Any] | None, value: Value) -> dict[str, Any]:
    """``cell`` (format, note...) holding ``value`` instead of its own."""
    out = {k: v for k, v in (cell or {}).items() if k not in ("value", "type")}
    if value is not None:
        out["value"] = value
        out["type"] = value_type(value)
    return out


def value_type(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "string"


@dataclass
class Expectation:
    """The worksheet expected after the run, and what the check found."""

    cells: Cells = field(default_factory=dict)
    managed_header_cells: set[Pos] = field(default_factory=set)
    noted_headers: set[Pos] = field(default_factory=set)  # must carry the managed note
    datetime_cells: set[Pos] = field(default_factory=set)  # compared with a small tolerance
    new_rows: range = range(0)
    new_ids: set[int] = field(default_factory=set)
    removed_rows: list[int] = field(default_factory=list)
    marked_rows: list[int] = field(default_factory=list)
    cells_written: int = 0  # cells whose value must change (a minimal run writes only these)


@dataclass(frozen=True)
class SheetSpec:
    columns: tuple[Col, ...]
    header_row: int  # 1-based
    key: int  # index of the key column in ``columns``
    status_header: str | None  # on_delete: mark
    tz: ZoneInfo

    @property
    def headers(self) -> list[str]:
        extra = [self.status_header] if self.status_header is not None else []
        return [c.header for c in self.columns] + extra


def expect_after_full_run(
    before: Cells,
    spec: SheetSpec,
    records: Mapping[int, list[Value]],
    *,
    first_run: bool,
    after: Cells,
) -> Expectation:
    """The cells expected after a full, forced run over the worksheet ``before``.

    The order in which missing records are appended is the engine's choice: it is taken from
    ``after`` when the appended rows' keys are exactly the missing records, each once (else the
    records' order, and the comparison shows what is wrong)."""
    h0 = spec.header_row - 1
    used_rows, _ = used_size(before)
    # The right end of the used range from the header row down (a title above does not count).
    _, width = used_size({pos: cell for pos, cell in before.items() if pos[0] >= h0})
    header_cols: dict[str, int] = {}
    for (r, c), cell in before.items():
        if r == h0 and header_text(cell):
            header_cols.setdefault(header_text(cell), c)
    positions: list[int] = []
    added: list[int] = []
    free = width
    for index, header in enumerate(spec.headers):
        if header in header_cols:
            positions.append(header_cols[header])
        else:
            positions.append(free)
            added.append(index)
            free += 1
    key_col = None if spec.key in added else positions[spec.key]

    # Classify the data rows of the used range by their key.
    live_keys = {id_key(pid): pid for pid in records}
    keyed: dict[int, int] = {}  # row -> live prospect id
    stale: list[int] = []
    for r in range(h0 + 1, used_rows):
        k = row_key(cell_value(before.get((r, key_col)))) if key_col is not None else None
        if k is None:
            continue
        if k in live_keys:
            keyed[r] = live_keys[k]
        else:
            stale.append(r)
    exp = Expectation()
    status_index = len(spec.columns) if spec.status_header is not None else None
    removed = stale if spec.status_header is None else []
    exp.removed_rows = removed
    marked = [] if status_index is None else stale
    # A row already showing the reason is not marked again.
    exp.marked_rows = [
        r for r in marked if cell_value(before.get((r, positions[len(spec.columns)]))) != GONE
    ]
    gone = set(removed)

    def moved(r: int) -> int:
        return r - sum(1 for d in removed if d < r)

    cells: Cells = {}
    for (r, c), cell in before.items():
        if r not in gone:
            cells[(moved(r), c)] = dict(cell)

    def put(r: int, c: int, value: Value, *, new: bool = False, index: int | None = None) -> None:
        pos = (moved(r), c)
        if not same_value(value, cell_value(before.get((r, c))), tolerance=0.0):
            exp.cells_written += 1
        cell = with_value(cells.get(pos), value)
        # A new cell (a new row's, or a new column's on a keyed row) gets the column's number
        # format even when empty, so a value written there later shows as a date or a number.
        if new and index is not None and index < len(spec.columns):
            fmt = spec.columns[index].number_format
            if fmt is not None:
                cell["format"] = {**cell.get("format", {}), "numberFormat": fmt}
        dated = index is not None and index < len(spec.columns) and spec.columns[index].kind
        if dated in _DATES and value is not None:
            exp.datetime_cells.add(pos)
        if cell:
            cells[pos] = cell
        else:
            cells.pop(pos, None)

    for index, header in enumerate(spec.headers):
        col = positions[index]
        if index in added:  # a header found (even with spaces around it) is left as it is
            put(h0, col, header)
        exp.managed_header_cells.add((h0, col))
        if index in added or first_run:
            exp.noted_headers.add((h0, col))
    for r, pid in keyed.items():
        values = records[pid]
        for index, value in enumerate(values):
            put(r, positions[index], value, index=index, new=index in added)
        if status_index is not None:
            put(r, positions[status_index], None)
    for r in marked:
        assert status_index is not None
        put(r, positions[status_index], GONE)

    present = set(keyed.values())
    missing = [pid for pid in records if pid not in present]
    first_new = max(used_rows, spec.header_row)
    exp.new_ids = set(missing)
    for offset, pid in enumerate(
        _appended_order(missing, after, moved(first_new), positions[spec.key])
    ):
        r = first_new + offset
        for index, value in enumerate(records[pid]):
            put(r, positions[index], value, new=True, index=index)
    start = moved(first_new)
    exp.new_rows = range(start, start + len(missing))
    exp.cells = cells
    return exp


def _appended_order(missing: list[int], after: Cells, start: int, key_col: int) -> list[int]:
    found: list[int] = []
    for offset in range(len(missing)):
        value = cell_value(after.get((start + offset, key_col)))
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    return found if sorted(found) == sorted(missing) else missing


def same_value(want: Any, have: Any, *, tolerance: float) -> bool:
    if isinstance(want, bool) or isinstance(have, bool):
        return isinstance(want, bool) and isinstance(have, bool) and want == have
    if isinstance(want, int | float) and isinstance(have, int | float):
        return math.isclose(want, have, rel_tol=1e-12, abs_tol=tolerance)
    return bool(type(want) is type(have) and want == have)


def differences(exp: Expectation, after: Cells) -> list[str]:
    """Every cell where the worksheet after the run differs from the expectation."""
    problems: list[str] = []
    for pos in sorted(set(exp.cells) | set(after)):
        want = dict(exp.cells.get(pos, {}))
        have = dict(after.get(pos, {}))
        name = rowcol_to_a1(pos[0] + 1, pos[1] + 1)
        if pos in exp.noted_headers:
            note = have.pop("note", "")
            want.pop("note", None)
            if not str(note).startswith(MANAGED_NOTE_START):
                problems.append(f"{name}: managed header without the managed note ({note!r})")
        tolerance = 1e-9 if pos in exp.datetime_cells else 0.0
        want_value, have_value = want.pop("value", None), have.pop("value", None)
        if not same_value(want_value, have_value, tolerance=tolerance):
            problems.append(f"{name}: value {have_value!r}, expected {want_value!r}")
        if want != have:
            problems.append(f"{name}: {have!r}, expected {want!r}")
    return problems
