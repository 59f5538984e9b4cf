"""A read worksheet seen as a table: header text -> column(s), sheet row number -> cells.

Pure. Columns are found by header text, never by position (users move columns and add their
own). Every column with a given header is kept, so a duplicated header can be reported rather
than silently resolved. Rows above the header row are never part of the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import CellValue, SheetSnapshot


def header_text(value: CellValue) -> str:
    """A header cell as text: surrounding whitespace ignored, ``""`` for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


class Table:
    """Rows of a worksheet below a header row given 1-based (as users number rows)."""

    def __init__(self, rows: Sequence[Sequence[CellValue]], header_row: int = 1) -> None:
        if header_row < 1:
            raise ValueError(f"header_row is a 1-based sheet row number, got {header_row}")
        self.header_row = header_row
        self._rows = rows
        self.width = max((len(r) for r in rows), default=0)
        header = self.row(header_row)
        found: dict[str, list[int]] = {}
        for col, value in enumerate(header):
            text = header_text(value)
            if text:
                found.setdefault(text, []).append(col)
        self.headers: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in found.items()}
        self._used_width: int | None = None

    @property
    def rows_source(self) -> Sequence[Sequence[CellValue]]:
        """The rows this table reads (to tell whether it is still the sheet as last read)."""
        return self._rows

    @classmethod
    def from_snapshot(cls, snapshot: SheetSnapshot, header_row: int = 1) -> Table:
        return cls(snapshot.rows, header_row)

    # -- columns ----------------------------------------------------------------------------
    def columns(self, header: str) -> tuple[int, ...]:
        """Every 0-based column index whose header is ``header`` (empty if none)."""
        return self.headers.get(header.strip(), ())

    def column(self, header: str) -> int | None:
        """The column of a header that appears once; None if absent.

        Raises :class:`DuplicateHeaderError` if it appears more than once.
        """
        found = self.columns(header)
        if len(found) > 1:
            raise DuplicateHeaderError(header.strip(), found, self.header_row)
        return found[0] if found else None

    def duplicates(self, headers: Sequence[str] | None = None) -> dict[str, tuple[int, ...]]:
        """Headers that appear more than once (only among ``headers`` when given)."""
        wanted = None if headers is None else {h.strip() for h in headers}
        return {
            text: cols
            for text, cols in self.headers.items()
            if len(cols) > 1 and (wanted is None or text in wanted)
        }

    # -- rows ---------------------------------------------------------------------------------
    @property
    def first_data_row(self) -> int:
        """Sheet row number of the first row below the header."""
        return self.header_row + 1

    @property
    def next_row(self) -> int:
        """Sheet row number where a new row goes: just after the used range (and the header)."""
        return max(len(self._rows), self.header_row) + 1

    def row(self, number: int) -> list[CellValue]:
        """The cells of sheet row ``number`` (1-based), padded to the table's width."""
        if number < 1:
            raise ValueError(f"sheet row numbers start at 1, got {number}")
        if number > len(self._rows):
            return [None] * self.width
        cells = list(self._rows[number - 1])
        return cells + [None] * (self.width - len(cells))

    def used_width(self) -> int:
        """Columns used from the header row down (rows above it, a title say, do not count):
        one past the last non-empty cell of the header or any data row."""
        if self._used_width is None:
            width = 0
            for cells in self._rows[self.header_row - 1 :]:
                for col in range(len(cells) - 1, width - 1, -1):
                    value = cells[col]
                    if value is not None and value != "":
                        width = col + 1
                        break
            self._used_width = width
        return self._used_width

    def row_cells(self, number: int) -> Sequence[CellValue]:
        """The cells of data row ``number`` as read, without a copy when it is full width."""
        cells = self._rows[number - 1]
        if len(cells) >= self.width:
            return cells
        return list(cells) + [None] * (self.width - len(cells))

    def cell(self, number: int, col: int) -> CellValue:
        """The value at sheet row ``number`` (1-based), 0-based column ``col``."""
        if number < 1 or number > len(self._rows) or col < 0:
            return None
        cells = self._rows[number - 1]
        return cells[col] if col < len(cells) else None

    def data_rows(self) -> Iterator[tuple[int, list[CellValue]]]:
        """(sheet row number, cells) for every row below the header in the used range."""
        for number in range(self.first_data_row, len(self._rows) + 1):
            yield number, self.row(number)

    def rows_by_key(self, col: int) -> dict[CellValue, list[int]]:
        """Key value -> sheet row numbers holding it, for the data rows (empty keys skipped).

        A key on more than one row shows up with several row numbers, so it can be reported.
        """
        found: dict[CellValue, list[int]] = {}
        for number in range(self.first_data_row, len(self._rows) + 1):
            key = self.cell(number, col)
            if key is not None:
                found.setdefault(key, []).append(number)
        return found

    @staticmethod
    def grid_index(number: int) -> int:
        """The 0-based grid row index of a 1-based sheet row number."""
        return number - 1


class DuplicateHeaderError(ValueError):
    """A header the caller needs appears in several columns."""

    def __init__(self, header: str, columns: Sequence[int], header_row: int) -> None:
        letters = ", ".join(column_letter(c) for c in columns)
        super().__init__(
            f"header {header!r} appears in several columns ({letters}) of row {header_row}; "
            "rename or remove the extra ones"
        )
        self.header = header
        self.columns = tuple(columns)


def column_letter(col: int) -> str:
    """0-based column index -> A1 letters (0 -> A, 26 -> AA)."""
    if col < 0:
        raise ValueError(f"column index must be >= 0, got {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> an A1 cell name such as ``C7``."""
    return f"{column_letter(col)}{row + 1}"
