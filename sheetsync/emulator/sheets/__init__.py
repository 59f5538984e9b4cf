"""Google Sheets API v4 emulator: the endpoints gspread and sheetsync use, over real HTTP.

>>> with SheetsEmulator() as emu:                      # doctest: +SKIP
...     sid = emu.create_spreadsheet("Demo", sheets=["Sheet1"])
...     gc = emu.gspread_client()
...     gc.open_by_key(sid).sheet1.update([["a", 1]], "A1")

Served: ``spreadsheets`` create/get/batchUpdate, ``values`` get/batchGet/update/batchUpdate/
append/clear/batchClear, ``developerMetadata`` search/get, Drive ``files`` create/get/list/
delete; controls ``/_emulator/spreadsheets[/{id}]`` and ``/_emulator/quota`` beside the base
ones. Checked against real recorded Google traffic by ``fidelity.py`` (it never reads the
recordings itself).

Choices where neither recordings nor documentation decide (UNCONFIRMED):

- Formulas: a small evaluator (arithmetic, references, SUM/IF/... see ``formula.py``); any
  other formula reads back as its own text under every render option. References move
  with inserted and deleted rows and columns, and with ``copyPaste`` (relative ones only).
- USER_ENTERED: a leading ``+`` on a non-number starts a formula (so ``+81 3...`` becomes
  ``#ERROR!``); ``-`` and ``@`` prefixes stay text. Dates/times typed in ISO or US form become
  serial numbers with a matching number format, set only where the cell has none.
- The automatic number format switches to scientific notation at 1e15; booleans read back as
  ``true``/``false`` under UNFORMATTED_VALUE and FORMULA, ``"TRUE"``/``"FALSE"`` formatted.
- The 50,000-character cell limit counts UTF-16 code units.
- A values write past the grid names the written block in ``Range (...) exceeds grid limits``;
  a read that starts inside the grid is clipped, one that starts outside is refused.
- ``updatedRange`` covers the data's rectangle (nulls included); zero counts are left out.
- Developer metadata: creating an existing ``metadataId`` fails the batch (documented
  uniqueness; the message wording is ours); a delete or update that matches nothing succeeds and
  its reply leaves the empty list out; 30,000 characters of keys+values per spreadsheet-level and
  per sheet-level store (configurable). Row/column metadata appears in grid data's
  ``rowMetadata``/``columnMetadata``, as in the API's schema.
- With a ``fields`` mask, grid data is returned only when the mask selects ``sheets.data``
  (``includeGridData`` is ignored, as documented).
- insertDimension copies cell formats from the neighbour row/column (as the UI does).
- textFormatRuns are stored and echoed as written (Google may add link colour/underline).
- Unsupported batchUpdate request kinds fail with a message naming the emulator.
"""

from .app import SheetsApp
from .client import emulator_http_client, gspread_client
from .emulator import SheetsEmulator

__all__ = ["SheetsApp", "SheetsEmulator", "emulator_http_client", "gspread_client"]
