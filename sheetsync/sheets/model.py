"""Pure data types of the Sheets gateway: what a sync writes and what a read returns.

No gspread, requests or httpx here: the engine (diff, plan) imports this module.

Conventions
- Grid indices are 0-based (``row``, ``col``), exactly as the API's ``GridRange``; the header
  row of a :class:`~sheetsync.sheets.table.Table` is given 1-based, as users see it.
- ``None`` is an empty cell. Google never stores an empty string: writing ``None`` (or ``""``)
  clears a cell, and reading an empty cell gives ``None``.
- Numbers read back as ``int`` when they are whole (Google answers ``53``, not ``53.0``), else
  ``float``. Compare with :func:`cells_equal`, never with ``==`` alone (``True == 1`` in Python).
- A :class:`Link` is written as rich text (``textFormatRuns`` with ``link.uri``) and reads back
  as its text only: compare link cells by text (:func:`comparable`). A changed URL behind
  unchanged text is therefore not seen by the diff; reading hyperlinks would cost grid data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chunking import RowRequests

CellValue = str | int | float | bool | None


@dataclass(frozen=True)
class Link:
    """A cell showing ``text`` that links to ``url`` (never a ``HYPERLINK`` formula)."""

    text: str
    url: str

    @property
    def shown(self) -> str:
        """What the cell shows and reads back as (the URL when there is no text)."""
        return self.text or self.url


Cell = CellValue | Link


@dataclass(frozen=True)
class NumberFormat:
    """A Sheets ``NumberFormat``, e.g. ``NumberFormat("DATE", "yyyy-mm-dd")``."""

    type: str
    pattern: str


@dataclass(frozen=True)
class CellRun:
    """Contiguous cells of one row, starting at (``row``, ``col``) in the grid as read.

    ``formats`` is set only for new rows' typed columns (one entry per value, ``None`` = leave
    that cell's format alone); existing cells keep whatever format users gave them.
    """

    row: int
    col: int
    values: tuple[Cell, ...]
    formats: tuple[NumberFormat | None, ...] | None = None

    def __post_init__(self) -> None:
        if self.row < 0 or self.col < 0:
            raise ValueError(f"CellRun at ({self.row}, {self.col}): indices are 0-based, >= 0")
        if not self.values:
            raise ValueError(f"CellRun at ({self.row}, {self.col}) has no values")
        if self.formats is not None and len(self.formats) != len(self.values):
            raise ValueError(
                f"CellRun at ({self.row}, {self.col}): {len(self.formats)} formats for "
                f"{len(self.values)} values"
            )

    @property
    def end_col(self) -> int:
        """One past the last column written."""
        return self.col + len(self.values)


@dataclass(frozen=True)
class CellNote:
    """A note on one cell (e.g. "managed by sheetsync" on a managed header)."""

    row: int
    col: int
    text: str


@dataclass
class SheetWrite:
    """Everything one sync writes to one worksheet, applied by ``SheetsGateway.apply``.

    Row and column indices refer to the grid as read (before this write's deletions). The grid
    grows to at least ``min_rows`` x ``min_cols``, and always enough for every run and note.
    ``state`` (JSON-able) is written last, in the same atomic request as the last cells.
    """

    runs: list[CellRun] = field(default_factory=list)
    notes: list[CellNote] = field(default_factory=list)
    min_rows: int = 0
    min_cols: int = 0
    delete_rows: list[int] = field(default_factory=list)
    state: dict[str, Any] | None = None
    # Ready-made batchUpdate subrequests (other tabs: status, change history; fill-down
    # copyPaste). Sent after the rows and deletions, before the state (in its batch unless
    # they pass the batch budget), so their indices are those of the grid after the deletions.
    extra_requests: list[dict[str, Any]] = field(default_factory=list)
    # Subrequests sent in the first batch, after the grid growth (a new history tab, say).
    first_requests: list[dict[str, Any]] = field(default_factory=list)
    # Subrequests that belong with some rows (their change-history lines, a new row's fill-down
    # formulas): sent in the batch that writes those rows. Indices: the grid as read.
    row_requests: RowRequests | None = None


@dataclass
class TabRead:
    """Another worksheet of the spreadsheet, read with the data (status, change history)."""

    sheet_id: int
    title: str
    row_count: int
    col_count: int
    rows: list[list[CellValue]]  # padded to one width; only the columns asked for


@dataclass(frozen=True)
class GridRange:
    """A 0-based, half-open grid range; ``None`` bounds are unbounded (as in the API)."""

    sheet_id: int
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None

    def contains(self, row: int, col: int) -> bool:
        return (
            (self.start_row is None or row >= self.start_row)
            and (self.end_row is None or row < self.end_row)
            and (self.start_col is None or col >= self.start_col)
            and (self.end_col is None or col < self.end_col)
        )


@dataclass(frozen=True)
class ProtectedRange:
    """A protected range over the worksheet (``range`` None = the whole sheet).

    ``can_edit``: Google's ``requestingUserCanEdit`` (may the account sheetsync runs as edit
    it?); True when Google does not say, so that Google decides.
    """

    id: int | None
    range: GridRange | None
    description: str = ""
    warning_only: bool = False
    unprotected: tuple[GridRange, ...] = ()
    can_edit: bool = True

    def covers(self, row: int, col: int) -> bool:
        inside = self.range is None or self.range.contains(row, col)
        return inside and not any(r.contains(row, col) for r in self.unprotected)


@dataclass
class SheetSnapshot:
    """What one ``SheetsGateway.read`` returns: the worksheet as read, and its sync metadata."""

    spreadsheet_id: str
    sheet_id: int
    title: str
    row_count: int
    col_count: int
    rows: list[list[CellValue]]
    version: str | None
    state: dict[str, Any] | None
    mapping: str = ""
    merges: list[GridRange] = field(default_factory=list)
    protected_ranges: list[ProtectedRange] = field(default_factory=list)
    time_zone: str | None = None
    locale: str | None = None
    total_cells: int = 0
    frozen_rows: int = 0
    created: bool = False
    state_metadata_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    tabs: dict[str, TabRead] = field(default_factory=dict)  # other tabs read, by title
    sheet_ids: tuple[int, ...] = ()  # every sheetId of the spreadsheet (to add a tab)

    @property
    def width(self) -> int:
        """Columns in the used range (every row of ``rows`` has this length)."""
        return len(self.rows[0]) if self.rows else 0

    def cell(self, row: int, col: int) -> CellValue:
        """The value at a 0-based grid position; ``None`` outside the used range."""
        if 0 <= row < len(self.rows) and 0 <= col < self.width:
            return self.rows[row][col]
        return None


@dataclass(frozen=True)
class ApplyResult:
    """What ``SheetsGateway.apply`` did."""

    version: str | None  # the version now stored (the last chunk's batch id); None if no write
    chunks: int  # guarded batches sent and applied
    cells_written: int
    notes_written: int
    rows_appended: int
    cols_appended: int
    rows_deleted: int
    state_written: bool
    recovered: int = 0  # batches whose answer was lost but which the re-read showed applied
    retries: int = 0  # batches re-sent after a failure that had not applied them


# -- value semantics shared with the engine ------------------------------------------------------

#: Google's per-cell limit; :func:`sheets_length` counts the way this gateway enforces it.
MAX_CELL_CHARS = 50_000
#: Google's per-spreadsheet cell cap (all tabs, empty grid cells included).
MAX_SPREADSHEET_CELLS = 10_000_000
#: Largest integer a Sheets number (an IEEE double) holds exactly.
MAX_EXACT_INT = 2**53
#: Numbers compare equal within this relative tolerance (far below a second in a date serial).
NUMBER_REL_TOL = 1e-12


def sheets_length(text: str) -> int:
    """Length of ``text`` as the 50,000-character cell limit counts it.

    Counted in UTF-16 code units (what JavaScript and Java strings, and so Sheets, measure): an
    emoji outside the BMP counts 2. This is never less than the code-point count, so a value
    this function accepts is never refused by Google for its length.
    """
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def comparable(cell: Cell) -> CellValue:
    """The value a cell reads back as: a link as the text it shows; ``""`` as empty (None)."""
    value = cell.shown if isinstance(cell, Link) else cell
    return None if value == "" else value


def normalise_number(value: int | float) -> int | float:
    """Whole floats become ints (``3.0`` -> ``3``), as Google answers them."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_EXACT_INT:
        return int(value)
    return value


def cells_equal(desired: Cell, current: CellValue) -> bool:
    """Whether writing ``desired`` over ``current`` (as read) would change nothing visible.

    Types matter (the string ``"1"`` is not the number 1; ``True`` is not 1); numbers compare by
    value within :data:`NUMBER_REL_TOL`; links compare by their text.
    """
    want = comparable(desired)
    if want is None or current is None:
        return want is None and current is None
    if isinstance(want, bool) or isinstance(current, bool):
        return isinstance(want, bool) and isinstance(current, bool) and want == current
    if isinstance(want, str) or isinstance(current, str):
        return isinstance(want, str) and isinstance(current, str) and want == current
    if want == current:
        return True
    return math.isclose(want, current, rel_tol=NUMBER_REL_TOL, abs_tol=0.0)
