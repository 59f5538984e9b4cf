"""Local emulators of the Pardot API v5 and the Google Sheets API v4.

Real HTTP servers on loopback that the real clients (httpx, gspread) talk to unchanged. The
product never imports this package; only the CLI's ``demo`` and ``emulate`` commands and the
tests do.
"""
