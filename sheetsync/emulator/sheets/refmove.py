"""Formulas follow rows and columns that are inserted or deleted (any sheet referring to them).

Called by ``insertDimension``/``deleteDimension`` (and appends that insert rows). Finding the
formulas is a scan of every sheet; a sheet found to hold none is remembered for the rest of the
batch (``Context.formula_free``), so a batch of many deletions on a big formula-free sheet costs
one fast scan. Limitation: a formula written into such a sheet earlier in the same batch is not
moved by a later insert or delete of that batch.
"""

from __future__ import annotations

from itertools import chain

from .context import Context
from .formula import Formula
from .model import Sheet
from .refshift import restructure


def _holds_formulas(sheet: Sheet) -> bool:
    values = chain.from_iterable(row.values for row in sheet.rows if row is not None)
    return Formula in set(map(type, values))


def move_references(
    ctx: Context, sheet: Sheet, dimension: str, change: tuple[str, int, int]
) -> None:
    for other in ctx.book.sheets:
        if other.sheet_id in ctx.formula_free:
            continue
        if not _holds_formulas(other):
            ctx.formula_free.add(other.sheet_id)
            continue
        for r, row in enumerate(other.rows):
            if row is None:
                continue
            for c, value in enumerate(row.values):
                if type(value) is not Formula:
                    continue
                text = restructure(
                    value.text,
                    moved_sheet=sheet.title,
                    home_sheet=other.title,
                    rows=dimension == "ROWS",
                    change=change,
                )
                if text != value.text:
                    other.set_value(r, c, Formula(text))
