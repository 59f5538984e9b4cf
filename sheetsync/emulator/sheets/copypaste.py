"""``copyPaste``: copy a source GridRange to a destination GridRange, as the API documents.

- A destination spanning a multiple of the source's height or width repeats (tiles) the source
  to fill it; a destination smaller than the source still receives the whole source (past its
  end). A destination larger but not a multiple gets as many whole copies as fit (at least one;
  UNCONFIRMED: no recording shows Google's choice).
- Formulas are moved as Sheets moves them: relative references shift by the distance between
  each source cell and its copy, ``$``-absolute parts stay (:mod:`.refshift`).
- ``pasteType``: ``PASTE_NORMAL`` (value and every CellData field), ``PASTE_NO_BORDERS`` (the
  same; borders are not modelled), ``PASTE_FORMULA`` (the value only: formulas moved, constants
  copied, an empty source clears), ``PASTE_FORMAT`` (``userEnteredFormat``),
  ``PASTE_DATA_VALIDATION``. ``PASTE_VALUES``, ``PASTE_CONDITIONAL_FORMATTING`` and
  ``pasteOrientation: TRANSPOSE`` are refused as unsupported by this emulator.
- The source is read before anything is written, so overlapping ranges behave like a copy.
"""

from __future__ import annotations

from typing import Any

from .a1 import Bounds, format_bounds
from .cells import EXTRA_KEYS, CellValue
from .context import Context, exceeds_grid
from .errors import bad_request
from .formula import Formula
from .refshift import shift_formula

PASTE_TYPES = (
    "PASTE_NORMAL",
    "PASTE_VALUES",
    "PASTE_FORMAT",
    "PASTE_NO_BORDERS",
    "PASTE_FORMULA",
    "PASTE_DATA_VALIDATION",
    "PASTE_CONDITIONAL_FORMATTING",
)
_SUPPORTED = {
    "PASTE_NORMAL": ("value", *EXTRA_KEYS),
    "PASTE_NO_BORDERS": ("value", *EXTRA_KEYS),
    "PASTE_FORMULA": ("value",),
    "PASTE_FORMAT": ("userEnteredFormat",),
    "PASTE_DATA_VALIDATION": ("dataValidation",),
}


def _moved(value: CellValue, rows: int, cols: int) -> CellValue:
    if isinstance(value, Formula):
        return Formula(shift_formula(value.text, rows, cols))
    return value


def copy_paste(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    paste_type = req.get("pasteType") or "PASTE_NORMAL"
    if paste_type not in PASTE_TYPES:
        raise bad_request(f"Invalid value at 'pasteType': {paste_type!r}")
    parts = _SUPPORTED.get(paste_type)
    orientation = req.get("pasteOrientation") or "NORMAL"
    if orientation not in ("NORMAL", "TRANSPOSE"):
        raise bad_request(f"Invalid value at 'pasteOrientation': {orientation!r}")
    if parts is None or orientation != "NORMAL":
        what = paste_type if parts is None else "pasteOrientation TRANSPOSE"
        raise bad_request(f"{what} is not supported by the sheetsync Sheets emulator.")
    src = ctx.grid_range(req.get("source"))
    dst = ctx.grid_range(req.get("destination"))
    height, width = src.r1 - src.r0, src.c1 - src.c0
    if not height or not width:
        return {}
    copies_down = max(1, (dst.r1 - dst.r0) // height)
    copies_across = max(1, (dst.c1 - dst.c0) // width)
    end_row = dst.r0 + copies_down * height
    end_col = dst.c0 + copies_across * width
    if end_row > dst.sheet.row_count or end_col > dst.sheet.col_count:
        raise exceeds_grid(dst.sheet, format_bounds(Bounds(dst.r0, end_row, dst.c0, end_col)))
    source = [
        [
            (src.sheet.value(r, c), dict(src.sheet.cell_extras(r, c) or {}))
            for c in range(src.c0, src.c1)
        ]
        for r in range(src.r0, src.r1)
    ]
    for down in range(copies_down):
        for across in range(copies_across):
            for i, row in enumerate(source):
                for j, (value, extra) in enumerate(row):
                    r = dst.r0 + down * height + i
                    c = dst.c0 + across * width + j
                    for part in parts:
                        if part == "value":
                            moved = _moved(value, r - (src.r0 + i), c - (src.c0 + j))
                            dst.sheet.set_value(r, c, moved)
                        else:
                            dst.sheet.set_extra(r, c, part, extra.get(part))
    return {}
