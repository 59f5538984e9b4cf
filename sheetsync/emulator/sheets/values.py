"""The ``spreadsheets.values`` collection: get, batchGet, update, batchUpdate, append, clear,
batchClear.

Writes: ``null`` leaves a cell unchanged, ``""`` clears its value; formats and notes stay.
A multi-cell range bounds the write (``Requested writing within range [...]``); a single-cell
range only anchors it; neither may pass the grid (``exceeds grid limits``) except through
``append``, which grows the grid. Append finds "the table" like this (matching the recorded
quirks): a single-cell range's table is the region around that cell if it holds a value; a wider
range's table is the region around the last filled cell in it (row-major); the region grows
while any filled cell touches it (diagonals included). Values go below the table, starting at
its first column; without a table, at the range's top-left cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import dimensions
from .a1 import Bounds, ParsedRange, column_letters, format_bounds, format_range, parse_range
from .cells import CellValue, from_raw, from_user_entered
from .context import Context, GridBlock, exceeds_grid
from .errors import ApiError, bad_request, invalid_enum, invalid_value, unable_to_parse_range
from .model import Sheet, Spreadsheet
from .render import (
    DATE_TIME_OPTIONS,
    FORMATTED,
    SERIAL,
    VALUE_RENDER_OPTIONS,
    Renderer,
    to_columns,
)

Params = Callable[[str], str | None]
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
LIST_VALUE = "type.googleapis.com/google.protobuf.ListValue"


# -- ranges --------------------------------------------------------------------------------------


def resolve(book: Spreadsheet, text: str) -> tuple[Sheet, ParsedRange]:
    parsed = parse_range(text)
    if parsed is None:
        raise unable_to_parse_range(text)
    sheet = book.first_visible() if parsed.sheet is None else book.sheet_by_title(parsed.sheet)
    if sheet is None:
        raise unable_to_parse_range(text)
    return sheet, parsed


def read_block(book: Spreadsheet, text: str) -> GridBlock:
    """The range clipped to the grid; a range starting outside the grid is an error."""
    sheet, parsed = resolve(book, text)
    b = parsed.bounds
    r0, c0 = b.start_row or 0, b.start_col or 0
    if r0 >= sheet.row_count or c0 >= sheet.col_count:
        raise exceeds_grid(sheet, format_bounds(b))
    r1 = min(b.end_row if b.end_row is not None else sheet.row_count, sheet.row_count)
    c1 = min(b.end_col if b.end_col is not None else sheet.col_count, sheet.col_count)
    return GridBlock(sheet, r0, r1, c0, c1)


# -- options -------------------------------------------------------------------------------------


def _enum(value: Any, allowed: tuple[str, ...], field: str, enum_name: str, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in allowed:
        raise invalid_enum(field, enum_name, str(value))
    return str(value)


def render_options(value_option: Any, date_option: Any, dimension: Any) -> tuple[str, str, str]:
    return (
        _enum(
            value_option,
            VALUE_RENDER_OPTIONS,
            "value_render_option",
            "ValueRenderOption",
            FORMATTED,
        ),
        _enum(
            date_option,
            DATE_TIME_OPTIONS,
            "date_time_render_option",
            "DateTimeRenderOption",
            SERIAL,
        ),
        _enum(
            "ROWS" if dimension == "DIMENSION_UNSPECIFIED" else dimension,
            ("ROWS", "COLUMNS"),
            "major_dimension",
            "Dimension",
            "ROWS",
        ),
    )


def input_option(value: Any) -> str:
    if value in (None, ""):
        raise bad_request("'valueInputOption' is required but not specified")
    if value == "INPUT_VALUE_OPTION_UNSPECIFIED" or value not in INPUT_OPTIONS:
        raise invalid_enum("value_input_option", "ValueInputOption", str(value))
    return str(value)


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


# -- reads ---------------------------------------------------------------------------------------


def value_range(
    renderer: Renderer, block: GridBlock, option: str, date_option: str, dimension: str
) -> dict[str, Any]:
    rows = renderer.matrix(
        block.sheet, (block.r0, block.r1), (block.c0, block.c1), option, date_option
    )
    out: dict[str, Any] = {"range": block.a1, "majorDimension": dimension}
    values = to_columns(rows) if dimension == "COLUMNS" else rows
    if values:
        out["values"] = values
    return out


def get(renderer: Renderer, text: str, param: Params) -> dict[str, Any]:
    option, date_option, dimension = render_options(
        param("valueRenderOption"), param("dateTimeRenderOption"), param("majorDimension")
    )
    return value_range(renderer, read_block(renderer.book, text), option, date_option, dimension)


def batch_get(renderer: Renderer, ranges: list[str], param: Params) -> dict[str, Any]:
    option, date_option, dimension = render_options(
        param("valueRenderOption"), param("dateTimeRenderOption"), param("majorDimension")
    )
    blocks = [read_block(renderer.book, text) for text in ranges]
    out: dict[str, Any] = {"spreadsheetId": renderer.book.id}
    if blocks:
        out["valueRanges"] = [
            value_range(renderer, b, option, date_option, dimension) for b in blocks
        ]
    return out


# -- writes --------------------------------------------------------------------------------------


class Written:
    """What a values write did, for UpdateValuesResponse."""

    def __init__(self, sheet: Sheet, r0: int, c0: int, height: int, width: int) -> None:
        self.sheet, self.r0, self.c0, self.height, self.width = sheet, r0, c0, height, width
        self.rows: set[int] = set()
        self.cols: set[int] = set()
        self.cells = 0

    @property
    def a1(self) -> str:
        return format_range(
            self.sheet.title,
            self.r0,
            self.r0 + max(self.height, 1),
            self.c0,
            self.c0 + max(self.width, 1),
        )

    def response(self, book_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {"spreadsheetId": book_id, "updatedRange": self.a1}
        for key, count in (
            ("updatedRows", len(self.rows)),
            ("updatedColumns", len(self.cols)),
            ("updatedCells", self.cells),
        ):
            if count:
                out[key] = count
        return out


def matrix(body: Any, field: str = "data") -> list[list[Any]]:
    """The body's ``values`` as a ROWS-major list of rows (``None`` = leave the cell alone)."""
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received.")
    values = body.get("values")
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid_value(f"{field}.values", LIST_VALUE, values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise invalid_value(f"{field}.values[{i}]", LIST_VALUE, row)
    dimension = body.get("majorDimension") or "ROWS"
    if dimension == "DIMENSION_UNSPECIFIED":
        dimension = "ROWS"
    if dimension not in ("ROWS", "COLUMNS"):
        raise invalid_enum(f"{field}.major_dimension", "Dimension", str(dimension))
    if dimension == "ROWS":
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[j] if j < len(col) else None for col in values] for j in range(height)]


def _cell_error(i: int, j: int, value: Any) -> ApiError:
    kind = "list_value" if isinstance(value, list) else "struct_value"
    return bad_request(f"Invalid values[{i}][{j}]: {kind} {{{'' if not value else ' ... '}}}")


def write_matrix(sheet: Sheet, r0: int, c0: int, rows: list[list[Any]], option: str) -> Written:
    width = max((len(row) for row in rows), default=0)
    written = Written(sheet, r0, c0, len(rows), width)
    user_entered = option == "USER_ENTERED"
    for i, row in enumerate(rows):
        r = r0 + i
        cells: list[tuple[int, CellValue, dict[str, Any] | None]] = []
        for j, item in enumerate(row):
            if item is None:
                continue
            try:
                if user_entered:
                    value, fmt = from_user_entered(item)
                else:
                    value, fmt = from_raw(item), None
            except TypeError:
                raise _cell_error(i, j, item) from None
            cells.append((c0 + j, value, fmt))
        if not cells:
            continue
        written.rows.add(r)
        written.cells += len(cells)
        written.cols.update(c for c, _, _ in cells)
        target = sheet.writable(r)
        last = cells[-1][0]
        if len(target.values) <= last:
            target.values.extend([None] * (last + 1 - len(target.values)))
        for c, value, fmt in cells:
            target.values[c] = value
            if target.extras and c in target.extras:
                sheet.set_extra(r, c, "textFormatRuns", None)
            if fmt is not None:
                _default_number_format(sheet, r, c, fmt)
    return written


def _default_number_format(sheet: Sheet, r: int, c: int, number_format: dict[str, Any]) -> None:
    current = (sheet.cell_extras(r, c) or {}).get("userEnteredFormat") or {}
    if "numberFormat" not in current:
        sheet.set_extra(r, c, "userEnteredFormat", {**current, "numberFormat": number_format})


def _place(sheet: Sheet, parsed: ParsedRange, height: int, width: int) -> tuple[int, int]:
    """Where a values.update writes; refuses data past an explicit range or the grid."""
    b = parsed.bounds
    r0, c0 = b.start_row or 0, b.start_col or 0
    if r0 >= sheet.row_count or c0 >= sheet.col_count:
        raise exceeds_grid(sheet, format_bounds(b))
    if not b.is_single_cell():
        limit_rows = min(b.end_row if b.end_row is not None else sheet.row_count, sheet.row_count)
        limit_cols = min(b.end_col if b.end_col is not None else sheet.col_count, sheet.col_count)
        shown = format_range(sheet.title, r0, limit_rows, c0, limit_cols)
        if r0 + height > limit_rows:
            raise bad_request(
                f"Requested writing within range [{shown}], but tried writing to row "
                f"[{limit_rows + 1}]"
            )
        if c0 + width > limit_cols:
            raise bad_request(
                f"Requested writing within range [{shown}], but tried writing to column "
                f"[{column_letters(limit_cols)}]"
            )
    if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
        shown = format_bounds(Bounds(r0, r0 + max(height, 1), c0, c0 + max(width, 1)))
        raise exceeds_grid(sheet, shown)
    return r0, c0


def _with_data(
    written: Written, renderer: Renderer, source: Callable[[str], Any]
) -> dict[str, Any]:
    out = written.response(renderer.book.id)
    if truthy(source("includeValuesInResponse")):
        option, date_option, _ = render_options(
            source("responseValueRenderOption"), source("responseDateTimeRenderOption"), None
        )
        block = GridBlock(
            written.sheet,
            written.r0,
            written.r0 + max(written.height, 1),
            written.c0,
            written.c0 + max(written.width, 1),
        )
        out["updatedData"] = value_range(renderer, block, option, date_option, "ROWS")
    return out


def update(ctx: Context, text: str, param: Params, body: Any) -> Written:
    option = input_option(param("valueInputOption"))
    rows = matrix(body)
    sheet, parsed = resolve(ctx.book, text)
    width = max((len(row) for row in rows), default=0)
    r0, c0 = _place(sheet, parsed, len(rows), width)
    return write_matrix(sheet, r0, c0, rows, option)


def update_response(written: Written, renderer: Renderer, param: Params) -> dict[str, Any]:
    return _with_data(written, renderer, param)


def batch_update(ctx: Context, body: Any) -> tuple[list[Written], dict[str, Any]]:
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received.")
    option = input_option(body.get("valueInputOption"))
    data = body.get("data") or []
    if not isinstance(data, list):
        raise invalid_value("data", LIST_VALUE, data)
    results: list[Written] = []
    for i, item in enumerate(data):
        try:
            if not isinstance(item, dict) or not item.get("range"):
                raise bad_request("A range is required.")
            rows = matrix(item, f"data[{i}]")
            sheet, parsed = resolve(ctx.book, str(item["range"]))
            width = max((len(row) for row in rows), default=0)
            r0, c0 = _place(sheet, parsed, len(rows), width)
            results.append(write_matrix(sheet, r0, c0, rows, option))
        except ApiError as error:
            raise error.prefixed(f"Invalid data[{i}]") from None
    return results, body


def batch_update_response(
    results: list[Written], body: dict[str, Any], renderer: Renderer
) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": renderer.book.id}
    rows = {(w.sheet.sheet_id, r) for w in results for r in w.rows}
    cols = {(w.sheet.sheet_id, c) for w in results for c in w.cols}
    totals = {
        "totalUpdatedRows": len(rows),
        "totalUpdatedColumns": len(cols),
        "totalUpdatedCells": sum(w.cells for w in results),
        "totalUpdatedSheets": len({w.sheet.sheet_id for w in results if w.cells}),
    }
    out.update({k: v for k, v in totals.items() if v})
    if results:
        out["responses"] = [_with_data(w, renderer, body.get) for w in results]
    return out


def append(ctx: Context, text: str, param: Params, body: Any) -> tuple[Written, str | None]:
    option = input_option(param("valueInputOption"))
    insert_option = param("insertDataOption") or "OVERWRITE"
    if insert_option not in ("OVERWRITE", "INSERT_ROWS"):
        raise invalid_enum("insert_data_option", "InsertDataOption", insert_option)
    rows = matrix(body)
    sheet, parsed = resolve(ctx.book, text)
    block = read_block(ctx.book, text)
    table = find_table(sheet, block, parsed)
    table_range: str | None = None
    if table is not None:
        table_range = table.a1
        r0, c0 = table.r1, table.c0
    else:
        r0, c0 = block.r0, block.c0
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    if insert_option == "INSERT_ROWS" and height:
        dimensions.insert(ctx, sheet, "ROWS", r0, height)
    if r0 + height > sheet.row_count:
        sheet.grid["rowCount"] = r0 + height
    if c0 + width > sheet.col_count:
        sheet.grid["columnCount"] = c0 + width
    ctx.check_cells()
    return write_matrix(sheet, r0, c0, rows, option), table_range


def append_response(
    written: Written, table_range: str | None, renderer: Renderer, param: Params
) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": renderer.book.id}
    if table_range:
        out["tableRange"] = table_range
    out["updates"] = _with_data(written, renderer, param)
    return out


def clear(ctx: Context, text: str) -> str:
    block = read_block(ctx.book, text)
    clear_block(block)
    return block.a1


def clear_block(block: GridBlock) -> None:
    sheet = block.sheet
    for r in range(block.r0, min(block.r1, len(sheet.rows))):
        row = sheet.rows[r]
        if row is None:
            continue
        has_values = any(v is not None for v in row.values[block.c0 : block.c1])
        if not has_values:
            continue
        target = sheet.writable(r)
        for c in range(block.c0, min(block.c1, len(target.values))):
            if target.values[c] is not None:
                target.values[c] = None
                if target.extras and c in target.extras:
                    sheet.set_extra(r, c, "textFormatRuns", None)


def batch_clear(ctx: Context, body: Any) -> list[str]:
    ranges = body.get("ranges") if isinstance(body, dict) else None
    if ranges is None:
        ranges = []
    if not isinstance(ranges, list):
        raise invalid_value("ranges", LIST_VALUE, ranges)
    return [clear(ctx, str(text)) for text in ranges]


# -- append's table detection ---------------------------------------------------------------------


def find_table(sheet: Sheet, block: GridBlock, parsed: ParsedRange) -> GridBlock | None:
    if parsed.cells_given and parsed.bounds.is_single_cell():
        if sheet.value(block.r0, block.c0) is None:
            return None
        seed = (block.r0, block.c0)
    else:
        found = _last_filled(sheet, block)
        if found is None:
            return None
        seed = found
    return _region(sheet, *seed)


def _last_filled(sheet: Sheet, block: GridBlock) -> tuple[int, int] | None:
    for r in range(min(block.r1, sheet.value_rows()) - 1, block.r0 - 1, -1):
        row = sheet.row(r)
        if row is None:
            continue
        for c in range(min(block.c1, len(row.values)) - 1, block.c0 - 1, -1):
            if row.values[c] is not None:
                return r, c
    return None


def _row_has(sheet: Sheet, r: int, c0: int, c1: int) -> bool:
    if r < 0 or r >= sheet.row_count:
        return False
    row = sheet.row(r)
    if row is None:
        return False
    return any(v is not None for v in row.values[max(c0, 0) : max(c1, 0)])


def _col_has(sheet: Sheet, c: int, r0: int, r1: int) -> bool:
    if c < 0 or c >= sheet.col_count:
        return False
    return any(sheet.value(r, c) is not None for r in range(max(r0, 0), min(r1, sheet.row_count)))


def _region(sheet: Sheet, r: int, c: int) -> GridBlock:
    r0, r1, c0, c1 = r, r + 1, c, c + 1
    changed = True
    while changed:
        changed = False
        while r1 < sheet.row_count and _row_has(sheet, r1, c0 - 1, c1 + 1):
            r1, changed = r1 + 1, True
        while r0 > 0 and _row_has(sheet, r0 - 1, c0 - 1, c1 + 1):
            r0, changed = r0 - 1, True
        while c1 < sheet.col_count and _col_has(sheet, c1, r0 - 1, r1 + 1):
            c1, changed = c1 + 1, True
        while c0 > 0 and _col_has(sheet, c0 - 1, r0 - 1, r1 + 1):
            c0, changed = c0 - 1, True
    return GridBlock(sheet, r0, r1, c0, c1)
